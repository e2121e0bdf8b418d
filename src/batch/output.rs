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

/// One result line: `{"id", "job_id"?, "result" | "error"}`, written as JSON without
/// being built as a JSON object first (it is the one thing done for every line).
pub(crate) struct Line {
    id: Value,
    job_id: Option<i64>,
    outcome: Result<Value, Value>,
}

impl Line {
    pub(crate) fn is_ok(&self) -> bool {
        self.outcome.is_ok()
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"id\":");
        // Serialising a `Value` into memory cannot fail.
        let _ = serde_json::to_writer(&mut *out, &self.id);
        if let Some(j) = self.job_id {
            out.extend_from_slice(format!(",\"job_id\":{j}").as_bytes());
        }
        let (key, value) = match &self.outcome {
            Ok(v) => (&b",\"result\":"[..], v),
            Err(e) => (&b",\"error\":"[..], e),
        };
        out.extend_from_slice(key);
        let _ = serde_json::to_writer(&mut *out, value);
        out.push(b'}');
    }
}

/// The result line of a line whose call succeeded.
pub(crate) fn success(id: Value, job_id: Option<i64>, result: Value) -> Line {
    Line {
        id,
        job_id,
        outcome: Ok(result),
    }
}

/// The result line of a line that failed.
pub(crate) fn failure(id: Value, job_id: Option<i64>, error: Value) -> Line {
    Line {
        id,
        job_id,
        outcome: Err(error),
    }
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
    held: BTreeMap<u64, Option<Line>>,
    /// The line being written, kept to save an allocation per line.
    scratch: Vec<u8>,
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
            scratch: Vec::new(),
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
    pub(crate) fn put(&mut self, seq: u64, line: Line) {
        self.settle(seq, Some(line));
    }

    /// Line `seq` has no result (it was never sent).
    pub(crate) fn skip(&mut self, seq: u64) {
        self.settle(seq, None);
    }

    fn settle(&mut self, seq: u64, entry: Option<Line>) {
        if !self.ordered {
            if let Some(line) = entry {
                self.write(&line);
            }
            return;
        }
        if seq != self.next {
            self.held.insert(seq, entry);
            return;
        }
        // The usual case, the next line's result, goes out without a stop in the map.
        let mut entry = Some(entry);
        while let Some(e) = entry {
            if let Some(line) = e {
                self.write(&line);
            }
            self.next += 1;
            entry = self.held.remove(&self.next);
        }
    }

    fn write(&mut self, line: &Line) {
        if line.is_ok() {
            self.succeeded += 1;
        } else {
            self.failed += 1;
        }
        if self.broken.is_some() {
            return;
        }
        self.scratch.clear();
        line.write_json(&mut self.scratch);
        self.scratch.push(b'\n');
        let written = if self.terminal {
            let text = String::from_utf8_lossy(&self.scratch);
            self.out
                .write_all(crate::render::terminal::json(&text).as_bytes())
        } else {
            self.out.write_all(&self.scratch)
        };
        if let Err(e) = written {
            self.broken = Some(e);
        }
        if self.unflushed_since.is_none() {
            self.unflushed_since = Some(Instant::now());
        }
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
        w.put(2, success(json!(3), None, json!("c")));
        w.put(1, failure(json!("b"), Some(7), json!({"code": null})));
        w.flush();
        assert_eq!(text(&sink), "");
        assert_eq!(w.oldest_unwritten(), 0);
        w.skip(0);
        w.flush();
        assert_eq!(
            text(&sink),
            "{\"id\":\"b\",\"job_id\":7,\"error\":{\"code\":null}}\n{\"id\":3,\"result\":\"c\"}\n"
        );
        assert_eq!((w.succeeded, w.failed, w.oldest_unwritten()), (1, 1, 3));
    }

    #[test]
    fn unordered_results_are_written_at_once() {
        let sink = Sink::default();
        let mut w = Writer::new(Box::new(sink.clone()), false, false);
        w.put(5, success(json!(6), None, json!([1, {"a": null}])));
        w.flush();
        assert_eq!(text(&sink), "{\"id\":6,\"result\":[1,{\"a\":null}]}\n");
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
