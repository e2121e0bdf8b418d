//! `midclt subscribe`: several subscriptions at once, event sources that end, and
//! subscriptions renewed after a dropped connection.

// Test support: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Server;
use serde_json::Value;

fn events(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn several_subscriptions_print_every_event_and_end_with_their_sources() {
    let s = Server::start();
    let out = s
        .cli()
        .args([
            "subscribe",
            r#"mock.counter:{"count": 2}"#,
            r#"mock.counter:{"count": 3, "interval": 0.01}"#,
        ])
        .run()
        .success();
    let got = events(out.stdout_text());
    assert_eq!(got.len(), 5, "{}", out.stdout_text());
    let of = |collection: &str| {
        got.iter()
            .filter(|e| e["collection"] == collection)
            .map(|e| e["fields"]["n"].as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(of(r#"mock.counter:{"count": 2}"#), [1, 2]);
    assert_eq!(
        of(r#"mock.counter:{"count": 3, "interval": 0.01}"#),
        [1, 2, 3]
    );
    assert!(got.iter().all(|e| e["msg"] == "added"));
}

#[test]
fn n_counts_events_of_all_subscriptions() {
    let s = Server::start();
    let out = s
        .cli()
        .args([
            "subscribe",
            "-n",
            "4",
            r#"mock.counter:{"count": 100, "interval": 0.01}"#,
            "core.get_jobs",
        ])
        .run()
        .success();
    assert_eq!(events(out.stdout_text()).len(), 4);
}

#[test]
fn a_bad_source_argument_is_the_servers_error() {
    let s = Server::start();
    s.cli()
        .args([
            "subscribe",
            "-t",
            "5",
            r#"reporting.realtime:{"interval": -1}"#,
        ])
        .run()
        .code(1)
        .stderr_has("ended with an error")
        .stderr_has("greater than 0");
}

#[test]
fn subscriptions_are_renewed_after_a_dropped_connection() {
    let s = Server::start();
    // The subscription's answer and two events, then the connection is cut.
    s.emu.drop_next_connection_after(3);
    let out = s
        .cli()
        .args([
            "subscribe",
            "-n",
            "6",
            r#"mock.counter:{"count": 100, "interval": 0.02}"#,
        ])
        .run()
        .success();
    assert_eq!(events(out.stdout_text()).len(), 6);
    let stderr = out.stderr();
    assert!(
        stderr.contains("connecting again in 1 s to subscribe again (attempt 1 of 5)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(r#"subscribed again to mock.counter:{"count": 100, "interval": 0.02}; events sent while disconnected were missed"#),
        "{stderr}"
    );
}
