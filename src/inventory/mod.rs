//! Ansible inventories (`--inventory FILE`, INI or YAML), as far as midclt needs them:
//! the hosts, the groups they are in, and each host's variables after Ansible's
//! precedence (`all`, then groups from parents to children — by name where they are
//! equally deep —, then the host's own).
//!
//! midclt reads these variables of a host:
//! - `midclt_profile`: a profile of the config file to start from;
//! - `midclt_SETTING` for every profile setting but the secrets themselves (`midclt_uri`,
//!   `midclt_username`, `midclt_password_file`, `midclt_api_key_file`, `midclt_ca_cert`,
//!   `midclt_pin`, `midclt_timeout`, `midclt_channel_binding`, `midclt_plain`,
//!   `midclt_protocol`, `midclt_output`), over the profile's; relative paths are relative
//!   to the inventory;
//! - `ansible_host`: the address when neither `midclt_uri` nor the profile gives one
//!   (`wss://ADDRESS/api/current`); without it, the host's own name is the address.
//!
//! The format goes by the file name (`.yml`, `.yaml`, `.json` are YAML, as for Ansible),
//! else by the content (YAML starts with `---` or a `key:` line).

mod ini;
mod yaml;

use crate::config::{self, Profile, Raw};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// A variable's value as the file gives it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Var {
    /// A string (YAML, or quoted in INI vars sections).
    Text(String),
    /// INI's bare text, which reads as whatever the setting needs.
    Untyped(String),
    Int(i64),
    Bool(bool),
    /// Lists, mappings, floats, null: nothing midclt reads.
    Other,
}

type Vars = Vec<(String, Var)>;

#[derive(Default)]
struct Group {
    name: String,
    /// How far below `all` (set once the whole file is read).
    depth: usize,
    hosts: Vec<String>,
    children: Vec<String>,
    vars: Vars,
}

/// A parsed inventory.
pub(crate) struct Inventory {
    /// The file as named on the command line (`-`: stdin), for messages.
    source: String,
    /// What relative paths in variables are relative to.
    base: PathBuf,
    /// Hosts in the order they first appear, with their own variables.
    hosts: Vec<(String, Vars)>,
    groups: Vec<Group>,
}

/// Expansions of one host pattern (`nas[01:20]`) beyond this are refused.
const MAX_HOSTS_PER_PATTERN: usize = 10_000;
/// Groups nested deeper than this are refused.
const MAX_DEPTH: usize = 64;

impl Inventory {
    /// Read `path` (`-` is stdin).
    pub(crate) fn load(path: &Path) -> Result<Inventory> {
        let stdin = path == Path::new("-");
        let text = if stdin {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| Error::usage(format!("cannot read the inventory from stdin: {e}")))?;
            text
        } else {
            std::fs::read_to_string(path).map_err(|e| {
                Error::usage(format!("cannot read the inventory {}: {e}", path.display()))
            })?
        };
        let base = match path.parent() {
            Some(dir) if !stdin && !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let source = if stdin {
            "the inventory on stdin".to_string()
        } else {
            path.display().to_string()
        };
        let parsed = if is_yaml(path, &text) {
            yaml::parse(&text)
        } else {
            ini::parse(&text)
        };
        let built = parsed.map_err(|(line, what)| match line {
            0 => Error::usage(format!("{source}: {what}")),
            n => Error::usage(format!("{source} line {n}: {what}")),
        })?;
        let mut inv = Inventory {
            source,
            base,
            hosts: built.hosts,
            groups: built.groups,
        };
        inv.finish()?;
        Ok(inv)
    }

    /// `all` holds every group without another parent; hosts in no group are `ungrouped`.
    fn finish(&mut self) -> Result<()> {
        if self.group("all").is_none() {
            self.groups.insert(
                0,
                Group {
                    name: "all".into(),
                    ..Group::default()
                },
            );
        }
        let orphans: Vec<String> = self
            .groups
            .iter()
            .filter(|g| g.name != "all" && self.parents(&g.name).next().is_none())
            .map(|g| g.name.clone())
            .collect();
        let lonely: Vec<String> = self
            .hosts
            .iter()
            .filter(|(h, _)| {
                !self
                    .groups
                    .iter()
                    .any(|g| g.name != "all" && g.hosts.contains(h))
            })
            .map(|(h, _)| h.clone())
            .collect();
        if let Some(all) = self.groups.iter_mut().find(|g| g.name == "all") {
            for g in orphans {
                if !all.children.contains(&g) {
                    all.children.push(g);
                }
            }
            all.hosts.retain(|h| !lonely.contains(h));
        }
        if !lonely.is_empty() {
            let mut b = Builder {
                hosts: Vec::new(),
                groups: std::mem::take(&mut self.groups),
            };
            for h in &lonely {
                b.group_mut("ungrouped").hosts.push(h.clone());
            }
            b.child("all", "ungrouped");
            self.groups = b.groups;
        }
        self.set_depths()
    }

    fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    fn parents<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Group> + 'a {
        self.groups
            .iter()
            .filter(move |g| g.children.iter().any(|c| c == name))
    }

    /// How far below `all` each group is (its longest way down from it), found by
    /// relaxing every parent link until nothing changes; still changing after as many
    /// rounds as there are groups means a group is its own ancestor.
    fn set_depths(&mut self) -> Result<()> {
        for _ in 0..=self.groups.len() {
            let mut changed = false;
            for i in 0..self.groups.len() {
                let name = &self.groups[i].name;
                let deepest_parent = self.parents(name).map(|p| p.depth + 1).max();
                let depth = deepest_parent.unwrap_or(0);
                if depth > MAX_DEPTH {
                    return Err(Error::usage(format!(
                        "{}: group {name:?} is its own child (directly or through others), or groups are nested more than {MAX_DEPTH} deep",
                        self.source
                    )));
                }
                if depth != self.groups[i].depth {
                    self.groups[i].depth = depth;
                    changed = true;
                }
            }
            if !changed {
                return Ok(());
            }
        }
        Err(Error::usage(format!(
            "{}: a group is its own child (directly or through others)",
            self.source
        )))
    }

    /// Every host of `group`, its children's included (none for an unknown group).
    fn members(&self, group: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut todo = vec![group];
        let mut seen: Vec<&str> = Vec::new();
        while let Some(name) = todo.pop() {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let Some(g) = self.group(name) else { continue };
            if g.name == "all" {
                return self.hosts.iter().map(|(h, _)| h.as_str()).collect();
            }
            out.extend(g.hosts.iter().map(String::as_str));
            todo.extend(g.children.iter().map(String::as_str));
        }
        out
    }

    /// The hosts `--limit PATTERN` selects (all of them without one), in inventory order.
    /// A pattern is names of groups or hosts separated by `,` or `:`; `all` and `*` are
    /// every host, `*` and `?` inside a name match like shell wildcards, `&NAME` keeps only
    /// hosts also in NAME and `!NAME` leaves NAME's hosts out.
    pub(crate) fn select(&self, limit: Option<&str>) -> Result<Vec<String>> {
        let all: Vec<&str> = self.hosts.iter().map(|(h, _)| h.as_str()).collect();
        let Some(limit) = limit else {
            return Ok(all.iter().map(|h| (*h).to_string()).collect());
        };
        let mut take: Vec<&str> = Vec::new();
        let mut keep: Option<Vec<&str>> = None;
        let mut drop: Vec<&str> = Vec::new();
        for term in limit
            .split([',', ':'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            if let Some(name) = term.strip_prefix('!') {
                drop.extend(self.matching(name)?);
            } else if let Some(name) = term.strip_prefix('&') {
                let found = self.matching(name)?;
                keep = Some(match keep {
                    Some(k) => k.into_iter().filter(|h| found.contains(h)).collect(),
                    None => found,
                });
            } else {
                take.extend(self.matching(term)?);
            }
        }
        if take.is_empty() && (keep.is_some() || !drop.is_empty()) {
            take.clone_from(&all);
        }
        let chosen: Vec<String> = all
            .into_iter()
            .filter(|h| take.contains(h))
            .filter(|h| keep.as_ref().is_none_or(|k| k.contains(h)))
            .filter(|h| !drop.contains(h))
            .map(str::to_string)
            .collect();
        if chosen.is_empty() {
            return Err(Error::usage(format!(
                "--limit {limit} leaves no host of {}",
                self.source
            )));
        }
        Ok(chosen)
    }

    fn matching(&self, name: &str) -> Result<Vec<&str>> {
        if name == "all" || name == "*" {
            return Ok(self.hosts.iter().map(|(h, _)| h.as_str()).collect());
        }
        if name.contains(['*', '?']) {
            let mut out: Vec<&str> = Vec::new();
            for g in self.groups.iter().filter(|g| wildcard(name, &g.name)) {
                out.extend(self.members(&g.name));
            }
            out.extend(
                self.hosts
                    .iter()
                    .map(|(h, _)| h.as_str())
                    .filter(|h| wildcard(name, h)),
            );
            return Ok(out);
        }
        if self.group(name).is_some() {
            return Ok(self.members(name));
        }
        match self.hosts.iter().find(|(h, _)| h == name) {
            Some((h, _)) => Ok(vec![h.as_str()]),
            None => Err(Error::usage(format!(
                "--limit: no group or host {name:?} in {}",
                self.source
            ))),
        }
    }

    /// A host's variables: `all`'s, then its groups' from parents to children, then its
    /// own; a later value of a name replaces an earlier one.
    fn vars_of(&self, host: &str) -> Vars {
        let mut groups: Vec<&Group> = self
            .groups
            .iter()
            .filter(|g| self.members(&g.name).contains(&host))
            .collect();
        groups.sort_by(|a, b| a.depth.cmp(&b.depth).then_with(|| a.name.cmp(&b.name)));
        let own = self.hosts.iter().filter(|(h, _)| h == host).map(|(_, v)| v);
        let mut vars: Vars = Vec::new();
        for (k, v) in groups.iter().flat_map(|g| &g.vars).chain(own.flatten()) {
            match vars.iter_mut().find(|(name, _)| name == k) {
                Some(slot) => slot.1 = v.clone(),
                None => vars.push((k.clone(), v.clone())),
            }
        }
        vars
    }

    /// The settings midclt uses for `host` (see the module documentation).
    pub(crate) fn profile_of(&self, host: &str) -> Result<Profile> {
        let vars = self.vars_of(host);
        let get = |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v);
        let bad = |var: &str, what: &str| {
            Error::usage(format!("{}: host {host}: {var}: {what}", self.source))
        };
        let text = |var: &str| match get(var) {
            None => Ok(None),
            Some(Var::Text(t) | Var::Untyped(t)) => Ok(Some(t.clone())),
            Some(_) => Err(bad(var, "expected a string")),
        };
        let mut p = match text("midclt_profile")? {
            Some(name) => config::profile(Some(&name))?.unwrap_or_default(),
            None => Profile::default(),
        };
        for (var, value) in &vars {
            let Some(setting) = var.strip_prefix("midclt_") else {
                continue;
            };
            if setting == "profile" {
                continue;
            }
            if config::SECRETS.contains(&setting) {
                return Err(bad(
                    var,
                    &format!("an inventory is no place for a secret; set midclt_{setting}_file to a file holding it"),
                ));
            }
            let raw = match value {
                Var::Text(t) => Raw::Text(t),
                Var::Untyped(t) => Raw::Untyped(t),
                Var::Int(n) => Raw::Int(*n),
                Var::Bool(b) => Raw::Bool(*b),
                Var::Other => Raw::Other,
            };
            config::apply(&mut p, setting, raw, &self.base).map_err(|what| bad(var, &what))?;
        }
        if p.uri.is_none() {
            let address = text("ansible_host")?.unwrap_or_else(|| host.to_string());
            p.uri = Some(if address.contains(':') && !address.starts_with('[') {
                format!("wss://[{address}]/api/current")
            } else {
                format!("wss://{address}/api/current")
            });
        }
        Ok(p)
    }
}

/// YAML by the file name as Ansible decides, else by the first line that says something.
fn is_yaml(path: &Path, text: &str) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if let Some(ext) = ext.as_deref() {
        if matches!(ext, "yml" | "yaml" | "json") {
            return true;
        }
        if matches!(ext, "ini" | "cfg" | "hosts") {
            return false;
        }
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'));
    first.is_some_and(|l| {
        l.starts_with("---")
            || l.starts_with('{')
            || (!l.starts_with('[') && !l.contains('=') && (l.ends_with(':') || l.contains(": ")))
    })
}

/// Shell-style `*` and `?` matching of a whole name.
fn wildcard(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(c) if *c == '?' || *c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// What the parsers build: hosts and groups as the file lists them.
#[derive(Default)]
struct Builder {
    hosts: Vec<(String, Vars)>,
    groups: Vec<Group>,
}

/// A parse error: the line (1-based; 0 when not known) and what is wrong there.
type ParseError = (usize, String);

impl Builder {
    fn group_mut(&mut self, name: &str) -> &mut Group {
        let at = if let Some(i) = self.groups.iter().position(|g| g.name == name) {
            i
        } else {
            self.groups.push(Group {
                name: name.to_string(),
                ..Group::default()
            });
            self.groups.len() - 1
        };
        &mut self.groups[at]
    }

    /// `pattern` (possibly a range, `nas[1:3]`) in `group`, with these variables.
    fn hosts(&mut self, group: &str, pattern: &str, vars: &Vars) -> Result<(), String> {
        for name in expand(pattern)? {
            match self.hosts.iter_mut().find(|(h, _)| *h == name) {
                Some((_, own)) => own.extend(vars.iter().cloned()),
                None => self.hosts.push((name.clone(), vars.clone())),
            }
            let g = self.group_mut(group);
            if !g.hosts.contains(&name) {
                g.hosts.push(name);
            }
        }
        Ok(())
    }

    fn child(&mut self, parent: &str, child: &str) {
        self.group_mut(child);
        let p = self.group_mut(parent);
        if !p.children.iter().any(|c| c == child) {
            p.children.push(child.to_string());
        }
    }

    fn var(&mut self, group: &str, name: &str, value: Var) {
        self.group_mut(group).vars.push((name.to_string(), value));
    }
}

/// Ansible's host ranges: `nas[01:03]` is nas01, nas02, nas03; `[a:c]` letters;
/// `[1:9:2]` every second.
fn expand(pattern: &str) -> Result<Vec<String>, String> {
    let Some(open) = pattern.find('[') else {
        return Ok(vec![pattern.to_string()]);
    };
    let close = pattern[open..]
        .find(']')
        .map(|i| open + i)
        .ok_or_else(|| format!("{pattern}: a host range needs its closing ]"))?;
    let (head, range, tail) = (
        &pattern[..open],
        &pattern[open + 1..close],
        &pattern[close + 1..],
    );
    let parts: Vec<&str> = range.split(':').collect();
    let bad = || format!("{pattern}: expected a range such as [01:20], [a:f] or [1:9:2]");
    let (start, end, step) = match parts.as_slice() {
        [s, e] => (*s, *e, "1"),
        [s, e, st] => (*s, *e, *st),
        _ => return Err(bad()),
    };
    let step: usize = step.parse().ok().filter(|s| *s > 0).ok_or_else(bad)?;
    let values: Vec<String> = if let (Ok(a), Ok(b)) = (start.parse::<u64>(), end.parse::<u64>()) {
        let width = if start.starts_with('0') {
            start.len()
        } else {
            0
        };
        if b < a || (b - a) / step as u64 >= MAX_HOSTS_PER_PATTERN as u64 {
            return Err(bad());
        }
        (a..=b)
            .step_by(step)
            .map(|n| format!("{n:0width$}"))
            .collect()
    } else {
        let letter = |s: &str| {
            let mut cs = s.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) if c.is_ascii_alphabetic() => Some(c),
                _ => None,
            }
        };
        let (Some(a), Some(b)) = (letter(start), letter(end)) else {
            return Err(bad());
        };
        if b < a {
            return Err(bad());
        }
        (a..=b).step_by(step).map(String::from).collect()
    };
    let rest = expand(tail)?;
    if values.len().saturating_mul(rest.len()) > MAX_HOSTS_PER_PATTERN {
        return Err(format!(
            "{pattern}: more than {MAX_HOSTS_PER_PATTERN} hosts"
        ));
    }
    Ok(values
        .iter()
        .flat_map(|v| rest.iter().map(move |r| format!("{head}{v}{r}")))
        .collect())
}

#[cfg(test)]
mod tests;
