use super::ejson::*;
use super::yaml::*;
use super::*;
use crate::py::datetime::{days_in_month, parse_iso_date, parse_iso_time};
use crate::py::expand_tabs;
use crate::py::int::plain_int as py_int;
use serde_json::json;

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("bad test JSON {text}: {e}"))
}

fn table(text: &str) -> String {
    render(&parse(text), Format::Table)
}

fn csv(text: &str) -> String {
    render(&parse(text), Format::Csv)
}

fn yaml(text: &str) -> String {
    render(&parse(text), Format::Yaml)
}

/// (input, table text, csv text), the expected texts as midcli itself printed them
/// (prettytable 3.18, Python 3.11).
const MIDCLI_CASES: &[(&str, &str, &str)] = &[
(
    r#"[{"id":2,"name":"apikey2","created_at":{"$date":1692734339000},"allowlist":[{"method":"GET","resource":"x"}]}]"#,
    r"+----+---------+---------------------------+-----------+
| id | name    | created_at                | allowlist |
+----+---------+---------------------------+-----------+
| 2  | apikey2 | 2023-08-22T19:58:59+00:00 | <list>    |
+----+---------+---------------------------+-----------+",
    "id,name,created_at,allowlist\r\n2,apikey2,2023-08-22T19:58:59+00:00,\"[{\"\"method\"\": \"\"GET\"\", \"\"resource\"\": \"\"x\"\"}]\"\r\n",
),
(
    r#"{"id":2,"name":"apikey2","allowlist":[],"nested":{"a":1},"tags":["a","b"],"n":null}"#,
    r"+-----------+--------------+
|        id | 2            |
|      name | apikey2      |
| allowlist | <empty list> |
|    nested | <dict>       |
|      tags | a            |
|           | b            |
|         n | <null>       |
+-----------+--------------+",
    "id,name,allowlist,nested,tags,n\r\n2,apikey2,<empty list>,\"{\"\"a\"\": 1}\",\"a\nb\",<null>\r\n",
),
(
    r#"[{"id":1,"auto":false,"name":"Task 1"},{"id":2,"auto":true,"schedule":"* * *","name":"Task 2"}]"#,
    r"+----+-------+-------------+--------+
| id | auto  | schedule    | name   |
+----+-------+-------------+--------+
| 1  | false | <undefined> | Task 1 |
| 2  | true  | * * *       | Task 2 |
+----+-------+-------------+--------+",
    "id,auto,schedule,name\r\n1,false,<undefined>,Task 1\r\n2,true,* * *,Task 2\r\n",
),
(
    r#"[{"a":1,"b":2},{"c":3,"b":4,"d":5}]"#,
    r"+-------------+---+-------------+-------------+
| a           | b | d           | c           |
+-------------+---+-------------+-------------+
| 1           | 2 | <undefined> | <undefined> |
| <undefined> | 4 | 5           | 3           |
+-------------+---+-------------+-------------+",
    "a,b,d,c\r\n1,2,<undefined>,<undefined>\r\n<undefined>,4,5,3\r\n",
),
(
    r#"[{"a":1},{"b":2},{"a":3,"c":4}]"#,
    r"+-------------+-------------+-------------+
| a           | c           | b           |
+-------------+-------------+-------------+
| 1           | <undefined> | <undefined> |
| <undefined> | <undefined> | 2           |
| 3           | 4           | <undefined> |
+-------------+-------------+-------------+",
    "a,c,b\r\n1,<undefined>,<undefined>\r\n<undefined>,<undefined>,2\r\n3,4,<undefined>\r\n",
),
(
    r#"[{"name":"x","tags":["a","b","c"],"id":1},{"name":"longer name","tags":[],"id":22}]"#,
    r"+-------------+--------------+----+
| name        | tags         | id |
+-------------+--------------+----+
| x           | a            | 1  |
|             | b            |    |
|             | c            |    |
| longer name | <empty list> | 22 |
+-------------+--------------+----+",
    "name,tags,id\r\nx,\"a\nb\nc\",1\r\nlonger name,<empty list>,22\r\n",
),
(
    r#"[{"a":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","b":"line one\nline two that is definitely longer than sixty four characters, yes it is\nend"}]"#,
    r"+------------------------------------------------------------------+------------------------------------------------------------------+
| a                                                                | b                                                                |
+------------------------------------------------------------------+------------------------------------------------------------------+
| aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... | line one                                                         |
|                                                                  | line two that is definitely longer than sixty four characters... |
|                                                                  | end                                                              |
+------------------------------------------------------------------+------------------------------------------------------------------+",
    "a,b\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,\"line one\nline two that is definitely longer than sixty four characters, yes it is\nend\"\r\n",
),
(
    r#"[{"v":null,"t":true,"f":false,"i":-7,"fl":1000.0,"e":1e-05,"big":123456789012345678901234567890}]"#,
    r"+--------+------+-------+----+--------+-------+--------------------------------+
| v      | t    | f     | i  | fl     | e     | big                            |
+--------+------+-------+----+--------+-------+--------------------------------+
| <null> | true | false | -7 | 1000.0 | 1e-05 | 123456789012345678901234567890 |
+--------+------+-------+----+--------+-------+--------------------------------+",
    "v,t,f,i,fl,e,big\r\n<null>,true,false,-7,1000.0,1e-05,123456789012345678901234567890\r\n",
),
(
    r#"[{"when":{"$date":1692734339123},"day":{"$type":"date","$value":"2024-01-02"},"at":{"$time":"10:11:12"},"set":{"$set":[1,2]},"ip":{"$ipv4_interface":"10.0.0.1/8"},"ip6":{"$ipv6_interface":"::1/128"}}]"#,
    r"+----------------------------------+------------+----------+-------+-----------------+-----------------+
| when                             | day        | at       | set   | ip              | ip6             |
+----------------------------------+------------+----------+-------+-----------------+-----------------+
| 2023-08-22T19:58:59.123000+00:00 | 2024-01-02 | 10:11:12 | <set> | <IPv4Interface> | <IPv6Interface> |
+----------------------------------+------------+----------+-------+-----------------+-----------------+",
    "when,day,at,set,ip,ip6\r\n2023-08-22T19:58:59.123000+00:00,2024-01-02,10:11:12,\"{\"\"$set\"\": [1, 2]}\",\"{\"\"$ipv4_interface\"\": \"\"10.0.0.1/8\"\"}\",\"{\"\"$ipv6_interface\"\": \"\"::1/128\"\"}\"\r\n",
),
(
    r#"[{"a":"tab\there","b":"x"}]"#,
    r"+--------------+---+
| a            | b |
+--------------+---+
| tab     here | x |
+--------------+---+",
    "a,b\r\ntab\there,x\r\n",
),
(
    r#"{"k":"a\tb\tc"}"#,
    r"+---+-------------------+
| k | a       b       c |
+---+-------------------+",
    "k\r\na\tb\tc\r\n",
),
(
    r#"[{"":""}]"#,
    r"+--+
|  |
+--+
|  |
+--+",
    "\"\"\r\n\"\"\r\n",
),
(
    r#"{"a":""}"#,
    r"+---+--+
| a |  |
+---+--+",
    "a\r\n\"\"\r\n",
),
(
    r#"[{"a":""},{"a":""}]"#,
    r"+---+
| a |
+---+
|   |
|   |
+---+",
    "a\r\n\"\"\r\n\"\"\r\n",
),
(
    r#"[{"名前":"中文字符","b":"é"}]"#,
    r"+----------+---+
| 名前     | b |
+----------+---+
| 中文字符 | é |
+----------+---+",
    "名前,b\r\n中文字符,é\r\n",
),
(
    r#"{"name":"中文","x":"ab"}"#,
    r"+------+------+
| name | 中文 |
|    x | ab   |
+------+------+",
    "name,x\r\n中文,ab\r\n",
),
(
    r#"[5,{"a":1},[1,2],[{"x":1}],null]"#,
    r"5
<dict>
1
2
<list>
<null>",
    "5\n{\"a\": 1}\n1\n2\n[{\"x\": 1}]\n<null>",
),
(
    r"[]",
    r"(empty list)",
    "",
),
(
    r"{}",
    r"(empty object)",
    "",
),
(
    r"[{}]",
    r"(none of the specified fields found among 1 object(s))",
    "None of the specified fields found among 1 object(s)",
),
(
    r"[{},{},{}]",
    r"(none of the specified fields found among 3 object(s))",
    "None of the specified fields found among 3 object(s)",
),
(
    r"5",
    r"5",
    "5",
),
(
    r"true",
    r"true",
    "true",
),
(
    r"null",
    r"<null>",
    "<null>",
),
(
    r#""hello""#,
    r"hello",
    "hello",
),
(
    r#""""#,
    r"",
    "",
),
(
    r#""a\nb""#,
    r"a
b",
    "a\nb",
),
(
    r"1.5",
    r"1.5",
    "1.5",
),
(
    r#"["x","y"]"#,
    r"x
y",
    "x\ny",
),
(
    r"[[1,2],[3]]",
    r"1
2
3",
    "1\n2\n3",
),
(
    r"[[]]",
    r"<empty list>",
    "<empty list>",
),
(
    r#"{"$date":0}"#,
    r"1970-01-01T00:00:00+00:00",
    "1970-01-01T00:00:00+00:00",
),
(
    r#"{"$set":[1]}"#,
    r"<set>",
    "{\"$set\": [1]}",
),
(
    r#"{"$ipv6_interface":"::1/128"}"#,
    r"<IPv6Interface>",
    "{\"$ipv6_interface\": \"::1/128\"}",
),
(
    r#""xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx""#,
    r"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
),
(
    r#"["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",{"a":1}]"#,
    r"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...
<dict>",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n{\"a\": 1}",
),
(
    r#"[{"a,b":"c,d","q\"":"say \"hi\"","nl":"x\ny"}]"#,
    r#"+-----+----------+----+
| a,b | q"       | nl |
+-----+----------+----+
| c,d | say "hi" | x  |
|     |          | y  |
+-----+----------+----+"#,
    "\"a,b\",\"q\"\"\",nl\r\n\"c,d\",\"say \"\"hi\"\"\",\"x\ny\"\r\n",
),
(
    r#"{"d":{"$date":1692734339500},"l":[{"$date":0},1],"o":{"x":[1,{"$date":1500},{"$type":"date","$value":"2020-02-02"},{"$time":"01:02:03.5"}]},"u":{"k":"é✓😀"}}"#,
    r"+---+----------------------------------+
| d | 2023-08-22T19:58:59.500000+00:00 |
| l | 1970-01-01T00:00:00+00:00        |
|   | 1                                |
| o | <dict>                           |
| u | <dict>                           |
+---+----------------------------------+",
    "d,l,o,u\r\n2023-08-22T19:58:59.500000+00:00,\"1970-01-01T00:00:00+00:00\n1\",\"{\"\"x\"\": [1, {\"\"$date\"\": 1000}, {\"\"$type\"\": \"\"date\"\", \"\"$value\"\": \"\"2020-02-02\"\"}, {\"\"$time\"\": \"\"01:02:03.500000\"\"}]}\",\"{\"\"k\"\": \"\"\\u00e9\\u2713\\ud83d\\ude00\"\"}\"\r\n",
),
(
    r#"[{"n":1e400,"m":-1e400,"z":-0.0,"i":-0}]"#,
    r"+----------+-----------+------+---+
| n        | m         | z    | i |
+----------+-----------+------+---+
| Infinity | -Infinity | -0.0 | 0 |
+----------+-----------+------+---+",
    "n,m,z,i\r\nInfinity,-Infinity,-0.0,0\r\n",
),
(
    r#"[{"only":""},{"only":"x"}]"#,
    r"+------+
| only |
+------+
|      |
| x    |
+------+",
    "only\r\n\"\"\r\nx\r\n",
),
];

#[test]
fn byte_for_byte_like_midcli() {
    for (input, want_table, want_csv) in MIDCLI_CASES {
        assert_eq!(table(input), *want_table, "table of {input}");
        assert_eq!(csv(input), *want_csv, "csv of {input}");
    }
}

#[test]
fn format_names() {
    for (name, want) in [
        ("table", Format::Table),
        ("csv", Format::Csv),
        ("json", Format::Json),
        ("jsonl", Format::Jsonl),
        ("yaml", Format::Yaml),
        ("raw", Format::Raw),
    ] {
        assert_eq!(name.parse::<Format>(), Ok(want));
        assert_eq!(want.to_string(), name);
    }
    for bad in ["", "Table", "xml", "yml", " csv"] {
        assert!(bad.parse::<Format>().is_err(), "{bad:?}");
    }
}

#[test]
fn cell_text_of_scalars() {
    for (input, want) in [
        ("null", "<null>"),
        ("true", "true"),
        ("false", "false"),
        ("0", "0"),
        ("-7", "-7"),
        ("-0", "0"),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567890",
        ),
        ("\"\"", ""),
        ("\"plain\"", "plain"),
        ("\"a\\nb\"", "a\nb"),
        ("\"  spaced  \"", "  spaced  "),
    ] {
        assert_eq!(cell_text(&parse(input)), want, "{input}");
    }
}

#[test]
fn cell_text_of_floats_is_python_repr() {
    for (input, want) in [
        ("1.5", "1.5"),
        ("1000.0", "1000.0"),
        ("1e3", "1000.0"),
        ("1E5", "100000.0"),
        ("0.1", "0.1"),
        ("0.0001", "0.0001"),
        ("0.00001", "1e-05"),
        ("1e16", "1e+16"),
        ("9999999999999998.0", "9999999999999998.0"),
        ("1e20", "1e+20"),
        ("-2.5e-300", "-2.5e-300"),
        ("-0.0", "-0.0"),
        ("0.30000000000000004", "0.30000000000000004"),
        ("1e400", "Infinity"),
        ("-1e400", "-Infinity"),
    ] {
        assert_eq!(cell_text(&parse(input)), want, "{input}");
    }
    // Built in code rather than parsed: no verbatim text, same answer.
    assert_eq!(cell_text(&json!(2.0)), "2.0");
    assert_eq!(cell_text(&json!(1.0e-7)), "1e-07");
}

#[test]
fn cell_text_of_lists() {
    for (input, want) in [
        ("[]", "<empty list>"),
        ("[1,2,3]", "1\n2\n3"),
        ("[[1,2],[3]]", "1\n2\n3"),
        ("[[1,[2,[3]]]]", "1\n2\n3"),
        ("[null,true,\"x\",1.0]", "<null>\ntrue\nx\n1.0"),
        ("[[]]", "<empty list>"),
        ("[[],1]", "<empty list>\n1"),
        (
            "[{\"$date\":0},{\"$type\":\"date\",\"$value\":\"2024-01-02\"}]",
            "1970-01-01T00:00:00+00:00\n2024-01-02",
        ),
        ("[{\"a\":1}]", "<list>"),
        ("[1,[{\"a\":1}]]", "<list>"),
        ("[{\"$set\":[1]}]", "<list>"),
        ("[{\"$ipv4_interface\":\"1.2.3.4/8\"}]", "<list>"),
    ] {
        assert_eq!(cell_text(&parse(input)), want, "{input}");
    }
}

#[test]
fn cell_text_placeholders() {
    for (input, want) in [
        ("{}", "<dict>"),
        ("{\"a\":1}", "<dict>"),
        ("{\"$set\":[1,2]}", "<set>"),
        ("{\"$set\":[]}", "<set>"),
        (
            "{\"$ipv4_interface\":\"192.168.1.10/24\"}",
            "<IPv4Interface>",
        ),
        (
            "{\"$ipv6_interface\":\"2001:db8::1/64\"}",
            "<IPv6Interface>",
        ),
        // Not exactly the special keys: a plain object.
        ("{\"$date\":0,\"x\":1}", "<dict>"),
        ("{\"$set\":[1],\"x\":1}", "<dict>"),
        (
            "{\"$type\":\"date\",\"$value\":\"2024-01-02\",\"x\":1}",
            "<dict>",
        ),
        ("{\"$type\":\"time\",\"$value\":\"2024-01-02\"}", "<dict>"),
        ("{\"$unknown\":1}", "<dict>"),
    ] {
        assert_eq!(cell_text(&parse(input)), want, "{input}");
    }
}

#[test]
fn cell_text_of_ejson_dates_and_times() {
    for (input, want) in [
        ("{\"$date\":1692734339000}", "2023-08-22T19:58:59+00:00"),
        (
            "{\"$date\":1692734339123}",
            "2023-08-22T19:58:59.123000+00:00",
        ),
        ("{\"$date\":1692734339000.0}", "2023-08-22T19:58:59+00:00"),
        (
            "{\"$date\":1692734339123.5}",
            "2023-08-22T19:58:59.123500+00:00",
        ),
        ("{\"$date\":-1.5}", "1969-12-31T23:59:59.998500+00:00"),
        (
            "{\"$type\":\"date\",\"$value\":\"2024-01-02\"}",
            "2024-01-02",
        ),
        (
            "{\"$value\":\"2024-2-29\",\"$type\":\"date\"}",
            "2024-02-29",
        ),
        (
            "{\"$type\":\"date\",\"$value\":\" +2024-01-0_2\"}",
            "2024-01-02",
        ),
        ("{\"$time\":\"10:11:12\"}", "10:11:12"),
        ("{\"$time\":\"10:11\"}", "10:11:00"),
        ("{\"$time\":\"T101112\"}", "10:11:12"),
        ("{\"$time\":\"10:11:12.5\"}", "10:11:12.500000"),
        ("{\"$time\":\"10:11:12,25\"}", "10:11:12.250000"),
        ("{\"$time\":\"10:11:12.1234567\"}", "10:11:12.123456"),
        ("{\"$time\":\"10.5\"}", "10:00:00.500000"),
        ("{\"$time\":\"10:11:12Z\"}", "10:11:12+00:00"),
        ("{\"$time\":\"10:11:12-00:00\"}", "10:11:12+00:00"),
        ("{\"$time\":\"10:11:12-0530\"}", "10:11:12-05:30"),
        (
            "{\"$time\":\"10:11:12+05:30:15.5\"}",
            "10:11:12+05:30:15.500000",
        ),
    ] {
        assert_eq!(cell_text(&parse(input)), want, "{input}");
    }
}

#[test]
fn malformed_ejson_stays_a_plain_object() {
    // The Python client rejects these outright; shown as the objects they are.
    for input in [
        "{\"$date\":\"2023-08-22\"}",
        "{\"$date\":true}",
        "{\"$date\":253402300800000}",
        "{\"$date\":-62135596800001}",
        "{\"$date\":1e300}",
        "{\"$time\":\"24:00:00\"}",
        "{\"$time\":\"10:11:12 \"}",
        "{\"$time\":\"1:2:3\"}",
        "{\"$time\":\"10:11:12+24:00\"}",
        "{\"$time\":5}",
        "{\"$type\":\"date\",\"$value\":\"2023-02-29\"}",
        "{\"$type\":\"date\",\"$value\":\"10000-01-01\"}",
        "{\"$type\":\"date\",\"$value\":\"2024-01\"}",
        "{\"$type\":\"date\",\"$value\":20240102}",
        "{\"$set\":[[1]]}",
        "{\"$set\":[{\"a\":1}]}",
        "{\"$set\":[{\"$set\":[1]}]}",
        "{\"$set\":\"abc\"}",
        "{\"$ipv4_interface\":3232235786}",
    ] {
        assert_eq!(cell_text(&parse(input)), "<dict>", "{input}");
    }
    // The extremes of Python's datetime still decode.
    assert_eq!(
        cell_text(&json!({"$date": -62_135_596_800_000_i64})),
        "0001-01-01T00:00:00+00:00"
    );
    assert_eq!(
        cell_text(&json!({"$date": 253_402_300_799_999_i64})),
        "9999-12-31T23:59:59.999000+00:00"
    );
    // A set may hold decoded (hashable) values.
    assert_eq!(
        cell_text(&json!({"$set": [{"$date": 0}, "a", null]})),
        "<set>"
    );
}

#[test]
fn truncation_per_line_counts_characters() {
    let s64 = "x".repeat(64);
    let s65 = "x".repeat(65);
    let cut = format!("{}...", "x".repeat(61));
    assert_eq!(cell_text(&json!(s64)), s64);
    assert_eq!(cell_text(&json!(s65)), cut);
    assert_eq!(
        cell_text(&json!(format!("{s65}\nshort\n{s64}"))),
        format!("{cut}\nshort\n{s64}")
    );
    assert_eq!(cell_text(&json!([s65.clone(), 1])), format!("{cut}\n1"));
    // Characters, not bytes or display columns.
    let wide = "中".repeat(65);
    assert_eq!(cell_text(&json!(wide)), format!("{}...", "中".repeat(61)));
    assert_eq!(cell_text(&json!("é".repeat(64))), "é".repeat(64));
    // Csv mode never truncates.
    assert_eq!(render(&json!(s65), Format::Csv), s65);
}

#[test]
fn iso_datetime_civil_dates() {
    for (ms, want) in [
        (0, "1970-01-01T00:00:00+00:00"),
        (1, "1970-01-01T00:00:00.001000+00:00"),
        (999, "1970-01-01T00:00:00.999000+00:00"),
        (-1, "1969-12-31T23:59:59.999000+00:00"),
        (-1000, "1969-12-31T23:59:59+00:00"),
        (-86_400_000, "1969-12-31T00:00:00+00:00"),
        (1_692_734_339_000, "2023-08-22T19:58:59+00:00"),
        (1_692_734_339_123, "2023-08-22T19:58:59.123000+00:00"),
        (951_782_400_000, "2000-02-29T00:00:00+00:00"),
        (951_868_799_999, "2000-02-29T23:59:59.999000+00:00"),
        (1_709_164_800_000, "2024-02-29T00:00:00+00:00"),
        (1_709_251_200_000, "2024-03-01T00:00:00+00:00"),
        (-2_203_891_200_000, "1900-03-01T00:00:00+00:00"),
        (-2_203_977_600_000, "1900-02-28T00:00:00+00:00"),
        (4_107_542_400_000, "2100-03-01T00:00:00+00:00"),
        (-3_155_760_000_000, "1869-12-31T00:00:00+00:00"),
        (-3_155_673_600_000, "1870-01-01T00:00:00+00:00"),
        (-62_135_596_800_000, "0001-01-01T00:00:00+00:00"),
        (253_402_300_799_000, "9999-12-31T23:59:59+00:00"),
        (-62_167_219_200_000, "0000-01-01T00:00:00+00:00"),
        (-62_198_755_200_000, "-0001-01-01T00:00:00+00:00"),
        (253_402_300_800_000, "10000-01-01T00:00:00+00:00"),
    ] {
        assert_eq!(iso_datetime(ms), want, "{ms}");
    }
    // The extremes give text, not a panic.
    assert!(iso_datetime(i64::MAX).ends_with("+00:00"));
    assert!(iso_datetime(i64::MIN).starts_with('-'));
}

#[test]
fn iso_datetime_agrees_with_day_counting() {
    // Walk day by day across four centuries, checking each date follows the last.
    let mut expected = (1900_i64, 1_u32, 1_u32);
    let start = -2_208_988_800_000_i64; // 1900-01-01
    for day in 0..(400 * 366) {
        let text = iso_datetime(start + day * 86_400_000);
        let (y, m, d) = expected;
        assert_eq!(&text[..10], format!("{y:04}-{m:02}-{d:02}"));
        expected = if d < days_in_month(y, m) {
            (y, m, d + 1)
        } else if m < 12 {
            (y, m + 1, 1)
        } else {
            (y + 1, 1, 1)
        };
    }
}

#[test]
fn column_order_like_midcli_test() {
    let rows = parse(
        r#"[{"id": 1, "auto": false, "name": "Task 1"},
            {"id": 2, "auto": true, "schedule": "* * *", "name": "Task 2"}]"#,
    );
    let Value::Array(items) = &rows else {
        panic!("not a list")
    };
    let objects: Vec<&Map<String, Value>> = items.iter().filter_map(Value::as_object).collect();
    assert_eq!(prepare_header(&objects), ["id", "auto", "schedule", "name"]);
}

#[test]
fn column_order_more_cases() {
    for (input, want) in [
        (
            r#"[{"a":1,"b":2},{"c":3,"b":4,"d":5}]"#,
            vec!["a", "b", "d", "c"],
        ),
        (r#"[{"a":1},{"b":2},{"a":3,"c":4}]"#, vec!["a", "c", "b"]),
        (r#"[{"b":1,"a":2},{"a":1,"b":2}]"#, vec!["b", "a"]),
        (r#"[{},{"x":1,"y":2}]"#, vec!["x", "y"]),
        (r#"[{"a":1},{"x":1,"a":2,"y":3}]"#, vec!["a", "y", "x"]),
    ] {
        let rows = parse(input);
        let Value::Array(items) = &rows else {
            panic!("not a list")
        };
        let objects: Vec<&Map<String, Value>> = items.iter().filter_map(Value::as_object).collect();
        assert_eq!(prepare_header(&objects), want, "{input}");
    }
}

#[test]
fn list_table_example_from_the_spec() {
    assert_eq!(
        table(
            r#"[{"id":2,"name":"apikey2","created_at":{"$date":1692734339000},"allowlist":[{"method":"GET","resource":"*"}]}]"#
        ),
        "+----+---------+---------------------------+-----------+\n\
         | id | name    | created_at                | allowlist |\n\
         +----+---------+---------------------------+-----------+\n\
         | 2  | apikey2 | 2023-08-22T19:58:59+00:00 | <list>    |\n\
         +----+---------+---------------------------+-----------+"
    );
}

#[test]
fn object_table_example_from_the_spec() {
    // The spec's example is an excerpt of a longer object; two more rows give its
    // column widths, and every line it shows must appear as is.
    let out = table(
        r#"{"id":2,"name":"apikey2","created_at":"x","allowlist":[],"nested":{"a":1},
            "tags":["a","b"],"n":null,"username":"a-user-name-28-characters-ok"}"#,
    );
    let lines: Vec<&str> = out.lines().collect();
    for want in [
        "+------------+------------------------------+",
        "|         id | 2                            |",
        "|       name | apikey2                      |",
        "|  allowlist | <empty list>                 |",
        "|     nested | <dict>                       |",
        "|       tags | a                            |",
        "|            | b                            |",
        "|          n | <null>                       |",
    ] {
        assert!(lines.contains(&want), "{want}\nin\n{out}");
    }
    assert_eq!(lines.first(), lines.last());
    assert_eq!(lines.len(), 11);
}

#[test]
fn multi_line_cells_leave_other_columns_blank() {
    assert_eq!(
        table(r#"[{"a":"x","b":["1","22","333"],"c":"y\nz"}]"#),
        "+---+-----+---+\n\
         | a | b   | c |\n\
         +---+-----+---+\n\
         | x | 1   | y |\n\
         |   | 22  | z |\n\
         |   | 333 |   |\n\
         +---+-----+---+"
    );
}

#[test]
fn undefined_for_missing_keys() {
    assert_eq!(
        table(r#"[{"a":1},{"b":2}]"#),
        "+-------------+-------------+\n\
         | a           | b           |\n\
         +-------------+-------------+\n\
         | 1           | <undefined> |\n\
         | <undefined> | 2           |\n\
         +-------------+-------------+"
    );
}

#[test]
fn special_results_in_table_mode() {
    for (input, want) in [
        ("[]", "(empty list)"),
        ("{}", "(empty object)"),
        (
            "[{}]",
            "(none of the specified fields found among 1 object(s))",
        ),
        (
            "[{},{},{}]",
            "(none of the specified fields found among 3 object(s))",
        ),
        (
            "[{},5]",
            "(none of the specified fields found among 2 object(s))",
        ),
        ("5", "5"),
        ("null", "<null>"),
        ("true", "true"),
        ("\"\"", ""),
        ("\"two\\nlines\"", "two\nlines"),
        ("[1,\"a\",null]", "1\na\n<null>"),
        (
            "[1,{\"a\":1},[2,3],[{\"b\":1}],{}]",
            "1\n<dict>\n2\n3\n<list>\n<dict>",
        ),
        ("[[]]", "<empty list>"),
        ("{\"$date\":0}", "1970-01-01T00:00:00+00:00"),
        ("{\"$set\":[1]}", "<set>"),
        (
            "[{\"$date\":0},{\"a\":1}]",
            "1970-01-01T00:00:00+00:00\n<dict>",
        ),
    ] {
        assert_eq!(table(input), want, "{input}");
    }
}

#[test]
fn mixed_list_rows_show_type_placeholders() {
    // midcli crashes on these; every column of a non-object row shows its type.
    assert_eq!(
        table(r#"[{"a":1,"b":"x"},5,"s",null,[1],1.5,true,{"$date":0}]"#),
        "+------------+------------+\n\
         | a          | b          |\n\
         +------------+------------+\n\
         | 1          | x          |\n\
         | <int>      | <int>      |\n\
         | <str>      | <str>      |\n\
         | <NoneType> | <NoneType> |\n\
         | <list>     | <list>     |\n\
         | <float>    | <float>    |\n\
         | <bool>     | <bool>     |\n\
         | <datetime> | <datetime> |\n\
         +------------+------------+"
    );
    assert_eq!(csv(r#"[{"a":1},"s"]"#), "a\r\n1\r\n<str>\r\n");
}

#[test]
fn vertical_table_keys_right_values_left() {
    assert_eq!(
        table(r#"{"a":1,"longer_key":"v","mid":["x","yy"]}"#),
        "+------------+----+\n\
         |          a | 1  |\n\
         | longer_key | v  |\n\
         |        mid | x  |\n\
         |            | yy |\n\
         +------------+----+"
    );
    // Keys are never truncated, values are.
    let key = "k".repeat(70);
    let out = render(&json!({ key.clone(): "v".repeat(70) }), Format::Table);
    assert!(
        out.contains(&format!("| {key} | {}... |", "v".repeat(61))),
        "{out}"
    );
}

#[test]
fn empty_columns_are_zero_wide() {
    for (input, want) in [
        (r#"[{"":""}]"#, "+--+\n|  |\n+--+\n|  |\n+--+"),
        (r#"{"a":""}"#, "+---+--+\n| a |  |\n+---+--+"),
        (r#"{"":"v"}"#, "+--+---+\n|  | v |\n+--+---+"),
        (
            r#"[{"a":"","b":1}]"#,
            "+---+---+\n| a | b |\n+---+---+\n|   | 1 |\n+---+---+",
        ),
    ] {
        assert_eq!(table(input), want, "{input}");
    }
}

#[test]
fn tabs_expand_in_cells_but_not_in_headers() {
    assert_eq!(expand_tabs("a\tb"), "a       b");
    assert_eq!(expand_tabs("\tx"), "        x");
    assert_eq!(expand_tabs("1234567\tx"), "1234567 x");
    assert_eq!(expand_tabs("12345678\tx"), "12345678        x");
    assert_eq!(expand_tabs("ab\ncd\tx"), "ab\ncd      x");
    assert_eq!(
        table(r#"{"k":"a\tb"}"#),
        "+---+-----------+\n| k | a       b |\n+---+-----------+"
    );
}

#[test]
fn wide_characters_take_two_columns() {
    assert_eq!(
        table(r#"[{"名前":"中文","b":"é"}]"#),
        "+------+---+\n\
         | 名前 | b |\n\
         +------+---+\n\
         | 中文 | é |\n\
         +------+---+"
    );
}

#[test]
fn no_panic_on_huge_keys() {
    let key = "k".repeat(70_000);
    let out = render(&json!([{ key.clone(): 1 }]), Format::Table);
    assert!(out.starts_with("+-"));
    let out = render(&json!({ key: 1 }), Format::Table);
    assert!(out.starts_with("+-"));
}

mod formats;
mod layout;
