//! Parsed values before conversion to JSON, and the command line they make up.

use super::grammar::Grammar;
use super::{ParsedArgs, OUT_OF_RANGE};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub(super) enum Val {
    Null,
    Bool(bool),
    /// Canonical decimal text.
    Int(String),
    /// With the position of its text, in case it is infinite.
    Float(f64, usize),
    /// Parsed, but JSON cannot carry it (a huge integer, a string with an unpaired
    /// surrogate); position and message for the error.
    Unsendable(usize, &'static str),
    Str(String),
    List(Vec<Val>),
    /// Built by [`Members`].
    Obj(Vec<(String, Val)>),
}

impl Val {
    /// `Err` holds the position and message of a part that cannot be sent.
    pub(super) fn into_json(self) -> Result<Value, (usize, &'static str)> {
        Ok(match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(b),
            Val::Int(text) => text.parse::<Number>().map_or(Value::Null, Value::Number),
            Val::Float(x, at) => crate::py::float_value(x).ok_or((at, OUT_OF_RANGE))?,
            Val::Unsendable(at, message) => return Err((at, message)),
            Val::Str(s) => Value::String(s),
            Val::List(items) => Value::Array(
                items
                    .into_iter()
                    .map(Val::into_json)
                    .collect::<Result<_, _>>()?,
            ),
            Val::Obj(members) => {
                let mut map = Map::new();
                for (k, v) in members {
                    map.insert(k, v.into_json()?);
                }
                Value::Object(map)
            }
        })
    }
}

/// Keys in first-seen order with the last value given, as a Python dict keeps them.
#[derive(Default)]
pub(super) struct Members {
    pub(super) entries: Vec<(String, Val)>,
    pub(super) index: HashMap<String, usize>,
    /// A key JSON cannot carry stays in the dict whatever follows, so it spoils the object.
    pub(super) bad_key: Option<usize>,
}

impl Members {
    pub(super) fn insert(&mut self, key: String, value: Val) {
        if let Some(slot) = self.index.get(&key).and_then(|&i| self.entries.get_mut(i)) {
            slot.1 = value;
        } else {
            self.index.insert(key.clone(), self.entries.len());
            self.entries.push((key, value));
        }
    }

    pub(super) fn insert_decoded(&mut self, key: Result<String, usize>, value: Val) {
        match key {
            Ok(key) => self.insert(key, value),
            Err(at) => {
                self.bad_key.get_or_insert(at);
            }
        }
    }
}

pub(super) struct Command {
    pub(super) positional: Vec<Val>,
    pub(super) keywords: Members,
    pub(super) interactive: bool,
    pub(super) output_file: Option<String>,
}

impl Command {
    pub(super) fn into_args(self) -> Result<ParsedArgs, (usize, &'static str)> {
        let mut keywords = Map::new();
        for (k, v) in self.keywords.entries {
            keywords.insert(k, v.into_json()?);
        }
        Ok(ParsedArgs {
            positional: self
                .positional
                .into_iter()
                .map(Val::into_json)
                .collect::<Result<_, _>>()?,
            keywords,
            interactive: self.interactive,
            output_file: self.output_file,
        })
    }
}

pub(super) fn split_keyword(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    (first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some((name, value))
}

/// One argv word as a value; `Err` holds a position within the word and a message.
pub(super) fn word_value(word: &str) -> Result<Value, (usize, &'static str)> {
    let chars: Vec<char> = word.chars().collect();
    let parsed = Grammar::new(&chars, true)
        .value(0)
        .map_err(|h| (h.at, h.message))?;
    match parsed {
        Some((end, v)) if end == chars.len() => v.into_json(),
        _ => Ok(Value::String(word.to_string())),
    }
}
