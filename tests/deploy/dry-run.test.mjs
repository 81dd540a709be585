// The operator's last step, proven short of the network: `wrangler deploy --dry-run` bundles
// the real wrangler.toml (the built Worker, its static assets, every binding) exactly as
// `wrangler deploy` would upload it, and the demo bank's configuration bundles too (with
// `jose` from node_modules). Needs the Worker and the PWA built (scripts/test.sh does both).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const root = resolve(import.meta.dirname, '../..');
// Cloudflare's limit on a Worker's compressed size (free plan; paid plans allow 10 MB).
const FREE_PLAN_LIMIT_BYTES = 3 * 1024 * 1024;

function dryRun(args) {
  const outdir = mkdtempSync(join(tmpdir(), 'assent-dry-run-'));
  const run = spawnSync(join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', outdir, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`,
      CI: 'true',
      WRANGLER_SEND_METRICS: 'false',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    },
    timeout: 120_000,
  });
  return { ...run, output: `${run.stdout}\n${run.stderr}`, outdir };
}

test('the edge bundles for `wrangler deploy` with every binding and its static assets', () => {
  const run = dryRun([]);
  assert.equal(run.status, 0, run.output);
  assert.match(run.output, /--dry-run: exiting now/);
  for (const binding of [/env\.ACCOUNT \(Account\)\s+Durable Object/, /env\.ASSENT_KV .*KV Namespace/,
    /env\.WEBHOOKS \(assent-webhooks\)\s+Queue/, /env\.WEBHOOKS_DLQ \(assent-webhooks-dlq\)\s+Queue/, /env\.ASSETS\s+Assets/]) {
    assert.match(run.output, binding);
  }
  const assets = Number(run.output.match(/Read (\d+) files from the assets directory/)?.[1]);
  assert.ok(assets >= 10, `the PWA's files are among the assets (read ${assets})`);
  const files = readdirSync(run.outdir);
  const wasm = files.find((f) => f.endsWith('.wasm'));
  assert.ok(wasm, `a wasm module in the bundle: ${files}`);
  assert.ok(files.includes('shim.js'), 'the worker-build shim is the entry point');
  const gzipped = gzipSync(readFileSync(join(run.outdir, wasm)), { level: 9 }).length
    + gzipSync(readFileSync(join(run.outdir, 'shim.js')), { level: 9 }).length;
  assert.ok(gzipped < FREE_PLAN_LIMIT_BYTES, `Worker ${gzipped} B gzip fits Cloudflare's ${FREE_PLAN_LIMIT_BYTES} B`);
  assert.ok(statSync(join(run.outdir, wasm)).size > 100_000, 'the real Worker, not a stub');
});

test('the demo bank bundles too (its own Worker, jose bundled from node_modules)', () => {
  const run = dryRun(['--config', 'demo/wrangler.toml']);
  assert.equal(run.status, 0, run.output);
  assert.match(run.output, /env\.DEMO_KV .*KV Namespace/);
  const bundle = readFileSync(join(run.outdir, 'worker.js'), 'utf8');
  assert.match(bundle, /jwtVerify/, 'jose is bundled, not left as an import');
  assert.doesNotMatch(bundle, /from ["']jose["']/);
});

test('a broken configuration fails the dry run (the check can fail)', () => {
  const run = dryRun(['--config', 'tests/deploy/broken-wrangler.toml']);
  assert.notEqual(run.status, 0, run.output);
});
