#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts a throw-away Postgres cluster,
# migrates it with `portal-auth migrate`, runs the pgTAP suite (pg_prove) and the Swift tests
# (unit + integration against that cluster), and tears the cluster down. Exit code: 0 only if
# every suite passed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages postgresql postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl \
    libpq-dev libssl-dev libcurl4-openssl-dev pkg-config

log "building (debug, with tests)"
swift build --build-tests

PG_PORT="${PORTAL_TEST_PG_PORT:-54329}"
PG_DIR="$(cluster_dir "$PWD/.run/test-pg")"
stop_cluster "$PG_DIR"
rm -rf "$PG_DIR/data"
cleanup() {
    stop_cluster "$PG_DIR"
    rm -rf "$PG_DIR/data"
}
trap cleanup EXIT
start_cluster "$PG_DIR" "$PG_PORT"

SUPER="host=$PG_DIR port=$PG_PORT user=postgres"
psql "$SUPER dbname=postgres" -q -v ON_ERROR_STOP=1 -c "create database portal_test"
log "migrating with portal-auth migrate"
.build/debug/portal-auth migrate --database-url "$SUPER dbname=portal_test"
psql "$SUPER dbname=portal_test" -q -v ON_ERROR_STOP=1 -c "create extension if not exists pgtap"

log "pgTAP: sql/tests"
pg_prove --host "$PG_DIR" --port "$PG_PORT" --username postgres --dbname portal_test sql/tests/*.sql

log "swift test"
export PORTAL_TEST_DATABASE_URL="$SUPER dbname=portal_test"
export PG_BIN
swift test
