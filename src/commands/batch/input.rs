//! Reading a batch: one request a line, either a JSON object or `METHOD ARG…` text whose
//! arguments follow `call`'s rule, on a thread of its own (a slow producer must not hold
//! up the answers) into a bounded channel (a fast one must not fill the memory).

use crate::batch::{Input, Request};
use crate::commands::call::{arg_value, shorten};
use crate::error::Error;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc::{self, Receiver, SyncSender};

/// A longer line cannot be a request the server accepts (see [`max_message`]); it is
/// skipped without being held whole.
const MAX_LINE: usize = 4 << 20;
/// Room for what surrounds the method and parameters in a request frame (`jsonrpc`, a
/// UUID id, the keys).
const ENVELOPE: usize = 96;

/// The largest message the server accepts after login for `method`: a longer one would
/// close the connection (code 1009), taking every call in flight with it.
fn max_message(method: &str) -> usize {
    match method {
        "filesystem.file_receive" | "failover.datastore.sql" => 2 << 20,
        _ => 65536,
    }
}

/// Lines handed over at once: a hand-over per line would wake the other side per line.
const CHUNK: usize = 128;

/// Read `source` on a new thread; at most `chunks` chunks of parsed lines wait in the
/// channel.
pub(super) fn spawn(source: Box<dyn Read + Send>, chunks: usize) -> Receiver<Vec<Input>> {
    let (tx, rx) = mpsc::sync_channel(chunks);
    std::thread::spawn(move || read_all(BufReader::with_capacity(64 * 1024, source), &tx));
    rx
}

fn read_all(mut reader: BufReader<Box<dyn Read + Send>>, tx: &SyncSender<Vec<Input>>) {
    let mut buf = Vec::new();
    let mut number = 0u64;
    let mut chunk = Vec::with_capacity(CHUNK);
    loop {
        buf.clear();
        let too_long = match read_line(&mut reader, &mut buf) {
            Ok(Some(too_long)) => too_long,
            Ok(None) => {
                let _ = tx.send(chunk);
                return;
            }
            Err(e) => {
                chunk.push(Input::Failed(Error::io(format!(
                    "cannot read the batch input: {e}"
                ))));
                let _ = tx.send(chunk);
                return;
            }
        };
        number += 1;
        let item = if too_long {
            Some(invalid(
                number,
                None,
                &format!("longer than {} MiB", MAX_LINE >> 20),
            ))
        } else {
            parse_line(number, &buf)
        };
        if let Some(item) = item {
            chunk.push(item);
        }
        // Handed over when full, or before a read that may wait (a person typing, a slow
        // producer), so what was read is not held back meanwhile.
        if chunk.len() >= CHUNK || (!chunk.is_empty() && reader.buffer().is_empty()) {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            // The batch stopped early and hung up: nothing more to read for.
            if tx.send(full).is_err() {
                return;
            }
        }
    }
}

/// One line into `buf` (without its newline), holding at most [`MAX_LINE`] bytes of it:
/// `Some(true)` when it was longer, `None` at the end of input.
fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    let mut too_long = false;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let (chunk, used, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        if !too_long && buf.len() + chunk.len() > MAX_LINE {
            too_long = true;
            buf.clear();
        }
        if !too_long {
            buf.extend_from_slice(chunk);
        }
        reader.consume(used);
        if done {
            return Ok(Some(too_long));
        }
    }
}

/// Line `number` as a request, an error, or nothing (blank, or a `#` comment).
pub(super) fn parse_line(number: u64, bytes: &[u8]) -> Option<Input> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Some(invalid(number, None, "not UTF-8 text"));
    };
    let text = text.trim();
    if text.is_empty() || text.starts_with('#') {
        return None;
    }
    let parsed = if text.starts_with('{') {
        json_line(number, text)
    } else if text.starts_with('[') {
        // No method is named `[`: this is JSON meant as a request.
        Err((
            None,
            "a JSON line must be an object: {\"method\": ..., \"params\": [...]}".to_string(),
        ))
    } else {
        text_line(number, text)
    };
    Some(match parsed.and_then(check_size) {
        Ok(request) => Input::Request {
            line: number,
            request,
        },
        Err((id, message)) => invalid(number, id, &message),
    })
}

fn invalid(number: u64, id: Option<Value>, message: &str) -> Input {
    Input::Invalid {
        id: id.unwrap_or_else(|| json!(number)),
        message: format!("line {number}: {message}"),
    }
}

/// A line's failure: the id to report it under (the line's own, when it had one) and why.
type LineError = (Option<Value>, String);

/// `{"method": M, "params": [...], "id": ANY, "job": BOOL}`; only `method` is required.
fn json_line(number: u64, text: &str) -> Result<Request, LineError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        if crate::client::rpc::is_too_deep(&e) {
            (None, "JSON nested too deeply".to_string())
        } else {
            (None, format!("not JSON: {e}"))
        }
    })?;
    let Value::Object(mut obj) = value else {
        return Err((None, "not a JSON object".into()));
    };
    let id = obj.remove("id");
    let fail = |message: String| Err((id.clone(), message));
    if let Some(key) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "method" | "params" | "job" | "jsonrpc"))
    {
        return fail(format!(
            "unknown key {key:?} (a request has \"method\", \"params\", \"id\" and \"job\")"
        ));
    }
    let method = match obj.remove("method") {
        Some(Value::String(m)) if !m.is_empty() => m,
        _ => return fail("\"method\" must be a non-empty string".into()),
    };
    let params = match obj.remove("params") {
        None => Vec::new(),
        Some(Value::Array(p)) => p,
        Some(_) => return fail("\"params\" must be an array (the positional parameters)".into()),
    };
    let job = match obj.remove("job") {
        None => false,
        Some(Value::Bool(b)) => b,
        Some(_) => return fail("\"job\" must be true or false".into()),
    };
    Ok(Request {
        id: id.unwrap_or_else(|| json!(number)),
        method,
        params,
        job,
    })
}

/// `[-j] METHOD ARG…`, words split as a POSIX shell splits them (quotes, backslashes, and
/// a word that starts with `#` begins a comment).
fn text_line(number: u64, text: &str) -> Result<Request, LineError> {
    let mut words = crate::py::shlex::split(text, crate::py::shlex::Comments::WordStart)
        .map_err(|m| (None, m))?
        .into_iter();
    let mut method = words.next().unwrap_or_default();
    let job = method == "-j" || method == "--job";
    if job {
        method = words.next().unwrap_or_default();
    }
    if method.is_empty() || method.starts_with('-') {
        return Err((None, format!("expected a method name, not {method:?}")));
    }
    let mut params = Vec::new();
    for word in words {
        if word == "-" {
            return Err((
                None,
                "`-` (stdin) is not an argument in a batch; write the value on the line".into(),
            ));
        }
        let (value, warning) = arg_value(&word, &shorten(&word)).map_err(|e| (None, e.message))?;
        if let Some(warning) = warning {
            eprintln!("midclt: warning: line {number}: {warning}");
        }
        params.push(value);
    }
    Ok(Request {
        id: json!(number),
        method,
        params,
        job,
    })
}

fn check_size(r: Request) -> Result<Request, LineError> {
    let limit = max_message(&r.method);
    let mut size = Counter(ENVELOPE + r.method.len() + 2);
    if !r.params.is_empty() {
        // Writing into a counter cannot fail.
        size.0 -= 2;
        let _ = serde_json::to_writer(&mut size, &r.params);
    }
    if size.0 > limit {
        return Err((
            Some(r.id),
            format!(
                "the request would be about {} bytes; the server accepts {limit} at most for {} (and would close the connection)",
                size.0, r.method
            ),
        ));
    }
    Ok(r)
}

struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(line: &str) -> Request {
        match parse_line(7, line.as_bytes()) {
            Some(Input::Request { request, .. }) => request,
            other => panic!("{line}: {other:?}"),
        }
    }

    fn error(line: &str) -> (Value, String) {
        match parse_line(7, line.as_bytes()) {
            Some(Input::Invalid { id, message }) => (id, message),
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn text_lines_follow_the_call_rule_and_are_numbered() {
        let r = request(r#"  api_key.query '[["id", ">", 1]]' name 5  "#);
        assert_eq!(r.method, "api_key.query");
        assert_eq!(
            r.params,
            vec![json!([["id", ">", 1]]), json!("name"), json!(5)]
        );
        assert_eq!((r.id, r.job), (json!(7), false));
        let r = request("-j mock.progress_job 3 0.1");
        assert_eq!((r.method.as_str(), r.job), ("mock.progress_job", true));
        assert!(parse_line(1, b"   ").is_none());
        assert!(parse_line(1, b"  # a comment").is_none());
    }

    #[test]
    fn json_lines_keep_their_id() {
        let r = request(r#"{"method": "core.ping", "id": {"any": ["json"]}}"#);
        assert_eq!((r.id, r.params.len()), (json!({"any": ["json"]}), 0));
        let r = request(r#"{"jsonrpc": "2.0", "method": "m.x", "params": [1], "job": true}"#);
        assert_eq!((r.id, r.params, r.job), (json!(7), vec![json!(1)], true));
    }

    #[test]
    fn malformed_lines_are_errors_of_their_own() {
        let (id, message) = error(r#"{"method": "a.b", "parms": [], "id": "x"}"#);
        assert_eq!(id, json!("x"));
        assert!(
            message.starts_with("line 7: unknown key \"parms\""),
            "{message}"
        );
        assert!(error("{not json").1.starts_with("line 7: not JSON: "));
        assert!(error(r#"{"method": "a.b", "params": {}}"#)
            .1
            .contains("\"params\" must be an array"));
        assert!(error(r#"{"params": []}"#).1.contains("\"method\" must be"));
        assert!(error("a.b -").1.contains("`-` (stdin)"));
        assert!(error("-j").1.contains("expected a method name"));
        assert!(error("a.b 'open").1.contains("not closed"));
        assert!(matches!(
            parse_line(7, b"\xff"),
            Some(Input::Invalid { .. })
        ));
    }

    #[test]
    fn requests_the_server_would_refuse_for_size_are_stopped_here() {
        let big = format!("a.b {}", "x".repeat(70_000));
        assert!(error(&big).1.contains("accepts 65536 at most"));
        let line = format!(
            r#"{{"method": "filesystem.file_receive", "params": ["{}"]}}"#,
            "x".repeat(70_000)
        );
        assert_eq!(request(&line).method, "filesystem.file_receive");
    }

    #[test]
    fn overlong_lines_are_skipped_without_being_held() {
        let mut text = vec![b'x'; MAX_LINE + 10];
        text.extend_from_slice(b"\nnext\n");
        let mut reader = std::io::Cursor::new(text);
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut reader, &mut buf).unwrap(), Some(true));
        assert!(buf.len() <= MAX_LINE);
        buf.clear();
        assert_eq!(read_line(&mut reader, &mut buf).unwrap(), Some(false));
        assert_eq!(buf, b"next");
        buf.clear();
        assert_eq!(read_line(&mut reader, &mut buf).unwrap(), None);
    }
}
