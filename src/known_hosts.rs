//! The servers whose certificates the user trusted with `midclt trust`, like ssh's
//! `known_hosts`: one `HOST:PORT sha256:HEX` line each. A later connection to such a server
//! accepts exactly that certificate, and a different one is a loud error.

use crate::client::transport::Pin;
use crate::error::{Error, Result};
use std::fmt::Write as _;
use std::path::PathBuf;

/// `$MIDCLT_KNOWN_HOSTS`, else `$XDG_DATA_HOME/midclt/known_hosts`, else
/// `~/.local/share/midclt/known_hosts`; `None` without any of them.
pub(crate) fn path() -> Option<PathBuf> {
    crate::private::user_file(
        "MIDCLT_KNOWN_HOSTS",
        "XDG_DATA_HOME",
        ".local/share",
        "known_hosts",
    )
}

/// Every entry, in file order: (`HOST:PORT`, fingerprint).
pub(crate) fn entries() -> Result<Vec<(String, [u8; 32])>> {
    let Some(path) = path() else {
        return Ok(Vec::new());
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(format!("cannot read {}: {e}", path.display()))),
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = line
            .split_once(char::is_whitespace)
            .and_then(|(host, pin)| Some((host.to_string(), Pin::parse(pin)?)));
        match parsed {
            Some(entry) => out.push(entry),
            None => {
                return Err(Error::usage(format!(
                    "{} line {}: expected `HOST:PORT sha256:HEX`",
                    path.display(),
                    n + 1
                )))
            }
        }
    }
    Ok(out)
}

/// How a server is named in the file: `HOST:PORT`, IPv6 addresses in brackets.
pub(crate) fn key(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// The trusted fingerprint of `host_port`, if there is one.
pub(crate) fn lookup(host_port: &str) -> Result<Option<[u8; 32]>> {
    Ok(entries()?
        .into_iter()
        .find(|(h, _)| h.eq_ignore_ascii_case(host_port))
        .map(|(_, pin)| pin))
}

/// Record (or replace) the fingerprint of `host_port`.
pub(crate) fn add(host_port: &str, sha256: &[u8; 32]) -> Result<PathBuf> {
    let mut all = entries()?;
    all.retain(|(h, _)| !h.eq_ignore_ascii_case(host_port));
    all.push((host_port.to_string(), *sha256));
    save(&all)
}

/// Forget `host_port`; whether it was there.
pub(crate) fn remove(host_port: &str) -> Result<bool> {
    let mut all = entries()?;
    let before = all.len();
    all.retain(|(h, _)| !h.eq_ignore_ascii_case(host_port));
    if all.len() == before {
        return Ok(false);
    }
    save(&all)?;
    Ok(true)
}

/// Write the file anew beside its place and rename it in, so it is never half written.
fn save(all: &[(String, [u8; 32])]) -> Result<PathBuf> {
    let path = path().ok_or_else(|| {
        Error::usage(
            "no place for the known-hosts file: set HOME, XDG_DATA_HOME or MIDCLT_KNOWN_HOSTS",
        )
    })?;
    let io = |e: std::io::Error| Error::io(format!("cannot write {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        crate::private::create_dir(dir).map_err(io)?;
    }
    let text = all.iter().fold(String::new(), |mut text, (host, pin)| {
        let _ = writeln!(text, "{host} {}", Pin::show(pin));
        text
    });
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    crate::private::create_file(&tmp, &text).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
    Ok(path)
}
