//! The interactive argument editor (`COMMAND --`, or a required argument missing on a
//! terminal): a commented JSON template of the method's arguments opened in `$EDITOR`.
//!
//! midcli writes YAML; midclt writes JSON with `//` comments, which needs no YAML parser
//! and is what the API speaks anyway. When stdin is not a terminal the document is read
//! from stdin instead (as `cli -c` does), which suits scripts and tests.

use crate::client::rpc::Client;
use crate::error::{Error, Result};
use crate::truenas_cli::args::Mode;
use crate::truenas_cli::catalog::{CommandInfo, MethodDetail};
use anyhow::Context as _;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::io::{IsTerminal, Read};

/// Ask for the arguments and return the call parameters. `key` is the object id for
/// the update editor (its current values are shown).
pub(crate) fn edit(
    client: &mut Client,
    cmd: &CommandInfo,
    detail: &MethodDetail,
    mode: Mode,
    key: Option<Value>,
) -> anyhow::Result<Vec<Value>> {
    let current = match (&key, mode) {
        (Some(k), Mode::Update) => {
            let service = cmd.method.rsplit_once('.').map_or("", |(s, _)| s);
            client
                .call(&format!("{service}.get_instance"), vec![k.clone()])
                .ok()
        }
        _ => None,
    };
    let template = template(cmd, detail, mode, current.as_ref());
    let doc = if std::io::stdin().is_terminal() {
        // A document that does not parse comes back to the editor with the error marked
        // above its line, as the TrueNAS CLI does; the user's text is kept.
        let mut text = run_editor(&template)?;
        loop {
            match parse_located(&text) {
                Ok(doc) => break doc,
                Err((e, Some(line))) if !text.trim().is_empty() => {
                    text = run_editor(&mark_error(&text, line, &e.message))?;
                }
                Err((e, _)) => return Err(e.into()),
            }
        }
    } else {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read the arguments from stdin")?;
        parse_document(&s)?
    };
    Ok(to_params(detail, mode, key, current.as_ref(), doc)?)
}

fn run_editor(template: &str) -> anyhow::Result<String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".into());
    let dir = std::env::temp_dir();
    let path = dir.join(format!(
        "midclt-{}.jsonc",
        crate::client::id::new_request_id()?
    ));
    // The template may come back holding secrets (passwords, keys).
    crate::private::create_file(&path, template)
        .with_context(|| format!("cannot create the editor's file {}", path.display()))?;
    // EDITOR may carry arguments ("code --wait"); the shell splits them.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    let text = std::fs::read_to_string(&path);
    let _ = std::fs::remove_file(&path);
    match status {
        Ok(s) if s.success() => {}
        Ok(_) => {
            return Err(
                Error::usage(format!("the editor ({editor}) failed; nothing was sent")).into(),
            )
        }
        Err(e) => {
            return Err(Error::io(format!("cannot start the editor {editor}: {e}"))
                .hint("set EDITOR")
                .into())
        }
    }
    text.with_context(|| format!("cannot read the edited arguments from {}", path.display()))
}

/// The template: one JSON object, each field preceded by a `// type, required: description` line.
pub(crate) fn template(
    cmd: &CommandInfo,
    detail: &MethodDetail,
    mode: Mode,
    current: Option<&Value>,
) -> String {
    let mut out = format!(
        "// midclt {} (method {})\n// Edit the arguments, save and quit. An empty document cancels.\n",
        cmd.path.join(" "),
        cmd.method
    );
    if let Some(d) = detail.description.as_deref().and_then(|d| d.lines().next()) {
        let _ = writeln!(out, "// {d}");
    }
    // Splice and update commands edit the one object parameter; others all parameters.
    let object_param = match mode {
        Mode::Splice(i) => Some(i),
        Mode::Update => Some(1),
        Mode::PositionalKeyword => None,
    };
    let fields: Vec<(&Value, Value)> = match object_param {
        Some(idx) => {
            let obj = detail.accepts.get(idx);
            let order: Vec<&str> = obj
                .and_then(|o| o.get("_attrs_order_"))
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            order
                .iter()
                .filter_map(|k| {
                    let s = obj?.get("properties")?.get(*k)?;
                    let value = current
                        .and_then(|c| c.get(*k))
                        .cloned()
                        .unwrap_or_else(|| initial(s));
                    Some((s, value))
                })
                .collect()
        }
        None => detail.accepts.iter().map(|s| (s, initial(s))).collect(),
    };
    out.push_str("{\n");
    for (i, (schema, value)) in fields.iter().enumerate() {
        let name = schema.get("_name_").and_then(Value::as_str).unwrap_or("");
        let mut note = crate::truenas_cli::type_name(schema);
        if schema.get("_required_") == Some(&json!(true)) && mode != Mode::Update {
            note.push_str(", required");
        }
        if let Some(d) = schema.get("description").and_then(Value::as_str) {
            note.push_str(": ");
            note.push_str(&d.replace('\n', " "));
        }
        let _ = writeln!(out, "  // {note}");
        let comma = if i + 1 < fields.len() { "," } else { "" };
        let v = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
        let _ = writeln!(out, "  {}: {v}{comma}", Value::String(name.into()));
    }
    out.push_str("}\n");
    out
}

/// A starting value: the default, else an empty value of the type.
fn initial(s: &Value) -> Value {
    if let Some(d) = s.get("default") {
        return d.clone();
    }
    match s.get("type").and_then(Value::as_str) {
        Some("string") => json!(""),
        Some("integer" | "number") => json!(0),
        Some("boolean") => json!(false),
        Some("array") => json!([]),
        Some("object") => json!({}),
        _ => Value::Null,
    }
}

/// Strip `//` and `/* */` comments (outside strings) and parse the object.
pub(crate) fn parse_document(text: &str) -> Result<Map<String, Value>> {
    parse_located(text).map_err(|(e, _)| e)
}

const ERROR_MARK: &str = "// ERROR: ";

/// The text with an error comment above line `line` (1-based), earlier marks removed.
fn mark_error(text: &str, line: usize, message: &str) -> String {
    let mut out = String::with_capacity(text.len() + message.len() + 16);
    let mut shown = 0;
    for l in text.lines() {
        if l.trim_start().starts_with(ERROR_MARK) {
            continue;
        }
        shown += 1;
        if shown == line {
            out.push_str(ERROR_MARK);
            out.push_str(message);
            out.push_str(" (the line below)\n");
        }
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Like [`parse_document`], with the line of a JSON error (in the user's text: comments
/// are blanked, their line breaks kept). Trailing commas are accepted.
fn parse_located(text: &str) -> Result<Map<String, Value>, (Error, Option<usize>)> {
    let mut clean = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        if in_str {
            clean.push(c);
            match c {
                '\\' => {
                    if let Some(n) = chars.next() {
                        clean.push(n);
                    }
                }
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_str = true;
                clean.push(c);
            }
            ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        clean.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    if n == '\n' {
                        clean.push('\n');
                    }
                    prev = n;
                }
                clean.push(' ');
            }
            _ => clean.push(c),
        }
    }
    if clean.trim().is_empty() {
        return Err((
            Error::usage("aborted: the document is empty, nothing was sent"),
            None,
        ));
    }
    match serde_json::from_str::<Value>(&without_trailing_commas(&clean)) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err((
            Error::usage(format!(
                "the document must be a JSON object, not {}",
                crate::py::json::dumps(&other)
            )),
            Some(1),
        )),
        Err(e) => Err((
            Error::usage(format!("the edited document is not valid JSON: {e}")),
            Some(e.line()),
        )),
    }
}

/// `[1, 2,]` and `{"a": 1,}` as JSON without the last comma (outside strings).
fn without_trailing_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_str = false;
    let mut escaped = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_str {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        if c == '"' {
            in_str = true;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|n| !n.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn to_params(
    detail: &MethodDetail,
    mode: Mode,
    key: Option<Value>,
    current: Option<&Value>,
    doc: Map<String, Value>,
) -> Result<Vec<Value>> {
    match mode {
        Mode::Splice(i) => {
            let mut p: Vec<Value> = Vec::new();
            if i > 0 {
                p.push(
                    key.clone()
                        .ok_or_else(|| Error::usage("specify the object id"))?,
                );
            }
            p.push(Value::Object(doc));
            Ok(p)
        }
        Mode::Update => {
            let key = key
                .ok_or_else(|| Error::usage("please specify the object ID (e.g. update ID --)"))?;
            // Send only what changed, so untouched fields keep their server-side values.
            let changed: Map<String, Value> = doc
                .into_iter()
                .filter(|(k, v)| current.and_then(|c| c.get(k)) != Some(v))
                .collect();
            Ok(vec![key, Value::Object(changed)])
        }
        Mode::PositionalKeyword => {
            let mut p = Vec::new();
            let mut doc = doc;
            for s in &detail.accepts {
                let name = s.get("_name_").and_then(Value::as_str).unwrap_or("");
                match doc.remove(name) {
                    Some(v) => p.push(v),
                    None => break,
                }
            }
            if let Some(extra) = doc.keys().next() {
                return Err(Error::usage(format!(
                    "`{extra}` is not an argument of this method"
                )));
            }
            Ok(p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_commas_are_accepted_and_errors_are_marked_at_their_line() {
        let m = parse_document("{\n  \"a\": [1, 2,],\n  \"b\": \"x,}\",\n}\n").unwrap();
        assert_eq!(Value::Object(m), json!({"a": [1, 2], "b": "x,}"}));
        let text = "// head\n/* a\n b */ {\n  \"a\": 1\n  \"b\": 2\n}\n";
        let Err((_, Some(line))) = parse_located(text) else {
            panic!("a missing comma is an error with a line");
        };
        assert_eq!(line, 5);
        let marked = mark_error(text, line, "expected `,`");
        assert_eq!(
            marked.lines().nth(4),
            Some("// ERROR: expected `,` (the line below)")
        );
        assert_eq!(marked.lines().nth(5), Some("  \"b\": 2"));
        // Marked again after another try: the old mark goes, the user's text stays.
        let again = mark_error(&marked, 2, "other");
        assert_eq!(again.matches(ERROR_MARK).count(), 1);
        assert!(again.contains("\"b\": 2"));
    }

    #[test]
    fn comments_are_stripped_but_not_inside_strings() {
        let m = parse_document("// head\n{\n  // c\n  \"a\": \"x // y\", /* b */ \"b\": 1\n}\n")
            .unwrap();
        assert_eq!(m["a"], json!("x // y"));
        assert_eq!(m["b"], json!(1));
        assert!(parse_document("  // only comments\n").is_err());
        assert!(parse_document("[1]").is_err());
    }
}
