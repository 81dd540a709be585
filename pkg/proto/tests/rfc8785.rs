//! RFC 8785 examples reproduced exactly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assent_proto::jcs::{JcsError, canonicalize, es_number_to_string};

/// RFC 8785 §3.2.2 input (whitespace, escapes and number spellings all non-canonical).
const SECTION_3_2_2_INPUT: &str = r#"{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"#;
const SECTION_3_2_2_OUTPUT: &str = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"\u{20ac}$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";

/// RFC 8785 §3.2.3 sorting example: UTF-16 code unit order.
const SECTION_3_2_3_INPUT: &str = r#"{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"#;
const SECTION_3_2_3_ORDER: [&str; 7] = [
    "Carriage Return",
    "One",
    "Control",
    "Latin Small Letter O With Diaeresis",
    "Euro Sign",
    "Emoji: Grinning Face",
    "Hebrew Letter Dalet With Dagesh",
];

/// RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical spelling.
const APPENDIX_B: [(u64, &str); 24] = [
    (0x0000000000000000, "0"),
    (0x8000000000000000, "0"),
    (0x0000000000000001, "5e-324"),
    (0x8000000000000001, "-5e-324"),
    (0x7fefffffffffffff, "1.7976931348623157e+308"),
    (0xffefffffffffffff, "-1.7976931348623157e+308"),
    (0x4340000000000000, "9007199254740992"),
    (0xc340000000000000, "-9007199254740992"),
    (0x4430000000000000, "295147905179352830000"),
    (0x44b52d02c7e14af5, "9.999999999999997e+22"),
    (0x44b52d02c7e14af6, "1e+23"),
    (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
    (0x444b1ae4d6e2ef4e, "999999999999999700000"),
    (0x444b1ae4d6e2ef4f, "999999999999999900000"),
    (0x444b1ae4d6e2ef50, "1e+21"),
    (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
    (0x3eb0c6f7a0b5ed8d, "0.000001"),
    (0x41b3de4355555553, "333333333.3333332"),
    (0x41b3de4355555554, "333333333.33333325"),
    (0x41b3de4355555555, "333333333.3333333"),
    (0x41b3de4355555556, "333333333.3333334"),
    (0x41b3de4355555557, "333333333.33333343"),
    (0xbecbf647612f3696, "-0.0000033333333333333333"),
    (0x43143ff3c1cb0959, "1424953923781206.2"),
];

#[test]
fn section_3_2_2_example() {
    let value: serde_json::Value = serde_json::from_str(SECTION_3_2_2_INPUT).unwrap();
    assert_eq!(canonicalize(&value).unwrap(), SECTION_3_2_2_OUTPUT);
}

#[test]
fn section_3_2_3_sorting() {
    let value: serde_json::Value = serde_json::from_str(SECTION_3_2_3_INPUT).unwrap();
    let text = canonicalize(&value).unwrap();
    let positions: Vec<usize> = SECTION_3_2_3_ORDER
        .iter()
        .map(|v| text.find(v).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.starts_with("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":"));
}

#[test]
fn appendix_b_numbers() {
    for (bits, expected) in APPENDIX_B {
        let x = f64::from_bits(bits);
        assert_eq!(es_number_to_string(x).unwrap(), expected, "{bits:016x}");
    }
    assert_eq!(
        es_number_to_string(f64::from_bits(0x7fffffffffffffff)),
        Err(JcsError::NonFiniteNumber)
    );
    assert_eq!(
        es_number_to_string(f64::INFINITY),
        Err(JcsError::NonFiniteNumber)
    );
}
