#!/usr/bin/env bash
# Trunk post_build hook: writes the list of built files and their content hash into sw.js, so the
# service worker precaches exactly this build and replaces the previous one.
set -euo pipefail
cd "${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
# The embed page is the app's page under another name, loading the embed's own bundle
# (src/bin/scalelab-embed.rs). Trunk names that second bundle without a hash: hash it here, so a
# browser never mixes an old cached script with a new wasm.
embed_hash=$(cat scalelab-embed.js scalelab-embed_bg.wasm | sha256sum | cut -c1-16)
mv scalelab-embed.js "scalelab-embed-$embed_hash.js"
mv scalelab-embed_bg.wasm "scalelab-embed-${embed_hash}_bg.wasm"
sed -e 's|<title>ScaleLab</title>|<title>ScaleLab · embed</title>|' \
    -e "s|scalelab-app-[0-9a-f]*\.js|scalelab-embed-$embed_hash.js|g" \
    -e "s|scalelab-app-[0-9a-f]*_bg\.wasm|scalelab-embed-${embed_hash}_bg.wasm|g" \
    index.html > embed.html
for name in "scalelab-embed-$embed_hash.js" "scalelab-embed-${embed_hash}_bg.wasm"; do
  grep -q "$name" embed.html || { echo "sw-precache: embed.html does not load $name" >&2; exit 1; }
done
files=$(find . -type f ! -name sw.js | sed 's|^\./||' | LC_ALL=C sort)
hash=$(printf '%s\n' $files | xargs sha256sum | sha256sum | cut -c1-16)
# The shell (every file but the two bundles) is precached whole; of the bundles, only the one a
# page open at install uses (sw.js), so a visitor downloads the other one only if it is visited.
json_list() { local out=""; for f in "$@"; do out+="\"./$f\","; done; printf '[%s]' "${out%,}"; }
shell=$(json_list "" $(printf '%s\n' $files | grep -v '^scalelab-\(app\|embed\)-'))
app=$(json_list $(printf '%s\n' $files | grep '^scalelab-app-'))
embed=$(json_list $(printf '%s\n' $files | grep '^scalelab-embed-'))
[ "$app" != "[]" ] && [ "$embed" != "[]" ] || { echo "sw-precache: a bundle is missing" >&2; exit 1; }
sed -i "s|__SCALELAB_BUILD__|$hash|; s|__SCALELAB_PRECACHE__|$shell|; s|__SCALELAB_BUNDLES__|{\"app\":$app,\"embed\":$embed}|" sw.js
