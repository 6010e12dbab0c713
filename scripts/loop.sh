#!/usr/bin/env bash
# Runs the whole integration suite (every test on SQLite and on PostgreSQL) RUNS times in a row
# (30 by default) and stops at the first failure, to catch what fails only now and then.
# Usage: scripts/loop.sh [RUNS]        Logs: target/loop/run-N.log (kept for failures).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
source scripts/env.sh

work=$(mktemp -d)
trap 'stop_postgres "$work/pg"; rm -rf "$work"' EXIT
start_postgres "$work/pg"

echo "==> Building the integration tests"
# The binaries are copied aside, so that editing and building while the loop runs changes nothing
# in what it runs.
mkdir -p "$work/bin" target/loop
cargo test -p locactive --tests --locked --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["kind"] == ["test"]:
        print(m["executable"])' \
  | while read -r binary; do cp "$binary" "$work/bin/"; done
suites=("$work"/bin/*)
echo "    ${#suites[@]} suites"

# Every PostgreSQL test makes a database of its own (14 MB, with the national reference in it).
# The harness drops each one when its test ends; a run that crashes leaves its own behind, and
# they are dropped here, or a long loop fills the disk. It did, at run 23 of two loops, before
# either drop existed.
drop_test_databases() {
  local psql
  psql="$(pg_bin)/psql"
  "$psql" "$LOCACTIVE_TEST_POSTGRES_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 't\_%'" \
    | while read -r database; do
        "$psql" "$LOCACTIVE_TEST_POSTGRES_URL" -qc "DROP DATABASE \"$database\" WITH (FORCE)"
      done
}

total_started=$SECONDS
for run in $(seq 1 "$runs"); do
  started=$SECONDS
  log="target/loop/run-$run.log"
  : > "$log"
  for suite in "${suites[@]}"; do
    # As `cargo test` runs them: from the package's directory.
    if ! (cd server && "$suite") >> "$log" 2>&1; then
      echo "run $run/$runs: RED in $(basename "$suite") after $((SECONDS - started)) s; see $log" >&2
      grep -E '^test .* FAILED|panicked|has been running for over' "$log" | head -n 20 >&2
      exit 1
    fi
  done
  drop_test_databases
  passed=$(grep -E '^test result: ok' "$log" | awk '{s += $4} END {print s}')
  echo "run $run/$runs: green, $passed tests, $((SECONDS - started)) s"
  rm -f "$log"
done
echo "==> $runs runs green in a row, $(( (SECONDS - total_started) / 60 )) min"
