#!/usr/bin/env bash
# Builds the PWA (app/, Leptos CSR) into edge/public/, which the Worker serves as static
# assets: cargo (wasm32, profile app-release) → wasm-bindgen --target web → wasm-opt -Oz, then the
# hand-written files of app/public/ and app/index.html. No trunk: three pinned tools the
# project already installs do the whole job (TOOLCHAIN.md pins wasm-bindgen 0.2.130).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/edge/public"
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
source "$root/scripts/lib/wasm-web.sh"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wasm_web assent-app assent-app assent-app "$tmp"

# Replace the app's own files only: widget.js and the demo website build into the same place.
mkdir -p "$out"
rm -rf "$out/icons" "$out/index.html" "$out/boot.js" "$out/app.css" "$out/sw.js" \
  "$out/manifest.webmanifest" "$out/_headers" "$out"/assent-app*
cp -r "$root/app/public/." "$out/"
cp "$root/app/index.html" "$out/index.html"
cp "$tmp/assent-app.js" "$tmp/assent-app_bg.wasm" "$out/"
"$root/node_modules/.bin/node" "$root/scripts/finish-app.mjs" "$out"
