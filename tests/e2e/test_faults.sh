# Faults: a killed service gives 503/504 problem+json within the deadline,
# other routes are unaffected, /readyz stays 200 "degraded" naming it (the
# gateway keeps its traffic: the other routes still work) while
# /readyz?all=1 is 503, and it recovers on restart without restarting the
# gateway.
# shellcheck shell=bash

stack_kill content-svc
# The cache serves public reads only while the service's heartbeats are live
# (3 s); a client's "Cache-Control: no-cache" goes to the service at once.
start=$(date +%s%N)
http GET /api/v1/units -H 'Cache-Control: no-cache'
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect_match "with content-svc killed, units answer 503 or 504" '^50[34]$' "$HTTP_STATUS"
expect_eq "the failure is problem+json" "application/problem+json; charset=utf-8" "$(header Content-Type)"
expect_match "the problem names the service" 'content-svc' "$(echo "$HTTP_BODY" | jq -r .detail)"
if [ "$elapsed_ms" -le 5500 ]; then pass "the failure comes within the deadline (${elapsed_ms} ms)"; else fail "failure within deadline" "${elapsed_ms} ms"; fi
http GET /healthz
expect_eq "healthz is unaffected" 200 "$HTTP_STATUS"
http GET /api/v1/openapi.json
expect_eq "other routes are unaffected" 200 "$HTTP_STATUS"
sleep 3.2
http GET /api/v1/units
expect_match "once its heartbeats stop, cached reads are not served either" '^50[34]$' "$HTTP_STATUS"
http GET /readyz
expect_eq "readyz stays 200, degraded, with content-svc down (the gateway keeps its traffic)" "200 degraded" \
    "$HTTP_STATUS $(echo "$HTTP_BODY" | jq -r .status)"
expect_eq "readyz names the service down" unavailable "$(echo "$HTTP_BODY" | jq -r '.checks["content-svc"]')"
expect_eq "readyz sees the others up" ok "$(echo "$HTTP_BODY" | jq -r '.checks["quota-svc"]')"
http GET '/readyz?all=1'
expect_eq "readyz?all=1 (a deployment waiting for the stack) is 503 not_ready" "503 not_ready" \
    "$HTTP_STATUS $(echo "$HTTP_BODY" | jq -r .status)"

stack_start content-svc
if wait_until 20 stack_ready; then pass "readyz recovers after content-svc restarts"; else fail "readyz recovers"; fi
http GET /api/v1/units
expect_eq "units answer again without restarting the gateway" 200 "$HTTP_STATUS"
# Every HTTP thread's socket recovers, not just one: each DEALER reconnects
# within ZMQ_RECONNECT_IVL_MAX (1 s, loa_rpc_client.c) of the service's
# return, and /readyz above proved one. Past that, twenty calls past the
# cache (so each is an RPC on whichever thread takes it) all succeed. (The
# hang below also needs its thread connected before SIGSTOP: a handshake
# still pending would make it "no replica" (503) instead of a hang.)
sleep 1.5
codes=$(for _ in $(seq 20); do curl -s -o /dev/null -w '%{http_code}\n' -H 'Cache-Control: no-cache' "$GW/api/v1/topics"; done | sort -u | tr '\n' ' ')
expect_eq "twenty requests after recovery all succeed" "200 " "$codes"

# A hung service (SIGSTOP) gives 504 at the deadline, then recovers.
pid=$(cat "$STACK_DIR/pids/content-svc")
kill -STOP "$pid"
start=$(date +%s%N)
http GET /api/v1/topics -H 'X-Request-Id: hung-1' -H 'Cache-Control: no-cache'
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
kill -CONT "$pid"
expect_eq "a hung service gives 504" 504 "$HTTP_STATUS"
if [ "$elapsed_ms" -ge "$((LOA_RPC_TIMEOUT_MS - 100))" ] && [ "$elapsed_ms" -le "$((LOA_RPC_TIMEOUT_MS + 1500))" ]; then
    pass "504 comes at the deadline (${elapsed_ms} ms)"
else
    fail "504 at the deadline" "${elapsed_ms} ms for a ${LOA_RPC_TIMEOUT_MS} ms deadline"
fi
if wait_until 10 stack_ready; then pass "after the hang the service answers again"; else fail "recovery after hang"; fi
http GET /api/v1/topics
expect_eq "the late reply is dropped and the next request gets its own answer" "200 12" "$HTTP_STATUS $(echo "$HTTP_BODY" | jq .total)"
