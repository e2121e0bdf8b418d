//! `midclt token`: a session token for scripts.

use crate::cli::{BoolStyle, GlobalArgs, TokenArgs};
use crate::session;
use serde_json::json;

pub(crate) fn run(g: &GlobalArgs, args: &TokenArgs) -> anyhow::Result<()> {
    let spec = super::output_spec(g, &args.out)?;
    let output = super::call_output(&spec)?;
    let mut client = session::open(&super::config(g)?, false)?;
    let token = client.call(
        "auth.generate_token",
        vec![
            json!(args.ttl),
            json!({}),
            json!(true),
            json!(args.single_use),
        ],
    );
    let token = match token {
        // Servers before 25.04 take no single_use argument.
        Err(e) if !args.single_use && e.server.is_some() => client
            .call("auth.generate_token", vec![json!(args.ttl)])
            .map_err(|_| e)?,
        other => other?,
    };
    client.close();
    super::print_call_result(output.as_ref(), &spec, &token, BoolStyle::Json)?;
    Ok(())
}
