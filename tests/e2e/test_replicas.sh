# Replicas behind one name (issue 18): the gateway follows a name that
# resolves to every replica of content-svc, as a Kubernetes headless Service
# does. Here the name is content.loa-test in an /etc/hosts of the gateway's
# own (a mount namespace: unshare -m), first for the stack's content-svc
# (127.0.0.1) and a second replica on 127.0.0.2 (same ports, same
# database). Checked: the gateway connects to both and spreads its calls;
# a hung replica's reads are sent again to the other within the deadline;
# with the first replica killed the second takes over the relay and the
# gateway hears its events (heartbeats keep the cache serving, a change
# made on the second reaches the cache); a third address added to the
# name is connected without a restart. The stack is put back as it was.
# shellcheck shell=bash

rp_port=${LOA_CONTENT_RPC##*:}
rp_eport=${LOA_CONTENT_EVENTS##*:}
rp_hosts="$T_TMP/replicas-hosts"
printf '127.0.0.1 localhost\n127.0.0.1 content.loa-test\n127.0.0.2 content.loa-test\n' >"$rp_hosts"

# Each replica logs its calls (debug), so that the test can count them.
rp_start_svc() { # NAME ADDRESS
    LOA_CONTENT_RPC_BIND="tcp://$2:$rp_port" LOA_CONTENT_EVENTS_BIND="tcp://$2:$rp_eport" \
        LOA_LOG_LEVEL=debug LOA_DB_URL=$(stack_db_url content-svc) \
        "$BUILD/content-svc" >>"$STACK_DIR/logs/$1.log" 2>&1 &
    echo $! >"$STACK_DIR/pids/$1"
}
# The gateway, with content-svc as the name, in a mount namespace whose
# /etc/hosts is the test's file.
rp_start_gateway() {
    LOA_CONTENT_RPC="tcp://content.loa-test:$rp_port" LOA_CONTENT_EVENTS="tcp://content.loa-test:$rp_eport" \
        LOA_DISCOVERY_MS=300 LOA_DB_URL=$(stack_db_url gateway) \
        unshare --mount --propagation private sh -c 'mount --bind "$1" /etc/hosts && exec "$2"' \
        sh "$rp_hosts" "$BUILD/gateway" >>"$STACK_DIR/logs/gateway.log" 2>&1 &
    echo $! >"$STACK_DIR/pids/gateway"
}
rp_calls() { grep -c "rpc: $2 -> " "$STACK_DIR/logs/$1.log" 2>/dev/null || true; }
rp_retries() { curl -s "$GW/metrics" | awk '/^loa_rpc_retries_total\{service="content-svc"/ { print $2 }'; }

stack_stop content-svc
rp_start_svc content-svc 127.0.0.1
rp_start_svc content-svc-2 127.0.0.2
stack_stop gateway
rp_start_gateway
if wait_until 30 stack_ready; then pass "the gateway follows content.loa-test"; else fail "gateway with a name" "$(tail -5 "$STACK_DIR/logs/gateway.log")"; fi
expect_match "the name resolves to both replicas" "content.loa-test is 2 replicas: tcp://127.0.0.1:$rp_port, tcp://127.0.0.2:$rp_port" \
    "$(grep 'peers: content-svc: content.loa-test' "$STACK_DIR/logs/gateway.log" | tail -1)"

# Spread: forty calls past the cache, each an RPC; both replicas take some.
sleep 1.5 # every HTTP thread's dealer has finished both handshakes
a0=$(rp_calls content-svc topics.list) b0=$(rp_calls content-svc-2 topics.list)
codes=$(for _ in $(seq 40); do curl -s -o /dev/null -w '%{http_code}\n' -H 'Cache-Control: no-cache' "$GW/api/v1/topics"; done | sort -u | tr '\n' ' ')
expect_eq "forty reads through two replicas all succeed" "200 " "$codes"
a1=$(($(rp_calls content-svc topics.list) - a0)) b1=$(($(rp_calls content-svc-2 topics.list) - b0))
expect_eq "the replicas took all forty between them" 40 "$((a1 + b1))"
if [ "$a1" -ge 8 ] && [ "$b1" -ge 8 ]; then pass "both replicas took calls ($a1 and $b1)"; else fail "calls spread" "$a1 and $b1"; fi

# A hung replica (SIGSTOP: its connections stay up, its calls get no
# reply): reads are sent again after LOA_RPC_RETRY_MS and the other answers,
# well within the deadline.
# shellcheck disable=SC2034 # e2e_staff and e2e_call take it by name
declare -A RP_TOK=([admin]=$(admin_token))
e2e_staff RP_TOK ed '["editor"]' 1 e2e.replica-ed "Biên tập viên thử bản sao"
r0=$(rp_retries)
rp_a=$(cat "$STACK_DIR/pids/content-svc")
kill -STOP "$rp_a"
start=$(date +%s%N)
codes=$(for _ in $(seq 8); do curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 -H 'Cache-Control: no-cache' "$GW/api/v1/topics"; done | sort -u | tr '\n' ' ')
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
# Writes carrying an Idempotency-Key are sent again too: the hung replica
# runs its copy when it wakes, and each article is still made once.
rp_codes=""
for i in 1 2 3 4; do
    e2e_call RP_TOK ed POST /api/v1/articles "{\"title\": \"Bài thử gửi lại $i-$$\", \"summary\": \"Tóm tắt\", \"body\": \"Nội dung.\"}" \
        -H "Idempotency-Key: replica-retry-$i-$$"
    rp_codes+="$HTTP_STATUS "
done
kill -CONT "$rp_a"
expect_eq "with one replica hung, eight reads all succeed" "200 " "$codes"
expect_eq "and four creates with an Idempotency-Key: 201 each" "201 201 201 201 " "$rp_codes"
sleep 1 # the woken replica runs what it had queued
expect_eq "each article made once, though both replicas had its call" "1 1 1 1" \
    "$(db_sql "SELECT string_agg(n::text, ' ' ORDER BY t) FROM (SELECT title t, count(*) n FROM content.articles
        WHERE title LIKE 'Bài thử gửi lại %-$$' GROUP BY title) x")"
r1=$(($(rp_retries) - r0))
if [ "$r1" -ge 1 ]; then pass "the hung replica's reads were sent again ($r1, loa_rpc_retries_total)"; else fail "retries counted" "$r1"; fi
if [ "$elapsed_ms" -lt $((8 * LOA_RPC_TIMEOUT_MS / 2)) ]; then
    pass "each read answered well within the deadline (${elapsed_ms} ms for eight)"
else
    fail "reads within the deadline" "${elapsed_ms} ms for eight (deadline ${LOA_RPC_TIMEOUT_MS} ms each)"
fi
# The first replica killed: the second takes over the relay; the gateway,
# connected to both PUB sockets, hears its heartbeats (cached reads stay
# served past the 3 s of silence that would stop them) and its events.
http GET /api/v1/units
stack_kill content-svc
sleep 4
http GET /api/v1/units
expect_eq "with the relay's replica killed, cached reads are still served (the other's heartbeats)" 200 "$HTTP_STATUS"
"$BUILD/loa-rpc" --service content-svc --roles admin --user-id 1 --in loa.content.CreateUnitRequest "tcp://127.0.0.2:$rp_port" units.create \
    '{"code": "REPLICA-EV", "name": "Đơn vị tạo trên bản sao thứ hai"}' >/dev/null
has_replica_ev() { curl -s "$GW/api/v1/units" | jq -e '[.items[].code] | index("REPLICA-EV") != null' >/dev/null; }
if wait_until 5 has_replica_ev; then pass "a change on the second replica reaches the gateway's cache through its events"; else fail "events from the second replica"; fi
expect_match "the second replica took over the relay" "relay content: active from seq" "$(grep 'relay content: active' "$STACK_DIR/logs/content-svc-2.log" | tail -1)"

# A new replica on a third address, added to the name: connected without a
# restart (LOA_DISCOVERY_MS=300 here), and it takes calls.
rp_start_svc content-svc-3 127.0.0.3
printf '127.0.0.1 localhost\n127.0.0.2 content.loa-test\n127.0.0.3 content.loa-test\n' >"$rp_hosts.new"
cat "$rp_hosts.new" >"$rp_hosts" # the same file: the bind mount shows the new contents
has_third() { grep -q "content-svc: tcp://127.0.0.3:$rp_port is new" "$STACK_DIR/logs/gateway.log"; }
if wait_until 10 has_third; then pass "the gateway connects a replica added to the name"; else fail "new replica connected"; fi
sleep 1.5
c0=$(rp_calls content-svc-3 topics.list)
for _ in $(seq 30); do curl -s -o /dev/null -H 'Cache-Control: no-cache' "$GW/api/v1/topics"; done
c1=$(($(rp_calls content-svc-3 topics.list) - c0))
if [ "$c1" -ge 5 ]; then pass "the new replica takes calls ($c1 of 30)"; else fail "new replica's calls" "$c1 of 30"; fi

# Back as it was: one content-svc, the gateway with its usual addresses.
stack_stop gateway
stack_stop content-svc-2
stack_stop content-svc-3
stack_start content-svc
stack_start gateway
if wait_until 30 stack_ready; then pass "the stack is back to one replica"; else fail "stack restored"; fi
