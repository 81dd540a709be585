// Expiry (SPEC §5, app contract "Request"): the countdown runs live, and a request opened
// after it expired says so. The gateway RP here accepts ttl_seconds down to 5 (APP_RPS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appSuite, activate, createRequest, openFromPush, expectRequestShown, expectAlert, rpRequest,
  screen, loginRequest, approve, rpFinal,
} from './lib/assent.mjs';
import { eventually } from './lib/phone.mjs';

const app = appSuite();
const RP = 'demo';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Seconds left that the `role="timer"` shows ("Expires in m:ss"). */
async function timerSeconds(page) {
  const text = (await page.getByRole('timer').innerText()).trim();
  const m = /^Expires in (\d+):(\d\d)$/.exec(text);
  assert.ok(m, `timer text "${text}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

test('the countdown to expiry runs live', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { deviceId } = await activate(app, phone, RP, 'alice');
  const body = loginRequest('alice', { ttl_seconds: 90 });
  const created = await createRequest(app, RP, body);
  await openFromPush(app, phone, created, { deviceId, rpId: RP, kind: 'login' });
  await expectRequestShown(app, phone, RP, body);

  const first = await timerSeconds(phone.page);
  const left = created.expires_at - Math.floor(Date.now() / 1000);
  assert.ok(first <= 90 && Math.abs(first - left) <= 2, `shows ${first} s, ${left} s are left`);
  await sleep(2500);
  const later = await timerSeconds(phone.page);
  assert.ok(later >= first - 4 && later <= first - 1, `counts down: ${first} s, then ${later} s 2.5 s later`);
  await screen(phone, 'request-countdown');
}));

test('a request opened after it expired: "This request has expired."', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { deviceId } = await activate(app, phone, RP, 'bob');
  const created = await createRequest(app, RP, loginRequest('bob', { ttl_seconds: 5 }));
  const n = await phone.waitForNotification({ tag: created.request_id });
  await eventually(async () => (await rpRequest(app, RP, created.request_id)).status === 'expired', {
    timeout: 20_000, what: 'the edge to expire the request',
  });
  await openFromPush(app, phone, created, { deviceId, rpId: RP, kind: 'login' });
  assert.equal(phone.page.url(), n.data.navigate);
  await expectAlert(phone.page, 'This request has expired.');
  await screen(phone, 'expired');
}));

test("a phone whose clock is 5 minutes fast counts down by the edge's clock and can still approve", app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { deviceId } = await activate(app, phone, RP, 'carol');
  // The page's Date runs 5 minutes ahead of the real (and the edge's) time from here on.
  await phone.page.clock.setSystemTime(Date.now() + 5 * 60_000);
  const body = loginRequest('carol', { ttl_seconds: 120 });
  const created = await createRequest(app, RP, body);
  await openFromPush(app, phone, created, { deviceId, rpId: RP, kind: 'login' });
  const ahead = (await phone.page.evaluate(() => Date.now())) - Date.now();
  assert.ok(ahead > 4 * 60_000, `the page's clock is ${ahead} ms ahead`);
  await expectRequestShown(app, phone, RP, body);
  const shown = await timerSeconds(phone.page);
  const left = created.expires_at - Math.floor(Date.now() / 1000);
  assert.ok(Math.abs(shown - left) <= 3, `shows ${shown} s, ${left} s are left by the edge's clock`);
  await approve(phone, { code: created.binding_code });
  assert.equal((await rpFinal(app, RP, created.request_id)).status, 'approved');
}));
