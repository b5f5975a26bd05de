# Quota (docs/api/quota.md): tallies built only from content events. An editor
# writes and submits, a reviewer publishes; the month's report counts the
# articles (and the CCHC ones) for the right unit, lists units with nothing
# published, drops a retracted article; rules with history (a change applies
# from its month, past months keep their verdict); after quota-svc was down
# while articles were published and retracted, the report equals a count
# made directly from content.articles; events delivered twice count once.
# The month boundary is a unit test (tests/unit/quota-svc/test_quota_month.c).
# Sourced by tests/run.sh: every name here starts with qt_ / QT_.
# shellcheck shell=bash

QT_DIR=$T_TMP/quota
mkdir -p "$QT_DIR"
QT_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
QT_RUN_UC=$(printf '%s' "$QT_RUN" | tr '[:lower:]' '[:upper:]')
declare -gA QT_TOK=()
QT_MONTH=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)
QT_DAY=$(TZ=Asia/Ho_Chi_Minh date +%-d)
QT_PREV=$(TZ=Asia/Ho_Chi_Minh date -d "$(TZ=Asia/Ho_Chi_Minh date +%Y-%m-15) -1 month" +%Y-%m)
QT_NEXT=$(TZ=Asia/Ho_Chi_Minh date -d "$(TZ=Asia/Ho_Chi_Minh date +%Y-%m-15) +1 month" +%Y-%m)
QT_AT_RISK=false
[ "$QT_DAY" -ge 20 ] && QT_AT_RISK=true

qt_jq() { body_jq "$@"; }
qt_psql() { db_sql "$1"; }

# qt_call WHO METHOD PATH JSON|- [curl args]: WHO is anon or a key of QT_TOK.
qt_call() { e2e_call QT_TOK "$@"; }

# qt_user KEY ROLES_JSON UNIT_JSON: a user made by the admin, logged in.
qt_user() { e2e_staff QT_TOK "$1" "$2" "$3" "e2e.qt-$1-$QT_RUN" "Người dùng định mức $1"; }

# qt_publish EDITOR TOPIC_ID: an article written and submitted by EDITOR,
# published by the reviewer; QT_ID is its id (empty on any failure).
qt_publish() {
    e2e_publish QT_TOK "$1" rev "$(jq -nc --arg t "Bài định mức $QT_RUN $RANDOM" --argjson tp "[$2]" \
        '{title: $t, summary: "Tóm tắt", body: "Nội dung bài viết về cải cách hành chính.", topic_ids: $tp}')"
    QT_ID=$E2E_ID
}

qt_retract() { qt_call rev POST "/api/v1/articles/$1/retract" '{"reason": "Thu hồi để kiểm thử định mức"}'; }

# qt_row MONTH UNIT_ID: "articles cchc_articles status at_risk min min_cchc"
# of that unit in the month's report (as the inspector).
qt_row() {
    qt_call insp GET "/api/v1/quota/report?month=$1" -
    qt_jq --argjson u "$2" '.items[] | select(.unit_id == $u) |
        "\(.articles) \(.cchc_articles) \(.status) \(.at_risk) \(.min_articles) \(.min_cchc_articles)"'
}

qt_row_is() { [ "$(qt_row "$1" "$2")" = "$3" ]; }

# The month's report as "unit:articles:cchc" for this file's units, and the
# same counted directly from content-svc's published articles. Only these
# units: test_articles.sh backdates one of its articles by SQL, without an
# event, which quota rightly never sees.
qt_report_counts() {
    qt_call insp GET "/api/v1/quota/report?month=$1" -
    qt_jq --argjson a "$QT_UA" --argjson b "$QT_UB" \
        '[.items[] | select(.unit_id == $a or .unit_id == $b) | "\(.unit_id):\(.articles):\(.cchc_articles)"] | join(",")'
}
qt_direct_counts() {
    qt_psql "SELECT string_agg(u.id || ':' || coalesce(a.n, 0) || ':' || coalesce(a.c, 0), ',' ORDER BY u.id)
        FROM content.units u LEFT JOIN (SELECT unit_id, count(*) AS n, count(*) FILTER (WHERE is_cchc) AS c
            FROM content.articles WHERE status = 'published'
            AND to_char(published_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM') = '$1' GROUP BY unit_id) a
        ON a.unit_id = u.id WHERE u.is_active AND u.id IN ($QT_UA, $QT_UB)"
}
qt_report_matches() { [ "$(qt_report_counts "$1")" = "$(qt_direct_counts "$1")" ]; }

qt_names() { problem_names "$1"; }

# ------------------------------------------------------------ set-up
echo "  -- set-up: units, topics, users"
QT_TOK[admin]=$(admin_token)
for qt_u in A B; do
    qt_call admin POST /api/v1/units "{\"code\": \"QT-$QT_RUN_UC-$qt_u\", \"name\": \"Phòng Thử nghiệm Định mức $qt_u $QT_RUN\"}"
    expect_eq "setup: the admin creates unit $qt_u" 201 "$HTTP_STATUS"
    printf -v "QT_U$qt_u" '%s' "$(qt_jq '.id // 0')"
done
qt_call anon GET '/api/v1/topics?per_page=100' -
QT_T_CCHC=$(qt_jq '[.items[] | select(.is_cchc)][0].id // 0')
QT_T_PLAIN=$(qt_jq '[.items[] | select(.is_cchc | not)][0].id // 0')
qt_user ed '["editor"]' "$QT_UA"
qt_user rev '["reviewer"]' null
qt_user insp '["inspector"]' null
expect_eq "setup: editor, reviewer and inspector log in" true \
    "$([ -n "${QT_TOK[ed]}" ] && [ -n "${QT_TOK[rev]}" ] && [ -n "${QT_TOK[insp]}" ] && echo true || echo false)"

# ------------------------------------------------------------ tallies
echo "  -- tallies from content events"
QT_IDS=()
for qt_t in "$QT_T_CCHC" "$QT_T_CCHC" "$QT_T_PLAIN"; do
    qt_publish ed "$qt_t"
    QT_IDS+=("$QT_ID")
done
expect_eq "three articles written, submitted and published" 3 "$(printf '%s\n' "${QT_IDS[@]}" | grep -c .)"
if wait_until 15 qt_row_is "$QT_MONTH" "$QT_UA" "3 2 pending $QT_AT_RISK 4 1"; then
    pass "the report counts 3 articles, 2 CCHC, for the writer's unit this month (pending, at_risk $QT_AT_RISK)"
else
    fail "report counts the unit's articles" "$(qt_row "$QT_MONTH" "$QT_UA")"
fi
expect_eq "a unit with nothing published appears with zeros" "0 0 pending $QT_AT_RISK 4 1" "$(qt_row "$QT_MONTH" "$QT_UB")"
qt_call insp GET "/api/v1/quota/report?month=$QT_MONTH" -
expect_eq "report shape: month and items with every field" "200 $QT_MONTH true" \
    "$HTTP_STATUS $(qt_jq .month) $(qt_jq '[.items[] | keys == (["articles","at_risk","cchc_articles","min_articles","min_cchc_articles","status","unit_code","unit_id","unit_name"])] | all')"
expect_eq "report: the unit's Vietnamese name and its code" "Phòng Thử nghiệm Định mức A $QT_RUN QT-$QT_RUN_UC-A" \
    "$(qt_jq --argjson u "$QT_UA" '.items[] | select(.unit_id == $u) | "\(.unit_name) \(.unit_code)"')"
expect_eq "report: only active units, each once" "$(qt_psql "SELECT count(*) FROM content.units WHERE is_active")" \
    "$(qt_jq '[.items[].unit_id] | unique | length')"
expect_eq "the previous month does not count this month's articles (missed)" "0 0 missed false 4 1" \
    "$(qt_row "$QT_PREV" "$QT_UA")"
expect_eq "a month to come is not due, not at risk" "0 0 not_due false 4 1" "$(qt_row "$QT_NEXT" "$QT_UA")"

qt_retract "${QT_IDS[0]}"
expect_eq "the reviewer retracts a CCHC article" 200 "$HTTP_STATUS"
if wait_until 15 qt_row_is "$QT_MONTH" "$QT_UA" "2 1 pending $QT_AT_RISK 4 1"; then
    pass "a retraction removes the article from the tally"
else
    fail "a retraction removes the article" "$(qt_row "$QT_MONTH" "$QT_UA")"
fi
expect_eq "quota keeps the retracted article's first month" "$QT_MONTH true" \
    "$(qt_psql "SELECT month || ' ' || retracted FROM quota.articles WHERE article_id = ${QT_IDS[0]:-0}")"

# ------------------------------------------------------------ report errors
echo "  -- report: who and which month"
qt_call anon GET "/api/v1/quota/report?month=$QT_MONTH" -
expect_eq "report: anonymous is 401" 401 "$HTTP_STATUS"
qt_call ed GET "/api/v1/quota/report?month=$QT_MONTH" -
expect_eq "report: any staff member reads it" 200 "$HTTP_STATUS"
for qt_m in 2022-13 2022-3 abc 2022-03-01; do
    qt_call insp GET "/api/v1/quota/report?month=$qt_m" -
    expect_eq "report: month=$qt_m is 422 naming month" "422 true" "$(qt_names month)"
done
qt_call insp GET "/api/v1/quota/report" -
expect_eq "report: without a month, the current one" "200 $QT_MONTH" "$HTTP_STATUS $(qt_jq .month)"

# ------------------------------------------------------------ rules
echo "  -- rules with history"
qt_call insp GET /api/v1/quota/rules -
expect_eq "rules: seeded 4 articles, 1 CCHC, from 2022-01, with history" "200 4 1 2022-01 true" \
    "$HTTP_STATUS $(qt_jq .min_articles) $(qt_jq .min_cchc_articles) $(qt_jq .effective_from) $(qt_jq '[.history[].effective_from] | index("2022-01") != null')"
qt_call anon GET /api/v1/quota/rules -
expect_eq "rules: anonymous is 401" 401 "$HTTP_STATUS"
qt_call insp PUT /api/v1/quota/rules "{\"min_articles\": 2, \"min_cchc_articles\": 1, \"effective_from\": \"$QT_MONTH\"}"
expect_eq "rules: an inspector may not change them (403)" 403 "$HTTP_STATUS"
qt_call admin PUT /api/v1/quota/rules '{}'
expect_eq "rules: an empty PUT is 422 naming every field" "422 true true true" \
    "$HTTP_STATUS $(qt_jq '[.errors[].field] | index("min_articles") != null') $(qt_jq '[.errors[].field] | index("min_cchc_articles") != null') $(qt_jq '[.errors[].field] | index("effective_from") != null')"
expect_match "rules: messages are Vietnamese" 'bắt buộc' "$(qt_jq '.errors[0].message')"
qt_call admin PUT /api/v1/quota/rules "{\"min_articles\": 2, \"min_cchc_articles\": 3, \"effective_from\": \"$QT_MONTH\"}"
expect_eq "rules: more CCHC than articles is 422 naming min_cchc_articles" "422 true" "$(qt_names min_cchc_articles)"
qt_call admin PUT /api/v1/quota/rules "{\"min_articles\": -1, \"min_cchc_articles\": 0, \"effective_from\": \"$QT_MONTH\"}"
expect_eq "rules: a negative minimum is 422 naming min_articles" "422 true" "$(qt_names min_articles)"
qt_call admin PUT /api/v1/quota/rules '{"min_articles": 2, "min_cchc_articles": 1, "effective_from": "2022-13"}'
expect_eq "rules: a bad month is 422 naming effective_from" "422 true" "$(qt_names effective_from)"
qt_call admin PUT /api/v1/quota/rules "{\"min_articles\": 2, \"min_cchc_articles\": 1, \"effective_from\": \"$QT_PREV\"}"
expect_eq "rules: a past month is 422 (past verdicts never change)" "422 true" "$(qt_names effective_from)"
qt_call admin PUT /api/v1/quota/rules '{"min_articles": "2", "min_cchc_articles": 1, "effective_from": "2030-01"}'
expect_eq "rules: a string for a number is 400 naming the field" "400 true" "$(qt_names min_articles)"

qt_call admin PUT /api/v1/quota/rules "{\"min_articles\": 2, \"min_cchc_articles\": 1, \"effective_from\": \"$QT_MONTH\"}"
expect_eq "rules: the admin sets 2 articles, 1 CCHC from this month" "200 2 1 $QT_MONTH" \
    "$HTTP_STATUS $(qt_jq .min_articles) $(qt_jq .min_cchc_articles) $(qt_jq .effective_from)"
expect_eq "rules: the history keeps the seeded row" true \
    "$(qt_jq '[.history[] | select(.effective_from == "2022-01" and .min_articles == 4)] | length == 1')"
expect_eq "the unit with 2 articles, 1 CCHC now meets this month's rule" "2 1 met false 2 1" "$(qt_row "$QT_MONTH" "$QT_UA")"
expect_eq "the previous month keeps its rule and its verdict" "0 0 missed false 4 1" "$(qt_row "$QT_PREV" "$QT_UA")"
expect_eq "2022-03 keeps the seeded rule" "0 0 missed false 4 1" "$(qt_row 2022-03 "$QT_UA")"
qt_call admin PUT /api/v1/quota/rules "{\"min_articles\": 5, \"min_cchc_articles\": 2, \"effective_from\": \"$QT_NEXT\"}"
expect_eq "rules: a rule for next month leaves this month's in force" "200 2 $QT_MONTH 3" \
    "$HTTP_STATUS $(qt_jq .min_articles) $(qt_jq .effective_from) $(qt_jq '[.history[] | select(.effective_from >= "2022-01")] | length' )"
expect_eq "next month's report uses next month's rule" "0 0 not_due false 5 2" "$(qt_row "$QT_NEXT" "$QT_UA")"
expect_eq "this month's report keeps this month's rule" "2 1 met false 2 1" "$(qt_row "$QT_MONTH" "$QT_UA")"
# Back to the default for whoever runs next (a correction of each row).
qt_call admin PUT /api/v1/quota/rules "{\"min_articles\": 4, \"min_cchc_articles\": 1, \"effective_from\": \"$QT_NEXT\"}"
qt_call admin PUT /api/v1/quota/rules "{\"min_articles\": 4, \"min_cchc_articles\": 1, \"effective_from\": \"$QT_MONTH\"}"
expect_eq "rules: a PUT of the same month corrects that row" "200 4 $QT_MONTH 3" \
    "$HTTP_STATUS $(qt_jq .min_articles) $(qt_jq .effective_from) $(qt_jq '.history | length')"

# ------------------------------------------------------------ replay
echo "  -- quota-svc down while articles are published and retracted"
stack_kill quota-svc
qt_publish ed "$QT_T_CCHC"
qt_off1=$QT_ID
qt_publish ed "$QT_T_PLAIN"
qt_off2=$QT_ID
qt_retract "${QT_IDS[2]}"
qt_r=$HTTP_STATUS
expect_eq "while quota-svc is down: two published, one retracted" "true true 200" \
    "$([ -n "$qt_off1" ] && echo true || echo false) $([ -n "$qt_off2" ] && echo true || echo false) $qt_r"
stack_start quota-svc
if wait_until 30 qt_row_is "$QT_MONTH" "$QT_UA" "3 2 pending $QT_AT_RISK 4 1"; then
    pass "after restart the unit's tally catches up (3 articles, 2 CCHC)"
else
    fail "tally catches up after restart" "$(qt_row "$QT_MONTH" "$QT_UA")"
fi
expect_eq "the report equals a count made directly from content.articles" \
    "$(qt_direct_counts "$QT_MONTH")" "$(qt_report_counts "$QT_MONTH")"

echo "  -- every event delivered twice"
qt_before=$(qt_psql "SELECT seq FROM quota.event_cursor WHERE source = 'content'")
qt_snap=$(qt_report_counts "$QT_MONTH")
qt_rows=$(qt_psql "SELECT string_agg(article_id || ':' || month || ':' || retracted || ':' || event_seq, ',' ORDER BY article_id) FROM quota.articles")
stack_stop quota-svc
qt_psql "UPDATE quota.event_cursor SET seq = 0 WHERE source = 'content'" >/dev/null
stack_start quota-svc
wait_until 30 test "$(qt_psql "SELECT seq FROM quota.event_cursor WHERE source = 'content'")" = "$qt_before"
expect_eq "after replaying every event the cursor is back where it was" "$qt_before" \
    "$(qt_psql "SELECT seq FROM quota.event_cursor WHERE source = 'content'")"
wait_until 15 qt_report_matches "$QT_MONTH"
expect_eq "events delivered twice count once (the report is unchanged)" "$qt_snap" "$(qt_report_counts "$QT_MONTH")"
expect_eq "and quota's article rows are unchanged" "$qt_rows" \
    "$(qt_psql "SELECT string_agg(article_id || ':' || month || ':' || retracted || ':' || event_seq, ',' ORDER BY article_id) FROM quota.articles")"
expect_eq "and still equal to the direct count" "$(qt_direct_counts "$QT_MONTH")" "$(qt_report_counts "$QT_MONTH")"

# ------------------------------------------------------------ at risk
echo "  -- quota.at_risk: once per unit and month, from the 20th"
# Unit B has published nothing this month. The sweep runs every
# LOA_QUOTA_SWEEP_MS (500 ms here); the days before the 20th are a unit test
# (tests/unit/quota-svc/test_quota_risk.c), since this run's date is today.
qt_risk_events() {
    qt_psql "SELECT count(*) FROM quota.event_log WHERE topic = 'quota.at_risk'
        AND position(convert_to('$QT_MONTH', 'UTF8') IN payload) > 0
        AND position(convert_to('Phòng Thử nghiệm Định mức B $QT_RUN', 'UTF8') IN payload) > 0"
}
qt_flagged() { qt_psql "SELECT count(*) FROM quota.at_risk_events WHERE unit_id = $QT_UB AND month = '$QT_MONTH'"; }
if [ "$QT_AT_RISK" = true ]; then
    wait_until 15 test "$(qt_risk_events)" = 1
    expect_eq "from the 20th, a unit with nothing published gets one quota.at_risk event (its name and month in it)" \
        "1 1" "$(qt_risk_events) $(qt_flagged)"
else
    sleep 1.5
    expect_eq "before the 20th, no quota.at_risk event for a unit with nothing published" \
        "0 0" "$(qt_risk_events) $(qt_flagged)"
fi
sleep 1.5 # three more sweeps
expect_eq "more sweeps add no second event for the same unit and month" \
    "$([ "$QT_AT_RISK" = true ] && echo 1 || echo 0)" "$(qt_risk_events)"
expect_eq "the report's at_risk agrees" "$QT_AT_RISK" \
    "$(qt_row "$QT_MONTH" "$QT_UB" | cut -d' ' -f4)"

# ------------------------------------------------------------ rebuild
echo "  -- rebuild from content's whole event history"
qt_tally_rows() {
    qt_psql "SELECT string_agg(article_id || ':' || unit_id || ':' || month || ':' || is_cchc || ':' || retracted, ',' ORDER BY article_id) FROM quota.articles"
}
qt_good=$(qt_tally_rows)
qt_corrupt() {
    qt_psql "DELETE FROM quota.articles WHERE article_id = ${QT_IDS[1]:-0};
        UPDATE quota.articles SET retracted = NOT retracted WHERE article_id = ${qt_off1:-0}" >/dev/null
}
qt_corrupt
expect_eq "setup: the tallies are damaged (no longer the direct count)" true \
    "$([ "$(qt_report_counts "$QT_MONTH")" != "$(qt_direct_counts "$QT_MONTH")" ] && echo true || echo false)"
qt_call anon POST /api/v1/quota/rebuild -
expect_eq "rebuild: anonymous is 401" 401 "$HTTP_STATUS"
qt_call insp POST /api/v1/quota/rebuild -
expect_eq "rebuild: an inspector may not (403)" 403 "$HTTP_STATUS"
qt_call admin POST /api/v1/quota/rebuild -
qt_last=$(qt_psql "SELECT coalesce(max(seq), 0) FROM content.event_log")
expect_eq "rebuild: the admin rebuilds from every content event" "200 $qt_last $qt_last" \
    "$HTTP_STATUS $(qt_jq .events) $(qt_jq .last_seq)"
expect_eq "rebuild: it reports the articles counted and the units known" \
    "$(qt_psql "SELECT count(*) FROM quota.articles WHERE NOT retracted") $(qt_psql "SELECT count(*) FROM quota.units")" \
    "$(qt_jq .articles) $(qt_jq .units)"
expect_eq "after the rebuild the report equals the direct count again" \
    "$(qt_direct_counts "$QT_MONTH")" "$(qt_report_counts "$QT_MONTH")"
expect_eq "and every article row is as the events made it" "$qt_good" "$(qt_tally_rows)"
expect_eq "and the cursor is at content's last event" "$qt_last" \
    "$(qt_psql "SELECT seq FROM quota.event_cursor WHERE source = 'content'")"

qt_corrupt
stack_kill content-svc
qt_call admin POST /api/v1/quota/rebuild -
expect_eq "rebuild with content-svc down: 503, and nothing changed (the damage is still there)" "503 false" \
    "$HTTP_STATUS $([ "$(qt_tally_rows)" = "$qt_good" ] && echo true || echo false)"
stack_start content-svc
wait_until 30 stack_ready
"$BUILD/quota-svc" --rebuild >"$QT_DIR/rebuild.out" 2>"$STACK_DIR/logs/quota-svc-rebuild.log"
qt_rc=$?
expect_eq "quota-svc --rebuild (beside the running service) exits 0" 0 "$qt_rc"
expect_match "quota-svc --rebuild says how many events it applied" \
    "rebuilt from content's $qt_last events \\(up to seq $qt_last\\)" "$(cat "$QT_DIR/rebuild.out")"
expect_eq "after quota-svc --rebuild the rows and the report are right again" "true true" \
    "$([ "$(qt_tally_rows)" = "$qt_good" ] && echo true || echo false) $(qt_report_matches "$QT_MONTH" && echo true || echo false)"
qt_publish ed "$QT_T_CCHC"
if wait_until 15 qt_report_matches "$QT_MONTH"; then
    pass "the running quota-svc goes on counting after a rebuild"
else
    fail "counting goes on after a rebuild" "$(qt_report_counts "$QT_MONTH") vs $(qt_direct_counts "$QT_MONTH")"
fi

# ------------------------------------------------------------ OpenAPI
http GET /api/v1/openapi.json
expect_eq "openapi: the quota routes with their roles and the month parameter" "true true true true" \
    "$(qt_jq '[(.paths["/api/v1/quota/rules"].get["x-roles"] == ["staff"]), (.paths["/api/v1/quota/rules"].put["x-roles"] == ["admin"]), (.paths["/api/v1/quota/report"].get["x-roles"] == ["staff"]), (.paths["/api/v1/quota/report"].get.parameters | map(.name) | index("month") != null)] | map(tostring) | join(" ")')"
