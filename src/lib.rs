//! midclt: a client library and command-line tool for the TrueNAS middleware API, with a
//! built-in emulator of that API.

pub mod app;
pub mod auth;
pub mod cli;
pub mod client;
pub mod commands;
#[cfg(feature = "emulator")]
pub mod emulator;
pub mod error;
pub mod jobs;
pub mod py;
pub mod render;
pub mod session;
pub mod truenas_cli;
