//! Many calls over one connection (`midclt batch`): requests are sent as they are read,
//! up to a window of calls in flight, and their answers are written as result lines.
//!
//! Everything is bounded in lines (a result's size is the server's): at most `window`
//! calls (and running jobs) are in flight, and in ordered mode at most
//! `SPAN_PER_SLOT × window` lines are read ahead of the oldest one not yet written; when
//! that one is a long job, reading stops until it ends instead of holding an ever-growing
//! queue of results.
//!
//! The server accepts at most 20 calls of a connection in flight (10 of them executing)
//! and refuses more with `-32000`. A refused call never ran, so it is sent again once a
//! slot is free, and the window shrinks to what the server accepted. Jobs are followed by
//! their `core.get_jobs` events (one subscription for the batch), with a poll after a job
//! was silent for a while. A dropped connection is opened again; calls that were awaiting
//! an answer then are reported as failed (they may have run and are never sent twice),
//! running jobs are followed on the new connection, and lines not yet sent go out on it.

mod output;

pub(crate) use output::Writer;

use crate::client::rpc::{Answer, Client, Notification};
use crate::error::{Error, Kind, Result, TOO_MANY_CALLS};
use crate::jobs::Reconnect;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

/// Lines held in ordered mode per slot of the window.
const SPAN_PER_SLOT: u64 = 8;
/// The most calls one connection may have in flight on the server.
pub(crate) const SERVER_LIMIT: usize = 20;
/// A job nothing was heard of for this long is polled (a lost event must not hang it).
const POLL_AFTER_SILENCE: Duration = Duration::from_secs(30);
/// While only input is awaited, how often to ping the server.
const KEEPALIVE: Duration = Duration::from_secs(60);
/// While input is awaited and calls are in flight, how often to look for either: soon
/// after a line came, less often the longer none does.
const INPUT_POLL: Duration = Duration::from_millis(10);
const INPUT_POLL_MAX: Duration = Duration::from_millis(100);
/// Pauses before a refused call is sent again when nothing else is in flight.
const FIRST_PAUSE: Duration = Duration::from_millis(10);
const MAX_PAUSE: Duration = Duration::from_secs(1);
/// Terminal events of jobs not known (yet) to be ours that are kept: a job can end before
/// the answer carrying its id arrives.
const EARLY_ENDS: usize = 256;

/// One request of the batch.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Request {
    /// Echoed in the result line.
    pub id: Value,
    pub method: String,
    pub params: Vec<Value>,
    /// Follow the job the call starts, and report the job's result.
    pub job: bool,
}

/// What the input side sends, one message per line that is not blank or a comment, in
/// chunks of lines (a hand-over per line would cost a wake-up per line); the end of input
/// is the sender going away.
#[derive(Debug)]
pub(crate) enum Input {
    Request {
        line: u64,
        request: Request,
    },
    /// A line that is not a request: it gets an error result of its own.
    Invalid {
        id: Value,
        message: String,
    },
    /// The input could not be read further.
    Failed(Error),
}

pub(crate) struct Options {
    /// Calls (and running jobs) in flight at most.
    pub window: usize,
    pub ordered: bool,
    pub fail_fast: bool,
    pub call_timeout: Duration,
    pub verbose: bool,
}

/// How the batch went.
pub(crate) struct Report {
    pub succeeded: u64,
    pub failed: u64,
    /// Lines read but never sent (the batch stopped first).
    pub not_sent: u64,
    /// Why the batch stopped before its input ended, other than `--fail-fast`.
    pub stopped: Option<Error>,
    /// Writing the results failed.
    pub output_error: Option<std::io::Error>,
}

/// A line read and not sent yet (or refused by the server, to be sent again).
struct Pending {
    seq: u64,
    line: u64,
    request: Request,
    /// When the server first refused it: it gives up after the call timeout.
    refused_since: Option<Instant>,
}

/// A call awaiting its answer.
struct Sent {
    pending: Pending,
    deadline: Instant,
}

/// A job being followed, for one line or several: a job whose method queues at most one
/// more run merges a second call into the one already queued, and both lines get its id.
struct Running {
    /// What was heard of it so far.
    job: Map<String, Value>,
    /// When it was last heard of (or asked about).
    last_news: Instant,
    waiters: Vec<Waiter>,
}

/// A line waiting for a job's end.
struct Waiter {
    seq: u64,
    id: Value,
    method: String,
}

/// Run the batch over `client` (replaced by a new connection if it drops), reading from
/// `input` and writing to `out`.
pub(crate) fn run(
    client: &mut Client,
    reconnect: Reconnect<'_>,
    input: &Receiver<Vec<Input>>,
    out: &mut Writer,
    opts: &Options,
) -> Report {
    let mut b = Batch {
        client,
        reconnect,
        input,
        unread: VecDeque::new(),
        out,
        opts,
        input_done: false,
        first_deadline: None,
        input_waiting: false,
        input_poll: INPUT_POLL,
        next_seq: 0,
        queue: VecDeque::new(),
        sent: HashMap::new(),
        jobs: HashMap::new(),
        early_ends: HashMap::new(),
        early_order: VecDeque::new(),
        call_window: opts.window,
        accepted_at_window: 0,
        pause: FIRST_PAUSE,
        resume_at: None,
        subscribed: false,
        stopping: false,
        stopped: None,
    };
    b.run_loop();
    b.finish()
}

struct Batch<'a> {
    client: &'a mut Client,
    reconnect: Reconnect<'a>,
    input: &'a Receiver<Vec<Input>>,
    /// Lines received from the input side and not taken yet.
    unread: VecDeque<Input>,
    out: &'a mut Writer,
    opts: &'a Options,
    input_done: bool,
    /// The earliest deadline of a call in flight, as of the last wait.
    first_deadline: Option<Instant>,
    /// The input had nothing ready the last time it was asked.
    input_waiting: bool,
    /// The current interval of looking for input (see [`INPUT_POLL`]).
    input_poll: Duration,
    next_seq: u64,
    /// Read (or refused) and not sent, oldest first.
    queue: VecDeque<Pending>,
    sent: HashMap<String, Sent>,
    jobs: HashMap<i64, Running>,
    early_ends: HashMap<i64, Map<String, Value>>,
    early_order: VecDeque<i64>,
    /// Calls in flight at most: the window, or less after the server refused some.
    call_window: usize,
    accepted_at_window: usize,
    pause: Duration,
    resume_at: Option<Instant>,
    subscribed: bool,
    /// Send nothing more (`--fail-fast` saw a failure, or the output is gone).
    stopping: bool,
    stopped: Option<Error>,
}

impl Batch<'_> {
    fn run_loop(&mut self) {
        loop {
            if let Err(e) = self.send_what_fits() {
                if !self.recover(e) {
                    return;
                }
                continue;
            }
            if self.out.broken.is_some() {
                // Nobody reads the results any more: stop now rather than wait for calls
                // and jobs whose lines cannot be written (jobs go on on the server).
                self.stopping = true;
                return;
            }
            let nothing_left = self.queue.is_empty() || self.stopping;
            if self.sent.is_empty()
                && self.jobs.is_empty()
                && nothing_left
                && (self.input_done || self.stopping)
            {
                return;
            }
            self.out.flush_if_due();
            let deadline = self.next_deadline();
            match self.client.next_answer(deadline) {
                Ok(Some((id, answer))) => self.on_answer(&id, answer),
                Ok(None) => {}
                Err(e) => {
                    if !self.recover(e) {
                        return;
                    }
                }
            }
            for n in self.client.take_queued() {
                self.on_notification(n);
            }
            self.expire();
            if let Err(e) = self.poll_jobs_if_quiet() {
                if !self.recover(e) {
                    return;
                }
            }
        }
    }

    fn in_flight(&self) -> usize {
        self.sent.len() + self.jobs.values().map(|r| r.waiters.len()).sum::<usize>()
    }

    /// Send lines while the window, the read-ahead span and any back-off allow.
    fn send_what_fits(&mut self) -> Result<()> {
        self.input_waiting = false;
        while !self.stopping
            && self.in_flight() < self.opts.window
            && self.sent.len() < self.call_window
        {
            if self.resume_at.is_some_and(|t| Instant::now() < t) {
                break;
            }
            self.resume_at = None;
            let Some(p) = self.next_pending()? else {
                break;
            };
            if p.request.job && !self.subscribed {
                // One more call of our own: it must fit the server's limit too.
                if self.sent.len() + 1 > self.call_window.min(SERVER_LIMIT) {
                    self.queue.push_front(p);
                    break;
                }
                match self.client.subscribe("core.get_jobs") {
                    Ok(_) => {}
                    // Refused for want of room, or slow: the line was not sent; try later.
                    Err(e)
                        if e.kind == Kind::Timeout
                            || e.server
                                .as_ref()
                                .is_some_and(|se| se.code == TOO_MANY_CALLS) =>
                    {
                        self.queue.push_front(p);
                        self.resume_at = Some(Instant::now() + self.pause);
                        self.pause = (self.pause * 2).min(MAX_PAUSE);
                        break;
                    }
                    Err(e) if e.kind == Kind::Server => {
                        // The line's own error would be the server's; this one is ours.
                        let why = format!(
                            "not sent: its job could not be followed (core.get_jobs: {})",
                            e.message
                        );
                        self.fail(&p, None, &Error::new(Kind::Server, why));
                        continue;
                    }
                    Err(e) => {
                        self.queue.push_front(p);
                        return Err(e);
                    }
                }
                self.subscribed = true;
            }
            match self.client.send_ref(&p.request.method, &p.request.params) {
                Ok(id) => {
                    let deadline = Instant::now() + self.opts.call_timeout;
                    self.sent.insert(
                        id,
                        Sent {
                            pending: p,
                            deadline,
                        },
                    );
                }
                Err(e) => {
                    // Not sent whole, so it cannot have run: it goes out again later.
                    self.queue.push_front(p);
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// The next line to send: a refused one first, then the input's next request.
    fn next_pending(&mut self) -> Result<Option<Pending>> {
        if let Some(p) = self.queue.pop_front() {
            return Ok(Some(p));
        }
        loop {
            if self.input_done {
                return Ok(None);
            }
            let span = SPAN_PER_SLOT * self.opts.window as u64;
            if self.opts.ordered && self.next_seq - self.out.oldest_unwritten() >= span {
                return Ok(None);
            }
            if self.unread.is_empty() {
                let got = if self.sent.is_empty() && self.jobs.is_empty() {
                    // Nothing else to wait for: block on the input, showing what is done.
                    self.out.flush();
                    self.recv_blocking()?
                } else {
                    match self.input.try_recv() {
                        Ok(chunk) => {
                            self.input_poll = INPUT_POLL;
                            Some(chunk)
                        }
                        Err(TryRecvError::Empty) => {
                            self.input_waiting = true;
                            self.input_poll = (self.input_poll * 2).min(INPUT_POLL_MAX);
                            return Ok(None);
                        }
                        Err(TryRecvError::Disconnected) => None,
                    }
                };
                let Some(chunk) = got else {
                    self.input_done = true;
                    return Ok(None);
                };
                self.unread.extend(chunk);
            }
            let Some(item) = self.unread.pop_front() else {
                continue;
            };
            let seq = self.next_seq;
            self.next_seq += 1;
            match item {
                Input::Request { line, request } => {
                    return Ok(Some(Pending {
                        seq,
                        line,
                        request,
                        refused_since: None,
                    }))
                }
                Input::Invalid { id, message } => {
                    let error = output::error_object(None, Some("EINVAL"), &message, None);
                    self.settle(seq, output::failure(id, None, error));
                    if self.stopping {
                        return Ok(None);
                    }
                }
                Input::Failed(e) => {
                    self.out.skip(seq);
                    self.input_done = true;
                    self.stopping = true;
                    self.stop(e);
                    return Ok(None);
                }
            }
        }
    }

    /// Wait for the next input line, noticing Ctrl-C; `None` at the end of input.
    fn recv_blocking(&mut self) -> Result<Option<Vec<Input>>> {
        let mut quiet_since = Instant::now();
        loop {
            if crate::interrupt::pressed() {
                return Err(Error::interrupted("interrupted while reading the input"));
            }
            match self.input.recv_timeout(crate::interrupt::POLL) {
                Ok(i) => return Ok(Some(i)),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(None),
            }
            // Nothing in flight while the input is slow: a ping now and then keeps proxies
            // from closing the connection as idle (nginx: after an hour) and finds a dead
            // one before the next line is sent on it (then it is opened again).
            if quiet_since.elapsed() >= KEEPALIVE {
                self.client.ping()?;
                quiet_since = Instant::now();
            }
        }
    }

    /// How long the wait for answers may last: the nearest call deadline, the end of a
    /// back-off pause, the next job poll, the next flush, or a short while when input is
    /// awaited as well.
    fn next_deadline(&mut self) -> Option<Instant> {
        let now = Instant::now();
        let mut d = self.sent.values().map(|s| s.deadline).min();
        self.first_deadline = d;
        let mut consider = |t: Option<Instant>| {
            if let Some(t) = t {
                d = Some(d.map_or(t, |d| d.min(t)));
            }
        };
        consider(self.out.flush_due());
        if !self.queue.is_empty() {
            consider(self.resume_at);
        }
        if let Some(quiet) = self.quietest_job() {
            consider(Some(quiet + POLL_AFTER_SILENCE));
        }
        if self.input_waiting {
            consider(Some(now + self.input_poll));
        }
        d
    }

    fn on_answer(&mut self, id: &str, answer: Answer) {
        let Some(sent) = self.sent.remove(id) else {
            return; // an answer to a call already given up on
        };
        let mut p = sent.pending;
        match answer {
            Err(se) if se.code == TOO_MANY_CALLS => {
                let since = *p.refused_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= self.opts.call_timeout {
                    let e = Error::server(&p.request.method, se);
                    self.fail(&p, None, &e);
                    return;
                }
                // It did not run: send it again once the server has room.
                self.call_window = self.sent.len().max(1);
                self.accepted_at_window = 0;
                if self.sent.is_empty() {
                    self.resume_at = Some(Instant::now() + self.pause);
                    self.pause = (self.pause * 2).min(MAX_PAUSE);
                }
                if self.opts.verbose {
                    eprintln!(
                        "* the server refused a call (too many in flight): line {} goes again, at most {} calls in flight from now on",
                        p.line, self.call_window
                    );
                }
                let at = self.queue.partition_point(|q| q.seq < p.seq);
                self.queue.insert(at, p);
            }
            Err(se) => {
                self.accepted();
                let e = Error::server(&p.request.method, se);
                self.fail(&p, None, &e);
            }
            Ok(v) if p.request.job => {
                self.accepted();
                if let Some(job_id) = v.as_i64() {
                    self.follow(p, job_id);
                } else {
                    let e = not_a_job(&p.request.method, &v);
                    self.fail(&p, None, &e);
                }
            }
            Ok(v) => {
                self.accepted();
                let line = output::success(p.request.id, None, v);
                self.settle(p.seq, line);
            }
        }
    }

    /// The server ran a call: after a refusal, the window grows back a call at a time
    /// (one more after as many accepted calls as it holds), in case the refusal came from
    /// a passing load rather than the server's fixed limit.
    fn accepted(&mut self) {
        self.pause = FIRST_PAUSE;
        if self.call_window < self.opts.window {
            self.accepted_at_window += 1;
            if self.accepted_at_window >= self.call_window {
                self.call_window += 1;
                self.accepted_at_window = 0;
            }
        }
    }

    /// A job started by line `p`: follow it, or report it if it already ended.
    fn follow(&mut self, p: Pending, job_id: i64) {
        let waiter = Waiter {
            seq: p.seq,
            id: p.request.id,
            method: p.request.method,
        };
        self.jobs
            .entry(job_id)
            .or_insert_with(|| Running {
                job: Map::new(),
                last_news: Instant::now(),
                waiters: Vec::new(),
            })
            .waiters
            .push(waiter);
        if let Some(fields) = self.early_ends.remove(&job_id) {
            self.job_news(job_id, &fields);
        }
    }

    /// Keep the end of job `job_id` for a line whose answer naming it is still to come.
    fn remember_end(&mut self, job_id: i64, fields: Map<String, Value>) {
        if self.early_order.len() >= EARLY_ENDS {
            if let Some(old) = self.early_order.pop_front() {
                self.early_ends.remove(&old);
            }
        }
        self.early_order.push_back(job_id);
        self.early_ends.insert(job_id, fields);
    }

    fn on_notification(&mut self, n: Notification) {
        let Notification::Event(ev) = n else { return };
        if ev.collection != "core.get_jobs" {
            return;
        }
        let (Some(job_id), Some(Value::Object(fields))) =
            (ev.id().and_then(Value::as_i64), ev.fields())
        else {
            return;
        };
        if self.jobs.contains_key(&job_id) {
            let fields = fields.clone();
            self.job_news(job_id, &fields);
        } else if is_terminal(fields) {
            self.remember_end(job_id, fields.clone());
        }
    }

    /// Fold what was heard of job `job_id` into its state; report it when it ended.
    fn job_news(&mut self, job_id: i64, fields: &Map<String, Value>) {
        let Some(run) = self.jobs.get_mut(&job_id) else {
            return;
        };
        run.last_news = Instant::now();
        // Job ids count from 1 at every start of the middleware: after a reconnection the
        // same id may be another job.
        if !crate::jobs::same_job(&run.job, fields) {
            self.lost_jobs(&[job_id]);
            return;
        }
        for (k, v) in fields {
            run.job.insert(k.clone(), v.clone());
        }
        let method = run
            .job
            .get("method")
            .and_then(Value::as_str)
            .map(str::to_string);
        // A line whose call returned a number that happens to be another method's job.
        let (mine, others): (Vec<Waiter>, Vec<Waiter>) =
            std::mem::take(&mut run.waiters).into_iter().partition(|w| {
                method
                    .as_deref()
                    .is_none_or(|m| m == w.method || w.method == "core.job_wait")
            });
        run.waiters = mine;
        let ended = crate::jobs::ended(job_id, &run.job);
        for w in others {
            let e = not_a_job(&w.method, &json!(job_id));
            self.settle(w.seq, output::failure(w.id, None, output::any_error(&e)));
        }
        let Some(outcome) = ended else {
            if self.jobs.get(&job_id).is_some_and(|r| r.waiters.is_empty()) {
                self.jobs.remove(&job_id);
            }
            return;
        };
        let Some(Running { job, waiters, .. }) = self.jobs.remove(&job_id) else {
            return;
        };
        for w in waiters {
            let line = match &outcome {
                Ok(v) => output::success(w.id, Some(job_id), v.clone()),
                Err(e) => output::failure(w.id, Some(job_id), output::any_error(e)),
            };
            self.settle(w.seq, line);
        }
        // A line merged into this job may not have its answer yet.
        self.remember_end(job_id, job);
    }

    /// When the job heard of least recently was last heard of.
    fn quietest_job(&self) -> Option<Instant> {
        self.jobs.values().map(|r| r.last_news).min()
    }

    /// When a job has been silent for a while (its events may be lost, or it sends none),
    /// ask for every running job at once.
    fn poll_jobs_if_quiet(&mut self) -> Result<()> {
        if self
            .quietest_job()
            .is_none_or(|t| t.elapsed() < POLL_AFTER_SILENCE)
            || self.sent.len() + 1 > self.call_window.min(SERVER_LIMIT)
        {
            return Ok(());
        }
        self.poll_jobs()
    }

    fn poll_jobs(&mut self) -> Result<()> {
        let now = Instant::now();
        for run in self.jobs.values_mut() {
            run.last_news = now;
        }
        let ids: Vec<i64> = self.jobs.keys().copied().collect();
        let found = match self.client.call(
            "core.get_jobs",
            vec![
                json!([["id", "in", ids]]),
                json!({"extra": {"raw_result": true}}),
            ],
        ) {
            Ok(found) => found,
            // Asked again after the next silence.
            Err(e) if matches!(e.kind, Kind::Server | Kind::Timeout) => return Ok(()),
            Err(e) => return Err(e),
        };
        let mut seen = Vec::new();
        for job in found.as_array().map(Vec::as_slice).unwrap_or_default() {
            if let (Some(id), Value::Object(fields)) = (job.get("id").and_then(Value::as_i64), job)
            {
                seen.push(id);
                self.job_news(id, fields);
            }
        }
        let unknown: Vec<i64> = ids.into_iter().filter(|id| !seen.contains(id)).collect();
        self.lost_jobs(&unknown);
        Ok(())
    }

    /// The server has no job `id` (or another job by that id): a job heard of before is
    /// gone (the middleware restarted); an id never heard of came from a method that
    /// merely returned a number.
    fn lost_jobs(&mut self, ids: &[i64]) {
        for &id in ids {
            let Some(run) = self.jobs.remove(&id) else {
                continue;
            };
            let heard = !run.job.is_empty();
            for w in run.waiters {
                let e = if heard {
                    crate::jobs::lost(id, &w.method)
                } else {
                    not_a_job(&w.method, &json!(id))
                };
                let job_id = heard.then_some(id);
                self.settle(w.seq, output::failure(w.id, job_id, output::any_error(&e)));
            }
        }
    }

    /// Calls past their deadline fail; the server may still run them.
    fn expire(&mut self) {
        let now = Instant::now();
        if self.first_deadline.is_none_or(|d| d > now) {
            return;
        }
        let late: Vec<String> = self
            .sent
            .iter()
            .filter(|(_, s)| s.deadline <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in late {
            self.client.forget(&id);
            if let Some(s) = self.sent.remove(&id) {
                let mut message = format!(
                    "no answer within {} s; the call may still complete on the server",
                    crate::client::rpc::fmt_secs(self.opts.call_timeout)
                );
                if s.pending.request.job {
                    message.push_str(" (and start a job)");
                }
                self.fail(&s.pending, None, &Error::timeout(message));
            }
        }
    }

    /// The connection failed (or Ctrl-C): open it again and go on, or stop. Returns
    /// whether to go on.
    fn recover(&mut self, e: Error) -> bool {
        // Answers and events that arrived before the failure still count (a call made
        // on the side, such as a job poll, may have read them on our behalf); after
        // Ctrl-C the next read stops this at once.
        loop {
            match self.client.next_answer(Some(Instant::now())) {
                Ok(Some((id, answer))) => self.on_answer(&id, answer),
                Ok(None) => {
                    let queued = self.client.take_queued();
                    if queued.is_empty() {
                        break;
                    }
                    for n in queued {
                        self.on_notification(n);
                    }
                }
                Err(_) => break,
            }
        }
        if e.kind != Kind::Connection {
            self.stop(e);
            return false;
        }
        // Whatever was awaiting an answer may have run: reported, never sent again.
        let unanswered: Vec<Sent> = self.sent.drain().map(|(_, s)| s).collect();
        for s in unanswered {
            let mut message = format!(
                "{}; the answer never came, so the call may or may not have run",
                e.message
            );
            if s.pending.request.job {
                message.push_str(" (a job may have started)");
            }
            self.fail(&s.pending, None, &Error::connection(message));
        }
        let more_to_send = !(self.stopping || self.input_done && self.queue.is_empty());
        if self.jobs.is_empty() && !more_to_send {
            return true;
        }
        self.out.flush();
        let mut notice = |text: &str| eprintln!("midclt: {text}");
        let resumed = crate::session::reconnect_with_backoff(
            &mut || {
                *self.client = (self.reconnect)()?;
                self.subscribed = false;
                // Ends kept from before may name ids a restarted middleware reuses.
                self.early_ends.clear();
                self.early_order.clear();
                self.call_window = self.opts.window;
                self.resume_jobs()
            },
            e,
            "to go on with the batch",
            &mut notice,
        );
        match resumed {
            Ok(()) => true,
            Err(last) => {
                self.abandon_jobs(&last);
                self.stop(last);
                false
            }
        }
    }

    /// After a reconnection: subscribe again and learn how the running jobs are doing.
    fn resume_jobs(&mut self) -> Result<()> {
        if self.jobs.is_empty() {
            return Ok(());
        }
        self.client.subscribe("core.get_jobs")?;
        self.subscribed = true;
        self.poll_jobs()
    }

    /// The running jobs can no longer be followed: each line says how to pick it up.
    fn abandon_jobs(&mut self, why: &Error) {
        let jobs: Vec<(i64, Running)> = self.jobs.drain().collect();
        for (job_id, run) in jobs {
            let e = Error::connection(format!(
                "{}; job {job_id} goes on running on the server: follow it with `midclt job wait {job_id}`",
                why.message
            ));
            for w in run.waiters {
                let line = output::failure(w.id, Some(job_id), output::any_error(&e));
                self.settle(w.seq, line);
            }
        }
    }

    /// The batch stops for `e`; the first reason is the one reported.
    fn stop(&mut self, e: Error) {
        if self.stopped.is_none() {
            self.stopped = Some(e);
        }
    }

    fn fail(&mut self, p: &Pending, job_id: Option<i64>, e: &Error) {
        let line = output::failure(p.request.id.clone(), job_id, output::any_error(e));
        self.settle(p.seq, line);
    }

    fn settle(&mut self, seq: u64, line: output::Line) {
        if !line.is_ok() && self.opts.fail_fast {
            self.stopping = true;
        }
        self.out.put(seq, line);
    }

    fn finish(mut self) -> Report {
        // Lines read but never sent have no result; later ones may still be written.
        let not_sent = self.queue.len() as u64
            + self
                .unread
                .iter()
                .filter(|i| matches!(i, Input::Request { .. }))
                .count() as u64;
        for p in std::mem::take(&mut self.queue) {
            self.out.skip(p.seq);
        }
        if self
            .stopped
            .as_ref()
            .is_some_and(|e| e.kind == Kind::Interrupted)
        {
            self.interrupted();
        }
        // Stopped with calls or jobs outstanding: they get no result line.
        for s in std::mem::take(&mut self.sent).into_values() {
            self.out.skip(s.pending.seq);
        }
        for run in std::mem::take(&mut self.jobs).into_values() {
            for w in run.waiters {
                self.out.skip(w.seq);
            }
        }
        self.out.flush();
        Report {
            succeeded: self.out.succeeded,
            failed: self.out.failed,
            not_sent,
            stopped: self.stopped.take(),
            output_error: self.out.broken.take(),
        }
    }

    /// Ctrl-C: calls awaiting an answer and running jobs get no result line; the error
    /// says what may still be going on.
    fn interrupted(&mut self) {
        let calls = self.sent.len();
        let mut jobs: Vec<i64> = self.jobs.keys().copied().collect();
        jobs.sort_unstable();
        let Some(e) = self.stopped.take() else { return };
        let message = match calls {
            0 => "interrupted".to_string(),
            1 => "interrupted: a call was awaiting its answer (the server may still run it)"
                .to_string(),
            n => format!(
                "interrupted: {n} calls were awaiting an answer (the server may still run them)"
            ),
        };
        let mut e = Error { message, ..e };
        if !jobs.is_empty() {
            let list: Vec<String> = jobs.iter().map(i64::to_string).collect();
            e = e.hint(format!(
                "jobs still running: {}; follow one with `midclt job wait ID`",
                list.join(", ")
            ));
        }
        self.stopped = Some(e);
    }
}

fn is_terminal(job: &Map<String, Value>) -> bool {
    matches!(
        job.get("state").and_then(Value::as_str),
        Some("SUCCESS" | "FAILED" | "ABORTED")
    )
}

fn not_a_job(method: &str, got: &Value) -> Error {
    Error::usage(format!(
        "{method} is not a job method: it ran and returned {}, so there is no job to follow",
        crate::py::json::dumps(got)
    ))
}
