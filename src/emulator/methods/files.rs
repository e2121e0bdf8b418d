//! Files in and out of jobs: `core.download`, `core.job_download_logs`, `filesystem.get`
//! (job logs only) and the size-parameterised test jobs `mock.download_bytes`,
//! `mock.upload_sha256` and `mock.log_job`.

use super::{call_piped, def, start, Ctx, MethodDef};
use crate::emulator::api::{ApiError, EFAULT, EINVAL, ENOENT};
use crate::emulator::jobs::log_path;
use crate::emulator::lock;
use crate::emulator::pipes::{self, OutputPipe, Pipes};
use crate::emulator::schema::{any, array, boolean, dict, integer, number, string};
use serde_json::{json, Value};
use sha2::Digest as _;
use std::time::Duration;

/// The size of the chunks jobs write.
const CHUNK: usize = 64 * 1024;
/// The largest test download or upload (1 TiB).
const MAX_SIZE: i64 = 1 << 40;

pub(super) fn methods() -> Vec<MethodDef> {
    vec![
        def(
            "core.download",
            "Call a job that produces downloadable output and get a URL to retrieve the result.",
            vec![
                ("method", string(), true),
                ("args", array(any()).default(json!([])), false),
                ("filename", string(), true),
                ("buffered", boolean().default(json!(false)), false),
            ],
            array(any()),
            download,
        ),
        def(
            "core.job_download_logs",
            "Download logs of the job `id`.",
            vec![
                ("id", integer(), true),
                ("filename", string(), true),
                ("buffered", boolean().default(json!(false)), false),
            ],
            string(),
            job_download_logs,
        ),
        def(
            "filesystem.get",
            "Job to get contents of `path` (the emulator has only the jobs' logs).",
            vec![("path", string(), true)],
            any().nullable(),
            filesystem_get,
        )
        .job()
        .downloadable(),
        def(
            "mock.download_bytes",
            "Emulator test job. Writes `size` bytes of a fixed pseudo-random sequence to its output (call it through core.download), pausing `interval` seconds after each MiB; with `fail_after`, fails once that many bytes are out. Returns the size and the SHA-256 of what it wrote.",
            vec![
                ("size", integer().minimum(0).maximum(MAX_SIZE), true),
                ("fail_after", integer().minimum(0).maximum(MAX_SIZE).nullable().default(Value::Null), false),
                ("interval", number().minimum(0).maximum(60).default(json!(0)), false),
            ],
            dict(),
            download_bytes,
        )
        .job()
        .downloadable(),
        def(
            "mock.upload_sha256",
            "Emulator test job. Reads the uploaded file (send it through /_upload) and returns its size and SHA-256; with `fail`, reads it and then fails.",
            vec![("fail", boolean().default(json!(false)), false)],
            dict(),
            upload_sha256,
        )
        .job()
        .uploadable(),
        def(
            "mock.log_job",
            "Emulator test job. Writes `lines` lines to its log, `interval` seconds apart, then succeeds (or fails with `fail`).",
            vec![
                ("lines", integer().minimum(0).maximum(100_000).default(json!(5)), false),
                ("interval", number().minimum(0).maximum(60).default(json!(0.1)), false),
                ("fail", boolean().default(json!(false)), false),
            ],
            dict(),
            log_job,
        )
        .job(),
    ]
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters.
#[allow(clippy::needless_pass_by_value)]
fn download(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let method = params.first().and_then(Value::as_str).unwrap_or("");
    let args = match params.get(1) {
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    let filename = params.get(2).and_then(Value::as_str).unwrap_or("");
    let buffered = params.get(3).and_then(Value::as_bool).unwrap_or(false);
    start_download(ctx, method, args, filename, buffered).map(|(id, url)| json!([id, url]))
}

/// Start `method(args)` with an output pipe; the job id and the download's URL.
fn start_download(
    ctx: &mut Ctx<'_>,
    method: &str,
    args: Vec<Value>,
    filename: &str,
    buffered: bool,
) -> Result<(i64, String), ApiError> {
    let window = ctx.emu.shared.config.download_window;
    let (pipe, download) = pipes::output(filename, window, buffered);
    let pipes = Pipes {
        output: Some(pipe),
        input: None,
    };
    let id = call_piped(ctx.emu, ctx.session, method, args, pipes)?
        .as_i64()
        .ok_or_else(|| ApiError::call(EINVAL, format!("{method} did not start a job")))?;
    // The token works from this connection's address only, except over the UNIX socket.
    let over_tcp = !matches!(ctx.session.origin, crate::emulator::Origin::Unix);
    let token = super::auth::issue_token(
        ctx,
        300,
        json!({"filename": filename, "job": id}),
        over_tcp,
        true,
    );
    lock(&ctx.emu.shared.state).downloads.insert(id, download);
    Ok((id, format!("/_download/{id}?auth_token={token}")))
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters.
#[allow(clippy::needless_pass_by_value)]
fn job_download_logs(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let id = params.first().and_then(Value::as_i64).unwrap_or(0);
    let filename = params.get(1).and_then(Value::as_str).unwrap_or("");
    let buffered = params.get(2).and_then(Value::as_bool).unwrap_or(false);
    let Some(job) = ctx.emu.job(id) else {
        return Err(ApiError::InstanceNotFound(format!(
            "Job with id {id} does not exist"
        )));
    };
    let Some(path) = job
        .get("logs_path")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return Err(ApiError::call(EFAULT, "This job has no logs"));
    };
    start_download(ctx, "filesystem.get", vec![json!(path)], filename, buffered)
        .map(|(_, url)| json!(url))
}

/// The output pipe a download job was given, or the server's refusal to start one
/// without (its pipes are checked before the job starts).
fn output_pipe(ctx: &mut Ctx<'_>) -> Result<OutputPipe, ApiError> {
    ctx.pipes
        .output
        .take()
        .ok_or_else(|| ApiError::call(EFAULT, "Pipe 'output' is not open"))
}

fn filesystem_get(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let path = params
        .first()
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let out = output_pipe(ctx)?;
    Ok(start(ctx, params, move |run| {
        let emu = run.emulator().clone();
        // Only the jobs' logs exist here; a copy of the log as it is now.
        let content = {
            let st = lock(&emu.shared.state);
            st.job_logs
                .iter()
                .find(|(id, _)| log_path(**id) == path)
                .map(|(_, log)| log.clone())
        };
        let Some(content) = content else {
            return Err(ApiError::call(ENOENT, format!("{path}: file not found")));
        };
        out.wait_reader(run)?;
        for chunk in content.chunks(CHUNK) {
            out.write(chunk.to_vec())?;
        }
        Ok(Value::Null)
    }))
}

/// The test content: a xorshift64* sequence, the same for every call, so a client can
/// check what arrived without the server keeping anything.
struct Content(u64);

impl Content {
    fn new() -> Content {
        Content(0x9E37_79B9_7F4A_7C15)
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for word in buf.chunks_mut(8) {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            let bytes = x.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
            word.copy_from_slice(&bytes[..word.len()]);
        }
    }
}

fn download_bytes(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let size = params.first().and_then(Value::as_u64).unwrap_or(0);
    let fail_after = params.get(1).and_then(Value::as_u64);
    let interval = params.get(2).and_then(Value::as_f64).unwrap_or(0.0);
    let out = output_pipe(ctx)?;
    Ok(start(ctx, params, move |run| {
        out.wait_reader(run)?;
        let mut content = Content::new();
        let mut hash = sha2::Sha256::new();
        let mut sent = 0u64;
        let mut reported = 0;
        let limit = fail_after.map_or(size, |f| f.min(size));
        while sent < limit {
            let n = (limit - sent).min(CHUNK as u64) as usize;
            let mut chunk = vec![0u8; n];
            content.fill(&mut chunk);
            hash.update(&chunk);
            out.write(chunk)?;
            sent += n as u64;
            let percent = (sent * 100 / size.max(1)) as i64;
            if percent > reported {
                reported = percent;
                run.progress(percent as f64, &format!("Sent {sent} of {size} bytes"));
            }
            if interval > 0.0 && sent.is_multiple_of(1 << 20) {
                run.sleep(Duration::from_secs_f64(interval))?;
            }
            if run.aborted() {
                return Err(ApiError::Aborted);
            }
        }
        if fail_after.is_some_and(|f| f < size) {
            return Err(ApiError::call(
                EFAULT,
                format!("Failed on purpose after sending {sent} bytes"),
            ));
        }
        Ok(json!({"size": size, "sha256": hex(&hash.finalize())}))
    }))
}

fn upload_sha256(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let fail = params.first().and_then(Value::as_bool).unwrap_or(false);
    let input = ctx
        .pipes
        .input
        .take()
        .ok_or_else(|| ApiError::call(EFAULT, "Pipe 'input' is not open"))?;
    Ok(start(ctx, params, move |run| {
        let mut hash = sha2::Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = input.read(run)? {
            hash.update(&chunk);
            size += chunk.len() as u64;
        }
        if fail {
            return Err(ApiError::call(
                EINVAL,
                format!("The uploaded file ({size} bytes) was refused on purpose"),
            ));
        }
        Ok(json!({"size": size, "sha256": hex(&hash.finalize())}))
    }))
}

// Handler: the dispatch table fixes the signature; this one cannot fail.
#[allow(clippy::unnecessary_wraps)]
fn log_job(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let lines = params.first().and_then(Value::as_u64).unwrap_or(5);
    let interval = params.get(1).and_then(Value::as_f64).unwrap_or(0.1);
    let fail = params.get(2).and_then(Value::as_bool).unwrap_or(false);
    Ok(start(ctx, params, move |run| {
        for i in 1..=lines {
            run.sleep(Duration::from_secs_f64(interval))?;
            run.log(&format!("log line {i} of {lines}"));
            run.progress(i as f64 * 100.0 / lines as f64, &format!("Line {i}"));
        }
        if fail {
            return Err(ApiError::call(EFAULT, "The log job failed on purpose"));
        }
        Ok(json!({"lines": lines}))
    }))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_content_is_fixed_however_it_is_cut_into_words() {
        // Chunks of any size make the same stream.
        let mut whole = vec![0u8; 40];
        Content::new().fill(&mut whole);
        let mut c = Content::new();
        let mut parts = vec![0u8; 40];
        c.fill(&mut parts[..16]);
        c.fill(&mut parts[16..]);
        assert_eq!(whole, parts);
        assert_ne!(whole[..8], whole[8..16]);
    }
}
