//! Fleets: the same command on many hosts at once. `-p a,b,c`, a group of profiles
//! (`[groups] lab = ["a", "b"]`) or the hosts of an Ansible inventory (`--inventory FILE
//! --limit PATTERN`) are each run with their own connection, credentials and timeouts,
//! `--parallel N` at a time, by the same functions a one-host run uses; only the printing
//! differs: each host's result or error is one JSON line as it completes (or, with
//! `-o table|csv|yaml`, one document at the end).

use super::{call, ping};
use crate::cli::{CallArgs, GlobalArgs, OutputOnly};
use crate::config::{self, Profile};
use crate::error::{Error, ExitCode, Result};
use crate::inventory::Inventory;
use crate::render::{self, Format};
use crate::session::{self, Attendance};
use crate::truenas_cli::{self, Flags, Input};
use serde_json::Value;
use std::sync::{mpsc, Mutex};

/// One host of a fleet: its name in the output, and its settings or why it has none.
pub(crate) struct Host {
    name: String,
    profile: Result<Profile>,
}

/// What runs on each host.
pub(crate) enum Work<'a> {
    Call(&'a CallArgs),
    Ping(&'a OutputOnly),
    Cli(Input, Flags),
}

/// The hosts `--inventory`, `-p a,b,c` or `-p GROUP` select; `None` when the selection is
/// one profile (or none), the ordinary one-host run. `stdin_taken`: the command reads
/// stdin itself (a `-` argument), so the inventory cannot come from there.
pub(crate) fn select(g: &GlobalArgs, stdin_taken: bool) -> Result<Option<Vec<Host>>> {
    if let Some(path) = &g.inventory {
        if stdin_taken && path.as_os_str() == "-" {
            return Err(Error::usage(
                "--inventory - and a `-` argument both want stdin; give the inventory as a file",
            ));
        }
        if g.profile.is_some() && !g.profile_from_env {
            return Err(
                Error::usage("-p and --inventory both choose the hosts; use one of them")
                    .hint("an inventory host names its profile with the variable midclt_profile"),
            );
        }
        let inventory = Inventory::load(path)?;
        let names = inventory.select(g.limit.as_deref())?;
        return Ok(Some(
            names
                .into_iter()
                .map(|name| Host {
                    profile: inventory.profile_of(&name),
                    name,
                })
                .collect(),
        ));
    }
    let Some(spec) = &g.profile else {
        return Ok(None);
    };
    let Some(names) = config::fleet(spec)? else {
        return Ok(None);
    };
    Ok(Some(
        names
            .into_iter()
            .map(|name| Host {
                profile: config::profile(Some(&name)).map(Option::unwrap_or_default),
                name,
            })
            .collect(),
    ))
}

/// Run `work` on every host; the exit code says whether all, some or none succeeded.
pub(crate) fn run(g: &GlobalArgs, hosts: Vec<Host>, work: &Work<'_>) -> anyhow::Result<ExitCode> {
    if hosts.is_empty() {
        return Err(Error::usage("the fleet has no hosts").into());
    }
    if g.uri.is_some() && !g.uri_from_env {
        return Err(Error::usage(
            "-u names one server; a fleet takes each host's from its profile or inventory",
        )
        .into());
    }
    let spec =
        match work {
            Work::Cli(_, flags) if flags.help => return Err(Error::usage(
                "--help describes a command from one server's catalogue; ask one host (-p NAME)",
            )
            .into()),
            Work::Cli(_, flags) => flags.output.clone(),
            Work::Call(args) => super::output_spec(g, &args.out)?,
            Work::Ping(args) => super::output_spec(g, &args.out)?,
        };
    let default = if render::terminal::stdout_is_terminal() {
        Format::Table
    } else {
        Format::Jsonl
    };
    let output = spec.output(default, false)?;
    // Line formats print each host as it completes; documents wait for every host.
    let streaming = matches!(output.format, Format::Jsonl | Format::Raw);
    // Read once (a `-` argument is stdin), then the same for every host.
    let params = match work {
        Work::Call(args) => call::params(&args.args)?,
        _ => Vec::new(),
    };
    // Each host's address is its own: MIDCLT_URI (from the environment) does not apply.
    let g = GlobalArgs {
        uri: None,
        ..g.clone()
    };
    let total = hosts.len();
    // Ctrl-C stops every host's wait (a job goes on running and its line names it) and
    // the lines are still printed, rather than the process ending mid-fleet.
    crate::interrupt::catch();
    let by_inventory = g.inventory.is_some();
    let queue = Mutex::new(hosts.into_iter().enumerate());
    let workers = usize::from(g.parallel).clamp(1, total);
    let (tx, rx) = mpsc::channel::<(usize, String, anyhow::Result<Value>)>();
    let mut done: Vec<Option<(String, anyhow::Result<Value>)>> = (0..total).map(|_| None).collect();
    let mut printing: Result<()> = Ok(());
    std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (queue, g, params) = (&queue, &g, &params);
            s.spawn(move || loop {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                let Some((i, host)) = next else { break };
                let outcome = if crate::interrupt::pressed() {
                    Err(
                        Error::interrupted("not started: interrupted before this host's turn")
                            .into(),
                    )
                } else {
                    run_one(g, host.profile, work, params)
                        .map_err(|e| for_host(e, &host.name, by_inventory))
                };
                if tx.send((i, host.name, outcome)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (i, name, outcome) in rx {
            if streaming && printing.is_ok() {
                printing = render::fleet::print_line(&name, &outcome, output.select.as_ref());
            }
            done[i] = Some((name, outcome));
        }
    });
    printing?;
    let outcomes: Vec<(String, anyhow::Result<Value>)> = done.into_iter().flatten().collect();
    if !streaming {
        render::fleet::print_all(&outcomes, &output)?;
    }
    let failed: Vec<&str> = outcomes
        .iter()
        .filter(|(_, o)| o.is_err())
        .map(|(name, _)| name.as_str())
        .collect();
    if crate::interrupt::pressed() {
        eprintln!("midclt: interrupted; each host's line says where it stopped");
        return Ok(ExitCode::Interrupted);
    }
    Ok(match failed.len() {
        0 => ExitCode::Success,
        n => {
            eprintln!("midclt: {n} of {total} hosts failed: {}", failed.join(", "));
            let misused = outcomes.iter().all(|(_, o)| {
                o.as_ref()
                    .err()
                    .and_then(|e| e.downcast_ref::<Error>())
                    .is_some_and(|e| e.kind == crate::error::Kind::Usage)
            });
            if misused {
                // Not the hosts' fault: the command itself was wrong for every one of them.
                ExitCode::Usage
            } else if n == total {
                ExitCode::NoneSucceeded
            } else {
                ExitCode::SomeFailed
            }
        }
    })
}

/// A host's error with its `midclt job ...` hints aimed at that host (a job left running
/// after Ctrl-C or a lost connection is followed again on it, not on the default server).
fn for_host(e: anyhow::Error, host: &str, by_inventory: bool) -> anyhow::Error {
    let mut e = match e.downcast::<Error>() {
        Ok(e) => e,
        Err(other) => return other,
    };
    let mut named = false;
    for hint in &mut e.hints {
        if hint.contains("`midclt job ") {
            let target = if by_inventory {
                "-p PROFILE".to_string()
            } else {
                format!("-p {host}")
            };
            *hint = hint.replace("`midclt job ", &format!("`midclt {target} job "));
            named = true;
        }
    }
    if named && by_inventory {
        e.hints.push(format!(
            "PROFILE: a profile for {host} (`midclt config set NAME uri ...`), as the inventory cannot select one host for `job`"
        ));
    }
    e.into()
}

/// One host's result, computed as a one-host run computes it, without anyone to ask.
fn run_one(
    g: &GlobalArgs,
    profile: Result<Profile>,
    work: &Work<'_>,
    params: &[Value],
) -> anyhow::Result<Value> {
    let cfg = super::config_with(g, profile?);
    match work {
        Work::Ping(_) => Ok(ping::result(&cfg)?),
        Work::Call(args) => {
            let login = crate::auth::credentials::resolve_unattended(&cfg.login)?;
            Ok(call::result(
                &mut || session::open_attended(&cfg, &login, Attendance::Unattended),
                &cfg,
                args,
                params.to_vec(),
                Attendance::Unattended,
            )?)
        }
        Work::Cli(input, flags) => truenas_cli::result(&cfg, input.clone(), flags),
    }
}
