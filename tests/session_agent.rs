//! `midclt session start|status|stop`: a background agent keeps one logged-in connection,
//! and later commands for the same server and user go through it without logging in.
//!
//! Each test has its own `XDG_RUNTIME_DIR`, and stops its agents when it ends.

// Test support: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{midclt, Run, Server, PASSWORD};
use serde_json::Value;
use std::os::unix::fs::{FileTypeExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A private runtime directory for one test's agents, all stopped at the end.
struct Agents {
    runtime: tempfile::TempDir,
}

impl Agents {
    fn new() -> Agents {
        Agents {
            runtime: tempfile::tempdir().unwrap(),
        }
    }

    /// The binary with this test's runtime directory (no server chosen).
    fn midclt(&self) -> Run {
        midclt().env("XDG_RUNTIME_DIR", self.runtime.path())
    }

    /// The binary for `s` over ws:// (no credentials given).
    fn on(&self, s: &Server) -> Run {
        self.midclt()
            .uri(&s.ws)
            .env("MIDCLT_CACHE_DIR", s.dir.path().join("cache"))
    }

    /// The binary for `s` over ws:// as root, without a password: only an agent helps.
    fn root(&self, s: &Server) -> Run {
        self.on(s).args(["-U", "root"])
    }

    /// Start an agent for root on `s` over ws://, logged in with the password.
    fn start(&self, s: &Server, extra: &[&str]) {
        self.on(s)
            .login("root")
            .args(["session", "start"])
            .args(extra)
            .run()
            .success()
            .stdout_has("serves ws://127.0.0.1:");
    }

    fn dir(&self) -> PathBuf {
        self.runtime.path().join("midclt")
    }

    /// The one socket in the runtime directory.
    fn socket(&self) -> PathBuf {
        let found: Vec<PathBuf> = std::fs::read_dir(self.dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        found[0].clone()
    }

    /// `session status` as JSON.
    fn status(&self) -> Vec<Value> {
        let out = self.midclt().args(["session", "status"]).run().success();
        out.json().as_array().unwrap().clone()
    }
}

impl Drop for Agents {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Still stop them, without asserting anything.
            let _ = self
                .midclt()
                .args(["session", "stop", "--all"])
                .into_command()
                .output();
            return;
        }
        self.midclt()
            .args(["session", "stop", "--all"])
            .run()
            .success();
    }
}

/// A server, and an agent for root on it (started with `extra` options).
fn started(extra: &[&str]) -> (Server, Agents) {
    let s = Server::start();
    let a = Agents::new();
    a.start(&s, extra);
    (s, a)
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn alive(pid: u64) -> bool {
    // A zombie has no command line; the agent is reaped by init once it exits.
    std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| !c.is_empty())
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn later_commands_go_through_the_agent_without_logging_in() {
    let (s, a) = started(&[]);
    assert_eq!(s.emu.logins(), 1);

    // No password anywhere: the agent's connection is logged in already.
    let out = a.root(&s).args(["call", "auth.me"]).run().success();
    assert_eq!(out.json()["pw_name"], "root");
    a.root(&s)
        .args(["-v", "call", "core.ping"])
        .run()
        .success()
        .stdout_is("pong\n")
        .stderr_has(&format!("* via session agent {}", a.socket().display()));
    a.root(&s).args(["ping"]).run().success();
    assert_eq!(s.emu.logins(), 1, "no command logged in again");

    // The same server as another user, --no-session and MIDCLT_NO_SESSION=1 connect
    // themselves, and log in.
    a.on(&s)
        .login("admin")
        .args(["call", "core.ping"])
        .run()
        .success();
    assert_eq!(s.emu.logins(), 2);
    a.on(&s)
        .login("root")
        .args(["--no-session", "call", "core.ping"])
        .run()
        .success();
    assert_eq!(s.emu.logins(), 3);
    a.on(&s)
        .login("root")
        .env("MIDCLT_NO_SESSION", "1")
        .args(["call", "core.ping"])
        .run()
        .success();
    assert_eq!(s.emu.logins(), 4);
    a.root(&s)
        .args(["--no-session", "call", "core.ping"])
        .run()
        .code(2)
        .stderr_has("no password for -U root");

    let status = a.status();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0]["server"], s.ws);
    assert_eq!(status[0]["user"], "root");
    assert_eq!(status[0]["calls"], 3);
    assert_eq!(status[0]["idle_timeout"], 900);
    let pid = status[0]["pid"].as_u64().unwrap();
    assert!(alive(pid));

    // Starting again finds it; stopping ends it, and its socket.
    a.on(&s)
        .login("root")
        .args(["session", "start"])
        .run()
        .success()
        .stdout_has(&format!("already serves {} as root (pid {pid})", s.ws));
    a.root(&s)
        .args(["session", "stop"])
        .run()
        .success()
        .stdout_is(&format!(
            "stopped the session agent {pid} serving {} as root\n",
            s.ws
        ));
    assert!(std::fs::read_dir(a.dir()).unwrap().next().is_none());
    wait_until("the agent has exited", Duration::from_secs(5), || {
        !alive(pid)
    });
    a.root(&s)
        .args(["call", "core.ping"])
        .run()
        .code(2)
        .stderr_has("no password for -U root");
    a.root(&s)
        .args(["session", "stop"])
        .run()
        .success()
        .stdout_is(&format!("no session agent serves {} as root\n", s.ws));
    assert_eq!(a.status(), Vec::<Value>::new());
}

#[test]
fn jobs_subscriptions_and_cli_commands_work_through_the_agent() {
    let (s, a) = started(&[]);
    let out = a
        .root(&s)
        .args(["call", "-j", "mock.progress_job", "3", "0.01"])
        .run()
        .success();
    assert_eq!(out.json()["steps"], 3);
    let out = a
        .on(&s)
        .args([
            "-U",
            "root",
            "subscribe",
            r#"mock.counter:{"count": 2, "interval": 0.01}"#,
        ])
        .run()
        .success();
    assert_eq!(
        out.stdout_text().lines().count(),
        2,
        "{}",
        out.stdout_text()
    );
    // Two subscribers at once each hear the jobs' events.
    let before = a.status()[0]["calls"].as_u64().unwrap();
    let waiting: Vec<_> = (0..2)
        .map(|_| {
            a.on(&s)
                .args([
                    "-U",
                    "root",
                    "subscribe",
                    "-n",
                    "1",
                    "-t",
                    "20",
                    "core.get_jobs",
                ])
                .spawn()
        })
        .collect();
    // Both subscriptions are made before the job starts.
    wait_until("both subscribe", Duration::from_secs(10), || {
        a.status()[0]["calls"].as_u64() == Some(before + 2)
    });
    a.root(&s)
        .args(["call", "-j", "mock.progress_job", "1", "0.01"])
        .run()
        .success();
    for child in waiting {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let event: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(event["collection"], "core.get_jobs");
    }
    // TrueNAS CLI commands (the catalogue comes through the agent too).
    let out = a
        .root(&s)
        .args(["-o", "json", "system", "info"])
        .run()
        .success();
    assert_eq!(out.json()["hostname"], "truenas");
    // A batch pipelines its calls through the agent, jobs included.
    let input = format!("{}-j mock.progress_job 2 0.01\n", "core.ping\n".repeat(100));
    let out = a.root(&s).arg("batch").stdin(&input).run().success();
    let lines: Vec<Value> = out
        .stdout_text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 101);
    assert!(lines[..100].iter().all(|l| l["result"] == "pong"));
    assert_eq!(lines[100]["result"]["steps"], 2, "{}", lines[100]);
    assert_eq!(s.emu.logins(), 1);
}

#[test]
fn logging_in_or_out_through_the_agent_is_refused() {
    let (s, a) = started(&[]);
    a.root(&s)
        .args(["call", "auth.logout"])
        .run()
        .code(1)
        .stderr_has("auth.logout is not relayed by the session agent")
        .stderr_has("--no-session");
    // The agent's session is untouched.
    a.root(&s).args(["call", "auth.me"]).run().success();
}

#[test]
fn the_socket_and_its_directory_are_private() {
    let (s, a) = started(&[]);
    assert_eq!(mode(&a.dir()), 0o700);
    let socket = a.socket();
    assert_eq!(mode(&socket), 0o600);
    assert!(socket
        .file_name()
        .unwrap()
        .to_string_lossy()
        .ends_with(".sock"));

    // A directory others could enter is not used (commands connect themselves) ...
    std::fs::set_permissions(a.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    a.root(&s)
        .args(["-v", "call", "core.ping"])
        .run()
        .code(2)
        .stderr_has("not using the session agent")
        .stderr_has("other users have access to it (mode 755)");
    // ... nor made an agent's home.
    a.on(&s)
        .login("admin")
        .args(["session", "start"])
        .run()
        .code(2)
        .stderr_has("chmod 700");
    std::fs::set_permissions(a.dir(), std::fs::Permissions::from_mode(0o700)).unwrap();
    a.root(&s).args(["call", "core.ping"]).run().success();
}

/// A copy of the binary other users may run (the build directory may be closed to them).
fn binary_for_anyone(dir: &Path) -> PathBuf {
    let bin = dir.join("midclt");
    std::fs::copy(assert_cmd::cargo::cargo_bin("midclt"), &bin).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// Run `midclt ARGS` as user `nobody` (65534); `None` where this test cannot switch users.
fn as_nobody(bin: &Path, args: &[&str]) -> Option<std::process::Output> {
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(bin)
        .args(args)
        .env_clear()
        .env("MIDCLT_CONFIG", "/nonexistent/midclt-tests/config.toml")
        .env(
            "MIDCLT_KNOWN_HOSTS",
            "/nonexistent/midclt-tests/known_hosts",
        )
        .env("MIDCLT_CACHE_DIR", "/nonexistent/midclt-tests/cache")
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("setpriv:") {
        return None;
    }
    Some(out)
}

#[test]
fn other_users_are_refused() {
    if rustix::process::geteuid().as_raw() != 0 {
        eprintln!("skipped: switching to another user needs root");
        return;
    }
    let s = Server::start();
    let a = Agents::new();
    // Only the agent's own directory stands in the way.
    std::fs::set_permissions(a.runtime.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    a.start(&s, &[]);
    let socket = a.socket();
    let tools = tempfile::tempdir().unwrap();
    let bin = binary_for_anyone(tools.path());
    let through_agent = format!("ws+unix://{}", socket.display());
    let args = ["--uri", through_agent.as_str(), "call", "core.ping"];

    // The directory keeps other users away from the socket ...
    let Some(out) = as_nobody(&bin, &args) else {
        eprintln!("skipped: setpriv cannot switch to user 65534 here");
        return;
    };
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("permission denied"),
        "{out:?}"
    );

    // ... and were the directory and socket opened up, the agent itself still refuses
    // them, by the peer credentials the kernel reports.
    std::fs::set_permissions(a.dir(), std::fs::Permissions::from_mode(0o711)).unwrap();
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = as_nobody(&bin, &args).unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    std::fs::set_permissions(a.dir(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let status = a.status();
    assert_eq!(status[0]["refused"], 1);
    assert_eq!(status[0]["calls"], 0);

    // Root itself (and the agent's own user, the same here) is served.
    let out = a
        .midclt()
        .uri(&through_agent)
        .args(["call", "core.ping"])
        .run()
        .success();
    assert_eq!(out.stdout_text(), "pong\n");
}

#[test]
fn the_agent_exits_when_idle() {
    let (s, a) = started(&["--idle", "1"]);
    let pid = a.status()[0]["pid"].as_u64().unwrap();
    a.root(&s).args(["call", "core.ping"]).run().success();
    wait_until("the idle agent has exited", Duration::from_secs(10), || {
        !alive(pid)
    });
    assert!(std::fs::read_dir(a.dir()).unwrap().next().is_none());
}

#[test]
fn a_dead_agent_is_noticed_and_its_socket_removed() {
    let (s, a) = started(&[]);
    let pid = a.status()[0]["pid"].as_u64().unwrap();
    let socket = a.socket();
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    wait_until("the agent is gone", Duration::from_secs(5), || !alive(pid));
    assert!(socket.exists(), "SIGKILL leaves the socket behind");
    a.on(&s)
        .login("root")
        .args(["call", "core.ping"])
        .run()
        .success();
    assert!(!socket.exists());
    assert_eq!(s.emu.logins(), 2);
    a.midclt()
        .args(["-o", "table", "session", "status"])
        .run()
        .success()
        .stdout_is("no session agent is running\n");
}

#[test]
fn the_agent_logs_in_again_when_the_server_drops_it() {
    let (s, a) = started(&[]);
    a.root(&s)
        .args(["call", "mock.drop_connection"])
        .run()
        .success()
        .stdout_is("true\n");
    wait_until("the agent logged in again", Duration::from_secs(10), || {
        s.emu.logins() == 2
    });
    let out = a.root(&s).args(["call", "auth.me"]).run().success();
    assert_eq!(out.json()["pw_name"], "root");
    assert_eq!(a.status()[0]["reconnects"], 1);
    assert_eq!(s.emu.logins(), 2);
}

#[test]
fn a_refused_login_starts_no_agent() {
    let s = Server::start();
    let a = Agents::new();
    a.root(&s)
        .args(["session", "start"])
        .env("MIDCLT_PASSWORD", "wrong")
        .run()
        .code(5)
        .stderr_has("invalid username or password");
    assert!(std::fs::read_dir(a.dir()).unwrap().next().is_none());
    a.midclt()
        .args(["session", "stop", "--all"])
        .run()
        .success()
        .stdout_is("no session agent is running\n");
}

#[test]
fn no_secret_in_the_agents_arguments_environment_or_files() {
    let s = Server::start();
    let a = Agents::new();
    let (_, key) = s.create_key("agent", "root");
    // Over wss://, with SCRAM bound to the TLS channel: the agent's TLS connection is the
    // one kept.
    let over_wss = |run: Run| {
        run.uri(&s.wss)
            .arg("--ca-cert")
            .arg(&s.cert)
            .env("MIDCLT_CACHE_DIR", s.dir.path().join("cache"))
    };
    over_wss(a.midclt())
        .args(["-U", "root", "session", "start"])
        .env("MIDCLT_API_KEY", &key)
        .env("MIDCLT_PASSWORD_UNUSED", PASSWORD)
        .run()
        .success();
    assert_eq!(s.emu.logins(), 1);
    let pid = a.status()[0]["pid"].as_u64().unwrap();
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
    let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    for secret in [key.as_str(), key.split_once('-').unwrap().1, PASSWORD] {
        for (what, bytes) in [("cmdline", &cmdline), ("environ", &environ)] {
            assert!(
                !String::from_utf8_lossy(bytes).contains(secret),
                "/proc/PID/{what} holds a secret"
            );
        }
    }
    assert_eq!(
        String::from_utf8_lossy(&cmdline)
            .split('\0')
            .skip(1)
            .collect::<Vec<_>>(),
        ["session", "serve", ""]
    );
    assert!(!String::from_utf8_lossy(&environ).contains("MIDCLT_"));
    // The runtime directory holds the socket and nothing else.
    let socket = a.socket();
    assert!(std::fs::symlink_metadata(&socket)
        .unwrap()
        .file_type()
        .is_socket());
    assert_eq!(
        std::fs::read_link(format!("/proc/{pid}/cwd")).unwrap(),
        Path::new("/")
    );
    let out = over_wss(a.midclt())
        .args(["-U", "root", "call", "-j", "mock.progress_job", "3", "0.01"])
        .run()
        .success();
    assert_eq!(out.json()["steps"], 3);
    assert_eq!(s.emu.logins(), 1);
}

#[test]
fn a_legacy_server_is_relayed_in_its_own_protocol() {
    let s = Server::with(midclt::emulator::Config {
        legacy_only: true,
        ..midclt::emulator::Config::default()
    });
    let a = Agents::new();
    // The agent falls back to /websocket; clients asking for /api/current follow it.
    a.start(&s, &[]);
    assert_eq!(a.status()[0]["protocol"], "legacy");
    let out = a
        .root(&s)
        .args(["call", "-j", "mock.progress_job", "2", "0.01"])
        .run()
        .success();
    assert_eq!(out.json()["steps"], 2);
    a.root(&s)
        .args(["call", "auth.logout"])
        .run()
        .code(1)
        .stderr_has("not relayed by the session agent");
    assert_eq!(s.emu.logins(), 1);
}

#[test]
fn a_profile_selects_its_agent() {
    let s = Server::start();
    let a = Agents::new();
    let config = s.dir.path().join("config.toml");
    let pass = s.file("pass", PASSWORD);
    let with_config = || a.midclt().env("MIDCLT_CONFIG", &config);
    for (key, value) in [
        ("uri", s.ws.as_str()),
        ("username", "admin"),
        ("password_file", pass.to_str().unwrap()),
    ] {
        with_config()
            .args(["config", "set", "nas", key, value])
            .run()
            .success();
    }
    with_config()
        .args(["-p", "nas", "session", "start"])
        .run()
        .success()
        .stdout_has(&format!("serves {} as admin", s.ws));
    // The password file is not even read while the agent serves.
    std::fs::remove_file(&pass).unwrap();
    let out = with_config()
        .args(["-p", "nas", "call", "auth.me"])
        .run()
        .success();
    assert_eq!(out.json()["pw_name"], "admin");
    // The options say the same as the profile: the same agent.
    a.on(&s)
        .args(["-U", "admin", "call", "core.ping"])
        .run()
        .success();
    assert_eq!(s.emu.logins(), 1);
    with_config()
        .args(["-p", "nas", "session", "stop"])
        .run()
        .success()
        .stdout_has("stopped the session agent");
    assert_eq!(a.status(), Vec::<Value>::new());
}

#[test]
fn a_command_names_the_agent_when_it_cannot_answer() {
    let (s, a) = started(&[]);
    // The server goes away: the agent waits to connect again and answers nobody meanwhile.
    s.emu.stop();
    s.emu.restart();
    std::thread::sleep(Duration::from_millis(300));
    // No credentials of its own: the agent's trouble is the error (exit 3), not a usage
    // error about a missing password.
    a.root(&s)
        .args(["call", "core.ping"])
        .run()
        .code(3)
        .stderr_has("the session agent for this server does not answer");
    // `session stop` ends it all the same (as the harness does at the end of every test).
    a.midclt()
        .args(["session", "stop", "--all"])
        .run()
        .success()
        .stdout_has("it did not answer, so it was terminated");
    assert!(std::fs::read_dir(a.dir()).unwrap().next().is_none());
}
