# Shared shell helpers for scripts/test.sh and scripts/run.sh. Source, don't run.
# A throw-away or dev Postgres cluster owned by the `postgres` user (initdb refuses root), on a
# Unix socket in the cluster folder and a loopback port.

PG_BIN="$(pg_config --bindir 2>/dev/null || echo /usr/lib/postgresql/15/bin)"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages that are missing (names given as arguments).
ensure_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    PG_BIN="$(pg_config --bindir)"
}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Picks a cluster folder: $1 under the checkout if the postgres user can reach it, else a temp dir.
cluster_dir() {
    local wanted="$1"
    mkdir -p "$wanted"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres:postgres "$wanted"
        if ! runuser -u postgres -- test -w "$wanted"; then
            wanted="$(mktemp -d /tmp/portal-auth-pg.XXXXXX)"
            chown postgres:postgres "$wanted"
        fi
    fi
    echo "$wanted"
}

# start_cluster DIR PORT: initdb once (trust on the socket and loopback only), then start.
start_cluster() {
    local dir="$1" port="$2"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        log "creating a Postgres cluster in $dir"
        as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
        cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 128MB
fsync = on
log_min_messages = warning
logging_collector = off
CONF
    fi
    if ! as_pg "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null
    fi
}

stop_cluster() {
    local dir="$1"
    [ -f "$dir/data/PG_VERSION" ] || return 0
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}
