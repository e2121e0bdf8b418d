//! Output control end to end: every format, `--pretty` and `--select` on `call`, on TrueNAS
//! CLI commands and on midclt's own commands; colour; wide tables on a terminal.
// Test helpers: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use serde_json::{json, Value};

/// Two API keys, ids 1 and 2.
fn with_keys() -> Server {
    let s = Server::start();
    s.create_key("ci", "root");
    s.create_key("second key", "admin");
    s
}

const TABLE: &str = "\
+----+------------+
| id | name       |
+----+------------+
| 1  | ci         |
| 2  | second key |
+----+------------+
";
const CSV: &str = "id,name\r\n1,ci\r\n2,second key\r\n";
const PRETTY: &str = r#"[
  {
    "id": 1,
    "name": "ci"
  },
  {
    "id": 2,
    "name": "second key"
  }
]
"#;
const ONE_LINE: &str = r#"[{"id":1,"name":"ci"},{"id":2,"name":"second key"}]
"#;
const LINES: &str = r#"{"id":1,"name":"ci"}
{"id":2,"name":"second key"}
"#;
const YAML: &str = "- id: 1\n  name: ci\n- id: 2\n  name: second key\n";

#[test]
fn every_format_on_call() {
    let s = with_keys();
    let query = ["api_key.query", "[]", r#"{"select": ["id", "name"]}"#];
    let call = |options: &[&str]| -> String {
        let after = s
            .cli()
            .arg("call")
            .args(options)
            .args(query)
            .run()
            .success();
        // The same options before `call` give the same output.
        let before = s
            .cli()
            .args(options)
            .arg("call")
            .args(query)
            .run()
            .success();
        assert_eq!(after.stdout, before.stdout, "{options:?}");
        after.stdout.clone()
    };
    // The default is the official midclt's line, untouched.
    assert_eq!(
        call(&[]),
        "[{\"id\": 1, \"name\": \"ci\"}, {\"id\": 2, \"name\": \"second key\"}]\n"
    );
    assert_eq!(call(&["-o", "json"]), ONE_LINE);
    assert_eq!(call(&["--pretty"]), PRETTY);
    assert_eq!(call(&["-o", "json", "--pretty"]), PRETTY);
    assert_eq!(call(&["--output=jsonl"]), LINES);
    assert_eq!(call(&["-o", "raw"]), LINES);
    assert_eq!(call(&["-o", "yaml"]), YAML);
    assert_eq!(call(&["-o", "table"]), TABLE);
    assert_eq!(call(&["-o", "csv"]), CSV);
    // A string result: bare by default and in raw, quoted in JSON.
    let hostname = |options: &[&str]| {
        s.cli()
            .arg("call")
            .args(options)
            .arg("system.hostname")
            .run()
            .success()
            .stdout
            .clone()
    };
    assert_eq!(hostname(&[]), "truenas\n");
    assert_eq!(hostname(&["-o", "raw"]), "truenas\n");
    assert_eq!(hostname(&["-o", "json"]), "\"truenas\"\n");
    assert_eq!(hostname(&["-o", "jsonl"]), "\"truenas\"\n");
    assert_eq!(hostname(&["-o", "table"]), "truenas\n");
    // An empty list is no lines at all where each element is a line.
    for (format, want) in [("jsonl", ""), ("raw", ""), ("json", "[]\n")] {
        s.cli()
            .args([
                "call",
                "-o",
                format,
                "api_key.query",
                r#"[["id", "=", 99]]"#,
            ])
            .run()
            .success()
            .stdout_is(want);
    }
}

#[test]
fn every_format_on_a_truenas_cli_command() {
    let s = with_keys();
    let query = ["auth", "api_key", "query", "id,name"];
    let cases: [(&[&str], &str); 8] = [
        (&["-o", "table"], TABLE),
        (&["-o", "csv"], CSV),
        (&["-o", "json"], PRETTY),
        (&["--pretty"], PRETTY),
        (&["-o", "jsonl"], LINES),
        (&["-o", "yaml"], YAML),
        (&["-o", "raw"], LINES),
        // Piped without -o: indented JSON, as before.
        (&[], PRETTY),
    ];
    for (options, want) in cases {
        s.cli()
            .args(options)
            .args(query)
            .run()
            .success()
            .stdout_is(want);
        s.cli()
            .args(query)
            .args(options)
            .run()
            .success()
            .stdout_is(want);
        s.cli()
            .args(options)
            .args(["-c", "auth api_key query id,name"])
            .run()
            .success()
            .stdout_is(want);
    }
    // `> FILE` gets the same text as a pipe.
    let file = s.dir.path().join("keys.jsonl");
    s.cli()
        .args(["-o", "jsonl", "-c"])
        .arg(format!("auth api_key query id,name > {}", file.display()))
        .run()
        .success()
        .stdout_is("");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), LINES);
}

#[test]
fn select_keeps_nested_fields_and_names_columns_by_path() {
    let s = Server::start();
    let fields = "pw_name,two_factor_config.interval,privilege.allowlist.method";
    let me = |options: &[&str]| {
        s.cli()
            .args(["call", "--select", fields])
            .args(options)
            .arg("auth.me")
            .run()
            .success()
            .stdout
            .clone()
    };
    // call's own output, JSON and YAML keep the nesting, in the order asked for.
    assert_eq!(
        me(&[]),
        "{\"pw_name\": \"root\", \"two_factor_config\": {\"interval\": 30}, \"privilege\": {\"allowlist\": [{\"method\": \"*\"}]}}\n"
    );
    assert_eq!(
        me(&["-o", "json"]),
        "{\"pw_name\":\"root\",\"two_factor_config\":{\"interval\":30},\"privilege\":{\"allowlist\":[{\"method\":\"*\"}]}}\n"
    );
    assert_eq!(
        me(&["-o", "yaml"]),
        "pw_name: root\ntwo_factor_config:\n  interval: 30\nprivilege:\n  allowlist:\n  - method: \"*\"\n"
    );
    // Table and CSV name the columns by the dotted path.
    assert_eq!(
        me(&["-o", "csv"]),
        "pw_name,two_factor_config.interval,privilege.allowlist.method\r\nroot,30,*\r\n"
    );
    s.cli()
        .args(["auth", "me", "-o", "table", "--select", fields])
        .run()
        .success()
        .stdout_is(
            "\
+----------------------------+------+
|                    pw_name | root |
| two_factor_config.interval | 30   |
| privilege.allowlist.method | *    |
+----------------------------+------+
",
        );
    // On a query, after its own column list; and on `render`.
    s.create_key("ci", "root");
    s.cli()
        .args([
            "-o", "jsonl", "--select", "name", "auth", "api_key", "query",
        ])
        .run()
        .success()
        .stdout_is("{\"name\":\"ci\"}\n");
    s.cli()
        .args([
            "auth",
            "api_key",
            "query",
            "id,name",
            "--select=name,id",
            "-o",
            "csv",
        ])
        .run()
        .success()
        .stdout_is("name,id\r\nci,1\r\n");
    midclt()
        .args(["render", "-o", "csv", "--select", "a.b"])
        .stdin(r#"[{"a": {"b": 1, "c": 2}}, {"a": {"b": 3}}, {"x": 0}]"#)
        .run()
        .success()
        .stdout_is("a.b\r\n1\r\n3\r\n<undefined>\r\n");
}

#[test]
fn a_field_no_object_has_is_named_on_stderr() {
    let s = with_keys();
    s.cli()
        .args([
            "call",
            "-o",
            "jsonl",
            "--select",
            "id,nmae",
            "api_key.query",
        ])
        .run()
        .success()
        .stdout_is("{\"id\":1}\n{\"id\":2}\n")
        .stderr_is("midclt: warning: --select: no field \"nmae\" in the result\n");
    s.cli()
        .args(["-o", "table", "auth", "api_key", "query", "--select", "a,b"])
        .run()
        .success()
        .stdout_is("(none of the specified fields found among 2 object(s))\n")
        .stderr_is("midclt: warning: --select: no fields \"a\", \"b\" in the result\n");
    // A result with no object in it says nothing about field names.
    s.cli()
        .args(["call", "--select", "id", "system.hostname"])
        .run()
        .success()
        .stdout_is("truenas\n");
}

#[test]
fn output_options_that_make_no_sense_are_usage_errors() {
    let s = Server::start();
    let refused = |args: &[&str], message: &str| {
        s.cli().args(args).run().code(2).stderr_has(message);
    };
    let formats = "use table, csv, json, jsonl, yaml or raw";
    refused(&["call", "-o", "xml", "core.ping"], formats);
    refused(&["-o", "xml", "call", "core.ping"], formats);
    refused(&["-o", "xml", "auth", "api_key", "query"], formats);
    refused(&["auth", "api_key", "query", "-o", "xml"], formats);
    refused(&["auth", "api_key", "query", "-o"], "-o needs a format");
    refused(&["ping", "-o", "html"], formats);
    refused(
        &["call", "--pretty", "-o", "table", "core.ping"],
        "--pretty indents JSON",
    );
    refused(
        &["call", "--select", "id,,name", "core.ping"],
        "an empty entry",
    );
    refused(
        &["subscribe", "-o", "table", "api_key.query"],
        "stream of events",
    );
    refused(&["-o", "json", "waitready"], "prints none");
    refused(&["doctor", "--json", "-o", "yaml"], "--json is -o json");
    refused(&["doctor", "--select", "ok"], "needs -o FORMAT");
    refused(&["trust", "--list", "--select", "host"], "needs -o FORMAT");
    refused(&["trust", "-o", "json", "localhost"], "trust --list");
    refused(&["-o", "json", "config", "path"], "config list");
    // Refused before anything is done.
    refused(
        &[
            "auth",
            "api_key",
            "create",
            "name=x",
            "username=root",
            "-o",
            "csv",
            "--pretty",
        ],
        "it does not go with -o csv",
    );
    s.cli()
        .args(["call", "api_key.query"])
        .run()
        .success()
        .stdout_is("[]\n");
    midclt()
        .args(["render", "-o", "xml"])
        .stdin("{}")
        .run()
        .code(2)
        .stderr_has(formats);
}

#[test]
fn midclts_own_commands_take_the_output_options() {
    let s = Server::start();
    let run = |args: &[&str]| s.cli().args(args).run().success().stdout.clone();
    assert_eq!(run(&["ping", "-o", "json"]), "\"pong\"\n");
    assert_eq!(run(&["-o", "raw", "ping"]), "pong\n");
    let token: Value = serde_json::from_str(&run(&["token", "-o", "json"])).unwrap();
    assert!(token.as_str().is_some_and(|t| t.len() > 20), "{token}");
    // doctor: -o json is --json, one line; --pretty indents it; tables list the steps.
    let json = run(&["doctor", "-o", "json"]);
    assert_eq!(json, run(&["doctor", "--json"]));
    assert_eq!(json.lines().count(), 1, "{json}");
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["ok"], true);
    let pretty = run(&["doctor", "--pretty"]);
    assert_eq!(serde_json::from_str::<Value>(&pretty).unwrap(), report);
    assert!(pretty.starts_with("{\n  \"ok\": true,\n"), "{pretty}");
    assert_eq!(
        run(&["doctor", "-o", "csv", "--select", "step,ok"]),
        "step,ok\r\nconfig,true\r\nwebsocket,true\r\nmechanisms,true\r\nlogin,true\r\nserver,true\r\nroles,true\r\n"
    );
    assert!(run(&["doctor", "-o", "yaml"]).starts_with("ok: true\nsteps:\n- step: config\n"));
    // subscribe: one compact line per event, or YAML documents.
    let event = r#"reporting.realtime:{"interval": 0.05}"#;
    let lines = run(&[
        "subscribe",
        "-n",
        "2",
        "-o",
        "jsonl",
        "--select",
        "msg",
        event,
    ]);
    assert_eq!(lines, "{\"msg\":\"added\"}\n{\"msg\":\"added\"}\n");
    let lines = run(&["subscribe", "-n", "1", "--select", "msg,collection", event]);
    assert_eq!(
        lines,
        "{\"msg\": \"added\", \"collection\": \"reporting.realtime:{\\\"interval\\\": 0.05}\"}\n"
    );
    let docs = run(&[
        "subscribe",
        "-n",
        "2",
        "-o",
        "yaml",
        "--select",
        "msg",
        event,
    ]);
    assert_eq!(docs, "---\nmsg: added\n---\nmsg: added\n");
}

#[test]
fn trust_and_config_listings_take_the_output_options() {
    let s = Server::start();
    let known = s.file(
        "known_hosts",
        &format!("nas.example.com:443 sha256:{}\n", "ab".repeat(32)),
    );
    let config = s.file(
        "config.toml",
        "[nas]\nuri = \"wss://nas.example.com\"\ntimeout = 30\nplain = true\npassword = \"x\"\n",
    );
    let run = |args: &[&str]| {
        midclt()
            .env("MIDCLT_KNOWN_HOSTS", &known)
            .env("MIDCLT_CONFIG", &config)
            .args(args)
            .run()
            .success()
            .stdout
            .clone()
    };
    let listed: Value = serde_json::from_str(&run(&["trust", "--list", "-o", "json"])).unwrap();
    assert_eq!(
        listed,
        json!([{"host": "nas.example.com:443", "fingerprint": format!("sha256:{}", "ab".repeat(32))}])
    );
    assert_eq!(
        run(&["trust", "--list", "-o", "csv", "--select", "host"]),
        "host\r\nnas.example.com:443\r\n"
    );
    assert_eq!(run(&["config", "list", "-o", "json"]), "[\"nas\"]\n");
    assert_eq!(run(&["-o", "raw", "config", "list"]), "nas\n");
    assert_eq!(
        run(&["config", "show", "nas", "-o", "json"]),
        r#"{"uri":"wss://nas.example.com","timeout":30,"plain":true,"password":"<hidden>"}
"#
    );
}

/// `midclt ARGS` on a terminal (stdout and stderr both), with `env` set.
fn on_terminal(s: &Server, env: &str, args: &str) -> String {
    on_a_terminal(&format!(
        "{env} MIDCLT_CACHE_DIR={} {} -u {} {args}",
        s.dir.path().join("cache").display(),
        assert_cmd::cargo::cargo_bin("midclt").display(),
        s.unix
    ))
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let s = Server::start();
    let job = "call -j mock.progress_job 3 0.05";
    // The progress bar's cyan.
    let cyan = "\u{1b}[36m";
    assert!(on_terminal(&s, "TERM=xterm", job).contains(cyan));
    let text = on_terminal(&s, "TERM=xterm NO_COLOR=1", job);
    assert!(
        text.contains("100%"),
        "the bar is drawn, in plain text: {text}"
    );
    assert!(!text.contains(cyan), "{text:?}");
    // (indicatif draws no bar at all on a dumb terminal.)
    assert!(!on_terminal(&s, "TERM=dumb", job).contains(cyan));
    // clap's usage errors: red and bold on a terminal, plain with NO_COLOR or piped.
    let red = "\u{1b}[31m";
    assert!(on_terminal(&s, "TERM=xterm", "--bogus").contains(red));
    let plain = on_terminal(&s, "TERM=xterm NO_COLOR=1", "--bogus");
    assert!(plain.contains("unexpected argument"), "{plain}");
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    midclt()
        .env("TERM", "xterm")
        .arg("--bogus")
        .run()
        .code(2)
        .stderr_lacks("\u{1b}");
}

#[test]
fn wide_tables_fit_the_terminal_and_piped_tables_do_not_change() {
    let s = with_keys();
    let piped = s
        .cli()
        .env("COLUMNS", "80")
        .args(["-o", "table", "auth", "api_key", "query"])
        .run()
        .success();
    let widest = piped.stdout.lines().map(str::len).max().unwrap();
    assert!(widest > 250, "{}", piped.stdout);
    let text = on_terminal(&s, "COLUMNS=80", "auth api_key query");
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let table: Vec<&&str> = lines.iter().filter(|l| l.starts_with(['+', '|'])).collect();
    assert!(table.len() > 5, "{text}");
    for line in &table {
        assert!(line.chars().count() <= 80, "{line}\n{text}");
    }
    assert!(table[1].starts_with("| id | name "), "{text}");
    assert!(
        text.contains("columns did not fit in 80 terminal columns: salt, stored_key, server_key"),
        "{text}"
    );
    assert!(text.contains("-o json shows every field"), "{text}");
    // Wide enough: exactly what a pipe gets.
    let text = on_terminal(&s, "COLUMNS=400", "-o table auth api_key query");
    assert_eq!(text.replace("\r\n", "\n"), piped.stdout);
}
