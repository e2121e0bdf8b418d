//! How `call` prints results.
//!
//! Strings print bare and numbers as they arrived; everything else is one line of JSON
//! spelled the way the official midclt spells it (Python `json.dumps`: `", "` and `": "`
//! separators, non-ASCII as `\uXXXX`), so scripts that compare output keep working — but
//! unlike the official tool, booleans are JSON `true`/`false`, never Python's `True`.

use crate::error::{ServerError, CALL_ERROR, INVALID_PARAMS};
use crate::py::json::dumps as python_json;
use serde_json::Value;

/// The text `midclt call` prints for a result (without the trailing newline).
pub(crate) fn result_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => python_json(other),
    }
}

/// What the official midclt writes on stderr for a server error of `call` (each part
/// with the newline Python's `print` adds): validation errors as `[ERRNAME] attribute:
/// message` lines; other method errors as the server's reason, its traceback (when
/// `traceback`) and `pprint` of the extra data; protocol errors as the JSON-RPC message.
pub(crate) fn official_error(e: &ServerError, traceback: bool) -> String {
    let mut out = String::new();
    let mut print = |text: &str| {
        out.push_str(text);
        out.push('\n');
    };
    let data = e.data.as_ref();
    match e.code {
        INVALID_PARAMS => {
            let triples = data
                .and_then(|d| d.extra.as_ref())
                .and_then(Value::as_array);
            let text = match triples {
                Some(triples) => triples
                    .iter()
                    .map(|t| {
                        let attr = t.get(0).and_then(Value::as_str).filter(|a| !a.is_empty());
                        let message = match t.get(1) {
                            Some(Value::String(s)) => s.clone(),
                            Some(other) => crate::py::repr::value_str(other),
                            None => String::new(),
                        };
                        let errno = t.get(2).and_then(Value::as_i64).unwrap_or(-1);
                        format!(
                            "[{}] {}: {message}",
                            crate::py::errno::name(errno),
                            attr.unwrap_or("ALL")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
                None => e.reason().trim_end().to_string(),
            };
            if !text.is_empty() {
                print(&text);
            }
        }
        CALL_ERROR => {
            let reason = e.reason();
            if !reason.is_empty() {
                print(reason);
            }
            let trace = data.and_then(|d| d.trace.as_ref());
            if let (true, Some(Value::Object(trace))) = (traceback, trace) {
                if !trace.is_empty() {
                    match trace.get("formatted") {
                        Some(Value::String(t)) => print(t),
                        Some(other) => print(&crate::py::repr::value_str(other)),
                        None => print("None"),
                    }
                }
            }
            if let Some(extra) = data.and_then(|d| d.extra.as_ref()).filter(|v| truthy(v)) {
                print(&crate::py::pprint::pformat(extra));
            }
        }
        _ => print(&e.message),
    }
    out
}

/// Python's truth value of a JSON-decoded value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_bare() {
        assert_eq!(result_text(&json!("pong")), "pong");
        assert_eq!(result_text(&json!(42)), "42");
        assert_eq!(result_text(&json!(true)), "true");
        assert_eq!(result_text(&json!(null)), "null");
        assert_eq!(result_text(&json!(1.5)), "1.5");
    }

    #[test]
    fn python_spelling() {
        let v: Value =
            serde_json::from_str(r#"{"a": [1, true, null], "é": "ü😀", "d": {"$date": 5}}"#)
                .unwrap();
        assert_eq!(
            result_text(&v),
            r#"{"a": [1, true, null], "\u00e9": "\u00fc\ud83d\ude00", "d": {"$date": 5}}"#
        );
        assert_eq!(
            python_json(&json!("a\"b\\c\n\u{1}")),
            r#""a\"b\\c\n\u0001""#
        );
    }

    #[test]
    fn big_numbers_pass_through() {
        let v: Value = serde_json::from_str("[123456789012345678901234567890, 1.0]").unwrap();
        assert_eq!(result_text(&v), "[123456789012345678901234567890, 1.0]");
    }
}
