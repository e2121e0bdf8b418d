//! Ansible's INI inventory format:
//!
//! ```ini
//! nas0 midclt_uri=ws://10.0.0.9/api/current    # before any section: ungrouped
//! [lab]
//! nas1 ansible_host=10.0.0.1
//! nas[2:3] midclt_profile=lab                  # nas2, nas3
//! [lab:vars]
//! midclt_username=admin
//! [prod:children]
//! lab
//! ```
//!
//! Comments are lines starting with `#` or `;`, and ` # ...` after a host; host lines are
//! split like a shell's words (quotes group, and are removed).

use super::{Builder, ParseError, Var, Vars};

enum Section {
    Hosts(String),
    Vars(String),
    Children(String),
}

pub(super) fn parse(text: &str) -> Result<Builder, ParseError> {
    let mut b = Builder::default();
    let mut section = Section::Hosts("ungrouped".into());
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if line.starts_with('[') {
            section = header(line).map_err(|what| (n, what))?;
            let (Section::Hosts(g) | Section::Vars(g) | Section::Children(g)) = &section;
            b.group_mut(g);
            continue;
        }
        match &section {
            Section::Hosts(group) => {
                let words = words(line).map_err(|what| (n, what))?;
                let Some((host, rest)) = words.split_first() else {
                    continue;
                };
                let vars = rest
                    .iter()
                    .map(|w| match w.split_once('=') {
                        Some((k, v)) if !k.is_empty() => {
                            Ok((k.to_string(), Var::Untyped(v.to_string())))
                        }
                        _ => Err((n, format!("{w:?}: expected NAME=VALUE after the host"))),
                    })
                    .collect::<Result<Vars, ParseError>>()?;
                b.hosts(group, without_port(host), &vars)
                    .map_err(|what| (n, what))?;
            }
            Section::Vars(group) => {
                let (k, v) = line
                    .split_once('=')
                    .ok_or_else(|| (n, format!("{line:?}: expected NAME=VALUE")))?;
                let (k, v) = (k.trim(), v.trim());
                let quoted = v.len() >= 2
                    && ((v.starts_with('"') && v.ends_with('"'))
                        || (v.starts_with('\'') && v.ends_with('\'')));
                let value = if quoted {
                    Var::Text(v[1..v.len() - 1].to_string())
                } else {
                    Var::Untyped(v.to_string())
                };
                b.var(group, k, value);
            }
            Section::Children(group) => {
                let words = words(line).map_err(|what| (n, what))?;
                if let Some(child) = words.first() {
                    b.child(group, child);
                }
            }
        }
    }
    Ok(b)
}

/// `[name]`, `[name:vars]` or `[name:children]`, perhaps with a comment after it.
fn header(line: &str) -> Result<Section, String> {
    let bad = || format!("{line:?}: expected [GROUP], [GROUP:vars] or [GROUP:children]");
    let close = line.find(']').ok_or_else(bad)?;
    let after = line[close + 1..].trim();
    if !after.is_empty() && !after.starts_with('#') && !after.starts_with(';') {
        return Err(bad());
    }
    let inside = &line[1..close];
    let (name, kind) = match inside.split_once(':') {
        Some((name, kind)) => (name, Some(kind)),
        None => (inside, None),
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(bad());
    }
    let name = name.to_string();
    match kind {
        None => Ok(Section::Hosts(name)),
        Some("vars") => Ok(Section::Vars(name)),
        Some("children") => Ok(Section::Children(name)),
        Some(_) => Err(bad()),
    }
}

/// `nas1:2222` is host nas1 (Ansible's SSH port, which midclt does not use); an IPv6
/// address keeps its colons.
fn without_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port))
            if !name.contains(':')
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            name
        }
        _ => host,
    }
}

/// A host or child line's words, as Ansible splits them (`shlex.split(line, comments=True)`).
fn words(line: &str) -> Result<Vec<String>, String> {
    crate::py::shlex::split(line, crate::py::shlex::Comments::Anywhere)
        .map_err(|e| format!("{line:?}: {e}"))
}
