# Citizens' attachments to feedback (docs/api/feedback.md "Attachments";
# docs/decisions/0030-citizen-attachments.md): anyone uploads a JPEG, PNG or
# PDF (typed from its bytes, at most 10 MB, throttled per address) and names
# up to 5 in a submission; each is checked (exists, is a citizen's
# attachment, used by no other item) and claimed in media-svc; staff who may
# see the item read them (inspector, leader, the handler of its unit), nobody
# else, never through /api/v1/assets, tracking or Open311; attachments never
# used are swept with their blobs (media-svc restarted with a period of
# seconds), those used stay.
# Sourced by tests/run.sh (lib.sh helpers, $GW, $T_TMP, $PG_BIN, $LOA_PG_PORT).
# shellcheck shell=bash

AT_DIR=$T_TMP/attachments
mkdir -p "$AT_DIR"
AT_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
AT_XFF=0
declare -gA AT_TOK=()

at_jq() { body_jq "$@"; }
at_call() { e2e_call AT_TOK "$@"; }
# at_addr: a fresh citizen address (the intake throttle counts per address).
at_addr() {
    AT_XFF=$((AT_XFF + 1))
    AT_ADDR="10.94.$((AT_XFF / 250)).$((AT_XFF % 250 + 1))"
}
# at_upload FILE [CONTENT_TYPE] [curl args]: POST /api/v1/feedback/attachments
# from a fresh address; AT_ID is the new id.
at_upload() {
    local file=$1 type=${2:-application/octet-stream}
    shift 2 2>/dev/null || shift $#
    at_addr
    http POST /api/v1/feedback/attachments -H "Content-Type: $type" -H "X-Forwarded-For: $AT_ADDR" \
        --data-binary "@$file" "$@"
    AT_ID=$(at_jq '.id // empty')
}
# at_submit IDS_JSON: a citizen's submission naming those attachments.
at_submit() {
    at_addr
    at_call anon POST /api/v1/feedback "$(jq -nc --argjson ids "$1" --arg t "Hồ sơ kèm ảnh chụp $AT_RUN" '{
        kind: "report", title: $t, attachment_ids: $ids,
        content: "Ảnh chụp bảng niêm yết thủ tục tại Bộ phận một cửa đã hết hiệu lực.",
        submitter: {name: "Vũ Thị Lan", address: "3 Lê Văn Thịnh, TP Bắc Ninh",
                    phone: "0915 222 333", email: "vu.thi.lan@example.vn"}}')" -H "X-Forwarded-For: $AT_ADDR"
}
at_sha() { sha256sum "$1" | cut -d' ' -f1; }

# shellcheck disable=SC2034 # read by name (at_call -> e2e_call)
AT_TOK[admin]=$(admin_token)
http GET '/api/v1/units?per_page=100'
AT_UNIT=$(at_jq '[.items[] | select(.code == "DKKD")][0].id')
AT_UNIT_B=$(at_jq '[.items[] | select(.code == "THQH")][0].id')
e2e_staff AT_TOK insp '["inspector"]' null "e2e.at-insp-$AT_RUN" "Thanh tra tệp"
e2e_staff AT_TOK lead '["leader"]' null "e2e.at-lead-$AT_RUN" "Lãnh đạo tệp"
e2e_staff AT_TOK handA '["handler"]' "$AT_UNIT" "e2e.at-handa-$AT_RUN" "Cán bộ đơn vị A"
e2e_staff AT_TOK handB '["handler"]' "$AT_UNIT_B" "e2e.at-handb-$AT_RUN" "Cán bộ đơn vị B"
e2e_staff AT_TOK edit '["editor"]' "$AT_UNIT" "e2e.at-edit-$AT_RUN" "Biên tập tệp"

# Files: a PNG, a JPEG and a PDF of their own bytes; text; 10 MB + 1.
e2e_png "$AT_DIR/a.png" 48
python3 - "$AT_DIR" <<'PYEOF'
import os, sys
d = sys.argv[1]
open(d + '/b.jpg', 'wb').write(b'\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00'
                               + os.urandom(2048) + b'\xff\xd9')
open(d + '/c.pdf', 'wb').write(b'%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%' + os.urandom(16).hex().encode()
                               + b'\ntrailer << /Root 1 0 R >>\n%%EOF\n')
open(d + '/t.txt', 'wb').write('Không phải ảnh, chỉ là chữ.\n'.encode() * 20)
png = open(d + '/a.png', 'rb').read()
open(d + '/big.png', 'wb').write(png + b'\0' * (10 * 1024 * 1024 + 1 - len(png)))
open(d + '/max.png', 'wb').write(png + b'\0' * (10 * 1024 * 1024 - len(png)))
PYEOF

# ------------------------------------------------------------ upload
at_upload "$AT_DIR/a.png" image/png
expect_eq "upload: anyone sends a PNG -> 201 {id, mime, size}" "201 [\"id\",\"mime\",\"size\"] image/png $(stat -c %s "$AT_DIR/a.png")" \
    "$HTTP_STATUS $(at_jq -c keys) $(at_jq .mime) $(at_jq .size)"
AT_PNG=$AT_ID
at_upload "$AT_DIR/b.jpg" image/jpeg
expect_eq "upload: a JPEG -> 201 image/jpeg" "201 image/jpeg" "$HTTP_STATUS $(at_jq .mime)"
AT_JPG=$AT_ID
at_upload "$AT_DIR/c.pdf"
expect_eq "upload: a PDF, typed from its bytes whatever Content-Type says -> 201 application/pdf" \
    "201 application/pdf" "$HTTP_STATUS $(at_jq .mime)"
AT_PDF=$AT_ID
expect_eq "upload: the row is a citizen's attachment in media-svc, not an asset" "1 0" \
    "$(db_sql "SELECT (SELECT count(*) FROM media.private_attachments WHERE id = ${AT_PNG:-0} AND feedback_id IS NULL),
                      (SELECT count(*) FROM media.assets WHERE sha256 = '$(at_sha "$AT_DIR/a.png")')" | tr '|' ' ')"
at_upload "$AT_DIR/t.txt" image/png
expect_eq "refused: text declared as a PNG (typed from its bytes) -> 415 naming body" "415 true" "$(problem_names body)"
expect_match "refused: ... in Vietnamese" "chỉ nhận ảnh JPEG, PNG hoặc tệp PDF" "$(at_jq '.errors[0].message')"
at_upload "$AT_DIR/big.png" image/png
expect_eq "refused: 10 MB + 1 byte -> 413 naming body" "413 true" "$(problem_names body)"
at_upload "$AT_DIR/big.png" image/png -H 'Transfer-Encoding: chunked'
expect_eq "refused: 10 MB + 1 byte without Content-Length (chunked) -> 413" 413 "$HTTP_STATUS"
at_upload "$AT_DIR/max.png" image/png
expect_eq "upload: exactly 10 MB is accepted" "201 10485760" "$HTTP_STATUS $(at_jq .size)"
AT_MAX=$AT_ID
: >"$AT_DIR/empty"
at_upload "$AT_DIR/empty" image/png
expect_eq "refused: an empty body -> 422 naming body" "422 true" "$(problem_names body)"
AT_N=0
for _ in $(seq 25); do # LOA_INTAKE_LIMIT is 20
    http POST /api/v1/feedback/attachments -H 'Content-Type: image/png' -H 'X-Forwarded-For: 10.95.0.1' \
        --data-binary "@$AT_DIR/a.png"
    [ "$HTTP_STATUS" = 429 ] && AT_N=$((AT_N + 1))
done
expect_eq "throttle: one address's uploads past LOA_INTAKE_LIMIT (20) are refused 429" 5 "$AT_N"

# ------------------------------------------------------------ submission
at_submit "[$AT_PNG, $AT_JPG, $AT_PDF]"
expect_eq "submit: an item with three attachments -> 201" 201 "$HTTP_STATUS"
AT_ITEM=$(at_jq .id)
AT_CODE=$(at_jq .tracking_code)
expect_eq "submit: media-svc gave the three to the item" 3 \
    "$(db_sql "SELECT count(*) FROM media.private_attachments WHERE feedback_id = ${AT_ITEM:-0}")"
at_call insp GET "/api/v1/feedback/$AT_ITEM" -
expect_eq "submit: the staff's view lists the attachments with type and size" \
    "$AT_PNG:image/png $AT_JPG:image/jpeg $AT_PDF:application/pdf" \
    "$(at_jq '[.attachments[] | "\(.id):\(.mime)"] | join(" ")')"

at_submit "[$AT_PNG]"
expect_eq "refused: an attachment already used by another item -> 422 naming attachment_ids" "422 true" \
    "$(problem_names attachment_ids)"
expect_match "refused: ... in Vietnamese" "đã được dùng cho một phản ánh, kiến nghị khác" \
    "$(at_jq '.errors[0].message')"
at_submit "[987654321]"
expect_eq "refused: an unknown attachment -> 422 naming attachment_ids" "422 true" "$(problem_names attachment_ids)"
at_submit "[1, 2, 3, 4, 5, 6]"
expect_eq "refused: more than 5 attachment ids -> 422 naming attachment_ids" "422 true" "$(problem_names attachment_ids)"
expect_match "refused: ... at most 5" "Tối đa 5" "$(at_jq '.errors[0].message')"
at_submit "[$AT_MAX, $AT_MAX]"
expect_eq "refused: the same id twice -> 422 naming attachment_ids" "422 true" "$(problem_names attachment_ids)"
expect_eq "refused: nothing was stored or claimed by the refused submissions" "0 1" \
    "$(db_sql "SELECT (SELECT count(*) FROM feedback.feedback WHERE title = 'Hồ sơ kèm ảnh chụp $AT_RUN') - 1,
                      (SELECT count(*) FROM media.private_attachments WHERE id = ${AT_MAX:-0} AND feedback_id IS NULL)" | tr '|' ' ')"
# An asset an editor uploaded is not a citizen's attachment.
e2e_png "$AT_DIR/asset.png" 40
at_call edit POST /api/v1/assets - -H 'Content-Type: image/png' --data-binary "@$AT_DIR/asset.png"
AT_ASSET=$(at_jq '.id // empty')
at_submit "[${AT_ASSET:-0}]"
expect_eq "refused: an asset id (not a citizen's attachment) -> 422 naming attachment_ids" "422 true" \
    "$(problem_names attachment_ids)"

# ------------------------------------------------------------ reading
at_try_accept() { at_call insp POST "/api/v1/feedback/$AT_ITEM/accept" "{\"unit_id\": $AT_UNIT}" && [ "$HTTP_STATUS" = 200 ]; }
wait_until 10 at_try_accept
for who in insp lead handA; do
    at_call "$who" GET "/api/v1/feedback/attachments/$AT_PNG" -
    expect_eq "read: $who gets the PNG's bytes (200, image/png, private)" \
        "200 image/png $(at_sha "$AT_DIR/a.png") private, no-store" \
        "$HTTP_STATUS $(header Content-Type) $(at_sha "$T_TMP/body") $(header Cache-Control)"
done
at_call handA GET "/api/v1/feedback/attachments/$AT_PDF" -
expect_eq "read: the PDF comes as application/pdf, named as a download" "200 application/pdf true" \
    "$HTTP_STATUS $(header Content-Type) $(header Content-Disposition | grep -q "phan-anh-$AT_ITEM-tep-$AT_PDF.pdf" && echo true)"
at_call handB GET "/api/v1/feedback/attachments/$AT_PNG" -
expect_eq "refused: the handler of another unit -> 403" 403 "$HTTP_STATUS"
at_call edit GET "/api/v1/feedback/attachments/$AT_PNG" -
expect_eq "refused: an editor -> 403" 403 "$HTTP_STATUS"
http GET "/api/v1/feedback/attachments/$AT_PNG"
expect_eq "refused: anonymous -> 401, no bytes" "401 false" \
    "$HTTP_STATUS $([ "$(at_sha "$T_TMP/body")" = "$(at_sha "$AT_DIR/a.png")" ] && echo true || echo false)"
at_call insp GET "/api/v1/feedback/attachments/$AT_MAX" -
expect_eq "read: an attachment no item holds -> 404" 404 "$HTTP_STATUS"
at_call insp GET "/api/v1/feedback/attachments/abc" -
expect_eq "read: a malformed id -> 404" 404 "$HTTP_STATUS"
for id in "$AT_PNG" "$AT_JPG" "$AT_PDF"; do
    at_call insp GET "/api/v1/assets/$id" -
    [ "$(at_sha "$T_TMP/body")" = "$(at_sha "$AT_DIR/a.png")" ] && break
done
expect_eq "never an asset: /api/v1/assets/{id} never serves a citizen's attachment" false \
    "$([ "$(at_sha "$T_TMP/body")" = "$(at_sha "$AT_DIR/a.png")" ] && echo true || echo false)"
http GET "/api/v1/feedback/track/$AT_CODE"
expect_eq "never public: tracking names no attachment" "200 false" \
    "$HTTP_STATUS $(printf '%s' "$HTTP_BODY" | grep -qi -e attachment -e "\"$AT_PNG\"" && echo true || echo false)"
http GET "/open311/v2/requests/$AT_CODE.json"
expect_eq "never public: Open311 names no attachment (no media_url)" false \
    "$(printf '%s' "$HTTP_BODY" | grep -qi -e attachment -e media_url && echo true || echo false)"

# ------------------------------------------------------------ the sweep
# The same bytes as a used attachment, uploaded again and never used: the
# sweep removes the row but keeps the blob (the used one names it); a file
# of its own, never used, goes with its blob.
at_upload "$AT_DIR/b.jpg" image/jpeg
AT_DUP=$AT_ID
e2e_png "$AT_DIR/lone.png" 24
at_upload "$AT_DIR/lone.png" image/png
AT_LONE=$AT_ID
AT_LONE_SHA=$(at_sha "$AT_DIR/lone.png")
AT_LONE_BLOB="$LOA_MEDIA_DIR/sha256/${AT_LONE_SHA:0:2}/${AT_LONE_SHA:2:2}/$AT_LONE_SHA"
expect_eq "sweep: setup, two unused attachments and the lone one's blob on the volume" "2 true" \
    "$(db_sql "SELECT count(*) FROM media.private_attachments WHERE id IN (${AT_DUP:-0}, ${AT_LONE:-0}) AND feedback_id IS NULL") $([ -f "$AT_LONE_BLOB" ] && echo true || echo false)"
sleep 2
stack_stop media-svc
LOA_ATTACHMENT_UNUSED_S=1 stack_start media-svc
at_swept() {
    [ "$(db_sql "SELECT count(*) FROM media.private_attachments WHERE id IN (${AT_DUP:-0}, ${AT_LONE:-0}, ${AT_MAX:-0})")" = 0 ] &&
        [ ! -e "$AT_LONE_BLOB" ]
}
if wait_until 30 at_swept; then pass "sweep: unused attachments (a period of 1 s) are removed, the lone one's blob with it"; else
    fail "sweep: unused attachments are removed" "$(db_sql "SELECT id FROM media.private_attachments WHERE feedback_id IS NULL AND id IN (${AT_DUP:-0}, ${AT_LONE:-0})") blob $([ -e "$AT_LONE_BLOB" ] && echo kept)"
fi
at_call insp GET "/api/v1/feedback/attachments/$AT_JPG" -
expect_eq "sweep: the used attachment with the same bytes is kept, and still read" \
    "200 $(at_sha "$AT_DIR/b.jpg") 3" \
    "$HTTP_STATUS $(at_sha "$T_TMP/body") $(db_sql "SELECT count(*) FROM media.private_attachments WHERE feedback_id = ${AT_ITEM:-0}")"
at_submit "[${AT_LONE:-0}]"
expect_eq "sweep: a swept attachment can no longer be used -> 422 naming attachment_ids" "422 true" \
    "$(problem_names attachment_ids)"
stack_stop media-svc
stack_start media-svc
at_media_up() { http GET "/readyz?all=1" && [ "$HTTP_STATUS" = 200 ]; }
wait_until 30 at_media_up
