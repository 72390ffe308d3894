#!/usr/bin/env bash
# Starts the store with scripts/store.sh (first start: initdb and the DocumentDB extensions), then
# stays in the foreground while FerretDB runs; SIGTERM stops FerretDB and PostgreSQL (fast mode).
set -euo pipefail
store=/opt/vaxverify-store/scripts/store.sh
bash "$store" start "$STORE_DIR" "$STORE_PG_PORT" "$STORE_PORT"
echo "store: FerretDB on 127.0.0.1:$STORE_PORT, PostgreSQL on $STORE_PG_PORT"
stop() { bash "$store" stop "$STORE_DIR"; exit 0; }
trap stop TERM INT
pid=$(cat "$STORE_DIR/ferretdb.pid")
while kill -0 "$pid" 2>/dev/null; do sleep 1 & wait $! || true; done
echo "store: FerretDB exited" >&2
tail -20 "$STORE_DIR/ferretdb.log" >&2 || true
bash "$store" stop "$STORE_DIR"
exit 1
