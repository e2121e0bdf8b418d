//! `midclt mock-server`: run the emulator until interrupted.

use crate::cli::MockServerArgs;
#[cfg(feature = "emulator")]
use {
    crate::cli::DEFAULT_MOCK_PASSWORD as DEFAULT_PASSWORD,
    crate::emulator::{Config, Emulator, ServedCatalog, TlsMaterial},
    crate::error::Error,
    anyhow::Context as _,
    std::io::Write,
};

#[cfg(not(feature = "emulator"))]
pub(crate) fn run(_: &MockServerArgs) -> anyhow::Result<()> {
    Err(crate::error::Error::usage(
        "mock-server needs the built-in emulator, which this midclt was built without",
    )
    .hint("build with the `emulator` cargo feature (on by default)")
    .into())
}

#[cfg(feature = "emulator")]
pub(crate) fn run(args: &MockServerArgs) -> anyhow::Result<()> {
    let catalog = match &args.catalog {
        Some(m) => Some(std::sync::Arc::new(ServedCatalog::load(
            m,
            args.services.as_deref(),
        )?)),
        None => None,
    };
    let emu = Emulator::new(Config {
        catalog,
        version: args.server_version.clone(),
        password: args.password.clone(),
        loopback_is_remote: args.loopback_is_remote,
        scram_iterations: args.scram_iterations.clamp(
            crate::auth::scram::MIN_ITERATIONS,
            crate::auth::scram::MAX_ITERATIONS,
        ),
        unix_auth: !args.no_unix_auth,
        rate_limit: !args.no_rate_limit,
        legacy_only: args.legacy_only,
        ..Config::default()
    });
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let read = |p: &std::path::Path| {
            std::fs::read_to_string(p)
                .map_err(|e| Error::usage(format!("cannot read {}: {e}", p.display())))
        };
        emu.set_tls(TlsMaterial {
            cert_pem: read(cert)?,
            key_pem: read(key)?,
        });
    }
    let mut out = std::io::stdout().lock();
    for uri in &args.listen {
        let listener = emu.listen(uri)?;
        let _ = writeln!(out, "listening on {}", listener.uri);
    }
    if let Some(path) = &args.write_cert {
        let pem = emu.tls_material()?.cert_pem;
        std::fs::write(path, pem)
            .with_context(|| format!("cannot write the certificate to {}", path.display()))?;
        let _ = writeln!(out, "certificate written to {}", path.display());
    }
    // The default is public (it is in --help); a password of the user's own is not echoed.
    let password = if args.password == DEFAULT_PASSWORD {
        format!("password {DEFAULT_PASSWORD:?}")
    } else {
        "the password given with --password".to_string()
    };
    let _ = writeln!(
        out,
        "accounts: root, truenas_admin, admin ({password}), guest (no API access), otpuser (two-factor)"
    );
    let _ = out.flush();
    drop(out);
    loop {
        std::thread::park();
    }
}
