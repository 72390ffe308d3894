#!/usr/bin/env bash
# The development store: FerretDB v2 (MongoDB wire protocol) on PostgreSQL 15 with the DocumentDB
# extension, in a PostgreSQL cluster of its own (its own data directory and port; never the
# machine's shared cluster). Production runs MongoDB 7 (docker-compose.yml); nothing in the product
# knows which one it talks to.
#
#   store.sh build                       build/install once (cached): DocumentDB, its RUM, pgvector, FerretDB
#   store.sh start DIR PG_PORT MONGO_PORT  init (first time) and start the cluster in DIR and FerretDB
#   store.sh stop DIR                    stop FerretDB and PostgreSQL of DIR
#   store.sh stop-ferretdb DIR / start-ferretdb DIR   only the wire server (fault tests)
#
# Sources: ../shared/vendor (VAXVERIFY_VENDOR), else the upstream release archives; see
# ../shared/vendor/README.md for the steps this follows and what was measured.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${VAXVERIFY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaxverify}"
VENDOR="${VAXVERIFY_VENDOR:-$(cd .. && pwd)/shared/vendor}"
FERRET_VERSION=v2.7.0
FERRET_BIN="$CACHE/ferretdb-$FERRET_VERSION"
DOCDB_VERSION=0.107-0
PGVER=15
PGBIN=/usr/lib/postgresql/$PGVER/bin
mkdir -p "$CACHE"

die() { echo "store: $*" >&2; exit 1; }
log() { [ "${QUIET:-0}" = 1 ] || echo "store: $*"; }

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# documentdb.control requires the extension `rum` (Debian's postgresql-15-rum) to exist, although the
# RUM handler it loads is DocumentDB's own (documentdb.rum_library_load_option below).
# --- build ------------------------------------------------------------------------------
APT_PACKAGES="postgresql-$PGVER postgresql-server-dev-$PGVER postgresql-$PGVER-cron postgresql-$PGVER-postgis-3 postgresql-$PGVER-rum \
libbson-dev libpcre2-dev libintelrdfpmath-dev libkrb5-dev build-essential pkg-config systemtap-sdt-dev"

built() {
  local lib; lib=$("$PGBIN/pg_config" --pkglibdir 2>/dev/null) || return 1
  [ -f "$lib/pg_documentdb.so" ] && [ -f "$lib/pg_documentdb_core.so" ] && [ -f "$lib/pg_documentdb_extended_rum.so" ] \
    && [ -f "$lib/vector.so" ] && [ -f "$lib/rum.so" ] && [ -x "$FERRET_BIN" ] && [ -f "$CACHE/documentdb-$DOCDB_VERSION.built" ]
}

source_archive() { # name upstream-url → path of the archive
  local name=$1 url=$2
  if [ -f "$VENDOR/$name" ]; then echo "$VENDOR/$name"; return; fi
  if [ -f "$CACHE/$name" ]; then echo "$CACHE/$name"; return; fi
  log "$name is not in $VENDOR; fetching $url" >&2
  curl -fsSL --max-time 120 -o "$CACHE/$name.tmp" "$url" \
    || die "cannot get $name: neither $VENDOR/$name nor $url is reachable (set VAXVERIFY_VENDOR to a folder holding it, or MONGO_URL to a MongoDB)"
  mv "$CACHE/$name.tmp" "$CACHE/$name"; echo "$CACHE/$name"
}

build() {
  if built; then return 0; fi
  log "building the development store once (PostgreSQL $PGVER + DocumentDB $DOCDB_VERSION + FerretDB $FERRET_VERSION; about 4 minutes)"
  local missing=()
  for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing Debian packages: run  sudo apt-get install -y ${missing[*]}"
    log "installing ${missing[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >"$CACHE/apt.log" 2>&1 \
      || { tail -20 "$CACHE/apt.log" >&2; die "apt-get install failed (log: $CACHE/apt.log)"; }
  fi
  command -v go >/dev/null || die "Go is needed to build FerretDB (https://go.dev/doc/install), or set MONGO_URL"

  local src; src=$(mktemp -d)
  trap 'rm -rf "$src"' RETURN
  # Assigned first: a failing command substitution inside tar's arguments would not stop the script.
  local archive
  archive=$(source_archive pgvector-0.8.0.tar.gz https://github.com/pgvector/pgvector/archive/refs/tags/v0.8.0.tar.gz) || exit 1
  tar xzf "$archive" -C "$src"
  archive=$(source_archive documentdb-$DOCDB_VERSION-ferretdb.tar.gz https://github.com/FerretDB/documentdb/archive/refs/tags/v$DOCDB_VERSION-ferretdb.tar.gz) || exit 1
  tar xzf "$archive" -C "$src"
  local pgvector documentdb
  pgvector=$(find "$src" -maxdepth 1 -type d -name 'pgvector*' | head -1)
  documentdb=$(find "$src" -maxdepth 1 -type d -name 'documentdb*' | head -1)

  # Debian ships Intel's decimal library without a pkg-config file; the 000 build matches
  # DocumentDB's CALL_BY_REF=0 GLOBAL_RND=0 GLOBAL_FLAGS=0.
  mkdir -p "$src/pc"
  printf 'Name: intelmathlib\nDescription: Intel decimal floating point\nVersion: 2.0\nCflags: -I/usr/include\nLibs: -L/usr/lib/x86_64-linux-gnu -l:libbidgcc000.a\n' >"$src/pc/intelmathlib.pc"
  export PKG_CONFIG_PATH="$src/pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  local sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  # Debian's libbson 1.23 lacks binary subtype 8: define it (nothing else is patched).
  local flags=(with_llvm=no "COPT=-DBSON_SUBTYPE_SENSITIVE=0x08 -Wno-error=switch" "PG_CONFIG=$PGBIN/pg_config")
  local jobs; jobs=$(nproc)
  log "pgvector"
  (cd "$pgvector" && make -s -j"$jobs" with_llvm=no OPTFLAGS="" PG_CONFIG="$PGBIN/pg_config" && "${sudo[@]}" make -s with_llvm=no PG_CONFIG="$PGBIN/pg_config" install) >"$CACHE/build.log" 2>&1 \
    || { tail -30 "$CACHE/build.log" >&2; die "pgvector build failed (log: $CACHE/build.log)"; }
  for part in pg_documentdb_core pg_documentdb internal/pg_documentdb_extended_rum; do
    log "DocumentDB $part"
    (cd "$documentdb/$part" && make -s -j"$jobs" "${flags[@]}" && "${sudo[@]}" make -s "${flags[@]}" install) >>"$CACHE/build.log" 2>&1 \
      || { tail -30 "$CACHE/build.log" >&2; die "DocumentDB $part build failed (log: $CACHE/build.log)"; }
  done
  if [ ! -x "$FERRET_BIN" ]; then
    log "FerretDB $FERRET_VERSION (Go module proxy)"
    GOBIN="$src/gobin" go install "github.com/FerretDB/FerretDB/v2/cmd/ferretdb@$FERRET_VERSION" >>"$CACHE/build.log" 2>&1 \
      || { tail -30 "$CACHE/build.log" >&2; die "FerretDB build failed (log: $CACHE/build.log)"; }
    mv "$src/gobin/ferretdb" "$FERRET_BIN"
  fi
  touch "$CACHE/documentdb-$DOCDB_VERSION.built"
  log "built"
}

# --- cluster ------------------------------------------------------------------------------
init_cluster() { # DIR PG_PORT
  local dir=$1 port=$2
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  [ -f "$dir/data/PG_VERSION" ] && return 0
  as_pg "$PGBIN/initdb" -A trust -U postgres -D "$dir/data" >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  cat >>"$dir/data/postgresql.conf" <<EOF
# vaxverify development store (scripts/store.sh)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 512MB
fsync = on
shared_preload_libraries = 'pg_cron,pg_documentdb_core,pg_documentdb'
cron.database_name = 'postgres'
# Debian's pg_cron 1.4 refuses sub-minute schedules: without this CREATE EXTENSION documentdb fails.
documentdb.indexBuildScheduleInSec = 60
# DocumentDB's own RUM: Debian's rum.so crashed a backend here under concurrent inserts and index scans.
documentdb.rum_library_load_option = 'require_documentdb_extended_rum'
# The settings FerretDB documents for its DocumentDB install.
documentdb.enableCompact = true
documentdb.enableLetAndCollationForQueryMatch = true
documentdb.enableNowSystemVariable = true
documentdb.enableSortbyIdPushDownToPrimaryKey = true
documentdb.enableSchemaValidation = true
documentdb.enableBypassDocumentValidation = true
documentdb.enableUserCrud = true
documentdb.maxUserLimit = 100
EOF
}

pg_running() { as_pg "$PGBIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1; }

start_pg() { # DIR PG_PORT
  local dir=$1 port=$2
  init_cluster "$dir" "$port"
  # The postmaster logs the RUM handler it preloads: check only what this start logged.
  local from=0
  if ! pg_running "$dir"; then
    from=$(stat -c %s "$dir/postgres.log" 2>/dev/null || echo 0)
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null \
      || { tail -30 "$dir/postgres.log" >&2; die "PostgreSQL of $dir did not start (port $port taken?)"; }
  fi
  local psql=("$PGBIN/psql" -h "$dir" -p "$port" -U postgres -d postgres -qtAX -v ON_ERROR_STOP=1)
  as_pg "${psql[@]}" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS documentdb CASCADE; CREATE EXTENSION IF NOT EXISTS documentdb_extended_rum;" >/dev/null \
    || die "CREATE EXTENSION documentdb failed (log: $dir/postgres.log)"
  # Start-up check: the three extensions present, and DocumentDB's RUM handler loaded (not Debian's).
  local n; n=$(as_pg "${psql[@]}" -c "SELECT count(*) FROM pg_extension WHERE extname IN ('documentdb','documentdb_core','documentdb_extended_rum')")
  [ "$n" = 3 ] || die "DocumentDB extensions missing in $dir (found $n of 3)"
  tail -c +$((from + 1)) "$dir/postgres.log" | grep -c "Loaded documentdb_rumhandler successfully via pg_documentdb_extended_rum" >/dev/null \
    || die "the RUM handler of pg_documentdb_extended_rum did not load (log: $dir/postgres.log)"
}

start_ferretdb() { # DIR
  local dir=$1 port mport
  port=$(cat "$dir/pg.port"); mport=$(cat "$dir/mongo.port")
  if [ -f "$dir/ferretdb.pid" ] && kill -0 "$(cat "$dir/ferretdb.pid")" 2>/dev/null; then return 0; fi
  # setsid: FerretDB outlives this script and the test run; `store.sh stop` ends it.
  setsid "$FERRET_BIN" --postgresql-url="postgres://postgres@127.0.0.1:$port/postgres?pool_max_conns=${FERRETDB_PG_POOL:-100}" \
    --listen-addr="127.0.0.1:$mport" --no-auth --telemetry=disable --debug-addr=127.0.0.1:0 \
    --state-dir="$dir" --log-level=warn >>"$dir/ferretdb.log" 2>&1 </dev/null &
  echo $! >"$dir/ferretdb.pid"
}

stop_ferretdb() {
  local dir=$1 pid
  [ -f "$dir/ferretdb.pid" ] || return 0
  pid=$(cat "$dir/ferretdb.pid"); rm -f "$dir/ferretdb.pid"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

case "${1:-}" in
  build) build ;;
  start)
    [ $# = 4 ] || die "usage: store.sh start DIR PG_PORT MONGO_PORT"
    build
    start_pg "$2" "$3"
    echo "$3" >"$2/pg.port"; echo "$4" >"$2/mongo.port"
    start_ferretdb "$2" ;;
  start-ferretdb) start_ferretdb "$2" ;;
  stop-ferretdb) stop_ferretdb "$2" ;;
  stop)
    stop_ferretdb "$2"
    if [ -f "$2/data/PG_VERSION" ] && pg_running "$2"; then as_pg "$PGBIN/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null; fi ;;
  *) die "usage: store.sh build | start DIR PG_PORT MONGO_PORT | stop DIR | start-ferretdb DIR | stop-ferretdb DIR" ;;
esac
