# Articles (content-svc): the editorial workflow end to end through the
# gateway. An editor drafts and submits, a reviewer rejects with a reason,
# the editor fixes (PATCH with If-Match) and resubmits, the reviewer
# publishes, the public finds the article by an unaccented or upper-case
# search, a retraction hides it, and the history tells each step, who and
# why. Also: safe body_html, slugs, optimistic concurrency, validation, the
# route x role matrix, visibility, pagination and filters, ETag/304.
# Sourced by tests/run.sh (set -u, one shell with every other test file):
# every name here starts with ar_ / AR_.
# shellcheck shell=bash
# shellcheck disable=SC2016 # jq programs use $variables in single quotes

AR_DIR=$T_TMP/articles
mkdir -p "$AR_DIR"
AR_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n') # per-run suffix (8 hex)
AR_RUN_UC=$(printf '%s' "$AR_RUN" | tr '[:lower:]' '[:upper:]')
declare -gA AR_TOK=() AR_UID=() AR_UNAME=()
AR_TS_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?\+07:00$'
AR_KEYS_LIST='["id","slug","unit_id","title","summary","topic_ids","is_cchc","status","status_reason","author_id","version","created_at","updated_at","attachments"]'
AR_KEYS_FULL='["id","slug","unit_id","title","summary","body","body_html","topic_ids","is_cchc","status","status_reason","author_id","version","created_at","updated_at","attachments"]'

# ------------------------------------------------------------ helpers

ar_rand() { head -c "${1:-12}" /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

# A made-up word (zq + 8 random letters) that no other data contains.
ar_word() { printf 'zq%s' "$(head -c 1200 /dev/urandom | LC_ALL=C tr -dc '[:lower:]' | head -c 8)"; }

ar_jq() { body_jq "$@"; }

# ar_call CALLER METHOD PATH JSON [curl args...]: the request as CALLER
# ("anon" sends no credentials); JSON "-" sends no body. The body goes
# through a file, so it may be larger than a command-line argument.
ar_call() { e2e_call AR_TOK "$@"; }

# ar_get CALLER ID_OR_SLUG [curl args...]
ar_get() {
    local ar_c=$1 ar_r=$2
    shift 2
    ar_call "$ar_c" GET "/api/v1/articles/$ar_r" - "$@"
}

# ar_list CALLER QUERY [curl args...]: GET /api/v1/articles?QUERY
ar_list() {
    local ar_c=$1 ar_q=$2
    shift 2
    ar_call "$ar_c" GET "/api/v1/articles?$ar_q" - "$@"
}

# ar_search CALLER Q [QUERY]: the list with q=Q (URL-encoded).
ar_search() {
    ar_call "$1" GET "/api/v1/articles?per_page=100${3:+&$3}" - -G --data-urlencode "q=$2"
}

# ar_act CALLER ID ACTION [REASON] [curl args...]: POST a transition; with
# a REASON the body is {reason}, else {}.
ar_act() {
    local ar_c=$1 ar_id=$2 ar_action=$3 ar_r=${4:-} ar_j='{}'
    shift 3
    [ $# -gt 0 ] && shift
    [ -n "$ar_r" ] && ar_j=$(jq -nc --arg r "$ar_r" '{reason: $r}')
    ar_call "$ar_c" POST "/api/v1/articles/$ar_id/$ar_action" "$ar_j" "$@"
}

# ar_patch CALLER ID IF_MATCH JSON: PATCH with If-Match (IF_MATCH "-": none).
ar_patch() {
    if [ "$3" = - ]; then
        ar_call "$1" PATCH "/api/v1/articles/$2" "$4"
    else
        ar_call "$1" PATCH "/api/v1/articles/$2" "$4" -H "If-Match: $3"
    fi
}

# ar_create CALLER TITLE BODY [TOPIC_IDS_JSON] [SUMMARY]: AR_ID is the new
# article's id (empty unless 201).
ar_create() {
    local ar_j
    ar_j=$(jq -nc --arg t "$2" --arg b "$3" --argjson tp "${4:-[]}" --arg s "${5:-}" \
        '{title: $t, summary: $s, body: $b, topic_ids: $tp}')
    ar_call "$1" POST /api/v1/articles "$ar_j"
    AR_ID=""
    [ "$HTTP_STATUS" = 201 ] && AR_ID=$(ar_jq '.id // empty')
}

# ar_published CALLER TITLE BODY [TOPIC_IDS_JSON]: created by CALLER,
# submitted, published by the reviewer; AR_ID, or empty on any failure.
ar_published() {
    local ar_id
    ar_create "$@"
    ar_id=$AR_ID
    AR_ID=""
    [ -n "$ar_id" ] || return 0
    ar_act "$1" "$ar_id" submit
    [ "$HTTP_STATUS" = 200 ] || return 0
    ar_act rev "$ar_id" publish
    [ "$HTTP_STATUS" = 200 ] && AR_ID=$ar_id
    return 0
}

# ar_in_review CALLER TITLE BODY [TOPIC_IDS_JSON]: created and submitted.
ar_in_review() {
    local ar_id
    ar_create "$@"
    ar_id=$AR_ID
    AR_ID=""
    [ -n "$ar_id" ] || return 0
    ar_act "$1" "$ar_id" submit
    [ "$HTTP_STATUS" = 200 ] && AR_ID=$ar_id
    return 0
}

# "STATUS" for a success, "STATUS problem" for a problem+json error.
ar_outcome() {
    local ar_s=$HTTP_STATUS ar_ct
    if [ "${ar_s:-0}" -ge 400 ] 2>/dev/null; then
        ar_ct=$(header Content-Type)
        case $ar_ct in
        application/problem+json*) ar_ct=problem ;;
        *) ar_ct="content-type=[$ar_ct]" ;;
        esac
        printf '%s %s' "$ar_s" "$ar_ct"
    else
        printf '%s' "$ar_s"
    fi
}

# "STATUS true" when the problem's errors name FIELD.
ar_names() { problem_names "$1"; }

# The same for an element of a list: FIELD or FIELD[i].
ar_names_el() {
    printf '%s %s' "$HTTP_STATUS" "$(ar_jq --arg f "$1" '[.errors[]?.field | select(. == $f or startswith($f + "["))] | length > 0')"
}

# The problem+json shape: {type, title, status (= the HTTP status), detail,
# request_id, errors: [{field, message}]}.
ar_problem_ok() {
    ar_jq --argjson s "${HTTP_STATUS:-0}" '[has("type"), has("title"), (.status == $s), has("detail"),
        (.request_id | type == "string" and length > 0), (.errors | type == "array"),
        ((.errors // []) | all(has("field") and has("message")))] | all'
}

# ar_has_id ID: "true" when the last list holds the article.
ar_has_id() { ar_jq --argjson id "${1:-0}" '[.items[]?.id] | index($id) != null'; }

# ar_ids: the last list's ids as a JSON array.
ar_ids() { ar_jq -c '[.items[]?.id]'; }

# ar_state CALLER ID: "status version" of the article as CALLER sees it.
ar_state() {
    ar_get "$1" "$2"
    printf '%s %s' "$(ar_jq .status)" "$(ar_jq .version)"
}

# ar_count_as CALLER QUERY: the total of a list.
ar_total() {
    ar_list "$1" "$2"
    ar_jq '.total // empty'
}

# ar_parallel "CALLER..." METHOD PATH JSON [curl args...]: one request per
# CALLER, all at once; AR_PAR_CODES is the sorted list of statuses, the
# answers are $AR_DIR/par.N.body.
ar_parallel() {
    local ar_cs=$1 ar_m=$2 ar_p=$3 ar_j=$4 ar_c ar_i=0 ar_pids=()
    shift 4
    rm -f "$AR_DIR"/par.*
    printf '%s' "$ar_j" >"$AR_DIR/par.json"
    for ar_c in $ar_cs; do
        ar_i=$((ar_i + 1))
        curl -s -o "$AR_DIR/par.$ar_i.body" -w '%{http_code}\n' -X "$ar_m" --max-time 20 \
            -H "Authorization: Bearer ${AR_TOK[$ar_c]:-none}" -H 'Content-Type: application/json' \
            --data-binary "@$AR_DIR/par.json" "$@" "$GW$ar_p" >"$AR_DIR/par.$ar_i.code" &
        ar_pids+=($!)
    done
    wait "${ar_pids[@]}"
    AR_PAR_CODES=$(cat "$AR_DIR"/par.*.code | sort | tr '\n' ' ' | sed 's/ $//')
}

ar_psql() { db_sql "$1"; }

ar_date_add() { TZ=Asia/Ho_Chi_Minh date -d "$1 $2 day" +%Y-%m-%d; }

ar_caller_label() {
    case $1 in
    anon) echo anonymous ;;
    ed) echo "editor (own unit)" ;;
    edb) echo "editor (other unit)" ;;
    rev) echo reviewer ;;
    admin) echo admin ;;
    insp) echo inspector ;;
    lead) echo leader ;;
    hand) echo "handler (own unit)" ;;
    *) echo "$1" ;;
    esac
}

# ------------------------------------------------------------ set-up

# ar_user KEY ROLES_JSON UNIT_JSON: a user made by the admin, logged in.
ar_user() {
    local ar_k=$1
    AR_UNAME[$ar_k]="e2e.ar-$ar_k-$AR_RUN"
    if e2e_user AR_TOK "$ar_k" "$2" "$3" "${AR_UNAME[$ar_k]}" "Người dùng bài viết $ar_k"; then
        pass "setup: the admin creates user $ar_k $2, who logs in"
    else
        fail "setup: the admin creates user $ar_k $2, who logs in" "status $HTTP_STATUS"
    fi
    AR_UID[$ar_k]=$E2E_UID
}

ar_setup() {
    local ar_u
    echo "  -- set-up: units, topics, users"
    AR_TOK[admin]=$(admin_token)
    if [ -n "${AR_TOK[admin]}" ]; then pass "setup: the admin logs in"; else fail "setup: the admin logs in" "no token"; fi
    ar_call anon GET '/api/v1/units?per_page=100' -
    expect_eq "setup: units are listed" "200 true" "$HTTP_STATUS $(ar_jq '(.items | length) > 0')"
    # Two fresh units, so that every count per unit is exact.
    for ar_u in A B C; do
        ar_call admin POST /api/v1/units "{\"code\": \"AR-$AR_RUN_UC-$ar_u\", \"name\": \"Phòng Thử nghiệm Bài viết $ar_u $AR_RUN\"}"
        expect_eq "setup: the admin creates unit $ar_u" 201 "$HTTP_STATUS"
        printf -v "AR_U$ar_u" '%s' "$(ar_jq '.id // empty')"
    done
    if [ -z "$AR_UA" ] || [ -z "$AR_UB" ] || [ -z "$AR_UC" ]; then
        ar_call anon GET '/api/v1/units?per_page=100' -
        [ -n "$AR_UA" ] || AR_UA=$(ar_jq '[.items[] | select(.is_active)][0].id // empty')
        [ -n "$AR_UB" ] || AR_UB=$(ar_jq '[.items[] | select(.is_active)][1].id // empty')
        [ -n "$AR_UC" ] || AR_UC=$(ar_jq '[.items[] | select(.is_active)][2].id // empty')
    fi
    ar_call anon GET '/api/v1/topics?per_page=100' -
    AR_T_CCHC=$(ar_jq '[.items[] | select(.is_cchc)][0].id // empty')
    AR_T_CCHC2=$(ar_jq '[.items[] | select(.is_cchc)][1].id // empty')
    AR_T_PLAIN=$(ar_jq '[.items[] | select(.is_cchc | not)][0].id // empty')
    AR_T_ELEVEN=$(ar_jq -c '[.items[].id][0:11]')
    AR_T_MAXID=$(ar_jq '[.items[].id] | max // 0')
    expect_eq "setup: a CCHC topic and a non-CCHC topic exist" true \
        "$([ -n "$AR_T_CCHC" ] && [ -n "$AR_T_CCHC2" ] && [ -n "$AR_T_PLAIN" ] && echo true || echo false)"
    AR_T_CCHC=${AR_T_CCHC:-0} AR_T_CCHC2=${AR_T_CCHC2:-0} AR_T_PLAIN=${AR_T_PLAIN:-0}
    AR_UA=${AR_UA:-0} AR_UB=${AR_UB:-0} AR_UC=${AR_UC:-0}

    ar_user ed '["editor"]' "$AR_UA"
    ar_user edmate '["editor"]' "$AR_UA"
    ar_user edb '["editor"]' "$AR_UB"
    ar_user rev '["reviewer"]' null
    ar_user rev2 '["reviewer"]' null
    ar_user insp '["inspector"]' null
    ar_user lead '["leader"]' null
    ar_user hand '["handler"]' "$AR_UA"
    ar_user handb '["handler"]' "$AR_UB"
    ar_user edrev '["editor", "reviewer"]' "$AR_UA"
    ar_user edc '["editor"]' "$AR_UC"
    ar_user handc '["handler"]' "$AR_UC"
    AR_TOK[anon]=""
}

# ------------------------------------------------------------ the story

ar_section_story() {
    local ar_w ar_title ar_body ar_body2 ar_id ar_slug ar_r1 ar_r2 ar_j ar_pub ar_etag ar_today ar_want
    echo "  -- the story: draft, submit, reject, fix, resubmit, publish, search, retract, history"
    ar_w=$(ar_word)
    ar_title="Cải cách hành chính: Đăng ký kinh doanh $ar_w"
    ar_body="Sở **Kế hoạch và Đầu tư** triển khai đăng ký doanh nghiệp qua mạng ($ar_w)."
    ar_create ed "$ar_title" "$ar_body" "[$AR_T_CCHC]" "Tóm tắt: thủ tục nhanh hơn"
    ar_id=$AR_ID
    expect_eq "story: an editor creates a draft: 201" 201 "$HTTP_STATUS"
    expect_match "story: Location names the article" "^/api/v1/articles/$ar_id\$" "$(header Location)"
    expect_eq "story: the draft has every field of an article" true \
        "$(ar_jq --argjson k "$AR_KEYS_FULL" '. as $a | $k | map(. as $x | $a | has($x)) | all')"
    expect_eq "story: status draft, version 1, status_reason empty" "draft 1 []" \
        "$(ar_jq '"\(.status) \(.version) [\(.status_reason)]"')"
    expect_eq "story: unit_id is the editor's unit, author_id the editor" "$AR_UA ${AR_UID[ed]}" \
        "$(ar_jq '"\(.unit_id) \(.author_id)"')"
    expect_eq "story: title, summary and body as sent (UTF-8)" true \
        "$(ar_jq --arg t "$ar_title" --arg b "$ar_body" '.title == $t and .summary == "Tóm tắt: thủ tục nhanh hơn" and .body == $b')"
    expect_eq "story: topic_ids as sent; a CCHC topic makes is_cchc true" "[$AR_T_CCHC] true" \
        "$(ar_jq -c '.topic_ids') $(ar_jq .is_cchc)"
    expect_eq "story: the slug comes from the title (diacritics removed, đ→d)" \
        "cai-cach-hanh-chinh-dang-ky-kinh-doanh-$ar_w" "$(ar_jq .slug)"
    ar_slug=$(ar_jq .slug)
    expect_match "story: body_html is rendered Markdown" '<strong>Kế hoạch và Đầu tư</strong>' "$(ar_jq .body_html)"
    expect_eq "story: no published_at before publication" false "$(ar_jq 'has("published_at")')"
    expect_eq "story: attachments is an empty list" "[]" "$(ar_jq -c .attachments)"
    expect_match "story: created_at is RFC 3339 in +07:00" "$AR_TS_RE" "$(ar_jq .created_at)"
    expect_match "story: updated_at is RFC 3339 in +07:00" "$AR_TS_RE" "$(ar_jq .updated_at)"

    ar_get anon "$ar_id"
    expect_eq "story: the public cannot read the draft by id (404)" "404 problem" "$(ar_outcome)"
    ar_get anon "$ar_slug"
    expect_eq "story: the public cannot read the draft by slug (404)" "404 problem" "$(ar_outcome)"
    ar_get ed "$ar_slug"
    expect_eq "story: the editor reads the draft by slug" "200 $ar_id" "$HTTP_STATUS $(ar_jq .id)"
    ar_get ed "$ar_id"
    expect_eq "story: the editor reads the draft by id" "200 $ar_slug" "$HTTP_STATUS $(ar_jq .slug)"
    ar_search anon "$ar_w"
    expect_eq "story: the draft is not in the public list (search)" "200 0" "$HTTP_STATUS $(ar_jq .total)"

    ar_act ed "$ar_id" submit
    expect_eq "story: the editor submits: 200 in_review, version 2" "200 in_review 2" \
        "$HTTP_STATUS $(ar_jq .status) $(ar_jq .version)"
    ar_get anon "$ar_id"
    expect_eq "story: the public cannot read it in review (404)" 404 "$HTTP_STATUS"
    ar_search anon "$ar_w"
    expect_eq "story: in review it is not in the public list" 0 "$(ar_jq .total)"
    ar_list rev 'status=in_review&per_page=100'
    expect_eq "story: the reviewer's queue (status=in_review) holds it" "200 true" "$HTTP_STATUS $(ar_has_id "$ar_id")"

    ar_call rev POST "/api/v1/articles/$ar_id/reject" '{}'
    expect_eq "story: a rejection without a reason is 422 naming reason" "422 true" "$(ar_names reason)"
    expect_eq "story: the 422 is problem+json with type, title, status, detail, request_id, errors" true "$(ar_problem_ok)"
    ar_act rev "$ar_id" reject "   "
    expect_eq "story: a blank reason is 422 naming reason" "422 true" "$(ar_names reason)"
    expect_eq "story: refused rejections changed nothing" "in_review 2" "$(ar_state rev "$ar_id")"

    ar_r1="Thiếu căn cứ pháp lý: bổ sung Nghị định 01/2021/NĐ-CP ($ar_w)"
    ar_act rev "$ar_id" reject "$ar_r1"
    expect_eq "story: the reviewer rejects with a reason: 200 rejected, version 3" "200 rejected 3" \
        "$HTTP_STATUS $(ar_jq .status) $(ar_jq .version)"
    expect_eq "story: status_reason is the rejection's reason" "$ar_r1" "$(ar_jq .status_reason)"
    ar_get ed "$ar_id"
    expect_eq "story: the editor sees the rejection and its reason" "rejected $ar_r1" "$(ar_jq '"\(.status) \(.status_reason)"')"

    ar_body2="$ar_body Căn cứ Nghị định 01/2021/NĐ-CP về đăng ký doanh nghiệp."
    ar_j=$(jq -nc --arg b "$ar_body2" '{body: $b}')
    ar_patch ed "$ar_id" - "$ar_j"
    expect_eq "story: a PATCH without If-Match is 428" "428 problem" "$(ar_outcome)"
    ar_patch ed "$ar_id" '"1"' "$(jq -nc --arg b "$ar_body2" '{body: $b, title: "Tiêu đề cũ"}')"
    expect_eq "story: a PATCH with a stale If-Match is 412" "412 problem" "$(ar_outcome)"
    ar_get ed "$ar_id"
    expect_eq "story: refused PATCHes changed nothing" "rejected 3 true" \
        "$(ar_jq --arg t "$ar_title" --arg b "$ar_body" '"\(.status) \(.version) \(.title == $t and .body == $b)"')"
    ar_patch ed "$ar_id" '"3"' "$ar_j"
    expect_eq "story: the editor fixes it with If-Match \"3\": 200, version 4" "200 4" "$HTTP_STATUS $(ar_jq .version)"
    expect_eq "story: the PATCH answer has the new body and the same title" true \
        "$(ar_jq --arg t "$ar_title" --arg b "$ar_body2" '.body == $b and .title == $t')"
    expect_match "story: body_html follows the body" 'Căn cứ Nghị định 01/2021/NĐ-CP' "$(ar_jq .body_html)"

    ar_act ed "$ar_id" submit "" -H 'If-Match: "2"'
    expect_eq "story: a resubmission with a stale If-Match is 412" "412 problem" "$(ar_outcome)"
    ar_act ed "$ar_id" submit "" -H 'If-Match: 4'
    expect_eq "story: the editor resubmits with If-Match 4 (bare): 200 in_review, version 5" "200 in_review 5" \
        "$HTTP_STATUS $(ar_jq .status) $(ar_jq .version)"

    ar_act ed "$ar_id" publish
    expect_eq "story: the editor may not publish (403)" "403 problem" "$(ar_outcome)"
    ar_act rev "$ar_id" publish "" -H 'If-Match: "4"'
    expect_eq "story: a publication with a stale If-Match is 412" "412 problem" "$(ar_outcome)"
    expect_eq "story: refused publications changed nothing" "in_review 5" "$(ar_state rev "$ar_id")"
    ar_act rev "$ar_id" publish "" -H 'If-Match: "5"'
    expect_eq "story: the reviewer publishes: 200 published, version 6" "200 published 6" \
        "$HTTP_STATUS $(ar_jq .status) $(ar_jq .version)"
    ar_pub=$(ar_jq '.published_at // empty')
    expect_match "story: published_at is set, RFC 3339 in +07:00" "$AR_TS_RE" "$ar_pub"
    ar_today=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m-%d)
    expect_eq "story: published_at is today in Asia/Ho_Chi_Minh" "$ar_today" "${ar_pub:0:10}"
    expect_eq "story: the slug did not change on publication" "$ar_slug" "$(ar_jq .slug)"

    ar_get anon "$ar_id"
    expect_eq "story: the public reads it by id" "200 published" "$HTTP_STATUS $(ar_jq .status)"
    expect_eq "story: the public sees the body, the rendered HTML and published_at" true \
        "$(ar_jq --arg b "$ar_body2" --arg p "$ar_pub" '.body == $b and (.body_html | length > 0) and .published_at == $p')"
    ar_etag=$(header ETag)
    expect_match "story: a public article carries an ETag" '^(W/)?".+"$' "$ar_etag"
    ar_get anon "$ar_id" -H "If-None-Match: $ar_etag"
    expect_eq "story: If-None-Match with its ETag gives 304 without a body" "304 " "$HTTP_STATUS $HTTP_BODY"
    ar_get anon "$ar_slug"
    expect_eq "story: the public reads it by slug" "200 $ar_id" "$HTTP_STATUS $(ar_jq .id)"

    ar_search anon "cai cach hanh chinh $ar_w"
    expect_eq "story: an unaccented search (cai cach hanh chinh) finds it" "200 true" "$HTTP_STATUS $(ar_has_id "$ar_id")"
    ar_search anon "CẢI CÁCH $ar_w"
    expect_eq "story: an upper-case search (CẢI CÁCH) finds it" "200 true" "$HTTP_STATUS $(ar_has_id "$ar_id")"
    ar_search anon "dang ky kinh doanh $ar_w"
    expect_eq "story: 'dang ky kinh doanh' finds 'đăng ký kinh doanh'" "200 true" "$HTTP_STATUS $(ar_has_id "$ar_id")"
    ar_search anon "$(printf '%s' "$ar_w" | tr '[:lower:]' '[:upper:]')"
    expect_eq "story: the made-up word in upper case finds exactly it" "200 [$ar_id]" "$HTTP_STATUS $(ar_ids)"
    ar_list anon ''
    expect_eq "story: the newest publication heads the public list" "200 $ar_id" "$HTTP_STATUS $(ar_jq '.items[0].id')"

    ar_act rev "$ar_id" retract
    expect_eq "story: a retraction without a reason is 422 naming reason" "422 true" "$(ar_names reason)"
    ar_act ed "$ar_id" retract "không được"
    expect_eq "story: the editor may not retract (403)" "403 problem" "$(ar_outcome)"
    ar_r2="Thông tin đã cũ, thay bằng bài mới ($ar_w)"
    ar_act rev2 "$ar_id" retract "$ar_r2"
    expect_eq "story: another reviewer retracts with a reason: 200 retracted, version 7" "200 retracted 7" \
        "$HTTP_STATUS $(ar_jq .status) $(ar_jq .version)"
    expect_eq "story: status_reason is the retraction's reason" "$ar_r2" "$(ar_jq .status_reason)"
    expect_eq "story: the slug did not change on retraction" "$ar_slug" "$(ar_jq .slug)"
    ar_get anon "$ar_id"
    expect_eq "story: the public no longer reads it by id (404)" "404 problem" "$(ar_outcome)"
    ar_get anon "$ar_slug"
    expect_eq "story: the public no longer reads it by slug (404)" 404 "$HTTP_STATUS"
    ar_get anon "$ar_id" -H "If-None-Match: $ar_etag"
    expect_eq "story: its old ETag gives no 304 (404)" 404 "$HTTP_STATUS"
    ar_search anon "cai cach hanh chinh $ar_w"
    expect_eq "story: a retracted article is not found by the public" "200 false" "$HTTP_STATUS $(ar_has_id "$ar_id")"
    ar_list anon 'per_page=100'
    expect_eq "story: a retracted article is gone from the public list" false "$(ar_has_id "$ar_id")"
    ar_get rev "$ar_id"
    expect_eq "story: the reviewer still reads the retracted article" "200 retracted" "$HTTP_STATUS $(ar_jq .status)"
    ar_get ed "$ar_id"
    expect_eq "story: the editor of its unit still reads it" "200 retracted" "$HTTP_STATUS $(ar_jq .status)"
    ar_get edb "$ar_id"
    expect_eq "story: an editor of another unit no longer reads it (404)" 404 "$HTTP_STATUS"

    ar_patch ed "$ar_id" 7 '{"summary": "sửa sau khi gỡ"}'
    expect_eq "story: a retracted article cannot be edited (409)" "409 problem" "$(ar_outcome)"
    ar_act ed "$ar_id" submit
    expect_eq "story: a retracted article cannot be submitted (409)" "409 problem" "$(ar_outcome)"
    ar_act rev "$ar_id" publish
    expect_eq "story: a retracted article cannot be published (409)" "409 problem" "$(ar_outcome)"
    ar_act rev "$ar_id" retract "lần nữa"
    expect_eq "story: a retracted article cannot be retracted again (409)" "409 problem" "$(ar_outcome)"
    expect_eq "story: refused steps changed nothing" "retracted 7" "$(ar_state rev "$ar_id")"

    ar_call ed GET "/api/v1/articles/$ar_id/history" -
    expect_eq "history: the editor reads the history" 200 "$HTTP_STATUS"
    ar_want=$(jq -nc --argjson e "${AR_UID[ed]:-0}" --argjson r "${AR_UID[rev]:-0}" --argjson r2 "${AR_UID[rev2]:-0}" \
        --arg r1 "$ar_r1" --arg rr "$ar_r2" '[
        ["created", "", "draft", $e, "", 1],
        ["submitted", "draft", "in_review", $e, "", 2],
        ["rejected", "in_review", "rejected", $r, $r1, 3],
        ["updated", "rejected", "rejected", $e, "", 4],
        ["submitted", "rejected", "in_review", $e, "", 5],
        ["published", "in_review", "published", $r, "", 6],
        ["retracted", "published", "retracted", $r2, $rr, 7]]')
    expect_eq "history: actions in order" "created submitted rejected updated submitted published retracted" \
        "$(ar_jq '[.items[].action] | join(" ")')"
    expect_eq "history: every step with from, to, who, reason and version" "$ar_want" \
        "$(ar_jq -c '[.items[] | [.action, (.from_status // ""), .to_status, .actor_id, (.reason // ""), .version]]')"
    expect_eq "history: every entry has id, action, from_status, to_status, actor_id, reason, at, version" true \
        "$(ar_jq '.items | length > 0 and all(has("id") and has("action") and has("from_status") and has("to_status") and has("actor_id") and has("reason") and has("at") and has("version"))')"
    expect_eq "history: timestamps are RFC 3339 in +07:00" true \
        "$(ar_jq --arg re "$AR_TS_RE" '.items | length > 0 and all(.at | test($re))')"
    expect_eq "history: oldest first (ids and times ascending)" true \
        "$(ar_jq '[.items[].id] as $i | [.items[].at | sub("\\.[0-9]+"; "")] as $a | ($i == ($i | sort)) and ($a == ($a | sort))')"
    ar_call rev GET "/api/v1/articles/$ar_id/history" -
    expect_eq "history: the reviewer reads the same history" "200 7" "$HTTP_STATUS $(ar_jq '.items | length')"
    ar_call anon GET "/api/v1/articles/$ar_id/history" -
    expect_eq "history: anonymous is 401" "401 problem" "$(ar_outcome)"
}

# ------------------------------------------------------------ body_html safety

ar_section_safety() {
    local ar_w ar_body ar_id ar_html ar_j
    echo "  -- body_html is safe"
    ar_w=$(ar_word)
    ar_body=$(printf '%s\n\n%s\n\n%s\n\n%s\n\n%s\n\n%s\n' \
        '<script>alert("xss")</script>' \
        '[x](javascript:alert(1))' \
        '[y](JaVaScRiPt:alert(2)) và <a href="javascript:alert(3)">z</a>' \
        '<img src=x onerror=alert(4)>' \
        '<iframe src="https://example.com/"></iframe>' \
        "**đậm** và [Cổng dịch vụ công](https://dichvucong.gov.vn/) $ar_w")
    ar_create ed "Kiểm tra an toàn $ar_w" "$ar_body"
    ar_id=$AR_ID
    expect_eq "safety: a body with raw HTML and javascript: links is accepted (201)" 201 "$HTTP_STATUS"
    expect_eq "safety: the Markdown source is kept as sent" true "$(ar_jq --arg b "$ar_body" '.body == $b')"
    ar_html=$(ar_jq '.body_html // ""')
    expect_eq "safety: no <script> in body_html" 0 "$(printf '%s' "$ar_html" | grep -ci '<script')"
    expect_eq "safety: no javascript: anywhere in body_html" 0 "$(printf '%s' "$ar_html" | grep -ci 'javascript:')"
    expect_eq "safety: no raw <img>, <iframe>, <a href> or event handler passes" 0 \
        "$(printf '%s' "$ar_html" | grep -ciE '<img|<iframe|onerror|<a href="javascript')"
    expect_match "safety: Markdown still renders (strong)" '<strong>đậm</strong>' "$ar_html"
    expect_match "safety: an https link is kept" '<a href="https://dichvucong.gov.vn/">Cổng dịch vụ công</a>' "$ar_html"

    ar_j=$(jq -nc --arg b "Sửa: <script>alert(5)</script> [a](javascript:alert(6)) $ar_w" '{body: $b}')
    ar_patch ed "$ar_id" 1 "$ar_j"
    expect_eq "safety: a PATCH with a new unsafe body: 200" 200 "$HTTP_STATUS"
    ar_html=$(ar_jq '.body_html // ""')
    expect_eq "safety: after the PATCH body_html has no <script> and no javascript:" 0 \
        "$(printf '%s' "$ar_html" | grep -ciE '<script|javascript:')"
    ar_published ed "An toàn công khai $ar_w" "[q](javascript:alert(7)) <script>alert(8)</script> $ar_w"
    ar_get anon "${AR_ID:-0}"
    expect_eq "safety: the public reads a published unsafe body" 200 "$HTTP_STATUS"
    expect_eq "safety: the public's body_html has no <script> and no javascript:" 0 \
        "$(ar_jq '.body_html // ""' | grep -ciE '<script|javascript:')"
}

# ------------------------------------------------------------ slugs

ar_section_slugs() {
    local ar_w ar_id ar_id2 ar_s1 ar_s2 ar_id3
    echo "  -- slugs"
    ar_w=$(ar_word)
    ar_create ed "Hỏi – Đáp: Thủ tục ĐẦU TƯ (2022)! $ar_w" "Nội dung $ar_w"
    ar_id=$AR_ID
    expect_eq "slug: punctuation, upper case and diacritics fold to words joined by -" \
        "hoi-dap-thu-tuc-dau-tu-2022-$ar_w" "$(ar_jq .slug)"
    ar_s1=$(ar_jq .slug)
    ar_create edb "Hỏi – Đáp: Thủ tục ĐẦU TƯ (2022)! $ar_w" "Bài khác $ar_w"
    ar_id2=$AR_ID
    ar_s2=$(ar_jq '.slug // empty')
    expect_eq "slug: the same title again (another unit) gets another slug" true \
        "$([ -n "$ar_s2" ] && [ "$ar_s2" != "$ar_s1" ] && echo true || echo false)"
    expect_match "slug: the second slug is lower-case words joined by -" '^[a-z0-9]+(-[a-z0-9]+)*$' "$ar_s2"
    ar_get edb "$ar_s2"
    expect_eq "slug: the second slug names the second article" "200 ${ar_id2:-x}" "$HTTP_STATUS $(ar_jq .id)"
    ar_get ed "$ar_s1"
    expect_eq "slug: the first slug still names the first article" "200 ${ar_id:-x}" "$HTTP_STATUS $(ar_jq .id)"

    ar_patch ed "${ar_id:-0}" 1 "{\"title\": \"Đổi tên bài viết $ar_w\"}"
    expect_eq "slug: a draft's new title gives a new slug" "200 doi-ten-bai-viet-$ar_w" "$HTTP_STATUS $(ar_jq .slug)"
    ar_get ed "doi-ten-bai-viet-$ar_w"
    expect_eq "slug: the new slug reads the article" "200 ${ar_id:-x}" "$HTTP_STATUS $(ar_jq .id)"

    # Rejected (never published): the slug still follows the title.
    ar_act ed "${ar_id:-0}" submit
    ar_act rev "${ar_id:-0}" reject "Tiêu đề chưa rõ"
    ar_patch ed "${ar_id:-0}" 4 "{\"title\": \"Tiêu đề mới sau từ chối $ar_w\"}"
    expect_eq "slug: a rejected (never published) article's new title gives a new slug" \
        "200 tieu-de-moi-sau-tu-choi-$ar_w" "$HTTP_STATUS $(ar_jq .slug)"
    ar_act ed "${ar_id:-0}" submit
    ar_act rev "${ar_id:-0}" publish
    expect_eq "slug: publication keeps the slug" "200 tieu-de-moi-sau-tu-choi-$ar_w" "$HTTP_STATUS $(ar_jq .slug)"
    ar_get anon "tieu-de-moi-sau-tu-choi-$ar_w"
    expect_eq "slug: the public reads the published article by slug" "200 ${ar_id:-x}" "$HTTP_STATUS $(ar_jq .id)"
    ar_patch ed "${ar_id:-0}" 7 "{\"title\": \"Không được đổi $ar_w\"}"
    expect_eq "slug: a published article cannot be edited (409)" "409 problem" "$(ar_outcome)"
    ar_act rev "${ar_id:-0}" retract "Gỡ để kiểm tra slug"
    expect_eq "slug: retraction keeps the slug" "200 tieu-de-moi-sau-tu-choi-$ar_w" "$HTTP_STATUS $(ar_jq .slug)"
    ar_get rev "tieu-de-moi-sau-tu-choi-$ar_w"
    expect_eq "slug: staff read the retracted article by its slug" "200 ${ar_id:-x}" "$HTTP_STATUS $(ar_jq .id)"

    # A title that is only digits and punctuation still gives a slug that is not an id.
    ar_create ed "2022" "Chỉ có số $ar_w"
    ar_id3=$AR_ID
    expect_match "slug: a title of digits gives a slug that is not all digits" '^[a-z0-9]+(-[a-z0-9]+)*$' "$(ar_jq '.slug // empty' | grep -v '^[0-9]*$')"
    ar_get ed "$(ar_jq '.slug // "x"')"
    expect_eq "slug: that slug reads the article" "200 ${ar_id3:-x}" "$HTTP_STATUS $(ar_jq .id)"
    ar_get rev "khong-co-bai-nay-$ar_w"
    expect_eq "slug: an unknown slug is 404" "404 problem" "$(ar_outcome)"
    ar_get rev 999999999
    expect_eq "slug: an unknown id is 404" "404 problem" "$(ar_outcome)"
}

# ------------------------------------------------------------ optimistic concurrency, state conflicts

ar_section_concurrency() {
    local ar_w ar_id ar_id2
    echo "  -- optimistic concurrency and state conflicts"
    ar_w=$(ar_word)
    ar_create ed "Phiên bản $ar_w" "Bản 1 $ar_w"
    ar_id=${AR_ID:-0}
    ar_patch ed "$ar_id" - '{"summary": "không có If-Match"}'
    expect_eq "concurrency: PATCH without If-Match is 428 problem+json" "428 problem" "$(ar_outcome)"
    ar_patch ed "$ar_id" '"1"' '{"summary": "bản 2"}'
    expect_eq "concurrency: PATCH with If-Match \"1\" (quoted): 200, version 2" "200 2 bản 2" \
        "$HTTP_STATUS $(ar_jq .version) $(ar_jq .summary)"
    ar_patch ed "$ar_id" 2 '{"summary": "bản 3"}'
    expect_eq "concurrency: PATCH with If-Match 2 (bare): 200, version 3" "200 3 bản 3" \
        "$HTTP_STATUS $(ar_jq .version) $(ar_jq .summary)"
    ar_patch edmate "$ar_id" 2 '{"summary": "ghi đè"}'
    expect_eq "concurrency: a second editor with the stale version 2 gets 412" "412 problem" "$(ar_outcome)"
    ar_patch ed "$ar_id" 99 '{"summary": "tương lai"}'
    expect_eq "concurrency: a version from the future is 412" 412 "$HTTP_STATUS"
    ar_get ed "$ar_id"
    expect_eq "concurrency: the refused writes changed nothing" "3 bản 3" "$(ar_jq .version) $(ar_jq .summary)"
    ar_patch edmate "$ar_id" '"3"' '{"summary": "đồng nghiệp sửa"}'
    expect_eq "concurrency: another editor of the same unit edits with the right version: 200, version 4" "200 4" \
        "$HTTP_STATUS $(ar_jq .version)"
    ar_patch ed "$ar_id" 4 '{"topic_ids": []}'
    expect_eq "concurrency: a PATCH that changes only topic_ids still counts a version" "200 5" "$HTTP_STATUS $(ar_jq .version)"

    ar_act rev "$ar_id" publish
    expect_eq "state: a draft cannot be published (409)" "409 problem" "$(ar_outcome)"
    ar_act rev "$ar_id" reject "sai trạng thái"
    expect_eq "state: a draft cannot be rejected (409)" "409 problem" "$(ar_outcome)"
    ar_act rev "$ar_id" retract "sai trạng thái"
    expect_eq "state: a draft cannot be retracted (409)" "409 problem" "$(ar_outcome)"
    ar_act ed "$ar_id" submit "" -H 'If-Match: "5"'
    expect_eq "state: submit with the right If-Match: 200 in_review, version 6" "200 in_review 6" \
        "$HTTP_STATUS $(ar_jq .status) $(ar_jq .version)"
    ar_act ed "$ar_id" submit
    expect_eq "state: in review it cannot be submitted again (409)" "409 problem" "$(ar_outcome)"
    ar_patch ed "$ar_id" 6 '{"summary": "đang duyệt"}'
    expect_eq "state: in review it cannot be edited (409)" "409 problem" "$(ar_outcome)"
    ar_act rev "$ar_id" retract "chưa đăng"
    expect_eq "state: in review it cannot be retracted (409)" "409 problem" "$(ar_outcome)"
    ar_act rev "$ar_id" reject "lý do" -H 'If-Match: "5"'
    expect_eq "state: a rejection with a stale If-Match is 412" "412 problem" "$(ar_outcome)"
    ar_act rev "$ar_id" publish "" -H 'If-Match: 6'
    expect_eq "state: publish with the right bare If-Match: 200, version 7" "200 published 7" \
        "$HTTP_STATUS $(ar_jq .status) $(ar_jq .version)"
    ar_act rev "$ar_id" publish
    expect_eq "state: a published article cannot be published again (409)" "409 problem" "$(ar_outcome)"
    ar_act rev "$ar_id" reject "muộn"
    expect_eq "state: a published article cannot be rejected (409)" "409 problem" "$(ar_outcome)"
    ar_act ed "$ar_id" submit
    expect_eq "state: a published article cannot be submitted (409)" "409 problem" "$(ar_outcome)"
    ar_patch ed "$ar_id" 7 '{"summary": "sau khi đăng"}'
    expect_eq "state: a published article cannot be edited (409)" "409 problem" "$(ar_outcome)"
    ar_act rev "$ar_id" retract "lý do" -H 'If-Match: 6'
    expect_eq "state: a retraction with a stale If-Match is 412" "412 problem" "$(ar_outcome)"
    expect_eq "state: the refused steps changed nothing" "published 7" "$(ar_state rev "$ar_id")"
    ar_act rev "$ar_id" retract "Kiểm tra phiên bản" -H 'If-Match: "7"'
    expect_eq "state: retract with the right If-Match: 200 retracted, version 8" "200 retracted 8" \
        "$HTTP_STATUS $(ar_jq .status) $(ar_jq .version)"
    ar_call rev GET "/api/v1/articles/$ar_id/history" -
    expect_eq "state: the history counts one entry per version" "1 2 3 4 5 6 7 8" "$(ar_jq '[.items[].version] | join(" ")')"
    expect_eq "state: the second editor's PATCH is in the history under their id" "${AR_UID[edmate]:-x}" \
        "$(ar_jq '[.items[] | select(.version == 4)][0].actor_id')"

    # A PATCH on an unknown article.
    ar_patch ed 999999999 1 '{"summary": "không có"}'
    expect_eq "concurrency: PATCH of an unknown article is 404" "404 problem" "$(ar_outcome)"
    # Four eyes: an editor who is also a reviewer may not judge their own article.
    echo "  -- four eyes"
    ar_in_review edrev "Bốn mắt $ar_w" "Tự duyệt? $ar_w"
    ar_id2=${AR_ID:-0}
    ar_act edrev "$ar_id2" publish
    expect_eq "four eyes: the author (editor and reviewer) may not publish their own article (403)" "403 problem" "$(ar_outcome)"
    ar_act edrev "$ar_id2" reject "tự từ chối"
    expect_eq "four eyes: nor reject it (403)" "403 problem" "$(ar_outcome)"
    expect_eq "four eyes: it is still in review" "in_review 2" "$(ar_state rev "$ar_id2")"
    ar_act rev "$ar_id2" publish
    expect_eq "four eyes: another reviewer publishes it" "200 published" "$HTTP_STATUS $(ar_jq .status)"
    ar_in_review ed "Bốn mắt hai $ar_w" "Người khác duyệt $ar_w"
    ar_act edrev "${AR_ID:-0}" publish
    expect_eq "four eyes: the editor-reviewer publishes someone else's article" "200 published" "$HTTP_STATUS $(ar_jq .status)"
}

# ------------------------------------------------------------ validation

ar_section_validation() {
    local ar_w ar_before ar_after ar_big ar_j ar_t300 ar_id ar_n ar_k
    echo "  -- validation: every error named, nothing stored"
    ar_w=$(ar_word)
    ar_before=$(ar_total ed 'per_page=1')
    ar_call ed POST /api/v1/articles '{"title": "Hỏng", "body": '
    expect_eq "validation: malformed JSON is 400 naming body" "400 true" "$(ar_names body)"
    expect_eq "validation: the 400 is problem+json with every member" true "$(ar_problem_ok)"
    ar_call ed POST /api/v1/articles "$(printf '{"title": "Sai m\xe3 \xff\xfe %s", "body": "x"}' "$ar_w")"
    expect_eq "validation: invalid UTF-8 is 400 naming body" "400 true" "$(ar_names body)"
    ar_call ed POST /api/v1/articles '{"title": 5, "body": "x"}'
    expect_eq "validation: a number as title is 400 naming title" "400 true" "$(ar_names title)"
    ar_call ed POST /api/v1/articles "{\"title\": \"Kiểu $ar_w\", \"body\": [\"x\"]}"
    expect_eq "validation: an array as body is 400 naming body" "400 true" "$(ar_names body)"
    ar_call ed POST /api/v1/articles "{\"title\": \"Kiểu $ar_w\", \"body\": \"x\", \"summary\": 7}"
    expect_eq "validation: a number as summary is 400 naming summary" "400 true" "$(ar_names summary)"
    ar_call ed POST /api/v1/articles "{\"title\": \"Kiểu $ar_w\", \"body\": \"x\", \"topic_ids\": \"$AR_T_CCHC\"}"
    expect_eq "validation: a string as topic_ids is 400 naming topic_ids" "400 true" "$(ar_names topic_ids)"
    ar_call ed POST /api/v1/articles "{\"title\": \"Kiểu $ar_w\", \"body\": \"x\", \"topic_ids\": [\"a\"]}"
    expect_eq "validation: a string inside topic_ids is 400 naming topic_ids (or topic_ids[i])" "400 true" "$(ar_names_el topic_ids)"
    ar_call ed POST /api/v1/articles "{\"title\": \"Kiểu $ar_w\", \"body\": \"x\", \"attachment_ids\": {}}"
    expect_eq "validation: an object as attachment_ids is 400 naming attachment_ids" "400 true" "$(ar_names attachment_ids)"
    ar_call ed POST /api/v1/articles "{\"title\": \"Lạ $ar_w\", \"body\": \"x\", \"colour\": \"đỏ\"}"
    expect_eq "validation: an unknown field is 400 naming it" "400 true" "$(ar_names colour)"
    http POST /api/v1/articles -H "Authorization: Bearer ${AR_TOK[ed]:-none}" \
        -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "title=$ar_w&body=x"
    expect_eq "validation: a body that is not JSON (form) is 415" "415 problem" "$(ar_outcome)"

    ar_call ed POST /api/v1/articles '{"title": "", "body": "x"}'
    expect_eq "validation: an empty title is 422 naming title" "422 true" "$(ar_names title)"
    expect_eq "validation: the 422 is problem+json with every member" true "$(ar_problem_ok)"
    ar_call ed POST /api/v1/articles '{"title": "  \t ", "body": "x"}'
    expect_eq "validation: a blank title is 422 naming title" "422 true" "$(ar_names title)"
    ar_call ed POST /api/v1/articles '{"body": "x"}'
    expect_match "validation: a missing title is 400/422 naming title" '^(400|422) true$' "$(ar_names title)"
    ar_call ed POST /api/v1/articles "{\"title\": \"Thiếu thân bài $ar_w\"}"
    expect_match "validation: a missing body is 400/422 naming body" '^(400|422) true$' "$(ar_names body)"
    # 301 characters, 3 bytes each in UTF-8: the limit counts characters.
    ar_t300="T$ar_w $(yes 'ệ' | head -n $((300 - ${#ar_w} - 2)) | tr -d '\n')"
    ar_call ed POST /api/v1/articles "$(jq -nc --arg t "${ar_t300}ệ" '{title: $t, body: "x"}')"
    expect_eq "validation: a 301-character title is 422 naming title" "422 true" "$(ar_names title)"
    ar_call ed POST /api/v1/articles "$(jq -nc --arg s "$(yes 'ả' | head -n 1001 | tr -d '\n')" --arg t "Tóm tắt dài $ar_w" '{title: $t, summary: $s, body: "x"}')"
    expect_eq "validation: a 1001-character summary is 422 naming summary" "422 true" "$(ar_names summary)"
    head -c 204801 /dev/zero | tr '\0' 'a' >"$AR_DIR/big.txt"
    ar_big=$(jq -nc --rawfile b "$AR_DIR/big.txt" --arg t "Thân bài lớn $ar_w" '{title: $t, body: $b}')
    ar_call ed POST /api/v1/articles "$ar_big"
    expect_eq "validation: a body of 204801 bytes is 422 naming body" "422 true" "$(ar_names body)"
    # 68267 characters of 3 bytes: under 204800 characters, over 204800 bytes.
    yes 'ệ' | head -n 68267 | tr -d '\n' >"$AR_DIR/big3.txt"
    ar_call ed POST /api/v1/articles "$(jq -nc --rawfile b "$AR_DIR/big3.txt" --arg t "Thân bài lớn $ar_w" '{title: $t, body: $b}')"
    expect_eq "validation: a body of 68267 three-byte characters (204801 bytes) is 422 naming body" "422 true" "$(ar_names body)"
    ar_call ed POST /api/v1/articles "{\"title\": \"Chủ đề lạ $ar_w\", \"body\": \"x\", \"topic_ids\": [999999]}"
    expect_eq "validation: an unknown topic is 422 naming topic_ids" "422 true" "$(ar_names topic_ids)"
    ar_call ed POST /api/v1/articles "{\"title\": \"Chủ đề lạ $ar_w\", \"body\": \"x\", \"topic_ids\": [$AR_T_CCHC, $((AR_T_MAXID + 1000))]}"
    expect_eq "validation: one unknown topic among known ones is 422 naming topic_ids" "422 true" "$(ar_names topic_ids)"
    ar_n=$(printf '%s' "$AR_T_ELEVEN" | jq 'length' 2>/dev/null)
    if [ "${ar_n:-0}" = 11 ]; then
        ar_call ed POST /api/v1/articles "{\"title\": \"Mười một chủ đề $ar_w\", \"body\": \"x\", \"topic_ids\": $AR_T_ELEVEN}"
        expect_eq "validation: 11 topics is 422 naming topic_ids" "422 true" "$(ar_names topic_ids)"
    else
        fail "validation: 11 topics is 422 naming topic_ids" "fewer than 11 topics seeded"
    fi
    ar_call ed POST /api/v1/articles "{\"title\": \"Tệp $ar_w\", \"body\": \"x\", \"attachment_ids\": $(seq 1 21 | jq -sc .)}"
    expect_eq "validation: 21 attachment_ids is 422 naming attachment_ids" "422 true" "$(ar_names attachment_ids)"
    ar_call ed POST /api/v1/articles "{\"title\": \"Tệp $ar_w\", \"body\": \"x\", \"attachment_ids\": [0]}"
    expect_eq "validation: attachment id 0 is 422 naming attachment_ids (or attachment_ids[i])" "422 true" "$(ar_names_el attachment_ids)"
    ar_call ed POST /api/v1/articles "{\"title\": \"Tệp $ar_w\", \"body\": \"x\", \"attachment_ids\": [-3]}"
    expect_eq "validation: a negative attachment id is 422 naming attachment_ids (or attachment_ids[i])" "422 true" "$(ar_names_el attachment_ids)"
    ar_after=$(ar_total ed 'per_page=1')
    expect_eq "validation: nothing was stored (the editor's list total is unchanged)" "${ar_before:-x}" "${ar_after:-y}"
    ar_search rev "$ar_w"
    expect_eq "validation: no refused article can be found by the reviewer either" 0 "$(ar_jq .total)"

    # The limits themselves are accepted.
    ar_call ed POST /api/v1/articles "$(jq -nc --arg t "$ar_t300" '{title: $t, body: "x"}')"
    expect_eq "validation: a 300-character title (900 bytes) is accepted" "201 300" "$HTTP_STATUS $(ar_jq '.title | length')"
    ar_call ed POST /api/v1/articles "$(jq -nc --arg s "$(yes 'ả' | head -n 1000 | tr -d '\n')" --arg t "Tóm tắt vừa $ar_w" '{title: $t, summary: $s, body: "x"}')"
    expect_eq "validation: a 1000-character summary is accepted" "201 1000" "$HTTP_STATUS $(ar_jq '.summary | length')"
    head -c 204800 /dev/zero | tr '\0' 'b' >"$AR_DIR/big.txt"
    ar_call ed POST /api/v1/articles "$(jq -nc --rawfile b "$AR_DIR/big.txt" --arg t "Thân bài vừa $ar_w" '{title: $t, body: $b}')"
    expect_eq "validation: a body of exactly 204800 bytes is accepted" "201 204800" "$HTTP_STATUS $(ar_jq '.body | utf8bytelength')"
    ar_n=$(printf '%s' "$AR_T_ELEVEN" | jq -c '.[0:10]' 2>/dev/null)
    ar_call ed POST /api/v1/articles "{\"title\": \"Mười chủ đề $ar_w\", \"body\": \"x\", \"topic_ids\": ${ar_n:-[]}}"
    expect_eq "validation: 10 topics are accepted" "201 10" "$HTTP_STATUS $(ar_jq '.topic_ids | length')"
    expect_eq "validation: without a summary the summary is empty" '""' "$(ar_jq '.summary | tojson')"
    ar_after=$(ar_total ed 'per_page=1')
    expect_eq "validation: the four accepted articles are counted" "$((${ar_before:-0} + 4))" "${ar_after:-y}"

    # PATCH validation (with the right If-Match), then nothing changed.
    echo "  -- validation of PATCH"
    ar_create ed "Sửa hợp lệ $ar_w" "Thân $ar_w" "[$AR_T_PLAIN]"
    ar_id=${AR_ID:-0}
    ar_patch ed "$ar_id" 1 '{}'
    expect_eq "validation: PATCH {} is 422" "422 problem" "$(ar_outcome)"
    ar_patch ed "$ar_id" 1 '{"title": ""}'
    expect_eq "validation: PATCH an empty title is 422 naming title" "422 true" "$(ar_names title)"
    ar_patch ed "$ar_id" 1 '{"title": "   "}'
    expect_eq "validation: PATCH a blank title is 422 naming title" "422 true" "$(ar_names title)"
    ar_patch ed "$ar_id" 1 "$(jq -nc --arg t "${ar_t300}ệ" '{title: $t}')"
    expect_eq "validation: PATCH a 301-character title is 422 naming title" "422 true" "$(ar_names title)"
    ar_patch ed "$ar_id" 1 '{"title": 12}'
    expect_eq "validation: PATCH a number as title is 400 naming title" "400 true" "$(ar_names title)"
    ar_patch ed "$ar_id" 1 '{"topic_ids": [999999]}'
    expect_eq "validation: PATCH an unknown topic is 422 naming topic_ids" "422 true" "$(ar_names topic_ids)"
    ar_patch ed "$ar_id" 1 "{\"attachment_ids\": [0]}"
    expect_eq "validation: PATCH attachment id 0 is 422 naming attachment_ids (or attachment_ids[i])" "422 true" "$(ar_names_el attachment_ids)"
    ar_patch ed "$ar_id" 1 "$(jq -nc --arg s "$(yes 'ả' | head -n 1001 | tr -d '\n')" '{summary: $s}')"
    expect_eq "validation: PATCH a 1001-character summary is 422 naming summary" "422 true" "$(ar_names summary)"
    head -c 204801 /dev/zero | tr '\0' 'c' >"$AR_DIR/big.txt"
    ar_patch ed "$ar_id" 1 "$(jq -nc --rawfile b "$AR_DIR/big.txt" '{body: $b}')"
    expect_eq "validation: PATCH a body of 204801 bytes is 422 naming body" "422 true" "$(ar_names body)"
    ar_patch ed "$ar_id" 1 '{"summary": "x",'
    expect_eq "validation: PATCH malformed JSON is 400 naming body" "400 true" "$(ar_names body)"
    ar_patch ed "$ar_id" 1 '{"slug": "tu-dat-slug"}'
    expect_eq "validation: PATCH of a field that is not editable (slug) is 400 naming it" "400 true" "$(ar_names slug)"
    ar_get ed "$ar_id"
    expect_eq "validation: refused PATCHes changed nothing" "1 Sửa hợp lệ $ar_w [$AR_T_PLAIN]" \
        "$(ar_jq .version) $(ar_jq .title) $(ar_jq -c .topic_ids)"
    ar_patch ed "$ar_id" 1 "{\"topic_ids\": [$AR_T_CCHC2]}"
    expect_eq "validation: PATCH topic_ids to a CCHC topic makes is_cchc true" "200 [$AR_T_CCHC2] true" \
        "$HTTP_STATUS $(ar_jq -c .topic_ids) $(ar_jq .is_cchc)"
    ar_patch ed "$ar_id" 2 '{"topic_ids": []}'
    expect_eq "validation: PATCH topic_ids [] clears them and is_cchc is false" "200 [] false" \
        "$HTTP_STATUS $(ar_jq -c .topic_ids) $(ar_jq .is_cchc)"

    echo "  -- validation of transitions and routes"
    ar_act rev "$ar_id" reject ""
    expect_eq "validation: reject with reason \"\" is 422 naming reason" "422 true" "$(ar_names reason)"
    ar_call rev POST "/api/v1/articles/$ar_id/reject" '{"reason": 5}'
    expect_eq "validation: reject with a number as reason is 400 naming reason" "400 true" "$(ar_names reason)"
    ar_call rev POST /api/v1/articles/abc/publish '{}'
    expect_eq "validation: a transition on an id that is not a number is 400 or 404" true \
        "$(case $HTTP_STATUS in 400 | 404) echo true ;; *) echo "$HTTP_STATUS" ;; esac)"
    ar_act rev 999999999 publish
    expect_eq "validation: publishing an unknown article is 404" "404 problem" "$(ar_outcome)"
    ar_call ed DELETE "/api/v1/articles/$ar_id" -
    expect_eq "validation: DELETE of an article is 405" "405 problem" "$(ar_outcome)"
    expect_match "validation: the 405 tells Allow (GET, PATCH)" 'GET.*PATCH|PATCH.*GET' "$(header Allow)"

    # Idempotency-Key: the same creation twice stores one article.
    ar_k="ar-$AR_RUN-$(ar_rand 6)"
    ar_j=$(jq -nc --arg t "Một lần thôi $ar_w" '{title: $t, body: "x"}')
    ar_call ed POST /api/v1/articles "$ar_j" -H "Idempotency-Key: $ar_k"
    ar_id=$(ar_jq '.id // empty')
    expect_eq "idempotency: the first POST with an Idempotency-Key is 201" 201 "$HTTP_STATUS"
    ar_call ed POST /api/v1/articles "$ar_j" -H "Idempotency-Key: $ar_k"
    expect_eq "idempotency: the same POST again answers the same article" "true ${ar_id:-x}" \
        "$(case $HTTP_STATUS in 200 | 201) echo true ;; *) echo "$HTTP_STATUS" ;; esac) $(ar_jq .id)"
    ar_search ed "mot lan thoi $ar_w"
    expect_eq "idempotency: one article was stored" 1 "$(ar_jq .total)"
}

# ------------------------------------------------------------ races

ar_section_races() {
    local ar_w ar_id ar_slugs
    echo "  -- races: one If-Match wins, one transition wins, slugs stay unique"
    ar_w=$(ar_word)
    ar_create ed "Tranh chấp $ar_w" "Bản gốc $ar_w"
    ar_id=${AR_ID:-0}
    ar_parallel "ed ed edmate edmate ed" PATCH "/api/v1/articles/$ar_id" '{"summary": "ai nhanh hơn"}' -H 'If-Match: "1"'
    expect_eq "race: five PATCHes with the same If-Match: one 200, four 412" "200 412 412 412 412" "$AR_PAR_CODES"
    expect_eq "race: the article is at version 2" "draft 2" "$(ar_state ed "$ar_id")"
    ar_act ed "$ar_id" submit
    ar_parallel "rev rev2 rev rev2" POST "/api/v1/articles/$ar_id/publish" '{}'
    expect_eq "race: four simultaneous publications: one 200, three 409" "200 409 409 409" "$AR_PAR_CODES"
    ar_call rev GET "/api/v1/articles/$ar_id/history" -
    expect_eq "race: one publication in the history, version 4" "1 published 4" \
        "$(ar_jq '[.items[] | select(.action == "published")] | length') $(ar_state rev "$ar_id")"
    ar_parallel "ed ed ed ed" POST /api/v1/articles "$(jq -nc --arg t "Cùng tiêu đề $ar_w" '{title: $t, body: "x"}')"
    expect_eq "race: four simultaneous creations with one title: all 201" "201 201 201 201" "$AR_PAR_CODES"
    ar_slugs=$(cat "$AR_DIR"/par.*.body | jq -r '.slug // empty' | sort -u | wc -l | tr -d ' ')
    expect_eq "race: ... with four different slugs" 4 "$ar_slugs"
}

# ------------------------------------------------------------ role x route matrix

# The expected outcome of ROUTE for CALLER.
ar_mx_want() {
    local ar_r=$1 ar_c=$2
    if [ "$ar_c" = anon ]; then
        case $ar_r in
        list) echo "200 false" ;;
        get) echo "404 problem" ;;
        *) echo "401 problem" ;;
        esac
        return
    fi
    case "$ar_r $ar_c" in
    "list edb") echo "200 false" ;;
    list*) echo "200 true" ;;
    "get edb") echo "404 problem" ;;
    get*) echo 200 ;;
    "create ed" | "create edb") echo 201 ;;
    create*) echo "403 problem" ;;
    "patch ed" | "submit ed") echo 200 ;;
    patch* | submit*) echo "403 problem" ;;
    "publish rev" | "reject rev" | "retract rev") echo 200 ;;
    publish* | reject* | retract*) echo "403 problem" ;;
    "history edb") echo "404 problem" ;;
    history*) echo 200 ;;
    esac
}

ar_section_matrix() {
    local ar_w ar_draft ar_d ar_r2 ar_c ar_r ar_got ar_callers ar_v ar_order
    echo "  -- authorisation matrix (article route x caller)"
    ar_w=$(ar_word)
    ar_callers="anon ed edb rev admin insp lead hand"
    ar_create ed "Ma trận bản nháp $ar_w" "Nháp $ar_w"
    ar_draft=${AR_ID:-0}
    ar_create ed "Ma trận đích $ar_w" "Đích $ar_w"
    ar_d=${AR_ID:-0}
    ar_in_review ed "Ma trận từ chối $ar_w" "Từ chối $ar_w"
    ar_r2=${AR_ID:-0}

    for ar_r in list get create history; do
        for ar_c in $ar_callers; do
            case $ar_r in
            list)
                ar_list "$ar_c" "unit_id=$AR_UA&per_page=100"
                ar_got="$HTTP_STATUS $(ar_has_id "$ar_draft")"
                ;;
            get)
                ar_get "$ar_c" "$ar_draft"
                ar_got=$(ar_outcome)
                [ "$ar_got" = 200 ] && [ "$(ar_jq .id)" != "$ar_draft" ] && ar_got="200 but another article"
                ;;
            create)
                ar_create "$ar_c" "Ma trận tạo $ar_c $ar_w" "Tạo $ar_w"
                ar_got=$(ar_outcome)
                ;;
            history)
                ar_call "$ar_c" GET "/api/v1/articles/$ar_draft/history" -
                ar_got=$(ar_outcome)
                [ "$ar_got" = 200 ] && ar_got="200$(ar_jq '.items | if length == 1 and .[0].action == "created" then "" else " but \(map(.action))" end')"
                ;;
            esac
            expect_eq "authz: $ar_r as $(ar_caller_label "$ar_c")" "$(ar_mx_want "$ar_r" "$ar_c")" "$ar_got"
        done
    done

    # Writes: the allowed caller goes last, so the refused ones meet the
    # state they need; each sends the current version.
    for ar_r in patch submit publish reject retract; do
        case $ar_r in
        patch | submit) ar_order="anon edb rev admin insp lead hand ed" ;;
        *) ar_order="anon ed edb admin insp lead hand rev" ;;
        esac
        for ar_c in $ar_order; do
            case $ar_r in
            patch | submit | publish | retract) ar_v=$(ar_state rev "$ar_d" | cut -d' ' -f2) ;;
            reject) ar_v=$(ar_state rev "$ar_r2" | cut -d' ' -f2) ;;
            esac
            case $ar_r in
            patch) ar_patch "$ar_c" "$ar_d" "${ar_v:-1}" "{\"summary\": \"sửa bởi $ar_c\"}" ;;
            submit | publish) ar_act "$ar_c" "$ar_d" "$ar_r" "" -H "If-Match: ${ar_v:-1}" ;;
            retract) ar_act "$ar_c" "$ar_d" retract "Gỡ bởi $ar_c" -H "If-Match: ${ar_v:-1}" ;;
            reject) ar_act "$ar_c" "$ar_r2" reject "Từ chối bởi $ar_c" -H "If-Match: ${ar_v:-1}" ;;
            esac
            expect_eq "authz: $ar_r as $(ar_caller_label "$ar_c")" "$(ar_mx_want "$ar_r" "$ar_c")" "$(ar_outcome)"
        done
    done
    ar_get rev "$ar_d"
    expect_eq "authz: the target carries only the allowed writes" "retracted 5 sửa bởi ed Gỡ bởi rev" \
        "$(ar_jq '"\(.status) \(.version) \(.summary) \(.status_reason)"')"
    ar_get rev "$ar_r2"
    expect_eq "authz: the rejected target carries only the reviewer's reason" "rejected 3 Từ chối bởi rev" \
        "$(ar_jq '"\(.status) \(.version) \(.status_reason)"')"
    ar_search rev "ma tran tao $ar_w"
    expect_eq "authz: of the articles POSTed by each caller only the editors' exist" "ed edb" \
        "$(ar_jq --arg w " $ar_w" '[.items[].title | select(startswith("Ma trận tạo ")) | ltrimstr("Ma trận tạo ") | rtrimstr($w)] | sort | join(" ")')"
    ar_list edb "unit_id=$AR_UB&per_page=100"
    expect_eq "authz: the other unit's editor created in their own unit" "Ma trận tạo edb $ar_w" \
        "$(ar_jq --arg w "$ar_w" '[.items[] | select(.title | endswith($w)) | .title] | join(",")')"

    # Visibility beyond the matrix.
    echo "  -- visibility"
    ar_call edb GET "/api/v1/articles/$AR_STORY_PUB/history" -
    expect_eq "visibility: an editor of another unit reads the history of a published article" 200 "$HTTP_STATUS"
    ar_call edb GET "/api/v1/articles/$ar_d/history" -
    expect_eq "visibility: but not of a retracted one (404)" "404 problem" "$(ar_outcome)"
    ar_get handb "$ar_draft"
    expect_eq "visibility: a handler of another unit cannot read a draft (404)" "404 problem" "$(ar_outcome)"
    ar_get handb "$ar_r2"
    expect_eq "visibility: nor a rejected article (404)" 404 "$HTTP_STATUS"
    ar_get hand "$ar_r2"
    expect_eq "visibility: a handler of the unit reads its rejected article" 200 "$HTTP_STATUS"
    ar_get edmate "$ar_draft"
    expect_eq "visibility: another editor of the unit reads the draft" 200 "$HTTP_STATUS"
    ar_get edb "$AR_STORY_PUB"
    expect_eq "visibility: an editor of another unit reads a published article" 200 "$HTTP_STATUS"
    ar_get handb "$AR_STORY_PUB"
    expect_eq "visibility: a handler of another unit reads a published article" 200 "$HTTP_STATUS"
    ar_get anon "$ar_r2"
    expect_eq "visibility: the public cannot read a rejected article (404)" 404 "$HTTP_STATUS"
    ar_call anon GET "/api/v1/articles/$ar_r2/history" - -H 'Authorization: Bearer not-a-token'
    expect_eq "visibility: a bad token on history is 401" "401 problem" "$(ar_outcome)"
}

# ------------------------------------------------------------ lists: pagination, filters, ETag

ar_section_lists() {
    local ar_w ar_p1 ar_p2 ar_p3 ar_p4 ar_p5 ar_qa ar_d ar_tom ar_yes ar_e1 ar_e2 ar_x
    echo "  -- lists: visibility, pagination, filters"
    ar_w=$(ar_word)
    ar_published edc "Lọc một $ar_w" "Một $ar_w" "[$AR_T_CCHC]"
    ar_p1=${AR_ID:-0}
    ar_published edc "Lọc hai $ar_w" "Hai $ar_w" "[$AR_T_PLAIN]"
    ar_p2=${AR_ID:-0}
    ar_published edc "Lọc ba $ar_w" "Ba $ar_w" "[$AR_T_PLAIN, $AR_T_CCHC2]"
    ar_p3=${AR_ID:-0}
    ar_create edc "Lọc nháp $ar_w" "Nháp $ar_w" "[$AR_T_CCHC]"
    ar_p4=${AR_ID:-0}
    ar_in_review edc "Lọc chờ duyệt $ar_w" "Chờ $ar_w" "[$AR_T_PLAIN]"
    ar_p5=${AR_ID:-0}
    ar_in_review ed "Lọc chờ duyệt A $ar_w" "Chờ A $ar_w"
    ar_qa=${AR_ID:-0}
    expect_eq "lists: the data is in place" true \
        "$(for ar_x in $ar_p1 $ar_p2 $ar_p3 $ar_p4 $ar_p5 $ar_qa; do [ "$ar_x" != 0 ] || echo no; done | grep -q no && echo false || echo true)"

    ar_list anon "unit_id=$AR_UC"
    expect_eq "lists: the public list of unit C: only its published, newest first" "200 [$ar_p3,$ar_p2,$ar_p1] 3" \
        "$HTTP_STATUS $(ar_ids) $(ar_jq .total)"
    expect_eq "lists: page 1, per_page 20 by default" "1 20" "$(ar_jq '"\(.page) \(.per_page)"')"
    expect_eq "lists: list items have the article's fields but no body, no body_html" true \
        "$(ar_jq --argjson k "$AR_KEYS_LIST" '.items | length > 0 and all(. as $a | ($k | map(. as $x | $a | has($x)) | all) and (has("body") | not) and (has("body_html") | not))')"
    expect_eq "lists: published items carry published_at in +07:00" true \
        "$(ar_jq --arg re "$AR_TS_RE" '.items | length > 0 and all(.published_at | test($re))')"
    expect_eq "lists: is_cchc per item (CCHC topic, plain topic, plain + CCHC)" "true false true" \
        "$(ar_jq --argjson a "$ar_p1" --argjson b "$ar_p2" --argjson c "$ar_p3" '[$a, $b, $c] as $w | [$w[] as $i | .items[] | select(.id == $i) | .is_cchc | tostring] | join(" ")')"
    ar_list anon 'per_page=100'
    expect_eq "lists: the public list holds only published articles" true "$(ar_jq '.items | length > 0 and all(.status == "published")')"
    expect_eq "lists: a draft never shows in the public list" false "$(ar_has_id "$ar_p4")"
    expect_eq "lists: newest first by published_at" true \
        "$(ar_jq '[.items[].published_at | sub("\\.[0-9]+"; "")] as $p | $p == ($p | sort | reverse)')"
    ar_list anon "unit_id=$AR_UC&per_page=2"
    expect_eq "lists: per_page=2, page 1" "[$ar_p3,$ar_p2] 1 2 3" "$(ar_ids) $(ar_jq '"\(.page) \(.per_page) \(.total)"')"
    ar_list anon "unit_id=$AR_UC&per_page=2&page=2"
    expect_eq "lists: per_page=2, page 2" "[$ar_p1] 2 2 3" "$(ar_ids) $(ar_jq '"\(.page) \(.per_page) \(.total)"')"
    ar_list anon "unit_id=$AR_UC&per_page=2&page=3"
    expect_eq "lists: a page past the end is empty with the total" "200 [] 3" "$HTTP_STATUS $(ar_ids) $(ar_jq .total)"
    ar_list anon 'per_page=100'
    expect_eq "lists: per_page=100 is allowed" "200 100" "$HTTP_STATUS $(ar_jq .per_page)"
    ar_list anon 'per_page=101'
    expect_eq "lists: per_page=101 is 422 naming per_page" "422 true" "$(ar_names per_page)"
    ar_list ed 'per_page=101'
    expect_eq "lists: per_page=101 is 422 for staff too" "422 true" "$(ar_names per_page)"

    ar_list anon "unit_id=$AR_UC&topic_id=$AR_T_CCHC"
    expect_eq "lists: topic_id filters" "[$ar_p1] 1" "$(ar_ids) $(ar_jq .total)"
    ar_list anon "unit_id=$AR_UC&topic_id=$AR_T_PLAIN"
    expect_eq "lists: topic_id filters (two articles)" "[$ar_p3,$ar_p2] 2" "$(ar_ids) $(ar_jq .total)"
    ar_list anon "unit_id=$AR_UC&cchc=true"
    expect_eq "lists: cchc=true" "[$ar_p3,$ar_p1] 2" "$(ar_ids) $(ar_jq .total)"
    ar_list anon "unit_id=$AR_UC&cchc=false"
    expect_eq "lists: cchc=false" "[$ar_p2] 1" "$(ar_ids) $(ar_jq .total)"
    ar_list anon 'cchc=true&per_page=100'
    expect_eq "lists: cchc=true lists only CCHC articles" true "$(ar_jq '.items | length > 0 and all(.is_cchc)')"
    ar_list anon "cchc=maybe"
    expect_match "lists: cchc=maybe is 400/422 naming cchc" '^(400|422) true$' "$(ar_names cchc)"
    ar_list anon "unit_id=abc"
    expect_eq "lists: unit_id=abc is 400 naming unit_id" "400 true" "$(ar_names unit_id)"

    ar_list anon "unit_id=$AR_UC&per_page=1"
    ar_d=$(ar_jq '.items[0].published_at // ""' | cut -c1-10)
    expect_eq "lists: the publication date in +07:00 is today in Asia/Ho_Chi_Minh" "$(TZ=Asia/Ho_Chi_Minh date +%Y-%m-%d)" "$ar_d"
    ar_yes=$(ar_date_add "$ar_d" -1)
    ar_tom=$(ar_date_add "$ar_d" +1)
    ar_list anon "unit_id=$AR_UC&from=$ar_d&to=$ar_d"
    expect_eq "lists: from=to=today (inclusive) gives all three" "[$ar_p3,$ar_p2,$ar_p1] 3" "$(ar_ids) $(ar_jq .total)"
    ar_list anon "unit_id=$AR_UC&from=$ar_d"
    expect_eq "lists: from=today" 3 "$(ar_jq .total)"
    ar_list anon "unit_id=$AR_UC&to=$ar_d"
    expect_eq "lists: to=today" 3 "$(ar_jq .total)"
    ar_list anon "unit_id=$AR_UC&from=$ar_tom"
    expect_eq "lists: from=tomorrow gives none" "200 0" "$HTTP_STATUS $(ar_jq .total)"
    ar_list anon "unit_id=$AR_UC&to=$ar_yes"
    expect_eq "lists: to=yesterday gives none" "200 0" "$HTTP_STATUS $(ar_jq .total)"
    ar_list anon "unit_id=$AR_UC&from=$ar_yes&to=$ar_tom"
    expect_eq "lists: yesterday..tomorrow gives all three" 3 "$(ar_jq .total)"
    ar_list anon "from=2022-02-30"
    expect_match "lists: from=2022-02-30 is 400/422 naming from" '^(400|422) true$' "$(ar_names from)"
    ar_list anon "to=15-02-2022"
    expect_match "lists: to=15-02-2022 is 400/422 naming to" '^(400|422) true$' "$(ar_names to)"
    ar_call anon GET "/api/v1/articles?unit_id=$AR_UC&cchc=true&from=$ar_d&to=$ar_d" - -G --data-urlencode "q=loc $ar_w"
    expect_eq "lists: filters combine (unit_id, cchc, from, to, q)" "$(jq -nc --argjson a "$ar_p1" --argjson b "$ar_p3" '[$a, $b] | sort')" \
        "$(ar_jq -c '[.items[].id] | sort')"

    echo "  -- lists: status and who sees what"
    ar_list anon "unit_id=$AR_UC&status=published"
    expect_eq "lists: anonymous status=published is fine" "200 3" "$HTTP_STATUS $(ar_jq .total)"
    for ar_x in draft in_review rejected retracted; do
        ar_list anon "status=$ar_x"
        expect_eq "lists: anonymous status=$ar_x is 401" "401 problem" "$(ar_outcome)"
    done
    ar_list rev "status=bogus"
    expect_eq "lists: status=bogus is 422 naming status" "422 true" "$(ar_names status)"
    ar_list ed "status=draft&per_page=100"
    expect_eq "lists: an editor's status=draft: only their unit's drafts" "200 true false" \
        "$HTTP_STATUS $(ar_jq --argjson u "$AR_UA" '.items | length > 0 and all(.unit_id == $u and .status == "draft")') $(ar_has_id "$ar_p4")"
    ar_list edc "status=draft&per_page=100"
    expect_eq "lists: the other unit's editor's status=draft holds theirs only" "true true" \
        "$(ar_jq --argjson u "$AR_UC" '.items | all(.unit_id == $u and .status == "draft")') $(ar_has_id "$ar_p4")"
    ar_list rev "status=in_review&per_page=100"
    expect_eq "lists: the reviewer's status=in_review is the queue of every unit" "true true true" \
        "$(ar_jq '.items | all(.status == "in_review")') $(ar_has_id "$ar_p5") $(ar_has_id "$ar_qa")"
    ar_list ed "status=in_review&per_page=100"
    expect_eq "lists: an editor's status=in_review holds only their unit's" "true false true" \
        "$(ar_jq --argjson u "$AR_UA" '.items | all(.unit_id == $u)') $(ar_has_id "$ar_p5") $(ar_has_id "$ar_qa")"
    ar_list ed "status=published&unit_id=$AR_UC"
    expect_eq "lists: status=published for an editor shows other units' published" 3 "$(ar_jq .total)"
    for ar_x in rev admin insp lead handc edc; do
        ar_list "$ar_x" "unit_id=$AR_UC&per_page=100"
        expect_eq "lists: $ar_x sees all of unit C (3 published, a draft, one in review)" "200 5 true true" \
            "$HTTP_STATUS $(ar_jq .total) $(ar_has_id "$ar_p4") $(ar_has_id "$ar_p5")"
    done
    for ar_x in ed hand; do
        ar_list "$ar_x" "unit_id=$AR_UC&per_page=100"
        expect_eq "lists: $ar_x (unit A) sees only unit C's published" "200 3 true false false" \
            "$HTTP_STATUS $(ar_jq .total) $(ar_jq '.items | all(.status == "published")') $(ar_has_id "$ar_p4") $(ar_has_id "$ar_p5")"
    done
    ar_list ed "unit_id=$AR_UC&status=draft"
    expect_eq "lists: an editor filtering another unit's drafts gets none" "200 0" "$HTTP_STATUS $(ar_jq .total)"

    echo "  -- lists: ranked search"
    ar_x=$(ar_word)
    ar_published edb "Thông tin $ar_x về cải cách" "Nội dung chung của bài."
    ar_e1=${AR_ID:-0}
    ar_published edb "Tin tức khác $AR_RUN" "Đoạn văn có từ $ar_x ở trong thân bài."
    ar_e2=${AR_ID:-0}
    ar_search anon "$ar_x"
    expect_eq "search: a title match ranks before a body-only match (even a newer one)" "[$ar_e1,$ar_e2]" "$(ar_ids)"
    ar_search anon "$(printf '%s' "$ar_x" | tr '[:lower:]' '[:upper:]')"
    expect_eq "search: the same, in upper case" "[$ar_e1,$ar_e2]" "$(ar_ids)"
    ar_search anon "thong tin $ar_x ve cai cach"
    expect_eq "search: an unaccented phrase finds the title" true "$(ar_has_id "$ar_e1")"
    ar_published edb "Bản tin tổng hợp $AR_RUN" "$(for ar_d in $(seq 30); do printf '%s %s. ' "$ar_x" "$ar_d"; done)"
    ar_d=${AR_ID:-0}
    ar_search anon "$ar_x"
    expect_eq "search: the title match still ranks first against a newer body that repeats the word 30 times" \
        "$ar_e1 3" "$(ar_jq '.items[0].id') $(ar_jq .total)"
    ar_published edb "Thong bao khong dau $ar_x" "Viết không dấu."
    ar_d=${AR_ID:-0}
    ar_search anon "Thông báo không dấu $ar_x"
    expect_eq "search: an accented query finds a title written without diacritics" true "$(ar_has_id "$ar_d")"
    ar_search anon "a & | ! ( :* ' \\ $ar_x"
    expect_eq "search: tsquery operators and quotes in q are plain text (200)" 200 "$HTTP_STATUS"
    ar_search anon "%_ $ar_x"
    expect_eq "search: LIKE wildcards in q are plain text (200)" 200 "$HTTP_STATUS"

    echo "  -- lists: ETag and 304"
    ar_list anon "unit_id=$AR_UC"
    ar_e1=$(header ETag)
    expect_match "etag: the public list carries an ETag" '^(W/)?".+"$' "$ar_e1"
    ar_list anon "unit_id=$AR_UC" -H "If-None-Match: $ar_e1"
    expect_eq "etag: If-None-Match with the list's ETag gives 304 without a body" "304 " "$HTTP_STATUS $HTTP_BODY"
    ar_list anon "unit_id=$AR_UC" -H 'If-None-Match: "0000000000000000"'
    expect_eq "etag: another ETag gives 200" 200 "$HTTP_STATUS"
    ar_act rev "$ar_p5" publish
    ar_list anon "unit_id=$AR_UC" -H "If-None-Match: $ar_e1"
    expect_eq "etag: after a publication the old ETag gives 200 with the new article first" "200 $ar_p5" \
        "$HTTP_STATUS $(ar_jq '.items[0].id')"
    ar_e2=$(header ETag)
    expect_eq "etag: and a new ETag" true "$([ -n "$ar_e2" ] && [ "$ar_e2" != "$ar_e1" ] && echo true || echo false)"
    ar_get anon "$ar_p1"
    ar_e1=$(header ETag)
    expect_match "etag: a public article carries an ETag" '^(W/)?".+"$' "$ar_e1"
    ar_get anon "$ar_p1" -H "If-None-Match: $ar_e1"
    expect_eq "etag: If-None-Match on the article gives 304" "304 " "$HTTP_STATUS $HTTP_BODY"
    ar_act rev "$ar_p1" retract "Kiểm tra ETag"
    ar_get anon "$ar_p1" -H "If-None-Match: $ar_e1"
    expect_eq "etag: after a retraction the public gets 404, not 304" 404 "$HTTP_STATUS"
    ar_list anon "unit_id=$AR_UC"
    expect_eq "etag: the retracted article left the public list at once" "[$ar_p5,$ar_p3,$ar_p2] 3" "$(ar_ids) $(ar_jq .total)"

    # from/to count the date in Asia/Ho_Chi_Minh, not in UTC: an article
    # published at 03:00 +07:00 on 2 March 2022 (20:00 UTC on 1 March),
    # set straight in the database and read as staff (no public cache).
    echo "  -- lists: dates are local (Asia/Ho_Chi_Minh)"
    ar_published edc "Lùi ngày $ar_w" "Ngày cũ $ar_w"
    ar_x=${AR_ID:-0}
    expect_eq "dates: backdate the publication in the database" "UPDATE 1" \
        "$(ar_psql "UPDATE content.articles SET published_at = '2022-03-01T20:00:00Z' WHERE id = $ar_x")"
    ar_get rev "$ar_x"
    expect_eq "dates: published_at reads 2022-03-02T03:00:00+07:00" 2022-03-02T03:00:00+07:00 "$(ar_jq '.published_at // ""' | sed 's/\.0*+/+/')"
    ar_list rev "unit_id=$AR_UC&status=published&from=2022-03-02&to=2022-03-02"
    expect_eq "dates: from=to=2022-03-02 finds it" "200 [$ar_x]" "$HTTP_STATUS $(ar_ids)"
    ar_list rev "unit_id=$AR_UC&status=published&from=2022-03-01&to=2022-03-01"
    expect_eq "dates: from=to=2022-03-01 (its UTC date) does not" "200 []" "$HTTP_STATUS $(ar_ids)"
    ar_list rev "unit_id=$AR_UC&status=published&to=2022-03-02"
    expect_eq "dates: to=2022-03-02 is inclusive" "[$ar_x]" "$(ar_ids)"
    ar_list rev "unit_id=$AR_UC&status=published&from=2022-03-03"
    expect_eq "dates: from=2022-03-03 leaves it out" false "$(ar_has_id "$ar_x")"
    ar_list rev "unit_id=$AR_UC&status=published"
    expect_eq "dates: newest first puts it last" "$ar_x" "$(ar_jq '.items[-1].id')"
}

# ------------------------------------------------------------ run

ar_setup
AR_STORY_PUB=0
if [ -n "${AR_TOK[ed]:-}" ] && [ -n "${AR_TOK[rev]:-}" ]; then
    ar_section_story
    ar_published ed "Bài đã đăng để xem $AR_RUN" "Đọc được $AR_RUN"
    AR_STORY_PUB=${AR_ID:-0}
    ar_section_safety
    ar_section_slugs
    ar_section_concurrency
    ar_section_validation
    ar_section_races
    ar_section_matrix
    ar_section_lists
else
    fail "articles: set-up" "the editor or the reviewer could not log in; nothing else can run"
fi
