//! `midclt subscribe EVENT`: one JSON object per event.

use crate::cli::{GlobalArgs, SubscribeArgs};
use crate::client::rpc::{self, Notification};
use crate::error::{Error, Kind};
use crate::render::{self, Format, Output, Spec};
use crate::session;
use serde_json::Value;
use std::time::{Duration, Instant};

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
    let mut client = session::open(&super::config(g)?, false)?;
    let timeout = args.timeout.filter(|t| *t > 0).map(Duration::from_secs);
    if let Some(t) = timeout {
        // -t bounds the whole wait, the subscription request included.
        client.set_call_timeout(client.call_timeout().min(t));
    }
    client.subscribe(&args.event)?;
    let deadline = timeout.map(|t| Instant::now() + t);
    let wanted = |collection: &str| {
        args.event == "*"
            || collection == args.event
            || collection.split(':').next() == Some(&args.event)
    };
    let mut seen = 0u64;
    while args.number.is_none_or(|n| seen < n) {
        match client.next_notification(deadline)? {
            Some(Notification::Event(ev)) if wanted(&ev.collection) => {
                print_event(output.as_ref(), &spec, &ev.params)?;
                seen += 1;
            }
            Some(Notification::Unsubscribed { collection, error }) if wanted(&collection) => {
                if error.is_null() {
                    break;
                }
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
            Some(_) => {}
            None => {
                return Err(Error::timeout(format!(
                    "{}: {} event(s) within {} s",
                    args.event,
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

/// One event: one line of JSON in midclt's spelling, or in the format asked for (YAML as a
/// stream of documents).
fn print_event(output: Option<&Output>, spec: &Spec, event: &Value) -> crate::error::Result<()> {
    if let Some(output) = output {
        if output.format == Format::Yaml {
            render::print_line("---")?;
        }
        return output.print(event);
    }
    let event = render::output::selected(event, spec.select.as_ref(), false);
    render::print_line(&crate::py::json::dumps(&event))
}
