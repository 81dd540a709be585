// The state the hostile corpus attacks, built through the real API only: activated devices in
// gateway and secure mode, pending login and sign requests, a pending activation with a begun
// ceremony, decided, cancelled and expired requests, a removed, a deactivated and a locked
// device, a frozen and a rate-limited account, and valid bodies captured to replay.
import assert from 'node:assert/strict';
import { DEFAULT_RPS } from '../wrangler.mjs';
import { createDevice } from '../device.mjs';
import { clone, now, signedDecision } from './forge.mjs';

/**
 * The RPs: `demo` (gateway) and `demo-secure` (secure) as in `make dev`, `hostile` (gateway)
 * whose limits allow 1-second requests (an expired fixture without waiting 30 s), budget two
 * requests per account (a rate-limited account) and lock a device after exactly
 * `maxFailedDecisions` bad assertions, and `strict` (gateway) locking after one.
 */
export const rpsFor = (maxFailedDecisions) => [
  ...DEFAULT_RPS,
  {
    id: 'hostile', name: 'Hostile Test Bank', mode: 'gateway',
    limits: { min_ttl_seconds: 1, requests_per_10_min: 2, max_failed_decisions: maxFailedDecisions },
  },
  { id: 'strict', name: 'Strict Bank', mode: 'gateway', limits: { max_failed_decisions: 1 } },
];

/** Pending fixtures live the longest lifetime the default bounds allow: the run stays inside. */
const TTL = 600;

export const signBody = (user_id, extra = {}) => ({
  user_id, kind: 'sign', title: 'Transfer',
  fields: [{ label: 'Amount', value: 'EUR 1,250.00' }, { label: 'Payee', value: 'ACME NV' }],
  ttl_seconds: TTL, ...extra,
});
export const loginBody = (user_id, extra = {}) => ({
  user_id, kind: 'login', title: 'Sign in to Example Bank',
  context: { ip: '203.0.113.7', location: 'Brussels, BE', browser: 'Firefox on macOS' },
  ttl_seconds: TTL, ...extra,
});

/**
 * Builds every fixture on the running `edge`. Returns `fx`:
 * - `url`, `origin`, `keys` (API key per RP id);
 * - `dev`: devices by name — `G` (demo/alice, gateway), `R` (alice's second, removed by the
 *   RP), `B` (demo/bob), `Z` (demo/zed, deactivated itself), `S` (demo-secure/dora), `V`
 *   (hostile/victim: takes every counted bad assertion), `X` (hostile/late), `Fd`
 *   (hostile/fraud, reported fraud: frozen), `L` (strict/lockee, locked);
 * - `req`: requests by name, each `{rp, user, id, token, binding_code, content}` — `PL`
 *   (alice's pending login), `PSg` (alice's pending sign), `D` (approved), `C` (cancelled),
 *   `PB` (bob's pending), `DS` (dora's approved), `PS1`/`PS2` (dora's pending login/sign),
 *   `PV0` (victim's approved), `PV` (victim's pending sign with number matching), `E`
 *   (expired), `F` (denied as fraud), `PLk` (the locked device's pending);
 * - `act`: activations by name `{rp, user, id, code}`; `carol` is pending, its ceremony begun;
 * - `carol`: `{deviceId, begin, device, credential, finish(overrides)}` — a genuine finish
 *   body for the begun ceremony (every finish row breaks exactly one thing in it);
 * - `captured`: genuine bodies already used once: `gFinish` (G's activate/finish), `gPush`
 *   (G's sealed push, seq 1), `gD` (G's decision on D), `sDS` (S's on DS), `vPV0` (V's on
 *   PV0), `sInbox` (S's spent `{challenge_id, assertion}`), `zDeactivate` (Z's);
 * - `users`: every `[rp, user_id]` whose device list is snapshotted; `views`: every
 *   `[device, request]` whose device view is snapshotted.
 */
export async function buildFixtures(edge) {
  const url = edge.url;
  const keys = edge.config.apiKeys;
  const call = async (method, path, body, headers = {}) => {
    const init = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const r = await fetch(`${url}${path}`, init);
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  const rp = (rpId, method, path, body) => call(method, path, body, { Authorization: `Bearer ${keys[rpId]}` });
  const expectOk = (r, status, what) => {
    assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
    return r.body;
  };

  const act = {};
  const dev = {};
  const req = {};
  const captured = {};

  async function enroll(name, rpId, user) {
    const a = expectOk(await rp(rpId, 'POST', '/v1/activations', { user_id: user }), 201, `activation ${name}`);
    const device = createDevice({ edgeUrl: url });
    let finish;
    const r = await device.activate(a.code, { mutate: (body) => { finish = clone(body); return body; } });
    expectOk(r, 200, `activate ${name}`);
    act[name] = { rp: rpId, user, id: a.activation_id, code: a.code };
    dev[name] = device;
    return { device, finish };
  }

  async function newRequest(name, rpId, body) {
    const c = expectOk(await rp(rpId, 'POST', '/v1/requests', body), 201, `request ${name}`);
    req[name] = { rp: rpId, user: body.user_id, id: c.request_id, token: c.status_token, binding_code: c.binding_code, content: null };
    return req[name];
  }

  /** What a gateway device is shown, kept as the content it signs. */
  async function shown(name, device) {
    const r = expectOk(await device.getRequest(req[name].id), 200, `details of ${name}`);
    req[name].content = r.request;
    return r.request;
  }

  /** Decides with a genuine body, returned for replays. */
  async function decided(name, device, options, expectStatus) {
    const body = await signedDecision(device, req[name].content, options);
    const r = await call('POST', `/v1/device/${device.deviceId}/requests/${req[name].id}/decision`, body);
    assert.equal(r.status, 200, `decision on ${name}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.status, expectStatus);
    return body;
  }

  // demo / alice: G with a decided, a cancelled and two pending requests (login last: a new
  // login supersedes an older one); R, her second device, removed by the RP.
  const g = await enroll('G', 'demo', 'alice');
  captured.gFinish = g.finish;
  captured.gPush = { sealed: g.finish.push };
  await newRequest('D', 'demo', signBody('alice'));
  await shown('D', dev.G);
  captured.gD = await decided('D', dev.G, { decision: 'approve' }, 'approved');
  await newRequest('C', 'demo', signBody('alice'));
  await shown('C', dev.G);
  expectOk(await rp('demo', 'POST', `/v1/requests/${req.C.id}/cancel`), 200, 'cancel C');
  await newRequest('PSg', 'demo', signBody('alice'));
  await shown('PSg', dev.G);
  await newRequest('PL', 'demo', loginBody('alice'));
  await shown('PL', dev.G);
  assert.match(req.PL.binding_code, /^\d\d$/);
  await enroll('R', 'demo', 'alice');
  expectOk(await rp('demo', 'DELETE', `/v1/users/alice/devices/${dev.R.deviceId}`), 200, 'remove R');

  // demo / bob: another user of the same RP.
  await enroll('B', 'demo', 'bob');
  await newRequest('PB', 'demo', signBody('bob'));
  await shown('PB', dev.B);

  // demo / zed: a device that deactivated itself (its sealed body kept for a replay).
  await enroll('Z', 'demo', 'zed');
  captured.zDeactivate = { sealed: await dev.Z.seal('deactivate', { ts: now() }) };
  expectOk(await call('POST', `/v1/device/${dev.Z.deviceId}/deactivate`, captured.zDeactivate), 200, 'Z deactivates');

  // demo / carol: a pending activation whose ceremony is begun (device id U) and a genuine
  // credential for it, never sent as such.
  const ca = expectOk(await rp('demo', 'POST', '/v1/activations', { user_id: 'carol', user_name: 'carol@example.com', display_name: 'Carol C.' }), 201, 'activation carol');
  act.carol = { rp: 'demo', user: 'carol', id: ca.activation_id, code: ca.code };
  const begin = expectOk(await call('POST', '/v1/device/activate/begin', { code: ca.code }), 200, 'begin carol');
  const carolDevice = createDevice({ edgeUrl: url });
  await carolDevice.setChannel({ deviceId: begin.device_id, channelPublicKey: begin.channel_public_key });
  const credential = await carolDevice.create(begin.creation_options);
  const carol = {
    deviceId: begin.device_id, begin, device: carolDevice, credential,
    async finish(overrides = {}) {
      return {
        device_id: begin.device_id, code: ca.code, credential: clone(credential),
        channel_public_key: carolDevice.channelPublicKey,
        push: await carolDevice.seal('push', { subscription: null, seq: 1 }),
        ...overrides,
      };
    },
  };

  // demo-secure / dora: S with an approved request (details through the inbox only), then
  // two pending ones, and one spent inbox challenge with its genuine answer.
  await enroll('S', 'demo-secure', 'dora');
  await newRequest('DS', 'demo-secure', signBody('dora'));
  const inbox1 = await dev.S.inbox();
  assert.equal(inbox1.status, 200, `inbox of S: ${JSON.stringify(inbox1.body)}`);
  req.DS.content = inbox1.plaintext.requests.find((r) => r.request.request_id === req.DS.id).request;
  captured.sDS = await decided('DS', dev.S, { decision: 'approve' }, 'approved');
  await newRequest('PS2', 'demo-secure', signBody('dora'));
  await newRequest('PS1', 'demo-secure', loginBody('dora'));
  const challenge = expectOk(await call('POST', `/v1/device/${dev.S.deviceId}/inbox/challenge`), 200, 'challenge of S');
  const sAssertion = await dev.S.assert(challenge.request_options);
  const opened = expectOk(await call('POST', `/v1/device/${dev.S.deviceId}/inbox`, { challenge_id: challenge.challenge_id, assertion: sAssertion }), 200, 'inbox of S');
  captured.sInbox = { challenge_id: challenge.challenge_id, assertion: sAssertion };
  for (const item of (await dev.S.open('inbox', opened.sealed)).requests) {
    const name = item.request.request_id === req.PS1.id ? 'PS1' : item.request.request_id === req.PS2.id ? 'PS2' : null;
    if (name) req[name].content = item.request;
  }
  assert.ok(req.PS1.content && req.PS2.content, 'the inbox lists both pending requests');

  // hostile / victim: V, one approved request (the body kept) and one pending sign request
  // with number matching; two requests exhaust the budget (rate-limited account).
  await enroll('V', 'hostile', 'victim');
  await newRequest('PV0', 'hostile', signBody('victim'));
  await shown('PV0', dev.V);
  captured.vPV0 = await decided('PV0', dev.V, { decision: 'approve' }, 'approved');
  await newRequest('PV', 'hostile', signBody('victim', { number_matching: true }));
  await shown('PV', dev.V);
  assert.match(req.PV.binding_code, /^\d\d$/);

  // hostile / fraud: a fraud report freezes the account.
  await enroll('Fd', 'hostile', 'fraud');
  await newRequest('F', 'hostile', signBody('fraud'));
  await shown('F', dev.Fd);
  await decided('F', dev.Fd, { decision: 'deny', reason: 'fraud' }, 'denied');

  // strict / lockee: one bad assertion locks L.
  await enroll('L', 'strict', 'lockee');
  await newRequest('PLk', 'strict', signBody('lockee'));
  await shown('PLk', dev.L);
  const bad = await signedDecision(dev.L, req.PLk.content, { decision: 'approve', tweaks: { omit_user_verification: true } });
  const locking = await call('POST', `/v1/device/${dev.L.deviceId}/requests/${req.PLk.id}/decision`, bad);
  assert.equal(locking.status, 422, `locking L: ${JSON.stringify(locking.body)}`);

  // hostile / late: a request that lives one second, then is expired.
  await enroll('X', 'hostile', 'late');
  await newRequest('E', 'hostile', signBody('late', { ttl_seconds: 1 }));
  await shown('E', dev.X);
  for (let i = 0; ; i++) {
    const status = (await rp('hostile', 'GET', `/v1/requests/${req.E.id}`)).body.status;
    if (status === 'expired') break;
    assert.ok(i < 40, `E still ${status}`);
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    origin: edge.config.edgeOrigin,
    keys,
    act,
    dev,
    req,
    carol,
    captured,
    users: [
      ['demo', 'alice'], ['demo', 'bob'], ['demo', 'carol'], ['demo', 'zed'], ['demo', 'nobody'], ['demo', 'dora'],
      ['demo-secure', 'dora'], ['demo-secure', 'alice'],
      ['hostile', 'victim'], ['hostile', 'late'], ['hostile', 'fraud'], ['strict', 'lockee'],
    ],
    views: [
      ['G', 'PL'], ['G', 'PSg'], ['G', 'D'], ['G', 'C'], ['B', 'PB'], ['V', 'PV0'], ['V', 'PV'],
      ['X', 'E'], ['Fd', 'F'], ['L', 'PLk'],
    ],
  };
}
