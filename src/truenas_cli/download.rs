//! `COMMAND ... > FILE` on a job that produces a file: as in the TrueNAS CLI, the job runs
//! through `core.download` and its output is saved as FILE (through a temporary file,
//! renamed once the job succeeded).

use crate::client::rpc::Client;
use crate::error::Result;
use crate::jobs;
use crate::transfer::{self, PartFile};
use serde_json::{json, Value};
use std::path::Path;

/// Download `method(params)` into `file`; the line the TrueNAS CLI prints then.
pub(crate) fn save(
    client: &mut Client,
    reconnect: jobs::Reconnect<'_>,
    method: &str,
    params: Vec<Value>,
    file: &str,
) -> Result<String> {
    let mut part = PartFile::create(Path::new(file))?;
    // Ctrl-C removes the partial file and stops the job.
    crate::interrupt::catch();
    let mut progress: Box<dyn transfer::ByteProgress> =
        if crate::render::terminal::stderr_is_terminal() {
            Box::new(crate::render::progress::Bytes::new())
        } else {
            Box::new(transfer::Quiet)
        };
    let done = transfer::download(
        client,
        Some(reconnect),
        method,
        params,
        &name(file),
        &mut part,
        progress.as_mut(),
    )?;
    part.commit()?;
    Ok(format!(
        "Job output ({} bytes) saved at {}",
        done.bytes,
        crate::py::repr::str_repr(file)
    ))
}

/// The call `save` makes, for `--dry-run`.
pub(crate) fn dry_run(method: &str, params: &[Value], file: &str) -> Value {
    json!({"method": "core.download", "params": [method, params, name(file), false]})
}

fn name(file: &str) -> String {
    Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned())
}
