# The web portal (web/, served by gateway/portal/) and its browser tests.
# 1. Static serving, with curl: types, ETag and 304, Cache-Control, HEAD,
#    traversal attempts, the 404 page, and /api keeping its problem+json.
# 2. An editor writes and submits an article and a reviewer publishes it
#    (through the API: the staff console comes in a later slice).
# 3. Headless chromium (Debian's /usr/bin/chromium) driven by playwright-core
#    (tests/browser/, installed with `npm ci` when node_modules is missing):
#    tests/browser/citizen.mjs (feedback form, tracking, desk rating, the
#    other public pages, keyboard, phone size) and search.mjs (the public
#    finds the article by an unaccented search and opens it), and the
#    console's pages (admin.mjs ... keys.mjs: the reference data last). Every line
#    "ok NAME" / "FAIL NAME: WHY" they print counts here. Screenshots go to
#    $T_TMP/screenshots (KEEP_TMP=1 keeps them).
# shellcheck shell=bash

WB_DIR=$T_TMP/web
WB_SHOTS=$T_TMP/screenshots
mkdir -p "$WB_DIR" "$WB_SHOTS"
WB_RUN=$(head -c 1200 /dev/urandom | LC_ALL=C tr -dc 'a-z' | head -c 8)
declare -gA WB_TOK=()

# ------------------------------------------------------------ static files
http GET /
expect_eq "static: / is the home page (200, HTML)" "200 text/html; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
expect_match "static: the home page is Vietnamese UTF-8" 'Cổng thông tin điện tử Sở Kế hoạch và Đầu tư' "$HTTP_BODY"
# The home page is rendered by the gateway (test_ssr.sh); a page served as
# it is shows the static files' headers.
http GET /phan-anh.html
expect_eq "static: HTML is revalidated every time (no-cache)" "no-cache" "$(header Cache-Control)"
expect_match "static: a strong ETag" '^"[0-9a-f]{32}"$' "$(header ETag)"
expect_match "static: a Content-Security-Policy keeps everything on the gateway" "default-src 'self'" \
    "$(header Content-Security-Policy)"
expect_eq "static: nosniff" nosniff "$(header X-Content-Type-Options)"
WB_ETAG=$(header ETag)
http GET /phan-anh.html -H "If-None-Match: $WB_ETAG"
expect_eq "static: If-None-Match with its ETag -> 304 without a body" "304 0" "$HTTP_STATUS ${#HTTP_BODY}"
expect_eq "static: the 304 repeats the ETag" "$WB_ETAG" "$(header ETag)"
http GET /phan-anh.html -H 'If-None-Match: "0000", W/'"$WB_ETAG"
expect_eq "static: an ETag among others (weak comparison) -> 304" 304 "$HTTP_STATUS"
http GET /index.html
expect_eq "static: /index.html is the home page too" "200 1" \
    "$HTTP_STATUS $(printf '%s' "$HTTP_BODY" | grep -c '<h1>Cổng thông tin điện tử Sở Kế hoạch và Đầu tư</h1>')"

wb_type() {
    http GET "$1"
    expect_eq "static: $1 is $2" "200 $2" "$HTTP_STATUS $(header Content-Type)"
}
wb_type /css/site.css "text/css; charset=utf-8"
expect_eq "static: CSS by its bare address is revalidated (no-cache; the pages link it by hash)" no-cache "$(header Cache-Control)"
wb_type /js/api.js "text/javascript; charset=utf-8"
wb_type /favicon.svg "image/svg+xml"
expect_eq "static: images may be kept a day" "public, max-age=86400" "$(header Cache-Control)"
expect_eq "static: Content-Length is the file's size" "$(wc -c <web/favicon.svg | tr -d ' ')" "$(header Content-Length)"
expect_eq "static: the bytes are the file's" "$(sha256sum <web/favicon.svg)" "$(sha256sum <"$T_TMP/body")"

http HEAD /js/ui.js
expect_eq "static: HEAD gives the headers (type, length, ETag)" \
    "200 text/javascript; charset=utf-8 $(wc -c <web/js/ui.js | tr -d ' ') 1" \
    "$HTTP_STATUS $(header Content-Type) $(header Content-Length) $(header ETag | grep -c '^"')"
expect_eq "static: HEAD sends no body" 0 \
    "$(curl -s --head -o /dev/null -w '%{size_download}' --max-time 20 "$GW/js/ui.js")"
http GET /tim-kiem
expect_eq "static: a page without .html is served too" "200 text/html; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
http GET /js
expect_eq "static: a folder without index is not listed (404)" 404 "$HTTP_STATUS"
http GET /admin
expect_eq "static: a folder with an index redirects to its slash" "301 /admin/" "$HTTP_STATUS $(header Location)"
http GET /admin/
expect_eq "static: /admin/ is the console's login page" "200 true" \
    "$HTTP_STATUS $(printf '%s' "$HTTP_BODY" | grep -q 'Đăng nhập dành cho cán bộ, công chức' && echo true)"
http POST /index.html -d x
expect_eq "static: POST to a page -> 405 Allow: GET, HEAD" "405 GET, HEAD" "$HTTP_STATUS $(header Allow)"

http GET /khong-co-trang-nay.html
expect_eq "static: an unknown page -> 404 with the HTML 404 page" "404 text/html; charset=utf-8" \
    "$HTTP_STATUS $(header Content-Type)"
expect_match "static: the 404 page is Vietnamese" 'Không tìm thấy trang' "$HTTP_BODY"

# Shared parts (web/_parts/, put into the pages at start-up): every page has
# the header and footer, its own navigation link is marked, no directive is
# left, and the parts themselves are not served.
http GET /thu-tuc.html
expect_eq "static: a page gets the shared header and footer" "1 1" \
    "$(printf '%s' "$HTTP_BODY" | grep -c '<header class="site-header">') $(printf '%s' "$HTTP_BODY" | grep -c '<footer class="site-footer">')"
expect_eq "static: the page's own link is the current one, and only it" '<li><a href="/thu-tuc.html" aria-current="page">Thủ tục hành chính</a></li>' \
    "$(printf '%s' "$HTTP_BODY" | grep 'aria-current' | sed 's/^ *//')"
wb_left=0
for f in $(cd web && find . -name '*.html' -not -path './_parts/*' | sed 's|^\.||'); do
    curl -s --max-time 20 "$GW$f" | grep -q '#include' && { wb_left=1; echo "   $f keeps a directive"; }
done
expect_eq "static: no page keeps an include directive" 0 "$wb_left"
http GET /
expect_eq "static: the home link is current on the home page (not the brand link)" 1 \
    "$(printf '%s' "$HTTP_BODY" | grep -c '<li><a href="/" aria-current="page">')"
http GET /admin/
expect_eq "static: the console's pages get the console's header, index marked" "1 1" \
    "$(printf '%s' "$HTTP_BODY" | grep -c 'aria-label="Trang quản trị"') $(printf '%s' "$HTTP_BODY" | grep -c '<li><a href="/admin/" aria-current="page">')"
http GET /_parts/site-header.html
expect_eq "static: the parts themselves are not served" 404 "$HTTP_STATUS"

http GET /metrics
expect_match "static: /metrics counts the portal's pages under route=\"portal\"" \
    'loa_http_requests_total\{route="portal",method="GET",status="200"\} [1-9]' "$HTTP_BODY"

# Traversal: never a file outside web/, whatever the encoding.
printf 'secret-%s\n' "$WB_RUN" >"$WB_DIR/outside.txt"
wb_trav_ok=1
for p in '/../../../../etc/passwd' '/..%2f..%2f..%2fetc%2fpasswd' '/%2e%2e/%2e%2e/etc/passwd' '/css/..%2f..%2f..%2fetc/passwd' \
    '/%252e%252e/etc/passwd' '/js/%2e%2e/%2e%2e/Makefile' '/.git/config' '/%2egit/HEAD' '/index.html%00.png' \
    '/css/site.css%00' '/..%5c..%5cetc%5cpasswd' "/..$T_TMP/web/outside.txt" '//etc/passwd' '/js//api.js' \
    '/%c0%ae%c0%ae/etc/passwd' '/.env' '/web/index.html' '/../Makefile'; do
    st=$(curl -s --path-as-is -o "$WB_DIR/trav" -w '%{http_code}' --max-time 20 "$GW$p")
    case "$st" in 400 | 404) ;; *)
        # index.html%00.png may be cut at the NUL by the HTTP library: it must then be index.html itself.
        if [ "$p" = '/index.html%00.png' ] || [ "$p" = '/css/site.css%00' ]; then
            grep -q 'root:\|secret-' "$WB_DIR/trav" && { wb_trav_ok=0; echo "   $p -> $st"; }
        else
            wb_trav_ok=0
            echo "   $p -> $st"
        fi
        ;;
    esac
    grep -q "root:x:\|secret-$WB_RUN\|\[core\]\|^CC ?=" "$WB_DIR/trav" && { wb_trav_ok=0; echo "   $p leaked"; }
done
expect_eq "static: traversal attempts (.., encoded, double-encoded, NUL, dot files, //) -> 400 or 404, nothing leaks" 1 "$wb_trav_ok"
st=$(curl -s --path-as-is -o /dev/null -w '%{http_code}' --max-time 20 "$GW/../../etc/passwd")
expect_match "static: a raw /../ -> 400 or 404" '^(400|404)$' "$st"

http GET /api/v1/nothing-here
expect_eq "static: an unknown /api route is still a problem+json 404" "404 application/problem+json; charset=utf-8" \
    "$HTTP_STATUS $(header Content-Type)"
http DELETE /api/v1/topics
expect_match "static: a wrong method on /api is still 405 with Allow" "^405 GET" "$HTTP_STATUS $(header Allow)"
http GET /api
expect_eq "static: /api itself is the API's 404" "404 application/problem+json; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
http GET /open311/v2/nothing.json
expect_eq "static: /open311 keeps its own errors (not the HTML page)" false \
    "$(case "$(header Content-Type)" in text/html*) echo true ;; *) echo false ;; esac)"
http GET /api/v1/openapi.json
expect_eq "static: OpenAPI documents no portal path" 0 "$(body_jq '[.paths | keys[] | select(startswith("/api") or startswith("/open311") or . == "/healthz" or . == "/readyz" or . == "/metrics" | not)] | length')"

# ------------------------------------------------------------ an article, through the API
# shellcheck disable=SC2034 # read by name (e2e_call)
WB_TOK[admin]=$(admin_token)
http GET /api/v1/units
WB_UNIT=$(body_jq '.items[0].id // empty')
if [ -z "$WB_UNIT" ]; then
    e2e_call WB_TOK admin POST /api/v1/units "$(jq -nc --arg c "WB$WB_RUN" '{code: $c, name: "Văn phòng Sở (web)"}')"
    WB_UNIT=$(body_jq '.id // empty')
fi
http GET '/api/v1/topics?per_page=100'
WB_TOPIC=$(body_jq '[.items[] | select(.is_cchc)][0].id // empty')
e2e_user WB_TOK editor '["editor"]' "${WB_UNIT:-null}" "wb_editor_$WB_RUN" "Biên tập viên Cổng"
wb_editor=$?
e2e_user WB_TOK reviewer '["reviewer"]' null "wb_reviewer_$WB_RUN" "Ban biên tập Website"
wb_reviewer=$?
expect_eq "article: an editor and a reviewer" "0 0" "$wb_editor $wb_reviewer"

WB_TITLE="Sở đẩy mạnh cải cách hành chính trong đăng ký doanh nghiệp $WB_RUN"
WB_QUERY="cai cach hanh chinh dang ky doanh nghiep $WB_RUN"
WB_BODY_TEXT="Từ tháng này, hồ sơ đăng ký doanh nghiệp được tiếp nhận hoàn toàn trực tuyến."
WB_BODY="## Nội dung chính

$WB_BODY_TEXT

**Thời gian giải quyết** giảm từ 3 xuống 2 ngày làm việc.

<script>document.title='x'</script><img src=x onerror=alert(1)>"
e2e_call WB_TOK editor POST /api/v1/articles "$(jq -nc --arg t "$WB_TITLE" --arg b "$WB_BODY" --argjson topic "${WB_TOPIC:-null}" \
    '{title: $t, summary: "Rút ngắn thời gian đăng ký doanh nghiệp, tiếp nhận hồ sơ trực tuyến.", body: $b, topic_ids: ([$topic] - [null])}')"
WB_ART=$(body_jq '.id // empty')
WB_SLUG=$(body_jq '.slug // empty')
expect_eq "article: the editor writes a draft" "201 draft" "$HTTP_STATUS $(body_jq .status)"
e2e_call WB_TOK editor POST "/api/v1/articles/$WB_ART/submit" '{}'
expect_eq "article: the editor submits it" "200 in_review" "$HTTP_STATUS $(body_jq .status)"
e2e_call WB_TOK reviewer POST "/api/v1/articles/$WB_ART/publish" '{}'
expect_eq "article: the reviewer publishes it" "200 published" "$HTTP_STATUS $(body_jq .status)"
expect_eq "article: its body_html has no script (content-svc renders Markdown safely)" 0 \
    "$(body_jq '.body_html | test("<script|onerror"; "i") | if . then 1 else 0 end')"

# A procedure and a hotline notice for the public pages (the admin writes them).
WB_PROC_NAME="Đăng ký thành lập doanh nghiệp tư nhân $WB_RUN"
WB_PROC_QUERY="thanh lap doanh nghiep tu nhan $WB_RUN"
e2e_call WB_TOK admin POST /api/v1/procedures "$(jq -nc --arg c "WB.$WB_RUN" --arg n "$WB_PROC_NAME" \
    '{code: $c, name: $n, field: "Thành lập và hoạt động doanh nghiệp", processing_days: 3, online_level: 4, fee: "50.000 đồng"}')"
expect_eq "catalogue: the admin adds a procedure" 201 "$HTTP_STATUS"
WB_NOTICE_TITLE="Đường dây nóng tiếp nhận phản ánh $WB_RUN"
e2e_call WB_TOK admin POST /api/v1/notices "$(jq -nc --arg t "$WB_NOTICE_TITLE" \
    '{kind: "hotline", title: $t, body: "Điện thoại: **0222 3822 514**. Thư điện tử: <sokhdt@bacninh.gov.vn>"}')"
expect_eq "notices: the admin publishes a hotline notice" 201 "$HTTP_STATUS"

# Staff for the console (test_web.sh knows their passwords: the browser signs in).
WB_PW="pw-$(head -c 12 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
e2e_call WB_TOK admin POST /api/v1/users "$(jq -nc --arg u "wb_ui_editor_$WB_RUN" --arg p "$WB_PW" --argjson unit "${WB_UNIT:-null}" \
    '{username: $u, password: $p, full_name: "Nguyễn Thị Biên Tập", unit_id: $unit, roles: ["editor"]}')"
expect_eq "console: an editor account for the browser" 201 "$HTTP_STATUS"
WB_EDITOR_ID=$(body_jq '.id // empty')
e2e_call WB_TOK admin POST /api/v1/users "$(jq -nc --arg u "wb_ui_reviewer_$WB_RUN" --arg p "$WB_PW" \
    '{username: $u, password: $p, full_name: "Trần Văn Duyệt", unit_id: null, roles: ["reviewer"]}')"
expect_eq "console: a reviewer account for the browser" 201 "$HTTP_STATUS"
WB_EDITOR="wb_ui_editor_$WB_RUN:$WB_PW"
WB_REVIEWER="wb_ui_reviewer_$WB_RUN:$WB_PW"
WB_UI_TITLE="Một cửa liên thông rút ngắn thời gian giải quyết thủ tục $WB_RUN"
WB_UI_QUERY="mot cua lien thong rut ngan $WB_RUN"

# ------------------------------------------------------------ the browser
# wb_browser NAME SCRIPT: runs tests/browser/SCRIPT; each line it prints
# counts ("ok ..." passes, "FAIL ...: ..." fails, "# ..." is a note).
wb_browser() {
    local name=$1 script=$2 line rc seen=0
    # LOA_WEB_ONLY=plan,users: only those scripts, while working on them
    # (the checks here that read what a skipped script did then fail).
    if [ -n "${LOA_WEB_ONLY:-}" ] && [[ ",$LOA_WEB_ONLY," != *",$name,"* ]]; then
        printf '       (skipped %s: LOA_WEB_ONLY)\n' "$script"
        : >"$WB_DIR/$name.out"
        return 0
    fi
    (cd tests/browser && timeout 600 node "$script") >"$WB_DIR/$name.out" 2>"$WB_DIR/$name.err"
    rc=$?
    while IFS= read -r line; do
        case "$line" in
        "ok "*) pass "browser: ${line#ok }"; seen=$((seen + 1)) ;;
        "FAIL "*) line=${line#FAIL }; fail "browser: ${line%%: *}" "${line#*: }"; seen=$((seen + 1)) ;;
        "# "*) printf '       %s\n' "${line#\# }" ;;
        esac
    done <"$WB_DIR/$name.out"
    if [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$WB_DIR/$name.out"; then
        fail "browser: $script ran to its end" "exit status $rc: $(tail -5 "$WB_DIR/$name.err" | tr '\n' ' ')"
    elif [ "$seen" = 0 ]; then
        fail "browser: $script reported nothing" "$(tail -5 "$WB_DIR/$name.err" | tr '\n' ' ')"
    fi
}

wb_ready=1
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    fail "browser: chromium is installed" "no ${CHROMIUM:-/usr/bin/chromium} (make deps installs the Debian package chromium)"
    wb_ready=0
elif ! command -v node >/dev/null || { [ ! -d tests/browser/node_modules/playwright-core ] && ! command -v npm >/dev/null; }; then
    fail "browser: node and npm are installed" "missing (Debian 12: apt-get install nodejs npm)"
    wb_ready=0
elif [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
    echo "   npm ci (tests/browser: playwright-core and axe-core, no browser download)"
    if ! (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) >"$WB_DIR/npm.log" 2>&1; then
        fail "browser: npm ci in tests/browser" "$(tail -5 "$WB_DIR/npm.log" | tr '\n' ' ')"
        wb_ready=0
    fi
fi
if [ "$wb_ready" = 1 ]; then
    export GW SHOTS="$WB_SHOTS" WB_CLIENT="100.64.$((RANDOM % 200)).$((RANDOM % 250 + 1))"
    export WB_TITLE WB_QUERY WB_SLUG WB_BODY_TEXT WB_PROC_NAME WB_PROC_QUERY WB_NOTICE_TITLE
    WB_CCHC=$([ -n "$WB_TOPIC" ] && echo 1 || echo 0)
    export WB_EDITOR WB_REVIEWER WB_UI_TITLE WB_UI_QUERY WB_CCHC
    wb_browser citizen citizen.mjs
    # The Inspectorate's inbox in the browser (inbox.mjs, /admin/phan-anh.html):
    # the inspector accepts the citizen's feedback to a unit, answers it with
    # publication and approves it; an item filed here and made overdue (its
    # due_at moved a day into the past) is marked and filtered, then rejected
    # (first without a reason); handlers of the unit and of another unit.
    # Then the citizen rates the published answer (rate.mjs).
    WB_CODE=$(sed -n 's/^# code //p' "$WB_DIR/citizen.out" | head -1)
    http GET '/api/v1/units?per_page=100'
    WB_UNIT_NAME=$(body_jq --argjson u "${WB_UNIT:-0}" '.items[] | select(.id == $u) | .name')
    WB_UNIT2=$(body_jq --argjson u "${WB_UNIT:-0}" '[.items[] | select(.id != $u and .is_active)][0].id // empty')
    if [ -z "$WB_UNIT2" ]; then
        e2e_call WB_TOK admin POST /api/v1/units "$(jq -nc --arg c "WB2$WB_RUN" '{code: $c, name: "Phòng Đăng ký kinh doanh (web)"}')"
        WB_UNIT2=$(body_jq '.id // empty')
    fi
    wb_inbox_users=""
    for wb_u in "inspector:Lê Thanh Tra:null" "handler:Phạm Văn Xử:${WB_UNIT:-null}" "handler_other:Võ Thị Khác:${WB_UNIT2:-null}"; do
        IFS=: read -r wb_role wb_name wb_unit <<<"$wb_u"
        e2e_call WB_TOK admin POST /api/v1/users "$(jq -nc --arg u "wb_ui_${wb_role}_$WB_RUN" --arg p "$WB_PW" --arg n "$wb_name" \
            --arg r "${wb_role%_other}" --argjson unit "$wb_unit" '{username: $u, password: $p, full_name: $n, unit_id: $unit, roles: [$r]}')"
        wb_inbox_users="$wb_inbox_users $HTTP_STATUS"
    done
    expect_eq "inbox: an inspector, a handler of the unit and one of another unit for the browser" " 201 201 201" "$wb_inbox_users"
    e2e_call WB_TOK anon POST /api/v1/feedback "$(jq -nc --arg t "Thời hạn cấp giấy chứng nhận đăng ký đầu tư còn dài $WB_RUN" \
        '{kind: "report", title: $t, content: "Đề nghị rút ngắn thời hạn cấp giấy chứng nhận đăng ký đầu tư.",
          submitter: {name: "Hoàng Văn Cường", address: "12 Ngô Gia Tự, TP Bắc Ninh", phone: "0912 345 678", email: "cuong@example.vn"}}')" \
        -H "X-Forwarded-For: 100.66.$((RANDOM % 200)).$((RANDOM % 250 + 1))"
    WB_OVERDUE_ID=$(body_jq '.id // empty')
    WB_OVERDUE_CODE=$(body_jq '.tracking_code // empty')
    db_sql "UPDATE feedback.feedback SET due_at = now() - interval '1 day' WHERE id = ${WB_OVERDUE_ID:-0}" >/dev/null
    if [ -n "$WB_CODE" ] && e2e_user WB_TOK inspector '["inspector"]' null "wb_inspector_$WB_RUN" "Thanh tra Sở"; then
        e2e_call WB_TOK inspector GET "/api/v1/feedback/${WB_OVERDUE_ID:-0}" -
        expect_eq "inbox: a feedback made overdue for the browser (its due_at a day past)" "200 true" "$HTTP_STATUS $(body_jq .overdue)"
        WB_ANSWER="Sở sẽ bỏ yêu cầu nộp bản sao chứng thực từ quý sau."
        export WB_CODE WB_ANSWER WB_PHONE="0987 654 321" WB_SUBMITTER="Trần Thị Bình" WB_OVERDUE_CODE WB_UNIT_NAME \
            WB_INSPECTOR="wb_ui_inspector_$WB_RUN:$WB_PW" WB_HANDLER="wb_ui_handler_$WB_RUN:$WB_PW" \
            WB_HANDLER_OTHER="wb_ui_handler_other_$WB_RUN:$WB_PW"
        wb_browser inbox inbox.mjs
        # What the browser did, as the API sees it.
        e2e_call WB_TOK inspector GET "/api/v1/feedback?q=$WB_CODE" -
        wb_fid=$(body_jq '.items[0].id // empty')
        e2e_call WB_TOK inspector GET "/api/v1/feedback/${wb_fid:-0}" -
        expect_eq "inbox: the browser's steps are the item's (unit, answer to publish, published; history)" \
            "published $WB_UNIT true $WB_ANSWER received accepted answered approved" \
            "$(body_jq '"\(.status) \(.unit_id) \(.answer_publish) \(.answer) \([.history[].action] | join(" "))"')"
        e2e_call WB_TOK inspector GET "/api/v1/feedback/${WB_OVERDUE_ID:-0}" -
        expect_eq "inbox: the overdue item was rejected as a complaint with the browser's reason" "rejected complaint false" \
            "$(body_jq '"\(.status) \(.reject_reason_code) \(.overdue)"')"
        wb_browser rate rate.mjs
        # The handler of the unit the item was assigned to: the console's bell
        # and notifications page (bell.mjs); then the choice, as the API sees it.
        wb_browser bell bell.mjs
        http POST /api/v1/auth/login -H 'Content-Type: application/json' \
            -H "X-Forwarded-For: 100.73.$((RANDOM % 200)).$((RANDOM % 250 + 1))" \
            --data-binary "$(jq -nc --arg u "wb_ui_handler_$WB_RUN" --arg p "$WB_PW" '{username: $u, password: $p}')"
        # shellcheck disable=SC2034 # read by name (e2e_call)
        WB_TOK[handler]=$(body_jq '.token // empty')
        e2e_call WB_TOK handler GET /api/v1/notifications/preferences -
        expect_eq "bell: the choice made in the browser, as the API sees it" "200 true" \
            "$HTTP_STATUS $(body_jq '[.items[] | select(.kind == "feedback.assigned")][0].email')"
    else
        fail "feedback: the browser's tracking code and an inspector" "code [$WB_CODE]"
    fi
    wb_browser search search.mjs
    # -- quota dashboard (dashboard.mjs): this month's count of WB_UNIT's
    # articles before admin.mjs publishes one in the browser. quota-svc counts
    # from events: wait until it agrees with content-svc's published articles.
    WB_MONTH=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)
    wb_quota_articles() {
        e2e_call WB_TOK reviewer GET "/api/v1/quota/report?month=$WB_MONTH" -
        body_jq --argjson u "${WB_UNIT:-0}" '.items[] | select(.unit_id == $u) | .articles'
    }
    wb_content_articles() {
        http GET "/api/v1/articles?unit_id=${WB_UNIT:-0}&status=published&from=$WB_MONTH-01&per_page=1"
        body_jq .total
    }
    wb_quota_caught_up() { [ "$(wb_quota_articles)" = "$(wb_content_articles)" ]; }
    if wait_until 30 wb_quota_caught_up; then
        WB_QUOTA_BEFORE=$(wb_quota_articles)
        pass "quota: this month's count for the unit before the browser publishes ($WB_QUOTA_BEFORE)"
    else
        WB_QUOTA_BEFORE=""
        fail "quota: this month's count for the unit before the browser publishes" \
            "quota [$(wb_quota_articles)] content [$(wb_content_articles)]"
    fi
    export WB_UNIT WB_QUOTA_BEFORE
    wb_browser admin admin.mjs
    # -- quota dashboard: the article admin.mjs published counts (one more).
    wb_browser dashboard dashboard.mjs
    # -- the plan (plan.mjs): a staff member of the Thanh tra Sở (the lead of
    # the 2022 plan's activity 1) reports; the browser's editor (unit WB_UNIT,
    # neither lead nor partner there) is refused; an inspector edits.
    http GET '/api/v1/units?per_page=100'
    wb_ttra=$(body_jq '.items[] | select(.code == "TTRA") | .id')
    e2e_call WB_TOK admin POST /api/v1/users "$(jq -nc --arg u "wb_ui_ttra_$WB_RUN" --arg p "$WB_PW" --argjson unit "${wb_ttra:-null}" \
        '{username: $u, password: $p, full_name: "Lê Thị Thanh", unit_id: $unit, roles: ["editor"]}')"
    wb_st=$HTTP_STATUS
    e2e_call WB_TOK admin POST /api/v1/users "$(jq -nc --arg u "wb_ui_plan_inspector_$WB_RUN" --arg p "$WB_PW" \
        '{username: $u, password: $p, full_name: "Phạm Văn Thanh Tra", unit_id: null, roles: ["inspector"]}')"
    expect_eq "plan: a Thanh tra Sở staff member and an inspector for the browser; the editor's unit is another" \
        "201 201 true" "$wb_st $HTTP_STATUS $([ -n "$wb_ttra" ] && [ "$wb_ttra" != "${WB_UNIT:-}" ] && echo true || echo false)"
    # This year's plan (test_plans.sh may have made it) gets an activity the
    # Thanh tra Sở leads, whose report the browser corrects and withdraws.
    wb_year=$(TZ=Asia/Ho_Chi_Minh date +%Y)
    e2e_call WB_TOK admin GET "/api/v1/plans?year=$wb_year" -
    wb_plan=$(body_jq '.items[0].id // empty')
    wb_act=$(jq -nc --arg f "Tuyên truyền trên Cổng (trình duyệt $WB_RUN)" --argjson u "${wb_ttra:-null}" \
        '{form: $f, content: "Đăng tin, bài về CCHC", lead_unit_id: $u}')
    e2e_user WB_TOK planinsp '["inspector"]' null "wb_plan_setup_$WB_RUN" "Thanh tra Sở (thiết lập)"
    if [ -n "$wb_plan" ]; then
        e2e_call WB_TOK planinsp PATCH "/api/v1/plans/$wb_plan" "{\"activities\": [$wb_act]}"
    else
        e2e_call WB_TOK planinsp POST /api/v1/plans \
            "{\"year\": $wb_year, \"title\": \"Kế hoạch tuyên truyền CCHC năm $wb_year\", \"activities\": [$wb_act]}"
    fi
    expect_match "plan: this year's plan has an activity the Thanh tra Sở leads" '^20[01]$' "$HTTP_STATUS"
    export WB_RUN WB_PLAN_LEAD="wb_ui_ttra_$WB_RUN:$WB_PW" WB_PLAN_OTHER="$WB_EDITOR" WB_PLAN_INSPECTOR="wb_ui_plan_inspector_$WB_RUN:$WB_PW"
    export WB_PLAN_YEAR=$wb_year
    wb_browser plan plan.mjs
    # -- the audit trail's page (audit.mjs): the plan's inspector reads it.
    export WB_EDITOR_ID
    wb_browser audit audit.mjs

    # ---- one's own password (tests/browser/password.mjs), with the keyboard.
    e2e_call WB_TOK admin POST /api/v1/users "$(jq -nc --arg u "wb_ui_own_pw_$WB_RUN" --arg p "$WB_PW" \
        '{username: $u, password: $p, full_name: "Đỗ Văn Đổi", unit_id: null, roles: ["leader"]}')"
    expect_eq "password: a leader account for the browser" 201 "$HTTP_STATUS"
    export WB_OWN_PW="wb_ui_own_pw_$WB_RUN:$WB_PW" WB_OWN_NEW="Mật khẩu mới của tôi $WB_RUN"
    wb_browser password password.mjs
    http POST /api/v1/auth/login -H 'Content-Type: application/json' -H "X-Forwarded-For: $WB_CLIENT" \
        --data-binary "$(jq -nc --arg u "wb_ui_own_pw_$WB_RUN" --arg p "$WB_OWN_NEW" '{username: $u, password: $p}')"
    expect_eq "password: the browser's new password is the account's (the API logs in with it)" 200 "$HTTP_STATUS"

    # ---- publishing to broadcasters, and retraction (tests/browser/media.mjs)
    # In the browser an admin adds a broadcaster, whose API key the page
    # shows once; the reviewer packages the article admin.mjs published, with
    # a photo, for it. The broadcaster then pulls with that very key (curl):
    # its feed, the bag (503 + Retry-After while it is being built), a receipt
    # with the bag's SHA-256. Back in the browser the package shows that
    # delivery; the reviewer corrects and cancels it, and retracts another
    # article (published here through the API).
    e2e_call WB_TOK admin POST /api/v1/users "$(jq -nc --arg u "wb_ui_media_admin_$WB_RUN" --arg p "$WB_PW" \
        '{username: $u, password: $p, full_name: "Lê Văn Quản Trị", unit_id: null, roles: ["admin"]}')"
    wb_st=$HTTP_STATUS
    e2e_call WB_TOK admin POST /api/v1/users "$(jq -nc --arg u "wb_ui_media_leader_$WB_RUN" --arg p "$WB_PW" \
        '{username: $u, password: $p, full_name: "Phạm Thị Lãnh Đạo", unit_id: null, roles: ["leader"]}')"
    expect_eq "media: an admin and a leader account for the browser" "201 201" "$wb_st $HTTP_STATUS"
    export WB_ADMIN_UI="wb_ui_media_admin_$WB_RUN:$WB_PW" WB_LEADER_UI="wb_ui_media_leader_$WB_RUN:$WB_PW"
    export WB_BC_NAME="Đài Phát thanh thử nghiệm $WB_RUN" WB_MEDIA_STEP=create
    wb_browser media-create media.mjs
    wb_key=$(sed -n 's/^value bc_key //p' "$WB_DIR/media-create.out" | head -1)
    WB_MEDIA_PKG=$(sed -n 's/^value package_id //p' "$WB_DIR/media-create.out" | head -1)
    if [ -n "$wb_key" ] && [ -n "$WB_MEDIA_PKG" ]; then
        http GET '/api/v1/media/feed?limit=100' -H "X-Api-Key: $wb_key"
        wb_item=$(body_jq --arg p ":package:$WB_MEDIA_PKG" '[.items[] | select(.uri | endswith($p))][0] // {}')
        expect_eq "media: the broadcaster's feed (with the key the page showed) has the package, version 1, with the photo" \
            "200 1 image/png" "$HTTP_STATUS $(printf '%s' "$wb_item" | jq -r '"\(.version) \(.renditions // [] | map(.contentType) | join(","))"')"
        wb_bag() {
            HTTP_STATUS=$(curl -s -o "$WB_DIR/bag.zip" -w '%{http_code}' --max-time 30 -H "X-Api-Key: $wb_key" \
                "$GW/api/v1/media/packages/$WB_MEDIA_PKG/versions/1/bag.zip") || HTTP_STATUS=000
            [ "$HTTP_STATUS" = 200 ]
        }
        wait_until 60 wb_bag
        expect_eq "media: the broadcaster downloads the bag (a valid ZIP)" "200 ok" \
            "$HTTP_STATUS $(unzip -tq "$WB_DIR/bag.zip" >/dev/null 2>&1 && echo ok)"
        http POST /api/v1/media/receipts -H "X-Api-Key: $wb_key" -H 'Content-Type: application/json' --data-binary \
            "$(jq -nc --arg u "$(printf '%s' "$wb_item" | jq -r .uri)" --arg s "$(sha256sum "$WB_DIR/bag.zip" | cut -d' ' -f1)" \
                '{uri: $u, version: 1, sha256: $s, status: "received"}')"
        expect_eq "media: its receipt with the bag's SHA-256 is accepted" "201 received" "$HTTP_STATUS $(body_jq .status)"

        WB_RETRACT_TITLE="Thông báo tạm dừng tiếp nhận hồ sơ giấy $WB_RUN"
        e2e_publish WB_TOK editor reviewer "$(jq -nc --arg t "$WB_RETRACT_TITLE" \
            '{title: $t, summary: "Bài này sẽ được gỡ.", body: "Nội dung **thử** gỡ bài.", topic_ids: []}')"
        WB_RETRACT_SLUG=$(body_jq '.slug // empty')
        expect_eq "retract: an article to retract is published (API)" true \
            "$([ -n "$E2E_ID" ] && [ -n "$WB_RETRACT_SLUG" ] && echo true || echo false)"
        export WB_MEDIA_PKG WB_RETRACT_TITLE WB_RETRACT_SLUG WB_MEDIA_STEP=deliveries
        wb_browser media-deliveries media.mjs
        e2e_call WB_TOK reviewer GET "/api/v1/articles/$E2E_ID/history" -
        expect_eq "retract: the article's history holds the retraction with the reason typed in the browser" \
            "retracted Số liệu trong bài chưa chính xác." "$(body_jq '.items[-1] | "\(.to_status) \(.reason)"')"
        http GET "/api/v1/media/packages/$WB_MEDIA_PKG" -H "X-Api-Key: $wb_key"
        expect_eq "media: the broadcaster gets the cancellation made in the browser (version 3, canceled)" "200 3 canceled" \
            "$HTTP_STATUS $(body_jq .version) $(body_jq .pubStatus)"
    else
        fail "media: the broadcaster's key and the package, from the browser" "package [$WB_MEDIA_PKG], key ${wb_key:+found}"
    fi

    # ---- the reception office's intake (tests/browser/intake.mjs,
    # /admin/tiep-nhan.html): a handler records a phone call with the
    # keyboard; then the item, as the API sees it.
    e2e_call WB_TOK admin POST /api/v1/users "$(jq -nc --arg u "wb_ui_intake_$WB_RUN" --arg p "$WB_PW" --argjson unit "${WB_UNIT:-null}" \
        '{username: $u, password: $p, full_name: "Đinh Thị Tiếp Nhận", unit_id: $unit, roles: ["handler"]}')"
    expect_eq "intake: a handler account for the browser" 201 "$HTTP_STATUS"
    export WB_HANDLER="wb_ui_intake_$WB_RUN:$WB_PW" WB_INTAKE_TITLE="Niêm yết thủ tục chưa đầy đủ $WB_RUN"
    wb_browser intake intake.mjs
    wb_intake_code=$(sed -n 's/^# intake //p' "$WB_DIR/intake.out" | head -1)
    e2e_user WB_TOK intake_insp '["inspector"]' null "wb_intake_insp_$WB_RUN" "Thanh tra tiếp nhận" >/dev/null
    e2e_call WB_TOK intake_insp GET "/api/v1/feedback?q=${wb_intake_code:-none}" -
    expect_eq "intake: the browser's item is a phone call received yesterday, the refused attempt not stored" \
        "1 phone $(TZ=Asia/Ho_Chi_Minh date -d yesterday +%F) $WB_INTAKE_TITLE" \
        "$(body_jq '"\(.total) \(.items[0].channel) \(.items[0].received_at[0:10]) \(.items[0].title)"')"
    expect_eq "intake: recorded_by is the handler who typed it" t \
        "$(db_sql "SELECT f.recorded_by = u.id FROM feedback.feedback f, gateway.users u
                   WHERE f.tracking_code = '${wb_intake_code:-none}' AND u.username = 'wb_ui_intake_$WB_RUN'")"

    # ---- the published answers on the portal (tests/browser/answers.mjs,
    # /hoi-dap.html): an item answered and approved with publication.
    WB_ANS_TITLE="Rút ngắn thời gian thẩm định dự án đầu tư $WB_RUN"
    e2e_call WB_TOK anon POST /api/v1/feedback "$(jq -nc --arg t "$WB_ANS_TITLE" \
        '{kind: "recommendation", title: $t, content: "Đề nghị Sở rút ngắn thời gian thẩm định hồ sơ dự án đầu tư.",
          submitter: {name: "Phan Văn Riêng Tư", address: "99 Lý Thái Tổ, TP Bắc Ninh", phone: "0977 123 456", email: "rieng.tu@example.vn"}}')" \
        -H "X-Forwarded-For: 100.67.$((RANDOM % 200)).$((RANDOM % 250 + 1))"
    wb_ans_id=$(body_jq '.id // empty')
    WB_ANS_TEXT="Từ tháng sau, thời gian thẩm định còn mười lăm ngày làm việc."
    wb_try_accept() { e2e_call WB_TOK intake_insp POST "/api/v1/feedback/${wb_ans_id:-0}/accept" "{\"unit_id\": ${WB_UNIT:-0}}" && [ "$HTTP_STATUS" = 200 ]; }
    wait_until 10 wb_try_accept
    e2e_call WB_TOK intake_insp POST "/api/v1/feedback/${wb_ans_id:-0}/answer" "$(jq -nc --arg a "$WB_ANS_TEXT" '{answer: $a, publish: true}')"
    e2e_call WB_TOK intake_insp POST "/api/v1/feedback/${wb_ans_id:-0}/approve" -
    expect_eq "answers: an answer published for the browser" "200 published" "$HTTP_STATUS $(body_jq .status)"
    export WB_ANS_TITLE WB_ANS_TEXT WB_ANS_QUERY="rut ngan tham dinh du an $WB_RUN" \
        WB_ANS_PRIVATE="Phan Văn Riêng Tư|0977 123 456|rieng.tu@example.vn|99 Lý Thái Tổ"
    wb_browser answers answers.mjs

    # ---- citizens' attachments (tests/browser/attach.mjs): files chosen on
    # the public form (refusals in the browser, progress), then downloaded
    # by an inspector in the console; then the item, as the API sees it.
    e2e_png "$WB_DIR/att.png" 900 # about 2.4 MB of noise: the upload takes a moment
    printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n' >"$WB_DIR/att.pdf"
    printf 'Không phải ảnh.\n' >"$WB_DIR/att.txt"
    head -c $((10 * 1024 * 1024 + 1)) /dev/zero >"$WB_DIR/att-big.png"
    e2e_call WB_TOK admin POST /api/v1/users "$(jq -nc --arg u "wb_ui_att_insp_$WB_RUN" --arg p "$WB_PW" \
        '{username: $u, password: $p, full_name: "Lý Thanh Tra", unit_id: null, roles: ["inspector"]}')"
    expect_eq "attach: an inspector account for the browser" 201 "$HTTP_STATUS"
    export WB_ATT_PNG="$WB_DIR/att.png" WB_ATT_PDF="$WB_DIR/att.pdf" WB_ATT_TXT="$WB_DIR/att.txt" \
        WB_ATT_BIG="$WB_DIR/att-big.png" WB_ATT_TITLE="Bảng niêm yết đã hết hiệu lực $WB_RUN" \
        WB_ATT_INSPECTOR="wb_ui_att_insp_$WB_RUN:$WB_PW" WB_INTAKE_CODE="$wb_intake_code"
    wb_browser attach attach.mjs
    wb_att_code=$(sed -n 's/^# attach //p' "$WB_DIR/attach.out" | head -1)
    expect_eq "attach: the browser's item holds a PNG and a PDF (media-svc gave them to it)" "image/png application/pdf" \
        "$(db_sql "SELECT string_agg(a.mime, ' ' ORDER BY a.id) FROM feedback.feedback_attachments a
                   JOIN feedback.feedback f ON f.id = a.feedback_id WHERE f.tracking_code = '${wb_att_code:-none}'")"

    # ---- a correction of a published article (tests/browser/revision.mjs):
    # an article published through the API and packaged for the active
    # broadcasters; in the browser the editor makes a revision, the reviewer
    # publishes it asking for a media correction; then, through the API,
    # the same article with both texts in its history, and the package's
    # corrected version.
    WB_REV_TITLE="Lịch tiếp công dân của Sở $WB_RUN"
    e2e_publish WB_TOK editor reviewer "$(jq -nc --arg t "$WB_REV_TITLE" \
        '{title: $t, summary: "Lịch tiếp công dân định kỳ.", body: "Sở tiếp công dân vào **thứ Năm** hằng tuần.", topic_ids: []}')"
    WB_REV_ID=${E2E_ID:-0}
    WB_REV_SLUG=$(body_jq '.slug // empty')
    wb_rev_pkg() {
        e2e_call WB_TOK reviewer POST /api/v1/media/packages "{\"article_id\": $WB_REV_ID, \"asset_ids\": []}"
        [ "$HTTP_STATUS" = 201 ]
    }
    wait_until 15 wb_rev_pkg
    WB_REV_PKG=$(body_jq '.id // 0')
    expect_eq "revision: an article to correct is published and packaged (API)" "true 201" \
        "$([ "$WB_REV_ID" != 0 ] && [ -n "$WB_REV_SLUG" ] && echo true || echo false) $HTTP_STATUS"
    export WB_REV_TITLE WB_REV_SLUG WB_REV_NOTE="Sửa giờ tiếp công dân sang thứ Sáu $WB_RUN"
    wb_browser revision revision.mjs
    e2e_call WB_TOK reviewer GET "/api/v1/articles/$WB_REV_ID/history" -
    expect_eq "revision: the history holds both texts, the second with the note typed in the browser" \
        "2 $WB_REV_NOTE" "$(body_jq -r '"\(.texts | length) \(.texts[1].note)"')"
    http GET "/api/v1/articles/$WB_REV_SLUG"
    expect_eq "revision: the public article keeps its id and slug, with corrected_at and the note" \
        "200 $WB_REV_ID true $WB_REV_NOTE" "$HTTP_STATUS $(body_jq -r '"\(.id) \(has("corrected_at")) \(.note)"')"
    wb_rev_corrected() {
        e2e_call WB_TOK reviewer GET "/api/v1/media/packages/$WB_REV_PKG" -
        [ "$(body_jq .version)" = 2 ]
    }
    wait_until 15 wb_rev_corrected
    expect_eq "revision: the media option ticked in the browser gave the package a corrected version" \
        "2 usable $WB_REV_NOTE" "$(body_jq -r '"\(.version) \(.pub_status) \(.versions[-1].note)"')"

    # ---- the console's reference data (issue 20, tests/browser/users.mjs,
    # units, notices, procedures, calendar, quotarules, keys): an admin of
    # its own drives each page with the keyboard (refusals kept by their
    # fields, creations, edits) and each script checks its steps through the
    # API; the browser's editor is the non-admin who sees no link and is
    # refused by the page and the API.
    e2e_call WB_TOK admin POST /api/v1/users "$(jq -nc --arg u "wb_ui_ref_admin_$WB_RUN" --arg p "$WB_PW" \
        '{username: $u, password: $p, full_name: "Hoàng Thị Quản Trị", unit_id: null, roles: ["admin"]}')"
    expect_eq "reference data: an admin account for the browser" 201 "$HTTP_STATUS"
    export WB_REF_ADMIN="wb_ui_ref_admin_$WB_RUN:$WB_PW" WB_REF_OTHER="$WB_EDITOR"
    for wb_ref in users units notices procedures calendar quotarules keys; do
        wb_browser "ref-$wb_ref" "$wb_ref.mjs"
    done

    # ---- CORS (tests/browser/cors.mjs): a page served from the run's listed
    # origin ($CORS_ORIGIN, tests/run.sh) calls the API in the browser; one
    # from another origin is refused by the browser (test_cors.sh checks the
    # headers with curl).
    WB_CORS_USER="$WB_EDITOR" wb_browser cors cors.mjs

    # ---- readable by everyone, once every page has its data: the WCAG 2.1 AA
    # audit by axe-core of every public and console page, light and dark
    # (a11y.mjs); the keyboard alone through the header, the feedback form and
    # a console page (keyboard.mjs); print, reduced motion and dark mode
    # (display.mjs).
    wb_browser a11y a11y.mjs
    wb_browser keyboard keyboard.mjs
    wb_browser display display.mjs
    # ---- fast on a cheap phone (perf.mjs, decision 0042): the home page and
    # WB_SLUG's article loaded fresh with the CPU x4 slower and a slow 3G
    # network: Largest Contentful Paint under 2.5 s, under 100 KB before
    # images, compressed; the figures are printed.
    wb_browser perf perf.mjs
    echo "   screenshots: $WB_SHOTS ($(find "$WB_SHOTS" -name '*.png' | wc -l) files; KEEP_TMP=1 keeps them)"
fi
