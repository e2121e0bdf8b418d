//! The shipped completion scripts, run by the shells themselves: bash always, fish and zsh
//! when they are installed (CI installs them). Candidates come from `midclt complete` and
//! the cache.

// Test support: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Server;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A directory holding `midclt` (the built binary), for the scripts' PATH.
fn bin_dir(s: &Server) -> PathBuf {
    let dir = s.dir.path().join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("midclt");
    if !link.exists() {
        std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("midclt"), &link).unwrap();
    }
    dir
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("completions")
        .join(name)
}

/// Completion candidates bash offers for `line` (the cursor at its end).
fn bash_complete(s: &Server, line: &str) -> Vec<String> {
    let program = format!(
        r#"source {script}
COMP_LINE={line:?}; COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
_midclt_dynamic midclt "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script = script("midclt.bash").display(),
    );
    run(s, Command::new("bash").args(["--norc", "-c", &program]))
}

fn run(s: &Server, cmd: &mut Command) -> Vec<String> {
    let path = format!(
        "{}:{}",
        bin_dir(s).display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = cmd
        .env("PATH", path)
        .env("MIDCLT_URI", &s.unix)
        .env("MIDCLT_CACHE_DIR", s.dir.path().join("cache"))
        .env("MIDCLT_CONFIG", "/nonexistent/midclt-tests/config.toml")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut words: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    words.sort();
    words
}

#[test]
fn bash_completes_namespaces_methods_and_argument_names() {
    let s = Server::start();
    // Nothing dynamic before the catalogue is cached.
    assert!(!bash_complete(&s, "midclt auth api_").contains(&"api_key".to_string()));
    s.cli().args(["auth", "api_key", "query"]).run().success();
    assert_eq!(bash_complete(&s, "midclt auth api_"), ["api_key"]);
    assert_eq!(
        bash_complete(&s, "midclt call api_key.q"),
        ["api_key.query"]
    );
    assert_eq!(
        bash_complete(&s, "midclt auth api_key create na"),
        ["name="]
    );
}

#[test]
fn fish_completes_namespaces_methods_and_argument_names() {
    if Command::new("fish").arg("--version").output().is_err() {
        eprintln!("skipped: fish is not installed");
        return;
    }
    let s = Server::start();
    s.cli().args(["auth", "api_key", "query"]).run().success();
    let complete = |line: &str| {
        let program = format!(
            "source {}; complete -C {}",
            script("midclt.fish").display(),
            shell_quote(line)
        );
        run(
            &s,
            Command::new("fish").args(["--no-config", "-c", &program]),
        )
    };
    assert!(complete("midclt auth api_").contains(&"api_key".to_string()));
    assert!(complete("midclt call api_key.q").contains(&"api_key.query".to_string()));
    assert!(complete("midclt auth api_key create na").contains(&"name=".to_string()));
}

#[test]
fn zsh_completes_namespaces_methods_and_argument_names() {
    if Command::new("zsh").arg("--version").output().is_err() {
        eprintln!("skipped: zsh is not installed");
        return;
    }
    let s = Server::start();
    s.cli().args(["auth", "api_key", "query"]).run().success();
    // Outside a completion widget `words` and `CURRENT` are plain variables, so the
    // script's function runs as compsys would call it; `compadd` prints what it is given
    // and clap's own `_midclt` (the fallback for options) says that it was reached.
    let complete = |line: &str| {
        let program = format!(
            r#"compdef() {{ : }}
source {}
_midclt() {{ print -r -- FALLBACK }}
compadd() {{ local i=${{@[(i)--]}}; print -rl -- "${{@[i+1,-1]}}" }}
LINE={}
words=(${{=LINE}}); [[ $LINE == *" " ]] && words+=("")
CURRENT=${{#words}}
_midclt_dynamic"#,
            script("_midclt").display(),
            shell_quote(line)
        );
        run(&s, Command::new("zsh").args(["-f", "-c", &program]))
    };
    assert_eq!(complete("midclt auth api_"), ["api_key"]);
    assert_eq!(complete("midclt call api_key.q"), ["api_key.query"]);
    assert_eq!(complete("midclt auth api_key create na"), ["name="]);
    assert_eq!(complete("midclt --ver"), ["FALLBACK"]);
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "\\'"))
}
