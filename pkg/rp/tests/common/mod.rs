//! Receipts issued the way the edge issues them (edge/src/account/decisions.rs): the
//! request content from the RP's body, the device's WebAuthn assertion over the statement
//! (assent-webauthn's software authenticator, which answers as Chromium does), the claims,
//! `assent_receipt::sign_receipt` with the edge's key.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assent_proto::api::{Bounds, CreateRequest, Reason, RequestCreated, RequestStatus, Status};
use assent_proto::{Context, Decision, DenyReason, Field, Kind, Statement, b64u};
use assent_receipt::{DeviceClaim, Jwk, ReceiptClaims, ReceiptKey, WebAuthnClaim, sign_receipt};
use assent_webauthn::request_options;
use assent_webauthn::soft::{SoftAuthenticator, Tweaks};

pub const EDGE: &str = "https://assent.example.com";
pub const HOST: &str = "assent.example.com";
pub const RP: &str = "demo";
pub const RP_NAME: &str = "Example Bank";
pub const REQUEST_ID: &str = "cmVxdWVzdC0wMDAwMDAwMQ";
pub const DEVICE_ID: &str = "ZGV2aWNlLTAwMDAwMDAwMQ";
pub const CREATED_AT: u64 = 1_767_225_600;
pub const CODE: &str = "42";
pub const EDGE_SCALAR: [u8; 32] = [9; 32];

pub struct Issued {
    pub ask: CreateRequest,
    pub created: RequestCreated,
    pub status: RequestStatus,
    pub claims: ReceiptClaims,
    pub jws: String,
    pub device: Jwk,
    pub edge_key: ReceiptKey,
}

pub fn login() -> CreateRequest {
    CreateRequest {
        user_id: "alice@example.com".into(),
        kind: Kind::Login,
        title: Some("Sign in to Example Bank".into()),
        context: Some(Context {
            ip: Some("203.0.113.7".into()),
            location: Some("Brussels, BE".into()),
            browser: Some("Firefox on macOS".into()),
        }),
        fields: None,
        ttl_seconds: Some(120),
        number_matching: None,
    }
}

pub fn payment() -> CreateRequest {
    CreateRequest {
        user_id: "alice@example.com".into(),
        kind: Kind::Sign,
        title: Some("Pay ACME NV — “quoted” \u{1F4B6}".into()),
        context: Some(Context::default()),
        fields: Some(vec![
            Field {
                label: "Amount".into(),
                value: "EUR 1,250.00".into(),
            },
            Field {
                label: "Payee".into(),
                value: "ACME NV".into(),
            },
        ]),
        ttl_seconds: None,
        number_matching: None,
    }
}

pub fn device() -> SoftAuthenticator {
    SoftAuthenticator::new(&[7; 32], b"credential-1").unwrap()
}

/// The edge creates `ask`, the device decides `decision` typing `typed_code`, the edge
/// records it and signs the receipt.
pub fn issue(
    ask: CreateRequest,
    decision: Decision,
    reason: Option<DenyReason>,
    typed_code: Option<&str>,
    tweaks: &Tweaks,
) -> Issued {
    let bounds = Bounds::default();
    let content = ask.content(RP, RP_NAME, REQUEST_ID, CREATED_AT, &bounds);
    let request_hash = content.request_hash().unwrap();
    let binding_code = ask.number_matching().then(|| CODE.to_owned());
    let created = RequestCreated {
        request_id: REQUEST_ID.into(),
        status: Status::Pending,
        created_at: content.created_at,
        expires_at: content.expires_at,
        binding_code: binding_code.clone(),
        status_token: "c3RhdHVzLXRva2VuLTEyMzQ1Njc4".into(),
        request_hash: request_hash.clone(),
        devices: 1,
        devices_notified: 1,
    };

    let mut phone = device();
    let statement = Statement::new(
        request_hash,
        decision,
        reason,
        typed_code.map(str::to_owned),
    );
    let options = request_options(
        HOST,
        &statement.challenge().unwrap(),
        &[b"credential-1".as_slice()],
        60_000,
    );
    let assertion = phone.get_with(&options, EDGE, tweaks).unwrap();
    let r = &assertion.response;
    let device = Jwk::from_uncompressed(&phone.public_key()).unwrap();
    let decided_at = CREATED_AT + 20;
    let claims = ReceiptClaims {
        iss: EDGE.into(),
        aud: content.rp_id.clone(),
        sub: content.user_id.clone(),
        jti: REQUEST_ID.into(),
        iat: decided_at,
        decision,
        reason,
        binding_code: typed_code.map(str::to_owned),
        device: DeviceClaim {
            id: DEVICE_ID.into(),
            credential_id: b"credential-1".to_vec(),
            public_key: device.clone(),
        },
        webauthn: WebAuthnClaim {
            authenticator_data: b64u::decode(&r.authenticator_data).unwrap(),
            client_data_json: b64u::decode(&r.client_data_json).unwrap(),
            signature: b64u::decode(&r.signature).unwrap(),
        },
        request: content,
    };
    let edge_key = ReceiptKey::from_bytes(&EDGE_SCALAR).unwrap();
    let jws = sign_receipt(&claims, &edge_key).unwrap();

    let (status, status_reason) = match (decision, reason) {
        (Decision::Approve, _) if typed_code.map(str::to_owned) != binding_code => {
            (Status::Denied, Some(Reason::BindingMismatch))
        }
        (Decision::Approve, _) => (Status::Approved, None),
        (Decision::Deny, Some(DenyReason::Fraud)) => (Status::Denied, Some(Reason::Fraud)),
        (Decision::Deny, _) => (Status::Denied, Some(Reason::Rejected)),
    };
    let status = RequestStatus {
        request_id: REQUEST_ID.into(),
        kind: ask.kind,
        status,
        created_at: created.created_at,
        expires_at: created.expires_at,
        decided_at: Some(decided_at),
        device_id: Some(DEVICE_ID.into()),
        reason: status_reason,
        receipt: Some(jws.clone()),
    };
    Issued {
        ask,
        created,
        status,
        claims,
        jws,
        device,
        edge_key,
    }
}

/// A login approved with the right code.
pub fn approved_login() -> Issued {
    issue(
        login(),
        Decision::Approve,
        None,
        Some(CODE),
        &Tweaks::default(),
    )
}

/// `claims` altered, re-signed with the edge key: what a compromised edge could issue.
pub fn lie(issued: &Issued, alter: impl FnOnce(&mut ReceiptClaims)) -> String {
    let mut claims = issued.claims.clone();
    alter(&mut claims);
    sign_receipt(&claims, &issued.edge_key).unwrap()
}

/// The JWK Set the edge serves.
pub fn jwks_json(issued: &Issued) -> String {
    serde_json::to_string(&issued.edge_key.jwk_set()).unwrap()
}
