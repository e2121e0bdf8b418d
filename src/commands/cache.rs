//! `midclt cache clear|path`: the TrueNAS CLI commands' catalogue cache.

use crate::cli::CacheCommand;
use crate::render::print_line;
use crate::truenas_cli::catalog;
use anyhow::Context as _;

pub(crate) fn run(cmd: &CacheCommand) -> anyhow::Result<()> {
    match cmd {
        CacheCommand::Clear => {
            let root = catalog::cache_root();
            let n = catalog::clear()
                .with_context(|| format!("cannot clear the catalogue cache {}", root.display()))?;
            print_line(&format!(
                "removed {n} cached catalogue(s) from {}",
                root.display()
            ))?;
        }
        CacheCommand::Path => print_line(&catalog::cache_root().display().to_string())?,
    }
    Ok(())
}
