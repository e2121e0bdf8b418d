//! csv, json and yaml output, and the Python spellings behind them.

use super::*;

#[test]
fn csv_list_of_objects() {
    assert_eq!(
        csv(
            r#"[{"id":1,"auto":false,"name":"Task 1"},{"id":2,"auto":true,"schedule":"* * *","name":"Task 2"}]"#
        ),
        "id,auto,schedule,name\r\n1,false,<undefined>,Task 1\r\n2,true,* * *,Task 2\r\n"
    );
}

#[test]
fn csv_quoting() {
    for (input, want) in [
        (r#"{"a":"x,y"}"#, "a\r\n\"x,y\"\r\n"),
        (r#"{"a":"say \"hi\""}"#, "a\r\n\"say \"\"hi\"\"\"\r\n"),
        (r#"{"a":"l1\nl2"}"#, "a\r\n\"l1\nl2\"\r\n"),
        (r#"{"a":"l1\rl2"}"#, "a\r\n\"l1\rl2\"\r\n"),
        (r#"{"a":" padded "}"#, "a\r\n padded \r\n"),
        (r#"{"a":"it's"}"#, "a\r\nit's\r\n"),
        (r#"{"a,b":1}"#, "\"a,b\"\r\n1\r\n"),
        (r#"{"a":["x","y"]}"#, "a\r\n\"x\ny\"\r\n"),
        // A record of one empty field is quoted, as Python's csv module does.
        (r#"{"a":""}"#, "a\r\n\"\"\r\n"),
        (r#"[{"":""}]"#, "\"\"\r\n\"\"\r\n"),
        (r#"{"a":"","b":""}"#, "a,b\r\n,\r\n"),
    ] {
        assert_eq!(csv(input), want, "{input}");
    }
}

#[test]
fn csv_special_results() {
    for (input, want) in [
        ("[]", ""),
        ("{}", ""),
        (
            "[{}]",
            "None of the specified fields found among 1 object(s)",
        ),
        (
            "[{},{}]",
            "None of the specified fields found among 2 object(s)",
        ),
        ("5", "5"),
        ("null", "<null>"),
        ("\"x,y\"", "x,y"),
        ("[1,\"a,b\",{\"k\":\"v\"}]", "1\na,b\n{\"k\": \"v\"}"),
        ("{\"$set\":[1,2]}", "{\"$set\": [1, 2]}"),
        ("{\"$date\":1500}", "1970-01-01T00:00:01.500000+00:00"),
    ] {
        assert_eq!(csv(input), want, "{input}");
    }
}

#[test]
fn csv_non_readable_values_are_python_json() {
    for (input, want) in [
        (
            r#"{"k":"v","n":[1,2.5,null,true]}"#,
            r#"{"k": "v", "n": [1, 2.5, null, true]}"#,
        ),
        (r"{}", "{}"),
        (r#"[{"a":{}}]"#, "[{\"a\": {}}]"),
        (
            r#"{"u":"é✓😀\u007f\u0001\t\\/"}"#,
            r#"{"u": "\u00e9\u2713\ud83d\ude00\u007f\u0001\t\\/"}"#,
        ),
        (
            r#"{"d":{"$date":1692734339123}}"#,
            r#"{"d": {"$date": 1692734339000}}"#,
        ),
        (r#"{"d":{"$date":-1}}"#, r#"{"d": {"$date": -1000}}"#),
        (
            r#"{"d":{"$type":"date","$value":"2024-1-2"}}"#,
            r#"{"d": {"$type": "date", "$value": "2024-01-02"}}"#,
        ),
        (
            r#"{"t":{"$time":"T101112.5"}}"#,
            r#"{"t": {"$time": "10:11:12.500000"}}"#,
        ),
        (
            r#"{"s":{"$set":[1,1.0,true,2,"2"]}}"#,
            r#"{"s": {"$set": [1, 2, "2"]}}"#,
        ),
        (
            r#"{"i":{"$ipv4_interface":"10.0.0.1/8"}}"#,
            r#"{"i": {"$ipv4_interface": "10.0.0.1/8"}}"#,
        ),
        (
            r#"{"f":[1e400,-1e400,1e3,-0]}"#,
            r#"{"f": [Infinity, -Infinity, 1000.0, 0]}"#,
        ),
        (r#"{"x":{"$time":"bad"}}"#, r#"{"x": {"$time": "bad"}}"#),
    ] {
        let value = parse(input);
        let mut out = String::new();
        py_json(&value, &mut out);
        assert_eq!(out, want, "{input}");
    }
}

#[test]
fn json_is_pretty_and_verbatim() {
    let text = r#"{"id":2,"big":123456789012345678901234567890,"f":1.10,"when":{"$date":1692734339123},"tags":["a"],"e":{},"l":[]}"#;
    assert_eq!(
        render(&parse(text), Format::Json),
        "{\n  \"id\": 2,\n  \"big\": 123456789012345678901234567890,\n  \"f\": 1.10,\n  \"when\": {\n    \"$date\": 1692734339123\n  },\n  \"tags\": [\n    \"a\"\n  ],\n  \"e\": {},\n  \"l\": []\n}"
    );
    let long = "x".repeat(100);
    let value = json!([{ "a": long, "b": "é\n" }]);
    let back: Value = serde_json::from_str(&render(&value, Format::Json)).unwrap_or_default();
    assert_eq!(back, value);
    assert_eq!(render(&json!(null), Format::Json), "null");
}

#[test]
fn yaml_document() {
    assert_eq!(
        yaml(
            r#"{"id":1,"name":"apikey","created_at":{"$date":1692734339000},"tags":["a","b"],
               "empty":[],"obj":{},"nested":{"x":null,"y":[{"k":"v","n":1.5},[1,2]]},
               "yes":"yes","num":"123","cert":"-----BEGIN-----\nAAA\n-----END-----\n",
               "ip":"10.0.0.1","spaced":" x","f":1e20,"big":12345678901234567890123,"t":true}"#
        ),
        "id: 1\n\
         name: apikey\n\
         created_at:\n  $date: 1692734339000\n\
         tags:\n- a\n- b\n\
         empty: []\n\
         obj: {}\n\
         nested:\n  x: null\n  \"y\":\n  - k: v\n    \"n\": 1.5\n  - - 1\n    - 2\n\
         \"yes\": \"yes\"\n\
         num: \"123\"\n\
         cert: |\n  -----BEGIN-----\n  AAA\n  -----END-----\n\
         ip: \"10.0.0.1\"\n\
         spaced: \" x\"\n\
         f: 1.0e+20\n\
         big: 12345678901234567890123\n\
         t: true"
    );
}

#[test]
fn yaml_sequences_and_top_level_scalars() {
    for (input, want) in [
        (
            r#"[1,"two",null,[],{},[3,[4]],{"a":[{"b":"c"}]}]"#,
            "- 1\n- two\n- null\n- []\n- {}\n- - 3\n  - - 4\n- a:\n  - b: c",
        ),
        ("[]", "[]"),
        ("{}", "{}"),
        ("null", "null"),
        ("false", "false"),
        ("-3", "-3"),
        ("1e400", ".inf"),
        ("-1e400", "-.inf"),
        ("1e-5", "1.0e-05"),
        ("2.5", "2.5"),
        ("\"plain text\"", "plain text"),
        ("\"\"", "\"\""),
        ("\"a\\nb\"", "|-\n  a\n  b"),
        ("\"x\\n\\n\"", "\"x\\n\\n\""),
        ("[\"l1\\nl2\\n\"]", "- |\n  l1\n  l2"),
        ("{\"k\":[\"a\\nb\"]}", "k:\n- |-\n  a\n  b"),
    ] {
        assert_eq!(yaml(input), want, "{input}");
    }
}

#[test]
fn yaml_quotes_only_when_needed() {
    for (s, want) in [
        ("plain", "plain"),
        ("with space", "with space"),
        ("a#b", "a#b"),
        ("a:b", "a:b"),
        ("é中😀", "é中😀"),
        ("1st", "1st"),
        ("$date", "$date"),
        ("http://x.y/z?a=b", "http://x.y/z?a=b"),
        ("", "\"\""),
        ("yes", "\"yes\""),
        ("On", "\"On\""),
        ("n", "\"n\""),
        ("null", "\"null\""),
        ("~", "\"~\""),
        ("True", "\"True\""),
        ("123", "\"123\""),
        ("-1", "\"-1\""),
        ("1.5", "\"1.5\""),
        (".5", "\".5\""),
        ("1e3", "\"1e3\""),
        ("0x1F", "\"0x1F\""),
        ("1_000", "\"1_000\""),
        ("1:30", "\"1:30\""),
        ("2024-01-02", "\"2024-01-02\""),
        ("10.0.0.1", "\"10.0.0.1\""),
        (".inf", "\".inf\""),
        ("-.NaN", "\"-.NaN\""),
        ("- x", "\"- x\""),
        ("-x", "\"-x\""),
        ("? x", "\"? x\""),
        ("x:", "\"x:\""),
        ("a: b", "\"a: b\""),
        ("a #b", "\"a #b\""),
        ("#c", "\"#c\""),
        ("&a", "\"&a\""),
        ("*a", "\"*a\""),
        ("!a", "\"!a\""),
        ("|a", "\"|a\""),
        (">a", "\">a\""),
        ("'q'", "\"'q'\""),
        ("\"q\"", "\"\\\"q\\\"\""),
        ("%a", "\"%a\""),
        ("@a", "\"@a\""),
        ("`a", "\"`a\""),
        ("[a]", "\"[a]\""),
        ("{a}", "\"{a}\""),
        ("...", "\"...\""),
        ("<<", "\"<<\""),
        ("=", "\"=\""),
        (" lead", "\" lead\""),
        ("trail ", "\"trail \""),
        ("a\tb", "\"a\\tb\""),
        ("a\\b", "a\\b"),
        (
            "\u{1}\u{7f}\u{85}\u{2028}\u{feff}\0\u{1b}",
            "\"\\x01\\x7f\\N\\L\\ufeff\\0\\e\"",
        ),
        ("a\r\nb", "\"a\\r\\nb\""),
        (" a\nb", "\" a\\nb\""),
        ("a \nb", "\"a \\nb\""),
        ("\n", "\"\\n\""),
    ] {
        assert_eq!(render(&json!(s), Format::Yaml), want, "{s:?}");
    }
}

#[test]
fn yaml_keys_are_quoted_like_values() {
    assert_eq!(
        yaml(r#"{"on":1,"a b":2,"":3,"1":4,"x: y":5,"k":{"no":null}}"#),
        "\"on\": 1\na b: 2\n\"\": 3\n\"1\": 4\n\"x: y\": 5\nk:\n  \"no\": null"
    );
    let key = "k".repeat(1100);
    assert_eq!(
        render(&json!({ key.clone(): 1 }), Format::Yaml),
        format!("? \"{key}\"\n: 1")
    );
}

#[test]
fn python_type_names() {
    for (input, want) in [
        ("null", "NoneType"),
        ("true", "bool"),
        ("1", "int"),
        ("1.0", "float"),
        ("1e3", "float"),
        ("\"s\"", "str"),
        ("[]", "list"),
        ("{}", "dict"),
        ("{\"$date\":0}", "datetime"),
        ("{\"$type\":\"date\",\"$value\":\"2024-01-02\"}", "date"),
        ("{\"$time\":\"10:11:12\"}", "time"),
        ("{\"$set\":[]}", "set"),
        ("{\"$ipv4_interface\":\"1.2.3.4/32\"}", "IPv4Interface"),
        ("{\"$ipv6_interface\":\"::1/128\"}", "IPv6Interface"),
    ] {
        assert_eq!(py_type_name(&parse(input)), want, "{input}");
    }
}

#[test]
fn python_number_spelling() {
    for (input, want) in [
        ("0", "0"),
        ("-0", "0"),
        ("42", "42"),
        ("-42", "-42"),
        ("18446744073709551616", "18446744073709551616"),
        ("1.0", "1.0"),
        ("1.10", "1.1"),
        ("1E+2", "100.0"),
        ("5e-324", "5e-324"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"),
        ("2e308", "Infinity"),
    ] {
        let Value::Number(n) = parse(input) else {
            panic!("{input} is not a number")
        };
        assert_eq!(py_number_text(&n), want, "{input}");
    }
}

#[test]
fn python_int_for_date_parts() {
    for (input, want) in [
        ("7", Some(7)),
        (" 7 ", Some(7)),
        ("+7", Some(7)),
        ("0_7", Some(7)),
        ("007", Some(7)),
        ("", None),
        ("_7", None),
        ("7_", None),
        ("1__0", None),
        ("-7", None),
        ("7a", None),
        ("+", None),
    ] {
        assert_eq!(py_int(input), want, "{input:?}");
    }
}

#[test]
fn date_validation() {
    for (input, want) in [
        ("2024-02-29", Some((2024, 2, 29))),
        ("2000-02-29", Some((2000, 2, 29))),
        ("1900-02-29", None),
        ("2023-02-29", None),
        ("2024-04-31", None),
        ("2024-12-31", Some((2024, 12, 31))),
        ("0001-01-01", Some((1, 1, 1))),
        ("9999-12-31", Some((9999, 12, 31))),
        ("0000-01-01", None),
        ("2024-00-10", None),
        ("2024-01-00", None),
        ("2024-01-02-03", None),
        ("2024/01/02", None),
    ] {
        assert_eq!(parse_iso_date(input), want, "{input}");
    }
}

#[test]
fn time_forms_python_rejects() {
    for input in [
        "",
        "1",
        "123",
        "1:2",
        "10:11:12.",
        "10:11:12.x",
        "10:11:12:13",
        "1011:12",
        "10:1112",
        "24:00",
        "12:60",
        "12:00:60",
        "10:11:12+5",
        "10:11:12z",
        "10:11:12+24:00",
        " 10:11",
        "10:11 ",
        "TT10:11",
        "10:11:12+05:30+01:00",
    ] {
        assert_eq!(parse_iso_time(input), None, "{input:?}");
    }
}

#[test]
fn set_members_merge_like_python() {
    let items = parse(
        r#"[1, 1.0, true, 0, false, -0.0, "1", "1", 2.5, null, null, 1e20, 100000000000000000000]"#,
    );
    let Value::Array(items) = &items else {
        panic!("not a list")
    };
    let kept: Vec<String> = dedup_set(items)
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    assert_eq!(kept, ["1", "0", "\"1\"", "2.5", "null", "1e+20"]);
}

#[test]
fn table_text_has_no_trailing_newline() {
    for input in [
        r#"[{"a":1}]"#,
        r#"{"a":1}"#,
        "5",
        "[1,2]",
        "[]",
        r#"{"a":"x\n"}"#,
    ] {
        let out = table(input);
        assert!(!out.ends_with('\n'), "{input}: {out:?}");
    }
    // A trailing newline in a value is an empty last line of its cell.
    assert_eq!(
        table(r#"{"a":"x\n"}"#),
        "+---+---+\n| a | x |\n|   |   |\n+---+---+"
    );
}

#[test]
fn csv_object_is_one_row_not_vertical() {
    assert_eq!(
        csv(r#"{"id":2,"name":"apikey2","allowlist":[],"nested":{"a":1},"tags":["a","b"],"n":null}"#),
        "id,name,allowlist,nested,tags,n\r\n2,apikey2,<empty list>,\"{\"\"a\"\": 1}\",\"a\nb\",<null>\r\n"
    );
}

#[test]
fn csv_keeps_long_values_and_decodes_ejson() {
    let long = "y".repeat(100);
    assert_eq!(
        render(&json!([{ "v": long.clone(), "d": {"$date": 1_692_734_339_123_i64}, "s": {"$set": ["a"]} }]), Format::Csv),
        format!("v,d,s\r\n{long},2023-08-22T19:58:59.123000+00:00,\"{{\"\"$set\"\": [\"\"a\"\"]}}\"\r\n")
    );
}

#[test]
fn csv_rows_end_with_crlf_only() {
    let out = csv(r#"[{"a":1,"b":"x"},{"a":2,"b":"y"}]"#);
    assert_eq!(out, "a,b\r\n1,x\r\n2,y\r\n");
    assert_eq!(out.matches("\r\n").count(), out.matches('\n').count());
}

#[test]
fn csv_and_table_share_column_order() {
    let input = r#"[{"x":1,"z":2},{"y":3,"z":4},{"x":5,"w":6,"z":7}]"#;
    let header_line = csv(input).lines().next().map(str::to_string);
    assert_eq!(header_line.as_deref(), Some("x,w,z,y"));
    assert!(table(input).contains("| x           | w           | z | y           |"));
}

#[test]
fn yaml_keeps_ejson_as_mappings() {
    assert_eq!(
        yaml(r#"{"d":{"$date":1692734339000},"s":{"$set":[1,"a"]},"t":{"$type":"date","$value":"2024-01-02"}}"#),
        "d:\n  $date: 1692734339000\ns:\n  $set:\n  - 1\n  - a\nt:\n  $type: date\n  $value: \"2024-01-02\""
    );
}

#[test]
fn yaml_nested_layout() {
    assert_eq!(
        yaml(r#"[{"a":{"b":{"c":[1,{"d":[]}]}},"e":{}},[[[]]],[{}]]"#),
        "- a:\n    b:\n      c:\n      - 1\n      - d: []\n  e: {}\n- - - []\n- - {}"
    );
}

#[test]
fn yaml_literal_blocks_inside_collections() {
    assert_eq!(
        yaml(r#"{"m":{"cert":"A\nB\n","s":"x\n\ny"},"l":[["p\nq"]]}"#),
        "m:\n  cert: |\n    A\n    B\n  s: |-\n    x\n\n    y\nl:\n- - |-\n    p\n    q"
    );
}

#[test]
fn yaml_numbers() {
    for (input, want) in [
        ("0", "0"),
        ("-0", "0"),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567890",
        ),
        ("1.5", "1.5"),
        ("1e20", "1.0e+20"),
        ("1.5e20", "1.5e+20"),
        ("1e-7", "1.0e-07"),
        ("-0.0", "-0.0"),
        ("100.0", "100.0"),
    ] {
        assert_eq!(yaml(input), want, "{input}");
    }
}

#[test]
fn yaml_long_keys_use_explicit_form() {
    let key = "k".repeat(1100);
    assert_eq!(
        render(&json!({ key.clone(): {"a": 1} }), Format::Yaml),
        format!("? \"{key}\"\n:\n  a: 1")
    );
    assert_eq!(
        render(&json!([{ key.clone(): [1] }]), Format::Yaml),
        format!("- ? \"{key}\"\n  :\n  - 1")
    );
}

#[test]
fn json_of_scalars_and_unicode() {
    assert_eq!(
        render(&json!("é\n\"q\""), Format::Json),
        "\"é\\n\\\"q\\\"\""
    );
    assert_eq!(render(&json!(5), Format::Json), "5");
    assert_eq!(render(&json!([]), Format::Json), "[]");
    // Verbatim apart from serde_json's normalised exponent sign.
    assert_eq!(render(&parse("1e400"), Format::Json), "1e+400");
}

#[test]
fn every_format_survives_awkward_input() {
    let awkward = [
        r#"[{"a":[{"b":[{"c":{"$set":[{"$date":1}]}}]}]}]"#,
        r#"{"":{"":{"":[]}}}"#,
        r#"["\u0000\u001b[31m\r\t", {"\n":"\n"}, [[[[[]]]]]]"#,
        r#"[{"$date":-9223372036854775808}, {"$date":9223372036854775807}]"#,
        r#"{"$date":1e308}"#,
        r#"[{"x":{"$time":"99:99"}},7,{"$set":"x"}]"#,
    ];
    for input in awkward {
        let value = parse(input);
        for format in [Format::Table, Format::Csv, Format::Json, Format::Yaml] {
            let out = render(&value, format);
            assert!(
                !out.is_empty() || format == Format::Csv,
                "{format} of {input}"
            );
        }
    }
}

#[test]
fn format_error_names_the_choices() {
    assert_eq!(
        "xml".parse::<Format>(),
        Err("Mode should be one of: csv, json, jsonl, raw, table, yaml".to_string())
    );
}

#[test]
fn milliseconds_keep_leading_zeros() {
    assert_eq!(iso_datetime(5), "1970-01-01T00:00:00.005000+00:00");
    assert_eq!(iso_datetime(50), "1970-01-01T00:00:00.050000+00:00");
    assert_eq!(iso_datetime(-999), "1969-12-31T23:59:59.001000+00:00");
}

#[test]
fn scalar_results_truncate_in_table_mode_only() {
    let long = "z".repeat(80);
    let cut = format!("{}...", "z".repeat(61));
    assert_eq!(render(&json!(long), Format::Table), cut);
    assert_eq!(
        render(&json!([long.clone(), long.clone()]), Format::Table),
        format!("{cut}\n{cut}")
    );
    assert_eq!(render(&json!([long.clone()]), Format::Csv), long);
}

#[test]
fn header_wider_than_values_and_values_wider_than_header() {
    assert_eq!(
        table(r#"[{"a_long_header":1,"b":"a longer value"},{"a_long_header":22,"b":"x"}]"#),
        "+---------------+----------------+\n\
         | a_long_header | b              |\n\
         +---------------+----------------+\n\
         | 1             | a longer value |\n\
         | 22            | x              |\n\
         +---------------+----------------+"
    );
}

#[test]
fn key_less_rows_among_others_are_all_undefined() {
    assert_eq!(
        table(r#"[{"a":1},{}]"#),
        "+-------------+\n| a           |\n+-------------+\n| 1           |\n| <undefined> |\n+-------------+"
    );
    assert_eq!(csv(r#"[{"a":1},{}]"#), "a\r\n1\r\n<undefined>\r\n");
}

#[test]
fn multi_line_keys_do_not_break_the_frame() {
    // prettytable misdraws this; comfy-table gives the key two lines.
    assert_eq!(
        table(r#"{"a\nb":1}"#),
        "+---+---+\n| a | 1 |\n| b |   |\n+---+---+"
    );
    assert_eq!(
        table(r#"[{"a\nb":1}]"#),
        "+---+\n| a |\n| b |\n+---+\n| 1 |\n+---+"
    );
}

#[test]
fn csv_headers_are_quoted_too() {
    assert_eq!(
        csv(r#"[{"say \"x\"":1,"two\nlines":2,"plain":3}]"#),
        "\"say \"\"x\"\"\",\"two\nlines\",plain\r\n1,2,3\r\n"
    );
}

#[test]
fn csv_lists_of_non_objects() {
    for (input, want) in [
        ("[[1,2],[3]]", "1\n2\n3"),
        (
            "[1,{\"$set\":[2]},{\"a\":[1]}]",
            "1\n{\"$set\": [2]}\n{\"a\": [1]}",
        ),
        (
            "[null,[],[{\"x\":1}]]",
            "<null>\n<empty list>\n[{\"x\": 1}]",
        ),
        ("[\"a\\nb\",\"c\"]", "a\nb\nc"),
    ] {
        assert_eq!(csv(input), want, "{input}");
    }
}

#[test]
fn yaml_escapes_non_printable_characters() {
    for (s, want) in [
        ("\u{fffe}", "\"\\ufffe\""),
        ("\u{9f}", "\"\\x9f\""),
        ("\u{2029}", "\"\\P\""),
        ("\u{7}\u{8}\u{b}\u{c}", "\"\\a\\b\\v\\f\""),
        ("ok\u{a0}", "ok\u{a0}"),
        ("😀\n😀", "|-\n  😀\n  😀"),
    ] {
        assert_eq!(render(&json!(s), Format::Yaml), want, "{s:?}");
    }
}

#[test]
fn yaml_literal_block_choice() {
    for (s, want) in [
        ("a\nb", Some("-")),
        ("a\nb\n", Some("")),
        ("a\nb\n\n", None),
        ("\na", Some("-")),
        ("\n", None),
        (" a\nb", None),
        ("a\n b", Some("-")),
        ("a \nb", None),
        ("a\tb\nc", None),
        ("single", None),
    ] {
        assert_eq!(literal_chomping(s), want, "{s:?}");
    }
}
