#!/usr/bin/env bash
# The test command: unit tests, integration tests on SQLite and on PostgreSQL, and browser tests.
# Installs what is missing, and starts (then stops) a throwaway PostgreSQL on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh --test
source scripts/env.sh

work=$(mktemp -d)
server_pid=""
pg_data="$work/pg"
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  stop_postgres "$pg_data"
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> Starting a throwaway PostgreSQL"
start_postgres "$pg_data"

disk_report() { df -h --output=avail,target . | tail -n1 | awk '{print "    free disk: " $1 " on " $2}'; }
disk_report

echo "==> Unit and integration tests (SQLite and PostgreSQL)"
cargo test --workspace --locked

echo "==> Browser tests"
disk_report
cargo leptos build --cargo-locked
# The national reference stays on the server: the browser bundle must not carry the communes.
bundle=(target/site/pkg/*.wasm)
[ -f "${bundle[0]}" ] || { echo "no browser bundle in target/site/pkg" >&2; exit 1; }
if grep -q "Abergement-Cl" "${bundle[@]}"; then
  echo "the browser bundle contains the national reference of communes" >&2
  exit 1
fi
# Pages are drawn on the server; the bundle holds only the islands. A server function of the back
# office, the commission, the admin or a réservataire named in it means their code came along.
if grep -aoE "api/(gestion|commission|admin|reservataire|territoire)/[a-z/_-]*" "${bundle[@]}"; then
  echo "the browser bundle carries back-office code (above: the server functions it calls)" >&2
  exit 1
fi
e2e_port=$(free_port)
export LOCACTIVE_DATA_DIR="$work/e2e-data"
export LOCACTIVE_LISTEN_ADDR="127.0.0.1:$e2e_port"
export LOCACTIVE_SEED_DEMO=1
# The browser tests sign some twenty people in from one address within a minute.
export LOCACTIVE_LOGIN_ATTEMPTS_PER_ADDRESS=100
# They also search the catalogue from that one address, faster than any person.
export LOCACTIVE_SEARCHES_PER_ADDRESS=2000
target/debug/locactive serve > "$work/e2e-server.log" 2>&1 &
server_pid=$!
wait_for_http "http://127.0.0.1:$e2e_port/healthz" 120 || { cat "$work/e2e-server.log"; exit 1; }
export E2E_BASE_URL="http://127.0.0.1:$e2e_port"
export E2E_MAIL_DIR="$LOCACTIVE_DATA_DIR/mail"
if ! (cd end2end && playwright test); then
  echo "--- server log ---"; tail -n 50 "$work/e2e-server.log"
  exit 1
fi
