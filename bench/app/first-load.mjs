// The PWA's size, as a phone downloads it: opens the app once in headless Chromium against a
// real `wrangler dev`, records every response of the first load (until the accounts screen
// is drawn and the service worker has cached the shell), and prints each file raw and as
// gzip (Cloudflare serves text and wasm compressed; `wrangler dev` on loopback does not), with
// the target: the PWA's wasm ≤ 250 KB gzip. Exit 1 when the target is missed.
//
//   node bench/app/first-load.mjs [--json out.json]
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

import { root, startWrangler } from '../../tests/edge/lib/wrangler.mjs';

const WASM_TARGET_GZIP = 250 * 1024;
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : null;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const edge = await startWrangler();
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'assent-bench-')), {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const files = new Map();
let exitCode = 0;
try {
  const page = context.pages()[0] ?? await context.newPage();
  // What was requested, sized from the files served (Playwright cannot read the bodies of
  // the service worker's own fetches). The worker's install fetches the shell again: each
  // file counts once.
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== edge.url || url.pathname.startsWith('/v1/') || files.has(url.pathname)) return;
    const path = join(root, 'edge/public', url.pathname === '/' ? 'index.html' : url.pathname);
    if (!existsSync(path)) return;
    const body = readFileSync(path);
    files.set(url.pathname, { raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
  });
  const started = performance.now();
  await page.goto(`${edge.url}/`);
  await page.getByRole('heading', { name: 'Accounts' }).waitFor();
  const drawnMs = performance.now() - started;
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForTimeout(500);

  const rows = [...files.entries()].sort((a, b) => b[1].gzip - a[1].gzip);
  const total = rows.reduce((t, [, f]) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip }), { raw: 0, gzip: 0 });
  const wasm = files.get('/assent-app_bg.wasm');
  console.log('\nPWA first load (headless Chromium, loopback wrangler dev)');
  console.log('| file | raw | gzip |\n|---|---|---|');
  for (const [path, f] of rows) console.log(`| ${path} | ${kb(f.raw)} | ${kb(f.gzip)} |`);
  console.log(`| **total (${rows.length} files)** | ${kb(total.raw)} | ${kb(total.gzip)} |`);
  console.log(`accounts screen drawn ${drawnMs.toFixed(0)} ms after navigation (loopback, no cache)`);
  const pass = wasm && wasm.gzip <= WASM_TARGET_GZIP;
  console.log(`PWA wasm: ${wasm ? kb(wasm.gzip) : 'missing'} gzip (target ≤ ${kb(WASM_TARGET_GZIP)}): ${pass ? 'PASS' : 'FAIL'}`);
  if (!pass) exitCode = 1;
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ files: Object.fromEntries(files), total, drawnMs, wasmTargetGzip: WASM_TARGET_GZIP, pass }, null, 2));
} finally {
  await context.close();
  await edge.stop();
}
process.exit(exitCode);
