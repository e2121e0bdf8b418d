//! RFC 5929 `tls-server-end-point` channel binding: the certificate's signature hash
//! algorithm, read with a minimal DER reader, decides the digest.

use super::{ScramError, B64, GS2_BOUND, GS2_UNBOUND};
use base64::Engine as _;
use sha2::{Digest as _, Sha224, Sha256, Sha384, Sha512};
use std::fmt::Write as _;

/// Channel binding for the exchange: `n,,` (none) or `p=tls-server-end-point,,` + hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ChannelBinding {
    None,
    TlsServerEndPoint(Vec<u8>),
}

impl ChannelBinding {
    pub(super) fn gs2_header(&self) -> &'static str {
        match self {
            ChannelBinding::None => GS2_UNBOUND,
            ChannelBinding::TlsServerEndPoint(_) => GS2_BOUND,
        }
    }

    /// The `c=` value: base64 of the gs2 header (with its `,,`) followed by the binding bytes.
    pub(crate) fn c_attribute(&self) -> String {
        let mut input = self.gs2_header().as_bytes().to_vec();
        if let ChannelBinding::TlsServerEndPoint(data) = self {
            input.extend_from_slice(data);
        }
        B64.encode(input)
    }
}

/// Splits one DER TLV off the front of `buf`: (tag, contents, rest).
pub(super) fn der_tlv(buf: &[u8]) -> Result<(u8, &[u8], &[u8]), ScramError> {
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

pub(super) fn der_expect<'a>(
    buf: &'a [u8],
    tag: u8,
    what: &'static str,
) -> Result<(&'a [u8], &'a [u8]), ScramError> {
    match der_tlv(buf)? {
        (t, contents, rest) if t == tag => Ok((contents, rest)),
        _ => Err(ScramError::BadCertificate(what)),
    }
}

pub(super) fn oid_to_string(bytes: &[u8]) -> Result<String, ScramError> {
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
        let _ = write!(out, ".{arc}");
    }
    Ok(out)
}

/// Returns the dotted OID and raw parameters of the certificate's signatureAlgorithm.
pub(super) fn signature_algorithm(cert_der: &[u8]) -> Result<(String, &[u8]), ScramError> {
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
pub(super) fn pss_digest(params: &[u8]) -> Result<u16, ScramError> {
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
pub(crate) fn tls_server_end_point(cert_der: &[u8]) -> Result<Vec<u8>, ScramError> {
    let (oid, params) = signature_algorithm(cert_der)?;
    let digest = match oid.as_str() {
        "1.2.840.113549.1.1.10" => pss_digest(params)?,
        // RSA PKCS#1 v1.5 md5/sha1, ECDSA sha1, DSA sha1: promoted.
        "1.2.840.113549.1.1.4"
        | "1.2.840.113549.1.1.5"
        | "1.2.840.10045.4.1"
        | "1.2.840.10040.4.3"
        // sha256 with RSA, ECDSA, DSA.
        | "1.2.840.113549.1.1.11"
        | "1.2.840.10045.4.3.2"
        | "2.16.840.1.101.3.4.3.2" => 256,
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
