//! Python's `datetime` arithmetic and ISO 8601 text: proleptic Gregorian civil days
//! (Howard Hinnant's `days_from_civil` / `civil_from_days`), `isoformat()`, and the
//! `fromisoformat()` parsers (CPython's `Modules/_datetimemodule.c`).

use std::fmt::Write as _;

pub(crate) fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = year - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((i64::from(month) + 9) % 12) + 2) / 5 + i64::from(day) - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// At least four digits, astronomical numbering with a `-` sign before year 0 (Python
/// itself stops at years 1–9999).
pub(crate) fn fmt_year(year: i64) -> String {
    if year < 0 {
        format!("-{:04}", year.unsigned_abs())
    } else {
        format!("{year:04}")
    }
}

/// `datetime.isoformat()` of an aware UTC datetime given in microseconds since the epoch.
pub(crate) fn iso_from_micros(micros: i128) -> String {
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    // |secs| <= 9.3e15 for any i64 millisecond count, so the day count fits an i64.
    let days = i64::try_from(secs.div_euclid(86_400)).unwrap_or(0);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut out = format!(
        "{}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        fmt_year(y),
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    );
    if frac != 0 {
        let _ = write!(out, ".{frac:06}");
    }
    out.push_str("+00:00");
    out
}

/// `date(*[int(i) for i in text.split('-')])`, as the ejson decoder builds dates.
pub(crate) fn parse_iso_date(text: &str) -> Option<(i64, u32, u32)> {
    let mut parts = text.split('-');
    let y = super::int::plain_int(parts.next()?)?;
    let m = u32::try_from(super::int::plain_int(parts.next()?)?).ok()?;
    let d = u32::try_from(super::int::plain_int(parts.next()?)?).ok()?;
    if parts.next().is_some() || !(1..=9999).contains(&y) || !(1..=12).contains(&m) {
        return None;
    }
    (1..=days_in_month(y, m)).contains(&d).then_some((y, m, d))
}

/// A clock time as `fromisoformat` reads it.
struct Clock {
    hms: [u32; 3],
    micros: u32,
    /// How many of hours, minutes, seconds were written.
    fields: usize,
    has_fraction: bool,
}

/// `HH[:MM[:SS[.f]]]` (or the same without colons).
fn clock(text: &str) -> Option<Clock> {
    let (clock, fraction) = match text.find(['.', ',']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let two = |s: &str| -> Option<u32> {
        (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let fields: Vec<&str> = if clock.contains(':') {
        clock.split(':').collect()
    } else if clock.is_ascii() && clock.len() % 2 == 0 {
        (0..clock.len())
            .step_by(2)
            .map(|i| &clock[i..i + 2])
            .collect()
    } else {
        return None;
    };
    if fields.is_empty() || fields.len() > 3 {
        return None;
    }
    let mut hms = [0u32; 3];
    for (slot, field) in hms.iter_mut().zip(&fields) {
        *slot = two(field)?;
    }
    let micros = match fraction {
        None => 0,
        Some(f) => {
            // Python reads the first six digits and ignores further ones.
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let six: String = f.chars().chain(std::iter::repeat('0')).take(6).collect();
            six.parse().ok()?
        }
    };
    (hms[0] < 24 && hms[1] < 60 && hms[2] < 60).then_some(Clock {
        hms,
        micros,
        fields: fields.len(),
        has_fraction: fraction.is_some(),
    })
}

/// `HH[:MM[:SS[.f]]]` (or the same without colons) to (h, m, s, µs); `None` if malformed.
pub(crate) fn parse_hms(text: &str) -> Option<(u32, u32, u32, u32)> {
    let Clock {
        hms: [h, m, s],
        micros,
        ..
    } = clock(text)?;
    Some((h, m, s, micros))
}

/// `time.fromisoformat(text).isoformat()`, or `None` where Python raises.
pub(crate) fn parse_iso_time(text: &str) -> Option<String> {
    let text = text.strip_prefix('T').unwrap_or(text);
    let (clock, zone) = match text.find(['+', '-', 'Z']) {
        Some(i) => (&text[..i], Some(&text[i..])),
        None => (text, None),
    };
    let (h, m, s, us) = parse_hms(clock)?;
    let mut out = format!("{h:02}:{m:02}:{s:02}");
    if us != 0 {
        let _ = write!(out, ".{us:06}");
    }
    match zone {
        None => {}
        Some("Z") => out.push_str("+00:00"),
        Some(z) => {
            let negative = z.starts_with('-');
            let offset = z.strip_prefix(['+', '-'])?;
            let (oh, om, os, ous) = parse_hms(offset)?;
            let zero = (oh, om, os, ous) == (0, 0, 0, 0);
            out.push(if negative && !zero { '-' } else { '+' });
            let _ = write!(out, "{oh:02}:{om:02}");
            if os != 0 || ous != 0 {
                let _ = write!(out, ":{os:02}");
            }
            if ous != 0 {
                let _ = write!(out, ".{ous:06}");
            }
        }
    }
    Some(out)
}

/// `datetime.fromisoformat` (3.11+) for calendar dates, to microseconds since the epoch,
/// as the middleware's filters read `.$date` timestamps. ISO week dates are not supported,
/// a fraction needs the seconds before it, and a naive value is taken as UTC.
pub(crate) fn datetime_from_iso(s: &str) -> Option<i128> {
    let bytes = s.as_bytes();
    let (date, rest) = if bytes.get(4) == Some(&b'-') {
        if bytes.get(7) != Some(&b'-') {
            return None;
        }
        ([s.get(0..4)?, s.get(5..7)?, s.get(8..10)?], s.get(10..)?)
    } else {
        ([s.get(0..4)?, s.get(4..6)?, s.get(6..8)?], s.get(8..)?)
    };
    let [y, m, d] = [digits(date[0])?, digits(date[1])?, digits(date[2])?];
    let y = i64::from(y);
    if y == 0 || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let mut micros = i128::from(days_from_civil(y, m, d)) * 86_400_000_000;
    let mut chars = rest.chars();
    // Any single character may separate the date from the time.
    if chars.next().is_some() {
        let clock_text = chars.as_str();
        let (time, tz) =
            clock_text.split_at(clock_text.find(['Z', '+', '-']).unwrap_or(clock_text.len()));
        micros += clock_micros(time)?;
        if let Some(offset) = tz.strip_prefix('+') {
            micros -= clock_micros(offset)?;
        } else if let Some(offset) = tz.strip_prefix('-') {
            micros += clock_micros(offset)?;
        } else if !tz.is_empty() && tz != "Z" {
            return None;
        }
    }
    Some(micros)
}

/// A clock time (below 24 h) as microseconds, a fraction only after the seconds.
fn clock_micros(text: &str) -> Option<i128> {
    let parsed = clock(text)?;
    if parsed.has_fraction && parsed.fields != 3 {
        return None;
    }
    let [h, m, s] = parsed.hms.map(i128::from);
    Some(((h * 60 + m) * 60 + s) * 1_000_000 + i128::from(parsed.micros))
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.get(..s.len().min(9))?.parse().ok()
}
