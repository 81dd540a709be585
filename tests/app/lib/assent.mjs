// The PWA's end-to-end flows, driven as a user would through the accessible names of
// /work/notes/app-contract.md, with the RP's side done through the RP API (SPEC §5).
//
//   const app = appSuite();                       // wrangler dev + fake push, per test file
//   test('…', app.scenario(async ({ openPhone }) => {
//     const phone = await openPhone();
//     const { deviceId } = await activate(app, phone, 'demo', 'alice');
//     const created = await createRequest(app, 'demo', { user_id: 'alice', kind: 'login', … });
//     await openFromPush(app, phone, created, { deviceId, rp: 'demo', kind: 'login' });
//     …
//   }));
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import * as jose from 'jose';
import { startWrangler, DEFAULT_RPS } from '../../edge/lib/wrangler.mjs';
import { createPushService } from '../../edge/lib/fake-push.mjs';
import { requestHash, statementChallenge } from '../../edge/lib/device.mjs';
import { openPhone, eventually } from './phone.mjs';

/**
 * The RPs of `make dev` (DEFAULT_RPS: `demo` gateway "Example Bank", `demo-secure` secure
 * "Example Bank (secure)"); the gateway one accepts ttl_seconds down to 5 so expiry can be
 * watched in a test.
 */
export const APP_RPS = DEFAULT_RPS.map((rp) => (rp.mode === 'gateway' ? { ...rp, limits: { min_ttl_seconds: 5 } } : rp));
export const rpName = (rpId) => APP_RPS.find((rp) => rp.id === rpId).name;
export const TITLE = { login: 'Sign-in request', sign: 'Signature request' };

/**
 * Registers before/after hooks that start one `wrangler dev` (with the built PWA in
 * edge/public) and one fake push service for the test file, and returns the suite:
 * `{edge, push, url, rp(rpId, method, path, body), scenario(body), stopEdge()}` (edge, push
 * and url are set once `before` ran).
 */
export function appSuite({ rps = APP_RPS } = {}) {
  const app = { edge: null, push: null, url: null };
  before(async () => {
    app.push = await createPushService();
    app.edge = await startWrangler({ rps, vars: { ASSENT_ALLOW_LOOPBACK_PUSH: '1' } });
    app.url = app.edge.url;
  });
  after(async () => {
    app.edge?.stop();
    await app.push?.close();
  });

  /** An RP API call (SPEC §5) with that RP's API key: `{status, body}`. */
  app.rp = async (rpId, method, path, body) => {
    const r = await fetch(`${app.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${app.edge.config.apiKeys[rpId]}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, body: await r.json() };
  };

  /** Stops the edge early (the offline test); `after` then has nothing left to stop. */
  app.stopEdge = () => {
    const { edge } = app;
    app.edge = { ...edge, stop: () => {} };
    edge.stop();
  };

  /**
   * Wraps a test body: `body({openPhone, t})`, where `openPhone(opts)` opens a phone on this
   * edge and push service (closed after the test). A test also fails when a page threw an
   * uncaught exception (a wasm panic, an unhandled rejection). On failure every phone saves a screenshot
   * (tests/out/app/failed-<test>-<phone>.png) and prints what its page logged, its pushes and
   * notifications, and the edge's last log lines are printed.
   */
  app.scenario = (body) => async (t) => {
    const phones = [];
    const open = async (opts = {}) => {
      const phone = await openPhone({ origin: app.url, push: app.push, name: `p${phones.length + 1}`, ...opts });
      phones.push(phone);
      return phone;
    };
    try {
      await body({ openPhone: open, t });
      for (const phone of phones) {
        assert.deepEqual(phone.uncaughtErrors(), [], `no uncaught exception in the app on ${phone.name}`);
      }
    } catch (e) {
      for (const phone of phones) {
        const shot = await phone.screenshot(`failed-${slug(t.name)}-${phone.name}`).catch(() => null);
        if (shot) console.log(`screenshot at the failure: ${shot}`);
        await phone.printDiagnostics();
      }
      console.log(`---- edge log (last 40 lines):\n${(app.edge?.logs?.() ?? '').split('\n').slice(-40).join('\n')}`);
      throw e;
    } finally {
      for (const phone of phones) await phone.close();
    }
  };
  return app;
}

const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

/** Runs axe on the screen as it is and saves its screenshot as `<name>.png`. */
export async function screen(phone, name) {
  await phone.checkAccessibility(name);
  await phone.screenshot(name);
}

const heading = (page, name) => page.getByRole('heading', { level: 1, name, exact: true });

/** Waits for the page's h1 to read `name`. */
export async function expectHeading(page, name, { timeout } = {}) {
  await heading(page, name).waitFor({ state: 'visible', timeout });
}

/** Waits for `text` (a string: a substring match, or a RegExp) to be visible on the page. */
export async function expectText(page, text, { timeout } = {}) {
  await page.getByText(text).first().waitFor({ state: 'visible', timeout });
}

/** The visible role=status element whose text matches `pattern`; waits for it. */
export async function expectStatus(page, pattern, { timeout } = {}) {
  const status = page.getByRole('status').filter({ hasText: pattern }).first();
  await status.waitFor({ state: 'visible', timeout });
  return (await status.innerText()).trim();
}

/** The visible role=alert element whose text matches `pattern`; waits for it. */
export async function expectAlert(page, pattern, { timeout } = {}) {
  const alert = page.getByRole('alert').filter({ hasText: pattern }).first();
  await alert.waitFor({ state: 'visible', timeout });
  return (await alert.innerText()).trim();
}

/** `[[dt, dd], …]` of the `<dl aria-label=label>`, in document order. */
export async function definitionList(page, label) {
  const dl = page.locator(`dl[aria-label="${label}"]`);
  await dl.waitFor({ state: 'visible' });
  return dl.evaluate((el) => {
    const pairs = [];
    for (const child of el.querySelectorAll('dt, dd')) {
      if (child.tagName === 'DT') pairs.push([child.textContent.trim(), null]);
      else if (pairs.length > 0 && pairs[pairs.length - 1][1] === null) pairs[pairs.length - 1][1] = child.textContent.trim();
      else pairs.push([null, child.textContent.trim()]);
    }
    return pairs;
  });
}

/**
 * The account records of the app's IndexedDB (database `assent`, store `accounts`), with
 * CryptoKeys described as `{type, extractable, algorithm, usages}`. `[]` before the app
 * created the database.
 */
export async function storedAccounts(page) {
  return page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((d) => d.name === 'assent')) return [];
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open('assent');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    try {
      const rows = await new Promise((ok, fail) => {
        const r = db.transaction('accounts', 'readonly').objectStore('accounts').getAll();
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof CryptoKey
        ? { type: v.type, extractable: v.extractable, algorithm: { ...v.algorithm }, usages: [...v.usages] } : v])));
    } finally { db.close(); }
  });
}

/**
 * Activation from the link (SPEC §5, contract "Activate"): the RP creates an activation for
 * `user`, the phone opens its `activation_url`, checks what it is asked, taps "Activate with
 * passkey", and sees "Account activated" with notifications on (or off). Screens get axe and
 * a screenshot when `shots` (a name prefix) is given. Returns `{deviceId, activation, userName,
 * displayName}`.
 */
export async function activate(app, phone, rpId, user, { notifications = 'on', shots } = {}) {
  const userName = `${user}@example.com`;
  const displayName = `${user[0].toUpperCase()}${user.slice(1)} Example`;
  const a = await app.rp(rpId, 'POST', '/v1/activations', { user_id: user, user_name: userName, display_name: displayName });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const activation = a.body;
  await phone.page.goto(activation.activation_url);
  await expectHeading(phone.page, 'Activate an account');
  await expectText(phone.page, `${rpName(rpId)} wants to add ${displayName} (${userName})`);
  const button = phone.page.getByRole('button', { name: 'Activate with passkey', exact: true });
  await button.waitFor();
  if (shots) await screen(phone, `${shots}-activate`);
  await button.click();
  await expectHeading(phone.page, 'Account activated', { timeout: 30_000 });
  await expectText(phone.page, notifications === 'on' ? 'Notifications are on' : 'Notifications are off');
  assert.equal(await phone.page.getByRole('link', { name: 'Done', exact: true }).getAttribute('href'), '#/');
  if (shots) await screen(phone, `${shots}-activated`);

  const s = await app.rp(rpId, 'GET', `/v1/activations/${activation.activation_id}`);
  assert.equal(s.body.status, 'completed', JSON.stringify(s.body));
  assert.match(s.body.device_id, /^[A-Za-z0-9_-]{22}$/);
  return { deviceId: s.body.device_id, activation, userName, displayName };
}

/** SPEC §5 `POST /v1/requests`, expected to be created (201); returns its answer. */
export async function createRequest(app, rpId, body) {
  const r = await app.rp(rpId, 'POST', '/v1/requests', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

/** SPEC §5 `GET /v1/requests/{id}` as the RP sees it. */
export async function rpRequest(app, rpId, requestId) {
  const r = await app.rp(rpId, 'GET', `/v1/requests/${requestId}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** Polls the RP's view until the request is final, and returns it. */
export function rpFinal(app, rpId, requestId) {
  return eventually(async () => {
    const r = await rpRequest(app, rpId, requestId);
    return r.status === 'pending' ? undefined : r;
  }, { what: `request ${requestId} final at the RP` });
}

/**
 * The push for `created` reaches the phone (SPEC §6): the notification the service worker
 * shows is the one the edge sent — title by kind, the RP's name, tagged with the request id,
 * opening `EDGE/#/requests/<device>/<request>` — and the user taps it. Returns the
 * notification.
 */
export async function openFromPush(app, phone, created, { deviceId, rpId, kind, cold = true }) {
  const sent = await phone.waitForPush((json) => json?.assent?.request_id === created.request_id);
  const navigate = `${app.url}/#/requests/${deviceId}/${created.request_id}`;
  assert.deepEqual(sent.json.notification, { title: TITLE[kind], body: rpName(rpId), navigate, tag: created.request_id });
  const n = await phone.waitForNotification({ tag: created.request_id });
  assert.deepEqual(n, { title: TITLE[kind], body: rpName(rpId), tag: created.request_id, data: { navigate }, requireInteraction: true });
  await phone.followNotification(n, { cold });
  return n;
}

/**
 * The request screen (contract "Request") shows what the RP asked: h1 = title, the RP's
 * name, the kind label, the context, and for `sign` every field in order.
 */
export async function expectRequestShown(app, phone, rpId, body) {
  const { page } = phone;
  await expectHeading(page, body.title);
  await expectText(page, rpName(rpId));
  await expectText(page, body.kind === 'login' ? 'Sign-in request' : 'Signature request');
  const context = await definitionList(page, 'Context');
  const byLabel = Object.fromEntries(context);
  assert.deepEqual(context.map(([dt]) => dt), ['Browser', 'Location', 'IP address', 'Requested at']);
  assert.equal(byLabel.Browser, body.context.browser);
  assert.equal(byLabel.Location, body.context.location);
  assert.equal(byLabel['IP address'], body.context.ip);
  assert.ok(byLabel['Requested at'].length > 0, 'Requested at shows the time');
  if (body.kind === 'sign') {
    assert.deepEqual(await definitionList(page, 'Details to sign'), body.fields.map((f) => [f.label, f.value]));
  }
  await page.getByRole('timer').filter({ hasText: /^Expires in \d+:\d\d$/ }).waitFor();
}

/** Taps Approve, after typing `code` into "Code shown on the website" when given. */
export async function approve(phone, { code } = {}) {
  if (code !== undefined) {
    await phone.page.getByRole('textbox', { name: 'Code shown on the website', exact: true }).fill(code);
  }
  await phone.page.getByRole('button', { name: 'Approve', exact: true }).click();
}

/** Taps Deny; the dialog "Deny this request?" opens (screenshot `shots` when given). */
export async function openDenyDialog(phone, { shots } = {}) {
  await phone.page.getByRole('button', { name: 'Deny', exact: true }).click();
  const dialog = phone.page.getByRole('dialog', { name: 'Deny this request?' });
  await dialog.waitFor();
  for (const name of ['Deny request', 'I did not ask for this', 'Back']) {
    await dialog.getByRole('button', { name, exact: true }).waitFor();
  }
  if (shots) await screen(phone, shots);
  return dialog;
}

/** The JWK Set of the edge's receipt key (SPEC §3, §8). */
export async function receiptKeys(app) {
  return jose.createLocalJWKSet(await (await fetch(`${app.url}/.well-known/jwks.json`)).json());
}

/**
 * Verifies the receipt of a final request both ways of SPEC §8: (1) the JWS with the edge's
 * JWK Set; (2) without trusting the edge: the statement recomputed from the request content,
 * clientDataJSON, rpIdHash, UP+UV and the ES256 signature under the device key the RP lists.
 * Returns the receipt's claims.
 */
export async function verifyReceipt(app, rpId, final, { userId, deviceId, decision, reason, bindingCode }) {
  const { payload } = await jose.jwtVerify(final.receipt, await receiptKeys(app), {
    issuer: app.edge.config.edgeOrigin, audience: rpId, typ: 'assent-receipt+jwt', algorithms: ['ES256'],
  });
  assert.equal(payload.jti, final.request_id);
  assert.equal(payload.sub, userId);
  assert.equal(payload.decision, decision);
  assert.equal(payload.reason, reason);
  assert.equal(payload.binding_code, bindingCode);
  assert.equal(payload.device.id, deviceId);

  const devices = (await app.rp(rpId, 'GET', `/v1/users/${encodeURIComponent(userId)}/devices`)).body.devices;
  const device = devices.find((d) => d.device_id === deviceId);
  assert.ok(device, 'the RP lists the deciding device');
  const statement = { v: 1, request_hash: requestHash(payload.request), decision, reason, binding_code: bindingCode };
  const clientDataJson = Buffer.from(payload.webauthn.client_data_json, 'base64url');
  const clientData = JSON.parse(clientDataJson);
  assert.equal(clientData.type, 'webauthn.get');
  assert.equal(clientData.origin, app.edge.config.edgeOrigin);
  assert.equal(clientData.challenge, statementChallenge(statement), 'the phone signed the statement of what it showed');
  const authData = Buffer.from(payload.webauthn.authenticator_data, 'base64url');
  assert.deepEqual(authData.subarray(0, 32), createHash('sha256').update('localhost').digest(), 'rpIdHash');
  assert.equal(authData[32] & 0x05, 0x05, 'UP and UV');
  const signed = Buffer.concat([authData, createHash('sha256').update(clientDataJson).digest()]);
  const key = createPublicKey({ key: device.public_key, format: 'jwk' });
  assert.ok(verifySignature('sha256', signed, key, Buffer.from(payload.webauthn.signature, 'base64url')), 'ES256 signature under the device key');
  return payload;
}

const CONTEXT = { ip: '203.0.113.7', location: 'Brussels, BE', browser: 'Firefox on macOS' };

/** A login request body (SPEC §5) with number matching and the full context. */
export const loginRequest = (user, extra = {}) => ({
  user_id: user, kind: 'login', title: 'Sign in to Example Bank', context: CONTEXT, number_matching: true, ...extra,
});

/** A sign request body with five fields: amount, payee, IBAN, reference, execution date. */
export const signRequest = (user, extra = {}) => ({
  user_id: user, kind: 'sign', title: 'Confirm a transfer', context: CONTEXT,
  fields: [
    { label: 'Amount', value: 'EUR 1,250.00' },
    { label: 'Payee', value: 'ACME NV' },
    { label: 'IBAN', value: 'BE71 0961 2345 6769' },
    { label: 'Reference', value: 'Invoice 2026-0042' },
    { label: 'Execution date', value: '2026-12-24' },
  ],
  ...extra,
});

/** Another two-digit code than `code` (a wrong answer to number matching). */
export const wrongCode = (code) => String((Number(code) + 37) % 100).padStart(2, '0');
