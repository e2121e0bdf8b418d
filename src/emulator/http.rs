//! Plain HTTP on the emulator's listeners, beside the WebSocket upgrades, as the server's
//! one web application serves both: the request head is read first, then a WebSocket
//! upgrade goes on to the WebSocket handshake (which reads the head again) and
//! `/_download/ID` and `/_upload` are answered here.

use super::{lock, Emulator, Origin};
use crate::client::transport::Stream;
use std::io::{self, Read, Write};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The largest request head accepted.
const MAX_HEAD: usize = 16 * 1024;
/// How long a write to a slow client may block.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an upload's body may pause (the head's limit is the handshake's).
const READ_TIMEOUT: Duration = Duration::from_secs(120);

/// A request line and its headers.
pub(crate) struct Request {
    pub method: String,
    pub target: String,
    headers: Vec<(String, String)>,
}

impl Request {
    /// The first header called `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The first value of a query parameter (percent-decoding is not needed for the
    /// server's own tokens, which are alphanumeric).
    pub(crate) fn query(&self, key: &str) -> Option<&str> {
        let (_, query) = self.target.split_once('?')?;
        query.split('&').find_map(|kv| match kv.split_once('=') {
            Some((k, v)) if k == key => Some(v),
            _ => None,
        })
    }

    fn is_websocket(&self) -> bool {
        self.header("upgrade")
            .is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
    }
}

/// A stream that gives back the bytes already read from it before reading on.
pub(crate) struct Replay {
    read: Vec<u8>,
    pos: usize,
    inner: Stream,
}

impl Replay {
    pub(crate) fn stream(&self) -> &Stream {
        &self.inner
    }
}

impl Read for Replay {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.read.len() {
            let n = buf.len().min(self.read.len() - self.pos);
            buf[..n].copy_from_slice(&self.read[self.pos..self.pos + n]);
            self.pos += n;
            if self.pos == self.read.len() {
                self.read = Vec::new();
                self.pos = 0;
            }
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

impl Write for Replay {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// What arrived on a new connection.
pub(crate) enum Arrival {
    /// A WebSocket upgrade: the stream replays the request for the handshake.
    WebSocket(Replay),
    /// Something else, answered here already.
    Done,
}

/// Read the request head and serve it unless it is a WebSocket upgrade.
pub(crate) fn accept(emu: &Emulator, mut stream: Stream, origin: &Origin) -> Arrival {
    let mut read = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = find(&read, b"\r\n\r\n") {
            break at + 4;
        }
        if read.len() > MAX_HEAD {
            let _ = respond(&mut stream, 431, "Request Header Fields Too Large", b"");
            return Arrival::Done;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return Arrival::Done,
            Ok(n) => read.extend_from_slice(&buf[..n]),
        }
    };
    let Some(request) = parse_head(&read[..head_end]) else {
        let _ = respond(&mut stream, 400, "Bad Request", b"");
        return Arrival::Done;
    };
    if request.is_websocket() {
        return Arrival::WebSocket(Replay {
            read,
            pos: 0,
            inner: stream,
        });
    }
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let mut stream = Replay {
        read,
        pos: head_end,
        inner: stream,
    };
    let path = request.path().to_string();
    let refused = emu.shared.fail_next_transfer.swap(0, Ordering::SeqCst);
    if path.starts_with("/_download") || path.starts_with("/_upload") {
        if refused != 0 {
            // The body is read first, so a client still sending it gets the answer.
            let length = request
                .header("content-length")
                .and_then(|n| n.trim().parse::<u64>().ok())
                .unwrap_or(0);
            let _ = io::copy(&mut (&mut stream).take(length), &mut io::sink());
            let _ = respond(&mut stream, refused, "Refused", b"");
        } else if path.starts_with("/_download") {
            download(emu, &mut stream, origin, &request);
        } else {
            super::upload::serve(emu, &mut stream, origin, &request);
        }
    } else {
        if refused != 0 {
            // Not a transfer: the planned refusal waits for one.
            emu.fail_next_transfer(refused);
        }
        let _ = respond(&mut stream, 404, "Not Found", b"404: Not Found");
    }
    let _ = stream.flush();
    Arrival::Done
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse_head(head: &[u8]) -> Option<Request> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    if !first.next()?.starts_with("HTTP/1.") || !target.starts_with('/') {
        return None;
    }
    let headers = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Request {
        method,
        target,
        headers,
    })
}

/// A complete response with `body`; the connection closes after it.
pub(crate) fn respond(w: &mut dyn Write, status: u16, reason: &str, body: &[u8]) -> io::Result<()> {
    let kind = if body.first() == Some(&b'{') {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    write!(
        w,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    w.write_all(body)?;
    w.flush()
}

/// `GET /_download/ID?auth_token=T`: the output of a job started by `core.download`, in
/// the server's order of checks (path, token, job, window), streamed as chunks.
fn download(emu: &Emulator, s: &mut Replay, origin: &Origin, request: &Request) {
    let path = request.path();
    let id = path
        .rsplit('/')
        .next()
        .filter(|last| !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|last| last.parse::<i64>().ok());
    let Some(id) = id else {
        let _ = respond(s, 404, "Not Found", b"");
        return;
    };
    let token_job = request.query("auth_token").and_then(|token| {
        let token = lock(&emu.shared.state).use_token(token, &origin.address())?;
        token.attrs.get("job").and_then(serde_json::Value::as_i64)
    });
    if token_job != Some(id) {
        let _ = respond(s, 401, "Unauthorized", b"");
        return;
    }
    if emu.job(id).is_none() {
        let _ = respond(s, 404, "Not Found", b"");
        return;
    }
    let taken = lock(&emu.shared.state).downloads.remove(&id);
    let Some(download) = taken.filter(|d| Instant::now() < d.deadline) else {
        let _ = respond(s, 410, "Gone", b"");
        return;
    };
    let _ = download.start.send(());
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{}\"\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        download.filename.replace(['"', '\r', '\n'], "_")
    );
    if s.write_all(head.as_bytes()).is_err() {
        return;
    }
    // Ends when the job drops its end of the pipe; a client that leaves breaks the pipe
    // (dropping `download`), and the job fails as on the server.
    while let Ok(chunk) = download.data.recv() {
        if chunk.is_empty() {
            continue;
        }
        let sent = write!(s, "{:x}\r\n", chunk.len())
            .and_then(|()| s.write_all(&chunk))
            .and_then(|()| s.write_all(b"\r\n"));
        if sent.is_err() {
            return;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_parse_and_queries_are_read() {
        let r = parse_head(b"GET /_download/12?x=1&auth_token=abc HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\n\r\n").unwrap();
        assert_eq!(r.path(), "/_download/12");
        assert_eq!(r.query("auth_token"), Some("abc"));
        assert_eq!(r.query("y"), None);
        assert!(r.is_websocket());
        assert!(parse_head(b"GET nothing HTTP/1.1\r\n\r\n").is_none());
        assert!(parse_head(b"GET / SPDY\r\n\r\n").is_none());
    }
}
