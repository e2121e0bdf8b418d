//! A logged-in connection from a plain description of the server and the credentials:
//! what every command that talks to a middleware starts with.
//!
//! With [`ConnectConfig::session`] set, an [`Opener`] first looks for a session agent
//! (`midclt session start`) serving the same server and user, and goes through it: no TLS
//! handshake, no login, and no credentials asked for. Only without one does it resolve the
//! credentials and connect itself.

pub(crate) mod agent;

use crate::auth::credentials::{self, LoginSpec};
use crate::auth::{self, Login};
use crate::client::rpc::{self, Client, ConnectOptions};
use crate::client::transport::{Pin, TlsOptions};
use crate::client::uri::{self, Endpoint, Protocol};
use crate::error::{Error, Kind, Result};
use crate::known_hosts;
use std::path::PathBuf;
use std::time::Duration;

/// Where to connect and how to log in, as plain data (what midclt's global options say).
#[derive(Clone)]
pub struct ConnectConfig {
    /// The server's URI; `None` means the local middleware socket.
    pub uri: Option<String>,
    /// Seconds each call may take; `None` or 0 means `CALL_TIMEOUT` or 60.
    pub timeout: Option<u64>,
    /// Seconds for connecting and the handshakes (at least 1).
    pub connect_timeout: u64,
    /// Do not verify the server's TLS certificate.
    pub insecure: bool,
    /// A PEM certificate to trust besides the system store.
    pub ca_cert: Option<PathBuf>,
    /// Accept exactly the certificate with this fingerprint (`sha256:HEX`), and no CA.
    /// Without it (and without `insecure` or `ca_cert`), a certificate recorded by
    /// `midclt trust` for the server is required.
    pub pin: Option<String>,
    /// Speak the legacy protocol (`/websocket`), as for TrueNAS 24.10 and older, whatever
    /// path the URI names.
    pub legacy: bool,
    /// Trace the wire traffic on stderr (secrets redacted).
    pub verbose: bool,
    /// The credentials.
    pub login: LoginSpec,
    /// Go through the session agent serving this server and user, when one runs (the
    /// command line's default; `--no-session` clears it). A program using the library
    /// opts in.
    pub session: bool,
}

impl Default for ConnectConfig {
    fn default() -> ConnectConfig {
        ConnectConfig {
            uri: None,
            timeout: None,
            connect_timeout: rpc::DEFAULT_CONNECT_TIMEOUT.as_secs(),
            insecure: false,
            ca_cert: None,
            pin: None,
            legacy: false,
            verbose: false,
            login: LoginSpec::default(),
            session: false,
        }
    }
}

impl ConnectConfig {
    /// The server's address as configured (the legacy protocol applied), before any
    /// fallback a connection makes.
    pub fn endpoint(&self) -> Result<Endpoint> {
        let endpoint = match &self.uri {
            Some(u) => uri::parse(u)?,
            None => uri::default_endpoint(),
        };
        if !self.legacy {
            return Ok(endpoint);
        }
        Ok(match endpoint {
            Endpoint::Unix { path, .. } => Endpoint::Unix {
                path,
                protocol: Protocol::Legacy,
            },
            Endpoint::Mock { .. } => Endpoint::Mock {
                protocol: Protocol::Legacy,
            },
            tcp @ Endpoint::Tcp { .. } => tcp.with_path("/websocket"),
        })
    }

    /// How long each call may take: `timeout`, else `CALL_TIMEOUT`, else 60 s.
    pub fn call_timeout(&self) -> Duration {
        match self.timeout {
            Some(s) if s > 0 => seconds(s),
            _ => std::env::var("CALL_TIMEOUT")
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|s| *s > 0)
                .map_or(rpc::DEFAULT_CALL_TIMEOUT, seconds),
        }
    }

    /// The client's connection options.
    pub fn options(&self) -> Result<ConnectOptions> {
        let endpoint = self.endpoint()?;
        let call_timeout = self.call_timeout();
        if self.insecure && matches!(endpoint, Endpoint::Tcp { tls: true, .. }) {
            // Once per run: a fleet connects to many servers with the same options.
            static WARNED: std::sync::Once = std::sync::Once::new();
            WARNED.call_once(|| {
                eprintln!(
                    "midclt: warning: --insecure: the server's TLS certificate is not verified"
                );
            });
        }
        let pin = self.pin(&endpoint)?;
        Ok(ConnectOptions {
            endpoint,
            tls: TlsOptions {
                insecure: self.insecure,
                ca_cert: self.ca_cert.clone(),
                pin,
            },
            connect_timeout: seconds(self.connect_timeout.max(1)),
            call_timeout,
            verbose: self.verbose,
        })
    }
}

impl ConnectConfig {
    /// The explicit `--pin`, else the fingerprint `midclt trust` recorded for this server
    /// (unless another trust decision was asked for).
    fn pin(&self, endpoint: &Endpoint) -> Result<Option<Pin>> {
        if let Some(text) = &self.pin {
            let sha256 = Pin::parse(text).ok_or_else(|| {
                Error::usage(format!(
                    "--pin {text}: expected sha256:HEX (the certificate's 64-digit SHA-256 fingerprint)"
                ))
            })?;
            return Ok(Some(Pin {
                sha256,
                from_known_hosts: false,
            }));
        }
        let Endpoint::Tcp {
            tls: true,
            host,
            port,
            ..
        } = endpoint
        else {
            return Ok(None);
        };
        if self.insecure || self.ca_cert.is_some() {
            return Ok(None);
        }
        Ok(
            known_hosts::lookup(&known_hosts::key(host, *port))?.map(|sha256| Pin {
                sha256,
                from_known_hosts: true,
            }),
        )
    }
}

/// Connect without logging in. Unlike [`client::connect`](crate::client::connect), this also serves `mock://` from
/// the built-in emulator.
pub fn connect(opts: &ConnectOptions) -> Result<Client> {
    match opts.endpoint {
        Endpoint::Mock { .. } => connect_mock(opts),
        _ => rpc::connect(opts),
    }
}

#[cfg(feature = "emulator")]
fn connect_mock(opts: &ConnectOptions) -> Result<Client> {
    let (stream, emulator) = crate::emulator::serve_in_process()?;
    let mut client = rpc::connect_over(crate::client::transport::Stream::Unix(stream), opts)?;
    // File transfers need a second connection to the same emulator.
    client.set_side_opener(std::sync::Arc::new(move || {
        emulator
            .connect_in_process()
            .map(crate::client::transport::Stream::Unix)
    }));
    Ok(client)
}

#[cfg(not(feature = "emulator"))]
fn connect_mock(_: &ConnectOptions) -> Result<Client> {
    Err(crate::error::Error::usage(
        "mock:// needs the built-in emulator, which this midclt was built without",
    )
    .hint("build with the `emulator` cargo feature (on by default)"))
}

/// A number of seconds the user gave, as a duration of at most ten years: a deadline
/// further off than the clock can count would overflow, and means "no limit" anyway.
pub(crate) fn seconds(s: u64) -> Duration {
    const TEN_YEARS: u64 = 10 * 365 * 24 * 3600;
    Duration::from_secs(s.min(TEN_YEARS))
}

/// Connect and log in as the configuration says (through a session agent when
/// [`ConnectConfig::session`] allows and one runs; else with credentials from the options,
/// the environment or the terminal). `stdin_taken`: stdin is claimed by something else, so
/// a password cannot be read from it.
pub fn open(cfg: &ConnectConfig, stdin_taken: bool) -> Result<Client> {
    Opener::new(cfg.clone(), stdin_taken).open()
}

/// Connect and log in with `login` (never through a session agent: the caller chose the
/// credentials).
pub fn open_as(cfg: &ConnectConfig, login: &Login) -> Result<Client> {
    open_with(&cfg.options()?, login)
}

/// Whether someone can answer: a one-host run may ask for a one-time password on the
/// terminal and show job progress there; the hosts of a fleet run side by side, where
/// neither can work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Attendance {
    Interactive,
    Unattended,
}

/// Connect and log in with `login`, asking for a one-time password only when attended
/// (never through a session agent).
pub(crate) fn open_attended(
    cfg: &ConnectConfig,
    login: &Login,
    attendance: Attendance,
) -> Result<Client> {
    let no_prompt = || None;
    let ask_otp: auth::OtpPrompt<'_> = match attendance {
        Attendance::Interactive => &credentials::prompt_otp,
        Attendance::Unattended => &no_prompt,
    };
    log_in_with(&cfg.options()?, login, ask_otp)
}

/// Connect with ready-made options and log in with `login`; a one-time password the
/// server asks for is asked on the terminal, if there is one.
pub fn open_with(opts: &ConnectOptions, login: &Login) -> Result<Client> {
    log_in_with(opts, login, &credentials::prompt_otp)
}

fn log_in_with(
    opts: &ConnectOptions,
    login: &Login,
    ask_otp: auth::OtpPrompt<'_>,
) -> Result<Client> {
    auth::check_before_connect(&opts.endpoint, login)?;
    let mut client = connect(opts)?;
    auth::login(&mut client, login, ask_otp)?;
    if opts.verbose && !matches!(login, Login::None) {
        eprintln!("* logged in");
    }
    Ok(client)
}

/// Opens the connections of one command: through the session agent for this server and
/// user when one runs, else directly, resolving the credentials the first time they are
/// needed and never again (a password is asked for at most once, and not at all while an
/// agent serves). Following a job or a subscription reopens through the same opener.
pub struct Opener {
    cfg: ConnectConfig,
    stdin_taken: bool,
    login: Option<Login>,
}

impl Opener {
    /// An opener for `cfg`; `stdin_taken` as for [`open`].
    pub fn new(cfg: ConnectConfig, stdin_taken: bool) -> Opener {
        Opener {
            cfg,
            stdin_taken,
            login: None,
        }
    }

    /// The configuration connections are made with.
    pub fn config(&self) -> &ConnectConfig {
        &self.cfg
    }

    /// A logged-in connection.
    pub fn open(&mut self) -> Result<Client> {
        let agent_trouble = match agent::connect(&self.cfg) {
            Ok(Some(client)) => return Ok(client),
            Ok(None) => None,
            Err(e) => Some(e),
        };
        let login = match self.login.take() {
            Some(login) => login,
            None => match credentials::resolve(&self.cfg.login, self.stdin_taken) {
                Ok(login) => login,
                // No credentials here: the agent was to supply them, so its trouble is
                // what went wrong.
                Err(e) if e.kind == Kind::Usage => return Err(agent_trouble.unwrap_or(e)),
                Err(e) => return Err(e),
            },
        };
        let opened = open_as(&self.cfg, &login);
        self.login = Some(login);
        opened
    }

    /// A connection that is not logged in (enough for `core.ping`): the agent's when one
    /// runs, else a fresh one.
    pub fn connect(&mut self) -> Result<Client> {
        match agent::connect(&self.cfg) {
            Ok(Some(client)) => Ok(client),
            Ok(None) | Err(_) => connect(&self.cfg.options()?),
        }
    }
}

/// Reconnection attempts after a dropped connection, and the pause before the first
/// (doubled each time: 1 + 2 + 4 + 8 + 16 s in all).
const RECONNECT_ATTEMPTS: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_secs(1);

/// After `dropped` (the error that showed the connection was gone), open a new one through
/// `reconnect` (which may also pick up where the work left off: subscribe again, resume),
/// a few times with growing pauses, telling `notice` before each wait what is going on
/// (`doing` says why it matters, e.g. "to follow job 5"). Only failures a network can
/// recover from are retried; a refused login or certificate ends it at once.
pub fn reconnect_with_backoff<T>(
    reconnect: &mut dyn FnMut() -> Result<T>,
    dropped: Error,
    doing: &str,
    notice: &mut dyn FnMut(&str),
) -> Result<T> {
    let mut last = dropped;
    for attempt in 1..=RECONNECT_ATTEMPTS {
        let pause = FIRST_BACKOFF * 2u32.pow(attempt - 1);
        notice(&format!(
            "{}; connecting again in {} s {doing} (attempt {attempt} of {RECONNECT_ATTEMPTS})",
            last.message,
            pause.as_secs()
        ));
        // In slices: Ctrl-C (when caught) ends the wait rather than 31 s of pauses.
        let until = std::time::Instant::now() + pause;
        while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
            if crate::interrupt::pressed() {
                return Err(Error::interrupted(format!(
                    "interrupted while waiting to connect again ({})",
                    last.message
                )));
            }
            std::thread::sleep(left.min(crate::interrupt::POLL));
        }
        match reconnect() {
            Ok(resumed) => return Ok(resumed),
            Err(e) if matches!(e.kind, Kind::Connection | Kind::Timeout) => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}
