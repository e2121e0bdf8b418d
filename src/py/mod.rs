//! Python's spelling of values, where output must match what the TrueNAS tools print or
//! send (their numbers go through Python's `repr(float)`).

pub mod json;

use serde_json::{Number, Value};

/// `repr(x)` for a Python float: shortest round-trip digits, fixed notation with at
/// least one decimal for 1e-4 <= |x| < 1e16, else `d.ddde+XX`.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits, e.g. "1.5e20", "-1e-5".
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        let body = if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                format!("{}{}.0", digits, "0".repeat(int_len - digits.len()))
            } else {
                format!("{}.{}", &digits[..int_len], &digits[int_len..])
            }
        } else {
            format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{frac}e{esign}{:02}", exp.abs())
    }
}

/// A JSON number carrying Python's spelling of the float (the crate keeps number text
/// verbatim), or `None` for infinities and NaN, which JSON cannot carry.
pub fn float_value(x: f64) -> Option<Value> {
    if !x.is_finite() {
        return None;
    }
    serde_json::from_str::<Number>(&float_repr(x))
        .ok()
        .map(Value::Number)
}

/// Python's `str.expandtabs()`: tab stops every 8 columns, columns restart after `\n`
/// and `\r` (midcli's parser and prettytable both expand tabs this way).
pub fn expand_tabs(text: &str) -> String {
    if !text.contains('\t') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut column = 0usize;
    for c in text.chars() {
        if c == '\t' {
            let n = 8 - column % 8;
            out.extend(std::iter::repeat_n(' ', n));
            column += n;
        } else {
            out.push(c);
            column = if c == '\n' || c == '\r' {
                0
            } else {
                column + 1
            };
        }
    }
    out
}

/// Python's `repr` of a str (single quotes unless the text has one and no double quote).
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            // Python escapes C0 controls, DEL and the C1/NBSP range as \xNN.
            c if (c as u32) < 0x20 || (0x7f..=0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_python() {
        for (x, want) in [
            (1000.0, "1000.0"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (9999999999999998.0, "9999999999999998.0"),
            (-2.5, "-2.5"),
            (0.5, "0.5"),
            (1e22, "1e+22"),
            (12.0, "12.0"),
        ] {
            assert_eq!(float_repr(x), want, "{x}");
        }
        assert_eq!(float_value(1e3).unwrap().to_string(), "1000.0");
        assert!(float_value(f64::INFINITY).is_none());
    }

    #[test]
    fn strings_like_python() {
        assert_eq!(str_repr("oo"), "'oo'");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a\nb"), "'a\\nb'");
        assert_eq!(str_repr("\u{7f}\u{a0}é"), "'\\x7f\\xa0é'");
    }
}
