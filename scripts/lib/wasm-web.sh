# Sourced by scripts/build-app.sh and scripts/build-widget.sh: one browser wasm build, the
# same way for both. Needs $root and step().
#
#   wasm_web PACKAGE CRATE_FILE OUT_NAME DIR
# builds PACKAGE for wasm32 (profile app-release), runs wasm-bindgen --target web on
# target/…/CRATE_FILE.wasm into DIR as OUT_NAME.js + OUT_NAME_bg.wasm, then wasm-opt -Oz.
wasm_web() {
  local package="$1" crate_file="$2" name="$3" dir="$4"
  step "$package: cargo build (wasm32, profile app-release)"
  CARGO_TARGET_DIR="$root/target" cargo build -q -p "$package" --target wasm32-unknown-unknown --profile app-release
  step "$package: wasm-bindgen + wasm-opt -Oz"
  wasm-bindgen --target web --no-typescript --out-dir "$dir" --out-name "$name" \
    "$root/target/wasm32-unknown-unknown/app-release/$crate_file.wasm"
  # The features rustc 1.95 emits for wasm32-unknown-unknown by default.
  "$root/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$dir/${name}_bg.wasm" -o "$dir/${name}_bg.wasm"
}
