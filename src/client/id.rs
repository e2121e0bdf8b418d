//! Request ids.

use crate::error::{Error, Result};

/// A globally unique request id (UUID v4 text). Job events carry the ids of every
/// admin session's calls, so per-process counters would collide; without randomness from
/// the operating system there is no safe id, and the call fails.
pub(crate) fn new_request_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        Error::io(format!(
            "the operating system gave no randomness for a request id: {e}"
        ))
    })?;
    Ok(uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string())
}
