#!/usr/bin/env bash
# Every test: lint (fmt, clippy on host and wasm32), the pkg/ crates natively (RFC vectors,
# recorded browser vectors, interop with independent implementations, property tests),
# then the edge under a real `wrangler dev`. Fails on the first failing stage; ends with
# one line totalling every test that ran.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
log_dir="$(mktemp -d)"
trap 'rm -rf "$log_dir"' EXIT

bash scripts/lint.sh

step "cargo test (native): pkg/ crates and interop"
cargo test --workspace --exclude assent-edge --no-fail-fast 2>&1 | tee "$log_dir/cargo.log"

# One file at a time: each starts its own workerd, and the 2 cores are shared with it.
step "edge + PWA: build the Worker and the app, then run the tests under wrangler dev and Chromium"
bash scripts/build-edge.sh
bash scripts/build-app.sh
bash scripts/build-widget.sh
node_modules/.bin/node --test --test-concurrency=1 --test-reporter=tap 'tests/edge/*.test.mjs' 'tests/app/*.test.mjs' 'tests/deploy/*.test.mjs' 'tests/demo/*.test.mjs' 'tests/widget/*.test.mjs' 'tests/integrators/*.test.mjs' 2>&1 | tee "$log_dir/node.log"

# Both runners passed (pipefail would have stopped us otherwise); total what they ran.
read -r cargo_pass cargo_fail < <(awk '/^test result:/ { p += $4; f += $6 } END { print p+0, f+0 }' "$log_dir/cargo.log")
read -r node_pass node_fail < <(awk '/^# pass/ { p += $3 } /^# fail/ { f += $3 } END { print p+0, f+0 }' "$log_dir/node.log")
echo
echo "total: $((cargo_pass + node_pass)) passed, $((cargo_fail + node_fail)) failed"
