//! Query engine of the built-in TrueNAS API emulator: applies query filters and options to
//! in-memory rows the way the middleware's `filter_list` does.
//!
//! Reference: middleware 27.0 (`utils/filter_list.py`, which wraps the `truenas_pyfilter` C
//! extension of `truenas/truenas_pyos`) and the pydantic validation of `QueryArgs`
//! (`api/v27_0_0/common.py`, messages as rendered by `api/base/handler/accept.py`).
//! Python semantics are modelled on JSON: object = dict, array = list, null = None,
//! bool = bool (an int subclass), integer literal = int, any other number = float.
//!
//! Deliberate deviations, because the public API has no other error kinds:
//! * Exceptions the server lets escape as a generic `-32001` error (TypeError while comparing
//!   or sorting, a bad regex, a `get`/`offset` clash, a bad `.$date`, ...) are reported as
//!   `Invalid` on `filters` or `options`; ValueErrors keep pydantic's `Value error, ` prefix,
//!   which is how 26.0 (pure-Python validators) reported most of them.
//! * Regexes run on Rust's `regex` engine: look-around and back-references are refused.
//! * A naive `.$date` timestamp is taken as UTC (Python would refuse to order it against the
//!   aware datetimes ejson decodes to).
//! * Attribute lookups on scalars and lists (`"name.upper"`, `"list.count"`) are treated as
//!   missing attributes.
//! * Of the ejson types only `{"$date": ms}` is understood (it compares and sorts as the
//!   datetime it stands for); `$time`, `$set` and the rest behave as plain objects.

mod filters;
mod options;
#[cfg(test)]
mod tests;

use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

use filters::{compile_list, date_walk, eval_all, Node, Op};
use options::{check_options, compile_options, project, sort_pass, Opts};

/// Why a query was refused. `Invalid` becomes a JSON-RPC -32602 validation error
/// (one [attribute, message, errno 22] triple per entry); `MatchNotFound` becomes the
/// -32001 error the real server gives for `get: true` without a match.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum QueryError {
    Invalid(Vec<(String, String)>), // (attribute, message)
    MatchNotFound,
}

/// Apply `filters` (the JSON value of the first query argument, normally an array) and
/// `options` (the second argument, normally an object) to `rows`. Returns what the
/// server's `*.query` method would return: a list, one object (`get`), or an integer (`count`).
/// Callers substitute `[]` / `{}` for omitted arguments: an explicit `null` is refused, as upstream.
pub(super) fn run_query(
    rows: Vec<Value>,
    filters: &Value,
    options: &Value,
) -> Result<Value, QueryError> {
    let (nodes, opts) = prepare(filters, options)?;
    // get without order_by stops at the first hit, so later rows never get to raise.
    let first_only = opts.get && opts.order.is_empty();
    let mut out = Vec::new();
    for row in rows {
        if eval_all(&row, &nodes).map_err(|e| e.into_query("filters"))? {
            out.push(row);
            if first_only {
                break;
            }
        }
    }
    let opt_err = |e: PyErr| e.into_query("options");
    // Upstream pipeline: select, count, order_by, offset, limit, then get takes the first.
    if !opts.select.is_empty() {
        out = out
            .iter()
            .map(|r| project(r, &opts.select))
            .collect::<Py<_>>()
            .map_err(opt_err)?;
    }
    if opts.count {
        return Ok(Value::from(out.len()));
    }
    for spec in opts.order.iter().rev() {
        out = sort_pass(out, spec).map_err(opt_err)?;
    }
    let mut out: Vec<Value> = out.into_iter().skip(opts.offset).collect();
    if opts.limit > 0 {
        out.truncate(opts.limit);
    }
    if opts.get {
        return out.into_iter().next().ok_or(QueryError::MatchNotFound);
    }
    Ok(Value::Array(out))
}

/// Validate only (used before running): same errors as `run_query` would give for bad input.
#[cfg(test)]
pub(super) fn validate(filters: &Value, options: &Value) -> Result<(), QueryError> {
    prepare(filters, options).map(|_| ())
}

/// Does one row match the filter list? (used for event subscriptions and `core.get_jobs`)
#[cfg(test)]
pub(super) fn matches(row: &Value, filters: &Value) -> Result<bool, QueryError> {
    let (nodes, _) = prepare(filters, &Value::Object(serde_json::Map::new()))?;
    eval_all(row, &nodes).map_err(|e| e.into_query("filters"))
}

/// A Python exception. ValueError is singled out because pydantic turns only that one into a
/// validation error; any other exception escapes from validation and aborts it.
#[derive(Debug)]
enum PyErr {
    Value(String),
    Other(String),
}
type Py<T> = Result<T, PyErr>;

impl PyErr {
    fn into_query(self, attr: &str) -> QueryError {
        let (PyErr::Value(m) | PyErr::Other(m)) = self;
        invalid(attr, m)
    }
    fn into_validation(self, attr: &str) -> QueryError {
        match self {
            PyErr::Value(m) => invalid(attr, format!("Value error, {m}")),
            PyErr::Other(m) => invalid(attr, m),
        }
    }
}

fn invalid(attr: &str, msg: impl Into<String>) -> QueryError {
    QueryError::Invalid(vec![(attr.to_string(), msg.into())])
}

fn type_err<T>(msg: String) -> Py<T> {
    Err(PyErr::Other(msg))
}

static NULL: Value = Value::Null;
const DATE_SUFFIX: &str = ".$date";
const TIMESTAMP_OPS: [&str; 6] = ["=", "!=", "<", ">", "<=", ">="];
const MAX_DEPTH: usize = 64;
const EXTRA: &str = "Extra inputs are not permitted";

/// Two stages, as upstream: the API layer (pydantic model + `compile_filters`) reports every
/// field's errors together; `filter_list` itself then runs its own checks one at a time.
fn prepare(filters: &Value, options: &Value) -> Result<(Vec<Node>, Opts), QueryError> {
    let mut errs = Vec::new();
    match filters {
        Value::Array(items) => match compile_list(items, false) {
            Ok(_) => {}
            Err(PyErr::Value(m)) => errs.push(("filters".to_string(), format!("Value error, {m}"))),
            Err(e) => return Err(e.into_validation("filters")),
        },
        _ => errs.push((
            "filters".to_string(),
            "Input should be a valid list".to_string(),
        )),
    }
    let raw = check_options(options, &mut errs);
    let (Some(raw), Value::Array(items), true) = (raw, filters, errs.is_empty()) else {
        return Err(QueryError::Invalid(errs));
    };
    date_walk(items, 0).map_err(|e| e.into_validation("filters"))?;
    let nodes = compile_list(items, true).map_err(|e| e.into_validation("filters"))?;
    let opts = compile_options(raw).map_err(|e| e.into_validation("options"))?;
    Ok((nodes, opts))
}

/// Python's sequence protocol: the C engine walks filters with it, so a string counts as a
/// sequence of one-character strings (`"a=b"` is a valid condition upstream).
fn seq(v: &Value) -> Py<Cow<'_, [Value]>> {
    match v {
        Value::Array(a) => Ok(Cow::Borrowed(a.as_slice())),
        Value::String(s) => Ok(Cow::Owned(
            s.chars().map(|c| Value::String(c.to_string())).collect(),
        )),
        Value::Object(_) => type_err("dict is not a sequence".into()),
        other => type_err(format!("object of type '{}' has no len()", tname(other))),
    }
}

/// Splits on dots; a backslash right before a dot makes it part of the key.
fn split_path(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pieces = s.split('.');
    while let Some(piece) = pieces.next() {
        let mut seg = piece.to_string();
        while seg.ends_with('\\') {
            let Some(next) = pieces.next() else { break };
            seg.pop();
            seg.push('.');
            seg.push_str(next);
        }
        out.push(seg);
    }
    out
}

/// Array index as upstream parses it with C `strtol`: whitespace and a sign are tolerated,
/// the value must be non-negative and the whole key consumed.
fn c_index(key: &str) -> Option<usize> {
    let t = key.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: i64 = digits.parse().ok()?;
    match (neg, v) {
        (true, 0) => Some(0),
        (true, _) => None,
        _ => Some(usize::try_from(v).unwrap_or(usize::MAX)),
    }
}

#[derive(Clone, Copy)]
enum Num {
    I(i128),
    F(f64),
}

impl Num {
    fn f(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::F(f) => f,
        }
    }
}

fn is_int_lit(s: &str) -> bool {
    !s.contains(['.', 'e', 'E'])
}

fn num(v: &Value) -> Option<Num> {
    match v {
        Value::Bool(b) => Some(Num::I(i128::from(*b))),
        Value::Number(n) => {
            let s = n.as_str();
            match s.parse::<i128>() {
                Ok(i) if is_int_lit(s) => Some(Num::I(i)),
                _ => s.parse::<f64>().ok().map(Num::F),
            }
        }
        _ => None,
    }
}

fn num_cmp(a: Num, b: Num) -> Ordering {
    match (a, b) {
        (Num::I(x), Num::I(y)) => x.cmp(&y),
        _ => a.f().partial_cmp(&b.f()).unwrap_or(Ordering::Equal),
    }
}

fn tname(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if is_int_lit(n.as_str()) => "int",
        Value::Number(_) => "float",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) if date_micros(v).is_some() => "datetime.datetime",
        Value::Object(_) => "dict",
    }
}

fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => matches!((num(a), num(b)), (Some(x), Some(y)) if num_cmp(x, y) == Ordering::Equal),
    }
}

/// Python's `<`, `<=`, `>`, `>=`: TypeError between unrelated types; lists compare at their
/// first unequal element.
fn py_order(op: Op, a: &Value, b: &Value) -> Py<bool> {
    let ord = match (a, b) {
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Array(xs), Value::Array(ys)) => {
            if let Some((x, y)) = xs.iter().zip(ys).find(|(x, y)| !py_eq(x, y)) {
                return py_order(op, x, y);
            }
            xs.len().cmp(&ys.len())
        }
        // ejson datetimes are datetime objects on the server, so they order among themselves.
        _ => match (num(a), num(b), date_micros(a), date_micros(b)) {
            (Some(x), Some(y), ..) => num_cmp(x, y),
            (.., Some(x), Some(y)) => x.cmp(&y),
            _ => {
                let (sym, left, right) = (op.sym(), tname(a), tname(b));
                return type_err(format!(
                    "'{sym}' not supported between instances of '{left}' and '{right}'"
                ));
            }
        },
    };
    Ok(op.holds(ord))
}

/// An ejson datetime `{"$date": <ms>}` (exactly that key) in microseconds. Other ejson types
/// (`$time`, `$set`, ...) stay plain objects here.
fn date_micros(v: &Value) -> Option<i128> {
    let m = v.as_object().filter(|m| m.len() == 1)?;
    match num(m.get("$date")?)? {
        Num::I(ms) => ms.checked_mul(1000),
        Num::F(ms) => Some((ms * 1000.0).round() as i128),
    }
}
