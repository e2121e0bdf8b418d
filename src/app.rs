//! The `midclt` program: parse the command line, run the command, report the outcome.

use crate::cli::{Cli, Command};
use crate::commands;
use crate::error::{Error, ExitCode};
use crate::render::{self, report};
use crate::truenas_cli::{self, Flags, Input};
use clap::{CommandFactory as _, Parser};
use std::io::IsTerminal as _;

/// Run with the process's arguments; returns the exit code.
pub(crate) fn main() -> i32 {
    let args = crate::cli::normalize_args(std::env::args_os());
    let parsed = Cli::try_parse_from(&args).or_else(|e| {
        // `midclt help auth api_key`: clap's help knows only midclt's own subcommands;
        // for a TrueNAS CLI path it means `midclt auth api_key --help`.
        match crate::cli::help_as_flag(&args) {
            Some(rewritten) => Cli::try_parse_from(rewritten),
            None => Err(e),
        }
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::Usage as i32
            } else {
                ExitCode::Success as i32
            };
        }
    };
    // Before anything else runs (it sets environment variables).
    crate::client::transport::economise_trust_store(
        cli.global.insecure || cli.global.pin.is_some(),
    );
    let style = report::Style {
        official: matches!(&cli.command, Some(Command::Call(_))),
        quiet: matches!(&cli.command, Some(Command::Call(c)) if c.quiet),
        verbose: cli.global.verbose,
    };
    let outcome = match (&cli.command, &cli.global.command_line) {
        (Some(Command::Shell(args)), None) => shell(&cli, args.keep_going),
        (Some(Command::Batch(args)), None) => commands::batch::run(&cli.global, args),
        (None, None) if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() => {
            shell(&cli, false)
        }
        (None, None) => {
            // Nothing to do and nobody to ask: the help, as a usage error.
            let _ = Cli::command().write_long_help(&mut std::io::stderr());
            return ExitCode::Usage as i32;
        }
        _ => run(&cli).map(|()| ExitCode::Success),
    };
    match outcome {
        Ok(code) => code as i32,
        Err(e) => {
            report::report(&e, style);
            report::exit_code(&e) as i32
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let g = &cli.global;
    let mut flags = Flags {
        output: g.output.as_deref().map(render::parse_format).transpose()?,
        dry_run: g.dry_run,
        help: false,
    };
    match (&cli.command, &g.command_line) {
        (Some(_), Some(_)) => {
            Err(Error::usage("-c LINE runs a command line by itself; drop the subcommand").into())
        }
        (None, Some(line)) => {
            flags.output = flags.output.or(commands::output_format(g)?);
            truenas_cli::run(&commands::config(g)?, Input::Line(line.clone()), &flags)
        }
        (None, None) => Ok(()),
        (Some(command), None) => match command {
            Command::Call(args) => commands::call::run(g, args),
            Command::Ping => commands::ping::run(g),
            Command::Waitready(args) => commands::waitready::run(g, args),
            Command::Subscribe(args) => commands::subscribe::run(g, args),
            Command::Token(args) => commands::token::run(g, args),
            Command::Job(cmd) => commands::job::run(g, cmd),
            Command::Key(cmd) => commands::key::run(g, cmd),
            Command::Trust(args) => commands::trust::run(g, args),
            Command::Config(cmd) => commands::config::run(cmd),
            Command::Doctor(args) => commands::doctor::run(g, args),
            Command::Completions { shell } => commands::completions::run(*shell),
            Command::Complete { words } => commands::complete::run(g, words),
            Command::MockServer(args) => commands::mock_server::run(args),
            Command::Cache(cmd) => commands::cache::run(cmd),
            Command::Shell(_) => Err(Error::usage("-c LINE and shell do not go together").into()),
            Command::Batch(_) => Err(Error::usage("-c LINE and batch do not go together").into()),
            Command::Render(args) => {
                let format = args
                    .output
                    .as_deref()
                    .map(render::parse_format)
                    .transpose()?;
                Ok(commands::render::run(format.or(flags.output))?)
            }
            Command::External(words) => {
                if let Some(e) = near_miss(words.first().map_or("", String::as_str)) {
                    return Err(e.into());
                }
                let words = truenas_cli::extract_flags(words.clone(), &mut flags)?;
                flags.output = flags.output.or(commands::output_format(g)?);
                truenas_cli::run(&commands::config(g)?, Input::Argv(words), &flags)
            }
        },
    }
}

fn shell(cli: &Cli, keep_going: bool) -> anyhow::Result<ExitCode> {
    let g = &cli.global;
    let opts = crate::shell::Options {
        keep_going,
        output: commands::output_format(g)?,
        dry_run: g.dry_run,
        verbose: g.verbose,
    };
    crate::shell::run(&commands::config(g)?, &opts)
}

/// A first word one typo away from a midclt subcommand (`cal`, `pnig`) is that typo, not a
/// TrueNAS CLI namespace: say so before connecting anywhere.
fn near_miss(word: &str) -> Option<Error> {
    use clap::CommandFactory as _;
    if word.len() < 3 || word.contains(['.', '=']) {
        return None;
    }
    let cmd = Cli::command();
    let names: Vec<&str> = cmd.get_subcommands().map(clap::Command::get_name).collect();
    let close: Vec<&str> = crate::truenas_cli::catalog::suggestions(word, names.iter().copied())
        .into_iter()
        .filter(|n| crate::truenas_cli::catalog::edit_distance(word, n) <= 1)
        .collect();
    let first = close.first()?;
    Some(
        Error::usage(format!("`{word}` is not a midclt command"))
            .hint(format!("did you mean `midclt {first}`?"))
            .hint("`midclt --help` lists the commands; `midclt ls` the server's TrueNAS CLI namespaces"),
    )
}
