//! The middleware client: JSON-RPC 2.0 (and the legacy DDP-style protocol) over one
//! WebSocket, synchronously.
//!
//! Several calls may be in flight: [`Client::send`] returns the request id at once and
//! [`Client::wait`] collects that id's answer, stashing answers to other ids and queueing
//! notifications (events) for [`Client::next_notification`]. Nothing here spawns a thread.

use crate::client::http::HttpTarget;
use crate::client::id::new_request_id;
use crate::client::redact;
use crate::client::transport::{self, ConnInfo, Stream, TlsOptions};
use crate::client::uri::{Endpoint, Protocol};
use crate::error::{Error, Kind, Result, ServerError, INVALID_PARAMS};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::{Message, WebSocket};

/// How deeply JSON (a reply, or an argument) may nest: `serde_json`'s recursion limit.
pub(crate) const MAX_JSON_DEPTH: usize = 128;

/// Did parsing stop at [`MAX_JSON_DEPTH`] (as opposed to meeting invalid JSON)?
pub(crate) fn is_too_deep(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("recursion limit exceeded")
}

pub(crate) const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How to reach the server.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// The server's address.
    pub endpoint: Endpoint,
    /// Certificate verification for `wss://`.
    pub tls: TlsOptions,
    /// Limit for each step of connecting (TCP, TLS, upgrade, legacy handshake).
    pub connect_timeout: Duration,
    /// Default limit for each call's answer; see [`Client::set_call_timeout`].
    pub call_timeout: Duration,
    /// Print every frame (secrets redacted) to stderr.
    pub verbose: bool,
}

impl ConnectOptions {
    /// Options for `endpoint` with the system's CA certificates, a 10 s connect timeout,
    /// a 60 s call timeout and no tracing.
    pub fn new(endpoint: Endpoint) -> ConnectOptions {
        ConnectOptions {
            endpoint,
            tls: TlsOptions::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            verbose: false,
        }
    }
}

/// A server→client notification: an event of a subscription.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// `added`, `changed` or `removed`.
    pub msg: String,
    /// The event name, or for event sources the full subscribed `name:arg` string.
    pub collection: String,
    /// The notification's parameters as the server sent them (`msg`, `collection`,
    /// `id`, `fields`, `extra` as present) — what `midclt subscribe` prints.
    pub params: Value,
}

impl Event {
    /// The changed item's id (`changed`, `removed`), when sent.
    pub fn id(&self) -> Option<&Value> {
        self.params.get("id")
    }
    /// The item's new or changed fields, when sent.
    pub fn fields(&self) -> Option<&Value> {
        self.params.get("fields")
    }
}

/// Something the server sent unasked, from [`Client::next_notification`].
#[derive(Clone, Debug, PartialEq)]
pub enum Notification {
    /// An event of a subscription.
    Event(Event),
    /// An event-source subscription ended; `error` is a TrueNAS error object or null.
    Unsubscribed {
        /// The subscribed name, as in [`Event::collection`].
        collection: String,
        /// Why it ended: a TrueNAS error object, or null when it simply finished.
        error: Value,
    },
}

/// The answer to one request: a result or the server's error.
pub type Answer = std::result::Result<Value, ServerError>;

/// A connection to a middleware, not logged in when made (`auth::login` logs in;
/// `session::open` connects and logs in at once). Calls block the calling thread.
pub struct Client {
    ws: WebSocket<Stream>,
    info: ConnInfo,
    call_timeout: Duration,
    verbose: bool,
    stash: HashMap<String, Answer>,
    notifications: VecDeque<Notification>,
    /// Method of each request still in flight, for error messages and trace redaction.
    in_flight: HashMap<String, String>,
    closed: Option<String>,
    /// The stream is non-blocking for a moment: a read with nothing to read ends the wait.
    polling: bool,
    /// How this connection was reached, for the HTTP requests of file transfers.
    http: HttpTarget,
    /// The socket timeouts last set, so an unchanged one costs no system call (a read and
    /// a write per call add up when calls are pipelined).
    read_timeout: SocketTimeout,
    write_timeout: SocketTimeout,
}

/// A socket timeout as last set on the socket.
#[derive(Clone, Copy, PartialEq)]
enum SocketTimeout {
    /// Not set by the client yet.
    Unknown,
    /// Set to this (`None`: no timeout).
    Set(Option<Duration>),
}

/// Connect, upgrade and (for the legacy protocol) complete its handshake. When the
/// default `/api/current` answers 404 (TrueNAS before 25.04) the legacy `/websocket` is
/// tried instead. Failures are [`Kind::Connection`], [`Kind::Tls`] or [`Kind::Timeout`]
/// errors.
///
/// `mock://` is not a network address: the session layer serves it from the built-in
/// emulator and hands the stream to [`connect_over`].
pub fn connect(opts: &ConnectOptions) -> Result<Client> {
    let endpoint = &opts.endpoint;
    let timeout = opts.connect_timeout;
    if let Endpoint::Mock { .. } = endpoint {
        return Err(Error::usage(
            "mock:// is served by the built-in emulator: connect through midclt::session::connect",
        ));
    }
    let protocol = endpoint.protocol();
    let stream = transport::open_stream(endpoint, &opts.tls, timeout)?;
    let (ws, protocol) = match transport::upgrade(stream, endpoint, protocol, timeout) {
        Ok(ws) => (ws, protocol),
        Err(e) if e.status == Some(404) && is_current_path(endpoint) => {
            // TrueNAS before 25.04 has only /websocket.
            let legacy = match endpoint {
                Endpoint::Unix { path, .. } => Endpoint::Unix {
                    path: path.clone(),
                    protocol: Protocol::Legacy,
                },
                other => other.with_path("/websocket"),
            };
            if opts.verbose {
                eprintln!(
                    "* {} answered 404: retrying with the legacy protocol at {}",
                    endpoint.display(),
                    legacy.display()
                );
            }
            let stream = transport::open_stream(&legacy, &opts.tls, timeout)?;
            let ws = transport::upgrade(stream, &legacy, Protocol::Legacy, timeout)?;
            (ws, Protocol::Legacy)
        }
        Err(e) => return Err(e.into()),
    };
    start(ws, protocol, opts)
}

/// Speak the endpoint's protocol over a stream that is already open (one end of a socket
/// pair whose other end an in-process server holds).
pub fn connect_over(stream: Stream, opts: &ConnectOptions) -> Result<Client> {
    let protocol = opts.endpoint.protocol();
    let ws = transport::upgrade(stream, &opts.endpoint, protocol, opts.connect_timeout)?;
    start(ws, protocol, opts)
}

/// [`connect_over`], keeping the HTTP status of a refused upgrade: a session agent answers
/// 404 to a client asking for the protocol it does not relay.
pub(crate) fn try_connect_over(
    stream: Stream,
    opts: &ConnectOptions,
) -> std::result::Result<Client, (Option<u16>, Error)> {
    let protocol = opts.endpoint.protocol();
    let ws = transport::upgrade(stream, &opts.endpoint, protocol, opts.connect_timeout)
        .map_err(|e| (e.status, e.error))?;
    start(ws, protocol, opts).map_err(|e| (None, e))
}

/// A client on a stream whose WebSocket handshake is taken as done: the fuzz target feeds
/// it raw frames.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn from_raw_stream(
    stream: Stream,
    protocol: Protocol,
    opts: &ConnectOptions,
) -> Result<Client> {
    let ws = WebSocket::from_raw_socket(
        stream,
        tungstenite::protocol::Role::Client,
        Some(transport::websocket_config()),
    );
    start(ws, protocol, opts)
}

fn start(ws: WebSocket<Stream>, protocol: Protocol, opts: &ConnectOptions) -> Result<Client> {
    let endpoint = &opts.endpoint;
    let timeout = opts.connect_timeout;
    let stream = ws.get_ref();
    let info = ConnInfo {
        endpoint: endpoint.clone(),
        protocol,
        tls: matches!(stream, Stream::Tls(_)),
        unix: matches!(stream, Stream::Unix(_)),
        peer_certificate: stream.peer_certificate_der(),
    };
    let mut client = Client {
        ws,
        info,
        call_timeout: opts.call_timeout,
        verbose: opts.verbose,
        stash: HashMap::new(),
        notifications: VecDeque::new(),
        in_flight: HashMap::new(),
        closed: None,
        polling: false,
        http: HttpTarget {
            endpoint: endpoint.clone(),
            tls: opts.tls.clone(),
            connect_timeout: opts.connect_timeout,
            verbose: opts.verbose,
            side: None,
        },
        read_timeout: SocketTimeout::Unknown,
        write_timeout: SocketTimeout::Unknown,
    };
    if opts.verbose {
        eprintln!(
            "* connected to {} ({} protocol{})",
            client.info.endpoint.display(),
            match protocol {
                Protocol::JsonRpc => "JSON-RPC 2.0",
                Protocol::Legacy => "legacy /websocket",
            },
            if client.info.tls { ", TLS" } else { "" }
        );
    }
    if protocol == Protocol::Legacy {
        client.legacy_handshake(timeout)?;
    }
    Ok(client)
}

/// Only the default endpoint falls back: a pinned version (`/api/v25.10.0`) that is
/// missing is an error the user should see.
fn is_current_path(endpoint: &Endpoint) -> bool {
    match endpoint {
        Endpoint::Tcp { path, .. } => path == "/api/current",
        Endpoint::Unix { protocol, .. } => *protocol == Protocol::JsonRpc,
        Endpoint::Mock { .. } => false,
    }
}

impl Client {
    /// What is known about the connection.
    pub fn info(&self) -> &ConnInfo {
        &self.info
    }

    /// Where this connection's file transfers go: the same server, reached the same way
    /// and trusted on the same terms.
    pub(crate) fn http_target(&self) -> HttpTarget {
        self.http.clone()
    }

    /// Let HTTP requests reach a server that has no address (the in-process emulator).
    #[cfg(feature = "emulator")]
    pub(crate) fn set_side_opener(&mut self, open: crate::client::http::SideOpener) {
        self.http.side = Some(open);
    }

    /// The protocol spoken on this connection.
    pub fn protocol(&self) -> Protocol {
        self.info.protocol
    }

    /// The limit [`Client::call`] waits for an answer.
    pub fn call_timeout(&self) -> Duration {
        self.call_timeout
    }

    /// Change the limit [`Client::call`] waits for an answer; a call that runs out of
    /// time may still complete on the server.
    pub fn set_call_timeout(&mut self, timeout: Duration) {
        self.call_timeout = timeout;
    }

    /// Call `method` and wait (up to the call timeout) for its result. The server's
    /// refusal is a [`Kind::Server`] error carrying its [`ServerError`].
    pub fn call(&mut self, method: &str, params: Vec<Value>) -> Result<Value> {
        let timeout = self.call_timeout;
        self.call_with_timeout(method, params, timeout)
    }

    /// [`Client::call`] with its own time limit.
    pub fn call_with_timeout(
        &mut self,
        method: &str,
        params: Vec<Value>,
        timeout: Duration,
    ) -> Result<Value> {
        let id = self.send(method, params)?;
        match self.wait(&id, timeout)? {
            Ok(v) => Ok(v),
            Err(e) => Err(Error::server(method, e)),
        }
    }

    /// Send a request and return its id without waiting.
    // The parameters are taken as `call` takes them: the caller has no further use for them.
    #[allow(clippy::needless_pass_by_value)]
    pub fn send(&mut self, method: &str, params: Vec<Value>) -> Result<String> {
        self.send_ref(method, &params)
    }

    /// [`Client::send`], keeping the parameters (for a caller that may send them again).
    pub fn send_ref(&mut self, method: &str, params: &[Value]) -> Result<String> {
        let id = new_request_id()?;
        let head = match self.info.protocol {
            Protocol::JsonRpc => r#"{"jsonrpc":"2.0","id":""#,
            Protocol::Legacy => r#"{"msg":"method","id":""#,
        };
        if self.verbose {
            let mut frame = match self.info.protocol {
                Protocol::JsonRpc => json!({"jsonrpc": "2.0", "id": id, "method": method}),
                Protocol::Legacy => json!({"msg": "method", "id": id, "method": method}),
            };
            frame["params"] = Value::Array(params.to_vec());
            eprintln!("> {}", redact::request(method, &frame));
        }
        // The frame's text is written directly (it is made for every call): compact JSON,
        // keys in this order, as serialising the object would give. The id is a UUID, so
        // it needs no escaping.
        let mut text = Vec::with_capacity(96 + method.len());
        text.extend_from_slice(head.as_bytes());
        text.extend_from_slice(id.as_bytes());
        text.extend_from_slice(br#"","method":"#);
        serde_json::to_writer(&mut text, method)
            .and_then(|()| {
                text.extend_from_slice(br#","params":"#);
                serde_json::to_writer(&mut text, params)
            })
            .map_err(|e| Error::usage(format!("{method}: cannot encode the request: {e}")))?;
        text.push(b'}');
        let text = String::from_utf8(text)
            .map_err(|e| Error::usage(format!("{method}: cannot encode the request: {e}")))?;
        self.write_text(text)?;
        self.in_flight.insert(id.clone(), method.to_string());
        Ok(id)
    }

    /// Wait for the answer to request `id`. The outer error is a transport problem
    /// (timeout, closed connection); the inner one is the server's refusal.
    pub fn wait(&mut self, id: &str, timeout: Duration) -> Result<Answer> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(answer) = self.stash.remove(id) {
                self.in_flight.remove(id);
                return Ok(answer);
            }
            if let Err(e) = self.pump(Some(deadline)) {
                let method = self.in_flight.get(id).cloned().unwrap_or_default();
                if e.kind == Kind::Interrupted {
                    // Nobody waits for it any more: its late answer is dropped on arrival.
                    self.in_flight.remove(id);
                    return Err(Error::interrupted(format!(
                        "{method}: interrupted; the server may still finish the call"
                    )));
                }
                return Err(if e.kind == Kind::Timeout {
                    Error::timeout(format!(
                        "{method}: no answer within {} s",
                        fmt_secs(timeout)
                    ))
                    .hint("raise the limit with -t SECONDS (0 = the default, 60 s)")
                } else {
                    e
                });
            }
        }
    }

    /// The answer to request `id` if it has already arrived, without reading anything.
    pub fn take_answer(&mut self, id: &str) -> Option<Answer> {
        let answer = self.stash.remove(id)?;
        self.in_flight.remove(id);
        Some(answer)
    }

    /// The next answer to any request in flight, waiting until `deadline` (forever with
    /// `None`), for callers that keep several requests in flight and take the answers as
    /// they come. `Ok(None)`: the deadline passed, or a notification was queued first
    /// (take it with [`Client::take_queued`]).
    pub fn next_answer(&mut self, deadline: Option<Instant>) -> Result<Option<(String, Answer)>> {
        loop {
            if let Some(id) = self.stash.keys().next().cloned() {
                self.in_flight.remove(&id);
                if let Some(answer) = self.stash.remove(&id) {
                    return Ok(Some((id, answer)));
                }
            }
            if !self.notifications.is_empty() {
                return Ok(None);
            }
            match self.pump(deadline) {
                Ok(()) => {}
                Err(e) if e.kind == Kind::Timeout => return Ok(None),
                Err(e) => return Err(e),
            }
        }
    }

    /// Stop waiting for request `id` (it timed out): its answer, if it comes, is dropped.
    pub fn forget(&mut self, id: &str) {
        self.in_flight.remove(id);
        self.stash.remove(id);
    }

    /// Notifications that arrived while waiting for answers and are not yet taken: they
    /// came before anything read from the connection later.
    pub fn take_queued(&mut self) -> Vec<Notification> {
        self.notifications.drain(..).collect()
    }

    /// Put back a notification taken with [`Client::take_queued`] (it keeps its place
    /// before anything not yet read).
    pub fn requeue(&mut self, n: Notification) {
        self.notifications.push_back(n);
    }

    /// The next notification, waiting until `deadline` (forever with `None`).
    /// `Ok(None)` means the deadline passed.
    pub fn next_notification(&mut self, deadline: Option<Instant>) -> Result<Option<Notification>> {
        loop {
            if let Some(n) = self.notifications.pop_front() {
                return Ok(Some(n));
            }
            match self.pump(deadline) {
                Ok(()) => {}
                Err(e) if e.kind == Kind::Timeout => return Ok(None),
                Err(e) => return Err(e),
            }
        }
    }

    /// Subscribe to an event (`core.get_jobs`, `name:{"arg": 1}`, `*`); returns the
    /// subscription id.
    pub fn subscribe(&mut self, name: &str) -> Result<String> {
        let timeout = self.call_timeout.min(Duration::from_secs(30));
        match self.info.protocol {
            Protocol::JsonRpc => {
                let v = self.call_with_timeout("core.subscribe", vec![json!(name)], timeout)?;
                Ok(v.as_str().map_or_else(|| v.to_string(), str::to_string))
            }
            Protocol::Legacy => {
                let id = new_request_id()?;
                let frame = json!({"msg": "sub", "id": id, "name": name});
                if self.verbose {
                    eprintln!("> {frame}");
                }
                self.write(&frame)?;
                self.in_flight.insert(id.clone(), "core.subscribe".into());
                match self.wait(&id, timeout)? {
                    Ok(_) => Ok(id),
                    Err(e) => Err(Error::server("core.subscribe", e)),
                }
            }
        }
    }

    /// End a subscription made with [`Client::subscribe`].
    pub fn unsubscribe(&mut self, sub_id: &str) -> Result<()> {
        match self.info.protocol {
            Protocol::JsonRpc => self.call("core.unsubscribe", vec![json!(sub_id)]).map(drop),
            Protocol::Legacy => self.write(&json!({"msg": "unsub", "id": sub_id})),
        }
    }

    /// `core.ping` (both protocols; 25.04+ `/websocket` no longer answers DDP pings).
    pub fn ping(&mut self) -> Result<Value> {
        let timeout = self.call_timeout.min(Duration::from_secs(10));
        self.call_with_timeout("core.ping", vec![], timeout)
    }

    /// Whether the connection still works, without waiting: anything the server sent
    /// meanwhile is read (events are queued), and a closed or broken connection shows.
    /// For long-lived sessions that reconnect between commands.
    pub fn is_alive(&mut self) -> bool {
        // Without waiting at all: even a 1 ms read timeout costs a clock tick (4 ms or
        // more), which a shell would pay on every command.
        if self.ws.get_ref().set_nonblocking(true).is_err() {
            return self.closed.is_none();
        }
        self.polling = true;
        let mut alive = true;
        // Bounded: a server streaming events must not keep us here.
        for _ in 0..1000 {
            if self.closed.is_some() {
                alive = false;
                break;
            }
            if let Err(e) = self.pump(None) {
                alive = matches!(e.kind, Kind::Timeout | Kind::Interrupted);
                break;
            }
        }
        self.polling = false;
        if self.ws.get_ref().set_nonblocking(false).is_err() {
            return false;
        }
        alive
    }

    /// Report `endpoint` as where this connection goes: a session agent's client talks to
    /// the agent's socket, but on behalf of the server the agent relays to.
    pub(crate) fn relayed_for(&mut self, endpoint: Endpoint) {
        self.info.endpoint = endpoint;
    }

    /// The WebSocket underneath, for the session agent's relay (which speaks raw frames);
    /// nothing may be in flight.
    pub(crate) fn into_websocket(self) -> WebSocket<Stream> {
        self.ws
    }

    /// Close politely (status 1000); errors are irrelevant at this point.
    pub fn close(mut self) {
        let _ = self.ws.close(None);
        let _ = self
            .ws
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(200)));
        for _ in 0..4 {
            if self.ws.read().is_err() {
                break;
            }
        }
        self.ws.get_ref().shutdown();
    }

    fn legacy_handshake(&mut self, timeout: Duration) -> Result<()> {
        let frame = json!({"msg": "connect", "version": "1", "support": ["1"], "features": []});
        if self.verbose {
            eprintln!("> {frame}");
        }
        self.write(&frame)?;
        let deadline = Instant::now() + timeout;
        loop {
            let frame = self.read_frame(Some(deadline)).map_err(|e| {
                if e.kind == Kind::Timeout {
                    Error::connection("the legacy /websocket handshake got no answer")
                } else {
                    e
                }
            })?;
            match frame.get("msg").and_then(Value::as_str) {
                Some("connected") => return Ok(()),
                Some("failed") => {
                    return Err(Error::connection(
                        "the server refused the legacy protocol handshake (version 1)",
                    ))
                }
                _ => {}
            }
        }
    }

    fn write(&mut self, frame: &Value) -> Result<()> {
        self.write_text(frame.to_string())
    }

    fn write_text(&mut self, text: String) -> Result<()> {
        if let Some(why) = &self.closed {
            return Err(Error::connection(format!("connection closed: {why}")));
        }
        let timeout = self.call_timeout.max(Duration::from_secs(1));
        if self.write_timeout != SocketTimeout::Set(Some(timeout)) {
            let _ = self.ws.get_ref().set_write_timeout(Some(timeout));
            self.write_timeout = SocketTimeout::Set(Some(timeout));
        }
        self.ws
            .send(Message::text(text))
            .map_err(|e| self.transport_error("sending", e))
    }

    /// Read one frame and file it: answers into the stash, events into the queue.
    fn pump(&mut self, deadline: Option<Instant>) -> Result<()> {
        let frame = self.read_frame(deadline)?;
        match self.info.protocol {
            Protocol::JsonRpc => self.file_jsonrpc(frame),
            Protocol::Legacy => self.file_legacy(frame),
        }
        Ok(())
    }

    fn trace_in(&self, frame: &Value) {
        if self.verbose {
            let method = frame
                .get("id")
                .and_then(Value::as_str)
                .and_then(|id| self.in_flight.get(id))
                .map_or("", String::as_str);
            eprintln!("< {}", redact::response(method, frame));
        }
    }

    fn file_jsonrpc(&mut self, frame: Value) {
        self.trace_in(&frame);
        let Value::Object(mut obj) = frame else {
            return;
        };
        if let Some(Value::String(method)) = obj.get("method").cloned() {
            let params = obj.remove("params").unwrap_or(Value::Null);
            match method.as_str() {
                "collection_update" => self.queue_event(params),
                "notify_unsubscribed" => self.notifications.push_back(Notification::Unsubscribed {
                    collection: str_field(&params, "collection"),
                    error: params.get("error").cloned().unwrap_or(Value::Null),
                }),
                _ => {} // unknown notifications are ignored, as the official client does
            }
            return;
        }
        let answer = match (obj.remove("error"), obj.remove("result")) {
            (Some(err), _) if !err.is_null() => Err(ServerError::from_json(&err)),
            (_, Some(result)) => Ok(result),
            _ => Ok(Value::Null),
        };
        match obj.get("id") {
            // An answer nobody waits for (an interrupted call's) is dropped, not kept.
            Some(Value::String(id)) if self.in_flight.contains_key(id) => {
                self.stash.insert(id.clone(), answer);
            }
            // An error with a null id concerns the whole connection (e.g. a parse error
            // the server reports): every pending call gets it.
            Some(Value::Null) | None => {
                if let Err(e) = answer {
                    for id in self.in_flight.keys() {
                        self.stash.insert(id.clone(), Err(e.clone()));
                    }
                }
            }
            Some(_) => {}
        }
    }

    fn file_legacy(&mut self, frame: Value) {
        self.trace_in(&frame);
        let Value::Object(mut obj) = frame else {
            return;
        };
        let msg = obj
            .get("msg")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        match msg.as_str() {
            "result" => {
                let id = match obj.get("id") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                let err = obj.remove("error").filter(|e| {
                    // The official client counts only a truthy errno as an error.
                    e.get("error")
                        .is_some_and(|n| !n.is_null() && n != &json!(0))
                });
                let answer = match err {
                    Some(e) => Err(legacy_error(&e)),
                    None => Ok(obj.remove("result").unwrap_or(Value::Null)),
                };
                if self.in_flight.contains_key(&id) {
                    self.stash.insert(id, answer);
                }
            }
            "ready" => {
                if let Some(Value::Array(subs)) = obj.get("subs") {
                    for s in subs.iter().filter_map(Value::as_str) {
                        if self.in_flight.contains_key(s) {
                            self.stash.insert(s.to_string(), Ok(json!(s)));
                        }
                    }
                }
            }
            "added" | "changed" | "removed" => {
                let mut params = Map::new();
                params.insert("msg".into(), json!(msg));
                for key in ["collection", "id", "fields", "extra", "cleared"] {
                    if let Some(v) = obj.remove(key) {
                        params.insert(key.into(), v);
                    }
                }
                self.queue_event(Value::Object(params));
            }
            "nosub" => {
                let collection = match obj.remove("collection") {
                    Some(Value::String(s)) => s,
                    _ => String::new(),
                };
                self.notifications.push_back(Notification::Unsubscribed {
                    collection,
                    error: obj.remove("error").unwrap_or(Value::Null),
                });
            }
            _ => {} // pong, connected, ...
        }
    }

    fn queue_event(&mut self, params: Value) {
        let msg = str_field(&params, "msg").to_ascii_lowercase();
        let collection = str_field(&params, "collection");
        self.notifications.push_back(Notification::Event(Event {
            msg,
            collection,
            params,
        }));
    }

    fn read_frame(&mut self, deadline: Option<Instant>) -> Result<Value> {
        loop {
            if let Some(why) = &self.closed {
                return Err(Error::connection(format!("connection closed: {why}")));
            }
            if crate::interrupt::pressed() {
                return Err(Error::interrupted("interrupted"));
            }
            let wait = match deadline {
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Err(Error::timeout("timed out"));
                    }
                    Some(coarse((d - now).max(Duration::from_millis(1))))
                }
                None => None,
            };
            // Ctrl-C must be noticed while blocked in a read.
            let wait = if crate::interrupt::caught() {
                Some(wait.map_or(crate::interrupt::POLL, |w| w.min(crate::interrupt::POLL)))
            } else {
                wait
            };
            if self.read_timeout != SocketTimeout::Set(wait) {
                let _ = self.ws.get_ref().set_read_timeout(wait);
                self.read_timeout = SocketTimeout::Set(wait);
            }
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    return serde_json::from_str(text.as_str()).map_err(|e| {
                        if is_too_deep(&e) {
                            Error::connection(format!(
                                "the server sent a message nested deeper than {MAX_JSON_DEPTH} levels, which midclt does not accept"
                            ))
                        } else {
                            Error::connection(format!(
                                "the server sent a malformed message (not JSON: {e})"
                            ))
                        }
                    })
                }
                Ok(Message::Binary(_)) => {
                    return Err(Error::connection(
                        "the server sent a binary frame; TrueNAS sends only text frames",
                    ))
                }
                Ok(Message::Close(frame)) => {
                    let why = match frame {
                        Some(f) => describe_close(f.code, f.reason.as_str()),
                        None => "the server closed the connection".to_string(),
                    };
                    self.closed = Some(why.clone());
                    return Err(Error::connection(format!("connection closed: {why}")));
                }
                // Pings are answered by tungstenite on the next write; make it happen now.
                Ok(_) => {
                    let _ = self.ws.flush();
                }
                // A caught Ctrl-C interrupts a read with a timeout even under SA_RESTART;
                // the loop then sees the flag.
                Err(tungstenite::Error::Io(e)) if self.polling && transport::is_timeout(&e) => {
                    return Err(Error::timeout("nothing to read"));
                }
                Err(tungstenite::Error::Io(e))
                    if transport::is_timeout(&e) || e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.transport_error("receiving", e)),
            }
        }
    }

    fn transport_error(&mut self, doing: &str, e: tungstenite::Error) -> Error {
        // The server misbehaving is not a dropped network: trying again will not help.
        let malformed = match &e {
            tungstenite::Error::Utf8(_) => Some("a text frame that is not valid UTF-8".to_string()),
            tungstenite::Error::Capacity(c) => Some(format!(
                "a message larger than midclt accepts ({c}; the limit is {} MiB)",
                transport::MAX_INCOMING_MESSAGE >> 20
            )),
            // A peer that vanished (reset, killed) is a dropped network, not a broken
            // server, even though tungstenite files it under protocol errors.
            tungstenite::Error::Protocol(
                tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
            ) => None,
            tungstenite::Error::Protocol(p) => {
                Some(format!("a frame that breaks the WebSocket protocol ({p})"))
            }
            _ => None,
        };
        if let Some(what) = malformed {
            let why = format!("the server sent {what}");
            self.closed = Some(why.clone());
            return Error::connection(format!("{why} while {doing}")).hint(
                "this is a fault of the server or of a proxy in between, not of the network",
            );
        }
        let why = match e {
            tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
                "the connection was closed".to_string()
            }
            tungstenite::Error::Protocol(
                tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
            ) => "the connection was cut without a WebSocket close".to_string(),
            tungstenite::Error::Io(io) => format!("{io}"),
            other => other.to_string(),
        };
        self.closed = Some(why.clone());
        Error::connection(format!("connection lost while {doing}: {why}"))
            .hint("the middleware may have restarted or the network dropped")
    }
}

/// A read timeout rounded up to 5 ms, so that successive reads towards one deadline set
/// the same timeout and the socket needs no new one (a system call) for each.
fn coarse(wait: Duration) -> Duration {
    const STEP: u128 = 5_000_000;
    let nanos = wait.as_nanos().div_ceil(STEP) * STEP;
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

fn describe_close(code: CloseCode, reason: &str) -> String {
    let n: u16 = code.into();
    let what = match n {
        1003 => "the server accepts only text frames",
        1007 => "message too large for a connection that is not logged in (limit 8 KiB)",
        1008 => "this address is not allowed to use the API (UI allow-list)",
        1009 => "a message was larger than the server accepts",
        1011 => "the server hit an internal error",
        _ => "",
    };
    let mut s = format!("code {n}");
    if !reason.is_empty() {
        let _ = write!(s, ", \"{reason}\"");
    }
    if !what.is_empty() {
        let _ = write!(s, " — {what}");
    }
    s
}

fn str_field(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Normalise a legacy error object into the JSON-RPC shape.
fn legacy_error(e: &Value) -> ServerError {
    let data = crate::error::ErrorData::from_json(e);
    let validation = e.get("type").and_then(Value::as_str) == Some("VALIDATION");
    // The legacy protocol's "too many concurrent calls" (the call did not run) is errno
    // 109 where JSON-RPC has its own code: one code for both, so callers can send again.
    let too_many = e.get("error").and_then(Value::as_i64) == Some(109);
    ServerError {
        code: if validation {
            INVALID_PARAMS
        } else if too_many {
            crate::error::TOO_MANY_CALLS
        } else {
            crate::error::CALL_ERROR
        },
        message: data.reason.clone().unwrap_or_default(),
        data: Some(data),
    }
}

pub(crate) fn fmt_secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{}", s as u64)
    } else {
        format!("{s:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_uuid_v4_and_unique() {
        let a = new_request_id().unwrap();
        let b = new_request_id().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(a.chars().all(|c| c.is_ascii_hexdigit() || c == '-'));
    }

    #[test]
    fn legacy_validation_errors_become_invalid_params() {
        let e = legacy_error(
            &json!({"error": 11, "errname": "EAGAIN", "type": "VALIDATION",
            "reason": "x", "extra": [["a.b", "bad", 22]], "trace": {"formatted": "tb"}}),
        );
        assert_eq!(e.code, INVALID_PARAMS);
        assert_eq!(
            e.validation_errors().unwrap(),
            vec![("a.b".into(), "bad".into())]
        );
        let e = legacy_error(&json!({"error": 2, "errname": "ENOENT", "type": null,
            "reason": "[ENOENT] nope"}));
        assert_eq!(e.code, crate::error::CALL_ERROR);
        assert_eq!(e.reason(), "[ENOENT] nope");
        let e = legacy_error(
            &json!({"error": 109, "errname": "ETOOMANYREFS", "type": null,
            "reason": "Maximum number of concurrent calls (20) has exceeded."}),
        );
        assert_eq!(e.code, crate::error::TOO_MANY_CALLS);
    }

    #[test]
    fn read_timeouts_are_rounded_up_to_5_ms() {
        assert_eq!(coarse(Duration::from_micros(1)), Duration::from_millis(5));
        assert_eq!(coarse(Duration::from_millis(5)), Duration::from_millis(5));
        assert_eq!(
            coarse(Duration::from_micros(99_001)),
            Duration::from_millis(100)
        );
        assert_eq!(coarse(Duration::from_secs(3600)), Duration::from_secs(3600));
    }

    #[test]
    fn close_codes_are_explained() {
        // The server's own words carry its limit; midclt adds none of its own.
        let text = describe_close(CloseCode::from(1009), "Max message length is 64 kB");
        assert!(text.contains("\"Max message length is 64 kB\""), "{text}");
        assert!(text.contains("larger than the server accepts"), "{text}");
        assert!(!text.contains("KiB"), "{text}");
    }
}
