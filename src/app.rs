//! The `midclt` program: parse the command line, run the command, report the outcome.

use crate::cli::{Cli, Command};
use crate::commands;
use crate::error::{Error, ExitCode, Kind};
use crate::render;
use crate::truenas_cli::{self, Flags, Input};
use clap::Parser;
use std::fmt::Write as _;
use std::io::Write as _;

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
    let style = Style {
        official: matches!(&cli.command, Some(Command::Call(_))),
        quiet: matches!(&cli.command, Some(Command::Call(c)) if c.quiet),
        verbose: cli.global.verbose,
    };
    match run(&cli) {
        Ok(()) => ExitCode::Success as i32,
        Err(e) => {
            report(&e, style);
            exit_code(&e) as i32
        }
    }
}

/// How a failure is reported.
#[derive(Clone, Copy)]
struct Style {
    /// `call`: server errors exactly as the official client prints them, which scripts
    /// and the Ansible collection parse.
    official: bool,
    /// `call -q`: a failed call or job prints nothing; the exit code says it.
    quiet: bool,
    /// `-v`: show the server's traceback even where it is only noise.
    verbose: bool,
}

/// The library's typed error carries the exit code; anything else the handlers report is
/// a local input/output failure (a file written, the editor) with its context.
fn exit_code(e: &anyhow::Error) -> ExitCode {
    typed(e).map_or(ExitCode::Io, Error::exit_code)
}

fn typed(e: &anyhow::Error) -> Option<&Error> {
    e.chain().find_map(|cause| cause.downcast_ref::<Error>())
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

fn run(cli: &Cli) -> anyhow::Result<()> {
    let g = &cli.global;
    let mut flags = Flags {
        output: commands::spec_of(&g.out)?,
        profile_format: None,
        dry_run: g.dry_run,
        help: false,
    };
    match (&cli.command, &g.command_line) {
        (Some(_), Some(_)) => {
            Err(Error::usage("-c LINE runs a command line by itself; drop the subcommand").into())
        }
        (None, Some(line)) => {
            flags.profile_format = commands::profile_format(g)?;
            truenas_cli::run(&commands::config(g)?, Input::Line(line.clone()), &flags)
        }
        (None, None) => Err(Error::usage("no command given")
            .hint("see `midclt --help`")
            .into()),
        (Some(command), None) => match command {
            Command::Call(args) => commands::call::run(g, args),
            Command::Ping(args) => commands::ping::run(g, args),
            Command::Subscribe(args) => commands::subscribe::run(g, args),
            Command::Token(args) => commands::token::run(g, args),
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

/// Print an error the way a person (and a log) wants it: validation errors as one
/// `field: message` line each; other server errors with the server's traceback (unless it
/// is noise: not logged in, rate limited); client-side errors with hints on what to do.
/// Context the handlers added (which file, which step) leads the first line.
fn report(e: &anyhow::Error, style: Style) {
    let terminal = render::terminal::stderr_is_terminal();
    let text = report_text(e, style, terminal);
    let text = if terminal {
        render::terminal::text(&text)
    } else {
        text.as_str().into()
    };
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn report_text(e: &anyhow::Error, style: Style, terminal: bool) -> String {
    let mut out = String::new();
    let Some(typed) = typed(e) else {
        let _ = writeln!(out, "midclt: {e:#}");
        return out;
    };
    if style.quiet && matches!(typed.kind, Kind::Server | Kind::Timeout) {
        return out;
    }
    let traceback = style.verbose || typed.server.as_ref().is_none_or(|s| !s.is_routine());
    let hints = |out: &mut String| {
        for h in &typed.hints {
            let _ = writeln!(out, "  hint: {h}");
        }
    };
    if let (true, Kind::Server, Some(server)) = (style.official, typed.kind, &typed.server) {
        out.push_str(&render::midclt::official_error(server, traceback));
        // Scripts parse this output: hints only for a person at a terminal.
        if terminal {
            hints(&mut out);
        }
        return out;
    }
    let context: Vec<String> = e
        .chain()
        .take_while(|cause| cause.downcast_ref::<Error>().is_none())
        .map(ToString::to_string)
        .collect();
    if !context.is_empty() {
        let _ = writeln!(out, "midclt: {}: {}", context.join(": "), typed.message);
        hints(&mut out);
        return out;
    }
    let fields = typed.server.as_ref().and_then(|s| s.validation_errors());
    // A plain validation error needs no header: its lines are the message.
    let bare = fields.is_some()
        && typed
            .server
            .as_ref()
            .is_some_and(|s| typed.message == s.reason().trim_end());
    if !bare {
        let _ = writeln!(out, "midclt: {}", typed.message);
    }
    if let Some(fields) = fields {
        for (attr, msg) in fields {
            let _ = if attr.is_empty() {
                writeln!(out, "{msg}")
            } else {
                writeln!(out, "{attr}: {msg}")
            };
        }
        return out;
    }
    hints(&mut out);
    if let Some(server) = &typed.server {
        if let Some(tb) = server.traceback().filter(|_| traceback) {
            let _ = writeln!(out, "{}", tb.trim_end());
        }
        if let Some(extra) = server.data.as_ref().and_then(|d| d.extra.as_ref()) {
            let _ = writeln!(out, "extra: {}", crate::py::json::dumps(extra));
        }
    }
    out
}
