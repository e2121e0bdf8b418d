//! Reaching a session agent (`midclt session start`; the process itself is the top-level
//! `agent` module): where its socket lives, who may use it, and connecting through it.
//!
//! Everything here fails towards connecting directly: an agent that is gone, hung, owned
//! by someone else or behind an unsafe directory is skipped (said under `-v`), never a
//! reason for a command to fail or hang. A socket left behind by an agent that died is
//! removed on the way.

use crate::client::rpc::{self, Client, ConnectOptions};
use crate::client::transport::{Stream, TlsOptions};
use crate::client::uri::{Endpoint, Protocol};
use crate::error::{Error, Kind, Result};
use crate::private::Unfit;
use crate::session::ConnectConfig;
use sha2::{Digest as _, Sha256};
use std::fmt::Write as _;
use std::io;
use std::os::unix::fs::FileTypeExt as _;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `MIDCLT_NO_SESSION=1` bypasses every agent, as `--no-session` does.
pub(crate) const ENV_NO_SESSION: &str = "MIDCLT_NO_SESSION";

/// Methods the agent answers itself; no TrueNAS service is called `midclt`, so they cannot
/// shadow a server method.
pub(crate) const STATUS_METHOD: &str = "midclt.session.status";
/// See [`STATUS_METHOD`]; answers with the status, then the agent exits.
pub(crate) const STOP_METHOD: &str = "midclt.session.stop";

/// How long reaching an agent may take before the command connects by itself: a busy agent
/// (reconnecting to its server, say) must not hold a command up for long.
const REACH_LIMIT: Duration = Duration::from_secs(3);

pub(crate) use crate::private::euid;

/// Who may use an agent: its own user, and root (who could read its memory anyway).
pub(crate) fn peer_allowed(peer: u32, own: u32) -> bool {
    peer == own || peer == 0
}

/// The user id of the process at the other end of a UNIX socket (`SO_PEERCRED`, as the
/// kernel recorded it at connect time, so the peer cannot lie about it).
pub(crate) fn peer_uid(stream: &UnixStream) -> io::Result<u32> {
    Ok(rustix::net::sockopt::socket_peercred(stream)?.uid.as_raw())
}

/// Where this user's agents listen: `$XDG_RUNTIME_DIR/midclt` (a per-user, memory-backed
/// directory that the login session removes), else `midclt-UID` in the temporary directory.
pub(crate) fn runtime_dir() -> PathBuf {
    match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d).join("midclt"),
        None => std::env::temp_dir().join(format!("midclt-{}", euid())),
    }
}

/// Create `dir` (0700) if need be, then [`check_dir`] it.
pub(crate) fn ensure_dir(dir: &Path) -> Result<()> {
    crate::private::create_dir(dir).map_err(|e| {
        Error::io(format!(
            "cannot create the session directory {}: {e}",
            dir.display()
        ))
    })?;
    check_dir(dir)
}

/// A directory fit for agent sockets, looked at without following a link: a directory of
/// this user's own that nobody else may enter. (A socket's own mode is not enough: whoever
/// can reach it could connect.)
pub(crate) fn check_dir(dir: &Path) -> Result<()> {
    crate::private::check_dir(dir, 0o077).map_err(|unfit| {
        let shown = dir.display();
        match unfit {
            Unfit::Unreadable(e) => Error::io(format!("cannot use {shown}: {e}")),
            Unfit::Open(_) => {
                Error::usage(format!("refusing the session directory {shown}: {unfit}"))
                    .hint(format!("run `chmod 700 {shown}`"))
            }
            _ => Error::usage(format!("refusing the session directory {shown}: {unfit}"))
                .hint("another user may be trying to intercept the session; check who made it"),
        }
    })
}

/// What an agent serves: a server as configured and a user, and the socket that says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Identity {
    /// The server as configured (before any fallback to `/websocket`).
    pub endpoint: Endpoint,
    /// The user name the credentials log in as (`-U`), empty when none is named.
    pub user: String,
    /// The agent's socket.
    pub socket: PathBuf,
}

/// The agent `cfg` would go through. The socket's name is a digest of the server, the user
/// and this user id, the way the catalogue cache keys a server and user.
pub(crate) fn identity(cfg: &ConnectConfig) -> Result<Identity> {
    let endpoint = cfg.endpoint()?;
    let user = cfg.login.username.clone().unwrap_or_default();
    let key = format!("{}\u{0}{user}\u{0}{}", endpoint.display(), euid());
    let digest = Sha256::digest(key.as_bytes());
    let name = digest
        .iter()
        .take(12)
        .fold(String::with_capacity(29), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        });
    Ok(Identity {
        endpoint,
        user,
        socket: runtime_dir().join(format!("{name}.sock")),
    })
}

/// Whether `cfg` may use an agent at all.
fn wanted(cfg: &ConnectConfig) -> bool {
    cfg.session && std::env::var_os(ENV_NO_SESSION).is_none_or(|v| v.is_empty() || v == "0")
}

/// A connection through the agent serving `cfg`'s server and user, already logged in;
/// `Ok(None)` when there is none, and the caller connects itself. `Err`: an agent is
/// there but does not answer in time (it may be reconnecting to the server); the caller may
/// still connect itself, and report this when it cannot.
pub(crate) fn connect(cfg: &ConnectConfig) -> Result<Option<Client>> {
    if !wanted(cfg) {
        return Ok(None);
    }
    let Ok(id) = identity(cfg) else {
        return Ok(None);
    };
    // The common case, no agent, costs one stat.
    if std::fs::symlink_metadata(&id.socket).is_err() {
        return Ok(None);
    }
    match open_at(&id.socket, cfg.call_timeout(), cfg.verbose) {
        Ok(Some(mut client)) => {
            // Commands key caches and messages by the server, not by the agent's socket.
            client.relayed_for(id.endpoint);
            Ok(Some(client))
        }
        Ok(None) => Ok(None),
        Err(e) => {
            if cfg.verbose {
                eprintln!(
                    "* not using the session agent {}: {}",
                    id.socket.display(),
                    e.message
                );
            }
            // Only an agent that is there and busy stands in for credentials; one refused
            // (an unsafe directory) is simply not used.
            if e.kind != Kind::Timeout {
                return Ok(None);
            }
            Err(Error::connection(format!(
                "the session agent for this server does not answer ({})",
                e.message
            ))
            .hint("it may be reconnecting to the server: try again shortly, or stop it with `midclt session stop` and pass credentials"))
        }
    }
}

/// Connect to the agent listening on `socket`; `Ok(None)` when none does (a socket left by
/// a dead agent is removed). Errors say why an agent that is there cannot be used.
pub(crate) fn open_at(
    socket: &Path,
    call_timeout: Duration,
    verbose: bool,
) -> Result<Option<Client>> {
    let Some(stream) = reach(socket)? else {
        return Ok(None);
    };
    if verbose {
        eprintln!("* via session agent {}", socket.display());
    }
    let mut opts = ConnectOptions {
        endpoint: Endpoint::Unix {
            path: socket.to_path_buf(),
            protocol: Protocol::JsonRpc,
        },
        tls: TlsOptions::default(),
        connect_timeout: REACH_LIMIT,
        call_timeout,
        verbose,
    };
    match rpc::try_connect_over(Stream::Unix(stream), &opts) {
        Ok(client) => Ok(Some(client)),
        // The agent's server speaks only the legacy protocol (TrueNAS before 25.04).
        Err((Some(404), _)) => {
            let Some(stream) = reach(socket)? else {
                return Ok(None);
            };
            opts.endpoint = Endpoint::Unix {
                path: socket.to_path_buf(),
                protocol: Protocol::Legacy,
            };
            rpc::connect_over(Stream::Unix(stream), &opts)
                .map(Some)
                .map_err(not_answering)
        }
        Err((_, e)) => Err(not_answering(e)),
    }
}

/// An agent accepted the connection but did not take it up in time (it is busy
/// reconnecting to its server): a timeout, which callers tell from a refused agent.
fn not_answering(e: Error) -> Error {
    Error {
        kind: Kind::Timeout,
        ..e
    }
}

/// A connected stream to the agent at `socket`, after checking its directory and that the
/// agent runs as this user; `None` when no agent listens there.
fn reach(socket: &Path) -> Result<Option<UnixStream>> {
    if let Some(dir) = socket.parent() {
        check_dir(dir)?;
    }
    let stream = match UnixStream::connect(socket) {
        Ok(s) => s,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            remove_stale(socket);
            return Ok(None);
        }
        Err(e) => {
            return Err(Error::connection(format!(
                "cannot connect to {}: {e}",
                socket.display()
            )))
        }
    };
    let peer = peer_uid(&stream).map_err(|e| {
        Error::connection(format!("cannot tell who serves {}: {e}", socket.display()))
    })?;
    if peer != euid() {
        return Err(Error::connection(format!(
            "{} is served by user id {peer}, not by this user",
            socket.display()
        )));
    }
    Ok(Some(stream))
}

/// The process id of the agent listening on `socket` (as the kernel recorded it), for
/// stopping one that does not answer; `None` when none listens there.
pub(crate) fn agent_pid(socket: &Path) -> Result<Option<u32>> {
    let Some(stream) = reach(socket)? else {
        return Ok(None);
    };
    let cred = rustix::net::sockopt::socket_peercred(&stream).map_err(|e| {
        Error::connection(format!("cannot tell who serves {}: {e}", socket.display()))
    })?;
    Ok(Some(cred.pid.as_raw_nonzero().get().unsigned_abs()))
}

/// Stop the agent process `pid` (SIGTERM), wait a little for it to go, and remove its
/// socket. Returns whether it is gone.
pub(crate) fn terminate(pid: u32, socket: &Path) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    if rustix::process::kill_process(pid, rustix::process::Signal::TERM).is_err() {
        return false;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    while std::time::Instant::now() < deadline {
        // Signal 0 tests whether the process is still there.
        if rustix::process::test_kill_process(pid).is_err() {
            remove_stale(socket);
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Remove the socket of an agent that is gone (nothing accepts on it), if it is a socket.
fn remove_stale(socket: &Path) {
    let is_socket = std::fs::symlink_metadata(socket).is_ok_and(|m| m.file_type().is_socket());
    if is_socket {
        let _ = std::fs::remove_file(socket);
    }
}

/// The sockets in this user's session directory (agents alive or not), sorted.
pub(crate) fn sockets() -> Vec<PathBuf> {
    let dir = runtime_dir();
    if check_dir(&dir).is_err() {
        return Vec::new();
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "sock"))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_user_or_root_may_use_an_agent() {
        assert!(peer_allowed(1000, 1000));
        assert!(peer_allowed(0, 1000));
        assert!(!peer_allowed(1001, 1000));
        assert!(!peer_allowed(65534, 0));
        assert!(peer_allowed(0, 0));
    }

    #[test]
    fn a_socket_pair_reports_this_user() {
        let (a, _b) = UnixStream::pair().unwrap();
        assert_eq!(peer_uid(&a).unwrap(), euid());
    }

    #[test]
    fn servers_and_users_get_their_own_sockets() {
        let cfg = |uri: &str, user: Option<&str>| ConnectConfig {
            uri: Some(uri.into()),
            login: crate::auth::credentials::LoginSpec {
                username: user.map(str::to_string),
                ..Default::default()
            },
            ..ConnectConfig::default()
        };
        let a = identity(&cfg("wss://nas", Some("admin"))).unwrap();
        let b = identity(&cfg("wss://nas:443/api/current", Some("admin"))).unwrap();
        let c = identity(&cfg("wss://nas", Some("root"))).unwrap();
        let d = identity(&cfg("wss://other", Some("admin"))).unwrap();
        assert_eq!(a.socket, b.socket, "the same server spelt two ways");
        assert_ne!(a.socket, c.socket);
        assert_ne!(a.socket, d.socket);
        assert_eq!(a.user, "admin");
        assert!(a.socket.to_string_lossy().ends_with(".sock"));
    }

    #[test]
    fn unsafe_directories_are_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("midclt");
        ensure_dir(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let e = check_dir(&dir).unwrap_err();
        assert!(e.message.contains("mode 755"), "{}", e.message);
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        assert!(check_dir(&link).is_err());
    }

    #[test]
    fn a_dead_agents_socket_is_removed_and_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("midclt");
        ensure_dir(&dir).unwrap();
        let socket = dir.join("x.sock");
        drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
        assert!(socket.exists());
        assert!(open_at(&socket, Duration::from_secs(1), false)
            .unwrap()
            .is_none());
        assert!(!socket.exists());
    }
}
