# The intake throttle (issue 5, gateway/core/throttle.c): citizens' POSTs are
# counted per route and client address (LOA_TRUST_PROXY=1: each test is its
# own client through X-Forwarded-For). With the defaults (20 per 600 s) the
# 21st feedback from one address is 429 problem+json with Retry-After and
# stores nothing, while another address, another route, and requests that
# never reach the handler (401) are not affected; the Open311 POST answers
# its 429 in the spec's error format. A second gateway on the
# same stack with a small window shows the window sliding, IPv6 counted by
# /64, and LOA_INTAKE_LIMIT=0 turning it off.
# Sourced by tests/run.sh (one shell): every name here starts with th_ / TH_.
# shellcheck shell=bash
# shellcheck disable=SC2016 # jq programs use $variables in single quotes

TH_RUN=thr$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
TH_ADMIN=$(admin_token)
[ -n "$TH_ADMIN" ] || fail "throttle: the admin logs in" "no token: the checks below will fail"

th_jq() { printf '%s' "$HTTP_BODY" | jq "$@"; }
# th_body N: a valid submission whose title carries this run's word.
th_body() {
    jq -nc --arg t "Kiến nghị $TH_RUN số $1 về thủ tục đăng ký kinh doanh" '{
        kind: "recommendation", title: $t,
        content: "Đề nghị rút ngắn thời hạn giải quyết hồ sơ đăng ký doanh nghiệp.",
        submitter: {name: "Trần Văn Bình", address: "Số 5 Trần Phú, Hải Châu, Đà Nẵng",
                    phone: "0905 111 222", email: "binh.tran@example.vn"}}'
}
# th_post ADDR N [curl args...]: POST /api/v1/feedback from ADDR (to $GW,
# or to TH_URL when set).
th_post() {
    local addr=$1 n=$2
    shift 2
    http POST /api/v1/feedback -H 'Content-Type: application/json' -H "X-Forwarded-For: $addr" \
        --data-binary "$(th_body "$n")" "$@"
}
# th_status_of ADDR N [curl args]: only the status of th_post.
th_status_of() { th_post "$@" >/dev/null; printf '%s' "$HTTP_STATUS"; }

# An inspector counts what was stored (the staff list, q = this run's word).
th_pw="Thanh-tra-$TH_RUN"
http POST /api/v1/users -H "Authorization: Bearer $TH_ADMIN" -H 'Content-Type: application/json' \
    --data-binary "$(jq -nc --arg u "tt_$TH_RUN" --arg p "$th_pw" \
        '{username: $u, password: $p, full_name: "Thanh tra viên thử giới hạn", roles: ["inspector"]}')"
expect_eq "throttle: the admin creates an inspector" 201 "$HTTP_STATUS"
TH_INSPECTOR=$(curl -s --max-time 20 -H 'Content-Type: application/json' -H 'X-Forwarded-For: 198.51.100.241' \
    --data-binary "$(jq -nc --arg u "tt_$TH_RUN" --arg p "$th_pw" '{username: $u, password: $p}')" \
    "$GW/api/v1/auth/login" | jq -r '.token // empty')
[ -n "$TH_INSPECTOR" ] || fail "throttle: the inspector logs in" "no token"
th_stored() {
    http GET /api/v1/feedback -G --data-urlencode "q=$TH_RUN" --data-urlencode per_page=1 \
        -H "Authorization: Bearer $TH_INSPECTOR"
    th_jq -r '.total // "none"'
}

# ------------------------------------------------------------ the default limit: 20 per 600 s

TH_A=100.64.0.1
th_codes=""
for i in $(seq 1 20); do th_codes="$th_codes $(th_status_of "$TH_A" "$i")"; done
expect_eq "throttle: 20 submissions from one address are all 201" \
    "$(printf ' 201%.0s' $(seq 20))" "$th_codes"
th_post "$TH_A" 21
expect_eq "throttle: the 21st from the same address is 429 problem+json" \
    "429 application/problem+json; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
th_retry=$(header Retry-After)
expect_match "throttle: Retry-After is whole seconds" '^[0-9]+$' "$th_retry"
if [ "${th_retry:-0}" -ge 1 ] 2>/dev/null && [ "$th_retry" -le 600 ]; then
    pass "throttle: Retry-After ($th_retry) is within 1..600 (the window)"
else
    fail "throttle: Retry-After is within 1..600 (the window)" "[$th_retry]"
fi
expect_eq "throttle: the problem is too-many-requests, status 429, with a request id" \
    "/problems/too-many-requests 429 true" \
    "$(th_jq -r '"\(.type) \(.status) \(.request_id | length > 0)"')"
expect_eq "throttle: the detail says in Vietnamese how long to wait (the same seconds)" \
    "Bạn đã gửi quá nhiều yêu cầu; vui lòng thử lại sau $th_retry giây" "$(th_jq -r .detail)"
th_post "$TH_A" 22
expect_eq "throttle: retrying at once is refused again, without a longer wait" \
    "429 true" "$HTTP_STATUS $([ "$(header Retry-After)" -le "$th_retry" ] 2>/dev/null && echo true)"
expect_eq "throttle: the refused submissions stored nothing (the inspector lists 20)" 20 "$(th_stored)"

th_post 100.64.0.2 23
expect_eq "throttle: another address is not affected (201)" 201 "$HTTP_STATUS"
th_code=$(th_jq -r '.tracking_code // empty')
expect_eq "throttle: it stored one more (21 listed)" 21 "$(th_stored)"

# The limit is per route: the exhausted address may still use the others.
http POST /api/v1/ratings -H 'Content-Type: application/json' -H "X-Forwarded-For: $TH_A" \
    --data-binary '{"desk": "Bộ phận một cửa", "score": 5, "comment": "Cán bộ hướng dẫn tận tình"}'
expect_eq "throttle: per route: the same address rates a one-stop desk (201)" 201 "$HTTP_STATUS"
http POST "/api/v1/feedback/track/$th_code/rating" -H 'Content-Type: application/json' \
    -H "X-Forwarded-For: $TH_A" --data-binary '{"phone": "0905 111 222", "score": 4, "comment": "Tốt"}'
expect_match "throttle: per route: its rating route answers on its own merits, not 429" '^4(0[0-9]|1[0-9]|2[0-8])$' \
    "$HTTP_STATUS"

# Open311 POST (an application's api_key in the form): its own route, and
# its 429 in the spec's error format (XML or JSON) with Retry-After.
http POST /api/v1/api-keys -H "Authorization: Bearer $TH_ADMIN" -H 'Content-Type: application/json' \
    --data-binary "$(jq -nc --arg n "Ứng dụng 311 thử giới hạn $TH_RUN" '{name: $n, kind: "open311_client"}')"
TH_KEY=$(th_jq -r '.api_key // empty')
th_o311() { # th_o311 FORMAT ADDR N
    http POST "/open311/v2/requests.$1" -H "X-Forwarded-For: $2" --data-urlencode "api_key=$TH_KEY" \
        --data-urlencode service_code=recommendation --data-urlencode "first_name=Văn Bình" \
        --data-urlencode "last_name=Trần" --data-urlencode "phone=0905 111 222" \
        --data-urlencode "email=binh.tran@example.vn" \
        --data-urlencode "address_string=Số 5 Trần Phú, Hải Châu, Đà Nẵng" \
        --data-urlencode "description=Kiến nghị $TH_RUN qua Open311 số $3"
}
# An application files for many citizens from one server address: it is
# counted by its API key (LOA_OPEN311_LIMIT), not by address.
th_codes=""
for i in 1 2 3; do th_codes="$th_codes $(th_o311 json "$TH_A" "$i" >/dev/null; printf '%s' "$HTTP_STATUS")"; done
expect_eq "throttle: Open311 is counted per application: the address exhausted on /api/v1/feedback still files (201)" \
    " 201 201 201" "$th_codes"
http GET /api/v1/openapi.json
expect_eq "throttle: OpenAPI documents the Open311 POST's 429 with Retry-After" "true" \
    "$(th_jq '.paths["/open311/v2/requests.{format}"].post.responses["429"].headers | has("Retry-After")')"

# Requests that never reach the handler do not count: 25 with a bad token.
th_codes=""
for i in $(seq 1 25); do
    th_codes="$th_codes $(th_status_of 100.64.0.3 "$i" -H 'Authorization: Bearer nonsense')"
done
expect_eq "throttle: 25 submissions with a bad token are 401, never 429" \
    "$(printf ' 401%.0s' $(seq 25))" "$th_codes"
th_post 100.64.0.3 26
expect_eq "throttle: they did not count: the next from that address is 201" 201 "$HTTP_STATUS"

# Documented for clients and visible to operators.
http GET /api/v1/openapi.json
expect_eq "throttle: OpenAPI documents 429 with Retry-After on POST /api/v1/feedback" "true" \
    "$(th_jq '.paths["/api/v1/feedback"].post.responses["429"].headers | has("Retry-After")')"
http GET /metrics
expect_match "throttle: /metrics counts the refusals" '^loa_throttle_refused_total [1-9][0-9]*$' \
    "$(grep '^loa_throttle_refused_total ' "$T_TMP/body")"

# ------------------------------------------------------------ a second gateway: a 3 s window, then off

th_gateway_start() { # th_gateway_start LIMIT WINDOW: sets TH_URL, TH_PID, TH_LOG
    TH_LOG=$T_TMP/throttle-gateway-$1.log
    th_up() { curl -sf "$TH_URL/readyz" >/dev/null || ! kill -0 "$TH_PID" 2>/dev/null; }
    for _ in 1 2 3; do
        # A free port may be taken before the gateway binds it (other stacks
        # start on this machine too): then it exits, and we try another.
        TH_PORT=$(($(stack_free_base) + 9))
        LOA_HTTP_PORT=$TH_PORT LOA_INTAKE_LIMIT=$1 LOA_INTAKE_WINDOW_S=$2 LOA_OPEN311_LIMIT=3 LOA_LOOKUP_LIMIT=3 "$BUILD/gateway" >>"$TH_LOG" 2>&1 &
        TH_PID=$!
        TH_URL="http://127.0.0.1:$TH_PORT"
        wait_until 30 th_up
        kill -0 "$TH_PID" 2>/dev/null && break
        wait "$TH_PID" 2>/dev/null
    done
    if curl -sf "$TH_URL/readyz" >/dev/null; then pass "throttle: a second gateway (limit $1, window $2 s) starts"; else
        fail "throttle: a second gateway (limit $1, window $2 s) starts" "$(tail -3 "$TH_LOG")"
    fi
}
th_gateway_stop() {
    kill "$TH_PID" 2>/dev/null
    wait "$TH_PID" 2>/dev/null
    if grep -q "Sanitizer\|runtime error:" "$TH_LOG"; then
        fail "throttle: no sanitizer report in the second gateway" "$(grep -m3 'Sanitizer\|runtime error' "$TH_LOG")"
    fi
}

th_gateway_start 2 3
th_main_gw=$GW
GW=$TH_URL
th_codes="$(th_status_of 100.64.1.1 31) $(th_status_of 100.64.1.1 32)"
th_post 100.64.1.1 33
th_retry=$(header Retry-After)
expect_eq "throttle: LOA_INTAKE_LIMIT=2, LOA_INTAKE_WINDOW_S=3: two pass, the third is 429" \
    "201 201 429" "$th_codes $HTTP_STATUS"
expect_match "throttle: its Retry-After is within the 3 s window" '^[1-3]$' "$th_retry"
sleep "${th_retry:-3}"
th_post 100.64.1.1 34
expect_eq "throttle: after Retry-After seconds the window has slid: 201" 201 "$HTTP_STATUS"
th_codes="$(th_status_of 2001:db8:51:7::1 35) $(th_status_of 2001:db8:51:7::1 36)"
th_codes="$th_codes $(th_status_of 2001:db8:51:7:aaaa::2 37) $(th_status_of 2001:db8:51:8::1 38)"
expect_eq "throttle: IPv6 counts by /64: another address of the same /64 is refused, the next /64 is not" \
    "201 201 429 201" "$th_codes"
# Open311 (LOA_OPEN311_LIMIT=3): one application from four addresses.
th_codes=""
for i in 1 2 3; do th_codes="$th_codes $(th_o311 json "100.64.3.$i" "$((60 + i))" >/dev/null; printf '%s' "$HTTP_STATUS")"; done
th_o311 json 100.64.3.4 64
expect_eq "throttle: Open311 counts by application whatever the address: three pass, the 4th is 429 in the spec's JSON list, code 429" \
    " 201 201 201 429 application/json; charset=utf-8 429" \
    "$th_codes $HTTP_STATUS $(header Content-Type) $(th_jq -r '.[0].code')"
expect_match "throttle: the Open311 429 says how long to wait and carries Retry-After" \
    "^Bạn đã gửi quá nhiều yêu cầu; vui lòng thử lại sau $(header Retry-After) giây [1-3]$" \
    "$(th_jq -r '.[0].description') $(header Retry-After)"
th_o311 xml 100.64.3.5 65
expect_eq "throttle: in XML too: <errors><error><code>429</code>, with Retry-After" "429 text/xml; charset=utf-8 true true" \
    "$HTTP_STATUS $(header Content-Type) $(printf '%s' "$HTTP_BODY" | grep -q '<code>429</code>' && echo true) $([ -n "$(header Retry-After)" ] && echo true)"
# Lookups by tracking code (LOA_LOOKUP_LIMIT=3 here): a citizen checks a
# request now and then; nobody walks through the codes (issue 16).
th_look() { # th_look ADDR PATH: the status
    http GET "$2" -H "X-Forwarded-For: $1"
    printf '%s' "$HTTP_STATUS"
}
th_codes=""
for _ in 1 2 3 4; do th_codes="$th_codes $(th_look 100.64.4.1 /api/v1/feedback/track/PAKN.20000101.ZZZZZZ)"; done
expect_eq "throttle: lookups by tracking code: three answered (404: no such code), the 4th is 429" \
    " 404 404 404 429" "$th_codes"
expect_match "throttle: ... with Retry-After within the window" '^[1-3]$' "$(header Retry-After)"
expect_eq "throttle: another address still looks up" 404 "$(th_look 100.64.4.9 /api/v1/feedback/track/PAKN.20000101.ZZZZZZ)"
th_codes=""
for _ in 1 2 3 4; do th_codes="$th_codes $(th_look 100.64.4.2 /open311/v2/requests/PAKN.20000101.ZZZZZZ.json)"; done
http GET /open311/v2/requests/PAKN.20000101.ZZZZZZ.json -H "X-Forwarded-For: 100.64.4.2"
expect_eq "throttle: Open311 requests/{code}: three, then 429 in the spec's JSON list" \
    " 404 404 404 429 429 429" "$th_codes $HTTP_STATUS $(th_jq -r '.[0].code')"
th_codes=""
for _ in 1 2 3 4; do th_codes="$th_codes $(th_look 100.64.4.3 '/open311/v2/requests.json?service_request_id=PAKN.20000101.ZZZZZZ')"; done
expect_eq "throttle: Open311 requests?service_request_id=: three, then 429" " 200 200 200 429" "$th_codes"
th_codes=""
for _ in 1 2 3 4; do th_codes="$th_codes $(th_look 100.64.4.3 /open311/v2/requests.json)"; done
expect_eq "throttle: the public list without codes is not a lookup (not counted)" " 200 200 200 200" "$th_codes"
th_key_b=$TH_KEY
http POST /api/v1/api-keys -H "Authorization: Bearer $TH_ADMIN" -H 'Content-Type: application/json' \
    --data-binary "$(jq -nc --arg n "Ứng dụng 311 thứ hai $TH_RUN" '{name: $n, kind: "open311_client"}')"
TH_KEY=$(th_jq -r '.api_key // empty')
th_o311 json 100.64.3.4 66
expect_eq "throttle: another application from the same address files (201)" 201 "$HTTP_STATUS"
TH_KEY=$th_key_b
GW=$th_main_gw
th_gateway_stop

th_gateway_start 0 3
GW=$TH_URL
th_codes=""
for i in $(seq 1 22); do th_codes="$th_codes $(th_status_of 100.64.2.1 "$((40 + i))")"; done
expect_eq "throttle: LOA_INTAKE_LIMIT=0 turns it off: 22 from one address are all 201" \
    "$(printf ' 201%.0s' $(seq 22))" "$th_codes"
http GET /metrics
expect_eq "throttle: off, /metrics has no throttle counters" 0 "$(grep -c '^loa_throttle_' "$T_TMP/body")"
GW=$th_main_gw
th_gateway_stop
