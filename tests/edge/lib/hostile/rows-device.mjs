// Hostile rows of the device API (SPEC §7): activation, push re-registration, deactivation,
// the secure-mode inbox, the pending list, request details and decisions.
//
// Bad assertions on a decision count toward the device lock (SPEC §10), so every row whose
// assertion reaches the signature check targets the victim device V and its pending request
// PV, and is marked `counts: true`; the test asserts V's counter from those rows. Rows on the
// other devices fail before any signature is checked (body, ids, final or expired request).
import assert from 'node:assert/strict';
import { createECDH, randomBytes } from 'node:crypto';
import { b64u, createDevice } from '../device.mjs';
import { ENDPOINTS as E, ERR, jsonRows, methodRows } from './common.mjs';
import {
  assertWith, clone, deepArray, editClientData, flipByte, now, signedDecision, strangerKey,
  tamperRpIdHash, unknownId, withResponse,
} from './forge.mjs';

const UNKNOWN = unknownId();
const EVIL = 'https://evil.example';
const devicePath = (name, rest) => (fx) => `/v1/device/${fx.dev[name].deviceId}${rest}`;
const requestPath = (device, request, rest = '') => (fx) => `/v1/device/${fx.dev[device].deviceId}/requests/${fx.req[request].id}${rest}`;

/** A well-formed PushSubscriptionJSON with `endpoint` (keys of a real P-256 point). */
function subscription(endpoint, overrides = {}) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { endpoint, expirationTime: null, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(randomBytes(16)) }, ...overrides };
}

// ---------------------------------------------------------------------------------------
// POST /v1/device/activate/begin

const begin = [
  ...jsonRows({
    endpoint: E.begin, method: 'POST', path: '/v1/device/activate/begin',
    // The pending activation's own code: accepted, it would restart carol's ceremony.
    valid: async (fx) => ({ code: fx.act.carol.code }),
    member: 'code', json: ['truncated', 'a bare word', 'two documents', 'unquoted member'], media: ['text/plain', null, 'text/json'],
  }),
  ...[
    ['type', 'code a number', { code: 5 }],
    ['type', 'code null', { code: null }],
    ['type', 'code an array', { code: ['x'] }],
    ['type', 'the body a string', '"code"'],
    ['type', 'the body an empty array', []],
    ['value', 'code missing', {}],
    ['value', 'code empty', { code: '' }],
    ['value', 'code with spaces', { code: 'no spaces allowed' }],
    ['value', 'code of 65 characters', { code: 'A'.repeat(65) }],
    ['value', 'code with a path', { code: '../../etc/passwd' }],
    ['value', 'code with non-ASCII letters', { code: 'ÄÖÜäöü' }],
  ].map(([category, name, body]) => ({ category, name, body, expect: ERR.invalid })),
  { category: 'unknownId', name: 'an unknown code', body: { code: UNKNOWN }, expect: ERR.notFound },
  { category: 'unknownId', name: 'an unknown code of 64 characters', body: { code: 'Z'.repeat(64) }, expect: ERR.notFound },
  { category: 'unknownId', name: 'the activation id in place of the code', body: (fx) => ({ code: fx.act.carol.id }), expect: ERR.notFound },
  { category: 'replayed', name: 'a code already used (G activated with it)', body: (fx) => ({ code: fx.act.G.code }), expect: ERR.notFound },
  { category: 'replayed', name: 'a code already used by a device since removed', body: (fx) => ({ code: fx.act.R.code }), expect: ERR.notFound },
  { category: 'type', name: 'the body an array in member order (serde sequence form)', body: [UNKNOWN], expect: ERR.invalid },
].map((row) => ({ endpoint: E.begin, method: 'POST', path: '/v1/device/activate/begin', ...row }))
  .concat(methodRows(E.begin, '/v1/device/activate/begin', ['GET', 'PUT', 'DELETE']));

// ---------------------------------------------------------------------------------------
// POST /v1/device/activate/finish — every row is carol's genuine finish body with one fault.

const options = (fx) => fx.carol.begin.creation_options;
/** A credential for carol's ceremony made with `tweaks`, or by a device at `origin`. */
async function credentialWith(fx, { tweaks, origin, challenge } = {}) {
  const opts = challenge ? { ...options(fx), challenge } : options(fx);
  const maker = origin ? createDevice({ edgeUrl: fx.url, origin }) : fx.carol.device;
  return maker.create(opts, tweaks);
}
/** Carol's sealed push with another plaintext or purpose. */
const carolPush = (fx, plaintext, purpose = 'push') => fx.carol.device.seal(purpose, plaintext);
const finishRow = (category, name, overrides, expect) => ({
  category, name, expect,
  prepare: async (fx) => ({ body: await fx.carol.finish(await overrides(fx)) }),
});

const finish = [
  ...jsonRows({
    endpoint: E.finish, method: 'POST', path: '/v1/device/activate/finish', valid: (fx) => VALID_DEVICE.finish(fx),
    member: 'device_id', json: ['truncated', 'NaN', 'a comment', 'empty body'], media: ['text/plain', null, 'application/xml'], stream: true,
  }),
  finishRow('type', 'device_id a number', async () => ({ device_id: 5 }), ERR.invalid),
  finishRow('type', 'credential missing', async () => ({ credential: undefined }), ERR.invalid),
  finishRow('type', 'push a number', async () => ({ push: 5 }), ERR.invalid),
  finishRow('type', 'channel_public_key null', async () => ({ channel_public_key: null }), ERR.invalid),
  finishRow('type', 'code an array', async (fx) => ({ code: [fx.act.carol.code] }), ERR.invalid),
  finishRow('value', 'device_id too short', async () => ({ device_id: 'short' }), ERR.invalid),
  finishRow('value', 'code with a space', async () => ({ code: 'has space' }), ERR.invalid),
  finishRow('value', 'channel_public_key of 64 bytes', async () => ({ channel_public_key: b64u(Buffer.concat([Buffer.of(4), randomBytes(63)])) }), ERR.invalid),
  finishRow('value', 'channel_public_key compressed (33 bytes)', async (fx) => ({ channel_public_key: b64u(Buffer.concat([Buffer.of(2), Buffer.from(fx.carol.device.channelPublicKey, 'base64url').subarray(1, 33)])) }), ERR.invalid),
  finishRow('value', 'channel_public_key not on the curve', async () => ({ channel_public_key: b64u(Buffer.concat([Buffer.of(4), Buffer.alloc(64, 0xff)])) }), ERR.invalid),
  finishRow('value', 'push not base64url', async () => ({ push: 'a+b/c=' }), ERR.invalid),
  finishRow('value', 'push of 27 bytes (shorter than nonce and tag)', async () => ({ push: b64u(randomBytes(27)) }), ERR.invalid),
  { category: 'json', name: 'credential nested 5000 arrays deep', prepare: async (fx) => ({ body: JSON.stringify(await fx.carol.finish()).replace(/"credential":\{/, `"credential":${deepArray(5000)},"x":{`) }), expect: ERR.json },
  finishRow('uv', 'UV off in the registration', async (fx) => ({ credential: await credentialWith(fx, { tweaks: { omit_user_verification: true } }) }), ERR.attestation),
  finishRow('uv', 'UP off in the registration', async (fx) => ({ credential: await credentialWith(fx, { tweaks: { omit_user_presence: true } }) }), ERR.attestation),
  finishRow('origin', 'a passkey made on another origin', async (fx) => ({ credential: await credentialWith(fx, { origin: EVIL }) }), ERR.attestation),
  finishRow('origin', 'a passkey for another RP ID', async (fx) => ({ credential: await credentialWith(fx, { tweaks: { rp_id: 'evil.example' } }) }), ERR.attestation),
  finishRow('origin', 'crossOrigin true (made in a cross-origin frame)', async (fx) => ({ credential: await credentialWith(fx, { tweaks: { cross_origin: true } }) }), ERR.attestation),
  finishRow('origin', 'topOrigin present (made in a frame)', async (fx) => ({ credential: await credentialWith(fx, { tweaks: { cross_origin: true, top_origin: EVIL } }) }), ERR.attestation),
  finishRow('tampered', 'clientData type webauthn.get', async (fx) => ({ credential: await credentialWith(fx, { tweaks: { client_data_type: 'webauthn.get' } }) }), ERR.attestation),
  finishRow('tampered', 'rpIdHash flipped in the attestation object', async (fx) => ({
    credential: withResponse(fx.carol.credential, 'attestationObject', (a) => tamperRpIdHash(a, options(fx).rp.id)),
  }), ERR.attestation),
  finishRow('tampered', 'clientDataJSON challenge replaced', async (fx) => ({
    credential: withResponse(fx.carol.credential, 'clientDataJSON', (c) => editClientData(c, (d) => { d.challenge = b64u(randomBytes(32)); })),
  }), ERR.attestation),
  finishRow('forged', 'a passkey made over another challenge', async (fx) => ({ credential: await credentialWith(fx, { challenge: b64u(randomBytes(32)) }) }), ERR.attestation),
  finishRow('forged', 'credential a string', async () => ({ credential: 'credential' }), ERR.attestation),
  finishRow('forged', 'credential an empty object', async () => ({ credential: {} }), ERR.attestation),
  finishRow('forged', 'credential without attestationObject', async (fx) => ({
    credential: (({ attestationObject, ...rest }) => ({ ...fx.carol.credential, response: rest }))(fx.carol.credential.response),
  }), ERR.attestation),
  finishRow('replayed', "G's registration replayed into carol's ceremony", async (fx) => ({ credential: clone(fx.captured.gFinish.credential) }), ERR.attestation),
  finishRow('sealed', 'push: one ciphertext bit flipped', async (fx) => ({ push: flipByte(await carolPush(fx, { subscription: null, seq: 1 }), 14) }), ERR.invalid),
  finishRow('sealed', 'push: one nonce bit flipped', async (fx) => ({ push: flipByte(await carolPush(fx, { subscription: null, seq: 1 }), 0) }), ERR.invalid),
  finishRow('sealed', 'push: sealed for purpose deactivate', async (fx) => ({ push: await carolPush(fx, { subscription: null, seq: 1 }, 'deactivate') }), ERR.invalid),
  finishRow('sealed', 'push: sealed for purpose inbox', async (fx) => ({ push: await carolPush(fx, { subscription: null, seq: 1 }, 'inbox') }), ERR.invalid),
  finishRow('sealed', 'push: sealed with another device key', async (fx) => {
    const other = createDevice({ edgeUrl: fx.url });
    await other.setChannel({ deviceId: fx.carol.deviceId, channelPublicKey: fx.carol.begin.channel_public_key });
    return { push: await other.seal('push', { subscription: null, seq: 1 }) };
  }, ERR.invalid),
  finishRow('sealed', "channel_public_key of another device than the one that sealed", async (fx) => ({ channel_public_key: createDevice({ edgeUrl: fx.url }).channelPublicKey }), ERR.invalid),
  finishRow('sealed', 'push plaintext: seq 0', async (fx) => ({ push: await carolPush(fx, { subscription: null, seq: 0 }) }), ERR.invalid),
  finishRow('sealed', 'push plaintext: seq a string', async (fx) => ({ push: await carolPush(fx, { subscription: null, seq: '1' }) }), ERR.invalid),
  finishRow('sealed', 'push plaintext: an unknown member', async (fx) => ({ push: await carolPush(fx, { subscription: null, seq: 1, admin: true }) }), ERR.invalid),
  finishRow('sealed', 'push plaintext: a string', async (fx) => ({ push: await carolPush(fx, 'subscription') }), ERR.invalid),
  finishRow('sealed', 'push plaintext: subscription a string', async (fx) => ({ push: await carolPush(fx, { subscription: 'https://push.example.net', seq: 1 }) }), ERR.invalid),
  finishRow('sealed', 'push plaintext: http endpoint off loopback', async (fx) => ({ push: await carolPush(fx, { subscription: subscription('http://push.example.net/x'), seq: 1 }) }), ERR.invalid),
  finishRow('unknownId', 'a device id that was never begun', async () => ({ device_id: unknownId() }), ERR.notFound),
  finishRow('unknownId', 'an unknown code', async () => ({ code: unknownId() }), ERR.notFound),
  finishRow('replayed', "a used code (G's) with carol's ceremony", async (fx) => ({ code: fx.act.G.code }), ERR.notFound),
  { category: 'replayed', name: "G's finish body replayed", body: (fx) => fx.captured.gFinish, expect: ERR.notFound },
].map((row) => ({ endpoint: E.finish, method: 'POST', path: '/v1/device/activate/finish', ...row }))
  .concat(methodRows(E.finish, '/v1/device/activate/finish', ['GET', 'PUT']));

// ---------------------------------------------------------------------------------------
// PUT /v1/device/{device_id}/push — on G, whose last seq is 1.

const gSeal = (fx, plaintext, purpose = 'push') => fx.dev.G.seal(purpose, plaintext);
const pushRow = (category, name, sealed, expect = ERR.invalid) => ({
  category, name, expect, prepare: async (fx) => ({ body: { sealed: await sealed(fx) } }),
});

const push = [
  ...jsonRows({
    endpoint: E.push, method: 'PUT', path: devicePath('G', '/push'),
    valid: (fx) => VALID_DEVICE.push(fx),
    member: 'sealed', json: ['truncated', 'single quotes', 'unquoted member', 'not UTF-8'], media: ['text/plain', null, 'text/json'],
  }),
  ...[
    ['type', 'sealed a number', { sealed: 5 }],
    ['type', 'sealed null', { sealed: null }],
    ['type', 'sealed an object', { sealed: {} }],
    ['type', 'the body an empty array', []],
    ['value', 'sealed missing', {}],
    ['value', 'sealed empty', { sealed: '' }],
    ['value', 'sealed in standard base64 with padding', { sealed: Buffer.alloc(40, 0xfb).toString('base64') }],
    ['value', 'sealed of 27 bytes', { sealed: b64u(randomBytes(27)) }],
  ].map(([category, name, body]) => ({ category, name, body, expect: ERR.invalid })),
  pushRow('sealed', 'one nonce bit flipped', async (fx) => flipByte(await gSeal(fx, { subscription: null, seq: 2 }), 3)),
  pushRow('sealed', 'one ciphertext bit flipped', async (fx) => flipByte(await gSeal(fx, { subscription: null, seq: 2 }), 12)),
  pushRow('sealed', 'one tag bit flipped', async (fx) => flipByte(await gSeal(fx, { subscription: null, seq: 2 }), -1)),
  pushRow('sealed', 'truncated by one byte', async (fx) => b64u(Buffer.from(await gSeal(fx, { subscription: null, seq: 2 }), 'base64url').subarray(0, -1))),
  pushRow('sealed', 'sealed for purpose deactivate', async (fx) => gSeal(fx, { subscription: null, seq: 2 }, 'deactivate')),
  pushRow('sealed', 'sealed for purpose inbox', async (fx) => gSeal(fx, { subscription: null, seq: 2 }, 'inbox')),
  pushRow('sealed', 'plaintext: seq 0', async (fx) => gSeal(fx, { subscription: null, seq: 0 })),
  pushRow('sealed', 'plaintext: seq a string', async (fx) => gSeal(fx, { subscription: null, seq: '3' })),
  pushRow('sealed', 'plaintext: seq negative', async (fx) => gSeal(fx, { subscription: null, seq: -3 })),
  pushRow('sealed', 'plaintext: seq a fraction', async (fx) => gSeal(fx, { subscription: null, seq: 2.5 })),
  pushRow('sealed', 'plaintext: an unknown member', async (fx) => gSeal(fx, { subscription: null, seq: 2, device_id: 'x' })),
  pushRow('sealed', 'plaintext: a string', async (fx) => gSeal(fx, 'subscription')),
  // seq 1 in case the array is taken for the object (serde's sequence form): then it is stale.
  pushRow('sealed', 'plaintext: an array', async (fx) => gSeal(fx, [null, 1])),
  pushRow('sealed', 'plaintext: subscription a string', async (fx) => gSeal(fx, { subscription: 'https://push.example.net/x', seq: 2 })),
  pushRow('sealed', 'plaintext: http endpoint off loopback', async (fx) => gSeal(fx, { subscription: subscription('http://push.example.net/x'), seq: 2 })),
  pushRow('sealed', 'plaintext: ftp endpoint', async (fx) => gSeal(fx, { subscription: subscription('ftp://127.0.0.1/x'), seq: 2 })),
  pushRow('sealed', 'plaintext: subscription without keys', async (fx) => gSeal(fx, { subscription: { endpoint: 'https://push.example.net/x', expirationTime: null }, seq: 2 })),
  pushRow('sealed', 'plaintext: p256dh not a point', async (fx) => gSeal(fx, { subscription: subscription('https://push.example.net/x', { keys: { p256dh: b64u(randomBytes(65)), auth: b64u(randomBytes(16)) } }), seq: 2 })),
  pushRow('replayed', "G's activation registration (seq 1) replayed", async (fx) => fx.captured.gPush.sealed),
  pushRow('replayed', 'a fresh registration that repeats seq 1', async (fx) => gSeal(fx, { subscription: null, seq: 1 })),
  { category: 'other', name: "G's valid registration sent to bob's device", path: devicePath('B', '/push'), prepare: async (fx) => ({ body: { sealed: await gSeal(fx, { subscription: null, seq: 2 }) } }), expect: ERR.invalid },
  { category: 'unknownId', name: 'an unknown device id', path: `/v1/device/${UNKNOWN}/push`, prepare: async (fx) => ({ body: { sealed: await gSeal(fx, { subscription: null, seq: 2 }) } }), expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed device id', path: '/v1/device/not-a-device/push', prepare: async (fx) => ({ body: { sealed: await gSeal(fx, { subscription: null, seq: 2 }) } }), expect: ERR.notFound },
  { category: 'unknownId', name: '"activate" as the device id', path: '/v1/device/activate/push', prepare: async (fx) => ({ body: { sealed: await gSeal(fx, { subscription: null, seq: 2 }) } }), expect: ERR.notFound },
  { category: 'unknownId', name: 'a removed device, with its own valid seal', path: devicePath('R', '/push'), prepare: async (fx) => ({ body: { sealed: await fx.dev.R.seal('push', { subscription: null, seq: 2 }) } }), expect: ERR.notFound },
  { category: 'unknownId', name: 'a deactivated device, with its own valid seal', path: devicePath('Z', '/push'), prepare: async (fx) => ({ body: { sealed: await fx.dev.Z.seal('push', { subscription: null, seq: 2 }) } }), expect: ERR.notFound },
  { category: 'unknownId', name: 'a begun, unfinished device, with its own valid seal', path: (fx) => `/v1/device/${fx.carol.deviceId}/push`, prepare: async (fx) => ({ body: { sealed: await carolPush(fx, { subscription: null, seq: 2 }) } }), expect: ERR.notFound },
].map((row) => ({ endpoint: E.push, method: 'PUT', path: devicePath('G', '/push'), ...row }))
  .concat(methodRows(E.push, devicePath('G', '/push'), ['GET', 'POST', 'DELETE']));

// ---------------------------------------------------------------------------------------
// POST /v1/device/{device_id}/deactivate — on G; an accepted row would remove G.

const deactivateRow = (category, name, sealed, expect = ERR.invalid, path = devicePath('G', '/deactivate')) => ({
  category, name, expect, path, prepare: async (fx) => ({ body: { sealed: await sealed(fx) } }),
});

const deactivate = [
  ...jsonRows({
    endpoint: E.deactivate, method: 'POST', path: devicePath('G', '/deactivate'),
    valid: (fx) => VALID_DEVICE.deactivate(fx),
    member: 'sealed', json: ['truncated', 'empty body', 'a bare word', 'missing colon'], media: ['text/plain', null, 'multipart/form-data; boundary=x'],
  }),
  ...[
    ['type', 'sealed a number', { sealed: 1 }],
    ['type', 'sealed an array', { sealed: [] }],
    ['value', 'sealed missing', {}],
    ['value', 'sealed of 12 bytes', { sealed: b64u(randomBytes(12)) }],
    ['value', 'sealed not base64url', { sealed: 'not base64!' }],
  ].map(([category, name, body]) => ({ category, name, body, expect: ERR.invalid })),
  deactivateRow('expired', 'ts 301 s in the past', (fx) => gSeal(fx, { ts: now() - 301 }, 'deactivate')),
  deactivateRow('expired', 'ts 0', (fx) => gSeal(fx, { ts: 0 }, 'deactivate')),
  deactivateRow('expired', 'ts a day ago', (fx) => gSeal(fx, { ts: now() - 86400 }, 'deactivate')),
  // Far enough ahead that the edge's clock, read a moment later, still finds it > 300 s off.
  deactivateRow('sealed', 'ts 6 minutes in the future', (fx) => gSeal(fx, { ts: now() + 360 }, 'deactivate')),
  deactivateRow('sealed', 'plaintext: ts a string', (fx) => gSeal(fx, { ts: String(now()) }, 'deactivate')),
  deactivateRow('sealed', 'plaintext: ts negative', (fx) => gSeal(fx, { ts: -now() }, 'deactivate')),
  deactivateRow('sealed', 'plaintext: ts in milliseconds', (fx) => gSeal(fx, { ts: Date.now() }, 'deactivate')),
  deactivateRow('sealed', 'plaintext: an unknown member', (fx) => gSeal(fx, { ts: now(), device_id: 'x' }, 'deactivate')),
  deactivateRow('sealed', 'plaintext: empty object', (fx) => gSeal(fx, {}, 'deactivate')),
  deactivateRow('sealed', 'sealed for purpose push', (fx) => gSeal(fx, { ts: now() }, 'push')),
  deactivateRow('sealed', 'one tag bit flipped', async (fx) => flipByte(await gSeal(fx, { ts: now() }, 'deactivate'), -2)),
  deactivateRow('sealed', 'one ciphertext bit flipped', async (fx) => flipByte(await gSeal(fx, { ts: now() }, 'deactivate'), 13)),
  deactivateRow('other', "bob's valid deactivation sent for G", (fx) => fx.dev.B.seal('deactivate', { ts: now() })),
  deactivateRow('other', "G's valid deactivation sent for bob's device", (fx) => gSeal(fx, { ts: now() }, 'deactivate'), ERR.invalid, devicePath('B', '/deactivate')),
  deactivateRow('replayed', "zed's deactivation replayed (the device is gone)", (fx) => fx.captured.zDeactivate.sealed, ERR.notFound, devicePath('Z', '/deactivate')),
  deactivateRow('unknownId', 'a removed device, with its own valid seal', (fx) => fx.dev.R.seal('deactivate', { ts: now() }), ERR.notFound, devicePath('R', '/deactivate')),
  deactivateRow('unknownId', 'a begun, unfinished device, with its own valid seal', (fx) => carolPush(fx, { ts: now() }, 'deactivate'), ERR.notFound, (fx) => `/v1/device/${fx.carol.deviceId}/deactivate`),
  deactivateRow('unknownId', 'an unknown device id', (fx) => gSeal(fx, { ts: now() }, 'deactivate'), ERR.notFound, `/v1/device/${UNKNOWN}/deactivate`),
  deactivateRow('unknownId', 'a malformed device id', (fx) => gSeal(fx, { ts: now() }, 'deactivate'), ERR.notFound, '/v1/device/%00/deactivate'),
].map((row) => ({ endpoint: E.deactivate, method: 'POST', path: devicePath('G', '/deactivate'), ...row }))
  .concat(methodRows(E.deactivate, devicePath('G', '/deactivate'), ['GET', 'PUT', 'DELETE']));

// ---------------------------------------------------------------------------------------
// POST /v1/device/{device_id}/inbox/challenge

const challenge = [
  { category: 'unknownId', name: 'an unknown device id', path: `/v1/device/${UNKNOWN}/inbox/challenge`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed device id', path: '/v1/device/xyz/inbox/challenge', expect: ERR.notFound },
  { category: 'unknownId', name: 'a removed device', path: devicePath('R', '/inbox/challenge'), expect: ERR.notFound },
  { category: 'unknownId', name: 'a deactivated device', path: devicePath('Z', '/inbox/challenge'), expect: ERR.notFound },
  { category: 'unknownId', name: 'a begun, unfinished device', path: (fx) => `/v1/device/${fx.carol.deviceId}/inbox/challenge`, expect: ERR.notFound },
  { category: 'abuse', name: 'a locked device', path: devicePath('L', '/inbox/challenge'), expect: ERR.forbidden },
].map((row) => ({ endpoint: E.challenge, method: 'POST', ...row }))
  .concat(methodRows(E.challenge, devicePath('S', '/inbox/challenge'), ['GET', 'PUT', 'DELETE']));

// ---------------------------------------------------------------------------------------
// POST /v1/device/{device_id}/inbox — on S (secure mode), each row with a fresh challenge.

async function freshChallenge(fx, name = 'S') {
  const r = await fetch(`${fx.url}/v1/device/${fx.dev[name].deviceId}/inbox/challenge`, { method: 'POST' });
  assert.equal(r.status, 200, `challenge for ${name}`);
  return r.json();
}
/** `{challenge_id, assertion}` for a fresh challenge of S, the assertion made by `answer`. */
const inboxRow = (category, name, answer, expect = ERR.assertion) => ({
  category, name, expect,
  prepare: async (fx) => {
    const c = await freshChallenge(fx);
    return { body: { challenge_id: c.challenge_id, assertion: await answer(fx, c.request_options, c) } };
  },
});
const sAssert = (tweaks) => (fx, opts) => fx.dev.S.assert(opts, tweaks);

const inbox = [
  ...jsonRows({
    endpoint: E.inbox, method: 'POST', path: devicePath('S', '/inbox'),
    valid: (fx) => VALID_DEVICE.inbox(fx),
    member: 'challenge_id', json: ['truncated', 'trailing comma', 'lone surrogate escape'], media: ['text/plain', null],
  }),
  { category: 'type', name: 'challenge_id a number', prepare: async (fx) => ({ body: { challenge_id: 5, assertion: await fx.dev.S.assert((await freshChallenge(fx)).request_options) } }), expect: ERR.invalid },
  { category: 'type', name: 'assertion missing', prepare: async (fx) => ({ body: { challenge_id: (await freshChallenge(fx)).challenge_id } }), expect: ERR.invalid },
  { category: 'value', name: 'challenge_id malformed', body: { challenge_id: 'abc', assertion: {} }, expect: ERR.invalid },
  { category: 'json', name: 'assertion nested 5000 arrays deep', prepare: async (fx) => ({ body: `{"challenge_id":"${(await freshChallenge(fx)).challenge_id}","assertion":${deepArray(5000)}}` }), expect: ERR.json },
  inboxRow('uv', 'UV off', sAssert({ omit_user_verification: true })),
  inboxRow('uv', 'UP off', sAssert({ omit_user_presence: true })),
  inboxRow('origin', 'made on another origin', (fx, opts) => assertWith(fx.dev.S, opts, { origin: EVIL })),
  inboxRow('origin', 'for another RP ID', sAssert({ rp_id: 'evil.example' })),
  inboxRow('origin', 'crossOrigin true', sAssert({ cross_origin: true })),
  inboxRow('origin', 'topOrigin present', sAssert({ cross_origin: true, top_origin: EVIL })),
  inboxRow('tampered', 'clientData type webauthn.create', sAssert({ client_data_type: 'webauthn.create' })),
  inboxRow('tampered', 'one signature bit flipped', async (fx, opts) => withResponse(await fx.dev.S.assert(opts), 'signature', (s) => flipByte(s, -1))),
  inboxRow('tampered', 'one authenticatorData counter bit flipped', async (fx, opts) => withResponse(await fx.dev.S.assert(opts), 'authenticatorData', (a) => flipByte(a, 36))),
  inboxRow('tampered', 'clientDataJSON challenge replaced', async (fx, opts) => withResponse(await fx.dev.S.assert(opts), 'clientDataJSON', (c) => editClientData(c, (d) => { d.challenge = b64u(randomBytes(32)); }))),
  inboxRow('forged', 'signed by another key under S\'s credential id', (fx, opts) => assertWith(fx.dev.S, opts, { privateKey: strangerKey() })),
  inboxRow('forged', "bob's genuine assertion over S's challenge", (fx, opts) => fx.dev.B.assert({ ...opts, allowCredentials: [{ type: 'public-key', id: fx.dev.B.passkey.credentialId }] })),
  inboxRow('forged', 'an assertion over another challenge', async (fx) => fx.dev.S.assert((await freshChallenge(fx)).request_options)),
  inboxRow('forged', 'a signature counter that does not increase', (fx, opts) => assertWith(fx.dev.S, opts, { tweaks: { sign_count: 1 } })),
  inboxRow('forged', 'assertion a string', async () => 'assertion'),
  inboxRow('forged', 'assertion an empty object', async () => ({})),
  inboxRow('forged', 'assertion null', async () => null),
  { category: 'replayed', name: 'a spent challenge with its genuine assertion', body: (fx) => fx.captured.sInbox, expect: ERR.notFound },
  { category: 'unknownId', name: 'an unknown challenge id', prepare: async (fx) => ({ body: { challenge_id: unknownId(), assertion: await fx.dev.S.assert((await freshChallenge(fx)).request_options) } }), expect: ERR.notFound },
  {
    category: 'other', name: "bob's challenge answered by S",
    prepare: async (fx) => {
      const theirs = await freshChallenge(fx, 'B');
      const mine = await freshChallenge(fx);
      return { body: { challenge_id: theirs.challenge_id, assertion: await fx.dev.S.assert(mine.request_options) } };
    },
    expect: ERR.notFound,
  },
  { category: 'unknownId', name: 'an unknown device id', path: `/v1/device/${UNKNOWN}/inbox`, body: (fx) => fx.captured.sInbox, expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed device id', path: '/v1/device/..%2F/inbox', body: (fx) => fx.captured.sInbox, expect: ERR.notFound },
  { category: 'unknownId', name: 'a removed device', path: devicePath('R', '/inbox'), body: (fx) => fx.captured.sInbox, expect: ERR.notFound },
].map((row) => ({ endpoint: E.inbox, method: 'POST', path: devicePath('S', '/inbox'), ...row }))
  .concat(methodRows(E.inbox, devicePath('S', '/inbox'), ['GET', 'PUT']));

// ---------------------------------------------------------------------------------------
// GET /v1/device/{device_id}/pending (an addition to SPEC §7)

const pending = [
  { category: 'unknownId', name: 'an unknown device id', path: `/v1/device/${UNKNOWN}/pending`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed device id', path: '/v1/device/..%2F/pending', expect: ERR.notFound },
  { category: 'unknownId', name: '"activate" as the device id', path: '/v1/device/activate/pending', expect: ERR.notFound },
  { category: 'unknownId', name: 'a device id of 23 characters', path: (fx) => `/v1/device/${fx.dev.G.deviceId}A/pending`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a request id in place of the device id', path: (fx) => `/v1/device/${fx.req.PL.id}/pending`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a removed device', path: devicePath('R', '/pending'), expect: ERR.notFound },
  { category: 'unknownId', name: 'a deactivated device', path: devicePath('Z', '/pending'), expect: ERR.notFound },
  { category: 'unknownId', name: 'a begun, unfinished device (carol)', path: (fx) => `/v1/device/${fx.carol.deviceId}/pending`, expect: ERR.notFound },
  { category: 'abuse', name: 'a locked device', path: devicePath('L', '/pending'), expect: ERR.forbidden },
].map((row) => ({ endpoint: E.pending, method: 'GET', ...row }))
  .concat(methodRows(E.pending, devicePath('G', '/pending'), ['POST', 'PUT', 'DELETE', 'PATCH']))
  .concat([{
    endpoint: E.pending, category: 'method', name: 'PROPFIND (an extension method) is not allowed',
    method: 'PROPFIND', path: devicePath('G', '/pending'), expect: ERR.method,
  }]);

// ---------------------------------------------------------------------------------------
// GET /v1/device/{device_id}/requests/{request_id}

const deviceRequest = [
  { category: 'mode', name: "secure mode: S's pending login", path: requestPath('S', 'PS1'), expect: ERR.forbidden },
  { category: 'mode', name: "secure mode: S's pending sign", path: requestPath('S', 'PS2'), expect: ERR.forbidden },
  { category: 'mode', name: "secure mode: S's approved request", path: requestPath('S', 'DS'), expect: ERR.forbidden },
  { category: 'other', name: "G asks for bob's request", path: requestPath('G', 'PB'), expect: ERR.notFound },
  { category: 'other', name: "G asks for the secure RP's request", path: requestPath('G', 'PS1'), expect: ERR.notFound },
  { category: 'other', name: "bob asks for alice's request", path: requestPath('B', 'PL'), expect: ERR.notFound },
  { category: 'other', name: "S asks for alice's request", path: requestPath('S', 'PL'), expect: ERR.notFound },
  { category: 'other', name: "X asks for the victim's request (same RP)", path: requestPath('X', 'PV'), expect: ERR.notFound },
  { category: 'other', name: "L asks for alice's request", path: requestPath('L', 'PL'), expect: ERR.notFound },
  { category: 'unknownId', name: 'an unknown device id', path: (fx) => `/v1/device/${UNKNOWN}/requests/${fx.req.PL.id}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed device id', path: (fx) => `/v1/device/~/requests/${fx.req.PL.id}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'an unknown request id', path: (fx) => `/v1/device/${fx.dev.G.deviceId}/requests/${UNKNOWN}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed request id', path: (fx) => `/v1/device/${fx.dev.G.deviceId}/requests/${'A'.repeat(40)}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a removed device', path: requestPath('R', 'PL'), expect: ERR.notFound },
  { category: 'unknownId', name: 'a deactivated device', path: requestPath('Z', 'PL'), expect: ERR.notFound },
  { category: 'unknownId', name: 'a begun, unfinished device (carol)', path: (fx) => `/v1/device/${fx.carol.deviceId}/requests/${fx.req.PL.id}`, expect: ERR.notFound },
].map((row) => ({ endpoint: E.deviceRequest, method: 'GET', ...row }))
  .concat(methodRows(E.deviceRequest, requestPath('G', 'PL'), ['POST', 'PUT', 'DELETE']))
  .concat([{
    endpoint: E.deviceRequest, category: 'method', name: 'PROPFIND (an extension method) is not allowed',
    method: 'PROPFIND', path: requestPath('G', 'PL'), expect: ERR.method,
  }]);

// ---------------------------------------------------------------------------------------
// POST /v1/device/{device_id}/requests/{request_id}/decision

const decisionPath = (device, request) => requestPath(device, request, '/decision');
/** G's genuine denial of PSg: accepted, it would decide PSg. */
const gDeny = (fx) => signedDecision(fx.dev.G, fx.req.PSg.content, { decision: 'deny', reason: 'rejected' });
const onPSg = (category, name, edit, expect = ERR.invalid) => ({
  category, name, expect, path: decisionPath('G', 'PSg'),
  prepare: async (fx) => ({ body: await edit(await gDeny(fx), fx) }),
});

const decisionChecks = [
  ...jsonRows({
    endpoint: E.decision, method: 'POST', path: decisionPath('G', 'PSg'), valid: (fx) => VALID_DEVICE.decision(fx),
    member: 'decision', json: ['truncated', 'trailing comma', 'not UTF-8', 'lone surrogate escape', 'a comment', 'two documents'],
    media: ['text/plain', null, 'application/x-www-form-urlencoded'], stream: true,
  }),
  onPSg('type', 'decision a boolean', (b) => ({ ...b, decision: true })),
  onPSg('type', 'decision not approve or deny', (b) => ({ ...b, decision: 'maybe' })),
  onPSg('type', 'decision in upper case', (b) => ({ ...b, decision: 'DENY' })),
  onPSg('type', 'reason not rejected or fraud', (b) => ({ ...b, reason: 'bored' })),
  onPSg('type', 'binding_code a number', (b) => ({ ...b, binding_code: 12 })),
  onPSg('type', 'decision missing', ({ decision, ...rest }) => rest),
  onPSg('type', 'assertion missing', ({ assertion, ...rest }) => rest),
  onPSg('type', 'the body an empty array', () => []),
  onPSg('value', 'reason with approve', (b) => ({ ...b, decision: 'approve' })),
  onPSg('value', 'binding_code of three digits', (b) => ({ ...b, binding_code: '123' })),
  onPSg('value', 'binding_code of letters', (b) => ({ ...b, binding_code: 'ab' })),
  onPSg('value', 'binding_code empty', (b) => ({ ...b, binding_code: '' })),
  onPSg('value', 'binding_code of non-ASCII digits', (b) => ({ ...b, binding_code: '٤٢' })),
  onPSg('value', 'decision given twice', (b) => `{"decision":"deny","reason":"rejected","decision":"approve","assertion":${JSON.stringify(b.assertion)}}`),
  onPSg('json', 'assertion nested 5000 arrays deep', () => `{"decision":"deny","assertion":${deepArray(5000)}}`, ERR.json),
  {
    category: 'type', name: 'the body an array in member order (serde sequence form)', path: (fx) => `/v1/device/${fx.dev.G.deviceId}/requests/${UNKNOWN}/decision`,
    prepare: async (fx) => ({ body: (({ decision, reason, assertion }) => [decision, reason, null, assertion])(await gDeny(fx)) }), expect: ERR.invalid,
  },
  { category: 'other', name: "G decides bob's request", path: decisionPath('G', 'PB'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.G, fx.req.PB.content, { decision: 'approve' }) }), expect: ERR.notFound },
  { category: 'other', name: "G decides the secure RP's request", path: decisionPath('G', 'PS2'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.G, fx.req.PS2.content, { decision: 'approve' }) }), expect: ERR.notFound },
  { category: 'other', name: "S decides alice's request", path: decisionPath('S', 'PSg'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.S, fx.req.PSg.content, { decision: 'approve' }) }), expect: ERR.notFound },
  { category: 'other', name: "bob decides alice's request with his genuine assertion", path: decisionPath('B', 'PSg'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.B, fx.req.PSg.content, { decision: 'approve' }) }), expect: ERR.notFound },
  { category: 'other', name: "X decides the victim's request (same RP)", path: decisionPath('X', 'PV'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.X, fx.req.PV.content, { decision: 'approve', binding_code: fx.req.PV.binding_code }) }), expect: ERR.notFound },
  { category: 'unknownId', name: 'an unknown device id', path: (fx) => `/v1/device/${UNKNOWN}/requests/${fx.req.PSg.id}/decision`, prepare: async (fx) => ({ body: await gDeny(fx) }), expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed device id', path: (fx) => `/v1/device/${fx.dev.G.deviceId}x/requests/${fx.req.PSg.id}/decision`, prepare: async (fx) => ({ body: await gDeny(fx) }), expect: ERR.notFound },
  { category: 'unknownId', name: 'an unknown request id', path: (fx) => `/v1/device/${fx.dev.G.deviceId}/requests/${UNKNOWN}/decision`, prepare: async (fx) => ({ body: await gDeny(fx) }), expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed request id', path: (fx) => `/v1/device/${fx.dev.G.deviceId}/requests/${fx.req.PSg.id.slice(1)}/decision`, prepare: async (fx) => ({ body: await gDeny(fx) }), expect: ERR.notFound },
  { category: 'unknownId', name: 'a removed device with its own genuine assertion', path: decisionPath('R', 'PSg'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.R, fx.req.PSg.content, { decision: 'approve' }) }), expect: ERR.notFound },
  { category: 'unknownId', name: 'a deactivated device', path: decisionPath('Z', 'PSg'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.Z, fx.req.PSg.content, { decision: 'approve' }) }), expect: ERR.notFound },
  { category: 'unknownId', name: 'a begun, unfinished device (carol)', path: (fx) => `/v1/device/${fx.carol.deviceId}/requests/${fx.req.PSg.id}/decision`, prepare: async (fx) => ({ body: await gDeny(fx) }), expect: ERR.notFound },
  { category: 'replayed', name: "G's approval of D replayed on D", path: decisionPath('G', 'D'), body: (fx) => fx.captured.gD, expect: ERR.decided },
  { category: 'replayed', name: "S's approval of DS replayed on DS", path: decisionPath('S', 'DS'), body: (fx) => fx.captured.sDS, expect: ERR.decided },
  { category: 'final', name: 'a genuine decision on a cancelled request', path: decisionPath('G', 'C'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.G, fx.req.C.content, { decision: 'approve' }) }), expect: ERR.decided },
  { category: 'final', name: 'a genuine denial of an approved request', path: decisionPath('G', 'D'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.G, fx.req.D.content, { decision: 'deny', reason: 'rejected' }) }), expect: ERR.decided },
  { category: 'final', name: 'a bad assertion on an approved request (not counted)', path: decisionPath('G', 'D'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.G, fx.req.D.content, { decision: 'approve', tweaks: { omit_user_verification: true } }) }), expect: ERR.decided },
  { category: 'final', name: 'a genuine approval of a request denied as fraud', path: decisionPath('Fd', 'F'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.Fd, fx.req.F.content, { decision: 'approve' }) }), expect: ERR.decided },
  { category: 'expired', name: 'a genuine approval of an expired request', path: decisionPath('X', 'E'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.X, fx.req.E.content, { decision: 'approve' }) }), expect: ERR.expired },
  { category: 'expired', name: 'a bad assertion on an expired request (not counted)', path: decisionPath('X', 'E'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.X, fx.req.E.content, { decision: 'approve', tweaks: { omit_user_verification: true } }) }), expect: ERR.expired },
  { category: 'abuse', name: 'a locked device with a genuine approval', path: decisionPath('L', 'PLk'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.L, fx.req.PLk.content, { decision: 'approve' }) }), expect: ERR.forbidden },
  { category: 'abuse', name: 'a locked device with a bad assertion', path: decisionPath('L', 'PLk'), prepare: async (fx) => ({ body: await signedDecision(fx.dev.L, fx.req.PLk.content, { decision: 'approve', tweaks: { omit_user_verification: true } }) }), expect: ERR.forbidden },
];

// The victim's rows: each one's assertion reaches the signature check and fails, so each
// counts one failed decision on V (SPEC §10).
/** V's genuine approval statement for PV, with `options` changing how it is signed or sent. */
const vApprove = (fx, options = {}) => signedDecision(fx.dev.V, fx.req.PV.content, { decision: 'approve', binding_code: fx.req.PV.binding_code, ...options });
const counted = (category, name, make) => ({
  category, name, counts: true, expect: ERR.assertion, path: decisionPath('V', 'PV'),
  prepare: async (fx) => ({ body: await make(fx) }),
});
const otherDigits = (code) => String((Number(code) + 37) % 100).padStart(2, '0');

const victim = [
  counted('uv', 'UV off', (fx) => vApprove(fx, { tweaks: { omit_user_verification: true } })),
  counted('uv', 'UP off', (fx) => vApprove(fx, { tweaks: { omit_user_presence: true } })),
  counted('origin', 'made on another origin', (fx) => vApprove(fx, { origin: EVIL })),
  counted('origin', 'for another RP ID', (fx) => vApprove(fx, { tweaks: { rp_id: 'evil.example' } })),
  counted('origin', 'crossOrigin true', (fx) => vApprove(fx, { tweaks: { cross_origin: true } })),
  counted('origin', 'topOrigin present', (fx) => vApprove(fx, { tweaks: { cross_origin: true, top_origin: EVIL } })),
  counted('tampered', 'clientDataJSON origin edited after signing', async (fx) => {
    const b = await vApprove(fx, { origin: EVIL });
    return { ...b, assertion: withResponse(b.assertion, 'clientDataJSON', (c) => editClientData(c, (d) => { d.origin = fx.origin; })) };
  }),
  counted('tampered', 'clientData type webauthn.create', (fx) => vApprove(fx, { tweaks: { client_data_type: 'webauthn.create' } })),
  counted('tampered', 'signed approve, sent deny', (fx) => vApprove(fx, { sign: { decision: 'approve' }, decision: 'deny' })),
  counted('tampered', 'binding code changed after signing', async (fx) => ({ ...(await vApprove(fx)), binding_code: otherDigits(fx.req.PV.binding_code) })),
  counted('tampered', 'binding code dropped after signing', async (fx) => (({ binding_code, ...rest }) => rest)(await vApprove(fx))),
  counted('tampered', 'signed deny/rejected, sent deny/fraud', (fx) => vApprove(fx, { decision: 'deny', reason: 'fraud', sign: { reason: 'rejected' } })),
  counted('tampered', 'signed over altered content (another amount)', (fx) => vApprove(fx, {
    request_hash: fx.dev.V.requestHash({ ...fx.req.PV.content, fields: [{ label: 'Amount', value: 'EUR 9,999.00' }, ...fx.req.PV.content.fields.slice(1)] }),
  })),
  counted('tampered', 'one rpIdHash bit flipped', async (fx) => {
    const b = await vApprove(fx);
    return { ...b, assertion: withResponse(b.assertion, 'authenticatorData', (a) => flipByte(a, 0)) };
  }),
  counted('tampered', 'one counter bit flipped', async (fx) => {
    const b = await vApprove(fx);
    return { ...b, assertion: withResponse(b.assertion, 'authenticatorData', (a) => flipByte(a, 36)) };
  }),
  counted('tampered', 'authenticatorData truncated to 36 bytes', async (fx) => {
    const b = await vApprove(fx);
    return { ...b, assertion: withResponse(b.assertion, 'authenticatorData', (a) => b64u(Buffer.from(a, 'base64url').subarray(0, 36))) };
  }),
  counted('tampered', 'clientDataJSON challenge swapped for the deny statement\'s', async (fx) => {
    const b = await vApprove(fx);
    const deny = fx.dev.V.statementChallenge({ request_hash: fx.dev.V.requestHash(fx.req.PV.content), decision: 'deny', binding_code: fx.req.PV.binding_code });
    return { ...b, decision: 'deny', assertion: withResponse(b.assertion, 'clientDataJSON', (c) => editClientData(c, (d) => { d.challenge = deny; })) };
  }),
  counted('tampered', 'one signature bit flipped', async (fx) => {
    const b = await vApprove(fx);
    return { ...b, assertion: withResponse(b.assertion, 'signature', (s) => flipByte(s, -1)) };
  }),
  counted('forged', 'signature replaced by 64 random bytes', async (fx) => {
    const b = await vApprove(fx);
    return { ...b, assertion: withResponse(b.assertion, 'signature', () => b64u(randomBytes(64))) };
  }),
  counted('forged', "signed by another key under V's credential id", (fx) => vApprove(fx, { privateKey: strangerKey() })),
  counted('forged', "bob's genuine assertion of the same statement", (fx) => signedDecision(fx.dev.B, fx.req.PV.content, { decision: 'approve', binding_code: fx.req.PV.binding_code })),
  counted('forged', 'a signature counter that does not increase', async (fx) => {
    const opts = fx.dev.V.decisionOptions({ request_hash: fx.dev.V.requestHash(fx.req.PV.content), decision: 'approve', binding_code: fx.req.PV.binding_code });
    return { decision: 'approve', binding_code: fx.req.PV.binding_code, assertion: await assertWith(fx.dev.V, opts, { tweaks: { sign_count: 1 } }) };
  }),
  counted('forged', 'assertion a string', async (fx) => ({ ...(await vApprove(fx)), assertion: 'assertion' })),
  counted('forged', 'assertion an empty object', async (fx) => ({ ...(await vApprove(fx)), assertion: {} })),
  counted('forged', 'assertion null', async (fx) => ({ ...(await vApprove(fx)), assertion: null })),
  counted('replayed', "V's own approval of PV0 replayed on PV", (fx) => clone(fx.captured.vPV0)),
  counted('replayed', "G's approval of D replayed on V's request", (fx) => clone(fx.captured.gD)),
];

const decision = [...decisionChecks, ...victim]
  .map((row) => ({ endpoint: E.decision, method: 'POST', ...row }))
  .concat(methodRows(E.decision, decisionPath('G', 'PSg'), ['GET', 'PUT', 'DELETE']));

/**
 * The acceptable bodies the generic rows (content type, size, unknown members) start from;
 * the test sends each once at the end, to show it is accepted as is.
 */
export const VALID_DEVICE = {
  finish: (fx) => fx.carol.finish(),
  push: async (fx) => ({ sealed: await gSeal(fx, { subscription: null, seq: 2 }) }),
  deactivate: async (fx) => ({ sealed: await gSeal(fx, { ts: now() }, 'deactivate') }),
  inbox: async (fx) => {
    const c = await freshChallenge(fx);
    return { challenge_id: c.challenge_id, assertion: await fx.dev.S.assert(c.request_options) };
  },
  decision: (fx) => gDeny(fx),
};

/** The rows of the device API. */
export const DEVICE_ROWS = [...begin, ...finish, ...push, ...deactivate, ...challenge, ...inbox, ...pending, ...deviceRequest, ...decision];
