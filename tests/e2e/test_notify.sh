# Notifications (docs/notifications.md): notify-svc turns feedback-svc's
# events into mail to the citizen, through a real SMTP server of the run's
# own (tools/mail-sink.py, started by tests/run.sh), each mail parsed back
# (tests/e2e/mail.py): the receipt with its tracking code and public link,
# word of a forward, a rejection and a published answer; values escaped in
# the HTML; a template edited without a restart; a broken one holds its
# messages back until mended; the mail server down for a while, then up:
# every mail once; notify-svc killed (SIGKILL) in the middle of a burst of
# 200 submissions: 200 receipts, one Message-ID each (a copy of the one in
# flight at the kill, SMTP's open instant, is the same message); a refused address
# failed for good, listed for admins and queued again by one.
# Sourced by tests/run.sh (lib.sh helpers, $GW, $T_TMP, $MAIL_DIR).
# shellcheck shell=bash

NT_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
NT_XFF=0
declare -gA NT_TOK=()
# shellcheck disable=SC2034 # read by name (nt_call -> e2e_call)
NT_TOK[admin]=$(admin_token)

nt_call() { e2e_call NT_TOK "$@"; }

# nt_submit TITLE EMAIL [PHONE]: a citizen's feedback from an address of
# its own; NT_ID, NT_CODE.
nt_submit() {
    local body
    NT_XFF=$((NT_XFF + 1))
    body=$(jq -nc --arg t "$1" --arg e "$2" --arg p "${3:-0912 345 678}" '{kind: "recommendation", title: $t,
        content: "Đề nghị bỏ yêu cầu nộp bản sao chứng thực giấy tờ đã có trong Cơ sở dữ liệu quốc gia về dân cư.",
        submitter: {name: "Trần Thị Bình", address: "5 Ngô Gia Tự, Bắc Ninh", phone: $p, email: $e}}')
    nt_call anon POST /api/v1/feedback "$body" \
        -H "X-Forwarded-For: 10.91.$((NT_XFF / 250)).$((NT_XFF % 250 + 1))"
    NT_ID=$(body_jq '.id // empty')
    NT_CODE=$(body_jq '.tracking_code // empty')
}

# The mails kept so far, parsed (JSON array).
nt_mails() { /usr/bin/python3 tests/e2e/mail.py "$MAIL_DIR"; }

# nt_mail_count JQ_FILTER: how many mails match (select(...) body).
nt_mail_count() { nt_mails | jq "[.[] | select($1)] | length"; }

# nt_wait_mails N JQ_FILTER [SECONDS]: until N mails match (default 20 s).
nt_wait_mails() {
    local end=$(($(date +%s) + ${3:-20}))
    while [ "$(date +%s)" -lt "$end" ]; do
        [ "$(nt_mail_count "$2")" -ge "$1" ] && return 0
        sleep 0.2
    done
    return 1
}

if ! kill -0 "${MAIL_SINK_PID:-0}" 2>/dev/null; then
    fail "notify: the mail sink runs" "see $T_TMP/mail-sink.log"
fi
if ! kill -0 "${HTTP_SINK_PID:-0}" 2>/dev/null; then
    fail "notify: the HTTP sink runs" "see $T_TMP/http-sink.log"
fi

# ------------------------------------------------------------ the receipt
nt_submit "Phản ánh <thủ tục> & \"bản sao\" $NT_RUN" "tran.thi.binh+$NT_RUN@example.vn"
expect_eq "receipt: the feedback is received" 201 "$HTTP_STATUS"
NT_RECEIPT=$NT_CODE
if nt_wait_mails 1 ".subject | contains(\"$NT_CODE\")"; then
    pass "receipt: a mail reaches the SMTP server"
else
    fail "receipt: a mail reaches the SMTP server" "none in 20 s; $(tail -3 "$STACK_DIR/logs/notify-svc.log")"
fi
NT_MAIL=$(nt_mails | jq -c "[.[] | select(.subject | contains(\"$NT_CODE\"))][0] // {}")
nt_m() { printf '%s' "$NT_MAIL" | jq -r "$@"; }
expect_eq "receipt: to the citizen's address" "tran.thi.binh+$NT_RUN@example.vn" "$(nt_m .to)"
expect_eq "receipt: subject in Vietnamese (RFC 2047, UTF-8) with the code" \
    "Đã tiếp nhận phản ánh, kiến nghị $NT_CODE" "$(nt_m .subject)"
NT_SEQ=$(db_sql "SELECT key FROM notify.deliveries WHERE recipient = 'tran.thi.binh+$NT_RUN@example.vn'")
expect_match "receipt: Message-ID from the delivery's key (event seq, channel, recipient)" \
    '^<feedback\.[0-9]+\.email\.citizen@skhdt\.bacninh\.gov\.vn>$' "$(nt_m .message_id)"
expect_eq "receipt: the key in notify.deliveries is that Message-ID's" "<$NT_SEQ@skhdt.bacninh.gov.vn>" \
    "$(nt_m .message_id)"
expect_eq "receipt: From and Reply-To from the settings" \
    "Sở Kế hoạch và Đầu tư Bắc Ninh <no-reply@skhdt.bacninh.gov.vn>|" \
    "$(nt_m '.from + "|" + .reply_to')"
expect_match "receipt: Date, at +07:00" '^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} 20[0-9]{2} [0-9:]{8} \+0700$' \
    "$(nt_m .date)"
expect_eq "receipt: text and HTML alternatives" "multipart/alternative text/plain text/html" \
    "$(nt_m '.parts | join(" ")')"
expect_eq "receipt: CRLF lines, 7-bit on the wire" "true true" "$(nt_m '"\(.crlf) \(.ascii)"')"
expect_match "receipt: the text says the code and the legal deadline" \
    "Mã số tra cứu: $NT_CODE.*Hạn trả lời theo quy định: [0-9]{2}/[0-9]{2}/20[0-9]{2}" \
    "$(nt_m .text | tr '\n' ' ')"
expect_match "receipt: the text links the public tracking page" \
    "$LOA_PUBLIC_URL/tra-cuu.html\\?code=$NT_CODE" "$(nt_m .text)"
expect_match "receipt: the HTML links it too" \
    "href=\"$LOA_PUBLIC_URL/tra-cuu.html\\?code=$NT_CODE\"" "$(nt_m .html)"
expect_match "receipt: the citizen's words escaped in the HTML" \
    "Phản ánh &lt;thủ tục&gt; &amp; &quot;bản sao&quot;" "$(nt_m .html)"
expect_match "receipt: and as typed in the text" "Phản ánh <thủ tục> & \"bản sao\"" "$(nt_m .text)"
http GET "/api/v1/feedback/track/$NT_CODE"
expect_eq "receipt: the link's page knows the code" "200 $NT_CODE" "$HTTP_STATUS $(body_jq .tracking_code)"

# ------------------------------------------------------------ SMS
# The SMS requests the gateway (tests/e2e/http-sink.py) received, bodies parsed.
nt_sms() {
    find "$HTTP_SINK_DIR" -name '*.json' -exec cat {} + 2>/dev/null |
        jq -s '[.[] | select(.path == "/sms") | .body |= fromjson]'
}
nt_sms_for() { nt_sms | jq -c "[.[] | select(.body.text | contains(\"$1\"))]"; }
nt_wait_sms() {
    local end=$(($(date +%s) + 20))
    while [ "$(date +%s)" -lt "$end" ]; do
        [ "$(nt_sms_for "$1" | jq length)" -ge 1 ] && return 0
        sleep 0.2
    done
    return 1
}
if nt_wait_sms "$NT_RECEIPT"; then pass "sms: the receipt reaches the provider's gateway"; else
    fail "sms: the receipt reaches the provider's gateway" "none in 20 s; $(tail -2 "$T_TMP/http-sink.log")"
fi
NT_SMS=$(nt_sms_for "$NT_RECEIPT" | jq -c '.[0] // {}')
nt_s() { printf '%s' "$NT_SMS" | jq -r "$@"; }
expect_eq "sms: to the citizen's mobile, in the +84 form" "+84912345678" "$(nt_s .body.to)"
expect_eq "sms: a JSON POST with the provider's token" "application/json Bearer sms-token-of-the-test" \
    "$(nt_s '.headers["content-type"] + " " + .headers.authorization')"
expect_match "sms: its id is the delivery's key" '^feedback\.[0-9]+\.sms\.citizen$' "$(nt_s .body.id)"
expect_match "sms: without diacritics, the code, the deadline and the link" \
    "^So KH&DT Bac Ninh da nhan phan anh $NT_RECEIPT, han tra loi [0-9]{2}/[0-9]{2}/20[0-9]{2}\\. Tra cuu: $LOA_PUBLIC_URL/tra-cuu.html\\?code=$NT_RECEIPT\$" \
    "$(nt_s .body.text)"
expect_eq "sms: one GSM segment (at most 160 characters, ASCII)" "true true" \
    "$(nt_s '.body.text | "\(length <= 160) \(test("^[ -~]*$"))"')"
nt_submit "Số máy bàn $NT_RUN" "landline+$NT_RUN@example.vn" "0222 3812 345"
NT_LANDLINE=$NT_CODE
nt_wait_mails 1 ".to == \"landline+$NT_RUN@example.vn\"" || true
sleep 1
expect_eq "sms: none to a landline (the mail goes)" "0 1" \
    "$(nt_sms_for "$NT_LANDLINE" | jq length) $(nt_mail_count ".to == \"landline+$NT_RUN@example.vn\"")"

# ------------------------------------------------------------ forward, reject, published
e2e_user NT_TOK insp '["inspector"]' null "e2e.nt-insp-$NT_RUN" "Thanh tra viên" ||
    fail "setup: the inspector logs in" "status $HTTP_STATUS"
http GET '/api/v1/units?per_page=100'
NT_UNIT=$(body_jq '[.items[] | select(.code == "DKKD")][0].id')
e2e_user NT_TOK hand '["handler"]' "$NT_UNIT" "e2e.nt-hand-$NT_RUN" "Cán bộ xử lý" ||
    fail "setup: the handler logs in" "status $HTTP_STATUS"

nt_submit "Chuyển cơ quan khác $NT_RUN" "fwd+$NT_RUN@example.vn"
nt_call insp POST "/api/v1/feedback/$NT_ID/forward" \
    '{"to_agency": "Sở Tư pháp tỉnh Bắc Ninh", "reason": "Thuộc thẩm quyền của Sở Tư pháp"}'
expect_eq "forward: done" "200 forwarded" "$HTTP_STATUS $(body_jq .status)"
NT_FWD=$NT_CODE
nt_submit "Không tiếp nhận $NT_RUN" "rej+$NT_RUN@example.vn"
nt_call insp POST "/api/v1/feedback/$NT_ID/reject" \
    '{"reason_code": "complaint", "reason": "Nội dung là khiếu nại về quyết định hành chính"}'
expect_eq "reject: done" "200 rejected" "$HTTP_STATUS $(body_jq .status)"
NT_REJ=$NT_CODE
nt_submit "Được trả lời $NT_RUN" "ans+$NT_RUN@example.vn"
NT_ANS=$NT_CODE
nt_call insp POST "/api/v1/feedback/$NT_ID/accept" "{\"unit_id\": $NT_UNIT}"
nt_call hand POST "/api/v1/feedback/$NT_ID/answer" '{"answer": "Sở đã bỏ yêu cầu này từ tháng 12.", "publish": true}'
nt_call insp POST "/api/v1/feedback/$NT_ID/approve" '{}'
expect_eq "publish: the answer approved and published" "200 published" "$HTTP_STATUS $(body_jq .status)"
nt_wait_mails 1 ".to == \"ans+$NT_RUN@example.vn\" and (.subject | startswith(\"Đã có trả lời\"))" ||
    fail "publish: its mail arrives" "none in 20 s"
expect_eq "forward: the citizen is told to whom (one mail besides the receipt)" \
    "1 Phản ánh, kiến nghị $NT_FWD đã được chuyển đến cơ quan có thẩm quyền" \
    "$(nt_mails | jq -r "[.[] | select(.to == \"fwd+$NT_RUN@example.vn\" and (.subject | contains(\"chuyển\")))] | \"\(length) \(.[0].subject)\"")"
expect_match "forward: with the agency" "Sở Tư pháp tỉnh Bắc Ninh" \
    "$(nt_mails | jq -r "[.[] | select(.to == \"fwd+$NT_RUN@example.vn\")] | map(.text) | join(\" \")")"
expect_match "reject: the citizen is told why (the code's words and the reason)" \
    "Lý do: Là khiếu nại, tố cáo, được giải quyết theo pháp luật về khiếu nại, tố cáo: Nội dung là khiếu nại" \
    "$(nt_mails | jq -r "[.[] | select(.to == \"rej+$NT_RUN@example.vn\" and (.subject | contains(\"$NT_REJ không được\")))][0].text // \"\"" | tr '\n' ' ')"
expect_match "publish: the link to read and rate the answer" \
    "tra-cuu.html\\?code=$NT_ANS" \
    "$(nt_mails | jq -r "[.[] | select(.to == \"ans+$NT_RUN@example.vn\" and (.subject | startswith(\"Đã có\")))][0].text // \"\"")"
expect_eq "workflow: no other step sends the citizen a mail (receipt + published)" 2 \
    "$(nt_mail_count ".to == \"ans+$NT_RUN@example.vn\"")"

# ------------------------------------------------------------ staff
# Staff are told in the console, by role and unit (the accounts handed to
# notify-svc by the gateway), and by e-mail for the kinds each chooses.
nt_staff() { # KEY ROLES UNIT EMAIL
    e2e_user NT_TOK "$1" "$2" "$3" "e2e.nt-$1-$NT_RUN" "Cán bộ $1" || fail "setup: $1 logs in" "status $HTTP_STATUS"
    NT_UID[$1]=$E2E_UID
    nt_call admin PATCH "/api/v1/users/$E2E_UID" "{\"email\": \"$4\"}"
}
declare -gA NT_UID=()
nt_staff h1 '["handler"]' "$NT_UNIT" "h1+$NT_RUN@skhdt.bacninh.gov.vn"
expect_eq "staff: an admin sets a member's e-mail address" "200 h1+$NT_RUN@skhdt.bacninh.gov.vn" \
    "$HTTP_STATUS $(body_jq .email)"
nt_call admin PATCH "/api/v1/users/${NT_UID[h1]}" '{"email": "not an address"}'
expect_eq "staff: a wrong address -> 422 naming email" "422 true" "$(problem_names email)"
http GET '/api/v1/units?per_page=100'
NT_UNIT2=$(body_jq "[.items[] | select(.id != $NT_UNIT)][0].id")
nt_staff h2 '["handler"]' "$NT_UNIT2" "h2+$NT_RUN@skhdt.bacninh.gov.vn"
nt_staff i1 '["inspector"]' null "i1+$NT_RUN@skhdt.bacninh.gov.vn"
nt_synced() {
    [ "$(db_sql "SELECT count(*) FROM notify.users WHERE user_id IN (${NT_UID[h1]}, ${NT_UID[h2]}, ${NT_UID[i1]}) AND email LIKE '%+$NT_RUN@%'")" = 3 ]
}
if wait_until 15 nt_synced; then pass "staff: the accounts reach notify-svc (users.sync), addresses included"; else
    fail "staff: the accounts reach notify-svc" "$(db_sql "SELECT user_id, email FROM notify.users")"
fi
nt_call h1 PUT /api/v1/notifications/preferences '{"items": [{"kind": "feedback.assigned", "email": true}]}'
expect_eq "staff: h1 asks for mail of items assigned to its unit" "200 true true h1+$NT_RUN@skhdt.bacninh.gov.vn" \
    "$HTTP_STATUS $(body_jq '[.items[] | select(.kind == "feedback.assigned")][0] | "\(.email) \(.for_you)"') $(body_jq .email)"
expect_eq "staff: its own roles' kinds first" "feedback.assigned" "$(body_jq '.items[0].kind')"
nt_call h1 PUT /api/v1/notifications/preferences '{"items": [{"kind": "feedback.lost", "email": true}]}'
expect_eq "staff: an unknown kind -> 422 naming it" "422 true" "$(problem_names 'items[0].kind')"
nt_call anon GET /api/v1/notifications -
expect_eq "staff: notifications need a login -> 401" 401 "$HTTP_STATUS"

nt_submit "Giao cho đơn vị $NT_RUN" "staff+$NT_RUN@example.vn"
NT_SID=$NT_ID NT_SCODE=$NT_CODE
nt_call i1 POST "/api/v1/feedback/$NT_SID/accept" "{\"unit_id\": $NT_UNIT}"
expect_eq "staff: the inspector assigns an item to h1's unit" "200 assigned" "$HTTP_STATUS $(body_jq .status)"
nt_told() { # WHO TEXT
    nt_call "$1" GET '/api/v1/notifications?per_page=50' -
    [ "$(body_jq --arg t "$2" '[.items[] | select(.title | contains($t))] | length')" -ge 1 ]
}
if wait_until 15 nt_told h1 "$NT_SCODE được giao cho đơn vị"; then
    pass "staff: the unit's handler is told in the console"
else
    fail "staff: the unit's handler is told" "$HTTP_BODY"
fi
expect_eq "staff: with a link to the item, unread" "/admin/phan-anh.html?id=$NT_SID false true" \
    "$(body_jq --arg t "$NT_SCODE" '[.items[] | select(.title | contains($t))][0] | "\(.link) \(.read_at != null) \(.created_at | test("\\+07:00$"))"')"
NT_NOTE=$(body_jq --arg t "$NT_SCODE" '[.items[] | select(.title | contains($t))][0].id')
NT_UNREAD=$(body_jq .unread)
nt_wait_mails 1 ".to == \"h1+$NT_RUN@skhdt.bacninh.gov.vn\"" || true
expect_eq "staff: and by e-mail, as chosen" "[Loa] Phản ánh, kiến nghị $NT_SCODE được giao cho đơn vị" \
    "$(nt_mails | jq -r "[.[] | select(.to == \"h1+$NT_RUN@skhdt.bacninh.gov.vn\")][0].subject // \"\"")"
expect_match "staff: the mail links the console's page" "$LOA_PUBLIC_URL/admin/phan-anh.html\\?id=$NT_SID" \
    "$(nt_mails | jq -r "[.[] | select(.to == \"h1+$NT_RUN@skhdt.bacninh.gov.vn\")][0].text // \"\"")"
nt_call h2 GET '/api/v1/notifications?per_page=50' -
expect_eq "staff: another unit's handler is not told" 0 \
    "$(body_jq --arg t "$NT_SCODE" '[.items[] | select(.title | contains($t))] | length')"
nt_call h2 POST "/api/v1/notifications/$NT_NOTE/read" -
expect_eq "staff: nor can it mark h1's read -> 404" 404 "$HTTP_STATUS"
nt_call h1 POST "/api/v1/notifications/$NT_NOTE/read" -
expect_eq "staff: h1 marks it read" "200 true" "$HTTP_STATUS $(body_jq '.read_at != null')"
nt_call h1 GET '/api/v1/notifications?unread=true' -
expect_eq "staff: one fewer unread" "$((NT_UNREAD - 1))" "$(body_jq .unread)"
nt_call h1 POST "/api/v1/feedback/$NT_SID/answer" '{"answer": "Đơn vị đã xử lý theo đề nghị.", "publish": true}'
if wait_until 15 nt_told i1 "$NT_SCODE chờ phê duyệt"; then
    pass "staff: an answer waiting for approval is told to the Inspectorate"
else
    fail "staff: the Inspectorate is told of the answer" "$HTTP_BODY"
fi
expect_eq "staff: the inspector chose no mail: none" 0 "$(nt_mail_count ".to == \"i1+$NT_RUN@skhdt.bacninh.gov.vn\"")"
nt_call i1 POST /api/v1/notifications/read-all -
expect_eq "staff: read-all marks every one" "200 true" "$HTTP_STATUS $(body_jq '.marked >= 1')"
nt_call i1 GET /api/v1/notifications -
expect_eq "staff: none unread after" 0 "$(body_jq .unread)"

# The daily digest (a sweep, not an event): a unit of the test's own, so
# that its digest of today is still to come; an item of it made overdue.
NT_RUN_UC=$(printf '%s' "$NT_RUN" | tr 'a-f' 'A-F')
nt_call admin POST /api/v1/units "{\"code\": \"NT-$NT_RUN_UC\", \"name\": \"Phòng Thử thông báo $NT_RUN\"}"
NT_DUNIT=$(body_jq '.id // 0')
nt_staff hd '["handler"]' "$NT_DUNIT" ""
nt_synced3() { [ "$(db_sql "SELECT count(*) FROM notify.users WHERE user_id = ${NT_UID[hd]} AND unit_id = $NT_DUNIT")" = 1 ]; }
wait_until 15 nt_synced3 || fail "digest: the unit's handler reaches notify-svc" "not in 15 s"
nt_submit "Quá hạn $NT_RUN" "overdue+$NT_RUN@example.vn"
NT_OCODE=$NT_CODE
nt_accept_new_unit() { nt_call i1 POST "/api/v1/feedback/$NT_ID/accept" "{\"unit_id\": $NT_DUNIT}" && [ "$HTTP_STATUS" = 200 ]; }
wait_until 10 nt_accept_new_unit || fail "digest: the item is assigned to the new unit" "status $HTTP_STATUS"
db_sql "UPDATE feedback.feedback SET due_at = now() - interval '2 days' WHERE id = $NT_ID" >/dev/null
if wait_until 15 nt_told hd "Đơn vị có 1 phản ánh, kiến nghị quá hạn và 0 sắp đến hạn trả lời"; then
    pass "digest: the unit's handler is told of its overdue item, by the daily sweep"
else
    fail "digest: the unit's handler is told by the daily sweep" "$HTTP_BODY"
fi
expect_eq "digest: naming it" "$NT_OCODE" \
    "$(body_jq '[.items[] | select(.kind == "feedback.due")][0].body')"
sleep 1
nt_call hd GET '/api/v1/notifications?per_page=50' -
expect_eq "digest: once a day, not at every sweep" 1 "$(body_jq '[.items[] | select(.kind == "feedback.due")] | length')"

# Articles: the reviewers are told of a submission, the author of the verdict.
nt_staff ed2 '["editor"]' "$NT_UNIT" ""
nt_staff rev2 '["reviewer"]' null ""
nt_synced2() { [ "$(db_sql "SELECT count(*) FROM notify.users WHERE user_id IN (${NT_UID[ed2]}, ${NT_UID[rev2]})")" = 2 ]; }
wait_until 15 nt_synced2 || fail "staff: the editor and reviewer reach notify-svc" "not in 15 s"
http GET '/api/v1/topics?per_page=1'
nt_call ed2 POST /api/v1/articles "$(jq -nc --arg t "Bài gửi duyệt $NT_RUN" --argjson tp "[$(body_jq '.items[0].id')]" \
    '{title: $t, summary: "Tóm tắt", body: "Nội dung.", topic_ids: $tp}')"
NT_AID=$(body_jq .id)
nt_call ed2 POST "/api/v1/articles/$NT_AID/submit" '{}'
if wait_until 15 nt_told rev2 "Bài viết chờ duyệt: Bài gửi duyệt $NT_RUN"; then
    pass "staff: a reviewer is told of an article submitted"
else
    fail "staff: a reviewer is told of an article submitted" "$HTTP_BODY"
fi
nt_call rev2 POST "/api/v1/articles/$NT_AID/reject" '{"reason": "Cần bổ sung nguồn tin"}'
if wait_until 15 nt_told ed2 "Bài viết bị trả lại: Bài gửi duyệt $NT_RUN"; then
    pass "staff: the author is told it was sent back"
else
    fail "staff: the author is told it was sent back" "$HTTP_BODY"
fi
expect_eq "staff: with the reviewer's reason" "Lý do: Cần bổ sung nguồn tin" \
    "$(body_jq '[.items[] | select(.title | startswith("Bài viết bị trả lại"))][0].body')"

# ------------------------------------------------------------ templates
NT_TPL=$LOA_NOTIFY_TEMPLATES/feedback.received.subject.txt
cp "$NT_TPL" "$T_TMP/subject.orig"
printf '[Sở KH&ĐT] Mã {{tracking_code}} đã được tiếp nhận\n' >"$NT_TPL"
nt_submit "Mẫu thư mới $NT_RUN" "tpl+$NT_RUN@example.vn"
nt_wait_mails 1 ".to == \"tpl+$NT_RUN@example.vn\"" || true
expect_eq "templates: an edited subject applies to the next mail, no restart" \
    "[Sở KH&ĐT] Mã $NT_CODE đã được tiếp nhận" \
    "$(nt_mails | jq -r "[.[] | select(.to == \"tpl+$NT_RUN@example.vn\")][0].subject // \"\"")"
printf 'Mã {{tracking_cod}}\n' >"$NT_TPL"
nt_submit "Mẫu thư hỏng $NT_RUN" "broken+$NT_RUN@example.vn"
sleep 2
expect_eq "templates: a broken one holds its mail back, nothing sent" 0 \
    "$(nt_mail_count ".to == \"broken+$NT_RUN@example.vn\"")"
expect_match "templates: and the log names the file and the mistake" \
    "feedback.received.subject.txt: line 1: unknown name \{\{tracking_cod\}\}" \
    "$(grep -o 'feedback.received.subject.txt: line 1: unknown name {{tracking_cod}}' "$STACK_DIR/logs/notify-svc.log" | tail -1)"
cp "$T_TMP/subject.orig" "$NT_TPL"
if nt_wait_mails 1 ".to == \"broken+$NT_RUN@example.vn\"" 30; then
    pass "templates: mended, the held mail goes (nothing lost)"
else
    fail "templates: mended, the held mail goes" "none in 30 s"
fi

# ------------------------------------------------------------ mail server down
mail_sink_stop
for i in 1 2 3 4 5; do nt_submit "Khi máy chủ thư ngừng $i $NT_RUN" "down$i+$NT_RUN@example.vn"; done
sleep 2
nt_call admin GET "/api/v1/notifications/deliveries?status=queued&channel=email&per_page=100" -
expect_eq "mail down: the five wait in the queue, each tried and put off" "5 true true" \
    "$(body_jq "[.items[] | select(.recipient | test(\"^down[0-9]\\\\+$NT_RUN@\"))] | \"\(length) \(all(.attempts >= 1)) \(all(.last_error != \"\" and .next_attempt_at != \"\"))\"")"
mail_sink_start || fail "mail down: the sink starts again" "see $T_TMP/mail-sink.log"
nt_wait_mails 5 ".to | test(\"^down[0-9]\\\\+$NT_RUN@\")" 30 || true
sleep 1
expect_eq "mail down, then up: every mail arrives, once" "5 5" \
    "$(nt_mails | jq -r "[.[] | select(.to | test(\"^down[0-9]\\\\+$NT_RUN@\"))] | \"\(length) \(map(.message_id) | unique | length)\"")"

# ------------------------------------------------------------ refused address
nt_submit "Hộp thư không tồn tại $NT_RUN" "refused@example.vn"
sleep 2
nt_call admin GET "/api/v1/notifications/deliveries?status=failed&per_page=100" -
expect_eq "refused: a 550 fails it for good at once (one attempt), visible to admins" "200 1 1 550" \
    "$HTTP_STATUS $(body_jq '[.items[] | select(.recipient == "refused@example.vn")] | "\(length) \(.[0].attempts) \(.[0].last_error[0:3])"')"
NT_DID=$(body_jq '[.items[] | select(.recipient == "refused@example.vn")][0].id')
expect_match "refused: the admin sees the Message-ID it had" '^feedback\.[0-9]+\.email\.citizen@skhdt\.bacninh\.gov\.vn$' \
    "$(body_jq '[.items[] | select(.recipient == "refused@example.vn")][0].message_id')"
nt_call admin POST "/api/v1/notifications/deliveries/$NT_DID/retry" -
expect_eq "refused: an admin queues it again, attempts from zero" "200 queued 0" \
    "$HTTP_STATUS $(body_jq '"\(.status) \(.attempts)"')"
nt_wait_failed_again() {
    nt_call admin GET "/api/v1/notifications/deliveries?status=failed&per_page=100" -
    [ "$(body_jq "[.items[] | select(.id == $NT_DID)] | length")" = 1 ]
}
wait_until 10 nt_wait_failed_again || fail "refused: tried again, and refused again" "not failed in 10 s"
expect_eq "refused: and still nothing reached that mailbox" 0 "$(nt_mail_count '.to == "refused@example.vn"')"
nt_call admin GET "/api/v1/notifications/deliveries?status=sent&per_page=1" -
nt_call admin POST "/api/v1/notifications/deliveries/$(body_jq '.items[0].id')/retry" -
expect_eq "refused: a sent one cannot be retried -> 409" 409 "$HTTP_STATUS"
nt_call admin POST "/api/v1/notifications/deliveries/99999999/retry" -
expect_eq "deliveries: an unknown one -> 404" 404 "$HTTP_STATUS"
nt_call admin GET "/api/v1/notifications/deliveries?status=lost" -
expect_eq "deliveries: an unknown status -> 422 naming it" "422 true" "$(problem_names status)"
nt_call insp GET "/api/v1/notifications/deliveries" -
expect_eq "deliveries: admins only (an inspector -> 403)" 403 "$HTTP_STATUS"
nt_call anon GET "/api/v1/notifications/deliveries" -
expect_eq "deliveries: not anonymously -> 401" 401 "$HTTP_STATUS"

# ------------------------------------------------------------ feedback.contact
# The citizen's address is notify-svc's alone: any other program's key (here
# loa-rpc's, whatever caller it names) is refused.
if [ "${LOA_CURVE:-on}" != off ]; then
    NT_RPC_OUT=$("$BUILD/loa-rpc" --in loa.feedback.FeedbackIdRequest --out loa.feedback.Feedback \
        "$LOA_FEEDBACK_RPC" feedback.contact "{\"id\": $NT_ID}" 2>&1)
    expect_match "contact: another program's key is refused" '"status": *"forbidden"' "$NT_RPC_OUT"
    expect_eq "contact: and no address leaks in the answer" "" \
        "$(printf '%s' "$NT_RPC_OUT" | grep -o 'example.vn')"
fi

# ------------------------------------------------------------ webhooks
# A broadcaster's webhook (Standard Webhooks), received by the run's HTTP
# server (LOA_WEBHOOK_ALLOW lets notify-svc reach it there, over http).
nt_bc() {
    nt_call admin POST /api/v1/broadcasters "$(jq -nc --arg n "$1 $NT_RUN" '{name: $n, kind: "tv", embargo_policy: "deliver"}')"
    NT_BC=$(body_jq '.id // empty')
    NT_BC_KEY=$(body_jq '.api_key // empty')
}
nt_bc "Đài Truyền hình có webhook"
NT_B1=$NT_BC NT_B1_KEY=$NT_BC_KEY
nt_bc "Báo không có webhook"
NT_B2=$NT_BC NT_B2_KEY=$NT_BC_KEY
expect_eq "webhook: setup, two broadcasters" true "$([ -n "$NT_B1" ] && [ -n "$NT_B2_KEY" ] && echo true || echo false)"
NT_HOOK=http://127.0.0.1:$HTTP_SINK_PORT/hook/b$NT_B1
nt_put_hook() { nt_call admin PUT "/api/v1/broadcasters/$1/webhook" "$(jq -nc --arg u "$2" '{url: $u}')"; }
for bad in "http://93.184.216.34/hook|phải dùng https" \
    "https://127.0.0.1:8443/hook|mạng nội bộ" "https://10.1.2.3/hook|mạng nội bộ" \
    "https://192.168.1.10/hook|mạng nội bộ" "https://169.254.169.254/latest/meta-data|mạng nội bộ" \
    "https://[::1]/hook|mạng nội bộ" "https://[fd00::1]/hook|mạng nội bộ" "https://localhost/hook|mạng nội bộ" \
    "https://198.18.0.1/hook|mạng nội bộ" "https://[::ffff:127.0.0.1]/hook|mạng nội bộ" \
    "https://user:pw@93.184.216.34/hook|tên người dùng" "ftp://93.184.216.34/x|https" \
    "https://khong-co-may-chu-nay.invalid/hook|không phân giải được" "not a url|URL"; do
    nt_put_hook "$NT_B1" "${bad%%|*}"
    expect_eq "webhook: ${bad%%|*} refused, 422 naming url" "422 true true" \
        "$(problem_names url) $(body_jq --arg w "${bad#*|}" '[.errors[]? | select(.field == "url") | .message | contains($w)] | any')"
done
nt_put_hook 99999999 "$NT_HOOK"
expect_eq "webhook: an unknown broadcaster -> 404" 404 "$HTTP_STATUS"
nt_call insp PUT "/api/v1/broadcasters/$NT_B1/webhook" "{\"url\": \"$NT_HOOK\"}"
expect_eq "webhook: admins only (an inspector -> 403)" 403 "$HTTP_STATUS"
nt_put_hook "$NT_B1" "$NT_HOOK"
NT_SECRET=$(body_jq '.secret // empty')
expect_eq "webhook: set, the secret shown (whsec_ and 32 bytes in base64)" "200 $NT_HOOK true" \
    "$HTTP_STATUS $(body_jq .url) $([[ $NT_SECRET =~ ^whsec_[A-Za-z0-9+/]{43}=$ ]] && echo true || echo false)"
nt_call admin GET "/api/v1/broadcasters/$NT_B1/webhook" -
expect_eq "webhook: read again, without its secret" "200 $NT_HOOK " "$HTTP_STATUS $(body_jq .url) $(body_jq '.secret // ""')"

# nt_hooks FILTER: the webhook requests the HTTP server kept for broadcaster 1.
nt_hooks() {
    find "$HTTP_SINK_DIR" -name '*.json' -exec cat {} + 2>/dev/null |
        jq -s -c "[.[] | select(.path | startswith(\"/hook/b$NT_B1\")) | .payload = (.body | fromjson) | select($1)]"
}
nt_wait_hook() {
    local end=$(($(date +%s) + ${2:-20}))
    while [ "$(date +%s)" -lt "$end" ]; do
        [ "$(nt_hooks "$1" | jq length)" -ge 1 ] && return 0
        sleep 0.2
    done
    return 1
}
# nt_verify REQUEST_JSON: the Standard Webhooks verification, by the
# specification's algorithm, in Python: "ok" or why not.
nt_verify() {
    printf '%s' "$1" | NT_SECRET=$NT_SECRET /usr/bin/python3 -c '
import base64, hashlib, hmac, json, os, sys, time
r = json.load(sys.stdin)
h = r["headers"]
key = base64.b64decode(os.environ["NT_SECRET"][len("whsec_"):])
signed = ("%s.%s.%s" % (h["webhook-id"], h["webhook-timestamp"], r["body"])).encode()
want = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
given = [s.split(",", 1)[1] for s in h["webhook-signature"].split() if s.startswith("v1,")]
if not any(hmac.compare_digest(want, g) for g in given):
    print("signature mismatch")
elif abs(time.time() - int(h["webhook-timestamp"])) > 300:
    print("timestamp out of tolerance")
else:
    print("ok")'
}
nt_call admin POST "/api/v1/broadcasters/$NT_B1/webhook/test" -
expect_eq "webhook: a test is queued" "200 webhook queued" "$HTTP_STATUS $(body_jq .channel) $(body_jq .status)"
NT_TEST_KEY=$(body_jq .key)
if nt_wait_hook '.payload.type == "webhook.test"'; then pass "webhook: the test arrives"; else
    fail "webhook: the test arrives" "none in 20 s; $(tail -2 "$T_TMP/http-sink.log")"
fi
NT_REQ=$(nt_hooks '.payload.type == "webhook.test"' | jq -c '.[0] // {}')
expect_eq "webhook: its signature verifies (Standard Webhooks, the secret given)" ok "$(nt_verify "$NT_REQ")"
expect_eq "webhook: webhook-id is the delivery's key; JSON; {type, timestamp, data}" \
    "$NT_TEST_KEY application/json $NT_B1" \
    "$(printf '%s' "$NT_REQ" | jq -r '"\(.headers["webhook-id"]) \(.headers["content-type"]) \(.payload.data.broadcaster_id)"')"

# A package for broadcaster 1: its webhook is told; broadcaster 2 (no
# webhook) gets nothing queued.
e2e_user NT_TOK ed '["editor"]' "$NT_UNIT" "e2e.nt-ed-$NT_RUN" "Biên tập viên" || fail "setup: the editor logs in" "$HTTP_STATUS"
e2e_user NT_TOK rev '["reviewer"]' null "e2e.nt-rev-$NT_RUN" "Người duyệt" || fail "setup: the reviewer logs in" "$HTTP_STATUS"
http GET '/api/v1/topics?per_page=1'
NT_TOPIC=$(body_jq '.items[0].id // 0')
e2e_publish NT_TOK ed rev "$(jq -nc --arg t "Tin cho đài truyền hình $NT_RUN" --argjson tp "[$NT_TOPIC]" \
    '{title: $t, summary: "Tóm tắt", body: "Nội dung bài viết.", topic_ids: $tp}')"
NT_ART=$E2E_ID
nt_pkg_try() {
    nt_call rev POST /api/v1/media/packages "{\"article_id\": $NT_ART, \"asset_ids\": [], \"broadcaster_ids\": [$NT_B1, $NT_B2]}"
    [ "$HTTP_STATUS" = 201 ]
}
wait_until 20 nt_pkg_try || fail "webhook: setup, a package for both broadcasters" "status $HTTP_STATUS $(body_jq .detail)"
NT_PKG=$(body_jq '.id // empty')
if nt_wait_hook ".payload.type == \"package.new\" and .payload.data.package_id == ${NT_PKG:-0}" 30; then
    pass "webhook: a new package's version arrives"
else
    fail "webhook: a new package's version arrives" "none in 30 s"
fi
NT_REQ=$(nt_hooks ".payload.type == \"package.new\" and .payload.data.package_id == ${NT_PKG:-0}" | jq -c '.[0] // {}')
expect_eq "webhook: signed" ok "$(nt_verify "$NT_REQ")"
expect_eq "webhook: version 1, usable, the article's, pointing at its ninjs document" \
    "1 usable $NT_ART $LOA_PUBLIC_URL/api/v1/media/packages/$NT_PKG/versions/1" \
    "$(printf '%s' "$NT_REQ" | jq -r '.payload.data | "\(.version) \(.pub_status) \(.article_id) \(.ninjs)"')"
http GET "/api/v1/media/packages/$NT_PKG/versions/1" -H "X-Api-Key: $NT_B1_KEY"
expect_eq "webhook: the pointer gives the ninjs document with the broadcaster's key" "200 1" \
    "$HTTP_STATUS $(body_jq .version)"
expect_eq "webhook: nothing queued for the broadcaster without one" 0 \
    "$(db_sql "SELECT count(*) FROM notify.deliveries WHERE broadcaster_id = $NT_B2")"
nt_call rev POST "/api/v1/media/packages/$NT_PKG/cancel" '{"reason": "Thông tin chưa chính xác"}'
if nt_wait_hook ".payload.type == \"package.canceled\" and .payload.data.package_id == ${NT_PKG:-0}" 30; then
    pass "webhook: a cancellation arrives (package.canceled, version 2)"
else
    fail "webhook: a cancellation arrives" "none in 30 s (cancel: $HTTP_STATUS)"
fi

# The delivery log: the broadcaster's own, and the admins'.
http GET /api/v1/media/webhook-deliveries -H "X-Api-Key: $NT_B1_KEY"
expect_eq "webhook log: the broadcaster sees its own, sent, with the receiver's answer" "200 true true" \
    "$HTTP_STATUS $(body_jq "[.items[] | .broadcaster_id == $NT_B1] | all") $(body_jq '[.items[] | select(.status == "sent") | .provider_response | startswith("200")] | (length >= 3 and all)')"
http GET "/api/v1/media/webhook-deliveries?broadcaster_id=$NT_B1" -H "X-Api-Key: $NT_B2_KEY"
expect_eq "webhook log: not another broadcaster's -> 403" 403 "$HTTP_STATUS"
nt_call admin GET "/api/v1/media/webhook-deliveries?broadcaster_id=$NT_B1" -
expect_eq "webhook log: an admin sees any broadcaster's" "200 true" \
    "$HTTP_STATUS $(body_jq '.total >= 3')"
nt_call anon GET /api/v1/media/webhook-deliveries -
expect_eq "webhook log: not anonymously -> 401" 401 "$HTTP_STATUS"

# A receiver that fails is tried again; a webhook removed fails what waits.
nt_put_hook "$NT_B1" "http://127.0.0.1:$HTTP_SINK_PORT/status/503/hook/b$NT_B1"
nt_call admin POST "/api/v1/broadcasters/$NT_B1/webhook/test" -
NT_FAIL_KEY=$(body_jq .key)
nt_retried() { [ "$(db_sql "SELECT attempts >= 2 AND status = 'queued' AND last_error LIKE '503%' FROM notify.deliveries WHERE key = '$NT_FAIL_KEY'")" = t ]; }
if wait_until 15 nt_retried; then pass "webhook: a 503 is tried again, still queued"; else
    fail "webhook: a 503 is tried again" "$(db_sql "SELECT status, attempts, last_error FROM notify.deliveries WHERE key = '$NT_FAIL_KEY'")"
fi
nt_call admin DELETE "/api/v1/broadcasters/$NT_B1/webhook" -
expect_eq "webhook: removed -> 204" 204 "$HTTP_STATUS"
nt_gave_up() { [ "$(db_sql "SELECT status FROM notify.deliveries WHERE key = '$NT_FAIL_KEY'")" = failed ]; }
if wait_until 15 nt_gave_up; then pass "webhook: what waited for it fails, said why"; else
    fail "webhook: what waited for it fails" "$(db_sql "SELECT status, last_error FROM notify.deliveries WHERE key = '$NT_FAIL_KEY'")"
fi
nt_call admin DELETE "/api/v1/broadcasters/$NT_B1/webhook" -
expect_eq "webhook: removed twice -> 404" 404 "$HTTP_STATUS"

# ------------------------------------------------------------ TLS and AUTH
# notify-svc against servers that require STARTTLS and a login, or speak
# TLS from the first byte (smtps), with a certificate of the test's own CA
# (LOA_SMTP_CA_FILE); a wrong password and a server without STARTTLS keep
# the mail queued, never sent in clear.
NT_TLS=$T_TMP/notify-tls
mkdir -p "$NT_TLS"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$NT_TLS/key.pem" -out "$NT_TLS/cert.pem" -days 2 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
(umask 077 && printf 'mat-khau-thu-thu\n' >"$NT_TLS/password")
NT_TLS_PORT=$(stack_free_base)
NT_TLS_PIDS=()
for nt_mode in starttls smtps; do
    nt_port=$((NT_TLS_PORT + (${#NT_TLS_PIDS[@]})))
    nt_flag=()
    [ $nt_mode = smtps ] && nt_flag=(--smtps)
    /usr/bin/python3 tools/mail-sink.py --listen "127.0.0.1:$nt_port" --dir "$NT_TLS/$nt_mode" \
        --tls-cert "$NT_TLS/cert.pem" --tls-key "$NT_TLS/key.pem" --auth loa:mat-khau-thu-thu \
        "${nt_flag[@]}" >>"$NT_TLS/$nt_mode.log" 2>&1 &
    NT_TLS_PIDS+=($!)
done
nt_tls_up() { ! port_free "$NT_TLS_PORT" && ! port_free $((NT_TLS_PORT + 1)); }
wait_until 10 nt_tls_up || fail "tls: the two TLS mail servers start" "$(tail -2 "$NT_TLS"/*.log)"
# nt_notify_with VAR=VALUE...: notify-svc started again with these settings.
nt_notify_with() {
    stack_kill notify-svc
    (
        for nt_kv in "$@"; do export "${nt_kv?}"; done
        stack_start notify-svc
    )
}
nt_tls_mail() { # MODE TO: the line the server logged for the mail to TO
    grep -h " $2 " "$NT_TLS/$1.log" 2>/dev/null | tail -1
}
nt_notify_with LOA_SMTP_URL="smtp://127.0.0.1:$NT_TLS_PORT" LOA_SMTP_TLS=starttls LOA_SMTP_USER=loa \
    LOA_SMTP_PASSWORD_FILE="$NT_TLS/password" LOA_SMTP_CA_FILE="$NT_TLS/cert.pem"
nt_submit "Qua STARTTLS $NT_RUN" "starttls+$NT_RUN@example.vn"
nt_starttls() { nt_tls_mail starttls "starttls+$NT_RUN@example.vn" | grep -q .; }
wait_until 20 nt_starttls || true
expect_match "tls: STARTTLS then AUTH (the password from a file), the certificate checked against LOA_SMTP_CA_FILE" \
    "\\[tls=yes auth=loa\\]$" "$(nt_tls_mail starttls "starttls+$NT_RUN@example.vn")"
nt_notify_with LOA_SMTP_URL="smtps://127.0.0.1:$((NT_TLS_PORT + 1))" LOA_SMTP_USER=loa \
    LOA_SMTP_PASSWORD_FILE="$NT_TLS/password" LOA_SMTP_CA_FILE="$NT_TLS/cert.pem"
nt_submit "Qua SMTPS $NT_RUN" "smtps+$NT_RUN@example.vn"
nt_smtps() { nt_tls_mail smtps "smtps+$NT_RUN@example.vn" | grep -q .; }
wait_until 20 nt_smtps || true
expect_match "tls: implicit TLS (smtps://) with AUTH" "\\[tls=yes auth=loa\\]$" \
    "$(nt_tls_mail smtps "smtps+$NT_RUN@example.vn")"
nt_notify_with LOA_SMTP_URL="smtp://127.0.0.1:$NT_TLS_PORT" LOA_SMTP_TLS=starttls LOA_SMTP_USER=loa \
    LOA_SMTP_PASSWORD=sai-mat-khau LOA_SMTP_CA_FILE="$NT_TLS/cert.pem"
nt_submit "Sai mật khẩu $NT_RUN" "wrongpw+$NT_RUN@example.vn"
nt_login_refused() { [ "$(db_sql "SELECT status = 'queued' AND attempts >= 1 AND last_error LIKE '%535%' FROM notify.deliveries WHERE recipient = 'wrongpw+$NT_RUN@example.vn'")" = t ]; }
if wait_until 20 nt_login_refused; then pass "tls: a refused login (535) keeps the mail queued, to be tried again"; else
    fail "tls: a refused login keeps the mail queued" "$(db_sql "SELECT status, attempts, last_error FROM notify.deliveries WHERE recipient = 'wrongpw+$NT_RUN@example.vn'")"
fi
nt_notify_with LOA_SMTP_TLS=starttls
nt_submit "Không có STARTTLS $NT_RUN" "clear+$NT_RUN@example.vn"
nt_not_clear() { [ "$(db_sql "SELECT status = 'queued' AND attempts >= 1 FROM notify.deliveries WHERE recipient = 'clear+$NT_RUN@example.vn'")" = t ]; }
if wait_until 20 nt_not_clear; then pass "tls: STARTTLS required and not offered: queued, not sent in clear"; else
    fail "tls: STARTTLS required and not offered" "$(db_sql "SELECT status, attempts, last_error FROM notify.deliveries WHERE recipient = 'clear+$NT_RUN@example.vn'")"
fi
expect_eq "tls: and nothing reached the server in clear" 0 "$(nt_mail_count ".to == \"clear+$NT_RUN@example.vn\"")"
nt_notify_with
kill -TERM "${NT_TLS_PIDS[@]}" 2>/dev/null
wait "${NT_TLS_PIDS[@]}" 2>/dev/null
if nt_wait_mails 1 ".to == \"wrongpw+$NT_RUN@example.vn\"" 30 && nt_wait_mails 1 ".to == \"clear+$NT_RUN@example.vn\"" 30; then
    pass "tls: set right again, what waited goes"
else
    fail "tls: set right again, what waited goes" "not in 30 s"
fi

# ------------------------------------------------------------ kill -9 in a burst
# 200 citizens submit at once, 8 at a time; notify-svc is killed (SIGKILL)
# once a quarter of their receipts are out, then started again.
NT_BURST=$T_TMP/notify-burst
mkdir -p "$NT_BURST"
nt_burst_one() {
    local i=$1 body
    body=$(jq -nc --arg t "Đợt gửi $i $NT_RUN" --arg e "burst$i+$NT_RUN@example.vn" '{kind: "report", title: $t,
        content: "Thủ tục cấp giấy phép kéo dài quá thời hạn quy định.",
        submitter: {name: "Lê Văn Cường", address: "1 Lý Thái Tổ, Bắc Ninh", phone: "0987 654 321", email: $e}}')
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 -X POST "$GW/api/v1/feedback" \
        -H 'Content-Type: application/json' -H "X-Forwarded-For: 10.92.$((i / 250)).$((i % 250 + 1))" \
        --data-binary "$body" >"$NT_BURST/$i"
}
export -f nt_burst_one
export GW NT_RUN NT_BURST
seq 200 | xargs -P 8 -I{} bash -c 'nt_burst_one {}' &
NT_XARGS=$!
NT_BURST_RE="^burst[0-9]+\\\\+$NT_RUN@"
nt_wait_mails 50 ".to | test(\"$NT_BURST_RE\")" 60 || true
stack_kill notify-svc
NT_AT_KILL=$(nt_mail_count ".to | test(\"$NT_BURST_RE\")")
sleep 1
stack_start notify-svc
wait "$NT_XARGS"
expect_eq "burst: 200 submissions, every one 201" "200" "$(cat "$NT_BURST"/* | grep -c '^201$')"
nt_wait_mails 200 ".to | test(\"$NT_BURST_RE\")" 90 || true
sleep 1
# Each citizen's receipt arrives, with a Message-ID of its own. SMTP leaves
# one instant open (RFC 1047): killed after the server took a mail and
# before the commit, notify-svc sends that mail again on restart, with the
# same Message-ID, by which mailboxes know it (docs/notifications.md). So:
# 200 Message-IDs for 200 citizens, and at most the one in flight at the
# kill arrives twice, as the same message.
NT_GOT=$(nt_mails | jq -r "[.[] | select(.to | test(\"$NT_BURST_RE\"))] |
    \"\(map(.message_id) | unique | length) \(map(.to) | unique | length) \([group_by(.message_id)[] | select(length > 1)] | length) \(all(group_by(.to)[]; (map(.message_id) | unique | length) == 1))\"")
expect_eq "burst: killed at $NT_AT_KILL of 200 mails: 200 receipts, one Message-ID per citizen" \
    "200 200" "${NT_GOT% * *}"
NT_TWICE=$(printf '%s' "$NT_GOT" | cut -d' ' -f3)
expect_eq "burst: mails sent again ($NT_TWICE): at most the one in flight at the kill, the same message" \
    "true true" "$([ "$NT_TWICE" -le 1 ] && echo true || echo false) $(printf '%s' "$NT_GOT" | cut -d' ' -f4)"
expect_eq "burst: every delivery sent, none failed" "200 sent" \
    "$(db_sql "SELECT count(*) || ' ' || string_agg(DISTINCT status, ',') FROM notify.deliveries WHERE recipient ~ '^burst[0-9]+\\+$NT_RUN@'")"
