//! Completions (completions/) and man pages (man/) are generated from the clap model.
//! This test fails when they are stale; `MIDCLT_UPDATE_ASSETS=1 cargo test --test
//! generated_assets` rewrites them.
// Test support: the asset builders panic when a man page cannot be rendered, which fails
// the test with its location.
#![allow(clippy::expect_used)]

use clap::CommandFactory;
use clap_complete::Shell;

// The clap model itself (it depends on nothing else in the crate), so the library need
// not export its command-line types.
#[allow(dead_code, unreachable_pub)]
#[path = "../src/cli/mod.rs"]
mod cli;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn expected() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut cmd = cli::Cli::command();
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, "midclt", &mut buf);
        match shell {
            Shell::Bash => buf.extend_from_slice(cli::BASH_DYNAMIC.as_bytes()),
            Shell::Zsh => buf.extend_from_slice(cli::ZSH_DYNAMIC.as_bytes()),
            Shell::Fish => buf.extend_from_slice(cli::FISH_DYNAMIC.as_bytes()),
            _ => {}
        }
        let name = match shell {
            Shell::Bash => "midclt.bash".to_string(),
            Shell::Zsh => "_midclt".to_string(),
            Shell::Fish => "midclt.fish".to_string(),
            Shell::Elvish => "midclt.elv".to_string(),
            _ => "_midclt.ps1".to_string(),
        };
        files.push((root().join("completions").join(name), buf));
    }
    let cmd = cli::Cli::command();
    let mut pages = vec![(String::from("midclt"), cmd.clone())];
    // clap's own `help` subcommand exists only in the built model; midclt(1) lists it.
    let mut built = cmd.clone();
    built.build();
    if let Some(help) = built.find_subcommand("help") {
        pages.push(("midclt-help".into(), help.clone().name("midclt-help")));
    }
    for sub in cmd.get_subcommands() {
        pages.push((
            format!("midclt-{}", sub.get_name()),
            sub.clone().name(format!("midclt-{}", sub.get_name())),
        ));
        // A hidden subcommand (the session agent's `serve`) is internal: no page.
        for subsub in sub.get_subcommands().filter(|c| !c.is_hide_set()) {
            let name = format!("midclt-{}-{}", sub.get_name(), subsub.get_name());
            pages.push((name.clone(), subsub.clone().name(name)));
        }
    }
    for (name, page) in pages {
        let mut buf = Vec::new();
        let man = clap_mangen::Man::new(page);
        if name == "midclt" {
            man.render_title(&mut buf).expect("render");
            man.render_name_section(&mut buf).expect("render");
            man.render_synopsis_section(&mut buf).expect("render");
            man.render_description_section(&mut buf).expect("render");
            man.render_options_section(&mut buf).expect("render");
            man.render_subcommands_section(&mut buf).expect("render");
            man.render_extra_section(&mut buf).expect("render");
            buf.extend_from_slice(cli::MAN_SECTIONS.as_bytes());
            man.render_version_section(&mut buf).expect("render");
        } else if name == "midclt-help" {
            // Its "subcommands" are the other pages; they need no pages of their own.
            man.render_title(&mut buf).expect("render");
            man.render_name_section(&mut buf).expect("render");
            man.render_synopsis_section(&mut buf).expect("render");
            man.render_description_section(&mut buf).expect("render");
        } else {
            man.render(&mut buf).expect("render man page");
        }
        files.push((root().join("man").join(format!("{name}.1")), buf));
    }
    files
}

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let update = std::env::var_os("MIDCLT_UPDATE_ASSETS").is_some();
    let mut stale = Vec::new();
    for (path, content) in expected() {
        if std::fs::read(&path).ok().as_deref() != Some(content.as_slice()) {
            if update {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &content).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files (run `MIDCLT_UPDATE_ASSETS=1 cargo test --test generated_assets`): {stale:?}"
    );
}

#[test]
fn midclt_completions_prints_the_shipped_scripts() {
    for (shell, file) in [
        ("bash", "midclt.bash"),
        ("zsh", "_midclt"),
        ("fish", "midclt.fish"),
        ("elvish", "midclt.elv"),
        ("powershell", "_midclt.ps1"),
    ] {
        let out = assert_cmd::Command::cargo_bin("midclt")
            .expect("binary")
            .args(["completions", shell])
            .output()
            .expect("run midclt");
        assert!(out.status.success(), "{shell}");
        let shipped = std::fs::read(root().join("completions").join(file)).expect("shipped file");
        assert!(
            out.stdout == shipped,
            "midclt completions {shell} differs from completions/{file}"
        );
    }
}

#[test]
fn man_pages_refer_only_to_pages_that_exist() {
    let dir = root().join("man");
    for entry in std::fs::read_dir(&dir).expect("man/") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("page");
        for (i, _) in text.match_indices("(1)") {
            let name: String = text[..i]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '\\')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
                .replace('\\', "");
            if name.starts_with("midclt") {
                assert!(
                    dir.join(format!("{name}.1")).exists(),
                    "{} refers to {name}(1), which does not exist",
                    path.display()
                );
            }
        }
    }
}
