# More pages rendered on the server (decision 0040), read as a crawler reads
# them: curl, no JavaScript. The public notices (/thong-bao.html grouped by
# kind, /thong-bao/{id}), with every field holding <script> and quotes
# escaped, the body's raw HTML dropped by content-svc's Markdown; ETag/304;
# the page changes after a write through the API (a new notice, a hidden
# one); the notices and the published answers in the sitemap.
# Sourced by tests/run.sh (one shell): every name here starts with sm_ / SM_.
# shellcheck shell=bash
# shellcheck disable=SC2034 # SM_TOK is read by name (e2e_call)

SM_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
declare -gA SM_TOK=()
sm_call() { e2e_call SM_TOK "$@"; }
sm_jq() { body_jq "$@"; }
sm_page() { http GET "$@"; }
sm_has() { if grep -qF -- "$1" "$T_TMP/body"; then echo 1; else echo 0; fi; }
sm_esc() { printf '%s' "$1" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g'"; s/'/\\&#39;/g"; }
sm_meta() { grep -o "<meta $1=\"$2\" content=\"[^\"]*\">" "$T_TMP/body" | head -1 | sed 's/.*content="//; s/">$//'; }
# sm_wellformed: the last body parsed as HTML (xmllint's HTML 4 parser)
# without an error but its ignorance of HTML5's elements (header, main,
# nav, section, article, time...): an end tag missing or stray, an
# attribute broken by a quote.
sm_wellformed() {
    xmllint --html --noout "$T_TMP/body" 2>"$T_TMP/xmllint.log"
    if grep 'error' "$T_TMP/xmllint.log" | grep -qv 'HTML parser error : Tag [a-z]* invalid'; then
        grep 'error' "$T_TMP/xmllint.log" | grep -v 'Tag [a-z]* invalid' | head -3 >&2
        echo 0
    else
        echo 1
    fi
}

SM_TOK[admin]=$(admin_token)
SM_TOK[anon]=""

# ------------------------------------------------------------ notices
echo "  -- ssr: the public notices"
SM_NTITLE="Đường dây nóng <script>alert(\"n\")</script> & \"trích\" 'đơn' $SM_RUN"
SM_NBODY="Gọi **0222 3822 514** $SM_RUN.

<script>alert('body')</script><img src=x onerror=alert(1)>

[liên kết độc](javascript:alert(2))"
sm_call admin POST /api/v1/notices "$(jq -nc --arg t "$SM_NTITLE" --arg b "$SM_NBODY" \
    '{kind: "hotline", title: $t, body: $b}')"
SM_NID=$(sm_jq '.id // 0')
expect_eq "setup: a hotline notice whose title and body hold <script> and quotes" 201 "$HTTP_STATUS"
sm_ntitle_html=$(sm_esc "$SM_NTITLE")

sm_page /thong-bao.html
expect_eq "GET /thong-bao.html is 200 HTML, the shared header and footer" "200 text/html; charset=utf-8 1 1" \
    "$HTTP_STATUS $(header Content-Type) $(sm_has 'class="site-header"') $(sm_has 'class="site-footer"')"
expect_eq "  no 'Đang tải' placeholder, print.js its only script, the header's link marked current" "0 1 1" \
    "$(sm_has 'Đang tải') $(grep -c '<script' "$T_TMP/body") $(sm_has '<a href="/thong-bao.html" aria-current="page">')"
expect_eq "  the notice under its kind's heading, its title escaped and linked to /thong-bao/{id}" "1 1" \
    "$(sm_has '<h2 id="k-hotline">Đường dây nóng và thư điện tử</h2>') $(sm_has "<h3><a href=\"/thong-bao/$SM_NID\">$sm_ntitle_html</a></h3>")"
sm_card=$(sed -n "/id=\"thong-bao-$SM_NID\"/,/<\/article>/p" "$T_TMP/body")
expect_eq "  its body as content-svc renders it: the Markdown's emphasis; no raw HTML, no javascript: link" "1 0 0 0" \
    "$(printf '%s' "$sm_card" | grep -c '<strong>0222 3822 514</strong>') $(printf '%s' "$sm_card" | grep -c onerror) $(printf '%s' "$sm_card" | grep -c 'javascript:') $(printf '%s' "$sm_card" | grep -c "alert('body')")"
expect_eq "  the hotline section inside #notices, before the other kinds" 1 \
    "$(sed -n '/id="notices"/,$p' "$T_TMP/body" | grep -m1 -c '<section aria-labelledby="k-hotline" id="hotline">')"
expect_match "  its canonical link" '<link rel="canonical" href="(https?://[^"]*)?/thong-bao.html">' "$HTTP_BODY"
expect_eq "  Open Graph: a website, its address" "website true" \
    "$(sm_meta property og:type) $(sm_meta property og:url | grep -q '/thong-bao.html$' && echo true)"
expect_eq "  well-formed HTML (xmllint --html)" 1 "$(sm_wellformed)"
SM_NETAG=$(header ETag)
sm_page /thong-bao.html -H "If-None-Match: $SM_NETAG"
expect_eq "  If-None-Match with its ETag: 304" 304 "$HTTP_STATUS"
sm_page /thong-bao
expect_eq "  /thong-bao is the same page" "200 $SM_NETAG" "$HTTP_STATUS $(header ETag)"

sm_page "/thong-bao/$SM_NID"
expect_eq "/thong-bao/{id}: 200, the title escaped in <h1> and <title>, the body rendered" "200 1 1 1 0" \
    "$HTTP_STATUS $(sm_has "<h1>$sm_ntitle_html</h1>") $(sm_has "<title>$sm_ntitle_html — ") $(sm_has '<strong>0222 3822 514</strong>') $(sm_has 'onerror')"
expect_match "  its canonical link" "<link rel=\"canonical\" href=\"(https?://[^\"]*)?/thong-bao/$SM_NID\">" "$HTTP_BODY"
expect_eq "  og:title is the title escaped; its kind linked back" "1 1" \
    "$([ "$(sm_meta property og:title)" = "$sm_ntitle_html" ] && echo 1 || echo 0) $(sm_has '<a href="/thong-bao.html#hotline">Đường dây nóng và thư điện tử</a>')"
expect_eq "  well-formed HTML" 1 "$(sm_wellformed)"
sm_one_etag=$(header ETag)
sm_page "/thong-bao/$SM_NID" -H "If-None-Match: $sm_one_etag"
expect_eq "  If-None-Match: 304" 304 "$HTTP_STATUS"
sm_page "/thong-bao/999999999"
expect_eq "an unknown notice: the 404 page in Vietnamese, never stored" "404 1 no-store" \
    "$HTTP_STATUS $(sm_has 'Không tìm thấy thông báo') $(header Cache-Control)"
sm_page "/thong-bao/abc"
expect_eq "a notice's address that is not an id: 404" 404 "$HTTP_STATUS"
http POST /thong-bao.html
expect_eq "POST to the notices: 405" 405 "$HTTP_STATUS"

echo "  -- ssr: a write through the API changes the notices' pages"
SM_N2="Thông báo mới của đợt $SM_RUN"
sm_call admin POST /api/v1/notices "$(jq -nc --arg t "$SM_N2" '{kind: "staff_evaluation", title: $t, body: "Kết quả."}')"
SM_N2ID=$(sm_jq '.id // 0')
sm_page /thong-bao.html
expect_eq "a new notice is on the page at once, under its kind, with a new ETag" "1 1 true" \
    "$(sm_has "$SM_N2") $(sm_has '<h2 id="k-staff_evaluation">Đánh giá cán bộ, công chức</h2>') $([ "$(header ETag)" != "$SM_NETAG" ] && echo true || echo false)"
sm_call admin PATCH "/api/v1/notices/$SM_NID" '{"is_active": false}'
expect_eq "setup: the admin hides the first notice" "200 false" "$HTTP_STATUS $(sm_jq .is_active)"
sm_page /thong-bao.html
expect_eq "  hidden, it leaves the list; the other stays" "0 1" "$(sm_has "/thong-bao/$SM_NID\"") $(sm_has "$SM_N2")"
sm_page "/thong-bao/$SM_NID"
expect_eq "  and its own page is 404 (no cached copy)" 404 "$HTTP_STATUS"
sm_call admin PATCH "/api/v1/notices/$SM_N2ID" "$(jq -nc --arg t "$SM_N2 (sửa)" '{title: $t}')"
sm_page "/thong-bao/$SM_N2ID"
expect_eq "  a renamed notice's page shows its new title" 1 "$(sm_has "$SM_N2 (sửa)</h1>")"

http GET /sitemap.xml
expect_eq "sitemap: the public notice's page listed, not the hidden one" "1 0" \
    "$(grep -c "/thong-bao/$SM_N2ID</loc>" "$T_TMP/body") $(grep -c "/thong-bao/$SM_NID</loc>" "$T_TMP/body")"

# ------------------------------------------------------------ answers
echo "  -- ssr: the published answers"
sm_call admin POST /api/v1/units "$(jq -nc --arg c "SM-$(printf '%s' "$SM_RUN" | tr '[:lower:]' '[:upper:]')" --arg n "Phòng Hỏi đáp <Thử> $SM_RUN" '{code: $c, name: $n}')"
SM_UNIT=$(sm_jq '.id // 0')
expect_eq "setup: a unit whose name holds <Thử>" 201 "$HTTP_STATUS"
e2e_staff SM_TOK insp '["inspector"]' null "e2e.sm-insp-$SM_RUN" "Thanh tra trang tĩnh"
# sm_answer TITLE CONTENT ANSWER: an item sent by a citizen, accepted for
# SM_UNIT, answered and approved with publication; SM_AID its id ("" when
# a step failed).
sm_answer() {
    local id
    SM_AID=""
    sm_call anon POST /api/v1/feedback "$(jq -nc --arg t "$1" --arg c "$2" \
        '{kind: "recommendation", title: $t, content: $c,
          submitter: {name: "Phan Văn Bímật", address: "77 Ngõ Kín, TP Bắc Ninh", phone: "0977 654 321", email: "bi.mat@example.vn"}}')" \
        -H "X-Forwarded-For: 100.68.$((RANDOM % 200)).$((RANDOM % 250 + 1))"
    id=$(sm_jq '.id // empty')
    SM_CODE=$(sm_jq '.tracking_code // empty')
    [ -n "$id" ] || return 0
    sm_try_accept() { sm_call insp POST "/api/v1/feedback/$id/accept" "{\"unit_id\": $SM_UNIT}" && [ "$HTTP_STATUS" = 200 ]; }
    wait_until 10 sm_try_accept || return 0
    sm_call insp POST "/api/v1/feedback/$id/answer" "$(jq -nc --arg a "$3" '{answer: $a, publish: true}')"
    [ "$HTTP_STATUS" = 200 ] || return 0
    sm_call insp POST "/api/v1/feedback/$id/approve" -
    [ "$HTTP_STATUS" = 200 ] && SM_AID=$id
    return 0
}
SM_ATITLE="Kiến nghị <script>alert(\"a\")</script> & \"rút ngắn\" 'thời hạn' $SM_RUN"
SM_ATEXT="Trả lời <b>đậm</b> & \"trích\" $SM_RUN.
Dòng thứ hai."
sm_answer "$SM_ATITLE" "Nội dung <i>kiến nghị</i> về thẩm định $SM_RUN." "$SM_ATEXT"
SM_A1=$SM_AID
expect_eq "setup: an answer whose title, content and answer hold markup and quotes is published" true \
    "$([ -n "$SM_A1" ] && echo true || echo false)"
sm_atitle_html=$(sm_esc "$SM_ATITLE")
sm_no_private() { printf '%s %s %s %s' "$(sm_has 'Bímật')" "$(sm_has '0977 654 321')" "$(sm_has 'bi.mat@example.vn')" "$(sm_has 'Ngõ Kín')"; }

sm_page /hoi-dap.html
expect_eq "GET /hoi-dap.html is 200 HTML, print.js its only script, no placeholder" "200 text/html; charset=utf-8 1 0" \
    "$HTTP_STATUS $(header Content-Type) $(grep -c '<script' "$T_TMP/body") $(sm_has 'Đang tải')"
expect_eq "  the answer listed, its title escaped and linked to ?id=N, its excerpt escaped" "1 1" \
    "$(sm_has "<a href=\"/hoi-dap.html?id=$SM_A1\">$sm_atitle_html</a>") $(sm_has "Trả lời &lt;b&gt;đậm&lt;/b&gt; &amp; &quot;trích&quot; $SM_RUN.")"
expect_eq "  never a personal detail of the submitter, nor a tracking code" "0 0 0 0 0" "$(sm_no_private) $(sm_has 'PAKN.')"
expect_eq "  the form: a plain GET to /hoi-dap.html, the unit in its filter (escaped)" "1 1" \
    "$(sm_has '<form id="answers-search" class="search" action="/hoi-dap.html" method="get" role="search">') $(sm_has "<option value=\"$SM_UNIT\">Phòng Hỏi đáp &lt;Thử&gt; $SM_RUN</option>")"
expect_eq "  Open Graph: a website; well-formed HTML" "website 1" "$(sm_meta property og:type) $(sm_wellformed)"
SM_AETAG=$(header ETag)
sm_page /hoi-dap.html -H "If-None-Match: $SM_AETAG"
expect_eq "  If-None-Match with its ETag: 304" 304 "$HTTP_STATUS"
sm_page "/hoi-dap.html?unit_id=$SM_UNIT"
expect_eq "?unit_id=: the unit's answers, the unit selected in the form" "200 1 1 1" \
    "$HTTP_STATUS $(sm_has "?id=$SM_A1\"") $(sm_has "<option value=\"$SM_UNIT\" selected>") $(sm_has '1 câu trả lời.')"
sm_h0=$(curl -s --max-time 10 "$GW/metrics" | sed -n 's/^loa_cache_lookups_total{result="hit"} //p')
sm_page "/hoi-dap.html?q=kien%20nghi%20rut%20ngan%20$SM_RUN"
sm_page "/hoi-dap.html?q=kien%20nghi%20rut%20ngan%20$SM_RUN"
sm_h1=$(curl -s --max-time 10 "$GW/metrics" | sed -n 's/^loa_cache_lookups_total{result="hit"} //p')
# shellcheck disable=SC1111 # the page's own quotation marks, “…”
expect_eq "?q= without diacritics finds it, the query kept in the field; no ETag, never from the cache" "200 1 1 1 - 0" \
    "$HTTP_STATUS $(sm_has "?id=$SM_A1\"") $(sm_has "1 câu trả lời khớp với “kien nghi rut ngan $SM_RUN”") $(sm_has "value=\"kien nghi rut ngan $SM_RUN\"") $(header ETag)- $((sm_h1 - sm_h0))"
sm_page "/hoi-dap.html?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
expect_eq "  a query holding markup comes back escaped" "200 0 1" \
    "$HTTP_STATUS $(sm_has '<script>alert') $(sm_has 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')"
sm_page "/hoi-dap.html?unit_id=abc"
expect_eq "  ?unit_id= that is not an id: the 404 page" 404 "$HTTP_STATUS"

sm_page "/hoi-dap.html?id=$SM_A1"
expect_eq "?id=N: 200, the title escaped in <h1> and <title>, the content and the answer escaped" "200 1 1 1 1" \
    "$HTTP_STATUS $(sm_has "<h1 id=\"page-title\">$sm_atitle_html</h1>") $(sm_has "<title>$sm_atitle_html — ") $(sm_has "Nội dung &lt;i&gt;kiến nghị&lt;/i&gt; về thẩm định $SM_RUN.") $(sm_has "<div class=\"fb-answer\" id=\"answer-text\">Trả lời &lt;b&gt;đậm&lt;/b&gt;")"
expect_eq "  no personal detail, no tracking code; the unit named; well-formed" "0 0 0 0 0 1 1" \
    "$(sm_no_private) $(sm_has 'PAKN.') $(sm_has "Phòng Hỏi đáp &lt;Thử&gt; $SM_RUN") $(sm_wellformed)"
expect_match "  its canonical link" "<link rel=\"canonical\" href=\"(https?://[^\"]*)?/hoi-dap.html\\?id=$SM_A1\">" "$HTTP_BODY"
sm_one_etag=$(header ETag)
sm_page "/hoi-dap.html?id=$SM_A1" -H "If-None-Match: $sm_one_etag"
expect_eq "  If-None-Match: 304" 304 "$HTTP_STATUS"
sm_page "/hoi-dap.html?id=999999999"
expect_eq "an unknown answer: the 404 page in Vietnamese" "404 1 no-store" \
    "$HTTP_STATUS $(sm_has 'Không tìm thấy câu trả lời đã công khai') $(header Cache-Control)"

# sm_in_sitemap TEXT: 1 when the sitemap (or any part of its index) holds TEXT.
sm_in_sitemap() {
    local doc part
    doc=$(curl -s --max-time 20 "$GW/sitemap.xml")
    if grep -q '<sitemapindex' <<<"$doc"; then
        for part in $(grep -o '/sitemap-[0-9]*\.xml' <<<"$doc"); do
            doc="$doc$(curl -s --max-time 20 "$GW$part")"
        done
    fi
    if grep -qF -- "$1" <<<"$doc"; then echo 1; else echo 0; fi
}
expect_eq "sitemap: the published answer's page listed" 1 "$(sm_in_sitemap "/hoi-dap.html?id=$SM_A1</loc>")"
sm_answer "Kiến nghị thứ hai $SM_RUN" "Nội dung hai." "Trả lời hai $SM_RUN."
expect_eq "setup: a second answer is published through the API" true "$([ -n "$SM_AID" ] && echo true || echo false)"
expect_eq "  the sitemap lists the new answer at once (its key names feedback-svc's generation)" 1 \
    "$(sm_in_sitemap "/hoi-dap.html?id=$SM_AID</loc>")"
sm_page /hoi-dap.html
expect_eq "  the list shows it at once, with a new ETag" "1 true" \
    "$(sm_has "Kiến nghị thứ hai $SM_RUN</a>") $([ "$(header ETag)" != "$SM_AETAG" ] && echo true || echo false)"
sm_call admin PATCH "/api/v1/units/$SM_UNIT" "$(jq -nc --arg n "Phòng Hỏi đáp mới $SM_RUN" '{name: $n}')"
sm_renamed=$HTTP_STATUS
sm_page /hoi-dap.html
expect_eq "  a unit renamed in content-svc: the form's filter shows the new name" "200 200 1" \
    "$sm_renamed $HTTP_STATUS $(sm_has "Phòng Hỏi đáp mới $SM_RUN</option>")"

# ------------------------------------------------------------ tracking
echo "  -- ssr: the tracking form answered by the server"
sm_xff="100.69.$((RANDOM % 200)).$((RANDOM % 250 + 1))"
sm_track() { sm_page "/tra-cuu.html$1" -H "X-Forwarded-For: $sm_xff"; }
SM_TCODE=$SM_CODE
sm_track ""
expect_eq "/tra-cuu.html: 200, a plain GET form, no message, indexable, well-formed" "200 1 0 0 1" \
    "$HTTP_STATUS $(sm_has '<form id="track-form" class="search" action="/tra-cuu.html" method="get" novalidate role="search">') $(sm_has 'role="alert"') $(sm_has 'noindex') $(sm_wellformed)"
sm_track "?code=$SM_TCODE"
expect_eq "?code= an answered item: 200, its code, title, status and answer, no-store, noindex" "200 1 1 1 1 no-store 1" \
    "$HTTP_STATUS $(sm_has "<span class=\"code\">$SM_TCODE</span>") $(sm_has "<dd>Kiến nghị thứ hai $SM_RUN</dd>") $(sm_has '<strong id="track-status">Đã công khai kết quả trả lời</strong>') $(sm_has "Trả lời hai $SM_RUN.") $(header Cache-Control) $(sm_has '<meta name="robots" content="noindex">')"
expect_eq "  the code kept in the field; the steps listed; never a personal detail; well-formed" "1 1 0 0 0 0 1" \
    "$(sm_has "value=\"$SM_TCODE\"") $(sm_has '<ol class="steps">') $(sm_no_private) $(sm_wellformed)"
expect_eq "  the rating left to the script (data-can-rate), no ETag" "1 -" \
    "$(sm_has 'data-can-rate="1"') $(header ETag)-"
sm_track "?code=$(printf '%s' "$SM_TCODE" | tr '[:upper:]' '[:lower:]')"
expect_eq "  the code in lower case finds it too" "200 1" "$HTTP_STATUS $(sm_has "<span class=\"code\">$SM_TCODE</span>")"
sm_track "?code=PAKN.20220101.ZZZZZZ"
expect_eq "an unknown code: 404, the message in Vietnamese, the code kept, no-store, noindex" "404 1 1 no-store 1" \
    "$HTTP_STATUS $(sm_has '<h2>Không tìm thấy hồ sơ với mã số này</h2>') $(sm_has 'value="PAKN.20220101.ZZZZZZ"') $(header Cache-Control) $(sm_has 'noindex')"
sm_track "?code=abc%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
expect_eq "a malformed code: 400, the message next to the field, the text escaped back, no-store" "400 1 1 0 1 no-store" \
    "$HTTP_STATUS $(sm_has '<p class="field-error" id="code-error">Mã số hồ sơ không đúng dạng</p>') $(sm_has 'value="abc&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"') $(sm_has '<script>alert') $(sm_has 'aria-invalid="true"') $(header Cache-Control)"
expect_eq "  well-formed" 1 "$(sm_wellformed)"

# ------------------------------------------------------------ structured data, previews
echo "  -- ssr: a procedure's JSON-LD, the lists' link previews"
SM_PCODE="E2E.SM-$(printf '%s' "$SM_RUN" | tr '[:lower:]' '[:upper:]')"
SM_PNAME="Đăng ký <thử> & \"dữ liệu\" </script> $SM_RUN"
sm_call admin POST /api/v1/procedures "$(jq -nc --arg c "$SM_PCODE" --arg n "$SM_PNAME" \
    '{code: $c, name: $n, field: "Đầu tư <nước ngoài>", decision_no: "99/QĐ-UBND", decision_date: "2024-03-01", processing_days: 15, fee: "Không thu", online_level: 3}')"
expect_eq "setup: a procedure whose name holds markup, quotes and </script>" 201 "$HTTP_STATUS"
sm_page "/thu-tuc/$SM_PCODE"
sed -n 's|.*<script type="application/ld+json">\(.*\)</script>.*|\1|p' "$T_TMP/body" >"$T_TMP/ld.json"
expect_eq "/thu-tuc/{code}: JSON-LD, a GovernmentService named exactly, given by the department" \
    "GovernmentService|true|GovernmentOrganization|Sở Kế hoạch và Đầu tư Bắc Ninh|Đầu tư <nước ngoài>|true" \
    "$(jq -r '."@graph"[0]."@type"' "$T_TMP/ld.json")|$(jq -r --arg n "$SM_PNAME" '."@graph"[0].name == $n' "$T_TMP/ld.json")|$(jq -r '."@graph"[0].provider."@type"' "$T_TMP/ld.json")|$(jq -r '."@graph"[0].provider.name' "$T_TMP/ld.json")|$(jq -r '."@graph"[0].serviceType' "$T_TMP/ld.json")|$(jq -r --arg c "$SM_PCODE" '."@graph"[0].url | endswith("/thu-tuc/" + $c)' "$T_TMP/ld.json")"
expect_eq "  its description names the code and the time limit; its BreadcrumbList of three, the last the procedure" \
    "true|BreadcrumbList|3|true" \
    "$(jq -r --arg c "$SM_PCODE" '."@graph"[0].description | (contains($c) and contains("15 ngày làm việc"))' "$T_TMP/ld.json")|$(jq -r '."@graph"[1]."@type"' "$T_TMP/ld.json")|$(jq -r '."@graph"[1].itemListElement | length' "$T_TMP/ld.json")|$(jq -r --arg n "$SM_PNAME" '."@graph"[1].itemListElement[2].name == $n' "$T_TMP/ld.json")"
expect_eq "  the name's </script> cannot end the script (no \"</\" inside); one ld+json script" "0 1" \
    "$(grep -c '</' "$T_TMP/ld.json") $(grep -c 'application/ld+json' "$T_TMP/body")"
expect_eq "  Open Graph: its name escaped, its address; well-formed" "$(sm_esc "$SM_PNAME")|true|1" \
    "$(sm_meta property og:title)|$(sm_meta property og:url | grep -q "/thu-tuc/$SM_PCODE\$" && echo true)|$(sm_wellformed)"
sm_call anon GET '/api/v1/topics?per_page=1' -
sm_topic=$(sm_jq '.items[0].id // 0')
# sm_og_ok PATH: the last page has the link-preview metadata of a list at PATH.
sm_og_ok() {
    local card
    card=$(sm_meta name twitter:card)
    [ "$HTTP_STATUS" = 200 ] || return 1
    [ "$(sm_meta property og:type)" = website ] || return 1
    [ -n "$(sm_meta property og:title)" ] && [ -n "$(sm_meta property og:description)" ] || return 1
    sm_meta property og:url | grep -q -- "$1\$" || return 1
    [ "$card" = summary ] || [ "$card" = summary_large_image ] || return 1
    [ "$(sm_wellformed)" = 1 ]
}
sm_og_bad=""
for sm_path in / /tin-tuc /cai-cach-hanh-chinh "/tin-tuc/chu-de/$sm_topic" "/tin-tuc/don-vi/$SM_UNIT" /thu-tuc.html; do
    sm_page "$sm_path"
    sm_og_ok "$sm_path" || sm_og_bad="$sm_og_bad $sm_path:$HTTP_STATUS"
done
expect_eq "the lists, the home page and the catalogue: og:type website, og:title, og:description, og:url their address, a Twitter card" "" "$sm_og_bad"
sm_page "/tin-tuc/don-vi/$SM_UNIT"
expect_eq "  a unit's list: og:title its heading, escaped; no og:image without an image" "Tin của Phòng Hỏi đáp mới $SM_RUN|0" \
    "$(sm_meta property og:title)|$(grep -c 'og:image' "$T_TMP/body")"

# ------------------------------------------------------------ single flight
# Readers that miss a page together wait for the one that makes it (one
# call of notices.get) instead of each asking content-svc.
echo "  -- ssr: single flight for pages"
sm_rpc_calls() {
    curl -s "$GW/metrics" | awk '/^loa_rpc_requests_total\{service="content-svc"/ { s += $2 } END { print s + 0 }'
}
sm_call admin POST /api/v1/notices "$(jq -nc --arg t "Thông báo đọc cùng lúc $SM_RUN" '{kind: "other", title: $t, body: "Nội dung."}')"
SM_N3=$(sm_jq '.id // 0')
expect_eq "setup: a notice no one has read yet" 201 "$HTTP_STATUS"
sleep 1 # its event in: a late one would make the fill's page stale
sm_before=$(sm_rpc_calls)
sm_jobs=()
for sm_i in 1 2 3 4 5 6 7 8; do
    curl -s -D "$T_TMP/sm-sf-h.$sm_i" -o "$T_TMP/sm-sf-b.$sm_i" -w '%{http_code}\n' --max-time 10 \
        "$GW/thong-bao/$SM_N3" >"$T_TMP/sm-sf.$sm_i" &
    sm_jobs+=($!)
done
wait "${sm_jobs[@]}"
expect_eq "eight readers missing a notice's page together all get 200, one page (one ETag)" "200 200 200 200 200 200 200 200|1" \
    "$(cat "$T_TMP"/sm-sf.[1-8] | tr '\n' ' ' | sed 's/ $//')|$(grep -hi '^etag:' "$T_TMP"/sm-sf-h.[1-8] | sort -u | wc -l)"
expect_eq "  the page is made once for them: one call to content-svc (notices.get)" 1 $(($(sm_rpc_calls) - sm_before))
