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
            Some(c) => write!(
                f,
                "{}, found {}\n {}\n{}^",
                self.message,
                found_repr(c),
                self.line.trim_end_matches(py_isspace),
                " ".repeat(self.column)
            ),
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
    let src = expand_tabs(text.chars().chain(std::iter::once(' ')));
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
/// Python refuses to convert integers longer than this between text and int.
const MAX_INT_DIGITS: usize = 4300;

/// A failure midcli does not report as a parse error (it crashes), so no alternative may be
/// tried after it.
#[derive(Debug)]
struct Hard {
    at: usize,
    message: &'static str,
}

fn error_at(src: &[char], at: usize, message: &str, appended_space: bool) -> ParseError {
    let before = src.get(..at).unwrap_or(src);
    let start = before.iter().rposition(|&c| c == '\n').map_or(0, |i| i + 1);
    let rest = src.get(start..).unwrap_or_default();
    let mut end = start + rest.iter().position(|&c| c == '\n').unwrap_or(rest.len());
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

fn expand_tabs(chars: impl Iterator<Item = char>) -> Vec<char> {
    crate::py::expand_tabs(&chars.collect::<String>())
        .chars()
        .collect()
}

/// `repr()` of one character, with midcli's `\\` → `\` touch-up.
fn found_repr(c: char) -> String {
    let code = c as u32;
    let body = match c {
        '\\' => "\\".to_string(),
        '\'' => return "\"'\"".to_string(),
        '\t' => "\\t".to_string(),
        '\n' => "\\n".to_string(),
        '\r' => "\\r".to_string(),
        _ if code < 0x20 || code == 0x7f => format!("\\x{code:02x}"),
        _ if py_isprintable(c) => c.to_string(),
        _ if code <= 0xff => format!("\\x{code:02x}"),
        _ if code <= 0xffff => format!("\\u{code:04x}"),
        _ => format!("\\U{code:08x}"),
    };
    format!("'{body}'")
}

/// Python's `str.isspace()`.
fn py_isspace(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..='\u{20}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Python's `str.isprintable()` (Unicode 14, as in Python 3.11).
fn py_isprintable(c: char) -> bool {
    let code = c as u32;
    if code < 0xa0 {
        return (0x20..0x7f).contains(&code);
    }
    // Inside a printable range exactly when an odd number of bounds are <= code.
    PRINTABLE_BOUNDS.partition_point(|&b| b <= code) % 2 == 1
}

/// Value of a character Python's `\d` accepts (any Unicode decimal digit; `int()` and
/// `float()` accept them too).
fn decimal_digit(c: char) -> Option<u32> {
    if let Some(d) = c.to_digit(10) {
        return Some(d);
    }
    let code = c as u32;
    let below = DIGIT_ZEROS.partition_point(|&z| z <= code);
    let zero = *DIGIT_ZEROS.get(below.checked_sub(1)?)?;
    (code - zero < 10).then_some(code - zero)
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
            py_isprintable(c)
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

/// Decimal text of an unsigned integer given in base 8 or 16, or `None` when it has more than
/// [`MAX_INT_DIGITS`] decimal digits (Python could not send it).
fn radix_to_decimal(digits: &[u32], radix: u32) -> Option<String> {
    let digits = match digits.iter().position(|&d| d != 0) {
        Some(first) => digits.get(first..)?,
        None => return Some("0".to_string()),
    };
    let bits_per_digit = radix.trailing_zeros() as usize;
    // 10^4300 needs 14285 bits; anything clearly longer is too big without converting.
    if digits.len().saturating_sub(1) * bits_per_digit > 14_300 {
        return None;
    }
    const BASE: u64 = 1_000_000_000;
    // Little-endian limbs of nine decimal digits.
    let mut limbs: Vec<u64> = Vec::new();
    for &d in digits {
        let mut carry = u64::from(d);
        for limb in limbs.iter_mut() {
            let v = *limb * u64::from(radix) + carry;
            *limb = v % BASE;
            carry = v / BASE;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    let mut text = String::new();
    for (k, limb) in limbs.iter().rev().enumerate() {
        if k == 0 {
            text.push_str(&limb.to_string());
        } else {
            text.push_str(&format!("{limb:09}"));
        }
    }
    (text.len() <= MAX_INT_DIGITS).then_some(text)
}

/// Python 3.11's `\d`: the zero of every run of ten Unicode decimal digits beyond ASCII.
const DIGIT_ZEROS: &[u32] = &[
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// Python 3.11's printable characters from U+00A0 up, as [start, end) pairs.
const PRINTABLE_BOUNDS: &[u32] = &[
    0xA1, 0xAD, 0xAE, 0x378, 0x37A, 0x380, 0x384, 0x38B, 0x38C, 0x38D, 0x38E, 0x3A2, 0x3A3, 0x530,
    0x531, 0x557, 0x559, 0x58B, 0x58D, 0x590, 0x591, 0x5C8, 0x5D0, 0x5EB, 0x5EF, 0x5F5, 0x606,
    0x61C, 0x61D, 0x6DD, 0x6DE, 0x70E, 0x710, 0x74B, 0x74D, 0x7B2, 0x7C0, 0x7FB, 0x7FD, 0x82E,
    0x830, 0x83F, 0x840, 0x85C, 0x85E, 0x85F, 0x860, 0x86B, 0x870, 0x88F, 0x898, 0x8E2, 0x8E3,
    0x984, 0x985, 0x98D, 0x98F, 0x991, 0x993, 0x9A9, 0x9AA, 0x9B1, 0x9B2, 0x9B3, 0x9B6, 0x9BA,
    0x9BC, 0x9C5, 0x9C7, 0x9C9, 0x9CB, 0x9CF, 0x9D7, 0x9D8, 0x9DC, 0x9DE, 0x9DF, 0x9E4, 0x9E6,
    0x9FF, 0xA01, 0xA04, 0xA05, 0xA0B, 0xA0F, 0xA11, 0xA13, 0xA29, 0xA2A, 0xA31, 0xA32, 0xA34,
    0xA35, 0xA37, 0xA38, 0xA3A, 0xA3C, 0xA3D, 0xA3E, 0xA43, 0xA47, 0xA49, 0xA4B, 0xA4E, 0xA51,
    0xA52, 0xA59, 0xA5D, 0xA5E, 0xA5F, 0xA66, 0xA77, 0xA81, 0xA84, 0xA85, 0xA8E, 0xA8F, 0xA92,
    0xA93, 0xAA9, 0xAAA, 0xAB1, 0xAB2, 0xAB4, 0xAB5, 0xABA, 0xABC, 0xAC6, 0xAC7, 0xACA, 0xACB,
    0xACE, 0xAD0, 0xAD1, 0xAE0, 0xAE4, 0xAE6, 0xAF2, 0xAF9, 0xB00, 0xB01, 0xB04, 0xB05, 0xB0D,
    0xB0F, 0xB11, 0xB13, 0xB29, 0xB2A, 0xB31, 0xB32, 0xB34, 0xB35, 0xB3A, 0xB3C, 0xB45, 0xB47,
    0xB49, 0xB4B, 0xB4E, 0xB55, 0xB58, 0xB5C, 0xB5E, 0xB5F, 0xB64, 0xB66, 0xB78, 0xB82, 0xB84,
    0xB85, 0xB8B, 0xB8E, 0xB91, 0xB92, 0xB96, 0xB99, 0xB9B, 0xB9C, 0xB9D, 0xB9E, 0xBA0, 0xBA3,
    0xBA5, 0xBA8, 0xBAB, 0xBAE, 0xBBA, 0xBBE, 0xBC3, 0xBC6, 0xBC9, 0xBCA, 0xBCE, 0xBD0, 0xBD1,
    0xBD7, 0xBD8, 0xBE6, 0xBFB, 0xC00, 0xC0D, 0xC0E, 0xC11, 0xC12, 0xC29, 0xC2A, 0xC3A, 0xC3C,
    0xC45, 0xC46, 0xC49, 0xC4A, 0xC4E, 0xC55, 0xC57, 0xC58, 0xC5B, 0xC5D, 0xC5E, 0xC60, 0xC64,
    0xC66, 0xC70, 0xC77, 0xC8D, 0xC8E, 0xC91, 0xC92, 0xCA9, 0xCAA, 0xCB4, 0xCB5, 0xCBA, 0xCBC,
    0xCC5, 0xCC6, 0xCC9, 0xCCA, 0xCCE, 0xCD5, 0xCD7, 0xCDD, 0xCDF, 0xCE0, 0xCE4, 0xCE6, 0xCF0,
    0xCF1, 0xCF3, 0xD00, 0xD0D, 0xD0E, 0xD11, 0xD12, 0xD45, 0xD46, 0xD49, 0xD4A, 0xD50, 0xD54,
    0xD64, 0xD66, 0xD80, 0xD81, 0xD84, 0xD85, 0xD97, 0xD9A, 0xDB2, 0xDB3, 0xDBC, 0xDBD, 0xDBE,
    0xDC0, 0xDC7, 0xDCA, 0xDCB, 0xDCF, 0xDD5, 0xDD6, 0xDD7, 0xDD8, 0xDE0, 0xDE6, 0xDF0, 0xDF2,
    0xDF5, 0xE01, 0xE3B, 0xE3F, 0xE5C, 0xE81, 0xE83, 0xE84, 0xE85, 0xE86, 0xE8B, 0xE8C, 0xEA4,
    0xEA5, 0xEA6, 0xEA7, 0xEBE, 0xEC0, 0xEC5, 0xEC6, 0xEC7, 0xEC8, 0xECE, 0xED0, 0xEDA, 0xEDC,
    0xEE0, 0xF00, 0xF48, 0xF49, 0xF6D, 0xF71, 0xF98, 0xF99, 0xFBD, 0xFBE, 0xFCD, 0xFCE, 0xFDB,
    0x1000, 0x10C6, 0x10C7, 0x10C8, 0x10CD, 0x10CE, 0x10D0, 0x1249, 0x124A, 0x124E, 0x1250, 0x1257,
    0x1258, 0x1259, 0x125A, 0x125E, 0x1260, 0x1289, 0x128A, 0x128E, 0x1290, 0x12B1, 0x12B2, 0x12B6,
    0x12B8, 0x12BF, 0x12C0, 0x12C1, 0x12C2, 0x12C6, 0x12C8, 0x12D7, 0x12D8, 0x1311, 0x1312, 0x1316,
    0x1318, 0x135B, 0x135D, 0x137D, 0x1380, 0x139A, 0x13A0, 0x13F6, 0x13F8, 0x13FE, 0x1400, 0x1680,
    0x1681, 0x169D, 0x16A0, 0x16F9, 0x1700, 0x1716, 0x171F, 0x1737, 0x1740, 0x1754, 0x1760, 0x176D,
    0x176E, 0x1771, 0x1772, 0x1774, 0x1780, 0x17DE, 0x17E0, 0x17EA, 0x17F0, 0x17FA, 0x1800, 0x180E,
    0x180F, 0x181A, 0x1820, 0x1879, 0x1880, 0x18AB, 0x18B0, 0x18F6, 0x1900, 0x191F, 0x1920, 0x192C,
    0x1930, 0x193C, 0x1940, 0x1941, 0x1944, 0x196E, 0x1970, 0x1975, 0x1980, 0x19AC, 0x19B0, 0x19CA,
    0x19D0, 0x19DB, 0x19DE, 0x1A1C, 0x1A1E, 0x1A5F, 0x1A60, 0x1A7D, 0x1A7F, 0x1A8A, 0x1A90, 0x1A9A,
    0x1AA0, 0x1AAE, 0x1AB0, 0x1ACF, 0x1B00, 0x1B4D, 0x1B50, 0x1B7F, 0x1B80, 0x1BF4, 0x1BFC, 0x1C38,
    0x1C3B, 0x1C4A, 0x1C4D, 0x1C89, 0x1C90, 0x1CBB, 0x1CBD, 0x1CC8, 0x1CD0, 0x1CFB, 0x1D00, 0x1F16,
    0x1F18, 0x1F1E, 0x1F20, 0x1F46, 0x1F48, 0x1F4E, 0x1F50, 0x1F58, 0x1F59, 0x1F5A, 0x1F5B, 0x1F5C,
    0x1F5D, 0x1F5E, 0x1F5F, 0x1F7E, 0x1F80, 0x1FB5, 0x1FB6, 0x1FC5, 0x1FC6, 0x1FD4, 0x1FD6, 0x1FDC,
    0x1FDD, 0x1FF0, 0x1FF2, 0x1FF5, 0x1FF6, 0x1FFF, 0x2010, 0x2028, 0x2030, 0x205F, 0x2070, 0x2072,
    0x2074, 0x208F, 0x2090, 0x209D, 0x20A0, 0x20C1, 0x20D0, 0x20F1, 0x2100, 0x218C, 0x2190, 0x2427,
    0x2440, 0x244B, 0x2460, 0x2B74, 0x2B76, 0x2B96, 0x2B97, 0x2CF4, 0x2CF9, 0x2D26, 0x2D27, 0x2D28,
    0x2D2D, 0x2D2E, 0x2D30, 0x2D68, 0x2D6F, 0x2D71, 0x2D7F, 0x2D97, 0x2DA0, 0x2DA7, 0x2DA8, 0x2DAF,
    0x2DB0, 0x2DB7, 0x2DB8, 0x2DBF, 0x2DC0, 0x2DC7, 0x2DC8, 0x2DCF, 0x2DD0, 0x2DD7, 0x2DD8, 0x2DDF,
    0x2DE0, 0x2E5E, 0x2E80, 0x2E9A, 0x2E9B, 0x2EF4, 0x2F00, 0x2FD6, 0x2FF0, 0x2FFC, 0x3001, 0x3040,
    0x3041, 0x3097, 0x3099, 0x3100, 0x3105, 0x3130, 0x3131, 0x318F, 0x3190, 0x31E4, 0x31F0, 0x321F,
    0x3220, 0xA48D, 0xA490, 0xA4C7, 0xA4D0, 0xA62C, 0xA640, 0xA6F8, 0xA700, 0xA7CB, 0xA7D0, 0xA7D2,
    0xA7D3, 0xA7D4, 0xA7D5, 0xA7DA, 0xA7F2, 0xA82D, 0xA830, 0xA83A, 0xA840, 0xA878, 0xA880, 0xA8C6,
    0xA8CE, 0xA8DA, 0xA8E0, 0xA954, 0xA95F, 0xA97D, 0xA980, 0xA9CE, 0xA9CF, 0xA9DA, 0xA9DE, 0xA9FF,
    0xAA00, 0xAA37, 0xAA40, 0xAA4E, 0xAA50, 0xAA5A, 0xAA5C, 0xAAC3, 0xAADB, 0xAAF7, 0xAB01, 0xAB07,
    0xAB09, 0xAB0F, 0xAB11, 0xAB17, 0xAB20, 0xAB27, 0xAB28, 0xAB2F, 0xAB30, 0xAB6C, 0xAB70, 0xABEE,
    0xABF0, 0xABFA, 0xAC00, 0xD7A4, 0xD7B0, 0xD7C7, 0xD7CB, 0xD7FC, 0xF900, 0xFA6E, 0xFA70, 0xFADA,
    0xFB00, 0xFB07, 0xFB13, 0xFB18, 0xFB1D, 0xFB37, 0xFB38, 0xFB3D, 0xFB3E, 0xFB3F, 0xFB40, 0xFB42,
    0xFB43, 0xFB45, 0xFB46, 0xFBC3, 0xFBD3, 0xFD90, 0xFD92, 0xFDC8, 0xFDCF, 0xFDD0, 0xFDF0, 0xFE1A,
    0xFE20, 0xFE53, 0xFE54, 0xFE67, 0xFE68, 0xFE6C, 0xFE70, 0xFE75, 0xFE76, 0xFEFD, 0xFF01, 0xFFBF,
    0xFFC2, 0xFFC8, 0xFFCA, 0xFFD0, 0xFFD2, 0xFFD8, 0xFFDA, 0xFFDD, 0xFFE0, 0xFFE7, 0xFFE8, 0xFFEF,
    0xFFFC, 0xFFFE, 0x10000, 0x1000C, 0x1000D, 0x10027, 0x10028, 0x1003B, 0x1003C, 0x1003E,
    0x1003F, 0x1004E, 0x10050, 0x1005E, 0x10080, 0x100FB, 0x10100, 0x10103, 0x10107, 0x10134,
    0x10137, 0x1018F, 0x10190, 0x1019D, 0x101A0, 0x101A1, 0x101D0, 0x101FE, 0x10280, 0x1029D,
    0x102A0, 0x102D1, 0x102E0, 0x102FC, 0x10300, 0x10324, 0x1032D, 0x1034B, 0x10350, 0x1037B,
    0x10380, 0x1039E, 0x1039F, 0x103C4, 0x103C8, 0x103D6, 0x10400, 0x1049E, 0x104A0, 0x104AA,
    0x104B0, 0x104D4, 0x104D8, 0x104FC, 0x10500, 0x10528, 0x10530, 0x10564, 0x1056F, 0x1057B,
    0x1057C, 0x1058B, 0x1058C, 0x10593, 0x10594, 0x10596, 0x10597, 0x105A2, 0x105A3, 0x105B2,
    0x105B3, 0x105BA, 0x105BB, 0x105BD, 0x10600, 0x10737, 0x10740, 0x10756, 0x10760, 0x10768,
    0x10780, 0x10786, 0x10787, 0x107B1, 0x107B2, 0x107BB, 0x10800, 0x10806, 0x10808, 0x10809,
    0x1080A, 0x10836, 0x10837, 0x10839, 0x1083C, 0x1083D, 0x1083F, 0x10856, 0x10857, 0x1089F,
    0x108A7, 0x108B0, 0x108E0, 0x108F3, 0x108F4, 0x108F6, 0x108FB, 0x1091C, 0x1091F, 0x1093A,
    0x1093F, 0x10940, 0x10980, 0x109B8, 0x109BC, 0x109D0, 0x109D2, 0x10A04, 0x10A05, 0x10A07,
    0x10A0C, 0x10A14, 0x10A15, 0x10A18, 0x10A19, 0x10A36, 0x10A38, 0x10A3B, 0x10A3F, 0x10A49,
    0x10A50, 0x10A59, 0x10A60, 0x10AA0, 0x10AC0, 0x10AE7, 0x10AEB, 0x10AF7, 0x10B00, 0x10B36,
    0x10B39, 0x10B56, 0x10B58, 0x10B73, 0x10B78, 0x10B92, 0x10B99, 0x10B9D, 0x10BA9, 0x10BB0,
    0x10C00, 0x10C49, 0x10C80, 0x10CB3, 0x10CC0, 0x10CF3, 0x10CFA, 0x10D28, 0x10D30, 0x10D3A,
    0x10E60, 0x10E7F, 0x10E80, 0x10EAA, 0x10EAB, 0x10EAE, 0x10EB0, 0x10EB2, 0x10F00, 0x10F28,
    0x10F30, 0x10F5A, 0x10F70, 0x10F8A, 0x10FB0, 0x10FCC, 0x10FE0, 0x10FF7, 0x11000, 0x1104E,
    0x11052, 0x11076, 0x1107F, 0x110BD, 0x110BE, 0x110C3, 0x110D0, 0x110E9, 0x110F0, 0x110FA,
    0x11100, 0x11135, 0x11136, 0x11148, 0x11150, 0x11177, 0x11180, 0x111E0, 0x111E1, 0x111F5,
    0x11200, 0x11212, 0x11213, 0x1123F, 0x11280, 0x11287, 0x11288, 0x11289, 0x1128A, 0x1128E,
    0x1128F, 0x1129E, 0x1129F, 0x112AA, 0x112B0, 0x112EB, 0x112F0, 0x112FA, 0x11300, 0x11304,
    0x11305, 0x1130D, 0x1130F, 0x11311, 0x11313, 0x11329, 0x1132A, 0x11331, 0x11332, 0x11334,
    0x11335, 0x1133A, 0x1133B, 0x11345, 0x11347, 0x11349, 0x1134B, 0x1134E, 0x11350, 0x11351,
    0x11357, 0x11358, 0x1135D, 0x11364, 0x11366, 0x1136D, 0x11370, 0x11375, 0x11400, 0x1145C,
    0x1145D, 0x11462, 0x11480, 0x114C8, 0x114D0, 0x114DA, 0x11580, 0x115B6, 0x115B8, 0x115DE,
    0x11600, 0x11645, 0x11650, 0x1165A, 0x11660, 0x1166D, 0x11680, 0x116BA, 0x116C0, 0x116CA,
    0x11700, 0x1171B, 0x1171D, 0x1172C, 0x11730, 0x11747, 0x11800, 0x1183C, 0x118A0, 0x118F3,
    0x118FF, 0x11907, 0x11909, 0x1190A, 0x1190C, 0x11914, 0x11915, 0x11917, 0x11918, 0x11936,
    0x11937, 0x11939, 0x1193B, 0x11947, 0x11950, 0x1195A, 0x119A0, 0x119A8, 0x119AA, 0x119D8,
    0x119DA, 0x119E5, 0x11A00, 0x11A48, 0x11A50, 0x11AA3, 0x11AB0, 0x11AF9, 0x11C00, 0x11C09,
    0x11C0A, 0x11C37, 0x11C38, 0x11C46, 0x11C50, 0x11C6D, 0x11C70, 0x11C90, 0x11C92, 0x11CA8,
    0x11CA9, 0x11CB7, 0x11D00, 0x11D07, 0x11D08, 0x11D0A, 0x11D0B, 0x11D37, 0x11D3A, 0x11D3B,
    0x11D3C, 0x11D3E, 0x11D3F, 0x11D48, 0x11D50, 0x11D5A, 0x11D60, 0x11D66, 0x11D67, 0x11D69,
    0x11D6A, 0x11D8F, 0x11D90, 0x11D92, 0x11D93, 0x11D99, 0x11DA0, 0x11DAA, 0x11EE0, 0x11EF9,
    0x11FB0, 0x11FB1, 0x11FC0, 0x11FF2, 0x11FFF, 0x1239A, 0x12400, 0x1246F, 0x12470, 0x12475,
    0x12480, 0x12544, 0x12F90, 0x12FF3, 0x13000, 0x1342F, 0x14400, 0x14647, 0x16800, 0x16A39,
    0x16A40, 0x16A5F, 0x16A60, 0x16A6A, 0x16A6E, 0x16ABF, 0x16AC0, 0x16ACA, 0x16AD0, 0x16AEE,
    0x16AF0, 0x16AF6, 0x16B00, 0x16B46, 0x16B50, 0x16B5A, 0x16B5B, 0x16B62, 0x16B63, 0x16B78,
    0x16B7D, 0x16B90, 0x16E40, 0x16E9B, 0x16F00, 0x16F4B, 0x16F4F, 0x16F88, 0x16F8F, 0x16FA0,
    0x16FE0, 0x16FE5, 0x16FF0, 0x16FF2, 0x17000, 0x187F8, 0x18800, 0x18CD6, 0x18D00, 0x18D09,
    0x1AFF0, 0x1AFF4, 0x1AFF5, 0x1AFFC, 0x1AFFD, 0x1AFFF, 0x1B000, 0x1B123, 0x1B150, 0x1B153,
    0x1B164, 0x1B168, 0x1B170, 0x1B2FC, 0x1BC00, 0x1BC6B, 0x1BC70, 0x1BC7D, 0x1BC80, 0x1BC89,
    0x1BC90, 0x1BC9A, 0x1BC9C, 0x1BCA0, 0x1CF00, 0x1CF2E, 0x1CF30, 0x1CF47, 0x1CF50, 0x1CFC4,
    0x1D000, 0x1D0F6, 0x1D100, 0x1D127, 0x1D129, 0x1D173, 0x1D17B, 0x1D1EB, 0x1D200, 0x1D246,
    0x1D2E0, 0x1D2F4, 0x1D300, 0x1D357, 0x1D360, 0x1D379, 0x1D400, 0x1D455, 0x1D456, 0x1D49D,
    0x1D49E, 0x1D4A0, 0x1D4A2, 0x1D4A3, 0x1D4A5, 0x1D4A7, 0x1D4A9, 0x1D4AD, 0x1D4AE, 0x1D4BA,
    0x1D4BB, 0x1D4BC, 0x1D4BD, 0x1D4C4, 0x1D4C5, 0x1D506, 0x1D507, 0x1D50B, 0x1D50D, 0x1D515,
    0x1D516, 0x1D51D, 0x1D51E, 0x1D53A, 0x1D53B, 0x1D53F, 0x1D540, 0x1D545, 0x1D546, 0x1D547,
    0x1D54A, 0x1D551, 0x1D552, 0x1D6A6, 0x1D6A8, 0x1D7CC, 0x1D7CE, 0x1DA8C, 0x1DA9B, 0x1DAA0,
    0x1DAA1, 0x1DAB0, 0x1DF00, 0x1DF1F, 0x1E000, 0x1E007, 0x1E008, 0x1E019, 0x1E01B, 0x1E022,
    0x1E023, 0x1E025, 0x1E026, 0x1E02B, 0x1E100, 0x1E12D, 0x1E130, 0x1E13E, 0x1E140, 0x1E14A,
    0x1E14E, 0x1E150, 0x1E290, 0x1E2AF, 0x1E2C0, 0x1E2FA, 0x1E2FF, 0x1E300, 0x1E7E0, 0x1E7E7,
    0x1E7E8, 0x1E7EC, 0x1E7ED, 0x1E7EF, 0x1E7F0, 0x1E7FF, 0x1E800, 0x1E8C5, 0x1E8C7, 0x1E8D7,
    0x1E900, 0x1E94C, 0x1E950, 0x1E95A, 0x1E95E, 0x1E960, 0x1EC71, 0x1ECB5, 0x1ED01, 0x1ED3E,
    0x1EE00, 0x1EE04, 0x1EE05, 0x1EE20, 0x1EE21, 0x1EE23, 0x1EE24, 0x1EE25, 0x1EE27, 0x1EE28,
    0x1EE29, 0x1EE33, 0x1EE34, 0x1EE38, 0x1EE39, 0x1EE3A, 0x1EE3B, 0x1EE3C, 0x1EE42, 0x1EE43,
    0x1EE47, 0x1EE48, 0x1EE49, 0x1EE4A, 0x1EE4B, 0x1EE4C, 0x1EE4D, 0x1EE50, 0x1EE51, 0x1EE53,
    0x1EE54, 0x1EE55, 0x1EE57, 0x1EE58, 0x1EE59, 0x1EE5A, 0x1EE5B, 0x1EE5C, 0x1EE5D, 0x1EE5E,
    0x1EE5F, 0x1EE60, 0x1EE61, 0x1EE63, 0x1EE64, 0x1EE65, 0x1EE67, 0x1EE6B, 0x1EE6C, 0x1EE73,
    0x1EE74, 0x1EE78, 0x1EE79, 0x1EE7D, 0x1EE7E, 0x1EE7F, 0x1EE80, 0x1EE8A, 0x1EE8B, 0x1EE9C,
    0x1EEA1, 0x1EEA4, 0x1EEA5, 0x1EEAA, 0x1EEAB, 0x1EEBC, 0x1EEF0, 0x1EEF2, 0x1F000, 0x1F02C,
    0x1F030, 0x1F094, 0x1F0A0, 0x1F0AF, 0x1F0B1, 0x1F0C0, 0x1F0C1, 0x1F0D0, 0x1F0D1, 0x1F0F6,
    0x1F100, 0x1F1AE, 0x1F1E6, 0x1F203, 0x1F210, 0x1F23C, 0x1F240, 0x1F249, 0x1F250, 0x1F252,
    0x1F260, 0x1F266, 0x1F300, 0x1F6D8, 0x1F6DD, 0x1F6ED, 0x1F6F0, 0x1F6FD, 0x1F700, 0x1F774,
    0x1F780, 0x1F7D9, 0x1F7E0, 0x1F7EC, 0x1F7F0, 0x1F7F1, 0x1F800, 0x1F80C, 0x1F810, 0x1F848,
    0x1F850, 0x1F85A, 0x1F860, 0x1F888, 0x1F890, 0x1F8AE, 0x1F8B0, 0x1F8B2, 0x1F900, 0x1FA54,
    0x1FA60, 0x1FA6E, 0x1FA70, 0x1FA75, 0x1FA78, 0x1FA7D, 0x1FA80, 0x1FA87, 0x1FA90, 0x1FAAD,
    0x1FAB0, 0x1FABB, 0x1FAC0, 0x1FAC6, 0x1FAD0, 0x1FADA, 0x1FAE0, 0x1FAE8, 0x1FAF0, 0x1FAF7,
    0x1FB00, 0x1FB93, 0x1FB94, 0x1FBCB, 0x1FBF0, 0x1FBFA, 0x20000, 0x2A6E0, 0x2A700, 0x2B739,
    0x2B740, 0x2B81E, 0x2B820, 0x2CEA2, 0x2CEB0, 0x2EBE1, 0x2F800, 0x2FA1E, 0x30000, 0x3134B,
    0xE0100, 0xE01F0,
];

#[cfg(test)]
mod tests {
    use super::*;
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
