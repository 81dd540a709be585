//! The Assent edge's configuration (SPEC §3, §13), checked once at start-up.
//!
//! [`Config::from_lookup`] reads the variables (names in [`vars`]) and checks every one of
//! them, returning either a [`Config`] the edge can use as it is or a [`ConfigErrors`] listing
//! *every* problem — one [`ConfigError`] per failed check — so an operator fixes them all in
//! one go. Messages name variables, RPs and members, and never quote a secret.
//!
//! [`generate`] makes a fresh configuration from caller-given randomness (`tools/keygen`,
//! `make dev`'s `.dev.vars`).
//!
//! Keys are held typed ([`assent_webpush::VapidKey`], [`assent_receipt::ReceiptKey`],
//! [`assent_channel::StaticSecret`]): the edge gets usable keys from one validation pass and
//! never re-parses a secret, and each key is checked by the very constructor the edge relies
//! on. Their `Debug` output shows public parts only.
//!
//! Pure: no I/O, no clock, no randomness of its own.
//!
//! ```
//! use assent_config::{Config, GenerateSpec, Mode, RpSpec, generate};
//!
//! // Any secure source in real use (getrandom); a counter keeps the example deterministic.
//! let mut counter = 0u8;
//! let mut random = |buf: &mut [u8]| {
//!     for b in buf {
//!         counter = counter.wrapping_add(1);
//!         *b = counter;
//!     }
//! };
//! let generated = generate(&mut random, &GenerateSpec {
//!     edge_origin: "https://assent.example.com".into(),
//!     vapid_subject: None,
//!     allow_loopback_push: false,
//!     relying_parties: vec![RpSpec {
//!         id: "demo".into(),
//!         name: "Example Bank".into(),
//!         mode: Mode::Gateway,
//!         origins: vec!["https://bank.example".into()],
//!         webhook_url: None,
//!     }],
//! })?;
//!
//! let config = Config::from_vars(generated.vars.iter().map(|(k, v)| (*k, v.as_str())))?;
//! assert_eq!(config.rp_id(), "assent.example.com");
//! let (_, api_key) = &generated.api_keys[0];
//! assert_eq!(config.rp_by_api_key(api_key).map(|rp| rp.id()), Some("demo"));
//! assert!(config.rp_by_api_key("ak_guess").is_none());
//!
//! // Problems are all reported, and secrets are not quoted.
//! let errors = Config::from_vars([("VAPID_PRIVATE_KEY", "c2VjcmV0")]).unwrap_err();
//! assert_eq!(errors.errors().len(), 6);
//! assert!(!errors.to_string().contains("c2VjcmV0"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::cast_possible_truncation
    )
)]

mod config;
mod error;
mod generate;
mod json;
mod keys;
mod origin;
mod rp;
pub mod vars;

pub use config::Config;
pub use error::{ConfigError, ConfigErrors, OriginProblem, RpRef};
pub use generate::{
    API_KEY_PREFIX, GenerateError, GenerateSpec, Generated, MAX_SCALAR_DRAWS, RpSpec,
    SECRET_RANDOM_BYTES, WEBHOOK_SECRET_PREFIX, generate,
};
pub use rp::{
    MAX_RP_ID_LEN, MAX_RP_NAME_CHARS, MIN_WEBHOOK_SECRET_CHARS, Mode, RpConfig, Webhook,
    is_valid_rp_id,
};
