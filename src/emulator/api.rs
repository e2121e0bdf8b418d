//! Errors the emulated methods raise, rendered exactly as the middleware renders them
//! (JSON-RPC error objects, and the legacy protocol's `error` members).

use crate::error::{CALL_ERROR, INVALID_PARAMS, METHOD_NOT_FOUND};
use serde_json::{json, Value};
use std::fmt::Write as _;

use crate::py::str_repr;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ApiError {
    /// A set of validation errors (`ValidationErrors`): `(attribute, message, errno)`.
    Validation(Vec<(String, String, i64)>),
    /// `InstanceNotFound`: a validation error with a null attribute, errno ENOENT.
    InstanceNotFound(String),
    /// A `CallError`.
    Call {
        errno: i64,
        message: String,
    },
    /// `get: true` matched nothing.
    MatchNotFound,
    MethodNotFound,
    /// The job was aborted (only inside job runners).
    Aborted,
}

pub(super) const EINVAL: i64 = 22;
pub(super) const ENOENT: i64 = 2;
pub(super) const EFAULT: i64 = 14;
pub(super) const EBUSY: i64 = 16;
pub(super) const ENOTAUTHENTICATED: i64 = 207;
pub(super) const EPIPE: i64 = 32;

impl ApiError {
    pub(crate) fn call(errno: i64, message: impl Into<String>) -> ApiError {
        ApiError::Call {
            errno,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(attr: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![(attr.into(), message.into(), EINVAL)])
    }

    pub(crate) fn not_authenticated() -> ApiError {
        ApiError::call(ENOTAUTHENTICATED, "Not authenticated")
    }

    /// The text the server puts in `reason` (and a failed job's `error`).
    pub(crate) fn reason(&self) -> String {
        match self {
            ApiError::Validation(items) => items.iter().fold(String::new(), |mut s, (a, m, e)| {
                let _ = writeln!(s, "[{}] {a}: {m}", errname(*e));
                s
            }),
            ApiError::InstanceNotFound(m) => format!("[ENOENT] None: {m}"),
            ApiError::Call { errno, message } => format!("[{}] {message}", errname(*errno)),
            ApiError::MatchNotFound => "MatchNotFound()".into(),
            ApiError::MethodNotFound => "Method does not exist".into(),
            ApiError::Aborted => "Job aborted".into(),
        }
    }

    fn class(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "ValidationErrors",
            ApiError::InstanceNotFound(_) => "InstanceNotFound",
            ApiError::MatchNotFound => "MatchNotFound",
            _ => "CallError",
        }
    }

    fn repr(&self) -> String {
        match self {
            ApiError::Validation(items) => {
                let inner: Vec<String> = items
                    .iter()
                    .map(|(a, m, e)| {
                        format!("ValidationError({}, {}, {e})", str_repr(a), str_repr(m))
                    })
                    .collect();
                format!("ValidationErrors([{}])", inner.join(", "))
            }
            ApiError::InstanceNotFound(m) => format!("InstanceNotFound(None, {}, 2)", str_repr(m)),
            ApiError::Call { errno, message } => {
                format!("CallError({}, {errno}, None)", str_repr(message))
            }
            ApiError::MatchNotFound => "MatchNotFound()".into(),
            other => format!("CallError({}, 14, None)", str_repr(&other.reason())),
        }
    }

    /// errno of `data.error` (validation sets report EINVAL as a whole).
    fn errno(&self) -> i64 {
        match self {
            ApiError::Call { errno, .. } => *errno,
            ApiError::Aborted => EFAULT,
            _ => EINVAL,
        }
    }

    /// `[attribute, message, errno]` triples (attribute null for `InstanceNotFound`).
    pub(crate) fn extra(&self) -> Value {
        match self {
            ApiError::Validation(items) => {
                Value::Array(items.iter().map(|(a, m, e)| json!([a, m, e])).collect())
            }
            ApiError::InstanceNotFound(m) => json!([[null, m, ENOENT]]),
            _ => Value::Null,
        }
    }

    fn trace(&self, method: &str) -> Value {
        let class = self.class();
        json!({
            "class": class,
            "formatted": format!(
                "Traceback (most recent call last):\n  File \"midclt-emulator\", in {method}\nmiddlewared.service_exception.{class}: {}\n",
                self.reason().trim_end()
            ),
            "repr": self.repr(),
        })
    }

    /// The `error` member of a JSON-RPC error response.
    pub(crate) fn to_jsonrpc(&self, method: &str) -> Value {
        let (code, message) = match self {
            ApiError::MethodNotFound => {
                return json!({"code": METHOD_NOT_FOUND, "message": "Method does not exist"})
            }
            ApiError::Validation(_) | ApiError::InstanceNotFound(_) => {
                (INVALID_PARAMS, "Invalid params")
            }
            _ => (CALL_ERROR, "Method call error"),
        };
        let errno = self.errno();
        json!({
            "code": code,
            "message": message,
            "data": {
                "error": errno,
                "errname": errname(errno),
                "reason": self.reason(),
                "trace": self.trace(method),
                "extra": self.extra(),
            }
        })
    }

    /// The `error` member of a legacy `result` message. Validation sets use EAGAIN and
    /// `type: "VALIDATION"`; an unknown method is ENOMETHOD.
    pub(crate) fn to_legacy(&self, method: &str) -> Value {
        let (errno, ty, reason) = match self {
            ApiError::Validation(_) | ApiError::InstanceNotFound(_) => {
                (11, json!("VALIDATION"), self.reason())
            }
            ApiError::MethodNotFound => {
                let (svc, name) = method.rsplit_once('.').unwrap_or(("", method));
                (
                    201,
                    Value::Null,
                    format!("[ENOMETHOD] Method '{name}' not found in '{svc}'"),
                )
            }
            _ => (self.errno(), Value::Null, self.reason()),
        };
        json!({
            "error": errno,
            "errname": errname(errno),
            "type": ty,
            "reason": reason,
            "trace": self.trace(method),
            "extra": self.extra(),
        })
    }

    /// How a failed job records this error: `(error, exception, exc_info)`.
    pub(crate) fn job_failure(&self, method: &str) -> (Value, Value, Value) {
        let trace = self.trace(method);
        let exc_info = match self {
            ApiError::Validation(_) | ApiError::InstanceNotFound(_) => json!({
                "repr": self.repr(), "type": "VALIDATION", "errno": null, "extra": self.extra()
            }),
            _ => json!({
                "repr": self.repr(), "type": self.class(), "errno": self.errno(), "extra": null
            }),
        };
        (json!(self.reason()), trace["formatted"].clone(), exc_info)
    }
}

pub(super) fn errname(errno: i64) -> &'static str {
    match errno {
        1 => "EPERM",
        2 => "ENOENT",
        11 => "EAGAIN",
        13 => "EACCES",
        14 => "EFAULT",
        16 => "EBUSY",
        17 => "EEXIST",
        22 => "EINVAL",
        32 => "EPIPE",
        74 => "EBADMSG",
        95 => "EOPNOTSUPP",
        109 => "ETOOMANYREFS",
        110 => "ETIMEDOUT",
        201 => "ENOMETHOD",
        207 => "ENOTAUTHENTICATED",
        _ => "EUNKNOWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_match_the_wire_transcript() {
        let e = ApiError::Validation(vec![
            (
                "api_key_create.name".into(),
                "String should have at least 1 character".into(),
                22,
            ),
            (
                "api_key_create.username".into(),
                "Field required".into(),
                22,
            ),
        ]);
        let j = e.to_jsonrpc("api_key.create");
        assert_eq!(j["code"], -32602);
        assert_eq!(
            j["data"]["reason"],
            "[EINVAL] api_key_create.name: String should have at least 1 character\n[EINVAL] api_key_create.username: Field required\n"
        );
        assert_eq!(
            j["data"]["extra"][1],
            json!(["api_key_create.username", "Field required", 22])
        );
        let j = ApiError::InstanceNotFound("ApiKey 999999 does not exist".into()).to_jsonrpc("x");
        assert_eq!(
            j["data"]["reason"],
            "[ENOENT] None: ApiKey 999999 does not exist"
        );
        assert_eq!(j["data"]["errname"], "EINVAL");
        assert_eq!(
            j["data"]["extra"],
            json!([[null, "ApiKey 999999 does not exist", 2]])
        );
        let j = ApiError::not_authenticated().to_jsonrpc("auth.me");
        assert_eq!(j["data"]["reason"], "[ENOTAUTHENTICATED] Not authenticated");
        assert_eq!(
            j["data"]["trace"]["repr"],
            "CallError('Not authenticated', 207, None)"
        );
        assert_eq!(
            ApiError::MethodNotFound.to_jsonrpc("x"),
            json!({"code": -32601, "message": "Method does not exist"})
        );
    }

    #[test]
    fn legacy_shapes() {
        let j = ApiError::MethodNotFound.to_legacy("auth.mechanism_choices");
        assert_eq!(
            j["reason"],
            "[ENOMETHOD] Method 'mechanism_choices' not found in 'auth'"
        );
        assert_eq!(j["error"], 201);
        let j = ApiError::invalid("a", "b").to_legacy("x");
        assert_eq!(
            (j["error"].clone(), j["type"].clone()),
            (json!(11), json!("VALIDATION"))
        );
    }
}
