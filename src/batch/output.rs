//! Batch results: one JSON object a line, in input order (held back until every earlier
//! line is written) or as they come.

use crate::error::{Error, Kind, ServerError, METHOD_NOT_FOUND};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::time::{Duration, Instant};

/// Results written but not flushed are flushed at least this often, so a consumer reading
/// the pipe sees them while a slow call holds up the batch.
const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// The result line of a line whose call succeeded.
pub(crate) fn success(id: &Value, job_id: Option<i64>, result: Value) -> Value {
    let mut m = head(id, job_id);
    m.insert("result".into(), result);
    Value::Object(m)
}

/// The result line of a line that failed.
pub(crate) fn failure(id: &Value, job_id: Option<i64>, error: Value) -> Value {
    let mut m = head(id, job_id);
    m.insert("error".into(), error);
    Value::Object(m)
}

fn head(id: &Value, job_id: Option<i64>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), id.clone());
    if let Some(j) = job_id {
        m.insert("job_id".into(), Value::from(j));
    }
    m
}

/// The error object of a result line: `code` is the server's JSON-RPC code, null when
/// midclt itself gave up on the line (malformed, timed out, connection lost).
pub(crate) fn error_object(
    code: Option<i64>,
    errname: Option<&str>,
    message: &str,
    extra: Option<&Value>,
) -> Value {
    let mut m = Map::new();
    m.insert("code".into(), code.map_or(Value::Null, Value::from));
    m.insert(
        "errname".into(),
        errname.map_or(Value::Null, |e| Value::String(e.into())),
    );
    m.insert("message".into(), Value::String(message.into()));
    m.insert("extra".into(), extra.cloned().unwrap_or(Value::Null));
    Value::Object(m)
}

/// What the server said, as an error object.
pub(crate) fn server_error(se: &ServerError) -> Value {
    let message = if se.code == METHOD_NOT_FOUND {
        se.message.as_str()
    } else {
        se.reason().trim_end()
    };
    // A failed job reports an errno but no name; the name is what scripts compare.
    let errname = se.errname().map(str::to_string).or_else(|| {
        let n = se.data.as_ref()?.error?;
        Some(crate::py::errno::name(n).to_string())
    });
    let extra = se.data.as_ref().and_then(|d| d.extra.as_ref());
    error_object(Some(se.code), errname.as_deref(), message, extra)
}

/// Any failure as an error object: the server's own when it sent one, else midclt's, named
/// by the errno the official client uses for the same failure.
pub(crate) fn any_error(e: &Error) -> Value {
    if let Some(se) = &e.server {
        return server_error(se);
    }
    let errname = match e.kind {
        Kind::Timeout => "ETIMEDOUT",
        Kind::Connection => "ECONNABORTED",
        Kind::Interrupted => "EINTR",
        Kind::Server => "EFAULT",
        Kind::Usage | Kind::Auth | Kind::Tls | Kind::Io => "EINVAL",
    };
    error_object(None, Some(errname), &e.message, None)
}

/// Where result lines go.
pub(crate) struct Writer {
    out: BufWriter<Box<dyn Write>>,
    /// Escape control characters (stdout is a terminal).
    terminal: bool,
    ordered: bool,
    /// The sequence number of the next line to write (ordered mode).
    next: u64,
    /// Results (or `None`: nothing to write) waiting for earlier ones.
    held: BTreeMap<u64, Option<(Value, bool)>>,
    pub(crate) succeeded: u64,
    pub(crate) failed: u64,
    unflushed_since: Option<Instant>,
    /// Writing failed; nothing more is written.
    pub(crate) broken: Option<std::io::Error>,
}

impl Writer {
    pub(crate) fn new(out: Box<dyn Write>, terminal: bool, ordered: bool) -> Writer {
        Writer {
            out: BufWriter::with_capacity(64 * 1024, out),
            terminal,
            ordered,
            next: 0,
            held: BTreeMap::new(),
            succeeded: 0,
            failed: 0,
            unflushed_since: None,
            broken: None,
        }
    }

    /// The first sequence number not yet written: lines from here on are held in memory.
    pub(crate) fn oldest_unwritten(&self) -> u64 {
        self.next
    }

    /// Line `seq`'s result.
    pub(crate) fn put(&mut self, seq: u64, result: Value, ok: bool) {
        self.settle(seq, Some((result, ok)));
    }

    /// Line `seq` has no result (it was never sent).
    pub(crate) fn skip(&mut self, seq: u64) {
        self.settle(seq, None);
    }

    fn settle(&mut self, seq: u64, entry: Option<(Value, bool)>) {
        if !self.ordered {
            if let Some((v, ok)) = entry {
                self.write(&v, ok);
            }
            return;
        }
        self.held.insert(seq, entry);
        while let Some(entry) = self.held.remove(&self.next) {
            if let Some((v, ok)) = entry {
                self.write(&v, ok);
            }
            self.next += 1;
        }
    }

    fn write(&mut self, v: &Value, ok: bool) {
        if ok {
            self.succeeded += 1;
        } else {
            self.failed += 1;
        }
        if self.broken.is_some() {
            return;
        }
        let text = v.to_string();
        let text = if self.terminal {
            crate::render::terminal::json(&text)
        } else {
            text.into()
        };
        if let Err(e) = writeln!(self.out, "{text}") {
            self.broken = Some(e);
        }
        self.unflushed_since.get_or_insert_with(Instant::now);
    }

    /// When the results written so far must be flushed at the latest.
    pub(crate) fn flush_due(&self) -> Option<Instant> {
        self.unflushed_since.map(|t| t + FLUSH_EVERY)
    }

    pub(crate) fn flush_if_due(&mut self) {
        if self.flush_due().is_some_and(|t| Instant::now() >= t) {
            self.flush();
        }
    }

    pub(crate) fn flush(&mut self) {
        self.unflushed_since = None;
        if self.broken.is_none() {
            if let Err(e) = self.out.flush() {
                self.broken = Some(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::ErrorKind::Other)?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn text(sink: &Sink) -> String {
        String::from_utf8(sink.0.lock().map(|v| v.clone()).unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn ordered_results_wait_for_earlier_lines_and_skipped_lines_unblock_them() {
        let sink = Sink::default();
        let mut w = Writer::new(Box::new(sink.clone()), false, true);
        w.put(2, json!({"id": 3}), true);
        w.put(1, json!({"id": 2}), false);
        w.flush();
        assert_eq!(text(&sink), "");
        assert_eq!(w.oldest_unwritten(), 0);
        w.skip(0);
        w.flush();
        assert_eq!(text(&sink), "{\"id\":2}\n{\"id\":3}\n");
        assert_eq!((w.succeeded, w.failed, w.oldest_unwritten()), (1, 1, 3));
    }

    #[test]
    fn unordered_results_are_written_at_once() {
        let sink = Sink::default();
        let mut w = Writer::new(Box::new(sink.clone()), false, false);
        w.put(5, json!({"id": 6}), true);
        w.flush();
        assert_eq!(text(&sink), "{\"id\":6}\n");
    }

    #[test]
    fn error_objects_name_the_errno_of_a_failed_job() {
        let se = ServerError {
            code: -32001,
            message: "Method call error".into(),
            data: Some(crate::error::ErrorData {
                error: Some(14),
                errname: None,
                reason: Some("[EFAULT] boom\n".into()),
                trace: None,
                extra: None,
            }),
        };
        assert_eq!(
            server_error(&se),
            json!({"code": -32001, "errname": "EFAULT", "message": "[EFAULT] boom", "extra": null})
        );
    }
}
