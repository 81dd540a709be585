//! Seal/open round-trips, and any change to a sealed message, its purpose or device id fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assent_channel::{Channel, ChannelError, Purpose, StaticSecret};
use assent_proto::b64u;
use proptest::prelude::*;

fn secret(seed: u8) -> StaticSecret {
    let mut bytes = [seed; 32];
    bytes[0] = 1; // keep the scalar below the group order
    StaticSecret::from_bytes(&bytes).unwrap()
}

fn pair(device_id: &str) -> (Channel, Channel) {
    let edge = secret(3);
    let device = secret(9);
    let at_edge = Channel::derive(&edge, &device.public_key(), device_id).unwrap();
    let at_device = Channel::derive(&device, &edge.public_key(), device_id).unwrap();
    (at_edge, at_device)
}

fn purpose(i: u8) -> Purpose {
    [Purpose::Push, Purpose::Inbox, Purpose::Deactivate][usize::from(i % 3)]
}

proptest! {
    #[test]
    fn round_trip(plaintext in proptest::collection::vec(any::<u8>(), 0..2048),
                  nonce in any::<[u8; 12]>(), p in 0u8..3) {
        let (edge, device) = pair("dev-1");
        let sealed = edge.seal(purpose(p), nonce, &plaintext);
        prop_assert_eq!(device.open(purpose(p), &sealed).unwrap(), plaintext);
    }

    #[test]
    fn any_flipped_bit_fails(plaintext in proptest::collection::vec(any::<u8>(), 0..256),
                             nonce in any::<[u8; 12]>(), at in any::<prop::sample::Index>(),
                             bit in 0u8..8) {
        let (edge, device) = pair("dev-1");
        let mut bytes = b64u::decode(&edge.seal(Purpose::Push, nonce, &plaintext)).unwrap();
        let i = at.index(bytes.len());
        bytes[i] ^= 1 << bit;
        prop_assert_eq!(device.open(Purpose::Push, &b64u::encode(&bytes)), Err(ChannelError::NotAuthentic));
    }

    #[test]
    fn bound_to_purpose_and_device(plaintext in proptest::collection::vec(any::<u8>(), 0..64),
                                   nonce in any::<[u8; 12]>()) {
        let (edge, _) = pair("dev-1");
        let (_, other_device) = pair("dev-2");
        let sealed = edge.seal(Purpose::Push, nonce, &plaintext);
        let (_, device) = pair("dev-1");
        prop_assert_eq!(device.open(Purpose::Deactivate, &sealed), Err(ChannelError::NotAuthentic));
        prop_assert_eq!(other_device.open(Purpose::Push, &sealed), Err(ChannelError::NotAuthentic));
    }
}

#[test]
fn malformed_inputs() {
    let (edge, device) = pair("dev-1");
    assert_eq!(
        device.open(Purpose::Push, "a+b"),
        Err(ChannelError::InvalidEncoding)
    );
    assert_eq!(
        device.open(Purpose::Push, &b64u::encode(&[0; 27])),
        Err(ChannelError::TooShort)
    );
    let sealed = edge.seal(Purpose::Push, [0; 12], b"x");
    assert_eq!(
        device.open(Purpose::Push, &format!("{sealed}=")),
        Err(ChannelError::InvalidEncoding)
    );
    assert!(StaticSecret::from_bytes(&[0; 32]).is_err(), "zero scalar");
    assert!(
        StaticSecret::from_bytes(&[0xff; 32]).is_err(),
        "scalar above the order"
    );
    let public = secret(9).public_key();
    assert!(
        Channel::derive(&secret(3), &public[..33], "d").is_err(),
        "compressed length"
    );
    let mut off_curve = public;
    off_curve[64] ^= 1;
    assert_eq!(
        Channel::derive(&secret(3), &off_curve, "d").err(),
        Some(ChannelError::InvalidPublicKey)
    );
    let json: Result<serde_json::Value, _> = device.open_json(
        Purpose::Push,
        &edge.seal(Purpose::Push, [1; 12], b"not json"),
    );
    assert_eq!(json.err(), Some(ChannelError::InvalidJson));
}
