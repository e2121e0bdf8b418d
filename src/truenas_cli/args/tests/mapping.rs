//! Mapping parsed arguments onto call parameters.

use super::*;

/// `text` parsed strictly, mapped; the params as JSON, `editor:KEY`, or `!error`.
fn call(text: &str, accepts: &Value, mode: Mode) -> String {
    let args = match parse(text, false) {
        Ok(args) => args,
        Err(e) => return format!("parse error {e}"),
    };
    let accepts = accepts.as_array().cloned().unwrap_or_default();
    match map_params(&args, &accepts, mode) {
        Ok(Mapped::Params(p)) => Value::Array(p).to_string(),
        Ok(Mapped::Editor(key)) => format!("editor:{key}"),
        Err(e) => format!("!{e}"),
    }
}

fn user_create() -> Value {
    json!([{
        "_attrs_order_": ["uid", "username", "groups", "attributes"],
        "_name_": "user_create",
        "properties": {
            "attributes": {"_attrs_order_": [], "_name_": "attributes", "default": {},
                           "properties": {}, "type": "object"},
            "groups": {"_name_": "groups", "default": [], "items": [{"type": "integer"}],
                       "type": "array"},
            "uid": {"_name_": "uid", "type": "integer"},
            "username": {"_name_": "username", "type": "string"},
        },
        "type": "object",
    }])
}

fn user_update() -> Value {
    let mut accepts = user_create();
    if let Some(list) = accepts.as_array_mut() {
        list.insert(0, json!({"_name_": "id", "type": "integer"}));
    }
    accepts
}

#[test]
fn splice_mode() {
    let create = user_create();
    let update = user_update();
    for (text, accepts, at, want) in [
        // midcli: tests/command/generic_call/test_call_args_create_update.py
        (
            "1000",
            &create,
            0,
            "!Too many positional arguments (0 supported, 1 given)",
        ),
        ("uid=1000", &create, 0, r#"[{"uid":1000}]"#),
        (
            r#"uid=1000 username="ivan""#,
            &create,
            0,
            r#"[{"uid":1000,"username":"ivan"}]"#,
        ),
        ("55", &update, 1, r"[55,{}]"),
        (
            "uid=1000",
            &update,
            1,
            "!Too few positional arguments (1 required, 0 given)",
        ),
        ("55 uid=1000", &update, 1, r#"[55,{"uid":1000}]"#),
        // cli-syntax.md §5.1 and §5.4
        ("", &create, 0, "[{}]"),
        ("groups=5", &create, 0, r#"[{"groups":[5]}]"#),
        (
            "groups=5,6 attributes={}",
            &create,
            0,
            r#"[{"groups":[5,6],"attributes":{}}]"#,
        ),
        ("groups=null", &create, 0, r#"[{"groups":null}]"#),
        ("unknown=1 uid=2", &create, 0, r#"[{"unknown":1,"uid":2}]"#),
        ("a=1 b=2 a=3", &create, 0, r#"[{"a":3,"b":2}]"#),
    ] {
        assert_eq!(call(text, accepts, Mode::Splice(at)), want, "{text:?}");
    }
}

#[test]
fn positional_keyword_mode() {
    // midcli: tests/command/generic_call/test_call_args_kwargs.py
    let three = json!([{"_name_": "id"}, {"_name_": "name"}, {"_name_": "data"}]);
    // midcli: tests/command/generic_call/test_call_args_kwargs__single_value_to_list.py
    let aliases = json!([{"_name_": "interface", "type": "object",
                          "properties": {"aliases": {"type": "array"}}}]);
    let get_instance = json!([{"_name_": "id", "type": "integer"},
                              {"_name_": "options", "type": "object"}]);
    let nested = json!([{"_name_": "data", "type": "object", "properties": {
        "list": {"type": "array"},
        "any": {"anyOf": [{"type": "array"}, {"type": "null"}]},
        "inner": {"type": "object", "properties": {"tags": {"type": "array"}}},
        "items": {"type": "array", "items": {"type": "object",
                                             "properties": {"x": {"type": "array"}}}},
    }}, {"_name_": "list", "type": "array"}]);
    for (text, accepts, want) in [
        ("1000", &three, "[1000]"),
        ("id=1000", &three, "[1000]"),
        ("name=ivan", &three, "!Missing positional argument 1 (id)"),
        (
            "1000 data={}",
            &three,
            "!Missing positional argument 2 (name)",
        ),
        (
            "1000 nombre=juan",
            &three,
            "!Unknown keyword argument nombre",
        ),
        (
            "1000 {} name=ivan",
            &three,
            "!Keyword argument name already given as positional argument 2",
        ),
        ("data=3 name=2 id=1", &three, "[1,2,3]"),
        ("1 2 3 4 5", &three, "[1,2,3,4,5]"),
        ("", &three, "[]"),
        ("", &json!([]), "[]"),
        ("1", &json!([]), "[1]"),
        ("x=1", &json!([]), "!Unknown keyword argument x"),
        (r#"{"aliases": 1000}"#, &aliases, r#"[{"aliases":[1000]}]"#),
        (
            r#"{"aliases": [1000, 1001]}"#,
            &aliases,
            r#"[{"aliases":[1000,1001]}]"#,
        ),
        (r#"{"aliases": null}"#, &aliases, r#"[{"aliases":null}]"#),
        ("{}", &aliases, "[{}]"),
        (
            r#"interface={"aliases":"192.168.0.1","mtu":1500}"#,
            &aliases,
            r#"[{"aliases":["192.168.0.1"],"mtu":1500}]"#,
        ),
        ("5", &aliases, "[5]"),
        // cli-syntax.md §5.6
        ("id=1", &get_instance, "[1]"),
        (
            r#"2 options={"select":["id"]}"#,
            &get_instance,
            r#"[2,{"select":["id"]}]"#,
        ),
        (
            r#"data={"list":1,"any":2,"inner":{"tags":"a"},"items":[{"x":1}]} list=7"#,
            &nested,
            r#"[{"list":[1],"any":2,"inner":{"tags":["a"]},"items":[{"x":1}]},[7]]"#,
        ),
        ("list=[7]", &nested, "!Missing positional argument 1 (data)"),
        ("{} []", &nested, "[{},[]]"),
        ("{} 1 2", &nested, "[{},[1],2]"),
    ] {
        assert_eq!(
            call(text, accepts, Mode::PositionalKeyword),
            want,
            "{text:?}"
        );
    }
}

#[test]
fn update_mode() {
    // midcli: tests/command/generic_call/test_update.py
    let update = json!([{"_name_": "id", "type": "integer"}, {
        "_attrs_order_": ["uid", "username"], "_name_": "user_create", "type": "object",
        "properties": {"uid": {"_name_": "uid", "type": "integer"},
                       "username": {"_name_": "username", "type": "string"},
                       "groups": {"_name_": "groups", "type": "array"}},
    }]);
    for (text, want) in [
        ("1000", "editor:1000"),
        ("id=1000", "editor:1000"),
        (
            "uid=1000",
            "!Too few positional arguments (1 required, 0 given)",
        ),
        ("id=1000 uid=1001", r#"[1000,{"uid":1001}]"#),
        ("999 id=1000 uid=1001", r#"[999,{"id":1000,"uid":1001}]"#),
        // cli-syntax.md §5.3
        (
            "id=2 username=x groups=5",
            r#"[2,{"username":"x","groups":[5]}]"#,
        ),
        ("2 username=x", r#"[2,{"username":"x"}]"#),
        (
            "1 2",
            "!Too many positional arguments (1 supported, 2 given)",
        ),
        ("", "!Too few positional arguments (1 required, 0 given)"),
        // The key keeps its place out of the object; the others keep their order.
        ("uid=1 id=2 username=x", r#"[2,{"uid":1,"username":"x"}]"#),
        // midcli decides on the editor first: the key keyword alone means "edit".
        ("5 id=7", "editor:5"),
        (r#""abc""#, r#"editor:"abc""#),
    ] {
        assert_eq!(call(text, &update, Mode::Update), want, "{text:?}");
    }
    assert_eq!(call("2", &json!([]), Mode::Update), "editor:2");
    assert_eq!(
        call("id=2 x=1", &json!([]), Mode::Update),
        "!Too few positional arguments (1 required, 0 given)"
    );
}

#[test]
fn api_key_examples() {
    // cli-syntax.md §5.6
    let create = json!([{"_name_": "api_key_create", "type": "object",
                         "_attrs_order_": ["name"], "properties": {"name": {"type": "string"}}}]);
    let text = r#"name=apikey3 allowlist=[{"method":"SUBSCRIBE","resource":"certificate.query"}]"#;
    assert_eq!(
        call(text, &create, Mode::Splice(0)),
        r#"[{"name":"apikey3","allowlist":[{"method":"SUBSCRIBE","resource":"certificate.query"}]}]"#
    );
    let delete = json!([{"_name_": "id", "type": "integer"}]);
    assert_eq!(call("id=1", &delete, Mode::PositionalKeyword), "[1]");
    assert_eq!(call("", &delete, Mode::PositionalKeyword), "[]");
    let update = json!([{"_name_": "id"}, {"_name_": "api_key_update", "type": "object",
                                           "properties": {"name": {}, "reset": {}}}]);
    assert_eq!(
        call("id=2 name=x reset=true", &update, Mode::Update),
        r#"[2,{"name":"x","reset":true}]"#
    );
    assert_eq!(call("id=2", &update, Mode::Update), "editor:2");
    assert!(call("name=my-key", &create, Mode::Splice(0)).starts_with("parse error"));
}
