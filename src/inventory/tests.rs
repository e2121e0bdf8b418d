#![allow(clippy::unwrap_used)]

use super::*;

fn load(name: &str, text: &str) -> Result<Inventory> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    Inventory::load(&path)
}

fn names(inv: &Inventory, limit: Option<&str>) -> Vec<String> {
    inv.select(limit).unwrap()
}

const INI: &str = "\
nas0 midclt_uri=ws://10.0.0.9/api/current
[lab]
nas1 ansible_host=10.0.0.1   # the first
nas[2:3] midclt_username=ops
'nas 4':2222 midclt_timeout=\"30\"
[lab:vars]
midclt_username=admin
midclt_plain=yes
[prod]
big
[site:children]
lab
prod
[site:vars]
midclt_username=site
midclt_timeout=10
";

#[test]
fn ini_hosts_groups_and_ranges() {
    let inv = load("hosts", INI).unwrap();
    assert_eq!(
        names(&inv, None),
        ["nas0", "nas1", "nas2", "nas3", "nas 4", "big"]
    );
    assert_eq!(names(&inv, Some("lab")), ["nas1", "nas2", "nas3", "nas 4"]);
    assert_eq!(names(&inv, Some("ungrouped")), ["nas0"]);
    assert_eq!(names(&inv, Some("site:!lab")), ["big"]);
    assert_eq!(
        names(&inv, Some("all,&lab,!nas2")),
        ["nas1", "nas3", "nas 4"]
    );
    assert_eq!(names(&inv, Some("nas?")), ["nas0", "nas1", "nas2", "nas3"]);
    assert_eq!(names(&inv, Some("b*,nas0")), ["nas0", "big"]);
    let e = inv.select(Some("lab,nas9")).unwrap_err();
    assert!(
        e.message.contains("no group or host \"nas9\""),
        "{}",
        e.message
    );
    let e = inv.select(Some("prod,&lab")).unwrap_err();
    assert!(e.message.contains("leaves no host"), "{}", e.message);
}

#[test]
fn variables_follow_ansible_precedence() {
    let inv = load("hosts.ini", INI).unwrap();
    // lab (deeper) beats site; the host's own beats both.
    let p = inv.profile_of("nas1").unwrap();
    assert_eq!(p.username.as_deref(), Some("admin"));
    assert_eq!(p.plain, Some(true));
    assert_eq!(p.timeout, Some(10));
    assert_eq!(p.uri.as_deref(), Some("wss://10.0.0.1/api/current"));
    let p = inv.profile_of("nas2").unwrap();
    assert_eq!(p.username.as_deref(), Some("ops"));
    assert_eq!(p.uri.as_deref(), Some("wss://nas2/api/current"));
    assert_eq!(inv.profile_of("nas 4").unwrap().timeout, Some(30));
    let p = inv.profile_of("nas0").unwrap();
    assert_eq!(p.uri.as_deref(), Some("ws://10.0.0.9/api/current"));
    assert_eq!(p.username, None);
}

#[test]
fn yaml_inventory() {
    let text = "\
all:
  vars:
    midclt_username: root
    midclt_password_file: secrets/pw
  hosts:
    solo:
      ansible_host: fd00::1
  children:
    lab:
      vars:
        midclt_timeout: 5
      hosts:
        nas1:
          midclt_uri: ws://127.0.0.1:1/api/current
          midclt_channel_binding: false
        nas[01:02]:
      children:
        inner:
          hosts:
            nas1:
              midclt_username: admin
lone:
  hosts:
    x.example.com:
";
    let inv = load("inv.yml", text).unwrap();
    assert_eq!(
        names(&inv, None),
        ["solo", "nas1", "nas01", "nas02", "x.example.com"]
    );
    assert_eq!(names(&inv, Some("inner")), ["nas1"]);
    assert_eq!(names(&inv, Some("lone")), ["x.example.com"]);
    let p = inv.profile_of("nas1").unwrap();
    assert_eq!(p.username.as_deref(), Some("admin"));
    assert_eq!(p.timeout, Some(5));
    assert_eq!(p.channel_binding, Some(false));
    assert!(p.password_file.unwrap().ends_with("secrets/pw"));
    assert_eq!(
        inv.profile_of("solo").unwrap().uri.as_deref(),
        Some("wss://[fd00::1]/api/current")
    );
    // The same text without a telling extension is recognised by its content.
    assert_eq!(names(&load("inventory", text).unwrap(), None).len(), 5);
}

#[test]
fn mistakes_name_the_file_and_line() {
    let e = load("h.ini", "[lab]\nnas1 midclt_uri\n").err().unwrap();
    assert!(
        e.message
            .ends_with("line 2: \"midclt_uri\": expected NAME=VALUE after the host"),
        "{}",
        e.message
    );
    let e = load("h.ini", "[lab:weird]\n").err().unwrap();
    assert!(
        e.message.contains("line 1: \"[lab:weird]\""),
        "{}",
        e.message
    );
    let e = load("h.ini", "[a:children]\nb\n[b:children]\na\n")
        .err()
        .unwrap();
    assert!(e.message.contains("its own child"), "{}", e.message);
    let e = load("h.yml", "all:\n  hosts: [a, b]\n").err().unwrap();
    assert!(
        e.message.contains("hosts must be a mapping"),
        "{}",
        e.message
    );
    let e = load("h.yml", "all:\n  hosts:\n    a: {\n").err().unwrap();
    assert!(e.message.contains("not valid YAML"), "{}", e.message);
    let e = load("h.ini", "nas[9:1]\n").err().unwrap();
    assert!(e.message.contains("expected a range"), "{}", e.message);
    let e = load("h.ini", "nas[0:99999999]\n").err().unwrap();
    assert!(e.message.contains("expected a range"), "{}", e.message);
    let inv = load(
        "h.ini",
        "a midclt_password=x\nb midclt_timeout=soon\nc midclt_colour=red\n",
    )
    .unwrap();
    let e = inv.profile_of("a").err().unwrap();
    assert!(e.message.contains("no place for a secret"), "{}", e.message);
    let e = inv.profile_of("b").err().unwrap();
    assert!(
        e.message
            .contains("midclt_timeout: expected a whole number"),
        "{}",
        e.message
    );
    let e = inv.profile_of("c").err().unwrap();
    assert!(e.message.contains("unknown setting"), "{}", e.message);
}

#[test]
fn ranges_and_words() {
    assert_eq!(expand("n[1:3]").unwrap(), ["n1", "n2", "n3"]);
    assert_eq!(expand("n[08:10].x").unwrap(), ["n08.x", "n09.x", "n10.x"]);
    assert_eq!(
        expand("[a:e:2]-[1:2]").unwrap(),
        ["a-1", "a-2", "c-1", "c-2", "e-1", "e-2"]
    );
    assert!(wildcard("na*s?", "nasXs1"));
    assert!(!wildcard("na*s?", "nas"));
    assert!(wildcard("*", ""));
}
