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
