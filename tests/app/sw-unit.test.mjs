// Unit tests of the service worker (app/public/sw.js) outside a browser: the script runs in a
// node:vm context whose globals are small fakes of the service worker's (event listeners,
// caches, clients, registration, fetch, IndexedDB), with Node's own WebCrypto. The sealed
// push re-registration is opened by an independent implementation of SPEC §3 on the edge's
// side (node:crypto's OpenSSL ECDH, HKDF and AES-256-GCM, not WebCrypto).
//
//   node_modules/.bin/node --test tests/app/sw-unit.test.mjs
import assert from 'node:assert/strict';
import { createDecipheriv, createECDH, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import vm from 'node:vm';

const root = resolve(import.meta.dirname, '../..');
const SOURCE = readFileSync(resolve(root, 'app/public/sw.js'), 'utf8');
const ORIGIN = 'https://assent.test';
const SHELL = ['/', '/index.html', '/assent-app.js', '/assent-app_bg.wasm', '/app.css', '/manifest.webmanifest', '/icons/icon-192.png'];
const { subtle } = globalThis.crypto;

// ---------------------------------------------------------------------------------------
// Fakes

/** The subset of IndexedDB the worker uses, with asynchronous callbacks as in a browser. */
function fakeIndexedDB(records) {
  const later = (fn) => setTimeout(fn, 0);
  const clone = (v) => (v && typeof v === 'object' ? { ...v } : v);
  const stores = new Map(); // name → { keyPath, rows: Map }
  let version = 0;
  if (records) {
    version = 1;
    stores.set('accounts', { keyPath: 'device_id', rows: new Map(records.map((r) => [r.device_id, clone(r)])) });
  }
  const log = { opens: [], created: [], closed: 0 };

  function transaction(name, mode = 'readonly') {
    const store = stores.get(name);
    if (!store) throw new Error(`NotFoundError: ${name}`);
    const tx = { error: null, oncomplete: null, onerror: null, onabort: null };
    let pending = 0;
    let done = false;
    const settle = () => later(() => {
      if (pending === 0 && !done) { done = true; tx.oncomplete?.(); }
    });
    const request = (op) => {
      if (done) throw new Error('TransactionInactiveError');
      pending += 1;
      const req = { result: undefined, error: null, onsuccess: null, onerror: null };
      later(() => { req.result = op(); pending -= 1; req.onsuccess?.(); settle(); });
      return req;
    };
    tx.objectStore = (storeName) => {
      assert.equal(storeName, name);
      return {
        getAll: () => request(() => [...store.rows.values()].map(clone)),
        get: (key) => request(() => clone(store.rows.get(key))),
        put: (value) => {
          if (mode !== 'readwrite') throw new Error('ReadOnlyError');
          return request(() => { store.rows.set(value[store.keyPath], clone(value)); return value[store.keyPath]; });
        },
      };
    };
    settle();
    return tx;
  }

  const db = {
    objectStoreNames: { contains: (name) => stores.has(name) },
    createObjectStore: (name, { keyPath }) => {
      log.created.push({ name, keyPath });
      stores.set(name, { keyPath, rows: new Map() });
    },
    transaction,
    close: () => { log.closed += 1; },
  };

  return {
    log,
    rows: (name = 'accounts') => [...(stores.get(name)?.rows.values() ?? [])],
    indexedDB: {
      open(name, v) {
        log.opens.push({ name, version: v });
        const req = { result: undefined, error: null };
        later(() => {
          if (v < version) { req.error = new Error('VersionError'); req.onerror?.(); return; }
          req.result = db;
          if (v > version) { version = v; req.onupgradeneeded?.(); }
          req.onsuccess?.();
        });
        return req;
      },
    },
  };
}

function fakeCaches() {
  const named = new Map();
  const key = (r) => (typeof r === 'string' ? r : r.url);
  const open = async (name) => {
    if (!named.has(name)) {
      const entries = new Map();
      named.set(name, {
        entries,
        match: async (r) => entries.get(key(r))?.clone(),
        put: async (r, response) => { entries.set(key(r), response); },
      });
    }
    return named.get(name);
  };
  return {
    named,
    caches: {
      open,
      keys: async () => [...named.keys()],
      delete: async (name) => named.delete(name),
    },
  };
}

function fakeWindow(url, { focused = false, navigateFails = false } = {}) {
  const calls = [];
  return {
    url,
    focused,
    calls,
    focus: async () => { calls.push(['focus']); },
    navigate: async (to) => {
      calls.push(['navigate', to]);
      if (navigateFails) throw new TypeError('not controlled');
    },
    // Structured clones, as the browser makes (it also brings the vm realm's objects home).
    postMessage: (message) => { calls.push(['postMessage', structuredClone(message)]); },
  };
}

/**
 * Loads a fresh copy of sw.js with the build placeholders replaced (as scripts/build-app.sh
 * does) and the given fakes. Returns the captured handlers and what the worker did.
 */
function loadWorker({ records, windows = [], fetch: fetchImpl, subscribe, showNotification, timers, now } = {}) {
  const db = fakeIndexedDB(records);
  const { caches, named } = fakeCaches();
  const handlers = new Map();
  const seen = { notifications: [], opened: [], fetches: [], claimed: 0, skipped: 0, subscribes: [], warnings: [], matchAll: [] };
  const sandbox = {
    location: new URL(`${ORIGIN}/sw.js`),
    addEventListener: (type, fn) => {
      assert.ok(!handlers.has(type), `one ${type} handler`);
      handlers.set(type, fn);
    },
    skipWaiting: async () => { seen.skipped += 1; },
    registration: {
      scope: `${ORIGIN}/`,
      showNotification: async (title, options) => {
        seen.notifications.push({ title, options: structuredClone(options) });
        if (showNotification) await showNotification(title, options);
      },
      pushManager: {
        subscribe: (options) => {
          seen.subscribes.push(options);
          return subscribe ? subscribe(options) : Promise.reject(new Error('no subscribe'));
        },
      },
    },
    clients: {
      matchAll: async (options) => { seen.matchAll.push(options); return windows; },
      openWindow: async (url) => { seen.opened.push(url); return null; },
      claim: async () => { seen.claimed += 1; },
    },
    caches,
    fetch: async (input, init) => {
      seen.fetches.push({ input, init });
      if (!fetchImpl) throw new TypeError('Failed to fetch');
      return fetchImpl(input, init);
    },
    indexedDB: db.indexedDB,
    crypto: globalThis.crypto,
    console: { ...console, warn: (...args) => { seen.warnings.push(args.map(String).join(' ')); } },
    setTimeout: timers?.setTimeout ?? setTimeout,
    clearTimeout: timers?.clearTimeout ?? clearTimeout,
    TextEncoder,
    TextDecoder,
    URL,
    Response,
    Request,
    atob,
    btoa,
  };
  // A clock the test sets (Date.now() only; the worker makes no other use of Date).
  if (now) sandbox.Date = class extends Date { static now() { return now(); } };
  sandbox.self = sandbox;
  const code = SOURCE.replaceAll('__ASSENT_BUILD__', 'test').replaceAll('__ASSENT_SHELL__', JSON.stringify(SHELL));
  vm.runInContext(code, vm.createContext(sandbox), { filename: 'sw.js' });
  return { handlers, seen, db, named };
}

/** Dispatches an extendable event; resolves when every waitUntil promise has (never rejects). */
async function dispatch(worker, type, fields = {}) {
  const promises = [];
  const event = { ...fields, waitUntil: (p) => promises.push(p) };
  const handler = worker.handlers.get(type);
  assert.ok(handler, `a ${type} handler`);
  handler(event); // a throw here fails the test: handlers must not throw
  assert.ok(promises.length > 0, `${type}: event.waitUntil was used`);
  await Promise.all(promises); // a rejection fails the test too
  return event;
}

/** A fetch event; returns the promise given to respondWith, or null when left alone. */
function fetchEvent(worker, { url, method = 'GET', mode = 'cors' }) {
  let responded = null;
  worker.handlers.get('fetch')({
    request: { url, method, mode },
    respondWith: (p) => { assert.equal(responded, null, 'respondWith once'); responded = Promise.resolve(p); },
  });
  return responded;
}

const pushData = (value) => ({ text: () => (typeof value === 'string' ? value : JSON.stringify(value)) });

// ---------------------------------------------------------------------------------------
// Placeholders

test('each build placeholder appears exactly once, where the build replaces it', () => {
  assert.equal(SOURCE.split('__ASSENT_BUILD__').length, 2);
  assert.equal(SOURCE.split('__ASSENT_SHELL__').length, 2);
  assert.match(SOURCE, /const BUILD = "__ASSENT_BUILD__";/);
  assert.match(SOURCE, /const SHELL = __ASSENT_SHELL__;/);
});

// ---------------------------------------------------------------------------------------
// Push (SPEC §6)

const SPEC_PUSH = {
  web_push: 8030,
  notification: {
    title: 'Sign-in request', body: 'Example Bank',
    navigate: `${ORIGIN}/#/requests/dev_A/req_1`, tag: 'req_1',
  },
  assent: { v: 1, device_id: 'dev_A', request_id: 'req_1', kind: 'login', expires_at: 1_900_000_000 },
};

test('a SPEC §6 push shows its notification and tells the open windows', async () => {
  const win = fakeWindow(`${ORIGIN}/#/`);
  const worker = loadWorker({ windows: [win] });
  await dispatch(worker, 'push', { data: pushData(SPEC_PUSH) });
  assert.deepEqual(worker.seen.notifications, [{
    title: 'Sign-in request',
    options: {
      body: 'Example Bank', tag: 'req_1', requireInteraction: true,
      data: { navigate: `${ORIGIN}/#/requests/dev_A/req_1` },
    },
  }]);
  assert.deepEqual(win.calls, [['postMessage', { type: 'assent-push', request_id: 'req_1', device_id: 'dev_A' }]]);
});

test('a relative navigate is made absolute on this origin', async () => {
  const worker = loadWorker();
  const payload = structuredClone(SPEC_PUSH);
  payload.notification.navigate = '/#/requests/dev_A/req_2';
  await dispatch(worker, 'push', { data: pushData(payload) });
  assert.equal(worker.seen.notifications[0].options.data.navigate, `${ORIGIN}/#/requests/dev_A/req_2`);
});

test('a navigate to another origin is replaced by the accounts list', async () => {
  const worker = loadWorker();
  const payload = structuredClone(SPEC_PUSH);
  payload.notification.navigate = 'https://evil.example/#/requests/dev_A/req_1';
  await dispatch(worker, 'push', { data: pushData(payload) });
  assert.equal(worker.seen.notifications[0].title, 'Sign-in request');
  assert.equal(worker.seen.notifications[0].options.data.navigate, `${ORIGIN}/#/`);
});

test('every unreadable push still shows a generic notification', async () => {
  const garbage = [
    null, // a push without payload
    pushData('not json {'),
    pushData('[1,2,3]'),
    pushData({ web_push: 8030 }),
    pushData({ notification: { title: 42, body: ['x'], tag: {}, navigate: 7 } }),
    { text: () => { throw new Error('undecodable'); } },
  ];
  for (const data of garbage) {
    const win = fakeWindow(`${ORIGIN}/#/`);
    const worker = loadWorker({ windows: [win] });
    await dispatch(worker, 'push', { data });
    assert.equal(worker.seen.notifications.length, 1, `one notification for ${data?.text}`);
    const { title, options } = worker.seen.notifications[0];
    assert.equal(title, 'Assent: new request');
    assert.equal(options.body, 'Open Assent to review it.');
    assert.equal(options.requireInteraction, true);
    assert.equal(options.tag, undefined);
    assert.deepEqual(options.data, { navigate: `${ORIGIN}/#/` });
    assert.deepEqual(win.calls, [], 'no assent-push message without ids');
  }
});

test('a failing showNotification does not make the push handler reject', async () => {
  const worker = loadWorker({ showNotification: async () => { throw new TypeError('no permission'); } });
  await dispatch(worker, 'push', { data: pushData(SPEC_PUSH) });
  assert.equal(worker.seen.notifications.length, 1);
  assert.ok(worker.seen.warnings.some((w) => w.includes('showNotification')));
});

// ---------------------------------------------------------------------------------------
// Notification click

function clickEvent(navigate) {
  const notification = { closed: 0, data: { navigate }, close() { this.closed += 1; } };
  return { notification };
}

test('a click focuses an open app window and navigates it to the request', async () => {
  const other = fakeWindow(`${ORIGIN}/#/accounts`);
  const focused = fakeWindow(`${ORIGIN}/#/inbox/dev_B`, { focused: true });
  const worker = loadWorker({ windows: [other, focused] });
  const event = await dispatch(worker, 'notificationclick', clickEvent(`${ORIGIN}/#/requests/dev_A/req_1`));
  assert.equal(event.notification.closed, 1);
  assert.deepEqual(focused.calls, [['focus'], ['navigate', `${ORIGIN}/#/requests/dev_A/req_1`]]);
  assert.deepEqual(other.calls, []);
  assert.deepEqual(worker.seen.opened, []);
  assert.equal(worker.seen.matchAll[0].type, 'window');
});

test('a window the worker cannot navigate is told by message instead', async () => {
  const win = fakeWindow(`${ORIGIN}/#/`, { navigateFails: true });
  const worker = loadWorker({ windows: [win] });
  await dispatch(worker, 'notificationclick', clickEvent(`${ORIGIN}/#/requests/dev_A/req_1`));
  assert.deepEqual(win.calls, [
    ['focus'],
    ['navigate', `${ORIGIN}/#/requests/dev_A/req_1`],
    ['postMessage', { type: 'assent-open', url: `${ORIGIN}/#/requests/dev_A/req_1` }],
  ]);
  assert.deepEqual(worker.seen.opened, []);
});

test('without an open window a click opens one at the request', async () => {
  const worker = loadWorker({ windows: [] });
  const event = await dispatch(worker, 'notificationclick', clickEvent(`${ORIGIN}/#/requests/dev_A/req_1`));
  assert.equal(event.notification.closed, 1);
  assert.deepEqual(worker.seen.opened, [`${ORIGIN}/#/requests/dev_A/req_1`]);
});

test('a click never opens another origin', async () => {
  const worker = loadWorker({ windows: [] });
  await dispatch(worker, 'notificationclick', clickEvent('https://evil.example/'));
  assert.deepEqual(worker.seen.opened, [`${ORIGIN}/#/`]);
});

// ---------------------------------------------------------------------------------------
// Push subscription change (SPEC §7, sealed per SPEC §3)

const enc = new TextEncoder();

/** The edge's side of SPEC §3 with node:crypto (OpenSSL), independent of the worker's WebCrypto. */
function edgeOpen(edge, devicePublicRaw, deviceId, purpose, sealed) {
  assert.match(sealed, /^[A-Za-z0-9_-]+$/, 'unpadded base64url');
  const bytes = Buffer.from(sealed, 'base64url');
  assert.equal(bytes.toString('base64url'), sealed, 'canonical base64url');
  const x = edge.computeSecret(devicePublicRaw); // the shared point's x-coordinate, 32 bytes
  const key = Buffer.from(hkdfSync('sha256', x, Buffer.from(deviceId, 'utf8'), Buffer.from('assent/v1 payload key'), 32));
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(`assent/v1/${purpose}|${deviceId}`, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  const plaintext = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
  return JSON.parse(plaintext.toString('utf8'));
}

async function deviceKeys() {
  // As the app stores it: a non-extractable private key usable only for deriveBits.
  const pair = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  assert.equal(pair.privateKey.extractable, false);
  const publicRaw = Buffer.from(await subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicRaw };
}

async function accountsFixture() {
  const edge = createECDH('prime256v1');
  edge.generateKeys();
  const vapid = createECDH('prime256v1');
  vapid.generateKeys();
  const mk = async (deviceId, pushSeq, pushSubscription) => {
    const keys = await deviceKeys();
    return {
      keys,
      record: {
        device_id: deviceId, rp_id: 'bank.example', rp_name: 'Example Bank', user_name: 'alice',
        display_name: 'Alice', mode: 'gateway', credential_id: 'Y3JlZA',
        channel_private_key: keys.privateKey,
        channel_public_key: keys.publicRaw.toString('base64url'),
        edge_channel_public_key: edge.getPublicKey().toString('base64url'),
        vapid_public_key: vapid.getPublicKey().toString('base64url'),
        push_seq: pushSeq,
        push_subscription: pushSubscription,
        created_at: 1_800_000_000,
      },
    };
  };
  const a = await mk('dev_A', 1, JSON.stringify({ endpoint: 'https://push.example/old-a', expirationTime: null, keys: { p256dh: 'x', auth: 'y' } }));
  const b = await mk('dev_B', 7, null);
  return { edge, vapid, accounts: [a, b] };
}

const NEW_SUB_JSON = {
  endpoint: 'https://push.example/new-endpoint', expirationTime: null,
  keys: { p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM', auth: 'tBHItJI5svbpez7KI4CCXg' },
};
const newSubscription = () => ({ endpoint: NEW_SUB_JSON.endpoint, toJSON: () => structuredClone(NEW_SUB_JSON) });
// NEW_SUB_JSON as the app records it (serde_json::Value::to_string: keys sorted), written out
// by hand rather than by the worker's own canonical form.
const NEW_SUB_APP_TEXT = '{"endpoint":"https://push.example/new-endpoint","expirationTime":null,'
  + `"keys":{"auth":"${NEW_SUB_JSON.keys.auth}","p256dh":"${NEW_SUB_JSON.keys.p256dh}"}}`;
// The device's clock in the re-registration tests: every seq is at least this (SPEC §7 seq
// strictly increasing even when a stored one was lost).
const NOW = 1_900_000_000_000;
const clock = () => NOW;
/** The seq of the push re-registration sealed in fetch `i`'s body. */
const sentSeq = (worker, edge, account, i) =>
  edgeOpen(edge, account.keys.publicRaw, account.record.device_id, 'push', JSON.parse(worker.seen.fetches[i].init.body).sealed).seq;

test('a subscription change re-registers every account with a sealed, increasing seq', async () => {
  const { edge, accounts } = await accountsFixture();
  const worker = loadWorker({
    records: accounts.map((a) => a.record),
    fetch: async () => new Response(null, { status: 204 }),
    now: clock,
  });
  await dispatch(worker, 'pushsubscriptionchange', { newSubscription: newSubscription(), oldSubscription: null });

  const puts = worker.seen.fetches;
  assert.equal(puts.length, 2);
  const nonces = new Set();
  for (const [i, { keys, record }] of accounts.entries()) {
    const { input, init } = puts[i];
    assert.equal(input, `${ORIGIN}/v1/device/${record.device_id}/push`);
    assert.equal(init.method, 'PUT');
    assert.equal(init.headers['content-type'], 'application/json');
    const body = JSON.parse(init.body);
    assert.deepEqual(Object.keys(body), ['sealed']);
    const opened = edgeOpen(edge, keys.publicRaw, record.device_id, 'push', body.sealed);
    // The clock is above both stored seqs (1 and 7), so it is the seq.
    assert.deepEqual(opened, { subscription: NEW_SUB_JSON, seq: NOW });
    // The seal is bound to its purpose and its device (the AAD), so it opens as nothing else.
    assert.throws(() => edgeOpen(edge, keys.publicRaw, record.device_id, 'inbox', body.sealed));
    const other = accounts[1 - i];
    assert.throws(() => edgeOpen(edge, other.keys.publicRaw, other.record.device_id, 'push', body.sealed));
    nonces.add(Buffer.from(body.sealed, 'base64url').subarray(0, 12).toString('hex'));
  }
  assert.equal(nonces.size, 2, 'a fresh nonce per seal');

  const rows = new Map(worker.db.rows().map((r) => [r.device_id, r]));
  for (const { record } of accounts) {
    const row = rows.get(record.device_id);
    assert.equal(row.push_seq, NOW);
    assert.equal(row.push_subscription, NEW_SUB_APP_TEXT, 'recorded as the app records it');
    assert.equal(row.channel_private_key, record.channel_private_key, 'the rest of the record is kept');
    assert.equal(row.user_name, record.user_name);
  }
  assert.deepEqual(worker.db.log.opens, [{ name: 'assent', version: 1 }]);
  assert.equal(worker.db.log.closed, 1);
});

test('a refused re-registration keeps that account\'s subscription (its seq stays used) and the others go on', async () => {
  const { edge, accounts } = await accountsFixture();
  const worker = loadWorker({
    records: accounts.map((a) => a.record),
    fetch: async (url) => new Response('{"error":"conflict"}', { status: url.includes('dev_A') ? 409 : 200 }),
    now: clock,
  });
  await dispatch(worker, 'pushsubscriptionchange', { newSubscription: newSubscription() });
  assert.equal(worker.seen.fetches.length, 2);
  const rows = new Map(worker.db.rows().map((r) => [r.device_id, r]));
  assert.equal(sentSeq(worker, edge, accounts[0], 0), NOW);
  assert.equal(rows.get('dev_A').push_seq, NOW, 'the seq was stored before it was sent');
  assert.equal(rows.get('dev_A').push_subscription, accounts[0].record.push_subscription);
  assert.equal(rows.get('dev_B').push_seq, NOW);
  assert.equal(rows.get('dev_B').push_subscription, NEW_SUB_APP_TEXT);
  assert.equal(sentSeq(worker, edge, accounts[1], 1), NOW);
  assert.ok(worker.seen.warnings.some((w) => w.includes('dev_A') && w.includes('409')));
});

test('a network failure for one account does not stop the others', async () => {
  const { edge, accounts } = await accountsFixture();
  const worker = loadWorker({
    records: accounts.map((a) => a.record),
    fetch: async (url) => {
      if (url.includes('dev_A')) throw new TypeError('Failed to fetch');
      return new Response(null, { status: 204 });
    },
    now: clock,
  });
  await dispatch(worker, 'pushsubscriptionchange', { newSubscription: newSubscription() });
  const rows = new Map(worker.db.rows().map((r) => [r.device_id, r]));
  assert.equal(sentSeq(worker, edge, accounts[0], 0), NOW);
  assert.equal(rows.get('dev_A').push_seq, NOW, 'the seq that may have reached the edge is used up');
  assert.equal(rows.get('dev_A').push_subscription, accounts[0].record.push_subscription, 'not recorded as registered');
  assert.equal(rows.get('dev_B').push_seq, NOW);
});

test('after a lost answer the next re-registration sends a greater seq, even with the clock standing still', async () => {
  const { edge, accounts } = await accountsFixture();
  let lose = true;
  // The edge accepts, but its answer never arrives the first time.
  const worker = loadWorker({
    records: accounts.map((a) => a.record),
    fetch: async () => {
      if (lose) throw new TypeError('Failed to fetch');
      return new Response(null, { status: 204 });
    },
    now: clock,
  });
  await dispatch(worker, 'pushsubscriptionchange', { newSubscription: newSubscription() });
  assert.deepEqual([0, 1].map((i) => sentSeq(worker, edge, accounts[i], i)), [NOW, NOW]);
  lose = false;
  await dispatch(worker, 'pushsubscriptionchange', { newSubscription: newSubscription() });
  assert.equal(worker.seen.fetches.length, 4);
  assert.deepEqual([0, 1].map((i) => sentSeq(worker, edge, accounts[i], i + 2)), [NOW + 1, NOW + 1]);
  const rows = new Map(worker.db.rows().map((r) => [r.device_id, r]));
  for (const id of ['dev_A', 'dev_B']) {
    assert.equal(rows.get(id).push_seq, NOW + 1);
    assert.equal(rows.get(id).push_subscription, NEW_SUB_APP_TEXT);
  }
});

test('a stored seq above the clock still grows by one', async () => {
  const { edge, accounts } = await accountsFixture();
  const worker = loadWorker({
    records: accounts.map((a) => a.record),
    fetch: async () => new Response(null, { status: 204 }),
    now: () => 5, // a clock far behind (set back, or broken): dev_B's stored seq is 7
  });
  await dispatch(worker, 'pushsubscriptionchange', { newSubscription: newSubscription() });
  assert.deepEqual([0, 1].map((i) => sentSeq(worker, edge, accounts[i], i)), [5, 8]);
  const rows = new Map(worker.db.rows().map((r) => [r.device_id, r]));
  assert.equal(rows.get('dev_A').push_seq, 5);
  assert.equal(rows.get('dev_B').push_seq, 8);
});

for (const [spelling, text] of [
  ['as earlier workers spelt it', () => JSON.stringify(NEW_SUB_JSON)],
  ["as the app spells it: keys sorted", () => NEW_SUB_APP_TEXT],
]) {
  test(`an account already registered with the new subscription (${spelling}) is not sent again`, async () => {
    const { accounts } = await accountsFixture();
    accounts[0].record.push_subscription = text();
    const worker = loadWorker({
      records: accounts.map((a) => a.record),
      fetch: async () => new Response(null, { status: 204 }),
    });
    await dispatch(worker, 'pushsubscriptionchange', { newSubscription: newSubscription() });
    assert.deepEqual(worker.seen.fetches.map((f) => f.input), [`${ORIGIN}/v1/device/dev_B/push`]);
    const rows = new Map(worker.db.rows().map((r) => [r.device_id, r]));
    assert.equal(rows.get('dev_A').push_seq, 1);
    assert.equal(rows.get('dev_A').push_subscription, text(), 'its record is left as it was');
  });
}

test('without a new subscription the worker subscribes with the VAPID key itself', async () => {
  const { edge, vapid, accounts } = await accountsFixture();
  const worker = loadWorker({
    records: accounts.map((a) => a.record),
    subscribe: async () => newSubscription(),
    fetch: async () => new Response(null, { status: 204 }),
    now: clock,
  });
  await dispatch(worker, 'pushsubscriptionchange', { newSubscription: null, oldSubscription: null });
  assert.equal(worker.seen.subscribes.length, 1);
  const options = worker.seen.subscribes[0];
  assert.equal(options.userVisibleOnly, true);
  assert.deepEqual(Buffer.from(options.applicationServerKey), vapid.getPublicKey());
  const body = JSON.parse(worker.seen.fetches[0].init.body);
  assert.deepEqual(edgeOpen(edge, accounts[0].keys.publicRaw, 'dev_A', 'push', body.sealed),
    { subscription: NEW_SUB_JSON, seq: NOW });
});

test('a subscribe that never answers is abandoned after 10 s', async () => {
  const { accounts } = await accountsFixture();
  const asked = [];
  // Time runs fast here: the worker's timer fires at once, but the delay it asked is kept.
  const timers = {
    setTimeout: (fn, ms) => { asked.push(ms); return setTimeout(fn, 0); },
    clearTimeout,
  };
  const worker = loadWorker({
    records: accounts.map((a) => a.record),
    subscribe: () => new Promise(() => {}),
    fetch: async () => new Response(null, { status: 204 }),
    timers,
  });
  await dispatch(worker, 'pushsubscriptionchange', { newSubscription: null });
  assert.deepEqual(asked, [10_000]);
  assert.deepEqual(worker.seen.fetches, []);
  assert.equal(worker.db.rows()[0].push_seq, 1);
});

test('with no database yet the worker creates the store and sends nothing', async () => {
  const worker = loadWorker({ records: null, fetch: async () => new Response(null, { status: 204 }) });
  await dispatch(worker, 'pushsubscriptionchange', { newSubscription: newSubscription() });
  assert.deepEqual(worker.db.log.opens, [{ name: 'assent', version: 1 }]);
  assert.deepEqual(worker.db.log.created, [{ name: 'accounts', keyPath: 'device_id' }]);
  assert.deepEqual(worker.seen.fetches, []);
  assert.deepEqual(worker.seen.subscribes, []);
});

test('an account whose keys are unusable is skipped with a warning', async () => {
  const { accounts } = await accountsFixture();
  accounts[0].record.edge_channel_public_key = 'not*base64';
  const worker = loadWorker({
    records: accounts.map((a) => a.record),
    fetch: async () => new Response(null, { status: 204 }),
  });
  await dispatch(worker, 'pushsubscriptionchange', { newSubscription: newSubscription() });
  assert.deepEqual(worker.seen.fetches.map((f) => f.input), [`${ORIGIN}/v1/device/dev_B/push`]);
  assert.ok(worker.seen.warnings.some((w) => w.includes('dev_A')));
});

// ---------------------------------------------------------------------------------------
// Shell cache and fetch

const shellServer = (missing = new Set()) => async (url) => {
  const path = new URL(url).pathname;
  return missing.has(path) ? new Response('gone', { status: 404 }) : new Response(`network:${path}`, { status: 200 });
};

test('install caches the shell under this build, even when a file is missing', async () => {
  const worker = loadWorker({ fetch: shellServer(new Set(['/app.css'])) });
  await dispatch(worker, 'install');
  assert.deepEqual([...worker.named.keys()], ['assent-shell-test']);
  const cached = [...worker.named.get('assent-shell-test').entries.keys()].sort();
  const expected = SHELL.filter((p) => p !== '/app.css').map((p) => `${ORIGIN}${p}`).sort();
  assert.deepEqual(cached, expected);
  assert.ok(worker.seen.fetches.every((f) => f.init?.cache === 'reload'), 'bypasses the HTTP cache');
  assert.equal(worker.seen.skipped, 1);
});

test('activate deletes the other builds\' shell caches only, then claims the clients', async () => {
  const worker = loadWorker();
  for (const name of ['assent-shell-old', 'assent-shell-test', 'someone-else']) await worker.named.set(name, {});
  await dispatch(worker, 'activate');
  assert.deepEqual([...worker.named.keys()].sort(), ['assent-shell-test', 'someone-else']);
  assert.equal(worker.seen.claimed, 1);
});

test('the API, the widget, the demo, other methods and other origins are left to the network', () => {
  const worker = loadWorker();
  const untouched = [
    { url: `${ORIGIN}/v1/device/dev_A/push` },
    { url: `${ORIGIN}/v1/device/dev_A/requests/req_1`, mode: 'navigate' },
    { url: `${ORIGIN}/.well-known/jwks.json` },
    { url: `${ORIGIN}/healthz` },
    { url: `${ORIGIN}/widget.js` },
    { url: `${ORIGIN}/demo/`, mode: 'navigate' },
    { url: `${ORIGIN}/index.html`, method: 'POST' },
    { url: `${ORIGIN}/assent-app.js`, method: 'HEAD' },
    { url: 'https://cdn.example/assent-app.js' },
    { url: `${ORIGIN}/not-in-the-shell.txt` },
  ];
  for (const request of untouched) {
    assert.equal(fetchEvent(worker, request), null, `${request.method ?? 'GET'} ${request.url}`);
  }
});

test('shell files come from the cache first', async () => {
  let online = true;
  const worker = loadWorker({
    fetch: async (url) => {
      if (!online) throw new TypeError('Failed to fetch');
      return shellServer()(typeof url === 'string' ? url : url.url);
    },
  });
  await dispatch(worker, 'install');
  await worker.named.get('assent-shell-test').put(`${ORIGIN}/assent-app.js`, new Response('cached:js'));
  const before = worker.seen.fetches.length;
  const response = await fetchEvent(worker, { url: `${ORIGIN}/assent-app.js`, mode: 'no-cors' });
  assert.equal(await response.text(), 'cached:js');
  assert.equal(worker.seen.fetches.length, before, 'no network for a cached shell file');
  online = false;
  const wasm = await fetchEvent(worker, { url: `${ORIGIN}/assent-app_bg.wasm` });
  assert.equal(await wasm.text(), 'network:/assent-app_bg.wasm', 'cached at install, served offline');
});

test('navigations go to the network first and fall back to the cached shell offline', async () => {
  let online = true;
  const worker = loadWorker({
    fetch: async (input) => {
      if (!online) throw new TypeError('Failed to fetch');
      const url = typeof input === 'string' ? input : input.url;
      return online === 'fresh' ? new Response('fresh page') : shellServer()(url);
    },
  });
  await dispatch(worker, 'install');
  online = 'fresh';
  const page = await fetchEvent(worker, { url: `${ORIGIN}/`, mode: 'navigate' });
  assert.equal(await page.text(), 'fresh page');
  online = false;
  const offline = await fetchEvent(worker, { url: `${ORIGIN}/some/deep/link`, mode: 'navigate' });
  assert.equal(await offline.text(), 'network:/');
});

test('a redirected shell response is cached as a plain copy a navigation accepts', async () => {
  // wrangler dev and Cloudflare answer /index.html with a redirect to /: Chromium refuses a
  // cached `redirected` response for a navigation, so the app would not open offline.
  let online = true;
  const worker = loadWorker({
    fetch: async (input) => {
      if (!online) throw new TypeError('Failed to fetch');
      const url = typeof input === 'string' ? input : input.url;
      const response = new Response(`body of ${new URL(url, ORIGIN).pathname}`, { headers: { 'Content-Type': 'text/html' } });
      Object.defineProperty(response, 'redirected', { value: true });
      return response;
    },
  });
  await dispatch(worker, 'install');
  online = false;
  const offline = await fetchEvent(worker, { url: `${ORIGIN}/#/accounts`, mode: 'navigate' });
  assert.equal(offline.redirected, false);
  assert.equal(offline.status, 200);
  assert.equal(offline.headers.get('Content-Type'), 'text/html');
  assert.equal(await offline.text(), 'body of /');
});

test('offline with nothing cached, a navigation is a network error, not an exception', async () => {
  const worker = loadWorker();
  const response = await fetchEvent(worker, { url: `${ORIGIN}/`, mode: 'navigate' });
  assert.equal(response.type, 'error');
});
