#!/usr/bin/env bash
# Builds the edge Worker with worker-build, using the pinned local tools instead of the
# GitHub downloads worker-build would otherwise attempt (TOOLCHAIN.md pitfall 4).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/edge"
export WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-wasm-bindgen}"
export ESBUILD_BIN="$root/node_modules/@esbuild/linux-x64/bin/esbuild"
export WASM_OPT_BIN="$root/node_modules/.bin/wasm-opt"
export CARGO_TARGET_DIR="$root/target"
worker-build --release
