#!/usr/bin/env bash
# Starts and stops the services the tests need, on free loopback ports, in a throwaway
# directory. Nothing is installed system-wide and nothing listens beyond 127.0.0.1.
#
#   scripts/test-services.sh start [DIR]   start PostgreSQL and the AWS emulators (fauxqs for
#                                          SQS/SNS/S3, s3rver for S3), check Anvil; print
#                                          `export VAR=...` lines (tests start private Anvil
#                                          nodes themselves: they pause mining and restart nodes)
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

repo=$(cd "$(dirname "$0")/.." && pwd)

# Waits until `url` answers (any HTTP status) or the process `pid` died.
wait_http() {
  local url=$1 pid=$2 log=$3
  for _ in $(seq 1 200); do
    curl -s -o /dev/null "$url" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.05
  done
  echo "test-services: $url did not answer within 10 s" >&2; cat "$log" >&2; return 1
}

# fauxqs: SQS (JSON protocol), SNS and S3 in memory, on loopback (scripts/aws/fauxqs-loopback.mjs).
start_fauxqs() {
  local port
  port=$(free_port)
  [ -d "$repo/node_modules/fauxqs" ] ||
    { echo "test-services: fauxqs is not installed (scripts/install-deps.sh)" >&2; exit 1; }
  PORT=$port setsid node "$repo/scripts/aws/fauxqs-loopback.mjs" >"$dir/fauxqs.log" 2>&1 &
  echo $! >"$dir/fauxqs.pid"
  wait_http "http://127.0.0.1:$port/health" "$(cat "$dir/fauxqs.pid")" "$dir/fauxqs.log" || exit 1
  echo "export ORCH_TEST_FAUXQS_URL=http://127.0.0.1:$port"
}

# s3rver: S3 with objects kept as files; checks the access key id (S3RVER).
start_s3rver() {
  local port
  port=$(free_port)
  rm -rf "$dir/s3rver"; mkdir -p "$dir/s3rver"
  # s3rver's listing continuation tokens use DES, which Node 20 only offers with the legacy provider.
  setsid node --openssl-legacy-provider "$repo/node_modules/s3rver/bin/s3rver.js" -d "$dir/s3rver" -a 127.0.0.1 -p "$port" \
    --silent >"$dir/s3rver.log" 2>&1 &
  echo $! >"$dir/s3rver.pid"
  wait_http "http://127.0.0.1:$port/" "$(cat "$dir/s3rver.pid")" "$dir/s3rver.log" || exit 1
  echo "export ORCH_TEST_S3RVER_URL=http://127.0.0.1:$port"
}

stop_pidfile() {
  local file=$1
  if [ -f "$file" ]; then
    kill -- "-$(cat "$file")" 2>/dev/null || kill "$(cat "$file")" 2>/dev/null || true
    rm -f "$file"
  fi
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
    stop_pidfile "$dir/fauxqs.pid"
    stop_pidfile "$dir/s3rver.pid"
    # The postgres user must reach the data directory (mktemp makes 0700 directories).
    chmod 755 "$dir"
    stop_postgres
    start_postgres
    start_fauxqs
    start_s3rver
    check_anvil
    ;;
  stop)
    stop_pidfile "$dir/fauxqs.pid"
    stop_pidfile "$dir/s3rver.pid"
    rm -rf "$dir/s3rver"
    stop_postgres
    ;;
  *)
    echo "usage: $0 start|stop [DIR]" >&2
    exit 2
    ;;
esac
