//! Device operations: activation, push registration, push gone, removal (SPEC §6, §7, §10).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_rules::{
    AccountState, ApiError, DecideError, DeviceError, Effect, Kind, Limits, PushRegistration,
    PushState, Status,
};
use common::*;

#[test]
fn add_device_records_push_state_and_refuses_a_taken_id() {
    let mut s = AccountState::new();
    s.add_device(T0, "d1", push(1)).unwrap();
    s.add_device(
        T0 + 1,
        "d2",
        PushRegistration {
            seq: 1,
            subscribed: false,
        },
    )
    .unwrap();
    let d1 = s.device("d1").unwrap();
    assert_eq!(
        (
            d1.created_at,
            d1.push,
            d1.push_seq,
            d1.locked,
            d1.failed_decisions
        ),
        (T0, PushState::Active, 1, false, 0)
    );
    assert_eq!(s.device("d2").unwrap().push, PushState::None);
    let before = bytes(&s);
    let e = s.add_device(T0, "d1", push(9)).unwrap_err();
    assert_eq!(
        (e.clone(), e.code(), e.http_status()),
        (DeviceError::IdTaken, "internal", 500)
    );
    assert_eq!(bytes(&s), before);
    assert_eq!(s.active_device_count(), 2);
}

#[test]
fn set_push_requires_a_strictly_increasing_seq() {
    let mut s = account(&["d1"]);
    for stale in [0, 1] {
        let before = bytes(&s);
        let e = s.set_push("d1", push(stale)).unwrap_err();
        assert_eq!(
            e,
            DeviceError::StaleSeq {
                seq: stale,
                current: 1
            }
        );
        assert_eq!((e.code(), e.http_status()), ("invalid_request", 400));
        assert!(e.to_string().contains("seq"));
        assert_eq!(bytes(&s), before);
    }
    s.set_push(
        "d1",
        PushRegistration {
            seq: 2,
            subscribed: false,
        },
    )
    .unwrap();
    assert_eq!(s.device("d1").unwrap().push, PushState::None);
    s.set_push("d1", push(10)).unwrap();
    assert_eq!(
        (
            s.device("d1").unwrap().push,
            s.device("d1").unwrap().push_seq
        ),
        (PushState::Active, 10)
    );
    assert_eq!(s.set_push("nope", push(99)), Err(DeviceError::NotFound));
}

#[test]
fn a_locked_device_cannot_re_register_push() {
    let one = Limits {
        max_failed_decisions: 1,
        ..Limits::default()
    };
    let mut s = account(&["d1"]);
    s.record_failed_assertion("d1", &one).unwrap();
    assert_eq!(s.set_push("d1", push(2)), Err(DeviceError::Locked));
}

#[test]
fn push_gone_applies_only_to_the_registration_it_was_sent_to() {
    let mut s = account(&["d1"]);
    // The push went to seq 1, but the device re-registered (seq 2) before the 410 came back.
    s.set_push("d1", push(2)).unwrap();
    assert_eq!(s.mark_push_gone("d1", 1).unwrap(), []);
    assert_eq!(s.device("d1").unwrap().push, PushState::Active);
    assert_eq!(
        s.mark_push_gone("d1", 2).unwrap(),
        [Effect::DevicePushGone {
            device_id: "d1".into()
        }]
    );
    assert_eq!(s.device("d1").unwrap().push, PushState::Gone);
    assert_eq!(s.mark_push_gone("d1", 2).unwrap(), [], "announced once");
    // Poll-only devices get no pushes but can still decide.
    let c = create(&mut s, T0, "r", Kind::Sign);
    assert!(
        !c.effects
            .iter()
            .any(|e| matches!(e, Effect::SendPush { .. }))
    );
    assert_eq!(c.devices, 1);
    s.decide(T0, "r", "d1", &approve(None), &limits()).unwrap();
    // Re-registering brings push back.
    s.set_push("d1", push(3)).unwrap();
    assert_eq!(s.device("d1").unwrap().push, PushState::Active);
    assert_eq!(s.mark_push_gone("nope", 1), Err(DeviceError::NotFound));
}

#[test]
fn removal_keeps_pending_requests_and_ends_the_lock() {
    let one = Limits {
        max_failed_decisions: 1,
        ..Limits::default()
    };
    let mut s = account(&["d1", "d2"]);
    create(&mut s, T0, "r", Kind::Sign);
    s.record_failed_assertion("d1", &one).unwrap();
    assert_eq!(
        s.remove_device("d1").unwrap(),
        [Effect::DeviceRemoved {
            device_id: "d1".into()
        }]
    );
    assert_eq!(s.request("r").unwrap().status, Status::Pending);
    assert_eq!(
        s.decide(T0, "r", "d1", &approve(None), &limits()),
        Err(DecideError::DeviceNotFound)
    );
    let before = bytes(&s);
    let e = s.remove_device("d1").unwrap_err();
    assert_eq!(
        (e.clone(), e.code(), e.http_status()),
        (DeviceError::NotFound, "not_found", 404)
    );
    assert_eq!(bytes(&s), before);
    // Re-activated under a fresh record: unlocked, counter zero.
    s.add_device(T0 + 5, "d1", push(1)).unwrap();
    assert!(!s.device("d1").unwrap().locked);
    s.decide(T0 + 5, "r", "d1", &approve(None), &limits())
        .unwrap();
    // The other device stays as it was.
    assert_eq!(s.device("d2").unwrap().failed_decisions, 0);
}
