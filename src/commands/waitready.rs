//! `midclt waitready`: wait until the middleware answers, as boot-time scripts written for
//! the official client expect.

use crate::cli::{GlobalArgs, WaitreadyArgs};
use crate::error::{Error, Kind};
use crate::session;
use std::time::{Duration, Instant};

const RETRY_EVERY: Duration = Duration::from_millis(500);

pub(crate) fn run(g: &GlobalArgs, args: &WaitreadyArgs) -> anyhow::Result<()> {
    let mut opts = super::config(g)?.options()?;
    let deadline = Instant::now() + crate::session::seconds(args.timeout);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        opts.connect_timeout = opts
            .connect_timeout
            .min(left.max(Duration::from_millis(100)));
        opts.call_timeout = opts.call_timeout.min(left.max(Duration::from_millis(100)));
        let last = match session::connect(&opts).and_then(|mut c| {
            let pong = c.ping();
            c.close();
            pong
        }) {
            Ok(_) => return Ok(()),
            // Retrying cannot mend a bad command line or an untrusted certificate.
            Err(e) if matches!(e.kind, Kind::Usage | Kind::Tls) => return Err(e.into()),
            Err(e) => e,
        };
        if Instant::now() + RETRY_EVERY > deadline {
            return Err(Error::timeout(format!(
                "the middleware did not answer within {} s (last: {})",
                args.timeout, last.message
            ))
            .into());
        }
        std::thread::sleep(RETRY_EVERY);
    }
}
