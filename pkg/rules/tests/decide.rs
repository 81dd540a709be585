//! decide and record_failed_assertion: outcomes, refusals, lock, freeze (SPEC §5, §7, §10).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_rules::{
    AccountState, ApiError, DecideError, Decision, DecisionInput, DenyReason, DeviceError, Effect,
    Kind, Limits, Reason, Status,
};
use common::*;

/// (binding code on the request, input, expected status, reason, device counter after)
type OutcomeCase = (
    Option<&'static str>,
    DecisionInput,
    Status,
    Option<Reason>,
    u32,
);
type Setup = fn(&mut AccountState);
/// (setup, now, request, device, input, expected error, code, http status)
type RefusalCase = (
    Setup,
    u64,
    &'static str,
    &'static str,
    DecisionInput,
    DecideError,
    &'static str,
    u16,
);

fn with_request(code: Option<&str>) -> AccountState {
    let mut s = account(&["d1", "d2"]);
    s.create_request(T0, new_request("r", Kind::Login, None, code), &limits())
        .unwrap();
    s
}

#[test]
fn outcome_table() {
    // (binding code on the request, input, expected status, reason, device counter after)
    let cases: &[OutcomeCase] = &[
        (None, approve(None), Status::Approved, None, 0),
        (Some("07"), approve(Some("07")), Status::Approved, None, 0),
        (
            Some("07"),
            approve(Some("70")),
            Status::Denied,
            Some(Reason::BindingMismatch),
            2,
        ),
        (
            Some("07"),
            approve(Some("7")),
            Status::Denied,
            Some(Reason::BindingMismatch),
            2,
        ),
        (
            Some("07"),
            approve(None),
            Status::Denied,
            Some(Reason::BindingMismatch),
            2,
        ),
        (
            None,
            deny(DenyReason::Rejected),
            Status::Denied,
            Some(Reason::Rejected),
            0,
        ),
        (
            Some("07"),
            deny(DenyReason::Rejected),
            Status::Denied,
            Some(Reason::Rejected),
            0,
        ),
        (
            None,
            deny(DenyReason::Fraud),
            Status::Denied,
            Some(Reason::Fraud),
            0,
        ),
        (
            Some("07"),
            DecisionInput {
                decision: Decision::Deny(DenyReason::Rejected),
                binding_code: Some("99".into()),
            },
            Status::Denied,
            Some(Reason::Rejected),
            0,
        ),
    ];
    for (i, (code, input, status, reason, failures)) in cases.iter().enumerate() {
        let mut s = with_request(*code);
        // One earlier failure, to see whether the decision resets or extends the streak.
        s.record_failed_assertion("d1", &limits()).unwrap();
        let d = s.decide(T0 + 10, "r", "d1", input, &limits()).unwrap();
        assert_eq!((d.status, d.reason), (*status, *reason), "case {i}");
        assert_eq!(
            d.effects.first(),
            Some(&Effect::RequestFinal {
                request_id: "r".into(),
                status: *status,
                reason: *reason,
            }),
            "case {i}"
        );
        let r = s.request("r").unwrap();
        assert_eq!((r.status, r.reason), (*status, *reason), "case {i}");
        assert_eq!(r.decided_at, Some(T0 + 10), "case {i}");
        assert_eq!(r.device_id.as_deref(), Some("d1"), "case {i}");
        assert_eq!(
            s.device("d1").unwrap().failed_decisions,
            *failures,
            "case {i}"
        );
        let v = s.view(T0 + 10, "r").unwrap();
        assert_eq!(
            (v.status, v.reason, v.decided_at),
            (*status, *reason, Some(T0 + 10))
        );
    }
}

#[test]
fn refusals_change_nothing_and_map_to_spec_codes() {
    // (setup, now, request, device, input, expected error, code, http status)
    let cases: &[RefusalCase] = &[
        (
            |_| {},
            T0,
            "r",
            "nope",
            approve(None),
            DecideError::DeviceNotFound,
            "not_found",
            404,
        ),
        (
            |s| {
                s.remove_device("d1").unwrap();
            },
            T0,
            "r",
            "d1",
            approve(None),
            DecideError::DeviceNotFound,
            "not_found",
            404,
        ),
        (
            |s| {
                let one = Limits {
                    max_failed_decisions: 1,
                    ..Limits::default()
                };
                s.record_failed_assertion("d1", &one).unwrap();
            },
            T0,
            "r",
            "d1",
            approve(None),
            DecideError::DeviceLocked,
            "forbidden",
            403,
        ),
        (
            |_| {},
            T0,
            "nope",
            "d1",
            approve(None),
            DecideError::RequestNotFound,
            "not_found",
            404,
        ),
        (
            |s| {
                s.decide(T0, "r", "d2", &approve(None), &Limits::default())
                    .unwrap();
            },
            T0 + 1,
            "r",
            "d1",
            deny(DenyReason::Rejected),
            DecideError::AlreadyDecided {
                status: Status::Approved,
            },
            "already_decided",
            409,
        ),
        (
            |s| {
                s.cancel(T0, "r").unwrap();
            },
            T0 + 1,
            "r",
            "d1",
            approve(None),
            DecideError::AlreadyDecided {
                status: Status::Cancelled,
            },
            "already_decided",
            409,
        ),
        // Pending, at the expiry second: refused as expired, and not recorded by this call.
        (
            |_| {},
            T0 + 120,
            "r",
            "d1",
            approve(None),
            DecideError::Expired,
            "expired",
            410,
        ),
        (
            |s| {
                let _ = s.expire_due(T0 + 500);
            },
            T0 + 500,
            "r",
            "d1",
            approve(None),
            DecideError::Expired,
            "expired",
            410,
        ),
        (
            |_| {},
            T0,
            "r",
            "d1",
            approve(Some("12")),
            DecideError::UnexpectedBindingCode,
            "invalid_request",
            400,
        ),
    ];
    for (i, (setup, now, req, dev, input, want, code, http)) in cases.iter().enumerate() {
        let mut s = with_request(None);
        setup(&mut s);
        let before = bytes(&s);
        let e = s.decide(*now, req, dev, input, &limits()).unwrap_err();
        assert_eq!(&e, want, "case {i}");
        assert_eq!(
            (e.code(), e.http_status(), e.retry_after()),
            (*code, *http, None),
            "case {i}"
        );
        assert_eq!(bytes(&s), before, "case {i}: a refusal changes nothing");
    }
    // The binding_code message names the field.
    assert!(
        DecideError::UnexpectedBindingCode
            .to_string()
            .contains("binding_code")
    );
    assert_eq!(DecideError::DeviceLocked.to_string(), "device locked");
}

#[test]
fn a_locked_device_is_refused_before_request_state_is_revealed() {
    let one = Limits {
        max_failed_decisions: 1,
        ..Limits::default()
    };
    let mut s = with_request(None);
    s.record_failed_assertion("d1", &one).unwrap();
    assert_eq!(
        s.decide(T0, "unknown", "d1", &approve(None), &one),
        Err(DecideError::DeviceLocked)
    );
}

#[test]
fn last_second_before_expiry_still_decides() {
    let mut s = with_request(None);
    let d = s
        .decide(T0 + 119, "r", "d1", &approve(None), &limits())
        .unwrap();
    assert_eq!(d.status, Status::Approved);
}

#[test]
fn binding_mismatch_is_final() {
    let mut s = with_request(Some("31"));
    s.decide(T0, "r", "d1", &approve(Some("13")), &limits())
        .unwrap();
    assert_eq!(
        s.decide(T0 + 1, "r", "d1", &approve(Some("31")), &limits()),
        Err(DecideError::AlreadyDecided {
            status: Status::Denied
        })
    );
    assert_eq!(
        s.request("r").unwrap().reason,
        Some(Reason::BindingMismatch)
    );
}

#[test]
fn failed_decisions_in_a_row_lock_the_device_once() {
    let lim = limits();
    let mut s = account(&["d1", "d2"]);
    // 4 bad assertions, then a binding mismatch: the 5th failure locks.
    for _ in 0..4 {
        assert_eq!(s.record_failed_assertion("d1", &lim).unwrap(), []);
    }
    assert!(!s.device("d1").unwrap().locked);
    s.create_request(T0, new_request("r", Kind::Login, None, Some("55")), &lim)
        .unwrap();
    let d = s.decide(T0, "r", "d1", &approve(Some("54")), &lim).unwrap();
    assert_eq!(d.reason, Some(Reason::BindingMismatch));
    let locks: Vec<_> = d
        .effects
        .iter()
        .filter(|e| matches!(e, Effect::DeviceLocked { .. }))
        .collect();
    assert_eq!(
        locks,
        [&Effect::DeviceLocked {
            device_id: "d1".into()
        }]
    );
    let dev = s.device("d1").unwrap();
    assert!(dev.locked);
    assert_eq!(dev.failed_decisions, 5);
    // Locked: further failures are refused (no second DeviceLocked), decisions too.
    let before = bytes(&s);
    let e = s.record_failed_assertion("d1", &lim).unwrap_err();
    assert_eq!(e, DeviceError::Locked);
    assert_eq!((e.code(), e.http_status()), ("forbidden", 403));
    assert_eq!(bytes(&s), before);
    // The other device is unaffected.
    assert_eq!(s.device("d2").unwrap().failed_decisions, 0);
    assert!(!s.device("d2").unwrap().locked);
}

#[test]
fn a_good_decision_resets_the_streak() {
    let lim = limits();
    let mut s = account(&["d1"]);
    for i in 0..3u64 {
        for _ in 0..4 {
            s.record_failed_assertion("d1", &lim).unwrap();
        }
        let id = format!("r{i}");
        s.create_request(T0 + i, new_request(&id, Kind::Sign, None, None), &lim)
            .unwrap();
        s.decide(T0 + i, &id, "d1", &deny(DenyReason::Rejected), &lim)
            .unwrap();
        assert_eq!(s.device("d1").unwrap().failed_decisions, 0);
    }
    assert!(
        !s.device("d1").unwrap().locked,
        "12 failures, never 5 in a row"
    );
}

#[test]
fn unknown_device_cannot_record_failures() {
    let mut s = account(&["d1"]);
    let e = s.record_failed_assertion("nope", &limits()).unwrap_err();
    assert_eq!(e, DeviceError::NotFound);
    assert_eq!((e.code(), e.http_status()), ("not_found", 404));
}

#[test]
fn fraud_freezes_and_leaves_the_other_requests_alone() {
    let lim = limits();
    let mut s = account(&["d1", "d2"]);
    s.create_request(T0, new_request("login", Kind::Login, None, None), &lim)
        .unwrap();
    s.create_request(T0, new_request("sign", Kind::Sign, Some(600), None), &lim)
        .unwrap();
    s.create_request(T0, new_request("overdue", Kind::Sign, Some(30), None), &lim)
        .unwrap();
    s.create_request(T0, new_request("done", Kind::Sign, None, None), &lim)
        .unwrap();
    s.decide(T0, "done", "d2", &approve(None), &lim).unwrap();
    let now = T0 + 60;
    let d = s
        .decide(now, "login", "d1", &deny(DenyReason::Fraud), &lim)
        .unwrap();
    assert_eq!(d.reason, Some(Reason::Fraud));
    assert!(
        d.effects
            .contains(&Effect::AccountFrozen { until: now + 1200 })
    );
    // Only the reported request is final: `cancelled` has no `fraud` reason (SPEC §5).
    assert!(
        !d.effects
            .iter()
            .any(|e| matches!(e, Effect::RequestFinal { request_id, .. } if request_id == "sign"))
    );
    assert_eq!(s.frozen_until(), Some(now + 1200));
    let sign = s.request("sign").unwrap();
    assert_eq!((sign.status, sign.reason), (Status::Pending, None));
    // Already final or overdue: untouched.
    assert_eq!(s.request("done").unwrap().status, Status::Approved);
    assert_eq!(s.request("overdue").unwrap().status, Status::Pending);
    assert_eq!(s.view(now, "overdue").unwrap().status, Status::Expired);
    // The login request carries the device's decision.
    let login = s.request("login").unwrap();
    assert_eq!(
        (login.decided_at, login.device_id.as_deref()),
        (Some(now), Some("d1"))
    );
}

#[test]
fn freeze_only_ever_extends_and_can_be_disabled() {
    let lim = limits();
    // A second report after the first freeze ended starts a new freeze (here a shorter one).
    let short = Limits {
        freeze_seconds: 10,
        ..Limits::default()
    };
    let mut s = account(&["d1"]);
    s.create_request(T0, new_request("a", Kind::Sign, None, None), &lim)
        .unwrap();
    s.decide(T0, "a", "d1", &deny(DenyReason::Fraud), &lim)
        .unwrap();
    assert_eq!(s.frozen_until(), Some(T0 + 1200));
    s.create_request(T0 + 1200, new_request("b", Kind::Sign, None, None), &lim)
        .unwrap();
    let d = s
        .decide(T0 + 1200, "b", "d1", &deny(DenyReason::Fraud), &short)
        .unwrap();
    assert!(
        d.effects
            .contains(&Effect::AccountFrozen { until: T0 + 1210 })
    );

    // A report inside a longer freeze (a stored state with a longer freeze than these
    // limits give, as after an RP lowered `freeze_seconds`) leaves the freeze as it is.
    let mut s: AccountState = serde_json::from_value(serde_json::json!({
        "requests": {"r": {"kind": "sign", "status": "pending", "reason": null,
            "created_at": T0, "expires_at": T0 + 120, "decided_at": null,
            "device_id": null, "binding_code": null}},
        "devices": {"d1": {"created_at": T0, "failed_decisions": 0, "locked": false,
            "push": "active", "push_seq": 1}},
        "frozen_until": T0 + 5000
    }))
    .unwrap();
    let d = s
        .decide(T0, "r", "d1", &deny(DenyReason::Fraud), &lim)
        .unwrap();
    assert!(
        !d.effects
            .iter()
            .any(|e| matches!(e, Effect::AccountFrozen { .. }))
    );
    assert_eq!(s.frozen_until(), Some(T0 + 5000));

    // freeze_seconds 0 disables the freeze.
    let off = Limits {
        freeze_seconds: 0,
        ..Limits::default()
    };
    let mut s = account(&["d1"]);
    s.create_request(T0, new_request("a", Kind::Sign, None, None), &off)
        .unwrap();
    let d = s
        .decide(T0, "a", "d1", &deny(DenyReason::Fraud), &off)
        .unwrap();
    assert!(
        !d.effects
            .iter()
            .any(|e| matches!(e, Effect::AccountFrozen { .. }))
    );
    assert_eq!(s.frozen_until(), None);
    s.create_request(T0, new_request("b", Kind::Sign, None, None), &off)
        .unwrap();
}

#[test]
fn deciding_the_earliest_request_moves_the_alarm() {
    let lim = limits();
    let mut s = account(&["d1"]);
    s.create_request(T0, new_request("a", Kind::Sign, Some(60), None), &lim)
        .unwrap();
    s.create_request(T0, new_request("b", Kind::Sign, Some(300), None), &lim)
        .unwrap();
    let d = s.decide(T0, "a", "d1", &approve(None), &lim).unwrap();
    assert_eq!(d.effects.last(), Some(&Effect::ArmAlarm { at: T0 + 300 }));
    let d = s.decide(T0, "b", "d1", &approve(None), &lim).unwrap();
    assert!(
        !d.effects
            .iter()
            .any(|e| matches!(e, Effect::ArmAlarm { .. }))
    );
    assert_eq!(s.next_alarm(), None);
}
