//! `midclt ping`.

use crate::cli::{BoolStyle, GlobalArgs, OutputOnly};
use crate::error::Result;
use crate::session::{self, ConnectConfig};
use serde_json::Value;

pub(crate) fn run(g: &GlobalArgs, args: &OutputOnly) -> anyhow::Result<()> {
    let spec = super::output_spec(g, &args.out)?;
    let output = super::call_output(&spec)?;
    let pong = result(&super::config(g)?)?;
    super::print_call_result(output.as_ref(), &spec, &pong, BoolStyle::Json)?;
    Ok(())
}

/// The server's answer to `core.ping`.
pub(crate) fn result(cfg: &ConnectConfig) -> Result<Value> {
    // Like the official tool, ping does not log in: core.ping needs no session. A
    // session agent's connection serves as well as a fresh one.
    let mut client = session::Opener::new(cfg.clone(), false).connect()?;
    let pong = client.ping()?;
    client.close();
    Ok(pong)
}
