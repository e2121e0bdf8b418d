//! YAML output in PyYAML's block layout, quoting only where a YAML 1.1 or 1.2 reader could
//! take a string for anything else.

use serde_json::{Map, Number, Value};
use std::fmt::Write as _;

use super::ejson::{number_is_float, py_number_text};

pub(super) fn render_yaml(value: &Value) -> String {
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
pub(super) fn literal_chomping(s: &str) -> Option<&'static str> {
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
            c if (c as u32) <= 0xff => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
    }
    out.push('"');
}
