//! `midclt complete -- WORDS…`: the completion engine shells (and tests) call; candidates
//! come from the cached catalogue of the server the global options select.

use crate::cli::{Cli, GlobalArgs};
use crate::client::uri;
use crate::render::print_line;
use crate::truenas_cli::{catalog, complete};
use clap::CommandFactory as _;

pub(crate) fn run(g: &GlobalArgs, words: &[String]) -> anyhow::Result<()> {
    let cfg = super::config(g)?;
    let endpoint = match cfg.uri.as_deref() {
        Some(u) => uri::parse(u)?,
        None => uri::default_endpoint(),
    };
    let cat = catalog::cached(&crate::truenas_cli::server_key(&endpoint, &cfg));
    let cmd = Cli::command();
    let own: Vec<&str> = cmd
        .get_subcommands()
        .map(clap::Command::get_name)
        .filter(|n| *n != "complete")
        .collect();
    for candidate in complete::candidates(cat.as_ref(), &own, words) {
        print_line(&candidate)?;
    }
    Ok(())
}
