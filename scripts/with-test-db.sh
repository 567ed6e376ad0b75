#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster, deleted afterwards whatever happens.
#   scripts/with-test-db.sh COMMAND...
# With DATABASE_URL set, the command runs against that server instead (Django's test runner
# creates and drops its own test database there).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${DATABASE_URL:-}" ]; then
  root=$(mktemp -d /var/tmp/bdmap-test.XXXXXX)
  chmod 755 "$root"
  trap '"$here/pg.sh" destroy "$root/pg"; rm -rf "$root"' EXIT
  eval "$("$here/pg.sh" start "$root/pg" bdmap | sed 's/^/export /')"
  export PGUSER=postgres PGDATABASE=bdmap
fi
"$@"
