#!/usr/bin/env bash
# The whole suite, in parallel (pytest-xdist, PYTEST_WORKERS processes, each with its own test
# database), in two sessions on the caller's cluster:
#   1. every test that rolls its data back;
#   2. the tests of the live server (marked `live` by tests/conftest.py), which commit the demo
#      data and their own to it.
# They are kept apart because xdist hands a worker its files in any order: data committed by a
# live test would collide with a later test's own, and a test that empties the tables would pull
# the live server's data from under it. Extra arguments go to both sessions; a session that
# selects no test (exit status 5) is not a failure.
#   scripts/run-tests.sh PYTHON [PYTEST ARGS...]
set -uo pipefail
python=$1
shift
workers=${PYTEST_WORKERS:-2}
session() {
  "$python" -m pytest -n "$workers" --dist loadfile "$@"
  local status=$?
  [ "$status" -eq 5 ] && status=0
  return "$status"
}
session -m "not live" "$@" || exit $?
session -m live "$@"
