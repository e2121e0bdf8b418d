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

use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::fmt;

use crate::py::caret;
use crate::py::chars::{decimal_digit, isprintable};
use crate::py::int::{radix_to_decimal, MAX_INT_DIGITS};
use crate::py::text::expand_tabs_chars;

/// A parse failure, rendered exactly like midcli: "MESSAGE, found 'C'\n LINE\n   ^"
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
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
pub struct ParsedArgs {
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
pub fn parse(text: &str, extensions: bool) -> Result<ParsedArgs, ParseError> {
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
pub fn parse_argv(words: &[String]) -> Result<ParsedArgs, ParseError> {
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

/// How the command maps arguments (cli-syntax.md §2.3/§5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// All keywords become one object parameter at this index (crud create/update, config update).
    Splice(usize),
    /// Positionals fill parameters in order; keywords name parameters.
    PositionalKeyword,
    /// crud `update`: the key may be given as a keyword; the key alone opens the editor.
    Update,
}

/// The outcome of [`map_params`].
#[derive(Debug, Clone, PartialEq)]
pub enum Mapped {
    /// The call parameters.
    Params(Vec<Value>),
    /// midcli would open the editor on the object with this key.
    Editor(Value),
}

/// Map parsed arguments onto call parameters. `accepts` is the method's `accepts` list from
/// `core.get_methods`. Returns the params array, or midcli's error text ("Too few positional
/// arguments (1 required, 0 given)", ...). Also applies single value → list wrapping. For
/// `Mode::Update`, returns `Mapped::Editor(key)` when only the key was given.
pub fn map_params(args: &ParsedArgs, accepts: &[Value], mode: Mode) -> Result<Mapped, String> {
    let params = match mode {
        Mode::Splice(at) => splice(args.positional.clone(), args.keywords.clone(), at)?,
        Mode::PositionalKeyword => by_position_and_name(args, accepts)?,
        Mode::Update => {
            let key_name = accepts.first().and_then(param_name);
            let key_keyword = key_name.and_then(|name| args.keywords.get(name));
            // midcli decides on the editor before it looks at anything else, so `update 5 id=7`
            // edits object 5: the key keyword alone counts as "only the key".
            if let Some(key) = key_keyword {
                if args.keywords.len() == 1 {
                    let key = args.positional.first().unwrap_or(key);
                    return Ok(Mapped::Editor(key.clone()));
                }
            } else if args.keywords.is_empty() {
                if let [key] = args.positional.as_slice() {
                    return Ok(Mapped::Editor(key.clone()));
                }
            }
            let mut positional = args.positional.clone();
            let mut keywords = args.keywords.clone();
            if positional.is_empty() {
                if let Some(key) = key_name.and_then(|name| keywords.shift_remove(name)) {
                    positional.push(key);
                }
            }
            splice(positional, keywords, 1)?
        }
    };
    Ok(Mapped::Params(
        params
            .into_iter()
            .enumerate()
            .map(|(i, p)| match accepts.get(i) {
                Some(schema) => single_value_to_list(p, schema),
                None => p,
            })
            .collect(),
    ))
}

fn splice(
    mut positional: Vec<Value>,
    keywords: Map<String, Value>,
    at: usize,
) -> Result<Vec<Value>, String> {
    let given = positional.len();
    if given < at {
        return Err(format!(
            "Too few positional arguments ({at} required, {given} given)"
        ));
    }
    if given > at {
        return Err(format!(
            "Too many positional arguments ({at} supported, {given} given)"
        ));
    }
    positional.push(Value::Object(keywords));
    Ok(positional)
}

fn by_position_and_name(args: &ParsedArgs, accepts: &[Value]) -> Result<Vec<Value>, String> {
    let mut slots: Vec<Option<Value>> = args.positional.iter().cloned().map(Some).collect();
    for (name, value) in &args.keywords {
        let index = accepts
            .iter()
            .position(|p| param_name(p) == Some(name.as_str()))
            .ok_or_else(|| format!("Unknown keyword argument {name}"))?;
        if slots.len() <= index {
            slots.resize(index + 1, None);
        }
        match slots.get_mut(index) {
            Some(Some(_)) => {
                return Err(format!(
                    "Keyword argument {name} already given as positional argument {}",
                    index + 1
                ));
            }
            Some(slot) => *slot = Some(value.clone()),
            None => {}
        }
    }
    slots
        .into_iter()
        .enumerate()
        .map(|(i, slot)| {
            slot.ok_or_else(|| {
                let name = accepts.get(i).map(param_display).unwrap_or_default();
                format!("Missing positional argument {} ({name})", i + 1)
            })
        })
        .collect()
}

fn param_name(schema: &Value) -> Option<&str> {
    schema.get("_name_").and_then(Value::as_str)
}

fn param_display(schema: &Value) -> String {
    match schema.get("_name_") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// `interface.create aliases="192.168.0.1"` should send a list: only a literal
/// `type: "array"` triggers it (midcli ignores `anyOf`), and lists are not descended into.
fn single_value_to_list(value: Value, schema: &Value) -> Value {
    match (schema.get("type").and_then(Value::as_str), value) {
        (Some("array"), v) if !v.is_null() && !v.is_array() => Value::Array(vec![v]),
        (Some("object"), Value::Object(mut obj)) => {
            if let Some(Value::Object(props)) = schema.get("properties") {
                for (k, v) in obj.iter_mut() {
                    if let Some(prop) = props.get(k) {
                        *v = single_value_to_list(std::mem::take(v), prop);
                    }
                }
            }
            Value::Object(obj)
        }
        (_, v) => v,
    }
}

// ---------------------------------------------------------------------------------------------
// Errors and Python spellings

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

#[derive(Debug, Clone)]
enum Val {
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
    fn into_json(self) -> Result<Value, (usize, &'static str)> {
        Ok(match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(b),
            Val::Int(text) => text
                .parse::<Number>()
                .map(Value::Number)
                .unwrap_or(Value::Null),
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
struct Members {
    entries: Vec<(String, Val)>,
    index: HashMap<String, usize>,
    /// A key JSON cannot carry stays in the dict whatever follows, so it spoils the object.
    bad_key: Option<usize>,
}

impl Members {
    fn insert(&mut self, key: String, value: Val) {
        match self.index.get(&key).and_then(|&i| self.entries.get_mut(i)) {
            Some(slot) => slot.1 = value,
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    fn insert_decoded(&mut self, key: Result<String, usize>, value: Val) {
        match key {
            Ok(key) => self.insert(key, value),
            Err(at) => {
                self.bad_key.get_or_insert(at);
            }
        }
    }
}

struct Command {
    positional: Vec<Val>,
    keywords: Members,
    interactive: bool,
    output_file: Option<String>,
}

impl Command {
    fn into_args(self) -> Result<ParsedArgs, (usize, &'static str)> {
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

fn split_keyword(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    (first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some((name, value))
}

/// One argv word as a value; `Err` holds a position within the word and a message.
fn word_value(word: &str) -> Result<Value, (usize, &'static str)> {
    let chars: Vec<char> = word.chars().collect();
    let parsed = Grammar::new(&chars, true)
        .value(0)
        .map_err(|h| (h.at, h.message))?;
    match parsed {
        Some((end, v)) if end == chars.len() => v.into_json(),
        _ => Ok(Value::String(word.to_string())),
    }
}

// ---------------------------------------------------------------------------------------------
// The grammar
//
// Every function takes a position in `src` and returns `Ok(None)` when its element does not
// match there, `Ok(Some((end, value)))` when it does, and `Err` for failures midcli cannot
// recover from. Where an element skips whitespace (or comments) first is what the pyparsing
// elements actually do, not what one would design: see the notes at each function.

type Hit<T> = Result<Option<(usize, T)>, Hard>;

struct Grammar<'a> {
    src: &'a [char],
    ext: bool,
    depth: usize,
}

impl<'a> Grammar<'a> {
    fn new(src: &'a [char], ext: bool) -> Self {
        Grammar { src, ext, depth: 0 }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.src.get(i).copied()
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.src.get(from..to).unwrap_or_default().iter().collect()
    }

    /// pyparsing's default whitespace; other Unicode spaces are not skipped.
    fn skip_ws(&self, mut i: usize) -> usize {
        while matches!(self.at(i), Some(' ' | '\t' | '\n' | '\r')) {
            i += 1;
        }
        i
    }

    /// The JSON object grammar ignores C/C++ comments, and pyparsing spreads that to every
    /// element reachable from it, including the JSON value used at the top level.
    fn comment_end(&self, i: usize) -> Option<usize> {
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
    fn skip_wc(&self, mut i: usize) -> usize {
        loop {
            let j = self.skip_ws(i);
            match self.comment_end(j) {
                Some(end) => i = end,
                None => return j,
            }
        }
    }

    /// pyparsing's `FollowedBy(White())`: the lookahead first steps over the Unicode spaces
    /// White() knows but does not match (and keeps that step), then needs a space, tab, CR
    /// or LF.
    fn followed_by_white(&self, mut i: usize) -> Option<usize> {
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
    fn command(&mut self) -> Result<Result<Command, usize>, Hard> {
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
    fn positional(&mut self, i: usize) -> Hit<Val> {
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
    fn keyword(&mut self, i: usize) -> Hit<(String, Val)> {
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
    fn plain_word(&self, i: usize, positional: bool) -> Option<(usize, Val)> {
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
    fn value(&mut self, i: usize) -> Hit<Val> {
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
    fn base_value(&mut self, i: usize, skip: bool) -> Hit<Val> {
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
    fn radix_int(&self, i: usize, letter: char, radix: u32) -> Option<(usize, Val)> {
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
    fn bare_word(&self, i: usize) -> Option<(usize, Val)> {
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
    fn json(&mut self, i: usize) -> Hit<Val> {
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

    fn nested(&mut self, i: usize, f: fn(&mut Self, usize) -> Hit<Val>) -> Hit<Val> {
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
    fn keyword_literal(&self, i: usize, word: &str) -> bool {
        let ident =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        let n = word.chars().count();
        word.chars()
            .enumerate()
            .all(|(k, c)| self.at(i + k) == Some(c))
            && !(i > 0 && ident(self.at(i - 1)))
            && !ident(self.at(i + n))
    }

    fn array(&mut self, i: usize) -> Hit<Val> {
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

    fn object(&mut self, i: usize) -> Hit<Val> {
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
    fn member(&mut self, i: usize) -> Hit<(Result<String, usize>, Val)> {
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
    fn string(&self, i: usize) -> Hit<Result<String, usize>> {
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
    fn decode_string(&self, open: usize, close: usize) -> Result<Result<String, usize>, Hard> {
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

    fn hex4(&self, i: usize) -> Option<u32> {
        (0..4).try_fold(0u32, |acc, k| {
            Some(acc * 16 + self.at(i + k)?.to_digit(16)?)
        })
    }

    /// pyparsing_common.number: `sci_real | real | signed_integer`, with Python's `\d`
    /// (any Unicode decimal digit) and Python's `float()` / `int()` conversions.
    fn number(&self, i: usize) -> Hit<Val> {
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
    fn digits(&self, mut i: usize) -> (usize, String) {
        let mut s = String::new();
        while let Some(d) = self.at(i).and_then(decimal_digit) {
            s.push(char::from_digit(d, 10).unwrap_or('0'));
            i += 1;
        }
        (i, s)
    }

    /// `[eE][+-]?\d+`, returned as the exponent's text for Rust's float parser.
    fn exponent(&self, i: usize) -> Option<(usize, String)> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::py::caret::found_repr;
    use crate::py::chars::{isprintable as py_isprintable, isspace as py_isspace};
    use crate::py::text::expand_tabs_chars as expand_tabs;
    use serde_json::json;

    /// `{"a":[positional],"k":{keywords}}` plus `"i":true` for `--` and `"o":FILE`, or `!` and
    /// the error text.
    fn show(result: Result<ParsedArgs, ParseError>) -> String {
        match result {
            Ok(args) => {
                let mut v = json!({"a": args.positional, "k": args.keywords});
                if args.interactive {
                    v["i"] = json!(true);
                }
                if let Some(file) = args.output_file {
                    v["o"] = json!(file);
                }
                v.to_string()
            }
            Err(e) => format!("!{e}"),
        }
    }

    fn check(table: &[(&str, &str)], run: impl Fn(&str) -> String) {
        let mut failures = Vec::new();
        for (input, want) in table {
            let got = run(input);
            if got != *want {
                failures.push(format!("input {input:?}\n  want {want:?}\n  got  {got:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Expected results taken from midcli's own grammar (pyparsing 3.3, Python 3.11): its unit
    /// tests, the examples of cli-syntax.md §4, and the corners found by running it.
    const STRICT: &[(&str, &str)] = &[
        ("", r#"{"a":[],"k":{}}"#),
        ("1", r#"{"a":[1],"k":{}}"#),
        ("1a", "!Expected end of text, found '1'\n 1a\n ^"),
        ("0o10", r#"{"a":[8],"k":{}}"#),
        ("0x10", r#"{"a":[16],"k":{}}"#),
        ("null", r#"{"a":[null],"k":{}}"#),
        ("[1, 2, 3]", r#"{"a":[[1,2,3]],"k":{}}"#),
        ("1 0o10", r#"{"a":[1,8],"k":{}}"#),
        ("1 null", r#"{"a":[1,null],"k":{}}"#),
        ("1 [1, 2, 3]", r#"{"a":[1,[1,2,3]],"k":{}}"#),
        ("1 1,2,3", r#"{"a":[1,[1,2,3]],"k":{}}"#),
        ("1 1,2, 3", r#"{"a":[1,[1,2,3]],"k":{}}"#),
        (r#"1 "a,b","c, d""#, r#"{"a":[1,["a,b","c, d"]],"k":{}}"#),
        (
            r#"1 {"key": "value"} 2"#,
            r#"{"a":[1,{"key":"value"},2],"k":{}}"#,
        ),
        (
            r#"1 {"key": ["nested", {"value": 2}]} 3"#,
            r#"{"a":[1,{"key":["nested",{"value":2}]},3],"k":{}}"#,
        ),
        ("1 option=2", r#"{"a":[1],"k":{"option":2}}"#),
        ("1 2 option=3", r#"{"a":[1,2],"k":{"option":3}}"#),
        ("1 2 option=3,4", r#"{"a":[1,2],"k":{"option":[3,4]}}"#),
        (
            r#"1 2 option=3 another_option="4""#,
            r#"{"a":[1,2],"k":{"option":3,"another_option":"4"}}"#,
        ),
        (
            "1 option=2 3",
            "!Expected end of text, found '3'\n 1 option=2 3\n            ^",
        ),
        ("ivan_ivanov123", r#"{"a":["ivan_ivanov123"],"k":{}}"#),
        (
            "name=ivan_ivanov123",
            r#"{"a":[],"k":{"name":"ivan_ivanov123"}}"#,
        ),
        (
            "name= ivan_ivanov123",
            r#"{"a":[],"k":{"name":"ivan_ivanov123"}}"#,
        ),
        (
            "name =ivan_ivanov123",
            r#"{"a":[],"k":{"name":"ivan_ivanov123"}}"#,
        ),
        (
            "name = ivan_ivanov123",
            r#"{"a":[],"k":{"name":"ivan_ivanov123"}}"#,
        ),
        ("path=/", r#"{"a":[],"k":{"path":"/"}}"#),
        ("path=.history", r#"{"a":[],"k":{"path":".history"}}"#),
        (
            "user=root@localhost",
            r#"{"a":[],"k":{"user":"root@localhost"}}"#,
        ),
        ("--", r#"{"a":[],"k":{},"i":true}"#),
        ("1 --", r#"{"a":[1],"k":{},"i":true}"#),
        ("1 option=2 --", r#"{"a":[1],"k":{"option":2},"i":true}"#),
        ("1 option=2\t-- ", r#"{"a":[1],"k":{"option":2},"i":true}"#),
        (
            "1 option=2 > file.tar.gz",
            r#"{"a":[1],"k":{"option":2},"o":"file.tar.gz"}"#,
        ),
        (
            "1 option=2 -- > /root/file.tar.gz",
            r#"{"a":[1],"k":{"option":2},"i":true,"o":"/root/file.tar.gz"}"#,
        ),
        (
            r#"auxsmbconf="force group=apps\nforce user=apps""#,
            r#"{"a":[],"k":{"auxsmbconf":"force group=apps\nforce user=apps"}}"#,
        ),
        (
            "x=[1]y=2",
            "!Expected end of text, found 'x'\n x=[1]y=2\n ^",
        ),
        ("a=1 a=2", r#"{"a":[],"k":{"a":2}}"#),
        ("a=1 b=2 a=3", r#"{"a":[],"k":{"a":3,"b":2}}"#),
        ("_x=1", "!Expected end of text, found '_'\n _x=1\n ^"),
        ("1x=1", "!Expected end of text, found '1'\n 1x=1\n ^"),
        ("a.b=1", "!Expected end of text, found 'a'\n a.b=1\n ^"),
        ("a-b=1", "!Expected end of text, found 'a'\n a-b=1\n ^"),
        (
            "x=1 -- y=2",
            "!Expected end of text, found 'y'\n x=1 -- y=2\n        ^",
        ),
        (
            "-- extra",
            "!Expected end of text, found 'e'\n -- extra\n    ^",
        ),
        (
            r#"> "a b""#,
            "!Expected end of text, found 'b'\n > \"a b\"\n      ^",
        ),
        (r#"> a"b"#, r#"{"a":[],"k":{},"o":"a\"b"}"#),
        ("-->f", r#"{"a":[],"k":{},"i":true,"o":"f"}"#),
        (
            "1 option=2 -- > backup.tar.gz",
            r#"{"a":[1],"k":{"option":2},"i":true,"o":"backup.tar.gz"}"#,
        ),
        ("   ", r#"{"a":[],"k":{}}"#),
        (" \t\n ", r#"{"a":[],"k":{}}"#),
        ("  1  x=2  ", r#"{"a":[1],"k":{"x":2}}"#),
        ("x=1 >f", r#"{"a":[],"k":{"x":1},"o":"f"}"#),
        (
            "x=1 > f g",
            "!Expected end of text, found 'g'\n x=1 > f g\n         ^",
        ),
        ("x=1 > ", "!Expected end of text, found '>'\n x=1 >\n     ^"),
        (
            "x=1 >é",
            "!Expected end of text, found '>'\n x=1 >é\n     ^",
        ),
        (
            "x=1 ---",
            "!Expected end of text, found '-'\n x=1 ---\n       ^",
        ),
        ("0O17", r#"{"a":[15],"k":{}}"#),
        ("0X1F", r#"{"a":[31],"k":{}}"#),
        ("0x1f,0O7", r#"{"a":[[31,7]],"k":{}}"#),
        ("/", r#"{"a":["/"],"k":{}}"#),
        (".history", r#"{"a":[".history"],"k":{}}"#),
        ("/mnt/tank/ds", r#"{"a":["/mnt/tank/ds"],"k":{}}"#),
        ("root@localhost", r#"{"a":["root@localhost"],"k":{}}"#),
        ("enp0s3", r#"{"a":["enp0s3"],"k":{}}"#),
        ("a.b.c", r#"{"a":["a.b.c"],"k":{}}"#),
        ("..", r#"{"a":[".."],"k":{}}"#),
        ("@", r#"{"a":["@"],"k":{}}"#),
        (
            "name=my-key",
            "!Expected end of text, found 'n'\n name=my-key\n ^",
        ),
        (
            "192.168.0.1",
            "!Expected end of text, found '1'\n 192.168.0.1\n ^",
        ),
        (
            "x=192.168.0.1",
            "!Expected end of text, found 'x'\n x=192.168.0.1\n ^",
        ),
        ("1abc", "!Expected end of text, found '1'\n 1abc\n ^"),
        ("10G", "!Expected end of text, found '1'\n 10G\n ^"),
        (":", "!Expected end of text, found ':'\n :\n ^"),
        ("*", "!Expected end of text, found '*'\n *\n ^"),
        ("-", "!Expected end of text, found '-'\n -\n ^"),
        ("#", "!Expected end of text, found '#'\n #\n ^"),
        ("~", "!Expected end of text, found '~'\n ~\n ^"),
        (r#"\"#, "!Expected end of text, found '\\'\n \\\n ^"),
        ("é", "!Expected end of text, found 'é'\n é\n ^"),
        ("x=é", "!Expected end of text, found 'x'\n x=é\n ^"),
        (
            "name='my key'",
            "!Expected end of text, found 'n'\n name='my key'\n ^",
        ),
        ("0b101", "!Expected end of text, found '0'\n 0b101\n ^"),
        ("-0x10", "!Expected end of text, found '-'\n -0x10\n ^"),
        (".5x", "!Expected end of text, found '.'\n .5x\n ^"),
        (".5.txt", "!Expected end of text, found '.'\n .5.txt\n ^"),
        (".git", r#"{"a":[".git"],"k":{}}"#),
        (".config/a", r#"{"a":[".config/a"],"k":{}}"#),
        ("x=0o8", "!Expected end of text, found 'x'\n x=0o8\n ^"),
        ("x=0o78", "!Expected end of text, found 'x'\n x=0o78\n ^"),
        ("x=0x", "!Expected end of text, found 'x'\n x=0x\n ^"),
        ("x=0xg", "!Expected end of text, found 'x'\n x=0xg\n ^"),
        ("true", r#"{"a":[true],"k":{}}"#),
        ("false", r#"{"a":[false],"k":{}}"#),
        ("True", r#"{"a":["True"],"k":{}}"#),
        ("TRUE", r#"{"a":["TRUE"],"k":{}}"#),
        ("None", r#"{"a":["None"],"k":{}}"#),
        ("truex", r#"{"a":["truex"],"k":{}}"#),
        ("nullable", r#"{"a":["nullable"],"k":{}}"#),
        (
            "x=true.x",
            "!Expected end of text, found 'x'\n x=true.x\n ^",
        ),
        ("x=true$", "!Expected end of text, found 'x'\n x=true$\n ^"),
        ("x=$true", "!Expected end of text, found 'x'\n x=$true\n ^"),
        ("x=true_", r#"{"a":[],"k":{"x":"true_"}}"#),
        ("a,b,c", r#"{"a":[["a","b","c"]],"k":{}}"#),
        ("1,2,3", r#"{"a":[[1,2,3]],"k":{}}"#),
        (r#""a,b","c, d""#, r#"{"a":[["a,b","c, d"]],"k":{}}"#),
        ("0o17,0x1F", r#"{"a":[[15,31]],"k":{}}"#),
        (
            r#"1,"b",true,null,[1],{"a":1}"#,
            r#"{"a":[[1,"b",true,null,[1],{"a":1}]],"k":{}}"#,
        ),
        (
            "x=a ,b",
            "!Expected end of text, found ','\n x=a ,b\n     ^",
        ),
        ("1,2, 3", r#"{"a":[[1,2,3]],"k":{}}"#),
        (r#""a", "b""#, r#"{"a":[["a","b"]],"k":{}}"#),
        ("a, b", "!Expected end of text, found 'a'\n a, b\n ^"),
        ("1, 0x2", "!Expected end of text, found '1'\n 1, 0x2\n ^"),
        ("1,", "!Expected end of text, found '1'\n 1,\n ^"),
        (",1", "!Expected end of text, found ','\n ,1\n ^"),
        ("x=1,", "!Expected end of text, found 'x'\n x=1,\n ^"),
        ("x=,1", "!Expected end of text, found 'x'\n x=,1\n ^"),
        ("1,,2", "!Expected end of text, found '1'\n 1,,2\n ^"),
        (
            "a,b c,d",
            "!Expected end of text, found 'c'\n a,b c,d\n     ^",
        ),
        (
            "x=a,b,c y=1,2",
            r#"{"a":[],"k":{"x":["a","b","c"],"y":[1,2]}}"#,
        ),
        ("1 a,b", "!Expected end of text, found 'a'\n 1 a,b\n   ^"),
        ("x= a,b", "!Expected end of text, found 'x'\n x= a,b\n ^"),
        ("x= 1,2", r#"{"a":[],"k":{"x":[1,2]}}"#),
        (
            "x = 1 , 2",
            "!Expected end of text, found ','\n x = 1 , 2\n       ^",
        ),
        (
            "1 0x1,2",
            "!Expected end of text, found '0'\n 1 0x1,2\n   ^",
        ),
        ("x=0x1,2", r#"{"a":[],"k":{"x":[1,2]}}"#),
        ("1, b", "!Expected end of text, found '1'\n 1, b\n ^"),
        (r#"a, "b""#, r#"{"a":[["a","b"]],"k":{}}"#),
        ("1,/*c*/2", r#"{"a":[[1,2]],"k":{}}"#),
        ("x=/*c*/1", r#"{"a":[],"k":{"x":1}}"#),
        ("/*c*/1", r#"{"a":[1],"k":{}}"#),
        ("/*c*/ 1 2", r#"{"a":[1,2],"k":{}}"#),
        (
            "x=/*c*/a",
            "!Expected end of text, found 'x'\n x=/*c*/a\n ^",
        ),
        (
            "x=/*c*/0x1",
            "!Expected end of text, found 'x'\n x=/*c*/0x1\n ^",
        ),
        (
            "x=1/*c*/",
            "!Expected end of text, found 'x'\n x=1/*c*/\n ^",
        ),
        ("x=//c\n1", r#"{"a":[],"k":{"x":1}}"#),
        (
            r#"x="a"//c"#,
            "!Expected end of text, found 'x'\n x=\"a\"//c\n ^",
        ),
        ("x=[1/*c*/]", r#"{"a":[],"k":{"x":[1]}}"#),
        ("x=[/*c*/1]", r#"{"a":[],"k":{"x":[1]}}"#),
        ("x={\"a\"://c\n1}", r#"{"a":[],"k":{"x":{"a":1}}}"#),
        ("x=[1,/**/2]", r#"{"a":[],"k":{"x":[1,2]}}"#),
        ("x=/*/1", "!Expected end of text, found 'x'\n x=/*/1\n ^"),
        ("x=/**/1", r#"{"a":[],"k":{"x":1}}"#),
        ("x=/*c\nd*/1", r#"{"a":[],"k":{"x":1}}"#),
        ("x=//a\\\nb\n1", r#"{"a":[],"k":{"x":1}}"#),
        ("1\u{a0}", r#"{"a":[1],"k":{}}"#),
        ("1\u{a0} ", r#"{"a":[1],"k":{}}"#),
        ("x=1\u{a0}", r#"{"a":[],"k":{"x":1}}"#),
        ("x=1\u{a0} y=2", r#"{"a":[],"k":{"x":1,"y":2}}"#),
        ("1\u{3000} ", r#"{"a":[1],"k":{}}"#),
        ("x=1\u{200b} y=2", r#"{"a":[],"k":{"x":1,"y":2}}"#),
        ("x=1\u{c} y=2", r#"{"a":[],"k":{"x":1,"y":2}}"#),
        ("x=\"a\tb\"", r#"{"a":[],"k":{"x":"a    b"}}"#),
        (
            "x=1\ty=\"a\tb\" z",
            "!Expected end of text, found 'z'\n x=1     y=\"a    b\" z\n                    ^",
        ),
        (
            "\tx=1 y",
            "!Expected end of text, found 'y'\n         x=1 y\n             ^",
        ),
        ("a\tb", r#"{"a":["a","b"],"k":{}}"#),
        ("x=1 é", "!Expected end of text, found 'é'\n x=1 é\n     ^"),
        (
            "x=1 \u{378}",
            "!Expected end of text, found '\\u0378'\n x=1 \u{378}\n     ^",
        ),
        (
            "x=1 \u{200b}",
            "!Expected end of text, found '\\u200b'\n x=1 \u{200b}\n     ^",
        ),
        (
            "x=1 \u{0}",
            "!Expected end of text, found '\\x00'\n x=1 \u{0}\n     ^",
        ),
        (
            "x=1 \u{7f}",
            "!Expected end of text, found '\\x7f'\n x=1 \u{7f}\n     ^",
        ),
        (
            "x=1 \u{85}",
            "!Expected end of text, found '\\x85'\n x=1\n     ^",
        ),
        (
            r#"x=1 \"#,
            "!Expected end of text, found '\\'\n x=1 \\\n     ^",
        ),
        (
            "x=1 '",
            "!Expected end of text, found \"'\"\n x=1 '\n     ^",
        ),
        (
            r#"x=1 ""#,
            "!Expected end of text, found '\"'\n x=1 \"\n     ^",
        ),
        (
            "x=1 \u{b}",
            "!Expected end of text, found '\\x0b'\n x=1\n     ^",
        ),
        ("x=1\n y", "!Expected end of text, found 'y'\n  y\n  ^"),
        (
            "x=1\ry z",
            "!Expected end of text, found 'y'\n x=1\ry z\n     ^",
        ),
        (
            "a\n\nx=1 y",
            "!Expected end of text, found 'y'\n x=1 y\n     ^",
        ),
        (
            "x=1 😀",
            "!Expected end of text, found '😀'\n x=1 😀\n     ^",
        ),
        (
            "x=1 \u{e0001}",
            "!Expected end of text, found '\\U000e0001'\n x=1 \u{e0001}\n     ^",
        ),
        (
            "x=1 \u{ad}",
            "!Expected end of text, found '\\xad'\n x=1 \u{ad}\n     ^",
        ),
        ("x=٣", r#"{"a":[],"k":{"x":3}}"#),
        ("x=١.٥", r#"{"a":[],"k":{"x":1.5}}"#),
        ("x=٣e٣", r#"{"a":[],"k":{"x":3000.0}}"#),
        ("x=1e٣", r#"{"a":[],"k":{"x":1000.0}}"#),
        ("x=\u{212a}", "{\"a\":[],\"k\":{\"x\":\"\u{212a}\"}}"),
        ("x=\u{17f}", "{\"a\":[],\"k\":{\"x\":\"\u{17f}\"}}"),
        ("x=\u{131}", "{\"a\":[],\"k\":{\"x\":\"\u{131}\"}}"),
        ("x=\u{130}", "{\"a\":[],\"k\":{\"x\":\"\u{130}\"}}"),
        ("x=a\u{212a}1", "{\"a\":[],\"k\":{\"x\":\"a\u{212a}1\"}}"),
        ("1 =2", "!Expected end of text, found '1'\n 1 =2\n ^"),
        ("1 = 2", "!Expected end of text, found '1'\n 1 = 2\n ^"),
        (
            r#""a"=1"#,
            "!Expected end of text, found '\"'\n \"a\"=1\n ^",
        ),
        (
            r#"1 "a"=2"#,
            "!Expected end of text, found '\"'\n 1 \"a\"=2\n   ^",
        ),
        ("a==1", "!Expected end of text, found 'a'\n a==1\n ^"),
        ("x=1=", "!Expected end of text, found 'x'\n x=1=\n ^"),
        ("x=a b=c", r#"{"a":[],"k":{"x":"a","b":"c"}}"#),
        (
            r#"x="\"\\\/\b\f\n\r\t""#,
            r#"{"a":[],"k":{"x":"\"\\/\b\f\n\r\t"}}"#,
        ),
        (r#"x="\u00e9\ud83d\ude00""#, r#"{"a":[],"k":{"x":"é😀"}}"#),
        (r#"x="\uD83D\uDE00""#, r#"{"a":[],"k":{"x":"😀"}}"#),
        ("x=\"a\nb\"", "!Expected end of text, found 'x'\n x=\"a\n ^"),
        (
            "x=\"a\rb\"",
            "!Expected end of text, found 'x'\n x=\"a\rb\"\n ^",
        ),
        (r#"x="""#, r#"{"a":[],"k":{"x":""}}"#),
        (r#"x="\"""#, r#"{"a":[],"k":{"x":"\""}}"#),
        (
            r#"x="\x""#,
            "!Expected end of text, found 'x'\n x=\"\\x\"\n ^",
        ),
        (
            r#"x="a"""#,
            "!Expected end of text, found 'x'\n x=\"a\"\"\n ^",
        ),
        // midcli: crash
        (
            r#"x="a""""#,
            "!Adjacent quoted strings (write \\\" for a quote inside a string), found '\"'\n x=\"a\"\"\"\n      ^",
        ),
        ("00012", r#"{"a":[12],"k":{}}"#),
        ("+1", r#"{"a":[1],"k":{}}"#),
        (".5", r#"{"a":[0.5],"k":{}}"#),
        ("1.", r#"{"a":[1.0],"k":{}}"#),
        ("-.5", r#"{"a":[-0.5],"k":{}}"#),
        ("+.5e+5", r#"{"a":[50000.0],"k":{}}"#),
        ("1.e5", r#"{"a":[100000.0],"k":{}}"#),
        (".e5", r#"{"a":[".e5"],"k":{}}"#),
        ("1e3", r#"{"a":[1000.0],"k":{}}"#),
        ("1E5", r#"{"a":[100000.0],"k":{}}"#),
        ("1e+", "!Expected end of text, found '1'\n 1e+\n ^"),
        ("1e", "!Expected end of text, found '1'\n 1e\n ^"),
        ("1e-400", r#"{"a":[0.0],"k":{}}"#),
        (
            "12345678901234567890",
            r#"{"a":[12345678901234567890],"k":{}}"#,
        ),
        (
            "-12345678901234567890",
            r#"{"a":[-12345678901234567890],"k":{}}"#,
        ),
        ("-0", r#"{"a":[0],"k":{}}"#),
        ("+0", r#"{"a":[0],"k":{}}"#),
        ("-0.0", r#"{"a":[-0.0],"k":{}}"#),
        ("0.000001", r#"{"a":[1e-06],"k":{}}"#),
        ("1e16", r#"{"a":[1e+16],"k":{}}"#),
        ("1e-5", r#"{"a":[1e-05],"k":{}}"#),
        (
            "123456789012345678901234567890.5",
            r#"{"a":[1.2345678901234568e+29],"k":{}}"#,
        ),
        ("1.5e300", r#"{"a":[1.5e+300],"k":{}}"#),
        ("x=1e5.5", "!Expected end of text, found 'x'\n x=1e5.5\n ^"),
        ("[ 1 , 2 ]", r#"{"a":[[1,2]],"k":{}}"#),
        ("[]", r#"{"a":[[]],"k":{}}"#),
        ("{}", r#"{"a":[{}],"k":{}}"#),
        ("[ ]", r#"{"a":[[]],"k":{}}"#),
        ("{ }", r#"{"a":[{}],"k":{}}"#),
        ("[1,]", "!Expected end of text, found '['\n [1,]\n ^"),
        (
            r#"{"a":1,}"#,
            "!Expected end of text, found '{'\n {\"a\":1,}\n ^",
        ),
        ("{a:1}", "!Expected end of text, found '{'\n {a:1}\n ^"),
        ("[a, b]", "!Expected end of text, found '['\n [a, b]\n ^"),
        (
            r#"{"a": b}"#,
            "!Expected end of text, found '{'\n {\"a\": b}\n ^",
        ),
        (
            r#"{"a": 0x1}"#,
            "!Expected end of text, found '{'\n {\"a\": 0x1}\n ^",
        ),
        ("[0o7]", "!Expected end of text, found '['\n [0o7]\n ^"),
        (r#"{"a":1,"a":2,"b":3}"#, r#"{"a":[{"a":2,"b":3}],"k":{}}"#),
        (r#"{"b":1,"a":2}"#, r#"{"a":[{"b":1,"a":2}],"k":{}}"#),
        (r#"{"a":1 /* c */}"#, r#"{"a":[{"a":1}],"k":{}}"#),
        (
            r#"{"a":1}/*c*/"#,
            "!Expected end of text, found '{'\n {\"a\":1}/*c*/\n ^",
        ),
        (
            r#"{/*x*/"a"/*y*/:/*z*/1/*w*/}"#,
            r#"{"a":[{"a":1}],"k":{}}"#,
        ),
        (
            r#"{"k"="v"}"#,
            "!Expected end of text, found '{'\n {\"k\"=\"v\"}\n ^",
        ),
        (
            r#"allowlist=[{"method"="SUBSCRIBE","resource":"certificate.query"}]"#,
            "!Expected end of text, found 'a'\n allowlist=[{\"method\"=\"SUBSCRIBE\",\"resource\":\"certificate.query\"}]\n ^",
        ),
        (
            r#"allowlist=[{"method":"SUBSCRIBE","resource":"certificate.query"}]"#,
            r#"{"a":[],"k":{"allowlist":[{"method":"SUBSCRIBE","resource":"certificate.query"}]}}"#,
        ),
        (
            r#"allowlist=[{"method": "SUBSCRIBE", "resource": "certificate.query"}]"#,
            r#"{"a":[],"k":{"allowlist":[{"method":"SUBSCRIBE","resource":"certificate.query"}]}}"#,
        ),
        (
            r#"name=apikey3 allowlist=[{"method"="x"}]"#,
            "!Expected end of text, found 'a'\n name=apikey3 allowlist=[{\"method\"=\"x\"}]\n              ^",
        ),
        (r#"{"":1}"#, r#"{"a":[{"":1}],"k":{}}"#),
        (
            r#"{"a":[[],[[]]],"b":{"c":{}}}"#,
            r#"{"a":[{"a":[[],[[]]],"b":{"c":{}}}],"k":{}}"#,
        ),
        ("[1],[2]", r#"{"a":[[[1],[2]]],"k":{}}"#),
        (r#"{"a":1},{"b":2}"#, r#"{"a":[[{"a":1},{"b":2}]],"k":{}}"#),
        ("[true,false,null]", r#"{"a":[[true,false,null]],"k":{}}"#),
        ("[truex]", "!Expected end of text, found '['\n [truex]\n ^"),
        (r#"{"a":true}"#, r#"{"a":[{"a":true}],"k":{}}"#),
        ("[1 2]", "!Expected end of text, found '['\n [1 2]\n ^"),
        (
            r#"{"a" 1}"#,
            "!Expected end of text, found '{'\n {\"a\" 1}\n ^",
        ),
        (
            r#"["a" "b"]"#,
            "!Expected end of text, found '['\n [\"a\" \"b\"]\n ^",
        ),
    ];

    #[test]
    fn strict_matches_midcli() {
        check(STRICT, |s| show(parse(s, false)));
    }

    #[test]
    fn extensions_do_not_change_what_midcli_accepts() {
        for (input, want) in STRICT {
            if !want.starts_with('!') {
                assert_eq!(show(parse(input, true)), *want, "{input:?}");
            }
        }
    }

    /// Where midcli crashes (or would send invalid JSON): our own messages, caret on the spot.
    const BROKEN: &[(&str, &str)] = &[
        (
            r#"x="\x41""#,
            "!Invalid \\escape in string, found '\\'\n x=\"\\x41\"\n    ^",
        ),
        (
            r#"x="a\qb""#,
            "!Invalid \\escape in string, found '\\'\n x=\"a\\qb\"\n     ^",
        ),
        (
            "x=\"a\\\nb\"",
            "!Invalid \\escape in string, found '\\'\n x=\"a\\\n     ^",
        ),
        (
            r#""a""b""#,
            "!Adjacent quoted strings (write \\\" for a quote inside a string), found '\"'\n \"a\"\"b\"\n    ^",
        ),
        (
            r#""""""#,
            "!Adjacent quoted strings (write \\\" for a quote inside a string), found '\"'\n \"\"\"\"\n   ^",
        ),
        (
            r#"x="\u12""#,
            "!Invalid \\uXXXX escape in string, found '\\'\n x=\"\\u12\"\n    ^",
        ),
        (
            r#"x="\ud800\uzzzz""#,
            "!Invalid \\uXXXX escape in string, found '\\'\n x=\"\\ud800\\uzzzz\"\n          ^",
        ),
        (
            "x=\"a\u{b}b\"",
            "!Invalid control character in string, found '\\x0b'\n x=\"a\u{b}b\"\n     ^",
        ),
        (
            r#"x="\ud800""#,
            "!Unpaired surrogate in string, found '\\'\n x=\"\\ud800\"\n    ^",
        ),
        (
            r#"x="\udc00a""#,
            "!Unpaired surrogate in string, found '\\'\n x=\"\\udc00a\"\n    ^",
        ),
        (
            r#"x="\ud83d\u0041""#,
            "!Unpaired surrogate in string, found '\\'\n x=\"\\ud83d\\u0041\"\n    ^",
        ),
        (
            r#"{"\ud800":1,"a":2}"#,
            "!Unpaired surrogate in string, found '\\'\n {\"\\ud800\":1,\"a\":2}\n   ^",
        ),
        // Python drops the unsendable part before sending: no error.
        (r#"x="\ud800" x=1"#, r#"{"a":[],"k":{"x":1}}"#),
        ("x=1e400", "!Number out of range, found '1'\n x=1e400\n   ^"),
        (
            "1 -1e400",
            "!Number out of range, found '-'\n 1 -1e400\n   ^",
        ),
        (
            r#"x={"a"  :  [1, 1e999]}"#,
            "!Number out of range, found '1'\n x={\"a\"  :  [1, 1e999]}\n                ^",
        ),
        ("x=1e400 x=2", r#"{"a":[],"k":{"x":2}}"#),
        (r#"x={"a":1e400,"a":1}"#, r#"{"a":[],"k":{"x":{"a":1}}}"#),
        (
            "x=1e400a",
            "!Expected end of text, found 'x'\n x=1e400a\n ^",
        ),
        // Reached only if the grammar gets there, as in midcli.
        (
            r#"1a "\q""#,
            "!Expected end of text, found '1'\n 1a \"\\q\"\n ^",
        ),
    ];

    #[test]
    fn crashes_become_errors() {
        check(BROKEN, |s| show(parse(s, false)));
        for (input, want) in BROKEN {
            if !want.starts_with("!Expected") {
                assert_eq!(show(parse(input, true)), *want, "{input:?}");
            }
        }
    }

    #[test]
    fn numbers_at_pythons_limits() {
        let digits = "7".repeat(MAX_INT_DIGITS);
        let ok = show(parse(&format!("x={digits}"), false));
        assert_eq!(ok, format!(r#"{{"a":[],"k":{{"x":{digits}}}}}"#));
        let err = parse(&format!("x=-{digits}7"), false).unwrap_err();
        assert_eq!((err.message.as_str(), err.column), (OUT_OF_RANGE, 3));
        let err = parse(&format!("x=0{digits}"), false).unwrap_err();
        assert_eq!(err.message, OUT_OF_RANGE, "leading zeros count too");
        // 16^3571 < 10^4300 < 16^3572: Python can read it but not send it.
        let fits = show(parse(&format!("x=0x{}", "f".repeat(3571)), false));
        assert!(
            fits.starts_with(r#"{"a":[],"k":{"x":"#) && fits.len() > 4300,
            "{fits:.80}"
        );
        let err = parse(&format!("x=0x{}", "f".repeat(3572)), false).unwrap_err();
        assert_eq!((err.message.as_str(), err.column), (OUT_OF_RANGE, 3));
        let err = parse(&format!("x=0o{}", "7".repeat(100_000)), false).unwrap_err();
        assert_eq!(err.message, OUT_OF_RANGE);
        assert_eq!(
            show(parse("x=0x0000000000000001", false)),
            r#"{"a":[],"k":{"x":1}}"#
        );
        assert_eq!(
            show(parse("x=0xFFFFFFFFFFFFFFFFFFFF", false)),
            r#"{"a":[],"k":{"x":1208925819614629174706175}}"#
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = format!("x={}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok, false).is_ok());
        let deep = format!(
            "x={}{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        let err = parse(&deep, false).unwrap_err();
        assert_eq!(
            (err.message.as_str(), err.column),
            (TOO_DEEP, MAX_DEPTH + 3)
        );
        let objects = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
        assert_eq!(parse(&objects, true).unwrap_err().message, TOO_DEEP);
    }

    /// Extensions on (midclt): inputs midcli rejects.
    const EXTENDED: &[(&str, &str)] = &[
        ("name=my-key", r#"{"a":[],"k":{"name":"my-key"}}"#),
        ("ip=192.168.0.1", r#"{"a":[],"k":{"ip":"192.168.0.1"}}"#),
        ("size=10G", r#"{"a":[],"k":{"size":"10G"}}"#),
        ("1a", r#"{"a":["1a"],"k":{}}"#),
        (
            "192.168.0.1 mask=24",
            r#"{"a":["192.168.0.1"],"k":{"mask":24}}"#,
        ),
        ("1a --", r#"{"a":["1a"],"k":{},"i":true}"#),
        (
            "1a -- > out.tar",
            r#"{"a":["1a"],"k":{},"i":true,"o":"out.tar"}"#,
        ),
        ("name = my-key", r#"{"a":[],"k":{"name":"my-key"}}"#),
        (
            "name=my-key comment=x_y-z",
            r#"{"a":[],"k":{"name":"my-key","comment":"x_y-z"}}"#,
        ),
        ("x=1 y=2G", r#"{"a":[],"k":{"x":1,"y":"2G"}}"#),
        ("x=true.x", r#"{"a":[],"k":{"x":"true.x"}}"#),
        ("x=1.5.txt", r#"{"a":[],"k":{"x":"1.5.txt"}}"#),
        ("x=.5x", r#"{"a":[],"k":{"x":".5x"}}"#),
        ("-0x10", r#"{"a":["-0x10"],"k":{}}"#),
        ("-x", r#"{"a":["-x"],"k":{}}"#),
        ("x=--y", r#"{"a":[],"k":{"x":"--y"}}"#),
        ("x=a=b", r#"{"a":[],"k":{"x":"a=b"}}"#),
        ("key=YWJj==", r#"{"a":[],"k":{"key":"YWJj=="}}"#),
        (
            "url=https://example.com/a?b=c",
            r#"{"a":[],"k":{"url":"https://example.com/a?b=c"}}"#,
        ),
        ("x=café", r#"{"a":[],"k":{"x":"café"}}"#),
        ("café", r#"{"a":["café"],"k":{}}"#),
        ("x=a|b", r#"{"a":[],"k":{"x":"a|b"}}"#),
        (r"path=C:\x", r#"{"a":[],"k":{"path":"C:\\x"}}"#),
        ("x=😀", r#"{"a":[],"k":{"x":"😀"}}"#),
        (
            "ip=10.0.0.1/24 gw=10.0.0.254",
            r#"{"a":[],"k":{"ip":"10.0.0.1/24","gw":"10.0.0.254"}}"#,
        ),
        (
            r#"allowlist=[{"method"="SUBSCRIBE","resource":"certificate.query"}]"#,
            r#"{"a":[],"k":{"allowlist":[{"method":"SUBSCRIBE","resource":"certificate.query"}]}}"#,
        ),
        (
            r#"name=apikey3 allowlist=[{"method" = "x" /* c */, "b"=1}]"#,
            r#"{"a":[],"k":{"name":"apikey3","allowlist":[{"method":"x","b":1}]}}"#,
        ),
        (r#"{"k"="v"}"#, r#"{"a":[{"k":"v"}],"k":{}}"#),
        // Still errors.
        ("x=1 y", "!Expected end of text, found 'y'\n x=1 y\n     ^"),
        (
            "name=my key",
            "!Expected end of text, found 'k'\n name=my key\n         ^",
        ),
        (
            "x=a ,b",
            "!Expected end of text, found ','\n x=a ,b\n     ^",
        ),
        (
            "1 option=2 3",
            "!Expected end of text, found '3'\n 1 option=2 3\n            ^",
        ),
        (
            "my-name=x",
            "!Expected end of text, found 'm'\n my-name=x\n ^",
        ),
        (
            "my-name = x",
            "!Expected end of text, found 'm'\n my-name = x\n ^",
        ),
        ("--foo", "!Expected end of text, found 'f'\n --foo\n   ^"),
        (
            "x=1 -- y",
            "!Expected end of text, found 'y'\n x=1 -- y\n        ^",
        ),
        ("x=>y", "!Expected end of text, found 'x'\n x=>y\n ^"),
        ("x==1", "!Expected end of text, found 'x'\n x==1\n ^"),
        ("x='a'", "!Expected end of text, found 'x'\n x='a'\n ^"),
        (r#"x=a"b"#, "!Expected end of text, found 'x'\n x=a\"b\n ^"),
        ("x=1,", "!Expected end of text, found 'x'\n x=1,\n ^"),
        (
            "x=10G,20G",
            "!Expected end of text, found 'x'\n x=10G,20G\n ^",
        ),
        ("x=[1,2", "!Expected end of text, found 'x'\n x=[1,2\n ^"),
        (
            r#"x={"a"=}"#,
            "!Expected end of text, found 'x'\n x={\"a\"=}\n ^",
        ),
        ("x= a,b", "!Expected end of text, found 'x'\n x= a,b\n ^"),
        ("1 a,b", "!Expected end of text, found 'a'\n 1 a,b\n   ^"),
        ("x=1e400", "!Number out of range, found '1'\n x=1e400\n   ^"),
        (
            r#"x={"a"=1e400}"#,
            "!Number out of range, found '1'\n x={\"a\"=1e400}\n        ^",
        ),
        (
            r#"x="\q""#,
            "!Invalid \\escape in string, found '\\'\n x=\"\\q\"\n    ^",
        ),
        (
            r#"1a "\q""#,
            "!Invalid \\escape in string, found '\\'\n 1a \"\\q\"\n     ^",
        ),
    ];

    #[test]
    fn extensions() {
        check(EXTENDED, |s| show(parse(s, true)));
    }

    #[test]
    fn extensions_off_is_strict() {
        for input in ["name=my-key", "size=10G", r#"{"k"="v"}"#, "café"] {
            assert!(parse(input, false).is_err(), "{input:?}");
        }
    }

    fn argv(words: &str) -> String {
        let words: Vec<String> = serde_json::from_str(words).unwrap_or_default();
        show(parse_argv(&words))
    }

    const ARGV: &[(&str, &str)] = &[
        (
            r#"["name=ci", "description=my key"]"#,
            r#"{"a":[],"k":{"name":"ci","description":"my key"}}"#,
        ),
        (r#"["name=my-key"]"#, r#"{"a":[],"k":{"name":"my-key"}}"#),
        (r#"["1", "x=2"]"#, r#"{"a":[1],"k":{"x":2}}"#),
        (
            r#"["id=2", "name=x", "reset=true"]"#,
            r#"{"a":[],"k":{"id":2,"name":"x","reset":true}}"#,
        ),
        (r#"["x=2", "--"]"#, r#"{"a":[],"k":{"x":2},"i":true}"#),
        (r#"["a b"]"#, r#"{"a":["a b"],"k":{}}"#),
        (r#"["x=[1,2"]"#, r#"{"a":[],"k":{"x":"[1,2"}}"#),
        (r#"["x= 1"]"#, r#"{"a":[],"k":{"x":1}}"#),
        (r#"["x=1 "]"#, r#"{"a":[],"k":{"x":"1 "}}"#),
        (r#"["x="]"#, r#"{"a":[],"k":{"x":""}}"#),
        (r#"[""]"#, r#"{"a":[""],"k":{}}"#),
        (r#"["x=1,2"]"#, r#"{"a":[],"k":{"x":[1,2]}}"#),
        (r#"["x=a, b"]"#, r#"{"a":[],"k":{"x":"a, b"}}"#),
        (r#"["my-name=x"]"#, r#"{"a":["my-name=x"],"k":{}}"#),
        (r#"["x=[{\"a\"=1}]"]"#, r#"{"a":[],"k":{"x":[{"a":1}]}}"#),
        (
            r#"["x=True", "y=true", "z=null"]"#,
            r#"{"a":[],"k":{"x":"True","y":true,"z":null}}"#,
        ),
        (
            r#"["x=0x10", "y=-5", "z=1e3"]"#,
            r#"{"a":[],"k":{"x":16,"y":-5,"z":1000.0}}"#,
        ),
        (r#"["x={\"a\":1} "]"#, r#"{"a":[],"k":{"x":"{\"a\":1} "}}"#),
        (r#"["x=\"a b\""]"#, r#"{"a":[],"k":{"x":"a b"}}"#),
        (r#"["x=1", "x=2"]"#, r#"{"a":[],"k":{"x":2}}"#),
        (r#"["x=a\tb"]"#, r#"{"a":[],"k":{"x":"a\tb"}}"#),
        (
            r#"["ip=192.168.0.1", "x=1e400a"]"#,
            r#"{"a":[],"k":{"ip":"192.168.0.1","x":"1e400a"}}"#,
        ),
        (
            r#"["x=2", "1"]"#,
            "!Expected end of text, found '1'\n x=2 1\n     ^",
        ),
        (
            r#"["--", "x=1"]"#,
            "!Expected end of text, found 'x'\n -- x=1\n    ^",
        ),
        (
            r#"["x=1", "é"]"#,
            "!Expected end of text, found 'é'\n x=1 é\n     ^",
        ),
        (r#"["x=1", ""]"#, "!Expected end of text, found end of text"),
        (
            r#"["a", "x=\"\\q\""]"#,
            "!Invalid \\escape in string, found '\\'\n a x=\"\\q\"\n      ^",
        ),
        (
            r#"["x=1e400"]"#,
            "!Number out of range, found '1'\n x=1e400\n   ^",
        ),
        (
            r#"["x=\"a\tb\""]"#,
            "!Invalid control character in string, found '\\t'\n x=\"a\tb\"\n     ^",
        ),
    ];

    #[test]
    fn argv_words() {
        check(ARGV, argv);
    }

    /// `text` parsed strictly, mapped; the params as JSON, `editor:KEY`, or `!error`.
    fn call(text: &str, accepts: &Value, mode: Mode) -> String {
        let args = match parse(text, false) {
            Ok(args) => args,
            Err(e) => return format!("parse error {e}"),
        };
        let accepts = accepts.as_array().cloned().unwrap_or_default();
        match map_params(&args, &accepts, mode) {
            Ok(Mapped::Params(p)) => Value::Array(p).to_string(),
            Ok(Mapped::Editor(key)) => format!("editor:{key}"),
            Err(e) => format!("!{e}"),
        }
    }

    fn user_create() -> Value {
        json!([{
            "_attrs_order_": ["uid", "username", "groups", "attributes"],
            "_name_": "user_create",
            "properties": {
                "attributes": {"_attrs_order_": [], "_name_": "attributes", "default": {},
                               "properties": {}, "type": "object"},
                "groups": {"_name_": "groups", "default": [], "items": [{"type": "integer"}],
                           "type": "array"},
                "uid": {"_name_": "uid", "type": "integer"},
                "username": {"_name_": "username", "type": "string"},
            },
            "type": "object",
        }])
    }

    fn user_update() -> Value {
        let mut accepts = user_create();
        if let Some(list) = accepts.as_array_mut() {
            list.insert(0, json!({"_name_": "id", "type": "integer"}));
        }
        accepts
    }

    #[test]
    fn splice_mode() {
        let create = user_create();
        let update = user_update();
        for (text, accepts, at, want) in [
            // midcli: tests/command/generic_call/test_call_args_create_update.py
            (
                "1000",
                &create,
                0,
                "!Too many positional arguments (0 supported, 1 given)",
            ),
            ("uid=1000", &create, 0, r#"[{"uid":1000}]"#),
            (
                r#"uid=1000 username="ivan""#,
                &create,
                0,
                r#"[{"uid":1000,"username":"ivan"}]"#,
            ),
            ("55", &update, 1, r#"[55,{}]"#),
            (
                "uid=1000",
                &update,
                1,
                "!Too few positional arguments (1 required, 0 given)",
            ),
            ("55 uid=1000", &update, 1, r#"[55,{"uid":1000}]"#),
            // cli-syntax.md §5.1 and §5.4
            ("", &create, 0, "[{}]"),
            ("groups=5", &create, 0, r#"[{"groups":[5]}]"#),
            (
                "groups=5,6 attributes={}",
                &create,
                0,
                r#"[{"groups":[5,6],"attributes":{}}]"#,
            ),
            ("groups=null", &create, 0, r#"[{"groups":null}]"#),
            ("unknown=1 uid=2", &create, 0, r#"[{"unknown":1,"uid":2}]"#),
            ("a=1 b=2 a=3", &create, 0, r#"[{"a":3,"b":2}]"#),
        ] {
            assert_eq!(call(text, accepts, Mode::Splice(at)), want, "{text:?}");
        }
    }

    #[test]
    fn positional_keyword_mode() {
        // midcli: tests/command/generic_call/test_call_args_kwargs.py
        let three = json!([{"_name_": "id"}, {"_name_": "name"}, {"_name_": "data"}]);
        // midcli: tests/command/generic_call/test_call_args_kwargs__single_value_to_list.py
        let aliases = json!([{"_name_": "interface", "type": "object",
                              "properties": {"aliases": {"type": "array"}}}]);
        let get_instance = json!([{"_name_": "id", "type": "integer"},
                                  {"_name_": "options", "type": "object"}]);
        let nested = json!([{"_name_": "data", "type": "object", "properties": {
            "list": {"type": "array"},
            "any": {"anyOf": [{"type": "array"}, {"type": "null"}]},
            "inner": {"type": "object", "properties": {"tags": {"type": "array"}}},
            "items": {"type": "array", "items": {"type": "object",
                                                 "properties": {"x": {"type": "array"}}}},
        }}, {"_name_": "list", "type": "array"}]);
        for (text, accepts, want) in [
            ("1000", &three, "[1000]"),
            ("id=1000", &three, "[1000]"),
            ("name=ivan", &three, "!Missing positional argument 1 (id)"),
            (
                "1000 data={}",
                &three,
                "!Missing positional argument 2 (name)",
            ),
            (
                "1000 nombre=juan",
                &three,
                "!Unknown keyword argument nombre",
            ),
            (
                "1000 {} name=ivan",
                &three,
                "!Keyword argument name already given as positional argument 2",
            ),
            ("data=3 name=2 id=1", &three, "[1,2,3]"),
            ("1 2 3 4 5", &three, "[1,2,3,4,5]"),
            ("", &three, "[]"),
            ("", &json!([]), "[]"),
            ("1", &json!([]), "[1]"),
            ("x=1", &json!([]), "!Unknown keyword argument x"),
            (r#"{"aliases": 1000}"#, &aliases, r#"[{"aliases":[1000]}]"#),
            (
                r#"{"aliases": [1000, 1001]}"#,
                &aliases,
                r#"[{"aliases":[1000,1001]}]"#,
            ),
            (r#"{"aliases": null}"#, &aliases, r#"[{"aliases":null}]"#),
            ("{}", &aliases, "[{}]"),
            (
                r#"interface={"aliases":"192.168.0.1","mtu":1500}"#,
                &aliases,
                r#"[{"aliases":["192.168.0.1"],"mtu":1500}]"#,
            ),
            ("5", &aliases, "[5]"),
            // cli-syntax.md §5.6
            ("id=1", &get_instance, "[1]"),
            (
                r#"2 options={"select":["id"]}"#,
                &get_instance,
                r#"[2,{"select":["id"]}]"#,
            ),
            (
                r#"data={"list":1,"any":2,"inner":{"tags":"a"},"items":[{"x":1}]} list=7"#,
                &nested,
                r#"[{"list":[1],"any":2,"inner":{"tags":["a"]},"items":[{"x":1}]},[7]]"#,
            ),
            ("list=[7]", &nested, "!Missing positional argument 1 (data)"),
            ("{} []", &nested, "[{},[]]"),
            ("{} 1 2", &nested, "[{},[1],2]"),
        ] {
            assert_eq!(
                call(text, accepts, Mode::PositionalKeyword),
                want,
                "{text:?}"
            );
        }
    }

    #[test]
    fn update_mode() {
        // midcli: tests/command/generic_call/test_update.py
        let update = json!([{"_name_": "id", "type": "integer"}, {
            "_attrs_order_": ["uid", "username"], "_name_": "user_create", "type": "object",
            "properties": {"uid": {"_name_": "uid", "type": "integer"},
                           "username": {"_name_": "username", "type": "string"},
                           "groups": {"_name_": "groups", "type": "array"}},
        }]);
        for (text, want) in [
            ("1000", "editor:1000"),
            ("id=1000", "editor:1000"),
            (
                "uid=1000",
                "!Too few positional arguments (1 required, 0 given)",
            ),
            ("id=1000 uid=1001", r#"[1000,{"uid":1001}]"#),
            ("999 id=1000 uid=1001", r#"[999,{"id":1000,"uid":1001}]"#),
            // cli-syntax.md §5.3
            (
                "id=2 username=x groups=5",
                r#"[2,{"username":"x","groups":[5]}]"#,
            ),
            ("2 username=x", r#"[2,{"username":"x"}]"#),
            (
                "1 2",
                "!Too many positional arguments (1 supported, 2 given)",
            ),
            ("", "!Too few positional arguments (1 required, 0 given)"),
            // The key keeps its place out of the object; the others keep their order.
            ("uid=1 id=2 username=x", r#"[2,{"uid":1,"username":"x"}]"#),
            // midcli decides on the editor first: the key keyword alone means "edit".
            ("5 id=7", "editor:5"),
            (r#""abc""#, r#"editor:"abc""#),
        ] {
            assert_eq!(call(text, &update, Mode::Update), want, "{text:?}");
        }
        assert_eq!(call("2", &json!([]), Mode::Update), "editor:2");
        assert_eq!(
            call("id=2 x=1", &json!([]), Mode::Update),
            "!Too few positional arguments (1 required, 0 given)"
        );
    }

    #[test]
    fn api_key_examples() {
        // cli-syntax.md §5.6
        let create = json!([{"_name_": "api_key_create", "type": "object",
                             "_attrs_order_": ["name"], "properties": {"name": {"type": "string"}}}]);
        let text =
            r#"name=apikey3 allowlist=[{"method":"SUBSCRIBE","resource":"certificate.query"}]"#;
        assert_eq!(
            call(text, &create, Mode::Splice(0)),
            r#"[{"name":"apikey3","allowlist":[{"method":"SUBSCRIBE","resource":"certificate.query"}]}]"#
        );
        let delete = json!([{"_name_": "id", "type": "integer"}]);
        assert_eq!(call("id=1", &delete, Mode::PositionalKeyword), "[1]");
        assert_eq!(call("", &delete, Mode::PositionalKeyword), "[]");
        let update = json!([{"_name_": "id"}, {"_name_": "api_key_update", "type": "object",
                                               "properties": {"name": {}, "reset": {}}}]);
        assert_eq!(
            call("id=2 name=x reset=true", &update, Mode::Update),
            r#"[2,{"name":"x","reset":true}]"#
        );
        assert_eq!(call("id=2", &update, Mode::Update), "editor:2");
        assert!(call("name=my-key", &create, Mode::Splice(0)).starts_with("parse error"));
    }

    #[test]
    fn error_display() {
        let e = ParseError {
            message: "Expected end of text".into(),
            line: "x=1 \u{b}".into(),
            column: 5,
        };
        assert_eq!(
            e.to_string(),
            "Expected end of text, found '\\x0b'\n x=1\n     ^"
        );
        let e = ParseError { column: 9, ..e };
        assert_eq!(e.to_string(), "Expected end of text, found end of text");
        let e = ParseError { column: 0, ..e };
        assert_eq!(e.to_string(), "Expected end of text, found end of text");
        let err = parse("x=1 y", false).unwrap_err();
        assert_eq!((err.line.as_str(), err.column), ("x=1 y", 5));
        for (c, want) in [
            ('a', "'a'"),
            ('\'', "\"'\""),
            ('"', "'\"'"),
            ('\\', "'\\'"),
            ('\t', "'\\t'"),
            ('\u{0}', "'\\x00'"),
            ('\u{7f}', "'\\x7f'"),
            ('\u{85}', "'\\x85'"),
            ('\u{a0}', "'\\xa0'"),
            ('\u{ad}', "'\\xad'"),
            ('é', "'é'"),
            ('\u{378}', "'\\u0378'"),
            ('\u{200b}', "'\\u200b'"),
            ('\u{3000}', "'\\u3000'"),
            ('中', "'中'"),
            ('😀', "'😀'"),
            ('\u{e0001}', "'\\U000e0001'"),
            ('\u{10ffff}', "'\\U0010ffff'"),
            ('\u{e000}', "'\\ue000'"),
            ('\u{fffd}', "'\u{fffd}'"),
        ] {
            assert_eq!(found_repr(c), want, "{c:?}");
        }
    }

    #[test]
    fn python_character_classes() {
        assert!(py_isprintable('a') && py_isprintable('~') && py_isprintable(' '));
        assert!(py_isprintable('\u{a1}') && py_isprintable('\u{1f600}'));
        assert!(!py_isprintable('\u{a0}') && !py_isprintable('\u{7f}'));
        assert!(!py_isprintable('\u{378}') && !py_isprintable('\u{10fffd}'));
        assert_eq!(decimal_digit('7'), Some(7));
        assert_eq!(decimal_digit('\u{663}'), Some(3));
        assert_eq!(decimal_digit('\u{1d7ff}'), Some(9));
        assert_eq!(decimal_digit('\u{1d7ce}'), Some(0));
        assert_eq!(decimal_digit('\u{66a}'), None);
        assert_eq!(decimal_digit('a'), None);
        assert_eq!(decimal_digit('\u{b9}'), None, "superscripts are not \\d");
        assert!(py_isspace('\u{1c}') && py_isspace('\u{85}') && !py_isspace('\u{200b}'));
        assert_eq!(
            expand_tabs("a\tb\n\tc\r\t".chars())
                .iter()
                .collect::<String>(),
            "a       b\n        c\r        "
        );
    }

    // ---- property checks with a deterministic generator -----------------------------------

    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items.get(self.below(items.len())).copied().unwrap_or("")
        }
    }

    const PIECES: &[&str] = &[
        "x=",
        "name =",
        "a1= ",
        "1",
        "-3",
        "+4",
        ".5",
        "1.",
        "1e3",
        "1e400",
        "0x1F",
        "0o17",
        "0o8",
        "\"a\"",
        "\"a b\"",
        "\"\\n\"",
        "\"\\q\"",
        "\"a\"\"b\"",
        "\"\"",
        "\"\\ud800\"",
        "\"\\u00e9\"",
        "\"",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "=",
        " ",
        " ",
        "  ",
        "\t",
        "\n",
        "\r",
        "/*c*/",
        "//c\n",
        "/*",
        "*/",
        "true",
        "false",
        "null",
        "truex",
        "abc",
        "a.b",
        "/mnt",
        "@",
        "--",
        "-",
        ">",
        "> f",
        "'",
        "\u{a0}",
        "\u{3000}",
        "\u{200b}",
        "é",
        "\u{663}",
        "\u{212a}",
        "\u{b}",
        "\u{0}",
        "1a",
        "e",
        ".",
        "a,b",
        "1, 2",
        "{\"k\":1}",
        "{\"k\"=2}",
        "[1,2]",
        "\\",
        "$",
        "😀",
        "10G",
        "192.168.0.1",
        "my-key",
        "99999999999999999999999",
    ];

    fn soup(rng: &mut Rng) -> String {
        (0..1 + rng.below(10)).map(|_| rng.pick(PIECES)).collect()
    }

    fn mangle(rng: &mut Rng, text: &str) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(chars.len() + 1);
            match rng.below(3) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                _ => {
                    let piece: Vec<char> = rng.pick(PIECES).chars().collect();
                    chars.splice(at..at, piece);
                }
            }
        }
        chars.into_iter().collect()
    }

    fn random_json(rng: &mut Rng, depth: usize) -> Value {
        match rng.below(if depth > 3 { 6 } else { 8 }) {
            0 => Value::Null,
            1 => Value::Bool(rng.below(2) == 1),
            2 => json!(rng.next() as i64 >> rng.below(64)),
            3 => {
                let x = f64::from_bits(rng.next());
                crate::py::float_value(x).unwrap_or(json!(0.5))
            }
            4 | 5 => {
                let pool = [
                    "a", "é", "\"", "\\", "\n", "\t", "\u{1}", "😀", " ", "/*", ",", "'", "\u{7f}",
                ];
                Value::String((0..rng.below(6)).map(|_| rng.pick(&pool)).collect())
            }
            6 => Value::Array(
                (0..rng.below(4))
                    .map(|_| random_json(rng, depth + 1))
                    .collect(),
            ),
            _ => {
                let mut map = Map::new();
                for _ in 0..rng.below(4) {
                    map.insert(format!("k{}", rng.below(5)), random_json(rng, depth + 1));
                }
                Value::Object(map)
            }
        }
    }

    #[test]
    fn json_round_trips() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..3000 {
            let v = random_json(&mut rng, 0);
            let text = v.to_string();
            let want = json!({"a": [v.clone()], "k": {"x": v}}).to_string();
            for ext in [false, true] {
                assert_eq!(
                    show(parse(&format!("{text} x={text}"), ext)),
                    want,
                    "{text}"
                );
            }
            let words = vec![text.clone(), format!("x={text}")];
            assert_eq!(show(parse_argv(&words)), want, "{text}");
        }
    }

    #[test]
    fn never_panics_and_extensions_only_add() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut accepted = 0;
        for round in 0..30_000 {
            let text = match round % 3 {
                0 => soup(&mut rng),
                1 => {
                    let base = soup(&mut rng);
                    mangle(&mut rng, &base)
                }
                _ => {
                    let v = random_json(&mut rng, 0).to_string();
                    mangle(&mut rng, &format!("1 x={v} y={v} -- > f"))
                }
            };
            let strict = parse(&text, false);
            let extended = parse(&text, true);
            for result in [&strict, &extended] {
                if let Err(e) = result {
                    let shown = e.to_string();
                    assert!(shown.starts_with(&e.message), "{text:?}");
                    assert!(
                        e.column >= 1 && e.column <= e.line.chars().count(),
                        "{text:?}: {e:?}"
                    );
                }
            }
            match &strict {
                Ok(_) => {
                    accepted += 1;
                    assert_eq!(strict, extended, "{text:?}");
                }
                Err(e) if e.message != EXPECTED_END => assert_eq!(strict, extended, "{text:?}"),
                Err(_) => {}
            }
            let words: Vec<String> = text.split(' ').map(str::to_string).collect();
            let _ = parse_argv(&words).map_err(|e| e.to_string());
        }
        assert!(
            accepted > 1000,
            "the generator should reach accepted inputs ({accepted})"
        );
    }

    #[test]
    fn large_inputs_stay_fast() {
        let many = "x=1 ".repeat(20_000);
        assert_eq!(parse(&many, true).map(|a| a.keywords.len()), Ok(1));
        let list = format!("x={}1", "1,".repeat(20_000));
        assert!(parse(&list, false).is_ok());
        let unclosed = format!("x=[{}", "/*".repeat(20_000));
        assert!(parse(&unclosed, true).is_err());
        let string = format!("x=\"{}", "a".repeat(100_000));
        assert!(parse(&string, true).is_err());
        let words: Vec<String> = (0..10_000).map(|i| format!("k{i}={i}")).collect();
        assert_eq!(parse_argv(&words).map(|a| a.keywords.len()), Ok(10_000));
    }
}
