//! The number-matching binding code (SPEC §5): two decimal digits the website shows and the
//! user types into the PWA, so a blind guess succeeds once in a hundred.

/// Bytes at or above this value are rejected: 200 is the largest multiple of 100 that fits in
/// a byte, so `b % 100` over `0..200` hits every code exactly twice.
const ACCEPT_BELOW: u8 = 200;

/// Turns random bytes into a uniformly distributed code `"00"`..=`"99"` by rejection
/// sampling: the first byte below 200 gives `byte % 100`; bytes 200..=255 are skipped because
/// keeping them would make codes 00–55 more likely than 56–99.
///
/// Pass 16 fresh random bytes: each byte is rejected with probability 56/256, so `None` (every
/// byte rejected — draw again) has probability (7/32)^16 < 3·10⁻¹¹.
pub fn binding_code_from_random(random: &[u8]) -> Option<String> {
    let byte = random.iter().copied().find(|b| *b < ACCEPT_BELOW)?;
    Some(format!("{:02}", byte % 100))
}

/// Whether `code` has the shape of a binding code: exactly two ASCII digits.
pub fn is_binding_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit())
}
