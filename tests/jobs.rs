//! `midclt job list|show|wait|abort` against the emulator's jobs.

// Test support: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Server;

/// Start `mock.progress_job(steps, interval)` and return its id.
fn start_job(s: &Server, steps: u32, interval: f64) -> u64 {
    let out = s
        .cli()
        .args([
            "call",
            "mock.progress_job",
            &steps.to_string(),
            &interval.to_string(),
        ])
        .run()
        .success();
    out.stdout_text().trim().parse().unwrap()
}

#[test]
fn list_filters_by_state_and_method() {
    let s = Server::start();
    let done = start_job(&s, 1, 0.0);
    s.cli()
        .args(["job", "wait", &done.to_string()])
        .run()
        .success();
    let running = start_job(&s, 100, 0.1);
    let listed = s
        .cli()
        .args(["job", "list", "--state", "running"])
        .run()
        .success()
        .json();
    let ids: Vec<u64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![running]);
    let by_method = s
        .cli()
        .args(["job", "list", "--method", "mock.progress_job"])
        .run()
        .success()
        .json();
    assert_eq!(by_method.as_array().map(Vec::len), Some(2));
    // The table is a summary, not every field of every job.
    let table = s
        .cli()
        .args(["-o", "table", "job", "list", "--state", "SUCCESS"])
        .run()
        .success();
    let header = table.stdout_text().lines().nth(1).unwrap().to_string();
    assert_eq!(
        header
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>(),
        [
            "id",
            "method",
            "state",
            "progress",
            "description",
            "time_started",
            "time_finished"
        ]
    );
    assert!(
        table.stdout_text().contains("| 100%     |"),
        "{}",
        table.stdout_text()
    );
}

#[test]
fn show_prints_one_job_and_an_unknown_id_is_an_error() {
    let s = Server::start();
    let id = start_job(&s, 1, 0.0);
    s.cli()
        .args(["job", "wait", &id.to_string()])
        .run()
        .success();
    let job = s
        .cli()
        .args(["job", "show", &id.to_string()])
        .run()
        .success()
        .json();
    assert_eq!(job["state"], "SUCCESS");
    assert_eq!(job["result"], serde_json::json!({"steps": 1}));
    s.cli()
        .args(["job", "show", "99"])
        .run()
        .code(1)
        .stderr_has("there is no job 99");
}

#[test]
fn wait_prints_the_result_or_the_failure() {
    let s = Server::start();
    let id = start_job(&s, 5, 0.05);
    s.cli()
        .args(["job", "wait", &id.to_string()])
        .run()
        .success()
        .stdout_is("{\"steps\": 5}\n");
    let failing = s
        .cli()
        .args(["call", "mock.failing_job", "disk on fire"])
        .run()
        .success();
    let failing = failing.stdout_text().trim().to_string();
    s.cli()
        .args(["job", "wait", &failing])
        .run()
        .code(1)
        .stdout_is("")
        .stderr_has("disk on fire");
}

#[test]
fn abort_with_wait_ends_the_job() {
    let s = Server::start();
    let id = start_job(&s, 100, 0.1);
    s.cli()
        .args(["job", "abort", "--wait", &id.to_string()])
        .run()
        .success()
        .stdout_is("");
    let job = s
        .cli()
        .args(["job", "show", &id.to_string()])
        .run()
        .success()
        .json();
    assert_eq!(job["state"], "ABORTED");
}

#[test]
fn new_style_jobs_are_used_where_the_server_offers_them() {
    let s = Server::start();
    let out = s
        .cli()
        .args(["-v", "call", "-j", "mock.progress_job", "2", "0.01"])
        .run()
        .success()
        .stdout_is("{\"steps\": 2}\n");
    let trace = out.stderr();
    assert!(
        trace.contains(r#""method":"core.set_options","params":[{"legacy_jobs":false}]"#),
        "{trace}"
    );
    // The job's answer arrives when it has ended, and the connection is put back after.
    assert!(
        trace.contains(r#""params":[{"legacy_jobs":true}]"#),
        "{trace}"
    );
    // Over the legacy protocol there is only the legacy style.
    common::midclt()
        .uri(&s.ws_path("/websocket"))
        .login("root")
        .args(["-v", "call", "-j", "mock.progress_job", "2", "0.01"])
        .run()
        .success()
        .stdout_is("{\"steps\": 2}\n")
        .stderr_lacks("legacy_jobs");
}

#[test]
fn a_failed_new_style_job_is_the_jobs_error() {
    let s = Server::start();
    s.cli()
        .args(["call", "-j", "mock.failing_job", "disk on fire"])
        .run()
        .code(1)
        .stdout_is("")
        .stderr_has("disk on fire");
    s.cli()
        .args(["call", "-j", "mock.failing_job", "bad value", "true"])
        .run()
        .code(1)
        .stderr_has("bad value");
}

/// A job followed across a restart of the middleware: job ids start again from 1, so the
/// id names nothing or another job, and neither may pass for the job that was started.
#[test]
fn a_job_lost_in_a_server_restart_is_never_taken_for_another() {
    let s = Server::start();
    for (what, another) in [("vanished", false), ("replaced", true)] {
        let follow = |args: &[&str]| s.cli().args(args).spawn();
        let pause = |ms| std::thread::sleep(std::time::Duration::from_millis(ms));
        let call = follow(&["call", "-j", "mock.progress_job", "40", "0.1"]);
        pause(300); // job 1 exists
        let waiting = [call, follow(&["job", "wait", "1"])];
        let batch_input = s.file("lines.txt", "-j mock.progress_job 40 0.1\n");
        let batch = s.cli().arg("batch").arg(&batch_input).spawn();
        pause(600);
        s.emu.restart();
        if another {
            // Job 1 again, of the same method, before anyone reconnects (after 1 s).
            assert_eq!(start_job(&s, 5, 0.05), 1);
        }
        for child in waiting {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
            assert!(out.stdout.is_empty(), "{what}: {stderr}");
            assert!(
                stderr.contains("is no longer known to the server"),
                "{what}: {stderr}"
            );
        }
        let out = batch.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(9), "{what}: {stdout}");
        assert!(
            stdout.contains("is no longer known to the server"),
            "{what}: {stdout}"
        );
        s.emu.restart();
    }
}
