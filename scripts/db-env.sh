#!/usr/bin/env bash
# Prints `export ...` lines for the database to use: DATABASE_URL when set (nothing to do),
# otherwise the project's own cluster in DIR, started if needed.
#   eval "$(scripts/db-env.sh DIR DBNAME)"
set -euo pipefail
if [ -n "${DATABASE_URL:-}" ]; then
  exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
"$here/pg.sh" start "$1" "${2:-bdmap}" | sed 's/^/export /'
echo "export PGUSER=postgres PGDATABASE=${2:-bdmap}"
