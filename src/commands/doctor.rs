//! `midclt doctor`: check the way to the server one step at a time — configuration, DNS,
//! TCP, TLS, WebSocket, protocol, login mechanisms, login, roles — and say how to fix the
//! first step that fails. Exits with that failure's code.

use crate::auth::{self, credentials, Login};
use crate::cli::{DoctorArgs, GlobalArgs};
use crate::client::transport::{self, Pin, TlsOptions};
use crate::client::uri::{Endpoint, Protocol};
use crate::client::Client;
use crate::error::{Error, Kind, Result};
use crate::render::{print_line, Format, Output};
use crate::session;
use serde_json::{json, Value};
use std::net::{TcpStream, ToSocketAddrs as _};
use std::time::Duration;

/// One step's outcome.
struct Step {
    name: &'static str,
    ok: bool,
    detail: String,
    fix: Vec<String>,
}

struct Report {
    steps: Vec<Step>,
    /// A formatted report at the end instead of the steps as they pass.
    output: Option<Output>,
}

impl Report {
    fn pass(&mut self, name: &'static str, detail: impl Into<String>) -> Result<()> {
        self.push(Step {
            name,
            ok: true,
            detail: detail.into(),
            fix: Vec::new(),
        })
    }

    fn push(&mut self, step: Step) -> Result<()> {
        if self.output.is_none() {
            let mark = if step.ok { "✓" } else { "✗" };
            print_line(&format!("{mark} {:<12} {}", step.name, step.detail))?;
            for fix in &step.fix {
                print_line(&format!("  fix: {fix}"))?;
            }
        }
        self.steps.push(step);
        Ok(())
    }

    /// Record the failure of `name` and stop with its error (and exit code).
    fn fail(&mut self, name: &'static str, e: Error) -> anyhow::Result<()> {
        self.push(Step {
            name,
            ok: false,
            detail: e.message.clone(),
            fix: e.hints.clone(),
        })?;
        self.finish()?;
        // The steps said it all; the error only carries the exit code.
        Err(Error {
            message: format!("doctor: the {name} step failed"),
            hints: Vec::new(),
            ..e
        }
        .into())
    }

    fn finish(&self) -> Result<()> {
        let Some(output) = &self.output else {
            return Ok(());
        };
        let steps: Vec<Value> = self
            .steps
            .iter()
            .map(|s| json!({"step": s.name, "ok": s.ok, "detail": s.detail, "fix": s.fix}))
            .collect();
        if output.format.has_columns() {
            // A table of the steps (the report's own `ok` is all of theirs).
            return output.print(&Value::Array(steps));
        }
        let ok = self.steps.iter().all(|s| s.ok);
        output.print(&json!({"ok": ok, "steps": steps}))
    }
}

pub(crate) fn run(g: &GlobalArgs, args: &DoctorArgs) -> anyhow::Result<()> {
    let mut spec = super::output_spec(g, &args.out)?;
    if args.json {
        match spec.format {
            None | Some(Format::Json) => spec.format = Some(Format::Json),
            Some(other) => {
                return Err(Error::usage(format!(
                    "--json is -o json; it does not go with -o {other}"
                ))
                .into())
            }
        }
    }
    let mut r = Report {
        steps: Vec::new(),
        output: super::formatted_output(&spec, "doctor")?,
    };
    let cfg = match super::config(g) {
        Ok(c) => c,
        Err(e) => return r.fail("config", e),
    };
    let opts = match cfg.options() {
        Ok(o) => o,
        Err(e) => return r.fail("config", e),
    };
    let profile = g
        .profile
        .clone()
        .or_else(|| std::env::var("MIDCLT_PROFILE").ok())
        .unwrap_or_else(|| "(none; `default` if defined)".into());
    r.pass(
        "config",
        format!("{} (profile {profile})", opts.endpoint.display()),
    )?;
    let timeout = opts.connect_timeout;
    if let Endpoint::Tcp {
        tls, host, port, ..
    } = &opts.endpoint
    {
        let addrs: Vec<_> = match (host.as_str(), *port).to_socket_addrs() {
            Ok(a) => a.collect(),
            Err(e) => {
                return r.fail(
                    "dns",
                    Error::connection(format!("cannot resolve {host}: {e}"))
                        .hint("check the host name in --uri or the profile"),
                )
            }
        };
        let shown: Vec<String> = addrs.iter().map(ToString::to_string).collect();
        r.pass("dns", shown.join(", "))?;
        let connected = addrs
            .iter()
            .find_map(|a| TcpStream::connect_timeout(a, timeout).ok());
        let Some(stream) = connected else {
            // The transport's own message says refused or unreachable, with hints.
            let e = transport::open_stream(
                &Endpoint::Tcp {
                    tls: false,
                    host: host.clone(),
                    port: *port,
                    path: String::new(),
                },
                &TlsOptions::default(),
                timeout,
            )
            .err()
            .unwrap_or_else(|| Error::connection("cannot connect"));
            return r.fail("tcp", e);
        };
        let peer = stream
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        r.pass("tcp", format!("connected to {peer}"))?;
        if *tls {
            tls_step(&mut r, &opts.endpoint, &opts.tls, timeout)?;
        }
    }
    let mut client = match session::connect(&opts) {
        Ok(c) => c,
        Err(e) => return r.fail("websocket", e),
    };
    let protocol = match client.protocol() {
        Protocol::JsonRpc => "JSON-RPC 2.0 (TrueNAS 25.04 or later)",
        Protocol::Legacy => "legacy /websocket protocol (TrueNAS 24.10 or earlier)",
    };
    r.pass(
        "websocket",
        format!("{} — {protocol}", client.info().endpoint.display()),
    )?;
    match client.call("auth.mechanism_choices", vec![]) {
        Ok(v) => r.pass("mechanisms", crate::py::json::dumps(&v))?,
        Err(_) => r.pass("mechanisms", "(not offered: an older server)")?,
    }
    let login = match credentials::resolve(&cfg.login, false) {
        Ok(l) => l,
        Err(e) => return r.fail("login", e),
    };
    if let Err(e) = auth::check_before_connect(&opts.endpoint, &login) {
        return r.fail("login", e);
    }
    if let Err(e) = auth::login(&mut client, &login, &credentials::prompt_otp) {
        return r.fail("login", e);
    }
    r.pass("login", describe_login(&login, &opts.endpoint))?;
    identity(&mut r, &mut client)?;
    client.close();
    r.finish()?;
    Ok(())
}

fn tls_step(
    r: &mut Report,
    endpoint: &Endpoint,
    tls: &TlsOptions,
    timeout: Duration,
) -> anyhow::Result<()> {
    // First what the server presents (whatever the verdict), then the verdict.
    let look = TlsOptions {
        insecure: true,
        ..TlsOptions::default()
    };
    let der = transport::open_stream(endpoint, &look, timeout)
        .ok()
        .and_then(|s| {
            let der = s.peer_certificate_der();
            s.shutdown();
            der
        });
    let trust = if tls.insecure {
        "none (--insecure)".to_string()
    } else if let Some(pin) = &tls.pin {
        if pin.from_known_hosts {
            format!(
                "the certificate recorded by `midclt trust` ({})",
                Pin::show(&pin.sha256)
            )
        } else {
            format!("--pin {}", Pin::show(&pin.sha256))
        }
    } else if let Some(ca) = &tls.ca_cert {
        format!("the system's CAs and {}", ca.display())
    } else {
        "the system's CA certificates".to_string()
    };
    let certificate = der.as_deref().map_or_else(
        || "(none presented)".to_string(),
        |d| {
            // The certificate's lines, indented under the step.
            let text = super::trust::describe("", d, &Pin::of(d));
            format!(
                "\n{}",
                text.lines()
                    .map(|l| format!("               {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        },
    );
    match transport::open_stream(endpoint, tls, timeout) {
        Ok(s) => {
            s.shutdown();
            r.pass("tls", format!("verified against {trust}{certificate}"))?;
            Ok(())
        }
        Err(mut e) => {
            e.message = format!("{} (checked against {trust}){certificate}", e.message);
            r.fail("tls", e)
        }
    }
}

fn describe_login(login: &Login, endpoint: &Endpoint) -> String {
    match login {
        Login::None if matches!(endpoint, Endpoint::Unix { .. } | Endpoint::Mock { .. }) => {
            "none needed: the local socket authenticates by user id".into()
        }
        Login::None => "none given (commands will fail unless the server allows them)".into(),
        Login::Password { username, .. } => format!("password for {username}"),
        Login::ApiKey {
            username,
            mechanism,
            ..
        } => format!(
            "API key ({mechanism:?}) for {}",
            username.as_deref().unwrap_or("(no user)")
        ),
        Login::Token(_) => "session token".into(),
    }
}

fn identity(r: &mut Report, client: &mut Client) -> anyhow::Result<()> {
    let version = client
        .call("system.version", vec![])
        .map(|v| v.as_str().unwrap_or_default().to_string());
    match version {
        Ok(v) => r.pass("server", v)?,
        Err(e) if e.kind == Kind::Server => {
            r.pass("server", "(version not readable by this user)")?;
        }
        Err(e) => return r.fail("server", e),
    }
    match client.call("auth.me", vec![]) {
        Ok(me) => {
            let user = me.get("pw_name").and_then(Value::as_str).unwrap_or("?");
            let roles = me
                .pointer("/privilege/roles/$set")
                .or_else(|| me.pointer("/privilege/roles"))
                .map_or_else(|| "(none)".to_string(), crate::py::json::dumps);
            r.pass("roles", format!("{user}: {roles}"))?;
        }
        Err(e) => return r.fail("roles", e),
    }
    Ok(())
}
