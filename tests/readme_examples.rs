//! Every example in README.md, run as bash runs it when a user pastes it, against the
//! built-in emulator: the README's examples are what people copy, so they must work as
//! written (a `WHERE uid > 1000` left unquoted writes a file named `1000`; that is caught
//! here).
//!
//! # Which blocks run (the convention README's Development section states)
//!
//! - Every fenced block tagged `sh`, `bash` or `shell` runs, unless the line right before
//!   its opening fence is `<!-- not-tested: REASON -->`.
//! - Every command of a running block must invoke midclt (or be an `export`); anything else
//!   fails the test unrun, so a forgotten marker never runs `cargo install` or `apt-get`.
//! - A block of any other kind (` ```text `, untagged, ` ```console `) that holds a midclt
//!   command line needs the marker too, so a new example cannot escape by its tag.
//!
//! # How a block runs
//!
//! One `bash -c` per block, as if the block were pasted into a fresh terminal: `export`s
//! carry over to the lines below it, comment lines are skipped, `\` continuations and
//! here-documents stay with their command. Each command gets an empty stdin and no
//! terminal, and its stdout, stderr and exit status are kept apart. It must exit 0 with
//! nothing on stderr, unless its trailing comment says `exits N`; a trailing comment that
//! is JSON is its expected output (compared as JSON), and `CHECKS` below look at a few
//! other outputs. No command may create a file in the working directory.
//!
//! The text is run as written except for these rewrites (none touches quoting):
//! - `cargo run --release --` is the binary this test was built with (`midclt` on PATH);
//! - the README's imaginary NASes `nas.example.com[:PORT]`, `old-nas` and `backup-nas`
//!   become the emulator's wss address `127.0.0.1:PORT`, and the placeholder pin
//!   `sha256:69db1b54...` its certificate's fingerprint;
//! - the ports 6000 and 6443 of `127.0.0.1` / `localhost` become free ports, and `/tmp/` a
//!   private directory (the `mock-server` example's);
//! - a `midclt mock-server` command runs in the background until its block ends (the next
//!   command starts once it printed its `accounts:` line).
//!
//! # What each block finds (a fresh fixture per block)
//!
//! - An emulator (`common::Server`) holding six API keys already, as a NAS in use would,
//!   so the key the README creates is number 7 as its comment says. The first is admin's
//!   and is in `~/.config/nas.key`.
//! - `MIDCLT_URI` is the emulator's UNIX socket (logged in as root): the NAS's own socket.
//! - `~/.config/nas-pass` and `./pw` hold the accounts' password (`common::PASSWORD`);
//!   `./nas.pem` is the emulator's certificate. In a block that names an imaginary NAS,
//!   that certificate is also in the "system trust store" (`SSL_CERT_FILE`). Only there:
//!   every emulator's certificate has the same subject, so with it in the store OpenSSL
//!   would check a `mock-server`'s `--ca-cert` against the wrong one.
//! - `HOME`, the `XDG_*` directories, `MIDCLT_CONFIG`, `MIDCLT_CACHE_DIR` and
//!   `MIDCLT_KNOWN_HOSTS` are in a temporary directory; the rest of the environment is
//!   empty but for `PATH` (the binary's directory first) and `MIDCLT_NO_ARGV_WARNING=1`.
// Test support as well as tests: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

mod common;
use common::{Server, PASSWORD};
use serde_json::Value;
use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Block tags that are shell sessions, run by this test.
const SHELL_TAGS: [&str; 3] = ["sh", "bash", "shell"];
/// Host names the README uses for a NAS; they stand for the emulator.
const NAS_HOSTS: [&str; 3] = ["nas.example.com", "old-nas", "backup-nas"];
/// The README's placeholder for a certificate fingerprint.
const PIN_PLACEHOLDER: &str = "sha256:69db1b54...";
/// A whole block gets this long; a command waiting for input that never comes ends here.
const BLOCK_TIMEOUT: Duration = Duration::from_secs(120);

/// What a check sees: the command's stdout and the fixture's addresses.
struct Ctx<'a> {
    stdout: &'a str,
    wss_port: u16,
    pin: &'a str,
}

type Check = fn(&Ctx) -> Result<(), String>;

/// Outputs worth comparing beyond the exit status, keyed by a piece of the command as
/// README.md writes it (each must match exactly one command of a running block).
const CHECKS: &[(&str, Check)] = &[
    // Quick start: `mock://` is a fresh emulator of the command's own, so this is key 1.
    (
        r#"call api_key.create '{"name": "ci", "username": "root"}'"#,
        |c| json_fields(c.stdout, &[("name", "ci"), ("username", "root")], Some(1)),
    ),
    (r#"echo '{"name": "backup", "username": "root"}'"#, |c| {
        json_fields(c.stdout, &[("name", "backup"), ("username", "root")], None)
    }),
    // The README's comment says this prints key 7, and the lines after it use id 7.
    ("auth api_key create name=ci username=admin", |c| {
        json_fields(c.stdout, &[("name", "ci"), ("username", "admin")], Some(7))
    }),
    ("midclt call system.info", |c| {
        json_fields(c.stdout, &[("hostname", "truenas")], None)
    }),
    ("midclt trust --list", |c| {
        let want = format!("127.0.0.1:{} {}\n", c.wss_port, c.pin);
        same(c.stdout, &want)
    }),
    ("midclt trust --remove", |c| {
        same(c.stdout, &format!("127.0.0.1:{}: forgotten\n", c.wss_port))
    }),
    ("-U root -P truenas call api_key.query", |c| {
        same(c.stdout, "[]\n")
    }),
    ("-U root -P truenas call auth.me", |c| {
        json_fields(c.stdout, &[("pw_name", "root")], None)
    }),
    // Fleets: a JSON line per host of the group, and a table without the host left out.
    ("midclt -p lab call system.hostname", |c| {
        let mut answered: Vec<String> = Vec::new();
        for line in c.stdout.lines() {
            let v: Value = serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
            if v["result"] == "truenas" {
                answered.push(v["host"].as_str().unwrap_or("").to_string());
            }
        }
        answered.sort();
        if answered == ["nas1", "nas2"] && c.stdout.lines().count() == 2 {
            Ok(())
        } else {
            Err(
                "stdout should be a line {\"host\", \"result\": \"truenas\"} for nas1 and nas2"
                    .into(),
            )
        }
    }),
    ("--limit 'lab:!nas3'", |c| {
        let has = |host: &str| c.stdout.contains(&format!("| {host} "));
        if has("nas1") && has("nas2") && !c.stdout.contains("nas3") {
            Ok(())
        } else {
            Err("stdout should be a table of nas1 and nas2 only".into())
        }
    }),
    // The batch example's output, as the README shows it below the block.
    ("midclt batch <<'EOF'", |c| {
        same(
            c.stdout,
            concat!(
                "{\"id\":1,\"result\":\"truenas\"}\n",
                "{\"id\":2,\"result\":[{\"id\":1}]}\n",
                "{\"id\":\"ping\",\"result\":\"pong\"}\n",
                "{\"id\":\"oops\",\"error\":{\"code\":-32601,\"errname\":null,\"message\":\"Method does not exist\",\"extra\":null}}\n",
                "{\"id\":5,\"job_id\":1,\"result\":{\"steps\":2}}\n",
            ),
        )
    }),
];

fn same(got: &str, want: &str) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("stdout should be {want:?}"))
    }
}

/// stdout is a JSON object with these string fields (and this `id`).
fn json_fields(stdout: &str, fields: &[(&str, &str)], id: Option<u64>) -> Result<(), String> {
    let v: Value = serde_json::from_str(stdout).map_err(|e| format!("stdout is not JSON: {e}"))?;
    for (key, want) in fields {
        if v[key] != *want {
            return Err(format!("stdout's {key:?} should be {want:?}"));
        }
    }
    match id {
        Some(id) if v["id"] != id => Err(format!("stdout's \"id\" should be {id}")),
        _ => Ok(()),
    }
}

#[test]
fn every_readme_example_works_when_pasted_into_bash() {
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let blocks = parse_blocks(&readme);
    let mut failures = Vec::new();
    check_markers(&readme, &blocks, &mut failures);

    let mut ran = Vec::new();
    let mut skipped = 0;
    for block in &blocks {
        match &block.marker {
            Some(reason) => {
                skipped += 1;
                eprintln!("README.md:{}: not tested: {reason}", block.fence_line);
            }
            None if SHELL_TAGS.contains(&block.tag.as_str()) => {
                let cmds = commands(block);
                if cmds.is_empty() {
                    failures.push(format!(
                        "README.md:{}: a shell block without commands; mark it `<!-- not-tested: REASON -->` or tag it `text`",
                        block.fence_line
                    ));
                    continue;
                }
                run_block(&cmds, &mut failures);
                ran.extend(cmds);
            }
            None => {}
        }
    }
    for (needle, _) in CHECKS {
        let n = ran.iter().filter(|c| c.text.contains(needle)).count();
        if n != 1 {
            failures.push(format!(
                "CHECKS entry {needle:?} matches {n} README commands instead of one; update it"
            ));
        }
    }
    eprintln!(
        "ran {} README commands; {skipped} blocks marked not-tested",
        ran.len()
    );
    assert!(
        failures.is_empty(),
        "README examples fail ({}):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

struct Block {
    /// 1-based line of the opening fence.
    fence_line: usize,
    tag: String,
    /// The reason given by a `<!-- not-tested: REASON -->` line right before the fence.
    marker: Option<String>,
    lines: Vec<(usize, String)>,
}

fn not_tested_reason(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("<!-- not-tested:")?
        .strip_suffix("-->")
        .map(str::trim)
}

fn parse_blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    let mut prev = "";
    for (i, line) in readme.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (open.take(), fence) {
            (Some(block), Some(_)) => blocks.push(block),
            (Some(mut block), None) => {
                block.lines.push((i + 1, line.to_string()));
                open = Some(block);
            }
            (None, Some(info)) => {
                open = Some(Block {
                    fence_line: i + 1,
                    tag: info.split_whitespace().next().unwrap_or("").to_string(),
                    marker: not_tested_reason(prev).map(str::to_string),
                    lines: Vec::new(),
                });
            }
            (None, None) => {}
        }
        prev = line;
    }
    assert!(open.is_none(), "README.md ends inside a code block");
    blocks
}

/// Markers sit right before a fence and give a reason; blocks this test does not run hold
/// no midclt command unless marked.
fn check_markers(readme: &str, blocks: &[Block], failures: &mut Vec<String>) {
    let lines: Vec<&str> = readme.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(reason) = not_tested_reason(line) else {
            continue;
        };
        let before_fence = lines
            .get(i + 1)
            .is_some_and(|next| next.trim_start().starts_with("```"));
        if reason.is_empty() || !before_fence {
            failures.push(format!(
                "README.md:{}: a not-tested marker needs a reason and the code block's opening fence on the next line",
                i + 1
            ));
        }
    }
    for block in blocks {
        if block.marker.is_some() || SHELL_TAGS.contains(&block.tag.as_str()) {
            continue;
        }
        let midclt_line = block.lines.iter().find(|(_, line)| {
            let line = line.trim_start();
            invokes_midclt(line.strip_prefix("$ ").unwrap_or(line))
        });
        if let Some((n, _)) = midclt_line {
            failures.push(format!(
                "README.md:{n}: a midclt command in a ```{} block (line {}), which this test does not run: tag the block `sh` (then it runs) or put `<!-- not-tested: REASON -->` before its fence",
                block.tag, block.fence_line
            ));
        }
    }
}

/// One command of a block: its first line's number and its text as written.
struct Cmd {
    line: usize,
    text: String,
}

fn commands(block: &Block) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    let mut lines = block.lines.iter();
    while let Some((n, line)) = lines.next() {
        let first = line.trim();
        if first.is_empty() || first.starts_with('#') {
            continue;
        }
        let mut text = first.strip_prefix("$ ").unwrap_or(first).to_string();
        while text.ends_with('\\') {
            let Some((_, more)) = lines.next() else { break };
            text.push('\n');
            text.push_str(more);
        }
        if let Some(delimiter) = heredoc_delimiter(&text) {
            for (_, more) in lines.by_ref() {
                text.push('\n');
                text.push_str(more);
                if more.trim() == delimiter {
                    break;
                }
            }
        }
        cmds.push(Cmd { line: *n, text });
    }
    cmds
}

/// The text before a trailing `# comment`, and the comment, as bash reads them (a `#`
/// starts a comment only at the start of a word, outside quotes).
fn split_comment(text: &str) -> (&str, Option<&str>) {
    let (mut single, mut double, mut escaped, mut word_start) = (false, false, false, true);
    for (i, c) in text.char_indices() {
        if escaped {
            (escaped, word_start) = (false, false);
            continue;
        }
        match c {
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && word_start => {
                let comment = text[i + 1..].lines().next().unwrap_or("").trim();
                return (&text[..i], Some(comment));
            }
            _ => {}
        }
        word_start = c.is_whitespace();
    }
    (text, None)
}

fn heredoc_delimiter(text: &str) -> Option<String> {
    let (code, _) = split_comment(text.lines().next().unwrap_or(""));
    let rest = &code[code.find("<<")? + 2..];
    if rest.starts_with('<') {
        return None; // a here-string
    }
    let word: String = rest
        .strip_prefix('-')
        .unwrap_or(rest)
        .trim_start()
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '|' | '&' | ')'))
        .filter(|c| !matches!(c, '\'' | '"'))
        .collect();
    (!word.is_empty()).then_some(word)
}

/// Does some simple command of `code` (after `VAR=value` assignments) start with `midclt`?
fn invokes_midclt(code: &str) -> bool {
    let (code, _) = split_comment(code);
    code.split(['|', ';', '&', '\n']).any(|segment| {
        segment
            .split_whitespace()
            .find(|w| !is_assignment(w))
            .is_some_and(|w| w == "midclt")
    })
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The exit status a command's comment announces (`exits 2`), else 0.
fn expected_status(comment: Option<&str>) -> i32 {
    comment
        .and_then(|c| c.split("exits ").nth(1))
        .and_then(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .unwrap_or(0)
}

fn is_background(text: &str) -> bool {
    invokes_midclt(text) && text.split_whitespace().any(|w| w == "mock-server")
}

/// The temporary world one block runs in.
struct Fixture {
    server: Server,
    _root: tempfile::TempDir,
    home: PathBuf,
    cwd: PathBuf,
    /// Stands for `/tmp/`.
    tmp: PathBuf,
    /// Where the script keeps each command's stdout, stderr, status and file listing.
    out: PathBuf,
    pin: String,
    wss_port: u16,
    free_ports: [u16; 2],
}

fn fixture() -> Fixture {
    let server = Server::start();
    let (_, admin_key) = server.create_key("seed-1", "admin");
    for i in 2..=6 {
        server.create_key(&format!("seed-{i}"), "root");
    }
    let root = tempfile::tempdir().unwrap();
    let [home, cwd, tmp, out] = ["home", "cwd", "tmp", "out"].map(|d| root.path().join(d));
    for dir in [cwd.clone(), tmp.clone(), out.clone(), home.join(".config")] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let secret = |path: PathBuf, text: &str| {
        std::fs::write(&path, format!("{text}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    };
    secret(home.join(".config/nas-pass"), PASSWORD);
    secret(home.join(".config/nas.key"), &admin_key);
    secret(cwd.join("pw"), PASSWORD);
    std::fs::copy(&server.cert, cwd.join("nas.pem")).unwrap();
    let pin = fingerprint(&std::fs::read_to_string(&server.cert).unwrap());
    let port = |uri: &str| -> u16 {
        let rest = uri.strip_prefix("wss://127.0.0.1:").unwrap();
        rest[..rest.find('/').unwrap_or(rest.len())]
            .parse()
            .unwrap()
    };
    let wss_port = port(&server.wss);
    let free = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    Fixture {
        server,
        _root: root,
        home,
        cwd,
        tmp,
        out,
        pin,
        wss_port,
        free_ports: [free(), free()],
    }
}

/// `sha256:HEX` of a PEM certificate, as `--pin` takes it.
fn fingerprint(pem: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<String>();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    sha2::Sha256::digest(der)
        .iter()
        .fold(String::from("sha256:"), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The command as the test runs it (see the module documentation for the rules).
fn rewrite(text: &str, f: &Fixture) -> String {
    let mut s = text.replace("/tmp/", &format!("{}/", f.tmp.display()));
    for host in ["127.0.0.1", "localhost"] {
        for (readme_port, port) in [6000, 6443].into_iter().zip(f.free_ports) {
            s = s.replace(&format!("{host}:{readme_port}"), &format!("{host}:{port}"));
        }
    }
    let emulator = format!("127.0.0.1:{}", f.wss_port);
    for host in NAS_HOSTS {
        s = replace_host(&s, host, &emulator);
    }
    s.replace(PIN_PLACEHOLDER, &f.pin)
        .replace("cargo run --release --", "midclt")
}

/// Replace `host` and `host:PORT` where `host` is a whole name.
fn replace_host(text: &str, host: &str, to: &str) -> String {
    let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_');
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(host) {
        let after = &rest[at + host.len()..];
        let whole = !rest[..at].ends_with(name_char) && !after.starts_with(name_char);
        out.push_str(&rest[..at]);
        if whole {
            out.push_str(to);
            rest = match after.strip_prefix(':') {
                Some(port) if port.starts_with(|c: char| c.is_ascii_digit()) => {
                    port.trim_start_matches(|c: char| c.is_ascii_digit())
                }
                _ => after,
            };
        } else {
            out.push_str(host);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display())
}

/// The bash script for a block: each command in a `{ }` group (so `export` stays in this
/// shell) with its own output files, followed by its status and a listing of the
/// working directory.
fn script(texts: &[String], out: &Path) -> String {
    let o = quote(out);
    let mut s = format!("find . -mindepth 1 | LC_ALL=C sort >{o}/0.files\n");
    for (i, text) in texts.iter().enumerate() {
        let k = i + 1;
        let group = format!("{{\n{text}\n}} >{o}/{k}.out 2>{o}/{k}.err </dev/null");
        let _ = writeln!(s, "echo {k} >{o}/current");
        if is_background(text) {
            let _ = writeln!(s, "{group} &");
            let _ = writeln!(
                s,
                "for _ in $(seq 300); do grep -q '^accounts:' {o}/{k}.out && break; kill -0 $! 2>/dev/null || break; sleep 0.1; done"
            );
            let _ = writeln!(
                s,
                "if kill -0 $! 2>/dev/null; then echo running; else wait $!; echo $?; fi >{o}/{k}.rc"
            );
        } else {
            let _ = writeln!(s, "{group}\necho $? >{o}/{k}.rc");
        }
        let _ = writeln!(s, "find . -mindepth 1 | LC_ALL=C sort >{o}/{k}.files");
    }
    s
}

fn run_block(cmds: &[Cmd], failures: &mut Vec<String>) {
    let f = fixture();
    let texts: Vec<String> = cmds.iter().map(|c| rewrite(&c.text, &f)).collect();
    for (cmd, text) in cmds.iter().zip(&texts) {
        let exported = text.starts_with("export ");
        if !exported && !invokes_midclt(text) {
            failures.push(format!(
                "README.md:{}: `{}` is not a midclt command, so the block was not run; mark it `<!-- not-tested: REASON -->`",
                cmd.line, cmd.text
            ));
            return;
        }
    }
    let bin = assert_cmd::cargo::cargo_bin("midclt");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let xdg = |d: &str| f.home.join(d);
    let names_a_nas = cmds
        .iter()
        .any(|c| NAS_HOSTS.iter().any(|host| c.text.contains(host)));
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(script(&texts, &f.out))
        .current_dir(&f.cwd)
        .env_clear()
        .env("PATH", path)
        .env("HOME", &f.home)
        .env("XDG_CONFIG_HOME", xdg(".config"))
        .env("XDG_DATA_HOME", xdg(".local/share"))
        .env("XDG_CACHE_HOME", xdg(".cache"))
        .env("XDG_STATE_HOME", xdg(".local/state"))
        .env("XDG_RUNTIME_DIR", &f.tmp)
        .env("MIDCLT_URI", &f.server.unix)
        .env("MIDCLT_CONFIG", xdg(".config/midclt/config.toml"))
        .env("MIDCLT_CACHE_DIR", xdg(".cache/midclt"))
        .env("MIDCLT_KNOWN_HOSTS", xdg(".local/share/midclt/known_hosts"))
        .env("MIDCLT_NO_ARGV_WARNING", "1")
        .envs(names_a_nas.then_some(("SSL_CERT_FILE", &f.server.cert)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(f.out.join("bash.err")).unwrap())
        // Its own process group, so a background `mock-server` can be stopped with it.
        .process_group(0)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + BLOCK_TIMEOUT;
    let finished = loop {
        if child.try_wait().unwrap().is_some() {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let group = rustix::process::Pid::from_child(&child);
    let _ = rustix::process::kill_process_group(group, rustix::process::Signal::TERM);
    let _ = child.wait();
    let read = |name: &str| std::fs::read_to_string(f.out.join(name)).ok();
    if !finished {
        let k: usize = read("current")
            .and_then(|c| c.trim().parse().ok())
            .unwrap_or(1);
        let cmd = &cmds[k - 1];
        failures.push(format!(
            "README.md:{}: `{}` did not finish within {} s (waiting for input or events?)",
            cmd.line,
            cmd.text,
            BLOCK_TIMEOUT.as_secs()
        ));
    }
    let mut files = read("0.files").unwrap_or_default();
    for (k, (cmd, text)) in cmds.iter().zip(&texts).enumerate() {
        let k = k + 1;
        let Some(status) = read(&format!("{k}.rc")) else {
            if !finished {
                return; // the command that hung, reported above
            }
            failures.push(format!(
                "README.md:{}: `{}` did not run; bash said: {}",
                cmd.line,
                cmd.text,
                read("bash.err").unwrap_or_default()
            ));
            return;
        };
        let outcome = Outcome {
            cmd,
            ran_as: text,
            status: status.trim().to_string(),
            stdout: read(&format!("{k}.out")).unwrap_or_default(),
            stderr: read(&format!("{k}.err")).unwrap_or_default(),
        };
        if let Err(why) = outcome.judge(&f) {
            failures.push(outcome.report(&why));
        }
        let now = read(&format!("{k}.files")).unwrap_or_default();
        let new: Vec<&str> = now
            .lines()
            .filter(|l| !files.lines().any(|old| old == *l))
            .collect();
        if !new.is_empty() {
            failures.push(outcome.report(&format!(
                "created {new:?} in the working directory (an unquoted `>`?)"
            )));
        }
        files = now;
    }
}

struct Outcome<'a> {
    cmd: &'a Cmd,
    ran_as: &'a str,
    /// The exit status, or `running` for a background server still up.
    status: String,
    stdout: String,
    stderr: String,
}

impl Outcome<'_> {
    fn judge(&self, f: &Fixture) -> Result<(), String> {
        let (_, comment) = split_comment(&self.cmd.text);
        if self.status == "running" {
            return if self.stdout.contains("accounts:") {
                Ok(())
            } else {
                Err("a background server that never said it was ready".into())
            };
        }
        let want = expected_status(comment);
        if self.status != want.to_string() {
            return Err(format!("expected exit status {want}"));
        }
        if want == 0 && !self.stderr.is_empty() {
            return Err("wrote to stderr although it succeeded".into());
        }
        if let Some(json) = comment.and_then(|c| serde_json::from_str::<Value>(c).ok()) {
            let got: Result<Value, _> = serde_json::from_str(&self.stdout);
            if got.as_ref().ok() != Some(&json) {
                return Err(format!("stdout should be the JSON of its comment, {json}"));
            }
        }
        let ctx = Ctx {
            stdout: &self.stdout,
            wss_port: f.wss_port,
            pin: &f.pin,
        };
        for (needle, check) in CHECKS {
            if self.cmd.text.contains(needle) {
                check(&ctx)?;
            }
        }
        Ok(())
    }

    fn report(&self, why: &str) -> String {
        let mut msg = format!("README.md:{}: {}\n  {why}", self.cmd.line, self.cmd.text);
        if self.ran_as != self.cmd.text {
            let _ = write!(msg, "\n  ran as: {}", self.ran_as);
        }
        let _ = write!(
            msg,
            "\n  exit status: {}\n  --- stdout:\n{}  --- stderr:\n{}",
            self.status, self.stdout, self.stderr
        );
        msg
    }
}

#[test]
fn the_parser_finds_continuations_heredocs_comments_and_prompts() {
    let block = Block {
        fence_line: 1,
        tag: "sh".into(),
        marker: None,
        lines: [
            "# a comment line",
            "$ midclt call core.ping   # pong",
            "midclt mock-server --listen ws://127.0.0.1:6000 \\",
            "    --write-cert /tmp/x.pem",
            "",
            "midclt call api_key.create - <<'EOF'",
            r#"{"name": "x # not a comment"}"#,
            "EOF",
            "echo '# quoted' | midclt call core.ping",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| (i + 2, (*l).to_string()))
        .collect(),
    };
    let cmds = commands(&block);
    let texts: Vec<&str> = cmds.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "midclt call core.ping   # pong",
            "midclt mock-server --listen ws://127.0.0.1:6000 \\\n    --write-cert /tmp/x.pem",
            "midclt call api_key.create - <<'EOF'\n{\"name\": \"x # not a comment\"}\nEOF",
            "echo '# quoted' | midclt call core.ping",
        ]
    );
    assert_eq!(
        cmds.iter().map(|c| c.line).collect::<Vec<_>>(),
        [3, 4, 7, 10]
    );
    assert_eq!(split_comment(texts[0]).1, Some("pong"));
    assert_eq!(split_comment(texts[3]).1, None);
    assert!(texts.iter().all(|t| invokes_midclt(t)));
    assert!(is_background(texts[1]) && !is_background(texts[0]));
    assert!(invokes_midclt("MIDCLT_URI=mock:// midclt ping"));
    assert!(!invokes_midclt("cargo install --locked --path ."));
    assert!(!invokes_midclt(
        r#"password_file = "~/.config/midclt/nas.pass""#
    ));
    assert_eq!(
        expected_status(Some("asks (exits 2 without a terminal)")),
        2
    );
    assert_eq!(
        replace_host(
            "-u wss://nas.example.com/api/current trust nas.example.com:8443 mynas.example.com",
            "nas.example.com",
            "127.0.0.1:9"
        ),
        "-u wss://127.0.0.1:9/api/current trust 127.0.0.1:9 mynas.example.com"
    );
}
