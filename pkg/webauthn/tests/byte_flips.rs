//! Property: any single changed byte in a recorded Chromium assertion's signed material —
//! authenticator data, signature or client data — is refused.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_proto::b64u;
use common::*;
use proptest::prelude::*;

#[derive(Debug, Clone, Copy)]
enum Part {
    AuthenticatorData,
    Signature,
    ClientData,
}

fn flip(part: Part, index: prop::sample::Index, mask: u8) -> Result<(), String> {
    let rec = Recorded::load("assertion-uv-1");
    let stored = rec.stored();
    let mut response = rec.assertion();
    assert!(
        rec.verify_assertion_with(&stored, &response).is_ok(),
        "unflipped vector must pass"
    );
    let field = match part {
        Part::AuthenticatorData => &mut response.response.authenticator_data,
        Part::Signature => &mut response.response.signature,
        Part::ClientData => &mut response.response.client_data_json,
    };
    let mut bytes = b64u::decode(field).unwrap();
    let at = index.index(bytes.len());
    bytes[at] ^= mask;
    *field = b64u::encode(&bytes);
    match rec.verify_assertion_with(&stored, &response) {
        Err(_) => Ok(()),
        Ok(v) => Err(format!("{part:?} byte {at} ^ {mask:#04x} accepted: {v:?}")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_flipped_byte_is_refused(
        part in prop_oneof![
            Just(Part::AuthenticatorData),
            Just(Part::Signature),
            Just(Part::ClientData),
        ],
        index in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        if let Err(message) = flip(part, index, mask) {
            prop_assert!(false, "{}", message);
        }
    }
}

/// Exhaustively, every bit of the 37-byte authenticator data and of the signature.
#[test]
fn every_single_bit_flip_is_refused() {
    let rec = Recorded::load("assertion-uv-2");
    let stored = rec.stored();
    for part in 0..2 {
        let original = rec.assertion();
        let text = if part == 0 {
            &original.response.authenticator_data
        } else {
            &original.response.signature
        };
        let len = b64u::decode(text).unwrap().len();
        for at in 0..len {
            for bit in 0..8 {
                let mut response = original.clone();
                let field = if part == 0 {
                    &mut response.response.authenticator_data
                } else {
                    &mut response.response.signature
                };
                edit_b64(field, |b| b[at] ^= 1 << bit);
                assert!(
                    rec.verify_assertion_with(&stored, &response).is_err(),
                    "part {part} byte {at} bit {bit} accepted"
                );
            }
        }
    }
}
