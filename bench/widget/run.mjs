// Issue 5's figures, on loopback: how fast a decision reaches the widget on a website, how
// much a page downloads for the widget, and the first load of the demo bank's login page
// with it. One edge and the demo bank under `wrangler dev`, one headless Chromium on the
// bank's page, a software phone deciding through the device API.
//
//   node bench/widget/run.mjs [--runs 60] [--json out.json]
// Exit 1 when the p95 latency target (≤ 300 ms) or the widget budget (≤ 30 KB gzip) is missed.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

import { createDevice } from '../../tests/edge/lib/device.mjs';
import { CHROMIUM_ARGS } from '../../tests/app/lib/phone.mjs';
import { bankApi, startSystem } from '../../tests/demo/lib/system.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const runs = Number(arg('--runs', 60));
const jsonOut = arg('--json', null);
const P95_TARGET_MS = 300;
const WIDGET_BUDGET = 30 * 1024;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

const system = await startSystem({ limits: { requests_per_10_min: 10_000 } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
let exitCode = 0;
try {
  const bank = system.bank.url;
  const enrolled = await bankApi(bank, 'POST', '/api/enrol', { rp: 'demo', user_id: 'bench' });
  const phone = createDevice({ edgeUrl: system.edge.url });
  const activated = await phone.activate(enrolled.body.activation_url.split('#/activate/')[1]);
  if (activated.status !== 200) throw new Error(`activation failed: ${JSON.stringify(activated.body)}`);

  // First load of the login page with the widget, everything both origins served.
  const page = await browser.newPage();
  const sizes = new Map();
  const record = async (response) => {
    const body = await response.body().catch(() => null);
    if (body && response.status() === 200) sizes.set(response.url(), { raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  };
  page.on('response', record);
  await page.goto(`${bank}/login`);
  await page.waitForFunction(() => customElements.get('assent-status') !== undefined);
  await page.waitForLoadState('networkidle');
  page.off('response', record);
  const widgetFiles = [...sizes.entries()].filter(([url]) => url.startsWith(system.edge.url) && /\/widget/.test(url));
  const widgetGzip = widgetFiles.reduce((t, [, s]) => t + s.gzip, 0);
  const pageTotal = [...sizes.values()].reduce((t, s) => ({ raw: t.raw + s.raw, gzip: t.gzip + s.gzip }), { raw: 0, gzip: 0 });

  // Latency: one element reused for each request, as a page does for the next login.
  await page.evaluate(() => {
    const el = document.createElement('assent-status');
    document.querySelector('main').append(el);
    window.statusEvents = [];
    el.addEventListener('assent-status', (e) => window.statusEvents.push({ ...e.detail, at: Date.now() }));
  });
  const latencies = [];
  const fromAnswer = [];
  for (let i = 0; i < runs; i += 1) {
    const { body: created } = await bankApi(bank, 'POST', '/api/login', { rp: 'demo', user_id: 'bench' });
    await page.evaluate(({ id, token }) => {
      window.statusEvents = [];
      const el = document.querySelector('assent-status');
      el.setAttribute('request-id', id);
      el.setAttribute('token', token);
    }, { id: created.request_id, token: created.status_token });
    await page.waitForFunction(() => window.statusEvents.some((e) => e.status === 'pending'));
    // Let the live socket settle: the widget opens it after its first read. The clock starts
    // before the phone signs (a software authenticator process) and sends: an upper bound.
    await page.waitForTimeout(150);
    const { body: details } = await phone.getRequest(created.request_id);
    const sentAt = Date.now();
    const decided = await phone.decide(created.request_id, { request: details.request, decision: 'approve', binding_code: created.binding_code });
    const answeredAt = Date.now();
    if (decided.status !== 200) throw new Error(`decision failed: ${JSON.stringify(decided.body)}`);
    const event = await (await page.waitForFunction(() => window.statusEvents.find((e) => e.status === 'approved'))).jsonValue();
    latencies.push(event.at - sentAt);
    fromAnswer.push(event.at - answeredAt);
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const sortedAnswer = [...fromAnswer].sort((a, b) => a - b);
  const result = {
    runs,
    decisionToWidget: { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) },
    answerToWidget: { median: quantile(sortedAnswer, 0.5), p95: quantile(sortedAnswer, 0.95) },
    widget: { files: Object.fromEntries(widgetFiles), gzip: widgetGzip },
    loginPage: { files: sizes.size, ...pageTotal },
  };
  console.log(`\nWidget (loopback; decisions by a software phone, ${runs} runs)`);
  console.log(`decision sent → widget event: median ${result.decisionToWidget.median} ms, p95 ${result.decisionToWidget.p95} ms, max ${result.decisionToWidget.max} ms (target p95 ≤ ${P95_TARGET_MS} ms): ${result.decisionToWidget.p95 <= P95_TARGET_MS ? 'PASS' : 'FAIL'}`);
  const early = fromAnswer.filter((d) => d <= 0).length;
  console.log(`phone's answer → widget event: median ${result.answerToWidget.median} ms, p95 ${result.answerToWidget.p95} ms; the widget knew first in ${early} of ${runs} runs (the edge broadcasts before it answers)`);
  console.log(`widget download: ${widgetFiles.map(([u, s]) => `${new URL(u).pathname} ${kb(s.gzip)}`).join(' + ')} = ${kb(widgetGzip)} gzip (budget ≤ ${kb(WIDGET_BUDGET)}): ${widgetGzip <= WIDGET_BUDGET ? 'PASS' : 'FAIL'}`);
  console.log(`demo login page first load: ${sizes.size} files, ${kb(pageTotal.raw)} raw, ${kb(pageTotal.gzip)} gzip`);
  if (result.decisionToWidget.p95 > P95_TARGET_MS || widgetGzip > WIDGET_BUDGET) exitCode = 1;
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  system.stop();
}
process.exit(exitCode);
