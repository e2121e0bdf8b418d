//! Named connection profiles in `config.toml`: describe each NAS once.
//!
//! ```toml
//! [default]
//! uri = "wss://nas.example.com"
//! username = "admin"
//! password_file = "~/.config/midclt/nas.pass"
//!
//! [backup]
//! uri = "backup-nas:8443"
//! username = "ci"
//! api_key_file = "/etc/midclt/ci.key"
//! timeout = 120
//! ```
//!
//! Precedence: command-line options, then the environment, then the profile, then the
//! built-in defaults.
//!
//! `[groups]` names groups of profiles (`lab = ["nas1", "nas2"]`), which `-p lab` runs a
//! command on all at once (a fleet, as `-p nas1,nas2` does).

use crate::error::{Error, Result};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use toml_edit::{Array, DocumentMut, Item, Value};

/// The keys a profile may hold, with what each takes.
pub(crate) const KEYS: &[(&str, &str)] = &[
    ("uri", "the server, as for --uri"),
    ("username", "the user to log in as"),
    ("password_file", "a file whose first line is the password"),
    ("password", "the password itself (better: password_file)"),
    ("api_key_file", "an API key file (raw, JSON or INI)"),
    ("api_key", "the API key itself (better: api_key_file)"),
    ("ca_cert", "a PEM certificate to trust"),
    ("pin", "the server certificate's sha256:HEX fingerprint"),
    ("timeout", "seconds per call (an integer)"),
    ("output", "table, csv, json, jsonl, yaml or raw"),
    ("channel_binding", "true or false: SCRAM channel binding"),
    ("plain", "true or false: send the API key itself"),
    ("protocol", "jsonrpc or legacy"),
];

pub(crate) const SECRETS: [&str; 2] = ["password", "api_key"];

/// One profile's settings.
#[derive(Clone, Default)]
pub(crate) struct Profile {
    pub uri: Option<String>,
    pub username: Option<String>,
    pub password_file: Option<PathBuf>,
    pub password: Option<String>,
    pub api_key_file: Option<PathBuf>,
    pub api_key: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub pin: Option<String>,
    pub timeout: Option<u64>,
    pub output: Option<String>,
    pub channel_binding: Option<bool>,
    pub plain: Option<bool>,
    pub legacy: Option<bool>,
}

/// `$MIDCLT_CONFIG`, else `$XDG_CONFIG_HOME/midclt/config.toml`, else
/// `~/.config/midclt/config.toml`.
pub(crate) fn path() -> Option<PathBuf> {
    crate::private::user_file("MIDCLT_CONFIG", "XDG_CONFIG_HOME", ".config", "config.toml")
}

/// The file's text and parsed document; `None` when there is no file.
fn read() -> Result<Option<(PathBuf, String, DocumentMut)>> {
    let Some(path) = path() else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::usage(format!("cannot read {}: {e}", path.display()))),
    };
    let doc = text.parse::<DocumentMut>().map_err(|e| {
        Error::usage(format!(
            "{} is not valid TOML: {}",
            path.display(),
            e.to_string().trim_end()
        ))
    })?;
    Ok(Some((path, text, doc)))
}

/// The profile to use: `name` (from `-p` or `MIDCLT_PROFILE`), which must exist, or else
/// `default` when the file has one.
pub(crate) fn profile(name: Option<&str>) -> Result<Option<Profile>> {
    let Some((path, text, doc)) = read()? else {
        return match name {
            Some(n) => Err(
                Error::usage(format!("no profile {n:?}: there is no config file"))
                    .hint("create one with `midclt config set NAME uri wss://HOST`"),
            ),
            None => Ok(None),
        };
    };
    let wanted = name.unwrap_or("default");
    if wanted == GROUPS {
        return Err(Error::usage(format!(
            "[{GROUPS}] in {} holds the groups of profiles; it is not a profile",
            path.display()
        )));
    }
    let Some(item) = doc.get(wanted) else {
        return match name {
            Some(n) => Err(
                Error::usage(format!("no profile {n:?} in {}", path.display()))
                    .hint("`midclt config list` shows the profiles"),
            ),
            None => Ok(None),
        };
    };
    let table = item.as_table_like().ok_or_else(|| {
        Error::usage(format!(
            "{} line {}: {wanted} must be a [{wanted}] table of settings",
            path.display(),
            line_of(&text, wanted, None)
        ))
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut p = Profile::default();
    let mut secrets = false;
    for (key, value) in table.iter() {
        let raw = match value.as_value() {
            Some(Value::String(t)) => Raw::Text(t.value()),
            Some(Value::Integer(n)) => Raw::Int(*n.value()),
            Some(Value::Boolean(b)) => Raw::Bool(*b.value()),
            _ => Raw::Other,
        };
        apply(&mut p, key, raw, base).map_err(|what| {
            Error::usage(format!(
                "{} line {}: [{wanted}] {key}: {what}",
                path.display(),
                line_of(&text, wanted, Some(key))
            ))
        })?;
        secrets |= SECRETS.contains(&key);
    }
    if secrets {
        warn_about_inline_secrets(&path, wanted);
    }
    Ok(Some(p))
}

/// A setting's value as a file gives it: TOML's and YAML's typed values, or the bare text
/// of an INI inventory, which reads as whatever the setting needs.
#[derive(Clone, Copy)]
pub(crate) enum Raw<'a> {
    Text(&'a str),
    Untyped(&'a str),
    Int(i64),
    Bool(bool),
    Other,
}

/// Set `key` of `p` from `value`; file paths are relative to `base`. The error says what
/// is wrong with the value; the caller says where it was.
pub(crate) fn apply(
    p: &mut Profile,
    key: &str,
    value: Raw<'_>,
    base: &Path,
) -> std::result::Result<(), String> {
    let text = || match value {
        Raw::Text(t) | Raw::Untyped(t) => Ok(t.to_string()),
        _ => Err("expected a string".to_string()),
    };
    let file = || text().map(|t| expand(&t, base));
    let flag = || match value {
        Raw::Bool(b) => Ok(b),
        Raw::Untyped(t) => flag_text(t).ok_or_else(|| "expected true or false".to_string()),
        _ => Err("expected true or false".to_string()),
    };
    match key {
        "uri" => p.uri = Some(text()?),
        "username" => p.username = Some(text()?),
        "password_file" => p.password_file = Some(file()?),
        "api_key_file" => p.api_key_file = Some(file()?),
        "ca_cert" => p.ca_cert = Some(file()?),
        "password" => p.password = Some(text()?),
        "api_key" => p.api_key = Some(text()?),
        "pin" => p.pin = Some(text()?),
        "timeout" => {
            let n = match value {
                Raw::Int(n) => u64::try_from(n).ok(),
                Raw::Untyped(t) => t.trim().parse::<u64>().ok(),
                _ => None,
            };
            p.timeout = Some(n.ok_or("expected a whole number of seconds")?);
        }
        "output" => p.output = Some(text()?),
        "channel_binding" => p.channel_binding = Some(flag()?),
        "plain" => p.plain = Some(flag()?),
        "protocol" => {
            p.legacy = Some(match text()?.as_str() {
                "legacy" => true,
                "jsonrpc" => false,
                _ => return Err("expected \"jsonrpc\" or \"legacy\"".to_string()),
            });
        }
        _ => return Err(format!("unknown setting; the settings are {}", names())),
    }
    Ok(())
}

/// A yes/no setting written as text (`config set`, INI inventories).
fn flag_text(t: &str) -> Option<bool> {
    match t.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    }
}

fn names() -> String {
    KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
}

/// A secret written in the file is only as safe as the file.
fn warn_about_inline_secrets(path: &Path, profile: &str) {
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    let mine = meta.uid() == rustix::process::geteuid().as_raw();
    let mode = meta.mode() & 0o777;
    if !mine || mode & 0o077 != 0 {
        eprintln!(
            "midclt: warning: {} holds a secret in [{profile}] but is {}; `chmod 600` it, or store the secret in a file (password_file, api_key_file)",
            path.display(),
            if mine {
                format!("readable by others (mode {mode:o})")
            } else {
                "not owned by you".to_string()
            }
        );
    }
}

/// `~/` is the home directory; a relative path is relative to the config file.
fn expand(text: &str, base: &Path) -> PathBuf {
    if let (Some(rest), Some(home)) = (text.strip_prefix("~/"), std::env::var_os("HOME")) {
        return PathBuf::from(home).join(rest);
    }
    let p = PathBuf::from(text);
    if p.is_relative() {
        base.join(p)
    } else {
        p
    }
}

/// The line (1-based) of `[table]`'s `key`, or of the table header.
fn line_of(text: &str, table: &str, key: Option<&str>) -> usize {
    let header = format!("[{table}]");
    let mut in_table = false;
    let mut header_line = 1;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            in_table = t == header;
            if in_table {
                header_line = n + 1;
                if key.is_none() {
                    return n + 1;
                }
            }
            continue;
        }
        if let (true, Some(k)) = (in_table, key) {
            let name = t.split('=').next().unwrap_or("").trim().trim_matches('"');
            if name == k {
                return n + 1;
            }
        }
    }
    header_line
}

/// The profile names, in file order.
pub(crate) fn list() -> Result<Vec<String>> {
    Ok(read()?
        .map(|(_, _, doc)| {
            doc.iter()
                .filter(|(name, item)| item.is_table_like() && *name != GROUPS)
                .map(|(k, _)| k.to_string())
                .collect()
        })
        .unwrap_or_default())
}

/// `KEY = VALUE` lines of a profile, secrets hidden.
pub(crate) fn show(name: &str) -> Result<Vec<String>> {
    with_profile(name, |table| {
        table
            .iter()
            .map(|(k, v)| {
                if SECRETS.contains(&k) {
                    format!("{k} = <hidden>")
                } else {
                    format!("{k} = {}", v.to_string().trim())
                }
            })
            .collect()
    })
}

/// `f` of the settings of profile `name`.
fn with_profile<T>(name: &str, f: impl FnOnce(&dyn toml_edit::TableLike) -> T) -> Result<T> {
    let Some((path, _, doc)) = read()? else {
        return Err(Error::usage("there is no config file"));
    };
    let table = doc
        .get(name)
        .and_then(Item::as_table_like)
        .ok_or_else(|| Error::usage(format!("no profile {name:?} in {}", path.display())))?;
    Ok(f(table))
}

/// A profile's settings as JSON values (TOML strings, numbers and booleans as such,
/// anything else as its TOML text), secrets hidden.
pub(crate) fn show_values(name: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    use serde_json::Value as Json;
    with_profile(name, |table| {
        table
            .iter()
            .map(|(k, item)| {
                let value = match item.as_value() {
                    _ if SECRETS.contains(&k) => Json::from("<hidden>"),
                    Some(Value::String(s)) => Json::from(s.value().as_str()),
                    Some(Value::Integer(n)) => Json::from(*n.value()),
                    Some(Value::Boolean(b)) => Json::from(*b.value()),
                    _ => Json::from(item.to_string().trim()),
                };
                (k.to_string(), value)
            })
            .collect()
    })
}

/// Set (`Some`) or remove (`None`) one setting, keeping the rest of the file as it was.
/// Secrets are never written: their files are.
pub(crate) fn set(name: &str, key: &str, value: Option<&str>) -> Result<PathBuf> {
    if name == GROUPS {
        return set_group(key, value);
    }
    if name.contains(',') {
        return Err(Error::usage(format!(
            "{name:?}: a profile name cannot hold a comma (-p a,b names two profiles)"
        )));
    }
    if value.is_some() && SECRETS.contains(&key) {
        return Err(Error::usage(format!(
            "midclt config does not write a {key} into the file; store it in a file of its own (mode 0600) and set {key}_file to its path"
        )));
    }
    if !KEYS.iter().any(|(k, _)| *k == key) {
        return Err(Error::usage(format!(
            "unknown setting {key:?}; the settings are {}",
            names()
        )));
    }
    let path = writable_path()?;
    let mut doc = read()?.map(|(_, _, d)| d).unwrap_or_default();
    match value {
        Some(v) => {
            let parsed = typed(key, v)?;
            if !doc.contains_key(name) {
                doc[name] = toml_edit::table();
            }
            doc[name][key] = toml_edit::value(parsed);
        }
        None => {
            if let Some(t) = doc.get_mut(name).and_then(Item::as_table_like_mut) {
                t.remove(key);
            }
        }
    }
    write(&path, &doc.to_string())?;
    Ok(path)
}

fn writable_path() -> Result<PathBuf> {
    path().ok_or_else(|| {
        Error::usage("no place for the config file: set HOME, XDG_CONFIG_HOME or MIDCLT_CONFIG")
    })
}

/// The table of profile groups: `[groups]` with `lab = ["nas1", "nas2"]`.
const GROUPS: &str = "groups";

/// `config set groups NAME a,b,c` writes a group; `config unset groups NAME` removes it.
fn set_group(name: &str, members: Option<&str>) -> Result<PathBuf> {
    let path = writable_path()?;
    let mut doc = read()?.map(|(_, _, d)| d).unwrap_or_default();
    if !doc.contains_key(GROUPS) {
        doc[GROUPS] = toml_edit::table();
    }
    let groups = doc[GROUPS].as_table_like_mut().ok_or_else(|| {
        Error::usage(format!(
            "{}: {GROUPS} must be a [{GROUPS}] table",
            path.display()
        ))
    })?;
    match members {
        Some(list) => {
            let names: Vec<&str> = list.split(',').map(str::trim).collect();
            if names.iter().any(|n| n.is_empty()) {
                return Err(Error::usage(format!(
                    "{list:?}: expected profile names separated by commas"
                )));
            }
            groups.insert(name, toml_edit::value(Array::from_iter(names)));
        }
        None => {
            groups.remove(name);
        }
    }
    write(&path, &doc.to_string())?;
    Ok(path)
}

/// What `-p SPEC` names when it is more than one profile: `SPEC` is a comma-separated list
/// of profiles and groups, or the name of a group in `[groups]`. `None` when it names one
/// profile (the usual case). Groups may name groups; each profile comes once, where it is
/// first named.
pub(crate) fn fleet(spec: &str) -> Result<Option<Vec<String>>> {
    let listed = spec.contains(',');
    let file = read()?;
    let groups = match &file {
        Some((path, text, doc)) => groups(path, text, doc)?,
        None => Vec::new(),
    };
    if !listed && !groups.iter().any(|(g, _)| g == spec) {
        return Ok(None);
    }
    let mut out = Vec::new();
    for name in spec.split(',').map(str::trim) {
        add_member(name, file.as_ref(), &groups, &mut Vec::new(), &mut out)?;
    }
    Ok(Some(out))
}

type Groups = Vec<(String, Vec<String>)>;

fn add_member(
    name: &str,
    file: Option<&(PathBuf, String, DocumentMut)>,
    groups: &Groups,
    within: &mut Vec<String>,
    out: &mut Vec<String>,
) -> Result<()> {
    let Some((path, _, doc)) = file else {
        return Err(
            Error::usage(format!("no profile {name:?}: there is no config file"))
                .hint("create one with `midclt config set NAME uri wss://HOST`"),
        );
    };
    let profile = doc
        .get(name)
        .is_some_and(|item| item.is_table_like() && name != GROUPS);
    let group = groups.iter().find(|(g, _)| g == name);
    match (profile, group) {
        _ if name.is_empty() => Err(Error::usage(
            "an empty name in a list of profiles (-p a,b,c)",
        )),
        (true, Some(_)) => Err(Error::usage(format!(
            "{name:?} is both a profile and a group in {}; rename one",
            path.display()
        ))),
        (false, Some((_, members))) => {
            if within.iter().any(|g| g == name) {
                return Err(Error::usage(format!(
                    "group {name:?} in {} contains itself (through {})",
                    path.display(),
                    within.join(" → ")
                )));
            }
            within.push(name.to_string());
            for m in members {
                add_member(m, file, groups, within, out)?;
            }
            within.pop();
            Ok(())
        }
        (true, None) => {
            if !out.iter().any(|p| p == name) {
                out.push(name.to_string());
            }
            Ok(())
        }
        (false, None) => Err(Error::usage(format!(
            "no profile or group {name:?} in {}",
            path.display()
        ))
        .hint("`midclt config list` shows the profiles, `midclt config show groups` the groups")),
    }
}

/// The groups of `[groups]`, each a list of names.
fn groups(path: &Path, text: &str, doc: &DocumentMut) -> Result<Groups> {
    let Some(item) = doc.get(GROUPS) else {
        return Ok(Vec::new());
    };
    let bad = |key: Option<&str>, what: &str| {
        Error::usage(format!(
            "{} line {}: [{GROUPS}]{}: {what}",
            path.display(),
            line_of(text, GROUPS, key),
            key.map(|k| format!(" {k}")).unwrap_or_default()
        ))
    };
    let table = item
        .as_table_like()
        .ok_or_else(|| bad(None, "expected a table of groups"))?;
    table
        .iter()
        .map(|(name, value)| {
            let members = value
                .as_array()
                .and_then(|a| {
                    a.iter()
                        .map(|m| m.as_str().map(str::to_string))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| bad(Some(name), "expected a list of profile names"))?;
            Ok((name.to_string(), members))
        })
        .collect()
}

fn typed(key: &str, v: &str) -> Result<Value> {
    let bad = |what: &str| Error::usage(format!("{key}: expected {what}"));
    Ok(match key {
        "timeout" => Value::from(
            v.parse::<i64>()
                .map_err(|_| bad("a whole number of seconds"))?,
        ),
        "channel_binding" | "plain" => {
            Value::from(flag_text(v).ok_or_else(|| bad("true or false"))?)
        }
        "protocol" if !matches!(v, "jsonrpc" | "legacy") => return Err(bad("jsonrpc or legacy")),
        _ => Value::from(v),
    })
}

/// Replace the file (mode 0600) without a moment where it is half written.
fn write(path: &Path, text: &str) -> Result<()> {
    let io = |e: std::io::Error| Error::io(format!("cannot write {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        crate::private::create_dir(dir).map_err(io)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    crate::private::create_file(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}
