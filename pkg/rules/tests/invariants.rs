//! Random operation sequences under an advancing clock; the SPEC's invariants checked after
//! every step against a model kept by the test itself.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::collections::{HashMap, HashSet};

use assent_rules::{
    AccountState, CreateError, Decision, DecisionInput, DenyReason, Effect, Kind, Limits,
    NewRequest, PushRegistration, Reason, Status,
};
use common::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Choice {
    ApproveRightCode,
    ApproveWrongCode,
    ApproveNoCode,
    DenyRejected,
    DenyFraud,
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        kind: Kind,
        ttl: Option<u32>,
        matching: bool,
        reuse_id: Option<usize>,
    },
    Decide {
        req: usize,
        dev: usize,
        choice: Choice,
    },
    Fail {
        dev: usize,
    },
    Cancel {
        req: usize,
    },
    Expire,
    Alarm,
    AddDevice {
        subscribed: bool,
    },
    RemoveDevice {
        dev: usize,
    },
    SetPush {
        dev: usize,
        delta: i8,
        subscribed: bool,
    },
    PushGone {
        dev: usize,
        stale: bool,
    },
    Prune {
        retention: u64,
    },
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Login), Just(Kind::Sign)]
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![
        3 => Just(Choice::ApproveRightCode),
        2 => Just(Choice::ApproveWrongCode),
        1 => Just(Choice::ApproveNoCode),
        2 => Just(Choice::DenyRejected),
        1 => Just(Choice::DenyFraud),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let ttl = prop_oneof![
        3 => Just(None),
        6 => (30u32..=600).prop_map(Some),
        1 => (0u32..=700).prop_map(Some),
    ];
    prop_oneof![
        8 => (kind(), ttl, any::<bool>(), prop::option::weighted(0.05, 0usize..64)).prop_map(
            |(kind, ttl, matching, reuse_id)| Op::Create { kind, ttl, matching, reuse_id }
        ),
        8 => (0usize..64, 0usize..16, choice()).prop_map(|(req, dev, choice)| Op::Decide {
            req,
            dev,
            choice
        }),
        3 => (0usize..16).prop_map(|dev| Op::Fail { dev }),
        3 => (0usize..64).prop_map(|req| Op::Cancel { req }),
        2 => Just(Op::Expire),
        2 => Just(Op::Alarm),
        2 => any::<bool>().prop_map(|subscribed| Op::AddDevice { subscribed }),
        1 => (0usize..16).prop_map(|dev| Op::RemoveDevice { dev }),
        2 => (0usize..16, -1i8..=2, any::<bool>()).prop_map(|(dev, delta, subscribed)| {
            Op::SetPush { dev, delta, subscribed }
        }),
        1 => (0usize..16, any::<bool>()).prop_map(|(dev, stale)| Op::PushGone { dev, stale }),
        1 => (0u64..400).prop_map(|retention| Op::Prune { retention }),
    ]
}

fn limits_strategy() -> impl Strategy<Value = Limits> {
    (1u32..=10, prop_oneof![Just(0u32), 1u32..=1500], 1u32..=5).prop_map(
        |(requests_per_10_min, freeze_seconds, max_failed_decisions)| Limits {
            requests_per_10_min,
            freeze_seconds,
            max_failed_decisions,
            ..Limits::default()
        },
    )
}

/// Picks one of `known`, or (one time in eight, or when there is none) an id the account
/// never had.
fn pick(known: &[String], i: usize, missing: &str) -> String {
    if known.is_empty() || i % 8 == 7 {
        return missing.to_owned();
    }
    known[i % known.len()].clone()
}

type FinalRecord = (Status, Option<Reason>, Option<u64>, Option<String>);

struct Model {
    limits: Limits,
    now: u64,
    requests: Vec<String>,
    devices: Vec<String>,
    next_device: usize,
    finals: HashMap<String, FinalRecord>,
    announced_final: HashSet<String>,
    announced_locked: HashSet<String>,
    creations: Vec<u64>,
    /// Failed decisions in a row per present device, counted by the test.
    failed: HashMap<String, u32>,
    /// The freeze as the test works it out from fraud reports.
    frozen_until: Option<u64>,
    /// Request ids the account holds (created, not pruned).
    held: HashSet<String>,
    /// What the run exercised: refusals by operation and variant, effects by kind.
    seen: HashMap<String, usize>,
}

fn allowed_reasons(status: Status) -> &'static [Option<Reason>] {
    match status {
        Status::Pending | Status::Approved | Status::Expired => &[None],
        Status::Denied => &[
            Some(Reason::Rejected),
            Some(Reason::Fraud),
            Some(Reason::BindingMismatch),
        ],
        Status::Cancelled => &[Some(Reason::Rp), Some(Reason::Superseded)],
    }
}

impl Model {
    /// The create outcome worked out from the model alone (SPEC §10 order: frozen, ttl,
    /// budget, devices, then the caller's fresh id).
    fn expected_create(&self, id: &str, ttl: Option<u32>) -> Result<(), CreateError> {
        let now = self.now;
        let l = &self.limits;
        if let Some(until) = self.frozen_until.filter(|u| now < *u) {
            return Err(CreateError::AccountFrozen {
                until,
                retry_after: until - now,
            });
        }
        let ttl = ttl.unwrap_or(120);
        if !(l.min_ttl_seconds..=l.max_ttl_seconds).contains(&ttl) {
            return Err(CreateError::TtlOutOfRange {
                ttl_seconds: ttl,
                min: l.min_ttl_seconds,
                max: l.max_ttl_seconds,
            });
        }
        let mut counted: Vec<u64> = self
            .creations
            .iter()
            .copied()
            .filter(|t| t + 600 > now)
            .collect();
        counted.sort_unstable();
        let limit = l.requests_per_10_min as usize;
        if counted.len() >= limit {
            return Err(CreateError::RateLimited {
                retry_after: counted[counted.len() - limit] + 600 - now,
            });
        }
        if !self.failed.values().any(|n| *n < l.max_failed_decisions) {
            return Err(CreateError::NoDevices);
        }
        if self.held.contains(id) {
            return Err(CreateError::RequestIdTaken);
        }
        Ok(())
    }

    fn note(&mut self, op: &str, e: &dyn std::fmt::Debug) {
        let variant: String = format!("{e:?}")
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        *self.seen.entry(format!("{op}:{variant}")).or_default() += 1;
    }

    fn step(&mut self, s: &mut AccountState, op: &Op) -> Result<(), TestCaseError> {
        let now = self.now;
        let pre = s.clone();
        let pre_bytes = bytes(s);
        let (ok, effects): (bool, Vec<Effect>) = match op {
            Op::Create {
                kind,
                ttl,
                matching,
                reuse_id,
            } => {
                // Ids are fresh random values in production; reusing one the account still
                // holds must be refused (a pruned id is never handed out again here).
                let held: Vec<String> = pre.requests().map(|(id, _)| id.to_owned()).collect();
                let id = match reuse_id {
                    Some(i) if !held.is_empty() => held[i % held.len()].clone(),
                    _ => format!("r{}", self.requests.len()),
                };
                let code = matching.then(|| format!("{:02}", self.requests.len() % 100));
                let r = s.create_request(
                    now,
                    NewRequest {
                        request_id: id.clone(),
                        kind: *kind,
                        ttl_seconds: *ttl,
                        binding_code: code,
                    },
                    &self.limits,
                );
                prop_assert_eq!(
                    r.as_ref().map(|_| ()).map_err(Clone::clone),
                    self.expected_create(&id, *ttl),
                    "create {:?}",
                    op
                );
                if let Ok(c) = &r {
                    self.requests.push(id);
                    self.creations.push(now);
                    let in_window = self.creations.iter().filter(|t| **t + 600 > now).count();
                    prop_assert!(
                        in_window <= self.limits.requests_per_10_min as usize,
                        "{in_window} creations in one window"
                    );
                    return self.after(s, &pre, c.effects.clone());
                }
                if let Err(e) = &r {
                    self.note("create", e);
                }
                (false, Vec::new())
            }
            Op::Decide { req, dev, choice } => {
                let id = pick(&self.requests, *req, "missing-request");
                let device = pick(&self.devices, *dev, "missing-device");
                let expected = pre.request(&id).and_then(|r| r.binding_code.clone());
                let input = match choice {
                    Choice::ApproveRightCode => DecisionInput {
                        decision: Decision::Approve,
                        binding_code: expected.clone(),
                    },
                    Choice::ApproveWrongCode => DecisionInput {
                        decision: Decision::Approve,
                        binding_code: Some(match expected.as_deref() {
                            Some("00") => "01".into(),
                            _ => "00".into(),
                        }),
                    },
                    Choice::ApproveNoCode => DecisionInput {
                        decision: Decision::Approve,
                        binding_code: None,
                    },
                    Choice::DenyRejected => DecisionInput {
                        decision: Decision::Deny(DenyReason::Rejected),
                        binding_code: None,
                    },
                    Choice::DenyFraud => DecisionInput {
                        decision: Decision::Deny(DenyReason::Fraud),
                        binding_code: None,
                    },
                };
                match s.decide(now, &id, &device, &input, &self.limits) {
                    Ok(d) => {
                        let pre_dev = pre.device(&device);
                        prop_assert!(pre_dev.is_some_and(|d| !d.locked), "locked device decided");
                        prop_assert!(pre.request(&id).is_some_and(|r| r.is_live(now)));
                        let want = match (choice, &expected) {
                            (Choice::ApproveRightCode, _) | (Choice::ApproveNoCode, None) => {
                                (Status::Approved, None)
                            }
                            (Choice::ApproveWrongCode | Choice::ApproveNoCode, Some(_)) => {
                                (Status::Denied, Some(Reason::BindingMismatch))
                            }
                            (Choice::DenyRejected, _) => (Status::Denied, Some(Reason::Rejected)),
                            (Choice::DenyFraud, _) => (Status::Denied, Some(Reason::Fraud)),
                            (Choice::ApproveWrongCode, None) => {
                                prop_assert!(false, "code accepted without number matching");
                                unreachable!()
                            }
                        };
                        prop_assert_eq!((d.status, d.reason), want);
                        let count = self.failed.entry(device.clone()).or_default();
                        if want.1 == Some(Reason::BindingMismatch) {
                            *count += 1;
                        } else {
                            *count = 0;
                        }
                        if want.1 == Some(Reason::Fraud) && self.limits.freeze_seconds > 0 {
                            let until = now + u64::from(self.limits.freeze_seconds);
                            self.frozen_until = self.frozen_until.max(Some(until));
                        }
                        return self.after(s, &pre, d.effects);
                    }
                    Err(e) => {
                        self.note("decide", &e);
                        (false, Vec::new())
                    }
                }
            }
            Op::Fail { dev } => {
                let device = pick(&self.devices, *dev, "missing-device");
                let count = self.failed.get(&device).copied();
                match s.record_failed_assertion(&device, &self.limits) {
                    Ok(fx) => {
                        let Some(count) = count else {
                            return Err(TestCaseError::fail("unknown device counted"));
                        };
                        prop_assert!(count < self.limits.max_failed_decisions);
                        self.failed.insert(device.clone(), count + 1);
                        (true, fx)
                    }
                    Err(e) => {
                        self.note("fail", &e);
                        (false, Vec::new())
                    }
                }
            }
            Op::Cancel { req } => {
                let id = pick(&self.requests, *req, "missing-request");
                match s.cancel(now, &id) {
                    Ok(fx) => {
                        prop_assert!(pre.request(&id).is_some_and(|r| r.is_live(now)));
                        (true, fx)
                    }
                    Err(e) => {
                        self.note("cancel", &e);
                        (false, Vec::new())
                    }
                }
            }
            Op::Expire => (true, s.expire_due(now)),
            Op::Alarm => {
                let fx = s.on_alarm(now);
                if let Some(at) = s.next_alarm() {
                    prop_assert!(fx.contains(&Effect::ArmAlarm { at }), "alarm not re-armed");
                }
                (true, fx)
            }
            Op::AddDevice { subscribed } => {
                let id = format!("d{}", self.next_device);
                self.next_device += 1;
                s.add_device(
                    now,
                    &id,
                    PushRegistration {
                        seq: 1,
                        subscribed: *subscribed,
                    },
                )
                .map_err(|e| TestCaseError::fail(format!("fresh device refused: {e}")))?;
                self.failed.insert(id.clone(), 0);
                self.devices.push(id);
                (true, Vec::new())
            }
            Op::RemoveDevice { dev } => {
                let device = pick(&self.devices, *dev, "missing-device");
                match s.remove_device(&device) {
                    Ok(fx) => {
                        prop_assert!(self.failed.remove(&device).is_some());
                        (true, fx)
                    }
                    Err(e) => {
                        self.note("remove_device", &e);
                        (false, Vec::new())
                    }
                }
            }
            Op::SetPush {
                dev,
                delta,
                subscribed,
            } => {
                let device = pick(&self.devices, *dev, "missing-device");
                let current = pre.device(&device).map_or(0, |d| d.push_seq);
                let seq = current.saturating_add_signed(i64::from(*delta));
                let reg = PushRegistration {
                    seq,
                    subscribed: *subscribed,
                };
                match s.set_push(&device, reg) {
                    Ok(()) => {
                        prop_assert!(seq > current);
                        (true, Vec::new())
                    }
                    Err(e) => {
                        self.note("set_push", &e);
                        (false, Vec::new())
                    }
                }
            }
            Op::PushGone { dev, stale } => {
                let device = pick(&self.devices, *dev, "missing-device");
                let current = pre.device(&device).map_or(0, |d| d.push_seq);
                let seq = if *stale {
                    current.saturating_sub(1)
                } else {
                    current
                };
                match s.mark_push_gone(&device, seq) {
                    Ok(fx) => (true, fx),
                    Err(e) => {
                        self.note("push_gone", &e);
                        (false, Vec::new())
                    }
                }
            }
            Op::Prune { retention } => {
                s.prune(now, *retention);
                (true, Vec::new())
            }
        };
        if !ok {
            prop_assert_eq!(bytes(s), pre_bytes, "a refused {:?} changed the state", op);
        }
        self.after(s, &pre, effects)
    }

    fn after(
        &mut self,
        s: &AccountState,
        pre: &AccountState,
        effects: Vec<Effect>,
    ) -> Result<(), TestCaseError> {
        let now = self.now;
        for e in &effects {
            let key = match e {
                Effect::RequestFinal { status, reason, .. } => {
                    format!("{}/{}", status.as_str(), reason.map_or("-", |r| r.as_str()))
                }
                other => format!("{other:?}")
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect(),
            };
            *self.seen.entry(key).or_default() += 1;
            match e {
                Effect::RequestFinal {
                    request_id,
                    status,
                    reason,
                } => {
                    prop_assert!(
                        self.announced_final.insert(request_id.clone()),
                        "{} announced twice",
                        request_id
                    );
                    let r = s.request(request_id).unwrap();
                    prop_assert_eq!((r.status, r.reason), (*status, *reason));
                }
                Effect::DeviceLocked { device_id } => {
                    prop_assert!(
                        self.announced_locked.insert(device_id.clone()),
                        "{} locked twice",
                        device_id
                    );
                }
                Effect::ArmAlarm { at } => prop_assert_eq!(Some(*at), s.next_alarm()),
                _ => {}
            }
        }
        let mut live_logins = 0;
        for (id, r) in s.requests() {
            let eff = r.effective_status(now);
            // Decision fields are set exactly when a device decided.
            let decided = matches!(r.status, Status::Approved | Status::Denied);
            prop_assert_eq!(r.decided_at.is_some(), decided);
            prop_assert_eq!(r.device_id.is_some(), decided);
            prop_assert!(allowed_reasons(r.status).contains(&r.reason), "{:?}", r);
            // Announced exactly when recorded final.
            prop_assert_eq!(
                self.announced_final.contains(id),
                r.status.is_final(),
                "{} {:?} at {}",
                id,
                r,
                now
            );
            if eff.is_final() {
                let now_final = (eff, r.reason, r.decided_at, r.device_id.clone());
                match self.finals.get(id) {
                    Some(first) => prop_assert_eq!(first, &now_final, "final {} changed", id),
                    None => {
                        self.finals.insert(id.to_owned(), now_final);
                    }
                }
            } else {
                prop_assert!(!self.finals.contains_key(id), "{} became pending again", id);
            }
            if r.kind == Kind::Login && r.is_live(now) {
                live_logins += 1;
            }
        }
        prop_assert!(live_logins <= 1, "{live_logins} pending logins");
        // Requests disappear only through prune, and only once recorded final.
        for id in &self.requests {
            if s.request(id).is_none() {
                prop_assert!(
                    pre.request(id).is_none_or(|r| r.status.is_final()),
                    "{} vanished while pending",
                    id
                );
                prop_assert!(self.finals.contains_key(id));
            }
        }
        prop_assert_eq!(
            s.devices()
                .map(|(id, d)| (id.to_owned(), d.failed_decisions))
                .collect::<HashMap<_, _>>(),
            self.failed.clone()
        );
        prop_assert_eq!(s.frozen_until(), self.frozen_until);
        self.held = s.requests().map(|(id, _)| id.to_owned()).collect();
        for (id, d) in s.devices() {
            prop_assert_eq!(
                d.locked,
                d.failed_decisions >= self.limits.max_failed_decisions
            );
            prop_assert_eq!(d.locked, self.announced_locked.contains(id));
        }
        let pending_min = s
            .requests()
            .filter(|(_, r)| r.status == Status::Pending)
            .map(|(_, r)| r.expires_at)
            .min();
        prop_assert_eq!(s.next_alarm(), pending_min);
        Ok(())
    }
}

type Steps = Vec<(u64, Op)>;

fn scenario() -> impl Strategy<Value = (Limits, usize, Steps)> {
    (
        limits_strategy(),
        0usize..3,
        prop::collection::vec((0u64..=60, op()), 1..=60),
    )
}

/// Runs one sequence, checking every invariant after every step; returns what it exercised.
fn run(limits: Limits, initial_devices: usize, steps: &Steps) -> Result<Model, TestCaseError> {
    let mut s = AccountState::new();
    let mut m = Model {
        limits,
        now: T0,
        requests: Vec::new(),
        devices: Vec::new(),
        next_device: 0,
        finals: HashMap::new(),
        announced_final: HashSet::new(),
        announced_locked: HashSet::new(),
        creations: Vec::new(),
        failed: HashMap::new(),
        frozen_until: None,
        held: HashSet::new(),
        seen: HashMap::new(),
    };
    for _ in 0..initial_devices {
        m.step(&mut s, &Op::AddDevice { subscribed: true })?;
    }
    for (dt, op) in steps {
        m.now += dt;
        m.step(&mut s, op)?;
    }
    Ok(m)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_for_any_sequence((limits, devices, steps) in scenario()) {
        run(limits, devices, &steps)?;
    }
}

/// The invariants above prove little if the generated sequences never reach the interesting
/// states: over 512 fresh sequences, every rule must have fired (and been checked) repeatedly.
#[test]
fn random_sequences_reach_every_rule() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRunner};
    let mut runner = TestRunner::new(Config::default());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for _ in 0..512 {
        let (limits, devices, steps) = scenario().new_tree(&mut runner).unwrap().current();
        let m = run(limits, devices, &steps).unwrap();
        for (k, n) in m.seen {
            *seen.entry(k).or_default() += n;
        }
    }
    let must = [
        "approved/-",
        "denied/rejected",
        "denied/fraud",
        "denied/binding_mismatch",
        "cancelled/rp",
        "cancelled/superseded",
        "expired/-",
        "ArmAlarm",
        "SendPush",
        "DeviceLocked",
        "AccountFrozen",
        "DevicePushGone",
        "DeviceRemoved",
        "create:AccountFrozen",
        "create:TtlOutOfRange",
        "create:RateLimited",
        "create:NoDevices",
        "create:RequestIdTaken",
        "decide:DeviceNotFound",
        "decide:DeviceLocked",
        "decide:RequestNotFound",
        "decide:AlreadyDecided",
        "decide:Expired",
        "decide:UnexpectedBindingCode",
        "fail:Locked",
        "cancel:AlreadyFinal",
        "cancel:NotFound",
        "set_push:StaleSeq",
        "set_push:Locked",
    ];
    let missing: Vec<_> = must
        .iter()
        .filter(|k| seen.get(**k).copied().unwrap_or(0) < 5)
        .collect();
    assert!(
        missing.is_empty(),
        "rarely or never exercised: {missing:?}\nseen: {seen:?}"
    );
}
