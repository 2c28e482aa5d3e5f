#!/usr/bin/env bash
# Instructions the engine executes natively and as V8's WebAssembly code, per function, on the
# workloads of crates/design/benches/engine_speed.rs (stage 5's minute and M/M/1, five runs each).
# Unlike wall-clock time on a shared machine these counts repeat, so a change aimed at V8's code
# can be judged by them. Runs under valgrind's callgrind: about three and a half minutes. Node runs with
# `--no-liftoff` (every function compiled by TurboFan, as after tiering up) and
# `--single-threaded`; its V8 is older than Chromium's, so the counts are a guide, not Chromium's.
#
#   ./scripts/wasm-instructions.sh    (needs valgrind: apt-get install valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

native=$(cargo bench -p scalelab-design --bench engine_speed --no-run 2>&1 \
  | grep -o 'target/release/deps/engine_speed-[0-9a-f]*' | tail -1)
module=$(cargo bench -p scalelab-design --bench engine_speed --target wasm32-unknown-unknown --no-run 2>&1 \
  | grep -o 'target/wasm32-unknown-unknown/[^ )]*engine_speed[^ )]*\.wasm' | tail -1)

echo "== native ($native)"
valgrind --tool=callgrind --callgrind-out-file="$work/native.out" "$root/$native" >/dev/null 2>&1
callgrind_annotate "$work/native.out" 2>/dev/null \
  | awk '/(scalelab|libm)/ && $1 ~ /^[0-9,]+$/ { gsub(",", "", $1); n = $1 / 1e6; sub(/^.*\?\?\?:/, "", $0); sub(/ \[.*$/, "", $0); sub(/^[0-9,]+ \([ 0-9.]+%\) +/, "", $0); printf "%10.1f M  %s\n", n, $0; t += n } END { printf "%10.1f M  total\n", t }' | tee "$work/native.txt"

# wasm-bindgen-test-runner starts `node` from PATH: this one runs it under callgrind.
mkdir -p "$work/bin"
cat > "$work/bin/node" <<EOF
#!/usr/bin/env bash
cd "$work"
exec valgrind --tool=callgrind --smc-check=all --dump-instr=yes --callgrind-out-file="$work/wasm.out" \
  $(command -v node) --perf-prof --single-threaded --no-liftoff "\$@"
EOF
chmod +x "$work/bin/node"
echo "== WebAssembly in Node $(node --version), V8 $(node -p process.versions.v8) ($module)"
(cd crates/design && PATH="$work/bin:$PATH" wasm-bindgen-test-runner "$root/$module" >/dev/null 2>&1)
python3 scripts/jit_instructions.py "$work"/jit-*.dump "$work/wasm.out" | tee "$work/wasm.txt"
awk '/ total$/ { t[FILENAME] = $1 } END { printf "V8 / native instructions: %.2f\n", t[ARGV[2]] / t[ARGV[1]] }' \
  "$work/native.txt" "$work/wasm.txt"
