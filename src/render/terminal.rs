//! Server text shown on a terminal must not drive the terminal: an ESC, OSC or CSI
//! sequence in a job error, a table cell or a description could retitle the window, hide
//! text or worse. On a terminal, control characters are shown escaped; piped output stays
//! byte for byte what the server sent.

use std::borrow::Cow;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::sync::OnceLock;

pub(crate) fn stdout_is_terminal() -> bool {
    static IS: OnceLock<bool> = OnceLock::new();
    *IS.get_or_init(|| std::io::stdout().is_terminal())
}

pub(crate) fn stderr_is_terminal() -> bool {
    static IS: OnceLock<bool> = OnceLock::new();
    *IS.get_or_init(|| std::io::stderr().is_terminal())
}

/// Which output stream a decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

/// May `stream` carry colour? Only a terminal, and never when `NO_COLOR` is set to
/// anything but the empty string (no-color.org) or `TERM` is `dumb`. Every coloured thing
/// midclt prints (clap's help and errors, the job progress bar) asks here, so there is one
/// rule; `CLICOLOR_FORCE` is not honoured, as colour in a pipe or file is never wanted.
pub(crate) fn colour(stream: Stream) -> bool {
    let terminal = match stream {
        Stream::Stdout => stdout_is_terminal(),
        Stream::Stderr => stderr_is_terminal(),
    };
    terminal && colour_allowed(std::env::var_os("NO_COLOR"), std::env::var_os("TERM"))
}

fn colour_allowed(no_color: Option<OsString>, term: Option<OsString>) -> bool {
    no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

/// The terminal's width in columns when stdout is a terminal: `COLUMNS` when it is a
/// positive number (as `ls` and clap read it, so a user or a test can ask for a width),
/// else what the terminal says; `None` off a terminal or when no width is known.
pub(crate) fn stdout_width() -> Option<usize> {
    if !stdout_is_terminal() {
        return None;
    }
    columns_from(std::env::var("COLUMNS").ok().as_deref()).or_else(|| {
        terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
    })
}

fn columns_from(text: Option<&str>) -> Option<usize> {
    text?.trim().parse::<usize>().ok().filter(|n| *n > 0)
}

/// Would the terminal act on `c` rather than show it? C0 controls other than tab and line
/// feed, DEL, and the C1 controls (U+009B alone starts a CSI sequence on some terminals).
fn is_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// Plain text for a terminal: controls shown as `\xNN` (a CR only where it ends a line).
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if is_control(c) {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// JSON text for a terminal: the controls JSON may carry unescaped (DEL and C1) written
/// as `\u00NN`, which keeps it the same JSON.
pub(crate) fn json(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| matches!(c, '\u{7f}'..='\u{9f}')) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(c, '\u{7f}'..='\u{9f}') {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn controls_are_shown_not_obeyed() {
        assert_eq!(super::text("x\u{1b}]0;T\u{7}y"), "x\\x1b]0;T\\x07y");
        assert_eq!(super::text("a\tb\nc\r\nd\re"), "a\tb\nc\r\nd\\x0de");
        assert_eq!(super::text("\u{9b}31m"), "\\x9b31m");
        assert_eq!(super::text("plain é"), "plain é");
        let j = super::json("{\"a\": \"\u{9b}x\"}");
        assert_eq!(j, "{\"a\": \"\\u009bx\"}");
        let back: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(back["a"], "\u{9b}x");
    }

    #[test]
    fn colour_follows_no_color_and_term() {
        use super::colour_allowed;
        let some = |s: &str| Some(std::ffi::OsString::from(s));
        assert!(colour_allowed(None, some("xterm-256color")));
        assert!(colour_allowed(None, None));
        // no-color.org: set to anything but the empty string.
        assert!(!colour_allowed(some("1"), some("xterm")));
        assert!(!colour_allowed(some("0"), some("xterm")));
        assert!(colour_allowed(some(""), some("xterm")));
        assert!(!colour_allowed(None, some("dumb")));
    }

    #[test]
    fn columns_must_be_a_positive_number() {
        use super::columns_from;
        assert_eq!(columns_from(Some("80")), Some(80));
        assert_eq!(columns_from(Some(" 132\n")), Some(132));
        for bad in [None, Some(""), Some("0"), Some("-5"), Some("wide")] {
            assert_eq!(columns_from(bad), None, "{bad:?}");
        }
    }
}
