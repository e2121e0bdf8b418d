//! Python semantics the TrueNAS tools' output and input depend on, in one place: the CLI
//! grammars, the renderers and the emulator all follow what Python (and the midcli /
//! middleware code written in it) does, so each rule is written once here.
//!
//! Depends on nothing in the crate: only std and `serde_json`.

pub(crate) mod caret;
pub(crate) mod chars;
pub(crate) mod datetime;
pub(crate) mod errno;
pub(crate) mod float;
pub(crate) mod int;
pub(crate) mod json;
pub(crate) mod pprint;
pub(crate) mod repr;
pub(crate) mod shlex;
pub(crate) mod text;

pub(crate) use float::{float_repr, float_value};
pub(crate) use repr::str_repr;
pub(crate) use text::expand_tabs;
