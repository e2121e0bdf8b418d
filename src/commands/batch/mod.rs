//! `midclt batch [FILE]`: many calls over one connection, logged in once, one JSON
//! result line each; the exit code says whether all, some or none succeeded.

mod input;

use crate::batch::{self, Report, Writer};
use crate::cli::{BatchArgs, GlobalArgs};
use crate::error::{Error, ExitCode};
use crate::render::terminal;
use crate::session;
use std::fmt::Write as _;
use std::io::Read;
use std::time::Instant;

/// Chunks of parsed lines (128 each) waiting for the sender at most: enough to keep the
/// window full while the reader thread waits for a core (milliseconds on a busy machine),
/// few enough that a million-line input is never held.
const INPUT_QUEUE: usize = 8;

pub(crate) fn run(g: &GlobalArgs, args: &BatchArgs) -> anyhow::Result<ExitCode> {
    if !super::spec_of(&g.out)?.is_empty() {
        return Err(Error::usage(
            "batch writes one JSON line a request; -o, --pretty and --select do not apply",
        )
        .hint("pipe the lines through jq to reshape them")
        .into());
    }
    let from_stdin = args.file.as_ref().is_none_or(|f| f.as_os_str() == "-");
    let source: Box<dyn Read + Send> = match &args.file {
        Some(path) if !from_stdin => {
            if path.is_dir() {
                return Err(Error::usage(format!(
                    "{} is a directory; batch reads a file of requests",
                    path.display()
                ))
                .into());
            }
            Box::new(
                std::fs::File::open(path)
                    .map_err(|e| Error::usage(format!("cannot read {}: {e}", path.display())))?,
            )
        }
        _ => Box::new(std::io::stdin()),
    };
    // Through the session agent when one serves this server and user; otherwise the
    // credentials are resolved once and a dropped connection is opened with them again.
    let mut opener = session::Opener::new(super::config(g)?, from_stdin);
    let mut client = opener.open()?;
    crate::interrupt::catch();
    let opts = batch::Options {
        window: usize::from(args.in_flight),
        ordered: !args.unordered,
        fail_fast: args.fail_fast,
        call_timeout: client.call_timeout(),
        verbose: g.verbose,
    };
    let lines = input::spawn(source, INPUT_QUEUE);
    let mut out = Writer::new(
        Box::new(std::io::stdout()),
        terminal::stdout_is_terminal(),
        opts.ordered,
    );
    let started = Instant::now();
    let mut reconnect = || opener.open();
    let report = batch::run(&mut client, &mut reconnect, &lines, &mut out, &opts);
    client.close();
    if g.verbose || terminal::stderr_is_terminal() {
        eprintln!("midclt: batch: {}", summary(&report, started.elapsed()));
    }
    outcome(report)
}

fn summary(r: &Report, took: std::time::Duration) -> String {
    let done = r.succeeded + r.failed;
    let mut s = format!(
        "{done} results, {} succeeded, {} failed",
        r.succeeded, r.failed
    );
    if r.not_sent > 0 {
        let _ = write!(s, ", {} lines read but not sent", r.not_sent);
    }
    let secs = took.as_secs_f64();
    let _ = write!(s, " in {secs:.2} s");
    if secs > 0.0 && done > 0 {
        let _ = write!(s, " ({:.0} lines/s)", done as f64 / secs);
    }
    s
}

/// All, some or none succeeded; or why the batch could not finish.
fn outcome(r: Report) -> anyhow::Result<ExitCode> {
    if let Some(e) = r.output_error {
        // The reader went away (`| head`): nothing to tell it.
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::Io);
        }
        return Err(Error::io(format!("cannot write the results: {e}")).into());
    }
    if let Some(e) = r.stopped {
        return Err(e.into());
    }
    Ok(match (r.succeeded, r.failed) {
        (_, 0) => ExitCode::Success,
        (0, _) => ExitCode::NoneSucceeded,
        _ => ExitCode::SomeFailed,
    })
}
