//! `midclt subscribe EVENT...`: one JSON object per event, from one or more subscriptions
//! that survive a dropped connection.

use crate::cli::{GlobalArgs, SubscribeArgs};
use crate::client::rpc::{self, Client, Notification};
use crate::error::{Error, Kind, Result};
use crate::render::{self, Format, Output, Spec};
use crate::session;
use serde_json::Value;
use std::time::Instant;

pub(crate) fn run(g: &GlobalArgs, args: &SubscribeArgs) -> anyhow::Result<()> {
    let spec = super::output_spec(g, &args.out)?;
    let output = super::call_output(&spec)?;
    if let Some(format) = output
        .as_ref()
        .map(|o| o.format)
        .filter(|f| f.has_columns())
    {
        return Err(Error::usage(format!(
            "subscribe prints a stream of events, which -o {format} cannot show"
        ))
        .hint("use -o json, jsonl, yaml or raw")
        .into());
    }
    let mut opener = session::Opener::new(super::config(g)?, false);
    let timeout = args.timeout.filter(|t| *t > 0).map(crate::session::seconds);
    let mut open = || -> Result<Client> {
        let mut client = opener.open()?;
        if let Some(t) = timeout {
            // -t bounds the whole wait, the subscription requests included.
            client.set_call_timeout(client.call_timeout().min(t));
        }
        Ok(client)
    };
    let mut client = open()?;
    // Still open: an event source that ended (without error) is dropped from this list.
    let mut active: Vec<String> = args.events.clone();
    subscribe_all(&mut client, &active)?;
    let deadline = timeout.map(|t| Instant::now() + t);
    let mut seen = 0u64;
    while args.number.is_none_or(|n| seen < n) {
        let next = match client.next_notification(deadline) {
            Err(e) if e.kind == Kind::Connection => {
                client = session::reconnect_with_backoff(
                    &mut || {
                        let mut c = open()?;
                        subscribe_all(&mut c, &active)?;
                        Ok(c)
                    },
                    e,
                    "to subscribe again",
                    &mut |text| eprintln!("midclt: {text}"),
                )?;
                eprintln!(
                    "midclt: subscribed again to {}; events sent while disconnected were missed",
                    active.join(", ")
                );
                continue;
            }
            other => other?,
        };
        match next {
            Some(Notification::Event(ev)) if wanted(&active, &ev.collection) => {
                print_event(output.as_ref(), &spec, &ev.params)?;
                seen += 1;
            }
            Some(Notification::Unsubscribed { collection, error }) => {
                let Some(at) = active.iter().position(|a| *a == collection) else {
                    continue;
                };
                if !error.is_null() {
                    let reason = error
                        .get("reason")
                        .and_then(Value::as_str)
                        .map_or_else(|| crate::py::json::dumps(&error), str::to_string);
                    return Err(Error::new(
                        Kind::Server,
                        format!("subscription {collection} ended with an error: {reason}"),
                    )
                    .into());
                }
                active.remove(at);
                if active.is_empty() {
                    break;
                }
            }
            Some(_) => {}
            None => {
                return Err(Error::timeout(format!(
                    "{}: {} event(s) within {} s",
                    args.events.join(", "),
                    seen,
                    rpc::fmt_secs(timeout.unwrap_or_default())
                ))
                .into())
            }
        }
    }
    client.close();
    Ok(())
}

fn subscribe_all(client: &mut Client, events: &[String]) -> Result<()> {
    for event in events {
        client.subscribe(event)?;
    }
    Ok(())
}

/// Whether an event of `collection` belongs to one of the subscriptions (an event
/// source's events carry its whole `name:arg`).
fn wanted(active: &[String], collection: &str) -> bool {
    active.iter().any(|name| {
        name == "*" || name == collection || collection.split(':').next() == Some(name.as_str())
    })
}

/// One event: one line of JSON in midclt's spelling, or in the format asked for (YAML as a
/// stream of documents).
fn print_event(output: Option<&Output>, spec: &Spec, event: &Value) -> Result<()> {
    if let Some(output) = output {
        if output.format == Format::Yaml {
            render::print_line("---")?;
        }
        return output.print(event);
    }
    let event = render::output::selected(event, spec.select.as_ref(), false);
    render::print_line(&crate::py::json::dumps(&event))
}
