//! `midclt call --download FILE METHOD ...`, `midclt call --upload FILE METHOD ...` and
//! `midclt job logs ID [--follow]`: files in and out of jobs, streamed.

use crate::cli::{CallArgs, GlobalArgs};
use crate::client::rpc::Client;
use crate::error::{Error, Result};
use crate::jobs;
use crate::session;
use crate::transfer::{self, PartFile};
use serde_json::Value;
use std::fs::File;
use std::io::IsTerminal as _;
use std::os::fd::AsFd as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// How often `job logs --follow` fetches the log again.
const FOLLOW_EVERY: Duration = Duration::from_secs(1);

/// Where a download goes.
enum Sink {
    /// A file, committed only when the job succeeded.
    File(PartFile),
    /// Standard output, as the bytes arrive.
    Stdout(File),
}

/// `call --download` or `call --upload`.
pub(crate) fn call(g: &GlobalArgs, args: &CallArgs) -> anyhow::Result<()> {
    let params = super::call::params(&args.args)?;
    // Local checks come first: no job is started for a file that cannot be written or
    // read.
    let sink = match &args.download {
        Some(path) => Some(sink(path)?),
        None => None,
    };
    let source = match &args.upload {
        Some(path) => Some(source(path)?),
        None => None,
    };
    let stdin_taken =
        args.args.iter().any(|a| a == "-") || args.upload.as_deref() == Some(Path::new("-"));
    let cfg = super::config(g)?;
    let login = crate::auth::credentials::resolve(&cfg.login, stdin_taken)?;
    let mut client = session::open_as(&cfg, &login)?;
    // Ctrl-C then removes the partial file, and stops the job that would go on without
    // its other end.
    crate::interrupt::catch();
    let mut reconnect = || session::open_as(&cfg, &login);
    let mut progress = super::byte_progress();
    let outcome = match (sink, source) {
        (Some(sink), _) => download(
            &mut client,
            &mut reconnect,
            args,
            params,
            sink,
            progress.as_mut(),
        ),
        (None, Some((mut file, size, name))) => {
            let mut job_progress = super::job_progress(args.job_print);
            transfer::upload(
                &mut client,
                Some(&mut reconnect),
                &args.method,
                params,
                &mut file,
                size,
                &name,
                progress.as_mut(),
                job_progress.as_mut(),
            )
            .map(|t| Some(t.result))
        }
        (None, None) => Err(Error::usage("nothing to transfer")),
    };
    client.close();
    match outcome? {
        Some(result) if !result.is_null() => Ok(super::print_job_result(g, &args.out, &result)?),
        _ => Ok(()),
    }
}

/// Run the download; the job's result when it is to be printed.
fn download(
    client: &mut Client,
    reconnect: jobs::Reconnect<'_>,
    args: &CallArgs,
    params: Vec<Value>,
    sink: Sink,
    progress: &mut dyn transfer::ByteProgress,
) -> Result<Option<Value>> {
    let name = args
        .download
        .as_deref()
        .and_then(Path::file_name)
        .map_or_else(
            || format!("{}.out", args.method),
            |n| n.to_string_lossy().into_owned(),
        );
    match sink {
        Sink::File(mut part) => {
            let done = transfer::download(
                client,
                Some(reconnect),
                &args.method,
                params,
                &name,
                &mut part,
                progress,
            )
            .map_err(|e| {
                // Dropping `part` removes what had arrived; say so where it matters.
                if e.kind == crate::error::Kind::Interrupted {
                    let message = format!("{}; nothing was saved", e.message);
                    Error { message, ..e }
                } else {
                    e
                }
            })?;
            part.commit()?;
            Ok(Some(done.result))
        }
        Sink::Stdout(mut out) => {
            transfer::download(
                client,
                Some(reconnect),
                &args.method,
                params,
                &name,
                &mut out,
                progress,
            )?;
            // Standard output holds the file; the result has no place there.
            Ok(None)
        }
    }
}

fn sink(path: &Path) -> Result<Sink> {
    if path != Path::new("-") {
        return PartFile::create(path).map(Sink::File);
    }
    if std::io::stdout().is_terminal() {
        return Err(Error::usage(
            "--download - writes the file to stdout, which is a terminal here",
        )
        .hint("redirect it (`> FILE`, `| tar t`), or give a file name"));
    }
    // Straight to the descriptor: the standard library's stdout flushes at each line
    // break, which binary data is full of.
    std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .map(|fd| Sink::Stdout(File::from(fd)))
        .map_err(|e| Error::io(format!("cannot use stdout: {e}")))
}

/// The file to upload, its size (which goes into the request before its bytes) and the
/// name the server sees.
fn source(path: &Path) -> Result<(File, u64, String)> {
    let (file, name) = if path == Path::new("-") {
        let fd = std::io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .map_err(|e| Error::io(format!("cannot use stdin: {e}")))?;
        (File::from(fd), "stdin".to_string())
    } else {
        let file = File::open(path)
            .map_err(|e| Error::usage(format!("cannot read {}: {e}", path.display())))?;
        let name = path
            .file_name()
            .map_or_else(|| "upload".into(), |n| n.to_string_lossy().into_owned());
        (file, name)
    };
    let meta = file
        .metadata()
        .map_err(|e| Error::usage(format!("cannot read {}: {e}", path.display())))?;
    if !meta.is_file() {
        let what = if path == Path::new("-") {
            "stdin is not a file".to_string()
        } else {
            format!("{} is not a regular file", path.display())
        };
        return Err(Error::usage(format!(
            "--upload needs a regular file, whose size goes into the request: {what}"
        ))
        .hint("save the data to a file first (for stdin: `< FILE`)"));
    }
    Ok((file, meta.len(), name))
}

/// `job logs ID [--follow]`.
pub(crate) fn logs(
    client: &mut Client,
    reconnect: jobs::Reconnect<'_>,
    job: &serde_json::Map<String, Value>,
    follow: bool,
) -> anyhow::Result<()> {
    let id = job.get("id").and_then(Value::as_i64).unwrap_or_default();
    let mut out = stdout()?;
    if !follow {
        transfer::job_log(client, id, 0, &mut out)?;
        return Ok(());
    }
    crate::interrupt::catch();
    let mut printed = 0;
    loop {
        let job = super::job::get(client, id)?;
        let state = job.get("state").and_then(Value::as_str).unwrap_or("");
        let ended = matches!(state, "SUCCESS" | "FAILED" | "ABORTED");
        // The last fetch comes after the job ended, so nothing it wrote is missed.
        if ended || job.get("logs_path").is_some_and(|p| !p.is_null()) {
            printed = transfer::job_log(client, id, printed, &mut out)?;
        }
        if ended {
            break;
        }
        let until = Instant::now() + FOLLOW_EVERY;
        while Instant::now() < until {
            if crate::interrupt::pressed() {
                return Err(Error::interrupted(format!(
                    "stopped following the log of job {id}; the job goes on running"
                ))
                .into());
            }
            std::thread::sleep(crate::interrupt::POLL);
        }
    }
    // The job's end, as `job wait` reports it (its result is not printed: the log was).
    let method = job
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or_default();
    client.subscribe("core.get_jobs")?;
    jobs::follow_reconnecting(client, reconnect, method, id, &mut jobs::Silent)?;
    Ok(())
}

fn stdout() -> Result<File> {
    std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .map(File::from)
        .map_err(|e| Error::io(format!("cannot use stdout: {e}")))
}
