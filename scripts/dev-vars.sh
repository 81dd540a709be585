#!/usr/bin/env bash
# Makes sure `wrangler dev` has a configuration (SPEC §13): an existing .dev.vars is used as
# it is; otherwise a fresh one is generated — new random keys, the RPs `demo` (gateway) and
# `demo-secure` (secure) for the demo website on http://localhost:${PORT:-8787} — and their
# API keys are printed once. Called by scripts/dev.sh before wrangler starts.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8787}"
origin="http://localhost:${PORT}"
file=.dev.vars

if [[ -f "$file" ]]; then
  echo "Using the existing $file (delete it to generate fresh keys and demo API keys)."
  configured="$(sed -n 's/^ASSENT_EDGE_ORIGIN="\(.*\)"$/\1/p' "$file")"
  if [[ -n "$configured" && "$configured" != "$origin" ]]; then
    echo "warning: $file has ASSENT_EDGE_ORIGIN=$configured but the edge runs on $origin;" >&2
    echo "         passkeys and receipts use the configured origin. Delete $file to regenerate." >&2
  fi
  exit 0
fi

# Written under umask 077 to a temporary file and moved into place, so the secrets are
# never readable by others and a failed run leaves no half-written .dev.vars behind.
umask 077
tmp="$(mktemp "$file.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
# stdout is the file; the keygen prints the RP credentials banner on stderr, once.
cargo run -q -p assent-keygen -- --dev-vars --edge-origin "$origin" \
  --rp "demo:Example Bank:gateway:${origin}" \
  --rp "demo-secure:Example Bank (secure):secure:${origin}" >"$tmp"
chmod 600 "$tmp"
mv "$tmp" "$file"
trap - EXIT
echo "Wrote $file for $origin (git-ignored; mode 600). The API keys above are not stored anywhere."
