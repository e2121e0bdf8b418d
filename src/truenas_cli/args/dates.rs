//! An extension: dates and times typed as ISO text where the schema wants one.
//!
//! The schemas describe datetime fields as strings (`"format": "date-time"`), but the
//! server accepts only extended JSON there, `{"$date": MILLISECONDS}`, and refuses text
//! ("Input should be a valid datetime"). So `expires_at=2027-01-01T00:00:00` (or just a
//! date) becomes `{"$date": …}` for such fields; a time without an offset is UTC, as the
//! server reads naive times.

use crate::py::datetime::datetime_from_iso;
use serde_json::{json, Value};

/// Rewrite ISO text into `{"$date": ms}` wherever the parameter's schema is a datetime.
pub(crate) fn convert(params: &mut [Value], accepts: &[Value]) {
    for (value, schema) in params.iter_mut().zip(accepts) {
        walk(value, schema);
    }
}

fn walk(value: &mut Value, schema: &Value) {
    match value {
        Value::String(text) if wants_datetime(schema) => {
            if let Some(ms) = datetime_from_iso(text.trim()).map(|us| us.div_euclid(1000)) {
                *value = json!({ "$date": ms });
            }
        }
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                if let Some(sub) = property(schema, name) {
                    walk(field, sub);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    walk(item, item_schema);
                }
            }
        }
        _ => {}
    }
}

/// The schema of property `name`, looking through `anyOf`/`oneOf` alternatives.
fn property<'a>(schema: &'a Value, name: &str) -> Option<&'a Value> {
    if let Some(p) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(p);
    }
    alternatives(schema).find_map(|alt| alt.get("properties").and_then(|p| p.get(name)))
}

fn alternatives(schema: &Value) -> impl Iterator<Item = &Value> {
    ["anyOf", "oneOf"]
        .into_iter()
        .filter_map(|k| schema.get(k).and_then(Value::as_array))
        .flatten()
}

fn wants_datetime(schema: &Value) -> bool {
    let is = |s: &Value| s.get("format").and_then(Value::as_str) == Some("date-time");
    is(schema) || alternatives(schema).any(is)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_text_becomes_ejson_where_the_schema_wants_a_datetime() {
        let accepts = vec![json!({"type": "object", "properties": {
            "name": {"type": "string"},
            "expires_at": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}
        }})];
        let mut params = vec![json!({"name": "2027-01-01", "expires_at": "2027-01-01T00:00:00"})];
        convert(&mut params, &accepts);
        assert_eq!(
            params[0],
            json!({"name": "2027-01-01", "expires_at": {"$date": 1_798_761_600_000_i64}})
        );
        let mut params = vec![json!({"expires_at": "2027-01-01"})];
        convert(&mut params, &accepts);
        assert_eq!(
            params[0]["expires_at"],
            json!({"$date": 1_798_761_600_000_i64})
        );
        let mut params = vec![json!({"expires_at": "2027-01-01T02:00:00+02:00"})];
        convert(&mut params, &accepts);
        assert_eq!(
            params[0]["expires_at"],
            json!({"$date": 1_798_761_600_000_i64})
        );
        // Not a date: left for the server to refuse.
        let mut params = vec![json!({"expires_at": "soon"})];
        convert(&mut params, &accepts);
        assert_eq!(params[0]["expires_at"], "soon");
    }
}
