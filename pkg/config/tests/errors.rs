//! Every configuration check, one table row each: the exact list of errors a broken
//! configuration yields (SPEC §3, §13).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_possible_truncation
)]

mod common;

use std::collections::BTreeMap;

use assent_config::{Config, ConfigError as E, OriginProblem, RpRef};
use assent_proto::b64u;
use assent_rules::LimitsError;
use assent_webpush::EndpointError;
use serde_json::{Map, Value, json};

type Vars = BTreeMap<&'static str, String>;

const EDGE: &str = "ASSENT_EDGE_ORIGIN";
const VAPID: &str = "VAPID_PRIVATE_KEY";
const SUBJECT: &str = "VAPID_SUBJECT";
const RECEIPT: &str = "RECEIPT_PRIVATE_KEY";
const CHANNEL: &str = "CHANNEL_PRIVATE_KEY";
const RPS: &str = "ASSENT_RELYING_PARTIES";
const LOOPBACK: &str = "ASSENT_ALLOW_LOOPBACK_PUSH";

/// The P-256 group order n (SEC 2 §2.4.2), big-endian: the first invalid scalar.
const ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

fn errors_of(vars: &Vars) -> Vec<E> {
    match Config::from_vars(vars.iter().map(|(k, v)| (*k, v.as_str()))) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_vec(),
    }
}

fn set(vars: &mut Vars, name: &'static str, value: &str) {
    vars.insert(name, value.to_owned());
}

fn rps(vars: &mut Vars, edit: impl FnOnce(&mut Vec<Value>)) {
    let mut list: Vec<Value> = serde_json::from_str(&vars[RPS]).unwrap();
    edit(&mut list);
    vars.insert(RPS, Value::Array(list).to_string());
}

fn rp(vars: &mut Vars, index: usize, edit: impl FnOnce(&mut Map<String, Value>)) {
    rps(vars, |list| edit(list[index].as_object_mut().unwrap()));
}

fn demo() -> RpRef {
    RpRef {
        index: 0,
        id: Some("demo".into()),
    }
}

fn secure() -> RpRef {
    RpRef {
        index: 1,
        id: Some("demo-secure".into()),
    }
}

fn origin(value: &str, problem: OriginProblem) -> E {
    E::EdgeOrigin {
        value: value.into(),
        problem,
    }
}

fn rp_origin(index: usize, value: &str, problem: OriginProblem) -> E {
    E::RpOriginInvalid {
        rp: demo(),
        index,
        origin: value.into(),
        problem,
    }
}

fn member_type(rp: RpRef, member: &str, expected: &'static str, found: &'static str) -> E {
    E::RpMemberType {
        rp,
        member: member.into(),
        expected,
        found,
    }
}

type Case = (&'static str, fn(&mut Vars), Vec<E>);

fn cases() -> Vec<Case> {
    use EndpointError as U;
    use OriginProblem as O;
    vec![
        ("the base configuration is valid", |_| {}, vec![]),
        (
            "a missing edge origin",
            |v| {
                v.remove(EDGE);
            },
            vec![E::Missing { name: EDGE }],
        ),
        (
            "every required variable missing",
            |v| v.clear(),
            vec![
                E::Missing { name: EDGE },
                E::Missing { name: VAPID },
                E::Missing { name: SUBJECT },
                E::Missing { name: RECEIPT },
                E::Missing { name: CHANNEL },
                E::Missing { name: RPS },
            ],
        ),
        (
            "a padded key",
            |v| set(v, VAPID, &format!("{}=", b64u::encode(&[1; 32]))),
            vec![E::KeyEncoding { name: VAPID }],
        ),
        (
            "a standard-base64 key",
            |v| set(v, VAPID, "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB+/8"),
            vec![E::KeyEncoding { name: VAPID }],
        ),
        (
            "a key with a trailing newline",
            |v| set(v, CHANNEL, &format!("{}\n", b64u::encode(&[3; 32]))),
            vec![E::KeyEncoding { name: CHANNEL }],
        ),
        (
            "a 31-byte key",
            |v| set(v, RECEIPT, &b64u::encode(&[2; 31])),
            vec![E::KeyLength {
                name: RECEIPT,
                len: 31,
            }],
        ),
        (
            "a 33-byte key",
            |v| set(v, VAPID, &b64u::encode(&[1; 33])),
            vec![E::KeyLength {
                name: VAPID,
                len: 33,
            }],
        ),
        (
            "a zero scalar",
            |v| set(v, CHANNEL, &b64u::encode(&[0; 32])),
            vec![E::KeyScalar { name: CHANNEL }],
        ),
        (
            "a scalar equal to the group order",
            |v| set(v, RECEIPT, &b64u::encode(&ORDER)),
            vec![E::KeyScalar { name: RECEIPT }],
        ),
        (
            "a scalar above the group order",
            |v| set(v, VAPID, &b64u::encode(&[0xff; 32])),
            vec![E::KeyScalar { name: VAPID }],
        ),
        (
            "the receipt key reusing the VAPID key",
            |v| set(v, RECEIPT, &b64u::encode(&[1; 32])),
            vec![E::KeysShared {
                first: VAPID,
                second: RECEIPT,
            }],
        ),
        (
            "one key for all three purposes",
            |v| {
                let key = v[VAPID].clone();
                set(v, RECEIPT, &key);
                set(v, CHANNEL, &key);
            },
            vec![
                E::KeysShared {
                    first: VAPID,
                    second: RECEIPT,
                },
                E::KeysShared {
                    first: VAPID,
                    second: CHANNEL,
                },
                E::KeysShared {
                    first: RECEIPT,
                    second: CHANNEL,
                },
            ],
        ),
        (
            "a bare e-mail address as VAPID subject",
            |v| set(v, SUBJECT, "ops@assent.example.com"),
            vec![E::VapidSubject],
        ),
        (
            "an http VAPID subject",
            |v| set(v, SUBJECT, "http://assent.example.com"),
            vec![E::VapidSubject],
        ),
        (
            "a bad subject is reported beside a bad VAPID key",
            |v| {
                set(v, SUBJECT, "mailto:");
                set(v, VAPID, &b64u::encode(&[0; 32]));
            },
            vec![E::KeyScalar { name: VAPID }, E::VapidSubject],
        ),
        (
            "ASSENT_ALLOW_LOOPBACK_PUSH=true",
            |v| set(v, LOOPBACK, "true"),
            vec![E::AllowLoopbackValue],
        ),
        (
            "an empty ASSENT_ALLOW_LOOPBACK_PUSH",
            |v| set(v, LOOPBACK, ""),
            vec![E::AllowLoopbackValue],
        ),
        (
            "an edge origin with a trailing slash",
            |v| set(v, EDGE, "https://assent.example.com/"),
            vec![origin(
                "https://assent.example.com/",
                O::NotSerialized {
                    serialized: "https://assent.example.com".into(),
                },
            )],
        ),
        (
            "an edge origin in upper case with the default port",
            |v| set(v, EDGE, "HTTPS://Assent.Example.com:443"),
            vec![origin(
                "HTTPS://Assent.Example.com:443",
                O::NotSerialized {
                    serialized: "https://assent.example.com".into(),
                },
            )],
        ),
        (
            "an edge origin without a scheme",
            |v| set(v, EDGE, "assent.example.com"),
            vec![origin("assent.example.com", O::Url(U::UnsupportedScheme))],
        ),
        (
            "a plain-http public edge",
            |v| set(v, EDGE, "http://assent.example.com"),
            vec![origin("http://assent.example.com", O::Url(U::NotHttps))],
        ),
        (
            "a localhost edge without loopback allowed",
            |v| set(v, EDGE, "http://localhost:8787"),
            vec![origin(
                "http://localhost:8787",
                O::Url(U::LoopbackNotAllowed),
            )],
        ),
        (
            "a localhost edge with loopback allowed",
            |v| {
                set(v, EDGE, "http://localhost:8787");
                set(v, LOOPBACK, "1");
            },
            vec![],
        ),
        (
            "an IPv4 edge (no WebAuthn RP ID)",
            |v| {
                set(v, EDGE, "http://127.0.0.1:8787");
                set(v, LOOPBACK, "1");
            },
            vec![origin("http://127.0.0.1:8787", O::IpAddress)],
        ),
        (
            "an IPv6 edge",
            |v| set(v, EDGE, "https://[2001:db8::1]"),
            vec![origin("https://[2001:db8::1]", O::IpAddress)],
        ),
        (
            "relying parties that are not JSON",
            |v| set(v, RPS, "[\n  {\"id\": }"),
            vec![E::RelyingPartiesSyntax {
                line: 2,
                column: 10,
            }],
        ),
        (
            "truncated relying parties",
            |v| set(v, RPS, "[{"),
            vec![E::RelyingPartiesSyntax { line: 1, column: 2 }],
        ),
        (
            "relying parties as an object",
            |v| set(v, RPS, r#"{"id": "demo"}"#),
            vec![E::RelyingPartiesNotArray { found: "an object" }],
        ),
        (
            "no relying party",
            |v| set(v, RPS, "[]"),
            vec![E::RelyingPartiesEmpty],
        ),
        (
            "entries that are not objects",
            |v| rps(v, |l| l.extend([json!(1), json!(null)])),
            vec![
                E::RpNotObject {
                    index: 2,
                    found: "a number",
                },
                E::RpNotObject {
                    index: 3,
                    found: "null",
                },
            ],
        ),
        (
            "an unknown member",
            |v| rp(v, 0, |o| drop(o.insert("webhook".into(), json!("x")))),
            vec![E::RpUnknownMember {
                rp: demo(),
                member: "webhook".into(),
            }],
        ),
        (
            "a member given twice",
            |v| {
                let text = v[RPS].replacen(
                    r#""mode":"gateway""#,
                    r#""mode":"gateway","mode":"secure""#,
                    1,
                );
                set(v, RPS, &text);
            },
            vec![E::RpDuplicateMember {
                rp: demo(),
                member: "mode".into(),
            }],
        ),
        (
            "a missing id",
            |v| rp(v, 0, |o| drop(o.remove("id"))),
            vec![E::RpMissingMember {
                rp: RpRef { index: 0, id: None },
                member: "id",
            }],
        ),
        (
            "every other required member missing",
            |v| {
                rp(v, 0, |o| {
                    for m in ["name", "mode", "origins", "api_key_sha256"] {
                        o.remove(m);
                    }
                })
            },
            ["name", "mode", "origins", "api_key_sha256"]
                .map(|member| E::RpMissingMember { rp: demo(), member })
                .to_vec(),
        ),
        (
            "an id in upper case",
            |v| rp(v, 0, |o| drop(o.insert("id".into(), json!("Demo")))),
            vec![E::RpIdInvalid {
                index: 0,
                id: "Demo".into(),
            }],
        ),
        (
            "an id of 33 characters",
            |v| rp(v, 0, |o| drop(o.insert("id".into(), json!("a".repeat(33))))),
            vec![E::RpIdInvalid {
                index: 0,
                id: "a".repeat(33),
            }],
        ),
        (
            "a numeric id",
            |v| rp(v, 0, |o| drop(o.insert("id".into(), json!(7)))),
            vec![member_type(
                RpRef { index: 0, id: None },
                "id",
                "a string",
                "a number",
            )],
        ),
        (
            "two RPs with one id",
            |v| rp(v, 1, |o| drop(o.insert("id".into(), json!("demo")))),
            vec![E::RpIdDuplicate {
                index: 1,
                id: "demo".into(),
                first_index: 0,
            }],
        ),
        (
            "an empty name",
            |v| rp(v, 0, |o| drop(o.insert("name".into(), json!("")))),
            vec![E::RpNameInvalid { rp: demo() }],
        ),
        (
            "a 65-character name",
            |v| {
                rp(v, 0, |o| {
                    drop(o.insert("name".into(), json!("é".repeat(65))))
                })
            },
            vec![E::RpNameInvalid { rp: demo() }],
        ),
        (
            "a name with a newline",
            |v| rp(v, 0, |o| drop(o.insert("name".into(), json!("Bank\nX")))),
            vec![E::RpNameInvalid { rp: demo() }],
        ),
        (
            "a mode in title case",
            |v| rp(v, 1, |o| drop(o.insert("mode".into(), json!("Secure")))),
            vec![E::RpModeInvalid {
                rp: secure(),
                mode: "Secure".into(),
            }],
        ),
        (
            "no origins",
            |v| rp(v, 0, |o| drop(o.insert("origins".into(), json!([])))),
            vec![E::RpOriginsEmpty { rp: demo() }],
        ),
        (
            "origins as a string",
            |v| {
                rp(v, 0, |o| {
                    drop(o.insert("origins".into(), json!("https://bank.example")))
                })
            },
            vec![member_type(
                demo(),
                "origins",
                "an array of origins",
                "a string",
            )],
        ),
        (
            "an origin that is not a string",
            |v| rp(v, 0, |o| drop(o.insert("origins".into(), json!([42])))),
            vec![member_type(demo(), "origins[0]", "a string", "a number")],
        ),
        (
            "an origin with a path",
            |v| {
                rp(v, 0, |o| {
                    drop(o.insert("origins".into(), json!(["https://bank.example/login"])))
                })
            },
            vec![rp_origin(
                0,
                "https://bank.example/login",
                O::NotSerialized {
                    serialized: "https://bank.example".into(),
                },
            )],
        ),
        (
            "a plain-http public origin",
            |v| {
                rp(v, 0, |o| {
                    drop(o.insert(
                        "origins".into(),
                        json!(["https://bank.example", "http://bank.example"]),
                    ))
                })
            },
            vec![rp_origin(1, "http://bank.example", O::Url(U::NotHttps))],
        ),
        (
            "a localhost origin without loopback allowed",
            |v| {
                rp(v, 0, |o| {
                    drop(o.insert("origins".into(), json!(["http://localhost:3000"])))
                })
            },
            vec![rp_origin(
                0,
                "http://localhost:3000",
                O::Url(U::LoopbackNotAllowed),
            )],
        ),
        (
            "loopback origins and webhook with loopback allowed",
            |v| {
                set(v, LOOPBACK, "1");
                rp(v, 0, |o| {
                    o.insert(
                        "origins".into(),
                        json!(["http://localhost:3000", "http://127.0.0.1:3000"]),
                    );
                    o.insert("webhook_url".into(), json!("http://127.0.0.1:9000/hook"));
                })
            },
            vec![],
        ),
        (
            "an origin listed twice",
            |v| {
                rp(v, 0, |o| {
                    drop(o.insert(
                        "origins".into(),
                        json!(["https://bank.example", "https://bank.example"]),
                    ))
                })
            },
            vec![E::RpOriginDuplicate {
                rp: demo(),
                origin: "https://bank.example".into(),
            }],
        ),
        (
            "an API key hash in upper case",
            |v| {
                rp(v, 0, |o| {
                    drop(o.insert(
                        "api_key_sha256".into(),
                        json!(common::SHA256_ABC.to_uppercase()),
                    ))
                })
            },
            vec![E::RpApiKeyHashInvalid { rp: demo() }],
        ),
        (
            "an API key hash of 63 digits",
            |v| {
                rp(v, 0, |o| {
                    drop(o.insert("api_key_sha256".into(), json!(common::SHA256_ABC[..63])))
                })
            },
            vec![E::RpApiKeyHashInvalid { rp: demo() }],
        ),
        (
            "two RPs with one API key",
            |v| {
                rp(v, 1, |o| {
                    drop(o.insert("api_key_sha256".into(), json!(common::SHA256_ABC)))
                })
            },
            vec![E::RpApiKeyHashDuplicate {
                rp: secure(),
                first: demo(),
            }],
        ),
        (
            "a webhook URL without a secret",
            |v| rp(v, 0, |o| drop(o.remove("webhook_secret"))),
            vec![E::RpWebhookUrlWithoutSecret { rp: demo() }],
        ),
        (
            "a webhook secret without a URL",
            |v| rp(v, 0, |o| drop(o.remove("webhook_url"))),
            vec![E::RpWebhookSecretWithoutUrl { rp: demo() }],
        ),
        (
            "a 31-character webhook secret",
            |v| {
                rp(v, 0, |o| {
                    drop(o.insert("webhook_secret".into(), json!("s".repeat(31))))
                })
            },
            vec![E::RpWebhookSecretTooShort { rp: demo() }],
        ),
        (
            "a plain-http webhook URL",
            |v| {
                rp(v, 0, |o| {
                    drop(o.insert("webhook_url".into(), json!("http://bank.example/hook")))
                })
            },
            vec![E::RpWebhookUrlInvalid {
                rp: demo(),
                problem: U::NotHttps,
            }],
        ),
        (
            "a loopback webhook URL without loopback allowed",
            |v| {
                rp(v, 0, |o| {
                    drop(o.insert("webhook_url".into(), json!("http://127.0.0.1:9000/hook")))
                })
            },
            vec![E::RpWebhookUrlInvalid {
                rp: demo(),
                problem: U::LoopbackNotAllowed,
            }],
        ),
        (
            "a null webhook URL",
            |v| rp(v, 1, |o| drop(o.insert("webhook_url".into(), json!(null)))),
            vec![member_type(
                secure(),
                "webhook_url",
                "a string (omit it when unused)",
                "null",
            )],
        ),
        (
            "limits that are not an object",
            |v| rp(v, 1, |o| drop(o.insert("limits".into(), json!([600])))),
            vec![member_type(secure(), "limits", "an object", "an array")],
        ),
        (
            "an unknown limits member",
            |v| {
                rp(v, 1, |o| {
                    drop(o.insert("limits".into(), json!({"max_ttl": 60})))
                })
            },
            vec![E::RpUnknownMember {
                rp: secure(),
                member: "limits.max_ttl".into(),
            }],
        ),
        (
            "a limits member given twice",
            |v| {
                let text = v[RPS].replacen(
                    r#""freeze_seconds":0"#,
                    r#""freeze_seconds":0,"freeze_seconds":60"#,
                    1,
                );
                set(v, RPS, &text);
            },
            vec![E::RpDuplicateMember {
                rp: secure(),
                member: "limits.freeze_seconds".into(),
            }],
        ),
        (
            "limits that are not integers or out of range",
            |v| {
                rp(v, 1, |o| {
                    drop(o.insert(
                        "limits".into(),
                        json!({"min_ttl_seconds": -1, "max_ttl_seconds": 1.5,
                               "requests_per_10_min": 4_294_967_296_u64,
                               "freeze_seconds": "60"}),
                    ))
                })
            },
            // (serde_json's `Map` writes members sorted, so that is the document order.)
            vec![
                member_type(secure(), "limits.freeze_seconds", "an integer", "a string"),
                E::RpLimitsNotInteger {
                    rp: secure(),
                    member: "limits.max_ttl_seconds".into(),
                },
                E::RpLimitsNotInteger {
                    rp: secure(),
                    member: "limits.min_ttl_seconds".into(),
                },
                E::RpLimitsNotInteger {
                    rp: secure(),
                    member: "limits.requests_per_10_min".into(),
                },
            ],
        ),
        (
            "a minimum lifetime above the maximum",
            |v| {
                rp(v, 1, |o| {
                    drop(o.insert(
                        "limits".into(),
                        json!({"min_ttl_seconds": 300, "max_ttl_seconds": 200}),
                    ))
                })
            },
            vec![E::RpLimits {
                rp: secure(),
                error: LimitsError::MinTtlAboveMax { min: 300, max: 200 },
            }],
        ),
        (
            "a maximum lifetime above a day",
            |v| {
                rp(v, 1, |o| {
                    drop(o.insert("limits".into(), json!({"max_ttl_seconds": 86_401})))
                })
            },
            vec![E::RpLimits {
                rp: secure(),
                error: LimitsError::MaxTtlTooLarge { max: 86_401 },
            }],
        ),
        (
            "no request budget",
            |v| {
                rp(v, 1, |o| {
                    drop(o.insert("limits".into(), json!({"requests_per_10_min": 0})))
                })
            },
            vec![E::RpLimits {
                rp: secure(),
                error: LimitsError::NoRequestBudget,
            }],
        ),
    ]
}

#[test]
fn each_check_reports_exactly_its_error() {
    let cases = cases();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (name, edit, expected) in cases {
        let mut vars = common::vars();
        edit(&mut vars);
        let got = errors_of(&vars);
        if got != expected {
            failures.push(format!(
                "{name}:\n   expected {expected:?}\n   got      {got:?}"
            ));
        }
        // Every message names where the problem is.
        for error in &got {
            let text = error.to_string();
            assert!(
                text.starts_with("ASSENT_")
                    || text.starts_with("VAPID_")
                    || text.starts_with("RECEIPT_")
                    || text.starts_with("CHANNEL_"),
                "{name}: {text}"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn all_problems_are_collected_in_one_pass() {
    let mut vars = common::vars();
    set(&mut vars, EDGE, "https://assent.example.com/");
    set(&mut vars, RECEIPT, &b64u::encode(&[0; 32]));
    set(&mut vars, SUBJECT, "nobody");
    set(&mut vars, LOOPBACK, "yes");
    vars.remove(CHANNEL);
    rp(&mut vars, 0, |o| {
        o.insert("mode".into(), json!("push"));
        o.insert("colour".into(), json!("blue"));
        o.remove("webhook_secret");
    });
    rp(&mut vars, 1, |o| {
        o.insert("id".into(), json!("demo"));
        o.insert("limits".into(), json!({"max_failed_decisions": 0}));
    });

    let errors = Config::from_vars(vars.iter().map(|(k, v)| (*k, v.as_str()))).unwrap_err();
    let dup = RpRef {
        index: 1,
        id: Some("demo".into()),
    };
    assert_eq!(
        errors.errors(),
        [
            E::Missing { name: CHANNEL },
            E::AllowLoopbackValue,
            origin(
                "https://assent.example.com/",
                OriginProblem::NotSerialized {
                    serialized: "https://assent.example.com".into()
                }
            ),
            E::KeyScalar { name: RECEIPT },
            E::VapidSubject,
            E::RpUnknownMember {
                rp: demo(),
                member: "colour".into()
            },
            E::RpModeInvalid {
                rp: demo(),
                mode: "push".into()
            },
            E::RpWebhookUrlWithoutSecret { rp: demo() },
            E::RpLimits {
                rp: dup,
                error: LimitsError::NoFailedDecisions
            },
            E::RpIdDuplicate {
                index: 1,
                id: "demo".into(),
                first_index: 0
            },
        ]
    );
    let text = errors.to_string();
    assert!(text.starts_with("invalid Assent edge configuration (10 problems):\n  - "));
    assert_eq!(text.lines().count(), 11);
}

#[test]
fn messages_are_specific() {
    // Spot checks of the wording an operator reads.
    let mut vars = common::vars();
    rp(&mut vars, 0, |o| {
        o.insert("origins".into(), json!(["https://bank.example:443"]));
        o.insert("extra".into(), json!(1));
    });
    set(&mut vars, RECEIPT, &b64u::encode(&[2; 31]));
    let text = Config::from_vars(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .unwrap_err()
        .to_string();
    for expected in [
        "RECEIPT_PRIVATE_KEY decodes to 31 bytes; a P-256 private key is 32 bytes",
        "ASSENT_RELYING_PARTIES[0] (\"demo\"): unknown member \"extra\"",
        "ASSENT_RELYING_PARTIES[0] (\"demo\"): origins[0] \"https://bank.example:443\" is not a \
         serialized origin (scheme://host[:port] in lower case, no default port, no path); \
         write \"https://bank.example\"",
    ] {
        assert!(text.contains(expected), "{expected}\nnot in\n{text}");
    }
}
