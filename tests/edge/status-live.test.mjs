// SPEC §9 status for the widget: the live WebSocket (hibernating Durable Object sockets),
// within 300 ms of the decision on loopback, and CORS for the RP's origins only.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { startWrangler } from './lib/wrangler.mjs';
import { createDevice } from './lib/device.mjs';

let edge;
before(async () => { edge = await startWrangler(); });
after(() => edge?.stop());

const rpCall = async (method, path, body) => {
  const r = await fetch(`${edge.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${edge.config.apiKeys.demo}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
};

async function pendingLogin(user_id) {
  const a = (await rpCall('POST', '/v1/activations', { user_id })).body;
  const device = createDevice({ edgeUrl: edge.url });
  assert.equal((await device.activate(a.code)).status, 200);
  const created = (await rpCall('POST', '/v1/requests', { user_id, kind: 'login' })).body;
  const shown = (await device.getRequest(created.request_id)).body;
  return { device, created, request: shown.request };
}

/** Opens the live socket; resolves with {ws, messages, next()} once open. */
function openLive(requestId, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${edge.url.replace('http', 'ws')}/v1/status/${requestId}/live?token=${token}`);
    const messages = [];
    const waiting = [];
    ws.onmessage = (e) => {
      const m = { at: performance.now(), data: JSON.parse(e.data) };
      messages.push(m);
      waiting.splice(0).forEach((w) => w(m));
    };
    const next = (timeoutMs = 5000) => new Promise((ok, fail) => {
      const t = setTimeout(() => fail(new Error('no message')), timeoutMs);
      waiting.push((m) => { clearTimeout(t); ok(m); });
    });
    ws.onopen = () => resolve({ ws, messages, next });
    ws.onerror = () => reject(new Error('websocket refused'));
  });
}

test('the live socket sends the status at once, then the decision within 300 ms', async () => {
  const { device, created, request } = await pendingLogin('alice');
  const first = openLive(created.request_id, created.status_token);
  const live = await first;
  const initial = live.messages[0] ?? await live.next();
  assert.deepEqual(initial.data, { status: 'pending', expires_at: created.expires_at, binding_code: created.binding_code });
  const update = live.next();
  const r = await device.decide(created.request_id, { request, decision: 'approve', binding_code: created.binding_code });
  const decidedAt = performance.now();
  assert.equal(r.body.status, 'approved');
  const m = await update;
  assert.equal(m.data.status, 'approved');
  assert.ok(m.data.decided_at >= created.created_at);
  const latency = m.at - decidedAt;
  assert.ok(latency <= 300, `widget update ${latency.toFixed(1)} ms after the decision answer`);
  live.ws.close();
});

test('a wrong token or another site\'s page cannot open the socket', async () => {
  const { created } = await pendingLogin('bob');
  await assert.rejects(openLive(created.request_id, `${created.status_token}x`));
  const status = await new Promise((resolve, reject) => {
    const url = new URL(`${edge.url}/v1/status/${created.request_id}/live?token=${created.status_token}`);
    const req = httpRequest(url, {
      headers: {
        Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'), Origin: 'https://evil.example',
      },
    });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(101); });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 403);
});

test('CORS: the status answers carry Access-Control-Allow-Origin for the RP\'s origins only', async () => {
  const { created } = await pendingLogin('carol');
  const get = (origin) => fetch(`${edge.url}/v1/status/${created.request_id}`, {
    headers: { Authorization: `Bearer ${created.status_token}`, Origin: origin },
  });
  const allowed = await get(edge.config.edgeOrigin);
  assert.equal(allowed.headers.get('access-control-allow-origin'), edge.config.edgeOrigin);
  const evil = await get('https://evil.example');
  assert.equal(evil.status, 200, 'the token holder still gets an answer');
  assert.equal(evil.headers.get('access-control-allow-origin'), null, 'but no browser page of another site reads it');

  const preflight = (origin) => fetch(`${edge.url}/v1/status/${created.request_id}`, {
    method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
  });
  const ok = await preflight(edge.config.edgeOrigin);
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-origin'), edge.config.edgeOrigin);
  assert.match(ok.headers.get('access-control-allow-headers'), /Authorization/i);
  assert.equal((await preflight('https://evil.example')).status, 403);
});
