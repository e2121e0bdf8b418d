//! midclt's own subcommands, one file each. They turn parsed options into a session
//! configuration, do their work through the session and client layers, and print through
//! the render layer.

pub(crate) mod cache;
pub(crate) mod call;
pub(crate) mod key;
pub(crate) mod mock_server;
pub(crate) mod ping;
pub(crate) mod render;
pub(crate) mod subscribe;
pub(crate) mod token;
pub(crate) mod trust;
pub(crate) mod waitready;

use crate::auth::credentials::LoginSpec;
use crate::cli::GlobalArgs;
use crate::session::ConnectConfig;

/// The session configuration the global options describe.
pub(crate) fn config(g: &GlobalArgs) -> ConnectConfig {
    ConnectConfig {
        uri: g.uri.clone(),
        timeout: g.timeout,
        connect_timeout: g.connect_timeout,
        insecure: g.insecure,
        ca_cert: g.ca_cert.clone(),
        pin: g.pin.clone(),
        verbose: g.verbose,
        login: LoginSpec {
            username: g.username.clone(),
            password: g.password.clone(),
            password_file: g.password_file.clone(),
            api_key: g.api_key.clone(),
            token: g.token.clone(),
            otp: g.otp.clone(),
            plain: g.plain,
            no_channel_binding: g.no_channel_binding,
        },
    }
}
