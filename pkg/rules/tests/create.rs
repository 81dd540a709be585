//! create_request: freeze, ttl bounds, budget, devices, supersede, effects (SPEC §5, §10).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_rules::{
    ApiError, CreateError, DenyReason, Effect, Kind, Limits, PushRegistration, Reason, Status,
};
use common::*;

#[test]
fn creates_pending_request_with_default_ttl() {
    let mut s = account(&["d1"]);
    let c = s
        .create_request(
            T0,
            new_request("r1", Kind::Sign, None, Some("42")),
            &limits(),
        )
        .unwrap();
    assert_eq!(c.request.status, Status::Pending);
    assert_eq!(c.request.created_at, T0);
    assert_eq!(c.request.expires_at, T0 + 120);
    assert_eq!(c.request.binding_code.as_deref(), Some("42"));
    assert_eq!(c.devices, 1);
    let r = s.request("r1").unwrap();
    assert_eq!(
        (r.status, r.reason, r.decided_at),
        (Status::Pending, None, None)
    );
}

#[test]
fn ttl_bounds_are_inclusive_and_named_in_the_message() {
    let custom = Limits {
        min_ttl_seconds: 60,
        max_ttl_seconds: 90,
        ..Limits::default()
    };
    // (limits, ttl, accepted expires_at offset or None for refusal)
    let cases: &[(Limits, Option<u32>, Option<u64>)] = &[
        (Limits::default(), Some(29), None),
        (Limits::default(), Some(30), Some(30)),
        (Limits::default(), Some(600), Some(600)),
        (Limits::default(), Some(601), None),
        (Limits::default(), Some(0), None),
        (Limits::default(), None, Some(120)),
        (custom, Some(59), None),
        (custom, Some(60), Some(60)),
        (custom, Some(91), None),
        // The default 120 lies outside [60, 90]: it is moved to the nearest bound.
        (custom, None, Some(90)),
    ];
    for (i, (lim, ttl, want)) in cases.iter().enumerate() {
        let mut s = account(&["d1"]);
        let before = bytes(&s);
        let got = s.create_request(T0, new_request("r", Kind::Sign, *ttl, None), lim);
        match want {
            Some(offset) => assert_eq!(got.unwrap().request.expires_at, T0 + offset, "case {i}"),
            None => {
                let e = got.unwrap_err();
                assert!(matches!(e, CreateError::TtlOutOfRange { .. }), "case {i}");
                assert_eq!((e.code(), e.http_status()), ("invalid_request", 400));
                assert!(e.to_string().contains("ttl_seconds"), "case {i}");
                assert_eq!(bytes(&s), before, "case {i}");
            }
        }
    }
}

#[test]
fn frozen_account_is_refused_with_retry_after_until_the_freeze_ends() {
    let mut s = account(&["d1"]);
    create(&mut s, T0, "r1", Kind::Sign);
    s.decide(T0 + 5, "r1", "d1", &deny(DenyReason::Fraud), &limits())
        .unwrap();
    let until = T0 + 5 + 1200;
    assert_eq!(s.frozen_until(), Some(until));
    for now in [T0 + 5, T0 + 100, until - 1] {
        let before = bytes(&s);
        let e = s
            .create_request(now, new_request("r2", Kind::Login, None, None), &limits())
            .unwrap_err();
        assert_eq!(
            e,
            CreateError::AccountFrozen {
                until,
                retry_after: until - now
            }
        );
        assert_eq!((e.code(), e.http_status()), ("account_frozen", 429));
        assert_eq!(e.retry_after(), Some(until - now));
        assert_eq!(bytes(&s), before);
    }
    create(&mut s, until, "r2", Kind::Login);
}

#[test]
fn frozen_is_checked_before_ttl_and_budget_before_devices() {
    let mut s = account(&["d1"]);
    create(&mut s, T0, "r1", Kind::Sign);
    s.decide(T0, "r1", "d1", &deny(DenyReason::Fraud), &limits())
        .unwrap();
    let e = s
        .create_request(
            T0 + 1,
            new_request("x", Kind::Sign, Some(1), None),
            &limits(),
        )
        .unwrap_err();
    assert!(matches!(e, CreateError::AccountFrozen { .. }));

    // Budget spent and no devices: rate_limited wins.
    let one = Limits {
        requests_per_10_min: 1,
        ..Limits::default()
    };
    let mut s = account(&["d1"]);
    s.create_request(T0, new_request("a", Kind::Sign, None, None), &one)
        .unwrap();
    s.remove_device("d1").unwrap();
    let e = s
        .create_request(T0 + 1, new_request("b", Kind::Sign, None, None), &one)
        .unwrap_err();
    assert!(matches!(e, CreateError::RateLimited { .. }));
}

#[test]
fn budget_is_a_sliding_600_second_window_with_exact_retry_after() {
    let mut s = account(&["d1"]);
    // Ten creations at T0, T0+10, …, T0+90.
    for i in 0..10u64 {
        create(&mut s, T0 + 10 * i, &format!("r{i}"), Kind::Sign);
    }
    // The 11th at T0+100 must wait until the one at T0 leaves: T0+600.
    let before = bytes(&s);
    let e = s
        .create_request(
            T0 + 100,
            new_request("x", Kind::Sign, None, None),
            &limits(),
        )
        .unwrap_err();
    assert_eq!(e, CreateError::RateLimited { retry_after: 500 });
    assert_eq!(
        (e.code(), e.http_status(), e.retry_after()),
        ("rate_limited", 429, Some(500))
    );
    assert_eq!(bytes(&s), before, "a refused creation does not count");
    // One second before: still refused with 1 s to wait.
    let e = s
        .create_request(
            T0 + 599,
            new_request("x", Kind::Sign, None, None),
            &limits(),
        )
        .unwrap_err();
    assert_eq!(e.retry_after(), Some(1));
    // At T0+600 the first creation has left the window: exactly one more fits.
    create(&mut s, T0 + 600, "r10", Kind::Sign);
    let e = s
        .create_request(
            T0 + 600,
            new_request("y", Kind::Sign, None, None),
            &limits(),
        )
        .unwrap_err();
    assert_eq!(
        e.retry_after(),
        Some(10),
        "next to leave is the one at T0+10"
    );
}

#[test]
fn lowered_budget_waits_for_enough_creations_to_leave() {
    let mut s = account(&["d1"]);
    for i in 0..5u64 {
        create(&mut s, T0 + i, &format!("r{i}"), Kind::Sign);
    }
    // The RP lowers its budget to 2: 5 counted, 4 must leave (T0..T0+3) → wait for T0+3.
    let two = Limits {
        requests_per_10_min: 2,
        ..Limits::default()
    };
    let e = s
        .create_request(T0 + 10, new_request("x", Kind::Sign, None, None), &two)
        .unwrap_err();
    assert_eq!(e.retry_after(), Some(3 + 600 - 10));
}

#[test]
fn cancelled_and_decided_requests_still_count_toward_the_budget() {
    let mut s = account(&["d1"]);
    for i in 0..10u64 {
        let id = format!("r{i}");
        create(&mut s, T0 + i, &id, Kind::Sign);
        s.cancel(T0 + i, &id).unwrap();
    }
    let e = s
        .create_request(T0 + 20, new_request("x", Kind::Sign, None, None), &limits())
        .unwrap_err();
    assert!(matches!(e, CreateError::RateLimited { .. }));
}

#[test]
fn no_unlocked_device_is_no_devices() {
    let one_strike = Limits {
        max_failed_decisions: 1,
        ..Limits::default()
    };
    let mut none = account(&[]);
    let mut locked = account(&["d1"]);
    locked.record_failed_assertion("d1", &one_strike).unwrap();
    let mut removed = account(&["d1"]);
    removed.remove_device("d1").unwrap();
    for s in [&mut none, &mut locked, &mut removed] {
        let before = bytes(s);
        let e = s
            .create_request(T0, new_request("r", Kind::Login, None, None), &limits())
            .unwrap_err();
        assert_eq!(e, CreateError::NoDevices);
        assert_eq!((e.code(), e.http_status()), ("no_devices", 422));
        assert_eq!(bytes(s), before);
    }
}

#[test]
fn caller_precondition_violations_are_internal_errors() {
    let mut s = account(&["d1"]);
    create(&mut s, T0, "r1", Kind::Sign);
    let before = bytes(&s);
    let e = s
        .create_request(T0, new_request("r1", Kind::Sign, None, None), &limits())
        .unwrap_err();
    assert_eq!(e, CreateError::RequestIdTaken);
    assert_eq!((e.code(), e.http_status()), ("internal", 500));
    for bad in ["", "1", "123", "a1", "٣٣", " 1"] {
        let e = s
            .create_request(
                T0,
                new_request("r2", Kind::Sign, None, Some(bad)),
                &limits(),
            )
            .unwrap_err();
        assert_eq!(e, CreateError::MalformedBindingCode, "{bad:?}");
    }
    assert_eq!(bytes(&s), before);
}

#[test]
fn a_login_supersedes_older_pending_logins_only() {
    let mut s = account(&["d1"]);
    create(&mut s, T0, "login1", Kind::Login);
    create(&mut s, T0 + 1, "sign1", Kind::Sign);
    let c = create(&mut s, T0 + 2, "login2", Kind::Login);
    assert!(c.effects.contains(&Effect::RequestFinal {
        request_id: "login1".into(),
        status: Status::Cancelled,
        reason: Some(Reason::Superseded),
    }));
    assert_eq!(s.request("login1").unwrap().status, Status::Cancelled);
    assert_eq!(
        s.request("login1").unwrap().reason,
        Some(Reason::Superseded)
    );
    assert_eq!(s.request("sign1").unwrap().status, Status::Pending);
    assert_eq!(s.request("login2").unwrap().status, Status::Pending);
    // A sign request supersedes nothing.
    create(&mut s, T0 + 3, "sign2", Kind::Sign);
    assert_eq!(s.request("login2").unwrap().status, Status::Pending);
    assert_eq!(s.request("sign1").unwrap().status, Status::Pending);
}

#[test]
fn an_overdue_login_is_left_to_expire_not_superseded() {
    let mut s = account(&["d1"]);
    create(&mut s, T0, "old", Kind::Login);
    let c = create(&mut s, T0 + 120, "new", Kind::Login);
    assert!(
        !c.effects
            .iter()
            .any(|e| matches!(e, Effect::RequestFinal { .. })),
        "an expired-in-effect request must not change its effective status"
    );
    assert_eq!(s.view(T0 + 120, "old").unwrap().status, Status::Expired);
    let fx = s.expire_due(T0 + 120);
    assert!(fx.contains(&Effect::RequestFinal {
        request_id: "old".into(),
        status: Status::Expired,
        reason: None,
    }));
}

#[test]
fn pushes_go_to_unlocked_devices_with_an_active_subscription() {
    let one_strike = Limits {
        max_failed_decisions: 1,
        ..Limits::default()
    };
    let mut s = account(&["active", "gone", "locked"]);
    s.add_device(
        T0,
        "nopush",
        PushRegistration {
            seq: 1,
            subscribed: false,
        },
    )
    .unwrap();
    s.set_push("active", push(7)).unwrap();
    s.mark_push_gone("gone", 1).unwrap();
    s.record_failed_assertion("locked", &one_strike).unwrap();
    let c = create(&mut s, T0, "r1", Kind::Login);
    let pushes: Vec<_> = c
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::SendPush { .. }))
        .collect();
    assert_eq!(
        pushes,
        [&Effect::SendPush {
            device_id: "active".into(),
            request_id: "r1".into(),
            push_seq: 7,
        }]
    );
    // Poll-only devices still count as devices that may decide.
    assert_eq!(c.devices, 3);
}

#[test]
fn alarm_is_armed_when_the_earliest_expiry_moves() {
    let mut s = account(&["d1"]);
    let arm = |c: &assent_rules::Created| {
        c.effects
            .iter()
            .filter_map(|e| match e {
                Effect::ArmAlarm { at } => Some(*at),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let c = s
        .create_request(T0, new_request("a", Kind::Sign, Some(300), None), &limits())
        .unwrap();
    assert_eq!(arm(&c), [T0 + 300]);
    let c = s
        .create_request(T0, new_request("b", Kind::Sign, Some(400), None), &limits())
        .unwrap();
    assert_eq!(
        arm(&c),
        Vec::<u64>::new(),
        "later expiry: the alarm already fires earlier"
    );
    let c = s
        .create_request(T0, new_request("c", Kind::Sign, Some(100), None), &limits())
        .unwrap();
    assert_eq!(arm(&c), [T0 + 100]);
    assert_eq!(s.next_alarm(), Some(T0 + 100));
}
