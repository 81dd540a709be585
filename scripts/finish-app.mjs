// Completes a PWA build in the given directory: fills the service worker's build id (a hash
// of every shell file, so any change installs a new worker and a fresh cache) and its shell
// list, then prints what a first load transfers.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const out = process.argv[2];
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
})(out);

// The shell: everything the app needs to open offline. Not the worker itself, and not
// large icons only the installer uses.
// Other parts built into the same directory (widget.js, the demo website) are not the app's.
const shellFiles = files
  .filter((f) => !/^(widget|demo)/.test(relative(out, f)))
  .filter((f) => !f.endsWith('sw.js') && !f.endsWith('_headers') && !/maskable-512|icon-512/.test(f));
const hash = createHash('sha256');
for (const f of shellFiles) hash.update(relative(out, f)).update(readFileSync(f));
const build = hash.digest('hex').slice(0, 16);
const shell = ['/', ...shellFiles.map((f) => `/${relative(out, f)}`)];

const swPath = join(out, 'sw.js');
const sw = readFileSync(swPath, 'utf8');
if (!sw.includes('__ASSENT_BUILD__') || !sw.includes('__ASSENT_SHELL__')) {
  throw new Error('sw.js lacks the __ASSENT_BUILD__ / __ASSENT_SHELL__ placeholders');
}
writeFileSync(swPath, sw.replaceAll('__ASSENT_BUILD__', build).replaceAll('__ASSENT_SHELL__', JSON.stringify(shell)));

const size = (f) => readFileSync(f).length;
const gz = (f) => gzipSync(readFileSync(f), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const wasm = join(out, 'assent-app_bg.wasm');
const firstLoad = ['index.html', 'boot.js', 'assent-app.js', 'assent-app_bg.wasm', 'app.css', 'manifest.webmanifest', 'icons/favicon.svg'].map((f) => join(out, f));
console.log(`app: build ${build}; wasm ${kb(size(wasm))} raw, ${kb(gz(wasm))} gzip; ` +
  `first load ${kb(firstLoad.reduce((a, f) => a + gz(f), 0))} gzip (${firstLoad.length} files); ${shell.length} shell URLs cached`);
