# Broadcasters' clients (docs/broadcasters.md): HTTP Basic with the API key
# as the password on the routes broadcasters call (the feed, Atom and RSS,
# documents, bags, receipts), with WWW-Authenticate: Basic on their 401s and
# refused anywhere else; and tools/loa-pull, the reference client, against
# the real gateway: it follows the cursor feed, downloads each new version's
# bag, verifies it (ETag, ZIP, both BagIt manifests), unpacks it and posts a
# receipt; a second run finds nothing new; a download a run cut off is
# resumed (Range, If-Range) to the same bytes; a damaged partial file is
# caught by the SHA-256 and fetched again; without a key, or with a bad
# one, it stops with status 2.
# Sourced by tests/run.sh: every name here starts with lp_ / LP_.
# shellcheck shell=bash

LP_DIR=$T_TMP/loa-pull
mkdir -p "$LP_DIR"
LP_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
LP_RUN_UC=$(printf '%s' "$LP_RUN" | tr '[:lower:]' '[:upper:]')
declare -gA LP_TOK=()
lp_jq() { body_jq "$@"; }
lp_call() { e2e_call LP_TOK "$@"; }
lp_sha() { sha256sum "$1" | cut -d' ' -f1; }
lp_yes() { "$@" && echo true || echo false; }

echo "  -- set-up: a published article packaged for a broadcaster"
# shellcheck disable=SC2034 # read by name (lp_call -> e2e_call)
LP_TOK[admin]=$(admin_token)
lp_call admin POST /api/v1/units "{\"code\": \"LP-$LP_RUN_UC\", \"name\": \"Phòng Thử nghiệm Kéo tin $LP_RUN\"}"
LP_UNIT=$(lp_jq '.id // 0')
e2e_staff LP_TOK ed '["editor"]' "$LP_UNIT" "e2e.lp-ed-$LP_RUN" "Biên tập kéo tin"
e2e_staff LP_TOK rev '["reviewer"]' null "e2e.lp-rev-$LP_RUN" "Duyệt kéo tin"
e2e_png "$LP_DIR/photo.png" 120
lp_call ed POST /api/v1/assets - -H 'Content-Type: image/png' --data-binary "@$LP_DIR/photo.png"
LP_PNG=$(lp_jq '.id // 0')
e2e_publish LP_TOK ed rev "$(jq -nc --arg t "Tin kéo về bằng loa-pull $LP_RUN" --argjson a "[$LP_PNG]" \
    '{title: $t, summary: "Tóm tắt", body: "Nội dung bài & <thẻ>.", attachment_ids: $a}')"
LP_ART=$E2E_ID
lp_call admin POST /api/v1/broadcasters "$(jq -nc --arg n "Đài kéo tin $LP_RUN" '{name: $n, kind: "radio", embargo_policy: "deliver"}')"
LP_KEY=$(lp_jq '.api_key // empty')
LP_BC=$(lp_jq '.id // 0')
lp_package() {
    lp_call rev POST /api/v1/media/packages "{\"article_id\": ${LP_ART:-0}, \"asset_ids\": [$LP_PNG], \"broadcaster_ids\": [$LP_BC]}"
    [ "$HTTP_STATUS" = 201 ]
}
wait_until 15 lp_package
LP_P=$(lp_jq '.id // 0')
LP_URI=$(lp_jq '.uri')
lp_ready() {
    lp_call rev GET "/api/v1/media/packages/$LP_P" -
    [ "$(lp_jq --argjson v "$1" '.versions[] | select(.version == $v) | .bag_status')" = ready ]
}
expect_eq "setup: a package of the article for the broadcaster, its bag built" "true true true" \
    "$(lp_yes [ -n "$LP_KEY" ]) $(lp_yes [ "$LP_P" -gt 0 ]) $(wait_until 20 lp_ready 1 && echo true)"

echo "  -- HTTP Basic, the API key as the password"
lp_basic() { http GET "$1" -u "$2"; }
lp_basic '/api/v1/media/feed?limit=5' "newsroom:$LP_KEY"
expect_eq "the JSON feed with Basic: 200, the version in it" "200 true" \
    "$HTTP_STATUS $(lp_jq --arg u "$LP_URI" '[.items[] | select(.uri == $u)] | length == 1')"
lp_basic /api/v1/media/feed.atom "Đài:$LP_KEY"
expect_eq "Atom with Basic (any user name): 200, well-formed" "200 true" \
    "$HTTP_STATUS $(lp_yes xmllint --noout "$T_TMP/body")"
lp_basic /api/v1/media/feed.rss ":$LP_KEY"
expect_eq "RSS with Basic (no user name): 200" 200 "$HTTP_STATUS"
lp_basic "/api/v1/media/packages/$LP_P/versions/1/bag.zip" "x:$LP_KEY"
expect_eq "a bag with Basic: 200, the bytes of its ETag" "200 true" \
    "$HTTP_STATUS $(lp_yes [ "\"$(lp_sha "$T_TMP/body")\"" = "$(header ETag)" ])"
lp_basic /api/v1/media/feed "x:loa_${LP_RUN}notakey"
expect_eq "a wrong key with Basic: 401 with WWW-Authenticate: Basic" "401 true" \
    "$HTTP_STATUS $(lp_yes grep -qi '^WWW-Authenticate: Basic realm="loa"' "$T_TMP/headers")"
http GET /api/v1/media/feed
expect_eq "no credentials on the feed: 401 with WWW-Authenticate: Basic (a feed reader asks)" "401 true" \
    "$HTTP_STATUS $(lp_yes grep -qi '^WWW-Authenticate: Basic' "$T_TMP/headers")"
http GET /api/v1/media/feed -H 'Authorization: Basic !!!not-base64'
expect_eq "malformed Basic credentials: 401" 401 "$HTTP_STATUS"
http GET /api/v1/media/feed -u "x:$LP_KEY" -H "X-Api-Key: $LP_KEY"
expect_eq "Basic and X-Api-Key together: 401" 401 "$HTTP_STATUS"
lp_basic /api/v1/auth/me "admin:$LOA_ADMIN_PASSWORD"
expect_eq "Basic on a staff route is 401 (staff use Bearer), challenged for Bearer only" "401 false true" \
    "$HTTP_STATUS $(lp_yes grep -qi '^WWW-Authenticate: Basic' "$T_TMP/headers") $(lp_yes grep -qi '^WWW-Authenticate: Bearer' "$T_TMP/headers")"
http GET /api/v1/users
expect_eq "a staff route's 401 has no Basic challenge" "401 false" \
    "$HTTP_STATUS $(lp_yes grep -qi '^WWW-Authenticate: Basic' "$T_TMP/headers")"

echo "  -- tools/loa-pull"
LP_OUT=$LP_DIR/out
export LOA_PULL_KEY=$LP_KEY
lp_pull() { tools/loa-pull -d "$LP_OUT" --once --limit 2 "$GW" >"$LP_DIR/pull.log" 2>"$LP_DIR/pull.err"; }
lp_pull
lp_rc=$?
lp_mine=$(grep -c " $LP_URI v1 " "$LP_DIR/pull.log")
expect_eq "a first run receives version 1: verified, unpacked, the receipt posted, the cursor kept" \
    "0 1 true true received true" \
    "$lp_rc $lp_mine $(lp_yes [ -f "$LP_OUT/packages/$LP_P-v1/data/ninjs.json" ]) $(lp_yes [ -s "$LP_OUT/cursor" ]) $(db_sql "SELECT status FROM media.receipts WHERE broadcaster_id = $LP_BC AND package_id = $LP_P AND version = 1") $(lp_yes [ "$(db_sql "SELECT sha256 FROM media.receipts WHERE broadcaster_id = $LP_BC AND package_id = $LP_P AND version = 1")" = "$(lp_sha "$LP_OUT/bags/$LP_P-v1.zip")" ])"
expect_eq "  the bag's ninjs and photo as sent" "$LP_URI true" \
    "$(jq -r .uri "$LP_OUT/packages/$LP_P-v1/data/ninjs.json") $(lp_yes cmp -s "$LP_DIR/photo.png" "$(find "$LP_OUT/packages/$LP_P-v1/data/renditions" -type f | head -1)")"
cp "$LP_OUT/cursor" "$LP_DIR/cursor.v1"
lp_pull
lp_rc=$?
expect_eq "a second run finds nothing new (exit 0, nothing received, the cursor the same)" "0 0 true" \
    "$lp_rc $(grep -c '^received' "$LP_DIR/pull.log") $(lp_yes cmp -s "$LP_OUT/cursor" "$LP_DIR/cursor.v1")"

# A correction; a run cut off its download halfway (what it leaves: the
# bytes so far and their ETag).
lp_call rev POST "/api/v1/media/packages/$LP_P/versions" '{"note": "Đính chính tiêu đề"}'
expect_eq "a correction makes version 2" "201 2" "$HTTP_STATUS $(lp_jq .version)"
wait_until 20 lp_ready 2
lp_basic "/api/v1/media/packages/$LP_P/versions/2/bag.zip" "x:$LP_KEY"
cp "$T_TMP/body" "$LP_DIR/v2.zip"
LP_V2_ETAG=$(header ETag)
lp_half=$(($(stat -c %s "$LP_DIR/v2.zip") / 2))
head -c "$lp_half" "$LP_DIR/v2.zip" >"$LP_OUT/bags/$LP_P-v2.zip.part"
printf '%s' "$LP_V2_ETAG" >"$LP_OUT/bags/$LP_P-v2.zip.part.etag"
lp_pull
lp_rc=$?
expect_eq "a download cut off is resumed from its last byte, to the gateway's bytes" \
    "0 1 true" \
    "$lp_rc $(grep -c "^received $LP_URI v2 $(lp_sha "$LP_DIR/v2.zip") resumed at $lp_half\$" "$LP_DIR/pull.log") $(lp_yes cmp -s "$LP_DIR/v2.zip" "$LP_OUT/bags/$LP_P-v2.zip")"

# The same version again from the cursor before it, its partial file
# damaged: the SHA-256 catches it, and it is fetched whole once more.
rm -rf "$LP_OUT/packages/$LP_P-v2" "$LP_OUT/bags/$LP_P-v2.zip"
cp "$LP_DIR/cursor.v1" "$LP_OUT/cursor"
{ head -c 100 "$LP_DIR/v2.zip"; printf 'X'; head -c "$lp_half" "$LP_DIR/v2.zip" | tail -c +102; } >"$LP_OUT/bags/$LP_P-v2.zip.part"
printf '%s' "$LP_V2_ETAG" >"$LP_OUT/bags/$LP_P-v2.zip.part.etag"
lp_pull
lp_rc=$?
expect_eq "a damaged partial file is caught by its SHA-256 and the bag fetched again" "0 1 true true" \
    "$lp_rc $(grep -c "^received $LP_URI v2 $(lp_sha "$LP_DIR/v2.zip") (again" "$LP_DIR/pull.log") $(lp_yes cmp -s "$LP_DIR/v2.zip" "$LP_OUT/bags/$LP_P-v2.zip") $(lp_yes [ -f "$LP_OUT/packages/$LP_P-v2/bagit.txt" ])"
expect_eq "  one receipt per version, both received" "received,received" \
    "$(db_sql "SELECT string_agg(status, ',' ORDER BY version) FROM media.receipts WHERE broadcaster_id = $LP_BC AND package_id = $LP_P")"

LOA_PULL_KEY='' tools/loa-pull -d "$LP_OUT" --once "$GW" >/dev/null 2>"$LP_DIR/pull.err"
lp_rc=$?
expect_eq "without a key it stops (2), saying so" "2 true" "$lp_rc $(lp_yes grep -q LOA_PULL_KEY "$LP_DIR/pull.err")"
LOA_PULL_KEY="loa_${LP_RUN}notakey" tools/loa-pull -d "$LP_OUT" --once "$GW" >/dev/null 2>"$LP_DIR/pull.err"
lp_rc=$?
expect_eq "with a wrong key it stops (2) on the feed's 401" "2 true" "$lp_rc $(lp_yes grep -q 'answered 401' "$LP_DIR/pull.err")"
unset LOA_PULL_KEY
