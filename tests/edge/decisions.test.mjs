// SPEC §7/§8/§10: a device decides — number matching, deny, fraud, receipts verified both
// ways, replays, tampering, locking, and 50 conflicting decisions — against workerd.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import * as jose from 'jose';
import { startWrangler, DEFAULT_RPS } from './lib/wrangler.mjs';
import { createDevice } from './lib/device.mjs';

let edge;
before(async () => {
  edge = await startWrangler({
    rps: [...DEFAULT_RPS, { id: 'strict', name: 'Strict Bank', mode: 'gateway', limits: { max_failed_decisions: 3 } }],
  });
});
after(() => edge?.stop());

const rpCall = async (rp, method, path, body) => {
  const r = await fetch(`${edge.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${edge.config.apiKeys[rp]}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, headers: r.headers, body: await r.json() };
};

async function enrolled(rp, user_id) {
  const a = (await rpCall(rp, 'POST', '/v1/activations', { user_id })).body;
  const device = createDevice({ edgeUrl: edge.url });
  assert.equal((await device.activate(a.code)).status, 200);
  return device;
}

const loginBody = (user_id) => ({ user_id, kind: 'login', title: 'Sign in', context: { ip: '203.0.113.7' } });
const signBody = (user_id) => ({
  user_id, kind: 'sign', title: 'Transfer',
  fields: [{ label: 'Amount', value: 'EUR 1,250.00' }, { label: 'Payee', value: 'ACME NV' }, { label: 'IBAN', value: 'BE71 0961 2345 6769' }],
});

/** A request for the device's account, and what the device is shown (gateway mode). */
async function pending(rp, user_id, device, body = loginBody(user_id)) {
  const created = (await rpCall(rp, 'POST', '/v1/requests', body)).body;
  const shown = await device.getRequest(created.request_id);
  assert.equal(shown.status, 200, JSON.stringify(shown.body));
  assert.deepEqual(Object.keys(shown.body).sort(), ['number_matching', 'request', 'request_hash', 'status'],
    'the binding code never reaches the device (SPEC §7)');
  assert.equal(shown.body.request_hash, created.request_hash);
  assert.equal(device.requestHash(shown.body.request), created.request_hash, 'the device recomputes the hash');
  return { created, request: shown.body.request, numberMatching: shown.body.number_matching };
}

async function jwks() {
  return jose.createLocalJWKSet(await (await fetch(`${edge.url}/.well-known/jwks.json`)).json());
}

for (const kind of ['login', 'sign']) test(`Push and ${kind === 'login' ? 'Login' : 'Sign'} approved; the receipt verifies both ways`, async () => {
  const user = `alice-${kind}`;
  const device = await enrolled('demo', user);
  const { created, request, numberMatching } = await pending('demo', user, device, kind === 'login' ? loginBody(user) : signBody(user));
  assert.equal(numberMatching, kind === 'login');
  if (kind === 'sign') {
    assert.deepEqual(request.fields, signBody(user).fields, 'every field shown as the RP sent it');
    assert.equal(created.binding_code, null);
  }
  const code = created.binding_code ?? undefined;
  const r = await device.decide(created.request_id, { request, decision: 'approve', binding_code: code });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'approved');

  const g = (await rpCall('demo', 'GET', `/v1/requests/${created.request_id}`)).body;
  assert.equal(g.status, 'approved');
  assert.equal(g.device_id, device.deviceId);
  assert.ok(g.decided_at >= created.created_at);
  assert.equal(g.receipt, r.body.receipt);

  // (1) The JWS with the edge's JWK Set.
  const { payload, protectedHeader } = await jose.jwtVerify(g.receipt, await jwks(), {
    issuer: edge.config.edgeOrigin, audience: 'demo', typ: 'assent-receipt+jwt', algorithms: ['ES256'],
  });
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(payload.sub, user);
  assert.equal(payload.jti, created.request_id);
  assert.deepEqual(payload.request, request);
  assert.equal(payload.decision, 'approve');
  assert.equal(payload.binding_code, code);
  assert.equal(payload.device.id, device.deviceId);

  // (2) Without trusting the edge: the statement recomputed, the assertion checked with the
  // device key the RP recorded (here: the key the device created).
  const statement = { v: 1, request_hash: device.requestHash(payload.request), decision: 'approve', binding_code: code };
  const clientData = JSON.parse(Buffer.from(payload.webauthn.client_data_json, 'base64url'));
  assert.equal(clientData.type, 'webauthn.get');
  assert.equal(clientData.origin, edge.config.edgeOrigin);
  assert.equal(clientData.challenge, device.statementChallenge(statement));
  const authData = Buffer.from(payload.webauthn.authenticator_data, 'base64url');
  assert.deepEqual(authData.subarray(0, 32), createHash('sha256').update('localhost').digest());
  assert.equal(authData[32] & 0x05, 0x05, 'UP and UV');
  const signed = Buffer.concat([authData, createHash('sha256').update(Buffer.from(payload.webauthn.client_data_json, 'base64url')).digest()]);
  const pub = Buffer.from(device.passkey.publicKey, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') }, format: 'jwk' });
  assert.ok(verifySignature('sha256', signed, key, Buffer.from(payload.webauthn.signature, 'base64url')));
});

test('a wrong binding code with a valid assertion records denied / binding_mismatch', async () => {
  const device = await enrolled('demo', 'bob');
  const { created, request } = await pending('demo', 'bob', device);
  const wrong = created.binding_code === '00' ? '01' : '00';
  const r = await device.decide(created.request_id, { request, decision: 'approve', binding_code: wrong });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'denied');
  const g = (await rpCall('demo', 'GET', `/v1/requests/${created.request_id}`)).body;
  assert.equal(g.reason, 'binding_mismatch');
});

test('deny, then fraud: the account is frozen (429 account_frozen with Retry-After)', async () => {
  const device = await enrolled('demo', 'carol');
  const first = await pending('demo', 'carol', device, signBody('carol'));
  const d = await device.decide(first.created.request_id, { request: first.request, decision: 'deny', reason: 'rejected' });
  assert.equal(d.body.status, 'denied');
  assert.equal((await rpCall('demo', 'GET', `/v1/requests/${first.created.request_id}`)).body.reason, 'rejected');

  const second = await pending('demo', 'carol', device, signBody('carol'));
  const f = await device.decide(second.created.request_id, { request: second.request, decision: 'deny', reason: 'fraud' });
  assert.equal(f.body.status, 'denied');
  assert.equal((await rpCall('demo', 'GET', `/v1/requests/${second.created.request_id}`)).body.reason, 'fraud');
  const frozen = await rpCall('demo', 'POST', '/v1/requests', signBody('carol'));
  assert.equal(frozen.status, 429);
  assert.equal(frozen.body.error.code, 'account_frozen');
  const retry = Number(frozen.headers.get('retry-after'));
  assert.ok(retry > 1190 && retry <= 1200, `Retry-After ${retry}`);
});

test('final is final: a second decision is 409, a replayed assertion is refused', async () => {
  const device = await enrolled('demo', 'dave');
  const one = await pending('demo', 'dave', device, signBody('dave'));
  let captured;
  const r = await device.decide(one.created.request_id, {
    request: one.request, decision: 'approve', mutate: (body) => { captured = body; return body; },
  });
  assert.equal(r.body.status, 'approved');
  const again = await fetch(`${edge.url}/v1/device/${device.deviceId}/requests/${one.created.request_id}/decision`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(captured),
  });
  assert.equal(again.status, 409);
  assert.equal((await again.json()).error.code, 'already_decided');
  // The same assertion against another pending request: it signed another statement.
  const two = await pending('demo', 'dave', device, signBody('dave'));
  const replay = await fetch(`${edge.url}/v1/device/${device.deviceId}/requests/${two.created.request_id}/decision`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(captured),
  });
  assert.equal(replay.status, 422);
  assert.equal((await replay.json()).error.code, 'invalid_assertion');
  assert.equal((await rpCall('demo', 'GET', `/v1/requests/${two.created.request_id}`)).body.status, 'pending');
});

test('what the device signs must be what it was shown: another hash, UV off, another decision', async () => {
  const device = await enrolled('demo', 'erin');
  const { created, request } = await pending('demo', 'erin', device, signBody('erin'));
  const tampered = { ...request, fields: [{ label: 'Amount', value: 'EUR 9,999.00' }] };
  for (const [name, options] of [
    ['content changed', { request: tampered }],
    ['UV off', { request, tweaks: { omit_user_verification: true } }],
    ['signed approve, sent deny', { request, sign: { decision: 'approve' }, decision: 'deny', reason: 'rejected' }],
  ]) {
    const r = await device.decide(created.request_id, { decision: 'approve', ...options });
    assert.equal(r.status, 422, `${name}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'invalid_assertion', name);
  }
  assert.equal((await rpCall('demo', 'GET', `/v1/requests/${created.request_id}`)).body.status, 'pending');
});

test('5 failed decisions in a row lock the device (RP limit 3 here)', async () => {
  const device = await enrolled('strict', 'frank');
  const { created, request } = await pending('strict', 'frank', device, signBody('frank'));
  for (let i = 0; i < 3; i++) {
    const r = await device.decide(created.request_id, { request, decision: 'approve', tweaks: { omit_user_verification: true } });
    assert.equal(r.status, 422);
  }
  const locked = await device.decide(created.request_id, { request, decision: 'approve' });
  assert.equal(locked.status, 403);
  assert.equal(locked.body.error.code, 'forbidden');
  assert.match(locked.body.error.message, /locked/);
  // A locked device reads no request content either (as its poll and inbox refuse it).
  const details = await device.getRequest(created.request_id);
  assert.equal(details.status, 403);
  assert.equal(details.body.error.code, 'forbidden');
});

test('secure mode: details never by id (403); another account\'s request is not found', async () => {
  const secure = await enrolled('demo-secure', 'grace');
  const created = (await rpCall('demo-secure', 'POST', '/v1/requests', loginBody('grace'))).body;
  const r = await secure.getRequest(created.request_id);
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'forbidden');
  const stranger = await enrolled('demo', 'heidi');
  const theirs = await stranger.getRequest(created.request_id);
  assert.equal(theirs.status, 404);
});

test('50 conflicting decisions from two devices: exactly one recorded, 49 answered 409', async () => {
  const a = await enrolled('demo', 'ivan');
  const activation = (await rpCall('demo', 'POST', '/v1/activations', { user_id: 'ivan' })).body;
  const b = createDevice({ edgeUrl: edge.url });
  assert.equal((await b.activate(activation.code)).status, 200);
  const { created, request } = await pending('demo', 'ivan', a, signBody('ivan'));
  // Prepare 50 valid bodies first (25 approvals from a, 25 denials from b), then race them.
  const bodies = [];
  for (let i = 0; i < 25; i++) {
    for (const [device, decision, reason] of [[a, 'approve'], [b, 'deny', 'rejected']]) {
      let body;
      await device.decide(created.request_id, {
        request, decision, reason, mutate: (x) => { body = x; return { ...x, decision: 'bogus' }; },
      });
      bodies.push([device, body]);
    }
  }
  const results = await Promise.all(bodies.map(([device, body]) =>
    fetch(`${edge.url}/v1/device/${device.deviceId}/requests/${created.request_id}/decision`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() }))));
  const okays = results.filter((r) => r.status === 200);
  assert.equal(okays.length, 1, JSON.stringify(results.map((r) => r.status)));
  assert.equal(results.filter((r) => r.status === 409).length, 49);
  const g = (await rpCall('demo', 'GET', `/v1/requests/${created.request_id}`)).body;
  assert.equal(g.status, okays[0].body.status);
});
