// Example Bank's GET /api/requests/:id, without wrangler: demo/worker.mjs called directly with
// an in-memory KV, against a fake edge on loopback that serves a JWK Set and a request status
// with a receipt signed by a test key. The bank signs in / moves money only when the verified
// receipt itself approves — never on an "approved" status next to a verified deny receipt.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import * as jose from 'jose';

import worker from '../../demo/worker.mjs';
import { requestHash } from '../../docs/integrators/example.mjs';

const RP = 'demo';
const KID = 'test-receipt-key';
let edge; // { url, server }
let privateKey;
let jwks;
const statuses = new Map(); // request_id -> the GET /v1/requests/{id} answer

before(async () => {
  const pair = await jose.generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  jwks = { keys: [{ ...(await jose.exportJWK(pair.publicKey)), kid: KID, alg: 'ES256', use: 'sig' }] };
  const server = createServer((req, res) => {
    const send = (status, body) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/.well-known/jwks.json') return send(200, jwks);
    const id = /^\/v1\/requests\/([A-Za-z0-9_-]{22})$/.exec(req.url)?.[1];
    if (id && statuses.has(id)) return send(200, statuses.get(id));
    return send(404, { error: { code: 'not_found', message: 'no such request' } });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  edge = { server, url: `http://127.0.0.1:${server.address().port}` };
});
after(() => new Promise((ok) => edge?.server.close(ok)));

function memoryKv() {
  const map = new Map();
  return {
    async get(key, type) {
      const value = map.get(key) ?? null;
      return value !== null && type === 'json' ? JSON.parse(value) : value;
    },
    async put(key, value) { map.set(key, value); },
  };
}

/**
 * A request the bank asked for, the edge's status `status`, and a receipt signed by the
 * edge's key whose own decision is `decision`; returns the bank's answer about it.
 */
async function bankAnswer({ kind, status, decision, reason }) {
  const requestId = randomBytes(16).toString('base64url').slice(0, 22);
  const now = Math.floor(Date.now() / 1000);
  const asked = {
    user_id: 'alice', kind, title: kind === 'login' ? 'Sign in to Example Bank' : 'Approve a transfer',
    context: { ip: '127.0.0.1', browser: 'Chrome on Linux', location: 'Local network' },
    ...(kind === 'sign' ? { fields: [{ label: 'Amount', value: 'EUR 19.99' }] } : {}),
  };
  const content = {
    v: 1, rp_id: RP, rp_name: 'Example Bank', request_id: requestId, ...asked, created_at: now, expires_at: now + 120,
  };
  const created = { request_id: requestId, request_hash: requestHash(content), created_at: now, expires_at: now + 120, binding_code: '42' };
  const claims = {
    request: content, decision, ...(reason ? { reason } : {}), binding_code: '42',
    device: { id: 'AAAAAAAAAAAAAAAAAAAAAA', credential_id: 'cred', public_key: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' } },
  };
  const receipt = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'assent-receipt+jwt', kid: KID })
    .setIssuer(edge.url).setAudience(RP).setSubject('alice').setJti(requestId).setIssuedAt(now)
    .sign(privateKey);
  statuses.set(requestId, {
    request_id: requestId, kind, status, created_at: now, expires_at: now + 120, decided_at: now,
    ...(status === 'denied' ? { reason: reason ?? 'rejected' } : {}), receipt,
  });

  const env = { ASSENT_EDGE_URL: edge.url, ASSENT_API_KEY_DEMO: 'test-api-key', DEMO_KV: memoryKv() };
  await env.DEMO_KV.put(`request:${requestId}`, JSON.stringify({ rp: RP, asked, created }));
  const response = await worker.fetch(new Request(`http://bank.test/api/requests/${requestId}`), env);
  assert.equal(response.status, 200);
  return response.json();
}

test('an approving receipt that verifies signs in and executes (the fake edge is trusted)', async () => {
  const login = await bankAnswer({ kind: 'login', status: 'approved', decision: 'approve' });
  assert.equal(login.verified, true, JSON.stringify(login));
  assert.equal(login.receipt.decision, 'approve');
  assert.equal(login.signed_in, true);
  const transfer = await bankAnswer({ kind: 'sign', status: 'approved', decision: 'approve' });
  assert.equal(transfer.verified, true, JSON.stringify(transfer));
  assert.equal(transfer.executed, true);
});

test('a verified deny receipt beside an "approved" status neither signs in nor executes', async () => {
  const login = await bankAnswer({ kind: 'login', status: 'approved', decision: 'deny', reason: 'rejected' });
  assert.equal(login.verified, true, 'the receipt itself verifies…');
  assert.equal(login.receipt.decision, 'deny');
  assert.equal(login.signed_in, false, '…but it is not a yes');
  const transfer = await bankAnswer({ kind: 'sign', status: 'approved', decision: 'deny', reason: 'fraud' });
  assert.equal(transfer.verified, true);
  assert.equal(transfer.executed, false);
});

test('a denied request with its deny receipt: verified, not signed in', async () => {
  const login = await bankAnswer({ kind: 'login', status: 'denied', decision: 'deny', reason: 'rejected' });
  assert.equal(login.verified, true);
  assert.equal(login.signed_in, false);
  assert.equal(login.reason, 'rejected');
});
