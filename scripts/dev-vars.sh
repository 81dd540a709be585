#!/usr/bin/env bash
# Makes sure `wrangler dev` has a configuration (SPEC §13): an existing .dev.vars is used as
# it is; otherwise a fresh one is generated — new random keys, the RPs `demo` (gateway) and
# `demo-secure` (secure) for the demo bank on http://localhost:${DEMO_PORT:-8788}, whose
# server side gets their API keys and webhook secrets in demo/.dev.vars — and the keys are
# printed once. Called by scripts/dev.sh before wrangler starts.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8787}"
DEMO_PORT="${DEMO_PORT:-8788}"
origin="http://localhost:${PORT}"
bank="http://localhost:${DEMO_PORT}"
file=.dev.vars
# The demo bank's server side: the RP API keys and webhook secrets, which only it holds.
demo_file=demo/.dev.vars

if [[ -f "$file" && -f "$demo_file" ]]; then
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
  --rp "demo:Example Bank:gateway:${bank}" \
  --rp "demo-secure:Example Bank (secure):secure:${bank}" \
  --webhook "demo=${bank}/webhooks/demo" --webhook "demo-secure=${bank}/webhooks/demo-secure" \
  --credentials-env "$demo_file" >"$tmp"
chmod 600 "$tmp"
mv "$tmp" "$file"
trap - EXIT
echo "Wrote $file for $origin and $demo_file for the demo bank on $bank (both git-ignored; mode 600)."
