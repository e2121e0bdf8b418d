//! Files in and out of jobs: downloads (`core.download`, then `GET /_download/ID`),
//! uploads (`POST /_upload`, multipart) and job logs (`core.job_download_logs`).
//!
//! The HTTP request goes to the server of the logged-in connection, over the same kind of
//! stream and trust decision. Bytes pass through a fixed-size buffer, so memory stays flat
//! whatever the size. A transfer is only half the story: the job that produced or
//! consumed the bytes can still fail afterwards, so its outcome is always followed, and a
//! download counts only when its job succeeded (see [`PartFile`] for where the bytes wait
//! until then).

mod file;

pub use file::PartFile;

use crate::client::http::{self, status_error, HttpConn};
use crate::client::multipart::Multipart;
use crate::client::rpc::{Client, Notification};
use crate::error::{Error, Kind, Result};
use crate::jobs::{self, Reconnect};
use serde_json::{json, Value};
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// How often a running transfer reads the job's events (its progress, and so the server
/// never waits on a full socket).
const EVENTS_EVERY: Duration = Duration::from_millis(250);
/// Upload tokens live this long; the request follows at once.
const TOKEN_TTL: u64 = 300;

/// Where the bytes of a transfer are reported (a bar with bytes and rate on a terminal).
pub trait ByteProgress {
    /// The transfer starts; `total` is its size when known.
    fn start(&mut self, _total: Option<u64>) {}
    /// `bytes` more were transferred.
    fn advance(&mut self, _bytes: u64) {}
    /// What the job says it is doing.
    fn message(&mut self, _text: &str) {}
    /// The bytes are through (`success`) or the transfer stopped.
    fn finish(&mut self, _success: bool) {}
}

/// No transfer progress.
pub struct Quiet;

impl ByteProgress for Quiet {}

/// A finished transfer.
#[derive(Debug, Clone, PartialEq)]
pub struct Transferred {
    /// The job that produced or consumed the bytes.
    pub job_id: i64,
    /// How many bytes went over the wire (the file's bytes, without HTTP framing).
    pub bytes: u64,
    /// The job's result.
    pub result: Value,
}

/// Run `method(params)` as a download job (`core.download`) and write its output to
/// `out`, then follow the job to its end. An `Err` means the bytes written to `out` must
/// not be used: the request was refused, the connection broke, or the job failed after
/// sending them. `filename` is the name the server records for the download.
pub fn download(
    client: &mut Client,
    reconnect: Option<Reconnect<'_>>,
    method: &str,
    params: Vec<Value>,
    filename: &str,
    out: &mut dyn Write,
    progress: &mut dyn ByteProgress,
) -> Result<Transferred> {
    with_job_events(client, |client| {
        let answer = client.call(
            "core.download",
            vec![
                json!(method),
                Value::Array(params),
                json!(filename),
                json!(false),
            ],
        )?;
        let (job_id, url) = match answer.as_array().map(Vec::as_slice) {
            Some([id, Value::String(url)]) if id.as_i64().is_some() => {
                (id.as_i64().unwrap_or_default(), url.clone())
            }
            _ => {
                return Err(Error::connection(format!(
                    "core.download answered {}, not [job id, URL]",
                    crate::py::json::dumps(&answer)
                )))
            }
        };
        let url = Zeroizing::new(url);
        let get = Get {
            job_id,
            url: &url,
            skip: 0,
        };
        let bytes = fetch(client, &get, out, progress)?;
        let result = follow(client, reconnect, method, job_id, &mut jobs::Silent)?;
        Ok(Transferred {
            job_id,
            bytes,
            result,
        })
    })
}

/// Send `size` bytes of `source` to `method(params)` through `POST /_upload`, then follow
/// the job the server started to its end and return its result. The request carries a
/// fresh single-use token made over `client`'s session, so no password or key is sent
/// again. `filename` is the name the server sees for the file.
#[allow(clippy::too_many_arguments)]
pub fn upload(
    client: &mut Client,
    reconnect: Option<Reconnect<'_>>,
    method: &str,
    params: Vec<Value>,
    source: &mut dyn Read,
    size: u64,
    filename: &str,
    progress: &mut dyn ByteProgress,
    job_progress: &mut dyn jobs::Progress,
) -> Result<Transferred> {
    let token = upload_token(client)?;
    with_job_events(client, |client| {
        let parts = Multipart::new(method, &params, filename)?;
        let mut conn = client.http_target().connect()?;
        let authorization = Zeroizing::new(format!("Token {}", token.as_str()));
        conn.send_head(
            "POST",
            "/_upload",
            &[
                ("Content-Type", parts.content_type()),
                ("Content-Length", parts.content_length(size).to_string()),
                ("Authorization", authorization.to_string()),
            ],
        )?;
        drop(authorization);
        // A job may read its input slowly; only Ctrl-C ends a long wait.
        conn.set_idle(None);
        let mut watch = Watch::new(0, Some((method.to_string(), params)));
        progress.start(Some(size));
        let sent = send_parts(
            client, &mut conn, &parts, source, size, progress, &mut watch,
        );
        let head = match sent {
            Ok(()) => conn.read_head(),
            // A server that refuses early may stop reading; its answer says why.
            Err(e) if e.kind == Kind::Connection => conn.read_head().map_err(|_| e),
            Err(e) => Err(e),
        };
        let head = match head {
            Ok(head) => head,
            Err(e) => {
                progress.finish(false);
                return Err(stopped_upload(client, e, &watch));
            }
        };
        let body = conn.small_body(&head, 64 * 1024)?;
        if head.status != 200 {
            progress.finish(false);
            return Err(status_error(
                &format!("the upload to {method}"),
                &head,
                &body,
            ));
        }
        progress.finish(true);
        let job_id = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|v| v.get("job_id").and_then(Value::as_i64))
            .ok_or_else(|| {
                Error::connection(format!(
                    "the server accepted the upload but answered {:?}, not {{\"job_id\": N}}",
                    String::from_utf8_lossy(&body)
                        .chars()
                        .take(200)
                        .collect::<String>()
                ))
            })?;
        let result = follow(client, reconnect, method, job_id, job_progress)?;
        Ok(Transferred {
            job_id,
            bytes: size,
            result,
        })
    })
}

/// Write the log of job `job_id` to `out` (`core.job_download_logs`), leaving out its
/// first `skip` bytes (what an earlier call already wrote). Returns the log's length.
pub fn job_log(client: &mut Client, job_id: i64, skip: u64, out: &mut dyn Write) -> Result<u64> {
    with_job_events(client, |client| {
        let url = client.call(
            "core.job_download_logs",
            vec![json!(job_id), json!(format!("{job_id}.log")), json!(false)],
        )?;
        let Some(url) = url.as_str() else {
            return Err(Error::connection(format!(
                "core.job_download_logs answered {}, not a URL",
                crate::py::json::dumps(&url)
            )));
        };
        let url = Zeroizing::new(url.to_string());
        // The log is served by a `filesystem.get` job, whose id the URL carries.
        let reader = url
            .split('?')
            .next()
            .and_then(|p| p.strip_prefix("/_download/"))
            .and_then(|id| id.parse::<i64>().ok())
            .ok_or_else(|| {
                Error::connection(format!(
                    "core.job_download_logs gave an unexpected URL: {}",
                    http::redact_target(&url)
                ))
            })?;
        let get = Get {
            job_id: reader,
            url: &url,
            skip,
        };
        let length = fetch(client, &get, out, &mut Quiet)?;
        follow(client, None, "filesystem.get", reader, &mut jobs::Silent)?;
        Ok(length)
    })
}

/// Write `text` to `path` through a [`PartFile`], so a failed write never leaves a
/// partial file under that name.
pub(crate) fn write_file(path: &std::path::Path, text: &str) -> Result<()> {
    let mut part = PartFile::create(path)?;
    part.write_all(text.as_bytes())
        .map_err(|e| Error::io(format!("cannot write {e}")))?;
    part.commit()
}

/// Run `f` with a `core.get_jobs` subscription (so the job's end cannot be missed), and
/// drop it afterwards on a connection that stays in use.
fn with_job_events<T>(client: &mut Client, f: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
    let subscription = client.subscribe("core.get_jobs")?;
    let outcome = f(client);
    if !matches!(&outcome, Err(e) if matches!(e.kind, Kind::Connection | Kind::Timeout)) {
        let _ = client.unsubscribe(&subscription);
        drop(client.take_queued());
    }
    outcome
}

fn follow(
    client: &mut Client,
    reconnect: Option<Reconnect<'_>>,
    method: &str,
    job_id: i64,
    progress: &mut dyn jobs::Progress,
) -> Result<Value> {
    match reconnect {
        Some(r) => jobs::follow_reconnecting(client, r, method, job_id, progress),
        None => jobs::follow(client, method, job_id, progress),
    }
}

/// One download request: the job, the URL `core.download` gave, and how many bytes of
/// the body to leave out (what an earlier request already wrote).
struct Get<'a> {
    job_id: i64,
    url: &'a str,
    skip: u64,
}

/// GET the URL (a `/_download/...` path) and copy the body to `out`. Returns the body's
/// length. On failure the job is aborted: its output has nowhere to go.
fn fetch(
    client: &mut Client,
    get: &Get<'_>,
    out: &mut dyn Write,
    progress: &mut dyn ByteProgress,
) -> Result<u64> {
    let job_id = get.job_id;
    match receive(client, get, out, progress) {
        Ok(n) => {
            progress.finish(true);
            Ok(n)
        }
        Err(e) => {
            progress.finish(false);
            abort_quietly(client, job_id);
            if e.kind == Kind::Interrupted {
                let message = format!("{}; job {job_id} was aborted", e.message);
                return Err(Error { message, ..e });
            }
            Err(e)
        }
    }
}

fn receive(
    client: &mut Client,
    &Get { job_id, url, skip }: &Get<'_>,
    out: &mut dyn Write,
    progress: &mut dyn ByteProgress,
) -> Result<u64> {
    let what = format!("the download of job {job_id}");
    // The server answers with a path; its scheme and host are the connection's.
    let target = match url.find("/_download/") {
        Some(at) => &url[at..],
        None => {
            return Err(Error::connection(format!(
                "the server gave an unexpected download URL: {}",
                http::redact_target(url)
            )))
        }
    };
    let mut conn = client.http_target().connect()?;
    conn.send_head("GET", target, &[])?;
    let head = conn.read_head()?;
    if head.status != 200 {
        let body = conn.small_body(&head, 4096).unwrap_or_default();
        return Err(status_error(&what, &head, &body));
    }
    // The job may compute for minutes between bytes; only Ctrl-C ends a long wait.
    conn.set_idle(None);
    let total = head
        .header("content-length")
        .and_then(|n| n.trim().parse::<u64>().ok());
    progress.start(total.map(|t| t.saturating_sub(skip)));
    let shown = conn.shown.clone();
    let mut body = conn.body(&head)?;
    let mut buf = vec![0u8; http::BUFFER];
    let mut length = 0u64;
    let mut watch = Watch::new(job_id, None);
    loop {
        let n = match body.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(body_error(&shown, &what, length, &e)),
        };
        let start = usize::try_from(skip.saturating_sub(length)).unwrap_or(usize::MAX);
        length += n as u64;
        if let Some(fresh) = buf[..n].get(start..).filter(|b| !b.is_empty()) {
            out.write_all(fresh)
                .map_err(|e| Error::io(format!("cannot write the download: {e}")))?;
            progress.advance(fresh.len() as u64);
        }
        watch.poll(client, progress);
    }
    out.flush()
        .map_err(|e| Error::io(format!("cannot write the download: {e}")))?;
    Ok(length)
}

fn body_error(shown: &str, what: &str, length: u64, e: &io::Error) -> Error {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => Error::connection(format!(
            "{shown}: the connection ended after {length} bytes, before the end of {what}"
        )),
        io::ErrorKind::InvalidData => Error::connection(format!(
            "{shown}: the server sent a malformed body for {what} ({e})"
        )),
        _ => http::io_error(shown, &format!("receiving {what}"), e),
    }
}

/// The multipart body: the parts before the file, `size` bytes of `source`, the end.
fn send_parts(
    client: &mut Client,
    conn: &mut HttpConn,
    parts: &Multipart,
    source: &mut dyn Read,
    size: u64,
    progress: &mut dyn ByteProgress,
    watch: &mut Watch,
) -> Result<()> {
    let shown = conn.shown.clone();
    let sending = |e: &io::Error| http::io_error(&shown, "sending the upload", e);
    conn.body_writer()
        .write_all(&parts.preamble)
        .map_err(|e| sending(&e))?;
    let mut buf = vec![0u8; http::BUFFER];
    let mut left = size;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = match source.read(&mut buf[..want]) {
            Ok(0) => {
                return Err(Error::io(format!(
                    "the file ended {left} bytes early: it shrank while it was being sent"
                )))
            }
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(format!("cannot read the file to upload: {e}"))),
        };
        if crate::interrupt::pressed() {
            return Err(Error::interrupted("interrupted while sending the upload"));
        }
        conn.body_writer()
            .write_all(&buf[..n])
            .map_err(|e| sending(&e))?;
        left -= n as u64;
        progress.advance(n as u64);
        watch.poll(client, progress);
    }
    conn.body_writer()
        .write_all(&parts.epilogue)
        .map_err(|e| sending(&e))?;
    conn.body_writer().flush().map_err(|e| sending(&e))
}

/// An upload that stopped midway. The server may already have started the job and fed
/// it the bytes so far: a job reading a cut-off file must not carry on as if it were
/// whole, so the job seen starting for this upload is aborted.
fn stopped_upload(client: &mut Client, e: Error, watch: &Watch) -> Error {
    let Some(job_id) = watch.upload_job else {
        return e;
    };
    abort_quietly(client, job_id);
    let message = format!(
        "{}; job {job_id}, which was receiving the file, was aborted",
        e.message
    );
    Error { message, ..e }
}

/// Ask the server to abort a job whose transfer failed; its own failure is secondary.
fn abort_quietly(client: &mut Client, job_id: i64) {
    // Ctrl-C has been handled by now; a pending one would cut this call short.
    crate::interrupt::clear();
    let _ = client.call_with_timeout(
        "core.job_abort",
        vec![json!(job_id)],
        Duration::from_secs(5),
    );
}

/// Reads the WebSocket now and then while bytes flow: the job's progress text goes to
/// the bar, the server's events do not pile up unread, and for an upload the job the
/// server starts for it is noticed (it has no request id to find it by).
struct Watch {
    job_id: i64,
    /// The upload's method and parameters, to recognise its job.
    upload: Option<(String, Vec<Value>)>,
    upload_job: Option<i64>,
    last: Instant,
}

impl Watch {
    fn new(job_id: i64, upload: Option<(String, Vec<Value>)>) -> Watch {
        Watch {
            job_id,
            upload,
            upload_job: None,
            last: Instant::now(),
        }
    }

    fn poll(&mut self, client: &mut Client, progress: &mut dyn ByteProgress) {
        if self.last.elapsed() < EVENTS_EVERY {
            return;
        }
        self.last = Instant::now();
        // Bounded: a server streaming events must not stall the transfer.
        for _ in 0..256 {
            let soon = Some(Instant::now() + Duration::from_millis(1));
            let Ok(Some(Notification::Event(ev))) = client.next_notification(soon) else {
                break;
            };
            if ev.collection != "core.get_jobs" {
                continue;
            }
            let (Some(id), Some(fields)) = (ev.id().and_then(Value::as_i64), ev.fields()) else {
                continue;
            };
            if let Some((method, params)) = &self.upload {
                let ours = fields.get("method").and_then(Value::as_str) == Some(method)
                    && fields.get("arguments").and_then(Value::as_array) == Some(params);
                if ours && self.upload_job.is_none() && ev.msg == "added" {
                    self.upload_job = Some(id);
                    self.job_id = id;
                }
            }
            if id == self.job_id {
                let description = fields
                    .get("progress")
                    .and_then(|p| p.get("description"))
                    .and_then(Value::as_str)
                    .filter(|d| !d.is_empty());
                if let Some(d) = description {
                    progress.message(d);
                }
            }
        }
    }
}

/// A single-use token for `/_upload`, made over the logged-in connection.
fn upload_token(client: &mut Client) -> Result<Zeroizing<String>> {
    let made = client.call(
        "auth.generate_token",
        vec![json!(TOKEN_TTL), json!({}), json!(true), json!(true)],
    );
    let token = match made {
        // Servers before 25.04 have no single-use tokens: a short-lived one will do.
        Err(e) if e.server.is_some() && !e.server.as_ref().is_some_and(|s| s.is_routine()) => {
            client
                .call("auth.generate_token", vec![json!(TOKEN_TTL), json!({})])
                .map_err(|_| e)?
        }
        other => other?,
    };
    match token {
        Value::String(t) if !t.is_empty() => Ok(Zeroizing::new(t)),
        _ => Err(Error::connection(
            "auth.generate_token did not answer with a token",
        )),
    }
}
