//! Python's `repr` of str and bytes, as midcli's messages and the middleware's exception
//! texts show them.

use serde_json::Value;
use std::fmt::Write as _;

use super::chars::isprintable;

/// Python's `repr` of a str: single quotes unless the text has one and no double quote;
/// characters `str.isprintable` refuses are escaped as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
pub(crate) fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        let code = u32::from(c);
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if isprintable(c) => out.push(c),
            _ if code <= 0xff => {
                let _ = write!(out, "\\x{code:02x}");
            }
            _ if code <= 0xffff => {
                let _ = write!(out, "\\u{code:04x}");
            }
            _ => {
                let _ = write!(out, "\\U{code:08x}");
            }
        }
    }
    out.push(quote);
    out
}

/// Python's `repr` of a bytes value (`b'...'`).
pub(crate) fn bytes_repr(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = format!("b{quote}");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ if char::from(b) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push(quote);
    out
}

/// Python's `str()` of a JSON-decoded value: a str as itself, anything else as [`value_repr`].
pub(crate) fn value_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        _ => value_repr(v),
    }
}

/// Python's `repr` of a JSON-decoded value (dict, list, str, int, float, bool, None).
pub(crate) fn value_repr(v: &Value) -> String {
    let join = |items: Vec<String>| items.join(", ");
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) if n.as_str() == "-0" => "0".into(),
        // Floats keep their JSON spelling (Python would write 1e16 as 1e+16).
        Value::Number(n) => n.as_str().to_string(),
        Value::String(s) => str_repr(s),
        Value::Array(a) => format!("[{}]", join(a.iter().map(value_repr).collect())),
        Value::Object(m) => {
            format!(
                "{{{}}}",
                join(
                    m.iter()
                        .map(|(k, v)| format!("{}: {}", str_repr(k), value_repr(v)))
                        .collect()
                )
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_like_python() {
        assert_eq!(str_repr("oo"), "'oo'");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a\nb"), "'a\\nb'");
        assert_eq!(str_repr("\u{7f}\u{a0}é"), "'\\x7f\\xa0é'");
    }

    #[test]
    fn non_printable_non_ascii_is_escaped() {
        assert_eq!(
            str_repr("\u{378}\u{e000}\u{600}"),
            "'\\u0378\\ue000\\u0600'"
        );
        assert_eq!(str_repr("\u{10fffd}\u{1f600}"), "'\\U0010fffd\u{1f600}'");
        assert_eq!(str_repr("\u{ad}\u{85}"), "'\\xad\\x85'");
    }
}
