#!/usr/bin/env bash
# The engine's speed in WebAssembly in headless Chromium against native, on the same workloads
# (crates/design/benches/engine_speed.rs). Prints both reports and the wasm/native speed ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
native=$(cargo bench -q -p scalelab-design --bench engine_speed 2>/dev/null | grep '^ENGINE_SPEED native' | cut -d' ' -f3-)
# Built by `cargo bench`, run by wasm-bindgen-test-runner as a test: under `cargo bench` the runner
# would only look for Criterion-style `wasm_bindgen_bench` functions.
module=$(cargo bench -p scalelab-design --bench engine_speed --target wasm32-unknown-unknown --no-run 2>&1 \
  | grep -o 'target/wasm32-unknown-unknown/[^ )]*engine_speed[^ )]*\.wasm' | tail -1)
wasm=$(cd crates/design && WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
  wasm-bindgen-test-runner "../../$module" --nocapture 2>&1 | grep -o 'ENGINE_SPEED wasm .*' | cut -d' ' -f3-)
echo "native   $native"
echo "chromium $wasm"
node -e '
const [n, w] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2])];
const ratio = {};
for (const k of Object.keys(n).filter((k) => k.endsWith("_ms"))) ratio[k.replace(/_ms$/, "")] = Math.round((n[k] / w[k]) * 100) / 100;
console.log("wasm/native speed " + JSON.stringify(ratio));
' "$native" "$wasm"
