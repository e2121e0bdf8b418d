//! Writing results to stdout: the output options (`-o`, `--pretty`, `--select`), and the
//! terminal's part (escaped control characters, tables fitted to its width).

use super::{render_with, terminal, Format, Layout, Selection, FORMAT_NAMES};
use crate::error::{Error, Result};
use serde_json::Value;
use std::borrow::Cow;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

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
    write_all(&format!("{text}\n"))
}

fn write_all(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::io(format!("cannot write to stdout: {e}"))),
    }
}

/// The `-o FORMAT` value.
pub(crate) fn parse_format(s: &str) -> Result<Format> {
    s.parse::<Format>()
        .map_err(|_| Error::usage(format!("unknown output format '{s}': use {FORMAT_NAMES}")))
}

/// What was asked of the output on the command line: `-o`, `--pretty`, `--select`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Spec {
    pub format: Option<Format>,
    pub pretty: bool,
    pub select: Option<Selection>,
}

impl Spec {
    /// The options as typed.
    pub(crate) fn parse(output: Option<&str>, pretty: bool, select: Option<&str>) -> Result<Spec> {
        Ok(Spec {
            format: output.map(parse_format).transpose()?,
            pretty,
            select: select.map(Selection::parse).transpose()?,
        })
    }

    /// Was any output option given?
    pub(crate) fn is_empty(&self) -> bool {
        self.format.is_none() && !self.pretty && self.select.is_none()
    }

    /// Does it ask for a format (`-o`, or `--pretty`, which means JSON)?
    pub(crate) fn asks_format(&self) -> bool {
        self.format.is_some() || self.pretty
    }

    /// These options, completed by `outer` (options given earlier on the line: the global
    /// ones before a subcommand) where they say nothing.
    pub(crate) fn or(self, outer: &Spec) -> Spec {
        Spec {
            format: self.format.or(outer.format),
            pretty: self.pretty || outer.pretty,
            select: self.select.or_else(|| outer.select.clone()),
        }
    }

    /// The output to produce: the format asked for, JSON for `--pretty` alone, else
    /// `default`. JSON is indented with `--pretty`, else as the command does by habit
    /// (`indent`). `--pretty` with another format is a usage error.
    pub(crate) fn output(&self, default: Format, indent: bool) -> Result<Output> {
        let format = match (self.format, self.pretty) {
            (Some(f), true) if f != Format::Json => {
                return Err(Error::usage(format!(
                    "--pretty indents JSON; it does not go with -o {f}"
                ))
                .hint("use -o json --pretty, or drop --pretty"));
            }
            (Some(f), _) => f,
            (None, true) => Format::Json,
            (None, false) => default,
        };
        Ok(Output {
            format,
            json_indent: indent || self.pretty,
            select: self.select.clone(),
        })
    }
}

/// How one command prints its results.
#[derive(Debug, Clone)]
pub(crate) struct Output {
    pub format: Format,
    pub json_indent: bool,
    pub select: Option<Selection>,
}

impl Output {
    /// Print `value` on stdout. On a terminal, control characters are shown escaped
    /// (JSON stays JSON) and a table wider than the terminal is fitted to it, with a note
    /// on stderr naming any column left out.
    pub(crate) fn print(&self, value: &Value) -> Result<()> {
        let value = selected(value, self.select.as_ref(), self.format.has_columns());
        let width = match self.format {
            Format::Table => terminal::stdout_width(),
            _ => None,
        };
        let layout = Layout {
            json_indent: self.json_indent,
            width,
        };
        let rendered = render_with(&value, self.format, layout);
        if let (false, Some(width)) = (rendered.dropped.is_empty(), width) {
            note_dropped(&rendered.dropped, width);
        }
        if prints_nothing(&value, self.format) {
            return Ok(());
        }
        let text = match (terminal::stdout_is_terminal(), self.format) {
            (false, _) => Cow::Borrowed(rendered.text.as_str()),
            (true, Format::Json | Format::Jsonl) => terminal::json(&rendered.text),
            (true, _) => terminal::text(&rendered.text),
        };
        // CSV keeps its own CRLF line ends (midcli's csv module).
        if self.format == Format::Csv && text.ends_with('\n') {
            return write_all(&text);
        }
        write_line(text.trim_end_matches(['\n', '\r']))
    }

    /// The text to write to a file for `value`: as piped to stdout, ending in a newline.
    pub(crate) fn file_text(&self, value: &Value) -> String {
        let value = selected(value, self.select.as_ref(), self.format.has_columns());
        if prints_nothing(&value, self.format) {
            return String::new();
        }
        let layout = Layout {
            json_indent: self.json_indent,
            width: None,
        };
        let mut text = render_with(&value, self.format, layout).text;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text
    }
}

/// A list of no elements is no lines at all in the line-per-element formats.
fn prints_nothing(value: &Value, format: Format) -> bool {
    matches!(format, Format::Jsonl | Format::Raw) && value.as_array().is_some_and(Vec::is_empty)
}

/// `value` with `--select` applied (`columns`: field names as dotted paths, for table and
/// CSV). A field no object has is named in a warning on stderr, once per run.
pub(crate) fn selected<'a>(
    value: &'a Value,
    select: Option<&Selection>,
    columns: bool,
) -> Cow<'a, Value> {
    let Some(select) = select else {
        return Cow::Borrowed(value);
    };
    let (value, missing) = select.apply(value, columns);
    if !missing.is_empty() {
        static WARNED: AtomicBool = AtomicBool::new(false);
        if !WARNED.swap(true, Ordering::Relaxed) {
            let names: Vec<String> = missing.iter().map(|f| format!("{f:?}")).collect();
            warn(&format!(
                "midclt: warning: --select: no {} {} in the result",
                if names.len() == 1 { "field" } else { "fields" },
                names.join(", ")
            ));
        }
    }
    Cow::Owned(value)
}

fn note_dropped(dropped: &[String], width: usize) {
    warn(&format!(
        "midclt: note: {} of the table's columns did not fit in {width} terminal columns: {}\n  \
         hint: -o json shows every field; --select FIELD,... picks the columns",
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
