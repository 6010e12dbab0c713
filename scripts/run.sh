#!/usr/bin/env bash
# The run command: installs what is missing, builds (release), migrates, loads the demo territory
# into an empty database, prints the demo logins, and serves on http://127.0.0.1:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

echo "==> Tools, then the release build (on a fresh 2-core machine, about 19 minutes to the first page)"
release_build

export LOCACTIVE_DATA_DIR=${LOCACTIVE_DATA_DIR:-$repo/data}
echo "==> Database and demo data (data directory: $LOCACTIVE_DATA_DIR)"
target/release/locactive seed

echo
echo "==> locactive: http://127.0.0.1:3000  (e-mails are written to $LOCACTIVE_DATA_DIR/mail)"
exec target/release/locactive serve
