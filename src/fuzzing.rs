//! Entry points for the fuzz targets in `fuzz/` (cargo feature `fuzzing`) and for the
//! bounded property tests below. Each takes arbitrary input and must neither panic nor
//! hang, and checks the invariants its parser promises.

use crate::auth::scram::{KeySource, ScramClient, ScramKeys};
use crate::client::rpc;
use crate::client::transport::Stream;
use crate::client::uri::{Endpoint, Protocol};
use crate::render::{self, Format};
use crate::truenas_cli::{args, query};
use serde_json::Value;

fn text(data: &[u8]) -> &str {
    std::str::from_utf8(data).unwrap_or("")
}

/// The TrueNAS CLI argument grammar: `-c` lines (strict and extended) and argv words.
/// The extensions only accept more: whatever the strict grammar accepts means the same.
pub fn truenas_cli_args(data: &[u8]) {
    let line = text(data);
    let strict = args::parse(line, false);
    let extended = args::parse(line, true);
    if let Ok(strict) = &strict {
        assert_eq!(Some(strict), extended.as_ref().ok(), "{line:?}");
    }
    if let Err(e) = &extended {
        assert!(!e.to_string().is_empty());
    }
    let words: Vec<String> = line.split('\0').map(str::to_string).collect();
    if let Ok(parsed) = args::parse_argv(&words) {
        let schema = [
            serde_json::json!({"type": "integer", "_name_": "id"}),
            serde_json::json!({"type": "object", "_name_": "data"}),
        ];
        for mode in [
            args::Mode::Splice(0),
            args::Mode::PositionalKeyword,
            args::Mode::Update,
        ] {
            let _ = args::map_params(&parsed, &schema, mode);
        }
    }
}

/// The query grammar (columns, WHERE with a Python expression, ORDER BY/LIMIT/OFFSET):
/// whatever parses must be sendable JSON.
pub fn truenas_cli_query(data: &[u8]) {
    match query::parse(text(data)) {
        Ok(q) => {
            assert!(serde_json::to_string(&q.filters).is_ok());
            assert!(serde_json::to_string(&q.options).is_ok());
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// Rendering any JSON value in every format; the JSON rendering stays valid JSON.
pub fn render_json(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for format in [Format::Table, Format::Csv, Format::Yaml] {
        let _ = render::render(&value, format);
    }
    let json = render::render(&value, Format::Json);
    assert!(
        serde_json::from_str::<Value>(&json).is_ok(),
        "{json:?} is not JSON"
    );
    let _ = render::render(&value, Format::Raw);
    for line in render::render(&value, Format::Jsonl).lines() {
        assert!(
            serde_json::from_str::<Value>(line).is_ok(),
            "{line:?} is not JSON"
        );
    }
    // Tables fitted to terminals of a few widths.
    for width in [1, 30, 80] {
        let layout = render::Layout {
            json_indent: true,
            width: Some(width),
        };
        let _ = render::render_with(&value, Format::Table, layout);
    }
    // Selecting fields, flat (table and csv) and nested: whatever the names.
    if let Ok(select) = render::Selection::parse("a,a.b,$date,0") {
        let _ = select.apply(&value, true);
        let _ = select.apply(&value, false);
    }
    let _ = crate::py::pprint::pformat(&value);
    let _ = crate::py::json::dumps(&value);
}

/// What a server sends, as raw WebSocket bytes after the handshake, read by a client that
/// makes one call: the first byte picks the protocol, the rest is the byte stream. Every
/// outcome is an answer or an error, never a panic or a hang.
pub fn client_frames(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let protocol = if first % 2 == 0 {
        Protocol::JsonRpc
    } else {
        Protocol::Legacy
    };
    let Ok((ours, theirs)) = std::os::unix::net::UnixStream::pair() else {
        return;
    };
    let mut theirs = theirs;
    // The whole "server" fits in the socket buffer (the fuzzer's inputs are small); closing
    // our copy of its end makes the client see the end of the stream after it.
    if std::io::Write::write_all(&mut theirs, bytes).is_err() {
        return;
    }
    let _ = theirs.shutdown(std::net::Shutdown::Write);
    let mut opts = rpc::ConnectOptions::new(Endpoint::Mock { protocol });
    opts.connect_timeout = std::time::Duration::from_millis(200);
    opts.call_timeout = std::time::Duration::from_millis(200);
    if let Ok(mut client) = rpc::from_raw_stream(Stream::Unix(ours), protocol, &opts) {
        let _ = client.call("core.ping", vec![]);
        while let Ok(Some(_)) = client.next_notification(Some(std::time::Instant::now())) {}
    }
    drop(theirs);
}

/// SCRAM messages from the server: server-first (then client-final is made with
/// precomputed keys, so no PBKDF2), server-final, and SASLprep of user names. Lines of the
/// input are the messages.
pub fn scram_messages(data: &[u8]) {
    let mut lines = text(data).split('\n');
    let username = lines.next().unwrap_or("");
    let _ = crate::auth::scram::saslprep(username);
    let server_first = lines.next().unwrap_or("");
    let server_final = lines.next().unwrap_or("");
    let _ = crate::auth::scram::parse_server_first(server_first);
    let binding = crate::auth::scram::ChannelBinding::None;
    let Ok(mut client) = ScramClient::with_nonce("root", 1, binding, [0u8; 32]) else {
        return;
    };
    let keys = ScramKeys {
        client_key: [1u8; 64],
        stored_key: [2u8; 64],
        server_key: [3u8; 64],
    };
    if client
        .client_final(server_first, KeySource::Precomputed(&keys))
        .is_ok()
    {
        let _ = client.verify_server_final(server_final);
    }
}

#[cfg(test)]
mod tests {
    //! The fuzz targets' properties, on a bounded number of generated inputs.
    use proptest::prelude::*;

    fn config() -> ProptestConfig {
        ProptestConfig {
            cases: 512,
            ..ProptestConfig::default()
        }
    }

    /// Text made of the grammars' own pieces, so the generator reaches deep paths.
    fn grammar_text() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "x=",
            "name=",
            "1",
            "-3",
            "0x1f",
            "'a'",
            "\"b\"",
            "[",
            "]",
            "{",
            "}",
            ",",
            ":",
            " ",
            "--",
            "> f",
            "WHERE ",
            "uid",
            " > ",
            "==",
            " and ",
            " not ",
            "(",
            ")",
            ".startswith(",
            "ORDER BY ",
            " LIMIT ",
            "5",
            "*",
            "\\",
            "\t",
            "\n",
            "é",
            "\u{9b}",
        ]);
        prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>()
                .prop_filter("finite", |x| x.is_finite())
                .prop_map(serde_json::Value::from),
            ".{0,12}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::vec(("[a-z$]{1,6}", inner), 0..6)
                    .prop_map(|kv| { serde_json::Value::Object(kv.into_iter().collect()) }),
            ]
        })
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn argument_grammar(s in grammar_text()) {
            super::truenas_cli_args(s.as_bytes());
        }

        #[test]
        fn argument_grammar_any_text(s in ".{0,64}") {
            super::truenas_cli_args(s.as_bytes());
        }

        #[test]
        fn query_grammar(s in grammar_text()) {
            super::truenas_cli_query(s.as_bytes());
        }

        #[test]
        fn rendering(v in json_value()) {
            super::render_json(v.to_string().as_bytes());
        }

        #[test]
        fn scram(s in "[a-z,=rsiv0-9A-Za-z+/\n]{0,200}") {
            super::scram_messages(s.as_bytes());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn frames(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            super::client_frames(&bytes);
        }
    }
}
