// The phone harness (lib/phone.mjs) proven on its own, against a tiny page and service worker
// served here on loopback: the virtual authenticator verifies the user, the stubbed push
// subscription is the test's, a push encrypted to it (npm web-push, through the fake push
// service) shows a notification, denied really reads denied, axe and the screenshots work.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { deflateSync, crc32 } from 'node:zlib';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import webpush from 'web-push';
import { createPushService } from '../edge/lib/fake-push.mjs';
import { openPhone, eventually, outDir } from './lib/phone.mjs';

// A solid-colour PNG (for the manifest's icons), encoded here: signature, IHDR, IDAT, IEND.
function png(size) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, Buffer.from([0x1f, 0x4e, 0x8c]))]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(Array(size).fill(row)))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

const page = (body, { manifest = false } = {}) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Harness</title>${manifest ? '<link rel="manifest" href="/manifest.webmanifest">' : ''}
<meta http-equiv="Content-Security-Policy" content="script-src 'self'">
</head><body><main>${body}</main><script src="/page.js"></script></body></html>`;

const files = {
  '/': ['text/html', page('<h1>Harness</h1><p id="where">home</p>', { manifest: true })],
  '/plain': ['text/html', page('<h1>No manifest</h1>')],
  '/broken': ['text/html', page('<h1>Broken</h1><img src="/icon-192.png"><button></button>')],
  '/page.js': ['text/javascript', `
    navigator.serviceWorker.register('/sw.js', { scope: '/' });
    const show = () => { document.getElementById('where') && (document.getElementById('where').textContent = location.hash || 'home'); };
    addEventListener('hashchange', show); show();`],
  '/sw.js': ['text/javascript', `
    self.addEventListener('install', () => self.skipWaiting());
    self.addEventListener('activate', (e) => e.waitUntil(clients.claim()));
    self.addEventListener('fetch', (e) => { if (e.request.mode === 'navigate') e.respondWith(fetch(e.request)); });
    self.addEventListener('push', (e) => {
      let p; try { p = e.data.json(); } catch { p = { notification: { title: 'unreadable', body: '', tag: 'x', navigate: '/' } }; }
      const n = p.notification;
      e.waitUntil(self.registration.showNotification(n.title, { body: n.body, tag: n.tag, data: { navigate: n.navigate }, requireInteraction: true }));
    });`],
  '/manifest.webmanifest': ['application/manifest+json', JSON.stringify({
    name: 'Harness', short_name: 'Harness', start_url: '/', scope: '/', display: 'standalone',
    background_color: '#ffffff', theme_color: '#1f4e8c',
    icons: [{ src: '/icon-192.png', sizes: '192x192', type: 'image/png' }, { src: '/icon-512.png', sizes: '512x512', type: 'image/png' }],
  })],
  '/icon-192.png': ['image/png', png(192)],
  '/icon-512.png': ['image/png', png(512)],
  '/favicon.ico': ['image/png', png(16)],
};

let server;
let origin;
let push;
const vapid = webpush.generateVAPIDKeys();
const phones = [];

before(async () => {
  server = createServer((req, res) => {
    const f = files[new URL(req.url, 'http://x').pathname];
    if (!f) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': f[0], 'Cache-Control': 'no-store' });
    res.end(f[1]);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://localhost:${server.address().port}`;
  push = await createPushService();
});
after(async () => {
  for (const p of phones) await p.close();
  await push?.close();
  server?.close();
});

async function phoneTest(name, opts, body) {
  test(name, async () => {
    const phone = await openPhone({ origin, push, name: name.replace(/\W+/g, '-').slice(0, 30), ...opts });
    phones.push(phone);
    try { await body(phone); } catch (e) { await phone.printDiagnostics(); throw e; } finally { await phone.close(); }
  });
}

// web-push encrypts and signs; its own sender speaks https only, so fetch sends what it made.
async function send(subscription, payload) {
  const req = webpush.generateRequestDetails(subscription, JSON.stringify(payload), {
    vapidDetails: { subject: 'mailto:harness@assent.invalid', publicKey: vapid.publicKey, privateKey: vapid.privateKey },
    TTL: 60, urgency: 'high', contentEncoding: 'aes128gcm',
  });
  const r = await fetch(req.endpoint, { method: req.method, headers: req.headers, body: req.body });
  return { statusCode: r.status, body: await r.text() };
}

phoneTest('the virtual authenticator creates a passkey and asserts, both with user verification', {}, async (phone) => {
  await phone.page.goto(`${origin}/`);
  // The harness's own CDP calls must leave the authenticator in place.
  await phone.checkAccessibility('harness-before-webauthn');
  await phone.installabilityErrors();
  const flags = await phone.page.evaluate(async () => {
    const rnd = (n) => crypto.getRandomValues(new Uint8Array(n));
    const cred = await navigator.credentials.create({ publicKey: {
      rp: { name: 'Harness', id: 'localhost' }, user: { id: rnd(16), name: 'alice', displayName: 'Alice' },
      challenge: rnd(32), pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      authenticatorSelection: { residentKey: 'required', userVerification: 'required', authenticatorAttachment: 'platform' },
      attestation: 'none',
    } });
    const made = new Uint8Array(cred.response.getAuthenticatorData())[32];
    const got = await navigator.credentials.get({ publicKey: {
      challenge: rnd(32), rpId: 'localhost', userVerification: 'required',
      allowCredentials: [{ type: 'public-key', id: cred.rawId }],
    } });
    return { made, asserted: new Uint8Array(got.response.authenticatorData)[32], alg: cred.response.getPublicKeyAlgorithm() };
  });
  assert.equal(flags.made & 0x45, 0x45, 'registration: UP, UV and AT set');
  assert.equal(flags.asserted & 0x05, 0x05, 'assertion: UP and UV set');
  assert.equal(flags.alg, -7);
  const creds = await phone.credentials();
  assert.equal(creds.length, 1);
  assert.equal(creds[0].isResidentCredential, true);
  assert.equal(creds[0].rpId, 'localhost');
  assert.equal(creds[0].signCount, 2, 'one registration and one assertion counted');
});

phoneTest('push: the stubbed subscription is the test\'s, a push to it shows a notification that opens its page', {}, async (phone) => {
  await phone.page.goto(`${origin}/`);
  await phone.waitForServiceWorkerControl();
  assert.equal(await phone.page.evaluate(() => Notification.permission), 'granted');
  const seen = await phone.page.evaluate(async (key) => {
    const reg = await navigator.serviceWorker.ready;
    const before = await reg.pushManager.getSubscription();
    const state = await reg.pushManager.permissionState({ userVisibleOnly: true });
    const noKey = await reg.pushManager.subscribe({ userVisibleOnly: true }).then(() => 'resolved', (e) => e.name);
    const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    const again = await reg.pushManager.getSubscription();
    const bytes = (b) => Array.from(new Uint8Array(b));
    return {
      before, state, noKey, isSubscription: sub instanceof PushSubscription, json: sub.toJSON(),
      endpoint: sub.endpoint, againEndpoint: again.endpoint, p256dh: bytes(sub.getKey('p256dh')),
      auth: bytes(sub.getKey('auth')), serverKey: bytes(sub.options.applicationServerKey),
      viaPrototype: PushSubscription.prototype.toJSON.call(sub).endpoint,
    };
  }, vapid.publicKey);
  assert.equal(seen.before, null, 'no subscription before subscribe()');
  assert.equal(seen.state, 'granted');
  assert.equal(seen.noKey, 'AbortError', 'no applicationServerKey is refused as Chromium does');
  assert.equal(seen.isSubscription, true);
  assert.deepEqual(seen.json, phone.subscription);
  assert.match(phone.subscription.endpoint, /^http:\/\/127\.0\.0\.1:\d+\/push\//);
  assert.equal(seen.endpoint, phone.subscription.endpoint);
  assert.equal(seen.againEndpoint, phone.subscription.endpoint);
  assert.equal(seen.viaPrototype, phone.subscription.endpoint);
  assert.deepEqual(Buffer.from(seen.p256dh).toString('base64url'), phone.subscription.keys.p256dh);
  assert.deepEqual(Buffer.from(seen.auth).toString('base64url'), phone.subscription.keys.auth);
  assert.equal(Buffer.from(seen.serverKey).toString('base64url'), vapid.publicKey);

  const navigate = `${origin}/#/requests/dev/req1`;
  const r = await send(phone.subscription, { web_push: 8030, notification: { title: 'Sign-in request', body: 'Harness Bank', navigate, tag: 'req1' } });
  assert.equal(r.statusCode, 201, 'the fake push service accepted web-push\'s message');
  const n = await phone.waitForNotification({ tag: 'req1' });
  assert.deepEqual(n, { title: 'Sign-in request', body: 'Harness Bank', tag: 'req1', data: { navigate }, requireInteraction: true });
  assert.equal(phone.delivered().length, 1);
  assert.equal(phone.delivered()[0].json.notification.tag, 'req1');

  await phone.followNotification(n);
  assert.equal(phone.page.url(), navigate);
  await eventually(async () => (await phone.page.textContent('#where')) === '#/requests/dev/req1', { what: 'the page at the navigate URL' });
  assert.deepEqual(await phone.notifications(), [], 'the tapped notification is closed');
});

phoneTest('a rotated subscription: the page sees the new one, the old one is gone (410) and only the new one delivers', {}, async (phone) => {
  await phone.page.goto(`${origin}/`);
  await phone.waitForServiceWorkerControl();
  const subscribe = () => phone.page.evaluate(async (key) => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })).toJSON();
  }, vapid.publicKey);
  const first = await subscribe();
  const { previous, current } = phone.rotateSubscription();
  assert.deepEqual(previous.subscription, first);
  assert.notEqual(current.subscription.endpoint, first.endpoint);
  const seen = await phone.page.evaluate(async () => (await (await navigator.serviceWorker.ready).pushManager.getSubscription()).toJSON());
  assert.deepEqual(seen, current.subscription);

  const gone = await send(first, { web_push: 8030, notification: { title: 'old', body: '', tag: 'old', navigate: `${origin}/` } });
  assert.equal(gone.statusCode, 410, 'the dropped subscription is gone at the push service');
  assert.equal((await send(current.subscription, { web_push: 8030, notification: { title: 'new', body: '', tag: 'new', navigate: `${origin}/` } })).statusCode, 201);
  await phone.waitForNotification({ tag: 'new' });
  assert.deepEqual((await phone.notifications()).map((n) => n.tag), ['new']);
  assert.deepEqual(phone.delivered().map((d) => d.json.notification.tag), ['new']);

  // A second applicationServerKey is refused while subscribed, as in Chromium.
  const other = webpush.generateVAPIDKeys().publicKey;
  const refused = await phone.page.evaluate(async (key) => (await navigator.serviceWorker.ready).pushManager
    .subscribe({ userVisibleOnly: true, applicationServerKey: key }).then(() => 'resolved', (e) => e.name), other);
  assert.equal(refused, 'InvalidStateError');
});

phoneTest('denied notifications really read denied, and neither push nor notifications work', { notifications: 'denied' }, async (phone) => {
  await phone.page.goto(`${origin}/`);
  await phone.waitForServiceWorkerControl();
  const seen = await phone.page.evaluate(async (key) => {
    const reg = await navigator.serviceWorker.ready;
    return {
      permission: Notification.permission,
      asked: await Notification.requestPermission(),
      push: await reg.pushManager.permissionState({ userVisibleOnly: true }),
      subscribe: await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }).then(() => 'resolved', (e) => e.name),
      show: await reg.showNotification('x').then(() => 'shown', (e) => e.name),
      permissionsApi: (await navigator.permissions.query({ name: 'notifications' })).state,
    };
  }, vapid.publicKey);
  assert.deepEqual(seen, { permission: 'denied', asked: 'denied', push: 'denied', subscribe: 'NotAllowedError', show: 'TypeError', permissionsApi: 'denied' });
  assert.equal(phone.subscription, null);
});

phoneTest('never asked: the page reads default, and asking is dismissed (denied) in headless Chromium', { notifications: 'default' }, async (phone) => {
  await phone.page.goto(`${origin}/`);
  assert.equal(await phone.page.evaluate(() => Notification.permission), 'default');
  assert.equal(await phone.page.evaluate(async () => (await navigator.serviceWorker.ready).pushManager.permissionState({ userVisibleOnly: true })), 'prompt');
  assert.equal(await phone.page.evaluate(() => Notification.requestPermission()), 'denied');
});

phoneTest('axe passes a clean page and fails one with serious violations; installability; screenshots; console errors', {}, async (phone) => {
  await phone.page.goto(`${origin}/`);
  await phone.waitForServiceWorkerControl();
  const clean = await phone.checkAccessibility('harness-clean');
  assert.ok(Array.isArray(clean));
  assert.deepEqual(await eventually(async () => {
    const errs = await phone.installabilityErrors();
    return errs.length === 0 ? errs : undefined;
  }, { what: 'no installability errors', timeout: 10_000 }), []);

  await phone.page.goto(`${origin}/plain`);
  assert.ok((await phone.installabilityErrors()).some((e) => e.errorId === 'no-manifest'));

  await phone.page.goto(`${origin}/broken`);
  await assert.rejects(phone.checkAccessibility('harness-broken'), (e) => {
    assert.match(e.message, /image-alt/);
    assert.match(e.message, /button-name/);
    return true;
  });

  const file = `${outDir}/harness-screenshot.png`;
  rmSync(file, { force: true });
  assert.equal(await phone.screenshot('harness-screenshot'), file);
  assert.ok(existsSync(file));
  assert.deepEqual([...readFileSync(file).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

  await phone.page.evaluate(() => console.error('harness: something broke'));
  await eventually(() => phone.consoleErrors().some((l) => l.includes('harness: something broke')), { what: 'the console error collected' });
  assert.deepEqual(phone.uncaughtErrors(), []);
  await phone.page.evaluate(() => { setTimeout(() => { throw new Error('harness: uncaught'); }); });
  await eventually(() => phone.uncaughtErrors().some((l) => l.includes('harness: uncaught')), { what: 'the uncaught exception collected' });
});

phoneTest('offline: requests fail, the service worker\'s too, and navigator.onLine reads false; back online', {}, async (phone) => {
  await phone.page.goto(`${origin}/`);
  await phone.waitForServiceWorkerControl();
  const probe = () => phone.page.evaluate(async () => ({
    onLine: navigator.onLine,
    fetch: await fetch('/manifest.webmanifest', { cache: 'no-store' }).then((r) => r.status, (e) => e.name),
  }));
  assert.deepEqual(await probe(), { onLine: true, fetch: 200 });
  const went = phone.page.evaluate(() => new Promise((ok) => addEventListener('offline', () => ok('offline'), { once: true })));
  await phone.setOffline(true);
  assert.equal(await went, 'offline');
  assert.deepEqual(await probe(), { onLine: false, fetch: 'TypeError' });
  await assert.rejects(phone.page.reload(), /ERR_/, 'the harness page has no offline fallback: the navigation fails');
  await phone.setOffline(false);
  await phone.page.goto(`${origin}/`);
  assert.deepEqual(await probe(), { onLine: true, fetch: 200 });
});
