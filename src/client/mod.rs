//! Talking to a middleware: endpoints, streams, the WebSocket upgrade and the two RPC
//! protocols (JSON-RPC 2.0 and the legacy one). Knows nothing of the command line or of
//! how results are shown.

pub mod id;
pub mod redact;
pub mod rpc;
pub mod transport;
pub mod uri;

pub use rpc::{connect, connect_over, Client, ConnectOptions, Event, Notification};
