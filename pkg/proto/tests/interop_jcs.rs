//! JCS and request hashes checked against ECMAScript (Node 22) as the independent oracle.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assent_proto::content::{Context, Field, Kind, RequestContent};
use assent_proto::jcs::{canonicalize, es_number_to_string};
use assent_testkit::{run_node, test_bytes};
use serde_json::{Value, json};

fn random_doubles() -> Vec<u64> {
    let mut out = Vec::new();
    for seed in 0..4000u64 {
        let b = test_bytes(seed, 8);
        let bits = u64::from_le_bytes(b.try_into().unwrap());
        if f64::from_bits(bits).is_finite() {
            out.push(bits);
        }
    }
    // Doubles with short decimal forms and near the layout boundaries (1e21, 1e-7).
    for s in [
        "0.1",
        "1e21",
        "1e-7",
        "123456789012345680000",
        "0.000001",
        "5e-324",
        "1.5",
    ] {
        out.push(s.parse::<f64>().unwrap().to_bits());
    }
    for i in 0..200u64 {
        // Halfway cases like RFC 8785's 1424953923781206.25 sit among large odd multiples of 1/4.
        #[allow(clippy::cast_precision_loss)]
        let x = (1u64 << 50) as f64 + (i as f64) * 0.25 + 0.25;
        out.push(x.to_bits());
    }
    out
}

fn random_documents() -> Vec<Value> {
    let names = [
        "a",
        "b",
        "\u{20ac}",
        "\r",
        "\u{fb33}",
        "1",
        "\u{1f600}",
        "\u{80}",
        "é",
        "A",
    ];
    let strings = [
        "plain",
        "quote\"back\\slash",
        "ctl\u{1}\u{1f}\u{7f}",
        "\u{2028}\u{2029}",
        "tab\tnl\n",
        "€$😀",
    ];
    (0..60u64)
        .map(|seed| {
            let b = test_bytes(seed + 10_000, 64);
            let mut obj = serde_json::Map::new();
            for i in 0..(b[0] % 8) as usize {
                let name = names[b[i + 1] as usize % names.len()];
                let val = match b[i + 20] % 5 {
                    0 => json!(strings[b[i + 30] as usize % strings.len()]),
                    1 => json!(f64::from(b[i + 40]) / 7.0),
                    2 => json!([null, true, false, u64::from(b[i + 50]) * 1_000_000_007]),
                    3 => json!({"z": 1, "y": {"\u{1f600}": "x", "\u{fb33}": []}}),
                    _ => json!(-(i64::from(b[i + 45]))),
                };
                obj.insert(name.to_owned(), val);
            }
            Value::Object(obj)
        })
        .collect()
}

fn sample_content() -> RequestContent {
    RequestContent {
        v: 1,
        rp_id: "demo".into(),
        rp_name: "Example Bank".into(),
        request_id: "q7T0aYl2Sx6m0Cw3R3kM1A".into(),
        user_id: "alice@example.com".into(),
        kind: Kind::Sign,
        title: Some("Approve transfer to ACME NV — «urgent»".into()),
        context: Some(Context {
            ip: Some("203.0.113.7".into()),
            location: Some("Brussels, BE".into()),
            browser: Some("Firefox on macOS".into()),
        }),
        fields: Some(vec![
            Field {
                label: "Amount".into(),
                value: "EUR 1,250.00".into(),
            },
            Field {
                label: "Payee".into(),
                value: "ACME NV \"Ltd\"\n😀".into(),
            },
        ]),
        created_at: 1_764_800_000,
        expires_at: 1_764_800_120,
    }
}

#[test]
fn numbers_and_documents_match_ecmascript() {
    let doubles = random_doubles();
    let docs = random_documents();
    let content = sample_content();
    let mut doc_texts: Vec<String> = docs.iter().map(Value::to_string).collect();
    doc_texts.push(serde_json::to_string(&content).unwrap());
    let out = run_node(
        "jcs-canonicalize.mjs",
        &json!({
            "doubles": doubles.iter().map(|b| format!("{b:016x}")).collect::<Vec<_>>(),
            "documents": doc_texts,
        }),
    );
    let numbers = out["numbers"].as_array().unwrap();
    assert_eq!(numbers.len(), doubles.len());
    for (bits, expected) in doubles.iter().zip(numbers) {
        assert_eq!(
            es_number_to_string(f64::from_bits(*bits)).unwrap(),
            expected.as_str().unwrap(),
            "{bits:016x}"
        );
    }
    let canonical = out["canonical"].as_array().unwrap();
    for (doc, expected) in docs.iter().zip(canonical) {
        assert_eq!(canonicalize(doc).unwrap(), expected.as_str().unwrap());
    }
    let last = canonical.len() - 1;
    assert_eq!(
        content.canonical_json().unwrap(),
        canonical[last].as_str().unwrap()
    );
    assert_eq!(
        content.request_hash().unwrap(),
        out["sha256_b64u"][last].as_str().unwrap()
    );
}
