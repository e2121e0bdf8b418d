//! Writing results to stdout.

use super::{terminal, Format, Layout};
use crate::error::{Error, Result};
use serde_json::Value;
use std::io::Write;

/// Write a line to stdout; a closed pipe (`| head`) ends quietly. On a terminal, control
/// characters are shown escaped.
pub(crate) fn print_line(text: &str) -> Result<()> {
    let text = if terminal::stdout_is_terminal() {
        terminal::text(text)
    } else {
        text.into()
    };
    write_line(&text)
}

fn write_line(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io(format!("cannot write to stdout: {e}"))),
    }
}

/// Print rendered output; CSV keeps its own CRLF line ends (midcli's csv module). On a
/// terminal, a table wider than the terminal is fitted to it, with a note on stderr naming
/// any column left out.
pub(crate) fn print_rendered(value: &Value, format: Format) -> Result<()> {
    let width = match format {
        Format::Table => terminal::stdout_width(),
        _ => None,
    };
    let layout = Layout {
        json_indent: true,
        width,
    };
    let rendered = super::render_with(value, format, layout);
    if let (false, Some(width)) = (rendered.dropped.is_empty(), width) {
        note_dropped(&rendered.dropped, width);
    }
    let text = match (terminal::stdout_is_terminal(), format) {
        (false, _) => std::borrow::Cow::Borrowed(rendered.text.as_str()),
        (true, Format::Json) => terminal::json(&rendered.text),
        (true, _) => terminal::text(&rendered.text),
    };
    if format == Format::Csv && text.ends_with('\n') {
        let mut out = std::io::stdout().lock();
        return match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(Error::io(format!("cannot write to stdout: {e}")))
            }
            _ => Ok(()),
        };
    }
    write_line(text.trim_end_matches(['\n', '\r']))
}

/// The `-o FORMAT` value.
pub(crate) fn parse_format(s: &str) -> Result<Format> {
    s.parse::<Format>().map_err(|_| {
        Error::usage(format!(
            "unknown output format '{s}': use table, csv, json or yaml"
        ))
    })
}

fn note_dropped(dropped: &[String], width: usize) {
    warn(&format!(
        "midclt: note: {} of the table's columns did not fit in {width} terminal columns: {}\n  \
         hint: -o json shows every field",
        dropped.len(),
        dropped.join(", ")
    ));
}

/// A line on stderr; field names come from the server, so controls are shown escaped on
/// a terminal.
fn warn(text: &str) {
    if terminal::stderr_is_terminal() {
        eprintln!("{}", terminal::text(text));
    } else {
        eprintln!("{text}");
    }
}
