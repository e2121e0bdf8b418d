//! Python semantics the TrueNAS tools' output and input depend on, in one place: the CLI
//! grammars, the renderers and the emulator all follow what Python (and the midcli /
//! middleware code written in it) does, so each rule is written once here.
//!
//! Depends on nothing in the crate: only std and serde_json.

pub mod caret;
pub mod chars;
pub mod datetime;
pub mod errno;
pub mod float;
pub mod int;
pub mod json;
pub mod pprint;
pub mod repr;
pub mod text;

pub use float::{float_repr, float_value};
pub use repr::str_repr;
pub use text::expand_tabs;
