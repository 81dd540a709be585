#!/usr/bin/env bash
# Runs Assent locally on http://localhost:${PORT:-8787} under `wrangler dev` (workerd with its
# local KV, Durable Objects and Queues; state under .wrangler/). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8787}"
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

step "building the edge Worker (~70 s the first time, ~10 s after)"
bash scripts/build-edge.sh >/dev/null
step "building the PWA into edge/public (~4 min the first time, ~20 s after)"
bash scripts/build-app.sh

step "configuration (.dev.vars)"
PORT="$PORT" bash scripts/dev-vars.sh

cat <<MSG

  Assent is starting on http://localhost:${PORT}
  The authenticator app (PWA): open http://localhost:${PORT} in Chromium (use "localhost",
  never 127.0.0.1: passkeys refuse IP addresses). The edge API: README "For integrators"
  walks through activating and approving with curl and the app.
  Stop with Ctrl-C.

MSG
export CI=true WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
export PATH="$PWD/node_modules/.bin:$PATH"
exec npx wrangler dev --local --ip 127.0.0.1 --port "$PORT" --inspector-ip 127.0.0.1 \
  --persist-to .wrangler/state --show-interactive-dev-session=false
