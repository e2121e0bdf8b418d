//! The grammar itself: midcli's pyparsing grammar reproduced character by character,
//! returning where each alternative stopped so errors land where midcli puts them.

use super::values::{Command, Members, Val};
use super::{Hard, MAX_DEPTH, OUT_OF_RANGE, TOO_DEEP, UNPAIRED};
use crate::py::chars::{decimal_digit, isprintable};
use crate::py::int::{radix_to_decimal, MAX_INT_DIGITS};

pub(super) type Hit<T> = Result<Option<(usize, T)>, Hard>;

pub(super) struct Grammar<'a> {
    pub(super) src: &'a [char],
    pub(super) ext: bool,
    pub(super) depth: usize,
}

impl<'a> Grammar<'a> {
    pub(super) fn new(src: &'a [char], ext: bool) -> Self {
        Grammar { src, ext, depth: 0 }
    }

    pub(super) fn at(&self, i: usize) -> Option<char> {
        self.src.get(i).copied()
    }

    pub(super) fn text(&self, from: usize, to: usize) -> String {
        self.src.get(from..to).unwrap_or_default().iter().collect()
    }

    /// pyparsing's default whitespace; other Unicode spaces are not skipped.
    pub(super) fn skip_ws(&self, mut i: usize) -> usize {
        while matches!(self.at(i), Some(' ' | '\t' | '\n' | '\r')) {
            i += 1;
        }
        i
    }

    /// The JSON object grammar ignores C/C++ comments, and pyparsing spreads that to every
    /// element reachable from it, including the JSON value used at the top level.
    pub(super) fn comment_end(&self, i: usize) -> Option<usize> {
        if self.at(i) != Some('/') {
            return None;
        }
        let mut j = i + 2;
        match self.at(i + 1)? {
            '*' => loop {
                match self.at(j)? {
                    '*' if self.at(j + 1) == Some('/') => return Some(j + 2),
                    _ => j += 1,
                }
            },
            '/' => loop {
                match self.at(j) {
                    Some('\\') if self.at(j + 1) == Some('\n') => j += 2,
                    Some('\n') | None => return Some(j),
                    Some(_) => j += 1,
                }
            },
            _ => None,
        }
    }

    /// Whitespace and comments, as skipped before every JSON token.
    pub(super) fn skip_wc(&self, mut i: usize) -> usize {
        loop {
            let j = self.skip_ws(i);
            match self.comment_end(j) {
                Some(end) => i = end,
                None => return j,
            }
        }
    }

    /// pyparsing's `FollowedBy(White())`: the lookahead first steps over the Unicode spaces
    /// `White()` knows but does not match (and keeps that step), then needs a space, tab, CR
    /// or LF.
    pub(super) fn followed_by_white(&self, mut i: usize) -> Option<usize> {
        let skipped = |c: char| {
            matches!(
                c,
                '\u{c}' | '\u{a0}' | '\u{1680}' | '\u{180e}' | '\u{202f}' | '\u{205f}'
            ) || matches!(c, '\u{2000}'..='\u{200b}' | '\u{3000}')
        };
        while self.at(i).is_some_and(skipped) {
            i += 1;
        }
        matches!(self.at(i), Some(' ' | '\t' | '\n' | '\r')).then_some(i)
    }

    // --- the whole line -------------------------------------------------------------------

    /// `positional* keyword* ["--"] [">" FILE]`, then end of text. `Ok(Err(at))` is midcli's
    /// "Expected end of text" at `at`.
    pub(super) fn command(&mut self) -> Result<Result<Command, usize>, Hard> {
        let mut cmd = Command {
            positional: Vec::new(),
            keywords: Members::default(),
            interactive: false,
            output_file: None,
        };
        let mut i = 0;
        while let Some((end, v)) = self.positional(i)? {
            cmd.positional.push(v);
            i = end;
        }
        while let Some((end, (name, v))) = self.keyword(i)? {
            cmd.keywords.insert(name, v);
            i = end;
        }
        let j = self.skip_ws(i);
        if self.at(j) == Some('-') && self.at(j + 1) == Some('-') {
            cmd.interactive = true;
            i = j + 2;
        }
        let j = self.skip_ws(i);
        if self.at(j) == Some('>') {
            let from = self.skip_ws(j + 1);
            let mut to = from;
            while self.at(to).is_some_and(|c| c.is_ascii_graphic()) {
                to += 1;
            }
            if to > from {
                cmd.output_file = Some(self.text(from, to));
                i = to;
            }
        }
        let j = self.skip_ws(i);
        Ok(if j < self.src.len() { Err(j) } else { Ok(cmd) })
    }

    /// `value ~FollowedBy("=") FollowedBy(White())`. No whitespace is skipped first: the
    /// previous item stopped at the whitespace, and only the value's alternatives skip it.
    pub(super) fn positional(&mut self, i: usize) -> Hit<Val> {
        if let Some((end, v)) = self.value(i)? {
            if self.at(self.skip_ws(end)) != Some('=') {
                if let Some(end) = self.followed_by_white(end) {
                    return Ok(Some((end, v)));
                }
            }
        }
        Ok(if self.ext {
            self.plain_word(i, true)
        } else {
            None
        })
    }

    /// `NAME "=" value FollowedBy(White())`, with whitespace allowed before NAME and "=".
    pub(super) fn keyword(&mut self, i: usize) -> Hit<(String, Val)> {
        let start = self.skip_ws(i);
        if !self.at(start).is_some_and(|c| c.is_ascii_alphabetic()) {
            return Ok(None);
        }
        let mut end = start + 1;
        while self
            .at(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            end += 1;
        }
        let eq = self.skip_ws(end);
        if self.at(eq) != Some('=') {
            return Ok(None);
        }
        let name = self.text(start, end);
        if let Some((end, v)) = self.value(eq + 1)? {
            if let Some(end) = self.followed_by_white(end) {
                return Ok(Some((end, (name, v))));
            }
        }
        Ok(if self.ext {
            self.plain_word(eq + 1, false)
                .map(|(end, v)| (end, (name, v)))
        } else {
            None
        })
    }

    /// Extension 1.
    pub(super) fn plain_word(&self, i: usize, positional: bool) -> Option<(usize, Val)> {
        let start = self.skip_ws(i);
        let first = self.at(start)?;
        let flag = first == '-' && self.at(start + 1) == Some('-');
        if first == '>' || first == '=' || (positional && flag) {
            return None;
        }
        let mut end = start;
        while self.at(end).is_some_and(|c| {
            isprintable(c)
                && c != ' '
                && !matches!(c, '"' | '\'' | '[' | ']' | '{' | '}' | ',')
                && !(positional && c == '=')
        }) {
            end += 1;
        }
        if end == start || (positional && self.at(self.skip_ws(end)) == Some('=')) {
            return None;
        }
        let after = self.followed_by_white(end)?;
        Some((after, Val::Str(self.text(start, end))))
    }

    // --- values ---------------------------------------------------------------------------

    /// `baseValueList | baseValue`. The list form was built with `leaveWhitespace()`, so its
    /// octal, hex and bare-word items must start right here or right after a comma, while
    /// its JSON items (a Forward that escaped the change) still skip whitespace and comments.
    /// Hence `1 1,2` is a list but `1 a,b` is an error.
    pub(super) fn value(&mut self, i: usize) -> Hit<Val> {
        if let Some((mut end, first)) = self.base_value(i, false)? {
            let mut items = vec![first];
            while self.at(end) == Some(',') {
                match self.base_value(end + 1, false)? {
                    Some((e, v)) => {
                        items.push(v);
                        end = e;
                    }
                    None => break,
                }
            }
            if items.len() > 1 {
                return Ok(Some((end, Val::List(items))));
            }
        }
        self.base_value(i, true)
    }

    /// `oct | hex | json | string`, first match wins.
    pub(super) fn base_value(&mut self, i: usize, skip: bool) -> Hit<Val> {
        let k = if skip { self.skip_ws(i) } else { i };
        if let Some(hit) = self.radix_int(k, 'o', 8) {
            return Ok(Some(hit));
        }
        if let Some(hit) = self.radix_int(k, 'x', 16) {
            return Ok(Some(hit));
        }
        if let Some(hit) = self.json(i)? {
            return Ok(Some(hit));
        }
        Ok(self.bare_word(k))
    }

    /// `0o17` / `0X1F`, unsigned, any length (base 8 and 16 have no Python digit limit).
    pub(super) fn radix_int(&self, i: usize, letter: char, radix: u32) -> Option<(usize, Val)> {
        if self.at(i) != Some('0') || !self.at(i + 1)?.eq_ignore_ascii_case(&letter) {
            return None;
        }
        let mut digits = Vec::new();
        let mut end = i + 2;
        while let Some(d) = self.at(end).and_then(|c| c.to_digit(radix)) {
            digits.push(d);
            end += 1;
        }
        if digits.is_empty() {
            return None;
        }
        let v = match radix_to_decimal(&digits, radix) {
            Some(text) => Val::Int(text),
            None => Val::Unsendable(i, OUT_OF_RANGE),
        };
        Some((end, v))
    }

    /// `[a-z./_@][a-z0-9./_@]*` compiled with IGNORECASE, which in Python also admits
    /// U+0130, U+0131, U+017F and U+212A (they case-fold onto i, s and k).
    pub(super) fn bare_word(&self, i: usize) -> Option<(usize, Val)> {
        let word_char = |c: char| {
            c.is_ascii_alphabetic()
                || matches!(
                    c,
                    '.' | '/' | '_' | '@' | '\u{130}' | '\u{131}' | '\u{17f}' | '\u{212a}'
                )
        };
        if !self.at(i).is_some_and(word_char) {
            return None;
        }
        let mut end = i + 1;
        while self
            .at(end)
            .is_some_and(|c| word_char(c) || c.is_ascii_digit())
        {
            end += 1;
        }
        Some((end, Val::Str(self.text(i, end))))
    }

    // --- JSON -----------------------------------------------------------------------------

    /// A JSON value after whitespace and comments.
    pub(super) fn json(&mut self, i: usize) -> Hit<Val> {
        let i = self.skip_wc(i);
        if let Some((end, s)) = self.string(i)? {
            let v = match s {
                Ok(s) => Val::Str(s),
                Err(at) => Val::Unsendable(at, UNPAIRED),
            };
            return Ok(Some((end, v)));
        }
        if let Some(hit) = self.number(i)? {
            return Ok(Some(hit));
        }
        match self.at(i) {
            Some('{') => self.nested(i, Self::object),
            Some('[') => self.nested(i, Self::array),
            _ => Ok(["true", "false", "null"]
                .into_iter()
                .find(|w| self.keyword_literal(i, w))
                .map(|w| {
                    let v = match w {
                        "true" => Val::Bool(true),
                        "false" => Val::Bool(false),
                        _ => Val::Null,
                    };
                    (i + w.len(), v)
                })),
        }
    }

    pub(super) fn nested(&mut self, i: usize, f: fn(&mut Self, usize) -> Hit<Val>) -> Hit<Val> {
        if self.depth >= MAX_DEPTH {
            return Err(Hard {
                at: i,
                message: TOO_DEEP,
            });
        }
        self.depth += 1;
        let hit = f(self, i);
        self.depth -= 1;
        hit
    }

    /// pyparsing's Keyword: not preceded or followed by a letter, digit, `_` or `$`.
    pub(super) fn keyword_literal(&self, i: usize, word: &str) -> bool {
        let ident =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        let n = word.chars().count();
        word.chars()
            .enumerate()
            .all(|(k, c)| self.at(i + k) == Some(c))
            && !(i > 0 && ident(self.at(i - 1)))
            && !ident(self.at(i + n))
    }

    pub(super) fn array(&mut self, i: usize) -> Hit<Val> {
        let mut items = Vec::new();
        let mut end = i + 1;
        if let Some((e, v)) = self.json(i + 1)? {
            items.push(v);
            end = e;
            loop {
                let comma = self.skip_wc(end);
                if self.at(comma) != Some(',') {
                    break;
                }
                match self.json(comma + 1)? {
                    Some((e, v)) => {
                        items.push(v);
                        end = e;
                    }
                    None => break,
                }
            }
        }
        let close = self.skip_wc(end);
        Ok((self.at(close) == Some(']')).then_some((close + 1, Val::List(items))))
    }

    pub(super) fn object(&mut self, i: usize) -> Hit<Val> {
        let mut members = Members::default();
        let mut end = i + 1;
        if let Some((e, (k, v))) = self.member(i + 1)? {
            members.insert_decoded(k, v);
            end = e;
            loop {
                let comma = self.skip_wc(end);
                if self.at(comma) != Some(',') {
                    break;
                }
                match self.member(comma + 1)? {
                    Some((e, (k, v))) => {
                        members.insert_decoded(k, v);
                        end = e;
                    }
                    None => break,
                }
            }
        }
        let close = self.skip_wc(end);
        let v = match members.bad_key {
            Some(at) => Val::Unsendable(at, UNPAIRED),
            None => Val::Obj(members.entries),
        };
        Ok((self.at(close) == Some('}')).then_some((close + 1, v)))
    }

    /// `"key" : value` (or `"key" = value`, extension 2).
    pub(super) fn member(&mut self, i: usize) -> Hit<(Result<String, usize>, Val)> {
        let Some((end, key)) = self.string(self.skip_wc(i))? else {
            return Ok(None);
        };
        let sep = self.skip_wc(end);
        match self.at(sep) {
            Some(':') => {}
            Some('=') if self.ext => {}
            _ => return Ok(None),
        }
        Ok(self.json(sep + 1)?.map(|(end, v)| (end, (key, v))))
    }

    /// pyparsing's `dblQuotedString` token, `"(?:[^"\n\r\\]|""|\\(?:[^x]|x[0-9a-fA-F]+))*"`,
    /// then decoded with Python's `json.loads` (which rejects some of what the token admits).
    /// The inner `Err` is the position of an unpaired surrogate escape, which Python keeps.
    pub(super) fn string(&self, i: usize) -> Hit<Result<String, usize>> {
        if self.at(i) != Some('"') {
            return Ok(None);
        }
        let mut j = i + 1;
        loop {
            match self.at(j) {
                Some('"') if self.at(j + 1) == Some('"') => j += 2,
                Some('"' | '\n' | '\r') | None => break,
                Some('\\') => match self.at(j + 1) {
                    Some('x') => {
                        let mut k = j + 2;
                        while self.at(k).is_some_and(|c| c.is_ascii_hexdigit()) {
                            k += 1;
                        }
                        if k == j + 2 {
                            break;
                        }
                        j = k;
                    }
                    Some(_) => j += 2,
                    None => break,
                },
                Some(_) => j += 1,
            }
        }
        if self.at(j) != Some('"') {
            return Ok(None);
        }
        self.decode_string(i, j).map(|s| Some((j + 1, s)))
    }

    /// `json.loads` of the token from the quote at `open` to the quote at `close`.
    pub(super) fn decode_string(
        &self,
        open: usize,
        close: usize,
    ) -> Result<Result<String, usize>, Hard> {
        let hard = |at: usize, message: &'static str| Hard { at, message };
        let mut out = String::new();
        let mut unpaired = None;
        let mut j = open + 1;
        while j < close {
            let c = self.at(j).ok_or(hard(j, "Unterminated string"))?;
            match c {
                '"' => {
                    return Err(hard(
                        j + 1,
                        "Adjacent quoted strings (write \\\" for a quote inside a string)",
                    ));
                }
                '\\' => {
                    let esc = self.at(j + 1).unwrap_or(' ');
                    let simple = match esc {
                        '"' => Some('"'),
                        '\\' => Some('\\'),
                        '/' => Some('/'),
                        'b' => Some('\u{8}'),
                        'f' => Some('\u{c}'),
                        'n' => Some('\n'),
                        'r' => Some('\r'),
                        't' => Some('\t'),
                        _ => None,
                    };
                    if let Some(s) = simple {
                        out.push(s);
                        j += 2;
                        continue;
                    }
                    if esc != 'u' {
                        return Err(hard(j, "Invalid \\escape in string"));
                    }
                    let unit = self
                        .hex4(j + 2)
                        .ok_or(hard(j, "Invalid \\uXXXX escape in string"))?;
                    j += 6;
                    let code = if (0xd800..0xdc00).contains(&unit)
                        && self.at(j) == Some('\\')
                        && self.at(j + 1) == Some('u')
                    {
                        match self.hex4(j + 2) {
                            Some(low) if (0xdc00..0xe000).contains(&low) => {
                                j += 6;
                                0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                            }
                            Some(_) => unit,
                            None => return Err(hard(j, "Invalid \\uXXXX escape in string")),
                        }
                    } else {
                        unit
                    };
                    match char::from_u32(code) {
                        Some(ch) => out.push(ch),
                        None => {
                            unpaired.get_or_insert(j.saturating_sub(6));
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(hard(j, "Invalid control character in string"));
                }
                c => {
                    out.push(c);
                    j += 1;
                }
            }
        }
        Ok(unpaired.map_or(Ok(out), Err))
    }

    pub(super) fn hex4(&self, i: usize) -> Option<u32> {
        (0..4).try_fold(0u32, |acc, k| {
            Some(acc * 16 + self.at(i + k)?.to_digit(16)?)
        })
    }

    /// `pyparsing_common.number`: `sci_real | real | signed_integer`, with Python's `\d`
    /// (any Unicode decimal digit) and Python's `float()` / `int()` conversions.
    pub(super) fn number(&self, i: usize) -> Hit<Val> {
        let mut j = i;
        let negative = match self.at(j) {
            Some('-') => {
                j += 1;
                true
            }
            Some('+') => {
                j += 1;
                false
            }
            _ => false,
        };
        let (int_end, int_digits) = self.digits(j);
        let mut end = int_end;
        let mut frac = None;
        if int_digits.is_empty() {
            // `.5` needs a digit after the point.
            if self.at(end) != Some('.') || self.digits(end + 1).1.is_empty() {
                return Ok(None);
            }
        }
        let exp_here = self.exponent(end);
        if exp_here.is_none() && self.at(end) == Some('.') {
            let (e, d) = self.digits(end + 1);
            frac = Some(d);
            end = e;
        }
        let exp = if frac.is_some() {
            self.exponent(end)
        } else {
            exp_here
        };
        if frac.is_none() && exp.is_none() {
            if int_digits.chars().count() > MAX_INT_DIGITS {
                return Err(Hard {
                    at: i,
                    message: OUT_OF_RANGE,
                });
            }
            let trimmed = int_digits.trim_start_matches('0');
            let text = match (trimmed.is_empty(), negative) {
                (true, _) => "0".to_string(),
                (false, true) => format!("-{trimmed}"),
                (false, false) => trimmed.to_string(),
            };
            return Ok(Some((end, Val::Int(text))));
        }
        let (exp_end, exp_text) = exp.unwrap_or((end, "0".to_string()));
        let text = format!(
            "{}{}.{}e{}",
            if negative { "-" } else { "" },
            if int_digits.is_empty() {
                "0"
            } else {
                &int_digits
            },
            match frac.as_deref() {
                Some(f) if !f.is_empty() => f,
                _ => "0",
            },
            exp_text
        );
        let x: f64 = text.parse().unwrap_or(f64::NAN);
        Ok(Some((exp_end, Val::Float(x, i))))
    }

    /// A run of decimal digits, converted to ASCII.
    pub(super) fn digits(&self, mut i: usize) -> (usize, String) {
        let mut s = String::new();
        while let Some(d) = self.at(i).and_then(decimal_digit) {
            s.push(char::from_digit(d, 10).unwrap_or('0'));
            i += 1;
        }
        (i, s)
    }

    /// `[eE][+-]?\d+`, returned as the exponent's text for Rust's float parser.
    pub(super) fn exponent(&self, i: usize) -> Option<(usize, String)> {
        if !matches!(self.at(i), Some('e' | 'E')) {
            return None;
        }
        let mut j = i + 1;
        let mut text = String::new();
        if let Some(sign @ ('+' | '-')) = self.at(j) {
            text.push(sign);
            j += 1;
        }
        let (end, digits) = self.digits(j);
        if digits.is_empty() {
            return None;
        }
        text.push_str(&digits);
        Some((end, text))
    }
}
