//! `POST /v1/activations` and `GET /v1/activations/{activation_id}` (SPEC §5): the RP asks
//! for a single-use, 10-minute activation code for one of its users, shown as a link and a
//! QR code, then polls until a device has used it.

use assent_proto::api::{ActivationCreated, ActivationStatus, Bounds, CreateActivation, ErrorCode};
use assent_proto::ids;
use qrcode::QrCode;
use qrcode::render::svg;
use worker::{Env, Request};

use crate::account::{self, ActivationView, Command};
use crate::http::{Answer, Failure, created, ok, read_valid};
use crate::records::{self, ActivationRecord, CodeRecord};
use crate::{auth, clock, config};

/// SPEC §5: an activation code lives 10 minutes.
const CODE_LIFETIME_SECONDS: u64 = 600;
/// How long `GET /v1/activations/{id}` keeps answering after the code expired.
const STATUS_RETENTION_SECONDS: u64 = 86_400;

pub async fn create(mut req: Request, env: &Env) -> Answer {
    let config = config::load(env)?;
    let rp = auth::rp(&req, &config)?;
    let body: CreateActivation = read_valid(&mut req, &Bounds::default()).await?;
    let now = clock::now();
    let expires_at = now + CODE_LIFETIME_SECONDS;
    let activation_id = clock::new_id()?;
    let code = clock::new_id()?;

    account::call::<serde_json::Value>(
        env,
        rp.id(),
        &body.user_id,
        &Command::CreateActivation {
            activation_id: activation_id.clone(),
            expires_at,
            user_name: body.user_name().to_owned(),
            display_name: body.display_name().to_owned(),
        },
    )
    .await?;
    let account = ActivationRecord {
        rp_id: rp.id().to_owned(),
        user_id: body.user_id.clone(),
    };
    records::put(
        env,
        &records::activation_key(&activation_id),
        &account,
        Some(expires_at + STATUS_RETENTION_SECONDS),
    )
    .await?;
    let code_record = CodeRecord {
        activation_id: activation_id.clone(),
        rp_id: account.rp_id,
        user_id: account.user_id,
        expires_at,
    };
    // KV keeps a key at least 60 s; the record's own `expires_at` is what the device API
    // checks, so a code is never accepted after its 10 minutes.
    records::put(
        env,
        &records::code_key(&code),
        &code_record,
        Some(expires_at),
    )
    .await?;

    // A fragment, so the code reaches no server log (SPEC §5).
    let activation_url = format!("{}/#/activate/{code}", config.edge_origin());
    created(&ActivationCreated {
        activation_id,
        qr_svg: qr_svg(&activation_url)?,
        activation_url,
        code,
        expires_at,
    })
}

pub async fn status(req: Request, env: &Env, activation_id: &str) -> Answer {
    let config = config::load(env)?;
    let rp = auth::rp(&req, &config)?;
    let not_found = || Failure::new(ErrorCode::NotFound, "no such activation");
    if !ids::is_valid_id(activation_id) {
        return Err(not_found());
    }
    // Another RP's activation is answered exactly like an unknown one.
    let account: ActivationRecord = records::get(env, &records::activation_key(activation_id))
        .await?
        .filter(|a: &ActivationRecord| a.rp_id == rp.id())
        .ok_or_else(not_found)?;
    let view: ActivationView = account::call(
        env,
        &account.rp_id,
        &account.user_id,
        &Command::ActivationStatus {
            activation_id: activation_id.to_owned(),
        },
    )
    .await?;
    ok(&ActivationStatus {
        activation_id: activation_id.to_owned(),
        status: view.status,
        device_id: view.device_id,
    })
}

/// An SVG QR code of `url` (error correction M, quiet zone included).
fn qr_svg(url: &str) -> Result<String, Failure> {
    let code = QrCode::with_error_correction_level(url, qrcode::EcLevel::M)
        .map_err(|e| Failure::internal("qr", e))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(256, 256)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}
