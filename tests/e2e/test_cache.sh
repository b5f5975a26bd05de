# The public-read cache: repeated anonymous reads come from memory, a change
# made anywhere (an event) or through the gateway (at once) is seen, and
# callers with credentials always reach the service.
# shellcheck shell=bash

cache_hits() { curl -s "$GW/metrics" | sed -n 's/^loa_cache_lookups_total{result="hit"} //p'; }

http GET /api/v1/topics
h0=$(cache_hits)
for _ in 1 2 3 4 5; do http GET /api/v1/topics; done
h1=$(cache_hits)
if [ $((h1 - h0)) -ge 4 ]; then pass "repeated public reads are served from the cache"; else fail "cache hits" "from $h0 to $h1"; fi
expect_eq "a cached read is the same document with its ETag" 12 "$(echo "$HTTP_BODY" | jq .total)"
expect_match "a cached read keeps its ETag" '^"[0-9a-f]{16}"$' "$(header ETag)"

for _ in 1 2 3; do http GET /api/v1/topics -H 'Authorization: Bearer x'; done
expect_eq "reads with credentials never use the cache" "$h1" "$(cache_hits)"

# Parameters that name no field of the read do not make a new key (issue
# 16: junk parameters sent every search to the database): the same read with
# five different junk values is one entry, four hits; a real parameter is
# another read.
http GET '/api/v1/articles?per_page=3'
h2=$(cache_hits)
for i in 1 2 3 4; do http GET "/api/v1/articles?per_page=3&junk=$i&_=$RANDOM"; done
expect_eq "junk query parameters share the read's cache entry (4 hits)" 4 "$(($(cache_hits) - h2))"
h2=$(cache_hits)
http GET '/api/v1/articles?per_page=4'
expect_eq "a parameter of the read is another entry (a miss)" "0 4" "$(($(cache_hits) - h2)) $(echo "$HTTP_BODY" | jq '.per_page')"

# A change made behind the gateway's back (straight to the service) reaches
# the cache through the event within moments.
http GET /api/v1/units
"$BUILD/loa-rpc" --roles admin --user-id 1 --in loa.content.CreateUnitRequest "$LOA_CONTENT_RPC" units.create \
    '{"code": "CACHE-EV", "name": "Đơn vị kiểm tra bộ nhớ đệm"}' >/dev/null
has_cache_ev() { curl -s "$GW/api/v1/units" | jq -e '[.items[].code] | index("CACHE-EV") != null' >/dev/null; }
if wait_until 3 has_cache_ev; then pass "an event invalidates the cached list"; else fail "event invalidation"; fi

http GET /api/v1/units -H 'Cache-Control: no-cache'
expect_eq "Cache-Control: no-cache reaches the service" 200 "$HTTP_STATUS"

# Single flight: anonymous readers that miss one key together make one call
# to the service, the others wait for its answer. content-svc is held
# (SIGSTOP) so that all of them are in flight at once.
ca_rpc_calls() {
    curl -s "$GW/metrics" | awk '/^loa_rpc_requests_total\{service="content-svc"/ { s += $2 } END { print s + 0 }'
}
# A key no reader asked for yet: a page far past the end (a parameter of the
# read: junk parameters are not part of the key).
ca_key="/api/v1/topics?page=$((RANDOM % 30000 + 1000))"
ca_before=$(ca_rpc_calls)
ca_svc=$(cat "$STACK_DIR/pids/content-svc")
kill -STOP "$ca_svc"
ca_jobs=()
for i in 1 2 3 4 5 6 7 8; do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 "$GW$ca_key" >"$T_TMP/sf.$i" &
    ca_jobs+=($!)
done
# Held past a second: a loop whose waiters' wake got lost would sleep its
# whole MAX_SLEEP_MS (1 s) turn first and answer them up to a second late.
sleep 1.1
ca_cont=$(date +%s%N)
kill -CONT "$ca_svc"
wait "${ca_jobs[@]}"
ca_after_ms=$((($(date +%s%N) - ca_cont) / 1000000))
expect_eq "eight readers missing one key all get 200" "200 200 200 200 200 200 200 200" \
    "$(cat "$T_TMP"/sf.[1-8] | tr '\n' ' ' | sed 's/ $//')"
if [ "$ca_after_ms" -lt 500 ]; then
    pass "the readers waiting on the fill are answered as it ends (${ca_after_ms} ms after the service resumed)"
else
    fail "waiters woken by the fill's end" "${ca_after_ms} ms after the service resumed (a wake lost until the loop's next turn)"
fi
expect_eq "eight readers missing one key make one call to the service" 1 $(($(ca_rpc_calls) - ca_before))
