//! `midclt trust HOST[:PORT]`: look at a server's TLS certificate, and on the user's word
//! record its fingerprint, so later connections accept exactly that certificate (a NAS's
//! self-signed one included) and refuse any other loudly. `--list`, `--remove`.

use crate::cli::{GlobalArgs, TrustArgs};
use crate::client::transport::{self, Pin, TlsOptions};
use crate::client::uri::{self, Endpoint};
use crate::error::{Error, Kind};
use crate::known_hosts;
use crate::render::print_line;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::{BufRead as _, IsTerminal as _, Write as _};

pub(crate) fn run(g: &GlobalArgs, args: &TrustArgs) -> anyhow::Result<()> {
    let spec = super::output_spec(g, &args.out)?;
    if args.list {
        let entries = known_hosts::entries()?;
        if let Some(output) = super::formatted_output(&spec, "trust --list")? {
            let rows: Vec<Value> = entries
                .iter()
                .map(|(host, pin)| json!({"host": host, "fingerprint": Pin::show(pin)}))
                .collect();
            return Ok(output.print(&Value::Array(rows))?);
        }
        for (host, pin) in entries {
            print_line(&format!("{host} {}", Pin::show(&pin)))?;
        }
        return Ok(());
    }
    if !spec.is_empty() {
        return Err(Error::usage(
            "-o, --pretty and --select go with `trust --list`; trusting or forgetting a server prints no result",
        )
        .into());
    }
    if let Some(target) = &args.remove {
        let key = server_key(target)?;
        if known_hosts::remove(&key)? {
            print_line(&format!("{key}: forgotten"))?;
            return Ok(());
        }
        return Err(
            Error::usage(format!("{key} is not among the trusted servers"))
                .hint("`midclt trust --list` shows them")
                .into(),
        );
    }
    let target = args.target.as_deref().unwrap_or_default();
    let endpoint = tls_endpoint(target)?;
    let key = endpoint_key(&endpoint);
    // Verification is off on purpose: the point is to show the user what is there.
    let tls = TlsOptions {
        insecure: true,
        ..TlsOptions::default()
    };
    let stream = transport::open_stream(
        &endpoint,
        &tls,
        crate::session::seconds(g.connect_timeout.max(1)),
    )?;
    let der = stream
        .peer_certificate_der()
        .ok_or_else(|| Error::new(Kind::Tls, format!("{key} presented no certificate")))?;
    stream.shutdown();
    let sha256 = Pin::of(&der);
    print_line(&describe(&key, &der, &sha256))?;
    match known_hosts::lookup(&key)? {
        Some(old) if old == sha256 => {
            print_line(&format!("{key} is already trusted with this certificate"))?;
            return Ok(());
        }
        Some(old) => print_line(&format!(
            "CHANGED: {key} was trusted with {}; this replaces it",
            Pin::show(&old)
        ))?,
        None => {}
    }
    if !args.yes && !confirm(&key)? {
        return Err(Error::usage(format!("not trusted: {key}")).into());
    }
    let path = known_hosts::add(&key, &sha256)?;
    print_line(&format!(
        "trusted {key} ({}) in {}",
        Pin::show(&sha256),
        path.display()
    ))?;
    Ok(())
}

/// A `wss://` endpoint from `HOST`, `HOST:PORT` or a URI.
fn tls_endpoint(target: &str) -> anyhow::Result<Endpoint> {
    let endpoint = uri::parse(target)?;
    match endpoint {
        Endpoint::Tcp { tls: true, .. } => Ok(endpoint),
        _ => Err(Error::usage(format!(
            "{target}: only a TLS server (wss://, or HOST[:PORT]) has a certificate to trust"
        ))
        .into()),
    }
}

fn endpoint_key(endpoint: &Endpoint) -> String {
    match endpoint {
        Endpoint::Tcp { host, port, .. } => known_hosts::key(host, *port),
        other => other.display(),
    }
}

/// The known-hosts name of a `--remove` argument (port 443 when none is given).
fn server_key(target: &str) -> anyhow::Result<String> {
    Ok(endpoint_key(&tls_endpoint(target)?))
}

/// Subject, issuer, validity, names and fingerprint, for a person to judge.
pub(super) fn describe(key: &str, der: &[u8], sha256: &[u8; 32]) -> String {
    let mut out = if key.is_empty() {
        String::new()
    } else {
        format!("Server:    {key}\n")
    };
    match x509_parser::parse_x509_certificate(der) {
        Ok((_, cert)) => {
            let subject = cert.subject().to_string();
            let issuer = cert.issuer().to_string();
            let _ = writeln!(out, "Subject:   {subject}");
            let self_signed = if subject == issuer {
                " (self-signed)"
            } else {
                ""
            };
            let _ = writeln!(out, "Issuer:    {issuer}{self_signed}");
            let validity = cert.validity();
            let state = if validity.is_valid() {
                ""
            } else {
                "  (NOT valid now)"
            };
            let _ = writeln!(
                out,
                "Valid:     {} to {}{state}",
                validity.not_before, validity.not_after
            );
            let names = match cert.subject_alternative_name() {
                Ok(Some(san)) => san
                    .value
                    .general_names
                    .iter()
                    .map(general_name)
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => "(none)".to_string(),
            };
            let _ = writeln!(out, "Names:     {names}");
        }
        Err(e) => {
            let _ = writeln!(out, "(the certificate could not be decoded: {e})");
        }
    }
    let _ = write!(out, "SHA-256:   {}", Pin::show(sha256));
    out
}

fn general_name(name: &x509_parser::extensions::GeneralName<'_>) -> String {
    use x509_parser::extensions::GeneralName;
    match name {
        GeneralName::DNSName(d) => format!("DNS:{d}"),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => format!(
                "IP:{}",
                std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])
            ),
            16 => {
                let mut octets = [0u8; 16];
                octets.copy_from_slice(bytes);
                format!("IP:{}", std::net::Ipv6Addr::from(octets))
            }
            _ => "IP:?".to_string(),
        },
        other => other.to_string(),
    }
}

/// Ask on the terminal; without one, only `--yes` can decide.
fn confirm(key: &str) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::usage(format!(
            "not trusting {key} without asking: there is no terminal to ask on"
        ))
        .hint("check the fingerprint above, then run again with --yes")
        .into());
    }
    eprint!("Trust this certificate for {key}? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES"))
}
