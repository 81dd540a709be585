// The two checks every Assent integrator makes (SPEC §8, §9), with WebCrypto and `jose`:
// a webhook is from the edge (HMAC over "<t>.<raw body>", fresh timestamp), and a receipt is
// the edge's signature (JWK Set) over the decision on exactly the request this bank asked for.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const TOLERANCE_SECONDS = 300;
const encoder = new TextEncoder();

/** `{ok, event}` or `{ok: false, error}` for an `Assent-Signature` header and the raw body. */
export async function checkWebhook({ secret, header, body, now = Math.floor(Date.now() / 1000) }) {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.trim().split('=', 2)).filter((p) => p.length === 2));
  const t = Number(parts.t);
  if (!Number.isSafeInteger(t) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) return { ok: false, error: 'malformed Assent-Signature header' };
  if (Math.abs(now - t) > TOLERANCE_SECONDS) return { ok: false, error: 'stale timestamp (replay?)' };
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const mac = Uint8Array.from(parts.v1.match(/../g), (h) => parseInt(h, 16));
  // subtle.verify compares in constant time.
  if (!await crypto.subtle.verify('HMAC', key, mac, encoder.encode(`${t}.${body}`))) return { ok: false, error: 'bad signature' };
  try {
    return { ok: true, event: JSON.parse(body) };
  } catch {
    return { ok: false, error: 'body is not JSON' };
  }
}

const jwkSets = new Map();

/**
 * `{ok, summary}` when `receipt` is the edge's ES256 receipt for `requestId`, for this RP,
 * about exactly what was asked (user, kind, title, every field); `{ok: false, error}` otherwise.
 */
export async function checkReceipt({ receipt, edgeUrl, rp, asked, requestId }) {
  if (!jwkSets.has(edgeUrl)) jwkSets.set(edgeUrl, createRemoteJWKSet(new URL('/.well-known/jwks.json', edgeUrl)));
  let claims;
  try {
    ({ payload: claims } = await jwtVerify(receipt, jwkSets.get(edgeUrl), {
      algorithms: ['ES256'], typ: 'assent-receipt+jwt', issuer: edgeUrl, audience: rp,
    }));
  } catch (error) {
    return { ok: false, error: `receipt signature: ${error.code ?? error.message}` };
  }
  const request = claims.request ?? {};
  const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const mismatch = [
    ['jti', claims.jti === requestId],
    ['request_id', request.request_id === requestId],
    ['user', claims.sub === asked.user_id && request.user_id === asked.user_id],
    ['kind', request.kind === asked.kind],
    ['title', request.title === asked.title],
    ['fields', same(request.fields, asked.fields)],
  ].find(([, ok]) => !ok);
  if (mismatch) return { ok: false, error: `receipt is not about what was asked (${mismatch[0]})` };
  return {
    ok: true,
    summary: {
      decision: claims.decision,
      reason: claims.reason ?? null,
      binding_code: claims.binding_code ?? null,
      signed_at: claims.iat,
      device_id: claims.device?.id,
      fields: request.fields ?? null,
      title: request.title,
    },
  };
}
