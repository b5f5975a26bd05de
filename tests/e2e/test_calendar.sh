# The working-day calendar and the deadline rules (feedback-svc) through the
# gateway: docs/api/feedback.md's 2022 examples, Tết, 30/4-1/5 and 2/9 of every seeded
# year, working Saturdays, each seeded year's days and names, an admin's
# replacement of a year (and its undoing), who may write, validation naming
# each field, the deadline rules and their history, and the deadlines an
# item gets (cut-off, rules by date of receipt) over RPC.
# Sourced by tests/run.sh (one shell): every name here starts with cl_ / CL_.
# shellcheck shell=bash
# shellcheck disable=SC2016 # jq programs use $variables in single quotes

CL_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
CL_ADMIN=$(admin_token)
[ -n "$CL_ADMIN" ] || fail "calendar: the admin logs in" "no token: the writes below will fail"

cl_jq() { printf '%s' "$HTTP_BODY" | jq "$@"; }
# cl_send METHOD PATH JSON [TOKEN]: a JSON request, as the admin by default
# ("-" for no credentials).
cl_send() {
    local tok=${4-$CL_ADMIN} auth=()
    [ "$tok" = - ] || auth=(-H "Authorization: Bearer $tok")
    printf '%s' "$3" >"$T_TMP/cl_req.json"
    http "$1" "$2" -H 'Content-Type: application/json' --data-binary "@$T_TMP/cl_req.json" "${auth[@]}"
}
# "STATUS field,field" of a problem: its status and the fields its errors name.
cl_named() { printf '%s %s' "$HTTP_STATUS" "$(cl_jq -r '[.errors[]?.field] | join(",")')"; }
# cl_add FROM N: the date N working days after FROM (anonymous, as the portal asks).
cl_add() {
    http GET "/api/v1/calendar/add?from=$1&working_days=$2"
    if [ "$HTTP_STATUS" = 200 ]; then cl_jq -r '.date'; else echo "status $HTTP_STATUS"; fi
}
# cl_expect_add FROM N DATE WHY
cl_expect_add() { expect_eq "calendar: $1 + $2 working day(s) = $3 ($4)" "$3" "$(cl_add "$1" "$2")"; }
cl_rpc() {
    "$BUILD/loa-rpc" --in "loa.feedback.$1" --out "loa.feedback.$2" "$LOA_FEEDBACK_RPC" "$3" "$4"
}
# cl_due LOCAL_TIME: the deadlines of an item received then ("2022-01-28T14:59:59").
cl_due() {
    cl_rpc DeadlinesForRequest DeadlinesFor deadlines.for \
        "{\"received_unix\": $(date -d "$1+07:00" +%s)}" |
        jq -r '"\(.registered_on) \(.forward_due_on) \(.answer_due_on) \(.forward_working_days) \(.answer_working_days) \(.cutoff_time)"'
}

# ------------------------------------------------------------ docs/api/feedback.md's examples

http GET '/api/v1/calendar/add?from=2022-01-28&working_days=1'
expect_eq "calendar: add answers 200 {from, working_days, date}" '200 {"from":"2022-01-28","working_days":1,"date":"2022-02-07"}' \
    "$HTTP_STATUS $(cl_jq -c .)"
expect_match "calendar: add is a public read with a strong ETag" '^"[0-9a-f]{16}"$' "$(header ETag)"
cl_etag=$(header ETag)
http GET '/api/v1/calendar/add?from=2022-01-28&working_days=1' -H "If-None-Match: $cl_etag"
expect_eq "calendar: add answers 304 to its ETag" 304 "$HTTP_STATUS"
cl_expect_add 2022-01-28 1 2022-02-07 "docs/api/feedback.md: Fri 28/1, Tết"
cl_expect_add 2022-04-08 1 2022-04-12 "docs/api/feedback.md: Fri 8/4, Giỗ Tổ on Sun 10/4, nghỉ bù Mon 11/4"
cl_expect_add 2022-04-29 1 2022-05-04 "docs/api/feedback.md: Fri 29/4, 30/4 and 1/5 on a weekend, nghỉ bù 2/5 and 3/5"
cl_expect_add 2022-01-28 0 2022-01-28 "0 gives the day itself"
cl_expect_add 2022-02-01 0 2022-02-01 "0 gives the day itself, even on Tết"
cl_expect_add 2022-01-28 15 2022-02-25 "the 15 days to answer"
cl_expect_add 2021-12-31 1 2022-01-04 "1/1/2022 a Saturday, nghỉ bù Mon 3/1"
cl_expect_add 2030-01-04 1 2030-01-07 "a year without entries: weekends only"

# ------------------------------------------------------------ every seeded year

# Tết: the last working day before the break + 1 = the first working day after.
cl_expect_add 2022-01-28 1 2022-02-07 "Tết 2022 (31/1-4/2)"
cl_expect_add 2023-01-19 1 2023-01-27 "Tết 2023 (20/1-26/1)"
cl_expect_add 2024-02-07 1 2024-02-15 "Tết 2024 (8/2-14/2)"
cl_expect_add 2025-01-24 1 2025-02-03 "Tết 2025 (27/1-31/1)"
cl_expect_add 2026-02-13 1 2026-02-23 "Tết 2026 (16/2-20/2)"
cl_expect_add 2027-02-03 1 2027-02-11 "Tết 2027 (estimate 4/2-10/2)"
# 30/4 and 1/5.
cl_expect_add 2023-04-28 1 2023-05-04 "2023: 29/4-3/5 off, nghỉ bù 2/5 and 3/5"
cl_expect_add 2024-04-26 1 2024-05-02 "2024: 29/4 swapped, 30/4, 1/5"
cl_expect_add 2024-04-26 3 2024-05-04 "2024: the working Saturday 4/5 counts"
cl_expect_add 2025-04-25 1 2025-04-26 "2025: the working Saturday 26/4 counts"
cl_expect_add 2025-04-25 4 2025-05-05 "2025: 30/4, 1/5 and the swapped 2/5 off"
cl_expect_add 2026-04-24 1 2026-04-28 "2026: Giỗ Tổ on Sun 26/4, nghỉ bù Mon 27/4"
cl_expect_add 2026-04-29 1 2026-05-04 "2026: 30/4 Thu, 1/5 Fri"
cl_expect_add 2027-04-29 1 2027-05-04 "2027: 30/4 Fri, 1/5 Sat, nghỉ bù Mon 3/5"
cl_expect_add 2027-04-15 1 2027-04-19 "2027: Giỗ Tổ on Fri 16/4"
# 2/9 and its neighbour.
cl_expect_add 2022-08-31 1 2022-09-05 "2022: 1/9-2/9"
cl_expect_add 2023-08-31 1 2023-09-05 "2023: 1/9, 2/9 Sat, nghỉ bù Mon 4/9"
cl_expect_add 2024-08-30 1 2024-09-04 "2024: 2/9-3/9"
cl_expect_add 2025-08-29 1 2025-09-03 "2025: 1/9-2/9"
cl_expect_add 2026-08-31 1 2026-09-03 "2026: 1/9 (estimate)-2/9"
cl_expect_add 2027-09-01 1 2027-09-06 "2027: 2/9-3/9 (estimate)"
# Working Saturdays count as working days.
cl_expect_add 2024-05-03 1 2024-05-04 "Fri 3/5/2024 + 1 is the working Saturday"
cl_expect_add 2025-04-25 2 2025-04-28 "after the working Saturday 26/4/2025"

for y in 2022 2023 2024 2025 2026 2027; do
    http GET "/api/v1/calendar/$y"
    expect_eq "calendar $y: 200, {year, days, updated_at}, at least 9 days" "200 year,days,updated_at $y true" \
        "$HTTP_STATUS $(cl_jq -r '"\(keys_unsorted | join(",")) \(.year) \(.days | length >= 9)"')"
    expect_eq "calendar $y: every day is in $y, by date, once, with a known type and a name" true \
        "$(cl_jq --arg y "$y" '(.days | map(.date) | . == (sort | unique)) and all(.days[]; (.date | startswith($y + "-")) and (.type | IN("holiday", "compensatory", "working_saturday")) and (.name | length > 0))')"
    expect_eq "calendar $y: 1/1, 30/4, 1/5, 2/9 are holidays" "Tết Dương lịch|Ngày Chiến thắng 30/4|Quốc tế Lao động 1/5|Quốc khánh 2/9" \
        "$(cl_jq -r --arg y "$y" '[.days[] | select(.date == ($y + "-01-01"), .date == ($y + "-04-30"), .date == ($y + "-05-01"), .date == ($y + "-09-02")) | select(.type == "holiday") | .name] | join("|")')"
    expect_eq "calendar $y: five weekdays of Tết" 5 \
        "$(cl_jq '[.days[] | select(.name | startswith("Tết Nguyên đán")) | .date | strptime("%Y-%m-%d") | mktime | strftime("%u") | tonumber | select(. <= 5)] | length')"
    expect_eq "calendar $y: compensatory days fall on weekdays, working Saturdays on Saturdays" true \
        "$(cl_jq 'all(.days[] | select(.type != "holiday"); (.date | strptime("%Y-%m-%d") | mktime | strftime("%u") | tonumber) as $d | if .type == "working_saturday" then $d == 6 else $d <= 5 end)')"
done
http GET /api/v1/calendar/2024
expect_eq "calendar 2024: the swap of 29/4 for Saturday 4/5" "2024-04-29 compensatory|2024-05-04 working_saturday" \
    "$(cl_jq -r '[.days[] | select(.type != "holiday") | "\(.date) \(.type)"] | join("|")')"
expect_eq "calendar 2024: the names come back byte-exact" "Làm bù cho ngày 29/4/2024|Giỗ Tổ Hùng Vương (10/3 âm lịch)|Tết Nguyên đán" \
    "$(cl_jq -r '[(.days[] | select(.date == "2024-05-04") | .name), (.days[] | select(.date == "2024-04-18") | .name), (.days[] | select(.date == "2024-02-08") | .name)] | join("|")')"
expect_eq "calendar 2024: the names are NFC UTF-8 (Giỗ Tổ Hùng Vương)" "47 69 e1 bb 97 20 54 e1 bb 95" \
    "$(cl_jq -j '.days[] | select(.date == "2024-04-18") | .name' | head -c 10 | od -An -tx1 | tr -s ' ' | sed 's/^ //; s/ $//')"
http GET /api/v1/calendar/2025
expect_eq "calendar 2025: the swap of 2/5 for Saturday 26/4" "2025-04-26 working_saturday Làm bù cho ngày 02/5/2025|2025-05-02 compensatory" \
    "$(cl_jq -r '[.days[] | select(.type != "holiday") | "\(.date) \(.type)\(if .type == "working_saturday" then " " + .name else "" end)"] | join("|")')"
http GET /api/v1/calendar/2022
expect_eq "calendar 2022: the compensatory days of 1/1, Giỗ Tổ, 30/4 and 1/5" \
    "2022-01-03 Nghỉ bù Tết Dương lịch|2022-04-11 Nghỉ bù Giỗ Tổ Hùng Vương|2022-05-02 Nghỉ bù Ngày Chiến thắng 30/4|2022-05-03 Nghỉ bù Quốc tế Lao động 1/5" \
    "$(cl_jq -r '[.days[] | select(.type == "compensatory") | "\(.date) \(.name)"] | join("|")')"
cl_etag=$(header ETag)
http GET /api/v1/calendar/2022 -H "If-None-Match: $cl_etag"
expect_eq "calendar 2022: 304 to its ETag" 304 "$HTTP_STATUS"
http GET /api/v1/calendar/2027
expect_eq "calendar 2027: what is not announced is marked \"dự kiến\"" true \
    "$(cl_jq '[.days[] | select(.name | contains("dự kiến")) | .date] | (length == 6) and (index("2027-09-03") != null)')"
http GET /api/v1/calendar/2031
expect_eq "calendar 2031 (not seeded): 200, no days, no updated_at" "200 [] false" \
    "$HTTP_STATUS $(cl_jq -c '.days') $(cl_jq 'has("updated_at")')"
http GET /api/v1/calendar/abcd
expect_eq "calendar: a year that is not a number is 400 naming year" "400 year" "$(cl_named)"
http GET /api/v1/calendar/1800
expect_eq "calendar: a year before 1900 is 422 naming year" "422 year" "$(cl_named)"

# ------------------------------------------------------------ add: validation

http GET '/api/v1/calendar/add?working_days=1'
expect_eq "calendar add: from is required (422 naming it)" "422 from" "$(cl_named)"
expect_eq "calendar add: the error is problem+json" "application/problem+json" "$(header Content-Type | cut -d';' -f1)"
http GET '/api/v1/calendar/add?from=2022-01-28'
expect_eq "calendar add: working_days is required" "422 working_days" "$(cl_named)"
http GET '/api/v1/calendar/add?from=2022-02-30&working_days=1'
expect_eq "calendar add: from must be a real date" "422 from" "$(cl_named)"
http GET '/api/v1/calendar/add?from=28/01/2022&working_days=1'
expect_eq "calendar add: from must be YYYY-MM-DD" "422 from" "$(cl_named)"
http GET '/api/v1/calendar/add?from=2022-01-28&working_days=-1'
expect_eq "calendar add: working_days below 0 is 422" "422 working_days" "$(cl_named)"
http GET '/api/v1/calendar/add?from=2022-01-28&working_days=1001'
expect_eq "calendar add: working_days above 1000 is 422" "422 working_days" "$(cl_named)"
http GET '/api/v1/calendar/add?from=2022-01-28&working_days=abc'
expect_eq "calendar add: working_days not a number is 400" "400 working_days" "$(cl_named)"
expect_match "calendar add: the largest count, 1000, answers a date" '^20(2[6-9]|30)-[0-9]{2}-[0-9]{2}$' "$(cl_add 2022-01-28 1000)"

# ------------------------------------------------------------ who may write

cl_unit=$(curl -s --max-time 20 "$GW/api/v1/units?per_page=1" | jq -r '.items[0].id // "null"')
cl_pw="pw-cl-$CL_RUN-x9"
cl_send POST /api/v1/users "$(jq -nc --arg u "e2e.cl-editor-$CL_RUN" --arg p "$cl_pw" --argjson unit "$cl_unit" \
    '{username: $u, password: $p, full_name: "Biên tập viên lịch", unit_id: $unit, roles: ["editor"]}')"
expect_eq "calendar: setup: the admin creates an editor" 201 "$HTTP_STATUS"
CL_EDITOR=$(curl -s --max-time 20 -H 'Content-Type: application/json' -H 'X-Forwarded-For: 203.0.113.77' \
    --data-binary "$(jq -nc --arg u "e2e.cl-editor-$CL_RUN" --arg p "$cl_pw" '{username: $u, password: $p}')" \
    "$GW/api/v1/auth/login" | jq -r '.token // empty')
[ -n "$CL_EDITOR" ] && pass "calendar: setup: the editor logs in" || fail "calendar: setup: the editor logs in" "no token"

http GET /api/v1/calendar/2027
cl_2027=$(cl_jq -c '.days')
cl_2027_etag=$(header ETag)
cl_put_2027="{\"days\": $cl_2027}"
cl_send PUT /api/v1/calendar/2027 "$cl_put_2027" -
expect_eq "calendar: PUT without credentials is 401" 401 "$HTTP_STATUS"
cl_send PUT /api/v1/calendar/2027 "$cl_put_2027" "$CL_EDITOR"
expect_eq "calendar: PUT by a staff member who is not an admin is 403" 403 "$HTTP_STATUS"
cl_send PUT /api/v1/feedback/deadlines '{"forward_working_days": 5, "answer_working_days": 15, "cutoff_time": "15:00", "effective_from": "2022-01-01"}' "$CL_EDITOR"
expect_eq "deadlines: PUT by a non-admin is 403" 403 "$HTTP_STATUS"
cl_send PUT /api/v1/feedback/deadlines '{"forward_working_days": 5, "answer_working_days": 15, "cutoff_time": "15:00", "effective_from": "2022-01-01"}' -
expect_eq "deadlines: PUT without credentials is 401" 401 "$HTTP_STATUS"

# ------------------------------------------------------------ an admin's replacement of a year

cl_expect_add 2027-01-01 1 2027-01-04 "before the change: Sat 2/1 is no working day"
cl_seq0=$("$BUILD/loa-rpc" --in loa.EventsSinceRequest --out loa.EventsSinceReply "$LOA_FEEDBACK_RPC" events.since '{"since_seq": 0, "limit": 1}' | jq -r '.last_seq // 0')
cl_odd='Làm bù thử "nghiệm" \ – Đặc biệt ½'
cl_new=$(printf '%s' "$cl_2027" | jq -c --arg n "$cl_odd" '{days: (. + [{date: "2027-01-02", type: "working_saturday", name: $n}, {date: "2027-01-05", type: "holiday", name: "Ngày nghỉ thử nghiệm"}])}')
cl_send PUT /api/v1/calendar/2027 "$cl_new"
expect_eq "calendar: the admin replaces 2027's days (200, two more days)" "200 2027 $(($(printf '%s' "$cl_2027" | jq length) + 2))" \
    "$HTTP_STATUS $(cl_jq -r '"\(.year) \(.days | length)"')"
expect_eq "calendar: the reply holds the new days, the odd name byte-exact" "$cl_odd|holiday" \
    "$(cl_jq -r '[(.days[] | select(.date == "2027-01-02") | .name), (.days[] | select(.date == "2027-01-05") | .type)] | join("|")')"
expect_match "calendar: updated_at is RFC 3339 in +07:00" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\+07:00$' "$(cl_jq -r '.updated_at')"
cl_expect_add 2027-01-01 1 2027-01-02 "after the change: the new working Saturday counts"
cl_expect_add 2027-01-04 1 2027-01-06 "after the change: the new holiday Tue 5/1 is skipped"
cl_expect_add 2027-02-03 1 2027-02-11 "after the change: the other days are kept"
http GET /api/v1/calendar/2027 -H "If-None-Match: $cl_2027_etag"
expect_eq "calendar: the year's old ETag no longer matches" 200 "$HTTP_STATUS"
expect_eq "calendar: GET shows the change" "$cl_odd" "$(cl_jq -r '.days[] | select(.date == "2027-01-02") | .name')"
if wait_until 10 sh -c "\"$BUILD/loa-rpc\" --in loa.EventsSinceRequest --out loa.EventsSinceReply \"$LOA_FEEDBACK_RPC\" events.since '{\"since_seq\": $cl_seq0, \"limit\": 100}' | jq -e '[.events[].topic] | index(\"calendar.updated\") != null'"; then
    pass "calendar: the change is published as calendar.updated"
else
    fail "calendar: the change is published as calendar.updated" "no such event after seq $cl_seq0"
fi
cl_send PUT /api/v1/calendar/2027 "$cl_put_2027"
expect_eq "calendar: the admin puts 2027 back" "200 $cl_2027" "$HTTP_STATUS $(cl_jq -c '.days')"
cl_expect_add 2027-01-01 1 2027-01-04 "after putting it back"
cl_send PUT /api/v1/calendar/2031 '{"days": [{"date": "2031-01-02", "type": "holiday", "name": "Ngày nghỉ thử"}]}'
expect_eq "calendar: a year not seeded can be filled" "200 1" "$HTTP_STATUS $(cl_jq '.days | length')"
cl_expect_add 2031-01-01 1 2031-01-03 "the filled year counts"
cl_send PUT /api/v1/calendar/2031 '{"days": []}'
expect_eq "calendar: an empty list empties the year" "200 []" "$HTTP_STATUS $(cl_jq -c '.days')"
cl_expect_add 2031-01-01 1 2031-01-02 "the emptied year: weekends only"

# ------------------------------------------------------------ validation of a replacement

cl_bad='{"days": [
  {"date": "2027-06-01", "type": "holiday", "name": "Đúng"},
  {"date": "2026-06-02", "type": "holiday", "name": "Năm khác"},
  {"date": "2027-06-03", "type": "festival", "name": "Loại lạ"},
  {"date": "2027-06-04", "type": "holiday", "name": ""},
  {"date": "2027-06-01", "type": "holiday", "name": "Trùng ngày"},
  {"date": "2027-06-07", "type": "working_saturday", "name": "Thứ Hai làm bù"},
  {"date": "2027-02-30", "type": "holiday", "name": "Ngày không có"},
  {"date": "2027-06-05", "type": "compensatory", "name": "Nghỉ bù thứ Bảy"}
]}'
cl_send PUT /api/v1/calendar/2027 "$cl_bad"
expect_eq "calendar: a bad replacement is 422 naming each bad field" \
    "422 days[1].date,days[2].type,days[3].name,days[4].date,days[5].date,days[6].date,days[7].date" \
    "$(printf '%s %s' "$HTTP_STATUS" "$(cl_jq -r '[.errors[]?.field] | sort | join(",")')")"
expect_eq "calendar: the problem is problem+json in Vietnamese" "application/problem+json Ngày phải thuộc năm 2027" \
    "$(header Content-Type | cut -d';' -f1) $(cl_jq -r '.errors[] | select(.field == "days[1].date") | .message')"
http GET /api/v1/calendar/2027
expect_eq "calendar: a refused replacement changes nothing" "$cl_2027" "$(cl_jq -c '.days')"
cl_send PUT /api/v1/calendar/2027 "$(jq -nc '{days: [range(0; 367) | {date: "2027-01-01", type: "holiday", name: "x"}]}')"
expect_eq "calendar: more than 366 days is 422 naming days" "422 days" "$(cl_named)"
cl_send PUT /api/v1/calendar/2027 "$(jq -nc '{days: [{date: "2027-06-01", type: "holiday", name: ("x" * 201)}]}')"
expect_eq "calendar: a name over 200 characters is 422" "422 days[0].name" "$(cl_named)"
cl_send PUT /api/v1/calendar/2027 '{"days": [{"date": "2027-06-01", "type": "holiday", "name": "x", "note": 1}]}'
expect_eq "calendar: an unknown field is 400 naming it" "400 days[0].note" "$(cl_named)"
cl_send PUT /api/v1/calendar/2027 '{"days": [1]}'
expect_eq "calendar: a day that is not an object is 400" 400 "$HTTP_STATUS"
cl_send PUT /api/v1/calendar/2027 'not json'
expect_eq "calendar: a body that is not JSON is 400" "400 body" "$(cl_named)"
http PUT /api/v1/calendar/2027 -H "Authorization: Bearer $CL_ADMIN" -H 'Content-Type: text/plain' --data-binary "$cl_put_2027"
expect_eq "calendar: a body that is not JSON by type is 415" 415 "$HTTP_STATUS"
cl_send PUT /api/v1/calendar/1800 '{"days": []}'
expect_eq "calendar: PUT of a year before 1900 is 422 naming year" "422 year" "$(cl_named)"

# ------------------------------------------------------------ deadline rules

http GET /api/v1/feedback/deadlines
expect_eq "deadlines: GET without credentials is 401" 401 "$HTTP_STATUS"
http GET /api/v1/feedback/deadlines -H "Authorization: Bearer $CL_EDITOR"
expect_eq "deadlines: any staff member reads them: 5, 15, 15:00, from 2022-01-01" "200 5 15 15:00 2022-01-01" \
    "$HTTP_STATUS $(cl_jq -r '"\(.forward_working_days) \(.answer_working_days) \(.cutoff_time) \(.effective_from)"')"
expect_eq "deadlines: the reply has the rules in force and the history" \
    "forward_working_days,answer_working_days,cutoff_time,effective_from,created_at,created_by,history" \
    "$(cl_jq -r 'keys_unsorted | join(",")')"
expect_eq "deadlines: the seeded row is in the history" true \
    "$(cl_jq '[.history[] | select(.effective_from == "2022-01-01" and .forward_working_days == 5 and .answer_working_days == 15 and .created_by == 0)] | length == 1')"
cl_n_history=$(cl_jq '.history | length')
cl_admin_id=$(curl -s --max-time 20 -H "Authorization: Bearer $CL_ADMIN" "$GW/api/v1/auth/me" | jq -r '.id')
# A date of its own for this run, far ahead: 2090-01-01 + 0..3000 days.
cl_eff=$(date -u -d "2090-01-01 + $((16#${CL_RUN:0:4} % 3000)) days" +%F)
cl_send PUT /api/v1/feedback/deadlines "{\"forward_working_days\": 7, \"answer_working_days\": 20, \"cutoff_time\": \"16:30\", \"effective_from\": \"$cl_eff\"}"
expect_eq "deadlines: the admin adds rules from $cl_eff; today's rules stay in force" "200 5 15 15:00" \
    "$HTTP_STATUS $(cl_jq -r '"\(.forward_working_days) \(.answer_working_days) \(.cutoff_time)"')"
expect_eq "deadlines: the new row is in the history, by the admin" "7 20 16:30 $cl_admin_id $((cl_n_history + 1))" \
    "$(cl_jq -r --arg e "$cl_eff" '(.history[] | select(.effective_from == $e) | "\(.forward_working_days) \(.answer_working_days) \(.cutoff_time) \(.created_by)") + " \(.history | length)"')"
expect_eq "deadlines: history is the latest effective_from first" true "$(cl_jq '[.history[].effective_from] | . == (sort | reverse)')"
cl_send PUT /api/v1/feedback/deadlines "{\"forward_working_days\": 6, \"answer_working_days\": 18, \"cutoff_time\": \"16:45\", \"effective_from\": \"$cl_eff\"}"
expect_eq "deadlines: the same effective_from replaces its row" "200 6 18 16:45 $((cl_n_history + 1))" \
    "$HTTP_STATUS $(cl_jq -r --arg e "$cl_eff" '(.history[] | select(.effective_from == $e) | "\(.forward_working_days) \(.answer_working_days) \(.cutoff_time)") + " \(.history | length)"')"
http GET /api/v1/feedback/deadlines -H "Authorization: Bearer $CL_ADMIN"
expect_eq "deadlines: GET shows the row" "6 18 16:45" \
    "$(cl_jq -r --arg e "$cl_eff" '.history[] | select(.effective_from == $e) | "\(.forward_working_days) \(.answer_working_days) \(.cutoff_time)"')"
cl_before=$(date -u -d "$cl_eff - 1 day" +%F)
cl_rules_before=$(cl_jq -r --arg d "$cl_before" '[.history[] | select(.effective_from <= $d)][0] | "\(.forward_working_days) \(.answer_working_days) \(.cutoff_time)"')

cl_send PUT /api/v1/feedback/deadlines '{}'
expect_eq "deadlines: every field is required" "422 answer_working_days,cutoff_time,effective_from,forward_working_days" \
    "$(printf '%s %s' "$HTTP_STATUS" "$(cl_jq -r '[.errors[]?.field] | sort | join(",")')")"
cl_send PUT /api/v1/feedback/deadlines '{"forward_working_days": 0, "answer_working_days": 121, "cutoff_time": "25:00", "effective_from": "2090-02-30"}'
expect_eq "deadlines: out of range values are 422 naming each" "422 answer_working_days,cutoff_time,effective_from,forward_working_days" \
    "$(printf '%s %s' "$HTTP_STATUS" "$(cl_jq -r '[.errors[]?.field] | sort | join(",")')")"
cl_send PUT /api/v1/feedback/deadlines '{"forward_working_days": 20, "answer_working_days": 15, "cutoff_time": "15:00", "effective_from": "2090-01-01"}'
expect_eq "deadlines: forwarding may not take longer than answering" "422 forward_working_days" "$(cl_named)"
cl_send PUT /api/v1/feedback/deadlines '{"forward_working_days": 5, "answer_working_days": 15, "cutoff_time": "3pm", "effective_from": "2090-01-01"}'
expect_eq "deadlines: cutoff_time must be HH:MM" "422 cutoff_time" "$(cl_named)"
cl_send PUT /api/v1/feedback/deadlines '{"forward_working_days": "five", "answer_working_days": 15, "cutoff_time": "15:00", "effective_from": "2090-01-01"}'
expect_eq "deadlines: a number given as text is 400 naming it" "400 forward_working_days" "$(cl_named)"
http GET /api/v1/feedback/deadlines -H "Authorization: Bearer $CL_ADMIN"
expect_eq "deadlines: refused writes add no row" $((cl_n_history + 1)) "$(cl_jq '.history | length')"

# ------------------------------------------------------------ the deadlines of an item (RPC)

expect_eq "deadlines.for: Fri 28/1/2022 14:59:59 counts from that day: forward 11/2, answer 25/2" \
    "2022-01-28 2022-02-11 2022-02-25 5 15 15:00" "$(cl_due 2022-01-28T14:59:59)"
expect_eq "deadlines.for: at 15:00 exactly it counts from the next working day (Mon 7/2, after Tết)" \
    "2022-02-07 2022-02-14 2022-02-28 5 15 15:00" "$(cl_due 2022-01-28T15:00:00)"
expect_eq "deadlines.for: received on a Saturday: from Monday (the answer skips Tết)" \
    "2022-01-10 2022-01-17 2022-02-07 5 15 15:00" "$(cl_due 2022-01-08T09:00:00)"
expect_eq "deadlines.for: received on the working Saturday 4/5/2024 before the cut-off" \
    "2024-05-04 2024-05-10 2024-05-24 5 15 15:00" "$(cl_due 2024-05-04T10:00:00)"
cl_day=$(date -u -d "$cl_eff + 7 days" +%F)
while [ "$(date -u -d "$cl_day" +%u)" -gt 5 ]; do cl_day=$(date -u -d "$cl_day + 1 day" +%F); done
expect_eq "deadlines.for: an item received under the new rules takes them (cut-off 16:45)" \
    "$cl_day 6 18 16:45" "$(cl_due "${cl_day}T16:44:59" | awk '{print $1, $4, $5, $6}')"
expect_eq "deadlines.for: the day before the new rules takes the rules in force then" "$cl_rules_before" \
    "$(cl_due "${cl_before}T10:00:00" | awk '{print $4, $5, $6}')"
expect_eq "deadlines.for: received_unix is required" invalid \
    "$(cl_rpc DeadlinesForRequest DeadlinesFor deadlines.for '{}' | jq -r '.status')"

# ------------------------------------------------------------ OpenAPI

http GET /api/v1/openapi.json
expect_eq "openapi: the calendar and deadlines routes with their roles" "true true true true true" \
    "$(cl_jq -r '[(.paths["/api/v1/calendar/{year}"] | has("get") and has("put")), (.paths["/api/v1/calendar/{year}"].put["x-roles"] == ["admin"]), (.paths["/api/v1/calendar/add"].get.parameters | map(select(.in == "query") | .name) | sort == ["from", "working_days"]), (.paths["/api/v1/feedback/deadlines"].get["x-roles"] == ["staff"]), (.paths["/api/v1/feedback/deadlines"].put["x-roles"] == ["admin"])] | map(tostring) | join(" ")')"
