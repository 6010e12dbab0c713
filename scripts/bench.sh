#!/usr/bin/env bash
# Catalogue search benchmark: tantivy against SQLite FTS5 on 100 000 generated offers.
# BENCH_OFFERS and BENCH_ROUNDS change the corpus size and the repetitions.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
exec cargo bench --locked -p locactive --bench search
