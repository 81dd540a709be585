// Push re-registration (SPEC §7 `PUT /v1/device/{id}/push`, app contract IndexedDB): when
// the browser's subscription changes, the app re-sends it at its next start, and the next
// request's push goes to the new subscription, not the old one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import {
  appSuite, activate, createRequest, openFromPush, expectRequestShown, expectHeading, storedAccounts,
  screen, loginRequest,
} from './lib/assent.mjs';
import { eventually } from './lib/phone.mjs';

const app = appSuite();
const RP = 'demo';

test('a changed subscription is re-registered at the next start; the next push reaches the new one only', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { deviceId } = await activate(app, phone, RP, 'alice');
  const [before] = await storedAccounts(phone.page);
  assert.deepEqual(JSON.parse(before.push_subscription), phone.subscription);
  assert.equal(before.push_seq, 1);

  const { previous, current } = phone.rotateSubscription();
  // The re-registration's seq is at least the phone's clock in milliseconds (same machine),
  // so that a seq stored but lost can never be sent twice (SPEC §7: strictly increasing).
  const rotatedAt = Date.now();
  await phone.page.goto(`${app.url}/#/`);
  await phone.page.reload();
  await expectHeading(phone.page, 'Accounts');
  const after = await eventually(async () => {
    const [r] = await storedAccounts(phone.page);
    return r.push_subscription && isDeepStrictEqual(JSON.parse(r.push_subscription), current.subscription) ? r : undefined;
  }, { what: 'the new subscription stored as registered after the app re-registered' });
  assert.ok(after.push_seq >= rotatedAt, `push_seq ${after.push_seq} is the clock in ms (≥ ${rotatedAt})`);
  assert.ok(after.push_seq <= Date.now(), `push_seq ${after.push_seq} is not ahead of the clock`);
  const [device] = (await app.rp(RP, 'GET', '/v1/users/alice/devices')).body.devices;
  assert.equal(device.push, true);

  const body = loginRequest('alice');
  const created = await createRequest(app, RP, body);
  assert.equal(created.devices_notified, 1);
  const [pushed] = await app.push.waitFor(current.id, 1);
  assert.equal(pushed.json.assent.request_id, created.request_id);
  assert.deepEqual(app.push.attempts(previous.id), [], 'nothing was sent to the old subscription');
  await openFromPush(app, phone, created, { deviceId, rpId: RP, kind: 'login' });
  await expectRequestShown(app, phone, RP, body);
  await screen(phone, 'request-after-resubscribe');
}));
