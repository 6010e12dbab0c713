#!/usr/bin/env bash
# Crash safety, proven on both backends: a burst of applications and withdrawals against a release
# server, SIGKILL in the middle, a restart, then the checks of server/examples/crash_probe.rs
# (nothing acknowledged lost, nothing stored twice, the cap held, every e-mail delivered once, the
# search index equal to the database). Reports in target/crash/. Takes about ten minutes once
# built (the outbox waits out the claims the kill left behind).
# Usage: scripts/crash.sh     Settings: CRASH_BACKENDS ("sqlite postgres"), CRASH_SECONDS,
# CRASH_KILL_AT, CRASH_CLIENTS.
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
for backend in ${CRASH_BACKENDS:-sqlite postgres}; do
  url=""
  [ "$backend" = postgres ] && url="$pg_url"
  target/release/examples/crash_probe target/release/locactive "$work/$backend" $url \
    | tee "target/crash/report-$backend.txt" || status=1
done
if [ $status = 0 ]; then
  echo "==> Crash probe green on: ${CRASH_BACKENDS:-sqlite postgres}"
else
  echo "==> Crash probe RED; the servers' logs are in target/crash/" >&2
  cp "$work"/*/server.log target/crash/ 2>/dev/null || true
fi
exit $status
