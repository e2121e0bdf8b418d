use super::mapping::map_params;
use super::mapping::Mapped;
use super::mapping::Mode;
use super::*;
use crate::py::caret::found_repr;
use crate::py::chars::decimal_digit;
use crate::py::chars::{isprintable as py_isprintable, isspace as py_isspace};
use crate::py::int::MAX_INT_DIGITS;
use crate::py::text::expand_tabs_chars as expand_tabs;
use serde_json::json;

/// `{"a":[positional],"k":{keywords}}` plus `"i":true` for `--` and `"o":FILE`, or `!` and
/// the error text.
fn show(result: Result<ParsedArgs, ParseError>) -> String {
    match result {
        Ok(args) => {
            let mut v = json!({"a": args.positional, "k": args.keywords});
            if args.interactive {
                v["i"] = json!(true);
            }
            if let Some(file) = args.output_file {
                v["o"] = json!(file);
            }
            v.to_string()
        }
        Err(e) => format!("!{e}"),
    }
}

fn check(table: &[(&str, &str)], run: impl Fn(&str) -> String) {
    let mut failures = Vec::new();
    for (input, want) in table {
        let got = run(input);
        if got != *want {
            failures.push(format!("input {input:?}\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Expected results taken from midcli's own grammar (pyparsing 3.3, Python 3.11): its unit
/// tests, the examples of cli-syntax.md §4, and the corners found by running it.
const STRICT: &[(&str, &str)] = &[
    ("", r#"{"a":[],"k":{}}"#),
    ("1", r#"{"a":[1],"k":{}}"#),
    ("1a", "!Expected end of text, found '1'\n 1a\n ^"),
    ("0o10", r#"{"a":[8],"k":{}}"#),
    ("0x10", r#"{"a":[16],"k":{}}"#),
    ("null", r#"{"a":[null],"k":{}}"#),
    ("[1, 2, 3]", r#"{"a":[[1,2,3]],"k":{}}"#),
    ("1 0o10", r#"{"a":[1,8],"k":{}}"#),
    ("1 null", r#"{"a":[1,null],"k":{}}"#),
    ("1 [1, 2, 3]", r#"{"a":[1,[1,2,3]],"k":{}}"#),
    ("1 1,2,3", r#"{"a":[1,[1,2,3]],"k":{}}"#),
    ("1 1,2, 3", r#"{"a":[1,[1,2,3]],"k":{}}"#),
    (r#"1 "a,b","c, d""#, r#"{"a":[1,["a,b","c, d"]],"k":{}}"#),
    (
        r#"1 {"key": "value"} 2"#,
        r#"{"a":[1,{"key":"value"},2],"k":{}}"#,
    ),
    (
        r#"1 {"key": ["nested", {"value": 2}]} 3"#,
        r#"{"a":[1,{"key":["nested",{"value":2}]},3],"k":{}}"#,
    ),
    ("1 option=2", r#"{"a":[1],"k":{"option":2}}"#),
    ("1 2 option=3", r#"{"a":[1,2],"k":{"option":3}}"#),
    ("1 2 option=3,4", r#"{"a":[1,2],"k":{"option":[3,4]}}"#),
    (
        r#"1 2 option=3 another_option="4""#,
        r#"{"a":[1,2],"k":{"option":3,"another_option":"4"}}"#,
    ),
    (
        "1 option=2 3",
        "!Expected end of text, found '3'\n 1 option=2 3\n            ^",
    ),
    ("ivan_ivanov123", r#"{"a":["ivan_ivanov123"],"k":{}}"#),
    (
        "name=ivan_ivanov123",
        r#"{"a":[],"k":{"name":"ivan_ivanov123"}}"#,
    ),
    (
        "name= ivan_ivanov123",
        r#"{"a":[],"k":{"name":"ivan_ivanov123"}}"#,
    ),
    (
        "name =ivan_ivanov123",
        r#"{"a":[],"k":{"name":"ivan_ivanov123"}}"#,
    ),
    (
        "name = ivan_ivanov123",
        r#"{"a":[],"k":{"name":"ivan_ivanov123"}}"#,
    ),
    ("path=/", r#"{"a":[],"k":{"path":"/"}}"#),
    ("path=.history", r#"{"a":[],"k":{"path":".history"}}"#),
    (
        "user=root@localhost",
        r#"{"a":[],"k":{"user":"root@localhost"}}"#,
    ),
    ("--", r#"{"a":[],"k":{},"i":true}"#),
    ("1 --", r#"{"a":[1],"k":{},"i":true}"#),
    ("1 option=2 --", r#"{"a":[1],"k":{"option":2},"i":true}"#),
    ("1 option=2\t-- ", r#"{"a":[1],"k":{"option":2},"i":true}"#),
    (
        "1 option=2 > file.tar.gz",
        r#"{"a":[1],"k":{"option":2},"o":"file.tar.gz"}"#,
    ),
    (
        "1 option=2 -- > /root/file.tar.gz",
        r#"{"a":[1],"k":{"option":2},"i":true,"o":"/root/file.tar.gz"}"#,
    ),
    (
        r#"auxsmbconf="force group=apps\nforce user=apps""#,
        r#"{"a":[],"k":{"auxsmbconf":"force group=apps\nforce user=apps"}}"#,
    ),
    (
        "x=[1]y=2",
        "!Expected end of text, found 'x'\n x=[1]y=2\n ^",
    ),
    ("a=1 a=2", r#"{"a":[],"k":{"a":2}}"#),
    ("a=1 b=2 a=3", r#"{"a":[],"k":{"a":3,"b":2}}"#),
    ("_x=1", "!Expected end of text, found '_'\n _x=1\n ^"),
    ("1x=1", "!Expected end of text, found '1'\n 1x=1\n ^"),
    ("a.b=1", "!Expected end of text, found 'a'\n a.b=1\n ^"),
    ("a-b=1", "!Expected end of text, found 'a'\n a-b=1\n ^"),
    (
        "x=1 -- y=2",
        "!Expected end of text, found 'y'\n x=1 -- y=2\n        ^",
    ),
    (
        "-- extra",
        "!Expected end of text, found 'e'\n -- extra\n    ^",
    ),
    (
        r#"> "a b""#,
        "!Expected end of text, found 'b'\n > \"a b\"\n      ^",
    ),
    (r#"> a"b"#, r#"{"a":[],"k":{},"o":"a\"b"}"#),
    ("-->f", r#"{"a":[],"k":{},"i":true,"o":"f"}"#),
    (
        "1 option=2 -- > backup.tar.gz",
        r#"{"a":[1],"k":{"option":2},"i":true,"o":"backup.tar.gz"}"#,
    ),
    ("   ", r#"{"a":[],"k":{}}"#),
    (" \t\n ", r#"{"a":[],"k":{}}"#),
    ("  1  x=2  ", r#"{"a":[1],"k":{"x":2}}"#),
    ("x=1 >f", r#"{"a":[],"k":{"x":1},"o":"f"}"#),
    (
        "x=1 > f g",
        "!Expected end of text, found 'g'\n x=1 > f g\n         ^",
    ),
    ("x=1 > ", "!Expected end of text, found '>'\n x=1 >\n     ^"),
    (
        "x=1 >é",
        "!Expected end of text, found '>'\n x=1 >é\n     ^",
    ),
    (
        "x=1 ---",
        "!Expected end of text, found '-'\n x=1 ---\n       ^",
    ),
    ("0O17", r#"{"a":[15],"k":{}}"#),
    ("0X1F", r#"{"a":[31],"k":{}}"#),
    ("0x1f,0O7", r#"{"a":[[31,7]],"k":{}}"#),
    ("/", r#"{"a":["/"],"k":{}}"#),
    (".history", r#"{"a":[".history"],"k":{}}"#),
    ("/mnt/tank/ds", r#"{"a":["/mnt/tank/ds"],"k":{}}"#),
    ("root@localhost", r#"{"a":["root@localhost"],"k":{}}"#),
    ("enp0s3", r#"{"a":["enp0s3"],"k":{}}"#),
    ("a.b.c", r#"{"a":["a.b.c"],"k":{}}"#),
    ("..", r#"{"a":[".."],"k":{}}"#),
    ("@", r#"{"a":["@"],"k":{}}"#),
    (
        "name=my-key",
        "!Expected end of text, found 'n'\n name=my-key\n ^",
    ),
    (
        "192.168.0.1",
        "!Expected end of text, found '1'\n 192.168.0.1\n ^",
    ),
    (
        "x=192.168.0.1",
        "!Expected end of text, found 'x'\n x=192.168.0.1\n ^",
    ),
    ("1abc", "!Expected end of text, found '1'\n 1abc\n ^"),
    ("10G", "!Expected end of text, found '1'\n 10G\n ^"),
    (":", "!Expected end of text, found ':'\n :\n ^"),
    ("*", "!Expected end of text, found '*'\n *\n ^"),
    ("-", "!Expected end of text, found '-'\n -\n ^"),
    ("#", "!Expected end of text, found '#'\n #\n ^"),
    ("~", "!Expected end of text, found '~'\n ~\n ^"),
    (r"\", "!Expected end of text, found '\\'\n \\\n ^"),
    ("é", "!Expected end of text, found 'é'\n é\n ^"),
    ("x=é", "!Expected end of text, found 'x'\n x=é\n ^"),
    (
        "name='my key'",
        "!Expected end of text, found 'n'\n name='my key'\n ^",
    ),
    ("0b101", "!Expected end of text, found '0'\n 0b101\n ^"),
    ("-0x10", "!Expected end of text, found '-'\n -0x10\n ^"),
    (".5x", "!Expected end of text, found '.'\n .5x\n ^"),
    (".5.txt", "!Expected end of text, found '.'\n .5.txt\n ^"),
    (".git", r#"{"a":[".git"],"k":{}}"#),
    (".config/a", r#"{"a":[".config/a"],"k":{}}"#),
    ("x=0o8", "!Expected end of text, found 'x'\n x=0o8\n ^"),
    ("x=0o78", "!Expected end of text, found 'x'\n x=0o78\n ^"),
    ("x=0x", "!Expected end of text, found 'x'\n x=0x\n ^"),
    ("x=0xg", "!Expected end of text, found 'x'\n x=0xg\n ^"),
    ("true", r#"{"a":[true],"k":{}}"#),
    ("false", r#"{"a":[false],"k":{}}"#),
    ("True", r#"{"a":["True"],"k":{}}"#),
    ("TRUE", r#"{"a":["TRUE"],"k":{}}"#),
    ("None", r#"{"a":["None"],"k":{}}"#),
    ("truex", r#"{"a":["truex"],"k":{}}"#),
    ("nullable", r#"{"a":["nullable"],"k":{}}"#),
    (
        "x=true.x",
        "!Expected end of text, found 'x'\n x=true.x\n ^",
    ),
    ("x=true$", "!Expected end of text, found 'x'\n x=true$\n ^"),
    ("x=$true", "!Expected end of text, found 'x'\n x=$true\n ^"),
    ("x=true_", r#"{"a":[],"k":{"x":"true_"}}"#),
    ("a,b,c", r#"{"a":[["a","b","c"]],"k":{}}"#),
    ("1,2,3", r#"{"a":[[1,2,3]],"k":{}}"#),
    (r#""a,b","c, d""#, r#"{"a":[["a,b","c, d"]],"k":{}}"#),
    ("0o17,0x1F", r#"{"a":[[15,31]],"k":{}}"#),
    (
        r#"1,"b",true,null,[1],{"a":1}"#,
        r#"{"a":[[1,"b",true,null,[1],{"a":1}]],"k":{}}"#,
    ),
    (
        "x=a ,b",
        "!Expected end of text, found ','\n x=a ,b\n     ^",
    ),
    ("1,2, 3", r#"{"a":[[1,2,3]],"k":{}}"#),
    (r#""a", "b""#, r#"{"a":[["a","b"]],"k":{}}"#),
    ("a, b", "!Expected end of text, found 'a'\n a, b\n ^"),
    ("1, 0x2", "!Expected end of text, found '1'\n 1, 0x2\n ^"),
    ("1,", "!Expected end of text, found '1'\n 1,\n ^"),
    (",1", "!Expected end of text, found ','\n ,1\n ^"),
    ("x=1,", "!Expected end of text, found 'x'\n x=1,\n ^"),
    ("x=,1", "!Expected end of text, found 'x'\n x=,1\n ^"),
    ("1,,2", "!Expected end of text, found '1'\n 1,,2\n ^"),
    (
        "a,b c,d",
        "!Expected end of text, found 'c'\n a,b c,d\n     ^",
    ),
    (
        "x=a,b,c y=1,2",
        r#"{"a":[],"k":{"x":["a","b","c"],"y":[1,2]}}"#,
    ),
    ("1 a,b", "!Expected end of text, found 'a'\n 1 a,b\n   ^"),
    ("x= a,b", "!Expected end of text, found 'x'\n x= a,b\n ^"),
    ("x= 1,2", r#"{"a":[],"k":{"x":[1,2]}}"#),
    (
        "x = 1 , 2",
        "!Expected end of text, found ','\n x = 1 , 2\n       ^",
    ),
    (
        "1 0x1,2",
        "!Expected end of text, found '0'\n 1 0x1,2\n   ^",
    ),
    ("x=0x1,2", r#"{"a":[],"k":{"x":[1,2]}}"#),
    ("1, b", "!Expected end of text, found '1'\n 1, b\n ^"),
    (r#"a, "b""#, r#"{"a":[["a","b"]],"k":{}}"#),
    ("1,/*c*/2", r#"{"a":[[1,2]],"k":{}}"#),
    ("x=/*c*/1", r#"{"a":[],"k":{"x":1}}"#),
    ("/*c*/1", r#"{"a":[1],"k":{}}"#),
    ("/*c*/ 1 2", r#"{"a":[1,2],"k":{}}"#),
    (
        "x=/*c*/a",
        "!Expected end of text, found 'x'\n x=/*c*/a\n ^",
    ),
    (
        "x=/*c*/0x1",
        "!Expected end of text, found 'x'\n x=/*c*/0x1\n ^",
    ),
    (
        "x=1/*c*/",
        "!Expected end of text, found 'x'\n x=1/*c*/\n ^",
    ),
    ("x=//c\n1", r#"{"a":[],"k":{"x":1}}"#),
    (
        r#"x="a"//c"#,
        "!Expected end of text, found 'x'\n x=\"a\"//c\n ^",
    ),
    ("x=[1/*c*/]", r#"{"a":[],"k":{"x":[1]}}"#),
    ("x=[/*c*/1]", r#"{"a":[],"k":{"x":[1]}}"#),
    ("x={\"a\"://c\n1}", r#"{"a":[],"k":{"x":{"a":1}}}"#),
    ("x=[1,/**/2]", r#"{"a":[],"k":{"x":[1,2]}}"#),
    ("x=/*/1", "!Expected end of text, found 'x'\n x=/*/1\n ^"),
    ("x=/**/1", r#"{"a":[],"k":{"x":1}}"#),
    ("x=/*c\nd*/1", r#"{"a":[],"k":{"x":1}}"#),
    ("x=//a\\\nb\n1", r#"{"a":[],"k":{"x":1}}"#),
    ("1\u{a0}", r#"{"a":[1],"k":{}}"#),
    ("1\u{a0} ", r#"{"a":[1],"k":{}}"#),
    ("x=1\u{a0}", r#"{"a":[],"k":{"x":1}}"#),
    ("x=1\u{a0} y=2", r#"{"a":[],"k":{"x":1,"y":2}}"#),
    ("1\u{3000} ", r#"{"a":[1],"k":{}}"#),
    ("x=1\u{200b} y=2", r#"{"a":[],"k":{"x":1,"y":2}}"#),
    ("x=1\u{c} y=2", r#"{"a":[],"k":{"x":1,"y":2}}"#),
    ("x=\"a\tb\"", r#"{"a":[],"k":{"x":"a    b"}}"#),
    (
        "x=1\ty=\"a\tb\" z",
        "!Expected end of text, found 'z'\n x=1     y=\"a    b\" z\n                    ^",
    ),
    (
        "\tx=1 y",
        "!Expected end of text, found 'y'\n         x=1 y\n             ^",
    ),
    ("a\tb", r#"{"a":["a","b"],"k":{}}"#),
    ("x=1 é", "!Expected end of text, found 'é'\n x=1 é\n     ^"),
    (
        "x=1 \u{378}",
        "!Expected end of text, found '\\u0378'\n x=1 \u{378}\n     ^",
    ),
    (
        "x=1 \u{200b}",
        "!Expected end of text, found '\\u200b'\n x=1 \u{200b}\n     ^",
    ),
    (
        "x=1 \u{0}",
        "!Expected end of text, found '\\x00'\n x=1 \u{0}\n     ^",
    ),
    (
        "x=1 \u{7f}",
        "!Expected end of text, found '\\x7f'\n x=1 \u{7f}\n     ^",
    ),
    (
        "x=1 \u{85}",
        "!Expected end of text, found '\\x85'\n x=1\n     ^",
    ),
    (
        r"x=1 \",
        "!Expected end of text, found '\\'\n x=1 \\\n     ^",
    ),
    (
        "x=1 '",
        "!Expected end of text, found \"'\"\n x=1 '\n     ^",
    ),
    (
        r#"x=1 ""#,
        "!Expected end of text, found '\"'\n x=1 \"\n     ^",
    ),
    (
        "x=1 \u{b}",
        "!Expected end of text, found '\\x0b'\n x=1\n     ^",
    ),
    ("x=1\n y", "!Expected end of text, found 'y'\n  y\n  ^"),
    (
        "x=1\ry z",
        "!Expected end of text, found 'y'\n x=1\ry z\n     ^",
    ),
    (
        "a\n\nx=1 y",
        "!Expected end of text, found 'y'\n x=1 y\n     ^",
    ),
    (
        "x=1 😀",
        "!Expected end of text, found '😀'\n x=1 😀\n     ^",
    ),
    (
        "x=1 \u{e0001}",
        "!Expected end of text, found '\\U000e0001'\n x=1 \u{e0001}\n     ^",
    ),
    (
        "x=1 \u{ad}",
        "!Expected end of text, found '\\xad'\n x=1 \u{ad}\n     ^",
    ),
    ("x=٣", r#"{"a":[],"k":{"x":3}}"#),
    ("x=١.٥", r#"{"a":[],"k":{"x":1.5}}"#),
    ("x=٣e٣", r#"{"a":[],"k":{"x":3000.0}}"#),
    ("x=1e٣", r#"{"a":[],"k":{"x":1000.0}}"#),
    ("x=\u{212a}", "{\"a\":[],\"k\":{\"x\":\"\u{212a}\"}}"),
    ("x=\u{17f}", "{\"a\":[],\"k\":{\"x\":\"\u{17f}\"}}"),
    ("x=\u{131}", "{\"a\":[],\"k\":{\"x\":\"\u{131}\"}}"),
    ("x=\u{130}", "{\"a\":[],\"k\":{\"x\":\"\u{130}\"}}"),
    ("x=a\u{212a}1", "{\"a\":[],\"k\":{\"x\":\"a\u{212a}1\"}}"),
    ("1 =2", "!Expected end of text, found '1'\n 1 =2\n ^"),
    ("1 = 2", "!Expected end of text, found '1'\n 1 = 2\n ^"),
    (
        r#""a"=1"#,
        "!Expected end of text, found '\"'\n \"a\"=1\n ^",
    ),
    (
        r#"1 "a"=2"#,
        "!Expected end of text, found '\"'\n 1 \"a\"=2\n   ^",
    ),
    ("a==1", "!Expected end of text, found 'a'\n a==1\n ^"),
    ("x=1=", "!Expected end of text, found 'x'\n x=1=\n ^"),
    ("x=a b=c", r#"{"a":[],"k":{"x":"a","b":"c"}}"#),
    (
        r#"x="\"\\\/\b\f\n\r\t""#,
        r#"{"a":[],"k":{"x":"\"\\/\b\f\n\r\t"}}"#,
    ),
    (r#"x="\u00e9\ud83d\ude00""#, r#"{"a":[],"k":{"x":"é😀"}}"#),
    (r#"x="\uD83D\uDE00""#, r#"{"a":[],"k":{"x":"😀"}}"#),
    ("x=\"a\nb\"", "!Expected end of text, found 'x'\n x=\"a\n ^"),
    (
        "x=\"a\rb\"",
        "!Expected end of text, found 'x'\n x=\"a\rb\"\n ^",
    ),
    (r#"x="""#, r#"{"a":[],"k":{"x":""}}"#),
    (r#"x="\"""#, r#"{"a":[],"k":{"x":"\""}}"#),
    (
        r#"x="\x""#,
        "!Expected end of text, found 'x'\n x=\"\\x\"\n ^",
    ),
    (
        r#"x="a"""#,
        "!Expected end of text, found 'x'\n x=\"a\"\"\n ^",
    ),
    // midcli: crash
    (
        r#"x="a""""#,
        "!Adjacent quoted strings (write \\\" for a quote inside a string), found '\"'\n x=\"a\"\"\"\n      ^",
    ),
    ("00012", r#"{"a":[12],"k":{}}"#),
    ("+1", r#"{"a":[1],"k":{}}"#),
    (".5", r#"{"a":[0.5],"k":{}}"#),
    ("1.", r#"{"a":[1.0],"k":{}}"#),
    ("-.5", r#"{"a":[-0.5],"k":{}}"#),
    ("+.5e+5", r#"{"a":[50000.0],"k":{}}"#),
    ("1.e5", r#"{"a":[100000.0],"k":{}}"#),
    (".e5", r#"{"a":[".e5"],"k":{}}"#),
    ("1e3", r#"{"a":[1000.0],"k":{}}"#),
    ("1E5", r#"{"a":[100000.0],"k":{}}"#),
    ("1e+", "!Expected end of text, found '1'\n 1e+\n ^"),
    ("1e", "!Expected end of text, found '1'\n 1e\n ^"),
    ("1e-400", r#"{"a":[0.0],"k":{}}"#),
    (
        "12345678901234567890",
        r#"{"a":[12345678901234567890],"k":{}}"#,
    ),
    (
        "-12345678901234567890",
        r#"{"a":[-12345678901234567890],"k":{}}"#,
    ),
    ("-0", r#"{"a":[0],"k":{}}"#),
    ("+0", r#"{"a":[0],"k":{}}"#),
    ("-0.0", r#"{"a":[-0.0],"k":{}}"#),
    ("0.000001", r#"{"a":[1e-06],"k":{}}"#),
    ("1e16", r#"{"a":[1e+16],"k":{}}"#),
    ("1e-5", r#"{"a":[1e-05],"k":{}}"#),
    (
        "123456789012345678901234567890.5",
        r#"{"a":[1.2345678901234568e+29],"k":{}}"#,
    ),
    ("1.5e300", r#"{"a":[1.5e+300],"k":{}}"#),
    ("x=1e5.5", "!Expected end of text, found 'x'\n x=1e5.5\n ^"),
    ("[ 1 , 2 ]", r#"{"a":[[1,2]],"k":{}}"#),
    ("[]", r#"{"a":[[]],"k":{}}"#),
    ("{}", r#"{"a":[{}],"k":{}}"#),
    ("[ ]", r#"{"a":[[]],"k":{}}"#),
    ("{ }", r#"{"a":[{}],"k":{}}"#),
    ("[1,]", "!Expected end of text, found '['\n [1,]\n ^"),
    (
        r#"{"a":1,}"#,
        "!Expected end of text, found '{'\n {\"a\":1,}\n ^",
    ),
    ("{a:1}", "!Expected end of text, found '{'\n {a:1}\n ^"),
    ("[a, b]", "!Expected end of text, found '['\n [a, b]\n ^"),
    (
        r#"{"a": b}"#,
        "!Expected end of text, found '{'\n {\"a\": b}\n ^",
    ),
    (
        r#"{"a": 0x1}"#,
        "!Expected end of text, found '{'\n {\"a\": 0x1}\n ^",
    ),
    ("[0o7]", "!Expected end of text, found '['\n [0o7]\n ^"),
    (r#"{"a":1,"a":2,"b":3}"#, r#"{"a":[{"a":2,"b":3}],"k":{}}"#),
    (r#"{"b":1,"a":2}"#, r#"{"a":[{"b":1,"a":2}],"k":{}}"#),
    (r#"{"a":1 /* c */}"#, r#"{"a":[{"a":1}],"k":{}}"#),
    (
        r#"{"a":1}/*c*/"#,
        "!Expected end of text, found '{'\n {\"a\":1}/*c*/\n ^",
    ),
    (
        r#"{/*x*/"a"/*y*/:/*z*/1/*w*/}"#,
        r#"{"a":[{"a":1}],"k":{}}"#,
    ),
    (
        r#"{"k"="v"}"#,
        "!Expected end of text, found '{'\n {\"k\"=\"v\"}\n ^",
    ),
    (
        r#"allowlist=[{"method"="SUBSCRIBE","resource":"certificate.query"}]"#,
        "!Expected end of text, found 'a'\n allowlist=[{\"method\"=\"SUBSCRIBE\",\"resource\":\"certificate.query\"}]\n ^",
    ),
    (
        r#"allowlist=[{"method":"SUBSCRIBE","resource":"certificate.query"}]"#,
        r#"{"a":[],"k":{"allowlist":[{"method":"SUBSCRIBE","resource":"certificate.query"}]}}"#,
    ),
    (
        r#"allowlist=[{"method": "SUBSCRIBE", "resource": "certificate.query"}]"#,
        r#"{"a":[],"k":{"allowlist":[{"method":"SUBSCRIBE","resource":"certificate.query"}]}}"#,
    ),
    (
        r#"name=apikey3 allowlist=[{"method"="x"}]"#,
        "!Expected end of text, found 'a'\n name=apikey3 allowlist=[{\"method\"=\"x\"}]\n              ^",
    ),
    (r#"{"":1}"#, r#"{"a":[{"":1}],"k":{}}"#),
    (
        r#"{"a":[[],[[]]],"b":{"c":{}}}"#,
        r#"{"a":[{"a":[[],[[]]],"b":{"c":{}}}],"k":{}}"#,
    ),
    ("[1],[2]", r#"{"a":[[[1],[2]]],"k":{}}"#),
    (r#"{"a":1},{"b":2}"#, r#"{"a":[[{"a":1},{"b":2}]],"k":{}}"#),
    ("[true,false,null]", r#"{"a":[[true,false,null]],"k":{}}"#),
    ("[truex]", "!Expected end of text, found '['\n [truex]\n ^"),
    (r#"{"a":true}"#, r#"{"a":[{"a":true}],"k":{}}"#),
    ("[1 2]", "!Expected end of text, found '['\n [1 2]\n ^"),
    (
        r#"{"a" 1}"#,
        "!Expected end of text, found '{'\n {\"a\" 1}\n ^",
    ),
    (
        r#"["a" "b"]"#,
        "!Expected end of text, found '['\n [\"a\" \"b\"]\n ^",
    ),
];

#[test]
fn strict_matches_midcli() {
    check(STRICT, |s| show(parse(s, false)));
}

#[test]
fn extensions_do_not_change_what_midcli_accepts() {
    for (input, want) in STRICT {
        if !want.starts_with('!') {
            assert_eq!(show(parse(input, true)), *want, "{input:?}");
        }
    }
}

/// Where midcli crashes (or would send invalid JSON): our own messages, caret on the spot.
const BROKEN: &[(&str, &str)] = &[
    (
        r#"x="\x41""#,
        "!Invalid \\escape in string, found '\\'\n x=\"\\x41\"\n    ^",
    ),
    (
        r#"x="a\qb""#,
        "!Invalid \\escape in string, found '\\'\n x=\"a\\qb\"\n     ^",
    ),
    (
        "x=\"a\\\nb\"",
        "!Invalid \\escape in string, found '\\'\n x=\"a\\\n     ^",
    ),
    (
        r#""a""b""#,
        "!Adjacent quoted strings (write \\\" for a quote inside a string), found '\"'\n \"a\"\"b\"\n    ^",
    ),
    (
        r#""""""#,
        "!Adjacent quoted strings (write \\\" for a quote inside a string), found '\"'\n \"\"\"\"\n   ^",
    ),
    (
        r#"x="\u12""#,
        "!Invalid \\uXXXX escape in string, found '\\'\n x=\"\\u12\"\n    ^",
    ),
    (
        r#"x="\ud800\uzzzz""#,
        "!Invalid \\uXXXX escape in string, found '\\'\n x=\"\\ud800\\uzzzz\"\n          ^",
    ),
    (
        "x=\"a\u{b}b\"",
        "!Invalid control character in string, found '\\x0b'\n x=\"a\u{b}b\"\n     ^",
    ),
    (
        r#"x="\ud800""#,
        "!Unpaired surrogate in string, found '\\'\n x=\"\\ud800\"\n    ^",
    ),
    (
        r#"x="\udc00a""#,
        "!Unpaired surrogate in string, found '\\'\n x=\"\\udc00a\"\n    ^",
    ),
    (
        r#"x="\ud83d\u0041""#,
        "!Unpaired surrogate in string, found '\\'\n x=\"\\ud83d\\u0041\"\n    ^",
    ),
    (
        r#"{"\ud800":1,"a":2}"#,
        "!Unpaired surrogate in string, found '\\'\n {\"\\ud800\":1,\"a\":2}\n   ^",
    ),
    // Python drops the unsendable part before sending: no error.
    (r#"x="\ud800" x=1"#, r#"{"a":[],"k":{"x":1}}"#),
    ("x=1e400", "!Number out of range, found '1'\n x=1e400\n   ^"),
    (
        "1 -1e400",
        "!Number out of range, found '-'\n 1 -1e400\n   ^",
    ),
    (
        r#"x={"a"  :  [1, 1e999]}"#,
        "!Number out of range, found '1'\n x={\"a\"  :  [1, 1e999]}\n                ^",
    ),
    ("x=1e400 x=2", r#"{"a":[],"k":{"x":2}}"#),
    (r#"x={"a":1e400,"a":1}"#, r#"{"a":[],"k":{"x":{"a":1}}}"#),
    (
        "x=1e400a",
        "!Expected end of text, found 'x'\n x=1e400a\n ^",
    ),
    // Reached only if the grammar gets there, as in midcli.
    (
        r#"1a "\q""#,
        "!Expected end of text, found '1'\n 1a \"\\q\"\n ^",
    ),
];

#[test]
fn crashes_become_errors() {
    check(BROKEN, |s| show(parse(s, false)));
    for (input, want) in BROKEN {
        if !want.starts_with("!Expected") {
            assert_eq!(show(parse(input, true)), *want, "{input:?}");
        }
    }
}

#[test]
fn numbers_at_pythons_limits() {
    let digits = "7".repeat(MAX_INT_DIGITS);
    let ok = show(parse(&format!("x={digits}"), false));
    assert_eq!(ok, format!(r#"{{"a":[],"k":{{"x":{digits}}}}}"#));
    let err = parse(&format!("x=-{digits}7"), false).unwrap_err();
    assert_eq!((err.message.as_str(), err.column), (OUT_OF_RANGE, 3));
    let err = parse(&format!("x=0{digits}"), false).unwrap_err();
    assert_eq!(err.message, OUT_OF_RANGE, "leading zeros count too");
    // 16^3571 < 10^4300 < 16^3572: Python can read it but not send it.
    let fits = show(parse(&format!("x=0x{}", "f".repeat(3571)), false));
    assert!(
        fits.starts_with(r#"{"a":[],"k":{"x":"#) && fits.len() > 4300,
        "{fits:.80}"
    );
    let err = parse(&format!("x=0x{}", "f".repeat(3572)), false).unwrap_err();
    assert_eq!((err.message.as_str(), err.column), (OUT_OF_RANGE, 3));
    let err = parse(&format!("x=0o{}", "7".repeat(100_000)), false).unwrap_err();
    assert_eq!(err.message, OUT_OF_RANGE);
    assert_eq!(
        show(parse("x=0x0000000000000001", false)),
        r#"{"a":[],"k":{"x":1}}"#
    );
    assert_eq!(
        show(parse("x=0xFFFFFFFFFFFFFFFFFFFF", false)),
        r#"{"a":[],"k":{"x":1208925819614629174706175}}"#
    );
}

#[test]
fn nesting_is_bounded() {
    let ok = format!("x={}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok, false).is_ok());
    let deep = format!(
        "x={}{}",
        "[".repeat(MAX_DEPTH + 1),
        "]".repeat(MAX_DEPTH + 1)
    );
    let err = parse(&deep, false).unwrap_err();
    assert_eq!(
        (err.message.as_str(), err.column),
        (TOO_DEEP, MAX_DEPTH + 3)
    );
    let objects = format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000));
    assert_eq!(parse(&objects, true).unwrap_err().message, TOO_DEEP);
}

/// Extensions on (midclt): inputs midcli rejects.
const EXTENDED: &[(&str, &str)] = &[
    ("name=my-key", r#"{"a":[],"k":{"name":"my-key"}}"#),
    ("ip=192.168.0.1", r#"{"a":[],"k":{"ip":"192.168.0.1"}}"#),
    ("size=10G", r#"{"a":[],"k":{"size":"10G"}}"#),
    ("1a", r#"{"a":["1a"],"k":{}}"#),
    (
        "192.168.0.1 mask=24",
        r#"{"a":["192.168.0.1"],"k":{"mask":24}}"#,
    ),
    ("1a --", r#"{"a":["1a"],"k":{},"i":true}"#),
    (
        "1a -- > out.tar",
        r#"{"a":["1a"],"k":{},"i":true,"o":"out.tar"}"#,
    ),
    ("name = my-key", r#"{"a":[],"k":{"name":"my-key"}}"#),
    (
        "name=my-key comment=x_y-z",
        r#"{"a":[],"k":{"name":"my-key","comment":"x_y-z"}}"#,
    ),
    ("x=1 y=2G", r#"{"a":[],"k":{"x":1,"y":"2G"}}"#),
    ("x=true.x", r#"{"a":[],"k":{"x":"true.x"}}"#),
    ("x=1.5.txt", r#"{"a":[],"k":{"x":"1.5.txt"}}"#),
    ("x=.5x", r#"{"a":[],"k":{"x":".5x"}}"#),
    ("-0x10", r#"{"a":["-0x10"],"k":{}}"#),
    ("-x", r#"{"a":["-x"],"k":{}}"#),
    ("x=--y", r#"{"a":[],"k":{"x":"--y"}}"#),
    ("x=a=b", r#"{"a":[],"k":{"x":"a=b"}}"#),
    ("key=YWJj==", r#"{"a":[],"k":{"key":"YWJj=="}}"#),
    (
        "url=https://example.com/a?b=c",
        r#"{"a":[],"k":{"url":"https://example.com/a?b=c"}}"#,
    ),
    ("x=café", r#"{"a":[],"k":{"x":"café"}}"#),
    ("café", r#"{"a":["café"],"k":{}}"#),
    ("x=a|b", r#"{"a":[],"k":{"x":"a|b"}}"#),
    (r"path=C:\x", r#"{"a":[],"k":{"path":"C:\\x"}}"#),
    ("x=😀", r#"{"a":[],"k":{"x":"😀"}}"#),
    (
        "ip=10.0.0.1/24 gw=10.0.0.254",
        r#"{"a":[],"k":{"ip":"10.0.0.1/24","gw":"10.0.0.254"}}"#,
    ),
    (
        r#"allowlist=[{"method"="SUBSCRIBE","resource":"certificate.query"}]"#,
        r#"{"a":[],"k":{"allowlist":[{"method":"SUBSCRIBE","resource":"certificate.query"}]}}"#,
    ),
    (
        r#"name=apikey3 allowlist=[{"method" = "x" /* c */, "b"=1}]"#,
        r#"{"a":[],"k":{"name":"apikey3","allowlist":[{"method":"x","b":1}]}}"#,
    ),
    (r#"{"k"="v"}"#, r#"{"a":[{"k":"v"}],"k":{}}"#),
    // Still errors.
    ("x=1 y", "!Expected end of text, found 'y'\n x=1 y\n     ^"),
    (
        "name=my key",
        "!Expected end of text, found 'k'\n name=my key\n         ^",
    ),
    (
        "x=a ,b",
        "!Expected end of text, found ','\n x=a ,b\n     ^",
    ),
    (
        "1 option=2 3",
        "!Expected end of text, found '3'\n 1 option=2 3\n            ^",
    ),
    (
        "my-name=x",
        "!Expected end of text, found 'm'\n my-name=x\n ^",
    ),
    (
        "my-name = x",
        "!Expected end of text, found 'm'\n my-name = x\n ^",
    ),
    ("--foo", "!Expected end of text, found 'f'\n --foo\n   ^"),
    (
        "x=1 -- y",
        "!Expected end of text, found 'y'\n x=1 -- y\n        ^",
    ),
    ("x=>y", "!Expected end of text, found 'x'\n x=>y\n ^"),
    ("x==1", "!Expected end of text, found 'x'\n x==1\n ^"),
    ("x='a'", "!Expected end of text, found 'x'\n x='a'\n ^"),
    (r#"x=a"b"#, "!Expected end of text, found 'x'\n x=a\"b\n ^"),
    ("x=1,", "!Expected end of text, found 'x'\n x=1,\n ^"),
    (
        "x=10G,20G",
        "!Expected end of text, found 'x'\n x=10G,20G\n ^",
    ),
    ("x=[1,2", "!Expected end of text, found 'x'\n x=[1,2\n ^"),
    (
        r#"x={"a"=}"#,
        "!Expected end of text, found 'x'\n x={\"a\"=}\n ^",
    ),
    ("x= a,b", "!Expected end of text, found 'x'\n x= a,b\n ^"),
    ("1 a,b", "!Expected end of text, found 'a'\n 1 a,b\n   ^"),
    ("x=1e400", "!Number out of range, found '1'\n x=1e400\n   ^"),
    (
        r#"x={"a"=1e400}"#,
        "!Number out of range, found '1'\n x={\"a\"=1e400}\n        ^",
    ),
    (
        r#"x="\q""#,
        "!Invalid \\escape in string, found '\\'\n x=\"\\q\"\n    ^",
    ),
    (
        r#"1a "\q""#,
        "!Invalid \\escape in string, found '\\'\n 1a \"\\q\"\n     ^",
    ),
];

#[test]
fn extensions() {
    check(EXTENDED, |s| show(parse(s, true)));
}

#[test]
fn extensions_off_is_strict() {
    for input in ["name=my-key", "size=10G", r#"{"k"="v"}"#, "café"] {
        assert!(parse(input, false).is_err(), "{input:?}");
    }
}

fn argv(words: &str) -> String {
    let words: Vec<String> = serde_json::from_str(words).unwrap_or_default();
    show(parse_argv(&words))
}

const ARGV: &[(&str, &str)] = &[
    (
        r#"["name=ci", "description=my key"]"#,
        r#"{"a":[],"k":{"name":"ci","description":"my key"}}"#,
    ),
    (r#"["name=my-key"]"#, r#"{"a":[],"k":{"name":"my-key"}}"#),
    (r#"["1", "x=2"]"#, r#"{"a":[1],"k":{"x":2}}"#),
    (
        r#"["id=2", "name=x", "reset=true"]"#,
        r#"{"a":[],"k":{"id":2,"name":"x","reset":true}}"#,
    ),
    (r#"["x=2", "--"]"#, r#"{"a":[],"k":{"x":2},"i":true}"#),
    (r#"["a b"]"#, r#"{"a":["a b"],"k":{}}"#),
    (r#"["x=[1,2"]"#, r#"{"a":[],"k":{"x":"[1,2"}}"#),
    (r#"["x= 1"]"#, r#"{"a":[],"k":{"x":1}}"#),
    (r#"["x=1 "]"#, r#"{"a":[],"k":{"x":"1 "}}"#),
    (r#"["x="]"#, r#"{"a":[],"k":{"x":""}}"#),
    (r#"[""]"#, r#"{"a":[""],"k":{}}"#),
    (r#"["x=1,2"]"#, r#"{"a":[],"k":{"x":[1,2]}}"#),
    (r#"["x=a, b"]"#, r#"{"a":[],"k":{"x":"a, b"}}"#),
    (r#"["my-name=x"]"#, r#"{"a":["my-name=x"],"k":{}}"#),
    (r#"["x=[{\"a\"=1}]"]"#, r#"{"a":[],"k":{"x":[{"a":1}]}}"#),
    (
        r#"["x=True", "y=true", "z=null"]"#,
        r#"{"a":[],"k":{"x":"True","y":true,"z":null}}"#,
    ),
    (
        r#"["x=0x10", "y=-5", "z=1e3"]"#,
        r#"{"a":[],"k":{"x":16,"y":-5,"z":1000.0}}"#,
    ),
    (r#"["x={\"a\":1} "]"#, r#"{"a":[],"k":{"x":"{\"a\":1} "}}"#),
    (r#"["x=\"a b\""]"#, r#"{"a":[],"k":{"x":"a b"}}"#),
    (r#"["x=1", "x=2"]"#, r#"{"a":[],"k":{"x":2}}"#),
    (r#"["x=a\tb"]"#, r#"{"a":[],"k":{"x":"a\tb"}}"#),
    (
        r#"["ip=192.168.0.1", "x=1e400a"]"#,
        r#"{"a":[],"k":{"ip":"192.168.0.1","x":"1e400a"}}"#,
    ),
    (
        r#"["x=2", "1"]"#,
        "!Expected end of text, found '1'\n x=2 1\n     ^",
    ),
    (
        r#"["--", "x=1"]"#,
        "!Expected end of text, found 'x'\n -- x=1\n    ^",
    ),
    (
        r#"["x=1", "é"]"#,
        "!Expected end of text, found 'é'\n x=1 é\n     ^",
    ),
    (r#"["x=1", ""]"#, "!Expected end of text, found end of text"),
    (
        r#"["a", "x=\"\\q\""]"#,
        "!Invalid \\escape in string, found '\\'\n a x=\"\\q\"\n      ^",
    ),
    (
        r#"["x=1e400"]"#,
        "!Number out of range, found '1'\n x=1e400\n   ^",
    ),
    (
        r#"["x=\"a\tb\""]"#,
        "!Invalid control character in string, found '\\t'\n x=\"a\tb\"\n     ^",
    ),
];

#[test]
fn argv_words() {
    check(ARGV, argv);
}

#[test]
fn error_display() {
    let e = ParseError {
        message: "Expected end of text".into(),
        line: "x=1 \u{b}".into(),
        column: 5,
    };
    assert_eq!(
        e.to_string(),
        "Expected end of text, found '\\x0b'\n x=1\n     ^"
    );
    let e = ParseError { column: 9, ..e };
    assert_eq!(e.to_string(), "Expected end of text, found end of text");
    let e = ParseError { column: 0, ..e };
    assert_eq!(e.to_string(), "Expected end of text, found end of text");
    let err = parse("x=1 y", false).unwrap_err();
    assert_eq!((err.line.as_str(), err.column), ("x=1 y", 5));
    for (c, want) in [
        ('a', "'a'"),
        ('\'', "\"'\""),
        ('"', "'\"'"),
        ('\\', "'\\'"),
        ('\t', "'\\t'"),
        ('\u{0}', "'\\x00'"),
        ('\u{7f}', "'\\x7f'"),
        ('\u{85}', "'\\x85'"),
        ('\u{a0}', "'\\xa0'"),
        ('\u{ad}', "'\\xad'"),
        ('é', "'é'"),
        ('\u{378}', "'\\u0378'"),
        ('\u{200b}', "'\\u200b'"),
        ('\u{3000}', "'\\u3000'"),
        ('中', "'中'"),
        ('😀', "'😀'"),
        ('\u{e0001}', "'\\U000e0001'"),
        ('\u{10ffff}', "'\\U0010ffff'"),
        ('\u{e000}', "'\\ue000'"),
        ('\u{fffd}', "'\u{fffd}'"),
    ] {
        assert_eq!(found_repr(c), want, "{c:?}");
    }
}

#[test]
fn python_character_classes() {
    assert!(py_isprintable('a') && py_isprintable('~') && py_isprintable(' '));
    assert!(py_isprintable('\u{a1}') && py_isprintable('\u{1f600}'));
    assert!(!py_isprintable('\u{a0}') && !py_isprintable('\u{7f}'));
    assert!(!py_isprintable('\u{378}') && !py_isprintable('\u{10fffd}'));
    assert_eq!(decimal_digit('7'), Some(7));
    assert_eq!(decimal_digit('\u{663}'), Some(3));
    assert_eq!(decimal_digit('\u{1d7ff}'), Some(9));
    assert_eq!(decimal_digit('\u{1d7ce}'), Some(0));
    assert_eq!(decimal_digit('\u{66a}'), None);
    assert_eq!(decimal_digit('a'), None);
    assert_eq!(decimal_digit('\u{b9}'), None, "superscripts are not \\d");
    assert!(py_isspace('\u{1c}') && py_isspace('\u{85}') && !py_isspace('\u{200b}'));
    assert_eq!(
        expand_tabs("a\tb\n\tc\r\t".chars())
            .iter()
            .collect::<String>(),
        "a       b\n        c\r        "
    );
}

mod mapping;
mod properties;
