//! Query engine of the built-in TrueNAS API emulator: applies query filters and options to
//! in-memory rows the way the middleware's `filter_list` does.
//!
//! Reference: middleware 27.0 (`utils/filter_list.py`, which wraps the `truenas_pyfilter` C
//! extension of truenas/truenas_pyos) and the pydantic validation of `QueryArgs`
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

use regex::Regex;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cmp::Ordering;

use crate::py::datetime::datetime_from_iso as parse_iso;
use crate::py::repr::{value_repr as py_repr, value_str as py_str};

/// Why a query was refused. `Invalid` becomes a JSON-RPC -32602 validation error
/// (one [attribute, message, errno 22] triple per entry); `MatchNotFound` becomes the
/// -32001 error the real server gives for `get: true` without a match.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryError {
    Invalid(Vec<(String, String)>), // (attribute, message)
    MatchNotFound,
}

/// Apply `filters` (the JSON value of the first query argument, normally an array) and
/// `options` (the second argument, normally an object) to `rows`. Returns what the
/// server's `*.query` method would return: a list, one object (`get`), or an integer (`count`).
/// Callers substitute `[]` / `{}` for omitted arguments: an explicit `null` is refused, as upstream.
pub fn run_query(rows: Vec<Value>, filters: &Value, options: &Value) -> Result<Value, QueryError> {
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

/// Validate only (used before running): same errors as run_query would give for bad input.
pub fn validate(filters: &Value, options: &Value) -> Result<(), QueryError> {
    prepare(filters, options).map(|_| ())
}

/// Does one row match the filter list? (used for event subscriptions and `core.get_jobs`)
pub fn matches(row: &Value, filters: &Value) -> Result<bool, QueryError> {
    let (nodes, _) = prepare(filters, &Value::Object(Map::new()))?;
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

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Re,
    In,
    Nin,
    Rin,
    Rnin,
    Sw,
    Nsw,
    Ew,
    New,
}

const OP_NAMES: [&str; 15] = [
    "=", "!=", ">", ">=", "<", "<=", "~", "in", "nin", "rin", "rnin", "^", "!^", "$", "!$",
];
const OPS: [Op; 15] = [
    Op::Eq,
    Op::Ne,
    Op::Gt,
    Op::Ge,
    Op::Lt,
    Op::Le,
    Op::Re,
    Op::In,
    Op::Nin,
    Op::Rin,
    Op::Rnin,
    Op::Sw,
    Op::Nsw,
    Op::Ew,
    Op::New,
];

impl Op {
    fn parse(s: &str) -> Option<Op> {
        OP_NAMES
            .iter()
            .position(|n| *n == s)
            .and_then(|i| OPS.get(i).copied())
    }
    fn holds(self, o: Ordering) -> bool {
        match self {
            Op::Eq => o == Ordering::Equal,
            Op::Ne => o != Ordering::Equal,
            Op::Gt => o == Ordering::Greater,
            Op::Ge => o != Ordering::Less,
            Op::Lt => o == Ordering::Less,
            Op::Le => o != Ordering::Greater,
            _ => false,
        }
    }
    fn sym(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            _ => "<=",
        }
    }
}

enum Operand {
    Json(Value),
    /// Microseconds since the epoch, from a `.$date` ISO-8601 string.
    Date(i128),
}

struct Leaf {
    path: Vec<String>,
    op: Op,
    ci: bool,
    /// Already case-folded for `C` operators, like upstream folds it once at compile time.
    value: Operand,
    regex: Option<Regex>,
}

enum Node {
    Leaf(Leaf),
    Or(Vec<Node>),
    And(Vec<Node>),
}

struct SelectSpec {
    keys: Vec<String>,
    rename: Option<String>,
}

#[derive(PartialEq)]
enum Nulls {
    Sorted,
    First,
    Last,
}

struct OrderSpec {
    keys: Vec<String>,
    top_key: String,
    reverse: bool,
    nulls: Nulls,
}

struct Opts {
    select: Vec<SelectSpec>,
    order: Vec<OrderSpec>,
    count: bool,
    get: bool,
    offset: usize,
    limit: usize,
}

#[derive(Default)]
struct RawOpts<'a> {
    select: &'a [Value],
    order_by: Vec<&'a str>,
    count: bool,
    get: bool,
    offset: i128,
    limit: i128,
}

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

const OPTION_KEYS: [&str; 9] = [
    "extra",
    "order_by",
    "select",
    "count",
    "get",
    "offset",
    "limit",
    "force_sql_filters",
    "delete_invalid_rows",
];

/// Pydantic's strict `QueryOptions` (extra="forbid", str_max_length=1024), field by field in
/// declaration order, unknown keys after the fields.
fn check_options<'a>(options: &'a Value, errs: &mut Vec<(String, String)>) -> Option<RawOpts<'a>> {
    let Value::Object(m) = options else {
        let msg = "Input should be a valid dictionary or instance of QueryOptions";
        errs.push(("options".to_string(), msg.to_string()));
        return None;
    };
    let mut raw = RawOpts::default();
    // accept.py holds back errors whose last location is a union member tag containing "["
    // (here `list[any]`) and adds them after every other error.
    let mut unions = Vec::new();
    let mut err = |k: String, msg: &str| errs.push((format!("options.{k}"), msg.to_string()));
    for key in OPTION_KEYS {
        let Some(v) = m.get(key) else { continue };
        match key {
            "extra" if !v.is_object() => err(key.into(), "Input should be a valid dictionary"),
            "order_by" | "select" => match v.as_array() {
                None => err(key.into(), "Input should be a valid list"),
                Some(items) if key == "select" => {
                    raw.select = items;
                    for (i, s) in items.iter().enumerate() {
                        let msg = match s {
                            Value::Array(_) => continue,
                            Value::String(s) if !too_long(s) => continue,
                            Value::String(_) => TOO_LONG,
                            _ => "Input should be a valid string",
                        };
                        err(format!("select.{i}.constrained-str"), msg);
                        unions.push((
                            format!("options.select.{i}"),
                            "Input should be a valid list".to_string(),
                        ));
                    }
                }
                Some(items) => {
                    for (i, s) in items.iter().enumerate() {
                        match s.as_str() {
                            Some(s) if too_long(s) => err(format!("order_by.{i}"), TOO_LONG),
                            Some(s) => raw.order_by.push(s),
                            None => err(format!("order_by.{i}"), "Input should be a valid string"),
                        }
                    }
                }
            },
            "count" | "get" | "force_sql_filters" => match v {
                Value::Bool(b) if key == "count" => raw.count = *b,
                Value::Bool(b) if key == "get" => raw.get = *b,
                Value::Bool(_) => {}
                _ => err(key.into(), "Input should be a valid boolean"),
            },
            "offset" | "limit" => match strict_int(v) {
                None => err(key.into(), "Input should be a valid integer"),
                Some(n) if n < 0 => err(key.into(), "Input should be greater than or equal to 0"),
                Some(n) if key == "limit" && n > 10000 => {
                    err(key.into(), "Input should be less than or equal to 10000")
                }
                Some(n) if key == "limit" => raw.limit = n,
                Some(n) => raw.offset = n,
            },
            "delete_invalid_rows" => {
                // A Private field: any value that differs from its default (Python `False`,
                // which also equals 0) is refused as if the key were unknown.
                let falsy = matches!(v, Value::Bool(false)) || num(v).is_some_and(|n| n.f() == 0.0);
                if !falsy {
                    err(key.into(), EXTRA);
                } else if !v.is_boolean() {
                    err(key.into(), "Input should be a valid boolean");
                }
            }
            _ => {}
        }
    }
    for k in m.keys().filter(|k| !OPTION_KEYS.contains(&k.as_str())) {
        err(k.clone(), EXTRA);
    }
    errs.extend(unions);
    Some(raw)
}

const TOO_LONG: &str = "String should have at most 1024 characters";

fn too_long(s: &str) -> bool {
    s.chars().count() > 1024
}

fn strict_int(v: &Value) -> Option<i128> {
    let Value::Number(n) = v else { return None };
    let s = n.as_str();
    // Python ints are unbounded: saturate rather than refuse a huge literal.
    is_int_lit(s).then(|| {
        s.parse().unwrap_or(if s.starts_with('-') {
            i128::MIN
        } else {
            i128::MAX
        })
    })
}

/// `compile_options` of truenas_pyfilter; runs after the model accepted the options.
fn compile_options(raw: RawOpts) -> Py<Opts> {
    let value_err = |m: String| Err(PyErr::Value(m));
    if raw.get && raw.limit > 1 {
        return value_err("get=True is incompatible with limit > 1".into());
    }
    if raw.get && raw.offset != 0 {
        return value_err("get=True is incompatible with offset".into());
    }
    let mut select = Vec::new();
    for s in raw.select {
        let (target, rename) = match s {
            Value::String(t) => (t, None),
            Value::Array(pair) => match pair.as_slice() {
                [Value::String(t), Value::String(r)] => (t, Some(r.clone())),
                [Value::String(_), _] => {
                    return value_err(format!("{}: second item must be a string", py_repr(s)))
                }
                [_, _] => return value_err(format!("{}: first item must be a string", py_repr(s))),
                _ => {
                    let msg = "select as list may only contain two parameters";
                    return value_err(format!("{}: {msg}", py_repr(s)));
                }
            },
            _ => return type_err("filter_list: select spec must be str or [str, str]".into()),
        };
        select.push(SelectSpec {
            keys: split_path(target),
            rename,
        });
    }
    let mut order = Vec::new();
    for d in raw.order_by {
        let (nulls, rest) = if let Some(r) = d.strip_prefix("nulls_first:") {
            (Nulls::First, r)
        } else if let Some(r) = d.strip_prefix("nulls_last:") {
            (Nulls::Last, r)
        } else {
            (Nulls::Sorted, d)
        };
        let (reverse, field) = rest.strip_prefix('-').map_or((false, rest), |f| (true, f));
        if field.is_empty() {
            return value_err("filter_list: order_by field name is empty".into());
        }
        order.push(OrderSpec {
            keys: split_path(field),
            top_key: field.to_string(),
            reverse,
            nulls,
        });
    }
    Ok(Opts {
        select,
        order,
        count: raw.count,
        get: raw.get,
        offset: usize::try_from(raw.offset).unwrap_or(usize::MAX),
        limit: usize::try_from(raw.limit).unwrap_or(usize::MAX),
    })
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

fn compile_list(items: &[Value], dates: bool) -> Py<Vec<Node>> {
    items.iter().map(|f| compile_filter(f, 0, dates)).collect()
}

fn compile_filter(f: &Value, depth: usize, dates: bool) -> Py<Node> {
    if depth > MAX_DEPTH {
        return type_err("filter_list: maximum filter nesting depth exceeded".into());
    }
    let items = seq(f)?;
    match &items[..] {
        [name, op, value] => compile_leaf(name, op, value, dates),
        [tag, branches] => {
            if tag.as_str() != Some("OR") {
                return Err(PyErr::Value(
                    "filter_list: len-2 filter must start with \"OR\"".into(),
                ));
            }
            let branches = seq(branches)?;
            let mut children = Vec::new();
            for branch in branches.iter() {
                // Upstream peeks at branch[0] by indexing, which words its TypeError differently.
                let members = seq(branch).map_err(|e| match branch {
                    Value::Object(_) => e,
                    other => PyErr::Other(format!(
                        "'{}' object does not support indexing",
                        tname(other)
                    )),
                })?;
                let Some(first) = members.first() else {
                    let kind = if branch.is_string() { "string" } else { "list" };
                    return type_err(format!("{kind} index out of range"));
                };
                // A branch whose first element is a list is an AND group of conditions.
                children.push(if first.is_array() {
                    Node::And(
                        members
                            .iter()
                            .map(|m| compile_filter(m, depth + 1, dates))
                            .collect::<Py<_>>()?,
                    )
                } else {
                    compile_filter(branch, depth + 1, dates)?
                });
            }
            Ok(Node::Or(children))
        }
        other => Err(PyErr::Value(format!(
            "filter_list: invalid filter length {}",
            other.len()
        ))),
    }
}

fn compile_leaf(name: &Value, op: &Value, value: &Value, dates: bool) -> Py<Node> {
    let Value::String(op_text) = op else {
        return type_err("bad argument type for built-in operation".into());
    };
    let (ci, bare) = op_text
        .strip_prefix('C')
        .map_or((false, op_text.as_str()), |r| (true, r));
    let op = Op::parse(bare)
        .ok_or_else(|| PyErr::Value(format!("filter_list: unknown operator '{bare}'")))?;
    let Value::String(name) = name else {
        return type_err(format!("must be str, not {}", tname(name)));
    };
    if let (true, Some(field)) = (dates, name.strip_suffix(DATE_SUFFIX)) {
        let micros = value
            .as_str()
            .and_then(parse_iso)
            .ok_or_else(|| bad_timestamp(value))?;
        let path = split_path(field);
        return Ok(Node::Leaf(Leaf {
            path,
            op,
            ci,
            value: Operand::Date(micros),
            regex: None,
        }));
    }
    let folded = if ci {
        casefold_value(value)?
    } else {
        value.clone()
    };
    // The pattern is compiled unfolded, so `C~` folds only the field (upstream quirk).
    let regex = if op == Op::Re {
        Some(compile_regex(value)?)
    } else {
        None
    };
    Ok(Node::Leaf(Leaf {
        path: split_path(name),
        op,
        ci,
        value: Operand::Json(folded),
        regex,
    }))
}

/// filter_list.py's `.$date` pre-pass. It also caps nesting at depth 3 for every filter.
fn date_walk(filters: &[Value], depth: usize) -> Py<()> {
    if depth > 3 {
        return Err(PyErr::Value(
            "query-filters max recursion depth exceeded".into(),
        ));
    }
    for f in filters {
        let items = seq(f)?;
        match &items[..] {
            [Value::String(tag), branches] if tag == "OR" => date_walk(&seq(branches)?, depth + 1)?,
            [Value::Array(_), ..] => date_walk(&items, depth + 1)?,
            [Value::String(field), op, value] if field.ends_with(DATE_SUFFIX) => {
                if !op.as_str().is_some_and(|o| TIMESTAMP_OPS.contains(&o)) {
                    return Err(PyErr::Value(format!(
                        "{}: invalid timestamp operation.",
                        py_str(op)
                    )));
                }
                if value.as_str().and_then(parse_iso).is_none() {
                    return Err(bad_timestamp(value));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn bad_timestamp(value: &Value) -> PyErr {
    PyErr::Value(format!(
        "{}: must be an ISO-8601 formatted timestamp string",
        py_str(value)
    ))
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

fn eval_all(row: &Value, nodes: &[Node]) -> Py<bool> {
    for n in nodes {
        if !eval_node(row, n)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn eval_node(row: &Value, node: &Node) -> Py<bool> {
    match node {
        Node::Leaf(l) => eval_leaf(row, l, 0),
        Node::Or(children) => {
            for c in children {
                if eval_node(row, c)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Node::And(children) => eval_all(row, children),
    }
}

fn eval_leaf(row: &Value, leaf: &Leaf, start: usize) -> Py<bool> {
    let mut cur = row;
    for (i, key) in leaf.path.iter().enumerate().skip(start) {
        match cur {
            Value::Object(m) => match m.get(key.as_str()) {
                Some(v) => cur = v,
                None => return Ok(false), // a missing key never matches, not even `!=`
            },
            Value::Array(a) if key == "*" => {
                for e in a {
                    if eval_leaf(e, leaf, i + 1)? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            Value::Array(a) => match c_index(key) {
                Some(ix) => cur = a.get(ix).unwrap_or(&NULL),
                None => return Ok(false),
            },
            // Upstream falls back to getattr on scalars and, finding nothing, tests the scalar
            // itself with the rest of the path ignored.
            _ => break,
        }
    }
    apply(leaf, cur)
}

fn apply(leaf: &Leaf, val: &Value) -> Py<bool> {
    let value = match &leaf.value {
        Operand::Json(v) => v,
        Operand::Date(us) => {
            return match date_micros(val) {
                Some(v) => Ok(leaf.op.holds(v.cmp(us))),
                None if leaf.op == Op::Eq => Ok(false),
                None if leaf.op == Op::Ne => Ok(true),
                None => type_err(format!(
                    "'{}' not supported between instances of '{}' and 'datetime.datetime'",
                    leaf.op.sym(),
                    tname(val)
                )),
            }
        }
    };
    let folded;
    let src = if leaf.ci && !val.is_null() {
        folded = casefold_value(val)?;
        &folded
    } else {
        val
    };
    match leaf.op {
        Op::Eq => Ok(py_eq(src, value)),
        Op::Ne => Ok(!py_eq(src, value)),
        Op::Gt | Op::Ge | Op::Lt | Op::Le => py_order(leaf.op, src, value),
        Op::Re => {
            let text = match src {
                Value::Null => "",
                Value::String(s) => s,
                other => {
                    return type_err(format!(
                        "expected string or bytes-like object, got '{}'",
                        tname(other)
                    ))
                }
            };
            // re.match: the leftmost match starts at 0 whenever any match does.
            Ok(leaf
                .regex
                .as_ref()
                .is_some_and(|r| r.find(text).is_some_and(|m| m.start() == 0)))
        }
        Op::In => contains(value, src),
        _ if val.is_null() => Ok(false),
        Op::Nin => contains(value, src).map(|b| !b),
        Op::Rin => contains(src, value),
        Op::Rnin => contains(src, value).map(|b| !b),
        Op::Sw => affix(src, value, true),
        Op::Nsw => affix(src, value, true).map(|b| !b),
        Op::Ew => affix(src, value, false),
        Op::New => affix(src, value, false).map(|b| !b),
    }
}

/// Python `item in container`.
fn contains(container: &Value, item: &Value) -> Py<bool> {
    match (container, item) {
        (Value::Array(a), _) => Ok(a.iter().any(|e| py_eq(e, item))),
        (Value::String(s), Value::String(t)) => Ok(s.contains(t.as_str())),
        (Value::String(_), _) => type_err(format!(
            "'in <string>' requires string as left operand, not {}",
            tname(item)
        )),
        (Value::Object(m), Value::String(k)) => Ok(m.contains_key(k)),
        (Value::Object(_), Value::Array(_) | Value::Object(_)) => {
            type_err(format!("unhashable type: '{}'", tname(item)))
        }
        (Value::Object(_), _) => Ok(false),
        _ => type_err(format!(
            "argument of type '{}' is not iterable",
            tname(container)
        )),
    }
}

fn affix(src: &Value, value: &Value, start: bool) -> Py<bool> {
    match (src, value) {
        (Value::String(s), Value::String(t)) if start => Ok(s.starts_with(t.as_str())),
        (Value::String(s), Value::String(t)) => Ok(s.ends_with(t.as_str())),
        (Value::String(_), other) | (other, _) => {
            type_err(format!("must be str, not {}", tname(other)))
        }
    }
}

fn compile_regex(pattern: &Value) -> Py<Regex> {
    let Value::String(p) = pattern else {
        return type_err("first argument must be string or compiled pattern".into());
    };
    // Python spells the end-of-string anchor \Z; the Rust engine spells it \z.
    let mut translated = String::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        translated.push(c);
        if c == '\\' {
            translated.extend(chars.next().map(|n| if n == 'Z' { 'z' } else { n }));
        }
    }
    Regex::new(&translated).map_err(|e| {
        let text = e.to_string();
        let reason = text
            .lines()
            .last()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string();
        PyErr::Other(format!(
            "bad regular expression {}: {reason}",
            py_repr(pattern)
        ))
    })
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
        (Value::Array(x), Value::Array(y)) => {
            if let Some((p, q)) = x.iter().zip(y).find(|(p, q)| !py_eq(p, q)) {
                return py_order(op, p, q);
            }
            x.len().cmp(&y.len())
        }
        // ejson datetimes are datetime objects on the server, so they order among themselves.
        _ => match (num(a), num(b), date_micros(a), date_micros(b)) {
            (Some(x), Some(y), ..) => num_cmp(x, y),
            (.., Some(x), Some(y)) => x.cmp(&y),
            _ => {
                let (s, l, r) = (op.sym(), tname(a), tname(b));
                return type_err(format!(
                    "'{s}' not supported between instances of '{l}' and '{r}'"
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

/// Python `casefold()` on a str or a list of str; None passes through.
fn casefold_value(v: &Value) -> Py<Value> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::String(s) => Ok(Value::String(casefold(s))),
        Value::Array(items) => items
            .iter()
            .map(|e| match e {
                Value::String(s) => Ok(Value::String(casefold(s))),
                other => type_err(format!(
                    "'{}' object has no attribute 'casefold'",
                    tname(other)
                )),
            })
            .collect::<Py<Vec<_>>>()
            .map(Value::Array),
        other => Err(PyErr::Value(format!(
            "filter_list: cannot casefold value of type {}",
            tname(other)
        ))),
    }
}

/// Where Python's `casefold()` differs from lowercasing: each entry is the character followed
/// by its folding. (Greek iota-subscript forms and Cherokee are not covered.)
const FOLDS: &str = "ßss ẞss ŉ\u{2bc}n ſs µ\u{3bc} ςσ ϐβ ϑθ ϕφ ϖπ ϰκ ϱρ ϵε \u{345}ι \u{1fbe}ι ẛṡ \
    ﬀff ﬁfi ﬂfl ﬃffi ﬄffl ﬅst ﬆst ևեւ";

fn casefold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match FOLDS.split(' ').find_map(|entry| entry.strip_prefix(c)) {
            Some(folded) => out.push_str(folded),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

fn project(row: &Value, specs: &[SelectSpec]) -> Py<Value> {
    let mut out = Map::new();
    for spec in specs {
        let Some(v) = select_get(row, &spec.keys)? else {
            continue;
        };
        if let Some(name) = &spec.rename {
            out.insert(name.clone(), v.clone());
            continue;
        }
        let Some((last, parents)) = spec.keys.split_last() else {
            continue;
        };
        let mut obj = &mut out;
        for k in parents {
            let slot = obj
                .entry(k.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            obj = match slot {
                Value::Object(m) => m,
                _ => return type_err("bad argument to internal function".into()),
            };
        }
        obj.insert(last.clone(), v.clone());
    }
    Ok(Value::Object(out))
}

/// Select paths go through objects only; a missing key or a scalar drops the field.
fn select_get<'a>(row: &'a Value, keys: &[String]) -> Py<Option<&'a Value>> {
    let mut cur = row;
    for k in keys {
        cur = match cur {
            Value::Array(_) => {
                return Err(PyErr::Value(
                    "filter_list: selecting by list index is not supported".into(),
                ))
            }
            Value::Object(m) => match m.get(k.as_str()) {
                Some(v) => v,
                None => return Ok(None),
            },
            _ => return Ok(None),
        };
    }
    Ok(Some(cur))
}

fn order_key<'a>(row: &'a Value, keys: &[String]) -> &'a Value {
    let mut cur = row;
    for k in keys {
        let next = match cur {
            Value::Object(m) => m.get(k.as_str()),
            Value::Array(a) => c_index(k).and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(v) => cur = v,
            None => return &NULL,
        }
    }
    cur
}

/// One stable sorting pass; `run_query` applies the keys last to first.
fn sort_pass(rows: Vec<Value>, spec: &OrderSpec) -> Py<Vec<Value>> {
    if rows.len() <= 1 {
        return Ok(rows);
    }
    // Null detection looks the whole field string up at the top level only (upstream quirk):
    // with a dotted key every row lands in the null group and stays unsorted.
    let (nulls, rest): (Vec<Value>, Vec<Value>) = if spec.nulls == Nulls::Sorted {
        (Vec::new(), rows)
    } else {
        rows.into_iter()
            .partition(|r| r.get(spec.top_key.as_str()).is_none_or(Value::is_null))
    };
    let keys: Vec<&Value> = rest.iter().map(|r| order_key(r, &spec.keys)).collect();
    let less = |a: usize, b: usize| -> Py<bool> {
        let (x, y) = if spec.reverse {
            (keys.get(b), keys.get(a))
        } else {
            (keys.get(a), keys.get(b))
        };
        let (Some(x), Some(y)) = (x, y) else {
            return Ok(false);
        };
        // Python compares (key, index) tuples: equal keys never reach `<`.
        Ok(!py_eq(x, y) && py_order(Op::Lt, x, y)?)
    };
    let order = merge_sort((0..rest.len()).collect(), &less)?;
    let mut slots: Vec<Option<Value>> = rest.into_iter().map(Some).collect();
    let sorted = order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take));
    Ok(match spec.nulls {
        Nulls::First => nulls.into_iter().chain(sorted).collect(),
        _ => sorted.chain(nulls).collect(),
    })
}

/// Stable merge sort with a fallible comparison; std's sorts may panic on a comparator that
/// is not a total order, and Python's mixed-type comparisons need not be one.
fn merge_sort(mut v: Vec<usize>, less: &dyn Fn(usize, usize) -> Py<bool>) -> Py<Vec<usize>> {
    if v.len() < 2 {
        return Ok(v);
    }
    let right = v.split_off(v.len() / 2);
    let (left, right) = (merge_sort(v, less)?, merge_sort(right, less)?);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(&a), Some(&b)) = (l.peek(), r.peek()) {
        if less(b, a)? {
            out.push(b);
            r.next();
        } else {
            out.push(a);
            l.next();
        }
    }
    out.extend(l);
    out.extend(r);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DATA: &str = r#"[{"id": 1, "foo": "foo1", "number": 1, "list": [1]},
        {"id": 2, "foo": "foo2", "number": 2, "list": [2]},
        {"id": 3, "foo": "_foo_", "number": 3, "list": [3]}]"#;
    const NULLS: &str = r#"[{"id": 1, "foo": "foo1"}, {"id": 2, "foo": "foo2"},
        {"id": 3, "foo": "_foo_"}, {"id": 4, "foo": null}, {"id": 5}]"#;
    const CASED: &str = r#"[{"id": 1, "foo": "foo"}, {"id": 2, "foo": "Foo"},
        {"id": 3, "foo": "foO_"}, {"id": 4, "foo": "bar"}]"#;

    fn parse(s: &str) -> Value {
        serde_json::from_str(s).unwrap_or_else(|e| panic!("bad test JSON {s}: {e}"))
    }

    /// Runs cases written `filters => [options =>] expected`. `expected` is the result as JSON,
    /// `#[..]` for the `id`s of the returned rows, `!attr|message` (`;`-separated) for
    /// `Invalid`, or `!!` for `MatchNotFound`.
    fn check(rows: &str, cases: &[&str]) {
        let rows = parse(rows).as_array().cloned().unwrap_or_default();
        for case in cases {
            let parts: Vec<&str> = case.split(" => ").collect();
            let (filters, options, expected) = match parts[..] {
                [f, o, e] => (f, o, e),
                [f, e] => (f, "{}", e),
                _ => panic!("bad case {case}"),
            };
            let got = match run_query(rows.clone(), &parse(filters), &parse(options)) {
                Ok(Value::Array(a)) if expected.starts_with('#') => Ok(a
                    .iter()
                    .map(|r| r.get("id").cloned().unwrap_or_default())
                    .collect()),
                other => other,
            };
            let want = match expected.strip_prefix('!') {
                Some("!") => Err(QueryError::MatchNotFound),
                Some(errs) => Err(QueryError::Invalid(
                    errs.split(';')
                        .map(|e| e.split_once('|').unwrap_or((e, "")))
                        .map(|(a, m)| (a.to_string(), m.to_string()))
                        .collect(),
                )),
                None => Ok(parse(expected.trim_start_matches('#'))),
            };
            assert_eq!(got, want, "case {case}");
        }
    }

    #[test]
    fn comparison_operators() {
        check(
            DATA,
            &[
                r#"[["foo", "=", "foo1"]] => #[1]"#,
                r#"[["foo", "!=", "foo1"]] => #[2, 3]"#,
                r#"[["number", ">", 1]] => #[2, 3]"#,
                r#"[["number", ">=", 2]] => #[2, 3]"#,
                r#"[["number", "<", 3]] => #[1, 2]"#,
                r#"[["number", "<=", 1]] => #[1]"#,
                r#"[["number", "=", 2.0]] => #[2]"#,
                r#"[["number", "=", true]] => #[1]"#,
                r#"[["number", "<", 2.5]] => #[1, 2]"#,
                r#"[["foo", ">", "foo1"]] => #[2]"#,
                r#"[["list", ">=", [2]]] => #[2, 3]"#,
                r#"[["foo", "=", 1], ["list", "!=", 1]] => #[]"#,
            ],
        );
        check(
            r#"[{"id": 1, "v": 123456789012345678901234567890}, {"id": 2, "v": 1e300}, {"id": 3, "v": -0}]"#,
            &[
                r#"[["v", "=", 123456789012345678901234567890]] => #[1]"#,
                r#"[["v", ">", 123456789012345678901234567889]] => #[1, 2]"#,
                r#"[["v", "=", 0]] => #[3]"#,
            ],
        );
    }

    #[test]
    fn incompatible_comparisons_raise() {
        check(
            DATA,
            &[
                r#"[["foo", ">", 1]] => !filters|'>' not supported between instances of 'str' and 'int'"#,
                r#"[["number", "=", 9], ["foo", ">", 1]] => #[]"#,
                r#"[["OR", [["number", "=", 1], ["foo", ">", 1]]]] => {"get": true, "select": ["id"]} => {"id": 1}"#,
            ],
        );
        check("[]", &[r#"[["foo", ">", 1]] => []"#]);
        check(
            NULLS,
            &[
                r#"[["id", "=", 4], ["foo", "<=", 1]] => !filters|'<=' not supported between instances of 'NoneType' and 'int'"#,
            ],
        );
    }

    #[test]
    fn null_and_missing_fields() {
        check(
            NULLS,
            &[
                r#"[["foo", "=", null]] => #[4]"#,
                r#"[["foo", "!=", null]] => #[1, 2, 3]"#,
                r#"[["canary", "in", "canary2"]] => #[]"#,
                r#"[["foo", "in", ["foo1", null]]] => #[1, 4]"#,
                r#"[["foo", "nin", ["foo1"]]] => #[2, 3]"#,
                r#"[["foo", "rin", "o"]] => #[1, 2, 3]"#,
                r#"[["foo", "rnin", "1"]] => #[2, 3]"#,
                r#"[["foo", "^", "f"]] => #[1, 2]"#,
                r#"[["foo", "!^", "f"]] => #[3]"#,
                r#"[["foo", "$", "_"]] => #[3]"#,
                r#"[["foo", "!$", "_"]] => #[1, 2]"#,
                r#"[["foo", "~", "^$"]] => #[4]"#,
                r#"[["foo", "C!=", "FOO1"]] => #[2, 3, 4]"#,
            ],
        );
    }

    #[test]
    fn regex_operator() {
        check(
            NULLS,
            &[
                r#"[["foo", "~", "foo"]] => #[1, 2]"#,
                r#"[["foo", "~", ".*foo.*"]] => #[1, 2, 3]"#,
                r#"[["foo", "~", "(?i)FOO1"]] => #[1]"#,
                r#"[["foo", "~", "x*"]] => #[1, 2, 3, 4]"#,
                r#"[["foo", "~", "foo\\Z"]] => #[]"#,
                r#"[["foo", "~", "_foo_\\Z"]] => #[3]"#,
                r#"[["id", "~", "1"]] => !filters|expected string or bytes-like object, got 'int'"#,
            ],
        );
        // C~ folds the field but compiles the pattern as given.
        check(
            CASED,
            &[
                r#"[["foo", "C~", "foo"]] => #[1, 2, 3]"#,
                r#"[["foo", "C~", "FOO"]] => #[]"#,
            ],
        );
    }

    #[test]
    fn membership_and_affix_operators() {
        check(
            DATA,
            &[
                r#"[["number", "in", [1, 3]]] => #[1, 3]"#,
                r#"[["number", "nin", [1, 3]]] => #[2]"#,
                r#"[["number", "in", [2.0, true]]] => #[1, 2]"#,
                r#"[["list", "rin", 1]] => #[1]"#,
                r#"[["list", "rnin", 1]] => #[2, 3]"#,
                r#"[["foo", "in", "xfoo1x"]] => #[1]"#,
                r#"[["foo", "^", "foo"]] => #[1, 2]"#,
                r#"[["foo", "!^", "foo"]] => #[3]"#,
                r#"[["foo", "$", "_"]] => #[3]"#,
                r#"[["foo", "!$", "_"]] => #[1, 2]"#,
                r#"[["number", "in", "123"]] => !filters|'in <string>' requires string as left operand, not int"#,
                r#"[["number", "rin", 1]] => !filters|argument of type 'int' is not iterable"#,
                r#"[["number", "^", "1"]] => !filters|must be str, not int"#,
                r#"[["foo", "$", 1]] => !filters|must be str, not int"#,
            ],
        );
        check(
            r#"[{"id": 1, "m": {"k": 1}}]"#,
            &[
                r#"[["m", "rin", "k"]] => #[1]"#,
                r#"[["m", "rin", 1]] => #[]"#,
                r#"[["m", "rin", [1]]] => !filters|unhashable type: 'list'"#,
            ],
        );
    }

    #[test]
    fn case_insensitive_operators() {
        check(
            CASED,
            &[
                r#"[["foo", "C=", "FOO"]] => #[1, 2]"#,
                r#"[["foo", "C^", "F"]] => #[1, 2, 3]"#,
                r#"[["foo", "C!^", "F"]] => #[4]"#,
                r#"[["foo", "C$", "foo"]] => #[1, 2]"#,
                r#"[["foo", "C!$", "O"]] => #[3, 4]"#,
                r#"[["foo", "Cin", "foo"]] => #[1, 2]"#,
                r#"[["foo", "Crin", "foo"]] => #[1, 2, 3]"#,
                r#"[["foo", "Cnin", "foo"]] => #[3, 4]"#,
                r#"[["foo", "Crnin", "foo"]] => #[4]"#,
                r#"[["foo", "Cin", ["FOO", "BAR"]]] => #[1, 2, 4]"#,
                r#"[["foo", "C>", "FOO"]] => #[3]"#,
                r#"[["id", "C=", "1"]] => !filters|filter_list: cannot casefold value of type int"#,
            ],
        );
        check(
            r#"[{"id": 1, "n": "STRASSE", "t": ["A", "b"]}, {"id": 2, "t": [1]}]"#,
            &[
                r#"[["n", "C=", "straße"]] => #[1]"#,
                r#"[["t", "Crin", "a"]] => !filters|'int' object has no attribute 'casefold'"#,
            ],
        );
    }

    #[test]
    fn or_nesting_and_depth() {
        let deep = "!filters|Value error, query-filters max recursion depth exceeded";
        check(
            DATA,
            &[
                r#"[["OR", [["number", "=", 1], ["number", "=", 200]]]] => #[1]"#,
                r#"[["OR", [[["number", "=", 1], ["foo", "=", "foo1"]], ["number", "=", 2]]]] => #[1, 2]"#,
                r#"[["OR", [[["number", "=", 1], ["foo", "=", "foo2"]], ["number", "=", 2]]]] => #[2]"#,
                r#"[["OR", [["number", "=", 1], ["number", "=", 3]]], ["foo", "^", "_"]] => #[3]"#,
                r#"[["OR", []]] => #[]"#,
                r#"[["OR", [["OR", [["OR", [["number", "=", 1]]], ["foo", "=", "x"]]], ["number", "=", 2]]]] => #[1, 2]"#,
                &format!(
                    r#"[["OR", [["OR", [["OR", [["OR", [["number", "=", 1]]]]]]]]]] => {deep}"#
                ),
                &format!(r#"[["OR", [[["OR", [[["OR", [["number", "=", 1]]]]]]]]]] => {deep}"#),
            ],
        );
    }

    #[test]
    fn paths_indexes_wildcards_and_escapes() {
        let rows = r#"[
            {"id": 1, "a": {"b": 42}, "a.b": 7, "l": [{"n": 1}, {"n": 2}], "deep": [{"x": [{"n": 5}]}]},
            {"id": 2, "a": "scalar", "l": [{"n": 3}, "canary", 4, null], "deep": []},
            {"id": 3, "a": null, "l": null, "m": {"*": 1, "k": 2}},
            "not-an-object"]"#;
        check(
            rows,
            &[
                r#"[["a.b", "=", 42]] => #[1]"#,
                r#"[["a\\.b", "=", 7]] => #[1]"#,
                r#"[["l.1.n", "=", 2]] => #[1]"#,
                r#"[["l.+0.n", "=", 3]] => #[2]"#,
                r#"[["l.9", "=", null]] => #[1, 2, 3]"#,
                r#"[["l.x", "=", null]] => #[3]"#,
                r#"[["l.*.n", "in", [2, 3]]] => #[1, 2]"#,
                r#"[["l.*.n", ">=", 2]] => !filters|'>=' not supported between instances of 'NoneType' and 'int'"#,
                r#"[["deep.*.x.*.n", "=", 5]] => #[1]"#,
                r#"[["a.b", "=", "scalar"]] => #[2]"#,
                r#"[["m.*", "=", 2]] => #[]"#,
                r#"[["m.*", "=", 1]] => #[3]"#,
                r#"[["b", "=", "not-an-object"]] => ["not-an-object"]"#,
            ],
        );
    }

    #[test]
    fn date_suffix() {
        let rows = r#"[{"id": "a", "ts": {"$date": 1702915830000}}, {"id": "b", "ts": {"$date": 1702915833000}},
            {"id": "c", "ts": {"$date": 1702916135000}}, {"id": "d", "ts": {"$date": 1702916155000}},
            {"id": "e", "ts": {"$date": 1702916485000}}]"#;
        let iso = "must be an ISO-8601 formatted timestamp string";
        check(
            rows,
            &[
                r#"[["ts.$date", ">", "2023-12-18T16:15:35+00:00"]] => #["d", "e"]"#,
                r#"[["ts.$date", "<", "2023-12-18T16:15:35Z"]] => #["a", "b"]"#,
                r#"[["ts.$date", "=", "2023-12-18T16:15:35"]] => #["c"]"#,
                r#"[["ts.$date", "!=", "2023-12-18 17:15:35.000+01:00"]] => #["a", "b", "d", "e"]"#,
                r#"[["ts.$date", "<=", "20231218T161030"]] => #["a"]"#,
                r#"[["ts.$date", ">=", "2023-12-18T11:15:54.5-05:00"]] => #["d", "e"]"#,
                &format!(r#"[["ts.$date", "=", "Canary"]] => !filters|Value error, Canary: {iso}"#),
                &format!(r#"[["ts.$date", "=", 1]] => !filters|Value error, 1: {iso}"#),
                &format!(
                    r#"[["ts.$date", "=", "2023-02-30"]] => !filters|Value error, 2023-02-30: {iso}"#
                ),
                r#"[["ts.$date", "^", "2023-12-18"]] => !filters|Value error, ^: invalid timestamp operation."#,
                r#"[["OR", [["ts.$date", "C=", "x"]]]] => !filters|Value error, C=: invalid timestamp operation."#,
            ],
        );
        // ejson datetimes in filter values (decoded to datetimes upstream) and in order_by.
        check(
            rows,
            &[
                r#"[["ts", ">=", {"$date": 1702916155000}]] => #["d", "e"]"#,
                r#"[["ts", "=", {"$date": 1702915833000.0}]] => #["b"]"#,
                r#"[["ts", "<", 5]] => !filters|'<' not supported between instances of 'datetime.datetime' and 'int'"#,
                r#"[] => {"order_by": ["-ts"], "limit": 2} => #["e", "d"]"#,
            ],
        );
        // A field that is not an ejson datetime compares like any other type against one.
        check(
            r#"[{"id": "f", "ts": "2023"}]"#,
            &[
                r#"[["ts.$date", "!=", "2023-12-18"]] => #["f"]"#,
                r#"[["ts.$date", ">", "2023-12-18"]] => !filters|'>' not supported between instances of 'str' and 'datetime.datetime'"#,
            ],
        );
    }

    #[test]
    fn filter_validation() {
        let len2 = r#"!filters|Value error, filter_list: len-2 filter must start with "OR""#;
        check(
            "[]",
            &[
                r#"{} => !filters|Input should be a valid list"#,
                r#"null => !filters|Input should be a valid list"#,
                r#"[["a", "??", 1]] => !filters|Value error, filter_list: unknown operator '??'"#,
                r#"[["a", "Cfoo", 1]] => !filters|Value error, filter_list: unknown operator 'foo'"#,
                r#"[["a", "C", 1]] => !filters|Value error, filter_list: unknown operator ''"#,
                &format!(r#"[["AND", [["a", "=", 1]]]] => {len2}"#),
                // query_methods.rst shows this top-level form, but the string "OR" is a len-2 filter.
                &format!(r#"["OR", [["a", "=", 1]]] => {len2}"#),
                r#"[["a", "=", 1, 2]] => !filters|Value error, filter_list: invalid filter length 4"#,
                r#"[["a", 5, 1]] => !filters|bad argument type for built-in operation"#,
                r#"[[5, "=", 1]] => !filters|must be str, not int"#,
                r#"[5] => !filters|object of type 'int' has no len()"#,
                r#"[{"a": 1}] => !filters|dict is not a sequence"#,
                r#"[["OR", [[]]]] => !filters|list index out of range"#,
                r#"[["OR", [5]]] => !filters|'int' object does not support indexing"#,
                r#"[["OR", "ab"]] => !filters|Value error, filter_list: invalid filter length 1"#,
                r#"[["a", "~", 5]] => !filters|first argument must be string or compiled pattern"#,
                r#"[["a", "~", "(x"]] => !filters|bad regular expression '(x': unclosed group"#,
                r#"[["a", "C~", "x"], ["OR", [["b", "=", 1]]], ["d", "=", {"k": [1]}]] => []"#,
            ],
        );
        // A string is a sequence upstream: "a=b" reads as ["a", "=", "b"].
        check(
            r#"[{"id": 1, "a": "b"}, {"id": 2, "a": "c"}]"#,
            &[r#"["a=b"] => #[1]"#],
        );
    }

    #[test]
    fn option_validation() {
        let long = "x".repeat(1025);
        check("[]", &[
            r#"[] => {"extra": {"x": 1}, "force_sql_filters": true, "delete_invalid_rows": false} => []"#,
            "[] => null => !options|Input should be a valid dictionary or instance of QueryOptions",
            r#"[] => {"bogus": 1} => !options.bogus|Extra inputs are not permitted"#,
            r#"[] => {"limit": "5"} => !options.limit|Input should be a valid integer"#,
            r#"[] => {"limit": 5.0} => !options.limit|Input should be a valid integer"#,
            r#"[] => {"offset": true} => !options.offset|Input should be a valid integer"#,
            r#"[] => {"limit": 10001} => !options.limit|Input should be less than or equal to 10000"#,
            r#"[] => {"limit": -1} => !options.limit|Input should be greater than or equal to 0"#,
            r#"[] => {"offset": -1} => !options.offset|Input should be greater than or equal to 0"#,
            r#"[] => {"count": 1} => !options.count|Input should be a valid boolean"#,
            r#"[] => {"get": "true"} => !options.get|Input should be a valid boolean"#,
            r#"[] => {"force_sql_filters": null} => !options.force_sql_filters|Input should be a valid boolean"#,
            r#"[] => {"extra": []} => !options.extra|Input should be a valid dictionary"#,
            r#"[] => {"order_by": "name"} => !options.order_by|Input should be a valid list"#,
            r#"[] => {"order_by": ["a", 1]} => !options.order_by.1|Input should be a valid string"#,
            r#"[] => {"select": {}} => !options.select|Input should be a valid list"#,
            r#"[] => {"delete_invalid_rows": true} => !options.delete_invalid_rows|Extra inputs are not permitted"#,
            r#"[] => {"delete_invalid_rows": 0} => !options.delete_invalid_rows|Input should be a valid boolean"#,
            &format!(r#"[] => {{"order_by": ["{long}"]}} => !options.order_by.0|{TOO_LONG}"#),
            &format!(r#"[] => {{"select": ["{}"]}} => []"#, "é".repeat(1024)),
            // Errors of both arguments together; union-member errors tagged `list[any]` last.
            concat!(
                r#"[["a", "??", 1]] => {"zz": 1, "select": [5], "limit": "x"} => "#,
                r#"!filters|Value error, filter_list: unknown operator '??';"#,
                r#"options.select.0.constrained-str|Input should be a valid string;"#,
                r#"options.limit|Input should be a valid integer;"#,
                r#"options.zz|Extra inputs are not permitted;"#,
                r#"options.select.0|Input should be a valid list"#
            ),
            // Only a ValueError becomes a validation error; anything else aborts pydantic.
            r#"[[1, "=", 1]] => {"zz": 1} => !filters|must be str, not int"#,
        ]);
    }

    #[test]
    fn option_combinations_refused_by_filter_list() {
        let two = "select as list may only contain two parameters";
        check(
            DATA,
            &[
                r#"[] => {"get": true, "limit": 2} => !options|Value error, get=True is incompatible with limit > 1"#,
                r#"[] => {"get": true, "offset": 1} => !options|Value error, get=True is incompatible with offset"#,
                &format!(r#"[] => {{"select": [["a"]]}} => !options|Value error, ['a']: {two}"#),
                &format!(
                    r#"[] => {{"select": [["a", "b", "c"]]}} => !options|Value error, ['a', 'b', 'c']: {two}"#
                ),
                r#"[] => {"select": [[1, "x"]]} => !options|Value error, [1, 'x']: first item must be a string"#,
                r#"[] => {"select": [["it's", null]]} => !options|Value error, ["it's", None]: second item must be a string"#,
                r#"[] => {"order_by": ["-"]} => !options|Value error, filter_list: order_by field name is empty"#,
                r#"[] => {"order_by": ["nulls_last:"]} => !options|Value error, filter_list: order_by field name is empty"#,
                r#"[["x", "??", 1]] => {"get": true, "offset": 1} => !filters|Value error, filter_list: unknown operator '??'"#,
            ],
        );
    }

    #[test]
    fn order_by() {
        let rows = r#"[{"id": 1, "score": 2, "name": "charlie", "u": {"n": "b"}},
            {"id": 2, "score": 1, "name": "bob", "u": {"n": "a"}},
            {"id": 3, "score": 2, "name": "alice", "u": {"n": "d"}},
            {"id": 4, "score": 1, "name": "dave", "u": {"n": "c"}}]"#;
        check(
            rows,
            &[
                r#"[] => {"order_by": ["score"]} => #[2, 4, 1, 3]"#,
                r#"[] => {"order_by": ["-score"]} => #[1, 3, 2, 4]"#,
                r#"[] => {"order_by": ["score", "name"]} => #[2, 4, 3, 1]"#,
                r#"[] => {"order_by": ["score", "-name"]} => #[4, 2, 1, 3]"#,
                r#"[] => {"order_by": ["-score", "name"]} => #[3, 1, 2, 4]"#,
                r#"[] => {"order_by": ["-u.n"]} => #[3, 4, 1, 2]"#,
                r#"[] => {"order_by": ["missing"]} => #[1, 2, 3, 4]"#,
                r#"[] => {"order_by": ["-score"], "offset": 1, "limit": 2} => #[3, 2]"#,
            ],
        );
        let groups = r#"[{"id": "wheel", "gid": 0, "b": true}, {"id": "staff", "gid": 0, "b": false},
            {"id": "root", "gid": 0, "b": true}, {"id": "sudo", "gid": 1, "b": true}]"#;
        check(
            groups,
            &[
                r#"[] => {"order_by": ["gid", "-b", "id"]} => #["root", "wheel", "staff", "sudo"]"#,
                r#"[] => {"order_by": ["-b", "gid", "-id"]} => #["wheel", "root", "sudo", "staff"]"#,
            ],
        );
    }

    #[test]
    fn order_by_nulls() {
        check(
            NULLS,
            &[
                r#"[] => {"order_by": ["nulls_first:foo"]} => #[4, 5, 3, 1, 2]"#,
                r#"[] => {"order_by": ["nulls_last:foo"]} => #[3, 1, 2, 4, 5]"#,
                r#"[] => {"order_by": ["nulls_first:-foo"]} => #[4, 5, 2, 1, 3]"#,
                r#"[] => {"order_by": ["-nulls_first:foo"]} => #[1, 2, 3, 4, 5]"#,
                r#"[] => {"order_by": ["foo"]} => !options|'<' not supported between instances of 'NoneType' and 'str'"#,
            ],
        );
        // Nulls are found by looking the raw field up at the top level only, so with a dotted
        // key every row lands in the (unsorted) null group, as upstream.
        check(
            r#"[{"id": 1, "u": {"n": 2}}, {"id": 2, "u": {"n": 1}}]"#,
            &[
                r#"[] => {"order_by": ["nulls_last:u.n"]} => #[1, 2]"#,
                r#"[] => {"order_by": ["u.n"]} => #[2, 1]"#,
            ],
        );
    }

    #[test]
    fn select() {
        check(
            r#"[{"foo": "x", "n": 1, "o": {"s": {"m": 4}, "t": 5}, "foo.bar": 45, "l": [1], "z": null}]"#,
            &[
                r#"[] => {"select": ["n", "foo"]} => [{"n": 1, "foo": "x"}]"#,
                r#"[] => {"select": ["o.s.m", "o.t"]} => [{"o": {"s": {"m": 4}, "t": 5}}]"#,
                r#"[] => {"select": [["o.s.m", "data"], "n"]} => [{"data": 4, "n": 1}]"#,
                r#"[] => {"select": ["foo\\.bar"]} => [{"foo.bar": 45}]"#,
                r#"[] => {"select": ["missing", "z", "foo.x"]} => [{"z": null}]"#,
                r#"[] => {"select": ["l"]} => [{"l": [1]}]"#,
                r#"[] => {"select": ["l.0"]} => !options|filter_list: selecting by list index is not supported"#,
                r#"[] => {"select": ["n"], "get": true} => {"n": 1}"#,
                r#"[["n", "=", 2]] => {"select": ["l.0"]} => []"#,
            ],
        );
        check(
            DATA,
            &[
                r#"[] => {"select": ["foo"], "order_by": ["-number"]} => [{"foo": "foo1"}, {"foo": "foo2"}, {"foo": "_foo_"}]"#,
                r#"[] => {"select": [["number", "id"]], "order_by": ["-id"]} => #[3, 2, 1]"#,
            ],
        );
        check(
            NULLS,
            &[r#"[["id", "=", 4]] => {"select": ["foo"], "get": true} => {"foo": null}"#],
        );
    }

    #[test]
    fn count_get_offset_limit() {
        check(
            DATA,
            &[
                r#"[] => {"count": true, "offset": 1, "limit": 1} => 3"#,
                r#"[["number", ">", 1]] => {"count": true} => 2"#,
                // get without order_by stops at the first match, so count then sees one row.
                r#"[] => {"count": true, "get": true} => 1"#,
                r#"[] => {"count": true, "get": true, "order_by": ["foo"]} => 3"#,
                r#"[] => {"get": true, "select": ["id"]} => {"id": 1}"#,
                // order_by runs after select: an unselected key reads null everywhere.
                r#"[] => {"get": true, "order_by": ["-number"], "select": ["id"]} => {"id": 1}"#,
                r#"[] => {"get": true, "order_by": ["-number"], "select": ["id", "number"]} => {"id": 3, "number": 3}"#,
                r#"[] => {"get": true, "limit": 1, "select": ["id"]} => {"id": 1}"#,
                r#"[["number", "=", 9]] => {"get": true} => !!"#,
                r#"[] => {"offset": 1} => #[2, 3]"#,
                r#"[] => {"limit": 2} => #[1, 2]"#,
                r#"[] => {"offset": 1, "limit": 1} => #[2]"#,
                r#"[] => {"offset": 99} => #[]"#,
                r#"[] => {"limit": 0} => #[1, 2, 3]"#,
                r#"[] => {"offset": 123456789012345678901234567890} => #[]"#,
                r#"[] => {"force_sql_filters": true, "extra": {"raw": 1}} => #[1, 2, 3]"#,
            ],
        );
        check(
            "[]",
            &[
                r#"[] => {"get": true} => !!"#,
                r#"[] => {"count": true} => 0"#,
            ],
        );
    }

    #[test]
    fn matches_and_validate() {
        let row = json!({"state": "RUNNING", "id": 5});
        assert_eq!(
            matches(&row, &json!([["state", "in", ["RUNNING", "WAITING"]]])),
            Ok(true)
        );
        assert_eq!(
            matches(
                &row,
                &json!([["OR", [["id", "=", 1], ["state", "=", "x"]]]])
            ),
            Ok(false)
        );
        assert_eq!(matches(&row, &json!([])), Ok(true));
        let cmp = "'>' not supported between instances of 'int' and 'str'";
        assert_eq!(
            matches(&row, &json!([["id", ">", "a"]])),
            Err(invalid("filters", cmp))
        );
        assert_eq!(
            matches(&row, &json!("x")),
            Err(invalid("filters", "Input should be a valid list"))
        );
        assert_eq!(validate(&json!([]), &json!({})), Ok(()));
        let limit = invalid("options.limit", "Input should be a valid integer");
        assert_eq!(validate(&json!([]), &json!({"limit": "5"})), Err(limit));
    }

    #[test]
    fn helpers_follow_python() {
        let repr = py_repr(&json!({"k": [1.5, true, null, "a\"b", "it's", "\n\u{1}", -0]}));
        assert_eq!(
            repr,
            r#"{'k': [1.5, True, None, 'a"b', "it's", '\n\x01', 0]}"#
        );
        assert_eq!(casefold("ẞΣσςµſﬁÀ"), "ssσσσμsfià");
        assert_eq!(split_path("a\\.b.c\\"), ["a.b", "c\\"]);
        let idx = [" 7", "-0", "-1", "1x", ""].map(c_index);
        assert_eq!(idx, [Some(7), Some(0), None, None, None]);
        assert_eq!(parse_iso("1970-01-01T00:00:00.0000019Z"), Some(1));
        assert_eq!(
            parse_iso("2000-02-29 00:00+01:30"),
            Some(951_777_000_000_000)
        );
        assert_eq!(parse_iso("2000-03-01T01"), Some(951_872_400_000_000));
        for bad in [
            "2001-02-29",
            "2023-1-01",
            "2023-01-01T25:00",
            "2023-01-01T",
            "2023-01-01T10.5",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }
}
