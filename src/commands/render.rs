//! `midclt render`: show a JSON value from stdin as a command's result would be shown.

use crate::error::Error;
use crate::render::{print_rendered, Format};
use serde_json::Value;
use std::io::IsTerminal;

/// `midclt render`: a JSON value on stdin, rendered as a command's result would be.
pub(crate) fn run(format: Option<Format>) -> anyhow::Result<()> {
    let text = crate::auth::credentials::read_stdin_payload()?;
    let value: Value = serde_json::from_str(text.trim())
        .map_err(|e| Error::usage(format!("stdin is not JSON: {e}")))?;
    let format = format.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    });
    print_rendered(&value, format)?;
    Ok(())
}
