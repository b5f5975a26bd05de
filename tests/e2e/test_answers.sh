# Published answers on the portal (docs/api/feedback.md "Published answers"):
# GET /api/v1/feedback/answers (public, cached, ETag) lists the items whose
# answer is published, searched without diacritics and by unit; one by id;
# never a personal detail nor the tracking code (every key checked); an
# answer not published (or published without publish) is not there; a new
# publication shows at once.
# Sourced by tests/run.sh (lib.sh helpers, $GW, $T_TMP, $PG_BIN, $LOA_PG_PORT).
# shellcheck shell=bash

AN_RUN=$(head -c 1200 /dev/urandom | LC_ALL=C tr -dc 'a-z' | head -c 8)
AN_XFF=0
declare -gA AN_TOK=()

an_jq() { body_jq "$@"; }
an_call() { e2e_call AN_TOK "$@"; }

# shellcheck disable=SC2034 # read by name (an_call -> e2e_call)
AN_TOK[admin]=$(admin_token)
http GET '/api/v1/units?per_page=100'
AN_UNIT=$(an_jq '[.items[] | select(.code == "DKKD")][0].id')
AN_UNIT_B=$(an_jq '[.items[] | select(.code == "THQH")][0].id')
e2e_staff AN_TOK insp '["inspector"]' null "e2e.an-insp-$AN_RUN" "Thanh tra trả lời"

# an_item TITLE ANSWER UNIT PUBLISH APPROVE: a citizen's item, accepted for
# UNIT, answered (publish true/false), approved or not; AN_ID, AN_CODE.
an_item() {
    AN_XFF=$((AN_XFF + 1))
    an_call anon POST /api/v1/feedback "$(jq -nc --arg t "$1" '{
        kind: "recommendation", title: $t,
        content: "Đề nghị rút ngắn thời gian cấp giấy chứng nhận đăng ký đầu tư.",
        submitter: {name: "Lê Văn Cường", address: "7 Nguyễn Huệ, phường Bến Nghé",
                    phone: "0987 654 321", email: "le.van.cuong@example.vn", organization: "Công ty Ánh Dương"}}')" \
        -H "X-Forwarded-For: 10.93.$((AN_XFF / 250)).$((AN_XFF % 250 + 1))"
    AN_ID=$(an_jq '.id // empty')
    AN_CODE=$(an_jq '.tracking_code // empty')
    [ -n "$AN_ID" ] || return 1
    wait_until 10 an_try_accept "$AN_ID" "$3" || return 1
    an_call insp POST "/api/v1/feedback/$AN_ID/answer" "$(jq -nc --arg a "$2" --argjson p "$4" '{answer: $a, publish: $p}')"
    [ "$HTTP_STATUS" = 200 ] || return 1
    [ "$5" = approve ] || return 0
    an_call insp POST "/api/v1/feedback/$AN_ID/approve" -
    [ "$HTTP_STATUS" = 200 ]
}
an_try_accept() { an_call insp POST "/api/v1/feedback/$1/accept" "{\"unit_id\": $2}" && [ "$HTTP_STATUS" = 200 ]; }

an_item "Rút ngắn thời gian cấp giấy chứng nhận đầu tư $AN_RUN" \
    "Sở đã rút ngắn thời hạn xử lý hồ sơ đầu tư xuống còn mười ngày làm việc." "$AN_UNIT" true approve
expect_eq "setup: an answer is published" 200 "$HTTP_STATUS"
AN_PUB=$AN_ID
AN_PUB_CODE=$AN_CODE
an_item "Hồ sơ quy hoạch xây dựng $AN_RUN" "Đã chuyển Phòng Quy hoạch xử lý theo thẩm quyền." "$AN_UNIT_B" true approve
AN_PUB_B=$AN_ID
an_item "Không công bố câu trả lời $AN_RUN" "Câu trả lời riêng cho người gửi." "$AN_UNIT" false approve
AN_PRIVATE=$AN_ID
an_item "Câu trả lời chờ duyệt $AN_RUN" "Câu trả lời còn chờ Thanh tra duyệt." "$AN_UNIT" true no
AN_PENDING=$AN_ID
expect_eq "setup: four items answered" "true" \
    "$([ -n "$AN_PUB" ] && [ -n "$AN_PUB_B" ] && [ -n "$AN_PRIVATE" ] && [ -n "$AN_PENDING" ] && echo true)"

# ------------------------------------------------------------ the list
http GET "/api/v1/feedback/answers?q=$AN_RUN&per_page=100"
expect_eq "list: anyone reads the published answers (200)" 200 "$HTTP_STATUS"
expect_eq "list: only the two published with publish (not the private one, not the pending one)" \
    "$(printf '%s\n' "$AN_PUB" "$AN_PUB_B" | sort -n | paste -sd,)" \
    "$(an_jq '[.items[].id] | sort | map(tostring) | join(",")')"
expect_eq "list: page, per_page, total" "1 100 2" "$(an_jq '"\(.page) \(.per_page) \(.total)"')"
expect_eq "list: each answer has exactly the public keys" \
    '["answer","answered_at","content","id","kind","procedure_code","published_at","received_at","title","unit_id","unit_name"]' \
    "$(an_jq -c '[.items[] | keys] | unique | if length == 1 then .[0] else . end')"
expect_eq "list: no personal detail or tracking code anywhere in the answer" "" \
    "$(printf '%s' "$HTTP_BODY" | grep -o -e 'Lê Văn Cường' -e '0987' -e 'le.van.cuong' -e 'Nguyễn Huệ' -e 'Ánh Dương' \
        -e "$AN_PUB_CODE" -e submitter -e tracking | head -1)"
expect_eq "list: the answer as published, the unit named" \
    "Sở đã rút ngắn thời hạn xử lý hồ sơ đầu tư xuống còn mười ngày làm việc. $AN_UNIT" \
    "$(an_jq --argjson id "$AN_PUB" '.items[] | select(.id == $id) | "\(.answer) \(.unit_id)"')"
expect_match "list: the dates are RFC 3339 (+07:00)" '^[0-9-]{10}T[0-9:]{8}(\.[0-9]+)?\+07:00 .+ .+$' \
    "$(an_jq --argjson id "$AN_PUB" '.items[] | select(.id == $id) | "\(.received_at) \(.answered_at) \(.published_at)"')"
expect_match "list: a public read carries an ETag" '^(W/)?"' "$(header ETag)"
AN_ETAG=$(header ETag)
http GET "/api/v1/feedback/answers?q=$AN_RUN&per_page=100" -H "If-None-Match: $AN_ETAG"
expect_eq "list: If-None-Match -> 304" 304 "$HTTP_STATUS"

# Diacritic-insensitive, in the answer's words as in the title.
http GET "/api/v1/feedback/answers?q=muoi%20ngay%20lam%20viec%20$AN_RUN"
expect_eq "search: words of the answer without diacritics find it" "$AN_PUB" "$(an_jq '[.items[].id] | join(",")')"
http GET "/api/v1/feedback/answers?q=QUY%20HO%E1%BA%A0CH%20$AN_RUN"
expect_eq "search: the title's words, any case and diacritics" "$AN_PUB_B" "$(an_jq '[.items[].id] | join(",")')"
http GET "/api/v1/feedback/answers?q=$AN_RUN&unit_id=$AN_UNIT_B"
expect_eq "filter: unit_id" "$AN_PUB_B" "$(an_jq '[.items[].id] | join(",")')"
http GET "/api/v1/feedback/answers?q=$AN_RUN&per_page=1&page=2"
expect_eq "pages: page 2 of 1 per page is the older one" "1 2 $AN_PUB" "$(an_jq '"\(.items | length) \(.total) \(.items[0].id)"')"
http GET "/api/v1/feedback/answers?per_page=101"
expect_eq "refused: per_page over 100 -> 422 naming per_page" "422 true" "$(problem_names per_page)"
http GET "/api/v1/feedback/answers?unit_id=0"
expect_eq "refused: unit_id 0 -> 422 naming unit_id" "422 true" "$(problem_names unit_id)"

# ------------------------------------------------------------ one
http GET "/api/v1/feedback/answers/$AN_PUB"
expect_eq "one: GET /answers/{id} (200) with the public keys only" \
    '200 ["answer","answered_at","content","id","kind","procedure_code","published_at","received_at","title","unit_id","unit_name"]' \
    "$HTTP_STATUS $(an_jq -c keys)"
for an_hidden in "$AN_PRIVATE" "$AN_PENDING" 0 999999999; do
    http GET "/api/v1/feedback/answers/$an_hidden"
    expect_eq "one: an answer not published ($an_hidden) -> 404" 404 "$HTTP_STATUS"
done

# ------------------------------------------------------------ at once
http GET "/api/v1/feedback/answers?q=$AN_RUN"
an_call insp POST "/api/v1/feedback/$AN_PENDING/approve" -
http GET "/api/v1/feedback/answers?q=$AN_RUN"
expect_eq "cache: a new publication is listed at once (the cache follows feedback-svc)" 3 "$(an_jq .total)"
