//! The ORDER BY / LIMIT / OFFSET extension after the condition (or after the column list
//! when there is no WHERE): the `order_by`, `limit` and `offset` query options.

use serde_json::{Map, Value};

use super::{located, py_isspace, QueryError};

const MAX_LIMIT: i64 = 10_000;

fn is_extension_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

pub(super) fn extension_keyword_at(chars: &[char], pos: usize) -> bool {
    let word = Extension { chars, pos }.word();
    ["ORDER", "LIMIT", "OFFSET"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

pub(super) struct Extension<'a> {
    pub(super) chars: &'a [char],
    pub(super) pos: usize,
}

type ExtensionError = (usize, QueryError);

impl Extension<'_> {
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| py_isspace(*c)) {
            self.pos += 1;
        }
    }

    fn word(&self) -> String {
        self.chars
            .get(self.pos..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| is_extension_word_char(**c))
            .collect()
    }

    /// The token shown in errors: a word, or a single other character.
    fn token(&self) -> Option<String> {
        let word = self.word();
        if word.is_empty() {
            self.chars
                .get(self.pos)
                .map(std::string::ToString::to_string)
        } else {
            Some(word)
        }
    }

    pub(super) fn keyword(&mut self, keyword: &str) -> bool {
        self.skip_ws();
        let word = self.word();
        if word.eq_ignore_ascii_case(keyword) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn fail(&self, message: &str) -> ExtensionError {
        let token = self.token();
        (
            self.pos,
            located(message, self.chars, self.pos, token.as_deref()),
        )
    }

    /// `[+-]digits`, saturating far outside any accepted range.
    fn integer(&mut self, after: &str) -> Result<(i64, usize, String), ExtensionError> {
        self.skip_ws();
        let start = self.pos;
        let mut end = start;
        let negative = match self.chars.get(end) {
            Some('-') => {
                end += 1;
                true
            }
            Some('+') => {
                end += 1;
                false
            }
            _ => false,
        };
        let digits: String = self
            .chars
            .get(end..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        end += digits.len();
        if digits.is_empty()
            || self
                .chars
                .get(end)
                .is_some_and(|c| is_extension_word_char(*c))
        {
            return Err(self.fail(&format!("Expected an integer after {after}")));
        }
        let magnitude = digits.parse::<i64>().unwrap_or(i64::MAX);
        let value = if negative { -magnitude } else { magnitude };
        let text: String = self
            .chars
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        self.pos = end;
        Ok((value, start, text))
    }
}

/// Parse `[ORDER BY ...] [LIMIT n] [OFFSET n]` from `start` to the end of the text.
pub(super) fn parse_extension(
    chars: &[char],
    start: usize,
) -> Result<Map<String, Value>, ExtensionError> {
    let mut ext = Extension { chars, pos: start };
    let mut options = Map::new();
    let mut expected = "Expected ORDER BY, LIMIT, OFFSET or end of text";

    if ext.keyword("ORDER") {
        if !ext.keyword("BY") {
            return Err(ext.fail("Expected BY after ORDER"));
        }
        let mut order_by = Vec::new();
        loop {
            ext.skip_ws();
            let field = ext.word();
            if field.is_empty() {
                return Err(ext.fail("Expected a field name"));
            }
            ext.pos += field.len();
            expected = "Expected ASC, DESC, NULLS, ',', LIMIT, OFFSET or end of text";
            let mut descending = false;
            if ext.keyword("ASC") {
                expected = "Expected NULLS, ',', LIMIT, OFFSET or end of text";
            } else if ext.keyword("DESC") {
                descending = true;
                expected = "Expected NULLS, ',', LIMIT, OFFSET or end of text";
            }
            let mut nulls = "";
            if ext.keyword("NULLS") {
                nulls = if ext.keyword("FIRST") {
                    "nulls_first:"
                } else if ext.keyword("LAST") {
                    "nulls_last:"
                } else {
                    return Err(ext.fail("Expected FIRST or LAST after NULLS"));
                };
                expected = "Expected ',', LIMIT, OFFSET or end of text";
            }
            let sign = if descending { "-" } else { "" };
            order_by.push(Value::String(format!("{nulls}{sign}{field}")));
            ext.skip_ws();
            if ext.chars.get(ext.pos) != Some(&',') {
                break;
            }
            ext.pos += 1;
        }
        options.insert("order_by".into(), Value::Array(order_by));
    }

    if ext.keyword("LIMIT") {
        let (limit, at, text) = ext.integer("LIMIT")?;
        if !(1..=MAX_LIMIT).contains(&limit) {
            let message = format!("LIMIT must be between 1 and {MAX_LIMIT}");
            return Err((at, located(&message, chars, at, Some(&text))));
        }
        options.insert("limit".into(), Value::from(limit));
        expected = "Expected OFFSET or end of text";
    }

    if ext.keyword("OFFSET") {
        let (offset, at, text) = ext.integer("OFFSET")?;
        if offset < 0 {
            return Err((
                at,
                located("OFFSET must not be negative", chars, at, Some(&text)),
            ));
        }
        if offset == i64::MAX {
            return Err((at, located("OFFSET is too large", chars, at, Some(&text))));
        }
        options.insert("offset".into(), Value::from(offset));
        expected = "Expected end of text";
    }

    ext.skip_ws();
    if ext.pos < chars.len() {
        return Err(ext.fail(expected));
    }
    Ok(options)
}
