//! SCRAM-SHA-512 as spoken by the TrueNAS middleware (`auth.login_ex`, mechanism `SCRAM`):
//! client state machine, server side for the emulator, RFC 5929 `tls-server-end-point`
//! channel binding and SASLprep (query mode) for usernames. See protocol.md §3.6–§3.7.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest as _, Sha224, Sha256, Sha384, Sha512};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub const MIN_ITERATIONS: u32 = 50_000;
pub const MAX_ITERATIONS: u32 = 5_000_000;
/// Iteration count the TrueNAS server uses for API keys.
pub const DEFAULT_ITERATIONS: u32 = 500_000;
pub const NONCE_LEN: usize = 32;
pub const MAX_SALT_LEN: usize = 1024;
const KEY_LEN: usize = 64;
const GS2_UNBOUND: &str = "n,,";
const GS2_BOUND: &str = "p=tls-server-end-point,,";

type HmacSha512 = Hmac<Sha512>;
type Secret64 = Zeroizing<[u8; KEY_LEN]>;

#[derive(Debug, thiserror::Error)]
pub enum ScramError {
    #[error("invalid SCRAM username: {0}")]
    InvalidUsername(&'static str),
    #[error("the API key material is empty")]
    EmptySecret,
    #[error("channel binding was requested without the server certificate hash")]
    MissingBindingData,
    #[error("could not generate a random nonce: {0}")]
    Random(String),
    #[error("malformed SCRAM {0} message: {1}")]
    Malformed(&'static str, &'static str),
    #[error(
        "server nonce does not extend the client nonce (possible replay or man-in-the-middle)"
    )]
    NonceMismatch,
    #[error(
        "server requested {0} PBKDF2 iterations; allowed range is {MIN_ITERATIONS}..={MAX_ITERATIONS}"
    )]
    IterationsOutOfRange(u64),
    #[error("server salt is {0} bytes; at most {MAX_SALT_LEN} are allowed")]
    SaltTooLong(usize),
    #[error("SCRAM step out of order: {0}")]
    OutOfOrder(&'static str),
    #[error("server reported SCRAM error: {0}")]
    ServerError(String),
    #[error("Remote server validation failed! The server signature does not match")]
    ServerSignatureMismatch,
    #[error("authentication failed: invalid client proof")]
    AuthFailed,
    #[error("unsupported channel binding: {0}")]
    UnsupportedBinding(&'static str),
    #[error("channel binding does not match this server's certificate")]
    ChannelBindingMismatch,
    #[error("malformed server certificate: {0}")]
    BadCertificate(&'static str),
    #[error(
        "tls-server-end-point channel binding is undefined for certificate signature algorithm {0} (RFC 5929); disable channel binding to log in without it"
    )]
    UndefinedBinding(String),
}

/// The three derived keys (64 bytes each); zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ScramKeys {
    pub client_key: [u8; KEY_LEN],
    pub stored_key: [u8; KEY_LEN],
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

/// PBKDF2-HMAC-SHA512 then the RFC 5802 "Client Key"/"Server Key" labels.
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
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
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
pub fn saslprep(s: &str) -> Result<String, ScramError> {
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

/// Channel binding for the exchange: `n,,` (none) or `p=tls-server-end-point,,` + hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChannelBinding {
    None,
    TlsServerEndPoint(Vec<u8>),
}

impl ChannelBinding {
    fn gs2_header(&self) -> &'static str {
        match self {
            ChannelBinding::None => GS2_UNBOUND,
            ChannelBinding::TlsServerEndPoint(_) => GS2_BOUND,
        }
    }

    /// The `c=` value: base64 of the gs2 header (with its `,,`) followed by the binding bytes.
    pub fn c_attribute(&self) -> String {
        let mut input = self.gs2_header().as_bytes().to_vec();
        if let ChannelBinding::TlsServerEndPoint(data) = self {
            input.extend_from_slice(data);
        }
        B64.encode(input)
    }
}

/// Splits one DER TLV off the front of `buf`: (tag, contents, rest).
fn der_tlv(buf: &[u8]) -> Result<(u8, &[u8], &[u8]), ScramError> {
    let bad = ScramError::BadCertificate("truncated or invalid DER");
    let (&tag, rest) = buf.split_first().ok_or(bad)?;
    // High-tag-number forms never occur on the path we walk.
    if tag & 0x1f == 0x1f {
        return Err(ScramError::BadCertificate("unexpected DER tag"));
    }
    let (&first, mut rest) = rest
        .split_first()
        .ok_or(ScramError::BadCertificate("truncated DER"))?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        // 0x80 is BER's indefinite length; more than 4 length bytes cannot fit a certificate.
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err(ScramError::BadCertificate("invalid DER length"));
        }
        let (len_bytes, tail) = rest.split_at(n);
        rest = tail;
        len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    if len > rest.len() {
        return Err(ScramError::BadCertificate("truncated DER value"));
    }
    let (contents, rest) = rest.split_at(len);
    Ok((tag, contents, rest))
}

fn der_expect<'a>(
    buf: &'a [u8],
    tag: u8,
    what: &'static str,
) -> Result<(&'a [u8], &'a [u8]), ScramError> {
    match der_tlv(buf)? {
        (t, contents, rest) if t == tag => Ok((contents, rest)),
        _ => Err(ScramError::BadCertificate(what)),
    }
}

fn oid_to_string(bytes: &[u8]) -> Result<String, ScramError> {
    let bad = || ScramError::BadCertificate("invalid object identifier");
    let mut arcs = Vec::new();
    let mut value: u64 = 0;
    let mut pending = false;
    for &b in bytes {
        if value > u64::MAX >> 7 {
            return Err(bad());
        }
        value = (value << 7) | u64::from(b & 0x7f);
        pending = b & 0x80 != 0;
        if !pending {
            arcs.push(value);
            value = 0;
        }
    }
    let (&first, rest) = arcs.split_first().ok_or_else(bad)?;
    if pending {
        return Err(bad());
    }
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut out = format!("{a}.{b}");
    for arc in rest {
        out.push_str(&format!(".{arc}"));
    }
    Ok(out)
}

/// Returns the dotted OID and raw parameters of the certificate's signatureAlgorithm.
fn signature_algorithm(cert_der: &[u8]) -> Result<(String, &[u8]), ScramError> {
    let (cert, trailing) = der_expect(cert_der, 0x30, "not a DER certificate")?;
    if !trailing.is_empty() {
        return Err(ScramError::BadCertificate("data after the certificate"));
    }
    let (_tbs, rest) = der_expect(cert, 0x30, "missing tbsCertificate")?;
    let (alg, _) = der_expect(rest, 0x30, "missing signatureAlgorithm")?;
    let (oid, params) = der_expect(alg, 0x06, "missing signature algorithm OID")?;
    Ok((oid_to_string(oid)?, params))
}

/// RSASSA-PSS carries its digest in the parameters; anything omitted defaults to SHA-1
/// (RFC 4055), which RFC 5929 §4.1 promotes to SHA-256.
fn pss_digest(params: &[u8]) -> Result<u16, ScramError> {
    if params.is_empty() {
        return Ok(256);
    }
    let (seq, _) = der_expect(params, 0x30, "malformed RSASSA-PSS parameters")?;
    if seq.is_empty() {
        return Ok(256);
    }
    let (tag, explicit, _) = der_tlv(seq)?;
    if tag != 0xa0 {
        return Ok(256);
    }
    let (alg, _) = der_expect(explicit, 0x30, "malformed RSASSA-PSS hashAlgorithm")?;
    let (oid, _) = der_expect(alg, 0x06, "malformed RSASSA-PSS hash OID")?;
    let oid = oid_to_string(oid)?;
    match oid.as_str() {
        "1.2.840.113549.2.5" | "1.3.14.3.2.26" | "2.16.840.1.101.3.4.2.1" => Ok(256),
        "2.16.840.1.101.3.4.2.4" => Ok(224),
        "2.16.840.1.101.3.4.2.2" => Ok(384),
        "2.16.840.1.101.3.4.2.3" => Ok(512),
        _ => Err(ScramError::UndefinedBinding(format!("RSASSA-PSS/{oid}"))),
    }
}

/// RFC 5929 §4.1 `tls-server-end-point`: the leaf certificate hashed with the digest of its own
/// signature algorithm, MD5/SHA-1 promoted to SHA-256. EdDSA and unknown algorithms are errors.
pub fn tls_server_end_point(cert_der: &[u8]) -> Result<Vec<u8>, ScramError> {
    let (oid, params) = signature_algorithm(cert_der)?;
    let digest = match oid.as_str() {
        "1.2.840.113549.1.1.10" => pss_digest(params)?,
        // RSA PKCS#1 v1.5 md5/sha1, ECDSA sha1, DSA sha1: promoted.
        "1.2.840.113549.1.1.4"
        | "1.2.840.113549.1.1.5"
        | "1.2.840.10045.4.1"
        | "1.2.840.10040.4.3" => 256,
        "1.2.840.113549.1.1.11" | "1.2.840.10045.4.3.2" | "2.16.840.1.101.3.4.3.2" => 256,
        "1.2.840.113549.1.1.14" | "1.2.840.10045.4.3.1" | "2.16.840.1.101.3.4.3.1" => 224,
        "1.2.840.113549.1.1.12" | "1.2.840.10045.4.3.3" => 384,
        "1.2.840.113549.1.1.13" | "1.2.840.10045.4.3.4" => 512,
        _ => return Err(ScramError::UndefinedBinding(oid)),
    };
    Ok(match digest {
        224 => Sha224::digest(cert_der).to_vec(),
        256 => Sha256::digest(cert_der).to_vec(),
        384 => Sha384::digest(cert_der).to_vec(),
        _ => Sha512::digest(cert_der).to_vec(),
    })
}

/// A parsed server-first message (`r=…,s=…,i=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFirst {
    /// Combined nonce: client 32 bytes followed by server 32 bytes.
    pub nonce: Vec<u8>,
    pub salt: Vec<u8>,
    pub iterations: u32,
}

/// Parses a server-first message with the TrueNAS client's checks. Stricter than the Python
/// client: the nonce must be the full 64-byte combined nonce (it also accepts 32) and the
/// iteration count must be a plain decimal number.
pub fn parse_server_first(msg: &str) -> Result<ServerFirst, ScramError> {
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
pub enum KeySource<'a> {
    /// The 64-character material after `<id>-` in a raw API key.
    Secret(&'a [u8]),
    /// Keys from a key file (`client_key`, `stored_key`, `server_key`); PBKDF2 is skipped.
    Precomputed(&'a ScramKeys),
}

/// State kept between client-final and server-final.
struct Sent {
    auth_message: String,
    server_signature: Secret64,
}

/// Client state machine.
pub struct ScramClient {
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
    pub fn new(
        username: &str,
        api_key_id: u64,
        binding: ChannelBinding,
    ) -> Result<Self, ScramError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| ScramError::Random(e.to_string()))?;
        Self::with_nonce(username, api_key_id, binding, nonce)
    }

    /// Deterministic constructor for tests and vectors.
    pub fn with_nonce(
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
            user.push_str(&format!(":{api_key_id}"));
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
    pub fn auth_message(&self) -> Option<&str> {
        self.sent.as_ref().map(|s| s.auth_message.as_str())
    }

    pub fn client_first(&self) -> String {
        format!("{}{}", self.binding.gs2_header(), self.client_first_bare())
    }

    /// Checks the server-first message (attribute order r,s,i; nonce is 64 bytes whose first
    /// 32 are ours — decoded bytes, since the base64 texts diverge; salt <= 1024 bytes;
    /// iterations in bounds), then produces client-final.
    pub fn client_final(
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
            auth_message,
            server_signature,
        });
        Ok(format!("{without_proof},p={}", B64.encode(&proof[..])))
    }

    /// Verifies `v=` in constant time; `e=` (server error), extra attributes and malformed
    /// base64 are errors too.
    pub fn verify_server_final(&self, server_final: &str) -> Result<(), ScramError> {
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
        match ct_eq(&signature, &sent.server_signature[..]) {
            true => Ok(()),
            false => Err(ScramError::ServerSignatureMismatch),
        }
    }
}

/// A parsed client-first message (server side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFirst {
    pub username: String,
    /// 0 when the user carried no `:<id>` suffix (password SCRAM).
    pub api_key_id: u64,
    /// True for `p=tls-server-end-point`.
    pub channel_binding: bool,
    pub nonce: [u8; NONCE_LEN],
    bare: String,
}

/// A parsed client-final message.
#[derive(Debug)]
pub struct ClientFinal {
    /// Binding bytes after `p=tls-server-end-point,,`; `None` for `n,,`.
    pub channel_binding: Option<Vec<u8>>,
    pub nonce: Vec<u8>,
    proof: Secret64,
    without_proof: String,
}

/// Parses `c=…,r=…,p=…` (no extensions); the proof must be a 64-byte SHA-512 value.
pub fn parse_client_final(msg: &str) -> Result<ClientFinal, ScramError> {
    const K: &str = "client-final";
    let [c, r, p] = attributes(msg, ['c', 'r', 'p'], K)?;
    let cbind = b64(c, K, "channel binding is not valid base64")?;
    let channel_binding = match cbind.strip_prefix(GS2_BOUND.as_bytes()) {
        Some(data) => Some(data.to_vec()),
        None if cbind == GS2_UNBOUND.as_bytes() => None,
        None => return Err(ScramError::Malformed(K, "unsupported gs2 header")),
    };
    let nonce = b64(r, K, "nonce is not valid base64")?;
    let raw_proof = Zeroizing::new(b64(p, K, "proof is not valid base64")?);
    let mut proof = Zeroizing::new([0u8; KEY_LEN]);
    if raw_proof.len() != KEY_LEN {
        return Err(ScramError::Malformed(K, "proof must be 64 bytes"));
    }
    proof.copy_from_slice(&raw_proof);
    // The proof is base64, so the last ",p=" is the one that starts it.
    let (without_proof, _) = msg.rsplit_once(",p=").unwrap_or_default();
    let without_proof = without_proof.to_owned();
    Ok(ClientFinal {
        channel_binding,
        nonce,
        proof,
        without_proof,
    })
}

/// Server side of one exchange (for the emulator).
pub struct ScramServer {
    client: ClientFirst,
    server_first: String,
    nonce: [u8; 2 * NONCE_LEN],
    stored_key: Secret64,
    server_key: Secret64,
}

impl fmt::Debug for ScramServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramServer")
            .field("client", &self.client)
            .field("server_first", &self.server_first)
            .finish_non_exhaustive()
    }
}

impl ScramServer {
    /// Parses client-first: gs2 header `n,,` or `p=tls-server-end-point,,` (the `y` flag, an
    /// authzid and other binding types are refused), `n=user[:id]`, `r=` 32-byte nonce.
    pub fn parse_client_first(msg: &str) -> Result<ClientFirst, ScramError> {
        let bad = |what| ScramError::Malformed("client-first", what);
        let (channel_binding, bare) = if let Some(rest) = msg.strip_prefix(GS2_UNBOUND) {
            (false, rest)
        } else if let Some(rest) = msg.strip_prefix(GS2_BOUND) {
            (true, rest)
        } else if msg.starts_with("y,") {
            // This server can bind, so "y" means the "p" flag was stripped (RFC 5802 §6).
            return Err(ScramError::UnsupportedBinding("client sent the y flag"));
        } else if msg.starts_with("p=") {
            return Err(ScramError::UnsupportedBinding("not tls-server-end-point"));
        } else {
            return Err(bad("bad gs2 header (authzid is not supported)"));
        };
        let [user, r] = attributes(bare, ['n', 'r'], "client-first")?;
        if user.contains('=') {
            return Err(bad("escaped usernames are not supported"));
        }
        let (username, api_key_id) = match user.rsplit_once(':') {
            Some((name, id)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
                (name, id.parse().map_err(|_| bad("API key id too large"))?)
            }
            _ => (user, 0),
        };
        if username.is_empty() {
            return Err(bad("empty username"));
        }
        let nonce = b64(r, "client-first", "nonce is not valid base64")?;
        let nonce = nonce
            .try_into()
            .map_err(|_| bad("nonce must be 32 bytes"))?;
        let bare = bare.to_owned();
        let username = username.to_owned();
        Ok(ClientFirst {
            username,
            api_key_id,
            channel_binding,
            nonce,
            bare,
        })
    }

    pub fn server_first(
        client_first: ClientFirst,
        salt: &[u8],
        iterations: u32,
        stored_key: [u8; 64],
        server_key: [u8; 64],
        server_nonce: [u8; 32],
    ) -> (Self, String) {
        let mut nonce = [0u8; 2 * NONCE_LEN];
        nonce[..NONCE_LEN].copy_from_slice(&client_first.nonce);
        nonce[NONCE_LEN..].copy_from_slice(&server_nonce);
        let msg = format!(
            "r={},s={},i={iterations}",
            B64.encode(nonce),
            B64.encode(salt)
        );
        let server = Self {
            client: client_first,
            server_first: msg.clone(),
            nonce,
            stored_key: Zeroizing::new(stored_key),
            server_key: Zeroizing::new(server_key),
        };
        (server, msg)
    }

    pub fn client(&self) -> &ClientFirst {
        &self.client
    }

    /// Checks c= (gs2 header + `expected_binding`, this server's certificate hash or `None`
    /// when not on TLS), r= (the combined nonce) and the proof; returns server-final `v=…`.
    /// Unbound (`n,,`) logins are accepted even when a binding is available (negotiate mode).
    pub fn verify_client_final(
        &self,
        msg: &str,
        expected_binding: Option<&[u8]>,
    ) -> Result<String, ScramError> {
        let cf = parse_client_final(msg)?;
        match (
            self.client.channel_binding,
            &cf.channel_binding,
            expected_binding,
        ) {
            (false, None, _) => {}
            (true, Some(_), None) => {
                return Err(ScramError::UnsupportedBinding("the connection is not TLS"));
            }
            (true, Some(got), Some(want)) if ct_eq(got, want) => {}
            _ => return Err(ScramError::ChannelBindingMismatch),
        }
        if !ct_eq(&cf.nonce, &self.nonce) {
            return Err(ScramError::NonceMismatch);
        }
        let auth_message = format!(
            "{},{},{}",
            self.client.bare, self.server_first, cf.without_proof
        );
        let client_signature = hmac(&self.stored_key, auth_message.as_bytes());
        let client_key = xor64(&cf.proof, &client_signature);
        if !ct_eq(&Sha512::digest(&client_key[..]), &self.stored_key[..]) {
            return Err(ScramError::AuthFailed);
        }
        let server_signature = hmac(&self.server_key, auth_message.as_bytes());
        Ok(format!("v={}", B64.encode(&server_signature[..])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn vectors() -> Value {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/vectors/scram.json");
        let text = std::fs::read_to_string(path).expect("vector file readable");
        serde_json::from_str(&text).expect("vector file is JSON")
    }
    fn s<'a>(v: &'a Value, key: &str) -> &'a str {
        v[key].as_str().expect(key)
    }
    fn n(v: &Value, key: &str) -> u64 {
        v[key].as_u64().expect(key)
    }
    fn list<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
        v["from_sources"][key].as_array().expect(key)
    }
    fn d64(v: &Value, key: &str) -> Vec<u8> {
        B64.decode(s(v, key)).expect("vector base64")
    }
    fn hex(h: &str) -> Vec<u8> {
        let byte = |i| u8::from_str_radix(&h[i..i + 2], 16).expect("vector hex");
        (0..h.len()).step_by(2).map(byte).collect()
    }
    fn binding(hex_value: &Value) -> ChannelBinding {
        match hex_value.as_str() {
            Some(h) => ChannelBinding::TlsServerEndPoint(hex(h)),
            None => ChannelBinding::None,
        }
    }

    #[test]
    fn constants_match_vectors() {
        let c = &vectors()["constants"];
        assert_eq!(s(c, "gs2_header_unbound"), GS2_UNBOUND);
        assert_eq!(s(c, "gs2_header_bound"), GS2_BOUND);
        assert_eq!(s(c, "c_attr_unbound"), ChannelBinding::None.c_attribute());
        let decoded = s(c, "c_attr_unbound_decoded");
        assert_eq!(d64(c, "c_attr_unbound"), decoded.as_bytes());
        assert_eq!(s(c, "digest"), "SHA-512");
        for (key, want) in [
            ("nonce_size_bytes", NONCE_LEN as u64),
            ("combined_nonce_size_bytes", 2 * NONCE_LEN as u64),
            ("min_iterations", MIN_ITERATIONS.into()),
            ("max_iterations", MAX_ITERATIONS.into()),
            ("server_default_iterations", DEFAULT_ITERATIONS.into()),
            ("max_salt_size_bytes_client_parser", MAX_SALT_LEN as u64),
        ] {
            assert_eq!(n(c, key), want, "{key}");
        }
        // The key labels and salt size are checked in `derived_exchanges`.
    }

    #[test]
    fn tls_server_end_point_vectors() {
        let v = vectors();
        for case in list(&v, "tls_server_end_point") {
            let (cert, name) = (d64(case, "cert_der_b64"), s(case, "name"));
            let oid = signature_algorithm(&cert).expect(name).0;
            assert_eq!(oid, s(case, "signature_algorithm_oid"), "{name}");
            let hash = tls_server_end_point(&cert).expect(name);
            assert_eq!(hash, hex(s(case, "expected_hex")), "{name}");
            assert_eq!(hash.len() as u64, n(case, "expected_len"), "{name}");
        }
        for case in list(&v, "tls_server_end_point_rejected") {
            assert!(s(case, "expected").starts_with("error"));
            let oid = s(case, "signature_algorithm_oid");
            match tls_server_end_point(&d64(case, "cert_der_b64")) {
                Err(e @ ScramError::UndefinedBinding(_)) => assert!(e.to_string().contains(oid)),
                other => panic!("{} accepted: {other:?}", s(case, "name")),
            }
        }
    }

    #[test]
    fn der_parser_survives_mangled_certificates() {
        let v = vectors();
        let keys = ["tls_server_end_point", "tls_server_end_point_rejected"];
        let mut certs: Vec<Vec<u8>> = keys
            .iter()
            .flat_map(|k| list(&v, k).iter().map(|c| d64(c, "cert_der_b64")))
            .collect();
        certs.extend([
            vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
            vec![0x30, 0x80, 0, 0],
        ]);
        for cert in &certs {
            for len in 0..cert.len() {
                assert!(tls_server_end_point(&cert[..len]).is_err());
            }
            for i in 0..cert.len().min(64) {
                for byte in [0x00, 0x06, 0x1f, 0x30, 0x7f, 0x80, 0x81, 0x84, 0xa0, 0xff] {
                    let mut mangled = cert.clone();
                    mangled[i] = byte;
                    let _ = tls_server_end_point(&mangled);
                }
            }
        }
        assert!(oid_to_string(&[0x2a, 0x86]).is_err() && oid_to_string(&[0xff; 12]).is_err());
        assert_eq!(
            oid_to_string(&[0x2b, 0x65, 0x70]).expect("ok"),
            "1.3.101.112"
        );
    }

    #[test]
    fn c_attribute_examples() {
        for case in list(&vectors(), "c_attribute_examples") {
            let binding = binding(&case["binding_hex"]);
            assert_eq!(format!("{},,", s(case, "gs2_header")), binding.gs2_header());
            assert_eq!(binding.c_attribute(), s(case, "expected_c_value_b64"));
            if let Some(prefix) = case["expected_c_value_decoded_prefix"].as_str() {
                assert!(d64(case, "expected_c_value_b64").starts_with(prefix.as_bytes()));
            }
        }
    }

    #[test]
    fn client_first_format_examples() {
        let mk = |user, id, cb| ScramClient::with_nonce(user, id, cb, [7; NONCE_LEN]);
        for case in list(&vectors(), "client_first_format_examples") {
            if let Some(input) = case["username_input"].as_str() {
                let client = mk(input, 0, ChannelBinding::None);
                match case["expected_username"].as_str() {
                    Some(want) => {
                        assert_eq!(saslprep(input).expect(input), want);
                        let cf = client.expect(input).client_first();
                        assert!(cf.starts_with(&format!("n,,n={want},r=")), "{cf}");
                    }
                    None => assert!(client.is_err(), "{input:?} accepted"),
                }
                continue;
            }
            let cb = match case["channel_binding_type"].as_str() {
                Some("tls-server-end-point") => ChannelBinding::TlsServerEndPoint(vec![1; 32]),
                Some(other) => panic!("unknown binding type {other}"),
                None => ChannelBinding::None,
            };
            let id = case["api_key_id"].as_u64().unwrap_or(0);
            let cf = mk(s(case, "username"), id, cb)
                .expect("valid")
                .client_first();
            assert!(cf.starts_with(s(case, "expected_prefix")), "{cf}");
            if let Some(part) = case["expected_contains"].as_str() {
                assert!(cf.contains(part), "{cf}");
            }
        }
    }

    #[test]
    fn saslprep_query_mode_and_limits() {
        let ok = |input: &str, want: &str| assert_eq!(saslprep(input).expect(input), want);
        // U+0221 was unassigned in Unicode 3.2; U+0378 still is; U+2600 is a placeholder.
        assert!(stringprep::tables::unassigned_code_point('\u{0221}'));
        ok("d\u{0221}x", "d\u{0221}x");
        ok("\u{0378}\u{2600}", "\u{0378}\u{2600}");
        ok("I\u{00AD}X", "IX");
        ok("a\u{3000}b", "a b");
        ok("\u{05D0}1\u{05D1}", "\u{05D0}1\u{05D1}");
        let symbols: String = ('\u{2600}'..='\u{2613}').collect();
        ok(&symbols, &symbols);
        for bad in ["t\u{0080}u", "x\u{E000}", "\u{05D0}a\u{05D1}", "\u{05D0}1"] {
            assert!(saslprep(bad).is_err(), "{bad:?}");
        }
        // NFKC turns a fullwidth comma into ',' which must not reach the wire.
        for user in ["a\u{FF0C}b", "\u{200B}", ""] {
            assert!(ScramClient::new(user, 1, ChannelBinding::None).is_err());
        }
        let empty = ChannelBinding::TlsServerEndPoint(Vec::new());
        assert!(ScramClient::new("root", 1, empty).is_err());
    }

    #[test]
    fn server_first_parse_examples() {
        let v = vectors();
        let cases = list(&v, "server_first_parse_examples");
        let good = cases
            .iter()
            .find(|c| c["expected"].is_object())
            .expect("valid case");
        for case in cases {
            let msg = match case["rfc_str"].as_str() {
                Some(msg) => msg.to_owned(),
                None => {
                    let (prefix, _) = s(good, "rfc_str").rsplit_once(",i=").expect("i=");
                    format!("{prefix},i={}", n(case, "iterations"))
                }
            };
            let expected = &case["expected"];
            if let Some(text) = expected.as_str() {
                match parse_server_first(&msg) {
                    Err(ScramError::IterationsOutOfRange(_)) => assert!(text.contains("iteration")),
                    Err(ScramError::Malformed(_, what)) => assert!(what.contains("nonce")),
                    other => panic!("{msg}: {other:?}"),
                }
                continue;
            }
            let sf = parse_server_first(&msg).expect("valid server-first");
            assert_eq!(u64::from(sf.iterations), n(expected, "iterations"));
            assert_eq!(sf.salt, hex(s(expected, "salt_hex")));
            assert_eq!(sf.nonce.len() as u64, n(expected, "nonce_len"));
            for (nonce, accepted) in [([0x22; 32], true), ([0x23; 32], false)] {
                let mut c =
                    ScramClient::with_nonce("u", 1, ChannelBinding::None, nonce).expect("ok");
                let result = c.client_final(&msg, KeySource::Secret(b"k"));
                assert_eq!(result.is_ok(), accepted, "{result:?}");
            }
        }
        let r = B64.encode([0u8; 64]);
        let long_salt = B64.encode([1u8; MAX_SALT_LEN + 1]);
        for bad in [
            format!("s=c2FsdA==,r={r},i=50000"),
            format!("r={r},s=c2FsdA==,i=50000,x=1"),
            format!("r={r},s=,i=50000"),
            format!("r={r},s=c2FsdA=,i=50000"),
            format!("r={r},s=c2FsdA==,i=050000"),
            format!("r={r},s=c2FsdA==,i=+50000"),
            format!("r={r},s=c2FsdA==,i=99999999999999999999999"),
            format!("r={r},s={long_salt},i=50000"),
            format!("r={},s=c2FsdA==,i=50000", B64.encode([0u8; 32])),
            String::new(),
        ] {
            assert!(parse_server_first(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn client_final_parse_examples() {
        for case in list(&vectors(), "client_final_parse_examples") {
            let cf = parse_client_final(s(case, "rfc_str")).expect("valid client-final");
            let unbound = case["expected"]["channel_binding"].is_null();
            assert_eq!(cf.channel_binding.is_none(), unbound);
            assert_eq!(cf.nonce.len(), 2 * NONCE_LEN);
            assert!(s(case, "rfc_str").starts_with(&format!("{},p=", cf.without_proof)));
        }
        for bad in [
            "c=biws,r=AA==",
            "c=eSws,r=AA==,p=AA==",
            "r=AA==,c=biws,p=AA==",
        ] {
            assert!(parse_client_final(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn derived_exchanges() {
        let v = vectors();
        let c = &v["constants"];
        let cert_hash = &v["derived"]["channel_bound_rsa_sha256_cert"]["inputs"];
        let cert_hash = hex(s(cert_hash, "channel_binding_hex"));
        for (name, case) in v["derived"].as_object().expect("derived") {
            let (inp, exp) = (&case["inputs"], &case["expected"]);
            let material = s(inp, "scram_password_material");
            assert!(s(inp, "raw_api_key").ends_with(&format!("-{material}")));
            let salt = d64(inp, "salt_b64");
            assert_eq!(salt, s(inp, "salt_ascii").as_bytes());
            assert_eq!(salt.len() as u64, n(c, "server_salt_size_bytes"));
            let iterations = u32::try_from(n(inp, "iterations")).expect("u32");
            let salted = salted_password(material.as_bytes(), &salt, iterations);
            assert_eq!(salted[..], d64(exp, "salted_password_b64"), "{name}");
            let keys = ScramKeys {
                client_key: *hmac(&salted, s(c, "client_key_label").as_bytes()),
                stored_key: d64(exp, "stored_key_b64").try_into().expect("64"),
                server_key: *hmac(&salted, s(c, "server_key_label").as_bytes()),
            };
            assert_eq!(keys.client_key[..], d64(exp, "client_key_b64"), "{name}");
            assert_eq!(keys.server_key[..], d64(exp, "server_key_b64"), "{name}");
            assert_eq!(Sha512::digest(keys.client_key)[..], keys.stored_key[..]);

            let cb = binding(&inp["channel_binding_hex"]);
            let bound = cb != ChannelBinding::None;
            assert_eq!(bound, inp["channel_binding_type"].is_string());
            let nonce: [u8; 32] = hex(s(inp, "client_nonce_hex")).try_into().expect("32");
            let (user, id) = (s(inp, "username"), n(inp, "api_key_id"));
            let (sf, sv) = (
                s(exp, "server_first_message"),
                s(exp, "server_final_message"),
            );
            let run = |key: KeySource<'_>| {
                let mut c = ScramClient::with_nonce(user, id, cb.clone(), nonce).expect("ok");
                assert_eq!(c.client_first(), s(exp, "client_first_message"), "{name}");
                assert_eq!(c.client_first_bare(), s(exp, "client_first_message_bare"));
                let cl = c.client_final(sf, key).expect("client-final");
                assert_eq!(cl, s(exp, "client_final_message"), "{name}");
                assert_eq!(c.auth_message(), Some(s(exp, "auth_message")));
                c.verify_server_final(sv).expect("server signature");
                (c, cl)
            };
            // PBKDF2 runs once per vector here: 500 000 iterations is slow in debug builds.
            let (client, cl) = run(KeySource::Secret(material.as_bytes()));
            assert_eq!(run(KeySource::Precomputed(&keys)).1, cl);
            let without = s(exp, "client_final_without_proof");
            assert_eq!(cl, format!("{without},p={}", s(exp, "client_proof_b64")));
            let signature = hmac(&keys.stored_key, s(exp, "auth_message").as_bytes());
            assert_eq!(signature[..], d64(exp, "client_signature_b64"));
            assert_eq!(sv, format!("v={}", s(exp, "server_signature_b64")));
            let steps = exp["login_ex_params"].as_array().expect("steps");
            let sent = [
                ("CLIENT_FIRST_MESSAGE", client.client_first()),
                ("CLIENT_FINAL_MESSAGE", cl.clone()),
            ];
            for (step, (kind, rfc)) in steps.iter().zip(sent) {
                let p = &step[0];
                assert_eq!(
                    [s(p, "mechanism"), s(p, "scram_type"), s(p, "rfc_str")],
                    ["SCRAM", kind, &rfc]
                );
            }
            let results = exp["server_results"].as_array().expect("results");
            assert_eq!(
                [s(&results[0], "rfc_str"), s(&results[1], "rfc_str")],
                [sf, sv]
            );
            let mut forged = d64(exp, "server_signature_b64");
            forged[0] ^= 1;
            let forged = client.verify_server_final(&format!("v={}", B64.encode(forged)));
            assert!(matches!(forged, Err(ScramError::ServerSignatureMismatch)));
            for bad in [format!("{sv},x=1"), "e=invalid-proof".into(), "v=".into()] {
                assert!(client.verify_server_final(&bad).is_err(), "{bad}");
            }

            // The emulator's side reproduces the same exchange.
            let first = ScramServer::parse_client_first(&client.client_first()).expect("cf");
            assert_eq!((first.username.as_str(), first.api_key_id), (user, id));
            assert_eq!((first.nonce, first.channel_binding), (nonce, bound));
            let snonce = hex(s(inp, "server_nonce_hex")).try_into().expect("32");
            let (stored, server) = (keys.stored_key, keys.server_key);
            let (srv, msg) =
                ScramServer::server_first(first, &salt, iterations, stored, server, snonce);
            assert_eq!(msg, sf);
            assert_eq!(
                srv.verify_client_final(&cl, Some(&cert_hash))
                    .expect("proof ok"),
                sv
            );
            let wrong = srv.verify_client_final(&cl, Some(&[0u8; 32]));
            let no_tls = srv.verify_client_final(&cl, None);
            // Unbound logins are fine anywhere; bound ones need this server's certificate.
            assert_eq!((wrong.is_ok(), no_tls.is_ok()), (!bound, !bound));
            let mut proof = d64(exp, "client_proof_b64");
            proof[63] ^= 0x80;
            let bad = format!("{without},p={}", B64.encode(&proof));
            let bad = srv.verify_client_final(&bad, Some(&cert_hash));
            assert!(matches!(bad, Err(ScramError::AuthFailed)));
        }
    }

    #[test]
    fn server_rejects_bad_client_messages() {
        let r = B64.encode([5u8; 32]);
        for bad in [
            format!("y,,n=root:1,r={r}"),
            format!("n,a=admin,n=root:1,r={r}"),
            format!("p=tls-unique,,n=root:1,r={r}"),
            format!("n,,n=ro=2Cot:1,r={r}"),
            format!("n,,m=x,n=root:1,r={r}"),
            format!("n,,n=root:1,r={r},x=1"),
            format!("n,,n=root:99999999999999999999999,r={r}"),
            "n,,n=root:1,r=AAAA".to_owned(),
            format!("n,,n=:1,r={r}"),
        ] {
            assert!(ScramServer::parse_client_first(&bad).is_err(), "{bad}");
        }
        let cf = ScramServer::parse_client_first(&format!("n,,n=a:b,r={r}")).expect("ok");
        assert_eq!((cf.username.as_str(), cf.api_key_id), ("a:b", 0));
        let bound = ScramServer::parse_client_first(&format!("{GS2_BOUND}n=u:1,r={r}"));
        let nonce = B64.encode([[5u8; 32], [3u8; 32]].concat());
        let zero = B64.encode([0u8; 64]);
        for (first, msg, want) in [
            // A client that asked for binding cannot downgrade in its final message.
            (
                bound.expect("ok"),
                format!("c=biws,r={nonce},p={zero}"),
                "ChannelBindingMismatch",
            ),
            (cf, format!("c=biws,r={zero},p={zero}"), "NonceMismatch"),
        ] {
            let (srv, _) =
                ScramServer::server_first(first, b"s", 50_000, [1; 64], [2; 64], [3; 32]);
            let err = srv
                .verify_client_final(&msg, Some(&[9; 32]))
                .expect_err(&msg);
            assert!(format!("{err:?}").starts_with(want), "{err:?}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug_and_errors() {
        let secret = "uz8DhKHFhRIUQIvjzabPYtpy5wf1DJ3ZBLlDgNVhRAFT7Y6pJGUlm0n3apwxWEU4";
        let keys = derive_keys(secret.as_bytes(), b"Zx9./aB3cD4eF5gH", MIN_ITERATIONS);
        let mut client = ScramClient::new("root", 1, ChannelBinding::None).expect("ok");
        let other = ScramClient::new("root", 1, ChannelBinding::None).expect("ok");
        assert_ne!(client.nonce, other.nonce, "nonces must be random");
        assert!(
            client.verify_server_final("v=AA==").is_err(),
            "out of order"
        );
        let sf = format!(
            "r={},s=c2FsdA==,i=50000",
            B64.encode([client.nonce, [1; 32]].concat())
        );
        let cl = client
            .client_final(&sf, KeySource::Secret(secret.as_bytes()))
            .expect("ok");
        assert!(client
            .client_final(&sf, KeySource::Precomputed(&keys))
            .is_err());
        let err = client.verify_server_final("v=AA==").expect_err("mismatch");
        let first = ScramServer::parse_client_first(&client.client_first()).expect("ok");
        let (stored, server) = (keys.stored_key, keys.server_key);
        let (srv, _) = ScramServer::server_first(first, b"salt", 50_000, stored, server, [1; 32]);
        let dumps = format!("{keys:?} {client:?} {srv:?} {err} {err:?}");
        let proof = cl.rsplit_once("p=").expect("p=").1;
        assert!(!dumps.contains(secret) && !dumps.contains(proof), "{dumps}");
        for key in [&keys.client_key, &keys.stored_key, &keys.server_key] {
            assert!(
                !dumps.contains(&B64.encode(key)) && !dumps.contains(&format!("{:?}", &key[..3]))
            );
        }
        let mut empty = ScramClient::new("root", 1, ChannelBinding::None).expect("ok");
        let result = empty.client_final(&sf, KeySource::Secret(b""));
        assert!(matches!(result, Err(ScramError::EmptySecret)));
        assert!(ct_eq(b"abc", b"abc") && !ct_eq(b"abc", b"abd") && !ct_eq(b"abc", b"ab"));
    }
}
