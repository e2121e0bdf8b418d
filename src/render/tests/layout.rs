//! jsonl and raw, one-line JSON, the output options, and tables fitted to a terminal's width.

use super::*;
use crate::render::output::Spec;

fn with(value: &Value, format: Format, layout: Layout) -> Rendered {
    render_with(value, format, layout)
}

fn fitted(text: &str, width: usize) -> Rendered {
    with(
        &parse(text),
        Format::Table,
        Layout {
            json_indent: true,
            width: Some(width),
        },
    )
}

fn widest_line(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn jsonl_is_one_compact_value_per_line() {
    let rows = parse(r#"[{"id": 1, "name": "é"}, [1, 2], "x", 1.50, null]"#);
    assert_eq!(
        render(&rows, Format::Jsonl),
        "{\"id\":1,\"name\":\"é\"}\n[1,2]\n\"x\"\n1.50\nnull"
    );
    let one = parse(r#"{"a": {"b": [1, {"$date": 5}]}}"#);
    assert_eq!(
        render(&one, Format::Jsonl),
        r#"{"a":{"b":[1,{"$date":5}]}}"#
    );
    assert_eq!(render(&parse("[]"), Format::Jsonl), "");
    assert_eq!(render(&parse("[[]]"), Format::Jsonl), "[]");
    for line in render(&rows, Format::Jsonl).lines() {
        assert!(serde_json::from_str::<Value>(line).is_ok(), "{line}");
    }
}

#[test]
fn raw_prints_strings_bare_and_the_rest_as_json() {
    for (input, want) in [
        (r#""pong""#, "pong"),
        (r#""two\nlines""#, "two\nlines"),
        (r#""""#, ""),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567890",
        ),
        ("1.0", "1.0"),
        ("true", "true"),
        ("null", "null"),
        (r#"{"a": "é", "b": [1]}"#, r#"{"a":"é","b":[1]}"#),
        (
            r#"["a", "b c", 3, {"k": 1}, ["x"]]"#,
            "a\nb c\n3\n{\"k\":1}\n[\"x\"]",
        ),
        ("[]", ""),
    ] {
        assert_eq!(render(&parse(input), Format::Raw), want, "{input}");
    }
}

#[test]
fn json_on_one_line_or_indented() {
    let v = parse(r#"{"a": [1, "é"], "b": {"$date": 1}}"#);
    let one_line = Layout {
        json_indent: false,
        width: None,
    };
    assert_eq!(
        with(&v, Format::Json, one_line).text,
        r#"{"a":[1,"é"],"b":{"$date":1}}"#
    );
    assert_eq!(
        with(&v, Format::Json, Layout::default()).text,
        render(&v, Format::Json)
    );
    assert!(render(&v, Format::Json).contains("\n  \"a\": [\n"));
}

#[test]
fn pretty_means_json_and_goes_with_no_other_format() {
    let spec = |o: Option<Format>, pretty: bool| Spec {
        format: o,
        pretty,
        select: None,
    };
    // Nothing asked: the command's default and habit.
    let out = spec(None, false).output(Format::Table, true).unwrap();
    assert_eq!((out.format, out.json_indent), (Format::Table, true));
    let out = spec(None, false).output(Format::Json, false).unwrap();
    assert_eq!((out.format, out.json_indent), (Format::Json, false));
    // --pretty alone is indented JSON, whatever the default.
    let out = spec(None, true).output(Format::Table, false).unwrap();
    assert_eq!((out.format, out.json_indent), (Format::Json, true));
    let out = spec(Some(Format::Json), true)
        .output(Format::Table, false)
        .unwrap();
    assert_eq!((out.format, out.json_indent), (Format::Json, true));
    for other in [
        Format::Table,
        Format::Csv,
        Format::Jsonl,
        Format::Yaml,
        Format::Raw,
    ] {
        let e = spec(Some(other), true)
            .output(Format::Json, false)
            .unwrap_err();
        assert_eq!(e.exit_code() as i32, 2);
        assert!(e.message.contains(&format!("-o {other}")), "{}", e.message);
    }
}

#[test]
fn options_after_a_subcommand_win_over_those_before_it() {
    let before = Spec::parse(Some("yaml"), false, Some("id")).unwrap();
    let after = Spec::parse(Some("csv"), false, None).unwrap();
    let both = after.or(&before);
    assert_eq!(both.format, Some(Format::Csv));
    assert_eq!(both.select, Some(Selection::parse("id").unwrap()));
    assert!(Spec::default().is_empty());
    assert!(!Spec::parse(None, true, None).unwrap().is_empty());
    assert!(Spec::parse(Some("xml"), false, None).is_err());
    assert!(Spec::parse(None, false, Some("a,,b")).is_err());
}

const KEYS: &str = r#"[
  {"id": 1, "name": "ci", "username": "root", "stored_key": "yy8DCIufDBpFfM3Um0Jzn3vrvw2XQu3fsfHqbwaOaidumWNTFED4ldhPi2EfIw==", "created_at": {"$date": 1692734339000}, "expires_at": null, "revoked": false},
  {"id": 2, "name": "second key", "username": "admin", "stored_key": "DTsKSQQ3z0+mPRuVcUdSLqr8dTxbCdcJxZYD+jULXrvl1pqhX/CT8iSorZnTZOA=", "created_at": {"$date": 1692734340000}, "expires_at": null, "revoked": false}
]"#;

#[test]
fn a_table_that_fits_is_drawn_as_when_piped() {
    let natural = table(KEYS);
    let width = widest_line(&natural);
    for w in [width, width + 1, 500] {
        let out = fitted(KEYS, w);
        assert_eq!(out.text, natural, "width {w}");
        assert!(out.dropped.is_empty());
    }
    // One column less, and it no longer fits.
    let out = fitted(KEYS, width - 1);
    assert_ne!(out.text, natural);
    assert!(widest_line(&out.text) < width, "{}", out.text);
}

#[test]
fn long_cells_wrap_to_the_width() {
    let out = fitted(KEYS, 100);
    assert!(out.dropped.is_empty(), "{:?}", out.dropped);
    assert_eq!(
        out.text,
        "\
+----+------------+----------+------------------+---------------------------+------------+---------+
| id | name       | username | stored_key       | created_at                | expires_at | revoked |
+----+------------+----------+------------------+---------------------------+------------+---------+
| 1  | ci         | root     | yy8DCIufDBpFfM3U | 2023-08-22T19:58:59+00:00 | <null>     | false   |
|    |            |          | m0Jzn3vrvw2XQu3f |                           |            |         |
|    |            |          | sfHqbwaOaidumWNT |                           |            |         |
|    |            |          | FED4ldhPi2EfIw== |                           |            |         |
| 2  | second key | admin    | DTsKSQQ3z0+mPRuV | 2023-08-22T19:59:00+00:00 | <null>     | false   |
|    |            |          | cUdSLqr8dTxbCdcJ |                           |            |         |
|    |            |          | xZYD+jULXrvl1pqh |                           |            |         |
|    |            |          | X/CT8iSorZnTZOA= |                           |            |         |
+----+------------+----------+------------------+---------------------------+------------+---------+"
    );
}

#[test]
fn columns_that_cannot_fit_are_left_out_and_named() {
    // Placeholder-only columns go first, then the widest; the first column stays.
    let out = fitted(KEYS, 60);
    assert_eq!(out.dropped, ["stored_key", "expires_at"]);
    assert!(widest_line(&out.text) <= 60, "{}", out.text);
    assert!(out.text.starts_with("+----+------------+"), "{}", out.text);
    assert!(out.text.contains("| revoked |"), "{}", out.text);
    let out = fitted(KEYS, 40);
    assert_eq!(out.dropped, ["stored_key", "created_at", "expires_at"]);
    assert!(widest_line(&out.text) <= 40, "{}", out.text);
    // Narrower than any table: the first column alone, wrapped as far as it goes.
    let out = fitted(KEYS, 5);
    assert_eq!(out.dropped.len(), 6);
    assert!(out.text.starts_with("+----+\n| id |"), "{}", out.text);
}

#[test]
fn a_key_value_table_wraps_but_keeps_every_row() {
    let info = r#"{"version": "TrueNAS-27.0.0-MASTER-20250101-123456-and-some-more", "hostname": "truenas", "description": "a b c d e f g h i j k l m n o p q r s t u v w x y z"}"#;
    let out = fitted(info, 40);
    assert!(out.dropped.is_empty());
    assert!(widest_line(&out.text) <= 40, "{}", out.text);
    for key in ["version", "hostname", "description"] {
        assert!(out.text.contains(&format!(" {key} | ")), "{}", out.text);
    }
    assert!(out.text.contains("| truenas "), "{}", out.text);
}

#[test]
fn fitting_never_fails_and_stays_within_the_width_where_it_can() {
    let inputs = [
        KEYS,
        r#"[{"a": "", "b": "", "c": "x"}]"#,
        r#"[{"名前": "東京都千代田区千代田一丁目一番一号", "x": "emoji 😀😀😀😀😀😀😀😀😀😀😀😀😀"}]"#,
        r#"[{"a": "line one\nline two is a much longer line than the first", "b": "\t\ttabs"}]"#,
        r#"{"k": "v"}"#,
        "[1, 2, 3]",
        "[]",
        "{}",
        r#""scalar""#,
    ];
    for input in inputs {
        for width in [1, 10, 20, 33, 47, 80, 120] {
            let out = fitted(input, width);
            let natural = table(input);
            if widest_line(&natural) <= width {
                assert_eq!(out.text, natural, "{input} at {width}");
            } else if width >= 40 && parse(input).is_array() {
                assert!(
                    widest_line(&out.text) <= width,
                    "{input} at {width}:\n{}",
                    out.text
                );
            }
        }
    }
}
