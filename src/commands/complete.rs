//! `midclt complete -- WORDS…`: the completion engine shells (and tests) call; candidates
//! come from the cached catalogue of the server the global options select.

use crate::cli::{Cli, GlobalArgs};
use crate::client::uri;
use crate::render::print_line;
use crate::truenas_cli::{catalog, complete};
use clap::{CommandFactory as _, Parser as _};

pub(crate) fn run(g: &GlobalArgs, words: &[String]) -> anyhow::Result<()> {
    // Shells pass the whole line: global options first select the server, as they would
    // for the command being typed.
    let (options, words) = split_options(words);
    let parsed;
    let g = if options.is_empty() {
        g
    } else {
        let argv = std::iter::once("midclt".to_string())
            .chain(options.iter().cloned())
            .chain(std::iter::once("ping".to_string()));
        match Cli::try_parse_from(argv) {
            Ok(cli) => {
                parsed = cli;
                &parsed.global
            }
            Err(_) => g,
        }
    };
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
    for candidate in complete::candidates(cat.as_ref(), &own, &words) {
        print_line(&candidate)?;
    }
    Ok(())
}

/// Leading global options (with the values they take) and the words after them; a word
/// being typed is never taken as an option's value.
fn split_options(words: &[String]) -> (Vec<String>, Vec<String>) {
    let cmd = Cli::command();
    let mut i = 0;
    while i + 1 < words.len() && words[i].starts_with('-') && words[i] != "--" {
        let word = &words[i];
        let takes_value = !word.contains('=')
            && cmd.get_arguments().any(|a| {
                let long = a
                    .get_long()
                    .is_some_and(|l| word.strip_prefix("--") == Some(l));
                let short = a
                    .get_short()
                    .is_some_and(|s| word.strip_prefix('-') == Some(s.to_string().as_str()));
                (long || short) && a.get_action().takes_values()
            });
        i += if takes_value { 2 } else { 1 };
    }
    let i = i.min(words.len().saturating_sub(1));
    (words[..i].to_vec(), words[i..].to_vec())
}
