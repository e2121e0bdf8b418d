//! Method parameter schemas in the shape `core.get_methods` publishes (pydantic JSON
//! schema plus TrueNAS's `_name_`/`_required_`/`_attrs_order_`), and strict validation
//! of call parameters against them with pydantic's wording — one definition serves both.

use serde_json::{json, Map, Value};

/// A schema under construction.
#[derive(Clone, Debug)]
pub(super) struct S(Value);

impl S {
    fn set(mut self, k: &str, v: Value) -> S {
        if let Value::Object(m) = &mut self.0 {
            m.insert(k.into(), v);
        }
        self
    }
    pub(super) fn min_len(self, n: u64) -> S {
        self.set("minLength", json!(n))
    }
    pub(super) fn max_len(self, n: u64) -> S {
        self.set("maxLength", json!(n))
    }
    pub(super) fn minimum(self, n: i64) -> S {
        self.set("minimum", json!(n))
    }
    pub(super) fn maximum(self, n: i64) -> S {
        self.set("maximum", json!(n))
    }
    pub(super) fn default(self, v: Value) -> S {
        self.set("default", v)
    }
    pub(super) fn describe(self, d: &str) -> S {
        self.set("description", json!(d))
    }
    /// `X | None`, spelled the pydantic way.
    pub(super) fn nullable(self) -> S {
        let mut inner = self.0;
        let mut outer = Map::new();
        if let Value::Object(m) = &mut inner {
            for k in ["default", "description"] {
                if let Some(v) = m.remove(k) {
                    outer.insert(k.into(), v);
                }
            }
        }
        outer.insert("anyOf".into(), json!([inner, {"type": "null"}]));
        S(Value::Object(outer))
    }
}

pub(super) fn string() -> S {
    S(json!({"type": "string"}))
}
pub(super) fn integer() -> S {
    S(json!({"type": "integer"}))
}
pub(super) fn number() -> S {
    S(json!({"type": "number"}))
}
pub(super) fn boolean() -> S {
    S(json!({"type": "boolean"}))
}
pub(super) fn any() -> S {
    S(json!({}))
}
pub(super) fn datetime() -> S {
    S(json!({"type": "string", "format": "date-time"}))
}
pub(super) fn array(items: S) -> S {
    let mut schema = json!({"type": "array"});
    schema["items"] = Value::Array(vec![items.0]);
    S(schema)
}
pub(super) fn dict() -> S {
    S(json!({"type": "object", "additionalProperties": true}))
}
pub(super) fn one_of_strings(values: &[&str]) -> S {
    S(json!({"type": "string", "enum": values}))
}

/// A closed object (`extra="forbid"`): `(name, schema, required)` in declaration order.
pub(super) fn object(title: &str, props: Vec<(&str, S, bool)>) -> S {
    let mut properties = Map::new();
    let mut order = Vec::new();
    let mut required = Vec::new();
    for (name, s, req) in props {
        let mut v = s.0;
        if let Value::Object(m) = &mut v {
            m.insert("title".into(), json!(name));
            m.insert("_name_".into(), json!(name));
            m.insert("_required_".into(), json!(req));
        }
        properties.insert(name.into(), v);
        order.push(json!(name));
        if req {
            required.push(json!(name));
        }
    }
    S(json!({
        "type": "object", "title": title, "additionalProperties": false,
        "properties": properties, "required": required, "_attrs_order_": order,
    }))
}

/// A positional parameter: the schema marked with its name and whether it is required.
pub(super) fn param(name: &str, s: S, required: bool) -> Value {
    let mut v = s.0;
    if let Value::Object(m) = &mut v {
        m.insert("title".into(), json!(name));
        m.insert("_name_".into(), json!(name));
        m.insert("_required_".into(), json!(required));
    }
    v
}

/// The standard query arguments (`filters`, `options`).
pub(super) fn query_params() -> Vec<Value> {
    vec![
        param("filters", array(any()).default(json!([])), false),
        param("options", query_options().default(json!({})), false),
    ]
}

pub(super) fn query_options() -> S {
    object(
        "options",
        vec![
            ("extra", dict().default(json!({})), false),
            ("order_by", array(string()).default(json!([])), false),
            ("select", array(any()).default(json!([])), false),
            ("count", boolean().default(json!(false)), false),
            ("get", boolean().default(json!(false)), false),
            ("offset", integer().minimum(0).default(json!(0)), false),
            (
                "limit",
                integer().minimum(0).maximum(10000).default(json!(0)),
                false,
            ),
            ("force_sql_filters", boolean().default(json!(false)), false),
        ],
    )
}

/// One validation failure: `(attribute, message)`.
pub(super) type Failure = (String, String);

/// Validate positional `params` against `accepts`. Defaults are not filled in: the
/// handlers know them.
pub(super) fn validate_params(accepts: &[Value], params: &[Value]) -> Vec<Failure> {
    let mut out = Vec::new();
    if params.len() > accepts.len() {
        out.push((
            String::new(),
            format!(
                "Too many arguments (expected {}, found {})",
                accepts.len(),
                params.len()
            ),
        ));
        return out;
    }
    for (i, schema) in accepts.iter().enumerate() {
        let name = schema.get("_name_").and_then(Value::as_str).unwrap_or("");
        match params.get(i) {
            Some(v) => check(schema, v, name, &mut out),
            None if schema.get("_required_") == Some(&json!(true)) => {
                out.push((name.to_string(), "Field required".into()));
            }
            None => {}
        }
    }
    out
}

fn check(schema: &Value, v: &Value, path: &str, out: &mut Vec<Failure>) {
    if let Some(Value::Array(options)) = schema.get("anyOf") {
        // Accept when any branch accepts; report the first non-null branch otherwise.
        let mut first = None;
        for o in options {
            let mut errs = Vec::new();
            check(o, v, path, &mut errs);
            if errs.is_empty() {
                return;
            }
            if o.get("type") != Some(&json!("null")) && first.is_none() {
                first = Some(errs);
            }
        }
        out.extend(first.unwrap_or_else(|| vec![(path.into(), "Input should be None".into())]));
        return;
    }
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
    let push = |out: &mut Vec<Failure>, m: String| out.push((path.to_string(), m));
    match ty {
        "null" if !v.is_null() => push(out, "Input should be None".into()),
        "string" if is_datetime(schema) && !is_ejson_date(v) => {
            push(out, "Input should be a valid datetime".into());
        }
        "string" if is_datetime(schema) => {}
        "string" => match v.as_str() {
            None => push(out, "Input should be a valid string".into()),
            Some(s) => {
                let n = s.chars().count() as u64;
                if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                    if n < min {
                        push(
                            out,
                            format!("String should have at least {min} character{}", plural(min)),
                        );
                    }
                }
                let max = schema
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .unwrap_or(1024);
                if n > max {
                    push(
                        out,
                        format!("String should have at most {max} character{}", plural(max)),
                    );
                }
                if let Some(Value::Array(allowed)) = schema.get("enum") {
                    if !allowed.iter().any(|a| a == v) {
                        let names: Vec<String> = allowed
                            .iter()
                            .map(|a| format!("'{}'", a.as_str().unwrap_or("")))
                            .collect();
                        push(out, format!("Input should be {}", join_or(&names)));
                    }
                }
            }
        },
        "integer" => match v {
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                let x = n.as_i64().unwrap_or(i64::MAX);
                bounds(schema, x as f64, path, out);
            }
            _ => push(out, "Input should be a valid integer".into()),
        },
        "number" => match v.as_f64() {
            Some(x) if v.is_number() => bounds(schema, x, path, out),
            _ => push(out, "Input should be a valid number".into()),
        },
        "boolean" if !v.is_boolean() => push(out, "Input should be a valid boolean".into()),
        "array" => match v.as_array() {
            None => push(out, "Input should be a valid list".into()),
            Some(items) => {
                if let Some(item_schema) = schema.get("items").and_then(|i| i.get(0)) {
                    for (i, item) in items.iter().enumerate() {
                        check(item_schema, item, &format!("{path}.{i}"), out);
                    }
                }
            }
        },
        "object" => match v.as_object() {
            None => {
                let title = schema.get("title").and_then(Value::as_str).unwrap_or("");
                if schema.get("properties").is_some() {
                    push(
                        out,
                        format!("Input should be a valid dictionary or instance of {title}"),
                    );
                } else {
                    push(out, "Input should be a valid dictionary".into());
                }
            }
            Some(obj) => check_object(schema, obj, path, out),
        },
        _ => {}
    }
}

fn check_object(schema: &Value, obj: &Map<String, Value>, path: &str, out: &mut Vec<Failure>) {
    let Some(Value::Object(props)) = schema.get("properties") else {
        return;
    };
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    for (name, prop) in props {
        match obj.get(name) {
            Some(v) => check(prop, v, &join(name), out),
            None if prop.get("_required_") == Some(&json!(true)) => {
                out.push((join(name), "Field required".into()));
            }
            None => {}
        }
    }
    if schema.get("additionalProperties") == Some(&json!(false)) {
        for k in obj.keys().filter(|k| !props.contains_key(*k)) {
            out.push((join(k), "Extra inputs are not permitted".into()));
        }
    }
}

fn bounds(schema: &Value, x: f64, path: &str, out: &mut Vec<Failure>) {
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        if x < min {
            out.push((
                path.into(),
                format!("Input should be greater than or equal to {min}"),
            ));
        }
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        if x > max {
            out.push((
                path.into(),
                format!("Input should be less than or equal to {max}"),
            ));
        }
    }
}

fn is_datetime(schema: &Value) -> bool {
    schema.get("format") == Some(&json!("date-time"))
}

pub(super) fn is_ejson_date(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|m| m.len() == 1 && m.get("$date").is_some_and(Value::is_number))
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create() -> Vec<Value> {
        vec![param(
            "api_key_create",
            object(
                "api_key_create",
                vec![
                    ("name", string().min_len(1).max_len(200), true),
                    ("username", string().min_len(1), true),
                    (
                        "expires_at",
                        datetime().nullable().default(Value::Null),
                        false,
                    ),
                ],
            ),
            true,
        )]
    }

    #[test]
    fn pydantic_messages() {
        let f = validate_params(&create(), &[json!({"name": ""})]);
        assert_eq!(
            f,
            vec![
                (
                    "api_key_create.name".into(),
                    "String should have at least 1 character".into()
                ),
                ("api_key_create.username".into(), "Field required".into()),
            ]
        );
        let f = validate_params(
            &create(),
            &[json!({"name": "a", "username": "root", "allowlist": []})],
        );
        assert_eq!(
            f,
            vec![(
                "api_key_create.allowlist".into(),
                "Extra inputs are not permitted".into()
            )]
        );
        let f = validate_params(
            &create(),
            &[json!({"name": "a", "username": "root", "expires_at": "2030-01-01"})],
        );
        assert_eq!(
            f,
            vec![(
                "api_key_create.expires_at".into(),
                "Input should be a valid datetime".into()
            )]
        );
        assert!(validate_params(
            &create(),
            &[json!({"name": "a", "username": "r", "expires_at": {"$date": 1}})]
        )
        .is_empty());
        assert!(validate_params(
            &create(),
            &[json!({"name": "a", "username": "r", "expires_at": null})]
        )
        .is_empty());
        let f = validate_params(&[], &[json!(1)]);
        assert_eq!(
            f,
            vec![(
                String::new(),
                "Too many arguments (expected 0, found 1)".into()
            )]
        );
        let f = validate_params(&create(), &[]);
        assert_eq!(f, vec![("api_key_create".into(), "Field required".into())]);
    }

    #[test]
    fn no_coercion() {
        let accepts = vec![param("id", integer(), true)];
        assert_eq!(
            validate_params(&accepts, &[json!("5")]),
            vec![("id".into(), "Input should be a valid integer".into())]
        );
        let accepts = query_params();
        let f = validate_params(&accepts, &[json!([]), json!({"limit": 10001})]);
        assert_eq!(
            f,
            vec![(
                "options.limit".into(),
                "Input should be less than or equal to 10000".into()
            )]
        );
    }
}
