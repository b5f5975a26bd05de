# The first admin without LOA_ADMIN_PASSWORD: a second gateway on an empty
# database of its own makes no account and shows no password (a console is
# a log under Docker), it says how to make one; `gateway --create-admin`
# (the image's `loa-admin create-admin`) makes it with a password read from
# standard input, which logs in and is never printed; a short password, a
# taken name are refused. Then LOA_ADMIN_PASSWORD_FILE makes the first admin.
# shellcheck shell=bash

BS_DB=loa_boot_$$
BS_OUT=$T_TMP/bootstrap.out
BS_URL="postgresql://loa@127.0.0.1:$LOA_PG_PORT/$BS_DB"
# An empty database as db-init leaves it for the audit trail (its schema,
# which the gateway's migrations need; docs/api/audit.md).
bs_audit() {
    bash deploy/db-admin.sh audit-sql |
        "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d "$BS_DB" >/dev/null
}
"$PG_BIN/createdb" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa "$BS_DB"
bs_audit
BS_PORT=$(stack_free_base)
env -u LOA_ADMIN_PASSWORD LOA_DB_URL="$BS_URL" \
    LOA_HTTP_PORT="$BS_PORT" "$BUILD/gateway" >"$BS_OUT" 2>"$T_TMP/bootstrap.log" &
BS_PID=$!
bs_up() { curl -sf "http://127.0.0.1:$BS_PORT/healthz" >/dev/null; }
wait_until 30 bs_up || true
bs_login() {
    curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary "$(jq -nc --arg u "$1" --arg p "$2" '{username: $u, password: $p}')" \
        "http://127.0.0.1:$BS_PORT/api/v1/auth/login"
}
expect_eq "without LOA_ADMIN_PASSWORD no admin is made and nothing printed" \
    "0 0 401" \
    "$("$PG_BIN/psql" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d "$BS_DB" -tAc 'SELECT count(*) FROM gateway.users') $(grep -c . "$BS_OUT") $(bs_login admin whatever-password)"
expect_match "the log says how to make the first admin" \
    'no active admin account: create one with `gateway --create-admin USERNAME`' \
    "$(grep -m1 'no active admin' "$T_TMP/bootstrap.log")"

BS_PW="Mật khẩu đầu tiên $(head -c 9 /dev/urandom | base64 | tr '+/' '-_')"
BS_MSG=$(printf '%s\n' "$BS_PW" | LOA_DB_URL="$BS_URL" "$BUILD/gateway" --create-admin lanh.dao.so 2>&1)
BS_RC=$?
expect_eq "gateway --create-admin NAME, the password on standard input: made (exit 0)" \
    "0 Đã tạo tài khoản quản trị / admin account created: lanh.dao.so" \
    "$BS_RC $(printf '%s\n' "$BS_MSG" | grep -v '^{' | head -1)"
expect_eq "its password logs in as that admin" 200 "$(bs_login lanh.dao.so "$BS_PW")"
expect_eq "the password is in no output and no log" 0 \
    "$( { printf '%s\n' "$BS_MSG"; cat "$BS_OUT" "$T_TMP/bootstrap.log"; } | grep -c -F -- "$BS_PW")"
BS_MSG=$(printf 'ngan\n' | LOA_DB_URL="$BS_URL" "$BUILD/gateway" --create-admin khac 2>&1)
expect_match "a short password is refused (exit 1), saying why" '^1 .*at least|^1 .*10 characters' \
    "$? $(printf '%s' "$BS_MSG" | grep -v '^{' | tr '\n' ' ')"
BS_MSG=$(printf '%s\n' "$BS_PW" | LOA_DB_URL="$BS_URL" "$BUILD/gateway" --create-admin lanh.dao.so 2>&1)
expect_match "a taken username is refused (exit 1)" '^1 .*lanh\.dao\.so is taken' \
    "$? $(printf '%s' "$BS_MSG" | grep -v '^{' | tr '\n' ' ')"
BS_MSG=$(LOA_DB_URL="$BS_URL" "$BUILD/gateway" --create-admin ba 2>&1 </dev/null)
expect_match "no password on standard input: refused" '^[12] ' "$? $(printf '%s' "$BS_MSG" | grep -v '^{' | tr '\n' ' ')"
kill "$BS_PID" 2>/dev/null
wait "$BS_PID" 2>/dev/null

# LOA_ADMIN_PASSWORD_FILE (a Docker secret) on another empty database.
"$PG_BIN/dropdb" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa "$BS_DB" 2>/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa "$BS_DB"
bs_audit
printf '%s\n' "$BS_PW" >"$T_TMP/admin_password"
env -u LOA_ADMIN_PASSWORD LOA_ADMIN_PASSWORD_FILE="$T_TMP/admin_password" LOA_DB_URL="$BS_URL" \
    LOA_HTTP_PORT="$BS_PORT" "$BUILD/gateway" >"$BS_OUT" 2>>"$T_TMP/bootstrap.log" &
BS_PID=$!
wait_until 30 bs_up || true
expect_eq "with LOA_ADMIN_PASSWORD_FILE the first admin is made with the file's password" 200 \
    "$(bs_login admin "$BS_PW")"
kill "$BS_PID" 2>/dev/null
wait "$BS_PID" 2>/dev/null
env LOA_ADMIN_PASSWORD=x LOA_ADMIN_PASSWORD_FILE="$T_TMP/admin_password" LOA_DB_URL="$BS_URL" \
    LOA_HTTP_PORT="$BS_PORT" "$BUILD/gateway" >/dev/null 2>"$T_TMP/bootstrap-both.log"
expect_match "both LOA_ADMIN_PASSWORD and its _FILE: refused at start, naming them" \
    '^1 .*both LOA_ADMIN_PASSWORD and LOA_ADMIN_PASSWORD_FILE are set' \
    "$? $(grep -m1 'both' "$T_TMP/bootstrap-both.log")"
rm -f "$T_TMP/admin_password"
grep -q "Sanitizer\|runtime error:" "$T_TMP/bootstrap.log" && fail "no sanitizer report in the second gateway" "$(grep -m3 'Sanitizer\|runtime error' "$T_TMP/bootstrap.log")"
"$PG_BIN/dropdb" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa "$BS_DB" 2>/dev/null || true
