//! Python's `shlex.split` (POSIX mode): how Ansible splits an INI inventory's host lines,
//! and how `midclt batch` splits its text lines, as a POSIX shell would without expanding
//! anything.

/// Split `line` into words: blanks separate words; `'…'` keeps everything; `"…"` keeps
/// everything but `\"` and `\\` (a backslash before anything else stays); elsewhere `\`
/// keeps the next character; quotes join with what touches them (`a'b c'` is one word)
/// and `''` is an empty word. With `comments`, a `#` outside quotes ends the line, as
/// `shlex.split(line, comments=True)` does (inside a word too: `a#b` is `a`).
pub(crate) fn split(line: &str, comments: bool) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => words.extend(word.take()),
            '#' if comments => break,
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("a ' quote is not closed".into()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => w.push(c),
                            Some(c) => {
                                w.push('\\');
                                w.push(c);
                            }
                            None => return Err("a \" quote is not closed".into()),
                        },
                        Some(c) => w.push(c),
                        None => return Err("a \" quote is not closed".into()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err("the line ends with a lone \\".into()),
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::split;

    /// Each expectation is what Python's `shlex.split(line, comments=...)` returns.
    #[test]
    fn splits_as_python_shlex_does() {
        let cases: &[(&str, bool, &[&str])] = &[
            (
                r#"a.b '[["name", "=", "x y"]]' "it's" a\ b '' "\"q\"" "\n""#,
                false,
                &[
                    "a.b",
                    r#"[["name", "=", "x y"]]"#,
                    "it's",
                    "a b",
                    "",
                    "\"q\"",
                    "\\n",
                ],
            ),
            ("a'b c'd  e", false, &["ab cd", "e"]),
            (r#""a\qb" "a\\b""#, false, &["a\\qb", "a\\b"]),
            ("x a#b c", false, &["x", "a#b", "c"]),
            ("x a#b c", true, &["x", "a"]),
            ("h1 # a comment", true, &["h1"]),
            ("h1 '# kept'", true, &["h1", "# kept"]),
            ("\tx\r\n", false, &["x"]),
            ("", true, &[]),
        ];
        for (line, comments, want) in cases {
            assert_eq!(split(line, *comments).unwrap(), *want, "{line:?}");
        }
    }

    #[test]
    fn unfinished_quotes_and_escapes_are_errors() {
        for line in ["a 'b", "a \"b", "a b\\", "a \"b\\"] {
            assert!(split(line, false).is_err(), "{line:?}");
        }
    }
}
