# CORS (gateway/core/cors.h, docs/api/conventions.md "CORS"): the run's
# gateway allows one browser origin, LOA_CORS_ORIGINS=$CORS_ORIGIN (set by
# tests/run.sh; tests/browser/cors.mjs calls from it in a real browser).
# A listed origin gets its own origin back (never "*"), the exposed
# headers, Vary: Origin, and preflights answered with the path's methods and
# the headers the API reads; any other origin gets no CORS header and its
# preflight is 403 naming Origin; a method the path does not take is 405;
# OPTIONS without a preflight's headers is 204 with Allow; no answer ever
# says Access-Control-Allow-Credentials.
# Sourced by tests/run.sh (lib.sh helpers, $GW, $T_TMP); names start with co_ / CO_.
# shellcheck shell=bash

CO_OTHER=http://127.0.0.3:${CORS_PORT:-1}
co_jq() { body_jq "$@"; }
co_no_creds() { ! grep -qi '^Access-Control-Allow-Credentials:' "$T_TMP/headers"; }

echo "  -- simple requests"
http GET /api/v1/topics -H "Origin: $CORS_ORIGIN"
expect_eq "a listed origin reads a public list: its own origin back, the headers exposed, Vary: Origin" \
    "200 $CORS_ORIGIN true true" \
    "$HTTP_STATUS $(header Access-Control-Allow-Origin) $(header Access-Control-Expose-Headers | grep -q 'ETag, Location, Link, Retry-After, X-Request-Id' && echo true) $(grep -i '^Vary:' "$T_TMP/headers" | grep -qi origin && echo true)"
http GET /api/v1/topics -H "Origin: $CO_OTHER"
expect_eq "another origin gets no CORS header (the browser keeps the answer from the page), but Vary: Origin" \
    "200  true" \
    "$HTTP_STATUS $(header Access-Control-Allow-Origin) $(grep -i '^Vary:' "$T_TMP/headers" | grep -qi origin && echo true)"
http GET /api/v1/topics
expect_eq "no Origin, no CORS header" "200 " "$HTTP_STATUS $(header Access-Control-Allow-Origin)"
http GET /api/v1/auth/me -H "Origin: $CORS_ORIGIN"
expect_eq "errors carry the CORS headers too (401 readable by the listed origin)" "401 $CORS_ORIGIN" \
    "$HTTP_STATUS $(header Access-Control-Allow-Origin)"

echo "  -- preflights"
http OPTIONS /api/v1/articles -H "Origin: $CORS_ORIGIN" -H 'Access-Control-Request-Method: POST' \
    -H 'Access-Control-Request-Headers: authorization, content-type, idempotency-key'
expect_eq "a preflight from the listed origin: 204, its origin, the path's methods, the API's headers, max age" \
    "204 $CORS_ORIGIN true true true 600 true" \
    "$HTTP_STATUS $(header Access-Control-Allow-Origin) $(header Access-Control-Allow-Methods | grep -q 'GET' && header Access-Control-Allow-Methods | grep -q 'POST' && echo true) $(header Access-Control-Allow-Headers | grep -q 'Authorization' && header Access-Control-Allow-Headers | grep -q 'Idempotency-Key' && echo true) $(header Access-Control-Allow-Headers | grep -q 'If-Match' && echo true) $(header Access-Control-Max-Age) $(co_no_creds && echo true)"
http OPTIONS /api/v1/articles/123 -H "Origin: $CORS_ORIGIN" -H 'Access-Control-Request-Method: PATCH'
expect_eq "a preflight for a path with parameters lists that path's methods" "204 true" \
    "$HTTP_STATUS $(header Access-Control-Allow-Methods | grep -q 'PATCH' && echo true)"
http OPTIONS /api/v1/articles -H "Origin: $CO_OTHER" -H 'Access-Control-Request-Method: POST'
expect_eq "a preflight from another origin is 403 naming Origin, without CORS headers" "403 true " \
    "$(problem_names Origin) $(header Access-Control-Allow-Origin)"
http OPTIONS /api/v1/topics -H "Origin: $CORS_ORIGIN" -H 'Access-Control-Request-Method: DELETE'
expect_eq "a preflight for a method the path does not take is 405 with Allow" "405 true" \
    "$HTTP_STATUS $(header Allow | grep -q GET && echo true)"
http OPTIONS /api/v1/no-such-thing -H "Origin: $CORS_ORIGIN" -H 'Access-Control-Request-Method: GET'
expect_eq "a preflight for an unknown path is 404" 404 "$HTTP_STATUS"
http OPTIONS /api/v1/articles
expect_eq "OPTIONS without a preflight's headers: 204 with Allow (OPTIONS included)" "204 true true" \
    "$HTTP_STATUS $(header Allow | grep -q 'POST' && echo true) $(header Allow | grep -q 'OPTIONS' && echo true)"

echo "  -- a preflighted call, as a browser makes it"
co_body=$(jq -nc --arg p "$LOA_ADMIN_PASSWORD" '{username: "admin", password: $p}')
http POST /api/v1/auth/login -H "Origin: $CORS_ORIGIN" -H 'Content-Type: application/json' \
    -H 'X-Forwarded-For: 198.51.100.251' --data-binary "$co_body"
CO_TOKEN=$(co_jq '.token // empty')
expect_eq "the login's answer is readable by the listed origin (a token, no cookie, no credentials header)" \
    "200 $CORS_ORIGIN true true true" \
    "$HTTP_STATUS $(header Access-Control-Allow-Origin) $([ -n "$CO_TOKEN" ] && echo true) $(grep -qi '^Set-Cookie:' "$T_TMP/headers" || echo true) $(co_no_creds && echo true)"
http GET /api/v1/auth/me -H "Origin: $CORS_ORIGIN" -H "Authorization: Bearer $CO_TOKEN"
expect_eq "a call with the bearer token from the listed origin" "200 admin $CORS_ORIGIN" \
    "$HTTP_STATUS $(co_jq .username) $(header Access-Control-Allow-Origin)"
