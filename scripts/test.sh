#!/usr/bin/env bash
# Runs every check: formatting, clippy (native and wasm32), the Rust tests, the release build, and
# the browser tests in headless Chromium. Installs missing tools first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh browser
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true CI=1

# Each step prints the seconds since the script started, so a run doubles as a build-time log.
start=$SECONDS
step() { printf '\n==> [%ss] %s\n' "$((SECONDS - start))" "$*"; }
step "cargo fmt --check"
cargo fmt --all -- --check
step "clippy (native)"
cargo clippy --workspace --all-targets -- -D warnings
step "clippy (wasm32)"
cargo clippy --workspace --target wasm32-unknown-unknown -- -D warnings
step "cargo test"
cargo test --workspace
step "same report natively and in wasm32 (golden reports, under Node)"
cargo test -p scalelab-design --target wasm32-unknown-unknown --test determinism
step "trunk build --release"
trunk build --release
step "browser tests (Playwright, Debian chromium)"
playwright test
step "done"
