# Corrections of published articles (content-svc revisions) through the
# gateway: a revision is made of a published article, edited, submitted,
# rejected and resubmitted, published by another person (four eyes); the
# public sees the published text until then, the same id, slug and
# published_at after, with corrected_at and the note; the history keeps
# every published text; quota-svc counts the article once; media-svc issues
# a corrected package version only when the reviewer asks for it. Refusals:
# not published, not an editor, another unit, no note, a second unfinished
# revision, a revision of an article retracted meanwhile.
# Sourced by tests/run.sh (one shell): every name here starts with rv_ / RV_.
# shellcheck shell=bash
# shellcheck disable=SC2016 # jq programs use $variables in single quotes
# shellcheck disable=SC2034 # RV_TOK is read by name (e2e_call)

RV_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
RV_RUN_UC=$(printf '%s' "$RV_RUN" | tr '[:lower:]' '[:upper:]')
declare -gA RV_TOK=()

rv_jq() { body_jq "$@"; }
rv_call() { e2e_call RV_TOK "$@"; }
# rv_revise WHO ARTICLE JSON: POST /api/v1/articles/ARTICLE/revisions.
rv_revise() { rv_call "$1" POST "/api/v1/articles/$2/revisions" "$3"; }
# rv_act WHO ID ACTION [JSON]: POST a workflow step (body {} by default).
rv_act() {
    local rv_j='{}'
    [ $# -ge 4 ] && rv_j=$4
    rv_call "$1" POST "/api/v1/articles/$2/$3" "$rv_j"
}
# "STATUS problem" for a problem+json answer.
rv_problem() {
    case $(header Content-Type) in
    application/problem+json*) printf '%s problem' "$HTTP_STATUS" ;;
    *) printf '%s %s' "$HTTP_STATUS" "$(header Content-Type)" ;;
    esac
}
rv_word() { printf 'zr%s' "$(head -c 1200 /dev/urandom | LC_ALL=C tr -dc '[:lower:]' | head -c 8)"; }

echo "  -- set-up: two units, editors, reviewers"
RV_TOK[admin]=$(admin_token)
RV_TOK[anon]=""
for rv_u in A B; do
    rv_call admin POST /api/v1/units "{\"code\": \"RV-$RV_RUN_UC-$rv_u\", \"name\": \"Phòng Thử nghiệm Đính chính $rv_u $RV_RUN\"}"
    printf -v "RV_U$rv_u" '%s' "$(rv_jq '.id // 0')"
done
for rv_spec in "ed editor $RV_UA" "edmate editor $RV_UA" "edb editor $RV_UB" "rev reviewer null" \
    "edrev editor,reviewer $RV_UA" "insp inspector null"; do
    read -r rv_k rv_roles rv_unit <<<"$rv_spec"
    e2e_staff RV_TOK "$rv_k" "$(printf '%s' "$rv_roles" | jq -Rc 'split(",")')" "$rv_unit" \
        "e2e.rv-$rv_k-$RV_RUN" "Người dùng đính chính $rv_k"
done
rv_call anon GET '/api/v1/topics?per_page=100' -
RV_T_PLAIN=$(rv_jq '[.items[] | select(.is_cchc | not)][0].id // 0')
RV_T_CCHC=$(rv_jq '[.items[] | select(.is_cchc)][0].id // 0')

RV_W1=$(rv_word)
RV_W2=$(rv_word)
e2e_publish RV_TOK ed rev "$(jq -nc --arg t "Lịch tiếp công dân tháng này $RV_RUN" --arg w "$RV_W1" --argjson tp "[$RV_T_PLAIN]" \
    '{title: $t, summary: "Tóm tắt ban đầu", body: ("Sở tiếp công dân vào **thứ Năm** hằng tuần. " + $w), topic_ids: $tp}')"
RV_ART=$E2E_ID
expect_eq "setup: an article of unit A is published" true "$([ -n "$RV_ART" ] && echo true || echo false)"
RV_ART=${RV_ART:-0}
rv_call anon GET "/api/v1/articles/$RV_ART" -
RV_SLUG=$(rv_jq -r .slug)
RV_PUB=$(rv_jq -r .published_at)
RV_HTML1=$(rv_jq -r .body_html)
expect_eq "setup: a published article has no corrected_at, note or revision_of" "false false false" \
    "$(rv_jq -r '[has("corrected_at"), has("note"), has("revision_of")] | map(tostring) | join(" ")')"
RV_MONTH=$(TZ=Asia/Ho_Chi_Minh date -d "$RV_PUB" +%Y-%m)

# A broadcaster, and a media package of the article for it (media-svc
# learns the article from content's event: the first tries may be 422).
rv_call admin POST /api/v1/broadcasters "$(jq -nc --arg n "Đài thử nghiệm đính chính $RV_RUN" '{name: $n, kind: "tv", embargo_policy: "deliver"}')"
RV_BC=$(rv_jq '.id // 0')
expect_eq "setup: the admin adds a broadcaster" 201 "$HTTP_STATUS"
rv_pkg_try() {
    rv_call rev POST /api/v1/media/packages "{\"article_id\": $RV_ART, \"asset_ids\": [], \"broadcaster_ids\": [$RV_BC]}"
    [ "$HTTP_STATUS" = 201 ]
}
wait_until 15 rv_pkg_try
RV_PKG=$(rv_jq '.id // 0')
expect_eq "setup: a reviewer packages the article for the broadcaster: version 1" "201 1" \
    "$HTTP_STATUS $(rv_jq .version)$([ "$HTTP_STATUS" = 201 ] || printf ' %s' "$HTTP_BODY")"
rv_pkg_versions() {
    rv_call rev GET "/api/v1/media/packages/$RV_PKG" -
    rv_jq -r '"\(.version) \(.title)"'
}

# The quota tally of unit A in the article's month, and the event quota-svc
# last applied for the article.
rv_tally() {
    rv_call insp GET "/api/v1/quota/report?month=$RV_MONTH" -
    rv_jq -r --argjson u "$RV_UA" '.items[] | select(.unit_id == $u) | "\(.articles) \(.cchc_articles)"'
}
rv_quota_seq() { db_sql "SELECT coalesce((SELECT event_seq FROM quota.articles WHERE article_id = $RV_ART), 0)"; }
rv_quota_seen() { [ "$(rv_quota_seq)" != "$1" ] && [ "$(rv_quota_seq)" != 0 ]; }
wait_until 10 rv_quota_seen 0
RV_QSEQ=$(rv_quota_seq)
expect_eq "setup: quota-svc counts the article once in its month (1 article, 0 CCHC)" "1 0" "$(rv_tally)"

# ------------------------------------------------------------ refusals
echo "  -- revisions: refusals"
rv_call ed POST /api/v1/articles "{\"title\": \"Bản nháp $RV_RUN\", \"body\": \"Chưa đăng\"}"
rv_draft=$(rv_jq '.id // 0')
rv_revise ed "$rv_draft" '{"note": "Sửa lỗi"}'
expect_eq "refused: a revision of an unpublished (draft) article is 409 problem" "409 problem" "$(rv_problem)"
expect_match "  its detail names the status, in Vietnamese" 'trạng thái draft' "$(rv_jq -r .detail)"
rv_revise anon "$RV_ART" '{"note": "Sửa lỗi"}'
expect_eq "refused: without credentials, 401" 401 "$HTTP_STATUS"
rv_revise rev "$RV_ART" '{"note": "Sửa lỗi"}'
expect_eq "refused: a reviewer who is not an editor, 403" "403 problem" "$(rv_problem)"
rv_revise edb "$RV_ART" '{"note": "Sửa lỗi"}'
expect_eq "refused: an editor of another unit, 403" "403 problem" "$(rv_problem)"
rv_revise ed "$RV_ART" '{"title": "Tiêu đề mới"}'
expect_eq "refused: no note is 422 naming note" "422 true" "$(problem_names note)"
rv_revise ed "$RV_ART" '{"note": "   "}'
expect_eq "refused: a blank note is 422 naming note" "422 true" "$(problem_names note)"
rv_revise ed "$RV_ART" '{"note": "Sửa", "title": ""}'
expect_eq "refused: an empty title is 422 naming title" "422 true" "$(problem_names title)"
rv_revise ed "$RV_ART" '{"note": "Sửa", "topic_ids": [999999999]}'
expect_eq "refused: an unknown topic is 422 naming topic_ids" "422 true" "$(problem_names topic_ids)"
rv_revise ed 999999999 '{"note": "Sửa"}'
expect_eq "refused: an unknown article is 404" 404 "$HTTP_STATUS"
rv_call ed GET "/api/v1/articles?status=draft&per_page=100" -
expect_eq "refused: nothing was made (no draft revision of the article)" 0 \
    "$(rv_jq --argjson p "$RV_ART" '[.items[] | select(.revision_of == $p)] | length')"

# ------------------------------------------------------------ the path
echo "  -- revisions: made, edited, rejected, resubmitted, published"
rv_call anon GET "/api/v1/articles/$RV_ART" -
rv_call anon GET "/api/v1/articles/$RV_SLUG" - # (now in the gateway's cache)
RV_NOTE1="Sửa ngày tiếp công dân: thứ Năm thành thứ Sáu $RV_RUN"
rv_revise edrev "$RV_ART" "$(jq -nc --arg n "$RV_NOTE1" --arg w "$RV_W2" --argjson tp "[$RV_T_CCHC]" \
    '{note: $n, body: ("Sở tiếp công dân vào **thứ Sáu** hằng tuần. " + $w), topic_ids: $tp}')"
RV_R1=$(rv_jq '.id // 0')
expect_eq "a unit A editor makes a revision: 201, Location, draft, revision_of the article" \
    "201 /api/v1/articles/$RV_R1 draft $RV_ART" "$HTTP_STATUS $(header Location) $(rv_jq -r '"\(.status) \(.revision_of)"')"
expect_eq "  the revision starts from the published text with the fields given" \
    "Lịch tiếp công dân tháng này $RV_RUN|Tóm tắt ban đầu|true|$RV_NOTE1" \
    "$(rv_jq -r '"\(.title)|\(.summary)|\(.body | contains("thứ Sáu"))|\(.note)"')"
expect_eq "  it has its own id and slug, never the article's" true \
    "$(rv_jq --argjson p "$RV_ART" --arg s "$RV_SLUG" '.id != $p and .slug != $s')"
expect_eq "  is_cchc follows the revision's topics" true "$(rv_jq .is_cchc)"
rv_v=$(rv_jq .version)

rv_revise ed "$RV_ART" '{"note": "Một bản sửa nữa"}'
expect_eq "refused: a second revision while one is unfinished is 409 problem" "409 problem" "$(rv_problem)"
expect_match "  its detail names the unfinished revision" "bản sửa số $RV_R1" "$(rv_jq -r .detail)"

rv_call anon GET "/api/v1/articles/$RV_R1" -
expect_eq "the public cannot read a revision (404)" 404 "$HTTP_STATUS"
rv_call anon GET "/api/v1/articles?per_page=100" - -G --data-urlencode "q=$RV_W2"
expect_eq "the public search does not find the revision's text" 0 "$(rv_jq .total)"

rv_call edmate PATCH "/api/v1/articles/$RV_R1" "$(jq -nc --arg n "$RV_NOTE1 (đã rà soát)" '{summary: "Tóm tắt đã sửa", note: $n}')" \
    -H "If-Match: \"$rv_v\""
expect_eq "a colleague of unit A edits the revision (PATCH with If-Match), its note too" \
    "200 Tóm tắt đã sửa|$RV_NOTE1 (đã rà soát)" "$HTTP_STATUS $(rv_jq -r '"\(.summary)|\(.note)"')"
RV_NOTE1="$RV_NOTE1 (đã rà soát)"
rv_call ed PATCH "/api/v1/articles/$rv_draft" '{"note": "x"}' -H 'If-Match: *'
expect_eq "refused: a note on an article that is not a revision is 422 naming note" "422 true" "$(problem_names note)"

rv_act ed "$RV_R1" submit
expect_eq "the revision is submitted for review" "200 in_review" "$HTTP_STATUS $(rv_jq -r .status)"
rv_call anon GET "/api/v1/articles/$RV_ART" -
expect_eq "in review: the public still reads the published text, uncorrected" "200 $RV_HTML1 false" \
    "$HTTP_STATUS $(rv_jq -r .body_html) $(rv_jq 'has("corrected_at")')"
rv_call rev GET "/api/v1/articles?status=in_review&per_page=100" -
expect_eq "the reviewers' list shows the revision with its note and article" "$RV_NOTE1 $RV_ART" \
    "$(rv_jq -r --argjson r "$RV_R1" '.items[] | select(.id == $r) | "\(.note) \(.revision_of)"')"

rv_act edrev "$RV_R1" publish
expect_eq "four eyes: its author, a reviewer too, may not publish it (403)" "403 problem" "$(rv_problem)"
rv_call ed POST /api/v1/articles "{\"title\": \"Bài thường $RV_RUN\", \"body\": \"Nội dung\"}"
rv_plain=$(rv_jq '.id // 0')
rv_act ed "$rv_plain" submit
rv_act rev "$rv_plain" publish '{"media_correction": true}'
expect_eq "refused: media_correction on an article that is not a revision is 422 naming it" "422 true" \
    "$(problem_names media_correction)"
rv_act rev "$rv_plain" reject '{"reason": "Chỉ để kiểm thử", "media_correction": true}'
expect_eq "refused: media_correction on a rejection is 422 naming it" "422 true" "$(problem_names media_correction)"

rv_act rev "$RV_R1" reject '{"reason": "Cần ghi rõ giờ tiếp"}'
expect_eq "a reviewer rejects the revision with a reason" "200 rejected" "$HTTP_STATUS $(rv_jq -r .status)"
rv_call anon GET "/api/v1/articles/$RV_ART" -
expect_eq "after the rejection the public text is untouched" "$RV_HTML1 false published" \
    "$(rv_jq -r .body_html) $(rv_jq 'has("corrected_at")') $(rv_jq -r .status)"
rv_revise ed "$RV_ART" '{"note": "Một bản sửa khác"}'
expect_eq "refused: a new revision while the rejected one is unfinished is 409" "409 problem" "$(rv_problem)"
rv_act edmate "$RV_R1" submit
expect_eq "the revision is resubmitted" "200 in_review" "$HTTP_STATUS $(rv_jq -r .status)"

rv_act rev "$RV_R1" publish
expect_eq "another reviewer publishes it: the revision is applied" "200 applied $RV_ART" \
    "$HTTP_STATUS $(rv_jq -r '"\(.status) \(.revision_of)"')"
rv_call anon GET "/api/v1/articles/$RV_ART" -
expect_eq "the public reads the corrected text at once (the gateway's cache follows)" "200 true false" \
    "$HTTP_STATUS $(rv_jq '.body | contains("thứ Sáu")') $(rv_jq '.body | contains("thứ Năm")')"
expect_eq "  the same id, slug, status and published_at" "$RV_ART $RV_SLUG published $RV_PUB" \
    "$(rv_jq -r '"\(.id) \(.slug) \(.status) \(.published_at)"')"
expect_eq "  corrected_at is set, updated_at with it, and the note is the editor's" "true true $RV_NOTE1" \
    "$(rv_jq -r '"\(.corrected_at | test("\\+07:00$")) \(.updated_at == .corrected_at) \(.note)"')"
expect_eq "  the summary and topics are the revision's" "Tóm tắt đã sửa [$RV_T_CCHC] true" \
    "$(rv_jq -r '"\(.summary) \(.topic_ids | tostring) \(.is_cchc)"')"
rv_call anon GET "/api/v1/articles/$RV_SLUG" -
expect_eq "  by slug too" "200 $RV_ART true" "$HTTP_STATUS $(rv_jq .id) $(rv_jq '.body | contains("thứ Sáu")')"
rv_call anon GET "/api/v1/articles?per_page=100" - -G --data-urlencode "q=$RV_W2"
expect_eq "  the public search finds the article by its new words, once" "1 $RV_ART" "$(rv_jq -r '"\(.total) \(.items[0].id)"')"
rv_call anon GET "/api/v1/articles?per_page=100" - -G --data-urlencode "q=$RV_W1"
expect_eq "  and no longer by the words removed" 0 "$(rv_jq .total)"

rv_call ed GET "/api/v1/articles/$RV_ART/history" -
expect_eq "the history keeps both published texts, each whole" "2 true true 0 $RV_R1" \
    "$(rv_jq -r '"\(.texts | length) \(.texts[0].body | contains("thứ Năm")) \(.texts[1].body | contains("thứ Sáu")) \(.texts[0].revision_id) \(.texts[1].revision_id)"')"
expect_eq "  the first text is the first publication's, the second has the note" "$RV_PUB|Tóm tắt ban đầu|$RV_NOTE1|$RV_HTML1" \
    "$(rv_jq -r '"\(.texts[0].published_at)|\(.texts[0].summary)|\(.texts[1].note)|\(.texts[0].body_html)"')"
expect_eq "  the steps: created, submitted, published, corrected" "created submitted published corrected" \
    "$(rv_jq -r '[.items[].action] | join(" ")')"
rv_call ed GET "/api/v1/articles/$RV_R1/history" -
expect_eq "the revision's own history: created, updated, submitted, rejected, submitted, published" \
    "created updated submitted rejected submitted published" "$(rv_jq -r '[.items[].action] | join(" ")')"

# ------------------------------------------------------------ quota
echo "  -- revisions: quota-svc counts a corrected article once"
wait_until 10 rv_quota_seen "$RV_QSEQ"
expect_eq "quota-svc has seen the correction's event" true "$([ "$(rv_quota_seq)" != "$RV_QSEQ" ] && echo true || echo false)"
expect_eq "the unit's tally in the month: still 1 article (now CCHC: 1)" "1 1" "$(rv_tally)"
expect_eq "quota-svc's row keeps the first publication's month" "$RV_MONTH" \
    "$(db_sql "SELECT month FROM quota.articles WHERE article_id = $RV_ART")"

# ------------------------------------------------------------ media
echo "  -- revisions: media packages corrected only when asked"
rv_media_has_text() {
    [ "$(db_sql "SELECT body LIKE '%thứ Sáu%' FROM media.published_articles WHERE article_id = $RV_ART")" = t ]
}
wait_until 10 rv_media_has_text
expect_eq "media-svc has the corrected text (for later versions)" true "$(rv_media_has_text && echo true || echo false)"
sleep 1.5 # the ticker runs every LOA_BAG_BUILD_MS (0.2 s): it would have answered by now
expect_eq "a correction published without the option leaves the package at version 1" \
    "1 Lịch tiếp công dân tháng này $RV_RUN" "$(rv_pkg_versions)"
RV_NOTE2="Bổ sung giờ tiếp: 8 giờ $RV_RUN"
rv_revise ed "$RV_ART" "$(jq -nc --arg n "$RV_NOTE2" --arg t "Lịch tiếp công dân (cập nhật) $RV_RUN" '{note: $n, title: $t}')"
RV_R2=$(rv_jq '.id // 0')
expect_eq "once the first is applied, a new revision may be made" 201 "$HTTP_STATUS"
rv_act edmate "$RV_R2" submit
rv_act rev "$RV_R2" publish '{"media_correction": true}'
expect_eq "the reviewer publishes it asking for a media correction" "200 applied" "$HTTP_STATUS $(rv_jq -r .status)"
rv_pkg_corrected() { [ "$(rv_pkg_versions)" = "2 Lịch tiếp công dân (cập nhật) $RV_RUN" ]; }
wait_until 15 rv_pkg_corrected
expect_eq "media-svc issues version 2 of the package with the corrected headline" \
    "2 Lịch tiếp công dân (cập nhật) $RV_RUN" "$(rv_pkg_versions)"
rv_call rev GET "/api/v1/media/packages/$RV_PKG" -
expect_eq "  a usable correction, the editor's note as its note" "usable $RV_NOTE2" \
    "$(rv_jq -r '.versions[] | select(.version == 2) | "\(.pub_status) \(.note)"')"
rv_call ed GET "/api/v1/articles/$RV_ART/history" -
expect_eq "the history now holds three texts" "3 $RV_NOTE2" "$(rv_jq -r '"\(.texts | length) \(.texts[2].note)"')"
expect_eq "the tally is still 1 article" "1 1" "$(rv_tally)"

# ------------------------------------------------------------ retracted meanwhile
echo "  -- revisions: an article retracted meanwhile"
rv_revise ed "$RV_ART" '{"note": "Bản sửa sau cùng", "summary": "Sẽ không đăng"}'
RV_R3=$(rv_jq '.id // 0')
rv_act ed "$RV_R3" submit
rv_act rev "$RV_ART" retract '{"reason": "Thông tin đã cũ"}'
expect_eq "the article is retracted while a revision waits" "200 retracted" "$HTTP_STATUS $(rv_jq -r .status)"
rv_act rev "$RV_R3" publish
expect_eq "refused: publishing the revision of a retracted article is 409 problem" "409 problem" "$(rv_problem)"
rv_call rev GET "/api/v1/articles/$RV_R3" -
expect_eq "  the revision is still in review" in_review "$(rv_jq -r .status)"
rv_revise ed "$RV_ART" '{"note": "Sửa bài đã gỡ"}'
expect_eq "refused: a revision of a retracted article is 409" "409 problem" "$(rv_problem)"
