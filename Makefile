# Relais: `make run` serves the demo site, `make test` runs every suite. Both set themselves up from scratch.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install browser lint check clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Relais : http://$(HOST):$(PORT)/  (Ctrl+C pour arrêter)"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) relais.asgi:application

# Debian's Chromium drives the end-to-end and accessibility tests; never a downloaded browser.
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium (needed by the browser tests)…"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver >/dev/null; fi; }

# Pass 1: the whole suite on the embedded default (SQLite, in-memory layer, database search, Chromium,
# osmem-server, benchmarks). Pass 2, when DATABASE_URL/REDIS_URL are set (always in CI, see .ci/run): every
# test but the browser, benchmark and Elasticsearch ones again on PostgreSQL + Redis, with the `services`
# tests (and benchmarks) that need them.
test: install browser
	env -u DATABASE_URL -u REDIS_URL -u ELASTICSEARCH_URL $(PY) -m pytest -m "not services" $(PYTEST_ARGS)
	@if [ -n "$$DATABASE_URL" ] && [ -n "$$REDIS_URL" ]; then \
	  echo "== Pass 2: PostgreSQL ($$DATABASE_URL) and Redis ($$REDIS_URL)"; \
	  $(PY) -m pytest -m "services or not (browser or perf or elasticsearch)" $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then echo "CI=true but DATABASE_URL/REDIS_URL are not set" >&2; exit 1; \
	else echo "DATABASE_URL/REDIS_URL not set: the PostgreSQL/Redis pass was not run (.ci/run sets them)."; fi

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var
