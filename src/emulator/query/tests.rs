use super::filters::casefold;
use super::options::TOO_LONG;
use super::*;
use crate::py::datetime::datetime_from_iso as parse_iso;
use crate::py::repr::value_repr as py_repr;
use serde_json::json;

const DATA: &str = r#"[{"id": 1, "foo": "foo1", "number": 1, "list": [1]},
    {"id": 2, "foo": "foo2", "number": 2, "list": [2]},
    {"id": 3, "foo": "_foo_", "number": 3, "list": [3]}]"#;
const NULLS: &str = r#"[{"id": 1, "foo": "foo1"}, {"id": 2, "foo": "foo2"},
    {"id": 3, "foo": "_foo_"}, {"id": 4, "foo": null}, {"id": 5}]"#;
const CASED: &str = r#"[{"id": 1, "foo": "foo"}, {"id": 2, "foo": "Foo"},
    {"id": 3, "foo": "foO_"}, {"id": 4, "foo": "bar"}]"#;

fn parse(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("bad test JSON {s}: {e}"))
}

/// Runs cases written `filters => [options =>] expected`. `expected` is the result as JSON,
/// `#[..]` for the `id`s of the returned rows, `!attr|message` (`;`-separated) for
/// `Invalid`, or `!!` for `MatchNotFound`.
fn check(rows: &str, cases: &[&str]) {
    let rows = parse(rows).as_array().cloned().unwrap_or_default();
    for case in cases {
        let parts: Vec<&str> = case.split(" => ").collect();
        let (filters, options, expected) = match parts[..] {
            [f, o, e] => (f, o, e),
            [f, e] => (f, "{}", e),
            _ => panic!("bad case {case}"),
        };
        let got = match run_query(rows.clone(), &parse(filters), &parse(options)) {
            Ok(Value::Array(a)) if expected.starts_with('#') => Ok(a
                .iter()
                .map(|r| r.get("id").cloned().unwrap_or_default())
                .collect()),
            other => other,
        };
        let want = match expected.strip_prefix('!') {
            Some("!") => Err(QueryError::MatchNotFound),
            Some(errs) => Err(QueryError::Invalid(
                errs.split(';')
                    .map(|e| e.split_once('|').unwrap_or((e, "")))
                    .map(|(a, m)| (a.to_string(), m.to_string()))
                    .collect(),
            )),
            None => Ok(parse(expected.trim_start_matches('#'))),
        };
        assert_eq!(got, want, "case {case}");
    }
}

#[test]
fn comparison_operators() {
    check(
        DATA,
        &[
            r#"[["foo", "=", "foo1"]] => #[1]"#,
            r#"[["foo", "!=", "foo1"]] => #[2, 3]"#,
            r#"[["number", ">", 1]] => #[2, 3]"#,
            r#"[["number", ">=", 2]] => #[2, 3]"#,
            r#"[["number", "<", 3]] => #[1, 2]"#,
            r#"[["number", "<=", 1]] => #[1]"#,
            r#"[["number", "=", 2.0]] => #[2]"#,
            r#"[["number", "=", true]] => #[1]"#,
            r#"[["number", "<", 2.5]] => #[1, 2]"#,
            r#"[["foo", ">", "foo1"]] => #[2]"#,
            r#"[["list", ">=", [2]]] => #[2, 3]"#,
            r#"[["foo", "=", 1], ["list", "!=", 1]] => #[]"#,
        ],
    );
    check(
        r#"[{"id": 1, "v": 123456789012345678901234567890}, {"id": 2, "v": 1e300}, {"id": 3, "v": -0}]"#,
        &[
            r#"[["v", "=", 123456789012345678901234567890]] => #[1]"#,
            r#"[["v", ">", 123456789012345678901234567889]] => #[1, 2]"#,
            r#"[["v", "=", 0]] => #[3]"#,
        ],
    );
}

#[test]
fn incompatible_comparisons_raise() {
    check(
        DATA,
        &[
            r#"[["foo", ">", 1]] => !filters|'>' not supported between instances of 'str' and 'int'"#,
            r#"[["number", "=", 9], ["foo", ">", 1]] => #[]"#,
            r#"[["OR", [["number", "=", 1], ["foo", ">", 1]]]] => {"get": true, "select": ["id"]} => {"id": 1}"#,
        ],
    );
    check("[]", &[r#"[["foo", ">", 1]] => []"#]);
    check(
        NULLS,
        &[
            r#"[["id", "=", 4], ["foo", "<=", 1]] => !filters|'<=' not supported between instances of 'NoneType' and 'int'"#,
        ],
    );
}

#[test]
fn null_and_missing_fields() {
    check(
        NULLS,
        &[
            r#"[["foo", "=", null]] => #[4]"#,
            r#"[["foo", "!=", null]] => #[1, 2, 3]"#,
            r#"[["canary", "in", "canary2"]] => #[]"#,
            r#"[["foo", "in", ["foo1", null]]] => #[1, 4]"#,
            r#"[["foo", "nin", ["foo1"]]] => #[2, 3]"#,
            r#"[["foo", "rin", "o"]] => #[1, 2, 3]"#,
            r#"[["foo", "rnin", "1"]] => #[2, 3]"#,
            r#"[["foo", "^", "f"]] => #[1, 2]"#,
            r#"[["foo", "!^", "f"]] => #[3]"#,
            r#"[["foo", "$", "_"]] => #[3]"#,
            r#"[["foo", "!$", "_"]] => #[1, 2]"#,
            r#"[["foo", "~", "^$"]] => #[4]"#,
            r#"[["foo", "C!=", "FOO1"]] => #[2, 3, 4]"#,
        ],
    );
}

#[test]
fn regex_operator() {
    check(
        NULLS,
        &[
            r#"[["foo", "~", "foo"]] => #[1, 2]"#,
            r#"[["foo", "~", ".*foo.*"]] => #[1, 2, 3]"#,
            r#"[["foo", "~", "(?i)FOO1"]] => #[1]"#,
            r#"[["foo", "~", "x*"]] => #[1, 2, 3, 4]"#,
            r#"[["foo", "~", "foo\\Z"]] => #[]"#,
            r#"[["foo", "~", "_foo_\\Z"]] => #[3]"#,
            r#"[["id", "~", "1"]] => !filters|expected string or bytes-like object, got 'int'"#,
        ],
    );
    // C~ folds the field but compiles the pattern as given.
    check(
        CASED,
        &[
            r#"[["foo", "C~", "foo"]] => #[1, 2, 3]"#,
            r#"[["foo", "C~", "FOO"]] => #[]"#,
        ],
    );
}

#[test]
fn membership_and_affix_operators() {
    check(
        DATA,
        &[
            r#"[["number", "in", [1, 3]]] => #[1, 3]"#,
            r#"[["number", "nin", [1, 3]]] => #[2]"#,
            r#"[["number", "in", [2.0, true]]] => #[1, 2]"#,
            r#"[["list", "rin", 1]] => #[1]"#,
            r#"[["list", "rnin", 1]] => #[2, 3]"#,
            r#"[["foo", "in", "xfoo1x"]] => #[1]"#,
            r#"[["foo", "^", "foo"]] => #[1, 2]"#,
            r#"[["foo", "!^", "foo"]] => #[3]"#,
            r#"[["foo", "$", "_"]] => #[3]"#,
            r#"[["foo", "!$", "_"]] => #[1, 2]"#,
            r#"[["number", "in", "123"]] => !filters|'in <string>' requires string as left operand, not int"#,
            r#"[["number", "rin", 1]] => !filters|argument of type 'int' is not iterable"#,
            r#"[["number", "^", "1"]] => !filters|must be str, not int"#,
            r#"[["foo", "$", 1]] => !filters|must be str, not int"#,
        ],
    );
    check(
        r#"[{"id": 1, "m": {"k": 1}}]"#,
        &[
            r#"[["m", "rin", "k"]] => #[1]"#,
            r#"[["m", "rin", 1]] => #[]"#,
            r#"[["m", "rin", [1]]] => !filters|unhashable type: 'list'"#,
        ],
    );
}

#[test]
fn case_insensitive_operators() {
    check(
        CASED,
        &[
            r#"[["foo", "C=", "FOO"]] => #[1, 2]"#,
            r#"[["foo", "C^", "F"]] => #[1, 2, 3]"#,
            r#"[["foo", "C!^", "F"]] => #[4]"#,
            r#"[["foo", "C$", "foo"]] => #[1, 2]"#,
            r#"[["foo", "C!$", "O"]] => #[3, 4]"#,
            r#"[["foo", "Cin", "foo"]] => #[1, 2]"#,
            r#"[["foo", "Crin", "foo"]] => #[1, 2, 3]"#,
            r#"[["foo", "Cnin", "foo"]] => #[3, 4]"#,
            r#"[["foo", "Crnin", "foo"]] => #[4]"#,
            r#"[["foo", "Cin", ["FOO", "BAR"]]] => #[1, 2, 4]"#,
            r#"[["foo", "C>", "FOO"]] => #[3]"#,
            r#"[["id", "C=", "1"]] => !filters|filter_list: cannot casefold value of type int"#,
        ],
    );
    check(
        r#"[{"id": 1, "n": "STRASSE", "t": ["A", "b"]}, {"id": 2, "t": [1]}]"#,
        &[
            r#"[["n", "C=", "straße"]] => #[1]"#,
            r#"[["t", "Crin", "a"]] => !filters|'int' object has no attribute 'casefold'"#,
        ],
    );
}

#[test]
fn or_nesting_and_depth() {
    let deep = "!filters|Value error, query-filters max recursion depth exceeded";
    check(
        DATA,
        &[
            r#"[["OR", [["number", "=", 1], ["number", "=", 200]]]] => #[1]"#,
            r#"[["OR", [[["number", "=", 1], ["foo", "=", "foo1"]], ["number", "=", 2]]]] => #[1, 2]"#,
            r#"[["OR", [[["number", "=", 1], ["foo", "=", "foo2"]], ["number", "=", 2]]]] => #[2]"#,
            r#"[["OR", [["number", "=", 1], ["number", "=", 3]]], ["foo", "^", "_"]] => #[3]"#,
            r#"[["OR", []]] => #[]"#,
            r#"[["OR", [["OR", [["OR", [["number", "=", 1]]], ["foo", "=", "x"]]], ["number", "=", 2]]]] => #[1, 2]"#,
            &format!(r#"[["OR", [["OR", [["OR", [["OR", [["number", "=", 1]]]]]]]]]] => {deep}"#),
            &format!(r#"[["OR", [[["OR", [[["OR", [["number", "=", 1]]]]]]]]]] => {deep}"#),
        ],
    );
}

#[test]
fn paths_indexes_wildcards_and_escapes() {
    let rows = r#"[
        {"id": 1, "a": {"b": 42}, "a.b": 7, "l": [{"n": 1}, {"n": 2}], "deep": [{"x": [{"n": 5}]}]},
        {"id": 2, "a": "scalar", "l": [{"n": 3}, "canary", 4, null], "deep": []},
        {"id": 3, "a": null, "l": null, "m": {"*": 1, "k": 2}},
        "not-an-object"]"#;
    check(
        rows,
        &[
            r#"[["a.b", "=", 42]] => #[1]"#,
            r#"[["a\\.b", "=", 7]] => #[1]"#,
            r#"[["l.1.n", "=", 2]] => #[1]"#,
            r#"[["l.+0.n", "=", 3]] => #[2]"#,
            r#"[["l.9", "=", null]] => #[1, 2, 3]"#,
            r#"[["l.x", "=", null]] => #[3]"#,
            r#"[["l.*.n", "in", [2, 3]]] => #[1, 2]"#,
            r#"[["l.*.n", ">=", 2]] => !filters|'>=' not supported between instances of 'NoneType' and 'int'"#,
            r#"[["deep.*.x.*.n", "=", 5]] => #[1]"#,
            r#"[["a.b", "=", "scalar"]] => #[2]"#,
            r#"[["m.*", "=", 2]] => #[]"#,
            r#"[["m.*", "=", 1]] => #[3]"#,
            r#"[["b", "=", "not-an-object"]] => ["not-an-object"]"#,
        ],
    );
}

#[test]
fn date_suffix() {
    let rows = r#"[{"id": "a", "ts": {"$date": 1702915830000}}, {"id": "b", "ts": {"$date": 1702915833000}},
        {"id": "c", "ts": {"$date": 1702916135000}}, {"id": "d", "ts": {"$date": 1702916155000}},
        {"id": "e", "ts": {"$date": 1702916485000}}]"#;
    let iso = "must be an ISO-8601 formatted timestamp string";
    check(
        rows,
        &[
            r#"[["ts.$date", ">", "2023-12-18T16:15:35+00:00"]] => #["d", "e"]"#,
            r#"[["ts.$date", "<", "2023-12-18T16:15:35Z"]] => #["a", "b"]"#,
            r#"[["ts.$date", "=", "2023-12-18T16:15:35"]] => #["c"]"#,
            r#"[["ts.$date", "!=", "2023-12-18 17:15:35.000+01:00"]] => #["a", "b", "d", "e"]"#,
            r#"[["ts.$date", "<=", "20231218T161030"]] => #["a"]"#,
            r#"[["ts.$date", ">=", "2023-12-18T11:15:54.5-05:00"]] => #["d", "e"]"#,
            &format!(r#"[["ts.$date", "=", "Canary"]] => !filters|Value error, Canary: {iso}"#),
            &format!(r#"[["ts.$date", "=", 1]] => !filters|Value error, 1: {iso}"#),
            &format!(
                r#"[["ts.$date", "=", "2023-02-30"]] => !filters|Value error, 2023-02-30: {iso}"#
            ),
            r#"[["ts.$date", "^", "2023-12-18"]] => !filters|Value error, ^: invalid timestamp operation."#,
            r#"[["OR", [["ts.$date", "C=", "x"]]]] => !filters|Value error, C=: invalid timestamp operation."#,
        ],
    );
    // ejson datetimes in filter values (decoded to datetimes upstream) and in order_by.
    check(
        rows,
        &[
            r#"[["ts", ">=", {"$date": 1702916155000}]] => #["d", "e"]"#,
            r#"[["ts", "=", {"$date": 1702915833000.0}]] => #["b"]"#,
            r#"[["ts", "<", 5]] => !filters|'<' not supported between instances of 'datetime.datetime' and 'int'"#,
            r#"[] => {"order_by": ["-ts"], "limit": 2} => #["e", "d"]"#,
        ],
    );
    // A field that is not an ejson datetime compares like any other type against one.
    check(
        r#"[{"id": "f", "ts": "2023"}]"#,
        &[
            r#"[["ts.$date", "!=", "2023-12-18"]] => #["f"]"#,
            r#"[["ts.$date", ">", "2023-12-18"]] => !filters|'>' not supported between instances of 'str' and 'datetime.datetime'"#,
        ],
    );
}

#[test]
fn filter_validation() {
    let len2 = r#"!filters|Value error, filter_list: len-2 filter must start with "OR""#;
    check(
        "[]",
        &[
            r"{} => !filters|Input should be a valid list",
            r"null => !filters|Input should be a valid list",
            r#"[["a", "??", 1]] => !filters|Value error, filter_list: unknown operator '??'"#,
            r#"[["a", "Cfoo", 1]] => !filters|Value error, filter_list: unknown operator 'foo'"#,
            r#"[["a", "C", 1]] => !filters|Value error, filter_list: unknown operator ''"#,
            &format!(r#"[["AND", [["a", "=", 1]]]] => {len2}"#),
            // query_methods.rst shows this top-level form, but the string "OR" is a len-2 filter.
            &format!(r#"["OR", [["a", "=", 1]]] => {len2}"#),
            r#"[["a", "=", 1, 2]] => !filters|Value error, filter_list: invalid filter length 4"#,
            r#"[["a", 5, 1]] => !filters|bad argument type for built-in operation"#,
            r#"[[5, "=", 1]] => !filters|must be str, not int"#,
            r"[5] => !filters|object of type 'int' has no len()",
            r#"[{"a": 1}] => !filters|dict is not a sequence"#,
            r#"[["OR", [[]]]] => !filters|list index out of range"#,
            r#"[["OR", [5]]] => !filters|'int' object does not support indexing"#,
            r#"[["OR", "ab"]] => !filters|Value error, filter_list: invalid filter length 1"#,
            r#"[["a", "~", 5]] => !filters|first argument must be string or compiled pattern"#,
            r#"[["a", "~", "(x"]] => !filters|bad regular expression '(x': unclosed group"#,
            r#"[["a", "C~", "x"], ["OR", [["b", "=", 1]]], ["d", "=", {"k": [1]}]] => []"#,
        ],
    );
    // A string is a sequence upstream: "a=b" reads as ["a", "=", "b"].
    check(
        r#"[{"id": 1, "a": "b"}, {"id": 2, "a": "c"}]"#,
        &[r#"["a=b"] => #[1]"#],
    );
}

#[test]
fn option_validation() {
    let long = "x".repeat(1025);
    check(
        "[]",
        &[
            r#"[] => {"extra": {"x": 1}, "force_sql_filters": true, "delete_invalid_rows": false} => []"#,
            "[] => null => !options|Input should be a valid dictionary or instance of QueryOptions",
            r#"[] => {"bogus": 1} => !options.bogus|Extra inputs are not permitted"#,
            r#"[] => {"limit": "5"} => !options.limit|Input should be a valid integer"#,
            r#"[] => {"limit": 5.0} => !options.limit|Input should be a valid integer"#,
            r#"[] => {"offset": true} => !options.offset|Input should be a valid integer"#,
            r#"[] => {"limit": 10001} => !options.limit|Input should be less than or equal to 10000"#,
            r#"[] => {"limit": -1} => !options.limit|Input should be greater than or equal to 0"#,
            r#"[] => {"offset": -1} => !options.offset|Input should be greater than or equal to 0"#,
            r#"[] => {"count": 1} => !options.count|Input should be a valid boolean"#,
            r#"[] => {"get": "true"} => !options.get|Input should be a valid boolean"#,
            r#"[] => {"force_sql_filters": null} => !options.force_sql_filters|Input should be a valid boolean"#,
            r#"[] => {"extra": []} => !options.extra|Input should be a valid dictionary"#,
            r#"[] => {"order_by": "name"} => !options.order_by|Input should be a valid list"#,
            r#"[] => {"order_by": ["a", 1]} => !options.order_by.1|Input should be a valid string"#,
            r#"[] => {"select": {}} => !options.select|Input should be a valid list"#,
            r#"[] => {"delete_invalid_rows": true} => !options.delete_invalid_rows|Extra inputs are not permitted"#,
            r#"[] => {"delete_invalid_rows": 0} => !options.delete_invalid_rows|Input should be a valid boolean"#,
            &format!(r#"[] => {{"order_by": ["{long}"]}} => !options.order_by.0|{TOO_LONG}"#),
            &format!(r#"[] => {{"select": ["{}"]}} => []"#, "é".repeat(1024)),
            // Errors of both arguments together; union-member errors tagged `list[any]` last.
            concat!(
                r#"[["a", "??", 1]] => {"zz": 1, "select": [5], "limit": "x"} => "#,
                r#"!filters|Value error, filter_list: unknown operator '??';"#,
                r#"options.select.0.constrained-str|Input should be a valid string;"#,
                r#"options.limit|Input should be a valid integer;"#,
                r#"options.zz|Extra inputs are not permitted;"#,
                r#"options.select.0|Input should be a valid list"#
            ),
            // Only a ValueError becomes a validation error; anything else aborts pydantic.
            r#"[[1, "=", 1]] => {"zz": 1} => !filters|must be str, not int"#,
        ],
    );
}

#[test]
fn option_combinations_refused_by_filter_list() {
    let two = "select as list may only contain two parameters";
    check(
        DATA,
        &[
            r#"[] => {"get": true, "limit": 2} => !options|Value error, get=True is incompatible with limit > 1"#,
            r#"[] => {"get": true, "offset": 1} => !options|Value error, get=True is incompatible with offset"#,
            &format!(r#"[] => {{"select": [["a"]]}} => !options|Value error, ['a']: {two}"#),
            &format!(
                r#"[] => {{"select": [["a", "b", "c"]]}} => !options|Value error, ['a', 'b', 'c']: {two}"#
            ),
            r#"[] => {"select": [[1, "x"]]} => !options|Value error, [1, 'x']: first item must be a string"#,
            r#"[] => {"select": [["it's", null]]} => !options|Value error, ["it's", None]: second item must be a string"#,
            r#"[] => {"order_by": ["-"]} => !options|Value error, filter_list: order_by field name is empty"#,
            r#"[] => {"order_by": ["nulls_last:"]} => !options|Value error, filter_list: order_by field name is empty"#,
            r#"[["x", "??", 1]] => {"get": true, "offset": 1} => !filters|Value error, filter_list: unknown operator '??'"#,
        ],
    );
}

#[test]
fn order_by() {
    let rows = r#"[{"id": 1, "score": 2, "name": "charlie", "u": {"n": "b"}},
        {"id": 2, "score": 1, "name": "bob", "u": {"n": "a"}},
        {"id": 3, "score": 2, "name": "alice", "u": {"n": "d"}},
        {"id": 4, "score": 1, "name": "dave", "u": {"n": "c"}}]"#;
    check(
        rows,
        &[
            r#"[] => {"order_by": ["score"]} => #[2, 4, 1, 3]"#,
            r#"[] => {"order_by": ["-score"]} => #[1, 3, 2, 4]"#,
            r#"[] => {"order_by": ["score", "name"]} => #[2, 4, 3, 1]"#,
            r#"[] => {"order_by": ["score", "-name"]} => #[4, 2, 1, 3]"#,
            r#"[] => {"order_by": ["-score", "name"]} => #[3, 1, 2, 4]"#,
            r#"[] => {"order_by": ["-u.n"]} => #[3, 4, 1, 2]"#,
            r#"[] => {"order_by": ["missing"]} => #[1, 2, 3, 4]"#,
            r#"[] => {"order_by": ["-score"], "offset": 1, "limit": 2} => #[3, 2]"#,
        ],
    );
    let groups = r#"[{"id": "wheel", "gid": 0, "b": true}, {"id": "staff", "gid": 0, "b": false},
        {"id": "root", "gid": 0, "b": true}, {"id": "sudo", "gid": 1, "b": true}]"#;
    check(
        groups,
        &[
            r#"[] => {"order_by": ["gid", "-b", "id"]} => #["root", "wheel", "staff", "sudo"]"#,
            r#"[] => {"order_by": ["-b", "gid", "-id"]} => #["wheel", "root", "sudo", "staff"]"#,
        ],
    );
}

#[test]
fn order_by_nulls() {
    check(
        NULLS,
        &[
            r#"[] => {"order_by": ["nulls_first:foo"]} => #[4, 5, 3, 1, 2]"#,
            r#"[] => {"order_by": ["nulls_last:foo"]} => #[3, 1, 2, 4, 5]"#,
            r#"[] => {"order_by": ["nulls_first:-foo"]} => #[4, 5, 2, 1, 3]"#,
            r#"[] => {"order_by": ["-nulls_first:foo"]} => #[1, 2, 3, 4, 5]"#,
            r#"[] => {"order_by": ["foo"]} => !options|'<' not supported between instances of 'NoneType' and 'str'"#,
        ],
    );
    // Nulls are found by looking the raw field up at the top level only, so with a dotted
    // key every row lands in the (unsorted) null group, as upstream.
    check(
        r#"[{"id": 1, "u": {"n": 2}}, {"id": 2, "u": {"n": 1}}]"#,
        &[
            r#"[] => {"order_by": ["nulls_last:u.n"]} => #[1, 2]"#,
            r#"[] => {"order_by": ["u.n"]} => #[2, 1]"#,
        ],
    );
}

#[test]
fn select() {
    check(
        r#"[{"foo": "x", "n": 1, "o": {"s": {"m": 4}, "t": 5}, "foo.bar": 45, "l": [1], "z": null}]"#,
        &[
            r#"[] => {"select": ["n", "foo"]} => [{"n": 1, "foo": "x"}]"#,
            r#"[] => {"select": ["o.s.m", "o.t"]} => [{"o": {"s": {"m": 4}, "t": 5}}]"#,
            r#"[] => {"select": [["o.s.m", "data"], "n"]} => [{"data": 4, "n": 1}]"#,
            r#"[] => {"select": ["foo\\.bar"]} => [{"foo.bar": 45}]"#,
            r#"[] => {"select": ["missing", "z", "foo.x"]} => [{"z": null}]"#,
            r#"[] => {"select": ["l"]} => [{"l": [1]}]"#,
            r#"[] => {"select": ["l.0"]} => !options|filter_list: selecting by list index is not supported"#,
            r#"[] => {"select": ["n"], "get": true} => {"n": 1}"#,
            r#"[["n", "=", 2]] => {"select": ["l.0"]} => []"#,
        ],
    );
    check(
        DATA,
        &[
            r#"[] => {"select": ["foo"], "order_by": ["-number"]} => [{"foo": "foo1"}, {"foo": "foo2"}, {"foo": "_foo_"}]"#,
            r#"[] => {"select": [["number", "id"]], "order_by": ["-id"]} => #[3, 2, 1]"#,
        ],
    );
    check(
        NULLS,
        &[r#"[["id", "=", 4]] => {"select": ["foo"], "get": true} => {"foo": null}"#],
    );
}

#[test]
fn count_get_offset_limit() {
    check(
        DATA,
        &[
            r#"[] => {"count": true, "offset": 1, "limit": 1} => 3"#,
            r#"[["number", ">", 1]] => {"count": true} => 2"#,
            // get without order_by stops at the first match, so count then sees one row.
            r#"[] => {"count": true, "get": true} => 1"#,
            r#"[] => {"count": true, "get": true, "order_by": ["foo"]} => 3"#,
            r#"[] => {"get": true, "select": ["id"]} => {"id": 1}"#,
            // order_by runs after select: an unselected key reads null everywhere.
            r#"[] => {"get": true, "order_by": ["-number"], "select": ["id"]} => {"id": 1}"#,
            r#"[] => {"get": true, "order_by": ["-number"], "select": ["id", "number"]} => {"id": 3, "number": 3}"#,
            r#"[] => {"get": true, "limit": 1, "select": ["id"]} => {"id": 1}"#,
            r#"[["number", "=", 9]] => {"get": true} => !!"#,
            r#"[] => {"offset": 1} => #[2, 3]"#,
            r#"[] => {"limit": 2} => #[1, 2]"#,
            r#"[] => {"offset": 1, "limit": 1} => #[2]"#,
            r#"[] => {"offset": 99} => #[]"#,
            r#"[] => {"limit": 0} => #[1, 2, 3]"#,
            r#"[] => {"offset": 123456789012345678901234567890} => #[]"#,
            r#"[] => {"force_sql_filters": true, "extra": {"raw": 1}} => #[1, 2, 3]"#,
        ],
    );
    check(
        "[]",
        &[
            r#"[] => {"get": true} => !!"#,
            r#"[] => {"count": true} => 0"#,
        ],
    );
}

#[test]
fn matches_and_validate() {
    let row = json!({"state": "RUNNING", "id": 5});
    assert_eq!(
        matches(&row, &json!([["state", "in", ["RUNNING", "WAITING"]]])),
        Ok(true)
    );
    assert_eq!(
        matches(
            &row,
            &json!([["OR", [["id", "=", 1], ["state", "=", "x"]]]])
        ),
        Ok(false)
    );
    assert_eq!(matches(&row, &json!([])), Ok(true));
    let cmp = "'>' not supported between instances of 'int' and 'str'";
    assert_eq!(
        matches(&row, &json!([["id", ">", "a"]])),
        Err(invalid("filters", cmp))
    );
    assert_eq!(
        matches(&row, &json!("x")),
        Err(invalid("filters", "Input should be a valid list"))
    );
    assert_eq!(validate(&json!([]), &json!({})), Ok(()));
    let limit = invalid("options.limit", "Input should be a valid integer");
    assert_eq!(validate(&json!([]), &json!({"limit": "5"})), Err(limit));
}

#[test]
fn helpers_follow_python() {
    let repr = py_repr(&json!({"k": [1.5, true, null, "a\"b", "it's", "\n\u{1}", -0]}));
    assert_eq!(
        repr,
        r#"{'k': [1.5, True, None, 'a"b', "it's", '\n\x01', 0]}"#
    );
    assert_eq!(casefold("ẞΣσςµſﬁÀ"), "ssσσσμsfià");
    assert_eq!(split_path("a\\.b.c\\"), ["a.b", "c\\"]);
    let idx = [" 7", "-0", "-1", "1x", ""].map(c_index);
    assert_eq!(idx, [Some(7), Some(0), None, None, None]);
    assert_eq!(parse_iso("1970-01-01T00:00:00.0000019Z"), Some(1));
    assert_eq!(
        parse_iso("2000-02-29 00:00+01:30"),
        Some(951_777_000_000_000)
    );
    assert_eq!(parse_iso("2000-03-01T01"), Some(951_872_400_000_000));
    for bad in [
        "2001-02-29",
        "2023-1-01",
        "2023-01-01T25:00",
        "2023-01-01T",
        "2023-01-01T10.5",
    ] {
        assert_eq!(parse_iso(bad), None, "{bad}");
    }
}
