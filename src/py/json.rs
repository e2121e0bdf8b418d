//! Python's `json.dumps` in its default style: `", "` and `": "` separators, everything
//! outside printable ASCII escaped (`ensure_ascii`).

use serde_json::{Map, Number, Value};
use std::borrow::Borrow;
use std::fmt::Write as _;

/// What differs between the encoders that write this style: how numbers are spelled and
/// which objects stand for other Python values (the middleware client's `ejson`).
pub(crate) trait Encoder {
    /// Numbers as they were received, by default.
    fn number(&self, n: &Number, out: &mut String) {
        let _ = write!(out, "{n}");
    }

    /// Writes `map` if it stands for another value and returns true; false has it written
    /// as the object it is.
    fn special_object(&self, _map: &Map<String, Value>, _out: &mut String) -> bool {
        false
    }
}

/// `json.dumps` of values decoded by plain `json.loads`.
pub(crate) struct Plain;

impl Encoder for Plain {}

/// One line of JSON in Python `json.dumps` default style.
pub(crate) fn dumps(v: &Value) -> String {
    let mut out = String::new();
    write_value(v, &Plain, &mut out);
    out
}

pub(crate) fn write_value(v: &Value, encoder: &impl Encoder, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => encoder.number(n, out),
        Value::String(s) => json_str(s, out),
        Value::Array(items) => write_list(items, encoder, out),
        Value::Object(map) => {
            if encoder.special_object(map, out) {
                return;
            }
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                json_str(k, out);
                out.push_str(": ");
                write_value(item, encoder, out);
            }
            out.push('}');
        }
    }
}

pub(crate) fn write_list<V: Borrow<Value>>(items: &[V], encoder: &impl Encoder, out: &mut String) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_value(item.borrow(), encoder, out);
    }
    out.push(']');
}

/// A JSON string as Python's `json.dumps` writes it (`ensure_ascii`: everything outside
/// printable ASCII as `\uXXXX`, astral characters as surrogate pairs).
pub(crate) fn json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}
