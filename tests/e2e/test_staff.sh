# The staff directory (GET /api/v1/staff?ids=): any signed-in staff member
# gets the names (and units) of the given colleagues, to show who did each
# step of a history that carries only user ids. Never usernames, roles or
# whether an account is active; inactive users keep their names (a history
# outlives a job); ids are checked (400 naming ids), at most 100.
# shellcheck shell=bash

declare -gA SF_TOK=()
SF_RUN=$(head -c 1200 /dev/urandom | LC_ALL=C tr -dc 'a-z' | head -c 8)
# shellcheck disable=SC2034 # read by name (e2e_staff, e2e_call)
SF_TOK[admin]=$(admin_token)
e2e_staff SF_TOK insp '["inspector"]' null "sf_insp_$SF_RUN" "Lê Thanh Tra"
SF_INSP=$E2E_UID
e2e_staff SF_TOK handler '["handler"]' null "sf_handler_$SF_RUN" "Phạm Văn Xử Lý"
SF_HANDLER=$E2E_UID

e2e_call SF_TOK insp GET "/api/v1/staff?ids=$SF_HANDLER,$SF_INSP,999999999" -
expect_eq "staff: an inspector gets the names of the given colleagues, by id (an unknown id: absent)" \
    "200 [{\"id\":$SF_INSP,\"full_name\":\"Lê Thanh Tra\",\"unit_id\":0},{\"id\":$SF_HANDLER,\"full_name\":\"Phạm Văn Xử Lý\",\"unit_id\":0}]" \
    "$HTTP_STATUS $(body_jq -c '[.items[] | {id, full_name, unit_id}]')"
expect_eq "staff: only id, name and unit (no username, roles or state)" '["full_name","id","unit_id"]' \
    "$(body_jq -c '[.items[] | keys] | unique | .[0]')"
e2e_call SF_TOK handler GET "/api/v1/staff?ids=$SF_INSP" -
expect_eq "staff: a handler too (any staff)" "200 Lê Thanh Tra" "$HTTP_STATUS $(body_jq '.items[0].full_name')"
e2e_call SF_TOK admin PATCH "/api/v1/users/$SF_HANDLER" '{"active": false}'
e2e_call SF_TOK insp GET "/api/v1/staff?ids=$SF_HANDLER" -
expect_eq "staff: a deactivated user keeps a name in histories" "200 Phạm Văn Xử Lý" \
    "$HTTP_STATUS $(body_jq '.items[0].full_name')"
e2e_call SF_TOK anon GET "/api/v1/staff?ids=$SF_INSP" -
expect_eq "staff: anonymous: 401" 401 "$HTTP_STATUS"
for sf_bad in "" "ids=" "ids=abc" "ids=1,,2" "ids=-3" "ids=0" "ids=1;DROP" "ids=99999999999999999999"; do
    e2e_call SF_TOK insp GET "/api/v1/staff?$sf_bad" -
    expect_eq "staff: ?$sf_bad -> 400 naming ids" "400 true" "$(problem_names ids)"
done
sf_many=$(seq -s, 1 101)
e2e_call SF_TOK insp GET "/api/v1/staff?ids=$sf_many" -
expect_eq "staff: 101 ids -> 400 naming ids" "400 true" "$(problem_names ids)"
e2e_call SF_TOK insp GET "/api/v1/staff?ids=$(seq -s, 1 100)" -
expect_eq "staff: 100 ids are fine" 200 "$HTTP_STATUS"

# ---- an admin's password reset (POST /api/v1/users/{id}/password-reset):
# a one-time password shown once; the account's sessions end; its next login
# succeeds but may only change the password (other routes 403) until it has.
e2e_staff SF_TOK resetme '["editor"]' null "sf_reset_$SF_RUN" "Trần Văn Quên"
SF_RESET=$E2E_UID
SF_TOK[resetme2]=${SF_TOK[resetme]}
e2e_call SF_TOK insp POST "/api/v1/users/$SF_RESET/password-reset" -
expect_eq "reset: an inspector may not reset a password (403)" 403 "$HTTP_STATUS"
e2e_call SF_TOK anon POST "/api/v1/users/$SF_RESET/password-reset" -
expect_eq "reset: anonymous: 401" 401 "$HTTP_STATUS"
e2e_call SF_TOK admin POST /api/v1/users/999999999/password-reset -
expect_eq "reset: an unknown user: 404 problem+json" "404 application/problem+json; charset=utf-8" \
    "$HTTP_STATUS $(header Content-Type)"
SF_ADMIN_ID=$(e2e_call SF_TOK admin GET /api/v1/auth/me - && body_jq .id)
e2e_call SF_TOK admin POST "/api/v1/users/$SF_ADMIN_ID/password-reset" -
expect_match "reset: not one's own account (409, in Vietnamese: the password page is for that)" \
    '^409 .*Đổi mật khẩu' "$HTTP_STATUS $(body_jq .detail)"
e2e_call SF_TOK admin POST "/api/v1/users/$SF_RESET/password-reset" -
SF_OTP=$(body_jq '.one_time_password // empty')
expect_eq "reset: the admin gets a one-time password (200), the user marked to change it" "200 true $SF_RESET" \
    "$HTTP_STATUS $(body_jq .user.must_change_password) $(body_jq .user.id)"
expect_match "reset: the one-time password is four groups of four unambiguous characters" \
    '^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$' "$SF_OTP"
expect_eq "reset: the hash stored is argon2id, never the password" "1 0" \
    "$(db_sql "SELECT count(*) FROM gateway.users WHERE id = ${SF_RESET:-0} AND password_hash LIKE '\$argon2id\$%' AND must_change_password") $(db_sql "SELECT count(*) FROM gateway.users WHERE strpos(password_hash, '${SF_OTP:-x}') > 0")"
e2e_call SF_TOK resetme2 GET /api/v1/auth/me -
expect_eq "reset: the account's sessions have ended (401)" 401 "$HTTP_STATUS"
e2e_call SF_TOK admin GET "/api/v1/audit?entity=user&entity_id=$SF_RESET&action=users.password_reset" -
# (The trail shows any column named like a password only as changed.)
expect_eq "reset: the audit trail has it once, by the admin; the hash and the mark only 'changed', never the password" \
    "200 1 $SF_ADMIN_ID true true false" \
    "$HTTP_STATUS $(body_jq '"\(.total) \(.items[0].actor_id) \(.items[0].changes.password_hash.changed) \(.items[0].changes.must_change_password.changed) \(.items[0] | tostring | contains("'"${SF_OTP:-x}"'"))"')"
e2e_call SF_TOK admin GET "/api/v1/users/$SF_RESET" -
expect_eq "reset: the account's user shows the mark; nothing else changed" "true true editor" \
    "$(body_jq .must_change_password) $(body_jq .active) $(body_jq '.roles | join(",")')"
e2e_call SF_TOK admin POST "/api/v1/users/$SF_RESET/password-reset" -
SF_OTP2=$(body_jq '.one_time_password // empty')
expect_eq "reset: a second reset gives another password; the first no longer signs in" "200 true 401" \
    "$HTTP_STATUS $([ -n "$SF_OTP2" ] && [ "$SF_OTP2" != "$SF_OTP" ] && echo true) $(e2e_call SF_TOK anon POST /api/v1/auth/login \
        "$(jq -nc --arg u "sf_reset_$SF_RUN" --arg p "$SF_OTP" '{username: $u, password: $p}')" -H 'X-Forwarded-For: 100.71.9.1' && echo "$HTTP_STATUS")"
e2e_call SF_TOK anon POST /api/v1/auth/login "$(jq -nc --arg u "sf_reset_$SF_RUN" --arg p "$SF_OTP2" '{username: $u, password: $p}')" \
    -H 'X-Forwarded-For: 100.71.9.2'
SF_TOK[otp]=$(body_jq '.token // empty')
expect_eq "reset: the one-time password signs in, and the login says it must be changed" "200 true" \
    "$HTTP_STATUS $(body_jq .user.must_change_password)"
e2e_call SF_TOK otp GET /api/v1/auth/me -
expect_eq "reset: that session may ask who it is" "200 true" "$HTTP_STATUS $(body_jq .must_change_password)"
e2e_call SF_TOK otp GET '/api/v1/articles?status=draft' -
expect_match "reset: any other route answers 403 with a clear problem in Vietnamese" \
    '^403 application/problem\+json.* mật khẩu một lần .*đổi mật khẩu' "$HTTP_STATUS $(header Content-Type) $(body_jq .detail)"
e2e_call SF_TOK otp GET "/api/v1/staff?ids=$SF_INSP" -
expect_eq "reset: even a staff-wide read (403)" 403 "$HTTP_STATUS"
SF_NEW="Mật khẩu của Quên $SF_RUN"
e2e_call SF_TOK otp POST /api/v1/auth/password "$(jq -nc --arg c "$SF_OTP2" --arg n "$SF_NEW" '{current_password: $c, new_password: $n}')" \
    -H 'X-Forwarded-For: 100.71.9.2'
expect_eq "reset: the session changes the one-time password (204)" 204 "$HTTP_STATUS"
e2e_call SF_TOK otp GET "/api/v1/staff?ids=$SF_INSP" -
expect_eq "reset: then the same session works as before" "200 Lê Thanh Tra" "$HTTP_STATUS $(body_jq '.items[0].full_name')"
e2e_call SF_TOK admin GET "/api/v1/users/$SF_RESET" -
expect_eq "reset: the mark is gone" false "$(body_jq .must_change_password)"
e2e_call SF_TOK anon POST /api/v1/auth/login "$(jq -nc --arg u "sf_reset_$SF_RUN" --arg p "$SF_NEW" '{username: $u, password: $p}')" \
    -H 'X-Forwarded-For: 100.71.9.3'
expect_eq "reset: the new password signs in, unmarked" "200 false" "$HTTP_STATUS $(body_jq .user.must_change_password)"
