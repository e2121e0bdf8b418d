//! One error type for the whole client, each variant tied to a documented exit code.

use serde_json::Value;

/// Process exit codes. The numbers are part of the command-line interface: scripts
/// depend on them, so they never change meaning (README.md documents the table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    /// Everything worked.
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
    /// Many results, some failed: hosts of a fleet (`-p a,b`, a group, `--inventory`) or
    /// lines of a `batch`; each host's or line's output says how.
    SomeFailed = 8,
    /// Many results, none succeeded: every host of a fleet or every line of a batch failed.
    NoneSucceeded = 9,
    /// Stopped by Ctrl-C (SIGINT) while waiting for a call or a job, as shells report
    /// a command killed by SIGINT (128 + 2).
    Interrupted = 130,
}

/// What kind of failure an [`Error`] is; each kind has its own [`ExitCode`], whose
/// variant of the same name describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Bad arguments or local input: retrying the same thing will fail the same way.
    Usage,
    /// The server could not be reached, or the connection broke or misbehaved.
    Connection,
    /// The TLS handshake or certificate verification failed.
    Tls,
    /// The server refused the login, or a call needed one.
    Auth,
    /// Nothing answered in time; the call may still run on the server.
    Timeout,
    /// The server answered with an error; [`Error::server`] holds its details.
    Server,
    /// A local input/output failure.
    Io,
    /// The user pressed Ctrl-C while a call or job was running; it may go on running on
    /// the server.
    Interrupted,
}

impl Kind {
    /// The kind's name in machine-readable output (`"connection"`, `"auth"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Usage => "usage",
            Kind::Connection => "connection",
            Kind::Tls => "tls",
            Kind::Auth => "auth",
            Kind::Timeout => "timeout",
            Kind::Server => "server",
            Kind::Io => "io",
            Kind::Interrupted => "interrupted",
        }
    }

    /// The process exit code `midclt` uses for this kind.
    pub fn exit_code(self) -> ExitCode {
        match self {
            Kind::Usage => ExitCode::Usage,
            Kind::Connection => ExitCode::Connection,
            Kind::Tls => ExitCode::Tls,
            Kind::Auth => ExitCode::Auth,
            Kind::Timeout => ExitCode::Timeout,
            Kind::Server => ExitCode::Server,
            Kind::Io => ExitCode::Io,
            Kind::Interrupted => ExitCode::Interrupted,
        }
    }
}

/// A JSON-RPC error object as TrueNAS sends it, or the equivalent
/// legacy-protocol error, normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerError {
    /// JSON-RPC code (-32001, -32602, ...); legacy errors use -32602 for validation and
    /// -32001 for everything else so callers need only one switch.
    pub code: i64,
    /// The error object's `message` (often less specific than [`ServerError::reason`]).
    pub message: String,
    /// The TrueNAS details, when the server sent a `data` object.
    pub data: Option<ErrorData>,
}

/// The TrueNAS `data` member of an error.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorData {
    /// The errno number (`22` for `EINVAL`), when the failure has one.
    pub error: Option<i64>,
    /// The errno name (`ENOENT`, `EINVAL`, `ENOTAUTHENTICATED`, ...).
    pub errname: Option<String>,
    /// The human-readable explanation.
    pub reason: Option<String>,
    /// The Python traceback object (`class`, `frames`, `formatted`), on debug-enabled
    /// servers.
    pub trace: Option<Value>,
    /// Error-specific data: for validation errors, `[attribute, message, errno]` triples.
    pub extra: Option<Value>,
}

/// JSON-RPC 2.0: the request was not valid JSON.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC 2.0: the JSON was not a valid request object.
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC 2.0: no such method (TrueNAS also answers `ENOMETHOD` in some versions).
pub const METHOD_NOT_FOUND: i64 = -32601;
/// TrueNAS: the arguments failed validation; [`ServerError::validation_errors`] lists
/// which.
pub const INVALID_PARAMS: i64 = -32602;
/// TrueNAS: the method ran and failed (or a job did); details in [`ErrorData`].
pub const CALL_ERROR: i64 = -32001;
/// TrueNAS: more than 20 calls were in flight on the connection; the refused call did
/// not run.
pub const TOO_MANY_CALLS: i64 = -32000;

impl ServerError {
    /// Read a JSON-RPC `error` member; missing or mistyped fields become empty rather
    /// than failing, so a malformed error is still reported.
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

    /// `(attribute, message)` pairs of a validation error ([`INVALID_PARAMS`]); `None` for
    /// any other error.
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

    /// The errno name (`ENOENT`, ...), when the server sent one.
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

    /// The method does not exist, however the server version spells that.
    pub fn is_method_not_found(&self) -> bool {
        self.code == METHOD_NOT_FOUND
            || self.message == "Method does not exist"
            || self.errname() == Some("ENOMETHOD")
    }
}

impl ErrorData {
    /// Read a TrueNAS `data` object; missing or mistyped fields become `None`.
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
    /// The failure's class, which decides the exit code.
    pub kind: Kind,
    /// One line saying what went wrong.
    pub message: String,
    /// What the user could do about it, one suggestion each.
    pub hints: Vec<String>,
    /// Set when the server itself produced the error (for detailed rendering).
    pub server: Option<Box<ServerError>>,
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` without hints.
    pub fn new(kind: Kind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            hints: Vec::new(),
            server: None,
        }
    }

    /// A [`Kind::Usage`] error.
    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(Kind::Usage, message)
    }

    /// A [`Kind::Connection`] error.
    pub fn connection(message: impl Into<String>) -> Error {
        Error::new(Kind::Connection, message)
    }

    /// A [`Kind::Auth`] error.
    pub fn auth(message: impl Into<String>) -> Error {
        Error::new(Kind::Auth, message)
    }

    /// A [`Kind::Timeout`] error.
    pub fn timeout(message: impl Into<String>) -> Error {
        Error::new(Kind::Timeout, message)
    }

    /// A [`Kind::Io`] error.
    pub fn io(message: impl Into<String>) -> Error {
        Error::new(Kind::Io, message)
    }

    /// A [`Kind::Interrupted`] error.
    pub fn interrupted(message: impl Into<String>) -> Error {
        Error::new(Kind::Interrupted, message)
    }

    /// A [`Kind::Server`] error for the server's refusal of `method`, keeping the
    /// [`ServerError`] and adding hints for the common cases (not logged in, no such
    /// method).
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

    /// Add a suggestion for the user.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Error {
        self.hints.push(hint.into());
        self
    }

    /// The process exit code `midclt` uses for this error.
    pub fn exit_code(&self) -> ExitCode {
        self.kind.exit_code()
    }
}
