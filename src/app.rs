//! The `midclt` program: parse the command line, run the command, report the outcome.

use crate::auth::{self, Login};
use crate::catalog;
use crate::cli::{
    CacheCommand, CallArgs, Cli, Command, GlobalArgs, JobPrint, SubscribeArgs, TokenArgs,
};
use crate::commands;
use crate::credentials;
use crate::error::{Error, ExitCode, Result};
use crate::jobs;
use crate::output;
use crate::rpc::{self, Client, ConnectOptions, Notification};
use crate::transport::TlsOptions;
use crate::uri;
use clap::Parser;
use serde_json::{json, Value};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Run with the process's arguments; returns the exit code.
pub fn main() -> i32 {
    let args = crate::cli::normalize_args(std::env::args_os());
    let cli = match Cli::try_parse_from(args) {
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
    let quiet = matches!(&cli.command, Some(Command::Call(c)) if c.quiet);
    match run(cli) {
        Ok(()) => ExitCode::Success as i32,
        Err(e) => {
            report(&e, quiet);
            e.exit_code() as i32
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let g = &cli.global;
    let mut flags = commands::Flags {
        output: g
            .output
            .as_deref()
            .map(commands::parse_format)
            .transpose()?,
        dry_run: g.dry_run,
        help: false,
    };
    match (&cli.command, &g.command_line) {
        (Some(_), Some(_)) => Err(Error::usage(
            "-c LINE runs a command line by itself; drop the subcommand",
        )),
        (None, Some(line)) => commands::run(g, commands::Input::Line(line.clone()), &flags),
        (None, None) => Err(Error::usage("no command given").hint("see `midclt --help`")),
        (Some(command), None) => match command {
            Command::Call(args) => call(g, args),
            Command::Ping => ping(g),
            Command::Subscribe(args) => subscribe(g, args),
            Command::Token(args) => token(g, args),
            Command::Key(cmd) => crate::keyfile::run(g, cmd),
            Command::MockServer(args) => crate::emulator::cli::run(args),
            Command::Cache(CacheCommand::Clear) => {
                let n = catalog::clear()?;
                print_line(&format!(
                    "removed {n} cached catalogue(s) from {}",
                    catalog::cache_root().display()
                ))
            }
            Command::Cache(CacheCommand::Path) => {
                print_line(&catalog::cache_root().display().to_string())
            }
            Command::Render(args) => {
                let format = args
                    .output
                    .as_deref()
                    .map(commands::parse_format)
                    .transpose()?;
                commands::render_stdin(format.or(flags.output))
            }
            Command::External(words) => {
                let words = commands::extract_flags(words.clone(), &mut flags)?;
                commands::run(g, commands::Input::Argv(words), &flags)
            }
        },
    }
}

/// Connection options from the global flags.
pub fn connect_options(g: &GlobalArgs) -> Result<ConnectOptions> {
    let endpoint = match &g.uri {
        Some(u) => uri::parse(u)?,
        None => uri::default_endpoint(),
    };
    let call_timeout = match g.timeout {
        Some(s) if s > 0 => Duration::from_secs(s),
        _ => std::env::var("CALL_TIMEOUT")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s > 0)
            .map(Duration::from_secs)
            .unwrap_or(rpc::DEFAULT_CALL_TIMEOUT),
    };
    if g.insecure && matches!(endpoint, uri::Endpoint::Tcp { tls: true, .. }) {
        eprintln!("midclt: warning: --insecure: the server's TLS certificate is not verified");
    }
    Ok(ConnectOptions {
        endpoint,
        tls: TlsOptions {
            insecure: g.insecure,
            ca_cert: g.ca_cert.clone(),
        },
        connect_timeout: Duration::from_secs(g.connect_timeout.max(1)),
        call_timeout,
        verbose: g.verbose,
    })
}

/// Connect and log in as the options say.
pub fn open(g: &GlobalArgs, stdin_taken: bool) -> Result<Client> {
    open_as(g, credentials::resolve(g, stdin_taken)?)
}

/// Connect and log in with `login`.
pub fn open_as(g: &GlobalArgs, login: Login) -> Result<Client> {
    let opts = connect_options(g)?;
    auth::check_before_connect(&opts.endpoint, &login)?;
    let mut client = rpc::connect(&opts)?;
    auth::login(&mut client, &login, &credentials::prompt_otp)?;
    if g.verbose && !matches!(login, Login::None) {
        eprintln!("* logged in");
    }
    Ok(client)
}

fn call(g: &GlobalArgs, args: &CallArgs) -> Result<()> {
    if let Some(o) = &g.output {
        commands::parse_format(o)?;
    }
    let params = call_params(&args.args)?;
    let stdin_taken = args.args.iter().any(|a| a == "-");
    let mut client = open(g, stdin_taken)?;
    let result = if args.job {
        let mut progress: Box<dyn jobs::Progress> = match args.job_print {
            JobPrint::Progressbar if std::io::stderr().is_terminal() => Box::new(jobs::Bar::new()),
            JobPrint::Progressbar => Box::new(jobs::Silent),
            JobPrint::Description => Box::<jobs::Descriptions>::default(),
        };
        jobs::run(&mut client, &args.method, params, progress.as_mut())
    } else {
        client.call(&args.method, params)
    };
    client.close();
    let result = result?;
    match g
        .output
        .as_deref()
        .map(commands::parse_format)
        .transpose()?
    {
        Some(format) => commands::print_rendered(&result, format),
        None => print_line(&output::result_text(&result)),
    }
}

/// Each argument is JSON when it parses as JSON, else a string; `-` is stdin's content.
pub fn call_params(args: &[String]) -> Result<Vec<Value>> {
    let mut stdin: Option<Value> = None;
    args.iter()
        .map(|a| {
            if a == "-" {
                if stdin.is_none() {
                    let text = credentials::read_stdin_payload()?;
                    stdin = Some(json_or_string(text.trim_end_matches(['\n', '\r'])));
                }
                Ok(stdin.clone().unwrap_or(Value::Null))
            } else {
                Ok(json_or_string(a))
            }
        })
        .collect()
}

fn json_or_string(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

fn ping(g: &GlobalArgs) -> Result<()> {
    // Like the official tool, ping does not log in: core.ping needs no session.
    let opts = connect_options(g)?;
    let mut client = rpc::connect(&opts)?;
    let pong = client.ping()?;
    client.close();
    print_line(&output::result_text(&pong))
}

fn subscribe(g: &GlobalArgs, args: &SubscribeArgs) -> Result<()> {
    let mut client = open(g, false)?;
    client.subscribe(&args.event)?;
    let timeout = args.timeout.filter(|t| *t > 0).map(Duration::from_secs);
    let deadline = timeout.map(|t| Instant::now() + t);
    let wanted = |collection: &str| {
        args.event == "*"
            || collection == args.event
            || collection.split(':').next() == Some(&args.event)
    };
    let mut seen = 0u64;
    while args.number.is_none_or(|n| seen < n) {
        match client.next_notification(deadline)? {
            Some(Notification::Event(ev)) if wanted(&ev.collection) => {
                print_line(&output::python_json(&ev.params))?;
                seen += 1;
            }
            Some(Notification::Unsubscribed { collection, error }) if wanted(&collection) => {
                if error.is_null() {
                    break;
                }
                let reason = error
                    .get("reason")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| output::python_json(&error));
                return Err(Error::new(
                    crate::error::Kind::Server,
                    format!("subscription {collection} ended with an error: {reason}"),
                ));
            }
            Some(_) => {}
            None => {
                return Err(Error::timeout(format!(
                    "{}: {} event(s) within {} s",
                    args.event,
                    seen,
                    rpc::fmt_secs(timeout.unwrap_or_default())
                )))
            }
        }
    }
    client.close();
    Ok(())
}

fn token(g: &GlobalArgs, args: &TokenArgs) -> Result<()> {
    let mut client = open(g, false)?;
    let token = client.call(
        "auth.generate_token",
        vec![
            json!(args.ttl),
            json!({}),
            json!(true),
            json!(args.single_use),
        ],
    );
    let token = match token {
        // Servers before 25.04 take no single_use argument.
        Err(e) if !args.single_use && e.server.is_some() => client
            .call("auth.generate_token", vec![json!(args.ttl)])
            .map_err(|_| e)?,
        other => other?,
    };
    client.close();
    print_line(token.as_str().unwrap_or_default())
}

/// Write a line to stdout; a closed pipe (`| head`) ends quietly.
pub fn print_line(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::usage(format!("cannot write to stdout: {e}"))),
    }
}

/// Print an error the way a person (and a log) wants it: validation errors as one
/// `field: message` line each; other server errors with the server's traceback unless
/// `quiet`; client-side errors with hints on what to do.
pub fn report(e: &Error, quiet: bool) {
    let mut err = std::io::stderr().lock();
    let fields = e.server.as_ref().and_then(|s| s.validation_errors());
    // A plain validation error needs no header: its lines are the message.
    let bare = fields.is_some()
        && e.server
            .as_ref()
            .is_some_and(|s| e.message == s.reason().trim_end());
    if !bare {
        let _ = writeln!(err, "midclt: {}", e.message);
    }
    if let Some(fields) = fields {
        for (attr, msg) in fields {
            let _ = match attr.is_empty() {
                true => writeln!(err, "{msg}"),
                false => writeln!(err, "{attr}: {msg}"),
            };
        }
        return;
    }
    if quiet {
        return;
    }
    for h in &e.hints {
        let _ = writeln!(err, "  hint: {h}");
    }
    if let Some(server) = &e.server {
        if let Some(tb) = server.traceback() {
            let _ = writeln!(err, "{}", tb.trim_end());
        }
        if let Some(extra) = server.data.as_ref().and_then(|d| d.extra.as_ref()) {
            let _ = writeln!(err, "extra: {}", output::python_json(extra));
        }
    }
}
