// <assent-status> (SPEC §9) in headless Chromium, on a website of its own origin, against the
// real edge under `wrangler dev`: the pending view (binding code, countdown, "Open Assent on
// your phone"), every final state, events and polite announcements, errors (wrong token,
// another site's page, unreachable edge), following a new request, removal, the polling
// fallback when the WebSocket is blocked, reconnection across an edge restart, theming.
// Screenshots of each state go to tests/out/widget/ (and docs/gallery/ with ASSENT_GALLERY=1).
//
//   node_modules/.bin/node --test tests/widget/widget.test.mjs
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startWrangler, freePort, root } from '../edge/lib/wrangler.mjs';
import { createDevice } from '../edge/lib/device.mjs';
import { startHost } from './lib/host.mjs';

const OUT = join(root, 'tests/out/widget');
const GALLERY = process.env.ASSENT_GALLERY === '1' ? join(root, 'docs/gallery') : null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let edge;
let host;
let browser;

before(async () => {
  if (!existsSync(join(root, 'edge/build/worker/shim.mjs'))) {
    execFileSync('bash', ['scripts/build-edge.sh'], { cwd: root, stdio: 'inherit' });
  }
  // wrangler serves edge/public as it is at start: build the widget first.
  execFileSync('bash', ['scripts/build-widget.sh'], { cwd: root, stdio: 'inherit' });
  host = await startHost();
  edge = await startWrangler({
    rps: [{
      id: 'bank', name: 'Example Bank', mode: 'gateway', origins: [host.origin],
      // A small minimum ttl, for the expiry case.
      limits: { min_ttl_seconds: 2 },
    }],
    vars: { ASSENT_ALLOW_LOOPBACK_PUSH: '1' },
  });
  host.setEdge(edge.url);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
  mkdirSync(OUT, { recursive: true });
  if (GALLERY) mkdirSync(GALLERY, { recursive: true });
});

after(async () => {
  await browser?.close();
  await host?.close();
  edge?.stop();
});

// ---------------------------------------------------------------------------------------
// The RP backend and the phone

const rpCall = async (method, path, body) => {
  const r = await fetch(`${edge.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${edge.config.apiKeys.bank}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
};

/** An activated phone for `user_id`. */
async function phone(user_id) {
  const a = await rpCall('POST', '/v1/activations', { user_id });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const device = createDevice({ edgeUrl: edge.url });
  assert.equal((await device.activate(a.body.code)).status, 200);
  return device;
}

/** A new login request for the phone's account, with what the phone is shown. */
async function login(device, user_id, extra = {}) {
  const created = await rpCall('POST', '/v1/requests', { user_id, kind: 'login', title: 'Sign in to Example Bank', ...extra });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const shown = await device.getRequest(created.body.request_id);
  assert.equal(shown.status, 200);
  return { created: created.body, request: shown.body.request };
}

// ---------------------------------------------------------------------------------------
// The website's page

/** A fresh page of the website (`path` '/' or '/csp'; `hostname` 'localhost' is the RP's origin). */
async function openPage({ path = '/', hostname = 'localhost', reducedMotion = 'no-preference' } = {}) {
  const context = await browser.newContext({ viewport: { width: 400, height: 320 }, reducedMotion });
  const page = await context.newPage();
  const requests = [];
  const sockets = [];
  page.on('request', (r) => { if (r.url().includes('/v1/status/')) requests.push({ url: r.url(), method: r.method(), at: Date.now() }); });
  page.on('websocket', (ws) => sockets.push(ws));
  await page.goto(host.url(path, hostname));
  await page.waitForFunction(() => customElements.get('assent-status'));
  return { context, page, requests, sockets, statusReads: () => requests.filter((r) => !r.url.includes('/live')) };
}

const mount = (page, attrs) => page.evaluate((a) => { window.mount(a); }, attrs);

/** What the widget shows (index-th element), read from its open shadow root. */
const view = (page, index = 0) => page.evaluate((i) => {
  const el = document.querySelectorAll('assent-status')[i];
  const r = el?.shadowRoot;
  if (!r) return null;
  const part = (name) => r.querySelector(`[part~="${name}"]`);
  return {
    state: part('root').dataset.state,
    status: part('status').textContent,
    code: r.getElementById('k').textContent,
    codeShown: !part('code').hidden,
    countdown: part('countdown').textContent,
    countdownShown: !part('countdown').hidden,
    message: part('message').textContent,
    live: r.querySelector('[aria-live]').textContent,
    liveWrites: el.__live.filter((t) => t !== ''),
  };
}, index);

const waitState = (page, state, timeout = 5000) => page.waitForFunction(
  (s) => document.querySelector('assent-status')?.shadowRoot?.querySelector('[part="root"]')?.dataset.state === s,
  state, { timeout },
);

const events = (page) => page.evaluate(() => window.events.map(({ at, ...e }) => e));

async function shot(page, name) {
  const el = page.locator('assent-status').first();
  await el.screenshot({ path: join(OUT, `${name}.png`), animations: 'disabled' });
  if (GALLERY) await el.screenshot({ path: join(GALLERY, `widget-${name}.png`), animations: 'disabled' });
}

const PENDING_SENTENCE = (code) => `Open Assent on your phone and choose the code ${code}.`;
const countdownSeconds = (text) => {
  const m = /^Expires in (\d+):(\d\d)$/.exec(text);
  assert.ok(m, `countdown text: ${JSON.stringify(text)}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

// ---------------------------------------------------------------------------------------

test('widget.js and its wasm load from any website (CORS) as one module plus the wasm', async () => {
  for (const file of ['widget.js', 'widget_bg.wasm']) {
    const r = await fetch(`${edge.url}/${file}`, { headers: { Origin: 'https://any.example' } });
    assert.equal(r.status, 200, file);
    assert.equal(r.headers.get('access-control-allow-origin'), '*', file);
  }
  const js = await (await fetch(`${edge.url}/widget.js`)).text();
  assert.doesNotMatch(js, /\bfrom\s*["']/, 'the loader and the glue are one file: no further imports');
  assert.match(js, /widget_bg\.wasm/);
});

test('pending shows the code, a live countdown and "Open Assent on your phone"; approve → approved within 1 s', async () => {
  const device = await phone('alice');
  const { created, request } = await login(device, 'alice');
  assert.match(created.binding_code, /^\d\d$/);
  const { context, page, sockets } = await openPage();
  try {
    await mount(page, { 'request-id': created.request_id, token: created.status_token });
    await waitState(page, 'pending');
    let v = await view(page);
    assert.equal(v.code, created.binding_code);
    assert.ok(v.codeShown && v.countdownShown);
    assert.equal(v.status, 'Waiting for approval');
    assert.equal(v.message, 'Open Assent on your phone');
    const left = countdownSeconds(v.countdown);
    const expected = created.expires_at - Date.now() / 1000;
    assert.ok(Math.abs(left - expected) <= 2, `countdown ${left} s, expiry in ${expected.toFixed(1)} s`);

    // The countdown ticks, as a timer outside the live region; the live region does not.
    const first = v.countdown;
    await page.waitForFunction((t) => document.querySelector('assent-status').shadowRoot
      .querySelector('[part="countdown"]').textContent !== t, first, { timeout: 2500 });
    const roles = await page.evaluate(() => {
      const r = document.querySelector('assent-status').shadowRoot;
      const t = r.querySelector('[part="countdown"]');
      return { role: t.getAttribute('role'), inLive: Boolean(t.closest('[aria-live]')), live: r.querySelector('[aria-live]').getAttribute('aria-live') };
    });
    assert.deepEqual(roles, { role: 'timer', inLive: false, live: 'polite' });
    await sleep(1200);
    v = await view(page);
    assert.deepEqual(v.liveWrites, [PENDING_SENTENCE(created.binding_code)], 'one announcement, not one per tick');
    assert.deepEqual(await events(page), [{ type: 'assent-status', status: 'pending' }]);
    assert.equal(sockets.length, 1, 'one live socket');
    await shot(page, 'pending');

    const r = await device.decide(created.request_id, { request, decision: 'approve', binding_code: created.binding_code });
    assert.equal(r.status, 200);
    const decided = Date.now();
    await page.waitForFunction(() => window.events.some((e) => e.status === 'approved'), null, { timeout: 1000 });
    await waitState(page, 'approved', 1000);
    const latency = Date.now() - decided;
    assert.ok(latency <= 1000, `${latency} ms`);
    v = await view(page);
    assert.equal(v.status, 'Approved');
    assert.equal(v.message, 'Approved on your phone.');
    assert.ok(!v.codeShown && !v.countdownShown, 'no code or countdown once final');
    assert.deepEqual(v.liveWrites, [PENDING_SENTENCE(created.binding_code), 'Approved on your phone.']);
    assert.deepEqual(await events(page), [
      { type: 'assent-status', status: 'pending' },
      { type: 'assent-status', status: 'approved' },
    ]);
    // Final: the socket is closed and nothing more is asked.
    await page.waitForTimeout(300);
    assert.ok(sockets[0].isClosed(), 'the live socket is closed once final');
    await shot(page, 'approved');
  } finally {
    await context.close();
  }
});

for (const [name, decision, reason, message, sentence] of [
  ['denied-fraud', 'deny', 'fraud', 'Reported as not you', 'Denied: reported as not you.'],
  ['denied-rejected', 'deny', 'rejected', 'Denied on the phone', 'Denied on the phone.'],
  ['denied-binding-mismatch', 'approve', 'binding_mismatch', 'The code did not match', 'Denied: the code did not match.'],
]) test(`${name}: the reason is shown, announced and in the event's detail`, async () => {
  const user = `user-${name}`;
  const device = await phone(user);
  const { created, request } = await login(device, user);
  const { context, page } = await openPage();
  try {
    await mount(page, { 'request-id': created.request_id, token: created.status_token });
    await waitState(page, 'pending');
    const wrongCode = String((Number(created.binding_code) + 1) % 100).padStart(2, '0');
    const r = decision === 'deny'
      ? await device.decide(created.request_id, { request, decision, reason })
      : await device.decide(created.request_id, { request, decision, binding_code: wrongCode });
    assert.equal(r.status, 200);
    await waitState(page, 'denied', 1000);
    const v = await view(page);
    assert.equal(v.status, 'Denied');
    assert.equal(v.message, message);
    assert.deepEqual(v.liveWrites, [PENDING_SENTENCE(created.binding_code), sentence]);
    assert.deepEqual(await events(page), [
      { type: 'assent-status', status: 'pending' },
      { type: 'assent-status', status: 'denied', reason },
    ]);
    await shot(page, name);
  } finally {
    await context.close();
  }
});

test('cancelled by the website, and cancelled by a newer login (superseded)', async () => {
  const device = await phone('carol');
  const first = await login(device, 'carol');
  const { context, page } = await openPage();
  try {
    await mount(page, { 'request-id': first.created.request_id, token: first.created.status_token });
    await waitState(page, 'pending');
    // A newer login of the same account replaces the first (SPEC §10).
    const second = await login(device, 'carol');
    await waitState(page, 'cancelled', 2000);
    let v = await view(page);
    assert.equal(v.message, 'Replaced by a newer request.');
    assert.deepEqual((await events(page)).at(-1), { type: 'assent-status', status: 'cancelled', reason: 'superseded' });
    await shot(page, 'cancelled-superseded');

    // The page reuses the element for the second request; the website's backend cancels it.
    await page.evaluate(({ id, token }) => {
      const el = document.querySelector('assent-status');
      el.setAttribute('request-id', id);
      el.setAttribute('token', token);
    }, { id: second.created.request_id, token: second.created.status_token });
    await waitState(page, 'pending');
    assert.equal((await rpCall('POST', `/v1/requests/${second.created.request_id}/cancel`)).status, 200);
    await waitState(page, 'cancelled', 1000);
    v = await view(page);
    assert.equal(v.status, 'Cancelled');
    assert.equal(v.message, 'Cancelled by the website.');
    assert.equal(v.live, 'Cancelled by the website.');
    assert.deepEqual(await events(page), [
      { type: 'assent-status', status: 'pending' },
      { type: 'assent-status', status: 'cancelled', reason: 'superseded' },
      { type: 'assent-status', status: 'pending' },
      { type: 'assent-status', status: 'cancelled', reason: 'rp' },
    ]);
    await shot(page, 'cancelled');
  } finally {
    await context.close();
  }
});

test('a request nobody answers counts down to expired', async () => {
  const device = await phone('dave');
  const { created } = await login(device, 'dave', { ttl_seconds: 3 });
  const { context, page } = await openPage();
  try {
    await mount(page, { 'request-id': created.request_id, token: created.status_token });
    await waitState(page, 'pending');
    assert.ok(countdownSeconds((await view(page)).countdown) <= 3);
    await waitState(page, 'expired', 8000);
    const v = await view(page);
    assert.equal(v.status, 'Expired');
    assert.equal(v.live, 'The request expired.');
    assert.ok(!v.countdownShown);
    assert.deepEqual(await events(page), [
      { type: 'assent-status', status: 'pending' },
      { type: 'assent-status', status: 'expired' },
    ]);
    await shot(page, 'expired');
  } finally {
    await context.close();
  }
});

test('a wrong token: a clear message, one assent-error event, no retries and no socket', async () => {
  const device = await phone('erin');
  const { created } = await login(device, 'erin');
  // The edge answers 401; whether a page may read that answer depends on CORS headers on
  // error answers. Without them the browser reports only a failed fetch, which the widget
  // tells apart from an unreachable edge with a no-cors probe ("refused").
  const plain = await fetch(`${edge.url}/v1/status/${created.request_id}`, {
    headers: { Authorization: `Bearer ${created.status_token}x`, Origin: host.origin },
  });
  assert.equal(plain.status, 401);
  const readable = plain.headers.get('access-control-allow-origin') === host.origin;
  const { context, page, statusReads, sockets } = await openPage();
  try {
    await mount(page, { 'request-id': created.request_id, token: `${created.status_token}x` });
    await waitState(page, 'error');
    await sleep(4000);
    const v = await view(page);
    const error = readable ? 'unauthorized' : 'refused';
    assert.equal(v.message, readable
      ? 'This status link is not valid: Assent refused its token.'
      : "Assent refused to tell this page the status: the page's address is not allowed for this site, or the request or token is wrong.");
    assert.deepEqual(v.liveWrites, [v.message]);
    assert.deepEqual(await events(page), [{ type: 'assent-error', error }]);
    // One read, plus the no-cors probe when the answer was unreadable; then nothing.
    assert.ok(statusReads().length <= 2, `${statusReads().length} status requests`);
    assert.equal(sockets.length, 0);
    await shot(page, 'error-token');
  } finally {
    await context.close();
  }
});

test('when the edge\'s 401 and 404 are readable, the widget names them', async () => {
  // An edge that sends CORS headers on its error answers too: the real answers, with the
  // header added on the way (Playwright answers the CORS preflight itself).
  const device = await phone('frank');
  const { created } = await login(device, 'frank');
  for (const [id, token, error, message] of [
    [created.request_id, `${created.status_token}x`, 'unauthorized', 'This status link is not valid: Assent refused its token.'],
    ['AAAAAAAAAAAAAAAAAAAAAA', created.status_token, 'not_found', 'Assent does not know this request.'],
  ]) {
    const { context, page } = await openPage();
    try {
      await page.route(`${edge.url}/v1/status/**`, async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, headers: { ...response.headers(), 'access-control-allow-origin': host.origin } });
      });
      await mount(page, { 'request-id': id, token });
      await waitState(page, 'error');
      assert.equal((await view(page)).message, message);
      assert.deepEqual(await events(page), [{ type: 'assent-error', error }]);
    } finally {
      await context.close();
    }
  }
});

test('a page on an origin the RP does not list cannot read the status (CORS)', async () => {
  const device = await phone('grace');
  const { created } = await login(device, 'grace');
  // http://127.0.0.1:<port> is another origin than the listed http://localhost:<port>.
  const { context, page, sockets } = await openPage({ hostname: '127.0.0.1' });
  try {
    await mount(page, { 'request-id': created.request_id, token: created.status_token });
    await waitState(page, 'error');
    const v = await view(page);
    assert.equal(v.status, 'Status unavailable');
    assert.match(v.message, /not allowed for this site/);
    assert.ok(!v.codeShown, 'the binding code never reaches another site');
    assert.deepEqual(await events(page), [{ type: 'assent-error', error: 'refused' }]);
    assert.equal(sockets.length, 0, 'no socket is tried');
    await shot(page, 'error-origin');
  } finally {
    await context.close();
  }
});

test('an unreachable edge: "Trying again…", with backoff (no storm), and no final error', async () => {
  const closed = await freePort();
  const { context, page, statusReads } = await openPage();
  try {
    await mount(page, { 'request-id': 'AAAAAAAAAAAAAAAAAAAAAA', token: 'x', edge: `http://localhost:${closed}` });
    await waitState(page, 'error');
    const started = Date.now();
    await sleep(5000);
    const v = await view(page);
    assert.equal(v.message, 'Cannot reach Assent. Trying again…');
    assert.deepEqual(v.liveWrites, [v.message], 'announced once, not per retry');
    assert.deepEqual(await events(page), [], 'not final: no assent-error');
    // Read + probe per attempt, attempts 0.25–0.5 s, 0.5–1 s, 1–2 s, 2–4 s apart: at most 5
    // attempts in 5 s; a retry storm would be hundreds.
    const reads = statusReads().filter((r) => r.method === 'GET');
    assert.ok(reads.length >= 4 && reads.length <= 12, `${reads.length} requests in ${Date.now() - started} ms`);
    await shot(page, 'error-unreachable');
  } finally {
    await context.close();
  }
});

test('changing request-id and token follows the new request and ignores the old one; removal stops everything', async () => {
  const alice = await phone('heidi');
  const bob = await phone('ivan');
  const a = await login(alice, 'heidi');
  const b = await login(bob, 'ivan');
  const { context, page, sockets, statusReads } = await openPage();
  try {
    await mount(page, { 'request-id': a.created.request_id, token: a.created.status_token });
    await waitState(page, 'pending');
    await page.evaluate(({ id, token }) => {
      const el = document.querySelector('assent-status');
      el.setAttribute('request-id', id);
      el.setAttribute('token', token);
    }, { id: b.created.request_id, token: b.created.status_token });
    await page.waitForFunction((code) => document.querySelector('assent-status').shadowRoot.getElementById('k').textContent === code
      && window.events.length === 2, b.created.binding_code);
    await page.waitForTimeout(300);
    assert.equal(sockets.length, 2);
    assert.ok(sockets[0].isClosed(), 'the first request\'s socket is closed');
    // The old request is decided: nothing changes.
    assert.equal((await alice.decide(a.created.request_id, { request: a.request, decision: 'approve', binding_code: a.created.binding_code })).status, 200);
    await sleep(1000);
    assert.equal((await view(page)).state, 'pending');
    assert.equal((await events(page)).length, 2);
    // The new one is: the widget shows it.
    assert.equal((await bob.decide(b.created.request_id, { request: b.request, decision: 'deny', reason: 'rejected' })).status, 200);
    await waitState(page, 'denied', 1000);
    assert.deepEqual(await events(page), [
      { type: 'assent-status', status: 'pending' },
      { type: 'assent-status', status: 'pending' },
      { type: 'assent-status', status: 'denied', reason: 'rejected' },
    ]);

    // Removing a pending widget closes its socket and stops its timers.
    const c = await login(alice, 'heidi');
    await page.evaluate(({ id, token }) => {
      const el = document.querySelector('assent-status');
      el.setAttribute('request-id', id);
      el.setAttribute('token', token);
    }, { id: c.created.request_id, token: c.created.status_token });
    await waitState(page, 'pending');
    await page.waitForTimeout(300);
    const live = sockets.at(-1);
    assert.ok(!live.isClosed());
    await page.evaluate(() => document.querySelector('assent-status').remove());
    await page.waitForTimeout(300);
    assert.ok(live.isClosed(), 'removal closes the socket');
    const before = statusReads().length;
    const socketsBefore = sockets.length;
    await sleep(3000);
    assert.equal(statusReads().length, before, 'no polling after removal');
    assert.equal(sockets.length, socketsBefore, 'no reconnection after removal');
  } finally {
    await context.close();
  }
});

test('polling fallback: with the WebSocket blocked by the page\'s CSP, the widget polls to the final state', async () => {
  const device = await phone('judy');
  const { created, request } = await login(device, 'judy');
  const { context, page, sockets, statusReads } = await openPage({ path: '/csp' });
  try {
    await mount(page, { 'request-id': created.request_id, token: created.status_token });
    await waitState(page, 'pending');
    await sleep(4500);
    const violations = await page.evaluate(() => window.violations);
    assert.ok(violations.some((u) => u.startsWith('ws://')), `CSP blocked the socket: ${JSON.stringify(violations)}`);
    assert.ok(sockets.every((ws) => ws.isClosed()), 'no socket ever opened');
    const polls = statusReads().filter((r) => r.method === 'GET').length;
    assert.ok(polls >= 3 && polls <= 5, `${polls} reads in ~4.5 s (one every 2 s)`);
    assert.equal((await device.decide(created.request_id, { request, decision: 'approve', binding_code: created.binding_code })).status, 200);
    await waitState(page, 'approved', 3000);
    const after = statusReads().length;
    await sleep(2500);
    assert.equal(statusReads().length, after, 'polling stops once final');
    assert.deepEqual(await events(page), [
      { type: 'assent-status', status: 'pending' },
      { type: 'assent-status', status: 'approved' },
    ]);
  } finally {
    await context.close();
  }
});

test("styled under a page CSP without 'unsafe-inline' styles (constructed style sheet)", async () => {
  const device = await phone('kim');
  const { created } = await login(device, 'kim');
  const { context, page } = await openPage({ path: '/strict-style' });
  try {
    await mount(page, { 'request-id': created.request_id, token: created.status_token });
    await waitState(page, 'pending');
    const look = await page.evaluate(() => {
      const r = document.querySelector('assent-status').shadowRoot;
      const size = (el) => { const b = el.getBoundingClientRect(); return [b.width, b.height]; };
      return {
        violations: window.violations,
        codeFontSize: getComputedStyle(r.querySelector('[part~="code"]')).fontSize,
        hiddenLabel: size(r.querySelector('.v')),
        liveRegion: size(r.querySelector('[aria-live]')),
      };
    });
    assert.ok(look.violations.includes('inline'), `the policy refused the page's own <style>: ${JSON.stringify(look.violations)}`);
    assert.equal(look.codeFontSize, '48px', 'the code is shown large (3rem)');
    assert.deepEqual(look.hiddenLabel, [1, 1], '"Code " stays visually hidden');
    assert.deepEqual(look.liveRegion, [1, 1], 'the live region stays visually hidden');
  } finally {
    await context.close();
  }
});

test('reconnection: the edge restarts mid-request (same port, same state); the widget shows the decision made after', async () => {
  const device = await phone('ken');
  const { created, request } = await login(device, 'ken');
  const { context, page, sockets } = await openPage();
  try {
    await mount(page, { 'request-id': created.request_id, token: created.status_token });
    await waitState(page, 'pending');
    const restarting = edge.restart({ downMs: 3000 });
    await sleep(2000);
    // Down: the widget keeps showing the request (the code is still valid), no error.
    assert.ok(sockets[0].isClosed(), 'the socket dropped with the edge');
    let v = await view(page);
    assert.equal(v.state, 'pending');
    assert.equal(v.code, created.binding_code);
    await restarting;
    assert.equal((await device.decide(created.request_id, { request, decision: 'approve', binding_code: created.binding_code })).status, 200);
    // Polling every 2 s while the socket is down, reconnection within 10 s: well within 12 s.
    await waitState(page, 'approved', 12_000);
    v = await view(page);
    assert.deepEqual(v.liveWrites, [PENDING_SENTENCE(created.binding_code), 'Approved on your phone.']);
    assert.deepEqual(await events(page), [
      { type: 'assent-status', status: 'pending' },
      { type: 'assent-status', status: 'approved' },
    ], 'no duplicate events from the re-reads');
    assert.ok(sockets.length >= 2, 'the widget reconnected (or was reconnecting)');
  } finally {
    await context.close();
  }
});

test('theming: custom properties and ::part reach the shadow DOM; readable defaults; reduced motion; axe', async () => {
  const device = await phone('lena');
  const { created } = await login(device, 'lena');
  const { context, page } = await openPage();
  try {
    await mount(page, { 'request-id': created.request_id, token: created.status_token });
    await waitState(page, 'pending');
    const style = () => page.evaluate(() => {
      const r = document.querySelector('assent-status').shadowRoot;
      const cs = (sel, pseudo) => getComputedStyle(r.querySelector(sel), pseudo);
      return {
        code: cs('[part="code"]').color, codeSize: cs('[part="code"]').fontSize,
        fg: cs('[part="root"]').color, bg: cs('[part="root"]').backgroundColor,
        radius: cs('[part="root"]').borderTopLeftRadius, message: cs('[part="message"]').color,
        countdown: cs('[part="countdown"]').color, pulse: cs('[part="status"]', '::before').animationName,
      };
    });
    const defaults = await style();
    // WCAG 2 contrast of the default colours on the default background.
    const rgb = (c) => {
      const n = c.match(/\d*\.?\d+/g).slice(0, 3).map(Number);
      return c.startsWith('color(') ? n.map((v) => v * 255) : n; // color-mix() computes to color(srgb r g b)
    };
    const lum = (c) => {
      const [r, g, b] = rgb(c).map((v) => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    for (const k of ['code', 'fg', 'message', 'countdown']) {
      assert.ok(contrast(defaults[k], defaults.bg) >= 4.5, `${k} ${defaults[k]} on ${defaults.bg}: ${contrast(defaults[k], defaults.bg).toFixed(2)}`);
    }
    assert.equal(defaults.pulse, 'b', 'the pending dot pulses');

    await page.addStyleTag({ content: `
      assent-status { --assent-accent: rgb(200, 0, 100); --assent-bg: rgb(20, 20, 30); --assent-fg: rgb(240, 240, 240); --assent-radius: 3px; }
      assent-status::part(code) { font-size: 40px; }` });
    const themed = await style();
    assert.equal(themed.code, 'rgb(200, 0, 100)');
    assert.equal(themed.bg, 'rgb(20, 20, 30)');
    assert.equal(themed.fg, 'rgb(240, 240, 240)');
    assert.equal(themed.radius, '3px');
    assert.equal(themed.codeSize, '40px');
    assert.ok(contrast(themed.countdown, themed.bg) >= 4.5, 'the countdown follows the foreground colour');
    await shot(page, 'themed');

    // Accessibility rules (axe-core, shadow DOM included) on the default look.
    await page.evaluate(() => document.querySelectorAll('style').forEach((s, i) => { if (i > 0) s.remove(); }));
    await page.addScriptTag({ path: join(root, 'node_modules/axe-core/axe.min.js') });
    const axe = await page.evaluate(async () => (await window.axe.run(document.querySelector('assent-status'), {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] },
      rules: { region: { enabled: false } },
    })).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
    assert.deepEqual(axe, []);
  } finally {
    await context.close();
  }
  const reduced = await openPage({ reducedMotion: 'reduce' });
  try {
    const { created: c2 } = await login(device, 'lena');
    await mount(reduced.page, { 'request-id': c2.request_id, token: c2.status_token });
    await waitState(reduced.page, 'pending');
    const pulse = await reduced.page.evaluate(() => getComputedStyle(
      document.querySelector('assent-status').shadowRoot.querySelector('[part="status"]'), '::before').animationName);
    assert.equal(pulse, 'none', 'no animation with prefers-reduced-motion');
  } finally {
    await reduced.context.close();
  }
});
