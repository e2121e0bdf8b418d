//! API-key login with SCRAM-SHA-512 (TrueNAS 26.0+), channel-bound over TLS by default.
//!
//! The mechanism list is unauthenticated, so a man in the middle could strip SCRAM from
//! it to harvest a plain key: this never falls back to `API_KEY_PLAIN` on its own.

use crate::auth::scram::{tls_server_end_point, ChannelBinding, KeySource, ScramClient};
use crate::auth::{
    interpret_failure, is_missing_method, login_call_error, response_type, ApiKey, Credential,
};
use crate::client::rpc::Client;
use crate::client::uri::Protocol;
use crate::error::{Error, Kind, Result};
use serde_json::{json, Value};

pub(super) fn login(
    client: &mut Client,
    username: Option<&str>,
    key: &ApiKey,
    channel_binding: bool,
) -> Result<()> {
    let username = username.ok_or_else(|| {
        Error::usage("-U USERNAME is required for SCRAM login with -K (the key's owner)")
    })?;
    if client.protocol() == Protocol::Legacy {
        return Err(Error::auth(
            "the legacy /websocket protocol does not implement SCRAM authentication",
        )
        .hint("use the JSON-RPC endpoint (wss://HOST/api/current) or pass --plain over wss://"));
    }
    let offered = mechanism_choices(client)?;
    if !offered.iter().any(|m| m == "SCRAM") {
        return Err(Error::auth(
            "the server does not offer SCRAM login for API keys (TrueNAS before 26.0, or its security level forbids it); the key was not sent",
        )
        .hint("to send the key itself inside TLS instead, add --plain (over wss:// only)"));
    }
    let binding = choose_binding(client, channel_binding)?;
    let bound = matches!(binding, ChannelBinding::TlsServerEndPoint(_));
    let mut scram = ScramClient::new(username, key.id, binding).map_err(|e| scram_usage(&e))?;

    let first = client
        .call(
            "auth.login_ex",
            vec![json!({"mechanism": "SCRAM", "scram_type": "CLIENT_FIRST_MESSAGE", "rfc_str": scram.client_first()})],
        )
        .map_err(login_call_error)?;
    let server_first = match scram_step(&first, "SERVER_FIRST_RESPONSE") {
        Some(s) => s,
        None if response_type(&first) == "AUTH_ERR" => {
            let mut e = Error::auth("login failed: invalid API key (or unknown user)")
                .hint("check the key and its owner (-U)");
            if bound {
                e = e.hint("if the server is TrueNAS 26.0 BETA.1/2 (no channel binding), retry with --no-channel-binding");
            }
            return Err(e);
        }
        None => return Err(unexpected(&first)),
    };
    let source = match (&key.precomputed, key.material()) {
        (Some(keys), _) => KeySource::Precomputed(keys),
        (None, Some(material)) => KeySource::Secret(material.as_bytes()),
        (None, None) => return Err(Error::usage("the API key has no usable material")),
    };
    let client_final = scram.client_final(&server_first, source).map_err(|e| {
        Error::auth(format!(
            "login failed: the server's SCRAM challenge was refused: {e}"
        ))
    })?;
    let last = client
        .call(
            "auth.login_ex",
            vec![json!({"mechanism": "SCRAM", "scram_type": "CLIENT_FINAL_MESSAGE", "rfc_str": client_final})],
        )
        .map_err(login_call_error)?;
    let server_final = match scram_step(&last, "SERVER_FINAL_RESPONSE") {
        Some(s) => s,
        None if response_type(&last) == "AUTH_ERR" => return Err(Error::auth(
            "login failed: the server rejected the API key proof",
        )
        .hint(
            "the key may be revoked, expired or reset; check `api_key.query` as an administrator",
        )),
        None => return Err(unexpected(&last)),
    };
    // The session is already authenticated here; an unproven server must not keep it.
    if let Err(e) = scram.verify_server_final(&server_final) {
        let _ = client.call("auth.logout", vec![]);
        return Err(Error::auth(format!(
            "login aborted: the server could not prove it knows the API key ({e}); possible man-in-the-middle, the session was logged out"
        )));
    }
    Ok(())
}

fn mechanism_choices(client: &mut Client) -> Result<Vec<String>> {
    match client.call("auth.mechanism_choices", vec![]) {
        Ok(v) => Ok(v
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()),
        Err(e) if is_missing_method(&e) => Ok(vec!["API_KEY_PLAIN".into()]),
        // 25.04.2-25.10.x crash on unauthenticated calls of this method;
        // those servers have no SCRAM anyway.
        Err(e) if e.message.contains("may_create_auth_token") => Ok(vec!["API_KEY_PLAIN".into()]),
        Err(e) => Err(login_call_error(e)),
    }
}

fn choose_binding(client: &Client, wanted: bool) -> Result<ChannelBinding> {
    let info = client.info();
    if !wanted || info.unix {
        return Ok(ChannelBinding::None);
    }
    if !info.tls {
        return Err(Error::usage(
            "SCRAM channel binding needs a TLS connection (wss://), and this one is plain ws://",
        )
        .hint(
            "use wss://, or pass --no-channel-binding (the key itself is never sent either way)",
        ));
    }
    let der = info.peer_certificate.as_ref().ok_or_else(|| {
        Error::new(
            Kind::Tls,
            "cannot read the server certificate needed for channel binding",
        )
        .hint("pass --no-channel-binding to log in without binding")
    })?;
    tls_server_end_point(der)
        .map(ChannelBinding::TlsServerEndPoint)
        .map_err(|e| {
            Error::new(
                Kind::Tls,
                format!("cannot channel-bind to this server's certificate: {e}"),
            )
            .hint("pass --no-channel-binding to log in without binding")
        })
}

fn scram_step(resp: &Value, step: &str) -> Option<String> {
    if response_type(resp) != "SCRAM_RESPONSE" || resp.get("scram_type")?.as_str()? != step {
        return None;
    }
    resp.get("rfc_str")?.as_str().map(str::to_string)
}

fn unexpected(resp: &Value) -> Error {
    match response_type(resp) {
        "SCRAM_RESPONSE" => {
            Error::auth("login failed: the server sent SCRAM messages out of order")
        }
        other => interpret_failure(other, resp, Credential::ApiKey),
    }
}

fn scram_usage(e: &crate::auth::scram::ScramError) -> Error {
    Error::usage(format!("cannot log in with SCRAM: {e}"))
}
