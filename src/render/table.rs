//! Table mode: prettytable's layout, drawn with comfy-table.

use comfy_table::{CellAlignment, ContentArrangement, Table};
use serde_json::Value;

use super::ejson::decode;
use super::{cell_text, list_shape, row_cells, ListShape};
use crate::py::expand_tabs;

// prettytable's default look: `+`/`-` borders, `|` between cells, a `+---+` rule under
// the header and no rules between rows (component order is comfy-table's TableComponent).
const PRETTYTABLE_PRESET: &str = "||--+-++|    ++++++";

pub(super) fn render_table(value: &Value) -> String {
    match value {
        Value::Array(items) => match list_shape(items) {
            ListShape::Empty => "(empty list)".to_string(),
            ListShape::Scalars(items) => items.iter().map(cell_text).collect::<Vec<_>>().join("\n"),
            ListShape::NoFields(n) => {
                format!("(none of the specified fields found among {n} object(s))")
            }
            ListShape::Rows { header, rows } => {
                let body: Vec<Vec<String>> = rows
                    .iter()
                    .map(|row| row_cells(row, &header, cell_text))
                    .collect();
                draw_table(Some(&header), &body, &[])
            }
        },
        Value::Object(m) if decode(m).is_none() => {
            if m.is_empty() {
                return "(empty object)".to_string();
            }
            let body: Vec<Vec<String>> = m
                .iter()
                .map(|(k, v)| vec![k.clone(), cell_text(v)])
                .collect();
            draw_table(None, &body, &[CellAlignment::Right, CellAlignment::Left])
        }
        scalar => cell_text(scalar),
    }
}

fn draw_table(header: Option<&[String]>, rows: &[Vec<String>], aligns: &[CellAlignment]) -> String {
    let mut table = Table::new();
    table
        .load_preset(PRETTYTABLE_PRESET)
        .set_content_arrangement(ContentArrangement::Disabled);
    let columns = header.map_or_else(|| rows.first().map_or(0, Vec::len), <[String]>::len);
    let mut empty = vec![true; columns];
    if let Some(header) = header {
        for (flag, name) in empty.iter_mut().zip(header) {
            *flag &= name.is_empty();
        }
        table.set_header(header);
    }
    for row in rows {
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
