//! Ansible's YAML inventory format:
//!
//! ```yaml
//! all:
//!   vars:
//!     midclt_username: admin
//!   children:
//!     lab:
//!       hosts:
//!         nas1:
//!           midclt_uri: ws://10.0.0.1/api/current
//!         nas2:
//! ```
//!
//! The top-level keys are groups; a group has `hosts` (a mapping of host names to their
//! variables, or nothing), `vars` and `children` (groups, the same way), all optional.
//! Values are read as YAML 1.2 (`yes` is a string, `true` a boolean).

use super::{Builder, ParseError, Var, Vars};
use yaml_rust2::{Yaml, YamlLoader};

/// Groups nested deeper than this in the file are refused.
const MAX_NESTING: usize = 64;

pub(super) fn parse(text: &str) -> Result<Builder, ParseError> {
    let docs = YamlLoader::load_from_str(text)
        .map_err(|e| (e.marker().line(), format!("not valid YAML: {}", e.info())))?;
    let mut b = Builder::default();
    let Some(doc) = docs.first() else {
        return Ok(b);
    };
    let top = match doc {
        Yaml::Hash(top) => top,
        Yaml::Null => return Ok(b),
        _ => return Err(fail("expected a mapping of groups (all: ...)".into())),
    };
    for (name, body) in top {
        let name = key(name, "a group")?;
        group(&mut b, &name, body, 0)?;
    }
    Ok(b)
}

/// The line is not known once the document is loaded (0); errors name the group instead.
fn fail(what: String) -> ParseError {
    (0, what)
}

fn key(k: &Yaml, what: &str) -> Result<String, ParseError> {
    match k {
        Yaml::String(s) => Ok(s.clone()),
        Yaml::Integer(n) => Ok(n.to_string()),
        Yaml::Real(r) => Ok(r.clone()),
        _ => Err(fail(format!("{what}'s name must be text"))),
    }
}

fn group(b: &mut Builder, name: &str, body: &Yaml, depth: usize) -> Result<(), ParseError> {
    if depth > MAX_NESTING {
        return Err(fail(format!(
            "group {name:?}: groups nested more than {MAX_NESTING} deep"
        )));
    }
    b.group_mut(name);
    let body = match body {
        Yaml::Hash(h) => h,
        Yaml::Null => return Ok(()),
        _ => {
            return Err(fail(format!(
                "group {name:?}: expected hosts, vars and children (or nothing)"
            )))
        }
    };
    for (k, v) in body {
        match key(k, "a group's entry")?.as_str() {
            "hosts" => match v {
                Yaml::Hash(hosts) => {
                    for (host, vars) in hosts {
                        let host = key(host, "a host")?;
                        let vars = mapping(vars, &format!("host {host:?}"))?;
                        b.hosts(name, &host, &vars).map_err(fail)?;
                    }
                }
                Yaml::Null => {}
                _ => {
                    return Err(fail(format!(
                        "group {name:?}: hosts must be a mapping of host names (`nas1:` each)"
                    )))
                }
            },
            "vars" => {
                for (k, v) in mapping(v, &format!("group {name:?}'s vars"))? {
                    b.var(name, &k, v);
                }
            }
            "children" => match v {
                Yaml::Hash(children) => {
                    for (child, body) in children {
                        let child = key(child, "a group")?;
                        b.child(name, &child);
                        group(b, &child, body, depth + 1)?;
                    }
                }
                Yaml::Null => {}
                _ => {
                    return Err(fail(format!(
                        "group {name:?}: children must be a mapping of group names"
                    )))
                }
            },
            other => {
                return Err(fail(format!(
                    "group {name:?}: unexpected key {other:?}; a group has hosts, vars and children"
                )))
            }
        }
    }
    Ok(())
}

/// Variables: a mapping of names to values, or nothing.
fn mapping(v: &Yaml, whose: &str) -> Result<Vars, ParseError> {
    match v {
        Yaml::Null => Ok(Vec::new()),
        Yaml::Hash(h) => h
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Yaml::String(s) => Var::Text(s.clone()),
                    Yaml::Integer(n) => Var::Int(*n),
                    Yaml::Boolean(b) => Var::Bool(*b),
                    _ => Var::Other,
                };
                Ok((key(k, "a variable")?, value))
            })
            .collect(),
        _ => Err(fail(format!("{whose}: expected a mapping of variables"))),
    }
}
