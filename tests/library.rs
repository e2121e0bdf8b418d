//! The library API (what other Rust programs use) against the emulator.
// Test support: `client` panics when it cannot connect, which fails the test with its
// location.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use midclt::client::{connect, uri, Client, ConnectOptions, Notification};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn client(s: &Server) -> Client {
    connect(&ConnectOptions::new(uri::parse(&s.unix).unwrap())).unwrap()
}

#[test]
fn several_calls_in_flight_are_matched_to_their_answers() {
    let s = Server::start();
    let mut c = client(&s);
    let slow = c.send("mock.sleep", vec![json!(0.2)]).unwrap();
    let ping = c.send("core.ping", vec![]).unwrap();
    let version = c.send("system.version_short", vec![]).unwrap();
    // Collected in the reverse order of sending.
    assert_eq!(
        c.wait(&version, Duration::from_secs(5)).unwrap().unwrap(),
        json!("27.0.0")
    );
    assert_eq!(
        c.wait(&ping, Duration::from_secs(5)).unwrap().unwrap(),
        json!("pong")
    );
    assert_eq!(
        c.wait(&slow, Duration::from_secs(5)).unwrap().unwrap(),
        json!(true)
    );
}

#[test]
fn events_arriving_during_a_call_are_kept_for_the_subscriber() {
    let s = Server::start();
    let mut c = client(&s);
    let name = r#"reporting.realtime:{"interval": 0.02}"#;
    c.subscribe(name).unwrap();
    assert_eq!(c.call("mock.sleep", vec![json!(0.2)]).unwrap(), json!(true));
    // Several events came in while the call was pending; none were lost.
    let mut seen = 0;
    while let Some(Notification::Event(ev)) = c.next_notification(Some(Instant::now())).unwrap() {
        assert_eq!(ev.collection, name);
        seen += 1;
    }
    assert!(seen >= 3, "only {seen} events");
}

#[test]
fn server_errors_are_typed() {
    let s = Server::start();
    let mut c = client(&s);
    let e = c.call("no.such", vec![]).unwrap_err();
    let se = e.server.expect("server error");
    assert_eq!(
        (se.code, se.message.as_str()),
        (-32601, "Method does not exist")
    );
    let e = c
        .call("api_key.create", vec![json!({"name": ""})])
        .unwrap_err();
    let se = e.server.expect("server error");
    assert_eq!(se.code, -32602);
    let data = se.data.as_ref().unwrap();
    assert_eq!(data.errname.as_deref(), Some("EINVAL"));
    assert_eq!(
        data.extra.as_ref().unwrap()[0],
        json!([
            "api_key_create.name",
            "String should have at least 1 character",
            22
        ])
    );
    assert!(data.trace.is_some());
    let e = c.call("core.job_abort", vec![json!(99)]).unwrap_err();
    assert_eq!(e.server.unwrap().code, -32001);
}

#[test]
fn ejson_values_pass_through_untouched() {
    let s = Server::start();
    let mut c = client(&s);
    let info = c.call("system.info", vec![]).unwrap();
    let boot = &info["boottime"];
    assert!(
        boot.as_object().unwrap().len() == 1 && boot["$date"].is_i64(),
        "{boot}"
    );
}

#[test]
fn new_style_jobs_answer_with_the_result_and_abort_returns_null() {
    let s = Server::start();
    let mut c = client(&s);
    let opts = c
        .call("core.set_options", vec![json!({"legacy_jobs": false})])
        .unwrap();
    assert_eq!(opts["legacy_jobs"], json!(false));
    assert_eq!(
        c.call("mock.progress_job", vec![json!(2), json!(0.01)])
            .unwrap(),
        json!({"steps": 2})
    );

    c.subscribe("core.get_jobs").unwrap();
    let call_id = c
        .send("mock.progress_job", vec![json!(100), json!(0.05)])
        .unwrap();
    // The job id is learnt from the event that lists our request id (protocol.md §4.3).
    let job_id = loop {
        match c
            .next_notification(Some(Instant::now() + Duration::from_secs(5)))
            .unwrap()
        {
            Some(Notification::Event(ev))
                if ev.fields().and_then(|f| f.get("message_ids")) == Some(&json!([call_id])) =>
            {
                break ev.id().and_then(Value::as_i64).unwrap();
            }
            Some(_) => {}
            None => panic!("no job event"),
        }
    };
    c.call("core.job_abort", vec![json!(job_id)]).unwrap();
    assert_eq!(
        c.wait(&call_id, Duration::from_secs(5)).unwrap().unwrap(),
        Value::Null
    );
}

#[test]
fn jobs_module_follows_a_job() {
    struct Recorder(Vec<(Option<f64>, Option<String>)>);
    impl midclt::jobs::Progress for Recorder {
        fn update(&mut self, p: Option<f64>, d: Option<&str>) {
            self.0.push((p, d.map(str::to_string)));
        }
        fn finish(&mut self, _: bool) {}
    }
    let s = Server::start();
    let mut c = client(&s);
    let mut rec = Recorder(Vec::new());
    let r = midclt::jobs::run(
        &mut c,
        "mock.progress_job",
        vec![json!(4), json!(0.02)],
        &mut rec,
    )
    .unwrap();
    assert_eq!(r, json!({"steps": 4}));
    assert!(
        rec.0
            .iter()
            .any(|(_, d)| d.as_deref() == Some("Step 2 of 4")),
        "{:?}",
        rec.0
    );
    assert_eq!(rec.0.last().unwrap().0, Some(100.0));
}

#[test]
fn the_emulator_refuses_a_21st_call_in_flight_and_runs_10_at_once() {
    let s = Server::start();
    let mut c = client(&s);
    let sleeps: Vec<String> = (0..20)
        .map(|_| c.send("mock.sleep", vec![json!(0.5)]).unwrap())
        .collect();
    let extra = c.send("core.ping", vec![]).unwrap();
    let refused = c.wait(&extra, Duration::from_secs(5)).unwrap().unwrap_err();
    assert_eq!(refused.code, -32000);
    assert_eq!(
        refused.message,
        "Maximum number of concurrent calls (20) has exceeded"
    );
    assert!(refused.data.is_none());
    for id in &sleeps {
        assert_eq!(
            c.wait(id, Duration::from_secs(5)).unwrap().unwrap(),
            json!(true)
        );
    }
    assert_eq!(c.call("core.ping", vec![]).unwrap(), json!("pong"));

    // With 10 slow calls executing, an 11th waits for a slot, even a quick one.
    let sleeps: Vec<String> = (0..10)
        .map(|_| c.send("mock.sleep", vec![json!(0.3)]).unwrap())
        .collect();
    let ping = c.send("core.ping", vec![]).unwrap();
    let (first, _) = c.next_answer(None).unwrap().unwrap();
    assert!(
        sleeps.contains(&first),
        "the ping was answered before a slot was free"
    );
    assert_eq!(
        c.wait(&ping, Duration::from_secs(5)).unwrap().unwrap(),
        json!("pong")
    );
    for id in sleeps.iter().filter(|id| **id != first) {
        assert_eq!(
            c.wait(id, Duration::from_secs(5)).unwrap().unwrap(),
            json!(true)
        );
    }
    // With 9, it runs at once.
    let sleeps: Vec<String> = (0..9)
        .map(|_| c.send("mock.sleep", vec![json!(0.3)]).unwrap())
        .collect();
    let ping = c.send("core.ping", vec![]).unwrap();
    let (first, _) = c.next_answer(None).unwrap().unwrap();
    assert_eq!(first, ping);
    for id in &sleeps {
        assert_eq!(
            c.wait(id, Duration::from_secs(5)).unwrap().unwrap(),
            json!(true)
        );
    }
}
