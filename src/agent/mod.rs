//! The session agent (`midclt session start`): one logged-in connection to a server, kept
//! by a background process that later commands for the same server and user go through,
//! skipping the TLS handshake and the login.
//!
//! # Shape
//!
//! The agent is itself a WebSocket endpoint on a UNIX socket, speaking the protocol of its
//! server connection (JSON-RPC 2.0, or the legacy one for TrueNAS before 25.04), so a
//! command reaches it with the ordinary client and needs no code of its own: it connects
//! to the socket instead of the server and does not log in (`session::Opener`). The agent
//! relays each local connection's requests over its one upstream connection, with request
//! ids rewritten so clients cannot collide, routes answers back, and hands events to the
//! local connections that subscribed (`relay`). Jobs, subscriptions and the TrueNAS CLI
//! all work through it; only logging in or out (`auth.login*`, `auth.logout`) and
//! `core.set_options` are refused, since they would change the connection under every
//! other client.
//!
//! `session start` resolves the credentials (asking on the terminal if need be), starts
//! `midclt session serve` detached (its own process group, stdio not the terminal's, `/`
//! as working directory, an empty environment but for the TLS trust-store variables),
//! writes the connection settings and the credentials to its stdin (`handover`), and waits
//! for its one-line report: logged in and listening, or the error to exit with.
//!
//! The agent exits when stopped (`session stop`, SIGTERM), after `--idle` seconds (15
//! minutes by default) with no local connection open and none used, or when its server
//! connection is lost and cannot be made again within the usual backoff (a login that is
//! refused now, say). A lost connection is otherwise made again, logging in again; local
//! connections that were waiting on it are closed, as a direct connection would have been.
//!
//! # Security model
//!
//! - The socket lives in `$XDG_RUNTIME_DIR/midclt` (else `/tmp/midclt-UID`), a directory
//!   that must be this user's own, not a link, and closed to everyone else (0700);
//!   anything else is refused, never repaired. The socket itself is made 0600.
//! - Each connection's peer credentials (`SO_PEERCRED`, from the kernel) are checked: only
//!   the agent's own user, or root, is served; anyone else is dropped before a byte is
//!   read. Clients check the other way too: an agent socket served by another user is
//!   not used.
//! - Secrets never touch argv, the environment or the disk: they cross the pipe to the
//!   agent and live in zeroizing memory there (kept for logging in again).
//! - The socket's name is a digest of the server, the user name and the user id, so a
//!   command only ever meets the agent of its own server and user.

mod handover;
mod relay;
mod serve;

pub(crate) use handover::{Handover, Report};

use crate::error::{Error, Result};
use std::io::{Read, Write};
use zeroize::Zeroizing;

/// `midclt session serve`: read the handover from `input`, report on `report`, and serve
/// until done.
pub(crate) fn serve(input: &mut dyn Read, report: &mut dyn Write) -> Result<()> {
    let mut bytes = Zeroizing::new(Vec::new());
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(format!("cannot read the session handover: {e}")))?;
    match Handover::from_bytes(&bytes) {
        Ok(handover) => serve::run(handover, report),
        Err(e) => {
            let line = serde_json::to_string(&Report::failed(&e)).unwrap_or_default();
            let _ = writeln!(report, "{line}");
            Err(e)
        }
    }
}
