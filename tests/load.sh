#!/usr/bin/env bash
# `make load`: 50 simulated people for LOAD_SECONDS (default 120) against gunicorn and an export worker, on a
# throwaway PostgreSQL database holding the demo plans. Fails if a request fails or a p95 is over 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
DB=plans_locaux_load
PORT="${LOAD_PORT:-8123}"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_SETTINGS_MODULE=config.settings.dev DEBUG=false SECRET_KEY="load-test-only"
export MEDIA_ROOT="$(mktemp -d)"
LOG="$(mktemp -d)"
echo "Logs (seed, gunicorn, worker) in $LOG"

psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
cleanup() {
  kill "$GUNICORN" "$WORKER" 2>/dev/null || true
  wait 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB (FORCE)" || true
  rm -rf "$MEDIA_ROOT"
}
trap cleanup EXIT

$BIN/python manage.py migrate --noinput -v 0
$BIN/python manage.py seed_demo --allow-production > "$LOG/seed.log"
# Keep-alive outlasts the users' think time, so that a connection is not closed as the next request leaves.
$BIN/gunicorn config.wsgi --bind "127.0.0.1:$PORT" --workers "${LOAD_WORKERS:-3}" --threads 2 --keep-alive 30 \
  --env DJANGO_SETTINGS_MODULE=config.settings.dev --access-logfile "$LOG/access.log" 2> "$LOG/gunicorn.log" &
GUNICORN=$!
# Exports are background work: the worker yields the CPU to the web server (as in production, see the README).
nice -n 10 $BIN/python manage.py db_worker --interval 0.5 > "$LOG/worker.log" 2>&1 &
WORKER=$!
for _ in $(seq 1 30); do curl -fs "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 1; done

# Locust stands in for 50 browsers that would be elsewhere: it runs niced, so that it does not starve the server.
# The figures count from the moment all 50 are in (--reset-stats): the ramp-up is 25 s of log-ins, whose
# password hashing is slow by design and happens once a day for a real person.
nice -n 5 $BIN/locust -f tests/locustfile.py --headless --users "${LOAD_USERS:-50}" --spawn-rate "${LOAD_SPAWN_RATE:-2}" \
  --run-time "${LOAD_SECONDS:-120}s" --stop-timeout 30 --host "http://127.0.0.1:$PORT" --only-summary --reset-stats
