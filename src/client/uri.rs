//! Where to connect: parsing `--uri` into an [`Endpoint`].

use crate::error::{Error, Result};
use std::net::{IpAddr, Ipv6Addr};
use std::path::{Path, PathBuf};

/// The middleware's local sockets, in the order the official client tries them.
pub const LOCAL_SOCKETS: [&str; 2] = [
    "/run/middleware/middlewared.sock",
    "/var/run/middleware/middlewared.sock",
];

/// Which of the middleware's two WebSocket protocols an endpoint speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// JSON-RPC 2.0 on `/api/...` (TrueNAS 25.04 and later).
    JsonRpc,
    /// The DDP-like protocol on `/websocket` (TrueNAS 24.10 and earlier; a shim later).
    Legacy,
}

/// A parsed server address; build one with [`parse`] or [`default_endpoint`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// The middleware's local UNIX socket (`ws+unix://`).
    Unix {
        /// The socket's file system path.
        path: PathBuf,
        /// The protocol served there (the socket serves both, by HTTP path).
        protocol: Protocol,
    },
    /// A WebSocket over TCP (`ws://`) or TLS (`wss://`).
    Tcp {
        /// `wss://`.
        tls: bool,
        /// Host name or IP address, IPv6 without brackets.
        host: String,
        /// TCP port (default 443 for `wss://`, 80 for `ws://`).
        port: u16,
        /// The HTTP path of the WebSocket upgrade (`/api/current`, `/websocket`, ...).
        path: String,
    },
    /// The built-in emulator, run in-process on a socket pair.
    Mock {
        /// The protocol to emulate.
        protocol: Protocol,
    },
}

impl Endpoint {
    /// The protocol spoken here: legacy on a `/websocket` path, JSON-RPC 2.0 otherwise.
    pub fn protocol(&self) -> Protocol {
        match self {
            Endpoint::Unix { protocol, .. } | Endpoint::Mock { protocol } => *protocol,
            Endpoint::Tcp { path, .. } => protocol_for_path(path),
        }
    }

    /// A display form without any credentials (none are ever accepted in a URI).
    pub fn display(&self) -> String {
        match self {
            Endpoint::Unix { path, .. } => format!("ws+unix://{}", path.display()),
            Endpoint::Tcp {
                tls,
                host,
                port,
                path,
            } => {
                let scheme = if *tls { "wss" } else { "ws" };
                format!("{scheme}://{}:{port}{path}", bracket_host(host))
            }
            Endpoint::Mock { .. } => "mock://".into(),
        }
    }

    /// Would the server count this connection as a "secure transport"?
    /// Only TLS, the local socket and loopback are; anything else gets API keys revoked.
    pub fn is_secure_transport(&self) -> bool {
        match self {
            Endpoint::Unix { .. } | Endpoint::Mock { .. } => true,
            Endpoint::Tcp { tls, host, .. } => *tls || is_loopback_host(host),
        }
    }

    /// The same TCP server at another HTTP path; other endpoints are returned unchanged.
    #[must_use]
    pub fn with_path(&self, new_path: &str) -> Endpoint {
        match self {
            Endpoint::Tcp {
                tls, host, port, ..
            } => Endpoint::Tcp {
                tls: *tls,
                host: host.clone(),
                port: *port,
                path: new_path.to_string(),
            },
            other => other.clone(),
        }
    }
}

pub(crate) fn protocol_for_path(path: &str) -> Protocol {
    if path.trim_end_matches('/').ends_with("/websocket") {
        Protocol::Legacy
    } else {
        Protocol::JsonRpc
    }
}

fn bracket_host(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// True only for names that certainly mean this machine. Decided from the text alone
/// (no DNS): a name that merely resolves to loopback is treated as remote, which errs on
/// the safe side for the API-key rule.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") || h.to_ascii_lowercase().ends_with(".localhost") {
        return true;
    }
    match h.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6 == Ipv6Addr::LOCALHOST || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// Parse a `--uri` value.
///
/// Accepted: `ws://HOST[:PORT][/PATH]`, `wss://...`, `http(s)://` as aliases of
/// `ws(s)://`, `ws+unix:///PATH`, `mock://`, and a bare `HOST` or `HOST:PORT` meaning
/// `wss://HOST[:PORT]/api/current`.
pub fn parse(uri: &str) -> Result<Endpoint> {
    parse_with(uri, false)
}

/// Like [`parse`], for addresses to listen on: port 0 (any free port) is allowed.
#[cfg(feature = "emulator")]
pub(crate) fn parse_listen(uri: &str) -> Result<Endpoint> {
    parse_with(uri, true)
}

fn parse_with(uri: &str, any_port: bool) -> Result<Endpoint> {
    let uri = uri.trim();
    if uri.is_empty() {
        return Err(Error::usage("--uri is empty"));
    }
    let (scheme, rest) = match uri.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("wss".to_string(), uri),
    };
    match scheme.as_str() {
        "mock" => {
            let protocol = protocol_for_path(rest);
            Ok(Endpoint::Mock { protocol })
        }
        "ws+unix" | "unix" => {
            if rest.is_empty() {
                return Err(Error::usage(format!(
                    "--uri {uri}: no socket path (example: ws+unix:///run/middleware/middlewared.sock)"
                )));
            }
            let path = Path::new(rest);
            Ok(Endpoint::Unix {
                path: path.to_path_buf(),
                protocol: protocol_for_path(rest),
            })
        }
        "ws" | "wss" | "http" | "https" => {
            let tls = scheme == "wss" || scheme == "https";
            parse_tcp(uri, rest, tls, any_port)
        }
        other => Err(
            Error::usage(format!("--uri {uri}: unsupported scheme '{other}'")).hint(
                "use wss://HOST/api/current, ws://HOST/api/current, ws+unix:///PATH or mock://",
            ),
        ),
    }
}

fn parse_tcp(uri: &str, rest: &str, tls: bool, any_port: bool) -> Result<Endpoint> {
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(Error::usage(format!(
            "--uri: credentials inside the URI are not accepted ({})",
            redact_userinfo(uri)
        ))
        .hint("pass the user with -U and the secret with --password-file, -P - or a prompt"));
    }
    let (host, port) = split_host_port(authority)
        .ok_or_else(|| Error::usage(format!("--uri {uri}: cannot read host and port")))?;
    if host.is_empty() {
        return Err(Error::usage(format!("--uri {uri}: no host name")));
    }
    let port = match port {
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0 || any_port)
            .ok_or_else(|| Error::usage(format!("--uri {uri}: invalid port '{p}'")))?,
        None if tls => 443,
        None => 80,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = if path.is_empty() || path == "/" {
        "/api/current".to_string()
    } else {
        path.to_string()
    };
    Ok(Endpoint::Tcp {
        tls,
        host: host.to_string(),
        port,
        path,
    })
}

fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']')?;
        let host = &rest[..end];
        let after = &rest[end + 1..];
        return match after.strip_prefix(':') {
            Some(p) => Some((host, Some(p))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    // A bare IPv6 literal has several colons and no port.
    if authority.matches(':').count() > 1 {
        return Some((authority, None));
    }
    match authority.split_once(':') {
        Some((h, p)) => Some((h, Some(p))),
        None => Some((authority, None)),
    }
}

fn redact_userinfo(uri: &str) -> String {
    match (uri.find("://"), uri.find('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &uri[..s], &uri[at + 1..]),
        _ => "***".into(),
    }
}

/// The endpoint used when no `--uri` is given: the first local middleware socket that
/// exists (like the official client), else the first one so the error names it.
pub fn default_endpoint() -> Endpoint {
    let path = LOCAL_SOCKETS
        .iter()
        .map(Path::new)
        .find(|p| p.exists())
        .unwrap_or(Path::new(LOCAL_SOCKETS[0]));
    Endpoint::Unix {
        path: path.to_path_buf(),
        protocol: Protocol::JsonRpc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(tls: bool, host: &str, port: u16, path: &str) -> Endpoint {
        Endpoint::Tcp {
            tls,
            host: host.into(),
            port,
            path: path.into(),
        }
    }

    #[test]
    fn forms() {
        assert_eq!(
            parse("ws://nas/api/current").unwrap(),
            tcp(false, "nas", 80, "/api/current")
        );
        assert_eq!(
            parse("wss://nas:8443/api/v25.10.0").unwrap(),
            tcp(true, "nas", 8443, "/api/v25.10.0")
        );
        assert_eq!(parse("nas").unwrap(), tcp(true, "nas", 443, "/api/current"));
        assert_eq!(
            parse("nas.local:444").unwrap(),
            tcp(true, "nas.local", 444, "/api/current")
        );
        assert_eq!(
            parse("ws://[::1]:6000/websocket").unwrap(),
            tcp(false, "::1", 6000, "/websocket")
        );
        assert_eq!(
            parse("https://nas").unwrap(),
            tcp(true, "nas", 443, "/api/current")
        );
        assert_eq!(
            parse("ws+unix:///run/middleware/middlewared.sock").unwrap(),
            Endpoint::Unix {
                path: "/run/middleware/middlewared.sock".into(),
                protocol: Protocol::JsonRpc
            }
        );
        assert_eq!(
            parse("mock://").unwrap(),
            Endpoint::Mock {
                protocol: Protocol::JsonRpc
            }
        );
    }

    #[test]
    fn protocol_choice() {
        assert_eq!(
            parse("ws://h/websocket").unwrap().protocol(),
            Protocol::Legacy
        );
        assert_eq!(
            parse("ws://h/api/current").unwrap().protocol(),
            Protocol::JsonRpc
        );
    }

    #[test]
    fn rejects() {
        assert!(parse("").is_err());
        assert!(parse("ftp://x").is_err());
        assert!(parse("ws://h:0/").is_err());
        assert!(parse("ws://h:99999/").is_err());
        let e = parse("wss://root:secret@nas/api/current").unwrap_err();
        assert!(!e.message.contains("secret"), "{}", e.message);
    }

    #[test]
    fn loopback() {
        for h in [
            "localhost",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "nas",
            "10.0.0.1",
            "192.0.2.1",
            "localhost.example.com",
            "::2",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
        assert!(!parse("ws://nas/api/current").unwrap().is_secure_transport());
        assert!(parse("ws://127.0.0.1/api/current")
            .unwrap()
            .is_secure_transport());
        assert!(parse("wss://nas/api/current")
            .unwrap()
            .is_secure_transport());
    }
}
