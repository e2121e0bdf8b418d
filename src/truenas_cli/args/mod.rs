//! midcli's common argument grammar (`auth api_key update id=2 name=x reset=true`) and its
//! mapping of parsed arguments onto call parameters.
//!
//! The parser reproduces what midcli's pyparsing grammar really does, including its odd corners
//! (tabs expanded to 8 columns before parsing, comments skipped before JSON values, error carets
//! placed where the repetitions stopped), so that every line midcli accepts yields the same
//! parameters and every line it rejects yields its error text.
//!
//! Extensions. Each applies only to input strict midcli rejects, so anything midcli accepts is
//! parsed exactly as midcli parses it. 1 and 2 are active with `parse(text, true)` and in argv
//! mode; 3 and 4 always apply, because midcli has no behaviour worth copying there:
//!
//! 1. A positional or keyword value that fails every value alternative but is a run of printable,
//!    non-whitespace characters with no quote (`"` `'`), bracket, brace or comma is a plain
//!    string: `name=my-key` → "my-key", `ip=192.168.0.1` → "192.168.0.1", `size=10G` → "10G".
//!    Such a word may not start with `>` or `=`, and a positional one may neither start with
//!    `--` nor contain `=` (so the redirection, the editor flag and mistyped keyword names keep
//!    their meaning).
//! 2. Inside JSON objects, `"k"="v"` is accepted as `"k":"v"`.
//! 3. Input on which midcli crashes is a parse error: a quoted string its tokenizer accepts but
//!    its JSON decoder rejects (invalid escape such as `"\x41"`, adjacent strings `"a""b"`, a raw
//!    control character, an unpaired surrogate escape), and JSON nested deeper than 128 levels.
//! 4. A number that cannot be sent as JSON is a parse error saying it is out of range: `1e400`
//!    (float infinity, which midcli sends as the invalid token `Infinity`) and integers of more
//!    than 4300 decimal digits (Python's conversion limit, where midcli crashes).

pub(crate) mod dates;
mod grammar;
mod mapping;
#[cfg(test)]
mod tests;
mod values;

use serde_json::{Map, Value};
use std::fmt;

use crate::py::caret;
use crate::py::text::expand_tabs_chars;
use grammar::Grammar;
pub(crate) use mapping::{map_params, Mapped, Mode};
use values::{split_keyword, word_value};

/// A parse failure, rendered exactly like midcli: "MESSAGE, found 'C'\n LINE\n   ^"
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParseError {
    /// The message before ", found …", e.g. "Expected end of text".
    pub message: String,
    /// The whole input line holding the error, tabs expanded as midcli expands them. `Display`
    /// trims its trailing whitespace the way midcli does, which is why it is kept untrimmed
    /// here: the offending character may be trailing whitespace midcli does not echo.
    pub line: String,
    /// 1-based position of the offending character in `line`, counted in characters.
    pub column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let found = self
            .column
            .checked_sub(1)
            .and_then(|i| self.line.chars().nth(i));
        match found {
            Some(c) => f.write_str(&caret::found_at(&self.message, c, &self.line, self.column)),
            None => write!(f, "{}, found end of text", self.message),
        }
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ParsedArgs {
    pub positional: Vec<Value>,
    /// Insertion order; a repeated keyword keeps its first position and its last value.
    pub keywords: Map<String, Value>,
    /// `--` was given.
    pub interactive: bool,
    /// `> FILE`.
    pub output_file: Option<String>,
}

/// Parse the text after the command name, as midcli does (`-c 'LINE'` mode).
/// `extensions`: accept the documented extensions (true in midclt; false = strict midcli).
/// With extensions on, a line that neither grammar accepts is reported where the extended
/// grammar stopped (`name=my-key x` points at `x`, not at `name`).
pub(crate) fn parse(text: &str, extensions: bool) -> Result<ParsedArgs, ParseError> {
    // midcli parses `text + " "` so that the last argument is followed by whitespace, and
    // pyparsing expands tabs before it looks at anything (so they count as 1-8 spaces, even
    // inside quoted strings).
    let src = expand_tabs_chars(text.chars().chain(std::iter::once(' ')));
    let fail = |at: usize, message: &str| error_at(&src, at, message, true);
    let strict = Grammar::new(&src, false).command();
    let outcome = match strict {
        Ok(Err(_)) if extensions => Grammar::new(&src, true).command(),
        other => other,
    };
    match outcome {
        Ok(Ok(cmd)) => cmd.into_args().map_err(|(at, message)| fail(at, message)),
        Ok(Err(at)) => Err(fail(at, EXPECTED_END)),
        Err(hard) => Err(fail(hard.at, hard.message)),
    }
}

/// argv mode (`midclt auth api_key create name=ci 'description=my key'`): each argv word is
/// ONE argument: `NAME=VALUE` (NAME as in the grammar) is a keyword, `--` the editor flag,
/// anything else a positional. VALUE (or the positional) is parsed with the value grammar
/// (extensions on, tabs left as they are); if the whole word does not parse as a value it is
/// taken as a plain string (so shell quoting works: `name=my key` → "my key"). A value that
/// does parse but cannot be represented (extensions 3 and 4) is an error. A positional after a
/// keyword, and anything after `--`, is an error with the wording midcli uses.
pub(crate) fn parse_argv(words: &[String]) -> Result<ParsedArgs, ParseError> {
    let mut out = ParsedArgs::default();
    let mut offset = 0;
    let mut seen_keyword = false;
    for word in words {
        let fail = |at: usize, message: &str| argv_error(words, at, message);
        if out.interactive {
            return Err(fail(offset, EXPECTED_END));
        }
        if word == "--" {
            out.interactive = true;
        } else if let Some((name, value)) = split_keyword(word) {
            let value_at = offset + name.chars().count() + 1;
            let value = word_value(value).map_err(|(at, m)| fail(value_at + at, m))?;
            out.keywords.insert(name.to_string(), value);
            seen_keyword = true;
        } else if seen_keyword {
            return Err(fail(offset, EXPECTED_END));
        } else {
            let value = word_value(word).map_err(|(at, m)| fail(offset + at, m))?;
            out.positional.push(value);
        }
        offset += word.chars().count() + 1;
    }
    Ok(out)
}

const EXPECTED_END: &str = "Expected end of text";
const OUT_OF_RANGE: &str = "Number out of range";
const TOO_DEEP: &str = "Too deeply nested";
const UNPAIRED: &str = "Unpaired surrogate in string";

/// pyparsing recurses several Python frames per nesting level and dies of RecursionError
/// around 50-70 levels; anything midcli accepts stays well below this.
const MAX_DEPTH: usize = 128;

/// A failure midcli does not report as a parse error (it crashes), so no alternative may be
/// tried after it.
#[derive(Debug)]
struct Hard {
    at: usize,
    message: &'static str,
}

fn error_at(src: &[char], at: usize, message: &str, appended_space: bool) -> ParseError {
    let (start, mut end) = caret::line_bounds(src, at);
    if appended_space && end == src.len() && at + 1 < end {
        // The space midcli appends is not part of what the user typed.
        end -= 1;
    }
    ParseError {
        message: message.to_string(),
        line: src.get(start..end).unwrap_or_default().iter().collect(),
        column: at.saturating_sub(start) + 1,
    }
}

/// argv words are taken verbatim (no tab expansion), and so is the line shown.
fn argv_error(words: &[String], at: usize, message: &str) -> ParseError {
    let joined: Vec<char> = words.join(" ").chars().collect();
    error_at(&joined, at, message, false)
}

// ---------------------------------------------------------------------------------------------
// Parsed values before conversion to JSON
