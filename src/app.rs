//! The `midclt` program: parse the command line, run the command, report the outcome.

use crate::cli::{Cli, Command};
use crate::commands;
use crate::error::{Error, ExitCode};
use crate::render::{self, report};
use crate::truenas_cli::{self, Flags, Input};
use clap::CommandFactory as _;
use std::io::{IsTerminal as _, Write as _};

/// Run with the process's arguments; returns the exit code.
pub(crate) fn main() -> i32 {
    let args = crate::cli::normalize_args(std::env::args_os());
    let parsed = parse(&args).or_else(|e| {
        // `midclt help auth api_key`: clap's help knows only midclt's own subcommands;
        // for a TrueNAS CLI path it means `midclt auth api_key --help`.
        match crate::cli::help_as_flag(&args) {
            Some(rewritten) => parse(&rewritten),
            None => Err(e),
        }
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            print_clap(&e);
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
        (None, None) if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() => {
            shell(&cli, false)
        }
        (None, None) => {
            // Nothing to do and nobody to ask: the help, as a usage error.
            let _ = Cli::command().write_long_help(&mut std::io::stderr());
            return ExitCode::Usage as i32;
        }
        _ => run(&cli),
    };
    match outcome {
        Ok(code) => code as i32,
        Err(e) => {
            report::report(&e, style);
            report::exit_code(&e) as i32
        }
    }
}

/// clap's help or usage error, coloured only where [`render::terminal::colour`] allows.
fn print_clap(e: &clap::Error) {
    use render::terminal::{colour, Stream};
    let styled = e.render();
    let stream = if e.use_stderr() {
        Stream::Stderr
    } else {
        Stream::Stdout
    };
    let text = if colour(stream) {
        styled.ansi().to_string()
    } else {
        styled.to_string()
    };
    // Nothing is left to tell anyone if the stream is closed.
    let _ = match stream {
        Stream::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
        Stream::Stdout => std::io::stdout().lock().write_all(text.as_bytes()),
    };
}

/// Parse the arguments, noting which options came from the environment rather than the
/// command line (a fleet treats those differently).
fn parse(args: &[std::ffi::OsString]) -> Result<Cli, clap::Error> {
    use clap::parser::ValueSource;
    use clap::FromArgMatches as _;
    let mut matches = Cli::command().try_get_matches_from(args)?;
    let from_env = |id: &str| matches.value_source(id) == Some(ValueSource::EnvVariable);
    let (uri_from_env, profile_from_env) = (from_env("uri"), from_env("profile"));
    let mut cli =
        Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut Cli::command()))?;
    cli.global.uri_from_env = uri_from_env;
    cli.global.profile_from_env = profile_from_env;
    Ok(cli)
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    if let Some(hosts) = fleet_hosts(cli)? {
        return fleet(cli, hosts);
    }
    if let (Some(Command::Batch(args)), None) = (&cli.command, &cli.global.command_line) {
        return commands::batch::run(&cli.global, args);
    }
    one_host(cli).map(|()| ExitCode::Success)
}

/// The hosts of a fleet, for commands that connect to a server; `None` for a one-host run
/// (and for commands that connect nowhere, whatever `-p` says).
fn fleet_hosts(cli: &Cli) -> anyhow::Result<Option<Vec<commands::fleet::Host>>> {
    let connects = !matches!(
        cli.command,
        Some(
            Command::Config(_)
                | Command::Completions { .. }
                | Command::MockServer(_)
                | Command::Cache(_)
                | Command::Render(_)
        )
    );
    let stdin_taken =
        matches!(&cli.command, Some(Command::Call(c)) if c.args.iter().any(|a| a == "-"));
    Ok(if connects {
        commands::fleet::select(&cli.global, stdin_taken)?
    } else {
        None
    })
}

/// Run the command on every host of a fleet, if it is one a fleet can run.
fn fleet(cli: &Cli, hosts: Vec<commands::fleet::Host>) -> anyhow::Result<ExitCode> {
    use commands::fleet::Work;
    let g = &cli.global;
    let mut flags = cli_flags(g)?;
    let work = match (&cli.command, &g.command_line) {
        (Some(_), Some(_)) => {
            return Err(
                Error::usage("-c LINE runs a command line by itself; drop the subcommand").into(),
            )
        }
        (None, Some(line)) => Work::Cli(Input::Line(line.clone()), flags),
        (Some(Command::Call(args)), None) if args.download.is_some() || args.upload.is_some() => {
            return Err(Error::usage(
                "call --download/--upload moves a file to or from one host; a fleet cannot",
            )
            .hint("name one profile with -p NAME")
            .into())
        }
        (Some(Command::Call(args)), None) => Work::Call(args),
        (Some(Command::Ping(args)), None) => Work::Ping(args),
        (Some(Command::External(words)), None) => {
            if let Some(e) = near_miss(words.first().map_or("", String::as_str)) {
                return Err(e.into());
            }
            let words = truenas_cli::extract_flags(words.clone(), &mut flags)?;
            Work::Cli(Input::Argv(words), flags)
        }
        (command, None) => {
            let name = command.as_ref().map_or("shell", Command::name);
            return Err(Error::usage(format!(
                "`midclt {name}` works with one host; a fleet (-p a,b, a group, --inventory) runs call, ping and TrueNAS CLI commands"
            ))
            .hint("name one profile with -p NAME")
            .into());
        }
    };
    commands::fleet::run(g, hosts, &work)
}

/// The TrueNAS CLI's options as given before the command path.
fn cli_flags(g: &crate::cli::GlobalArgs) -> anyhow::Result<Flags> {
    Ok(Flags {
        output: commands::spec_of(&g.out)?,
        profile_format: None,
        dry_run: g.dry_run,
        help: false,
        in_shell: false,
    })
}

fn one_host(cli: &Cli) -> anyhow::Result<()> {
    let g = &cli.global;
    let mut flags = cli_flags(g)?;
    match (&cli.command, &g.command_line) {
        (Some(_), Some(_)) => {
            Err(Error::usage("-c LINE runs a command line by itself; drop the subcommand").into())
        }
        (None, Some(line)) => {
            flags.profile_format = commands::profile_format(g)?;
            truenas_cli::run(&commands::config(g)?, Input::Line(line.clone()), &flags)
        }
        (None, None) => Ok(()),
        (Some(command), None) => match command {
            Command::Call(args) => commands::call::run(g, args),
            Command::Ping(args) => commands::ping::run(g, args),
            Command::Subscribe(args) => commands::subscribe::run(g, args),
            Command::Token(args) => commands::token::run(g, args),
            Command::Job(cmd) => commands::job::run(g, cmd),
            Command::Session(cmd) => commands::session::run(g, cmd),
            Command::Trust(args) => commands::trust::run(g, args),
            Command::Config(cmd) => commands::config::run(g, cmd),
            Command::Doctor(args) => commands::doctor::run(g, args),
            Command::Render(args) => {
                let spec = commands::spec_of(&args.out)?.or(&flags.output);
                Ok(commands::render::run(&spec)?)
            }
            Command::External(words) => {
                if let Some(e) = near_miss(words.first().map_or("", String::as_str)) {
                    return Err(e.into());
                }
                let words = truenas_cli::extract_flags(words.clone(), &mut flags)?;
                flags.profile_format = commands::profile_format(g)?;
                truenas_cli::run(&commands::config(g)?, Input::Argv(words), &flags)
            }
            _ if !flags.output.is_empty() => Err(Error::usage(
                "-o, --pretty and --select apply to commands that print a result; this one prints none",
            )
            .into()),
            Command::Waitready(args) => commands::waitready::run(g, args),
            Command::Key(cmd) => commands::key::run(g, cmd),
            Command::Completions { shell } => commands::completions::run(*shell),
            Command::Complete { words } => commands::complete::run(g, words),
            Command::MockServer(args) => commands::mock_server::run(args),
            Command::Cache(cmd) => commands::cache::run(cmd),
            Command::Shell(_) => Err(Error::usage("-c LINE and shell do not go together").into()),
            Command::Batch(_) => Err(Error::usage("-c LINE and batch do not go together").into()),
        },
    }
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

fn shell(cli: &Cli, keep_going: bool) -> anyhow::Result<ExitCode> {
    let g = &cli.global;
    if commands::fleet::select(g, false)?.is_some() {
        return Err(Error::usage(
            "the shell works with one host; a fleet (-p a,b, a group, --inventory) runs call, ping and TrueNAS CLI commands",
        )
        .hint("name one profile with -p NAME")
        .into());
    }
    let opts = crate::shell::Options {
        keep_going,
        output: commands::spec_of(&g.out)?,
        profile_format: commands::profile_format(g)?,
        dry_run: g.dry_run,
        verbose: g.verbose,
    };
    crate::shell::run(&commands::config(g)?, &opts)
}
