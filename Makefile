# Two commands do everything on a fresh Debian 12 / Ubuntu machine (as root, only Python present):
#   make run    install what is missing, migrate, load the demo data, serve http://127.0.0.1:8000
#   make test   the same set-up on a throwaway database, then the whole test suite
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
PORT ?= 8000
# Test processes (pytest-xdist): scripts/run-tests.sh.
PYTEST_WORKERS ?= 2
VENV := .venv
PY := $(VENV)/bin/python
CHECKOUT := $(shell printf '%s' "$(CURDIR)" | md5sum | cut -c1-10)
# The project's own database cluster (used when DATABASE_URL is not set): persistent, outside
# the repository so the postgres user can reach it, one per checkout.
PGROOT ?= /var/tmp/bdmap/$(CHECKOUT)
# nginx's and gunicorn's run directory (generated config, socket, temporary files), one per
# checkout and port; outside the repository so nginx's workers (nobody, as root) can reach it.
RUNDIR ?= /var/tmp/bdmap/$(CHECKOUT)-run/$(PORT)

.PHONY: help run test bench lint format setup deps venv assets env messages static manage

help:
	@echo "make run   - set up everything and serve http://127.0.0.1:$(PORT)"
	@echo "make test  - set up on a throwaway database and run the whole test suite"
	@echo "make bench - benchmarks (ratios against baselines in the same run);"
	@echo "             make bench BENCH_ARGS=--serving (or --browser) measures only that part"
	@echo "make lint  - ruff check and format check"
	@echo "make manage ARGS=createsuperuser - any manage.py command against the project database"

setup: deps venv assets env

deps:
	@PYTHON=$(PYTHON) scripts/system-deps.sh $(if $(filter test,$(MAKECMDGOALS)),test,)

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-nodeps.txt constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	@echo "Installing Python packages into $(VENV) ..."
	@$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt 2>&1 | grep -v "is ignored" || true
	@$(PY) -m pip install -q --no-deps -r requirements-nodeps.txt -c constraints.txt 2>&1 | grep -v "is ignored" || true
	@$(PY) -c "import django, geopandas, rest_framework_gis, folium, ogctests, schemathesis, tipg.model"
	@touch $@

assets:
	@$(PYTHON) scripts/fetch_assets.py

env: .env

.env:
	@sed "s/^SECRET_KEY=.*/SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(40))')/" .env.example > .env
	@echo "Wrote .env (edit it to change settings)."

messages:
	@$(PY) manage.py compilemessages --ignore=.venv -v 0

# Hashed, pre-compressed static files for the app's non-DEBUG serving (the test session collects
# its own, into a temporary directory: tests/conftest.py).
static:
	@$(PY) manage.py collectstatic --no-input -v 0

run: setup messages static
	@eval "$$(scripts/db-env.sh $(PGROOT) bdmap)"; \
	$(PY) manage.py migrate --no-input -v 0; \
	$(PY) manage.py load_demo_data; \
	$(PY) manage.py check --database default; \
	echo "The database keeps running in $(PGROOT) after Ctrl+C."; \
	exec $(PY) scripts/serve.py --port $(PORT) --run-dir $(RUNDIR)

manage: setup
	@eval "$$(scripts/db-env.sh $(PGROOT) bdmap)"; $(PY) manage.py $(ARGS)

test: setup messages
	@PYTEST_WORKERS=$(PYTEST_WORKERS) scripts/with-test-db.sh scripts/run-tests.sh $(PY) $(PYTEST_ARGS)

bench: setup messages static
	@PG_EXTRA_OPTS="-c listen_addresses=127.0.0.1" PGPORT_LOCAL=55439 scripts/with-test-db.sh $(PY) -m bench.run $(BENCH_ARGS)

lint: venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: venv
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .
