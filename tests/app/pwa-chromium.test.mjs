// The static parts of the PWA (app/public/) in the browser that runs them, headless Chromium,
// on a page that links the manifest and registers the service worker as the built
// index.html does: Chromium's own installability check (CDP Page.getInstallabilityErrors),
// each PNG's real size against the size it declares, the maskable icons' safe zone measured
// on their pixels, and the service worker's shell cache, offline start and push handling
// (pushes delivered by CDP ServiceWorker.deliverPushMessage, as the push service would).
//
//   node_modules/.bin/node --test tests/app/pwa-chromium.test.mjs
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { SETTLE_MS } from './lib/phone.mjs';

const root = resolve(import.meta.dirname, '../..');
const publicDir = join(root, 'app/public');
const manifest = JSON.parse(await readFile(join(publicDir, 'manifest.webmanifest'), 'utf8'));
const pngIcons = manifest.icons.filter((icon) => icon.type === 'image/png');
const BUILD = 'pwa-test';
const SHELL = ['/', '/index.html', '/manifest.webmanifest', ...pngIcons.map((i) => i.src)];

// What scripts/build-app.sh adds around app/public: a page that links the manifest and
// registers the worker, and the worker with its placeholders filled in.
const INDEX = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Assent</title><link rel="manifest" href="/manifest.webmanifest">
<link rel="icon" href="/icons/favicon.svg" type="image/svg+xml">
</head><body><h1>Assent</h1>
<script>navigator.serviceWorker.register('/sw.js', { scope: '/' });</script></body></html>`;
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.webmanifest': 'application/manifest+json',
  '.png': 'image/png', '.svg': 'image/svg+xml',
};

async function serve(path) {
  if (path === '/' || path === '/index.html') return { type: TYPES['.html'], body: INDEX };
  const file = normalize(join(publicDir, path));
  if (!file.startsWith(publicDir + '/')) return null;
  let body;
  try { body = await readFile(file); } catch { return null; }
  if (path === '/sw.js') {
    body = body.toString('utf8')
      .replaceAll('__ASSENT_BUILD__', BUILD)
      .replaceAll('__ASSENT_SHELL__', JSON.stringify(SHELL));
  }
  return { type: TYPES[extname(file)] ?? 'application/octet-stream', body };
}

let server;
let base;
let profile;
let context;
let page;
let cdp;
let registrationId;

before(async () => {
  server = createServer(async (req, res) => {
    const found = await serve(new URL(req.url, 'http://x').pathname);
    if (!found) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': found.type, 'cache-control': 'no-store' }).end(found.body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${server.address().port}`;
  // A persistent profile: Chromium never offers to install from an incognito context, which
  // is what browser.newPage() would give.
  profile = await mkdtemp(join(tmpdir(), 'assent-manifest-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  await context.grantPermissions(['notifications'], { origin: base });
  page = context.pages()[0] ?? await context.newPage();
  cdp = await context.newCDPSession(page);
  const registrations = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  await page.goto(`${base}/`);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  // The page is controlled once the worker has claimed it (activate → clients.claim()).
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  registrationId = registrations.find((r) => r.scopeURL === `${base}/` && !r.isDeleted)?.registrationId;
});

after(async () => {
  await context?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
  if (profile) await rm(profile, { recursive: true, force: true });
});

test('the manifest says what the brand and the contract need', () => {
  assert.equal(manifest.name, 'Assent Authenticator');
  assert.equal(manifest.short_name, 'Assent');
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.scope, '/');
  assert.equal(manifest.start_url, '/#/');
  assert.equal(manifest.id, '/');
  assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/);
  assert.match(manifest.background_color, /^#[0-9a-f]{6}$/);
  assert.deepEqual(manifest.categories, ['security', 'productivity']);
  const has = (purpose, sizes) => pngIcons.some((i) => i.purpose === purpose && i.sizes === sizes);
  for (const sizes of ['192x192', '512x512']) {
    assert.ok(has('any', sizes), `any ${sizes}`);
    assert.ok(has('maskable', sizes), `maskable ${sizes}`);
  }
});

test('every PNG icon is a PNG of the size it declares', async () => {
  for (const icon of [...pngIcons, { src: '/icons/apple-touch-icon.png', sizes: '180x180' }]) {
    const bytes = await readFile(join(publicDir, icon.src));
    // PNG signature, then the IHDR chunk: width and height as big-endian u32 (RFC 2083 §4.1.1).
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], icon.src);
    assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR', icon.src);
    assert.equal(`${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`, icon.sizes, icon.src);
  }
});

test('Chromium finds the app installable and the manifest free of errors', async () => {
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);
  const { errors, url } = await cdp.send('Page.getAppManifest');
  assert.equal(url, `${base}/manifest.webmanifest`);
  assert.deepEqual(errors, []);
});

/** Measures an icon in the page: colours of what lies outside a centred circle, and inside. */
function measure(src, radiusFraction) {
  return page.evaluate(async ({ src, radiusFraction }) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = new OffscreenCanvas(img.width, img.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, img.width, img.height);
    const r = radiusFraction * width;
    const outside = new Set();
    const inside = new Set();
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        const i = (y * width + x) * 4;
        const rgba = `${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`;
        const d = Math.hypot(x + 0.5 - width / 2, y + 0.5 - height / 2);
        (d > r ? outside : inside).add(rgba);
      }
    }
    return { width, outside: [...outside], insideColours: inside.size };
  }, { src, radiusFraction });
}

test('maskable icons keep the whole mark inside the 80 % safe zone on a full-bleed background', async () => {
  for (const icon of pngIcons.filter((i) => i.purpose === 'maskable')) {
    const { outside, insideColours } = await measure(icon.src, 0.4);
    assert.deepEqual(outside, ['30,58,138,255'], `${icon.src}: only the opaque brand colour outside the circle`);
    assert.ok(insideColours > 2, `${icon.src}: the mark is drawn inside`);
  }
});

test('"any" icons have a transparent background around the mark', async () => {
  for (const icon of pngIcons.filter((i) => i.purpose === 'any')) {
    // The corners lie outside the shield: the platform's own background shows there.
    const { outside, insideColours } = await measure(icon.src, 0.7);
    assert.deepEqual(outside, ['0,0,0,0'], icon.src);
    assert.ok(insideColours > 2, icon.src);
  }
});

test('the worker installs, caches this build\'s shell and controls the page', async () => {
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const entries = {};
    for (const name of names) {
      entries[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname).sort();
    }
    return entries;
  });
  assert.deepEqual(cached, { [`assent-shell-${BUILD}`]: [...SHELL].sort() });
});

test('offline, the app still starts from the cached shell', async () => {
  await context.setOffline(true);
  try {
    // A new document (not just a new fragment), so that the request reaches the worker.
    await page.goto(`${base}/?from=home-screen#/accounts`);
    assert.equal(await page.locator('h1').textContent(), 'Assent');
    const status = await page.evaluate(() => fetch('/v1/anything').then((r) => r.status, () => 'network error'));
    assert.equal(status, 'network error', 'the API is never answered from the cache');
  } finally {
    await context.setOffline(false);
  }
});

/** The notifications shown that match, once there are some (the push is handled async). */
// Chromium drops a notification now and then when getNotifications() runs while a push
// handler is still showing it (see lib/phone.mjs, listNotifications): reads start only once
// the last delivery has had time to settle.
let lastPushAt = 0;

async function shown(match, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  const wait = lastPushAt + SETTLE_MS - Date.now();
  if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
  for (;;) {
    const all = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return (await registration.getNotifications()).map((n) => ({
        title: n.title, body: n.body, tag: n.tag, data: n.data, requireInteraction: n.requireInteraction,
      }));
    });
    const found = all.filter(match);
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

async function push(data) {
  assert.ok(registrationId, 'CDP reported the registration');
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: base, registrationId, data });
  lastPushAt = Date.now();
}

test('a SPEC §6 push shows its notification and reaches the open page', async () => {
  await page.goto(`${base}/`);
  await page.evaluate(() => {
    window.assentMessages = [];
    navigator.serviceWorker.addEventListener('message', (e) => window.assentMessages.push(e.data));
  });
  await push(JSON.stringify({
    web_push: 8030,
    notification: { title: 'Sign-in request', body: 'Example Bank', navigate: `${base}/#/requests/dev_A/req_1`, tag: 'req_1' },
    assent: { v: 1, device_id: 'dev_A', request_id: 'req_1', kind: 'login', expires_at: 0 },
  }));
  await page.waitForFunction(() => window.assentMessages.length > 0);
  assert.deepEqual(await page.evaluate(() => window.assentMessages),
    [{ type: 'assent-push', request_id: 'req_1', device_id: 'dev_A' }]);
  assert.deepEqual(await shown((n) => n.tag === 'req_1'), [{
    title: 'Sign-in request', body: 'Example Bank', tag: 'req_1',
    data: { navigate: `${base}/#/requests/dev_A/req_1` }, requireInteraction: true,
  }]);
});

test('a push the worker cannot read still shows a generic notification', async () => {
  await push('this is not JSON');
  assert.deepEqual(await shown((n) => n.title === 'Assent: new request'), [{
    title: 'Assent: new request', body: 'Open Assent to review it.', tag: '',
    data: { navigate: `${base}/#/` }, requireInteraction: true,
  }]);
});
