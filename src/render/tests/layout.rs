//! Tables fitted to a terminal's width.

use super::*;

fn fitted(text: &str, width: usize) -> Rendered {
    render_with(
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
