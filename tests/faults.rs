//! Servers and paths that misbehave: each failure gets a message a person can act on.
// Test support: the fake servers below panic on a socket or certificate failure, which
// fails the test with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

/// A one-connection WebSocket server on loopback that completes the handshake, reads the
/// first request, then writes `reply` (raw bytes on the socket, so it can break the rules).
fn fake_server(reply: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut ws = tungstenite::accept(stream).unwrap();
        let _ = ws.read();
        let raw: &mut TcpStream = ws.get_mut();
        raw.write_all(&reply).unwrap();
        raw.flush().unwrap();
        let mut sink = [0u8; 1024];
        while raw.read(&mut sink).is_ok_and(|n| n > 0) {}
    });
    format!("ws://127.0.0.1:{port}/api/current")
}

#[test]
fn a_frame_that_is_not_utf8_is_the_servers_fault() {
    let uri = fake_server(vec![0x81, 0x02, 0xff, 0xfe]);
    midclt()
        .uri(&uri)
        .arg("ping")
        .run()
        .code(3)
        .stderr_has("the server sent a text frame that is not valid UTF-8")
        .stderr_lacks("restarted")
        .stderr_lacks("again");
}

#[test]
fn an_oversized_frame_is_named_as_such() {
    let mut header = vec![0x81, 127];
    header.extend_from_slice(&(100u64 << 20).to_be_bytes());
    let uri = fake_server(header);
    midclt()
        .uri(&uri)
        .arg("ping")
        .run()
        .code(3)
        .stderr_has("a message larger than midclt accepts")
        .stderr_lacks("restarted");
}

#[test]
fn close_code_1009_claims_no_limit_it_does_not_know() {
    // Close frame, code 1009, no reason.
    let uri = fake_server(vec![0x88, 0x02, 0x03, 0xf1]);
    midclt()
        .uri(&uri)
        .arg("ping")
        .run()
        .code(3)
        .stderr_has("code 1009")
        .stderr_has("larger than the server accepts")
        .stderr_lacks("64 KiB");
}

#[test]
fn plain_ws_to_a_tls_port_suggests_wss() {
    let s = Server::start();
    let port = s.wss.rsplit(':').next().unwrap().split('/').next().unwrap();
    midclt()
        .uri(&format!("ws://127.0.0.1:{port}/api/current"))
        .arg("ping")
        .run()
        .code(3)
        .stderr_has(&format!("use wss://127.0.0.1:{port}/api/current"));
}

#[test]
fn a_unix_path_that_is_not_a_socket_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain.txt");
    std::fs::write(&file, "x").unwrap();
    for (path, what) in [
        (dir.path().to_path_buf(), "is a directory"),
        (file, "is a regular file"),
    ] {
        midclt()
            .uri(&format!("ws+unix://{}", path.display()))
            .arg("ping")
            .run()
            .code(3)
            .stderr_has(what)
            .stderr_lacks("not running");
    }
}

/// A server certificate made by rcgen for `names`, valid `from`..`until`.
fn certificate(names: &[&str], expired: bool) -> midclt::emulator::TlsMaterial {
    let mut params = rcgen::CertificateParams::new(
        names
            .iter()
            .map(std::string::ToString::to_string)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    midclt::emulator::TlsMaterial {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

#[test]
fn certificate_failures_with_a_ca_cert_name_the_real_problem() {
    for (names, expired, expect) in [
        (&["nas.example"][..], false, "not issued for 127.0.0.1"),
        (&["127.0.0.1"][..], true, "certificate has expired"),
    ] {
        let s = Server::start();
        let material = certificate(names, expired);
        let ca = s.file("ca.pem", &material.cert_pem);
        s.emu.set_tls(material);
        let wss = s.emu.listen("wss://127.0.0.1:0").unwrap().uri;
        midclt()
            .uri(&wss)
            .arg("--ca-cert")
            .arg(&ca)
            .arg("ping")
            .run()
            .code(4)
            .stderr_has(expect)
            .stderr_lacks("--ca-cert FILE");
    }
}

#[test]
fn subscribe_timeout_also_bounds_the_subscription_request() {
    // The server takes the core.subscribe request and never answers it.
    let uri = fake_server(Vec::new());
    midclt()
        .uri(&uri)
        .args(["subscribe", "-t", "1", "alert.list"])
        .run()
        .code(6)
        .stderr_has("core.subscribe: no answer within 1 s");
}

/// A scripted JSON-RPC server for one connection: `answer` maps each request to the
/// frames to send back (events and the reply, in order).
fn scripted_server(answer: fn(&str, &serde_json::Value) -> Vec<serde_json::Value>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut ws = tungstenite::accept(stream).unwrap();
        while let Ok(msg) = ws.read() {
            let Ok(text) = msg.to_text() else { break };
            let Ok(req) = serde_json::from_str::<serde_json::Value>(text) else {
                continue;
            };
            let method = req["method"].as_str().unwrap_or("").to_string();
            for frame in answer(&method, &req) {
                if frame.get("close").is_some() {
                    return;
                }
                let frame = if frame.get("result").is_some() {
                    let mut f = frame.clone();
                    f["id"] = req["id"].clone();
                    f
                } else {
                    frame
                };
                if ws
                    .send(tungstenite::Message::text(frame.to_string()))
                    .is_err()
                {
                    return;
                }
            }
        }
    });
    format!("ws://127.0.0.1:{port}/api/current")
}

fn reply(result: serde_json::Value) -> serde_json::Value {
    let mut frame = serde_json::json!({"jsonrpc": "2.0"});
    frame["result"] = result;
    frame
}

fn job_event(msg: &str, step: u64, state: &str) -> serde_json::Value {
    serde_json::json!({"jsonrpc": "2.0", "method": "collection_update", "params": {
        "msg": msg, "collection": "core.get_jobs", "id": 7,
        "fields": {"id": 7, "method": "x.job", "state": state, "result": null,
                   "progress": {"percent": step as f64 * 100.0 / 3.0,
                                "description": format!("Step {step} of 3")}}}})
}

#[test]
fn job_progress_that_arrives_before_the_lookup_is_shown_in_order() {
    // The job runs through its steps while midclt looks it up: the lookup's answer (step 3)
    // comes after the events of steps 1-3.
    let uri = scripted_server(|method, _| match method {
        "core.get_methods" => vec![reply(serde_json::json!({"x.job": {"job": true}}))],
        "core.subscribe" => vec![reply(serde_json::json!("sub-1"))],
        "x.job" => vec![reply(serde_json::json!(7))],
        "core.get_jobs" => vec![
            job_event("added", 1, "RUNNING"),
            job_event("changed", 2, "RUNNING"),
            job_event("changed", 3, "RUNNING"),
            reply(serde_json::json!([
                job_event("changed", 3, "RUNNING")["params"]["fields"]
            ])),
            job_event("changed", 3, "SUCCESS"),
        ],
        _ => vec![reply(serde_json::Value::Null)],
    });
    let out = midclt()
        .uri(&uri)
        .args(["call", "-j", "-jp", "description", "x.job"])
        .run()
        .success();
    assert_eq!(out.stderr(), "Step 1 of 3\nStep 2 of 3\nStep 3 of 3\n");
}

#[test]
fn a_job_whose_connection_drops_says_how_to_resume() {
    let uri = scripted_server(|method, _| match method {
        "core.get_methods" => vec![reply(serde_json::json!({"x.job": {"job": true}}))],
        "core.subscribe" => vec![reply(serde_json::json!("sub-1"))],
        "x.job" => vec![reply(serde_json::json!(7))],
        "core.get_jobs" => vec![
            reply(serde_json::json!([
                job_event("changed", 1, "RUNNING")["params"]["fields"]
            ])),
            serde_json::json!({"close": true}),
        ],
        _ => vec![reply(serde_json::Value::Null)],
    });
    midclt()
        .uri(&uri)
        .args(["call", "-j", "x.job"])
        .run()
        .code(3)
        .stderr_has("job 7 (x.job) goes on running on the server")
        .stderr_has("midclt job wait 7")
        .stderr_lacks("again;")
        .stderr_lacks("run the command again");
}

#[test]
fn server_text_cannot_drive_the_terminal() {
    let bin = assert_cmd::cargo::cargo_bin("midclt");
    let bin = bin.display();
    // A table cell.
    let text = on_a_terminal(&format!(
        r#"printf '%s' '[{{"a":"x\u001b]0;T\u0007"}}]' | {bin} render -o table"#
    ));
    assert!(text.contains(r"x\x1b]0;T\x07"), "{text:?}");
    assert!(!text.contains('\u{1b}'), "{text:?}");
    // A failing job's error, in the official format of `call`.
    let text = on_a_terminal(&format!(
        r#"{bin} -u mock:// call -j mock.failing_job "$(printf 'boom \033]0;PWNED\007')""#
    ));
    assert!(text.contains(r"boom \x1b]0;PWNED\x07"), "{text:?}");
    assert!(!text.contains("\u{1b}]0;PWNED"), "{text:?}");
    // Piped, the bytes are the server's.
    let out = midclt()
        .args(["render", "-o", "table"])
        .stdin("[{\"a\":\"x\\u001b]0;T\\u0007\"}]")
        .run()
        .success();
    assert!(out.stdout.contains("x\u{1b}]0;T\u{7}"), "{:?}", out.stdout);
}

/// An unmasked server text frame.
fn text_frame(payload: &str) -> Vec<u8> {
    let bytes = payload.as_bytes();
    let mut frame = vec![0x81];
    match bytes.len() {
        n if n < 126 => frame.push(n as u8),
        n if n <= 0xffff => {
            frame.push(126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    frame.extend_from_slice(bytes);
    frame
}

#[test]
fn a_reply_nested_too_deeply_is_named_as_such() {
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let uri = fake_server(text_frame(&format!(
        r#"{{"jsonrpc": "2.0", "id": "x", "result": {deep}}}"#
    )));
    midclt()
        .uri(&uri)
        .arg("ping")
        .run()
        .code(3)
        .stderr_has("nested deeper than 128 levels")
        .stderr_lacks("not JSON");
}

#[test]
fn the_system_store_is_looked_up_lazily_in_its_hashed_directory() {
    // A CA of our own, installed the way update-ca-certificates installs one: a hash link
    // in the certificate directory, beside a bundle file that here holds nothing useful.
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "midclt test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    let store = tempfile::tempdir().unwrap();
    let ca_file = store.path().join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let hash = std::process::Command::new("openssl")
        .args(["x509", "-hash", "-noout", "-in"])
        .arg(&ca_file)
        .output()
        .expect("the openssl command is needed for this test");
    let hash = String::from_utf8(hash.stdout).unwrap().trim().to_string();
    std::fs::rename(&ca_file, store.path().join(format!("{hash}.0"))).unwrap();
    let bundle = store.path().join("ca-certificates.crt");
    std::fs::write(&bundle, "").unwrap();

    let s = Server::start();
    s.emu.set_tls(midclt::emulator::TlsMaterial {
        cert_pem: leaf.pem(),
        key_pem: leaf_key.serialize_pem(),
    });
    let wss = s.emu.listen("wss://127.0.0.1:0").unwrap().uri;
    midclt()
        .uri(&wss)
        .env("SSL_CERT_DIR", store.path())
        .env("SSL_CERT_FILE", &bundle)
        .arg("ping")
        .run()
        .success()
        .stdout_is("pong\n");
    // Without the hash link the same server is not trusted: the lookup really went there.
    std::fs::remove_file(store.path().join(format!("{hash}.0"))).unwrap();
    midclt()
        .uri(&wss)
        .env("SSL_CERT_DIR", store.path())
        .env("SSL_CERT_FILE", &bundle)
        .arg("ping")
        .run()
        .code(4);
}

#[test]
fn a_job_end_seen_before_the_lookup_answer_is_final() {
    // The job ends while midclt looks it up: its SUCCESS event arrives before the (older)
    // RUNNING snapshot; the result must be the event's, not the snapshot's null.
    let uri = scripted_server(|method, _| match method {
        "core.get_methods" => vec![reply(serde_json::json!({"x.job": {"job": true}}))],
        "core.subscribe" => vec![reply(serde_json::json!("sub-1"))],
        "x.job" => vec![reply(serde_json::json!(7))],
        "core.get_jobs" => {
            static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let mut done = job_event("changed", 3, "SUCCESS");
            if CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0 {
                // A later poll: the job is over, its result redacted as the server does.
                return vec![reply(serde_json::json!([done["params"]["fields"]]))];
            }
            done["params"]["fields"]["result"] = serde_json::json!("pong");
            vec![
                done,
                reply(serde_json::json!([
                    job_event("changed", 2, "RUNNING")["params"]["fields"]
                ])),
            ]
        }
        _ => vec![reply(serde_json::Value::Null)],
    });
    midclt()
        .uri(&uri)
        .args(["call", "-j", "x.job"])
        .run()
        .success()
        .stdout_is("pong\n");
}

#[test]
fn timeouts_too_long_for_the_clock_mean_no_limit_rather_than_a_panic() {
    let s = Server::start();
    let huge = u64::MAX.to_string();
    for args in [
        vec!["-t", &huge, "--connect-timeout", &huge, "call", "core.ping"],
        vec!["-t", &huge, "waitready", "-t", &huge],
        vec![
            "subscribe",
            "-t",
            &huge,
            "-n",
            "1",
            r#"mock.counter:{"count": 1, "interval": 0}"#,
        ],
    ] {
        s.cli().args(&args).run().success();
    }
    s.cli()
        .args(["-t", &huge, "batch"])
        .stdin("core.ping\n")
        .run()
        .success()
        .stdout_is("{\"id\":1,\"result\":\"pong\"}\n");
    s.cli()
        .args(["call", "core.ping"])
        .env("CALL_TIMEOUT", &huge)
        .run()
        .success();
}
