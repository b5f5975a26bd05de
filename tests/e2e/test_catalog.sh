# Public notices and the procedures catalogue (TTHC) through the gateway:
# seeded data, lists, filters, pagination, ETags, diacritic-insensitive and
# ranked search, admin writes, refused writes, amendments and their earlier
# versions, validation naming each field, safe HTML, events.
# Sourced by tests/run.sh (one shell): every name here starts with ct_ / CT_.
# shellcheck shell=bash
# shellcheck disable=SC2016 # jq programs use $variables in single quotes

CT_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
CT_ADMIN=$(admin_token)
[ -n "$CT_ADMIN" ] || fail "catalog: the admin logs in" "no token: the writes below will fail"

ct_jq() { printf '%s' "$HTTP_BODY" | jq "$@"; }
# ct_get PATH [curl args]: a GET with the query given as --data-urlencode pairs.
ct_get() {
    local path=$1
    shift
    http GET "$path" -G "$@"
}
# ct_send METHOD PATH JSON [TOKEN]: a JSON request, as the admin by default
# ("-" for no credentials).
ct_send() {
    local tok=${4-$CT_ADMIN} auth=()
    [ "$tok" = - ] || auth=(-H "Authorization: Bearer $tok")
    http "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3" "${auth[@]}"
}
# "STATUS field,field" of a problem: its status and the fields its errors name.
ct_named() { printf '%s %s' "$HTTP_STATUS" "$(ct_jq -r '[.errors[]?.field] | join(",")')"; }
ct_codes() { ct_jq -r '[.items[].code] | join(" ")'; }
ct_events() {
    "$BUILD/loa-rpc" --in loa.EventsSinceRequest --out loa.EventsSinceReply "$LOA_CONTENT_RPC" \
        events.since "{\"since_seq\": $1, \"limit\": 1000}"
}
ct_last_seq() { ct_events 0 | jq -r '.last_seq // 0'; }
CT_SEQ0=$(ct_last_seq)

# ------------------------------------------------------------ notices: seeded, list, ETag

http GET /api/v1/notices
expect_eq "notices: the list answers 200 JSON" "200 application/json; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
expect_eq "notices: the list is {items, page, per_page, total}, 20 per page by default" "items,page,per_page,total 1 20" \
    "$(ct_jq -r '"\(keys_unsorted | join(",")) \(.page) \(.per_page)"')"
expect_eq "notices: a notice has id, kind, title, body, body_html, is_active, created_at, updated_at" \
    "id,kind,title,body,body_html,is_active,created_at,updated_at" "$(ct_jq -r '.items[0] | keys_unsorted | join(",")')"
expect_eq "notices: the public list holds only active notices" true "$(ct_jq '[.items[].is_active] | all')"
expect_eq "notices: newest first" true "$(ct_jq '[.items[].created_at] | . == (sort | reverse)')"
hotline=$(ct_jq -c '[.items[] | select(.kind == "hotline")][0] // {}')
expect_match "notices: the hotline notice is seeded with its Vietnamese title" '^Đường dây nóng tiếp nhận phản ánh, kiến nghị của Sở Kế hoạch và Đầu tư$' \
    "$(printf '%s' "$hotline" | jq -r '.title // empty')"
expect_match "notices: the hotline gives a telephone number" 'Điện thoại đường dây nóng:\*\* [0-9]{4} [0-9] [0-9]{3} [0-9]{3}' \
    "$(printf '%s' "$hotline" | jq -r '.body // empty')"
expect_match "notices: the hotline gives an e-mail address" '[a-z0-9.]+@[a-z0-9.-]+\.[a-z]{2,}' \
    "$(printf '%s' "$hotline" | jq -r '.body // empty')"
expect_match "notices: its body_html is the Markdown rendered" '<li><strong>Điện thoại đường dây nóng:</strong>' \
    "$(printf '%s' "$hotline" | jq -r '.body_html // empty')"
expect_eq "notices: the organization notice is seeded" "Cơ cấu tổ chức của Sở Kế hoạch và Đầu tư" \
    "$(ct_jq -r '[.items[] | select(.kind == "organization")][0].title // empty')"
ct_notices_etag=$(header ETag)
expect_match "notices: a strong ETag" '^"[0-9a-f]{16}"$' "$ct_notices_etag"
http GET /api/v1/notices -H "If-None-Match: $ct_notices_etag"
expect_eq "notices: If-None-Match with the ETag gives 304 without a body" "304 " "$HTTP_STATUS $HTTP_BODY"
ct_hotline_id=$(printf '%s' "$hotline" | jq -r '.id // 0')
http GET "/api/v1/notices/$ct_hotline_id"
expect_eq "notices: one notice by id" "200 $ct_hotline_id hotline" "$HTTP_STATUS $(ct_jq -r '"\(.id) \(.kind)"')"
etag=$(header ETag)
http GET "/api/v1/notices/$ct_hotline_id" -H "If-None-Match: $etag"
expect_eq "notices: one notice answers 304 to its ETag" 304 "$HTTP_STATUS"
http GET /api/v1/notices/999999999
expect_eq "notices: an unknown id is 404" 404 "$HTTP_STATUS"
http GET /api/v1/notices/abc
expect_eq "notices: an id that is not a number is 400 naming id" "400 id" "$(ct_named)"

# ------------------------------------------------------------ notices: search and filters

for q in "duong day nong" "ĐƯỜNG DÂY NÓNG" "Đường dây nóng" "DUONG day NÓNG"; do
    ct_get /api/v1/notices --data-urlencode "q=$q"
    expect_eq "notices: q=\"$q\" finds the hotline (diacritic- and case-insensitive)" "200 true" \
        "$HTTP_STATUS $(ct_jq --argjson id "$ct_hotline_id" '[.items[].id] | index($id) != null')"
done
ct_get /api/v1/notices --data-urlencode "q=duong day nong" --data-urlencode "kind=organization"
expect_eq "notices: q and kind together: nothing when the kind differs" "200 0 0" "$HTTP_STATUS $(ct_jq -r '"\(.total) \(.items | length)"')"
ct_get /api/v1/notices --data-urlencode "q=khong co tu nay xyzzy"
expect_eq "notices: a q that matches nothing gives an empty page, total 0" "200 0 0" "$HTTP_STATUS $(ct_jq -r '"\(.total) \(.items | length)"')"
http GET '/api/v1/notices?kind=hotline'
expect_eq "notices: kind=hotline gives only hotlines" "200 true" "$HTTP_STATUS $(ct_jq '(.items | length) > 0 and ([.items[].kind] | all(. == "hotline"))')"
http GET '/api/v1/notices?kind=memo'
expect_eq "notices: an unknown kind filter is 422 naming kind" "422 kind" "$(ct_named)"
http GET '/api/v1/notices?per_page=101'
expect_eq "notices: per_page above 100 is 422 naming per_page" "422 per_page" "$(ct_named)"
http GET '/api/v1/notices?page=-1'
expect_eq "notices: a negative page is 422 naming page" "422 page" "$(ct_named)"
http GET '/api/v1/notices?page=2&per_page=1'
expect_eq "notices: page 2 of 1 per page" "200 2 1 1" "$HTTP_STATUS $(ct_jq -r '"\(.page) \(.per_page) \(.items | length)"')"

# ------------------------------------------------------------ procedures: seeded, list, pagination, ETag

http GET /api/v1/procedures
expect_eq "procedures: the list answers 200, 20 per page by default" "200 1 20" "$HTTP_STATUS $(ct_jq -r '"\(.page) \(.per_page)"')"
expect_eq "procedures: an item has the catalogue's fields" \
    "id,code,name,field,decision_no,decision_date,processing_days,fee,online_level,status,version,updated_at" \
    "$(ct_jq -r '.items[0] | keys_unsorted | join(",")')"
ct_total=$(ct_jq '.total')
expect_eq "procedures: at least the dozen seeded procedures" true "$(ct_jq '.total >= 13 and (.items | length) == ([.total, 20] | min)')"
expect_eq "procedures: without q, ordered by code" true "$(ct_jq '[.items[].code] | . == sort')"
expect_eq "procedures: 1.001612 is seeded with its name, field and decision" \
    "Đăng ký thành lập doanh nghiệp tư nhân|Thành lập và hoạt động doanh nghiệp|1132/QĐ-UBND|2021-06-15|3|4|active|1" \
    "$(ct_jq -r '.items[] | select(.code == "1.001612") | [.name, .field, .decision_no, .decision_date, .processing_days, .online_level, .status, .version] | map(tostring) | join("|")')"
expect_eq "procedures: fees as the fee schedules word them" "true true" \
    "$(ct_jq -r '[([.items[].fee] | index("Không thu phí") != null), ([.items[].fee] | any(test("50\\.000 đồng/lần")))] | map(tostring) | join(" ")')"
expect_eq "procedures: every decision_date is YYYY-MM-DD, online_level 1..4, status active|abolished, days >= 0" true \
    "$(ct_jq '[.items[] | ((has("decision_date") | not) or (.decision_date | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))) and .online_level >= 1 and .online_level <= 4 and (.status == "active" or .status == "abolished") and .processing_days >= 0] | all')"
for name in "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên" "Đăng ký thành lập công ty cổ phần" \
    "Đăng ký thay đổi nội dung đăng ký doanh nghiệp" "Giải thể doanh nghiệp" "Chấp thuận chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh" \
    "Đăng ký thành lập liên hiệp hợp tác xã"; do
    ct_get /api/v1/procedures --data-urlencode "q=$name"
    expect_eq "procedures: \"$name\" is seeded" true "$(ct_jq --arg n "$name" '[.items[].name] | index($n) != null')"
done
ct_etag=$(http GET /api/v1/procedures >/dev/null; header ETag)
http GET /api/v1/procedures -H "If-None-Match: $ct_etag"
expect_eq "procedures: If-None-Match with the ETag gives 304" 304 "$HTTP_STATUS"
http GET '/api/v1/procedures?page=2&per_page=5'
expect_eq "procedures: page 2 of 5: five items, the same total" "2 5 5 $ct_total" "$(ct_jq -r '"\(.page) \(.per_page) \(.items | length) \(.total)"')"
page2=$(ct_codes)
http GET '/api/v1/procedures?page=1&per_page=5'
expect_eq "procedures: pages do not overlap" "" "$(comm -12 <(ct_codes | tr ' ' '\n' | sort) <(printf '%s' "$page2" | tr ' ' '\n' | sort))"
http GET '/api/v1/procedures?page=1000&per_page=5'
expect_eq "procedures: a page past the end is empty with the right total" "200 0 $ct_total" "$HTTP_STATUS $(ct_jq -r '"\(.items | length) \(.total)"')"
http GET '/api/v1/procedures?per_page=100'
expect_eq "procedures: per_page 100 is allowed" "200 100" "$HTTP_STATUS $(ct_jq .per_page)"
http GET '/api/v1/procedures?per_page=-5&page=-1'
expect_eq "procedures: a negative page and per_page are 422 naming both" "422 page,per_page" "$(ct_named)"
http GET '/api/v1/procedures?per_page=abc'
expect_eq "procedures: per_page that is not a number is 400 naming per_page" "400 per_page" "$(ct_named)"

# Filters
http GET '/api/v1/procedures?status=abolished'
expect_eq "procedures: status=abolished gives only abolished ones (the 2014-law procedure)" "true true" \
    "$(ct_jq -r '[([.items[].status] | all(. == "abolished")), ([.items[].code] | index("1.005384") != null)] | map(tostring) | join(" ")')"
http GET '/api/v1/procedures?status=repealed'
expect_eq "procedures: an unknown status filter is 422 naming status" "422 status" "$(ct_named)"
ct_get /api/v1/procedures --data-urlencode "field=thanh lap va hoat dong doanh nghiep" --data-urlencode "per_page=100"
expect_eq "procedures: field (unaccented) gives that field's procedures only" "true true" \
    "$(ct_jq -r '[((.items | length) >= 8), ([.items[].field] | all(. == "Thành lập và hoạt động doanh nghiệp"))] | map(tostring) | join(" ")')"
ct_get /api/v1/procedures --data-urlencode "field=Đầu tư tại Việt Nam" --data-urlencode "status=active"
expect_eq "procedures: field and status together" "3 true" \
    "$(ct_jq -r '"\(.total) \([.items[] | .field == "Đầu tư tại Việt Nam" and .status == "active"] | all)"')"

# ------------------------------------------------------------ procedures: search

ct_get /api/v1/procedures --data-urlencode "q=dang ky thanh lap doanh nghiep"
expect_eq "search: \"dang ky thanh lap doanh nghiep\" ranks the private enterprise first" 1.001612 "$(ct_jq -r '.items[0].code')"
expect_eq "search: then the three company formations" "1.010026 1.010027 1.010028" \
    "$(ct_jq -r '[.items[1:4][].code] | sort | join(" ")')"
expect_eq "search: and not dissolution nor investment procedures" false \
    "$(ct_jq '[.items[].code] | any(. == "2.002049" or . == "1.009645")')"
expect_eq "search: total counts the matches" true "$(ct_jq '.total == (.items | length) and .total >= 4')"
etag=$(header ETag)
ct_get /api/v1/procedures --data-urlencode "q=dang ky thanh lap doanh nghiep" -H "If-None-Match: $etag"
expect_eq "search: a search answers 304 to its ETag" 304 "$HTTP_STATUS"

ct_get /api/v1/procedures --data-urlencode "q=CHỦ TRƯƠNG ĐẦU TƯ"
expect_eq "search: \"CHỦ TRƯƠNG ĐẦU TƯ\" finds the four procedures about it" "4 true" \
    "$(ct_jq -r '"\(.total) \([.items[].name] | all(test("chủ trương đầu tư")))"')"
expect_eq "search: the approval of the investment policy comes first, the abolished one last" "1.009645 1.005384" \
    "$(ct_jq -r '"\(.items[0].code) \(.items[-1].code)"')"
ct_get /api/v1/procedures --data-urlencode "q=chu truong dau tu" --data-urlencode "status=active"
expect_eq "search: q and status together" "3 false" "$(ct_jq -r '"\(.total) \([.items[].code] | index("1.005384") != null)"')"
ct_get /api/v1/procedures --data-urlencode "q=1.001612"
expect_eq "search: by code" "1 1.001612" "$(ct_jq -r '"\(.total) \(.items[0].code)"')"
ct_get /api/v1/procedures --data-urlencode "q=giai the doanh nghiep"
expect_eq "search: \"giai the doanh nghiep\" finds the dissolution first" 2.002049 "$(ct_jq -r '.items[0].code')"
ct_get /api/v1/procedures --data-urlencode "q=dang ki thanh lap cong ti"
expect_eq "search: a query with typos still finds the company formations (trigrams)" "1.010026 1.010027 1.010028" \
    "$(ct_jq -r '[.items[0:3][].code] | sort | join(" ")')"
ct_get /api/v1/procedures --data-urlencode "q=đăng ký đầu tư"
expect_eq "search: words spread over unrelated names do not match" "1.009648" "$(ct_codes)"
ct_get /api/v1/procedures --data-urlencode "q=hợp tác xã"
expect_eq "search: \"hợp tác xã\" finds the cooperative union" 2.001979 "$(ct_jq -r '.items[0].code')"
ct_get /api/v1/procedures --data-urlencode "q=$(printf 'a%.0s' $(seq 201))"
expect_eq "search: q longer than 200 characters is 422 naming q" "422 q" "$(ct_named)"
ct_get /api/v1/procedures --data-urlencode "q=!!!"
expect_eq "search: punctuation alone matches nothing" "200 0" "$HTTP_STATUS $(ct_jq .total)"

ct_id_dntn=$(http GET '/api/v1/procedures?per_page=100' >/dev/null; ct_jq '.items[] | select(.code == "1.001612") | .id')
http GET "/api/v1/procedures/$ct_id_dntn"
expect_eq "procedures: one by id" "200 1.001612" "$HTTP_STATUS $(ct_jq -r .code)"
etag=$(header ETag)
http GET "/api/v1/procedures/$ct_id_dntn" -H "If-None-Match: $etag"
expect_eq "procedures: one by id answers 304 to its ETag" 304 "$HTTP_STATUS"
http GET /api/v1/procedures/999999999
expect_eq "procedures: an unknown id is 404" 404 "$HTTP_STATUS"
http GET /api/v1/procedures/999999999/versions
expect_eq "procedures: versions of an unknown id is 404" 404 "$HTTP_STATUS"
http GET "/api/v1/procedures/$ct_id_dntn/versions"
expect_eq "procedures: a seeded procedure has no earlier version" "200 []" "$HTTP_STATUS $(ct_jq -c .items)"

# ------------------------------------------------------------ who may write

ct_units=$(curl -s --max-time 20 "$GW/api/v1/units")
ct_unit=$(printf '%s' "$ct_units" | jq '.items[0].id')
ct_editor_pw="pw-$(head -c 12 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
ct_send POST /api/v1/users "$(jq -nc --arg u "e2e.ct-editor-$CT_RUN" --arg p "$ct_editor_pw" --argjson unit "$ct_unit" \
    '{username: $u, password: $p, full_name: "Biên tập viên thử nghiệm", roles: ["editor"], unit_id: $unit}')"
expect_eq "writes: the admin creates an editor" 201 "$HTTP_STATUS"
CT_EDITOR=$(curl -s --max-time 20 -H 'Content-Type: application/json' -H 'X-Forwarded-For: 198.51.100.201' \
    --data-binary "$(jq -nc --arg u "e2e.ct-editor-$CT_RUN" --arg p "$ct_editor_pw" '{username: $u, password: $p}')" \
    "$GW/api/v1/auth/login" | jq -r '.token // empty')
[ -n "$CT_EDITOR" ] || fail "writes: the editor logs in" "no token"

ct_notice='{"kind": "other", "title": "Thông báo của người không có quyền"}'
ct_proc='{"code": "E2E.DENIED", "name": "Thủ tục không được tạo"}'
for who in anon editor; do
    if [ $who = anon ]; then tok=-; want=401; else tok=$CT_EDITOR; want=403; fi
    ct_send POST /api/v1/notices "$ct_notice" "$tok"
    expect_eq "writes: POST /notices as $who is $want" $want "$HTTP_STATUS"
    ct_send PATCH "/api/v1/notices/$ct_hotline_id" '{"title": "Bị sửa"}' "$tok"
    expect_eq "writes: PATCH /notices/{id} as $who is $want" $want "$HTTP_STATUS"
    ct_send POST /api/v1/procedures "$ct_proc" "$tok"
    expect_eq "writes: POST /procedures as $who is $want" $want "$HTTP_STATUS"
    ct_send PATCH "/api/v1/procedures/$ct_id_dntn" '{"processing_days": 1}' "$tok"
    expect_eq "writes: PATCH /procedures/{id} as $who is $want" $want "$HTTP_STATUS"
done
"$BUILD/loa-rpc" --roles editor --user-id 5 --in loa.content.CreateProcedureRequest "$LOA_CONTENT_RPC" \
    procedures.create "$ct_proc" >"$T_TMP/ct_rpc.json"
expect_eq "writes: content-svc itself refuses an editor's procedures.create" forbidden "$(jq -r .status "$T_TMP/ct_rpc.json")"
"$BUILD/loa-rpc" --in loa.content.CreateNoticeRequest "$LOA_CONTENT_RPC" notices.create "$ct_notice" >"$T_TMP/ct_rpc.json"
expect_eq "writes: content-svc itself refuses an anonymous notices.create" unauthenticated "$(jq -r .status "$T_TMP/ct_rpc.json")"
http GET "/api/v1/notices/$ct_hotline_id"
expect_eq "writes: refused PATCHes changed nothing" "Đường dây nóng tiếp nhận phản ánh, kiến nghị của Sở Kế hoạch và Đầu tư" "$(ct_jq -r .title)"
ct_get /api/v1/procedures --data-urlencode "q=E2E.DENIED"
expect_eq "writes: refused POSTs created nothing" 0 "$(ct_jq .total)"

# ------------------------------------------------------------ notices: admin writes

body='## Lịch tiếp công dân\n\nThứ Năm hằng tuần tại **Thanh tra Sở**.\n\n<script>alert(\"x\")</script>\n\n[liên kết](javascript:alert(1)) <img src=x onerror=alert(1)>'
ct_send POST /api/v1/notices "{\"kind\": \"other\", \"title\": \"Lịch tiếp công dân $CT_RUN\", \"body\": \"$body\"}"
expect_eq "notices: the admin creates a notice: 201" 201 "$HTTP_STATUS"
ct_nid=$(ct_jq '.id // 0')
expect_eq "notices: Location is /api/v1/notices/{id}" "/api/v1/notices/$ct_nid" "$(header Location)"
expect_eq "notices: a new notice is active by default" true "$(ct_jq .is_active)"
html=$(ct_jq -r .body_html)
expect_match "notices: body_html renders the Markdown" '<h2>Lịch tiếp công dân</h2>' "$html"
expect_eq "notices: body_html has no <script>, no javascript: URL, no raw <img onerror>" "false false false" \
    "$(printf '%s' "$html" | jq -Rsr '[test("<script"; "i"), test("javascript:"; "i"), test("onerror"; "i")] | map(tostring) | join(" ")')"
expect_eq "notices: the body is kept as written" true "$(ct_jq '.body | contains("<script>")')"
http GET /api/v1/notices
expect_eq "notices: the new notice is listed first (newest first)" "$ct_nid" "$(ct_jq '.items[0].id')"

ct_send PATCH "/api/v1/notices/$ct_nid" '{"title": "Lịch tiếp công dân (đã sửa)"}'
expect_eq "notices: PATCH changes only the title" "200 Lịch tiếp công dân (đã sửa) other true" \
    "$HTTP_STATUS $(ct_jq -r '"\(.title) \(.kind) \(.body | contains("Thứ Năm"))"')"
ct_send PATCH "/api/v1/notices/$ct_nid" '{"body": "Nội dung *mới*", "kind": "staff_evaluation"}'
expect_eq "notices: PATCH of the body renders it again" "200 <p>Nội dung <em>mới</em></p> staff_evaluation" \
    "$HTTP_STATUS $(ct_jq -r '"\(.body_html | rtrimstr("\n")) \(.kind)"')"
ct_send PATCH /api/v1/notices/999999999 '{"title": "x"}'
expect_eq "notices: PATCH of an unknown id is 404" 404 "$HTTP_STATUS"

# Hidden from the public once inactive (and the cached public list follows).
http GET /api/v1/notices
expect_eq "notices: the public sees the active notice" true "$(ct_jq --argjson id "$ct_nid" '[.items[].id] | index($id) != null')"
ct_send PATCH "/api/v1/notices/$ct_nid" '{"is_active": false}'
expect_eq "notices: the admin deactivates it" "200 false" "$HTTP_STATUS $(ct_jq .is_active)"
http GET /api/v1/notices
expect_eq "notices: an inactive notice leaves the public list at once" false "$(ct_jq --argjson id "$ct_nid" '[.items[].id] | index($id) != null')"
public_total=$(ct_jq .total)
http GET "/api/v1/notices/$ct_nid"
expect_eq "notices: an inactive notice is 404 for the public" 404 "$HTTP_STATUS"
http GET "/api/v1/notices/$ct_nid" -H "Authorization: Bearer $CT_EDITOR"
expect_eq "notices: an inactive notice is 404 for an editor too" 404 "$HTTP_STATUS"
http GET "/api/v1/notices/$ct_nid" -H "Authorization: Bearer $CT_ADMIN"
expect_eq "notices: the admin still sees it" "200 false" "$HTTP_STATUS $(ct_jq .is_active)"
http GET /api/v1/notices -H "Authorization: Bearer $CT_ADMIN"
expect_eq "notices: the admin's list holds the inactive notice too" "true true" \
    "$(ct_jq -r --argjson id "$ct_nid" --argjson pt "$public_total" '[([.items[].id] | index($id) != null), (.total > $pt)] | map(tostring) | join(" ")')"
ct_send PATCH "/api/v1/notices/$ct_nid" '{"is_active": true}'
http GET "/api/v1/notices/$ct_nid"
expect_eq "notices: active again, public again" 200 "$HTTP_STATUS"

# Preview: the service renders a body as it would a notice's, and writes nothing.
http GET /api/v1/notices -H "Authorization: Bearer $CT_ADMIN"
ct_total_before=$(ct_jq .total)
ct_send POST /api/v1/notices/preview "{\"body\": \"$body\"}"
expect_eq "preview: the admin previews a body: 200 JSON {html}" "200 html" "$HTTP_STATUS $(ct_jq -r 'keys | join(",")')"
html=$(ct_jq -r .html)
expect_match "preview: the Markdown is rendered as a notice's" '<h2>Lịch tiếp công dân</h2>' "$html"
expect_match "preview: bold text rendered" '<strong>Thanh tra Sở</strong>' "$html"
expect_eq "preview: no <script>, no javascript: URL, no raw <img onerror>" "false false false" \
    "$(printf '%s' "$html" | jq -Rsr '[test("<script"; "i"), test("javascript:"; "i"), test("onerror"; "i")] | map(tostring) | join(" ")')"
ct_send POST /api/v1/notices/preview '{"body": "<script>alert(1)</script>"}'
expect_eq "preview: a body that is only a script tag gives no script" "200 false" "$HTTP_STATUS $(ct_jq '.html | test("<script"; "i")')"
ct_send POST /api/v1/notices/preview '{"body": "a < b & *c*"}'
expect_eq "preview: text is escaped" "200 <p>a &lt; b &amp; <em>c</em></p>" "$HTTP_STATUS $(ct_jq -r '.html | rtrimstr("\n")')"
ct_send POST /api/v1/notices/preview '{}'
expect_eq "preview: no body previews as empty" "200 " "$HTTP_STATUS $(ct_jq -r .html)"
http GET /api/v1/notices -H "Authorization: Bearer $CT_ADMIN"
expect_eq "preview: nothing is written" "$ct_total_before" "$(ct_jq .total)"
ct_send POST /api/v1/notices/preview '{"body": "x"}' "$CT_EDITOR"
expect_eq "preview: an editor is refused (403)" 403 "$HTTP_STATUS"
ct_send POST /api/v1/notices/preview '{"body": "x"}' -
expect_eq "preview: without credentials it is 401" 401 "$HTTP_STATUS"
{ printf '{"body": "'; head -c 102401 /dev/zero | tr '\0' 'a'; printf '"}'; } >"$T_TMP/ct_big.json"
http POST /api/v1/notices/preview -H 'Content-Type: application/json' -H "Authorization: Bearer $CT_ADMIN" --data-binary "@$T_TMP/ct_big.json"
expect_eq "preview: a body over 100 KB is 422 naming body" "422 body" "$(ct_named)"
ct_send POST /api/v1/notices/preview '{"body": 5}'
expect_eq "preview: a body that is not a string is refused naming body" "400 body" "$(ct_named)"
"$BUILD/loa-rpc" --roles editor --user-id 5 --in loa.content.NoticePreviewRequest "$LOA_CONTENT_RPC" \
    notices.preview '{"body": "x"}' >"$T_TMP/ct_rpc.json"
expect_eq "preview: content-svc itself refuses an editor's notices.preview" forbidden "$(jq -r .status "$T_TMP/ct_rpc.json")"

# Validation: each bad field named.
ct_send POST /api/v1/notices '{"kind": "memo", "title": "   "}'
expect_eq "notices: a bad kind and a blank title are 422 naming kind and title" "422 kind,title" "$(ct_named)"
ct_send POST /api/v1/notices '{"body": "x"}'
expect_eq "notices: a missing kind and title are 422 naming both" "422 kind,title" "$(ct_named)"
long300=$(printf 'đ%.0s' $(seq 300))
ct_send POST /api/v1/notices "{\"kind\": \"other\", \"title\": \"$long300\", \"is_active\": false}"
expect_eq "notices: a title of 300 characters (600 bytes) is accepted" 201 "$HTTP_STATUS"
ct_send POST /api/v1/notices "{\"kind\": \"other\", \"title\": \"${long300}đ\"}"
expect_eq "notices: a title of 301 characters is 422 naming title" "422 title" "$(ct_named)"
{ printf '{"kind": "other", "title": "Quá dài", "body": "'; head -c 102401 /dev/zero | tr '\0' 'a'; printf '"}'; } >"$T_TMP/ct_big.json"
http POST /api/v1/notices -H 'Content-Type: application/json' -H "Authorization: Bearer $CT_ADMIN" --data-binary "@$T_TMP/ct_big.json"
expect_eq "notices: a body over 100 KB is 422 naming body" "422 body" "$(ct_named)"
{ printf '{"kind": "other", "title": "Vừa đủ", "is_active": false, "body": "'; head -c 102400 /dev/zero | tr '\0' 'a'; printf '"}'; } >"$T_TMP/ct_big.json"
http POST /api/v1/notices -H 'Content-Type: application/json' -H "Authorization: Bearer $CT_ADMIN" --data-binary "@$T_TMP/ct_big.json"
expect_eq "notices: a body of exactly 100 KB is accepted" 201 "$HTTP_STATUS"
printf '{"kind": "other", "title": "bad \xff utf8"}' >"$T_TMP/ct_bad.json"
http POST /api/v1/notices -H 'Content-Type: application/json' -H "Authorization: Bearer $CT_ADMIN" --data-binary "@$T_TMP/ct_bad.json"
expect_eq "notices: invalid UTF-8 is refused (400)" 400 "$HTTP_STATUS"
ct_send PATCH "/api/v1/notices/$ct_nid" '{"kind": "", "title": ""}'
expect_eq "notices: PATCH with an empty kind and title is 422 naming both" "422 kind,title" "$(ct_named)"
ct_send POST /api/v1/notices '{"kind": "other", "title": "x", "colour": "red"}'
expect_eq "notices: an unknown field is 400 naming it" "400 colour" "$(ct_named)"

# ------------------------------------------------------------ procedures: create, amend, versions

ct_code="E2E.$CT_RUN"
ct_send POST /api/v1/procedures "{\"code\": \"$ct_code\", \"name\": \"Cấp giấy xác nhận thử nghiệm $CT_RUN\", \"field\": \"Thử nghiệm\", \"decision_no\": \"1234/QĐ-UBND\", \"decision_date\": \"2024-02-29\", \"processing_days\": 10, \"fee\": \"100.000 đồng/hồ sơ\", \"online_level\": 2}"
expect_eq "procedures: the admin creates one: 201, version 1, active" "201 1 active" "$HTTP_STATUS $(ct_jq -r '"\(.version) \(.status)"')"
ct_pid=$(ct_jq '.id // 0')
expect_eq "procedures: Location is /api/v1/procedures/{id}" "/api/v1/procedures/$ct_pid" "$(header Location)"
expect_eq "procedures: it is stored as given" "$ct_code|1234/QĐ-UBND|2024-02-29|10|100.000 đồng/hồ sơ|2" \
    "$(ct_jq -r '[.code, .decision_no, .decision_date, .processing_days, .fee, .online_level] | map(tostring) | join("|")')"
ct_get /api/v1/procedures --data-urlencode "q=cap giay xac nhan thu nghiem $CT_RUN"
expect_eq "procedures: the public search finds it at once" "$ct_code" "$(ct_jq -r '.items[0].code')"
ct_send POST /api/v1/procedures '{"code": "E2E.MIN-'"$CT_RUN"'", "name": "Thủ tục tối thiểu"}'
expect_eq "procedures: code and name suffice; defaults: 0 days, level 1, active, no date" "201 0 1 active false" \
    "$HTTP_STATUS $(ct_jq -r '"\(.processing_days) \(.online_level) \(.status) \(has("decision_date"))"')"
ct_send POST /api/v1/procedures "{\"code\": \"$ct_code\", \"name\": \"Trùng mã\"}"
expect_eq "procedures: a code that exists is 409 naming code" "409 code" "$(ct_named)"
ct_send POST /api/v1/procedures '{"code": "1.001612", "name": "Trùng mã đã công bố"}'
expect_eq "procedures: a seeded code is taken too (409)" "409 code" "$(ct_named)"

ct_send POST /api/v1/procedures '{"code": "mã có dấu", "name": "", "decision_date": "2021-02-29", "processing_days": -1, "online_level": 5, "status": "repealed"}'
expect_eq "procedures: every bad field is named (422)" "422 code,name,decision_date,processing_days,online_level,status" "$(ct_named)"
ct_send POST /api/v1/procedures '{"field": "Không có mã và tên"}'
expect_eq "procedures: a missing code and name are 422 naming both" "422 code,name" "$(ct_named)"
for d in 2021-13-01 2021-04-31 21-04-01 2021/04/01 "hôm qua"; do
    ct_send POST /api/v1/procedures "{\"code\": \"E2E.D-$CT_RUN\", \"name\": \"Ngày sai\", \"decision_date\": \"$d\"}"
    expect_eq "procedures: decision_date \"$d\" is 422 naming decision_date" "422 decision_date" "$(ct_named)"
done
ct_send POST /api/v1/procedures "{\"code\": \"E2E.L-$CT_RUN\", \"name\": \"Mức 0\", \"online_level\": 0}"
expect_eq "procedures: online_level 0 is 422 naming online_level" "422 online_level" "$(ct_named)"
ct_send POST /api/v1/procedures "{\"code\": \"E2E.L-$CT_RUN\", \"name\": \"Số ngày chữ\", \"processing_days\": \"ba\"}"
expect_eq "procedures: processing_days that is not a number is 400 naming it" "400 processing_days" "$(ct_named)"

# An amendment keeps the record as it was.
http GET "/api/v1/procedures/$ct_pid"
before=$(ct_jq -c .)
ct_send PATCH "/api/v1/procedures/$ct_pid" '{"processing_days": 7, "fee": "Không thu phí", "online_level": 3, "reason": "Quyết định 99/QĐ-UBND sửa đổi thời hạn và phí"}'
expect_eq "procedures: an amendment: 200, version 2, the new values" "200 2 7 Không thu phí 3" \
    "$HTTP_STATUS $(ct_jq -r '"\(.version) \(.processing_days) \(.fee) \(.online_level)"')"
expect_eq "procedures: fields not named keep their values" "$(printf '%s' "$before" | jq -c '{code, name, field, decision_no, decision_date, status}')" \
    "$(ct_jq -c '{code, name, field, decision_no, decision_date, status}')"
http GET "/api/v1/procedures/$ct_pid/versions"
expect_eq "versions: one earlier version" "200 1" "$HTTP_STATUS $(ct_jq '.items | length')"
expect_eq "versions: it is the whole record as it was, version 1" "$before" \
    "$(ct_jq -c '.items[0] | del(.amended_at, .reason)')"
expect_eq "versions: with the amendment's reason and time" "Quyết định 99/QĐ-UBND sửa đổi thời hạn và phí true" \
    "$(ct_jq -r '"\(.items[0].reason) \(.items[0].amended_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\+07:00$"))"')"
ct_send PATCH "/api/v1/procedures/$ct_pid" '{"status": "abolished", "name": "Cấp giấy xác nhận thử nghiệm (đã bãi bỏ)"}'
expect_eq "procedures: a second amendment without a reason: version 3" "200 3 abolished" "$HTTP_STATUS $(ct_jq -r '"\(.version) \(.status)"')"
http GET "/api/v1/procedures/$ct_pid/versions"
expect_eq "versions: every earlier version, newest first" "2,1" "$(ct_jq -r '[.items[].version] | join(",")')"
expect_eq "versions: version 2 as it was (7 days, active), version 1 as it was (10 days)" "7 active  10 active" \
    "$(ct_jq -r '"\(.items[0].processing_days) \(.items[0].status) \(.items[0].reason) \(.items[1].processing_days) \(.items[1].status)"')"
http GET "/api/v1/procedures/$ct_pid"
expect_eq "procedures: GET gives the current version" "3 abolished" "$(ct_jq -r '"\(.version) \(.status)"')"

ct_send PATCH "/api/v1/procedures/$ct_pid" '{"code": "1.001612"}'
expect_eq "procedures: amending to a taken code is 409 naming code" "409 code" "$(ct_named)"
ct_send PATCH "/api/v1/procedures/$ct_pid" '{"online_level": 9, "decision_date": "2023-02-29", "processing_days": -3, "status": "", "name": " "}'
expect_eq "procedures: a bad amendment names every bad field (422)" "422 name,decision_date,processing_days,online_level,status" "$(ct_named)"
ct_send PATCH "/api/v1/procedures/$ct_pid" '{"reason": "chỉ có lý do"}'
expect_eq "procedures: an amendment that changes nothing is 400" 400 "$HTTP_STATUS"
ct_send PATCH /api/v1/procedures/999999999 '{"processing_days": 1}'
expect_eq "procedures: amending an unknown id is 404" 404 "$HTTP_STATUS"
http GET "/api/v1/procedures/$ct_pid/versions"
expect_eq "versions: refused amendments left no version behind" 2 "$(ct_jq '.items | length')"
http GET "/api/v1/procedures/$ct_pid"
expect_eq "procedures: refused amendments changed nothing" 3 "$(ct_jq .version)"

# ------------------------------------------------------------ events and OpenAPI

ct_has_topics() {
    ct_events "$CT_SEQ0" | jq -e '[.events[].topic] as $t | ["notice.created", "notice.updated", "procedure.created", "procedure.amended"] | all(. as $x | $t | index($x) != null)' >/dev/null
}
if wait_until 10 ct_has_topics; then pass "events: notice.created/updated and procedure.created/amended are in the event log"; else fail "events: catalogue topics in the event log" "$(ct_events "$CT_SEQ0" | jq -c '[.events[].topic]')"; fi
expect_eq "events: two amendments, two procedure.amended" 2 \
    "$(ct_events "$CT_SEQ0" | jq '[.events[] | select(.topic == "procedure.amended")] | length')"

http GET /api/v1/openapi.json
expect_eq "openapi: the catalogue's routes are listed with their operations" \
    "notices.list notices.create notices.get notices.update procedures.list procedures.create procedures.get procedures.amend procedures.versions" \
    "$(ct_jq -r '[.paths["/api/v1/notices"].get, .paths["/api/v1/notices"].post, .paths["/api/v1/notices/{id}"].get, .paths["/api/v1/notices/{id}"].patch, .paths["/api/v1/procedures"].get, .paths["/api/v1/procedures"].post, .paths["/api/v1/procedures/{id}"].get, .paths["/api/v1/procedures/{id}"].patch, .paths["/api/v1/procedures/{id}/versions"].get] | map(.operationId // "-") | join(" ")')"
expect_eq "openapi: writes are for admins" '["admin"] ["admin"]' \
    "$(ct_jq -c '.paths["/api/v1/notices"].post["x-roles"], .paths["/api/v1/procedures/{id}"].patch["x-roles"]' | tr '\n' ' ' | sed 's/ $//')"
