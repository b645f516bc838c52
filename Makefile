# Relais: `make run` serves the demo site, `make test` runs every suite. Both set themselves up from scratch.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# The locked dependencies, with hashes: dev.txt for development and CI, production.txt for app servers.
LOCK := requirements/dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(LOCK) pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000
# `make lock LOCK_ARGS=--upgrade` moves every pin to the newest release inside pyproject's ranges;
# `LOCK_ARGS="--upgrade-package django"` only that one.
LOCK_ARGS ?=
UV_COMPILE := $(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--quiet --custom-compile-command "make lock"

.PHONY: run test install browser lint check clean lock wheel smoke

# The locked set first (every package pinned and hash-checked), then the project itself, editable, without
# resolving anything else. The stamp follows the lock file and pyproject (entry points, package data).
$(STAMP): $(LOCK) pyproject.toml setup.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1,<27"
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-* && touch $@

# The tests' JavaScript tools (axe-core, package.json), exactly as package-lock.json pins them; never served.
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | sha1sum | cut -c1-12)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed (README, Requirements): apt-get install npm" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@rm -f node_modules/.installed-* && touch $@

# The interface catalogues (site/locale/*/LC_MESSAGES/django.po) compiled to .mo: by every target, the wheel
# included (it carries them). msgfmt comes from gettext (README, Requirements).
install: $(STAMP) $(NODE_STAMP)
	@command -v msgfmt >/dev/null || { \
	  echo "Installing Debian's gettext (msgfmt compiles the interface catalogues)…"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq gettext >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq gettext >/dev/null; fi; }
	@$(PY) manage.py compilemessages --ignore '$(VENV)/*' --ignore 'node_modules/*' --ignore 'build/*' -v 0

# After a change of pyproject's dependencies; commit both files. Keeps every other pin unless LOCK_ARGS says.
lock: install
	$(UV_COMPILE) --extra production --extra dev $(LOCK_ARGS) -o requirements/dev.txt
	$(UV_COMPILE) --extra production -c requirements/dev.txt $(LOCK_ARGS) -o requirements/production.txt

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Relais : http://$(HOST):$(PORT)/  (Ctrl+C pour arrêter)"
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) relais.asgi:application

# The wheel that production installs (README, "Deploying"), built with the locked setuptools, then checked
# to hold every file of the tree (templates, static, migrations, data).
wheel: install
	rm -rf build dist relais.egg-info
	$(PY) -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir dist .
	$(PY) deploy/check_wheel.py dist/relais-*.whl

# The README's deploy steps, run as written (wheel included) from an empty folder, against a PostgreSQL
# database and Redis databases of their own; then the pages a person would open (deploy/smoke.sh).
smoke: install
	deploy/smoke.sh

# Debian's Chromium drives the end-to-end and accessibility tests; never a downloaded browser.
browser:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium (needed by the browser tests)…"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver >/dev/null; fi; }

# Pass 1: the whole suite on the embedded default (SQLite, in-memory layer, database search, Chromium,
# osmem-server, benchmarks). Pass 2, when DATABASE_URL/REDIS_URL are set (always in CI, see .ci/run): every
# test but the browser, benchmark and Elasticsearch ones again on PostgreSQL + Redis, with the `services`
# tests (and benchmarks) that need them. With both services the passes' functional tests run side by side and
# the timed benchmarks alone afterwards; a few heavy tests run on PostgreSQL only (marker once_postgresql; see
# tests/passes.sh); each part prints its wall time; pytest's exit 5 fails.
test: install browser
	@PYTEST_ARGS="$(PYTEST_ARGS)" tests/passes.sh

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules var build dist relais.egg-info
