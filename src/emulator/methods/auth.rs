//! `auth.*`: every login mechanism with the server's answers, tokens,
//! the revoke-on-insecure-transport rule for plain API keys, and `auth.me`.

use super::{def, Ctx, MethodDef};
use crate::auth::scram::{self, ScramServer};
use crate::emulator::api::{ApiError, EINVAL};
use crate::emulator::state::{now_ms, random_string, Token, User, ALNUM};
use crate::emulator::{
    lock,
    schema::{
        array, boolean, dict, integer, object, one_of_strings, param, string, validate_params, S,
    },
    Emulator,
};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A SCRAM exchange between its two messages.
pub(crate) struct PendingScram {
    server: ScramServer,
    username: String,
    key_id: u64,
}

pub(super) fn methods() -> Vec<MethodDef> {
    // The real server hides these from the TrueNAS CLI.
    const CLI_PRIVATE: &[&str] = &[
        "auth.login",
        "auth.login_ex",
        "auth.login_ex_continue",
        "auth.login_with_api_key",
        "auth.login_with_token",
        "auth.logout",
    ];
    let login_data = || vec![("login_data", dict(), true)];
    let all = vec![
        def(
            "auth.login_ex",
            "Authenticate using one of the available mechanisms.",
            login_data(),
            dict(),
            login_ex,
        )
        .no_auth(),
        def(
            "auth.login_ex_continue",
            "Continue a multi-step authentication.",
            login_data(),
            dict(),
            login_ex_continue,
        )
        .no_auth(),
        def(
            "auth.mechanism_choices",
            "Authentication mechanisms the server accepts.",
            vec![],
            array(string()),
            |_, _| {
                Ok(json!([
                    "API_KEY_PLAIN",
                    "TOKEN_PLAIN",
                    "PASSWORD_PLAIN",
                    "SCRAM"
                ]))
            },
        )
        .no_auth(),
        def(
            "auth.login",
            "Authenticate session using username and password.",
            vec![
                ("username", string(), true),
                ("password", string(), true),
                ("otp_token", string().nullable().default(Value::Null), false),
            ],
            boolean(),
            login,
        )
        .no_auth(),
        def(
            "auth.login_with_api_key",
            "Authenticate session using API Key.",
            vec![("api_key", string(), true)],
            boolean(),
            login_with_api_key,
        )
        .no_auth(),
        def(
            "auth.login_with_token",
            "Authenticate using a token.",
            vec![("token", string(), true)],
            boolean(),
            login_with_token,
        )
        .no_auth(),
        def(
            "auth.generate_token",
            "Generate a token to be used for authentication.",
            vec![
                ("ttl", integer().nullable().default(json!(600)), false),
                ("attrs", dict().default(json!({})), false),
                ("match_origin", boolean().default(json!(true)), false),
                ("single_use", boolean().default(json!(false)), false),
            ],
            string(),
            generate_token,
        ),
        def(
            "auth.me",
            "Returns currently logged-in user.",
            vec![],
            dict(),
            me,
        ),
        def(
            "auth.logout",
            "Deauthenticates an app.",
            vec![],
            boolean(),
            |ctx, _| {
                ctx.session.logout(ctx.emu);
                Ok(json!(true))
            },
        ),
    ];
    all.into_iter()
        .map(|m| {
            if CLI_PRIVATE.contains(&m.name) {
                m.cli_private()
            } else {
                m
            }
        })
        .collect()
}

fn field<'a>(data: &'a Value, name: &str) -> &'a str {
    data.get(name).and_then(Value::as_str).unwrap_or("")
}

/// Validate one mechanism's object the way pydantic's discriminated union does.
fn check(data: &Value, mechanism: &str, props: Vec<(&str, S, bool)>) -> Result<(), ApiError> {
    let accepts = vec![param("login_data", object(mechanism, props), true)];
    let failures = validate_params(&accepts, std::slice::from_ref(data));
    if failures.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(
            failures.into_iter().map(|(a, m)| (a, m, EINVAL)).collect(),
        ))
    }
}

fn login_options() -> S {
    object(
        "login_options",
        vec![
            ("user_info", boolean(), false),
            ("reconnect_token", boolean(), false),
        ],
    )
}

fn login_ex(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let data = params.into_iter().next().unwrap_or(Value::Null);
    let mech = data.get("mechanism").and_then(Value::as_str).unwrap_or("");
    let string_req = || string().min_len(1);
    match mech {
        "PASSWORD_PLAIN" => {
            check(&data, mech, vec![("mechanism", string(), true), ("username", string_req(), true), ("password", string(), true), ("login_options", login_options(), false)])?;
            Ok(password_login(ctx, field(&data, "username"), field(&data, "password"), &data))
        }
        "API_KEY_PLAIN" => {
            check(&data, mech, vec![("mechanism", string(), true), ("username", string_req(), true), ("api_key", string(), true), ("login_options", login_options(), false)])?;
            Ok(key_login(ctx, Some(field(&data, "username")), field(&data, "api_key"), &data))
        }
        "TOKEN_PLAIN" => {
            check(&data, mech, vec![("mechanism", string(), true), ("token", string(), true), ("login_options", login_options(), false)])?;
            Ok(token_login(ctx, field(&data, "token"), &data))
        }
        "OTP_TOKEN" => {
            check(&data, mech, vec![("mechanism", string(), true), ("otp_token", string(), true), ("login_options", login_options(), false)])?;
            otp_continue(ctx, field(&data, "otp_token"), &data)
        }
        "SCRAM" => {
            check(&data, mech, vec![
                ("mechanism", string(), true),
                ("scram_type", one_of_strings(&["CLIENT_FIRST_MESSAGE", "CLIENT_FINAL_MESSAGE"]), true),
                ("rfc_str", string().max_len(4096), true),
            ])?;
            match field(&data, "scram_type") {
                "CLIENT_FIRST_MESSAGE" => scram_first(ctx, field(&data, "rfc_str")),
                _ => scram_final(ctx, field(&data, "rfc_str")),
            }
        }
        "" => Err(ApiError::invalid("login_data.mechanism", "Field required")),
        other => Err(ApiError::invalid(
            "login_data",
            format!("Input tag '{other}' found using 'mechanism' does not match any of the expected tags: 'PASSWORD_PLAIN', 'API_KEY_PLAIN', 'TOKEN_PLAIN', 'OTP_TOKEN', 'SCRAM'"),
        )),
    }
}

fn login_ex_continue(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let data = params.into_iter().next().unwrap_or(Value::Null);
    check(
        &data,
        "OTP_TOKEN",
        vec![
            ("mechanism", one_of_strings(&["OTP_TOKEN"]), true),
            ("otp_token", string(), true),
        ],
    )?;
    otp_continue(ctx, field(&data, "otp_token"), &data)
}

fn resp(kind: &str) -> Value {
    json!({"response_type": kind})
}

fn success(ctx: &mut Ctx<'_>, username: &str, cred: &'static str, data: &Value) -> Value {
    ctx.session.authenticate(ctx.emu, username, cred);
    let want_info = data
        .get("login_options")
        .and_then(|o| o.get("user_info"))
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let info = if want_info {
        user_info(ctx.emu, username)
    } else {
        Value::Null
    };
    json!({"response_type": "SUCCESS", "user_info": info, "authenticator": "LEVEL_1", "reconnect_token": null})
}

fn password_login(ctx: &mut Ctx<'_>, username: &str, password: &str, data: &Value) -> Value {
    let (ok, access, otp) = {
        let st = lock(&ctx.emu.shared.state);
        match st.user(username) {
            Some(u) => (
                scram::ct_eq(u.password.as_bytes(), password.as_bytes()),
                u.api_access,
                u.otp_secret.is_some(),
            ),
            None => (false, false, false),
        }
    };
    if !ok {
        return resp("AUTH_ERR");
    }
    if !access {
        return resp("DENIED");
    }
    if otp {
        ctx.session.pending_otp = Some(username.to_string());
        return json!({"response_type": "OTP_REQUIRED", "username": username});
    }
    success(ctx, username, "LOGIN_PASSWORD", data)
}

fn otp_continue(ctx: &mut Ctx<'_>, code: &str, data: &Value) -> Result<Value, ApiError> {
    // 26.0+: one attempt per password step; a wrong code ends the exchange.
    let Some(username) = ctx.session.pending_otp.take() else {
        return Err(ApiError::call(
            EINVAL,
            "OTP_TOKEN: no authentication in progress",
        ));
    };
    let secret = lock(&ctx.emu.shared.state)
        .user(&username)
        .and_then(|u| u.otp_secret.clone());
    let now = now_ms() / 1000;
    let ok = secret.is_some_and(|s| {
        [-30, 0, 30]
            .iter()
            .any(|d| totp(&s, now + d) == code.trim())
    });
    if !ok {
        return Ok(resp("AUTH_ERR"));
    }
    Ok(success(ctx, &username, "LOGIN_TWOFACTOR", data))
}

/// RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits) at Unix time `unix_secs`.
pub fn totp(secret: &[u8], unix_secs: i64) -> String {
    let counter = (unix_secs.max(0) / 30) as u64;
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[off] & 0x7f, h[off + 1], h[off + 2], h[off + 3]]);
    format!("{:06}", bin % 1_000_000)
}

/// The outcome of presenting a plain key (shared by `login_ex` and the legacy method).
fn key_login(ctx: &mut Ctx<'_>, username: Option<&str>, raw: &str, data: &Value) -> Value {
    let Some((id, material)) = raw
        .trim()
        .split_once('-')
        .and_then(|(i, m)| Some((i.parse::<u64>().ok()?, m)))
    else {
        return resp("AUTH_ERR");
    };
    let secure = ctx.session.secure_transport(ctx.emu);
    let owner = {
        let mut st = lock(&ctx.emu.shared.state);
        let Some(key) = st.key_mut(id) else {
            return resp("AUTH_ERR");
        };
        if !key.matches_material(material)
            || username.is_some_and(|u| u != key.username)
            || key.revoked
        {
            return resp("AUTH_ERR");
        }
        if key.expired() {
            return resp("EXPIRED");
        }
        if !secure {
            // The server burns a valid key it sees in clear over an insecure transport.
            key.revoked = true;
            key.revoked_reason = Some("Attempt to use over an insecure transport".into());
            let entry = key.entry();
            drop(st);
            ctx.emu
                .publish("api_key.query", "changed", &json!(id), Some(&entry));
            return resp("EXPIRED");
        }
        key.username.clone()
    };
    let access = lock(&ctx.emu.shared.state)
        .user(&owner)
        .is_some_and(|u| u.api_access);
    if !access {
        return resp("DENIED");
    }
    success(ctx, &owner, "API_KEY", data)
}

fn token_login(ctx: &mut Ctx<'_>, token: &str, data: &Value) -> Value {
    let username = {
        let mut st = lock(&ctx.emu.shared.state);
        st.tokens.retain(|t| t.last_used.elapsed() < t.ttl);
        let Some(pos) = st
            .tokens
            .iter()
            .position(|t| scram::ct_eq(t.value.as_bytes(), token.as_bytes()))
        else {
            return resp("AUTH_ERR");
        };
        let username = st.tokens[pos].username.clone();
        if st.tokens[pos].single_use {
            st.tokens.remove(pos);
        } else {
            st.tokens[pos].last_used = Instant::now();
        }
        username
    };
    success(ctx, &username, "TOKEN", data)
}

fn scram_first(ctx: &mut Ctx<'_>, rfc: &str) -> Result<Value, ApiError> {
    if matches!(ctx.session.origin, crate::emulator::Origin::Unix) {
        // The server's SCRAM authenticator refuses non-TCP origins.
        return Err(ApiError::call(
            EINVAL,
            "SCRAM authentication is only supported over TCP connections",
        ));
    }
    let Ok(first) = ScramServer::parse_client_first(rfc) else {
        return Ok(resp("AUTH_ERR"));
    };
    let tls = matches!(
        ctx.session.origin,
        crate::emulator::Origin::Tcp { tls: true, .. }
    );
    if first.channel_binding && !tls {
        return Ok(resp("AUTH_ERR"));
    }
    let (username, key_id) = (first.username.clone(), first.api_key_id);
    let creds = {
        let st = lock(&ctx.emu.shared.state);
        st.key(key_id)
            .filter(|k| k.username == username && !k.revoked && !k.expired())
            .map(|k| (k.salt.clone(), k.iterations, k.stored_key, k.server_key))
    };
    let Some((salt, iterations, stored, server_key)) = creds else {
        return Ok(resp("AUTH_ERR"));
    };
    let mut nonce = [0u8; 32];
    if getrandom::fill(&mut nonce).is_err() {
        return Err(ApiError::call(14, "no randomness available"));
    }
    let (server, rfc_str) =
        ScramServer::server_first(first, &salt, iterations, stored, server_key, nonce);
    ctx.session.scram = Some(PendingScram {
        server,
        username,
        key_id,
    });
    Ok(
        json!({"response_type": "SCRAM_RESPONSE", "scram_type": "SERVER_FIRST_RESPONSE", "rfc_str": rfc_str, "user_info": null}),
    )
}

fn scram_final(ctx: &mut Ctx<'_>, rfc: &str) -> Result<Value, ApiError> {
    let Some(pending) = ctx.session.scram.take() else {
        return Err(ApiError::call(EINVAL, "pam handle was not initialized"));
    };
    let binding = if matches!(
        ctx.session.origin,
        crate::emulator::Origin::Tcp { tls: true, .. }
    ) {
        certificate_binding(ctx.emu)
    } else {
        None
    };
    match pending.server.verify_client_final(rfc, binding.as_deref()) {
        Ok(server_final) => {
            let access = lock(&ctx.emu.shared.state)
                .user(&pending.username)
                .is_some_and(|u| u.api_access);
            let still_valid = lock(&ctx.emu.shared.state)
                .key(pending.key_id)
                .is_some_and(|k| !k.revoked);
            if !access || !still_valid {
                return Ok(resp("AUTH_ERR"));
            }
            ctx.session
                .authenticate(ctx.emu, &pending.username, "API_KEY");
            Ok(json!({
                "response_type": "SCRAM_RESPONSE", "scram_type": "SERVER_FINAL_RESPONSE",
                "rfc_str": server_final, "user_info": user_info(ctx.emu, &pending.username),
            }))
        }
        Err(_) => Ok(resp("AUTH_ERR")),
    }
}

/// tls-server-end-point of the certificate this emulator serves.
fn certificate_binding(emu: &Emulator) -> Option<Vec<u8>> {
    let pem = emu.tls_material().ok()?.cert_pem;
    let der = crate::emulator::pem_to_der(&pem)?;
    scram::tls_server_end_point(&der).ok()
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters.
#[allow(clippy::needless_pass_by_value)]
fn login(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let user = params.first().and_then(Value::as_str).unwrap_or("");
    let pass = params.get(1).and_then(Value::as_str).unwrap_or("");
    let otp = params.get(2).and_then(Value::as_str);
    let r = password_login(
        ctx,
        user,
        pass,
        &json!({"login_options": {"user_info": false}}),
    );
    Ok(json!(match r["response_type"].as_str() {
        Some("SUCCESS") => true,
        Some("OTP_REQUIRED") => match otp {
            Some(code) => otp_continue(ctx, code, &json!({}))?["response_type"] == "SUCCESS",
            None => false,
        },
        _ => false,
    }))
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters
// and cannot fail.
#[allow(clippy::needless_pass_by_value, clippy::unnecessary_wraps)]
fn login_with_api_key(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let raw = params.first().and_then(Value::as_str).unwrap_or("");
    let r = key_login(ctx, None, raw, &json!({}));
    Ok(json!(r["response_type"] == "SUCCESS"))
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters
// and cannot fail.
#[allow(clippy::needless_pass_by_value, clippy::unnecessary_wraps)]
fn login_with_token(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let token = params.first().and_then(Value::as_str).unwrap_or("");
    let r = token_login(ctx, token, &json!({}));
    Ok(json!(r["response_type"] == "SUCCESS"))
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters
// and cannot fail.
#[allow(clippy::needless_pass_by_value, clippy::unnecessary_wraps)]
fn generate_token(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let ttl = params.first().and_then(Value::as_u64).unwrap_or(600);
    let attrs = params.get(1).cloned().unwrap_or(json!({}));
    let match_origin = params.get(2).and_then(Value::as_bool).unwrap_or(true);
    let single_use = params.get(3).and_then(Value::as_bool).unwrap_or(false);
    if let Some(job) = attrs.get("job") {
        let id = job.as_i64().unwrap_or(-1);
        if ctx.emu.job(id).is_none() {
            return Err(ApiError::call(EINVAL, format!("{id}: job does not exist")));
        }
    }
    Ok(json!(issue_token(
        ctx,
        ttl,
        attrs,
        match_origin,
        single_use
    )))
}

/// A new token of the session's user (also for `core.download`).
pub(crate) fn issue_token(
    ctx: &Ctx<'_>,
    ttl: u64,
    attrs: Value,
    match_origin: bool,
    single_use: bool,
) -> String {
    let username = ctx.session.user.clone().unwrap_or_default();
    let value = random_string(64, ALNUM);
    lock(&ctx.emu.shared.state).tokens.push(Token {
        value: value.clone(),
        username,
        ttl: Duration::from_secs(ttl),
        last_used: Instant::now(),
        single_use,
        attrs,
        origin: match_origin.then(|| ctx.session.origin.address()),
    });
    value
}

// Handler: the dispatch table fixes the signature; this one cannot fail.
#[allow(clippy::unnecessary_wraps)]
fn me(ctx: &mut Ctx<'_>, _params: Vec<Value>) -> Result<Value, ApiError> {
    let user = ctx.session.user.clone().unwrap_or_default();
    Ok(user_info(ctx.emu, &user))
}

/// The `auth.me` object (27.0 field set).
pub(crate) fn user_info(emu: &Emulator, username: &str) -> Value {
    let st = lock(&emu.shared.state);
    let Some(u) = st.user(username) else {
        return Value::Null;
    };
    describe(u)
}

fn describe(u: &User) -> Value {
    let home = if u.uid == 0 {
        "/root".to_string()
    } else {
        format!("/home/{}", u.username)
    };
    let roles = if u.api_access {
        json!({"$set": ["FULL_ADMIN"]})
    } else {
        json!({"$set": []})
    };
    json!({
        "pw_name": u.username, "pw_gecos": u.full_name, "pw_dir": home, "pw_shell": if u.uid == 0 { "/bin/bash" } else { "/usr/bin/zsh" },
        "pw_uid": u.uid, "pw_gid": u.uid, "grouplist": [u.uid], "sid": null, "source": "LOCAL",
        "local": true, "attributes": {},
        "two_factor_config": {"provisioning_uri": null, "secret_configured": u.otp_secret.is_some(), "interval": 30, "otp_digits": 6},
        "privilege": {
            "roles": roles,
            "allowlist": if u.api_access { json!([{"method": "*", "resource": "*"}]) } else { json!([]) },
            "web_shell": u.api_access,
            "webui_access": u.api_access,
        },
        "account_attributes": if u.uid == 0 { json!(["LOCAL", "SYS_ADMIN"]) } else { json!(["LOCAL"]) },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    // The times are RFC 6238's test vectors, spelled as the RFC prints them.
    #[allow(clippy::unreadable_literal)]
    fn totp_matches_rfc6238() {
        // RFC 6238 appendix B, SHA-1 seed, 8 digits truncated to our 6.
        let seed = b"12345678901234567890";
        assert_eq!(totp(seed, 59), "287082");
        assert_eq!(totp(seed, 1111111109), "081804");
        assert_eq!(totp(seed, 2000000000), "279037");
    }
}
