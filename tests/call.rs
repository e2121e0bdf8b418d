//! `midclt call / ping / subscribe` end to end against the emulator over real sockets.

mod common;
use common::*;
use serde_json::json;

#[test]
fn ping_over_every_transport() {
    let s = Server::start();
    for uri in [&s.unix, &s.ws] {
        midclt()
            .uri(uri)
            .arg("ping")
            .run()
            .success()
            .stdout_is("pong\n");
    }
    midclt()
        .uri(&s.wss)
        .args(["--insecure", "ping"])
        .run()
        .success()
        .stdout_is("pong\n")
        .stderr_has("not verified");
    midclt()
        .uri("mock://")
        .arg("ping")
        .run()
        .success()
        .stdout_is("pong\n");
}

#[test]
fn uri_forms_all_reach_the_server() {
    let s = Server::start();
    let port =
        s.ws.split(':')
            .nth(2)
            .and_then(|p| p.split('/').next())
            .unwrap()
            .to_string();
    let wss_port = s
        .wss
        .split(':')
        .nth(2)
        .and_then(|p| p.split('/').next())
        .unwrap()
        .to_string();
    // A bare HOST:PORT means wss://HOST:PORT/api/current.
    midclt()
        .uri(&format!("localhost:{wss_port}"))
        .args(["--ca-cert"])
        .arg(&s.cert)
        .arg("ping")
        .run()
        .success();
    midclt()
        .uri(&format!("ws://127.0.0.1:{port}/api/v25.10.0"))
        .arg("ping")
        .run()
        .success();
    midclt()
        .uri(&format!("ws://127.0.0.1:{port}"))
        .arg("ping")
        .run()
        .success();
}

#[test]
fn results_print_like_midclt_but_as_real_json() {
    let s = Server::start();
    let run = |m: &str| midclt().uri(&s.unix).args(["call", m]).run().success();
    run("core.ping").stdout_is("pong\n");
    run("system.ready").stdout_is("true\n");
    // ejson values pass through untouched.
    let info = run("system.info");
    assert!(
        info.stdout.contains(r#""boottime": {"$date": "#),
        "{}",
        info.stdout
    );
    assert_eq!(info.json()["hostname"], "truenas");
}

#[test]
fn arguments_are_json_else_strings_and_dash_reads_stdin() {
    let s = Server::start();
    s.create_key("alpha", "root");
    s.create_key("beta", "root");
    midclt()
        .uri(&s.unix)
        .args([
            "call",
            "api_key.query",
            r#"[["name", "=", "beta"]]"#,
            r#"{"select": ["name"]}"#,
        ])
        .run()
        .success()
        .stdout_is("[{\"name\": \"beta\"}]\n");
    midclt()
        .uri(&s.unix)
        .args(["call", "api_key.query", "-", r#"{"count": true}"#])
        .stdin("[[\"name\", \"^\", \"al\"]]\n")
        .run()
        .success()
        .stdout_is("1\n");
    // A bare word is sent as a string: the server's strict validation refuses it.
    midclt()
        .uri(&s.unix)
        .args(["call", "api_key.get_instance", "abc"])
        .run()
        .code(1)
        .stderr_has("id: Input should be a valid integer");
}

#[test]
fn password_login_over_ws_and_wss() {
    let s = Server::start();
    midclt()
        .uri(&s.ws)
        .login("admin")
        .args(["call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"pw_name\": \"admin\"");
    midclt()
        .uri(&s.wss)
        .arg("--ca-cert")
        .arg(&s.cert)
        .login("root")
        .args(["call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"pw_uid\": 0");
}

#[test]
fn wrong_password_is_a_login_failure() {
    let s = Server::start();
    midclt()
        .uri(&s.ws)
        .args(["-U", "root"])
        .env("MIDCLT_PASSWORD", "nope")
        .args(["call", "core.ping"])
        .run()
        .code(5)
        .stderr_has("invalid username or password")
        .stdout_is("");
}

#[test]
fn account_without_api_access_is_denied() {
    let s = Server::start();
    midclt()
        .uri(&s.ws)
        .login("guest")
        .args(["call", "auth.me"])
        .run()
        .code(5)
        .stderr_has("no API access");
}

#[test]
fn unauthenticated_remote_call_is_rejected_by_the_server() {
    let s = Server::start();
    midclt()
        .uri(&s.ws)
        .args(["call", "auth.me"])
        .run()
        .code(1)
        .stderr_has("[ENOTAUTHENTICATED] Not authenticated");
}

#[test]
fn unknown_method_says_so() {
    let s = Server::start();
    midclt()
        .uri(&s.unix)
        .args(["call", "no.such_method"])
        .run()
        .code(1)
        // Exactly the official client's text: the Ansible collection matches it.
        .stderr_is("Method does not exist\n");
}

#[test]
fn validation_errors_print_one_line_per_field() {
    let s = Server::start();
    let out = midclt()
        .uri(&s.unix)
        .args(["call", "api_key.create", r#"{"name": ""}"#])
        .run()
        .code(1);
    // The official client's spelling: `[ERRNAME] attribute: message`.
    assert_eq!(
        out.stderr(),
        "[EINVAL] api_key_create.name: String should have at least 1 character\n[EINVAL] api_key_create.username: Field required\n"
    );
    // A whole-call error has no attribute: ALL.
    midclt()
        .uri(&s.unix)
        .args(["call", "api_key.get_instance", "4"])
        .run()
        .code(1)
        .stderr_is("[ENOENT] ALL: ApiKey 4 does not exist\n");
}

#[test]
fn server_errors_show_reason_and_traceback_unless_quiet() {
    let s = Server::start();
    midclt()
        .uri(&s.unix)
        .args(["call", "core.job_abort", "999"])
        .run()
        .code(1)
        .stderr_has("[ENOENT] Job 999 does not exist")
        .stderr_has("Traceback");
    midclt()
        .uri(&s.unix)
        .args(["call", "-q", "core.job_abort", "999"])
        .run()
        .code(1)
        .stderr_is("");
}

#[test]
fn api_key_lifecycle() {
    let s = Server::start();
    let (id, key) = s.create_key("ci", "root");
    assert!(key.starts_with(&format!("{id}-")) && key.len() == format!("{id}-").len() + 64);
    let q = midclt()
        .uri(&s.unix)
        .args(["call", "api_key.query"])
        .run()
        .success()
        .json();
    let entry = &q[0];
    for field in [
        "id",
        "name",
        "username",
        "user_identifier",
        "iterations",
        "salt",
        "stored_key",
        "server_key",
        "created_at",
        "expires_at",
        "local",
        "revoked",
        "revoked_reason",
    ] {
        assert!(entry.get(field).is_some(), "missing {field} in {entry}");
    }
    assert!(
        entry.get("key").is_none(),
        "the raw key must not be queryable"
    );
    midclt()
        .uri(&s.unix)
        .args([
            "call",
            "api_key.update",
            &id.to_string(),
            r#"{"name": "ci-2"}"#,
        ])
        .run()
        .success()
        .stdout_has("\"name\": \"ci-2\"");
    let reset = midclt()
        .uri(&s.unix)
        .args([
            "call",
            "api_key.update",
            &id.to_string(),
            r#"{"reset": true}"#,
        ])
        .run()
        .success()
        .json();
    assert_ne!(reset["key"].as_str().unwrap(), key);
    midclt()
        .uri(&s.unix)
        .args(["call", "api_key.delete", &id.to_string()])
        .run()
        .success()
        .stdout_is("true\n");
    midclt()
        .uri(&s.unix)
        .args(["call", "api_key.get_instance", &id.to_string()])
        .run()
        .code(1)
        .stderr_has(&format!("ApiKey {id} does not exist"));
}

#[test]
fn name_must_be_unique() {
    let s = Server::start();
    s.create_key("dup", "root");
    midclt()
        .uri(&s.unix)
        .args([
            "call",
            "api_key.create",
            r#"{"name": "dup", "username": "root"}"#,
        ])
        .run()
        .code(1)
        .stderr_has("api_key_create: name must be unique");
}

#[test]
fn plain_api_key_login_over_tls() {
    let s = Server::start();
    let (_, key) = s.create_key("plain", "admin");
    let keyfile = s.file("key.txt", &format!("{key}\n"));
    midclt()
        .uri(&s.wss)
        .arg("--ca-cert")
        .arg(&s.cert)
        .args(["-U", "admin", "--plain", "-K"])
        .arg(&keyfile)
        .args(["call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"pw_name\": \"admin\"");
}

#[test]
fn refuses_to_send_a_key_in_clear_to_a_remote_host() {
    // TEST-NET-1 address: never contacted, the refusal happens before connecting.
    midclt()
        .uri("ws://192.0.2.1/api/current")
        .args([
            "-U",
            "root",
            "--plain",
            "-K",
            "3-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab",
        ])
        .args(["call", "core.ping"])
        .run()
        .code(2)
        .stderr_has("refusing to send an API key in clear")
        .stderr_has("wss://")
        .stderr_lacks("abcdefghij");
}

#[test]
fn server_revokes_a_plain_key_seen_over_an_insecure_transport() {
    let s = Server::with(midclt::emulator::Config {
        loopback_is_remote: true,
        ..Default::default()
    });
    let (id, key) = s.create_key("burnt", "root");
    midclt()
        .uri(&s.ws)
        .args(["-U", "root", "--plain"])
        .env("MIDCLT_API_KEY", &key)
        .args(["call", "core.ping"])
        .run()
        .code(5)
        .stderr_has("expired or was revoked");
    let entry = midclt()
        .uri(&s.unix)
        .args(["call", "api_key.get_instance", &id.to_string()])
        .run()
        .success()
        .json();
    assert_eq!(entry["revoked"], json!(true));
    assert_eq!(
        entry["revoked_reason"],
        "Attempt to use over an insecure transport"
    );
}

#[test]
fn scram_login_with_and_without_channel_binding() {
    let s = Server::start();
    let (_, key) = s.create_key("scram", "root");
    midclt()
        .uri(&s.wss)
        .arg("--ca-cert")
        .arg(&s.cert)
        .args(["-U", "root"])
        .env("MIDCLT_API_KEY", &key)
        .args(["call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"pw_name\": \"root\"");
    midclt()
        .uri(&s.ws)
        .args(["-U", "root", "--no-channel-binding"])
        .env("MIDCLT_API_KEY", &key)
        .args(["call", "core.ping"])
        .run()
        .success();
    midclt()
        .uri(&s.ws)
        .args(["-U", "root"])
        .env("MIDCLT_API_KEY", &key)
        .args(["call", "core.ping"])
        .run()
        .code(2)
        .stderr_has("--no-channel-binding");
}

#[test]
fn unreachable_servers_fail_with_connection_errors() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    midclt()
        .uri(&format!("ws://127.0.0.1:{port}/api/current"))
        .arg("ping")
        .run()
        .code(3)
        .stderr_has("connection refused");
    let dir = tempfile::tempdir().unwrap();
    midclt()
        .uri(&format!("ws+unix://{}/none.sock", dir.path().display()))
        .args(["call", "core.ping"])
        .run()
        .code(3)
        .stderr_has("middleware is not running");
}

#[test]
fn untrusted_certificate_is_a_tls_failure() {
    let s = Server::start();
    midclt()
        .uri(&s.wss)
        .arg("ping")
        .run()
        .code(4)
        .stderr_has("certificate verification failed")
        .stderr_has("--insecure");
}

#[test]
fn slow_calls_time_out() {
    let s = Server::start();
    midclt()
        .uri(&s.unix)
        .args(["-t", "1", "call", "mock.sleep", "5"])
        .run()
        .code(6)
        .stderr_has("mock.sleep: no answer within 1 s");
}

#[test]
fn jobs_are_followed_to_their_result() {
    let s = Server::start();
    midclt()
        .uri(&s.unix)
        .args([
            "call",
            "-j",
            "-jp",
            "description",
            "mock.progress_job",
            "3",
            "0.02",
        ])
        .run()
        .success()
        .stdout_is("{\"steps\": 3}\n")
        .stderr_has("Step 1 of 3\nStep 2 of 3\nStep 3 of 3\n");
    // Without -j the job id is printed, as midclt does.
    let id = midclt()
        .uri(&s.unix)
        .args(["call", "mock.progress_job", "1", "0"])
        .run()
        .success();
    assert!(id.stdout.trim().parse::<u64>().is_ok(), "{}", id.stdout);
    // A real server job: core.bulk.
    midclt()
        .uri(&s.ws)
        .login("root")
        .args(["call", "-j", "core.bulk", "core.ping", "[[], []]"])
        .run()
        .success()
        .stdout_is("[{\"job_id\": null, \"result\": \"pong\", \"error\": null}, {\"job_id\": null, \"result\": \"pong\", \"error\": null}]\n");
}

#[test]
fn failed_jobs_exit_non_zero_with_their_error() {
    let s = Server::start();
    midclt()
        .uri(&s.unix)
        .args(["call", "-j", "mock.failing_job", "disk on fire"])
        .run()
        .code(1)
        .stderr_has("[EFAULT] disk on fire\nTraceback");
    midclt()
        .uri(&s.unix)
        .args(["call", "-j", "-q", "mock.failing_job", "disk on fire"])
        .run()
        .code(1)
        .stderr_is("");
    midclt()
        .uri(&s.unix)
        .args(["call", "-j", "mock.failing_job", "bad value", "true"])
        .run()
        .code(1)
        .stderr_has("[EINVAL] mock_failing_job.message: bad value");
}

#[test]
fn job_flag_on_a_plain_method_is_refused_not_hung() {
    let s = Server::start();
    midclt()
        .uri(&s.unix)
        .args(["call", "-j", "api_key.query", "[]", r#"{"count": true}"#])
        .run()
        .code(2)
        .stderr_has("not a job method");
    // Refused before the call: the key still exists afterwards.
    let (id, _) = s.create_key("kept", "root");
    midclt()
        .uri(&s.unix)
        .args(["call", "-j", "api_key.delete", &id.to_string()])
        .run()
        .code(2)
        .stderr_has("nothing was called");
    midclt()
        .uri(&s.unix)
        .args(["call", "api_key.get_instance", &id.to_string()])
        .run()
        .success();
}

#[test]
fn subscribe_prints_events_as_json_lines() {
    let s = Server::start();
    let out = midclt()
        .uri(&s.unix)
        .args([
            "subscribe",
            "-n",
            "2",
            r#"reporting.realtime:{"interval": 0.05}"#,
        ])
        .run()
        .success();
    let lines: Vec<_> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    for l in lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["msg"], "added");
        assert_eq!(v["collection"], r#"reporting.realtime:{"interval": 0.05}"#);
    }
}

#[test]
fn subscribe_logs_in_when_given_credentials() {
    let s = Server::start();
    let mut sub = midclt()
        .uri(&s.ws)
        .login("root")
        .args(["subscribe", "-n", "1", "-t", "20", "api_key.query"])
        .spawn();
    // The subscriber may not be listening yet: make events until it has heard one.
    let mut n = 0;
    let status = loop {
        if let Some(st) = sub.try_wait().unwrap() {
            break st;
        }
        assert!(n < 100, "subscriber never got an event");
        s.create_key(&format!("k{n}"), "root");
        n += 1;
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let out = common::Outcome::from(std::process::Output {
        status,
        stdout: std::io::read_to_string(sub.stdout.take().unwrap())
            .unwrap()
            .into_bytes(),
        stderr: std::io::read_to_string(sub.stderr.take().unwrap())
            .unwrap()
            .into_bytes(),
    });
    let out = out.success();
    let ev = out.json();
    assert_eq!(ev["msg"], "added");
    assert_eq!(ev["collection"], "api_key.query");
}

#[test]
fn subscribe_timeout_has_its_own_exit_code() {
    let s = Server::start();
    midclt()
        .uri(&s.unix)
        .args(["subscribe", "-t", "1", "api_key.query"])
        .run()
        .code(6)
        .stderr_has("0 event(s) within 1 s");
}

#[test]
fn verbose_traces_never_show_secrets() {
    let s = Server::start();
    let (_, key) = s.create_key("traced", "root");
    let out = midclt()
        .uri(&s.ws)
        .args([
            "-v",
            "-U",
            "root",
            "-P",
            PASSWORD,
            "call",
            "api_key.create",
            r#"{"name": "t2", "username": "root"}"#,
        ])
        .allow_stderr()
        .run()
        .success();
    assert!(
        out.stderr.contains("auth.login_ex") && out.stderr.contains("<redacted>"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(PASSWORD), "{}", out.stderr);
    let new_key = out.json()["key"].as_str().unwrap().to_string();
    assert!(
        !out.stderr.contains(&new_key[2..]),
        "new key leaked into the trace"
    );
    let out = midclt()
        .uri(&s.wss)
        .arg("--ca-cert")
        .arg(&s.cert)
        .args(["-v", "-U", "root", "--plain"])
        .env("MIDCLT_API_KEY", &key)
        .args(["call", "core.ping"])
        .allow_stderr()
        .run()
        .success();
    assert!(!out.stderr.contains(&key[2..]), "{}", out.stderr);
}

#[test]
fn oversized_anonymous_messages_close_the_connection() {
    let s = Server::start();
    let big = "x".repeat(9000);
    midclt()
        .uri(&s.ws)
        .args(["call", "core.ping", &big])
        .run()
        .code(3)
        .stderr_has("8 KiB");
}

#[test]
fn usage_errors_exit_2() {
    midclt().args(["call"]).run().code(2);
    midclt().args(["call", "core.ping", "-x"]).run().code(2);
    midclt()
        .uri("ftp://nas")
        .args(["call", "core.ping"])
        .run()
        .code(2)
        .stderr_has("unsupported scheme");
    midclt()
        .uri("wss://root:pw@nas/api/current")
        .args(["call", "core.ping"])
        .run()
        .code(2)
        .stderr_lacks("pw@");
}

// The test runner itself is strict: these prove that it fails a test that forgets to say
// a run may write to stderr or exit non-zero.
#[test]
#[should_panic(expected = "unexpected stderr")]
fn the_runner_fails_on_unexpected_stderr() {
    midclt()
        .uri("mock://")
        .args(["-v", "call", "core.ping"])
        .run()
        .success();
}

#[test]
#[should_panic(expected = "unexpected exit code")]
fn the_runner_fails_on_an_unexpected_exit_code() {
    let _ = midclt().uri("mock://").args(["call", "no.such"]).run();
}

#[test]
fn local_output_failures_have_their_own_exit_code() {
    // A full disk under stdout: exit 7, not a usage error.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    midclt()
        .uri("mock://")
        .args(["call", "system.info"])
        .stdout_to(full)
        .run()
        .code(7)
        .stderr_has("cannot write to stdout");
    // A key file that cannot be created names the file.
    let s = Server::start();
    let (_, key) = s.create_key("io", "root");
    let missing = s.dir.path().join("no-such-dir").join("k.json");
    midclt()
        .uri(&s.unix)
        .env("MIDCLT_API_KEY", &key)
        .args(["key", "precompute", "-o"])
        .arg(&missing)
        .run()
        .code(7)
        .stderr_has("cannot create the key file")
        .stderr_has("no-such-dir");
}

#[test]
fn stdin_text_is_sent_exactly_as_read() {
    // The trace shows the request as sent: the trailing newline is kept.
    let out = midclt()
        .uri("mock://")
        .args(["-v", "call", "core.ping", "-"])
        .stdin("not json\n")
        .run()
        .code(1);
    assert!(
        out.stderr().contains(r#""params":["not json\n"]"#),
        "{}",
        out.stderr
    );
    // JSON from stdin is still JSON (trailing newline or not).
    let out = midclt()
        .uri("mock://")
        .args(["-v", "call", "core.ping", "-"])
        .stdin("[1, 2]\n")
        .run()
        .code(1);
    assert!(
        out.stderr().contains(r#""params":[[1,2]]"#),
        "{}",
        out.stderr
    );
}

#[test]
fn json_looking_arguments_that_do_not_parse_warn() {
    midclt()
        .uri("mock://")
        .args(["call", "core.ping", "{\"a\": 1,}"])
        .run()
        .code(1)
        .stderr_has("warning: argument \"{\\\"a\\\": 1,}\" looks like JSON but is not");
    // Valid JSON nested beyond the parser's limit is refused, not sent as a string.
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    midclt()
        .uri("mock://")
        .args(["call", "core.ping", &deep])
        .run()
        .code(2)
        .stderr_has("nested deeper than 128 levels");
}

#[test]
fn waitready_waits_for_the_middleware_to_answer() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("late.sock");
    let uri = format!("ws+unix://{}", sock.display());
    let waiting = midclt().uri(&uri).args(["waitready", "-t", "20"]).spawn();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let emu = midclt::emulator::Emulator::new(midclt::emulator::Config::default());
    emu.listen(&uri).unwrap();
    let out = common::Outcome::from(waiting.wait_with_output().unwrap());
    out.success();
    midclt()
        .uri("ws+unix:///nonexistent/midclt.sock")
        .args(["waitready", "-t", "1"])
        .run()
        .code(6)
        .stderr_has("did not answer within 1 s");
}

#[test]
fn job_descriptions_never_step_back() {
    // Zero-second steps: the events are all queued by the time the job is looked up.
    let s = Server::start();
    for _ in 0..5 {
        let out = midclt()
            .uri(&s.unix)
            .args([
                "call",
                "-j",
                "-jp",
                "description",
                "mock.progress_job",
                "3",
                "0",
            ])
            .run()
            .success();
        let lines: Vec<&str> = out.stderr().lines().collect();
        let mut sorted = lines.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(lines, sorted, "out of order or repeated: {lines:?}");
        assert_eq!(lines.last(), Some(&"Step 3 of 3"));
    }
}

#[test]
fn python_booleans_on_request() {
    midclt()
        .uri("mock://")
        .args(["call", "system.ready"])
        .run()
        .success()
        .stdout_is("true\n");
    midclt()
        .uri("mock://")
        .args(["--bool-style", "python", "call", "system.ready"])
        .run()
        .success()
        .stdout_is("True\n");
    midclt()
        .uri("mock://")
        .env("MIDCLT_BOOL_STYLE", "python")
        .args(["call", "system.ready"])
        .run()
        .success()
        .stdout_is("True\n");
    // Only top-level booleans: nested ones stay JSON.
    midclt()
        .uri("mock://")
        .env("MIDCLT_BOOL_STYLE", "python")
        .args(["call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"local\": true")
        .stdout_lacks("True");
}

#[test]
fn mock_server_says_which_password_it_uses() {
    use std::io::BufRead as _;
    let start = |extra: &[&str]| {
        let mut child = midclt()
            .args(["mock-server", "--listen", "ws://127.0.0.1:0"])
            .args(extra)
            .env_remove("MIDCLT_MOCK_PASSWORD")
            .spawn();
        let stdout = child.stdout.take().unwrap();
        let line = std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|l| l.starts_with("accounts:"))
            .unwrap_or_default();
        let _ = child.kill();
        let _ = child.wait();
        line
    };
    assert!(start(&[]).contains("password \"truenas\""));
    let own = start(&["--password", "Sekr1t-Own"]);
    assert!(own.contains("the password given with --password") && !own.contains("Sekr1t"));
}
