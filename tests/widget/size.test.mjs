// The widget's weight: everything a website's page downloads for <assent-status> — the loader
// with the wasm-bindgen glue bundled in (widget.js) and the wasm — is at most 30 KB gzipped.
//
//   node_modules/.bin/node --test tests/widget/size.test.mjs
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '../..');
const BUDGET = 30 * 1024;

// Measure what the sources build to now, not a stale artefact.
before(() => execFileSync('bash', ['scripts/build-widget.sh'], { cwd: root, stdio: 'inherit' }));

test('loader + glue + wasm ≤ 30 KB gzip', () => {
  const files = ['widget.js', 'widget_bg.wasm'].map((f) => join(root, 'edge/public', f));
  const sizes = files.map((f) => {
    const bytes = readFileSync(f);
    return { file: f, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const total = sizes.reduce((a, s) => a + s.gzip, 0);
  for (const s of sizes) console.log(`${s.file}: ${s.raw} B raw, ${s.gzip} B gzip`);
  console.log(`total ${total} B gzip of a ${BUDGET} B budget`);
  assert.ok(total <= BUDGET, `${total} B gzip > ${BUDGET} B`);
  // The loader imports nothing else: the page fetches exactly these two files.
  assert.doesNotMatch(readFileSync(files[0], 'utf8'), /\bimport\s*(?:[\w{*][^;]*?\bfrom\s*)?["']/);
  // The wasm is a wasm module (magic and version 1).
  assert.deepEqual([...readFileSync(files[1]).subarray(0, 8)], [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
});
