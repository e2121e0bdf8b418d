use super::*;

fn parsed(text: &str) -> Query {
    match parse(text) {
        Ok(q) => q,
        Err(e) => panic!("{text:?} failed: {e}"),
    }
}

fn error(text: &str) -> String {
    match parse(text) {
        Ok(q) => panic!("{text:?} parsed: {q:?}"),
        Err(e) => e.message,
    }
}

fn json(text: &str) -> Value {
    match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("bad expected JSON {text}: {e}"),
    }
}

/// Conditions (after `* WHERE `) whose filters must equal midcli's exactly.
const MIDCLI_FILTERS: &[(&str, &str)] = &[
    // midcli's own test cases
    ("uid in [1, 2, 3]", r#"[["uid","in",[1,2,3]]]"#),
    ("uid in (1, 2, 3)", r#"[["uid","in",[1,2,3]]]"#),
    ("uid in {1, 2, 3}", r#"[["uid","in",[1,2,3]]]"#),
    ("username.match('^i')", r#"[["username","~","^i"]]"#),
    ("username.startswith('i')", r#"[["username","^","i"]]"#),
    ("username.endswith('i')", r#"[["username","$","i"]]"#),
    ("'oo' in username", r#"[["username","rin","oo"]]"#),
    ("'oo' not in username", r#"[["username","rnin","oo"]]"#),
    ("smb_account == null", r#"[["smb_account","=",null]]"#),
    // operators
    ("a == 1", r#"[["a","=",1]]"#),
    ("a != 'x'", r#"[["a","!=","x"]]"#),
    ("a > 1", r#"[["a",">",1]]"#),
    ("a >= 1", r#"[["a",">=",1]]"#),
    ("a < 1", r#"[["a","<",1]]"#),
    ("a <= 1", r#"[["a","<=",1]]"#),
    ("a not in [1]", r#"[["a","nin",[1]]]"#),
    ("5 in tags", r#"[["tags","rin",5]]"#),
    ("5 not in tags", r#"[["tags","rnin",5]]"#),
    ("a.startswith(\"x\")", r#"[["a","^","x"]]"#),
    ("a.match(r'^\\w+$')", r#"[["a","~","^\\w+$"]]"#),
    // or: n-ary as Python parses it
    ("a == 1 or b == 2", r#"[["OR",[["a","=",1],["b","=",2]]]]"#),
    (
        "a == 1 or b == 2 or c == 3",
        r#"[["OR",[["a","=",1],["b","=",2],["c","=",3]]]]"#,
    ),
    (
        "(a == 1 or b == 2) or c == 3",
        r#"[["OR",[["OR",[["a","=",1],["b","=",2]]],["c","=",3]]]]"#,
    ),
    (
        "a == 1 or (b == 2 or c == 3)",
        r#"[["OR",[["a","=",1],["OR",[["b","=",2],["c","=",3]]]]]]"#,
    ),
    ("((a == 1))", r#"[["a","=",1]]"#),
    // constants
    ("a == True", r#"[["a","=",true]]"#),
    ("a == False", r#"[["a","=",false]]"#),
    ("a == None", r#"[["a","=",null]]"#),
    ("a == true", r#"[["a","=",true]]"#),
    ("a == false", r#"[["a","=",false]]"#),
    ("a == 0x10", r#"[["a","=",16]]"#),
    ("a == 0XfF", r#"[["a","=",255]]"#),
    ("a == 0o17", r#"[["a","=",15]]"#),
    ("a == 0b101", r#"[["a","=",5]]"#),
    ("a == 0x_1_0", r#"[["a","=",16]]"#),
    ("a == 1_000", r#"[["a","=",1000]]"#),
    ("a == 000", r#"[["a","=",0]]"#),
    ("a == 1e3", r#"[["a","=",1000.0]]"#),
    ("a == .5", r#"[["a","=",0.5]]"#),
    ("a == 1.", r#"[["a","=",1.0]]"#),
    ("a == 1.5e-7", r#"[["a","=",1.5e-07]]"#),
    ("a == 1_0.2_5", r#"[["a","=",10.25]]"#),
    ("a == 1e16", r#"[["a","=",1e+16]]"#),
    (
        "a == 123456789012345678901234567890",
        r#"[["a","=",123456789012345678901234567890]]"#,
    ),
    (
        "a == 0xFFFFFFFFFFFFFFFFFFFF",
        r#"[["a","=",1208925819614629174706175]]"#,
    ),
    // strings
    ("a == \"x\"", r#"[["a","=","x"]]"#),
    ("a == '''x'''", r#"[["a","=","x"]]"#),
    ("a == \"\"\"y\"\"\"", r#"[["a","=","y"]]"#),
    ("a == 'a\\tb'", r#"[["a","=","a\tb"]]"#),
    ("a == r'\\d+'", r#"[["a","=","\\d+"]]"#),
    ("a == R'\\''", r#"[["a","=","\\'"]]"#),
    ("a == u'x'", r#"[["a","=","x"]]"#),
    ("a == '\\x41\\u00e9\\U0001F600'", r#"[["a","=","Aé😀"]]"#),
    ("a == '\\101\\0'", r#"[["a","=","A\u0000"]]"#),
    ("a == 'a' \"b\" '''c'''", r#"[["a","=","abc"]]"#),
    ("a == 'it\\'s'", r#"[["a","=","it's"]]"#),
    ("a == '\\d'", r#"[["a","=","\\d"]]"#),
    ("a == '\\ud83d\\ude00'", r#"[["a","=","😀"]]"#),
    ("a == 'é'", r#"[["a","=","é"]]"#),
    ("a == 'x\\\ny'", r#"[["a","=","xy"]]"#),
    ("a == '''x\ny'''", r#"[["a","=","x\ny"]]"#),
    ("a == 'LIMIT 5'", r#"[["a","=","LIMIT 5"]]"#),
    // sequences
    (
        "a in [1, 'x', None, true, [2, (3,)], {4}]",
        r#"[["a","in",[1,"x",null,true,[2,[3]],[4]]]]"#,
    ),
    ("a in []", r#"[["a","in",[]]]"#),
    ("a in ()", r#"[["a","in",[]]]"#),
    ("a in (1,)", r#"[["a","in",[1]]]"#),
    ("a in [1, 2,]", r#"[["a","in",[1,2]]]"#),
    ("a in {3, 1, 2}", r#"[["a","in",[3,1,2]]]"#),
    // layout
    ("a == 1 # comment", r#"[["a","=",1]]"#),
    ("a == 1 # LIMIT 5", r#"[["a","=",1]]"#),
    ("a in [1,\n2]", r#"[["a","in",[1,2]]]"#),
    ("a == \\\n 1", r#"[["a","=",1]]"#),
    ("a == 1\n\n# trailing comment", r#"[["a","=",1]]"#),
    (
        "(a\r\n== 1) or (b\r==\r\n2)",
        r#"[["OR",[["a","=",1],["b","=",2]]]]"#,
    ),
    ("\u{1c}a == 1\u{a0}", r#"[["a","=",1]]"#),
    // names that look like keywords of the extension stay names
    ("limit == 5", r#"[["limit","=",5]]"#),
    (
        "a == 1 or offset == 2",
        r#"[["OR",[["a","=",1],["offset","=",2]]]]"#,
    ),
    // midcli quirks kept
    ("null == 1", r#"[["null","=",1]]"#),
    ("5 in null", r#"[["null","rin",5]]"#),
    ("match == 1", r#"[["match","=",1]]"#),
    ("été == 1", r#"[["été","=",1]]"#),
    // extension: negative numbers
    ("uid > -1", r#"[["uid",">",-1]]"#),
    ("uid > -1.5", r#"[["uid",">",-1.5]]"#),
    ("uid > - 0x10", r#"[["uid",">",-16]]"#),
    ("uid == -0", r#"[["uid","=",0]]"#),
    ("uid == -0.0", r#"[["uid","=",-0.0]]"#),
    ("uid == -(1)", r#"[["uid","=",-1]]"#),
    ("uid in [-1, -2.5]", r#"[["uid","in",[-1,-2.5]]]"#),
    ("-1 in tags", r#"[["tags","rin",-1]]"#),
    ("a.startswith(-1)", r#"[["a","^",-1]]"#),
];

/// Conditions using `and`/`not`: the server's equivalents instead of midcli's AND/NOT.
const REWRITTEN_FILTERS: &[(&str, &str)] = &[
    // midcli: [["AND", [["uid", ">", 0], ["username", "!=", "ivan"]]]]
    (
        "uid > 0 and username != 'ivan'",
        r#"[["uid",">",0],["username","!=","ivan"]]"#,
    ),
    // midcli: [["NOT", ["username", "^", "i"]]]
    ("not username.startswith('i')", r#"[["username","!^","i"]]"#),
    (
        "a == 1 and b == 2 and c == 3",
        r#"[["a","=",1],["b","=",2],["c","=",3]]"#,
    ),
    (
        "(a == 1 and b == 2) and c == 3",
        r#"[["a","=",1],["b","=",2],["c","=",3]]"#,
    ),
    (
        "a == 1 or (b == 2 and c == 3)",
        r#"[["OR",[["a","=",1],[["b","=",2],["c","=",3]]]]]"#,
    ),
    (
        "a == 1 and (b == 2 or c == 3)",
        r#"[["a","=",1],["OR",[["b","=",2],["c","=",3]]]]"#,
    ),
    (
        "a > 1 and b < 5 or c == 'x'",
        r#"[["OR",[[["a",">",1],["b","<",5]],["c","=","x"]]]]"#,
    ),
    (
        "a == 1 or (b == 2 and (c == 3 or d == 4))",
        r#"[["OR",[["a","=",1],[["b","=",2],["OR",[["c","=",3],["d","=",4]]]]]]]"#,
    ),
    ("not a == 1", r#"[["a","!=",1]]"#),
    ("not a != 1", r#"[["a","=",1]]"#),
    ("not a > 1", r#"[["a","<=",1]]"#),
    ("not a <= 1", r#"[["a",">",1]]"#),
    ("not a < 1", r#"[["a",">=",1]]"#),
    ("not a >= 1", r#"[["a","<",1]]"#),
    ("not a in [1]", r#"[["a","nin",[1]]]"#),
    ("not a not in [1]", r#"[["a","in",[1]]]"#),
    ("not 'x' in a", r#"[["a","rnin","x"]]"#),
    ("not 'x' not in a", r#"[["a","rin","x"]]"#),
    ("not a.endswith('x')", r#"[["a","!$","x"]]"#),
    ("not not a == 1", r#"[["a","=",1]]"#),
    ("not not a.match('x')", r#"[["a","~","x"]]"#),
    ("not (a == 1 or b == 2)", r#"[["a","!=",1],["b","!=",2]]"#),
    (
        "not (a == 1 and b == 2)",
        r#"[["OR",[["a","!=",1],["b","!=",2]]]]"#,
    ),
    (
        "a == 1 and not (b == 2 or c == 3)",
        r#"[["a","=",1],["b","!=",2],["c","!=",3]]"#,
    ),
    (
        "x == 0 or not (a == 1 and b == 2)",
        r#"[["OR",[["x","=",0],["OR",[["a","!=",1],["b","!=",2]]]]]]"#,
    ),
    (
        "x == 0 or not (a == 1 or b == 2)",
        r#"[["OR",[["x","=",0],[["a","!=",1],["b","!=",2]]]]]"#,
    ),
    (
        "not (a.startswith('x') and not b in [1])",
        r#"[["OR",[["a","!^","x"],["b","in",[1]]]]]"#,
    ),
];

#[test]
fn conditions_translate_like_midcli() {
    for (condition, want) in MIDCLI_FILTERS {
        let q = parsed(&format!("* WHERE {condition}"));
        assert_eq!(Value::Array(q.filters), json(want), "{condition:?}");
        assert!(q.options.is_empty(), "{condition:?}");
        assert_eq!(q.columns, None);
    }
}

#[test]
fn and_not_use_the_server_forms() {
    for (condition, want) in REWRITTEN_FILTERS {
        let q = parsed(&format!("* WHERE {condition}"));
        assert_eq!(Value::Array(q.filters), json(want), "{condition:?}");
    }
}

#[test]
fn columns_and_where_keyword() {
    let cases: &[(&str, Option<&[&str]>, &str)] = &[
        ("", None, "[]"),
        ("   ", None, "[]"),
        ("\u{1c}", None, "[]"),
        ("*", None, "[]"),
        ("uid", Some(&["uid"]), "[]"),
        ("uid,username", Some(&["uid", "username"]), "[]"),
        ("uid , username", Some(&["uid", "username"]), "[]"),
        ("state.aliases,name", Some(&["state.aliases", "name"]), "[]"),
        ("a_1,B2", Some(&["a_1", "B2"]), "[]"),
        ("WHERE", Some(&["WHERE"]), "[]"),
        (
            "uid,username WHERE uid > 0",
            Some(&["uid", "username"]),
            r#"[["uid",">",0]]"#,
        ),
        ("*WHERE x == 1", None, r#"[["x","=",1]]"#),
        ("* where x == 1", None, r#"[["x","=",1]]"#),
        ("* Where x == 1", None, r#"[["x","=",1]]"#),
        ("  uid\tWHERE\tx == 1", Some(&["uid"]), r#"[["x","=",1]]"#),
        ("* WHERE ", None, "[]"),
        ("* WHERE   \n ", None, "[]"),
        ("uid WHERE x == 1  ", Some(&["uid"]), r#"[["x","=",1]]"#),
    ];
    for (text, columns, filters) in cases {
        let q = parsed(text);
        let want: Option<Vec<String>> =
            columns.map(|c| c.iter().map(std::string::ToString::to_string).collect());
        assert_eq!(q.columns, want, "{text:?}");
        assert_eq!(Value::Array(q.filters), json(filters), "{text:?}");
        assert!(q.options.is_empty(), "{text:?}");
    }
}

/// Whole inputs and midcli's exact messages (syntax errors in our own wording).
const ERRORS: &[(&str, &str)] = &[
    // midcli's own test cases
    ("* WHERE uid && 1", "invalid syntax\n uid && 1\n      ^"),
    ("* WHERE uid &", "invalid syntax\n uid &\n      ^"),
    // midcli refuses "WHERE uid == 1" (no column list); midclt accepts it as `* WHERE`
    // (see where_without_columns_is_an_extension_for_what_midcli_refuses).
    (
        "#test",
        "Expected {column [, column]... | '*'}, found '#'\n #test\n ^",
    ),
    (
        "* WHERE smb_account is not None",
        "Unsupported comparison operator: IsNot",
    ),
    ("* WHERE 'oo' in 1", "Unsupported right operand for `oo in`"),
    ("* WHERE 1 > uid", "Unsupported left operand Constant"),
    ("* WHERE gid > uid", "Unsupported right operand Name"),
    ("* WHERE 'OO'.upper()", "Unsupported callee Constant"),
    ("* WHERE username.isdigit()", "Unknown function name 'isdigit'"),
    (
        "* WHERE username.match('ROOT', re.IGNORECASE)",
        "Function match accepts 1 argument, given 2",
    ),
    (
        "* WHERE username.match('ROOT', flags=re.IGNORECASE)",
        "Function match does not accept keyword arguments",
    ),
    ("* WHERE ~uid", "Unknown unary expression Invert"),
    ("* WHERE uid", "Unsupported filter expression: Name"),
    // the rest of cli-syntax.md §6.3's table
    ("* WHERE a is None", "Unsupported comparison operator: Is"),
    (
        "* WHERE 1 < a < 5",
        "Too many comparators (expected 1, found 2",
    ),
    (
        "* WHERE a == b == c == d",
        "Too many comparators (expected 1, found 3",
    ),
    ("* WHERE 5 in [1]", "Unsupported right operand for `5 in`"),
    ("* WHERE 5 not in [1]", "Unsupported right operand for `5 nin`"),
    ("* WHERE 1.5 in [1]", "Unsupported right operand for `1.5 in`"),
    ("* WHERE 1e3 in 'x'", "Unsupported right operand for `1000.0 in`"),
    ("* WHERE None in [1]", "Unsupported right operand for `None in`"),
    ("* WHERE True in a.b", "Unsupported right operand for `True in`"),
    ("* WHERE b'x' in 1", "Unsupported right operand for `b'x' in`"),
    ("* WHERE -1 in 5", "Unsupported right operand for `-1 in`"),
    ("* WHERE [1] in a", "Unsupported left operand List"),
    ("* WHERE a.b == 1", "Unsupported left operand Attribute"),
    ("* WHERE a[0] == 1", "Unsupported left operand Subscript"),
    ("* WHERE a + 1 == 2", "Unsupported left operand BinOp"),
    ("* WHERE f'x' in a", "Unsupported left operand JoinedStr"),
    ("* WHERE a == 1 + 1", "Unsupported right operand BinOp"),
    ("* WHERE a == 2 ** 3", "Unsupported right operand BinOp"),
    ("* WHERE a == --1", "Unsupported right operand UnaryOp"),
    ("* WHERE a == +1", "Unsupported right operand UnaryOp"),
    ("* WHERE a == -b", "Unsupported right operand UnaryOp"),
    ("* WHERE a == -True", "Unsupported right operand UnaryOp"),
    ("* WHERE a == {}", "Unsupported right operand Dict"),
    ("* WHERE a == {'k': 1}", "Unsupported right operand Dict"),
    ("* WHERE a in [1, b]", "Unsupported right operand Name"),
    ("* WHERE a in [*b]", "Unsupported right operand Starred"),
    ("* WHERE a == f'x{y}'", "Unsupported right operand JoinedStr"),
    ("* WHERE a == x.y", "Unsupported right operand Attribute"),
    ("* WHERE a == f(1)", "Unsupported right operand Call"),
    ("* WHERE a == x[1:2]", "Unsupported right operand Subscript"),
    ("* WHERE a == [x for x in y]", "Unsupported right operand ListComp"),
    ("* WHERE a == {x for x in y}", "Unsupported right operand SetComp"),
    ("* WHERE a == {k: v for k, v in y}", "Unsupported right operand DictComp"),
    ("* WHERE a == (x for x in y)", "Unsupported right operand GeneratorExp"),
    ("* WHERE a == (lambda: 1)", "Unsupported right operand Lambda"),
    ("* WHERE a == (1 if b else 2)", "Unsupported right operand IfExp"),
    ("* WHERE a == (b := 1)", "Unsupported right operand NamedExpr"),
    ("* WHERE a == (await b)", "Unsupported right operand Await"),
    ("* WHERE a == (yield)", "Unsupported right operand Yield"),
    ("* WHERE a == (b == 1)", "Unsupported right operand Compare"),
    ("* WHERE a == (b or c)", "Unsupported right operand BoolOp"),
    ("* WHERE a.b.startswith('x')", "Unsupported callee Attribute"),
    (
        "* WHERE startswith(a, 'x')",
        "Unsupported callee type: <ast.Name object at 0x0>",
    ),
    ("* WHERE a()()", "Unsupported callee type: <ast.Call object at 0x0>"),
    ("* WHERE a.upper()", "Unknown function name 'upper'"),
    ("* WHERE a.startswith()", "Function startswith accepts 1 argument, given 0"),
    ("* WHERE a.endswith(*x)", "Unsupported right operand Starred"),
    ("* WHERE a.match(**x)", "Function match accepts 1 argument, given 0"),
    ("* WHERE a.match(b)", "Unsupported right operand Name"),
    ("* WHERE -uid", "Unknown unary expression USub"),
    ("* WHERE +uid", "Unknown unary expression UAdd"),
    ("* WHERE 1", "Unsupported filter expression: Constant"),
    ("* WHERE 'x'", "Unsupported filter expression: Constant"),
    ("* WHERE a == 1 if b else c", "Unsupported filter expression: IfExp"),
    ("* WHERE lambda: 1", "Unsupported filter expression: Lambda"),
    ("* WHERE a == 1, b == 2", "Unsupported filter expression: Tuple"),
    ("* WHERE a == 1,", "Unsupported filter expression: Tuple"),
    ("* WHERE a.match", "Unsupported filter expression: Attribute"),
    ("* WHERE [a == 1]", "Unsupported filter expression: List"),
    ("* WHERE a + b", "Unsupported filter expression: BinOp"),
    ("* WHERE a or 1", "Unsupported filter expression: Name"),
    ("* WHERE a == 1 or 1", "Unsupported filter expression: Constant"),
    ("* WHERE not b", "Unsupported filter expression: Name"),
    // midcli reports the first failure in its own (depth-first) order
    ("* WHERE a == b'x' or 1 > a", "Unsupported left operand Constant"),
    ("* WHERE a > b or c is d", "Unsupported right operand Name"),
    // values JSON cannot carry
    ("* WHERE a == b'x'", "Object of type bytes is not JSON serializable"),
    ("* WHERE b'x' in a", "Object of type bytes is not JSON serializable"),
    ("* WHERE a == 1j", "Object of type complex is not JSON serializable"),
    ("* WHERE a == ...", "Object of type ellipsis is not JSON serializable"),
    ("* WHERE a in [1, 1e400]", "Out of range float values are not JSON compliant"),
    // not
    ("* WHERE not a.match('x')", "Cannot negate a regular expression match"),
    (
        "* WHERE b == 1 and not (a.match('x') or c == 1)",
        "Cannot negate a regular expression match",
    ),
    // Python syntax errors
    ("* WHERE id = 1", "invalid syntax\n id = 1\n    ^"),
    (
        "* WHERE a in (b = 1)",
        "invalid syntax. Maybe you meant '==' or ':=' instead of '='?\n a in (b = 1)\n       ^",
    ),
    ("* WHERE a == 1\n  or b", "unexpected indent\n   or b\n   ^"),
    ("* WHERE (a == 1 or", "'(' was never closed\n (a == 1 or\n ^"),
    (
        "* WHERE (a == 1 b c",
        "invalid syntax. Perhaps you forgot a comma?\n (a == 1 b c\n  ^",
    ),
    (
        "* WHERE a in [1 2]",
        "invalid syntax. Perhaps you forgot a comma?\n a in [1 2]\n       ^",
    ),
    (
        "* WHERE a == 1 \\",
        "unexpected character after line continuation character\n a == 1 \\\n        ^",
    ),
    ("* WHERE a == 1 AND b == 2", "invalid syntax\n a == 1 AND b == 2\n        ^"),
    ("* WHERE a <> 1", "invalid syntax\n a <> 1\n   ^"),
    ("* WHERE a == 1 and", "invalid syntax\n a == 1 and\n           ^"),
    ("* WHERE a == 1 &&", "invalid syntax\n a == 1 &&\n         ^"),
    ("* WHERE a === 1", "invalid syntax\n a === 1\n     ^"),
    ("* WHERE a == not b", "invalid syntax\n a == not b\n      ^"),
    ("* WHERE a not b", "invalid syntax\n a not b\n   ^"),
    ("* WHERE a == $", "invalid syntax\n a == $\n      ^"),
    ("* WHERE a == !b", "invalid syntax\n a == !b\n      ^"),
    ("* WHERE a == 1 if b", "expected 'else' after 'if' expression\n a == 1 if b\n            ^"),
    (
        "* WHERE a == 'x",
        "unterminated string literal (detected at line 1)\n a == 'x\n      ^",
    ),
    (
        "* WHERE a == '''x\ny",
        "unterminated triple-quoted string literal (detected at line 2)\n a == '''x\n      ^",
    ),
    ("* WHERE (a == 1", "'(' was never closed\n (a == 1\n ^"),
    ("* WHERE a == 1)", "unmatched ')'\n a == 1)\n       ^"),
    (
        "* WHERE a in [1, 2)",
        "closing parenthesis ')' does not match opening parenthesis '['\n a in [1, 2)\n           ^",
    ),
    (
        "* WHERE a == 01",
        "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers\n a == 01\n      ^",
    ),
    ("* WHERE a == 1abc", "invalid decimal literal\n a == 1abc\n      ^"),
    ("* WHERE a == 1_", "invalid decimal literal\n a == 1_\n      ^"),
    ("* WHERE a == 1e", "invalid decimal literal\n a == 1e\n      ^"),
    ("* WHERE a == 0x", "invalid hexadecimal literal\n a == 0x\n      ^"),
    ("* WHERE a == 0b2", "invalid digit '2' in binary literal\n a == 0b2\n        ^"),
    (
        "* WHERE a == '\\x4'",
        "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape\n a == '\\x4'\n      ^",
    ),
    (
        "* WHERE a == b'é'",
        "bytes can only contain ASCII literal characters\n a == b'é'\n      ^",
    ),
    (
        "* WHERE a == 'x' b'y'",
        "cannot mix bytes and nonbytes literals\n a == 'x' b'y'\n      ^",
    ),
    ("* WHERE a → 1", "invalid character '→' (U+2192)\n a → 1\n   ^"),
    ("* WHERE a ==\u{a0}1", "invalid non-printable character U+00A0\n a ==\u{a0}1\n     ^"),
    ("* WHERE a ==\n1", "invalid syntax\n a ==\n     ^"),
    ("* WHERE a == 1\nb == 2", "invalid syntax\n b == 2\n ^"),
    ("* WHERE a == 1 \\ 2", "unexpected character after line continuation character\n a == 1 \\ 2\n         ^"),
    ("* WHERE.x == 1", "invalid syntax\n .x == 1\n ^"),
    ("* WHERE a.if == 1", "invalid syntax\n a.if == 1\n   ^"),
    (
        "* WHERE a.match(x=1, 2)",
        "positional argument follows keyword argument\n a.match(x=1, 2)\n              ^",
    ),
    (
        "* WHERE a.match(b.c=1)",
        "expression cannot contain assignment, perhaps you meant \"==\"?\n a.match(b.c=1)\n         ^",
    ),
    // the column list
    ("*,id", "Expected end of text, found ','\n *,id\n  ^"),
    ("uid, 1", "Expected end of text, found ','\n uid, 1\n    ^"),
    ("uid name", "Expected end of text, found 'n'\n uid name\n     ^"),
    ("_uid", "Expected {column [, column]... | '*'}, found '_'\n _uid\n ^"),
    ("  1abc", "Expected {column [, column]... | '*'}, found '1'\n   1abc\n   ^"),
    ("\u{a0}uid", "Expected {column [, column]... | '*'}, found '\\xa0'\n \u{a0}uid\n ^"),
    ("* WHERE", "Expected end of text, found 'W'\n * WHERE\n   ^"),
    ("uid WHERE", "Expected end of text, found 'W'\n uid WHERE\n     ^"),
    ("* WHERE$ x", "Expected end of text, found 'W'\n * WHERE$ x\n   ^"),
    ("**", "Expected end of text, found '*'\n **\n  ^"),
    ("uid\\", "Expected end of text, found '\\'\n uid\\\n    ^"),
    ("uid \"x", "Expected end of text, found '\"'\n uid \"x\n     ^"),
    ("uid 'x", "Expected end of text, found \"'\"\n uid 'x\n     ^"),
    ("uid\n  x", "Expected end of text, found 'x'\n   x\n   ^"),
    ("uid\tx", "Expected end of text, found 'x'\n uid     x\n         ^"),
    ("uid LIMITS 5", "Expected end of text, found 'L'\n uid LIMITS 5\n     ^"),
];

#[test]
fn errors_have_midcli_messages() {
    for (text, want) in ERRORS {
        assert_eq!(error(text), *want, "{text:?}");
    }
}

/// Whole inputs using the ORDER BY / LIMIT / OFFSET extension: (text, filters, options).
const EXTENSION: &[(&str, &str, &str)] = &[
    (
        "* WHERE a == 1 ORDER BY name",
        r#"[["a","=",1]]"#,
        r#"{"order_by":["name"]}"#,
    ),
    (
        "* where a == 1 order by name desc",
        r#"[["a","=",1]]"#,
        r#"{"order_by":["-name"]}"#,
    ),
    (
        "* ORDER BY name ASC, uid DESC NULLS LAST LIMIT 10 OFFSET 5",
        "[]",
        r#"{"order_by":["name","nulls_last:-uid"],"limit":10,"offset":5}"#,
    ),
    (
        "* WHERE a in [1, 2] Order By x Nulls First",
        r#"[["a","in",[1,2]]]"#,
        r#"{"order_by":["nulls_first:x"]}"#,
    ),
    ("* OFFSET 0", "[]", r#"{"offset":0}"#),
    ("* LIMIT 10000", "[]", r#"{"limit":10000}"#),
    ("* LIMIT +1", "[]", r#"{"limit":1}"#),
    ("*LIMIT 1", "[]", r#"{"limit":1}"#),
    ("* WHERE LIMIT 5", "[]", r#"{"limit":5}"#),
    (
        "* WHERE limit == 5 LIMIT 10",
        r#"[["limit","=",5]]"#,
        r#"{"limit":10}"#,
    ),
    (
        "* WHERE order == 1 ORDER BY order",
        r#"[["order","=",1]]"#,
        r#"{"order_by":["order"]}"#,
    ),
    (
        "* WHERE a == 1 and b == 2 LIMIT 3",
        r#"[["a","=",1],["b","=",2]]"#,
        r#"{"limit":3}"#,
    ),
    (
        "* WHERE a.startswith('x') ORDER BY state.name, b_2 LIMIT 1 OFFSET 2",
        r#"[["a","^","x"]]"#,
        r#"{"order_by":["state.name","b_2"],"limit":1,"offset":2}"#,
    ),
    (
        "* WHERE a == 1\nlimit 5",
        r#"[["a","=",1]]"#,
        r#"{"limit":5}"#,
    ),
    (
        "* WHERE a == 'LIMIT 5' LIMIT 6",
        r#"[["a","=","LIMIT 5"]]"#,
        r#"{"limit":6}"#,
    ),
    (
        "* WHERE a in [1,\r\n2]\r\nOFFSET 3",
        r#"[["a","in",[1,2]]]"#,
        r#"{"offset":3}"#,
    ),
    (
        "* WHERE a == 1 # c\nLIMIT 2",
        r#"[["a","=",1]]"#,
        r#"{"limit":2}"#,
    ),
    (
        "* WHERE a == 1 LIMIT 2\u{1c}",
        r#"[["a","=",1]]"#,
        r#"{"limit":2}"#,
    ),
    (
        "* WHERE a == -1 ORDER BY limit",
        r#"[["a","=",-1]]"#,
        r#"{"order_by":["limit"]}"#,
    ),
];

#[test]
fn extension_maps_to_options() {
    for (text, filters, options) in EXTENSION {
        let q = parsed(text);
        assert_eq!(Value::Array(q.filters), json(filters), "{text:?}");
        assert_eq!(Value::Object(q.options), json(options), "{text:?}");
    }
    let q = parsed("uid,name LIMIT 5");
    assert_eq!(q.columns, Some(vec!["uid".to_string(), "name".to_string()]));
    assert_eq!(Value::Object(q.options), json(r#"{"limit":5}"#));
}

const EXTENSION_ERRORS: &[(&str, &str)] = &[
    ("* LIMIT 0", "LIMIT must be between 1 and 10000, found '0'\n * LIMIT 0\n         ^"),
    (
        "* LIMIT 10001",
        "LIMIT must be between 1 and 10000, found '10001'\n * LIMIT 10001\n         ^",
    ),
    (
        "* LIMIT 99999999999999999999999",
        "LIMIT must be between 1 and 10000, found '99999999999999999999999'\n * LIMIT 99999999999999999999999\n         ^",
    ),
    ("* LIMIT x", "Expected an integer after LIMIT, found 'x'\n * LIMIT x\n         ^"),
    ("* LIMIT 5x", "Expected an integer after LIMIT, found '5x'\n * LIMIT 5x\n         ^"),
    ("* LIMIT", "Expected an integer after LIMIT, found end of text"),
    ("* OFFSET -1", "OFFSET must not be negative, found '-1'\n * OFFSET -1\n          ^"),
    ("* ORDER name", "Expected BY after ORDER, found 'name'\n * ORDER name\n         ^"),
    (
        "* WHERE a == 1 ORDER name",
        "invalid syntax\n a == 1 ORDER name\n        ^",
    ),
    (
        "* WHERE a == 1 or x in order",
        "Unsupported right operand Name",
    ),
    ("* ORDER BY", "Expected a field name, found end of text"),
    ("* ORDER BY -name", "Expected a field name, found '-'\n * ORDER BY -name\n            ^"),
    ("* ORDER BY name,", "Expected a field name, found end of text"),
    ("* ORDER BY name NULLS", "Expected FIRST or LAST after NULLS, found end of text"),
    (
        "* ORDER BY name DESC NULLS NONE",
        "Expected FIRST or LAST after NULLS, found 'NONE'\n * ORDER BY name DESC NULLS NONE\n                            ^",
    ),
    (
        "* LIMIT 5 ORDER BY name",
        "Expected OFFSET or end of text, found 'ORDER'\n * LIMIT 5 ORDER BY name\n           ^",
    ),
    (
        "* OFFSET 5 LIMIT 5",
        "Expected end of text, found 'LIMIT'\n * OFFSET 5 LIMIT 5\n            ^",
    ),
    (
        "* ORDER BY name DESCENDING",
        "Expected ASC, DESC, NULLS, ',', LIMIT, OFFSET or end of text, found 'DESCENDING'\n * ORDER BY name DESCENDING\n                 ^",
    ),
    (
        "* ORDER BY name ASC;",
        "Expected NULLS, ',', LIMIT, OFFSET or end of text, found ';'\n * ORDER BY name ASC;\n                    ^",
    ),
    (
        "* WHERE a == 1 LIMIT abc",
        "Expected an integer after LIMIT, found 'abc'\n * WHERE a == 1 LIMIT abc\n                      ^",
    ),
    (
        "* WHERE a == 1 LIMIT 5 x",
        "Expected OFFSET or end of text, found 'x'\n * WHERE a == 1 LIMIT 5 x\n                        ^",
    ),
    (
        "* WHERE limit == 5 LIMIT 0",
        "LIMIT must be between 1 and 10000, found '0'\n * WHERE limit == 5 LIMIT 0\n                          ^",
    ),
    ("* WHERE a == == 1 LIMIT 5", "invalid syntax\n a == == 1\n      ^"),
    ("* WHERE a == LIMIT 5", "invalid syntax\n a ==\n     ^"),
    ("* WHERE a == 1 LIMITS 5", "invalid syntax\n a == 1 LIMITS 5\n        ^"),
    ("* WHERE uid LIMIT 5", "Unsupported filter expression: Name"),
    ("* WHERE not a.match('x') LIMIT 5", "Cannot negate a regular expression match"),
    (
        "* WHERE a in [1 LIMIT 5",
        "invalid syntax. Perhaps you forgot a comma?\n a in [1 LIMIT 5\n       ^",
    ),
];

#[test]
fn extension_errors_point_at_the_token() {
    for (text, want) in EXTENSION_ERRORS {
        assert_eq!(error(text), *want, "{text:?}");
    }
}

#[test]
fn select_keeps_row_order() {
    let columns = vec!["name".to_string(), "id".to_string()];
    let cases = [
        (
            r#"[{"id":1,"x":0,"name":"a"},{"name":"b","y":2}]"#,
            r#"[{"id":1,"name":"a"},{"name":"b"}]"#,
        ),
        (r#"{"x":1,"name":"a","id":2}"#, r#"{"name":"a","id":2}"#),
        (r#"[1,"x",null,{"zz":1}]"#, r#"[1,"x",null,{}]"#),
        (r#"[[{"id":1,"q":2}]]"#, r#"[[{"id":1}]]"#),
        (r#"[{"state":{"name":1},"name.x":2}]"#, "[{}]"),
        ("5", "5"),
    ];
    for (rows, want) in cases {
        assert_eq!(select_columns(&json(rows), &columns), json(want), "{rows}");
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let deep = |open: &str, close: &str, n: usize| {
        format!("* WHERE a == {}1{}", open.repeat(n), close.repeat(n))
    };
    // The deepest accepted nesting must fit a 2 MiB test thread even unoptimised.
    assert!(parse(&deep("(", ")", 100)).is_ok());
    assert!(parse(&deep("[", "]", 100)).is_ok());
    assert!(parse(&deep("{", "}", 100)).is_ok());
    assert!(parse(&deep("a.startswith(", ")", 100)).is_err());
    let e = error(&deep("(", ")", 101));
    assert!(e.starts_with("expression too deeply nested"), "{e}");
    for text in [
        deep("-(", ")", 150),
        deep("[-", "]", 199),
        deep("[*", "]", 199),
        deep("{**", "}", 199),
        deep("-", "", 5000),
        deep("not ", "", 5000),
        deep("lambda: ", "", 5000),
        deep("a if b else ", "", 5000),
        deep("x**", "", 5000),
        deep("a(", ")", 150),
    ] {
        let e = error(&text);
        assert!(
            e.starts_with("expression too deeply nested")
                || e.starts_with("Unsupported")
                || e.starts_with("invalid syntax"),
            "{e}"
        );
    }
    let e = error(&deep("(", ")", 201));
    assert!(e.starts_with("too many nested parentheses"), "{e}");
}

#[test]
fn huge_integers_are_bounded() {
    let big = "9".repeat(4300);
    let q = parsed(&format!("* WHERE a == {big}"));
    assert_eq!(q.filters[0][2].to_string(), big);
    let e = error(&format!("* WHERE a == {}", "9".repeat(4301)));
    assert!(e.starts_with("Exceeds the limit (4300 digits)"), "{e}");
    let e = error(&format!("* WHERE a == 0x{}", "f".repeat(5000)));
    assert!(e.starts_with("Exceeds the limit (4300 digits)"), "{e}");
}

#[test]
fn display_is_the_message() {
    let e = QueryError::new("x\n y");
    assert_eq!(e.to_string(), "x\n y");
}

/// A tiny deterministic generator (xorshift), so the test needs no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "*",
    "uid",
    ",",
    " ",
    "WHERE",
    "where",
    "a",
    "==",
    "!=",
    "<",
    ">=",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"",
    "'''",
    "\\",
    "#",
    "\n",
    "\r",
    "\t",
    "and",
    "or",
    "not",
    "in",
    "is",
    "1",
    "0x",
    "0b",
    "1e",
    ".",
    "_",
    "-",
    "+",
    "~",
    "ORDER BY",
    "LIMIT",
    "OFFSET",
    "DESC",
    "NULLS",
    "FIRST",
    "é",
    "→",
    "\u{0}",
    "\u{a0}",
    "\u{1c}",
    "b'",
    "f'",
    "r'",
    "lambda",
    ":",
    "=",
    ":=",
    "**",
    "for",
    "if",
    "else",
    "yield",
    "await",
    "...",
    "j",
    "\\x",
    "\\u",
    "\\U",
    "\\N{",
    "\\777",
    ".match(",
    ".startswith(",
    "😀",
    "0",
    "9",
    "True",
    "null",
    "\\ud800",
    "$",
    "!",
    "<>",
    "5",
    "10001",
];

#[test]
fn mangled_inputs_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let seeds: Vec<&str> = MIDCLI_FILTERS
        .iter()
        .chain(REWRITTEN_FILTERS)
        .map(|(c, _)| *c)
        .chain(ERRORS.iter().map(|(t, _)| *t))
        .chain(EXTENSION.iter().map(|(t, _, _)| *t))
        .collect();
    for round in 0..30_000 {
        let text = if round % 3 == 2 {
            let n = rng.below(40);
            (0..n)
                .map(|_| char::from_u32(32 + rng.below(95) as u32).unwrap_or(' '))
                .collect::<String>()
        } else if round % 3 == 0 {
            let n = 1 + rng.below(24);
            (0..n)
                .map(|_| FRAGMENTS[rng.below(FRAGMENTS.len())])
                .collect::<String>()
        } else {
            let seed = seeds[rng.below(seeds.len())];
            let mut chars: Vec<char> = format!("* WHERE {seed}").chars().collect();
            for _ in 0..=rng.below(4) {
                let at = rng.below(chars.len() + 1);
                match rng.below(3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 => {
                        let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                        for (k, c) in frag.chars().enumerate() {
                            chars.insert(at + k, c);
                        }
                    }
                    _ => chars.truncate(at),
                }
            }
            chars.into_iter().collect()
        };
        if let Ok(q) = parse(&text) {
            // Whatever parses must be sendable.
            assert!(serde_json::to_string(&q.filters).is_ok(), "{text:?}");
        }
    }
}

#[test]
fn where_without_columns_is_an_extension_for_what_midcli_refuses() {
    let q = parsed("WHERE uid > 5");
    assert_eq!(q.columns, None);
    assert_eq!(
        Value::Array(q.filters),
        serde_json::json!([["uid", ">", 5]])
    );
    let q = parsed("  where name == 'x' ORDER BY id");
    assert_eq!(
        Value::Array(q.filters),
        serde_json::json!([["name", "=", "x"]])
    );
    assert_eq!(q.options["order_by"], serde_json::json!(["id"]));
    // What midcli accepts keeps midcli's meaning: a column called `where`.
    assert_eq!(parsed("where").columns, Some(vec!["where".to_string()]));
    let q = parsed("where WHERE id == 1");
    assert_eq!(q.columns, Some(vec!["where".to_string()]));
    // A bad condition reports the condition's error.
    assert!(
        error("WHERE uid >").contains("invalid syntax"),
        "{}",
        error("WHERE uid >")
    );
}
