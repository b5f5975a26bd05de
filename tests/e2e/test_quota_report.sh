# Quota reports (docs/api/quota.md): the year matrix (?year=), the reports as
# CSV (?format=csv or Accept: text/csv) and the leadership summary
# (/api/v1/quota/summary). This month's figures come through content events
# (articles published now); last year's are quota.articles rows written here
# directly, and a rule changed in the middle of last year is a rules row
# written here too (both removed at the end). The verdict logic and the CSV
# writer have unit tests (tests/unit/quota-svc/test_quota_report.c).
# Sourced by tests/run.sh: every name here starts with qr_ / QR_.
# shellcheck shell=bash

QR_DIR=$T_TMP/quota_report
mkdir -p "$QR_DIR"
QR_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
QR_RUN_UC=$(printf '%s' "$QR_RUN" | tr '[:lower:]' '[:upper:]')
declare -gA QR_TOK=()
QR_MONTH=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)
QR_DAY=$(TZ=Asia/Ho_Chi_Minh date +%-d)
QR_YEAR=$(TZ=Asia/Ho_Chi_Minh date +%Y)
QR_MNUM=$(TZ=Asia/Ho_Chi_Minh date +%-m)
QR_LAST=$((QR_YEAR - 1))
QR_AT_RISK=false
[ "$QR_DAY" -ge 20 ] && QR_AT_RISK=true
# Ids of last year's crafted articles: far beyond content-svc's own.
QR_AID=$((9000000000000 + (RANDOM * 32768 + RANDOM) * 100))
QR_NAME_A="Phòng \"Thử\", nghiệm QR A $QR_RUN"
QR_NAME_B="=QR B $QR_RUN"

qr_jq() { body_jq "$@"; }
qr_psql() { db_sql "$1"; }

# qr_call WHO METHOD PATH JSON|- [curl args]: WHO is anon or a key of QR_TOK.
qr_call() { e2e_call QR_TOK "$@"; }

# qr_user KEY ROLES_JSON UNIT_JSON: a user made by the admin, logged in.
qr_user() { e2e_staff QR_TOK "$1" "$2" "$3" "e2e.qr-$1-$QR_RUN" "Người dùng báo cáo $1"; }

# qr_publish EDITOR TOPIC_ID: an article written, submitted and published;
# QR_ID is its id (empty on any failure).
qr_publish() {
    e2e_publish QR_TOK "$1" rev "$(jq -nc --arg t "Bài báo cáo định mức $QR_RUN $RANDOM" --argjson tp "[$2]" \
        '{title: $t, summary: "Tóm tắt", body: "Nội dung về cải cách hành chính.", topic_ids: $tp}')"
    QR_ID=$E2E_ID
}

# qr_month_row MONTH UNIT: "articles cchc status at_risk min min_cchc" from
# the month's report.
qr_month_row() {
    qr_call insp GET "/api/v1/quota/report?month=$1" -
    qr_jq --argjson u "$2" '.items[] | select(.unit_id == $u) |
        "\(.articles) \(.cchc_articles) \(.status) \(.at_risk) \(.min_articles) \(.min_cchc_articles)"'
}
qr_month_row_is() { [ "$(qr_month_row "$1" "$2")" = "$3" ]; }

# qr_cells UNIT: the unit's twelve cells of the last year matrix fetched,
# "articles/cchc/min/min_cchc/status" separated by spaces.
qr_cells() {
    qr_jq --argjson u "$1" '.items[] | select(.unit_id == $u) |
        [.months[] | "\(.articles)/\(.cchc_articles)/\(.min_articles)/\(.min_cchc_articles)/\(.status)"] | join(" ")'
}

qr_names() { problem_names "$1"; }

# qr_hex FILE N: the first N bytes of FILE in hex, no spaces.
qr_hex() { head -c "$2" "$1" | od -An -tx1 | tr -d ' \n'; }

# ------------------------------------------------------------ set-up
echo "  -- set-up: units, users, this month's articles, last year's rows"
# shellcheck disable=SC2034 # read by name (qr_call -> e2e_call)
QR_TOK[admin]=$(admin_token)
qr_call admin POST /api/v1/units "$(jq -nc --arg c "QR-$QR_RUN_UC-A" --arg n "$QR_NAME_A" '{code: $c, name: $n}')"
expect_eq "setup: a unit whose name holds a quote and a comma" 201 "$HTTP_STATUS"
QR_UA=$(qr_jq '.id // 0')
qr_call admin POST /api/v1/units "$(jq -nc --arg c "QR-$QR_RUN_UC-B" --arg n "$QR_NAME_B" '{code: $c, name: $n}')"
expect_eq "setup: a unit whose name starts with =" 201 "$HTTP_STATUS"
QR_UB=$(qr_jq '.id // 0')
qr_call anon GET '/api/v1/topics?per_page=100' -
QR_T_CCHC=$(qr_jq '[.items[] | select(.is_cchc)][0].id // 0')
QR_T_PLAIN=$(qr_jq '[.items[] | select(.is_cchc | not)][0].id // 0')
qr_user ed '["editor"]' "$QR_UA"
qr_user rev '["reviewer"]' null
qr_user insp '["inspector"]' null
qr_user lead '["leader"]' null
QR_IDS=()
for qr_t in "$QR_T_CCHC" "$QR_T_PLAIN"; do
    qr_publish ed "$qr_t"
    QR_IDS+=("$QR_ID")
done
expect_eq "setup: two articles published this month (one CCHC)" 2 "$(printf '%s\n' "${QR_IDS[@]}" | grep -c .)"
if wait_until 15 qr_month_row_is "$QR_MONTH" "$QR_UA" "2 1 pending $QR_AT_RISK 4 1"; then
    pass "setup: quota counts them (2 articles, 1 CCHC) and knows unit B"
else
    fail "setup: quota counts this month's articles" "$(qr_month_row "$QR_MONTH" "$QR_UA")"
fi
wait_until 15 qr_month_row_is "$QR_MONTH" "$QR_UB" "0 0 pending $QR_AT_RISK 4 1"

# Last year: unit A 4 articles (1 CCHC) in January, 1 in February, 2 in
# July and 1 retracted in July; from July to August the rule is 2 and 0.
qr_psql "INSERT INTO quota.articles (article_id, unit_id, month, is_cchc, retracted, event_seq) VALUES
    ($QR_AID, $QR_UA, '$QR_LAST-01', true, false, 0), ($((QR_AID + 1)), $QR_UA, '$QR_LAST-01', false, false, 0),
    ($((QR_AID + 2)), $QR_UA, '$QR_LAST-01', false, false, 0), ($((QR_AID + 3)), $QR_UA, '$QR_LAST-01', false, false, 0),
    ($((QR_AID + 4)), $QR_UA, '$QR_LAST-02', false, false, 0), ($((QR_AID + 5)), $QR_UA, '$QR_LAST-07', false, false, 0),
    ($((QR_AID + 6)), $QR_UA, '$QR_LAST-07', false, false, 0), ($((QR_AID + 7)), $QR_UA, '$QR_LAST-07', true, true, 0)" >/dev/null
QR_RULES_BEFORE=$(qr_psql "SELECT string_agg(effective_from || ':' || min_articles || ':' || min_cchc_articles, ',' ORDER BY effective_from) FROM quota.rules")
QR_RULE_JUL=$(qr_psql "SELECT count(*) FROM quota.rules WHERE effective_from IN ('$QR_LAST-07', '$QR_LAST-09')")
qr_psql "INSERT INTO quota.rules (effective_from, min_articles, min_cchc_articles) VALUES
    ('$QR_LAST-07', 2, 0), ('$QR_LAST-09', 4, 1) ON CONFLICT DO NOTHING" >/dev/null
expect_eq "setup: last year's rows written" "8 0" \
    "$(qr_psql "SELECT count(*) FROM quota.articles WHERE article_id BETWEEN $QR_AID AND $((QR_AID + 7))") $QR_RULE_JUL"

# ------------------------------------------------------------ year matrix
echo "  -- the year matrix"
qr_call insp GET "/api/v1/quota/report?year=$QR_LAST" -
expect_eq "year: 200 with the year and its twelve months" \
    "200 $QR_LAST $QR_LAST-01,$QR_LAST-02,$QR_LAST-03,$QR_LAST-04,$QR_LAST-05,$QR_LAST-06,$QR_LAST-07,$QR_LAST-08,$QR_LAST-09,$QR_LAST-10,$QR_LAST-11,$QR_LAST-12" \
    "$HTTP_STATUS $(qr_jq .year) $(qr_jq '.months | join(",")')"
expect_eq "year: item and cell shapes" "true true" \
    "$(qr_jq '[.items[] | keys == ["months","months_elapsed","months_met","unit_code","unit_id","unit_name"]] | all') $(qr_jq '[.items[].months[] | keys == ["articles","at_risk","cchc_articles","min_articles","min_cchc_articles","month","status"]] | all')"
expect_eq "year: every active unit once, by id" \
    "$(qr_psql "SELECT string_agg(id::text, ',' ORDER BY id) FROM content.units WHERE is_active")" \
    "$(qr_jq '[.items[].unit_id | tostring] | join(",")')"
qr_lm="4/1/4/1/met 1/0/4/1/missed 0/0/4/1/missed 0/0/4/1/missed 0/0/4/1/missed 0/0/4/1/missed"
qr_lm="$qr_lm 2/0/2/0/met 0/0/2/0/missed 0/0/4/1/missed 0/0/4/1/missed 0/0/4/1/missed 0/0/4/1/missed"
expect_eq "year: each month with its own rule (2 and 0 in July and August), retracted not counted" \
    "$qr_lm" "$(qr_cells "$QR_UA")"
expect_eq "year: unit A met 2 of 12 months; its Vietnamese name" "2 12 $QR_NAME_A" \
    "$(qr_jq --argjson u "$QR_UA" '.items[] | select(.unit_id == $u) | "\(.months_met) \(.months_elapsed) \(.unit_name)"')"
expect_eq "year: a unit with nothing published: zeros, every month missed" "0 12 12 0" \
    "$(qr_jq --argjson u "$QR_UB" '.items[] | select(.unit_id == $u) | "\(.months_met) \(.months_elapsed) \([.months[] | select(.status == "missed")] | length) \([.months[].articles] | add)"')"
expect_eq "year: no month of a past year is at risk" false "$(qr_jq '[.items[].months[].at_risk] | any')"

qr_call insp GET "/api/v1/quota/report?year=$QR_YEAR" -
qr_cur=$(qr_jq --argjson u "$QR_UA" --argjson m "$QR_MNUM" '.items[] | select(.unit_id == $u) | .months[$m - 1] |
    "\(.articles) \(.cchc_articles) \(.status) \(.at_risk) \(.min_articles) \(.min_cchc_articles)"')
expect_eq "year (this year): this month's cell equals the month's report" \
    "$(qr_month_row "$QR_MONTH" "$QR_UA")" "$qr_cur"
qr_call insp GET "/api/v1/quota/report?year=$QR_YEAR" -
expect_eq "year (this year): months before are missed, this one pending, after not due; this month not yet elapsed" \
    "$((QR_MNUM - 1)) 0 1 $((12 - QR_MNUM))" \
    "$(qr_jq --argjson u "$QR_UB" '.items[] | select(.unit_id == $u) | "\(.months_elapsed) \(.months_met) \([.months[] | select(.status == "pending")] | length) \([.months[] | select(.status == "not_due")] | length)"')"
qr_call insp GET "/api/v1/quota/report?year=$((QR_YEAR + 1))" -
expect_eq "year to come: nothing elapsed, every month not due" "200 0 true" \
    "$HTTP_STATUS $(qr_jq '[.items[].months_elapsed] | add') $(qr_jq '[.items[].months[].status == "not_due"] | all')"
qr_call insp GET "/api/v1/quota/report?month=$((QR_YEAR + 1))-01" -
expect_eq "a month to come: not due for a unit with nothing published" "200 not_due false" \
    "$HTTP_STATUS $(qr_jq --argjson u "$QR_UB" '.items[] | select(.unit_id == $u) | "\(.status) \(.at_risk)"')"

# ------------------------------------------------------------ CSV
echo "  -- CSV"
qr_call insp GET "/api/v1/quota/report?year=$QR_LAST&format=csv" -
cp "$T_TMP/body" "$QR_DIR/year.csv"
expect_eq "csv: 200, text/csv; charset=utf-8, an attachment named dinh-muc-$QR_LAST.csv" \
    "200 text/csv; charset=utf-8 attachment; filename=\"dinh-muc-$QR_LAST.csv\"" \
    "$HTTP_STATUS $(header Content-Type) $(header Content-Disposition)"
expect_eq "csv: starts with the UTF-8 BOM, then 'Mã đơn vị' byte for byte" \
    "efbbbf4dc3a320c491c6a16e2076e1bb8b" "$(qr_hex "$QR_DIR/year.csv" 17)"
expect_eq "csv: every line ends with CRLF (no bare LF, no CR elsewhere)" \
    "$(tr -cd '\n' <"$QR_DIR/year.csv" | wc -c) $(tr -cd '\n' <"$QR_DIR/year.csv" | wc -c)" \
    "$(grep -c $'\r$' "$QR_DIR/year.csv") $(tr -cd '\r' <"$QR_DIR/year.csv" | wc -c)"
qr_h="Mã đơn vị,Tên đơn vị"
for qr_m in 01 02 03 04 05 06 07 08 09 10 11 12; do
    qr_h="$qr_h,T$qr_m/$QR_LAST Số bài,T$qr_m/$QR_LAST Số bài CCHC,T$qr_m/$QR_LAST Kết quả"
done
qr_h="$qr_h,Số tháng đạt,Số tháng không đạt,Số tháng đã xét"
expect_eq "csv: the Vietnamese header row" "$qr_h" "$(head -1 "$QR_DIR/year.csv" | tail -c +4 | tr -d '\r')"
qr_row="QR-$QR_RUN_UC-A,\"Phòng \"\"Thử\"\", nghiệm QR A $QR_RUN\",4,1,Đạt,1,0,Không đạt"
for qr_m in 3 4 5 6; do qr_row="$qr_row,0,0,Không đạt"; done
qr_row="$qr_row,2,0,Đạt"
for qr_m in 8 9 10 11 12; do qr_row="$qr_row,0,0,Không đạt"; done
qr_row="$qr_row,2,10,12"
expect_eq "csv: unit A's row, by its code, the name quoted with its quotes doubled" "$qr_row" \
    "$(grep "^QR-$QR_RUN_UC-A," "$QR_DIR/year.csv" | tr -d '\r')"
expect_eq "csv: a name starting with = gets an apostrophe" "QR-$QR_RUN_UC-B,'=QR B $QR_RUN,0,0,Không đạt" \
    "$(grep "^QR-$QR_RUN_UC-B," "$QR_DIR/year.csv" | tr -d '\r' | cut -d, -f1-5)"
expect_eq "csv: a row per active unit, after the header" \
    "$(($(qr_psql "SELECT count(*) FROM content.units WHERE is_active") + 1))" "$(grep -c $'\r$' "$QR_DIR/year.csv")"
qr_call insp GET "/api/v1/quota/report?year=$QR_LAST" - -H 'Accept: text/csv'
expect_eq "csv: Accept: text/csv gives the same bytes as ?format=csv" \
    "200 $(sha256sum <"$QR_DIR/year.csv")" "$HTTP_STATUS $(sha256sum <"$T_TMP/body")"
qr_call insp GET "/api/v1/quota/report?year=$QR_LAST" - -H 'Accept: text/html, text/csv;q=0.9'
expect_eq "csv: text/csv among other types in Accept" "text/csv; charset=utf-8" "$(header Content-Type)"
qr_call insp GET "/api/v1/quota/report?year=$QR_LAST" - -H 'Accept: application/xml'
expect_eq "csv: another Accept falls back to JSON" "200 application/json; charset=utf-8 $QR_LAST" \
    "$HTTP_STATUS $(header Content-Type) $(qr_jq .year)"
qr_call insp GET "/api/v1/quota/report?year=$QR_LAST&format=json" - -H 'Accept: text/csv'
expect_eq "csv: ?format=json wins over Accept" "200 application/json; charset=utf-8" \
    "$HTTP_STATUS $(header Content-Type)"

qr_call insp GET "/api/v1/quota/report?month=$QR_LAST-01&format=csv" -
cp "$T_TMP/body" "$QR_DIR/month.csv"
expect_eq "csv (month): an attachment named dinh-muc-$QR_LAST-01.csv, with the BOM" \
    "200 attachment; filename=\"dinh-muc-$QR_LAST-01.csv\" efbbbf" \
    "$HTTP_STATUS $(header Content-Disposition) $(qr_hex "$QR_DIR/month.csv" 3)"
expect_eq "csv (month): the header row" \
    "Mã đơn vị,Tên đơn vị,Tháng,Số bài,Số bài CCHC,Định mức,Định mức CCHC,Kết quả,Nguy cơ không đạt" \
    "$(head -1 "$QR_DIR/month.csv" | tail -c +4 | tr -d '\r')"
expect_eq "csv (month): unit A's row" \
    "QR-$QR_RUN_UC-A,\"Phòng \"\"Thử\"\", nghiệm QR A $QR_RUN\",$QR_LAST-01,4,1,4,1,Đạt,Không" \
    "$(grep "^QR-$QR_RUN_UC-A," "$QR_DIR/month.csv" | tr -d '\r')"
qr_call insp GET "/api/v1/quota/report?month=$QR_MONTH" - -H 'Accept: text/csv'
expect_eq "csv (month): this month by Accept, pending is Chưa đạt" \
    "200 QR-$QR_RUN_UC-A,\"Phòng \"\"Thử\"\", nghiệm QR A $QR_RUN\",$QR_MONTH,2,1,4,1,Chưa đạt,$([ "$QR_AT_RISK" = true ] && echo Có || echo Không)" \
    "$HTTP_STATUS $(grep "^QR-$QR_RUN_UC-A," "$T_TMP/body" | tr -d '\r')"
qr_call insp GET "/api/v1/quota/report?format=csv" -
expect_eq "csv (month): without a month, this month's file" "attachment; filename=\"dinh-muc-$QR_MONTH.csv\"" \
    "$(header Content-Disposition)"
qr_call insp GET "/api/v1/quota/report?year=$((QR_YEAR + 1))&format=csv" -
expect_eq "csv (a year to come): each of the 12 months of a unit reads Chưa đến hạn" "200 12" \
    "$HTTP_STATUS $(grep "^QR-$QR_RUN_UC-B," "$T_TMP/body" | tr ',' '\n' | grep -c '^Chưa đến hạn$')"
qr_call insp GET "/api/v1/quota/report?month=$QR_MONTH" -
expect_eq "the month's JSON report is unchanged" "200 application/json; charset=utf-8 $QR_MONTH" \
    "$HTTP_STATUS $(header Content-Type) $(qr_jq .month)"

# ------------------------------------------------------------ errors
echo "  -- report: errors and who"
for qr_y in 1999 abc 20222 22 ''; do
    qr_call insp GET "/api/v1/quota/report?year=$qr_y" -
    expect_eq "year=$qr_y is 422 naming year" "422 true" "$(qr_names year)"
done
qr_call insp GET "/api/v1/quota/report?year=1999&format=csv" -
expect_eq "year=1999 as CSV is 422 problem+json naming year" "422 true application/problem+json; charset=utf-8" \
    "$(qr_names year) $(header Content-Type)"
for qr_q in "month=$QR_MONTH&year=$QR_YEAR" "month=$QR_MONTH&year=$QR_YEAR&format=csv"; do
    qr_call insp GET "/api/v1/quota/report?$qr_q" -
    expect_eq "$qr_q is 422 naming month and year" "422 true true" \
        "$(qr_names month) $(qr_jq '[.errors[].field] | index("year") != null')"
done
for qr_q in "format=xml" "year=$QR_YEAR&format=xml" "month=$QR_MONTH&format=CSV" "format="; do
    qr_call insp GET "/api/v1/quota/report?$qr_q" -
    expect_eq "$qr_q is 422 naming format" "422 true" "$(qr_names format)"
done
qr_call insp GET "/api/v1/quota/report?month=2022-13&format=csv" -
expect_eq "month=2022-13 as CSV is 422 naming month" "422 true" "$(qr_names month)"
for qr_q in "year=$QR_LAST" "year=$QR_LAST&format=csv" "month=$QR_MONTH&format=csv"; do
    qr_call anon GET "/api/v1/quota/report?$qr_q" -
    expect_eq "$qr_q: anonymous is 401" 401 "$HTTP_STATUS"
done
qr_call ed GET "/api/v1/quota/report?year=$QR_LAST&format=csv" -
expect_eq "any staff member (an editor) reads the CSV" 200 "$HTTP_STATUS"

# ------------------------------------------------------------ summary
echo "  -- the leadership summary"
# qr_direct YEAR: "units articles cchc" counted directly from quota's tables.
qr_direct() {
    qr_psql "SELECT (SELECT count(*) FROM quota.units WHERE is_active) || ' ' || count(a.*) || ' ' ||
        count(a.*) FILTER (WHERE a.is_cchc) FROM quota.articles a JOIN quota.units u USING (unit_id)
        WHERE u.is_active AND NOT a.retracted AND a.month LIKE '$1-%'"
}
qr_call lead GET "/api/v1/quota/summary?year=$QR_LAST" -
expect_eq "summary: 200 for a leader, the year, as_of this month" "200 $QR_LAST $QR_MONTH" \
    "$HTTP_STATUS $(qr_jq .year) $(qr_jq .as_of)"
expect_eq "summary: item and totals shapes" "true true" \
    "$(qr_jq '[.items[] | keys == ["articles","cchc_articles","cchc_share","media_deliveries","media_packages","months_elapsed","months_met","months_missed","unit_code","unit_id","unit_name"]] | all') $(qr_jq '.totals | keys == ["articles","cchc_articles","cchc_share","compliance_rate","media_deliveries","media_packages","unit_months_elapsed","unit_months_met","unit_months_missed","units"]')"
expect_eq "summary: unit A met 2, missed 10 of 12; 7 articles, 1 CCHC (14.3 %)" "2 10 12 7 1 14.3" \
    "$(qr_jq --argjson u "$QR_UA" '.items[] | select(.unit_id == $u) | "\(.months_met) \(.months_missed) \(.months_elapsed) \(.articles) \(.cchc_articles) \(.cchc_share)"')"
expect_eq "summary: a unit with nothing: 0 met, 12 missed, share 0" "0 12 12 0 0" \
    "$(qr_jq --argjson u "$QR_UB" '.items[] | select(.unit_id == $u) | "\(.months_met) \(.months_missed) \(.months_elapsed) \(.articles) \(.cchc_share)"')"
expect_eq "summary: the totals are the sums of the rows" "true" \
    "$(qr_jq '.totals as $t | [.items | length == $t.units, (map(.articles) | add) == $t.articles, (map(.cchc_articles) | add) == $t.cchc_articles, (map(.months_met) | add) == $t.unit_months_met, (map(.months_elapsed) | add) == $t.unit_months_elapsed, (map(.months_missed) | add) == $t.unit_months_missed] | all')"
expect_eq "summary: units, articles and CCHC equal a direct count" "$(qr_direct "$QR_LAST")" \
    "$(qr_jq '"\(.totals.units) \(.totals.articles) \(.totals.cchc_articles)"')"
expect_eq "summary: the rates, one decimal" "true true" \
    "$(qr_jq '.totals | (if .articles > 0 then (((.cchc_articles * 2000 + .articles) / (2 * .articles)) | floor) / 10 else 0 end) == .cchc_share') $(qr_jq '.totals | (if .unit_months_elapsed > 0 then (((.unit_months_met * 2000 + .unit_months_elapsed) / (2 * .unit_months_elapsed)) | floor) / 10 else 0 end) == .compliance_rate')"
qr_call insp GET /api/v1/quota/summary -
expect_eq "summary: without a year, this year; its totals equal a direct count" \
    "200 $QR_YEAR $(qr_direct "$QR_YEAR")" \
    "$HTTP_STATUS $(qr_jq .year) $(qr_jq '"\(.totals.units) \(.totals.articles) \(.totals.cchc_articles)"')"
expect_eq "summary (this year): unit A's this-month articles, this month not yet elapsed" \
    "2 1 $((QR_MNUM - 1))" \
    "$(qr_jq --argjson u "$QR_UA" '.items[] | select(.unit_id == $u) | "\(.articles) \(.cchc_articles) \(.months_elapsed)"')"
qr_call insp GET "/api/v1/quota/summary?year=$((QR_YEAR + 1))" -
expect_eq "summary: a year to come is zeros" "200 0 0 0 0 0" \
    "$HTTP_STATUS $(qr_jq '"\(.totals.articles) \(.totals.unit_months_elapsed) \(.totals.unit_months_met) \(.totals.compliance_rate) \([.items[].months_elapsed] | add // 0)"')"
for qr_y in 1999 abc 2022-01 ''; do
    qr_call insp GET "/api/v1/quota/summary?year=$qr_y" -
    expect_eq "summary: year=$qr_y is 422 naming year" "422 true" "$(qr_names year)"
done
qr_call anon GET "/api/v1/quota/summary?year=$QR_LAST" -
expect_eq "summary: anonymous is 401" 401 "$HTTP_STATUS"

# ------------------------------------------------------------ OpenAPI
http GET /api/v1/openapi.json
expect_eq "openapi: the summary route (staff, year) and the report's year and format" "true true true" \
    "$(qr_jq '[(.paths["/api/v1/quota/summary"].get["x-roles"] == ["staff"]), (.paths["/api/v1/quota/summary"].get.parameters | map(.name) | index("year") != null), (.paths["/api/v1/quota/report"].get.parameters | map(.name) | (index("year") != null and index("format") != null))] | map(tostring) | join(" ")')"
expect_eq "openapi: the report answers the month's or the year's JSON, or text/csv" \
    "#/components/schemas/loa.quota.QuotaReport #/components/schemas/loa.quota.QuotaYearReport true" \
    "$(qr_jq '.paths["/api/v1/quota/report"].get.responses["200"].content | "\([.["application/json"].schema.oneOf[]["$ref"]] | join(" ")) \(.["text/csv"].schema.type == "string")"')"

# ------------------------------------------------------------ clean-up
qr_psql "DELETE FROM quota.articles WHERE article_id BETWEEN $QR_AID AND $((QR_AID + 7))" >/dev/null
qr_psql "DELETE FROM quota.rules WHERE effective_from IN ('$QR_LAST-07', '$QR_LAST-09')" >/dev/null
expect_eq "clean-up: last year's rows and rules removed" "$QR_RULES_BEFORE" \
    "$(qr_psql "SELECT string_agg(effective_from || ':' || min_articles || ':' || min_cchc_articles, ',' ORDER BY effective_from) FROM quota.rules")"
