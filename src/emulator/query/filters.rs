//! Query filters: compiling `[name, op, value]` / `["OR", [...]]` lists (with the
//! middleware's validation messages) and evaluating them against a row, with Python's
//! comparison, membership, regex and casefold semantics.

use regex::Regex;
use serde_json::Value;
use std::cmp::Ordering;

use super::{
    c_index, date_micros, py_eq, py_order, seq, split_path, tname, type_err, Py, PyErr,
    DATE_SUFFIX, MAX_DEPTH, NULL, TIMESTAMP_OPS,
};
use crate::py::datetime::datetime_from_iso as parse_iso;
use crate::py::repr::{value_repr as py_repr, value_str as py_str};

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Op {
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

pub(super) const OP_NAMES: [&str; 15] = [
    "=", "!=", ">", ">=", "<", "<=", "~", "in", "nin", "rin", "rnin", "^", "!^", "$", "!$",
];
pub(super) const OPS: [Op; 15] = [
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
    pub(super) fn parse(s: &str) -> Option<Op> {
        OP_NAMES
            .iter()
            .position(|n| *n == s)
            .and_then(|i| OPS.get(i).copied())
    }
    pub(super) fn holds(self, o: Ordering) -> bool {
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
    pub(super) fn sym(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            _ => "<=",
        }
    }
}

pub(super) enum Operand {
    Json(Value),
    /// Microseconds since the epoch, from a `.$date` ISO-8601 string.
    Date(i128),
}

pub(super) struct Leaf {
    pub(super) path: Vec<String>,
    pub(super) op: Op,
    pub(super) ci: bool,
    /// Already case-folded for `C` operators, like upstream folds it once at compile time.
    pub(super) value: Operand,
    pub(super) regex: Option<Regex>,
}

pub(super) enum Node {
    Leaf(Leaf),
    Or(Vec<Node>),
    And(Vec<Node>),
}

pub(super) fn compile_list(items: &[Value], dates: bool) -> Py<Vec<Node>> {
    items.iter().map(|f| compile_filter(f, 0, dates)).collect()
}

pub(super) fn compile_filter(f: &Value, depth: usize, dates: bool) -> Py<Node> {
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

pub(super) fn compile_leaf(name: &Value, op: &Value, value: &Value, dates: bool) -> Py<Node> {
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

/// `filter_list.py`'s `.$date` pre-pass. It also caps nesting at depth 3 for every filter.
pub(super) fn date_walk(filters: &[Value], depth: usize) -> Py<()> {
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

pub(super) fn bad_timestamp(value: &Value) -> PyErr {
    PyErr::Value(format!(
        "{}: must be an ISO-8601 formatted timestamp string",
        py_str(value)
    ))
}

pub(super) fn eval_all(row: &Value, nodes: &[Node]) -> Py<bool> {
    for n in nodes {
        if !eval_node(row, n)? {
            return Ok(false);
        }
    }
    Ok(true)
}

pub(super) fn eval_node(row: &Value, node: &Node) -> Py<bool> {
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

pub(super) fn eval_leaf(row: &Value, leaf: &Leaf, start: usize) -> Py<bool> {
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

pub(super) fn apply(leaf: &Leaf, val: &Value) -> Py<bool> {
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
pub(super) fn contains(container: &Value, item: &Value) -> Py<bool> {
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

pub(super) fn affix(src: &Value, value: &Value, start: bool) -> Py<bool> {
    match (src, value) {
        (Value::String(s), Value::String(t)) if start => Ok(s.starts_with(t.as_str())),
        (Value::String(s), Value::String(t)) => Ok(s.ends_with(t.as_str())),
        (Value::String(_), other) | (other, _) => {
            type_err(format!("must be str, not {}", tname(other)))
        }
    }
}

pub(super) fn compile_regex(pattern: &Value) -> Py<Regex> {
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

/// Python `casefold()` on a str or a list of str; None passes through.
pub(super) fn casefold_value(v: &Value) -> Py<Value> {
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
pub(super) const FOLDS: &str =
    "ßss ẞss ŉ\u{2bc}n ſs µ\u{3bc} ςσ ϐβ ϑθ ϕφ ϖπ ϰκ ϱρ ϵε \u{345}ι \u{1fbe}ι ẛṡ \
    ﬀff ﬁfi ﬂfl ﬃffi ﬄffl ﬅst ﬆst ևեւ";

pub(super) fn casefold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match FOLDS.split(' ').find_map(|entry| entry.strip_prefix(c)) {
            Some(folded) => out.push_str(folded),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}
