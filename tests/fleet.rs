//! Fleets: `-p a,b,c`, groups of profiles and Ansible inventories run one command on many
//! hosts in parallel, one JSON line (or table row) per host, with an exit code for all,
//! some or none succeeded.

// Test support: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{midclt, Run, Server, PASSWORD};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Instant;

/// Two emulators and a port where nothing listens, described by a config file: `nas1`
/// (UNIX socket, root without a login), `nas2` (ws://, `admin` with a password file),
/// `nas3` (down), and the group `lab` of all three.
struct Lab {
    one: Server,
    two: Server,
    down: String,
    config: PathBuf,
    cache: PathBuf,
}

impl Lab {
    fn new() -> Lab {
        let one = Server::start();
        let two = Server::start();
        let down = format!("ws://127.0.0.1:{}/api/current", closed_port());
        let pw = one.file("pw", &format!("{PASSWORD}\n"));
        let config = one.file(
            "config.toml",
            &format!(
                r#"[nas1]
uri = "{}"

[nas2]
uri = "{}"
username = "admin"
password_file = "{}"

[nas3]
uri = "{down}"
timeout = 5

[groups]
lab = ["nas1", "nas2", "nas3"]
up = ["nas1", "nas2"]
"#,
                one.unix,
                two.ws,
                pw.display()
            ),
        );
        let cache = one.dir.path().join("cache");
        Lab {
            one,
            two,
            down,
            config,
            cache,
        }
    }

    fn run(&self) -> Run {
        midclt()
            .env("MIDCLT_CONFIG", &self.config)
            .env("MIDCLT_CACHE_DIR", &self.cache)
    }
}

/// A port on loopback that nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// stdout's JSON lines, each an object with a host.
fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn by_host<'a>(lines: &'a [Value], host: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| l["host"] == host)
        .unwrap_or_else(|| panic!("no line for {host}: {lines:?}"))
}

#[test]
fn three_hosts_at_once_with_one_down() {
    let lab = Lab::new();
    let out = lab
        .run()
        .args(["-p", "lab", "call", "auth.me"])
        .run()
        .code(8)
        .stderr_is("midclt: 1 of 3 hosts failed: nas3\n");
    let got = lines(out.stdout_text());
    assert_eq!(got.len(), 3, "{got:?}");
    // Each host with its own connection and credentials.
    assert_eq!(by_host(&got, "nas1")["result"]["pw_name"], "root");
    assert_eq!(by_host(&got, "nas2")["result"]["pw_name"], "admin");
    let error = &by_host(&got, "nas3")["error"];
    assert_eq!(error["kind"], "connection");
    assert_eq!(error["exit_code"], 3);
    assert!(
        error["message"].as_str().unwrap().contains("127.0.0.1"),
        "{error}"
    );
    assert!(error["hints"].is_array());
    // A line is either a result or an error, and nothing else.
    for line in &got {
        let keys: Vec<&String> = line.as_object().unwrap().keys().collect();
        assert!(
            keys == ["host", "result"] || keys == ["host", "error"],
            "{line}"
        );
    }
}

#[test]
fn the_exit_code_says_all_some_or_none() {
    let lab = Lab::new();
    let out = lab.run().args(["-p", "nas1,nas2", "ping"]).run().success();
    let got = lines(out.stdout_text());
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|l| l["result"] == "pong"), "{got:?}");
    lab.run()
        .args(["-p", "up,nas3", "ping"])
        .run()
        .code(8)
        .stderr_has("1 of 3 hosts failed");
    let out = lab
        .run()
        .args(["-p", "nas3", "--uri", &lab.down])
        .arg("ping")
        .run()
        .code(3);
    assert!(out.stdout_text().is_empty(), "one host is no fleet");
    lab.run()
        .args(["-p", "nas3,nas3,", "ping"])
        .run()
        .code(2)
        .stderr_has("an empty name");
    let out = lab
        .run()
        .args(["-p", "nas3,nas3", "ping"])
        .run()
        .code(9)
        .stderr_is("midclt: 1 of 1 hosts failed: nas3\n");
    assert_eq!(
        lines(out.stdout_text()).len(),
        1,
        "a host named twice runs once"
    );
    // Refused for every host alike: the command line is wrong, not the hosts (2, not 9).
    let out = lab
        .run()
        .args(["-p", "up", "-P", "-", "call", "auth.me"])
        .stdin("secret\n")
        .run()
        .code(2)
        .stderr_has("2 of 2 hosts failed");
    for line in lines(out.stdout_text()) {
        assert_eq!(line["error"]["kind"], "usage", "{line}");
    }
}

#[test]
fn a_table_has_a_host_column_in_the_order_named() {
    let lab = Lab::new();
    let out = lab
        .run()
        .args(["-o", "table", "-p", "nas3,nas2,nas1", "ping"])
        .run()
        .code(8)
        .stderr_has("nas3");
    let text = out.stdout_text();
    let header = text.lines().nth(1).unwrap();
    assert!(header.starts_with("| host "), "{text}");
    assert!(
        header.contains("| error ") && header.contains("| result "),
        "{text}"
    );
    let hosts: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|h| h.starts_with("nas"))
        .collect();
    assert_eq!(hosts, ["nas3", "nas2", "nas1"], "{text}");
    assert!(text.contains("pong"), "{text}");
    // CSV: the same rows.
    lab.run()
        .args(["-o", "csv", "-p", "up", "ping"])
        .run()
        .success()
        .stdout_is("host,result\r\nnas1,pong\r\nnas2,pong\r\n");
}

#[test]
fn truenas_cli_commands_run_on_each_host() {
    let lab = Lab::new();
    lab.one.create_key("on-one", "root");
    lab.two.create_key("on-two-a", "root");
    lab.two.create_key("on-two-b", "admin");
    let out = lab
        .run()
        .args(["-p", "up", "auth", "api_key", "query", "name"])
        .run()
        .success();
    let got = lines(out.stdout_text());
    assert_eq!(
        by_host(&got, "nas1")["result"],
        serde_json::json!([{"name": "on-one"}])
    );
    assert_eq!(
        by_host(&got, "nas2")["result"],
        serde_json::json!([{"name": "on-two-a"}, {"name": "on-two-b"}])
    );
    // A list result is one table row per element.
    let out = lab
        .run()
        .args([
            "-p",
            "up",
            "-o",
            "table",
            "-c",
            "auth api_key query id,name",
        ])
        .run()
        .success();
    let text = out.stdout_text();
    assert_eq!(text.matches("| nas2 ").count(), 2, "{text}");
    assert_eq!(text.matches("| nas1 ").count(), 1, "{text}");
    // --dry-run: the call each host would get.
    let out = lab
        .run()
        .args(["-p", "up", "--dry-run", "auth", "api_key", "delete", "id=1"])
        .run()
        .success();
    for line in lines(out.stdout_text()) {
        assert_eq!(line["result"]["method"], "api_key.delete", "{line}");
    }
}

#[test]
fn what_a_fleet_cannot_do_is_refused_clearly() {
    let lab = Lab::new();
    for (args, says) in [
        (vec!["doctor"], "`midclt doctor` works with one host"),
        (
            vec!["trust", "127.0.0.1:1"],
            "`midclt trust` works with one host",
        ),
        (vec!["shell"], "the shell works with one host"),
        (vec!["batch"], "`midclt batch` works with one host"),
        (
            vec!["-u", "ws://127.0.0.1:1", "ping"],
            "-u names one server",
        ),
        (vec!["auth", "api_key", "--help"], "ask one host"),
    ] {
        lab.run()
            .args(["-p", "up"])
            .args(args)
            .run()
            .code(2)
            .stderr_has(says);
    }
    // Per host: the editor, a listing, a file every host would write.
    for (cmd, says) in [
        ("auth api_key create --", "opens an editor"),
        ("auth api_key", "is a namespace"),
        (
            "auth api_key query > keys.json",
            "would all write that file",
        ),
    ] {
        // Every host refused it alike: a usage error (2).
        let out = lab.run().args(["-p", "up", "-c", cmd]).run().code(2);
        for line in lines(out.stdout_text()) {
            assert_eq!(line["error"]["kind"], "usage", "{line}");
            let message = line["error"]["message"].as_str().unwrap();
            assert!(message.contains(says), "{message}");
        }
        let _ = out.stderr();
    }
    // A password prompt cannot work across a fleet.
    let cfg = lab.one.file(
        "prompt.toml",
        &format!("[asks]\nuri = \"{}\"\nusername = \"admin\"\n", lab.two.ws),
    );
    let out = lab
        .run()
        .env("MIDCLT_CONFIG", &cfg)
        .args(["-p", "asks,asks", "call", "auth.me"])
        .run()
        .code(2);
    let line = &lines(out.stdout_text())[0];
    assert_eq!(line["error"]["kind"], "usage");
    assert!(
        line["error"]["message"]
            .as_str()
            .unwrap()
            .contains("a fleet cannot ask for one"),
        "{line}"
    );
    let _ = out.stderr();
}

#[test]
fn each_host_has_its_own_timeout_and_lines_come_as_hosts_finish() {
    let lab = Lab::new();
    let cfg = lab.one.file(
        "timeouts.toml",
        &format!(
            "[slow]\nuri = \"{}\"\n\n[quick]\nuri = \"{}\"\ntimeout = 1\n",
            lab.one.unix, lab.two.unix
        ),
    );
    let fleet = |parallel: &str| {
        let t = Instant::now();
        let out = lab
            .run()
            .env("MIDCLT_CONFIG", &cfg)
            .args(["--parallel", parallel, "-p", "slow,quick"])
            .args(["call", "mock.sleep", "2"])
            .run()
            .code(8)
            .stderr_has("1 of 2 hosts failed: quick");
        let hosts: Vec<String> = lines(out.stdout_text())
            .iter()
            .map(|l| l["host"].as_str().unwrap().to_string())
            .collect();
        let quick = by_host(&lines(out.stdout_text()), "quick").clone();
        assert_eq!(quick["error"]["kind"], "timeout", "{quick}");
        assert_eq!(quick["error"]["exit_code"], 6);
        (hosts, t.elapsed())
    };
    // Side by side, the host that times out after 1 s is reported first.
    let (order, _) = fleet("8");
    assert_eq!(order, ["quick", "slow"]);
    // One at a time, in the order named, taking as long as both.
    let (order, took) = fleet("1");
    assert_eq!(order, ["slow", "quick"]);
    assert!(took.as_secs_f64() >= 3.0, "{took:?}");
    lab.run()
        .args(["--parallel", "0", "-p", "up", "ping"])
        .run()
        .code(2)
        .stderr_has("--parallel");
}

#[test]
fn midclt_uri_from_the_environment_does_not_apply_to_a_fleet() {
    let lab = Lab::new();
    let out = lab
        .run()
        .env("MIDCLT_URI", &lab.down)
        .args(["-p", "up", "ping"])
        .run()
        .success();
    assert_eq!(lines(out.stdout_text()).len(), 2);
    // MIDCLT_PROFILE can name a fleet too.
    let out = lab
        .run()
        .env("MIDCLT_PROFILE", "nas1,nas2")
        .arg("ping")
        .run()
        .success();
    assert_eq!(lines(out.stdout_text()).len(), 2);
}

#[test]
fn groups_are_written_with_config_set() {
    let lab = Lab::new();
    let cfg = lab.one.dir.path().join("new").join("config.toml");
    let run = || lab.run().env("MIDCLT_CONFIG", &cfg);
    run()
        .args(["config", "set", "a", "uri", &lab.one.unix])
        .run()
        .success();
    run()
        .args(["config", "set", "b", "uri", &lab.two.unix])
        .run()
        .success();
    run()
        .args(["config", "set", "groups", "pair", "a, b"])
        .run()
        .success();
    run()
        .args(["config", "set", "groups", "all", "pair,a"])
        .run()
        .success();
    run()
        .args(["config", "list"])
        .run()
        .success()
        .stdout_is("a\nb\n");
    run()
        .args(["config", "show", "groups"])
        .run()
        .success()
        .stdout_is("pair = [\"a\", \"b\"]\nall = [\"pair\", \"a\"]\n");
    let out = run().args(["-p", "all", "ping"]).run().success();
    assert_eq!(
        lines(out.stdout_text()).len(),
        2,
        "groups nest; a only once"
    );
    run()
        .args(["config", "set", "a,b", "uri", "x"])
        .run()
        .code(2)
        .stderr_has("cannot hold a comma");
    run()
        .args(["-p", "pair,nope", "ping"])
        .run()
        .code(2)
        .stderr_has("no profile or group \"nope\"");
    run()
        .args(["-p", "groups", "ping"])
        .run()
        .code(2)
        .stderr_has("not a profile");
    run()
        .args(["config", "unset", "groups", "pair"])
        .run()
        .success();
    run()
        .args(["-p", "all", "ping"])
        .run()
        .code(2)
        .stderr_has("no profile or group \"pair\"");
}

#[test]
fn an_ini_inventory() {
    let lab = Lab::new();
    let pw = lab.two.file("admin.pass", &format!("{PASSWORD}\n"));
    let inventory = lab.two.file(
        "hosts.ini",
        &format!(
            "# where the NASes are
[lab]
nas1 midclt_uri={}
nas2 midclt_uri={} midclt_username=admin
nas3 midclt_uri={} midclt_timeout=5

[lab:vars]
midclt_password_file={}

[other]
nas4 ansible_host=127.0.0.1 midclt_uri={}
",
            lab.one.ws,
            lab.two.ws,
            lab.down,
            pw.file_name().unwrap().to_string_lossy(),
            lab.one.unix
        ),
    );
    let inv = inventory.to_str().unwrap();
    let out = lab
        .run()
        .args(["--inventory", inv, "--limit", "lab"])
        .args(["-U", "root", "call", "auth.me"])
        .run()
        .code(8);
    let _ = out.stderr();
    let got = lines(out.stdout_text());
    assert_eq!(got.len(), 3);
    // -U wins over the inventory, the inventory's password file is relative to it.
    assert_eq!(by_host(&got, "nas1")["result"]["pw_name"], "root");
    assert_eq!(by_host(&got, "nas2")["result"]["pw_name"], "root");
    assert_eq!(by_host(&got, "nas3")["error"]["exit_code"], 3);
    let out = lab
        .run()
        .args(["--inventory", inv, "--limit", "all:!nas3", "ping"])
        .run()
        .success();
    let hosts: Vec<Value> = lines(out.stdout_text())
        .iter()
        .map(|l| l["host"].clone())
        .collect();
    assert_eq!(hosts.len(), 3);
    assert!(!hosts.contains(&"nas3".into()));
    lab.run()
        .args(["--inventory", inv, "--limit", "labs", "ping"])
        .run()
        .code(2)
        .stderr_has("no group or host \"labs\"");
    lab.run()
        .args(["--inventory", inv, "-p", "nas1", "ping"])
        .run()
        .code(2)
        .stderr_has("-p and --inventory");
    lab.run()
        .args(["--limit", "lab", "ping"])
        .run()
        .code(2)
        .stderr_has("--inventory");
}

#[test]
fn a_yaml_inventory_from_stdin_with_a_profile_per_host() {
    let lab = Lab::new();
    let yaml = format!(
        "all:
  children:
    lab:
      hosts:
        first:
          midclt_profile: nas2
        second:
          midclt_uri: {}
    gone:
      hosts:
        third:
          midclt_profile: nas3
          midclt_timeout: 2
",
        lab.one.unix
    );
    let out = lab
        .run()
        .args(["--inventory", "-", "-o", "yaml", "call", "auth.me"])
        .stdin(&yaml)
        .run()
        .code(8);
    let _ = out.stderr();
    let text = out.stdout_text();
    // YAML: one list in inventory order once every host is done.
    let hosts: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("- host: "))
        .collect();
    assert_eq!(hosts, ["first", "second", "third"], "{text}");
    assert!(text.contains("pw_name: admin"), "{text}");
    assert!(text.contains("pw_name: root"), "{text}");
    assert!(text.contains("kind: connection"), "{text}");
    lab.run()
        .args(["--inventory", "-", "--limit", "lab", "call", "auth.me", "-"])
        .stdin(&yaml)
        .run()
        .code(2)
        .stderr_has("both want stdin");
}

#[test]
fn output_options_apply_to_each_hosts_result() {
    let lab = Lab::new();
    // -o json: one document once all are done, in the order named.
    let out = lab
        .run()
        .args(["-p", "nas2,nas1", "-o", "json", "ping"])
        .run()
        .success();
    assert_eq!(
        out.json(),
        serde_json::json!([
            {"host": "nas2", "result": "pong"},
            {"host": "nas1", "result": "pong"},
        ])
    );
    // --select picks fields of each result, not of the envelope.
    let out = lab
        .run()
        .args(["-p", "up", "call", "auth.me", "--select", "pw_name"])
        .run()
        .success();
    let got = lines(out.stdout_text());
    assert_eq!(
        by_host(&got, "nas1")["result"],
        serde_json::json!({"pw_name": "root"})
    );
    assert_eq!(
        by_host(&got, "nas2")["result"],
        serde_json::json!({"pw_name": "admin"})
    );
    let out = lab
        .run()
        .args([
            "-p", "up", "-o", "table", "--select", "pw_name", "call", "auth.me",
        ])
        .run()
        .success();
    let header = out.stdout_text().lines().nth(1).unwrap().to_string();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        ["|", "host", "|", "pw_name", "|"]
    );
    lab.run()
        .args(["-p", "up", "-o", "table", "--pretty", "ping"])
        .run()
        .code(2)
        .stderr_has("--pretty");
}

#[test]
fn ctrl_c_stops_every_host_and_names_each_running_job() {
    let lab = Lab::new();
    // Both hosts of `up` run a long job at once.
    let child = lab
        .run()
        .args(["-p", "up", "call", "-j", "mock.progress_job", "100", "0.1"])
        .spawn();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    common::interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let lines = lines(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(lines.len(), 2, "{lines:?}");
    for host in ["nas1", "nas2"] {
        let line = by_host(&lines, host);
        let e = &line["error"];
        assert_eq!(e["kind"], "interrupted", "{line}");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("goes on running on the server"),
            "{line}"
        );
        let hint = e["hints"][0].as_str().unwrap();
        assert!(
            hint.contains(&format!("`midclt -p {host} job wait ")),
            "{line}"
        );
    }
    // One at a time: the host whose turn had not come is not started after Ctrl-C.
    let child = lab
        .run()
        .args([
            "-p",
            "up",
            "--parallel",
            "1",
            "call",
            "-j",
            "mock.progress_job",
            "100",
            "0.1",
        ])
        .spawn();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    common::interrupt(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let one_by_one = self::lines(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(one_by_one.len(), 2, "{one_by_one:?}");
    assert!(
        one_by_one[1]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("not started"),
        "{one_by_one:?}"
    );
}

#[test]
fn ctrl_c_also_ends_a_connection_that_hangs_in_its_handshake() {
    let s = Server::start();
    // Accepts connections and never says a word.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in silent.incoming() {
            held.push(c);
        }
    });
    let config = s.file(
        "hang.toml",
        &format!(
            "[hang]\nuri = \"ws://127.0.0.1:{port}\"\n\n[up]\nuri = \"{}\"\n",
            s.unix
        ),
    );
    let child = midclt()
        .env("MIDCLT_CONFIG", &config)
        .args(["--connect-timeout", "60", "-p", "hang,up", "ping"])
        .spawn();
    std::thread::sleep(std::time::Duration::from_millis(700));
    common::interrupt(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let lines = lines(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(by_host(&lines, "up")["result"], "pong");
    let hang = by_host(&lines, "hang");
    assert_eq!(hang["error"]["kind"], "interrupted", "{hang}");
}
