//! Where secrets come from: options, environment, files, stdin and the terminal.
//!
//! Everything read here is held in `Zeroizing` buffers so it is wiped when dropped, and
//! no message produced here quotes a secret.

use crate::auth::scram::ScramKeys;
use crate::auth::{ApiKey, KeyMechanism, Login, Secret};
use crate::error::{Error, Result};
use base64::Engine as _;
use serde_json::Value;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Environment variables, read only when the matching option is absent.
pub(crate) const ENV_PASSWORD: &str = "MIDCLT_PASSWORD";
pub(crate) const ENV_API_KEY: &str = "MIDCLT_API_KEY";
pub(crate) const ENV_API_KEY_FILE: &str = "MIDCLT_API_KEY_FILE";
pub(crate) const ENV_TOKEN: &str = "MIDCLT_TOKEN";
pub(crate) const ENV_OTP: &str = "MIDCLT_OTP";

/// What the user said about credentials (on the command line, or a program's equivalent).
/// Fields left empty are looked up in the environment, and a missing password for a
/// named user is asked for on the terminal.
#[derive(Clone, Default)]
pub struct LoginSpec {
    /// User to log in as (with a password, or as the owner of an API key).
    pub username: Option<String>,
    /// A password given directly; `-` reads one line from stdin. Warned about: argv is
    /// readable by other users.
    pub password: Option<String>,
    /// A file whose first line is the password.
    pub password_file: Option<PathBuf>,
    /// An API key (`ID-KEY`) or the path of a key file (raw, JSON or INI).
    pub api_key: Option<String>,
    /// A session token.
    pub token: Option<String>,
    /// A one-time password for two-factor accounts.
    pub otp: Option<String>,
    /// Send the API key itself (`API_KEY_PLAIN`) instead of SCRAM.
    pub plain: bool,
    /// SCRAM without TLS channel binding.
    pub no_channel_binding: bool,
    /// Consulted after the environment (a profile's settings): a password file, else an
    /// inline password.
    pub fallback_password_file: Option<PathBuf>,
    /// See `fallback_password_file`.
    pub fallback_password: Option<String>,
    /// Consulted after the environment: an API key or the path of a key file.
    pub fallback_api_key: Option<String>,
}

/// Decide how to log in from the options and the environment (`MIDCLT_PASSWORD`,
/// `MIDCLT_API_KEY`, `MIDCLT_API_KEY_FILE`, `MIDCLT_TOKEN`, `MIDCLT_OTP`, each read
/// only when the matching field is empty). Contradictory or unreadable credentials are
/// [`Kind::Usage`] errors.
///
/// [`Kind::Usage`]: crate::error::Kind::Usage
///
/// `stdin_taken`: stdin is already claimed (e.g. by a `-` call argument), so `-P -`
/// cannot read from it.
pub fn resolve(g: &LoginSpec, stdin_taken: bool) -> Result<Login> {
    resolve_with(g, stdin_taken, true)
}

/// Like [`resolve`]; with `key_logs_in` false, `-K` and the key variables are not
/// credentials (they are what the command works on, as in `key precompute`).
pub fn resolve_with(g: &LoginSpec, stdin_taken: bool, key_logs_in: bool) -> Result<Login> {
    resolve_inner(g, stdin_taken, key_logs_in, true)
}

/// Like [`resolve`] for a run nobody can answer (each host of a fleet): stdin is never
/// read and a missing password is an error instead of a prompt.
pub(crate) fn resolve_unattended(g: &LoginSpec) -> Result<Login> {
    resolve_inner(g, true, true, false)
}

fn resolve_inner(
    g: &LoginSpec,
    stdin_taken: bool,
    key_logs_in: bool,
    attended: bool,
) -> Result<Login> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let username = g.username.clone().filter(|u| !u.is_empty());
    let otp = match &g.otp {
        Some(code) => Some(Zeroizing::new(code.clone())),
        None => env(ENV_OTP).map(Zeroizing::new),
    };

    let password: Option<Secret> = if let Some(p) = &g.password {
        if p == "-" {
            if !attended {
                return Err(Error::usage(
                    "-P - reads one password from stdin, which the hosts of a fleet cannot share",
                )
                .hint(
                    "use --password-file FILE, MIDCLT_PASSWORD or each profile's password_file",
                ));
            }
            if stdin_taken {
                return Err(Error::usage("-P - and a `-` call argument both want stdin; use --password-file for the password"));
            }
            Some(read_stdin_line()?)
        } else {
            warn_argv(
                "-P/--password",
                "--password-file FILE, -P - (stdin), MIDCLT_PASSWORD or the prompt",
            );
            Some(Zeroizing::new(p.clone()))
        }
    } else if let Some(path) = &g.password_file {
        Some(read_secret_file(path, "password file")?)
    } else if let Some(p) = env(ENV_PASSWORD) {
        Some(Zeroizing::new(p))
    } else if let Some(path) = &g.fallback_password_file {
        Some(read_secret_file(path, "password file")?)
    } else {
        g.fallback_password.clone().map(Zeroizing::new)
    };

    let key_text: Option<(Secret, bool)> = match &g.api_key {
        _ if !key_logs_in => None,
        Some(k) => Some((Zeroizing::new(k.clone()), true)),
        None => match env(ENV_API_KEY) {
            Some(k) => Some((Zeroizing::new(k), false)),
            None => env(ENV_API_KEY_FILE)
                .or_else(|| g.fallback_api_key.clone())
                .map(|f| (Zeroizing::new(f), false)),
        },
    };

    // The official order: a password (given or prompted) wins over a key.
    if let (Some(user), Some(password)) = (&username, password) {
        return Ok(Login::Password {
            username: user.clone(),
            password,
            otp,
        });
    }
    if let Some((text, from_argv)) = key_text {
        let key = parse_key_argument(&text, from_argv)?;
        return Ok(Login::ApiKey {
            username,
            key,
            mechanism: if g.plain {
                KeyMechanism::Plain
            } else {
                KeyMechanism::Scram
            },
            channel_binding: !g.no_channel_binding,
        });
    }
    let token = match &g.token {
        Some(t) => {
            warn_argv("--token", "MIDCLT_TOKEN");
            Some(Zeroizing::new(t.clone()))
        }
        None => env(ENV_TOKEN).map(Zeroizing::new),
    };
    if let Some(token) = token {
        return Ok(Login::Token(token));
    }
    if let Some(user) = username {
        if !attended {
            return Err(Error::usage(format!(
                "no password for -U {user}, and a fleet cannot ask for one"
            ))
            .hint("give it with --password-file FILE or MIDCLT_PASSWORD, or set password_file (or api_key_file) in the host's profile or inventory vars"));
        }
        let password = prompt_password(&user)?;
        return Ok(Login::Password {
            username: user,
            password,
            otp,
        });
    }
    Ok(Login::None)
}

/// Ask for a one-time password on the terminal, if there is one.
pub fn prompt_otp() -> Option<Secret> {
    if !std::io::stdin().is_terminal() && !std::io::stderr().is_terminal() {
        return None;
    }
    rpassword::prompt_password("One-time password: ")
        .ok()
        .map(|s| Zeroizing::new(s.trim().to_string()))
        .filter(|s| !s.is_empty())
}

fn prompt_password(user: &str) -> Result<Secret> {
    let no_tty = Error::usage(format!(
        "no password for -U {user}, and there is no terminal to ask on"
    ))
    .hint("pass it with --password-file FILE, -P - (stdin) or MIDCLT_PASSWORD, or use -K/--token");
    if !std::io::stdin().is_terminal() && !std::io::stderr().is_terminal() {
        return Err(no_tty);
    }
    match rpassword::prompt_password(format!("Password for {user}: ")) {
        Ok(p) => Ok(Zeroizing::new(p)),
        Err(_) => Err(no_tty),
    }
}

/// Every run is warned, scripts included: the secret stays readable in
/// `/proc/PID/cmdline` for as long as the process lives. Once per option and run: a fleet
/// resolves the same options for each of its hosts.
fn warn_argv(option: &str, instead: &str) {
    static WARNED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    if std::env::var_os("MIDCLT_NO_ARGV_WARNING").is_some_and(|v| v == "1") {
        return;
    }
    if let Ok(mut warned) = WARNED.lock() {
        if warned.iter().any(|o| o == option) {
            return;
        }
        warned.push(option.to_string());
    }
    eprintln!(
        "midclt: warning: a secret given with {option} is visible to other users in the process list and stays in shell history; prefer {instead} (MIDCLT_NO_ARGV_WARNING=1 silences this)"
    );
}

fn read_stdin_line() -> Result<Secret> {
    if std::io::stdin().is_terminal() {
        return Err(
            Error::usage("-P - reads the password from stdin, but stdin is a terminal")
                .hint("pipe the password in, or leave out -P to be prompted"),
        );
    }
    let mut buf = Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut buf)
        .map_err(|e| Error::usage(format!("cannot read the password from stdin: {e}")))?;
    Ok(first_line(&buf))
}

fn first_line(text: &str) -> Secret {
    Zeroizing::new(
        text.lines()
            .next()
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string(),
    )
}

fn read_secret_file(path: &Path, what: &str) -> Result<Secret> {
    let text = read_file(path, what)?;
    let line = first_line(&text);
    if line.is_empty() {
        return Err(Error::usage(format!(
            "the {what} {} is empty",
            path.display()
        )));
    }
    Ok(line)
}

fn read_file(path: &Path, what: &str) -> Result<Secret> {
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "not found".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        Error::usage(format!("cannot read the {what} {}: {why}", path.display()))
    })?);
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::usage(format!("the {what} {} is not UTF-8 text", path.display())))?;
    Ok(Zeroizing::new(text.to_string()))
}

/// `-K` takes a raw key or the path of a key file. Unlike the official client, relative
/// paths are files too: a raw key never contains `/` or `.`, so there is no ambiguity
/// once we check the raw-key form first.
pub(crate) fn parse_key_argument(text: &str, from_argv: bool) -> Result<ApiKey> {
    if let Some(key) = ApiKey::parse_raw(text) {
        if from_argv {
            warn_argv(
                "-K/--api-key",
                "a key file (-K FILE), MIDCLT_API_KEY or MIDCLT_API_KEY_FILE",
            );
        }
        return Ok(key);
    }
    let path = Path::new(text.trim());
    if path.is_file() {
        let content = read_file(path, "key file")?;
        return parse_key_material(&content)
            .map_err(|e| Error::usage(format!("key file {}: {}", path.display(), e.message)));
    }
    if text.contains('/') || text.contains('.') {
        return Err(Error::usage(format!(
            "key file {} not found",
            path.display()
        )));
    }
    Err(Error::usage(
        "-K is neither an API key (ID-KEY, as api_key.create returned it) nor an existing key file",
    ))
}

/// Parse key-file content: a raw key, JSON, or INI.
pub(crate) fn parse_key_material(content: &str) -> Result<ApiKey> {
    if let Some(key) = ApiKey::parse_raw(content) {
        return Ok(key);
    }
    let fields: Value = match serde_json::from_str::<Value>(content) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => return Err(Error::usage("the JSON is not an object")),
        Err(_) => parse_ini(content)?,
    };
    from_fields(&fields)
}

fn from_fields(f: &Value) -> Result<ApiKey> {
    if let Some(raw) = f.get("raw_key") {
        let raw = raw
            .as_str()
            .ok_or_else(|| Error::usage("raw_key must be a string"))?;
        return ApiKey::parse_raw(raw)
            .ok_or_else(|| Error::usage("raw_key is not an API key of the form ID-KEY"));
    }
    let missing = |name: &str| Error::usage(format!("missing required field in key data: {name}"));
    let id = match f.get("api_key_id").ok_or_else(|| missing("api_key_id"))? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| Error::usage("api_key_id must be a positive integer"))?;
    let decode = |name: &str| -> Result<[u8; 64]> {
        let text = f
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| missing(name))?;
        let bytes = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| Error::usage(format!("{name} is not valid base64")))?,
        );
        bytes
            .as_slice()
            .try_into()
            .map_err(|_| Error::usage(format!("{name} must decode to 64 bytes")))
    };
    let keys = ScramKeys {
        client_key: decode("client_key")?,
        stored_key: decode("stored_key")?,
        server_key: decode("server_key")?,
    };
    Ok(ApiKey {
        id,
        raw: None,
        precomputed: Some(keys),
    })
}

/// A small INI reader with Python `configparser` semantics where it matters: a section
/// header is required, `[TRUENAS_API_KEY]` wins, a lone section is accepted, several
/// others are ambiguous.
fn parse_ini(content: &str) -> Result<Value> {
    let mut sections: Vec<(String, serde_json::Map<String, Value>)> = Vec::new();
    for (n, line) in content.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push((name.trim().to_string(), serde_json::Map::new()));
            continue;
        }
        let Some((_, map)) = sections.last_mut() else {
            return Err(Error::usage(
                "not a raw key, JSON or INI (INI needs a [TRUENAS_API_KEY] section header)",
            ));
        };
        let (k, v) = line
            .split_once('=')
            .or_else(|| line.split_once(':'))
            .ok_or_else(|| Error::usage(format!("line {}: expected key = value", n + 1)))?;
        map.insert(
            k.trim().to_ascii_lowercase(),
            Value::String(v.trim().to_string()),
        );
    }
    let chosen = match sections.iter().position(|(n, _)| n == "TRUENAS_API_KEY") {
        Some(i) => i,
        None if sections.len() == 1 => 0,
        None if sections.is_empty() => {
            return Err(Error::usage("not a raw key, JSON or INI key file"))
        }
        None => {
            return Err(Error::usage(
                "several INI sections and none is [TRUENAS_API_KEY]: cannot tell which to use",
            ))
        }
    };
    Ok(Value::Object(sections.swap_remove(chosen).1))
}

/// Read what a `-` call argument stands for: all of stdin, once.
pub(crate) fn read_stdin_payload() -> Result<String> {
    if std::io::stdin().is_terminal() {
        return Err(
            Error::usage("cannot read from stdin when connected to a terminal")
                .hint("pipe the input in, or give the argument directly"),
        );
    }
    let mut buf = String::new();
    std::io::stdin()
        .read_to_string(&mut buf)
        .map_err(|e| Error::usage(format!("cannot read stdin: {e}")))?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    const RAW: &str = "7-uz8DhKHFhRIUQIvjzabPYtpy5wf1DJ3ZBLlDgNVhRAFT7Y6pJGUlm0n3apwxWEU4";

    #[test]
    fn raw_json_ini() {
        let k = parse_key_material(RAW).unwrap();
        assert_eq!(k.id, 7);
        let k =
            parse_key_material(&format!("{{\"raw_key\": \"{RAW}\", \"api_key_id\": 7}}")).unwrap();
        assert_eq!(k.material().unwrap().len(), 64);
        let k = parse_key_material(&format!("[TRUENAS_API_KEY]\nraw_key = {RAW}\n")).unwrap();
        assert_eq!(k.id, 7);
        let k = parse_key_material(&format!("[other]\nraw_key={RAW}\n")).unwrap();
        assert_eq!(k.id, 7);
        assert!(parse_key_material(&format!("[a]\nraw_key={RAW}\n[b]\nx=1\n")).is_err());
        assert!(parse_key_material(&format!("raw_key={RAW}\n")).is_err());
    }

    #[test]
    fn precomputed() {
        let b = base64::engine::general_purpose::STANDARD.encode([1u8; 64]);
        let json = format!(
            "{{\"api_key_id\": 3, \"client_key\": \"{b}\", \"stored_key\": \"{b}\", \"server_key\": \"{b}\", \"iterations\": 500000}}"
        );
        let k = parse_key_material(&json).unwrap();
        assert_eq!(k.id, 3);
        assert!(k.raw.is_none() && k.precomputed.is_some());
        let e = parse_key_material("{\"api_key_id\": 3}").unwrap_err();
        assert!(e.message.contains("client_key"), "{}", e.message);
    }

    #[test]
    fn errors_do_not_quote_secrets() {
        let e = parse_key_argument("12-notalnum!!secret", true).unwrap_err();
        assert!(!e.message.contains("secret"), "{}", e.message);
    }
}
