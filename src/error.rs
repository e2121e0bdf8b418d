//! One error type for the whole client, each variant tied to a documented exit code.

use serde_json::Value;

/// Process exit codes. The numbers are part of the command-line interface: scripts
/// depend on them, so they never change meaning (README.md documents the table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    Success = 0,
    /// The server answered with an error: method error, validation error, failed job.
    Server = 1,
    /// Bad command line or local input (arguments, JSON, key files, stdin).
    Usage = 2,
    /// Could not connect, or the connection broke or misbehaved.
    Connection = 3,
    /// TLS handshake or certificate verification failed.
    Tls = 4,
    /// Login refused (bad credentials, expired, no API access, rate limited, ...).
    Auth = 5,
    /// A call, subscription or handshake did not answer in time.
    Timeout = 6,
    /// A local input/output failure: writing the output, a temporary file, the editor,
    /// making a certificate.
    Io = 7,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Usage,
    Connection,
    Tls,
    Auth,
    Timeout,
    Server,
    Io,
}

impl Kind {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Kind::Usage => ExitCode::Usage,
            Kind::Connection => ExitCode::Connection,
            Kind::Tls => ExitCode::Tls,
            Kind::Auth => ExitCode::Auth,
            Kind::Timeout => ExitCode::Timeout,
            Kind::Server => ExitCode::Server,
            Kind::Io => ExitCode::Io,
        }
    }
}

/// A JSON-RPC error object as TrueNAS sends it , or the equivalent
/// legacy-protocol error, normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerError {
    /// JSON-RPC code (-32001, -32602, ...); legacy errors use -32602 for validation and
    /// -32001 for everything else so callers need only one switch.
    pub code: i64,
    pub message: String,
    pub data: Option<ErrorData>,
}

/// The TrueNAS `data` member of an error.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorData {
    pub error: Option<i64>,
    pub errname: Option<String>,
    pub reason: Option<String>,
    pub trace: Option<Value>,
    pub extra: Option<Value>,
}

/// JSON-RPC 2.0 error codes, with the meanings TrueNAS gives them.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const CALL_ERROR: i64 = -32001;
pub const TOO_MANY_CALLS: i64 = -32000;

impl ServerError {
    pub fn from_json(err: &Value) -> ServerError {
        let code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
        let message = err
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let data = err
            .get("data")
            .filter(|d| d.is_object())
            .map(ErrorData::from_json);
        ServerError {
            code,
            message,
            data,
        }
    }

    /// Validation triples `[attribute, message, errno]`, when this is a validation error.
    pub fn validation_errors(&self) -> Option<Vec<(String, String)>> {
        if self.code != INVALID_PARAMS {
            return None;
        }
        let extra = self.data.as_ref()?.extra.as_ref()?.as_array()?;
        Some(
            extra
                .iter()
                .map(|triple| {
                    let attr = triple.get(0).and_then(Value::as_str).unwrap_or("");
                    let msg = triple.get(1).map_or(String::new(), |m| match m {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    });
                    (attr.to_string(), msg)
                })
                .collect(),
        )
    }

    /// The most specific human-readable text the server gave.
    pub fn reason(&self) -> &str {
        self.data
            .as_ref()
            .and_then(|d| d.reason.as_deref())
            .filter(|r| !r.is_empty())
            .unwrap_or(&self.message)
    }

    pub fn errname(&self) -> Option<&str> {
        self.data.as_ref().and_then(|d| d.errname.as_deref())
    }

    /// The server's formatted traceback, if it sent one.
    pub fn traceback(&self) -> Option<&str> {
        self.data
            .as_ref()?
            .trace
            .as_ref()?
            .get("formatted")?
            .as_str()
            .filter(|t| !t.is_empty())
    }

    /// An error whose server traceback tells the user nothing: not logged in, or rate
    /// limited.
    pub fn is_routine(&self) -> bool {
        self.errname() == Some("ENOTAUTHENTICATED")
            || self.reason().contains("[ENOTAUTHENTICATED]")
            || self.reason().contains("Rate Limit Exceeded")
    }

    pub fn is_method_not_found(&self) -> bool {
        self.code == METHOD_NOT_FOUND
            || self.message == "Method does not exist"
            || self.errname() == Some("ENOMETHOD")
    }
}

impl ErrorData {
    pub fn from_json(d: &Value) -> ErrorData {
        ErrorData {
            error: d.get("error").and_then(Value::as_i64),
            errname: d.get("errname").and_then(Value::as_str).map(str::to_string),
            reason: d.get("reason").and_then(Value::as_str).map(str::to_string),
            trace: d.get("trace").filter(|t| !t.is_null()).cloned(),
            extra: d.get("extra").filter(|t| !t.is_null()).cloned(),
        }
    }
}

/// Every failure the client reports. `message` says what went wrong; `hints` say what
/// to do about it. Neither may ever contain a secret.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hints: Vec<String>,
    /// Set when the server itself produced the error (for detailed rendering).
    pub server: Option<Box<ServerError>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            hints: Vec::new(),
            server: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(Kind::Usage, message)
    }

    pub fn connection(message: impl Into<String>) -> Error {
        Error::new(Kind::Connection, message)
    }

    pub fn auth(message: impl Into<String>) -> Error {
        Error::new(Kind::Auth, message)
    }

    pub fn timeout(message: impl Into<String>) -> Error {
        Error::new(Kind::Timeout, message)
    }

    pub fn io(message: impl Into<String>) -> Error {
        Error::new(Kind::Io, message)
    }

    pub fn server(method: &str, err: ServerError) -> Error {
        let message = if err.is_method_not_found() && err.code == METHOD_NOT_FOUND {
            format!("{method}: method does not exist")
        } else {
            err.reason().trim_end().to_string()
        };
        let mut e = Error::new(Kind::Server, message);
        if err.errname() == Some("ENOTAUTHENTICATED")
            || err.reason().contains("[ENOTAUTHENTICATED]")
        {
            e.hints.push("log in: -U USER with --password-file FILE, MIDCLT_PASSWORD or the prompt; or -U OWNER -K KEYFILE; or --token TOKEN".into());
        }
        if err.is_method_not_found() {
            e.hints.push(
                "check the spelling; `midclt call core.get_methods` lists every method".into(),
            );
        }
        e.server = Some(Box::new(err));
        e
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Error {
        self.hints.push(hint.into());
        self
    }

    pub fn exit_code(&self) -> ExitCode {
        self.kind.exit_code()
    }
}
