//! cancel, expiry, the alarm, view and prune (SPEC §5, §9).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_rules::{ApiError, CancelError, Effect, Kind, Reason, Status, ViewError};
use common::*;

#[test]
fn cancel_a_live_request() {
    let mut s = account(&["d1"]);
    create(&mut s, T0, "r", Kind::Sign);
    let fx = s.cancel(T0 + 5, "r").unwrap();
    assert_eq!(
        fx,
        [Effect::RequestFinal {
            request_id: "r".into(),
            status: Status::Cancelled,
            reason: Some(Reason::Rp),
        }]
    );
    let v = s.view(T0 + 5, "r").unwrap();
    assert_eq!(
        (v.status, v.reason, v.decided_at, v.device_id),
        (Status::Cancelled, Some(Reason::Rp), None, None)
    );
}

#[test]
fn cancel_refusals_change_nothing() {
    // (how the request ends before the cancel, now of the cancel, expected effective status)
    let cases: &[(&str, u64, Status)] = &[
        ("approved", T0 + 1, Status::Approved),
        ("cancelled", T0 + 1, Status::Cancelled),
        ("expired", T0 + 200, Status::Expired),
        ("overdue", T0 + 120, Status::Expired),
    ];
    for (how, now, status) in cases {
        let mut s = account(&["d1"]);
        create(&mut s, T0, "r", Kind::Sign);
        match *how {
            "approved" => {
                s.decide(T0, "r", "d1", &approve(None), &limits()).unwrap();
            }
            "cancelled" => {
                s.cancel(T0, "r").unwrap();
            }
            "expired" => {
                let _ = s.expire_due(T0 + 150);
            }
            _ => {}
        }
        let before = bytes(&s);
        let e = s.cancel(*now, "r").unwrap_err();
        assert_eq!(e, CancelError::AlreadyFinal { status: *status }, "{how}");
        assert_eq!((e.code(), e.http_status()), ("already_decided", 409));
        assert_eq!(bytes(&s), before, "{how}");
    }
    let mut s = account(&["d1"]);
    let e = s.cancel(T0, "nope").unwrap_err();
    assert_eq!(
        (e.clone(), e.code(), e.http_status()),
        (CancelError::NotFound, "not_found", 404)
    );
}

#[test]
fn expire_due_records_exactly_the_due_requests_once() {
    let mut s = account(&["d1"]);
    for (id, ttl) in [("a", 30), ("b", 60), ("c", 90)] {
        s.create_request(T0, new_request(id, Kind::Sign, Some(ttl), None), &limits())
            .unwrap();
    }
    s.cancel(T0, "b").unwrap();
    assert_eq!(s.expire_due(T0 + 29), []);
    let fx = s.expire_due(T0 + 60);
    assert_eq!(
        fx,
        [
            Effect::RequestFinal {
                request_id: "a".into(),
                status: Status::Expired,
                reason: None,
            },
            Effect::ArmAlarm { at: T0 + 90 },
        ]
    );
    assert_eq!(s.expire_due(T0 + 60), [], "already recorded: nothing twice");
    assert_eq!(
        s.request("b").unwrap().status,
        Status::Cancelled,
        "finals stay"
    );
    let fx = s.expire_due(T0 + 1000);
    assert_eq!(
        fx,
        [Effect::RequestFinal {
            request_id: "c".into(),
            status: Status::Expired,
            reason: None,
        }]
    );
    assert_eq!(s.next_alarm(), None);
}

#[test]
fn on_alarm_always_rearms_for_the_next_pending_expiry() {
    let mut s = account(&["d1"]);
    s.create_request(T0, new_request("a", Kind::Sign, Some(60), None), &limits())
        .unwrap();
    s.create_request(T0, new_request("b", Kind::Sign, Some(300), None), &limits())
        .unwrap();
    // "a" was decided; the alarm set for it fires with nothing due and must not be lost.
    s.decide(T0, "a", "d1", &approve(None), &limits()).unwrap();
    assert_eq!(s.on_alarm(T0 + 60), [Effect::ArmAlarm { at: T0 + 300 }]);
    assert_eq!(
        s.on_alarm(T0 + 300),
        [Effect::RequestFinal {
            request_id: "b".into(),
            status: Status::Expired,
            reason: None,
        }]
    );
    assert_eq!(s.on_alarm(T0 + 400), []);
}

#[test]
fn next_alarm_includes_overdue_requests() {
    let mut s = account(&["d1"]);
    create(&mut s, T0, "a", Kind::Sign);
    assert_eq!(s.next_alarm(), Some(T0 + 120));
    // Overdue but not yet recorded: the alarm must still fire (at a past time = now).
    assert_eq!(s.view(T0 + 500, "a").unwrap().status, Status::Expired);
    assert_eq!(s.next_alarm(), Some(T0 + 120));
}

#[test]
fn view_reports_the_effective_status() {
    let mut s = account(&["d1"]);
    s.create_request(
        T0,
        new_request("r", Kind::Login, None, Some("09")),
        &limits(),
    )
    .unwrap();
    let v = s.view(T0 + 119, "r").unwrap();
    assert_eq!(v.status, Status::Pending);
    assert_eq!(v.kind, Kind::Login);
    assert_eq!(v.binding_code.as_deref(), Some("09"));
    assert_eq!(s.view(T0 + 120, "r").unwrap().status, Status::Expired);
    assert_eq!(
        s.request("r").unwrap().status,
        Status::Pending,
        "view changes nothing"
    );
    let e = s.view(T0, "nope").unwrap_err();
    assert_eq!(
        (e.clone(), e.code(), e.http_status()),
        (ViewError::NotFound, "not_found", 404)
    );
}

#[test]
fn pending_lists_live_requests_oldest_first() {
    let mut s = account(&["d1"]);
    s.create_request(
        T0,
        new_request("old", Kind::Sign, Some(30), None),
        &limits(),
    )
    .unwrap();
    create(&mut s, T0 + 1, "b", Kind::Sign);
    create(&mut s, T0 + 2, "a", Kind::Sign);
    create(&mut s, T0 + 3, "c", Kind::Sign);
    s.cancel(T0 + 3, "c").unwrap();
    let ids: Vec<String> = s
        .pending(T0 + 30)
        .into_iter()
        .map(|v| v.request_id)
        .collect();
    assert_eq!(ids, ["b", "a"]);
}

#[test]
fn prune_forgets_only_old_final_requests() {
    let mut s = account(&["d1"]);
    create(&mut s, T0, "decided", Kind::Sign);
    s.decide(T0, "decided", "d1", &approve(None), &limits())
        .unwrap();
    create(&mut s, T0, "overdue", Kind::Sign);
    create(&mut s, T0 + 1000, "recent", Kind::Sign);
    s.cancel(T0 + 1000, "recent").unwrap();
    // retention 100 s past expiry: "decided" expires_at T0+120 → removable from T0+220.
    assert_eq!(s.prune(T0 + 219, 100), 0);
    assert_eq!(s.prune(T0 + 1100, 100), 1);
    assert!(s.request("decided").is_none());
    assert_eq!(
        s.view(T0 + 1100, "decided").unwrap_err(),
        ViewError::NotFound
    );
    assert!(
        s.request("overdue").is_some(),
        "pending records wait for expire_due"
    );
    assert!(s.request("recent").is_some());
    let _ = s.expire_due(T0 + 1100);
    assert_eq!(s.prune(T0 + 1100, 100), 1);
    assert!(s.request("overdue").is_none());
}
