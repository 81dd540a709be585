//! The edge's clock and randomness: `Date.now()` and `crypto.getRandomValues` of the Workers
//! runtime. `pkg/` never reads either; everything is passed in from here.

use assent_proto::ids;

use crate::http::Failure;

/// Unix seconds now.
pub fn now() -> u64 {
    worker::Date::now().as_millis() / 1000
}

/// `N` bytes from the runtime's CSPRNG.
pub fn random<const N: usize>() -> Result<[u8; N], Failure> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Failure::internal("getrandom", e))?;
    Ok(bytes)
}

/// A fresh 128-bit id (SPEC §1).
pub fn new_id() -> Result<String, Failure> {
    Ok(ids::id_from_random(random::<16>()?))
}
