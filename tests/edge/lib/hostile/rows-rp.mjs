// Hostile rows of the RP API (SPEC §5) and the widget's status endpoints (SPEC §9).
import { ENDPOINTS as E, ERR, jsonRows, methodRows } from './common.mjs';
import { signBody } from './fixtures.mjs';
import { unknownId } from './forge.mjs';

const UNKNOWN = unknownId();
/** Ids of the wrong shape: the edge answers them like unknown ones. */
const MALFORMED = ['not-an-id', 'A'.repeat(23), 'A'.repeat(21), 'A%2FB', "'%20OR%201=1--"];

const validActivation = async () => ({ user_id: 'mallory', user_name: 'Mallory', display_name: 'Mallory M.' });
const validRequest = async () => signBody('alice');
const wrongKey = { header: 'Bearer ak_this-is-not-a-key-of-any-rp-0000000000000' };

/** Authorization values no RP presents (SPEC §5: `Bearer <RP API key>` on every call). */
const badAuth = [
  ['no Authorization', undefined],
  ['an unknown API key', wrongKey],
  ['the API key under the Basic scheme', (fx) => ({ header: `Basic ${fx.keys.demo}` })],
  ['Bearer with no key', { header: 'Bearer ' }],
  ['the API key with one character more', (fx) => ({ header: `Bearer ${fx.keys.demo}x` })],
  ['the API key without its last character', (fx) => ({ header: `Bearer ${fx.keys.demo.slice(0, -1)}` })],
  ['two keys', (fx) => ({ header: `Bearer ${fx.keys.demo} ${fx.keys.demo}` })],
  ['the key with no scheme', (fx) => ({ header: fx.keys.demo })],
  ["a request's status token as the API key", (fx) => ({ header: `Bearer ${fx.req.PL.token}` })],
];

const activations = [
  ...badAuth.map(([name, auth]) => ({
    endpoint: E.activations, category: 'key', name, method: 'POST', path: '/v1/activations', auth,
    body: { user_id: 'mallory' }, expect: ERR.unauthorized,
  })),
  ...jsonRows({
    endpoint: E.activations, method: 'POST', path: '/v1/activations', auth: 'demo', valid: validActivation,
    member: 'user_id', json: ['truncated', 'single quotes', 'empty body', 'not UTF-8', 'lone surrogate escape'],
    media: ['text/plain', null, 'application/x-www-form-urlencoded'], stream: true,
  }),
  ...[
    ['type', 'user_id a number', { user_id: 5 }],
    ['type', 'user_id null', { user_id: null }],
    ['type', 'user_id an object', { user_id: { id: 'mallory' } }],
    ['type', 'user_name a number', { user_id: 'mallory', user_name: 7 }],
    ['type', 'display_name an array', { user_id: 'mallory', display_name: ['M'] }],
    ['type', 'the body an empty array', []],
    ['type', 'the body null', 'null'],
    ['type', 'the body a string', '"mallory"'],
    ['value', 'user_id missing', {}],
    ['value', 'user_id empty', { user_id: '' }],
    ['value', 'user_id of 129 bytes', { user_id: 'é'.repeat(64) + 'a' }],
    ['value', 'user_name of 65 characters', { user_id: 'mallory', user_name: 'm'.repeat(65) }],
    ['value', 'display_name only spaces', { user_id: 'mallory', display_name: '   ' }],
    ['value', 'user_name with a newline', { user_id: 'mallory', user_name: 'Mallory\nAdmin' }],
    ['value', 'display_name with a right-to-left override', { user_id: 'mallory', display_name: 'Mallory \u202Enimda' }],
    ['value', 'user_id given twice', '{"user_id": "mallory", "user_id": "alice"}'],
  ].map(([category, name, body]) => ({
    endpoint: E.activations, category, name, method: 'POST', path: '/v1/activations', auth: 'demo', body, expect: ERR.invalid,
  })),
  ...methodRows(E.activations, '/v1/activations', ['GET', 'PUT', 'DELETE', 'PATCH'], { auth: 'demo' }),
];

const activation = [
  { category: 'key', name: 'no Authorization', path: (fx) => `/v1/activations/${fx.act.carol.id}`, expect: ERR.unauthorized },
  { category: 'key', name: 'an unknown API key', auth: wrongKey, path: (fx) => `/v1/activations/${fx.act.carol.id}`, expect: ERR.unauthorized },
  { category: 'other', name: "another RP's activation (demo key, demo-secure activation)", auth: 'demo', path: (fx) => `/v1/activations/${fx.act.S.id}`, expect: ERR.notFound },
  { category: 'other', name: "another RP's activation (hostile key, demo activation)", auth: 'hostile', path: (fx) => `/v1/activations/${fx.act.carol.id}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'an unknown activation id', auth: 'demo', path: `/v1/activations/${UNKNOWN}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'an activation code in place of its id', auth: 'demo', path: (fx) => `/v1/activations/${fx.act.carol.code}`, expect: ERR.notFound },
  ...MALFORMED.slice(0, 3).map((id) => ({ category: 'unknownId', name: `malformed id ${id}`, auth: 'demo', path: `/v1/activations/${id}`, expect: ERR.notFound })),
].map((row) => ({ endpoint: E.activation, method: 'GET', ...row }))
  .concat(methodRows(E.activation, (fx) => `/v1/activations/${fx.act.carol.id}`, ['POST', 'PUT', 'DELETE'], { auth: 'demo' }));

const field = (label, value) => ({ label, value });
const requests = [
  ...badAuth.slice(0, 5).concat([badAuth[8]]).map(([name, auth]) => ({
    endpoint: E.requests, category: 'key', name, method: 'POST', path: '/v1/requests', auth,
    body: signBody('alice'), expect: ERR.unauthorized,
  })),
  ...jsonRows({
    endpoint: E.requests, method: 'POST', path: '/v1/requests', auth: 'demo', valid: validRequest,
    member: 'user_id', json: ['truncated', 'trailing comma', 'NaN', 'two documents', 'missing colon', 'empty body'],
    media: ['text/plain', null, 'application/jsonx', 'multipart/form-data; boundary=x'],
  }),
  ...[
    ['unknown', 'an unknown member in context', signBody('alice', { context: { ip: '203.0.113.7', device: 'iPhone' } })],
    ['unknown', 'an unknown member in fields[1]', signBody('alice', { fields: [field('Amount', 'EUR 1'), { label: 'Payee', value: 'ACME', currency: 'EUR' }] })],
    ['unknown', 'a binding_code chosen by the RP', signBody('alice', { binding_code: '42' })],
    ['type', 'kind a number', signBody('alice', { kind: 1 })],
    ['type', 'kind not login or sign', signBody('alice', { kind: 'transfer' })],
    ['type', 'kind in upper case', signBody('alice', { kind: 'SIGN' })],
    ['type', 'user_id a number', signBody(42)],
    ['type', 'title a number', signBody('alice', { title: 5 })],
    ['type', 'context a string', signBody('alice', { context: 'Brussels' })],
    // Arrays in place of objects, for an account without devices: were the array taken for
    // the object (serde's sequence form), the answer would be no_devices, and nothing created.
    ['type', 'context an array (for an account without devices)', signBody('nobody', { context: ['203.0.113.7'] })],
    ['type', 'fields[0] an array (for an account without devices)', signBody('nobody', { fields: [['Amount', 'EUR 1']] })],
    ['type', 'fields an object', signBody('alice', { fields: { Amount: 'EUR 1' } })],
    ['type', 'fields[0].label a number', signBody('alice', { fields: [{ label: 1, value: 'x' }] })],
    ['type', 'ttl_seconds a string', signBody('alice', { ttl_seconds: '120' })],
    ['type', 'ttl_seconds negative', signBody('alice', { ttl_seconds: -1 })],
    ['type', 'ttl_seconds a fraction', signBody('alice', { ttl_seconds: 120.5 })],
    ['type', 'ttl_seconds beyond 32 bits', signBody('alice', { ttl_seconds: 4294967416 })],
    ['type', 'number_matching a string', signBody('alice', { number_matching: 'yes' })],
    ['type', 'number_matching a number', signBody('alice', { number_matching: 1 })],
    ['type', 'the body an array of objects', [signBody('alice')]],
    ['type', 'the body null', 'null'],
    ['value', 'user_id missing', (({ user_id, ...rest }) => rest)(signBody('alice'))],
    ['value', 'kind missing', (({ kind, ...rest }) => rest)(signBody('alice'))],
    ['value', 'user_id empty', signBody('')],
    ['value', 'user_id of 129 bytes', signBody('x'.repeat(129))],
    ['value', 'title of 81 characters', signBody('alice', { title: 't'.repeat(81) })],
    ['value', 'title empty', signBody('alice', { title: '' })],
    ['value', 'title only whitespace', signBody('alice', { title: ' \u00a0 ' })],
    ['value', 'title with a control character', signBody('alice', { title: 'Transfer\u0007' })],
    ['value', 'title with a bidirectional isolate', signBody('alice', { title: 'Pay \u2067ACME\u2069' })],
    ['value', 'context.ip of 129 characters', signBody('alice', { context: { ip: '1'.repeat(129) } })],
    ['value', 'context.location empty', signBody('alice', { context: { location: '' } })],
    ['value', 'fields on a login request', { ...signBody('alice'), kind: 'login' }],
    ['value', 'a sign request without fields', (({ fields, ...rest }) => rest)(signBody('alice'))],
    ['value', 'fields empty', signBody('alice', { fields: [] })],
    ['value', '21 fields', signBody('alice', { fields: Array.from({ length: 21 }, (_, i) => field(`F${i}`, 'x')) })],
    ['value', 'a label of 65 characters', signBody('alice', { fields: [field('L'.repeat(65), 'x')] })],
    ['value', 'a value of 257 characters', signBody('alice', { fields: [field('Amount', '9'.repeat(257))] })],
    ['value', 'a value with a line separator', signBody('alice', { fields: [field('Payee', 'ACME\u2028NV')] })],
    ['value', 'ttl_seconds 29 (default bounds 30–600)', signBody('alice', { ttl_seconds: 29 })],
    ['value', 'ttl_seconds 601 (default bounds 30–600)', signBody('alice', { ttl_seconds: 601 })],
    ['value', 'user_id given twice', '{"user_id": "alice", "kind": "login", "user_id": "bob"}'],
  ].map(([category, name, body]) => ({
    endpoint: E.requests, category, name, method: 'POST', path: '/v1/requests', auth: 'demo', body, expect: ERR.invalid,
  })),
  ...[
    ['value', 'ttl_seconds 0 (RP bounds 1–600)', 'hostile', signBody('victim', { ttl_seconds: 0 }), ERR.invalid],
    ['value', 'ttl_seconds 601 (RP bounds 1–600)', 'hostile', signBody('victim', { ttl_seconds: 601 }), ERR.invalid],
    ['abuse', 'an account without devices', 'demo', signBody('nobody'), ERR.noDevices],
    ['abuse', 'an account whose only device is locked', 'strict', signBody('lockee'), ERR.noDevices],
    ['abuse', 'an account that used its budget of 2 per 10 minutes', 'hostile', signBody('victim'), ERR.rateLimited],
    ['abuse', 'an account frozen by a fraud report', 'hostile', signBody('fraud'), ERR.frozen],
    ["other", "another RP's user with no device there (demo-secure key, alice)", 'demo-secure', signBody('alice'), ERR.noDevices],
  ].map(([category, name, auth, body, expect]) => ({
    endpoint: E.requests, category, name, method: 'POST', path: '/v1/requests', auth, body, expect,
  })),
  {
    endpoint: E.requests, category: 'type', name: 'the body an array in member order (for an account without devices)',
    method: 'POST', path: '/v1/requests', auth: 'demo', body: ['nobody', 'login'], expect: ERR.invalid,
  },
  ...methodRows(E.requests, '/v1/requests', ['GET', 'PUT', 'DELETE', 'PATCH'], { auth: 'demo' }),
];

const request = [
  { category: 'key', name: 'no Authorization', path: (fx) => `/v1/requests/${fx.req.PL.id}`, expect: ERR.unauthorized },
  { category: 'key', name: 'an unknown API key', auth: wrongKey, path: (fx) => `/v1/requests/${fx.req.PL.id}`, expect: ERR.unauthorized },
  { category: 'key', name: "the request's own status token as the API key", auth: (fx) => ({ header: `Bearer ${fx.req.PL.token}` }), path: (fx) => `/v1/requests/${fx.req.PL.id}`, expect: ERR.unauthorized },
  { category: 'other', name: "another RP's request (demo-secure key, demo request)", auth: 'demo-secure', path: (fx) => `/v1/requests/${fx.req.PL.id}`, expect: ERR.notFound },
  { category: 'other', name: "another RP's request (demo key, demo-secure request)", auth: 'demo', path: (fx) => `/v1/requests/${fx.req.PS1.id}`, expect: ERR.notFound },
  { category: 'other', name: "another RP's request (hostile key, demo request)", auth: 'hostile', path: (fx) => `/v1/requests/${fx.req.PB.id}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'an unknown request id', auth: 'demo', path: `/v1/requests/${UNKNOWN}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'an empty request id', auth: 'demo', path: '/v1/requests/', expect: ERR.notFound },
  ...MALFORMED.map((id) => ({ category: 'unknownId', name: `malformed id ${id}`, auth: 'demo', path: `/v1/requests/${id}`, expect: ERR.notFound })),
].map((row) => ({ endpoint: E.request, method: 'GET', ...row }))
  .concat(methodRows(E.request, (fx) => `/v1/requests/${fx.req.PL.id}`, ['POST', 'PUT', 'DELETE', 'PATCH'], { auth: 'demo' }))
  .concat([{
    endpoint: E.request, category: 'method', name: 'PROPFIND (an extension method) is not allowed',
    method: 'PROPFIND', path: (fx) => `/v1/requests/${fx.req.PL.id}`, auth: 'demo', expect: ERR.method,
  }]);

const cancel = [
  { category: 'key', name: 'no Authorization, on a pending request', path: (fx) => `/v1/requests/${fx.req.PL.id}/cancel`, expect: ERR.unauthorized },
  { category: 'key', name: 'an unknown API key, on a pending request', auth: wrongKey, path: (fx) => `/v1/requests/${fx.req.PSg.id}/cancel`, expect: ERR.unauthorized },
  { category: 'key', name: "the request's status token as the API key", auth: (fx) => ({ header: `Bearer ${fx.req.PS1.token}` }), path: (fx) => `/v1/requests/${fx.req.PS1.id}/cancel`, expect: ERR.unauthorized },
  { category: 'other', name: "another RP's pending request (demo-secure key)", auth: 'demo-secure', path: (fx) => `/v1/requests/${fx.req.PL.id}/cancel`, expect: ERR.notFound },
  { category: 'other', name: "another RP's pending request (demo key)", auth: 'demo', path: (fx) => `/v1/requests/${fx.req.PS2.id}/cancel`, expect: ERR.notFound },
  { category: 'other', name: "another RP's pending request (strict key)", auth: 'strict', path: (fx) => `/v1/requests/${fx.req.PV.id}/cancel`, expect: ERR.notFound },
  { category: 'unknownId', name: 'an unknown request id', auth: 'demo', path: `/v1/requests/${UNKNOWN}/cancel`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed request id', auth: 'demo', path: '/v1/requests/x/cancel', expect: ERR.notFound },
  { category: 'final', name: 'an approved request', auth: 'demo', path: (fx) => `/v1/requests/${fx.req.D.id}/cancel`, expect: ERR.decided },
  { category: 'final', name: 'a cancelled request', auth: 'demo', path: (fx) => `/v1/requests/${fx.req.C.id}/cancel`, expect: ERR.decided },
  { category: 'final', name: 'a request denied as fraud', auth: 'hostile', path: (fx) => `/v1/requests/${fx.req.F.id}/cancel`, expect: ERR.decided },
  { category: 'final', name: 'an approved request of the secure RP', auth: 'demo-secure', path: (fx) => `/v1/requests/${fx.req.DS.id}/cancel`, expect: ERR.decided },
  { category: 'expired', name: 'an expired request ("409 when already final")', auth: 'hostile', path: (fx) => `/v1/requests/${fx.req.E.id}/cancel`, expect: ERR.decided },
].map((row) => ({ endpoint: E.cancel, method: 'POST', ...row }))
  .concat(methodRows(E.cancel, (fx) => `/v1/requests/${fx.req.PL.id}/cancel`, ['GET', 'PUT', 'DELETE'], { auth: 'demo' }));

const status = [
  { category: 'key', name: 'no Authorization', path: (fx) => `/v1/status/${fx.req.PL.id}`, expect: ERR.unauthorized },
  { category: 'key', name: 'a wrong status token', auth: { header: 'Bearer bm90IHRoZSB0b2tlbg' }, path: (fx) => `/v1/status/${fx.req.PL.id}`, expect: ERR.unauthorized },
  { category: 'key', name: 'the status token with one character changed', auth: (fx) => ({ header: `Bearer ${fx.req.PL.token.slice(0, -1)}${fx.req.PL.token.endsWith('A') ? 'B' : 'A'}` }), path: (fx) => `/v1/status/${fx.req.PL.id}`, expect: ERR.unauthorized },
  { category: 'key', name: "another request's status token (same account)", auth: (fx) => ({ header: `Bearer ${fx.req.PSg.token}` }), path: (fx) => `/v1/status/${fx.req.PL.id}`, expect: ERR.unauthorized },
  { category: 'key', name: "the RP's API key as the status token", auth: 'demo', path: (fx) => `/v1/status/${fx.req.PL.id}`, expect: ERR.unauthorized },
  { category: 'key', name: 'the status token under the Basic scheme', auth: (fx) => ({ header: `Basic ${fx.req.PL.token}` }), path: (fx) => `/v1/status/${fx.req.PL.id}`, expect: ERR.unauthorized },
  { category: 'key', name: 'Bearer with no token', auth: { header: 'Bearer' }, path: (fx) => `/v1/status/${fx.req.PL.id}`, expect: ERR.unauthorized },
  { category: 'other', name: "another RP's request's token", auth: (fx) => ({ header: `Bearer ${fx.req.PS1.token}` }), path: (fx) => `/v1/status/${fx.req.PL.id}`, expect: ERR.unauthorized },
  { category: 'unknownId', name: 'an unknown request id', auth: (fx) => ({ header: `Bearer ${fx.req.PL.token}` }), path: `/v1/status/${UNKNOWN}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed request id', auth: (fx) => ({ header: `Bearer ${fx.req.PL.token}` }), path: '/v1/status/AAAA', expect: ERR.notFound },
].map((row) => ({ endpoint: E.status, method: 'GET', ...row }))
  .concat([
    { category: 'origin', name: 'CORS preflight from another site', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' }, path: (fx) => `/v1/status/${fx.req.PL.id}`, expect: ERR.forbidden },
    // (Another scheme cannot be tried here: wrangler dev's proxy rewrites an Origin on the
    // edge's own host to the edge's scheme before the Worker sees it.)
    { category: 'origin', name: "CORS preflight from the RP's host on another port", headers: { Origin: 'http://localhost:1', 'Access-Control-Request-Method': 'GET' }, path: (fx) => `/v1/status/${fx.req.PL.id}`, expect: ERR.forbidden },
    { category: 'origin', name: 'CORS preflight with no Origin', path: (fx) => `/v1/status/${fx.req.PL.id}`, expect: ERR.forbidden },
    { category: 'unknownId', name: 'CORS preflight for an unknown request', headers: (fx) => ({ Origin: fx.origin, 'Access-Control-Request-Method': 'GET' }), path: `/v1/status/${UNKNOWN}`, expect: ERR.notFound },
  ].map((row) => ({ endpoint: E.status, method: 'OPTIONS', ...row })))
  .concat(methodRows(E.status, (fx) => `/v1/status/${fx.req.PL.id}`, ['POST', 'PUT', 'DELETE']));

const live = [
  { category: 'value', name: 'a plain GET, no Upgrade: websocket', path: (fx) => `/v1/status/${fx.req.PL.id}/live?token=${fx.req.PL.token}`, expect: ERR.invalid },
  { category: 'key', name: 'no token', upgrade: true, path: (fx) => `/v1/status/${fx.req.PL.id}/live`, expect: ERR.unauthorized },
  { category: 'key', name: 'a wrong token', upgrade: true, path: (fx) => `/v1/status/${fx.req.PL.id}/live?token=nope`, expect: ERR.unauthorized },
  { category: 'key', name: "another request's token", upgrade: true, path: (fx) => `/v1/status/${fx.req.PL.id}/live?token=${fx.req.PSg.token}`, expect: ERR.unauthorized },
  { category: 'other', name: "another RP's request's token", upgrade: true, path: (fx) => `/v1/status/${fx.req.PL.id}/live?token=${fx.req.PS1.token}`, expect: ERR.unauthorized },
  { category: 'unknownId', name: 'an unknown request id', upgrade: true, path: (fx) => `/v1/status/${UNKNOWN}/live?token=${fx.req.PL.token}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed request id', upgrade: true, path: (fx) => `/v1/status/x/live?token=${fx.req.PL.token}`, expect: ERR.notFound },
  { category: 'origin', name: "another site's page (Origin: https://evil.example)", upgrade: true, headers: { Origin: 'https://evil.example' }, path: (fx) => `/v1/status/${fx.req.PL.id}/live?token=${fx.req.PL.token}`, expect: ERR.forbidden },
].map((row) => ({ endpoint: E.live, method: 'GET', ...row }))
  .concat(methodRows(E.live, (fx) => `/v1/status/${fx.req.PL.id}/live?token=${fx.req.PL.token}`, ['POST', 'DELETE']));

const devices = [
  { category: 'key', name: 'no Authorization', path: '/v1/users/alice/devices', expect: ERR.unauthorized },
  { category: 'key', name: 'an unknown API key', auth: wrongKey, path: '/v1/users/alice/devices', expect: ERR.unauthorized },
  { category: 'key', name: 'the API key under the Basic scheme', auth: (fx) => ({ header: `Basic ${fx.keys.demo}` }), path: '/v1/users/alice/devices', expect: ERR.unauthorized },
  { category: 'key', name: 'a status token as the API key', auth: (fx) => ({ header: `Bearer ${fx.req.PL.token}` }), path: '/v1/users/alice/devices', expect: ERR.unauthorized },
  { category: 'value', name: 'user id with a broken percent-escape (%zz)', auth: 'demo', path: '/v1/users/al%zzice/devices', expect: ERR.invalid },
  { category: 'value', name: 'user id that is not UTF-8 (%ff)', auth: 'demo', path: '/v1/users/al%ffice/devices', expect: ERR.invalid },
  { category: 'value', name: 'user id with a truncated escape (%4)', auth: 'demo', path: '/v1/users/alice%4/devices', expect: ERR.invalid },
  { category: 'value', name: 'user id of 129 bytes', auth: 'demo', path: `/v1/users/${'u'.repeat(129)}/devices`, expect: ERR.invalid },
  { category: 'value', name: 'an empty user id', auth: 'demo', path: '/v1/users//devices', expect: ERR.invalid },
].map((row) => ({ endpoint: E.devices, method: 'GET', ...row }))
  .concat(methodRows(E.devices, '/v1/users/alice/devices', ['POST', 'PUT', 'DELETE'], { auth: 'demo' }));

const device = [
  { category: 'key', name: 'no Authorization, on an active device', path: (fx) => `/v1/users/alice/devices/${fx.dev.G.deviceId}`, expect: ERR.unauthorized },
  { category: 'key', name: 'an unknown API key, on an active device', auth: wrongKey, path: (fx) => `/v1/users/alice/devices/${fx.dev.G.deviceId}`, expect: ERR.unauthorized },
  { category: 'key', name: 'a status token as the API key', auth: (fx) => ({ header: `Bearer ${fx.req.PL.token}` }), path: (fx) => `/v1/users/alice/devices/${fx.dev.G.deviceId}`, expect: ERR.unauthorized },
  { category: 'other', name: "another RP's key for alice's device", auth: 'demo-secure', path: (fx) => `/v1/users/alice/devices/${fx.dev.G.deviceId}`, expect: ERR.notFound },
  { category: 'other', name: "the demo key for the secure RP's device", auth: 'demo', path: (fx) => `/v1/users/dora/devices/${fx.dev.S.deviceId}`, expect: ERR.notFound },
  { category: 'other', name: "bob's path for alice's device", auth: 'demo', path: (fx) => `/v1/users/bob/devices/${fx.dev.G.deviceId}`, expect: ERR.notFound },
  { category: 'other', name: "the hostile key for alice's device (no such account there)", auth: 'hostile', path: (fx) => `/v1/users/alice/devices/${fx.dev.G.deviceId}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'an unknown device id', auth: 'demo', path: `/v1/users/alice/devices/${UNKNOWN}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a malformed device id', auth: 'demo', path: '/v1/users/alice/devices/not-a-device', expect: ERR.notFound },
  { category: 'unknownId', name: 'a device the RP already removed', auth: 'demo', path: (fx) => `/v1/users/alice/devices/${fx.dev.R.deviceId}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a device that deactivated itself', auth: 'demo', path: (fx) => `/v1/users/zed/devices/${fx.dev.Z.deviceId}`, expect: ERR.notFound },
  { category: 'unknownId', name: 'a device id whose activation was begun, never finished', auth: 'demo', path: (fx) => `/v1/users/carol/devices/${fx.carol.deviceId}`, expect: ERR.notFound },
  { category: 'value', name: 'user id with a broken percent-escape', auth: 'demo', path: (fx) => `/v1/users/%zz/devices/${fx.dev.G.deviceId}`, expect: ERR.invalid },
].map((row) => ({ endpoint: E.device, method: 'DELETE', ...row }))
  .concat(methodRows(E.device, (fx) => `/v1/users/alice/devices/${fx.dev.G.deviceId}`, ['GET', 'POST', 'PUT'], { auth: 'demo' }));

/**
 * The acceptable bodies the generic rows start from; the test sends each once at the end, to
 * show it is accepted as is.
 */
export const VALID_RP = { activations: validActivation, requests: validRequest };

/** The rows of the RP API and the status endpoints. */
export const RP_ROWS = [...activations, ...activation, ...requests, ...request, ...cancel, ...status, ...live, ...devices, ...device];
