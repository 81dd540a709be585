//! `CollectedClientData` (§5.8.1): parsing and the checks both ceremonies share
//! (§7.1 steps 5–11, §7.2 steps 8–14).

use serde::{Deserialize, Deserializer};

/// The members of `clientDataJSON` a relying party looks at. Other members are ignored, as
/// §5.8.1.2 asks ("do not compare clientDataJSON against a template"; Chromium sometimes adds
/// `other_keys_can_be_added_here`). A repeated member is rejected by serde's derive.
#[derive(Debug, Deserialize)]
struct CollectedClientData {
    #[serde(rename = "type")]
    type_: String,
    challenge: String,
    origin: String,
    #[serde(rename = "crossOrigin", default)]
    cross_origin: Option<bool>,
    /// `Some` whenever the member is present, even as `null`.
    #[serde(rename = "topOrigin", default, deserialize_with = "present")]
    top_origin: Option<serde_json::Value>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

/// Which client-data check failed; each ceremony maps it onto its own error variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientDataFault {
    NotUtf8,
    Malformed,
    Type,
    Challenge,
    Origin,
    CrossOrigin,
    TopOrigin,
}

/// What the relying party expects in the client data.
pub(crate) struct ClientDataExpectations<'a> {
    pub(crate) type_: &'a str,
    pub(crate) challenge: &'a [u8],
    pub(crate) origin: &'a str,
}

/// Runs the client-data steps of §7.1 / §7.2 on the raw `clientDataJSON` bytes.
pub(crate) fn check_client_data(
    client_data_json: &[u8],
    expected: &ClientDataExpectations<'_>,
) -> Result<(), ClientDataFault> {
    // §7.1 step 5 / §7.2 step 8: "Let JSONtext be the result of running UTF-8 decode on the
    // value of response.clientDataJSON." (UTF-8 decode strips a leading byte order mark.)
    // Invalid UTF-8 is rejected rather than replaced: a browser never produces it.
    let bytes = client_data_json
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(client_data_json);
    let text = core::str::from_utf8(bytes).map_err(|_| ClientDataFault::NotUtf8)?;

    // §7.1 step 6 / §7.2 step 9: "Let C, the client data claimed as collected during the
    // credential creation [assertion], be the result of running an implementation-specific
    // JSON parser on JSONtext."
    // The client data is a JSON object (§5.8.1.2); serde's derive would also take an array.
    if !text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{')
    {
        return Err(ClientDataFault::Malformed);
    }
    let c: CollectedClientData =
        serde_json::from_str(text).map_err(|_| ClientDataFault::Malformed)?;

    // §7.1 step 7: "Verify that the value of C.type is webauthn.create."
    // §7.2 step 10: "Verify that the value of C.type is the string webauthn.get."
    if c.type_ != expected.type_ {
        return Err(ClientDataFault::Type);
    }

    // §7.1 step 8 / §7.2 step 11: "Verify that the value of C.challenge equals the base64url
    // encoding of pkOptions.challenge." Compared as bytes after a strict decode, which is the
    // same thing: base64url has one canonical spelling per byte string and anything else is
    // rejected by the decoder.
    match assent_proto::b64u::decode(&c.challenge) {
        Ok(challenge) if challenge == expected.challenge => {}
        _ => return Err(ClientDataFault::Challenge),
    }

    // §7.1 step 9 / §7.2 step 12: "Verify that the value of C.origin is an origin expected by
    // the Relying Party." Assent expects exactly one origin: the edge's own (SPEC §7).
    if c.origin != expected.origin {
        return Err(ClientDataFault::Origin);
    }

    // §7.1 step 10 / §7.2 step 13: "If C.crossOrigin is present and set to true, verify that
    // the Relying Party expects that this credential would have been created [used] within an
    // iframe that is not same-origin with its ancestors." The PWA is never framed.
    if c.cross_origin == Some(true) {
        return Err(ClientDataFault::CrossOrigin);
    }

    // §7.1 step 11 / §7.2 step 14: "If C.topOrigin is present: Verify that the Relying Party
    // expects that this credential would have been created [used] within an iframe that is
    // not same-origin with its ancestors." Never, for Assent.
    if c.top_origin.is_some() {
        return Err(ClientDataFault::TopOrigin);
    }

    Ok(())
}
