# shellcheck shell=bash
# The unit tests' run, shared by tests/run.sh (make test) and tests/check.sh
# (make check). Sourced after deploy/stack.sh (stack_free_base,
# stack_pg_start, stack_pg_stop, $PG_BIN); needs $BUILD.
#
#   unit_run DIR    runs $BUILD/unit-tests in LOA_UNIT_LANES (default 3) lanes
#                   side by side: each lane a throw-away PostgreSQL cluster of
#                   its own under DIR/unit/laneN, taking the next suite
#                   as soon as it is free, each suite a process of its own
#                   (LOA_TEST_DB_URL). The time goes on waiting (relays,
#                   polls, reconnections), hence the lanes; and a cluster per
#                   lane because the relays move only rows older than every
#                   running transaction of the cluster: a suite that holds a
#                   transaction open on purpose would stall the other lanes'.
#                   Prints a line per suite and what failed, and sets
#                   UNIT_PASSED and UNIT_FAILED for the caller's "unit: N
#                   passed, N failed". A crash of a suite's process, a
#                   sanitizer report and a cluster that does not start each
#                   count one failure. Stops its clusters before it returns.
#   unit_stop DIR   stops the lanes' clusters (for the caller's exit trap,
#                   should the run be interrupted); idempotent.
#
# The sanitizers' options get their defaults here, unless already set.

# Sanitizer reports go to stderr (or the programs' logs); a leak or an error fails the run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}

# lane_run DIR PORT LANE: takes suites off the queue DIR/queue (one name a
# line) and runs each against the cluster on PORT (its password in
# LANE/pgpass), until the queue is empty; each one's output, error output and
# exit status in DIR/NAME.{out,err,rc}.
lane_run() {
    local dir=$1 port=$2 name
    export PGPASSFILE=$3/pgpass
    while :; do
        name=$(flock "$dir/queue.lock" sh -c 'head -n 1 "$1" && sed -i 1d "$1"' _ "$dir/queue")
        [ -n "$name" ] || return 0
        LOA_TEST_DB_URL="postgresql://loa@127.0.0.1:$port/loa" \
            "$BUILD/unit-tests" "$name" >"$dir/$name.out" 2>"$dir/$name.err"
        echo $? >"$dir/$name.rc"
    done
}

unit_stop() {
    local lane
    for lane in "$1"/unit/lane*; do
        [ -d "$lane" ] && STACK_DIR=$lane stack_pg_stop
    done
    return 0
}

unit_run() {
    local dir=$1/unit lanes=${LOA_UNIT_LANES:-3} names base i name rc line p f
    local -a pids
    UNIT_PASSED=0
    UNIT_FAILED=0
    mkdir -p "$dir"
    if ! names=$("$BUILD/unit-tests" --list) || [ -z "$names" ]; then
        echo "   $BUILD/unit-tests --list failed"
        UNIT_FAILED=1
        return
    fi
    # The list comes slowest first and a free lane takes the next one: the
    # lanes end close together.
    printf '%s\n' "$names" >"$dir/queue"
    base=$(stack_free_base) || { echo "   no free ports for the unit tests' clusters"; UNIT_FAILED=1; return; }
    for ((i = 0; i < lanes; i++)); do
        mkdir -p "$dir/lane$i"
        chmod 755 "$dir/lane$i"
        stack_pg_start "$dir/lane$i" $((base + i)) >"$dir/lane$i.start" 2>&1 &
        pids[i]=$!
    done
    for ((i = 0; i < lanes; i++)); do
        if ! wait "${pids[i]}"; then
            echo "   the PostgreSQL cluster of lane $i did not start:"
            sed 's/^/     /' "$dir/lane$i.start"
            UNIT_FAILED=1
        fi
    done
    # Each cluster gets what db-init makes (the roles, and the audit trail's
    # schema the migrations' triggers call), as an installation has it.
    for ((i = 0; i < lanes; i++)); do
        [ "$UNIT_FAILED" = 0 ] || break
        if ! PGPASSFILE=$dir/lane$i/pgpass LOA_ADMIN_DB_URL="postgresql://loa@127.0.0.1:$((base + i))/loa" \
            bash deploy/db-admin.sh db-init >"$dir/lane$i.init" 2>&1; then
            echo "   db-init on the cluster of lane $i failed:"
            sed 's/^/     /' "$dir/lane$i.init"
            UNIT_FAILED=1
        fi
    done
    if [ "$UNIT_FAILED" = 0 ]; then
        for ((i = 0; i < lanes; i++)); do
            lane_run "$dir" $((base + i)) "$dir/lane$i" &
            pids[i]=$!
        done
        wait "${pids[@]}"
    fi
    unit_stop "$1"
    [ "$UNIT_FAILED" = 0 ] || return
    for name in $names; do
        rc=$(cat "$dir/$name.rc" 2>/dev/null)
        line=$(grep '^unit:' "$dir/$name.out" | tail -1)
        p=$(echo "$line" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
        f=$(echo "$line" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
        echo "   $name: ${p:-0} passed, ${f:-0} failed"
        # Check's lines for what failed (file:line:kind:case:test:...: message).
        grep -v '^unit:\|^Running suite\|^[0-9]*%: Checks:' "$dir/$name.out" | sed 's/^/     /'
        if [ -z "$p" ] || { [ "$rc" != 0 ] && [ "${f:-0}" = 0 ]; }; then
            echo "     the suite's process crashed (status ${rc:-none}):"
            tail -40 "$dir/$name.err" | sed 's/^/     /'
            f=$((${f:-0} + 1))
        fi
        if grep -q "Sanitizer\|runtime error:" "$dir/$name.err"; then
            echo "     sanitizer report:"
            grep -A30 "Sanitizer\|runtime error:" "$dir/$name.err" | head -60 | sed 's/^/     /'
            f=$((f + 1))
        fi
        UNIT_PASSED=$((UNIT_PASSED + ${p:-0}))
        UNIT_FAILED=$((UNIT_FAILED + f))
    done
}
