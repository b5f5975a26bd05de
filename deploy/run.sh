#!/usr/bin/env bash
# make run: the whole system on this machine with demo data. PostgreSQL
# keeps its data in .run/ between runs. Ctrl-C (or SIGTERM) stops it all.
set -u
cd "$(dirname "$0")/.."
export BUILD=${BUILD:-build}
. deploy/stack.sh

export LOA_PG_PORT_BASE=${LOA_PG_PORT_BASE:-55400}
HTTP_PORT=${LOA_HTTP_PORT:-8080}
if ! port_free "$HTTP_PORT"; then
    echo "error: port $HTTP_PORT is in use; set LOA_HTTP_PORT to another port" >&2
    exit 1
fi
stopping=0
stop() {
    [ $stopping = 1 ] && return
    stopping=1
    echo
    echo "Stopping Loa..."
    stack_down
    echo "Stopped."
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

# The first admin: when none exists yet, the gateway creates one with
# LOA_ADMIN_PASSWORD; we make that password here and show it once, so that
# it is on the console and never in a log file.
ADMIN_NOTE="admin login: admin (password shown at the first run; an admin can set new ones)"
stack_before_programs() {
    local admins
    admins=$("$PG_BIN/psql" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d loa -tAc \
        "SELECT count(*) FROM gateway.users WHERE active AND 'admin' = ANY (roles)" 2>/dev/null || echo 0)
    if [ "${admins:-0}" = 0 ]; then
        if [ -z "${LOA_ADMIN_PASSWORD:-}" ]; then
            LOA_ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
            ADMIN_NOTE="admin login: admin / $LOA_ADMIN_PASSWORD   (shown only this once: note it down)"
        else
            ADMIN_NOTE="admin login: admin / the password in LOA_ADMIN_PASSWORD"
        fi
        export LOA_ADMIN_PASSWORD
    fi
}

if ! stack_up "$PWD/.run" "$HTTP_PORT"; then
    echo "error: Loa did not start; logs are in .run/logs/" >&2
    exit 1
fi
# Demo staff and articles (make run only; deploy/demo.sh).
. deploy/demo.sh
demo_seed || stack_log "demo data: incomplete (see above)"
DEMO_NOTE=${DEMO_NOTE%$'\n'}
cat <<MSG

  Loa is running: http://localhost:$HTTP_PORT
    topics:   http://localhost:$HTTP_PORT/api/v1/topics
    units:    http://localhost:$HTTP_PORT/api/v1/units
    health:   http://localhost:$HTTP_PORT/readyz   metrics: http://localhost:$HTTP_PORT/metrics
  $ADMIN_NOTE
$DEMO_NOTE
  Logs: .run/logs/   Database: $LOA_DB_URL (kept in .run/pgdata)
  Press Ctrl-C to stop.

MSG
# Wait for a signal, or for a program to die.
while :; do
    for p in $STACK_PROGRAMS; do
        pid=$(cat ".run/pids/$p" 2>/dev/null) || continue
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "error: $p stopped unexpectedly; see .run/logs/$p.log" >&2
            exit 1
        fi
    done
    sleep 1 &
    wait $!
done
