# shellcheck shell=bash
# The local stack: PostgreSQL, the five services and the gateway, as
# processes on this machine. Sourced by deploy/run.sh (make run),
# tests/run.sh (make test) and tests/bench/run.sh (make bench).
#
#   stack_up DIR [HTTP_PORT]  start everything under DIR (PostgreSQL data,
#                             logs, pids); free ports unless given; seeds the
#                             demo data; returns once /readyz?all=1 answers 200.
#   stack_down                stop everything (SIGTERM, then PostgreSQL).
#   stack_kill NAME / stack_start NAME   stop (SIGKILL) / start one program.
# A caller may define stack_before_programs, run once PostgreSQL is up and
# before the programs start.
# After stack_up: $GW is the gateway's URL, LOA_* are exported, and
# $STACK_DIR/logs/<program>.log hold each program's log.

BUILD=${BUILD:-build}
STACK_PROGRAMS="content-svc feedback-svc quota-svc media-svc notify-svc gateway"
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

stack_log() { printf '[stack] %s\n' "$*" >&2; }

# Runs a command as the postgres user when we are root (initdb refuses root).
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A base port with the next thirteen ports free (base+12: make run's mail
# sink), below the kernel's ephemeral range (ip_local_port_range,
# 32768-60999 by default): there any outgoing connection of this machine
# (curl, wrk, libpq, ZeroMQ reconnecting) may take a port between our check
# and our bind.
stack_free_base() {
    local base i ok
    for _ in $(seq 50); do
        base=$((20000 + (RANDOM % 638) * 20))
        ok=1
        for i in $(seq 0 12); do port_free $((base + i)) || { ok=0; break; }; done
        [ $ok = 1 ] && { echo "$base"; return 0; }
    done
    return 1
}

# stack_pg_passwords DIR: the cluster's passwords, made once: the
# superuser loa's and each program's role's (loa_<schema>), in DIR/pgpass
# (libpq's password file, 0600: what every client of the stack reads through
# PGPASSFILE) and each role's alone in DIR/secrets/loa_db_password_<schema>
# (for db-init, deploy/db-admin.sh).
STACK_SCHEMAS="gateway content feedback quota media notify"
stack_pg_passwords() {
    local dir=$1 r pw
    (
        umask 077
        mkdir -p "$dir/secrets"
        for r in loa $STACK_SCHEMAS; do
            [ "$r" = loa ] || r=loa_$r
            grep -q "^\*:\*:\*:$r:" "$dir/pgpass" 2>/dev/null && continue
            pw=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
            printf '*:*:*:%s:%s\n' "$r" "$pw" >>"$dir/pgpass"
        done
        for r in $STACK_SCHEMAS; do
            sed -n "s/^\*:\*:\*:loa_$r://p" "$dir/pgpass" >"$dir/secrets/loa_db_password_$r"
        done
    )
}

stack_pg_start() {
    local dir=$1 port=$2
    local data=$dir/pgdata sock=$dir/pgsock
    mkdir -p "$sock"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres "$dir" "$sock"
        if ! runuser -u postgres -- test -w "$dir"; then
            stack_log "error: the postgres user cannot write $dir (a parent directory is closed to it)"
            return 1
        fi
    fi
    stack_pg_passwords "$dir" || return 1
    export PGPASSFILE=$dir/pgpass
    local pw
    pw=$(sed -n 's/^\*:\*:\*:loa://p' "$dir/pgpass")
    if [ ! -s "$data/PG_VERSION" ]; then
        stack_log "initdb $data"
        # Password (scram-sha-256) authentication from the first start; the
        # superuser's password through a file only postgres reads.
        (umask 077 && printf '%s\n' "$pw" >"$dir/initdb.pw")
        [ "$(id -u)" -ne 0 ] || chown postgres "$dir/initdb.pw"
        as_pg "$PG_BIN/initdb" -D "$data" -U loa --auth=scram-sha-256 --pwfile="$dir/initdb.pw" \
            -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
            { rm -f "$dir/initdb.pw"; cat "$dir/initdb.log" >&2; return 1; }
        rm -f "$dir/initdb.pw"
    fi
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$dir/postgresql.log" -w -t 60 \
        -o "-p $port -k $sock -c listen_addresses=${LOA_PG_LISTEN:-127.0.0.1} -c max_connections=${LOA_PG_MAX_CONNECTIONS:-200} -c fsync=${LOA_PG_FSYNC:-on}" start >/dev/null ||
        { tail -20 "$dir/postgresql.log" >&2; return 1; }
    # A cluster made before passwords (trust): loa's password set, then
    # password authentication for every connection from now on.
    if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+scram-sha-256' "$data/pg_hba.conf"; then
        stack_log "password authentication (scram-sha-256) for $data"
        printf '%s\n' "ALTER ROLE loa PASSWORD :'pw';" | "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U loa \
            -d postgres -v ON_ERROR_STOP=1 -v pw="$pw" >/dev/null || return 1
        printf '%s\n' '# Written by deploy/stack.sh: passwords (scram-sha-256) for every connection.' \
            'local all all scram-sha-256' 'host all all 127.0.0.1/32 scram-sha-256' \
            'host all all ::1/128 scram-sha-256' >"$data/pg_hba.conf"
        as_pg "$PG_BIN/pg_ctl" -D "$data" reload >/dev/null || return 1
    fi
    # Other hosts' programs (the multi-host test): LOA_PG_HBA_EXTRA, e.g.
    # "host all all 198.18.0.0/24 scram-sha-256", added once.
    if [ -n "${LOA_PG_HBA_EXTRA:-}" ] && ! grep -qxF "$LOA_PG_HBA_EXTRA" "$data/pg_hba.conf"; then
        printf '%s\n' "$LOA_PG_HBA_EXTRA" >>"$data/pg_hba.conf"
        as_pg "$PG_BIN/pg_ctl" -D "$data" reload >/dev/null || return 1
    fi
    if ! "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U loa -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'loa'" | grep -q 1; then
        "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U loa loa || return 1
    fi
    "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U loa -d loa -c "CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;" >/dev/null
}

# stack_db_init: each program's role and schema (deploy/db-admin.sh db-init),
# as the superuser, with the roles' passwords of $STACK_DIR/secrets.
stack_db_init() {
    LOA_ADMIN_DB_URL="postgresql://loa@127.0.0.1:$LOA_PG_PORT/loa" LOA_DB_PASSWORDS_DIR="$STACK_DIR/secrets" \
        bash deploy/db-admin.sh db-init 2>>"$STACK_DIR/logs/db-init.log" ||
        { stack_log "db-init failed: $(tail -3 "$STACK_DIR/logs/db-init.log")"; return 1; }
}

# stack_db_url NAME: the URL program NAME connects with: its own role (the
# password from PGPASSFILE).
stack_db_url() {
    local s=${1%-svc}
    printf 'postgresql://loa_%s@127.0.0.1:%s/loa' "$s" "$LOA_PG_PORT"
}

stack_pg_stop() {
    [ -n "${STACK_DIR:-}" ] && [ -s "$STACK_DIR/pgdata/postmaster.pid" ] &&
        as_pg "$PG_BIN/pg_ctl" -D "$STACK_DIR/pgdata" -m fast -w stop >/dev/null 2>&1
    return 0
}

# Exports the LOA_* addresses for ports base+0 (PostgreSQL) .. base+11
# (base+9 the gateway's HTTP unless given).
stack_env() {
    local base=$1 http=$2
    export LOA_PG_PORT=$base
    # The superuser's, for the tools and the tests; each program is started
    # with its own role's (stack_db_url). Passwords: $STACK_DIR/pgpass.
    export LOA_DB_URL="postgresql://loa@127.0.0.1:$base/loa" PGPASSFILE=$STACK_DIR/pgpass
    export LOA_HTTP_PORT=$http
    export LOA_CONTENT_RPC="tcp://127.0.0.1:$((base + 1))" LOA_CONTENT_EVENTS="tcp://127.0.0.1:$((base + 2))"
    export LOA_FEEDBACK_RPC="tcp://127.0.0.1:$((base + 3))" LOA_FEEDBACK_EVENTS="tcp://127.0.0.1:$((base + 4))"
    export LOA_QUOTA_RPC="tcp://127.0.0.1:$((base + 5))" LOA_QUOTA_EVENTS="tcp://127.0.0.1:$((base + 6))"
    export LOA_MEDIA_RPC="tcp://127.0.0.1:$((base + 7))" LOA_MEDIA_EVENTS="tcp://127.0.0.1:$((base + 8))"
    export LOA_NOTIFY_RPC="tcp://127.0.0.1:$((base + 10))" LOA_NOTIFY_EVENTS="tcp://127.0.0.1:$((base + 11))"
    # notify-svc's message templates, from the repository (the image has
    # /usr/share/loa/notify).
    export LOA_NOTIFY_TEMPLATES=${LOA_NOTIFY_TEMPLATES:-$PWD/services/notify-svc/templates}
    export LOA_MEDIA_DIR=${LOA_MEDIA_DIR:-$STACK_DIR/media}
    # The web portal from the repository itself (the image has /usr/share/loa/web).
    export LOA_WEB_DIR=${LOA_WEB_DIR:-$PWD/web}
    # Packages' renditions link here (ninjs href, feeds).
    export LOA_PUBLIC_URL=${LOA_PUBLIC_URL:-http://127.0.0.1:$http}
    GW="http://127.0.0.1:$http"
}

stack_start() {
    local name=$1
    LOA_DB_URL=$(stack_db_url "$name") "$BUILD/$name" >>"$STACK_DIR/logs/$name.log" 2>&1 &
    echo $! >"$STACK_DIR/pids/$name"
}

stack_kill() {
    local name=$1 pid
    pid=$(cat "$STACK_DIR/pids/$name" 2>/dev/null) || return 0
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rm -f "$STACK_DIR/pids/$name"
}

# Stops one program with SIGTERM and waits for it (up to 15 s).
stack_stop() {
    local name=$1 pid
    pid=$(cat "$STACK_DIR/pids/$name" 2>/dev/null) || return 0
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { stack_log "$name did not stop; killing"; kill -KILL "$pid"; }
    wait "$pid" 2>/dev/null
    rm -f "$STACK_DIR/pids/$name"
}

stack_ready() { curl -fs -o /dev/null --max-time 3 "$GW/readyz?all=1"; }

stack_wait_ready() {
    local i
    for i in $(seq "${1:-300}"); do
        stack_ready && return 0
        sleep 0.1
    done
    stack_log "not ready after $((${1:-300} / 10)) s:"
    curl -sS --max-time 3 "$GW/readyz?all=1" >&2
    return 1
}

# The units, procedures and notices (deploy/seed.sh, idempotent), through
# content-svc's own RPC so that every unit reaches the other services as an
# event; its messages in logs/seed.log.
stack_seed() { LOA_RPC_BIN=$BUILD/loa-rpc deploy/seed.sh 2>"$STACK_DIR/logs/seed.log"; }

# The CURVE key pairs of every program (services/common/loa_curve.h): made
# once in $STACK_DIR/keys (0700; secrets 0600), kept across runs. The
# folder's *.pub files are the services' allow-list. LOA_KEYS_DIR set by
# the caller wins; LOA_CURVE=off runs without (development only).
STACK_KEY_NAMES="gateway content-svc feedback-svc quota-svc media-svc notify-svc loa-rpc"
stack_keys() {
    [ "${LOA_CURVE:-on}" = off ] && return 0
    export LOA_KEYS_DIR=${LOA_KEYS_DIR:-$STACK_DIR/keys}
    # shellcheck disable=SC2086 # one argument per name
    "$BUILD/loa-keygen" "$LOA_KEYS_DIR" $STACK_KEY_NAMES >/dev/null ||
        { stack_log "cannot make the programs' keys in $LOA_KEYS_DIR"; return 1; }
}

stack_up() {
    STACK_DIR=$1
    mkdir -p "$STACK_DIR/logs" "$STACK_DIR/pids"
    # Private: logs, keys, the media and the database are the stack's own
    # (stack_pg_start gives the folder to postgres when run as root, whose
    # processes need nothing above it but to pass through).
    chmod 700 "$STACK_DIR" "$STACK_DIR/logs"
    local base http
    base=${LOA_PG_PORT_BASE:-$(stack_free_base)} || { stack_log "no free ports"; return 1; }
    http=${2:-$((base + 9))}
    stack_env "$base" "$http"
    stack_keys || return 1
    stack_pg_start "$STACK_DIR" "$base" || return 1
    stack_db_init || return 1
    if declare -F stack_before_programs >/dev/null; then stack_before_programs || return 1; fi
    local p
    for p in $STACK_PROGRAMS; do stack_start "$p"; done
    stack_wait_ready 300 || return 1
    stack_seed || { stack_log "seeding failed: $(tail -3 "$STACK_DIR/logs/seed.log")"; return 1; }
}

stack_down() {
    local p
    [ -n "${STACK_DIR:-}" ] || return 0
    for p in gateway $STACK_PROGRAMS; do stack_stop "$p"; done
    stack_pg_stop
}
