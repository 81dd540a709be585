#!/usr/bin/env bash
# Builds <assent-status> (widget/, Rust → WebAssembly) into edge/public/, which the edge serves
# at its root: cargo (wasm32, profile app-release) → wasm-bindgen --target web → wasm-opt -Oz,
# then esbuild bundles the hand-written loader (widget/widget.js) with the wasm-bindgen glue
# into one minified ES module. Writes edge/public/widget.js and edge/public/widget_bg.wasm and
# touches nothing else there. Prints raw and gzip sizes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/edge/public"
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
source "$root/scripts/lib/wasm-web.sh"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wasm_web assent-widget assent_widget widget "$tmp"
step "widget: esbuild (loader + glue)"
# The loader imports './widget-glue.js'; bundled, the page downloads one script and the wasm.
cp "$tmp/widget.js" "$tmp/widget-glue.js"
cp "$root/widget/widget.js" "$tmp/loader.js"
"$root/node_modules/@esbuild/linux-x64/bin/esbuild" "$tmp/loader.js" --bundle --format=esm \
  --minify --target=es2022 --legal-comments=none --log-level=warning --outfile="$tmp/widget.bundle.js"

mkdir -p "$out"
cp "$tmp/widget.bundle.js" "$out/widget.js"
cp "$tmp/widget_bg.wasm" "$out/widget_bg.wasm"

# Websites load widget.js and its wasm from their own origins, so both need CORS. The rule is in
# the static assets' _headers (app/public/_headers, copied here by scripts/build-app.sh):
# check it is there rather than write a second one (two would send "*, *", which browsers refuse).
if ! grep -qE '^/widget' "$out/_headers" 2>/dev/null; then
  echo "widget: warning: $out/_headers has no /widget rule (Access-Control-Allow-Origin: *);" \
    "run scripts/build-app.sh, or websites cannot load the widget from another origin" >&2
fi

"$root/node_modules/.bin/node" -e '
  const { readFileSync } = require("node:fs");
  const { gzipSync } = require("node:zlib");
  const dir = process.argv[1];
  let raw = 0, gz = 0;
  for (const f of ["widget.js", "widget_bg.wasm"]) {
    const b = readFileSync(`${dir}/${f}`);
    const g = gzipSync(b, { level: 9 }).length;
    raw += b.length; gz += g;
    console.log(`widget: ${f} ${(b.length / 1024).toFixed(1)} KB raw, ${(g / 1024).toFixed(1)} KB gzip`);
  }
  console.log(`widget: a page downloads ${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzip (budget 30 KB gzip)`);
' "$out"
