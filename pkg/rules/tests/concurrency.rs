//! Racing decisions: the Durable Object serializes calls on an account's state, so 50
//! conflicting decisions arriving at once are 50 calls in some order. Whatever that order,
//! exactly one is recorded (SPEC §5: "exactly one decision is ever recorded, whatever races").
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::sync::{Arc, Barrier, Mutex};

use assent_rules::{ApiError, DecideError, DenyReason, Kind, Status};
use common::*;

#[test]
fn fifty_conflicting_decisions_record_exactly_one() {
    for round in 0..20u64 {
        let mut s = account(&["d1", "d2"]);
        create(&mut s, T0, "r", Kind::Sign);
        let state = Arc::new(Mutex::new(s));
        let start = Arc::new(Barrier::new(50));
        let handles: Vec<_> = (0..50u64)
            .map(|i| {
                let state = Arc::clone(&state);
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    let device = if i % 2 == 0 { "d1" } else { "d2" };
                    let input = match (i + round) % 3 {
                        0 => approve(None),
                        1 => deny(DenyReason::Rejected),
                        _ => deny(DenyReason::Fraud),
                    };
                    start.wait();
                    let mut s = state.lock().unwrap();
                    let before = bytes(&s);
                    let result = s.decide(T0 + 1, "r", device, &input, &limits());
                    if result.is_err() {
                        assert_eq!(bytes(&s), before, "a refused decision changed the state");
                    }
                    (device, input, result)
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let winners: Vec<_> = results.iter().filter(|(_, _, r)| r.is_ok()).collect();
        assert_eq!(winners.len(), 1, "round {round}");
        let (device, _, won) = winners[0];
        let won = won.as_ref().unwrap();
        let final_status = won.status;
        for (_, _, r) in results.iter().filter(|(_, _, r)| r.is_err()) {
            let e = r.as_ref().unwrap_err();
            assert_eq!(
                e,
                &DecideError::AlreadyDecided {
                    status: final_status
                }
            );
            assert_eq!((e.code(), e.http_status()), ("already_decided", 409));
        }
        let s = state.lock().unwrap();
        let r = s.request("r").unwrap();
        assert_eq!((r.status, r.reason), (won.status, won.reason));
        assert_eq!(r.device_id.as_deref(), Some(*device));
        assert_ne!(r.status, Status::Pending);
    }
}
