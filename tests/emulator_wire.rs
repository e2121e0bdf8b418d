//! The emulator answers like a real TrueNAS: replay the frames of a recorded 27.0 wire
//! session (../shared/catalog/wire-transcript-27.0-master.json) against it and compare
//! what comes back — error objects exactly, results by shape, stable values exactly.
// Test support: the helpers below panic on a broken socket or frame, which fails the
// test with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use midclt::emulator::{Config, Emulator};
use serde_json::{json, Value};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

type Ws = WebSocket<TcpStream>;

fn connect(uri: &str) -> Ws {
    let addr = uri
        .trim_start_matches("ws://")
        .trim_end_matches("/api/current");
    let stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let (ws, _) = tungstenite::client(uri, stream).expect("upgrade");
    ws
}

fn send_text(ws: &mut Ws, text: &str) {
    ws.send(Message::text(text.to_string())).expect("send");
}

/// Frames received until `done` says stop, or `limit` passes.
fn read_until(ws: &mut Ws, limit: Duration, mut done: impl FnMut(&Value) -> bool) -> Vec<Value> {
    let end = Instant::now() + limit;
    let mut got = Vec::new();
    while Instant::now() < end {
        match ws.read() {
            Ok(Message::Text(t)) => {
                let v: Value = serde_json::from_str(t.as_str()).expect("server sent JSON");
                let stop = done(&v);
                got.push(v);
                if stop {
                    break;
                }
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("connection failed: {e}"),
        }
    }
    got
}

/// Same JSON types, same object keys, recursively (values may differ).
fn same_shape(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            // Sets, not sequences: the real server itself orders job results differently
            // in events and in core.get_jobs.
            let mut ek: Vec<_> = e.keys().collect();
            let mut ak: Vec<_> = a.keys().collect();
            ek.sort();
            ak.sort();
            if ek != ak {
                return Err(format!("{path}: keys {ek:?} != {ak:?}"));
            }
            e.iter()
                .try_for_each(|(k, v)| same_shape(v, &a[k], &format!("{path}.{k}")))
        }
        (Value::Array(e), Value::Array(a)) => {
            if let (Some(e0), Some(a0)) = (e.first(), a.first()) {
                same_shape(e0, a0, &format!("{path}[0]"))?;
            }
            Ok(())
        }
        // A null where a value may be, or differing scalars of one type, are fine.
        (Value::Null, _) | (_, Value::Null) => Ok(()),
        (e, a) if std::mem::discriminant(e) == std::mem::discriminant(a) => Ok(()),
        (e, a) => Err(format!("{path}: {e} vs {a}")),
    }
}

fn compare_error(expected: &Value, actual: &Value, note: &str) {
    let (e, a) = (&expected["error"], &actual["error"]);
    assert_eq!(a["code"], e["code"], "{note}: code");
    if e["code"] != json!(-32700) {
        assert_eq!(a["message"], e["message"], "{note}: message");
    }
    for k in ["error", "errname", "reason", "extra"] {
        assert_eq!(a["data"][k], e["data"][k], "{note}: data.{k}");
    }
    assert_eq!(
        a["data"]["trace"]["class"], e["data"]["trace"]["class"],
        "{note}: trace.class"
    );
    assert_eq!(a["id"], e["id"], "{note}: id");
}

#[test]
fn emulator_matches_the_recorded_real_server() {
    let Some(path) = common::shared("catalog/wire-transcript-27.0-master.json") else {
        return;
    };
    let transcript: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("transcript")).expect("JSON");
    let emu = Emulator::new(Config {
        password: "x".into(),
        scram_iterations: midclt::auth::scram::MIN_ITERATIONS,
        ..Config::default()
    });
    let uri = emu.listen("ws://127.0.0.1:0").unwrap().uri;
    // The recording was made after one key and one job had come and gone: match its ids.
    {
        let mut ws = connect(&uri);
        let msg = |id: u64, m: &str, p: Value| {
            json!({"jsonrpc": "2.0", "id": format!("pre-{id}"), "method": m, "params": p})
                .to_string()
        };
        send_text(
            &mut ws,
            &msg(
                1,
                "auth.login_ex",
                json!([{"mechanism": "PASSWORD_PLAIN", "username": "root", "password": "x"}]),
            ),
        );
        send_text(
            &mut ws,
            &msg(
                2,
                "api_key.create",
                json!([{"name": "pre", "username": "root"}]),
            ),
        );
        send_text(&mut ws, &msg(3, "api_key.delete", json!([1])));
        send_text(&mut ws, &msg(4, "core.bulk", json!(["core.ping", [[]]])));
        read_until(&mut ws, Duration::from_secs(5), |v| {
            v["id"] == json!("pre-4")
        });
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut conns: std::collections::HashMap<String, Ws> = std::collections::HashMap::default();
    let mut created_key: Option<String> = None;
    for entry in &transcript {
        let note = entry["note"].as_str().unwrap_or("");
        let conn = entry["conn"].as_str().unwrap_or("A").to_string();
        let ws = conns.entry(conn).or_insert_with(|| connect(&uri));
        let mut text = match (&entry["sent"], &entry["sent_raw"]) {
            (Value::Object(_), _) => entry["sent"].to_string(),
            (_, Value::String(raw)) => raw.clone(),
            _ => continue,
        };
        if let Some(key) = &created_key {
            text = text.replace(
                "2-ZjecyDgtpU7HxGcqcMqHJm6UAFci03DfbZhtWwAjdMqX0EewplAQECAMHRslmnPZ",
                key,
            );
        }
        send_text(ws, &text);
        let sent_id = entry["sent"].get("id").cloned();
        let expected = entry["received"].as_array().cloned().unwrap_or_default();
        let Some(id) = sent_id else {
            if entry["sent_raw"].is_string() {
                let got = read_until(ws, Duration::from_secs(2), |_| true);
                compare_error(
                    &expected[0]["data"]
                        .as_str()
                        .map(|d| serde_json::from_str(d).unwrap())
                        .unwrap(),
                    &got[0],
                    note,
                );
            } else {
                let got = read_until(ws, Duration::from_millis(300), |_| true);
                assert!(
                    got.is_empty(),
                    "{note}: a notification got an answer: {got:?}"
                );
            }
            continue;
        };
        let is_job = entry["sent"]["method"] == "core.bulk";
        let mut answer = None;
        let got = read_until(ws, Duration::from_secs(5), |v| {
            if v["id"] == id {
                answer = Some(v.clone());
            }
            let job_done = v["params"]["fields"]["state"] == "SUCCESS";
            answer.is_some() && (!is_job || job_done)
        });
        let answer = answer.unwrap_or_else(|| panic!("{note}: no answer in {got:?}"));
        let want = expected
            .iter()
            .find(|f| f.get("id") == Some(&id))
            .expect("recorded answer");
        if want.get("error").is_some() {
            compare_error(want, &answer, note);
        } else {
            same_shape(&want["result"], &answer["result"], note).unwrap_or_else(|e| panic!("{e}"));
            let stable = want["result"].is_string() && !note.contains("subscribe")
                || want["result"].is_boolean()
                || want["result"].is_number() && !is_job
                || note.contains("select")
                || note.contains("mechanisms")
                || want["result"].get("response_type") == Some(&json!("AUTH_ERR"));
            if stable {
                assert_eq!(answer["result"], want["result"], "{note}");
            }
            if let Some(k) = answer["result"]["key"].as_str() {
                created_key = Some(k.to_string());
            }
        }
        if is_job {
            let events: Vec<_> = got
                .iter()
                .filter(|f| f["method"] == "collection_update")
                .collect();
            let first = expected
                .iter()
                .find(|f| f["method"] == "collection_update")
                .unwrap();
            assert_eq!(events[0]["params"]["msg"], "added", "{note}");
            same_shape(&first["params"], &events[0]["params"], note)
                .unwrap_or_else(|e| panic!("{e}"));
            let last = events.last().unwrap();
            let want_last = expected
                .iter()
                .rev()
                .find(|f| f["method"] == "collection_update")
                .unwrap();
            assert_eq!(
                last["params"]["fields"]["result"], want_last["params"]["fields"]["result"],
                "{note}"
            );
            assert_eq!(last["params"]["fields"]["progress"]["percent"], json!(100));
        }
    }
}
