//! `midclt config list|show|set|unset|path`: edit the profiles without an editor.

use crate::cli::ConfigCommand;
use crate::config;
use crate::error::Error;
use crate::render::print_line;

pub(crate) fn run(cmd: &ConfigCommand) -> anyhow::Result<()> {
    match cmd {
        ConfigCommand::List => {
            for name in config::list()? {
                print_line(&name)?;
            }
        }
        ConfigCommand::Show { name } => {
            for line in config::show(name)? {
                print_line(&line)?;
            }
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
