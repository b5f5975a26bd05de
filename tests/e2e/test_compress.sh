# Compressed responses and long-lived static files (decision 0042), as a
# browser or a crawler meets them, with curl: the portal's text files, the
# pages rendered on the server and the cached API reads come in gzip or
# Brotli as Accept-Encoding asks (q-values honoured, q=0 refused, identity
# when absent), each decoding to the very bytes of the plain form, with
# Vary: Accept-Encoding and an ETag per encoding (If-None-Match: 304 per
# encoding); small bodies and images are sent as they are; the pages link
# their stylesheet and scripts by a content hash, immutable for a year,
# while the bare addresses keep revalidating.
# Sourced by tests/run.sh (one shell): every name here starts with cp_ / CP_.
# shellcheck shell=bash
# shellcheck disable=SC2034 # CP_TOK is read by name (e2e_call)

CP_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
declare -gA CP_TOK=()
cp_call() { e2e_call CP_TOK "$@"; }

# cp_get PATH ACCEPT_ENCODING [curl args]: the raw bytes (never decoded)
# into $T_TMP/cp_raw and the headers; "-" sends no Accept-Encoding.
cp_get() {
    local path=$1 ae=$2 a=()
    shift 2
    [ "$ae" = - ] || a=(-H "Accept-Encoding: $ae")
    rm -f "$T_TMP/cp_raw" "$T_TMP/headers"
    HTTP_STATUS=$(curl -s -o "$T_TMP/cp_raw" -D "$T_TMP/headers" -w '%{http_code}' --max-time 20 \
        "${a[@]}" "$@" "$GW$path") || HTTP_STATUS=000
    touch "$T_TMP/cp_raw" # curl makes no file for an empty body (a 304)
}
# cp_decoded PATH ACCEPT_ENCODING OUT: the body as curl decodes it.
cp_decoded() {
    curl -s --compressed -H "Accept-Encoding: $2" -o "$3" --max-time 20 "$GW$1"
}
cp_enc() { header Content-Encoding; }
cp_etag() { header ETag; }
cp_sha() { sha256sum "$1" | cut -d' ' -f1; }
# cp_same A B: "same" when the two files hold the same bytes.
cp_same() { if cmp -s "$1" "$2"; then echo same; else echo differ; fi; }

# cp_forms NAME PATH: PATH's plain, gzip and Brotli forms: what they say and
# that they decode to the same bytes, each with its own ETag and 304.
cp_forms() {
    local name=$1 path=$2 plain etag gz br
    cp_get "$path" -
    cp -f "$T_TMP/cp_raw" "$T_TMP/cp_plain"
    plain=$(wc -c <"$T_TMP/cp_plain")
    etag=$(cp_etag)
    expect_eq "$name: without Accept-Encoding, plain, with Vary: Accept-Encoding and an ETag" \
        "200 - Accept-Encoding yes" \
        "$HTTP_STATUS $( [ -n "$(cp_enc)" ] && cp_enc || echo -) $(header Vary | grep -o 'Accept-Encoding') $( [ -n "$etag" ] && echo yes || echo no)"
    cp_get "$path" 'gzip, deflate, br'
    expect_eq "$name: a browser's Accept-Encoding (gzip, deflate, br) gets Brotli" "200 br" "$HTTP_STATUS $(cp_enc)"
    cp_get "$path" gzip
    gz=$(wc -c <"$T_TMP/cp_raw")
    expect_eq "$name: gzip asked, gzip sent, smaller, ETag ${etag%\"}-gz\"" \
        "200 gzip smaller ${etag%\"}-gz\" Accept-Encoding" \
        "$HTTP_STATUS $(cp_enc) $([ "$gz" -lt "$plain" ] && echo smaller || echo "$gz>=$plain") $(cp_etag) $(header Vary | grep -o 'Accept-Encoding')"
    gzip -dc <"$T_TMP/cp_raw" >"$T_TMP/cp_gunzipped" 2>/dev/null
    expect_eq "$name: the gzip body decodes to the plain bytes" same "$(cp_same "$T_TMP/cp_plain" "$T_TMP/cp_gunzipped")"
    cp_get "$path" br
    br=$(wc -c <"$T_TMP/cp_raw")
    expect_eq "$name: br asked, Brotli sent, smaller than gzip's, ETag ${etag%\"}-br\"" \
        "200 br smaller ${etag%\"}-br\"" \
        "$HTTP_STATUS $(cp_enc) $([ "$br" -le "$gz" ] && echo smaller || echo "$br>$gz") $(cp_etag)"
    cp_decoded "$path" br "$T_TMP/cp_unbr"
    expect_eq "$name: the Brotli body decodes to the plain bytes" same "$(cp_same "$T_TMP/cp_plain" "$T_TMP/cp_unbr")"
    # If-None-Match: each form's own ETag.
    cp_get "$path" gzip -H "If-None-Match: ${etag%\"}-gz\""
    expect_eq "$name: If-None-Match of the gzip form, gzip asked: 304 with its ETag and Vary" \
        "304 ${etag%\"}-gz\" Accept-Encoding 0" \
        "$HTTP_STATUS $(cp_etag) $(header Vary | grep -o 'Accept-Encoding') $(wc -c <"$T_TMP/cp_raw")"
    cp_get "$path" br -H "If-None-Match: ${etag%\"}-gz\""
    expect_eq "$name: If-None-Match of the gzip form, br asked: 200 (another representation)" "200 br" "$HTTP_STATUS $(cp_enc)"
    cp_get "$path" br -H "If-None-Match: ${etag%\"}-br\""
    expect_eq "$name: If-None-Match of the Brotli form, br asked: 304" 304 "$HTTP_STATUS"
    cp_get "$path" - -H "If-None-Match: $etag"
    expect_eq "$name: If-None-Match of the plain form, nothing asked: 304" 304 "$HTTP_STATUS"
    cp_get "$path" gzip -H "If-None-Match: $etag"
    expect_eq "$name: If-None-Match of the plain form, gzip asked: 200 gzip" "200 gzip" "$HTTP_STATUS $(cp_enc)"
}

# ------------------------------------------------------------ set-up
echo "  -- set-up: an article long enough to compress, an image"
CP_TOK[admin]=$(admin_token)
CP_TOK[anon]=""
cp_call admin POST /api/v1/units "$(jq -nc --arg c "CP-$(printf %s "$CP_RUN" | tr "[:lower:]" "[:upper:]")" --arg n "Phòng Nén $CP_RUN" '{code: $c, name: $n}')"
expect_eq "setup: the admin adds a unit" 201 "$HTTP_STATUS"
CP_UNIT=$(body_jq '.id // 0')
e2e_staff CP_TOK ed '["editor"]' "$CP_UNIT" "e2e.cp-ed-$CP_RUN" "Biên tập nén"
e2e_staff CP_TOK rev '["reviewer"]' null "e2e.cp-rev-$CP_RUN" "Duyệt nén"
CP_PARA="Sở Kế hoạch và Đầu tư hướng dẫn doanh nghiệp đăng ký kinh doanh trực tuyến, nộp hồ sơ và nhận kết quả qua mạng."
CP_BODY=""
for _ in 1 2 3 4 5 6 7 8 9 10 11 12; do CP_BODY="$CP_BODY$CP_PARA $CP_RUN

"; done
e2e_publish CP_TOK ed rev "$(jq -nc --arg t "Hướng dẫn nén trang $CP_RUN" --arg b "$CP_BODY" \
    '{title: $t, summary: "Tóm tắt bài nén.", body: $b}')"
CP_ID=${E2E_ID:-0}
cp_call anon GET "/api/v1/articles/$CP_ID" -
CP_SLUG=$(body_jq -r '.slug // "none"')
expect_eq "setup: the article is published" true "$([ "$CP_ID" != 0 ] && [ "$CP_SLUG" != none ] && echo true || echo false)"

# ------------------------------------------------------------ the portal's files
echo "  -- static files: compressed once at start, by Accept-Encoding"
cp_forms "the stylesheet" /css/site.css
cp_forms "a script" /js/ui.js

echo "  -- Accept-Encoding: q-values, q=0 refused, identity"
cp_get /css/site.css 'br;q=0, gzip'
expect_eq "br;q=0, gzip: gzip" gzip "$(cp_enc)"
cp_get /css/site.css 'gzip;q=0.5, br;q=0.8'
expect_eq "gzip;q=0.5, br;q=0.8: br" br "$(cp_enc)"
cp_get /css/site.css 'gzip;q=1, br;q=0.5'
expect_eq "gzip;q=1, br;q=0.5: gzip" gzip "$(cp_enc)"
cp_get /css/site.css 'gzip;q=0, br;q=0'
expect_eq "gzip;q=0, br;q=0: plain, still Vary" "200 - Accept-Encoding" \
    "$HTTP_STATUS $( [ -n "$(cp_enc)" ] && cp_enc || echo -) $(header Vary | grep -o 'Accept-Encoding')"
cp_get /css/site.css '*;q=0, identity'
expect_eq "*;q=0, identity: plain" "-" "$( [ -n "$(cp_enc)" ] && cp_enc || echo -)"
cp_get /css/site.css 'identity'
expect_eq "identity alone: plain" "-" "$( [ -n "$(cp_enc)" ] && cp_enc || echo -)"
cp_get /css/site.css '*'
expect_eq "*: Brotli" br "$(cp_enc)"
cp_get /css/site.css 'x-gzip'
expect_eq "x-gzip: gzip" gzip "$(cp_enc)"
cp_get /css/site.css 'compress, deflate'
expect_eq "only codings the gateway does not make: plain" "-" "$( [ -n "$(cp_enc)" ] && cp_enc || echo -)"
cp_get /css/site.css gzip
cp_gz_len=$(wc -c <"$T_TMP/cp_raw")
cp_get /css/site.css gzip --head
expect_eq "HEAD with gzip: the gzip form's headers (its length), no body" "200 gzip $cp_gz_len 0" \
    "$HTTP_STATUS $(cp_enc) $(header Content-Length) $(curl -s --head -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' --max-time 20 "$GW/css/site.css")"
# The portal's files never took a Range; they still do not (the media
# downloads, never compressed, keep theirs: test_media.sh).
cp_get /css/site.css gzip -H 'Range: bytes=0-9'
expect_eq "Range on a compressed file: the whole form (200), as before" "200 gzip" "$HTTP_STATUS $(cp_enc)"

echo "  -- small bodies and images are sent as they are"
cp_get /favicon.svg 'gzip, br'
expect_eq "the icon (under 1 KB): plain, no Vary: Accept-Encoding" "200 - 0" \
    "$HTTP_STATUS $( [ -n "$(cp_enc)" ] && cp_enc || echo -) $(grep -i '^Vary:' "$T_TMP/headers" | grep -ci 'Accept-Encoding')"
cp_get "/api/v1/units/$CP_UNIT" 'gzip, br'
expect_eq "a small API read (under 1 KB): plain" "200 - small" \
    "$HTTP_STATUS $( [ -n "$(cp_enc)" ] && cp_enc || echo -) $([ "$(wc -c <"$T_TMP/cp_raw")" -lt 1024 ] && echo small || echo big)"
python3 - "$T_TMP/cp.png" "$CP_RUN" <<'EOF'
import os, struct, sys, zlib
w = h = 48
raw = b''.join(b'\x00' + os.urandom(w * 3) for _ in range(h))  # noise: no compressor shrinks it
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + \
    chunk(b'IDAT', zlib.compress(raw)) + chunk(b'tEXt', b'run\x00' + sys.argv[2].encode()) + chunk(b'IEND', b'')
open(sys.argv[1], 'wb').write(png)
EOF
cp_call ed POST /api/v1/assets - -H 'Content-Type: image/png' --data-binary "@$T_TMP/cp.png"
CP_ASSET=$(body_jq '.id // 0')
cp_get "/api/v1/assets/$CP_ASSET" 'gzip, br' -H "Authorization: Bearer ${CP_TOK[ed]}"
expect_eq "an image (a PNG of $(wc -c <"$T_TMP/cp.png") bytes) asked with gzip, br: its bytes as they are" \
    "200 image/png - same" \
    "$HTTP_STATUS $(header Content-Type) $( [ -n "$(cp_enc)" ] && cp_enc || echo -) $(cp_same "$T_TMP/cp.png" "$T_TMP/cp_raw")"

# ------------------------------------------------------------ pages and API reads
echo "  -- pages rendered on the server and cached API reads"
cp_forms "the article's page" "/tin-tuc/$CP_SLUG"
cp_forms "the home page" /
cp_forms "the article's JSON" "/api/v1/articles/$CP_SLUG"
# Compressed once: a hit sends the kept form; a client's no-cache asks the
# service again and, the bytes being the same, reuses the forms.
cp_hits() { curl -s --max-time 10 "$GW/metrics" | sed -n 's/^loa_cache_lookups_total{result="hit"} //p'; }
CP_H0=$(cp_hits)
cp_get "/tin-tuc/$CP_SLUG" br
CP_BR_ETAG=$(cp_etag)
CP_H1=$(cp_hits)
expect_eq "the page in Brotli comes from the gateway's cache" "br 1" \
    "$(cp_enc) $(awk -v a="${CP_H0:-0}" -v b="${CP_H1:-0}" 'BEGIN { print (b > a) ? 1 : 0 }')"
cp_get "/tin-tuc/$CP_SLUG" br -H 'Cache-Control: no-cache'
expect_eq "no-cache (asks content-svc again): the same Brotli form, the same ETag" "200 br $CP_BR_ETAG" \
    "$HTTP_STATUS $(cp_enc) $(cp_etag)"

# ------------------------------------------------------------ content hashes
echo "  -- static caching: content hashes in the pages' links"
for cp_page in / "/tin-tuc/$CP_SLUG" /tra-cuu.html; do
    cp_get "$cp_page" -
    CP_CSS=$(grep -o 'href="/css/site.css[^"]*"' "$T_TMP/cp_raw" | head -1 | sed 's/^href="//; s/"$//')
    expect_match "$cp_page links the stylesheet by its content hash" '^/css/site\.css\?v=[0-9a-f]{16}$' "$CP_CSS"
    # Every script of the page is a module (deferred) or deferred: none blocks.
    CP_BLOCKING=$(grep -o '<script[^>]*src=[^>]*>' "$T_TMP/cp_raw" | grep -v 'type="module"' | grep -vc 'defer')
    expect_eq "$cp_page: no render-blocking script" 0 "$CP_BLOCKING"
    CP_JS=$(grep -o 'src="/js/[^"]*"' "$T_TMP/cp_raw" | grep -v '?v=[0-9a-f]\{16\}"' | head -1)
    expect_eq "$cp_page: every script linked by its content hash" "" "$CP_JS"
done
cp_get /css/site.css -
CP_V=$(cp_sha "$T_TMP/cp_raw" | cut -c1-16)
expect_eq "the hash is the first 64 bits of the stylesheet's SHA-256" "/css/site.css?v=$CP_V" "$CP_CSS"
expect_eq "the bare address keeps revalidating" no-cache "$(header Cache-Control)"
cp_get "$CP_CSS" 'gzip, br'
expect_eq "the hashed address: immutable for a year, compressed" "200 public, max-age=31536000, immutable br" \
    "$HTTP_STATUS $(header Cache-Control) $(cp_enc)"
cp_get "/css/site.css?v=0000000000000000" -
expect_eq "a version that is not the file's (a page from before a restart): revalidates" "200 no-cache" \
    "$HTTP_STATUS $(header Cache-Control)"
