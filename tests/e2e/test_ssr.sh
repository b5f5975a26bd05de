# Pages rendered on the server (gateway/portal/article.c, decision 0035),
# read as a crawler reads them: curl, no JavaScript. An article at
# /tin-tuc/{slug} holds its title, summary, date, unit, topics and body;
# a title, summary and body full of <script> and quotes come out escaped
# (the body's raw HTML dropped by content-svc's Markdown); the old
# bai-viet.html?slug=|?id= addresses and an id move (301) to the permanent
# one; an unknown, draft or retracted article is a Vietnamese 404 page; the
# page has an ETag (If-None-Match: 304), is served from the gateway's cache,
# and changes when the article is corrected or retracted.
# Sourced by tests/run.sh (one shell): every name here starts with ss_ / SS_.
# shellcheck shell=bash
# shellcheck disable=SC2034 # SS_TOK is read by name (e2e_call)

SS_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
SS_RUN_UC=$(printf '%s' "$SS_RUN" | tr '[:lower:]' '[:upper:]')
declare -gA SS_TOK=()

ss_call() { e2e_call SS_TOK "$@"; }
ss_jq() { body_jq "$@"; }
ss_word() { printf 'zs%s' "$(head -c 1200 /dev/urandom | LC_ALL=C tr -dc '[:lower:]' | head -c 8)"; }
# ss_page PATH [curl args...]: the page as a crawler gets it (no credentials).
ss_page() { http GET "$@"; }
# ss_has TEXT: 1 when the last body holds TEXT (fixed string), else 0.
ss_has() { if grep -qF -- "$1" "$T_TMP/body"; then echo 1; else echo 0; fi; }
# The cache's hits so far (/metrics).
ss_hits() {
    curl -s --max-time 10 "$GW/metrics" | sed -n 's/^loa_cache_lookups_total{result="hit"} //p'
}

echo "  -- set-up: a unit, an editor and a reviewer, a published article"
SS_TOK[admin]=$(admin_token)
SS_TOK[anon]=""
SS_UNIT_NAME="Phòng Trang tĩnh <Thử> & \"nghiệm\" $SS_RUN"
ss_call admin POST /api/v1/units "$(jq -nc --arg c "SS-$SS_RUN_UC" --arg n "$SS_UNIT_NAME" '{code: $c, name: $n}')"
SS_UNIT=$(ss_jq '.id // 0')
e2e_staff SS_TOK ed '["editor"]' "$SS_UNIT" "e2e.ss-ed-$SS_RUN" "Biên tập trang tĩnh"
e2e_staff SS_TOK rev '["reviewer"]' null "e2e.ss-rev-$SS_RUN" "Duyệt trang tĩnh"
ss_call anon GET '/api/v1/topics?per_page=100' -
SS_TOPIC=$(ss_jq '[.items[] | select(.is_cchc | not)][0].id // 0')
SS_TOPIC_NAME=$(ss_jq -r '[.items[] | select(.is_cchc | not)][0].name // ""')

SS_W1=$(ss_word)
SS_W2=$(ss_word)
SS_TITLE="Tin <script>alert(\"t\")</script> & \"trích\" 'đơn' $SS_RUN"
SS_SUMMARY="Tóm tắt <b>đậm</b> & \"ngoặc\" $SS_RUN"
SS_BODY="Đoạn **quan trọng** $SS_W1.

<script>alert('body')</script><img src=x onerror=alert(1)>

[liên kết độc](javascript:alert(2))"
e2e_publish SS_TOK ed rev "$(jq -nc --arg t "$SS_TITLE" --arg s "$SS_SUMMARY" --arg b "$SS_BODY" \
    --argjson tp "[$SS_TOPIC]" '{title: $t, summary: $s, body: $b, topic_ids: $tp}')"
SS_ID=${E2E_ID:-0}
expect_eq "setup: an article whose title, summary and body hold <script> and quotes is published" \
    true "$([ "$SS_ID" != 0 ] && echo true || echo false)"
ss_call anon GET "/api/v1/articles/$SS_ID" -
SS_SLUG=$(ss_jq -r '.slug // "none"')

# ------------------------------------------------------------ the page
echo "  -- ssr: an article as a crawler reads it"
ss_page "/tin-tuc/$SS_SLUG"
expect_eq "GET /tin-tuc/{slug} is 200 HTML" "200 text/html; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
expect_eq "  <html lang=\"vi\">, the shared header and footer, the site's stylesheet" "1 1 1 1" \
    "$(ss_has '<html lang="vi">') $(ss_has 'class="site-header"') $(ss_has 'class="site-footer"') $(ss_has '/css/site.css')"
expect_match "  a canonical link to its permanent address" \
    "<link rel=\"canonical\" href=\"(https?://[^\"]*)?/tin-tuc/$SS_SLUG\">" "$HTTP_BODY"
expect_eq "  its Vietnamese version and the feed linked" "1 1" \
    "$(ss_has 'hreflang="vi"') $(ss_has 'href="/tin-tuc.atom"')"
expect_eq "  no 'Đang tải' placeholder; one script, print.js (a module: it blocks nothing), and the data" "0 1 1 1" \
    "$(ss_has 'Đang tải') $(grep '<script' "$T_TMP/body" | grep -vc 'application/ld+json') $(ss_has '<script type="module" src="/js/print.js?v=') $(ss_has '<script type="application/ld+json">')"
ss_title_html="Tin &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; &quot;trích&quot; &#39;đơn&#39; $SS_RUN"
expect_eq "  the title, escaped, in <h1> and <title>" "1 1" \
    "$(ss_has "<h1>$ss_title_html</h1>") $(ss_has "<title>$ss_title_html — ")"
expect_eq "  the summary, escaped, as the lead and the description" "1 1" \
    "$(ss_has "<p class=\"lead\">Tóm tắt &lt;b&gt;đậm&lt;/b&gt; &amp; &quot;ngoặc&quot; $SS_RUN</p>") $(ss_has "<meta name=\"description\" content=\"Tóm tắt &lt;b&gt;")"
expect_eq "  the body as content-svc renders it: the Markdown's emphasis and text" "1 1" \
    "$(ss_has '<strong>quan trọng</strong>') $(ss_has "$SS_W1")"
expect_eq "  the body's raw HTML and javascript: link are not there" "0 0 0" \
    "$(ss_has 'onerror') $(ss_has 'javascript:') $(ss_has "alert('body')")"
expect_eq "  the unit's name, escaped" 1 \
    "$(ss_has "$(printf '%s' "$SS_UNIT_NAME" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g')")"
expect_eq "  the topic and the unit, linked to their lists" "1 1" \
    "$(ss_has "<a class=\"tag\" href=\"/tin-tuc/chu-de/$SS_TOPIC\">$SS_TOPIC_NAME</a>") $(ss_has "<a href=\"/tin-tuc/don-vi/$SS_UNIT\">")"
expect_match "  the date of publication in Vietnam's time" \
    'Đăng ngày <time datetime="[0-9-]{10}T[0-9:]{8}(\.[0-9]+)?\+07:00">[0-9]{2}:[0-9]{2} [0-9]{2}/[0-9]{2}/[0-9]{4}</time>' "$HTTP_BODY"
expect_eq "  no update line before any correction" 0 "$(ss_has 'Cập nhật lúc')"
expect_match "  the page's security policy (no inline script)" "default-src 'self'" "$(header Content-Security-Policy)"
# Link previews (Open Graph, Twitter) and structured data (JSON-LD).
ss_meta() { grep -o "<meta $1=\"$2\" content=\"[^\"]*\">" "$T_TMP/body" | sed 's/.*content="//; s/">$//'; }
expect_eq "  Open Graph: an article, its title escaped, its address, the department" \
    "article|$ss_title_html|true|Sở Kế hoạch và Đầu tư Bắc Ninh|vi_VN" \
    "$(ss_meta property og:type)|$(ss_meta property og:title)|$(ss_meta property og:url | grep -q "/tin-tuc/$SS_SLUG\$" && echo true)|$(ss_meta property og:site_name)|$(ss_meta property og:locale)"
expect_eq "  Twitter: a summary card (no photo), the same title; the times of publication" \
    "summary|$ss_title_html|true" \
    "$(ss_meta name twitter:card)|$(ss_meta name twitter:title)|$(ss_meta property article:published_time | grep -qE '^[0-9-]{10}T' && echo true)"
sed -n 's|.*<script type="application/ld+json">\(.*\)</script>.*|\1|p' "$T_TMP/body" >"$T_TMP/ld.json"
expect_eq "  JSON-LD: a NewsArticle whose headline is the title exactly, and its BreadcrumbList" \
    "NewsArticle|true|vi|BreadcrumbList|3|true" \
    "$(jq -r '."@graph"[0]."@type"' "$T_TMP/ld.json")|$(jq -r --arg t "$SS_TITLE" '."@graph"[0].headline == $t' "$T_TMP/ld.json")|$(jq -r '."@graph"[0].inLanguage' "$T_TMP/ld.json")|$(jq -r '."@graph"[1]."@type"' "$T_TMP/ld.json")|$(jq -r '."@graph"[1].itemListElement | length' "$T_TMP/ld.json")|$(jq -r '."@graph"[0].url | endswith("/tin-tuc/'"$SS_SLUG"'")' "$T_TMP/ld.json")"
expect_eq "  JSON-LD: the title's </script> cannot end its script (no \"</\" inside)" 0 "$(grep -c '</' "$T_TMP/ld.json")"

SS_ETAG=$(header ETag)
expect_eq "  a strong ETag, Cache-Control public, no-cache" "true public, no-cache" \
    "$(printf '%s' "$SS_ETAG" | grep -Eq '^"[0-9a-f]{16}"$' && echo true || echo false) $(header Cache-Control)"
ss_page "/tin-tuc/$SS_SLUG" -H "If-None-Match: $SS_ETAG"
expect_eq "If-None-Match with its ETag: 304 without a body, with the page's policy" "304 0 true" \
    "$HTTP_STATUS ${#HTTP_BODY} $(header Content-Security-Policy | grep -q "default-src 'self'" && echo true || echo false)"
http HEAD "/tin-tuc/$SS_SLUG"
expect_eq "HEAD: 200 HTML with the same ETag" "200 $SS_ETAG" "$HTTP_STATUS $(header ETag)"

ss_h0=$(ss_hits)
ss_page "/tin-tuc/$SS_SLUG"
ss_page "/tin-tuc/$SS_SLUG"
ss_h1=$(ss_hits)
expect_eq "the page is served from the gateway's cache (two more hits), the same bytes" "true $SS_ETAG" \
    "$([ "$((ss_h1 - ss_h0))" -ge 2 ] && echo true || echo false) $(header ETag)"
ss_page "/tin-tuc/$SS_SLUG" -H 'Cache-Control: no-cache'
expect_eq "  Cache-Control: no-cache asks the service again: the same page" "200 $SS_ETAG" "$HTTP_STATUS $(header ETag)"
ss_page "/tin-tuc/$SS_SLUG" -H "Authorization: Bearer ${SS_TOK[ed]}"
expect_eq "  a member's credentials change nothing: the public page" "200 $SS_ETAG" "$HTTP_STATUS $(header ETag)"

# ------------------------------------------------------------ old addresses
echo "  -- ssr: old addresses move to the permanent one"
ss_page "/bai-viet.html?slug=$SS_SLUG"
expect_eq "/bai-viet.html?slug=… is 301 to /tin-tuc/{slug}" "301 /tin-tuc/$SS_SLUG" "$HTTP_STATUS $(header Location)"
ss_page "/bai-viet?slug=$SS_SLUG"
expect_eq "/bai-viet?slug=… too" "301 /tin-tuc/$SS_SLUG" "$HTTP_STATUS $(header Location)"
ss_page "/bai-viet.html?id=$SS_ID"
expect_eq "/bai-viet.html?id=N is 301 to /tin-tuc/N" "301 /tin-tuc/$SS_ID" "$HTTP_STATUS $(header Location)"
ss_page "/tin-tuc/$SS_ID"
expect_eq "/tin-tuc/N (an id) is 301 to the slug" "301 /tin-tuc/$SS_SLUG" "$HTTP_STATUS $(header Location)"
ss_page "/bai-viet.html?id=$SS_ID" -L
expect_eq "  followed, the old address ends on the article" "200 1" "$HTTP_STATUS $(ss_has "<h1>$ss_title_html</h1>")"
ss_page "/bai-viet.html?slug=a%22%3E%3Cscript%3E"
expect_eq "/bai-viet.html?slug= with characters no slug has: the 404 page, nothing moved" "404 " \
    "$HTTP_STATUS $(header Location)"
ss_page "/bai-viet.html"
expect_eq "/bai-viet.html without a reference is still the page it was" 200 "$HTTP_STATUS"

# ------------------------------------------------------------ not found
echo "  -- ssr: what is not a public article"
ss_page "/tin-tuc/khong-co-bai-nay-$SS_RUN"
expect_eq "an unknown slug: 404 HTML, never stored" "404 text/html; charset=utf-8 no-store" \
    "$HTTP_STATUS $(header Content-Type) $(header Cache-Control)"
expect_eq "  in Vietnamese, with the site's header, lang=vi" "1 1 1" \
    "$(ss_has 'Không tìm thấy bài viết') $(ss_has 'class="site-header"') $(ss_has '<html lang="vi">')"
ss_page "/tin-tuc/a.b"
expect_eq "a slug with other characters: 404 page" "404 1" "$HTTP_STATUS $(ss_has 'Không tìm thấy bài viết')"
ss_call ed POST /api/v1/articles "$(jq -nc --arg t "Bản nháp trang tĩnh $SS_RUN" '{title: $t, body: "Chưa đăng"}')"
ss_draft_slug=$(ss_jq -r '.slug // "none"')
ss_page "/tin-tuc/$ss_draft_slug" -H "Authorization: Bearer ${SS_TOK[ed]}"
expect_eq "a draft: 404, even to its editor's credentials" "404 0" "$HTTP_STATUS $(ss_has 'Bản nháp trang tĩnh')"
http POST "/tin-tuc/$SS_SLUG"
expect_eq "POST to a page: 405 with Allow" "405 GET, HEAD" "$HTTP_STATUS $(header Allow)"
ss_page "/_templates/bai-viet.html"
expect_eq "the templates themselves are never served" "404 0" "$HTTP_STATUS $(ss_has '{{')"

# ------------------------------------------------------------ lists
echo "  -- ssr: the lists of articles, paged"
ss_call anon GET '/api/v1/topics?per_page=100' -
SS_TOPIC_CCHC=$(ss_jq '[.items[] | select(.is_cchc)][0].id // 0')
for ss_i in $(seq 1 11); do
    e2e_publish SS_TOK ed rev "$(jq -nc --arg t "Tin số $ss_i của đơn vị $SS_RUN" --argjson tp "[$SS_TOPIC_CCHC]" \
        '{title: $t, summary: "Tóm tắt", body: "Nội dung", topic_ids: $tp}')"
    [ -n "$E2E_ID" ] || break
done
expect_eq "setup: eleven more articles of the unit, CCHC, are published" 11 "$ss_i$([ -n "$E2E_ID" ] || echo ' (failed)')"
SS_LAST=$E2E_ID

ss_page "/tin-tuc/don-vi/$SS_UNIT"
expect_eq "/tin-tuc/don-vi/{id}: 200 HTML, the unit's name (escaped) in the heading" "200 1" \
    "$HTTP_STATUS $(ss_has "<h1>Tin của $(printf '%s' "$SS_UNIT_NAME" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g')</h1>")"
expect_eq "  12 articles, page 1 of 2: ten cards, newest first, each linked to /tin-tuc/{slug}" "1 10 1" \
    "$(ss_has '12 bài viết · trang 1/2') $(grep -c '<article class="card">' "$T_TMP/body") $(ss_has "Tin số 11 của đơn vị $SS_RUN</a>")"
expect_eq "  the next page linked (rel=next), no previous" "1 1 0" \
    "$(ss_has "<link rel=\"next\" href=\"/tin-tuc/don-vi/$SS_UNIT?trang=2\">") $(ss_has 'rel="next">Trang sau') $(ss_has 'rel="prev"')"
ss_list_etag=$(header ETag)
ss_page "/tin-tuc/don-vi/$SS_UNIT" -H "If-None-Match: $ss_list_etag"
expect_eq "  If-None-Match: 304" 304 "$HTTP_STATUS"
ss_page "/tin-tuc/don-vi/$SS_UNIT?trang=2"
expect_eq "  ?trang=2: the last two, the first article escaped, its canonical address and rel=prev" "200 2 1 1 1" \
    "$HTTP_STATUS $(grep -c '<article class="card">' "$T_TMP/body") $(ss_has "<a href=\"/tin-tuc/$SS_SLUG\">$ss_title_html</a>") $(ss_has "/tin-tuc/don-vi/$SS_UNIT?trang=2\">") $(ss_has "<link rel=\"prev\" href=\"/tin-tuc/don-vi/$SS_UNIT\">")"
ss_page "/tin-tuc/don-vi/$SS_UNIT?trang=3"
expect_eq "  ?trang=3 (past the end): the 404 page" "404 1" "$HTTP_STATUS $(ss_has 'Không tìm thấy danh sách bài viết')"
ss_page "/tin-tuc/don-vi/$SS_UNIT?trang=abc"
expect_eq "  ?trang=abc: the 404 page" 404 "$HTTP_STATUS"

ss_page "/tin-tuc/chu-de/$SS_TOPIC"
expect_eq "/tin-tuc/chu-de/{id}: the topic's name in the heading, the first article in it, the topic's feed" "200 1 1 1" \
    "$HTTP_STATUS $(ss_has "<h1>Chủ đề: $SS_TOPIC_NAME</h1>") $(ss_has "href=\"/tin-tuc/$SS_SLUG\"") $(ss_has "type=\"application/atom+xml\" href=\"/tin-tuc/chu-de/$SS_TOPIC.atom\"")"
ss_page "/cai-cach-hanh-chinh"
expect_eq "/cai-cach-hanh-chinh: the CCHC articles, not the other" "200 1 1 0" \
    "$HTTP_STATUS $(ss_has '<h1>Cải cách hành chính</h1>') $(ss_has "Tin số 11 của đơn vị $SS_RUN") $(ss_has "href=\"/tin-tuc/$SS_SLUG\"")"
ss_page "/tin-tuc"
expect_eq "/tin-tuc: every article, the newest first, the topics' lists linked" "200 1 1 1" \
    "$HTTP_STATUS $(ss_has "Tin số 11 của đơn vị $SS_RUN") $(ss_has "<a href=\"/tin-tuc/chu-de/$SS_TOPIC\">") $(ss_has '<a href="/cai-cach-hanh-chinh">')"
ss_page "/tin-tuc/chu-de/999999999"
expect_eq "an unknown topic: 404 page" "404 1" "$HTTP_STATUS $(ss_has 'Không tìm thấy chủ đề')"
ss_page "/tin-tuc/don-vi/999999999"
expect_eq "an unknown unit: 404 page" "404 1" "$HTTP_STATUS $(ss_has 'Không tìm thấy đơn vị')"
ss_page "/tin-tuc/chu-de/abc"
expect_eq "a topic that is not an id: 404 page" 404 "$HTTP_STATUS"
http POST "/tin-tuc"
expect_eq "POST to a list: 405" 405 "$HTTP_STATUS"

ss_call anon GET "/api/v1/articles/$SS_LAST" -
ss_call rev POST "/api/v1/articles/$SS_LAST/retract" '{"reason": "Trùng lặp"}' -H "If-Match: \"$(ss_jq -r '.version // 0')\""
ss_list_less() {
    ss_page "/tin-tuc/don-vi/$SS_UNIT"
    [ "$(ss_has '11 bài viết · trang 1/2')" = 1 ]
}
wait_until 10 ss_list_less
expect_eq "a retraction changes the unit's list: 11 articles, the retracted one gone, a new ETag" "1 0 true" \
    "$(ss_has '11 bài viết') $(ss_has "Tin số 11 của đơn vị $SS_RUN") $([ "$(header ETag)" != "$ss_list_etag" ] && echo true || echo false)"

echo "  -- ssr: the home page"
ss_page "/"
expect_eq "/: 200 HTML, print.js its only script, no 'Đang tải' placeholder, the home link marked current" "200 1 0 1" \
    "$HTTP_STATUS $(grep -c '<script' "$T_TMP/body") $(ss_has 'Đang tải') $(ss_has '<li><a href="/" aria-current="page">')"
ss_newest=$(sed -n '/id="newest"/,/Xem tất cả bài viết/p' "$T_TMP/body")
ss_cchc=$(sed -n '/id="cchc"/,/Xem các bài cải cách/p' "$T_TMP/body")
expect_eq "  the newest articles (the retracted one gone) and the CCHC section hold the newest, linked" "0 1 1" \
    "$(printf '%s' "$ss_newest" | grep -c "Tin số 11 của đơn vị $SS_RUN") $(printf '%s' "$ss_newest" | grep -c "Tin số 10 của đơn vị $SS_RUN</a>") $(printf '%s' "$ss_cchc" | grep -c "Tin số 10 của đơn vị $SS_RUN</a>")"
expect_eq "  the links to every article and to the CCHC list" "1 1" \
    "$(ss_has '<a href="/tin-tuc">Xem tất cả bài viết →</a>') $(ss_has '<a href="/cai-cach-hanh-chinh">')"
ss_home_etag=$(header ETag)
ss_page "/" -H "If-None-Match: $ss_home_etag"
expect_eq "  If-None-Match: 304" 304 "$HTTP_STATUS"
ss_page "/index.html"
expect_eq "  /index.html is the same page" "200 $ss_home_etag" "$HTTP_STATUS $(header ETag)"

# ------------------------------------------------------------ procedures
echo "  -- ssr: the procedures catalogue and one procedure"
SS_PCODE="E2E.SSR-$SS_RUN_UC"
SS_PNAME="Cấp giấy <thử> & \"nghiệm\" trang tĩnh $SS_RUN"
ss_call admin POST /api/v1/procedures "$(jq -nc --arg c "$SS_PCODE" --arg n "$SS_PNAME" \
    '{code: $c, name: $n, field: "Thử nghiệm", decision_no: "1234/QĐ-UBND", decision_date: "2024-02-29", processing_days: 10, fee: "100.000 đồng", online_level: 2}')"
expect_eq "setup: a procedure whose name holds <thử> and quotes" 201 "$HTTP_STATUS"
ss_pname_html="Cấp giấy &lt;thử&gt; &amp; &quot;nghiệm&quot; trang tĩnh $SS_RUN"
ss_page "/thu-tuc.html"
expect_eq "/thu-tuc.html: 200 HTML, print.js its only script, no placeholder, the count" "200 1 0 1" \
    "$HTTP_STATUS $(grep -c '<script' "$T_TMP/body") $(ss_has 'Đang tải') $(grep -cE '<p role="status">[0-9]+ thủ tục\.</p>' "$T_TMP/body")"
ss_cat_etag=$(header ETag)
ss_page "/thu-tuc.html" -H "If-None-Match: $ss_cat_etag"
expect_eq "  If-None-Match: 304" 304 "$HTTP_STATUS"
ss_page "/thu-tuc.html?q=cap%20giay%20thu%20nghiem%20trang%20tinh%20$SS_RUN"
expect_eq "  searched without diacritics: the procedure, escaped, linked to /thu-tuc/{code}, the query kept" "200 1 1 1" \
    "$HTTP_STATUS $(ss_has "<a href=\"/thu-tuc/$SS_PCODE\">$ss_pname_html</a>") $(ss_has '1 thủ tục khớp với') $(ss_has "value=\"cap giay thu nghiem trang tinh $SS_RUN\"")"
ss_page "/thu-tuc.html?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
expect_eq "  a query holding markup comes back escaped" "200 0 1" \
    "$HTTP_STATUS $(ss_has '<script>alert') $(ss_has 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')"
ss_page "/thu-tuc/$SS_PCODE"
expect_eq "/thu-tuc/{code}: 200, the name (escaped) as h1, the code, the days, the fee, the decision" "200 1 1 1 1 1" \
    "$HTTP_STATUS $(ss_has "<h1>$ss_pname_html</h1>") $(ss_has "<dd>$SS_PCODE</dd>") $(ss_has '<dd>10 ngày làm việc</dd>') $(ss_has '<dd>100.000 đồng</dd>') $(ss_has '<dd>1234/QĐ-UBND (29/02/2024)</dd>')"
expect_match "  its canonical address" "<link rel=\"canonical\" href=\"(https?://[^\"]*)?/thu-tuc/$SS_PCODE\">" "$HTTP_BODY"
ss_page "/thu-tuc/E2E.KHONG-CO-$SS_RUN_UC"
expect_eq "an unknown code: the 404 page" "404 1" "$HTTP_STATUS $(ss_has 'Không tìm thấy thủ tục')"

# ------------------------------------------------------------ changes
echo "  -- ssr: a correction and a retraction change the page"
SS_NOTE="Sửa số liệu <quý> & \"năm\" $SS_RUN"
ss_call ed POST "/api/v1/articles/$SS_ID/revisions" "$(jq -nc --arg n "$SS_NOTE" --arg w "$SS_W2" \
    '{note: $n, body: ("Đoạn đã sửa " + $w)}')"
ss_rev=$(ss_jq '.id // 0')
ss_call ed POST "/api/v1/articles/$ss_rev/submit" '{}'
ss_call rev POST "/api/v1/articles/$ss_rev/publish" '{}'
expect_eq "setup: a correction with a note is published" 200 "$HTTP_STATUS"
ss_corrected() {
    ss_page "/tin-tuc/$SS_SLUG"
    [ "$(ss_has "$SS_W2")" = 1 ]
}
wait_until 10 ss_corrected
expect_eq "the page shows the corrected text, not the old one" "200 1 0" \
    "$HTTP_STATUS $(ss_has "$SS_W2") $(ss_has "$SS_W1")"
expect_match "  with \"Cập nhật lúc … — note\" (escaped)" \
    "<p class=\"correction\" id=\"cap-nhat\">Cập nhật lúc <time datetime=\"[^\"]+\">[0-9]{2}:[0-9]{2} [0-9/]{10}</time> — Sửa số liệu &lt;quý&gt; &amp; &quot;năm&quot; $SS_RUN</p>" \
    "$HTTP_BODY"
ss_etag2=$(header ETag)
ss_page "/tin-tuc/$SS_SLUG" -H "If-None-Match: $SS_ETAG"
expect_eq "  a new ETag: the old one is answered 200 now" "false 200" \
    "$([ "$ss_etag2" = "$SS_ETAG" ] && echo true || echo false) $HTTP_STATUS"

ss_call anon GET "/api/v1/articles/$SS_ID" -
ss_call rev POST "/api/v1/articles/$SS_ID/retract" '{"reason": "Thông tin chưa chính xác"}' \
    -H "If-Match: \"$(ss_jq -r '.version // 0')\""
expect_eq "setup: the reviewer retracts the article" "200 retracted" "$HTTP_STATUS $(ss_jq -r .status)"
ss_gone() {
    ss_page "/tin-tuc/$SS_SLUG"
    [ "$HTTP_STATUS" = 404 ]
}
wait_until 10 ss_gone
expect_eq "a retracted article's page is the 404 page at once" "404 1 0" \
    "$HTTP_STATUS $(ss_has 'Không tìm thấy bài viết') $(ss_has "$SS_W2")"
