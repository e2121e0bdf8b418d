//! Request ids.

use crate::error::{Error, Result};
use std::cell::RefCell;

/// Random bytes for 64 ids are asked of the operating system at once: a system call per
/// id would be a fair part of a pipelined call's cost. (midclt never runs Rust code in a
/// forked child, which would repeat the pool.)
const POOL: usize = 16 * 64;

thread_local! {
    static RANDOM: RefCell<([u8; POOL], usize)> = const { RefCell::new(([0; POOL], POOL)) };
}

/// A globally unique request id (UUID v4 text). Job events carry the ids of every
/// admin session's calls, so per-process counters would collide; without randomness from
/// the operating system there is no safe id, and the call fails.
pub(crate) fn new_request_id() -> Result<String> {
    let bytes = RANDOM.with(|pool| -> Result<[u8; 16]> {
        let mut pool = pool.borrow_mut();
        let (buf, used) = &mut *pool;
        if *used + 16 > POOL {
            getrandom::fill(buf).map_err(|e| {
                Error::io(format!(
                    "the operating system gave no randomness for a request id: {e}"
                ))
            })?;
            *used = 0;
        }
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&buf[*used..*used + 16]);
        *used += 16;
        Ok(bytes)
    })?;
    Ok(uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string())
}
