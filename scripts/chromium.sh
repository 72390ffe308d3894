#!/usr/bin/env bash
# Make sure a Chromium is there for the browser tests (test/helpers/browser.ts): Debian's package,
# or CHROMIUM_PATH. As root it installs it; otherwise it says how, once, and lets the other tests run.
set -euo pipefail

MISSING='chromium is missing: run `sudo apt-get install -y chromium` (or set CHROMIUM_PATH)'

if [[ -n "${CHROMIUM_PATH:-}" && -x "$CHROMIUM_PATH" ]] || [[ -x /usr/bin/chromium ]]; then
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
  log=$(mktemp)
  trap 'rm -f "$log"' EXIT
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1; then
    # Say why, then let the non-browser tests run; the browser tests fail with the same line.
    cat "$log" >&2
    echo "$MISSING"
  fi
  exit 0
fi

echo "$MISSING"
exit 0
