//! A faithful in-memory TrueNAS middleware, speaking the real wire protocols.
//!
//! It serves JSON-RPC 2.0 on `/api/current` and `/api/vX.Y.Z`, and the legacy protocol on
//! `/websocket`, over TCP (ws), TLS (wss, self-signed certificate made at start-up) and
//! UNIX sockets, with the server's validation, error shapes, authentication rules, jobs
//! and events. Used by `midclt mock-server`, by `--uri mock://` (served
//! in-process on a socket pair) and by the project's tests.

mod api;
mod conn;
mod http;
mod jobs;
mod methods;
mod pipes;
mod query;
mod schema;
mod state;
mod upload;

use crate::client::uri::{self, Endpoint};
use crate::error::{Error, Result};
use state::State;
use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};

/// How the emulated server behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Password of the `root` and `admin` accounts (and `guest`, which has no API access).
    pub password: String,
    /// Treat loopback TCP peers as remote: plain API keys over ws:// then get revoked.
    pub loopback_is_remote: bool,
    /// PBKDF2 iterations for new keys (the real server: 500 000).
    pub scram_iterations: u32,
    /// Authenticate UNIX-socket clients as root, as the real socket does for uid 0.
    pub unix_auth: bool,
    /// Limit unauthenticated TCP calls to 20 per minute per method and address.
    pub rate_limit: bool,
    /// Behave like TrueNAS 24.10 and earlier: only the legacy `/websocket` endpoint
    /// (answering DDP pings), and no `auth.login_ex` family or `core.set_options`.
    pub legacy_only: bool,
    /// Answer `core.get_methods` / `core.get_services` with a recorded catalogue (a real
    /// server's), instead of the emulator's own methods.
    pub catalog: Option<Arc<ServedCatalog>>,
    /// What `system.version` answers (default: the emulator's own version string).
    pub version: Option<String>,
    /// How long after `core.download` its `GET /_download/ID` may start (the server: 60 s);
    /// later, the download is gone (HTTP 410) and the job fails.
    pub download_window: std::time::Duration,
}

/// A recorded `core.get_methods` answer and, optionally, `core.get_services`.
#[derive(Debug)]
pub struct ServedCatalog {
    /// The `core.get_methods` answer: method name to its description and schemas.
    pub methods: serde_json::Value,
    /// The `core.get_services` answer, when recorded.
    pub services: Option<serde_json::Value>,
}

impl ServedCatalog {
    /// Read the JSON files (recorded answers of a real server); an unreadable file or one
    /// that is not JSON is a usage error.
    pub fn load(
        methods: &std::path::Path,
        services: Option<&std::path::Path>,
    ) -> Result<ServedCatalog> {
        let read = |p: &std::path::Path| -> Result<serde_json::Value> {
            let text = std::fs::read_to_string(p)
                .map_err(|e| Error::usage(format!("cannot read {}: {e}", p.display())))?;
            serde_json::from_str(&text)
                .map_err(|e| Error::usage(format!("{} is not JSON: {e}", p.display())))
        };
        Ok(ServedCatalog {
            methods: read(methods)?,
            services: services.map(read).transpose()?,
        })
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            password: "truenas".into(),
            loopback_is_remote: false,
            scram_iterations: 500_000,
            unix_auth: true,
            rate_limit: true,
            legacy_only: false,
            catalog: None,
            version: None,
            download_window: std::time::Duration::from_secs(60),
        }
    }
}

/// Where a connection came from; decides auto-login, "secure transport" and rate limits.
#[derive(Clone, Debug)]
pub(crate) enum Origin {
    Unix,
    Tcp { peer: SocketAddr, tls: bool },
}

impl Origin {
    /// What a token bound to this origin remembers: the peer's address, or the socket.
    pub(crate) fn address(&self) -> String {
        match self {
            Origin::Unix => "unix".into(),
            Origin::Tcp { peer, .. } => peer.ip().to_string(),
        }
    }
}

/// What a connection thread is sent by others (events, late job answers).
#[derive(Debug)]
pub(crate) enum Out {
    Event {
        collection: String,
        msg: &'static str,
        id: serde_json::Value,
        fields: Option<serde_json::Value>,
    },
    Unsubscribed {
        collection: String,
        error: serde_json::Value,
    },
    /// The end of a call that held an execution slot (a new-style job's result, a
    /// delayed answer): its answer frame, if anyone is to hear it.
    Answer(Option<serde_json::Value>),
    /// Cut the connection, as a middleware that stops does.
    Cut,
}

pub(crate) struct ConnHandle {
    pub tx: Sender<Out>,
    pub authenticated: bool,
    /// Subscription id → event name.
    pub subs: HashMap<String, String>,
}

pub(crate) struct Shared {
    pub config: Config,
    pub state: Mutex<State>,
    pub conns: Mutex<HashMap<u64, ConnHandle>>,
    pub next_conn: AtomicU64,
    /// Cut the next connection after it sent this many frames (0: no drop planned).
    pub drop_next: AtomicU64,
    pub tls: Mutex<Option<TlsMaterial>>,
    pub stopping: AtomicBool,
    /// Answer the next `/_download` or `/_upload` request with this HTTP status (0: no).
    pub fail_next_transfer: std::sync::atomic::AtomicU16,
    /// Successful logins with credentials so far (UNIX-socket clients excluded).
    pub logins: AtomicU64,
}

/// A certificate and key (PEM) for wss:// listeners.
#[derive(Clone)]
pub struct TlsMaterial {
    /// The certificate (chain), leaf first.
    pub cert_pem: String,
    /// The certificate's private key (PKCS #8).
    pub key_pem: String,
}

/// A running emulator; cheap to clone, all clones share one server state.
#[derive(Clone)]
pub struct Emulator {
    pub(crate) shared: Arc<Shared>,
}

/// A bound listener.
pub struct Listener {
    /// The address clients use, with the real port when port 0 was asked for
    /// (`ws://127.0.0.1:40123/api/current`).
    pub uri: String,
}

/// Lock, recovering from a poisoned mutex: a panicking connection thread must not take
/// the whole emulator down with it.
/// A unique id for sessions and subscriptions: a UUID, or where the system has no
/// randomness (a test server must keep serving) a process-wide sequence number.
pub(crate) fn fresh_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    crate::client::id::new_request_id()
        .unwrap_or_else(|_| format!("emulator-{}", NEXT.fetch_add(1, Ordering::Relaxed)))
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Emulator {
    /// A fresh server state: the accounts `root`, `admin`, `guest` and `otpuser`, no API
    /// keys, no jobs. It serves nothing until [`Emulator::listen`] is called.
    pub fn new(config: Config) -> Emulator {
        let state = State::new(&config);
        Emulator {
            shared: Arc::new(Shared {
                config,
                state: Mutex::new(state),
                conns: Mutex::new(HashMap::new()),
                next_conn: AtomicU64::new(1),
                drop_next: AtomicU64::new(0),
                tls: Mutex::new(None),
                stopping: AtomicBool::new(false),
                fail_next_transfer: std::sync::atomic::AtomicU16::new(0),
                logins: AtomicU64::new(0),
            }),
        }
    }

    /// Cut the next connection that opens, like a failing network would (no close frame),
    /// once it has sent `frames` frames; later connections are left alone. For testing how
    /// clients recover from a dropped connection.
    pub fn drop_next_connection_after(&self, frames: u64) {
        self.shared.drop_next.store(frames, Ordering::SeqCst);
    }

    /// Behave as a middleware that restarted: every connection is cut (no close frame),
    /// every job is forgotten and job ids count from 1 again; jobs that were running end
    /// unseen. For testing that clients do not take a new job for an old one by its id.
    pub fn restart(&self) {
        {
            let mut st = lock(&self.shared.state);
            st.generation += 1;
            st.jobs.clear();
            st.job_ctl.clear();
            st.job_logs.clear();
            st.next_job_id = 1;
        }
        for h in lock(&self.shared.conns).values() {
            let _ = h.tx.send(Out::Cut);
        }
    }

    /// Answer the next file transfer request (`GET /_download/ID` or `POST /_upload`) with
    /// HTTP `status` and an empty body, as a server refusing it would; later ones are left
    /// alone. For testing how clients report refusals.
    pub fn fail_next_transfer(&self, status: u16) {
        self.shared
            .fail_next_transfer
            .store(status, Ordering::SeqCst);
    }

    /// How many logins with credentials (password, API key, token) succeeded so far; the
    /// UNIX socket's automatic ones do not count. For testing that a client reused a
    /// session instead of logging in again.
    pub fn logins(&self) -> u64 {
        self.shared.logins.load(Ordering::SeqCst)
    }

    /// Use this certificate for wss:// instead of a generated one.
    pub fn set_tls(&self, material: TlsMaterial) {
        *lock(&self.shared.tls) = Some(material);
    }

    /// The certificate wss:// listeners present (generated on first use).
    pub fn tls_material(&self) -> Result<TlsMaterial> {
        let mut tls = lock(&self.shared.tls);
        if let Some(m) = tls.as_ref() {
            return Ok(m.clone());
        }
        let m = generate_certificate()?;
        *tls = Some(m.clone());
        Ok(m)
    }

    /// Bind `uri` (ws://, wss://, ws+unix://) and serve it on a background thread.
    pub fn listen(&self, listen_uri: &str) -> Result<Listener> {
        match uri::parse_listen(listen_uri)? {
            Endpoint::Tcp {
                tls, host, port, ..
            } => {
                let listener = TcpListener::bind((host.as_str(), port)).map_err(|e| {
                    Error::connection(format!("cannot listen on {host}:{port}: {e}"))
                })?;
                let addr = listener.local_addr().map_err(|e| {
                    Error::connection(format!("cannot read the bound address: {e}"))
                })?;
                let acceptor = if tls {
                    Some(Arc::new(self.tls_acceptor()?))
                } else {
                    None
                };
                let emu = self.clone();
                std::thread::spawn(move || {
                    for stream in listener.incoming() {
                        if emu.shared.stopping.load(Ordering::Relaxed) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let Ok(peer) = stream.peer_addr() else {
                            continue;
                        };
                        let emu = emu.clone();
                        let acceptor = acceptor.clone();
                        std::thread::spawn(move || conn::serve_tcp(emu, stream, peer, acceptor));
                    }
                });
                let scheme = if tls { "wss" } else { "ws" };
                let host = match addr {
                    SocketAddr::V6(a) => format!("[{}]", a.ip()),
                    SocketAddr::V4(a) => a.ip().to_string(),
                };
                Ok(Listener {
                    uri: format!("{scheme}://{host}:{}/api/current", addr.port()),
                })
            }
            Endpoint::Unix { path, .. } => {
                let _ = std::fs::remove_file(&path);
                let listener = UnixListener::bind(&path).map_err(|e| {
                    Error::connection(format!("cannot listen on {}: {e}", path.display()))
                })?;
                let emu = self.clone();
                std::thread::spawn(move || {
                    for stream in listener.incoming() {
                        if emu.shared.stopping.load(Ordering::Relaxed) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let emu = emu.clone();
                        std::thread::spawn(move || conn::serve_unix(emu, stream));
                    }
                });
                Ok(Listener {
                    uri: format!("ws+unix://{}", PathBuf::from(&path).display()),
                })
            }
            Endpoint::Mock { .. } => Err(Error::usage(
                "mock:// is not a listen address; use ws://, wss:// or ws+unix://",
            )),
        }
    }

    /// A new connection to this emulator over a socket pair (the client's end), as if it
    /// came through its UNIX socket.
    pub(crate) fn connect_in_process(&self) -> Result<UnixStream> {
        let (client, server) = UnixStream::pair()
            .map_err(|e| Error::connection(format!("cannot create a socket pair: {e}")))?;
        self.serve_unix_stream(server);
        Ok(client)
    }

    /// Serve one already-connected UNIX stream (used for mock://).
    pub fn serve_unix_stream(&self, stream: UnixStream) {
        let emu = self.clone();
        std::thread::spawn(move || conn::serve_unix(emu, stream));
    }

    fn tls_acceptor(&self) -> Result<native_tls::TlsAcceptor> {
        let m = self.tls_material()?;
        let identity =
            native_tls::Identity::from_pkcs8(m.cert_pem.as_bytes(), m.key_pem.as_bytes()).map_err(
                |e| Error::usage(format!("the TLS certificate or key is unusable: {e}")),
            )?;
        native_tls::TlsAcceptor::new(identity)
            .map_err(|e| Error::io(format!("cannot set up TLS: {e}")))
    }

    /// Stop accepting new connections (existing ones end with the process).
    pub fn stop(&self) {
        self.shared.stopping.store(true, Ordering::Relaxed);
    }
}

/// A self-signed certificate for localhost, 127.0.0.1 and `::1`.
fn generate_certificate() -> Result<TlsMaterial> {
    let names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    let cert = rcgen::generate_simple_self_signed(names)
        .map_err(|e| Error::io(format!("cannot generate a certificate: {e}")))?;
    Ok(TlsMaterial {
        cert_pem: cert.cert.pem(),
        key_pem: cert.key_pair.serialize_pem(),
    })
}

/// Start a fresh emulator serving one connection over a socket pair; the returned stream
/// is the client's end, and the emulator serves further connections of the same client
/// ([`Emulator::connect_in_process`]). This is `--uri mock://`.
pub(crate) fn serve_in_process() -> Result<(UnixStream, Emulator)> {
    let config = Config {
        // Nothing expensive for a one-shot demo: keys made here live only for this run.
        scram_iterations: crate::auth::scram::MIN_ITERATIONS,
        ..Config::default()
    };
    let emulator = Emulator::new(config);
    let client = emulator.connect_in_process()?;
    Ok((client, emulator))
}

/// The DER bytes of the first certificate in a PEM text.
pub(crate) fn pem_to_der(pem: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let start = pem.find("-----BEGIN CERTIFICATE-----")? + "-----BEGIN CERTIFICATE-----".len();
    let end = start + pem[start..].find("-----END CERTIFICATE-----")?;
    let body: String = pem[start..end].split_whitespace().collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

pub use methods::totp;
/// The TOTP secret of the emulator's two-factor account `otpuser`.
pub use state::OTP_SECRET;
