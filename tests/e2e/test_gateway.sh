# The gateway's own behaviour: errors, request ids, limits, operations endpoints.
# shellcheck shell=bash

http GET /healthz
expect_eq "healthz answers 200" 200 "$HTTP_STATUS"

http GET /readyz
expect_eq "readyz answers 200 with every service up" 200 "$HTTP_STATUS"
expect_eq "readyz reports every service ok" "ok ok ok ok ok" \
    "$(echo "$HTTP_BODY" | jq -r '[.checks.database, .checks["content-svc"], .checks["feedback-svc"], .checks["quota-svc"], .checks["media-svc"]] | join(" ")')"

http GET /api/v1/nothing-here
expect_eq "unknown route is 404" 404 "$HTTP_STATUS"
expect_eq "404 is problem+json" "application/problem+json; charset=utf-8" "$(header Content-Type)"
expect_eq "problem has type, title, status, detail, request_id, errors" "true" \
    "$(echo "$HTTP_BODY" | jq '(.type|type=="string") and (.title|type=="string") and .status==404 and (.detail|type=="string") and (.request_id|length>0) and (.errors|type=="array")')"
expect_eq "problem request_id equals the X-Request-Id header" "$(header X-Request-Id)" "$(echo "$HTTP_BODY" | jq -r .request_id)"

# Security headers, set in one place for every response (issue 16): each
# kind of answer, "nosniff CSP Referrer-Policy X-Frame-Options".
gw_sec() { printf '%s|%s|%s|%s' "$(header X-Content-Type-Options)" "$(header Content-Security-Policy)" \
    "$(header Referrer-Policy)" "$(header X-Frame-Options)"; }
GW_DATA_SEC="nosniff|default-src 'none'; frame-ancestors 'none'|no-referrer|"
GW_PAGE_SEC="nosniff|default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'|same-origin|DENY"
http GET /api/v1/nothing-here
expect_eq "security headers: an API problem (404)" "404 $GW_DATA_SEC" "$HTTP_STATUS $(gw_sec)"
http GET /api/v1/topics
expect_eq "security headers: an API answer" "200 $GW_DATA_SEC" "$HTTP_STATUS $(gw_sec)"
gw_etag=$(header ETag)
http GET /api/v1/topics -H "If-None-Match: $gw_etag"
expect_eq "security headers: an API 304" "304 $GW_DATA_SEC" "$HTTP_STATUS $(gw_sec)"
http GET /healthz
expect_eq "security headers: healthz" "200 $GW_DATA_SEC" "$HTTP_STATUS $(gw_sec)"
http GET /metrics
expect_eq "security headers: metrics (text)" "200 $GW_DATA_SEC" "$HTTP_STATUS $(gw_sec)"
http GET /open311/v2/services.xml
expect_eq "security headers: Open311 XML" "200 $GW_DATA_SEC" "$HTTP_STATUS $(gw_sec)"
http GET /
expect_eq "security headers: a portal page" "200 $GW_PAGE_SEC" "$HTTP_STATUS $(gw_sec)"
gw_etag=$(header ETag)
http GET / -H "If-None-Match: $gw_etag"
expect_eq "security headers: a portal page's 304 keeps the page's policy" "304 $GW_PAGE_SEC" "$HTTP_STATUS $(gw_sec)"
http GET /khong-co-trang-nay.html
expect_eq "security headers: the 404 page" "404 $GW_PAGE_SEC" "$HTTP_STATUS $(gw_sec)"
http GET /css/site.css
expect_eq "security headers: a stylesheet" "200 nosniff" "$HTTP_STATUS $(header X-Content-Type-Options)"

http DELETE /api/v1/topics
expect_eq "wrong method is 405" 405 "$HTTP_STATUS"
expect_eq "405 lists the allowed methods" "GET, HEAD" "$(header Allow)"

http GET /api/v1/topics -H "X-Request-Id: client-id-42"
expect_eq "a client's X-Request-Id is echoed" "client-id-42" "$(header X-Request-Id)"
http GET /api/v1/topics -H 'X-Request-Id: bad id with spaces "and quotes"'
expect_match "an unsafe X-Request-Id is replaced by a generated one" '^[0-9a-f]{24}$' "$(header X-Request-Id)"
# Generated ids come from a pool of random bytes per thread, refilled every
# 64 requests: 200 requests (past several refills) get 200 different ids.
gw_ids=$(for _ in $(seq 200); do
    curl -s -o /dev/null -D - "$GW/healthz" | sed -n 's/^X-Request-Id: *\([0-9a-f]*\).*/\1/Ip'
done | sort -u | grep -cE '^[0-9a-f]{24}$')
expect_eq "200 requests get 200 different generated request ids" 200 "$gw_ids"

GW_ADMIN=$(admin_token)
expect_match "the admin logs in for the validation checks" '^[A-Za-z0-9_-]{43,}$' "$GW_ADMIN"
GW_AUTH=(-H "Authorization: Bearer $GW_ADMIN")

# Body limit: the default is 1 MiB (for a caller who may send one: without
# credentials the route's 401 comes first, before any byte of the body).
head -c 1100000 /dev/zero | tr '\0' 'a' >"$T_TMP/big.json"
http POST /api/v1/units -H 'Content-Type: application/json' --data-binary "@$T_TMP/big.json"
expect_eq "a body to an admin route without credentials is 401, unread" 401 "$HTTP_STATUS"
http POST /api/v1/units "${GW_AUTH[@]}" -H 'Content-Type: application/json' --data-binary "@$T_TMP/big.json"
expect_eq "a body over the limit is 413" 413 "$HTTP_STATUS"
expect_eq "413 is problem+json" 413 "$(echo "$HTTP_BODY" | jq .status)"
http POST /api/v1/units "${GW_AUTH[@]}" -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary "@$T_TMP/big.json"
expect_eq "a chunked body over the limit is 413" 413 "$HTTP_STATUS"

http POST /api/v1/units "${GW_AUTH[@]}" -H 'Content-Type: application/json' --data-binary '{"code": "X", '
expect_eq "malformed JSON is 400" 400 "$HTTP_STATUS"
expect_eq "malformed JSON names the body" body "$(echo "$HTTP_BODY" | jq -r '.errors[0].field')"
printf '{"code": "X", "name": "\xff\xfe"}' >"$T_TMP/bad-utf8.json"
http POST /api/v1/units "${GW_AUTH[@]}" -H 'Content-Type: application/json' --data-binary "@$T_TMP/bad-utf8.json"
expect_eq "invalid UTF-8 is 400" 400 "$HTTP_STATUS"
http POST /api/v1/units "${GW_AUTH[@]}" -H 'Content-Type: application/json' --data-binary '{"code": 12, "name": "Y"}'
expect_eq "a wrong type is 400" 400 "$HTTP_STATUS"
expect_eq "a wrong type names the field" code "$(echo "$HTTP_BODY" | jq -r '.errors[0].field')"
http POST /api/v1/units "${GW_AUTH[@]}" -H 'Content-Type: application/json' --data-binary '{"code": "X", "nmae": "Y"}'
expect_eq "an unknown field is 400 naming it" "400 nmae" "$HTTP_STATUS $(echo "$HTTP_BODY" | jq -r '.errors[0].field')"
http POST /api/v1/units "${GW_AUTH[@]}" -H 'Content-Type: text/plain' --data-binary 'code=X'
expect_eq "a body that is not JSON is 415" 415 "$HTTP_STATUS"
http GET '/api/v1/units?per_page=abc'
expect_eq "a query parameter of the wrong type is 400 naming it" "400 per_page" "$HTTP_STATUS $(echo "$HTTP_BODY" | jq -r '.errors[0].field')"
http GET '/api/v1/units?per_page=500'
expect_eq "per_page over 100 is 422 naming it" "422 per_page" "$HTTP_STATUS $(echo "$HTTP_BODY" | jq -r '.errors[0].field')"

http GET /metrics
expect_eq "metrics answers 200" 200 "$HTTP_STATUS"
expect_match "metrics is Prometheus text" '^text/plain; version=0.0.4' "$(header Content-Type)"
expect_match "metrics counts requests by route and status" 'loa_http_requests_total\{route="/api/v1/topics",method="GET",status="200"\} [0-9]+' "$HTTP_BODY"
expect_match "metrics has latency histograms" 'loa_http_request_duration_seconds_bucket\{route="/api/v1/topics",method="GET",le="\+Inf"\}' "$HTTP_BODY"
expect_match "metrics counts RPC calls by service" 'loa_rpc_requests_total\{service="content-svc",status="OK"\} [0-9]+' "$HTTP_BODY"

http GET /api/v1/openapi.json
expect_eq "openapi.json is served" 200 "$HTTP_STATUS"
expect_eq "openapi is 3.1" 3.1.0 "$(echo "$HTTP_BODY" | jq -r .openapi)"
expect_eq "openapi lists the routes of docs/api that exist" "true true true" \
    "$(echo "$HTTP_BODY" | jq -r '[(.paths["/api/v1/units"] | has("get") and has("post")), (.paths["/api/v1/units/{id}"] | has("patch")), (.paths["/api/v1/topics"] | has("get"))] | map(tostring) | join(" ")')"

expect_eq "openapi operationIds are unique" 0 \
    "$(echo "$HTTP_BODY" | jq '[.paths[][] | .operationId] | (length - (unique | length))')"
expect_eq "openapi lists the auth routes with their security" "true true" \
    "$(echo "$HTTP_BODY" | jq -r '[(.paths["/api/v1/auth/login"].post | has("security") | not), (.paths["/api/v1/users"].post["x-roles"] == ["admin"])] | map(tostring) | join(" ")')"

# Logs are JSON lines (one object per line, with ts, level, svc, msg), and
# a request's id follows it across processes: a request content-svc drops
# at its deadline is logged by both (test_faults.sh, run before this file,
# leaves "hung-1"; run alone, this file makes its own).
gw_hung_logged() { [ -n "$(jq -c 'select(.request_id == "hung-1")' "$STACK_DIR/logs/content-svc.log" 2>/dev/null)" ]; }
for _ in 1 2 3; do
    gw_hung_logged && break
    wait_until 20 stack_ready || true
    kill -STOP "$(cat "$STACK_DIR/pids/content-svc")"
    http GET /api/v1/topics -H 'X-Request-Id: hung-1' -H 'Cache-Control: no-cache'
    kill -CONT "$(cat "$STACK_DIR/pids/content-svc")"
    wait_until 5 gw_hung_logged || true
done
wait_until 20 stack_ready || true
for f in "$STACK_DIR"/logs/*.log; do
    name=$(basename "$f" .log)
    bad=$(jq -c 'select(type != "object" or (has("ts") and has("level") and has("svc") and has("msg") | not))' "$f" 2>&1)
    rc=$?
    if [ $rc = 0 ] && [ -z "$bad" ]; then pass "every $name log line is a JSON object"; else fail "every $name log line is a JSON object" "$(echo "$bad" | head -2)"; fi
done
for name in gateway content-svc; do
    n=$(jq -c 'select(.request_id == "hung-1")' "$STACK_DIR/logs/$name.log" 2>/dev/null | wc -l)
    if [ "$n" -ge 1 ]; then pass "$name logs carry the request id"; else fail "$name logs carry the request id" "no line with hung-1"; fi
done

# The access log: a line of fields at info for every request (1 in
# LOA_ACCESS_LOG_SAMPLE; 0: none but the 5xx), the route's pattern and never
# the URL (nor its query), the body's bytes, the caller's kind and never who.
gw_access() { jq -c --arg id "$1" 'select(.request_id == $id and has("route"))' "$STACK_DIR/logs/gateway.log" 2>/dev/null; }
http GET '/api/v1/articles/khong-co-bai-nay?api_key=loa_secret_in_a_query' -H 'X-Request-Id: access-1'
gw_a1_bytes=$(stat -c %s "$T_TMP/body")
wait_until 5 test -n "$(gw_access access-1)" || true
expect_eq "access log: method, route pattern, status, bytes and caller as fields; no URL, no query" \
    "GET /api/v1/articles/{ref} 404 $gw_a1_bytes anonymous true info false" \
    "$(gw_access access-1 | jq -r '"\(.method) \(.route) \(.status) \(.bytes) \(.caller) \(.duration_ms >= 0) \(.level)"') $(grep -c 'loa_secret_in_a_query' "$STACK_DIR/logs/gateway.log" | sed 's/^0$/false/; s/^[1-9][0-9]*$/true/')"
http GET /api/v1/auth/me -H "Authorization: Bearer $GW_ADMIN" -H 'X-Request-Id: access-2'
wait_until 5 test -n "$(gw_access access-2)" || true
expect_eq "access log: a staff caller is \"staff\", the token nowhere in the log" "staff 200 0" \
    "$(gw_access access-2 | jq -r '"\(.caller) \(.status)"') $(grep -c -- "$GW_ADMIN" "$STACK_DIR/logs/gateway.log")"
stack_stop gateway
LOA_ACCESS_LOG_SAMPLE=0 stack_start gateway
stack_wait_ready 300 || true
http GET /api/v1/topics -H 'X-Request-Id: access-3'
http GET /healthz -H 'X-Request-Id: access-4'
sleep 0.3
expect_eq "access log: LOA_ACCESS_LOG_SAMPLE=0 logs no request" "200 " "$HTTP_STATUS $(gw_access access-3)$(gw_access access-4)"
stack_stop gateway
stack_start gateway
stack_wait_ready 300 || true
