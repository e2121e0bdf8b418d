//! `midclt call METHOD [ARGS...]`, as the official midclt does it.

use crate::cli::{CallArgs, GlobalArgs};
use crate::client::rpc::{self, Client};
use crate::error::{Error, Result};
use crate::jobs;
use crate::session::{self, Attendance, ConnectConfig};
use serde_json::Value;

pub(crate) fn run(g: &GlobalArgs, args: &CallArgs) -> anyhow::Result<()> {
    if args.download.is_some() || args.upload.is_some() {
        return super::transfer::call(g, args);
    }
    let spec = super::output_spec(g, &args.out)?;
    let output = super::call_output(&spec)?;
    let params = params(&args.args)?;
    let stdin_taken = args.args.iter().any(|a| a == "-");
    let cfg = super::config(g)?;
    // Credentials are resolved once, if at all (not while a session agent serves):
    // following a job may need to log in again after a dropped connection.
    let mut opener = session::Opener::new(cfg.clone(), stdin_taken);
    let result = result(
        &mut || opener.open(),
        &cfg,
        args,
        params,
        Attendance::Interactive,
    )?;
    super::print_call_result(output.as_ref(), &spec, &result, g.bool_style)?;
    Ok(())
}

/// The method's (or, with `-j`, the job's) result on the server `cfg` names, over
/// connections from `open` (a dropped one is opened again while a job is followed).
/// Attended, a job shows its progress as `--job-print` says and Ctrl-C detaches from it;
/// unattended (a host of a fleet), neither.
pub(crate) fn result(
    open: &mut dyn FnMut() -> Result<Client>,
    cfg: &ConnectConfig,
    args: &CallArgs,
    params: Vec<Value>,
    attendance: Attendance,
) -> Result<Value> {
    let mut client = open()?;
    if args.job && jobs::is_job_method(&mut client, &args.method) == Some(false) {
        client.close();
        return Err(Error::usage(format!(
            "{} is not a job method, so -j has nothing to follow; nothing was called",
            args.method
        ))
        .hint("run it without -j"));
    }
    let result = if args.job {
        let mut progress: Box<dyn jobs::Progress> = match attendance {
            Attendance::Interactive => {
                // Ctrl-C then detaches from the job (or asks, on a terminal) and names it.
                crate::interrupt::catch();
                super::job_progress(args.job_print)
            }
            Attendance::Unattended => Box::new(jobs::Silent),
        };
        let mut reconnect = || open();
        jobs::run_reconnecting(
            &mut client,
            &mut reconnect,
            &args.method,
            params,
            progress.as_mut(),
        )
    } else {
        client.call(&args.method, params)
    };
    let key = crate::truenas_cli::server_key(&client.info().endpoint, cfg);
    client.close();
    result.map_err(|e| pipe_hint(suggest_methods(e, &key, &args.method), &args.method))
}

/// A job that moves a file, called without one: the server names the missing pipe, the
/// hint names the option.
fn pipe_hint(e: Error, method: &str) -> Error {
    if e.message.contains("Pipe 'output' is not open") {
        e.hint(format!(
            "{method} writes a file: midclt call --download FILE {method} ..."
        ))
    } else if e.message.contains("Pipe 'input' is not open") {
        e.hint(format!(
            "{method} reads a file: midclt call --upload FILE {method} ..."
        ))
    } else {
        e
    }
}

/// An unknown method: names close to it from the cached catalogue, when there is one (the
/// hint shows only on a terminal; scripts get the official text alone).
fn suggest_methods(e: Error, server_key: &str, method: &str) -> Error {
    if !e.server.as_ref().is_some_and(|s| s.is_method_not_found()) {
        return e;
    }
    let close = crate::truenas_cli::catalog::cached_method_suggestions(server_key, method);
    if close.is_empty() {
        return e;
    }
    e.hint(format!("did you mean: {}?", close.join(", ")))
}

/// Each argument is JSON when it parses as JSON, else a string; `-` is stdin's content,
/// read whole and, when it is not JSON, sent exactly as read (trailing newline included),
/// as the official client does.
pub(crate) fn params(args: &[String]) -> Result<Vec<Value>> {
    let mut stdin: Option<Value> = None;
    args.iter()
        .map(|a| {
            if a == "-" {
                if stdin.is_none() {
                    let text = crate::auth::credentials::read_stdin_payload()?;
                    stdin = Some(json_or_string(&text, "`-` (stdin)")?);
                }
                Ok(stdin.clone().unwrap_or(Value::Null))
            } else {
                json_or_string(a, &shorten(a))
            }
        })
        .collect()
}

/// JSON when it parses, else the text itself. Text that looks like JSON but does not parse
/// is still sent as a string (as the official client does) but warned about, since it is
/// usually a quoting mistake; JSON nested too deeply to parse is refused rather than sent
/// as a string.
fn json_or_string(text: &str, name: &str) -> Result<Value> {
    let (value, warning) = arg_value(text, name)?;
    if let Some(warning) = warning {
        eprintln!("midclt: warning: {warning}");
    }
    Ok(value)
}

/// One argument by the rule above, and the warning to show when it was sent as a string
/// although it looks like JSON. `name` names the argument in messages.
pub(crate) fn arg_value(text: &str, name: &str) -> Result<(Value, Option<String>)> {
    match serde_json::from_str(text) {
        Ok(v) => Ok((v, None)),
        Err(e) if rpc::is_too_deep(&e) => Err(Error::usage(format!(
            "argument {name}: JSON nested deeper than {} levels is not supported",
            rpc::MAX_JSON_DEPTH
        ))),
        Err(e) => {
            let warning = text.trim_start().starts_with(['[', '{', '"']).then(|| {
                format!("argument {name} looks like JSON but is not ({e}); sending it as a string")
            });
            Ok((Value::String(text.to_string()), warning))
        }
    }
}

/// An argument as named in a message: at most 40 characters of it.
pub(crate) fn shorten(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    format!("{s:?}")
}
