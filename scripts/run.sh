#!/usr/bin/env bash
# The run command: a local Postgres cluster of its own (kept in .run/dev-pg between runs),
# migrated and seeded with a demo port, client and admin key, then the gateway and the mailer
# (mail written as .eml files to .run/mail). Ctrl-C stops everything; the next run reuses the data.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'USAGE'
Usage: scripts/run.sh [--reset] [--help]

Runs portal-auth locally: a Postgres cluster of its own in .run/dev-pg (kept between runs),
migrated and seeded with a demo port, client and admin key; the gateway on http://localhost:8080
and the mailer writing mail as .eml files to .run/mail. Ctrl-C stops everything.

  --reset   wipe the dev state first (cluster, secrets, admin key, mail) and start afresh
  --help    this text

Environment: PORT (8080), HOST (127.0.0.1), PORTAL_BASE_URL, PORTAL_DEV_PG_PORT (54320, the
cluster's port), PORTAL_DEV_DIR (.run, where the dev state lives), MAIL_DIR, and SMTP_HOST / SMTP_PORT / SMTP_TLS / SMTP_USER / SMTP_PASS /
SMTP_FROM to send real mail instead of files.

Behind a proxy (nginx, a dev server on another port): the browser's origin must be the gateway's
PORTAL_BASE_URL or listed in PORTAL_ALLOWED_ORIGINS (comma-separated, e.g.
PORTAL_ALLOWED_ORIGINS=http://localhost:3000). Otherwise every sign-in answers 403
forbidden_origin ("Requests from this origin are not allowed"), and the gateway's log line for it
names the refused origin.
USAGE
}
RESET=false
for argument in "$@"; do
    case "$argument" in
        -h|--help) usage; exit 0 ;;
        --reset) RESET=true ;;
        *) echo "run.sh: unknown argument $argument" >&2; usage >&2; exit 64 ;;
    esac
done

source scripts/lib.sh
DEV="${PORTAL_DEV_DIR:-$PWD/.run}"

ensure_packages postgresql libpq-dev libssl-dev libcurl4-openssl-dev pkg-config curl python3

BIN="$(swift build --show-bin-path)/portal-auth"
# Nothing changed since the last build: no 8-second no-op build on every start.
if [ -x "$BIN" ] && [ -z "$(find Sources Package.swift Package.resolved -newer "$BIN" -print -quit)" ]; then
    log "portal-auth is up to date"
else
    log "building portal-auth"
    swift build --product portal-auth || {
        log "the build failed. If the errors name a module cache or a path that moved (a checkout copied or renamed),"
        log "build afresh: rm -rf .build && scripts/run.sh"
        exit 1
    }
fi

PG_PORT="${PORTAL_DEV_PG_PORT:-54320}"
PG_DIR="$(cluster_dir "$DEV/dev-pg")"
if $RESET; then
    log "--reset: wiping the dev cluster, secrets, admin key and mail"
    stop_cluster "$PG_DIR"
    rm -rf "$PG_DIR/data" "$DEV/dev" "$DEV/mail"
fi
start_cluster "$PG_DIR" "$PG_PORT"
SUPER="host=$PG_DIR port=$PG_PORT user=postgres"
psql "$SUPER dbname=postgres" -tAc "select 1 from pg_database where datname = 'portal'" | grep -q 1 \
    || psql "$SUPER dbname=postgres" -q -c "create database portal"
"$BIN" migrate --database-url "$SUPER dbname=portal"

# Dev secrets, made once and kept (git-ignored) so cookies and mailed links survive restarts.
mkdir -p "$DEV/dev"
umask 077
if [ ! -f "$DEV/dev/secrets.env" ]; then
    {
        echo "PORTAL_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_')"
        echo "PORTAL_TOKEN_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n=' | tr '+/' '-_')"
    } > "$DEV/dev/secrets.env"
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
if [ ! -s "$DEV/dev/admin-key" ]; then
    (umask 077; psql "$DB" -tAc "select portal_api.create_admin_key('$PORT_ID', 'dev run')" > "$DEV/dev/admin-key")
fi
ADMIN_KEY=$(cat "$DEV/dev/admin-key")
# A DBA login for the admin CLI: a member of portal_admin, not the superuser.
psql "$DB" -q -c "do \$\$ begin if not exists (select from pg_roles where rolname = 'portal_dev_admin') then
    create role portal_dev_admin login in role portal_admin; end if; end \$\$"

HTTP_PORT="${PORT:-8080}"
BASE_URL="${PORTAL_BASE_URL:-http://localhost:$HTTP_PORT}"
# Where the gateway listens; PORTAL_BASE_URL may name a proxy in front of it (links, origin).
LISTEN_URL="http://localhost:$HTTP_PORT"
set -a
source "$DEV/dev/secrets.env"
set +a
export PORTAL_BASE_URL="$BASE_URL" HOST="${HOST:-127.0.0.1}" PORT="$HTTP_PORT"

PIDS=()
stop_all() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    stop_cluster "$PG_DIR"
}
trap stop_all EXIT
trap 'exit 0' INT TERM

# The gateway never gets the token key: only the mailer derives and seals tokens.
DATABASE_URL="$SUPER dbname=portal user=portal_gateway" env -u PORTAL_TOKEN_KEY "$BIN" serve &
PIDS+=($!)
# Mail goes to files unless SMTP_HOST is set in the environment.
MAIL_DIR="${MAIL_DIR:-$DEV/mail}" DATABASE_URL="$SUPER dbname=portal user=portal_mailer" "$BIN" mailer &
PIDS+=($!)
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$HTTP_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

# What to do next depends on where the demo client stands (a second run must not suggest an
# invite that would answer 409).
STATE=$(psql "$DB" -tAc "select coalesce((select portal.user_status(u)->>'state' from portal.portal_users u where u.client_id = '$CLIENT_ID'), 'none')")
case "$STATE" in
    none) NEXT="  Invite the demo client; the activation mail appears in the mail folder:
    curl -s -X POST $LISTEN_URL/api/v1/clients/$CLIENT_ID/portal-user \\
      -H 'Authorization: Bearer $ADMIN_KEY' -H 'Content-Type: application/json' \\
      -d '{\"email\": \"owner@demo.example\", \"name\": \"Demo Owner\"}'" ;;
    invited) NEXT="  The demo client is invited (not activated yet). Resend its activation mail with:
    curl -s -X POST '$LISTEN_URL/api/v1/clients/$CLIENT_ID/portal-user?action=resend' -H 'Authorization: Bearer $ADMIN_KEY'" ;;
    *) NEXT="  The demo client's portal user is $STATE (owner@demo.example). Its status:
    curl -s $LISTEN_URL/api/v1/clients/$CLIENT_ID/portal-user -H 'Authorization: Bearer $ADMIN_KEY'
  Forgot the password? http://localhost:$HTTP_PORT/portal/forgot-password" ;;
esac

cat <<INFO

  portal-auth is running.

  Gateway     $LISTEN_URL        (GET /healthz, /readyz; API in openapi.yaml)$(
    [ "$BASE_URL" = "$LISTEN_URL" ] || printf '\n  Base URL    %s  (links and the allowed origin: PORTAL_BASE_URL; it must reach the gateway)' "$BASE_URL")
  Postgres    psql "$DB"
  Admin CLI   DATABASE_URL="host=$PG_DIR port=$PG_PORT dbname=portal user=portal_dev_admin" $BIN admin --help
  Demo port   $PORT_ID
  Demo client $CLIENT_ID
  Admin key   $ADMIN_KEY

  Mail        ${SMTP_HOST:+smtp://$SMTP_HOST}${SMTP_HOST:-files in ${MAIL_DIR:-$DEV/mail}}

$NEXT

  Then open the mailed link in a browser (scripts/last-link.sh prints it), set a password,
  and sign in at $BASE_URL/portal/login. Operator commands: $BIN admin --help
  (scripts/run.sh --reset starts afresh; --help lists the options)

INFO

log "running — Ctrl-C stops the gateway, the mailer and the cluster"
wait
