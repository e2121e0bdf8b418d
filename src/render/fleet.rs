//! What a fleet prints: one JSON object per host (`{"host": …, "result": …}` or
//! `{"host": …, "error": {…}}`), or the hosts' results as rows of one table with a `host`
//! column first.

use super::output::selected;
use super::{as_plain_object, report, Format, Output, Selection};
use crate::error::Result;
use serde_json::{json, Map, Value};

/// A host's outcome as the JSON line (or YAML entry) shows it.
pub(crate) fn entry(host: &str, outcome: &anyhow::Result<Value>) -> Value {
    match outcome {
        Ok(result) => json!({"host": host, "result": result}),
        Err(e) => json!({"host": host, "error": error_object(e)}),
    }
}

/// A failure as data: its kind and exit code as a one-host run would have them, the
/// message and the hints, and what the server said (`errname`, and `extra`: for
/// validation errors the `[attribute, message, errno]` triples) when it said something.
pub(crate) fn error_object(e: &anyhow::Error) -> Value {
    let typed = report::typed(e);
    let mut o = Map::new();
    o.insert("kind".into(), json!(typed.map_or("io", |t| t.kind.name())));
    o.insert("exit_code".into(), json!(report::exit_code(e) as i32));
    o.insert("message".into(), json!(format!("{e:#}")));
    o.insert(
        "hints".into(),
        json!(typed.map(|t| t.hints.clone()).unwrap_or_default()),
    );
    if let Some(data) = typed
        .and_then(|t| t.server.as_deref())
        .and_then(|s| s.data.as_ref())
    {
        if let Some(errname) = &data.errname {
            o.insert("errname".into(), json!(errname));
        }
        if let Some(extra) = &data.extra {
            o.insert("extra".into(), extra.clone());
        }
    }
    Value::Object(o)
}

/// Print one host's JSON line as soon as it is known.
pub(crate) fn print_line(
    host: &str,
    outcome: &anyhow::Result<Value>,
    select: Option<&Selection>,
) -> Result<()> {
    let line = match outcome {
        Ok(result) => json!({"host": host, "result": selected(result, select, false)}),
        Err(_) => entry(host, outcome),
    };
    lines().print(&line)
}

fn lines() -> Output {
    Output {
        format: Format::Jsonl,
        json_indent: false,
        select: None,
    }
}

/// Print every host's outcome, in the order given, as one document in `output`'s format:
/// a list of the JSON lines' objects, or table or CSV rows.
pub(crate) fn print_all(
    outcomes: &[(String, anyhow::Result<Value>)],
    output: &Output,
) -> Result<()> {
    let doc = if output.format.has_columns() {
        rows(outcomes, output.select.as_ref())
    } else {
        Value::Array(
            outcomes
                .iter()
                .map(|(host, outcome)| match outcome {
                    Ok(result) => json!({
                        "host": host,
                        "result": selected(result, output.select.as_ref(), false),
                    }),
                    Err(_) => entry(host, outcome),
                })
                .collect(),
        )
    };
    Output {
        select: None,
        ..output.clone()
    }
    .print(&doc)
}

/// Table rows: an object result is one row of its fields after the host, a list one row
/// per element, anything else (and an error's message) one cell of its own.
fn rows(outcomes: &[(String, anyhow::Result<Value>)], select: Option<&Selection>) -> Value {
    let mut rows = Vec::new();
    for (host, outcome) in outcomes {
        let result = match outcome {
            Err(e) => {
                rows.push(json!({"host": host, "error": format!("{e:#}")}));
                continue;
            }
            Ok(result) => selected(result, select, true),
        };
        match result.as_ref() {
            Value::Array(items) if !items.is_empty() => {
                rows.extend(items.iter().map(|item| row(host, item)));
            }
            result => rows.push(row(host, result)),
        }
    }
    Value::Array(rows)
}

fn row(host: &str, value: &Value) -> Value {
    let mut out = Map::new();
    out.insert("host".into(), json!(host));
    match as_plain_object(value) {
        Some(fields) => {
            for (k, v) in fields {
                // The host column keeps its name; a field of the same name gets another.
                let k = if k == "host" { "result.host" } else { k };
                out.insert(k.to_string(), v.clone());
            }
        }
        None => {
            out.insert("result".into(), value.clone());
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::error::Error;

    #[test]
    fn a_line_holds_the_result_or_the_error_as_data() {
        let ok: anyhow::Result<Value> = Ok(json!({"a": 1}));
        assert_eq!(
            entry("nas1", &ok).to_string(),
            r#"{"host":"nas1","result":{"a":1}}"#
        );
        let down: anyhow::Result<Value> =
            Err(Error::connection("cannot connect").hint("is it up?").into());
        assert_eq!(
            entry("nas2", &down).to_string(),
            r#"{"host":"nas2","error":{"kind":"connection","exit_code":3,"message":"cannot connect","hints":["is it up?"]}}"#
        );
        let io: anyhow::Result<Value> = Err(anyhow::anyhow!("disk full"));
        assert_eq!(entry("nas3", &io)["error"]["exit_code"], 7);
    }

    #[test]
    fn rows_put_the_host_first_and_spread_lists() {
        let outcomes = vec![
            (
                "a".to_string(),
                Ok(json!([{"id": 1, "host": "x"}, {"id": 2}])),
            ),
            ("b".to_string(), Ok(json!("pong"))),
            ("c".to_string(), Ok(json!([]))),
            ("d".to_string(), Err(Error::timeout("too slow").into())),
        ];
        assert_eq!(
            rows(&outcomes, None),
            json!([
                {"host": "a", "id": 1, "result.host": "x"},
                {"host": "a", "id": 2},
                {"host": "b", "result": "pong"},
                {"host": "c", "result": []},
                {"host": "d", "error": "too slow"},
            ])
        );
    }
}
