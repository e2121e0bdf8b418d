//! `--select FIELD,FIELD`: keep only some fields of an object, or of each object of a list.
//!
//! A field may be a path into nested objects (`user.username`); a step into a list applies
//! to each of its elements (`aliases.address`). Keys that themselves contain dots (ZFS user
//! properties such as `org.truenas:managedby`) are found too: at each object the longest
//! run of path steps that is a key wins.
//!
//! Two shapes, one per kind of output: nested (`{"user": {"username": "root"}}`) keeps the
//! result's structure for JSON, YAML and `call`'s text; flat (`{"user.username": "root"}`)
//! names table and CSV columns by their dotted path.

use super::as_plain_object;
use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// The parsed `--select` list, in the order given (duplicates dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Selection {
    fields: Vec<String>,
}

impl Selection {
    /// `FIELD,FIELD,...`; spaces around names are ignored.
    pub(crate) fn parse(text: &str) -> Result<Selection> {
        let mut fields: Vec<String> = Vec::new();
        for field in text.split(',').map(str::trim) {
            if field.is_empty() || field.split('.').any(str::is_empty) {
                return Err(Error::usage(format!(
                    "--select {text:?}: {} is not a field name",
                    if field.is_empty() {
                        "an empty entry".to_string()
                    } else {
                        format!("{field:?}")
                    }
                ))
                .hint("--select takes names separated by commas, with dots for nested fields: --select id,name,user.username"));
            }
            if !fields.iter().any(|f| f == field) {
                fields.push(field.to_string());
            }
        }
        Ok(Selection { fields })
    }

    /// The selected part of `value`, and the fields that no object in it has (empty when
    /// there was no object to look in: a scalar or an empty list says nothing about names).
    pub(crate) fn apply(&self, value: &Value, flat: bool) -> (Value, Vec<String>) {
        let mut found = vec![false; self.fields.len()];
        let mut objects = 0usize;
        let mut one = |v: &Value| -> Value {
            let Some(m) = as_plain_object(v) else {
                return v.clone();
            };
            objects += 1;
            let fields: Vec<(usize, &str)> =
                self.fields.iter().map(String::as_str).enumerate().collect();
            let picked = if flat {
                flat_row(m, &fields, &mut found)
            } else {
                nested(m, &fields, &mut found)
            };
            Value::Object(picked)
        };
        let selected = match value {
            Value::Array(items) => Value::Array(items.iter().map(&mut one).collect()),
            other => one(other),
        };
        let missing = if objects == 0 {
            Vec::new()
        } else {
            self.fields
                .iter()
                .zip(found)
                .filter(|(_, seen)| !seen)
                .map(|(f, _)| f.clone())
                .collect()
        };
        (selected, missing)
    }
}

/// The key of `m` that `path` starts with, longest first, and the rest of the path.
fn split_key<'p>(m: &Map<String, Value>, path: &'p str) -> Option<(&'p str, Option<&'p str>)> {
    if m.contains_key(path) {
        return Some((path, None));
    }
    path.rmatch_indices('.')
        .map(|(at, _)| (&path[..at], &path[at + 1..]))
        .find(|(key, _)| m.contains_key(*key))
        .map(|(key, rest)| (key, Some(rest)))
}

/// Fields (index, rest of the path; `None`: all of it) that start with one key.
type Group<'p> = (&'p str, Vec<(usize, Option<&'p str>)>);

/// The object with only the `fields` (index, path) it has, structure kept; sets `found`
/// for each field that matched.
fn nested(
    m: &Map<String, Value>,
    fields: &[(usize, &str)],
    found: &mut [bool],
) -> Map<String, Value> {
    // Fields grouped by the key they start with, in the order the keys were first named.
    let mut groups: Vec<Group<'_>> = Vec::new();
    for &(index, path) in fields {
        let Some((key, rest)) = split_key(m, path) else {
            continue;
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push((index, rest)),
            None => groups.push((key, vec![(index, rest)])),
        }
    }
    let mut out = Map::new();
    for (key, members) in groups {
        let Some(value) = m.get(key) else { continue };
        if members.iter().any(|(_, rest)| rest.is_none()) {
            // The whole value was asked for: that includes any part of it also named.
            for (index, _) in &members {
                if let Some(flag) = found.get_mut(*index) {
                    *flag = true;
                }
            }
            out.insert(key.to_string(), value.clone());
            continue;
        }
        let inner: Vec<(usize, &str)> = members
            .iter()
            .filter_map(|(index, rest)| rest.map(|r| (*index, r)))
            .collect();
        if let Some(part) = nested_value(value, &inner, found) {
            out.insert(key.to_string(), part);
        }
    }
    out
}

fn nested_value(value: &Value, fields: &[(usize, &str)], found: &mut [bool]) -> Option<Value> {
    if let Some(m) = as_plain_object(value) {
        let part = nested(m, fields, found);
        return (!part.is_empty()).then_some(Value::Object(part));
    }
    let Value::Array(items) = value else {
        return None;
    };
    let parts: Vec<Value> = items
        .iter()
        .filter_map(|item| nested_value(item, fields, found))
        .collect();
    (!parts.is_empty()).then_some(Value::Array(parts))
}

/// One entry per field the object has, named by the field's dotted path.
fn flat_row(
    m: &Map<String, Value>,
    fields: &[(usize, &str)],
    found: &mut [bool],
) -> Map<String, Value> {
    let mut out = Map::new();
    for &(index, path) in fields {
        if let Some(value) = lookup_in(m, path) {
            if let Some(flag) = found.get_mut(index) {
                *flag = true;
            }
            out.insert(path.to_string(), value);
        }
    }
    out
}

fn lookup_in(m: &Map<String, Value>, path: &str) -> Option<Value> {
    let (key, rest) = split_key(m, path)?;
    let value = m.get(key)?;
    match rest {
        None => Some(value.clone()),
        Some(rest) => lookup(value, rest),
    }
}

/// The value at `path` below `value`; through a list, the list of what its elements have.
fn lookup(value: &Value, path: &str) -> Option<Value> {
    if let Some(m) = as_plain_object(value) {
        return lookup_in(m, path);
    }
    let Value::Array(items) = value else {
        return None;
    };
    let values: Vec<Value> = items.iter().filter_map(|item| lookup(item, path)).collect();
    (!values.is_empty()).then_some(Value::Array(values))
}

#[cfg(test)]
mod tests {
    use super::Selection;
    use serde_json::{json, Value};

    fn pick(fields: &str, value: &Value, flat: bool) -> (Value, Vec<String>) {
        Selection::parse(fields).unwrap().apply(value, flat)
    }

    #[test]
    fn nested_fields_keep_their_structure_or_become_dotted_columns() {
        let row = json!({"id": 1, "name": "a", "user": {"username": "root", "uid": 0}, "x": 2});
        let (nested, missing) = pick("user.username,id", &row, false);
        assert_eq!(nested, json!({"user": {"username": "root"}, "id": 1}));
        assert!(missing.is_empty());
        assert_eq!(
            serde_json::to_string(&nested).unwrap(),
            r#"{"user":{"username":"root"},"id":1}"#,
            "the order given is the order kept"
        );
        let (flat, _) = pick("user.username,id", &row, true);
        assert_eq!(
            serde_json::to_string(&flat).unwrap(),
            r#"{"user.username":"root","id":1}"#
        );
        // Two parts of one object merge; the whole object includes its parts.
        let (both, _) = pick("user.uid,user.username", &row, false);
        assert_eq!(both, json!({"user": {"uid": 0, "username": "root"}}));
        let (whole, missing) = pick("user.uid,user", &row, false);
        assert_eq!(whole, json!({"user": {"username": "root", "uid": 0}}));
        assert!(missing.is_empty());
    }

    #[test]
    fn lists_are_selected_element_by_element() {
        let rows = json!([
            {"id": 1, "aliases": [{"address": "10.0.0.1", "netmask": 8}, {"address": "::1"}]},
            {"id": 2, "aliases": []},
            "not an object",
        ]);
        let (nested, _) = pick("aliases.address", &rows, false);
        assert_eq!(
            nested,
            json!([{"aliases": [{"address": "10.0.0.1"}, {"address": "::1"}]}, {}, "not an object"])
        );
        let (flat, _) = pick("id,aliases.address", &rows, true);
        assert_eq!(
            flat,
            json!([{"id": 1, "aliases.address": ["10.0.0.1", "::1"]}, {"id": 2}, "not an object"])
        );
    }

    #[test]
    fn keys_with_dots_are_found_whole() {
        let row = json!({"props": {"org.truenas:managedby": "x", "org": {"y": 1}}, "a.b": 3});
        let (flat, missing) = pick("props.org.truenas:managedby,a.b,props.org.y", &row, true);
        assert_eq!(
            flat,
            json!({"props.org.truenas:managedby": "x", "a.b": 3, "props.org.y": 1})
        );
        assert!(missing.is_empty());
    }

    #[test]
    fn fields_no_object_has_are_reported() {
        let rows = json!([{"id": 1}, {"id": 2, "name": "b"}]);
        let (value, missing) = pick("id,nme,name,id.deeper", &rows, true);
        assert_eq!(value, json!([{"id": 1}, {"id": 2, "name": "b"}]));
        assert_eq!(missing, ["nme", "id.deeper"]);
        // Nothing to look in: nothing to report.
        for nothing in [json!([]), json!("text"), json!(5), json!({"$date": 5})] {
            let (value, missing) = pick("id", &nothing, false);
            assert_eq!(value, nothing);
            assert!(missing.is_empty());
        }
    }

    #[test]
    fn bad_lists_are_usage_errors() {
        for bad in ["", "id,,name", "a..b", ".a", "a.", " , "] {
            let e = Selection::parse(bad).unwrap_err();
            assert_eq!(e.exit_code() as i32, 2, "{bad:?}");
        }
        assert_eq!(
            Selection::parse(" id , name,id").unwrap(),
            Selection::parse("id,name").unwrap()
        );
    }
}
