//! The server side of the exchange, for the emulator and the tests.

use super::{
    attributes, b64, ct_eq, hmac, xor64, ScramError, Secret64, B64, GS2_BOUND, GS2_UNBOUND,
    KEY_LEN, NONCE_LEN,
};
use base64::Engine as _;
use sha2::{Digest as _, Sha512};
use std::fmt;
use zeroize::Zeroizing;

/// A parsed client-first message (server side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientFirst {
    /// The user name, without any `:<id>` suffix.
    pub username: String,
    /// 0 when the user carried no `:<id>` suffix (password SCRAM).
    pub api_key_id: u64,
    /// True for `p=tls-server-end-point`.
    pub channel_binding: bool,
    /// The client's 32 random bytes.
    pub nonce: [u8; NONCE_LEN],
    bare: String,
}

/// A parsed client-final message.
#[derive(Debug)]
pub(super) struct ClientFinal {
    /// Binding bytes after `p=tls-server-end-point,,`; `None` for `n,,`.
    pub channel_binding: Option<Vec<u8>>,
    pub nonce: Vec<u8>,
    proof: Secret64,
    pub(super) without_proof: String,
}

/// Parses `c=…,r=…,p=…` (no extensions); the proof must be a 64-byte SHA-512 value.
pub(super) fn parse_client_final(msg: &str) -> Result<ClientFinal, ScramError> {
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

/// Server side of one exchange (for the emulator and for tests that play a server):
/// [`ScramServer::parse_client_first`], then [`ScramServer::server_first`], then
/// [`ScramServer::verify_client_final`].
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

    /// Answer client-first: the state to verify client-final with, and the server-first
    /// message `r=…,s=…,i=…`. `stored_key` and `server_key` come from [`derive_keys`] for
    /// the secret, `salt` and `iterations`; `server_nonce` must be fresh random bytes.
    ///
    /// [`derive_keys`]: super::derive_keys
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

    /// The client-first message this exchange answers.
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
