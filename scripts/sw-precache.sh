#!/usr/bin/env bash
# Trunk post_build hook: writes the list of built files and their content hash into sw.js, so the
# service worker precaches exactly this build and replaces the previous one.
set -euo pipefail
cd "${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
# The embed page is the app's page under another name (src/main.rs picks the embed by the path),
# so it loads the same hashed bundles and shares their cache.
sed 's|<title>ScaleLab</title>|<title>ScaleLab · embed</title>|' index.html > embed.html
files=$(find . -type f ! -name sw.js | sed 's|^\./||' | LC_ALL=C sort)
hash=$(printf '%s\n' $files | xargs sha256sum | sha256sum | cut -c1-16)
list=$(printf '"./",'; for f in $files; do printf '"./%s",' "$f"; done)
list="[${list%,}]"
sed -i "s|__SCALELAB_BUILD__|$hash|; s|__SCALELAB_PRECACHE__|$list|" sw.js
