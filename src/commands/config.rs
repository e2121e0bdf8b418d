//! `midclt config list|show|set|unset|path`: edit the profiles without an editor.

use crate::cli::{ConfigCommand, GlobalArgs};
use crate::config;
use crate::error::Error;
use crate::render::print_line;
use serde_json::Value;

pub(crate) fn run(g: &GlobalArgs, cmd: &ConfigCommand) -> anyhow::Result<()> {
    let outer = super::spec_of(&g.out)?;
    match cmd {
        ConfigCommand::List(args) => {
            let spec = super::spec_of(&args.out)?.or(&outer);
            let names = config::list()?;
            if let Some(output) = super::formatted_output(&spec, "config list")? {
                let names = names.into_iter().map(Value::String).collect();
                return Ok(output.print(&Value::Array(names))?);
            }
            for name in names {
                print_line(&name)?;
            }
        }
        ConfigCommand::Show { name, out } => {
            let spec = super::spec_of(out)?.or(&outer);
            if let Some(output) = super::formatted_output(&spec, "config show")? {
                return Ok(output.print(&Value::Object(config::show_values(name)?))?);
            }
            for line in config::show(name)? {
                print_line(&line)?;
            }
        }
        _ if !outer.is_empty() => {
            return Err(Error::usage(
                "-o, --pretty and --select go with `config list` and `config show`; this command prints no result",
            )
            .into());
        }
        ConfigCommand::Set { name, key, value } => {
            let path = config::set(name, key, Some(value))?;
            print_line(&format!("[{name}] {key} set in {}", path.display()))?;
        }
        ConfigCommand::Unset { name, key } => {
            let path = config::set(name, key, None)?;
            print_line(&format!("[{name}] {key} removed from {}", path.display()))?;
        }
        ConfigCommand::Path => {
            let path = config::path().ok_or_else(|| {
                Error::usage("no config file location: set HOME, XDG_CONFIG_HOME or MIDCLT_CONFIG")
            })?;
            print_line(&path.display().to_string())?;
        }
    }
    Ok(())
}
