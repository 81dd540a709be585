// VAPID (RFC 8292) checked by independent implementations.
// 1. npm `jose` verifies each JWT against the public key (imported as a JWK built from the
//    65-byte point): alg ES256, typ JWT, aud = WHATWG `new URL(endpoint).origin` (computed
//    here, not taken from Rust), sub, exp in the future.
// 2. npm `web-push` builds a request for the same key and subscription, for comparison.
// stdin:  {public_key, tokens: [{endpoint, authorization, sub, audience?}],
//          web_push: {private_key, public_key, subject, subscription, payload, ttl, urgency, topic}}
// stdout: {tokens: [{origin, k, ok, error?, header?, payload?}],
//          web_push: {headers, body, k, ok, error?, header?, payload?}}
import { importJWK, jwtVerify } from 'jose';
import webpush from 'web-push';

const input = JSON.parse(await new Response(process.stdin).text());
const AUTH = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/;

const point = Buffer.from(input.public_key, 'base64url');
if (point.length !== 65 || point[0] !== 4) throw new Error('public key is not an uncompressed point');
const key = await importJWK({
  kty: 'EC',
  crv: 'P-256',
  x: point.subarray(1, 33).toString('base64url'),
  y: point.subarray(33, 65).toString('base64url'),
}, 'ES256');

async function check(authorization, audience, subject) {
  const m = AUTH.exec(authorization);
  if (!m) return { ok: false, error: `Authorization has another shape: ${authorization}` };
  try {
    const { payload, protectedHeader } = await jwtVerify(m[1], key, {
      algorithms: ['ES256'],
      typ: 'JWT',
      audience,
      subject,
      requiredClaims: ['aud', 'exp', 'sub'],
    });
    const now = Math.floor(Date.now() / 1000);
    if (!(payload.exp > now && payload.exp <= now + 24 * 3600)) {
      return { ok: false, k: m[2], error: `exp ${payload.exp} not within 24 h of ${now}` };
    }
    return { ok: true, k: m[2], header: protectedHeader, payload };
  } catch (e) {
    return { ok: false, k: m[2], error: `${e.code || ''} ${e.message}` };
  }
}

const tokens = [];
for (const t of input.tokens) {
  const origin = new URL(t.endpoint).origin;
  tokens.push({ origin, ...(await check(t.authorization, t.audience ?? origin, t.sub)) });
}

const w = input.web_push;
const details = webpush.generateRequestDetails(w.subscription, Buffer.from(w.payload, 'base64url'), {
  vapidDetails: { subject: w.subject, publicKey: w.public_key, privateKey: w.private_key },
  TTL: w.ttl,
  urgency: w.urgency,
  topic: w.topic,
  contentEncoding: 'aes128gcm',
});
const headers = Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k, String(v)]));
const webPushCheck = await check(headers.Authorization, new URL(w.subscription.endpoint).origin, w.subject);

process.stdout.write(JSON.stringify({
  tokens,
  web_push: { headers, body: Buffer.from(details.body).toString('base64url'), ...webPushCheck },
}));
