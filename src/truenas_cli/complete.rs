//! Completion candidates from the cached catalogue: namespaces and commands, method names
//! after `call`, argument names (`name=`), boolean and enum values, and a query's columns.
//! Never touches the network: without a cache there is nothing dynamic to offer.

use super::args::Mode;
use super::catalog::{Catalog, Resolved};
use super::{argument_rows, mode};
use serde_json::Value;

/// Candidates for the last of `words` (the words after `midclt` and its global options;
/// the last one is being typed and may be empty). `own` are midclt's own subcommands.
pub(crate) fn candidates(cat: Option<&Catalog>, own: &[&str], words: &[String]) -> Vec<String> {
    let Some((partial, done)) = words.split_last() else {
        return own.iter().map(|s| (*s).to_string()).collect();
    };
    let starts = |s: &str| s.starts_with(partial.as_str());
    if done.is_empty() {
        let mut out: Vec<String> = own
            .iter()
            .filter(|s| starts(s))
            .map(|s| (*s).to_string())
            .collect();
        if let Some(cat) = cat {
            out.extend(
                cat.root
                    .children()
                    .map(|(n, _)| n.to_string())
                    .filter(|n| starts(n)),
            );
        }
        return out;
    }
    let Some(cat) = cat else {
        return Vec::new();
    };
    if done.len() == 1 && done[0] == "call" {
        let mut methods: Vec<String> = cat
            .root
            .all_commands()
            .into_iter()
            .map(|c| c.method.clone())
            .filter(|m| starts(m))
            .collect();
        methods.sort();
        methods.dedup();
        return methods;
    }
    match cat.resolve(done) {
        Resolved::Namespace(ns) => ns
            .children()
            .map(|(n, _)| n.to_string())
            .filter(|n| starts(n))
            .collect(),
        Resolved::Command(cmd, used) => {
            let Ok(detail) = cat.method(&cmd.method) else {
                return Vec::new();
            };
            if cmd.filterable {
                return columns(&detail.columns, partial, done.len() > used);
            }
            let mode = mode(cmd);
            if let Some((name, value)) = partial.split_once('=') {
                return values(&detail.accepts, mode, name)
                    .into_iter()
                    .filter(|v| v.starts_with(value))
                    .map(|v| format!("{name}={v}"))
                    .collect();
            }
            let given: Vec<&str> = done[used..]
                .iter()
                .filter_map(|w| w.split_once('=').map(|(n, _)| n))
                .collect();
            argument_rows(&detail, mode)
                .into_iter()
                .map(|(name, _, _)| name)
                .filter(|n| !n.is_empty() && !given.contains(&n.as_str()) && starts(n))
                .map(|n| format!("{n}="))
                .collect()
        }
        Resolved::Unknown { .. } => Vec::new(),
    }
}

/// A query's column list (`id,na<TAB>`), or `WHERE` once columns were given.
fn columns(all: &[String], partial: &str, after_columns: bool) -> Vec<String> {
    if after_columns {
        return ["WHERE", "ORDER BY", "LIMIT", "OFFSET"]
            .iter()
            .filter(|k| k.starts_with(partial))
            .map(|k| (*k).to_string())
            .collect();
    }
    let (head, last) = partial
        .rsplit_once(',')
        .map_or(("", partial), |(h, l)| (h, l));
    let taken: Vec<&str> = head.split(',').collect();
    let mut out: Vec<String> = all
        .iter()
        .filter(|c| c.starts_with(last) && !taken.contains(&c.as_str()))
        .map(|c| {
            if head.is_empty() {
                c.clone()
            } else {
                format!("{head},{c}")
            }
        })
        .collect();
    if head.is_empty() && "*".starts_with(partial) {
        out.insert(0, "*".into());
    }
    out
}

/// The values worth offering for argument `name`: booleans and enum members.
fn values(accepts: &[Value], mode: Mode, name: &str) -> Vec<String> {
    let schema = match mode {
        Mode::Splice(i) => accepts
            .get(i)
            .and_then(|a| a.get("properties"))
            .and_then(|p| p.get(name)),
        Mode::PositionalKeyword | Mode::Update => accepts
            .iter()
            .find(|a| a.get("_name_").and_then(Value::as_str) == Some(name))
            .or_else(|| {
                accepts
                    .iter()
                    .find_map(|a| a.get("properties").and_then(|p| p.get(name)))
            }),
    };
    let Some(schema) = schema else {
        return Vec::new();
    };
    let mut out = Vec::new();
    collect_values(schema, &mut out);
    out
}

fn collect_values(schema: &Value, out: &mut Vec<String>) {
    if schema.get("type").and_then(Value::as_str) == Some("boolean") {
        out.extend(["true".to_string(), "false".to_string()]);
    }
    if let Some(Value::Array(members)) = schema.get("enum") {
        out.extend(members.iter().filter_map(Value::as_str).map(str::to_string));
    }
    if let Some(Value::String(c)) = schema.get("const") {
        out.push(c.clone());
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(alts)) = schema.get(key) {
            for alt in alts {
                collect_values(alt, out);
            }
        }
    }
}
