#!/usr/bin/env bash
# The container engine for `npm run images` / `npm run test:containers` on a Debian machine without
# one, and Docker Compose v5 as a CLI plugin.
#
#   containers-engine.sh start     install docker.io + debootstrap if missing (root), start dockerd
#                                  (--iptables=false --bridge=none: containers use the host's network)
#                                  unless an engine answers, install Compose; prints nothing else
#   containers-engine.sh stop      stop dockerd if `start` started it (its images stay on disk)
#   containers-engine.sh compose   build/install Compose only
#
# Compose is built once from the Go module proxy as the main module (`go install …/cmd@v5.6.0`
# refuses: its go.mod has exclude directives) and cached like helm in scripts/chart-check.sh:
# ${VAXVERIFY_CACHE:-~/.cache/vaxverify}/compose/<version>/docker-compose, linked into
# ~/.docker/cli-plugins. Debian's docker-compose (1.29) is the fallback when Go is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

COMPOSE_VERSION="${COMPOSE_VERSION:-v5.6.0}"
CACHE="${VAXVERIFY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaxverify}"
COMPOSE="$CACHE/compose/$COMPOSE_VERSION/docker-compose"
PIDFILE=/run/vaxverify-dockerd.pid
LOG="$CACHE/dockerd.log"
mkdir -p "$CACHE"

log() { echo "containers-engine: $*" >&2; }
die() { echo "containers-engine: $*" >&2; exit 1; }
answers() { timeout 5 docker info >/dev/null 2>&1; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  [ ${#missing[@]} = 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing: run  sudo apt-get install -y ${missing[*]}"
  log "installing ${missing[*]} (Debian)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >"$CACHE/apt-docker.log" 2>&1 \
    || { tail -20 "$CACHE/apt-docker.log" >&2; die "apt-get install failed (log: $CACHE/apt-docker.log)"; }
}

build_compose() {
  [ -x "$COMPOSE" ] && return 0
  command -v go >/dev/null || return 1
  log "building Docker Compose $COMPOSE_VERSION from the Go module proxy (once; a few minutes)"
  local dir src; dir=$(mktemp -d)
  src=$(cd "$dir" && go mod download -json "github.com/docker/compose/v5@$COMPOSE_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src" ] || die "go mod download github.com/docker/compose/v5@$COMPOSE_VERSION gave no folder"
  cp -r "$src" "$dir/src" && chmod -R u+w "$dir/src"
  mkdir -p "$(dirname "$COMPOSE")"
  (cd "$dir/src" && nice -n 10 go build -trimpath -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" -o "$COMPOSE.tmp" ./cmd) >"$CACHE/compose-build.log" 2>&1 \
    || { tail -20 "$CACHE/compose-build.log" >&2; rm -rf "$dir"; die "Compose build failed (log: $CACHE/compose-build.log)"; }
  mv "$COMPOSE.tmp" "$COMPOSE"
  rm -rf "$dir"
}

install_compose() {
  local plugins="$HOME/.docker/cli-plugins"
  mkdir -p "$plugins"
  if build_compose; then
    ln -sf "$COMPOSE" "$plugins/docker-compose"
  elif ! docker compose version >/dev/null 2>&1; then
    log "no Go: Debian's docker-compose as the fallback"
    command -v docker-compose >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
  fi
}

start() {
  install_packages
  if ! answers; then
    log "starting dockerd (log: $LOG)"
    setsid dockerd --iptables=false --bridge=none >>"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    for _ in $(seq 60); do answers && break; sleep 0.5; done
    answers || { tail -20 "$LOG" >&2; die "dockerd did not answer within 30 s"; }
  fi
  install_compose
}

stop() {
  [ -f "$PIDFILE" ] || return 0
  local pid; pid=$(cat "$PIDFILE"); rm -f "$PIDFILE"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || { log "dockerd stopped"; return 0; }; sleep 0.2; done
  die "dockerd ($pid) did not stop within 20 s"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  compose) install_compose ;;
  *) die "usage: containers-engine.sh start | stop | compose" ;;
esac
