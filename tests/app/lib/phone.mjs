// One phone for the PWA's end-to-end tests: headless Chromium (TOOLCHAIN.md pitfall 11) in a
// fresh profile, a CDP virtual platform authenticator that verifies the user, the
// notifications permission granted or really denied, Web Push stubbed onto the fake push
// service (pitfall 10) with every push it accepts delivered to the service worker through
// CDP, and the checks every screen gets: screenshots, axe, installability.
//
//   const phone = await openPhone({ origin: edge.url, push, name: 'alice' });
//   await phone.page.goto(activationUrl);                  // … drive the app …
//   const n = await phone.waitForNotification({ tag: requestId });
//   await phone.followNotification(n);
//   await phone.checkAccessibility('request-login');
//   await phone.screenshot('request-login');
//   await phone.close();
import { chromium } from 'playwright-core';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pushStubInitScript } from './push-stub.mjs';

export const root = resolve(import.meta.dirname, '../../..');
export const outDir = join(root, 'tests/out/app');
export const galleryDir = join(root, 'docs/gallery');
const axeSource = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** TOOLCHAIN.md pitfall 11: headless, nothing reaching past loopback. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
/** Pitfall 11: a platform authenticator with user verification that always says yes. */
export const VIRTUAL_AUTHENTICATOR = {
  protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
  isUserVerified: true, automaticPresenceSimulation: true,
};
const PUSH_BRIDGE = '__assentTestPushBridge';
const POLL_MS = 100;
/** How long after a push is delivered before the notifications are read (listNotifications). */
export const SETTLE_MS = 1500;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined / false. */
export async function eventually(probe, { timeout = 10_000, interval = 100, what = 'a condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) { last = e; }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await sleep(interval);
  }
}

/**
 * Saves `tests/out/app/<name>.png` (the whole page) and, when ASSENT_GALLERY=1, a copy to
 * `docs/gallery/<name>.png`. Returns the path under tests/out.
 */
export async function screenshot(page, name) {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  if (process.env.ASSENT_GALLERY === '1') {
    mkdirSync(galleryDir, { recursive: true });
    copyFileSync(file, join(galleryDir, `${name}.png`));
  }
  return file;
}

// A phone's own CDP session, reused for every CDP call on its page: detaching another
// session from the page would switch the WebAuthn domain off for it, and the virtual
// authenticator with it (navigator.credentials.create then never settles).
const phoneSessions = new WeakMap();

async function withCdp(page, fn) {
  const own = phoneSessions.get(page);
  if (own) return fn(own);
  const cdp = await page.context().newCDPSession(page);
  try { return await fn(cdp); } finally { await cdp.detach().catch(() => {}); }
}

/**
 * Runs axe-core (node_modules/axe-core) on the page as it is and throws when any violation
 * has impact `serious` or `critical`, listing each (id, impact, help, targets). axe is
 * injected through CDP, which a page's Content-Security-Policy does not block. Returns every
 * violation axe reported (minor and moderate ones are printed, not failed).
 */
export async function checkAccessibility(page, screenName) {
  await withCdp(page, async (cdp) => {
    const { exceptionDetails } = await cdp.send('Runtime.evaluate', {
      expression: `if (!globalThis.axe) { ${axeSource}\n}`,
    });
    if (exceptionDetails) throw new Error(`axe did not load: ${exceptionDetails.text}`);
  });
  const violations = await page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  const line = (v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.targets.map((t) => `      ${t}`).join('\n')}`;
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const other = violations.filter((v) => !blocking.includes(v));
  if (other.length > 0) console.log(`axe on "${screenName}": ${other.length} minor/moderate\n${other.map(line).join('\n')}`);
  if (blocking.length > 0) {
    throw new Error(`axe on "${screenName}" (${page.url()}): ${blocking.length} serious/critical violation(s)\n${blocking.map(line).join('\n')}`);
  }
  return violations;
}

/** CDP `Page.getInstallabilityErrors` for the page as it is: `[{errorId, errorArguments}]`. */
export function installabilityErrors(page) {
  return withCdp(page, async (cdp) => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors);
}

/**
 * Opens a phone on `origin` (`http://localhost:PORT`: WebAuthn refuses IP addresses).
 * - `notifications`: `granted` (context permission), `denied` (CDP Browser.setPermission:
 *   `Notification.permission` reads "denied", `requestPermission()` resolves "denied",
 *   `showNotification` fails) or `default` (never asked; headless Chromium dismisses the
 *   prompt, so asking resolves "denied").
 * - `push`: a fake push service (tests/edge/lib/fake-push.mjs) that `pushManager.subscribe()`
 *   subscribes on. Whatever it accepts for the phone's current subscription is delivered to
 *   the service worker; what reaches a subscription the phone dropped is not.
 * Returns the phone (see the object below).
 */
export async function openPhone({
  origin, push = null, notifications = 'granted', name = 'phone',
  viewport = { width: 390, height: 844 }, timeout = 15_000,
}) {
  if (!/^http:\/\/localhost:\d+$/.test(origin)) throw new Error(`open the app on http://localhost:PORT, not ${origin}`);
  const profile = mkdtempSync(join(tmpdir(), `assent-phone-${name}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, viewport, locale: 'en-US',
  });
  const log = [];          // every console line and page error, for diagnostics
  const errors = [];       // console errors and uncaught exceptions
  const uncaught = [];     // uncaught exceptions and unhandled rejections of the page
  const subs = [];         // [{id, subscription, applicationServerKey, retired}]
  const delivered = [];    // [{subscriptionId, json, text, at}] pushes handed to the SW
  const seen = new Map();  // subscription id → how many of its pushes were handled
  const registrations = new Map(); // scopeURL → registrationId
  let closed = false;
  let pumpError = null;
  let lastDeliveryAt = 0;
  // One at a time: a push delivery or a read of the notifications (see listNotifications).
  let turn = Promise.resolve();
  const exclusive = (fn) => {
    const run = turn.then(fn);
    turn = run.catch(() => {});
    return run;
  };

  const current = () => subs.find((s) => !s.retired) ?? null;
  // A dropped subscription is gone at the push service too: pushes to it get 410 (RFC 8030 §7.3).
  const retire = (sub) => {
    sub.retired = true;
    push?.respondWith(sub.id, 410);
  };

  // The node side of the push stub (lib/push-stub.mjs).
  await context.exposeFunction(PUSH_BRIDGE, async (op, arg) => {
    const sub = current();
    if (op === 'get') return sub && { subscription: sub.subscription, applicationServerKey: sub.applicationServerKey };
    if (op === 'unsubscribe') {
      if (!sub || sub.subscription.endpoint !== arg) return false;
      retire(sub);
      return true;
    }
    if (op === 'subscribe') {
      if (sub && sub.applicationServerKey !== arg) {
        return { error: { name: 'InvalidStateError', message: 'Registration failed - A subscription with a different applicationServerKey (or gcm_sender_id) already exists; to change the applicationServerKey, unsubscribe then resubscribe.' } };
      }
      if (sub) return { subscription: sub.subscription };
      if (!push) return { error: { name: 'AbortError', message: 'Registration failed - push service not available' } };
      const made = push.newSubscription({ applicationServerKey: arg });
      subs.push({ ...made, applicationServerKey: arg, retired: false });
      return { subscription: made.subscription };
    }
    throw new Error(`push stub: unknown op ${op}`);
  });
  await context.addInitScript(pushStubInitScript, PUSH_BRIDGE);

  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(timeout);
  const stamp = () => new Date().toISOString().slice(11, 23);
  page.on('console', (m) => {
    const line = `${stamp()} console.${m.type()}: ${m.text()}${m.location()?.url ? ` (${m.location().url}:${m.location().lineNumber})` : ''}`;
    log.push(line);
    if (m.type() === 'error') errors.push(line);
  });
  page.on('pageerror', (e) => {
    const line = `${stamp()} uncaught: ${e.stack ?? e.message}`;
    log.push(line); errors.push(line); uncaught.push(line);
  });
  page.on('requestfailed', (r) => log.push(`${stamp()} request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));

  const cdp = await context.newCDPSession(page);
  phoneSessions.set(page, cdp);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: VIRTUAL_AUTHENTICATOR });
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: regs }) => {
    for (const r of regs) {
      if (r.isDeleted) registrations.delete(r.scopeURL);
      else registrations.set(r.scopeURL, r.registrationId);
    }
  });
  await cdp.send('ServiceWorker.enable');

  if (notifications === 'granted') await context.grantPermissions(['notifications'], { origin });
  else if (notifications === 'denied') {
    await cdp.send('Browser.setPermission', { permission: { name: 'notifications' }, setting: 'denied', origin });
  } else if (notifications !== 'default') throw new Error(`notifications: granted, denied or default, not ${notifications}`);

  const registrationId = () => registrations.get(`${origin}/`)
    ?? [...registrations].find(([scope]) => scope.startsWith(`${origin}/`))?.[1];

  // The push bridge: what the fake push service accepted for the current subscription goes
  // to the service worker, in order, once each.
  async function pump() {
    if (!push) return;
    for (const sub of subs) {
      const got = push.received(sub.id);
      let done = seen.get(sub.id) ?? 0;
      while (done < got.length) {
        const msg = got[done];
        const text = msg.plaintext.toString('utf8');
        if (!sub.retired) {
          const id = registrationId();
          if (id === undefined) return; // no service worker yet: try again on the next tick
          await exclusive(async () => {
            await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: id, data: text });
            lastDeliveryAt = Date.now();
          });
          delivered.push({ subscriptionId: sub.id, json: msg.json, text, at: Date.now() });
        }
        done += 1;
        seen.set(sub.id, done);
      }
    }
  }
  const pumping = (async () => {
    while (!closed) {
      try { await pump(); pumpError = null; } catch (e) { if (!closed) pumpError = e; }
      await sleep(POLL_MS);
    }
  })();

  // Chromium 156 drops a notification now and then (seen ~1 run in 4) when
  // getNotifications() runs while a push handler is showing it: the read prunes database
  // entries the display service does not list yet. So reads go through the page (never
  // evaluated inside the worker) and never overlap a push: deliveries and reads take turns,
  // and a read waits until SETTLE_MS have passed since the last delivery.
  async function listNotifications() {
    if (!page.url().startsWith(`${origin}/`)) throw new Error(`notifications: the page is at ${page.url()}, not on ${origin}`);
    return exclusive(async () => {
      const wait = lastDeliveryAt + SETTLE_MS - Date.now();
      if (wait > 0) await sleep(wait);
      return page.evaluate(async () => {
        const reg = await navigator.serviceWorker.getRegistration('/');
        if (!reg) return [];
        return (await reg.getNotifications()).map((n) => ({
          title: n.title, body: n.body, tag: n.tag, data: n.data, requireInteraction: n.requireInteraction,
        }));
      });
    });
  }

  const phone = {
    name, origin, context, page, cdp, authenticatorId,

    /** The PushSubscriptionJSON the phone's browser holds now, or null. */
    get subscription() { return current()?.subscription ?? null; },
    /** Its id on the fake push service (for `push.received(id)` / `attempts(id)`). */
    get subscriptionId() { return current()?.id ?? null; },
    /** Every subscription this phone had, oldest first: `{id, subscription, retired}`. */
    subscriptions: () => subs.map(({ id, subscription, retired }) => ({ id, subscription, retired })),
    /**
     * The browser's push subscription changes (as when the push service rotates it): a new
     * endpoint and keys for the same applicationServerKey; the old one is dropped (the fake
     * push service answers 410 Gone to pushes for it, and none reaches the phone). Returns `{previous, current}` as `{id, subscription}`.
     */
    rotateSubscription() {
      const old = current();
      if (!old) throw new Error('rotateSubscription: the phone has no subscription');
      retire(old);
      const made = push.newSubscription({ applicationServerKey: old.applicationServerKey });
      subs.push({ ...made, applicationServerKey: old.applicationServerKey, retired: false });
      return { previous: { id: old.id, subscription: old.subscription }, current: made };
    },
    /** Pushes handed to the service worker, oldest first: `{subscriptionId, json, text, at}`. */
    delivered: () => delivered.slice(),
    /** Waits until a delivered push matches `predicate(json)`; returns it. */
    waitForPush(predicate, { timeout = 15_000 } = {}) {
      return eventually(() => {
        if (pumpError) throw pumpError;
        return delivered.find((d) => predicate(d.json));
      }, { timeout, what: `a push on ${name}; delivered so far: ${JSON.stringify(delivered.map((d) => d.json))}` });
    },
    /** The notifications the service worker shows now: `[{title, body, tag, data, requireInteraction}]`. */
    notifications: listNotifications,
    /** Waits for a notification with this `tag` (or matching `predicate(n)`); returns it. */
    waitForNotification({ tag, predicate = (n) => n.tag === tag } = {}, { timeout = 15_000 } = {}) {
      let last = [];
      return eventually(async () => {
        last = await listNotifications();
        return last.find(predicate);
      }, {
        timeout,
        what: `a notification${tag ? ` tagged ${tag}` : ''} on ${name}; shown: ${JSON.stringify(last)}; pushes delivered: ${delivered.length}${pumpError ? `; push bridge error: ${pumpError.message}` : ''}`,
      });
    },
    /**
     * The user taps the notification: it closes and its `data.navigate` opens. `cold` (the
     * default) loads the URL afresh, as when the tap starts the app; otherwise the open page
     * navigates to it (a hash change when the app is already on that origin).
     */
    async followNotification(notification, { cold = true } = {}) {
      const url = notification.data?.navigate;
      if (typeof url !== 'string') throw new Error(`notification without data.navigate: ${JSON.stringify(notification)}`);
      await exclusive(() => page.evaluate(async (tag) => {
        const reg = await navigator.serviceWorker.getRegistration('/');
        for (const n of (await reg?.getNotifications({ tag })) ?? []) n.close();
      }, notification.tag)).catch(() => {});
      if (cold) await page.goto('about:blank');
      await page.goto(url);
    },
    /**
     * The phone loses (or regains) its network as in airplane mode: requests fail
     * (Playwright's context.setOffline, service worker included) and `navigator.onLine` reads
     * false with an `offline` event (CDP Network.emulateNetworkConditions; setOffline alone
     * leaves navigator.onLine true in Chromium 156).
     */
    async setOffline(offline) {
      await context.setOffline(offline);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    },
    /** The passkeys the virtual authenticator holds (CDP WebAuthn.getCredentials). */
    async credentials() {
      return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    },
    /** Resolves when a service worker controls the page. */
    async waitForServiceWorkerControl({ timeout = 15_000 } = {}) {
      await eventually(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
        timeout, what: `a service worker controlling ${page.url()}`,
      });
    },
    screenshot: (screenName) => screenshot(page, screenName),
    checkAccessibility: (screenName) => checkAccessibility(page, screenName),
    installabilityErrors: () => installabilityErrors(page),
    /** Console errors and uncaught exceptions so far. */
    consoleErrors: () => errors.slice(),
    /** Uncaught exceptions (a wasm panic among them) and unhandled rejections so far. */
    uncaughtErrors: () => uncaught.slice(),
    /** Prints what the page logged, the pushes and the notifications (after a failure). */
    async printDiagnostics() {
      let shown = '(unreadable)';
      try { shown = JSON.stringify(await listNotifications()); } catch { /* page gone */ }
      console.log([
        `---- phone ${name}: ${page.url()}`,
        `console errors (${errors.length}):`, ...errors.map((l) => `  ${l}`),
        `log (last 80 of ${log.length}):`, ...log.slice(-80).map((l) => `  ${l}`),
        `pushes delivered: ${JSON.stringify(delivered.map((d) => d.json))}`,
        `notifications shown: ${shown}`,
        pumpError ? `push bridge error: ${pumpError.stack}` : 'push bridge: ok',
      ].join('\n'));
    },
    /** Stops the bridge, closes Chromium and removes the profile. */
    async close() {
      if (closed) return;
      closed = true;
      await pumping;
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
  return phone;
}
