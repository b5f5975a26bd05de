# Every intake channel (docs/api/feedback.md "Intake by staff"): handlers and
# inspectors record feedback received at the reception office, by phone, by
# letter or by e-mail (channel, received_at, who recorded it; the deadline
# counted from the day of receipt); the refusals (roles, the public, a day
# in the future, a bad channel, missing personal fields); web and Open311
# items keep their channel; lists and stats filter by channel, and the
# stats break the period down by channel. Staff are not throttled.
# Sourced by tests/run.sh (lib.sh helpers, $GW, $T_TMP, $PG_BIN, $LOA_PG_PORT).
# shellcheck shell=bash

IN_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
IN_XFF=0
declare -gA IN_TOK=() IN_UID=()

in_jq() { body_jq "$@"; }
in_call() { e2e_call IN_TOK "$@"; }
in_user() {
    e2e_user IN_TOK "$1" "$2" "$3" "e2e.in-${1,,}-$IN_RUN" "Cán bộ tiếp nhận $1" ||
        fail "setup: $1 logs in" "status $HTTP_STATUS"
    IN_UID[$1]=$E2E_UID
}

# A submission as the reception office writes it down; $1 channel, $2 day.
in_body() {
    jq -nc --arg c "$1" --arg d "$2" --arg t "Phản ánh nhận qua kênh $1 $IN_RUN" '{
        kind: "report", title: $t, channel: $c, received_at: $d,
        content: "Công dân phản ánh thời gian giải quyết thủ tục cấp phép xây dựng kéo dài.",
        submitter: {name: "Trần Thị Bình", address: "45 Hai Bà Trưng, phường Tân Định",
                    phone: "0903 111 222", email: "tran.thi.binh@example.vn"}}'
}

# shellcheck disable=SC2034 # read by name (in_call -> e2e_call)
IN_TOK[admin]=$(admin_token)
http GET '/api/v1/units?per_page=100'
IN_UNIT=$(in_jq '[.items[] | select(.code == "DKKD")][0].id')
in_user hand '["handler"]' "$IN_UNIT"
in_user insp '["inspector"]' null
in_user lead '["leader"]' null
in_user edit '["editor"]' "$IN_UNIT"

IN_TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
IN_TOMORROW=$(TZ=Asia/Ho_Chi_Minh date -d tomorrow +%F)
# A Monday far enough back to have no holiday around it: 2026-11-02.
IN_PAST=2026-11-02

# ------------------------------------------------------------ happy paths
in_call hand POST /api/v1/feedback "$(in_body walk_in "$IN_TODAY")"
expect_eq "walk_in: a handler records an item received at the reception office (201)" 201 "$HTTP_STATUS"
IN_WALK=$(in_jq .id)
expect_match "walk_in: the tracking code is returned for the citizen" '^PAKN\.[0-9]{8}\.[0-9A-Z]{6}$' \
    "$(in_jq .tracking_code)"
in_call insp GET "/api/v1/feedback/$IN_WALK" -
expect_eq "walk_in: the item keeps its channel and who recorded it" "walk_in ${IN_UID[hand]}" \
    "$(in_jq '"\(.channel) \(.recorded_by)"')"
expect_eq "walk_in: the first history entry names the recorder" "received ${IN_UID[hand]}" \
    "$(in_jq '.history[0] | "\(.action) \(.actor_id)"')"

in_call insp POST /api/v1/feedback "$(in_body letter "$IN_PAST")"
expect_eq "letter: an inspector records a letter received earlier (201)" 201 "$HTTP_STATUS"
IN_LETTER=$(in_jq .id)
expect_match "letter: the tracking code carries the day of receipt" '^PAKN\.20261102\.' "$(in_jq .tracking_code)"
expect_match "letter: received_at is that day (+07:00)" '^2026-11-02T00:00:00\+07:00$' "$(in_jq .received_at)"
# The deadline is counted from that day, on the calendar (15 working days).
http GET "/api/v1/calendar/add?from=$IN_PAST&working_days=15"
IN_DUE_DAY=$(in_jq .date)
in_call insp GET "/api/v1/feedback/$IN_LETTER" -
expect_eq "letter: registered on the day of receipt (a working Monday)" "$IN_PAST" "$(in_jq .registered_on)"
IN_DUE=$(in_jq .due_at)
expect_eq "letter: the deadline is 15 working days after the day of receipt (2026-11-23, end of day)" \
    "2026-11-23T23:59:59+07:00 2026-11-23" "$IN_DUE $IN_DUE_DAY"
expect_eq "letter: recorded by the inspector" "letter ${IN_UID[insp]}" "$(in_jq '"\(.channel) \(.recorded_by)"')"

for c in phone email; do
    in_call hand POST /api/v1/feedback "$(in_body "$c" "$IN_TODAY")"
    expect_eq "$c: recorded (201)" 201 "$HTTP_STATUS"
done

# Staff are not throttled: a reception office records many items in a row
# from one address (the public's limit, LOA_INTAKE_LIMIT, is 20).
IN_N=0
for _ in $(seq 25); do
    in_call hand POST /api/v1/feedback "$(in_body walk_in "$IN_TODAY")" -H 'X-Forwarded-For: 10.91.0.1'
    [ "$HTTP_STATUS" = 201 ] && IN_N=$((IN_N + 1))
done
expect_eq "throttle: a handler records 25 items from one address, none refused" 25 "$IN_N"

# ------------------------------------------------------------ refusals
in_call hand POST /api/v1/feedback "$(in_body walk_in "$IN_TOMORROW")"
expect_eq "refused: received_at in the future -> 422 naming received_at" "422 true" "$(problem_names received_at)"
expect_match "refused: ... in Vietnamese" "không được sau ngày hôm nay" \
    "$(in_jq '.errors[] | select(.field == "received_at") | .message')"
in_call hand POST /api/v1/feedback "$(in_body walk_in 2026-02-30)"
expect_eq "refused: received_at not a real date -> 422 naming received_at" "422 true" "$(problem_names received_at)"
in_call hand POST /api/v1/feedback "$(in_body fax "$IN_TODAY")"
expect_eq "refused: an unknown channel -> 422 naming channel" "422 true" "$(problem_names channel)"
in_call hand POST /api/v1/feedback "$(in_body web "$IN_TODAY")"
expect_eq "refused: staff cannot record as web -> 422 naming channel" "422 true" "$(problem_names channel)"
in_call hand POST /api/v1/feedback "$(in_body phone "$IN_TODAY" | jq -c 'del(.received_at)')"
expect_eq "refused: a staff channel without received_at -> 422 naming received_at" "422 true" \
    "$(problem_names received_at)"
in_call hand POST /api/v1/feedback "$(in_body phone "$IN_TODAY" | jq -c 'del(.submitter.phone, .submitter.address)')"
expect_eq "refused: the citizen's details are required as for the web form" "422 submitter.address submitter.phone" \
    "$HTTP_STATUS $(in_jq '[.errors[].field] | sort | join(" ")')"
in_call edit POST /api/v1/feedback "$(in_body walk_in "$IN_TODAY")"
expect_eq "refused: an editor may not record a channel -> 403 naming channel" "403 true" "$(problem_names channel)"
in_call lead POST /api/v1/feedback "$(in_body walk_in "$IN_TODAY" | jq -c 'del(.channel)')"
expect_eq "refused: a leader may not give received_at -> 403 naming received_at" "403 true" \
    "$(problem_names received_at)"
IN_XFF=$((IN_XFF + 1))
in_call anon POST /api/v1/feedback "$(in_body walk_in "$IN_TODAY")" -H "X-Forwarded-For: 10.92.0.$IN_XFF"
expect_eq "refused: the public cannot choose a channel -> 422 naming channel" "422 true" "$(problem_names channel)"
IN_XFF=$((IN_XFF + 1))
in_call anon POST /api/v1/feedback "$(in_body walk_in "$IN_TODAY" | jq -c 'del(.channel)')" \
    -H "X-Forwarded-For: 10.92.0.$IN_XFF"
expect_eq "refused: the public cannot give received_at -> 422 naming received_at" "422 true" \
    "$(problem_names received_at)"
expect_eq "refused: nothing of the refused submissions was stored" 0 \
    "$(db_sql "SELECT count(*) FROM feedback.feedback WHERE title LIKE '%kênh fax $IN_RUN'
                OR received_at > now() OR (channel = 'web' AND title LIKE '%$IN_RUN')")"

# The web form's items keep web, and a staff member using it files a web item.
IN_XFF=$((IN_XFF + 1))
in_call anon POST /api/v1/feedback "$(in_body x x | jq -c 'del(.channel, .received_at) | .title = "Qua cổng '"$IN_RUN"'"')" \
    -H "X-Forwarded-For: 10.92.0.$IN_XFF"
IN_WEB=$(in_jq .id)
expect_eq "web: the public's item is channel web, recorded by nobody" "web 0" \
    "$(db_sql "SELECT channel, coalesce(recorded_by, 0) FROM feedback.feedback WHERE id = ${IN_WEB:-0}" | tr '|' ' ')"

# ------------------------------------------------------------ lists and stats
in_call insp GET "/api/v1/feedback?channel=letter&per_page=100&q=$IN_RUN" -
expect_eq "list: ?channel=letter gives only letters (the one recorded)" "200 1 letter" \
    "$HTTP_STATUS $(in_jq '"\(.total) \([.items[].channel] | unique | join(","))"')"
in_call insp GET "/api/v1/feedback?channel=walk_in&per_page=100&from=$IN_TODAY" -
expect_eq "list: ?channel=walk_in, every item is walk_in, 26 recorded today" "true true" \
    "$(in_jq '"\([.items[].channel] | all(. == "walk_in")) \(.total >= 26)"')"
in_call insp GET "/api/v1/feedback?channel=fax" -
expect_eq "list: an unknown channel -> 422 naming channel" "422 true" "$(problem_names channel)"

in_call lead GET "/api/v1/feedback/stats?from=$IN_PAST&to=$IN_PAST&channel=letter" -
expect_eq "stats: ?channel=letter counts the letter of that day" "200 letter true" \
    "$HTTP_STATUS $(in_jq '"\(.channel) \(.total.received >= 1)"')"
expect_eq "stats: the breakdown lists every channel in order" "web,open311,walk_in,phone,letter,email" \
    "$(in_jq '[.channels[].channel] | join(",")')"
IN_LETTERS=$(in_jq '.channels[] | select(.channel == "letter") | .received')
expect_eq "stats: the breakdown's letter count is the filtered total" "$(in_jq .total.received)" "$IN_LETTERS"
in_call lead GET "/api/v1/feedback/stats?from=$IN_TODAY&to=$IN_TODAY" -
expect_eq "stats: unfiltered, the breakdown adds up to the total" true \
    "$(in_jq '([.channels[].received] | add) == .total.received')"
expect_eq "stats: today's walk-in, phone and e-mail items are counted" true \
    "$(in_jq '[.channels[] | select(.channel == "walk_in" or .channel == "phone" or .channel == "email") | .received >= 1] | all')"
in_call lead GET "/api/v1/feedback/stats?channel=fax" -
expect_eq "stats: an unknown channel -> 422 naming channel" "422 true" "$(problem_names channel)"
