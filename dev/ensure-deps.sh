#!/usr/bin/env bash
# Installs the npm packages the project pins (package-lock.json) when node_modules is missing or
# stale. Everything else (Debian packages, the cluster) is brought up by dev/cli.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! cmp -s package-lock.json node_modules/.package-lock.json.installed 2>/dev/null; then
  # `npm install` with the committed lock, not `npm ci`: the registry mirror here carries only
  # this platform's builds of deno/supabase, and `npm ci` refuses a lock without the others.
  echo "installing npm packages (npm install from package-lock.json)…" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json node_modules/.package-lock.json.installed
fi
