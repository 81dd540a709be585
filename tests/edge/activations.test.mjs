// SPEC §5 activations and the common HTTP rules (§10 limits, §11 errors), against workerd.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startWrangler } from './lib/wrangler.mjs';

let edge;
before(async () => { edge = await startWrangler(); });
after(() => edge?.stop());

const api = (path, { key = edge.config.apiKeys.demo, method = 'GET', body, headers = {} } = {}) =>
  fetch(`${edge.url}${path}`, {
    method,
    headers: {
      ...(key ? { Authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

async function expectError(response, status, code) {
  assert.equal(response.status, status);
  assert.match(response.headers.get('content-type'), /^application\/json/);
  const body = await response.json();
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  return body.error.message;
}

test('an activation: code, link with the code in the fragment, QR code, then pending', async () => {
  const before = Math.floor(Date.now() / 1000);
  const r = await api('/v1/activations', { method: 'POST', body: { user_id: 'alice', user_name: 'alice@example.com' } });
  assert.equal(r.status, 201);
  const a = await r.json();
  assert.deepEqual(Object.keys(a).sort(), ['activation_id', 'activation_url', 'code', 'expires_at', 'qr_svg']);
  assert.match(a.activation_id, /^[A-Za-z0-9_-]{22}$/);
  assert.match(a.code, /^[A-Za-z0-9_-]{22}$/);
  assert.notEqual(a.code, a.activation_id);
  assert.equal(a.activation_url, `${edge.config.edgeOrigin}/#/activate/${a.code}`);
  assert.ok(a.expires_at >= before + 600 && a.expires_at <= before + 602, 'lives 10 minutes');
  assert.match(a.qr_svg, /^<\?xml[^]*<svg[^]*<\/svg>\s*$/);

  const s = await api(`/v1/activations/${a.activation_id}`);
  assert.equal(s.status, 200);
  assert.deepEqual(await s.json(), { activation_id: a.activation_id, status: 'pending' });
});

test('each activation gets its own id and code', async () => {
  const ids = new Set();
  for (let i = 0; i < 5; i++) {
    const a = await (await api('/v1/activations', { method: 'POST', body: { user_id: 'bob' } })).json();
    ids.add(a.activation_id); ids.add(a.code);
  }
  assert.equal(ids.size, 10);
});

test("another RP's activation is not found, and so is an unknown or malformed id", async () => {
  const a = await (await api('/v1/activations', { method: 'POST', body: { user_id: 'carol' } })).json();
  await expectError(await api(`/v1/activations/${a.activation_id}`, { key: edge.config.apiKeys['demo-secure'] }), 404, 'not_found');
  await expectError(await api('/v1/activations/AAAAAAAAAAAAAAAAAAAAAA'), 404, 'not_found');
  await expectError(await api('/v1/activations/not-an-id'), 404, 'not_found');
});

test('RP authentication: missing, malformed and wrong API keys are 401', async () => {
  const body = { user_id: 'alice' };
  await expectError(await api('/v1/activations', { key: null, method: 'POST', body }), 401, 'unauthorized');
  await expectError(await api('/v1/activations', { key: 'ak_wrong', method: 'POST', body }), 401, 'unauthorized');
  await expectError(await api('/v1/activations', {
    key: null, method: 'POST', body, headers: { Authorization: `Basic ${edge.config.apiKeys.demo}` },
  }), 401, 'unauthorized');
  const noKey = await api('/v1/activations/AAAAAAAAAAAAAAAAAAAAAA', { key: null });
  assert.match(noKey.headers.get('www-authenticate'), /^Bearer/);
  await expectError(noKey, 401, 'unauthorized');
});

test('bodies: JSON only (415), at most 16 KiB (413), well-formed (400), no unknown members (400)', async () => {
  await expectError(await api('/v1/activations', {
    method: 'POST', body: 'user_id=alice', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  }), 415, 'unsupported_media_type');
  await expectError(await api('/v1/activations', {
    method: 'POST', body: JSON.stringify({ user_id: 'a'.repeat(17 * 1024) }),
  }), 413, 'payload_too_large');
  await expectError(await api('/v1/activations', { method: 'POST', body: '{"user_id":' }), 400, 'invalid_json');
  const unknown = await expectError(await api('/v1/activations', {
    method: 'POST', body: { user_id: 'alice', admin: true },
  }), 400, 'invalid_request');
  assert.match(unknown, /admin/);
  const empty = await expectError(await api('/v1/activations', { method: 'POST', body: { user_id: '' } }), 400, 'invalid_request');
  assert.match(empty, /user_id/);
  await expectError(await api('/v1/activations', { method: 'POST', body: { user_id: 7 } }), 400, 'invalid_request');
});

test('unknown paths are 404 and wrong methods 405, as JSON errors', async () => {
  await expectError(await api('/v1/nothing-here'), 404, 'not_found');
  const wrongMethod = await api('/v1/activations');
  assert.equal(wrongMethod.headers.get('allow'), 'POST');
  await expectError(wrongMethod, 405, 'method_not_allowed');
  await expectError(await api('/v1/activations/AAAAAAAAAAAAAAAAAAAAAA', { method: 'DELETE' }), 405, 'method_not_allowed');
  await expectError(await api('/healthz', { method: 'POST', body: {} }), 405, 'method_not_allowed');
});

test('the JWK Set publishes the receipt key under its RFC 7638 thumbprint', async () => {
  const r = await fetch(`${edge.url}/.well-known/jwks.json`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('cache-control'), /max-age=300/);
  const { keys } = await r.json();
  assert.equal(keys.length, 1);
  const [key] = keys;
  assert.equal(key.kty, 'EC'); assert.equal(key.crv, 'P-256'); assert.equal(key.alg, 'ES256');
  assert.equal(key.use, 'sig');
  assert.equal(key.d, undefined, 'no private part');
  const jose = await import('jose');
  assert.equal(key.kid, await jose.calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: key.x, y: key.y }));
  // It is the public half of the configured RECEIPT_PRIVATE_KEY.
  const { createECDH } = await import('node:crypto');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(edge.config.vars.RECEIPT_PRIVATE_KEY, 'base64url'));
  const pub = ecdh.getPublicKey();
  assert.equal(key.x, pub.subarray(1, 33).toString('base64url'));
  assert.equal(key.y, pub.subarray(33).toString('base64url'));
});
