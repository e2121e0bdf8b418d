//! Every way to log in, end to end: SCRAM (bound and unbound), a lying server, two-factor,
//! tokens, key files, credential sources, the legacy protocol, rate limits — and no
//! secret in any output.

mod common;
use common::*;
use midclt::auth::scram::{derive_keys, ScramServer};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tungstenite::Message;

const MATERIAL: &str = "uz8DhKHFhRIUQIvjzabPYtpy5wf1DJ3ZBLlDgNVhRAFT7Y6pJGUlm0n3apwxWEU4";

#[test]
fn scram_requires_a_username() {
    let s = Server::start();
    let (_, key) = s.create_key("k", "root");
    midclt()
        .uri(&s.ws)
        .args(["--no-channel-binding", "-K", &key, "call", "core.ping"])
        .run()
        .code(2)
        .stderr_has("-U USERNAME")
        .stderr_lacks(&key[2..]);
}

#[test]
fn a_server_that_cannot_prove_the_key_is_rejected_and_logged_out() {
    // A fake middleware that accepts our proof but signs with the wrong server key, as a
    // man in the middle without the key's ServerKey would.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let logged_out = Arc::new(AtomicBool::new(false));
    let flag = logged_out.clone();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut ws = tungstenite::accept(stream).unwrap();
        let salt = b"Zx9./aB3cD4eF5gH";
        let keys = derive_keys(MATERIAL.as_bytes(), salt, 50_000);
        let mut pending = None;
        while let Ok(Message::Text(t)) = ws.read() {
            let req: Value = serde_json::from_str(t.as_str()).unwrap();
            let p = &req["params"][0];
            let result = match req["method"].as_str().unwrap() {
                "auth.mechanism_choices" => json!(["SCRAM"]),
                "auth.login_ex" if p["scram_type"] == "CLIENT_FIRST_MESSAGE" => {
                    let first =
                        ScramServer::parse_client_first(p["rfc_str"].as_str().unwrap()).unwrap();
                    let (server, sf) = ScramServer::server_first(
                        first,
                        salt,
                        50_000,
                        keys.stored_key,
                        [7u8; 64],
                        [9u8; 32],
                    );
                    pending = Some(server);
                    json!({"response_type": "SCRAM_RESPONSE", "scram_type": "SERVER_FIRST_RESPONSE", "rfc_str": sf, "user_info": null})
                }
                "auth.login_ex" => {
                    let sv = pending
                        .as_ref()
                        .unwrap()
                        .verify_client_final(p["rfc_str"].as_str().unwrap(), None)
                        .unwrap();
                    json!({"response_type": "SCRAM_RESPONSE", "scram_type": "SERVER_FINAL_RESPONSE", "rfc_str": sv, "user_info": {}})
                }
                "auth.logout" => {
                    flag.store(true, Ordering::SeqCst);
                    json!(true)
                }
                _ => json!("pong"),
            };
            ws.send(Message::text(
                json!({"jsonrpc": "2.0", "id": req["id"], "result": result}).to_string(),
            ))
            .unwrap();
        }
    });
    midclt()
        .uri(&format!("ws://127.0.0.1:{port}/api/current"))
        .args(["-U", "root", "--no-channel-binding"])
        .env("MIDCLT_API_KEY", format!("1-{MATERIAL}"))
        .args(["call", "core.ping"])
        .run()
        .code(5)
        .stderr_has("could not prove it knows the API key")
        .stdout_is("");
    assert!(
        logged_out.load(Ordering::SeqCst),
        "the unproven session was not logged out"
    );
}

#[test]
fn channel_binding_fails_closed_when_the_certificate_cannot_be_bound() {
    // Ed25519 certificates have no tls-server-end-point hash (RFC 5929). OpenSSL cannot
    // load rcgen's PKCS#8 v2 Ed25519 keys, so the openssl tool makes this one (.ci/run
    // installs it).
    let s = Server::start();
    let (key_pem, cert_pem) = (s.dir.path().join("ed.key"), s.dir.path().join("ed.pem"));
    let ok = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ed25519",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-days",
            "1",
            "-keyout",
        ])
        .arg(&key_pem)
        .arg("-out")
        .arg(&cert_pem)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the openssl command is needed for this test")
        .success();
    assert!(ok, "openssl could not make an Ed25519 certificate");
    s.emu.set_tls(midclt::emulator::TlsMaterial {
        cert_pem: std::fs::read_to_string(&cert_pem).unwrap(),
        key_pem: std::fs::read_to_string(&key_pem).unwrap(),
    });
    let wss = s.emu.listen("wss://127.0.0.1:0").unwrap().uri;
    let (_, key) = s.create_key("ed", "root");
    let run = |extra: &[&str]| {
        midclt()
            .uri(&wss)
            .args(["--insecure", "-U", "root"])
            .args(extra)
            .env("MIDCLT_API_KEY", &key)
            .args(["call", "core.ping"])
            .run()
    };
    run(&[]).code(4).stderr_has("--no-channel-binding");
    run(&["--no-channel-binding"])
        .success()
        .stdout_is("pong\n")
        .stderr_has("--insecure: the server's TLS certificate is not verified");
}

#[test]
fn scram_never_falls_back_to_sending_the_key() {
    let s = Server::with(midclt::emulator::Config {
        legacy_only: true,
        ..Default::default()
    });
    let (_, key) = s.create_key("legacy", "root");
    // JSON-RPC path is missing: midclt falls back to /websocket, which has no SCRAM.
    midclt()
        .uri(&s.ws)
        .args(["-v", "-U", "root", "--no-channel-binding"])
        .env("MIDCLT_API_KEY", &key)
        .args(["call", "core.ping"])
        .run()
        .code(5)
        .stderr_has("does not implement SCRAM")
        .stderr_lacks(&key[2..]);
}

#[test]
fn two_factor_login() {
    let s = Server::start();
    midclt()
        .uri(&s.ws)
        .login("otpuser")
        .args(["--otp", &otp_now(), "call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"pw_name\": \"otpuser\"");
    midclt()
        .uri(&s.ws)
        .login("otpuser")
        .env("MIDCLT_OTP", otp_now())
        .args(["call", "auth.me"])
        .run()
        .success();
    midclt()
        .uri(&s.ws)
        .login("otpuser")
        .args(["--otp", "000000", "call", "auth.me"])
        .run()
        .code(5)
        .stderr_has("one-time password was not accepted");
    midclt()
        .uri(&s.ws)
        .login("otpuser")
        .args(["call", "auth.me"])
        .run()
        .code(5)
        .stderr_has("two-factor");
}

#[test]
fn tokens_from_midclt_token_log_in() {
    let s = Server::start();
    let token = midclt()
        .uri(&s.ws)
        .login("admin")
        .args(["token", "--ttl", "60"])
        .run()
        .success()
        .stdout
        .clone();
    let token = token.trim();
    assert_eq!(token.len(), 64);
    midclt()
        .uri(&s.ws)
        .args(["--token", token, "call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"admin\"");
    midclt()
        .uri(&s.ws)
        .env("MIDCLT_TOKEN", token)
        .args(["call", "auth.me"])
        .run()
        .success();
    let once = midclt()
        .uri(&s.ws)
        .login("admin")
        .args(["token", "--single-use"])
        .run()
        .success()
        .stdout
        .clone();
    midclt()
        .uri(&s.ws)
        .env("MIDCLT_TOKEN", once.trim())
        .args(["call", "core.ping"])
        .run()
        .success();
    midclt()
        .uri(&s.ws)
        .env("MIDCLT_TOKEN", once.trim())
        .args(["call", "core.ping"])
        .run()
        .code(5)
        .stderr_has("token is invalid or has expired");
}

#[test]
fn key_files_in_every_format_and_relative_paths() {
    let s = Server::start();
    let (id, key) = s.create_key("files", "root");
    let files = [
        ("raw.key", format!("{key}\n")),
        (
            "key.json",
            format!(r#"{{"raw_key": "{key}", "api_key_id": {id}}}"#),
        ),
        ("key.ini", format!("[TRUENAS_API_KEY]\nraw_key = {key}\n")),
    ];
    for (name, content) in files {
        s.file(name, &content);
        midclt()
            .uri(&s.ws)
            .current_dir(s.dir.path())
            .args([
                "-U",
                "root",
                "--no-channel-binding",
                "-K",
                name,
                "call",
                "auth.me",
            ])
            .run()
            .success()
            .stdout_has("\"pw_name\": \"root\"");
    }
    midclt()
        .uri(&s.ws)
        .args([
            "-U",
            "root",
            "--no-channel-binding",
            "-K",
            "missing.key",
            "call",
            "core.ping",
        ])
        .run()
        .code(2)
        .stderr_has("not found");
}

#[test]
fn precomputed_key_files_skip_pbkdf2_and_cannot_go_plain() {
    let s = Server::start();
    let (_, key) = s.create_key("pre", "root");
    let out = s.dir.path().join("fast.key");
    midclt()
        .uri(&s.unix)
        .env("MIDCLT_API_KEY", &key)
        .args(["key", "precompute", "-o"])
        .arg(&out)
        .run()
        .success()
        .stderr_has("(mode 0600)");
    assert_eq!(
        std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let content: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(content.get("raw_key").is_none() && content["client_key"].is_string());
    assert!(
        !content.to_string().contains(&key[2..]),
        "the key file must not hold the key"
    );
    midclt()
        .uri(&s.ws)
        .args(["-U", "root", "--no-channel-binding", "-K"])
        .arg(&out)
        .args(["call", "auth.me"])
        .run()
        .success();
    midclt()
        .uri(&s.wss)
        .arg("--ca-cert")
        .arg(&s.cert)
        .args(["-U", "root", "--plain", "-K"])
        .arg(&out)
        .args(["call", "core.ping"])
        .run()
        .code(2)
        .stderr_has("raw API key is required");
    // No silent overwrite.
    midclt()
        .uri(&s.unix)
        .env("MIDCLT_API_KEY", &key)
        .args(["key", "precompute", "-o"])
        .arg(&out)
        .run()
        .code(2)
        .stderr_has("--force");
}

#[test]
fn passwords_from_file_stdin_and_environment() {
    let s = Server::start();
    let pw = s.file("pw", &format!("{PASSWORD}\n"));
    midclt()
        .uri(&s.ws)
        .args(["-U", "root", "--password-file"])
        .arg(&pw)
        .args(["call", "core.ping"])
        .run()
        .success();
    midclt()
        .uri(&s.ws)
        .args(["-U", "root", "-P", "-", "call", "core.ping"])
        .stdin(&format!("{PASSWORD}\n"))
        .run()
        .success();
    midclt()
        .uri(&s.ws)
        .env("MIDCLT_USERNAME", "root")
        .env("MIDCLT_PASSWORD", PASSWORD)
        .args(["call", "core.ping"])
        .run()
        .success();
    // No terminal to prompt on: say how to pass the password instead of hanging.
    midclt()
        .uri(&s.ws)
        .args(["-U", "root", "call", "core.ping"])
        .run()
        .code(2)
        .stderr_has("--password-file");
}

#[test]
fn secrets_on_the_command_line_always_warn() {
    let s = Server::start();
    let bin = assert_cmd::cargo::cargo_bin("midclt");
    let cmd = format!(
        "{} -u {} -U root -P {PASSWORD} call core.ping",
        bin.display(),
        s.ws
    );
    let text = on_a_terminal(&cmd);
    assert!(
        text.contains("warning: a secret given with -P/--password"),
        "{text}"
    );
    assert!(!text.contains(&format!("warning: {PASSWORD}")));
    // Not a terminal: warned all the same (the secret sits in /proc/PID/cmdline for the
    // whole run), with the safe alternatives; MIDCLT_NO_ARGV_WARNING=1 silences it.
    midclt()
        .uri(&s.ws)
        .env_remove("MIDCLT_NO_ARGV_WARNING")
        .args(["-U", "root", "-P", PASSWORD, "call", "core.ping"])
        .run()
        .success()
        .stderr_has("warning: a secret given with -P/--password")
        .stderr_has("--password-file")
        .stderr_lacks(PASSWORD);
    // (Both then fail: a bad token, and SCRAM binding over plain ws://.)
    for (option, value, code) in [("--token", "abc", 5), ("-K", "1-abc", 2)] {
        midclt()
            .uri(&s.ws)
            .env_remove("MIDCLT_NO_ARGV_WARNING")
            .args(["-U", "root", option, value, "call", "core.ping"])
            .run()
            .code(code)
            .stderr_has(&format!("warning: a secret given with {option}"));
    }
    midclt()
        .uri(&s.ws)
        .env("MIDCLT_NO_ARGV_WARNING", "1")
        .args(["-U", "root", "-P", PASSWORD, "call", "core.ping"])
        .run()
        .success();
}

#[test]
fn no_secret_reaches_any_output() {
    let s = Server::start();
    let (_, key) = s.create_key("quiet", "root");
    let outs = [
        midclt()
            .uri(&s.ws)
            .args([
                "-v",
                "-U",
                "root",
                "-P",
                "WrongPassw0rd!",
                "call",
                "core.ping",
            ])
            .run()
            .code(5),
        midclt()
            .uri(&s.wss)
            .arg("--ca-cert")
            .arg(&s.cert)
            .args(["-v", "-U", "root"])
            .env("MIDCLT_API_KEY", &key)
            .args(["call", "core.ping"])
            .allow_stderr()
            .run()
            .success(),
        midclt()
            .uri(&s.ws)
            .args([
                "-v",
                "-U",
                "admin",
                "-K",
                &format!("{}x", &key),
                "--no-channel-binding",
                "call",
                "core.ping",
            ])
            .run()
            .code(5),
    ];
    for out in outs {
        for secret in ["WrongPassw0rd!", &key[2..]] {
            assert!(
                !out.stdout.contains(secret) && !out.stderr.contains(secret),
                "leak:\n{}\n{}",
                out.stdout,
                out.stderr
            );
        }
    }
}

#[test]
fn legacy_protocol_end_to_end() {
    let s = Server::start();
    let legacy = s.ws_path("/websocket");
    midclt()
        .uri(&legacy)
        .login("root")
        .args(["call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"pw_uid\": 0");
    midclt()
        .uri(&legacy)
        .login("root")
        .args(["call", "-j", "mock.progress_job", "2", "0.01"])
        .run()
        .success()
        .stdout_is("{\"steps\": 2}\n");
    midclt()
        .uri(&legacy)
        .login("root")
        .args(["call", "api_key.create", r#"{"name": ""}"#])
        .run()
        .code(1)
        .stderr_has("api_key_create.name: String should have at least 1 character");
    midclt()
        .uri(&legacy)
        .login("root")
        .args(["call", "no.such"])
        .run()
        .code(1)
        .stderr_has("[ENOMETHOD]");
    let out = midclt()
        .uri(&legacy)
        .login("root")
        .args([
            "subscribe",
            "-n",
            "1",
            r#"reporting.realtime:{"interval": 0.02}"#,
        ])
        .run()
        .success();
    assert_eq!(out.json()["msg"], "added");
    midclt()
        .uri(&legacy)
        .arg("ping")
        .run()
        .success()
        .stdout_is("pong\n");
}

#[test]
fn pre_25_04_servers_are_detected_and_spoken_to_in_the_legacy_protocol() {
    let s = Server::with(midclt::emulator::Config {
        legacy_only: true,
        ..Default::default()
    });
    let (_, key) = s.create_key("old", "root");
    midclt()
        .uri(&s.ws)
        .args(["-v"])
        .login("root")
        .args(["call", "auth.me"])
        .run()
        .success()
        .stderr_has("retrying with the legacy protocol")
        .stderr_has("auth.login\"");
    // Plain keys on old servers go through auth.login_with_api_key (loopback is secure).
    midclt()
        .uri(&s.ws)
        .args(["-U", "root", "--plain"])
        .env("MIDCLT_API_KEY", &key)
        .args(["call", "auth.me"])
        .run()
        .success();
    midclt()
        .uri(&s.ws)
        .login("root")
        .args(["call", "-j", "core.bulk", "core.ping", "[[]]"])
        .run()
        .success()
        .stdout_has("pong");
}

#[test]
fn rate_limited_logins_say_so() {
    let s = Server::start();
    for _ in 0..20 {
        midclt()
            .uri(&s.ws)
            .args(["-U", "root"])
            .env("MIDCLT_PASSWORD", "bad")
            .args(["call", "core.ping"])
            .run()
            .code(5);
    }
    midclt()
        .uri(&s.ws)
        .login("root")
        .args(["call", "core.ping"])
        .run()
        .code(5)
        .stderr_has("Rate Limit Exceeded")
        .stderr_has("wait a minute")
        .stderr_has("local socket")
        .stderr_lacks("Traceback");
}

#[test]
fn not_logged_in_on_the_socket_says_how_to_log_in() {
    let s = Server::with(midclt::emulator::Config {
        unix_auth: false,
        ..Default::default()
    });
    // `call` keeps the official text, without the traceback that would only be noise.
    midclt()
        .uri(&s.unix)
        .args(["call", "auth.me"])
        .run()
        .code(1)
        .stderr_is("[ENOTAUTHENTICATED] Not authenticated\n");
    midclt()
        .uri(&s.unix)
        .args(["-v", "call", "auth.me"])
        .run()
        .code(1)
        .stderr_has("Traceback");
    // midclt's own commands add what to do.
    s.cli()
        .args(["auth", "me"])
        .run()
        .code(1)
        .stderr_has("-U USER")
        .stderr_lacks("Traceback");
}
