#!/usr/bin/env bash
# Starts and stops the services the tests need, on free loopback ports, in a throwaway
# directory. Nothing is installed system-wide and nothing listens beyond 127.0.0.1.
#
#   scripts/test-services.sh start [DIR]   start PostgreSQL, check Anvil; print `export VAR=...`
#                                          lines (tests start private Anvil nodes themselves:
#                                          they pause mining and restart nodes)
#   scripts/test-services.sh stop [DIR]    stop what `start` started
#
# Use: eval "$(scripts/test-services.sh start)"; make test; scripts/test-services.sh stop
set -euo pipefail

action=${1:-}
dir=${2:-${ORCH_SERVICES_DIR:-/tmp/orch-test-services}}
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# PostgreSQL refuses to run as root; run it as the postgres user when we are root.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  [ -n "$pg_bin" ] || { echo "test-services: PostgreSQL is not installed (scripts/install-deps.sh)" >&2; exit 1; }
  local data="$dir/postgres" port
  port=$(free_port)
  rm -rf "$data"; mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
  as_postgres "$pg_bin/initdb" -D "$data/data" -A trust -U postgres --no-sync -E UTF8 \
    --locale=C.UTF-8 >"$data/initdb.log" 2>&1 || { cat "$data/initdb.log" >&2; exit 1; }
  # fsync and synchronous_commit are off: a test cluster is thrown away, so speed beats
  # durability here (benchmarks say which settings they ran with).
  as_postgres "$pg_bin/pg_ctl" -D "$data/data" -l "$data/pg.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$data/pg.log" >&2; exit 1; }
  echo "$port" >"$dir/postgres.port"
  echo "export ORCH_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/postgres"
}

stop_postgres() {
  local data="$dir/postgres/data"
  if [ -f "$data/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir/postgres" "$dir/postgres.port"
}

check_anvil() {
  local anvil
  anvil="$(cd "$(dirname "$0")/.." && pwd)/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
  "$anvil" --version >/dev/null 2>&1 ||
    { echo "test-services: Anvil is not installed at $anvil (scripts/install-deps.sh)" >&2; exit 1; }
  echo "export ORCH_ANVIL_BIN=$anvil"
}

case "$action" in
  start)
    mkdir -p "$dir"
    # The postgres user must reach the data directory (mktemp makes 0700 directories).
    chmod 755 "$dir"
    stop_postgres
    start_postgres
    check_anvil
    ;;
  stop)
    stop_postgres
    ;;
  *)
    echo "usage: $0 start|stop [DIR]" >&2
    exit 2
    ;;
esac
