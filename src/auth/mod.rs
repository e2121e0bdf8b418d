//! Logging in: every mechanism the server offers, and the rules that keep keys safe.

pub mod credentials;
pub mod scram;
mod scram_login;

use crate::client::rpc::Client;
use crate::client::uri::{Endpoint, Protocol};
use crate::error::{Error, Result};
use serde_json::{json, Value};
use zeroize::Zeroizing;

/// A password, key or token: wiped from memory when dropped.
pub type Secret = Zeroizing<String>;

/// How an API key is presented to the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyMechanism {
    /// SCRAM-SHA-512: the key never crosses the wire (the default).
    Scram,
    /// `API_KEY_PLAIN`: the key is sent as is (`--plain`, explicit only).
    Plain,
}

/// An API key as the user supplied it.
pub struct ApiKey {
    /// The number before the `-`: the key's id on the server.
    pub id: u64,
    /// The whole `<id>-<material>` text, when known.
    pub raw: Option<Secret>,
    /// Precomputed SCRAM keys from a key file (PBKDF2 already done).
    pub precomputed: Option<crate::auth::scram::ScramKeys>,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKey {{ id: {}, .. }}", self.id)
    }
}

impl ApiKey {
    /// Parse a raw key `<id>-<material>` (surrounding whitespace ignored).
    pub fn parse_raw(text: &str) -> Option<ApiKey> {
        let t = text.trim();
        let (id, material) = t.split_once('-')?;
        if id.is_empty()
            || !id.bytes().all(|b| b.is_ascii_digit())
            || material.is_empty()
            || !material.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return None;
        }
        Some(ApiKey {
            id: id.parse().ok()?,
            raw: Some(Zeroizing::new(t.to_string())),
            precomputed: None,
        })
    }

    /// The material after `<id>-` (the SCRAM password).
    pub fn material(&self) -> Option<&str> {
        self.raw.as_ref()?.split_once('-').map(|(_, m)| m)
    }
}

/// How (and whether) to log in. Its `Debug` form names the mechanism and user only.
#[derive(Default)]
pub enum Login {
    /// Stay anonymous: enough on the local UNIX socket, where the server trusts the
    /// process's user.
    #[default]
    None,
    /// `PASSWORD_PLAIN`, then a one-time password if the account has two-factor
    /// authentication.
    Password {
        /// The account name.
        username: String,
        /// The account password.
        password: Secret,
        /// A one-time password, when known before the server asks.
        otp: Option<Secret>,
    },
    /// An API key.
    ApiKey {
        /// The key's owner; required by the JSON-RPC protocol, ignored by the legacy one.
        username: Option<String>,
        /// The key.
        key: ApiKey,
        /// SCRAM or in clear.
        mechanism: KeyMechanism,
        /// Bind a SCRAM login to the server's TLS certificate (`tls-server-end-point`),
        /// so a man in the middle cannot relay it. Only applies over `wss://`.
        channel_binding: bool,
    },
    /// A session token from `auth.generate_token` (`TOKEN_PLAIN`).
    Token(Secret),
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Login::None => f.write_str("Login::None"),
            Login::Password { username, .. } => write!(f, "Login::Password({username})"),
            Login::ApiKey {
                username,
                key,
                mechanism,
                ..
            } => write!(f, "Login::ApiKey({username:?}, {key:?}, {mechanism:?})"),
            Login::Token(_) => f.write_str("Login::Token"),
        }
    }
}

/// Asks for a one-time password when the server requires one (`None`: cannot ask);
/// [`credentials::prompt_otp`] asks on the terminal.
pub type OtpPrompt<'a> = &'a dyn Fn() -> Option<Secret>;

/// Refuse, before any connection is made, what would leak or burn a credential: an API
/// key in clear over plain `ws://` to a remote host (the server revokes it), or a key
/// without its owner's name on the JSON-RPC protocol. Errors are [`Kind::Usage`].
///
/// [`Kind::Usage`]: crate::error::Kind::Usage
pub fn check_before_connect(endpoint: &Endpoint, login: &Login) -> Result<()> {
    if let Login::ApiKey {
        username,
        mechanism,
        ..
    } = login
    {
        if *mechanism == KeyMechanism::Plain && !endpoint.is_secure_transport() {
            return Err(Error::usage(format!(
                "refusing to send an API key in clear over {} (plain ws:// to a remote host)",
                endpoint.display()
            ))
            .hint("the server revokes any API key it receives this way; only api_key.update ID {\"reset\": true} revives it, with new material")
            .hint("use wss://HOST/api/current (add --insecure or --ca-cert for a self-signed certificate)"));
        }
        if username.is_none() && endpoint.protocol() == Protocol::JsonRpc {
            return Err(Error::usage(
                "-U USERNAME (the key's owner) is required with -K: the server needs the user name to log in with an API key",
            ));
        }
    }
    Ok(())
}

/// Log in on an open connection, falling back to the pre-25.04 login methods when
/// `auth.login_ex` is missing. A refused login is a [`Kind::Auth`] error; `ask_otp` is
/// called only if the server asks for a one-time password that `login` does not carry.
///
/// [`Kind::Auth`]: crate::error::Kind::Auth
pub fn login(client: &mut Client, login: &Login, ask_otp: OtpPrompt<'_>) -> Result<()> {
    match login {
        Login::None => Ok(()),
        Login::Password {
            username,
            password,
            otp,
        } => login_password(client, username, password, otp.as_ref(), ask_otp),
        Login::ApiKey {
            username,
            key,
            mechanism: KeyMechanism::Plain,
            ..
        } => login_key_plain(client, username.as_deref(), key),
        Login::ApiKey {
            username,
            key,
            mechanism: KeyMechanism::Scram,
            channel_binding,
        } => crate::auth::scram_login::login(client, username.as_deref(), key, *channel_binding),
        Login::Token(token) => login_token(client, token),
    }
}

fn login_password(
    client: &mut Client,
    username: &str,
    password: &Secret,
    otp: Option<&Secret>,
    ask_otp: OtpPrompt<'_>,
) -> Result<()> {
    let params =
        json!({"mechanism": "PASSWORD_PLAIN", "username": username, "password": password.as_str()});
    let mut legacy = vec![json!(username), json!(password.as_str())];
    if let Some(otp) = otp {
        legacy.push(json!(otp.as_str()));
    }
    let Some(resp) = login_ex(client, Some(params), "auth.login", legacy, || {
        Error::auth("login failed: invalid username or password")
            .hint("check -U and the password (two-factor accounts need --otp)")
    })?
    else {
        return Ok(());
    };
    match response_type(&resp) {
        "OTP_REQUIRED" => {
            let Some(code) = otp.cloned().or_else(ask_otp) else {
                return Err(Error::auth(format!(
                    "login failed: {username} uses two-factor authentication and no one-time password was given"
                ))
                .hint("pass --otp CODE, set MIDCLT_OTP, or run on a terminal to be asked"));
            };
            let resp = client
                .call(
                    "auth.login_ex_continue",
                    vec![json!({"mechanism": "OTP_TOKEN", "otp_token": code.as_str()})],
                )
                .map_err(login_call_error)?;
            match response_type(&resp) {
                "SUCCESS" => Ok(()),
                "OTP_REQUIRED" | "AUTH_ERR" => Err(Error::auth(
                    "login failed: the one-time password was not accepted",
                )
                .hint("codes change every 30 s; check the authenticator's clock and try again")),
                other => Err(interpret_failure(other, &resp, Credential::Password)),
            }
        }
        "SUCCESS" => Ok(()),
        other => Err(interpret_failure(other, &resp, Credential::Password)),
    }
}

fn login_key_plain(client: &mut Client, username: Option<&str>, key: &ApiKey) -> Result<()> {
    let raw = key.raw.as_ref().ok_or_else(|| {
        Error::usage("a raw API key is required for --plain (precomputed SCRAM keys cannot be sent in clear)")
    })?;
    // Without a user name only the legacy call can work: keys were not tied to a user
    // before 25.04.
    let params = username.map(
        |user| json!({"mechanism": "API_KEY_PLAIN", "username": user, "api_key": raw.as_str()}),
    );
    let legacy = vec![json!(raw.as_str())];
    let Some(resp) = login_ex(client, params, "auth.login_with_api_key", legacy, || {
        Error::auth("login failed: invalid API key")
    })?
    else {
        return Ok(());
    };
    match response_type(&resp) {
        "SUCCESS" => Ok(()),
        other => Err(interpret_failure(other, &resp, Credential::ApiKey)),
    }
}

fn login_token(client: &mut Client, token: &Secret) -> Result<()> {
    let params = json!({"mechanism": "TOKEN_PLAIN", "token": token.as_str()});
    let legacy = vec![json!(token.as_str())];
    let Some(resp) = login_ex(
        client,
        Some(params),
        "auth.login_with_token",
        legacy,
        || {
            Error::auth("login failed: the token is invalid or has expired")
                .hint("get a new one with `midclt token`")
        },
    )?
    else {
        return Ok(());
    };
    match response_type(&resp) {
        "SUCCESS" => Ok(()),
        other => Err(interpret_failure(other, &resp, Credential::Token)),
    }
}

/// `auth.login_ex` with `params`, answering its response for the caller to interpret.
/// Servers before 25.04 (and their `/websocket`) lack it and have one legacy method per
/// credential, answering `true` or `false`: then `legacy` is called with `legacy_params`,
/// and `Ok(None)` means it logged in. `params` of `None` goes to the legacy method at once.
fn login_ex(
    client: &mut Client,
    params: Option<Value>,
    legacy: &str,
    legacy_params: Vec<Value>,
    refused: impl FnOnce() -> Error,
) -> Result<Option<Value>> {
    if let Some(params) = params {
        match client.call("auth.login_ex", vec![params]) {
            Ok(resp) => return Ok(Some(resp)),
            Err(e) if is_missing_method(&e) => {}
            Err(e) => return Err(login_call_error(e)),
        }
    }
    let ok = client
        .call(legacy, legacy_params)
        .map_err(login_call_error)?;
    if ok == json!(true) {
        Ok(None)
    } else {
        Err(refused())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Credential {
    Password,
    ApiKey,
    Token,
}

pub(crate) fn response_type(resp: &Value) -> &str {
    resp.get("response_type")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// A clear message for every `response_type` other than SUCCESS.
pub(crate) fn interpret_failure(kind: &str, resp: &Value, cred: Credential) -> Error {
    match (kind, cred) {
        ("AUTH_ERR", Credential::Password) => Error::auth("login failed: invalid username or password")
            .hint("check -U and the password; the server delays each failed attempt by 1-2 s"),
        ("AUTH_ERR", Credential::ApiKey) => Error::auth("login failed: invalid API key")
            .hint("check the key and its owner (-U); revoked or deleted keys also fail this way"),
        ("AUTH_ERR", Credential::Token) => Error::auth("login failed: the token is invalid or has expired")
            .hint("tokens are single-origin and expire after their TTL; get a new one with `midclt token`"),
        ("EXPIRED", Credential::Password) => Error::auth("login failed: the password has expired and must be changed")
            .hint("change it in the TrueNAS web UI, then try again"),
        ("EXPIRED", Credential::ApiKey) => Error::auth("login failed: the API key has expired or was revoked")
            .hint("a key sent in clear over an insecure connection is revoked by the server; reset it with `midclt call api_key.update ID '{\"reset\": true}'`"),
        ("EXPIRED", Credential::Token) => Error::auth("login failed: the token has expired"),
        ("DENIED", _) => Error::auth("login failed: the account has no API access")
            .hint("give the user a privilege (Credentials → Groups → Privileges) or use an administrator account"),
        ("REDIRECT", _) => {
            let urls: Vec<&str> = resp
                .get("urls")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            Error::auth(format!(
                "login refused: this is the standby controller of an HA system; log in to the active one: {}",
                if urls.is_empty() { "(no address given)".to_string() } else { urls.join(", ") }
            ))
        }
        ("OTP_REQUIRED", _) => Error::auth("login failed: a one-time password is required")
            .hint("pass --otp CODE or set MIDCLT_OTP"),
        ("", _) => Error::auth("login failed: the server sent an answer without a response_type"),
        (other, _) => Error::auth(format!("login failed: unexpected server response {other}")),
    }
}

pub(crate) fn is_missing_method(e: &Error) -> bool {
    e.server.as_ref().is_some_and(|s| s.is_method_not_found())
}

/// A login call that failed outright (not a refusal): rate limits, AAL rules, ...
pub(crate) fn login_call_error(e: Error) -> Error {
    let Some(server) = &e.server else {
        return e;
    };
    let reason = server.reason().to_string();
    let mut err = Error::auth(format!("login failed: {reason}"));
    err.server = e.server;
    if reason.contains("Rate Limit Exceeded") {
        err = err.hint("the server allows 20 unauthenticated calls (each login is one or two) per minute from one address: wait a minute and try again")
            .hint("scripts that run often: on the NAS itself use the local socket, which needs no login (no --uri, as root)");
    } else if reason.contains("mechanism is not supported") {
        err = err.hint("the server's authenticator assurance level forbids this way of logging in");
    }
    err
}
