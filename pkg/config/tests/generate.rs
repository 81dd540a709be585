//! The generator: fresh configurations the edge accepts, built from the caller's randomness.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use std::collections::BTreeSet;

use assent_config::Config;
use assent_config::{
    ConfigError, GenerateError, GenerateSpec, Generated, Mode, OriginProblem, RpRef, RpSpec,
    generate,
};
use assent_proto::b64u;
use assent_testkit::test_bytes;
use assent_webpush::EndpointError;
use sha2::{Digest, Sha256};

/// A deterministic stand-in for getrandom: a xorshift stream from `seed`.
fn stream(seed: u64) -> impl FnMut(&mut [u8]) {
    let mut round = 0u64;
    move |buf: &mut [u8]| {
        round += 1;
        let bytes = test_bytes(seed.wrapping_mul(1_000_003).wrapping_add(round), buf.len());
        buf.copy_from_slice(&bytes);
    }
}

fn spec() -> GenerateSpec {
    GenerateSpec {
        edge_origin: "https://assent.example.com".into(),
        vapid_subject: None,
        allow_loopback_push: false,
        relying_parties: vec![
            RpSpec {
                id: "demo".into(),
                name: "Example Bank".into(),
                mode: Mode::Gateway,
                origins: vec!["https://bank.example".into()],
                webhook_url: Some("https://bank.example/hooks/assent".into()),
            },
            RpSpec {
                id: "demo-secure".into(),
                name: "Bob's \"Secure\" Bank".into(),
                mode: Mode::Secure,
                origins: vec![
                    "https://bank.example".into(),
                    "https://m.bank.example".into(),
                ],
                webhook_url: None,
            },
        ],
    }
}

fn parse(generated: &Generated) -> Config {
    Config::from_vars(generated.vars.iter().map(|(k, v)| (*k, v.as_str()))).unwrap()
}

fn var<'a>(generated: &'a Generated, name: &str) -> &'a str {
    &generated.vars.iter().find(|(n, _)| *n == name).unwrap().1
}

#[test]
fn generated_configuration_parses_back() {
    let generated = generate(&mut stream(1), &spec()).unwrap();
    let names: Vec<&str> = generated.vars.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "ASSENT_EDGE_ORIGIN",
            "VAPID_PRIVATE_KEY",
            "VAPID_SUBJECT",
            "RECEIPT_PRIVATE_KEY",
            "CHANNEL_PRIVATE_KEY",
            "ASSENT_RELYING_PARTIES",
        ]
    );
    let config = parse(&generated);
    assert_eq!(config.edge_origin(), "https://assent.example.com");
    assert_eq!(config.vapid().subject(), "https://assent.example.com");
    assert!(!config.allow_loopback_push());

    let demo = config.rp_by_id("demo").unwrap();
    assert_eq!(demo.mode(), Mode::Gateway);
    assert_eq!(
        demo.webhook().unwrap().url(),
        "https://bank.example/hooks/assent"
    );
    let secure = config.rp_by_id("demo-secure").unwrap();
    assert_eq!(secure.name(), "Bob's \"Secure\" Bank");
    assert_eq!(secure.mode(), Mode::Secure);
    assert_eq!(
        secure.origins(),
        ["https://bank.example", "https://m.bank.example"]
    );
    assert!(secure.webhook().is_none());
}

#[test]
fn keys_are_fresh_well_formed_and_distinct() {
    let a = generate(&mut stream(1), &spec()).unwrap();
    let b = generate(&mut stream(2), &spec()).unwrap();
    let mut seen = BTreeSet::new();
    for generated in [&a, &b] {
        for name in [
            "VAPID_PRIVATE_KEY",
            "RECEIPT_PRIVATE_KEY",
            "CHANNEL_PRIVATE_KEY",
        ] {
            let key = var(generated, name);
            assert_eq!(b64u::decode(key).unwrap().len(), 32);
            assert!(seen.insert(key.to_owned()), "{name} repeated");
        }
        for (_, api_key) in &generated.api_keys {
            let raw = api_key.strip_prefix("ak_").unwrap();
            assert_eq!(b64u::decode(raw).unwrap().len(), 32);
            assert!(seen.insert(api_key.clone()));
        }
        for (_, secret) in &generated.webhook_secrets {
            let raw = secret.strip_prefix("whsec_").unwrap();
            assert_eq!(b64u::decode(raw).unwrap().len(), 32);
            assert!(seen.insert(secret.clone()));
        }
    }
    assert_eq!(seen.len(), 2 * (3 + 2 + 1));
}

#[test]
fn api_keys_and_webhook_secrets_are_the_configured_ones() {
    let generated = generate(&mut stream(3), &spec()).unwrap();
    let config = parse(&generated);
    let ids: Vec<&str> = generated
        .api_keys
        .iter()
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(ids, ["demo", "demo-secure"]);
    for (id, api_key) in &generated.api_keys {
        assert_eq!(config.rp_by_api_key(api_key).unwrap().id(), id);
        // The configuration holds the key's SHA-256 only, never the key.
        let hash: [u8; 32] = Sha256::digest(api_key.as_bytes()).into();
        assert_eq!(config.rp_by_id(id).unwrap().api_key_sha256(), &hash);
        assert!(!var(&generated, "ASSENT_RELYING_PARTIES").contains(api_key.as_str()));
    }
    assert_eq!(generated.webhook_secrets.len(), 1);
    let (id, secret) = &generated.webhook_secrets[0];
    assert_eq!(id, "demo");
    assert_eq!(
        config.rp_by_id("demo").unwrap().webhook().unwrap().secret(),
        secret.as_bytes()
    );
}

#[test]
fn relying_parties_json_has_no_single_quote() {
    let generated = generate(&mut stream(4), &spec()).unwrap();
    let json = var(&generated, "ASSENT_RELYING_PARTIES");
    assert!(!json.contains('\''), "{json}");
    assert!(json.contains(r#"Bob\u0027s \"Secure\" Bank"#), "{json}");
}

#[test]
fn local_configuration() {
    let mut spec = spec();
    spec.edge_origin = "http://localhost:8787".into();
    spec.allow_loopback_push = true;
    spec.relying_parties[0].origins = vec!["http://localhost:8787".into()];
    spec.relying_parties[0].webhook_url = Some("http://127.0.0.1:9000/hook".into());
    let generated = generate(&mut stream(5), &spec).unwrap();
    assert_eq!(var(&generated, "ASSENT_ALLOW_LOOPBACK_PUSH"), "1");
    let config = parse(&generated);
    assert_eq!(config.rp_id(), "localhost");
    assert_eq!(config.vapid().subject(), "mailto:assent@localhost");
    assert!(config.allow_loopback_push());

    spec.vapid_subject = Some("mailto:dev@bank.example".into());
    let generated = generate(&mut stream(5), &spec).unwrap();
    assert_eq!(
        parse(&generated).vapid().subject(),
        "mailto:dev@bank.example"
    );
}

#[test]
fn invalid_scalars_are_redrawn() {
    // The first draw is above the group order, the second is zero: both are skipped, and
    // the third draw becomes VAPID_PRIVATE_KEY unchanged (no reduction, no bias).
    let mut draws = 0u8;
    let mut random = |buf: &mut [u8]| {
        draws += 1;
        let fill = match draws {
            1 => 0xff,
            2 => 0,
            n => n,
        };
        buf.fill(fill);
    };
    let generated = generate(&mut random, &spec()).unwrap();
    assert_eq!(
        b64u::decode(var(&generated, "VAPID_PRIVATE_KEY")).unwrap(),
        [3u8; 32]
    );
    assert_eq!(
        b64u::decode(var(&generated, "RECEIPT_PRIVATE_KEY")).unwrap(),
        [4u8; 32]
    );
}

#[test]
fn a_broken_random_source_is_refused() {
    let zeros = generate(&mut |buf: &mut [u8]| buf.fill(0), &spec());
    assert_eq!(zeros, Err(GenerateError::RandomSourceBroken));

    // A source that repeats itself yields equal keys, which the parse-back refuses.
    let Err(GenerateError::Invalid(errors)) = generate(&mut |buf: &mut [u8]| buf.fill(7), &spec())
    else {
        panic!("a constant random source was accepted")
    };
    assert!(errors.errors().contains(&ConfigError::KeysShared {
        first: "VAPID_PRIVATE_KEY",
        second: "RECEIPT_PRIVATE_KEY"
    }));
    assert!(
        errors
            .errors()
            .contains(&ConfigError::RpApiKeyHashDuplicate {
                rp: RpRef {
                    index: 1,
                    id: Some("demo-secure".into())
                },
                first: RpRef {
                    index: 0,
                    id: Some("demo".into())
                },
            })
    );
}

#[test]
fn an_invalid_spec_is_refused_with_its_errors() {
    let mut spec = spec();
    spec.relying_parties[0].origins = vec!["https://bank.example/".into()];
    spec.relying_parties[1].webhook_url = Some("http://bank.example/h".into());
    let Err(GenerateError::Invalid(errors)) = generate(&mut stream(6), &spec) else {
        panic!("an invalid spec was accepted")
    };
    let demo = RpRef {
        index: 0,
        id: Some("demo".into()),
    };
    let secure = RpRef {
        index: 1,
        id: Some("demo-secure".into()),
    };
    assert_eq!(
        errors.errors(),
        [
            ConfigError::RpOriginInvalid {
                rp: demo,
                index: 0,
                origin: "https://bank.example/".into(),
                problem: OriginProblem::NotSerialized {
                    serialized: "https://bank.example".into()
                },
            },
            ConfigError::RpWebhookUrlInvalid {
                rp: secure,
                problem: EndpointError::NotHttps,
            },
        ]
    );
}

#[test]
fn debug_output_hides_generated_secrets() {
    let generated = generate(&mut stream(7), &spec()).unwrap();
    let debug = format!("{generated:?}");
    for (_, value) in &generated.vars {
        if value.len() > 20 {
            assert!(!debug.contains(value.as_str()), "{debug}");
        }
    }
    for (_, key) in generated.api_keys.iter().chain(&generated.webhook_secrets) {
        assert!(!debug.contains(key.as_str()), "{debug}");
    }
    assert!(debug.contains("demo-secure"), "{debug}");
}
