#!/usr/bin/env bash
# Lighthouse 12 (mobile emulation, simulated slow 4G: its defaults) on the public pages of a
# release build serving the demo territory. Prints one line per page; the JSON reports are kept in
# target/lighthouse/. Usage: scripts/lighthouse.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
release_build "${1:-}"
command -v chromium >/dev/null || { echo "Chromium is needed: apt-get install -y chromium" >&2; exit 1; }
(cd scripts/lighthouse && if [ -d node_modules ] && [ node_modules -nt package-lock.json ]; then :; else npm ci --no-audit --no-fund; fi)

work=$(mktemp -d)
out=target/lighthouse
mkdir -p "$out"
port=$(free_port)
LOCACTIVE_DATA_DIR="$work/data" LOCACTIVE_LISTEN_ADDR="127.0.0.1:$port" LOCACTIVE_SEED_DEMO=1 \
  target/release/locactive serve > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
wait_for_http "http://127.0.0.1:$port/healthz" 300 || { cat "$work/server.log"; exit 1; }
offer=$(curl -sf "http://127.0.0.1:$port/offres" | grep -o 'href="/offres/[0-9][0-9]*"' | head -n1 | cut -d'"' -f2)
[ -n "$offer" ] || { echo "no offer on /offres" >&2; exit 1; }

echo "Lighthouse $(scripts/lighthouse/node_modules/.bin/lighthouse --version), $(chromium --version 2>/dev/null), node $(node --version)"
missed=0
for path in / /offres "$offer" /connexion /inscription; do
  name=$(echo "$path" | tr '/' '_')
  CHROME_PATH=$(command -v chromium) scripts/lighthouse/node_modules/.bin/lighthouse \
    "http://127.0.0.1:$port$path" --quiet --output=json --output-path="$out/page$name.json" \
    --only-categories=performance,accessibility,best-practices \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu"
  node scripts/lighthouse/summary.mjs "$out/page$name.json" "$path" || missed=1
done
[ "$missed" = 0 ] || { echo "some pages miss their goals (above)" >&2; exit 1; }
