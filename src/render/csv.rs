//! Csv mode: Python's `csv.writer` (excel dialect) over midcli's rows.

use serde_json::Value;

use super::ejson::{decode, py_json};
use super::{list_shape, readable_text, row_cells, ListShape};

/// Csv mode: the readable text untruncated, else the value as Python's `ejson.dumps`.
pub(super) fn csv_text(v: &Value) -> String {
    readable_text(v).unwrap_or_else(|| {
        let mut out = String::new();
        py_json(v, &mut out);
        out
    })
}

pub(super) fn render_csv(value: &Value) -> String {
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
