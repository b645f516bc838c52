#!/usr/bin/env bash
# `make test`: pass 1 on the embedded default (SQLite, in-memory channel layer, database search, Chromium,
# osmem-server), pass 2 on PostgreSQL + Redis when DATABASE_URL and REDIS_URL are set (always in CI).
#
# With both services, the two passes' functional tests run at the same time (each pass has its own database,
# cache and channel layer; two cores, one each) and the timed benchmarks run afterwards, alone, so that no other
# test loads the machine while they measure; the benchmarks whose bars load cannot move (`counts`: query counts,
# sizes, memory) run with pass 1's functional tests. A few heavy tests run once rather than on both databases,
# on pass 2, the lighter one now that pass 1 carries the full-size import benchmarks: `once_postgresql` (hostile
# input through the admin, the professional and the anonymous URLs, the URL × role access table, the demo
# loaded twice, 400 check-ins at once: on production's database, which refuses what SQLite lets through).
# Pass 2 leaves out the tests that reach neither the database nor a service (--services-pass: pure functions,
# settings read in a subprocess…): they ran in pass 1 and would run the same. Without the services, pass 1 runs
# everything in one go. Each part prints its wall time and exit status; any failure, and pytest's exit 5 (no test
# ran), fails the command.
# Extra pytest arguments: `make test PYTEST_ARGS="tests/directory -x"`.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
read -r -a EXTRA <<< "${PYTEST_ARGS:-}"
LOGS=var/test-logs
# Each pass writes its uploads under its own folder: they may run at the same time.
PASS1=(env -u DATABASE_URL -u REDIS_URL -u ELASTICSEARCH_URL MEDIA_ROOT=var/test-media/pass1 "$PY" -m pytest)
PASS2=(env MEDIA_ROOT=var/test-media/pass2 "$PY" -m pytest)
failed=0

ok() {  # ok STATUS: 0, or 5 (no test selected) when PYTEST_ARGS narrowed the run to some files
    [ "$1" = 0 ] || { [ "$1" = 5 ] && [ ${#EXTRA[@]} -gt 0 ]; }
}

run() {  # run LABEL COMMAND…: in the foreground, timed
    local label=$1 start=$SECONDS status=0
    shift
    "$@" || status=$?
    echo "== $label: $((SECONDS - start)) s wall time, exit $status"
    ok "$status" || failed=1
}

if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
    if [ "${CI:-}" = "true" ]; then echo "CI=true but DATABASE_URL/REDIS_URL are not set" >&2; exit 1; fi
    run "Pass 1 (embedded default)" "${PASS1[@]}" -m "not services" "${EXTRA[@]}"
    echo "DATABASE_URL/REDIS_URL not set: the PostgreSQL/Redis pass was not run (.ci/run sets them)."
    exit $failed
fi

echo "== Pass 2 on PostgreSQL ($DATABASE_URL) and Redis ($REDIS_URL)"
echo "== Functional tests of both passes at once (logs printed when both end), then the benchmarks alone"
mkdir -p "$LOGS"
start=$SECONDS
"${PASS1[@]}" -m "not services and (not perf or counts) and not once_postgresql" "${EXTRA[@]}" \
    > "$LOGS/pass1.log" 2>&1 &
one=$!
"${PASS2[@]}" -m "(services or not (browser or perf or elasticsearch)) and not perf" --services-pass \
    "${EXTRA[@]}" \
    > "$LOGS/pass2.log" 2>&1 &
two=$!
status1=0; wait $one || status1=$?
status2=0; wait $two || status2=$?
echo "== Pass 1 (embedded default), functional tests"; cat "$LOGS/pass1.log"
echo "== Pass 2 (PostgreSQL + Redis), functional tests"; cat "$LOGS/pass2.log"
echo "== Functional tests: $((SECONDS - start)) s wall time; pass 1 exit $status1, pass 2 exit $status2"
ok "$status1" && ok "$status2" || failed=1

# .ci/run runs the deploy smoke beside the functional tests: the benchmarks start once it has ended (the file
# it names holds the smoke's exit status), so that nothing else loads the machine while they measure.
if [ -n "${RELAIS_BENCHMARKS_AFTER:-}" ]; then
    waited=$SECONDS
    while [ ! -e "$RELAIS_BENCHMARKS_AFTER" ] && [ $((SECONDS - waited)) -lt 1800 ]; do sleep 2; done
    echo "== Benchmarks: waited $((SECONDS - waited)) s for $RELAIS_BENCHMARKS_AFTER"
fi

run "Pass 1 (embedded default), benchmarks" "${PASS1[@]}" -m "perf and not counts and not services" "${EXTRA[@]}"
run "Pass 2 (PostgreSQL + Redis), benchmarks" "${PASS2[@]}" -m "perf and services" "${EXTRA[@]}"
exit $failed
