//! Extended JSON as the Python middleware client decodes it (`{"$date": ms}` is a datetime,
//! `{"$set": [...]}` a set, ...), Python's type names and number spelling for the decoded
//! values, and `ejson.dumps`, which encodes them back.

use serde_json::{Map, Number, Value};
use std::fmt::Write as _;

use crate::py::datetime::{fmt_year, parse_iso_date, parse_iso_time};
use crate::py::{float_repr, json};

/// A special object the Python client turns into a non-dict value.
pub(super) enum Ejson<'a> {
    /// Microseconds since the epoch, UTC.
    DateTime(i128),
    Date(i64, u32, u32),
    /// Already in Python's `time.isoformat()` spelling.
    Time(String),
    Set(&'a [Value]),
    Ipv4(&'a str),
    Ipv6(&'a str),
}

// datetime.min and datetime.max in microseconds: the decoder fails outside them.
const MIN_MICROS: i128 = -62_135_596_800 * 1_000_000;
const MAX_MICROS: i128 = 253_402_300_799 * 1_000_000 + 999_999;

pub(super) fn decode(map: &Map<String, Value>) -> Option<Ejson<'_>> {
    match map.len() {
        1 => {
            let (key, v) = map.iter().next()?;
            match key.as_str() {
                "$date" => date_micros(v).map(Ejson::DateTime),
                "$time" => v.as_str().and_then(parse_iso_time).map(Ejson::Time),
                "$set" => match v {
                    Value::Array(items) if items.iter().all(is_hashable) => Some(Ejson::Set(items)),
                    _ => None,
                },
                "$ipv4_interface" => v.as_str().map(Ejson::Ipv4),
                "$ipv6_interface" => v.as_str().map(Ejson::Ipv6),
                _ => None,
            }
        }
        2 => {
            if map.get("$type")?.as_str()? != "date" {
                return None;
            }
            let (y, m, d) = parse_iso_date(map.get("$value")?.as_str()?)?;
            Some(Ejson::Date(y, m, d))
        }
        _ => None,
    }
}

/// Whether Python could put the decoded value in a set (lists, dicts and sets cannot).
fn is_hashable(v: &Value) -> bool {
    match v {
        Value::Array(_) => false,
        Value::Object(m) => !matches!(decode(m), None | Some(Ejson::Set(_))),
        _ => true,
    }
}

pub(super) fn number_is_float(text: &str) -> bool {
    text.contains(['.', 'e', 'E'])
}

/// `$date` milliseconds to microseconds, mirroring the decoder's floor division and
/// `timedelta(milliseconds=…)` rounding for non-integer values.
fn date_micros(v: &Value) -> Option<i128> {
    let Value::Number(n) = v else { return None };
    let text = n.to_string();
    let micros = if number_is_float(&text) {
        let f: f64 = text.parse().ok()?;
        if !f.is_finite() || f.abs() > 1e18 {
            return None;
        }
        let rem = f.rem_euclid(1000.0);
        let secs = ((f - rem) / 1000.0).round();
        // Both casts are exact: |secs| < 1e15 and 0 <= rem * 1000 <= 1e6.
        secs as i128 * 1_000_000 + (rem * 1000.0).round_ties_even() as i128
    } else {
        i128::from(text.parse::<i64>().ok()?) * 1000
    };
    (MIN_MICROS..=MAX_MICROS)
        .contains(&micros)
        .then_some(micros)
}

/// Python's `type(x).__name__` of the decoded value.
pub(super) fn py_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if number_is_float(&n.to_string()) => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(m) => match decode(m) {
            Some(Ejson::DateTime(_)) => "datetime",
            Some(Ejson::Date(..)) => "date",
            Some(Ejson::Time(_)) => "time",
            Some(Ejson::Set(_)) => "set",
            Some(Ejson::Ipv4(_)) => "IPv4Interface",
            Some(Ejson::Ipv6(_)) => "IPv6Interface",
            None => "dict",
        },
    }
}

/// `json.dumps` of a number the way Python parsed it: integers exactly, anything with a
/// fraction or exponent as a float (`repr`, or `Infinity` when it overflowed).
pub(super) fn py_number_text(n: &Number) -> String {
    let text = n.to_string();
    if number_is_float(&text) {
        return match text.parse::<f64>() {
            Ok(x) if x.is_infinite() && x > 0.0 => "Infinity".to_string(),
            Ok(x) if x.is_infinite() => "-Infinity".to_string(),
            Ok(x) => float_repr(x),
            Err(_) => text,
        };
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text.as_str()),
    };
    let digits = digits.trim_start_matches('0');
    match (negative, digits.is_empty()) {
        (_, true) => "0".to_string(),
        (true, false) => format!("-{digits}"),
        (false, false) => digits.to_string(),
    }
}

/// `ejson.dumps(v)`: `", "`/`": "` separators, ASCII only, decoded values re-encoded
/// (a datetime loses its sub-second part, as the encoder drops it).
pub(super) fn py_json(v: &Value, out: &mut String) {
    json::write_value(v, &EjsonEncoder, out);
}

/// The Python client's `ejson` encoder over values its decoder produced.
struct EjsonEncoder;

impl json::Encoder for EjsonEncoder {
    fn number(&self, n: &Number, out: &mut String) {
        out.push_str(&py_number_text(n));
    }

    fn special_object(&self, m: &Map<String, Value>, out: &mut String) -> bool {
        let Some(decoded) = decode(m) else {
            return false;
        };
        match decoded {
            Ejson::DateTime(us) => {
                let ms = us.div_euclid(1_000_000) * 1000;
                let _ = write!(out, "{{\"$date\": {ms}}}");
            }
            Ejson::Date(y, mo, d) => {
                let _ = write!(
                    out,
                    "{{\"$type\": \"date\", \"$value\": \"{}-{mo:02}-{d:02}\"}}",
                    fmt_year(y)
                );
            }
            Ejson::Time(t) => {
                out.push_str("{\"$time\": ");
                json::json_str(&t, out);
                out.push('}');
            }
            Ejson::Set(items) => {
                out.push_str("{\"$set\": ");
                json::write_list(&dedup_set(items), self, out);
                out.push('}');
            }
            Ejson::Ipv4(addr) => {
                out.push_str("{\"$ipv4_interface\": ");
                json::json_str(addr, out);
                out.push('}');
            }
            Ejson::Ipv6(addr) => {
                out.push_str("{\"$ipv6_interface\": ");
                json::json_str(addr, out);
                out.push('}');
            }
        }
        true
    }
}

/// A set's members without the duplicates Python's set would have merged (`1`, `1.0`
/// and `true` are one member), first occurrence kept.
pub(super) fn dedup_set(items: &[Value]) -> Vec<&Value> {
    let mut seen = std::collections::HashSet::new();
    items
        .iter()
        .filter(|item| seen.insert(set_key(item)))
        .collect()
}

fn set_key(v: &Value) -> String {
    match v {
        Value::Bool(b) => format!("n{}", u8::from(*b)),
        Value::Number(n) => {
            let text = py_number_text(n);
            match text.parse::<f64>() {
                // Adding 0.0 turns -0.0 into 0.0, which Python also counts equal to 0.
                Ok(x) if number_is_float(&n.to_string()) && x.is_finite() && x.fract() == 0.0 => {
                    format!("n{:.0}", x + 0.0)
                }
                _ => format!("n{text}"),
            }
        }
        Value::String(s) => format!("s{s}"),
        other => {
            let mut out = String::from("o");
            py_json(other, &mut out);
            out
        }
    }
}
