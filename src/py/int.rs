//! Python's `int`: its conversion limit, radix-to-decimal conversion of literals too big
//! for any machine integer, and `int(text)` for plain digit strings.

use std::fmt::Write as _;

/// CPython's default `sys.get_int_max_str_digits()`: longer integers cannot be converted
/// between text and int.
pub(crate) const MAX_INT_DIGITS: usize = 4300;

/// Decimal text of an unsigned integer given as digit values in base 2, 8 or 16, or `None`
/// when it has more than [`MAX_INT_DIGITS`] decimal digits (Python could not print it).
pub(crate) fn radix_to_decimal(digits: &[u32], radix: u32) -> Option<String> {
    const BASE: u64 = 1_000_000_000;
    let digits = match digits.iter().position(|&d| d != 0) {
        Some(first) => digits.get(first..)?,
        None => return Some("0".to_string()),
    };
    let bits_per_digit = radix.trailing_zeros() as usize;
    // 10^4300 needs 14285 bits; anything clearly longer is too big without converting.
    if digits.len().saturating_sub(1) * bits_per_digit > 14_300 {
        return None;
    }
    // Little-endian limbs of nine decimal digits.
    let mut limbs: Vec<u64> = Vec::new();
    for &d in digits {
        let mut carry = u64::from(d);
        for limb in &mut limbs {
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
            let _ = write!(text, "{limb:09}");
        }
    }
    (text.len() <= MAX_INT_DIGITS).then_some(text)
}

/// Python's `int(text)` for the plain non-negative cases: surrounding whitespace, an
/// optional `+`, ASCII digits with single underscores between them.
pub(crate) fn plain_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.is_empty() || t.starts_with('_') || t.ends_with('_') || t.contains("__") {
        return None;
    }
    let digits: String = t.chars().filter(|c| *c != '_').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}
