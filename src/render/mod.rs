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

pub mod midclt;
pub mod output;
pub mod progress;

pub use output::{parse_format, print_line, print_rendered};

use std::fmt;
use std::str::FromStr;

use comfy_table::{CellAlignment, ContentArrangement, Table};
use serde_json::{Map, Number, Value};

use crate::py::datetime::{fmt_year, iso_from_micros, parse_iso_date, parse_iso_time};
use crate::py::{expand_tabs, float_repr, json};

/// Output format of a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Yaml,
}

impl Format {
    /// The name as typed on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
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
            "yaml" => Ok(Format::Yaml),
            // Same wording (and sorted list) as midcli's own mode error.
            _ => Err("Mode should be one of: csv, json, table, yaml".to_string()),
        }
    }
}

/// Render `value` as midcli would show a command's result (table/csv), or as JSON
/// (pretty, 2-space indent, full and untruncated, ejson objects kept as they are) or YAML
/// (block style, keys in order, strings quoted only when needed, ejson kept as mappings).
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
pub fn render(value: &Value, format: Format) -> String {
    match format {
        Format::Table => render_table(value),
        Format::Csv => render_csv(value),
        // Serialising a `Value` cannot fail (its keys are strings); an empty string is a
        // harmless answer should that ever change.
        Format::Json => serde_json::to_string_pretty(value).unwrap_or_default(),
        Format::Yaml => render_yaml(value),
    }
}

/// The cell text of one value in table mode (exposed for tests and help output).
pub fn cell_text(value: &Value) -> String {
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
pub fn iso_datetime(ms: i64) -> String {
    iso_from_micros(i128::from(ms) * 1000)
}

// ---------------------------------------------------------------------------------------
// Extended JSON, as the Python client decodes it
// ---------------------------------------------------------------------------------------

/// A special object the Python client turns into a non-dict value.
enum Ejson<'a> {
    /// Microseconds since the epoch, UTC.
    DateTime(i128),
    Date(i64, u32, u32),
    /// Already in Python's `time.isoformat()` spelling.
    Time(String),
    Set(&'a [Value]),
    Ipv4(&'a str),
    Ipv6(&'a str),
}

// datetime.min and datetime.max in microseconds: the decoder fails outside them.
const MIN_MICROS: i128 = -62_135_596_800 * 1_000_000;
const MAX_MICROS: i128 = 253_402_300_799 * 1_000_000 + 999_999;

fn decode(map: &Map<String, Value>) -> Option<Ejson<'_>> {
    match map.len() {
        1 => {
            let (key, v) = map.iter().next()?;
            match key.as_str() {
                "$date" => date_micros(v).map(Ejson::DateTime),
                "$time" => v.as_str().and_then(parse_iso_time).map(Ejson::Time),
                "$set" => match v {
                    Value::Array(items) if items.iter().all(is_hashable) => Some(Ejson::Set(items)),
                    _ => None,
                },
                "$ipv4_interface" => v.as_str().map(Ejson::Ipv4),
                "$ipv6_interface" => v.as_str().map(Ejson::Ipv6),
                _ => None,
            }
        }
        2 => {
            if map.get("$type")?.as_str()? != "date" {
                return None;
            }
            let (y, m, d) = parse_iso_date(map.get("$value")?.as_str()?)?;
            Some(Ejson::Date(y, m, d))
        }
        _ => None,
    }
}

/// Whether Python could put the decoded value in a set (lists, dicts and sets cannot).
fn is_hashable(v: &Value) -> bool {
    match v {
        Value::Array(_) => false,
        Value::Object(m) => !matches!(decode(m), None | Some(Ejson::Set(_))),
        _ => true,
    }
}

fn number_is_float(text: &str) -> bool {
    text.contains(['.', 'e', 'E'])
}

/// `$date` milliseconds to microseconds, mirroring the decoder's floor division and
/// `timedelta(milliseconds=…)` rounding for non-integer values.
fn date_micros(v: &Value) -> Option<i128> {
    let Value::Number(n) = v else { return None };
    let text = n.to_string();
    let micros = if number_is_float(&text) {
        let f: f64 = text.parse().ok()?;
        if !f.is_finite() || f.abs() > 1e18 {
            return None;
        }
        let rem = f.rem_euclid(1000.0);
        let secs = ((f - rem) / 1000.0).round();
        // Both casts are exact: |secs| < 1e15 and 0 <= rem * 1000 <= 1e6.
        secs as i128 * 1_000_000 + (rem * 1000.0).round_ties_even() as i128
    } else {
        i128::from(text.parse::<i64>().ok()?) * 1000
    };
    (MIN_MICROS..=MAX_MICROS)
        .contains(&micros)
        .then_some(micros)
}

/// Python's `type(x).__name__` of the decoded value.
fn py_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if number_is_float(&n.to_string()) => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(m) => match decode(m) {
            Some(Ejson::DateTime(_)) => "datetime",
            Some(Ejson::Date(..)) => "date",
            Some(Ejson::Time(_)) => "time",
            Some(Ejson::Set(_)) => "set",
            Some(Ejson::Ipv4(_)) => "IPv4Interface",
            Some(Ejson::Ipv6(_)) => "IPv6Interface",
            None => "dict",
        },
    }
}

/// `json.dumps` of a number the way Python parsed it: integers exactly, anything with a
/// fraction or exponent as a float (`repr`, or `Infinity` when it overflowed).
fn py_number_text(n: &Number) -> String {
    let text = n.to_string();
    if number_is_float(&text) {
        return match text.parse::<f64>() {
            Ok(x) if x.is_infinite() && x > 0.0 => "Infinity".to_string(),
            Ok(x) if x.is_infinite() => "-Infinity".to_string(),
            Ok(x) => float_repr(x),
            Err(_) => text,
        };
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text.as_str()),
    };
    let digits = digits.trim_start_matches('0');
    match (negative, digits.is_empty()) {
        (_, true) => "0".to_string(),
        (true, false) => format!("-{digits}"),
        (false, false) => digits.to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Cell text
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

/// Csv mode: the readable text untruncated, else the value as Python's `ejson.dumps`.
fn csv_text(v: &Value) -> String {
    readable_text(v).unwrap_or_else(|| {
        let mut out = String::new();
        py_json(v, &mut out);
        out
    })
}

/// `ejson.dumps(v)`: `", "`/`": "` separators, ASCII only, decoded values re-encoded
/// (a datetime loses its sub-second part, as the encoder drops it).
fn py_json(v: &Value, out: &mut String) {
    json::write_value(v, &EjsonEncoder, out)
}

/// The Python client's `ejson` encoder over values its decoder produced.
struct EjsonEncoder;

impl json::Encoder for EjsonEncoder {
    fn number(&self, n: &Number, out: &mut String) {
        out.push_str(&py_number_text(n));
    }

    fn special_object(&self, m: &Map<String, Value>, out: &mut String) -> bool {
        let Some(decoded) = decode(m) else {
            return false;
        };
        match decoded {
            Ejson::DateTime(us) => {
                let ms = us.div_euclid(1_000_000) * 1000;
                out.push_str(&format!("{{\"$date\": {ms}}}"));
            }
            Ejson::Date(y, mo, d) => out.push_str(&format!(
                "{{\"$type\": \"date\", \"$value\": \"{}-{mo:02}-{d:02}\"}}",
                fmt_year(y)
            )),
            Ejson::Time(t) => {
                out.push_str("{\"$time\": ");
                json::json_str(&t, out);
                out.push('}');
            }
            Ejson::Set(items) => {
                out.push_str("{\"$set\": ");
                json::write_list(&dedup_set(items), self, out);
                out.push('}');
            }
            Ejson::Ipv4(addr) => {
                out.push_str("{\"$ipv4_interface\": ");
                json::json_str(addr, out);
                out.push('}');
            }
            Ejson::Ipv6(addr) => {
                out.push_str("{\"$ipv6_interface\": ");
                json::json_str(addr, out);
                out.push('}');
            }
        }
        true
    }
}

/// A set's members without the duplicates Python's set would have merged (`1`, `1.0`
/// and `true` are one member), first occurrence kept.
fn dedup_set(items: &[Value]) -> Vec<&Value> {
    let mut seen = std::collections::HashSet::new();
    items
        .iter()
        .filter(|item| seen.insert(set_key(item)))
        .collect()
}

fn set_key(v: &Value) -> String {
    match v {
        Value::Bool(b) => format!("n{}", u8::from(*b)),
        Value::Number(n) => {
            let text = py_number_text(n);
            match text.parse::<f64>() {
                // Adding 0.0 turns -0.0 into 0.0, which Python also counts equal to 0.
                Ok(x) if number_is_float(&n.to_string()) && x.is_finite() && x.fract() == 0.0 => {
                    format!("n{:.0}", x + 0.0)
                }
                _ => format!("n{text}"),
            }
        }
        Value::String(s) => format!("s{s}"),
        other => {
            let mut out = String::from("o");
            py_json(other, &mut out);
            out
        }
    }
}

// ---------------------------------------------------------------------------------------
// Table and csv layout shared by both modes
// ---------------------------------------------------------------------------------------

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

// prettytable's default look: `+`/`-` borders, `|` between cells, a `+---+` rule under
// the header and no rules between rows (component order is comfy-table's TableComponent).
const PRETTYTABLE_PRESET: &str = "||--+-++|    ++++++";

fn render_table(value: &Value) -> String {
    match value {
        Value::Array(items) => match list_shape(items) {
            ListShape::Empty => "(empty list)".to_string(),
            ListShape::Scalars(items) => items.iter().map(cell_text).collect::<Vec<_>>().join("\n"),
            ListShape::NoFields(n) => {
                format!("(none of the specified fields found among {n} object(s))")
            }
            ListShape::Rows { header, rows } => {
                let body = rows
                    .iter()
                    .map(|row| row_cells(row, &header, cell_text))
                    .collect();
                draw_table(Some(header), body, &[])
            }
        },
        Value::Object(m) if decode(m).is_none() => {
            if m.is_empty() {
                return "(empty object)".to_string();
            }
            let body = m
                .iter()
                .map(|(k, v)| vec![k.clone(), cell_text(v)])
                .collect();
            draw_table(None, body, &[CellAlignment::Right, CellAlignment::Left])
        }
        scalar => cell_text(scalar),
    }
}

fn draw_table(
    header: Option<Vec<String>>,
    rows: Vec<Vec<String>>,
    aligns: &[CellAlignment],
) -> String {
    let mut table = Table::new();
    table
        .load_preset(PRETTYTABLE_PRESET)
        .set_content_arrangement(ContentArrangement::Disabled);
    let columns = header
        .as_ref()
        .map_or_else(|| rows.first().map_or(0, Vec::len), Vec::len);
    let mut empty = vec![true; columns];
    if let Some(header) = &header {
        for (flag, name) in empty.iter_mut().zip(header) {
            *flag &= name.is_empty();
        }
        table.set_header(header);
    }
    for row in &rows {
        for (flag, cell) in empty.iter_mut().zip(row) {
            *flag &= cell.is_empty();
        }
        // prettytable expands tabs in every cell, but not in header names.
        table.add_row(row.iter().map(|cell| expand_tabs(cell)).collect::<Vec<_>>());
    }
    for (index, is_empty) in empty.into_iter().enumerate() {
        if let Some(column) = table.column_mut(index) {
            if let Some(align) = aligns.get(index) {
                column.set_cell_alignment(*align);
            }
            // comfy-table widens an empty column to one character; prettytable keeps it
            // at zero, i.e. just the two padding spaces. Dropping the right padding of a
            // one-wide column draws the same two spaces.
            if is_empty {
                column.set_padding((1, 0));
            }
        }
    }
    table.to_string()
}

// ---------------------------------------------------------------------------------------
// Csv mode
// ---------------------------------------------------------------------------------------

fn render_csv(value: &Value) -> String {
    match value {
        Value::Array(items) => csv_list(items),
        Value::Object(m) if decode(m).is_none() => {
            if m.is_empty() {
                String::new()
            } else {
                // A single object is a one-row table in csv mode.
                csv_list(std::slice::from_ref(value))
            }
        }
        scalar => csv_text(scalar),
    }
}

fn csv_list(items: &[Value]) -> String {
    match list_shape(items) {
        ListShape::Empty => String::new(),
        ListShape::Scalars(items) => items.iter().map(csv_text).collect::<Vec<_>>().join("\n"),
        ListShape::NoFields(n) => format!("None of the specified fields found among {n} object(s)"),
        ListShape::Rows { header, rows } => {
            let mut out = String::new();
            csv_row(&header, &mut out);
            for row in rows {
                csv_row(&row_cells(row, &header, csv_text), &mut out);
            }
            out
        }
    }
}

/// One record as Python's `csv.writer` (excel dialect) writes it.
fn csv_row(fields: &[String], out: &mut String) {
    // A lone empty field is quoted so the record is not mistaken for a blank line.
    if let [only] = fields {
        if only.is_empty() {
            out.push_str("\"\"\r\n");
            return;
        }
    }
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

// ---------------------------------------------------------------------------------------
// Yaml
// ---------------------------------------------------------------------------------------

fn render_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Array(items) if !items.is_empty() => yaml_seq(items, 0, false, &mut out),
        Value::Object(m) if !m.is_empty() => yaml_map(m, 0, false, &mut out),
        scalar => {
            // A top-level scalar stands alone on its line, like the value after "key:".
            yaml_value(scalar, 0, &mut out);
            if let Some(rest) = out.strip_prefix(' ') {
                out = rest.to_string();
            }
        }
    }
    // Only the last line break goes: the caller prints one back, and any before it may
    // belong to a literal block's content.
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Block mapping at `indent`; `inline_first` means the first key continues a line that
/// already holds a `- `.
fn yaml_map(m: &Map<String, Value>, indent: usize, inline_first: bool, out: &mut String) {
    for (i, (key, v)) in m.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent);
        }
        // Implicit keys are limited to 1024 characters; longer ones need `? key`.
        if key.chars().count() > 1000 {
            out.push_str("? ");
            yaml_quoted(key, out);
            out.push('\n');
            pad(out, indent);
            out.push(':');
        } else {
            yaml_key(key, out);
            out.push(':');
        }
        match v {
            Value::Array(items) if !items.is_empty() => {
                // Sequences under a key are not indented further (PyYAML's style).
                out.push('\n');
                yaml_seq(items, indent, false, out);
            }
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                yaml_map(inner, indent + 2, false, out);
            }
            scalar => yaml_value(scalar, indent, out),
        }
    }
}

fn yaml_seq(items: &[Value], indent: usize, inline_first: bool, out: &mut String) {
    for (i, v) in items.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent);
        }
        out.push('-');
        match v {
            Value::Array(inner) if !inner.is_empty() => {
                out.push(' ');
                yaml_seq(inner, indent + 2, true, out);
            }
            Value::Object(inner) if !inner.is_empty() => {
                out.push(' ');
                yaml_map(inner, indent + 2, true, out);
            }
            scalar => yaml_value(scalar, indent, out),
        }
    }
}

/// A scalar (or empty collection) after `key:` or `-` at `indent`, with its leading
/// space and the line end.
fn yaml_value(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Null => out.push_str(" null\n"),
        Value::Bool(b) => out.push_str(if *b { " true\n" } else { " false\n" }),
        Value::Number(n) => {
            out.push(' ');
            out.push_str(&yaml_number(n));
            out.push('\n');
        }
        Value::String(s) => {
            if let Some(chomp) = literal_chomping(s) {
                out.push_str(" |");
                out.push_str(chomp);
                out.push('\n');
                let body = s.strip_suffix('\n').unwrap_or(s);
                for line in body.split('\n') {
                    if !line.is_empty() {
                        pad(out, indent + 2);
                        out.push_str(line);
                    }
                    out.push('\n');
                }
            } else {
                out.push(' ');
                yaml_key(s, out);
                out.push('\n');
            }
        }
        Value::Array(_) => out.push_str(" []\n"),
        Value::Object(_) => out.push_str(" {}\n"),
    }
}

/// Plain numbers, but floats always with a `.` (YAML 1.1 readers need one) and the
/// infinities of overflowing literals spelled the YAML way.
fn yaml_number(n: &Number) -> String {
    let text = py_number_text(n);
    match text.as_str() {
        "Infinity" => ".inf".to_string(),
        "-Infinity" => "-.inf".to_string(),
        t if number_is_float(t) && !t.contains('.') => t.replacen('e', ".0e", 1),
        _ => text,
    }
}

/// The chomping indicator for writing `s` as a literal block, or `None` where a quoted
/// scalar is safer: single-line text, characters that need escapes, trailing blanks on
/// a line, a first line whose leading space would be taken as indentation, or several
/// final line breaks (kept only if the printed text is not trimmed).
fn literal_chomping(s: &str) -> Option<&'static str> {
    if !s.contains('\n') || s.chars().any(|c| c != '\n' && !yaml_printable(c)) {
        return None;
    }
    let trailing = s.len() - s.trim_end_matches('\n').len();
    let body = s.trim_end_matches('\n');
    let first = body.split('\n').find(|l| !l.is_empty())?;
    if first.starts_with(' ') || body.split('\n').any(|l| l.ends_with(' ')) {
        return None;
    }
    match trailing {
        0 => Some("-"),
        1 => Some(""),
        _ => None,
    }
}

/// Characters a YAML stream may carry unescaped (and that no reader takes as a break).
fn yaml_printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
        && c != '\u{2028}'
        && c != '\u{2029}'
        && c != '\u{feff}'
}

fn yaml_key(s: &str, out: &mut String) {
    if yaml_plain_ok(s) {
        out.push_str(s);
    } else {
        yaml_quoted(s, out);
    }
}

/// Whether `s` reads back as the same string when written plain, by YAML 1.1 (PyYAML)
/// and YAML 1.2 readers alike.
fn yaml_plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.starts_with(' ')
        || s.ends_with(' ')
        || s.ends_with(':')
        || s.contains(": ")
        || s.contains(" #")
        || s.starts_with("...")
        || s.chars().any(|c| !yaml_printable(c))
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "<<" | "="
    ) {
        return false;
    }
    !looks_numeric(&lower)
}

/// Ints (any base, `_` separators), floats, `.inf`/`.nan`, sexagesimal numbers and
/// timestamps all start with a digit (or `.`), after an optional sign, and use only
/// these characters; quoting every such string is simpler than matching each grammar.
fn looks_numeric(lower: &str) -> bool {
    let unsigned = lower.strip_prefix(['+', '-']).unwrap_or(lower);
    if matches!(unsigned, ".inf" | ".nan") {
        return true;
    }
    let starts_number = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    starts_number
        && unsigned
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "xo_.:+-e tz".contains(c))
}

/// A double-quoted scalar with YAML escapes.
fn yaml_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if yaml_printable(c) => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{:04x}", c as u32)),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::py::datetime::days_in_month;
    use crate::py::int::plain_int as py_int;
    use serde_json::json;

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("bad test JSON {text}: {e}"))
    }

    fn table(text: &str) -> String {
        render(&parse(text), Format::Table)
    }

    fn csv(text: &str) -> String {
        render(&parse(text), Format::Csv)
    }

    fn yaml(text: &str) -> String {
        render(&parse(text), Format::Yaml)
    }

    /// (input, table text, csv text), the expected texts as midcli itself printed them
    /// (prettytable 3.18, Python 3.11).
    const MIDCLI_CASES: &[(&str, &str, &str)] = &[
    (
        r#"[{"id":2,"name":"apikey2","created_at":{"$date":1692734339000},"allowlist":[{"method":"GET","resource":"x"}]}]"#,
        r##"+----+---------+---------------------------+-----------+
| id | name    | created_at                | allowlist |
+----+---------+---------------------------+-----------+
| 2  | apikey2 | 2023-08-22T19:58:59+00:00 | <list>    |
+----+---------+---------------------------+-----------+"##,
        "id,name,created_at,allowlist\r\n2,apikey2,2023-08-22T19:58:59+00:00,\"[{\"\"method\"\": \"\"GET\"\", \"\"resource\"\": \"\"x\"\"}]\"\r\n",
    ),
    (
        r#"{"id":2,"name":"apikey2","allowlist":[],"nested":{"a":1},"tags":["a","b"],"n":null}"#,
        r##"+-----------+--------------+
|        id | 2            |
|      name | apikey2      |
| allowlist | <empty list> |
|    nested | <dict>       |
|      tags | a            |
|           | b            |
|         n | <null>       |
+-----------+--------------+"##,
        "id,name,allowlist,nested,tags,n\r\n2,apikey2,<empty list>,\"{\"\"a\"\": 1}\",\"a\nb\",<null>\r\n",
    ),
    (
        r#"[{"id":1,"auto":false,"name":"Task 1"},{"id":2,"auto":true,"schedule":"* * *","name":"Task 2"}]"#,
        r##"+----+-------+-------------+--------+
| id | auto  | schedule    | name   |
+----+-------+-------------+--------+
| 1  | false | <undefined> | Task 1 |
| 2  | true  | * * *       | Task 2 |
+----+-------+-------------+--------+"##,
        "id,auto,schedule,name\r\n1,false,<undefined>,Task 1\r\n2,true,* * *,Task 2\r\n",
    ),
    (
        r#"[{"a":1,"b":2},{"c":3,"b":4,"d":5}]"#,
        r##"+-------------+---+-------------+-------------+
| a           | b | d           | c           |
+-------------+---+-------------+-------------+
| 1           | 2 | <undefined> | <undefined> |
| <undefined> | 4 | 5           | 3           |
+-------------+---+-------------+-------------+"##,
        "a,b,d,c\r\n1,2,<undefined>,<undefined>\r\n<undefined>,4,5,3\r\n",
    ),
    (
        r#"[{"a":1},{"b":2},{"a":3,"c":4}]"#,
        r##"+-------------+-------------+-------------+
| a           | c           | b           |
+-------------+-------------+-------------+
| 1           | <undefined> | <undefined> |
| <undefined> | <undefined> | 2           |
| 3           | 4           | <undefined> |
+-------------+-------------+-------------+"##,
        "a,c,b\r\n1,<undefined>,<undefined>\r\n<undefined>,<undefined>,2\r\n3,4,<undefined>\r\n",
    ),
    (
        r#"[{"name":"x","tags":["a","b","c"],"id":1},{"name":"longer name","tags":[],"id":22}]"#,
        r##"+-------------+--------------+----+
| name        | tags         | id |
+-------------+--------------+----+
| x           | a            | 1  |
|             | b            |    |
|             | c            |    |
| longer name | <empty list> | 22 |
+-------------+--------------+----+"##,
        "name,tags,id\r\nx,\"a\nb\nc\",1\r\nlonger name,<empty list>,22\r\n",
    ),
    (
        r#"[{"a":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","b":"line one\nline two that is definitely longer than sixty four characters, yes it is\nend"}]"#,
        r##"+------------------------------------------------------------------+------------------------------------------------------------------+
| a                                                                | b                                                                |
+------------------------------------------------------------------+------------------------------------------------------------------+
| aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... | line one                                                         |
|                                                                  | line two that is definitely longer than sixty four characters... |
|                                                                  | end                                                              |
+------------------------------------------------------------------+------------------------------------------------------------------+"##,
        "a,b\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,\"line one\nline two that is definitely longer than sixty four characters, yes it is\nend\"\r\n",
    ),
    (
        r#"[{"v":null,"t":true,"f":false,"i":-7,"fl":1000.0,"e":1e-05,"big":123456789012345678901234567890}]"#,
        r##"+--------+------+-------+----+--------+-------+--------------------------------+
| v      | t    | f     | i  | fl     | e     | big                            |
+--------+------+-------+----+--------+-------+--------------------------------+
| <null> | true | false | -7 | 1000.0 | 1e-05 | 123456789012345678901234567890 |
+--------+------+-------+----+--------+-------+--------------------------------+"##,
        "v,t,f,i,fl,e,big\r\n<null>,true,false,-7,1000.0,1e-05,123456789012345678901234567890\r\n",
    ),
    (
        r#"[{"when":{"$date":1692734339123},"day":{"$type":"date","$value":"2024-01-02"},"at":{"$time":"10:11:12"},"set":{"$set":[1,2]},"ip":{"$ipv4_interface":"10.0.0.1/8"},"ip6":{"$ipv6_interface":"::1/128"}}]"#,
        r##"+----------------------------------+------------+----------+-------+-----------------+-----------------+
| when                             | day        | at       | set   | ip              | ip6             |
+----------------------------------+------------+----------+-------+-----------------+-----------------+
| 2023-08-22T19:58:59.123000+00:00 | 2024-01-02 | 10:11:12 | <set> | <IPv4Interface> | <IPv6Interface> |
+----------------------------------+------------+----------+-------+-----------------+-----------------+"##,
        "when,day,at,set,ip,ip6\r\n2023-08-22T19:58:59.123000+00:00,2024-01-02,10:11:12,\"{\"\"$set\"\": [1, 2]}\",\"{\"\"$ipv4_interface\"\": \"\"10.0.0.1/8\"\"}\",\"{\"\"$ipv6_interface\"\": \"\"::1/128\"\"}\"\r\n",
    ),
    (
        r#"[{"a":"tab\there","b":"x"}]"#,
        r##"+--------------+---+
| a            | b |
+--------------+---+
| tab     here | x |
+--------------+---+"##,
        "a,b\r\ntab\there,x\r\n",
    ),
    (
        r#"{"k":"a\tb\tc"}"#,
        r##"+---+-------------------+
| k | a       b       c |
+---+-------------------+"##,
        "k\r\na\tb\tc\r\n",
    ),
    (
        r#"[{"":""}]"#,
        r##"+--+
|  |
+--+
|  |
+--+"##,
        "\"\"\r\n\"\"\r\n",
    ),
    (
        r#"{"a":""}"#,
        r##"+---+--+
| a |  |
+---+--+"##,
        "a\r\n\"\"\r\n",
    ),
    (
        r#"[{"a":""},{"a":""}]"#,
        r##"+---+
| a |
+---+
|   |
|   |
+---+"##,
        "a\r\n\"\"\r\n\"\"\r\n",
    ),
    (
        r#"[{"名前":"中文字符","b":"é"}]"#,
        r##"+----------+---+
| 名前     | b |
+----------+---+
| 中文字符 | é |
+----------+---+"##,
        "名前,b\r\n中文字符,é\r\n",
    ),
    (
        r#"{"name":"中文","x":"ab"}"#,
        r##"+------+------+
| name | 中文 |
|    x | ab   |
+------+------+"##,
        "name,x\r\n中文,ab\r\n",
    ),
    (
        r#"[5,{"a":1},[1,2],[{"x":1}],null]"#,
        r##"5
<dict>
1
2
<list>
<null>"##,
        "5\n{\"a\": 1}\n1\n2\n[{\"x\": 1}]\n<null>",
    ),
    (
        r#"[]"#,
        r##"(empty list)"##,
        "",
    ),
    (
        r#"{}"#,
        r##"(empty object)"##,
        "",
    ),
    (
        r#"[{}]"#,
        r##"(none of the specified fields found among 1 object(s))"##,
        "None of the specified fields found among 1 object(s)",
    ),
    (
        r#"[{},{},{}]"#,
        r##"(none of the specified fields found among 3 object(s))"##,
        "None of the specified fields found among 3 object(s)",
    ),
    (
        r#"5"#,
        r##"5"##,
        "5",
    ),
    (
        r#"true"#,
        r##"true"##,
        "true",
    ),
    (
        r#"null"#,
        r##"<null>"##,
        "<null>",
    ),
    (
        r#""hello""#,
        r##"hello"##,
        "hello",
    ),
    (
        r#""""#,
        r##""##,
        "",
    ),
    (
        r#""a\nb""#,
        r##"a
b"##,
        "a\nb",
    ),
    (
        r#"1.5"#,
        r##"1.5"##,
        "1.5",
    ),
    (
        r#"["x","y"]"#,
        r##"x
y"##,
        "x\ny",
    ),
    (
        r#"[[1,2],[3]]"#,
        r##"1
2
3"##,
        "1\n2\n3",
    ),
    (
        r#"[[]]"#,
        r##"<empty list>"##,
        "<empty list>",
    ),
    (
        r#"{"$date":0}"#,
        r##"1970-01-01T00:00:00+00:00"##,
        "1970-01-01T00:00:00+00:00",
    ),
    (
        r#"{"$set":[1]}"#,
        r##"<set>"##,
        "{\"$set\": [1]}",
    ),
    (
        r#"{"$ipv6_interface":"::1/128"}"#,
        r##"<IPv6Interface>"##,
        "{\"$ipv6_interface\": \"::1/128\"}",
    ),
    (
        r#""xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx""#,
        r##"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."##,
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ),
    (
        r#"["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",{"a":1}]"#,
        r##"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...
<dict>"##,
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n{\"a\": 1}",
    ),
    (
        r#"[{"a,b":"c,d","q\"":"say \"hi\"","nl":"x\ny"}]"#,
        r##"+-----+----------+----+
| a,b | q"       | nl |
+-----+----------+----+
| c,d | say "hi" | x  |
|     |          | y  |
+-----+----------+----+"##,
        "\"a,b\",\"q\"\"\",nl\r\n\"c,d\",\"say \"\"hi\"\"\",\"x\ny\"\r\n",
    ),
    (
        r#"{"d":{"$date":1692734339500},"l":[{"$date":0},1],"o":{"x":[1,{"$date":1500},{"$type":"date","$value":"2020-02-02"},{"$time":"01:02:03.5"}]},"u":{"k":"é✓😀"}}"#,
        r##"+---+----------------------------------+
| d | 2023-08-22T19:58:59.500000+00:00 |
| l | 1970-01-01T00:00:00+00:00        |
|   | 1                                |
| o | <dict>                           |
| u | <dict>                           |
+---+----------------------------------+"##,
        "d,l,o,u\r\n2023-08-22T19:58:59.500000+00:00,\"1970-01-01T00:00:00+00:00\n1\",\"{\"\"x\"\": [1, {\"\"$date\"\": 1000}, {\"\"$type\"\": \"\"date\"\", \"\"$value\"\": \"\"2020-02-02\"\"}, {\"\"$time\"\": \"\"01:02:03.500000\"\"}]}\",\"{\"\"k\"\": \"\"\\u00e9\\u2713\\ud83d\\ude00\"\"}\"\r\n",
    ),
    (
        r#"[{"n":1e400,"m":-1e400,"z":-0.0,"i":-0}]"#,
        r##"+----------+-----------+------+---+
| n        | m         | z    | i |
+----------+-----------+------+---+
| Infinity | -Infinity | -0.0 | 0 |
+----------+-----------+------+---+"##,
        "n,m,z,i\r\nInfinity,-Infinity,-0.0,0\r\n",
    ),
    (
        r#"[{"only":""},{"only":"x"}]"#,
        r##"+------+
| only |
+------+
|      |
| x    |
+------+"##,
        "only\r\n\"\"\r\nx\r\n",
    ),
    ];

    #[test]
    fn byte_for_byte_like_midcli() {
        for (input, want_table, want_csv) in MIDCLI_CASES {
            assert_eq!(table(input), *want_table, "table of {input}");
            assert_eq!(csv(input), *want_csv, "csv of {input}");
        }
    }

    #[test]
    fn format_names() {
        for (name, want) in [
            ("table", Format::Table),
            ("csv", Format::Csv),
            ("json", Format::Json),
            ("yaml", Format::Yaml),
        ] {
            assert_eq!(name.parse::<Format>(), Ok(want));
            assert_eq!(want.to_string(), name);
        }
        for bad in ["", "Table", "xml", "yml", " csv"] {
            assert!(bad.parse::<Format>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cell_text_of_scalars() {
        for (input, want) in [
            ("null", "<null>"),
            ("true", "true"),
            ("false", "false"),
            ("0", "0"),
            ("-7", "-7"),
            ("-0", "0"),
            (
                "123456789012345678901234567890",
                "123456789012345678901234567890",
            ),
            ("\"\"", ""),
            ("\"plain\"", "plain"),
            ("\"a\\nb\"", "a\nb"),
            ("\"  spaced  \"", "  spaced  "),
        ] {
            assert_eq!(cell_text(&parse(input)), want, "{input}");
        }
    }

    #[test]
    fn cell_text_of_floats_is_python_repr() {
        for (input, want) in [
            ("1.5", "1.5"),
            ("1000.0", "1000.0"),
            ("1e3", "1000.0"),
            ("1E5", "100000.0"),
            ("0.1", "0.1"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("1e16", "1e+16"),
            ("9999999999999998.0", "9999999999999998.0"),
            ("1e20", "1e+20"),
            ("-2.5e-300", "-2.5e-300"),
            ("-0.0", "-0.0"),
            ("0.30000000000000004", "0.30000000000000004"),
            ("1e400", "Infinity"),
            ("-1e400", "-Infinity"),
        ] {
            assert_eq!(cell_text(&parse(input)), want, "{input}");
        }
        // Built in code rather than parsed: no verbatim text, same answer.
        assert_eq!(cell_text(&json!(2.0)), "2.0");
        assert_eq!(cell_text(&json!(1.0e-7)), "1e-07");
    }

    #[test]
    fn cell_text_of_lists() {
        for (input, want) in [
            ("[]", "<empty list>"),
            ("[1,2,3]", "1\n2\n3"),
            ("[[1,2],[3]]", "1\n2\n3"),
            ("[[1,[2,[3]]]]", "1\n2\n3"),
            ("[null,true,\"x\",1.0]", "<null>\ntrue\nx\n1.0"),
            ("[[]]", "<empty list>"),
            ("[[],1]", "<empty list>\n1"),
            (
                "[{\"$date\":0},{\"$type\":\"date\",\"$value\":\"2024-01-02\"}]",
                "1970-01-01T00:00:00+00:00\n2024-01-02",
            ),
            ("[{\"a\":1}]", "<list>"),
            ("[1,[{\"a\":1}]]", "<list>"),
            ("[{\"$set\":[1]}]", "<list>"),
            ("[{\"$ipv4_interface\":\"1.2.3.4/8\"}]", "<list>"),
        ] {
            assert_eq!(cell_text(&parse(input)), want, "{input}");
        }
    }

    #[test]
    fn cell_text_placeholders() {
        for (input, want) in [
            ("{}", "<dict>"),
            ("{\"a\":1}", "<dict>"),
            ("{\"$set\":[1,2]}", "<set>"),
            ("{\"$set\":[]}", "<set>"),
            (
                "{\"$ipv4_interface\":\"192.168.1.10/24\"}",
                "<IPv4Interface>",
            ),
            (
                "{\"$ipv6_interface\":\"2001:db8::1/64\"}",
                "<IPv6Interface>",
            ),
            // Not exactly the special keys: a plain object.
            ("{\"$date\":0,\"x\":1}", "<dict>"),
            ("{\"$set\":[1],\"x\":1}", "<dict>"),
            (
                "{\"$type\":\"date\",\"$value\":\"2024-01-02\",\"x\":1}",
                "<dict>",
            ),
            ("{\"$type\":\"time\",\"$value\":\"2024-01-02\"}", "<dict>"),
            ("{\"$unknown\":1}", "<dict>"),
        ] {
            assert_eq!(cell_text(&parse(input)), want, "{input}");
        }
    }

    #[test]
    fn cell_text_of_ejson_dates_and_times() {
        for (input, want) in [
            ("{\"$date\":1692734339000}", "2023-08-22T19:58:59+00:00"),
            (
                "{\"$date\":1692734339123}",
                "2023-08-22T19:58:59.123000+00:00",
            ),
            ("{\"$date\":1692734339000.0}", "2023-08-22T19:58:59+00:00"),
            (
                "{\"$date\":1692734339123.5}",
                "2023-08-22T19:58:59.123500+00:00",
            ),
            ("{\"$date\":-1.5}", "1969-12-31T23:59:59.998500+00:00"),
            (
                "{\"$type\":\"date\",\"$value\":\"2024-01-02\"}",
                "2024-01-02",
            ),
            (
                "{\"$value\":\"2024-2-29\",\"$type\":\"date\"}",
                "2024-02-29",
            ),
            (
                "{\"$type\":\"date\",\"$value\":\" +2024-01-0_2\"}",
                "2024-01-02",
            ),
            ("{\"$time\":\"10:11:12\"}", "10:11:12"),
            ("{\"$time\":\"10:11\"}", "10:11:00"),
            ("{\"$time\":\"T101112\"}", "10:11:12"),
            ("{\"$time\":\"10:11:12.5\"}", "10:11:12.500000"),
            ("{\"$time\":\"10:11:12,25\"}", "10:11:12.250000"),
            ("{\"$time\":\"10:11:12.1234567\"}", "10:11:12.123456"),
            ("{\"$time\":\"10.5\"}", "10:00:00.500000"),
            ("{\"$time\":\"10:11:12Z\"}", "10:11:12+00:00"),
            ("{\"$time\":\"10:11:12-00:00\"}", "10:11:12+00:00"),
            ("{\"$time\":\"10:11:12-0530\"}", "10:11:12-05:30"),
            (
                "{\"$time\":\"10:11:12+05:30:15.5\"}",
                "10:11:12+05:30:15.500000",
            ),
        ] {
            assert_eq!(cell_text(&parse(input)), want, "{input}");
        }
    }

    #[test]
    fn malformed_ejson_stays_a_plain_object() {
        // The Python client rejects these outright; shown as the objects they are.
        for input in [
            "{\"$date\":\"2023-08-22\"}",
            "{\"$date\":true}",
            "{\"$date\":253402300800000}",
            "{\"$date\":-62135596800001}",
            "{\"$date\":1e300}",
            "{\"$time\":\"24:00:00\"}",
            "{\"$time\":\"10:11:12 \"}",
            "{\"$time\":\"1:2:3\"}",
            "{\"$time\":\"10:11:12+24:00\"}",
            "{\"$time\":5}",
            "{\"$type\":\"date\",\"$value\":\"2023-02-29\"}",
            "{\"$type\":\"date\",\"$value\":\"10000-01-01\"}",
            "{\"$type\":\"date\",\"$value\":\"2024-01\"}",
            "{\"$type\":\"date\",\"$value\":20240102}",
            "{\"$set\":[[1]]}",
            "{\"$set\":[{\"a\":1}]}",
            "{\"$set\":[{\"$set\":[1]}]}",
            "{\"$set\":\"abc\"}",
            "{\"$ipv4_interface\":3232235786}",
        ] {
            assert_eq!(cell_text(&parse(input)), "<dict>", "{input}");
        }
        // The extremes of Python's datetime still decode.
        assert_eq!(
            cell_text(&json!({"$date": -62_135_596_800_000_i64})),
            "0001-01-01T00:00:00+00:00"
        );
        assert_eq!(
            cell_text(&json!({"$date": 253_402_300_799_999_i64})),
            "9999-12-31T23:59:59.999000+00:00"
        );
        // A set may hold decoded (hashable) values.
        assert_eq!(
            cell_text(&json!({"$set": [{"$date": 0}, "a", null]})),
            "<set>"
        );
    }

    #[test]
    fn truncation_per_line_counts_characters() {
        let s64 = "x".repeat(64);
        let s65 = "x".repeat(65);
        let cut = format!("{}...", "x".repeat(61));
        assert_eq!(cell_text(&json!(s64)), s64);
        assert_eq!(cell_text(&json!(s65)), cut);
        assert_eq!(
            cell_text(&json!(format!("{s65}\nshort\n{s64}"))),
            format!("{cut}\nshort\n{s64}")
        );
        assert_eq!(cell_text(&json!([s65.clone(), 1])), format!("{cut}\n1"));
        // Characters, not bytes or display columns.
        let wide = "中".repeat(65);
        assert_eq!(cell_text(&json!(wide)), format!("{}...", "中".repeat(61)));
        assert_eq!(cell_text(&json!("é".repeat(64))), "é".repeat(64));
        // Csv mode never truncates.
        assert_eq!(render(&json!(s65), Format::Csv), s65);
    }

    #[test]
    fn iso_datetime_civil_dates() {
        for (ms, want) in [
            (0, "1970-01-01T00:00:00+00:00"),
            (1, "1970-01-01T00:00:00.001000+00:00"),
            (999, "1970-01-01T00:00:00.999000+00:00"),
            (-1, "1969-12-31T23:59:59.999000+00:00"),
            (-1000, "1969-12-31T23:59:59+00:00"),
            (-86_400_000, "1969-12-31T00:00:00+00:00"),
            (1_692_734_339_000, "2023-08-22T19:58:59+00:00"),
            (1_692_734_339_123, "2023-08-22T19:58:59.123000+00:00"),
            (951_782_400_000, "2000-02-29T00:00:00+00:00"),
            (951_868_799_999, "2000-02-29T23:59:59.999000+00:00"),
            (1_709_164_800_000, "2024-02-29T00:00:00+00:00"),
            (1_709_251_200_000, "2024-03-01T00:00:00+00:00"),
            (-2_203_891_200_000, "1900-03-01T00:00:00+00:00"),
            (-2_203_977_600_000, "1900-02-28T00:00:00+00:00"),
            (4_107_542_400_000, "2100-03-01T00:00:00+00:00"),
            (-3_155_760_000_000, "1869-12-31T00:00:00+00:00"),
            (-3_155_673_600_000, "1870-01-01T00:00:00+00:00"),
            (-62_135_596_800_000, "0001-01-01T00:00:00+00:00"),
            (253_402_300_799_000, "9999-12-31T23:59:59+00:00"),
            (-62_167_219_200_000, "0000-01-01T00:00:00+00:00"),
            (-62_198_755_200_000, "-0001-01-01T00:00:00+00:00"),
            (253_402_300_800_000, "10000-01-01T00:00:00+00:00"),
        ] {
            assert_eq!(iso_datetime(ms), want, "{ms}");
        }
        // The extremes give text, not a panic.
        assert!(iso_datetime(i64::MAX).ends_with("+00:00"));
        assert!(iso_datetime(i64::MIN).starts_with('-'));
    }

    #[test]
    fn iso_datetime_agrees_with_day_counting() {
        // Walk day by day across four centuries, checking each date follows the last.
        let mut expected = (1900_i64, 1_u32, 1_u32);
        let start = -2_208_988_800_000_i64; // 1900-01-01
        for day in 0..(400 * 366) {
            let text = iso_datetime(start + day * 86_400_000);
            let (y, m, d) = expected;
            assert_eq!(&text[..10], format!("{y:04}-{m:02}-{d:02}"));
            expected = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }

    #[test]
    fn column_order_like_midcli_test() {
        let rows = parse(
            r#"[{"id": 1, "auto": false, "name": "Task 1"},
                {"id": 2, "auto": true, "schedule": "* * *", "name": "Task 2"}]"#,
        );
        let Value::Array(items) = &rows else {
            panic!("not a list")
        };
        let objects: Vec<&Map<String, Value>> = items.iter().filter_map(Value::as_object).collect();
        assert_eq!(prepare_header(&objects), ["id", "auto", "schedule", "name"]);
    }

    #[test]
    fn column_order_more_cases() {
        for (input, want) in [
            (
                r#"[{"a":1,"b":2},{"c":3,"b":4,"d":5}]"#,
                vec!["a", "b", "d", "c"],
            ),
            (r#"[{"a":1},{"b":2},{"a":3,"c":4}]"#, vec!["a", "c", "b"]),
            (r#"[{"b":1,"a":2},{"a":1,"b":2}]"#, vec!["b", "a"]),
            (r#"[{},{"x":1,"y":2}]"#, vec!["x", "y"]),
            (r#"[{"a":1},{"x":1,"a":2,"y":3}]"#, vec!["a", "y", "x"]),
        ] {
            let rows = parse(input);
            let Value::Array(items) = &rows else {
                panic!("not a list")
            };
            let objects: Vec<&Map<String, Value>> =
                items.iter().filter_map(Value::as_object).collect();
            assert_eq!(prepare_header(&objects), want, "{input}");
        }
    }

    #[test]
    fn list_table_example_from_the_spec() {
        assert_eq!(
            table(
                r#"[{"id":2,"name":"apikey2","created_at":{"$date":1692734339000},"allowlist":[{"method":"GET","resource":"*"}]}]"#
            ),
            "+----+---------+---------------------------+-----------+\n\
             | id | name    | created_at                | allowlist |\n\
             +----+---------+---------------------------+-----------+\n\
             | 2  | apikey2 | 2023-08-22T19:58:59+00:00 | <list>    |\n\
             +----+---------+---------------------------+-----------+"
        );
    }

    #[test]
    fn object_table_example_from_the_spec() {
        // The spec's example is an excerpt of a longer object; two more rows give its
        // column widths, and every line it shows must appear as is.
        let out = table(
            r#"{"id":2,"name":"apikey2","created_at":"x","allowlist":[],"nested":{"a":1},
                "tags":["a","b"],"n":null,"username":"a-user-name-28-characters-ok"}"#,
        );
        let lines: Vec<&str> = out.lines().collect();
        for want in [
            "+------------+------------------------------+",
            "|         id | 2                            |",
            "|       name | apikey2                      |",
            "|  allowlist | <empty list>                 |",
            "|     nested | <dict>                       |",
            "|       tags | a                            |",
            "|            | b                            |",
            "|          n | <null>                       |",
        ] {
            assert!(lines.contains(&want), "{want}\nin\n{out}");
        }
        assert_eq!(lines.first(), lines.last());
        assert_eq!(lines.len(), 11);
    }

    #[test]
    fn multi_line_cells_leave_other_columns_blank() {
        assert_eq!(
            table(r#"[{"a":"x","b":["1","22","333"],"c":"y\nz"}]"#),
            "+---+-----+---+\n\
             | a | b   | c |\n\
             +---+-----+---+\n\
             | x | 1   | y |\n\
             |   | 22  | z |\n\
             |   | 333 |   |\n\
             +---+-----+---+"
        );
    }

    #[test]
    fn undefined_for_missing_keys() {
        assert_eq!(
            table(r#"[{"a":1},{"b":2}]"#),
            "+-------------+-------------+\n\
             | a           | b           |\n\
             +-------------+-------------+\n\
             | 1           | <undefined> |\n\
             | <undefined> | 2           |\n\
             +-------------+-------------+"
        );
    }

    #[test]
    fn special_results_in_table_mode() {
        for (input, want) in [
            ("[]", "(empty list)"),
            ("{}", "(empty object)"),
            (
                "[{}]",
                "(none of the specified fields found among 1 object(s))",
            ),
            (
                "[{},{},{}]",
                "(none of the specified fields found among 3 object(s))",
            ),
            (
                "[{},5]",
                "(none of the specified fields found among 2 object(s))",
            ),
            ("5", "5"),
            ("null", "<null>"),
            ("true", "true"),
            ("\"\"", ""),
            ("\"two\\nlines\"", "two\nlines"),
            ("[1,\"a\",null]", "1\na\n<null>"),
            (
                "[1,{\"a\":1},[2,3],[{\"b\":1}],{}]",
                "1\n<dict>\n2\n3\n<list>\n<dict>",
            ),
            ("[[]]", "<empty list>"),
            ("{\"$date\":0}", "1970-01-01T00:00:00+00:00"),
            ("{\"$set\":[1]}", "<set>"),
            (
                "[{\"$date\":0},{\"a\":1}]",
                "1970-01-01T00:00:00+00:00\n<dict>",
            ),
        ] {
            assert_eq!(table(input), want, "{input}");
        }
    }

    #[test]
    fn mixed_list_rows_show_type_placeholders() {
        // midcli crashes on these; every column of a non-object row shows its type.
        assert_eq!(
            table(r#"[{"a":1,"b":"x"},5,"s",null,[1],1.5,true,{"$date":0}]"#),
            "+------------+------------+\n\
             | a          | b          |\n\
             +------------+------------+\n\
             | 1          | x          |\n\
             | <int>      | <int>      |\n\
             | <str>      | <str>      |\n\
             | <NoneType> | <NoneType> |\n\
             | <list>     | <list>     |\n\
             | <float>    | <float>    |\n\
             | <bool>     | <bool>     |\n\
             | <datetime> | <datetime> |\n\
             +------------+------------+"
        );
        assert_eq!(csv(r#"[{"a":1},"s"]"#), "a\r\n1\r\n<str>\r\n");
    }

    #[test]
    fn vertical_table_keys_right_values_left() {
        assert_eq!(
            table(r#"{"a":1,"longer_key":"v","mid":["x","yy"]}"#),
            "+------------+----+\n\
             |          a | 1  |\n\
             | longer_key | v  |\n\
             |        mid | x  |\n\
             |            | yy |\n\
             +------------+----+"
        );
        // Keys are never truncated, values are.
        let key = "k".repeat(70);
        let out = render(&json!({ key.clone(): "v".repeat(70) }), Format::Table);
        assert!(
            out.contains(&format!("| {key} | {}... |", "v".repeat(61))),
            "{out}"
        );
    }

    #[test]
    fn empty_columns_are_zero_wide() {
        for (input, want) in [
            (r#"[{"":""}]"#, "+--+\n|  |\n+--+\n|  |\n+--+"),
            (r#"{"a":""}"#, "+---+--+\n| a |  |\n+---+--+"),
            (r#"{"":"v"}"#, "+--+---+\n|  | v |\n+--+---+"),
            (
                r#"[{"a":"","b":1}]"#,
                "+---+---+\n| a | b |\n+---+---+\n|   | 1 |\n+---+---+",
            ),
        ] {
            assert_eq!(table(input), want, "{input}");
        }
    }

    #[test]
    fn tabs_expand_in_cells_but_not_in_headers() {
        assert_eq!(expand_tabs("a\tb"), "a       b");
        assert_eq!(expand_tabs("\tx"), "        x");
        assert_eq!(expand_tabs("1234567\tx"), "1234567 x");
        assert_eq!(expand_tabs("12345678\tx"), "12345678        x");
        assert_eq!(expand_tabs("ab\ncd\tx"), "ab\ncd      x");
        assert_eq!(
            table(r#"{"k":"a\tb"}"#),
            "+---+-----------+\n| k | a       b |\n+---+-----------+"
        );
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(
            table(r#"[{"名前":"中文","b":"é"}]"#),
            "+------+---+\n\
             | 名前 | b |\n\
             +------+---+\n\
             | 中文 | é |\n\
             +------+---+"
        );
    }

    #[test]
    fn no_panic_on_huge_keys() {
        let key = "k".repeat(70_000);
        let out = render(&json!([{ key.clone(): 1 }]), Format::Table);
        assert!(out.starts_with("+-"));
        let out = render(&json!({ key: 1 }), Format::Table);
        assert!(out.starts_with("+-"));
    }

    #[test]
    fn csv_list_of_objects() {
        assert_eq!(
            csv(
                r#"[{"id":1,"auto":false,"name":"Task 1"},{"id":2,"auto":true,"schedule":"* * *","name":"Task 2"}]"#
            ),
            "id,auto,schedule,name\r\n1,false,<undefined>,Task 1\r\n2,true,* * *,Task 2\r\n"
        );
    }

    #[test]
    fn csv_quoting() {
        for (input, want) in [
            (r#"{"a":"x,y"}"#, "a\r\n\"x,y\"\r\n"),
            (r#"{"a":"say \"hi\""}"#, "a\r\n\"say \"\"hi\"\"\"\r\n"),
            (r#"{"a":"l1\nl2"}"#, "a\r\n\"l1\nl2\"\r\n"),
            (r#"{"a":"l1\rl2"}"#, "a\r\n\"l1\rl2\"\r\n"),
            (r#"{"a":" padded "}"#, "a\r\n padded \r\n"),
            (r#"{"a":"it's"}"#, "a\r\nit's\r\n"),
            (r#"{"a,b":1}"#, "\"a,b\"\r\n1\r\n"),
            (r#"{"a":["x","y"]}"#, "a\r\n\"x\ny\"\r\n"),
            // A record of one empty field is quoted, as Python's csv module does.
            (r#"{"a":""}"#, "a\r\n\"\"\r\n"),
            (r#"[{"":""}]"#, "\"\"\r\n\"\"\r\n"),
            (r#"{"a":"","b":""}"#, "a,b\r\n,\r\n"),
        ] {
            assert_eq!(csv(input), want, "{input}");
        }
    }

    #[test]
    fn csv_special_results() {
        for (input, want) in [
            ("[]", ""),
            ("{}", ""),
            (
                "[{}]",
                "None of the specified fields found among 1 object(s)",
            ),
            (
                "[{},{}]",
                "None of the specified fields found among 2 object(s)",
            ),
            ("5", "5"),
            ("null", "<null>"),
            ("\"x,y\"", "x,y"),
            ("[1,\"a,b\",{\"k\":\"v\"}]", "1\na,b\n{\"k\": \"v\"}"),
            ("{\"$set\":[1,2]}", "{\"$set\": [1, 2]}"),
            ("{\"$date\":1500}", "1970-01-01T00:00:01.500000+00:00"),
        ] {
            assert_eq!(csv(input), want, "{input}");
        }
    }

    #[test]
    fn csv_non_readable_values_are_python_json() {
        for (input, want) in [
            (
                r#"{"k":"v","n":[1,2.5,null,true]}"#,
                r#"{"k": "v", "n": [1, 2.5, null, true]}"#,
            ),
            (r#"{}"#, "{}"),
            (r#"[{"a":{}}]"#, "[{\"a\": {}}]"),
            (
                r#"{"u":"é✓😀\u007f\u0001\t\\/"}"#,
                r#"{"u": "\u00e9\u2713\ud83d\ude00\u007f\u0001\t\\/"}"#,
            ),
            (
                r#"{"d":{"$date":1692734339123}}"#,
                r#"{"d": {"$date": 1692734339000}}"#,
            ),
            (r#"{"d":{"$date":-1}}"#, r#"{"d": {"$date": -1000}}"#),
            (
                r#"{"d":{"$type":"date","$value":"2024-1-2"}}"#,
                r#"{"d": {"$type": "date", "$value": "2024-01-02"}}"#,
            ),
            (
                r#"{"t":{"$time":"T101112.5"}}"#,
                r#"{"t": {"$time": "10:11:12.500000"}}"#,
            ),
            (
                r#"{"s":{"$set":[1,1.0,true,2,"2"]}}"#,
                r#"{"s": {"$set": [1, 2, "2"]}}"#,
            ),
            (
                r#"{"i":{"$ipv4_interface":"10.0.0.1/8"}}"#,
                r#"{"i": {"$ipv4_interface": "10.0.0.1/8"}}"#,
            ),
            (
                r#"{"f":[1e400,-1e400,1e3,-0]}"#,
                r#"{"f": [Infinity, -Infinity, 1000.0, 0]}"#,
            ),
            (r#"{"x":{"$time":"bad"}}"#, r#"{"x": {"$time": "bad"}}"#),
        ] {
            let value = parse(input);
            let mut out = String::new();
            py_json(&value, &mut out);
            assert_eq!(out, want, "{input}");
        }
    }

    #[test]
    fn json_is_pretty_and_verbatim() {
        let text = r#"{"id":2,"big":123456789012345678901234567890,"f":1.10,"when":{"$date":1692734339123},"tags":["a"],"e":{},"l":[]}"#;
        assert_eq!(
            render(&parse(text), Format::Json),
            "{\n  \"id\": 2,\n  \"big\": 123456789012345678901234567890,\n  \"f\": 1.10,\n  \"when\": {\n    \"$date\": 1692734339123\n  },\n  \"tags\": [\n    \"a\"\n  ],\n  \"e\": {},\n  \"l\": []\n}"
        );
        let long = "x".repeat(100);
        let value = json!([{ "a": long, "b": "é\n" }]);
        let back: Value = serde_json::from_str(&render(&value, Format::Json)).unwrap_or_default();
        assert_eq!(back, value);
        assert_eq!(render(&json!(null), Format::Json), "null");
    }

    #[test]
    fn yaml_document() {
        assert_eq!(
            yaml(
                r#"{"id":1,"name":"apikey","created_at":{"$date":1692734339000},"tags":["a","b"],
                   "empty":[],"obj":{},"nested":{"x":null,"y":[{"k":"v","n":1.5},[1,2]]},
                   "yes":"yes","num":"123","cert":"-----BEGIN-----\nAAA\n-----END-----\n",
                   "ip":"10.0.0.1","spaced":" x","f":1e20,"big":12345678901234567890123,"t":true}"#
            ),
            "id: 1\n\
             name: apikey\n\
             created_at:\n  $date: 1692734339000\n\
             tags:\n- a\n- b\n\
             empty: []\n\
             obj: {}\n\
             nested:\n  x: null\n  \"y\":\n  - k: v\n    \"n\": 1.5\n  - - 1\n    - 2\n\
             \"yes\": \"yes\"\n\
             num: \"123\"\n\
             cert: |\n  -----BEGIN-----\n  AAA\n  -----END-----\n\
             ip: \"10.0.0.1\"\n\
             spaced: \" x\"\n\
             f: 1.0e+20\n\
             big: 12345678901234567890123\n\
             t: true"
        );
    }

    #[test]
    fn yaml_sequences_and_top_level_scalars() {
        for (input, want) in [
            (
                r#"[1,"two",null,[],{},[3,[4]],{"a":[{"b":"c"}]}]"#,
                "- 1\n- two\n- null\n- []\n- {}\n- - 3\n  - - 4\n- a:\n  - b: c",
            ),
            ("[]", "[]"),
            ("{}", "{}"),
            ("null", "null"),
            ("false", "false"),
            ("-3", "-3"),
            ("1e400", ".inf"),
            ("-1e400", "-.inf"),
            ("1e-5", "1.0e-05"),
            ("2.5", "2.5"),
            ("\"plain text\"", "plain text"),
            ("\"\"", "\"\""),
            ("\"a\\nb\"", "|-\n  a\n  b"),
            ("\"x\\n\\n\"", "\"x\\n\\n\""),
            ("[\"l1\\nl2\\n\"]", "- |\n  l1\n  l2"),
            ("{\"k\":[\"a\\nb\"]}", "k:\n- |-\n  a\n  b"),
        ] {
            assert_eq!(yaml(input), want, "{input}");
        }
    }

    #[test]
    fn yaml_quotes_only_when_needed() {
        for (s, want) in [
            ("plain", "plain"),
            ("with space", "with space"),
            ("a#b", "a#b"),
            ("a:b", "a:b"),
            ("é中😀", "é中😀"),
            ("1st", "1st"),
            ("$date", "$date"),
            ("http://x.y/z?a=b", "http://x.y/z?a=b"),
            ("", "\"\""),
            ("yes", "\"yes\""),
            ("On", "\"On\""),
            ("n", "\"n\""),
            ("null", "\"null\""),
            ("~", "\"~\""),
            ("True", "\"True\""),
            ("123", "\"123\""),
            ("-1", "\"-1\""),
            ("1.5", "\"1.5\""),
            (".5", "\".5\""),
            ("1e3", "\"1e3\""),
            ("0x1F", "\"0x1F\""),
            ("1_000", "\"1_000\""),
            ("1:30", "\"1:30\""),
            ("2024-01-02", "\"2024-01-02\""),
            ("10.0.0.1", "\"10.0.0.1\""),
            (".inf", "\".inf\""),
            ("-.NaN", "\"-.NaN\""),
            ("- x", "\"- x\""),
            ("-x", "\"-x\""),
            ("? x", "\"? x\""),
            ("x:", "\"x:\""),
            ("a: b", "\"a: b\""),
            ("a #b", "\"a #b\""),
            ("#c", "\"#c\""),
            ("&a", "\"&a\""),
            ("*a", "\"*a\""),
            ("!a", "\"!a\""),
            ("|a", "\"|a\""),
            (">a", "\">a\""),
            ("'q'", "\"'q'\""),
            ("\"q\"", "\"\\\"q\\\"\""),
            ("%a", "\"%a\""),
            ("@a", "\"@a\""),
            ("`a", "\"`a\""),
            ("[a]", "\"[a]\""),
            ("{a}", "\"{a}\""),
            ("...", "\"...\""),
            ("<<", "\"<<\""),
            ("=", "\"=\""),
            (" lead", "\" lead\""),
            ("trail ", "\"trail \""),
            ("a\tb", "\"a\\tb\""),
            ("a\\b", "a\\b"),
            (
                "\u{1}\u{7f}\u{85}\u{2028}\u{feff}\0\u{1b}",
                "\"\\x01\\x7f\\N\\L\\ufeff\\0\\e\"",
            ),
            ("a\r\nb", "\"a\\r\\nb\""),
            (" a\nb", "\" a\\nb\""),
            ("a \nb", "\"a \\nb\""),
            ("\n", "\"\\n\""),
        ] {
            assert_eq!(render(&json!(s), Format::Yaml), want, "{s:?}");
        }
    }

    #[test]
    fn yaml_keys_are_quoted_like_values() {
        assert_eq!(
            yaml(r#"{"on":1,"a b":2,"":3,"1":4,"x: y":5,"k":{"no":null}}"#),
            "\"on\": 1\na b: 2\n\"\": 3\n\"1\": 4\n\"x: y\": 5\nk:\n  \"no\": null"
        );
        let key = "k".repeat(1100);
        assert_eq!(
            render(&json!({ key.clone(): 1 }), Format::Yaml),
            format!("? \"{key}\"\n: 1")
        );
    }

    #[test]
    fn python_type_names() {
        for (input, want) in [
            ("null", "NoneType"),
            ("true", "bool"),
            ("1", "int"),
            ("1.0", "float"),
            ("1e3", "float"),
            ("\"s\"", "str"),
            ("[]", "list"),
            ("{}", "dict"),
            ("{\"$date\":0}", "datetime"),
            ("{\"$type\":\"date\",\"$value\":\"2024-01-02\"}", "date"),
            ("{\"$time\":\"10:11:12\"}", "time"),
            ("{\"$set\":[]}", "set"),
            ("{\"$ipv4_interface\":\"1.2.3.4/32\"}", "IPv4Interface"),
            ("{\"$ipv6_interface\":\"::1/128\"}", "IPv6Interface"),
        ] {
            assert_eq!(py_type_name(&parse(input)), want, "{input}");
        }
    }

    #[test]
    fn python_number_spelling() {
        for (input, want) in [
            ("0", "0"),
            ("-0", "0"),
            ("42", "42"),
            ("-42", "-42"),
            ("18446744073709551616", "18446744073709551616"),
            ("1.0", "1.0"),
            ("1.10", "1.1"),
            ("1E+2", "100.0"),
            ("5e-324", "5e-324"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("2e308", "Infinity"),
        ] {
            let Value::Number(n) = parse(input) else {
                panic!("{input} is not a number")
            };
            assert_eq!(py_number_text(&n), want, "{input}");
        }
    }

    #[test]
    fn python_int_for_date_parts() {
        for (input, want) in [
            ("7", Some(7)),
            (" 7 ", Some(7)),
            ("+7", Some(7)),
            ("0_7", Some(7)),
            ("007", Some(7)),
            ("", None),
            ("_7", None),
            ("7_", None),
            ("1__0", None),
            ("-7", None),
            ("7a", None),
            ("+", None),
        ] {
            assert_eq!(py_int(input), want, "{input:?}");
        }
    }

    #[test]
    fn date_validation() {
        for (input, want) in [
            ("2024-02-29", Some((2024, 2, 29))),
            ("2000-02-29", Some((2000, 2, 29))),
            ("1900-02-29", None),
            ("2023-02-29", None),
            ("2024-04-31", None),
            ("2024-12-31", Some((2024, 12, 31))),
            ("0001-01-01", Some((1, 1, 1))),
            ("9999-12-31", Some((9999, 12, 31))),
            ("0000-01-01", None),
            ("2024-00-10", None),
            ("2024-01-00", None),
            ("2024-01-02-03", None),
            ("2024/01/02", None),
        ] {
            assert_eq!(parse_iso_date(input), want, "{input}");
        }
    }

    #[test]
    fn time_forms_python_rejects() {
        for input in [
            "",
            "1",
            "123",
            "1:2",
            "10:11:12.",
            "10:11:12.x",
            "10:11:12:13",
            "1011:12",
            "10:1112",
            "24:00",
            "12:60",
            "12:00:60",
            "10:11:12+5",
            "10:11:12z",
            "10:11:12+24:00",
            " 10:11",
            "10:11 ",
            "TT10:11",
            "10:11:12+05:30+01:00",
        ] {
            assert_eq!(parse_iso_time(input), None, "{input:?}");
        }
    }

    #[test]
    fn set_members_merge_like_python() {
        let items = parse(
            r#"[1, 1.0, true, 0, false, -0.0, "1", "1", 2.5, null, null, 1e20, 100000000000000000000]"#,
        );
        let Value::Array(items) = &items else {
            panic!("not a list")
        };
        let kept: Vec<String> = dedup_set(items).iter().map(|v| v.to_string()).collect();
        assert_eq!(kept, ["1", "0", "\"1\"", "2.5", "null", "1e+20"]);
    }

    #[test]
    fn table_text_has_no_trailing_newline() {
        for input in [
            r#"[{"a":1}]"#,
            r#"{"a":1}"#,
            "5",
            "[1,2]",
            "[]",
            r#"{"a":"x\n"}"#,
        ] {
            let out = table(input);
            assert!(!out.ends_with('\n'), "{input}: {out:?}");
        }
        // A trailing newline in a value is an empty last line of its cell.
        assert_eq!(
            table(r#"{"a":"x\n"}"#),
            "+---+---+\n| a | x |\n|   |   |\n+---+---+"
        );
    }

    #[test]
    fn csv_object_is_one_row_not_vertical() {
        assert_eq!(
            csv(r#"{"id":2,"name":"apikey2","allowlist":[],"nested":{"a":1},"tags":["a","b"],"n":null}"#),
            "id,name,allowlist,nested,tags,n\r\n2,apikey2,<empty list>,\"{\"\"a\"\": 1}\",\"a\nb\",<null>\r\n"
        );
    }

    #[test]
    fn csv_keeps_long_values_and_decodes_ejson() {
        let long = "y".repeat(100);
        assert_eq!(
            render(&json!([{ "v": long.clone(), "d": {"$date": 1_692_734_339_123_i64}, "s": {"$set": ["a"]} }]), Format::Csv),
            format!("v,d,s\r\n{long},2023-08-22T19:58:59.123000+00:00,\"{{\"\"$set\"\": [\"\"a\"\"]}}\"\r\n")
        );
    }

    #[test]
    fn csv_rows_end_with_crlf_only() {
        let out = csv(r#"[{"a":1,"b":"x"},{"a":2,"b":"y"}]"#);
        assert_eq!(out, "a,b\r\n1,x\r\n2,y\r\n");
        assert_eq!(out.matches("\r\n").count(), out.matches('\n').count());
    }

    #[test]
    fn csv_and_table_share_column_order() {
        let input = r#"[{"x":1,"z":2},{"y":3,"z":4},{"x":5,"w":6,"z":7}]"#;
        let header_line = csv(input).lines().next().map(str::to_string);
        assert_eq!(header_line.as_deref(), Some("x,w,z,y"));
        assert!(table(input).contains("| x           | w           | z | y           |"));
    }

    #[test]
    fn yaml_keeps_ejson_as_mappings() {
        assert_eq!(
            yaml(r#"{"d":{"$date":1692734339000},"s":{"$set":[1,"a"]},"t":{"$type":"date","$value":"2024-01-02"}}"#),
            "d:\n  $date: 1692734339000\ns:\n  $set:\n  - 1\n  - a\nt:\n  $type: date\n  $value: \"2024-01-02\""
        );
    }

    #[test]
    fn yaml_nested_layout() {
        assert_eq!(
            yaml(r#"[{"a":{"b":{"c":[1,{"d":[]}]}},"e":{}},[[[]]],[{}]]"#),
            "- a:\n    b:\n      c:\n      - 1\n      - d: []\n  e: {}\n- - - []\n- - {}"
        );
    }

    #[test]
    fn yaml_literal_blocks_inside_collections() {
        assert_eq!(
            yaml(r#"{"m":{"cert":"A\nB\n","s":"x\n\ny"},"l":[["p\nq"]]}"#),
            "m:\n  cert: |\n    A\n    B\n  s: |-\n    x\n\n    y\nl:\n- - |-\n    p\n    q"
        );
    }

    #[test]
    fn yaml_numbers() {
        for (input, want) in [
            ("0", "0"),
            ("-0", "0"),
            (
                "123456789012345678901234567890",
                "123456789012345678901234567890",
            ),
            ("1.5", "1.5"),
            ("1e20", "1.0e+20"),
            ("1.5e20", "1.5e+20"),
            ("1e-7", "1.0e-07"),
            ("-0.0", "-0.0"),
            ("100.0", "100.0"),
        ] {
            assert_eq!(yaml(input), want, "{input}");
        }
    }

    #[test]
    fn yaml_long_keys_use_explicit_form() {
        let key = "k".repeat(1100);
        assert_eq!(
            render(&json!({ key.clone(): {"a": 1} }), Format::Yaml),
            format!("? \"{key}\"\n:\n  a: 1")
        );
        assert_eq!(
            render(&json!([{ key.clone(): [1] }]), Format::Yaml),
            format!("- ? \"{key}\"\n  :\n  - 1")
        );
    }

    #[test]
    fn json_of_scalars_and_unicode() {
        assert_eq!(
            render(&json!("é\n\"q\""), Format::Json),
            "\"é\\n\\\"q\\\"\""
        );
        assert_eq!(render(&json!(5), Format::Json), "5");
        assert_eq!(render(&json!([]), Format::Json), "[]");
        // Verbatim apart from serde_json's normalised exponent sign.
        assert_eq!(render(&parse("1e400"), Format::Json), "1e+400");
    }

    #[test]
    fn every_format_survives_awkward_input() {
        let awkward = [
            r#"[{"a":[{"b":[{"c":{"$set":[{"$date":1}]}}]}]}]"#,
            r#"{"":{"":{"":[]}}}"#,
            r#"["\u0000\u001b[31m\r\t", {"\n":"\n"}, [[[[[]]]]]]"#,
            r#"[{"$date":-9223372036854775808}, {"$date":9223372036854775807}]"#,
            r#"{"$date":1e308}"#,
            r#"[{"x":{"$time":"99:99"}},7,{"$set":"x"}]"#,
        ];
        for input in awkward {
            let value = parse(input);
            for format in [Format::Table, Format::Csv, Format::Json, Format::Yaml] {
                let out = render(&value, format);
                assert!(
                    !out.is_empty() || format == Format::Csv,
                    "{format} of {input}"
                );
            }
        }
    }

    #[test]
    fn format_error_names_the_choices() {
        assert_eq!(
            "xml".parse::<Format>(),
            Err("Mode should be one of: csv, json, table, yaml".to_string())
        );
    }

    #[test]
    fn milliseconds_keep_leading_zeros() {
        assert_eq!(iso_datetime(5), "1970-01-01T00:00:00.005000+00:00");
        assert_eq!(iso_datetime(50), "1970-01-01T00:00:00.050000+00:00");
        assert_eq!(iso_datetime(-999), "1969-12-31T23:59:59.001000+00:00");
    }

    #[test]
    fn scalar_results_truncate_in_table_mode_only() {
        let long = "z".repeat(80);
        let cut = format!("{}...", "z".repeat(61));
        assert_eq!(render(&json!(long), Format::Table), cut);
        assert_eq!(
            render(&json!([long.clone(), long.clone()]), Format::Table),
            format!("{cut}\n{cut}")
        );
        assert_eq!(render(&json!([long.clone()]), Format::Csv), long);
    }

    #[test]
    fn header_wider_than_values_and_values_wider_than_header() {
        assert_eq!(
            table(r#"[{"a_long_header":1,"b":"a longer value"},{"a_long_header":22,"b":"x"}]"#),
            "+---------------+----------------+\n\
             | a_long_header | b              |\n\
             +---------------+----------------+\n\
             | 1             | a longer value |\n\
             | 22            | x              |\n\
             +---------------+----------------+"
        );
    }

    #[test]
    fn key_less_rows_among_others_are_all_undefined() {
        assert_eq!(
            table(r#"[{"a":1},{}]"#),
            "+-------------+\n| a           |\n+-------------+\n| 1           |\n| <undefined> |\n+-------------+"
        );
        assert_eq!(csv(r#"[{"a":1},{}]"#), "a\r\n1\r\n<undefined>\r\n");
    }

    #[test]
    fn multi_line_keys_do_not_break_the_frame() {
        // prettytable misdraws this; comfy-table gives the key two lines.
        assert_eq!(
            table(r#"{"a\nb":1}"#),
            "+---+---+\n| a | 1 |\n| b |   |\n+---+---+"
        );
        assert_eq!(
            table(r#"[{"a\nb":1}]"#),
            "+---+\n| a |\n| b |\n+---+\n| 1 |\n+---+"
        );
    }

    #[test]
    fn csv_headers_are_quoted_too() {
        assert_eq!(
            csv(r#"[{"say \"x\"":1,"two\nlines":2,"plain":3}]"#),
            "\"say \"\"x\"\"\",\"two\nlines\",plain\r\n1,2,3\r\n"
        );
    }

    #[test]
    fn csv_lists_of_non_objects() {
        for (input, want) in [
            ("[[1,2],[3]]", "1\n2\n3"),
            (
                "[1,{\"$set\":[2]},{\"a\":[1]}]",
                "1\n{\"$set\": [2]}\n{\"a\": [1]}",
            ),
            (
                "[null,[],[{\"x\":1}]]",
                "<null>\n<empty list>\n[{\"x\": 1}]",
            ),
            ("[\"a\\nb\",\"c\"]", "a\nb\nc"),
        ] {
            assert_eq!(csv(input), want, "{input}");
        }
    }

    #[test]
    fn yaml_escapes_non_printable_characters() {
        for (s, want) in [
            ("\u{fffe}", "\"\\ufffe\""),
            ("\u{9f}", "\"\\x9f\""),
            ("\u{2029}", "\"\\P\""),
            ("\u{7}\u{8}\u{b}\u{c}", "\"\\a\\b\\v\\f\""),
            ("ok\u{a0}", "ok\u{a0}"),
            ("😀\n😀", "|-\n  😀\n  😀"),
        ] {
            assert_eq!(render(&json!(s), Format::Yaml), want, "{s:?}");
        }
    }

    #[test]
    fn yaml_literal_block_choice() {
        for (s, want) in [
            ("a\nb", Some("-")),
            ("a\nb\n", Some("")),
            ("a\nb\n\n", None),
            ("\na", Some("-")),
            ("\n", None),
            (" a\nb", None),
            ("a\n b", Some("-")),
            ("a \nb", None),
            ("a\tb\nc", None),
            ("single", None),
        ] {
            assert_eq!(literal_chomping(s), want, "{s:?}");
        }
    }
}
