//! `midclt doctor`: each step checked, the first failure named with its fix and exit code.
// Test helpers: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;

#[test]
fn a_healthy_server_passes_every_step() {
    let s = Server::start();
    let out = midclt()
        .uri(&s.wss)
        .arg("--ca-cert")
        .arg(&s.cert)
        .login("root")
        .arg("doctor")
        .run()
        .success();
    for step in [
        "config",
        "dns",
        "tcp",
        "tls",
        "websocket",
        "login",
        "server",
        "roles",
    ] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.starts_with(&format!("✓ {step}"))),
            "{step}:\n{}",
            out.stdout
        );
    }
    assert!(out.stdout.contains("SHA-256:"), "{}", out.stdout);
    assert!(out.stdout.contains("FULL_ADMIN"), "{}", out.stdout);
}

#[test]
fn the_first_failing_step_is_named_with_its_fix_and_exit_code() {
    let s = Server::start();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = midclt()
        .uri(&format!("ws://127.0.0.1:{port}"))
        .arg("doctor")
        .run()
        .code(3)
        .stderr_has("the tcp step failed");
    assert!(
        out.stdout.contains("✗ tcp") && out.stdout.contains("fix:"),
        "{}",
        out.stdout
    );
    // A certificate nothing vouches for.
    let out = midclt()
        .uri(&s.wss)
        .arg("doctor")
        .run()
        .code(4)
        .stderr_has("the tls step failed");
    assert!(
        out.stdout.contains("✗ tls") && out.stdout.contains("SHA-256:"),
        "{}",
        out.stdout
    );
    // A wrong password, as JSON.
    let out = midclt()
        .uri(&s.ws)
        .args(["-U", "root"])
        .env("MIDCLT_PASSWORD", "wrong")
        .args(["doctor", "--json"])
        .run()
        .code(5)
        .stderr_has("the login step failed");
    let report = out.json();
    assert_eq!(report["ok"], false);
    let last = report["steps"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["step"].as_str(), last["ok"].as_bool()),
        (Some("login"), Some(false))
    );
}
