# Feedback (docs/api/feedback.md): intake without an account, tracking codes,
# the workflow received -> assigned -> answered -> published -> closed (and
# forwarded, rejected, returned), the handler's own unit, public tracking
# without personal data, ratings, one-stop desk ratings, stats with the
# one-stop score, events in the outbox, and nothing half written.
# Sourced by tests/run.sh (lib.sh helpers, $GW, $T_TMP, $PG_BIN, $LOA_PG_PORT).
# shellcheck shell=bash

FB_DIR=$T_TMP/feedback
mkdir -p "$FB_DIR"
FB_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
FB_XFF=0 # citizens post from 10.77.x.y, one address each (never throttled)
declare -gA FB_TOK=() FB_UID=()
FB_TS_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(\+07:00|Z)$'
FB_CODE_RE='^PAKN\.[0-9]{8}\.[0-9ABCDEFGHJKMNPQRSTVWXYZ]{6}$'

fb_jq() { body_jq "$@"; }
fb_psql() { db_sql "$1"; }

# fb_call WHO METHOD PATH JSON|- [curl args]: WHO is anon or a key of FB_TOK.
fb_call() { e2e_call FB_TOK "$@"; }

# fb_citizen JSON [curl args]: a citizen's POST /api/v1/feedback from a
# fresh address.
fb_citizen() {
    local json=$1
    shift
    FB_XFF=$((FB_XFF + 1))
    fb_call anon POST /api/v1/feedback "$json" \
        -H "X-Forwarded-For: 10.77.$((FB_XFF / 250)).$((FB_XFF % 250 + 1))" "$@"
}

# A valid submission; $1 = title suffix, $2 = phone, $3 = e-mail.
fb_body() {
    jq -nc --arg t "Thủ tục đăng ký doanh nghiệp quá phức tạp $1" \
        --arg p "${2:-0912 345 678}" --arg e "${3:-nguyen.van.an@example.vn}" '{
        kind: "recommendation", title: $t,
        content: "Đề nghị Sở đơn giản hoá hồ sơ đăng ký thành lập doanh nghiệp, bỏ yêu cầu nộp bản sao công chứng giấy tờ đã có trong Cơ sở dữ liệu quốc gia về dân cư.",
        submitter: {name: "Nguyễn Văn An", address: "12 Lê Lợi, phường Bến Nghé", phone: $p, email: $e},
        procedure_code: "1.001612", regulation_ref: "Nghị định 01/2021/NĐ-CP"}'
}

# fb_new [suffix]: files one item; sets FB_ID and FB_CODE.
fb_new() {
    fb_citizen "$(fb_body "${1:-}")"
    FB_ID=$(fb_jq '.id // empty')
    FB_CODE=$(fb_jq '.tracking_code // empty')
    [ "$HTTP_STATUS" = 201 ] && [ -n "$FB_ID" ]
}

fb_user() {
    e2e_user FB_TOK "$1" "$2" "$3" "e2e.fb-${1,,}-$FB_RUN" "Cán bộ $1" ||
        fail "setup: $1 logs in" "status $HTTP_STATUS"
    FB_UID[$1]=$E2E_UID
}

# shellcheck disable=SC2034 # read by name (fb_call -> e2e_call)
FB_TOK[admin]=$(admin_token)
http GET '/api/v1/units?per_page=100'
FB_UNIT_A=$(fb_jq '[.items[] | select(.code == "DKKD")][0].id')
FB_UNIT_B=$(fb_jq '[.items[] | select(.code == "THQH")][0].id')
FB_UNIT_A_NAME=$(fb_jq '[.items[] | select(.code == "DKKD")][0].name')
fb_user insp '["inspector"]' null
fb_user lead '["leader"]' null
fb_user handA '["handler"]' "$FB_UNIT_A"
fb_user handB '["handler"]' "$FB_UNIT_B"
fb_user edit '["editor"]' "$FB_UNIT_A"
fb_user nounit '["handler"]' null

# ------------------------------------------------------------ intake
fb_citizen "$(fb_body intake)"
expect_eq "intake: a citizen files feedback without an account (201)" 201 "$HTTP_STATUS"
FB_ID=$(fb_jq .id)
FB_CODE=$(fb_jq .tracking_code)
FB_MAIN=$FB_ID
expect_match "intake: the tracking code is PAKN.YYYYMMDD.XXXXXX (Crockford base32)" "$FB_CODE_RE" "$FB_CODE"
expect_eq "intake: the code carries today's date (Asia/Ho_Chi_Minh)" "$(TZ=Asia/Ho_Chi_Minh date +%Y%m%d)" \
    "$(printf '%s' "$FB_CODE" | cut -d. -f2)"
expect_eq "intake: the answer has id, tracking_code, status, received_at, due_at" \
    '["due_at","id","received_at","status","tracking_code"]' "$(fb_jq -c 'keys')"
expect_eq "intake: status received" received "$(fb_jq .status)"
expect_match "intake: received_at is RFC 3339 with an offset" "$FB_TS_RE" "$(fb_jq .received_at)"
expect_match "intake: due_at is the end of a day, +07:00" 'T23:59:59\+07:00$' "$(fb_jq .due_at)"
expect_eq "intake: Location is the tracking URL" "/api/v1/feedback/track/$FB_CODE" "$(header Location)"
expect_eq "intake: the item, its first history entry and its event are stored together" "1|1|1" \
    "$(fb_psql "SELECT (SELECT count(*) FROM feedback.feedback WHERE id = $FB_ID),
        (SELECT count(*) FROM feedback.feedback_history WHERE feedback_id = $FB_ID),
        (SELECT count(*) FROM (SELECT payload FROM feedback.outbox WHERE topic = 'feedback.received'
            UNION ALL SELECT payload FROM feedback.event_log WHERE topic = 'feedback.received') e
         WHERE position(convert_to('$FB_CODE', 'UTF8') in e.payload) > 0)")"

fb_citizen '{"kind": "report", "title": "Thiếu thông tin", "content": "Nội dung"}'
expect_eq "intake: no submitter -> 422" 422 "$HTTP_STATUS"
expect_eq "intake: each missing personal field is named (no anonymous intake)" \
    "submitter.address submitter.email submitter.name submitter.phone" \
    "$(fb_jq '[.errors[].field] | sort | join(" ")')"
expect_match "intake: the messages are Vietnamese" "Họ và tên người gửi là bắt buộc" \
    "$(fb_jq '.errors[] | select(.field == "submitter.name") | .message')"
expect_match "intake: problem+json" "^application/problem\+json" "$(header Content-Type)"

fb_citizen "$(fb_body x | jq -c '.submitter.phone = "abc" | .submitter.email = "khong-phai-email" | .kind = "complaint"')"
expect_eq "intake: a bad phone, e-mail and kind -> 422 naming each" "kind submitter.email submitter.phone" \
    "$(fb_jq '[.errors[].field] | sort | join(" ")')"

fb_citizen "$(fb_body x | jq -c --arg t "$(printf 'Ế%.0s' $(seq 301))" '.title = $t')"
expect_eq "intake: a title of 301 characters -> 422 naming title" "422 title" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_citizen "$(fb_body x | jq -c --arg t "$(printf 'Ế%.0s' $(seq 300))" '.title = $t')"
expect_eq "intake: a title of exactly 300 Vietnamese characters is accepted" 201 "$HTTP_STATUS"
fb_citizen "$(fb_body x | jq -c --arg c "$(head -c 20001 /dev/zero | tr '\0' 'a')" '.content = $c')"
expect_eq "intake: content of 20,001 characters -> 422 naming content" "422 content" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_citizen "$(fb_body x | jq -c '.title = "   "')"
expect_eq "intake: a blank title -> 422" "422 title" "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"

printf '{"kind":"report","title":"T\xff\xfe","content":"x","submitter":{"name":"A","address":"B","phone":"0912345678","email":"a@b.vn"}}' >"$FB_DIR/bad.json"
FB_XFF=$((FB_XFF + 1))
http POST /api/v1/feedback -H 'Content-Type: application/json' --data-binary "@$FB_DIR/bad.json" \
    -H "X-Forwarded-For: 10.78.0.$FB_XFF"
expect_eq "intake: invalid UTF-8 -> 400 naming the body" "400 body" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_citizen "$(fb_body x | jq -c '.channel = "open311"')"
expect_eq "intake: the channel is not the citizen's to choose" "422 channel" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_citizen "$(fb_body x | jq -c '.secret = 1')"
expect_eq "intake: an unknown field -> 400 naming it" "400 secret" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"

# Idempotency: a double click files once.
FB_KEY="fb-$FB_RUN-double-click"
http POST /api/v1/feedback -H 'Content-Type: application/json' -H "Idempotency-Key: $FB_KEY" \
    -H 'X-Forwarded-For: 10.79.0.1' --data-binary "$(fb_body double)"
FB_FIRST="$HTTP_STATUS $(fb_jq .tracking_code)"
http POST /api/v1/feedback -H 'Content-Type: application/json' -H "Idempotency-Key: $FB_KEY" \
    -H 'X-Forwarded-For: 10.79.0.1' --data-binary "$(fb_body double)"
expect_eq "idempotency: the retry gets the first answer" "$FB_FIRST" "$HTTP_STATUS $(fb_jq .tracking_code)"
expect_eq "idempotency: one item filed" 1 \
    "$(fb_psql "SELECT count(*) FROM feedback.feedback WHERE title LIKE '%double'")"

# ------------------------------------------------------------ tracking
http GET "/api/v1/feedback/track/$FB_CODE"
expect_eq "track: anyone follows the code" "200 received" "$HTTP_STATUS $(fb_jq .status)"
expect_eq "track: no personal data" "" \
    "$(printf '%s' "$HTTP_BODY" | grep -o -e 'Nguyễn Văn An' -e '0912' -e 'example.vn' -e 'Lê Lợi' -e submitter | head -1)"
expect_eq "track: no content, no answer before publication" "null null" "$(fb_jq '[.content, .answer] | join(" ") | if . == " " then "null null" else . end')"
expect_eq "track: the steps so far" '["received"]' "$(fb_jq -c '[.steps[].status]')"
http GET "/api/v1/feedback/track/$(printf '%s' "$FB_CODE" | tr '[:upper:]' '[:lower:]')"
expect_eq "track: the code is not case-sensitive" "200 $FB_CODE" "$HTTP_STATUS $(fb_jq .tracking_code)"
http GET "/api/v1/feedback/track/PAKN.20220101.ZZZZZZ"
expect_eq "track: an unknown code -> 404" 404 "$HTTP_STATUS"
http GET "/api/v1/feedback/track/x%27%20OR%201=1"
expect_eq "track: garbage -> 404" 404 "$HTTP_STATUS"

# ------------------------------------------------------------ who sees what
fb_call anon GET /api/v1/feedback -
expect_eq "list: anonymous -> 401" 401 "$HTTP_STATUS"
fb_call edit GET /api/v1/feedback -
expect_eq "list: an editor -> 403" 403 "$HTTP_STATUS"
fb_call nounit GET /api/v1/feedback -
expect_eq "list: a handler without a unit -> 403" 403 "$HTTP_STATUS"
fb_call insp GET "/api/v1/feedback?per_page=100" -
expect_eq "list: the inspector sees the new item with its submitter" "Nguyễn Văn An" \
    "$(fb_jq --argjson id "$FB_ID" '.items[] | select(.id == $id) | .submitter.name')"
fb_call handA GET "/api/v1/feedback?per_page=100" -
expect_eq "list: a handler sees nothing not yet assigned to their unit" "" \
    "$(fb_jq --argjson id "$FB_ID" '.items[] | select(.id == $id) | .id')"
fb_call handA GET "/api/v1/feedback/$FB_ID" -
expect_eq "get: a handler cannot open another unit's item" 403 "$HTTP_STATUS"
fb_call insp GET /api/v1/feedback/999999999 -
expect_eq "get: an unknown id -> 404" 404 "$HTTP_STATUS"
fb_call insp GET /api/v1/feedback/abc -
expect_eq "get: a non-numeric id -> 400" 400 "$HTTP_STATUS"

# ------------------------------------------------------------ workflow
fb_call handA POST "/api/v1/feedback/$FB_ID/accept" "{\"unit_id\": $FB_UNIT_A}"
expect_eq "accept: a handler may not triage -> 403" 403 "$HTTP_STATUS"
fb_call insp POST "/api/v1/feedback/$FB_ID/accept" '{}'
expect_eq "accept: unit_id is required -> 422 naming it" "422 unit_id" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_call insp POST "/api/v1/feedback/$FB_ID/accept" '{"unit_id": 987654}'
expect_eq "accept: an unknown unit -> 422 naming unit_id" "422 unit_id" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_call insp POST "/api/v1/feedback/$FB_ID/answer" '{"answer": "x", "publish": true}'
expect_eq "answer: not before it is assigned -> 409" 409 "$HTTP_STATUS"
fb_call insp POST "/api/v1/feedback/$FB_ID/accept" "{\"unit_id\": $FB_UNIT_A}"
expect_eq "accept: the inspector assigns it to a unit" "200 assigned $FB_UNIT_A" \
    "$HTTP_STATUS $(fb_jq .status) $(fb_jq .unit_id)"
expect_eq "accept: the unit's name comes along" "$FB_UNIT_A_NAME" "$(fb_jq .unit_name)"
expect_match "accept: due_at is set" 'T23:59:59\+07:00$' "$(fb_jq .due_at)"
expect_eq "accept: the history has both steps (who, from, to)" \
    "received:received accepted:received>assigned:${FB_UID[insp]}" \
    "$(fb_jq '[.history[] | if .action == "received" then "received:received" else "\(.action):\(.from_status)>\(.to_status):\(.actor_id)" end] | join(" ")')"
fb_call insp POST "/api/v1/feedback/$FB_ID/accept" "{\"unit_id\": $FB_UNIT_A}"
expect_eq "accept: twice -> 409" 409 "$HTTP_STATUS"

fb_call handA GET "/api/v1/feedback?per_page=100" -
expect_eq "list: now the unit's handler sees it" "$FB_ID" \
    "$(fb_jq --argjson id "$FB_ID" '.items[] | select(.id == $id) | .id')"
fb_call handA GET "/api/v1/feedback?unit_id=$FB_UNIT_B" -
expect_eq "list: a handler cannot list another unit" 403 "$HTTP_STATUS"
fb_call handB POST "/api/v1/feedback/$FB_ID/answer" '{"answer": "Trả lời sai đơn vị", "publish": true}'
expect_eq "answer: another unit's handler -> 403" 403 "$HTTP_STATUS"
fb_call handA POST "/api/v1/feedback/$FB_ID/answer" '{"answer": "Thiếu publish"}'
expect_eq "answer: publish must be chosen -> 422 naming it" "422 publish" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_call handA POST "/api/v1/feedback/$FB_ID/answer" '{"answer": "Bản trả lời thứ nhất.", "publish": true}'
expect_eq "answer: the unit's handler answers -> answered" "200 answered true" \
    "$HTTP_STATUS $(fb_jq .status) $(fb_jq .answered_on_time)"
http GET "/api/v1/feedback/track/$FB_CODE"
expect_eq "track: an answer awaiting approval is not public" "answered null" \
    "$(fb_jq .status) $(fb_jq '.answer // "null"')"
fb_call insp POST "/api/v1/feedback/$FB_ID/return" '{}'
expect_eq "return: a reason is required -> 422" "422 reason" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_call insp POST "/api/v1/feedback/$FB_ID/return" '{"reason": "Câu trả lời chưa đúng trọng tâm kiến nghị"}'
expect_eq "return: back to assigned, the answer withdrawn" "200 assigned null" \
    "$HTTP_STATUS $(fb_jq .status) $(fb_jq '.answer // "null"')"
expect_eq "return: the returned answer stays in the history" "Bản trả lời thứ nhất." \
    "$(fb_jq '[.history[] | select(.action == "answered")][0].answer')"
FB_ANSWER='Sở sẽ kiến nghị bỏ yêu cầu bản sao công chứng từ quý III; “đăng ký” trực tuyến đã áp dụng.'
fb_call handA POST "/api/v1/feedback/$FB_ID/answer" "$(jq -nc --arg a "$FB_ANSWER" '{answer: $a, publish: true}')"
expect_eq "answer: answered again" "200 answered" "$HTTP_STATUS $(fb_jq .status)"
fb_call handA POST "/api/v1/feedback/$FB_ID/approve" '{}'
expect_eq "approve: only the inspector -> 403" 403 "$HTTP_STATUS"
fb_call insp POST "/api/v1/feedback/$FB_ID/approve" -
expect_eq "approve: -> published (no body needed)" "200 published" "$HTTP_STATUS $(fb_jq .status)"
http GET "/api/v1/feedback/track/$FB_CODE"
expect_eq "track: the approved answer is public, byte-exact" "$FB_ANSWER" "$(fb_jq .answer)"
expect_match "track: published_at set" "$FB_TS_RE" "$(fb_jq .published_at)"
expect_eq "track: can be rated now" true "$(fb_jq .can_rate)"
expect_eq "track: the public steps" '["received","assigned","answered","assigned","answered","published"]' \
    "$(fb_jq -c '[.steps[].status]')"
expect_eq "track: still no personal data" "" \
    "$(printf '%s' "$HTTP_BODY" | grep -o -e 'Nguyễn Văn An' -e '0912' -e 'example.vn' | head -1)"

# ------------------------------------------------------------ ratings
FB_XFF=$((FB_XFF + 1))
fb_call anon POST "/api/v1/feedback/track/$FB_CODE/rating" '{"phone": "0999 999 999", "score": 5}' \
    -H "X-Forwarded-For: 10.80.0.$FB_XFF"
expect_eq "rating: a stranger's phone -> 403" 403 "$HTTP_STATUS"
fb_call anon POST "/api/v1/feedback/track/$FB_CODE/rating" '{"email": "NGUYEN.VAN.AN@example.vn", "score": 6}' \
    -H "X-Forwarded-For: 10.80.0.$FB_XFF"
expect_eq "rating: a score of 6 -> 422 naming score" "422 score" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_call anon POST "/api/v1/feedback/track/$FB_CODE/rating" '{"score": 4}' -H "X-Forwarded-For: 10.80.0.$FB_XFF"
expect_eq "rating: without proof -> 422" 422 "$HTTP_STATUS"
fb_call anon POST "/api/v1/feedback/track/$FB_CODE/rating" \
    '{"email": "NGUYEN.VAN.AN@example.vn", "score": 4, "comment": "Trả lời rõ ràng, cảm ơn Sở"}' \
    -H "X-Forwarded-For: 10.80.0.$FB_XFF"
expect_eq "rating: the submitter's e-mail (any case) -> 201" "201 4 false" \
    "$HTTP_STATUS $(fb_jq .rating) $(fb_jq .can_rate)"
fb_call anon POST "/api/v1/feedback/track/$FB_CODE/rating" '{"phone": "0912345678", "score": 1}' \
    -H "X-Forwarded-For: 10.80.0.$FB_XFF"
expect_eq "rating: only once -> 409" 409 "$HTTP_STATUS"
fb_call insp GET "/api/v1/feedback/$FB_ID" -
expect_eq "rating: staff see it" 4 "$(fb_jq .rating)"

fb_call insp POST "/api/v1/feedback/$FB_ID/close" '{"reason": "Đã hoàn thành"}'
expect_eq "close: published -> closed" "200 closed" "$HTTP_STATUS $(fb_jq .status)"
fb_call insp POST "/api/v1/feedback/$FB_ID/close" -
expect_eq "close: twice -> 409" 409 "$HTTP_STATUS"

fb_new rate-early
FB_EARLY=$FB_CODE
FB_XFF=$((FB_XFF + 1))
fb_call anon POST "/api/v1/feedback/track/$FB_EARLY/rating" '{"phone": "0912-345-678", "score": 5}' \
    -H "X-Forwarded-For: 10.80.1.$FB_XFF"
expect_eq "rating: not before publication -> 409" 409 "$HTTP_STATUS"

# ------------------------------------------------------------ forward, reject
fb_new forward
FB_FWD=$FB_ID
fb_call insp POST "/api/v1/feedback/$FB_FWD/forward" '{"reason": "Về hành vi của cán bộ"}'
expect_eq "forward: to_agency is required -> 422 naming it" "422 to_agency" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_call insp POST "/api/v1/feedback/$FB_FWD/forward" \
    '{"to_agency": "Thanh tra tỉnh", "reason": "Nội dung về hành vi của cán bộ, không thuộc thẩm quyền"}'
expect_eq "forward: -> forwarded, to whom kept" "200 forwarded Thanh tra tỉnh" \
    "$HTTP_STATUS $(fb_jq .status) $(fb_jq .forwarded_to)"
expect_match "forward: its own deadline (forward_due_at)" 'T23:59:59\+07:00$' "$(fb_jq .forward_due_at)"
fb_call insp POST "/api/v1/feedback/$FB_FWD/accept" "{\"unit_id\": $FB_UNIT_A}"
expect_eq "forward: then nothing else applies -> 409" 409 "$HTTP_STATUS"

fb_new reject
FB_REJ=$FB_ID
fb_call insp POST "/api/v1/feedback/$FB_REJ/reject" '{"reason_code": "whatever", "reason": "x"}'
expect_eq "reject: an unknown reason_code -> 422 naming it" "422 reason_code" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_call insp POST "/api/v1/feedback/$FB_REJ/reject" \
    '{"reason_code": "complaint", "reason": "Đây là khiếu nại, không phải phản ánh về quy định hành chính"}'
expect_eq "reject: -> rejected with its code" "200 rejected complaint" \
    "$HTTP_STATUS $(fb_jq .status) $(fb_jq .reject_reason_code)"

# ------------------------------------------------------------ filters
fb_call insp GET "/api/v1/feedback?status=rejected&per_page=100" -
expect_eq "filter: status" "rejected" "$(fb_jq '[.items[].status] | unique | join(" ")')"
fb_call insp GET "/api/v1/feedback?status=bogus" -
expect_eq "filter: an unknown status -> 422 naming it" "422 status" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_call insp GET "/api/v1/feedback?unit_id=$FB_UNIT_A&per_page=100" -
expect_eq "filter: unit" "$FB_UNIT_A" "$(fb_jq '[.items[].unit_id] | unique | join(" ")')"
fb_call insp GET "/api/v1/feedback?q=thu%20tuc%20dang%20ky%20forward&per_page=100" -
expect_eq "filter: q is diacritic-insensitive" "$FB_FWD" "$(fb_jq --argjson id "$FB_FWD" '.items[] | select(.id == $id) | .id')"
fb_call insp GET "/api/v1/feedback?q=$FB_EARLY" -
expect_eq "filter: q finds a tracking code" "1 $FB_EARLY" "$(fb_jq .total) $(fb_jq '.items[0].tracking_code')"
fb_call insp GET "/api/v1/feedback?from=2022-13-01" -
expect_eq "filter: a bad date -> 422 naming it" "422 from" "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_call insp GET "/api/v1/feedback?from=2000-01-01&to=2000-12-31" -
expect_eq "filter: a period with nothing" "0 0" "$(fb_jq .total) $(fb_jq '.items | length')"

# overdue and due_soon: an item past its due date, one due tomorrow.
fb_new overdue
FB_OD=$FB_ID
fb_psql "UPDATE feedback.feedback SET due_at = now() - interval '1 hour' WHERE id = $FB_OD" >/dev/null
fb_call insp GET "/api/v1/feedback/$FB_OD" -
expect_eq "overdue: true once due_at passed without an answer" "true false" "$(fb_jq .overdue) $(fb_jq .due_soon)"
fb_call insp GET "/api/v1/feedback?overdue=true&per_page=100" -
expect_eq "overdue: the filter finds it" "$FB_OD" "$(fb_jq --argjson id "$FB_OD" '.items[] | select(.id == $id) | .id')"
expect_eq "overdue: and only overdue items" true "$(fb_jq '[.items[].overdue] | all')"
fb_new soon
FB_SOON=$FB_ID
fb_psql "UPDATE feedback.feedback SET due_at = now() + interval '2 hours' WHERE id = $FB_SOON" >/dev/null
fb_call insp GET "/api/v1/feedback/$FB_SOON" -
expect_eq "due_soon: true within two working days of due_at" "false true" "$(fb_jq .overdue) $(fb_jq .due_soon)"
fb_call insp GET "/api/v1/feedback?due_soon=true&per_page=100" -
expect_eq "due_soon: the filter finds it" "$FB_SOON" "$(fb_jq --argjson id "$FB_SOON" '.items[] | select(.id == $id) | .id')"
fb_call insp GET "/api/v1/feedback/$FB_REJ" -
expect_eq "overdue: a rejected item is never overdue" false "$(fb_jq .overdue)"

# ------------------------------------------------------------ events
fb_events() { fb_psql "SELECT string_agg(DISTINCT topic, ' ' ORDER BY topic) FROM feedback.event_log WHERE topic LIKE 'feedback.%'"; }
fb_all_events() { [ "$(fb_events)" = "feedback.answered feedback.published feedback.received feedback.status_changed" ]; }
wait_until 10 fb_all_events
expect_eq "events: received, status_changed, answered, published reach the event log" \
    "feedback.answered feedback.published feedback.received feedback.status_changed" "$(fb_events)"
expect_eq "events: one status_changed per step of the first item (accept, answer, return, answer, approve, close)" 6 \
    "$(fb_psql "SELECT count(*) FROM feedback.event_log e, feedback.feedback f WHERE f.id = $FB_MAIN
        AND e.topic = 'feedback.status_changed' AND position(convert_to(f.tracking_code, 'UTF8') in e.payload) > 0")"
expect_eq "events: no personal data in any payload" 0 \
    "$(fb_psql "SELECT count(*) FROM feedback.event_log WHERE position(convert_to('Nguyễn Văn An', 'UTF8') in payload) > 0
        OR position(convert_to('example.vn', 'UTF8') in payload) > 0")"

# ------------------------------------------------------------ one-stop desk ratings
fb_call anon POST /api/v1/ratings '{"desk": "Quầy số 1 - Đăng ký kinh doanh", "score": 5, "comment": "Nhanh"}' \
    -H 'X-Forwarded-For: 10.81.0.1'
expect_eq "desk rating: anyone rates a one-stop desk (201)" "201 5" "$HTTP_STATUS $(fb_jq .score)"
fb_call anon POST /api/v1/ratings '{"desk": "Quầy số 1 - Đăng ký kinh doanh", "score": 2}' -H 'X-Forwarded-For: 10.81.0.2'
fb_call anon POST /api/v1/ratings '{"staff_code": "CB-017", "score": 4}' -H 'X-Forwarded-For: 10.81.0.3'
expect_eq "desk rating: or a staff code" 201 "$HTTP_STATUS"
fb_call anon POST /api/v1/ratings '{"score": 4}' -H 'X-Forwarded-For: 10.81.0.4'
expect_eq "desk rating: a desk or staff code is needed -> 422 naming desk" "422 desk" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
fb_call anon POST /api/v1/ratings '{"desk": "Quầy 2", "score": 0}' -H 'X-Forwarded-For: 10.81.0.5'
expect_eq "desk rating: score 0 -> 422 naming score" "422 score" "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"
http GET /api/v1/ratings/summary
expect_eq "summary: public" 200 "$HTTP_STATUS"
expect_eq "summary: the desk's count and mean" "2 3.5" \
    "$(fb_jq '.desks[] | select(.desk == "Quầy số 1 - Đăng ký kinh doanh") | "\(.count) \(.mean)"')"
expect_eq "summary: scores 1..5 counted" 5 "$(fb_jq '.by_score | length')"
expect_eq "summary: no comments (they may name people)" "" "$(printf '%s' "$HTTP_BODY" | grep -o Nhanh)"
expect_match "summary: the feedback ratings too" '^[1-9][0-9]*$' "$(fb_jq .feedback_ratings)"

# ------------------------------------------------------------ stats and the one-stop score
# Two fresh units: one where 10 of 10 are answered on time, one with 9 of 10.
fb_unit() {
    local code
    code="FB$1$(printf '%s' "$FB_RUN" | tr '[:lower:]' '[:upper:]' | head -c 6)"
    fb_call admin POST /api/v1/units "$(jq -nc --arg c "$code" --arg n "Đơn vị thống kê $1" '{code: $c, name: $n}')"
    fb_jq .id
}
FB_U10=$(fb_unit A)
FB_U9=$(fb_unit B)
FB_U0=$(fb_unit C)
fb_try_accept() { fb_call insp POST "/api/v1/feedback/$1/accept" "{\"unit_id\": $2}" && [ "$HTTP_STATUS" = 200 ]; }
fb_answered_item() { # unit late?
    fb_new "stats-$1-$2" || return 1
    wait_until 10 fb_try_accept "$FB_ID" "$1" || return 1
    [ "$2" = late ] && fb_psql "UPDATE feedback.feedback SET due_at = now() - interval '1 minute' WHERE id = $FB_ID" >/dev/null
    fb_call insp POST "/api/v1/feedback/$FB_ID/answer" '{"answer": "Đã tiếp thu.", "publish": false}'
    [ "$HTTP_STATUS" = 200 ]
}
FB_OK_COUNT=0
for i in $(seq 10); do fb_answered_item "$FB_U10" ontime && FB_OK_COUNT=$((FB_OK_COUNT + 1)); done
for i in $(seq 9); do fb_answered_item "$FB_U9" ontime && FB_OK_COUNT=$((FB_OK_COUNT + 1)); done
fb_answered_item "$FB_U9" late && FB_OK_COUNT=$((FB_OK_COUNT + 1))
expect_eq "stats: setup, 20 items answered" 20 "$FB_OK_COUNT"
FB_TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
fb_call lead GET "/api/v1/feedback/stats?from=$FB_TODAY&to=$FB_TODAY&unit_id=$FB_U10" -
expect_eq "stats: 10 of 10 on time -> score 2" "200 10 10 0 1 2" \
    "$HTTP_STATUS $(fb_jq '.total | "\(.received) \(.on_time) \(.late) \(.on_time_share) \(.score)"')"
fb_call insp GET "/api/v1/feedback/stats?from=$FB_TODAY&to=$FB_TODAY&unit_id=$FB_U9" -
expect_eq "stats: 9 of 10 on time -> score 1" "10 9 1 0.9 1" \
    "$(fb_jq '.total | "\(.received) \(.on_time) \(.late) \(.on_time_share) \(.score)"')"
expect_eq "stats: the unit's row, by status" "$FB_U9 10 0" \
    "$(fb_jq '.units[0] | "\(.unit_id) \(.status_answered) \(.status_received)"')"
fb_call insp GET "/api/v1/feedback/stats?from=$FB_TODAY&to=$FB_TODAY&unit_id=$FB_U0" -
expect_eq "stats: none received -> score 2" "0 2 0" \
    "$(fb_jq '"\(.total.received) \(.total.score) \(.units | length)"')"
fb_call insp GET "/api/v1/feedback/stats?from=$FB_TODAY&to=$FB_TODAY" -
expect_eq "stats: every unit and the total agree" true \
    "$(fb_jq '([.units[].received] | add) == .total.received')"
expect_eq "stats: mean working days to answer is 0 for same-day answers" 0 \
    "$(fb_jq --argjson u "$FB_U10" '.units[] | select(.unit_id == $u) | .mean_working_days')"
fb_call handA GET /api/v1/feedback/stats -
expect_eq "stats: handlers -> 403" 403 "$HTTP_STATUS"
fb_call insp GET "/api/v1/feedback/stats?from=2022-05-01&to=2022-04-01" -
expect_eq "stats: a period ending before it starts -> 422 naming to" "422 to" \
    "$HTTP_STATUS $(fb_jq '[.errors[].field] | join(" ")')"

# ------------------------------------------------------------ nothing half written
expect_eq "consistency: every item has its first history entry" 0 \
    "$(fb_psql "SELECT count(*) FROM feedback.feedback f WHERE NOT EXISTS
        (SELECT 1 FROM feedback.feedback_history h WHERE h.feedback_id = f.id AND h.action = 'received')")"
expect_eq "consistency: one feedback.received event per item" \
    "$(fb_psql "SELECT count(*) FROM feedback.feedback")" \
    "$(fb_psql "SELECT (SELECT count(*) FROM feedback.event_log WHERE topic = 'feedback.received') +
        (SELECT count(*) FROM feedback.outbox WHERE topic = 'feedback.received')")"

# ------------------------------------------------------------ a crash mid-request
# 8 citizens submit 200 items while feedback-svc is killed (SIGKILL) among
# them: every 201 names an item that exists whole; nothing else is left
# half written; after a restart intake works again.
FB_BURST=200
fb_burst_worker() { # w: requests w, w+8, ... one after another
    local i body
    body=$(fb_body "burst-$1")
    for ((i = $1; i <= FB_BURST; i += 8)); do
        curl -s -o "$FB_DIR/burst.$i" -w '%{http_code}' --max-time 10 -X POST "$GW/api/v1/feedback" \
            -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.90.$((i / 250)).$((i % 250 + 1))" \
            --data-binary "$body" >"$FB_DIR/burst.$i.status"
    done
}
fb_burst() {
    local w
    for w in $(seq 8); do fb_burst_worker "$w" & done
    wait
}
FB_BEFORE=$(fb_psql "SELECT count(*) FROM feedback.feedback")
rm -f "$FB_DIR"/burst.*
fb_burst &
FB_BURST_PID=$!
fb_some_created() { grep -qs 201 "$FB_DIR"/burst.*.status; }
wait_until 10 fb_some_created # kill it once answers have begun, with others in flight
stack_kill feedback-svc
wait "$FB_BURST_PID"
# While it is down: a citizen gets a problem+json 503/504 (never a hang),
# an Open311 client the spec's error list with that code.
fb_citizen "$(fb_body while-down)"
expect_match "down: intake answers 503 or 504" '^50[34]$' "$HTTP_STATUS"
expect_match "down: as problem+json naming the service" 'feedback-svc' "$(fb_jq .detail)"
http GET "/open311/v2/requests/$FB_CODE.json"
expect_match "down: Open311 answers 400 with the real code in its error list" '^400 50[34]$' \
    "$HTTP_STATUS $(fb_jq '.[0].code')"
stack_start feedback-svc
FB_CREATED=0 FB_MISSING=0
for i in $(seq "$FB_BURST"); do
    if [ "$(cat "$FB_DIR/burst.$i.status" 2>/dev/null)" = 201 ]; then
        FB_CREATED=$((FB_CREATED + 1))
        c=$(jq -r .tracking_code "$FB_DIR/burst.$i")
        [ "$(fb_psql "SELECT count(*) FROM feedback.feedback WHERE tracking_code = '$c'")" = 1 ] ||
            FB_MISSING=$((FB_MISSING + 1))
    fi
done
expect_eq "crash: every 201 given before the kill names a stored item" 0 "$FB_MISSING"
expect_eq "crash: no item without its first history entry" 0 \
    "$(fb_psql "SELECT count(*) FROM feedback.feedback f WHERE NOT EXISTS
        (SELECT 1 FROM feedback.feedback_history h WHERE h.feedback_id = f.id)")"
expect_eq "crash: as many feedback.received events as items" \
    "$(fb_psql "SELECT count(*) FROM feedback.feedback")" \
    "$(fb_psql "SELECT (SELECT count(*) FROM feedback.event_log WHERE topic = 'feedback.received') +
        (SELECT count(*) FROM feedback.outbox WHERE topic = 'feedback.received')")"
FB_AFTER=$(fb_psql "SELECT count(*) FROM feedback.feedback")
if [ "$FB_CREATED" -gt 0 ] && [ "$FB_CREATED" -lt "$FB_BURST" ]; then
    pass "crash: the kill fell among the requests ($FB_CREATED of $FB_BURST answered 201)"
else
    fail "crash: the kill fell among the requests" "$FB_CREATED of $FB_BURST answered 201"
fi
if [ "$((FB_AFTER - FB_BEFORE))" -ge "$FB_CREATED" ]; then
    pass "crash: items stored >= 201s answered ($((FB_AFTER - FB_BEFORE)) >= $FB_CREATED)"
else
    fail "crash: items stored >= 201s answered" "$((FB_AFTER - FB_BEFORE)) < $FB_CREATED"
fi
fb_intake_ok() { fb_new after-crash; }
if wait_until 20 fb_intake_ok; then pass "crash: intake works again after the restart"; else fail "crash: intake after restart" "$HTTP_STATUS"; fi
