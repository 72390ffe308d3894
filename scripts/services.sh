#!/usr/bin/env bash
# Start what vaxverify needs on a machine without Docker, and print the URLs.
#   Redis:  REDIS_URL if set, else redis-server on 127.0.0.1:6379 (started if not answering).
#   Mongo:  MONGO_URL if set, else whatever answers on 127.0.0.1:27017, else `mongod` on PATH,
#           else FerretDB v1.24.2 (MongoDB wire protocol) built once with Go into a cache
#           folder and run on the local PostgreSQL. PostgreSQL, not FerretDB's SQLite handler:
#           with the same `npm run bench:campaign -- --communes 10 --people 40000 --workers 2`
#           the PostgreSQL handler verified all 92,120 records in 294 s, the SQLite handler
#           none in 491 s (a commune's 8,929 dose records by equality: 2.9 s vs 16 s; docs/scale.md).
# Idempotent: run it as often as you like. `--quiet` prints only errors. `--stop` stops
# what this script started (FerretDB/mongod; Redis is left alone).
set -euo pipefail
cd "$(dirname "$0")/.."

QUIET=0; STOP=0
for a in "$@"; do case "$a" in --quiet) QUIET=1 ;; --stop) STOP=1 ;; *) echo "unknown option $a" >&2; exit 2 ;; esac; done
say() { [ "$QUIET" = 1 ] || echo "$@"; }

CACHE="${VAXVERIFY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaxverify}"
FERRET_VERSION=v1.24.2
FERRET_BIN="$CACHE/ferretdb-$FERRET_VERSION"
PG_URL_BASE="${VAXVERIFY_PG_URL:-postgres://postgres@127.0.0.1:5432}"
PG_DB=vaxverify_ferretdb
mkdir -p "$CACHE"

if [ "$STOP" = 1 ]; then
  for f in "$CACHE/ferretdb.pid" "$CACHE/mongod.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null && say "stopped $(basename "$f" .pid)"; rm -f "$f"
  done
  exit 0
fi

ping() { node scripts/ping.mjs "$@"; }

# --- Redis -----------------------------------------------------------------------------
REDIS="${REDIS_URL:-redis://127.0.0.1:6379}"
if ! ping redis "$REDIS" 1500 2>/dev/null; then
  if [ -n "${REDIS_URL:-}" ]; then echo "REDIS_URL=$REDIS_URL does not answer" >&2; exit 1; fi
  command -v redis-server >/dev/null || { echo "redis-server not found: apt-get install redis-server" >&2; exit 1; }
  say "starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  ping redis "$REDIS" 15000
fi

# --- Mongo-wire server -------------------------------------------------------------------
build_ferretdb() {
  command -v go >/dev/null || { echo "neither mongod nor go found: install Go (for FerretDB) or set MONGO_URL" >&2; exit 1; }
  say "building FerretDB $FERRET_VERSION into $CACHE (once; about two minutes)"
  # `go install …@v1.24.2` builds a binary that panics at start (the module lacks the generated
  # build/version/version.txt), so build from a copy of the module with that file written.
  local dir src
  dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRET_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  src=$(mktemp -d)
  cp -r "$dir/." "$src" && chmod -R u+w "$src"
  echo "$FERRET_VERSION" > "$src/build/version/version.txt"
  (cd "$src" && go build -o "$FERRET_BIN.tmp" ./cmd/ferretdb)
  mv "$FERRET_BIN.tmp" "$FERRET_BIN"
  rm -rf "$src"
}

start_ferretdb() {
  [ -x "$FERRET_BIN" ] || build_ferretdb
  command -v psql >/dev/null || { echo "psql not found: FerretDB needs the local PostgreSQL" >&2; exit 1; }
  psql "$PG_URL_BASE/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" | grep -q 1 \
    || psql "$PG_URL_BASE/postgres" -qc "CREATE DATABASE $PG_DB" \
    || { echo "cannot create database $PG_DB on $PG_URL_BASE (is PostgreSQL running?)" >&2; exit 1; }
  say "starting FerretDB $FERRET_VERSION on 127.0.0.1:27017 (PostgreSQL database $PG_DB)"
  # setsid: FerretDB outlives this script and the test run; it is stopped with --stop.
  # pool_max_conns: FerretDB 1.24 deadlocks when a collection is created (metadata write lock
  # held while waiting for a pooled PostgreSQL connection) and every pooled connection is held
  # by a request waiting for that lock. With more connections than concurrent client requests
  # (each app process caps its Mongo pool, MONGO_POOL_SIZE) the creator always gets one.
  setsid "$FERRET_BIN" --handler=postgresql --postgresql-url="$PG_URL_BASE/$PG_DB?pool_max_conns=${FERRETDB_PG_POOL:-80}" \
    --listen-addr=127.0.0.1:27017 --debug-addr=127.0.0.1:0 --telemetry=disable \
    --state-dir="$CACHE" --log-level=WARN >"$CACHE/ferretdb.log" 2>&1 < /dev/null &
  echo $! > "$CACHE/ferretdb.pid"
}

MONGO="${MONGO_URL:-mongodb://127.0.0.1:27017/vaxverify}"
if ! ping mongo "$MONGO" 2500 2>/dev/null; then
  if [ -n "${MONGO_URL:-}" ]; then echo "MONGO_URL=$MONGO_URL does not answer" >&2; exit 1; fi
  if command -v mongod >/dev/null; then
    say "starting mongod on 127.0.0.1:27017"
    mkdir -p "$CACHE/mongod-data"
    mongod --bind_ip 127.0.0.1 --port 27017 --dbpath "$CACHE/mongod-data" --fork \
      --logpath "$CACHE/mongod.log" --pidfilepath "$CACHE/mongod.pid" >/dev/null
  else
    start_ferretdb
  fi
  ping mongo "$MONGO" 30000 || { echo "--- last lines of the server log:" >&2; tail -20 "$CACHE"/*.log >&2 || true; exit 1; }
fi

say "REDIS_URL=$REDIS"
say "MONGO_URL=$MONGO"
