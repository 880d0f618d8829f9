#!/usr/bin/env bash
# Installs the project's local extension stand-ins (dev/pgmq, dev/pg_net) into a PostgreSQL
# installation by copying their control and script files into <sharedir>/extension. The local
# stack does the same by itself (dev/stack/postgres.ts); this is for a server of your own.
# Usage: dev/install-extensions.sh [path/to/pg_config]   (needs write access to the sharedir)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pg_config="${1:-${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}}"
dest="$("$pg_config" --sharedir)/extension"
for dir in "$here/pgmq" "$here/pg_net"; do
  for f in "$dir"/*.control "$dir"/*--*.sql; do
    install -m 0644 "$f" "$dest/$(basename "$f")"
  done
  echo "$(basename "$dir") extension files installed into $dest"
done
