//! `system.*` basics and the emulator's own test jobs (`mock.*`).

use super::{def, start, Ctx, MethodDef};
use crate::emulator::api::{ApiError, EFAULT, EINVAL};
use crate::emulator::lock;
use crate::emulator::schema::{any, boolean, dict, integer, number, one_of_strings, string};
use crate::emulator::state::now_ms;
use serde_json::{json, Value};
use std::time::Duration;

const VERSION: &str = "TrueNAS-27.0.0-MASTER-midclt-emulator";

pub(super) fn methods() -> Vec<MethodDef> {
    vec![
        def("system.info", "Returns basic system information.", vec![], dict(), info),
        def("system.version", "Returns software version of the system.", vec![], string(), |ctx, _| {
            Ok(json!(ctx.emu.shared.config.version.as_deref().unwrap_or(VERSION)))
        }),
        def("system.version_short", "Returns the short version of the system.", vec![], string(), |_, _| Ok(json!("27.0.0"))),
        def("system.hostname", "Returns the hostname.", vec![], string(), |ctx, _| {
            Ok(json!(lock(&ctx.emu.shared.state).hostname))
        }),
        def("system.ready", "Returns whether the system completed boot.", vec![], boolean(), |_, _| Ok(json!(true))),
        def("system.state", "Returns system state.", vec![], one_of_strings(&["BOOTING", "READY", "SHUTTING_DOWN"]), |_, _| {
            Ok(json!("READY"))
        }),
        def("system.boot_id", "Returns a unique boot identifier.", vec![], string(), |_, _| {
            Ok(json!("c0ffee00-0000-4000-8000-00000000b007"))
        })
        .no_auth(),
        def(
            "mock.sleep",
            "Emulator test method. Answers after `seconds` seconds (for timeout tests), holding one of the connection's 10 execution slots meanwhile.",
            vec![("seconds", number().minimum(0).maximum(3600), true)],
            boolean(),
            |ctx, params| {
                let secs = params.first().and_then(Value::as_f64).unwrap_or(0.0);
                ctx.answer_after = Some(Duration::from_secs_f64(secs));
                Ok(json!(true))
            },
        ),
        def(
            "mock.drop_connection",
            "Emulator test method. Cuts this connection, without a close frame, after the server sent `after` more messages (1: right after this answer).",
            vec![("after", integer().minimum(1).maximum(1_000_000).default(json!(1)), false)],
            boolean(),
            |ctx, params| {
                ctx.session.drop_after = Some(params.first().and_then(Value::as_u64).unwrap_or(1));
                Ok(json!(true))
            },
        ),
        def(
            "mock.merged_job",
            "Emulator test job. Runs `seconds` seconds; called again with the same arguments before that job ended, it answers that job's id instead of starting another, as the server merges a call into a job already queued.",
            vec![
                ("key", string().default(json!("")), false),
                ("seconds", number().minimum(0).maximum(60).default(json!(0.5)), false),
            ],
            dict(),
            merged_job,
        )
        .job(),
        def(
            "mock.progress_job",
            "Emulator test job. Runs `steps` steps `interval` seconds apart, reporting progress after each.",
            vec![
                ("steps", integer().minimum(1).maximum(1000).default(json!(5)), false),
                ("interval", number().minimum(0).maximum(60).default(json!(0.2)), false),
            ],
            dict(),
            progress_job,
        )
        .job(),
        def(
            "mock.failing_job",
            "Emulator test job. Reports some progress, then fails with `message` (a validation error if `validation` is true).",
            vec![
                ("message", string().default(json!("Something went wrong")), false),
                ("validation", boolean().default(json!(false)), false),
            ],
            any().nullable(),
            failing_job,
        )
        .job(),
    ]
}

// Handler: the dispatch table fixes the signature; this one cannot fail.
#[allow(clippy::unnecessary_wraps)]
fn info(ctx: &mut Ctx<'_>, _params: Vec<Value>) -> Result<Value, ApiError> {
    let st = lock(&ctx.emu.shared.state);
    let boot_ms = st
        .boot_time
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let now = now_ms();
    let up = (now - boot_ms).max(0) as f64 / 1000.0;
    let version = ctx.emu.shared.config.version.as_deref().unwrap_or(VERSION);
    Ok(json!({
        "version": version,
        "buildtime": {"$date": 1_790_000_000_000i64},
        "hostname": st.hostname,
        "physmem": 17_179_869_184u64,
        "model": "Emulated CPU @ 3.00GHz",
        "cores": 4,
        "physical_cores": 2,
        "loadavg": [0.05, 0.1, 0.08],
        "uptime": format!("{}:{:02}:{:02}", (up as u64) / 3600, (up as u64) / 60 % 60, (up as u64) % 60),
        "uptime_seconds": up,
        "system_serial": "MIDCLT-EMU-0001",
        "system_product": "midclt emulator",
        "system_product_version": null,
        "license": null,
        "boottime": {"$date": boot_ms / 1000 * 1000},
        "datetime": {"$date": now / 1000 * 1000},
        "timezone": "UTC",
        "system_manufacturer": "midclt",
        "ecc_memory": false,
    }))
}

// Handler: the dispatch table fixes the signature; this one cannot fail.
#[allow(clippy::unnecessary_wraps)]
fn progress_job(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let steps = params.first().and_then(Value::as_u64).unwrap_or(5);
    let interval = params.get(1).and_then(Value::as_f64).unwrap_or(0.2);
    Ok(start(ctx, params, move |run| {
        for i in 1..=steps {
            run.sleep(Duration::from_secs_f64(interval))?;
            run.progress(
                i as f64 * 100.0 / steps as f64,
                &format!("Step {i} of {steps}"),
            );
        }
        Ok(json!({"steps": steps}))
    }))
}

// Handler: the dispatch table fixes the signature; this one cannot fail.
#[allow(clippy::unnecessary_wraps)]
fn merged_job(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let args = Value::Array(params.clone());
    if let Some(id) = ctx.emu.unfinished_job(ctx.method, &args) {
        return Ok(json!(id));
    }
    let seconds = params.get(1).and_then(Value::as_f64).unwrap_or(0.5);
    Ok(start(ctx, params, move |run| {
        run.sleep(Duration::from_secs_f64(seconds))?;
        Ok(json!({"seconds": seconds}))
    }))
}

// Handler: the dispatch table fixes the signature; this one cannot fail.
#[allow(clippy::unnecessary_wraps)]
fn failing_job(ctx: &mut Ctx<'_>, params: Vec<Value>) -> Result<Value, ApiError> {
    let message = params
        .first()
        .and_then(Value::as_str)
        .unwrap_or("Something went wrong")
        .to_string();
    let validation = params.get(1).and_then(Value::as_bool).unwrap_or(false);
    Ok(start(ctx, params, move |run| {
        run.progress(50.0, "Working");
        run.sleep(Duration::from_millis(50))?;
        if validation {
            Err(ApiError::Validation(vec![(
                "mock_failing_job.message".into(),
                message,
                EINVAL,
            )]))
        } else {
            Err(ApiError::call(EFAULT, message))
        }
    }))
}
