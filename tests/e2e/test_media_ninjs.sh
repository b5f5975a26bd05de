# ninjs 2.3 on request (docs/api/media.md: packages follow ninjs
# 3.2, "2.3 on request"). A package version's document, the latest one and
# the JSON feed's items come in ninjs 2.3 when a broadcaster asks with
# ?ninjs=2.3 or with Accept (version=2.3, or profile= the 2.3 schema's $id):
# valid against ninjs-schema_2.3.json with format checks, the same data
# as the 3.2 document (same uri and version, every value under its 2.x
# name), a profile and a describedby link naming the schema, Vary: Accept,
# an ETag of its own. Corrections, cancellation (pubstatus canceled) and
# embargo (embargoed) in 2.3; ?ninjs=1.0 is 400 naming ninjs, an Accept
# asking only for versions not served is 406; the bag stays 3.2.
# Sourced by tests/run.sh: every name here starts with mn_ / MN_.
# shellcheck shell=bash

MN_DIR=$T_TMP/media-ninjs
mkdir -p "$MN_DIR"
MN_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
MN_RUN_UC=$(printf '%s' "$MN_RUN" | tr '[:lower:]' '[:upper:]')
MN_PY=/usr/bin/python3
[ -x "$MN_PY" ] || MN_PY=python3
MN_S32=tests/e2e/media/ninjs-schema_3.2.json
MN_S23=tests/e2e/media/ninjs-schema_2.3.json
MN_ID32='http://www.iptc.org/std/ninjs/ninjs-schema_3.2.json#'
MN_ID23='http://www.iptc.org/std/ninjs/ninjs-schema_2.3.json#'
declare -gA MN_TOK=() MN_KEY=()

mn_jq() { body_jq "$@"; }
mn_call() { e2e_call MN_TOK "$@"; }
# mn_key PATH [curl args]: GET PATH as the broadcaster (its X-Api-Key).
mn_key() {
    local path=$1
    shift
    http GET "$path" -H "X-Api-Key: ${MN_KEY[a]:-none}" "$@"
}
# mn_valid NAME SCHEMA [JSON]: JSON (default: the last body) is valid.
mn_valid() {
    local err
    if err=$(printf '%s' "${3-$HTTP_BODY}" | "$MN_PY" tests/e2e/validate.py "$2" 2>&1); then
        pass "$1"
    else
        fail "$1" "$(printf '%s' "$err" | head -5)"
    fi
}
# mn_as_2_3 JSON: a 3.2 document under 2.3's names (keys lower-cased,
# embargoedUntil -> embargoed), keys sorted: what the 2.3 rendering must be.
mn_as_2_3() {
    printf '%s' "$1" | jq -cS 'walk(if type == "object" then with_entries(.key |= ascii_downcase) else . end)
        | with_entries(if .key == "embargoeduntil" then .key = "embargoed" else . end)'
}
mn_sorted() { printf '%s' "$1" | jq -cS .; }
mn_sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# ------------------------------------------------------------ set-up
echo "  -- set-up: an editor, a reviewer, a photo, a published article, a broadcaster"
# shellcheck disable=SC2034 # read by name (mn_call -> e2e_call)
MN_TOK[admin]=$(admin_token)
mn_call admin POST /api/v1/units "{\"code\": \"MN-$MN_RUN_UC\", \"name\": \"Phòng Thử nghiệm ninjs $MN_RUN\"}"
MN_UNIT=$(mn_jq '.id // 0')
expect_eq "setup: a unit for the editor" 201 "$HTTP_STATUS"
e2e_staff MN_TOK ed '["editor"]' "$MN_UNIT" "e2e.mn-ed-$MN_RUN" "Biên tập ninjs"
e2e_staff MN_TOK rev '["reviewer"]' null "e2e.mn-rev-$MN_RUN" "Duyệt ninjs"
"$MN_PY" - "$MN_DIR/photo.png" "$MN_RUN" <<'PYEOF'
import os, struct, sys, zlib
def chunk(t, data):
    return struct.pack('>I', len(data)) + t + data + struct.pack('>I', zlib.crc32(t + data) & 0xffffffff)
raw = b''.join(b'\x00' + os.urandom(8 * 3) for _ in range(8))
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 8, 8, 8, 2, 0, 0, 0))
    + chunk(b'tEXt', b'Comment\x00' + sys.argv[2].encode()) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
PYEOF
mn_call ed POST /api/v1/assets - -H 'Content-Type: image/png' --data-binary "@$MN_DIR/photo.png"
MN_PNG=$(mn_jq '.id // empty')
mn_call anon GET '/api/v1/topics?per_page=1' -
e2e_publish MN_TOK ed rev "$(jq -nc --arg t "Tin ninjs 2.3 $MN_RUN" --argjson tp "[$(mn_jq '.items[0].id // 1')]" \
    --argjson a "[${MN_PNG:-0}]" \
    '{title: $t, summary: "Tóm tắt cho đài", body: "Nội dung **chính**.", topic_ids: $tp, attachment_ids: $a}')"
MN_ART=$E2E_ID
mn_call admin POST /api/v1/broadcasters "$(jq -nc --arg n "Đài ninjs $MN_RUN" '{name: $n, kind: "radio", embargo_policy: "deliver"}')"
MN_KEY[a]=$(mn_jq '.api_key // empty')
MN_BC=$(mn_jq '.id // empty')
expect_eq "setup: a photo, a published article, a broadcaster with its key" true \
    "$([ -n "$MN_PNG" ] && [ -n "$MN_ART" ] && [ -n "$MN_BC" ] && [ -n "${MN_KEY[a]}" ] && echo true || echo false)"

# mn_package EMBARGO: POST as the reviewer; media-svc learns the article
# from content's event, so the first tries may answer 422 article_id.
mn_package() {
    local body
    body=$(jq -nc --argjson art "${MN_ART:-0}" --argjson a "${MN_PNG:-0}" --argjson b "${MN_BC:-0}" --arg e "$1" \
        '{article_id: $art, asset_ids: [$a], broadcaster_ids: [$b]} + (if $e == "" then {} else {embargo_until: $e} end)')
    mn_try() { mn_call rev POST /api/v1/media/packages "$body"; [ "$HTTP_STATUS" != 422 ] || [ "$(problem_names article_id)" != "422 true" ]; }
    wait_until 15 mn_try
}
mn_package ""
MN_P=$(mn_jq '.id // 0')
expect_eq "setup: a package, version 1" "201 1" "$HTTP_STATUS $(mn_jq .version)"
MN_V1=/api/v1/media/packages/$MN_P/versions/1

# ------------------------------------------------------------ one version
echo "  -- one version in 3.2 and in 2.3"
mn_key "$MN_V1"
MN_DOC32=$HTTP_BODY
MN_ETAG32=$(header ETag)
expect_eq "by default: ninjs 3.2, said by the Content-Type's profile and a describedby link; Vary: Accept" \
    "200 application/json; charset=utf-8; profile=\"$MN_ID32\"|<${MN_ID32%#}>; rel=\"describedby\"; type=\"application/schema+json\"|Accept" \
    "$HTTP_STATUS $(header Content-Type)|$(header Link)|$(header Vary)"
mn_valid "  valid against the ninjs 3.2 schema" "$MN_S32"

mn_key "$MN_V1?ninjs=2.3"
MN_DOC23=$HTTP_BODY
MN_ETAG23=$(header ETag)
expect_eq "?ninjs=2.3: ninjs 2.3, said by the profile and the describedby link; Vary: Accept" \
    "200 application/json; charset=utf-8; profile=\"$MN_ID23\"|<${MN_ID23%#}>; rel=\"describedby\"; type=\"application/schema+json\"|Accept" \
    "$HTTP_STATUS $(header Content-Type)|$(header Link)|$(header Vary)"
mn_valid "  valid against the ninjs 2.3 schema with format checks" "$MN_S23"
if printf '%s' "$MN_DOC23" | "$MN_PY" tests/e2e/validate.py "$MN_S32" >/dev/null 2>&1; then
    fail "  and not valid 3.2 (the names differ)" "the 3.2 schema accepts it"
else
    pass "  and not valid 3.2 (the names differ)"
fi
expect_eq "  the same uri and version as 3.2, 2.x's lower-case names" \
    "$(printf '%s' "$MN_DOC32" | jq -r '"\(.uri) \(.version) \(.pubStatus) \(.versionCreated) \(.renditions[0].sizeInBytes) \(.renditions[0].href)"')" \
    "$(mn_jq '"\(.uri) \(.version) \(.pubstatus) \(.versioncreated) \(.renditions[0].sizeinbytes) \(.renditions[0].href)"')"
expect_eq "  the same data: the 3.2 document under 2.3's names" "$(mn_as_2_3 "$MN_DOC32")" "$(mn_sorted "$MN_DOC23")"
expect_eq "  its own ETag (the SHA-256 of its bytes), not the 3.2 one" \
    "\"$(mn_sha "$MN_DOC23")\" different" "$MN_ETAG23 $([ "$MN_ETAG23" != "$MN_ETAG32" ] && echo different || echo same)"
mn_key "$MN_V1?ninjs=2.3" -H "If-None-Match: $MN_ETAG23"
expect_eq "  If-None-Match with the 2.3 ETag: 304, with its ETag and Vary" "304 $MN_ETAG23 Accept" \
    "$HTTP_STATUS $(header ETag) $(header Vary)"
mn_key "$MN_V1" -H "If-None-Match: $MN_ETAG23"
expect_eq "  the 2.3 ETag does not match the 3.2 document: 200" "200 $MN_ETAG32" "$HTTP_STATUS $(header ETag)"
mn_key "$MN_V1?ninjs=2.3"
expect_eq "  read again: the same bytes (stored once, immutable)" "$(mn_sha "$MN_DOC23")" "$(mn_sha "$HTTP_BODY")"

mn_key "$MN_V1" -H 'Accept: application/json; version=2.3'
expect_eq "Accept: application/json; version=2.3: the same 2.3 bytes and ETag" \
    "200 $(mn_sha "$MN_DOC23") $MN_ETAG23" "$HTTP_STATUS $(mn_sha "$HTTP_BODY") $(header ETag)"
mn_key "$MN_V1" -H "Accept: application/json; profile=\"$MN_ID23\""
expect_eq "Accept with profile= the 2.3 schema's \$id: 2.3" "200 $(mn_sha "$MN_DOC23")" "$HTTP_STATUS $(mn_sha "$HTTP_BODY")"
mn_key "$MN_V1" -H 'Accept: application/json;version=3.2;q=0.5, application/json;version=2.3'
expect_eq "Accept with q: the preferred version (2.3 over 3.2;q=0.5)" "200 $(mn_sha "$MN_DOC23")" "$HTTP_STATUS $(mn_sha "$HTTP_BODY")"
mn_key "$MN_V1?ninjs=3.2" -H 'Accept: application/json; version=2.3'
expect_eq "?ninjs=3.2 wins over Accept" "200 $(mn_sha "$MN_DOC32")" "$HTTP_STATUS $(mn_sha "$HTTP_BODY")"
mn_key "$MN_V1" -H 'Accept: */*'
expect_eq "Accept: */*: 3.2" "200 $(mn_sha "$MN_DOC32")" "$HTTP_STATUS $(mn_sha "$HTTP_BODY")"

# A version enters the broadcasters' view once its bag is built (in the
# background): the latest and the feed are waited for.
mn_latest_is() { mn_key "/api/v1/media/packages/$1"; [ "$HTTP_STATUS $(mn_jq .version)" = "200 $2" ]; }
mn_feed_has() { mn_key '/api/v1/media/feed?limit=100'; [ "$(mn_jq '.items | length')" = "$1" ]; }
wait_until 20 mn_latest_is "$MN_P" 1 || true
mn_key "/api/v1/media/packages/$MN_P?ninjs=2.3"
expect_eq "the latest version (GET /packages/{id}) in 2.3: version 1, the same bytes" \
    "200 1 $(mn_sha "$MN_DOC23")" "$HTTP_STATUS $(mn_jq .version) $(mn_sha "$HTTP_BODY")"
mn_call rev GET "/api/v1/media/packages/$MN_P?ninjs=2.3" -
expect_eq "  staff still get their view of the package (the parameter is the broadcasters')" \
    "200 $MN_P true" "$HTTP_STATUS $(mn_jq .id) $(mn_jq 'has("deliveries")')"

# ------------------------------------------------------------ errors
echo "  -- versions not served"
mn_key "$MN_V1?ninjs=1.0"
expect_eq "?ninjs=1.0: 400 problem+json naming ninjs, the detail quoting 1.0" \
    "400 true application/problem+json true" \
    "$(problem_names ninjs) $(header Content-Type | cut -d';' -f1) $(mn_jq '.detail | contains("\"1.0\"")')"
mn_key "/api/v1/media/packages/$MN_P?ninjs=" 
expect_eq "?ninjs= empty: 400 naming ninjs" "400 true" "$(problem_names ninjs)"
mn_key "$MN_V1" -H 'Accept: application/json; version=1.0'
expect_eq "Accept: application/json; version=1.0: 406 problem+json naming Accept, quoting it" \
    "406 true application/problem+json true" \
    "$(problem_names Accept) $(header Content-Type | cut -d';' -f1) $(mn_jq '.detail | contains("version=1.0")')"
mn_key "$MN_V1" -H 'Accept: application/json; version=1.0, */*;q=0.1'
expect_eq "  with */*;q=0.1 beside it: 200, 3.2" "200 $(mn_sha "$MN_DOC32")" "$HTTP_STATUS $(mn_sha "$HTTP_BODY")"
mn_key /api/v1/media/feed -H 'Accept: application/json; profile="http://example.com/ninjs-9.json"'
expect_eq "the feed with only an unknown profile: 406" 406 "$HTTP_STATUS"

# ------------------------------------------------------------ correction, cancellation
echo "  -- a correction and a cancellation in 2.3"
mn_call rev POST "/api/v1/media/packages/$MN_P/versions" '{"note": "Đính chính tiêu đề"}'
expect_eq "a correction: version 2" "201 2" "$HTTP_STATUS $(mn_jq .version)"
mn_key "/api/v1/media/packages/$MN_P/versions/2?ninjs=2.3"
expect_eq "  in 2.3: the same uri, version 2, the note as ednote" \
    "200 $(printf '%s' "$MN_DOC32" | jq -r .uri) 2 usable Đính chính tiêu đề" \
    "$HTTP_STATUS $(mn_jq .uri) $(mn_jq .version) $(mn_jq .pubstatus) $(mn_jq .ednote)"
mn_valid "  valid 2.3" "$MN_S23"
MN_DOC23_2=$HTTP_BODY
mn_key "/api/v1/media/packages/$MN_P/versions/2"
expect_eq "  the same data as its 3.2 document" "$(mn_as_2_3 "$HTTP_BODY")" "$(mn_sorted "$MN_DOC23_2")"
mn_call rev POST "/api/v1/media/packages/$MN_P/cancel" '{"reason": "Tin sai, hủy"}'
expect_eq "a cancellation: version 3" "201 3" "$HTTP_STATUS $(mn_jq .version)"
wait_until 20 mn_latest_is "$MN_P" 3 || true
mn_key "/api/v1/media/packages/$MN_P" -H 'Accept: application/json; version=2.3'
expect_eq "  the latest in 2.3: version 3, pubstatus canceled, the reason, no renditions" \
    "200 3 canceled Tin sai, hủy false" \
    "$HTTP_STATUS $(mn_jq .version) $(mn_jq .pubstatus) $(mn_jq .ednote) $(mn_jq 'has("renditions")')"
mn_valid "  valid 2.3" "$MN_S23"

# ------------------------------------------------------------ embargo
echo "  -- embargo in 2.3"
MN_EMB=$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%SZ)
mn_package "$MN_EMB"
MN_P2=$(mn_jq '.id // 0')
mn_key "/api/v1/media/packages/$MN_P2/versions/1"
MN_EMB32=$(mn_jq .embargoedUntil)
mn_key "/api/v1/media/packages/$MN_P2/versions/1?ninjs=2.3"
expect_eq "an embargoed version (policy deliver): embargoed in 2.3 is 3.2's embargoedUntil" \
    "200 $MN_EMB32 true" "$HTTP_STATUS $(mn_jq .embargoed) $([ -n "$MN_EMB32" ] && [ "$MN_EMB32" != null ] && echo true || echo false)"
mn_valid "  valid 2.3" "$MN_S23"

# ------------------------------------------------------------ feed
echo "  -- the feed's items in 2.3"
wait_until 20 mn_feed_has 4 || true
mn_key '/api/v1/media/feed?limit=100'
MN_FEED32=$(mn_jq -c '[.items[] | "\(.uri)#\(.version)"]')
expect_eq "the feed by default: 3.2 items, ninjs_version 3.2, Vary: Accept" "200 3.2 Accept 4" \
    "$HTTP_STATUS $(mn_jq .ninjs_version) $(header Vary) $(mn_jq '.items | length')"
MN_FEED32_BODY=$HTTP_BODY
mn_key '/api/v1/media/feed?limit=2&ninjs=2.3'
MN_NEXT=$(mn_jq -r .next_cursor)
expect_eq "?ninjs=2.3: 2.3 items, ninjs_version 2.3, and the next link keeps ninjs=2.3" \
    "200 2.3 2 </api/v1/media/feed?cursor=$MN_NEXT&limit=2&ninjs=2.3>; rel=\"next\"" \
    "$HTTP_STATUS $(mn_jq .ninjs_version) $(mn_jq '.items | length') $(header Link)"
mn_key '/api/v1/media/feed?limit=100&ninjs=2.3'
expect_eq "  the same versions, in the same order, as in 3.2" "$MN_FEED32" "$(mn_jq -c '[.items[] | "\(.uri)#\(.version)"]')"
expect_eq "  pubstatus of each: usable, usable, canceled, usable (the embargoed one)" \
    "usable usable canceled usable" "$(mn_jq -j '[.items[].pubstatus] | join(" ")')"
mn_bad=0
while IFS= read -r mn_item; do
    printf '%s' "$mn_item" | "$MN_PY" tests/e2e/validate.py "$MN_S23" >/dev/null 2>&1 || mn_bad=$((mn_bad + 1))
done < <(mn_jq -c '.items[]')
expect_eq "  every item is valid 2.3" 0 "$mn_bad"
expect_eq "  each item the same data as its 3.2 item" \
    "$(printf '%s' "$MN_FEED32_BODY" | jq -c '.items[]' | while IFS= read -r d; do mn_as_2_3 "$d"; done)" \
    "$(mn_jq -c '.items[]' | while IFS= read -r d; do mn_sorted "$d"; done)"
mn_key '/api/v1/media/feed?limit=100' -H 'Accept: application/json; version=2.3'
expect_eq "Accept: version=2.3 on the feed: 2.3 items" "200 2.3 canceled" \
    "$HTTP_STATUS $(mn_jq .ninjs_version) $(mn_jq -r '.items[2].pubstatus')"
mn_key '/api/v1/media/feed?ninjs=2'
expect_eq "?ninjs=2 on the feed: 400 naming ninjs" "400 true" "$(problem_names ninjs)"
mn_key '/api/v1/media/feed.atom?limit=100&ninjs=2.3'
expect_eq "Atom is made from the 3.2 documents whatever is asked: 4 entries" "200 4" \
    "$HTTP_STATUS $(printf '%s' "$HTTP_BODY" | grep -c '<entry>')"

# ------------------------------------------------------------ bag, contract
echo "  -- the bag stays 3.2; the OpenAPI document"
rm -f "$MN_DIR/bag.zip"
wait_until 20 mn_latest_is "$MN_P2" 1 || true
curl -s -o "$MN_DIR/bag.zip" --max-time 30 -H "X-Api-Key: ${MN_KEY[a]}" "$GW/api/v1/media/packages/$MN_P2/versions/1/bag.zip?ninjs=2.3"
expect_eq "the bag's data/ninjs.json is the 3.2 document" "$(mn_key "/api/v1/media/packages/$MN_P2/versions/1"; mn_sha "$HTTP_BODY")" \
    "$(unzip -p "$MN_DIR/bag.zip" "$MN_P2-v1/data/ninjs.json" 2>/dev/null | sha256sum | cut -d' ' -f1)"
http GET /api/v1/openapi.json
expect_eq "openapi: the three ninjs routes take ninjs (3.2, 2.3) and Accept, and may answer 406" \
    "true true true" \
    "$(for p in '/api/v1/media/packages/{id}/versions/{v}' '/api/v1/media/packages/{id}' /api/v1/media/feed; do
        mn_jq --arg p "$p" '.paths[$p].get | ((.parameters | map(select(.name == "ninjs"))[0].schema.enum == ["3.2", "2.3"]) and (.parameters | any(.name == "Accept")) and (.responses | has("406")))'
    done | tr '\n' ' ' | sed 's/ $//')"
