//! New-style jobs (TrueNAS 25.10+, `core.set_options({"legacy_jobs": false})`): the call's
//! answer comes when the job has ended and carries its result or error, and the job's id
//! is learnt from the `core.get_jobs` event whose `message_ids` names the request.
//!
//! Servers that do not know the option (25.04 and older, and the legacy protocol) keep the
//! legacy style, where the answer is the id: which style runs is the server's to say.

use super::{
    detached, follow_inner, merge, show, terminal_state, Dropped, OnInterrupt, Progress, Reconnect,
    POLL_AFTER_SILENCE,
};
use crate::client::rpc::{Client, Notification};
use crate::client::uri::Protocol;
use crate::error::{Error, Kind, Result};
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

/// Ask for new-style jobs on this connection; whether the server agreed. 25.10+ answers
/// with the resulting options; 25.04 ignores the unknown key and answers null, so only an
/// answer saying `legacy_jobs: false` counts (as the official client decides).
pub(super) fn switch_on(client: &mut Client) -> bool {
    client.protocol() == Protocol::JsonRpc
        && client
            .call("core.set_options", vec![json!({"legacy_jobs": false})])
            .is_ok_and(|options| options.get("legacy_jobs") == Some(&json!(false)))
}

/// Back to the connection's default, so later plain calls of job methods answer with the
/// id at once, as callers of this connection expect.
pub(super) fn switch_off(client: &mut Client) {
    let _ = client.call("core.set_options", vec![json!({"legacy_jobs": true})]);
}

/// Call `method` as a new-style job and follow it to its end.
pub(super) fn run(
    client: &mut Client,
    mut reconnect: Option<Reconnect<'_>>,
    subscription: &mut String,
    method: &str,
    params: Vec<Value>,
    progress: &mut dyn Progress,
) -> Result<Value> {
    let request = client.send(method, params)?;
    let mut job_id: Option<i64> = None;
    let mut job = Map::new();
    let mut last_heard = Instant::now();
    loop {
        if let Some(answer) = client.take_answer(&request) {
            return ended(client, method, job_id, &mut job, answer, progress);
        }
        let deadline = Some(Instant::now() + Duration::from_secs(1));
        match client.next_notification(deadline) {
            Ok(Some(Notification::Event(ev))) if ev.collection == "core.get_jobs" => {
                let Some(Value::Object(fields)) = ev.fields() else {
                    continue;
                };
                let id = ev.id().and_then(Value::as_i64);
                if job_id.is_none() && names_request(fields, &request) {
                    job_id = id;
                }
                if id.is_some() && id == job_id {
                    merge(&mut job, fields);
                    show(&job, progress);
                    last_heard = Instant::now();
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => {
                // The answer may be hours away: keep proxies from cutting a quiet
                // connection (nginx closes idle ones after an hour).
                if last_heard.elapsed() >= POLL_AFTER_SILENCE {
                    client.ping()?;
                    last_heard = Instant::now();
                }
            }
            Err(e) if e.kind == Kind::Interrupted => {
                // Cleared only to wait on, as in the legacy style.
                let Some(id) = job_id else {
                    return Err(Error::interrupted(format!(
                        "{method}: interrupted before the server named the job; it may still run"
                    ))
                    .hint(format!(
                        "`midclt job list --method {method}` shows it if it runs"
                    )));
                };
                match progress.interrupted(id, method) {
                    OnInterrupt::Abort => {
                        crate::interrupt::clear();
                        client.call("core.job_abort", vec![json!(id)])?;
                    }
                    OnInterrupt::Detach => return Err(detached(e, method, id)),
                    OnInterrupt::Wait => crate::interrupt::clear(),
                }
            }
            // The answer is lost with the connection; the job goes on, so follow it by
            // its id over a new connection, as a legacy-style wait does.
            Err(e) if e.kind == Kind::Connection => {
                let Some(id) = job_id else { return Err(e) };
                return follow_inner(
                    client,
                    reconnect.take(),
                    subscription,
                    method,
                    id,
                    progress,
                    Some(Dropped { error: e, job }),
                );
            }
            Err(e) => return Err(e),
        }
    }
}

/// Whether a job's `message_ids` hold this request's id.
fn names_request(fields: &Map<String, Value>, request: &str) -> bool {
    fields
        .get("message_ids")
        .and_then(Value::as_array)
        .is_some_and(|ids| ids.iter().any(|i| i.as_str() == Some(request)))
}

/// The call's answer arrived: the job is over.
fn ended(
    client: &mut Client,
    method: &str,
    job_id: Option<i64>,
    job: &mut Map<String, Value>,
    answer: std::result::Result<Value, crate::error::ServerError>,
    progress: &mut dyn Progress,
) -> Result<Value> {
    match answer {
        Ok(result) => {
            // An aborted job answers with a plain null: only its state tells.
            if let (Value::Null, Some(id)) = (&result, job_id) {
                if terminal_state(job).is_none() {
                    if let Ok(found) = client.call("core.get_jobs", vec![json!([["id", "=", id]])])
                    {
                        if let Some(Value::Object(f)) = found.as_array().and_then(|a| a.first()) {
                            merge(job, f);
                        }
                    }
                }
                if terminal_state(job) == Some("ABORTED") {
                    progress.finish(false);
                    return super::outcome(id, "ABORTED", job);
                }
            }
            progress.finish(true);
            Ok(result)
        }
        Err(e) => {
            progress.finish(false);
            Err(Error::server(method, e))
        }
    }
}
