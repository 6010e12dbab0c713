#!/usr/bin/env bash
# Rebuilds the national reference (communes, EPCI, départements, régions) in app/reference/ from
# the npm package @etalab/decoupage-administratif, Etalab's publication of the Code officiel
# géographique. The package is taken from the npm registry at the version pinned below; change
# the version, run this script, review the diff and commit it: the server loads the new files
# into its reference tables at its next start (see "National reference" in the README).
set -euo pipefail
VERSION=${1:-6.0.0}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@etalab/decoupage-administratif@$VERSION" >/dev/null && tar xzf ./*.tgz)
published=$(cd "$work" && npm view "@etalab/decoupage-administratif@$VERSION" "time[$VERSION]" 2>/dev/null | cut -c1-10)
python3 "$here/scripts/reference.py" "$work/package" "$VERSION" "${published:-unknown}" "$here/app/reference"
