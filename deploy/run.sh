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

if ! stack_up "$PWD/.run" "$HTTP_PORT"; then
    echo "error: Loa did not start; logs are in .run/logs/" >&2
    exit 1
fi
cat <<MSG

  Loa is running: http://localhost:$HTTP_PORT
    topics:   http://localhost:$HTTP_PORT/api/v1/topics
    units:    http://localhost:$HTTP_PORT/api/v1/units
    health:   http://localhost:$HTTP_PORT/readyz   metrics: http://localhost:$HTTP_PORT/metrics
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
