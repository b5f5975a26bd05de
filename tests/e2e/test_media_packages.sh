# Media distribution, second slice (docs/api/media.md): packages
# for broadcasters. A reviewer packages a published article with its photo
# and video for chosen broadcasters; each version has a ninjs 3.2 document
# (valid against the IPTC schema with format checks) and a BagIt bag in a
# ZIP (unzip -t, sha256sum -c on both manifests; a tampered byte fails).
# Broadcasters pull with their API key: the cursor feed (every version once,
# in order, across publishes between pages; a bad cursor is 400), Atom and
# RSS (xmllint), single versions (ETag, 304), bags, renditions and
# manifests (Range, If-Range, a resumed download with the same SHA-256).
# Corrections keep the uri; a cancellation makes the files 410. Embargo:
# `deliver` shows embargoedUntil, `hide` waits. Another broadcaster's
# package is 403. Receipts 201/200/422; the deliveries report counts
# downloads and receipts; package.published / package.delivered events.
# Bags are built in the background: with the builder idle (media-svc
# restarted with a day-long LOA_BAG_BUILD_MS) a new version's bag and
# manifest are 503 with Retry-After, its ninjs 200, the feed without it;
# built, 200 and in the feed; a bag whose rendition vanished fails (500,
# bag_error, never in the feed). A retracted article's package gets a
# version withheld (in the feed, valid ninjs, files 410, no correction).
# A correction keeps the embargo or clears it with null; an ended `hide`
# embargo is released by media-svc's ticker without the broadcaster's read.
# The orphan sweep removes an old blob no row names, never an asset's or a
# bag's (however old).
# Sourced by tests/run.sh: every name here starts with mp_ / MP_.
# shellcheck shell=bash

MP_DIR=$T_TMP/media-packages
mkdir -p "$MP_DIR"
MP_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
MP_RUN_UC=$(printf '%s' "$MP_RUN" | tr '[:lower:]' '[:upper:]')
MP_PY=/usr/bin/python3
[ -x "$MP_PY" ] || MP_PY=python3
declare -gA MP_TOK=() MP_KEY=()

mp_jq() { body_jq "$@"; }
mp_sha() { sha256sum "$1" | cut -d' ' -f1; }
mp_size() { stat -c %s "$1"; }
# mp_call WHO METHOD PATH JSON|- [curl args]: staff (MP_TOK) or anon.
mp_call() { e2e_call MP_TOK "$@"; }
# mp_key BC METHOD PATH JSON|- [curl args]: as broadcaster BC (its X-Api-Key).
mp_key() {
    local bc=$1 method=$2 path=$3 json=$4
    shift 4
    if [ "$json" = - ]; then
        http "$method" "$path" -H "X-Api-Key: ${MP_KEY[$bc]:-none}" "$@"
    else
        printf '%s' "$json" >"$T_TMP/req.json"
        http "$method" "$path" -H "X-Api-Key: ${MP_KEY[$bc]:-none}" \
            -H 'Content-Type: application/json' --data-binary "@$T_TMP/req.json" "$@"
    fi
}
# mp_get BC PATH OUT [curl args]: the bytes of PATH into OUT (headers kept).
mp_get() {
    local bc=$1 path=$2 out=$3
    shift 3
    rm -f "$out" "$T_TMP/headers"
    HTTP_STATUS=$(curl -s -o "$out" -D "$T_TMP/headers" -w '%{http_code}' --max-time 30 \
        -H "X-Api-Key: ${MP_KEY[$bc]:-none}" "$@" "$GW$path") || HTTP_STATUS=000
}
mp_ninjs_ok() {
    local err
    if err=$(printf '%s' "$HTTP_BODY" | "$MP_PY" tests/e2e/validate.py tests/e2e/media/ninjs-schema_3.2.json 2>&1); then
        pass "$1"
    else
        fail "$1" "$(printf '%s' "$err" | head -5)"
    fi
}
mp_xml_ok() {
    local err
    if err=$(printf '%s' "$HTTP_BODY" | xmllint --noout - 2>&1); then pass "$1"; else fail "$1" "$err"; fi
}

# ------------------------------------------------------------ set-up
echo "  -- set-up: users, assets, a published article, three broadcasters"
MP_TOK[admin]=$(admin_token)
mp_call admin POST /api/v1/units "{\"code\": \"MP-$MP_RUN_UC\", \"name\": \"Phòng Thử nghiệm Gói tin $MP_RUN\"}"
MP_UNIT=$(mp_jq '.id // 0')
for mp_u in "ed editor $MP_UNIT" "rev reviewer null" "insp inspector null" "lead leader null"; do
    read -r mp_k mp_role mp_unit <<<"$mp_u"
    e2e_user MP_TOK "$mp_k" "[\"$mp_role\"]" "$mp_unit" "e2e.mp-$mp_k-$MP_RUN" "Người dùng gói tin $mp_k"
done
expect_eq "setup: editor, reviewer, inspector and leader log in" true \
    "$([ -n "${MP_TOK[ed]}" ] && [ -n "${MP_TOK[rev]}" ] && [ -n "${MP_TOK[insp]}" ] && [ -n "${MP_TOK[lead]}" ] && echo true || echo false)"

python3 - "$MP_DIR" "$MP_RUN" <<'PYEOF'
import os, struct, sys, zlib
d, run = sys.argv[1], sys.argv[2].encode()
def chunk(t, data):
    return struct.pack('>I', len(data)) + t + data + struct.pack('>I', zlib.crc32(t + data) & 0xffffffff)
def png(w, h, pixels):
    raw = b''.join(b'\x00' + pixels[y * w * 3:(y + 1) * w * 3] for y in range(h))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + chunk(b'tEXt', b'Comment\x00' + run) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
open(os.path.join(d, 'photo.png'), 'wb').write(png(200, 200, os.urandom(200 * 200 * 3)))
open(os.path.join(d, 'photo2.png'), 'wb').write(png(16, 16, os.urandom(16 * 16 * 3)))
open(os.path.join(d, 'lost.png'), 'wb').write(png(8, 8, os.urandom(8 * 8 * 3)))
mp4 = (struct.pack('>I', 24) + b'ftypisom' + struct.pack('>I', 512) + b'isomiso2'
       + struct.pack('>I', 8 + len(run)) + b'free' + run + struct.pack('>I', 8 + 300000) + b'mdat'
       + os.urandom(300000))
open(os.path.join(d, 'clip.mp4'), 'wb').write(mp4)
PYEOF
mp_upload() {
    mp_call ed POST /api/v1/assets - -H "Content-Type: $2" --data-binary "@$MP_DIR/$1"
    [ "$HTTP_STATUS" = 201 ] && mp_jq .id
}
MP_PNG=$(mp_upload photo.png image/png)
MP_PNG2=$(mp_upload photo2.png image/png)
MP_MP4=$(mp_upload clip.mp4 video/mp4)
expect_eq "setup: a photo, a second photo and a video are uploaded" true \
    "$([ -n "$MP_PNG" ] && [ -n "$MP_PNG2" ] && [ -n "$MP_MP4" ] && echo true || echo false)"

mp_call anon GET '/api/v1/topics?per_page=1' -
mp_topic=$(mp_jq '.items[0].id // 0')
mp_article() {
    e2e_publish MP_TOK ed rev "$(jq -nc --arg t "$1 $MP_RUN" --argjson tp "[$mp_topic]" \
        --argjson a "[$MP_PNG, $MP_MP4]" \
        '{title: $t, summary: "Tóm tắt: cải cách hành chính", body: "Nội dung **chính** của bài & <thẻ>.", topic_ids: $tp, attachment_ids: $a}')"
    printf '%s' "$E2E_ID"
}
MP_ART=$(mp_article "Hội nghị cải cách hành chính")
MP_ART2=$(mp_article "Bản tin thủ tục hành chính")
MP_ART3=$(mp_article "Tin có thời điểm cấm phát")
expect_eq "setup: three articles are published" true \
    "$([ -n "$MP_ART" ] && [ -n "$MP_ART2" ] && [ -n "$MP_ART3" ] && echo true || echo false)"

# mp_bc KEY NAME POLICY: a broadcaster made by the admin; MP_KEY[KEY] is its
# API key, MP_BCID its id.
mp_bc() {
    mp_call admin POST /api/v1/broadcasters "$(jq -nc --arg n "$2 $MP_RUN" --arg p "$3" '{name: $n, kind: "tv", embargo_policy: $p}')"
    MP_KEY[$1]=$(mp_jq '.api_key // empty')
    MP_BCID=$(mp_jq '.id // empty')
}
mp_bc a "Đài Phát thanh và Truyền hình" deliver
MP_A=$MP_BCID
mp_bc b "Báo tỉnh" deliver
MP_B=$MP_BCID
mp_bc h "Cổng thông tin" hide
MP_H=$MP_BCID
expect_eq "setup: broadcasters deliver (A, B) and hide (H), each with its key" true \
    "$([ -n "$MP_A" ] && [ -n "$MP_B" ] && [ -n "$MP_H" ] && [ -n "${MP_KEY[a]}" ] && [ -n "${MP_KEY[h]}" ] && echo true || echo false)"

# mp_package ARTICLE ASSETS_JSON BCS_JSON [EMBARGO]: POST as the reviewer;
# media-svc learns the article from content's event, so the first tries may
# answer 422 article_id.
mp_package() {
    local body
    body=$(jq -nc --argjson art "$1" --argjson a "$2" --argjson b "$3" --arg e "${4:-}" \
        '{article_id: $art, asset_ids: $a, broadcaster_ids: $b} + (if $e == "" then {} else {embargo_until: $e} end)')
    mp_try() { mp_call rev POST /api/v1/media/packages "$body"; [ "$HTTP_STATUS" != 422 ] || [ "$(problem_names article_id)" != "422 true" ]; }
    wait_until 15 mp_try
}
# mp_bag_ready ID V: waits (20 s at most) until version V's bag is built
# (bag_status ready in the staff view); the last response is kept.
mp_is_ready() {
    mp_call rev GET "/api/v1/media/packages/$1" -
    [ "$(mp_jq --argjson v "$2" '.versions[] | select(.version == $v) | .bag_status')" = "${3:-ready}" ]
}
mp_bag_ready() {
    local s=$HTTP_STATUS b=$HTTP_BODY rc=0
    cp "$T_TMP/headers" "$T_TMP/headers.kept" 2>/dev/null
    wait_until 20 mp_is_ready "$@" || rc=1
    HTTP_STATUS=$s HTTP_BODY=$b
    cp "$T_TMP/headers.kept" "$T_TMP/headers" 2>/dev/null
    return $rc
}

# ------------------------------------------------------------ create
echo "  -- packages: version 1, its ninjs and who may see it"
mp_package "$MP_ART" "[$MP_PNG, $MP_MP4]" "[$MP_A, $MP_H]"
MP_P1=$(mp_jq '.id // 0')
expect_eq "a reviewer packages a published article: 201, version 1, Location" \
    "201 1 usable /api/v1/media/packages/$MP_P1" \
    "$HTTP_STATUS $(mp_jq .version) $(mp_jq .pub_status) $(header Location)"
MP_URI=$(mp_jq .uri)
expect_match "  uri urn:<domain>:package:<id>" "^urn:[a-z0-9.-]+:package:$MP_P1\$" "$MP_URI"
expect_eq "  for the two broadcasters named" "$MP_A,$MP_H" "$(mp_jq '.broadcaster_ids | map(tostring) | join(",")')"
mp_call ed POST /api/v1/media/packages "{\"article_id\": $MP_ART, \"asset_ids\": []}"
expect_eq "an editor may not package: 403" 403 "$HTTP_STATUS"
mp_call rev POST /api/v1/media/packages '{"article_id": 999999999, "asset_ids": []}'
expect_eq "an unknown or unpublished article: 422 naming article_id" "422 true" "$(problem_names article_id)"
mp_call rev POST /api/v1/media/packages "{\"article_id\": $MP_ART, \"asset_ids\": [999999999]}"
expect_eq "an unknown asset: 422 naming asset_ids" "422 true" "$(problem_names asset_ids)"
mp_call rev POST /api/v1/media/packages "{\"article_id\": $MP_ART, \"asset_ids\": [], \"embargo_until\": \"tomorrow\"}"
expect_eq "a bad embargo_until: 422 naming it" "422 true" "$(problem_names embargo_until)"
mp_call rev POST /api/v1/media/packages "{\"article_id\": $MP_ART, \"broadcaster_ids\": [999999999]}"
expect_eq "an unknown broadcaster: 422 naming broadcaster_ids" "422 true" "$(problem_names broadcaster_ids)"

mp_key a GET "/api/v1/media/packages/$MP_P1/versions/1" -
expect_eq "broadcaster A reads version 1's ninjs" "200 $MP_URI 1 vi usable" \
    "$HTTP_STATUS $(mp_jq .uri) $(mp_jq .version) $(mp_jq .language) $(mp_jq .pubStatus)"
mp_ninjs_ok "  valid against the ninjs 3.2 schema with format checks"
MP_NINJS1=$HTTP_BODY
expect_eq "  headline, a body, two renditions with exact sizes" \
    "Hội nghị cải cách hành chính $MP_RUN|true|$(mp_size "$MP_DIR/photo.png"),$(mp_size "$MP_DIR/clip.mp4")|image/png,video/mp4" \
    "$(mp_jq .headlines[0].value)|$(mp_jq '(.bodies[0].value | length) > 0')|$(mp_jq '.renditions | map(.sizeInBytes | tostring) | join(",")')|$(mp_jq '.renditions | map(.contentType) | join(",")')"
expect_match "  renditions' href are absolute URLs of this gateway" "^$LOA_PUBLIC_URL/api/v1/media/packages/$MP_P1/versions/1/files/" "$(mp_jq .renditions[0].href)"
expect_match "  versionCreated is RFC 3339" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(Z|[+-][0-9]{2}:[0-9]{2})$' "$(mp_jq .versionCreated)"
MP_NETAG=$(header ETag)
mp_key a GET "/api/v1/media/packages/$MP_P1/versions/1" - -H "If-None-Match: $MP_NETAG"
expect_eq "  If-None-Match with its ETag: 304" "304 $MP_NETAG" "$HTTP_STATUS $(header ETag)"
mp_key b GET "/api/v1/media/packages/$MP_P1/versions/1" -
expect_eq "broadcaster B, not among the package's: 403" 403 "$HTTP_STATUS"
mp_key b GET "/api/v1/media/packages/$MP_P1/versions/1/bag.zip" -
expect_eq "  nor its bag: 403" 403 "$HTTP_STATUS"
mp_key b GET "/api/v1/media/packages/$MP_P1" -
expect_eq "  nor its latest version: 403" 403 "$HTTP_STATUS"
mp_call rev GET /api/v1/media/feed -
expect_eq "a staff bearer token is not a broadcaster: the feed is 403" 403 "$HTTP_STATUS"
mp_call anon GET /api/v1/media/feed -
expect_eq "no credentials: 401" 401 "$HTTP_STATUS"
mp_key a GET "/api/v1/media/packages/999999999/versions/1" -
expect_eq "an unknown package: 404" 404 "$HTTP_STATUS"

# ------------------------------------------------------------ bag
echo "  -- the bag: BagIt 1.0 in a ZIP, verified by its manifests"
if mp_bag_ready "$MP_P1" 1; then pass "version 1's bag is built in the background"; else fail "version 1's bag is built" "$HTTP_BODY"; fi
MP_BAG=/api/v1/media/packages/$MP_P1/versions/1/bag.zip
mp_get a "$MP_BAG" "$MP_DIR/bag.zip"
MP_BAG_SHA=$(mp_sha "$MP_DIR/bag.zip")
MP_BAG_LEN=$(mp_size "$MP_DIR/bag.zip")
expect_eq "GET bag.zip: 200 application/zip, ETag its SHA-256, Content-Length" \
    "200 application/zip \"$MP_BAG_SHA\" $MP_BAG_LEN bytes" \
    "$HTTP_STATUS $(header Content-Type) $(header ETag) $(header Content-Length) $(header Accept-Ranges)"
expect_eq "  Repr-Digest sha-256" "sha-256=:$(printf '%s' "$MP_BAG_SHA" | xxd -r -p | base64):" "$(header Repr-Digest)"
if unzip -tq "$MP_DIR/bag.zip" >/dev/null 2>&1; then pass "  unzip -t passes"; else fail "  unzip -t passes" "$(unzip -t "$MP_DIR/bag.zip" 2>&1 | tail -3)"; fi
rm -rf "$MP_DIR/x" && mkdir -p "$MP_DIR/x" && unzip -q "$MP_DIR/bag.zip" -d "$MP_DIR/x"
expect_eq "  one top folder <id>-v<v>" "$MP_P1-v1" "$(ls "$MP_DIR/x")"
MP_BAGDIR=$MP_DIR/x/$MP_P1-v1
expect_eq "  with the bag built, nothing in the media volume is open to other users (files 600, folders 700)" "0 0" \
    "$(find "$LOA_MEDIA_DIR" -mindepth 1 -type f -perm /077 | wc -l) $(find "$LOA_MEDIA_DIR" -mindepth 1 -type d -perm /077 | wc -l)"
expect_eq "  bagit.txt" "BagIt-Version: 1.0|Tag-File-Character-Encoding: UTF-8" "$(paste -sd'|' "$MP_BAGDIR/bagit.txt")"
mp_oxum="$(find "$MP_BAGDIR/data" -type f -printf '%s\n' | awk '{s += $1} END {print s}').$(find "$MP_BAGDIR/data" -type f | wc -l)"
expect_eq "  bag-info.txt: External-Identifier, Payload-Oxum of data/" "$MP_URI $mp_oxum" \
    "$(sed -n 's/^External-Identifier: //p' "$MP_BAGDIR/bag-info.txt") $(sed -n 's/^Payload-Oxum: //p' "$MP_BAGDIR/bag-info.txt")"
expect_match "  Bagging-Date" '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' "$(sed -n 's/^Bagging-Date: //p' "$MP_BAGDIR/bag-info.txt")"
if (cd "$MP_BAGDIR" && sha256sum --quiet -c manifest-sha256.txt && sha256sum --quiet -c tagmanifest-sha256.txt) >/dev/null 2>&1; then
    pass "  sha256sum -c passes on manifest-sha256.txt and tagmanifest-sha256.txt"
else
    fail "  sha256sum -c on both manifests" "$(cd "$MP_BAGDIR" && sha256sum -c manifest-sha256.txt tagmanifest-sha256.txt 2>&1 | tail -3)"
fi
expect_eq "  data/ninjs.json is the version's document" "$(printf '%s' "$MP_NINJS1" | jq -S .)" "$(jq -S . "$MP_BAGDIR/data/ninjs.json")"
expect_eq "  the manifest names ninjs.json and both renditions" 3 "$(wc -l <"$MP_BAGDIR/manifest-sha256.txt")"
mp_rend=$(find "$MP_BAGDIR/data/renditions" -type f -name '*.mp4' | head -1)
printf '\x00' | dd of="$mp_rend" bs=1 seek=1000 count=1 conv=notrunc 2>/dev/null
printf '\x01' | dd of="$mp_rend" bs=1 seek=1001 count=1 conv=notrunc 2>/dev/null
if (cd "$MP_BAGDIR" && sha256sum --quiet -c manifest-sha256.txt) >/dev/null 2>&1; then
    fail "a tampered byte fails sha256sum -c" "it passed"
else
    pass "a tampered byte fails sha256sum -c"
fi
mp_get a "/api/v1/media/packages/$MP_P1/versions/1/manifest-sha256.txt" "$MP_DIR/manifest.txt"
expect_eq "GET manifest-sha256.txt: the bag's manifest" "200 $(mp_sha "$MP_BAGDIR/manifest-sha256.txt")" \
    "$HTTP_STATUS $(mp_sha "$MP_DIR/manifest.txt")"
mp_name=$(printf '%s' "$MP_NINJS1" | jq -r '.renditions[1].name')
mp_get a "/api/v1/media/packages/$MP_P1/versions/1/files/$mp_name" "$MP_DIR/rend.mp4"
expect_eq "GET files/{name}: the video's very bytes, video/mp4" "200 video/mp4 $(mp_sha "$MP_DIR/clip.mp4")" \
    "$HTTP_STATUS $(header Content-Type) $(mp_sha "$MP_DIR/rend.mp4")"
mp_get a "/api/v1/media/packages/$MP_P1/versions/1/files/..%2Fx" "$MP_DIR/none"
expect_eq "a file name it did not make: 404" 404 "$HTTP_STATUS"
mp_get a "/api/v1/media/packages/$MP_P1/versions/1/files/9-asset-1.png" "$MP_DIR/none"
expect_eq "a well-formed name not in the version: 404" 404 "$HTTP_STATUS"

echo "  -- downloads: Range, If-Range, 416, 304, HEAD, a resumed download"
mp_half=$((MP_BAG_LEN / 2))
mp_get a "$MP_BAG" "$MP_DIR/part1" -r "0-$((mp_half - 1))"
expect_eq "Range: 206 with Content-Range" "206 bytes 0-$((mp_half - 1))/$MP_BAG_LEN" "$HTTP_STATUS $(header Content-Range)"
mp_get a "$MP_BAG" "$MP_DIR/part2" -r "$mp_half-" -H "If-Range: \"$MP_BAG_SHA\""
expect_eq "the rest with If-Range (its ETag): 206" 206 "$HTTP_STATUS"
cat "$MP_DIR/part1" "$MP_DIR/part2" >"$MP_DIR/resumed.zip"
expect_eq "the interrupted download resumed gives the same SHA-256" "$MP_BAG_SHA" "$(mp_sha "$MP_DIR/resumed.zip")"
mp_get a "$MP_BAG" "$MP_DIR/whole" -r "$mp_half-" -H 'If-Range: "0000"'
expect_eq "If-Range that does not match: 200 with it all" "200 $MP_BAG_SHA" "$HTTP_STATUS $(mp_sha "$MP_DIR/whole")"
mp_get a "$MP_BAG" "$MP_DIR/none" -r "$((MP_BAG_LEN + 10))-"
expect_eq "a Range past the end: 416 bytes */len" "416 bytes */$MP_BAG_LEN" "$HTTP_STATUS $(header Content-Range)"
mp_get a "$MP_BAG" "$MP_DIR/none" -H "If-None-Match: \"$MP_BAG_SHA\""
expect_eq "If-None-Match: 304" 304 "$HTTP_STATUS"
mp_get a "$MP_BAG" "$MP_DIR/head" --head
# (curl --head writes the headers to its output too: what is past them is a
# body. Searching the file for the ZIP's "PK" found it, now and then, in the
# base64 of Repr-Digest.)
expect_eq "HEAD: the headers, no body" "200 $MP_BAG_LEN 0" \
    "$HTTP_STATUS $(header Content-Length) $(($(stat -c %s "$MP_DIR/head") - $(stat -c %s "$T_TMP/headers")))"
# A download really cut off midway (curl gives up after some bytes).
curl -s -o "$MP_DIR/cut.zip" --max-filesize 1 -H "X-Api-Key: ${MP_KEY[a]}" --limit-rate 20k --max-time 1 "$GW$MP_BAG" >/dev/null 2>&1
mp_got=$(mp_size "$MP_DIR/cut.zip" 2>/dev/null || echo 0)
mp_get a "$MP_BAG" "$MP_DIR/cut-rest" -r "$mp_got-" -H "If-Range: \"$MP_BAG_SHA\""
cat "$MP_DIR/cut-rest" >>"$MP_DIR/cut.zip"
expect_eq "a download cut off after $mp_got bytes, resumed with Range + If-Range: the same SHA-256" \
    "$MP_BAG_SHA" "$(mp_sha "$MP_DIR/cut.zip")"

# ------------------------------------------------------------ feed
echo "  -- the feed: every version once, in order, across publishes between pages"
mp_feed_ids=()
mp_key a GET '/api/v1/media/feed?limit=1' -
expect_eq "A's first page: one item, version 1 of the package, next_cursor and Link rel=next" \
    "200 1 $MP_URI 1 true" \
    "$HTTP_STATUS $(mp_jq '.items | length') $(mp_jq .items[0].uri) $(mp_jq .items[0].version) $(header Link | grep -q 'rel="next"' && echo true || echo false)"
mp_feed_ids+=("$(mp_jq '.items[] | "\(.uri)#\(.version)"')")
MP_CUR=$(mp_jq .next_cursor)
expect_match "  Link points at the next page" "^</api/v1/media/feed\\?cursor=$MP_CUR&limit=1>; rel=\"next\"\$" "$(header Link)"
# Publish between pages: a second package and a correction of the first.
mp_package "$MP_ART2" "[$MP_PNG2]" "[$MP_A]"
MP_P2=$(mp_jq '.id // 0')
MP_URI2=$(mp_jq .uri)
mp_call rev POST "/api/v1/media/packages/$MP_P1/versions" "{\"asset_ids\": [$MP_PNG], \"note\": \"Đính chính ảnh\"}"
expect_eq "a correction: 201, version 2, the same uri" "201 2 $MP_URI" "$HTTP_STATUS $(mp_jq .version) $(mp_jq .uri)"
mp_bag_ready "$MP_P2" 1 && mp_bag_ready "$MP_P1" 2 || fail "the bags of package 2 and of the correction are built"
# mp_walk BC CURSOR: one item a page to the end; MP_WALK lists what came,
# MP_LAST_CUR is the cursor to poll with.
mp_walk() {
    local bc=$1 cur=$2 guard=0
    MP_WALK=""
    MP_LAST_CUR=$cur
    while [ $guard -lt 50 ]; do
        guard=$((guard + 1))
        mp_key "$bc" GET "/api/v1/media/feed?limit=1&cursor=$cur" -
        [ "$HTTP_STATUS" = 200 ] || { MP_WALK="$MP_WALK status-$HTTP_STATUS"; return; }
        MP_LAST_CUR=$(mp_jq .next_cursor)
        [ "$(mp_jq '.items | length')" = 0 ] && return
        MP_WALK="$MP_WALK $(mp_jq '.items[] | "\(.uri)#\(.version)"')"
        cur=$MP_LAST_CUR
    done
}
mp_walk a "$MP_CUR"
expect_eq "the walk goes on with the new versions, each once, in publication order" \
    " $MP_URI2#1 $MP_URI#2" "$MP_WALK"
mp_key a GET "/api/v1/media/feed?limit=100&cursor=$MP_LAST_CUR" -
expect_eq "  the end: no items, and the same cursor to poll with" "0 $MP_LAST_CUR" "$(mp_jq '.items | length') $(mp_jq .next_cursor)"
mp_key a GET '/api/v1/media/feed?limit=100' -
expect_eq "from the start at once: the same three versions" "$MP_URI#1 $MP_URI2#1 $MP_URI#2" \
    "$(mp_jq -j '[.items[] | "\(.uri)#\(.version)"] | join(" ")')"
mp_key a GET '/api/v1/media/feed?cursor=bm90LWEtY3Vyc29y' -
expect_eq "a bad cursor: 400 naming cursor, problem+json" "400 true application/problem+json" \
    "$(problem_names cursor) $(header Content-Type | cut -d';' -f1)"
mp_tampered=$(printf '%s' "$MP_CUR" | sed 's/^./A/; t; s/^/A/')
[ "$mp_tampered" = "$MP_CUR" ] && mp_tampered=$(printf '%s' "$MP_CUR" | sed 's/^./B/')
mp_key a GET "/api/v1/media/feed?cursor=$mp_tampered" -
expect_eq "a cursor with a changed character: 400" 400 "$HTTP_STATUS"
mp_key a GET '/api/v1/media/feed?limit=0' -
expect_eq "limit=0: 400 naming limit" "400 true" "$(problem_names limit)"
mp_key a GET "/api/v1/media/packages/$MP_P1" -
expect_eq "GET the package as A: the latest version's ninjs (version 2, same uri)" "200 2 $MP_URI Đính chính ảnh" \
    "$HTTP_STATUS $(mp_jq .version) $(mp_jq .uri) $(mp_jq .edNote)"
mp_ninjs_ok "  version 2 is valid ninjs too"

echo "  -- Atom and RSS"
mp_key a GET '/api/v1/media/feed.atom?limit=100' -
expect_eq "feed.atom: 200 application/atom+xml" "200 application/atom+xml" "$HTTP_STATUS $(header Content-Type | cut -d';' -f1)"
mp_xml_ok "  it passes xmllint --noout"
expect_eq "  three entries, the video as an enclosure with its length" \
    "3 $(mp_size "$MP_DIR/clip.mp4")" \
    "$(printf '%s' "$HTTP_BODY" | grep -c '<entry>') $(printf '%s' "$HTTP_BODY" | xmllint --xpath 'string(//*[local-name()="link"][@type="video/mp4"]/@length)' - 2>/dev/null)"
mp_key a GET '/api/v1/media/feed.rss?limit=100' -
expect_eq "feed.rss: 200 application/rss+xml" "200 application/rss+xml" "$HTTP_STATUS $(header Content-Type | cut -d';' -f1)"
mp_xml_ok "  it passes xmllint --noout"
expect_eq "  Media RSS: media:content with url, type and fileSize" \
    "video/mp4 $(mp_size "$MP_DIR/clip.mp4") true" \
    "$(printf '%s' "$HTTP_BODY" | xmllint --xpath 'string(//*[local-name()="content"][@type="video/mp4"]/@type)' - 2>/dev/null) $(printf '%s' "$HTTP_BODY" | xmllint --xpath 'string(//*[local-name()="content"][@type="video/mp4"]/@fileSize)' - 2>/dev/null) $(printf '%s' "$HTTP_BODY" | xmllint --xpath 'string(//*[local-name()="content"][@type="video/mp4"]/@url)' - 2>/dev/null | grep -q "^$LOA_PUBLIC_URL/" && echo true || echo false)"
mp_key a GET '/api/v1/media/feed.atom?cursor=zzz' -
expect_eq "  a bad cursor on Atom: 400 too" 400 "$HTTP_STATUS"

# ------------------------------------------------------------ embargo
echo "  -- embargo: deliver shows embargoedUntil, hide waits"
MP_EMB=$(date -u -d '+6 seconds' +%Y-%m-%dT%H:%M:%SZ)
mp_package "$MP_ART3" "[$MP_PNG2]" "[$MP_A, $MP_H]" "$MP_EMB"
MP_P3=$(mp_jq '.id // 0')
MP_URI3=$(mp_jq .uri)
expect_eq "an embargoed package: 201" 201 "$HTTP_STATUS"
mp_bag_ready "$MP_P3" 1 || fail "the embargoed package's bag is built"
mp_key a GET "/api/v1/media/feed?limit=100&cursor=$MP_LAST_CUR" -
expect_eq "A (deliver) has it at once, with embargoedUntil" "$MP_URI3 true" \
    "$(mp_jq .items[0].uri) $(mp_jq '.items[0].embargoedUntil != null')"
mp_key a GET "/api/v1/media/packages/$MP_P3/versions/1" -
mp_ninjs_ok "  its ninjs (with embargoedUntil) is valid"
mp_key h GET '/api/v1/media/feed?limit=100' -
expect_eq "H (hide) does not see it yet: its feed has package 1's two versions only" "$MP_URI#1 $MP_URI#2" \
    "$(mp_jq -j '[.items[] | "\(.uri)#\(.version)"] | join(" ")')"
MP_HCUR=$(mp_jq .next_cursor)
mp_key h GET "/api/v1/media/packages/$MP_P3/versions/1" -
expect_eq "  nor by its address: 403 until then" 403 "$HTTP_STATUS"
mp_h_sees() { mp_key h GET "/api/v1/media/feed?limit=100&cursor=$MP_HCUR" -; [ "$(mp_jq '.items | length')" = 1 ]; }
if wait_until 20 mp_h_sees; then
    expect_eq "once the embargo ends it enters H's feed after what H has read (nothing skipped)" "$MP_URI3#1" \
        "$(mp_jq -j '[.items[] | "\(.uri)#\(.version)"] | join(" ")')"
else
    fail "the embargoed version enters H's feed once the embargo ends" "$HTTP_STATUS $HTTP_BODY"
fi
mp_key h GET "/api/v1/media/packages/$MP_P3/versions/1" -
expect_eq "  and its address answers 200" 200 "$HTTP_STATUS"

# ------------------------------------------------------------ cancel
echo "  -- cancellation: a version with pubStatus canceled, files then 410"
mp_call rev POST "/api/v1/media/packages/$MP_P2/cancel" '{}'
expect_eq "cancel without a reason: 422 naming reason" "422 true" "$(problem_names reason)"
mp_get a "/api/v1/media/packages/$MP_P2/versions/1/bag.zip" "$MP_DIR/p2.zip"
expect_eq "before: package 2's bag is 200" 200 "$HTTP_STATUS"
mp_call rev POST "/api/v1/media/packages/$MP_P2/cancel" '{"reason": "Tin sai, hủy"}'
expect_eq "cancel: 201, version 2, canceled" "201 2 canceled" "$HTTP_STATUS $(mp_jq .version) $(mp_jq .pub_status)"
mp_key a GET "/api/v1/media/packages/$MP_P2/versions/2" -
expect_eq "  its ninjs: the same uri, pubStatus canceled, the reason" "200 $MP_URI2 canceled Tin sai, hủy" \
    "$HTTP_STATUS $(mp_jq .uri) $(mp_jq .pubStatus) $(mp_jq .edNote)"
mp_ninjs_ok "  valid ninjs"
mp_get a "/api/v1/media/packages/$MP_P2/versions/1/bag.zip" "$MP_DIR/none"
expect_eq "  then version 1's bag answers 410" 410 "$HTTP_STATUS"
mp_get a "/api/v1/media/packages/$MP_P2/versions/1/files/$(printf '%s' "$MP_NINJS1" | jq -r '.renditions[0].name' | sed "s/asset-[0-9]*/asset-$MP_PNG2/")" "$MP_DIR/none"
expect_eq "  and its files 410" 410 "$HTTP_STATUS"
mp_call rev POST "/api/v1/media/packages/$MP_P2/versions" '{"note": "sau khi hủy"}'
expect_eq "a correction after the cancellation: 409" 409 "$HTTP_STATUS"
mp_bag_ready "$MP_P2" 2 || fail "the cancellation's bag is built"
mp_key a GET "/api/v1/media/feed?limit=100&cursor=$MP_LAST_CUR" -
expect_eq "the cancellation re-enters A's feed after what was there" "$MP_URI3#1 $MP_URI2#2" \
    "$(mp_jq -j '[.items[] | "\(.uri)#\(.version)"] | join(" ")')"

# ------------------------------------------------------------ receipts
echo "  -- receipts and the deliveries report"
mp_receipt() { mp_key "$1" POST /api/v1/media/receipts "$(jq -nc --arg u "$2" --argjson v "$3" --arg s "$4" --arg st "${5:-received}" '{uri: $u, version: $v, sha256: $s, status: $st}')"; }
mp_receipt a "$MP_URI" 1 "$MP_BAG_SHA"
expect_eq "A's receipt for version 1: 201" "201 received" "$HTTP_STATUS $(mp_jq .status)"
mp_key a POST /api/v1/media/receipts "{\"uri\": \"$MP_URI\", \"version\": \"1\", \"sha256\": \"$MP_BAG_SHA\", \"status\": \"received\"}"
expect_eq "  the same again, version as ninjs writes it (\"1\"): 200 with the first receipt" "200 1" "$HTTP_STATUS $(mp_jq .version)"
mp_receipt a "$MP_URI" 2 "$MP_BAG_SHA"
expect_eq "a digest that is not the version's bag: 422 naming sha256" "422 true" "$(problem_names sha256)"
mp_receipt a "urn:elsewhere:package:1" 1 "$MP_BAG_SHA"
expect_eq "a uri that is not a package's: 422 naming uri" "422 true" "$(problem_names uri)"
mp_receipt b "$MP_URI" 1 "$MP_BAG_SHA"
expect_eq "B's receipt for a package not meant for it: 403" 403 "$HTTP_STATUS"
mp_receipt h "$MP_URI" 1 "$(printf '%064d' 0)" failed
expect_eq "H reports a failed delivery: 201" "201 failed" "$HTTP_STATUS $(mp_jq .status)"

mp_dl_db() { db_sql "SELECT count(*) FROM media.downloads WHERE package_id = $MP_P1 AND broadcaster_id = $MP_A"; }
mp_dl_settled() { local a b; a=$(mp_dl_db); sleep 0.3; b=$(mp_dl_db); [ "$a" = "$b" ] && [ "$a" -gt 0 ]; }
wait_until 10 mp_dl_settled
MP_DL=$(mp_dl_db)
mp_call insp GET "/api/v1/media/packages/$MP_P1" -
expect_eq "the inspector reads the package: versions 1 and 2" "200 2 1,2" \
    "$HTTP_STATUS $(mp_jq .version) $(mp_jq '.versions | map(.version | tostring) | join(",")')"
expect_eq "  A's deliveries: both versions in its feed, the logged downloads, one receipt" \
    "1,2 $MP_DL 1 received" \
    "$(mp_jq --argjson b "$MP_A" '.deliveries[] | select(.broadcaster_id == $b) | .versions_in_feed | map(tostring) | join(",")') $(mp_jq --argjson b "$MP_A" '.deliveries[] | select(.broadcaster_id == $b) | .downloads') $(mp_jq --argjson b "$MP_A" '.deliveries[] | select(.broadcaster_id == $b) | .receipts | length') $(mp_jq --argjson b "$MP_A" '.deliveries[] | select(.broadcaster_id == $b) | .receipts[0].status')"
expect_eq "  downloads: the bag twice whole, ranges, files, the manifest (HEAD and 304 not counted)" true \
    "$([ "$MP_DL" -ge 7 ] && echo true || echo false)"
expect_eq "  H's: a failed receipt" "failed" \
    "$(mp_jq --argjson b "$MP_H" '.deliveries[] | select(.broadcaster_id == $b) | .receipts[0].status')"
mp_before=$MP_DL
mp_get a "/api/v1/media/packages/$MP_P1/versions/2/manifest-sha256.txt" "$MP_DIR/m2"
mp_dl_more() { [ "$(mp_dl_db)" = $((mp_before + 1)) ]; }
if wait_until 10 mp_dl_more; then pass "one more download is one more row in the log"; else fail "one more download is logged" "$(mp_dl_db) after $mp_before"; fi
mp_call lead GET '/api/v1/media/packages?per_page=100' -
expect_eq "the leader lists packages with their deliveries" "200 true" \
    "$HTTP_STATUS $(mp_jq --argjson p "$MP_P1" '[.items[] | select(.id == $p)][0].deliveries | length == 2')"
mp_call ed GET "/api/v1/media/packages/$MP_P1" -
expect_eq "an editor does not see the deliveries report: 403" 403 "$HTTP_STATUS"

# Two corrections at once: one after the other, never the same version.
# (wait on these two only: the stack's programs are this shell's jobs too)
mp_pids=()
for mp_i in 1 2; do
    curl -s -o /dev/null --max-time 30 -H "Authorization: Bearer ${MP_TOK[rev]}" \
        -H 'Content-Type: application/json' --data-binary "{\"note\": \"song song $mp_i\"}" \
        "$GW/api/v1/media/packages/$MP_P3/versions" &
    mp_pids+=($!)
done
wait "${mp_pids[@]}"
mp_bag_ready "$MP_P3" 3 || fail "the two corrections' bags are built"
mp_call rev GET "/api/v1/media/packages/$MP_P3" -
expect_eq "two corrections at once make versions 2 and 3" "1,2,3" "$(mp_jq '.versions | map(.version | tostring) | join(",")')"
mp_key a GET "/api/v1/media/feed?limit=100&cursor=$MP_LAST_CUR" -
expect_eq "  both enter A's feed, each once, after the cancellation" "$MP_URI3#1 $MP_URI2#2 $MP_URI3#2 $MP_URI3#3" \
    "$(mp_jq -j '[.items[] | "\(.uri)#\(.version)"] | join(" ")')"

mp_events() { [ "$(db_sql "SELECT count(*) FROM media.event_log WHERE topic = 'package.published'")" -ge 7 ] && [ "$(db_sql "SELECT count(*) FROM media.event_log WHERE topic = 'package.delivered'")" -ge 2 ]; }
if wait_until 10 mp_events; then pass "events: package.published for each version, package.delivered per receipt"; else fail "events package.published / package.delivered" "$(db_sql "SELECT topic, count(*) FROM media.event_log GROUP BY 1")"; fi
expect_eq "each version's bag is stored once on the media volume by its SHA-256" "$MP_BAG_SHA" \
    "$(mp_sha "$LOA_MEDIA_DIR/sha256/${MP_BAG_SHA:0:2}/${MP_BAG_SHA:2:2}/$MP_BAG_SHA")"

# The leadership summary's media figures (quota-svc, from media-svc's
# events): this unit's packages and received receipts of the year, as
# media-svc's own tables count them.
MP_YEAR=$(TZ=Asia/Ho_Chi_Minh date +%Y)
mp_direct_media() {
    db_sql "SELECT (SELECT count(*) FROM media.packages p JOIN content.articles a ON a.id = p.article_id
            WHERE a.unit_id = $MP_UNIT AND to_char(p.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY') = '$MP_YEAR')
        || '/' || (SELECT count(*) FROM media.receipts r JOIN media.packages p ON p.id = r.package_id
            JOIN content.articles a ON a.id = p.article_id WHERE a.unit_id = $MP_UNIT AND r.status = 'received'
            AND to_char(r.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY') = '$MP_YEAR')"
}
mp_summary_media() {
    mp_call insp GET "/api/v1/quota/summary?year=$MP_YEAR" -
    mp_jq --argjson u "$MP_UNIT" '.items[] | select(.unit_id == $u) | "\(.media_packages)/\(.media_deliveries)"'
}
mp_media_matches() { [ "$(mp_summary_media)" = "$(mp_direct_media)" ]; }
if wait_until 15 mp_media_matches; then
    pass "quota summary: the unit's packages and received receipts this year ($(mp_direct_media)), from media events"
else
    fail "quota summary media figures" "summary $(mp_summary_media), media-svc $(mp_direct_media)"
fi
mp_call insp GET "/api/v1/quota/summary?year=$MP_YEAR" -
expect_eq "quota summary: the media totals are the sums of the rows" true \
    "$(mp_jq '(.totals.media_packages == ([.items[].media_packages] | add)) and (.totals.media_deliveries == ([.items[].media_deliveries] | add)) and .totals.media_packages > 0')"

# ------------------------------------------------------------ bags in the background
echo "  -- bags built in the background: 503 while pending, then 200; a bag that cannot be built"
stack_stop media-svc
LOA_BAG_BUILD_MS=86400000 stack_start media-svc
if stack_wait_ready; then pass "media-svc restarts with its bag builder idle (LOA_BAG_BUILD_MS a day)"; else fail "media-svc restarts with LOA_BAG_BUILD_MS a day"; fi
sleep 1 # the builder's first run, 200 ms after the start, is over
mp_package "$MP_ART" "[$MP_PNG2]" "[$MP_A]"
MP_P4=$(mp_jq '.id // 0')
MP_URI4=$(mp_jq .uri)
expect_eq "a package is created at once: 201, its bag pending" "201 pending" \
    "$HTTP_STATUS $(mp_jq '.versions[0].bag_status')"
MP_V4=/api/v1/media/packages/$MP_P4/versions/1
mp_key a GET "$MP_V4/bag.zip" -
expect_eq "  its bag.zip: 503 problem+json with Retry-After" "503 application/problem+json 5" \
    "$HTTP_STATUS $(header Content-Type | cut -d';' -f1) $(header Retry-After)"
expect_match "  with a Vietnamese detail" "đang được tạo" "$(mp_jq .detail)"
mp_key a HEAD "$MP_V4/bag.zip" -
expect_eq "  HEAD bag.zip: 503 with Retry-After" "503 5" "$HTTP_STATUS $(header Retry-After)"
mp_key a GET "$MP_V4/manifest-sha256.txt" -
expect_eq "  manifest-sha256.txt: 503" 503 "$HTTP_STATUS"
mp_key a GET "$MP_V4" -
expect_eq "  its ninjs does not wait for the bag: 200, usable" "200 $MP_URI4 usable" \
    "$HTTP_STATUS $(mp_jq .uri) $(mp_jq .pubStatus)"
mp_key a GET "/api/v1/media/feed?limit=100&cursor=$MP_LAST_CUR" -
expect_eq "  the feed does not list it yet" "200 0" \
    "$HTTP_STATUS $(mp_jq --arg u "$MP_URI4" '[.items[] | select(.uri == $u)] | length')"
stack_stop media-svc
stack_start media-svc
if stack_wait_ready; then pass "media-svc restarts with its builder"; else fail "media-svc restarts with its builder"; fi
if mp_bag_ready "$MP_P4" 1; then pass "  the pending bag is built"; else fail "the pending bag is built" "$HTTP_BODY"; fi
mp_get a "$MP_V4/bag.zip" "$MP_DIR/p4.zip"
expect_eq "  then bag.zip is 200, its ETag the bag's SHA-256" "200 \"$(mp_sha "$MP_DIR/p4.zip")\"" "$HTTP_STATUS $(header ETag)"
if unzip -tq "$MP_DIR/p4.zip" >/dev/null 2>&1; then pass "  and it passes unzip -t"; else fail "  unzip -t of the late bag"; fi
mp_key a GET "/api/v1/media/feed?limit=100&cursor=$MP_LAST_CUR" -
expect_eq "  and the feed lists it, once" 1 "$(mp_jq --arg u "$MP_URI4" '[.items[] | select(.uri == $u)] | length')"

mp_call ed POST /api/v1/assets - -H "Content-Type: image/png" --data-binary "@$MP_DIR/lost.png"
MP_LOST=$(mp_jq '.id // empty')
mp_lost_sha=$(mp_jq '.sha256 // empty')
rm -f "$LOA_MEDIA_DIR/sha256/${mp_lost_sha:0:2}/${mp_lost_sha:2:2}/$mp_lost_sha"
mp_package "$MP_ART" "[$MP_LOST]" "[$MP_A]"
MP_P5=$(mp_jq '.id // 0')
MP_URI5=$(mp_jq .uri)
expect_eq "a package whose photo vanished from the volume is still created: 201" 201 "$HTTP_STATUS"
if mp_bag_ready "$MP_P5" 1 failed; then
    pass "  its bag fails after LOA_BAG_BUILD_ATTEMPTS attempts (bag_status failed)"
else
    fail "  its bag fails" "$HTTP_BODY"
fi
mp_is_ready "$MP_P5" 1 failed
expect_match "  bag_error says why" "thiếu tệp renditions/" "$(mp_jq '.versions[0].bag_error')"
mp_key a GET "/api/v1/media/packages/$MP_P5/versions/1/bag.zip" -
expect_eq "  its bag.zip: 500 problem+json" "500 application/problem+json" \
    "$HTTP_STATUS $(header Content-Type | cut -d';' -f1)"
mp_key a GET "/api/v1/media/feed?limit=100&cursor=$MP_LAST_CUR" -
expect_eq "  never in the feed" 0 "$(mp_jq --arg u "$MP_URI5" '[.items[] | select(.uri == $u)] | length')"

# ------------------------------------------------------------ withheld
echo "  -- a retracted article: its live packages are withheld"
MP_ART4=$(mp_article "Tin sẽ bị gỡ")
mp_package "$MP_ART4" "[$MP_PNG2]" "[$MP_A]"
MP_P6=$(mp_jq '.id // 0')
MP_URI6=$(mp_jq .uri)
mp_bag_ready "$MP_P6" 1 || fail "the package's bag is built"
mp_name6=$(mp_key a GET "/api/v1/media/packages/$MP_P6/versions/1" - && mp_jq '.renditions[0].name')
mp_call rev POST "/api/v1/articles/$MP_ART4/retract" '{"reason": "Gỡ để kiểm thử gói tin"}'
expect_eq "the reviewer retracts the article" 200 "$HTTP_STATUS"
if mp_bag_ready "$MP_P6" 2; then
    pass "  its package gets version 2, built"
else
    fail "  the package gets a withheld version" "$HTTP_BODY"
fi
mp_is_ready "$MP_P6" 2
expect_eq "  the staff view: version 2 withheld" "2 withheld withheld" \
    "$(mp_jq .version) $(mp_jq .pub_status) $(mp_jq '.versions[1].pub_status')"
mp_key a GET "/api/v1/media/packages/$MP_P6/versions/2" -
expect_eq "  its ninjs: the same uri, pubStatus withheld, no renditions" "200 $MP_URI6 2 withheld 0" \
    "$HTTP_STATUS $(mp_jq .uri) $(mp_jq .version) $(mp_jq .pubStatus) $(mp_jq '.renditions | length')"
mp_ninjs_ok "  valid ninjs"
mp_key a GET "/api/v1/media/feed?limit=100&cursor=$MP_LAST_CUR" -
expect_eq "  it enters A's feed after version 1" "$MP_URI6#1 $MP_URI6#2" \
    "$(mp_jq -j --arg u "$MP_URI6" '[.items[] | select(.uri == $u) | "\(.uri)#\(.version)"] | join(" ")')"
mp_get a "/api/v1/media/packages/$MP_P6/versions/1/bag.zip" "$MP_DIR/none"
expect_eq "  version 1's bag then answers 410" 410 "$HTTP_STATUS"
mp_get a "/api/v1/media/packages/$MP_P6/versions/1/files/$mp_name6" "$MP_DIR/none"
expect_eq "  and its files 410" 410 "$HTTP_STATUS"
mp_call rev POST "/api/v1/media/packages/$MP_P6/versions" '{"note": "sửa khi bài đã gỡ"}'
expect_eq "a correction while the article is retracted: 409" 409 "$HTTP_STATUS"

# ------------------------------------------------------------ embargo cleared
echo "  -- a correction keeps the embargo when it names none, and clears it with null"
MP_EMB7=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
mp_package "$MP_ART" "[$MP_PNG2]" "[$MP_A, $MP_H]" "$MP_EMB7"
MP_P7=$(mp_jq '.id // 0')
MP_URI7=$(mp_jq .uri)
mp_h_has7() {
    mp_key h GET "/api/v1/media/feed?limit=100&cursor=$MP_HCUR" -
    [ "$(mp_jq -j --arg u "$MP_URI7" '[.items[] | select(.uri == $u) | .version] | join(" ")')" = "$1" ]
}
mp_call rev POST "/api/v1/media/packages/$MP_P7/versions" '{"note": "giữ thời điểm cấm phát"}'
expect_eq "a correction without embargo_until: version 2 keeps the embargo" "201 2 true" \
    "$HTTP_STATUS $(mp_jq .version) $(mp_jq '.versions[1].embargo_until == .versions[0].embargo_until and .versions[0].embargo_until != ""')"
mp_call rev POST "/api/v1/media/packages/$MP_P7/versions" '{"embargo_until": null, "note": "bỏ cấm phát"}'
expect_eq "a correction with \"embargo_until\": null: version 3 without an embargo" "201 3 " \
    "$HTTP_STATUS $(mp_jq .version) $(mp_jq '.versions[2].embargo_until')"
mp_bag_ready "$MP_P7" 3 || fail "the three versions' bags are built"
mp_key a GET "/api/v1/media/packages/$MP_P7/versions/3" -
expect_eq "  its ninjs has no embargoedUntil" "200 false" "$HTTP_STATUS $(mp_jq 'has("embargoedUntil")')"
if wait_until 10 mp_h_has7 "1 2 3"; then
    pass "  H (hide) gets versions 1, 2 and 3 at once, in order"
else
    fail "  H gets the package once the embargo is cleared" \
        "$(mp_jq -j --arg u "$MP_URI7" '[.items[] | select(.uri == $u) | .version] | join(" ")')"
fi

# ------------------------------------------------------------ hide released on time
echo "  -- a hide embargo ends: the entry is released on time, without a read"
MP_EMB8=$(date -u -d '+4 seconds' +%Y-%m-%dT%H:%M:%SZ)
mp_package "$MP_ART" "[$MP_PNG2]" "[$MP_H]" "$MP_EMB8"
MP_P8=$(mp_jq '.id // 0')
mp_h_in_feed8() {
    mp_call insp GET "/api/v1/media/packages/$MP_P8" -
    [ "$(mp_jq --argjson b "$MP_H" '.deliveries[] | select(.broadcaster_id == $b) | .versions_in_feed | map(tostring) | join(",")')" = "$1" ]
}
if mp_h_in_feed8 ""; then pass "before the embargo ends H's feed lacks it (deliveries report)"; else fail "H's feed lacks it before the embargo" "$HTTP_BODY"; fi
if wait_until 15 mp_h_in_feed8 1; then
    pass "  once it ends the report shows it in H's feed, H having read nothing"
else
    fail "  the entry is released on time" "$HTTP_BODY"
fi

# ------------------------------------------------------------ orphan blobs
echo "  -- the orphan blob sweep: old blobs no row names go, named ones stay"
mp_blob() { printf '%s/sha256/%s/%s/%s' "$LOA_MEDIA_DIR" "${1:0:2}" "${1:2:2}" "$1"; }
mp_orphan=$(head -c 32 /dev/urandom | sha256sum | cut -d' ' -f1)
mkdir -p "$(dirname "$(mp_blob "$mp_orphan")")"
printf 'orphan %s' "$MP_RUN" >"$(mp_blob "$mp_orphan")"
mp_young=$(head -c 32 /dev/urandom | sha256sum | cut -d' ' -f1)
mkdir -p "$(dirname "$(mp_blob "$mp_young")")"
printf 'young %s' "$MP_RUN" >"$(mp_blob "$mp_young")"
mp_asset_sha=$(db_sql "SELECT sha256 FROM media.assets WHERE id = $MP_PNG2")
mp_bag4_sha=$(db_sql "SELECT bag_sha256 FROM media.package_versions WHERE package_id = $MP_P4 AND version = 1")
touch -d '2 hours ago' "$(mp_blob "$mp_orphan")" "$(mp_blob "$mp_asset_sha")" "$(mp_blob "$mp_bag4_sha")"
mp_orphan_gone() { [ ! -e "$(mp_blob "$mp_orphan")" ]; }
if wait_until 15 mp_orphan_gone; then pass "an orphan blob two hours old is removed"; else fail "an old orphan blob is removed" "still there"; fi
expect_eq "  a young orphan, an asset's and a bag's blob (both made old) stay" "yes yes yes" \
    "$([ -e "$(mp_blob "$mp_young")" ] && echo yes || echo no) $([ -e "$(mp_blob "$mp_asset_sha")" ] && echo yes || echo no) $([ -e "$(mp_blob "$mp_bag4_sha")" ] && echo yes || echo no)"
mp_get a "$MP_V4/bag.zip" "$MP_DIR/p4-again.zip"
expect_eq "  and the old bag is still served" "200 $mp_bag4_sha" "$HTTP_STATUS $(mp_sha "$MP_DIR/p4-again.zip")"
rm -f "$(mp_blob "$mp_young")"
