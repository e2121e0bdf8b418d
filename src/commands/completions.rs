//! `midclt completions SHELL`: the completion script, generated from the same clap model
//! as `--help` and the man pages.

use crate::cli::Cli;
use anyhow::Context as _;
use clap::CommandFactory as _;
use std::io::Write as _;

pub(crate) fn run(shell: clap_complete::Shell) -> anyhow::Result<()> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "midclt", &mut script);
    match shell {
        clap_complete::Shell::Bash => script.extend_from_slice(crate::cli::BASH_DYNAMIC.as_bytes()),
        clap_complete::Shell::Zsh => script.extend_from_slice(crate::cli::ZSH_DYNAMIC.as_bytes()),
        clap_complete::Shell::Fish => script.extend_from_slice(crate::cli::FISH_DYNAMIC.as_bytes()),
        _ => {}
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(&script).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write the completion script to stdout")
        }
        _ => Ok(()),
    }
}
