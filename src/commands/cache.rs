//! `midclt cache clear|path`: the TrueNAS CLI commands' catalogue cache.

use crate::cli::CacheCommand;
use crate::error::Result;
use crate::render::print_line;
use crate::truenas_cli::catalog;

pub fn run(cmd: &CacheCommand) -> Result<()> {
    match cmd {
        CacheCommand::Clear => {
            let n = catalog::clear()?;
            print_line(&format!(
                "removed {n} cached catalogue(s) from {}",
                catalog::cache_root().display()
            ))
        }
        CacheCommand::Path => print_line(&catalog::cache_root().display().to_string()),
    }
}
