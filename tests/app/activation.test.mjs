// The PWA, first run and activation (SPEC §5, §7; app contract "Accounts", "Activate",
// IndexedDB): an empty, installable accounts screen; activation from the RP's link with a
// passkey on both kinds of RP; activation with notifications denied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createECDH } from 'node:crypto';
import {
  appSuite, activate, screen, expectHeading, expectText, expectAlert, storedAccounts, rpName,
} from './lib/assent.mjs';
import { eventually } from './lib/phone.mjs';

const app = appSuite();

/** The uncompressed public point (b64u) of a b64u P-256 scalar from the edge's config. */
function publicPoint(scalar) {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(scalar, 'base64url'));
  return ecdh.getPublicKey().toString('base64url');
}

const devicesOf = async (rpId, user) => (await app.rp(rpId, 'GET', `/v1/users/${user}/devices`)).body.devices;
const b64ToB64u = (b64) => Buffer.from(b64, 'base64').toString('base64url');

/** The IndexedDB record the contract describes, checked against what the edge and phone hold. */
async function expectAccountRecord(phone, { deviceId, rpId, mode, userName, displayName, subscription }) {
  const records = await storedAccounts(phone.page);
  assert.equal(records.length, 1, JSON.stringify(records));
  const [r] = records;
  const now = Math.floor(Date.now() / 1000);
  assert.equal(r.device_id, deviceId);
  assert.equal(r.rp_id, rpId);
  assert.equal(r.rp_name, rpName(rpId));
  assert.equal(r.user_name, userName);
  assert.equal(r.display_name, displayName);
  assert.equal(r.mode, mode);
  const [passkey] = await phone.credentials();
  assert.equal(r.credential_id, b64ToB64u(passkey.credentialId), 'the passkey the authenticator holds');
  assert.deepEqual(r.channel_private_key, {
    type: 'private', extractable: false, algorithm: { name: 'ECDH', namedCurve: 'P-256' }, usages: ['deriveBits'],
  });
  const point = Buffer.from(r.channel_public_key, 'base64url');
  assert.equal(point.toString('base64url'), r.channel_public_key, 'canonical b64u');
  assert.ok(point.length === 65 && point[0] === 4, 'a 65-byte uncompressed point');
  assert.equal(r.edge_channel_public_key, publicPoint(app.edge.config.vars.CHANNEL_PRIVATE_KEY));
  assert.equal(r.vapid_public_key, publicPoint(app.edge.config.vars.VAPID_PRIVATE_KEY));
  assert.equal(r.push_seq, 1);
  if (subscription === null) assert.equal(r.push_subscription, null);
  else assert.deepEqual(JSON.parse(r.push_subscription), subscription);
  assert.ok(Math.abs(r.created_at - now) < 120, `created_at ${r.created_at} is now (${now})`);
}

test('first run: an empty accounts screen, the code entry screen, and the app is installable', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { page } = phone;
  await page.goto(`${app.url}/`);
  await expectHeading(page, 'Accounts');
  await expectText(page, 'No accounts yet');
  assert.equal(await page.getByRole('link', { name: 'Add an account', exact: true }).getAttribute('href'), '#/activate');
  await phone.waitForServiceWorkerControl();
  const errors = await eventually(async () => {
    const e = await phone.installabilityErrors();
    return e.length === 0 ? e : undefined;
  }, { timeout: 10_000, what: 'no installability errors on the accounts page' }).catch(async (e) => {
    throw new Error(`${e.message}; Page.getInstallabilityErrors: ${JSON.stringify(await phone.installabilityErrors())}`);
  });
  assert.deepEqual(errors, []);
  await screen(phone, 'accounts-empty');

  await page.getByRole('link', { name: 'Add an account', exact: true }).click();
  await expectHeading(page, 'Activate an account');
  await page.getByRole('textbox', { name: 'Activation code or link', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Continue', exact: true }).waitFor();
  await screen(phone, 'activate-enter-code');
}));

test('activation from the link on the gateway RP: passkey, notifications on, push registered', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { deviceId, userName, displayName } = await activate(app, phone, 'demo', 'alice', { shots: 'activation-gateway' });
  assert.equal((await phone.credentials()).length, 1, 'one passkey made');
  assert.ok(phone.subscription, 'the app subscribed to push');

  const [device] = await devicesOf('demo', 'alice');
  assert.equal(device.device_id, deviceId);
  assert.equal(device.push, true);
  assert.equal(device.credential_id, b64ToB64u((await phone.credentials())[0].credentialId));
  await expectAccountRecord(phone, { deviceId, rpId: 'demo', mode: 'gateway', userName, displayName, subscription: phone.subscription });
  assert.equal(new URL(phone.page.url()).hash, '#/accounts', 'the used code left the history: Back or reload cannot redeem it again');
  await eventually(() => phone.page.evaluate(() => document.activeElement?.textContent === 'Account activated'),
    { what: 'focus on the "Account activated" heading once the activation is done' });

  await phone.page.getByRole('link', { name: 'Done', exact: true }).click();
  await expectHeading(phone.page, 'Accounts');
  await eventually(() => phone.page.evaluate(() => {
    const h1 = document.activeElement;
    return h1?.tagName === 'H1' && h1.textContent === 'Accounts';
  }), { what: 'focus on the new screen\'s heading after the route change' });
  const account = phone.page.getByRole('article', { name: `Example Bank: ${userName}`, exact: true });
  await account.getByText('Gateway mode').waitFor();
  await account.getByText('Push on').waitFor();
  await account.getByRole('button', { name: `Remove Example Bank: ${userName}`, exact: true }).waitFor();
  await screen(phone, 'accounts-one');
}));

test('activation from the link on the secure RP: the account opens an inbox', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { deviceId, userName, displayName } = await activate(app, phone, 'demo-secure', 'bob', { shots: 'activation-secure' });
  const [device] = await devicesOf('demo-secure', 'bob');
  assert.equal(device.device_id, deviceId);
  assert.equal(device.push, true);
  await expectAccountRecord(phone, { deviceId, rpId: 'demo-secure', mode: 'secure', userName, displayName, subscription: phone.subscription });

  await phone.page.getByRole('link', { name: 'Done', exact: true }).click();
  const account = phone.page.getByRole('article', { name: `Example Bank (secure): ${userName}`, exact: true });
  await account.getByText('Secure mode').waitFor();
  assert.equal(await account.getByRole('link', { name: 'Open inbox', exact: true }).getAttribute('href'), `#/inbox/${deviceId}`);
}));

test('activation with notifications denied: "Notifications are off", and the RP sees push false', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone({ notifications: 'denied' });
  const { deviceId, userName, displayName } = await activate(app, phone, 'demo', 'carol', { notifications: 'off', shots: 'activation-denied' });
  assert.equal(phone.subscription, null, 'nothing subscribed');
  const [device] = await devicesOf('demo', 'carol');
  assert.equal(device.device_id, deviceId);
  assert.equal(device.push, false);
  await expectAccountRecord(phone, { deviceId, rpId: 'demo', mode: 'gateway', userName, displayName, subscription: null });

  await phone.page.getByRole('link', { name: 'Done', exact: true }).click();
  const account = phone.page.getByRole('article', { name: `Example Bank: ${userName}`, exact: true });
  await account.getByText('Push off (poll only)').waitFor();
  await screen(phone, 'accounts-push-off');
}));

test('removing an account: "Remove this account?" — Keep keeps it, Remove account deactivates the device', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { deviceId, userName } = await activate(app, phone, 'demo', 'dave');
  await phone.page.getByRole('link', { name: 'Done', exact: true }).click();
  const account = phone.page.getByRole('article', { name: `Example Bank: ${userName}`, exact: true });
  const dialog = phone.page.getByRole('dialog', { name: 'Remove this account?' });

  await account.getByRole('button', { name: `Remove Example Bank: ${userName}`, exact: true }).click();
  await dialog.waitFor();
  await screen(phone, 'remove-dialog');
  await dialog.getByRole('button', { name: 'Keep', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await account.waitFor();
  assert.deepEqual((await devicesOf('demo', 'dave')).map((d) => d.device_id), [deviceId]);

  await account.getByRole('button', { name: `Remove Example Bank: ${userName}`, exact: true }).click();
  await dialog.getByRole('button', { name: 'Remove account', exact: true }).click();
  await account.waitFor({ state: 'detached' });
  await expectText(phone.page, 'No accounts yet');
  assert.deepEqual(await devicesOf('demo', 'dave'), [], 'the edge removed the device');
  assert.deepEqual(await storedAccounts(phone.page), [], 'and the app its record');
}));

test('an activation link opened again after use says the code was used, not that a request is unknown', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { activation } = await activate(app, phone, 'demo', 'oscar');
  await phone.page.goto(activation.activation_url);
  await expectAlert(phone.page, /^This activation code was already used\./);
  await screen(phone, 'activate-code-used');
}));
