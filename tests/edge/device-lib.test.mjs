// Self-test of lib/device.mjs, without an edge: the passkey answers have Chromium's shape
// (checked against the recorded vectors) and verify with node:crypto, the secure channel
// interoperates with an independent WebCrypto "edge", the hashes match hand-written
// canonical JSON (RFC 8785's own examples for the canonicalizer), and the device API calls
// reach a stand-in edge in SPEC §7's shape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createECDH, createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  b64uDecode, canonicalJson, canonicalStatement, createDevice, requestHash, statementChallenge,
} from './lib/device.mjs';

const { subtle } = globalThis.crypto;
const enc = new TextEncoder();
const ECDH = { name: 'ECDH', namedCurve: 'P-256' };
const vector = (name) => JSON.parse(readFileSync(
  resolve(import.meta.dirname, `../vectors/webauthn/${name}.json`), 'utf8'));
const b64u = (b) => Buffer.from(b).toString('base64url');
const sha256 = (data) => createHash('sha256').update(data).digest();
const clientData = (response) => JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url'));
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

// ---- the edge's side of the channel, written here independently of device.mjs ----------

async function edgePayloadKey(edgePrivate, devicePublicB64u, deviceId) {
  const devicePublic = await subtle.importKey('raw', b64uDecode(devicePublicB64u), ECDH, false, []);
  const x = await subtle.deriveBits({ name: 'ECDH', public: devicePublic }, edgePrivate, 256);
  const hkdf = await subtle.importKey('raw', x, 'HKDF', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: enc.encode(deviceId), info: enc.encode('assent/v1 payload key') },
    hkdf, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

async function edgeOpen(key, deviceId, purpose, sealed) {
  const bytes = b64uDecode(sealed);
  const pt = await subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: enc.encode(`assent/v1/${purpose}|${deviceId}`) },
    key, bytes.slice(12));
  return JSON.parse(new TextDecoder().decode(pt));
}

async function edgeSeal(key, deviceId, purpose, object) {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: enc.encode(`assent/v1/${purpose}|${deviceId}`) },
    key, enc.encode(JSON.stringify(object))));
  return b64u(Buffer.concat([iv, ct]));
}

async function edgeChannelPair() {
  const pair = await subtle.generateKey(ECDH, false, ['deriveBits']);
  return { privateKey: pair.privateKey, raw: b64u(await subtle.exportKey('raw', pair.publicKey)) };
}

/** ES256 over `authenticatorData || SHA-256(clientDataJSON)` with the 65-byte point, by OpenSSL. */
function es256Verifies(publicKeyB64u, response) {
  const point = b64uDecode(publicKeyB64u);
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(point.slice(1, 33)), y: b64u(point.slice(33)) }, format: 'jwk',
  });
  const data = Buffer.concat([
    Buffer.from(response.response.authenticatorData, 'base64url'),
    sha256(Buffer.from(response.response.clientDataJSON, 'base64url')),
  ]);
  return verify('sha256', data, key, Buffer.from(response.response.signature, 'base64url'));
}

// ---- canonical JSON and the hashes -------------------------------------------------------

test('canonicalJson: RFC 8785 §3.2.2 and §3.2.3 examples', () => {
  const input = JSON.parse('{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], '
    + '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}');
  assert.equal(canonicalJson(input),
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    + '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');

  const sorting = JSON.parse('{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", '
    + '"\\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", '
    + '"\\u0080": "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}');
  // (Compared as text: JSON.parse would put the integer-like name "1" first again.)
  assert.equal(canonicalJson(sorting), '{"\\r":"Carriage Return","1":"One","\u0080":"Control",'
    + '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face",'
    + '"\ufb33":"Hebrew Letter Dalet With Dagesh"}');

  assert.equal(canonicalJson({ b: undefined, a: [{}, []] }), '{"a":[{},[]]}', 'undefined members are absent');
  for (const bad of [NaN, Infinity, 1n, () => 1, new Date(0), [undefined], '\ud800']) {
    assert.throws(() => canonicalJson(bad), TypeError);
  }
});

test('requestHash of the SPEC §5 sample is SHA-256 of its hand-written canonical JSON', () => {
  const content = {
    v: 1, rp_id: 'demo', rp_name: 'Example Bank', request_id: 'q7ZpLbHn2Y1CqJ5x0sWm4A',
    user_id: 'alice', kind: 'sign', title: 'Sign in to Example Bank',
    context: { ip: '203.0.113.7', location: 'Brussels, BE', browser: 'Firefox on macOS' },
    fields: [{ label: 'Amount', value: 'EUR 1,250.00' }, { label: 'Payee', value: 'ACME NV' }],
    created_at: 1767225600, expires_at: 1767225720,
  };
  const canonical = '{"context":{"browser":"Firefox on macOS","ip":"203.0.113.7","location":"Brussels, BE"},'
    + '"created_at":1767225600,"expires_at":1767225720,'
    + '"fields":[{"label":"Amount","value":"EUR 1,250.00"},{"label":"Payee","value":"ACME NV"}],'
    + '"kind":"sign","request_id":"q7ZpLbHn2Y1CqJ5x0sWm4A","rp_id":"demo","rp_name":"Example Bank",'
    + '"title":"Sign in to Example Bank","user_id":"alice","v":1}';
  assert.equal(canonicalJson(content), canonical);
  assert.equal(requestHash(content), b64u(sha256(canonical)));
  assert.match(requestHash(content), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(requestHash({ ...content, fields: content.fields.slice(1) }), requestHash(content));
});

test('statementChallenge is SHA-256 of the hand-written canonical statement', () => {
  const h = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';
  const approve = `{"binding_code":"42","decision":"approve","request_hash":"${h}","v":1}`;
  assert.equal(canonicalStatement({ request_hash: h, decision: 'approve', binding_code: '42' }), approve);
  assert.equal(statementChallenge({ request_hash: h, decision: 'approve', binding_code: '42' }), b64u(sha256(approve)));

  const deny = `{"decision":"deny","reason":"fraud","request_hash":"${h}","v":1}`;
  assert.equal(statementChallenge({ request_hash: h, decision: 'deny', reason: 'fraud', binding_code: null }),
    b64u(sha256(deny)));
  assert.notEqual(statementChallenge({ request_hash: h, decision: 'deny' }), b64u(sha256(deny)));
  assert.throws(() => canonicalStatement({ request_hash: h, decision: 'approve', binding_code: 42 }), TypeError);
});

// ---- the passkey ---------------------------------------------------------------------------

test("registration: Chromium's members, clientDataJSON order and authenticator data layout", async () => {
  const recorded = vector('registration-none');
  const device = createDevice({ edgeUrl: recorded.origin });
  const response = await device.create(recorded.options);

  assert.deepEqual(Object.keys(response), Object.keys(recorded.response));
  assert.deepEqual(Object.keys(response.response), Object.keys(recorded.response.response));
  assert.deepEqual(response.response.transports, recorded.response.response.transports);
  assert.equal(response.id, device.passkey.credentialId);
  assert.equal(response.rawId, response.id);

  const cd = clientData(response);
  assert.deepEqual(Object.keys(cd).slice(0, 4), ['type', 'challenge', 'origin', 'crossOrigin']);
  assert.deepEqual(Object.keys(clientData(recorded.response)).slice(0, 4), Object.keys(cd).slice(0, 4));
  assert.deepEqual(cd, { type: 'webauthn.create', challenge: recorded.challenge, origin: recorded.origin, crossOrigin: false });

  // authData: rpIdHash | flags | signCount | aaguid | credIdLen | credId | COSE key. Equal to
  // Chromium's byte for byte except where the credential (id, x, y) differs.
  const ours = Buffer.from(response.response.authenticatorData, 'base64url');
  const theirs = Buffer.from(recorded.response.response.authenticatorData, 'base64url');
  assert.equal(ours.length, theirs.length);
  assert.deepEqual(ours.subarray(0, 55), theirs.subarray(0, 55), 'rpIdHash, flags, count, aaguid, id length');
  assert.equal(ours[32], UP | UV | AT);
  assert.equal(ours.readUInt32BE(33), 1);
  assert.deepEqual(ours.subarray(55, 87), Buffer.from(b64uDecode(response.id)));
  assert.deepEqual(ours.subarray(87, 97), theirs.subarray(87, 97), 'COSE {1:2, 3:-7, -1:1, -2: bstr(32)…');
  assert.deepEqual(ours.subarray(129, 132), theirs.subarray(129, 132), '…, -3: bstr(32)}');
  const attestation = Buffer.from(response.response.attestationObject, 'base64url');
  const recordedAttestation = Buffer.from(recorded.response.response.attestationObject, 'base64url');
  assert.deepEqual(attestation.subarray(0, attestation.length - ours.length),
    recordedAttestation.subarray(0, recordedAttestation.length - theirs.length), '{fmt: "none", attStmt: {}, authData:');
  assert.deepEqual(attestation.subarray(attestation.length - ours.length), ours);

  // The key in the answer is the one of the scalar device.mjs generated (checked by OpenSSL).
  const point = createECDH('prime256v1');
  point.setPrivateKey(b64uDecode(device.passkey.privateKey));
  assert.equal(device.passkey.publicKey, b64u(point.getPublicKey()));
  assert.deepEqual(ours.subarray(97, 129), point.getPublicKey().subarray(1, 33));
  assert.deepEqual(ours.subarray(132), point.getPublicKey().subarray(33));
  const spki = createPublicKey({ key: Buffer.from(response.response.publicKey, 'base64url'), format: 'der', type: 'spki' });
  assert.equal(spki.export({ format: 'jwk' }).x, b64u(point.getPublicKey().subarray(1, 33)));
  assert.equal(device.passkey.signCount, 1);
  assert.equal(device.passkey.userHandle, recorded.options.user.id);
});

test("assertions: Chromium's members, the counter goes up, node:crypto verifies the signature", async () => {
  const registration = vector('registration-none');
  const recorded = vector('assertion-uv-1');
  const device = createDevice({ edgeUrl: recorded.origin });
  await device.create(registration.options);
  const options = { ...recorded.options, allowCredentials: [{ type: 'public-key', id: device.passkey.credentialId }] };

  const response = await device.assert(options);
  assert.deepEqual(Object.keys(response), Object.keys(recorded.response));
  assert.deepEqual(Object.keys(response.response), Object.keys(recorded.response.response));
  assert.equal(response.response.userHandle, registration.options.user.id);
  assert.deepEqual(clientData(response), { type: 'webauthn.get', challenge: recorded.challenge, origin: recorded.origin, crossOrigin: false });
  const authData = Buffer.from(response.response.authenticatorData, 'base64url');
  const recordedAuthData = Buffer.from(recorded.response.response.authenticatorData, 'base64url');
  assert.deepEqual(authData, recordedAuthData, 'rpIdHash | UP|UV | counter 2: as Chromium after one registration');
  assert.ok(es256Verifies(device.passkey.publicKey, response));

  const second = await device.assert(options);
  assert.equal(Buffer.from(second.response.authenticatorData, 'base64url').readUInt32BE(33), 3);
  assert.ok(es256Verifies(device.passkey.publicKey, second));

  const noUv = await device.assert(options, { omit_user_verification: true, sign_count: 9 });
  const flags = Buffer.from(noUv.response.authenticatorData, 'base64url');
  assert.equal(flags[32], UP, 'UV clear, still validly signed');
  assert.equal(flags.readUInt32BE(33), 9);
  assert.equal(device.passkey.signCount, 9);
  assert.ok(es256Verifies(device.passkey.publicKey, noUv));

  await assert.rejects(device.assert(options, { omit_uv: true }), /omit_uv/);
  await assert.rejects(device.assert({ ...options, allowCredentials: [{ type: 'public-key', id: 'AAAA' }] }),
    /credential is not allowed/);
});

test('each device has its own passkey and channel key', async () => {
  const a = createDevice({ edgeUrl: 'http://localhost:8787' });
  const b = createDevice({ edgeUrl: 'http://localhost:8787' });
  assert.notEqual(a.passkey.privateKey, b.passkey.privateKey);
  assert.notEqual(a.passkey.credentialId, b.passkey.credentialId);
  assert.notEqual(a.channelPublicKey, b.channelPublicKey);
  assert.equal(b64uDecode(a.passkey.privateKey).length, 32);
  assert.equal(b64uDecode(a.passkey.credentialId).length, 32);
  assert.equal(b64uDecode(a.channelPublicKey).length, 65);
  assert.equal(a.passkey.rpId, 'localhost');
});

// ---- the secure channel ---------------------------------------------------------------

test('seal/open interoperate with an independent WebCrypto edge, bound to purpose and device', async () => {
  const edge = await edgeChannelPair();
  const device = createDevice({ edgeUrl: 'http://localhost:8787' });
  await assert.rejects(device.seal('push', {}), /no channel/);
  const deviceId = 'Zm9vYmFyYmF6cXV4cXV1eA';
  await device.setChannel({ deviceId, channelPublicKey: edge.raw });
  const key = await edgePayloadKey(edge.privateKey, device.channelPublicKey, deviceId);

  const plaintext = { subscription: null, seq: 1 };
  const sealed = await device.seal('push', plaintext);
  assert.equal(b64uDecode(sealed).length, 12 + JSON.stringify(plaintext).length + 16);
  assert.deepEqual(await edgeOpen(key, deviceId, 'push', sealed), plaintext);
  assert.notEqual(await device.seal('push', plaintext), sealed, 'a fresh nonce each time');
  await assert.rejects(edgeOpen(key, deviceId, 'inbox', sealed), { name: 'OperationError' });
  const otherKey = await edgePayloadKey(edge.privateKey, device.channelPublicKey, 'AAAAAAAAAAAAAAAAAAAAAA');
  await assert.rejects(edgeOpen(otherKey, deviceId, 'push', sealed), { name: 'OperationError' });

  const inbox = { requests: [{ request_hash: 'x', number_matching: true, status: 'pending' }] };
  const fromEdge = await edgeSeal(key, deviceId, 'inbox', inbox);
  assert.deepEqual(await device.open('inbox', fromEdge), inbox);
  await assert.rejects(device.open('deactivate', fromEdge), { name: 'OperationError' });
  const tampered = b64uDecode(fromEdge);
  tampered[20] ^= 1;
  await assert.rejects(device.open('inbox', b64u(tampered)), { name: 'OperationError' });
  await assert.rejects(device.open('inbox', b64u(tampered.slice(0, 27))), /shorter/);
});

// ---- the device API against a stand-in edge ---------------------------------------------

let standIn;
before(async () => {
  const edge = await edgeChannelPair();
  const seen = [];
  const challenge = b64u(globalThis.crypto.getRandomValues(new Uint8Array(32)));
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    seen.push({ method: req.method, path: req.url, contentType: req.headers['content-type'], body: text ? JSON.parse(text) : null });
    const answer = (status, body) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
    if (req.url === '/v1/device/activate/begin') {
      if (JSON.parse(text).code !== 'good-code') return answer(404, { error: { code: 'not_found', message: 'no such code' } });
      return answer(200, {
        device_id: 'ZGV2aWNlLWlkLTAwMDAwMA', rp: { id: 'demo', name: 'Example Bank' },
        user: { name: 'alice', display_name: 'Alice' }, vapid_public_key: edge.raw, channel_public_key: edge.raw,
        creation_options: {
          rp: { id: 'localhost', name: 'Example Bank' },
          user: { id: 'dXNlci1oYW5kbGU', name: 'alice', displayName: 'Alice' },
          challenge, pubKeyCredParams: [{ type: 'public-key', alg: -7 }], timeout: 60000,
          authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' }, attestation: 'none',
        },
      });
    }
    if (req.url === '/v1/device/activate/finish') {
      return answer(200, { device_id: 'ZGV2aWNlLWlkLTAwMDAwMA', account: { rp_id: 'demo', mode: 'gateway' } });
    }
    return answer(200, { status: 'approved' });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  standIn = {
    edge, seen, challenge, server,
    url: `http://127.0.0.1:${server.address().port}`,
  };
});
after(() => standIn?.server.close());

test("activate, pushUpdate and decide send SPEC §7's bodies", async () => {
  const origin = 'http://localhost:8787';
  const device = createDevice({ edgeUrl: standIn.url, origin });

  const refused = await device.activate('bad-code');
  assert.equal(refused.status, 404);
  assert.equal(refused.stage, 'begin');
  assert.equal(refused.body.error.code, 'not_found');

  const subscription = { endpoint: 'http://127.0.0.1:9/push/x', expirationTime: null, keys: { p256dh: 'a', auth: 'b' } };
  const activated = await device.activate('good-code', { subscription });
  assert.equal(activated.status, 200);
  assert.equal(activated.stage, 'finish');
  assert.deepEqual(device.account, { rp_id: 'demo', mode: 'gateway' });
  assert.equal(device.deviceId, 'ZGV2aWNlLWlkLTAwMDAwMA');
  assert.equal(device.vapidPublicKey, standIn.edge.raw);

  const finish = standIn.seen.find((r) => r.path === '/v1/device/activate/finish');
  assert.equal(finish.method, 'POST');
  assert.equal(finish.contentType, 'application/json');
  assert.deepEqual(Object.keys(finish.body), ['device_id', 'code', 'credential', 'channel_public_key', 'push']);
  assert.equal(finish.body.code, 'good-code');
  assert.equal(finish.body.channel_public_key, device.channelPublicKey);
  assert.deepEqual(clientData(finish.body.credential),
    { type: 'webauthn.create', challenge: standIn.challenge, origin, crossOrigin: false });
  const key = await edgePayloadKey(standIn.edge.privateKey, finish.body.channel_public_key, finish.body.device_id);
  assert.deepEqual(await edgeOpen(key, device.deviceId, 'push', finish.body.push), { subscription, seq: 1 });

  assert.equal((await device.pushUpdate(null)).status, 200);
  const put = standIn.seen.at(-1);
  assert.equal(put.method, 'PUT');
  assert.equal(put.path, `/v1/device/${device.deviceId}/push`);
  assert.deepEqual(Object.keys(put.body), ['sealed']);
  assert.deepEqual(await edgeOpen(key, device.deviceId, 'push', put.body.sealed), { subscription: null, seq: 2 });
  await device.pushUpdate(subscription, { seq: 2 });
  assert.deepEqual(await edgeOpen(key, device.deviceId, 'push', standIn.seen.at(-1).body.sealed), { subscription, seq: 2 });
  await device.pushUpdate(subscription);
  assert.deepEqual(await edgeOpen(key, device.deviceId, 'push', standIn.seen.at(-1).body.sealed), { subscription, seq: 3 });

  const content = { v: 1, rp_id: 'demo', rp_name: 'Example Bank', request_id: 'cmVxdWVzdC1pZC0wMDAwMA', user_id: 'alice',
    kind: 'login', created_at: 1767225600, expires_at: 1767225720 };
  const hand = '{"created_at":1767225600,"expires_at":1767225720,"kind":"login","request_id":"cmVxdWVzdC1pZC0wMDAwMA",'
    + '"rp_id":"demo","rp_name":"Example Bank","user_id":"alice","v":1}';
  const decided = await device.decide(content.request_id, { request: content, decision: 'approve', binding_code: '07' });
  assert.equal(decided.status, 200);
  const post = standIn.seen.at(-1);
  assert.equal(post.path, `/v1/device/${device.deviceId}/requests/${content.request_id}/decision`);
  assert.deepEqual(Object.keys(post.body), ['decision', 'binding_code', 'assertion']);
  const statement = `{"binding_code":"07","decision":"approve","request_hash":"${b64u(sha256(hand))}","v":1}`;
  assert.equal(clientData(post.body.assertion).challenge, b64u(sha256(statement)));
  assert.equal(clientData(post.body.assertion).origin, origin);
  assert.ok(es256Verifies(device.passkey.publicKey, post.body.assertion));
  assert.equal(Buffer.from(post.body.assertion.response.authenticatorData, 'base64url').readUInt32BE(33), 2);

  const ts = 1767225600;
  await device.deactivate({ ts });
  const off = standIn.seen.at(-1);
  assert.equal(off.path, `/v1/device/${device.deviceId}/deactivate`);
  assert.deepEqual(await edgeOpen(key, device.deviceId, 'deactivate', off.body.sealed), { ts });
});
