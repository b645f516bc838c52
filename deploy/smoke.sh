#!/usr/bin/env bash
# Deploy smoke (`make smoke`, CI): the README's "Deploying" commands, run as written, from an empty folder
# that plays an app server, with the production settings, a PostgreSQL database and Redis databases of their
# own (dropped and recreated each run). Then it loads the demo content, a staging check only
# (`load_demo --allow-production`), and opens what a person would: deploy/smoke_check.py.
# Needs the machine's PostgreSQL (createdb/dropdb as postgres on 127.0.0.1) and Redis (redis-cli).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# In memory when the machine has /dev/shm: writing, then deleting, the 30,000 files of a virtual environment
# took minutes on this machine's shared disk.
SMOKE_TMP=${SMOKE_TMP:-/dev/shm}
[ -d "$SMOKE_TMP" ] && [ -w "$SMOKE_TMP" ] || SMOKE_TMP=${TMPDIR:-/tmp}
SERVER_DIR=$(mktemp -d "$SMOKE_TMP/relais-smoke.XXXXXX")
SMOKE_DB=${SMOKE_DB:-relais_deploy}
SMOKE_REDIS_DB=${SMOKE_REDIS_DB:-14}  # the cache takes the next database
PUBLIC_HOST=relais.localhost
started=$SECONDS
pids=()

step() { echo "smoke: [$((SECONDS - started)) s] $*"; }
finish() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$status" != 0 ]; then
    for log in "$SERVER_DIR"/*.log; do [ -f "$log" ] && { echo "--- ${log##*/}"; tail -n 30 "$log"; }; done >&2
  fi
  step "servers stopped"
  rm -rf "$SERVER_DIR"
  echo "smoke: $([ "$status" = 0 ] && echo passed || echo FAILED) in $((SECONDS - started)) s wall time"
}
trap finish EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The production variables (README, "Run modes"); nothing of the caller's environment leaks in.
unset DATABASE_URL REDIS_URL REDIS_CACHE_URL ELASTICSEARCH_URL DJANGO_SETTINGS_MODULE PYTHONPATH RELAIS_DEBUG \
  RELAIS_TEST_DB_NAME RELAIS_EMAIL_DIR CSRF_TRUSTED_ORIGINS SECURE_SSL_REDIRECT DJANGO_ALLOW_ASYNC_UNSAFE
export RELAIS_ENV=production
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))')
export SECRET_KEY
export ALLOWED_HOSTS=$PUBLIC_HOST
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$SMOKE_DB
export REDIS_URL=redis://127.0.0.1:6379/$SMOKE_REDIS_DB
export RELAIS_CHANNEL_PREFIX=relais_deploy
export EMAIL_HOST=127.0.0.1  # nothing sends mail here; no SMTP server is needed
export RELAIS_BASE_URL=https://$PUBLIC_HOST
export RELAIS_VAR_DIR=$SERVER_DIR/var
APP_HOST=127.0.0.1
HTTP_PORT=$(free_port)
WS_PORT=$(free_port)

step "database $SMOKE_DB and Redis databases $SMOKE_REDIS_DB-$((SMOKE_REDIS_DB + 1)), empty"
dropdb --if-exists --force -h 127.0.0.1 -U postgres "$SMOKE_DB"
createdb -h 127.0.0.1 -U postgres "$SMOKE_DB"
for db in "$SMOKE_REDIS_DB" $((SMOKE_REDIS_DB + 1)); do redis-cli -h 127.0.0.1 -n "$db" flushdb >/dev/null; done

# --- The README's deploy commands, verbatim and in order (tests/site/test_deploy_doc.py checks it) ---
cd "$ROOT"
step "build the wheel"
make wheel
cd "$SERVER_DIR"
cp "$ROOT"/dist/relais-*.whl "$ROOT/requirements/production.txt" "$ROOT/package.json" "$ROOT/package-lock.json" .
step "install the locked dependencies and the wheel into a new virtual environment"
python3.11 -m venv venv
venv/bin/pip install --upgrade "pip>=25.1,<27" >install.log 2>&1
venv/bin/pip install --require-hashes -r production.txt >>install.log 2>&1
venv/bin/pip install --no-deps relais-*.whl >>install.log 2>&1
installed=$(venv/bin/python -c 'import relais; print(relais.__file__)')
[[ $installed == "$SERVER_DIR"/venv/* ]] || { echo "smoke: relais imported from $installed, not the wheel" >&2; exit 1; }
step "INSEE's geography from npm"
npm ci --omit=dev --no-audit --no-fund >>install.log 2>&1
step "migrate, load_territories, collectstatic, check --deploy"
venv/bin/relais migrate --noinput >setup.log 2>&1
venv/bin/relais load_territories --departement 62 >>setup.log 2>&1
venv/bin/relais collectstatic --noinput >>setup.log 2>&1
venv/bin/relais check --deploy --fail-level WARNING
step "demo content for the checks (staging only)"
venv/bin/relais load_demo --allow-production >>setup.log 2>&1
step "start gunicorn (HTTP, :$HTTP_PORT), Daphne (/ws/, :$WS_PORT) and the task worker"
venv/bin/gunicorn relais.wsgi --workers 4 --preload --bind "$APP_HOST:$HTTP_PORT" >http.log 2>&1 &
pids+=($!)
venv/bin/daphne --bind "$APP_HOST" --port "$WS_PORT" --proxy-headers relais.asgi:application >ws.log 2>&1 &
pids+=($!)
venv/bin/relais db_worker >worker.log 2>&1 &
worker=$!
pids+=("$worker")
# --- end of the README's commands ---

for port in "$HTTP_PORT" "$WS_PORT"; do
  for _ in $(seq 120); do
    curl -fsS -o /dev/null -H "Host: $PUBLIC_HOST" "http://$APP_HOST:$port/healthz" 2>/dev/null && break
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "smoke: a server exited" >&2; exit 1; }; done
    sleep 0.5
  done
done
step "servers up"
venv/bin/python "$ROOT/deploy/smoke_check.py" "$APP_HOST" "$HTTP_PORT" "$WS_PORT" "$PUBLIC_HOST"
kill -0 "$worker" 2>/dev/null || { echo "smoke: the task worker exited" >&2; exit 1; }
# The demo's saves queued background tasks (search and reference index updates): the worker must be running
# them, without failures.
venv/bin/relais shell --no-imports -c '
import sys, time
from django_tasks_db.models import DBTaskResult
for _ in range(120):
    if DBTaskResult.objects.successful().exists():
        break
    time.sleep(0.5)
done, failed = DBTaskResult.objects.successful().count(), DBTaskResult.objects.failed().count()
waiting = DBTaskResult.objects.ready().count()
print(f"smoke: tasks: {done} run by the worker so far, {waiting} waiting, {failed} failed")
sys.exit(0 if done and not failed else 1)' || { echo "smoke: the task worker did not run the queued tasks" >&2; exit 1; }
step "the task worker runs the queued tasks"
