// A login nobody answers: the edge's alarm expires it (SPEC §9: "expiry is detected by the
// edge itself"), the widget on the bank's page shows it expired, and the bank does not sign in.
// The RPs' limits make a request live 6 s here, so the test need not wait two minutes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import { createDevice } from '../edge/lib/device.mjs';
import { CHROMIUM_ARGS, screenshot } from '../app/lib/phone.mjs';
import { bankApi, startSystem } from './lib/system.mjs';

let system;
let browser;
before(async () => {
  system = await startSystem({ limits: { min_ttl_seconds: 1, max_ttl_seconds: 6 } });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
  system?.stop();
});

test('a login left unanswered shows expired in the widget, and nobody is signed in', async () => {
  const created = await bankApi(system.bank.url, 'POST', '/api/enrol', { rp: 'demo', user_id: 'ivy' });
  const phone = createDevice({ edgeUrl: system.edge.url });
  assert.equal((await phone.activate(created.body.activation_url.split('#/activate/')[1])).status, 200);

  const page = await browser.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${system.bank.url}/login`);
  await page.getByLabel('User id').fill('ivy');
  await page.getByRole('button', { name: 'Log in with Assent' }).click();
  const widget = page.locator('assent-status');
  await widget.locator('[part~="countdown"]').waitFor();
  assert.match(await widget.locator('[part~="countdown"]').innerText(), /\d:\d\d/);
  const events = [];
  await page.exposeFunction('recordStatus', (detail) => events.push(detail));
  await page.evaluate(() => document.querySelector('assent-status')
    .addEventListener('assent-status', (e) => window.recordStatus(e.detail)));
  await page.locator('#not-signed-in').waitFor();
  assert.match(await page.locator('#not-signed-in').innerText(), /expired/);
  assert.match(await widget.locator('[part~="message"]').innerText(), /expired/i);
  assert.ok(events.some((d) => d.status === 'expired'), JSON.stringify(events));
  await screenshot(page, 'bank-login-expired');
});
