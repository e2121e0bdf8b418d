//! Byte streams to the middleware (UNIX socket, TCP, TLS) and the WebSocket upgrade.

use crate::client::uri::{Endpoint, Protocol};
use crate::error::{Error, Kind, Result};
use sha2::Digest as _;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tungstenite::handshake::client::generate_key;
use tungstenite::http::Request;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::WebSocket;

/// One connected stream of any kind the client supports, before the WebSocket upgrade;
/// [`connect_over`](crate::client::connect_over) takes one opened elsewhere.
pub enum Stream {
    /// Plain TCP (`ws://`).
    Tcp(TcpStream),
    /// TLS over TCP (`wss://`), handshake done.
    Tls(Box<native_tls::TlsStream<TcpStream>>),
    /// A UNIX socket (`ws+unix://`, or one end of a socket pair).
    Unix(UnixStream),
}

impl Stream {
    pub(crate) fn set_read_timeout(&self, d: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_read_timeout(d),
            Stream::Tls(s) => s.get_ref().set_read_timeout(d),
            Stream::Unix(s) => s.set_read_timeout(d),
        }
    }

    pub(crate) fn set_write_timeout(&self, d: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_write_timeout(d),
            Stream::Tls(s) => s.get_ref().set_write_timeout(d),
            Stream::Unix(s) => s.set_write_timeout(d),
        }
    }

    /// DER of the server's leaf certificate (for SCRAM channel binding).
    pub(crate) fn peer_certificate_der(&self) -> Option<Vec<u8>> {
        match self {
            Stream::Tls(s) => s.peer_certificate().ok()??.to_der().ok(),
            _ => None,
        }
    }

    /// Non-blocking mode: for the session agent's poll loop, and for a look at what has
    /// arrived without a read timeout (which the kernel rounds up to its clock tick). The
    /// TLS layer passes the socket's `WouldBlock` through.
    pub(crate) fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_nonblocking(on),
            Stream::Tls(s) => s.get_ref().set_nonblocking(on),
            Stream::Unix(s) => s.set_nonblocking(on),
        }
    }

    pub(crate) fn shutdown(&self) {
        let _ = match self {
            Stream::Tcp(s) => s.shutdown(Shutdown::Both),
            Stream::Tls(s) => s.get_ref().shutdown(Shutdown::Both),
            Stream::Unix(s) => s.shutdown(Shutdown::Both),
        };
    }
}

impl std::os::fd::AsFd for Stream {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        match self {
            Stream::Tcp(s) => s.as_fd(),
            Stream::Tls(s) => s.get_ref().as_fd(),
            Stream::Unix(s) => s.as_fd(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
            Stream::Unix(s) => s.flush(),
        }
    }
}

/// How to verify a `wss://` server; the default trusts the system's CA certificates.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// Skip certificate verification (`--insecure`).
    pub insecure: bool,
    /// An extra trusted PEM certificate (`--ca-cert`).
    pub ca_cert: Option<PathBuf>,
    /// Accept exactly this certificate and no other (no CA is consulted).
    pub pin: Option<Pin>,
}

/// A server certificate trusted by its SHA-256 fingerprint alone, self-signed ones
/// included: how a NAS's own certificate is trusted without a CA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// SHA-256 of the certificate's DER encoding.
    pub sha256: [u8; 32],
    /// It came from the known-hosts file (`midclt trust`) rather than `--pin`, which
    /// changes what a mismatch means: the server's certificate changed since.
    pub from_known_hosts: bool,
}

impl Pin {
    /// `sha256:HEX` (64 hex digits; colons between bytes allowed, as browsers show them).
    pub fn parse(text: &str) -> Option<[u8; 32]> {
        let hex: String = text
            .trim()
            .strip_prefix("sha256:")
            .or_else(|| text.trim().strip_prefix("SHA256:"))?
            .chars()
            .filter(|c| *c != ':')
            .collect();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(out)
    }

    /// The `sha256:HEX` form of a certificate's fingerprint.
    pub fn show(sha256: &[u8; 32]) -> String {
        sha256.iter().fold(String::from("sha256:"), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    /// The fingerprint of a DER certificate.
    pub fn of(der: &[u8]) -> [u8; 32] {
        sha2::Sha256::digest(der).into()
    }
}

/// What is known about an established connection.
#[derive(Clone, Debug)]
pub struct ConnInfo {
    /// Where the connection went (after any fallback to `/websocket`).
    pub endpoint: Endpoint,
    /// The protocol actually spoken.
    pub protocol: Protocol,
    /// The connection runs over TLS.
    pub tls: bool,
    /// The connection is a UNIX socket.
    pub unix: bool,
    /// The server's leaf certificate (DER), over TLS.
    pub peer_certificate: Option<Vec<u8>>,
}

/// Frames larger than this are refused by the server anyway (2 MiB for file transfer
/// methods); the cap keeps a misbehaving peer from exhausting memory.
pub(crate) const MAX_INCOMING_MESSAGE: usize = 64 << 20;

pub(crate) fn websocket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_INCOMING_MESSAGE))
        .max_frame_size(Some(MAX_INCOMING_MESSAGE))
}

/// Open the byte stream for `endpoint` (no WebSocket yet).
pub(crate) fn open_stream(
    endpoint: &Endpoint,
    tls: &TlsOptions,
    timeout: Duration,
) -> Result<Stream> {
    match endpoint {
        Endpoint::Unix { path, .. } => open_unix(path),
        Endpoint::Tcp {
            tls: use_tls,
            host,
            port,
            ..
        } => {
            let tcp = open_tcp(host, *port, timeout)?;
            if *use_tls {
                open_tls(tcp, host, *port, tls, timeout)
            } else {
                Ok(Stream::Tcp(tcp))
            }
        }
        Endpoint::Mock { .. } => Err(Error::usage("mock:// is served in-process")),
    }
}

fn open_unix(path: &Path) -> Result<Stream> {
    use std::os::unix::fs::FileTypeExt as _;
    if let Ok(meta) = std::fs::metadata(path) {
        let kind = meta.file_type();
        if !kind.is_socket() {
            let what = if kind.is_dir() {
                "a directory"
            } else if kind.is_file() {
                "a regular file"
            } else {
                "not a socket"
            };
            return Err(Error::connection(format!(
                "{} is {what}, not the middleware's UNIX socket",
                path.display()
            ))
            .hint("on a TrueNAS host the socket is /var/run/middleware/middlewared.sock"));
        }
    }
    UnixStream::connect(path).map(Stream::Unix).map_err(|e| {
        let shown = path.display();
        match e.kind() {
            io::ErrorKind::NotFound => Error::connection(format!(
                "the middleware socket {shown} does not exist: the middleware is not running, or this is not a TrueNAS host"
            ))
            .hint("on a TrueNAS host check `systemctl status middlewared`; elsewhere pass --uri wss://NAS-ADDRESS")
            .hint("to try midclt without a NAS use --uri mock://"),
            io::ErrorKind::ConnectionRefused => Error::connection(format!(
                "connection refused on {shown}: the middleware is not running (daemon not running?)"
            ))
            .hint("check `systemctl status middlewared`"),
            io::ErrorKind::PermissionDenied => Error::connection(format!(
                "permission denied opening {shown}"
            ))
            .hint("run as a user allowed to use the socket, or connect over wss:// with credentials"),
            _ => Error::connection(format!("cannot connect to {shown}: {e}")),
        }
    })
}

fn open_tcp(host: &str, port: u16, timeout: Duration) -> Result<TcpStream> {
    let addrs: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(|e| {
            Error::connection(format!("cannot resolve host '{host}': {e}"))
                .hint("check the host name in --uri")
        })?
        .collect();
    if addrs.is_empty() {
        return Err(Error::connection(format!("host '{host}' has no address")));
    }
    let mut last = None;
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    let e = last.unwrap_or_else(|| io::Error::other("no address"));
    let target = format!("{host}:{port}");
    Err(match e.kind() {
        io::ErrorKind::ConnectionRefused => Error::connection(format!(
            "connection refused by {target}: nothing is listening there"
        ))
        .hint("check the host and port in --uri (the web UI ports: 443 for wss://, 80 for ws://)"),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Error::connection(format!(
            "no answer from {target} within {} s: the server is unreachable",
            timeout.as_secs_f64()
        ))
        .hint(
            "check the address, the network path and firewalls; --connect-timeout sets the limit",
        ),
        _ => Error::connection(format!("cannot connect to {target}: {e}")),
    })
}

/// Make the process's trust-store setup cheap; call it before any connection, while the
/// process has a single thread (it sets environment variables).
///
/// OpenSSL, through native-tls, otherwise parses the whole CA bundle (about 300
/// certificates, some 45 ms of CPU) on every run, twice, even when nothing is verified.
/// With `insecure` no trust anchor is loaded at all. Otherwise, where the system's CA
/// directory is hashed (`c_rehash`, as on Debian) and the bundle is the one kept in that
/// directory, OpenSSL looks up just the issuer it needs there. A bundle of the user's own
/// choosing elsewhere (`SSL_CERT_FILE`) is left alone.
pub(crate) fn economise_trust_store(insecure: bool) {
    // An existing but empty file: nothing to parse, and nothing for native-tls's probe to
    // replace with the bundle.
    const NOTHING: &str = "/dev/null";
    if insecure {
        std::env::set_var("SSL_CERT_FILE", NOTHING);
        std::env::set_var("SSL_CERT_DIR", NOTHING);
        return;
    }
    let probe = openssl_probe::probe();
    let Some(dir) = probe.cert_dir.into_iter().find(|d| has_hash_links(d)) else {
        return;
    };
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    let bundle_in_dir = match probe.cert_file {
        Some(file) => {
            // /etc/ssl/certs/ca-certificates.crt and the hash links beside it come from
            // the same update-ca-certificates run.
            file.parent().and_then(canonical) == canonical(&dir)
        }
        None => true,
    };
    if bundle_in_dir {
        std::env::set_var("SSL_CERT_FILE", NOTHING);
        std::env::set_var("SSL_CERT_DIR", dir);
    }
}

/// Does `dir` hold OpenSSL's subject-hash names (`5ad8a5d6.0`), so a lazy lookup works?
fn has_hash_links(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let name = e.file_name();
        let name = name.to_string_lossy();
        name.split_once('.').is_some_and(|(hash, n)| {
            hash.len() == 8
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
        })
    })
}

fn open_tls(
    tcp: TcpStream,
    host: &str,
    port: u16,
    opts: &TlsOptions,
    timeout: Duration,
) -> Result<Stream> {
    let mut builder = native_tls::TlsConnector::builder();
    // A pin replaces the CA check (and the host name check: the pin names the certificate).
    if opts.insecure || opts.pin.is_some() {
        builder.danger_accept_invalid_certs(true);
        builder.danger_accept_invalid_hostnames(true);
    }
    if let Some(path) = &opts.ca_cert {
        let pem = std::fs::read(path)
            .map_err(|e| Error::usage(format!("cannot read --ca-cert {}: {e}", path.display())))?;
        let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| {
            Error::usage(format!(
                "--ca-cert {} is not a PEM certificate: {e}",
                path.display()
            ))
        })?;
        builder.add_root_certificate(cert);
    }
    let connector = builder
        .build()
        .map_err(|e| Error::new(Kind::Tls, format!("cannot set up TLS: {e}")))?;
    let deadline = Instant::now() + timeout;
    let _ = tcp.set_read_timeout(Some(handshake_step(deadline)));
    let _ = tcp.set_write_timeout(Some(timeout));
    let sni = host.trim_start_matches('[').trim_end_matches(']');
    let mut attempt = connector.connect(sni, tcp);
    // A read that timed out leaves the handshake half done; it goes on until the deadline
    // unless Ctrl-C came (reads wait a short step at a time while it is caught).
    while let Err(native_tls::HandshakeError::WouldBlock(mid)) = attempt {
        if crate::interrupt::pressed() {
            return Err(Error::interrupted(format!(
                "interrupted during the TLS handshake with {host}"
            )));
        }
        if Instant::now() >= deadline {
            attempt = Err(native_tls::HandshakeError::WouldBlock(mid));
            break;
        }
        let _ = mid
            .get_ref()
            .set_read_timeout(Some(handshake_step(deadline)));
        attempt = mid.handshake();
    }
    match attempt {
        Ok(s) => {
            let stream = Stream::Tls(Box::new(s));
            if let Some(pin) = &opts.pin {
                let server = if host.contains(':') && !host.starts_with('[') {
                    format!("[{host}]:{port}")
                } else {
                    format!("{host}:{port}")
                };
                check_pin(&server, pin, stream.peer_certificate_der().as_deref())?;
            }
            Ok(stream)
        }
        Err(native_tls::HandshakeError::WouldBlock(_)) => Err(Error::connection(format!(
            "TLS handshake with {host} did not finish within {} s",
            timeout.as_secs_f64()
        ))),
        Err(native_tls::HandshakeError::Failure(e)) => Err(tls_failure(host, opts, &e)),
    }
}

fn check_pin(host: &str, pin: &Pin, der: Option<&[u8]>) -> Result<()> {
    let Some(der) = der else {
        return Err(Error::new(
            Kind::Tls,
            format!("{host} presented no certificate to check against the pin"),
        ));
    };
    let got = Pin::of(der);
    if got == pin.sha256 {
        return Ok(());
    }
    let (want, got) = (Pin::show(&pin.sha256), Pin::show(&got));
    Err(if pin.from_known_hosts {
        Error::new(
            Kind::Tls,
            format!(
                "the TLS certificate of {host} has CHANGED since you trusted it: trusted {want}, now {got}"
            ),
        )
        .hint("someone may be intercepting the connection; check the certificate on the NAS (Credentials → Certificates)")
        .hint(format!(
            "if the change is expected, trust it again: `midclt trust --remove {host}` then `midclt trust {host}`"
        ))
    } else {
        Error::new(
            Kind::Tls,
            format!("the TLS certificate of {host} is not the pinned one: pinned {want}, presented {got}"),
        )
    })
}

fn tls_failure(host: &str, opts: &TlsOptions, e: &native_tls::Error) -> Error {
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("hostname mismatch") || lower.contains("ip address mismatch") {
        Error::new(
            Kind::Tls,
            format!(
                "the server's TLS certificate is not issued for {host} (host name mismatch)"
            ),
        )
        .hint(format!(
            "connect with a name the certificate lists (see `openssl s_client -connect {host}:PORT`), or give the certificate a subject alternative name for {host}"
        ))
    } else if lower.contains("certificate has expired") || lower.contains("not yet valid") {
        let when = if lower.contains("expired") {
            "has expired"
        } else {
            "is not valid yet"
        };
        Error::new(
            Kind::Tls,
            format!("the server's TLS certificate {when} ({host})"),
        )
        .hint("renew the certificate on the NAS (Credentials → Certificates), and check this machine's clock")
    } else if lower.contains("certificate") || lower.contains("verify") {
        let e = Error::new(
            Kind::Tls,
            format!("TLS certificate verification failed for {host}: {text}"),
        );
        match &opts.ca_cert {
            Some(ca) => e.hint(format!(
                "the server's certificate is not signed by {} (nor by the system store): export the NAS's certificate again",
                ca.display()
            )),
            None => e
                .hint("trust the NAS certificate with --ca-cert FILE (export it from Credentials → Certificates)")
                .hint("or, on a network you trust, skip verification with --insecure"),
        }
    } else {
        Error::new(
            Kind::Tls,
            format!("TLS handshake with {host} failed: {text}"),
        )
        .hint("is this port serving HTTPS? use ws:// for plain HTTP")
    }
}

/// The URL sent in the upgrade request. Over a UNIX socket the official client uses a
/// fixed dummy host, and the path selects only the protocol.
fn request_url(endpoint: &Endpoint, protocol: Protocol) -> String {
    match endpoint {
        Endpoint::Tcp {
            host, port, path, ..
        } => {
            let host = if host.contains(':') {
                format!("[{host}]")
            } else {
                host.clone()
            };
            format!("ws://{host}:{port}{path}")
        }
        _ => match protocol {
            Protocol::JsonRpc => "ws://localhost/api/current".into(),
            Protocol::Legacy => "ws://localhost/websocket".into(),
        },
    }
}

/// Perform the WebSocket upgrade on an open stream.
pub(crate) fn upgrade(
    stream: Stream,
    endpoint: &Endpoint,
    protocol: Protocol,
    timeout: Duration,
) -> Result<WebSocket<Stream>, UpgradeError> {
    let plain = |error| UpgradeError {
        status: None,
        error,
    };
    let url = request_url(endpoint, protocol);
    let uri: tungstenite::http::Uri = url
        .parse()
        .map_err(|e| plain(Error::usage(format!("invalid URI {url}: {e}"))))?;
    let host_header = match uri.port_u16() {
        Some(p) if p != 80 && p != 443 => format!("{}:{p}", uri.host().unwrap_or("localhost")),
        _ => uri.host().unwrap_or("localhost").to_string(),
    };
    let request = Request::builder()
        .uri(uri)
        .header("Host", host_header)
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", generate_key())
        .header(
            "User-Agent",
            concat!("midclt-rs/", env!("CARGO_PKG_VERSION")),
        )
        .body(())
        .map_err(|e| {
            plain(Error::usage(format!(
                "cannot build the upgrade request: {e}"
            )))
        })?;
    let deadline = Instant::now() + timeout;
    let _ = stream.set_read_timeout(Some(handshake_step(deadline)));
    let _ = stream.set_write_timeout(Some(timeout));
    let mut attempt =
        tungstenite::client::client_with_config(request, stream, Some(websocket_config()));
    // As for TLS: resumed after each short read until the deadline or Ctrl-C.
    while let Err(tungstenite::HandshakeError::Interrupted(mid)) = attempt {
        if crate::interrupt::pressed() {
            return Err(plain(Error::interrupted(format!(
                "{}: interrupted during the WebSocket handshake",
                endpoint.display()
            ))));
        }
        if Instant::now() >= deadline {
            attempt = Err(tungstenite::HandshakeError::Interrupted(mid));
            break;
        }
        let _ = mid
            .get_ref()
            .get_ref()
            .set_read_timeout(Some(handshake_step(deadline)));
        attempt = mid.handshake();
    }
    match attempt {
        Ok((ws, _resp)) => Ok(ws),
        Err(tungstenite::HandshakeError::Interrupted(_)) => Err(plain(Error::connection(format!(
            "{}: the WebSocket handshake did not finish within {} s",
            endpoint.display(),
            timeout.as_secs_f64()
        )))),
        Err(tungstenite::HandshakeError::Failure(e)) => Err(handshake_failure(endpoint, e)),
    }
}

/// How long one read of a handshake may wait: what is left until `deadline`, or less while
/// Ctrl-C is caught, so that it is noticed.
fn handshake_step(deadline: Instant) -> Duration {
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1));
    if crate::interrupt::caught() {
        left.min(crate::interrupt::POLL)
    } else {
        left
    }
}

/// A refused or failed upgrade; `status` is the HTTP status when the server answered,
/// so callers can fall back from `/api/current` to `/websocket` on 404.
#[derive(Debug)]
pub(crate) struct UpgradeError {
    pub status: Option<u16>,
    pub error: Error,
}

impl From<UpgradeError> for Error {
    fn from(e: UpgradeError) -> Error {
        e.error
    }
}

fn handshake_failure(endpoint: &Endpoint, e: tungstenite::Error) -> UpgradeError {
    let shown = endpoint.display();
    let status = match &e {
        tungstenite::Error::Http(resp) => Some(resp.status().as_u16()),
        _ => None,
    };
    let error = match e {
        tungstenite::Error::Http(resp) => {
            let status = resp.status().as_u16();
            let location = resp
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let base =
                format!("{shown}: the server refused the WebSocket upgrade with HTTP {status}");
            match status {
                301 | 302 | 307 | 308 => {
                    Error::connection(format!("{base} (redirect to {location})"))
                        .hint("the NAS redirects plain HTTP to HTTPS: use wss://HOST/api/current")
                }
                400 if plain_tcp(endpoint) => Error::connection(base).hint(tls_port_hint(endpoint)),
                404 => Error::connection(format!("{base} (no such endpoint)"))
                    .hint("TrueNAS before 25.04 has no /api/current: use ws(s)://HOST/websocket"),
                401 | 403 => Error::connection(format!("{base} (access denied)"))
                    .hint("the UI allow-list may exclude this address (System → General → GUI)"),
                _ => Error::connection(base),
            }
        }
        tungstenite::Error::Io(io) if is_timeout(&io) => {
            Error::connection(format!("{shown}: no answer to the WebSocket handshake"))
        }
        tungstenite::Error::Io(io) if plain_tcp(endpoint) => Error::connection(format!(
            "{shown}: the server dropped the connection during the WebSocket handshake ({io})"
        ))
        .hint(tls_port_hint(endpoint)),
        tungstenite::Error::Io(io) => Error::connection(format!(
            "{shown}: connection failed during the handshake: {io}"
        )),
        tungstenite::Error::Protocol(_) if plain_tcp(endpoint) => Error::connection(format!(
            "{shown}: the server did not answer the WebSocket handshake in plain HTTP"
        ))
        .hint(tls_port_hint(endpoint)),
        other => Error::connection(format!("{shown}: WebSocket handshake failed: {other}")),
    };
    UpgradeError { status, error }
}

fn plain_tcp(endpoint: &Endpoint) -> bool {
    matches!(endpoint, Endpoint::Tcp { tls: false, .. })
}

/// A plain-HTTP handshake sent to a TLS port is answered with TLS bytes or a dropped
/// connection.
fn tls_port_hint(endpoint: &Endpoint) -> String {
    let url = endpoint.display().replacen("ws://", "wss://", 1);
    format!("the port probably speaks TLS: use {url}")
}

pub(crate) fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
