//! One emulated connection: the WebSocket upgrade, the frame rules of the real server
//! (text only, 8 KiB before login, 64 KiB after), JSON-RPC and legacy framing, the
//! interleaving of answers with events pushed by other threads, and the server's limits
//! on concurrent calls.
//!
//! Calls run on the connection's thread as they arrive, so a quick call is answered
//! before the next frame is read, as before. A call that has to wait (`mock.sleep`, a
//! new-style job) holds one of [`MAX_EXECUTING`] execution slots until its answer goes
//! out, and the thread reads on meanwhile: calls that find every slot taken wait in
//! order, and one arriving when [`MAX_IN_FLIGHT`] are executing or waiting is refused
//! with `-32000`, as the real server's per-connection semaphore does.

use super::api::ApiError;
use super::http::{self, Arrival, Replay};
use super::methods::{self, Reply, Session};
use super::{lock, ConnHandle, Emulator, Origin, Out};
use crate::client::transport::{self, Stream};
use crate::client::uri::Protocol;
use crate::error::{INVALID_REQUEST, PARSE_ERROR, TOO_MANY_CALLS};
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::net::{SocketAddr, TcpStream};
use std::os::unix::net::UnixStream;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;
use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::{Message, WebSocket};

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a read waits before the thread checks for events to push.
const POLL: Duration = Duration::from_millis(5);
const ANON_LIMIT: usize = 8192;
const AUTH_LIMIT: usize = 65536;
/// Calls of one connection that may execute at once (the server's soft limit).
const MAX_EXECUTING: usize = 10;
/// Calls of one connection that may be executing or waiting for a slot (the hard limit).
const MAX_IN_FLIGHT: usize = 20;

pub(crate) fn serve_tcp(
    emu: Emulator,
    stream: TcpStream,
    peer: SocketAddr,
    acceptor: Option<Arc<native_tls::TlsAcceptor>>,
) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(HANDSHAKE_TIMEOUT));
    let (stream, tls) = match acceptor {
        Some(a) => match a.accept(stream) {
            Ok(s) => (Stream::Tls(Box::new(s)), true),
            Err(_) => return,
        },
        None => (Stream::Tcp(stream), false),
    };
    serve(emu, stream, Origin::Tcp { peer, tls });
}

pub(crate) fn serve_unix(emu: Emulator, stream: UnixStream) {
    let _ = stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT));
    serve(emu, Stream::Unix(stream), Origin::Unix);
}

fn is_api_path(p: &str) -> bool {
    p == "/api/current"
        || p.strip_prefix("/api/v").is_some_and(|v| {
            !v.is_empty()
                && v.split('.')
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

// The error type is tungstenite's, sized as it is.
#[allow(clippy::result_large_err)]
fn serve(emu: Emulator, stream: Stream, origin: Origin) {
    // The same listener answers plain HTTP (file transfers) and WebSocket upgrades.
    let stream = match http::accept(&emu, stream, &origin) {
        Arrival::WebSocket(replay) => replay,
        Arrival::Done => return,
    };
    let mut path = String::new();
    let legacy_only = emu.shared.config.legacy_only;
    let route = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        let p = req.uri().path();
        if (is_api_path(p) && !legacy_only) || p == "/websocket" {
            path = p.to_string();
            Ok(resp)
        } else {
            let mut r = ErrorResponse::new(Some("404: Not Found".into()));
            *r.status_mut() = tungstenite::http::StatusCode::NOT_FOUND;
            Err(r)
        }
    };
    let Ok(ws) =
        tungstenite::accept_hdr_with_config(stream, route, Some(transport::websocket_config()))
    else {
        return;
    };
    let protocol = if path == "/websocket" {
        Protocol::Legacy
    } else {
        Protocol::JsonRpc
    };
    let (tx, rx) = mpsc::channel();
    let conn_id = emu.shared.next_conn.fetch_add(1, Ordering::Relaxed);
    lock(&emu.shared.conns).insert(
        conn_id,
        ConnHandle {
            tx: tx.clone(),
            authenticated: false,
            subs: std::collections::HashMap::default(),
        },
    );
    let mut session = Session::new(conn_id, origin, protocol);
    let drop_after = emu.shared.drop_next.swap(0, Ordering::SeqCst);
    if drop_after > 0 {
        session.drop_after = Some(drop_after);
    }
    if matches!(session.origin, Origin::Unix) && emu.shared.config.unix_auth {
        // The real socket authenticates uid 0 from its peer credentials.
        session.authenticate(&emu, "root", "UNIX_SOCKET");
    }
    let _ = ws.get_ref().stream().set_read_timeout(Some(POLL));
    let _ = ws
        .get_ref()
        .stream()
        .set_write_timeout(Some(Duration::from_secs(30)));
    let mut conn = Conn {
        emu,
        ws,
        rx,
        tx,
        session,
        executing: 0,
        waiting: VecDeque::new(),
    };
    conn.run();
    conn.session.end(&conn.emu);
    lock(&conn.emu.shared.conns).remove(&conn_id);
}

struct Conn {
    emu: Emulator,
    ws: WebSocket<Replay>,
    rx: Receiver<Out>,
    /// For answers due later (delayed calls), which come back through `rx`.
    tx: Sender<Out>,
    session: Session,
    /// Calls holding an execution slot while their answer is pending.
    executing: usize,
    /// Calls accepted while every execution slot was taken, oldest first.
    waiting: VecDeque<Call>,
}

/// A JSON-RPC call accepted but not yet run.
struct Call {
    method: String,
    params: Vec<Value>,
    id: Option<Value>,
}

enum Flow {
    Continue,
    Stop,
}

impl Conn {
    fn run(&mut self) {
        loop {
            if self.flush_outgoing().is_err() {
                return;
            }
            if let Flow::Stop = self.run_waiting() {
                return;
            }
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    if let Flow::Stop = self.on_text(text.as_str()) {
                        return;
                    }
                }
                Ok(Message::Binary(_)) => {
                    self.close(CloseCode::Unsupported, "Invalid websocket message type");
                    return;
                }
                Ok(Message::Close(_)) => {
                    let _ = self.ws.flush();
                    return;
                }
                Ok(_) => {
                    let _ = self.ws.flush();
                }
                Err(tungstenite::Error::Io(e)) if transport::is_timeout(&e) => {}
                Err(_) => return,
            }
        }
    }

    fn flush_outgoing(&mut self) -> Result<(), ()> {
        while let Ok(out) = self.rx.try_recv() {
            if matches!(out, Out::Cut) {
                self.ws.get_ref().stream().shutdown();
                return Err(());
            }
            if matches!(out, Out::Answer(_)) {
                self.executing = self.executing.saturating_sub(1);
            }
            if let Some(frame) = self.render(out) {
                self.send(&frame)?;
            }
        }
        Ok(())
    }

    /// Start the waiting calls that have an execution slot now.
    fn run_waiting(&mut self) -> Flow {
        while self.executing < MAX_EXECUTING {
            let Some(call) = self.waiting.pop_front() else {
                break;
            };
            if let Flow::Stop = self.execute(call) {
                return Flow::Stop;
            }
        }
        Flow::Continue
    }

    fn render(&self, out: Out) -> Option<Value> {
        let legacy = self.session.protocol == Protocol::Legacy;
        match out {
            Out::Event {
                collection,
                msg,
                id,
                fields,
            } => {
                let mut p = Map::new();
                p.insert("msg".into(), json!(msg));
                p.insert("collection".into(), json!(collection));
                if !id.is_null() {
                    p.insert("id".into(), id);
                }
                if let Some(f) = fields {
                    p.insert("fields".into(), f);
                }
                Some(if legacy {
                    Value::Object(p)
                } else {
                    json!({"jsonrpc": "2.0", "method": "collection_update", "params": p})
                })
            }
            Out::Unsubscribed { collection, error } => Some(if legacy {
                let mut m = json!({"msg": "nosub", "collection": collection});
                if !error.is_null() {
                    m["error"] = error;
                }
                m
            } else {
                json!({"jsonrpc": "2.0", "method": "notify_unsubscribed",
                           "params": {"collection": collection, "error": error}})
            }),
            Out::Answer(frame) => frame,
            Out::Cut => None,
        }
    }

    fn send(&mut self, frame: &Value) -> Result<(), ()> {
        if self.session.drop_after == Some(0) {
            return Err(());
        }
        self.ws
            .send(Message::text(frame.to_string()))
            .map_err(|_| ())?;
        if let Some(left) = self.session.drop_after.as_mut() {
            *left -= 1;
            if *left == 0 {
                // Cut like a network failure would: no close frame, no goodbye.
                self.ws.get_ref().stream().shutdown();
                return Err(());
            }
        }
        Ok(())
    }

    fn close(&mut self, code: CloseCode, reason: &str) {
        let _ = self.ws.close(Some(CloseFrame {
            code,
            reason: reason.to_string().into(),
        }));
        let _ = self.ws.flush();
    }

    fn on_text(&mut self, text: &str) -> Flow {
        // The server counts characters of the decoded text.
        let chars = text.chars().count();
        if self.session.user.is_none() && chars > ANON_LIMIT {
            self.close(
                CloseCode::Invalid,
                "Anonymous connection max message length is 8 kB",
            );
            return Flow::Stop;
        }
        if chars > AUTH_LIMIT {
            self.close(CloseCode::Size, "Max message length is 64 kB");
            return Flow::Stop;
        }
        match self.session.protocol {
            Protocol::JsonRpc => self.on_jsonrpc(text),
            Protocol::Legacy => self.on_legacy(text),
        }
    }

    fn on_jsonrpc(&mut self, text: &str) -> Flow {
        let error = |code: i64, message: String, id: Value| json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id});
        let v: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return self.reply(&error(PARSE_ERROR, e.to_string(), Value::Null)),
        };
        let obj = match v {
            Value::Object(o) => o,
            Value::Array(_) => {
                return self.reply(&error(
                    PARSE_ERROR,
                    "Batch messages are not supported at this time".into(),
                    Value::Null,
                ))
            }
            _ => {
                return self.reply(&error(
                    PARSE_ERROR,
                    "Invalid Message Format".into(),
                    Value::Null,
                ))
            }
        };
        let id = obj.get("id").cloned();
        let problem = if obj.get("jsonrpc") != Some(&json!("2.0")) {
            Some("'jsonrpc' member must be equal to '2.0'")
        } else if !matches!(&id, None | Some(Value::String(_) | Value::Null))
            && !id.as_ref().is_some_and(|i| i.is_i64() || i.is_u64())
        {
            Some("'id' member must be a string, an integer or null")
        } else if obj
            .get("method")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            Some("'method' member must be a non-empty string")
        } else if !matches!(obj.get("params"), None | Some(Value::Array(_))) {
            Some("'params' member must be of type array")
        } else {
            None
        };
        if let Some(problem) = problem {
            return match id {
                Some(id) => self.reply(&error(INVALID_REQUEST, problem.into(), id)),
                None => Flow::Continue,
            };
        }
        let method = obj
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let params = match obj.get("params") {
            Some(Value::Array(p)) => p.clone(),
            _ => Vec::new(),
        };
        // The server looks the method up before the call counts against the limits.
        if !methods::exists(&self.emu, &method) {
            return match id {
                Some(id) => self.reply(&json!({"jsonrpc": "2.0",
                    "error": ApiError::MethodNotFound.to_jsonrpc(&method), "id": id})),
                None => Flow::Continue,
            };
        }
        if self.executing + self.waiting.len() >= MAX_IN_FLIGHT {
            // Not run at all; a notification's refusal goes out with a null id.
            let message =
                format!("Maximum number of concurrent calls ({MAX_IN_FLIGHT}) has exceeded");
            return self.reply(&json!({"jsonrpc": "2.0",
                "error": {"code": TOO_MANY_CALLS, "message": message},
                "id": id.unwrap_or(Value::Null)}));
        }
        let call = Call { method, params, id };
        if self.executing >= MAX_EXECUTING || !self.waiting.is_empty() {
            self.waiting.push_back(call);
            return Flow::Continue;
        }
        self.execute(call)
    }

    fn execute(&mut self, call: Call) -> Flow {
        let Call { method, params, id } = call;
        let outcome = methods::call(&self.emu, &mut self.session, &method, params, id.clone());
        let frame = match outcome {
            Ok(Reply::Value(result)) => json!({"jsonrpc": "2.0", "result": result, "id": id}),
            Ok(Reply::Deferred) => {
                // finish_job answers through `rx`, which frees the slot.
                self.executing += 1;
                return self.after_call();
            }
            Ok(Reply::Delayed { value, after }) => {
                self.executing += 1;
                let frame = id.map(|id| json!({"jsonrpc": "2.0", "result": value, "id": id}));
                let tx = self.tx.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(after);
                    let _ = tx.send(Out::Answer(frame));
                });
                return self.after_call();
            }
            Err(e) => json!({"jsonrpc": "2.0", "error": e.to_jsonrpc(&method), "id": id}),
        };
        if id.is_none() {
            return Flow::Continue; // a notification: it ran, nobody hears the answer
        }
        if let Flow::Stop = self.after_call() {
            return Flow::Stop;
        }
        self.reply(&frame)
    }

    fn on_legacy(&mut self, text: &str) -> Flow {
        let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(text) else {
            self.close(CloseCode::Invalid, "Invalid JSON");
            return Flow::Stop;
        };
        let msg = obj.get("msg").and_then(Value::as_str).unwrap_or("");
        if !self.session.legacy_connected {
            let ok = msg == "connect" && obj.get("version") == Some(&json!("1"));
            if ok {
                self.session.legacy_connected = true;
                let session = super::state::random_string(32, super::state::ALNUM);
                return self.reply(&json!({"msg": "connected", "session": session}));
            }
            return self.reply(&json!({"msg": "failed", "version": "1"}));
        }
        let id = obj.get("id").cloned().unwrap_or(Value::Null);
        match msg {
            "method" => {
                let result_error = |e: &ApiError, m: &str| json!({"msg": "result", "id": id, "error": e.to_legacy(m)});
                let Some(method) = obj.get("method").and_then(Value::as_str) else {
                    let e = ApiError::call(22, "Message is malformed: 'method' is absent.");
                    return self.reply(&result_error(&e, ""));
                };
                if !method.contains('.') {
                    let e = ApiError::call(74, "Invalid method name");
                    return self.reply(&result_error(&e, method));
                }
                let params = match obj.get("params") {
                    None => Vec::new(),
                    Some(Value::Array(p)) => p.clone(),
                    Some(_) => {
                        let e = ApiError::call(22, "`params` must be a list.");
                        return self.reply(&result_error(&e, method));
                    }
                };
                let method = method.to_string();
                let outcome = methods::call(
                    &self.emu,
                    &mut self.session,
                    &method,
                    params,
                    Some(id.clone()),
                );
                let frame = match outcome {
                    Ok(Reply::Value(r)) => json!({"msg": "result", "id": id, "result": r}),
                    // The legacy endpoint keeps its one-call-at-a-time behaviour.
                    Ok(Reply::Delayed { value, after }) => {
                        std::thread::sleep(after);
                        json!({"msg": "result", "id": id, "result": value})
                    }
                    Ok(Reply::Deferred) => return Flow::Continue,
                    Err(e) => result_error(&e, &method),
                };
                self.after_call();
                self.reply(&frame)
            }
            "sub" => {
                let name = obj
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let sub_id = match &id {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match self
                    .session
                    .subscribe(&self.emu, &name, Some(sub_id.clone()))
                {
                    Ok(_) => self.reply(&json!({"msg": "ready", "subs": [sub_id]})),
                    Err(e) => self.reply(
                        &json!({"msg": "result", "id": id, "error": e.to_legacy("core.subscribe")}),
                    ),
                }
            }
            "unsub" => {
                if let Value::String(s) = &id {
                    self.session.unsubscribe(&self.emu, s);
                }
                Flow::Continue
            }
            // 24.10 answers DDP pings; the 25.04+ shim no longer does.
            "ping" if self.emu.shared.config.legacy_only => {
                let mut pong = json!({"msg": "pong"});
                if !id.is_null() {
                    pong["id"] = id;
                }
                self.reply(&pong)
            }
            _ => Flow::Continue,
        }
    }

    /// Events queued while the call ran go out first, as on the real server where the
    /// job's `added` event precedes the call's answer.
    fn after_call(&mut self) -> Flow {
        match self.flush_outgoing() {
            Ok(()) => Flow::Continue,
            Err(()) => Flow::Stop,
        }
    }

    fn reply(&mut self, frame: &Value) -> Flow {
        match self.send(frame) {
            Ok(()) => Flow::Continue,
            Err(()) => Flow::Stop,
        }
    }
}
