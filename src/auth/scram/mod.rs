//! SCRAM-SHA-512 as spoken by the TrueNAS middleware (`auth.login_ex`, mechanism `SCRAM`):
//! client state machine, server side for the emulator, RFC 5929 `tls-server-end-point`
//! channel binding and SASLprep (query mode) for usernames.

mod binding;
#[cfg(any(test, feature = "emulator"))]
mod server;
#[cfg(test)]
mod tests;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest as _, Sha512};
use std::fmt;
use std::fmt::Write as _;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub(crate) use binding::{tls_server_end_point, ChannelBinding};
#[cfg(any(test, feature = "emulator"))]
pub use server::{ClientFirst, ScramServer};

/// The fewest PBKDF2 iterations a server may ask for; fewer would make a stolen
/// exchange cheap to brute-force.
pub const MIN_ITERATIONS: u32 = 50_000;
/// The most PBKDF2 iterations a server may ask for; more would let it make the client
/// spin for minutes.
pub const MAX_ITERATIONS: u32 = 5_000_000;
/// Iteration count the TrueNAS server uses for API keys.
#[cfg(test)]
pub(crate) const DEFAULT_ITERATIONS: u32 = 500_000;
pub(crate) const NONCE_LEN: usize = 32;
pub(crate) const MAX_SALT_LEN: usize = 1024;
const KEY_LEN: usize = 64;
const GS2_UNBOUND: &str = "n,,";
const GS2_BOUND: &str = "p=tls-server-end-point,,";

type HmacSha512 = Hmac<Sha512>;
type Secret64 = Zeroizing<[u8; KEY_LEN]>;

/// Why a SCRAM exchange failed.
#[derive(Debug, thiserror::Error)]
pub enum ScramError {
    /// The user name cannot be prepared for SCRAM (SASLprep refused it).
    #[error("invalid SCRAM username: {0}")]
    InvalidUsername(&'static str),
    /// The key material is empty.
    #[error("the API key material is empty")]
    EmptySecret,
    /// Channel binding was chosen without the certificate hash to bind to.
    #[error("channel binding was requested without the server certificate hash")]
    MissingBindingData,
    /// The operating system's random number generator failed.
    #[error("could not generate a random nonce: {0}")]
    Random(String),
    /// A message of the exchange (named first) broke the grammar (the reason second).
    #[error("malformed SCRAM {0} message: {1}")]
    Malformed(&'static str, &'static str),
    /// The server's nonce does not extend the client's: a replay or a relay.
    #[error(
        "server nonce does not extend the client nonce (possible replay or man-in-the-middle)"
    )]
    NonceMismatch,
    /// The server asked for a PBKDF2 iteration count outside
    /// [`MIN_ITERATIONS`]`..=`[`MAX_ITERATIONS`].
    #[error(
        "server requested {0} PBKDF2 iterations; allowed range is {MIN_ITERATIONS}..={MAX_ITERATIONS}"
    )]
    IterationsOutOfRange(u64),
    /// The server's salt is unreasonably long (its length in bytes).
    #[error("server salt is {0} bytes; at most {MAX_SALT_LEN} are allowed")]
    SaltTooLong(usize),
    /// A step was taken before the one it depends on.
    #[error("SCRAM step out of order: {0}")]
    OutOfOrder(&'static str),
    /// The server ended the exchange with an `e=` error.
    #[error("server reported SCRAM error: {0}")]
    ServerError(String),
    /// The server could not prove it knows the key: possibly not the real server.
    #[error("Remote server validation failed! The server signature does not match")]
    ServerSignatureMismatch,
    /// (Server side) the client's proof is wrong: it does not know the key.
    #[error("authentication failed: invalid client proof")]
    AuthFailed,
    /// The channel binding asked for cannot be used here.
    #[error("unsupported channel binding: {0}")]
    UnsupportedBinding(&'static str),
    /// (Server side) the client bound to another certificate: a man in the middle.
    #[error("channel binding does not match this server's certificate")]
    ChannelBindingMismatch,
    /// The server certificate could not be parsed to find its hash algorithm.
    #[error("malformed server certificate: {0}")]
    BadCertificate(&'static str),
    /// RFC 5929 defines no binding for the certificate's signature algorithm (named).
    #[error(
        "tls-server-end-point channel binding is undefined for certificate signature algorithm {0} (RFC 5929); disable channel binding to log in without it"
    )]
    UndefinedBinding(String),
}

/// The three derived keys (64 bytes each); zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ScramKeys {
    /// `HMAC(SaltedPassword, "Client Key")`: proves the client knows the key.
    pub client_key: [u8; KEY_LEN],
    /// `SHA-512(ClientKey)`: what the server keeps to check the proof.
    pub stored_key: [u8; KEY_LEN],
    /// `HMAC(SaltedPassword, "Server Key")`: lets the server prove it knows the key too.
    pub server_key: [u8; KEY_LEN],
}

impl fmt::Debug for ScramKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ScramKeys { <redacted> }")
    }
}

/// Every SCRAM HMAC key is a 64-byte digest. Zero-padding it to the block size yields the same
/// HMAC (RFC 2104) and lets us use the infallible fixed-size constructor.
fn hmac(key: &[u8; KEY_LEN], data: &[u8]) -> Secret64 {
    let mut block = hmac::digest::Key::<HmacSha512>::default();
    block[..KEY_LEN].copy_from_slice(key);
    let mut mac = <HmacSha512 as hmac::digest::KeyInit>::new(&block);
    block.as_mut_slice().zeroize();
    mac.update(data);
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

fn salted_password(secret: &[u8], salt: &[u8], iterations: u32) -> Secret64 {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    pbkdf2::pbkdf2_hmac::<Sha512>(secret, salt, iterations, &mut out[..]);
    out
}

/// PBKDF2-HMAC-SHA512 then the RFC 5802 "Client Key"/"Server Key" labels: the keys
/// for `secret` (an API key's material after `<id>-`), the server's `salt` and its
/// iteration count. Store them instead of the key to skip PBKDF2 at every login
/// ([`ApiKey::precomputed`](crate::auth::ApiKey::precomputed)); they log in as the key
/// does, so guard them as well.
pub fn derive_keys(secret: &[u8], salt: &[u8], iterations: u32) -> ScramKeys {
    let salted = salted_password(secret, salt, iterations);
    let client_key = hmac(&salted, b"Client Key");
    let server_key = hmac(&salted, b"Server Key");
    ScramKeys {
        client_key: *client_key,
        stored_key: Sha512::digest(&client_key[..]).into(),
        server_key: *server_key,
    }
}

/// Constant-time equality; lengths are public so an early exit on them leaks nothing.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

fn xor64(a: &[u8; KEY_LEN], b: &[u8; KEY_LEN]) -> Secret64 {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = x ^ y;
    }
    out
}

/// Decodes strict (canonical, padded) base64 so that decoded bytes and wire text agree.
fn b64(value: &str, msg: &'static str, what: &'static str) -> Result<Vec<u8>, ScramError> {
    B64.decode(value)
        .map_err(|_| ScramError::Malformed(msg, what))
}

/// Splits `msg` into `k=v` attributes and checks the names are exactly `names`, in order.
fn attributes<'a, const N: usize>(
    msg: &'a str,
    names: [char; N],
    kind: &'static str,
) -> Result<[&'a str; N], ScramError> {
    let mut out = [""; N];
    let mut parts = msg.split(',');
    for (slot, name) in out.iter_mut().zip(names) {
        let part = parts
            .next()
            .ok_or(ScramError::Malformed(kind, "missing attribute"))?;
        let value = part.strip_prefix(name).and_then(|v| v.strip_prefix('='));
        *slot = value.ok_or(ScramError::Malformed(kind, "unexpected attribute order"))?;
        if slot.is_empty() {
            return Err(ScramError::Malformed(kind, "empty attribute value"));
        }
    }
    if parts.next().is_some() {
        return Err(ScramError::Malformed(kind, "unexpected extra attributes"));
    }
    Ok(out)
}

/// SASLprep (RFC 4013) as a *query* string (RFC 5802 §5.1): unassigned code points allowed.
///
/// The `stringprep` crate only implements stored-string mode and maps U+200B (listed in both
/// B.1 and C.1.2) to a space, whereas TrueNAS' client removes it. So B.1 characters are removed
/// first, and each code point unassigned in Unicode 3.2 is hidden behind a placeholder symbol
/// (assigned, neutral bidi, no decomposition, never produced by NFKC) and restored afterwards.
/// Limitation: a hidden code point is treated as an inert starter, so one assigned after
/// Unicode 3.2 that has an NFKC mapping or a non-zero combining class is left unnormalized.
/// U+1680 is mapped to a space as RFC 4013 says (the Python client rejects it).
pub(crate) fn saslprep(s: &str) -> Result<String, ScramError> {
    use stringprep::tables;
    let prohibited = || ScramError::InvalidUsername("prohibited character or bidirectional text");
    let kept: String = s
        .chars()
        .filter(|&c| !tables::commonly_mapped_to_nothing(c))
        .collect();
    let hidden: Vec<char> = kept
        .chars()
        .filter(|&c| tables::unassigned_code_point(c))
        .collect();
    if hidden.is_empty() {
        let prepared = stringprep::saslprep(&kept).map_err(|_| prohibited())?;
        return Ok(prepared.into_owned());
    }
    let placeholder = ('\u{2600}'..='\u{2613}')
        .find(|&p| !kept.contains(p))
        .ok_or(ScramError::InvalidUsername("too many unusual symbols"))?;
    let masked: String = kept
        .chars()
        .map(|c| {
            if tables::unassigned_code_point(c) {
                placeholder
            } else {
                c
            }
        })
        .collect();
    let prepared = stringprep::saslprep(&masked).map_err(|_| prohibited())?;
    let mut restore = hidden.into_iter();
    let out: String = prepared
        .chars()
        .map(|c| {
            if c == placeholder {
                restore.next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect();
    if restore.next().is_some() {
        return Err(ScramError::InvalidUsername("unsupported characters"));
    }
    Ok(out)
}

/// A parsed server-first message (`r=…,s=…,i=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerFirst {
    /// Combined nonce: client 32 bytes followed by server 32 bytes.
    pub nonce: Vec<u8>,
    pub salt: Vec<u8>,
    pub iterations: u32,
}

/// Parses a server-first message with the TrueNAS client's checks. Stricter than the Python
/// client: the nonce must be the full 64-byte combined nonce (it also accepts 32) and the
/// iteration count must be a plain decimal number.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn parse_server_first(msg: &str) -> Result<ServerFirst, ScramError> {
    server_first_parts(msg).map(|(sf, _)| sf)
}

/// Also returns the `r=` text, which goes into client-final verbatim.
fn server_first_parts(msg: &str) -> Result<(ServerFirst, &str), ScramError> {
    const K: &str = "server-first";
    let [r, s, i] = attributes(msg, ['r', 's', 'i'], K)?;
    if !i.bytes().all(|b| b.is_ascii_digit()) || i.starts_with('0') {
        return Err(ScramError::Malformed(K, "iterations not a number"));
    }
    let iterations: u64 = i
        .parse()
        .map_err(|_| ScramError::Malformed(K, "iteration count too large"))?;
    let iterations = u32::try_from(iterations)
        .ok()
        .filter(|n| (MIN_ITERATIONS..=MAX_ITERATIONS).contains(n))
        .ok_or(ScramError::IterationsOutOfRange(iterations))?;
    let nonce = b64(r, K, "nonce is not valid base64")?;
    if nonce.len() != 2 * NONCE_LEN {
        return Err(ScramError::Malformed(K, "nonce must decode to 64 bytes"));
    }
    let salt = b64(s, K, "salt is not valid base64")?;
    if salt.len() > MAX_SALT_LEN {
        return Err(ScramError::SaltTooLong(salt.len()));
    }
    let sf = ServerFirst {
        nonce,
        salt,
        iterations,
    };
    Ok((sf, r))
}

/// Where the client's keys come from.
#[derive(Clone, Copy)]
pub(crate) enum KeySource<'a> {
    /// The 64-character material after `<id>-` in a raw API key.
    Secret(&'a [u8]),
    /// Keys from a key file (`client_key`, `stored_key`, `server_key`); PBKDF2 is skipped.
    Precomputed(&'a ScramKeys),
}

/// State kept between client-final and server-final.
struct Sent {
    #[cfg(test)]
    auth_message: String,
    server_signature: Secret64,
}

/// Client state machine.
pub(crate) struct ScramClient {
    user: String,
    binding: ChannelBinding,
    nonce: [u8; NONCE_LEN],
    sent: Option<Sent>,
}

impl fmt::Debug for ScramClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramClient")
            .field("user", &self.user)
            .field(
                "channel_binding",
                &matches!(self.binding, ChannelBinding::TlsServerEndPoint(_)),
            )
            .field("client_final_sent", &self.sent.is_some())
            .finish_non_exhaustive()
    }
}

impl ScramClient {
    /// `user` on the wire is the SASLprep'd username plus `:<api_key_id>` (no suffix for 0).
    pub(crate) fn new(
        username: &str,
        api_key_id: u64,
        binding: ChannelBinding,
    ) -> Result<Self, ScramError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| ScramError::Random(e.to_string()))?;
        Self::with_nonce(username, api_key_id, binding, nonce)
    }

    /// Deterministic constructor for tests and vectors.
    pub(crate) fn with_nonce(
        username: &str,
        api_key_id: u64,
        binding: ChannelBinding,
        nonce: [u8; NONCE_LEN],
    ) -> Result<Self, ScramError> {
        // No "=2C"/"=3D" escaping is emitted (as upstream), so these must never reach the
        // wire — checked again after NFKC, which can turn fullwidth forms into them.
        let forbidden = |s: &str| s.contains(',') || s.contains('=');
        if forbidden(username) {
            return Err(ScramError::InvalidUsername("',' and '=' are not allowed"));
        }
        let mut user = saslprep(username)?;
        if user.is_empty() {
            return Err(ScramError::InvalidUsername("username is required"));
        }
        if forbidden(&user) {
            return Err(ScramError::InvalidUsername("',' and '=' are not allowed"));
        }
        if matches!(&binding, ChannelBinding::TlsServerEndPoint(d) if d.is_empty()) {
            return Err(ScramError::MissingBindingData);
        }
        if api_key_id != 0 {
            let _ = write!(user, ":{api_key_id}");
        }
        Ok(Self {
            user,
            binding,
            nonce,
            sent: None,
        })
    }

    fn client_first_bare(&self) -> String {
        format!("n={},r={}", self.user, B64.encode(self.nonce))
    }

    /// The AuthMessage of the exchange once client-final was produced (not secret).
    #[cfg(test)]
    pub(crate) fn auth_message(&self) -> Option<&str> {
        self.sent.as_ref().map(|s| s.auth_message.as_str())
    }

    pub(crate) fn client_first(&self) -> String {
        format!("{}{}", self.binding.gs2_header(), self.client_first_bare())
    }

    /// Checks the server-first message (attribute order r,s,i; nonce is 64 bytes whose first
    /// 32 are ours — decoded bytes, since the base64 texts diverge; salt <= 1024 bytes;
    /// iterations in bounds), then produces client-final.
    pub(crate) fn client_final(
        &mut self,
        server_first: &str,
        key: KeySource<'_>,
    ) -> Result<String, ScramError> {
        if self.sent.is_some() {
            return Err(ScramError::OutOfOrder("client-final was already produced"));
        }
        if matches!(key, KeySource::Secret([])) {
            return Err(ScramError::EmptySecret);
        }
        let (sf, nonce_text) = server_first_parts(server_first)?;
        if !ct_eq(sf.nonce.get(..NONCE_LEN).unwrap_or_default(), &self.nonce) {
            return Err(ScramError::NonceMismatch);
        }
        let derived;
        let keys = match key {
            KeySource::Secret(secret) => {
                derived = derive_keys(secret, &sf.salt, sf.iterations);
                &derived
            }
            KeySource::Precomputed(keys) => keys,
        };
        let without_proof = format!("c={},r={nonce_text}", self.binding.c_attribute());
        let auth_message = format!(
            "{},{server_first},{without_proof}",
            self.client_first_bare()
        );
        let client_signature = hmac(&keys.stored_key, auth_message.as_bytes());
        let proof = xor64(&keys.client_key, &client_signature);
        let server_signature = hmac(&keys.server_key, auth_message.as_bytes());
        self.sent = Some(Sent {
            #[cfg(test)]
            auth_message,
            server_signature,
        });
        Ok(format!("{without_proof},p={}", B64.encode(&proof[..])))
    }

    /// Verifies `v=` in constant time; `e=` (server error), extra attributes and malformed
    /// base64 are errors too.
    pub(crate) fn verify_server_final(&self, server_final: &str) -> Result<(), ScramError> {
        const K: &str = "server-final";
        let sent = self
            .sent
            .as_ref()
            .ok_or(ScramError::OutOfOrder("client-final was not sent yet"))?;
        if let Some(err) = server_final.strip_prefix("e=") {
            return Err(ScramError::ServerError(err.chars().take(200).collect()));
        }
        let [v] = attributes(server_final, ['v'], K)?;
        let signature = Zeroizing::new(b64(v, K, "signature is not valid base64")?);
        if ct_eq(&signature, &sent.server_signature[..]) {
            Ok(())
        } else {
            Err(ScramError::ServerSignatureMismatch)
        }
    }
}
