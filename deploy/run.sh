#!/usr/bin/env bash
# make run: the whole system on this machine with demo data. PostgreSQL
# keeps its data in .run/ (LOA_RUN_DIR) between runs. A program that dies is
# started again, after 1 s, then 2, 4, ... up to 30 s while it keeps dying;
# one that dies five times within a minute stops everything. Ctrl-C (or
# SIGTERM) stops it all.
set -u
cd "$(dirname "$0")/.." || exit 2
export BUILD=${BUILD:-build}
. deploy/stack.sh

# Below the kernel's ephemeral range (32768-60999), where an outgoing
# connection could take one of our ports between the check and the bind.
export LOA_PG_PORT_BASE=${LOA_PG_PORT_BASE:-15400}
HTTP_PORT=${LOA_HTTP_PORT:-8080}
if ! port_free "$HTTP_PORT"; then
    echo "error: port $HTTP_PORT is in use; set LOA_HTTP_PORT to another port" >&2
    exit 1
fi
for i in 0 1 2 3 4 5 6 7 8 10 11 12; do
    if ! port_free "$((LOA_PG_PORT_BASE + i))"; then
        echo "error: port $((LOA_PG_PORT_BASE + i)) is in use (Loa uses $LOA_PG_PORT_BASE-$((LOA_PG_PORT_BASE + 12))); set LOA_PG_PORT_BASE to another base, or stop the other make run" >&2
        exit 1
    fi
done
stopping=0
stop() {
    [ $stopping = 1 ] && return
    stopping=1
    echo
    echo "Stopping Loa..."
    stack_down
    [ -n "${SINK_PID:-}" ] && kill -TERM "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null
    echo "Stopped."
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

# The first admin: when none exists yet, the gateway creates one with
# LOA_ADMIN_PASSWORD; we make that password here and show it, never in a log
# file. The passwords make run makes (the admin's, the demo staff's) are
# also kept in .run/credentials (mode 600, like .run/ itself never in Git or
# the image), so that a run that fails half-way, or a later run, still has
# them: the demo staff are made through the API as the admin.
RUN_DIR=${LOA_RUN_DIR:-$PWD/.run}
CREDENTIALS=$RUN_DIR/credentials
credential() { [ -r "$CREDENTIALS" ] && awk -v u="$1" '$1 == u { p = $2 } END { print p }' "$CREDENTIALS"; }
remember_credential() { (umask 077 && printf '%s %s\n' "$1" "$2" >>"$CREDENTIALS"); }
ADMIN_NOTE="admin login: admin (an admin can set new passwords)"
stack_before_programs() {
    local admins
    admins=$("$PG_BIN/psql" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d loa -tAc \
        "SELECT count(*) FROM gateway.users WHERE active AND 'admin' = ANY (roles)" 2>/dev/null || echo 0)
    if [ "${admins:-0}" = 0 ]; then
        if [ -z "${LOA_ADMIN_PASSWORD:-}" ]; then
            LOA_ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
            remember_credential admin "$LOA_ADMIN_PASSWORD"
            ADMIN_NOTE="admin login: admin / $LOA_ADMIN_PASSWORD   (kept in .run/credentials)"
        else
            ADMIN_NOTE="admin login: admin / the password in LOA_ADMIN_PASSWORD"
        fi
    elif [ -z "${LOA_ADMIN_PASSWORD:-}" ] && [ -n "$(credential admin)" ]; then
        LOA_ADMIN_PASSWORD=$(credential admin)
        ADMIN_NOTE="admin login: admin / $LOA_ADMIN_PASSWORD   (from .run/credentials, as first made)"
    fi
    [ -n "${LOA_ADMIN_PASSWORD:-}" ] && export LOA_ADMIN_PASSWORD
    return 0
}

# .run/ holds the database, the media, the logs and the credentials: the
# operator's alone.
mkdir -p "$RUN_DIR" && chmod 700 "$RUN_DIR"
# The mails Loa sends (notify-svc: the citizens' receipts, ...) go to a
# local mail sink, one file each in .run/mail/ (tools/mail-sink.py), unless
# LOA_SMTP_URL names a real server.
if [ -z "${LOA_SMTP_URL:-}" ]; then
    mkdir -p "$RUN_DIR/logs"
    /usr/bin/python3 tools/mail-sink.py --listen "127.0.0.1:$((LOA_PG_PORT_BASE + 12))" \
        --dir "$RUN_DIR/mail" >>"$RUN_DIR/logs/mail-sink.log" 2>&1 &
    SINK_PID=$!
    export LOA_SMTP_URL="smtp://127.0.0.1:$((LOA_PG_PORT_BASE + 12))"
    MAIL_NOTE="  mail sent (the local sink): $RUN_DIR/mail/*.eml, listed in $RUN_DIR/logs/mail-sink.log"
else
    MAIL_NOTE="  mail goes through $LOA_SMTP_URL"
fi
if ! stack_up "$RUN_DIR" "$HTTP_PORT"; then
    echo "error: Loa did not start; logs are in $RUN_DIR/logs/" >&2
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
$MAIL_NOTE
  Logs: $RUN_DIR/logs/   Database: $LOA_DB_URL (kept in $RUN_DIR/pgdata)
  Press Ctrl-C to stop.

MSG
# Wait for a signal; a program that dies is started again (supervise).
# RESTART_MAX deaths of one program within RESTART_WINDOW_S seconds stop
# everything: something is wrong that restarting will not mend.
RESTART_MAX=5 RESTART_WINDOW_S=60 RESTART_DELAY_MAX_S=30
declare -A deaths=() restart_at=()

# why STATUS: what an exit status means, for the console.
why() {
    if [ "$1" -gt 128 ]; then
        echo "status $1: killed by SIG$(kill -l "$(($1 - 128))" 2>/dev/null || echo "$(($1 - 128))")"
    else
        echo "status $1"
    fi
}

supervise() {
    local p pid status now recent t delay
    now=$(date +%s)
    for p in $STACK_PROGRAMS; do
        if [ -n "${restart_at[$p]:-}" ]; then
            if [ "$now" -ge "${restart_at[$p]}" ]; then
                unset "restart_at[$p]"
                stack_start "$p"
                echo "$(date +%T) $p started again (pid $(cat "$STACK_DIR/pids/$p"))" >&2
            fi
            continue
        fi
        pid=$(cat "$STACK_DIR/pids/$p" 2>/dev/null) || continue
        kill -0 "$pid" 2>/dev/null && continue
        wait "$pid" 2>/dev/null
        status=$?
        rm -f "$STACK_DIR/pids/$p"
        # Its deaths within the window, this one included.
        recent=""
        for t in ${deaths[$p]:-} "$now"; do
            [ $((now - t)) -lt "$RESTART_WINDOW_S" ] && recent="$recent $t"
        done
        deaths[$p]=$recent
        set -- $recent
        if [ $# -ge "$RESTART_MAX" ]; then
            echo "$(date +%T) error: $p died $# times within ${RESTART_WINDOW_S} s ($(why "$status") the last time): stopping Loa; see $STACK_DIR/logs/$p.log" >&2
            exit 1
        fi
        delay=$((1 << ($# - 1)))
        [ "$delay" -gt "$RESTART_DELAY_MAX_S" ] && delay=$RESTART_DELAY_MAX_S
        restart_at[$p]=$((now + delay))
        echo "$(date +%T) $p exited ($(why "$status")); starting it again in $delay s (death $# of $RESTART_MAX allowed within ${RESTART_WINDOW_S} s; see $STACK_DIR/logs/$p.log)" >&2
    done
}

while :; do
    supervise
    sleep 1 &
    wait $!
done
