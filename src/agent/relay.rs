//! The relay's bookkeeping, as pure logic over frames (text in, frames out), so it is
//! tested without sockets: which local connection is owed which answer, and who holds which
//! subscription.
//!
//! Request ids are rewritten on the way up (local clients choose theirs, and two of them
//! may well choose the same) and restored on the way back. Subscriptions are shared by
//! event name: the server sends a connection each event once however many of its
//! subscriptions match, an event source runs once per subscription, and unsubscribing ends
//! a source for the whole connection — so one upstream subscription per name, handed out
//! to every local connection that asks and ended when the last one lets go.

use crate::client::uri::Protocol;
use crate::error::CALL_ERROR;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// A local connection, numbered by the agent.
pub(super) type ConnId = u64;

/// A frame to send, or a question for the agent itself.
#[derive(Debug, PartialEq)]
pub(super) enum Out {
    /// For the server.
    Upstream(String),
    /// For one local connection.
    Local(ConnId, String),
    /// A local connection asks the agent something; answer with [`Relay::answer`].
    Control {
        /// Who asks.
        conn: ConnId,
        /// The request's id, for the answer.
        id: Value,
        /// What is asked.
        what: Control,
    },
}

/// What a local client may ask the agent itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Control {
    /// How it is doing.
    Status,
    /// To exit.
    Stop,
}

/// What an id sent upstream stands for.
enum Pending {
    /// A local connection's request, and the id it used.
    Call { conn: ConnId, id: Value },
    /// A shared subscription being made (its key in [`Relay::shared`]).
    Subscribe { key: String },
    /// The agent's own (keep-alive ping, unsubscribing): nobody waits for the answer.
    Own,
}

/// How a local connection is told its subscription is made.
enum Reply {
    /// JSON-RPC: the answer to its `core.subscribe` request with this id.
    JsonRpc(Value),
    /// Legacy: `ready` (or an error) for the subscription id it chose.
    Legacy,
}

struct Waiter {
    conn: ConnId,
    reply: Reply,
    local_sub: String,
}

/// One subscription on the server.
struct Shared {
    name: String,
    /// The server's id for it, once made.
    upstream_id: Option<String>,
    /// Local subscriptions resting on it.
    holders: usize,
    /// Local connections waiting for it to be made.
    waiters: Vec<Waiter>,
}

#[derive(Default)]
struct Local {
    /// Local subscription id → key of the shared subscription.
    subs: HashMap<String, String>,
    /// Requests relayed and not answered yet.
    calls: usize,
}

/// Methods that would change who the shared connection is logged in as, or how it
/// behaves for every local client.
fn refused(method: &str) -> bool {
    method.starts_with("auth.login") || method == "auth.logout" || method == "core.set_options"
}

fn control(method: &str) -> Option<Control> {
    match method {
        crate::session::agent::STATUS_METHOD => Some(Control::Status),
        crate::session::agent::STOP_METHOD => Some(Control::Stop),
        _ => None,
    }
}

/// Does an event of `collection` belong to a subscription to `name`? An event source's
/// events carry its whole `name:arg`; `*` stands for every event but not for sources.
fn matches(name: &str, collection: &str) -> bool {
    name == collection
        || (name == "*" && !collection.contains(':'))
        || collection.split(':').next() == Some(name)
}

pub(super) struct Relay {
    protocol: Protocol,
    next: u64,
    pending: HashMap<String, Pending>,
    /// Shared subscriptions by key (the id of the request that made them).
    shared: HashMap<String, Shared>,
    /// The live shared subscription of each event name; one that ended before it was
    /// made is out of here but still in `shared`, waiting for its answer.
    by_name: HashMap<String, String>,
    locals: HashMap<ConnId, Local>,
    /// Requests relayed so far (calls and subscriptions).
    pub(super) relayed: u64,
}

impl Relay {
    pub(super) fn new(protocol: Protocol) -> Relay {
        Relay {
            protocol,
            next: 0,
            pending: HashMap::new(),
            shared: HashMap::new(),
            by_name: HashMap::new(),
            locals: HashMap::new(),
            relayed: 0,
        }
    }

    pub(super) fn protocol(&self) -> Protocol {
        self.protocol
    }

    fn fresh(&mut self) -> String {
        self.next += 1;
        format!("midclt-agent-{}", self.next)
    }

    /// A local connection is open.
    pub(super) fn open(&mut self, conn: ConnId) {
        self.locals.insert(conn, Local::default());
    }

    /// A local connection went away: its subscriptions are let go of. Answers still owed
    /// to it are dropped when they come.
    pub(super) fn close(&mut self, conn: ConnId) -> Vec<Out> {
        let mut out = Vec::new();
        let Some(local) = self.locals.remove(&conn) else {
            return out;
        };
        for key in local.subs.into_values() {
            self.release(&key, &mut out);
        }
        for shared in self.shared.values_mut() {
            shared.waiters.retain(|w| w.conn != conn);
        }
        out
    }

    /// Whether the server owes anything to pending requests.
    pub(super) fn calls_pending(&self) -> bool {
        self.pending.values().any(|p| !matches!(p, Pending::Own))
    }

    /// The server connection was lost, and with it every request in flight and every
    /// subscription. Returns the local connections that were owed something or held a
    /// subscription: they must be told (their connection closed), as a direct connection
    /// would have been.
    pub(super) fn upstream_lost(&mut self) -> Vec<ConnId> {
        let mut hit: Vec<ConnId> = self
            .locals
            .iter()
            .filter(|(_, l)| l.calls > 0 || !l.subs.is_empty())
            .map(|(c, _)| *c)
            .chain(
                self.shared
                    .values()
                    .flat_map(|s| s.waiters.iter().map(|w| w.conn)),
            )
            .collect();
        hit.sort_unstable();
        hit.dedup();
        self.pending.clear();
        self.shared.clear();
        self.by_name.clear();
        for local in self.locals.values_mut() {
            *local = Local::default();
        }
        hit
    }

    /// A frame from a local connection.
    pub(super) fn on_local(&mut self, conn: ConnId, text: &str) -> Vec<Out> {
        let Ok(Value::Object(frame)) = serde_json::from_str::<Value>(text) else {
            return vec![Out::Local(
                conn,
                self.error(
                    &Value::Null,
                    "EINVAL",
                    22,
                    "the session agent relays JSON objects only",
                ),
            )];
        };
        match self.protocol {
            Protocol::JsonRpc => self.local_jsonrpc(conn, frame),
            Protocol::Legacy => self.local_legacy(conn, frame),
        }
    }

    fn local_jsonrpc(&mut self, conn: ConnId, frame: Map<String, Value>) -> Vec<Out> {
        let method = frame
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let first = frame
            .get("params")
            .and_then(|p| p.get(0))
            .and_then(Value::as_str)
            .map(str::to_string);
        let Some(id) = frame.get("id").cloned() else {
            // A notification: nobody hears its answer, so only harmless ones go up.
            if refused(&method) || control(&method).is_some() {
                return Vec::new();
            }
            return vec![Out::Upstream(Value::Object(frame).to_string())];
        };
        match (method.as_str(), first) {
            ("core.subscribe", Some(name)) => {
                let local_sub = self.fresh();
                self.subscribe(conn, Reply::JsonRpc(id), local_sub, name)
            }
            ("core.unsubscribe", first) => {
                let mut out = Vec::new();
                if let Some(sub) = first {
                    self.unsubscribe(conn, &sub, &mut out);
                }
                out.push(Out::Local(conn, self.answer(&id, &Value::Null)));
                out
            }
            _ => self.request(conn, id, &method, frame),
        }
    }

    fn local_legacy(&mut self, conn: ConnId, frame: Map<String, Value>) -> Vec<Out> {
        let msg = frame.get("msg").and_then(Value::as_str).unwrap_or("");
        let id = frame.get("id").cloned().unwrap_or(Value::Null);
        let id_text = match &id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match msg {
            // The agent's connection did the server's handshake long ago.
            "connect" => vec![Out::Local(
                conn,
                json!({"msg": "connected", "session": "midclt-session-agent"}).to_string(),
            )],
            "ping" => {
                let mut pong = json!({"msg": "pong"});
                if !id.is_null() {
                    pong["id"] = id;
                }
                vec![Out::Local(conn, pong.to_string())]
            }
            "method" => {
                let method = frame
                    .get("method")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                self.request(conn, id, &method, frame)
            }
            "sub" => {
                let name = frame
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                self.subscribe(conn, Reply::Legacy, id_text, name)
            }
            "unsub" => {
                let mut out = Vec::new();
                self.unsubscribe(conn, &id_text, &mut out);
                out
            }
            _ => Vec::new(),
        }
    }

    /// A request with an id: answered here (control, refusal) or sent up under an id of
    /// the agent's.
    fn request(
        &mut self,
        conn: ConnId,
        id: Value,
        method: &str,
        mut frame: Map<String, Value>,
    ) -> Vec<Out> {
        if let Some(what) = control(method) {
            return vec![Out::Control { conn, id, what }];
        }
        if refused(method) {
            let reason = format!(
                "{method} is not relayed by the session agent: its connection stays logged in as it is (add --no-session to log in otherwise)"
            );
            return vec![Out::Local(conn, self.error(&id, "EPERM", 1, &reason))];
        }
        let up = self.fresh();
        frame.insert("id".into(), json!(up));
        self.pending.insert(up, Pending::Call { conn, id });
        if let Some(local) = self.locals.get_mut(&conn) {
            local.calls += 1;
        }
        self.relayed += 1;
        vec![Out::Upstream(Value::Object(frame).to_string())]
    }

    fn subscribe(
        &mut self,
        conn: ConnId,
        reply: Reply,
        local_sub: String,
        name: String,
    ) -> Vec<Out> {
        self.relayed += 1;
        let waiter = Waiter {
            conn,
            reply,
            local_sub,
        };
        if let Some(key) = self.by_name.get(&name).cloned() {
            let made = self
                .shared
                .get(&key)
                .is_some_and(|s| s.upstream_id.is_some());
            if made {
                return self.hold(&key, &waiter).into_iter().collect();
            }
            if let Some(shared) = self.shared.get_mut(&key) {
                shared.waiters.push(waiter);
            }
            return Vec::new();
        }
        let key = self.fresh();
        let frame = match self.protocol {
            Protocol::JsonRpc => {
                json!({"jsonrpc": "2.0", "id": key, "method": "core.subscribe", "params": [name]})
            }
            Protocol::Legacy => json!({"msg": "sub", "id": key, "name": name}),
        };
        self.by_name.insert(name.clone(), key.clone());
        self.shared.insert(
            key.clone(),
            Shared {
                name,
                upstream_id: None,
                holders: 0,
                waiters: vec![waiter],
            },
        );
        self.pending.insert(key.clone(), Pending::Subscribe { key });
        vec![Out::Upstream(frame.to_string())]
    }

    /// Give `waiter` its share of a made subscription, and tell it so.
    fn hold(&mut self, key: &str, waiter: &Waiter) -> Option<Out> {
        let local = self.locals.get_mut(&waiter.conn)?;
        let shared = self.shared.get_mut(key)?;
        local.subs.insert(waiter.local_sub.clone(), key.to_string());
        shared.holders += 1;
        Some(Out::Local(waiter.conn, self.subscribed(waiter)))
    }

    fn subscribed(&self, waiter: &Waiter) -> String {
        match &waiter.reply {
            Reply::JsonRpc(id) => self.answer(id, &json!(waiter.local_sub)),
            Reply::Legacy => json!({"msg": "ready", "subs": [waiter.local_sub]}).to_string(),
        }
    }

    fn unsubscribe(&mut self, conn: ConnId, local_sub: &str, out: &mut Vec<Out>) {
        let key = self
            .locals
            .get_mut(&conn)
            .and_then(|l| l.subs.remove(local_sub));
        if let Some(key) = key {
            self.release(&key, out);
        }
    }

    /// One holder fewer; the last one ends the subscription on the server.
    fn release(&mut self, key: &str, out: &mut Vec<Out>) {
        let Some(shared) = self.shared.get_mut(key) else {
            return;
        };
        shared.holders = shared.holders.saturating_sub(1);
        if shared.holders > 0 || !shared.waiters.is_empty() {
            return;
        }
        let Some(shared) = self.shared.remove(key) else {
            return;
        };
        if self.by_name.get(&shared.name).is_some_and(|k| k == key) {
            self.by_name.remove(&shared.name);
        }
        let Some(upstream_id) = shared.upstream_id else {
            return;
        };
        let own = self.fresh();
        let frame = match self.protocol {
            Protocol::JsonRpc => {
                json!({"jsonrpc": "2.0", "id": own, "method": "core.unsubscribe", "params": [upstream_id]})
            }
            Protocol::Legacy => json!({"msg": "unsub", "id": upstream_id}),
        };
        self.pending.insert(own, Pending::Own);
        out.push(Out::Upstream(frame.to_string()));
    }

    /// A keep-alive request of the agent's own.
    pub(super) fn ping(&mut self) -> String {
        let own = self.fresh();
        let frame = match self.protocol {
            Protocol::JsonRpc => {
                json!({"jsonrpc": "2.0", "id": own, "method": "core.ping", "params": []})
            }
            Protocol::Legacy => {
                json!({"msg": "method", "id": own, "method": "core.ping", "params": []})
            }
        };
        self.pending.insert(own, Pending::Own);
        frame.to_string()
    }

    /// A frame from the server.
    pub(super) fn on_upstream(&mut self, text: &str) -> Vec<Out> {
        let Ok(Value::Object(frame)) = serde_json::from_str::<Value>(text) else {
            return Vec::new();
        };
        match self.protocol {
            Protocol::JsonRpc => self.upstream_jsonrpc(text, frame),
            Protocol::Legacy => self.upstream_legacy(text, frame),
        }
    }

    fn upstream_jsonrpc(&mut self, text: &str, frame: Map<String, Value>) -> Vec<Out> {
        let collection = || {
            frame
                .get("params")
                .and_then(|p| p.get("collection"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        match frame.get("method").and_then(Value::as_str) {
            Some("collection_update") => return self.event(&collection(), text),
            Some("notify_unsubscribed") => return self.ended(&collection(), None, text),
            Some(_) => return Vec::new(),
            None => {}
        }
        match frame.get("id") {
            Some(Value::String(id)) => {
                let id = id.clone();
                let outcome = match frame.get("error").filter(|e| !e.is_null()) {
                    Some(e) => Err(e.clone()),
                    None => Ok(frame.get("result").cloned().unwrap_or(Value::Null)),
                };
                self.answered(&id, frame, outcome)
            }
            // An error about the whole connection: everyone waiting hears it.
            Some(Value::Null) | None if frame.get("error").is_some() => self
                .locals
                .iter()
                .filter(|(_, l)| l.calls > 0)
                .map(|(c, _)| Out::Local(*c, text.to_string()))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn upstream_legacy(&mut self, text: &str, frame: Map<String, Value>) -> Vec<Out> {
        let msg = frame.get("msg").and_then(Value::as_str).unwrap_or("");
        let str_of = |key: &str| {
            frame
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        match msg {
            "result" => {
                let id = str_of("id");
                let outcome = match frame.get("error").filter(|e| !e.is_null()) {
                    Some(e) => Err(e.clone()),
                    None => Ok(json!(id)),
                };
                self.answered(&id, frame, outcome)
            }
            "ready" => {
                let ids: Vec<String> = frame
                    .get("subs")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                ids.iter()
                    .flat_map(|id| self.answered(id, Map::new(), Ok(json!(id))))
                    .collect()
            }
            "added" | "changed" | "removed" => self.event(&str_of("collection"), text),
            "nosub" => {
                let id = str_of("id");
                self.ended(&str_of("collection"), Some(&id), text)
            }
            _ => Vec::new(),
        }
    }

    /// The server answered the request it knows as `id`: `outcome` is the result (for a
    /// subscription, its id) or the error object.
    fn answered(
        &mut self,
        id: &str,
        mut frame: Map<String, Value>,
        outcome: Result<Value, Value>,
    ) -> Vec<Out> {
        match self.pending.remove(id) {
            Some(Pending::Call { conn, id }) => {
                let Some(local) = self.locals.get_mut(&conn) else {
                    return Vec::new();
                };
                local.calls = local.calls.saturating_sub(1);
                frame.insert("id".into(), id);
                vec![Out::Local(conn, Value::Object(frame).to_string())]
            }
            Some(Pending::Subscribe { key }) => self.made(&key, outcome),
            Some(Pending::Own) | None => Vec::new(),
        }
    }

    /// The server made (or refused) the shared subscription `key`.
    fn made(&mut self, key: &str, outcome: Result<Value, Value>) -> Vec<Out> {
        let Some(shared) = self.shared.get_mut(key) else {
            return Vec::new();
        };
        let waiters = std::mem::take(&mut shared.waiters);
        let live = self.by_name.get(&shared.name).is_some_and(|k| k == key);
        let mut out = Vec::new();
        match outcome {
            Ok(upstream_id) => {
                shared.upstream_id = Some(match upstream_id {
                    Value::String(s) => s,
                    other => other.to_string(),
                });
                for waiter in waiters {
                    if live {
                        out.extend(self.hold(key, &waiter));
                    } else if self.locals.contains_key(&waiter.conn) {
                        // It ended before it was made (the end went out already).
                        out.push(Out::Local(waiter.conn, self.subscribed(&waiter)));
                    }
                }
                if !live {
                    self.release(key, &mut out);
                }
            }
            Err(error) => {
                for waiter in waiters {
                    let frame = match &waiter.reply {
                        Reply::JsonRpc(id) => {
                            json!({"jsonrpc": "2.0", "id": id, "error": error})
                        }
                        Reply::Legacy => {
                            json!({"msg": "result", "id": waiter.local_sub, "error": error})
                        }
                    };
                    out.push(Out::Local(waiter.conn, frame.to_string()));
                }
                self.shared.remove(key);
                if live {
                    self.by_name.retain(|_, k| k != key);
                }
            }
        }
        out
    }

    /// An event: to every local connection holding a subscription it belongs to, once.
    fn event(&self, collection: &str, text: &str) -> Vec<Out> {
        let mut conns: Vec<ConnId> = self
            .locals
            .iter()
            .filter(|(_, l)| {
                l.subs.values().any(|key| {
                    self.shared
                        .get(key)
                        .is_some_and(|s| matches(&s.name, collection))
                })
            })
            .map(|(c, _)| *c)
            .collect();
        conns.sort_unstable();
        conns
            .into_iter()
            .map(|c| Out::Local(c, text.to_string()))
            .collect()
    }

    /// The server ended the subscription to `collection` (or, legacy, the one it knows as
    /// `upstream_id`): every holder and waiter is told, under its own subscription id.
    fn ended(&mut self, collection: &str, upstream_id: Option<&str>, text: &str) -> Vec<Out> {
        let key = self.by_name.get(collection).cloned().or_else(|| {
            let id = upstream_id.filter(|i| !i.is_empty())?;
            self.shared
                .iter()
                .find(|(_, s)| s.upstream_id.as_deref() == Some(id))
                .map(|(k, _)| k.clone())
        });
        let Some(key) = key else {
            return Vec::new();
        };
        let Some(shared) = self.shared.get_mut(&key) else {
            return Vec::new();
        };
        if self.by_name.get(&shared.name).is_some_and(|k| *k == key) {
            self.by_name.remove(&shared.name);
        }
        shared.holders = 0;
        let name = shared.name.clone();
        let mut told: Vec<(ConnId, String)> = shared
            .waiters
            .iter()
            .map(|w| (w.conn, w.local_sub.clone()))
            .collect();
        for (conn, local) in &mut self.locals {
            let subs: Vec<String> = local
                .subs
                .iter()
                .filter(|(_, k)| **k == key)
                .map(|(s, _)| s.clone())
                .collect();
            for sub in subs {
                local.subs.remove(&sub);
                told.push((*conn, sub));
            }
        }
        if self.shared.get(&key).is_some_and(|s| s.waiters.is_empty()) {
            self.shared.remove(&key);
        }
        told.sort();
        told.into_iter()
            .map(|(conn, sub)| {
                let frame = match self.protocol {
                    Protocol::JsonRpc => text.to_string(),
                    Protocol::Legacy => {
                        let mut f: Value = serde_json::from_str(text).unwrap_or_else(|_| json!({}));
                        f["msg"] = json!("nosub");
                        f["id"] = json!(sub);
                        f["collection"] = json!(name);
                        f.to_string()
                    }
                };
                Out::Local(conn, frame)
            })
            .collect()
    }

    /// A result frame for a local request.
    pub(super) fn answer(&self, id: &Value, result: &Value) -> String {
        match self.protocol {
            Protocol::JsonRpc => json!({"jsonrpc": "2.0", "id": id, "result": result}),
            Protocol::Legacy => json!({"msg": "result", "id": id, "result": result}),
        }
        .to_string()
    }

    /// An error frame in the server's own shape, so clients report it as they would the
    /// server's.
    fn error(&self, id: &Value, errname: &str, errno: i64, reason: &str) -> String {
        let reason = format!("[{errname}] {reason}");
        match self.protocol {
            Protocol::JsonRpc => json!({"jsonrpc": "2.0", "id": id, "error": {
                "code": CALL_ERROR, "message": reason,
                "data": {"error": errno, "errname": errname, "reason": reason, "trace": null, "extra": null}}}),
            Protocol::Legacy => json!({"msg": "result", "id": id, "error": {
                "error": errno, "errname": errname, "type": null, "reason": reason, "trace": null, "extra": null}}),
        }
        .to_string()
    }
}

#[cfg(test)]
mod tests;
