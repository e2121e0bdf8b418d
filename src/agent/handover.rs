//! What `midclt session start` hands the agent process on its stdin, and what the agent
//! answers on its stdout once it is ready (or why it is not).
//!
//! Credentials cross a pipe only: argv and the environment are readable by other
//! processes (`/proc/PID/cmdline`, `environ`, `ps e`), and a file would put them on disk.
//! Secrets stay in zeroizing buffers on both sides.

use crate::auth::scram::ScramKeys;
use crate::auth::{ApiKey, KeyMechanism, Login, Secret};
use crate::client::rpc::ConnectOptions;
use crate::client::transport::{Pin, TlsOptions};
use crate::client::uri::{Endpoint, Protocol};
use crate::error::{Error, Kind, Result};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;
use zeroize::Zeroizing;

/// Everything the agent needs: where to listen, what it serves, how to connect and log in.
#[derive(Serialize, Deserialize)]
pub(crate) struct Handover {
    /// The socket to listen on.
    pub socket: PathBuf,
    /// The server as configured, shown by `session status`.
    pub server: String,
    /// The user the credentials name (may be empty), shown by `session status`.
    pub user: String,
    /// Seconds without use before the agent exits; 0: never.
    pub idle: u64,
    endpoint: WireEndpoint,
    insecure: bool,
    ca_cert: Option<PathBuf>,
    pin: Option<WirePin>,
    connect_timeout_ms: u64,
    call_timeout_ms: u64,
    login: WireLogin,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum WireEndpoint {
    Unix {
        path: PathBuf,
        legacy: bool,
    },
    Tcp {
        tls: bool,
        host: String,
        port: u16,
        path: String,
    },
    Mock {
        legacy: bool,
    },
}

#[derive(Serialize, Deserialize)]
struct WirePin {
    sha256: String,
    from_known_hosts: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum WireLogin {
    None,
    Password {
        username: String,
        password: Secret,
        otp: Option<Secret>,
    },
    ApiKey {
        username: Option<String>,
        id: u64,
        raw: Option<Secret>,
        /// Precomputed SCRAM keys (client, stored, server), base64.
        scram: Option<[Secret; 3]>,
        plain: bool,
        channel_binding: bool,
    },
    Token {
        token: Secret,
    },
}

impl Handover {
    /// For an agent at `socket` serving `server` as `user`, connecting with `opts` and
    /// logging in with `login`.
    pub(crate) fn new(
        socket: PathBuf,
        server: String,
        user: String,
        idle: u64,
        opts: &ConnectOptions,
        login: &Login,
    ) -> Handover {
        let legacy = opts.endpoint.protocol() == Protocol::Legacy;
        let endpoint = match &opts.endpoint {
            Endpoint::Unix { path, .. } => WireEndpoint::Unix {
                path: absolute(path),
                legacy,
            },
            Endpoint::Tcp {
                tls,
                host,
                port,
                path,
            } => WireEndpoint::Tcp {
                tls: *tls,
                host: host.clone(),
                port: *port,
                path: path.clone(),
            },
            Endpoint::Mock { .. } => WireEndpoint::Mock { legacy },
        };
        Handover {
            socket,
            server,
            user,
            idle,
            endpoint,
            insecure: opts.tls.insecure,
            // The agent runs in `/`: a relative path would name another file there.
            ca_cert: opts.tls.ca_cert.as_deref().map(absolute),
            pin: opts.tls.pin.as_ref().map(|p| WirePin {
                sha256: Pin::show(&p.sha256),
                from_known_hosts: p.from_known_hosts,
            }),
            connect_timeout_ms: millis(opts.connect_timeout),
            call_timeout_ms: millis(opts.call_timeout),
            login: WireLogin::of(login),
        }
    }

    /// The connection options and the login, taken out of the handover.
    pub(crate) fn into_parts(self) -> Result<(ConnectOptions, Login)> {
        let endpoint = match self.endpoint {
            WireEndpoint::Unix { path, legacy } => Endpoint::Unix {
                path,
                protocol: protocol(legacy),
            },
            WireEndpoint::Tcp {
                tls,
                host,
                port,
                path,
            } => Endpoint::Tcp {
                tls,
                host,
                port,
                path,
            },
            WireEndpoint::Mock { legacy } => Endpoint::Mock {
                protocol: protocol(legacy),
            },
        };
        let pin = match self.pin {
            Some(p) => Some(Pin {
                sha256: Pin::parse(&p.sha256)
                    .ok_or_else(|| Error::usage("the session handover has a malformed pin"))?,
                from_known_hosts: p.from_known_hosts,
            }),
            None => None,
        };
        let opts = ConnectOptions {
            endpoint,
            tls: TlsOptions {
                insecure: self.insecure,
                ca_cert: self.ca_cert,
                pin,
            },
            connect_timeout: Duration::from_millis(self.connect_timeout_ms.max(1000)),
            call_timeout: Duration::from_millis(self.call_timeout_ms.max(1000)),
            verbose: false,
        };
        Ok((opts, self.login.into_login()?))
    }

    /// The handover as written to the pipe (a zeroizing buffer: it holds the secrets).
    pub(crate) fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>> {
        let mut out = Zeroizing::new(Vec::with_capacity(1024));
        serde_json::to_writer(&mut *out, self)
            .map_err(|e| Error::io(format!("cannot write the session handover: {e}")))?;
        Ok(out)
    }

    /// Read what [`Handover::to_bytes`] wrote.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Handover> {
        serde_json::from_slice(bytes).map_err(|e| {
            Error::usage(format!(
                "`session serve` expects what `session start` writes on its stdin ({e})"
            ))
            .hint("start an agent with `midclt session start`")
        })
    }
}

fn protocol(legacy: bool) -> Protocol {
    if legacy {
        Protocol::Legacy
    } else {
        Protocol::JsonRpc
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn absolute(path: &std::path::Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

impl WireLogin {
    fn of(login: &Login) -> WireLogin {
        match login {
            Login::None => WireLogin::None,
            Login::Password {
                username,
                password,
                otp,
            } => WireLogin::Password {
                username: username.clone(),
                password: password.clone(),
                otp: otp.clone(),
            },
            Login::ApiKey {
                username,
                key,
                mechanism,
                channel_binding,
            } => {
                let b64 =
                    |k: &[u8]| Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(k));
                WireLogin::ApiKey {
                    username: username.clone(),
                    id: key.id,
                    raw: key.raw.clone(),
                    scram: key
                        .precomputed
                        .as_ref()
                        .map(|k| [b64(&k.client_key), b64(&k.stored_key), b64(&k.server_key)]),
                    plain: *mechanism == KeyMechanism::Plain,
                    channel_binding: *channel_binding,
                }
            }
            Login::Token(token) => WireLogin::Token {
                token: token.clone(),
            },
        }
    }

    fn into_login(self) -> Result<Login> {
        Ok(match self {
            WireLogin::None => Login::None,
            WireLogin::Password {
                username,
                password,
                otp,
            } => Login::Password {
                username,
                password,
                otp,
            },
            WireLogin::ApiKey {
                username,
                id,
                raw,
                scram,
                plain,
                channel_binding,
            } => {
                let precomputed = match scram {
                    Some([client, stored, server]) => Some(ScramKeys {
                        client_key: key_bytes(&client)?,
                        stored_key: key_bytes(&stored)?,
                        server_key: key_bytes(&server)?,
                    }),
                    None => None,
                };
                Login::ApiKey {
                    username,
                    key: ApiKey {
                        id,
                        raw,
                        precomputed,
                    },
                    mechanism: if plain {
                        KeyMechanism::Plain
                    } else {
                        KeyMechanism::Scram
                    },
                    channel_binding,
                }
            }
            WireLogin::Token { token } => Login::Token(token),
        })
    }
}

fn key_bytes(text: &str) -> Result<[u8; 64]> {
    let bytes = Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|_| Error::usage("the session handover has a malformed SCRAM key"))?,
    );
    bytes
        .as_slice()
        .try_into()
        .map_err(|_| Error::usage("the session handover has a malformed SCRAM key"))
}

/// The agent's one line to `session start`: ready, or why not.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Report {
    /// Listening, logged in.
    Ready {
        /// The agent's process id.
        pid: u32,
    },
    /// Not started; the error as `session start` should report it.
    Failed {
        kind: String,
        message: String,
        hints: Vec<String>,
    },
}

impl Report {
    pub(crate) fn failed(e: &Error) -> Report {
        Report::Failed {
            kind: kind_name(e.kind).into(),
            message: e.message.clone(),
            hints: e.hints.clone(),
        }
    }

    /// The agent's failure as this process's own error.
    pub(crate) fn into_error(kind: &str, message: String, hints: Vec<String>) -> Error {
        let mut e = Error::new(kind_of(kind), message);
        e.hints = hints;
        e
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
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

fn kind_of(name: &str) -> Kind {
    match name {
        "usage" => Kind::Usage,
        "connection" => Kind::Connection,
        "tls" => Kind::Tls,
        "auth" => Kind::Auth,
        "timeout" => Kind::Timeout,
        "server" => Kind::Server,
        "interrupted" => Kind::Interrupted,
        _ => Kind::Io,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handover_round_trips_every_login() {
        let opts = ConnectOptions::new(Endpoint::Tcp {
            tls: true,
            host: "::1".into(),
            port: 8443,
            path: "/websocket".into(),
        });
        let logins = [
            Login::None,
            Login::Password {
                username: "admin".into(),
                password: Zeroizing::new("pa\"ss\nword".into()),
                otp: Some(Zeroizing::new("123456".into())),
            },
            Login::ApiKey {
                username: Some("root".into()),
                key: ApiKey {
                    id: 7,
                    raw: None,
                    precomputed: Some(ScramKeys {
                        client_key: [1; 64],
                        stored_key: [2; 64],
                        server_key: [3; 64],
                    }),
                },
                mechanism: KeyMechanism::Scram,
                channel_binding: false,
            },
            Login::Token(Zeroizing::new("tok".into())),
        ];
        for login in logins {
            let h = Handover::new("/s".into(), "srv".into(), "u".into(), 5, &opts, &login);
            let bytes = h.to_bytes().unwrap();
            let (back_opts, back) = Handover::from_bytes(&bytes).unwrap().into_parts().unwrap();
            assert_eq!(back_opts.endpoint, opts.endpoint);
            assert_eq!(format!("{back:?}"), format!("{login:?}"));
            match (&login, &back) {
                (Login::Password { password: a, .. }, Login::Password { password: b, .. }) => {
                    assert_eq!(a.as_str(), b.as_str());
                }
                (Login::ApiKey { key: a, .. }, Login::ApiKey { key: b, .. }) => {
                    let (a, b) = (
                        a.precomputed.as_ref().unwrap(),
                        b.precomputed.as_ref().unwrap(),
                    );
                    assert_eq!(a.stored_key, b.stored_key);
                }
                _ => {}
            }
        }
    }

    #[test]
    fn failures_keep_their_kind() {
        let e = Error::auth("no").hint("h");
        let Report::Failed {
            kind,
            message,
            hints,
        } = Report::failed(&e)
        else {
            panic!("not a failure")
        };
        let back = Report::into_error(&kind, message, hints);
        assert_eq!(back.kind, Kind::Auth);
        assert_eq!(back.hints, ["h"]);
    }
}
