#!/usr/bin/env bash
# A PostgreSQL cluster owned by this project, never the system one.
#   scripts/pg.sh start DIR [DBNAME]   create (first time) and start; idempotent
#   scripts/pg.sh stop DIR             stop
#   scripts/pg.sh destroy DIR          stop and delete
# It listens only on a Unix socket inside DIR (no TCP port, so clusters never collide), trusts
# local connections, and keeps its files in DIR between runs. Prints nothing on success but
# the lines `PGHOST=...` / `PGPORT=...` for callers to export.
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop|destroy DIR [DBNAME]}
root=${2:?usage: pg.sh start|stop|destroy DIR [DBNAME]}
dbname=${3:-bdmap}
port=${PGPORT_LOCAL:-55432}

pgbin=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$candidate/initdb" ]; then pgbin=$candidate; break; fi
done
[ -n "$pgbin" ] || { echo "pg.sh: no PostgreSQL server found under /usr/lib/postgresql (run scripts/system-deps.sh)" >&2; exit 1; }

# initdb and postgres refuse to run as root: run them as the postgres user then.
if [ "$(id -u)" = 0 ]; then
  owner=postgres
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

data=$root/data
running() { [ -f "$data/postmaster.pid" ] && as_owner "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

case $cmd in
  start)
    if [ ! -f "$data/PG_VERSION" ]; then
      mkdir -p "$root"
      if [ "$(id -u)" = 0 ]; then chown "$owner:" "$root"; fi
      chmod 700 "$root"
      as_owner "$pgbin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$root/initdb.log"
    fi
    if ! running; then
      rm -f "$data/postmaster.pid"
      as_owner "$pgbin/pg_ctl" -D "$data" -l "$root/server.log" -w -t 60 \
        -o "-p $port -k $root -c listen_addresses= -c max_parallel_workers_per_gather=0 -c jit=off ${PG_EXTRA_OPTS:-}" \
        start >/dev/null || { cat "$root/server.log" >&2; exit 1; }
    fi
    psql_() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$root" -p "$port" -U postgres "$@"; }
    if [ -z "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")" ]; then
      psql_ -d postgres -c "CREATE DATABASE \"$dbname\""
    fi
    # Test databases are copied from template1: give them PostGIS ready-made.
    psql_ -d template1 -c "CREATE EXTENSION IF NOT EXISTS postgis" 2>/dev/null
    psql_ -d "$dbname" -c "CREATE EXTENSION IF NOT EXISTS postgis" 2>/dev/null
    echo "PGHOST=$root"
    echo "PGPORT=$port"
    ;;
  stop)
    if running; then as_owner "$pgbin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
    ;;
  destroy)
    if running; then as_owner "$pgbin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null || true; fi
    rm -rf "$root"
    ;;
  *)
    echo "pg.sh: unknown command $cmd" >&2; exit 2
    ;;
esac
