//! The command tree built from real TrueNAS catalogues (25.10, 26.0, 27.0), read from
//! `../shared/catalog` beside the checkout; skipped with a notice where that is absent.

use super::{Catalog, Child, Resolved, ServiceType};
use serde_json::Value;
use std::path::PathBuf;

fn catalog_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/catalog");
    if dir.is_dir() {
        return Some(dir);
    }
    // CI has ../shared: there a missing directory is a failure, not a skip.
    assert!(
        std::env::var_os("MIDCLT_REQUIRE_SHARED").is_none(),
        "{} is missing and MIDCLT_REQUIRE_SHARED is set",
        dir.display()
    );
    eprintln!("skipped: {} is absent", dir.display());
    None
}

fn load(name: &str) -> Value {
    let dir = catalog_dir().expect("catalogue directory");
    let text = std::fs::read_to_string(dir.join(name)).expect("catalogue file");
    serde_json::from_str(&text).expect("JSON")
}

fn words(path: &str) -> Vec<String> {
    path.split(' ').map(str::to_string).collect()
}

#[test]
fn every_method_of_every_catalogue_is_a_reachable_command() {
    if catalog_dir().is_none() {
        return;
    }
    let services = load("services-cli-v27.0.0-master-66d9e1b9.json");
    for file in [
        "methods-TS-25.10.6.json",
        "methods-TS-26.0.0-BETA.3.json",
        "methods-v27.0.0-master-66d9e1b9.json",
        "methods-cli-root-v27.0.0-master-66d9e1b9.json",
    ] {
        let methods = load(file);
        let cat = Catalog::build("v", &methods, &services);
        let commands = cat.root.all_commands();
        let visible = methods
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, m)| m["cli_private"] != Value::Bool(true))
            .filter(|(name, _)| {
                let svc = name.rsplit_once('.').unwrap().0;
                services
                    .get(svc)
                    .is_none_or(|s| s["config"]["cli_private"] != Value::Bool(true))
            })
            .count();
        assert_eq!(commands.len(), visible, "{file}");
        // Each command is found again from its own path (the first match by name wins,
        // so a command shadowed by an earlier namespace of the same name would fail here).
        let mut unreachable = Vec::new();
        for cmd in &commands {
            match cat.resolve(&cmd.path) {
                Resolved::Command(found, n)
                    if found.method == cmd.method && n == cmd.path.len() => {}
                _ => unreachable.push(cmd.method.clone()),
            }
        }
        assert!(
            unreachable.is_empty(),
            "{file}: unreachable {unreachable:?}"
        );
    }
}

#[test]
fn api_key_commands_live_under_auth() {
    if catalog_dir().is_none() {
        return;
    }
    let cat = Catalog::build(
        "v",
        &load("methods-cli-root-v27.0.0-master-66d9e1b9.json"),
        &load("services-cli-v27.0.0-master-66d9e1b9.json"),
    );
    let Resolved::Command(create, 3) = cat.resolve(&words("auth api_key create")) else {
        panic!("auth api_key create not found");
    };
    assert_eq!(create.method, "api_key.create");
    assert_eq!(create.service_type, ServiceType::Crud);
    assert_eq!(create.description, "Create an API key");
    let Resolved::Command(query, _) = cat.resolve(&words("auth api_key query")) else {
        panic!()
    };
    assert!(query.filterable);
    let Resolved::Command(me, _) = cat.resolve(&words("auth me")) else {
        panic!()
    };
    assert_eq!(me.method, "auth.me");
    let Resolved::Command(user, _) = cat.resolve(&words("account user create")) else {
        panic!()
    };
    assert_eq!(user.method, "user.create");
    // Hidden from the CLI: cli_private methods.
    assert!(matches!(
        cat.resolve(&words("auth login")),
        Resolved::Unknown { .. }
    ));
    let Resolved::Namespace(ns) = cat.resolve(&words("auth api_key")) else {
        panic!()
    };
    let names: Vec<_> = ns.children().map(|(n, _)| n.to_string()).collect();
    for n in ["create", "delete", "get_instance", "query", "update"] {
        assert!(names.contains(&n.to_string()), "{names:?}");
    }
    assert!(ns.children().all(|(_, c)| matches!(c, Child::Command(_))));
    assert!(cat.method("api_key.update").unwrap().accepts.len() == 2);
}
