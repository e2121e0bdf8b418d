//! Talking to a middleware: endpoints, streams, the WebSocket upgrade and the two RPC
//! protocols (JSON-RPC 2.0 and the legacy one). Knows nothing of the command line or of
//! how results are shown.

pub(crate) mod http;
pub(crate) mod id;
pub(crate) mod multipart;
pub(crate) mod redact;
pub(crate) mod rpc;
pub(crate) mod transport;
pub mod uri;

pub use rpc::{connect, connect_over, Answer, Client, ConnectOptions, Event, Notification};
pub use transport::{ConnInfo, Pin, Stream, TlsOptions};
