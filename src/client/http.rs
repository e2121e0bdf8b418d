//! Plain HTTP/1.1 beside the WebSocket, for the file transfer endpoints (`GET /_download`,
//! `POST /_upload`). A request goes to the same server the WebSocket went to, over the
//! same kind of stream and with the same trust decision (CA store, `--ca-cert`, pin,
//! `--insecure`): the UNIX socket serves these routes too, so no TCP port is guessed.
//!
//! Everything is streamed through fixed-size buffers; nothing here holds a body.

use crate::client::transport::{self, Stream, TlsOptions};
use crate::client::uri::Endpoint;
use crate::error::{Error, Kind, Result};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Opens another stream to a server that has no address of its own (the in-process
/// emulator behind `mock://`).
pub(crate) type SideOpener = Arc<dyn Fn() -> Result<Stream> + Send + Sync>;

/// The longest status line or header line accepted, and the most header lines.
const MAX_LINE: u64 = 16 * 1024;
const MAX_HEADERS: usize = 100;
/// Read buffer of a connection: one body chunk at a time passes through it.
pub(crate) const BUFFER: usize = 256 * 1024;

/// Where HTTP requests of a connection's file transfers go.
#[derive(Clone)]
pub(crate) struct HttpTarget {
    pub(crate) endpoint: Endpoint,
    pub(crate) tls: TlsOptions,
    pub(crate) connect_timeout: Duration,
    pub(crate) verbose: bool,
    pub(crate) side: Option<SideOpener>,
}

impl std::fmt::Debug for HttpTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTarget")
            .field("endpoint", &self.endpoint.display())
            .finish_non_exhaustive()
    }
}

impl HttpTarget {
    /// Open a connection for one request.
    pub(crate) fn connect(&self) -> Result<HttpConn> {
        let stream = match (&self.endpoint, &self.side) {
            (Endpoint::Mock { .. }, Some(open)) => open()?,
            (Endpoint::Mock { .. }, None) => {
                return Err(Error::usage(
                    "mock:// has no server to send a file request to",
                ))
            }
            (endpoint, _) => transport::open_stream(endpoint, &self.tls, self.connect_timeout)?,
        };
        let host = match &self.endpoint {
            Endpoint::Tcp { host, port, .. } => {
                let host = if host.contains(':') {
                    format!("[{host}]")
                } else {
                    host.clone()
                };
                match (port, &self.endpoint) {
                    (443, Endpoint::Tcp { tls: true, .. })
                    | (80, Endpoint::Tcp { tls: false, .. }) => host,
                    _ => format!("{host}:{port}"),
                }
            }
            // The official client's dummy host for the local socket.
            _ => "localhost".to_string(),
        };
        Ok(HttpConn {
            reader: BufReader::with_capacity(BUFFER, Wire::new(stream, self.connect_timeout)),
            host,
            verbose: self.verbose,
            shown: self.endpoint.display(),
        })
    }
}

/// A request target with any credential in its query replaced, for messages and traces.
pub(crate) fn redact_target(target: &str) -> String {
    let Some((path, query)) = target.split_once('?') else {
        return target.to_string();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("auth_token") => {
                format!("{k}={}", super::redact::REDACTED)
            }
            _ => kv.to_string(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// The stream under a request, made interruptible: Ctrl-C (when caught) ends a blocked
/// read or write within [`crate::interrupt::POLL`], and `idle` bounds a silence.
pub(crate) struct Wire {
    stream: Stream,
    idle: Option<Duration>,
}

/// Why a read or write of a [`Wire`] stopped early (inside an `io::Error`).
#[derive(Debug)]
pub(crate) enum Stop {
    /// Ctrl-C was pressed.
    Interrupted,
    /// Nothing moved for the idle limit.
    Idle(Duration),
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Interrupted => f.write_str("interrupted"),
            Stop::Idle(d) => write!(f, "nothing received for {} s", d.as_secs()),
        }
    }
}

impl std::error::Error for Stop {}

/// The [`Stop`] inside an I/O error, if that is what it is.
pub(crate) fn stop_of(e: &io::Error) -> Option<&Stop> {
    e.get_ref().and_then(|inner| inner.downcast_ref::<Stop>())
}

impl Wire {
    fn new(stream: Stream, idle: Duration) -> Wire {
        let mut wire = Wire { stream, idle: None };
        wire.set_idle(Some(idle));
        wire
    }

    /// Limit the silence a read or write waits through (`None`: wait as long as it takes,
    /// for bodies whose job may compute for minutes before the next byte).
    pub(crate) fn set_idle(&mut self, idle: Option<Duration>) {
        self.idle = idle;
        let step = if crate::interrupt::caught() {
            Some(idle.map_or(crate::interrupt::POLL, |d| d.min(crate::interrupt::POLL)))
        } else {
            idle
        };
        let _ = self.stream.set_read_timeout(step);
        let _ = self.stream.set_write_timeout(step);
    }

    /// Run one read or write, retrying through poll timeouts until it moves, Ctrl-C is
    /// pressed or the idle limit passes.
    fn retrying(
        &mut self,
        mut op: impl FnMut(&mut Stream) -> io::Result<usize>,
    ) -> io::Result<usize> {
        let started = Instant::now();
        loop {
            if crate::interrupt::pressed() {
                return Err(io::Error::other(Stop::Interrupted));
            }
            match op(&mut self.stream) {
                Err(e) if transport::is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {
                    if let Some(idle) = self.idle {
                        if started.elapsed() >= idle {
                            return Err(io::Error::other(Stop::Idle(idle)));
                        }
                    }
                }
                other => return other,
            }
        }
    }
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.retrying(|s| s.read(buf))
    }
}

impl Write for Wire {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.retrying(|s| s.write(buf))
    }
    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// One HTTP/1.1 exchange (`Connection: close`): a request head, an optional body written
/// by the caller, then the response.
pub(crate) struct HttpConn {
    reader: BufReader<Wire>,
    host: String,
    verbose: bool,
    /// The server, for messages.
    pub(crate) shown: String,
}

/// A response's status line and headers.
#[derive(Debug)]
pub(crate) struct Head {
    pub status: u16,
    pub reason: String,
    headers: Vec<(String, String)>,
}

impl Head {
    /// The first header called `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn framing(&self) -> Result<Framing> {
        if let Some(te) = self.header("transfer-encoding") {
            if te
                .rsplit(',')
                .next()
                .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"))
            {
                return Ok(Framing::Chunked);
            }
        }
        match self.header("content-length") {
            Some(n) => n.trim().parse().map(Framing::Length).map_err(|_| {
                Error::connection(format!("the server sent a bad Content-Length ({n:?})"))
            }),
            None => Ok(Framing::Close),
        }
    }
}

enum Framing {
    Chunked,
    Length(u64),
    Close,
}

impl HttpConn {
    /// Send a request head; `target` is the path and query, `headers` come after `Host`.
    /// A secret in `target`'s query or in an `Authorization` header is never traced.
    pub(crate) fn send_head(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, String)],
    ) -> Result<()> {
        if target.contains(['\r', '\n', ' ']) {
            return Err(Error::connection(format!(
                "the server gave an unusable path: {}",
                redact_target(target)
            )));
        }
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nUser-Agent: midclt-rs/{}\r\nConnection: close\r\n",
            self.host,
            env!("CARGO_PKG_VERSION")
        );
        for (k, v) in headers {
            if v.contains(['\r', '\n']) {
                return Err(Error::usage(format!("header {k} holds a line break")));
            }
            head.push_str(k);
            head.push_str(": ");
            head.push_str(v);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        if self.verbose {
            let shown: Vec<String> = headers
                .iter()
                .map(|(k, v)| {
                    if k.eq_ignore_ascii_case("authorization") {
                        let scheme = v.split_once(' ').map_or("", |(s, _)| s);
                        format!("{k}: {scheme} {}", super::redact::REDACTED)
                    } else {
                        format!("{k}: {v}")
                    }
                })
                .collect();
            let headers = if shown.is_empty() {
                String::new()
            } else {
                format!(" [{}]", shown.join(", "))
            };
            eprintln!(
                "* HTTP {method} {} on {}{headers}",
                redact_target(target),
                self.shown
            );
        }
        self.body_writer()
            .write_all(head.as_bytes())
            .map_err(|e| self.io_error("sending the request", &e))
    }

    /// Where a request body goes (after [`HttpConn::send_head`]).
    pub(crate) fn body_writer(&mut self) -> &mut Wire {
        self.reader.get_mut()
    }

    /// Change the idle limit of reads and writes (see [`Wire::set_idle`]).
    pub(crate) fn set_idle(&mut self, idle: Option<Duration>) {
        self.reader.get_mut().set_idle(idle);
    }

    /// Read the response's status line and headers.
    pub(crate) fn read_head(&mut self) -> Result<Head> {
        let status_line = self.line("reading the response")?;
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or("");
        let status = parts.next().and_then(|s| s.parse::<u16>().ok());
        let (true, Some(status)) = (version.starts_with("HTTP/1."), status) else {
            return Err(Error::connection(format!(
                "{}: the server did not answer in HTTP/1.1 ({:?})",
                self.shown,
                printable(&status_line.chars().take(60).collect::<String>())
            ))
            .hint("is this the TrueNAS web interface port?"));
        };
        let reason = parts.next().unwrap_or("").to_string();
        let mut headers = Vec::new();
        loop {
            let line = self.line("reading the response headers")?;
            if line.is_empty() {
                break;
            }
            if headers.len() == MAX_HEADERS {
                return Err(Error::connection(format!(
                    "{}: the server sent more than {MAX_HEADERS} headers",
                    self.shown
                )));
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        if self.verbose {
            eprintln!("* HTTP {status} {reason}");
        }
        Ok(Head {
            status,
            reason,
            headers,
        })
    }

    /// The response body, framed as the head says.
    pub(crate) fn body(&mut self, head: &Head) -> Result<Body<'_>> {
        let inner: &mut dyn BufRead = &mut self.reader;
        Ok(match head.framing()? {
            Framing::Chunked => Body::Chunked(ChunkedReader::new(inner)),
            Framing::Length(n) => Body::Length(inner, n),
            Framing::Close => Body::Close(inner),
        })
    }

    /// Read a whole small body (an error text, a JSON answer), at most `limit` bytes.
    pub(crate) fn small_body(&mut self, head: &Head, limit: u64) -> Result<Vec<u8>> {
        let shown = self.shown.clone();
        let mut out = Vec::new();
        self.body(head)?
            .take(limit)
            .read_to_end(&mut out)
            .map_err(|e| io_error(&shown, "reading the response", &e))?;
        Ok(out)
    }

    fn line(&mut self, doing: &str) -> Result<String> {
        let mut buf = Vec::new();
        let n = (&mut self.reader)
            .take(MAX_LINE)
            .read_until(b'\n', &mut buf)
            .map_err(|e| self.io_error(doing, &e))?;
        if n == 0 {
            return Err(Error::connection(format!(
                "{}: the server closed the connection without an answer",
                self.shown
            )));
        }
        if !buf.ends_with(b"\n") {
            return Err(Error::connection(format!(
                "{}: the server sent a header line longer than {} KiB",
                self.shown,
                MAX_LINE / 1024
            )));
        }
        while buf.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
            buf.pop();
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    pub(crate) fn io_error(&self, doing: &str, e: &io::Error) -> Error {
        io_error(&self.shown, doing, e)
    }
}

/// A failed read or write of the connection as the client's error: Ctrl-C, an idle
/// limit, or a broken connection.
pub(crate) fn io_error(shown: &str, doing: &str, e: &io::Error) -> Error {
    match stop_of(e) {
        Some(Stop::Interrupted) => Error::interrupted(format!("interrupted while {doing}")),
        Some(Stop::Idle(d)) => Error::timeout(format!(
            "{shown}: no data for {} s while {doing}",
            d.as_secs()
        )),
        None => Error::connection(format!("{shown}: connection lost while {doing}: {e}")),
    }
}

/// A response body as a byte stream; its end is the framing's end, and a connection that
/// ends before it is an `UnexpectedEof` error.
pub(crate) enum Body<'a> {
    Chunked(ChunkedReader<&'a mut dyn BufRead>),
    Length(&'a mut dyn BufRead, u64),
    Close(&'a mut dyn BufRead),
}

impl Read for Body<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Body::Chunked(c) => c.read(buf),
            Body::Length(inner, left) => {
                if *left == 0 || buf.is_empty() {
                    return Ok(0);
                }
                let want = buf.len().min(usize::try_from(*left).unwrap_or(usize::MAX));
                let n = inner.read(&mut buf[..want])?;
                if n == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("the body ended {left} bytes early"),
                    ));
                }
                *left -= n as u64;
                Ok(n)
            }
            Body::Close(inner) => inner.read(buf),
        }
    }
}

/// Decodes `Transfer-Encoding: chunked` (RFC 9112 §7.1) from a buffered reader, passing
/// data through without collecting it. Chunk extensions and trailers are skipped.
pub(crate) struct ChunkedReader<R> {
    inner: R,
    /// Bytes left in the current chunk.
    left: u64,
    done: bool,
}

impl<R: BufRead> ChunkedReader<R> {
    pub(crate) fn new(inner: R) -> ChunkedReader<R> {
        ChunkedReader {
            inner,
            left: 0,
            done: false,
        }
    }

    fn line(&mut self) -> io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        (&mut self.inner).take(4096).read_until(b'\n', &mut buf)?;
        if !buf.ends_with(b"\n") {
            return Err(bad_chunk(if buf.is_empty() {
                "the body ended inside the chunked encoding"
            } else {
                "a chunk-size line is missing its end"
            }));
        }
        while buf.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
            buf.pop();
        }
        Ok(buf)
    }
}

fn bad_chunk(what: &str) -> io::Error {
    if what.starts_with("the body ended") {
        io::Error::new(io::ErrorKind::UnexpectedEof, what.to_string())
    } else {
        io::Error::new(io::ErrorKind::InvalidData, what.to_string())
    }
}

impl<R: BufRead> Read for ChunkedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let line = self.line()?;
            let text = String::from_utf8_lossy(&line);
            let size = text.split(';').next().unwrap_or("").trim();
            if size.is_empty() || size.len() > 15 {
                return Err(bad_chunk("a chunk size is not a hexadecimal number"));
            }
            self.left = u64::from_str_radix(size, 16)
                .map_err(|_| bad_chunk("a chunk size is not a hexadecimal number"))?;
            if self.left == 0 {
                // Trailers, up to the empty line that ends the message.
                while !self.line()?.is_empty() {}
                self.done = true;
                return Ok(0);
            }
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(bad_chunk("the body ended inside a chunk"));
        }
        self.left -= n as u64;
        if self.left == 0 && !self.line()?.is_empty() {
            return Err(bad_chunk("a chunk is longer than its size says"));
        }
        Ok(n)
    }
}

/// Server text for a message, control characters replaced (it may reach a terminal).
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// What a refused transfer request means, as the client's error: `what` names the
/// request ("the download of job 12"), `body` is the server's short explanation.
pub(crate) fn status_error(what: &str, head: &Head, body: &[u8]) -> Error {
    let text = String::from_utf8_lossy(body);
    let text = printable(text.trim());
    let said = if text.is_empty() {
        String::new()
    } else {
        format!(": {}", text.chars().take(300).collect::<String>())
    };
    let status = head.status;
    let reason = &head.reason;
    match status {
        401 | 403 => Error::new(
            Kind::Auth,
            format!("the server refused {what} (HTTP {status} {reason}{said})"),
        )
        .hint("the single-use token was not accepted: it expired, was already used, or came from another address (a proxy in between?); try again"),
        404 => Error::new(
            Kind::Server,
            format!("the server has no such transfer: {what} (HTTP 404{said})"),
        )
        .hint("the job may have ended already; check it with `midclt job show ID`"),
        410 => Error::new(
            Kind::Server,
            format!("{what} is gone (HTTP 410{said}): its window closed or it was already taken"),
        )
        .hint("a download must start within 60 s of core.download and can be taken once; run the command again"),
        413 => Error::new(Kind::Server, format!("the server refused {what} as too large (HTTP 413{said})")),
        301 | 302 | 303 | 307 | 308 => Error::connection(format!(
            "the server redirected {what} (HTTP {status} to {})",
            head.header("location").unwrap_or("?")
        ))
        .hint("the NAS redirects plain HTTP to HTTPS: use wss://HOST"),
        502..=504 => Error::connection(format!(
            "a proxy could not reach the middleware for {what} (HTTP {status} {reason}{said})"
        )),
        _ => Error::new(
            Kind::Server,
            format!("the server refused {what} (HTTP {status} {reason}{said})"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(wire: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        ChunkedReader::new(BufReader::with_capacity(3, wire)).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn chunked_bodies_decode_across_small_buffers() {
        let wire = b"5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: y\r\n\r\n";
        assert_eq!(decode(wire).unwrap(), b"hello 0123456789");
        assert_eq!(decode(b"0\r\n\r\n").unwrap(), b"");
    }

    #[test]
    fn broken_chunked_bodies_are_errors() {
        // Cut inside a chunk, inside a size line, a size that is not hex, a chunk longer
        // than its size, a size too large to hold.
        for wire in [
            &b"5\r\nhel"[..],
            b"5\r\nhello\r\n",
            b"zz\r\nhello\r\n0\r\n\r\n",
            b"2\r\nhello\r\n0\r\n\r\n",
            b"ffffffffffffffffff\r\n",
        ] {
            assert!(decode(wire).is_err(), "{:?}", String::from_utf8_lossy(wire));
        }
        let e = decode(b"5\r\nhel").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn tokens_never_show_in_targets() {
        let t = redact_target("/_download/12?auth_token=s3cr3t&x=1");
        assert_eq!(t, "/_download/12?auth_token=<redacted>&x=1");
        assert!(!redact_target("/_upload?AUTH_TOKEN=abc").contains("abc"));
        assert_eq!(redact_target("/_upload"), "/_upload");
    }
}
