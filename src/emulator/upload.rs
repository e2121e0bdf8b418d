//! `POST /_upload`: a `multipart/form-data` body whose first part (`data`) names the call
//! and whose next part (`file`) is streamed into the job's input pipe, with the server's
//! credentials (token, Basic, Bearer key) and its status codes.

use super::api::ApiError;
use super::http::{respond, Replay, Request};
use super::pipes::{self, Pipes};
use super::{lock, methods, Emulator, Origin};
use crate::client::http::ChunkedReader;
use serde_json::{json, Value};
use std::io::{self, BufReader, Read};

/// The `data` part is a small JSON document.
const MAX_DATA: usize = 1 << 20;
/// Part headers are a few lines.
const MAX_PART_HEAD: usize = 8 * 1024;
const CHUNK: usize = 64 * 1024;

type Refusal = (u16, &'static str, String);

/// Answer an upload request; the body is read to its end first, so a client still sending
/// it gets the answer rather than a reset connection.
pub(crate) fn serve(emu: &Emulator, s: &mut Replay, origin: &Origin, request: &Request) {
    if request.method != "POST" {
        let _ = respond(s, 405, "Method Not Allowed", b"");
        return;
    }
    let boundary = request
        .header("content-type")
        .filter(|t| t.to_ascii_lowercase().starts_with("multipart/form-data"))
        .and_then(|t| {
            t.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
                .map(|b| b.trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty());
    let Some(boundary) = boundary else {
        let _ = respond(
            s,
            400,
            "Bad Request",
            b"a multipart/form-data body is required",
        );
        return;
    };
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let length = request
        .header("content-length")
        .and_then(|n| n.trim().parse::<u64>().ok());
    let (status, reason, body) = {
        let body: Box<dyn Read + '_> = match (chunked, length) {
            (true, _) => Box::new(ChunkedReader::new(BufReader::new(&mut *s))),
            (false, Some(n)) => Box::new((&mut *s).take(n)),
            (false, None) => {
                let _ = respond(s, 411, "Length Required", b"");
                return;
            }
        };
        let mut parts = Parts::new(body, &boundary);
        let answer = match receive(emu, &mut parts, origin, request) {
            Ok(job_id) => (200, "OK", json!({"job_id": job_id}).to_string()),
            Err((status, reason, text)) => (status, reason, text),
        };
        parts.drain();
        answer
    };
    let _ = respond(s, status, reason, body.as_bytes());
}

/// The server's steps: the `data` part, the credentials, the `file` part into a new job.
fn receive(
    emu: &Emulator,
    parts: &mut Parts<'_>,
    origin: &Origin,
    request: &Request,
) -> Result<i64, Refusal> {
    let broken = |e: io::Error| (400, "Bad Request", e.to_string());
    let Some(first) = parts.next_part().map_err(broken)? else {
        return Err((405, "Method Not Allowed", "No part found on payload".into()));
    };
    if first != "data" {
        return Err((
            405,
            "Method Not Allowed",
            "\"data\" part must be the first on payload".into(),
        ));
    }
    let mut data = Vec::new();
    parts
        .read_part(&mut |chunk| {
            if data.len() + chunk.len() > MAX_DATA {
                return Err(io::Error::other("the \"data\" part is too large"));
            }
            data.extend_from_slice(chunk);
            Ok(())
        })
        .map_err(broken)?;
    let data: Value =
        serde_json::from_slice(&data).map_err(|e| (400, "Bad Request", e.to_string()))?;
    let Some(method) = data.get("method").and_then(Value::as_str) else {
        return Err((422, "Unprocessable Entity", String::new()));
    };
    let params = match data.get("params") {
        Some(Value::Array(p)) => p.clone(),
        _ => Vec::new(),
    };
    let (user, cred) = credentials(emu, request, origin)?;
    if parts.next_part().map_err(broken)?.as_deref() != Some("file") {
        return Err((
            405,
            "Method Not Allowed",
            "\"file\" not found as second part on payload".into(),
        ));
    }
    let (tx, pipe) = pipes::input();
    let mut session = methods::session_for(emu, origin.clone(), &user, cred);
    let pipes = Pipes {
        input: Some(pipe),
        output: None,
    };
    let started = methods::call_piped(emu, &mut session, method, params, pipes);
    let job_id = match started {
        Ok(v) => v.as_i64().unwrap_or_default(),
        Err(e @ ApiError::Call { .. }) if e.reason().contains("[ENOMETHOD]") => {
            return Err((422, "Unprocessable Entity", e.reason()))
        }
        Err(e @ ApiError::Call { .. }) => return Err((412, "Precondition Failed", e.reason())),
        Err(e) => return Err((500, "Internal Server Error", e.reason())),
    };
    // A job that stops reading (it failed, or was aborted) leaves the rest unread, as
    // the server's broken pipe does.
    let mut feeding = Some(tx);
    let fed = parts.read_part(&mut |chunk| {
        if let Some(tx) = &feeding {
            if tx.send(chunk.to_vec()).is_err() {
                feeding = None;
            }
        }
        Ok(())
    });
    drop(feeding);
    fed.map_err(broken)?;
    // The emulator's jobs take one file; further `file` parts are read and dropped.
    while let Some(name) = parts.next_part().map_err(broken)? {
        if name != "file" {
            return Err((
                405,
                "Method Not Allowed",
                format!("Unknown payload part '{name}'"),
            ));
        }
        parts.read_part(&mut |_| Ok(())).map_err(broken)?;
    }
    Ok(job_id)
}

/// Who the request's credentials name: a token from `auth.generate_token` (header or
/// query), `Basic` user and password, or a `Bearer` API key.
fn credentials(
    emu: &Emulator,
    request: &Request,
    origin: &Origin,
) -> Result<(String, &'static str), Refusal> {
    let unauthorized = |text: &str| (401, "Unauthorized", text.to_string());
    let auth = request.header("authorization");
    let token = match auth {
        Some(a) => a.strip_prefix("Token "),
        None => request.query("auth_token"),
    };
    if let Some(token) = token {
        let found = lock(&emu.shared.state).use_token(token.trim(), &origin.address());
        // Tokens of downloads (with attributes) do not authorise calls.
        let user = found
            .filter(|t| t.attrs.as_object().is_none_or(serde_json::Map::is_empty))
            .map(|t| t.username);
        let allowed = user.filter(|u| {
            lock(&emu.shared.state)
                .user(u)
                .is_some_and(|u| u.api_access)
        });
        return match allowed {
            Some(u) => Ok((u, "TOKEN")),
            None => Err((403, "Forbidden", "Invalid token".into())),
        };
    }
    let Some(auth) = auth else {
        return Err(unauthorized(""));
    };
    if let Some(basic) = auth.strip_prefix("Basic ") {
        use base64::Engine as _;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(basic.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        let Some((user, password)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
            return Err((400, "Bad Request", String::new()));
        };
        let st = lock(&emu.shared.state);
        let Some(u) = st.user(user) else {
            return Err(unauthorized("Bad username or password"));
        };
        if u.otp_secret.is_some() {
            return Err(unauthorized(
                "HTTP Basic Auth is unavailable when OTP is enabled",
            ));
        }
        if !crate::auth::scram::ct_eq(u.password.as_bytes(), password.as_bytes()) || !u.api_access {
            return Err(unauthorized("Bad username or password"));
        }
        return Ok((user.to_string(), "LOGIN_PASSWORD"));
    }
    if let Some(key) = auth.strip_prefix("Bearer ") {
        return api_key(emu, key.trim(), origin).ok_or_else(|| unauthorized("Invalid API key"));
    }
    Err(unauthorized(""))
}

/// The owner of a valid API key. A key seen in clear over an insecure transport is
/// revoked (26.0+), as on login.
fn api_key(emu: &Emulator, raw: &str, origin: &Origin) -> Option<(String, &'static str)> {
    let (id, material) = raw.split_once('-')?;
    let id: u64 = id.parse().ok()?;
    let secure = match origin {
        Origin::Unix | Origin::Tcp { tls: true, .. } => true,
        Origin::Tcp { peer, .. } => {
            peer.ip().is_loopback() && !emu.shared.config.loopback_is_remote
        }
    };
    let mut st = lock(&emu.shared.state);
    let key = st.key_mut(id)?;
    if !key.matches_material(material) || key.revoked || key.expired() {
        return None;
    }
    if !secure {
        key.revoked = true;
        key.revoked_reason = Some("Attempt to use over an insecure transport".into());
        return None;
    }
    let owner = key.username.clone();
    st.user(&owner)
        .is_some_and(|u| u.api_access)
        .then_some((owner, "API_KEY"))
}

/// Reads a multipart body part by part, passing each part's data on in pieces; only a
/// delimiter's length is held back between reads.
struct Parts<'a> {
    inner: Box<dyn Read + 'a>,
    /// Read but not yet handed on.
    pending: Vec<u8>,
    /// `CRLF--boundary`.
    delimiter: Vec<u8>,
    /// The last delimiter was the closing one.
    done: bool,
    /// A delimiter was just consumed (the current part's data is all read).
    at_delimiter: bool,
}

impl<'a> Parts<'a> {
    fn new(inner: Box<dyn Read + 'a>, boundary: &str) -> Parts<'a> {
        Parts {
            inner,
            // The first delimiter has no line break before it; one is assumed.
            pending: b"\r\n".to_vec(),
            delimiter: format!("\r\n--{boundary}").into_bytes(),
            done: false,
            at_delimiter: false,
        }
    }

    /// Read more of the body; false at its end.
    fn fill(&mut self) -> io::Result<bool> {
        let mut buf = vec![0u8; CHUNK];
        loop {
            match self.inner.read(&mut buf) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.pending.extend_from_slice(&buf[..n]);
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Pass the data up to the next delimiter to `sink`, and consume the delimiter.
    fn read_part(&mut self, sink: &mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        let d = self.delimiter.len();
        loop {
            if let Some(at) = self
                .pending
                .windows(d)
                .position(|w| w == self.delimiter.as_slice())
            {
                sink(&self.pending[..at])?;
                self.pending.drain(..at + d);
                self.at_delimiter = true;
                return Ok(());
            }
            if self.pending.len() >= d {
                let safe = self.pending.len() - (d - 1);
                sink(&self.pending[..safe])?;
                self.pending.drain(..safe);
            }
            if !self.fill()? {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the body ended inside a part",
                ));
            }
        }
    }

    /// Move to the next part and return its name; `None` after the closing delimiter.
    /// Whatever is left of the current part (or the preamble) is skipped.
    fn next_part(&mut self) -> io::Result<Option<String>> {
        if self.done {
            return Ok(None);
        }
        if !self.at_delimiter {
            self.read_part(&mut |_| Ok(()))?;
        }
        self.at_delimiter = false;
        while self.pending.len() < 2 {
            if !self.fill()? {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the body ended after a delimiter",
                ));
            }
        }
        if self.pending.starts_with(b"--") {
            self.done = true;
            return Ok(None);
        }
        // The delimiter's line ends, the part's headers follow up to a blank line.
        let head_end = loop {
            if let Some(at) = self.pending.windows(4).position(|w| w == b"\r\n\r\n") {
                break at;
            }
            if self.pending.len() > MAX_PART_HEAD || !self.fill()? {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "a part's headers do not end",
                ));
            }
        };
        let head = String::from_utf8_lossy(&self.pending[..head_end]).into_owned();
        self.pending.drain(..head_end + 4);
        let name = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
            .and_then(|l| {
                l.split(';').find_map(|p| {
                    p.trim()
                        .strip_prefix("name=")
                        .map(|n| n.trim_matches('"').to_string())
                })
            })
            .unwrap_or_default();
        Ok(Some(name))
    }

    /// Read whatever is left of the body.
    fn drain(&mut self) {
        self.pending.clear();
        while matches!(self.fill(), Ok(true)) {
            self.pending.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &[u8], boundary: &str, step: usize) -> Vec<(String, Vec<u8>)> {
        // A reader that hands out `step` bytes at a time, to cut delimiters in pieces.
        struct Slow<'a>(&'a [u8], usize);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut parts = Parts::new(Box::new(Slow(body, step)), boundary);
        let mut out = Vec::new();
        while let Some(name) = parts.next_part().unwrap() {
            let mut data = Vec::new();
            parts
                .read_part(&mut |c| {
                    data.extend_from_slice(c);
                    Ok(())
                })
                .unwrap();
            out.push((name, data));
        }
        out
    }

    #[test]
    fn parts_are_found_however_the_body_is_cut() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n{\"method\": \"m\"}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nline\r\n--XyNot the end\r\n--XyZ--\r\n";
        for step in [1, 2, 3, 7, 64, 4096] {
            let parts = parse(body, "XyZ", step);
            assert_eq!(parts.len(), 2, "step {step}");
            assert_eq!(parts[0].0, "data");
            assert_eq!(parts[0].1, b"{\"method\": \"m\"}");
            assert_eq!(parts[1].0, "file");
            assert_eq!(parts[1].1, b"line\r\n--XyNot the end", "step {step}");
        }
    }

    #[test]
    fn client_bodies_parse() {
        let m =
            crate::client::multipart::Multipart::new("mock.upload_sha256", &[], "a.bin").unwrap();
        let boundary = m
            .content_type()
            .split_once("boundary=")
            .unwrap()
            .1
            .to_string();
        let mut body = m.preamble.clone();
        body.extend_from_slice(&[0u8, 13, 10, 45, 45, 1, 2]);
        body.extend_from_slice(&m.epilogue);
        let parts = parse(&body, &boundary, 5);
        assert_eq!(parts[1].1, [0u8, 13, 10, 45, 45, 1, 2]);
    }
}
