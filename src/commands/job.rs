//! `midclt job list|show|wait|logs|abort`: the server's jobs, by id, from any connection.

use crate::cli::{GlobalArgs, JobCommand, JobListArgs, JobWaitArgs, OutputArgs};
use crate::client::rpc::Client;
use crate::error::{Error, Kind, Result};
use crate::jobs;
use crate::render::{self, Format};
use crate::session;
use serde_json::{json, Map, Value};

pub(crate) fn run(g: &GlobalArgs, cmd: &JobCommand) -> anyhow::Result<()> {
    let mut opener = session::Opener::new(super::config(g)?, false);
    let mut client = opener.open()?;
    let mut reconnect = || opener.open();
    let outcome = match cmd {
        JobCommand::List(args) => list(g, &mut client, args),
        JobCommand::Show { id, out } => {
            let job = get(&mut client, *id)?;
            Ok(output(g, out)?.print(&Value::Object(job))?)
        }
        JobCommand::Wait(args) => wait(g, &mut client, &mut reconnect, args),
        JobCommand::Logs { id, follow } => get(&mut client, *id)
            .map_err(anyhow::Error::from)
            .and_then(|job| super::transfer::logs(&mut client, &mut reconnect, &job, *follow)),
        JobCommand::Abort { id, wait } => abort(&mut client, &mut reconnect, *id, *wait),
    };
    client.close();
    outcome
}

fn list(g: &GlobalArgs, client: &mut Client, args: &JobListArgs) -> anyhow::Result<()> {
    let mut filters = Vec::new();
    if let Some(state) = &args.state {
        filters.push(json!(["state", "=", state.to_ascii_uppercase()]));
    }
    if let Some(method) = &args.method {
        filters.push(json!(["method", "=", method]));
    }
    let jobs = client.call(
        "core.get_jobs",
        vec![Value::Array(filters), json!({"order_by": ["id"]})],
    )?;
    let output = output(g, &args.out)?;
    if output.format != Format::Table {
        return Ok(output.print(&jobs)?);
    }
    // The whole job objects make a table hundreds of columns wide; a person wants these.
    let rows: Vec<Value> = jobs
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(summary)
        .collect();
    Ok(output.print(&Value::Array(rows))?)
}

/// A job's one-line summary for the table view.
fn summary(job: &Value) -> Value {
    let progress = job.get("progress");
    let percent = progress
        .and_then(|p| p.get("percent"))
        .and_then(Value::as_f64)
        .map_or_else(String::new, |p| format!("{p:.0}%"));
    let description = progress
        .and_then(|p| p.get("description"))
        .cloned()
        .filter(|d| !d.is_null())
        .or_else(|| job.get("error").cloned().filter(|e| !e.is_null()))
        .unwrap_or(json!(""));
    let mut row = Map::new();
    for key in ["id", "method", "state"] {
        row.insert(key.into(), job.get(key).cloned().unwrap_or(Value::Null));
    }
    row.insert("progress".into(), json!(percent));
    row.insert("description".into(), description);
    for key in ["time_started", "time_finished"] {
        row.insert(key.into(), job.get(key).cloned().unwrap_or(Value::Null));
    }
    Value::Object(row)
}

/// The job `id` as the server has it (result unredacted).
pub(crate) fn get(client: &mut Client, id: i64) -> Result<Map<String, Value>> {
    let found = client.call(
        "core.get_jobs",
        vec![
            json!([["id", "=", id]]),
            json!({"extra": {"raw_result": true}}),
        ],
    )?;
    match found.as_array().and_then(|a| a.first()) {
        Some(Value::Object(job)) => Ok(job.clone()),
        _ => Err(Error::new(Kind::Server, format!("there is no job {id}"))
            .hint("`midclt job list` shows the jobs this login may see (ids restart at boot)")),
    }
}

fn wait(
    g: &GlobalArgs,
    client: &mut Client,
    reconnect: jobs::Reconnect<'_>,
    args: &JobWaitArgs,
) -> anyhow::Result<()> {
    let method = method_of(&get(client, args.id)?);
    crate::interrupt::catch();
    let mut progress = super::job_progress(args.job_print);
    client.subscribe("core.get_jobs")?;
    let result = jobs::follow_reconnecting(client, reconnect, &method, args.id, progress.as_mut())?;
    Ok(super::print_job_result(g, &args.out, &result)?)
}

fn abort(
    client: &mut Client,
    reconnect: jobs::Reconnect<'_>,
    id: i64,
    wait: bool,
) -> anyhow::Result<()> {
    let method = method_of(&get(client, id)?);
    client.call("core.job_abort", vec![json!(id)])?;
    if !wait {
        return Ok(());
    }
    client.subscribe("core.get_jobs")?;
    let outcome = jobs::follow_reconnecting(client, reconnect, &method, id, &mut jobs::Silent);
    // Aborted is what was asked for; a job that ended otherwise first says how it ended.
    if get(client, id)?.get("state") == Some(&json!("ABORTED")) {
        return Ok(());
    }
    match outcome {
        Ok(_) => Err(Error::new(
            Kind::Server,
            format!("job {id} ({method}) finished successfully before it could be aborted"),
        )
        .into()),
        Err(e) => Err(e.into()),
    }
}

fn method_of(job: &Map<String, Value>) -> String {
    job.get("method")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A table on a terminal, JSON otherwise, unless the options or the profile say more.
fn output(g: &GlobalArgs, local: &OutputArgs) -> Result<render::Output> {
    let default = super::profile_format(g)?.unwrap_or_else(|| {
        if render::terminal::stdout_is_terminal() {
            Format::Table
        } else {
            Format::Json
        }
    });
    super::output_spec(g, local)?.output(default, true)
}
