//! TrueNAS CLI commands (`midclt auth api_key query`, `midclt -c 'LINE'`) end to end.

mod common;
use common::*;
use midclt::emulator::{Config, ServedCatalog};
use serde_json::{json, Value};
use std::sync::Arc;

fn dry(s: &Server, line: &str) -> Value {
    s.cli()
        .args(["--dry-run", "-c", line])
        .run()
        .success()
        .json()
}

#[test]
fn api_key_commands_from_the_truenas_docs() {
    let s = Server::start();
    let out = s
        .cli()
        .args([
            "-o",
            "table",
            "auth",
            "api_key",
            "create",
            "name=ci",
            "username=root",
        ])
        .run()
        .success();
    assert!(
        out.stdout.starts_with("API Key: 1-") && out.stdout.lines().count() == 1,
        "{}",
        out.stdout
    );
    s.cli()
        .args([
            "-o",
            "table",
            "-c",
            "auth api_key create name=second username=root",
        ])
        .run()
        .success()
        .stdout_has("API Key: 2-");
    // get_instance: a vertical key/value table.
    let out = s
        .cli()
        .args(["-o", "table", "-c", "auth api_key get_instance id=2"])
        .run()
        .success();
    assert!(
        out.stdout.contains("|              id | 2 "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("|            name | second "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("|  revoked_reason | <null> "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("|      created_at | 20"),
        "{}",
        out.stdout
    );
    // update prints nothing, except the new key on reset (midcli forgets it).
    s.cli()
        .args(["-o", "table", "-c", "auth api_key update id=2 name=renamed"])
        .run()
        .success()
        .stdout_is("");
    s.cli()
        .args(["-o", "table", "-c", "auth api_key update id=2 reset=true"])
        .run()
        .success()
        .stdout_has("API Key: 2-");
    // query: a table of every key, with column selection.
    let out = s
        .cli()
        .args(["-o", "table", "auth", "api_key", "query", "id,name"])
        .run()
        .success();
    assert_eq!(
        out.stdout,
        "+----+---------+\n| id | name    |\n+----+---------+\n| 1  | ci      |\n| 2  | renamed |\n+----+---------+\n"
    );
    s.cli()
        .args(["-o", "table", "-c", "auth api_key delete id=1"])
        .run()
        .success()
        .stdout_is("");
    s.cli()
        .args(["-c", "auth api_key get_instance id=1"])
        .run()
        .code(1)
        .stderr_has("ApiKey 1 does not exist");
}

#[test]
fn piped_output_is_the_full_json_result() {
    let s = Server::start();
    let created = s
        .cli()
        .args(["auth", "api_key", "create", "name=ci", "username=root"])
        .run()
        .success()
        .json();
    assert!(created["key"].as_str().unwrap().starts_with("1-"));
    assert!(created["client_key"].is_string());
    let rows = s
        .cli()
        .args(["auth", "api_key", "query"])
        .run()
        .success()
        .json();
    assert_eq!(
        rows[0]["created_at"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        vec!["$date"]
    );
    let yaml = s
        .cli()
        .args(["-o", "yaml", "auth", "api_key", "query", "id,name"])
        .run()
        .success();
    assert!(yaml.stdout.contains("name: ci"), "{}", yaml.stdout);
}

#[test]
fn dry_run_shows_the_exact_call() {
    let s = Server::start();
    assert_eq!(
        dry(
            &s,
            r#"auth api_key create name=apikey3 allowlist=[{"method":"SUBSCRIBE","resource":"certificate.query"}]"#
        ),
        json!({"method": "api_key.create", "params": [{"name": "apikey3", "allowlist": [{"method": "SUBSCRIBE", "resource": "certificate.query"}]}]})
    );
    assert_eq!(
        dry(&s, "auth api_key update id=2 name=x reset=true"),
        json!({"method": "api_key.update", "params": [2, {"name": "x", "reset": true}]})
    );
    assert_eq!(
        dry(&s, "auth api_key update 2 name=x"),
        json!({"method": "api_key.update", "params": [2, {"name": "x"}]})
    );
    assert_eq!(
        dry(&s, "auth api_key delete id=1"),
        json!({"method": "api_key.delete", "params": [1]})
    );
    assert_eq!(
        dry(&s, "auth api_key get_instance id=2"),
        json!({"method": "api_key.get_instance", "params": [2]})
    );
    assert_eq!(
        dry(&s, "auth api_key query"),
        json!({"method": "api_key.query", "params": [[], {}]})
    );
    assert_eq!(
        dry(&s, "auth api_key create"),
        json!({"method": "api_key.create", "params": [{}]})
    );
    assert_eq!(
        dry(
            &s,
            "auth api_key query id,name WHERE name == 'ci' or id > 3"
        ),
        json!({"method": "api_key.query", "params": [[["OR", [["name", "=", "ci"], ["id", ">", 3]]]], {}]})
    );
    // Extensions midcli rejects: hyphens in bare words, `=` inside objects, ORDER BY/LIMIT.
    assert_eq!(
        dry(&s, "auth api_key create name=my-key username=root"),
        json!({"method": "api_key.create", "params": [{"name": "my-key", "username": "root"}]})
    );
    assert_eq!(
        dry(
            &s,
            r#"auth api_key create name=k allowlist=[{"method"="SUBSCRIBE","resource":"certificate.query"}]"#
        )["params"][0]["allowlist"],
        json!([{"method": "SUBSCRIBE", "resource": "certificate.query"}])
    );
    assert_eq!(
        dry(
            &s,
            "auth api_key query * WHERE id > 1 ORDER BY name DESC LIMIT 5"
        )["params"],
        json!([[["id", ">", 1]], {"order_by": ["-name"], "limit": 5}])
    );
    // argv form: shell quoting does the work.
    let v = s
        .cli()
        .args([
            "--dry-run",
            "auth",
            "api_key",
            "create",
            "name=my key",
            "username=root",
        ])
        .run()
        .success()
        .json();
    assert_eq!(v["params"], json!([{"name": "my key", "username": "root"}]));
}

#[test]
fn server_validation_errors_are_listed_per_field() {
    let s = Server::start();
    s.cli()
        .args(["-c", r#"auth api_key create name=apikey3 allowlist=[{"method":"SUBSCRIBE","resource":"certificate.query"}]"#])
        .run()
        .code(1)
        .stderr_has("api_key_create.username: Field required")
        .stderr_has("api_key_create.allowlist: Extra inputs are not permitted");
}

#[test]
fn grammar_errors_point_at_the_bad_spot() {
    let s = Server::start();
    let out = s
        .cli()
        .args(["-c", "auth api_key get_instance 1 option=2 3"])
        .run()
        .code(2);
    assert!(
        out.stderr
            .contains("Expected end of text, found '3'\n 1 option=2 3\n            ^"),
        "{}",
        out.stderr
    );
    s.cli()
        .args(["-c", "auth api_key query * WHERE id = 1"])
        .run()
        .code(2)
        .stderr_has("^");
}

#[test]
fn unknown_words_get_suggestions() {
    let s = Server::start();
    s.cli()
        .args(["auth", "api_key", "qeury"])
        .run()
        .code(2)
        .stderr_has("`qeury` is not a command or namespace in `auth api_key`")
        .stderr_has("did you mean: auth api_key query?");
    s.cli()
        .args(["auht"])
        .run()
        .code(2)
        .stderr_has("did you mean: auth?");
}

#[test]
fn namespaces_list_their_commands_and_commands_explain_themselves() {
    let s = Server::start();
    s.cli()
        .args(["auth", "api_key"])
        .run()
        .success()
        .stdout_has("create          - Create an API key\n");
    s.cli()
        .args(["-c", "auth api_key ls"])
        .run()
        .success()
        .stdout_has("query");
    let help = s
        .cli()
        .args(["auth", "api_key", "create", "--help"])
        .run()
        .success();
    help.stdout_has("Create an API key.")
        .stdout_has("name ")
        .stdout_has("string, required")
        .stdout_has("expires_at")
        .stdout_has("default null");
    s.cli()
        .args(["-c", "auth api_key man update"])
        .run()
        .success()
        .stdout_has("reset");
}

#[test]
fn jobs_run_with_their_result_and_failures() {
    let s = Server::start();
    s.cli()
        .args(["mock", "progress_job", "steps=2", "interval=0.01"])
        .run()
        .success()
        .stdout_is("{\n  \"steps\": 2\n}\n");
    s.cli()
        .args(["-c", "mock failing_job message=\"it broke\""])
        .run()
        .code(1)
        .stderr_has("it broke");
}

#[test]
fn the_editor_takes_arguments_from_stdin_off_a_terminal() {
    let s = Server::start();
    let out = s
        .cli()
        .args(["-c", "auth api_key create --"])
        .stdin("// a comment\n{\"name\": \"edited\", \"username\": \"root\"}\n")
        .run()
        .success();
    assert_eq!(out.json()["name"], "edited");
}

#[test]
fn the_editor_runs_editor_on_a_terminal() {
    let s = Server::start();
    let text = create_key_in_editor(
        &s,
        "#!/bin/sh\ngrep -q 'Human-readable name' \"$1\" || exit 3\nprintf '{\"name\": \"from-editor\", \"username\": \"root\"}' > \"$1\"\n",
    );
    assert!(text.contains("\"name\": \"from-editor\""), "{text}");
}

#[test]
fn render_reads_json_from_stdin() {
    let table = midclt()
        .args(["render", "-o", "table"])
        .stdin(r#"[{"id": 2, "name": "apikey2", "created_at": {"$date": 1692734339000}, "allowlist": [{"method": "GET", "resource": "x"}]}]"#)
        .run()
        .success();
    assert_eq!(
        table.stdout,
        "+----+---------+---------------------------+-----------+\n\
         | id | name    | created_at                | allowlist |\n\
         +----+---------+---------------------------+-----------+\n\
         | 2  | apikey2 | 2023-08-22T19:58:59+00:00 | <list>    |\n\
         +----+---------+---------------------------+-----------+\n"
    );
    let csv = midclt()
        .args(["-o", "csv", "render"])
        .stdin(r#"[{"a": 1, "b": "x,y"}]"#)
        .run()
        .success();
    assert_eq!(csv.stdout, "a,b\r\n1,\"x,y\"\r\n");
}

#[test]
fn the_catalogue_is_cached_and_refreshed_when_the_server_changes() {
    let s = Server::with(Config {
        version: Some("TrueNAS-A".into()),
        ..Default::default()
    });
    s.cli()
        .args(["-v", "auth", "me"])
        .run()
        .success()
        .stderr_has("core.get_methods");
    s.cli()
        .args(["-v", "auth", "me"])
        .run()
        .success()
        .stderr_lacks("core.get_methods");
    // A new server version behind the same socket: the cache is rebuilt.
    let upgraded = midclt::emulator::Emulator::new(Config {
        version: Some("TrueNAS-B".into()),
        ..Default::default()
    });
    upgraded.listen(&s.unix).unwrap();
    s.cli()
        .args(["-v", "auth", "me"])
        .run()
        .success()
        .stderr_has("core.get_methods");
    s.cli()
        .args(["cache", "clear"])
        .run()
        .success()
        .stdout_has("removed 1 cached catalogue(s)");
}

#[test]
fn commands_of_a_real_truenas_catalogue() {
    let (Some(methods), Some(services)) = (
        shared("catalog/methods-cli-root-v27.0.0-master-66d9e1b9.json"),
        shared("catalog/services-cli-v27.0.0-master-66d9e1b9.json"),
    ) else {
        return;
    };
    let catalog = ServedCatalog::load(&methods, Some(&services)).unwrap();
    let s = Server::with(Config {
        catalog: Some(Arc::new(catalog)),
        ..Default::default()
    });
    assert_eq!(
        dry(&s, "account user query username,uid WHERE uid > 1000")["params"],
        json!([[["uid", ">", 1000]], {}])
    );
    assert_eq!(dry(&s, "account user query")["method"], "user.query");
    assert_eq!(
        dry(
            &s,
            "network interface update enp0s3 aliases=\"192.168.0.10/24\""
        ),
        json!({"method": "interface.update", "params": ["enp0s3", {"aliases": [{"type": "INET", "address": "192.168.0.10", "netmask": 24}]}]})
    );
    s.cli().args(["storage"]).run().success().stdout_has("pool");
    // The emulator implements api_key, so the real catalogue's commands work against it.
    s.cli()
        .args([
            "-o",
            "table",
            "auth",
            "api_key",
            "create",
            "name=x",
            "username=root",
        ])
        .run()
        .success()
        .stdout_has("API Key: ");
}

#[test]
fn cli_commands_and_tokens_work_over_the_legacy_protocol() {
    let s = Server::start();
    let legacy = s.ws_path("/websocket");
    let cli = || {
        midclt()
            .uri(&legacy)
            .login("root")
            .env("MIDCLT_CACHE_DIR", s.dir.path().join("cache"))
    };
    cli()
        .args([
            "-o",
            "table",
            "auth",
            "api_key",
            "create",
            "name=old",
            "username=root",
        ])
        .run()
        .success()
        .stdout_has("API Key: 1-");
    cli()
        .args(["-o", "table", "auth", "api_key", "query", "id,name"])
        .run()
        .success()
        .stdout_has("| 1  | old  |");
    let token = cli().arg("token").run().success().stdout.clone();
    midclt()
        .uri(&legacy)
        .env("MIDCLT_TOKEN", token.trim())
        .args(["call", "auth.me"])
        .run()
        .success();
}

#[test]
fn a_cache_directory_others_can_write_is_not_trusted() {
    use std::os::unix::fs::PermissionsExt as _;
    let s = Server::start();
    let shared = s.dir.path().join("shared-cache");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
    // A catalogue planted there would be believed; midclt fetches its own instead.
    let out = s
        .cli()
        .env("MIDCLT_CACHE_DIR", &shared)
        .args(["--dry-run", "auth", "api_key", "query"])
        .run()
        .success()
        .stderr_has("not using the catalogue cache")
        .stderr_has("other users can write");
    assert_eq!(out.json()["method"], "api_key.query");
    assert_eq!(std::fs::read_dir(&shared).unwrap().count(), 0);
}

#[test]
fn without_home_the_cache_is_private_to_the_user() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let s = Server::start();
    let tmp = s.dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    s.cli()
        .env_remove("MIDCLT_CACHE_DIR")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("HOME")
        .env("TMPDIR", &tmp)
        .args(["--dry-run", "auth", "api_key", "query"])
        .run()
        .success();
    let dirs: Vec<_> = std::fs::read_dir(&tmp).unwrap().flatten().collect();
    assert_eq!(dirs.len(), 1);
    let name = dirs[0].file_name().into_string().unwrap();
    let meta = std::fs::symlink_metadata(dirs[0].path()).unwrap();
    assert_eq!(name, format!("midclt-cache-{}", meta.uid()));
    assert_eq!(meta.permissions().mode() & 0o777, 0o700);
}

#[test]
fn update_id_with_dashes_edits_that_object() {
    let s = Server::start();
    let (id, _) = s.create_key("before", "root");
    for line in [
        format!("auth api_key update {id} --"),
        format!("auth api_key update id={id} --"),
    ] {
        let out = s
            .cli()
            .args(["-c", &line])
            .stdin("{\"name\": \"after\"}\n")
            .run()
            .success();
        assert_eq!(out.json()["name"], "after", "{line}");
        assert_eq!(out.json()["id"], id, "{line}");
    }
}

#[test]
fn selected_columns_apply_to_every_format() {
    let s = Server::start();
    s.create_key("one", "root");
    for format in ["json", "yaml", "csv", "table"] {
        let out = s
            .cli()
            .args(["-o", format, "auth", "api_key", "query", "id,name"])
            .run()
            .success();
        assert!(out.stdout.contains("one"), "{format}: {}", out.stdout);
        assert!(!out.stdout.contains("username"), "{format}: {}", out.stdout);
        assert!(
            !out.stdout.contains("created_at"),
            "{format}: {}",
            out.stdout
        );
    }
}

#[test]
fn output_to_a_file() {
    let s = Server::start();
    s.create_key("filed", "root");
    let path = s.dir.path().join("keys.json");
    s.cli()
        .args([
            "-c",
            &format!("auth api_key query id,name > {}", path.display()),
        ])
        .run()
        .success()
        .stdout_is("");
    // `>` inside a condition stays a comparison.
    let out = s
        .cli()
        .args(["-o", "json", "-c", "auth api_key query name WHERE id > 0"])
        .run()
        .success();
    assert_eq!(out.json()[0]["name"], "filed");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(saved[0]["name"], "filed");
    assert!(saved[0].get("username").is_none());
    // A file that cannot be written is a local I/O failure.
    s.cli()
        .args(["-c", "auth api_key query > /nonexistent-dir/x.json"])
        .run()
        .code(7)
        .stderr_has("cannot write /nonexistent-dir/x.json");
}

#[test]
fn datetime_fields_take_iso_text() {
    let s = Server::start();
    let call = dry(
        &s,
        "auth api_key create name=x username=root expires_at=2027-01-01T00:00:00",
    );
    assert_eq!(
        call["params"][0]["expires_at"],
        json!({"$date": 1_798_761_600_000_i64})
    );
    // And the server takes it.
    let out = s
        .cli()
        .args(["-o", "json", "auth", "api_key", "create", "name=dated"])
        .args(["username=root", "expires_at=2027-01-01"])
        .run()
        .success();
    assert_eq!(
        out.json()["expires_at"],
        json!({"$date": 1_798_761_600_000_i64})
    );
}

#[test]
fn help_finds_things() {
    let s = Server::start();
    // `help PATH` is `PATH --help`.
    let a = s.cli().args(["help", "auth", "api_key"]).run().success();
    let b = s.cli().args(["auth", "api_key", "--help"]).run().success();
    assert_eq!(a.stdout, b.stdout);
    assert!(a.stdout.contains("create"), "{}", a.stdout);
    midclt()
        .args(["help", "call"])
        .run()
        .success()
        .stdout_has("Usage: midclt call");
    // A typo of a midclt command is caught before connecting anywhere.
    midclt()
        .uri("ws+unix:///nonexistent/socket")
        .args(["cal", "core.ping"])
        .run()
        .code(2)
        .stderr_has("did you mean `midclt call`?");
    // An unknown method gets suggestions from the cached catalogue, on a terminal.
    s.cli().args(["auth", "api_key", "query"]).run().success();
    let line = format!(
        "MIDCLT_CACHE_DIR={} {} -u {} call api_key.qeury",
        s.dir.path().join("cache").display(),
        assert_cmd::cargo::cargo_bin("midclt").display(),
        s.unix
    );
    let text = on_a_terminal(&line);
    assert!(text.contains("Method does not exist"), "{text}");
    assert!(text.contains("did you mean: api_key.query"), "{text}");
}

#[test]
fn completion_comes_from_the_cached_catalogue() {
    let s = Server::start();
    let complete = |words: &[&str]| -> Vec<String> {
        let out = s
            .cli()
            .arg("complete")
            .arg("--")
            .args(words)
            .run()
            .success();
        out.stdout.lines().map(str::to_string).collect()
    };
    // No cache yet: only midclt's own commands, and no network.
    assert_eq!(complete(&["ca"]), ["call", "cache"]);
    assert!(complete(&["auth", "api_"]).is_empty());
    s.cli().args(["auth", "me"]).run().success();
    assert!(complete(&["au"]).contains(&"auth".to_string()));
    assert_eq!(complete(&["auth", "api_"]), ["api_key"]);
    // As shells pass it: the whole line, global options included.
    assert_eq!(
        complete(&["-u", &s.unix, "--timeout", "5", "auth", "api_"]),
        ["api_key"]
    );
    assert!(complete(&["call", "api_key.q"]).contains(&"api_key.query".to_string()));
    let args = complete(&["auth", "api_key", "create", "na"]);
    assert_eq!(args, ["name="]);
    let args = complete(&["auth", "api_key", "create", "name=x", ""]);
    assert!(
        args.contains(&"username=".to_string()) && !args.contains(&"name=".to_string()),
        "{args:?}"
    );
    let cols = complete(&["auth", "api_key", "query", "id,na"]);
    assert_eq!(cols, ["id,name"]);
    assert_eq!(
        complete(&["auth", "api_key", "query", "id", "WH"]),
        ["WHERE"]
    );
}

#[test]
fn the_editor_reopens_a_document_that_does_not_parse() {
    let s = Server::start();
    // First save: a missing comma. Second: the marked text comes back, the user's words
    // intact; fix it (a trailing comma is fine).
    let text = create_key_in_editor(
        &s,
        "#!/bin/sh\nif grep -q 'ERROR:' \"$1\"; then\n  grep -q '\"username\": \"root\"' \"$1\" || exit 4\n  printf '{\"name\": \"second-try\", \"username\": \"root\",}' > \"$1\"\nelse\n  printf '{\\n\"name\": \"first-try\"\\n\"username\": \"root\"\\n}' > \"$1\"\nfi\n",
    );
    assert!(text.contains("\"name\": \"second-try\""), "{text}");
}
