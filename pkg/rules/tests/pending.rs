//! `pending_for_device`: what a device polls for on open and focus (an addition to SPEC §7) —
//! the account's live requests newest first, refused to unknown and locked devices.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_rules::{AccountState, ApiError, DenyReason, DeviceError, Kind, Status};
use common::*;

fn ids(state: &AccountState, now: u64, device_id: &str) -> Vec<String> {
    state
        .pending_for_device(now, device_id)
        .unwrap()
        .into_iter()
        .map(|v| v.request_id)
        .collect()
}

#[test]
fn newest_first_with_kind_and_expiry() {
    let mut s = account(&["d1"]);
    assert_eq!(ids(&s, T0, "d1"), Vec::<String>::new());
    s.create_request(
        T0,
        new_request("old", Kind::Sign, Some(300), None),
        &limits(),
    )
    .unwrap();
    s.create_request(
        T0 + 10,
        new_request("new", Kind::Login, Some(60), Some("42")),
        &limits(),
    )
    .unwrap();
    let listed = s.pending_for_device(T0 + 20, "d1").unwrap();
    let seen: Vec<(&str, Kind, Status, u64)> = listed
        .iter()
        .map(|v| (v.request_id.as_str(), v.kind, v.status, v.expires_at))
        .collect();
    assert_eq!(
        seen,
        [
            ("new", Kind::Login, Status::Pending, T0 + 70),
            ("old", Kind::Sign, Status::Pending, T0 + 300),
        ]
    );
}

#[test]
fn same_second_requests_keep_a_stable_newest_first_order() {
    let mut s = account(&["d1"]);
    for id in ["b", "c", "a"] {
        create(&mut s, T0, id, Kind::Sign);
    }
    // The reverse of the inbox's (created_at, request_id) order: never a random one.
    assert_eq!(ids(&s, T0, "d1"), ["c", "b", "a"]);
    let inbox: Vec<String> = s.pending(T0).into_iter().map(|v| v.request_id).collect();
    assert_eq!(inbox, ["a", "b", "c"]);
}

#[test]
fn final_superseded_and_expired_requests_leave_the_list() {
    let mut s = account(&["d1", "d2"]);
    create(&mut s, T0, "approved", Kind::Sign);
    create(&mut s, T0, "denied", Kind::Sign);
    create(&mut s, T0, "cancelled", Kind::Sign);
    create(&mut s, T0, "first-login", Kind::Login);
    s.create_request(
        T0,
        new_request("short", Kind::Sign, Some(30), None),
        &limits(),
    )
    .unwrap();
    create(&mut s, T0 + 1, "kept", Kind::Sign);
    s.decide(T0 + 2, "approved", "d1", &approve(None), &limits())
        .unwrap();
    s.decide(
        T0 + 2,
        "denied",
        "d2",
        &deny(DenyReason::Rejected),
        &limits(),
    )
    .unwrap();
    s.cancel(T0 + 2, "cancelled").unwrap();
    create(&mut s, T0 + 3, "second-login", Kind::Login);
    assert_eq!(
        s.view(T0 + 3, "first-login").unwrap().status,
        Status::Cancelled
    );
    assert_eq!(ids(&s, T0 + 29, "d1"), ["second-login", "kept", "short"]);
    // At its expiry a request is gone from the list, before the alarm records it.
    assert_eq!(s.request("short").unwrap().status, Status::Pending);
    assert_eq!(ids(&s, T0 + 30, "d1"), ["second-login", "kept"]);
    // Every device of the account sees the same list, whichever decided what.
    assert_eq!(ids(&s, T0 + 30, "d2"), ids(&s, T0 + 30, "d1"));
    assert_eq!(ids(&s, T0 + 200, "d1"), Vec::<String>::new());
}

#[test]
fn requests_older_than_the_device_are_listed() {
    let mut s = account(&["d1"]);
    create(&mut s, T0, "r", Kind::Sign);
    s.add_device(T0 + 5, "late", push(1)).unwrap();
    assert_eq!(ids(&s, T0 + 5, "late"), ["r"]);
}

#[test]
fn unknown_removed_and_locked_devices_are_refused() {
    let mut s = account(&["d1", "d2", "gone"]);
    create(&mut s, T0, "r", Kind::Sign);
    s.remove_device("gone").unwrap();
    for device in ["nope", "gone"] {
        let e = s.pending_for_device(T0, device).unwrap_err();
        assert_eq!(
            (e.clone(), e.code(), e.http_status()),
            (DeviceError::NotFound, "not_found", 404),
            "{device}"
        );
    }
    let limits = limits();
    for _ in 0..limits.max_failed_decisions {
        let _ = s.record_failed_assertion("d2", &limits).unwrap();
    }
    assert!(s.device("d2").unwrap().locked);
    let e = s.pending_for_device(T0, "d2").unwrap_err();
    assert_eq!(
        (e.clone(), e.code(), e.http_status()),
        (DeviceError::Locked, "forbidden", 403)
    );
    // The lock is the device's own: the account's other device still sees the request.
    assert_eq!(ids(&s, T0, "d1"), ["r"]);
}
