//! midclt: a client library and command-line tool for the TrueNAS middleware API, with a
//! built-in emulator of that API.
//!
//! The layers a Rust program uses, from the bottom up:
//!
//! - [`client`]: endpoints ([`client::uri`]), connections ([`client::connect`]) and the
//!   [`client::Client`], which speaks JSON-RPC 2.0 (`/api/current`, TrueNAS 25.04 and
//!   later) or the legacy `/websocket` protocol over a UNIX socket, `ws://` or `wss://`;
//! - [`auth`]: every login the server offers ([`auth::Login`], [`auth::login`]): password
//!   with a one-time password, API key by SCRAM-SHA-512 (with TLS channel binding) or in
//!   clear, session tokens; [`auth::credentials`] finds secrets in files, the environment
//!   and on the terminal;
//! - [`session`]: connect and log in from one plain [`session::ConnectConfig`], or go
//!   through a running session agent (`midclt session start`) with
//!   [`session::Opener`];
//! - [`jobs`]: run a job method and follow it to its end;
//! - [`transfer`]: files in and out of jobs (`core.download`, `/_upload`, job logs),
//!   streamed;
//! - [`error`]: one error type whose [`error::Kind`] maps to midclt's exit codes;
//! - `emulator` (cargo feature `emulator`, on by default): a faithful in-memory TrueNAS
//!   middleware on real sockets, for tests and demos.
//!
//! # Example
//!
//! Start an emulator on a free loopback port, log in with a password, make a call and
//! follow a job:
//!
//! ```
//! # #[cfg(feature = "emulator")]
//! # fn main() -> Result<(), midclt::error::Error> {
//! use midclt::auth::Login;
//! use midclt::emulator::{Config, Emulator};
//! use midclt::jobs;
//! use midclt::session::{self, ConnectConfig};
//! use serde_json::json;
//! use zeroize::Zeroizing;
//!
//! let server = Emulator::new(Config::default());
//! let uri = server.listen("ws://127.0.0.1:0")?.uri;
//!
//! let config = ConnectConfig {
//!     uri: Some(uri),
//!     ..ConnectConfig::default()
//! };
//! let login = Login::Password {
//!     username: "root".into(),
//!     password: Zeroizing::new("truenas".into()),
//!     otp: None,
//! };
//! let mut client = session::open_as(&config, &login)?;
//!
//! let me = client.call("auth.me", vec![])?;
//! assert_eq!(me["pw_name"], "root");
//!
//! // A job of three quick steps; jobs::Silent shows no progress.
//! let result = jobs::run(
//!     &mut client,
//!     "mock.progress_job",
//!     vec![json!(3), json!(0.01)],
//!     &mut jobs::Silent,
//! )?;
//! assert_eq!(result, json!({"steps": 3}));
//! client.close();
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "emulator"))]
//! # fn main() {}
//! ```

mod agent;
mod app;
pub mod auth;
mod batch;
mod cli;
pub mod client;
mod commands;
mod config;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod error;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod interrupt;
mod inventory;
pub mod jobs;
mod known_hosts;
mod private;
mod py;
mod render;
pub mod session;
mod shell;
pub mod transfer;
mod truenas_cli;

/// The `midclt` program (what `src/main.rs` runs): parse the process's arguments, run the
/// command, report any failure on stderr, and return the exit code.
#[doc(hidden)]
#[must_use]
pub fn run_cli() -> i32 {
    app::main()
}
