//! Python's `shlex.split` (POSIX mode): how Ansible splits an INI inventory's host lines,
//! and how `midclt batch` splits its text lines, as a POSIX shell would without expanding
//! anything. The two differ only in where a comment may start.

/// Where `#` starts a comment (outside quotes).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Comments {
    /// Anywhere, as `shlex.split(line, comments=True)` (`a#b` is `a`).
    Anywhere,
    /// At the start of a word only, as a POSIX shell (`a#b` is one word).
    WordStart,
}

/// Split `line` into words: blanks separate words; `'…'` keeps everything; `"…"` keeps
/// everything but `\"` and `\\` (a backslash before anything else stays); elsewhere `\`
/// keeps the next character; quotes join with what touches them (`a'b c'` is one word)
/// and `''` is an empty word. A `#` outside quotes where `comments` allows ends the line.
pub(crate) fn split(line: &str, comments: Comments) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => words.extend(word.take()),
            '#' if comments == Comments::Anywhere || word.is_none() => break,
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
    use super::{split, Comments};

    /// `Anywhere` expectations are what Python's `shlex.split(line, comments=True)`
    /// returns; `WordStart` ones what `sh` would pass as arguments.
    #[test]
    fn splits_as_python_shlex_and_sh_do() {
        use Comments::{Anywhere, WordStart};
        let cases: &[(&str, Comments, &[&str])] = &[
            (
                r#"a.b '[["name", "=", "x y"]]' "it's" a\ b '' "\"q\"" "\n""#,
                WordStart,
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
            ("a'b c'd  e", WordStart, &["ab cd", "e"]),
            (r#""a\qb" "a\\b""#, WordStart, &["a\\qb", "a\\b"]),
            ("x a#b c", WordStart, &["x", "a#b", "c"]),
            ("core.ping  # why", WordStart, &["core.ping"]),
            (r"m '#1' \#2", WordStart, &["m", "#1", "#2"]),
            ("x a#b c", Anywhere, &["x", "a"]),
            ("h1 # a comment", Anywhere, &["h1"]),
            ("h1 '# kept'", Anywhere, &["h1", "# kept"]),
            ("\tx\r\n", Anywhere, &["x"]),
            ("", Anywhere, &[]),
        ];
        for (line, comments, want) in cases {
            assert_eq!(split(line, *comments).unwrap(), *want, "{line:?}");
        }
    }

    #[test]
    fn unfinished_quotes_and_escapes_are_errors() {
        for line in ["a 'b", "a \"b", "a b\\", "a \"b\\"] {
            assert!(split(line, Comments::WordStart).is_err(), "{line:?}");
        }
    }
}
