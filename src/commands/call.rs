//! `midclt call METHOD [ARGS...]`, as the official midclt does it.

use crate::cli::{BoolStyle, CallArgs, GlobalArgs};
use crate::client::rpc;
use crate::error::{Error, Result};
use crate::jobs;
use crate::render::{self, midclt};
use crate::session;
use serde_json::Value;

pub(crate) fn run(g: &GlobalArgs, args: &CallArgs) -> anyhow::Result<()> {
    let format = g.output.as_deref().map(render::parse_format).transpose()?;
    let params = params(&args.args)?;
    let stdin_taken = args.args.iter().any(|a| a == "-");
    let cfg = super::config(g)?;
    // Resolved once: following a job may need to log in again after a dropped connection.
    let login = crate::auth::credentials::resolve(&cfg.login, stdin_taken)?;
    let mut client = session::open_as(&cfg, &login)?;
    if args.job && jobs::is_job_method(&mut client, &args.method) == Some(false) {
        client.close();
        return Err(Error::usage(format!(
            "{} is not a job method, so -j has nothing to follow; nothing was called",
            args.method
        ))
        .hint("run it without -j")
        .into());
    }
    let result = if args.job {
        // Ctrl-C then detaches from the job (or asks, on a terminal) and names it.
        crate::interrupt::catch();
        let mut progress = super::job_progress(args.job_print);
        let mut reconnect = || session::open_as(&cfg, &login);
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
    let key = crate::truenas_cli::server_key(&client.info().endpoint, &cfg);
    client.close();
    let result = result.map_err(|e| suggest_methods(e, &key, &args.method))?;
    print_result_as(format, g.bool_style, &result)
}

/// Print a call's (or a job's) result: midclt's way, or in the `-o` format.
pub(crate) fn print_result(g: &GlobalArgs, result: &Value) -> anyhow::Result<()> {
    let format = g.output.as_deref().map(render::parse_format).transpose()?;
    print_result_as(format, g.bool_style, result)
}

fn print_result_as(
    format: Option<render::Format>,
    bool_style: BoolStyle,
    result: &Value,
) -> anyhow::Result<()> {
    match format {
        Some(format) => render::print_rendered(result, format)?,
        None => match (result, bool_style) {
            (Value::Bool(b), BoolStyle::Python) => {
                render::print_line(if *b { "True" } else { "False" })?;
            }
            _ => render::print_line(&midclt::result_text(result))?,
        },
    }
    Ok(())
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
