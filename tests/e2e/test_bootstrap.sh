# The first admin when LOA_ADMIN_PASSWORD is not set: a second gateway on an
# empty database of its own creates the account and prints a random password
# once on its console (not in its log), and that password logs in.
# shellcheck shell=bash

BS_DB=loa_boot_$$
BS_OUT=$T_TMP/bootstrap.out
"$PG_BIN/createdb" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa "$BS_DB"
BS_PORT=$(stack_free_base)
env -u LOA_ADMIN_PASSWORD LOA_DB_URL="postgresql://loa@127.0.0.1:$LOA_PG_PORT/$BS_DB" \
    LOA_HTTP_PORT="$BS_PORT" "$BUILD/gateway" >"$BS_OUT" 2>"$T_TMP/bootstrap.log" &
BS_PID=$!
bs_printed() { grep -q 'first admin account: admin / ' "$BS_OUT"; }
if wait_until 30 bs_printed; then pass "without LOA_ADMIN_PASSWORD the gateway prints a first admin password"; else
    fail "without LOA_ADMIN_PASSWORD the gateway prints a first admin password" "$(tail -3 "$T_TMP/bootstrap.log")"
fi
BS_PW=$(sed -n 's/.*first admin account: admin \/ \([^ ]*\).*/\1/p' "$BS_OUT" | head -1)
expect_match "the printed password is long and random (base64url)" '^[A-Za-z0-9_-]{40,}$' "$BS_PW"
bs_up() { curl -sf "http://127.0.0.1:$BS_PORT/healthz" >/dev/null; }
wait_until 20 bs_up || true
BS_CODE=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "$(jq -nc --arg p "$BS_PW" '{username: "admin", password: $p}')" \
    "http://127.0.0.1:$BS_PORT/api/v1/auth/login")
expect_eq "the printed password logs in as admin" 200 "$BS_CODE"
expect_eq "the password is not in the gateway's log" 0 "$(grep -c -F -- "${BS_PW:-none}" "$T_TMP/bootstrap.log")"
kill "$BS_PID" 2>/dev/null
wait "$BS_PID" 2>/dev/null
grep -q "Sanitizer\|runtime error:" "$T_TMP/bootstrap.log" && fail "no sanitizer report in the second gateway" "$(grep -m3 'Sanitizer\|runtime error' "$T_TMP/bootstrap.log")"
"$PG_BIN/dropdb" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa "$BS_DB" 2>/dev/null || true
