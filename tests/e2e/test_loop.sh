# The gateway's event loops (gateway/core/loop.h): one HTTP thread keeps
# many service calls in flight, answers other requests meanwhile, ends a
# call at its deadline, waits behind another request's cache fill without
# blocking, and stops cleanly with calls in flight. A second gateway with
# LOA_HTTP_THREADS=1 runs beside the stack's; content-svc is held with
# SIGSTOP so that its calls stay in flight.
# shellcheck shell=bash

lp_svc=$(cat "$STACK_DIR/pids/content-svc")
lp_start() { # lp_start [ENV=VALUE...]: a one-thread gateway; sets LP_URL, LP_PID, LP_LOG
    LP_LOG=$T_TMP/loop-gateway.log
    lp_up() { curl -sf "$LP_URL/readyz" >/dev/null || ! kill -0 "$LP_PID" 2>/dev/null; }
    for _ in 1 2 3; do
        LP_PORT=$(($(stack_free_base) + 9))
        env "$@" LOA_HTTP_THREADS=1 LOA_HTTP_PORT="$LP_PORT" "$BUILD/gateway" >>"$LP_LOG" 2>&1 &
        LP_PID=$!
        LP_URL="http://127.0.0.1:$LP_PORT"
        wait_until 30 lp_up
        kill -0 "$LP_PID" 2>/dev/null && break
        wait "$LP_PID" 2>/dev/null
    done
    if curl -sf "$LP_URL/readyz" >/dev/null; then pass "loop: a gateway with one HTTP thread starts"; else
        fail "loop: a gateway with one HTTP thread starts" "$(tail -3 "$LP_LOG")"
    fi
}
lp_sanitizer_clean() {
    if grep -q "Sanitizer\|runtime error:\|PANIC\|panic" "$LP_LOG"; then
        fail "loop: no sanitizer report or panic in the one-thread gateway" "$(grep -m3 'Sanitizer\|runtime error\|PANIC\|panic' "$LP_LOG")"
    else
        pass "loop: no sanitizer report or panic in the one-thread gateway"
    fi
}
# lp_get N PATH [curl args]: N GETs at once in the background, each status
# into $T_TMP/lp.N; their pids in LP_JOBS.
lp_get() {
    local n=$1 path=$2 i
    shift 2
    LP_JOBS=()
    rm -f "$T_TMP"/lp.*
    for i in $(seq "$n"); do
        curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 "$@" "$LP_URL$path" >"$T_TMP/lp.$i" &
        LP_JOBS+=($!)
    done
}
lp_codes() { cat "$T_TMP"/lp.* 2>/dev/null | sort | uniq -c | awk '{ print $2 "×" $1 }' | paste -sd' '; }
lp_calls() {
    curl -s "$LP_URL/metrics" | awk '/^loa_rpc_requests_total\{service="content-svc"/ { s += $2 } END { print s + 0 }'
}

lp_start

# 1. Sixteen calls in flight on the one thread, and /healthz answered meanwhile.
kill -STOP "$lp_svc"
lp_get 16 /api/v1/topics -H 'Cache-Control: no-cache'
sleep 0.5
lp_t0=$(date +%s%N)
lp_health=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$LP_URL/healthz") || lp_health=000
lp_ms=$((($(date +%s%N) - lp_t0) / 1000000))
expect_eq "loop: with 16 calls held in flight, the same single thread answers /healthz" 200 "$lp_health"
if [ "$lp_ms" -lt 2000 ]; then pass "loop: ... at once (${lp_ms} ms), not after the calls"; else
    fail "loop: /healthz answered at once" "${lp_ms} ms"
fi
lp_pending=$(cat "$T_TMP"/lp.* | grep -c . || true)
expect_eq "loop: none of the 16 was answered while content-svc was held" 0 "$lp_pending"
kill -CONT "$lp_svc"
wait "${LP_JOBS[@]}"
expect_eq "loop: released, all 16 calls in flight on one thread are answered 200" "200×16" "$(lp_codes)"

# 2. Single flight on one thread: the readers that miss one key wait for the
#    first one's call without blocking the thread (a blocking wait would
#    hold the only thread the filler's answer needs).
# A key no reader asked for yet: a page far past the end (a parameter of the
# read: junk parameters are not part of the key).
lp_key="/api/v1/topics?page=$((RANDOM % 30000 + 1000))"
# Single flight needs a live cache (content-svc's heartbeats heard in the
# last 3 s): wait until a repeated read is a hit.
lp_hits() { curl -s "$LP_URL/metrics" | sed -n 's/^loa_cache_lookups_total{result="hit"} //p'; }
lp_live() {
    local h0
    h0=$(lp_hits)
    curl -s -o /dev/null "$LP_URL/api/v1/topics"
    curl -s -o /dev/null "$LP_URL/api/v1/topics"
    [ "$(lp_hits)" -gt "${h0:-0}" ]
}
if wait_until 15 lp_live; then pass "loop: the one-thread gateway's cache is live"; else fail "loop: the cache is live"; fi
lp_before=$(lp_calls)
kill -STOP "$lp_svc"
lp_get 8 "$lp_key"
sleep 0.7
kill -CONT "$lp_svc"
wait "${LP_JOBS[@]}"
expect_eq "loop: eight readers missing one key on one thread all get 200" "200×8" "$(lp_codes)"
expect_eq "loop: ... with one call to the service" 1 $(($(lp_calls) - lp_before))

# 3. A stop with calls in flight: each is answered 503, the gateway ends
#    within its drain, without a panic.
kill -STOP "$lp_svc"
lp_get 4 /api/v1/units -H 'Cache-Control: no-cache'
sleep 0.5
lp_t0=$(date +%s)
kill "$LP_PID"
lp_ended=no
for _ in $(seq 50); do kill -0 "$LP_PID" 2>/dev/null || { lp_ended=yes; break; }; sleep 0.1; done
wait "$LP_PID" 2>/dev/null
lp_rc=$?
kill -CONT "$lp_svc"
wait "${LP_JOBS[@]}"
expect_eq "loop: stopped with 4 calls in flight, the gateway ends within 5 s" yes "$lp_ended"
expect_eq "loop: ... with exit status 0" 0 "$lp_rc"
expect_eq "loop: ... and answers each of them 503" "503×4" "$(lp_codes)"
lp_sanitizer_clean

# 4. The deadline: LOA_RPC_TIMEOUT_MS bounds a call in flight (504), and the
#    thread answers the next request once the service is back.
lp_start LOA_RPC_TIMEOUT_MS=1000 LOA_LOG_LEVEL=debug
kill -STOP "$lp_svc"
lp_t0=$(date +%s%N)
lp_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'Cache-Control: no-cache' \
    -H 'X-Request-Id: loop-deadline-1' "$LP_URL/api/v1/topics") || lp_code=000
lp_ms=$((($(date +%s%N) - lp_t0) / 1000000))
kill -CONT "$lp_svc"
expect_eq "loop: a call held past LOA_RPC_TIMEOUT_MS=1000 is 504" 504 "$lp_code"
if [ "$lp_ms" -ge 950 ] && [ "$lp_ms" -lt 3000 ]; then pass "loop: ... after about a second (${lp_ms} ms)"; else
    fail "loop: 504 after about a second" "${lp_ms} ms"
fi
if grep -F '"request_id":"loop-deadline-1"' "$LP_LOG" | grep -q 'timed out'; then pass "loop: the timeout is logged with the request id"; else
    fail "loop: the timeout is logged with the request id" "$(grep -m1 "timed out" "$LP_LOG")"
fi
lp_units() { curl -s --max-time 5 -H 'Cache-Control: no-cache' "$LP_URL/api/v1/units" | jq -e '.items | length > 0'; }
if wait_until 10 lp_units; then pass "loop: the service back, the next call on the same thread is answered"; else
    fail "loop: the next call is answered"
fi
# Nobody waits for the timed-out call: content-svc, released, drops it
# unanswered (its deadline travels in the envelope).
lp_dropped() { grep -F '"request_id":"loop-deadline-1"' "$STACK_DIR/logs/content-svc.log" | grep -q 'deadline passed'; }
if wait_until 5 lp_dropped; then
    pass "loop: ... and content-svc drops the timed-out call unanswered"
else
    fail "loop: content-svc drops the timed-out call" "$(grep -m2 'loop-deadline-1' "$STACK_DIR/logs/content-svc.log")"
fi

# 5. A client that hangs up while its call is in flight: the reply still
#    ends the call (answered to a closed connection), and the thread goes on.
kill -STOP "$lp_svc"
curl -s -o /dev/null --max-time 0.3 -H 'Cache-Control: no-cache' \
    -H 'X-Request-Id: loop-hangup-1' "$LP_URL/api/v1/topics" || true
sleep 0.2
kill -CONT "$lp_svc"
sleep 1.2
lp_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'Cache-Control: no-cache' \
    "$LP_URL/api/v1/topics") || lp_code=000
expect_eq "loop: after a client hung up on a call in flight, the thread answers the next call" 200 "$lp_code"
if grep -F '"request_id":"loop-hangup-1"' "$LP_LOG" | grep -q 'GET /api/v1/topics'; then
    pass "loop: ... and the hung-up request ended (its access log line)"
else
    fail "loop: the hung-up request ended" "$(grep -m2 'loop-hangup-1' "$LP_LOG")"
fi
kill "$LP_PID"
wait "$LP_PID" 2>/dev/null
lp_sanitizer_clean
