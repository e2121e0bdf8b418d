//! The emulated server's data: accounts, API keys, tokens, jobs, rate-limit counters.

use super::Config;
use crate::auth::scram;
use base64::Engine as _;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha512};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub(crate) struct User {
    pub id: u64,
    pub uid: u32,
    pub username: String,
    pub full_name: String,
    pub password: String,
    /// Holds a privilege (`FULL_ADMIN`); without one, logins answer DENIED.
    pub api_access: bool,
    /// TOTP secret for two-factor authentication.
    pub otp_secret: Option<Vec<u8>>,
}

pub(crate) struct ApiKeyRow {
    pub id: u64,
    pub name: String,
    pub username: String,
    pub user_identifier: u64,
    pub salt: Vec<u8>,
    pub iterations: u32,
    pub stored_key: [u8; 64],
    pub server_key: [u8; 64],
    /// SHA-512 of the material, so plain logins need not rerun PBKDF2.
    pub material_hash: [u8; 64],
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked: bool,
    pub revoked_reason: Option<String>,
}

#[derive(Clone)]
pub(crate) struct Token {
    pub value: String,
    pub username: String,
    pub ttl: Duration,
    pub last_used: Instant,
    pub single_use: bool,
    /// `{"job": ID, "filename": ...}` for a download; empty for a login or upload token.
    pub attrs: Value,
    /// The address it may be used from (`match_origin`); `None`: any.
    pub origin: Option<String>,
}

/// Control of a running job.
#[derive(Default)]
pub(crate) struct JobCtl {
    pub abort: bool,
    /// New-style callers waiting for the final answer: (connection, request id, method).
    pub waiters: Vec<(u64, Value, String)>,
}

pub(crate) struct State {
    pub users: Vec<User>,
    pub api_keys: Vec<ApiKeyRow>,
    pub next_key_id: u64,
    pub jobs: BTreeMap<i64, Map<String, Value>>,
    pub job_ctl: HashMap<i64, JobCtl>,
    pub next_job_id: i64,
    /// Counts [`super::Emulator::restart`]s: a job thread of an earlier one is a ghost
    /// whose job is gone (its id may be another job's now).
    pub generation: u64,
    pub tokens: Vec<Token>,
    /// Downloads waiting for their `GET /_download/ID`, by job id.
    pub downloads: HashMap<i64, super::pipes::Download>,
    /// What jobs wrote to their logs, by job id.
    pub job_logs: HashMap<i64, Vec<u8>>,
    /// (method, client address) → (window start, calls in window).
    pub rate: HashMap<(String, String), (Instant, u32)>,
    pub hostname: String,
    pub boot_time: SystemTime,
}

pub(super) const RATE_LIMIT: u32 = 20;
pub(super) const RATE_WINDOW: Duration = Duration::from_secs(60);

impl State {
    pub(crate) fn new(config: &Config) -> State {
        let user = |id: u64, uid: u32, name: &str, full: &str, access: bool| User {
            id,
            uid,
            username: name.into(),
            full_name: full.into(),
            password: config.password.clone(),
            api_access: access,
            otp_secret: None,
        };
        State {
            users: vec![
                user(1, 0, "root", "root", true),
                user(2, 950, "truenas_admin", "Local Administrator", true),
                user(3, 951, "admin", "Administrator", true),
                user(4, 1000, "guest", "Guest (no API access)", false),
                User {
                    otp_secret: Some(OTP_SECRET.to_vec()),
                    ..user(5, 1001, "otpuser", "Two-factor user", true)
                },
            ],
            api_keys: Vec::new(),
            next_key_id: 1,
            jobs: BTreeMap::new(),
            job_ctl: HashMap::new(),
            next_job_id: 1,
            generation: 0,
            tokens: Vec::new(),
            downloads: HashMap::new(),
            job_logs: HashMap::new(),
            rate: HashMap::new(),
            hostname: "truenas".into(),
            boot_time: SystemTime::now(),
        }
    }

    pub(crate) fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.username == name)
    }

    pub(crate) fn key(&self, id: u64) -> Option<&ApiKeyRow> {
        self.api_keys.iter().find(|k| k.id == id)
    }

    pub(crate) fn key_mut(&mut self, id: u64) -> Option<&mut ApiKeyRow> {
        self.api_keys.iter_mut().find(|k| k.id == id)
    }

    /// The token `value`, if it is valid and may be used from `origin`; a single-use token
    /// is used up by this.
    pub(crate) fn use_token(&mut self, value: &str, origin: &str) -> Option<Token> {
        self.tokens.retain(|t| t.last_used.elapsed() < t.ttl);
        let pos = self
            .tokens
            .iter()
            .position(|t| scram::ct_eq(t.value.as_bytes(), value.as_bytes()))?;
        if self.tokens[pos]
            .origin
            .as_deref()
            .is_some_and(|o| o != origin)
        {
            return None;
        }
        if self.tokens[pos].single_use {
            return Some(self.tokens.remove(pos));
        }
        self.tokens[pos].last_used = Instant::now();
        Some(self.tokens[pos].clone())
    }

    /// Count an unauthenticated call; false when it exceeds the limit.
    pub(crate) fn rate_allow(&mut self, method: &str, addr: &str) -> bool {
        let now = Instant::now();
        let entry = self
            .rate
            .entry((method.to_string(), addr.to_string()))
            .or_insert((now, 0));
        if now.duration_since(entry.0) >= RATE_WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= RATE_LIMIT
    }
}

/// The TOTP secret of the emulated two-factor account `otpuser` (RFC 6238 SHA-1, 30 s,
/// 6 digits); its base32 form is in README.md so authenticator apps can be set up.
pub const OTP_SECRET: &[u8] = b"midclt-emulator-otp!";

pub(super) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Random text from `alphabet` (API key material, salts, tokens).
pub(super) fn random_string(len: usize, alphabet: &[u8]) -> String {
    let mut bytes = vec![0u8; len];
    if getrandom::fill(&mut bytes).is_err() {
        // Never expected; fall back to time-based bytes rather than fail a test server.
        let seed = now_ms() as u64;
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (seed.rotate_left(i as u32 * 7) & 0xff) as u8;
        }
    }
    bytes
        .iter()
        .map(|b| alphabet[*b as usize % alphabet.len()] as char)
        .collect()
}

pub(super) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub(super) const SALT_CHARS: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./";

impl ApiKeyRow {
    /// Make a key; returns the row, the raw key text and the client key.
    pub(crate) fn generate(
        id: u64,
        name: String,
        user: &User,
        iterations: u32,
        expires_at: Option<i64>,
    ) -> (ApiKeyRow, String, [u8; 64]) {
        let material = random_string(64, ALNUM);
        let salt = random_string(16, SALT_CHARS).into_bytes();
        let keys = scram::derive_keys(material.as_bytes(), &salt, iterations);
        let row = ApiKeyRow {
            id,
            name,
            username: user.username.clone(),
            user_identifier: user.id,
            salt,
            iterations,
            stored_key: keys.stored_key,
            server_key: keys.server_key,
            material_hash: sha512(material.as_bytes()),
            created_at: now_ms() / 1000 * 1000,
            expires_at,
            revoked: false,
            revoked_reason: None,
        };
        (row, format!("{id}-{material}"), keys.client_key)
    }

    /// Replace the material (`reset: true`); returns the new raw key and client key.
    pub(crate) fn reset(&mut self) -> (String, [u8; 64]) {
        let material = random_string(64, ALNUM);
        self.salt = random_string(16, SALT_CHARS).into_bytes();
        let keys = scram::derive_keys(material.as_bytes(), &self.salt, self.iterations);
        self.stored_key = keys.stored_key;
        self.server_key = keys.server_key;
        self.material_hash = sha512(material.as_bytes());
        self.revoked = false;
        self.revoked_reason = None;
        (format!("{}-{material}", self.id), keys.client_key)
    }

    pub(crate) fn matches_material(&self, material: &str) -> bool {
        let h = sha512(material.as_bytes());
        crate::auth::scram::ct_eq(&h, &self.material_hash)
    }

    pub(crate) fn expired(&self) -> bool {
        self.expires_at.is_some_and(|e| e <= now_ms())
    }

    /// The entry as `api_key.query` returns it (27.0 field set).
    pub(crate) fn entry(&self) -> Value {
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        json!({
            "id": self.id,
            "name": self.name,
            "username": self.username,
            "user_identifier": self.user_identifier,
            "iterations": self.iterations,
            "salt": b64(&self.salt),
            "stored_key": b64(&self.stored_key),
            "server_key": b64(&self.server_key),
            "created_at": {"$date": self.created_at},
            "expires_at": self.expires_at.map_or(Value::Null, |e| json!({"$date": e})),
            "local": true,
            "revoked": self.revoked,
            "revoked_reason": self.revoked_reason,
        })
    }
}

pub(super) fn sha512(data: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    out.copy_from_slice(&Sha512::digest(data));
    out
}
