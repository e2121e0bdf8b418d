//! Output end to end: colour only on terminals, never with `NO_COLOR`.
// Test helpers: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;

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
