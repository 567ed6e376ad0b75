#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the service needs, only when something is missing.
#   scripts/system-deps.sh          PostgreSQL + PostGIS, GDAL, gettext, nginx, python3-venv
#   scripts/system-deps.sh test     the same, plus Chromium for the browser tests
# Fast (no apt call) when everything is present. Needs root to install; without root it says
# which command to run instead.
set -euo pipefail

want_browser=${1:-}
missing=()

pg_version() { ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1; }

[ -n "$(pg_version)" ] && [ -x "/usr/lib/postgresql/$(pg_version)/bin/initdb" ] || missing+=(postgresql)
if [ -n "$(pg_version)" ]; then
  ls /usr/share/postgresql/"$(pg_version)"/extension/postgis.control >/dev/null 2>&1 \
    || missing+=("postgresql-$(pg_version)-postgis-3")
fi
command -v ogrinfo >/dev/null 2>&1 || missing+=(gdal-bin)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# nginx buffers requests and responses in front of gunicorn (make run starts its own instance
# with a generated config; Debian's system service is never started or used).
[ -x /usr/sbin/nginx ] || missing+=(nginx)
# Debian's system Python needs python3-venv to create a venv with pip (checked only until .venv exists).
if [ ! -x .venv/bin/python ]; then
  probe=$(mktemp -d)
  ${PYTHON:-python3} -m venv "$probe/v" >/dev/null 2>&1 || missing+=(python3-venv)
  rm -rf "$probe"
fi
if [ "$want_browser" = test ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # Playwright's bundled Node driver links libatomic.so.1, which chromium does not pull in.
  /sbin/ldconfig -p | grep -q 'libatomic\.so\.1 ' || missing+=(libatomic1)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them as root:  sudo apt-get install -y ${missing[*]}   (then run make again)" >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Debian starts a package's service when it installs it (the system PostgreSQL cluster, nginx on
# port 80). We use neither: forbid service starts for the duration of the install, unless the
# machine already has a policy of its own (container images usually do).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# written by bdmap scripts/system-deps.sh during apt-get install\nexit 101\n' \
    >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
# PostGIS is versioned like the server: if PostgreSQL itself was just installed, add it now.
if [ ! -f /usr/share/postgresql/"$(pg_version)"/extension/postgis.control ]; then
  apt-get install -y -qq "postgresql-$(pg_version)-postgis-3" >/dev/null
fi
