//! Reporting a failure on stderr, the same way in every mode (one-shot, shell, script):
//! what went wrong, what to do, and the exit code that goes with it.

use crate::error::{Error, ExitCode, Kind};
use std::fmt::Write as _;
use std::io::Write as _;

/// How a failure is reported.
#[derive(Clone, Copy)]
pub(crate) struct Style {
    /// `call`: server errors exactly as the official client prints them, which scripts
    /// and the Ansible collection parse.
    pub official: bool,
    /// `call -q`: a failed call or job prints nothing; the exit code says it.
    pub quiet: bool,
    /// `-v`: show the server's traceback even where it is only noise.
    pub verbose: bool,
}

/// The library's typed error carries the exit code; anything else the handlers report is
/// a local input/output failure (a file written, the editor) with its context.
pub(crate) fn exit_code(e: &anyhow::Error) -> ExitCode {
    typed(e).map_or(ExitCode::Io, Error::exit_code)
}

pub(crate) fn typed(e: &anyhow::Error) -> Option<&Error> {
    e.chain().find_map(|cause| cause.downcast_ref::<Error>())
}

/// Print an error the way a person (and a log) wants it: validation errors as one
/// `field: message` line each; other server errors with the server's traceback (unless it
/// is noise: not logged in, rate limited); client-side errors with hints on what to do.
/// Context the handlers added (which file, which step) leads the first line.
pub(crate) fn report(e: &anyhow::Error, style: Style) {
    let terminal = super::terminal::stderr_is_terminal();
    let text = report_text(e, style, terminal);
    let text = if terminal {
        super::terminal::text(&text)
    } else {
        text.as_str().into()
    };
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn report_text(e: &anyhow::Error, style: Style, terminal: bool) -> String {
    let mut out = String::new();
    let Some(typed) = typed(e) else {
        let _ = writeln!(out, "midclt: {e:#}");
        return out;
    };
    if style.quiet && matches!(typed.kind, Kind::Server | Kind::Timeout) {
        return out;
    }
    let traceback = style.verbose || typed.server.as_ref().is_none_or(|s| !s.is_routine());
    let hints = |out: &mut String| {
        for h in &typed.hints {
            let _ = writeln!(out, "  hint: {h}");
        }
    };
    if let (true, Kind::Server, Some(server)) = (style.official, typed.kind, &typed.server) {
        out.push_str(&super::midclt::official_error(server, traceback));
        // Scripts parse this output: hints only for a person at a terminal.
        if terminal {
            hints(&mut out);
        }
        return out;
    }
    let context: Vec<String> = e
        .chain()
        .take_while(|cause| cause.downcast_ref::<Error>().is_none())
        .map(ToString::to_string)
        .collect();
    if !context.is_empty() {
        let _ = writeln!(out, "midclt: {}: {}", context.join(": "), typed.message);
        hints(&mut out);
        return out;
    }
    let fields = typed.server.as_ref().and_then(|s| s.validation_errors());
    // A plain validation error needs no header: its lines are the message.
    let bare = fields.is_some()
        && typed
            .server
            .as_ref()
            .is_some_and(|s| typed.message == s.reason().trim_end());
    if !bare {
        let _ = writeln!(out, "midclt: {}", typed.message);
    }
    if let Some(fields) = fields {
        for (attr, msg) in fields {
            let _ = if attr.is_empty() {
                writeln!(out, "{msg}")
            } else {
                writeln!(out, "{attr}: {msg}")
            };
        }
        return out;
    }
    hints(&mut out);
    if let Some(server) = &typed.server {
        if let Some(tb) = server.traceback().filter(|_| traceback) {
            let _ = writeln!(out, "{}", tb.trim_end());
        }
        if let Some(extra) = server.data.as_ref().and_then(|d| d.extra.as_ref()) {
            let _ = writeln!(out, "extra: {}", crate::py::json::dumps(extra));
        }
    }
    out
}
