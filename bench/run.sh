#!/usr/bin/env bash
# Benchmarks: builds in release mode, starts its own Postgres cluster and SMTP sink, runs each
# benchmark and prints a table of ratios measured side by side in this run (plus absolute figures).
#   bench/run.sh            full run (several minutes)
#   bench/run.sh --smoke    seconds-long version of every measurement
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages postgresql postgresql-contrib libpq-dev libssl-dev libcurl4-openssl-dev pkg-config wrk python3-pip
python3 -c 'import aiosmtpd' 2>/dev/null || python3 -m pip install --quiet aiosmtpd || python3 -m pip install --quiet --break-system-packages aiosmtpd

# PORTAL_BENCH_SCRATCH: a build folder of its own (swift build --scratch-path), so a release
# build for the bench does not hold the checkout's .build while debug builds and tests run.
SCRATCH=()
[ -n "${PORTAL_BENCH_SCRATCH:-}" ] && SCRATCH=(--scratch-path "$PORTAL_BENCH_SCRATCH")
log "building portal-auth (release)"
swift build -c release --product portal-auth "${SCRATCH[@]}"
BIN="$(swift build -c release --show-bin-path "${SCRATCH[@]}")/portal-auth"

PG_PORT="${PORTAL_BENCH_PG_PORT:-54349}"
PG_DIR="$(cluster_dir "$PWD/.run/bench-pg")"
stop_cluster "$PG_DIR"
rm -rf "$PG_DIR/data"
trap 'stop_cluster "$PG_DIR"; rm -rf "$PG_DIR/data"' EXIT
start_cluster "$PG_DIR" "$PG_PORT"
SUPER="host=$PG_DIR port=$PG_PORT user=postgres"
psql "$SUPER dbname=postgres" -q -c "create database portal_bench"
"$BIN" migrate --database-url "$SUPER dbname=portal_bench" >/dev/null

python3 bench/bench.py --binary "$BIN" --database "$SUPER dbname=portal_bench" --pg-bin "$PG_BIN" "$@"
