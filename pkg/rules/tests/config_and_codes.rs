//! Limits configuration, the SPEC §11 code table, state serialization and the binding-code
//! sampler.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use assent_rules::{
    AccountState, ApiCode, ApiError, CancelError, CreateError, DecideError, DeviceError, Kind,
    Limits, LimitsError, Status, ViewError, binding_code_from_random, is_binding_code,
};
use common::*;

#[test]
fn limits_default_to_spec_values_and_reject_unknown_members() {
    let l = Limits::default();
    assert_eq!(
        (
            l.min_ttl_seconds,
            l.max_ttl_seconds,
            l.requests_per_10_min,
            l.freeze_seconds,
            l.max_failed_decisions,
            l.default_ttl_seconds()
        ),
        (30, 600, 10, 1200, 5, 120)
    );
    let partial: Limits = serde_json::from_str(r#"{"requests_per_10_min": 3}"#).unwrap();
    assert_eq!(
        partial,
        Limits {
            requests_per_10_min: 3,
            ..Limits::default()
        }
    );
    let empty: Limits = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, Limits::default());
    let err = serde_json::from_str::<Limits>(r#"{"max_ttl": 5}"#).unwrap_err();
    assert!(err.to_string().contains("max_ttl"), "{err}");
    assert!(serde_json::from_str::<Limits>(r#"{"freeze_seconds": -1}"#).is_err());
}

#[test]
fn limits_validation() {
    let with = |f: fn(&mut Limits)| {
        let mut l = Limits::default();
        f(&mut l);
        l.validate()
    };
    assert_eq!(Limits::default().validate(), Ok(()));
    assert_eq!(
        with(|l| l.min_ttl_seconds = 0),
        Err(LimitsError::MinTtlZero)
    );
    assert_eq!(
        with(|l| l.min_ttl_seconds = 601),
        Err(LimitsError::MinTtlAboveMax { min: 601, max: 600 })
    );
    assert_eq!(with(|l| l.max_ttl_seconds = 86_400), Ok(()));
    assert_eq!(
        with(|l| l.max_ttl_seconds = 86_401),
        Err(LimitsError::MaxTtlTooLarge { max: 86_401 })
    );
    assert_eq!(
        with(|l| l.requests_per_10_min = 0),
        Err(LimitsError::NoRequestBudget)
    );
    assert_eq!(
        with(|l| l.max_failed_decisions = 0),
        Err(LimitsError::NoFailedDecisions)
    );
    assert_eq!(with(|l| l.freeze_seconds = 0), Ok(()));
    assert!(
        LimitsError::NoRequestBudget
            .to_string()
            .contains("requests_per_10_min")
    );
}

#[test]
fn every_error_maps_to_its_spec_code_and_status() {
    // The SPEC §11 table, transcribed.
    let spec: &[(ApiCode, &str, u16)] = &[
        (ApiCode::InvalidRequest, "invalid_request", 400),
        (ApiCode::Forbidden, "forbidden", 403),
        (ApiCode::NotFound, "not_found", 404),
        (ApiCode::AlreadyDecided, "already_decided", 409),
        (ApiCode::Expired, "expired", 410),
        (ApiCode::NoDevices, "no_devices", 422),
        (ApiCode::RateLimited, "rate_limited", 429),
        (ApiCode::AccountFrozen, "account_frozen", 429),
        (ApiCode::Internal, "internal", 500),
    ];
    for (code, s, status) in spec {
        assert_eq!((code.as_str(), code.http_status()), (*s, *status));
    }
    let all: Vec<(Box<dyn ApiError>, &str, Option<u64>)> = vec![
        (
            Box::new(CreateError::AccountFrozen {
                until: 9,
                retry_after: 7,
            }),
            "account_frozen",
            Some(7),
        ),
        (
            Box::new(CreateError::TtlOutOfRange {
                ttl_seconds: 1,
                min: 30,
                max: 600,
            }),
            "invalid_request",
            None,
        ),
        (
            Box::new(CreateError::RateLimited { retry_after: 3 }),
            "rate_limited",
            Some(3),
        ),
        (Box::new(CreateError::NoDevices), "no_devices", None),
        (Box::new(CreateError::RequestIdTaken), "internal", None),
        (
            Box::new(CreateError::MalformedBindingCode),
            "internal",
            None,
        ),
        (Box::new(DecideError::DeviceNotFound), "not_found", None),
        (Box::new(DecideError::DeviceLocked), "forbidden", None),
        (Box::new(DecideError::RequestNotFound), "not_found", None),
        (
            Box::new(DecideError::AlreadyDecided {
                status: Status::Denied,
            }),
            "already_decided",
            None,
        ),
        (Box::new(DecideError::Expired), "expired", None),
        (
            Box::new(DecideError::UnexpectedBindingCode),
            "invalid_request",
            None,
        ),
        (Box::new(CancelError::NotFound), "not_found", None),
        (
            Box::new(CancelError::AlreadyFinal {
                status: Status::Expired,
            }),
            "already_decided",
            None,
        ),
        (Box::new(ViewError::NotFound), "not_found", None),
        (Box::new(DeviceError::NotFound), "not_found", None),
        (Box::new(DeviceError::Locked), "forbidden", None),
        (Box::new(DeviceError::IdTaken), "internal", None),
        (
            Box::new(DeviceError::StaleSeq { seq: 1, current: 1 }),
            "invalid_request",
            None,
        ),
    ];
    for (e, code, retry) in &all {
        let status = spec.iter().find(|(_, s, _)| s == code).unwrap().2;
        assert_eq!(
            (e.code(), e.http_status(), e.retry_after()),
            (*code, status, *retry),
            "{e}"
        );
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn state_round_trips_through_json_with_spec_spellings() {
    let mut s = account(&["d1", "d2"]);
    s.create_request(
        T0,
        new_request("r1", Kind::Login, None, Some("05")),
        &limits(),
    )
    .unwrap();
    create(&mut s, T0, "r2", Kind::Sign);
    s.cancel(T0, "r2").unwrap();
    s.mark_push_gone("d2", 1).unwrap();
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["requests"]["r1"]["kind"], "login");
    assert_eq!(json["requests"]["r2"]["status"], "cancelled");
    assert_eq!(json["requests"]["r2"]["reason"], "rp");
    assert_eq!(json["devices"]["d2"]["push"], "gone");
    let back: AccountState = serde_json::from_value(json).unwrap();
    assert_eq!(back, s);
    assert_eq!(bytes(&back), bytes(&s));
    // A fresh Durable Object may start from an empty object.
    let fresh: AccountState = serde_json::from_str("{}").unwrap();
    assert_eq!(fresh, AccountState::new());
}

#[test]
fn binding_code_sampling_is_exactly_uniform() {
    // Exhaustive over every 1- and 2-byte input: each code must come from the same number of
    // inputs, and exactly the inputs with all bytes >= 200 must fail.
    let mut one = [0u32; 100];
    let mut none = 0;
    for b in 0..=255u8 {
        match binding_code_from_random(&[b]) {
            Some(c) => one[c.parse::<usize>().unwrap()] += 1,
            None => none += 1,
        }
    }
    assert!(one.iter().all(|n| *n == 2), "{one:?}");
    assert_eq!(none, 56);
    let mut two = [0u32; 100];
    let mut none = 0;
    for a in 0..=255u8 {
        for b in 0..=255u8 {
            match binding_code_from_random(&[a, b]) {
                Some(c) => {
                    assert!(is_binding_code(&c), "{c}");
                    two[c.parse::<usize>().unwrap()] += 1;
                }
                None => none += 1,
            }
        }
    }
    // 2·256 with an accepted first byte + 56·2 with a rejected first and accepted second.
    assert!(two.iter().all(|n| *n == 624), "{two:?}");
    assert_eq!(none, 56 * 56);
    assert_eq!(binding_code_from_random(&[]), None);
    assert_eq!(
        binding_code_from_random(&[255, 200, 7]).as_deref(),
        Some("07")
    );
    assert_eq!(binding_code_from_random(&[199]).as_deref(), Some("99"));
}

#[test]
fn binding_code_shape() {
    for ok in ["00", "42", "99"] {
        assert!(is_binding_code(ok), "{ok}");
    }
    for bad in ["", "0", "000", "4a", "-1", "٤٢", "4 "] {
        assert!(!is_binding_code(bad), "{bad:?}");
    }
}
