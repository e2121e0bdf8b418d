//! Rendering of command results the way the TrueNAS CLI (midcli) shows them: its
//! prettytable-style `table` mode and its `csv` mode, plus plain `json` and `yaml` dumps.
//!
//! Facts follow midcli's display modes (table, csv, text helpers) and the extended-JSON
//! decoding of the Python client: a result reaches midcli already decoded, so an object that
//! is exactly `{"$date": ms}`, `{"$time": "…"}`, `{"$type": "date", "$value": "…"}`,
//! `{"$set": […]}`, `{"$ipv4_interface": "…"}` or `{"$ipv6_interface": "…"}` counts as a
//! datetime, time, date, set or interface here too, never as an object.
//!
//! Known differences from midcli's bytes, all in inputs no server sends:
//! - Column widths come from comfy-table's `unicode-width` where prettytable uses
//!   `wcwidth`. They agree on Latin, CJK, combining marks and emoji, but not on control
//!   characters (`\r`, ESC: `wcwidth` counts 0 and even follows escape sequences, the
//!   result varying with its version; here each counts 1), nor on a few hundred rarer
//!   code points (spacing marks of Indic scripts, lone regional indicators, the soft
//!   hyphen), so a column holding them can be drawn a little wider or narrower.
//! - A column name containing a tab or a newline is drawn as a normal (tab one column
//!   wide) or multi-line header cell; prettytable's frame goes out of line there.
//! - A cell line wider than 65,535 columns (possible only for an untruncated key) is
//!   wrapped by comfy-table.
//! - A list whose first element is an object but a later one is not crashes midcli; here
//!   such a row shows `<TYPE>` (the Python type name, e.g. `<int>`, `<str>`, `<NoneType>`)
//!   in every column, in table and csv mode alike.
//! - Malformed extended-JSON objects (a `$date` that is not a number or is outside years
//!   1–9999, an unparsable `$time` or `$value` date, a `$set` that is not a list of
//!   hashable items, an interface that is not a string) make the Python client reject the
//!   whole response; here they are shown as the plain objects they are. Interface
//!   addresses are not validated or normalised, and a set keeps its first-seen order in
//!   csv mode (Python's order depends on hashing).

mod csv;
mod ejson;
pub(crate) mod fleet;
pub(crate) mod midclt;
pub(crate) mod output;
pub(crate) mod progress;
pub(crate) mod report;
mod select;
mod table;
pub(crate) mod terminal;
#[cfg(test)]
mod tests;
mod yaml;

pub(crate) use output::{parse_format, print_line, Output, Spec};
pub(crate) use select::Selection;

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::py::datetime::{fmt_year, iso_from_micros};
use csv::render_csv;
use ejson::{decode, py_number_text, py_type_name, Ejson};
use table::render_table;
use yaml::render_yaml;

/// Output format of a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Table,
    Csv,
    Json,
    /// One compact JSON value per line: each element of a list, else the value itself.
    Jsonl,
    Yaml,
    /// Strings bare, numbers as sent, anything else one line of JSON; a list one
    /// element per line.
    Raw,
}

/// The formats, as listed in messages and help.
pub(crate) const FORMAT_NAMES: &str = "table, csv, json, jsonl, yaml or raw";

impl Format {
    /// The name as typed on the command line.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Yaml => "yaml",
            Format::Raw => "raw",
        }
    }

    /// Table and CSV name their columns by a selected field's dotted path; the others keep
    /// the result's nesting.
    pub(crate) fn has_columns(self) -> bool {
        matches!(self, Format::Table | Format::Csv)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "jsonl" => Ok(Format::Jsonl),
            "yaml" => Ok(Format::Yaml),
            "raw" => Ok(Format::Raw),
            // Same wording (and sorted list) as midcli's own mode error.
            _ => Err("Mode should be one of: csv, json, jsonl, raw, table, yaml".to_string()),
        }
    }
}

/// How a rendering is laid out beyond its format.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// `json`: indented (2 spaces) or one line.
    pub json_indent: bool,
    /// `table`: fit a table wider than this many columns (a terminal's width).
    pub width: Option<usize>,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            json_indent: true,
            width: None,
        }
    }
}

/// [`render_with`] in the default layout (indented JSON, no width).
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn render(value: &Value, format: Format) -> String {
    render_with(value, format, Layout::default()).text
}

/// A rendering, and the table columns left out to fit the width.
pub(crate) struct Rendered {
    pub text: String,
    pub dropped: Vec<String>,
}

/// Render `value` as midcli would show a command's result (table/csv), or as JSON
/// (2-space indent or one line as `layout` says, full and untruncated, ejson objects kept
/// as they are) or YAML (block style, keys in order, strings quoted only when needed, ejson
/// kept as mappings). With a width in `layout`, a wider table is fitted to it.
///
/// The returned text has no trailing newline for table (midcli prints it then a newline);
/// CSV ends each row with CRLF as midcli does (the caller prints one more newline, as
/// midcli does), except where midcli's csv mode itself writes no CSV rows: an empty
/// list or object gives an empty string, a scalar or a list of non-objects gives the
/// values joined by `\n` with no terminator, and a list of key-less objects gives
/// `None of the specified fields found among N object(s)`. JSON and YAML also come
/// without a trailing newline, so every format is printed the same way; YAML must be
/// printed with that newline, as a final literal block (`key: |`) keeps its last line
/// break only through it.
///
/// YAML follows PyYAML's block layout (sequences under a key not indented further,
/// `[]`/`{}` for empty collections); multi-line strings become literal blocks where
/// that is exact, other strings are double-quoted whenever a YAML 1.1 or 1.2 reader
/// could take them for anything but that string (`"yes"`, `"0x1F"`, `"10.0.0.1"`,
/// `"a: b"`); floats always carry a `.` (`1.0e+20`) so YAML 1.1 readers see floats.
///
/// `jsonl` and `raw` give one line per element of a list (nothing for an empty list) and
/// one line for anything else, JSON being compact (`{"a":1}`) and its text as the server
/// sent it (UTF-8, numbers untouched); `raw` differs in printing a string bare.
pub(crate) fn render_with(value: &Value, format: Format, layout: Layout) -> Rendered {
    let text = match format {
        Format::Table => {
            let drawn = render_table(value, layout.width);
            return Rendered {
                text: drawn.text,
                dropped: drawn.dropped,
            };
        }
        Format::Csv => render_csv(value),
        // Serialising a `Value` cannot fail (its keys are strings); an empty string is a
        // harmless answer should that ever change.
        Format::Json if layout.json_indent => {
            serde_json::to_string_pretty(value).unwrap_or_default()
        }
        Format::Json => compact_json(value),
        Format::Jsonl => one_per_line(value, compact_json),
        Format::Yaml => render_yaml(value),
        Format::Raw => one_per_line(value, raw_text),
    };
    Rendered {
        text,
        dropped: Vec::new(),
    }
}

fn compact_json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn raw_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => compact_json(other),
    }
}

/// Each element of a list on its own line; anything else alone.
fn one_per_line(value: &Value, text: fn(&Value) -> String) -> String {
    match value {
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join("\n"),
        other => text(other),
    }
}

/// The cell text of one value in table mode (exposed for tests and help output).
pub(crate) fn cell_text(value: &Value) -> String {
    match readable_text(value) {
        Some(text) => truncate_lines(&text),
        None => format!("<{}>", py_type_name(value)),
    }
}

/// ISO-8601 text of an ejson $date (ms since epoch, UTC), e.g. 2023-08-22T19:58:59+00:00,
/// with milliseconds as .123000+00:00 (Python's `datetime.isoformat()`), computed with the
/// civil-from-days algorithm rather than a date crate.
///
/// Years outside Python's 1–9999 (which midcli never shows) still get text: at least four
/// digits, astronomical numbering with a `-` sign before year 0.
#[cfg(test)]
pub(crate) fn iso_datetime(ms: i64) -> String {
    iso_from_micros(i128::from(ms) * 1000)
}

// ---------------------------------------------------------------------------------------
// Extended JSON, as the Python client decodes it
// ---------------------------------------------------------------------------------------

/// midcli's "readable text" of a value, `None` where it has none (objects, sets,
/// interfaces, lists holding any of those).
fn readable_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some("<null>".to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(py_number_text(n)),
        Value::String(s) => Some(s.clone()),
        Value::Array(items) if items.is_empty() => Some("<empty list>".to_string()),
        Value::Array(items) => items
            .iter()
            .map(readable_text)
            .collect::<Option<Vec<_>>>()
            .map(|texts| texts.join("\n")),
        Value::Object(m) => match decode(m)? {
            Ejson::DateTime(us) => Some(iso_from_micros(us)),
            Ejson::Date(y, mo, d) => Some(format!("{}-{mo:02}-{d:02}", fmt_year(y))),
            Ejson::Time(t) => Some(t),
            Ejson::Set(_) | Ejson::Ipv4(_) | Ejson::Ipv6(_) => None,
        },
    }
}

const MAX_LINE_CHARS: usize = 64;
const KEPT_CHARS: usize = 61;

/// Table mode keeps each line to 64 characters (code points, as Python counts them).
fn truncate_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            if line.chars().count() > MAX_LINE_CHARS {
                let mut cut: String = line.chars().take(KEPT_CHARS).collect();
                cut.push_str("...");
                cut
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Column order from the rows' key orders: a key not seen yet goes right after the key
/// that precedes it in its row, or at the end when it is the row's first key.
fn prepare_header(rows: &[&Map<String, Value>]) -> Vec<String> {
    let mut header: Vec<String> = Vec::new();
    for row in rows {
        let mut prev: Option<&String> = None;
        for key in row.keys() {
            if !header.contains(key) {
                let at = prev
                    .and_then(|p| header.iter().position(|h| h == p))
                    .map_or(header.len(), |i| i + 1);
                header.insert(at, key.clone());
            }
            prev = Some(key);
        }
    }
    header
}

/// A list element that is a plain object, as opposed to a scalar or a decoded ejson value.
fn as_plain_object(v: &Value) -> Option<&Map<String, Value>> {
    match v {
        Value::Object(m) if decode(m).is_none() => Some(m),
        _ => None,
    }
}

/// What a list of rows becomes in either mode.
enum ListShape<'a> {
    Empty,
    /// The first element is not an object: one value per line.
    Scalars(&'a [Value]),
    /// Objects, but not one key among them.
    NoFields(usize),
    Rows {
        header: Vec<String>,
        rows: &'a [Value],
    },
}

fn list_shape(items: &[Value]) -> ListShape<'_> {
    let Some(first) = items.first() else {
        return ListShape::Empty;
    };
    if as_plain_object(first).is_none() {
        return ListShape::Scalars(items);
    }
    let objects: Vec<&Map<String, Value>> = items.iter().filter_map(as_plain_object).collect();
    let header = prepare_header(&objects);
    if header.is_empty() {
        ListShape::NoFields(items.len())
    } else {
        ListShape::Rows {
            header,
            rows: items,
        }
    }
}

/// The cells of one row under `header`, each through `text`; missing keys are
/// `<undefined>` and a non-object row is its type placeholder throughout.
fn row_cells(row: &Value, header: &[String], text: fn(&Value) -> String) -> Vec<String> {
    match as_plain_object(row) {
        Some(m) => header
            .iter()
            .map(|k| m.get(k).map_or_else(|| "<undefined>".to_string(), text))
            .collect(),
        None => vec![format!("<{}>", py_type_name(row)); header.len()],
    }
}

// ---------------------------------------------------------------------------------------
// Table mode
// ---------------------------------------------------------------------------------------
