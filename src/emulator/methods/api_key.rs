//! `api_key.*` (27.0 semantics): create, update, delete, query,
//! `get_instance`, `my_keys`, `convert_raw_key`, with `api_key.query` events.

use super::core::{query_error, run_query};
use super::{def, Ctx, MethodDef};
use crate::emulator::api::{ApiError, EINVAL};
use crate::emulator::state::{now_ms, ApiKeyRow};
use crate::emulator::{
    lock, query,
    schema::{any, array, boolean, datetime, dict, integer, object, query_options, string, S},
};
use base64::Engine as _;
use serde_json::{json, Value};

fn entry_schema() -> S {
    object(
        "api_key_entry",
        vec![
            ("id", integer(), true),
            ("name", string().min_len(1).max_len(200), true),
            ("username", string().nullable(), true),
            ("user_identifier", any(), true),
            ("iterations", integer(), true),
            ("salt", string(), true),
            ("stored_key", string(), true),
            ("server_key", string(), true),
            ("created_at", datetime(), true),
            ("expires_at", datetime().nullable(), false),
            ("local", boolean(), true),
            ("revoked", boolean(), true),
            ("revoked_reason", string().nullable(), true),
        ],
    )
}

pub(super) fn methods() -> Vec<MethodDef> {
    const ROLES: &[&str] = &["API_KEY_WRITE", "READONLY_ADMIN"];
    vec![
        def(
            "api_key.query",
            "Query API keys.",
            vec![],
            array(entry_schema()),
            query_keys,
        )
        .query()
        .roles(&["API_KEY_READ", "API_KEY_WRITE", "READONLY_ADMIN"]),
        def(
            "api_key.get_instance",
            "Returns instance matching `id`. If `id` is not found, Validation error is raised.",
            vec![
                ("id", integer(), true),
                ("options", query_options().default(json!({})), false),
            ],
            entry_schema(),
            get_instance,
        )
        .roles(&["API_KEY_READ"]),
        def(
            "api_key.create",
            "Create an API key.",
            vec![(
                "api_key_create",
                object(
                    "api_key_create",
                    vec![
                        (
                            "name",
                            string()
                                .min_len(1)
                                .max_len(200)
                                .describe("Human-readable name for the API key."),
                            true,
                        ),
                        ("username", string().min_len(1), true),
                        (
                            "expires_at",
                            datetime().nullable().default(Value::Null),
                            false,
                        ),
                    ],
                ),
                true,
            )],
            entry_schema(),
            create,
        )
        .roles(ROLES),
        def(
            "api_key.update",
            "Update API Key `id`.\n\nSpecify `reset: true` to reset this API Key.",
            vec![
                (
                    "id",
                    integer().describe("ID of the API key to update."),
                    true,
                ),
                (
                    "api_key_update",
                    object(
                        "api_key_update",
                        vec![
                            ("name", string().min_len(1).max_len(200), false),
                            ("expires_at", datetime().nullable(), false),
                            ("reset", boolean(), false),
                        ],
                    ),
                    true,
                ),
            ],
            entry_schema(),
            update,
        )
        .roles(ROLES),
        def(
            "api_key.delete",
            "Delete API Key `id`.",
            vec![("id", integer(), true)],
            boolean(),
            delete,
        )
        .roles(ROLES),
        def(
            "api_key.my_keys",
            "Get the existing API keys for the currently-authenticated user.",
            vec![],
            array(entry_schema()),
            my_keys,
        )
        .roles(&["API_KEY_READ"]),
        def(
            "api_key.convert_raw_key",
            "Convert a raw API key into precomputed SCRAM authentication data.",
            vec![("raw_key", string().min_len(1), true)],
            dict(),
            convert_raw_key,
        )
        .roles(&["API_KEY_READ"]),
    ]
}

fn all_entries(ctx: &Ctx<'_>) -> Vec<Value> {
    lock(&ctx.emu.shared.state)
        .api_keys
        .iter()
        .map(ApiKeyRow::entry)
        .collect()
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters.
#[allow(clippy::needless_pass_by_value)]
fn query_keys(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    run_query(all_entries(ctx), &params)
}

fn not_found(id: impl std::fmt::Display) -> ApiError {
    ApiError::InstanceNotFound(format!("ApiKey {id} does not exist"))
}

fn get_instance(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let mut params = params.into_iter();
    let id = params.next().unwrap_or(Value::Null);
    let mut options = params.next().unwrap_or(json!({}));
    if let Value::Object(o) = &mut options {
        o.insert("get".into(), json!(true));
    }
    match query::run_query(all_entries(ctx), &json!([["id", "=", id]]), &options) {
        Err(query::QueryError::MatchNotFound) => Err(not_found(&id)),
        other => other.map_err(query_error),
    }
}

fn expires_at(v: Option<&Value>) -> Option<i64> {
    v.and_then(|d| d.get("$date")).and_then(Value::as_i64)
}

fn create(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let data = params.into_iter().next().unwrap_or(Value::Null);
    let name = data["name"].as_str().unwrap_or("").to_string();
    let username = data["username"].as_str().unwrap_or("").to_string();
    let expires = expires_at(data.get("expires_at"));
    let iterations = ctx.emu.shared.config.scram_iterations;
    let mut errors = Vec::new();
    let (row, raw, client_key) = {
        let mut st = lock(&ctx.emu.shared.state);
        if st.api_keys.iter().any(|k| k.name == name) {
            errors.push((
                "api_key_create".to_string(),
                "name must be unique".to_string(),
                EINVAL,
            ));
        }
        if expires.is_some_and(|e| e <= now_ms()) {
            errors.push((
                "api_key_create".into(),
                "Expiration date is in the past".into(),
                EINVAL,
            ));
        }
        let user = st.user(&username);
        match user {
            None => errors.push((
                "api_key_create".into(),
                "User does not exist.".into(),
                EINVAL,
            )),
            Some(u) if !u.api_access => errors.push((
                "api_key_create".into(),
                "User lacks privilege role membership.".into(),
                EINVAL,
            )),
            Some(_) => {}
        }
        let Some(user) = user.filter(|_| errors.is_empty()) else {
            return Err(ApiError::Validation(errors));
        };
        let id = st.next_key_id;
        let made = ApiKeyRow::generate(id, name, user, iterations, expires);
        st.next_key_id += 1;
        st.api_keys.push(made.0);
        let row = st.key(id).map_or(Value::Null, ApiKeyRow::entry);
        (row, made.1, made.2)
    };
    ctx.emu
        .publish("api_key.query", "added", &row["id"], Some(&row));
    Ok(with_secret(row, &raw, &client_key))
}

fn with_secret(mut entry: Value, raw: &str, client_key: &[u8; 64]) -> Value {
    if let Value::Object(m) = &mut entry {
        m.insert("key".into(), json!(raw));
        m.insert(
            "client_key".into(),
            json!(base64::engine::general_purpose::STANDARD.encode(client_key)),
        );
    }
    entry
}

fn update(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let mut params = params.into_iter();
    let id = params.next().as_ref().and_then(Value::as_u64).unwrap_or(0);
    let data = params.next().unwrap_or(json!({}));
    let (entry, secret) = {
        let mut st = lock(&ctx.emu.shared.state);
        if st.key(id).is_none() {
            return Err(not_found(id));
        }
        let mut errors = Vec::new();
        if let Some(name) = data.get("name").and_then(Value::as_str) {
            if st.api_keys.iter().any(|k| k.name == name && k.id != id) {
                errors.push((
                    "api_key_update".to_string(),
                    "name must be unique".to_string(),
                    EINVAL,
                ));
            }
        }
        let expires = expires_at(data.get("expires_at"));
        if expires.is_some_and(|e| e <= now_ms()) {
            errors.push((
                "api_key_update".into(),
                "Expiration date is in the past".into(),
                EINVAL,
            ));
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let Some(key) = st.key_mut(id) else {
            return Err(not_found(id));
        };
        if let Some(name) = data.get("name").and_then(Value::as_str) {
            key.name = name.to_string();
        }
        if data.get("expires_at").is_some() {
            key.expires_at = expires;
        }
        let secret = (data.get("reset") == Some(&json!(true))).then(|| key.reset());
        (key.entry(), secret)
    };
    ctx.emu
        .publish("api_key.query", "changed", &json!(id), Some(&entry));
    Ok(match secret {
        Some((raw, client_key)) => with_secret(entry, &raw, &client_key),
        None => entry,
    })
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters.
#[allow(clippy::needless_pass_by_value)]
fn delete(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let id = params.first().and_then(Value::as_u64).unwrap_or(0);
    {
        let mut st = lock(&ctx.emu.shared.state);
        let before = st.api_keys.len();
        st.api_keys.retain(|k| k.id != id);
        if st.api_keys.len() == before {
            return Err(not_found(id));
        }
    }
    ctx.emu
        .publish("api_key.query", "removed", &json!(id), None);
    Ok(json!(true))
}

fn my_keys(ctx: &mut Ctx<'_>, _params: Vec<Value>) -> Result<Value, ApiError> {
    let Some(user) = ctx.session.user.clone() else {
        return Err(ApiError::call(14, "Not a user session"));
    };
    let st = lock(&ctx.emu.shared.state);
    Ok(Value::Array(
        st.api_keys
            .iter()
            .filter(|k| k.username == user)
            .map(ApiKeyRow::entry)
            .collect(),
    ))
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters.
#[allow(clippy::needless_pass_by_value)]
fn convert_raw_key(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    const ATTR: &str = "api_key_convert_raw_key";
    let raw = params
        .first()
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    let Some((id, material)) = raw.split_once('-') else {
        return Err(ApiError::invalid(ATTR, "Not a valid raw API key"));
    };
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::invalid(ATTR, "Not a valid raw API key"))?;
    if id <= 0 {
        return Err(ApiError::invalid(ATTR, "Invalid key id"));
    }
    if material.chars().count() != 64 {
        return Err(ApiError::invalid(ATTR, "Unexpected key size."));
    }
    let (salt, iterations) = {
        let st = lock(&ctx.emu.shared.state);
        let key = st
            .key(id as u64)
            .ok_or_else(|| ApiError::invalid(ATTR, "Key does not exist."))?;
        if key.revoked {
            return Err(ApiError::invalid(ATTR, "Key is revoked."));
        }
        (key.salt.clone(), key.iterations)
    };
    let keys = crate::auth::scram::derive_keys(material.as_bytes(), &salt, iterations);
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    Ok(json!({
        "api_key_id": id, "iterations": iterations, "salt": b64(&salt),
        "client_key": b64(&keys.client_key), "stored_key": b64(&keys.stored_key), "server_key": b64(&keys.server_key),
    }))
}
