//! How `call` prints results.
//!
//! Strings print bare and numbers as they arrived; everything else is one line of JSON
//! spelled the way the official midclt spells it (Python `json.dumps`: `", "` and `": "`
//! separators, non-ASCII as `\uXXXX`), so scripts that compare output keep working — but
//! unlike the official tool, booleans are JSON `true`/`false`, never Python's `True`.

use crate::py::json::dumps as python_json;
use serde_json::Value;

/// The text `midclt call` prints for a result (without the trailing newline).
pub fn result_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => python_json(other),
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
