//! `midclt ping`.

use crate::cli::{BoolStyle, GlobalArgs, OutputOnly};
use crate::session;

pub(crate) fn run(g: &GlobalArgs, args: &OutputOnly) -> anyhow::Result<()> {
    let spec = super::output_spec(g, &args.out)?;
    let output = super::call_output(&spec)?;
    // Like the official tool, ping does not log in: core.ping needs no session.
    let mut client = session::Opener::new(super::config(g)?, false).connect()?;
    let pong = client.ping()?;
    client.close();
    super::print_call_result(output.as_ref(), &spec, &pong, BoolStyle::Json)?;
    Ok(())
}
