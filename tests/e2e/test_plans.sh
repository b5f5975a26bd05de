# The year's plan (docs/api/quota.md, /api/v1/plans): the seeded 2022 plan of
# Sở Kế hoạch và Đầu tư Bắc Ninh with its annex's five activities, whose
# leads (by unit code) resolve to the TTRA and DKKD units once quota-svc has
# seen their events; the inspector creates and patches a plan, others may
# not; bad fields are 422 naming the field; staff of the lead or a partner
# unit report on an activity (another unit's are refused), the inspector
# for one of those units; the per-activity summary counts them; an
# Idempotency-Key retry gives the same report; unknown plans, activities
# and reports are 404. Files attached to reports (issue 20, decision 0034):
# uploaded by staff, claimed by a report all or none (only its author's
# uploads, no other report's, never a citizen's), read by staff only, kept
# across corrections. The lead resolution and the store's summary are also
# unit tests (tests/unit/quota-svc/test_plan_store.c).
# Sourced by tests/run.sh: every name here starts with pl_ / PL_.
# shellcheck shell=bash

PL_DIR=$T_TMP/plans
mkdir -p "$PL_DIR"
PL_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
PL_RUN_UC=$(printf '%s' "$PL_RUN" | tr '[:lower:]' '[:upper:]')
declare -gA PL_TOK=()
PL_YEAR=$(TZ=Asia/Ho_Chi_Minh date +%Y)
PL_TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
PL_TOMORROW=$(TZ=Asia/Ho_Chi_Minh date -d tomorrow +%F)

pl_jq() { body_jq "$@"; }
pl_psql() { db_sql "$1"; }

# pl_call WHO METHOD PATH JSON|- [curl args]: WHO is anon or a key of PL_TOK.
pl_call() { e2e_call PL_TOK "$@"; }

# pl_user KEY ROLES_JSON UNIT_JSON: a user made by the admin, logged in.
pl_user() { e2e_staff PL_TOK "$1" "$2" "$3" "e2e.pl-$1-$PL_RUN" "Người dùng kế hoạch $1"; }

# pl_names FIELD: "STATUS true" when the problem names FIELD.
pl_names() { problem_names "$1"; }

# pl_leads: the seeded plan's leads as "code:id,..." by position.
pl_leads() {
    pl_call lead GET "/api/v1/plans/$PL_SEED" -
    pl_jq '[.activities[] | "\(.lead_unit_code):\(.lead_unit_id)"] | join(",")'
}
pl_leads_are() { [ "$(pl_leads)" = "$1" ]; }

pl_mirrored() { [ "$(pl_psql "SELECT count(*) FROM quota.units WHERE unit_id IN ($1)")" = "$2" ]; }

# pl_report WHO PLAN AID JSON [curl args]: POST a report.
pl_report() {
    local pl_w=$1 pl_p=$2 pl_aid=$3 pl_j=$4
    shift 4
    pl_call "$pl_w" POST "/api/v1/plans/$pl_p/activities/$pl_aid/reports" "$pl_j" "$@"
}

# pl_upload WHO FILE TYPE: POST /api/v1/plans/attachments (a file for a
# report); PL_FILE is the new id (0 when refused).
pl_upload() {
    local pl_w=$1 pl_f=$2 pl_t=$3 pl_auth=()
    [ "$pl_w" = anon ] || pl_auth=(-H "Authorization: Bearer ${PL_TOK[$pl_w]:-none}")
    http POST /api/v1/plans/attachments "${pl_auth[@]}" -H "Content-Type: $pl_t" --data-binary "@$pl_f"
    PL_FILE=$(pl_jq '.id // 0')
}
pl_sha() { sha256sum "$1" | cut -d' ' -f1; }
PL_FDIR=$T_TMP/plan-files
mkdir -p "$PL_FDIR"
e2e_png "$PL_FDIR/a.png" 32
python3 - "$PL_FDIR" <<'PYEOF'
import os, sys
d = sys.argv[1]
def pdf(name):
    open(d + '/' + name, 'wb').write(b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%' + os.urandom(16).hex().encode()
                                     + b'\ntrailer << /Root 1 0 R >>\n%%EOF\n')
pdf('c.pdf')
pdf('d.pdf')
pdf('e.pdf')
open(d + '/b.jpg', 'wb').write(b'\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00'
                               + os.urandom(2048) + b'\xff\xd9')
open(d + '/t.txt', 'wb').write('Biên bản họp, dạng chữ.\n'.encode() * 20)
png = open(d + '/a.png', 'rb').read()
open(d + '/big.png', 'wb').write(png + b'\0' * (10 * 1024 * 1024 + 1 - len(png)))
PYEOF

# pl_summary AID: "reports units last months" of an activity of the seed plan.
pl_summary() {
    pl_call lead GET "/api/v1/plans/$PL_SEED" -
    pl_jq --argjson a "$1" '.activities[] | select(.id == $a) | .summary |
        "\(.reports) \(.units_reported | map(tostring) | join(",")) \(.last_done_on) \(.months | join(","))"'
}

# ------------------------------------------------------------ set-up
echo "  -- set-up: units and users"
PL_TOK[admin]=$(admin_token)
pl_call anon GET '/api/v1/units?per_page=100' -
PL_TTRA=$(pl_jq '.items[] | select(.code == "TTRA") | .id')
PL_DKKD=$(pl_jq '.items[] | select(.code == "DKKD") | .id')
expect_eq "setup: the seeded units TTRA and DKKD exist" true \
    "$([ -n "$PL_TTRA" ] && [ -n "$PL_DKKD" ] && echo true || echo false)"
for pl_u in P O; do
    pl_call admin POST /api/v1/units "{\"code\": \"PL-$PL_RUN_UC-$pl_u\", \"name\": \"Phòng Thử nghiệm Kế hoạch $pl_u $PL_RUN\"}"
    expect_eq "setup: the admin creates unit $pl_u" 201 "$HTTP_STATUS"
    printf -v "PL_U$pl_u" '%s' "$(pl_jq '.id // 0')"
done
pl_user insp '["inspector"]' null
pl_user lead '["editor"]' "$PL_TTRA"
pl_user dkkd '["editor"]' "$PL_DKKD"
pl_user partner '["editor"]' "$PL_UP"
pl_user other '["editor"]' "$PL_UO"
expect_eq "setup: every user logs in" true \
    "$([ -n "${PL_TOK[insp]}" ] && [ -n "${PL_TOK[lead]}" ] && [ -n "${PL_TOK[dkkd]}" ] && [ -n "${PL_TOK[partner]}" ] && [ -n "${PL_TOK[other]}" ] && echo true || echo false)"
if wait_until 15 pl_mirrored "$PL_TTRA,$PL_DKKD,$PL_UP,$PL_UO" 4; then
    pass "setup: quota-svc has seen the units' events"
else
    fail "setup: quota-svc sees the units" "$(pl_psql "SELECT string_agg(unit_id::text, ',') FROM quota.units")"
fi

# ------------------------------------------------------------ the seeded plan
echo "  -- the seeded 2022 plan"
pl_call anon GET /api/v1/plans -
expect_eq "plans: anonymous is 401" 401 "$HTTP_STATUS"
pl_call lead GET '/api/v1/plans?year=2022' -
expect_eq "plans?year=2022: one plan, its title, five activities" \
    "200 1 Kế hoạch tuyên truyền cải cách hành chính năm 2022 5" \
    "$HTTP_STATUS $(pl_jq '.items | length') $(pl_jq '.items[0].title') $(pl_jq '.items[0].activities_count')"
PL_SEED=$(pl_jq '.items[0].id // 0')
pl_call lead GET '/api/v1/plans?year=1999' -
expect_eq "plans?year=1999 is 422 naming year" "422 true" "$(pl_names year)"
pl_call lead GET "/api/v1/plans/$PL_SEED" -
expect_eq "plan: any staff member reads it, with five activities by position" "200 2022 1,2,3,4,5" \
    "$HTTP_STATUS $(pl_jq .year) $(pl_jq '[.activities[].position | tostring] | join(",")')"
expect_eq "plan: the annex's forms, in Vietnamese" \
    "Lồng ghép tuyên truyền về cải cách hành chính (CCHC)|Cổng thông tin điện tử của Sở|Phương tiện thông tin đại chúng" \
    "$(pl_jq '[.activities[1:4][].form] | join("|")')"
expect_match "plan: activity 5 is about \"4 tại chỗ\" at the Trung tâm Hành chính công" \
    '4 tại chỗ tại Trung tâm Hành chính công' "$(pl_jq '.activities[4].content')"
expect_eq "plan: schedules are all year, partners outside the department in words" \
    "Thường xuyên trong năm|Đài Phát thanh và Truyền hình tỉnh|Sở Nội vụ, các cơ quan, đơn vị có liên quan" \
    "$(pl_jq '[.activities[0].schedule, .activities[4].partners_note, .activities[3].partners_note] | join("|")')"
if wait_until 15 pl_leads_are "TTRA:$PL_TTRA,TTRA:$PL_TTRA,TTRA:$PL_TTRA,TTRA:$PL_TTRA,DKKD:$PL_DKKD"; then
    pass "plan: leads resolved from their codes to the TTRA and DKKD unit ids"
else
    fail "plan: leads resolved" "$(pl_leads)"
fi
pl_call lead GET "/api/v1/plans/$PL_SEED" -
expect_eq "plan: the lead unit's name and the activity shape" "Thanh tra Sở true" \
    "$(pl_jq '.activities[0].lead_unit_name') $(pl_jq '.activities[0] | keys == (["content","form","id","lead_unit_code","lead_unit_id","lead_unit_name","partner_units","partners_note","plan_id","position","schedule","summary"])')"
PL_A1=$(pl_jq '.activities[0].id')
PL_A2=$(pl_jq '.activities[1].id')
PL_A3=$(pl_jq '.activities[2].id')
PL_A5=$(pl_jq '.activities[4].id')
expect_eq "plan: nothing reported yet" "0   " "$(pl_summary "$PL_A1")"

# ------------------------------------------------------------ create
echo "  -- the inspector creates and patches a plan"
PL_NEW=$(jq -nc --argjson y "$PL_YEAR" --argjson a "$PL_UO" --argjson p "$PL_UP" \
    '{year: $y, title: "Kế hoạch thử nghiệm \($y)", document_ref: "Số 01/KH-TN", summary: "Tóm tắt kế hoạch",
      activities: [{form: "Cổng thông tin điện tử của Sở", content: "Tin, bài về CCHC", schedule: "Hằng tháng",
                    lead_unit_id: $a, partner_units: [$p]},
                   {form: "Hội nghị", content: "Giao ban CCHC", partners_note: "Sở Nội vụ"}]}')
pl_call anon POST /api/v1/plans "$PL_NEW"
expect_eq "create: anonymous is 401" 401 "$HTTP_STATUS"
pl_call lead POST /api/v1/plans "$PL_NEW"
expect_eq "create: a non-inspector is 403 (Vietnamese)" "403 true" \
    "$HTTP_STATUS $(pl_jq '.detail | test("quyền|Thanh tra")')"
pl_rpc_status() {
    "$BUILD/loa-rpc" "$@" 2>/dev/null | jq -r '.status // "ok"'
}
expect_eq "create: quota-svc itself refuses an editor and an anonymous caller" "forbidden unauthenticated" \
    "$(pl_rpc_status --roles editor --user-id 1 --in loa.quota.CreatePlanRequest "$LOA_QUOTA_RPC" plans.create '{"year": 2091, "title": "X"}') $(pl_rpc_status --in loa.quota.PlanListRequest "$LOA_QUOTA_RPC" plans.list '{}')"
expect_eq "report: quota-svc itself refuses a unit that is not the lead" "forbidden" \
    "$(pl_rpc_status --roles editor --user-id 1 --unit-id "$PL_UO" --in loa.quota.CreateActivityReportRequest "$LOA_QUOTA_RPC" plans.reports.create "{\"id\": $PL_SEED, \"aid\": $PL_A1, \"done_on\": \"2022-03-01\", \"description\": \"X\"}")"
pl_call insp POST /api/v1/plans "$PL_NEW"
PL_MINE=$(pl_jq '.id // 0')
expect_eq "create: 201 with Location, the year, two activities in order" \
    "201 /api/v1/plans/$PL_MINE $PL_YEAR 1,2" \
    "$HTTP_STATUS $(header Location) $(pl_jq .year) $(pl_jq '[.activities[].position | tostring] | join(",")')"
expect_eq "create: the lead, its code and the partners" "$PL_UO PL-$PL_RUN_UC-O $PL_UP" \
    "$(pl_jq '.activities[0].lead_unit_id') $(pl_jq '.activities[0].lead_unit_code') $(pl_jq '.activities[0].partner_units | map(tostring) | join(",")')"
expect_eq "create: an activity without a lead" "0 Sở Nội vụ" \
    "$(pl_jq '.activities[1].lead_unit_id') $(pl_jq '.activities[1].partners_note')"
PL_M1=$(pl_jq '.activities[0].id')
pl_call insp POST /api/v1/plans "$PL_NEW"
expect_eq "create: a second plan for the year is 409 naming year" "409 true" "$(pl_names year)"
pl_call insp POST /api/v1/plans '{}'
expect_eq "create: an empty plan is 422 naming year and title" "422 true true" \
    "$HTTP_STATUS $(pl_jq '[.errors[].field] | index("year") != null') $(pl_jq '[.errors[].field] | index("title") != null')"
expect_match "create: messages are Vietnamese" 'bắt buộc' "$(pl_jq '[.errors[].message] | join(" ")')"
pl_call insp POST /api/v1/plans '{"year": 1999, "title": "Kế hoạch"}'
expect_eq "create: year 1999 is 422 naming year" "422 true" "$(pl_names year)"
pl_call insp POST /api/v1/plans "{\"year\": 2090, \"title\": \"$(printf 'x%.0s' $(seq 301))\"}"
expect_eq "create: a 301-character title is 422 naming title" "422 true" "$(pl_names title)"
pl_call insp POST /api/v1/plans '{"year": 2090, "title": "Kế hoạch", "activities": [{"content": "Nội dung"}]}'
expect_eq "create: an activity without a form is 422 naming activities[0].form" "422 true" \
    "$(pl_names 'activities[0].form')"
pl_call insp POST /api/v1/plans '{"year": 2090, "title": "Kế hoạch", "activities": [{"form": "A", "content": "B", "lead_unit_id": 987654321}]}'
expect_eq "create: an unknown lead unit is 422 naming activities[0].lead_unit_id" "422 true" \
    "$(pl_names 'activities[0].lead_unit_id')"
pl_call insp POST /api/v1/plans "{\"year\": 2090, \"title\": \"Kế hoạch\", \"activities\": [{\"form\": \"A\", \"content\": \"B\", \"lead_unit_id\": $PL_UO, \"partner_units\": [$PL_UO]}]}"
expect_eq "create: the lead as its own partner is 422 naming activities[0].partner_units" "422 true" \
    "$(pl_names 'activities[0].partner_units')"
pl_call insp POST /api/v1/plans '{"year": 2090, "title": "Kế hoạch", "activities": [{"form": "A", "content": "B", "partner_units": [987654321]}]}'
expect_eq "create: an unknown partner unit is 422 naming activities[0].partner_units" "422 true" \
    "$(pl_names 'activities[0].partner_units')"
pl_call insp POST /api/v1/plans '{"year": "2090", "title": "Kế hoạch"}'
expect_eq "create: a string for the year is 400 naming year" "400 true" "$(pl_names year)"
pl_call insp GET '/api/v1/plans?year=2090' -
expect_eq "create: nothing was created by the refused requests" "200 0" "$HTTP_STATUS $(pl_jq '.items | length')"

pl_call insp PATCH "/api/v1/plans/$PL_MINE" \
    "{\"title\": \"Kế hoạch thử nghiệm (sửa)\", \"activities\": [{\"id\": $PL_M1, \"schedule\": \"Quý II\"}, {\"form\": \"Tập huấn\", \"content\": \"Lớp tập huấn CCHC\", \"lead_unit_id\": $PL_UP}]}"
expect_eq "patch: the title, an activity changed, one added (position 3)" \
    "200 Kế hoạch thử nghiệm (sửa) Quý II Tin, bài về CCHC 3 3 $PL_UP" \
    "$HTTP_STATUS $(pl_jq .title) $(pl_jq '.activities[0].schedule') $(pl_jq '.activities[0].content') $(pl_jq '.activities | length') $(pl_jq '.activities[2].position') $(pl_jq '.activities[2].lead_unit_id')"
pl_call insp PATCH "/api/v1/plans/$PL_MINE" "{\"activities\": [{\"id\": $PL_M1, \"partner_units\": []}]}"
expect_eq "patch: [] clears an activity's partners" "200 0" "$HTTP_STATUS $(pl_jq '.activities[0].partner_units | length')"
pl_call lead PATCH "/api/v1/plans/$PL_MINE" '{"title": "Không được"}'
expect_eq "patch: a non-inspector is 403" 403 "$HTTP_STATUS"
pl_call insp PATCH "/api/v1/plans/$PL_MINE" "{\"activities\": [{\"id\": $PL_A1, \"schedule\": \"Quý I\"}]}"
expect_eq "patch: another plan's activity is 422 naming activities[0].id" "422 true" "$(pl_names 'activities[0].id')"
pl_call insp PATCH "/api/v1/plans/$PL_MINE" '{"title": "  "}'
expect_eq "patch: a blank title is 422 naming title" "422 true" "$(pl_names title)"
pl_call insp PATCH "/api/v1/plans/$PL_MINE" '{"year": 2030}'
expect_eq "patch: the year does not change (400 naming year)" "400 true" "$(pl_names year)"
pl_call insp PATCH /api/v1/plans/987654321 '{"title": "Không có"}'
expect_eq "patch: an unknown plan is 404" 404 "$HTTP_STATUS"
pl_call insp PATCH "/api/v1/plans/$PL_SEED" "{\"activities\": [{\"id\": $PL_A2, \"partner_units\": [$PL_UP]}]}"
expect_eq "patch: the seeded activity 2 gets unit P as a partner" "200 $PL_UP" \
    "$HTTP_STATUS $(pl_jq --argjson a "$PL_A2" '.activities[] | select(.id == $a) | .partner_units | map(tostring) | join(",")')"

# ------------------------------------------------------------ reports
echo "  -- reports on activities"
pl_report anon "$PL_SEED" "$PL_A1" '{"done_on": "2022-03-15", "description": "Niêm yết"}'
expect_eq "report: anonymous is 401" 401 "$HTTP_STATUS"
pl_upload lead "$PL_FDIR/d.pdf" application/pdf
PL_FD=$PL_FILE
pl_upload lead "$PL_FDIR/a.png" image/png
PL_FA=$PL_FILE
pl_report lead "$PL_SEED" "$PL_A1" \
    "{\"done_on\": \"2022-03-15\", \"description\": \"Niêm yết số điện thoại đường dây nóng tại trụ sở\", \"evidence_links\": [\"https://skhdt.bacninh.gov.vn/tin-tuc/niem-yet\"], \"attachment_ids\": [$PL_FD, $PL_FA]}"
PL_R1=$(pl_jq '.id // 0')
expect_eq "report: the lead unit's user reports (201, Location, its unit, its two files)" \
    "201 /api/v1/plans/$PL_SEED/activities/$PL_A1/reports/$PL_R1 $PL_TTRA 2022-03-15 https://skhdt.bacninh.gov.vn/tin-tuc/niem-yet $PL_FD,$PL_FA" \
    "$HTTP_STATUS $(header Location) $(pl_jq .unit_id) $(pl_jq .done_on) $(pl_jq '.evidence_links | join(",")') $(pl_jq '.attachment_ids | map(tostring) | join(",")')"
pl_report lead "$PL_SEED" "$PL_A1" '{"done_on": "2022-03-20", "description": "Cập nhật bộ thủ tục hành chính"}'
expect_eq "report: a second report of the lead unit" 201 "$HTTP_STATUS"
pl_report partner "$PL_SEED" "$PL_A2" '{"done_on": "2022-05-02", "description": "Lồng ghép tại giao ban"}'
expect_eq "report: a partner unit's user reports" "201 $PL_UP" "$HTTP_STATUS $(pl_jq .unit_id)"
pl_report lead "$PL_SEED" "$PL_A2" '{"done_on": "2022-06-01", "description": "Tập huấn CCHC"}'
expect_eq "report: the lead unit reports on activity 2 too" 201 "$HTTP_STATUS"
pl_report other "$PL_SEED" "$PL_A2" '{"done_on": "2022-06-01", "description": "Không được"}'
expect_eq "report: another unit's user is 403 (Vietnamese)" "403 true" \
    "$HTTP_STATUS $(pl_jq '.detail | test("đơn vị chủ trì")')"
pl_report dkkd "$PL_SEED" "$PL_A1" '{"done_on": "2022-06-01", "description": "Không được"}'
expect_eq "report: DKKD is not activity 1's lead (403)" 403 "$HTTP_STATUS"
pl_report dkkd "$PL_SEED" "$PL_A5" '{"done_on": "2022-07-07", "description": "Phóng sự 4 tại chỗ trên Đài Phát thanh và Truyền hình tỉnh"}'
expect_eq "report: DKKD reports on activity 5, which it leads" "201 $PL_DKKD" "$HTTP_STATUS $(pl_jq .unit_id)"
pl_report insp "$PL_SEED" "$PL_A5" "{\"done_on\": \"2022-08-08\", \"description\": \"Ghi nhận thay Phòng ĐKKD\", \"unit_id\": $PL_DKKD}"
expect_eq "report: the inspector records one for the lead unit" "201 $PL_DKKD" "$HTTP_STATUS $(pl_jq .unit_id)"
pl_report insp "$PL_SEED" "$PL_A5" "{\"done_on\": \"2022-08-08\", \"description\": \"Không được\", \"unit_id\": $PL_UO}"
expect_eq "report: the inspector for a unit not in the activity is 422 naming unit_id" "422 true" "$(pl_names unit_id)"
pl_report insp "$PL_SEED" "$PL_A5" '{"done_on": "2022-08-08", "description": "Không được"}'
expect_eq "report: the inspector without a unit of the activity is 403" 403 "$HTTP_STATUS"
pl_report lead "$PL_SEED" "$PL_A5" "{\"done_on\": \"2022-08-08\", \"description\": \"Không được\", \"unit_id\": $PL_DKKD}"
expect_eq "report: staff may not report for another unit (403)" 403 "$HTTP_STATUS"

expect_eq "summary: activity 1 has 2 reports of TTRA, last 2022-03-20, in March" \
    "2 $PL_TTRA 2022-03-20 2022-03" "$(pl_summary "$PL_A1")"
pl_u2=$(printf '%s\n%s\n' "$PL_TTRA" "$PL_UP" | sort -n | paste -sd,)
expect_eq "summary: activity 2 has 2 reports of two units, in May and June" \
    "2 $pl_u2 2022-06-01 2022-05,2022-06" "$(pl_summary "$PL_A2")"
expect_eq "summary: activity 3 has none" "0   " "$(pl_summary "$PL_A3")"
expect_eq "summary: activity 5 has 2 reports of DKKD" "2 $PL_DKKD 2022-08-08 2022-07,2022-08" "$(pl_summary "$PL_A5")"

echo "  -- report fields"
pl_report lead "$PL_SEED" "$PL_A1" '{"done_on": "2022-02-30", "description": "X"}'
expect_eq "report: 2022-02-30 is 422 naming done_on" "422 true" "$(pl_names done_on)"
pl_report lead "$PL_SEED" "$PL_A1" '{"done_on": "2021-12-31", "description": "X"}'
expect_eq "report: a day outside the plan's year is 422 naming done_on" "422 true" "$(pl_names done_on)"
pl_report lead "$PL_SEED" "$PL_A1" '{"done_on": "15/03/2022", "description": "X"}'
expect_eq "report: a date not YYYY-MM-DD is 422 naming done_on" "422 true" "$(pl_names done_on)"
pl_report lead "$PL_SEED" "$PL_A1" '{"done_on": "2022-03-01"}'
expect_eq "report: a missing description is 422 naming description" "422 true" "$(pl_names description)"
pl_report lead "$PL_SEED" "$PL_A1" '{"description": "X"}'
expect_eq "report: a missing done_on is 422 naming done_on" "422 true" "$(pl_names done_on)"
pl_report lead "$PL_SEED" "$PL_A1" '{"done_on": "2022-03-01", "description": "X", "evidence_links": ["https://ok.example/a", "ftp://x.example/f"]}'
expect_eq "report: an ftp link is 422 naming evidence_links[1]" "422 true" "$(pl_names 'evidence_links[1]')"
pl_report lead "$PL_SEED" "$PL_A1" '{"done_on": "2022-03-01", "description": "X", "evidence_links": ["https://a b.example/"]}'
expect_eq "report: a link with a space is 422 naming evidence_links[0]" "422 true" "$(pl_names 'evidence_links[0]')"
pl_report lead "$PL_SEED" "$PL_A1" "{\"done_on\": \"2022-03-01\", \"description\": \"X\", \"evidence_links\": $(jq -nc '[range(21) | "https://e.example/\(.)"]')}"
expect_eq "report: 21 links is 422 naming evidence_links" "422 true" "$(pl_names evidence_links)"
pl_report lead "$PL_SEED" "$PL_A1" '{"done_on": "2022-03-01", "description": "X", "attachment_ids": [0]}'
expect_eq "report: attachment id 0 is 422 naming attachment_ids[0]" "422 true" "$(pl_names 'attachment_ids[0]')"
pl_report lead "$PL_SEED" "$PL_A1" '{"done_on": "2022-03-01", "description": "X", "colour": "red"}'
expect_eq "report: an unknown field is 400 naming it" "400 true" "$(pl_names colour)"
pl_report other "$PL_MINE" "$PL_M1" "{\"done_on\": \"$PL_TOMORROW\", \"description\": \"Ngày mai\"}"
expect_eq "report: a day in the future is 422 naming done_on" "422 true" "$(pl_names done_on)"
pl_report other "$PL_MINE" "$PL_M1" "{\"done_on\": \"$PL_TODAY\", \"description\": \"Hôm nay\"}"
expect_eq "report: today is fine (the lead of this year's plan)" 201 "$HTTP_STATUS"
PL_RM=$(pl_jq '.id // 0')
expect_eq "summary counts reports are unchanged by the refused ones" "2 $PL_TTRA 2022-03-20 2022-03" "$(pl_summary "$PL_A1")"

echo "  -- Idempotency-Key"
PL_KEY="pl-$PL_RUN-report"
pl_report lead "$PL_SEED" "$PL_A3" '{"done_on": "2022-09-09", "description": "Đăng tin trên Cổng"}' -H "Idempotency-Key: $PL_KEY"
pl_first="$HTTP_STATUS $(pl_jq .id)"
pl_report lead "$PL_SEED" "$PL_A3" '{"done_on": "2022-09-09", "description": "Đăng tin trên Cổng"}' -H "Idempotency-Key: $PL_KEY"
expect_eq "idempotency: a retry with the same key returns the same report" "$pl_first" "$HTTP_STATUS $(pl_jq .id)"
expect_eq "idempotency: and records it once" "1 $PL_TTRA 2022-09-09 2022-09" "$(pl_summary "$PL_A3")"

echo "  -- reading reports"
pl_call partner GET "/api/v1/plans/$PL_SEED/activities/$PL_A2/reports" -
expect_eq "reports: the list, latest done_on first" "200 2022-06-01,2022-05-02" \
    "$HTTP_STATUS $(pl_jq '[.items[].done_on] | join(",")')"
pl_call other GET "/api/v1/plans/$PL_SEED/activities/$PL_A1/reports/$PL_R1" -
expect_eq "reports: one report, read by any staff member" "200 $PL_R1 $PL_A1 $PL_SEED" \
    "$HTTP_STATUS $(pl_jq .id) $(pl_jq .activity_id) $(pl_jq .plan_id)"
pl_call anon GET "/api/v1/plans/$PL_SEED/activities/$PL_A1/reports" -
expect_eq "reports: anonymous is 401" 401 "$HTTP_STATUS"

echo "  -- corrections and withdrawal (issue 20)"
# PL_RM: "other"'s report on this year's plan (other's unit leads PL_M1).
pl_rm="/api/v1/plans/$PL_MINE/activities/$PL_M1/reports/$PL_RM"
pl_summary_mine() {
    pl_call insp GET "/api/v1/plans/$PL_MINE" -
    pl_jq --argjson a "$PL_M1" '.activities[] | select(.id == $a) | .summary.reports'
}
pl_call other GET "$pl_rm" -
expect_eq "correct: a new report is version 1, its author may change it until 31 January next year" \
    "200 1 true $((PL_YEAR + 1))-01-31 0 " \
    "$HTTP_STATUS $(pl_jq .version) $(pl_jq .may_change) $(pl_jq .changeable_until) $(pl_jq '.versions | length') $(pl_jq .updated_at)"
pl_call lead GET "$pl_rm" -
expect_eq "correct: another unit's member reads it but may not change it" "200 false" "$HTTP_STATUS $(pl_jq .may_change)"
pl_call lead PATCH "$pl_rm" '{"description": "Không được", "reason": "Thử"}'
expect_eq "correct: someone else than its author (not an inspector) is 403" 403 "$HTTP_STATUS"
pl_call other PATCH "$pl_rm" '{"description": "Hôm nay, bổ sung"}'
expect_eq "correct: without a reason is 422 naming reason" "422 true" "$(pl_names reason)"
pl_call other PATCH "$pl_rm" '{"reason": "Không đổi gì"}'
expect_eq "correct: nothing to correct is 400 (no field to name)" 400 "$HTTP_STATUS"
pl_call other PATCH "$pl_rm" "{\"done_on\": \"$PL_TOMORROW\", \"reason\": \"Sai ngày\"}"
expect_eq "correct: a day in the future is 422 naming done_on (checked as a new report)" "422 true" "$(pl_names done_on)"
pl_call other PATCH "$pl_rm" '{"evidence_links": ["ftp://x.example/f"], "reason": "Thêm"}'
expect_eq "correct: a bad link is 422 naming evidence_links[0]" "422 true" "$(pl_names 'evidence_links[0]')"
pl_call other PATCH "$pl_rm" '{"description": "Hôm nay, bổ sung minh chứng", "evidence_links": ["https://skhdt.bacninh.gov.vn/tin/1"], "reason": "Bổ sung đường dẫn minh chứng"}'
expect_eq "correct: its author corrects it: version 2, by them, the earlier text kept with the reason" \
    "200 2 Hôm nay, bổ sung minh chứng https://skhdt.bacninh.gov.vn/tin/1 true 1 1 Hôm nay Bổ sung đường dẫn minh chứng true" \
    "$HTTP_STATUS $(pl_jq .version) $(pl_jq .description) $(pl_jq '.evidence_links | join(",")') $(pl_jq '.updated_by == .created_by') $(pl_jq '.versions | length') $(pl_jq '.versions[0].version') $(pl_jq '.versions[0].description') $(pl_jq '.versions[0].reason') $(pl_jq '.updated_at != ""')"
pl_call other PATCH "$pl_rm" '{"evidence_links": [], "reason": "Đường dẫn chưa đúng"}'
expect_eq "correct: [] clears the links; version 3, two earlier texts, newest first" "200 3 0 2,1 https://skhdt.bacninh.gov.vn/tin/1" \
    "$HTTP_STATUS $(pl_jq .version) $(pl_jq '.evidence_links | length') $(pl_jq '[.versions[].version] | map(tostring) | join(",")') $(pl_jq '.versions[0].evidence_links | join(",")')"
pl_call insp PATCH "$pl_rm" '{"description": "Đã niêm yết tại trụ sở (Thanh tra Sở ghi nhận)", "reason": "Thanh tra Sở chuẩn hóa nội dung"}'
expect_eq "correct: an inspector corrects it too (version 4, by the inspector)" "200 4 false" \
    "$HTTP_STATUS $(pl_jq .version) $(pl_jq '.updated_by == .created_by')"
expect_eq "correct: the database keeps the three earlier texts" 3 \
    "$(pl_psql "SELECT count(*) FROM quota.activity_report_versions WHERE report_id = $PL_RM")"
expect_eq "correct: the activity still counts one report" 1 "$(pl_summary_mine)"
pl_call other POST "$pl_rm/withdraw" '{}'
expect_eq "withdraw: without a reason is 422 naming reason" "422 true" "$(pl_names reason)"
pl_call lead POST "$pl_rm/withdraw" '{"reason": "Thử"}'
expect_eq "withdraw: someone else is 403" 403 "$HTTP_STATUS"
pl_call other POST "$pl_rm/withdraw" '{"reason": "Báo cáo trùng với báo cáo của phòng"}'
expect_eq "withdraw: its author withdraws it: kept, marked, no longer changeable" \
    "200 true Báo cáo trùng với báo cáo của phòng false 4 3" \
    "$HTTP_STATUS $(pl_jq '.withdrawn_at != ""') $(pl_jq .withdraw_reason) $(pl_jq .may_change) $(pl_jq .version) $(pl_jq '.versions | length')"
expect_eq "withdraw: the activity no longer counts it" 0 "$(pl_summary_mine)"
pl_call insp GET "/api/v1/plans/$PL_MINE/activities/$PL_M1/reports" -
expect_eq "withdraw: the list leaves it out" "200 0" "$HTTP_STATUS $(pl_jq "[.items[] | select(.id == $PL_RM)] | length")"
pl_call other PATCH "$pl_rm" '{"description": "Sửa lại", "reason": "Thử"}'
expect_eq "withdraw: a withdrawn report cannot be corrected (409)" 409 "$HTTP_STATUS"
pl_call insp POST "$pl_rm/withdraw" '{"reason": "Lần nữa"}'
expect_eq "withdraw: nor withdrawn twice (409)" 409 "$HTTP_STATUS"
pl_call lead PATCH "/api/v1/plans/$PL_SEED/activities/$PL_A1/reports/$PL_R1" '{"description": "Sửa muộn", "reason": "Muộn"}'
expect_eq "correct: a report of 2022's plan is closed since 2023-01-31 (409, Vietnamese)" "409 true" \
    "$HTTP_STATUS $(pl_jq '.detail | test("hết thời hạn") and test("31/01/2023")')"
pl_call lead GET "/api/v1/plans/$PL_SEED/activities/$PL_A1/reports/$PL_R1" -
expect_eq "correct: ... and its author reads may_change false" "200 false 1" "$HTTP_STATUS $(pl_jq .may_change) $(pl_jq .version)"
pl_call other PATCH "/api/v1/plans/$PL_MINE/activities/$PL_M1/reports/987654321" '{"description": "X", "reason": "Y"}'
expect_eq "correct: an unknown report is 404" 404 "$HTTP_STATUS"

echo "  -- files attached to reports (issue 20)"
# Staff upload JPEG, PNG or PDF (typed from the bytes, at most 10 MB); a
# report claims its files in media-svc (each a file of staff, uploaded by
# the caller, no other report's), all or none; staff read them, nobody else.
pl_report_count() { pl_psql "SELECT count(*) FROM quota.activity_reports WHERE activity_id = $PL_M1"; }
pl_is() { [ "$1" = "$2" ] && echo true || echo false; }
pl_upload anon "$PL_FDIR/c.pdf" application/pdf
expect_eq "files: an anonymous upload is 401" 401 "$HTTP_STATUS"
pl_upload other "$PL_FDIR/t.txt" text/plain
expect_eq "files: text is 415 naming body" "415 true" "$(pl_names body)"
pl_upload other "$PL_FDIR/big.png" image/png
expect_eq "files: over 10 MB is 413" 413 "$HTTP_STATUS"
pl_upload other "$PL_FDIR/c.pdf" application/pdf
expect_eq "files: staff upload a PDF -> 201 {id, mime, size}" \
    "201 [\"id\",\"mime\",\"size\"] application/pdf $(stat -c %s "$PL_FDIR/c.pdf")" \
    "$HTTP_STATUS $(pl_jq -c keys) $(pl_jq .mime) $(pl_jq .size)"
PL_F1=$PL_FILE
pl_upload other "$PL_FDIR/a.png" image/png
PL_F2=$PL_FILE
pl_upload lead "$PL_FDIR/e.pdf" application/pdf
PL_FL=$PL_FILE
http POST /api/v1/feedback/attachments -H "Content-Type: image/png" -H "X-Forwarded-For: 10.95.0.7" \
    --data-binary "@$PL_FDIR/a.png"
PL_FC=$(pl_jq '.id // 0')
expect_eq "files: setup, three files of staff and a citizen's attachment" "true true true 201" \
    "$([ "$PL_F1" -gt 0 ] && echo true) $([ "$PL_F2" -gt 0 ] && echo true) $([ "$PL_FL" -gt 0 ] && echo true) $HTTP_STATUS"
expect_eq "files: media-svc keeps them as report files of their uploaders, not yet used" "report:0 report:0" \
    "$(pl_psql "SELECT string_agg(kind || ':' || coalesce(report_id, 0), ' ' ORDER BY id) FROM media.private_attachments WHERE id IN ($PL_F1, $PL_F2)")"

pl_before=$(pl_report_count)
pl_files_report() {
    pl_report "$1" "$PL_MINE" "$PL_M1" "{\"done_on\": \"$PL_TODAY\", \"description\": \"Biên bản và ảnh hội nghị\", \"attachment_ids\": $2}"
}
pl_files_report other "[$PL_F1, $PL_FC]"
expect_eq "files: a citizen's attachment is 422 naming attachment_ids[1]; no report is written" \
    "422 true $pl_before" "$(pl_names 'attachment_ids[1]') $(pl_report_count)"
pl_files_report other "[$PL_F1, $PL_FL]"
expect_eq "files: a file someone else uploaded is 422 naming attachment_ids[1] (Vietnamese)" "422 true true" \
    "$(pl_names 'attachment_ids[1]') $(pl_jq '[.errors[].message] | any(test("người khác"))')"
pl_files_report other "[$PL_F1, 987654321]"
expect_eq "files: an unknown file is 422 naming attachment_ids[1]" "422 true" "$(pl_names 'attachment_ids[1]')"
pl_files_report other "[$PL_F1, $PL_F1]"
expect_eq "files: the same file twice is 422 naming attachment_ids[1]" "422 true" "$(pl_names 'attachment_ids[1]')"
expect_eq "files: refused reports claimed nothing (all or none)" "0 $pl_before" \
    "$(pl_psql "SELECT count(*) FROM media.private_attachments WHERE id IN ($PL_F1, $PL_F2, $PL_FL, $PL_FC) AND (report_id IS NOT NULL OR feedback_id IS NOT NULL)") $(pl_report_count)"
pl_files_report other "[$PL_F1, $PL_F2]"
PL_RF=$(pl_jq '.id // 0')
expect_eq "files: a report names its author's two files (201)" "201 $PL_F1,$PL_F2" \
    "$HTTP_STATUS $(pl_jq '.attachment_ids | map(tostring) | join(",")')"
expect_eq "files: media-svc gave both to that report; quota-svc keeps their type and size" \
    "$PL_RF,$PL_RF application/pdf:$(stat -c %s "$PL_FDIR/c.pdf") image/png:$(stat -c %s "$PL_FDIR/a.png")" \
    "$(pl_psql "SELECT string_agg(report_id::text, ',' ORDER BY id) FROM media.private_attachments WHERE id IN ($PL_F1, $PL_F2)") $(pl_psql "SELECT string_agg(mime || ':' || size, ' ' ORDER BY id) FROM quota.report_attachments WHERE report_id = $PL_RF")"

pl_call lead GET "/api/v1/plans/attachments/$PL_F1" -
expect_eq "files: any member of staff reads a report's file: its bytes, type, name, never cached" \
    "200 true application/pdf true true" \
    "$HTTP_STATUS $(pl_is "$(pl_sha "$T_TMP/body")" "$(pl_sha "$PL_FDIR/c.pdf")") $(header Content-Type) $(header Content-Disposition | grep -q "bao-cao-$PL_RF-tep-$PL_F1.pdf" && echo true) $(header Cache-Control | grep -q 'no-store' && echo true)"
http GET "/api/v1/plans/attachments/$PL_F1"
expect_eq "files: anonymous is 401, no bytes" "401 false" \
    "$HTTP_STATUS $(pl_is "$(pl_sha "$T_TMP/body")" "$(pl_sha "$PL_FDIR/c.pdf")")"
pl_call lead GET "/api/v1/plans/attachments/$PL_FL" -
expect_eq "files: a file no report uses is 404" 404 "$HTTP_STATUS"
pl_call lead GET "/api/v1/plans/attachments/$PL_FC" -
expect_eq "files: a citizen's attachment is never read here (404)" 404 "$HTTP_STATUS"
pl_call lead GET "/api/v1/plans/attachments/abc" -
expect_eq "files: a malformed id is 404" 404 "$HTTP_STATUS"
pl_call insp GET "/api/v1/feedback/attachments/$PL_F1" -
expect_eq "files: nor is a report's file read as a citizen's (404)" 404 "$HTTP_STATUS"
pl_call lead GET "/api/v1/assets/$PL_F1" -
expect_eq "files: never an asset" false "$(pl_is "$(pl_sha "$T_TMP/body")" "$(pl_sha "$PL_FDIR/c.pdf")")"

pl_report lead "$PL_SEED" "$PL_A1" "{\"done_on\": \"2022-04-01\", \"description\": \"Lấy tệp của báo cáo khác\", \"attachment_ids\": [$PL_FL, $PL_F1]}"
expect_eq "files: another report's file is 422 naming attachment_ids[1]; the other file stays unused" \
    "422 true true 0" \
    "$(pl_names 'attachment_ids[1]') $(pl_jq '[.errors[].message] | any(test("báo cáo khác"))') $(pl_psql "SELECT count(*) FROM media.private_attachments WHERE id = $PL_FL AND report_id IS NOT NULL")"
http POST /api/v1/feedback -H "X-Forwarded-For: 10.95.0.8" -H 'Content-Type: application/json' --data-binary \
    "{\"kind\": \"report\", \"title\": \"Phản ánh kèm tệp của cán bộ\", \"content\": \"Nội dung phản ánh\", \"attachment_ids\": [$PL_F2],
      \"submitter\": {\"name\": \"Lê Văn Tâm\", \"address\": \"2 Lý Thái Tổ, TP Bắc Ninh\", \"phone\": \"0912 345 678\", \"email\": \"le.van.tam@example.vn\"}}"
expect_eq "files: a citizen's submission cannot take a report's file (422 naming attachment_ids)" "422 true" \
    "$(pl_names attachment_ids)"

pl_upload other "$PL_FDIR/b.jpg" image/jpeg
PL_F3=$PL_FILE
pl_rf="/api/v1/plans/$PL_MINE/activities/$PL_M1/reports/$PL_RF"
pl_call other PATCH "$pl_rf" "{\"attachment_ids\": [$PL_F1, $PL_F3], \"reason\": \"Thay ảnh bằng ảnh chụp biên bản\"}"
expect_eq "files: a correction keeps one file, drops one, adds one; the earlier list is kept" \
    "200 2 $PL_F1,$PL_F3 $PL_F1,$PL_F2" \
    "$HTTP_STATUS $(pl_jq .version) $(pl_jq '.attachment_ids | map(tostring) | join(",")') $(pl_jq '.versions[0].attachment_ids | map(tostring) | join(",")')"
pl_call lead GET "/api/v1/plans/attachments/$PL_F3" -
expect_eq "files: the added file is read" "200 true" "$HTTP_STATUS $(pl_is "$(pl_sha "$T_TMP/body")" "$(pl_sha "$PL_FDIR/b.jpg")")"
pl_call lead GET "/api/v1/plans/attachments/$PL_F2" -
expect_eq "files: the dropped one stays readable (an earlier version names it)" "200 true" \
    "$HTTP_STATUS $(pl_is "$(pl_sha "$T_TMP/body")" "$(pl_sha "$PL_FDIR/a.png")")"
pl_call insp PATCH "$pl_rf" "{\"attachment_ids\": [$PL_F1, $PL_F3, $PL_FL], \"reason\": \"Bổ sung\"}"
expect_eq "files: an inspector may not add a file someone else uploaded (422 naming attachment_ids[2])" "422 true" \
    "$(pl_names 'attachment_ids[2]')"
pl_upload insp "$PL_FDIR/c.pdf" application/pdf
PL_F4=$PL_FILE
pl_call insp PATCH "$pl_rf" "{\"attachment_ids\": [$PL_F1, $PL_F3, $PL_F4], \"reason\": \"Thanh tra Sở bổ sung văn bản\"}"
expect_eq "files: an inspector adds a file of their own (version 3)" "200 3 $PL_F1,$PL_F3,$PL_F4 3" \
    "$HTTP_STATUS $(pl_jq .version) $(pl_jq '.attachment_ids | map(tostring) | join(",")') $(pl_psql "SELECT count(*) FROM quota.report_attachments WHERE report_id = $PL_RF AND id IN ($PL_F1, $PL_F3, $PL_F4)")"

pl_upload other "$PL_FDIR/e.pdf" application/pdf
PL_F5=$PL_FILE
pl_before=$(pl_report_count)
stack_stop media-svc
pl_files_report other "[$PL_F5]"
expect_eq "files: media-svc down, a report with files is 503 and nothing is written" "503 $pl_before" \
    "$HTTP_STATUS $(pl_report_count)"
pl_report other "$PL_MINE" "$PL_M1" "{\"done_on\": \"$PL_TODAY\", \"description\": \"Báo cáo không kèm tệp khi kho tệp ngừng\"}"
expect_eq "files: ... a report without files is unaffected (201)" 201 "$HTTP_STATUS"
stack_start media-svc
pl_media_up() { http GET "/readyz?all=1" && [ "$HTTP_STATUS" = 200 ]; }
wait_until 30 pl_media_up
pl_files_report other "[$PL_F5]"
expect_eq "files: media-svc back, the same report is written with its file" "201 $PL_F5" \
    "$HTTP_STATUS $(pl_jq '.attachment_ids | map(tostring) | join(",")')"

echo "  -- 404"
pl_call lead GET /api/v1/plans/987654321 -
expect_eq "an unknown plan is 404" 404 "$HTTP_STATUS"
pl_report lead 987654321 "$PL_A1" '{"done_on": "2022-03-01", "description": "X"}'
expect_eq "report on an unknown plan is 404" 404 "$HTTP_STATUS"
pl_report lead "$PL_SEED" 987654321 '{"done_on": "2022-03-01", "description": "X"}'
expect_eq "report on an unknown activity is 404" 404 "$HTTP_STATUS"
pl_report other "$PL_SEED" "$PL_M1" '{"done_on": "2022-03-01", "description": "X"}'
expect_eq "report on another plan's activity is 404" 404 "$HTTP_STATUS"
pl_call lead GET "/api/v1/plans/$PL_MINE/activities/$PL_A1/reports" -
expect_eq "reports of another plan's activity are 404" 404 "$HTTP_STATUS"
pl_call lead GET "/api/v1/plans/$PL_SEED/activities/$PL_A2/reports/$PL_R1" -
expect_eq "a report under another activity is 404" 404 "$HTTP_STATUS"

# ------------------------------------------------------------ OpenAPI
http GET /api/v1/openapi.json
expect_eq "openapi: the plan routes with their roles" "true true true true" \
    "$(pl_jq '[(.paths["/api/v1/plans"].get["x-roles"] == ["staff"]), (.paths["/api/v1/plans"].post["x-roles"] == ["inspector"]), (.paths["/api/v1/plans/{id}"].patch["x-roles"] == ["inspector"]), (.paths["/api/v1/plans/{id}/activities/{aid}/reports"].post.responses | has("201"))] | map(tostring) | join(" ")')"
