//! The TrueNAS CLI (midcli) query command grammar: `COLUMNS [WHERE CONDITION]`, where
//! CONDITION is a Python expression that is translated into query-filters.
//!
//! Facts come from midcli's `midcli/command/query/{grammar,parse,command}.py` and its tests
//! (`tests/command/query/test_query_parse.py`); see also cli-syntax.md §6 and protocol.md §6.
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

use std::fmt;

use serde_json::{Map, Number, Value};

use crate::py::caret;
use crate::py::chars::isspace as py_isspace;
use crate::py::repr::bytes_repr;
use crate::py::text::expand_tabs_chars;
use crate::py::{float_repr, float_value, str_repr};

/// A query-command parse or translation error; `message` is the full text to print.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryError {
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
pub struct Query {
    /// Selected columns (client-side selection, midcli style); None = all (`*` or nothing).
    pub columns: Option<Vec<String>>,
    /// The first call parameter.
    pub filters: Vec<Value>,
    /// The second call parameter: {} unless the extension is used.
    pub options: Map<String, Value>,
}

/// Parse the text after `query` (`-c` mode).
pub fn parse(text: &str) -> Result<Query, QueryError> {
    // midcli only parses when `text.strip()` is non-empty.
    if text.chars().all(py_isspace) {
        return Ok(Query::default());
    }
    // pyparsing's parseString expands tabs before matching; carets count the result.
    let chars = expand_tabs_chars(text.chars());
    let mut query = Query::default();

    let mut pos = skip_pp_ws(&chars, 0);
    match chars.get(pos) {
        Some('*') => pos += 1,
        Some(c) if c.is_ascii_alphabetic() => {
            let (first, end) = column_word(&chars, pos);
            let mut columns = vec![first];
            pos = end;
            loop {
                let comma = skip_pp_ws(&chars, pos);
                if chars.get(comma) != Some(&',') {
                    break;
                }
                let next = skip_pp_ws(&chars, comma + 1);
                if !chars.get(next).is_some_and(|c| c.is_ascii_alphabetic()) {
                    break;
                }
                let (word, end) = column_word(&chars, next);
                columns.push(word);
                pos = end;
            }
            query.columns = Some(columns);
        }
        _ => {
            return Err(located(
                "Expected {column [, column]... | '*'}",
                &chars,
                pos,
                None,
            ))
        }
    }

    let next = skip_pp_ws(&chars, pos);
    // The condition needs at least one character after the keyword (pyparsing's
    // CharsNotIn has a minimum length of one), so a bare trailing `WHERE` falls through.
    if where_keyword_at(&chars, next) && next + 5 < chars.len() {
        let (filters, options) = where_clause(&chars, next + 5)?;
        query.filters = filters;
        query.options = options;
        return Ok(query);
    }
    if extension_keyword_at(&chars, next) {
        query.options = parse_extension(&chars, next).map_err(|(_, e)| e)?;
        return Ok(query);
    }
    if next < chars.len() {
        return Err(located("Expected end of text", &chars, next, None));
    }
    Ok(query)
}

/// Keep only the selected top-level keys of each row, in the row's own key order (midcli);
/// rows that are not objects are left alone.
///
/// Like midcli's output processor, an object at the top is filtered itself and nested
/// lists are descended into.
pub fn select_columns(rows: &Value, columns: &[String]) -> Value {
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

    let whole_error = match py::parse(&source) {
        Ok(expr) => return Ok((translate(&expr)?, Map::new())),
        Err(e) => e,
    };

    // midcli rejects the text, so it may be a condition followed by the extension. Try
    // each top-level ORDER/LIMIT/OFFSET word as the boundary; the first one with a valid
    // condition before it and a valid extension after it wins.
    // A lone word `order` is more likely a field than the extension, so it needs its `BY`.
    let candidates = py::top_level_names(&source)
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
            match py::parse(prefix) {
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
fn syntax_error(source: &[char], error: &py::SyntaxErr) -> QueryError {
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

// ---------------------------------------------------------------------------------------
// The ORDER BY / LIMIT / OFFSET extension

const MAX_LIMIT: i64 = 10_000;

fn is_extension_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

fn extension_keyword_at(chars: &[char], pos: usize) -> bool {
    let word = Extension { chars, pos }.word();
    ["ORDER", "LIMIT", "OFFSET"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

struct Extension<'a> {
    chars: &'a [char],
    pos: usize,
}

type ExtensionError = (usize, QueryError);

impl Extension<'_> {
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| py_isspace(*c)) {
            self.pos += 1;
        }
    }

    fn word(&self) -> String {
        self.chars
            .get(self.pos..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| is_extension_word_char(**c))
            .collect()
    }

    /// The token shown in errors: a word, or a single other character.
    fn token(&self) -> Option<String> {
        let word = self.word();
        if word.is_empty() {
            self.chars.get(self.pos).map(|c| c.to_string())
        } else {
            Some(word)
        }
    }

    fn keyword(&mut self, keyword: &str) -> bool {
        self.skip_ws();
        let word = self.word();
        if word.eq_ignore_ascii_case(keyword) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn fail(&self, message: &str) -> ExtensionError {
        let token = self.token();
        (
            self.pos,
            located(message, self.chars, self.pos, token.as_deref()),
        )
    }

    /// `[+-]digits`, saturating far outside any accepted range.
    fn integer(&mut self, after: &str) -> Result<(i64, usize, String), ExtensionError> {
        self.skip_ws();
        let start = self.pos;
        let mut end = start;
        let negative = match self.chars.get(end) {
            Some('-') => {
                end += 1;
                true
            }
            Some('+') => {
                end += 1;
                false
            }
            _ => false,
        };
        let digits: String = self
            .chars
            .get(end..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        end += digits.len();
        if digits.is_empty()
            || self
                .chars
                .get(end)
                .is_some_and(|c| is_extension_word_char(*c))
        {
            return Err(self.fail(&format!("Expected an integer after {after}")));
        }
        let magnitude = digits.parse::<i64>().unwrap_or(i64::MAX);
        let value = if negative { -magnitude } else { magnitude };
        let text: String = self
            .chars
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        self.pos = end;
        Ok((value, start, text))
    }
}

/// Parse `[ORDER BY ...] [LIMIT n] [OFFSET n]` from `start` to the end of the text.
fn parse_extension(chars: &[char], start: usize) -> Result<Map<String, Value>, ExtensionError> {
    let mut ext = Extension { chars, pos: start };
    let mut options = Map::new();
    let mut expected = "Expected ORDER BY, LIMIT, OFFSET or end of text";

    if ext.keyword("ORDER") {
        if !ext.keyword("BY") {
            return Err(ext.fail("Expected BY after ORDER"));
        }
        let mut order_by = Vec::new();
        loop {
            ext.skip_ws();
            let field = ext.word();
            if field.is_empty() {
                return Err(ext.fail("Expected a field name"));
            }
            ext.pos += field.len();
            expected = "Expected ASC, DESC, NULLS, ',', LIMIT, OFFSET or end of text";
            let mut descending = false;
            if ext.keyword("ASC") {
                expected = "Expected NULLS, ',', LIMIT, OFFSET or end of text";
            } else if ext.keyword("DESC") {
                descending = true;
                expected = "Expected NULLS, ',', LIMIT, OFFSET or end of text";
            }
            let mut nulls = "";
            if ext.keyword("NULLS") {
                nulls = if ext.keyword("FIRST") {
                    "nulls_first:"
                } else if ext.keyword("LAST") {
                    "nulls_last:"
                } else {
                    return Err(ext.fail("Expected FIRST or LAST after NULLS"));
                };
                expected = "Expected ',', LIMIT, OFFSET or end of text";
            }
            let sign = if descending { "-" } else { "" };
            order_by.push(Value::String(format!("{nulls}{sign}{field}")));
            ext.skip_ws();
            if ext.chars.get(ext.pos) != Some(&',') {
                break;
            }
            ext.pos += 1;
        }
        options.insert("order_by".into(), Value::Array(order_by));
    }

    if ext.keyword("LIMIT") {
        let (limit, at, text) = ext.integer("LIMIT")?;
        if !(1..=MAX_LIMIT).contains(&limit) {
            let message = format!("LIMIT must be between 1 and {MAX_LIMIT}");
            return Err((at, located(&message, chars, at, Some(&text))));
        }
        options.insert("limit".into(), Value::from(limit));
        expected = "Expected OFFSET or end of text";
    }

    if ext.keyword("OFFSET") {
        let (offset, at, text) = ext.integer("OFFSET")?;
        if offset < 0 {
            return Err((
                at,
                located("OFFSET must not be negative", chars, at, Some(&text)),
            ));
        }
        if offset == i64::MAX {
            return Err((at, located("OFFSET is too large", chars, at, Some(&text))));
        }
        options.insert("offset".into(), Value::from(offset));
        expected = "Expected end of text";
    }

    ext.skip_ws();
    if ext.pos < chars.len() {
        return Err(ext.fail(expected));
    }
    Ok(options)
}

// ---------------------------------------------------------------------------------------
// Translation of the Python expression (midcli's parse_filter / handle_filter_constant)

/// A filter in midcli's logical shape, before `and`/`not` are rewritten for the server.
#[derive(Debug)]
enum Filter {
    Cond(String, &'static str, PyValue),
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
}

/// A filter value as Python holds it; turned into JSON only at the end, like the request
/// encoder would, so that midcli's own errors come first.
#[derive(Debug, Clone)]
enum PyValue {
    Const(py::Const),
    List(Vec<PyValue>),
}

fn translate(expr: &py::Expr) -> Result<Vec<Value>, QueryError> {
    let filter = to_filter(expr).map_err(QueryError::new)?;
    let normal = push_not(filter, false)?;
    let mut out = Vec::new();
    conjunction(&normal, &mut out)?;
    Ok(out)
}

fn to_filter(expr: &py::Expr) -> Result<Filter, String> {
    use py::{BoolKind, Expr, UnaryKind};
    match expr {
        Expr::BoolOp(kind, values) => {
            let values = values
                .iter()
                .map(to_filter)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(match kind {
                BoolKind::And => Filter::And(values),
                BoolKind::Or => Filter::Or(values),
            })
        }
        Expr::Compare(left, pairs) => {
            let [(op, right)] = pairs.as_slice() else {
                return Err(format!(
                    "Too many comparators (expected 1, found {}",
                    pairs.len()
                ));
            };
            let filter_op = op
                .filter_op()
                .ok_or_else(|| format!("Unsupported comparison operator: {}", op.class()))?;
            if matches!(filter_op, "in" | "nin") {
                if let Some(value) = literal(left) {
                    let Expr::Name(id) = right else {
                        return Err(format!(
                            "Unsupported right operand for `{} {filter_op}`",
                            py_str(&value)
                        ));
                    };
                    let reverse = if filter_op == "in" { "rin" } else { "rnin" };
                    return Ok(Filter::Cond(id.clone(), reverse, PyValue::Const(value)));
                }
            }
            let Expr::Name(id) = left.as_ref() else {
                return Err(format!("Unsupported left operand {}", left.class()));
            };
            Ok(Filter::Cond(id.clone(), filter_op, to_value(right)?))
        }
        Expr::Call {
            func,
            args,
            keywords,
        } => {
            let Expr::Attribute(object, attr) = func.as_ref() else {
                return Err(format!(
                    "Unsupported callee type: <ast.{} object at 0x0>",
                    func.class()
                ));
            };
            let Expr::Name(id) = object.as_ref() else {
                return Err(format!("Unsupported callee {}", object.class()));
            };
            let filter_op = match attr.as_str() {
                "match" => "~",
                "startswith" => "^",
                "endswith" => "$",
                _ => return Err(format!("Unknown function name {}", str_repr(attr))),
            };
            let [arg] = args.as_slice() else {
                return Err(format!(
                    "Function {attr} accepts 1 argument, given {}",
                    args.len()
                ));
            };
            if *keywords > 0 {
                return Err(format!("Function {attr} does not accept keyword arguments"));
            }
            Ok(Filter::Cond(id.clone(), filter_op, to_value(arg)?))
        }
        Expr::Unary(UnaryKind::Not, operand) => Ok(Filter::Not(Box::new(to_filter(operand)?))),
        Expr::Unary(kind, _) => Err(format!("Unknown unary expression {}", kind.class())),
        _ => Err(format!("Unsupported filter expression: {}", expr.class())),
    }
}

/// A constant as midcli's `isinstance(node, ast.Constant)` sees it, plus (extension) a
/// minus sign applied directly to a number literal.
fn literal(expr: &py::Expr) -> Option<py::Const> {
    use py::{Const, Expr, UnaryKind};
    match expr {
        Expr::Const(c) => Some(c.clone()),
        Expr::Unary(UnaryKind::USub, operand) => match operand.as_ref() {
            Expr::Const(Const::Int(digits)) => Some(Const::Int(if digits == "0" {
                digits.clone()
            } else {
                format!("-{digits}")
            })),
            Expr::Const(Const::Float(x)) => Some(Const::Float(-x)),
            Expr::Const(Const::Complex(x)) => Some(Const::Complex(-x)),
            _ => None,
        },
        _ => None,
    }
}

fn to_value(expr: &py::Expr) -> Result<PyValue, String> {
    use py::{Const, Expr};
    if let Some(c) = literal(expr) {
        return Ok(PyValue::Const(c));
    }
    match expr {
        Expr::Seq(_, items) => Ok(PyValue::List(
            items.iter().map(to_value).collect::<Result<_, _>>()?,
        )),
        Expr::Name(id) if id == "true" => Ok(PyValue::Const(Const::Bool(true))),
        Expr::Name(id) if id == "false" => Ok(PyValue::Const(Const::Bool(false))),
        Expr::Name(id) if id == "null" => Ok(PyValue::Const(Const::None)),
        _ => Err(format!("Unsupported right operand {}", expr.class())),
    }
}

/// A filter without `Not`: negations have been pushed onto the comparisons.
enum Normal {
    Cond(String, &'static str, PyValue),
    And(Vec<Normal>),
    Or(Vec<Normal>),
}

fn push_not(filter: Filter, negate: bool) -> Result<Normal, QueryError> {
    let all = |items: Vec<Filter>| -> Result<Vec<Normal>, QueryError> {
        items.into_iter().map(|f| push_not(f, negate)).collect()
    };
    Ok(match filter {
        Filter::Cond(field, op, value) => {
            let op = if negate { complement(op)? } else { op };
            Normal::Cond(field, op, value)
        }
        Filter::And(items) if negate => Normal::Or(all(items)?),
        Filter::And(items) => Normal::And(all(items)?),
        Filter::Or(items) if negate => Normal::And(all(items)?),
        Filter::Or(items) => Normal::Or(all(items)?),
        Filter::Not(inner) => push_not(*inner, !negate)?,
    })
}

fn complement(op: &'static str) -> Result<&'static str, QueryError> {
    const PAIRS: [(&str, &str); 7] = [
        ("=", "!="),
        (">", "<="),
        ("<", ">="),
        ("in", "nin"),
        ("rin", "rnin"),
        ("^", "!^"),
        ("$", "!$"),
    ];
    PAIRS
        .iter()
        .find_map(|&(a, b)| {
            if a == op {
                Some(b)
            } else if b == op {
                Some(a)
            } else {
                None
            }
        })
        .ok_or_else(|| QueryError::new("Cannot negate a regular expression match"))
}

/// Appends the members of a conjunction to a list of conditions (the top-level filters or
/// an AND group).
fn conjunction(filter: &Normal, out: &mut Vec<Value>) -> Result<(), QueryError> {
    match filter {
        Normal::And(items) => items.iter().try_for_each(|item| conjunction(item, out)),
        _ => {
            out.push(element(filter)?);
            Ok(())
        }
    }
}

fn element(filter: &Normal) -> Result<Value, QueryError> {
    match filter {
        Normal::Cond(field, op, value) => Ok(Value::Array(vec![
            Value::String(field.clone()),
            Value::String((*op).to_string()),
            json_value(value)?,
        ])),
        Normal::Or(branches) => Ok(Value::Array(vec![
            Value::String("OR".into()),
            Value::Array(branches.iter().map(element).collect::<Result<_, _>>()?),
        ])),
        Normal::And(_) => {
            let mut group = Vec::new();
            conjunction(filter, &mut group)?;
            Ok(Value::Array(group))
        }
    }
}

fn json_value(value: &PyValue) -> Result<Value, QueryError> {
    use py::Const;
    match value {
        PyValue::List(items) => Ok(Value::Array(
            items.iter().map(json_value).collect::<Result<_, _>>()?,
        )),
        PyValue::Const(c) => match c {
            Const::Str(s) => Ok(Value::String(s.clone())),
            Const::Int(digits) => digits
                .parse::<Number>()
                .map(Value::Number)
                .map_err(|_| QueryError::new(format!("Invalid integer {digits}"))),
            Const::Float(x) => float_value(*x)
                .ok_or_else(|| QueryError::new("Out of range float values are not JSON compliant")),
            Const::Bool(b) => Ok(Value::Bool(*b)),
            Const::None => Ok(Value::Null),
            Const::Bytes(_) => Err(not_serializable("bytes")),
            Const::Complex(_) => Err(not_serializable("complex")),
            Const::Ellipsis => Err(not_serializable("ellipsis")),
        },
    }
}

fn not_serializable(type_name: &str) -> QueryError {
    QueryError::new(format!(
        "Object of type {type_name} is not JSON serializable"
    ))
}

/// Python's `str()` of a constant, as midcli's f-string prints it.
fn py_str(c: &py::Const) -> String {
    use py::Const;
    match c {
        Const::Str(s) => s.clone(),
        Const::Int(digits) => digits.clone(),
        Const::Float(x) => float_repr(*x),
        Const::Complex(x) => {
            let repr = float_repr(*x);
            format!("{}j", repr.strip_suffix(".0").unwrap_or(&repr))
        }
        Const::Bool(true) => "True".into(),
        Const::Bool(false) => "False".into(),
        Const::None => "None".into(),
        Const::Ellipsis => "Ellipsis".into(),
        Const::Bytes(bytes) => bytes_repr(bytes),
    }
}

// ---------------------------------------------------------------------------------------
// A tokenizer and parser for Python expressions (what `ast.parse(text, mode="eval")`
// accepts), producing only what the translation needs: other node kinds keep just their
// `ast` class name for midcli's error messages.

mod py {
    use crate::py::chars::isprintable as py_printable;
    use crate::py::int::{radix_to_decimal, MAX_INT_DIGITS};

    /// Bracket nesting Python's tokenizer accepts.
    const MAX_BRACKETS: usize = 200;
    /// Nesting of brackets and unary/lambda/ternary/power chains the parser follows. Bounds
    /// recursion on any input: 100 levels need about 1.2 MiB of stack unoptimised, far less
    /// optimised. (Python itself allows 200 brackets; no real condition gets near 100.)
    const MAX_DEPTH: usize = 100;

    const KEYWORDS: [&str; 35] = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];

    fn is_keyword(name: &str) -> bool {
        KEYWORDS.contains(&name)
    }

    #[derive(Debug, Clone, PartialEq)]
    pub(super) struct SyntaxErr {
        pub(super) msg: String,
        /// Index into the source characters.
        pub(super) pos: usize,
    }

    fn err(msg: impl Into<String>, pos: usize) -> SyntaxErr {
        SyntaxErr {
            msg: msg.into(),
            pos,
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    pub(super) enum Const {
        Str(String),
        Bytes(Vec<u8>),
        /// Decimal digits, with a leading `-` when negated.
        Int(String),
        Float(f64),
        /// The imaginary part of a complex literal (`2j`).
        Complex(f64),
        Bool(bool),
        None,
        Ellipsis,
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub(super) enum SeqKind {
        List,
        Tuple,
        Set,
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub(super) enum BoolKind {
        And,
        Or,
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub(super) enum UnaryKind {
        Not,
        USub,
        UAdd,
        Invert,
    }

    impl UnaryKind {
        pub(super) fn class(self) -> &'static str {
            match self {
                UnaryKind::Not => "Not",
                UnaryKind::USub => "USub",
                UnaryKind::UAdd => "UAdd",
                UnaryKind::Invert => "Invert",
            }
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub(super) enum CmpOp {
        Eq,
        NotEq,
        Lt,
        LtE,
        Gt,
        GtE,
        Is,
        IsNot,
        In,
        NotIn,
    }

    impl CmpOp {
        pub(super) fn class(self) -> &'static str {
            match self {
                CmpOp::Eq => "Eq",
                CmpOp::NotEq => "NotEq",
                CmpOp::Lt => "Lt",
                CmpOp::LtE => "LtE",
                CmpOp::Gt => "Gt",
                CmpOp::GtE => "GtE",
                CmpOp::Is => "Is",
                CmpOp::IsNot => "IsNot",
                CmpOp::In => "In",
                CmpOp::NotIn => "NotIn",
            }
        }

        pub(super) fn filter_op(self) -> Option<&'static str> {
            Some(match self {
                CmpOp::Eq => "=",
                CmpOp::NotEq => "!=",
                CmpOp::Lt => "<",
                CmpOp::LtE => "<=",
                CmpOp::Gt => ">",
                CmpOp::GtE => ">=",
                CmpOp::In => "in",
                CmpOp::NotIn => "nin",
                CmpOp::Is | CmpOp::IsNot => return None,
            })
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    pub(super) enum Expr {
        Name(String),
        Const(Const),
        Seq(SeqKind, Vec<Expr>),
        Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
        BoolOp(BoolKind, Vec<Expr>),
        Unary(UnaryKind, Box<Expr>),
        Call {
            func: Box<Expr>,
            args: Vec<Expr>,
            keywords: usize,
        },
        Attribute(Box<Expr>, String),
        /// Any other node, by its `ast` class name.
        Other(&'static str),
    }

    impl Expr {
        pub(super) fn class(&self) -> &'static str {
            match self {
                Expr::Name(_) => "Name",
                Expr::Const(_) => "Constant",
                Expr::Seq(SeqKind::List, _) => "List",
                Expr::Seq(SeqKind::Tuple, _) => "Tuple",
                Expr::Seq(SeqKind::Set, _) => "Set",
                Expr::Compare(..) => "Compare",
                Expr::BoolOp(..) => "BoolOp",
                Expr::Unary(..) => "UnaryOp",
                Expr::Call { .. } => "Call",
                Expr::Attribute(..) => "Attribute",
                Expr::Other(class) => class,
            }
        }
    }

    // ----- tokenizer -----

    #[derive(Debug, Clone, PartialEq)]
    enum StrPiece {
        Text(String),
        Bytes(Vec<u8>),
        Formatted,
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Tok {
        Name(String),
        Num(Const),
        Str(StrPiece),
        Op(&'static str),
        Newline,
        Eof,
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Token {
        tok: Tok,
        pos: usize,
        /// Bracket nesting at the token.
        depth: usize,
    }

    const OPERATORS: [&str; 48] = [
        "**=", "//=", ">>=", "<<=", "...", "!=", "%=", "&=", "**", "*=", "+=", "-=", "->", "//",
        "/=", ":=", "<<", "<=", "<>", "==", ">=", ">>", "@=", "^=", "|=", "%", "&", "(", ")", "*",
        "+", ",", "-", ".", "/", ":", ";", "<", "=", ">", "@", "[", "]", "^", "{", "|", "}", "~",
    ];

    /// Keywords that may directly follow a number (`1if x else 2`), which Python's
    /// tokenizer lets through with a warning.
    const AFTER_NUMBER: [&str; 8] = ["and", "else", "for", "if", "in", "is", "not", "or"];

    fn is_id_start(c: char) -> bool {
        c == '_' || c.is_alphabetic()
    }

    fn is_id_continue(c: char) -> bool {
        c == '_' || c.is_alphanumeric()
    }

    struct Lexer<'a> {
        s: &'a [char],
        i: usize,
        toks: Vec<Token>,
        brackets: Vec<(char, usize)>,
        line_has_tokens: bool,
    }

    /// The outcome of tokenizing: the tokens (ending with `Eof` unless `error` is set), the
    /// first tokenizer error, and the "never closed" error for a bracket still open at the
    /// end, which Python reports only when parsing fails at the end.
    struct Lexed {
        toks: Vec<Token>,
        error: Option<SyntaxErr>,
        unclosed: Option<SyntaxErr>,
    }

    fn tokenize(s: &[char]) -> Lexed {
        let mut lexer = Lexer {
            s,
            i: 0,
            toks: Vec::new(),
            brackets: Vec::new(),
            line_has_tokens: false,
        };
        let error = lexer.run().err();
        let unclosed = match (&error, lexer.brackets.last()) {
            (None, Some(&(open, pos))) => Some(err(format!("'{open}' was never closed"), pos)),
            _ => None,
        };
        Lexed {
            toks: lexer.toks,
            error,
            unclosed,
        }
    }

    fn line_of(s: &[char], pos: usize) -> usize {
        s.get(..pos)
            .unwrap_or(s)
            .iter()
            .filter(|&&c| c == '\n')
            .count()
            + 1
    }

    impl Lexer<'_> {
        fn at(&self, k: usize) -> Option<char> {
            self.s.get(k).copied()
        }

        fn push(&mut self, tok: Tok, pos: usize) {
            self.line_has_tokens = true;
            let depth = self.brackets.len();
            self.toks.push(Token { tok, pos, depth });
        }

        fn run(&mut self) -> Result<(), SyntaxErr> {
            loop {
                let Some(c) = self.at(self.i) else {
                    let end = self.s.len();
                    self.push(Tok::Eof, end);
                    return Ok(());
                };
                match c {
                    ' ' | '\t' | '\x0c' => self.i += 1,
                    '\n' => {
                        // Inside brackets lines join implicitly; blank lines make no token.
                        if self.brackets.is_empty() && self.line_has_tokens {
                            self.push(Tok::Newline, self.i);
                            self.line_has_tokens = false;
                        }
                        self.i += 1;
                    }
                    '#' => {
                        while self.at(self.i).is_some_and(|c| c != '\n') {
                            self.i += 1;
                        }
                    }
                    '\\' => match self.at(self.i + 1) {
                        Some('\n') => self.i += 2,
                        next => {
                            let at = if next.is_some() { self.i + 1 } else { self.i };
                            return Err(err(
                                "unexpected character after line continuation character",
                                at,
                            ));
                        }
                    },
                    '0'..='9' => self.number()?,
                    '.' if self.at(self.i + 1).is_some_and(|c| c.is_ascii_digit()) => {
                        self.number()?
                    }
                    '\'' | '"' => self.string(self.i, "")?,
                    c if is_id_start(c) => {
                        let start = self.i;
                        let mut name = String::new();
                        while let Some(c) = self.at(self.i).filter(|c| is_id_continue(*c)) {
                            name.push(c);
                            self.i += 1;
                        }
                        let is_prefix = ["r", "u", "b", "f", "br", "rb", "fr", "rf"]
                            .iter()
                            .any(|p| name.eq_ignore_ascii_case(p));
                        if is_prefix && matches!(self.at(self.i), Some('\'' | '"')) {
                            self.string(start, &name)?;
                        } else {
                            self.push(Tok::Name(name), start);
                        }
                    }
                    _ => self.operator(c)?,
                }
            }
        }

        fn operator(&mut self, c: char) -> Result<(), SyntaxErr> {
            let start = self.i;
            let op = OPERATORS.iter().find(|op| {
                op.chars()
                    .enumerate()
                    .all(|(k, oc)| self.at(start + k) == Some(oc))
            });
            let Some(&op) = op else {
                // Python 3.11's tokenizer lets `!` through on its own; the parser rejects it.
                if c == '!' {
                    self.i += 1;
                    self.push(Tok::Op("!"), start);
                    return Ok(());
                }
                let code = u32::from(c);
                return Err(if !py_printable(c) {
                    err(
                        format!("invalid non-printable character U+{code:04X}"),
                        start,
                    )
                } else if c.is_ascii() {
                    err("invalid syntax", start)
                } else {
                    err(format!("invalid character '{c}' (U+{code:04X})"), start)
                });
            };
            match op {
                "(" | "[" | "{" => {
                    if self.brackets.len() >= MAX_BRACKETS {
                        return Err(err("too many nested parentheses", start));
                    }
                    self.push(Tok::Op(op), start);
                    self.brackets.push((c, start));
                }
                ")" | "]" | "}" => {
                    let Some((open, open_pos)) = self.brackets.pop() else {
                        return Err(err(format!("unmatched '{c}'"), start));
                    };
                    let expected = match open {
                        '(' => ')',
                        '[' => ']',
                        _ => '}',
                    };
                    if c != expected {
                        let (here, there) = (line_of(self.s, start), line_of(self.s, open_pos));
                        let on_line = if here == there {
                            String::new()
                        } else {
                            format!(" on line {there}")
                        };
                        return Err(err(
                            format!(
                                "closing parenthesis '{c}' does not match opening parenthesis '{open}'{on_line}"
                            ),
                            start,
                        ));
                    }
                    self.push(Tok::Op(op), start);
                }
                _ => self.push(Tok::Op(op), start),
            }
            self.i = start + op.len();
            Ok(())
        }

        /// `\d(_?\d)*`, appending the digits; returns how many were read.
        fn digit_part(&self, k: &mut usize, out: &mut String) -> usize {
            let mut n = 0;
            while let Some(c) = self.at(*k) {
                if c.is_ascii_digit() {
                    out.push(c);
                    n += 1;
                    *k += 1;
                } else if c == '_' && n > 0 && self.at(*k + 1).is_some_and(|d| d.is_ascii_digit()) {
                    *k += 1;
                } else {
                    break;
                }
            }
            n
        }

        /// Python refuses letters glued to a number, except a few keywords.
        fn check_number_end(&self, k: usize, start: usize, kind: &str) -> Result<(), SyntaxErr> {
            if !self.at(k).is_some_and(is_id_continue) {
                return Ok(());
            }
            let keyword_follows = AFTER_NUMBER.iter().any(|kw| {
                kw.chars()
                    .enumerate()
                    .all(|(n, c)| self.at(k + n) == Some(c))
            });
            if keyword_follows {
                Ok(())
            } else {
                Err(err(format!("invalid {kind} literal"), start))
            }
        }

        fn number(&mut self) -> Result<(), SyntaxErr> {
            let start = self.i;
            let radix = match (self.at(start), self.at(start + 1)) {
                (Some('0'), Some('x' | 'X')) => Some((16, "hexadecimal")),
                (Some('0'), Some('o' | 'O')) => Some((8, "octal")),
                (Some('0'), Some('b' | 'B')) => Some((2, "binary")),
                _ => None,
            };
            if let Some((radix, kind)) = radix {
                let mut k = start + 2;
                let mut digits = Vec::new();
                loop {
                    match self.at(k) {
                        Some('_') if self.at(k + 1).is_some_and(|c| c.is_digit(radix)) => k += 1,
                        Some(c) if c.is_digit(radix) => {
                            digits.extend(c.to_digit(radix));
                            k += 1;
                        }
                        _ => break,
                    }
                }
                if let Some(c) = self.at(k).filter(|c| c.is_ascii_digit()) {
                    return Err(err(format!("invalid digit '{c}' in {kind} literal"), k));
                }
                if digits.is_empty() {
                    return Err(err(format!("invalid {kind} literal"), start));
                }
                self.check_number_end(k, start, kind)?;
                let decimal = radix_to_decimal(&digits, radix).ok_or_else(|| {
                    err(
                        "Exceeds the limit (4300 digits) for integer string conversion; \
                         use sys.set_int_max_str_digits() to increase the limit",
                        start,
                    )
                })?;
                self.push(Tok::Num(Const::Int(decimal)), start);
                self.i = k;
                return Ok(());
            }

            let mut k = start;
            let mut text = String::new();
            self.digit_part(&mut k, &mut text);
            let mut is_float = false;
            if self.at(k) == Some('.') {
                is_float = true;
                text.push('.');
                k += 1;
                self.digit_part(&mut k, &mut text);
            }
            if matches!(self.at(k), Some('e' | 'E')) {
                let mut m = k + 1;
                let sign = self.at(m).filter(|c| matches!(c, '+' | '-'));
                if sign.is_some() {
                    m += 1;
                }
                if self.at(m).is_some_and(|c| c.is_ascii_digit()) {
                    text.push('e');
                    text.extend(sign);
                    self.digit_part(&mut m, &mut text);
                    k = m;
                    is_float = true;
                }
            }
            let imaginary = matches!(self.at(k), Some('j' | 'J'));
            if imaginary {
                k += 1;
            }
            self.check_number_end(k, start, if imaginary { "imaginary" } else { "decimal" })?;

            let value = if imaginary || is_float {
                let x: f64 = text
                    .parse()
                    .map_err(|_| err("invalid decimal literal", start))?;
                if imaginary {
                    Const::Complex(x)
                } else {
                    Const::Float(x)
                }
            } else {
                let significant = text.trim_start_matches('0');
                if significant.len() < text.len() && !significant.is_empty() {
                    return Err(err(
                        "leading zeros in decimal integer literals are not permitted; \
                         use an 0o prefix for octal integers",
                        start,
                    ));
                }
                if significant.len() > MAX_INT_DIGITS {
                    return Err(err(
                        format!(
                            "Exceeds the limit ({MAX_INT_DIGITS} digits) for integer string \
                             conversion: value has {} digits; use sys.set_int_max_str_digits() \
                             to increase the limit - Consider hexadecimal for huge integer \
                             literals to avoid decimal conversion limits.",
                            significant.len()
                        ),
                        start,
                    ));
                }
                Const::Int(if significant.is_empty() {
                    "0".into()
                } else {
                    significant.into()
                })
            };
            self.push(Tok::Num(value), start);
            self.i = k;
            Ok(())
        }

        fn string(&mut self, start: usize, prefix: &str) -> Result<(), SyntaxErr> {
            let lower = prefix.to_ascii_lowercase();
            let (raw, bytes, formatted) = (
                lower.contains('r'),
                lower.contains('b'),
                lower.contains('f'),
            );
            let open = self.i;
            let Some(quote) = self.at(open) else {
                return Err(err("invalid syntax", start));
            };
            let triple = self.at(open + 1) == Some(quote) && self.at(open + 2) == Some(quote);
            let body_start = open + if triple { 3 } else { 1 };
            let mut k = body_start;
            let body_end;
            loop {
                let Some(c) = self.at(k) else {
                    let line = line_of(self.s, self.s.len());
                    let what = if triple { "triple-quoted " } else { "" };
                    return Err(err(
                        format!("unterminated {what}string literal (detected at line {line})"),
                        start,
                    ));
                };
                match c {
                    '\\' => k += 2,
                    '\n' if !triple => {
                        let line = line_of(self.s, k);
                        return Err(err(
                            format!("unterminated string literal (detected at line {line})"),
                            start,
                        ));
                    }
                    c if c == quote && !triple => {
                        body_end = k;
                        k += 1;
                        break;
                    }
                    c if c == quote
                        && self.at(k + 1) == Some(quote)
                        && self.at(k + 2) == Some(quote) =>
                    {
                        body_end = k;
                        k += 3;
                        break;
                    }
                    _ => k += 1,
                }
            }
            let body = self.s.get(body_start..body_end).unwrap_or_default();
            let piece = if formatted {
                // f-string contents are not validated: the node is refused either way.
                StrPiece::Formatted
            } else if bytes {
                StrPiece::Bytes(decode_bytes(body, raw).map_err(|m| err(m, start))?)
            } else {
                StrPiece::Text(decode_str(body, raw).map_err(|m| err(m, start))?)
            };
            self.push(Tok::Str(piece), start);
            self.i = k;
            Ok(())
        }
    }

    fn hex_escape(body: &[char], k: usize, len: usize) -> Option<u32> {
        let digits = body.get(k..k + len)?;
        digits
            .iter()
            .try_fold(0u32, |acc, c| Some(acc * 16 + c.to_digit(16)?))
    }

    fn unicode_error(start: usize, end: usize, what: &str) -> String {
        format!(
            "(unicode error) 'unicodeescape' codec can't decode bytes in position {start}-{end}: {what}"
        )
    }

    fn decode_str(body: &[char], raw: bool) -> Result<String, String> {
        if raw {
            return Ok(body.iter().collect());
        }
        let mut code_points: Vec<u32> = Vec::with_capacity(body.len());
        let mut k = 0;
        while let Some(&c) = body.get(k) {
            if c != '\\' {
                code_points.push(u32::from(c));
                k += 1;
                continue;
            }
            let escape_start = k;
            let Some(e) = body.get(k + 1).copied() else {
                code_points.push(u32::from('\\'));
                break;
            };
            k += 2;
            let simple = match e {
                '\n' => continue,
                '\\' | '\'' | '"' => Some(e),
                'a' => Some('\x07'),
                'b' => Some('\x08'),
                'f' => Some('\x0c'),
                'n' => Some('\n'),
                'r' => Some('\r'),
                't' => Some('\t'),
                'v' => Some('\x0b'),
                _ => None,
            };
            if let Some(s) = simple {
                code_points.push(u32::from(s));
                continue;
            }
            match e {
                '0'..='7' => {
                    let mut value = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match body.get(k).and_then(|c| c.to_digit(8)) {
                            Some(d) => {
                                value = value * 8 + d;
                                k += 1;
                            }
                            None => break,
                        }
                    }
                    code_points.push(value);
                }
                'x' | 'u' | 'U' => {
                    let (len, what) = match e {
                        'x' => (2, "truncated \\xXX escape"),
                        'u' => (4, "truncated \\uXXXX escape"),
                        _ => (8, "truncated \\UXXXXXXXX escape"),
                    };
                    let Some(value) = hex_escape(body, k, len) else {
                        let seen = body
                            .get(k..)
                            .unwrap_or_default()
                            .iter()
                            .take(len)
                            .take_while(|c| c.is_ascii_hexdigit())
                            .count();
                        return Err(unicode_error(escape_start, k + seen - 1, what));
                    };
                    if value > 0x10ffff {
                        return Err(unicode_error(
                            escape_start,
                            k + len - 1,
                            "illegal Unicode character",
                        ));
                    }
                    k += len;
                    code_points.push(value);
                }
                'N' => {
                    return Err(unicode_error(
                        escape_start,
                        k - 1,
                        "\\N{...} escapes are not supported here",
                    ))
                }
                // Python keeps unknown escapes as written (with a warning).
                _ => {
                    code_points.push(u32::from('\\'));
                    code_points.push(u32::from(e));
                }
            }
        }
        // Escaped surrogate pairs reach the server as one character (its JSON decoder joins
        // them); a lone surrogate has no UTF-8 form to send.
        let mut out = String::with_capacity(code_points.len());
        let mut n = 0;
        while let Some(&cp) = code_points.get(n) {
            let next = code_points.get(n + 1).copied();
            let joined = match next {
                Some(low) if (0xd800..0xdc00).contains(&cp) && (0xdc00..0xe000).contains(&low) => {
                    n += 1;
                    0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00)
                }
                _ => cp,
            };
            let c = char::from_u32(joined).ok_or_else(|| {
                format!("(unicode error) lone surrogate \\u{joined:04x} cannot be sent as JSON")
            })?;
            out.push(c);
            n += 1;
        }
        Ok(out)
    }

    fn decode_bytes(body: &[char], raw: bool) -> Result<Vec<u8>, String> {
        if body.iter().any(|c| !c.is_ascii()) {
            return Err("bytes can only contain ASCII literal characters".into());
        }
        let ascii: Vec<u8> = body.iter().map(|&c| c as u8).collect();
        if raw {
            return Ok(ascii);
        }
        let mut out = Vec::with_capacity(ascii.len());
        let mut k = 0;
        while let Some(&b) = ascii.get(k) {
            if b != b'\\' {
                out.push(b);
                k += 1;
                continue;
            }
            let Some(&e) = ascii.get(k + 1) else {
                out.push(b);
                break;
            };
            let escape_start = k;
            k += 2;
            match e {
                b'\n' => {}
                b'\\' | b'\'' | b'"' => out.push(e),
                b'a' => out.push(7),
                b'b' => out.push(8),
                b'f' => out.push(12),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b't' => out.push(b'\t'),
                b'v' => out.push(11),
                b'0'..=b'7' => {
                    let mut value = u32::from(e - b'0');
                    for _ in 0..2 {
                        match ascii.get(k).filter(|d| (b'0'..=b'7').contains(d)) {
                            Some(d) => {
                                value = value * 8 + u32::from(d - b'0');
                                k += 1;
                            }
                            None => break,
                        }
                    }
                    out.push((value & 0xff) as u8);
                }
                b'x' => {
                    let value = hex_escape(body, k, 2).ok_or_else(|| {
                        format!("(value error) invalid \\x escape at position {escape_start}")
                    })?;
                    out.push((value & 0xff) as u8);
                    k += 2;
                }
                _ => {
                    out.push(b'\\');
                    out.push(e);
                }
            }
        }
        Ok(out)
    }

    // ----- parser -----

    /// Parse a whole condition the way `ast.parse(text, mode="eval")` would.
    pub(super) fn parse(source: &[char]) -> Result<Expr, SyntaxErr> {
        let lexed = tokenize(source);
        // Python reports tokenizer errors even when parsing failed earlier (3.10+ scans the
        // rest of the source for them), so they come first.
        if let Some(error) = lexed.error {
            return Err(error);
        }
        let mut parser = Parser {
            src: source,
            toks: &lexed.toks,
            i: 0,
            depth: 0,
            last_disjunction: (0, usize::MAX),
            eof: Token {
                tok: Tok::Eof,
                pos: source.len(),
                depth: 0,
            },
        };
        match (parser.eval_input(), lexed.unclosed) {
            (Err(e), Some(unclosed)) if e.pos >= source.len() => Err(unclosed),
            (Ok(_), Some(unclosed)) => Err(unclosed),
            (result, _) => result,
        }
    }

    /// Names outside brackets, with their positions, up to any tokenizer error.
    pub(super) fn top_level_names(source: &[char]) -> Vec<(usize, String)> {
        tokenize(source)
            .toks
            .into_iter()
            .filter_map(|t| match t.tok {
                Tok::Name(name) if t.depth == 0 => Some((t.pos, name)),
                _ => None,
            })
            .collect()
    }

    struct Parser<'a> {
        src: &'a [char],
        toks: &'a [Token],
        i: usize,
        depth: usize,
        eof: Token,
        /// Start position and end token index of the latest (outermost) disjunction parsed,
        /// for Python's "Perhaps you forgot a comma?" hint.
        last_disjunction: (usize, usize),
    }

    type R<T> = Result<T, SyntaxErr>;

    impl Parser<'_> {
        fn peek(&self) -> &Token {
            self.toks.get(self.i).unwrap_or(&self.eof)
        }

        fn peek_at(&self, n: usize) -> &Tok {
            self.toks.get(self.i + n).map_or(&Tok::Eof, |t| &t.tok)
        }

        fn bump(&mut self) {
            self.i += 1;
        }

        fn is_op(&self, op: &str) -> bool {
            matches!(&self.peek().tok, Tok::Op(o) if *o == op)
        }

        fn is_kw(&self, kw: &str) -> bool {
            matches!(&self.peek().tok, Tok::Name(n) if n == kw)
        }

        fn eat_op(&mut self, op: &str) -> bool {
            let found = self.is_op(op);
            if found {
                self.bump();
            }
            found
        }

        fn eat_kw(&mut self, kw: &str) -> bool {
            let found = self.is_kw(kw);
            if found {
                self.bump();
            }
            found
        }

        fn expect_op(&mut self, op: &str) -> R<()> {
            if self.eat_op(op) {
                Ok(())
            } else {
                Err(self.unexpected())
            }
        }

        fn unexpected(&self) -> SyntaxErr {
            let token = self.peek();
            // Inside brackets, Python suggests `==` for `NAME = ...`, pointing at the name.
            if token.tok == Tok::Op("=") && token.depth > 0 {
                let back = |n: usize| self.i.checked_sub(n).and_then(|i| self.toks.get(i));
                let name = back(1).filter(|t| matches!(&t.tok, Tok::Name(n) if !is_keyword(n)));
                if let Some(name) = name {
                    if !back(2).is_some_and(|t| t.tok == Tok::Op(".")) {
                        return err(
                            "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
                            name.pos,
                        );
                    }
                }
            }
            // Two expressions side by side inside brackets.
            let (start, end) = self.last_disjunction;
            let name_string = matches!(
                (
                    self.toks.get(end.wrapping_sub(1)).map(|t| &t.tok),
                    &token.tok
                ),
                (Some(Tok::Name(_)), Tok::Str(_))
            );
            if end == self.i && token.depth > 0 && self.starts_expression() && !name_string {
                return err("invalid syntax. Perhaps you forgot a comma?", start);
            }
            err("invalid syntax", token.pos)
        }

        fn enter(&mut self) -> R<()> {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(err("expression too deeply nested", self.peek().pos));
            }
            Ok(())
        }

        fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> R<T>) -> R<T> {
            self.enter()?;
            let result = f(self);
            self.depth -= 1;
            result
        }

        fn name_token(&self) -> Option<String> {
            match &self.peek().tok {
                Tok::Name(n) if !is_keyword(n) => Some(n.clone()),
                _ => None,
            }
        }

        fn expect_name(&mut self) -> R<String> {
            let name = self.name_token().ok_or_else(|| self.unexpected())?;
            self.bump();
            Ok(name)
        }

        fn starts_expression(&self) -> bool {
            match &self.peek().tok {
                Tok::Name(n) => {
                    !is_keyword(n)
                        || matches!(
                            n.as_str(),
                            "not" | "lambda" | "await" | "True" | "False" | "None"
                        )
                }
                Tok::Num(_) | Tok::Str(_) => true,
                Tok::Op(o) => matches!(*o, "(" | "[" | "{" | "-" | "+" | "~" | "..."),
                Tok::Newline | Tok::Eof => false,
            }
        }

        fn at_comprehension(&self) -> bool {
            self.is_kw("for") || self.is_kw("async")
        }

        // eval_input: expressions NEWLINE* ENDMARKER
        fn eval_input(&mut self) -> R<Expr> {
            let expr = self.expressions()?;
            let mut new_line = false;
            while self.peek().tok == Tok::Newline {
                self.bump();
                new_line = true;
            }
            let token = self.peek();
            if token.tok != Tok::Eof {
                // A further logical line: Python's tokenizer complains about its indentation
                // before the parser sees it.
                let before = self.src.get(..token.pos).unwrap_or_default();
                let indent = before.iter().rev().take_while(|c| **c != '\n').count();
                if new_line && indent > 0 {
                    return Err(err("unexpected indent", token.pos));
                }
                return Err(self.unexpected());
            }
            Ok(expr)
        }

        fn expressions(&mut self) -> R<Expr> {
            let first = self.expression()?;
            if !self.is_op(",") {
                return Ok(first);
            }
            let mut items = vec![first];
            while self.eat_op(",") {
                if !self.starts_expression() {
                    break;
                }
                items.push(self.expression()?);
            }
            Ok(Expr::Seq(SeqKind::Tuple, items))
        }

        fn expression(&mut self) -> R<Expr> {
            if self.eat_kw("lambda") {
                self.lambda_rest()?;
                return Ok(Expr::Other("Lambda"));
            }
            let body = self.disjunction()?;
            if self.eat_kw("if") {
                self.disjunction()?;
                if !self.eat_kw("else") {
                    return Err(err(
                        "expected 'else' after 'if' expression",
                        self.peek().pos,
                    ));
                }
                self.nested(Self::expression)?;
                return Ok(Expr::Other("IfExp"));
            }
            Ok(body)
        }

        fn lambda_rest(&mut self) -> R<()> {
            while !self.is_op(":") {
                if self.eat_op("*") {
                    if self.name_token().is_some() {
                        self.bump();
                    }
                } else if self.eat_op("**") {
                    self.expect_name()?;
                } else if !self.eat_op("/") {
                    self.expect_name()?;
                    if self.eat_op("=") {
                        self.nested(Self::expression)?;
                    }
                }
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(":")?;
            self.nested(Self::expression)?;
            Ok(())
        }

        fn named_expression(&mut self) -> R<Expr> {
            if self.name_token().is_some() && *self.peek_at(1) == Tok::Op(":=") {
                self.i += 2;
                self.expression()?;
                return Ok(Expr::Other("NamedExpr"));
            }
            self.expression()
        }

        fn star_named_expression(&mut self) -> R<Expr> {
            if self.eat_op("*") {
                self.bitwise_or()?;
                return Ok(Expr::Other("Starred"));
            }
            self.named_expression()
        }

        fn disjunction(&mut self) -> R<Expr> {
            let start = self.peek().pos;
            let first = self.conjunction()?;
            let result = if self.is_kw("or") {
                let mut values = vec![first];
                while self.eat_kw("or") {
                    values.push(self.conjunction()?);
                }
                Expr::BoolOp(BoolKind::Or, values)
            } else {
                first
            };
            self.last_disjunction = (start, self.i);
            Ok(result)
        }

        fn conjunction(&mut self) -> R<Expr> {
            let first = self.inversion()?;
            if !self.is_kw("and") {
                return Ok(first);
            }
            let mut values = vec![first];
            while self.eat_kw("and") {
                values.push(self.inversion()?);
            }
            Ok(Expr::BoolOp(BoolKind::And, values))
        }

        fn inversion(&mut self) -> R<Expr> {
            if self.eat_kw("not") {
                let operand = self.nested(Self::inversion)?;
                return Ok(Expr::Unary(UnaryKind::Not, Box::new(operand)));
            }
            self.comparison()
        }

        fn comparison(&mut self) -> R<Expr> {
            let left = self.bitwise_or()?;
            let mut pairs = Vec::new();
            loop {
                let (op, width) = match (&self.peek().tok, self.peek_at(1)) {
                    (Tok::Op("=="), _) => (CmpOp::Eq, 1),
                    (Tok::Op("!="), _) => (CmpOp::NotEq, 1),
                    (Tok::Op("<"), _) => (CmpOp::Lt, 1),
                    (Tok::Op("<="), _) => (CmpOp::LtE, 1),
                    (Tok::Op(">"), _) => (CmpOp::Gt, 1),
                    (Tok::Op(">="), _) => (CmpOp::GtE, 1),
                    (Tok::Name(n), _) if n == "in" => (CmpOp::In, 1),
                    (Tok::Name(n), Tok::Name(m)) if n == "not" && m == "in" => (CmpOp::NotIn, 2),
                    (Tok::Name(n), Tok::Name(m)) if n == "is" && m == "not" => (CmpOp::IsNot, 2),
                    (Tok::Name(n), _) if n == "is" => (CmpOp::Is, 1),
                    _ => break,
                };
                self.i += width;
                pairs.push((op, self.bitwise_or()?));
            }
            if pairs.is_empty() {
                Ok(left)
            } else {
                Ok(Expr::Compare(Box::new(left), pairs))
            }
        }

        fn bitwise_or(&mut self) -> R<Expr> {
            self.binary(1)
        }

        /// Python's binary operators from `|` (1) to `*` `/` `//` `%` `@` (6), all
        /// left-associative, by precedence climbing.
        fn binary(&mut self, min_precedence: u8) -> R<Expr> {
            let mut left = self.factor()?;
            loop {
                let precedence = match &self.peek().tok {
                    Tok::Op("|") => 1,
                    Tok::Op("^") => 2,
                    Tok::Op("&") => 3,
                    Tok::Op("<<" | ">>") => 4,
                    Tok::Op("+" | "-") => 5,
                    Tok::Op("*" | "/" | "//" | "%" | "@") => 6,
                    _ => break,
                };
                if precedence < min_precedence {
                    break;
                }
                self.bump();
                self.binary(precedence + 1)?;
                left = Expr::Other("BinOp");
            }
            Ok(left)
        }

        fn factor(&mut self) -> R<Expr> {
            let kind = match &self.peek().tok {
                Tok::Op("-") => UnaryKind::USub,
                Tok::Op("+") => UnaryKind::UAdd,
                Tok::Op("~") => UnaryKind::Invert,
                _ => return self.power(),
            };
            self.bump();
            let operand = self.nested(Self::factor)?;
            Ok(Expr::Unary(kind, Box::new(operand)))
        }

        fn power(&mut self) -> R<Expr> {
            let base = if self.eat_kw("await") {
                self.primary()?;
                Expr::Other("Await")
            } else {
                self.primary()?
            };
            if self.eat_op("**") {
                self.nested(Self::factor)?;
                return Ok(Expr::Other("BinOp"));
            }
            Ok(base)
        }

        fn primary(&mut self) -> R<Expr> {
            let mut expr = self.atom()?;
            loop {
                if self.eat_op(".") {
                    let attr = self.expect_name()?;
                    expr = Expr::Attribute(Box::new(expr), attr);
                } else if self.eat_op("(") {
                    let (args, keywords) = self.nested(Self::call_arguments)?;
                    expr = Expr::Call {
                        func: Box::new(expr),
                        args,
                        keywords,
                    };
                } else if self.eat_op("[") {
                    self.nested(Self::subscript)?;
                    expr = Expr::Other("Subscript");
                } else {
                    return Ok(expr);
                }
            }
        }

        /// After `(`: positional and keyword arguments up to `)`.
        fn call_arguments(&mut self) -> R<(Vec<Expr>, usize)> {
            let mut args = Vec::new();
            let mut keywords = 0;
            let mut seen_keyword = false;
            let mut seen_double_star = false;
            while !self.is_op(")") {
                let pos = self.peek().pos;
                if self.eat_op("*") {
                    if seen_double_star {
                        return Err(err(
                            "iterable argument unpacking follows keyword argument unpacking",
                            pos,
                        ));
                    }
                    self.expression()?;
                    args.push(Expr::Other("Starred"));
                } else if self.eat_op("**") {
                    self.expression()?;
                    keywords += 1;
                    seen_double_star = true;
                } else if self.name_token().is_some() && *self.peek_at(1) == Tok::Op("=") {
                    self.i += 2;
                    self.expression()?;
                    keywords += 1;
                    seen_keyword = true;
                } else {
                    let mut arg = self.named_expression()?;
                    if self.is_op("=") {
                        return Err(err(
                            "expression cannot contain assignment, perhaps you meant \"==\"?",
                            pos,
                        ));
                    }
                    if self.at_comprehension() {
                        self.comprehension()?;
                        if !args.is_empty() || keywords > 0 || !self.is_op(")") {
                            return Err(err("Generator expression must be parenthesized", pos));
                        }
                        arg = Expr::Other("GeneratorExp");
                    }
                    if seen_double_star {
                        return Err(err(
                            "positional argument follows keyword argument unpacking",
                            pos,
                        ));
                    }
                    if seen_keyword {
                        return Err(err("positional argument follows keyword argument", pos));
                    }
                    args.push(arg);
                }
                if !self.eat_op(",") {
                    break;
                }
            }
            self.expect_op(")")?;
            Ok((args, keywords))
        }

        /// After `[`: slices or indexes up to `]`.
        fn subscript(&mut self) -> R<()> {
            loop {
                if self.eat_op("*") {
                    self.bitwise_or()?;
                } else {
                    if !self.is_op(":") {
                        self.named_expression()?;
                    }
                    if self.eat_op(":") {
                        if !(self.is_op(":") || self.is_op(",") || self.is_op("]")) {
                            self.expression()?;
                        }
                        if self.eat_op(":") && !(self.is_op(",") || self.is_op("]")) {
                            self.expression()?;
                        }
                    }
                }
                if !self.eat_op(",") || self.is_op("]") {
                    break;
                }
            }
            self.expect_op("]")
        }

        /// `for targets in disjunction [if disjunction]...`, repeated.
        fn comprehension(&mut self) -> R<()> {
            loop {
                self.eat_kw("async");
                if !self.eat_kw("for") {
                    return Err(self.unexpected());
                }
                loop {
                    self.eat_op("*");
                    self.bitwise_or()?;
                    if !self.eat_op(",") || self.is_kw("in") {
                        break;
                    }
                }
                if !self.eat_kw("in") {
                    return Err(self.unexpected());
                }
                self.disjunction()?;
                while self.eat_kw("if") {
                    self.disjunction()?;
                }
                if !self.at_comprehension() {
                    return Ok(());
                }
            }
        }

        fn atom(&mut self) -> R<Expr> {
            match &self.peek().tok {
                Tok::Name(name) => {
                    let expr = match name.as_str() {
                        "True" => Expr::Const(Const::Bool(true)),
                        "False" => Expr::Const(Const::Bool(false)),
                        "None" => Expr::Const(Const::None),
                        _ if is_keyword(name) => return Err(self.unexpected()),
                        _ => Expr::Name(name.clone()),
                    };
                    self.bump();
                    Ok(expr)
                }
                Tok::Num(c) => {
                    let expr = Expr::Const(c.clone());
                    self.bump();
                    Ok(expr)
                }
                Tok::Str(_) => self.strings(),
                Tok::Op("...") => {
                    self.bump();
                    Ok(Expr::Const(Const::Ellipsis))
                }
                Tok::Op("(") => {
                    self.bump();
                    self.nested(Self::group)
                }
                Tok::Op("[") => {
                    self.bump();
                    self.nested(Self::list)
                }
                Tok::Op("{") => {
                    self.bump();
                    self.nested(Self::braces)
                }
                _ => Err(self.unexpected()),
            }
        }

        /// Adjacent string literals make one constant.
        fn strings(&mut self) -> R<Expr> {
            let start = self.peek().pos;
            let (mut text, mut bytes) = (String::new(), Vec::new());
            let (mut has_text, mut has_bytes, mut has_formatted) = (false, false, false);
            while let Tok::Str(piece) = &self.peek().tok {
                match piece {
                    StrPiece::Text(t) => {
                        text.push_str(t);
                        has_text = true;
                    }
                    StrPiece::Bytes(b) => {
                        bytes.extend_from_slice(b);
                        has_bytes = true;
                    }
                    StrPiece::Formatted => has_formatted = true,
                }
                self.bump();
            }
            if has_bytes && (has_text || has_formatted) {
                return Err(err("cannot mix bytes and nonbytes literals", start));
            }
            Ok(if has_formatted {
                Expr::Other("JoinedStr")
            } else if has_bytes {
                Expr::Const(Const::Bytes(bytes))
            } else {
                Expr::Const(Const::Str(text))
            })
        }

        /// After `(`: a parenthesized expression, tuple, generator or yield.
        fn group(&mut self) -> R<Expr> {
            if self.eat_op(")") {
                return Ok(Expr::Seq(SeqKind::Tuple, Vec::new()));
            }
            if self.eat_kw("yield") {
                let class = if self.eat_kw("from") {
                    self.expression()?;
                    "YieldFrom"
                } else {
                    if self.starts_expression() || self.is_op("*") {
                        self.star_named_expression()?;
                        while self.eat_op(",") && !self.is_op(")") {
                            self.star_named_expression()?;
                        }
                    }
                    "Yield"
                };
                self.expect_op(")")?;
                return Ok(Expr::Other(class));
            }
            let first_pos = self.peek().pos;
            let first = self.star_named_expression()?;
            if self.at_comprehension() {
                self.comprehension()?;
                self.expect_op(")")?;
                return Ok(Expr::Other("GeneratorExp"));
            }
            if self.eat_op(")") {
                if first == Expr::Other("Starred") {
                    return Err(err("cannot use starred expression here", first_pos));
                }
                return Ok(first);
            }
            let mut items = vec![first];
            while self.eat_op(",") {
                if self.is_op(")") {
                    break;
                }
                items.push(self.star_named_expression()?);
            }
            self.expect_op(")")?;
            Ok(Expr::Seq(SeqKind::Tuple, items))
        }

        /// After `[`: a list display or comprehension.
        fn list(&mut self) -> R<Expr> {
            if self.eat_op("]") {
                return Ok(Expr::Seq(SeqKind::List, Vec::new()));
            }
            let first = self.star_named_expression()?;
            if self.at_comprehension() {
                self.comprehension()?;
                self.expect_op("]")?;
                return Ok(Expr::Other("ListComp"));
            }
            let mut items = vec![first];
            while self.eat_op(",") {
                if self.is_op("]") {
                    break;
                }
                items.push(self.star_named_expression()?);
            }
            self.expect_op("]")?;
            Ok(Expr::Seq(SeqKind::List, items))
        }

        /// After `{`: a dict or set display or comprehension.
        fn braces(&mut self) -> R<Expr> {
            if self.eat_op("}") {
                return Ok(Expr::Other("Dict"));
            }
            if self.eat_op("**") {
                self.bitwise_or()?;
                return self.dict_rest();
            }
            let first = self.star_named_expression()?;
            if self.eat_op(":") {
                self.expression()?;
                if self.at_comprehension() {
                    self.comprehension()?;
                    self.expect_op("}")?;
                    return Ok(Expr::Other("DictComp"));
                }
                return self.dict_rest();
            }
            if self.at_comprehension() {
                self.comprehension()?;
                self.expect_op("}")?;
                return Ok(Expr::Other("SetComp"));
            }
            let mut items = vec![first];
            while self.eat_op(",") {
                if self.is_op("}") {
                    break;
                }
                items.push(self.star_named_expression()?);
            }
            self.expect_op("}")?;
            Ok(Expr::Seq(SeqKind::Set, items))
        }

        fn dict_rest(&mut self) -> R<Expr> {
            while self.eat_op(",") {
                if self.is_op("}") {
                    break;
                }
                if self.eat_op("**") {
                    self.bitwise_or()?;
                    continue;
                }
                self.expression()?;
                self.expect_op(":")?;
                self.expression()?;
            }
            self.expect_op("}")?;
            Ok(Expr::Other("Dict"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Query {
        match parse(text) {
            Ok(q) => q,
            Err(e) => panic!("{text:?} failed: {e}"),
        }
    }

    fn error(text: &str) -> String {
        match parse(text) {
            Ok(q) => panic!("{text:?} parsed: {q:?}"),
            Err(e) => e.message,
        }
    }

    fn json(text: &str) -> Value {
        match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => panic!("bad expected JSON {text}: {e}"),
        }
    }

    /// Conditions (after `* WHERE `) whose filters must equal midcli's exactly.
    const MIDCLI_FILTERS: &[(&str, &str)] = &[
        // midcli's own test cases
        ("uid in [1, 2, 3]", r#"[["uid","in",[1,2,3]]]"#),
        ("uid in (1, 2, 3)", r#"[["uid","in",[1,2,3]]]"#),
        ("uid in {1, 2, 3}", r#"[["uid","in",[1,2,3]]]"#),
        ("username.match('^i')", r#"[["username","~","^i"]]"#),
        ("username.startswith('i')", r#"[["username","^","i"]]"#),
        ("username.endswith('i')", r#"[["username","$","i"]]"#),
        ("'oo' in username", r#"[["username","rin","oo"]]"#),
        ("'oo' not in username", r#"[["username","rnin","oo"]]"#),
        ("smb_account == null", r#"[["smb_account","=",null]]"#),
        // operators
        ("a == 1", r#"[["a","=",1]]"#),
        ("a != 'x'", r#"[["a","!=","x"]]"#),
        ("a > 1", r#"[["a",">",1]]"#),
        ("a >= 1", r#"[["a",">=",1]]"#),
        ("a < 1", r#"[["a","<",1]]"#),
        ("a <= 1", r#"[["a","<=",1]]"#),
        ("a not in [1]", r#"[["a","nin",[1]]]"#),
        ("5 in tags", r#"[["tags","rin",5]]"#),
        ("5 not in tags", r#"[["tags","rnin",5]]"#),
        ("a.startswith(\"x\")", r#"[["a","^","x"]]"#),
        ("a.match(r'^\\w+$')", r#"[["a","~","^\\w+$"]]"#),
        // or: n-ary as Python parses it
        ("a == 1 or b == 2", r#"[["OR",[["a","=",1],["b","=",2]]]]"#),
        (
            "a == 1 or b == 2 or c == 3",
            r#"[["OR",[["a","=",1],["b","=",2],["c","=",3]]]]"#,
        ),
        (
            "(a == 1 or b == 2) or c == 3",
            r#"[["OR",[["OR",[["a","=",1],["b","=",2]]],["c","=",3]]]]"#,
        ),
        (
            "a == 1 or (b == 2 or c == 3)",
            r#"[["OR",[["a","=",1],["OR",[["b","=",2],["c","=",3]]]]]]"#,
        ),
        ("((a == 1))", r#"[["a","=",1]]"#),
        // constants
        ("a == True", r#"[["a","=",true]]"#),
        ("a == False", r#"[["a","=",false]]"#),
        ("a == None", r#"[["a","=",null]]"#),
        ("a == true", r#"[["a","=",true]]"#),
        ("a == false", r#"[["a","=",false]]"#),
        ("a == 0x10", r#"[["a","=",16]]"#),
        ("a == 0XfF", r#"[["a","=",255]]"#),
        ("a == 0o17", r#"[["a","=",15]]"#),
        ("a == 0b101", r#"[["a","=",5]]"#),
        ("a == 0x_1_0", r#"[["a","=",16]]"#),
        ("a == 1_000", r#"[["a","=",1000]]"#),
        ("a == 000", r#"[["a","=",0]]"#),
        ("a == 1e3", r#"[["a","=",1000.0]]"#),
        ("a == .5", r#"[["a","=",0.5]]"#),
        ("a == 1.", r#"[["a","=",1.0]]"#),
        ("a == 1.5e-7", r#"[["a","=",1.5e-07]]"#),
        ("a == 1_0.2_5", r#"[["a","=",10.25]]"#),
        ("a == 1e16", r#"[["a","=",1e+16]]"#),
        (
            "a == 123456789012345678901234567890",
            r#"[["a","=",123456789012345678901234567890]]"#,
        ),
        (
            "a == 0xFFFFFFFFFFFFFFFFFFFF",
            r#"[["a","=",1208925819614629174706175]]"#,
        ),
        // strings
        ("a == \"x\"", r#"[["a","=","x"]]"#),
        ("a == '''x'''", r#"[["a","=","x"]]"#),
        ("a == \"\"\"y\"\"\"", r#"[["a","=","y"]]"#),
        ("a == 'a\\tb'", r#"[["a","=","a\tb"]]"#),
        ("a == r'\\d+'", r#"[["a","=","\\d+"]]"#),
        ("a == R'\\''", r#"[["a","=","\\'"]]"#),
        ("a == u'x'", r#"[["a","=","x"]]"#),
        ("a == '\\x41\\u00e9\\U0001F600'", r#"[["a","=","Aé😀"]]"#),
        ("a == '\\101\\0'", r#"[["a","=","A\u0000"]]"#),
        ("a == 'a' \"b\" '''c'''", r#"[["a","=","abc"]]"#),
        ("a == 'it\\'s'", r#"[["a","=","it's"]]"#),
        ("a == '\\d'", r#"[["a","=","\\d"]]"#),
        ("a == '\\ud83d\\ude00'", r#"[["a","=","😀"]]"#),
        ("a == 'é'", r#"[["a","=","é"]]"#),
        ("a == 'x\\\ny'", r#"[["a","=","xy"]]"#),
        ("a == '''x\ny'''", r#"[["a","=","x\ny"]]"#),
        ("a == 'LIMIT 5'", r#"[["a","=","LIMIT 5"]]"#),
        // sequences
        (
            "a in [1, 'x', None, true, [2, (3,)], {4}]",
            r#"[["a","in",[1,"x",null,true,[2,[3]],[4]]]]"#,
        ),
        ("a in []", r#"[["a","in",[]]]"#),
        ("a in ()", r#"[["a","in",[]]]"#),
        ("a in (1,)", r#"[["a","in",[1]]]"#),
        ("a in [1, 2,]", r#"[["a","in",[1,2]]]"#),
        ("a in {3, 1, 2}", r#"[["a","in",[3,1,2]]]"#),
        // layout
        ("a == 1 # comment", r#"[["a","=",1]]"#),
        ("a == 1 # LIMIT 5", r#"[["a","=",1]]"#),
        ("a in [1,\n2]", r#"[["a","in",[1,2]]]"#),
        ("a == \\\n 1", r#"[["a","=",1]]"#),
        ("a == 1\n\n# trailing comment", r#"[["a","=",1]]"#),
        (
            "(a\r\n== 1) or (b\r==\r\n2)",
            r#"[["OR",[["a","=",1],["b","=",2]]]]"#,
        ),
        ("\u{1c}a == 1\u{a0}", r#"[["a","=",1]]"#),
        // names that look like keywords of the extension stay names
        ("limit == 5", r#"[["limit","=",5]]"#),
        (
            "a == 1 or offset == 2",
            r#"[["OR",[["a","=",1],["offset","=",2]]]]"#,
        ),
        // midcli quirks kept
        ("null == 1", r#"[["null","=",1]]"#),
        ("5 in null", r#"[["null","rin",5]]"#),
        ("match == 1", r#"[["match","=",1]]"#),
        ("été == 1", r#"[["été","=",1]]"#),
        // extension: negative numbers
        ("uid > -1", r#"[["uid",">",-1]]"#),
        ("uid > -1.5", r#"[["uid",">",-1.5]]"#),
        ("uid > - 0x10", r#"[["uid",">",-16]]"#),
        ("uid == -0", r#"[["uid","=",0]]"#),
        ("uid == -0.0", r#"[["uid","=",-0.0]]"#),
        ("uid == -(1)", r#"[["uid","=",-1]]"#),
        ("uid in [-1, -2.5]", r#"[["uid","in",[-1,-2.5]]]"#),
        ("-1 in tags", r#"[["tags","rin",-1]]"#),
        ("a.startswith(-1)", r#"[["a","^",-1]]"#),
    ];

    /// Conditions using `and`/`not`: the server's equivalents instead of midcli's AND/NOT.
    const REWRITTEN_FILTERS: &[(&str, &str)] = &[
        // midcli: [["AND", [["uid", ">", 0], ["username", "!=", "ivan"]]]]
        (
            "uid > 0 and username != 'ivan'",
            r#"[["uid",">",0],["username","!=","ivan"]]"#,
        ),
        // midcli: [["NOT", ["username", "^", "i"]]]
        ("not username.startswith('i')", r#"[["username","!^","i"]]"#),
        (
            "a == 1 and b == 2 and c == 3",
            r#"[["a","=",1],["b","=",2],["c","=",3]]"#,
        ),
        (
            "(a == 1 and b == 2) and c == 3",
            r#"[["a","=",1],["b","=",2],["c","=",3]]"#,
        ),
        (
            "a == 1 or (b == 2 and c == 3)",
            r#"[["OR",[["a","=",1],[["b","=",2],["c","=",3]]]]]"#,
        ),
        (
            "a == 1 and (b == 2 or c == 3)",
            r#"[["a","=",1],["OR",[["b","=",2],["c","=",3]]]]"#,
        ),
        (
            "a > 1 and b < 5 or c == 'x'",
            r#"[["OR",[[["a",">",1],["b","<",5]],["c","=","x"]]]]"#,
        ),
        (
            "a == 1 or (b == 2 and (c == 3 or d == 4))",
            r#"[["OR",[["a","=",1],[["b","=",2],["OR",[["c","=",3],["d","=",4]]]]]]]"#,
        ),
        ("not a == 1", r#"[["a","!=",1]]"#),
        ("not a != 1", r#"[["a","=",1]]"#),
        ("not a > 1", r#"[["a","<=",1]]"#),
        ("not a <= 1", r#"[["a",">",1]]"#),
        ("not a < 1", r#"[["a",">=",1]]"#),
        ("not a >= 1", r#"[["a","<",1]]"#),
        ("not a in [1]", r#"[["a","nin",[1]]]"#),
        ("not a not in [1]", r#"[["a","in",[1]]]"#),
        ("not 'x' in a", r#"[["a","rnin","x"]]"#),
        ("not 'x' not in a", r#"[["a","rin","x"]]"#),
        ("not a.endswith('x')", r#"[["a","!$","x"]]"#),
        ("not not a == 1", r#"[["a","=",1]]"#),
        ("not not a.match('x')", r#"[["a","~","x"]]"#),
        ("not (a == 1 or b == 2)", r#"[["a","!=",1],["b","!=",2]]"#),
        (
            "not (a == 1 and b == 2)",
            r#"[["OR",[["a","!=",1],["b","!=",2]]]]"#,
        ),
        (
            "a == 1 and not (b == 2 or c == 3)",
            r#"[["a","=",1],["b","!=",2],["c","!=",3]]"#,
        ),
        (
            "x == 0 or not (a == 1 and b == 2)",
            r#"[["OR",[["x","=",0],["OR",[["a","!=",1],["b","!=",2]]]]]]"#,
        ),
        (
            "x == 0 or not (a == 1 or b == 2)",
            r#"[["OR",[["x","=",0],[["a","!=",1],["b","!=",2]]]]]"#,
        ),
        (
            "not (a.startswith('x') and not b in [1])",
            r#"[["OR",[["a","!^","x"],["b","in",[1]]]]]"#,
        ),
    ];

    #[test]
    fn conditions_translate_like_midcli() {
        for (condition, want) in MIDCLI_FILTERS {
            let q = parsed(&format!("* WHERE {condition}"));
            assert_eq!(Value::Array(q.filters), json(want), "{condition:?}");
            assert!(q.options.is_empty(), "{condition:?}");
            assert_eq!(q.columns, None);
        }
    }

    #[test]
    fn and_not_use_the_server_forms() {
        for (condition, want) in REWRITTEN_FILTERS {
            let q = parsed(&format!("* WHERE {condition}"));
            assert_eq!(Value::Array(q.filters), json(want), "{condition:?}");
        }
    }

    #[test]
    fn columns_and_where_keyword() {
        let cases: &[(&str, Option<&[&str]>, &str)] = &[
            ("", None, "[]"),
            ("   ", None, "[]"),
            ("\u{1c}", None, "[]"),
            ("*", None, "[]"),
            ("uid", Some(&["uid"]), "[]"),
            ("uid,username", Some(&["uid", "username"]), "[]"),
            ("uid , username", Some(&["uid", "username"]), "[]"),
            ("state.aliases,name", Some(&["state.aliases", "name"]), "[]"),
            ("a_1,B2", Some(&["a_1", "B2"]), "[]"),
            ("WHERE", Some(&["WHERE"]), "[]"),
            (
                "uid,username WHERE uid > 0",
                Some(&["uid", "username"]),
                r#"[["uid",">",0]]"#,
            ),
            ("*WHERE x == 1", None, r#"[["x","=",1]]"#),
            ("* where x == 1", None, r#"[["x","=",1]]"#),
            ("* Where x == 1", None, r#"[["x","=",1]]"#),
            ("  uid\tWHERE\tx == 1", Some(&["uid"]), r#"[["x","=",1]]"#),
            ("* WHERE ", None, "[]"),
            ("* WHERE   \n ", None, "[]"),
            ("uid WHERE x == 1  ", Some(&["uid"]), r#"[["x","=",1]]"#),
        ];
        for (text, columns, filters) in cases {
            let q = parsed(text);
            let want: Option<Vec<String>> =
                columns.map(|c| c.iter().map(|s| s.to_string()).collect());
            assert_eq!(q.columns, want, "{text:?}");
            assert_eq!(Value::Array(q.filters), json(filters), "{text:?}");
            assert!(q.options.is_empty(), "{text:?}");
        }
    }

    /// Whole inputs and midcli's exact messages (syntax errors in our own wording).
    const ERRORS: &[(&str, &str)] = &[
        // midcli's own test cases
        ("* WHERE uid && 1", "invalid syntax\n uid && 1\n      ^"),
        ("* WHERE uid &", "invalid syntax\n uid &\n      ^"),
        (
            "WHERE uid == 1",
            "Expected end of text, found 'u'\n WHERE uid == 1\n       ^",
        ),
        (
            "#test",
            "Expected {column [, column]... | '*'}, found '#'\n #test\n ^",
        ),
        (
            "* WHERE smb_account is not None",
            "Unsupported comparison operator: IsNot",
        ),
        ("* WHERE 'oo' in 1", "Unsupported right operand for `oo in`"),
        ("* WHERE 1 > uid", "Unsupported left operand Constant"),
        ("* WHERE gid > uid", "Unsupported right operand Name"),
        ("* WHERE 'OO'.upper()", "Unsupported callee Constant"),
        ("* WHERE username.isdigit()", "Unknown function name 'isdigit'"),
        (
            "* WHERE username.match('ROOT', re.IGNORECASE)",
            "Function match accepts 1 argument, given 2",
        ),
        (
            "* WHERE username.match('ROOT', flags=re.IGNORECASE)",
            "Function match does not accept keyword arguments",
        ),
        ("* WHERE ~uid", "Unknown unary expression Invert"),
        ("* WHERE uid", "Unsupported filter expression: Name"),
        // the rest of cli-syntax.md §6.3's table
        ("* WHERE a is None", "Unsupported comparison operator: Is"),
        (
            "* WHERE 1 < a < 5",
            "Too many comparators (expected 1, found 2",
        ),
        (
            "* WHERE a == b == c == d",
            "Too many comparators (expected 1, found 3",
        ),
        ("* WHERE 5 in [1]", "Unsupported right operand for `5 in`"),
        ("* WHERE 5 not in [1]", "Unsupported right operand for `5 nin`"),
        ("* WHERE 1.5 in [1]", "Unsupported right operand for `1.5 in`"),
        ("* WHERE 1e3 in 'x'", "Unsupported right operand for `1000.0 in`"),
        ("* WHERE None in [1]", "Unsupported right operand for `None in`"),
        ("* WHERE True in a.b", "Unsupported right operand for `True in`"),
        ("* WHERE b'x' in 1", "Unsupported right operand for `b'x' in`"),
        ("* WHERE -1 in 5", "Unsupported right operand for `-1 in`"),
        ("* WHERE [1] in a", "Unsupported left operand List"),
        ("* WHERE a.b == 1", "Unsupported left operand Attribute"),
        ("* WHERE a[0] == 1", "Unsupported left operand Subscript"),
        ("* WHERE a + 1 == 2", "Unsupported left operand BinOp"),
        ("* WHERE f'x' in a", "Unsupported left operand JoinedStr"),
        ("* WHERE a == 1 + 1", "Unsupported right operand BinOp"),
        ("* WHERE a == 2 ** 3", "Unsupported right operand BinOp"),
        ("* WHERE a == --1", "Unsupported right operand UnaryOp"),
        ("* WHERE a == +1", "Unsupported right operand UnaryOp"),
        ("* WHERE a == -b", "Unsupported right operand UnaryOp"),
        ("* WHERE a == -True", "Unsupported right operand UnaryOp"),
        ("* WHERE a == {}", "Unsupported right operand Dict"),
        ("* WHERE a == {'k': 1}", "Unsupported right operand Dict"),
        ("* WHERE a in [1, b]", "Unsupported right operand Name"),
        ("* WHERE a in [*b]", "Unsupported right operand Starred"),
        ("* WHERE a == f'x{y}'", "Unsupported right operand JoinedStr"),
        ("* WHERE a == x.y", "Unsupported right operand Attribute"),
        ("* WHERE a == f(1)", "Unsupported right operand Call"),
        ("* WHERE a == x[1:2]", "Unsupported right operand Subscript"),
        ("* WHERE a == [x for x in y]", "Unsupported right operand ListComp"),
        ("* WHERE a == {x for x in y}", "Unsupported right operand SetComp"),
        ("* WHERE a == {k: v for k, v in y}", "Unsupported right operand DictComp"),
        ("* WHERE a == (x for x in y)", "Unsupported right operand GeneratorExp"),
        ("* WHERE a == (lambda: 1)", "Unsupported right operand Lambda"),
        ("* WHERE a == (1 if b else 2)", "Unsupported right operand IfExp"),
        ("* WHERE a == (b := 1)", "Unsupported right operand NamedExpr"),
        ("* WHERE a == (await b)", "Unsupported right operand Await"),
        ("* WHERE a == (yield)", "Unsupported right operand Yield"),
        ("* WHERE a == (b == 1)", "Unsupported right operand Compare"),
        ("* WHERE a == (b or c)", "Unsupported right operand BoolOp"),
        ("* WHERE a.b.startswith('x')", "Unsupported callee Attribute"),
        (
            "* WHERE startswith(a, 'x')",
            "Unsupported callee type: <ast.Name object at 0x0>",
        ),
        ("* WHERE a()()", "Unsupported callee type: <ast.Call object at 0x0>"),
        ("* WHERE a.upper()", "Unknown function name 'upper'"),
        ("* WHERE a.startswith()", "Function startswith accepts 1 argument, given 0"),
        ("* WHERE a.endswith(*x)", "Unsupported right operand Starred"),
        ("* WHERE a.match(**x)", "Function match accepts 1 argument, given 0"),
        ("* WHERE a.match(b)", "Unsupported right operand Name"),
        ("* WHERE -uid", "Unknown unary expression USub"),
        ("* WHERE +uid", "Unknown unary expression UAdd"),
        ("* WHERE 1", "Unsupported filter expression: Constant"),
        ("* WHERE 'x'", "Unsupported filter expression: Constant"),
        ("* WHERE a == 1 if b else c", "Unsupported filter expression: IfExp"),
        ("* WHERE lambda: 1", "Unsupported filter expression: Lambda"),
        ("* WHERE a == 1, b == 2", "Unsupported filter expression: Tuple"),
        ("* WHERE a == 1,", "Unsupported filter expression: Tuple"),
        ("* WHERE a.match", "Unsupported filter expression: Attribute"),
        ("* WHERE [a == 1]", "Unsupported filter expression: List"),
        ("* WHERE a + b", "Unsupported filter expression: BinOp"),
        ("* WHERE a or 1", "Unsupported filter expression: Name"),
        ("* WHERE a == 1 or 1", "Unsupported filter expression: Constant"),
        ("* WHERE not b", "Unsupported filter expression: Name"),
        // midcli reports the first failure in its own (depth-first) order
        ("* WHERE a == b'x' or 1 > a", "Unsupported left operand Constant"),
        ("* WHERE a > b or c is d", "Unsupported right operand Name"),
        // values JSON cannot carry
        ("* WHERE a == b'x'", "Object of type bytes is not JSON serializable"),
        ("* WHERE b'x' in a", "Object of type bytes is not JSON serializable"),
        ("* WHERE a == 1j", "Object of type complex is not JSON serializable"),
        ("* WHERE a == ...", "Object of type ellipsis is not JSON serializable"),
        ("* WHERE a in [1, 1e400]", "Out of range float values are not JSON compliant"),
        // not
        ("* WHERE not a.match('x')", "Cannot negate a regular expression match"),
        (
            "* WHERE b == 1 and not (a.match('x') or c == 1)",
            "Cannot negate a regular expression match",
        ),
        // Python syntax errors
        ("* WHERE id = 1", "invalid syntax\n id = 1\n    ^"),
        (
            "* WHERE a in (b = 1)",
            "invalid syntax. Maybe you meant '==' or ':=' instead of '='?\n a in (b = 1)\n       ^",
        ),
        ("* WHERE a == 1\n  or b", "unexpected indent\n   or b\n   ^"),
        ("* WHERE (a == 1 or", "'(' was never closed\n (a == 1 or\n ^"),
        (
            "* WHERE (a == 1 b c",
            "invalid syntax. Perhaps you forgot a comma?\n (a == 1 b c\n  ^",
        ),
        (
            "* WHERE a in [1 2]",
            "invalid syntax. Perhaps you forgot a comma?\n a in [1 2]\n       ^",
        ),
        (
            "* WHERE a == 1 \\",
            "unexpected character after line continuation character\n a == 1 \\\n        ^",
        ),
        ("* WHERE a == 1 AND b == 2", "invalid syntax\n a == 1 AND b == 2\n        ^"),
        ("* WHERE a <> 1", "invalid syntax\n a <> 1\n   ^"),
        ("* WHERE a == 1 and", "invalid syntax\n a == 1 and\n           ^"),
        ("* WHERE a == 1 &&", "invalid syntax\n a == 1 &&\n         ^"),
        ("* WHERE a === 1", "invalid syntax\n a === 1\n     ^"),
        ("* WHERE a == not b", "invalid syntax\n a == not b\n      ^"),
        ("* WHERE a not b", "invalid syntax\n a not b\n   ^"),
        ("* WHERE a == $", "invalid syntax\n a == $\n      ^"),
        ("* WHERE a == !b", "invalid syntax\n a == !b\n      ^"),
        ("* WHERE a == 1 if b", "expected 'else' after 'if' expression\n a == 1 if b\n            ^"),
        (
            "* WHERE a == 'x",
            "unterminated string literal (detected at line 1)\n a == 'x\n      ^",
        ),
        (
            "* WHERE a == '''x\ny",
            "unterminated triple-quoted string literal (detected at line 2)\n a == '''x\n      ^",
        ),
        ("* WHERE (a == 1", "'(' was never closed\n (a == 1\n ^"),
        ("* WHERE a == 1)", "unmatched ')'\n a == 1)\n       ^"),
        (
            "* WHERE a in [1, 2)",
            "closing parenthesis ')' does not match opening parenthesis '['\n a in [1, 2)\n           ^",
        ),
        (
            "* WHERE a == 01",
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers\n a == 01\n      ^",
        ),
        ("* WHERE a == 1abc", "invalid decimal literal\n a == 1abc\n      ^"),
        ("* WHERE a == 1_", "invalid decimal literal\n a == 1_\n      ^"),
        ("* WHERE a == 1e", "invalid decimal literal\n a == 1e\n      ^"),
        ("* WHERE a == 0x", "invalid hexadecimal literal\n a == 0x\n      ^"),
        ("* WHERE a == 0b2", "invalid digit '2' in binary literal\n a == 0b2\n        ^"),
        (
            "* WHERE a == '\\x4'",
            "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape\n a == '\\x4'\n      ^",
        ),
        (
            "* WHERE a == b'é'",
            "bytes can only contain ASCII literal characters\n a == b'é'\n      ^",
        ),
        (
            "* WHERE a == 'x' b'y'",
            "cannot mix bytes and nonbytes literals\n a == 'x' b'y'\n      ^",
        ),
        ("* WHERE a → 1", "invalid character '→' (U+2192)\n a → 1\n   ^"),
        ("* WHERE a ==\u{a0}1", "invalid non-printable character U+00A0\n a ==\u{a0}1\n     ^"),
        ("* WHERE a ==\n1", "invalid syntax\n a ==\n     ^"),
        ("* WHERE a == 1\nb == 2", "invalid syntax\n b == 2\n ^"),
        ("* WHERE a == 1 \\ 2", "unexpected character after line continuation character\n a == 1 \\ 2\n         ^"),
        ("* WHERE.x == 1", "invalid syntax\n .x == 1\n ^"),
        ("* WHERE a.if == 1", "invalid syntax\n a.if == 1\n   ^"),
        (
            "* WHERE a.match(x=1, 2)",
            "positional argument follows keyword argument\n a.match(x=1, 2)\n              ^",
        ),
        (
            "* WHERE a.match(b.c=1)",
            "expression cannot contain assignment, perhaps you meant \"==\"?\n a.match(b.c=1)\n         ^",
        ),
        // the column list
        ("*,id", "Expected end of text, found ','\n *,id\n  ^"),
        ("uid, 1", "Expected end of text, found ','\n uid, 1\n    ^"),
        ("uid name", "Expected end of text, found 'n'\n uid name\n     ^"),
        ("_uid", "Expected {column [, column]... | '*'}, found '_'\n _uid\n ^"),
        ("  1abc", "Expected {column [, column]... | '*'}, found '1'\n   1abc\n   ^"),
        ("\u{a0}uid", "Expected {column [, column]... | '*'}, found '\\xa0'\n \u{a0}uid\n ^"),
        ("* WHERE", "Expected end of text, found 'W'\n * WHERE\n   ^"),
        ("uid WHERE", "Expected end of text, found 'W'\n uid WHERE\n     ^"),
        ("* WHERE$ x", "Expected end of text, found 'W'\n * WHERE$ x\n   ^"),
        ("**", "Expected end of text, found '*'\n **\n  ^"),
        ("uid\\", "Expected end of text, found '\\'\n uid\\\n    ^"),
        ("uid \"x", "Expected end of text, found '\"'\n uid \"x\n     ^"),
        ("uid 'x", "Expected end of text, found \"'\"\n uid 'x\n     ^"),
        ("uid\n  x", "Expected end of text, found 'x'\n   x\n   ^"),
        ("uid\tx", "Expected end of text, found 'x'\n uid     x\n         ^"),
        ("uid LIMITS 5", "Expected end of text, found 'L'\n uid LIMITS 5\n     ^"),
    ];

    #[test]
    fn errors_have_midcli_messages() {
        for (text, want) in ERRORS {
            assert_eq!(error(text), *want, "{text:?}");
        }
    }

    /// Whole inputs using the ORDER BY / LIMIT / OFFSET extension: (text, filters, options).
    const EXTENSION: &[(&str, &str, &str)] = &[
        (
            "* WHERE a == 1 ORDER BY name",
            r#"[["a","=",1]]"#,
            r#"{"order_by":["name"]}"#,
        ),
        (
            "* where a == 1 order by name desc",
            r#"[["a","=",1]]"#,
            r#"{"order_by":["-name"]}"#,
        ),
        (
            "* ORDER BY name ASC, uid DESC NULLS LAST LIMIT 10 OFFSET 5",
            "[]",
            r#"{"order_by":["name","nulls_last:-uid"],"limit":10,"offset":5}"#,
        ),
        (
            "* WHERE a in [1, 2] Order By x Nulls First",
            r#"[["a","in",[1,2]]]"#,
            r#"{"order_by":["nulls_first:x"]}"#,
        ),
        ("* OFFSET 0", "[]", r#"{"offset":0}"#),
        ("* LIMIT 10000", "[]", r#"{"limit":10000}"#),
        ("* LIMIT +1", "[]", r#"{"limit":1}"#),
        ("*LIMIT 1", "[]", r#"{"limit":1}"#),
        ("* WHERE LIMIT 5", "[]", r#"{"limit":5}"#),
        (
            "* WHERE limit == 5 LIMIT 10",
            r#"[["limit","=",5]]"#,
            r#"{"limit":10}"#,
        ),
        (
            "* WHERE order == 1 ORDER BY order",
            r#"[["order","=",1]]"#,
            r#"{"order_by":["order"]}"#,
        ),
        (
            "* WHERE a == 1 and b == 2 LIMIT 3",
            r#"[["a","=",1],["b","=",2]]"#,
            r#"{"limit":3}"#,
        ),
        (
            "* WHERE a.startswith('x') ORDER BY state.name, b_2 LIMIT 1 OFFSET 2",
            r#"[["a","^","x"]]"#,
            r#"{"order_by":["state.name","b_2"],"limit":1,"offset":2}"#,
        ),
        (
            "* WHERE a == 1\nlimit 5",
            r#"[["a","=",1]]"#,
            r#"{"limit":5}"#,
        ),
        (
            "* WHERE a == 'LIMIT 5' LIMIT 6",
            r#"[["a","=","LIMIT 5"]]"#,
            r#"{"limit":6}"#,
        ),
        (
            "* WHERE a in [1,\r\n2]\r\nOFFSET 3",
            r#"[["a","in",[1,2]]]"#,
            r#"{"offset":3}"#,
        ),
        (
            "* WHERE a == 1 # c\nLIMIT 2",
            r#"[["a","=",1]]"#,
            r#"{"limit":2}"#,
        ),
        (
            "* WHERE a == 1 LIMIT 2\u{1c}",
            r#"[["a","=",1]]"#,
            r#"{"limit":2}"#,
        ),
        (
            "* WHERE a == -1 ORDER BY limit",
            r#"[["a","=",-1]]"#,
            r#"{"order_by":["limit"]}"#,
        ),
    ];

    #[test]
    fn extension_maps_to_options() {
        for (text, filters, options) in EXTENSION {
            let q = parsed(text);
            assert_eq!(Value::Array(q.filters), json(filters), "{text:?}");
            assert_eq!(Value::Object(q.options), json(options), "{text:?}");
        }
        let q = parsed("uid,name LIMIT 5");
        assert_eq!(q.columns, Some(vec!["uid".to_string(), "name".to_string()]));
        assert_eq!(Value::Object(q.options), json(r#"{"limit":5}"#));
    }

    const EXTENSION_ERRORS: &[(&str, &str)] = &[
        ("* LIMIT 0", "LIMIT must be between 1 and 10000, found '0'\n * LIMIT 0\n         ^"),
        (
            "* LIMIT 10001",
            "LIMIT must be between 1 and 10000, found '10001'\n * LIMIT 10001\n         ^",
        ),
        (
            "* LIMIT 99999999999999999999999",
            "LIMIT must be between 1 and 10000, found '99999999999999999999999'\n * LIMIT 99999999999999999999999\n         ^",
        ),
        ("* LIMIT x", "Expected an integer after LIMIT, found 'x'\n * LIMIT x\n         ^"),
        ("* LIMIT 5x", "Expected an integer after LIMIT, found '5x'\n * LIMIT 5x\n         ^"),
        ("* LIMIT", "Expected an integer after LIMIT, found end of text"),
        ("* OFFSET -1", "OFFSET must not be negative, found '-1'\n * OFFSET -1\n          ^"),
        ("* ORDER name", "Expected BY after ORDER, found 'name'\n * ORDER name\n         ^"),
        (
            "* WHERE a == 1 ORDER name",
            "invalid syntax\n a == 1 ORDER name\n        ^",
        ),
        (
            "* WHERE a == 1 or x in order",
            "Unsupported right operand Name",
        ),
        ("* ORDER BY", "Expected a field name, found end of text"),
        ("* ORDER BY -name", "Expected a field name, found '-'\n * ORDER BY -name\n            ^"),
        ("* ORDER BY name,", "Expected a field name, found end of text"),
        ("* ORDER BY name NULLS", "Expected FIRST or LAST after NULLS, found end of text"),
        (
            "* ORDER BY name DESC NULLS NONE",
            "Expected FIRST or LAST after NULLS, found 'NONE'\n * ORDER BY name DESC NULLS NONE\n                            ^",
        ),
        (
            "* LIMIT 5 ORDER BY name",
            "Expected OFFSET or end of text, found 'ORDER'\n * LIMIT 5 ORDER BY name\n           ^",
        ),
        (
            "* OFFSET 5 LIMIT 5",
            "Expected end of text, found 'LIMIT'\n * OFFSET 5 LIMIT 5\n            ^",
        ),
        (
            "* ORDER BY name DESCENDING",
            "Expected ASC, DESC, NULLS, ',', LIMIT, OFFSET or end of text, found 'DESCENDING'\n * ORDER BY name DESCENDING\n                 ^",
        ),
        (
            "* ORDER BY name ASC;",
            "Expected NULLS, ',', LIMIT, OFFSET or end of text, found ';'\n * ORDER BY name ASC;\n                    ^",
        ),
        (
            "* WHERE a == 1 LIMIT abc",
            "Expected an integer after LIMIT, found 'abc'\n * WHERE a == 1 LIMIT abc\n                      ^",
        ),
        (
            "* WHERE a == 1 LIMIT 5 x",
            "Expected OFFSET or end of text, found 'x'\n * WHERE a == 1 LIMIT 5 x\n                        ^",
        ),
        (
            "* WHERE limit == 5 LIMIT 0",
            "LIMIT must be between 1 and 10000, found '0'\n * WHERE limit == 5 LIMIT 0\n                          ^",
        ),
        ("* WHERE a == == 1 LIMIT 5", "invalid syntax\n a == == 1\n      ^"),
        ("* WHERE a == LIMIT 5", "invalid syntax\n a ==\n     ^"),
        ("* WHERE a == 1 LIMITS 5", "invalid syntax\n a == 1 LIMITS 5\n        ^"),
        ("* WHERE uid LIMIT 5", "Unsupported filter expression: Name"),
        ("* WHERE not a.match('x') LIMIT 5", "Cannot negate a regular expression match"),
        (
            "* WHERE a in [1 LIMIT 5",
            "invalid syntax. Perhaps you forgot a comma?\n a in [1 LIMIT 5\n       ^",
        ),
    ];

    #[test]
    fn extension_errors_point_at_the_token() {
        for (text, want) in EXTENSION_ERRORS {
            assert_eq!(error(text), *want, "{text:?}");
        }
    }

    #[test]
    fn select_keeps_row_order() {
        let columns = vec!["name".to_string(), "id".to_string()];
        let cases = [
            (
                r#"[{"id":1,"x":0,"name":"a"},{"name":"b","y":2}]"#,
                r#"[{"id":1,"name":"a"},{"name":"b"}]"#,
            ),
            (r#"{"x":1,"name":"a","id":2}"#, r#"{"name":"a","id":2}"#),
            (r#"[1,"x",null,{"zz":1}]"#, r#"[1,"x",null,{}]"#),
            (r#"[[{"id":1,"q":2}]]"#, r#"[[{"id":1}]]"#),
            (r#"[{"state":{"name":1},"name.x":2}]"#, "[{}]"),
            ("5", "5"),
        ];
        for (rows, want) in cases {
            assert_eq!(select_columns(&json(rows), &columns), json(want), "{rows}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = |open: &str, close: &str, n: usize| {
            format!("* WHERE a == {}1{}", open.repeat(n), close.repeat(n))
        };
        // The deepest accepted nesting must fit a 2 MiB test thread even unoptimised.
        assert!(parse(&deep("(", ")", 100)).is_ok());
        assert!(parse(&deep("[", "]", 100)).is_ok());
        assert!(parse(&deep("{", "}", 100)).is_ok());
        assert!(parse(&deep("a.startswith(", ")", 100)).is_err());
        let e = error(&deep("(", ")", 101));
        assert!(e.starts_with("expression too deeply nested"), "{e}");
        for text in [
            deep("-(", ")", 150),
            deep("[-", "]", 199),
            deep("[*", "]", 199),
            deep("{**", "}", 199),
            deep("-", "", 5000),
            deep("not ", "", 5000),
            deep("lambda: ", "", 5000),
            deep("a if b else ", "", 5000),
            deep("x**", "", 5000),
            deep("a(", ")", 150),
        ] {
            let e = error(&text);
            assert!(
                e.starts_with("expression too deeply nested")
                    || e.starts_with("Unsupported")
                    || e.starts_with("invalid syntax"),
                "{e}"
            );
        }
        let e = error(&deep("(", ")", 201));
        assert!(e.starts_with("too many nested parentheses"), "{e}");
    }

    #[test]
    fn huge_integers_are_bounded() {
        let big = "9".repeat(4300);
        let q = parsed(&format!("* WHERE a == {big}"));
        assert_eq!(q.filters[0][2].to_string(), big);
        let e = error(&format!("* WHERE a == {}", "9".repeat(4301)));
        assert!(e.starts_with("Exceeds the limit (4300 digits)"), "{e}");
        let e = error(&format!("* WHERE a == 0x{}", "f".repeat(5000)));
        assert!(e.starts_with("Exceeds the limit (4300 digits)"), "{e}");
    }

    #[test]
    fn display_is_the_message() {
        let e = QueryError::new("x\n y");
        assert_eq!(e.to_string(), "x\n y");
    }

    /// A tiny deterministic generator (xorshift), so the test needs no extra crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const FRAGMENTS: &[&str] = &[
        "*",
        "uid",
        ",",
        " ",
        "WHERE",
        "where",
        "a",
        "==",
        "!=",
        "<",
        ">=",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "'",
        "\"",
        "'''",
        "\\",
        "#",
        "\n",
        "\r",
        "\t",
        "and",
        "or",
        "not",
        "in",
        "is",
        "1",
        "0x",
        "0b",
        "1e",
        ".",
        "_",
        "-",
        "+",
        "~",
        "ORDER BY",
        "LIMIT",
        "OFFSET",
        "DESC",
        "NULLS",
        "FIRST",
        "é",
        "→",
        "\u{0}",
        "\u{a0}",
        "\u{1c}",
        "b'",
        "f'",
        "r'",
        "lambda",
        ":",
        "=",
        ":=",
        "**",
        "for",
        "if",
        "else",
        "yield",
        "await",
        "...",
        "j",
        "\\x",
        "\\u",
        "\\U",
        "\\N{",
        "\\777",
        ".match(",
        ".startswith(",
        "😀",
        "0",
        "9",
        "True",
        "null",
        "\\ud800",
        "$",
        "!",
        "<>",
        "5",
        "10001",
    ];

    #[test]
    fn mangled_inputs_never_panic() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let seeds: Vec<&str> = MIDCLI_FILTERS
            .iter()
            .chain(REWRITTEN_FILTERS)
            .map(|(c, _)| *c)
            .chain(ERRORS.iter().map(|(t, _)| *t))
            .chain(EXTENSION.iter().map(|(t, _, _)| *t))
            .collect();
        for round in 0..30_000 {
            let text = if round % 3 == 2 {
                let n = rng.below(40);
                (0..n)
                    .map(|_| char::from_u32(32 + rng.below(95) as u32).unwrap_or(' '))
                    .collect::<String>()
            } else if round % 3 == 0 {
                let n = 1 + rng.below(24);
                (0..n)
                    .map(|_| FRAGMENTS[rng.below(FRAGMENTS.len())])
                    .collect::<String>()
            } else {
                let seed = seeds[rng.below(seeds.len())];
                let mut chars: Vec<char> = format!("* WHERE {seed}").chars().collect();
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(chars.len() + 1);
                    match rng.below(3) {
                        0 if at < chars.len() => {
                            chars.remove(at);
                        }
                        1 => {
                            let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                            for (k, c) in frag.chars().enumerate() {
                                chars.insert(at + k, c);
                            }
                        }
                        _ => chars.truncate(at),
                    }
                }
                chars.into_iter().collect()
            };
            if let Ok(q) = parse(&text) {
                // Whatever parses must be sendable.
                assert!(serde_json::to_string(&q.filters).is_ok(), "{text:?}");
            }
        }
    }
}
