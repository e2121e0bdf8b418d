//! Property checks with a deterministic generator.

use super::*;

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
    (0..=rng.below(10)).map(|_| rng.pick(PIECES)).collect()
}

fn mangle(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(3) {
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
