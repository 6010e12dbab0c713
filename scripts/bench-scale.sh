#!/usr/bin/env bash
# Scale benchmark: an offer with 10,000 applications closed, ranked, paged and exported, and a
# million requests re-scored after a grid change, on SQLite and on a throwaway PostgreSQL.
# BENCH_REQUESTS and BENCH_APPLICATIONS change the sizes. About five minutes on two cores, plus
# the build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
work=$(mktemp -d)
trap 'stop_postgres "$work/pg"; rm -rf "$work"' EXIT
start_postgres "$work/pg"
cargo bench --locked -p locactive --bench big_offers
