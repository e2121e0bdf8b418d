//! Python's `repr(float)`: the spelling the TrueNAS tools print and send for floats.

use serde_json::{Number, Value};

/// `repr(x)` for a Python float: shortest round-trip digits, fixed notation with at
/// least one decimal for 1e-4 <= |x| < 1e16, else `d.ddde+XX`.
pub(crate) fn float_repr(x: f64) -> String {
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
pub(crate) fn float_value(x: f64) -> Option<Value> {
    if !x.is_finite() {
        return None;
    }
    serde_json::from_str::<Number>(&float_repr(x))
        .ok()
        .map(Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    // Each input is spelled digit for digit like the Python repr it is checked against.
    #[allow(clippy::unreadable_literal)]
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
}
