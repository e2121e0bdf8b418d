//! `midclt batch`: many calls over one connection against the emulator.
// Test support: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::*;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// The result lines, each parsed.
fn results(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn ten_thousand_calls_come_back_in_input_order() {
    let s = Server::start();
    let mut input = String::new();
    for i in 0..10_000 {
        if i % 3 == 0 {
            writeln!(input, r#"{{"method": "system.hostname", "id": {i}}}"#).unwrap();
        } else {
            writeln!(input, r#"{{"method": "core.ping", "id": {i}}}"#).unwrap();
        }
    }
    let out = s.cli().arg("batch").stdin(&input).run().success();
    let lines = results(out.stdout_text());
    assert_eq!(lines.len(), 10_000);
    for (i, line) in lines.iter().enumerate() {
        let expected = if i % 3 == 0 {
            json!("truenas")
        } else {
            json!("pong")
        };
        assert_eq!(line, &json!({"id": i, "result": expected}), "line {i}");
    }
}

#[test]
fn results_keep_the_input_order_when_answers_do_not() {
    let s = Server::start();
    let input = "mock.sleep 0.4\ncore.ping\nmock.sleep 0.2\nsystem.hostname\n";
    let out = s.cli().arg("batch").stdin(input).run().success();
    assert_eq!(
        results(out.stdout_text()),
        vec![
            json!({"id": 1, "result": true}),
            json!({"id": 2, "result": "pong"}),
            json!({"id": 3, "result": true}),
            json!({"id": 4, "result": "truenas"}),
        ]
    );
    // Unordered: each result as soon as it is known, the slow calls last.
    let out = s
        .cli()
        .args(["batch", "--unordered"])
        .stdin(input)
        .run()
        .success();
    let ids: Vec<Value> = results(out.stdout_text())
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(2), json!(4), json!(3), json!(1)]);
}

#[test]
fn json_and_text_lines_with_errors_mixed_in() {
    let s = Server::start();
    let input = r#"# the hostname, then a query with a JSON argument
system.hostname

api_key.query '[["id", "=", 99]]' '{"select": ["id"]}'
{"method": "core.ping", "id": "ping-1"}
{"method": "core.ping", "id": {"any": ["json", null]}, "params": []}
{"method": "no.such", "id": null}
system.hostname extra
{"method": "core.ping", "parms": [], "id": 9}
{"method": "core.ping"
core.ping 'unclosed
"#;
    let out = s.cli().arg("batch").stdin(input).run().code(8);
    let lines = results(out.stdout_text());
    assert_eq!(lines.len(), 9, "{lines:?}");
    assert_eq!(lines[0], json!({"id": 2, "result": "truenas"}));
    assert_eq!(lines[1], json!({"id": 4, "result": []}));
    assert_eq!(lines[2], json!({"id": "ping-1", "result": "pong"}));
    assert_eq!(
        lines[3],
        json!({"id": {"any": ["json", null]}, "result": "pong"})
    );
    assert_eq!(
        lines[4],
        json!({"id": null, "error": {"code": -32601, "errname": null,
            "message": "Method does not exist", "extra": null}})
    );
    let e = &lines[5]["error"];
    assert_eq!(
        (lines[5]["id"].clone(), e["code"].clone()),
        (json!(8), json!(-32602))
    );
    assert_eq!(e["errname"], "EINVAL");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("Too many arguments"),
        "{e}"
    );
    assert_eq!(e["extra"][0][2], 22, "{e}");
    // Malformed lines: the line's own id when it had one, else its number; code null.
    let e = &lines[6];
    assert_eq!(
        (e["id"].clone(), e["error"]["code"].clone()),
        (json!(9), Value::Null)
    );
    assert_eq!(e["error"]["errname"], "EINVAL");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("line 9: unknown key \"parms\""));
    assert_eq!(lines[7]["id"], 10);
    assert!(lines[7]["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("line 10: not JSON"));
    assert_eq!(lines[8]["id"], 11);
    assert!(lines[8]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not closed"));
}

#[test]
fn the_exit_code_says_whether_all_some_or_none_succeeded() {
    let s = Server::start();
    s.cli()
        .arg("batch")
        .stdin("core.ping\ncore.ping\n")
        .run()
        .success();
    s.cli()
        .arg("batch")
        .stdin("core.ping\nno.such\n")
        .run()
        .code(8);
    s.cli().arg("batch").stdin("no.such\n{bad\n").run().code(9);
    // No lines at all: nothing failed.
    s.cli()
        .arg("batch")
        .stdin("\n# nothing\n")
        .run()
        .success()
        .stdout_is("");
    s.cli().arg("batch").run().success().stdout_is("");
}

#[test]
fn a_file_can_hold_the_batch() {
    let s = Server::start();
    let file = s.file("calls.txt", "core.ping\nsystem.hostname\n");
    s.cli()
        .arg("batch")
        .arg(&file)
        .run()
        .success()
        .stdout_is("{\"id\":1,\"result\":\"pong\"}\n{\"id\":2,\"result\":\"truenas\"}\n");
    s.cli()
        .args(["batch", "/nonexistent/calls.txt"])
        .run()
        .code(2)
        .stderr_has("cannot read /nonexistent/calls.txt");
}

#[test]
fn fail_fast_sends_nothing_after_a_failure() {
    let s = Server::start();
    let input = "core.ping\nno.such\ncore.ping\ncore.ping\n";
    let out = s
        .cli()
        .args(["batch", "--fail-fast", "--in-flight", "1"])
        .stdin(input)
        .run()
        .code(8);
    let ids: Vec<Value> = results(out.stdout_text())
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!(1), json!(2)]);
    // With calls in flight, those already sent are still written, and nothing after them.
    let mut input = "core.ping\n".repeat(500);
    input.push_str("no.such\n");
    input.push_str(&"core.ping\n".repeat(5000));
    let out = s
        .cli()
        .args(["batch", "--fail-fast"])
        .stdin(&input)
        .run()
        .code(8);
    let lines = results(out.stdout_text());
    assert!(
        lines.len() >= 501 && lines.len() < 600,
        "{} lines",
        lines.len()
    );
    assert_eq!(lines[500]["error"]["code"], -32601);
    // Without it, every line runs.
    let out = s.cli().arg("batch").stdin(&input).run().code(8);
    assert_eq!(results(out.stdout_text()).len(), 5501);
}

#[test]
fn jobs_are_followed_to_their_end() {
    let s = Server::start();
    let input = r#"-j mock.progress_job 3 0.05
{"method": "mock.failing_job", "params": ["boom"], "job": true, "id": "f"}
{"method": "mock.failing_job", "params": ["bad name", true], "job": true, "id": "v"}
-j core.ping
mock.progress_job 1 0
"#;
    let out = s.cli().arg("batch").stdin(input).run().code(8);
    let lines = results(out.stdout_text());
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[0]["result"], json!({"steps": 3}), "{}", lines[0]);
    assert!(lines[0]["job_id"].is_i64());
    assert_eq!(
        lines[1]["error"],
        json!({"code": -32001, "errname": "EFAULT", "message": "[EFAULT] boom", "extra": null})
    );
    assert_eq!(lines[1]["id"], "f");
    assert_eq!(lines[2]["error"]["code"], -32602, "{}", lines[2]);
    assert_eq!(lines[2]["error"]["extra"][0][1], "bad name");
    // Not a job: the call ran, there is nothing to follow.
    assert!(lines[3]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("not a job method"));
    assert_eq!(lines[3]["error"]["code"], Value::Null);
    // Without -j a job method answers with the job id.
    assert!(lines[4]["result"].is_i64(), "{}", lines[4]);
}

#[test]
fn lines_merged_into_one_job_each_get_its_result() {
    let s = Server::start();
    // The server answers a call merged into a queued job with that job's id: three lines
    // share one job; the last, with other arguments, has its own.
    let input = "-j mock.merged_job k 0.5\n-j mock.merged_job k 0.5\ncore.ping\n\
                 -j mock.merged_job k 0.5\nmock.sleep 0\n-j mock.merged_job other 0\n";
    for args in [&["batch"][..], &["batch", "--unordered"]] {
        let out = s.cli().args(args).stdin(input).run().success();
        let mut lines = results(out.stdout_text());
        lines.sort_by_key(|l| l["id"].as_i64());
        assert_eq!(lines.len(), 6, "{lines:?}");
        for i in [0, 1, 3, 5] {
            assert!(lines[i]["result"]["seconds"].is_f64(), "{}", lines[i]);
        }
        assert_eq!(lines[0]["job_id"], lines[1]["job_id"]);
        assert_eq!(lines[0]["job_id"], lines[3]["job_id"]);
        assert_ne!(lines[0]["job_id"], lines[5]["job_id"]);
    }
}

#[test]
fn many_jobs_at_once_stay_within_the_window() {
    let s = Server::start();
    let input = "-j mock.progress_job 2 0.05\n".repeat(45);
    let out = s.cli().arg("batch").stdin(&input).run().success();
    let lines = results(out.stdout_text());
    assert_eq!(lines.len(), 45);
    let mut job_ids: Vec<i64> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            assert_eq!(
                (l["id"].clone(), l["result"].clone()),
                (json!(i + 1), json!({"steps": 2}))
            );
            l["job_id"].as_i64().unwrap()
        })
        .collect();
    job_ids.dedup();
    assert_eq!(job_ids.len(), 45);
}

#[test]
fn a_timed_out_call_fails_alone() {
    let s = Server::start();
    let out = s
        .cli()
        .args(["-t", "1", "batch"])
        .stdin("mock.sleep 3\ncore.ping\n")
        .run()
        .code(8);
    let lines = results(out.stdout_text());
    assert_eq!(lines[0]["error"]["code"], Value::Null);
    assert_eq!(lines[0]["error"]["errname"], "ETIMEDOUT");
    assert!(lines[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no answer within 1 s"));
    assert_eq!(lines[1], json!({"id": 2, "result": "pong"}));
}

#[test]
fn refused_calls_are_sent_again_until_the_server_takes_them() {
    let s = Server::start();
    // 40 slow calls at once: the server takes 20 and refuses the rest, which go again.
    let input = "mock.sleep 0.2\n".repeat(40);
    let out = s
        .cli()
        .args(["-v", "batch", "--in-flight", "40"])
        .stdin(&input)
        .run()
        .success()
        .stderr_has("the server refused a call (too many in flight)")
        .stderr_has("midclt: batch: 40 results, 40 succeeded, 0 failed");
    let lines = results(out.stdout_text());
    assert_eq!(lines.len(), 40);
    assert!(
        lines.iter().all(|l| l["result"] == json!(true)),
        "{lines:?}"
    );
}

#[test]
fn a_dropped_connection_fails_only_the_calls_awaiting_an_answer() {
    let s = Server::start();
    s.emu.drop_next_connection_after(30);
    let input = "core.ping\n".repeat(300);
    let out = s.cli().arg("batch").stdin(&input).run().code(8);
    let out = out.stderr_has("connecting again in 1 s to go on with the batch (attempt 1 of 5)");
    let lines = results(out.stdout_text());
    assert_eq!(lines.len(), 300);
    let mut lost = 0;
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["id"], i + 1);
        if l.get("error").is_some() {
            assert_eq!(l["error"]["errname"], "ECONNABORTED", "{l}");
            assert!(l["error"]["message"]
                .as_str()
                .unwrap()
                .contains("may or may not have run"));
            lost += 1;
        } else {
            assert_eq!(l["result"], "pong");
        }
    }
    // At most a window's worth was in flight; the lines after the drop ran on a new connection.
    assert!((1..=20).contains(&lost), "{lost} lost");
    assert_eq!(lines[299]["result"], "pong");
}

#[test]
fn a_job_is_followed_across_a_dropped_connection() {
    let s = Server::start();
    // The subscription's answer, the job's events and its answer, then the cut.
    s.emu.drop_next_connection_after(4);
    let out = s
        .cli()
        .arg("batch")
        .stdin("-j mock.progress_job 4 0.3\n")
        .run()
        .success()
        .stderr_has("connecting again");
    let lines = results(out.stdout_text());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["result"], json!({"steps": 4}), "{}", lines[0]);
}

#[test]
fn a_batch_speaks_the_legacy_protocol_too() {
    let s = Server::start();
    let out = midclt()
        .uri(&s.ws_path("/websocket"))
        .login("root")
        .arg("batch")
        .stdin("core.ping\n-j mock.progress_job 2 0.05\nno.such\n")
        .run()
        .code(8);
    let lines = results(out.stdout_text());
    assert_eq!(lines[0], json!({"id": 1, "result": "pong"}));
    assert_eq!(lines[1]["result"], json!({"steps": 2}), "{}", lines[1]);
    assert_eq!(lines[2]["id"], 3);
    assert!(lines[2].get("error").is_some(), "{}", lines[2]);
}

#[test]
fn fail_fast_stops_at_a_malformed_line_too() {
    let s = Server::start();
    let out = s
        .cli()
        .args(["batch", "--fail-fast"])
        .stdin("core.ping\n{oops\ncore.ping\ncore.ping\n")
        .run()
        .code(8);
    let lines = results(out.stdout_text());
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1]["id"], 2);
}

#[test]
fn the_summary_goes_to_stderr_with_verbose_and_help_documents_the_codes() {
    let s = Server::start();
    s.cli()
        .args(["-v", "batch"])
        .stdin("core.ping\nno.such\n")
        .run()
        .code(8)
        .stderr_has("midclt: batch: 2 results, 1 succeeded, 1 failed");
    midclt()
        .args(["batch", "--help"])
        .run()
        .success()
        .stdout_has("8 some lines failed")
        .stdout_has("\"job\": false");
    midclt()
        .args(["batch", "--in-flight", "0"])
        .run()
        .code(2)
        .stderr_has("--in-flight");
}

#[test]
fn output_options_are_refused_with_a_reason() {
    let s = Server::start();
    s.cli()
        .args(["-o", "table", "batch"])
        .stdin("core.ping\n")
        .run()
        .code(2)
        .stdout_is("")
        .stderr_has("-o, --pretty and --select do not apply");
}

#[test]
fn a_reader_that_goes_away_stops_the_batch_at_once() {
    use std::io::BufRead as _;
    let s = Server::start();
    // More results than a pipe holds, so that writing fails once the reader is gone.
    let mut input = String::from("-j mock.progress_job 100 0.1\n");
    input.push_str(&"core.ping\n".repeat(20_000));
    let file = s.file("lines.txt", &input);
    let mut child = s.cli().arg("batch").arg("--unordered").arg(&file).spawn();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("\"result\":\"pong\""), "{first}");
    drop(stdout); // as `| head -1` does
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(7));
    // It did not wait for the 10 s job whose line nobody would read.
    let job = s
        .cli()
        .args(["call", "core.get_jobs", r#"[["id", "=", 1]]"#])
        .run()
        .success()
        .json();
    assert_eq!(job[0]["state"], "RUNNING", "{job}");
}

#[test]
fn comments_json_arrays_and_directories_are_told_apart() {
    let s = Server::start();
    let out = s
        .cli()
        .arg("batch")
        .stdin("core.ping   # a comment, as in sh\n[\"core.ping\"]\nmock.sleep '#0'\n")
        .run()
        .code(8);
    let lines = results(out.stdout_text());
    assert_eq!(lines[0], json!({"id": 1, "result": "pong"}));
    assert!(lines[1]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("a JSON line must be an object"));
    // Quoted, `#` is an argument: the server's validation sees it.
    assert_eq!(lines[2]["error"]["code"], -32602, "{}", lines[2]);
    s.cli()
        .args(["batch", s.dir.path().to_str().unwrap()])
        .run()
        .code(2)
        .stderr_has("is a directory");
}
