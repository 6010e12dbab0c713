#!/usr/bin/env bash
# Installs the pinned build and test tools this project needs, skipping whatever is already
# present at the pinned version. Everything comes from crates.io, npm or Debian: cargo-leptos and
# friends would otherwise try to download binaries from GitHub, which this project never relies on.
#
# Usage: scripts/install-tools.sh [--test]   (--test also installs Chromium and PostgreSQL)
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.130
here=$(cd "$(dirname "$0")/.." && pwd)
CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
export PATH="$CARGO_HOME/bin:$PATH"

# The tools are built without optimisation (`cargo install --debug`): on a 2-core machine that
# halves the first run's wait for them (cargo-leptos 5.4 min instead of 11.2), and the work they do
# is small now that the browser bundle holds only the islands (README, "Measured on this kind of
# machine").
# `TOOL_PROFILE=` (empty) builds them optimised.
TOOL_PROFILE=${TOOL_PROFILE---debug}

step() { printf '\n==> %s\n' "$*"; }

step "Rust target wasm32-unknown-unknown"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
else
  echo "already installed"
fi

step "cargo-leptos $CARGO_LEPTOS_VERSION"
if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  echo "already installed"
else
  # The published lock file pins cargo-util-schemas 0.14.2, which needs a newer rustc than the
  # toolchain here; install from the registry source with that one dependency moved back.
  src=$(ls -d "$CARGO_HOME"/registry/src/*/cargo-leptos-$CARGO_LEPTOS_VERSION 2>/dev/null | head -n1 || true)
  if [ -z "$src" ]; then
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked >/dev/null 2>&1 || true
    src=$(ls -d "$CARGO_HOME"/registry/src/*/cargo-leptos-$CARGO_LEPTOS_VERSION 2>/dev/null | head -n1 || true)
  fi
  [ -n "$src" ] || { echo "could not obtain the cargo-leptos source from crates.io" >&2; exit 1; }
  work=$(mktemp -d)
  cp -r "$src" "$work/cargo-leptos"
  (cd "$work/cargo-leptos" && cargo update -p cargo-util-schemas --precise 0.14.1)
  cargo install --path "$work/cargo-leptos" --locked $TOOL_PROFILE
  rm -rf "$work"
fi

step "wasm-bindgen-cli $WASM_BINDGEN_VERSION (must match the wasm-bindgen pinned in Cargo.toml)"
if wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  echo "already installed"
else
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force $TOOL_PROFILE
fi

step "npm tools (wasm-opt from binaryen, Playwright) at pinned versions"
(cd "$here/end2end" && if [ -d node_modules ] && [ node_modules -nt package-lock.json ]; then echo "already installed"; else PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund; fi)

if [ "${1:-}" = "--test" ]; then
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  if [ ${#need[@]} -gt 0 ]; then
    step "Debian packages: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
  fi
fi
