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
pub(crate) mod job;
pub(crate) mod key;
pub(crate) mod mock_server;
pub(crate) mod ping;
pub(crate) mod render;
pub(crate) mod subscribe;
pub(crate) mod token;
pub(crate) mod trust;
pub(crate) mod waitready;

use crate::auth::credentials::LoginSpec;
use crate::cli::GlobalArgs;
use crate::error::Result;
use crate::session::ConnectConfig;

/// The session configuration: the global options, then the environment, then the
/// selected profile (`-p`, `MIDCLT_PROFILE`, else `default`), then the defaults.
pub(crate) fn config(g: &GlobalArgs) -> Result<ConnectConfig> {
    let p = crate::config::profile(g.profile.as_deref())?.unwrap_or_default();
    // CALL_TIMEOUT is the environment's say, above the profile's.
    let env_timeout = std::env::var("CALL_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0);
    let timeout = g.timeout.filter(|t| *t > 0).or(env_timeout).or(p.timeout);
    let explicit_trust = g.insecure || g.ca_cert.is_some() || g.pin.is_some();
    Ok(ConnectConfig {
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
    })
}

/// The output format: `-o`, else the profile's `output`.
pub(crate) fn output_format(g: &GlobalArgs) -> Result<Option<crate::render::Format>> {
    let text = match &g.output {
        Some(o) => Some(o.clone()),
        None => crate::config::profile(g.profile.as_deref())?.and_then(|p| p.output),
    };
    text.as_deref().map(crate::render::parse_format).transpose()
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
