//! Removing secrets from frames before they are shown (`--verbose` wire traces).
//!
//! Two rules: any object member whose name is a credential field is replaced wherever it
//! appears, and the positional secrets of the login methods (which have no field names)
//! are replaced by position. Results that *are* a secret (a new token) are replaced too.

use serde_json::Value;

pub(crate) const REDACTED: &str = "<redacted>";

/// Object member names whose values are credentials in TrueNAS requests and replies.
const SECRET_FIELDS: &[&str] = &[
    "password",
    "api_key",
    "key",
    "token",
    "otp_token",
    "client_key",
    "stored_key",
    "server_key",
    "reconnect_token",
    "rfc_str",
    "raw_key",
    "secret",
    "auth_token",
];

/// Positional parameters that are secrets, by method.
fn secret_params(method: &str) -> &'static [usize] {
    match method {
        "auth.login" => &[1, 2],
        "auth.login_with_api_key" | "auth.login_with_token" | "api_key.convert_raw_key" => &[0],
        _ => &[],
    }
}

/// Methods whose whole result is a secret.
fn secret_result(method: &str) -> bool {
    matches!(method, "auth.generate_token")
}

/// A request frame, redacted, as one line of text.
pub(crate) fn request(method: &str, frame: &Value) -> String {
    let mut v = frame.clone();
    if let Some(Value::Array(params)) = v.get_mut("params") {
        for &i in secret_params(method) {
            if let Some(p) = params.get_mut(i) {
                if !p.is_null() {
                    *p = Value::String(REDACTED.into());
                }
            }
        }
    }
    scrub(&mut v);
    v.to_string()
}

/// A received frame, redacted; `method` is the method of the request it answers, if any.
pub(crate) fn response(method: &str, frame: &Value) -> String {
    let mut v = frame.clone();
    if secret_result(method) {
        if let Some(r) = v.get_mut("result") {
            *r = Value::String(REDACTED.into());
        }
    }
    scrub(&mut v);
    v.to_string()
}

/// Replace every credential field, at any depth, and the token of any URL carrying one
/// (`core.download` answers with `/_download/ID?auth_token=...`).
pub(crate) fn scrub(v: &mut Value) {
    match v {
        Value::String(s) if s.contains("auth_token=") => {
            *s = super::http::redact_target(s);
        }
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if SECRET_FIELDS.contains(&k.as_str()) && !val.is_null() {
                    *val = Value::String(REDACTED.into());
                } else {
                    scrub(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn login_secrets_are_hidden() {
        let f = json!({"jsonrpc":"2.0","id":"1","method":"auth.login_ex","params":[
            {"mechanism":"PASSWORD_PLAIN","username":"root","password":"hunter2"}]});
        let s = request("auth.login_ex", &f);
        assert!(!s.contains("hunter2") && s.contains("root"), "{s}");
        let f = json!({"msg":"method","id":"1","method":"auth.login","params":["root","hunter2","123456"]});
        let s = request("auth.login", &f);
        assert!(!s.contains("hunter2") && !s.contains("123456"), "{s}");
        let f = json!({"params":["5-abcdef"]});
        assert!(!request("auth.login_with_api_key", &f).contains("abcdef"));
    }

    #[test]
    fn download_urls_lose_their_token() {
        let f = json!({"id":"1","result":[3, "/_download/3?auth_token=t0k3n"]});
        let s = response("core.download", &f);
        assert!(
            !s.contains("t0k3n") && s.contains("/_download/3?auth_token=<redacted>"),
            "{s}"
        );
    }

    #[test]
    fn secret_results_are_hidden() {
        let f = json!({"id":"1","result":"tok3n"});
        assert!(!response("auth.generate_token", &f).contains("tok3n"));
        let f = json!({"id":"1","result":{"id":3,"key":"3-secretmaterial","name":"ci"}});
        let s = response("api_key.create", &f);
        assert!(!s.contains("secretmaterial") && s.contains("ci"), "{s}");
    }
}
