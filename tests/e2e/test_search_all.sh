# One search box across the portal (issue 21 item 5, decision 0041):
# GET /api/v1/search and the page /tim-kiem.html?q= rendered on the server,
# against the real stack. Six published articles, a notice, a procedure and
# a published answer share a word of this run; each kind is found without
# diacritics and with a one-letter typo, results come grouped by kind with
# their counts and links; q is checked (400 naming q, in Vietnamese); a
# draft never shows, even to its editor; a title's <script> is escaped on
# the page; a stopped service leaves its groups "unavailable" while the
# others still answer.
# Sourced by tests/run.sh (one shell): every name here starts with sa_ / SA_.
# shellcheck shell=bash
# shellcheck disable=SC2034 # SA_TOK is read by name (e2e_call)

SA_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
SA_RUN_UC=$(printf '%s' "$SA_RUN" | tr '[:lower:]' '[:upper:]')
# The shared word: ten letters; its typo changes the last one.
SA_W="q$(head -c 1200 /dev/urandom | LC_ALL=C tr -dc 'a-p' | head -c 9)"
SA_TYPO="${SA_W%?}z"
declare -gA SA_TOK=()
SA_XFF=0

sa_call() { e2e_call SA_TOK "$@"; }
sa_jq() { body_jq "$@"; }
sa_has() { if grep -qF -- "$1" "$T_TMP/body"; then echo 1; else echo 0; fi; }
sa_enc() { jq -rn --arg s "$1" '$s | @uri'; }
# sa_search QUERY [ARGS]: GET /api/v1/search?q=QUERY&ARGS as anyone.
sa_search() { http GET "/api/v1/search?q=$(sa_enc "$1")${2:+&$2}"; }
# The totals of the groups, "kind=total" in order.
sa_totals() { sa_jq -r '[.groups[] | "\(.kind)=\(.total)"] | join(" ")'; }
# Whether group KIND lists TITLE.
sa_lists() { sa_jq --arg k "$1" --arg t "$2" '[.groups[] | select(.kind == $k) | .items[].title] | index($t) != null'; }

echo "  -- set-up: an editor and a reviewer, articles, a notice, a procedure, an answer"
SA_TOK[admin]=$(admin_token)
http GET '/api/v1/units?per_page=100'
SA_UNIT=$(sa_jq '[.items[] | select(.code == "DKKD")][0].id // 0')
e2e_staff SA_TOK ed '["editor"]' "$SA_UNIT" "e2e.sa-ed-$SA_RUN" "Biên tập tìm kiếm"
e2e_staff SA_TOK rev '["reviewer"]' null "e2e.sa-rev-$SA_RUN" "Duyệt tìm kiếm"
e2e_staff SA_TOK insp '["inspector"]' null "e2e.sa-insp-$SA_RUN" "Thanh tra tìm kiếm"

# The one with <script> in its title last: the newest, first of its tier.
sa_ok=1
for sa_i in 1 2 3 4 5; do
    e2e_publish SA_TOK ed rev "$(jq -nc --arg t "Tin số $sa_i về cải cách $SA_W" '{title: $t, body: "Nội dung."}')"
    [ -n "$E2E_ID" ] || sa_ok=0
done
SA_ART_TITLE="Cải cách $SA_W hành chính <script>alert(\"x\")</script> & \"trích\""
e2e_publish SA_TOK ed rev "$(jq -nc --arg t "$SA_ART_TITLE" \
    '{title: $t, summary: "Tóm tắt **đậm** về cải cách hành chính", body: "Nội dung bài viết."}')"
SA_ART=${E2E_ID:-0}
sa_call anon GET "/api/v1/articles/$SA_ART" -
SA_SLUG=$(sa_jq -r '.slug // "none"')
# A draft holding the word: never found, whoever asks.
sa_call ed POST /api/v1/articles "$(jq -nc --arg t "Bản nháp cải cách $SA_W" '{title: $t, body: "Nháp."}')"
SA_DRAFT_STATUS=$HTTP_STATUS
expect_eq "setup: six articles with the word are published, a seventh is a draft" "1 201" \
    "$([ "$SA_ART" != 0 ] && echo "$sa_ok" || echo 0) $SA_DRAFT_STATUS"

SA_NOTICE_TITLE="Thông báo cải cách $SA_W"
sa_call admin POST /api/v1/notices "$(jq -nc --arg t "$SA_NOTICE_TITLE" \
    '{kind: "other", title: $t, body: "Lịch **tiếp công dân** về cải cách thủ tục hành chính."}')"
SA_NOTICE=$(sa_jq '.id // 0')
SA_CODE="SA.$SA_RUN_UC"
SA_PROC_NAME="Đăng ký cải cách $SA_W"
sa_call admin POST /api/v1/procedures "$(jq -nc --arg c "$SA_CODE" --arg n "$SA_PROC_NAME" \
    '{code: $c, name: $n, field: "Đầu tư tại Việt Nam"}')"
SA_PROC_STATUS=$HTTP_STATUS

SA_ANS_TITLE="Kiến nghị cải cách $SA_W"
sa_try_accept() { sa_call insp POST "/api/v1/feedback/$1/accept" "{\"unit_id\": $SA_UNIT}" && [ "$HTTP_STATUS" = 200 ]; }
sa_call anon POST /api/v1/feedback "$(jq -nc --arg t "$SA_ANS_TITLE" '{kind: "recommendation", title: $t,
    content: "Đề nghị đơn giản hoá hồ sơ.", submitter: {name: "Trần Thị Bình", address: "1 Lý Thái Tổ",
    phone: "0912 345 678", email: "tran.thi.binh@example.vn"}}')" -H "X-Forwarded-For: 10.94.0.$((SA_XFF + 1))"
SA_ANS=$(sa_jq '.id // 0')
[ "$SA_ANS" != 0 ] || echo "    feedback: $HTTP_STATUS $HTTP_BODY"
sa_steps=""
wait_until 10 sa_try_accept "$SA_ANS"
sa_steps="$sa_steps $HTTP_STATUS"
sa_call insp POST "/api/v1/feedback/$SA_ANS/answer" '{"answer": "Sở đã **rút gọn** hồ sơ còn ba loại giấy tờ.", "publish": true}'
sa_steps="$sa_steps $HTTP_STATUS"
[ "$HTTP_STATUS" = 200 ] || echo "    answer: $HTTP_BODY"
sa_call insp POST "/api/v1/feedback/$SA_ANS/approve" -
sa_steps="$sa_steps $HTTP_STATUS"
[ "$HTTP_STATUS" = 200 ] || echo "    approve: $HTTP_BODY"
expect_eq "setup: a notice, a procedure and a published answer (accepted, answered, approved) hold the word" \
    "1 201 200 200 200" "$([ "$SA_NOTICE" != 0 ] && echo 1 || echo 0) $SA_PROC_STATUS$sa_steps"

# ------------------------------------------------------------ the API
echo "  -- GET /api/v1/search"
sa_search "cai cach $SA_W"
expect_eq "api: a query without diacritics answers 200 JSON" "200 application/json; charset=utf-8" \
    "$HTTP_STATUS $(header Content-Type)"
expect_eq "api: four groups in order, each with its count (6 articles, 1 notice, 1 procedure, 1 answer)" \
    "article=6 notice=1 procedure=1 answer=1" "$(sa_totals)"
expect_eq "api: the answer is {q, page, limit, groups}, q as asked" "groups,limit,page,q|cai cach $SA_W|1 5" \
    "$(sa_jq -r '"\(keys | join(","))|\(.q)|\(.page) \(.limit)"')"
expect_eq "api: every group is available, labelled in Vietnamese, with a link to all its results" \
    "true|Bài viết,Thông báo công khai,Thủ tục hành chính,Trả lời phản ánh, kiến nghị|/tim-kiem.html?q=cai%20cach%20$SA_W&loai=bai-viet" \
    "$(sa_jq -r '"\([.groups[].available] | all)|\([.groups[].label] | join(","))|\(.groups[0].more)"')"
expect_eq "api: every item is {title, url, snippet, date}; five articles at most (limit 5)" \
    '["date","snippet","title","url"] 5' \
    "$(sa_jq -c '[.groups[].items[] | keys] | unique | if length == 1 then .[0] else . end') $(sa_jq '.groups[0].items | length')"
expect_eq "api: each kind links to its page" \
    "/tin-tuc/$SA_SLUG /thong-bao/$SA_NOTICE /thu-tuc/$SA_CODE /hoi-dap.html?id=$SA_ANS" \
    "$(sa_jq -r --arg t "$SA_ART_TITLE" '[(.groups[0].items[] | select(.title == $t) | .url), (.groups[1:][] | .items[0].url)] | join(" ")')"
sa_links=$(sa_jq -r --arg t "$SA_ART_TITLE" '[(.groups[0].items[] | select(.title == $t) | .url), (.groups[1:][] | .items[0].url)] | join(" ")')
sa_codes=""
for sa_u in $sa_links; do sa_codes="$sa_codes $(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$GW$sa_u")"; done
expect_eq "api: each link is a page that answers (200)" " 200 200 200 200" "$sa_codes"
expect_eq "api: the titles are the published ones, the snippets plain text" \
    "true true true Sở đã rút gọn hồ sơ còn ba loại giấy tờ." \
    "$(sa_lists notice "$SA_NOTICE_TITLE") $(sa_lists procedure "$SA_PROC_NAME") $(sa_lists answer "$SA_ANS_TITLE") $(sa_jq -r '.groups[3].items[0].snippet')"
expect_match "api: dates are the contract's times" '^[0-9-]{10}T[0-9:]{8}(\.[0-9]+)?\+07:00$' "$(sa_jq -r '.groups[3].items[0].date')"
expect_match "api: a public read has an ETag" '^(W/)?"' "$(header ETag)"
sa_etag=$(header ETag)
http GET "/api/v1/search?q=$(sa_enc "cai cach $SA_W")" -H "If-None-Match: $sa_etag"
expect_eq "api: If-None-Match answers 304" 304 "$HTTP_STATUS"

sa_search "Cải cách $SA_W"
expect_eq "api: with diacritics the same counts" "article=6 notice=1 procedure=1 answer=1" "$(sa_totals)"
sa_search "CAI CACH $SA_W"
expect_eq "api: in capitals the same counts" "article=6 notice=1 procedure=1 answer=1" "$(sa_totals)"

sa_search "cai cach $SA_TYPO" "limit=20"
expect_eq "api: a one-letter typo still finds the article, the notice, the procedure and the answer" \
    "true true true true" \
    "$(sa_lists article "$SA_ART_TITLE") $(sa_lists notice "$SA_NOTICE_TITLE") $(sa_lists procedure "$SA_PROC_NAME") $(sa_lists answer "$SA_ANS_TITLE")"

sa_search "cai cach $SA_W" "kinds=procedure,answer"
expect_eq "api: kinds=procedure,answer asks those two only" "procedure=1 answer=1" "$(sa_totals)"
sa_search "cai cach $SA_W" "kinds=article&limit=2&page=3"
expect_eq "api: limit and page apply to each group (6 articles, 2 a page, page 3)" "article=6 2 3 2" \
    "$(sa_totals) $(sa_jq '.groups[0].items | length') $(sa_jq '.page') $(sa_jq '.limit')"

sa_call ed GET "/api/v1/search?q=$(sa_enc "cai cach $SA_W")&kinds=article&limit=20" -
expect_eq "api: the draft is not found, even by its editor (six, all published)" "200 6 false" \
    "$HTTP_STATUS $(sa_jq '.groups[0].total') $(sa_lists article "Bản nháp cải cách $SA_W")"

http GET /api/v1/search
expect_eq "api: without q: 400 problem+json naming q" "400 true application/problem+json" \
    "$(problem_names q) $(header Content-Type | cut -d';' -f1)"
expect_match "api: its message is Vietnamese" '[Tt]ừ khoá' "$(sa_jq -r '.errors[0].message')"
sa_search "a"
expect_eq "api: one character: 400 naming q" "400 true" "$(problem_names q)"
expect_match "api: said in Vietnamese" 'ít nhất 2 ký tự' "$(sa_jq -r '.errors[0].message')"
sa_search "  "
expect_eq "api: only spaces: 400 naming q" "400 true" "$(problem_names q)"
sa_search "$(printf 'ệ%.0s' $(seq 201))"
expect_eq "api: 201 characters: 400 naming q" "400 true" "$(problem_names q)"
sa_search "$(printf 'ệ%.0s' $(seq 200))"
expect_eq "api: 200 characters (600 bytes) are fine" 200 "$HTTP_STATUS"
sa_search "cai cach" "kinds=article,people"
expect_eq "api: an unknown kind: 400 naming kinds" "400 true" "$(problem_names kinds)"
sa_search "cai cach" "limit=21"
expect_eq "api: limit 21: 400 naming limit" "400 true" "$(problem_names limit)"
sa_search "cai cach" "page=0"
expect_eq "api: page 0: 400 naming page" "400 true" "$(problem_names page)"
http GET /api/v1/openapi.json
expect_eq "api: the route is in OpenAPI, q required" "search true" \
    "$(sa_jq -r '.paths["/api/v1/search"].get | "\(.operationId) \(.parameters[] | select(.name == "q") | .required)"')"

# ------------------------------------------------------------ the page
echo "  -- /tim-kiem.html rendered on the server"
http GET "/tim-kiem.html?q=$(sa_enc "cai cach $SA_W")"
expect_eq "page: 200 HTML" "200 text/html; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
expect_eq "page: the groups with their headings and counts" "1 1 1 1" \
    "$(sa_has '<h2 id="nhom-bai-viet">Bài viết <span class="count">(6)</span></h2>') $(sa_has '<h2 id="nhom-thong-bao">Thông báo công khai <span class="count">(1)</span></h2>') $(sa_has '<h2 id="nhom-thu-tuc">Thủ tục hành chính <span class="count">(1)</span></h2>') $(sa_has '<h2 id="nhom-tra-loi">Trả lời phản ánh, kiến nghị <span class="count">(1)</span></h2>')"
expect_eq "page: each item links to its page" "1 1 1 1" \
    "$(sa_has "href=\"/tin-tuc/$SA_SLUG\"") $(sa_has "href=\"/thong-bao/$SA_NOTICE\"") $(sa_has "href=\"/thu-tuc/$SA_CODE\"") $(sa_has "href=\"/hoi-dap.html?id=$SA_ANS\"")"
# shellcheck disable=SC1111 # the page's own quotation marks
expect_eq "page: the count says so, and the articles' group links to all six" "1 1" \
    "$(sa_has "Tìm thấy 9 kết quả cho “cai cach $SA_W”.") $(sa_has "Xem tất cả 6 bài viết →")"
expect_eq "page: a title's <script> and quotes are escaped, never raw" "1 0" \
    "$(sa_has "Cải cách $SA_W hành chính &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;trích&quot;") $(sa_has '<script>alert("x")')"
expect_eq "page: results are noindex, not kept (no-store, no ETag)" "1 no-store " \
    "$(sa_has '<meta name="robots" content="noindex">') $(header Cache-Control) $(header ETag)"
expect_eq "page: no script is needed (none on the page but the header's)" 0 "$(grep -c '<script' "$T_TMP/body")"

http GET "/tim-kiem.html?q=$(sa_enc "<script>alert(1)</script> $SA_W")"
expect_eq "page: the query is shown back escaped" "1 0" \
    "$(sa_has 'value="&lt;script&gt;alert(1)&lt;/script&gt;') $(sa_has '<script>alert(1)')"

http GET "/tim-kiem.html?q=$(sa_enc "cai cach $SA_TYPO")"
expect_eq "page: a typo finds every kind too" "1 1 1 1" \
    "$(sa_has "href=\"/tin-tuc/$SA_SLUG\"") $(sa_has "href=\"/thong-bao/$SA_NOTICE\"") $(sa_has "href=\"/thu-tuc/$SA_CODE\"") $(sa_has "href=\"/hoi-dap.html?id=$SA_ANS\"")"

http GET "/tim-kiem.html?q=$(sa_enc "cai cach $SA_W")&loai=bai-viet"
expect_eq "page: ?loai=bai-viet lists the six articles alone, with a way back to every kind" "200 6 0 1" \
    "$HTTP_STATUS $(grep -c 'href="/tin-tuc/' "$T_TMP/body") $(sa_has 'id="nhom-thong-bao"') $(sa_has '← Kết quả ở mọi mục')"
http GET "/tim-kiem.html?q=$(sa_enc "cai cach $SA_W")&loai=bai-viet&trang=2"
expect_eq "page: a page past the last of one kind is a 404 page" 404 "$HTTP_STATUS"
http GET "/tim-kiem.html?q=cai+cach&loai=khong-co"
expect_eq "page: an unknown kind is a 404 page" 404 "$HTTP_STATUS"

http GET /tim-kiem.html
expect_eq "page: without q, the form alone (indexable, no results)" "200 1 0 0" \
    "$HTTP_STATUS $(sa_has 'action="/tim-kiem.html"') $(sa_has 'id="result-count"') $(sa_has 'noindex')"
http GET "/tim-kiem.html?q=a"
expect_eq "page: a query of one character says why, in Vietnamese" "200 1" \
    "$HTTP_STATUS $(sa_has 'role="alert" id="result-count">Từ khoá cần ít nhất 2 ký tự')"
http GET /
expect_eq "page: the header's search box on every page points to /tim-kiem.html" "1 1" \
    "$(sa_has '<form class="site-search" action="/tim-kiem.html" method="get" role="search"') $(sa_has 'id="site-q" name="q"')"

# ------------------------------------------------------------ a service down
echo "  -- a service down: its groups unavailable, the others answer"
stack_stop feedback-svc
sa_search "cai cach $SA_W"
expect_eq "down: feedback-svc stopped: 200, answers unavailable, the others as before" \
    "200 article=6 notice=1 procedure=1 answer=null false" \
    "$HTTP_STATUS $(sa_totals) $(sa_jq '.groups[3].available')"
expect_match "down: the missing group says why, in Vietnamese" 'tạm thời|không trả lời kịp' "$(sa_jq -r '.groups[3].detail')"
http GET "/tim-kiem.html?q=$(sa_enc "cai cach $SA_W")"
expect_eq "down: the page still lists the articles and says the answers are unavailable" "200 1 1" \
    "$HTTP_STATUS $(sa_has "href=\"/tin-tuc/$SA_SLUG\"") $(sa_has 'chưa tìm được trong mục này')"
stack_start feedback-svc
sa_back() { sa_search "cai cach $SA_W" && [ "$(sa_jq '.groups[3].total')" = 1 ]; }
if wait_until 30 sa_back; then pass "down: feedback-svc back, the answers' group answers again"; else fail "down: feedback-svc back, the answers' group answers again" "$(sa_totals)"; fi

stack_stop content-svc
sa_t0=$(date +%s%N)
sa_search "cai cach $SA_W"
sa_ms=$((($(date +%s%N) - sa_t0) / 1000000))
expect_eq "down: content-svc stopped: 200, its three groups unavailable, the answers still found" \
    "200 article=null notice=null procedure=null answer=1" "$HTTP_STATUS $(sa_totals)"
expect_eq "down: content-svc is asked once, not three times (within one RPC deadline and a half)" true \
    "$([ "$sa_ms" -lt $((${LOA_RPC_TIMEOUT_MS:-5000} * 3 / 2)) ] && echo true || echo "false ($sa_ms ms)")"
stack_start content-svc
sa_back_content() { sa_search "cai cach $SA_W" && [ "$(sa_jq '.groups[0].total')" = 6 ]; }
if wait_until 30 sa_back_content; then pass "down: content-svc back, every group answers"; else fail "down: content-svc back, every group answers" "$(sa_totals)"; fi
