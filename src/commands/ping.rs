//! `midclt ping`.

use crate::cli::GlobalArgs;
use crate::render::{self, midclt};
use crate::session;

pub(crate) fn run(g: &GlobalArgs) -> anyhow::Result<()> {
    // Like the official tool, ping does not log in: core.ping needs no session.
    let mut client = session::Opener::new(super::config(g)?, false).connect()?;
    let pong = client.ping()?;
    client.close();
    render::print_line(&midclt::result_text(&pong))?;
    Ok(())
}
