#!/usr/bin/env bash
# Builds ScaleLab (release) and serves it on http://127.0.0.1:8080, installing missing tools first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
# No autoreload: its injected inline script would be refused by the page's CSP.
exec trunk serve --release --no-autoreload
