// Offline (app contract "Service worker duties", "Offline"): once loaded, the service worker
// has cached the app shell; with the network gone (the phone offline and the edge stopped)
// a reload still renders the app from the cache, shows the accounts from IndexedDB, and
// says "You are offline".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appSuite, activate, expectHeading, expectStatus, screen } from './lib/assent.mjs';
import { eventually } from './lib/phone.mjs';

const app = appSuite();
const SHELL = ['/index.html', '/assent-app.js', '/assent-app_bg.wasm', '/app.css', '/manifest.webmanifest'];

test('the app opened offline renders its shell from the cache and says "You are offline"', app.scenario(async ({ openPhone }) => {
  const phone = await openPhone();
  const { userName } = await activate(app, phone, 'demo', 'alice');
  await phone.page.getByRole('link', { name: 'Done', exact: true }).click();
  await expectHeading(phone.page, 'Accounts');
  await phone.waitForServiceWorkerControl();

  const caches = await eventually(async () => {
    const c = await phone.page.evaluate(async () => {
      const names = (await caches.keys()).filter((k) => k.startsWith('assent-shell-'));
      const out = {};
      for (const name of names) {
        out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
      }
      return out;
    });
    return Object.keys(c).length === 1 && SHELL.every((p) => Object.values(c)[0].includes(p)) ? c : undefined;
  }, { what: `one assent-shell-* cache holding ${SHELL.join(', ')}` });
  assert.equal(Object.keys(caches).length, 1);
  assert.doesNotMatch(Object.keys(caches)[0], /__ASSENT_BUILD__/, 'the build replaced the placeholder');

  await phone.setOffline(true);
  app.stopEdge();
  await phone.page.reload();
  await expectHeading(phone.page, 'Accounts');
  await phone.page.getByRole('article', { name: `Example Bank: ${userName}`, exact: true }).waitFor();
  await expectStatus(phone.page, /You are offline/);
  await screen(phone, 'offline');
}));
