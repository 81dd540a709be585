//! RFC 8785 JSON Canonicalization Scheme (JCS).
//!
//! The canonical form is what both sides hash: the edge when it stores a request, the PWA
//! when it recomputes `request_hash` from what it shows, an RP when it verifies a receipt.
//! Any divergence would make a correct signature look forged, so the rules are followed to
//! the letter: object members sorted by their UTF-16 code units (§3.2.3), strings escaped as
//! ECMAScript's `JSON.stringify` does (§3.2.2.2), numbers formatted as ECMAScript's
//! `Number.prototype.toString` (§3.2.2.3), no whitespace.

use serde_json::Value;

/// A value that has no canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JcsError {
    /// NaN and ±Infinity are not JSON numbers (RFC 8785 §3.2.2.3).
    NonFiniteNumber,
}

impl core::fmt::Display for JcsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::NonFiniteNumber => f.write_str("NaN or Infinity cannot be canonicalized"),
        }
    }
}

impl std::error::Error for JcsError {}

/// Returns the canonical JSON text of `value`.
pub fn canonicalize(value: &Value) -> Result<String, JcsError> {
    let mut out = String::new();
    write_value(&mut out, value)?;
    Ok(out)
}

/// Canonicalizes any serializable value (via its `serde_json` form).
pub fn canonicalize_serialize<T: serde::Serialize>(value: &T) -> Result<String, JcsError> {
    // Serializing our own plain data types into a Value cannot fail except for non-finite
    // floats, which serde_json turns into null; JCS would reject them, so report them.
    let value = serde_json::to_value(value).map_err(|_| JcsError::NonFiniteNumber)?;
    canonicalize(&value)
}

fn write_value(out: &mut String, value: &Value) -> Result<(), JcsError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(out, n)?,
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            // §3.2.3: sort by the UTF-16 code units of the names, not by UTF-8 bytes
            // (they differ for characters above U+FFFF versus U+E000..U+FFFF).
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (name, member)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, name);
                out.push(':');
                write_value(out, member)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_number(out: &mut String, n: &serde_json::Number) -> Result<(), JcsError> {
    // JCS numbers are IEEE 754 doubles: integers beyond 2^53 are rounded like JavaScript does.
    #[allow(clippy::cast_precision_loss)]
    let x = if let Some(i) = n.as_i64() {
        i as f64
    } else if let Some(u) = n.as_u64() {
        u as f64
    } else {
        n.as_f64().ok_or(JcsError::NonFiniteNumber)?
    };
    out.push_str(&es_number_to_string(x)?);
    Ok(())
}

/// ECMAScript `Number.prototype.toString(x)` for finite doubles (ECMA-262 §6.1.6.1.20).
pub fn es_number_to_string(x: f64) -> Result<String, JcsError> {
    if !x.is_finite() {
        return Err(JcsError::NonFiniteNumber);
    }
    if x == 0.0 {
        return Ok("0".to_owned()); // both +0 and -0
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let (digits, exp) = shortest_digits(x.abs()).ok_or(JcsError::NonFiniteNumber)?;
    let k = i32::try_from(digits.len()).map_err(|_| JcsError::NonFiniteNumber)?;
    let n = exp + 1; // value = 0.d1d2…dk × 10^n
    let body = if k <= n && n <= 21 {
        let zeros = usize::try_from(n - k).unwrap_or(0);
        format!("{digits}{}", "0".repeat(zeros))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(usize::try_from(n).unwrap_or(0));
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat(usize::try_from(-n).unwrap_or(0)))
    } else {
        let e = n - 1;
        let e_sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        if rest.is_empty() {
            format!("{first}e{e_sign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{e_sign}{}", e.abs())
        }
    };
    Ok(format!("{sign}{body}"))
}

/// The shortest round-tripping decimal digits of `x > 0` and the exponent of the first digit.
///
/// Rust's `{:e}` gives a shortest round-tripping digit string, as ECMAScript requires. When
/// `x` lies exactly halfway between two such strings (e.g. 1424953923781206.25), Rust rounds
/// up while ECMAScript takes the even one, so that case is settled here with the exact
/// expansion of `x`.
fn shortest_digits(x: f64) -> Option<(String, i32)> {
    let (digits, exp) = split_scientific(&format!("{x:e}"))?;
    let k = digits.len();
    // A halfway case needs two k-digit strings that both round-trip to `x`, which is only
    // possible beyond a double's 15 guaranteed significant digits; integers below 2^53 have
    // an exact short expansion. Skip the (costly) exact expansion for all of those.
    if k <= 15 || (x.fract() == 0.0 && x < 9_007_199_254_740_992.0) {
        return Some((digits, exp));
    }
    // 1100 digits hold the exact value of any double (at most 767 significant digits).
    let (exact, exact_exp) = split_scientific(&format!("{x:.1100e}"))?;
    let tail = exact.get(k..)?;
    let halfway =
        exact_exp == exp && tail.starts_with('5') && tail.bytes().skip(1).all(|b| b == b'0');
    let last_is_odd = digits.bytes().last().is_some_and(|b| (b - b'0') % 2 == 1);
    if !(halfway && last_is_odd) {
        return Some((digits, exp));
    }
    let lower = exact.get(..k)?.to_owned();
    let other = if lower == digits {
        increment_decimal(&lower)?
    } else {
        lower
    };
    let k_exp = exp - i32::try_from(k).ok()? + 1;
    let round_trips = format!("{other}e{k_exp}").parse::<f64>().ok() == Some(x);
    Some(if round_trips && other.len() == k {
        (other, exp)
    } else {
        (digits, exp)
    })
}

/// Splits Rust's `d.ddde±x` into its digit string and exponent.
fn split_scientific(sci: &str) -> Option<(String, i32)> {
    let (mantissa, exp) = sci.split_once('e')?;
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    Some((digits, exp.parse().ok()?))
}

/// Adds one to a decimal digit string; `None` when it would gain a digit.
fn increment_decimal(digits: &str) -> Option<String> {
    let mut bytes = digits.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return String::from_utf8(bytes).ok();
        }
    }
    None
}
