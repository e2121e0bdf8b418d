//! The server's method catalogue as a TrueNAS CLI command tree, cached on disk.
//!
//! The tree is built exactly as midcli builds it (midcli's `midcli/context.py`): every method of
//! `core.get_methods(null, "CLI")` becomes a command under its service's `cli_namespace`.
//! The full answer is megabytes of JSON, so the cache keeps a small index (command paths,
//! kinds, one-line descriptions) and one file per method with its parameter schemas: a
//! warm command reads the index and one method file, nothing more. The cache is keyed by
//! server and user (the tree depends on the user's roles) and is rebuilt when the
//! server's version changes.

mod cache;

pub(crate) use cache::{clear, root as cache_root};

use crate::client::rpc::Client;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;

/// Bump when the on-disk layout changes; older caches are then rebuilt.
const FORMAT: u32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ServiceType {
    Crud,
    Config,
    Service,
}

/// One command of the tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct CommandInfo {
    /// Namespace words and the command name, e.g. `["auth", "api_key", "create"]`.
    #[serde(rename = "p")]
    pub path: Vec<String>,
    /// The API method, e.g. `api_key.create`.
    #[serde(rename = "m")]
    pub method: String,
    #[serde(rename = "t")]
    pub service_type: ServiceType,
    #[serde(rename = "j", default)]
    pub job: bool,
    #[serde(rename = "f", default)]
    pub filterable: bool,
    #[serde(rename = "d", default)]
    pub description: String,
}

impl CommandInfo {
    pub(crate) fn name(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }
    /// The override key midcli uses: `cli_namespace` + `.` + short name.
    pub(crate) fn cli_key(&self) -> String {
        self.path.join(".")
    }
}

/// What the cache keeps about one method (the parts a command needs).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct MethodDetail {
    pub accepts: Vec<Value>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub job: bool,
    #[serde(default)]
    pub filterable: bool,
    #[serde(default)]
    pub downloadable: bool,
    /// A query's columns: the fields of the rows it returns (for completion).
    #[serde(default)]
    pub columns: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct Index {
    format: u32,
    version: String,
    /// Namespace path (space-joined) → description.
    namespaces: Vec<(String, Option<String>)>,
    commands: Vec<CommandInfo>,
}

/// A node of the tree, children in insertion order (lookup takes the first match).
#[derive(Clone, Debug, Default)]
pub(crate) struct Namespace {
    pub path: Vec<String>,
    pub description: Option<String>,
    namespaces: Vec<Namespace>,
    commands: Vec<CommandInfo>,
    /// Child names in insertion order, pointing into `namespaces` or `commands`.
    order: Vec<(String, Slot)>,
}

#[derive(Clone, Copy, Debug)]
enum Slot {
    Namespace(usize),
    Command(usize),
}

pub(crate) enum Child<'a> {
    Namespace(&'a Namespace),
    Command(&'a CommandInfo),
}

impl Namespace {
    fn child_namespace(&mut self, name: &str) -> &mut Namespace {
        let found = self.order.iter().find_map(|(n, slot)| match slot {
            Slot::Namespace(i) if n == name => Some(*i),
            _ => None,
        });
        let i = if let Some(i) = found {
            i
        } else {
            let mut path = self.path.clone();
            path.push(name.to_string());
            self.namespaces.push(Namespace {
                path,
                ..Namespace::default()
            });
            let i = self.namespaces.len() - 1;
            self.order.push((name.to_string(), Slot::Namespace(i)));
            i
        };
        &mut self.namespaces[i]
    }

    fn add_command(&mut self, cmd: CommandInfo) {
        self.order
            .push((cmd.name().to_string(), Slot::Command(self.commands.len())));
        self.commands.push(cmd);
    }

    fn get(&self, slot: Slot) -> Option<Child<'_>> {
        match slot {
            Slot::Namespace(i) => self.namespaces.get(i).map(Child::Namespace),
            Slot::Command(i) => self.commands.get(i).map(Child::Command),
        }
    }

    pub(crate) fn find(&self, name: &str) -> Option<Child<'_>> {
        let slot = self.order.iter().find(|(n, _)| n == name)?.1;
        self.get(slot)
    }

    /// Children in insertion order.
    pub(crate) fn children(&self) -> impl Iterator<Item = (&str, Child<'_>)> {
        self.order
            .iter()
            .filter_map(|(n, slot)| Some((n.as_str(), self.get(*slot)?)))
    }

    /// Every command below this namespace.
    pub(crate) fn all_commands(&self) -> Vec<&CommandInfo> {
        let mut out = Vec::new();
        for (_, c) in self.children() {
            match c {
                Child::Command(cmd) => out.push(cmd),
                Child::Namespace(ns) => out.extend(ns.all_commands()),
            }
        }
        out
    }
}

/// The command tree of one server.
pub(crate) struct Catalog {
    pub root: Namespace,
    dir: Option<PathBuf>,
    /// Method details held in memory (fresh builds, and tests).
    details: HashMap<String, MethodDetail>,
}

/// How a sequence of words resolved.
pub(crate) enum Resolved<'a> {
    Namespace(&'a Namespace),
    /// A command and the index of the first word after its name.
    Command(&'a CommandInfo, usize),
    /// `words[index]` names nothing in `namespace`.
    Unknown {
        namespace: &'a Namespace,
        index: usize,
    },
}

impl Catalog {
    /// Build from `core.get_methods(null, "CLI")` and `core.get_services("CLI")` answers.
    #[cfg(test)]
    pub(crate) fn build(version: &str, methods: &Value, services: &Value) -> Catalog {
        let (index, details) = index_from(version, methods, services);
        Catalog {
            root: tree(&index),
            dir: None,
            details,
        }
    }

    /// The catalogue of the connected server, from the cache when it is current.
    pub(crate) fn load(client: &mut Client, server_key: &str, verbose: bool) -> Result<Catalog> {
        let version = client
            .call("system.version", vec![])
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .unwrap_or_default();
        let dir = cache::dir_for(server_key, verbose);
        if let Some(index) = dir.as_deref().and_then(|d| cache::read_index(d, &version)) {
            return Ok(Catalog {
                root: tree(&index),
                dir,
                details: HashMap::new(),
            });
        }
        if verbose {
            eprintln!("* fetching the method catalogue (server version {version:?})");
        }
        let methods = client.call("core.get_methods", vec![Value::Null, json!("CLI")])?;
        let services = client.call("core.get_services", vec![json!("CLI")])?;
        let (index, details) = index_from(&version, &methods, &services);
        if let Some(dir) = &dir {
            if let Err(e) = cache::write(dir, &index, &details) {
                // A read-only home must not stop the command; it only costs speed.
                if verbose {
                    eprintln!("* cannot write the catalogue cache {}: {e}", dir.display());
                }
            }
        }
        Ok(Catalog {
            root: tree(&index),
            dir: None,
            details,
        })
    }

    /// Parameter schemas and flags of `method`.
    pub(crate) fn method(&self, method: &str) -> Result<MethodDetail> {
        if let Some(d) = self.details.get(method) {
            return Ok(d.clone());
        }
        let dir = self.dir.as_ref().ok_or_else(|| missing(method))?;
        let text = std::fs::read_to_string(dir.join("methods").join(format!("{method}.json")))
            .map_err(|_| missing(method).hint("run `midclt cache clear` and try again"))?;
        serde_json::from_str(&text)
            .map_err(|_| missing(method).hint("run `midclt cache clear` and try again"))
    }

    /// Walk `words` from the root.
    pub(crate) fn resolve<'a>(&'a self, words: &[String]) -> Resolved<'a> {
        let mut ns = &self.root;
        for (i, w) in words.iter().enumerate() {
            match ns.find(w) {
                Some(Child::Namespace(next)) => ns = next,
                Some(Child::Command(cmd)) => return Resolved::Command(cmd, i + 1),
                None => {
                    return Resolved::Unknown {
                        namespace: ns,
                        index: i,
                    }
                }
            }
        }
        Resolved::Namespace(ns)
    }
}

fn missing(method: &str) -> Error {
    Error::usage(format!("the cached catalogue has no details for {method}"))
}

fn index_from(
    version: &str,
    methods: &Value,
    services: &Value,
) -> (Index, HashMap<String, MethodDetail>) {
    let mut namespaces: Vec<(String, Option<String>)> = Vec::new();
    let mut commands = Vec::new();
    let mut details = HashMap::new();
    let empty = serde_json::Map::new();
    let methods = methods.as_object().unwrap_or(&empty);
    let services = services.as_object().unwrap_or(&empty);
    for (name, m) in methods {
        if m.get("cli_private").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let Some((service, short)) = name.rsplit_once('.') else {
            continue;
        };
        let svc = services.get(service);
        let config = svc.and_then(|s| s.get("config"));
        let flag = |k: &str| config.and_then(|c| c.get(k)).and_then(Value::as_bool) == Some(true);
        if flag("private") || flag("cli_private") {
            continue;
        }
        // midcli requires cli_namespace; a service the server did not list (older
        // catalogues) or one without it falls back to its API namespace.
        let cli_ns = config
            .and_then(|c| c.get("cli_namespace"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or(service);
        let ns_words: Vec<String> = cli_ns
            .split('.')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let ns_key = ns_words.join(" ");
        // Intermediate namespaces exist without a description of their own.
        for depth in 1..ns_words.len() {
            let k = ns_words[..depth].join(" ");
            if !namespaces.iter().any(|(n, _)| *n == k) {
                namespaces.push((k, None));
            }
        }
        let desc = config
            .and_then(|c| c.get("cli_description"))
            .and_then(Value::as_str)
            .map(str::to_string);
        match namespaces.iter_mut().find(|(n, _)| *n == ns_key) {
            // Later services with the same path overwrite the description (midcli).
            Some(entry) => entry.1 = desc.or(entry.1.take()),
            None => namespaces.push((ns_key, desc)),
        }
        let service_type = match svc.and_then(|s| s.get("type")).and_then(Value::as_str) {
            Some("crud") => ServiceType::Crud,
            Some("config") => ServiceType::Config,
            _ => ServiceType::Service,
        };
        let b = |k: &str| m.get(k).and_then(Value::as_bool) == Some(true);
        let mut path = ns_words;
        path.push(short.to_string());
        commands.push(CommandInfo {
            path,
            method: name.clone(),
            service_type,
            job: b("job"),
            filterable: b("filterable"),
            description: m
                .get("cli_description")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        });
        details.insert(
            name.clone(),
            MethodDetail {
                accepts: m
                    .get("accepts")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
                description: m
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                job: b("job"),
                filterable: b("filterable"),
                downloadable: b("downloadable"),
                columns: if b("filterable") {
                    row_fields(m.get("returns").unwrap_or(&Value::Null))
                } else {
                    Vec::new()
                },
            },
        );
    }
    let index = Index {
        format: FORMAT,
        version: version.to_string(),
        namespaces,
        commands,
    };
    (index, details)
}

/// The property names of the first object schema inside a `returns` schema (through
/// arrays, `items` and `anyOf`): a query's row fields.
fn row_fields(schema: &Value) -> Vec<String> {
    match schema {
        Value::Object(m) => {
            if let Some(Value::Object(props)) = m.get("properties") {
                return props.keys().cloned().collect();
            }
            ["items", "anyOf", "oneOf", "prefixItems"]
                .iter()
                .filter_map(|k| m.get(*k))
                .map(row_fields)
                .find(|f| !f.is_empty())
                .unwrap_or_default()
        }
        Value::Array(items) => items
            .iter()
            .map(row_fields)
            .find(|f| !f.is_empty())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The catalogue cached for this server and user, whatever its version, without asking
/// the server (completion must not touch the network).
pub(crate) fn cached(server_key: &str) -> Option<Catalog> {
    let dir = cache::dir_for(server_key, false)?;
    let index = cache::read_any_index(&dir)?;
    Some(Catalog {
        root: tree(&index),
        dir: Some(dir),
        details: HashMap::new(),
    })
}

fn tree(index: &Index) -> Namespace {
    let mut root = Namespace::default();
    let words = |k: &str| -> Vec<String> {
        k.split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    for (k, desc) in &index.namespaces {
        let mut ns = &mut root;
        for w in words(k) {
            ns = ns.child_namespace(&w);
        }
        if desc.is_some() {
            ns.description.clone_from(desc);
        }
    }
    for cmd in &index.commands {
        let Some((_, ns_words)) = cmd.path.split_last() else {
            continue;
        };
        let mut ns = &mut root;
        for w in ns_words {
            ns = ns.child_namespace(w);
        }
        ns.add_command(cmd.clone());
    }
    root
}

/// Method names close to `method` in the cached catalogue of this server and user (none
/// without a cache); no network.
pub(crate) fn cached_method_suggestions(server_key: &str, method: &str) -> Vec<String> {
    let Some(cat) = cached(server_key) else {
        return Vec::new();
    };
    let commands = cat.root.all_commands();
    suggestions(method, commands.iter().map(|c| c.method.as_str()))
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// Names close to `word` (for "did you mean"), best first.
pub(crate) fn suggestions<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|c| {
            let d = edit_distance(word, c);
            let limit = (word.chars().count().max(c.chars().count()) / 3).max(1);
            (d <= limit || (word.len() >= 3 && c.starts_with(word))).then_some((d, c))
        })
        .collect();
    scored.sort_unstable();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// Optimal string alignment distance: Levenshtein plus adjacent transpositions, the
/// commonest typo (`qeury`).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod real_catalogs;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_suggestions() {
        assert_eq!(edit_distance("qeury", "query"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            suggestions("qeury", ["query", "create", "delete"].into_iter()),
            vec!["query"]
        );
        assert_eq!(
            suggestions("api", ["api_key", "app"].into_iter()),
            vec!["app", "api_key"]
        );
        assert!(suggestions("zzzzzz", ["query"].into_iter()).is_empty());
    }
}
