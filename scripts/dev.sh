#!/usr/bin/env bash
# Runs Assent locally on http://localhost:${PORT:-8787} under `wrangler dev` (workerd with its
# local KV, Durable Objects and Queues; state under .wrangler/). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8787}"
DEMO_PORT="${DEMO_PORT:-8788}"
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

step "building the edge Worker (~70 s the first time, ~10 s after)"
bash scripts/build-edge.sh >/dev/null
step "building the PWA into edge/public (~4 min the first time, ~20 s after)"
bash scripts/build-app.sh
step "building widget.js"
bash scripts/build-widget.sh

step "configuration (.dev.vars, demo/.dev.vars)"
PORT="$PORT" DEMO_PORT="$DEMO_PORT" bash scripts/dev-vars.sh

cat <<MSG

  Assent is starting on http://localhost:${PORT}
  Assent (edge + authenticator app + widget.js):  http://localhost:${PORT}
  Example Bank (the demo website):               http://localhost:${DEMO_PORT}
  Open the bank in one Chromium window and Assent in another (the "phone"); always use
  "localhost", never 127.0.0.1: passkeys refuse IP addresses. README "Try it" walks through.
  Stop with Ctrl-C.

MSG
export CI=true WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
export PATH="$PWD/node_modules/.bin:$PATH"
# The bank runs beside the edge, in its own workerd, and stops with it.
# Its own process group (setsid), so stopping it stops its workerd too.
setsid npx wrangler dev --config demo/wrangler.toml --local --ip 127.0.0.1 --port "$DEMO_PORT" \
  --inspector-ip 127.0.0.1 --inspector-port "$((DEMO_PORT + 1000))" --persist-to .wrangler/demo-state \
  --show-interactive-dev-session=false &
demo_pid=$!
trap 'kill -- "-$demo_pid" 2>/dev/null || true' EXIT INT TERM
npx wrangler dev --local --ip 127.0.0.1 --port "$PORT" --inspector-ip 127.0.0.1 \
  --persist-to .wrangler/state --show-interactive-dev-session=false
