#!/usr/bin/env bash
# Start what vaxverify needs on a machine without Docker, and print the URLs.
#   Redis:  REDIS_URL if set, else redis-server on 127.0.0.1:6379 (started if not answering).
#   Mongo:  MONGO_URL if set (a real MongoDB, say), else whatever answers on 127.0.0.1:27017,
#           else the development store (scripts/store.sh): FerretDB v2 on PostgreSQL 15 with the
#           DocumentDB extension, built once into the system's PostgreSQL 15 and a cache folder,
#           in a PostgreSQL cluster of its own (VAXVERIFY_STORE_DIR, port VAXVERIFY_STORE_PG_PORT,
#           default 54329), never the machine's shared cluster.
# Idempotent: run it as often as you like. `--quiet` prints only errors. `--stop` stops
# what this script started (the store; Redis is left alone).
set -euo pipefail
cd "$(dirname "$0")/.."

QUIET=0; STOP=0
for a in "$@"; do case "$a" in --quiet) QUIET=1 ;; --stop) STOP=1 ;; *) echo "unknown option $a" >&2; exit 2 ;; esac; done
say() { [ "$QUIET" = 1 ] || echo "$@"; }

CACHE="${VAXVERIFY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaxverify}"
# As root the cluster belongs to the postgres user, who cannot enter root's home.
if [ "$(id -u)" = 0 ]; then STORE_DIR="${VAXVERIFY_STORE_DIR:-/var/lib/vaxverify/store}"; else STORE_DIR="${VAXVERIFY_STORE_DIR:-$CACHE/store}"; fi
STORE_PG_PORT="${VAXVERIFY_STORE_PG_PORT:-54329}"
mkdir -p "$CACHE"
export QUIET

if [ "$STOP" = 1 ]; then
  bash scripts/store.sh stop "$STORE_DIR" && say "stopped the development store"
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
MONGO="${MONGO_URL:-mongodb://127.0.0.1:27017/vaxverify}"
if ! ping mongo "$MONGO" 2500 2>/dev/null; then
  if [ -n "${MONGO_URL:-}" ]; then echo "MONGO_URL=$MONGO_URL does not answer" >&2; exit 1; fi
  say "starting the development store (FerretDB v2 + DocumentDB) on 127.0.0.1:27017, PostgreSQL of its own in $STORE_DIR on port $STORE_PG_PORT"
  bash scripts/store.sh start "$STORE_DIR" "$STORE_PG_PORT" 27017
  ping mongo "$MONGO" 30000 || { echo "--- last lines of the server log:" >&2; tail -20 "$STORE_DIR"/*.log >&2 || true; exit 1; }
fi

say "REDIS_URL=$REDIS"
say "MONGO_URL=$MONGO"
