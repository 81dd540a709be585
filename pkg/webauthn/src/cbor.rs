//! CBOR decoding through ciborium, with the item boundary the authenticator data layout needs.

use ciborium::Value;

/// The bytes are not one well-formed CBOR data item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CborFault;

/// Decodes the CBOR item at the start of `bytes` and returns it with the bytes after it.
/// ciborium reads exactly the item (no read-ahead), so the remainder is what follows it.
pub(crate) fn decode_prefix(bytes: &[u8]) -> Result<(Value, &[u8]), CborFault> {
    let mut rest = bytes;
    let value: Value = ciborium::de::from_reader(&mut rest).map_err(|_| CborFault)?;
    Ok((value, rest))
}

/// Decodes bytes that must hold exactly one CBOR item.
pub(crate) fn decode_exact(bytes: &[u8]) -> Result<Value, CborFault> {
    match decode_prefix(bytes)? {
        (value, []) => Ok(value),
        _ => Err(CborFault),
    }
}

/// The entries of a CBOR map with no key repeated (a repeated key makes the map ambiguous:
/// RFC 8949 §5.6 leaves the outcome to the decoder).
pub(crate) fn unique_map(value: Value) -> Result<Vec<(Value, Value)>, CborFault> {
    let Value::Map(entries) = value else {
        return Err(CborFault);
    };
    for (i, (key, _)) in entries.iter().enumerate() {
        if entries.iter().skip(i + 1).any(|(other, _)| other == key) {
            return Err(CborFault);
        }
    }
    Ok(entries)
}

/// The integer value of a CBOR integer, if it is one.
pub(crate) fn int(value: &Value) -> Option<i128> {
    match value {
        Value::Integer(i) => Some(i128::from(*i)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_stops_exactly_after_the_item() {
        // {1: h'0102'} followed by 0xff 0x00: the remainder must be those two bytes.
        let bytes = [0xa1, 0x01, 0x42, 0x01, 0x02, 0xff, 0x00];
        let (value, rest) = decode_prefix(&bytes).unwrap();
        assert_eq!(rest, [0xff, 0x00]);
        assert_eq!(
            value,
            Value::Map(vec![(Value::from(1), Value::Bytes(vec![1, 2]))])
        );
        assert_eq!(decode_exact(&bytes), Err(CborFault));
        assert!(decode_exact(&bytes[..5]).is_ok());
        // Truncated: the byte string announces 2 bytes, 1 follows.
        assert_eq!(decode_prefix(&bytes[..4]).map(|_| ()), Err(CborFault));
    }

    #[test]
    fn repeated_map_keys_are_refused() {
        let twice = Value::Map(vec![
            (Value::from(3), Value::from(-7)),
            (Value::from(3), Value::from(-7)),
        ]);
        assert_eq!(unique_map(twice), Err(CborFault));
        assert_eq!(unique_map(Value::Array(vec![])), Err(CborFault));
        assert_eq!(int(&Value::from(-7)), Some(-7));
        assert_eq!(int(&Value::Text("x".into())), None);
    }
}
