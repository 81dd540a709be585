// The whole system end to end in headless Chromium, as a person uses it: one browser is the
// user's computer on Example Bank (its own origin), the other is the user's phone with the
// Assent PWA (a virtual authenticator, pushes from the edge decrypted by the fake push service
// and delivered to the PWA's service worker). Screenshots of every state go to tests/out/app
// (and docs/gallery with ASSENT_GALLERY=1).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import { createPushService } from '../edge/lib/fake-push.mjs';
import { CHROMIUM_ARGS, checkAccessibility, eventually, openPhone, screenshot } from '../app/lib/phone.mjs';
import { startSystem } from './lib/system.mjs';

let system;
let push;
let phone;
let browser;
let bank;

before(async () => {
  system = await startSystem();
  push = await createPushService();
  phone = await openPhone({ origin: system.edge.url, push, name: 'bank-phone' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  bank = await (await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' })).newPage();
  bank.setDefaultTimeout(15_000);
});
after(async () => {
  await phone?.close();
  await browser?.close();
  await push?.close?.();
  system?.stop();
});

const widget = () => bank.locator('assent-status');
/** The two digits the widget shows (its code part also holds a visible label). */
function shownCode() {
  return eventually(async () => (await widget().locator('[part~="code"]').innerText()).match(/(\d\d)\s*$/)?.[1] ?? false,
    { timeout: 15_000, what: 'the binding code in the widget' });
}

/** The request the bank page is following, as the phone's notification opens it. */
async function openOnPhone() {
  const requestId = await widget().getAttribute('request-id');
  const note = await phone.waitForNotification({ tag: requestId });
  await phone.page.goto(note.data.navigate);
  await phone.page.getByRole('button', { name: 'Approve' }).waitFor();
  return requestId;
}

async function enrol(user) {
  await bank.goto(`${system.bank.url}/enrol`);
  await bank.getByLabel('Bank').selectOption('demo');
  await bank.getByLabel('User id').fill(user);
  await bank.getByLabel('Your name').fill(`${user[0].toUpperCase()}${user.slice(1)}`);
  await bank.getByRole('button', { name: 'Create activation' }).click();
  await bank.locator('#activation').waitFor();
  return bank.locator('#link').getAttribute('href');
}

test('enrol on the bank by following the activation link on the phone', async () => {
  const link = await enrol('alice');
  assert.match(link, new RegExp(`^${system.edge.url}/#/activate/`));
  await screenshot(bank, 'bank-enrol-qr');
  await checkAccessibility(bank, 'bank enrol');
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Activate with passkey' }).click();
  await phone.page.getByRole('heading', { name: 'Account activated' }).waitFor();
  await bank.getByText('Activated:').waitFor({ timeout: 20_000 });
  await screenshot(bank, 'bank-enrol-activated');
});

test('log in: the phone approves with the code the widget shows; the bank signs in within 1 s', async () => {
  await bank.goto(`${system.bank.url}/login`);
  await bank.getByLabel('User id').fill('alice');
  await bank.getByRole('button', { name: 'Log in with Assent' }).click();
  const code = await shownCode();
  assert.match(code ?? '', /^\d\d$/, 'the widget shows the two-digit code');
  await screenshot(bank, 'bank-login-pending');
  await checkAccessibility(bank, 'bank login with the widget');
  await openOnPhone();
  await phone.page.getByLabel('Code shown on the website').fill(code);
  await phone.page.getByRole('button', { name: 'Approve' }).click();
  await phone.page.getByRole('status').filter({ hasText: 'Approved' }).waitFor();
  const approvedAt = Date.now();
  await bank.locator('#signed-in').waitFor();
  const flipMs = Date.now() - approvedAt;
  assert.match(await bank.locator('#signed-in').innerText(), /Signed in as alice/);
  assert.ok(flipMs <= 1000, `the bank showed "signed in" ${flipMs} ms after the phone's approval (≤ 1000)`);
  await screenshot(bank, 'bank-login-signed-in');
  await screenshot(phone.page, 'bank-phone-login-approved');
});

async function startTransfer(fields) {
  await bank.goto(`${system.bank.url}/transfer`);
  await bank.getByLabel('User id').fill('alice');
  await bank.getByLabel('Amount (EUR)').fill(fields.amount);
  await bank.getByLabel('Payee').fill(fields.payee);
  await bank.getByLabel('IBAN').fill(fields.iban);
  await bank.getByLabel('Reference (optional)').fill(fields.reference);
  await bank.getByRole('button', { name: 'Send with Assent' }).click();
  await widget().waitFor();
  return openOnPhone();
}

/** The [term, value] pairs of the description list labelled `label`. */
function termsIn(page, label) {
  return page.locator(`dl[aria-label="${label}"]`).evaluate((dl) =>
    [...dl.querySelectorAll('dt')].map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]));
}

test('transfer approved: the same fields on the phone, in the signed receipt and on the bank', async () => {
  await startTransfer({ amount: '1250.00', payee: 'ACME NV', iban: 'BE71 0961 2345 6769', reference: 'Invoice 2026-118' });
  const expected = [['Amount', 'EUR 1,250.00'], ['Payee', 'ACME NV'], ['IBAN', 'BE71 0961 2345 6769'], ['Reference', 'Invoice 2026-118']];
  assert.deepEqual(await termsIn(phone.page, 'Details to sign'), expected);
  await screenshot(phone.page, 'bank-phone-transfer');
  await phone.page.getByRole('button', { name: 'Approve' }).click();
  await phone.page.getByRole('status').filter({ hasText: 'Approved' }).waitFor();
  await bank.locator('#transfer-done').waitFor();
  const signed = await termsIn(bank, 'Signed fields');
  assert.deepEqual(signed.filter(([k]) => expected.some(([e]) => e === k)), expected);
  assert.deepEqual(signed[0], ['Decision', 'approve']);
  await screenshot(bank, 'bank-transfer-approved');
  await checkAccessibility(bank, 'bank transfer receipt');
});

test('transfer denied as fraud: the bank refuses it and says so', async () => {
  await startTransfer({ amount: '9800', payee: 'Mule Ltd', iban: 'GB33BUKB20201555555555', reference: 'urgent' });
  await phone.page.getByRole('button', { name: 'Deny' }).click();
  await phone.page.getByRole('button', { name: 'I did not ask for this' }).click();
  await phone.page.getByRole('status').filter({ hasText: 'Reported as fraud' }).waitFor();
  await bank.locator('#transfer-refused').waitFor();
  assert.match(await bank.locator('#transfer-refused').innerText(), /reported it as not yours/);
  await screenshot(bank, 'bank-transfer-fraud');
});

test('the widget recovers after the edge restarts mid-request', async () => {
  // The fraud report froze new requests for this account (SPEC §10): a fresh user.
  const link = await enrol('bob');
  await phone.page.goto(link);
  await phone.page.getByRole('button', { name: 'Activate with passkey' }).click();
  await phone.page.getByRole('heading', { name: 'Account activated' }).waitFor();
  await bank.goto(`${system.bank.url}/login`);
  await bank.getByLabel('User id').fill('bob');
  await bank.getByRole('button', { name: 'Log in with Assent' }).click();
  const code = await shownCode();
  await openOnPhone();
  await system.edge.restart({ downMs: 1500 });
  await phone.page.getByLabel('Code shown on the website').fill(code);
  await phone.page.getByRole('button', { name: 'Approve' }).click();
  try {
    await phone.page.getByRole('status').filter({ hasText: 'Approved' }).waitFor();
  } catch (error) {
    console.log(await phone.page.locator('main').innerText());
    await phone.printDiagnostics();
    throw error;
  }
  await bank.locator('#signed-in').waitFor({ timeout: 20_000 });
  await screenshot(bank, 'bank-login-after-restart');
});

test('with the widget blocked, the bank page says so and still learns the outcome from its server', async () => {
  // bob was enrolled by the test before. A fresh page whose widget script never arrives.
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US' });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.route('**/widget.js', (route) => route.abort());
    await page.goto(`${system.bank.url}/login`);
    await page.locator('#error').filter({ hasText: 'The Assent widget did not load' }).waitFor();
    await page.getByLabel('User id').fill('bob');
    await page.getByRole('button', { name: 'Log in with Assent' }).click();
    const requestId = await eventually(() => page.locator('assent-status').getAttribute('request-id'),
      { what: 'the request the page follows' });
    const note = await phone.waitForNotification({ tag: requestId });
    await phone.page.goto(note.data.navigate);
    await phone.page.getByRole('button', { name: 'Deny', exact: true }).click();
    await phone.page.getByRole('dialog', { name: 'Deny this request?' })
      .getByRole('button', { name: 'Deny request', exact: true }).click();
    await phone.page.getByRole('status').filter({ hasText: /^Denied/ }).waitFor();
    await page.locator('#not-signed-in').waitFor();
    assert.equal(await page.locator('#not-signed-in').innerText(), 'Not signed in: the request was denied (rejected).');
  } finally {
    await context.close();
  }
});
