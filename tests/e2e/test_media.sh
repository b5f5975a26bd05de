# Media distribution, first slice (docs/api/media.md): assets and
# broadcasters. Uploads of real PNG, JPEG and MP4 bytes are stored once by
# SHA-256 under the media volume, checked by content (a text file sent as
# image/png is refused), bounded by LOA_UPLOAD_LIMIT (413, nothing left),
# and an upload cut off midway leaves no file and no row. Downloads: ETag,
# Repr-Digest, Range (206/416), If-Range, If-None-Match, HEAD, and a broken
# download resumed with Range + If-Range gives the same SHA-256; anonymous
# readers see an asset only while a published article carries it.
# Broadcasters: created by the admin with an API key shown once, which
# then authenticates; Vietnamese field errors.
# Sourced by tests/run.sh: every name here starts with md_ / MD_.
# shellcheck shell=bash

MD_DIR=$T_TMP/media
mkdir -p "$MD_DIR"
MD_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
MD_RUN_UC=$(printf '%s' "$MD_RUN" | tr '[:lower:]' '[:upper:]')
declare -gA MD_TOK=()

md_jq() { body_jq "$@"; }
md_psql() { db_sql "$1"; }
md_sha() { sha256sum "$1" | cut -d' ' -f1; }
md_size() { stat -c %s "$1"; }
md_names() { problem_names "$1"; }

# md_call WHO METHOD PATH JSON|- [curl args]: WHO is anon or a key of MD_TOK.
md_call() { e2e_call MD_TOK "$@"; }

# md_upload WHO FILE CONTENT_TYPE [curl args]: POST /api/v1/assets.
md_upload() {
    local md_w=$1 md_f=$2 md_t=$3
    shift 3
    md_call "$md_w" POST /api/v1/assets - -H "Content-Type: $md_t" --data-binary "@$md_f" "$@"
}

# md_get WHO ID OUT [curl args]: GET the asset's bytes into OUT.
md_get() {
    local md_w=$1 md_id=$2 md_o=$3 md_a=()
    shift 3
    [ "$md_w" = anon ] || md_a=(-H "Authorization: Bearer ${MD_TOK[$md_w]:-none}")
    rm -f "$md_o" "$T_TMP/headers"
    HTTP_STATUS=$(curl -s -o "$md_o" -D "$T_TMP/headers" -w '%{http_code}' --max-time 20 \
        "${md_a[@]}" "$@" "$GW/api/v1/assets/$md_id") || HTTP_STATUS=000
}

# The blob's file for a digest, and how many files of that name exist.
md_blob() { printf '%s/sha256/%s/%s/%s' "$LOA_MEDIA_DIR" "${1:0:2}" "${1:2:2}" "$1"; }
md_copies() { find "$LOA_MEDIA_DIR" -type f -name "$1" | wc -l; }
md_tmp_files() { find "$LOA_MEDIA_DIR/tmp" -mindepth 1 | wc -l; }
md_rows() { md_psql "SELECT count(*) FROM media.assets WHERE sha256 = '$1'"; }

# md_user KEY ROLES_JSON UNIT_JSON: a user made by the admin, logged in.
md_user() { e2e_staff MD_TOK "$1" "$2" "$3" "e2e.md-$1-$MD_RUN" "Người dùng tư liệu $1"; }

# md_restart_gateway [UPLOAD_LIMIT]: the gateway again, with that
# LOA_UPLOAD_LIMIT (else the default).
md_restart_gateway() {
    stack_stop gateway
    if [ $# -gt 0 ]; then LOA_UPLOAD_LIMIT=$1 stack_start gateway; else stack_start gateway; fi
    stack_wait_ready 300
}

# ------------------------------------------------------------ set-up
echo "  -- set-up: a unit, users, files"
MD_TOK[admin]=$(admin_token)
md_call admin POST /api/v1/units "{\"code\": \"MD-$MD_RUN_UC\", \"name\": \"Phòng Thử nghiệm Tư liệu $MD_RUN\"}"
expect_eq "setup: the admin creates a unit" 201 "$HTTP_STATUS"
MD_UNIT=$(md_jq '.id // 0')
md_user ed '["editor"]' "$MD_UNIT"
md_user rev '["reviewer"]' null
md_user insp '["inspector"]' null
expect_eq "setup: editor, reviewer and inspector log in" true \
    "$([ -n "${MD_TOK[ed]}" ] && [ -n "${MD_TOK[rev]}" ] && [ -n "${MD_TOK[insp]}" ] && echo true || echo false)"

# Real files, made here: a small PNG, a 256x256 PNG of noise (about 200 KB),
# a JPEG, an MP4 (ftyp + mdat boxes) and a text file.
python3 - "$MD_DIR" "$MD_RUN" <<'EOF'
import os, struct, sys, zlib
d, run = sys.argv[1], sys.argv[2].encode()
def chunk(t, data):
    return struct.pack('>I', len(data)) + t + data + struct.pack('>I', zlib.crc32(t + data) & 0xffffffff)
def png(w, h, pixels):
    raw = b''.join(b'\x00' + pixels[y * w * 3:(y + 1) * w * 3] for y in range(h))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + chunk(b'tEXt', b'Comment\x00' + run) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
small = bytes((x * 7 + y * 3) % 256 for y in range(32) for x in range(32 * 3))
open(os.path.join(d, 'small.png'), 'wb').write(png(32, 32, small))
open(os.path.join(d, 'big.png'), 'wb').write(png(256, 256, os.urandom(256 * 256 * 3)))
open(os.path.join(d, 'cut.png'), 'wb').write(png(256, 256, os.urandom(256 * 256 * 3)))
jpeg = (b'\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00'
        + b'\xff\xfe' + struct.pack('>H', len(run) + 2) + run + b'\xff\xd9')
open(os.path.join(d, 'photo.jpg'), 'wb').write(jpeg)
mp4 = (struct.pack('>I', 24) + b'ftypisom' + struct.pack('>I', 512) + b'isomiso2'
       + struct.pack('>I', 8 + len(run)) + b'free' + run + struct.pack('>I', 16) + b'mdat' + b'\x00' * 8)
open(os.path.join(d, 'clip.mp4'), 'wb').write(mp4)
open(os.path.join(d, 'notes.txt'), 'wb').write(b'Day khong phai anh ' + run + b'\n')
EOF
MD_SMALL=$MD_DIR/small.png MD_BIG=$MD_DIR/big.png
expect_eq "setup: the test files exist" true \
    "$([ -s "$MD_SMALL" ] && [ -s "$MD_BIG" ] && [ -s "$MD_DIR/clip.mp4" ] && echo true || echo false)"

# ------------------------------------------------------------ upload
echo "  -- upload: streamed, stored once by SHA-256, type from the bytes"
MD_SMALL_SHA=$(md_sha "$MD_SMALL")
md_upload ed "$MD_SMALL" image/png
expect_eq "an editor uploads a PNG: 201" 201 "$HTTP_STATUS"
MD_SMALL_ID=$(md_jq '.id // 0')
expect_eq "the answer: id, sha256 of the bytes, size, mime from the bytes, url" \
    "$MD_SMALL_SHA $(md_size "$MD_SMALL") image/png /api/v1/assets/$MD_SMALL_ID" \
    "$(md_jq .sha256) $(md_jq .size) $(md_jq .mime) $(md_jq .url)"
expect_eq "Location names the asset" "/api/v1/assets/$MD_SMALL_ID" "$(header Location)"
expect_eq "the bytes are at sha256/ab/cd/<hex> under the media volume" "$MD_SMALL_SHA" \
    "$(md_sha "$(md_blob "$MD_SMALL_SHA")" 2>/dev/null)"
md_b=$(md_blob "$MD_SMALL_SHA")
expect_eq "the blob is private to Loa's user: the file 600, its folders 700 (issue 16)" "600 700 700" \
    "$(stat -c %a "$md_b" "${md_b%/*}" "${md_b%/*/*}" 2>/dev/null | paste -sd' ')"
md_upload rev "$MD_SMALL" image/png
expect_eq "the same bytes again (a reviewer): 200 with the same asset" "200 $MD_SMALL_ID $MD_SMALL_SHA /api/v1/assets/$MD_SMALL_ID" \
    "$HTTP_STATUS $(md_jq .id) $(md_jq .sha256) $(header Location)"
expect_eq "the same bytes are stored once: one file, one row" "1 1" \
    "$(md_copies "$MD_SMALL_SHA") $(md_rows "$MD_SMALL_SHA")"

md_upload ed "$MD_DIR/clip.mp4" video/mp4
expect_eq "an MP4 video: 201, video/mp4" "201 video/mp4 $(md_sha "$MD_DIR/clip.mp4")" \
    "$HTTP_STATUS $(md_jq .mime) $(md_jq .sha256)"
md_upload ed "$MD_DIR/photo.jpg" image/jpeg -H "Idempotency-Key: md-$MD_RUN"
MD_JPG_ID=$(md_jq '.id // 0')
expect_eq "a JPEG with an Idempotency-Key: 201, image/jpeg" "201 image/jpeg" "$HTTP_STATUS $(md_jq .mime)"
md_upload ed "$MD_DIR/photo.jpg" image/jpeg -H "Idempotency-Key: md-$MD_RUN"
expect_eq "the same request with the same key answers the first result" "201 $MD_JPG_ID" "$HTTP_STATUS $(md_jq .id)"
md_upload ed "$MD_BIG" image/png
MD_BIG_ID=$(md_jq '.id // 0')
MD_BIG_SHA=$(md_sha "$MD_BIG")
MD_BIG_LEN=$(md_size "$MD_BIG")
expect_eq "a 200 KB PNG: 201 with its SHA-256" "201 $MD_BIG_SHA $MD_BIG_LEN" \
    "$HTTP_STATUS $(md_jq .sha256) $(md_jq .size)"

md_rows_before=$(md_psql "SELECT count(*) FROM media.assets")
md_upload ed "$MD_DIR/notes.txt" image/png
expect_eq "a text file sent as image/png: 415 naming body" "415 true" "$(md_names body)"
expect_match "  the message says what the bytes are, in Vietnamese" 'không phải ảnh.*text/plain' "$(md_jq '.errors[0].message')"
expect_match "  problem+json" '^application/problem\+json' "$(header Content-Type)"
md_upload ed "$MD_SMALL" video/mp4
expect_eq "PNG bytes declared video/mp4: 415 naming Content-Type" "415 true" "$(md_names Content-Type)"
md_upload ed "$MD_SMALL" application/octet-stream
expect_eq "PNG bytes declared application/octet-stream: 415 naming Content-Type" "415 true" "$(md_names Content-Type)"
md_upload ed /dev/null image/png
expect_eq "an empty body: 422 naming body" "422 true" "$(md_names body)"
md_upload anon "$MD_SMALL" image/png
expect_eq "anonymous upload: 401" 401 "$HTTP_STATUS"
md_upload insp "$MD_SMALL" image/png
expect_eq "an inspector may not upload: 403" 403 "$HTTP_STATUS"
expect_eq "refused uploads leave no row and no temporary file" "$md_rows_before 0" \
    "$(md_psql "SELECT count(*) FROM media.assets") $(md_tmp_files)"
expect_eq "the text file's bytes are nowhere on the volume" 0 "$(md_copies "$(md_sha "$MD_DIR/notes.txt")")"

# ------------------------------------------------------------ download
echo "  -- download: ETag, Repr-Digest, Range, If-Range, 304, HEAD"
MD_B64=$(printf '%s' "$MD_BIG_SHA" | xxd -r -p | base64)
md_get ed "$MD_BIG_ID" "$MD_DIR/got"
expect_eq "staff GET: 200 with the very bytes" "200 $MD_BIG_SHA" "$HTTP_STATUS $(md_sha "$MD_DIR/got")"
expect_eq "  Content-Type, Content-Length, Accept-Ranges" "image/png $MD_BIG_LEN bytes" \
    "$(header Content-Type) $(header Content-Length) $(header Accept-Ranges)"
expect_eq "  a strong ETag from the SHA-256" "\"$MD_BIG_SHA\"" "$(header ETag)"
expect_eq "  Repr-Digest: sha-256=:<base64>:" "sha-256=:$MD_B64:" "$(header Repr-Digest)"
expect_match "  Cache-Control: private while no published article carries it" '^private' "$(header Cache-Control)"
MD_ETAG="\"$MD_BIG_SHA\""

md_get ed "$MD_BIG_ID" "$MD_DIR/part" -H 'Range: bytes=0-99'
expect_eq "Range bytes=0-99: 206, Content-Range, 100 bytes" "206 bytes 0-99/$MD_BIG_LEN 100" \
    "$HTTP_STATUS $(header Content-Range) $(header Content-Length)"
expect_eq "  the first 100 bytes exactly" "$(head -c 100 "$MD_BIG" | sha256sum)" "$(sha256sum <"$MD_DIR/part")"
md_get ed "$MD_BIG_ID" "$MD_DIR/part" -H 'Range: bytes=-100'
expect_eq "Range bytes=-100: 206 with the last 100 bytes" \
    "206 bytes $((MD_BIG_LEN - 100))-$((MD_BIG_LEN - 1))/$MD_BIG_LEN $(tail -c 100 "$MD_BIG" | sha256sum)" \
    "$HTTP_STATUS $(header Content-Range) $(sha256sum <"$MD_DIR/part")"
md_get ed "$MD_BIG_ID" "$MD_DIR/part" -H "Range: bytes=1000-"
expect_eq "Range bytes=1000-: 206 to the end" "206 bytes 1000-$((MD_BIG_LEN - 1))/$MD_BIG_LEN $(tail -c +1001 "$MD_BIG" | sha256sum)" \
    "$HTTP_STATUS $(header Content-Range) $(sha256sum <"$MD_DIR/part")"
md_get ed "$MD_BIG_ID" "$MD_DIR/part" -H "Range: bytes=$MD_BIG_LEN-"
expect_eq "Range past the end: 416 with Content-Range bytes */len" "416 bytes */$MD_BIG_LEN" \
    "$HTTP_STATUS $(header Content-Range)"
md_get ed "$MD_BIG_ID" "$MD_DIR/part" -H 'Range: bytes=0-1,5-9'
expect_eq "several ranges: 200 with the whole file" "200 $MD_BIG_SHA" "$HTTP_STATUS $(md_sha "$MD_DIR/part")"
md_get ed "$MD_BIG_ID" "$MD_DIR/part" -H 'Range: bytes=0-99' -H 'If-Range: "0123456789abcdef"'
expect_eq "If-Range that does not match: 200 whole" "200 $MD_BIG_SHA" "$HTTP_STATUS $(md_sha "$MD_DIR/part")"
md_get ed "$MD_BIG_ID" "$MD_DIR/part" -H 'Range: bytes=0-99' -H "If-Range: $MD_ETAG"
expect_eq "If-Range that matches: 206" "206 100" "$HTTP_STATUS $(md_size "$MD_DIR/part")"
md_get ed "$MD_BIG_ID" "$MD_DIR/part" -H "If-None-Match: $MD_ETAG"
expect_eq "If-None-Match with the ETag: 304 without a body" "304 0 $MD_ETAG" \
    "$HTTP_STATUS $(md_size "$MD_DIR/part" 2>/dev/null || echo 0) $(header ETag)"
http HEAD "/api/v1/assets/$MD_BIG_ID" -H "Authorization: Bearer ${MD_TOK[ed]}"
expect_eq "HEAD: 200 with the headers (Content-Length, ETag, Repr-Digest)" \
    "200 $MD_BIG_LEN $MD_ETAG sha-256=:$MD_B64:" \
    "$HTTP_STATUS $(header Content-Length) $(header ETag) $(header Repr-Digest)"
# What goes over the wire for a HEAD: the headers, then nothing.
md_port=${GW##*:}
(
    exec 3<>"/dev/tcp/127.0.0.1/$md_port" || exit 1
    printf 'HEAD /api/v1/assets/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n' \
        "$MD_BIG_ID" "${MD_TOK[ed]}" >&3
    timeout 5 cat <&3 >"$MD_DIR/head.raw"
)
expect_eq "  and no byte of body on the wire" 0 \
    "$(python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print(len(d) - d.index(b"\r\n\r\n") - 4)' "$MD_DIR/head.raw" 2>&1)"

# A download broken off midway (the client stops reading after 50,000
# bytes and closes the connection), then resumed where it stopped with
# Range + If-Range.
curl -s --max-time 20 -H "Authorization: Bearer ${MD_TOK[ed]}" "$GW/api/v1/assets/$MD_BIG_ID" |
    head -c 50000 >"$MD_DIR/resumed"
md_have=$(md_size "$MD_DIR/resumed" 2>/dev/null || echo 0)
expect_eq "the first download was cut off midway" true \
    "$([ "$md_have" -gt 0 ] && [ "$md_have" -lt "$MD_BIG_LEN" ] && echo true || echo false)"
md_code=$(curl -s -C - -o "$MD_DIR/resumed" -w '%{http_code}' --max-time 20 -H "If-Range: $MD_ETAG" \
    -H "Authorization: Bearer ${MD_TOK[ed]}" "$GW/api/v1/assets/$MD_BIG_ID")
expect_eq "resumed with Range + If-Range: 206 and the same SHA-256 as uploaded" "206 $MD_BIG_SHA" \
    "$md_code $(md_sha "$MD_DIR/resumed")"

# ------------------------------------------------------------ who reads
echo "  -- who reads: staff, or anyone once a published article carries it"
md_get anon "$MD_BIG_ID" "$MD_DIR/part"
expect_eq "anonymous, not attached to a published article: 401" 401 "$HTTP_STATUS"
md_get insp "$MD_BIG_ID" "$MD_DIR/part"
expect_eq "any staff member reads it (an inspector)" 200 "$HTTP_STATUS"
md_get anon 999999999 "$MD_DIR/part"
expect_eq "an unknown id: 404 problem+json" "404 application/problem+json" \
    "$HTTP_STATUS $(header Content-Type | cut -d';' -f1)"
md_get ed abc "$MD_DIR/part"
expect_eq "a malformed id: 404" 404 "$HTTP_STATUS"

md_call anon GET '/api/v1/topics?per_page=1' -
md_topic=$(md_jq '.items[0].id // 0')
# Attachments are assets that exist (the gateway asks media-svc first).
md_arts_before=$(md_psql "SELECT count(*) FROM content.articles")
md_call ed POST /api/v1/articles "$(jq -nc --arg t "Bài có tệp không tồn tại $MD_RUN" \
    --argjson a "[$MD_BIG_ID, 999999999]" '{title: $t, body: "x", attachment_ids: $a}')"
expect_eq "an article naming an asset that does not exist: 422 naming attachment_ids, the id in the message" \
    "422 true true" "$(md_names attachment_ids) $(md_jq '.errors[0].message | contains("999999999")')"
expect_eq "  and nothing is stored" "$md_arts_before" "$(md_psql "SELECT count(*) FROM content.articles")"
md_call ed POST /api/v1/articles "$(jq -nc --arg t "Bài có ảnh $MD_RUN" --argjson tp "[$md_topic]" \
    --argjson a "[$MD_BIG_ID]" '{title: $t, summary: "Tóm tắt", body: "Ảnh kèm theo.", topic_ids: $tp, attachment_ids: $a}')"
MD_ART=$(md_jq '.id // 0')
md_etag=$(header ETag)
md_call ed PATCH "/api/v1/articles/$MD_ART" '{"attachment_ids": [999999998]}' -H "If-Match: $md_etag"
expect_eq "PATCH naming an asset that does not exist: 422 naming attachment_ids" "422 true" "$(md_names attachment_ids)"
# The query never sets a field of a write (issue 16: ?attachment_ids=N
# once reached the stored article past the check of the body), not even an
# asset that exists, nor the path's id.
md_arts_before=$(md_psql "SELECT count(*) FROM content.articles")
md_call ed POST "/api/v1/articles?attachment_ids=987654321&attachment_ids=$MD_BIG_ID" \
    "$(jq -nc --arg t "Bài có tệp trên địa chỉ $MD_RUN" '{title: $t, body: "x"}')"
expect_eq "POST /api/v1/articles?attachment_ids=N: 400 naming attachment_ids, nothing stored" \
    "400 true $md_arts_before" "$(md_names attachment_ids) $(md_psql "SELECT count(*) FROM content.articles")"
md_call ed PATCH "/api/v1/articles/$MD_ART?attachment_ids=$MD_BIG_ID&id=1" '{"summary": "Tóm tắt mới"}' \
    -H "If-Match: $md_etag"
expect_eq "PATCH with attachment_ids and id in the query: 400 naming both, the article unchanged" \
    "400 true 400 true 1" \
    "$(md_names attachment_ids) $(md_names id) $(md_psql "SELECT version FROM content.articles WHERE id = $MD_ART")"
md_call ed GET "/api/v1/articles/$MD_ART?ref=1" -
expect_eq "a read's path parameter in its query: 400 naming it" "400 true" "$(md_names ref)"
md_call ed GET "/api/v1/articles/$MD_ART?v=2" -
expect_eq "  a query parameter that names no field is still ignored" "200 $MD_ART" "$HTTP_STATUS $(md_jq .id)"
# The check is content-svc's own, whoever calls it: straight to its RPC
# address, past the gateway, as an editor of the unit.
md_rpc() {
    "$BUILD/loa-rpc" --roles editor --user-id 990001 --unit-id "$MD_UNIT" "$LOA_CONTENT_RPC" "$@"
}
md_arts_before=$(md_psql "SELECT count(*) FROM content.articles")
md_out=$(md_rpc articles.create --in loa.content.CreateArticleRequest \
    "$(jq -nc --arg t "Bài gửi thẳng $MD_RUN" '{title: $t, body: "x", attachment_ids: [999999997, 999999996]}')")
expect_eq "articles.create sent to content-svc itself, naming assets that do not exist: invalid, each id named under attachment_ids" \
    "invalid attachment_ids,attachment_ids true true" \
    "$(jq -r '.status + " " + ([.field_errors[].field] | join(",")) + " " + (.field_errors[0].message | contains("999999997") | tostring) + " " + (.field_errors[1].message | contains("999999996") | tostring)' <<<"$md_out")"
expect_eq "  and nothing is stored" "$md_arts_before" "$(md_psql "SELECT count(*) FROM content.articles")"
md_out=$(md_rpc articles.update --in loa.content.UpdateArticleRequest \
    "{\"id\": $MD_ART, \"if_match\": \"1\", \"attachment_ids\": [999999995]}")
expect_eq "articles.update sent to content-svc itself, naming an asset that does not exist: invalid naming attachment_ids, nothing written" \
    "invalid attachment_ids 1" \
    "$(jq -r '.status + " " + ([.field_errors[].field] | join(","))' <<<"$md_out") $(md_psql "SELECT version FROM content.articles WHERE id = $MD_ART")"
stack_kill media-svc
md_call ed PATCH "/api/v1/articles/$MD_ART" "{\"attachment_ids\": [$MD_BIG_ID]}" -H "If-Match: $md_etag"
expect_eq "with media-svc down, attachments cannot be checked: 503 (nothing written)" "503 1" \
    "$HTTP_STATUS $(md_psql "SELECT version FROM content.articles WHERE id = $MD_ART")"
md_arts_before=$(md_psql "SELECT count(*) FROM content.articles")
md_out=$(md_rpc articles.create --in loa.content.CreateArticleRequest \
    "$(jq -nc --arg t "Bài gửi thẳng $MD_RUN" --argjson a "[$MD_BIG_ID]" '{title: $t, body: "x", attachment_ids: $a}')")
expect_eq "articles.create sent to content-svc itself with media-svc down: unavailable, no field named, nothing stored" \
    "unavailable 0 $md_arts_before" \
    "$(jq -r '.status + " " + (.field_errors | length | tostring)' <<<"$md_out") $(md_psql "SELECT count(*) FROM content.articles")"
stack_start media-svc
wait_until 20 stack_ready || fail "media-svc is back" "readyz"
md_call ed POST "/api/v1/articles/$MD_ART/submit" '{}'
md_call rev POST "/api/v1/articles/$MD_ART/publish" '{}'
expect_eq "an article carrying the asset is published" "200 published" "$HTTP_STATUS $(md_jq .status)"
md_anon_is() { md_get anon "$MD_BIG_ID" "$MD_DIR/anon"; [ "$HTTP_STATUS" = "$1" ]; }
if wait_until 15 md_anon_is 200; then
    pass "anonymous reads it once the article is published (from content's event)"
else
    fail "anonymous reads a published article's asset" "$HTTP_STATUS"
fi
expect_eq "  the very bytes, Cache-Control public" "$MD_BIG_SHA public, no-cache" \
    "$(md_sha "$MD_DIR/anon") $(header Cache-Control)"
md_get anon "$MD_SMALL_ID" "$MD_DIR/part"
expect_eq "  another asset stays closed to anonymous readers" 401 "$HTTP_STATUS"
md_call rev POST "/api/v1/articles/$MD_ART/retract" '{"reason": "Thu hồi để kiểm thử tư liệu"}'
if wait_until 15 md_anon_is 401; then
    pass "after a retraction anonymous readers get 401 again"
else
    fail "a retraction closes the asset" "$HTTP_STATUS"
fi

# ------------------------------------------------------------ broadcasters
echo "  -- broadcasters: admin only, API key shown once"
md_keys_before=$(md_psql "SELECT count(*) FROM gateway.api_keys")
md_call admin POST /api/v1/broadcasters "{\"name\": \"Đài Phát thanh và Truyền hình tỉnh $MD_RUN\", \"kind\": \"tv\", \"embargo_policy\": \"deliver\"}"
MD_BC=$(md_jq '.id // 0')
MD_KEY=$(md_jq '.api_key // empty')
expect_eq "the admin creates a broadcaster: 201 with Location" "201 /api/v1/broadcasters/$MD_BC" \
    "$HTTP_STATUS $(header Location)"
expect_eq "  its fields" "Đài Phát thanh và Truyền hình tỉnh $MD_RUN tv deliver true" \
    "$(md_jq .name) $(md_jq .kind) $(md_jq .embargo_policy) $(md_jq .active)"
expect_match "  and its API key, once" '^loa_[A-Za-z0-9_-]{43}$' "$MD_KEY"
md_call admin GET "/api/v1/broadcasters/$MD_BC" -
expect_eq "GET by id: the broadcaster, without its key" "200 tv false" \
    "$HTTP_STATUS $(md_jq .kind) $(md_jq 'has("api_key")')"
md_call admin GET "/api/v1/broadcasters?per_page=100" -
expect_eq "the list has it, and no key anywhere" "200 1 false" \
    "$HTTP_STATUS $(md_jq --argjson id "$MD_BC" '[.items[] | select(.id == $id)] | length') $(md_jq '[.items[] | has("api_key")] | any')"
expect_match "  a page: items, page, per_page, total" '^[1-9][0-9]* 1 100$' \
    "$(md_jq .total) $(md_jq .page) $(md_jq .per_page)"
md_call admin GET /api/v1/api-keys -
expect_eq "the key is one of the API keys, of kind broadcaster, named after it" "broadcaster" \
    "$(md_jq --arg n "Đài Phát thanh và Truyền hình tỉnh $MD_RUN" '.items[] | select(.name == $n) | .kind')"
http GET "/api/v1/assets/$MD_SMALL_ID" -H "X-Api-Key: $MD_KEY"
expect_eq "the key authenticates (an unattached asset is then 403, not 401)" 403 "$HTTP_STATUS"
http GET "/api/v1/assets/$MD_SMALL_ID" -H "X-Api-Key: loa_not-a-key"
expect_eq "  a made-up key is 401" 401 "$HTTP_STATUS"
http GET /api/v1/broadcasters -H "X-Api-Key: $MD_KEY"
expect_eq "  a broadcaster's key does not manage broadcasters (403)" 403 "$HTTP_STATUS"

md_keys_mid=$(md_psql "SELECT count(*) FROM gateway.api_keys")
md_call admin POST /api/v1/broadcasters '{"name": "Báo tỉnh", "kind": "magazine", "embargo_policy": "deliver"}'
expect_eq "an unknown kind: 422 naming kind" "422 true" "$(md_names kind)"
expect_match "  in Vietnamese" 'Loại phải là' "$(md_jq '.errors[0].message')"
md_call admin POST /api/v1/broadcasters '{"name": "Báo tỉnh", "kind": "newspaper", "embargo_policy": "later"}'
expect_eq "an unknown embargo_policy: 422 naming embargo_policy" "422 true" "$(md_names embargo_policy)"
md_call admin POST /api/v1/broadcasters '{"kind": "radio"}'
expect_eq "missing name and embargo_policy: 422 naming both" "422 true true" \
    "$(md_names name) $(md_jq '[.errors[].field] | index("embargo_policy") != null')"
md_call admin POST /api/v1/broadcasters '{"name": "Báo tỉnh", "kind": 3, "embargo_policy": "hide"}'
expect_eq "a number for kind: 400 naming kind" "400 true" "$(md_names kind)"
md_call admin POST /api/v1/broadcasters '{"name": "Báo tỉnh", "kind": "radio", "embargo_policy": "hide", "api_key_id": 1}'
expect_eq "a field of its own (api_key_id) is refused: 400" 400 "$HTTP_STATUS"
expect_eq "refused broadcasters leave no API key behind" "$md_keys_mid" "$(md_psql "SELECT count(*) FROM gateway.api_keys")"
expect_eq "one key was made in all (the created broadcaster's)" "$((md_keys_before + 1))" "$md_keys_mid"
md_call ed POST /api/v1/broadcasters '{"name": "Báo tỉnh", "kind": "newspaper", "embargo_policy": "hide"}'
expect_eq "an editor may not create broadcasters: 403" 403 "$HTTP_STATUS"
md_call anon GET /api/v1/broadcasters -
expect_eq "anonymous list: 401" 401 "$HTTP_STATUS"
md_call rev GET '/api/v1/broadcasters?per_page=100' -
expect_eq "a reviewer lists them (to address packages), this one included" "200 true" \
    "$HTTP_STATUS $(md_jq --argjson b "$MD_BC" '[.items[] | select(.id == $b)] | length == 1')"
md_call insp GET /api/v1/broadcasters -
expect_eq "an inspector lists them too (deliveries)" 200 "$HTTP_STATUS"
md_call ed GET /api/v1/broadcasters -
expect_eq "an editor may not list them: 403" 403 "$HTTP_STATUS"
md_call rev PATCH "/api/v1/broadcasters/$MD_BC" '{"embargo_policy": "hide"}'
expect_eq "a reviewer may not change them: 403" 403 "$HTTP_STATUS"
md_call admin PATCH "/api/v1/broadcasters/$MD_BC" '{"embargo_policy": "hide"}'
expect_eq "PATCH: the admin changes the embargo policy" "200 hide tv" \
    "$HTTP_STATUS $(md_jq .embargo_policy) $(md_jq .kind)"
md_call admin PATCH "/api/v1/broadcasters/$MD_BC" '{"kind": "cinema"}'
expect_eq "PATCH with an unknown kind: 422 naming kind" "422 true" "$(md_names kind)"
md_call admin GET /api/v1/broadcasters/999999999 -
expect_eq "an unknown broadcaster: 404" 404 "$HTTP_STATUS"

# A new key for a broadcaster (lost or leaked): shown once, the old one
# revoked at once, the broadcaster and its history the same.
md_call admin POST /api/v1/broadcasters "$(jq -nc --arg n "Đài thay khóa $MD_RUN" '{name: $n, kind: "radio", embargo_policy: "deliver"}')"
md_kb=$(md_jq '.id // 0')
md_k1=$(md_jq '.api_key // empty')
md_k1_id=$(md_jq '.api_key_id // 0')
http GET /api/v1/media/feed -H "X-Api-Key: $md_k1"
expect_eq "key: the first key reads the feed" 200 "$HTTP_STATUS"
md_call admin POST "/api/v1/broadcasters/$md_kb/key" -
md_k2=$(md_jq '.api_key // empty')
expect_eq "key: POST /broadcasters/{id}/key -> 200, the same broadcaster, a new key shown once" "200 $md_kb true true" \
    "$HTTP_STATUS $(md_jq .id) $([[ $md_k2 =~ ^loa_[A-Za-z0-9_-]{43}$ ]] && [ "$md_k2" != "$md_k1" ] && echo true || echo false) $([ "$(md_jq .api_key_id)" != "$md_k1_id" ] && echo true || echo false)"
http GET /api/v1/media/feed -H "X-Api-Key: $md_k1"
expect_eq "key: the old key no longer opens anything (401)" 401 "$HTTP_STATUS"
http GET /api/v1/media/feed -H "X-Api-Key: $md_k2"
expect_eq "key: the new one reads the broadcaster's feed" 200 "$HTTP_STATUS"
expect_eq "key: the old key is revoked (kept for the record), the new one is not" "t f" \
    "$(md_psql "SELECT (revoked_at IS NOT NULL)::text FROM gateway.api_keys WHERE id = $md_k1_id" | cut -c1) $(md_psql "SELECT (revoked_at IS NOT NULL)::text FROM gateway.api_keys k JOIN media.broadcasters b ON b.api_key_id = k.id WHERE b.id = $md_kb" | cut -c1)"
md_call admin GET "/api/v1/broadcasters/$md_kb" -
expect_eq "key: it is never shown again" "200 false" "$HTTP_STATUS $(md_jq 'has("api_key")')"
md_call rev POST "/api/v1/broadcasters/$md_kb/key" -
expect_eq "key: only an admin (a reviewer: 403)" 403 "$HTTP_STATUS"
md_keys_now=$(md_psql "SELECT count(*) FROM gateway.api_keys")
md_call admin POST /api/v1/broadcasters/999999999/key -
expect_eq "key: an unknown broadcaster: 404, and no key is made" "404 $md_keys_now" \
    "$HTTP_STATUS $(md_psql "SELECT count(*) FROM gateway.api_keys")"

# ------------------------------------------------------------ limits
echo "  -- limits: LOA_UPLOAD_LIMIT, uploads cut off midway"
md_restart_gateway 100000
MD_CUT=$MD_DIR/cut.png
MD_CUT_SHA=$(md_sha "$MD_CUT")
md_upload ed "$MD_CUT" image/png
expect_eq "over LOA_UPLOAD_LIMIT (Content-Length): 413 problem+json" "413 application/problem+json" \
    "$HTTP_STATUS $(header Content-Type | cut -d';' -f1)"
md_upload ed "$MD_CUT" image/png -H 'Transfer-Encoding: chunked'
expect_eq "over LOA_UPLOAD_LIMIT (chunked, found while streaming): 413" 413 "$HTTP_STATUS"
md_upload ed "$MD_SMALL" image/png
expect_eq "  a small file still goes in" 200 "$HTTP_STATUS"
expect_eq "too large uploads leave no row, no file, no temporary file" "0 0 0" \
    "$(md_rows "$MD_CUT_SHA") $(md_copies "$MD_CUT_SHA") $(md_tmp_files)"
md_restart_gateway

# An upload whose client goes away after half the body.
md_len=$(md_size "$MD_CUT")
(
    exec 3<>"/dev/tcp/127.0.0.1/$md_port" || exit 1
    printf 'POST /api/v1/assets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: image/png\r\nContent-Length: %s\r\n\r\n' \
        "${MD_TOK[ed]}" "$md_len" >&3
    head -c $((md_len / 2)) "$MD_CUT" >&3
    sleep 0.5
    exec 3>&-
)
md_cut_clean() { [ "$(md_rows "$MD_CUT_SHA") $(md_copies "$MD_CUT_SHA") $(md_tmp_files)" = "0 0 0" ]; }
sleep 0.5
if md_cut_clean; then
    pass "an upload cut off midway leaves no row, no file and no temporary file"
else
    fail "a cut-off upload leaves nothing" "$(md_rows "$MD_CUT_SHA") $(md_copies "$MD_CUT_SHA") $(md_tmp_files)"
fi
# shellcheck disable=SC2010 # /proc/PID/fd holds only numbered links
md_open_tmp=$(ls -l "/proc/$(cat "$STACK_DIR/pids/gateway")/fd" 2>/dev/null | grep -c "$LOA_MEDIA_DIR/tmp")
expect_eq "  and the gateway holds no file of it open" 0 "$md_open_tmp"
md_upload ed "$MD_CUT" image/png
expect_eq "the same file sent whole afterwards is stored, once" "201 $MD_CUT_SHA 1" \
    "$HTTP_STATUS $(md_jq .sha256) $(md_copies "$MD_CUT_SHA")"

# ------------------------------------------------------------ contract
http GET /api/v1/openapi.json
expect_eq "openapi: the media routes with their roles and the upload's raw body" \
    '["reviewer","editor"] true true ["admin"] ["admin","reviewer","inspector","leader"] binary' \
    "$(md_jq -c '.paths["/api/v1/assets"].post["x-roles"]') $(md_jq '.paths["/api/v1/assets/{id}"] | has("get")') $(md_jq '.paths["/api/v1/broadcasters/{id}"] | has("patch")') $(md_jq -c '.paths["/api/v1/broadcasters"].post["x-roles"]') $(md_jq -c '.paths["/api/v1/broadcasters"].get["x-roles"]') $(md_jq '.paths["/api/v1/assets"].post.requestBody.content["image/*"].schema.format')"
