//! Python's tokenizer (3.11 messages), over the characters of one condition.

use super::literals::{decode_bytes, decode_str};
use super::{err, Const, SyntaxErr, MAX_BRACKETS};
use crate::py::chars::isprintable as py_printable;
use crate::py::int::{radix_to_decimal, MAX_INT_DIGITS};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum StrPiece {
    Text(String),
    Bytes(Vec<u8>),
    Formatted,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Name(String),
    Num(Const),
    Str(StrPiece),
    Op(&'static str),
    Newline,
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) pos: usize,
    /// Bracket nesting at the token.
    pub(super) depth: usize,
}

const OPERATORS: [&str; 48] = [
    "**=", "//=", ">>=", "<<=", "...", "!=", "%=", "&=", "**", "*=", "+=", "-=", "->", "//", "/=",
    ":=", "<<", "<=", "<>", "==", ">=", ">>", "@=", "^=", "|=", "%", "&", "(", ")", "*", "+", ",",
    "-", ".", "/", ":", ";", "<", "=", ">", "@", "[", "]", "^", "{", "|", "}", "~",
];

/// Keywords that may directly follow a number (`1if x else 2`), which Python's
/// tokenizer lets through with a warning.
const AFTER_NUMBER: [&str; 8] = ["and", "else", "for", "if", "in", "is", "not", "or"];

pub(super) fn is_id_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_id_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

struct Lexer<'a> {
    s: &'a [char],
    i: usize,
    toks: Vec<Token>,
    brackets: Vec<(char, usize)>,
    line_has_tokens: bool,
}

/// The outcome of tokenizing: the tokens (ending with `Eof` unless `error` is set), the
/// first tokenizer error, and the "never closed" error for a bracket still open at the
/// end, which Python reports only when parsing fails at the end.
pub(super) struct Lexed {
    pub(super) toks: Vec<Token>,
    pub(super) error: Option<SyntaxErr>,
    pub(super) unclosed: Option<SyntaxErr>,
}

pub(super) fn tokenize(s: &[char]) -> Lexed {
    let mut lexer = Lexer {
        s,
        i: 0,
        toks: Vec::new(),
        brackets: Vec::new(),
        line_has_tokens: false,
    };
    let error = lexer.run().err();
    let unclosed = match (&error, lexer.brackets.last()) {
        (None, Some(&(open, pos))) => Some(err(format!("'{open}' was never closed"), pos)),
        _ => None,
    };
    Lexed {
        toks: lexer.toks,
        error,
        unclosed,
    }
}

fn line_of(s: &[char], pos: usize) -> usize {
    s.get(..pos)
        .unwrap_or(s)
        .iter()
        .filter(|&&c| c == '\n')
        .count()
        + 1
}

impl Lexer<'_> {
    fn at(&self, k: usize) -> Option<char> {
        self.s.get(k).copied()
    }

    fn push(&mut self, tok: Tok, pos: usize) {
        self.line_has_tokens = true;
        let depth = self.brackets.len();
        self.toks.push(Token { tok, pos, depth });
    }

    fn run(&mut self) -> Result<(), SyntaxErr> {
        loop {
            let Some(c) = self.at(self.i) else {
                let end = self.s.len();
                self.push(Tok::Eof, end);
                return Ok(());
            };
            match c {
                ' ' | '\t' | '\x0c' => self.i += 1,
                '\n' => {
                    // Inside brackets lines join implicitly; blank lines make no token.
                    if self.brackets.is_empty() && self.line_has_tokens {
                        self.push(Tok::Newline, self.i);
                        self.line_has_tokens = false;
                    }
                    self.i += 1;
                }
                '#' => {
                    while self.at(self.i).is_some_and(|c| c != '\n') {
                        self.i += 1;
                    }
                }
                '\\' => match self.at(self.i + 1) {
                    Some('\n') => self.i += 2,
                    next => {
                        let at = if next.is_some() { self.i + 1 } else { self.i };
                        return Err(err(
                            "unexpected character after line continuation character",
                            at,
                        ));
                    }
                },
                '0'..='9' => self.number()?,
                '.' if self.at(self.i + 1).is_some_and(|c| c.is_ascii_digit()) => self.number()?,
                '\'' | '"' => self.string(self.i, "")?,
                c if is_id_start(c) => {
                    let start = self.i;
                    let mut name = String::new();
                    while let Some(c) = self.at(self.i).filter(|c| is_id_continue(*c)) {
                        name.push(c);
                        self.i += 1;
                    }
                    let is_prefix = ["r", "u", "b", "f", "br", "rb", "fr", "rf"]
                        .iter()
                        .any(|p| name.eq_ignore_ascii_case(p));
                    if is_prefix && matches!(self.at(self.i), Some('\'' | '"')) {
                        self.string(start, &name)?;
                    } else {
                        self.push(Tok::Name(name), start);
                    }
                }
                _ => self.operator(c)?,
            }
        }
    }

    fn operator(&mut self, c: char) -> Result<(), SyntaxErr> {
        let start = self.i;
        let op = OPERATORS.iter().find(|op| {
            op.chars()
                .enumerate()
                .all(|(k, oc)| self.at(start + k) == Some(oc))
        });
        let Some(&op) = op else {
            // Python 3.11's tokenizer lets `!` through on its own; the parser rejects it.
            if c == '!' {
                self.i += 1;
                self.push(Tok::Op("!"), start);
                return Ok(());
            }
            let code = u32::from(c);
            return Err(if !py_printable(c) {
                err(
                    format!("invalid non-printable character U+{code:04X}"),
                    start,
                )
            } else if c.is_ascii() {
                err("invalid syntax", start)
            } else {
                err(format!("invalid character '{c}' (U+{code:04X})"), start)
            });
        };
        match op {
            "(" | "[" | "{" => {
                if self.brackets.len() >= MAX_BRACKETS {
                    return Err(err("too many nested parentheses", start));
                }
                self.push(Tok::Op(op), start);
                self.brackets.push((c, start));
            }
            ")" | "]" | "}" => {
                let Some((open, open_pos)) = self.brackets.pop() else {
                    return Err(err(format!("unmatched '{c}'"), start));
                };
                let expected = match open {
                    '(' => ')',
                    '[' => ']',
                    _ => '}',
                };
                if c != expected {
                    let (here, there) = (line_of(self.s, start), line_of(self.s, open_pos));
                    let on_line = if here == there {
                        String::new()
                    } else {
                        format!(" on line {there}")
                    };
                    return Err(err(
                        format!(
                            "closing parenthesis '{c}' does not match opening parenthesis '{open}'{on_line}"
                        ),
                        start,
                    ));
                }
                self.push(Tok::Op(op), start);
            }
            _ => self.push(Tok::Op(op), start),
        }
        self.i = start + op.len();
        Ok(())
    }

    /// `\d(_?\d)*`, appending the digits; returns how many were read.
    fn digit_part(&self, k: &mut usize, out: &mut String) -> usize {
        let mut n = 0;
        while let Some(c) = self.at(*k) {
            if c.is_ascii_digit() {
                out.push(c);
                n += 1;
                *k += 1;
            } else if c == '_' && n > 0 && self.at(*k + 1).is_some_and(|d| d.is_ascii_digit()) {
                *k += 1;
            } else {
                break;
            }
        }
        n
    }

    /// Python refuses letters glued to a number, except a few keywords.
    fn check_number_end(&self, k: usize, start: usize, kind: &str) -> Result<(), SyntaxErr> {
        if !self.at(k).is_some_and(is_id_continue) {
            return Ok(());
        }
        let keyword_follows = AFTER_NUMBER.iter().any(|kw| {
            kw.chars()
                .enumerate()
                .all(|(n, c)| self.at(k + n) == Some(c))
        });
        if keyword_follows {
            Ok(())
        } else {
            Err(err(format!("invalid {kind} literal"), start))
        }
    }

    fn number(&mut self) -> Result<(), SyntaxErr> {
        let start = self.i;
        let radix = match (self.at(start), self.at(start + 1)) {
            (Some('0'), Some('x' | 'X')) => Some((16, "hexadecimal")),
            (Some('0'), Some('o' | 'O')) => Some((8, "octal")),
            (Some('0'), Some('b' | 'B')) => Some((2, "binary")),
            _ => None,
        };
        if let Some((radix, kind)) = radix {
            let mut k = start + 2;
            let mut digits = Vec::new();
            loop {
                match self.at(k) {
                    Some('_') if self.at(k + 1).is_some_and(|c| c.is_digit(radix)) => k += 1,
                    Some(c) if c.is_digit(radix) => {
                        digits.extend(c.to_digit(radix));
                        k += 1;
                    }
                    _ => break,
                }
            }
            if let Some(c) = self.at(k).filter(char::is_ascii_digit) {
                return Err(err(format!("invalid digit '{c}' in {kind} literal"), k));
            }
            if digits.is_empty() {
                return Err(err(format!("invalid {kind} literal"), start));
            }
            self.check_number_end(k, start, kind)?;
            let decimal = radix_to_decimal(&digits, radix).ok_or_else(|| {
                err(
                    "Exceeds the limit (4300 digits) for integer string conversion; \
                     use sys.set_int_max_str_digits() to increase the limit",
                    start,
                )
            })?;
            self.push(Tok::Num(Const::Int(decimal)), start);
            self.i = k;
            return Ok(());
        }

        let mut k = start;
        let mut text = String::new();
        self.digit_part(&mut k, &mut text);
        let mut is_float = false;
        if self.at(k) == Some('.') {
            is_float = true;
            text.push('.');
            k += 1;
            self.digit_part(&mut k, &mut text);
        }
        if matches!(self.at(k), Some('e' | 'E')) {
            let mut m = k + 1;
            let sign = self.at(m).filter(|c| matches!(c, '+' | '-'));
            if sign.is_some() {
                m += 1;
            }
            if self.at(m).is_some_and(|c| c.is_ascii_digit()) {
                text.push('e');
                text.extend(sign);
                self.digit_part(&mut m, &mut text);
                k = m;
                is_float = true;
            }
        }
        let imaginary = matches!(self.at(k), Some('j' | 'J'));
        if imaginary {
            k += 1;
        }
        self.check_number_end(k, start, if imaginary { "imaginary" } else { "decimal" })?;

        let value = if imaginary || is_float {
            let x: f64 = text
                .parse()
                .map_err(|_| err("invalid decimal literal", start))?;
            if imaginary {
                Const::Complex(x)
            } else {
                Const::Float(x)
            }
        } else {
            let significant = text.trim_start_matches('0');
            if significant.len() < text.len() && !significant.is_empty() {
                return Err(err(
                    "leading zeros in decimal integer literals are not permitted; \
                     use an 0o prefix for octal integers",
                    start,
                ));
            }
            if significant.len() > MAX_INT_DIGITS {
                return Err(err(
                    format!(
                        "Exceeds the limit ({MAX_INT_DIGITS} digits) for integer string \
                         conversion: value has {} digits; use sys.set_int_max_str_digits() \
                         to increase the limit - Consider hexadecimal for huge integer \
                         literals to avoid decimal conversion limits.",
                        significant.len()
                    ),
                    start,
                ));
            }
            Const::Int(if significant.is_empty() {
                "0".into()
            } else {
                significant.into()
            })
        };
        self.push(Tok::Num(value), start);
        self.i = k;
        Ok(())
    }

    fn string(&mut self, start: usize, prefix: &str) -> Result<(), SyntaxErr> {
        let lower = prefix.to_ascii_lowercase();
        let (raw, bytes, formatted) = (
            lower.contains('r'),
            lower.contains('b'),
            lower.contains('f'),
        );
        let open = self.i;
        let Some(quote) = self.at(open) else {
            return Err(err("invalid syntax", start));
        };
        let triple = self.at(open + 1) == Some(quote) && self.at(open + 2) == Some(quote);
        let body_start = open + if triple { 3 } else { 1 };
        let mut k = body_start;
        let body_end;
        loop {
            let Some(c) = self.at(k) else {
                let line = line_of(self.s, self.s.len());
                let what = if triple { "triple-quoted " } else { "" };
                return Err(err(
                    format!("unterminated {what}string literal (detected at line {line})"),
                    start,
                ));
            };
            match c {
                '\\' => k += 2,
                '\n' if !triple => {
                    let line = line_of(self.s, k);
                    return Err(err(
                        format!("unterminated string literal (detected at line {line})"),
                        start,
                    ));
                }
                c if c == quote && !triple => {
                    body_end = k;
                    k += 1;
                    break;
                }
                c if c == quote
                    && self.at(k + 1) == Some(quote)
                    && self.at(k + 2) == Some(quote) =>
                {
                    body_end = k;
                    k += 3;
                    break;
                }
                _ => k += 1,
            }
        }
        let body = self.s.get(body_start..body_end).unwrap_or_default();
        let piece = if formatted {
            // f-string contents are not validated: the node is refused either way.
            StrPiece::Formatted
        } else if bytes {
            StrPiece::Bytes(decode_bytes(body, raw).map_err(|m| err(m, start))?)
        } else {
            StrPiece::Text(decode_str(body, raw).map_err(|m| err(m, start))?)
        };
        self.push(Tok::Str(piece), start);
        self.i = k;
        Ok(())
    }
}
