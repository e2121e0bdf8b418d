//! Files in and out of jobs against the emulator over real sockets: `call --download`,
//! `call --upload`, `job logs`, the TrueNAS CLI's `> FILE`, and the emulator's own
//! `/_download` and `/_upload` rules.

// Test support: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;
use common::{Server, PASSWORD};
use serde_json::{json, Value};
use sha2::Digest as _;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const MIB: u64 = 1 << 20;

fn sha256_file(path: &Path) -> String {
    sha256(&std::fs::read(path).unwrap())
}

fn sha256(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The names in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A fresh empty directory inside the server's scratch directory.
fn scratch(s: &Server, name: &str) -> PathBuf {
    let dir = s.dir.path().join(name);
    std::fs::create_dir(&dir).unwrap();
    dir
}

/// The binary against the server at `uri`, logged in as root where a login is needed.
fn client(s: &Server, uri: &str) -> common::Run {
    let run = common::midclt().uri(uri);
    if uri == s.wss {
        run.login("root").arg("--ca-cert").arg(&s.cert)
    } else if uri == s.ws {
        run.login("root")
    } else {
        run
    }
}

#[test]
fn downloads_over_unix_ws_and_wss_arrive_whole() {
    let s = Server::start();
    for (i, uri) in [&s.unix, &s.ws, &s.wss].into_iter().enumerate() {
        let dir = scratch(&s, &format!("dl{i}"));
        let target = dir.join("data.bin");
        let size = 3 * MIB + 12_345;
        let out = client(&s, uri)
            .args(["call", "--download"])
            .arg(&target)
            .args(["mock.download_bytes", &size.to_string()])
            .run()
            .success();
        // The job's own account of what it sent, on stdout.
        let result = out.json();
        assert_eq!(result["size"], size, "{uri}");
        assert_eq!(std::fs::metadata(&target).unwrap().len(), size, "{uri}");
        assert_eq!(result["sha256"], sha256_file(&target), "{uri}");
        // No temporary file is left beside it, and the file is private.
        assert_eq!(listing(&dir), ["data.bin"], "{uri}");
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&target).unwrap().permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn uploads_over_unix_ws_and_wss_arrive_whole() {
    let s = Server::start();
    let file = s.dir.path().join("upload.bin");
    // Bytes of every value, a size that is no multiple of any buffer.
    let content: Vec<u8> = (0..3 * MIB as usize + 777)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&file, &content).unwrap();
    for uri in [&s.unix, &s.ws, &s.wss] {
        let result = client(&s, uri)
            .args(["call", "--upload"])
            .arg(&file)
            .arg("mock.upload_sha256")
            .run()
            .success()
            .json();
        assert_eq!(
            result,
            json!({"size": content.len(), "sha256": sha256(&content)}),
            "{uri}"
        );
    }
    // stdin redirected from a file works as well.
    let result = s
        .cli()
        .args(["call", "--upload", "-", "mock.upload_sha256"])
        .stdin_file(&file)
        .run()
        .success()
        .json();
    assert_eq!(result["sha256"], sha256(&content));
}

#[test]
fn a_download_whose_job_fails_after_sending_bytes_leaves_no_file() {
    let s = Server::start();
    let dir = scratch(&s, "failing");
    let target = dir.join("keep.txt");
    std::fs::write(&target, "the old content").unwrap();
    s.cli()
        .args(["call", "--download"])
        .arg(&target)
        .args([
            "mock.download_bytes",
            &(2 * MIB).to_string(),
            &MIB.to_string(),
        ])
        .run()
        .code(1)
        .stderr_has("Failed on purpose after sending 1048576 bytes");
    // The old file is untouched and no partial file is left.
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "the old content");
    assert_eq!(listing(&dir), ["keep.txt"]);
}

#[test]
fn refused_transfers_are_clear_errors_and_never_show_the_token() {
    let s = Server::start();
    let dir = scratch(&s, "refused");
    let target = dir.join("f.bin");
    for (status, code, says) in [
        (401, 5, "HTTP 401"),
        (410, 1, "is gone (HTTP 410"),
        (404, 1, "HTTP 404"),
    ] {
        s.emu.fail_next_transfer(status);
        let out = s
            .cli()
            .args(["-v", "call", "--download"])
            .arg(&target)
            .args(["mock.download_bytes", "1000"])
            .run()
            .code(code)
            .stderr_has(says)
            .stderr_has("auth_token=<redacted>");
        assert!(!token_shown(out.stderr()), "{}", out.stderr());
        assert!(listing(&dir).is_empty());
    }
    // The jobs that lost their reader are aborted, not left waiting for it.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let jobs = s
            .cli()
            .args([
                "call",
                "core.get_jobs",
                "[[\"method\", \"=\", \"mock.download_bytes\"]]",
            ])
            .run()
            .success()
            .json();
        let states: Vec<&str> = jobs
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["state"].as_str().unwrap())
            .collect();
        if states == ["ABORTED"; 3] {
            break;
        }
        assert!(Instant::now() < deadline, "{states:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Larger than the socket buffers: the answer comes once the body is through.
    let file = s.file("upload.txt", &"x".repeat(2 << 20));
    s.emu.fail_next_transfer(403);
    let out = s
        .cli()
        .args(["-v", "call", "--upload"])
        .arg(&file)
        .arg("mock.upload_sha256")
        .run()
        .code(5)
        .stderr_has("refused the upload to mock.upload_sha256 (HTTP 403")
        .stderr_has("Authorization: Token <redacted>");
    assert!(!token_shown(out.stderr()), "{}", out.stderr());
}

/// Does `text` hold something that looks like one of the emulator's tokens (64 letters
/// and digits) anywhere a token could be?
fn token_shown(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w.len() == 64)
}

#[test]
fn a_download_that_starts_after_its_window_is_gone() {
    let s = Server::with(midclt::emulator::Config {
        download_window: Duration::ZERO,
        ..midclt::emulator::Config::default()
    });
    let dir = scratch(&s, "late");
    s.cli()
        .args(["call", "--download"])
        .arg(dir.join("late.bin"))
        .args(["mock.download_bytes", "1000"])
        .run()
        .code(1)
        .stderr_has("its window closed or it was already taken");
    assert!(listing(&dir).is_empty());
}

#[test]
fn the_emulator_checks_download_requests_as_the_server_does() {
    let s = Server::start();
    let login = midclt::auth::Login::Password {
        username: "root".into(),
        password: zeroize::Zeroizing::new(PASSWORD.into()),
        otp: None,
    };
    let config = midclt::session::ConnectConfig {
        uri: Some(s.ws.clone()),
        ..midclt::session::ConnectConfig::default()
    };
    let mut c = midclt::session::open_as(&config, &login).unwrap();
    let mut start = || {
        let started = c
            .call(
                "core.download",
                vec![json!("mock.download_bytes"), json!([100]), json!("x.bin")],
            )
            .unwrap();
        let id = started[0].as_i64().unwrap();
        let url = started[1].as_str().unwrap().to_string();
        assert!(
            url.starts_with(&format!("/_download/{id}?auth_token=")),
            "{url}"
        );
        (id, url)
    };
    let (other, other_url) = start();
    let (id, url) = start();
    let addr =
        s.ws.trim_start_matches("ws://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
    let get = |target: &str| -> (u16, Vec<u8>) {
        let mut tcp = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            tcp,
            "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = Vec::new();
        tcp.read_to_end(&mut answer).unwrap();
        let status = String::from_utf8_lossy(&answer[9..12]).parse().unwrap();
        (status, answer)
    };
    assert_eq!(get(&format!("/_download/{id}")).0, 401, "no token");
    assert_eq!(get("/_download/abc?auth_token=x").0, 404, "not a job id");
    let wrong_job = other_url.replace(&format!("/{other}?"), &format!("/{id}?"));
    assert_eq!(get(&wrong_job).0, 401, "another job's token");
    let (status, body) = get(&url);
    assert_eq!(status, 200);
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("Transfer-Encoding: chunked"), "{text}");
    assert!(text.contains("attachment; filename=\"x.bin\""), "{text}");
    // One chunk of 100 (0x64) bytes, then the last chunk.
    assert!(text.contains("\r\n\r\n64\r\n"), "{text}");
    assert!(text.ends_with("0\r\n\r\n"), "{text}");
    // Single use: the same token again is refused.
    assert_eq!(get(&url).0, 401, "a used token");
    // A new token for the job finds its download taken.
    let token = c
        .call(
            "auth.generate_token",
            vec![
                json!(300),
                json!({"job": id, "filename": "x.bin"}),
                json!(true),
                json!(true),
            ],
        )
        .unwrap();
    let again = format!("/_download/{id}?auth_token={}", token.as_str().unwrap());
    assert_eq!(get(&again).0, 410, "a download taken already");
    assert_eq!(get("/nothing/here").0, 404);
    // Upload credentials: none, a bad token, a download token.
    let post = |auth: &str| -> u16 {
        let mut tcp = std::net::TcpStream::connect(&addr).unwrap();
        let body = "--b\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n{\"method\": \"mock.upload_sha256\"}\r\n--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nxyz\r\n--b--\r\n";
        write!(
            tcp,
            "POST /_upload HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        tcp.read_to_string(&mut answer).unwrap();
        answer[9..12].parse().unwrap()
    };
    assert_eq!(post(""), 401);
    assert_eq!(post("Authorization: Token nonsense\r\n"), 403);
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("root:{PASSWORD}"));
    assert_eq!(post(&format!("Authorization: Basic {basic}\r\n")), 200);
    let wrong = base64::engine::general_purpose::STANDARD.encode("root:wrong");
    assert_eq!(post(&format!("Authorization: Basic {wrong}\r\n")), 401);
    c.close();
}

#[test]
fn stdout_downloads_and_local_mistakes() {
    let s = Server::start();
    // `-`: the bytes go to stdout, and the result is not printed.
    let out_path = s.dir.path().join("stdout.bin");
    s.cli()
        .args(["call", "--download", "-", "mock.download_bytes"])
        .arg((MIB + 3).to_string())
        .stdout_to(std::fs::File::create(&out_path).unwrap())
        .run()
        .success();
    assert_eq!(std::fs::metadata(&out_path).unwrap().len(), MIB + 3);
    let again = s.dir.path().join("again.bin");
    let result = s
        .cli()
        .args(["call", "--download"])
        .arg(&again)
        .args(["mock.download_bytes", &(MIB + 3).to_string()])
        .run()
        .success()
        .json();
    assert_eq!(result["sha256"], sha256_file(&out_path));
    // Mistakes found before anything starts on the server: a directory as the target,
    // a file to upload that is not there, a directory to upload.
    s.cli()
        .args(["call", "--download"])
        .arg(s.dir.path())
        .args(["mock.download_bytes", "1"])
        .run()
        .code(2)
        .stderr_has("is a directory");
    s.cli()
        .args([
            "call",
            "--upload",
            "/nonexistent/file",
            "mock.upload_sha256",
        ])
        .run()
        .code(2)
        .stderr_has("cannot read /nonexistent/file");
    s.cli()
        .args(["call", "--upload"])
        .arg(s.dir.path())
        .arg("mock.upload_sha256")
        .run()
        .code(2)
        .stderr_has("needs a regular file");
    s.cli()
        .args(["call", "--download", "x", "--upload", "y", "core.ping"])
        .run()
        .code(2)
        .stderr_has("cannot be used with");
    let jobs = s
        .cli()
        .args(["call", "core.get_jobs"])
        .run()
        .success()
        .json();
    assert_eq!(
        jobs.as_array().unwrap().len(),
        2,
        "only the two downloads ran"
    );
}

#[test]
fn failed_upload_jobs_and_methods_that_take_no_file_are_errors() {
    let s = Server::start();
    let file = s.file("f.txt", "some bytes");
    s.cli()
        .args(["call", "--upload"])
        .arg(&file)
        .args(["mock.upload_sha256", "true"])
        .run()
        .code(1)
        .stderr_has("The uploaded file (10 bytes) was refused on purpose");
    s.cli()
        .args(["call", "--upload"])
        .arg(&file)
        .arg("core.ping")
        .run()
        .code(1)
        .stderr_has("HTTP 412")
        .stderr_has("core.ping is not a job");
}

#[test]
fn ctrl_c_during_a_download_removes_the_partial_file_and_aborts_the_job() {
    let s = Server::start();
    let dir = scratch(&s, "ctrl-c");
    // 100 MiB at a pause of 0.2 s per MiB: it is still running when Ctrl-C comes.
    let child = s
        .cli()
        .args(["call", "--download"])
        .arg(dir.join("big.bin"))
        .args([
            "mock.download_bytes",
            &(100 * MIB).to_string(),
            "null",
            "0.2",
        ])
        .spawn();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let partial = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| e.metadata().is_ok_and(|m| m.len() > 0));
        if partial {
            break;
        }
        assert!(Instant::now() < deadline, "no partial file appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
    common::interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(listing(&dir).is_empty(), "{:?}", listing(&dir));
    // An abort takes effect when the job next looks (as on the server): wait for it.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let job = s.cli().args(["job", "show", "1"]).run().success().json();
        if job["state"] == "ABORTED" {
            break;
        }
        assert!(Instant::now() < deadline, "not aborted: {job}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Call a job method without waiting: its id.
fn start_job(s: &Server, call: &[&str]) -> String {
    s.cli()
        .arg("call")
        .args(call)
        .run()
        .success()
        .stdout_text()
        .trim()
        .to_string()
}

#[test]
fn job_logs_print_the_log_and_follow_it_to_the_end() {
    let s = Server::start();
    let id = start_job(&s, &["mock.log_job", "3", "0.01"]);
    s.cli().args(["job", "wait", &id]).run().success();
    s.cli()
        .args(["job", "logs", &id])
        .run()
        .success()
        .stdout_is("log line 1 of 3\nlog line 2 of 3\nlog line 3 of 3\n");
    // A running job: every line arrives once, and the exit status is the job's.
    let running = start_job(&s, &["mock.log_job", "6", "0.3"]);
    let want = (1..=6).fold(String::new(), |s, i| s + &format!("log line {i} of 6\n"));
    s.cli()
        .args(["job", "logs", "--follow", &running])
        .run()
        .success()
        .stdout_is(&want);
    let failing = start_job(&s, &["mock.log_job", "2", "0.2", "true"]);
    s.cli()
        .args(["job", "logs", "-f", &failing])
        .run()
        .code(1)
        .stdout_is("log line 1 of 2\nlog line 2 of 2\n")
        .stderr_has("The log job failed on purpose");
    // A job without a log, and no job at all.
    let quiet = start_job(&s, &["mock.progress_job", "1", "0"]);
    s.cli().args(["job", "wait", &quiet]).run().success();
    s.cli()
        .args(["job", "logs", &quiet])
        .run()
        .code(1)
        .stderr_has("This job has no logs");
    s.cli()
        .args(["job", "logs", "999"])
        .run()
        .code(1)
        .stderr_has("there is no job 999");
}

#[test]
fn the_truenas_cli_saves_a_download_job_with_a_redirection() {
    let s = Server::start();
    let dir = scratch(&s, "cli");
    let target = dir.join("out.bin");
    let line = format!(
        "mock download_bytes size={} > {}",
        2 * MIB,
        target.display()
    );
    s.cli()
        .arg("-c")
        .arg(&line)
        .run()
        .success()
        .stdout_is(&format!(
            "Job output ({} bytes) saved at '{}'\n",
            2 * MIB,
            target.display()
        ));
    assert_eq!(listing(&dir), ["out.bin"]);
    let check = dir.join("check.bin");
    let result = s
        .cli()
        .args(["call", "--download"])
        .arg(&check)
        .args(["mock.download_bytes", &(2 * MIB).to_string()])
        .run()
        .success()
        .json();
    assert_eq!(result["sha256"], sha256_file(&target));
    // --dry-run names the call it would make.
    s.cli()
        .args(["--dry-run", "-c"])
        .arg(&line)
        .run()
        .success()
        .stdout_is(&format!(
            "{{\"method\":\"core.download\",\"params\":[\"mock.download_bytes\",[{}],\"out.bin\",false]}}\n",
            2 * MIB
        ));
    // Without `> FILE` the server refuses: the job has nowhere to write.
    s.cli()
        .args(["-c", "mock download_bytes size=10"])
        .run()
        .code(1)
        .stderr_has("Pipe 'output' is not open");
}

#[test]
fn mock_uris_transfer_too() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("m.bin");
    let result = common::midclt()
        .uri("mock://")
        .args(["call", "--download"])
        .arg(&target)
        .args(["mock.download_bytes", "70000"])
        .run()
        .success()
        .json();
    assert_eq!(result["sha256"], sha256_file(&target));
    let result: Value = common::midclt()
        .uri("mock://")
        .args(["call", "--upload"])
        .arg(&target)
        .arg("mock.upload_sha256")
        .run()
        .success()
        .json();
    assert_eq!(result["sha256"], sha256_file(&target));
}

#[test]
fn a_terminal_shows_the_bytes_and_their_rate() {
    let s = Server::start();
    let target = s.dir.path().join("t.bin");
    let shown = common::on_a_terminal(&format!(
        "MIDCLT_CONFIG=/nonexistent {} -u {} call --download {} mock.download_bytes {}",
        assert_cmd::cargo::cargo_bin("midclt").display(),
        s.unix,
        target.display(),
        3 * MIB
    ));
    assert!(shown.contains("3.00 MiB"), "{shown}");
    assert!(shown.contains("iB/s"), "{shown}");
    assert_eq!(std::fs::metadata(&target).unwrap().len(), 3 * MIB);
}
