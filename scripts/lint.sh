#!/usr/bin/env bash
# Formatting and clippy -D warnings on the host and on wasm32 (the edge, and every pkg/
# crate, must build for wasm32-unknown-unknown).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (host, all targets)"
cargo clippy --workspace --exclude assent-edge --all-targets --quiet -- -D warnings

wasm_crates=()
for manifest in pkg/*/Cargo.toml; do
  wasm_crates+=(-p "$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -1)")
done
wasm_crates+=(-p assent-edge -p assent-app -p assent-widget)
step "clippy (wasm32-unknown-unknown): ${wasm_crates[*]}"
cargo clippy --target wasm32-unknown-unknown "${wasm_crates[@]}" --quiet -- -D warnings
