//! Shared test support: an emulator on real sockets and a fluent runner for the binary,
//! so each test reads as one scenario.
//!
//! The runner is strict by default: a run must exit 0 with nothing on stderr unless the
//! test says otherwise (`.code(N)`, `.allow_stderr()`, or an assertion on stderr). The
//! check happens when the outcome is dropped, so the order of assertions does not matter.
#![allow(dead_code)]
// Test support: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::cargo::CommandCargoExt;
use midclt::emulator::{Config, Emulator};
use serde_json::Value;
use std::cell::Cell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// An emulator listening on ws://, wss:// and a UNIX socket on this machine.
pub(crate) struct Server {
    pub emu: Emulator,
    pub ws: String,
    pub wss: String,
    pub unix: String,
    pub cert: PathBuf,
    pub dir: tempfile::TempDir,
}

pub(crate) const PASSWORD: &str = "s3cret-Pass";

impl Server {
    pub(crate) fn start() -> Server {
        Server::with(Config::default())
    }

    pub(crate) fn with(mut config: Config) -> Server {
        config.password = PASSWORD.into();
        // Fast keys; the iteration count itself is covered by the SCRAM unit tests.
        config.scram_iterations = midclt::auth::scram::MIN_ITERATIONS;
        let emu = Emulator::new(config);
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = emu.listen("ws://127.0.0.1:0").expect("ws listener").uri;
        let wss = emu.listen("wss://127.0.0.1:0").expect("wss listener").uri;
        let sock = dir.path().join("middlewared.sock");
        let unix = emu
            .listen(&format!("ws+unix://{}", sock.display()))
            .expect("unix listener")
            .uri;
        let cert = dir.path().join("cert.pem");
        std::fs::write(&cert, emu.tls_material().expect("cert").cert_pem).expect("write cert");
        Server {
            emu,
            ws,
            wss,
            unix,
            cert,
            dir,
        }
    }

    /// The binary on the UNIX socket (root), with a catalogue cache private to this server.
    pub(crate) fn cli(&self) -> Run {
        midclt()
            .uri(&self.unix)
            .env("MIDCLT_CACHE_DIR", self.dir.path().join("cache"))
    }

    /// `ws://127.0.0.1:PORT` + `path`.
    pub(crate) fn ws_path(&self, path: &str) -> String {
        self.ws.replace("/api/current", path)
    }

    pub(crate) fn file(&self, name: &str, content: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).expect("write file");
        p
    }

    /// Create an API key for `user` as root (over the auto-authenticated socket).
    pub(crate) fn create_key(&self, name: &str, user: &str) -> (u64, String) {
        let out = midclt()
            .uri(&self.unix)
            .args(["call", "api_key.create"])
            .arg(format!(r#"{{"name": "{name}", "username": "{user}"}}"#))
            .run()
            .success();
        let v = out.json();
        (
            v["id"].as_u64().expect("id"),
            v["key"].as_str().expect("key").to_string(),
        )
    }
}

pub(crate) fn midclt() -> Run {
    let mut cmd = Command::cargo_bin("midclt").expect("binary");
    for var in [
        "MIDCLT_URI",
        "MIDCLT_USERNAME",
        "MIDCLT_PASSWORD",
        "MIDCLT_API_KEY",
        "MIDCLT_API_KEY_FILE",
        "MIDCLT_TOKEN",
        "MIDCLT_OTP",
        "MIDCLT_BOOL_STYLE",
        "MIDCLT_PROFILE",
        "CALL_TIMEOUT",
    ] {
        cmd.env_remove(var);
    }
    // Tests pass secrets on the command line on purpose; the warning has its own test.
    cmd.env("MIDCLT_NO_ARGV_WARNING", "1");
    // The user's own trusted servers stay out of the tests.
    cmd.env(
        "MIDCLT_KNOWN_HOSTS",
        "/nonexistent/midclt-tests/known_hosts",
    );
    cmd.env("MIDCLT_CONFIG", "/nonexistent/midclt-tests/config.toml");
    Run {
        cmd,
        stdin: None,
        stdin_file: None,
        stdout: None,
        allow_stderr: false,
    }
}

pub(crate) struct Run {
    cmd: Command,
    stdin: Option<String>,
    stdin_file: Option<std::fs::File>,
    stdout: Option<std::fs::File>,
    allow_stderr: bool,
}

impl Run {
    pub(crate) fn uri(mut self, uri: &str) -> Self {
        self.cmd.args(["--uri", uri]);
        self
    }
    pub(crate) fn arg(mut self, a: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.arg(a);
        self
    }
    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }
    pub(crate) fn env(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.env(k, v);
        self
    }
    pub(crate) fn env_remove(mut self, k: &str) -> Self {
        self.cmd.env_remove(k);
        self
    }
    pub(crate) fn current_dir(mut self, dir: &Path) -> Self {
        self.cmd.current_dir(dir);
        self
    }
    pub(crate) fn stdin(mut self, s: &str) -> Self {
        self.stdin = Some(s.to_string());
        self
    }
    /// Read stdin from this file (a redirection, as `< FILE` in a shell).
    pub(crate) fn stdin_file(mut self, path: &Path) -> Self {
        self.stdin_file = Some(std::fs::File::open(path).expect("open the stdin file"));
        self
    }
    /// Send stdout to this file instead of capturing it.
    pub(crate) fn stdout_to(mut self, file: std::fs::File) -> Self {
        self.stdout = Some(file);
        self
    }
    /// This run may write to stderr even when it succeeds (warnings, `--verbose`).
    pub(crate) fn allow_stderr(mut self) -> Self {
        self.allow_stderr = true;
        self
    }
    pub(crate) fn login(self, user: &str) -> Self {
        self.args(["-U", user]).env("MIDCLT_PASSWORD", PASSWORD)
    }
    /// The prepared command, for a driver of its own (a pseudo-terminal).
    pub(crate) fn into_command(self) -> Command {
        self.cmd
    }
    pub(crate) fn spawn(mut self) -> std::process::Child {
        self.cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        self.cmd.spawn().expect("spawn")
    }
    pub(crate) fn run(mut self) -> Outcome {
        self.cmd.stdin(match self.stdin_file.take() {
            Some(file) => Stdio::from(file),
            None if self.stdin.is_some() => Stdio::piped(),
            None => Stdio::null(),
        });
        let stdout = self.stdout.take().map_or_else(Stdio::piped, Stdio::from);
        self.cmd.stdout(stdout).stderr(Stdio::piped());
        let mut child = self.cmd.spawn().expect("spawn midclt");
        // Written on a thread of its own: a command that streams (batch) writes its output
        // while it reads, and would wait for us to read while we wait for it to read.
        let writer = self.stdin.take().map(|input| {
            let mut pipe = child.stdin.take().expect("stdin");
            std::thread::spawn(move || {
                // A form feed marks a pause: what follows is written a little later, as a
                // person (or a slow script) would.
                for (i, part) in input.split('\u{c}').enumerate() {
                    if i > 0 {
                        std::thread::sleep(std::time::Duration::from_millis(300));
                    }
                    // A run that ends without reading all its input (an error found first)
                    // closes the pipe: its outcome, not the write, is what the test judges.
                    if pipe
                        .write_all(part.as_bytes())
                        .and_then(|()| pipe.flush())
                        .is_err()
                    {
                        break;
                    }
                }
            })
        });
        let out = Outcome::from(child.wait_with_output().expect("wait"));
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        out.stderr_checked.set(self.allow_stderr);
        out
    }
}

pub(crate) struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    code_checked: Cell<bool>,
    stderr_checked: Cell<bool>,
}

impl From<Output> for Outcome {
    fn from(o: Output) -> Outcome {
        Outcome::new(
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }
}

impl Drop for Outcome {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        if !self.code_checked.get() {
            assert_eq!(
                self.code, 0,
                "unexpected exit code (say `.code(N)` when a failure is expected)\n--- stdout:\n{}\n--- stderr:\n{}",
                self.stdout, self.stderr
            );
        }
        if self.code == 0 && !self.stderr_checked.get() {
            assert!(
                self.stderr.is_empty(),
                "unexpected stderr (say `.allow_stderr()` or assert on it):\n{}",
                self.stderr
            );
        }
    }
}

impl Outcome {
    pub(crate) fn new(code: i32, stdout: String, stderr: String) -> Outcome {
        Outcome {
            code,
            stdout,
            stderr,
            code_checked: Cell::new(false),
            stderr_checked: Cell::new(false),
        }
    }
    pub(crate) fn stdout_text(&self) -> &str {
        &self.stdout
    }
    /// The test looks at stderr itself.
    pub(crate) fn stderr(&self) -> &str {
        self.stderr_checked.set(true);
        &self.stderr
    }
    #[track_caller]
    pub(crate) fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout, self.stderr
        );
        self.code_checked.set(true);
        self
    }
    #[track_caller]
    pub(crate) fn success(self) -> Self {
        self.code(0)
    }
    #[track_caller]
    pub(crate) fn stdout_is(self, expected: &str) -> Self {
        assert_eq!(self.stdout, expected, "stdout (stderr: {})", self.stderr);
        self
    }
    #[track_caller]
    pub(crate) fn stdout_has(self, needle: &str) -> Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{}\n--- stderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
    #[track_caller]
    pub(crate) fn stderr_has(self, needle: &str) -> Self {
        self.stderr_checked.set(true);
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
    #[track_caller]
    pub(crate) fn stderr_is(self, expected: &str) -> Self {
        self.stderr_checked.set(true);
        assert_eq!(self.stderr, expected, "stderr");
        self
    }
    #[track_caller]
    pub(crate) fn stderr_lacks(self, needle: &str) -> Self {
        self.stderr_checked.set(true);
        assert!(
            !self.stderr.contains(needle),
            "stderr contains {needle:?}:\n{}",
            self.stderr
        );
        self
    }
    #[track_caller]
    pub(crate) fn stdout_lacks(self, needle: &str) -> Self {
        assert!(
            !self.stdout.contains(needle),
            "stdout contains {needle:?}:\n{}",
            self.stdout
        );
        self
    }
    #[track_caller]
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

/// Press Ctrl-C for a running process (SIGINT, as a terminal sends it).
pub(crate) fn interrupt(child: &std::process::Child) {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill(1) runs");
    assert!(sent.success(), "kill -INT {}", child.id());
}

/// Current TOTP code of the emulator's two-factor account.
pub(crate) fn otp_now() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    midclt::emulator::totp(midclt::emulator::OTP_SECRET, now)
}

/// A file of the recorded real-server data in `../shared` beside the checkout, or `None`
/// (with a one-line notice) where that is absent, as on a user's fresh clone. CI sets
/// `MIDCLT_REQUIRE_SHARED=1`, and there a missing file fails the test instead.
pub(crate) fn shared(rel: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
        .join(rel);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("MIDCLT_REQUIRE_SHARED").is_none(),
        "{} is missing and MIDCLT_REQUIRE_SHARED is set",
        path.display()
    );
    eprintln!("skipped: {} is absent", path.display());
    None
}

/// Run a shell command line under a pseudo-terminal (script(1)): what it printed there.
pub(crate) fn on_a_terminal(line: &str) -> String {
    let out = Command::new("script")
        .args(["-qec", line, "/dev/null"])
        .output()
        .expect("script(1) runs the command under a terminal");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `auth api_key create --` on a terminal, with `editor` (a shell script) as EDITOR: what
/// the terminal showed.
pub(crate) fn create_key_in_editor(s: &Server, editor: &str) -> String {
    let script = s.file("fake-editor.sh", editor);
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("make the fake editor executable");
    on_a_terminal(&format!(
        "EDITOR={} MIDCLT_CACHE_DIR={} {} -u {} -o json -c 'auth api_key create --'",
        script.display(),
        s.dir.path().join("cache").display(),
        assert_cmd::cargo::cargo_bin("midclt").display(),
        s.unix
    ))
}
