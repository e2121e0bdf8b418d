//! The emulated API: a registry of methods (schema + handler), the per-connection
//! session, and dispatch with the server's order of checks: existence, authentication,
//! rate limit, parameter validation, then the method itself.

mod api_key;
mod auth;
mod core;
mod files;
mod system;

use super::api::ApiError;
use super::pipes::Pipes;
use super::schema::{self, S};
use super::{lock, Emulator, Origin, Out};
use crate::client::uri::Protocol;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub use self::auth::totp;
pub(crate) use self::auth::PendingScram;

/// What a handler's success means for the answer.
pub(crate) enum Reply {
    Value(Value),
    /// A new-style job call: the answer is sent when the job ends.
    Deferred,
    /// The answer is sent `after` this long, the call holding one of the connection's
    /// execution slots meanwhile (a coroutine awaiting on the real server).
    Delayed {
        value: Value,
        after: Duration,
    },
}

pub(crate) struct Ctx<'a> {
    pub emu: &'a Emulator,
    pub session: &'a mut Session,
    pub request_id: Option<Value>,
    pub method: &'a str,
    /// The job's pipes, when the call came through `core.download` or `/_upload`.
    pub pipes: Pipes,
    /// Set by a handler whose answer is due only later (`mock.sleep`).
    pub answer_after: Option<Duration>,
}

type Handler = fn(&mut Ctx<'_>, Vec<Value>) -> Result<Value, ApiError>;

pub(crate) struct MethodDef {
    pub name: &'static str,
    pub run: Handler,
    pub no_auth: bool,
    pub job: bool,
    pub filterable: bool,
    pub description: &'static str,
    pub accepts: Vec<Value>,
    pub returns: Value,
    pub roles: &'static [&'static str],
    /// Hidden from the CLI catalogue (`core.get_methods(null, "CLI")`).
    pub cli_private: bool,
    /// A job that writes a file (`core.download`): `downloadable` in the catalogue.
    pub output: bool,
    /// A job that reads a file (`/_upload`): `uploadable` in the catalogue.
    pub input: bool,
}

/// A registry entry; `accepts` are `(name, schema, required)` positional parameters.
pub(crate) fn def(
    name: &'static str,
    description: &'static str,
    accepts: Vec<(&str, S, bool)>,
    returns: S,
    run: Handler,
) -> MethodDef {
    MethodDef {
        name,
        run,
        no_auth: false,
        job: false,
        filterable: false,
        description,
        accepts: accepts
            .into_iter()
            .map(|(n, s, r)| schema::param(n, s, r))
            .collect(),
        returns: schema::param("result", returns, true),
        roles: &["FULL_ADMIN"],
        cli_private: false,
        output: false,
        input: false,
    }
}

impl MethodDef {
    pub(super) fn no_auth(mut self) -> Self {
        self.no_auth = true;
        self.roles = &[];
        self
    }
    pub(super) fn job(mut self) -> Self {
        self.job = true;
        self
    }
    pub(super) fn query(mut self) -> Self {
        self.filterable = true;
        self.accepts = schema::query_params();
        self
    }
    pub(super) fn downloadable(mut self) -> Self {
        self.output = true;
        self
    }
    pub(super) fn uploadable(mut self) -> Self {
        self.input = true;
        self
    }
    pub(super) fn cli_private(mut self) -> Self {
        self.cli_private = true;
        self
    }
    pub(super) fn roles(mut self, roles: &'static [&'static str]) -> Self {
        self.roles = roles;
        self
    }
}

pub(crate) fn registry() -> &'static [MethodDef] {
    static REGISTRY: OnceLock<Vec<MethodDef>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut all = Vec::new();
        all.extend(self::core::methods());
        all.extend(self::auth::methods());
        all.extend(self::api_key::methods());
        all.extend(self::system::methods());
        all.extend(self::files::methods());
        all
    })
}

/// Methods TrueNAS 24.10 did not have.
const LEGACY_MISSING: &[&str] = &[
    "auth.login_ex",
    "auth.login_ex_continue",
    "auth.mechanism_choices",
    "core.set_options",
    "api_key.convert_raw_key",
];

fn find(name: &str) -> Option<&'static MethodDef> {
    registry().iter().find(|m| m.name == name)
}

/// Whether `method` exists on this server: the real one looks a method up before it
/// counts the call against the connection's limits.
pub(crate) fn exists(emu: &Emulator, method: &str) -> bool {
    find(method).is_some() && !(emu.shared.config.legacy_only && LEGACY_MISSING.contains(&method))
}

/// Run one call as the server would.
pub(crate) fn call(
    emu: &Emulator,
    session: &mut Session,
    method: &str,
    params: Vec<Value>,
    request_id: Option<Value>,
) -> Result<Reply, ApiError> {
    let def = find(method)
        .filter(|_| exists(emu, method))
        .ok_or(ApiError::MethodNotFound)?;
    if session.user.is_none() {
        if !def.no_auth {
            return Err(ApiError::not_authenticated());
        }
        if let Origin::Tcp { peer, .. } = &session.origin {
            if emu.shared.config.rate_limit
                && method != "core.set_options"
                && !lock(&emu.shared.state).rate_allow(method, &peer.ip().to_string())
            {
                return Err(ApiError::call(super::api::EBUSY, "Rate Limit Exceeded"));
            }
        }
    }
    check_params(def, &params)?;
    let mut ctx = Ctx {
        emu,
        session,
        request_id: request_id.clone(),
        method,
        pipes: Pipes::default(),
        answer_after: None,
    };
    let value = (def.run)(&mut ctx, params)?;
    if let Some(after) = ctx.answer_after {
        return Ok(Reply::Delayed { value, after });
    }
    if def.job && !ctx.session.legacy_jobs && ctx.session.protocol == Protocol::JsonRpc {
        if let (Some(job_id), Some(rid)) = (value.as_i64(), request_id) {
            if emu.wait_job(job_id, ctx.session.conn_id, rid, method) {
                return Ok(Reply::Deferred);
            }
            // Already over: answer now from its final state.
            return job_outcome(emu, job_id, method).map(Reply::Value);
        }
    }
    Ok(Reply::Value(value))
}

/// Start `method` with `pipes` (for `core.download` and `/_upload`): the checks of
/// [`call`], then the handler; the answer is the job id whatever the session's job mode.
pub(crate) fn call_piped(
    emu: &Emulator,
    session: &mut Session,
    method: &str,
    params: Vec<Value>,
    pipes: Pipes,
) -> Result<Value, ApiError> {
    let def = find(method).ok_or_else(|| {
        let (svc, name) = method.rsplit_once('.').unwrap_or(("", method));
        ApiError::call(
            super::api::EINVAL,
            format!("[ENOMETHOD] Method {name:?} not found in {svc:?}"),
        )
    })?;
    if session.user.is_none() && !def.no_auth {
        return Err(ApiError::not_authenticated());
    }
    if !def.job {
        return Err(ApiError::call(
            super::api::EINVAL,
            format!("{method} is not a job, so it takes no file"),
        ));
    }
    check_params(def, &params)?;
    let mut ctx = Ctx {
        emu,
        session,
        request_id: None,
        method,
        pipes,
        answer_after: None,
    };
    (def.run)(&mut ctx, params)
}

/// Who starts a job from this call: its `credentials` and the request's id.
pub(super) fn starter(ctx: &Ctx<'_>) -> super::jobs::Starter {
    super::jobs::Starter {
        credentials: ctx.session.credentials(),
        request_id: ctx.request_id.clone(),
    }
}

/// Start the job of this call (its arguments are `params`); the answer is its id.
pub(super) fn start(
    ctx: &Ctx<'_>,
    params: Vec<Value>,
    body: impl FnOnce(&super::jobs::JobRun) -> Result<Value, ApiError> + Send + 'static,
) -> Value {
    let who = starter(ctx);
    let id = ctx
        .emu
        .start_job(ctx.method, &Value::Array(params), &who, Box::new(body));
    json!(id)
}

/// A session of `user` for a request that did not come over a WebSocket (`/_upload`).
pub(crate) fn session_for(
    emu: &Emulator,
    origin: Origin,
    user: &str,
    cred: &'static str,
) -> Session {
    let mut s = Session::new(0, origin, Protocol::JsonRpc);
    s.authenticate(emu, user, cred);
    s
}

/// The server's validation of positional parameters against the method's schema.
fn check_params(def: &MethodDef, params: &[Value]) -> Result<(), ApiError> {
    let failures = schema::validate_params(&def.accepts, params);
    if failures.is_empty() {
        return Ok(());
    }
    Err(ApiError::Validation(
        failures
            .into_iter()
            .map(|(a, m)| (a, m, super::api::EINVAL))
            .collect(),
    ))
}

fn job_outcome(emu: &Emulator, id: i64, method: &str) -> Result<Value, ApiError> {
    let job = emu.job(id).unwrap_or_default();
    match job.get("state").and_then(Value::as_str) {
        Some("FAILED") => Err(ApiError::call(
            super::api::EFAULT,
            format!(
                "{method} failed: {}",
                job.get("error").and_then(Value::as_str).unwrap_or("")
            ),
        )),
        Some("SUCCESS") => Ok(job.get("result").cloned().unwrap_or(Value::Null)),
        _ => Ok(Value::Null),
    }
}

/// Per-connection server state.
pub(crate) struct Session {
    pub conn_id: u64,
    pub origin: Origin,
    pub protocol: Protocol,
    pub user: Option<String>,
    pub cred_type: &'static str,
    pub legacy_jobs: bool,
    pub legacy_connected: bool,
    pub pending_otp: Option<String>,
    pub scram: Option<PendingScram>,
    /// (login id, login time in ms) of the current login.
    login: Option<(String, i64)>,
    /// Running event sources: subscription id → stop flag.
    sources: HashMap<String, Arc<AtomicBool>>,
    /// `mock.drop_connection`: frames still to send before the connection is cut.
    pub drop_after: Option<u64>,
}

impl Session {
    pub(super) fn new(conn_id: u64, origin: Origin, protocol: Protocol) -> Session {
        Session {
            conn_id,
            origin,
            protocol,
            user: None,
            cred_type: "",
            legacy_jobs: true,
            legacy_connected: false,
            pending_otp: None,
            scram: None,
            login: None,
            sources: HashMap::new(),
            drop_after: None,
        }
    }

    pub(super) fn authenticate(&mut self, emu: &Emulator, username: &str, cred_type: &'static str) {
        self.user = Some(username.to_string());
        self.cred_type = cred_type;
        if cred_type != "UNIX_SOCKET" && self.conn_id != 0 {
            emu.shared
                .logins
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        let at = super::state::now_ms() / 1000 * 1000;
        self.login = Some((super::fresh_id(), at));
        self.pending_otp = None;
        self.scram = None;
        if let Some(h) = lock(&emu.shared.conns).get_mut(&self.conn_id) {
            h.authenticated = true;
        }
    }

    /// The `credentials` object jobs record.
    pub(super) fn credentials(&self) -> Value {
        let (Some(user), Some((login_id, at))) = (&self.user, &self.login) else {
            return Value::Null;
        };
        let ty = match self.cred_type {
            "UNIX_SOCKET" => "UNIX_SOCKET",
            "API_KEY" => "API_KEY",
            "TOKEN" => "TOKEN",
            "LOGIN_TWOFACTOR" => "LOGIN_TWOFACTOR",
            _ => "LOGIN_PASSWORD",
        };
        json!({"type": ty, "data": {"username": user, "login_id": login_id, "login_at": {"$date": at}}})
    }

    pub(super) fn logout(&mut self, emu: &Emulator) {
        self.user = None;
        self.login = None;
        if let Some(h) = lock(&emu.shared.conns).get_mut(&self.conn_id) {
            h.authenticated = false;
            h.subs.clear();
        }
        self.stop_sources();
    }

    /// Would the real server count this connection as secure transport (§1.5)?
    pub(super) fn secure_transport(&self, emu: &Emulator) -> bool {
        match &self.origin {
            Origin::Unix | Origin::Tcp { tls: true, .. } => true,
            Origin::Tcp { peer, .. } => {
                peer.ip().is_loopback() && !emu.shared.config.loopback_is_remote
            }
        }
    }

    pub(super) fn subscribe(
        &mut self,
        emu: &Emulator,
        name: &str,
        id: Option<String>,
    ) -> Result<String, ApiError> {
        if self.user.is_none() {
            return Err(ApiError::not_authenticated());
        }
        let id = id.unwrap_or_else(super::fresh_id);
        let (base, arg) = match name.split_once(':') {
            Some((b, a)) => (b, Some(a)),
            None => (name, None),
        };
        if base == "reporting.realtime" {
            self.start_realtime(emu, name, arg, &id);
            return Ok(id);
        }
        if base == "mock.counter" {
            self.start_counter(emu, name, arg, &id);
            return Ok(id);
        }
        if let Some(h) = lock(&emu.shared.conns).get_mut(&self.conn_id) {
            h.subs.insert(id.clone(), name.to_string());
        }
        Ok(id)
    }

    pub(super) fn unsubscribe(&mut self, emu: &Emulator, id: &str) {
        if let Some(flag) = self.sources.remove(id) {
            flag.store(true, Ordering::Relaxed);
        }
        if let Some(h) = lock(&emu.shared.conns).get_mut(&self.conn_id) {
            h.subs.remove(id);
        }
    }

    pub(super) fn end(&mut self, _emu: &Emulator) {
        self.stop_sources();
    }

    fn stop_sources(&mut self) {
        for (_, flag) in self.sources.drain() {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// The emulator's `mock.counter:{"count": N, "interval": S}` event source: N `added`
    /// events S seconds apart (defaults 3 and 0.05), then its end (`notify_unsubscribed`
    /// with a null error), for testing clients against a source that finishes.
    fn start_counter(&mut self, emu: &Emulator, name: &str, arg: Option<&str>, id: &str) {
        let Some(tx) = lock(&emu.shared.conns)
            .get(&self.conn_id)
            .map(|h| h.tx.clone())
        else {
            return;
        };
        let arg: Value = arg
            .and_then(|a| serde_json::from_str(a).ok())
            .unwrap_or_else(|| json!({}));
        let count = arg.get("count").and_then(Value::as_u64).unwrap_or(3);
        let interval = arg
            .get("interval")
            .and_then(Value::as_f64)
            .filter(|i| *i >= 0.0)
            .unwrap_or(0.05);
        let stop = Arc::new(AtomicBool::new(false));
        self.sources.insert(id.to_string(), stop.clone());
        let collection = name.to_string();
        std::thread::spawn(move || {
            for n in 1..=count {
                std::thread::sleep(std::time::Duration::from_secs_f64(interval));
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let event = Out::Event {
                    collection: collection.clone(),
                    msg: "added",
                    id: json!(n),
                    fields: Some(json!({"n": n})),
                };
                if tx.send(event).is_err() {
                    return;
                }
            }
            let _ = tx.send(Out::Unsubscribed {
                collection,
                error: Value::Null,
            });
        });
    }

    /// The `reporting.realtime` event source: periodic `added` events with system
    /// figures, ended by unsubscribing (then `notify_unsubscribed` with a null error).
    fn start_realtime(&mut self, emu: &Emulator, name: &str, arg: Option<&str>, id: &str) {
        let Some(tx) = lock(&emu.shared.conns)
            .get(&self.conn_id)
            .map(|h| h.tx.clone())
        else {
            return;
        };
        let parsed = match arg.map(str::trim).filter(|a| !a.is_empty()) {
            None => Ok(json!({})),
            Some(a) => {
                serde_json::from_str::<Value>(a).map_err(|_| "Input should be a valid dictionary")
            }
        };
        let interval = parsed.and_then(|v| match v {
            Value::Object(o) => match o.get("interval") {
                None => Ok(2.0),
                Some(Value::Number(n)) => n
                    .as_f64()
                    .filter(|x| *x > 0.0)
                    .ok_or("Input should be greater than 0"),
                Some(_) => Err("Input should be a valid number"),
            },
            _ => Err("Input should be a valid dictionary"),
        });
        let interval = match interval {
            Ok(i) => i,
            Err(message) => {
                let e = ApiError::invalid("reporting.realtime", message);
                let error = e.to_jsonrpc("core.subscribe")["data"].clone();
                let _ = tx.send(Out::Unsubscribed {
                    collection: name.to_string(),
                    error,
                });
                return;
            }
        };
        let stop = Arc::new(AtomicBool::new(false));
        self.sources.insert(id.to_string(), stop.clone());
        let collection = name.to_string();
        std::thread::spawn(move || {
            let period = std::time::Duration::from_secs_f64(interval);
            let mut n: u64 = 0;
            loop {
                std::thread::sleep(period);
                if stop.load(Ordering::Relaxed) {
                    let _ = tx.send(Out::Unsubscribed {
                        collection,
                        error: Value::Null,
                    });
                    return;
                }
                n += 1;
                let fields = json!({
                    "cpu": {"cpu": {"usage": (n * 7 % 100) as f64 / 1.0}},
                    "memory": {"physical_memory_total": 17_179_869_184_u64, "physical_memory_available": 8_589_934_592_u64},
                    "sample": n,
                });
                let event = Out::Event {
                    collection: collection.clone(),
                    msg: "added",
                    id: Value::Null,
                    fields: Some(fields),
                };
                if tx.send(event).is_err() {
                    return;
                }
            }
        });
    }
}

/// Run a method on behalf of a job (core.bulk): same user, a private session.
pub(crate) fn call_as(
    emu: &Emulator,
    user: Option<&str>,
    method: &str,
    params: Vec<Value>,
) -> Result<Value, ApiError> {
    let mut s = Session::new(0, Origin::Unix, Protocol::JsonRpc);
    if let Some(user) = user {
        s.authenticate(emu, user, "LOGIN_PASSWORD");
    }
    match call(emu, &mut s, method, params, None)? {
        Reply::Value(v) => Ok(v),
        Reply::Deferred => Ok(Value::Null),
        Reply::Delayed { value, after } => {
            std::thread::sleep(after);
            Ok(value)
        }
    }
}
