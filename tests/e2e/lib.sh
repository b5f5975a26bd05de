# Helpers for the end-to-end tests (sourced by tests/run.sh).
# Each test file tests/e2e/test_*.sh is sourced in turn; it calls `pass`,
# `fail`, or the expect_* helpers, which count into T_PASSED/T_FAILED.
# $GW is the gateway's base URL (http://127.0.0.1:PORT).

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
