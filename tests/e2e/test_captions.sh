# Asset captions (issue 21 item 3, decision 0044): an editor or reviewer
# describes a picture (PATCH /api/v1/assets/{id} {caption}); the article
# page at /tin-tuc/{slug} gives the caption as the image's text alternative
# and its visible caption, escaped, and a picture without one says which
# image of the article it is. The page goes stale when a caption changes,
# through the gateway or past it (media-svc's asset.updated event); with
# media-svc down the page is still served, its files as plain links (their
# type unknown), and not kept.
# Sourced by tests/run.sh (one shell): every name here starts with cp_ / CP_.
# shellcheck shell=bash
# shellcheck disable=SC2034 # CP_TOK is read by name (e2e_call)

CP_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
CP_RUN_UC=$(printf '%s' "$CP_RUN" | tr '[:lower:]' '[:upper:]')
CP_DIR=$T_TMP/captions
mkdir -p "$CP_DIR"
declare -gA CP_TOK=()

cp_call() { e2e_call CP_TOK "$@"; }
cp_jq() { body_jq "$@"; }
cp_names() { problem_names "$1"; }
# cp_has TEXT: 1 when the last body holds TEXT (fixed string), else 0.
cp_has() { if grep -qF -- "$1" "$T_TMP/body"; then echo 1; else echo 0; fi; }
# The alternative texts of the last page's images, one per line.
cp_alts() { grep -o '<img src="/api/v1/assets/[^>]*alt="[^"]*"' "$T_TMP/body" | sed 's/.*alt="//; s/"$//'; }
# The link preview's image of the last page.
cp_og_image() { grep -o '<meta property="og:image" content="[^"]*"' "$T_TMP/body" | sed 's/.*content="//; s/"$//'; }

echo "  -- set-up: a unit, an editor, a reviewer, an inspector, two pictures"
CP_TOK[admin]=$(admin_token)
CP_TOK[anon]=""
cp_call admin POST /api/v1/units "$(jq -nc --arg c "CP-$CP_RUN_UC" --arg n "Phòng Chú thích ảnh $CP_RUN" '{code: $c, name: $n}')"
CP_UNIT=$(cp_jq '.id // 0')
e2e_staff CP_TOK ed '["editor"]' "$CP_UNIT" "e2e.cp-ed-$CP_RUN" "Biên tập chú thích"
e2e_staff CP_TOK rev '["reviewer"]' null "e2e.cp-rev-$CP_RUN" "Duyệt chú thích"
e2e_staff CP_TOK insp '["inspector"]' null "e2e.cp-insp-$CP_RUN" "Thanh tra chú thích"
python3 - "$CP_DIR" "$CP_RUN" <<'EOF'
import os, struct, sys, zlib
d, run = sys.argv[1], sys.argv[2].encode()
def chunk(t, data):
    return struct.pack('>I', len(data)) + t + data + struct.pack('>I', zlib.crc32(t + data) & 0xffffffff)
def png(name, seed):
    w = h = 8
    raw = b''.join(b'\x00' + bytes((x * seed + y) % 256 for x in range(w * 3)) for y in range(h))
    open(os.path.join(d, name), 'wb').write(
        b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
        + chunk(b'tEXt', b'Comment\x00' + run + name.encode()) + chunk(b'IDAT', zlib.compress(raw))
        + chunk(b'IEND', b''))
png('a.png', 3)
png('b.png', 5)
EOF
cp_upload() {
    cp_call ed POST "/api/v1/assets?name=$1" - -H 'Content-Type: image/png' --data-binary "@$CP_DIR/$1"
}
cp_upload a.png
CP_A=$(cp_jq '.id // 0')
cp_upload b.png
CP_B=$(cp_jq '.id // 0')
expect_eq "setup: two pictures uploaded, without a caption yet (\"\")" "true true" \
    "$([ "$CP_A" -gt 0 ] && [ "$CP_B" -gt 0 ] && echo true || echo false) $(cp_jq '.caption == ""')"

echo "  -- the caption: who writes it, what it may hold"
CP_CAPTION="Lãnh đạo Sở <script>alert(1)</script> & \"cán bộ\" tại bộ phận một cửa $CP_RUN"
cp_body() { jq -nc --arg c "$1" '{caption: $c}'; }
cp_call anon PATCH "/api/v1/assets/$CP_A" "$(cp_body x)"
expect_eq "anonymous: 401" 401 "$HTTP_STATUS"
cp_call insp PATCH "/api/v1/assets/$CP_A" "$(cp_body x)"
expect_eq "an inspector: 403" 403 "$HTTP_STATUS"
cp_call ed PATCH "/api/v1/assets/$CP_A" '{}'
expect_eq "no caption in the body: 422 naming body" "422 true" "$(cp_names body)"
cp_call ed PATCH "/api/v1/assets/$CP_A" "$(cp_body "$(printf 'ả%.0s' $(seq 1 501))")"
expect_eq "501 characters: 422 naming caption, in Vietnamese" "422 true true" \
    "$(cp_names caption) $(cp_jq '[.errors[] | select(.field == "caption") | .message | contains("500 ký tự")] | any')"
cp_call ed PATCH "/api/v1/assets/$CP_A" "$(cp_body "$(printf 'hai\ndòng')")"
expect_eq "a line break: 422 naming caption" "422 true" "$(cp_names caption)"
cp_call ed PATCH "/api/v1/assets/$CP_A" '{"caption": 5}'
expect_eq "a number: 400 naming caption" "400 true" "$(cp_names caption)"
cp_call ed PATCH "/api/v1/assets/999999999" "$(cp_body x)"
expect_eq "an unknown asset: 404" 404 "$HTTP_STATUS"
expect_eq "  nothing was written by the refusals" "" \
    "$(db_sql "SELECT caption FROM media.assets WHERE id = $CP_A")"
cp_events_before=$(db_sql "SELECT count(*) FROM media.event_log WHERE topic = 'asset.updated'")
cp_call ed PATCH "/api/v1/assets/$CP_A" "$(cp_body "$CP_CAPTION")"
expect_eq "the editor captions the picture: 200 with the caption, the bytes unchanged" \
    "200 true true" \
    "$HTTP_STATUS $(cp_jq --arg c "$CP_CAPTION" '.caption == $c') $(cp_jq --arg s "$(sha256sum "$CP_DIR/a.png" | cut -d' ' -f1)" '.sha256 == $s')"
cp_events_are() { [ "$(db_sql "SELECT count(*) FROM media.event_log WHERE topic = 'asset.updated'")" = "$1" ]; }
if wait_until 10 cp_events_are $((cp_events_before + 1)); then
    pass "  one asset.updated event in media-svc's log"
else
    fail "one asset.updated event" "$(db_sql "SELECT count(*) FROM media.event_log WHERE topic = 'asset.updated'") after $cp_events_before"
fi

echo "  -- the article page: the caption is the picture's text alternative"
cp_call ed POST /api/v1/articles "$(jq -nc --arg t "Ảnh có chú thích $CP_RUN" --argjson a "[$CP_A, $CP_B]" \
    '{title: $t, summary: "Tóm tắt", body: "Hai ảnh kèm theo.", attachment_ids: $a}')"
CP_ART=$(cp_jq '.id // 0')
cp_call ed POST "/api/v1/articles/$CP_ART/submit" '{}'
cp_call rev POST "/api/v1/articles/$CP_ART/publish" '{}'
CP_SLUG=$(cp_jq -r '.slug // ""')
expect_eq "setup: the article is published" "200 published" "$HTTP_STATUS $(cp_jq -r .status)"
# The pictures become public once media-svc has applied content's event;
# until then the page says which image each is, and is not kept.
cp_public() { http GET "/api/v1/assets/$CP_B" && [ "$HTTP_STATUS" = 200 ]; }
wait_until 20 cp_public || fail "the pictures become public" "$HTTP_STATUS"
http GET "/tin-tuc/$CP_SLUG"
CP_ESCAPED='Lãnh đạo Sở &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;cán bộ&quot; tại bộ phận một cửa '"$CP_RUN"
expect_eq "the first picture's alt is its caption, escaped; the second says which image it is" \
    "200 $CP_ESCAPED|Ảnh 2 của bài viết" "$HTTP_STATUS $(cp_alts | paste -sd'|')"
expect_eq "  the caption shown under the picture (once: hidden from screen readers, which read the alt)" "1 1 0" \
    "$(cp_has "<figcaption aria-hidden=\"true\">$CP_ESCAPED</figcaption>") $(grep -o '<figcaption' "$T_TMP/body" | wc -l) $(cp_has '<script>alert(1)')"
expect_eq "  the files are named for what they are (ảnh, from media-svc's type)" "1 1" \
    "$(cp_has 'Tệp 1 (ảnh)') $(cp_has 'Tệp 2 (ảnh)')"
expect_eq "  the link preview's image is the first picture" 1 "$(cp_og_image | grep -c "/api/v1/assets/$CP_A\$")"
CP_ETAG=$(header ETag)
http GET "/tin-tuc/$CP_SLUG" -H "If-None-Match: $CP_ETAG"
expect_eq "  kept: If-None-Match answers 304" 304 "$HTTP_STATUS"

http GET "/tin-tuc/don-vi/$CP_UNIT"
expect_eq "the unit's list: its link preview's image is its first article's first picture (media-svc's type)" \
    "200 1" "$HTTP_STATUS $(cp_og_image | grep -c "/api/v1/assets/$CP_A\$")"

echo "  -- a caption changed makes the page stale"
cp_call rev PATCH "/api/v1/assets/$CP_B" "$(cp_body "Toàn cảnh hội nghị $CP_RUN")"
expect_eq "a reviewer captions the second picture: 200" 200 "$HTTP_STATUS"
http GET "/tin-tuc/$CP_SLUG"
expect_eq "  the page shows it at once (a write through the gateway)" "200 1" \
    "$HTTP_STATUS $(cp_has "alt=\"Toàn cảnh hội nghị $CP_RUN\"")"
# Past the gateway, straight to media-svc: only its event tells the gateway.
"$BUILD/loa-rpc" --roles editor --user-id 990002 --in loa.media.UpdateAssetRequest \
    --out loa.media.Asset "$LOA_MEDIA_RPC" assets.update "$(jq -nc --argjson id "$CP_B" --arg c "Quang cảnh buổi họp $CP_RUN" '{id: $id, caption: $c}')" \
    >"$CP_DIR/rpc.json"
expect_eq "assets.update sent to media-svc itself: the asset with its new caption" \
    "Quang cảnh buổi họp $CP_RUN" "$(jq -r .caption "$CP_DIR/rpc.json")"
cp_event_seen() { http GET "/tin-tuc/$CP_SLUG" && [ "$(cp_has "alt=\"Quang cảnh buổi họp $CP_RUN\"")" = 1 ]; }
if wait_until 15 cp_event_seen; then
    pass "  the page changes from media-svc's asset.updated event alone"
else
    fail "the page changes from media-svc's asset.updated event" "$(cp_alts | paste -sd'|')"
fi

echo "  -- media-svc down: the page without captions, not kept"
cp_hits() { curl -s --max-time 10 "$GW/metrics" | sed -n 's/^loa_cache_lookups_total{result="hit"} //p'; }
stack_kill media-svc
# A write through the gateway to content-svc: every kept page is stale.
cp_call ed POST /api/v1/articles "$(jq -nc --arg t "Bản nháp $CP_RUN" '{title: $t, body: "x"}')"
http GET "/tin-tuc/$CP_SLUG"
expect_eq "the page is still served, its files as links without their type (no picture shown unnamed)" \
    "200 0 1 1" "$HTTP_STATUS $(cp_alts | wc -l) $(cp_has 'Tệp 1 (tệp)') $(cp_has 'Tệp 2 (tệp)')"
cp_hits_before=$(cp_hits)
http GET "/tin-tuc/$CP_SLUG"
expect_eq "  that page is not kept: asked again, the cache has no hit" "200 $cp_hits_before" \
    "$HTTP_STATUS $(cp_hits)"
stack_start media-svc
wait_until 20 stack_ready || fail "media-svc is back" "readyz"
cp_back() { http GET "/tin-tuc/$CP_SLUG" && [ "$(cp_has "alt=\"Quang cảnh buổi họp $CP_RUN\"")" = 1 ]; }
if wait_until 15 cp_back; then
    pass "  once media-svc is back the captions return"
else
    fail "the captions return with media-svc" "$(cp_alts | paste -sd'|')"
fi
