//! pyparsing's error layout as midcli prints it: `MESSAGE, found 'X'`, the offending line
//! after one space, and a caret under the offending character
//! (`pyparsing.ParseBaseException.explain`, and midcli's `' ' * offset + '^'` for Python's
//! own `SyntaxError`).

use super::chars::isspace;
use super::repr::str_repr;

/// Start and end (exclusive, before its `\n`) of the line of `src` holding position `at`;
/// a position past the end belongs to the last line.
pub(crate) fn line_bounds(src: &[char], at: usize) -> (usize, usize) {
    let before = src.get(..at).unwrap_or(src);
    let start = before.iter().rposition(|&c| c == '\n').map_or(0, |i| i + 1);
    let rest = src.get(start..).unwrap_or_default();
    let end = start + rest.iter().position(|&c| c == '\n').unwrap_or(rest.len());
    (start, end)
}

/// pyparsing's `found` text: the token's `repr`, with midcli's `\\` → `\` touch-up.
pub(crate) fn found_repr(token: impl Into<String>) -> String {
    str_repr(&token.into()).replace("\\\\", "\\")
}

/// The line after one space, then a caret under its 1-based `column`.
pub(crate) fn caret(line: &str, column: usize) -> String {
    format!(" {line}\n{}^", " ".repeat(column))
}

/// `MESSAGE, found 'X'`, then the line (trailing whitespace trimmed, as midcli prints it)
/// with a caret under `column`.
pub(crate) fn found_at(
    message: &str,
    found: impl Into<String>,
    line: &str,
    column: usize,
) -> String {
    format!(
        "{message}, found {}\n{}",
        found_repr(found),
        caret(line.trim_end_matches(isspace), column)
    )
}
