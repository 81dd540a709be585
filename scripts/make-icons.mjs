// Renders the PWA icons from the two source drawings in app/assets/ with headless Chromium
// (the browser that will display them), into app/public/icons/. The PNGs are checked in;
// run this again after changing a drawing:
//
//   node_modules/.bin/node scripts/make-icons.mjs
//
// "any" icons keep a transparent background (the platform draws its own behind them);
// maskable icons and the Apple touch icon are full-bleed, since their platforms crop them
// with a mask of their own (and iOS would paint transparency black).
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const assets = join(root, 'app/assets');
const out = join(root, 'app/public/icons');

const ICONS = [
  { file: 'icon-192.png', source: 'logo.svg', size: 192, transparent: true },
  { file: 'icon-512.png', source: 'logo.svg', size: 512, transparent: true },
  { file: 'maskable-192.png', source: 'logo-maskable.svg', size: 192, transparent: false },
  { file: 'maskable-512.png', source: 'logo-maskable.svg', size: 512, transparent: false },
  { file: 'apple-touch-icon.png', source: 'logo-maskable.svg', size: 180, transparent: false },
];

// The drawing fills the viewport exactly: no margin, no scrollbars, no page background.
const page = (svg) => `<!doctype html><html><head><style>
  html, body { margin: 0; padding: 0; background: transparent; overflow: hidden; }
  svg { display: block; width: 100vw; height: 100vh; }
</style></head><body>${svg}</body></html>`;

await mkdir(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const tab = await browser.newPage({ deviceScaleFactor: 1 });
  for (const icon of ICONS) {
    const svg = await readFile(join(assets, icon.source), 'utf8');
    await tab.setViewportSize({ width: icon.size, height: icon.size });
    await tab.setContent(page(svg));
    await tab.screenshot({
      path: join(out, icon.file),
      type: 'png',
      omitBackground: icon.transparent,
      clip: { x: 0, y: 0, width: icon.size, height: icon.size },
    });
    console.log(`icons/${icon.file} (${icon.size}×${icon.size}) from ${icon.source}`);
  }
} finally {
  await browser.close();
}
await copyFile(join(assets, 'logo.svg'), join(out, 'favicon.svg'));
console.log('icons/favicon.svg (copy of logo.svg)');
