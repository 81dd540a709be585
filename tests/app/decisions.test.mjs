// Push and Login / Push and Sign on a gateway RP (SPEC §2, §6, §7; app contract "Request"):
// the push shows a notification, tapping it opens the request, the user decides with a
// passkey, and the RP sees the one decision with a receipt that verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appSuite, activate, createRequest, openFromPush, expectRequestShown, expectHeading, expectStatus,
  approve, openDenyDialog, rpFinal, rpRequest, verifyReceipt, screen, loginRequest, signRequest, wrongCode,
} from './lib/assent.mjs';

const app = appSuite();
const RP = 'demo';

/** An activated phone for `user` with one request of `body` opened from its push. */
async function requestOpened(openPhone, user, body) {
  const phone = await openPhone();
  const { deviceId } = await activate(app, phone, RP, user);
  const created = await createRequest(app, RP, body);
  await openFromPush(app, phone, created, { deviceId, rpId: RP, kind: body.kind });
  await expectRequestShown(app, phone, RP, body);
  return { phone, deviceId, created };
}

/** After a decision, Done leaves the request for a list (accounts or the inbox). */
async function done(phone, title) {
  await phone.page.getByRole('button', { name: 'Done', exact: true }).click();
  await phone.page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor({ state: 'detached' });
  await expectHeading(phone.page, 'Accounts');
}

test('Push and Login: the notification opens the request; the right code and Approve → approved, receipt verified', app.scenario(async ({ openPhone }) => {
  const body = loginRequest('alice');
  const { phone, deviceId, created } = await requestOpened(openPhone, 'alice', body);
  assert.match(created.binding_code, /^\d\d$/);
  await screen(phone, 'request-login');

  await approve(phone, { code: created.binding_code });
  const status = await expectStatus(phone.page, /^Approved/);
  assert.match(status, /^Approved/);
  await screen(phone, 'decided-approved');

  const final = await rpFinal(app, RP, created.request_id);
  assert.equal(final.status, 'approved');
  assert.equal(final.device_id, deviceId);
  const receipt = await verifyReceipt(app, RP, final, { userId: 'alice', deviceId, decision: 'approve', bindingCode: created.binding_code });
  assert.equal(receipt.request.title, body.title);
  assert.deepEqual(receipt.request.context, body.context);
  await done(phone, body.title);
}));

test('a wrong code: "Denied: the code did not match", and the RP sees denied / binding_mismatch', app.scenario(async ({ openPhone }) => {
  const { phone, deviceId, created } = await requestOpened(openPhone, 'bob', loginRequest('bob'));
  const wrong = wrongCode(created.binding_code);
  assert.notEqual(wrong, created.binding_code);
  await approve(phone, { code: wrong });
  await expectStatus(phone.page, /^Denied: the code did not match/);
  await screen(phone, 'decided-code-mismatch');

  const final = await rpFinal(app, RP, created.request_id);
  assert.equal(final.status, 'denied');
  assert.equal(final.reason, 'binding_mismatch');
  await verifyReceipt(app, RP, final, { userId: 'bob', deviceId, decision: 'approve', bindingCode: wrong });
}));

test('Deny → "Deny this request?" → Deny request: denied / rejected', app.scenario(async ({ openPhone }) => {
  const body = loginRequest('carol');
  const { phone, deviceId, created } = await requestOpened(openPhone, 'carol', body);
  const dialog = await openDenyDialog(phone, { shots: 'deny-dialog' });
  await dialog.getByRole('button', { name: 'Deny request', exact: true }).click();
  const status = await expectStatus(phone.page, /^Denied/);
  assert.doesNotMatch(status, /code did not match/);
  await screen(phone, 'decided-denied');

  const final = await rpFinal(app, RP, created.request_id);
  assert.equal(final.status, 'denied');
  assert.equal(final.reason, 'rejected');
  await verifyReceipt(app, RP, final, { userId: 'carol', deviceId, decision: 'deny', reason: 'rejected' });
  await done(phone, body.title);
}));

test('Deny → "I did not ask for this": reported as fraud, denied / fraud', app.scenario(async ({ openPhone }) => {
  const { phone, deviceId, created } = await requestOpened(openPhone, 'dave', loginRequest('dave'));
  const dialog = await openDenyDialog(phone);
  await dialog.getByRole('button', { name: 'I did not ask for this', exact: true }).click();
  await expectStatus(phone.page, /^Reported as fraud/);
  await screen(phone, 'decided-fraud');

  const final = await rpFinal(app, RP, created.request_id);
  assert.equal(final.status, 'denied');
  assert.equal(final.reason, 'fraud');
  await verifyReceipt(app, RP, final, { userId: 'dave', deviceId, decision: 'deny', reason: 'fraud' });
}));

test('Deny → Back closes the dialog and decides nothing', app.scenario(async ({ openPhone }) => {
  const body = loginRequest('erin');
  const { phone, created } = await requestOpened(openPhone, 'erin', body);
  const dialog = await openDenyDialog(phone);
  await dialog.getByRole('button', { name: 'Back', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await expectHeading(phone.page, body.title);
  assert.equal((await rpRequest(app, RP, created.request_id)).status, 'pending');
}));

test('Cancel leaves the request without deciding it', app.scenario(async ({ openPhone }) => {
  const body = loginRequest('frank');
  const { phone, created } = await requestOpened(openPhone, 'frank', body);
  await phone.page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await phone.page.getByRole('heading', { level: 1, name: body.title, exact: true }).waitFor({ state: 'detached' });
  assert.equal((await rpRequest(app, RP, created.request_id)).status, 'pending');
}));

test('Push and Sign: every field shown in order under "Details to sign"; Approve → approved, receipt verified', app.scenario(async ({ openPhone }) => {
  const body = signRequest('grace');
  const { phone, deviceId, created } = await requestOpened(openPhone, 'grace', body);
  assert.equal(created.binding_code, null, 'no number matching for sign by default');
  assert.equal(await phone.page.getByRole('textbox', { name: 'Code shown on the website' }).count(), 0, 'no code to type');
  await screen(phone, 'request-sign');

  await approve(phone);
  await expectStatus(phone.page, /^Approved/);
  await screen(phone, 'decided-sign-approved');

  const final = await rpFinal(app, RP, created.request_id);
  assert.equal(final.status, 'approved');
  const receipt = await verifyReceipt(app, RP, final, { userId: 'grace', deviceId, decision: 'approve' });
  assert.deepEqual(receipt.request.fields, body.fields, 'what was signed is every field as sent');
  await done(phone, body.title);
}));
