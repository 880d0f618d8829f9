#!/usr/bin/env bash
# Installs the local SQL-only pgmq extension into a PostgreSQL installation
# (copies the control and script files into <sharedir>/extension).
# Usage: dev/pgmq/install.sh [path/to/pg_config]
# Needs write access to the sharedir (usually root).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pg_config="${1:-${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}}"
dest="$("$pg_config" --sharedir)/extension"
install -m 0644 "$here/pgmq.control" "$dest/pgmq.control"
for f in "$here"/pgmq--*.sql; do
  install -m 0644 "$f" "$dest/$(basename "$f")"
done
echo "pgmq extension files installed into $dest"
