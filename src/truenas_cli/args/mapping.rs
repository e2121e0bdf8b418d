//! midcli's mapping of parsed arguments onto a method's call parameters (by position and
//! name, splicing keywords into an object parameter, or the `update` form).

use super::ParsedArgs;
use serde_json::{Map, Value};

/// How the command maps arguments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mode {
    /// All keywords become one object parameter at this index (crud create/update, config update).
    Splice(usize),
    /// Positionals fill parameters in order; keywords name parameters.
    PositionalKeyword,
    /// crud `update`: the key may be given as a keyword; the key alone opens the editor.
    Update,
}

/// The outcome of [`map_params`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Mapped {
    /// The call parameters.
    Params(Vec<Value>),
    /// midcli would open the editor on the object with this key.
    Editor(Value),
}

/// Map parsed arguments onto call parameters. `accepts` is the method's `accepts` list from
/// `core.get_methods`. Returns the params array, or midcli's error text ("Too few positional
/// arguments (1 required, 0 given)", ...). Also applies single value → list wrapping. For
/// `Mode::Update`, returns `Mapped::Editor(key)` when only the key was given.
pub(crate) fn map_params(
    args: &ParsedArgs,
    accepts: &[Value],
    mode: Mode,
) -> Result<Mapped, String> {
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

pub(super) fn splice(
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

pub(super) fn by_position_and_name(
    args: &ParsedArgs,
    accepts: &[Value],
) -> Result<Vec<Value>, String> {
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

pub(super) fn param_name(schema: &Value) -> Option<&str> {
    schema.get("_name_").and_then(Value::as_str)
}

pub(super) fn param_display(schema: &Value) -> String {
    match schema.get("_name_") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// `interface.create aliases="192.168.0.1"` should send a list: only a literal
/// `type: "array"` triggers it (midcli ignores `anyOf`), and lists are not descended into.
pub(super) fn single_value_to_list(value: Value, schema: &Value) -> Value {
    match (schema.get("type").and_then(Value::as_str), value) {
        (Some("array"), v) if !v.is_null() && !v.is_array() => Value::Array(vec![v]),
        (Some("object"), Value::Object(mut obj)) => {
            if let Some(Value::Object(props)) = schema.get("properties") {
                for (k, v) in &mut obj {
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
