//! Python's `pprint.pformat` (width 80, indent 1, dict keys sorted) of a JSON-decoded
//! value: how the official midclt prints an error's `extra` data. Follows CPython's
//! `Lib/pprint.py`: a value that fits on the rest of the line is its repr; otherwise dicts
//! and lists put one item per line, and long strings are cut at word ends into adjacent
//! literals.

use super::chars::isspace;
use super::float::float_repr;
use super::repr::str_repr;
use serde_json::{Map, Number, Value};

const WIDTH: usize = 80;

pub(crate) fn pformat(v: &Value) -> String {
    let mut out = String::new();
    format(v, &mut out, 0, 0, 1);
    out
}

/// `repr` with sorted dict keys, as pprint's `_safe_repr` writes it.
fn repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => number(n),
        Value::String(s) => str_repr(s),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(repr).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(m) => {
            let inner: Vec<String> = sorted(m)
                .into_iter()
                .map(|(k, v)| format!("{}: {}", str_repr(k), repr(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

fn number(n: &Number) -> String {
    let text = n.to_string();
    if text.contains(['.', 'e', 'E']) {
        text.parse::<f64>().map_or(text, float_repr)
    } else {
        text
    }
}

fn sorted(m: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut items: Vec<_> = m.iter().collect();
    // Python orders str by code point, as Rust's str ordering does.
    items.sort_by(|a, b| a.0.cmp(b.0));
    items
}

fn width_of(s: &str) -> usize {
    s.chars().count()
}

fn format(v: &Value, out: &mut String, indent: usize, allowance: usize, level: usize) {
    let rep = repr(v);
    if width_of(&rep) <= WIDTH.saturating_sub(indent + allowance) {
        out.push_str(&rep);
        return;
    }
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('{');
            let items = sorted(m);
            let indent = indent + 1;
            let last = items.len() - 1;
            for (i, (k, ent)) in items.into_iter().enumerate() {
                let key = str_repr(k);
                out.push_str(&key);
                out.push_str(": ");
                let allow = if i == last { allowance + 1 } else { 1 };
                format(ent, out, indent + width_of(&key) + 2, allow, level + 1);
                if i != last {
                    out.push_str(",\n");
                    out.push_str(&" ".repeat(indent));
                }
            }
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            let indent = indent + 1;
            let last = items.len() - 1;
            for (i, ent) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                    out.push_str(&" ".repeat(indent));
                }
                let allow = if i == last { allowance + 1 } else { 1 };
                format(ent, out, indent, allow, level + 1);
            }
            out.push(']');
        }
        Value::String(s) if !s.is_empty() => string(s, out, indent, allowance, level),
        _ => out.push_str(&rep),
    }
}

/// `_pprint_str`: split at line ends, then at word ends, into literals that fit.
fn string(s: &str, out: &mut String, mut indent: usize, mut allowance: usize, level: usize) {
    if level == 1 {
        indent += 1;
        allowance += 1;
    }
    let max_width = WIDTH.saturating_sub(indent);
    let lines = split_lines_keep_ends(s);
    let mut chunks: Vec<String> = Vec::new();
    let mut max_width1 = max_width;
    for (i, line) in lines.iter().enumerate() {
        let rep = str_repr(line);
        let last_line = i + 1 == lines.len();
        if last_line {
            max_width1 = max_width1.saturating_sub(allowance);
        }
        if width_of(&rep) <= max_width1 {
            chunks.push(rep);
            continue;
        }
        let parts = words(line);
        let mut max_width2 = max_width;
        let mut current = String::new();
        for (j, part) in parts.iter().enumerate() {
            let candidate = format!("{current}{part}");
            if j + 1 == parts.len() && last_line {
                max_width2 = max_width2.saturating_sub(allowance);
            }
            if width_of(&str_repr(&candidate)) > max_width2 {
                if !current.is_empty() {
                    chunks.push(str_repr(&current));
                }
                current = (*part).to_string();
            } else {
                current = candidate;
            }
        }
        if !current.is_empty() {
            chunks.push(str_repr(&current));
        }
    }
    if chunks.len() == 1 {
        out.push_str(&chunks[0]);
        return;
    }
    if level == 1 {
        out.push('(');
    }
    for (i, chunk) in chunks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(chunk);
    }
    if level == 1 {
        out.push(')');
    }
}

/// `str.splitlines(keepends=True)`.
fn split_lines_keep_ends(s: &str) -> Vec<&str> {
    let is_break = |c: char| {
        matches!(
            c,
            '\n' | '\r'
                | '\u{b}'
                | '\u{c}'
                | '\u{1c}'
                | '\u{1d}'
                | '\u{1e}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        )
    };
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_break(c) {
            let mut end = i + c.len_utf8();
            if c == '\r' {
                if let Some(&(j, '\n')) = chars.peek() {
                    end = j + 1;
                    chars.next();
                }
            }
            lines.push(&s[start..end]);
            start = end;
        }
    }
    if start < s.len() {
        lines.push(&s[start..]);
    }
    lines
}

/// `re.findall(r'\S*\s*', line)` without its final empty match: runs of non-space
/// followed by their spaces.
fn words(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_space = false;
    for (i, c) in line.char_indices() {
        let space = isspace(c);
        if !space && in_space {
            parts.push(&line[start..i]);
            start = i;
        }
        in_space = space;
    }
    if start < line.len() {
        parts.push(&line[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[json.dumps(value), pprint.pformat(value)]` pairs, made with CPython 3.11.
    const CASES: &str = r#"[["null", "None"], ["true", "True"], ["[]", "[]"], ["{}", "{}"], ["\"\"", "''"], ["0", "0"], ["1.5", "1.5"], ["1e+16", "1e+16"], ["\"short\"", "'short'"], ["{\"b\": 1, \"a\": [1, 2, 3]}", "{'a': [1, 2, 3], 'b': 1}"], ["[[\"api_key_create.name\", \"String should have at least 1 character\", 22], [\"api_key_create.name\", \"String should have at least 1 character\", 22], [\"api_key_create.name\", \"String should have at least 1 character\", 22]]", "[['api_key_create.name', 'String should have at least 1 character', 22],\n ['api_key_create.name', 'String should have at least 1 character', 22],\n ['api_key_create.name', 'String should have at least 1 character', 22]]"], ["{\"errors\": [{\"attribute\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", \"message\": \"value value value value value value value value value value \", \"errno\": 22}], \"ok\": false, \"n\": null}", "{'errors': [{'attribute': 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',\n             'errno': 22,\n             'message': 'value value value value value value value value value '\n                        'value '}],\n 'n': None,\n 'ok': False}"], ["\"word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word \"", "('word word word word word word word word word word word word word word word '\n 'word word word word word word word word word word word word word word word '\n 'word word word word word word word word word word ')"], ["{\"long\": \"line one\\nline two zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\"}", "{'long': 'line one\\n'\n         'line two '\n         'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'}"], ["[1, [2, [3, {\"k\": \"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\"}]]]", "[1,\n [2,\n  [3,\n   {'k': 'vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv'}]]]"], ["{\"\\u00e9\": \"\\u00fc\\ud83d\\ude00\", \"tab\": \"a\\tb\"}", "{'tab': 'a\\tb', '\u00e9': '\u00fc\ud83d\ude00'}"]]"#;

    #[test]
    fn matches_cpython() {
        let cases: Vec<(String, String)> = serde_json::from_str(CASES).unwrap();
        for (input, want) in cases {
            let v: Value = serde_json::from_str(&input).unwrap();
            assert_eq!(pformat(&v), want, "{input}");
        }
    }
}
