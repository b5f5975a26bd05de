# The portal found and shared (issue 21, gateway/portal/seo.h): robots.txt,
# the sitemap (validated against the sitemaps.org XSDs, an index of parts
# when LOA_SITEMAP_MAX_URLS is small), the Atom feeds of published articles
# (validated against RFC 4287's schema), all and per topic, their escaping,
# ETag and 304, their invalidation by a publication; the pages' head links
# to the feed. Schemas: tests/e2e/seo/README.md.
# Sourced by tests/run.sh (one shell): every name here starts with se_ / SE_.
# shellcheck shell=bash
# shellcheck disable=SC2034 # SE_TOK is read by name (e2e_call)

SE_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
SE_PUB=${LOA_PUBLIC_URL%/}
SE_DIR="$T_TMP/seo"
mkdir -p "$SE_DIR"
declare -gA SE_TOK=()
se_call() { e2e_call SE_TOK "$@"; }

# se_valid NAME SCHEMA_FLAG SCHEMA: the last response's body validates.
se_valid() {
    local out
    printf '%s' "$HTTP_BODY" >"$SE_DIR/doc.xml"
    if out=$(xmllint --noout "$2" "$3" "$SE_DIR/doc.xml" 2>&1); then
        pass "$1"
    else
        fail "$1" "$(printf '%s' "$out" | head -5)"
    fi
}
# se_xpath EXPR: the XPath 1.0 expression on the last response's body (a
# string, number or boolean expression; namespaces by local-name()).
se_xpath() {
    printf '%s' "$HTTP_BODY" >"$SE_DIR/doc.xml"
    xmllint --xpath "$1" "$SE_DIR/doc.xml" 2>/dev/null
}
# se_locs: the <loc>s of the last response, one a line.
se_locs() {
    printf '%s' "$HTTP_BODY" | python3 -c '
import sys, xml.etree.ElementTree as ET
ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
for loc in ET.parse(sys.stdin).getroot().iter(ns + "loc"):
    print(loc.text)'
}
# se_lastmod URL: the <lastmod> of that <url> in the last response.
se_lastmod() {
    se_xpath "string(//*[local-name()='url'][*[local-name()='loc']='$1']/*[local-name()='lastmod'])"
}
# se_entry SLUG XPATH: the string of XPATH within the feed's entry of SLUG.
se_entry() {
    se_xpath "string(//*[local-name()='entry'][*[local-name()='id']='$SE_PUB/tin-tuc/$1']$2)"
}
# se_has_entry SLUG: how many entries of the last feed are SLUG's.
se_has_entry() {
    se_xpath "count(//*[local-name()='entry'][*[local-name()='id']='$SE_PUB/tin-tuc/$1'])"
}
se_hits() { curl -s "$GW/metrics" | sed -n 's/^loa_cache_lookups_total{result="hit"} //p'; }

echo "  -- set-up: a unit, an editor, a reviewer, two topics"
SE_TOK[admin]=$(admin_token)
se_call admin POST /api/v1/units "$(jq -nc --arg c "SE-$(printf '%s' "$SE_RUN" | tr '[:lower:]' '[:upper:]')" --arg n "Phòng Thử nghiệm Sơ đồ trang $SE_RUN" '{code: $c, name: $n}')"
SE_UNIT=$(body_jq '.id // 0')
expect_eq "setup: the admin creates a unit" 201 "$HTTP_STATUS"
SE_UNIT_NAME="Phòng Thử nghiệm Sơ đồ trang $SE_RUN"
e2e_staff SE_TOK ed '["editor"]' "$SE_UNIT" "e2e.se-ed-$SE_RUN" "Biên tập viên sơ đồ trang"
e2e_staff SE_TOK rev '["reviewer"]' null "e2e.se-rev-$SE_RUN" "Người duyệt sơ đồ trang"
http GET '/api/v1/topics?per_page=100'
SE_T1=$(body_jq '.items[0].id // 0')
SE_T1_CODE=$(body_jq '.items[0].code // ""')
SE_T1_NAME=$(body_jq '.items[0].name // ""')
SE_T2=$(body_jq '.items[1].id // 0')

# ------------------------------------------------------------ robots.txt

echo "  -- robots.txt"
http GET /robots.txt
expect_eq "robots: 200 text/plain" "200 text/plain; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
expect_eq "robots: names the sitemap by its absolute address" 1 \
    "$(printf '%s\n' "$HTTP_BODY" | grep -cx "Sitemap: $SE_PUB/sitemap.xml")"
expect_eq "robots: the portal allowed, the console, the API and Open311 not, the assets yes" \
    "Allow: / Allow: /api/v1/assets/ Disallow: /admin/ Disallow: /api/ Disallow: /open311/" \
    "$(printf '%s\n' "$HTTP_BODY" | grep -E '^(Allow|Disallow):' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "robots: for every crawler" 1 "$(printf '%s\n' "$HTTP_BODY" | grep -cx 'User-agent: \*')"

# ------------------------------------------------------------ the sitemap

echo "  -- sitemap.xml"
http GET /sitemap.xml
expect_eq "sitemap: 200 application/xml" "200 application/xml; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
se_valid "sitemap: valid against sitemaps.org's sitemap.xsd" --schema tests/e2e/seo/sitemap.xsd
se_locs >"$SE_DIR/locs0"
expect_eq "sitemap: lists the home page and the static public pages, absolute" "1 1 1" \
    "$(grep -cx "$SE_PUB/" "$SE_DIR/locs0") $(grep -cx "$SE_PUB/thu-tuc.html" "$SE_DIR/locs0") $(grep -cx "$SE_PUB/thong-bao.html" "$SE_DIR/locs0")"
expect_eq "sitemap: never the console, the 404 page, bai-viet.html or /index.html" 0 \
    "$(grep -cE '/admin/|/404\.html$|/bai-viet\.html$|/index\.html$' "$SE_DIR/locs0")"
SE_ETAG0=$(header ETag)
expect_match "sitemap: a strong ETag" '^"[0-9a-f]{16}"$' "$SE_ETAG0"
http GET /sitemap.xml -H "If-None-Match: $SE_ETAG0"
expect_eq "sitemap: If-None-Match with its ETag is 304 without a body" "304 0" "$HTTP_STATUS ${#HTTP_BODY}"
se_h0=$(se_hits)
http GET /sitemap.xml
http GET /sitemap.xml
se_h1=$(se_hits)
if [ $((se_h1 - se_h0)) -ge 2 ]; then pass "sitemap: repeated reads come from the cache"; else fail "sitemap: cache" "hits $se_h0 -> $se_h1"; fi

echo "  -- publishing: an article in the sitemap and the feeds, a draft and a retracted one not"
SE_TITLE="Thông báo <tuyển dụng> & \"khẩn\" $SE_RUN"
SE_SUMMARY="Tóm tắt có <b>thẻ</b> & ký tự đặc biệt"
e2e_publish SE_TOK ed rev "$(jq -nc --arg t "$SE_TITLE" --arg s "$SE_SUMMARY" --argjson tp "[$SE_T1]" \
    '{title: $t, summary: $s, body: "Nội dung bài thử nghiệm sơ đồ trang.", topic_ids: $tp}')"
SE_A=${E2E_ID:-0}
if [ "$SE_A" != 0 ]; then pass "setup: an article in topic 1 is published"; else fail "setup: an article in topic 1 is published" "$HTTP_STATUS $HTTP_BODY"; fi
http GET "/api/v1/articles/$SE_A"
SE_A_SLUG=$(body_jq .slug)
SE_A_UPDATED=$(body_jq .updated_at)
SE_A_PUBLISHED=$(body_jq .published_at)
e2e_publish SE_TOK ed rev "$(jq -nc --arg t "Bài chủ đề hai $SE_RUN" --argjson tp "[$SE_T2]" \
    '{title: $t, summary: "Tóm tắt hai", body: "Nội dung hai.", topic_ids: $tp}')"
SE_B=${E2E_ID:-0}
http GET "/api/v1/articles/$SE_B"
SE_B_SLUG=$(body_jq .slug)
se_call ed POST /api/v1/articles "$(jq -nc --arg t "Bản nháp sơ đồ trang $SE_RUN" '{title: $t, summary: "Nháp", body: "Nháp."}')"
SE_D_SLUG=$(body_jq '.slug // "none"')
e2e_publish SE_TOK ed rev "$(jq -nc --arg t "Bài sẽ gỡ $SE_RUN" '{title: $t, summary: "Gỡ", body: "Gỡ."}')"
SE_R=${E2E_ID:-0}
http GET "/api/v1/articles/$SE_R"
SE_R_SLUG=$(body_jq '.slug // "none"')
se_call rev POST "/api/v1/articles/$SE_R/retract" '{"reason": "Thử gỡ bài khỏi sơ đồ trang"}'
expect_eq "setup: an article is retracted" 200 "$HTTP_STATUS"

http GET /sitemap.xml -H "If-None-Match: $SE_ETAG0"
expect_eq "sitemap: after publishing, the old ETag no longer matches (invalidated)" 200 "$HTTP_STATUS"
expect_eq "sitemap: a new ETag" true "$([ "$(header ETag)" != "$SE_ETAG0" ] && echo true || echo false)"
se_valid "sitemap: still valid after publishing" --schema tests/e2e/seo/sitemap.xsd
se_locs >"$SE_DIR/locs1"
expect_eq "sitemap: lists the published article at /tin-tuc/{slug}" 1 \
    "$(grep -cx "$SE_PUB/tin-tuc/$SE_A_SLUG" "$SE_DIR/locs1")"
expect_eq "sitemap: its lastmod is the article's last update" "$SE_A_UPDATED" "$(se_lastmod "$SE_PUB/tin-tuc/$SE_A_SLUG")"
expect_eq "sitemap: neither the draft nor the retracted article" "0 0" \
    "$(grep -cx "$SE_PUB/tin-tuc/$SE_D_SLUG" "$SE_DIR/locs1") $(grep -cx "$SE_PUB/tin-tuc/$SE_R_SLUG" "$SE_DIR/locs1")"
http GET '/api/v1/articles?per_page=1'
SE_TOTAL=$(body_jq .total)
expect_eq "sitemap: every published article, besides the static pages" "$SE_TOTAL" \
    "$(grep "^$SE_PUB/tin-tuc/" "$SE_DIR/locs1" | grep -cv "^$SE_PUB/tin-tuc/\(chu-de\|don-vi\)/")"
# The other pages rendered on the server: the lists of articles (all, CCHC,
# each topic's, each active unit's) and each procedure in force.
http GET '/api/v1/procedures?status=active&per_page=1'
SE_PROC=$(body_jq '.items[0].code // ""')
SE_PROCS=$(body_jq '.total // 0')
http GET '/api/v1/topics?per_page=100'
SE_TOPICS=$(body_jq '.total // 0')
expect_eq "sitemap: the lists of articles, each topic's, the new unit's, and the procedures in force" \
    "1 1 1 1 $SE_TOPICS 1 $SE_PROCS" \
    "$(grep -cx "$SE_PUB/tin-tuc" "$SE_DIR/locs1") $(grep -cx "$SE_PUB/cai-cach-hanh-chinh" "$SE_DIR/locs1") $(grep -cx "$SE_PUB/tin-tuc/chu-de/$SE_T1" "$SE_DIR/locs1") $(grep -cx "$SE_PUB/tin-tuc/don-vi/$SE_UNIT" "$SE_DIR/locs1") $(grep -c "^$SE_PUB/tin-tuc/chu-de/" "$SE_DIR/locs1") $(grep -c "^$SE_PUB/thu-tuc/$(printf '%s' "$SE_PROC" | jq -sRr @uri)\$" "$SE_DIR/locs1") $(grep -c "^$SE_PUB/thu-tuc/" "$SE_DIR/locs1")"
se_bad=""
while read -r se_loc; do
    se_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$GW${se_loc#"$SE_PUB"}")
    [ "$se_code" = 200 ] || se_bad="$se_bad ${se_loc#"$SE_PUB"}:$se_code"
done < <(grep -E "^$SE_PUB/(tin-tuc|cai-cach-hanh-chinh|thu-tuc/)" "$SE_DIR/locs1" | grep -v "^$SE_PUB/tin-tuc/[^/]*\$" | head -200)
expect_eq "sitemap: each of those pages answers 200" "" "$se_bad"
http GET /sitemap.xml -H "Authorization: Bearer ${SE_TOK[ed]}"
expect_eq "sitemap: an editor's request lists what the public sees (no draft)" "200 0" \
    "$HTTP_STATUS $(se_locs | grep -cx "$SE_PUB/tin-tuc/$SE_D_SLUG")"

# ------------------------------------------------------------ the Atom feeds

echo "  -- the Atom feeds"
trang -I rnc -O rng tests/e2e/seo/atom.rnc "$SE_DIR/atom.rng" 2>"$SE_DIR/trang.log"
expect_eq "atom: RFC 4287's schema converts to RELAX NG (trang)" true \
    "$([ -s "$SE_DIR/atom.rng" ] && echo true || echo false)"
http GET /tin-tuc.atom
expect_eq "atom: 200 application/atom+xml" "200 application/atom+xml; charset=utf-8" \
    "$HTTP_STATUS $(header Content-Type)"
se_valid "atom: valid against RFC 4287's RELAX NG schema" --relaxng "$SE_DIR/atom.rng"
expect_eq "atom: the RFC's rules: every entry has an author and an alternate link" "0 0" \
    "$(se_xpath "count(//*[local-name()='entry'][not(*[local-name()='author'])])") $(se_xpath "count(//*[local-name()='entry'][not(*[local-name()='link'][@rel='alternate'])])")"
expect_eq "atom: xml:lang is vi, the feed's id and self link its absolute address" \
    "vi $SE_PUB/tin-tuc.atom $SE_PUB/tin-tuc.atom" \
    "$(se_xpath "string(/*/@xml:lang)") $(se_xpath "string(/*/*[local-name()='id'])") $(se_xpath "string(/*/*[local-name()='link'][@rel='self']/@href)")"
expect_eq "atom: newest first (the last one published heads the feed)" "$SE_PUB/tin-tuc/$SE_B_SLUG" \
    "$(se_xpath "string(//*[local-name()='entry'][1]/*[local-name()='id'])")"
expect_eq "atom: at most 30 entries" true "$([ "$(se_xpath "count(//*[local-name()='entry'])")" -le 30 ] && echo true || echo false)"
expect_eq "atom: the entry links to /tin-tuc/{slug}" "$SE_PUB/tin-tuc/$SE_A_SLUG" \
    "$(se_entry "$SE_A_SLUG" "/*[local-name()='link'][@rel='alternate']/@href")"
expect_eq "atom: the title with < & \" reads back exactly (escaped)" "$SE_TITLE" "$(se_entry "$SE_A_SLUG" "/*[local-name()='title']")"
expect_eq "atom: the summary reads back exactly (escaped, as text)" "$SE_SUMMARY" "$(se_entry "$SE_A_SLUG" "/*[local-name()='summary']")"
expect_eq "atom: no raw markup from the title reaches the document" 0 "$(printf '%s' "$HTTP_BODY" | grep -c '<tuyển dụng>')"
expect_eq "atom: published and updated are the article's" "$SE_A_PUBLISHED $SE_A_UPDATED" \
    "$(se_entry "$SE_A_SLUG" "/*[local-name()='published']") $(se_entry "$SE_A_SLUG" "/*[local-name()='updated']")"
expect_eq "atom: the author is the unit" "$SE_UNIT_NAME" "$(se_entry "$SE_A_SLUG" "/*[local-name()='author']/*[local-name()='name']")"
expect_eq "atom: the category is the topic (code, name)" "$SE_T1_CODE $SE_T1_NAME" \
    "$(se_entry "$SE_A_SLUG" "/*[local-name()='category']/@term") $(se_entry "$SE_A_SLUG" "/*[local-name()='category']/@label")"
expect_eq "atom: neither the draft nor the retracted article" "0 0" "$(se_has_entry "$SE_D_SLUG") $(se_has_entry "$SE_R_SLUG")"
SE_FEED_ETAG=$(header ETag)
http GET /tin-tuc.atom -H "If-None-Match: $SE_FEED_ETAG"
expect_eq "atom: If-None-Match with its ETag is 304" 304 "$HTTP_STATUS"

http GET "/tin-tuc/chu-de/$SE_T1.atom"
se_valid "atom: the topic's feed is valid too" --relaxng "$SE_DIR/atom.rng"
expect_eq "atom: the topic's feed has its article, not the other topic's" "1 0" \
    "$(se_has_entry "$SE_A_SLUG") $(se_has_entry "$SE_B_SLUG")"
expect_eq "atom: every entry of the topic's feed is in that topic" 0 \
    "$(se_xpath "count(//*[local-name()='entry'][not(*[local-name()='category'][@term='$SE_T1_CODE'])])")"
expect_eq "atom: the topic's feed is named after it, its self link its own address" \
    "true $SE_PUB/tin-tuc/chu-de/$SE_T1.atom" \
    "$(se_xpath "contains(/*/*[local-name()='title'], '$SE_T1_NAME')") $(se_xpath "string(/*/*[local-name()='link'][@rel='self']/@href)")"
http GET "/tin-tuc/chu-de/$SE_T2.atom"
expect_eq "atom: the other topic's feed has the other article only" "0 1" \
    "$(se_has_entry "$SE_A_SLUG") $(se_has_entry "$SE_B_SLUG")"
http GET /tin-tuc/chu-de/999999999.atom
expect_match "atom: an unknown topic is a 404 problem naming topic_id" '^404 application/problem\+json(;.*)? true$' \
    "$HTTP_STATUS $(header Content-Type) $(body_jq '[.errors[]?.field] | index("topic_id") != null')"
http GET /tin-tuc/chu-de/abc.atom
expect_eq "atom: a topic that is not a number is 404" 404 "$HTTP_STATUS"

echo "  -- invalidation: a new publication reaches the cached feed"
http GET /tin-tuc.atom
SE_FEED_ETAG=$(header ETag)
e2e_publish SE_TOK ed rev "$(jq -nc --arg t "Bài mới nhất $SE_RUN" --argjson tp "[$SE_T1]" \
    '{title: $t, summary: "Mới", body: "Mới.", topic_ids: $tp}')"
http GET "/api/v1/articles/${E2E_ID:-0}"
SE_C_SLUG=$(body_jq .slug)
http GET /tin-tuc.atom -H "If-None-Match: $SE_FEED_ETAG"
expect_eq "atom: after a publication the feed is new and heads with it" "200 $SE_PUB/tin-tuc/$SE_C_SLUG" \
    "$HTTP_STATUS $(se_xpath "string(//*[local-name()='entry'][1]/*[local-name()='id'])")"
# A publication behind the gateway's back (content-svc's event alone).
"$BUILD/loa-rpc" --roles reviewer --user-id 1 --in loa.content.ArticleActionRequest "$LOA_CONTENT_RPC" \
    articles.retract "{\"id\": $SE_B, \"reason\": \"Gỡ bằng RPC\"}" >/dev/null 2>&1
se_b_gone() { [ "$(curl -s "$GW/tin-tuc/chu-de/$SE_T2.atom" | grep -c "$SE_PUB/tin-tuc/$SE_B_SLUG")" = 0 ]; }
http GET "/tin-tuc/chu-de/$SE_T2.atom"
if wait_until 5 se_b_gone; then
    pass "atom: a retraction made straight at content-svc leaves the cached topic feed (its event)"
else
    fail "atom: event invalidation" "the retracted article is still in the topic's feed"
fi

# Single flight: readers that miss a feed together wait for the one that
# makes it (3 calls: topics, units, articles) instead of each making it.
# content-svc is not held here: a loop thread whose first call meets a
# stopped service finds no replica connected (503), which would test that
# instead.
se_rpc_calls() {
    curl -s "$GW/metrics" | awk '/^loa_rpc_requests_total\{service="content-svc"/ { s += $2 } END { print s + 0 }'
}
# A feed no one asked for yet (a third topic's), once the events of the
# writes above are in (a late one would make the fill's document stale).
http GET '/api/v1/topics?per_page=100'
se_t3=$(body_jq '.items[2].id // 0')
sleep 1
se_before=$(se_rpc_calls)
se_jobs=()
for se_i in 1 2 3 4 5 6 7 8; do
    curl -s -D "$SE_DIR/sf-h.$se_i" -o "$SE_DIR/sf-b.$se_i" -w '%{http_code}\n' --max-time 10 \
        "$GW/tin-tuc/chu-de/$se_t3.atom" >"$SE_DIR/sf.$se_i" &
    se_jobs+=($!)
done
wait "${se_jobs[@]}"
expect_eq "atom: eight readers missing a feed together all get 200" "200 200 200 200 200 200 200 200" \
    "$(cat "$SE_DIR"/sf.[1-8] | tr '\n' ' ' | sed 's/ $//')"
expect_eq "atom: they get one document (one ETag)" 1 \
    "$(grep -hi '^etag:' "$SE_DIR"/sf-h.[1-8] | sort -u | wc -l)"
expect_eq "atom: the feed is made once for them (3 calls to content-svc)" 3 $(($(se_rpc_calls) - se_before))

http GET /api/v1/openapi.json
expect_eq "the documents are not the API: OpenAPI lists none of them" 0 \
    "$(body_jq '[.paths | keys[] | select(test("^/(robots\\.txt|sitemap|tin-tuc)"))] | length')"

# ------------------------------------------------------------ the pages' head

echo "  -- the portal's pages link the feed"
http GET /
expect_eq "pages: the home page's head links the Atom feed" 1 \
    "$(printf '%s' "$HTTP_BODY" | grep -c '<link rel="alternate" type="application/atom+xml" href="/tin-tuc.atom"')"
expect_eq "pages: the home page has its canonical address and hreflang vi" "1 1" \
    "$(printf '%s' "$HTTP_BODY" | grep -c '<link rel="canonical" href="/">') $(printf '%s' "$HTTP_BODY" | grep -c '<link rel="alternate" hreflang="vi" href="/">')"
se_bad=""
for se_p in thu-tuc thong-bao tim-kiem phan-anh tra-cuu hoi-dap danh-gia; do
    http GET "/$se_p.html"
    printf '%s' "$HTTP_BODY" | grep -q 'type="application/atom+xml" href="/tin-tuc.atom"' || se_bad="$se_bad $se_p:feed"
    printf '%s' "$HTTP_BODY" | grep -q "<link rel=\"canonical\" href=\"/$se_p.html\">" || se_bad="$se_bad $se_p:canonical"
    printf '%s' "$HTTP_BODY" | grep -q "hreflang=\"vi\" href=\"/$se_p.html\"" || se_bad="$se_bad $se_p:hreflang"
done
expect_eq "pages: every static public page links the feed, its canonical address and hreflang vi" "" "$se_bad"

# ------------------------------------------------------------ the split

echo "  -- LOA_SITEMAP_MAX_URLS=3: a sitemap index of parts"
se_before=$(declare -p LOA_SITEMAP_MAX_URLS 2>/dev/null || echo unset)
http GET /sitemap.xml
se_locs | sort >"$SE_DIR/all"
stack_stop gateway
LOA_SITEMAP_MAX_URLS=3 stack_start gateway
if stack_wait_ready; then pass "split: the gateway restarts with LOA_SITEMAP_MAX_URLS=3"; else fail "split: the gateway restarts with LOA_SITEMAP_MAX_URLS=3"; fi
http GET /sitemap.xml
se_valid "split: /sitemap.xml is a sitemap index valid against siteindex.xsd" --schema tests/e2e/seo/siteindex.xsd
se_n=$(wc -l <"$SE_DIR/all")
se_parts=$(((se_n + 2) / 3))
se_locs >"$SE_DIR/parts"
expect_eq "split: it names ceil(addresses / 3) parts, /sitemap-1.xml ... in order" \
    "$(seq 1 "$se_parts" | sed "s|.*|$SE_PUB/sitemap-&.xml|" | tr '\n' ' ')" "$(tr '\n' ' ' <"$SE_DIR/parts")"
: >"$SE_DIR/joined"
se_bad=""
for se_i in $(seq 1 "$se_parts"); do
    http GET "/sitemap-$se_i.xml"
    [ "$HTTP_STATUS" = 200 ] || se_bad="$se_bad $se_i:$HTTP_STATUS"
    printf '%s' "$HTTP_BODY" >"$SE_DIR/part.xml"
    xmllint --noout --schema tests/e2e/seo/sitemap.xsd "$SE_DIR/part.xml" 2>/dev/null || se_bad="$se_bad $se_i:invalid"
    [ "$(se_locs | wc -l)" -le 3 ] || se_bad="$se_bad $se_i:over3"
    se_locs >>"$SE_DIR/joined"
done
expect_eq "split: every part is a valid urlset of at most 3 addresses" "" "$se_bad"
expect_eq "split: the parts together are the whole sitemap, each address once" "$(cat "$SE_DIR/all")" \
    "$(sort "$SE_DIR/joined")"
http GET /sitemap-1.xml
expect_eq "split: the first part holds the first static pages (the articles follow them)" 0 \
    "$(se_locs | grep -c "^$SE_PUB/tin-tuc/")"
http GET "/sitemap-$((se_parts + 1)).xml"
expect_match "split: a part past the last is a 404 problem" '^404 application/problem\+json' "$HTTP_STATUS $(header Content-Type)"
http GET /sitemap-0.xml
expect_eq "split: part 0 is 404" 404 "$HTTP_STATUS"
stack_stop gateway
stack_start gateway
if stack_wait_ready; then pass "split: the gateway restarts as before"; else fail "split: the gateway restarts as before"; fi
expect_eq "split: LOA_SITEMAP_MAX_URLS is not left set in the test shell" "$se_before" \
    "$(declare -p LOA_SITEMAP_MAX_URLS 2>/dev/null || echo unset)"
http GET /sitemap.xml
expect_eq "split: back to one urlset" urlset "$(se_xpath "local-name(/*)")"
