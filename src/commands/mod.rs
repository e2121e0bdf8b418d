//! midclt's own subcommands, one file each. They turn parsed options into a session
//! configuration, do their work through the session and client layers, and print through
//! the render layer.

pub(crate) mod batch;
pub(crate) mod cache;
pub(crate) mod call;
pub(crate) mod complete;
pub(crate) mod completions;
pub(crate) mod config;
pub(crate) mod doctor;
pub(crate) mod fleet;
pub(crate) mod job;
pub(crate) mod key;
pub(crate) mod mock_server;
pub(crate) mod ping;
pub(crate) mod render;
pub(crate) mod session;
pub(crate) mod subscribe;
pub(crate) mod token;
pub(crate) mod transfer;
pub(crate) mod trust;
pub(crate) mod waitready;

use crate::auth::credentials::LoginSpec;
use crate::cli::{BoolStyle, GlobalArgs, OutputArgs};
use crate::error::{Error, Result};
use crate::render::{midclt, output, print_line, Format, Output, Spec};
use crate::session::ConnectConfig;
use serde_json::Value;

/// The session configuration: the global options, then the environment, then the
/// selected profile (`-p`, `MIDCLT_PROFILE`, else `default`), then the defaults.
pub(crate) fn config(g: &GlobalArgs) -> Result<ConnectConfig> {
    let p = crate::config::profile(g.profile.as_deref())?.unwrap_or_default();
    Ok(config_with(g, p))
}

/// The session configuration from the global options, the environment and the profile `p`.
pub(crate) fn config_with(g: &GlobalArgs, p: crate::config::Profile) -> ConnectConfig {
    // CALL_TIMEOUT is the environment's say, above the profile's.
    let env_timeout = std::env::var("CALL_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0);
    let timeout = g.timeout.filter(|t| *t > 0).or(env_timeout).or(p.timeout);
    let explicit_trust = g.insecure || g.ca_cert.is_some() || g.pin.is_some();
    ConnectConfig {
        uri: g.uri.clone().or(p.uri),
        timeout,
        connect_timeout: g.connect_timeout,
        insecure: g.insecure,
        ca_cert: g
            .ca_cert
            .clone()
            .or(if explicit_trust { None } else { p.ca_cert }),
        pin: g.pin.clone().or(if explicit_trust { None } else { p.pin }),
        legacy: p.legacy.unwrap_or(false),
        verbose: g.verbose,
        session: !g.no_session,
        login: LoginSpec {
            username: g.username.clone().or(p.username),
            password: g.password.clone(),
            password_file: g.password_file.clone(),
            api_key: g.api_key.clone(),
            token: g.token.clone(),
            otp: g.otp.clone(),
            plain: g.plain || p.plain.unwrap_or(false),
            no_channel_binding: g.no_channel_binding || p.channel_binding == Some(false),
            fallback_password_file: p.password_file,
            fallback_password: p.password,
            fallback_api_key: p
                .api_key_file
                .map(|f| f.to_string_lossy().into_owned())
                .or(p.api_key),
        },
    }
}

/// The output options given after the subcommand, completed by those given before it.
pub(crate) fn output_spec(g: &GlobalArgs, local: &OutputArgs) -> Result<Spec> {
    Ok(spec_of(local)?.or(&spec_of(&g.out)?))
}

/// The output options of one place on the command line.
pub(crate) fn spec_of(o: &OutputArgs) -> Result<Spec> {
    Spec::parse(o.output.as_deref(), o.pretty, o.select.as_deref())
}

/// The selected profile's `output` setting (the default of TrueNAS CLI commands).
pub(crate) fn profile_format(g: &GlobalArgs) -> Result<Option<Format>> {
    crate::config::profile(g.profile.as_deref())?
        .and_then(|p| p.output)
        .as_deref()
        .map(crate::render::parse_format)
        .transpose()
}

/// How `call`, `ping` and `token` print a result: as the official midclt does (`None`)
/// unless a format is asked for; JSON then on one line, as midclt prints it, unless
/// `--pretty`.
pub(crate) fn call_output(spec: &Spec) -> Result<Option<Output>> {
    spec.asks_format()
        .then(|| spec.output(Format::Json, false))
        .transpose()
}

/// Print a job's result as `call -j` would, with the output options given before the
/// subcommand and after it (`local`).
pub(crate) fn print_job_result(
    g: &GlobalArgs,
    local: &crate::cli::OutputArgs,
    result: &Value,
) -> Result<()> {
    let spec = output_spec(g, local)?;
    let output = call_output(&spec)?;
    print_call_result(output.as_ref(), &spec, result, g.bool_style)
}

/// Print a result of `call`, `ping` or `token` as [`call_output`] decided.
pub(crate) fn print_call_result(
    output: Option<&Output>,
    spec: &Spec,
    value: &Value,
    bool_style: BoolStyle,
) -> Result<()> {
    if let Some(output) = output {
        return output.print(value);
    }
    let value = output::selected(value, spec.select.as_ref(), false);
    match (value.as_ref(), bool_style) {
        (Value::Bool(b), BoolStyle::Python) => print_line(if *b { "True" } else { "False" }),
        (value, _) => print_line(&midclt::result_text(value)),
    }
}

/// How midclt's commands with a text view of their own (doctor, trust --list, config)
/// print: that text (`None`) unless a format is asked for, JSON then on one line. Alone,
/// `--select` (which picks fields of a formatted result) is a usage error there.
pub(crate) fn formatted_output(spec: &Spec, command: &str) -> Result<Option<Output>> {
    if !spec.asks_format() && spec.select.is_some() {
        return Err(Error::usage(format!(
            "--select picks fields of a formatted result; `midclt {command}` needs -o FORMAT with it"
        ))
        .hint(format!("e.g. midclt {command} -o json --select FIELD,...")));
    }
    call_output(spec)
}

/// Where job progress goes: a bar on a terminal (nothing otherwise), or description lines.
pub(crate) fn job_progress(mode: crate::cli::JobPrint) -> Box<dyn crate::jobs::Progress> {
    use crate::render::progress;
    match mode {
        crate::cli::JobPrint::Progressbar if crate::render::terminal::stderr_is_terminal() => {
            Box::new(progress::Bar::new())
        }
        crate::cli::JobPrint::Progressbar => Box::new(crate::jobs::Silent),
        crate::cli::JobPrint::Description => Box::<progress::Descriptions>::default(),
    }
}

/// Where transfer progress goes: a bar with bytes and rate when stderr is a terminal,
/// nothing otherwise.
pub(crate) fn byte_progress() -> Box<dyn crate::transfer::ByteProgress> {
    if crate::render::terminal::stderr_is_terminal() {
        Box::new(crate::render::progress::Bytes::new())
    } else {
        Box::new(crate::transfer::Quiet)
    }
}
