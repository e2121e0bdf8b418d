//! Named connection profiles: `midclt config`, `-p`, and what wins over what.
// Test helpers: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt as _;

struct Setup {
    s: Server,
    config: std::path::PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let s = Server::start();
        let config = s.dir.path().join("midclt").join("config.toml");
        Setup { s, config }
    }
    fn run(&self) -> Run {
        midclt().env("MIDCLT_CONFIG", &self.config)
    }
    fn set(&self, profile: &str, key: &str, value: &str) {
        self.run()
            .args(["config", "set", profile, key, value])
            .run()
            .success();
    }
}

#[test]
fn config_edits_the_file_and_never_writes_a_secret() {
    let t = Setup::new();
    t.run()
        .args(["config", "path"])
        .run()
        .success()
        .stdout_is(&format!("{}\n", t.config.display()));
    t.set("nas", "uri", &t.s.ws);
    t.set("nas", "timeout", "30");
    t.set("lab", "protocol", "legacy");
    let mode = std::fs::metadata(&t.config).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    t.run()
        .args(["config", "list"])
        .run()
        .success()
        .stdout_is("nas\nlab\n");
    t.run()
        .args(["config", "show", "nas"])
        .run()
        .success()
        .stdout_is(&format!("uri = \"{}\"\ntimeout = 30\n", t.s.ws));
    t.run()
        .args(["config", "set", "nas", "password", "s3cret"])
        .run()
        .code(2)
        .stderr_has("password_file");
    assert!(!std::fs::read_to_string(&t.config)
        .unwrap()
        .contains("s3cret"));
    t.run()
        .args(["config", "unset", "nas", "timeout"])
        .run()
        .success();
    t.run()
        .args(["config", "show", "nas"])
        .run()
        .success()
        .stdout_lacks("timeout");
    t.run()
        .args(["config", "set", "nas", "colour", "blue"])
        .run()
        .code(2)
        .stderr_has("unknown setting");
}

#[test]
fn a_profile_describes_the_server_and_the_login() {
    let t = Setup::new();
    let pw = t.s.file("pw", &format!("{PASSWORD}\n"));
    t.set("nas", "uri", &t.s.ws);
    t.set("nas", "username", "admin");
    t.set("nas", "password_file", pw.to_str().unwrap());
    t.run()
        .args(["-p", "nas", "call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"admin\"");
    t.run()
        .env("MIDCLT_PROFILE", "nas")
        .args(["call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"admin\"");
    // Without -p only a profile called `default` applies.
    t.run().args(["call", "auth.me"]).run().code(3);
    t.set("default", "uri", &t.s.ws);
    t.set("default", "username", "root");
    t.set("default", "password_file", pw.to_str().unwrap());
    t.run()
        .args(["call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"root\"");
    t.run()
        .args(["-p", "missing", "ping"])
        .run()
        .code(2)
        .stderr_has("no profile \"missing\"");
}

#[test]
fn flags_beat_the_environment_which_beats_the_profile() {
    let t = Setup::new();
    let wrong = t.s.file("wrong", "not-the-password\n");
    // The profile names a dead port and a wrong password.
    t.set("default", "uri", "ws://127.0.0.1:9/api/current");
    t.set("default", "username", "root");
    t.set("default", "password_file", wrong.to_str().unwrap());
    t.run().args(["ping"]).run().code(3);
    // The environment's URI and password win over the profile's...
    t.run()
        .env("MIDCLT_URI", &t.s.ws)
        .env("MIDCLT_PASSWORD", PASSWORD)
        .args(["call", "auth.me"])
        .run()
        .success();
    // ...and the command line wins over both.
    t.run()
        .env("MIDCLT_URI", "ws://127.0.0.1:9/api/current")
        .uri(&t.s.ws)
        .args(["-U", "admin", "--password-file"])
        .arg(t.s.file("right", PASSWORD))
        .args(["call", "auth.me"])
        .run()
        .success()
        .stdout_has("\"admin\"");
    // The profile's password alone is wrong: a login failure, exit 5.
    t.run()
        .env("MIDCLT_URI", &t.s.ws)
        .args(["call", "auth.me"])
        .run()
        .code(5);
}

#[test]
fn a_bad_config_names_file_line_and_key_and_inline_secrets_warn() {
    let t = Setup::new();
    std::fs::create_dir_all(t.config.parent().unwrap()).unwrap();
    std::fs::write(
        &t.config,
        format!("# mine\n[nas]\nuri = \"{}\"\ntimout = 5\n", t.s.ws),
    )
    .unwrap();
    t.run()
        .args(["-p", "nas", "ping"])
        .run()
        .code(2)
        .stderr_has(&format!("{} line 4: [nas] timout", t.config.display()));
    // A password written into a file others can read: used, but warned about.
    std::fs::write(
        &t.config,
        format!(
            "[nas]\nuri = \"{}\"\nusername = \"root\"\npassword = \"{PASSWORD}\"\n",
            t.s.ws
        ),
    )
    .unwrap();
    std::fs::set_permissions(&t.config, std::fs::Permissions::from_mode(0o644)).unwrap();
    t.run()
        .args(["-p", "nas", "call", "auth.me"])
        .run()
        .success()
        .stderr_has("holds a secret")
        .stderr_lacks(PASSWORD);
    std::fs::set_permissions(&t.config, std::fs::Permissions::from_mode(0o600)).unwrap();
    t.run()
        .args(["-p", "nas", "call", "auth.me"])
        .run()
        .success();
    // `config set` keeps the user's comments and other settings.
    t.set("nas", "timeout", "9");
    let text = std::fs::read_to_string(&t.config).unwrap();
    assert!(
        text.contains("username = \"root\"") && text.contains("timeout = 9"),
        "{text}"
    );
}

#[test]
fn profile_output_and_key_files() {
    let t = Setup::new();
    let (_, key) = t.s.create_key("profiled", "root");
    let keyfile = t.s.file("k.key", &key);
    t.set("k", "uri", &t.s.wss);
    t.set("k", "ca_cert", t.s.cert.to_str().unwrap());
    t.set("k", "username", "root");
    t.set("k", "api_key_file", keyfile.to_str().unwrap());
    t.set("k", "output", "yaml");
    t.run()
        .args(["-p", "k", "auth", "me"])
        .run()
        .success()
        .stdout_has("pw_name: root");
}
