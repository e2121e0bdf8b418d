//! `core.*`: ping, connection options, jobs, subscriptions, introspection, bulk.

use super::{call_as, def, registry, Ctx, MethodDef};
use crate::emulator::api::{ApiError, ENOENT};
use crate::emulator::query;
use crate::emulator::schema::{any, array, boolean, dict, integer, object, one_of_strings, string};
use serde_json::{json, Map, Value};
use std::time::Duration;

pub(super) fn methods() -> Vec<MethodDef> {
    vec![
        def(
            "core.ping",
            "Utility method which just returns \"pong\".",
            vec![],
            string(),
            |_, _| Ok(json!("pong")),
        )
        .no_auth(),
        def(
            "core.set_options",
            "Set options for the current session.",
            vec![(
                "options",
                object(
                    "options",
                    vec![
                        ("legacy_jobs", boolean(), false),
                        ("private_methods", boolean(), false),
                        ("py_exceptions", boolean(), false),
                    ],
                ),
                true,
            )],
            dict(),
            set_options,
        )
        .no_auth(),
        def(
            "core.get_jobs",
            "Get information about long-running jobs.",
            vec![],
            array(dict()),
            get_jobs,
        )
        .query(),
        def(
            "core.subscribe",
            "Subscribe to an event.",
            vec![("event", string(), true)],
            string(),
            subscribe,
        ),
        def(
            "core.unsubscribe",
            "Cancel a subscription.",
            vec![("id", string(), true)],
            any().nullable(),
            unsubscribe,
        ),
        def(
            "core.job_wait",
            "Wait for the job `id` to finish and return its result.",
            vec![("id", integer(), true)],
            any(),
            job_wait,
        )
        .job(),
        def(
            "core.job_abort",
            "Abort the job `id`.",
            vec![("id", integer(), true)],
            any().nullable(),
            job_abort,
        ),
        def(
            "core.get_methods",
            "Return methods metadata of every available service.",
            vec![
                ("service", string().nullable().default(Value::Null), false),
                (
                    "target",
                    one_of_strings(&["WS", "CLI", "REST"]).default(json!("WS")),
                    false,
                ),
            ],
            dict(),
            get_methods,
        ),
        def(
            "core.get_services",
            "Returns a list of all registered services.",
            vec![(
                "target",
                one_of_strings(&["WS", "CLI", "REST"]).default(json!("WS")),
                false,
            )],
            dict(),
            get_services,
        ),
        def(
            "core.bulk",
            "Will sequentially call `method` with arguments from the `params` list.",
            vec![
                ("method", string(), true),
                ("params", array(array(any())), true),
                (
                    "description",
                    string().nullable().default(Value::Null),
                    false,
                ),
            ],
            array(dict()),
            bulk,
        )
        .job(),
    ]
}

// Handler: the dispatch table fixes the signature; this one cannot fail.
#[allow(clippy::unnecessary_wraps)]
fn set_options(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let opts = params.into_iter().next().unwrap_or(json!({}));
    if let Some(v) = opts.get("legacy_jobs").and_then(Value::as_bool) {
        ctx.session.legacy_jobs = v;
    }
    // Pickled Python exceptions are never produced, whatever the client asks.
    Ok(json!({
        "legacy_jobs": ctx.session.legacy_jobs,
        "private_methods": opts.get("private_methods").and_then(Value::as_bool).unwrap_or(false),
        "py_exceptions": false,
    }))
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters.
#[allow(clippy::needless_pass_by_value)]
fn get_jobs(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let rows: Vec<Value> = crate::emulator::lock(&ctx.emu.shared.state)
        .jobs
        .values()
        .map(|j| Value::Object(j.clone()))
        .collect();
    run_query(rows, &params)
}

/// Apply the standard query arguments to `rows`.
pub(super) fn run_query(rows: Vec<Value>, params: &[Value]) -> Result<Value, ApiError> {
    let filters = params.first().cloned().unwrap_or(json!([]));
    let options = params.get(1).cloned().unwrap_or(json!({}));
    query::run_query(rows, &filters, &options).map_err(query_error)
}

pub(super) fn query_error(e: query::QueryError) -> ApiError {
    match e {
        query::QueryError::MatchNotFound => ApiError::MatchNotFound,
        query::QueryError::Invalid(items) => {
            ApiError::Validation(items.into_iter().map(|(a, m)| (a, m, 22)).collect())
        }
    }
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters.
#[allow(clippy::needless_pass_by_value)]
fn subscribe(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let name = params.first().and_then(Value::as_str).unwrap_or("");
    ctx.session
        .subscribe(ctx.emu, name, None)
        .map(Value::String)
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters
// and cannot fail.
#[allow(clippy::needless_pass_by_value, clippy::unnecessary_wraps)]
fn unsubscribe(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let id = params.first().and_then(Value::as_str).unwrap_or("");
    ctx.session.unsubscribe(ctx.emu, id);
    Ok(Value::Null)
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters.
#[allow(clippy::needless_pass_by_value)]
fn job_wait(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let target = params.first().and_then(Value::as_i64).unwrap_or(0);
    if ctx.emu.job(target).is_none() {
        return Err(ApiError::call(
            ENOENT,
            format!("Job {target} does not exist"),
        ));
    }
    let who = super::starter(ctx);
    let id = ctx.emu.start_job(
        ctx.method,
        &json!([target]),
        &who,
        Box::new(move |run| {
            let mut last_progress = Value::Null;
            loop {
                let job = run.emulator().job(target).unwrap_or_default();
                let progress = job.get("progress").cloned().unwrap_or(Value::Null);
                if progress != last_progress {
                    let pct = progress
                        .get("percent")
                        .and_then(Value::as_f64)
                        .unwrap_or(0.0);
                    let desc = progress
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    run.progress(pct, desc);
                    last_progress = progress;
                }
                match job.get("state").and_then(Value::as_str) {
                    Some("SUCCESS") => {
                        return Ok(job.get("result").cloned().unwrap_or(Value::Null))
                    }
                    // An aborted target ends the wrapper successfully with null.
                    Some("ABORTED") => return Ok(Value::Null),
                    Some("FAILED") => {
                        let error = job
                            .get("error")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string();
                        let exc = job.get("exc_info").cloned().unwrap_or(Value::Null);
                        if exc.get("type").and_then(Value::as_str) == Some("VALIDATION") {
                            let items = exc
                                .get("extra")
                                .and_then(Value::as_array)
                                .cloned()
                                .unwrap_or_default();
                            return Err(ApiError::Validation(
                                items
                                    .iter()
                                    .map(|t| {
                                        (
                                            t.get(0)
                                                .and_then(Value::as_str)
                                                .unwrap_or("")
                                                .to_string(),
                                            t.get(1)
                                                .and_then(Value::as_str)
                                                .unwrap_or("")
                                                .to_string(),
                                            t.get(2).and_then(Value::as_i64).unwrap_or(22),
                                        )
                                    })
                                    .collect(),
                            ));
                        }
                        let errno = exc.get("errno").and_then(Value::as_i64).unwrap_or(14);
                        let msg = error
                            .split_once("] ")
                            .map(|(_, m)| m.to_string())
                            .unwrap_or(error);
                        return Err(ApiError::call(errno, msg));
                    }
                    _ => run.sleep(Duration::from_millis(10))?,
                }
            }
        }),
    );
    Ok(json!(id))
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters.
#[allow(clippy::needless_pass_by_value)]
fn job_abort(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let id = params.first().and_then(Value::as_i64).unwrap_or(0);
    if !ctx.emu.abort_job(id) {
        return Err(ApiError::call(ENOENT, format!("Job {id} does not exist")));
    }
    Ok(Value::Null)
}

// Handler: the dispatch table fixes the signature; this one cannot fail.
#[allow(clippy::unnecessary_wraps)]
fn bulk(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let method = params
        .first()
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let calls = params
        .get(1)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let user = ctx.session.user.clone();
    let who = super::starter(ctx);
    let args = Value::Array(params);
    let id = ctx.emu.start_job(
        ctx.method,
        &args,
        &who,
        Box::new(move |run| {
            if super::find(&method).is_none() {
                return Err(ApiError::call(ENOENT, format!("Method {method} not found")));
            }
            let total = calls.len();
            let mut results = Vec::with_capacity(total);
            for (i, call_params) in calls.into_iter().enumerate() {
                run.progress(
                    i as f64 * 100.0 / total.max(1) as f64,
                    &format!("{i} / {total}"),
                );
                let params = call_params.as_array().cloned().unwrap_or_default();
                let item = match call_as(run.emulator(), user.as_deref(), &method, params) {
                    Ok(v) => json!({"job_id": null, "result": v, "error": null}),
                    Err(e) => json!({"job_id": null, "result": null, "error": e.reason()}),
                };
                results.push(item);
            }
            Ok(Value::Array(results))
        }),
    );
    Ok(json!(id))
}

// Handler: the dispatch table fixes the signature; this one only reads its parameters
// and cannot fail.
#[allow(clippy::needless_pass_by_value, clippy::unnecessary_wraps)]
fn get_methods(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let service = params.first().and_then(Value::as_str).map(str::to_string);
    let cli = params.get(1).and_then(Value::as_str) == Some("CLI");
    if let Some(cat) = &ctx.emu.shared.config.catalog {
        let Value::Object(all) = &cat.methods else {
            return Ok(json!({}));
        };
        let picked = all
            .iter()
            .filter(|(name, _)| match &service {
                Some(s) => name.rsplit_once('.').is_some_and(|(svc, _)| svc == s),
                None => true,
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        return Ok(Value::Object(picked));
    }
    let authenticated = ctx.session.user.is_some();
    let mut out = Map::new();
    for m in registry() {
        let (svc, _) = m.name.rsplit_once('.').unwrap_or(("", m.name));
        if service.as_deref().is_some_and(|s| s != svc)
            || (!authenticated && !m.no_auth)
            || (cli && m.cli_private)
        {
            continue;
        }
        let cli_description = m
            .description
            .split('.')
            .next()
            .unwrap_or("")
            .replace('\n', " ");
        out.insert(
            m.name.into(),
            json!({
                "description": m.description, "cli_description": cli_description,
                "examples": {}, "no_auth_required": m.no_auth, "no_authz_required": m.no_auth,
                "cli_private": m.cli_private, "filterable": m.filterable, "filterable_schema": null,
                "pass_application": false, "job": m.job, "downloadable": m.output,
                "uploadable": m.input, "check_pipes": m.output || m.input, "roles": m.roles,
                "accepts": m.accepts, "returns": [m.returns],
            }),
        );
    }
    Ok(Value::Object(out))
}

/// Service name → (type, CLI namespace, description).
const SERVICES: &[(&str, &str, &str, &str)] = &[
    ("core", "service", "system.core", "Core utilities"),
    ("auth", "service", "auth", "Authentication"),
    ("api_key", "crud", "auth.api_key", "API keys"),
    ("system", "service", "system", "System information"),
    ("mock", "service", "mock", "Emulator test jobs"),
    ("filesystem", "service", "filesystem", "Files on the server"),
];

// Handler: the dispatch table fixes the signature; this one cannot fail.
#[allow(clippy::unnecessary_wraps)]
fn get_services(ctx: &mut Ctx<'_>, _params: Vec<Value>) -> Result<Value, ApiError> {
    if let Some(services) = ctx
        .emu
        .shared
        .config
        .catalog
        .as_ref()
        .and_then(|c| c.services.clone())
    {
        return Ok(services);
    }
    let mut out = Map::new();
    for (name, ty, ns, desc) in SERVICES {
        out.insert(
            (*name).into(),
            json!({"type": ty, "config": {
                "namespace": name, "private": false, "cli_namespace": ns, "cli_private": false,
                "cli_description": desc, "verbose_name": desc, "role_prefix": null,
                "event_send": *ty == "crud", "datastore": null,
            }}),
        );
    }
    Ok(Value::Object(out))
}
