//! Shared fixtures for the rules tests.
#![allow(dead_code)]

use assent_rules::{
    AccountState, Created, Decision, DecisionInput, DenyReason, Kind, Limits, NewRequest,
    PushRegistration,
};

/// A fixed starting clock well away from 0, so window arithmetic cannot hide underflows.
pub const T0: u64 = 1_800_000_000;

pub fn limits() -> Limits {
    Limits::default()
}

pub fn push(seq: u64) -> PushRegistration {
    PushRegistration {
        seq,
        subscribed: true,
    }
}

/// An account with the given devices, each activated at T0 with an active subscription (seq 1).
pub fn account(devices: &[&str]) -> AccountState {
    let mut state = AccountState::new();
    for d in devices {
        state.add_device(T0, d, push(1)).unwrap();
    }
    state
}

pub fn new_request(id: &str, kind: Kind, ttl: Option<u32>, code: Option<&str>) -> NewRequest {
    NewRequest {
        request_id: id.to_owned(),
        kind,
        ttl_seconds: ttl,
        binding_code: code.map(str::to_owned),
    }
}

pub fn create(state: &mut AccountState, now: u64, id: &str, kind: Kind) -> Created {
    state
        .create_request(now, new_request(id, kind, None, None), &limits())
        .unwrap()
}

pub fn approve(code: Option<&str>) -> DecisionInput {
    DecisionInput {
        decision: Decision::Approve,
        binding_code: code.map(str::to_owned),
    }
}

pub fn deny(reason: DenyReason) -> DecisionInput {
    DecisionInput {
        decision: Decision::Deny(reason),
        binding_code: None,
    }
}

pub fn bytes(state: &AccountState) -> Vec<u8> {
    serde_json::to_vec(state).unwrap()
}
