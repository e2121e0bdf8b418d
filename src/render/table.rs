//! Table mode: prettytable's layout, drawn with comfy-table; on a terminal narrower than
//! the table, fitted to it.

use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, Width};
use serde_json::Value;

use super::ejson::decode;
use super::{cell_text, list_shape, row_cells, ListShape};
use crate::py::expand_tabs;

// prettytable's default look: `+`/`-` borders, `|` between cells, a `+---+` rule under
// the header and no rules between rows (component order is comfy-table's TableComponent).
const PRETTYTABLE_PRESET: &str = "||--+-++|    ++++++";

/// A table drawn, and the names of the columns left out to fit the width.
pub(super) struct Drawn {
    pub text: String,
    pub dropped: Vec<String>,
}

impl Drawn {
    fn whole(text: String) -> Drawn {
        Drawn {
            text,
            dropped: Vec::new(),
        }
    }
}

/// The table of `value`, laid out as prettytable does; with `width`, a table wider than
/// that is fitted to it (see [`fit`]).
pub(super) fn render_table(value: &Value, width: Option<usize>) -> Drawn {
    match value {
        Value::Array(items) => match list_shape(items) {
            ListShape::Empty => Drawn::whole("(empty list)".to_string()),
            ListShape::Scalars(items) => {
                Drawn::whole(items.iter().map(cell_text).collect::<Vec<_>>().join("\n"))
            }
            ListShape::NoFields(n) => Drawn::whole(format!(
                "(none of the specified fields found among {n} object(s))"
            )),
            ListShape::Rows { header, rows } => {
                let body: Vec<Vec<String>> = rows
                    .iter()
                    .map(|row| row_cells(row, &header, cell_text))
                    .collect();
                fit(&Grid::new(Some(&header), &body, &[]), width)
            }
        },
        Value::Object(m) if decode(m).is_none() => {
            if m.is_empty() {
                return Drawn::whole("(empty object)".to_string());
            }
            let body: Vec<Vec<String>> = m
                .iter()
                .map(|(k, v)| vec![k.clone(), cell_text(v)])
                .collect();
            let aligns = [CellAlignment::Right, CellAlignment::Left];
            fit(&Grid::new(None, &body, &aligns), width)
        }
        scalar => Drawn::whole(cell_text(scalar)),
    }
}

/// The cells of a table before drawing.
struct Grid<'a> {
    header: Option<&'a [String]>,
    rows: &'a [Vec<String>],
    aligns: &'a [CellAlignment],
    columns: usize,
}

impl<'a> Grid<'a> {
    fn new(
        header: Option<&'a [String]>,
        rows: &'a [Vec<String>],
        aligns: &'a [CellAlignment],
    ) -> Grid<'a> {
        let columns = header.map_or_else(|| rows.first().map_or(0, Vec::len), <[String]>::len);
        Grid {
            header,
            rows,
            aligns,
            columns,
        }
    }
}

/// A column may be wrapped down to this many characters (fewer if its content is
/// narrower); below it, cells turn into a tall strip of fragments, and dropping a column
/// serves better.
const MIN_WRAP: usize = 12;
/// A header no wider than this is never wrapped (wider ones may be, down to this width).
const MAX_UNWRAPPED_HEADER: usize = 20;
/// The key column of a key/value table keeps up to this many characters.
const MAX_KEY_WIDTH: usize = 30;

/// The table as prettytable draws it when that fits in `width` (or no width is given).
/// Wider, it is drawn to `width`: long cells wrap; and when even wrapping each column down
/// to a readable width cannot fit (too many columns), columns are left out (see
/// [`drop_order`]). A key/value table only wraps.
fn fit(grid: &Grid<'_>, width: Option<usize>) -> Drawn {
    let all: Vec<usize> = (0..grid.columns).collect();
    let natural = draw_table(grid, &all, None);
    let Some(width) = width.filter(|w| line_width(&natural) > *w) else {
        return Drawn::whole(natural);
    };
    let naturals = column_widths(&natural);
    let mins: Vec<usize> = (0..grid.columns)
        .map(|c| {
            let floor = match grid.header {
                Some(h) => h
                    .get(c)
                    .map_or(0, |n| n.chars().count())
                    .clamp(MIN_WRAP, MAX_UNWRAPPED_HEADER),
                None if c == 0 => MAX_KEY_WIDTH,
                None => MIN_WRAP,
            };
            naturals.get(c).map_or(0, |n| floor.min(*n))
        })
        .collect();
    let mut keep = all;
    let mut candidates = match grid.header {
        Some(_) => drop_order(grid, &naturals),
        None => Vec::new(),
    }
    .into_iter();
    while outer_width(keep.iter().map(|c| mins[*c])) > width {
        match candidates.next() {
            Some(column) => keep.retain(|c| *c != column),
            None => break,
        }
    }
    let widths = share(width, &keep, &mins, &naturals);
    Drawn {
        text: draw_table(grid, &keep, Some(&widths)),
        dropped: dropped_names(grid, &keep),
    }
}

/// A table's width from its columns' content widths: `| ` before each cell, ` ` after it,
/// and the closing `|`.
fn outer_width(contents: impl Iterator<Item = usize>) -> usize {
    contents.map(|w| w + 3).sum::<usize>() + 1
}

/// Content widths for the `keep` columns (indexed by column; others 0) that fill `width`:
/// each column gets its minimum; then, narrowest content first, columns are widened to
/// their content while the room lasts, so short values (dates, names) stay whole; the
/// columns that cannot all be widened share what is left evenly.
fn share(width: usize, keep: &[usize], mins: &[usize], naturals: &[usize]) -> Vec<usize> {
    let mut widths = vec![0; mins.len()];
    for c in keep {
        widths[*c] = mins[*c];
    }
    let mut room = width.saturating_sub(outer_width(keep.iter().map(|c| widths[*c])));
    let want = |c: usize, widths: &[usize]| {
        naturals
            .get(c)
            .copied()
            .unwrap_or(0)
            .saturating_sub(widths[c])
    };
    let mut wanting: Vec<usize> = keep
        .iter()
        .copied()
        .filter(|c| want(*c, &widths) > 0)
        .collect();
    wanting.sort_by_key(|c| want(*c, &widths));
    let mut rest = wanting.as_slice();
    while let Some((&c, tail)) = rest.split_first() {
        let more = want(c, &widths);
        if more > room {
            break;
        }
        widths[c] += more;
        room -= more;
        rest = tail;
    }
    // Each gets an even part; the first ones a character more where it does not divide.
    let count = rest.len().max(1);
    for (i, c) in rest.iter().enumerate() {
        let part = room / count + usize::from(i < room % count);
        widths[*c] += part.min(want(*c, &widths));
    }
    widths
}

/// Which columns to leave out first: those that say nothing (only placeholders or empty
/// cells), right to left; then the widest (long hashes, keys, certificates: a lot of room
/// for what a table shows badly anyway), right to left among equals; never the first.
fn drop_order(grid: &Grid<'_>, naturals: &[usize]) -> Vec<usize> {
    let says_nothing = |c: usize| {
        grid.rows.iter().all(|row| {
            row.get(c).is_none_or(|cell| {
                cell.is_empty()
                    || (cell.starts_with('<') && cell.ends_with('>') && !cell.contains('\n'))
            })
        })
    };
    let (mut order, mut others): (Vec<usize>, Vec<usize>) =
        (1..grid.columns).rev().partition(|c| says_nothing(*c));
    // Stable: equals keep their right-to-left order.
    others.sort_by_key(|c| std::cmp::Reverse(naturals.get(*c).copied().unwrap_or(0)));
    order.append(&mut others);
    order
}

fn dropped_names(grid: &Grid<'_>, keep: &[usize]) -> Vec<String> {
    let Some(header) = grid.header else {
        return Vec::new();
    };
    (0..grid.columns)
        .filter(|c| !keep.contains(c))
        .filter_map(|c| header.get(c).cloned())
        .collect()
}

/// The width of a drawn table: its top border is plain ASCII.
fn line_width(table: &str) -> usize {
    table.lines().next().map_or(0, str::len)
}

/// Each column's content width, read off the top border (`+----+`: content plus two
/// spaces of padding).
fn column_widths(table: &str) -> Vec<usize> {
    let border = table.lines().next().unwrap_or("");
    let inner = border.strip_prefix('+').unwrap_or(border);
    let inner = inner.strip_suffix('+').unwrap_or(inner);
    inner
        .split('+')
        .map(|d| d.len().saturating_sub(2))
        .collect()
}

/// Draw the `columns` of `grid`; with `widths` (content widths by column), cells wrap to
/// those widths.
fn draw_table(grid: &Grid<'_>, columns: &[usize], widths: Option<&[usize]>) -> String {
    fn pick<'a>(row: &'a [String], columns: &[usize]) -> Vec<&'a str> {
        columns
            .iter()
            .map(|c| row.get(*c).map_or("", String::as_str))
            .collect()
    }
    let mut table = Table::new();
    table.load_preset(PRETTYTABLE_PRESET);
    match widths {
        None => table.set_content_arrangement(ContentArrangement::Disabled),
        Some(widths) => {
            let total = outer_width(columns.iter().map(|c| widths.get(*c).copied().unwrap_or(0)));
            table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(u16::try_from(total).unwrap_or(u16::MAX))
        }
    };
    let mut empty = vec![true; columns.len()];
    if let Some(header) = grid.header.map(|h| pick(h, columns)) {
        for (flag, name) in empty.iter_mut().zip(&header) {
            *flag &= name.is_empty();
        }
        table.set_header(header);
    }
    for row in grid.rows {
        let row = pick(row, columns);
        for (flag, cell) in empty.iter_mut().zip(&row) {
            *flag &= cell.is_empty();
        }
        // prettytable expands tabs in every cell, but not in header names.
        table.add_row(row.iter().map(|cell| expand_tabs(cell)).collect::<Vec<_>>());
    }
    for (index, is_empty) in empty.into_iter().enumerate() {
        let Some(&source) = columns.get(index) else {
            continue;
        };
        if let Some(column) = table.column_mut(index) {
            if let Some(align) = grid.aligns.get(source) {
                column.set_cell_alignment(*align);
            }
            // comfy-table widens an empty column to one character; prettytable keeps it
            // at zero, i.e. just the two padding spaces. Dropping the right padding of a
            // one-wide column draws the same two spaces.
            if is_empty {
                column.set_padding((1, 0));
            } else if let Some(width) = widths.and_then(|w| w.get(source)) {
                // comfy-table's width includes the padding.
                let width = u16::try_from(width + 2).unwrap_or(u16::MAX);
                column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(width)));
            }
        }
    }
    table.to_string()
}
