use super::binding::oid_to_string;
use super::binding::signature_algorithm;
use super::binding::tls_server_end_point;
use super::binding::ChannelBinding;
use super::server::parse_client_final;
use super::server::ScramServer;
use super::*;
use serde_json::Value;

/// SCRAM-SHA-512 and tls-server-end-point test values: exchanges recomputed
/// independently, and the expected results of the official client's own tests. Carried
/// here so the tests need nothing beside the checkout.
fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors.json")).expect("vector file is JSON")
}
fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().expect(key)
}
fn n(v: &Value, key: &str) -> u64 {
    v[key].as_u64().expect(key)
}
fn list<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v["from_sources"][key].as_array().expect(key)
}
fn d64(v: &Value, key: &str) -> Vec<u8> {
    B64.decode(s(v, key)).expect("vector base64")
}
fn hex(h: &str) -> Vec<u8> {
    let byte = |i| u8::from_str_radix(&h[i..i + 2], 16).expect("vector hex");
    (0..h.len()).step_by(2).map(byte).collect()
}
fn binding(hex_value: &Value) -> ChannelBinding {
    match hex_value.as_str() {
        Some(h) => ChannelBinding::TlsServerEndPoint(hex(h)),
        None => ChannelBinding::None,
    }
}

#[test]
fn constants_match_vectors() {
    let c = &vectors()["constants"];
    assert_eq!(s(c, "gs2_header_unbound"), GS2_UNBOUND);
    assert_eq!(s(c, "gs2_header_bound"), GS2_BOUND);
    assert_eq!(s(c, "c_attr_unbound"), ChannelBinding::None.c_attribute());
    let decoded = s(c, "c_attr_unbound_decoded");
    assert_eq!(d64(c, "c_attr_unbound"), decoded.as_bytes());
    assert_eq!(s(c, "digest"), "SHA-512");
    for (key, want) in [
        ("nonce_size_bytes", NONCE_LEN as u64),
        ("combined_nonce_size_bytes", 2 * NONCE_LEN as u64),
        ("min_iterations", MIN_ITERATIONS.into()),
        ("max_iterations", MAX_ITERATIONS.into()),
        ("server_default_iterations", DEFAULT_ITERATIONS.into()),
        ("max_salt_size_bytes_client_parser", MAX_SALT_LEN as u64),
    ] {
        assert_eq!(n(c, key), want, "{key}");
    }
    // The key labels and salt size are checked in `derived_exchanges`.
}

#[test]
fn tls_server_end_point_vectors() {
    let v = vectors();
    for case in list(&v, "tls_server_end_point") {
        let (cert, name) = (d64(case, "cert_der_b64"), s(case, "name"));
        let oid = signature_algorithm(&cert).expect(name).0;
        assert_eq!(oid, s(case, "signature_algorithm_oid"), "{name}");
        let hash = tls_server_end_point(&cert).expect(name);
        assert_eq!(hash, hex(s(case, "expected_hex")), "{name}");
        assert_eq!(hash.len() as u64, n(case, "expected_len"), "{name}");
    }
    for case in list(&v, "tls_server_end_point_rejected") {
        assert!(s(case, "expected").starts_with("error"));
        let oid = s(case, "signature_algorithm_oid");
        match tls_server_end_point(&d64(case, "cert_der_b64")) {
            Err(e @ ScramError::UndefinedBinding(_)) => assert!(e.to_string().contains(oid)),
            other => panic!("{} accepted: {other:?}", s(case, "name")),
        }
    }
}

#[test]
fn der_parser_survives_mangled_certificates() {
    let v = vectors();
    let keys = ["tls_server_end_point", "tls_server_end_point_rejected"];
    let mut certs: Vec<Vec<u8>> = keys
        .iter()
        .flat_map(|k| list(&v, k).iter().map(|c| d64(c, "cert_der_b64")))
        .collect();
    certs.extend([
        vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
        vec![0x30, 0x80, 0, 0],
    ]);
    for cert in &certs {
        for len in 0..cert.len() {
            assert!(tls_server_end_point(&cert[..len]).is_err());
        }
        for i in 0..cert.len().min(64) {
            for byte in [0x00, 0x06, 0x1f, 0x30, 0x7f, 0x80, 0x81, 0x84, 0xa0, 0xff] {
                let mut mangled = cert.clone();
                mangled[i] = byte;
                let _ = tls_server_end_point(&mangled);
            }
        }
    }
    assert!(oid_to_string(&[0x2a, 0x86]).is_err() && oid_to_string(&[0xff; 12]).is_err());
    assert_eq!(
        oid_to_string(&[0x2b, 0x65, 0x70]).expect("ok"),
        "1.3.101.112"
    );
}

#[test]
fn c_attribute_examples() {
    for case in list(&vectors(), "c_attribute_examples") {
        let binding = binding(&case["binding_hex"]);
        assert_eq!(format!("{},,", s(case, "gs2_header")), binding.gs2_header());
        assert_eq!(binding.c_attribute(), s(case, "expected_c_value_b64"));
        if let Some(prefix) = case["expected_c_value_decoded_prefix"].as_str() {
            assert!(d64(case, "expected_c_value_b64").starts_with(prefix.as_bytes()));
        }
    }
}

#[test]
fn client_first_format_examples() {
    let mk = |user, id, cb| ScramClient::with_nonce(user, id, cb, [7; NONCE_LEN]);
    for case in list(&vectors(), "client_first_format_examples") {
        if let Some(input) = case["username_input"].as_str() {
            let client = mk(input, 0, ChannelBinding::None);
            match case["expected_username"].as_str() {
                Some(want) => {
                    assert_eq!(saslprep(input).expect(input), want);
                    let cf = client.expect(input).client_first();
                    assert!(cf.starts_with(&format!("n,,n={want},r=")), "{cf}");
                }
                None => assert!(client.is_err(), "{input:?} accepted"),
            }
            continue;
        }
        let cb = match case["channel_binding_type"].as_str() {
            Some("tls-server-end-point") => ChannelBinding::TlsServerEndPoint(vec![1; 32]),
            Some(other) => panic!("unknown binding type {other}"),
            None => ChannelBinding::None,
        };
        let id = case["api_key_id"].as_u64().unwrap_or(0);
        let cf = mk(s(case, "username"), id, cb)
            .expect("valid")
            .client_first();
        assert!(cf.starts_with(s(case, "expected_prefix")), "{cf}");
        if let Some(part) = case["expected_contains"].as_str() {
            assert!(cf.contains(part), "{cf}");
        }
    }
}

#[test]
fn saslprep_query_mode_and_limits() {
    let ok = |input: &str, want: &str| assert_eq!(saslprep(input).expect(input), want);
    // U+0221 was unassigned in Unicode 3.2; U+0378 still is; U+2600 is a placeholder.
    assert!(stringprep::tables::unassigned_code_point('\u{0221}'));
    ok("d\u{0221}x", "d\u{0221}x");
    ok("\u{0378}\u{2600}", "\u{0378}\u{2600}");
    ok("I\u{00AD}X", "IX");
    ok("a\u{3000}b", "a b");
    ok("\u{05D0}1\u{05D1}", "\u{05D0}1\u{05D1}");
    let symbols: String = ('\u{2600}'..='\u{2613}').collect();
    ok(&symbols, &symbols);
    for bad in ["t\u{0080}u", "x\u{E000}", "\u{05D0}a\u{05D1}", "\u{05D0}1"] {
        assert!(saslprep(bad).is_err(), "{bad:?}");
    }
    // NFKC turns a fullwidth comma into ',' which must not reach the wire.
    for user in ["a\u{FF0C}b", "\u{200B}", ""] {
        assert!(ScramClient::new(user, 1, ChannelBinding::None).is_err());
    }
    let empty = ChannelBinding::TlsServerEndPoint(Vec::new());
    assert!(ScramClient::new("root", 1, empty).is_err());
}

#[test]
fn server_first_parse_examples() {
    let v = vectors();
    let cases = list(&v, "server_first_parse_examples");
    let good = cases
        .iter()
        .find(|c| c["expected"].is_object())
        .expect("valid case");
    for case in cases {
        let msg = if let Some(msg) = case["rfc_str"].as_str() {
            msg.to_owned()
        } else {
            let (prefix, _) = s(good, "rfc_str").rsplit_once(",i=").expect("i=");
            format!("{prefix},i={}", n(case, "iterations"))
        };
        let expected = &case["expected"];
        if let Some(text) = expected.as_str() {
            match parse_server_first(&msg) {
                Err(ScramError::IterationsOutOfRange(_)) => assert!(text.contains("iteration")),
                Err(ScramError::Malformed(_, what)) => assert!(what.contains("nonce")),
                other => panic!("{msg}: {other:?}"),
            }
            continue;
        }
        let sf = parse_server_first(&msg).expect("valid server-first");
        assert_eq!(u64::from(sf.iterations), n(expected, "iterations"));
        assert_eq!(sf.salt, hex(s(expected, "salt_hex")));
        assert_eq!(sf.nonce.len() as u64, n(expected, "nonce_len"));
        for (nonce, accepted) in [([0x22; 32], true), ([0x23; 32], false)] {
            let mut c = ScramClient::with_nonce("u", 1, ChannelBinding::None, nonce).expect("ok");
            let result = c.client_final(&msg, KeySource::Secret(b"k"));
            assert_eq!(result.is_ok(), accepted, "{result:?}");
        }
    }
    let r = B64.encode([0u8; 64]);
    let long_salt = B64.encode([1u8; MAX_SALT_LEN + 1]);
    for bad in [
        format!("s=c2FsdA==,r={r},i=50000"),
        format!("r={r},s=c2FsdA==,i=50000,x=1"),
        format!("r={r},s=,i=50000"),
        format!("r={r},s=c2FsdA=,i=50000"),
        format!("r={r},s=c2FsdA==,i=050000"),
        format!("r={r},s=c2FsdA==,i=+50000"),
        format!("r={r},s=c2FsdA==,i=99999999999999999999999"),
        format!("r={r},s={long_salt},i=50000"),
        format!("r={},s=c2FsdA==,i=50000", B64.encode([0u8; 32])),
        String::new(),
    ] {
        assert!(parse_server_first(&bad).is_err(), "{bad}");
    }
}

#[test]
fn client_final_parse_examples() {
    for case in list(&vectors(), "client_final_parse_examples") {
        let cf = parse_client_final(s(case, "rfc_str")).expect("valid client-final");
        let unbound = case["expected"]["channel_binding"].is_null();
        assert_eq!(cf.channel_binding.is_none(), unbound);
        assert_eq!(cf.nonce.len(), 2 * NONCE_LEN);
        assert!(s(case, "rfc_str").starts_with(&format!("{},p=", cf.without_proof)));
    }
    for bad in [
        "c=biws,r=AA==",
        "c=eSws,r=AA==,p=AA==",
        "r=AA==,c=biws,p=AA==",
    ] {
        assert!(parse_client_final(bad).is_err(), "{bad}");
    }
}

#[test]
fn derived_exchanges() {
    let v = vectors();
    let c = &v["constants"];
    let cert_hash = &v["derived"]["channel_bound_rsa_sha256_cert"]["inputs"];
    let cert_hash = hex(s(cert_hash, "channel_binding_hex"));
    for (name, case) in v["derived"].as_object().expect("derived") {
        let (inp, exp) = (&case["inputs"], &case["expected"]);
        let material = s(inp, "scram_password_material");
        assert!(s(inp, "raw_api_key").ends_with(&format!("-{material}")));
        let salt = d64(inp, "salt_b64");
        assert_eq!(salt, s(inp, "salt_ascii").as_bytes());
        assert_eq!(salt.len() as u64, n(c, "server_salt_size_bytes"));
        let iterations = u32::try_from(n(inp, "iterations")).expect("u32");
        let salted = salted_password(material.as_bytes(), &salt, iterations);
        assert_eq!(salted[..], d64(exp, "salted_password_b64"), "{name}");
        let keys = ScramKeys {
            client_key: *hmac(&salted, s(c, "client_key_label").as_bytes()),
            stored_key: d64(exp, "stored_key_b64").try_into().expect("64"),
            server_key: *hmac(&salted, s(c, "server_key_label").as_bytes()),
        };
        assert_eq!(keys.client_key[..], d64(exp, "client_key_b64"), "{name}");
        assert_eq!(keys.server_key[..], d64(exp, "server_key_b64"), "{name}");
        assert_eq!(Sha512::digest(keys.client_key)[..], keys.stored_key[..]);

        let cb = binding(&inp["channel_binding_hex"]);
        let bound = cb != ChannelBinding::None;
        assert_eq!(bound, inp["channel_binding_type"].is_string());
        let nonce: [u8; 32] = hex(s(inp, "client_nonce_hex")).try_into().expect("32");
        let (user, id) = (s(inp, "username"), n(inp, "api_key_id"));
        let (sf, sv) = (
            s(exp, "server_first_message"),
            s(exp, "server_final_message"),
        );
        let run = |key: KeySource<'_>| {
            let mut c = ScramClient::with_nonce(user, id, cb.clone(), nonce).expect("ok");
            assert_eq!(c.client_first(), s(exp, "client_first_message"), "{name}");
            assert_eq!(c.client_first_bare(), s(exp, "client_first_message_bare"));
            let cl = c.client_final(sf, key).expect("client-final");
            assert_eq!(cl, s(exp, "client_final_message"), "{name}");
            assert_eq!(c.auth_message(), Some(s(exp, "auth_message")));
            c.verify_server_final(sv).expect("server signature");
            (c, cl)
        };
        // PBKDF2 runs once per vector here: 500 000 iterations is slow in debug builds.
        let (client, cl) = run(KeySource::Secret(material.as_bytes()));
        assert_eq!(run(KeySource::Precomputed(&keys)).1, cl);
        let without = s(exp, "client_final_without_proof");
        assert_eq!(cl, format!("{without},p={}", s(exp, "client_proof_b64")));
        let signature = hmac(&keys.stored_key, s(exp, "auth_message").as_bytes());
        assert_eq!(signature[..], d64(exp, "client_signature_b64"));
        assert_eq!(sv, format!("v={}", s(exp, "server_signature_b64")));
        let steps = exp["login_ex_params"].as_array().expect("steps");
        let sent = [
            ("CLIENT_FIRST_MESSAGE", client.client_first()),
            ("CLIENT_FINAL_MESSAGE", cl.clone()),
        ];
        for (step, (kind, rfc)) in steps.iter().zip(sent) {
            let p = &step[0];
            assert_eq!(
                [s(p, "mechanism"), s(p, "scram_type"), s(p, "rfc_str")],
                ["SCRAM", kind, &rfc]
            );
        }
        let results = exp["server_results"].as_array().expect("results");
        assert_eq!(
            [s(&results[0], "rfc_str"), s(&results[1], "rfc_str")],
            [sf, sv]
        );
        let mut forged = d64(exp, "server_signature_b64");
        forged[0] ^= 1;
        let forged = client.verify_server_final(&format!("v={}", B64.encode(forged)));
        assert!(matches!(forged, Err(ScramError::ServerSignatureMismatch)));
        for bad in [format!("{sv},x=1"), "e=invalid-proof".into(), "v=".into()] {
            assert!(client.verify_server_final(&bad).is_err(), "{bad}");
        }

        // The emulator's side reproduces the same exchange.
        let first = ScramServer::parse_client_first(&client.client_first()).expect("cf");
        assert_eq!((first.username.as_str(), first.api_key_id), (user, id));
        assert_eq!((first.nonce, first.channel_binding), (nonce, bound));
        let snonce = hex(s(inp, "server_nonce_hex")).try_into().expect("32");
        let (stored, server) = (keys.stored_key, keys.server_key);
        let (srv, msg) =
            ScramServer::server_first(first, &salt, iterations, stored, server, snonce);
        assert_eq!(msg, sf);
        assert_eq!(
            srv.verify_client_final(&cl, Some(&cert_hash))
                .expect("proof ok"),
            sv
        );
        let wrong = srv.verify_client_final(&cl, Some(&[0u8; 32]));
        let no_tls = srv.verify_client_final(&cl, None);
        // Unbound logins are fine anywhere; bound ones need this server's certificate.
        assert_eq!((wrong.is_ok(), no_tls.is_ok()), (!bound, !bound));
        let mut proof = d64(exp, "client_proof_b64");
        proof[63] ^= 0x80;
        let bad = format!("{without},p={}", B64.encode(&proof));
        let bad = srv.verify_client_final(&bad, Some(&cert_hash));
        assert!(matches!(bad, Err(ScramError::AuthFailed)));
    }
}

#[test]
fn server_rejects_bad_client_messages() {
    let r = B64.encode([5u8; 32]);
    for bad in [
        format!("y,,n=root:1,r={r}"),
        format!("n,a=admin,n=root:1,r={r}"),
        format!("p=tls-unique,,n=root:1,r={r}"),
        format!("n,,n=ro=2Cot:1,r={r}"),
        format!("n,,m=x,n=root:1,r={r}"),
        format!("n,,n=root:1,r={r},x=1"),
        format!("n,,n=root:99999999999999999999999,r={r}"),
        "n,,n=root:1,r=AAAA".to_owned(),
        format!("n,,n=:1,r={r}"),
    ] {
        assert!(ScramServer::parse_client_first(&bad).is_err(), "{bad}");
    }
    let cf = ScramServer::parse_client_first(&format!("n,,n=a:b,r={r}")).expect("ok");
    assert_eq!((cf.username.as_str(), cf.api_key_id), ("a:b", 0));
    let bound = ScramServer::parse_client_first(&format!("{GS2_BOUND}n=u:1,r={r}"));
    let nonce = B64.encode([[5u8; 32], [3u8; 32]].concat());
    let zero = B64.encode([0u8; 64]);
    for (first, msg, want) in [
        // A client that asked for binding cannot downgrade in its final message.
        (
            bound.expect("ok"),
            format!("c=biws,r={nonce},p={zero}"),
            "ChannelBindingMismatch",
        ),
        (cf, format!("c=biws,r={zero},p={zero}"), "NonceMismatch"),
    ] {
        let (srv, _) = ScramServer::server_first(first, b"s", 50_000, [1; 64], [2; 64], [3; 32]);
        let err = srv
            .verify_client_final(&msg, Some(&[9; 32]))
            .expect_err(&msg);
        assert!(format!("{err:?}").starts_with(want), "{err:?}");
    }
}

#[test]
fn secrets_stay_out_of_debug_and_errors() {
    let secret = "uz8DhKHFhRIUQIvjzabPYtpy5wf1DJ3ZBLlDgNVhRAFT7Y6pJGUlm0n3apwxWEU4";
    let keys = derive_keys(secret.as_bytes(), b"Zx9./aB3cD4eF5gH", MIN_ITERATIONS);
    let mut client = ScramClient::new("root", 1, ChannelBinding::None).expect("ok");
    let other = ScramClient::new("root", 1, ChannelBinding::None).expect("ok");
    assert_ne!(client.nonce, other.nonce, "nonces must be random");
    assert!(
        client.verify_server_final("v=AA==").is_err(),
        "out of order"
    );
    let sf = format!(
        "r={},s=c2FsdA==,i=50000",
        B64.encode([client.nonce, [1; 32]].concat())
    );
    let cl = client
        .client_final(&sf, KeySource::Secret(secret.as_bytes()))
        .expect("ok");
    assert!(client
        .client_final(&sf, KeySource::Precomputed(&keys))
        .is_err());
    let err = client.verify_server_final("v=AA==").expect_err("mismatch");
    let first = ScramServer::parse_client_first(&client.client_first()).expect("ok");
    let (stored, server) = (keys.stored_key, keys.server_key);
    let (srv, _) = ScramServer::server_first(first, b"salt", 50_000, stored, server, [1; 32]);
    let dumps = format!("{keys:?} {client:?} {srv:?} {err} {err:?}");
    let proof = cl.rsplit_once("p=").expect("p=").1;
    assert!(!dumps.contains(secret) && !dumps.contains(proof), "{dumps}");
    for key in [&keys.client_key, &keys.stored_key, &keys.server_key] {
        assert!(!dumps.contains(&B64.encode(key)) && !dumps.contains(&format!("{:?}", &key[..3])));
    }
    let mut empty = ScramClient::new("root", 1, ChannelBinding::None).expect("ok");
    let result = empty.client_final(&sf, KeySource::Secret(b""));
    assert!(matches!(result, Err(ScramError::EmptySecret)));
    assert!(ct_eq(b"abc", b"abc") && !ct_eq(b"abc", b"abd") && !ct_eq(b"abc", b"ab"));
}

/// The vectors without their prose (descriptions and notes), as carried here.
fn strip(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "description" | "notes" | "note" | "comment" | "source" | "sources"
                    )
                })
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
        other => other.clone(),
    }
}

#[test]
fn carried_vectors_match_the_shared_ones() {
    // Where ../shared is present (CI), the copy carried here must not have drifted.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/vectors/scram.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let shared: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(strip(&shared), vectors());
}
