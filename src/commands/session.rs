//! `midclt session start|status|stop`, and `session serve`: the agent process itself.

use crate::agent::{Handover, Report};
use crate::cli::{GlobalArgs, SessionCommand, SessionStartArgs};
use crate::client::rpc::Client;
use crate::error::{Error, Kind, Result};
use crate::render::{self, Format};
use crate::session::agent;
use serde_json::{json, Value};
use std::io::{BufRead as _, BufReader, Write as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long `session status` and `stop` wait for an agent's answer.
const ANSWER_LIMIT: Duration = Duration::from_secs(5);

pub(crate) fn run(g: &GlobalArgs, cmd: &SessionCommand) -> anyhow::Result<()> {
    match cmd {
        SessionCommand::Start(args) => start(g, args),
        SessionCommand::Status => status(g),
        SessionCommand::Stop { all } => stop(g, *all),
        SessionCommand::Serve => Ok(crate::agent::serve(
            &mut std::io::stdin().lock(),
            &mut std::io::stdout().lock(),
        )?),
    }
}

fn start(g: &GlobalArgs, args: &SessionStartArgs) -> anyhow::Result<()> {
    let cfg = super::config(g)?;
    let id = agent::identity(&cfg)?;
    if let Some(dir) = id.socket.parent() {
        agent::ensure_dir(dir)?;
    }
    if let Some((client, status)) = ask(&id.socket, agent::STATUS_METHOD, g.verbose)? {
        client.close();
        render::print_line(&format!(
            "a session agent already serves {} (pid {}) on {}",
            who(&status),
            status["pid"],
            id.socket.display()
        ))?;
        return Ok(());
    }
    // Asked here, on this terminal if need be: the agent has none.
    let login = crate::auth::credentials::resolve(&cfg.login, false)?;
    let opts = cfg.options()?;
    crate::auth::check_before_connect(&opts.endpoint, &login)?;
    let server = id.endpoint.display();
    let handover = Handover::new(
        id.socket.clone(),
        server.clone(),
        id.user.clone(),
        args.idle,
        &opts,
        &login,
    )
    .to_bytes()?;
    drop(login);
    let pid = spawn(&handover)?;
    let lifetime = if args.idle == 0 {
        "runs until stopped".to_string()
    } else {
        format!("exits after {} s unused", args.idle)
    };
    render::print_line(&format!(
        "session agent {pid} serves {} on {} ({lifetime})",
        who(&json!({"server": server, "user": id.user})),
        id.socket.display()
    ))?;
    Ok(())
}

/// Start `midclt session serve` detached, hand it `handover` on its stdin, and wait for its
/// report: its pid once it is logged in and listening.
fn spawn(handover: &[u8]) -> Result<u32> {
    let exe = std::env::current_exe()
        .map_err(|e| Error::io(format!("cannot find midclt's own executable: {e}")))?;
    let mut cmd = Command::new(exe);
    cmd.args(["session", "serve"])
        // Nothing of this environment (MIDCLT_PASSWORD, say) is the agent's business; the
        // trust store is, since the agent connects again after a drop.
        .env_clear()
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        // Out of this terminal's process group: its Ctrl-C and hang-up are not the agent's.
        .process_group(0);
    for var in ["SSL_CERT_FILE", "SSL_CERT_DIR"] {
        if let Some(value) = std::env::var_os(var) {
            cmd.env(var, value);
        }
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::io(format!("cannot start the session agent: {e}")))?;
    let handed = child
        .stdin
        .take()
        .map(|mut pipe| pipe.write_all(handover))
        .transpose();
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    match serde_json::from_str::<Report>(line.trim()) {
        Ok(Report::Ready { pid }) => Ok(pid),
        Ok(Report::Failed {
            kind,
            message,
            hints,
        }) => {
            let _ = child.wait();
            Err(Report::into_error(&kind, message, hints))
        }
        Err(_) => {
            let status = child.wait();
            let why = match handed {
                Err(e) => format!("could not be handed its settings ({e})"),
                Ok(_) => match status {
                    Ok(s) => format!("exited before it was ready ({s})"),
                    Err(e) => format!("vanished before it was ready ({e})"),
                },
            };
            Err(Error::io(format!("the session agent {why}")))
        }
    }
}

/// `SERVER as USER`, or the server alone when no user was named.
fn who(status: &Value) -> String {
    let server = status["server"].as_str().unwrap_or("?");
    match status["user"].as_str() {
        Some(user) if !user.is_empty() => format!("{server} as {user}"),
        _ => server.to_string(),
    }
}

/// Ask the agent on `socket` one of its own questions; `None` when no agent is there.
fn ask(socket: &Path, method: &str, verbose: bool) -> Result<Option<(Client, Value)>> {
    let Some(mut client) = agent::open_at(socket, ANSWER_LIMIT, verbose)? else {
        return Ok(None);
    };
    let answer = client.call(method, vec![])?;
    Ok(Some((client, answer)))
}

fn status(g: &GlobalArgs) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for socket in agent::sockets() {
        match ask(&socket, agent::STATUS_METHOD, g.verbose) {
            Ok(Some((client, status))) => {
                client.close();
                rows.push(status);
            }
            Ok(None) => {}
            Err(e) => {
                let pid = agent::agent_pid(&socket).ok().flatten();
                rows.push(json!({"socket": socket, "pid": pid, "error": e.message}));
            }
        }
    }
    let default = super::profile_format(g)?.unwrap_or_else(|| {
        if render::terminal::stdout_is_terminal() {
            Format::Table
        } else {
            Format::Json
        }
    });
    let output = super::spec_of(&g.out)?.output(default, true)?;
    if output.format != Format::Table {
        return Ok(output.print(&Value::Array(rows))?);
    }
    if rows.is_empty() {
        return Ok(render::print_line("no session agent is running")?);
    }
    let summary: Vec<Value> = rows.iter().map(summary).collect();
    Ok(output.print(&Value::Array(summary))?)
}

/// A status's row of the table.
fn summary(status: &Value) -> Value {
    if let Some(error) = status.get("error") {
        return json!({"server": "?", "user": "", "pid": "", "idle": error, "calls": "", "socket": status["socket"]});
    }
    let idle = match status["idle_timeout"].as_u64() {
        Some(limit) => format!("{} s of {limit} s", status["idle_seconds"]),
        None => format!("{} s", status["idle_seconds"]),
    };
    json!({
        "server": status["server"],
        "user": status["user"],
        "pid": status["pid"],
        "idle": idle,
        "calls": status["calls"],
        "socket": status["socket"],
    })
}

fn stop(g: &GlobalArgs, all: bool) -> anyhow::Result<()> {
    let (targets, selected): (Vec<PathBuf>, Option<String>) = if all {
        (agent::sockets(), None)
    } else {
        let cfg = super::config(g)?;
        let id = agent::identity(&cfg)?;
        let name = who(&json!({"server": id.endpoint.display(), "user": id.user}));
        (vec![id.socket], Some(name))
    };
    let mut stopped = 0;
    for socket in targets {
        if let Some(status) = stop_at(&socket, g.verbose)? {
            stopped += 1;
            render::print_line(&format!(
                "stopped the session agent {} serving {}",
                status["pid"],
                who(&status)
            ))?;
        }
    }
    if stopped == 0 {
        match selected {
            Some(name) => render::print_line(&format!("no session agent serves {name}"))?,
            None => render::print_line("no session agent is running")?,
        }
    }
    Ok(())
}

/// Stop the agent on `socket`, returning its last status; `None` when none is there.
fn stop_at(socket: &Path, verbose: bool) -> Result<Option<Value>> {
    let (mut client, status) = match ask(socket, agent::STOP_METHOD, verbose) {
        Ok(Some(answer)) => answer,
        Ok(None) => return Ok(None),
        // Busy (reconnecting to its server, which can take half a minute): end it.
        Err(e) if matches!(e.kind, Kind::Connection | Kind::Timeout) => {
            let Some(pid) = agent::agent_pid(socket)? else {
                return Ok(None);
            };
            if !agent::terminate(pid, socket) {
                return Err(e.hint(format!("the agent (process {pid}) could not be stopped")));
            }
            let what = "a server it could not reach (it did not answer, so it was terminated)";
            return Ok(Some(json!({"pid": pid, "server": what, "user": null})));
        }
        Err(e) => return Err(e),
    };
    // The agent removes its socket before it hangs up: once it has, a command run next
    // cannot find it any more.
    let deadline = Instant::now() + ANSWER_LIMIT;
    while let Ok(Some(_)) = client.next_notification(Some(deadline)) {}
    Ok(Some(status))
}
