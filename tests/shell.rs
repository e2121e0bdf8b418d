//! `midclt shell`: scripts on stdin, and the interactive shell on a pseudo-terminal
//! (navigation, completion, history, Ctrl-C, Ctrl-D, reconnection).

// Test support: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Server;
use rexpect::session::PtySession;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

// ---------------------------------------------------------------------------------------
// Scripts
// ---------------------------------------------------------------------------------------

#[test]
fn a_script_navigates_and_runs_commands_over_one_connection() {
    let s = Server::start();
    let out = s
        .cli()
        .args(["-o", "csv", "shell"])
        .stdin(
            "# keys for CI\n\
             auth api_key\n\
             create name=ci username=root\n\
             \n\
             query id,name\n\
             ..\n\
             ..\n\
             system hostname\n\
             auth api_key query name WHERE id == 1\n",
        )
        .run()
        .success();
    let text = out.stdout_text();
    assert!(text.starts_with("API Key: 1-"), "{text}");
    assert!(text.contains("id,name\r\n1,ci\r\n"), "{text}");
    assert!(text.contains("\ntruenas\n"), "{text}");
    assert!(text.ends_with("name\r\nci\r\n"), "{text:?}");
    // One connection for the whole script: one login, however many lines.
    let out = common::midclt()
        .uri(&s.ws)
        .login("root")
        .args(["-v", "shell"])
        .stdin("system hostname\nauth api_key query\nsystem hostname\n")
        .run()
        .success();
    assert_eq!(out.stderr().matches("* logged in").count(), 1);
}

#[test]
fn a_script_stops_at_the_first_failure_with_its_exit_code() {
    let s = Server::start();
    s.cli()
        .arg("shell")
        .stdin("system hostname\nauth api_key create name=x\nsystem hostname\n")
        .run()
        .code(1)
        .stdout_is("\"truenas\"\n")
        .stderr_has("line 2: ")
        .stderr_has("api_key_create.username: Field required");
    // A misspelt command is a usage error (2).
    s.cli()
        .arg("shell")
        .stdin("sytem hostname\nsystem hostname\n")
        .run()
        .code(2)
        .stdout_is("")
        .stderr_has("line 1: `sytem` is not a command");
}

#[test]
fn hints_for_a_misspelt_word_speak_the_shells_language() {
    let s = Server::start();
    let out = s
        .cli()
        .args(["shell", "--keep-going"])
        .stdin("auth\napi_kye query\n")
        .run()
        .code(2)
        .stderr_has("line 2: `api_kye` is not a command or namespace in `auth`")
        // Relative to the namespace the shell is in, as a line there is typed.
        .stderr_has("did you mean: api_key?")
        .stderr_has("`ls` lists what is here");
    let stderr = out.stderr();
    assert!(
        !stderr.contains("midclt ls") && !stderr.contains("midclt auth"),
        "{stderr}"
    );
}

#[test]
fn keep_going_runs_every_line_and_reports_the_first_failure() {
    let s = Server::start();
    s.cli()
        .args(["shell", "--keep-going"])
        .stdin("sytem hostname\nauth api_key create name=x\nsystem hostname\n")
        .run()
        .code(2)
        .stdout_is("\"truenas\"\n")
        .stderr_has("line 1: `sytem`")
        .stderr_has("line 2: ");
}

#[test]
fn exit_ends_a_script() {
    let s = Server::start();
    s.cli()
        .arg("shell")
        .stdin("system hostname\nexit\nsytem hostname\n")
        .run()
        .success()
        .stdout_is("\"truenas\"\n");
}

#[test]
fn a_dropped_connection_is_opened_again_before_the_next_line() {
    let s = Server::start();
    s.cli()
        .args(["-o", "csv", "shell"])
        .stdin(
            // The pause lets the cut reach the client before the next line, as it
            // would between two commands typed by a person.
            "auth api_key create name=before username=root\n\
             mock drop_connection\n\u{c}\
             auth api_key query name\n",
        )
        .run()
        .success()
        .stdout_has("name\r\nbefore\r\n")
        .stderr_is("midclt: the connection to the server was lost; connecting again\n");
}

#[test]
fn a_password_login_is_kept_for_reconnecting() {
    let s = Server::start();
    common::midclt()
        .uri(&s.ws)
        .login("root")
        .arg("shell")
        .stdin("mock drop_connection\n\u{c}system hostname\n")
        .run()
        .success()
        .stdout_is("true\n\"truenas\"\n")
        .stderr_has("connecting again");
}

// ---------------------------------------------------------------------------------------
// The interactive shell
// ---------------------------------------------------------------------------------------

const TIMEOUT_MS: u64 = 20_000;

/// Type like a person: the line editor takes a burst of bytes (a key sequence and what
/// follows it) differently from keys that arrive one after another.
fn keys(p: &mut PtySession, text: &str) {
    p.send(text).unwrap();
    p.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
}

/// `midclt shell` on a pseudo-terminal, its history under `state`.
fn interactive(s: &Server, state: &Path, extra: &[&str]) -> PtySession {
    let mut cmd = s
        .cli()
        .env("XDG_STATE_HOME", state)
        .env_remove("MIDCLT_HISTORY")
        .env("TERM", "xterm")
        .args(extra)
        .into_command();
    cmd.arg("shell");
    let mut p = rexpect::session::spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn the shell");
    p.exp_string("[truenas]> ").expect("first prompt");
    p
}

#[test]
fn the_shell_navigates_lists_and_leaves_on_ctrl_d() {
    let s = Server::start();
    let state = tempfile::tempdir().unwrap();
    let mut p = interactive(&s, state.path(), &[]);
    p.send_line("auth api_key").unwrap();
    p.exp_string("to list available auth api_key configuration options")
        .unwrap();
    p.exp_string("man create").unwrap();
    p.exp_string("[truenas] auth api_key> ").unwrap();
    p.send_line("ls").unwrap();
    p.exp_string("create          - Create an API key").unwrap();
    p.exp_string("[truenas] auth api_key> ").unwrap();
    p.send_line("create name=shell username=root").unwrap();
    p.exp_string("API Key: 1-").unwrap();
    p.exp_string("[truenas] auth api_key> ").unwrap();
    p.send_line("update 1 name=renamed").unwrap();
    p.exp_string("[truenas] auth api_key> ").unwrap();
    p.send_line("query id,name").unwrap();
    p.exp_string("| 1  | renamed |").unwrap();
    p.exp_string("[truenas] auth api_key> ").unwrap();
    p.send_line("delete 1").unwrap();
    p.exp_string("[truenas] auth api_key> ").unwrap();
    p.send_line("query").unwrap();
    p.exp_string("(empty list)").unwrap();
    p.send_line("..").unwrap();
    p.exp_string("[truenas] auth> ").unwrap();
    p.send_line("/").unwrap();
    p.exp_string("[truenas]> ").unwrap();
    // An error is reported and the shell carries on.
    p.send_line("sytem info").unwrap();
    p.exp_string("`sytem` is not a command or namespace")
        .unwrap();
    p.exp_string("[truenas]> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn tab_completes_namespaces_commands_and_argument_names() {
    let s = Server::start();
    // Completion reads the catalogue cache; one command fills it.
    s.cli().args(["auth", "api_key", "query"]).run().success();
    let state = tempfile::tempdir().unwrap();
    let mut p = interactive(&s, state.path(), &[]);
    for typed in ["aut", "\t", "api_", "\t", "cre", "\t", "na", "\t"] {
        keys(&mut p, typed);
    }
    p.send_line("tabbed username=root").unwrap();
    p.exp_string("API Key: 1-").unwrap();
    p.exp_string("[truenas]> ").unwrap();
    p.send_line("auth api_key query name").unwrap();
    p.exp_string("| tabbed |").unwrap();
    p.exp_string("[truenas]> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn history_survives_a_restart_without_secret_lines() {
    let s = Server::start();
    let state = tempfile::tempdir().unwrap();
    let mut p = interactive(&s, state.path(), &[]);
    p.send_line("system hostname").unwrap();
    p.exp_string("truenas").unwrap();
    p.exp_string("[truenas]> ").unwrap();
    p.send_line("account user update root password=hunter2-secret")
        .unwrap();
    p.exp_string("[truenas]> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();

    let file = state.path().join("midclt").join("history");
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(text, "system hostname\n");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let dir_mode = std::fs::metadata(file.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);

    // After a restart, Up recalls the last stored line.
    let mut p = interactive(&s, state.path(), &[]);
    keys(&mut p, "\x1b[A");
    keys(&mut p, "\r");
    p.exp_string("truenas\r\n").unwrap();
    p.exp_string("[truenas]> ").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn ctrl_c_discards_the_line_and_cancels_a_running_call() {
    let s = Server::start();
    let state = tempfile::tempdir().unwrap();
    let mut p = interactive(&s, state.path(), &[]);
    keys(&mut p, "system hostn");
    p.send_control('c').unwrap();
    p.exp_string("[truenas]> ").unwrap();
    // The emulator answers one connection's calls in turn: a short sleep keeps the
    // next command from waiting long for it.
    p.send_line("mock sleep seconds=3").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    p.send_control('c').unwrap();
    p.exp_string("mock.sleep: interrupted; the server may still finish the call")
        .unwrap();
    p.exp_string("[truenas]> ").unwrap();
    // The connection is still good for the next command.
    p.send_line("system hostname").unwrap();
    p.exp_string("truenas\r\n").unwrap();
    p.exp_string("[truenas]> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn ctrl_c_on_a_running_job_asks_whether_to_abort_or_detach() {
    let s = Server::start();
    let state = tempfile::tempdir().unwrap();
    let mut p = interactive(&s, state.path(), &[]);

    // Detach: the job goes on, and its id is named.
    p.send_line("mock progress_job steps=100 interval=0.1")
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    p.send_control('c').unwrap();
    p.exp_string("[a]bort it, [d]etach").unwrap();
    p.send_line("d").unwrap();
    let (_, id) = p.exp_regex(r"stopped waiting for job (\d+)").unwrap();
    let id: String = id.chars().filter(char::is_ascii_digit).collect();
    p.exp_string(&format!("midclt job wait {id}")).unwrap();
    p.exp_string("[truenas]> ").unwrap();
    let state_of = |id: &str| {
        s.cli()
            .args(["call", "core.get_jobs", &format!("[[\"id\", \"=\", {id}]]")])
            .run()
            .success()
            .json()[0]["state"]
            .clone()
    };
    assert_eq!(state_of(&id), "RUNNING");

    // Abort: the job ends as aborted, and the shell says so.
    p.send_line("mock progress_job steps=100 interval=0.1")
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    p.send_control('c').unwrap();
    p.exp_string("[a]bort it, [d]etach").unwrap();
    p.send_line("a").unwrap();
    p.exp_string("Aborting job").unwrap();
    p.exp_string("aborted").unwrap();
    p.exp_string("[truenas]> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    assert_eq!(
        state_of(&(id.parse::<u64>().unwrap() + 1).to_string()),
        "ABORTED"
    );
}

#[test]
fn without_a_terminal_and_without_a_command_midclt_prints_its_help() {
    common::midclt()
        .run()
        .code(2)
        .stdout_is("")
        .stderr_has("Usage: midclt");
}

#[test]
fn ctrl_c_during_call_j_in_a_script_detaches_and_names_the_job() {
    let s = Server::start();
    let child = s
        .cli()
        .args(["call", "-j", "mock.progress_job", "100", "0.1"])
        .spawn();
    std::thread::sleep(std::time::Duration::from_millis(700));
    common::interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("stopped waiting for job 1 (mock.progress_job); it goes on running"),
        "{stderr}"
    );
    assert!(stderr.contains("`midclt job wait 1`"), "{stderr}");
    let job = s
        .cli()
        .args(["call", "core.get_jobs", "[[\"id\", \"=\", 1]]"])
        .run()
        .success()
        .json();
    assert_eq!(job[0]["state"], "RUNNING");
}

#[test]
fn a_job_whose_connection_drops_half_way_still_reports_its_result() {
    let s = Server::start();
    // Enough frames for the login, the subscription, the call and a few progress events.
    s.emu.drop_next_connection_after(12);
    s.cli()
        .args(["call", "-j", "mock.progress_job", "10", "0.1"])
        .run()
        .success()
        .stdout_is("{\"steps\": 10}\n")
        .stderr_has("connecting again in 1 s to follow job 1 (attempt 1 of 5)");
}

#[test]
fn a_job_reports_its_id_when_the_server_stays_away() {
    let s = Server::start();
    s.emu.drop_next_connection_after(12);
    let mut child = s
        .cli()
        .args(["call", "-j", "mock.progress_job", "100", "0.1"])
        .spawn();
    // The server goes away for good once the connection dropped.
    std::thread::sleep(std::time::Duration::from_millis(600));
    drop(s);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("job 1 (mock.progress_job) goes on running on the server"),
        "{stderr}"
    );
    assert!(stderr.contains("`midclt job wait 1`"), "{stderr}");
}
