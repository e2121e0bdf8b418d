//! `midclt token`: a session token for scripts.

use crate::cli::{GlobalArgs, TokenArgs};
use crate::render;
use crate::session;
use serde_json::json;

pub(crate) fn run(g: &GlobalArgs, args: &TokenArgs) -> anyhow::Result<()> {
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
    render::print_line(token.as_str().unwrap_or_default())?;
    Ok(())
}
