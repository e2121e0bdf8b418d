//! Ctrl-C while waiting on the server. By default SIGINT ends the process, which is right
//! for a one-shot call; but a job left behind silently, or an interactive shell killed by
//! one keystroke, is not. Front ends that can do better [`catch`] SIGINT; from then on a
//! waiting client notices it within [`POLL`] and returns a [`Kind::Interrupted`] error
//! instead of going on waiting.
//!
//! [`Kind::Interrupted`]: crate::error::Kind::Interrupted

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How long a blocked read may go without looking at the flag.
pub(crate) const POLL: Duration = Duration::from_millis(100);

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// From now on, SIGINT sets a flag instead of ending the process. Returns whether the
/// handler is in place (it cannot be installed in some sandboxes; then Ctrl-C keeps its
/// default meaning).
pub(crate) fn catch() -> bool {
    if FLAG.get().is_some() {
        return true;
    }
    let flag = Arc::new(AtomicBool::new(false));
    if signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&flag)).is_err() {
        return false;
    }
    FLAG.get_or_init(|| flag);
    true
}

/// For a background process (the session agent): SIGTERM as well as SIGINT set the flag,
/// so every wait ends for either. Returns the flag, to look at directly.
pub(crate) fn catch_termination() -> Option<Arc<AtomicBool>> {
    if !catch() {
        return None;
    }
    let flag = FLAG.get()?;
    signal_hook::flag::register(signal_hook::consts::SIGTERM, Arc::clone(flag)).ok()?;
    Some(Arc::clone(flag))
}

/// Whether SIGINT is being caught (so waits must poll).
pub(crate) fn caught() -> bool {
    FLAG.get().is_some()
}

/// Whether Ctrl-C was pressed since the last [`clear`]; it stays pressed until then, so
/// every layer between the read and the front end sees it.
pub(crate) fn pressed() -> bool {
    FLAG.get().is_some_and(|f| f.load(Ordering::SeqCst))
}

/// Forget an earlier Ctrl-C (before running the next command, or once it was handled).
pub(crate) fn clear() {
    if let Some(f) = FLAG.get() {
        f.store(false, Ordering::SeqCst);
    }
}
