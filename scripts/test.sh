#!/usr/bin/env bash
# Every test: lint (fmt, clippy on host and wasm32), the pkg/ crates natively (RFC vectors,
# recorded browser vectors, interop with independent implementations, property tests),
# then the edge under a real `wrangler dev`. Fails on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

bash scripts/lint.sh

step "cargo test (native): pkg/ crates and interop"
cargo test --workspace --exclude assent-edge --no-fail-fast

step "edge: build the Worker and check it under wrangler dev"
bash scripts/build-edge.sh
node_modules/.bin/node --test 'tests/edge/*.test.mjs'
