//! `midclt key precompute`: a key file whose SCRAM keys are already derived, so each
//! login skips the 500 000 PBKDF2 rounds. The key itself never leaves this machine: only
//! the key's public salt and iteration count are read from the server.

use crate::auth::credentials;
use crate::cli::{GlobalArgs, KeyCommand, PrecomputeArgs};
use crate::error::Error;
use crate::session;
use anyhow::Context as _;
use base64::Engine as _;
use serde_json::{json, Value};

pub(crate) fn run(g: &GlobalArgs, cmd: &KeyCommand) -> anyhow::Result<()> {
    match cmd {
        KeyCommand::Precompute(args) => precompute(g, args),
    }
}

fn precompute(g: &GlobalArgs, args: &PrecomputeArgs) -> anyhow::Result<()> {
    let text = match (&g.api_key, std::env::var(credentials::ENV_API_KEY), std::env::var(credentials::ENV_API_KEY_FILE)) {
        (Some(k), _, _) => k.clone(),
        (None, Ok(k), _) | (None, Err(_), Ok(k)) if !k.is_empty() => k,
        _ => {
            return Err(Error::usage("give the raw API key to precompute with -K KEY|FILE (or MIDCLT_API_KEY / MIDCLT_API_KEY_FILE)").into())
        }
    };
    let key = credentials::parse_key_argument(&text, g.api_key.is_some())?;
    let material = key
        .material()
        .ok_or_else(|| {
            Error::usage(
                "precompute needs the raw key (ID-KEY), not an already precomputed key file",
            )
        })?
        .to_string();
    if args.output.exists() && !args.force {
        return Err(Error::usage(format!(
            "{} exists; add --force to replace it",
            args.output.display()
        ))
        .into());
    }
    // With -U the key logs itself in (SCRAM), proving it works; otherwise the session
    // comes from a password, a token, or the local socket.
    let cfg = super::config(g)?;
    let login = credentials::resolve_with(&cfg.login, false, g.username.is_some())?;
    let mut client = session::open_as(&cfg, &login)?;
    let entry = client.call("api_key.get_instance", vec![json!(key.id)])?;
    client.close();
    let b64 = base64::engine::general_purpose::STANDARD;
    let salt_text = entry.get("salt").and_then(Value::as_str).unwrap_or("");
    let iterations = entry.get("iterations").and_then(Value::as_u64).unwrap_or(0);
    if salt_text == "********" || salt_text.is_empty() {
        return Err(Error::usage(format!(
            "the server did not reveal key {}'s salt to this session",
            key.id
        ))
        .hint("log in as an administrator or as a user with the API_KEY_WRITE role")
        .into());
    }
    let salt = b64
        .decode(salt_text)
        .map_err(|_| Error::usage("the server sent a salt that is not base64"))?;
    let iterations = u32::try_from(iterations)
        .ok()
        .filter(|i| {
            (crate::auth::scram::MIN_ITERATIONS..=crate::auth::scram::MAX_ITERATIONS).contains(i)
        })
        .ok_or_else(|| {
            Error::usage(format!(
                "the server sent an unusable iteration count ({iterations})"
            ))
        })?;
    let keys = crate::auth::scram::derive_keys(material.as_bytes(), &salt, iterations);
    let mut file = zeroize::Zeroizing::new(
        serde_json::to_string_pretty(&json!({
            "api_key_id": key.id,
            "client_key": b64.encode(keys.client_key),
            "stored_key": b64.encode(keys.stored_key),
            "server_key": b64.encode(keys.server_key),
            "salt": salt_text,
            "iterations": iterations,
        }))
        .unwrap_or_default(),
    );
    if args.force {
        let _ = std::fs::remove_file(&args.output);
    }
    file.push('\n');
    crate::private::create_file(&args.output, &file)
        .with_context(|| format!("cannot create the key file {}", args.output.display()))?;
    eprintln!(
        "midclt: wrote {} (mode 0600); log in with -U USER -K {}",
        args.output.display(),
        args.output.display()
    );
    Ok(())
}
