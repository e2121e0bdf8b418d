//! Translation of the parsed Python condition into query-filters (midcli's
//! `parse_filter` / `handle_filter_constant`), with `and` / `not` rewritten into the forms
//! the server accepts.

use serde_json::{Number, Value};

use super::pyexpr;
use super::QueryError;
use crate::py::repr::bytes_repr;
use crate::py::{float_repr, float_value, str_repr};

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
    Const(pyexpr::Const),
    List(Vec<PyValue>),
}

pub(super) fn translate(expr: &pyexpr::Expr) -> Result<Vec<Value>, QueryError> {
    let filter = to_filter(expr).map_err(QueryError::new)?;
    let normal = push_not(filter, false)?;
    let mut out = Vec::new();
    conjunction(&normal, &mut out)?;
    Ok(out)
}

fn to_filter(expr: &pyexpr::Expr) -> Result<Filter, String> {
    use pyexpr::{BoolKind, Expr, UnaryKind};
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
fn literal(expr: &pyexpr::Expr) -> Option<pyexpr::Const> {
    use pyexpr::{Const, Expr, UnaryKind};
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

fn to_value(expr: &pyexpr::Expr) -> Result<PyValue, String> {
    use pyexpr::{Const, Expr};
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
    if let Normal::And(items) = filter {
        items.iter().try_for_each(|item| conjunction(item, out))
    } else {
        out.push(element(filter)?);
        Ok(())
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
    use pyexpr::Const;
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
fn py_str(c: &pyexpr::Const) -> String {
    use pyexpr::Const;
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
