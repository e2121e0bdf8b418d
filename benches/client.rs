//! `cargo bench`: figures for the README and the issue notes. Nothing here asserts a
//! time; it only measures and prints.
//!
//! - process start to exit for `midclt --version`
//! - `midclt call core.ping` end to end over a UNIX socket (emulator in this process)
//! - 10 000 calls on one connection, one at a time and pipelined (library)
//! - SCRAM login with a raw key (500 000 PBKDF2 rounds) vs a precomputed key file
//! - a fleet of 10 emulators: `midclt -p fleet call system.info` against 10 invocations
//! - `midclt auth api_key query` against the real 27.0 catalogue: cold (catalogue fetch
//!   and cache write) and warm (cached)
//! - `midclt call core.ping` through a session agent, against fresh invocations over wss://
//!   logging in with a password and with SCRAM; and the same connect-and-call in-process,
//!   without the process start every invocation pays
//! - `midclt batch`: throughput over the UNIX socket and ws://, against a client that keeps
//!   20 calls in flight (the server's ceiling), a one-call-at-a-time loop (what the
//!   official Python library does) and one process per call; and the peak memory of a
//!   1 000 000-line batch
//!
//! One group alone: `MIDCLT_BENCH=batch cargo bench --bench client` (or `session`, `fleet`).

// A benchmark harness: a failed unwrap stops it with its location, which is all it needs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use midclt::client::{connect, ConnectOptions};
use midclt::emulator::{Config, Emulator};
use serde_json::json;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_midclt");

fn stats(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    println!(
        "{label:<48} n={:<5} median {:>8.3} ms  mean {:>8.3} ms  p95 {:>8.3} ms  min {:>8.3} ms",
        samples.len(),
        ms(samples[samples.len() / 2]),
        ms(mean),
        ms(samples[samples.len() * 95 / 100]),
        ms(samples[0]),
    );
}

fn throughput(label: &str, calls: u32, d: Duration) {
    let secs = d.as_secs_f64();
    println!(
        "{label:<48} total {:>8.1} ms  {:>8.1} µs/call  {:>8.0} calls/s",
        secs * 1e3,
        secs * 1e6 / f64::from(calls),
        f64::from(calls) / secs
    );
}

fn time_process(args: &[&str], env: &[(&str, &str)], n: usize) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let mut cmd = Command::new(BIN);
            cmd.args(args).stdout(Stdio::null()).stderr(Stdio::null());
            for (k, v) in env {
                cmd.env(k, v);
            }
            let t = Instant::now();
            let st = cmd.status().expect("run midclt");
            let d = t.elapsed();
            assert!(st.success(), "midclt {args:?} failed");
            d
        })
        .collect()
}

/// Run `midclt ARGS` with `input` on stdin (a shell script), `n` times.
fn time_shell(args: &[&str], env: &[(&str, &str)], input: &str, n: usize) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let mut cmd = Command::new(BIN);
            cmd.args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            for (k, v) in env {
                cmd.env(k, v);
            }
            let t = Instant::now();
            let mut child = cmd.spawn().expect("run midclt shell");
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(input.as_bytes()).expect("write the script");
            }
            let st = child.wait().expect("wait for midclt shell");
            let d = t.elapsed();
            assert!(st.success(), "midclt {args:?} failed");
            d
        })
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// CPU time (user + system) the children of this process have used so far, from
/// /proc/self/stat (in clock ticks of 10 ms; summed over many runs that is precise enough).
fn children_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<u64> = rest
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // cutime and cstime are fields 16 and 17 of the whole line, 14 and 15 here.
    let ticks = fields.get(13).copied().unwrap_or(0) + fields.get(14).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Mean CPU time of one run of `midclt args`.
fn cpu_per_run(label: &str, args: &[&str], n: u32) -> Duration {
    let before = children_cpu();
    let _ = time_process(args, &[], n as usize);
    let per_run = children_cpu().saturating_sub(before) / n;
    println!(
        "{label:<48} n={n:<5} CPU {:>8.3} ms/run (user + system)",
        per_run.as_secs_f64() * 1e3
    );
    per_run
}

/// An emulator for benchmarks (no rate limit), listening on a UNIX socket in `dir`.
fn bench_emulator(dir: &tempfile::TempDir, name: &str) -> (Emulator, String) {
    let emu = Emulator::new(Config {
        rate_limit: false,
        ..Config::default()
    });
    let sock = dir.path().join(format!("{name}.sock"));
    let unix = emu
        .listen(&format!("ws+unix://{}", sock.display()))
        .expect("listen")
        .uri;
    (emu, unix)
}

/// A new API key for root (the server's real 500 000 PBKDF2 rounds), made over `unix`:
/// the raw key, and the path of its precomputed key file.
fn root_key(dir: &tempfile::TempDir, unix: &str, name: &str) -> (String, String) {
    let mut c = connect(&ConnectOptions::new(
        midclt::client::uri::parse(unix).unwrap(),
    ))
    .unwrap();
    let key = c
        .call(
            "api_key.create",
            vec![json!({"name": name, "username": "root"})],
        )
        .unwrap();
    c.close();
    let raw = key["key"].as_str().unwrap().to_string();
    let keyfile = dir.path().join(format!("{name}.key"));
    let st = Command::new(BIN)
        .args(["--uri", unix, "-K", &raw, "key", "precompute", "-o"])
        .arg(&keyfile)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success(), "precompute failed");
    (raw, keyfile.to_string_lossy().to_string())
}

fn main() {
    // `cargo bench` passes --bench. One group of figures alone: `MIDCLT_BENCH=session`
    // (`batch`, `fleet`), or the same word as a filter argument.
    let only = std::env::var("MIDCLT_BENCH")
        .ok()
        .or_else(|| std::env::args().skip(1).find(|a| !a.starts_with('-')))
        .unwrap_or_default();
    let dir = tempfile::tempdir().expect("temp dir");
    println!(
        "midclt benchmarks ({} cores)",
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    );
    match only.as_str() {
        "session" => return session_agent(&dir),
        "batch" => return batch(&dir),
        "fleet" => return fleet(&dir),
        _ => {}
    }
    let (emu, unix) = bench_emulator(&dir, "m");
    let ws = emu.listen("ws://127.0.0.1:0").expect("listen").uri;

    stats(
        "midclt --version (process start to exit)",
        time_process(&["--version"], &[], 300),
    );
    stats(
        "midclt call core.ping (UNIX socket, end to end)",
        time_process(&["--uri", &unix, "call", "core.ping"], &[], 300),
    );
    stats(
        "midclt call core.ping (ws:// loopback, end to end)",
        time_process(&["--uri", &ws, "call", "core.ping"], &[], 200),
    );
    let wss = emu.listen("wss://127.0.0.1:0").expect("listen").uri;
    let cert = dir.path().join("cert.pem");
    std::fs::write(&cert, emu.tls_material().expect("cert").cert_pem).expect("write cert");
    let cert = cert.to_string_lossy().to_string();
    stats(
        "midclt ping (wss:// loopback, --ca-cert, end to end)",
        time_process(&["--uri", &wss, "--ca-cert", &cert, "ping"], &[], 200),
    );
    let ws_cpu = cpu_per_run("midclt ping over ws://", &["--uri", &ws, "ping"], 200);
    let insecure_cpu = cpu_per_run(
        "midclt ping over wss:// (--insecure)",
        &["--uri", &wss, "--insecure", "ping"],
        200,
    );
    let ca_cpu = cpu_per_run(
        "midclt ping over wss:// (system store + --ca-cert)",
        &["--uri", &wss, "--ca-cert", &cert, "ping"],
        200,
    );
    println!(
        "{:<48} {:.2}x (--insecure), {:.2}x (system store + --ca-cert)",
        "wss:// CPU per ping relative to ws://",
        insecure_cpu.as_secs_f64() / ws_cpu.as_secs_f64(),
        ca_cpu.as_secs_f64() / ws_cpu.as_secs_f64()
    );

    let mut c = connect(&ConnectOptions::new(
        midclt::client::uri::parse(&unix).unwrap(),
    ))
    .unwrap();
    let t = Instant::now();
    for _ in 0..10_000 {
        c.call("core.ping", vec![]).unwrap();
    }
    throughput(
        "10 000 core.ping on one connection (sequential)",
        10_000,
        t.elapsed(),
    );
    let t = Instant::now();
    for _ in 0..500 {
        let ids: Vec<_> = (0..20)
            .map(|_| c.send("core.ping", vec![]).unwrap())
            .collect();
        for id in ids {
            c.wait(&id, Duration::from_secs(10)).unwrap().unwrap();
        }
    }
    throughput(
        "10 000 core.ping on one connection (20 in flight)",
        10_000,
        t.elapsed(),
    );

    // SCRAM: the server's real iteration count.
    let (raw, keyfile) = root_key(&dir, &unix, "bench");
    let scram = |k: &str| {
        time_process(
            &[
                "--uri",
                &ws,
                "-U",
                "root",
                "--no-channel-binding",
                "-K",
                k,
                "call",
                "core.ping",
            ],
            &[],
            20,
        )
    };
    stats("SCRAM login + call, raw key (PBKDF2 500 000)", scram(&raw));
    stats("SCRAM login + call, precomputed key file", scram(&keyfile));

    session_agent(&dir);
    fleet(&dir);
    cli_catalogue(&dir);
    batch(&dir);
}

/// What the server can do on one connection: a client (the library) that keeps 20 calls
/// in flight, sending the next as each answer arrives.
fn ceiling_run(uri: &str, n: u32) -> Duration {
    let mut c = connect(&ConnectOptions::new(
        midclt::client::uri::parse(uri).unwrap(),
    ))
    .unwrap();
    let t = Instant::now();
    let (mut sent, mut done) = (0, 0);
    while done < n {
        while sent < n && sent - done < 20 {
            c.send("core.ping", vec![]).unwrap();
            sent += 1;
        }
        let (_, answer) = c.next_answer(None).unwrap().unwrap();
        answer.unwrap();
        done += 1;
    }
    t.elapsed()
}

/// A `midclt mock-server` process: a server is never in its client's process, and
/// switching between processes costs more than between threads of one, so every client
/// below, the library's included, talks to it across a process boundary.
struct ServerProcess {
    child: std::process::Child,
    unix: String,
    ws: String,
}

impl ServerProcess {
    fn start(dir: &tempfile::TempDir) -> ServerProcess {
        use std::io::BufRead as _;
        let sock = dir.path().join("batch.sock");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let unix = format!("ws+unix://{}", sock.display());
        let ws = format!("ws://127.0.0.1:{port}");
        let mut child = Command::new(BIN)
            .args([
                "mock-server",
                "--no-rate-limit",
                "--listen",
                &unix,
                "--listen",
                &ws,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start midclt mock-server");
        let out = child.stdout.take().unwrap();
        for line in std::io::BufReader::new(out).lines() {
            if line.unwrap().starts_with("accounts:") {
                break;
            }
        }
        ServerProcess {
            child,
            unix,
            ws: format!("{ws}/api/current"),
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The official Python library (`truenas_api_client`) making calls one after another over
/// one connection to `uri`, in calls/s: when `MIDCLT_BENCH_PYTHON` names a python that has
/// the library (best of three runs).
fn python_loop(uri: &str) -> Option<f64> {
    let Ok(python) = std::env::var("MIDCLT_BENCH_PYTHON") else {
        println!("(official Python library: not measured; set MIDCLT_BENCH_PYTHON to a python with truenas_api_client)");
        return None;
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/python-loop.py");
    let n = "20000";
    let best = (0..3)
        .filter_map(|_| {
            let out = Command::new(&python)
                .args([script, uri, n])
                .output()
                .expect("run scripts/python-loop.py");
            assert!(
                out.status.success(),
                "python-loop.py: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .fold(0.0, f64::max);
    println!(
        "{:<48} {best:>10.0} calls/s",
        "official Python library, one at a time (ws://)"
    );
    Some(best)
}

fn batch(dir: &tempfile::TempDir) {
    const N: u32 = 100_000;
    const PYTHON_LOOP: f64 = 4_700.0; // the measurement of the official library
    let server = ServerProcess::start(dir);
    let (unix, ws) = (server.unix.as_str(), server.ws.as_str());
    println!("(batch figures: the emulator in a process of its own)");
    let file = dir.path().join("pings.txt");
    std::fs::write(&file, "core.ping\n".repeat(N as usize)).expect("write the batch");
    let file = file.to_string_lossy().to_string();
    let rate = |d: Duration, n: u32| f64::from(n) / d.as_secs_f64();

    // The machine is shared: the ceiling and the batch take turns, five rounds, and the
    // best round of each counts.
    let (mut best_ceiling, mut best_ceiling_ws) = (Duration::MAX, Duration::MAX);
    let (mut best_unix, mut best_ws) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        best_ceiling = best_ceiling.min(ceiling_run(unix, N));
        best_unix = best_unix.min(time_process(&["--uri", unix, "batch", &file], &[], 1)[0]);
        best_ceiling_ws = best_ceiling_ws.min(ceiling_run(ws, N));
        best_ws = best_ws.min(time_process(&["--uri", ws, "batch", &file], &[], 1)[0]);
    }
    throughput(
        "ceiling: library, 20 in flight (UNIX socket)",
        N,
        best_ceiling,
    );
    throughput(
        "ceiling: library, 20 in flight (ws:// loopback)",
        N,
        best_ceiling_ws,
    );
    let (ceiling, ceiling_ws) = (rate(best_ceiling, N), rate(best_ceiling_ws, N));
    let sequential = {
        let mut c = connect(&ConnectOptions::new(
            midclt::client::uri::parse(unix).unwrap(),
        ))
        .unwrap();
        let n = 20_000;
        let t = Instant::now();
        for _ in 0..n {
            c.call("core.ping", vec![]).unwrap();
        }
        let d = t.elapsed();
        throughput("library, one call at a time (UNIX socket)", n, d);
        rate(d, n)
    };
    throughput(
        "midclt batch, 100 000 core.ping (UNIX socket)",
        N,
        best_unix,
    );
    throughput(
        "midclt batch, 100 000 core.ping (ws:// loopback)",
        N,
        best_ws,
    );
    let (over_unix, over_ws) = (rate(best_unix, N), rate(best_ws, N));
    let per_process = {
        let n = 200;
        let d: Duration = time_process(&["--uri", unix, "call", "core.ping"], &[], n)
            .into_iter()
            .sum();
        throughput(
            "one `midclt call` process per call (UNIX socket)",
            n as u32,
            d,
        );
        rate(d, n as u32)
    };
    let (python, python_source) = match python_loop(ws) {
        Some(r) => (r, "measured over ws://"),
        None => (PYTHON_LOOP, "the issue's figure"),
    };
    println!(
        "{:<48} {:.0}% of the ceiling; {:.1}x the one-at-a-time loop; {:.0}x one process per call",
        "batch over the UNIX socket",
        over_unix / ceiling * 100.0,
        over_unix / sequential,
        over_unix / per_process,
    );
    println!(
        "{:<48} {:.0}% of the ws:// ceiling; {:.1}x the official Python library's loop ({python:.0} calls/s, {python_source})",
        "batch over ws://",
        over_ws / ceiling_ws * 100.0,
        over_ws / python,
    );

    // Memory stays flat however long the input: a million lines.
    let big = dir.path().join("million.txt");
    std::fs::write(&big, "core.ping\n".repeat(1_000_000)).expect("write the batch");
    let mut child = Command::new(BIN)
        .args(["--uri", unix, "batch"])
        .arg(&big)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run midclt batch");
    let t = Instant::now();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    while child.try_wait().expect("wait for midclt batch").is_none() {
        // VmHWM is the peak resident size so far; the last reading before exit is the peak.
        let text = std::fs::read_to_string(&status).unwrap_or_default();
        if let Some(kib) = text
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let d = t.elapsed();
    throughput(
        "midclt batch, 1 000 000 core.ping (UNIX socket)",
        1_000_000,
        d,
    );
    println!(
        "{:<48} {:.1} MiB peak resident (input file {:.1} MiB)",
        "midclt batch, 1 000 000 lines: memory",
        peak_kib as f64 / 1024.0,
        std::fs::metadata(&big).map_or(0.0, |m| m.len() as f64 / 1_048_576.0)
    );
}

/// A call through a session agent against fresh invocations over wss:// that log in with a
/// password and with SCRAM. An emulator of its own, so `cargo bench -- session` runs this
/// alone.
fn session_agent(dir: &tempfile::TempDir) {
    let (emu, unix) = bench_emulator(dir, "agent-bench");
    let wss = emu.listen("wss://127.0.0.1:0").expect("listen").uri;
    let cert = dir.path().join("agent-bench-cert.pem");
    std::fs::write(&cert, emu.tls_material().expect("cert").cert_pem).expect("write cert");
    let cert = cert.to_string_lossy().to_string();
    let (raw, keyfile) = root_key(dir, &unix, "agent-bench");

    let runtime = dir.path().join("run");
    std::fs::create_dir_all(&runtime).expect("runtime dir");
    let runtime = runtime.to_string_lossy().to_string();
    // The in-process measurement below finds the agent through this, as midclt does.
    std::env::set_var("XDG_RUNTIME_DIR", &runtime);
    let run_env = [("XDG_RUNTIME_DIR", runtime.as_str())];
    let password_env = [
        ("XDG_RUNTIME_DIR", runtime.as_str()),
        ("MIDCLT_PASSWORD", "truenas"),
    ];
    let call = |extra: &[&str], env: &[(&str, &str)], n: usize| {
        let mut args = vec![
            "--uri",
            wss.as_str(),
            "--ca-cert",
            cert.as_str(),
            "-U",
            "root",
        ];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["call", "core.ping"]);
        time_process(&args, env, n)
    };
    stats(
        "(process start: midclt --version)",
        time_process(&["--version"], &[], 300),
    );
    stats(
        "fresh: wss:// + password login + call",
        call(&["--no-session"], &password_env, 200),
    );
    stats(
        "fresh: wss:// + SCRAM (precomputed key) + call",
        call(&["--no-session", "-K", &keyfile], &run_env, 200),
    );
    stats(
        "fresh: wss:// + SCRAM (raw key, PBKDF2) + call",
        call(&["--no-session", "-K", &raw], &run_env, 20),
    );

    let st = Command::new(BIN)
        .args(["--uri", &wss, "--ca-cert", &cert, "-U", "root"])
        .args(["session", "start", "--idle", "600"])
        .envs(password_env)
        .stdout(Stdio::null())
        .status()
        .expect("session start");
    assert!(st.success(), "session start failed");
    stats(
        "session agent: midclt call core.ping",
        call(&[], &run_env, 300),
    );

    // What a command spends on its connection and call, without starting a process.
    let cfg = midclt::session::ConnectConfig {
        uri: Some(wss.clone()),
        session: true,
        login: midclt::auth::credentials::LoginSpec {
            username: Some("root".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let through: Vec<Duration> = (0..2000)
        .map(|_| {
            let t = Instant::now();
            let mut c = midclt::session::open(&cfg, true).expect("through the agent");
            c.call("core.ping", vec![]).expect("ping");
            c.close();
            t.elapsed()
        })
        .collect();
    stats("session agent: connect + core.ping, in-process", through);

    let st = Command::new(BIN)
        .args(["session", "stop", "--all"])
        .env("XDG_RUNTIME_DIR", &runtime)
        .stdout(Stdio::null())
        .status()
        .expect("session stop");
    assert!(st.success(), "session stop failed");
}

/// A fleet of 10 emulators (each its own server on its own ws:// port, password login):
/// one `midclt -p fleet call system.info` against the same ten calls made by ten
/// invocations one after another, as a shell loop over the hosts would.
fn fleet(dir: &tempfile::TempDir) {
    const HOSTS: usize = 10;
    let emulators: Vec<Emulator> = (0..HOSTS)
        .map(|_| {
            Emulator::new(Config {
                rate_limit: false,
                ..Config::default()
            })
        })
        .collect();
    let pw = dir.path().join("fleet.pass");
    std::fs::write(&pw, format!("{}\n", Config::default().password)).expect("password file");
    let mut config = String::new();
    for (i, emu) in emulators.iter().enumerate() {
        let uri = emu.listen("ws://127.0.0.1:0").expect("listen").uri;
        let _ = write!(
            config,
            "[n{i}]\nuri = \"{uri}\"\nusername = \"root\"\npassword_file = \"{}\"\n\n",
            pw.display()
        );
    }
    let names: Vec<String> = (0..HOSTS).map(|i| format!("\"n{i}\"")).collect();
    let _ = writeln!(config, "[groups]\nfleet = [{}]", names.join(", "));
    let path = dir.path().join("fleet.toml");
    std::fs::write(&path, config).expect("config file");
    let path = path.to_string_lossy().to_string();
    let env = [("MIDCLT_CONFIG", path.as_str())];
    let one_run = time_process(&["-p", "fleet", "call", "system.info"], &env, 30);
    let one_at_a_time = time_process(
        &["--parallel", "1", "-p", "fleet", "call", "system.info"],
        &env,
        30,
    );
    let sequential: Vec<Duration> = (0..30)
        .map(|_| {
            (0..HOSTS)
                .map(|i| {
                    let profile = format!("n{i}");
                    time_process(&["-p", &profile, "call", "system.info"], &env, 1)[0]
                })
                .sum()
        })
        .collect();
    let (fleet_median, sequential_median) = (median(one_run.clone()), median(sequential.clone()));
    stats("fleet of 10: -p fleet call system.info", one_run);
    stats("fleet of 10: the same with --parallel 1", one_at_a_time);
    stats("fleet of 10: 10 invocations one after another", sequential);
    println!(
        "{:<48} {:.1}x faster than 10 invocations",
        "fleet of 10, one run (--parallel 8)",
        sequential_median.as_secs_f64() / fleet_median.as_secs_f64()
    );
}

fn cli_catalogue(dir: &tempfile::TempDir) {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/catalog");
    let catalog = match midclt::emulator::ServedCatalog::load(
        &shared.join("methods-cli-root-v27.0.0-master-66d9e1b9.json"),
        Some(&shared.join("services-cli-v27.0.0-master-66d9e1b9.json")),
    ) {
        Ok(c) => c,
        Err(e) => {
            println!("(skipping the catalogue benchmarks: {})", e.message);
            return;
        }
    };
    let emu = Emulator::new(Config {
        catalog: Some(std::sync::Arc::new(catalog)),
        ..Config::default()
    });
    let sock = dir.path().join("cat.sock");
    let unix = emu
        .listen(&format!("ws+unix://{}", sock.display()))
        .expect("listen")
        .uri;
    let cache = dir.path().join("cache");
    let cache_s = cache.to_string_lossy().to_string();
    let args = [
        "--uri",
        unix.as_str(),
        "-o",
        "table",
        "auth",
        "api_key",
        "query",
    ];
    let cold: Vec<Duration> = (0..20)
        .map(|_| {
            let _ = std::fs::remove_dir_all(&cache);
            time_process(&args, &[("MIDCLT_CACHE_DIR", &cache_s)], 1)[0]
        })
        .collect();
    stats("auth api_key query, cold (27.0 catalogue fetch)", cold);
    stats(
        "auth api_key query, warm (cached catalogue)",
        time_process(&args, &[("MIDCLT_CACHE_DIR", &cache_s)], 200),
    );
    // The shell: what it costs to start (connect, catalogue, first prompt) and what one
    // more command costs inside it, against the warm invocation above.
    let shell_args = ["--uri", unix.as_str(), "-o", "table", "shell"];
    let env = [("MIDCLT_CACHE_DIR", cache_s.as_str())];
    let start = time_shell(&shell_args, &env, "", 100);
    let lines = "auth api_key query\n".repeat(100);
    let hundred = time_shell(&shell_args, &env, &lines, 20);
    let per_command = median(hundred).saturating_sub(median(start.clone())) / 100;
    stats("shell: start to first prompt (27.0, warm)", start);
    println!(
        "{:<48} {:8.3} ms per command (100 lines in one shell)",
        "shell: auth api_key query inside the shell",
        per_command.as_secs_f64() * 1e3
    );
    // Completion reads only the cache: no server involved.
    for (label, words) in [
        (
            "complete: namespace (27.0 catalogue, warm)",
            &["auth", "api_"][..],
        ),
        (
            "complete: method after call (27.0, warm)",
            &["call", "pool.dataset.q"][..],
        ),
        (
            "complete: argument names (27.0, warm)",
            &["auth", "api_key", "create", "na"][..],
        ),
    ] {
        let mut line = vec!["--uri", unix.as_str(), "complete", "--"];
        line.extend_from_slice(words);
        stats(
            label,
            time_process(&line, &[("MIDCLT_CACHE_DIR", &cache_s)], 200),
        );
    }
}
