// Assent service worker (classic script, scope "/"), doing the PWA contract's "Service
// worker duties": keep the app shell for offline starts, turn every push into a
// notification (SPEC §6), bring the app to the request when the notification is clicked,
// and re-register the push subscription of every account when the browser replaces it
// (SPEC §7). Every handler catches its own errors and logs them with console.warn: an
// exception escaping the push handler would lose the notification, and one escaping
// install would leave the device without a worker, hence without pushes.
'use strict';

// Both constants are written by scripts/build-app.sh: the content hash of the build and the
// URLs of the app shell.
const BUILD = "__ASSENT_BUILD__";
const SHELL = __ASSENT_SHELL__;

const CACHE_PREFIX = 'assent-shell-';
const CACHE = CACHE_PREFIX + BUILD;
const GENERIC_TITLE = 'Assent: new request';
const GENERIC_BODY = 'Open Assent to review it.';
const HOME = '/#/';
const SUBSCRIBE_TIMEOUT_MS = 10000;
const DB_NAME = 'assent';
const DB_VERSION = 1;
const STORE = 'accounts';

const enc = new TextEncoder();
const warn = (what, err) => console.warn(`assent sw: ${what}:`, err);

const origin = self.location.origin;
const absolute = (path) => new URL(path, self.location.href).href;
const SHELL_URLS = new Set((Array.isArray(SHELL) ? SHELL : []).map(absolute));

// ---------------------------------------------------------------------------------------
// Shell cache

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    try {
      const cache = await caches.open(CACHE);
      // File by file rather than cache.addAll: one missing file must not stop the worker
      // from installing, since without a worker the device gets no notifications. A file
      // missed here is fetched (and cached) on first use.
      await Promise.all([...SHELL_URLS].map(async (url) => {
        try {
          // "reload": the previous build's copy may still sit in the HTTP cache.
          const response = await fetch(url, { cache: 'reload' });
          if (response.ok) await cache.put(url, await storable(response));
          else warn(`shell file ${url}`, response.status);
        } catch (err) {
          warn(`shell file ${url}`, err);
        }
      }));
    } catch (err) {
      warn('install', err);
    }
    // A new build's worker takes over at once, so push handling fixes reach devices whose
    // app window never closes (an installed PWA often does not).
    try { await self.skipWaiting(); } catch (err) { warn('skipWaiting', err); }
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    try {
      const names = await caches.keys();
      await Promise.all(names
        .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
        .map((name) => caches.delete(name)));
    } catch (err) {
      warn('activate: old caches', err);
    }
    try { await self.clients.claim(); } catch (err) { warn('clients.claim', err); }
  })());
});

// ---------------------------------------------------------------------------------------
// Fetch: only the shell. The API, the widget and the demo always go to the network
// untouched, so that a stale cache can never answer for the edge.

const PASS_THROUGH = ['/v1/', '/.well-known/', '/healthz', '/widget', '/demo'];

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  let url;
  try { url = new URL(request.url); } catch { return; }
  if (url.origin !== origin) return;
  if (PASS_THROUGH.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request));
  } else if (SHELL_URLS.has(url.href)) {
    event.respondWith(cacheFirst(request));
  }
});

/** Navigations: the network's page when online, the cached shell when not. */
/**
 * A response that can answer a navigation later. The edge answers `/index.html` with a
 * redirect to `/`; a cached response marked `redirected` is refused for a navigation, so such
 * a response is stored as a plain copy of its body and headers.
 */
async function storable(response) {
  if (!response.redirected) return response;
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (err) {
    try {
      const cache = await caches.open(CACHE);
      const page = (await cache.match(absolute('/'))) ?? (await cache.match(absolute('/index.html')));
      if (page) return page;
    } catch (cacheErr) {
      warn('navigation fallback', cacheErr);
    }
    warn('navigation offline, no cached shell', err);
    return Response.error();
  }
}

/** Shell files: this build's cached copy (the cache name is the build's hash). */
async function cacheFirst(request) {
  let cache;
  try {
    cache = await caches.open(CACHE);
    const hit = await cache.match(request);
    if (hit) return hit;
  } catch (err) {
    warn('cache lookup', err);
  }
  try {
    const response = await fetch(request);
    if (response.ok && cache) {
      try { await cache.put(request, response.clone()); } catch (err) { warn('cache put', err); }
    }
    return response;
  } catch (err) {
    warn(`fetch ${request.url}`, err);
    return Response.error();
  }
}

// ---------------------------------------------------------------------------------------
// Push (SPEC §6): every push shows a notification — browsers revoke the permission of a
// worker that receives pushes silently, and a push the worker cannot read still means the
// edge has something for the user.

self.addEventListener('push', (event) => {
  event.waitUntil(onPush(event.data));
});

async function onPush(data) {
  const message = readPush(data);
  try {
    await self.registration.showNotification(message.title, {
      body: message.body,
      tag: message.tag,
      data: { navigate: message.navigate },
      requireInteraction: true,
    });
  } catch (err) {
    warn('showNotification', err);
  }
  // An open app refreshes its list at once instead of waiting for the user.
  if (message.request_id && message.device_id) {
    await tellWindows({ type: 'assent-push', request_id: message.request_id, device_id: message.device_id });
  }
}

/** The fields of a SPEC §6 payload, each checked; anything unreadable gets the generic text. */
function readPush(data) {
  let payload = null;
  try {
    payload = data ? JSON.parse(data.text()) : null;
  } catch (err) {
    warn('push payload is not JSON', err);
  }
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const text = (v) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const n = isObject(payload) && isObject(payload.notification) ? payload.notification : {};
  const a = isObject(payload) && isObject(payload.assent) ? payload.assent : {};
  const title = text(n.title);
  return {
    title: title ?? GENERIC_TITLE,
    body: typeof n.body === 'string' ? n.body : (title ? '' : GENERIC_BODY),
    tag: text(n.tag),
    navigate: sameOriginUrl(n.navigate),
    request_id: text(a.request_id),
    device_id: text(a.device_id),
  };
}

/**
 * `navigate` as an absolute URL of this origin, else the accounts list: whoever holds a
 * subscription can push to it, and a click must never open a page of theirs.
 */
function sameOriginUrl(candidate) {
  if (typeof candidate === 'string') {
    try {
      const url = new URL(candidate, self.location.href);
      if (url.origin === origin) return url.href;
    } catch { /* not a URL */ }
  }
  return absolute(HOME);
}

async function tellWindows(message) {
  try {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
      try { client.postMessage(message); } catch (err) { warn('postMessage', err); }
    }
  } catch (err) {
    warn('clients.matchAll', err);
  }
}

// ---------------------------------------------------------------------------------------
// Notification click: reuse an open app window (one app, one place), else open one.

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = sameOriginUrl(event.notification.data && event.notification.data.navigate);
  event.waitUntil(openApp(url));
});

async function openApp(url) {
  try {
    const scope = self.registration.scope;
    const windows = (await self.clients.matchAll({ type: 'window', includeUncontrolled: true }))
      .filter((client) => client.url.startsWith(scope));
    const client = windows.find((c) => c.focused) ?? windows[0];
    if (client) {
      try { await client.focus(); } catch (err) { warn('focus', err); }
      try {
        // navigate() rejects for a window this worker does not control (e.g. after a hard
        // reload); the app then follows the message instead.
        await client.navigate(url);
      } catch (err) {
        warn('navigate', err);
        client.postMessage({ type: 'assent-open', url });
      }
      return;
    }
    await self.clients.openWindow(url);
  } catch (err) {
    warn('notificationclick', err);
  }
}

// ---------------------------------------------------------------------------------------
// Push subscription change (SPEC §7): the old endpoint is dead, so tell the edge the new one
// for every account, sealed with that account's channel key (SPEC §3).

self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(reRegister(event));
});

async function reRegister(event) {
  let db;
  try {
    db = await openDb();
    const accounts = await allAccounts(db);
    if (accounts.length === 0) return;
    const subscription = await currentSubscription(event, accounts);
    if (!subscription) {
      // The app re-registers at its next start (SPEC §7); nothing better to send now.
      warn('pushsubscriptionchange', 'no new subscription');
      return;
    }
    const subscriptionJson = subscription.toJSON();
    // The app's spelling (serde_json: keys sorted), so that the app and the worker each see
    // the other's registration as the same subscription.
    const registered = canonicalJson(subscriptionJson);
    // One account at a time: each takes its own seq, and a failure stays with its account.
    for (const account of accounts) {
      try {
        if (sameSubscription(account.push_subscription, registered)) continue;
        // The seq is taken and stored before it is sent, so a retry after a lost answer
        // never reuses it (the edge may have accepted it, and then refuses anything not
        // above it, SPEC §7). The clock is its floor, as in the app (push.rs `sync`).
        let seq;
        await updateAccount(db, account.device_id, (record) => {
          seq = Math.max(storedSeq(record) + 1, storedSeq(account) + 1, Date.now());
          return { ...record, push_seq: seq };
        });
        if (seq === undefined) continue; // removed meanwhile
        const sealed = await seal(account, 'push', { subscription: subscriptionJson, seq });
        const response = await fetch(
          `${origin}/v1/device/${encodeURIComponent(account.device_id)}/push`,
          { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sealed }) },
        );
        if (!response.ok) {
          warn(`push re-registration of ${account.device_id}`, response.status);
          continue;
        }
        await updateAccount(db, account.device_id, (record) => ({
          ...record,
          // The app may have taken a seq meanwhile; seq only ever grows.
          push_seq: Math.max(storedSeq(record), seq),
          push_subscription: registered,
        }));
      } catch (err) {
        warn(`push re-registration of ${account.device_id}`, err);
      }
    }
  } catch (err) {
    warn('pushsubscriptionchange', err);
  } finally {
    if (db) db.close();
  }
}

/** A record's push_seq, 0 when missing or unusable. */
function storedSeq(record) {
  return Number.isSafeInteger(record.push_seq) && record.push_seq >= 0 ? record.push_seq : 0;
}

/**
 * JSON text with every object's keys sorted, as the app's serde_json writes it (the same
 * order for the ASCII keys of a subscription). fromEntries, not assignment: a "__proto__"
 * key must stay a key.
 */
function canonicalJson(value) {
  const sorted = (v) => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.keys(v).sort().map((key) => [key, sorted(v[key])]));
  };
  return JSON.stringify(sorted(value));
}

/**
 * Whether the recorded text is the subscription `registered` (canonical text). Compared after
 * parsing: earlier builds of this worker recorded it in the browser's key order.
 */
function sameSubscription(recorded, registered) {
  if (typeof recorded !== 'string') return false;
  try {
    return canonicalJson(JSON.parse(recorded)) === registered;
  } catch {
    return false;
  }
}

/** The browser's new subscription, or a fresh one from the account's VAPID key (10 s at most). */
async function currentSubscription(event, accounts) {
  if (event.newSubscription) return event.newSubscription;
  const withKey = accounts.find((a) => typeof a.vapid_public_key === 'string');
  if (!withKey) return null;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('pushManager.subscribe timed out')), SUBSCRIBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      self.registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: b64uDecode(withKey.vapid_public_key),
      }),
      timeout,
    ]);
  } catch (err) {
    warn('pushManager.subscribe', err);
    return null;
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------
// SPEC §3 secure channel, as the app does it:
//   payload_key = HKDF-SHA256(x(ECDH(device, edge)), salt = device_id, "assent/v1 payload key")
//   sealed = b64u(nonce12 || AES-256-GCM(payload_key, nonce, plaintext,
//                                        aad = "assent/v1/" + purpose + "|" + device_id))

async function seal(account, purpose, value) {
  const subtle = crypto.subtle;
  const edgeRaw = b64uDecode(account.edge_channel_public_key);
  if (edgeRaw.length !== 65 || edgeRaw[0] !== 0x04) throw new Error('edge channel key is not a 65-byte point');
  const edgeKey = await subtle.importKey('raw', edgeRaw, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const x = await subtle.deriveBits({ name: 'ECDH', public: edgeKey }, account.channel_private_key, 256);
  const ikm = await subtle.importKey('raw', x, 'HKDF', false, ['deriveKey']);
  const key = await subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: enc.encode(account.device_id), info: enc.encode('assent/v1 payload key') },
    ikm, { name: 'AES-GCM', length: 256 }, false, ['encrypt'],
  );
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = new Uint8Array(await subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: enc.encode(`assent/v1/${purpose}|${account.device_id}`) },
    key, enc.encode(JSON.stringify(value)),
  ));
  const out = new Uint8Array(nonce.length + ciphertext.length);
  out.set(nonce);
  out.set(ciphertext, nonce.length);
  return b64uEncode(out);
}

function b64uEncode(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function b64uDecode(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new Error('not base64url');
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

// ---------------------------------------------------------------------------------------
// IndexedDB (database "assent" v1, store "accounts" keyed by device_id; the app owns it,
// but the worker may run first after a reinstall, so it creates the store the same way).

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'device_id' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    // Blocked only delays success until the other connection closes; worth a trace.
    request.onblocked = () => warn('IndexedDB open', 'blocked by another connection');
  });
}

function allAccounts(db) {
  return new Promise((resolve, reject) => {
    const request = db.transaction(STORE, 'readonly').objectStore(STORE).getAll();
    request.onsuccess = () => resolve(request.result ?? []);
    request.onerror = () => reject(request.error);
  });
}

/** Read-modify-write in one transaction; an account removed meanwhile stays removed. */
function updateAccount(db, deviceId, update) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    const get = store.get(deviceId);
    get.onsuccess = () => {
      if (get.result) store.put(update(get.result));
    };
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}
