# shellcheck shell=bash
# make run survives a crash (deploy/run.sh): the whole system started as
# `make run` starts it (in a folder and on ports of its own), each program
# killed in turn with SIGKILL (a crash, an OOM kill) is started again
# without a manual step, its exit status on the console, and no write that
# was acknowledged before a kill is lost; a program that keeps dying (five
# times within a minute) stops everything, saying so. Sourced by
# tests/run.sh (BUILD, the sanitizers' options and T_TMP are its).

rn_ready() { curl -fs -o /dev/null --max-time 2 "$RN_GW/readyz?all=1"; }

# rn_restarted NAME OLD_PID: 0 once NAME runs again under another pid and
# the system is ready.
rn_restarted() {
    local pid
    pid=$(cat "$RN_DIR/pids/$1" 2>/dev/null) || return 1
    [ "$pid" != "$2" ] && kill -0 "$pid" 2>/dev/null && rn_ready
}

# rn_feedback: one citizen's submission; prints its tracking code once
# acknowledged (201), nothing otherwise.
rn_feedback() {
    curl -s --max-time 10 -H 'Content-Type: application/json' --data-binary "$(jq -nc --arg t "$1" '{
        kind: "recommendation", title: $t,
        content: "Đề nghị rút ngắn thời gian giải quyết thủ tục cấp phép.",
        submitter: {name: "Trần Thị Bình", address: "5 Hai Bà Trưng", phone: "0987 654 321", email: "binh@example.vn"}}')" \
        "$RN_GW/api/v1/feedback" | jq -r '.tracking_code // empty'
}

rn_main() {
    local base p pid t0 t code codes="" lost="" status
    RN_DIR=$T_TMP/make-run
    base=$(stack_free_base) || { fail "make run: free ports" "none"; return; }
    RN_GW=http://127.0.0.1:$((base + 9))
    echo "  -- make run: a program that dies is started again"
    # A clean environment: the test stack's LOA_* (its media, keys, ports)
    # must not leak in; the sanitizers' options and the build do.
    env -i PATH="$PATH" HOME="${HOME:-/tmp}" BUILD="$BUILD" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
        UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
        LOA_RUN_DIR="$RN_DIR" LOA_PG_PORT_BASE="$base" LOA_HTTP_PORT=$((base + 9)) \
        LOA_ADMIN_PASSWORD="$LOA_ADMIN_PASSWORD" LOA_LOG_LEVEL=info \
        deploy/run.sh >"$T_TMP/make-run.out" 2>&1 &
    RN_PID=$!
    if wait_until 240 grep -q 'Loa is running' "$T_TMP/make-run.out"; then
        pass "make run: the system starts (deploy/run.sh in a folder of its own)"
    else
        fail "make run: the system starts" "$(tail -5 "$T_TMP/make-run.out")"
        kill "$RN_PID" 2>/dev/null
        wait "$RN_PID" 2>/dev/null
        return
    fi

    # The demo feedback's receipts, in the local mail sink (a new user's
    # first look at notify-svc: .run/mail/).
    rn_receipts() { [ "$(grep -l '^Subject: ' "$RN_DIR"/mail/*.eml 2>/dev/null | wc -l)" -ge 3 ]; }
    if wait_until 30 rn_receipts; then
        pass "make run: the demo feedback's receipts are in the mail folder ($(ls "$RN_DIR"/mail/*.eml | wc -l) files)"
    else
        fail "make run: the demo feedback's receipts are in the mail folder" "$(ls "$RN_DIR/mail" 2>&1 | head -3)"
    fi
    expect_match "make run: the console says where the mail goes" "mail sent \\(the local sink\\): $RN_DIR/mail" \
        "$(cat "$T_TMP/make-run.out")"

    for p in content-svc feedback-svc quota-svc media-svc notify-svc gateway; do
        code=$(rn_feedback "Góp ý trước khi $p dừng")
        [ -n "$code" ] && codes="$codes $code"
        pid=$(cat "$RN_DIR/pids/$p")
        t0=$(date +%s.%N)
        kill -KILL "$pid"
        if wait_until 30 rn_restarted "$p" "$pid"; then
            t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
            pass "make run: $p killed (SIGKILL) runs again, the system ready $t s later"
        else
            fail "make run: $p killed (SIGKILL) runs again within 30 s" "$(tail -3 "$T_TMP/make-run.out")"
        fi
        expect_match "make run: the console says how $p ended" \
            "$p exited \\(status 137: killed by SIGKILL\\); starting it again in 1 s" \
            "$(grep "$p exited" "$T_TMP/make-run.out" | tail -1)"
    done
    for code in $codes; do
        curl -fs -o /dev/null --max-time 10 "$RN_GW/api/v1/feedback/track/$code" || lost="$lost $code"
    done
    expect_eq "make run: every submission acknowledged before a kill is there (6)" "6 " \
        "$(printf '%s\n' $codes | grep -c .) $lost"

    # quota-svc died once above: killed again each time it is back, the
    # fifth death within the minute stops it all (a sixth kill at most, should
    # the first have left the window).
    echo "  -- make run: a program that keeps dying stops everything"
    t0=$(date +%s)
    for _ in 1 2 3 4 5; do
        kill -0 "$RN_PID" 2>/dev/null || break
        wait_until 40 sh -c "test -s '$RN_DIR/pids/quota-svc'" || break
        pid=$(cat "$RN_DIR/pids/quota-svc" 2>/dev/null) && kill -KILL "$pid"
        # until make run has seen it (it removes the pid file), or stopped
        wait_until 5 sh -c "test ! -e '$RN_DIR/pids/quota-svc' || ! kill -0 $RN_PID 2>/dev/null"
    done
    wait_until 30 sh -c "! kill -0 $RN_PID 2>/dev/null"
    wait "$RN_PID" 2>/dev/null
    status=$?
    expect_match "make run: the fifth death within a minute stops it, exit 1, saying why" \
        '^1 .*quota-svc died 5 times within 60 s' \
        "$status $(grep 'died' "$T_TMP/make-run.out" | tail -1)"
    echo "     the kills, the waits of 2, 4, 8 s and the restarts took $(($(date +%s) - t0)) s"
    got=""
    for p in $STACK_PROGRAMS; do
        pid=$(cat "$RN_DIR/pids/$p" 2>/dev/null) && kill -0 "$pid" 2>/dev/null && got="$got $p"
    done
    [ -s "$RN_DIR/pgdata/postmaster.pid" ] && got="$got postgres"
    expect_eq "make run: and nothing of it is left running" "" "$got"
    # Whatever happened above, nothing of this make run outlives the test.
    if kill -0 "$RN_PID" 2>/dev/null; then
        kill -TERM "$RN_PID" 2>/dev/null
        wait_until 30 sh -c "! kill -0 $RN_PID 2>/dev/null"
        wait "$RN_PID" 2>/dev/null
    fi
    if grep -q "Sanitizer\|runtime error:" "$RN_DIR"/logs/*.log 2>/dev/null; then
        fail "make run: no sanitizer report in its programs' logs" "$(grep -l "Sanitizer\|runtime error:" "$RN_DIR"/logs/*.log)"
    else
        pass "make run: no sanitizer report in its programs' logs"
    fi
}

rn_main
