//! Running a job method and following it to its end (`call -j`).
//!
//! The client subscribes to `core.get_jobs` *before* calling, so no event can be missed,
//! learns the job id from the call's result (legacy-jobs mode, which every server
//! version speaks), then folds each event's fields into the job's state until it is
//! SUCCESS, FAILED or ABORTED. There is deliberately no overall deadline (jobs can run
//! for hours), but a silent server is polled so a lost event cannot hang the wait.

mod new_style;

use crate::client::rpc::{Client, Notification};
use crate::error::{Error, ErrorData, Kind, Result, ServerError, CALL_ERROR, INVALID_PARAMS};
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

const POLL_AFTER_SILENCE: Duration = Duration::from_secs(30);

/// Where progress goes while waiting.
pub trait Progress {
    /// The job reported progress: `percent` from 0 to 100 and the server's description,
    /// each when known.
    fn update(&mut self, percent: Option<f64>, description: Option<&str>);
    /// The job ended, successfully or not; no update follows.
    fn finish(&mut self, success: bool);
    /// Ctrl-C was pressed while the job runs: what now? Scripts detach (the default);
    /// a person may be asked.
    fn interrupted(&mut self, _job_id: i64, _method: &str) -> OnInterrupt {
        OnInterrupt::Detach
    }
    /// Something the person waiting should know (the connection dropped and is being
    /// opened again): one line on stderr by default.
    fn notice(&mut self, text: &str) {
        eprintln!("midclt: {text}");
    }
}

/// What to do about a running job when the user presses Ctrl-C.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnInterrupt {
    /// Ask the server to abort it, and wait for it to end.
    Abort,
    /// Stop waiting; the job goes on running and can be followed again by its id.
    Detach,
    /// Carry on waiting.
    Wait,
}

/// No progress output.
pub struct Silent;

impl Progress for Silent {
    fn update(&mut self, _: Option<f64>, _: Option<&str>) {}
    fn finish(&mut self, _: bool) {}
}

/// Opens a new logged-in connection to the same server with the same credentials, for
/// following a job after its connection dropped.
pub type Reconnect<'a> = &'a mut dyn FnMut() -> Result<Client>;

/// Call `method` as a job and return its result when it succeeds. A failed or aborted
/// job is a [`Kind::Server`] error; a method that is not a job is a [`Kind::Usage`] error,
/// after the call has run.
pub fn run(
    client: &mut Client,
    method: &str,
    params: Vec<Value>,
    progress: &mut dyn Progress,
) -> Result<Value> {
    run_inner(client, None, method, params, progress)
}

/// [`run`], and when the connection drops while the job runs, connect again through
/// `reconnect` (a few times, backing off) and carry on following the job by its id, so its
/// outcome is never lost. `client` is replaced by the new connection.
pub fn run_reconnecting(
    client: &mut Client,
    reconnect: Reconnect<'_>,
    method: &str,
    params: Vec<Value>,
    progress: &mut dyn Progress,
) -> Result<Value> {
    run_inner(client, Some(reconnect), method, params, progress)
}

fn run_inner(
    client: &mut Client,
    reconnect: Option<Reconnect<'_>>,
    method: &str,
    params: Vec<Value>,
    progress: &mut dyn Progress,
) -> Result<Value> {
    let mut subscription = client.subscribe("core.get_jobs")?;
    if new_style::switch_on(client) {
        let outcome = new_style::run(
            client,
            reconnect,
            &mut subscription,
            method,
            params,
            progress,
        );
        new_style::switch_off(client);
        if !matches!(&outcome, Err(e) if matches!(e.kind, Kind::Connection | Kind::Timeout)) {
            let _ = client.unsubscribe(&subscription);
            drop(client.take_queued());
        }
        return outcome;
    }
    let started = client.call(method, params);
    let outcome = started.and_then(|started| {
        let job_id = started
            .as_i64()
            .ok_or_else(|| not_a_job(method, &started))?;
        follow_inner(
            client,
            reconnect,
            &mut subscription,
            method,
            job_id,
            progress,
            None,
        )
    });
    // A long-lived connection (the shell) must not collect job events nobody reads.
    if !matches!(&outcome, Err(e) if matches!(e.kind, Kind::Connection | Kind::Timeout)) {
        let _ = client.unsubscribe(&subscription);
        drop(client.take_queued());
    }
    outcome
}

/// Whether `method` is a job, from the server's own description of its service
/// (`core.get_methods(SERVICE)`); `None` when the server does not say (an unknown method,
/// or a session not allowed to ask), so the caller can decide. Asking first matters: a
/// non-job method called "as a job" has already done its work when that shows.
pub fn is_job_method(client: &mut Client, method: &str) -> Option<bool> {
    let (service, _) = method.rsplit_once('.')?;
    let methods = client.call("core.get_methods", vec![json!(service)]).ok()?;
    methods.get(method)?.get("job")?.as_bool()
}

/// Follow an already started job until it ends (the `core.get_jobs` subscription must
/// already exist).
pub fn follow(
    client: &mut Client,
    method: &str,
    job_id: i64,
    progress: &mut dyn Progress,
) -> Result<Value> {
    let mut subscription = String::new();
    follow_inner(
        client,
        None,
        &mut subscription,
        method,
        job_id,
        progress,
        None,
    )
}

/// [`follow`], reconnecting through `reconnect` when the connection drops (see
/// [`run_reconnecting`]).
pub fn follow_reconnecting(
    client: &mut Client,
    reconnect: Reconnect<'_>,
    method: &str,
    job_id: i64,
    progress: &mut dyn Progress,
) -> Result<Value> {
    let mut subscription = String::new();
    follow_inner(
        client,
        Some(reconnect),
        &mut subscription,
        method,
        job_id,
        progress,
        None,
    )
}

/// The connection was lost while a job was being waited for another way (a new-style
/// call): what failed, and the job as it was seen until then.
pub(super) struct Dropped {
    pub error: Error,
    pub job: Map<String, Value>,
}

/// Follow job `job_id` to its end. `dropped`: the connection is already known to be gone,
/// so reconnect before watching.
fn follow_inner(
    client: &mut Client,
    mut reconnect: Option<Reconnect<'_>>,
    subscription: &mut String,
    method: &str,
    job_id: i64,
    progress: &mut dyn Progress,
    dropped: Option<Dropped>,
) -> Result<Value> {
    let mut seen = Seen::default();
    let mut dropped = dropped.map(|d| {
        seen.first = Some(d.job).filter(|j| !j.is_empty());
        d.error
    });
    loop {
        let e = match dropped.take() {
            Some(e) => e,
            None => match watch(client, method, job_id, progress, &mut seen) {
                Err(e) if e.kind == Kind::Connection => e,
                other => return other.map_err(|e| detached(e, method, job_id)),
            },
        };
        let Some(reconnect) = reconnect.as_deref_mut() else {
            return Err(detached(e, method, job_id));
        };
        let doing = format!("to follow job {job_id}");
        let mut notice = |text: &str| progress.notice(text);
        let mut new_subscription = String::new();
        let new_client = crate::session::reconnect_with_backoff(
            &mut || {
                let mut c = reconnect()?;
                new_subscription = c.subscribe("core.get_jobs")?;
                Ok(c)
            },
            e,
            &doing,
            &mut notice,
        )
        .map_err(|e| detached(e, method, job_id))?;
        *client = new_client;
        *subscription = new_subscription;
    }
}

/// A wait that ended without the job's outcome: the job goes on without us, so say how to
/// pick it up again, and never suggest running the command again (that would start a
/// second job).
fn detached(e: Error, method: &str, job_id: i64) -> Error {
    match e.kind {
        Kind::Interrupted => Error {
            message: format!(
                "stopped waiting for job {job_id} ({method}); it goes on running on the server"
            ),
            hints: vec![format!(
                "follow it again with `midclt job wait {job_id}`, or abort it with `midclt job abort {job_id}`"
            )],
            ..e
        },
        Kind::Connection | Kind::Timeout => Error {
            message: format!(
                "{}; job {job_id} ({method}) goes on running on the server",
                e.message
            ),
            hints: vec![format!("follow it again with `midclt job wait {job_id}`")],
            ..e
        },
        _ => e,
    }
}

/// What an earlier watch learnt of the job, to know it again after a reconnection: job
/// ids count from 1 at every start of the middleware, so after a restart the id may name
/// another job, or none.
#[derive(Default)]
struct Seen {
    /// The job as the server first showed it.
    first: Option<Map<String, Value>>,
}

/// Whether two views of a job by the same id are the same job, as far as they tell:
/// neither its start time, nor its arguments, nor the request that started it changed
/// (a field either view lacks or has null proves nothing).
pub(crate) fn same_job(earlier: &Map<String, Value>, now: &Map<String, Value>) -> bool {
    let field =
        |job: &Map<String, Value>, key: &str| job.get(key).filter(|v| !v.is_null()).cloned();
    let first_request = |job: &Map<String, Value>| {
        job.get("message_ids")
            .and_then(Value::as_array)
            .and_then(|ids| ids.first())
            .cloned()
    };
    let differ = |a: Option<Value>, b: Option<Value>| a.zip(b).is_some_and(|(a, b)| a != b);
    !(differ(field(earlier, "time_started"), field(now, "time_started"))
        || differ(field(earlier, "arguments"), field(now, "arguments"))
        || differ(first_request(earlier), first_request(now)))
}

/// Job `job_id`, followed before, is not on the server any more (or another job has its
/// id): the middleware restarted, and what became of the job cannot be known. A server
/// error (exit 1), since a connection error would be retried.
pub(crate) fn lost(job_id: i64, method: &str) -> Error {
    Error::new(Kind::Server, format!(
        "job {job_id} ({method}) is no longer known to the server (the middleware may have restarted); its outcome is unknown"
    ))
    .hint(format!(
        "`midclt job list --method {method}` shows the jobs the server has now"
    ))
}

/// Follow the job over `client` until it ends, from a fresh snapshot of its state (so it
/// also picks up a job after a reconnection).
fn watch(
    client: &mut Client,
    method: &str,
    job_id: i64,
    progress: &mut dyn Progress,
    seen: &mut Seen,
) -> Result<Value> {
    let mut job = Map::new();
    // Catches a job that finished before its first event reached us, and non-job methods
    // that merely returned an integer.
    let snapshot = client.call(
        "core.get_jobs",
        vec![
            json!([["id", "=", job_id]]),
            json!({"extra": {"raw_result": true}}),
        ],
    )?;
    let Some(Value::Object(snapshot)) = snapshot.as_array().and_then(|a| a.first()) else {
        return Err(if seen.first.is_some() {
            lost(job_id, method)
        } else {
            not_a_job(method, &json!(job_id))
        });
    };
    if let Some(first) = &seen.first {
        let other_method = first.get("method") != snapshot.get("method");
        if other_method || !same_job(first, snapshot) {
            return Err(lost(job_id, method));
        }
    } else {
        seen.first = Some(snapshot.clone());
    }
    // Events that arrived before the snapshot's answer are older than it: show them first,
    // in order, so progress never steps back.
    for n in client.take_queued() {
        match n {
            Notification::Event(ev) if is_about(&ev, job_id) => {
                if let Some(Value::Object(fields)) = ev.fields() {
                    merge(&mut job, fields);
                    show(&job, progress);
                }
            }
            other => client.requeue(other),
        }
    }
    // An event can also be newer than the snapshot (sent while the answer was on its way):
    // an end seen in the events is final, and the older snapshot must not undo it.
    if terminal_state(&job).is_none() {
        merge(&mut job, snapshot);
    }
    if let Some(m) = job.get("method").and_then(Value::as_str) {
        if m != method && method != "core.job_wait" {
            return Err(not_a_job(method, &json!(job_id)));
        }
    }
    let mut last_event = Instant::now();
    loop {
        show(&job, progress);
        if let Some(state) = terminal_state(&job) {
            progress.finish(state == "SUCCESS");
            return outcome(job_id, state, &job);
        }
        let deadline = Some(Instant::now() + Duration::from_secs(1));
        let next = match client.next_notification(deadline) {
            Err(e) if e.kind == Kind::Interrupted => {
                // Cleared only to wait on: after a detach it stays pressed, so that other
                // waits of this process (a fleet's hosts) stop too.
                match progress.interrupted(job_id, method) {
                    OnInterrupt::Abort => {
                        crate::interrupt::clear();
                        client.call("core.job_abort", vec![json!(job_id)])?;
                    }
                    OnInterrupt::Detach => return Err(e),
                    OnInterrupt::Wait => crate::interrupt::clear(),
                }
                continue;
            }
            other => other?,
        };
        match next {
            Some(Notification::Event(ev)) if is_about(&ev, job_id) => {
                if let Some(Value::Object(fields)) = ev.fields() {
                    merge(&mut job, fields);
                }
                last_event = Instant::now();
            }
            None if last_event.elapsed() >= POLL_AFTER_SILENCE => {
                // Also keeps proxies from closing a connection that looks idle.
                let current = client.call("core.get_jobs", vec![json!([["id", "=", job_id]])])?;
                if let Some(Value::Object(fields)) = current.as_array().and_then(|a| a.first()) {
                    let mut fields = fields.clone();
                    // The polled copy has redacted results; only the event's is raw.
                    fields.remove("result");
                    merge(&mut job, &fields);
                }
                last_event = Instant::now();
            }
            Some(_) | None => {}
        }
    }
}

fn is_about(ev: &crate::client::Event, job_id: i64) -> bool {
    ev.collection == "core.get_jobs" && ev.id().and_then(Value::as_i64) == Some(job_id)
}

fn not_a_job(method: &str, got: &Value) -> Error {
    Error::usage(format!(
        "{method} is not a job method (it returned {}), so -j has nothing to follow",
        crate::py::json::dumps(got)
    ))
    .hint("run it again without -j")
}

/// The outcome of a job from its job object (events' fields merged): `None` while it
/// has not ended.
pub(crate) fn ended(job_id: i64, job: &Map<String, Value>) -> Option<Result<Value>> {
    terminal_state(job).map(|state| outcome(job_id, state, job))
}

fn merge(job: &mut Map<String, Value>, fields: &Map<String, Value>) {
    for (k, v) in fields {
        job.insert(k.clone(), v.clone());
    }
}

fn terminal_state(job: &Map<String, Value>) -> Option<&str> {
    job.get("state")
        .and_then(Value::as_str)
        .filter(|s| matches!(*s, "SUCCESS" | "FAILED" | "ABORTED"))
}

fn show(job: &Map<String, Value>, progress: &mut dyn Progress) {
    let p = job.get("progress");
    let percent = p.and_then(|p| p.get("percent")).and_then(Value::as_f64);
    let description = p.and_then(|p| p.get("description")).and_then(Value::as_str);
    progress.update(percent, description);
}

/// The job's result, or its failure as the same typed error a failed call gives.
fn outcome(job_id: i64, state: &str, job: &Map<String, Value>) -> Result<Value> {
    if state == "SUCCESS" {
        return Ok(job.get("result").cloned().unwrap_or(Value::Null));
    }
    let error_text = job
        .get("error")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let exc_info = job.get("exc_info").filter(|v| v.is_object());
    if state == "ABORTED" && exc_info.is_none() {
        return Err(Error::new(
            Kind::Server,
            error_text.unwrap_or_else(|| format!("job {job_id} was aborted")),
        ));
    }
    let exc_type = exc_info
        .and_then(|e| e.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let extra = exc_info
        .and_then(|e| e.get("extra"))
        .cloned()
        .filter(|v| !v.is_null());
    let reason = error_text.unwrap_or_else(|| format!("job {job_id} failed ({state})"));
    let server = if exc_type == "VALIDATION" {
        ServerError {
            code: INVALID_PARAMS,
            message: "Invalid params".into(),
            data: Some(ErrorData {
                error: Some(22),
                errname: Some("EINVAL".into()),
                reason: Some(reason.clone()),
                trace: None,
                extra,
            }),
        }
    } else {
        let formatted = job.get("exception").cloned().unwrap_or(Value::Null);
        ServerError {
            code: CALL_ERROR,
            message: "Method call error".into(),
            data: Some(ErrorData {
                error: exc_info
                    .and_then(|e| e.get("errno"))
                    .and_then(Value::as_i64),
                errname: None,
                reason: Some(reason.clone()),
                trace: Some(json!({"class": exc_type, "formatted": formatted})),
                extra,
            }),
        }
    };
    let message = if exc_type == "VALIDATION" {
        format!("job {job_id} failed with validation errors:")
    } else {
        format!("job {job_id} failed: {}", reason.trim_end())
    };
    let mut e = Error::new(Kind::Server, message);
    e.server = Some(Box::new(server));
    Err(e)
}
