//! The agent process: one logged-in connection to the server, relayed to local clients
//! over a UNIX socket, in one thread around poll(2).
//!
//! One thread, because one WebSocket cannot be read and written from two (TLS least of
//! all), and because nothing here is slow: every socket is non-blocking, frames are moved,
//! not worked on. The only waits are for the server when its connection has to be made
//! again, and then local clients that cannot wait connect by themselves.

use super::handover::{Handover, Report};
use super::relay::{ConnId, Control, Out, Relay};
use crate::auth::Login;
use crate::client::rpc::ConnectOptions;
use crate::client::transport::{self, Stream};
use crate::client::uri::Protocol;
use crate::error::{Error, Result};
use crate::session::{self, agent};
use rustix::event::{PollFd, PollFlags, Timespec};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tungstenite::handshake::server::{Callback, ErrorResponse, Request, Response, ServerHandshake};
use tungstenite::handshake::{HandshakeError, MidHandshake};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::{Message, WebSocket};

/// A silent server is asked `core.ping` after this long, so a connection a NAT or firewall
/// forgot is noticed before a command needs it ...
const KEEPALIVE: Duration = Duration::from_secs(60);
/// ... and given up (then made again) when nothing comes back within this.
const KEEPALIVE_GRACE: Duration = Duration::from_secs(30);
/// A local client gets this long for its WebSocket handshake.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(5);

/// Accepts a local client's upgrade for the protocol the server connection speaks, and
/// answers 404 for the other one (the client then asks for the other).
struct Route {
    legacy: bool,
}

impl Callback for Route {
    fn on_request(self, request: &Request, response: Response) -> Result<Response, ErrorResponse> {
        let legacy = request
            .uri()
            .path()
            .trim_end_matches('/')
            .ends_with("/websocket");
        if legacy == self.legacy {
            return Ok(response);
        }
        let mut refusal =
            ErrorResponse::new(Some("this session agent relays the other protocol".into()));
        *refusal.status_mut() = tungstenite::http::StatusCode::NOT_FOUND;
        Err(refusal)
    }
}

type Handshaking = MidHandshake<ServerHandshake<UnixStream, Route>>;

enum State {
    Handshake(Option<Handshaking>),
    Open(WebSocket<UnixStream>),
}

struct Conn {
    state: State,
    since: Instant,
    /// Written frames wait in the WebSocket's buffer for the socket to take them.
    unflushed: bool,
    /// It sent something besides questions for the agent (which do not count as use).
    used: bool,
    dead: bool,
}

/// Serve `handover` until stopped, idle, or the server cannot be reached any more.
/// `report` (the pipe to `session start`) gets one line once the agent is ready or has
/// failed to start.
pub(crate) fn run(handover: Handover, report: &mut dyn io::Write) -> Result<()> {
    // The same flag every wait looks at: a stop also ends the pauses of a reconnection.
    let term = crate::interrupt::catch_termination().unwrap_or_else(|| {
        let term = Arc::new(AtomicBool::new(false));
        for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
            let _ = signal_hook::flag::register(signal, Arc::clone(&term));
        }
        term
    });
    // The terminal `session start` ran in may close; the agent is not tied to it.
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGHUP,
        Arc::new(AtomicBool::new(false)),
    );
    let started = start(handover, term);
    let line = match &started {
        Ok(_) => Report::Ready {
            pid: std::process::id(),
        },
        Err(e) => Report::failed(e),
    };
    let line = serde_json::to_string(&line).unwrap_or_default();
    let heard = writeln!(report, "{line}").and_then(|()| report.flush());
    let mut agent = started?;
    // `session start` gave up waiting (Ctrl-C): nobody asked for this agent any more.
    let outcome = if heard.is_ok() { agent.serve() } else { Ok(()) };
    agent.shut_down();
    outcome
}

struct Agent {
    socket: PathBuf,
    /// The socket file this agent made (device, inode): only that one is removed at exit.
    socket_id: (u64, u64),
    server: String,
    user: String,
    idle: Option<Duration>,
    started: SystemTime,
    opts: ConnectOptions,
    login: Login,
    listener: UnixListener,
    upstream: WebSocket<Stream>,
    upstream_unflushed: bool,
    upstream_broken: Option<Error>,
    heard_from_server: Instant,
    ping_sent: Option<Instant>,
    conns: BTreeMap<ConnId, Conn>,
    next_conn: ConnId,
    relay: Relay,
    last_used: Instant,
    reconnects: u64,
    refused: u64,
    stopping: bool,
    term: Arc<AtomicBool>,
}

fn start(handover: Handover, term: Arc<AtomicBool>) -> Result<Agent> {
    let socket = handover.socket.clone();
    let (server, user, idle) = (
        handover.server.clone(),
        handover.user.clone(),
        handover.idle,
    );
    let (opts, login) = handover.into_parts()?;
    let listener = bind(&socket)?;
    let socket_id = std::fs::symlink_metadata(&socket)
        .map(|m| (m.dev(), m.ino()))
        .unwrap_or_default();
    let upstream = match session::open_with(&opts, &login) {
        Ok(client) => client,
        Err(e) => {
            let _ = std::fs::remove_file(&socket);
            return Err(e);
        }
    };
    let protocol = upstream.protocol();
    let upstream = non_blocking(upstream.into_websocket())?;
    let now = Instant::now();
    Ok(Agent {
        socket,
        socket_id,
        server,
        user,
        idle: (idle > 0).then(|| crate::session::seconds(idle)),
        started: SystemTime::now(),
        opts,
        login,
        listener,
        upstream,
        upstream_unflushed: false,
        upstream_broken: None,
        heard_from_server: now,
        ping_sent: None,
        conns: BTreeMap::new(),
        next_conn: 1,
        relay: Relay::new(protocol),
        last_used: now,
        reconnects: 0,
        refused: 0,
        stopping: false,
        term,
    })
}

/// Listen on `socket`, replacing the socket of an agent that is gone but never one that
/// still answers.
fn bind(socket: &std::path::Path) -> Result<UnixListener> {
    let dir = socket
        .parent()
        .ok_or_else(|| Error::usage(format!("{} has no directory", socket.display())))?;
    agent::ensure_dir(dir)?;
    let listener = match UnixListener::bind(socket) {
        Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
            if UnixStream::connect(socket).is_ok() {
                return Err(Error::usage(format!(
                    "a session agent already listens on {}",
                    socket.display()
                )));
            }
            let _ = std::fs::remove_file(socket);
            UnixListener::bind(socket)
        }
        other => other,
    }
    .map_err(|e| Error::io(format!("cannot listen on {}: {e}", socket.display())))?;
    // The directory already keeps others out; the socket's own mode says so twice.
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| Error::io(format!("cannot restrict {}: {e}", socket.display())))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::io(format!("cannot listen on {}: {e}", socket.display())))?;
    Ok(listener)
}

fn non_blocking(ws: WebSocket<Stream>) -> Result<WebSocket<Stream>> {
    ws.get_ref().set_nonblocking(true).map_err(|e| {
        Error::connection(format!("cannot switch the connection to non-blocking: {e}"))
    })?;
    Ok(ws)
}

fn would_block(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(io) if transport::is_timeout(io) || io.kind() == io::ErrorKind::Interrupted)
}

impl Agent {
    fn serve(&mut self) -> Result<()> {
        loop {
            if self.term.load(Ordering::Relaxed) || self.stopping {
                return Ok(());
            }
            let now = Instant::now();
            if self.conns.is_empty() && self.idle.is_some_and(|idle| now >= self.last_used + idle) {
                return Ok(());
            }
            self.keep_alive(now);
            if let Some(why) = self.upstream_broken.take() {
                self.reconnect(why)?;
                continue;
            }
            self.expire_handshakes(now);
            let timeout = self
                .next_deadline(now)
                .map(|d| d.saturating_duration_since(now));
            let Some((listener, upstream, conns)) = self.wait(timeout)? else {
                continue;
            };
            if listener {
                self.accept();
            }
            if upstream.0 {
                self.read_upstream();
            }
            if upstream.1 && self.upstream_unflushed {
                self.flush_upstream();
            }
            for (id, readable, writable) in conns {
                if readable {
                    self.read_conn(id);
                }
                if writable {
                    self.flush_conn(id);
                }
            }
            self.bury();
            if let Some(why) = self.upstream_broken.take() {
                self.reconnect(why)?;
            }
        }
    }

    /// poll(2) over the listener, the server connection and every local connection; `None`
    /// when a signal cut the wait short. Readiness: listener readable; server (readable,
    /// writable); each local connection's (id, readable, writable).
    #[allow(clippy::type_complexity)]
    fn wait(
        &self,
        timeout: Option<Duration>,
    ) -> Result<Option<(bool, (bool, bool), Vec<(ConnId, bool, bool)>)>> {
        let wanted = |unflushed: bool| {
            if unflushed {
                PollFlags::IN | PollFlags::OUT
            } else {
                PollFlags::IN
            }
        };
        let mut fds = Vec::with_capacity(self.conns.len() + 2);
        fds.push(PollFd::new(&self.listener, PollFlags::IN));
        fds.push(PollFd::new(
            self.upstream.get_ref(),
            wanted(self.upstream_unflushed),
        ));
        let mut ids = Vec::with_capacity(self.conns.len());
        // A handshake waits for reading only: its answer is a few hundred bytes, which an
        // empty socket buffer always takes, and asking for writability too would spin
        // until the client's request came.
        for (id, conn) in &self.conns {
            let stream = match &conn.state {
                State::Open(ws) => ws.get_ref(),
                State::Handshake(Some(mid)) => mid.get_ref().get_ref(),
                State::Handshake(None) => continue,
            };
            fds.push(PollFd::new(stream, wanted(conn.unflushed)));
            ids.push(*id);
        }
        let timeout = timeout.and_then(|t| Timespec::try_from(t).ok());
        match rustix::event::poll(&mut fds, timeout.as_ref()) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return Ok(None),
            Err(e) => return Err(Error::io(format!("poll failed: {e}"))),
        }
        let gone = PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL;
        let readable = |f: &PollFd<'_>| f.revents().intersects(PollFlags::IN | gone);
        let writable = |f: &PollFd<'_>| f.revents().contains(PollFlags::OUT);
        let listener = readable(&fds[0]);
        let upstream = (readable(&fds[1]), writable(&fds[1]));
        let conns = ids
            .into_iter()
            .zip(fds.iter().skip(2))
            .map(|(id, f)| (id, readable(f), writable(f)))
            .collect();
        Ok(Some((listener, upstream, conns)))
    }

    fn next_deadline(&self, now: Instant) -> Option<Instant> {
        let idle = self
            .idle
            .filter(|_| self.conns.is_empty())
            .map(|idle| self.last_used + idle);
        let keepalive = match self.ping_sent {
            Some(sent) => Some(sent + KEEPALIVE_GRACE),
            None => Some(self.heard_from_server + KEEPALIVE),
        };
        let handshakes = self
            .conns
            .values()
            .filter(|c| matches!(c.state, State::Handshake(_)))
            .map(|c| c.since + HANDSHAKE_LIMIT)
            .min();
        [idle, keepalive, handshakes]
            .into_iter()
            .flatten()
            .min()
            .map(|d| d.max(now))
    }

    fn keep_alive(&mut self, now: Instant) {
        match self.ping_sent {
            Some(sent) if now >= sent + KEEPALIVE_GRACE => {
                self.ping_sent = None;
                self.upstream_broken = Some(Error::connection(
                    "the server stopped answering (keep-alive)",
                ));
            }
            // A server busy with a long call is not silent; its answer will come.
            None if now >= self.heard_from_server + KEEPALIVE && !self.relay.calls_pending() => {
                let ping = self.relay.ping();
                self.send_upstream(ping);
                self.ping_sent = Some(now);
            }
            _ => {}
        }
    }

    fn expire_handshakes(&mut self, now: Instant) {
        for conn in self.conns.values_mut() {
            if matches!(conn.state, State::Handshake(_)) && now >= conn.since + HANDSHAKE_LIMIT {
                conn.dead = true;
            }
        }
        self.bury();
    }

    fn accept(&mut self) {
        loop {
            let stream = match self.listener.accept() {
                Ok((stream, _)) => stream,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return,
            };
            // The directory and the socket's mode keep other users out; the kernel's word
            // on who connected is checked all the same.
            let allowed =
                agent::peer_uid(&stream).is_ok_and(|peer| agent::peer_allowed(peer, agent::euid()));
            if !allowed {
                self.refused += 1;
                continue;
            }
            if stream.set_nonblocking(true).is_err() {
                continue;
            }
            let route = Route {
                legacy: self.relay.protocol() == Protocol::Legacy,
            };
            let state = match tungstenite::accept_hdr_with_config(
                stream,
                route,
                Some(transport::websocket_config()),
            ) {
                Ok(ws) => State::Open(ws),
                Err(HandshakeError::Interrupted(mid)) => State::Handshake(Some(mid)),
                Err(HandshakeError::Failure(_)) => continue,
            };
            let id = self.next_conn;
            self.next_conn += 1;
            self.relay.open(id);
            self.conns.insert(
                id,
                Conn {
                    state,
                    since: Instant::now(),
                    unflushed: false,
                    used: false,
                    dead: false,
                },
            );
            self.read_conn(id);
        }
    }

    /// Read what a local connection sent (finishing its handshake first) and relay it.
    fn read_conn(&mut self, id: ConnId) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        if let State::Handshake(mid) = &mut conn.state {
            let Some(handshaking) = mid.take() else {
                conn.dead = true;
                return;
            };
            match handshaking.handshake() {
                Ok(ws) => conn.state = State::Open(ws),
                Err(HandshakeError::Interrupted(again)) => {
                    *mid = Some(again);
                    return;
                }
                Err(HandshakeError::Failure(_)) => {
                    conn.dead = true;
                    return;
                }
            }
        }
        let State::Open(ws) = &mut conn.state else {
            return;
        };
        let mut frames = Vec::new();
        loop {
            match ws.read() {
                Ok(Message::Text(text)) => frames.push(text.as_str().to_owned()),
                Ok(Message::Close(_) | Message::Binary(_)) => {
                    conn.dead = true;
                    break;
                }
                Ok(_) => {}
                Err(e) if would_block(&e) => break,
                Err(_) => {
                    conn.dead = true;
                    break;
                }
            }
        }
        for text in frames {
            let outs = self.relay.on_local(id, &text);
            if !outs.iter().all(|o| matches!(o, Out::Control { .. })) {
                self.last_used = Instant::now();
                if let Some(conn) = self.conns.get_mut(&id) {
                    conn.used = true;
                }
            }
            self.dispatch(outs);
        }
    }

    fn read_upstream(&mut self) {
        let mut frames = Vec::new();
        loop {
            match self.upstream.read() {
                Ok(Message::Text(text)) => frames.push(text.as_str().to_owned()),
                Ok(Message::Close(_)) => {
                    self.upstream_broken =
                        Some(Error::connection("the server closed the connection"));
                    break;
                }
                Ok(_) => {}
                Err(e) if would_block(&e) => break,
                Err(e) => {
                    self.upstream_broken = Some(Error::connection(format!(
                        "the connection to the server broke: {e}"
                    )));
                    break;
                }
            }
        }
        if !frames.is_empty() {
            self.heard_from_server = Instant::now();
            self.ping_sent = None;
        }
        for text in frames {
            let outs = self.relay.on_upstream(&text);
            self.dispatch(outs);
        }
    }

    fn dispatch(&mut self, outs: Vec<Out>) {
        for out in outs {
            match out {
                Out::Upstream(text) => self.send_upstream(text),
                Out::Local(conn, text) => self.send_local(conn, text),
                Out::Control { conn, id, what } => {
                    let status = self.status();
                    let answer = self.relay.answer(&id, &status);
                    self.send_local(conn, answer);
                    if what == Control::Stop {
                        self.stopping = true;
                    }
                }
            }
        }
    }

    fn send_upstream(&mut self, text: String) {
        if self.upstream_broken.is_some() {
            return;
        }
        let sent = match self.upstream.write(Message::text(text)) {
            Err(e) if !would_block(&e) => Err(e),
            _ => self.upstream.flush(),
        };
        match sent {
            Ok(()) => self.upstream_unflushed = false,
            Err(e) if would_block(&e) => self.upstream_unflushed = true,
            Err(e) => {
                self.upstream_broken = Some(Error::connection(format!(
                    "the connection to the server broke: {e}"
                )));
            }
        }
    }

    fn flush_upstream(&mut self) {
        match self.upstream.flush() {
            Ok(()) => self.upstream_unflushed = false,
            Err(e) if would_block(&e) => {}
            Err(e) => {
                self.upstream_broken = Some(Error::connection(format!(
                    "the connection to the server broke: {e}"
                )));
            }
        }
    }

    fn send_local(&mut self, id: ConnId, text: String) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        let State::Open(ws) = &mut conn.state else {
            return;
        };
        let sent = match ws.write(Message::text(text)) {
            Err(e) if !would_block(&e) => Err(e),
            _ => ws.flush(),
        };
        match sent {
            Ok(()) => conn.unflushed = false,
            Err(e) if would_block(&e) => conn.unflushed = true,
            Err(_) => conn.dead = true,
        }
    }

    fn flush_conn(&mut self, id: ConnId) {
        let Some(conn) = self.conns.get_mut(&id) else {
            return;
        };
        let State::Open(ws) = &mut conn.state else {
            return;
        };
        match ws.flush() {
            Ok(()) => conn.unflushed = false,
            Err(e) if would_block(&e) => {}
            Err(_) => conn.dead = true,
        }
    }

    /// Forget the local connections that ended.
    fn bury(&mut self) {
        let dead: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| c.dead)
            .map(|(id, _)| *id)
            .collect();
        for id in dead {
            if let Some(conn) = self.conns.remove(&id) {
                if conn.used {
                    self.last_used = Instant::now();
                }
            }
            let outs = self.relay.close(id);
            self.dispatch(outs);
        }
    }

    /// The server connection is gone: tell the local connections that were waiting on it
    /// (by closing theirs, as a direct connection would have been closed), then log in
    /// again, backing off; an agent that cannot is of no use and exits.
    fn reconnect(&mut self, why: Error) -> Result<()> {
        for id in self.relay.upstream_lost() {
            if let Some(Conn {
                state: State::Open(ws),
                dead,
                ..
            }) = self.conns.get_mut(&id)
            {
                let _ = ws.close(Some(CloseFrame {
                    code: CloseCode::Away,
                    reason: "the session agent lost its connection to the server".into(),
                }));
                *dead = true;
            }
        }
        self.bury();
        let (opts, login) = (&self.opts, &self.login);
        let client = session::reconnect_with_backoff(
            &mut || session::open_with(opts, login),
            why,
            "",
            &mut |_| {},
        )?;
        self.upstream = non_blocking(client.into_websocket())?;
        self.upstream_unflushed = false;
        self.heard_from_server = Instant::now();
        self.ping_sent = None;
        self.reconnects += 1;
        Ok(())
    }

    fn status(&self) -> Value {
        let since = |t: SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        json!({
            "server": self.server,
            "user": self.user,
            "pid": std::process::id(),
            "socket": self.socket,
            "protocol": match self.relay.protocol() {
                Protocol::JsonRpc => "JSON-RPC 2.0",
                Protocol::Legacy => "legacy",
            },
            "started": since(self.started),
            "idle_seconds": self.last_used.elapsed().as_secs(),
            "idle_timeout": self.idle.map(|d| d.as_secs()),
            "calls": self.relay.relayed,
            "connections": self.conns.len().saturating_sub(1),
            "reconnects": self.reconnects,
            "refused": self.refused,
        })
    }

    /// Leave no socket behind (only this agent's own: another may have taken the name
    /// since), let local clients hear the end, and log out by closing.
    fn shut_down(&mut self) {
        let ours = std::fs::symlink_metadata(&self.socket)
            .is_ok_and(|m| (m.dev(), m.ino()) == self.socket_id);
        if ours {
            let _ = std::fs::remove_file(&self.socket);
        }
        for conn in self.conns.values_mut() {
            if let State::Open(ws) = &mut conn.state {
                let _ = ws.get_ref().set_nonblocking(false);
                let _ = ws.get_ref().set_write_timeout(Some(Duration::from_secs(1)));
                let _ = ws.close(None);
                let _ = ws.flush();
            }
        }
        let _ = self.upstream.close(None);
        let _ = self.upstream.flush();
        self.upstream.get_ref().shutdown();
    }
}
