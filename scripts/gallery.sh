#!/usr/bin/env bash
# Remakes docs/gallery/ from the tests: the PWA, the widget and the demo bank tests save a
# screenshot of every screen they reach; with ASSENT_GALLERY=1 they also copy it there.
# Needs the edge, the PWA and the widget built (as `make test` leaves them).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf docs/gallery
mkdir -p docs/gallery
ASSENT_GALLERY=1 node_modules/.bin/node --test --test-concurrency=1 \
  tests/app/activation.test.mjs tests/app/decisions.test.mjs tests/app/inbox.test.mjs \
  tests/app/expiry.test.mjs tests/app/offline.test.mjs tests/widget/widget.test.mjs \
  'tests/demo/*.test.mjs'
# Screens of the harness's own test page are not the product's.
rm -f docs/gallery/harness-* docs/gallery/failed-*
echo "docs/gallery: $(ls docs/gallery | wc -l) screenshots"
