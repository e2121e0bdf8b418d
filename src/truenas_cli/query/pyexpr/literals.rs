//! The values of Python str and bytes literals (escape sequences, with the messages of
//! Python's `unicodeescape` codec).

fn hex_escape(body: &[char], k: usize, len: usize) -> Option<u32> {
    let digits = body.get(k..k + len)?;
    digits
        .iter()
        .try_fold(0u32, |acc, c| Some(acc * 16 + c.to_digit(16)?))
}

fn unicode_error(start: usize, end: usize, what: &str) -> String {
    format!(
        "(unicode error) 'unicodeescape' codec can't decode bytes in position {start}-{end}: {what}"
    )
}

pub(super) fn decode_str(body: &[char], raw: bool) -> Result<String, String> {
    if raw {
        return Ok(body.iter().collect());
    }
    let mut code_points: Vec<u32> = Vec::with_capacity(body.len());
    let mut k = 0;
    while let Some(&c) = body.get(k) {
        if c != '\\' {
            code_points.push(u32::from(c));
            k += 1;
            continue;
        }
        let escape_start = k;
        let Some(e) = body.get(k + 1).copied() else {
            code_points.push(u32::from('\\'));
            break;
        };
        k += 2;
        let simple = match e {
            '\n' => continue,
            '\\' | '\'' | '"' => Some(e),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0c'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\x0b'),
            _ => None,
        };
        if let Some(s) = simple {
            code_points.push(u32::from(s));
            continue;
        }
        match e {
            '0'..='7' => {
                let mut value = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match body.get(k).and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            k += 1;
                        }
                        None => break,
                    }
                }
                code_points.push(value);
            }
            'x' | 'u' | 'U' => {
                let (len, what) = match e {
                    'x' => (2, "truncated \\xXX escape"),
                    'u' => (4, "truncated \\uXXXX escape"),
                    _ => (8, "truncated \\UXXXXXXXX escape"),
                };
                let Some(value) = hex_escape(body, k, len) else {
                    let seen = body
                        .get(k..)
                        .unwrap_or_default()
                        .iter()
                        .take(len)
                        .take_while(|c| c.is_ascii_hexdigit())
                        .count();
                    return Err(unicode_error(escape_start, k + seen - 1, what));
                };
                if value > u32::from(char::MAX) {
                    return Err(unicode_error(
                        escape_start,
                        k + len - 1,
                        "illegal Unicode character",
                    ));
                }
                k += len;
                code_points.push(value);
            }
            'N' => {
                return Err(unicode_error(
                    escape_start,
                    k - 1,
                    "\\N{...} escapes are not supported here",
                ))
            }
            // Python keeps unknown escapes as written (with a warning).
            _ => {
                code_points.push(u32::from('\\'));
                code_points.push(u32::from(e));
            }
        }
    }
    // Escaped surrogate pairs reach the server as one character (its JSON decoder joins
    // them); a lone surrogate has no UTF-8 form to send.
    let mut out = String::with_capacity(code_points.len());
    let mut n = 0;
    while let Some(&cp) = code_points.get(n) {
        let next = code_points.get(n + 1).copied();
        let joined = match next {
            Some(low) if (0xd800..0xdc00).contains(&cp) && (0xdc00..0xe000).contains(&low) => {
                n += 1;
                0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00)
            }
            _ => cp,
        };
        let c = char::from_u32(joined).ok_or_else(|| {
            format!("(unicode error) lone surrogate \\u{joined:04x} cannot be sent as JSON")
        })?;
        out.push(c);
        n += 1;
    }
    Ok(out)
}

pub(super) fn decode_bytes(body: &[char], raw: bool) -> Result<Vec<u8>, String> {
    if body.iter().any(|c| !c.is_ascii()) {
        return Err("bytes can only contain ASCII literal characters".into());
    }
    let ascii: Vec<u8> = body.iter().map(|&c| c as u8).collect();
    if raw {
        return Ok(ascii);
    }
    let mut out = Vec::with_capacity(ascii.len());
    let mut k = 0;
    while let Some(&b) = ascii.get(k) {
        if b != b'\\' {
            out.push(b);
            k += 1;
            continue;
        }
        let Some(&e) = ascii.get(k + 1) else {
            out.push(b);
            break;
        };
        let escape_start = k;
        k += 2;
        match e {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(e),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut value = u32::from(e - b'0');
                for _ in 0..2 {
                    match ascii.get(k).filter(|d| (b'0'..=b'7').contains(d)) {
                        Some(d) => {
                            value = value * 8 + u32::from(d - b'0');
                            k += 1;
                        }
                        None => break,
                    }
                }
                out.push((value & 0xff) as u8);
            }
            b'x' => {
                let value = hex_escape(body, k, 2).ok_or_else(|| {
                    format!("(value error) invalid \\x escape at position {escape_start}")
                })?;
                out.push((value & 0xff) as u8);
                k += 2;
            }
            _ => {
                out.push(b'\\');
                out.push(e);
            }
        }
    }
    Ok(out)
}
