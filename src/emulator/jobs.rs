//! Emulated jobs: a thread per job, `core.get_jobs` events on every change, abort, and
//! the delayed answer of new-style (`legacy_jobs: false`) calls.

use super::api::ApiError;
use super::state::{now_ms, JobCtl};
use super::{lock, Emulator, Out};
use serde_json::{json, Map, Value};
use std::time::Duration;

/// Who started a job, for its `credentials` field and for running sub-calls.
#[derive(Clone, Debug)]
pub(crate) struct Starter {
    /// The job's `credentials` field (null for internal jobs).
    pub credentials: Value,
    pub request_id: Option<Value>,
}

/// Handed to a job's body to report progress and notice aborts.
pub(crate) struct JobRun {
    pub id: i64,
    emu: Emulator,
    /// The emulator's generation the job was started in (see [`Emulator::restart`]).
    generation: u64,
}

impl JobRun {
    /// The job still exists: no restart happened since it started.
    fn current(&self) -> bool {
        lock(&self.emu.shared.state).generation == self.generation
    }

    pub(crate) fn progress(&self, percent: f64, description: &str) {
        if !self.current() {
            return;
        }
        let percent = percent.clamp(0.0, 100.0).trunc() as i64;
        self.emu.update_job(self.id, |job| {
            job.insert(
                "progress".into(),
                json!({"percent": percent, "description": description, "extra": null}),
            );
        });
    }

    pub(crate) fn aborted(&self) -> bool {
        let st = lock(&self.emu.shared.state);
        st.generation != self.generation || st.job_ctl.get(&self.id).is_some_and(|c| c.abort)
    }

    /// Sleep in small steps, ending early with `Aborted` when the job is aborted.
    pub(crate) fn sleep(&self, d: Duration) -> Result<(), ApiError> {
        let step = Duration::from_millis(10);
        let mut left = d;
        loop {
            if self.aborted() {
                return Err(ApiError::Aborted);
            }
            if left.is_zero() {
                return Ok(());
            }
            let s = left.min(step);
            std::thread::sleep(s);
            left -= s;
        }
    }

    pub(crate) fn emulator(&self) -> &Emulator {
        &self.emu
    }

    /// Append a line to the job's log; the first one gives the job its `logs_path`.
    pub(crate) fn log(&self, line: &str) {
        if !self.current() {
            return;
        }
        let first = {
            let mut st = lock(&self.emu.shared.state);
            let log = st.job_logs.entry(self.id).or_default();
            let first = log.is_empty();
            log.extend_from_slice(line.as_bytes());
            log.push(b'\n');
            first
        };
        if first {
            let path = log_path(self.id);
            self.emu.update_job(self.id, |job| {
                job.insert("logs_path".into(), json!(path));
            });
        }
    }
}

/// Where the server keeps a job's log.
pub(crate) fn log_path(id: i64) -> String {
    format!("/var/log/jobs/{id}.log")
}

/// The end of a log the job object shows as `logs_excerpt`.
const EXCERPT: usize = 10 * 1024;

type Body = Box<dyn FnOnce(&JobRun) -> Result<Value, ApiError> + Send>;

impl Emulator {
    /// Create a job, announce it, and run `body` on its own thread. Returns the job id.
    pub(crate) fn start_job(&self, method: &str, args: &Value, who: &Starter, body: Body) -> i64 {
        let (id, generation) = {
            let mut st = lock(&self.shared.state);
            let id = st.next_job_id;
            st.next_job_id += 1;
            let message_ids = who
                .request_id
                .clone()
                .map(|r| json!([r]))
                .unwrap_or(json!([]));
            let credentials = who.credentials.clone();
            let job = json!({
                "id": id, "message_ids": message_ids, "method": method, "arguments": args,
                "transient": false, "description": null, "abortable": true,
                "logs_path": null, "logs_excerpt": null,
                "progress": {"percent": 0, "description": "", "extra": null},
                "result": null, "result_encoding_error": null,
                "error": null, "exception": null, "exc_info": null,
                "state": "WAITING", "time_started": {"$date": now_ms() / 1000 * 1000},
                "time_finished": null, "credentials": credentials,
            });
            if let Value::Object(m) = job {
                st.jobs.insert(id, m);
            }
            st.job_ctl.insert(id, JobCtl::default());
            (id, st.generation)
        };
        self.publish_job(id, "added");
        let emu = self.clone();
        let method = method.to_string();
        std::thread::spawn(move || {
            let run = JobRun {
                id,
                emu: emu.clone(),
                generation,
            };
            if run.current() {
                emu.update_job(id, |job| {
                    job.insert("state".into(), json!("RUNNING"));
                });
            }
            let outcome = body(&run);
            if run.current() {
                emu.finish_job(id, &method, outcome);
            }
        });
        id
    }

    /// Apply `f` to a job and send the `changed` event.
    pub(crate) fn update_job(&self, id: i64, f: impl FnOnce(&mut Map<String, Value>)) {
        {
            let mut st = lock(&self.shared.state);
            match st.jobs.get_mut(&id) {
                Some(job) => f(job),
                None => return,
            }
        }
        self.publish_job(id, "changed");
    }

    fn finish_job(&self, id: i64, method: &str, outcome: Result<Value, ApiError>) {
        let finished = json!({"$date": now_ms() / 1000 * 1000});
        let answer = outcome.clone();
        let excerpt = lock(&self.shared.state).job_logs.get(&id).map(|log| {
            let tail = &log[log.len().saturating_sub(EXCERPT)..];
            String::from_utf8_lossy(tail).into_owned()
        });
        self.update_job(id, |job| {
            job.insert("time_finished".into(), finished);
            if let Some(excerpt) = excerpt {
                job.insert("logs_excerpt".into(), json!(excerpt));
            }
            match outcome {
                Ok(result) => {
                    job.insert("state".into(), json!("SUCCESS"));
                    job.insert("result".into(), result);
                    if let Some(Value::Object(p)) = job.get_mut("progress") {
                        p.insert("percent".into(), json!(100));
                    }
                }
                Err(ApiError::Aborted) => {
                    job.insert("state".into(), json!("ABORTED"));
                }
                Err(e) => {
                    let (error, exception, exc_info) = e.job_failure(method);
                    job.insert("state".into(), json!("FAILED"));
                    job.insert("error".into(), error);
                    job.insert("exception".into(), exception);
                    job.insert("exc_info".into(), exc_info);
                }
            }
        });
        let waiters = {
            let mut st = lock(&self.shared.state);
            st.job_ctl
                .get_mut(&id)
                .map(|c| std::mem::take(&mut c.waiters))
                .unwrap_or_default()
        };
        for (conn, request_id, method) in waiters {
            // New-style: an aborted job answers with a successful null.
            let frame = match &answer {
                Ok(v) => json!({"jsonrpc": "2.0", "id": request_id, "result": v}),
                Err(ApiError::Aborted) => {
                    json!({"jsonrpc": "2.0", "id": request_id, "result": null})
                }
                Err(e) => {
                    json!({"jsonrpc": "2.0", "id": request_id, "error": e.to_jsonrpc(&method)})
                }
            };
            self.send_to(conn, Out::Answer(Some(frame)));
        }
    }

    /// A new-style caller wants the final answer instead of the id. Returns false when
    /// the job already ended (the caller then answers from the job's state).
    pub(crate) fn wait_job(&self, id: i64, conn: u64, request_id: Value, method: &str) -> bool {
        let mut st = lock(&self.shared.state);
        let done = st
            .jobs
            .get(&id)
            .and_then(|j| j.get("state"))
            .and_then(Value::as_str)
            .is_some_and(|s| matches!(s, "SUCCESS" | "FAILED" | "ABORTED"));
        if done {
            return false;
        }
        if let Some(ctl) = st.job_ctl.get_mut(&id) {
            ctl.waiters.push((conn, request_id, method.to_string()));
        }
        true
    }

    pub(crate) fn abort_job(&self, id: i64) -> bool {
        let mut st = lock(&self.shared.state);
        match st.job_ctl.get_mut(&id) {
            Some(ctl) => {
                ctl.abort = true;
                true
            }
            None => false,
        }
    }

    /// The id of a job of `method` called with `args` that has not ended, if any.
    pub(crate) fn unfinished_job(&self, method: &str, args: &Value) -> Option<i64> {
        let st = lock(&self.shared.state);
        st.jobs
            .iter()
            .filter(|(_, j)| {
                j.get("method").and_then(Value::as_str) == Some(method)
                    && j.get("arguments") == Some(args)
                    && matches!(
                        j.get("state").and_then(Value::as_str),
                        Some("WAITING" | "RUNNING")
                    )
            })
            .map(|(id, _)| *id)
            .min()
    }

    pub(crate) fn job(&self, id: i64) -> Option<Map<String, Value>> {
        lock(&self.shared.state).jobs.get(&id).cloned()
    }

    fn publish_job(&self, id: i64, msg: &'static str) {
        let Some(job) = self.job(id) else { return };
        self.publish("core.get_jobs", msg, &json!(id), Some(&Value::Object(job)));
    }

    /// Send an event to every authenticated connection subscribed to `name` (or `*`).
    pub(crate) fn publish(
        &self,
        name: &str,
        msg: &'static str,
        id: &Value,
        fields: Option<&Value>,
    ) {
        let conns = lock(&self.shared.conns);
        for handle in conns.values() {
            if handle.authenticated && handle.subs.values().any(|s| s == name || s == "*") {
                let _ = handle.tx.send(Out::Event {
                    collection: name.to_string(),
                    msg,
                    id: id.clone(),
                    fields: fields.cloned(),
                });
            }
        }
    }

    pub(crate) fn send_to(&self, conn: u64, out: Out) {
        if let Some(h) = lock(&self.shared.conns).get(&conn) {
            let _ = h.tx.send(out);
        }
    }
}
