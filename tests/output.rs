//! Output end to end: colour only on terminals, never with `NO_COLOR`; wide tables on a
//! terminal.
// Test helpers: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;

/// Two API keys, ids 1 and 2.
fn with_keys() -> Server {
    let s = Server::start();
    s.create_key("ci", "root");
    s.create_key("second key", "admin");
    s
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
