// What an attacker (or a broken PWA) sends: assertions and registrations signed wrongly,
// tampered after signing or replayed, and sealed payloads tampered or sealed for another
// purpose or key. Built from lib/device.mjs's software authenticator and secure channel, so
// every forgery differs from a genuine value in exactly the one way its row names.
import { createHash, randomBytes } from 'node:crypto';
import { b64u, b64uDecode, createDevice, requestHash, softauth } from '../device.mjs';

export const now = () => Math.floor(Date.now() / 1000);

/** A well-formed id (SPEC §1) that names nothing. */
export const unknownId = () => b64u(randomBytes(16));

/** `text` (b64u) with one bit of byte `index` flipped (negative: from the end). */
export function flipByte(text, index) {
  const bytes = Buffer.from(b64uDecode(text));
  const i = index < 0 ? bytes.length + index : index;
  bytes[i] ^= 0x01;
  return b64u(bytes);
}

/** A deep copy of a JSON value. */
export const clone = (value) => JSON.parse(JSON.stringify(value));

/** `assertion` with `response.<member>` replaced by `f(old)`. */
export function withResponse(assertion, member, f) {
  const copy = clone(assertion);
  copy.response[member] = f(copy.response[member]);
  return copy;
}

/** `clientDataJSON` (b64u) re-encoded after `edit(parsed)`; no signature covers the edit. */
export function editClientData(text, edit) {
  const parsed = JSON.parse(Buffer.from(b64uDecode(text)).toString('utf8'));
  edit(parsed);
  return b64u(Buffer.from(JSON.stringify(parsed), 'utf8'));
}

/** A fresh P-256 private scalar (b64u) for forging: another, unregistered key. */
export const strangerKey = () => createDevice({ edgeUrl: 'http://localhost:1' }).passkey.privateKey;

/**
 * A WebAuthn assertion over `options` with `device`'s credential, made through the software
 * authenticator with the overrides a real browser would not allow: another `origin`, another
 * `privateKey` under the device's credential id. Leaves the device's own counter alone.
 */
export async function assertWith(device, options, { origin, privateKey, tweaks } = {}) {
  const p = device.passkey;
  const out = await softauth({
    op: 'get', private_key: privateKey ?? p.privateKey, credential_id: p.credentialId,
    sign_count: p.signCount, user_handle: p.userHandle, options, origin: origin ?? device.origin,
    ...(tweaks ? { tweaks } : {}),
  });
  return out.response;
}

/**
 * A decision body for the request `content`, signed by `device` (SPEC §7) and not sent.
 * `sign` overrides members of the signed statement only (so the body says something else
 * than what was signed); `origin`/`privateKey` forge as in `assertWith`; `tweaks` as in
 * lib/device.mjs.
 */
export async function signedDecision(device, content, {
  decision, reason, binding_code, tweaks, sign, origin, privateKey, request_hash,
} = {}) {
  const statement = { request_hash: request_hash ?? requestHash(content), decision, reason, binding_code, ...sign };
  const options = device.decisionOptions(statement);
  const assertion = origin || privateKey
    ? await assertWith(device, options, { origin, privateKey, tweaks })
    : await device.assert(options, tweaks);
  const body = { decision };
  if (reason !== undefined) body.reason = reason;
  if (binding_code !== undefined) body.binding_code = binding_code;
  body.assertion = assertion;
  return body;
}

/** A JSON value nested `depth` arrays deep (serde_json refuses more than 128 levels). */
export const deepArray = (depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** `bytes` of JSON: a valid object `base` padded with an unknown member to `size` bytes. */
export function padded(base, size) {
  const head = JSON.stringify({ ...base, padding: '' });
  const fill = Math.max(0, size - head.length);
  return Buffer.from(JSON.stringify({ ...base, padding: 'x'.repeat(fill) }), 'utf8');
}

/** `base` as JSON followed by whitespace up to `size` bytes: valid JSON, too large. */
export function whitespacePadded(base, size) {
  const head = JSON.stringify(base);
  return Buffer.from(head + ' '.repeat(Math.max(0, size - head.length)), 'utf8');
}

/** SHA-256 of UTF-8 text. */
export const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest();

/**
 * The attestationObject (b64u) of a `none` registration with one bit of the authenticator
 * data's rpIdHash flipped (found by its value, SHA-256 of `rpId`).
 */
export function tamperRpIdHash(attestationObject, rpId) {
  const bytes = Buffer.from(b64uDecode(attestationObject));
  const at = bytes.indexOf(sha256(rpId));
  if (at < 0) throw new Error('rpIdHash not found in the attestation object');
  bytes[at] ^= 0x01;
  return b64u(bytes);
}
