//! Query options: validation of `select`, `order_by`, `limit`, `offset`, `count`, `get`
//! (pydantic's messages), projection of selected fields and the stable multi-key sort.

use serde_json::{Map, Value};

use super::filters::Op;
use super::{
    c_index, is_int_lit, num, py_eq, py_order, split_path, type_err, Py, PyErr, EXTRA, NULL,
};
use crate::py::repr::value_repr as py_repr;

pub(super) struct SelectSpec {
    pub(super) keys: Vec<String>,
    pub(super) rename: Option<String>,
}

#[derive(PartialEq)]
pub(super) enum Nulls {
    Sorted,
    First,
    Last,
}

pub(super) struct OrderSpec {
    pub(super) keys: Vec<String>,
    pub(super) top_key: String,
    pub(super) reverse: bool,
    pub(super) nulls: Nulls,
}

pub(super) struct Opts {
    pub(super) select: Vec<SelectSpec>,
    pub(super) order: Vec<OrderSpec>,
    pub(super) count: bool,
    pub(super) get: bool,
    pub(super) offset: usize,
    pub(super) limit: usize,
}

#[derive(Default)]
pub(super) struct RawOpts<'a> {
    pub(super) select: &'a [Value],
    pub(super) order_by: Vec<&'a str>,
    pub(super) count: bool,
    pub(super) get: bool,
    pub(super) offset: i128,
    pub(super) limit: i128,
}

pub(super) const OPTION_KEYS: [&str; 9] = [
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

/// Pydantic's strict `QueryOptions` (extra="forbid", `str_max_length=1024`), field by field in
/// declaration order, unknown keys after the fields.
pub(super) fn check_options<'a>(
    options: &'a Value,
    errs: &mut Vec<(String, String)>,
) -> Option<RawOpts<'a>> {
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
                    err(key.into(), "Input should be less than or equal to 10000");
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

pub(super) const TOO_LONG: &str = "String should have at most 1024 characters";

pub(super) fn too_long(s: &str) -> bool {
    s.chars().count() > 1024
}

pub(super) fn strict_int(v: &Value) -> Option<i128> {
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

/// `compile_options` of `truenas_pyfilter`; runs after the model accepted the options.
pub(super) fn compile_options(raw: RawOpts) -> Py<Opts> {
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

pub(super) fn project(row: &Value, specs: &[SelectSpec]) -> Py<Value> {
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
pub(super) fn select_get<'a>(row: &'a Value, keys: &[String]) -> Py<Option<&'a Value>> {
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

pub(super) fn order_key<'a>(row: &'a Value, keys: &[String]) -> &'a Value {
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
pub(super) fn sort_pass(rows: Vec<Value>, spec: &OrderSpec) -> Py<Vec<Value>> {
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
pub(super) fn merge_sort(
    mut v: Vec<usize>,
    less: &dyn Fn(usize, usize) -> Py<bool>,
) -> Py<Vec<usize>> {
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
