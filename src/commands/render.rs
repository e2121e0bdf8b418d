//! `midclt render`: show a JSON value from stdin as a command's result would be shown.

use crate::error::Error;
use crate::render::{Format, Spec};
use serde_json::Value;
use std::io::IsTerminal;

/// `midclt render`: a JSON value on stdin, rendered as a command's result would be
/// (table on a terminal, indented JSON when piped, unless `spec` says otherwise).
pub(crate) fn run(spec: &Spec) -> anyhow::Result<()> {
    let default = if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Json
    };
    let output = spec.output(default, true)?;
    let text = crate::auth::credentials::read_stdin_payload()?;
    let value: Value = serde_json::from_str(text.trim())
        .map_err(|e| Error::usage(format!("stdin is not JSON: {e}")))?;
    output.print(&value)?;
    Ok(())
}
