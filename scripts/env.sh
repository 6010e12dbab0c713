# Shared by the run and test scripts: PATH to the pinned tools, and the build flags cargo-leptos
# uses, so that `cargo test` reuses its build cache instead of rebuilding everything.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$repo/end2end/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export RUSTFLAGS="--cfg erase_components"
export LEPTOS_OUTPUT_NAME=locactive
export LEPTOS_SITE_ROOT="$repo/target/site"
export LEPTOS_SITE_PKG_DIR=pkg
export LOCACTIVE_SITE_ROOT="$repo/target/site"

# Prints a free TCP port on the loopback interface.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until $1 answers, for at most $2 seconds.
wait_for_http() {
  local url=$1 deadline=$((SECONDS + ${2:-60}))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "Timed out waiting for $url" >&2
      return 1
    fi
    sleep 0.5
  done
}

# Starts a throwaway PostgreSQL on loopback with its data under $1 (fsync off: nothing in it is
# kept), and exports LOCACTIVE_TEST_POSTGRES_URL. Stop it with `stop_postgres $1`.
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1; }
start_postgres() {
  local data=$1 port
  port=$(free_port)
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres "$(dirname "$data")" "$data"
  as_postgres "$(pg_bin)/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
  as_postgres "$(pg_bin)/pg_ctl" -D "$data" -l "$data/log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c max_connections=300" -w start >/dev/null
  export LOCACTIVE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
}
stop_postgres() {
  [ -f "$1/postmaster.pid" ] && as_postgres "$(pg_bin)/pg_ctl" -D "$1" -m immediate stop >/dev/null 2>&1 || true
}

# The release site as the run command builds it: hashed names, brotli and gzip copies beside them.
# `--no-build` as the first argument keeps the last one (the measuring scripts take it).
release_build() {
  [ "${1:-}" = "--no-build" ] && return 0
  "$repo/scripts/install-tools.sh"
  (cd "$repo" && cargo leptos build --release --precompress --cargo-locked)
}
