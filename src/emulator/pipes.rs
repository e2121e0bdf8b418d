//! Job pipes, as the server gives them to jobs: a download job writes its output for
//! `GET /_download/ID` to read, an upload job reads the file `POST /_upload` received.
//! Chunks pass through bounded channels, so a gigabyte never sits in memory.

use super::api::{ApiError, EPIPE};
use super::jobs::JobRun;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::time::{Duration, Instant};

/// Chunks in flight between a job and its HTTP request.
const DEPTH: usize = 4;
/// How often a blocked job looks for an abort.
const STEP: Duration = Duration::from_millis(10);
/// How long a buffered download stays available (the server's figure).
pub(crate) const BUFFERED_WINDOW: Duration = Duration::from_secs(3600);

/// The pipes a method was called with.
#[derive(Default)]
pub(crate) struct Pipes {
    pub input: Option<InputPipe>,
    pub output: Option<OutputPipe>,
}

enum Tx {
    /// The job waits for the reader and then for each chunk to be taken.
    Streamed(SyncSender<Vec<u8>>),
    /// `buffered=true`: the job runs ahead and its output waits in memory, as on the
    /// server.
    Buffered(Sender<Vec<u8>>),
}

/// A download job's output.
pub(crate) struct OutputPipe {
    tx: Tx,
    started: Receiver<()>,
    window: Duration,
}

/// The reading end of a download, kept by the server until `GET /_download/ID` takes it.
pub(crate) struct Download {
    pub data: Receiver<Vec<u8>>,
    pub start: Sender<()>,
    pub filename: String,
    /// Past this instant the download is gone (HTTP 410).
    pub deadline: Instant,
}

/// A pipe pair for a download of `filename` that must start within `window`.
pub(crate) fn output(filename: &str, window: Duration, buffered: bool) -> (OutputPipe, Download) {
    let (tx, data) = if buffered {
        let (tx, rx) = mpsc::channel();
        (Tx::Buffered(tx), rx)
    } else {
        let (tx, rx) = mpsc::sync_channel(DEPTH);
        (Tx::Streamed(tx), rx)
    };
    let (start, started) = mpsc::channel();
    let window = if buffered { BUFFERED_WINDOW } else { window };
    (
        OutputPipe {
            tx,
            started,
            window,
        },
        Download {
            data,
            start,
            filename: filename.to_string(),
            deadline: Instant::now() + window,
        },
    )
}

/// What a job gets when the pipe it writes to is gone (the reader never came, or left).
pub(crate) fn broken_pipe() -> ApiError {
    ApiError::call(EPIPE, "[Errno 32] Broken pipe")
}

impl OutputPipe {
    /// Wait until the download starts (a streamed download writes nothing before): the
    /// server gives up on a reader that has not come within the window.
    pub(crate) fn wait_reader(&self, run: &JobRun) -> Result<(), ApiError> {
        if matches!(self.tx, Tx::Buffered(_)) {
            return Ok(());
        }
        let deadline = Instant::now() + self.window;
        loop {
            if run.aborted() {
                return Err(ApiError::Aborted);
            }
            match self.started.recv_timeout(STEP) {
                Ok(()) => return Ok(()),
                Err(RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
                Err(_) => return Err(broken_pipe()),
            }
        }
    }

    /// Hand a chunk to the reader, waiting while it is behind.
    pub(crate) fn write(&self, chunk: Vec<u8>) -> Result<(), ApiError> {
        match &self.tx {
            Tx::Streamed(tx) => tx.send(chunk),
            Tx::Buffered(tx) => tx.send(chunk),
        }
        .map_err(|_| broken_pipe())
    }
}

/// An upload job's input: the received file's chunks, then the end.
pub(crate) struct InputPipe {
    rx: Receiver<Vec<u8>>,
}

/// A pipe pair for an upload: the HTTP request writes, the job reads.
pub(crate) fn input() -> (SyncSender<Vec<u8>>, InputPipe) {
    let (tx, rx) = mpsc::sync_channel(DEPTH);
    (tx, InputPipe { rx })
}

impl InputPipe {
    /// The next chunk, or `None` at the end of the file.
    pub(crate) fn read(&self, run: &JobRun) -> Result<Option<Vec<u8>>, ApiError> {
        loop {
            if run.aborted() {
                return Err(ApiError::Aborted);
            }
            match self.rx.recv_timeout(STEP) {
                Ok(chunk) => return Ok(Some(chunk)),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(None),
            }
        }
    }
}
