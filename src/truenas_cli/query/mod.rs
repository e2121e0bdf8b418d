//! The TrueNAS CLI (midcli) query command grammar: `COLUMNS [WHERE CONDITION]`, where
//! CONDITION is a Python expression that is translated into query-filters.
//!
//! Facts come from midcli's `midcli/command/query/{grammar,parse,command}.py` and its tests
//! (`tests/command/query/test_query_parse.py`).
//!
//! # Deliberate deviations from midcli
//!
//! midcli's output is reproduced exactly for every condition that uses neither `and` nor
//! `not`. The deviations below only touch inputs that midcli rejects, or whose midcli
//! translation no current server accepts:
//!
//! * **`and` / `not`.** midcli emits `["AND", [...]]` and `["NOT", x]` nodes, which the
//!   server's filter validator rejects (only two-element `OR` nodes exist). We emit the
//!   documented equivalents instead: a top-level conjunction becomes several top-level
//!   conditions; a conjunction inside an `OR` branch becomes an AND group (a list of
//!   conditions) in that branch; an `OR` inside a conjunction stays an `["OR", ...]` element.
//!   `not` is pushed inward (De Morgan over and/or) onto the comparisons, whose operators are
//!   replaced by their complements (`=`/`!=`, `>`/`<=`, `<`/`>=`, `in`/`nin`, `rin`/`rnin`,
//!   `^`/`!^`, `$`/`!$`); double negation cancels. A negated `.match()` has no server
//!   equivalent and is an error. Note that complements differ from a true negation for
//!   fields that are null on the server (the server's operators treat null specially).
//! * **Negative numbers.** `uid > -1` is rejected by midcli (the value is a `UnaryOp` node);
//!   we accept a minus sign directly applied to an int/float/complex literal wherever a value
//!   is expected (right operands, list items, method arguments, and the literal on the left
//!   of `in` / `not in`).
//! * **ORDER BY / LIMIT / OFFSET.** `... [ORDER BY field [ASC|DESC] [NULLS FIRST|NULLS LAST]
//!   [, ...]] [LIMIT n] [OFFSET n]` may follow the condition, or the column list when there is
//!   no WHERE. They become the `order_by` (`"f"`, `"-f"`, `"nulls_first:f"`,
//!   `"nulls_last:-f"`), `limit` (1..=10000) and `offset` (>= 0) query options. The
//!   extension is only tried when midcli would reject the input: a condition that is valid
//!   Python is never split, so a field called `limit` keeps working. Otherwise the condition
//!   is split at the first top-level (outside brackets, strings and comments) word `LIMIT`,
//!   `OFFSET` or `ORDER BY` that has valid Python (or nothing) before it and a valid
//!   extension after it; failing that, the extension error that got furthest is reported,
//!   else the syntax error of the condition.
//! * **Values JSON cannot carry.** Python accepts bytes, complex, `...` and infinite float
//!   literals (and lone surrogate escapes); midcli only fails later, when the request is
//!   encoded. We reject them here, with the message Python's `json` module would give.
//! * **Python `SyntaxError`s** are imitated (Python 3.11 wording where it was known, the
//!   caret under the offending token), not reproduced byte for byte: the real text changes
//!   between Python versions.
//! * `Unsupported callee type: <ast.Name object at 0x0>`: midcli prints a real memory
//!   address there; ours is always `0x0`.
//!
//! # Limits of the Python emulation
//!
//! The tokenizer and parser accept the whole Python 3.11 expression grammar (so every
//! unsupported node gets midcli's message with its `ast` class name), with these gaps:
//! f-string contents are not checked; `\N{name}` escapes are refused (no Unicode name
//! table); identifiers are not NFKC-normalised and use Unicode alphanumerics instead of
//! XID classes; some target/parameter rules (`for 1 in x`, parameter order in `lambda`) are
//! not enforced; nesting deeper than 100 levels is refused (Python allows 200 brackets).

mod extension;
mod pyexpr;
#[cfg(test)]
mod tests;
mod translate;

use std::fmt;

use serde_json::{Map, Value};

use crate::py::caret;
use crate::py::chars::isspace as py_isspace;
use crate::py::text::expand_tabs_chars;
use extension::{extension_keyword_at, parse_extension, Extension};
use translate::translate;

/// A query-command parse or translation error; `message` is the full text to print.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueryError {
    pub message: String,
}

impl QueryError {
    fn new(message: impl Into<String>) -> Self {
        QueryError {
            message: message.into(),
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}

/// A parsed query command.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Query {
    /// Selected columns (client-side selection, midcli style); None = all (`*` or nothing).
    pub columns: Option<Vec<String>>,
    /// The first call parameter.
    pub filters: Vec<Value>,
    /// The second call parameter: {} unless the extension is used.
    pub options: Map<String, Value>,
}

/// Parse the text after `query` (`-c` mode).
pub(crate) fn parse(text: &str) -> Result<Query, QueryError> {
    // midcli only parses when `text.strip()` is non-empty.
    if text.chars().all(py_isspace) {
        return Ok(Query::default());
    }
    // pyparsing's parseString expands tabs before matching; carets count the result.
    let chars = expand_tabs_chars(text.chars());
    let midcli = parse_columns_and_rest(&chars);
    // Extension: `WHERE CONDITION` without a column list means `* WHERE CONDITION`. Only
    // where midcli refuses the text, so a column called `where` keeps working.
    let start = skip_pp_ws(&chars, 0);
    if midcli.is_err() && where_keyword_at(&chars, start) && start + 5 < chars.len() {
        let (filters, options) = where_clause(&chars, start + 5)?;
        return Ok(Query {
            filters,
            options,
            ..Query::default()
        });
    }
    midcli
}

fn parse_columns_and_rest(chars: &[char]) -> Result<Query, QueryError> {
    let mut query = Query::default();

    let mut pos = skip_pp_ws(chars, 0);
    match chars.get(pos) {
        Some('*') => pos += 1,
        Some(c) if c.is_ascii_alphabetic() => {
            let (first, end) = column_word(chars, pos);
            let mut columns = vec![first];
            pos = end;
            loop {
                let comma = skip_pp_ws(chars, pos);
                if chars.get(comma) != Some(&',') {
                    break;
                }
                let next = skip_pp_ws(chars, comma + 1);
                if !chars.get(next).is_some_and(char::is_ascii_alphabetic) {
                    break;
                }
                let (word, end) = column_word(chars, next);
                columns.push(word);
                pos = end;
            }
            query.columns = Some(columns);
        }
        _ => {
            return Err(located(
                "Expected {column [, column]... | '*'}",
                chars,
                pos,
                None,
            ))
        }
    }

    let next = skip_pp_ws(chars, pos);
    // The condition needs at least one character after the keyword (pyparsing's
    // CharsNotIn has a minimum length of one), so a bare trailing `WHERE` falls through.
    if where_keyword_at(chars, next) && next + 5 < chars.len() {
        let (filters, options) = where_clause(chars, next + 5)?;
        query.filters = filters;
        query.options = options;
        return Ok(query);
    }
    if extension_keyword_at(chars, next) {
        query.options = parse_extension(chars, next).map_err(|(_, e)| e)?;
        return Ok(query);
    }
    if next < chars.len() {
        return Err(located("Expected end of text", chars, next, None));
    }
    Ok(query)
}

/// Keep only the selected top-level keys of each row, in the row's own key order (midcli);
/// rows that are not objects are left alone.
///
/// Like midcli's output processor, an object at the top is filtered itself and nested
/// lists are descended into.
pub(crate) fn select_columns(rows: &Value, columns: &[String]) -> Value {
    match rows {
        Value::Object(row) => Value::Object(
            row.iter()
                .filter(|(key, _)| columns.iter().any(|c| c == *key))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| select_columns(item, columns))
                .collect(),
        ),
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// The column list and keywords (midcli's pyparsing grammar)

/// pyparsing's default whitespace, which is narrower than Python's `str.isspace`.
fn is_pp_ws(c: char) -> bool {
    matches!(c, ' ' | '\n' | '\t' | '\r')
}

fn skip_pp_ws(chars: &[char], mut pos: usize) -> usize {
    while chars.get(pos).is_some_and(|c| is_pp_ws(*c)) {
        pos += 1;
    }
    pos
}

fn column_word(chars: &[char], start: usize) -> (String, usize) {
    let mut end = start;
    let mut word = String::new();
    while let Some(&c) = chars.get(end) {
        if !(c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            break;
        }
        word.push(c);
        end += 1;
    }
    (word, end)
}

/// pyparsing `Keyword("WHERE", caseless=True)`: the next character must not be one of its
/// identifier characters (ASCII letters, digits, `_`, `$`); a `.` is allowed.
fn where_keyword_at(chars: &[char], pos: usize) -> bool {
    let Some(word) = chars.get(pos..pos + 5) else {
        return false;
    };
    let matches = word
        .iter()
        .zip("WHERE".chars())
        .all(|(a, b)| a.to_ascii_uppercase() == b);
    matches
        && !chars
            .get(pos + 5)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$')
}

/// An error located in the whole query text, formatted like midcli's pyparsing errors:
/// `MESSAGE, found 'X'`, the line, and a caret under the position. `found` defaults to the
/// single character at `pos` (pyparsing's behaviour).
fn located(message: &str, chars: &[char], pos: usize, found: Option<&str>) -> QueryError {
    let Some(&c) = chars.get(pos) else {
        return QueryError::new(format!("{message}, found end of text"));
    };
    let (line_start, line_end) = caret::line_bounds(chars, pos);
    let line: String = chars
        .get(line_start..line_end)
        .unwrap_or_default()
        .iter()
        .collect();
    let column = pos - line_start + 1;
    QueryError::new(caret::found_at(
        message,
        found.map_or_else(|| c.to_string(), str::to_string),
        &line,
        column,
    ))
}

// ---------------------------------------------------------------------------------------
// The WHERE clause and where the ORDER BY / LIMIT / OFFSET extension starts inside it

/// More candidate split points than this are not tried (each costs a parse of the prefix).
const MAX_SPLIT_CANDIDATES: usize = 32;

fn where_clause(
    chars: &[char],
    start: usize,
) -> Result<(Vec<Value>, Map<String, Value>), QueryError> {
    let rest = chars.get(start..).unwrap_or_default();
    let lead = rest.iter().take_while(|c| py_isspace(**c)).count();
    if lead == rest.len() {
        return Ok((Vec::new(), Map::new()));
    }
    let trail = rest.iter().rev().take_while(|c| py_isspace(**c)).count();
    let condition = rest.get(lead..rest.len() - trail).unwrap_or_default();
    let base = start + lead;
    let (source, origin) = normalize_newlines(condition);

    let whole_error = match pyexpr::parse(&source) {
        Ok(expr) => return Ok((translate(&expr)?, Map::new())),
        Err(e) => e,
    };

    // midcli rejects the text, so it may be a condition followed by the extension. Try
    // each top-level ORDER/LIMIT/OFFSET word as the boundary; the first one with a valid
    // condition before it and a valid extension after it wins.
    // A lone word `order` is more likely a field than the extension, so it needs its `BY`.
    let candidates = pyexpr::top_level_names(&source)
        .into_iter()
        .filter(|(at, name)| {
            if name.eq_ignore_ascii_case("order") {
                let mut ext = Extension {
                    chars: &source,
                    pos: *at,
                };
                ext.keyword("ORDER") && ext.keyword("BY")
            } else {
                name.eq_ignore_ascii_case("limit") || name.eq_ignore_ascii_case("offset")
            }
        })
        .take(MAX_SPLIT_CANDIDATES);
    let mut extension_error: Option<(usize, QueryError)> = None;
    let mut prefix_error: Option<QueryError> = None;
    for (at, _) in candidates {
        let prefix = source.get(..at).unwrap_or_default();
        let kept = prefix.len() - prefix.iter().rev().take_while(|c| py_isspace(**c)).count();
        let prefix = prefix.get(..kept).unwrap_or_default();
        let expr = if prefix.is_empty() {
            None
        } else {
            match pyexpr::parse(prefix) {
                Ok(expr) => Some(expr),
                Err(e) => {
                    prefix_error.get_or_insert_with(|| syntax_error(prefix, &e));
                    continue;
                }
            }
        };
        let absolute = base + origin.get(at).copied().unwrap_or(0);
        match parse_extension(chars, absolute) {
            Ok(options) => {
                let filters = match expr {
                    Some(expr) => translate(&expr)?,
                    None => Vec::new(),
                };
                return Ok((filters, options));
            }
            // Report the extension error that got furthest, like a parser would.
            Err((pos, e)) => {
                if extension_error
                    .as_ref()
                    .is_none_or(|(best, _)| pos >= *best)
                {
                    extension_error = Some((pos, e));
                }
            }
        }
    }
    Err(extension_error
        .map(|(_, e)| e)
        .or(prefix_error)
        .unwrap_or_else(|| syntax_error(&source, &whole_error)))
}

/// Python reads `\r\n` and `\r` as `\n`. Returns the text and, per character, its index in
/// the original.
fn normalize_newlines(text: &[char]) -> (Vec<char>, Vec<usize>) {
    let mut out = Vec::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = text.get(i) {
        origin.push(i);
        if c == '\r' {
            out.push('\n');
            i += if text.get(i + 1) == Some(&'\n') { 2 } else { 1 };
        } else {
            out.push(c);
            i += 1;
        }
    }
    (out, origin)
}

/// midcli's layout for Python's SyntaxError: message, the source line after one space, and
/// a caret under the offending character (`' ' * offset + '^'`, offset counted from 1).
fn syntax_error(source: &[char], error: &pyexpr::SyntaxErr) -> QueryError {
    let pos = error.pos.min(source.len());
    let (line_start, line_end) = caret::line_bounds(source, pos);
    let line: String = source
        .get(line_start..line_end)
        .unwrap_or_default()
        .iter()
        .collect();
    QueryError::new(format!(
        "{}\n{}",
        error.msg,
        caret::caret(&line, pos - line_start + 1)
    ))
}
