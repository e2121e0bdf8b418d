//! midclt: a client library and command-line tool for the TrueNAS middleware API, with a
//! built-in emulator of that API.
//!
//! The pieces a Rust program uses: [`rpc::connect`] for a [`rpc::Client`] (JSON-RPC 2.0 or
//! the legacy protocol, over a UNIX socket, ws:// or wss://), [`auth::login`] to log in,
//! [`jobs::run`] to follow a job, and [`emulator::Emulator`] for a test server.

pub mod app;
pub mod auth;
mod auth_scram;
pub mod catalog;
pub mod cli;
pub mod cli_args;
pub mod cli_query;
pub mod commands;
pub mod credentials;
pub mod editor;
pub mod emulator;
pub mod error;
pub mod jobs;
mod keyfile;
pub mod output;
pub mod pyfmt;
pub mod redact;
pub mod render;
pub mod rpc;
pub mod scram;
pub mod transport;
pub mod uri;
