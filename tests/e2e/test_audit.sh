# The audit trail (decision 0031, docs/audit.md, GET /api/v1/audit): what
# staff and keys change is recorded once, by the program that changed it, in
# the same transaction (a trigger), with who, when, from which address, the
# action and the fields' before and after, never a password or a key;
# logins, failed logins and logouts are noted by the gateway; admins and
# inspectors read it with filters, as JSON or CSV; no program's role may
# change or delete it (PostgreSQL refuses).
# Sourced by tests/run.sh: every name here starts with ad_ / AD_.
# shellcheck shell=bash

AD_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
AD_ADDR=198.51.100.77
declare -gA AD_TOK=()
AD_TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)

ad_jq() { body_jq "$@"; }
ad_call() { e2e_call AD_TOK "$@"; }
ad_as() { "$PG_BIN/psql" -X -h 127.0.0.1 -p "$LOA_PG_PORT" -U "$1" -d loa -tAc "$2" 2>&1; }
# ad_trail QUERY: GET /api/v1/audit?QUERY as the inspector.
ad_trail() { ad_call insp GET "/api/v1/audit?$1" -; }

echo "  -- set-up"
AD_TOK[admin]=$(admin_token)
e2e_staff AD_TOK insp '["inspector"]' null "e2e.ad-insp-$AD_RUN" "Thanh tra nhật ký"
e2e_staff AD_TOK editor '["editor"]' null "e2e.ad-editor-$AD_RUN" "Biên tập nhật ký"
AD_EDITOR_ID=$E2E_UID
http GET /api/v1/auth/me -H "Authorization: Bearer ${AD_TOK[admin]}"
AD_ADMIN_ID=$(ad_jq '.id // .user.id // empty')

echo "  -- users and logins"
ad_pw="pw-$(head -c 12 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
ad_call admin POST /api/v1/users "$(jq -nc --arg u "e2e.ad-user-$AD_RUN" --arg p "$ad_pw" \
    '{username: $u, password: $p, full_name: "Người được ghi nhật ký", roles: ["editor"], unit_id: null}')" \
    -H "X-Forwarded-For: $AD_ADDR"
AD_UID=$(ad_jq '.id // empty')
expect_eq "setup: the admin makes a user" 201 "$HTTP_STATUS"
ad_trail "entity=user&entity_id=$AD_UID&action=users.create"
expect_eq "users.create: one entry, by the admin, from its address, the gateway's, with the new fields" \
    "200 1 gateway staff $AD_ADMIN_ID $AD_ADDR e2e.ad-user-$AD_RUN true" \
    "$HTTP_STATUS $(ad_jq '.total') $(ad_jq '.items[0].source') $(ad_jq '.items[0].actor_kind') $(ad_jq '.items[0].actor_id') $(ad_jq '.items[0].client_addr') $(ad_jq '.items[0].changes.username.after') $(ad_jq '.items[0].request_id != ""')"
expect_eq "users.create: the password's hash is only said to have changed" '{"changed":true}' \
    "$(ad_jq -c '.items[0].changes.password_hash')"
expect_eq "users.create: no password hash anywhere in the trail's answer" 0 "$(printf '%s' "$HTTP_BODY" | grep -c 'argon2')"
ad_call admin PATCH "/api/v1/users/$AD_UID" '{"roles": ["editor", "reviewer"]}'
ad_trail "entity=user&entity_id=$AD_UID&action=users.update"
expect_eq "users.update: the roles before and after" '200 ["editor"] ["editor","reviewer"]' \
    "$HTTP_STATUS $(ad_jq -c '.items[0].changes.roles.before') $(ad_jq -c '.items[0].changes.roles.after')"
http POST /api/v1/auth/login -H 'Content-Type: application/json' -H 'X-Forwarded-For: 198.51.100.78' \
    --data-binary "$(jq -nc --arg u "e2e.ad-user-$AD_RUN" '{username: $u, password: "sai mật khẩu"}')"
expect_eq "setup: a wrong password is 401" 401 "$HTTP_STATUS"
http POST /api/v1/auth/login -H 'Content-Type: application/json' -H 'X-Forwarded-For: 198.51.100.78' \
    --data-binary "$(jq -nc --arg u "e2e.ad-user-$AD_RUN" --arg p "$ad_pw" '{username: $u, password: $p}')"
AD_TOK[user]=$(ad_jq '.token // empty')
expect_eq "setup: the right one logs in" 200 "$HTTP_STATUS"
ad_trail "entity=user&entity_id=$AD_UID&action=login_failed"
expect_eq "login_failed: noted, anonymous, from its address, with the username tried (never the password)" \
    "1 anonymous 198.51.100.78 e2e.ad-user-$AD_RUN 0" \
    "$(ad_jq '.total') $(ad_jq '.items[0].actor_kind') $(ad_jq '.items[0].client_addr') $(ad_jq '.items[0].changes.username') $(printf '%s' "$HTTP_BODY" | grep -c 'sai mật khẩu')"
ad_trail "entity=user&entity_id=$AD_UID&action=login"
expect_eq "login: noted, by the account itself" "1 staff $AD_UID" \
    "$(ad_jq '.total') $(ad_jq '.items[0].actor_kind') $(ad_jq '.items[0].actor_id')"
ad_call user POST /api/v1/auth/logout -
ad_st=$HTTP_STATUS
ad_trail "actor=$AD_UID&action=logout"
expect_eq "logout: noted, by the account" "204 1 $AD_UID" "$ad_st $(ad_jq '.total') $(ad_jq '.items[0].entity_id')"

echo "  -- keys"
ad_call admin POST /api/v1/api-keys "$(jq -nc --arg n "Ứng dụng Open311 $AD_RUN" '{name: $n, kind: "open311_client"}')"
AD_KEY=$(ad_jq '.api_key // empty')
AD_KID=$(ad_jq '.id // empty')
ad_call admin DELETE "/api/v1/api-keys/$AD_KID" -
ad_trail "entity=api_key&entity_id=$AD_KID"
expect_eq "keys: made and revoked, two entries, newest first" "2 api_keys.revoke api_keys.create true" \
    "$(ad_jq '.total') $(ad_jq '.items[0].action') $(ad_jq '.items[1].action') $(ad_jq '.items[0].changes.revoked_at.after != null')"
expect_eq "keys: neither the key nor its hash is in the trail" "0 true" \
    "$(printf '%s' "$HTTP_BODY" | grep -c -- "${AD_KEY:-no-key}") $(ad_jq '.items[1].changes.key_hash.changed')"

echo "  -- the services' changes"
ad_call admin POST /api/v1/units "$(jq -nc --arg c "AD-${AD_RUN^^}" '{code: $c, name: "Phòng nhật ký"}')" -H "X-Forwarded-For: $AD_ADDR"
AD_UNIT=$(ad_jq '.id // empty')
expect_eq "setup: the admin makes a unit" "201 true" "$HTTP_STATUS $([ -n "$AD_UNIT" ] && echo true || echo false)"
ad_call admin PATCH "/api/v1/units/$AD_UNIT" '{"name": "Phòng nhật ký thao tác"}'
ad_trail "entity=unit&entity_id=$AD_UNIT"
expect_eq "content-svc: a unit made and renamed, recorded by content-svc with the RPC's action and the caller" \
    "2 content units.update units.create staff $AD_ADMIN_ID Phòng nhật ký Phòng nhật ký thao tác $AD_ADDR" \
    "$(ad_jq '.total') $(ad_jq '.items[0].source') $(ad_jq '.items[0].action') $(ad_jq '.items[1].action') $(ad_jq '.items[0].actor_kind') $(ad_jq '.items[0].actor_id') $(ad_jq '.items[0].changes.name.before') $(ad_jq '.items[0].changes.name.after') $(ad_jq '.items[1].client_addr')"
# A rule far ahead, so that no other test's month changes.
ad_month=2099-0$((RANDOM % 9 + 1))
ad_call admin PUT /api/v1/quota/rules "{\"min_articles\": 3, \"min_cchc_articles\": 1, \"effective_from\": \"$ad_month\"}"
ad_trail "entity=quota_rule&entity_id=$ad_month&action=quota.rules.put"
expect_eq "quota-svc: a rule put is recorded by quota-svc" "200 quota 3" \
    "$HTTP_STATUS $(ad_jq '.items[0].source') $(ad_jq '.items[0].changes.min_articles.after')"
# ... and taken away again (the quota tests count the rules' history).
db_sql "DELETE FROM quota.rules WHERE effective_from = '$ad_month'" >/dev/null
expect_eq "clean-up: the far rule removed" 0 "$(db_sql "SELECT count(*) FROM quota.rules WHERE effective_from = '$ad_month'")"
ad_n=$(db_sql "SELECT count(*) FROM audit.log WHERE entity = 'unit' AND entity_id = '$AD_UNIT'")
ad_call admin PATCH "/api/v1/units/$AD_UNIT" '{"name": "Phòng nhật ký thao tác"}'
expect_eq "content-svc: a change that changes nothing writes nothing" "$ad_n" \
    "$(db_sql "SELECT count(*) FROM audit.log WHERE entity = 'unit' AND entity_id = '$AD_UNIT'")"
http GET "/api/v1/units/$AD_UNIT"
expect_eq "reads write nothing (a GET names no caller)" "$ad_n" \
    "$(db_sql "SELECT count(*) FROM audit.log WHERE entity = 'unit' AND entity_id = '$AD_UNIT'")"

echo "  -- reading it"
ad_trail "actor=$AD_ADMIN_ID&action=units"
expect_eq "filters: action=units matches units.create and units.update of the admin" "true" \
    "$(ad_jq '[.items[].action] | all(startswith("units.")) and length >= 2')"
ad_trail "actor=$AD_ADMIN_ID&per_page=1&page=2"
expect_eq "paging: per_page=1 page=2 gives one entry and the whole total" "1 true" \
    "$(ad_jq '.items | length') $(ad_jq '.total >= 4')"
ad_trail "entity=unit&entity_id=$AD_UNIT&from=$AD_TODAY&to=$AD_TODAY"
expect_eq "filters: from and to today (Asia/Ho_Chi_Minh days) include today's" 2 "$(ad_jq '.total')"
ad_trail "entity=unit&entity_id=$AD_UNIT&to=2020-01-01"
expect_eq "filters: to a day long past gives none" 0 "$(ad_jq '.total')"
ad_trail "actor_kind=staff&actor=$AD_EDITOR_ID"
expect_eq "filters: the editor changed nothing; its one entry is its login" "200 1 login" \
    "$HTTP_STATUS $(ad_jq '.total') $(ad_jq '.items[0].action')"
for ad_bad in "actor=abc:actor" "from=hôm-qua:from" "to=2022-13-45:to" "action=DROP%20TABLE:action" "entity=Users;:entity" "actor_kind=robot:actor_kind" "format=xml:format" "per_page=1000:per_page"; do
    ad_trail "${ad_bad%%:*}"
    expect_eq "filters: ${ad_bad%%:*} is 422 naming ${ad_bad##*:}" "422 true" "$(problem_names "${ad_bad##*:}")"
done
ad_call editor GET /api/v1/audit -
expect_eq "who: an editor is 403" 403 "$HTTP_STATUS"
ad_call anon GET /api/v1/audit -
expect_eq "who: anonymous is 401" 401 "$HTTP_STATUS"
ad_call admin GET "/api/v1/audit?entity=unit&entity_id=$AD_UNIT" -
expect_eq "who: an admin reads it too" "200 2" "$HTTP_STATUS $(ad_jq '.total')"

echo "  -- CSV"
ad_trail "entity=unit&entity_id=$AD_UNIT&format=csv"
expect_eq "csv: text/csv, a download, BOM and Vietnamese headers" \
    "200 text/csv; charset=utf-8 true true" \
    "$HTTP_STATUS $(header Content-Type) $(header Content-Disposition | grep -q 'nhat-ky-thao-tac.csv' && echo true || echo false) $(head -c 3 "$T_TMP/body" | od -An -tx1 | tr -d ' \n' | grep -q '^efbbbf$' && echo true || echo false)"
expect_eq "csv: a header line and the unit's two entries" "3 true" \
    "$(tr -d '\r' <"$T_TMP/body" | grep -c .) $(grep -q 'units.update' "$T_TMP/body" && grep -q 'Thời điểm' "$T_TMP/body" && echo true || echo false)"
ad_call insp GET "/api/v1/audit?entity=unit&entity_id=$AD_UNIT" - -H 'Accept: text/csv'
expect_eq "csv: by Accept too" "text/csv; charset=utf-8" "$(header Content-Type)"

echo "  -- append-only"
expect_match "append-only: the gateway's role may not change an entry" 'permission denied for table log' \
    "$(ad_as loa_gateway "UPDATE audit.log SET action = 'x' WHERE entity = 'unit' AND entity_id = '$AD_UNIT'")"
expect_match "append-only: nor delete one" 'permission denied for table log' \
    "$(ad_as loa_gateway "DELETE FROM audit.log WHERE entity = 'unit' AND entity_id = '$AD_UNIT'")"
expect_match "append-only: nor empty it" 'permission denied for table log' "$(ad_as loa_gateway 'TRUNCATE audit.log')"
expect_match "append-only: content-svc's role may neither change" 'permission denied for table log' \
    "$(ad_as loa_content "UPDATE audit.log SET action = 'x'")"
expect_match "append-only: ... nor write an entry but through its trigger" 'permission denied for table log' \
    "$(ad_as loa_content "INSERT INTO audit.log (source, actor_kind, entity, action) VALUES ('content', 'staff', 'x', 'forged')")"
expect_match "append-only: ... nor read it (the gateway does)" 'permission denied for table log' \
    "$(ad_as loa_content 'SELECT count(*) FROM audit.log')"
expect_match "append-only: nor drop the trigger function" 'must be owner' \
    "$(ad_as loa_content 'DROP FUNCTION audit.record()')"
expect_eq "append-only: every entry of the unit is still there, unchanged" "$ad_n 0" \
    "$(db_sql "SELECT count(*), count(*) FILTER (WHERE action = 'x') FROM audit.log WHERE entity = 'unit' AND entity_id = '$AD_UNIT'" | tr '|' ' ')"
