#!/usr/bin/env bash
# Throughput of the release build at the scale of a territory: the demo multiplied to LOAD_OFFERS
# published offers (default 100,000), then wrk (Debian) on a catalogue search, an offer page and
# the open API, at 10 and 100 connections, LOAD_SECONDS each (default 15): the same address
# repeated, and every query different. Prints req/s, p50 and p99 per case, and the server's
# memory (RSS) before and after.
# Usage: scripts/load.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
release_build "${1:-}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
offers=${LOAD_OFFERS:-100000}
seconds=${LOAD_SECONDS:-15}

work=$(mktemp -d)
export LOCACTIVE_DATA_DIR="$work/data"
echo "==> Demo, then $offers published offers"
target/release/locactive seed > "$work/seed.log" 2>&1
python3 scripts/load_offers.py "$LOCACTIVE_DATA_DIR/locactive.db" "$offers"

port=$(free_port)
# One address sends everything: the per-address search limit would answer 429 to wrk.
LOCACTIVE_LISTEN_ADDR="127.0.0.1:$port" LOCACTIVE_SEARCHES_PER_ADDRESS=1000000000 \
  target/release/locactive serve > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
started=$(date +%s)
wait_for_http "http://127.0.0.1:$port/healthz" 600 || { tail -n 20 "$work/server.log"; exit 1; }
echo "started and indexed in $(( $(date +%s) - started )) s: $(curl -s "http://127.0.0.1:$port/healthz")"
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2 / 1024}' "/proc/$server/status"; }
echo "RSS after start: $(rss)"
base="http://127.0.0.1:$port"
offer=$(curl -sf "$base/offres" | grep -o 'href="/offres/[0-9][0-9]*"' | head -n1 | cut -d'"' -f2 || true)
[ -n "$offer" ] || { echo "no offer on /offres" >&2; exit 1; }

# The same address again and again is what a surge looks like: pages and search outcomes kept
# for a moment answer it. Every query different (scripts/load_distinct.lua) is the other bound:
# each request searched and drawn.
printf '\n%-40s %5s %10s %10s %10s\n' "what" "conn" "req/s" "p50" "p99"
for connections in 10 100; do
  for path in "/offres?q=balcon" "/offres?q=balcon&" "$offer" "/api/v1/offres?q=balcon" "/api/v1/offres?q=balcon&"; do
    case $path in
      *"&") label="${path}loyer_max=(each different)"; script=(-s scripts/load_distinct.lua) ;;
      *) label=$path; script=() ;;
    esac
    out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency ${script[@]+"${script[@]}"} "$base$path")
    rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/' | tr '\n' ' ')
    printf '%-40s %5s %10s %10s %10s %s\n' "$label" "$connections" "$rate" "$p50" "$p99" "$errors"
  done
done
echo
echo "RSS after the load: $(rss)"
