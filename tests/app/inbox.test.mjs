// Secure mode (SPEC §4, §7; app contract "Inbox"): details only after a passkey unlocks the
// account's inbox; the user decides one request, returns to the list, decides the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appSuite, activate, createRequest, openFromPush, expectRequestShown, expectHeading, expectStatus, expectText,
  approve, openDenyDialog, rpFinal, verifyReceipt, screen, loginRequest, signRequest,
} from './lib/assent.mjs';

const app = appSuite();
const RP = 'demo-secure';

const inboxEntry = (page, title) => page.getByRole('button', { name: title, exact: true });

/** The locked inbox: h1 "Pending requests" and "Unlock with passkey", no details yet. */
async function expectLockedInbox(phone, titles) {
  await expectHeading(phone.page, 'Pending requests');
  await phone.page.getByRole('button', { name: 'Unlock with passkey', exact: true }).waitFor();
  for (const title of titles) {
    assert.equal(await inboxEntry(phone.page, title).count(), 0, `"${title}" is not shown before unlocking`);
  }
}

/** Status, then Done → back to the inbox list. */
async function backToList(phone, statusPattern) {
  await expectStatus(phone.page, statusPattern);
  await phone.page.getByRole('button', { name: 'Done', exact: true }).click();
  await expectHeading(phone.page, 'Pending requests');
}

test('secure inbox at #/inbox/<device>: unlock lists both; approve one, back to the list, deny the other; empty', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { deviceId } = await activate(app, phone, RP, 'alice');
  const login = loginRequest('alice');
  const sign = signRequest('alice');
  const createdLogin = await createRequest(app, RP, login);
  const createdSign = await createRequest(app, RP, sign);

  await phone.page.goto('about:blank');
  await phone.page.goto(`${app.url}/#/inbox/${deviceId}`);
  await expectLockedInbox(phone, [login.title, sign.title]);
  await screen(phone, 'inbox-locked');

  await phone.page.getByRole('button', { name: 'Unlock with passkey', exact: true }).click();
  await inboxEntry(phone.page, login.title).waitFor();
  await inboxEntry(phone.page, sign.title).waitFor();
  await screen(phone, 'inbox-list');

  await inboxEntry(phone.page, login.title).click();
  await expectRequestShown(app, phone, RP, login);
  await screen(phone, 'inbox-request-login');
  await approve(phone, { code: createdLogin.binding_code });
  await backToList(phone, /^Approved/);
  await inboxEntry(phone.page, sign.title).waitFor();
  assert.equal(await inboxEntry(phone.page, login.title).count(), 0, 'the decided request left the list');

  await inboxEntry(phone.page, sign.title).click();
  await expectRequestShown(app, phone, RP, sign);
  const dialog = await openDenyDialog(phone);
  await dialog.getByRole('button', { name: 'Deny request', exact: true }).click();
  await backToList(phone, /^Denied/);
  await expectText(phone.page, 'No pending requests');
  await screen(phone, 'inbox-empty');

  const approved = await rpFinal(app, RP, createdLogin.request_id);
  assert.equal(approved.status, 'approved');
  await verifyReceipt(app, RP, approved, { userId: 'alice', deviceId, decision: 'approve', bindingCode: createdLogin.binding_code });
  const denied = await rpFinal(app, RP, createdSign.request_id);
  assert.equal(denied.status, 'denied');
  assert.equal(denied.reason, 'rejected');
  await verifyReceipt(app, RP, denied, { userId: 'alice', deviceId, decision: 'deny', reason: 'rejected' });
}));

test('secure mode: a tapped push opens the locked inbox; unlocking shows that request, which is approved', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { deviceId } = await activate(app, phone, RP, 'carol');
  const sign = signRequest('carol');
  const created = await createRequest(app, RP, sign);
  await openFromPush(app, phone, created, { deviceId, rpId: RP, kind: 'sign' });
  await expectLockedInbox(phone, [sign.title]);
  await phone.page.getByRole('button', { name: 'Unlock with passkey', exact: true }).click();
  await expectRequestShown(app, phone, RP, sign);
  await screen(phone, 'inbox-request-sign');
  await approve(phone);
  await expectStatus(phone.page, /^Approved/);

  const final = await rpFinal(app, RP, created.request_id);
  assert.equal(final.status, 'approved');
  const receipt = await verifyReceipt(app, RP, final, { userId: 'carol', deviceId, decision: 'approve' });
  assert.deepEqual(receipt.request.fields, sign.fields);
}));

test('the accounts list shows a secure account\'s pending count and opens its inbox', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { deviceId, userName } = await activate(app, phone, RP, 'bob');
  await createRequest(app, RP, loginRequest('bob'));
  await phone.page.goto(`${app.url}/#/`);
  await expectHeading(phone.page, 'Accounts');
  const account = phone.page.getByRole('article', { name: `Example Bank (secure): ${userName}`, exact: true });
  await account.getByRole('link', { name: '1 pending' }).waitFor();
  await screen(phone, 'accounts-pending');
  const inbox = account.getByRole('link', { name: 'Open inbox', exact: true });
  assert.equal(await inbox.getAttribute('href'), `#/inbox/${deviceId}`);
  await inbox.click();
  await expectLockedInbox(phone, [loginRequest('bob').title]);
}));
