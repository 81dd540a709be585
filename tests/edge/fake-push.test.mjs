// The fake push service accepts what real application servers send (npm web-push, and an
// independent WebCrypto RFC 8291 + jose VAPID sender) and refuses, with a real service's
// status, every request that breaks RFC 8030 / 8291 / 8292 in one way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createECDH, randomBytes } from 'node:crypto';
import webpush from 'web-push';
import ece from 'http_ece';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createPushService } from './lib/fake-push.mjs';

const SUBJECT = 'mailto:ops@assent.example';
const vapidKeys = webpush.generateVAPIDKeys();
let push;

before(async () => { push = await createPushService(); });
after(() => push?.close());

const now = () => Math.floor(Date.now() / 1000);

/** A push as npm web-push builds it (RFC 8291 body, vapid Authorization, TTL, Urgency). */
function webPushRequest(subscription, payload, options = {}) {
  const d = webpush.generateRequestDetails(subscription, payload, {
    vapidDetails: { subject: SUBJECT, ...vapidKeys }, TTL: 60, ...options,
  });
  const headers = Object.fromEntries(
    Object.entries(d.headers).filter(([k]) => k.toLowerCase() !== 'content-length')
      .map(([k, v]) => [k.toLowerCase(), String(v)]));
  return { url: d.endpoint, headers, body: d.body };
}

async function send({ url, method = 'POST', headers, body }) {
  const r = await fetch(url, { method, headers, body });
  return { status: r.status, text: await r.text(), headers: r.headers };
}

/** An ES256 key for hand-made VAPID JWTs; `k` is its uncompressed point in base64url. */
async function vapidKey() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const { x, y } = await exportJWK(publicKey);
  const k = Buffer.concat([Buffer.from([4]), Buffer.from(x, 'base64url'), Buffer.from(y, 'base64url')])
    .toString('base64url');
  return { privateKey, k };
}

async function vapidAuthorization(signer, claims, k = signer.k) {
  const jwt = await new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'ES256' })
    .sign(signer.privateKey);
  return `vapid t=${jwt}, k=${k}`;
}

/** The last recorded attempt to `id`. */
const lastAttempt = (id) => push.attempts(id).at(-1);

function assertRejected(res, id, status, reason) {
  assert.equal(res.status, status, `status (body: ${res.text})`);
  assert.match(res.text, reason);
  const a = lastAttempt(id);
  assert.equal(a.status, status);
  assert.equal(a.verified, false);
  assert.match(a.reason, reason);
  assert.equal(push.received(id).length, 0, 'a rejected push must not be delivered');
}

test('a subscription is PushSubscriptionJSON with fresh P-256 keys and auth secret', () => {
  const a = push.newSubscription();
  const b = push.newSubscription();
  assert.deepEqual(Object.keys(a.subscription).sort(), ['endpoint', 'expirationTime', 'keys']);
  assert.equal(a.subscription.expirationTime, null);
  assert.ok(a.subscription.endpoint.startsWith(`${push.origin}/`));
  assert.match(push.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
  const p256dh = Buffer.from(a.subscription.keys.p256dh, 'base64url');
  assert.equal(p256dh.length, 65);
  assert.equal(p256dh[0], 4);
  assert.equal(Buffer.from(a.subscription.keys.auth, 'base64url').length, 16);
  assert.notEqual(a.id, b.id);
  assert.notEqual(a.subscription.endpoint, b.subscription.endpoint);
  assert.notEqual(a.subscription.keys.p256dh, b.subscription.keys.p256dh);
  assert.notEqual(a.subscription.keys.auth, b.subscription.keys.auth);
});

test('a real web-push message is accepted, decrypted and recorded', async () => {
  const { subscription, id } = push.newSubscription();
  const payload = {
    web_push: 8030,
    notification: { title: 'Sign-in request', body: 'Example Bank', tag: 'req_1' },
    assent: { v: 1, device_id: 'dev_1', request_id: 'req_1', kind: 'login', expires_at: now() + 120 },
  };
  const res = await send(webPushRequest(subscription, JSON.stringify(payload),
    { TTL: 120, urgency: 'high', topic: 'acct0123456789' }));
  assert.equal(res.status, 201, res.text);
  assert.match(res.headers.get('location'), new RegExp(`^${push.origin}/message/`));
  const [msg] = await push.waitFor(id, 1, 2000);
  assert.deepEqual(msg.json, payload);
  assert.ok(Buffer.isBuffer(msg.plaintext));
  assert.equal(msg.plaintext.toString('utf8'), JSON.stringify(payload));
  assert.equal(msg.vapid.publicKey, vapidKeys.publicKey);
  assert.equal(msg.vapid.claims.aud, push.origin);
  assert.equal(msg.vapid.claims.sub, SUBJECT);
  assert.ok(msg.vapid.claims.exp > now());
  assert.equal(msg.ttl, 120);
  assert.equal(msg.urgency, 'high');
  assert.equal(msg.topic, 'acct0123456789');
  assert.equal(msg.headers['content-encoding'], 'aes128gcm');
  assert.equal(lastAttempt(id).verified, true);
});

test('a non-JSON payload is delivered as plaintext only', async () => {
  const { subscription, id } = push.newSubscription();
  const bytes = randomBytes(64);
  assert.equal((await send(webPushRequest(subscription, bytes))).status, 201);
  const [msg] = push.received(id);
  assert.deepEqual(msg.plaintext, bytes);
  assert.equal(msg.json, undefined);
});

// An independent sender: RFC 8291 §3–§4 on WebCrypto (ECDH, HKDF, AES-GCM) and a jose VAPID
// JWT, so the service's decryption is not only http_ece agreeing with itself.
async function webCryptoEncrypt(subscription, plaintext) {
  const { subtle } = globalThis.crypto;
  const uaPublic = Buffer.from(subscription.keys.p256dh, 'base64url');
  const auth = Buffer.from(subscription.keys.auth, 'base64url');
  const as = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
  const asPublic = Buffer.from(await subtle.exportKey('raw', as.publicKey));
  const uaKey = await subtle.importKey('raw', uaPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const ecdhSecret = await subtle.deriveBits({ name: 'ECDH', public: uaKey }, as.privateKey, 256);
  const hkdf = async (salt, ikm, info, bytes) => {
    const key = await subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
    return Buffer.from(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, bytes * 8));
  };
  const ikm = await hkdf(auth, ecdhSecret,
    Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]), 32);
  const salt = randomBytes(16);
  const cek = await hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const aes = await subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt']);
  const ct = Buffer.from(await subtle.encrypt({ name: 'AES-GCM', iv: nonce }, aes,
    Buffer.concat([plaintext, Buffer.from([2])])));
  const rs = Buffer.alloc(4);
  rs.writeUInt32BE(4096);
  return Buffer.concat([salt, rs, Buffer.from([65]), asPublic, ct]);
}

test('a push encrypted with WebCrypto and signed with jose is accepted', async () => {
  const { subscription, id } = push.newSubscription();
  const signer = await vapidKey();
  const plaintext = Buffer.from('{"hello":"independent"}');
  const res = await send({
    url: subscription.endpoint,
    headers: {
      authorization: await vapidAuthorization(signer,
        { aud: push.origin, exp: now() + 24 * 3600 - 60, sub: 'https://assent.example/contact' }),
      'content-encoding': 'aes128gcm', ttl: '0',
    },
    body: await webCryptoEncrypt(subscription, plaintext),
  });
  assert.equal(res.status, 201, res.text);
  const [msg] = push.received(id);
  assert.deepEqual(msg.plaintext, plaintext);
  assert.deepEqual(msg.json, { hello: 'independent' });
  assert.equal(msg.vapid.publicKey, signer.k);
  assert.equal(msg.ttl, 0);
  assert.equal(msg.urgency, undefined);
  assert.equal(msg.topic, undefined);
});

test('the body limit is 4096 bytes: 4096 is delivered, 4097 is 413', async () => {
  // web-push: one record, header 86 + plaintext + delimiter 1 + tag 16.
  const { subscription, id } = push.newSubscription();
  const fits = webPushRequest(subscription, Buffer.alloc(4096 - 86 - 17, 'a'));
  assert.equal(fits.body.length, 4096);
  assert.equal((await send(fits)).status, 201);
  assert.equal(push.received(id)[0].plaintext.length, 4096 - 86 - 17);

  const other = push.newSubscription();
  const big = webPushRequest(other.subscription, Buffer.alloc(4096 - 86 - 16, 'a'));
  assert.equal(big.body.length, 4097);
  assertRejected(await send(big), other.id, 413, /4097 bytes exceeds 4096/);
  assert.equal(lastAttempt(other.id).bodyLength, 4097);
});

test('VAPID: a missing or non-vapid Authorization is 401', async () => {
  const { subscription, id } = push.newSubscription();
  const req = webPushRequest(subscription, 'x');
  delete req.headers.authorization;
  assertRejected(await send(req), id, 401, /missing Authorization/);

  const legacy = webPushRequest(subscription, 'x');
  legacy.headers.authorization = legacy.headers.authorization.replace(/^vapid t=(\S+), k=.*$/, 'WebPush $1');
  assertRejected(await send(legacy), id, 401, /scheme is not vapid/);

  const noKey = webPushRequest(subscription, 'x');
  noKey.headers.authorization = noKey.headers.authorization.replace(/, k=.*$/, '');
  assertRejected(await send(noKey), id, 401, /k \(public key\) missing/);
});

test('VAPID: a JWT signed by another key than k is 401', async () => {
  const { subscription, id } = push.newSubscription();
  const signer = await vapidKey();
  const other = await vapidKey();
  const req = webPushRequest(subscription, 'x');
  req.headers.authorization = await vapidAuthorization(signer,
    { aud: push.origin, exp: now() + 3600, sub: SUBJECT }, other.k);
  assertRejected(await send(req), id, 401, /JWT rejected.*signature/i);

  // A tampered payload under a genuine header and signature.
  const tampered = webPushRequest(subscription, 'x');
  tampered.headers.authorization = tampered.headers.authorization.replace(
    /t=([^.]+)\.([^.]+)\./, (_, h, p) => {
      const claims = JSON.parse(Buffer.from(p, 'base64url'));
      claims.exp += 1;
      return `t=${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    });
  assertRejected(await send(tampered), id, 401, /JWT rejected.*signature/i);

  const notAPoint = webPushRequest(subscription, 'x');
  notAPoint.headers.authorization = notAPoint.headers.authorization.replace(/k=.*$/,
    `k=${Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url')}`);
  assertRejected(await send(notAPoint), id, 401, /not a point on P-256/);
});

test('VAPID: aud must be exactly the endpoint origin, port included', async () => {
  const { subscription, id } = push.newSubscription();
  const signer = await vapidKey();
  const port = Number(new URL(push.origin).port);
  const wrong = [
    'http://127.0.0.1',                   // port dropped (what web-push-native does)
    `http://127.0.0.1:${port + 1}`,       // port mismatch
    `http://localhost:${port}`,           // other host spelling
    `https://127.0.0.1:${port}`,          // other scheme
    `${push.origin}/`,                    // not an origin
    subscription.endpoint,                // the whole endpoint
  ];
  for (const aud of wrong) {
    const req = webPushRequest(subscription, 'x');
    req.headers.authorization = await vapidAuthorization(signer, { aud, exp: now() + 3600, sub: SUBJECT });
    assertRejected(await send(req), id, 401, /vapid aud/);
  }
  const right = webPushRequest(subscription, 'x');
  right.headers.authorization = await vapidAuthorization(signer,
    { aud: push.origin, exp: now() + 3600, sub: SUBJECT });
  assert.equal((await send(right)).status, 201);
});

test('VAPID: exp must be present, in the future and at most 24 h ahead', async () => {
  const { subscription, id } = push.newSubscription();
  const signer = await vapidKey();
  const cases = [
    [{ aud: push.origin, sub: SUBJECT }, /missing.*exp|exp.*missing/i],
    [{ aud: push.origin, exp: now() - 10, sub: SUBJECT }, /JWT rejected.*exp/i],
    [{ aud: push.origin, exp: now() + 24 * 3600 + 120, sub: SUBJECT }, /more than 24 h/],
    [{ aud: push.origin, exp: now() + 3600 }, /JWT rejected.*sub/i],
    [{ aud: push.origin, exp: now() + 3600, sub: 'http://assent.example' }, /not a mailto: or https:/],
    [{ aud: push.origin, exp: now() + 3600, sub: 'ops@assent.example' }, /not a mailto: or https:/],
  ];
  for (const [claims, reason] of cases) {
    const req = webPushRequest(subscription, 'x');
    req.headers.authorization = await vapidAuthorization(signer, claims);
    assertRejected(await send(req), id, 401, reason);
  }
});

test('VAPID: a subscription made with an applicationServerKey refuses other keys with 403', async () => {
  const bound = push.newSubscription({ applicationServerKey: vapidKeys.publicKey });
  assert.equal((await send(webPushRequest(bound.subscription, 'x'))).status, 201);
  const other = webpush.generateVAPIDKeys();
  const req = webPushRequest(bound.subscription, 'x', { vapidDetails: { subject: SUBJECT, ...other } });
  const res = await send(req);
  assert.equal(res.status, 403, res.text);
  assert.match(res.text, /applicationServerKey/);
  assert.equal(push.received(bound.id).length, 1);
});

test('Content-Encoding must be aes128gcm', async () => {
  const { subscription, id } = push.newSubscription();
  const req = webPushRequest(subscription, 'x');
  req.headers['content-encoding'] = 'aesgcm';
  assertRejected(await send(req), id, 400, /not aes128gcm/);
  delete req.headers['content-encoding'];
  assertRejected(await send(req), id, 400, /missing Content-Encoding/);
});

test('TTL must be present and a non-negative integer', async () => {
  const { subscription, id } = push.newSubscription();
  for (const ttl of ['-1', '1.5', 'soon', '']) {
    const req = webPushRequest(subscription, 'x');
    req.headers.ttl = ttl;
    assertRejected(await send(req), id, 400, /TTL/);
  }
  const missing = webPushRequest(subscription, 'x');
  delete missing.headers.ttl;
  assertRejected(await send(missing), id, 400, /missing TTL/);
  assert.equal((await send(webPushRequest(subscription, 'x', { TTL: 0 }))).status, 201);
});

test('Urgency, when present, is one of the four RFC 8030 values', async () => {
  const { subscription, id } = push.newSubscription();
  for (const urgency of ['urgent', 'High', 'very_low', '']) {
    const req = webPushRequest(subscription, 'x');
    req.headers.urgency = urgency;
    assertRejected(await send(req), id, 400, /Urgency/);
  }
  const before = push.received(id).length;
  for (const urgency of ['very-low', 'low', 'normal', 'high']) {
    assert.equal((await send(webPushRequest(subscription, 'x', { urgency }))).status, 201);
  }
  assert.deepEqual(push.received(id).slice(before).map((m) => m.urgency), ['very-low', 'low', 'normal', 'high']);
});

test('Topic, when present, is 1–32 URL-safe base64 characters', async () => {
  const { subscription, id } = push.newSubscription();
  for (const topic of ['a'.repeat(33), 'a+b', 'a/b', 'a=b', 'a.b', '']) {
    const req = webPushRequest(subscription, 'x');
    req.headers.topic = topic;
    const res = await send(req);
    assert.equal(res.status, 400, `topic ${JSON.stringify(topic)}`);
    assert.match(res.text, /Topic/);
  }
  assert.equal(push.received(id).length, 0);
  const ok = await send(webPushRequest(subscription, 'x', { topic: 'A-_z'.repeat(8) }));
  assert.equal(ok.status, 201);
  assert.equal(push.received(id)[0].topic, 'A-_z'.repeat(8));
});

test('a body that does not decrypt is 400', async () => {
  const { subscription, id } = push.newSubscription();
  // One flipped ciphertext bit.
  const req = webPushRequest(subscription, 'secret payload');
  req.body = Buffer.from(req.body);
  req.body[req.body.length - 20] ^= 1;
  assertRejected(await send(req), id, 400, /does not decrypt/);
  // Encrypted to another subscription's keys.
  const other = push.newSubscription();
  const misdirected = webPushRequest(other.subscription, 'secret payload');
  misdirected.url = subscription.endpoint;
  assertRejected(await send(misdirected), id, 400, /does not decrypt/);
  // Truncated, and not aes128gcm at all.
  const truncated = webPushRequest(subscription, 'secret payload');
  truncated.body = truncated.body.subarray(0, 90);
  assertRejected(await send(truncated), id, 400, /too short/);
  const keyid = webPushRequest(subscription, 'secret payload');
  keyid.body = Buffer.from(keyid.body);
  keyid.body[20] = 32;
  assertRejected(await send(keyid), id, 400, /keyid is 32 bytes/);
});

test('a body of more than one record is 400 (RFC 8291 §4)', async () => {
  const { subscription, id } = push.newSubscription();
  const sender = createECDH('prime256v1');
  sender.generateKeys();
  const body = ece.encrypt(Buffer.alloc(300, 'b'), {
    version: 'aes128gcm', rs: 100, privateKey: sender,
    dh: subscription.keys.p256dh, authSecret: subscription.keys.auth,
  });
  const req = webPushRequest(subscription, 'x');
  req.body = body;
  assertRejected(await send(req), id, 400, /more than one record/);
});

test('an unknown endpoint is 404 and a GET is 405', async () => {
  const { subscription, id } = push.newSubscription();
  const req = webPushRequest(subscription, 'x');
  req.url = `${push.origin}/push/${'A'.repeat(22)}`;
  const res = await send(req);
  assert.equal(res.status, 404);
  assert.equal(push.attempts().at(-1).status, 404);
  assert.equal(push.attempts().at(-1).id, 'A'.repeat(22));
  assert.equal((await fetch(`${push.origin}/`)).status, 404);
  const get = await fetch(subscription.endpoint);
  assert.equal(get.status, 405);
  assert.equal(push.attempts(id).length, 1);
});

test('respondWith(410) answers every later verified push with 410 and delivers nothing', async () => {
  const { subscription, id } = push.newSubscription();
  push.respondWith(id, 410);
  for (let i = 0; i < 2; i += 1) {
    assert.equal((await send(webPushRequest(subscription, `gone ${i}`))).status, 410);
  }
  assert.deepEqual(push.attempts(id).map((a) => [a.status, a.verified]), [[410, true], [410, true]]);
  assert.equal(push.attempts(id)[1].message.plaintext.toString(), 'gone 1');
  assert.equal(push.received(id).length, 0);
  // Strictness still comes first: an invalid push is refused for its own reason.
  const bad = webPushRequest(subscription, 'x');
  delete bad.headers.ttl;
  assert.equal((await send(bad)).status, 400);
});

test('respondWith([500, 500, 201]) answers in order, then returns to 201', async () => {
  const { subscription, id } = push.newSubscription();
  push.respondWith(id, [500, 500, 201]);
  const statuses = [];
  for (let i = 0; i < 4; i += 1) statuses.push((await send(webPushRequest(subscription, `try ${i}`))).status);
  assert.deepEqual(statuses, [500, 500, 201, 201]);
  assert.deepEqual(push.received(id).map((m) => m.plaintext.toString()), ['try 2', 'try 3']);
  assert.equal(push.attempts(id).length, 4);
});

test('respondWith(429, {retryAfter}) sends Retry-After', async () => {
  const { subscription, id } = push.newSubscription();
  push.respondWith(id, [429, 503, 201], { retryAfter: 7 });
  const first = await send(webPushRequest(subscription, 'x'));
  assert.equal(first.status, 429);
  assert.equal(first.headers.get('retry-after'), '7');
  const second = await send(webPushRequest(subscription, 'x'));
  assert.equal(second.status, 503);
  assert.equal(second.headers.get('retry-after'), '7');
  const third = await send(webPushRequest(subscription, 'x'));
  assert.equal(third.status, 201);
  assert.equal(third.headers.get('retry-after'), null);
  push.respondWith(id, 429);
  assert.equal((await send(webPushRequest(subscription, 'x'))).headers.get('retry-after'), null);
});

test('waitFor resolves when a later push arrives and times out with the attempts so far', async () => {
  const { subscription, id } = push.newSubscription();
  const waiting = push.waitFor(id, 2, 5000);
  await send(webPushRequest(subscription, 'one'));
  await send(webPushRequest(subscription, 'two'));
  assert.deepEqual((await waiting).map((m) => m.plaintext.toString()), ['one', 'two']);
  const bad = webPushRequest(subscription, 'x');
  delete bad.headers.ttl;
  await send(bad);
  await assert.rejects(push.waitFor(id, 3, 200), /timed out after 200 ms.*missing TTL/);
  assert.equal((await push.waitForAttempts(id, 3, 200)).length, 3);
  assert.throws(() => push.received('nope'), /unknown subscription/);
});

test('close() stops the service and fails pending waits', async () => {
  const local = await createPushService();
  const { subscription, id } = local.newSubscription();
  const pending = local.waitFor(id, 1, 60_000);
  await local.close();
  await assert.rejects(pending, /closed/);
  await assert.rejects(fetch(subscription.endpoint, { method: 'POST' }));
});
