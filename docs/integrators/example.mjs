// Assent for an RP backend in JavaScript (Node 22, ES module): the RP API, webhooks, and
// receipts verified both ways. It needs only npm `jose`, node:crypto and fetch; copy what
// you use. The guide is docs/integrators.md; the contract is SPEC §5, §8, §9, §11.
//
//   import { assentClient, verifyWebhook, receiptKeys, verifyReceiptWithJwks,
//            verifyReceiptIndependently, checkApproves } from './example.mjs';
//
//   const assent = assentClient({ edgeOrigin: 'https://assent.example.com', apiKey: process.env.ASSENT_API_KEY });
//   const activation = await assent.createActivation({ user_id: 'alice' });   // show activation.qr_svg
//   const created = await assent.createRequest({ user_id: 'alice', kind: 'login', title: 'Sign in' });
//   // show created.binding_code and <assent-status request-id=… token=…>; then, in the webhook:
//   const event = verifyWebhook({ secret, header: req.headers['assent-signature'], rawBody });
//   const claims = await verifyReceiptWithJwks(event.data.receipt, { edgeOrigin, rpId, jwks: receiptKeys(edgeOrigin) });
//   checkApproves(claims, created);   // throws unless this receipt is a "yes" to exactly that request
import { createHash, createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import * as jose from 'jose';

const RECEIPT_TYP = 'assent-receipt+jwt';
const ID = /^[A-Za-z0-9_-]{22}$/;

// ---------------------------------------------------------------------------------------
// The RP API (SPEC §5): `Authorization: Bearer <API key>`, JSON in and out.

/** A SPEC §11 error answer: `{"error": {"code", "message"}}` with its status. */
export class AssentApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(`${status} ${code}: ${message}`);
    this.name = 'AssentApiError';
    this.status = status;
    this.code = code; // e.g. 'invalid_request', 'rate_limited', 'already_decided'
    this.detail = message; // the edge's own sentence (names the field for invalid_request)
    this.retryAfter = retryAfter; // seconds, with 429 rate_limited / account_frozen
  }
}

/** The RP API at `edgeOrigin`. Every method resolves to the answer's JSON or throws. */
export function assentClient({ edgeOrigin, apiKey, fetch: fetchImpl = globalThis.fetch }) {
  const origin = new URL(edgeOrigin).origin; // serialized: no trailing slash
  const id = (name, value) => {
    // Ids are 22 base64url characters: checked here, so nothing else reaches the path.
    if (!ID.test(value)) throw new TypeError(`${name} must be an id (22 base64url characters)`);
    return value;
  };
  const user = (userId) => {
    // One percent-encoded segment (the edge percent-decodes it). URL parsers drop "." and
    // ".." segments before any server sees them, so such a user id cannot be addressed.
    if (userId === '.' || userId === '..') throw new TypeError('user_id "." and ".." cannot be sent in a path');
    return encodeURIComponent(userId);
  };

  async function call(method, path, expected, body) {
    const headers = { Authorization: `Bearer ${apiKey}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetchImpl(`${origin}${path}`, {
      // A redirect is answered as unexpected, never followed: the API key stays with the edge.
      // ('manual' rather than 'error', which Cloudflare Workers' fetch does not offer.)
      method, headers, redirect: 'manual',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let json;
    try { json = JSON.parse(text); } catch { /* not JSON: a proxy's page */ }
    if (r.status === expected && json !== undefined) return json;
    const error = json?.error;
    if (typeof error?.code === 'string') {
      const retry = r.headers.get('retry-after');
      throw new AssentApiError(r.status, error.code, error.message, retry === null ? undefined : Number(retry));
    }
    throw new AssentApiError(r.status, 'unexpected', `expected ${expected}: ${text.slice(0, 200)}`);
  }

  // Every method is async, so a bad argument rejects like an edge refusal does.
  return {
    origin,
    /** `{user_id, user_name?, display_name?}` → `{activation_id, code, activation_url, qr_svg, expires_at}`. */
    createActivation: async (body) => call('POST', '/v1/activations', 201, body),
    /** → `{activation_id, status: pending|completed|expired, device_id?}`. */
    activationStatus: async (activationId) => call('GET', `/v1/activations/${id('activation_id', activationId)}`, 200),
    /** `{user_id, kind, title?, context?, fields?, ttl_seconds?, number_matching?}` → RequestCreated. */
    createRequest: async (body) => call('POST', '/v1/requests', 201, body),
    /** → `{request_id, kind, status, created_at, expires_at, decided_at?, device_id?, reason?, receipt?}`. */
    getRequest: async (requestId) => call('GET', `/v1/requests/${id('request_id', requestId)}`, 200),
    /** → `{status: "cancelled"}`; `409 already_decided` when already final. */
    cancelRequest: async (requestId) => call('POST', `/v1/requests/${id('request_id', requestId)}/cancel`, 200),
    /** → `{devices: [{device_id, created_at, last_used_at, push, credential_id, public_key}]}`. */
    listDevices: async (userId) => call('GET', `/v1/users/${user(userId)}/devices`, 200),
    /** → `{device_id, status: "removed"}`. */
    removeDevice: async (userId, deviceId) =>
      call('DELETE', `/v1/users/${user(userId)}/devices/${id('device_id', deviceId)}`, 200),
  };
}

// ---------------------------------------------------------------------------------------
// Webhooks (SPEC §9): `Assent-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.

/** Why a delivery was refused; `code` is one of the strings below. */
export class WebhookError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'WebhookError';
    this.code = code; // malformed_header | bad_signature | too_old | in_future | not_an_event
  }
}

/**
 * Verifies one delivery over the **raw body bytes** (a Buffer or Uint8Array, exactly as
 * received — never re-serialized JSON) and returns the event `{id, type, created_at, data}`.
 * Dedupe by `event.id`: delivery is at least once, and retries carry the same id and body.
 */
export function verifyWebhook({ secret, header, rawBody, now = Math.floor(Date.now() / 1000), toleranceSeconds = 300 }) {
  if (typeof header !== 'string') throw new WebhookError('malformed_header', 'no Assent-Signature header');
  let t;
  const candidates = [];
  for (const element of header.split(',')) {
    const at = element.indexOf('=');
    if (at <= 0 || at === element.length - 1) throw new WebhookError('malformed_header', 'not scheme=value');
    const [scheme, value] = [element.slice(0, at), element.slice(at + 1)];
    if (scheme === 't') {
      if (t !== undefined) throw new WebhookError('malformed_header', 't given twice');
      if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) throw new WebhookError('malformed_header', 't is not a Unix time');
      t = Number(value);
    } else if (scheme === 'v1') {
      // Several v1 while a secret is rotated: any may match.
      if (!/^[0-9a-f]{64}$/.test(value)) throw new WebhookError('malformed_header', 'v1 is not 64 lowercase hex');
      candidates.push(Buffer.from(value, 'hex'));
    }
  }
  if (t === undefined || candidates.length === 0) throw new WebhookError('malformed_header', 'missing t or v1');
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  // Constant time, and every candidate compared.
  let matched = false;
  for (const candidate of candidates) matched = timingSafeEqual(candidate, expected) || matched;
  if (!matched) throw new WebhookError('bad_signature', 'no v1 matches this body and secret');
  if (now - t > toleranceSeconds) throw new WebhookError('too_old', `signed at ${t}, now ${now}: a replay?`);
  if (t - now > toleranceSeconds) throw new WebhookError('in_future', `signed at ${t}, now ${now}`);
  let event;
  try { event = JSON.parse(Buffer.from(rawBody).toString('utf8')); } catch { /* below */ }
  if (typeof event?.id !== 'string' || typeof event.type !== 'string' || !Number.isInteger(event.created_at)
      || event.data === null || typeof event.data !== 'object') {
    throw new WebhookError('not_an_event', 'body is not {id, type, created_at, data}');
  }
  return event;
}

/**
 * A node:http request listener for webhooks: verifies, dedupes by id (in memory here; use
 * your database, kept longer than the retry window of a few hours) and hands each new event
 * to `onEvent` (sync or async). It answers 200 only once `onEvent` has succeeded, and 500
 * when it throws, so the edge redelivers: at least once end to end. Keep `onEvent` quick
 * (queue slow work durably) and idempotent: a crash after it ran but before the id was
 * recorded brings the event back.
 */
export function webhookHandler({ secret, onEvent, seen = new Set() }) {
  return (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      let event;
      try {
        event = verifyWebhook({ secret, header: req.headers['assent-signature'], rawBody: Buffer.concat(chunks) });
      } catch (e) {
        res.writeHead(e instanceof WebhookError && e.code === 'not_an_event' ? 400 : 401).end();
        return;
      }
      // A retry of an event already handled: acknowledged, not acted on twice.
      if (seen.has(event.id)) {
        res.writeHead(200).end();
        return;
      }
      try {
        await onEvent(event);
      } catch (error) {
        // Caught, or the rejection would take the process down. Not recorded as seen and not
        // 2xx: the edge's retry brings the event back instead of it being lost.
        console.error(`webhook ${event.id} (${event.type}) not handled; answered 500 for a redelivery:`, error);
        res.writeHead(500).end();
        return;
      }
      // Recorded only now: an id is "seen" once it was handled, never merely received.
      seen.add(event.id);
      res.writeHead(200).end();
    });
  };
}

// ---------------------------------------------------------------------------------------
// Receipts (SPEC §8), way 1: the JWS with the edge's JWK Set.

const keySets = new Map();
/** The edge's receipt keys (`/.well-known/jwks.json`), fetched on demand and cached by jose. */
export function receiptKeys(edgeOrigin) {
  const origin = new URL(edgeOrigin).origin;
  if (!keySets.has(origin)) keySets.set(origin, jose.createRemoteJWKSet(new URL('/.well-known/jwks.json', origin)));
  return keySets.get(origin);
}

/** The claims repeat the request content: they must agree with it. */
function checkConsistent(claims) {
  const r = claims.request;
  if (r?.v !== 1) throw new Error('receipt: unknown request content version');
  if (claims.jti !== r.request_id) throw new Error('receipt: jti is not request.request_id');
  if (claims.sub !== r.user_id) throw new Error('receipt: sub is not request.user_id');
  if (claims.aud !== r.rp_id) throw new Error('receipt: aud is not request.rp_id');
  if (claims.decision === 'approve' && claims.reason !== undefined) throw new Error('receipt: reason on an approval');
}

/**
 * Verifies the edge's signature: `alg` pinned to ES256, `typ` assent-receipt+jwt, key by
 * `kid` from `jwks` (receiptKeys(edgeOrigin), or jose.createLocalJWKSet(set)), `iss` = the
 * edge origin, `aud` = your rp_id. Resolves to the claims.
 */
export async function verifyReceiptWithJwks(receipt, { edgeOrigin, rpId, jwks = receiptKeys(edgeOrigin) }) {
  const { payload } = await jose.jwtVerify(receipt, jwks, {
    algorithms: ['ES256'], typ: RECEIPT_TYP, issuer: new URL(edgeOrigin).origin, audience: rpId,
  });
  checkConsistent(payload);
  return payload;
}

// ---------------------------------------------------------------------------------------
// Receipts, way 2: without trusting the edge. The device's WebAuthn assertion is checked
// against the statement recomputed from the content, with the key YOU recorded at
// activation (the activation.completed webhook, or GET /v1/users/{user_id}/devices).

/** RFC 8785 (JCS) for JSON data: sorted members (UTF-16 order), ECMAScript number and string forms. */
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).filter((k) => value[k] !== undefined).sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('not JSON');
  return JSON.stringify(value);
}

const sha256 = (data) => createHash('sha256').update(data).digest();
const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
function fromB64u(text) {
  const bytes = Buffer.from(text ?? '', 'base64url');
  if (typeof text !== 'string' || b64u(bytes) !== text) throw new Error('receipt: not canonical base64url');
  return bytes;
}

/** `b64u(SHA-256(JCS(request content)))` (SPEC §5). */
export const requestHash = (content) => b64u(sha256(canonicalJson(content)));

/**
 * Resolves to the claims when the device — whose public JWK you recorded — signed exactly
 * this content and decision at the edge's origin. The edge's JWS signature is not read.
 * What the device does not sign (`iss`, `iat`, `device.id`, `device.credential_id`) is
 * the edge's word: match `device_id` to the recorded key yourself.
 */
export function verifyReceiptIndependently(receipt, { devicePublicJwk, edgeOrigin, rpId, webauthnRpId = new URL(edgeOrigin).hostname }) {
  const parts = receipt.split('.');
  if (parts.length !== 3) throw new Error('receipt: not a compact JWS');
  const claims = JSON.parse(fromB64u(parts[1]).toString('utf8'));
  if (claims.aud !== rpId) throw new Error('receipt: aud is not your rp_id');
  checkConsistent(claims);
  const key = claims.device?.public_key;
  if (key?.x !== devicePublicJwk.x || key?.y !== devicePublicJwk.y) throw new Error('receipt: not the recorded device key');

  // The statement the user signed, from the content shown (SPEC §7).
  const statement = { v: 1, request_hash: requestHash(claims.request), decision: claims.decision };
  if (claims.reason !== undefined) statement.reason = claims.reason;
  if (claims.binding_code !== undefined) statement.binding_code = claims.binding_code;
  const challenge = b64u(sha256(canonicalJson(statement)));

  const clientDataJson = fromB64u(claims.webauthn?.client_data_json);
  const clientData = JSON.parse(clientDataJson.toString('utf8'));
  if (clientData.type !== 'webauthn.get') throw new Error('receipt: clientDataJSON type is not webauthn.get');
  if (clientData.challenge !== challenge) throw new Error('receipt: the device signed another statement');
  if (clientData.origin !== new URL(edgeOrigin).origin) throw new Error('receipt: clientDataJSON origin is not the edge');
  if (clientData.crossOrigin === true) throw new Error('receipt: cross-origin assertion');

  const authData = fromB64u(claims.webauthn.authenticator_data);
  if (authData.length < 37) throw new Error('receipt: authenticatorData too short');
  if (!authData.subarray(0, 32).equals(sha256(webauthnRpId))) throw new Error('receipt: rpIdHash is not the edge host');
  if ((authData[32] & 0x01) === 0) throw new Error('receipt: user not present (UP)');
  if ((authData[32] & 0x04) === 0) throw new Error('receipt: user not verified (UV)');

  // ES256 over authenticatorData || SHA-256(clientDataJSON); WebAuthn signatures are DER.
  const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: devicePublicJwk.x, y: devicePublicJwk.y }, format: 'jwk' });
  const signed = Buffer.concat([authData, sha256(clientDataJson)]);
  if (!verify('sha256', signed, publicKey, fromB64u(claims.webauthn.signature))) {
    throw new Error('receipt: the device signature does not verify');
  }
  return claims;
}

// ---------------------------------------------------------------------------------------
// Is it a "yes" to what you asked? A valid receipt for another request verifies too.

/**
 * Throws unless `claims` approve exactly the request `created` (your POST /v1/requests
 * answer): same id, content hashing to `created.request_hash` (which binds user, kind,
 * title, context, fields and times), decision approve, and the binding code the website
 * showed. An approval with a wrong code is recorded as denied / binding_mismatch.
 */
export function checkApproves(claims, created) {
  if (claims.jti !== created.request_id) throw new Error('receipt is for another request');
  if (requestHash(claims.request) !== created.request_hash) throw new Error('receipt content is not the request created');
  if (claims.request.created_at !== created.created_at || claims.request.expires_at !== created.expires_at) {
    throw new Error('receipt times are not the request created');
  }
  if (claims.decision !== 'approve') throw new Error(`the user denied (${claims.reason ?? 'rejected'})`);
  if ((claims.binding_code ?? null) !== (created.binding_code ?? null)) throw new Error('wrong binding code');
  return true;
}

/** Throws unless `claims.request` is what your POST /v1/requests body asked for. */
export function checkMatchesAsk(claims, ask) {
  const r = claims.request;
  const context = ask.context && Object.keys(ask.context).length > 0 ? ask.context : undefined;
  for (const [name, mine, theirs] of [
    ['user_id', ask.user_id, r.user_id], ['kind', ask.kind, r.kind], ['title', ask.title, r.title],
    ['context', context, r.context], ['fields', ask.fields, r.fields],
  ]) {
    if (canonicalJson(mine ?? null) !== canonicalJson(theirs ?? null)) throw new Error(`receipt ${name} differs`);
  }
  return true;
}
