use super::*;

fn v(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The single frame for the server among `outs`, parsed.
fn upstream(outs: &[Out]) -> Value {
    let ups: Vec<&String> = outs
        .iter()
        .filter_map(|o| match o {
            Out::Upstream(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(ups.len(), 1, "{outs:?}");
    v(ups[0])
}

/// The frames for local connections among `outs`, parsed.
fn locals(outs: &[Out]) -> Vec<(ConnId, Value)> {
    outs.iter()
        .filter_map(|o| match o {
            Out::Local(c, t) => Some((*c, v(t))),
            _ => None,
        })
        .collect()
}

// A test helper: every call site builds its params in place.
#[allow(clippy::needless_pass_by_value)]
fn call(id: &str, method: &str, params: Value) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string()
}

#[test]
fn ids_are_rewritten_and_answers_find_their_way_back() {
    let mut r = Relay::new(Protocol::JsonRpc);
    r.open(1);
    r.open(2);
    // Both clients happen to pick the same id.
    let a = upstream(&r.on_local(1, &call("x", "core.ping", json!([]))));
    let b = upstream(&r.on_local(2, &call("x", "system.info", json!([]))));
    assert_ne!(a["id"], b["id"]);
    assert_eq!(b["method"], "system.info");
    let back = r.on_upstream(
        &json!({"jsonrpc": "2.0", "id": b["id"], "result": {"hostname": "nas"}}).to_string(),
    );
    assert_eq!(
        locals(&back),
        [(
            2,
            v(r#"{"jsonrpc": "2.0", "id": "x", "result": {"hostname": "nas"}}"#)
        )]
    );
    let back =
        r.on_upstream(&json!({"jsonrpc": "2.0", "id": a["id"], "result": "pong"}).to_string());
    assert_eq!(locals(&back)[0].0, 1);
    assert_eq!(r.relayed, 2);
    assert!(!r.calls_pending());
    // A late answer for a connection that left is dropped.
    let c = upstream(&r.on_local(1, &call("y", "core.ping", json!([]))));
    assert!(r.close(1).is_empty());
    let back =
        r.on_upstream(&json!({"jsonrpc": "2.0", "id": c["id"], "result": "pong"}).to_string());
    assert!(back.is_empty());
}

#[test]
fn logins_are_refused_and_control_questions_stay_here() {
    let mut r = Relay::new(Protocol::JsonRpc);
    r.open(1);
    let out = r.on_local(
        1,
        &call(
            "1",
            "auth.login_ex",
            json!([{"mechanism": "PASSWORD_PLAIN"}]),
        ),
    );
    let got = locals(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1["id"], "1");
    assert_eq!(got[0].1["error"]["data"]["errname"], "EPERM");
    assert!(matches!(
        r.on_local(1, &call("2", "auth.logout", json!([])))[0],
        Out::Local(..)
    ));
    let out = r.on_local(
        1,
        &call("3", crate::session::agent::STATUS_METHOD, json!([])),
    );
    assert_eq!(
        out,
        [Out::Control {
            conn: 1,
            id: json!("3"),
            what: Control::Status
        }]
    );
    assert_eq!(r.relayed, 0);
    // Nothing is sent without an answer being wanted, unless harmless.
    assert!(r
        .on_local(
            1,
            &json!({"jsonrpc": "2.0", "method": "auth.logout"}).to_string()
        )
        .is_empty());
    let not_json = locals(&r.on_local(1, "[1, 2]"));
    assert_eq!(not_json[0].1["error"]["data"]["errname"], "EINVAL");
}

#[test]
fn subscriptions_are_shared_and_events_routed_to_their_holders() {
    let mut r = Relay::new(Protocol::JsonRpc);
    for c in 1..=3 {
        r.open(c);
    }
    let up = upstream(&r.on_local(1, &call("s1", "core.subscribe", json!(["core.get_jobs"]))));
    assert_eq!(up["method"], "core.subscribe");
    // A second client asks while the first subscription is being made: no second one.
    assert!(r
        .on_local(2, &call("s2", "core.subscribe", json!(["core.get_jobs"])))
        .is_empty());
    let made =
        r.on_upstream(&json!({"jsonrpc": "2.0", "id": up["id"], "result": "UP-1"}).to_string());
    let made = locals(&made);
    assert_eq!(made.len(), 2);
    let sub1 = made.iter().find(|(c, _)| *c == 1).unwrap().1["result"].clone();
    let sub2 = made.iter().find(|(c, _)| *c == 2).unwrap().1["result"].clone();
    assert_ne!(sub1, sub2, "each client gets its own subscription id");
    // A third, once made, is answered at once.
    let now = locals(
        &r.on_local(3, &call("s3", "core.subscribe", json!(["*"])))
            .into_iter()
            .filter(|o| !matches!(o, Out::Upstream(_)))
            .collect::<Vec<_>>(),
    );
    assert!(now.is_empty(), "`*` is a subscription of its own");
    let event = json!({"jsonrpc": "2.0", "method": "collection_update",
        "params": {"msg": "added", "collection": "core.get_jobs", "id": 1}})
    .to_string();
    let routed: Vec<ConnId> = locals(&r.on_upstream(&event))
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(routed, [1, 2], "client 3's `*` is not made yet");
    // Letting go: the first holder leaving keeps the server's subscription...
    let out = r.on_local(1, &call("u1", "core.unsubscribe", json!([sub1])));
    assert_eq!(
        locals(&out),
        [(1, v(r#"{"jsonrpc": "2.0", "id": "u1", "result": null}"#))]
    );
    assert!(!out.iter().any(|o| matches!(o, Out::Upstream(_))));
    // ... the last one ends it.
    let out = r.close(2);
    assert_eq!(upstream(&out)["params"], json!(["UP-1"]));
    assert!(locals(&r.on_upstream(&event)).is_empty());
}

#[test]
fn an_event_source_that_ends_tells_each_holder() {
    let mut r = Relay::new(Protocol::JsonRpc);
    r.open(1);
    r.open(2);
    let name = r#"mock.counter:{"count": 1}"#;
    let up = upstream(&r.on_local(1, &call("a", "core.subscribe", json!([name]))));
    r.on_local(2, &call("b", "core.subscribe", json!([name])));
    r.on_upstream(&json!({"jsonrpc": "2.0", "id": up["id"], "result": "UP"}).to_string());
    let event = json!({"jsonrpc": "2.0", "method": "collection_update", "params": {"msg": "added", "collection": name}});
    assert_eq!(r.on_upstream(&event.to_string()).len(), 2);
    let end = json!({"jsonrpc": "2.0", "method": "notify_unsubscribed", "params": {"collection": name, "error": null}});
    let told: Vec<ConnId> = locals(&r.on_upstream(&end.to_string()))
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(told, [1, 2]);
    assert!(r.on_upstream(&event.to_string()).is_empty());
    // A new subscription to the same source starts it again.
    assert_eq!(
        upstream(&r.on_local(1, &call("c", "core.subscribe", json!([name]))))["method"],
        "core.subscribe"
    );
}

#[test]
fn a_source_that_fails_at_once_still_gets_its_answer() {
    // The server says the source ended before it answers the subscription request.
    let mut r = Relay::new(Protocol::JsonRpc);
    r.open(1);
    let name = "reporting.realtime:nonsense";
    let up = upstream(&r.on_local(1, &call("a", "core.subscribe", json!([name]))));
    let end = json!({"jsonrpc": "2.0", "method": "notify_unsubscribed", "params": {"collection": name, "error": {"reason": "bad"}}});
    assert_eq!(locals(&r.on_upstream(&end.to_string())).len(), 1);
    let out = r.on_upstream(&json!({"jsonrpc": "2.0", "id": up["id"], "result": "UP"}).to_string());
    let got = locals(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1["id"], "a");
    assert!(r.shared.is_empty() && r.by_name.is_empty());
}

#[test]
fn a_lost_server_connection_names_who_was_waiting() {
    let mut r = Relay::new(Protocol::JsonRpc);
    for c in 1..=3 {
        r.open(c);
    }
    r.on_local(1, &call("a", "mock.sleep", json!([10])));
    r.on_local(2, &call("b", "core.subscribe", json!(["core.get_jobs"])));
    assert_eq!(r.upstream_lost(), [1, 2]);
    assert!(!r.calls_pending());
    assert_eq!(
        upstream(&r.on_local(3, &call("c", "core.subscribe", json!(["core.get_jobs"]))))["method"],
        "core.subscribe"
    );
}

#[test]
fn the_legacy_protocol_is_relayed_too() {
    let mut r = Relay::new(Protocol::Legacy);
    r.open(1);
    let hello = locals(&r.on_local(1, r#"{"msg": "connect", "version": "1", "support": ["1"]}"#));
    assert_eq!(hello[0].1["msg"], "connected");
    let up = upstream(&r.on_local(
        1,
        r#"{"msg": "method", "id": "m1", "method": "core.ping", "params": []}"#,
    ));
    assert_ne!(up["id"], "m1");
    let back = locals(
        &r.on_upstream(&json!({"msg": "result", "id": up["id"], "result": "pong"}).to_string()),
    );
    assert_eq!(
        back,
        [(1, v(r#"{"msg": "result", "id": "m1", "result": "pong"}"#))]
    );
    let up = upstream(&r.on_local(1, r#"{"msg": "sub", "id": "S", "name": "core.get_jobs"}"#));
    assert_eq!(up["msg"], "sub");
    let ready = locals(&r.on_upstream(&json!({"msg": "ready", "subs": [up["id"]]}).to_string()));
    assert_eq!(ready, [(1, v(r#"{"msg": "ready", "subs": ["S"]}"#))]);
    let event = r#"{"msg": "changed", "collection": "core.get_jobs", "id": 3, "fields": {}}"#;
    assert_eq!(locals(&r.on_upstream(event)).len(), 1);
    let out = r.on_local(1, r#"{"msg": "unsub", "id": "S"}"#);
    assert_eq!(upstream(&out), json!({"msg": "unsub", "id": up["id"]}));
    let refused = locals(&r.on_local(
        1,
        r#"{"msg": "method", "id": "l", "method": "auth.login", "params": []}"#,
    ));
    assert_eq!(refused[0].1["error"]["errname"], "EPERM");
}

#[test]
fn event_names_match_as_the_server_sends_them() {
    assert!(matches("core.get_jobs", "core.get_jobs"));
    assert!(matches("*", "core.get_jobs"));
    assert!(!matches("*", r#"reporting.realtime:{"interval": 2}"#));
    assert!(matches(
        "reporting.realtime",
        r#"reporting.realtime:{"interval": 2}"#
    ));
    assert!(!matches("core.get_jobs", "alert.list"));
}
