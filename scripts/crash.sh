#!/usr/bin/env bash
# Crash safety, proven on both backends: a burst of applications and withdrawals against a release
# server, SIGKILL in the middle, a restart, then the checks of server/examples/crash_probe.rs
# (nothing acknowledged lost, nothing stored twice, the cap held, every e-mail delivered once, the
# search index equal to the database). Reports in target/crash/. Takes about ten minutes once
# built (the outbox waits out the claims the kill left behind).
# Usage: scripts/crash.sh            Settings: CRASH_SECONDS, CRASH_KILL_AT, CRASH_CLIENTS.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

echo "==> Building the release server and the probe"
cargo build --release --locked -p locactive --bin locactive --example crash_probe

work=$(mktemp -d)
trap 'stop_postgres "$work/pg"; rm -rf "$work"' EXIT
start_postgres "$work/pg"
runuser_psql() { as_postgres psql -q "$LOCACTIVE_TEST_POSTGRES_URL" -c "$1"; }
runuser_psql "CREATE DATABASE crash"
pg_url="${LOCACTIVE_TEST_POSTGRES_URL%/postgres}/crash"

mkdir -p target/crash
status=0
target/release/examples/crash_probe target/release/locactive "$work/sqlite" \
  | tee target/crash/report-sqlite.txt || status=1
target/release/examples/crash_probe target/release/locactive "$work/postgres" "$pg_url" \
  | tee target/crash/report-postgres.txt || status=1
[ $status = 0 ] && echo "==> Crash probe green on SQLite and PostgreSQL" || echo "==> Crash probe RED" >&2
exit $status
