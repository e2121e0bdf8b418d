//! Trusting a server's own certificate: `midclt trust`, the known-hosts file, `--pin`.
// Test helpers: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt as _;

fn port_of(uri: &str) -> String {
    uri.rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string()
}

fn fingerprint(pem: &str) -> String {
    use base64::Engine as _;
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    midclt::client::Pin::show(&midclt::client::Pin::of(&der))
}

#[test]
fn a_trusted_certificate_is_accepted_and_a_changed_one_refused() {
    let s = Server::start();
    let known = s.dir.path().join("known_hosts");
    let server = format!("127.0.0.1:{}", port_of(&s.wss));
    let run = || midclt().env("MIDCLT_KNOWN_HOSTS", &known);
    // Not trusted yet: the system store does not know the emulator's certificate.
    run().uri(&s.wss).arg("ping").run().code(4);
    // Without a terminal to ask on, nothing is recorded unless --yes.
    run()
        .args(["trust", &server])
        .run()
        .code(2)
        .stdout_has("SHA-256:")
        .stderr_has("--yes");
    assert!(!known.exists());
    let pem = s.emu.tls_material().unwrap().cert_pem;
    let out = run().args(["trust", "--yes", &server]).run().success();
    assert!(out.stdout.contains(&fingerprint(&pem)), "{}", out.stdout);
    assert!(out.stdout.contains("IP:127.0.0.1"), "{}", out.stdout);
    assert_eq!(
        std::fs::metadata(&known).unwrap().permissions().mode() & 0o777,
        0o600
    );
    run()
        .uri(&s.wss)
        .arg("ping")
        .run()
        .success()
        .stdout_is("pong\n");
    run()
        .args(["trust", "--list"])
        .run()
        .success()
        .stdout_is(&format!("{server} {}\n", fingerprint(&pem)));
    // SCRAM with channel binding works through a pinned certificate.
    let (_, key) = s.create_key("pinned", "root");
    run()
        .uri(&s.wss)
        .args(["-U", "root"])
        .env("MIDCLT_API_KEY", &key)
        .args(["call", "auth.me"])
        .run()
        .success();

    // The server's certificate is not the one trusted (as after a change on the NAS, or
    // with someone in between): refused, naming both fingerprints and the way out.
    let before = format!("sha256:{}", "ab".repeat(32));
    std::fs::write(&known, format!("{server} {before}\n")).unwrap();
    run()
        .uri(&s.wss)
        .arg("ping")
        .run()
        .code(4)
        .stderr_has("CHANGED")
        .stderr_has(&before)
        .stderr_has(&fingerprint(&pem))
        .stderr_has(&format!("midclt trust --remove {server}"));
    run().args(["trust", "--remove", &server]).run().success();
    run()
        .args(["trust", "--list"])
        .run()
        .success()
        .stdout_is("");
}

#[test]
fn pin_accepts_exactly_one_certificate() {
    let s = Server::start();
    let pem = s.emu.tls_material().unwrap().cert_pem;
    let right = fingerprint(&pem);
    midclt()
        .uri(&s.wss)
        .args(["--pin", &right, "ping"])
        .run()
        .success()
        .stdout_is("pong\n");
    let wrong = format!("sha256:{}", "00".repeat(32));
    midclt()
        .uri(&s.wss)
        .args(["--pin", &wrong, "ping"])
        .run()
        .code(4)
        .stderr_has("not the pinned one")
        .stderr_has(&right);
    midclt()
        .uri(&s.wss)
        .args(["--pin", "sha256:abc", "ping"])
        .run()
        .code(2)
        .stderr_has("64-digit");
    midclt()
        .uri(&s.wss)
        .args(["--pin", &right, "--insecure", "ping"])
        .run()
        .code(2);
}
