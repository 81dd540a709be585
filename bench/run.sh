#!/usr/bin/env bash
# `make bench`: builds and times every operation natively, then as wasm in Node next to npm
# web-push (bench/run.mjs prints the table and the two targets, judged on the edge's path:
# wasm + the host's WebCrypto), then the edge's push path in workerd itself
# (bench/workerd/run.mjs, for information), then loads the edge Worker under `wrangler dev`
# (bench/edge/load.mjs). Exits non-zero when a build fails or a target is missed. Needs
# `make setup` (wasm-bindgen-cli, node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
NODE=node_modules/.bin/node
WASM_OPT=node_modules/.bin/wasm-opt
# wasm-opt passes: what `make bench` reports is the -O3 module (printed by run.mjs too).
WASM_OPT_FLAGS=(-O3)
OUT=bench/out

step() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 2; }

[ -x "$NODE" ] || die "$NODE is missing: run \`make setup\`"
[ -x "$WASM_OPT" ] || die "$WASM_OPT is missing: run \`make setup\`"
command -v wasm-bindgen >/dev/null || die "wasm-bindgen is not on PATH: run \`make setup\`"
wasm-bindgen --version | grep -q " $WASM_BINDGEN_VERSION\$" ||
  die "wasm-bindgen $(wasm-bindgen --version) is not $WASM_BINDGEN_VERSION: run \`make setup\`"

target_dir=$(cargo metadata --format-version 1 --no-deps |
  "$NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
rm -rf "$OUT"
mkdir -p "$OUT/wasm"

# Native: the workspace's bench-native profile (release + opt-level 3, LTO, one codegen unit).
step "building native (cargo --profile bench-native)…"
cargo build --quiet --profile bench-native -p assent-bench --bin bench-native
step "timing native…"
"$target_dir/bench-native/bench-native" >"$OUT/native.json"

# Wasm: the release profile the edge ships with (opt-level "s", LTO, one codegen unit).
step "building wasm (cargo --release --target wasm32-unknown-unknown)…"
cargo build --quiet --release -p assent-bench --target wasm32-unknown-unknown --lib
step "wasm-bindgen --target nodejs…"
wasm-bindgen --target nodejs --out-dir "$OUT/wasm" \
  "$target_dir/wasm32-unknown-unknown/release/assent_bench.wasm"
# The glue is CommonJS; the repository's package.json says "type": "module".
echo '{"type": "commonjs"}' >"$OUT/wasm/package.json"
cp "$OUT/wasm/assent_bench_bg.wasm" "$OUT/wasm/assent_bench_bg.pre-opt.wasm"
step "wasm-opt ${WASM_OPT_FLAGS[*]} (npm binaryen $("$WASM_OPT" --version | awk '{print $3}'))…"
"$WASM_OPT" "${WASM_OPT_FLAGS[@]}" "$OUT/wasm/assent_bench_bg.wasm" -o "$OUT/wasm/assent_bench_bg.wasm"
# The same module for workerd (bench/workerd/): ES module glue instead of CommonJS.
step "wasm-bindgen --target web (for workerd)…"
wasm-bindgen --target web --out-dir "$OUT/workerd-wasm" \
  "$target_dir/wasm32-unknown-unknown/release/assent_bench.wasm"
"$WASM_OPT" "${WASM_OPT_FLAGS[@]}" "$OUT/workerd-wasm/assent_bench_bg.wasm" -o "$OUT/workerd-wasm/assent_bench_bg.wasm"

# For reference only: web-push under the machine's own Node, when that is another version.
system_node=$(command -v node || true)
if [ -n "$system_node" ] && [ "$("$system_node" --version)" != "$("$NODE" --version)" ]; then
  step "timing web-push alone under the system's Node $("$system_node" --version) (reference)…"
  "$system_node" bench/run.mjs --peer-only >"$OUT/webpush-system-node.json" ||
    rm -f "$OUT/webpush-system-node.json"
fi

# Both benches run whatever the first one finds; the worse exit status wins (1 = a target
# missed, 2 = a build or a tool failed).
status=0
step "timing wasm and web-push in Node $("$NODE" --version)…"
WASM_OPT_FLAGS="${WASM_OPT_FLAGS[*]}" NATIVE_PROFILE="cargo profile bench-native (release + opt-level 3, LTO)" \
  "$NODE" bench/run.mjs || status=$?

# The edge's push path in workerd, with workerd's WebCrypto (information; no target).
step "edge push path in workerd (wrangler dev)…"
"$NODE" bench/workerd/run.mjs | tee "$OUT/workerd.txt" || { rc=$?; [ "$rc" -le "$status" ] || status=$rc; }

# The edge under load: one `wrangler dev` on loopback (bench/edge/README.md).
step "edge load bench (builds the Worker, then wrangler dev)…"
"$NODE" bench/edge/load.mjs --json "$OUT/edge.json" || { rc=$?; [ "$rc" -le "$status" ] || status=$rc; }
# The PWA as a phone downloads it (bench/app/first-load.mjs); built first.
step "PWA first-load size (builds the app, then wrangler dev + Chromium)…"
bash scripts/build-app.sh >&2
"$NODE" bench/app/first-load.mjs --json "$OUT/app.json" || { rc=$?; [ "$rc" -le "$status" ] || status=$rc; }
# The widget: decision → widget latency, its download size, the demo page's first load.
step "widget latency and size (edge + demo bank + Chromium)…"
bash scripts/build-widget.sh >&2
"$NODE" bench/widget/run.mjs --json "$OUT/widget.json" || { rc=$?; [ "$rc" -le "$status" ] || status=$rc; }
exit "$status"
