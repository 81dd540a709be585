//! Attestation certificates for tests, DER-encoded by hand — independently of the `x509-cert`
//! parser under test. The default is Chromium's virtual-authenticator batch certificate; the
//! tests check that it reproduces the recorded certificate's `tbsCertificate` byte for byte.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use super::{Recorded, edit_attestation_object, entry};
use assent_webauthn::{RegisteredCredential, RegistrationError, verify_registration};
use ciborium::Value;

pub const OID_C: &str = "2.5.4.6";
pub const OID_O: &str = "2.5.4.10";
pub const OID_OU: &str = "2.5.4.11";
pub const OID_CN: &str = "2.5.4.3";
pub const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";
pub const OID_FIDO_AAGUID: &str = "1.3.6.1.4.1.45724.1.1.4";
pub const OID_FIDO_TRANSPORTS: &str = "1.3.6.1.4.1.45724.2.1.1";
pub const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
pub const OID_P256: &str = "1.2.840.10045.3.1.7";
pub const OID_P384: &str = "1.3.132.0.34";
pub const OID_ED25519: &str = "1.3.101.112";
pub const OID_ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";

pub const PRINTABLE: u8 = 0x13;
pub const UTF8: u8 = 0x0c;

/// A DER TLV (definite, minimal length).
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = u16::try_from(content.len()).unwrap();
    let [high, low] = len.to_be_bytes();
    let mut out = vec![tag];
    match len {
        0..0x80 => out.push(low),
        0x80..0x100 => out.extend([0x81, low]),
        _ => out.extend([0x82, high, low]),
    }
    out.extend_from_slice(content);
    out
}

pub fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// An OBJECT IDENTIFIER from its dotted form (X.690 §8.19).
pub fn oid(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut content = Vec::new();
    for arc in std::iter::once(arcs[0] * 40 + arcs[1]).chain(arcs[2..].iter().copied()) {
        let mut groups = vec![u8::try_from(arc & 0x7f).unwrap()];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push(u8::try_from(rest & 0x7f).unwrap() | 0x80);
            rest >>= 7;
        }
        groups.reverse();
        content.extend(groups);
    }
    tlv(0x06, &content)
}

/// A BIT STRING with no unused bits.
pub fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut content = vec![0];
    content.extend_from_slice(bytes);
    tlv(0x03, &content)
}

/// An EC `SubjectPublicKeyInfo` on the named curve.
pub fn ec_spki(curve: &str, point: &[u8]) -> Vec<u8> {
    seq(&[
        seq(&[oid(OID_EC_PUBLIC_KEY), oid(curve)]),
        bit_string(point),
    ])
}

/// BasicConstraints `{ cA }` as DER (cA false is the DEFAULT, so it is omitted).
pub fn basic_constraints(ca: bool) -> Vec<u8> {
    if ca {
        seq(&[tlv(0x01, &[0xff])])
    } else {
        seq(&[])
    }
}

/// id-fido-gen-ce-aaguid's value: the AAGUID as an OCTET STRING (the extension wraps it in
/// another).
pub fn aaguid_value(aaguid: &[u8]) -> Vec<u8> {
    tlv(0x04, aaguid)
}

/// A certificate to put in `x5c`.
#[derive(Clone, Debug)]
pub struct TestCert {
    /// The `version` INTEGER (2 = v3); `None` omits the field (v1, the DEFAULT).
    pub version: Option<u8>,
    /// Subject attributes in order: (type OID, string tag, value).
    pub subject: Vec<(&'static str, u8, &'static str)>,
    /// The `SubjectPublicKeyInfo`, DER.
    pub spki: Vec<u8>,
    /// Extensions: (OID, critical, `extnValue` content — the DER of the extension's value).
    pub extensions: Vec<(&'static str, bool, Vec<u8>)>,
}

impl TestCert {
    /// Chromium's batch certificate, with this key.
    pub fn chromium_like(spki: Vec<u8>) -> Self {
        Self {
            version: Some(2),
            subject: vec![
                (OID_C, PRINTABLE, "US"),
                (OID_O, UTF8, "Chromium"),
                (OID_OU, UTF8, "Authenticator Attestation"),
                (OID_CN, UTF8, "Batch Certificate"),
            ],
            spki,
            extensions: vec![
                (OID_BASIC_CONSTRAINTS, true, basic_constraints(false)),
                // FIDO transports: a BIT STRING with the `internal` bit.
                (OID_FIDO_TRANSPORTS, false, tlv(0x03, &[0x03, 0x08])),
            ],
        }
    }

    fn name(attributes: &[(&'static str, u8, &'static str)]) -> Vec<u8> {
        let rdns: Vec<Vec<u8>> = attributes
            .iter()
            .map(|(type_, tag, value)| tlv(0x31, &seq(&[oid(type_), tlv(*tag, value.as_bytes())])))
            .collect();
        seq(&rdns)
    }

    /// The `tbsCertificate` (issuer: Chromium's batch name, as in its self-signed certificate).
    pub fn tbs(&self) -> Vec<u8> {
        let mut parts = Vec::new();
        if let Some(version) = self.version {
            parts.push(tlv(0xa0, &tlv(0x02, &[version])));
        }
        parts.push(tlv(0x02, &[1]));
        parts.push(seq(&[oid(OID_ECDSA_SHA256)]));
        parts.push(Self::name(&Self::chromium_like(vec![]).subject));
        parts.push(seq(&[
            tlv(0x17, b"170714024000Z"),
            tlv(0x17, b"461129211025Z"),
        ]));
        parts.push(Self::name(&self.subject));
        parts.push(self.spki.clone());
        if !self.extensions.is_empty() {
            let extensions: Vec<Vec<u8>> = self
                .extensions
                .iter()
                .map(|(id, critical, value)| {
                    let mut ext = vec![oid(id)];
                    if *critical {
                        ext.push(tlv(0x01, &[0xff]));
                    }
                    ext.push(tlv(0x04, value));
                    seq(&ext)
                })
                .collect();
            parts.push(tlv(0xa3, &seq(&extensions)));
        }
        seq(&parts)
    }

    /// The certificate. Its own signature is filler: Assent builds no chain, so nothing checks
    /// it (a test asserts as much).
    pub fn der(&self) -> Vec<u8> {
        seq(&[
            self.tbs(),
            seq(&[oid(OID_ECDSA_SHA256)]),
            bit_string(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]),
        ])
    }
}

/// `x5c` of a registration's `packed` attestation statement.
pub fn x5c(att_stmt: &mut [(Value, Value)]) -> &mut Vec<Value> {
    match entry(att_stmt, "x5c") {
        Value::Array(certs) => certs,
        other => panic!("x5c is {other:?}"),
    }
}

/// The first certificate of a recorded registration's `x5c`.
pub fn recorded_leaf(response: &assent_webauthn::RegistrationResponseJSON) -> Vec<u8> {
    let bytes = assent_proto::b64u::decode(&response.response.attestation_object).unwrap();
    let Value::Map(mut entries) = ciborium::de::from_reader(bytes.as_slice()).unwrap() else {
        panic!("attestation object")
    };
    let Value::Map(stmt) = entry(&mut entries, "attStmt") else {
        panic!("attStmt")
    };
    match x5c(stmt).first() {
        Some(Value::Bytes(der)) => der.clone(),
        other => panic!("x5c[0] is {other:?}"),
    }
}

/// The P-256 `SubjectPublicKeyInfo` inside a certificate (found by its fixed 26-byte prefix).
pub fn p256_spki_of(cert: &[u8]) -> Vec<u8> {
    let prefix = ec_spki(OID_P256, &[0; 65]);
    let prefix = &prefix[..26];
    let at = cert
        .windows(26)
        .position(|w| w == prefix)
        .expect("a P-256 SPKI");
    cert[at..at + 91].to_vec()
}

/// The `tbsCertificate` of a DER certificate (outer and inner SEQUENCE with 2-byte lengths).
pub fn tbs_of(cert: &[u8]) -> Vec<u8> {
    assert_eq!(&cert[..2], [0x30, 0x82]);
    assert_eq!(&cert[4..6], [0x30, 0x82]);
    let len = usize::from(cert[6]) << 8 | usize::from(cert[7]);
    cert[4..8 + len].to_vec()
}

/// The recorded "direct" registration with its `attStmt` edited, verified.
pub fn direct_with(
    edit: impl FnOnce(&mut Vec<(Value, Value)>),
) -> Result<RegisteredCredential, RegistrationError> {
    let rec = Recorded::load("registration-direct");
    let mut response = rec.registration();
    edit_attestation_object(&mut response, |entries| {
        let Value::Map(stmt) = entry(entries, "attStmt") else {
            panic!("attStmt")
        };
        edit(stmt);
    });
    verify_registration(&rec.reg_expectations(), &response)
}

/// The recorded "direct" registration with `x5c = [cert]`, verified. Chromium's statement
/// signature still verifies while `cert` holds Chromium's key.
pub fn direct_with_cert(cert: Vec<u8>) -> Result<RegisteredCredential, RegistrationError> {
    direct_with(|stmt| *x5c(stmt) = vec![Value::Bytes(cert)])
}

/// The certificate the recorded "direct" registration carries.
pub fn chromium_leaf() -> Vec<u8> {
    recorded_leaf(&Recorded::load("registration-direct").registration())
}

/// The hand-encoded Chromium certificate, with Chromium's key, edited.
pub fn chromium_like(edit: impl FnOnce(&mut TestCert)) -> Vec<u8> {
    let mut cert = TestCert::chromium_like(p256_spki_of(&chromium_leaf()));
    edit(&mut cert);
    cert.der()
}
