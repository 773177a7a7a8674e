#!/usr/bin/env bash
# The run command: a local Postgres cluster of its own (kept in .run/dev-pg between runs),
# migrated and seeded with a demo port, client and admin key, then the gateway and the mailer
# (mail written as .eml files to .run/mail). Ctrl-C stops everything; the next run reuses the data.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_packages postgresql libpq-dev libssl-dev libcurl4-openssl-dev pkg-config

log "building portal-auth"
swift build --product portal-auth
BIN="$(swift build --show-bin-path)/portal-auth"

PG_PORT="${PORTAL_DEV_PG_PORT:-54320}"
PG_DIR="$(cluster_dir "$PWD/.run/dev-pg")"
start_cluster "$PG_DIR" "$PG_PORT"
SUPER="host=$PG_DIR port=$PG_PORT user=postgres"
psql "$SUPER dbname=postgres" -tAc "select 1 from pg_database where datname = 'portal'" | grep -q 1 \
    || psql "$SUPER dbname=postgres" -q -c "create database portal"
"$BIN" migrate --database-url "$SUPER dbname=portal"

# Dev secrets, made once and kept (git-ignored) so cookies and mailed links survive restarts.
mkdir -p .run/dev
umask 077
if [ ! -f .run/dev/secrets.env ]; then
    {
        echo "PORTAL_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_')"
        echo "PORTAL_TOKEN_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_')"
    } > .run/dev/secrets.env
fi
umask 022

# Demo data, idempotent: one port, one client, and an admin key (made anew when not on file).
DB="$SUPER dbname=portal"
PORT_ID=$(psql "$DB" -tAc "select id from portal.ports where name = 'Demo Marina' order by created_at limit 1")
if [ -z "$PORT_ID" ]; then
    PORT_ID=$(psql "$DB" -tAc "select portal_api.create_port('Demo Marina')")
    psql "$DB" -tAc "select portal_api.create_client('$PORT_ID', 'Demo Boat Owner', 'owner@demo.example')" >/dev/null
fi
CLIENT_ID=$(psql "$DB" -tAc "select id from portal.clients where port_id = '$PORT_ID' order by created_at limit 1")
if [ ! -s .run/dev/admin-key ]; then
    (umask 077; psql "$DB" -tAc "select portal_api.create_admin_key('$PORT_ID', 'dev run')" > .run/dev/admin-key)
fi
ADMIN_KEY=$(cat .run/dev/admin-key)

cat <<INFO

  Postgres    psql "$DB"
  Demo port   $PORT_ID
  Demo client $CLIENT_ID
  Admin key   $ADMIN_KEY

INFO

log "ready — Ctrl-C to stop the cluster"
trap 'stop_cluster "$PG_DIR"' EXIT
trap 'exit 0' INT TERM
while true; do sleep 3600; done
