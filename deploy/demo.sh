# shellcheck shell=bash
# Demo staff and articles for `make run` only (sourced by deploy/run.sh after
# stack_up; never by the tests, never in the image), so that a new user finds
# a filled portal and quota dashboard and can sign in with every role.
#
#   demo_seed   seeds what is missing; sets DEMO_NOTE (lines for the console:
#               the new accounts' passwords, also kept in .run/credentials).
#
# Staff (deploy/seed/demo-staff.jsonl) are gateway users: they are created
# through the REST API as the admin, so only while the admin's password is
# known (made by make run and kept in .run/credentials, or LOA_ADMIN_PASSWORD set); existing usernames are
# skipped. Articles (deploy/seed/demo-articles.jsonl) go through content-svc's
# RPC as the existing seeding does (create, submit, publish), so every step
# is an event quota-svc and the public site see; an existing title is
# skipped. No API dates a publication in the past, so an article of an
# earlier month is published now, and once quota-svc has counted it the demo
# moves its date back in both places that keep it (content.articles'
# published_at, quota.articles' month). Demo only: a quota rebuild
# (`quota-svc --rebuild`) replays the events and counts them in the month
# they were really published.

demo_psql() { "$PG_BIN/psql" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d loa -tAc "$1"; }

# demo_api METHOD PATH TOKEN [JSON]: the response body; DEMO_STATUS the code.
demo_api() {
    local out args=(-s --max-time 20 -o "$STACK_DIR/demo.body" -w '%{http_code}' -X "$1")
    [ -n "$3" ] && args+=(-H "Authorization: Bearer $3")
    [ -n "${4:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
    DEMO_STATUS=$(curl "${args[@]}" "$GW$2") || DEMO_STATUS=000
    out=$(cat "$STACK_DIR/demo.body" 2>/dev/null)
    rm -f "$STACK_DIR/demo.body"
    printf '%s' "$out"
}

demo_staff() {
    local token users line name body pw made=""
    if [ -z "${LOA_ADMIN_PASSWORD:-}" ]; then
        if [ -n "$(demo_psql "SELECT 1 FROM gateway.users WHERE username LIKE 'demo.%' LIMIT 1")" ]; then
            DEMO_NOTE+="  demo staff: $(demo_psql "SELECT string_agg(username, ', ' ORDER BY id) FROM gateway.users WHERE username LIKE 'demo.%'") (passwords in .run/credentials)"$'\n'
        else
            DEMO_NOTE+="  demo staff: not created (the admin's password is needed: LOA_ADMIN_PASSWORD=... make run)"$'\n'
        fi
        return 0
    fi
    token=$(demo_api POST /api/v1/auth/login "" "$(jq -nc --arg p "$LOA_ADMIN_PASSWORD" '{username: "admin", password: $p}')" | jq -r '.token // empty')
    if [ -z "$token" ]; then
        DEMO_NOTE+="  demo staff: not created (the admin could not sign in with LOA_ADMIN_PASSWORD)"$'\n'
        return 0
    fi
    users=$(demo_api GET '/api/v1/users?per_page=100' "$token" | jq -r '.items[].username')
    while IFS= read -r line; do
        case "$line" in '#'* | '') continue ;; esac
        name=$(jq -r .username <<<"$line")
        grep -qxF "$name" <<<"$users" && continue
        pw=$(head -c 12 /dev/urandom | base64 | tr '+/' '-_')
        body=$(jq -c --arg p "$pw" --argjson units "$DEMO_UNITS" \
            '{username, full_name, roles, password: $p, unit_id: (if .unit then $units[.unit] else null end)}' <<<"$line")
        demo_api POST /api/v1/users "$token" "$body" >/dev/null
        if [ "$DEMO_STATUS" = 201 ]; then
            declare -F remember_credential >/dev/null && remember_credential "$name" "$pw"
            made+=$(printf '    %-18s / %s   (%s)' "$name" "$pw" "$(jq -r '.roles | join(", ")' <<<"$line")")$'\n'
        else
            stack_log "demo: user $name not created (HTTP $DEMO_STATUS)"
        fi
    done <deploy/seed/demo-staff.jsonl
    demo_api POST /api/v1/auth/logout "$token" >/dev/null
    if [ -n "$made" ]; then
        DEMO_NOTE+="  demo staff (passwords also kept in .run/credentials):"$'\n'"$made"
    else
        DEMO_NOTE+="  demo staff: $(demo_psql "SELECT string_agg(username, ', ' ORDER BY id) FROM gateway.users WHERE username LIKE 'demo.%'") (passwords in .run/credentials)"$'\n'
    fi
    return 0
}

# demo_rpc ROLE USER_ID UNIT_ID IN_TYPE METHOD JSON: content-svc's reply (an Article).
demo_rpc() {
    "$BUILD/loa-rpc" --roles "$1" --user-id "$2" --unit-id "$3" --in "loa.content.$4" --out loa.content.Article \
        "$LOA_CONTENT_RPC" "$5" "$6"
}

demo_articles() {
    local ids titles topics line title unit author reviewer id ago day year month now_m n=0 back=()
    ids=$(demo_psql "SELECT coalesce(json_object_agg(username, id), '{}') FROM gateway.users WHERE username LIKE 'demo.%'")
    # Written by the unit's demo editor (else demo.bientap), published by
    # demo.duyet: a writer may not publish their own article.
    reviewer=$(jq -r '.["demo.duyet"] // empty' <<<"$ids")
    if [ -z "$reviewer" ] || [ "$(jq -r '.["demo.bientap"] // empty' <<<"$ids")" = "" ]; then
        DEMO_NOTE+="  demo articles: not created (they need the demo staff)"$'\n'
        return 0
    fi
    topics=$(curl -s --max-time 20 "$GW/api/v1/topics?per_page=100" | jq -c '[.items[] | {key: .code, value: .id}] | from_entries')
    titles=$("$BUILD/loa-rpc" --roles reviewer --user-id "$reviewer" --in loa.content.ArticleListRequest --out loa.content.ArticleList \
        "$LOA_CONTENT_RPC" articles.list '{"per_page": 100}' | jq -r '.items[].title') || return 1
    year=$(TZ=Asia/Ho_Chi_Minh date +%Y)
    now_m=$(TZ=Asia/Ho_Chi_Minh date +%-m)
    while IFS= read -r line; do
        case "$line" in '#'* | '') continue ;; esac
        title=$(jq -r .title <<<"$line")
        grep -qxF "$title" <<<"$titles" && continue
        unit=$(jq -r --argjson u "$DEMO_UNITS" '$u[.unit] // empty' <<<"$line")
        [ -n "$unit" ] || continue
        author=$(jq -r --arg c "$(jq -r .unit <<<"$line")" --argjson ids "$ids" -n \
            '(if $c == "DKKD" then $ids["demo.bientap.dkkd"] else null end) // $ids["demo.bientap"]')
        id=$(demo_rpc editor "$author" "$unit" CreateArticleRequest articles.create \
            "$(jq -c --argjson t "$topics" '{title, summary, body, topic_ids: [.topics[] | $t[.] // empty]}' <<<"$line")" | jq -r '.id // empty')
        [ -n "$id" ] || { stack_log "demo: article not created: $title"; continue; }
        demo_rpc editor "$author" "$unit" ArticleActionRequest articles.submit "{\"id\": $id}" >/dev/null
        if ! demo_rpc reviewer "$reviewer" 0 ArticleActionRequest articles.publish "{\"id\": $id}" | jq -e '.status == "published"' >/dev/null; then
            stack_log "demo: article $id not published"
            continue
        fi
        n=$((n + 1))
        ago=$(jq -r '.ago // 0' <<<"$line")
        day=$(jq -r '.day // 1' <<<"$line")
        if [ "$ago" -gt 0 ]; then
            month=$((now_m - ago < 1 ? 1 : now_m - ago))
            back+=("$id:$(printf '%04d-%02d-%02d' "$year" "$month" "$day")")
        fi
    done <deploy/seed/demo-articles.jsonl
    demo_backdate "${back[@]}"
    [ "$n" -gt 0 ] && DEMO_NOTE+="  demo articles: $n published"$'\n'
    return 0
}

# demo_backdate ID:YYYY-MM-DD...: once quota-svc has counted each article
# (its event arrives asynchronously), dates it that day at 09:00 (Asia/Ho_Chi_Minh).
demo_backdate() {
    [ $# -gt 0 ] || return 0
    local ids="" p
    for p in "$@"; do ids+="${ids:+,}${p%%:*}"; done
    for _ in $(seq 150); do
        [ "$(demo_psql "SELECT count(*) FROM quota.articles WHERE article_id IN ($ids)")" = $# ] && break
        sleep 0.1
    done
    for p in "$@"; do
        demo_psql "BEGIN;
            UPDATE content.articles SET published_at = '${p#*:} 09:00:00+07' WHERE id = ${p%%:*} AND status = 'published';
            UPDATE quota.articles SET month = left('${p#*:}', 7) WHERE article_id = ${p%%:*};
            COMMIT;" >/dev/null || stack_log "demo: article ${p%%:*} not dated ${p#*:}"
    done
}

# demo_login USERNAME: a bearer token, with the password make run kept (or
# LOA_ADMIN_PASSWORD for the admin); empty when it cannot sign in.
demo_login() {
    local pw
    pw=$(declare -F credential >/dev/null && credential "$1")
    [ "$1" = admin ] && [ -n "${LOA_ADMIN_PASSWORD:-}" ] && pw=$LOA_ADMIN_PASSWORD
    [ -n "$pw" ] || return 0
    demo_api POST /api/v1/auth/login "" "$(jq -nc --arg u "$1" --arg p "$pw" '{username: $u, password: $p}')" | jq -r '.token // empty'
}

# Citizens' feedback (deploy/seed/demo-feedback.jsonl) through the public
# API, while there is none, so that the Inspectorate's inbox has work.
demo_feedback() {
    local line n=0
    [ "$(demo_psql "SELECT count(*) FROM feedback.feedback")" = 0 ] || return 0
    while IFS= read -r line; do
        case "$line" in '#'* | '') continue ;; esac
        demo_api POST /api/v1/feedback "" "$line" >/dev/null
        [ "$DEMO_STATUS" = 201 ] && n=$((n + 1))
    done <deploy/seed/demo-feedback.jsonl
    [ "$n" -gt 0 ] && DEMO_NOTE+="  demo feedback: $n received (the inspector's inbox: demo.thanhtra)"$'\n'
    return 0
}

# A broadcaster (its API key printed and kept in .run/credentials) and a
# package of the newest demo article for it, while there is no broadcaster.
demo_broadcaster() {
    local token body key bid article pkg
    [ "$(demo_psql "SELECT count(*) FROM media.broadcasters")" = 0 ] || return 0
    token=$(demo_login admin)
    [ -n "$token" ] || return 0
    body=$(demo_api POST /api/v1/broadcasters "$token" \
        '{"name": "Đài Phát thanh và Truyền hình Bắc Ninh", "kind": "tv", "embargo_policy": "deliver"}')
    demo_api POST /api/v1/auth/logout "$token" >/dev/null
    key=$(jq -r '.api_key // empty' <<<"$body")
    bid=$(jq -r '.id // empty' <<<"$body")
    [ -n "$key" ] || { stack_log "demo: broadcaster not created (HTTP $DEMO_STATUS)"; return 0; }
    declare -F remember_credential >/dev/null && remember_credential "broadcaster-$bid" "$key"
    DEMO_NOTE+="  demo broadcaster: Đài Phát thanh và Truyền hình Bắc Ninh, X-Api-Key: $key"$'\n'
    DEMO_NOTE+="    (its feed: curl -H 'X-Api-Key: ...' http://localhost:$LOA_HTTP_PORT/api/v1/media/feed)"$'\n'
    token=$(demo_login demo.duyet)
    article=$(demo_psql "SELECT id FROM content.articles WHERE status = 'published' ORDER BY published_at DESC LIMIT 1")
    [ -n "$token" ] && [ -n "$article" ] || return 0
    # media-svc learns published articles from content-svc's events.
    for _ in $(seq 50); do
        pkg=$(demo_api POST /api/v1/media/packages "$token" \
            "$(jq -nc --argjson a "$article" --argjson b "$bid" '{article_id: $a, asset_ids: [], broadcaster_ids: [$b]}')" | jq -r '.id // empty')
        [ -n "$pkg" ] && break
        sleep 0.2
    done
    demo_api POST /api/v1/auth/logout "$token" >/dev/null
    [ -n "$pkg" ] && DEMO_NOTE+="  demo package: $pkg (the newest article, for that broadcaster)"$'\n'
    return 0
}

demo_seed() {
    DEMO_NOTE=""
    DEMO_UNITS=$(curl -s --max-time 20 "$GW/api/v1/units?per_page=100" | jq -c '[.items[] | {key: .code, value: .id}] | from_entries')
    demo_staff
    demo_articles
    demo_feedback
    demo_broadcaster
}
