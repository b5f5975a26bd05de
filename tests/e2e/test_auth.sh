# Staff authentication (issue 3): the first admin, login and bearer tokens,
# logout and expiry, user and API key management, the route x role
# authorisation matrix, login throttling, and secrets that never leak (logs,
# responses, database). Sourced by tests/run.sh (set -u, one shell): every
# name here starts with au_ / AU_.
# shellcheck shell=bash
# shellcheck disable=SC2016 # jq programs use $variables in single quotes

AU_DIR=$T_TMP/auth
mkdir -p "$AU_DIR/resp"
AU_N=0
AU_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n') # per-run suffix (8 hex)
AU_RUN_UC=$(printf '%s' "$AU_RUN" | tr '[:lower:]' '[:upper:]')
declare -gA AU_TOK=() AU_XTOK=() AU_UID=() AU_UNAME=() AU_PW=() AU_KEYID=()
# Every secret the test handles: its value, a label, and the one saved
# response allowed to hold it (the login or key creation that issued it).
AU_SEC_VAL=()
AU_SEC_WHAT=()
AU_SEC_OWNER=()
AU_ROLES="editor reviewer inspector handler leader"
AU_CALLERS="anon $AU_ROLES admin"

# ------------------------------------------------------------ helpers

au_secret() { # VALUE LABEL [OWNER_FILE]
    [ -n "$1" ] || return 0
    AU_SEC_VAL+=("$1")
    AU_SEC_WHAT+=("$2")
    AU_SEC_OWNER+=("${3:-}")
}

au_rand() { head -c "${1:-12}" /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

# au_http: `http` that also keeps every response (body and headers) for the
# leak check; AU_LAST is the saved body.
au_http() {
    http "$@"
    AU_N=$((AU_N + 1))
    AU_LAST=$AU_DIR/resp/$(printf '%04d' "$AU_N")
    cp "$T_TMP/body" "$AU_LAST.body" 2>/dev/null || : >"$AU_LAST.body"
    cp "$T_TMP/headers" "$AU_LAST.headers" 2>/dev/null || : >"$AU_LAST.headers"
    AU_LAST=$AU_LAST.body
}

au_json() { # METHOD PATH JSON [curl args...]
    local m=$1 p=$2 j=$3
    shift 3
    au_http "$m" "$p" -H 'Content-Type: application/json' --data-binary "$j" "$@"
}

au_jq() { printf '%s' "$HTTP_BODY" | jq -r "$@" 2>/dev/null; }

# The status, and for an error whether it is problem+json with that status:
# "200", "403 problem+json status=403".
au_outcome() {
    local s=$HTTP_STATUS ct
    if [ "${s:-0}" -ge 400 ] 2>/dev/null; then
        ct=$(header Content-Type)
        case $ct in
        application/problem+json*) ct=problem+json ;;
        *) ct="content-type=[$ct]" ;;
        esac
        printf '%s %s status=%s' "$s" "$ct" "$(au_jq .status)"
    else
        printf '%s' "$s"
    fi
}

# The same, plus whether a 401 asks for a bearer token.
au_outcome_www() {
    local w
    au_outcome
    if [ "$HTTP_STATUS" = 401 ]; then
        w=$(header WWW-Authenticate)
        case $w in
        Bearer | "Bearer "*) printf ' www=Bearer' ;;
        *) printf ' www=[%s]' "$w" ;;
        esac
    fi
}

au_problem() { printf '%s problem+json status=%s' "$1" "$1"; }
AU_401="$(au_problem 401) www=Bearer"
AU_403=$(au_problem 403)

# "STATUS true" when the problem's errors name FIELD.
au_names() { printf '%s %s' "$HTTP_STATUS" "$(au_jq --arg f "$1" '[.errors[]?.field] | index($f) != null')"; }

au_bearer() { printf 'Authorization: Bearer %s' "$1"; }

# au_login USER PASSWORD [CLIENT_ADDR]: POST /auth/login (from CLIENT_ADDR
# through X-Forwarded-For when given); AU_TOKEN is the token or empty.
au_login() {
    local body xff=()
    [ -n "${3:-}" ] && xff=(-H "X-Forwarded-For: $3")
    body=$(jq -nc --arg u "$1" --arg p "$2" '{username: $u, password: $p}')
    au_json POST /api/v1/auth/login "$body" "${xff[@]}"
    AU_TOKEN=""
    if [ "$HTTP_STATUS" = 200 ]; then
        AU_TOKEN=$(au_jq '.token // empty')
        au_secret "$AU_TOKEN" "token of $1" "$AU_LAST"
    fi
}

# au_me TOKEN: GET /auth/me with the token.
au_me() { au_http GET /api/v1/auth/me -H "$(au_bearer "$1")"; }

# au_create_user KEY USERNAME PASSWORD ROLES_JSON UNIT_JSON: POST /users as
# admin; AU_UID[KEY] is the new id (empty on failure).
au_create_user() {
    local body
    body=$(jq -nc --arg u "$2" --arg p "$3" --arg n "Người dùng $1" --argjson r "$4" --argjson unit "$5" \
        '{username: $u, password: $p, full_name: $n, unit_id: $unit, roles: $r}')
    au_secret "$3" "password of $2"
    au_json POST /api/v1/users "$body" -H "$(au_bearer "$AU_ADMIN_TOK")"
    AU_UID[$1]=""
    [ "$HTTP_STATUS" = 201 ] && AU_UID[$1]=$(au_jq '.id // empty')
    AU_UNAME[$1]=$2
    AU_PW[$1]=$3
}

au_epoch() { [ -n "$1" ] && date -d "$1" +%s 2>/dev/null; }

# The user object: the six fields, and nothing that looks like a password
# (must_change_password, a boolean mark of a one-time password, is no
# secret: it must be true or false).
au_user_shape() {
    au_jq "${1:-.}"' | [has("id"), has("username"), has("full_name"), has("unit_id"), has("roles"), has("active"),
        (.must_change_password | type == "boolean"),
        ([.. | objects | keys[] | select(test("pass|hash|secret"; "i") and . != "must_change_password")] | length == 0)] | all'
}

# ------------------------------------------------------------ the first admin, login, tokens

au_section_login() {
    local t1 t2 exp now left me_user login_user tampered c i det_wrong det_unknown
    echo "  -- the first admin and login"
    au_secret "$LOA_ADMIN_PASSWORD" "LOA_ADMIN_PASSWORD"
    au_login admin "$LOA_ADMIN_PASSWORD"
    expect_eq "login: admin logs in with LOA_ADMIN_PASSWORD" 200 "$HTTP_STATUS"
    AU_ADMIN_TOK=$AU_TOKEN
    AU_TOK[admin]=$AU_TOKEN
    AU_UNAME[admin]="admin"
    expect_match "login: the token is base64url of at least 256 bits (43+ characters)" '^[A-Za-z0-9_-]{43,}$' "$AU_TOKEN"
    expect_eq "login: the user is admin, roles [admin], no unit, active" \
        '{"username":"admin","roles":["admin"],"unit_id":null,"active":true}' \
        "$(au_jq -c '.user | {username, roles, unit_id, active}')"
    expect_eq "login: the user has id, username, full_name, unit_id, roles, active and no password field" \
        true "$(au_user_shape .user)"
    login_user=$(au_jq -c '.user | {id, username, full_name, unit_id, roles, active}')
    AU_UID[admin]=$(au_jq '.user.id // empty')
    exp=$(au_jq '.expires_at // empty')
    now=$(date +%s)
    expect_match "login: expires_at is RFC 3339 with an offset" \
        '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$' "$exp"
    left=$(($(au_epoch "$exp" || echo 0) - now))
    AU_TTL=${LOA_SESSION_TTL_S:-43200}
    if [ "$left" -ge $((AU_TTL - 120)) ] && [ "$left" -le $((AU_TTL + 120)) ]; then
        pass "login: expires_at is LOA_SESSION_TTL_S (default 43200 s) away"
    else
        fail "login: expires_at is LOA_SESSION_TTL_S (default 43200 s) away" "expires in $left s, TTL $AU_TTL"
    fi
    AU_LOGIN_CT=$(header Content-Type)
    expect_match "login: the answer is JSON" '^application/json' "$AU_LOGIN_CT"
    if [ -z "$AU_ADMIN_TOK" ]; then
        fail "login: the admin's token" "no token: the rest of this file cannot authenticate"
    fi

    echo "  -- bearer tokens and /auth/me"
    au_me "$AU_ADMIN_TOK"
    expect_eq "me: a valid token gives 200" 200 "$HTTP_STATUS"
    me_user=$(au_jq -c '{id, username, full_name, unit_id, roles, active}')
    expect_eq "me: the same user as the login answered" "$login_user" "$me_user"
    expect_eq "me: no password or hash field" true "$(au_user_shape)"

    au_login admin "$LOA_ADMIN_PASSWORD"
    t2=$AU_TOKEN
    if [ -n "$t2" ] && [ "$t2" != "$AU_ADMIN_TOK" ]; then
        pass "login: a second login gives a different token"
    else
        fail "login: a second login gives a different token" "empty or equal"
    fi

    au_http GET /api/v1/auth/me
    expect_eq "me: no token is 401 problem+json asking for Bearer" "$AU_401" "$(au_outcome_www)"
    au_http GET /api/v1/auth/me -H "Authorization: Basic $(printf 'admin:%s' "$LOA_ADMIN_PASSWORD" | base64 -w0)"
    expect_eq "me: a Basic header is 401" "$AU_401" "$(au_outcome_www)"
    au_http GET /api/v1/auth/me -H "Authorization: Bearer"
    expect_eq "me: 'Bearer' without a token is 401" "$AU_401" "$(au_outcome_www)"
    au_http GET /api/v1/auth/me -H "Authorization: $AU_ADMIN_TOK"
    expect_eq "me: a token without 'Bearer' is 401" "$AU_401" "$(au_outcome_www)"
    au_http GET /api/v1/auth/me -H "$(au_bearer "$(au_rand 32)")"
    expect_eq "me: an unknown token is 401" "$AU_401" "$(au_outcome_www)"
    if [ -n "$AU_ADMIN_TOK" ]; then
        i=10
        c=${AU_ADMIN_TOK:$i:1}
        if [ "$c" = A ]; then c=B; else c=A; fi
        tampered=${AU_ADMIN_TOK:0:$i}$c${AU_ADMIN_TOK:$((i + 1))}
        au_http GET /api/v1/auth/me -H "$(au_bearer "$tampered")"
        expect_eq "me: a token with one character changed is 401" "$AU_401" "$(au_outcome_www)"
        au_http GET /api/v1/auth/me -H "$(au_bearer "${AU_ADMIN_TOK}x")"
        expect_eq "me: a token with a character added is 401" "$AU_401" "$(au_outcome_www)"
    fi

    echo "  -- logout"
    t1=$t2
    if [ -n "$t1" ]; then
        au_http POST /api/v1/auth/logout -H "$(au_bearer "$t1")"
        expect_eq "logout: 204" 204 "$HTTP_STATUS"
        au_me "$t1"
        expect_eq "logout: afterwards the token is 401" "$AU_401" "$(au_outcome_www)"
        au_http POST /api/v1/auth/logout -H "$(au_bearer "$t1")"
        expect_eq "logout: a second logout with the revoked token is 401" "$AU_401" "$(au_outcome_www)"
        au_me "$AU_ADMIN_TOK"
        expect_eq "logout: the user's other session still works" 200 "$HTTP_STATUS"
    else
        fail "logout" "no second admin token"
    fi
    au_http POST /api/v1/auth/logout
    expect_eq "logout: without a token is 401" "$AU_401" "$(au_outcome_www)"

    echo "  -- failed logins"
    # Each from its own address, so that no throttle counts them together.
    au_login admin "wrong-$(au_rand 9)" 192.0.2.11
    expect_eq "login: a wrong password is 401 problem+json" "$(au_problem 401)" "$(au_outcome)"
    det_wrong=$(au_jq .detail)
    expect_eq "login: a wrong password gives no token" "" "$(au_jq '.token // empty')"
    au_login "nobody-$AU_RUN" "$LOA_ADMIN_PASSWORD" 192.0.2.12
    expect_eq "login: an unknown user is 401 problem+json" "$(au_problem 401)" "$(au_outcome)"
    det_unknown=$(au_jq .detail)
    expect_eq "login: unknown user and wrong password say the same" "$det_wrong" "$det_unknown"
    AU_DETAIL_401=$det_wrong
    au_json POST /api/v1/auth/login '{"username": "admin"}' -H 'X-Forwarded-For: 192.0.2.13'
    expect_match "login: a missing password is 400/422 naming password" '^(400|422) true$' "$(au_names password)"
    au_json POST /api/v1/auth/login "$(jq -nc --arg p "$LOA_ADMIN_PASSWORD" '{password: $p}')" -H 'X-Forwarded-For: 192.0.2.14'
    expect_match "login: a missing username is 400/422 naming username" '^(400|422) true$' "$(au_names username)"
    expect_eq "login: a missing username gives no token" "" "$(au_jq '.token // empty')"
}

# ------------------------------------------------------------ users

au_section_users() {
    local id t old_pw new_pw un pw9 pw
    echo "  -- users"
    au_http GET '/api/v1/units?per_page=100' -H "$(au_bearer "$AU_ADMIN_TOK")"
    AU_UNIT=$(au_jq '.items[0].id // empty')
    AU_UNIT2=$(au_jq '.items[1].id // empty')
    if [ -n "$AU_UNIT" ] && [ -n "$AU_UNIT2" ]; then pass "users: units to assign exist"; else fail "users: units to assign exist" "$HTTP_STATUS"; fi
    AU_UNIT=${AU_UNIT:-1}
    AU_UNIT2=${AU_UNIT2:-2}

    # One user per role (editor and handler with a unit), plus an extra
    # token each for the logout column of the matrix.
    local r unit
    for r in $AU_ROLES; do
        unit=null
        case $r in editor | handler) unit=$AU_UNIT ;; esac
        au_create_user "$r" "e2e.$r-$AU_RUN" "pw-$(au_rand 12)" "[\"$r\"]" "$unit"
        expect_eq "users: create the $r user: 201" 201 "$HTTP_STATUS"
        id=${AU_UID[$r]}
        expect_eq "users: the $r user's Location is /api/v1/users/{id}" "/api/v1/users/$id" "$(header Location)"
        expect_eq "users: the created $r user echoes username, roles, unit, active" \
            "$(jq -nc --arg u "e2e.$r-$AU_RUN" --arg r "$r" --argjson unit "$unit" '{username: $u, roles: [$r], unit_id: $unit, active: true}')" \
            "$(au_jq -c '{username, roles, unit_id, active}')"
        expect_eq "users: the created $r user has the six fields and no password or hash" true "$(au_user_shape)"
        au_login "${AU_UNAME[$r]}" "${AU_PW[$r]}"
        expect_eq "users: the $r user logs in" 200 "$HTTP_STATUS"
        AU_TOK[$r]=$AU_TOKEN
        expect_eq "users: the $r login answers the $r user" "${AU_UNAME[$r]} [\"$r\"]" \
            "$(au_jq -r '.user.username + " " + (.user.roles | tostring)')"
        au_login "${AU_UNAME[$r]}" "${AU_PW[$r]}"
        AU_XTOK[$r]=$AU_TOKEN
    done
    au_login admin "$LOA_ADMIN_PASSWORD"
    AU_XTOK[admin]=$AU_TOKEN

    au_http GET "/api/v1/users/${AU_UID[editor]}" -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "users: GET /users/{id} gives the user" "200 ${AU_UNAME[editor]} $AU_UNIT" \
        "$HTTP_STATUS $(au_jq -r '.username + " " + (.unit_id | tostring)')"
    expect_eq "users: GET /users/{id} has no password or hash" true "$(au_user_shape)"
    au_http GET /api/v1/users/999999999 -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "users: an unknown id is 404 problem+json" "$(au_problem 404)" "$(au_outcome)"

    au_http GET '/api/v1/users?per_page=100' -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "users: the list is {items, page, per_page, total}" "true 1 100" \
        "$(au_jq -r '[(.items | type == "array") and (.total | type == "number"), .page, .per_page] | map(tostring) | join(" ")')"
    expect_eq "users: the list holds admin and the five role users" 6 \
        "$(au_jq --arg s "-$AU_RUN" '[.items[] | select(.username == "admin" or (.username | endswith($s)))] | length')"
    expect_eq "users: no listed user has a password or hash field" 0 \
        "$(au_jq '[.items[] | .. | objects | keys[] | select(test("pass|hash|secret"; "i") and . != "must_change_password")] | length')"
    expect_eq "users: total counts them" true "$(au_jq '.total >= 6 and .total == (.items | length)')"
    au_http GET '/api/v1/users?per_page=2&page=1' -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "users: per_page pages the list" "2 2" "$(au_jq -r '"\(.items | length) \(.per_page)"')"

    # Validation.
    pw="pw-$(au_rand 12)"
    au_secret "$pw" "password of e2e.$AU_RUN"
    au_json POST /api/v1/users "{\"username\": \"e2e.$AU_RUN\", \"password\": \"$pw\", \"roles\": [\"leader\"], \"unit_id\": null}" \
        -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "users: create without full_name is fine" 201 "$HTTP_STATUS"
    un=e2e.dup-$AU_RUN
    au_create_user dup "$un" "pw-$(au_rand 12)" '["leader"]' null
    expect_eq "users: create dup (first time)" 201 "$HTTP_STATUS"
    au_create_user dup2 "$un" "pw-$(au_rand 12)" '["leader"]' null
    expect_eq "users: a taken username is 409 problem+json" "$(au_problem 409)" "$(au_outcome)"
    au_create_user v1 "ab" "pw-$(au_rand 12)" '["leader"]' null
    expect_match "users: a 2-character username is 400/422 naming username" '^(400|422) true$' "$(au_names username)"
    au_create_user v2 "Bad.User-$AU_RUN" "pw-$(au_rand 12)" '["leader"]' null
    expect_match "users: an upper-case username is 400/422 naming username" '^(400|422) true$' "$(au_names username)"
    au_create_user v3 "e2e x-$AU_RUN" "pw-$(au_rand 12)" '["leader"]' null
    expect_match "users: a username with a space is 400/422 naming username" '^(400|422) true$' "$(au_names username)"
    au_create_user v4 "$(printf 'a%.0s' $(seq 65))" "pw-$(au_rand 12)" '["leader"]' null
    expect_match "users: a 65-character username is 400/422 naming username" '^(400|422) true$' "$(au_names username)"
    au_create_user v4b "$(printf 'b%.0s' $(seq 64))" "pw-$(au_rand 12)" '["leader"]' null
    expect_eq "users: a 64-character username is accepted" 201 "$HTTP_STATUS"
    pw9=$(au_rand 12 | cut -c1-9)
    au_create_user v5 "e2e.shortpw-$AU_RUN" "$pw9" '["leader"]' null
    expect_match "users: a 9-character password is 400/422 naming password" '^(400|422) true$' "$(au_names password)"
    au_create_user v5b "e2e.pw10-$AU_RUN" "$(au_rand 12 | cut -c1-10)" '["leader"]' null
    expect_eq "users: a 10-character password is accepted" 201 "$HTTP_STATUS"
    au_create_user v6 "e2e.badrole-$AU_RUN" "pw-$(au_rand 12)" '["superuser"]' null
    expect_match "users: an unknown role is 400/422 naming roles" '^(400|422) true$' "$(au_names roles)"
    au_create_user v7 "e2e.badunit-$AU_RUN" "pw-$(au_rand 12)" '["editor"]' 999999
    expect_eq "users: an unknown unit is 422 naming unit_id" "422 true" "$(au_names unit_id)"
    au_json POST /api/v1/users "{\"password\": \"pw-$(au_rand 12)\", \"roles\": [\"leader\"]}" -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_match "users: a missing username is 400/422 naming username" '^(400|422) true$' "$(au_names username)"
    au_http GET '/api/v1/users?per_page=100' -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "users: refused creations created nothing" 0 \
        "$(au_jq '[.items[] | select(.username | test("badrole|badunit|shortpw|^ab$|^Bad|^e2e x-|^a{65}$"))] | length')"

    # PATCH: roles, unit, full name; a disabled user; a new password.
    au_create_user pat "e2e.patch-$AU_RUN" "pw-$(au_rand 12)" '["leader"]' null
    id=${AU_UID[pat]}
    au_login "${AU_UNAME[pat]}" "${AU_PW[pat]}"
    t=$AU_TOKEN
    au_json PATCH "/api/v1/users/$id" "{\"roles\": [\"inspector\", \"handler\"], \"unit_id\": $AU_UNIT2, \"full_name\": \"Trần Thị Bình\"}" \
        -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "users: PATCH roles, unit_id, full_name answers 200 and the user" \
        "200 [\"handler\",\"inspector\"] $AU_UNIT2 Trần Thị Bình" \
        "$HTTP_STATUS $(au_jq -c '.roles | sort') $(au_jq '.unit_id') $(au_jq '.full_name')"
    expect_eq "users: the PATCH answer has no password or hash" true "$(au_user_shape)"
    au_me "$t"
    expect_eq "users: /auth/me shows the changed roles and unit" "200 [\"handler\",\"inspector\"] $AU_UNIT2" \
        "$HTTP_STATUS $(au_jq -c '.roles | sort') $(au_jq '.unit_id')"

    au_json PATCH "/api/v1/users/$id" '{"active": false}' -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "users: PATCH active false answers 200, inactive" "200 false" "$HTTP_STATUS $(au_jq .active)"
    au_me "$t"
    expect_eq "users: a disabled user's token is 401" "$AU_401" "$(au_outcome_www)"
    au_login "${AU_UNAME[pat]}" "${AU_PW[pat]}" 192.0.2.21
    expect_eq "users: a disabled user's login is 401" "$(au_problem 401)" "$(au_outcome)"
    expect_eq "users: a disabled user's login says what a wrong password says" "$AU_DETAIL_401" "$(au_jq .detail)"
    expect_eq "users: a disabled user gets no token" "" "$AU_TOKEN"
    au_json PATCH "/api/v1/users/$id" '{"active": true}' -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "users: PATCH active true answers 200, active" "200 true" "$HTTP_STATUS $(au_jq .active)"
    au_login "${AU_UNAME[pat]}" "${AU_PW[pat]}" 192.0.2.22
    expect_eq "users: an enabled user logs in again" 200 "$HTTP_STATUS"
    t=$AU_TOKEN

    old_pw=${AU_PW[pat]}
    new_pw="pw-new-$(au_rand 12)"
    au_secret "$new_pw" "new password of ${AU_UNAME[pat]}"
    au_json PATCH "/api/v1/users/$id" "$(jq -nc --arg p "$new_pw" '{password: $p}')" -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "users: PATCH password answers 200" 200 "$HTTP_STATUS"
    expect_eq "users: the PATCH password answer has no password or hash" true "$(au_user_shape)"
    au_login "${AU_UNAME[pat]}" "$old_pw" 192.0.2.23
    expect_eq "users: the old password fails (401)" "$(au_problem 401)" "$(au_outcome)"
    au_login "${AU_UNAME[pat]}" "$new_pw" 192.0.2.24
    expect_eq "users: the new password works" 200 "$HTTP_STATUS"
    pw=$(au_rand 12 | cut -c1-9)
    au_secret "$pw" "refused password of ${AU_UNAME[pat]}"
    au_json PATCH "/api/v1/users/$id" "{\"password\": \"$pw\"}" -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_match "users: PATCH a 9-character password is 400/422 naming password" '^(400|422) true$' "$(au_names password)"
    au_login "${AU_UNAME[pat]}" "$new_pw" 192.0.2.25
    expect_eq "users: a refused password change keeps the password" 200 "$HTTP_STATUS"

    # The extra role users for the matrix's targets.
    au_create_user mxtarget "e2e.mx-target-$AU_RUN" "pw-$(au_rand 12)" '["leader"]' null
    expect_eq "users: create the matrix's target user" 201 "$HTTP_STATUS"
}

# ------------------------------------------------------------ API keys

au_section_keys() {
    local id id2 key key2 exp past future
    echo "  -- API keys"
    future=$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:%SZ)
    past=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
    au_json POST /api/v1/api-keys "{\"name\": \"Đài PT-TH tỉnh $AU_RUN\", \"kind\": \"broadcaster\"}" -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "keys: create a broadcaster key: 201" 201 "$HTTP_STATUS"
    id=$(au_jq '.id // empty')
    key=$(au_jq '.api_key // empty')
    au_secret "$key" "api key $id" "$AU_LAST"
    expect_eq "keys: the answer has id, name, kind, api_key, created_at, expires_at" "true" \
        "$(au_jq '[has("id"), has("name"), has("kind"), has("api_key"), has("created_at"), has("expires_at")] | all')"
    expect_eq "keys: name and kind as given, no expiry" "Đài PT-TH tỉnh $AU_RUN broadcaster null" \
        "$(au_jq -r '"\(.name) \(.kind) \(.expires_at)"')"
    expect_match "keys: the key is long and random (32+ characters)" '^[A-Za-z0-9_-]{32,}$' "$key"
    expect_match "keys: Location names the key" "/api/v1/api-keys/$id\$" "$(header Location)"

    au_json POST /api/v1/api-keys "{\"name\": \"Open311 $AU_RUN\", \"kind\": \"open311_client\", \"expires_at\": \"$future\"}" \
        -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "keys: create an open311_client key with expires_at: 201" 201 "$HTTP_STATUS"
    id2=$(au_jq '.id // empty')
    key2=$(au_jq '.api_key // empty')
    au_secret "$key2" "api key $id2" "$AU_LAST"
    exp=$(au_jq '.expires_at // empty')
    expect_eq "keys: expires_at is kept" "$(au_epoch "$future")" "$(au_epoch "$exp")"
    if [ -n "$key" ] && [ "$key" != "$key2" ]; then pass "keys: two keys differ"; else fail "keys: two keys differ" "empty or equal"; fi

    au_http GET /api/v1/api-keys -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "keys: the list answers 200" 200 "$HTTP_STATUS"
    expect_eq "keys: the list holds both keys" 2 "$(au_jq --argjson a "${id:-0}" --argjson b "${id2:-0}" '[.items[] | select(.id == $a or .id == $b)] | length')"
    expect_eq "keys: the list shows no api_key" 0 "$(au_jq '[.items[] | select(has("api_key"))] | length')"
    if [ -n "$key" ] && ! grep -qF -- "$key" "$AU_LAST"; then pass "keys: the list does not hold the key's value"; else fail "keys: the list does not hold the key's value" "found (or no key)"; fi

    if [ -n "$key" ]; then
        au_http GET /api/v1/auth/me -H "X-Api-Key: $key"
        expect_eq "keys: a valid broadcaster key on /auth/me is 403 (not staff)" "$AU_403" "$(au_outcome)"
    else
        fail "keys: a valid broadcaster key on /auth/me is 403" "no key"
    fi
    if [ -n "$key2" ]; then
        au_http GET /api/v1/auth/me -H "X-Api-Key: $key2"
        expect_eq "keys: a valid open311_client key on /auth/me is 403" "$AU_403" "$(au_outcome)"
    fi
    au_http GET /api/v1/auth/me -H "X-Api-Key: loa_$(au_rand 32)"
    expect_eq "keys: an unknown key is 401" "$(au_problem 401)" "$(au_outcome)"

    au_http DELETE "/api/v1/api-keys/${id:-0}" -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "keys: DELETE revokes: 204" 204 "$HTTP_STATUS"
    if [ -n "$key" ]; then
        au_http GET /api/v1/auth/me -H "X-Api-Key: $key"
        expect_eq "keys: a revoked key is 401" "$(au_problem 401)" "$(au_outcome)"
    fi
    if [ -n "$key2" ]; then
        au_http GET /api/v1/auth/me -H "X-Api-Key: $key2"
        expect_eq "keys: revoking one key leaves the other valid (403, not 401)" "$AU_403" "$(au_outcome)"
    fi

    au_json POST /api/v1/api-keys "{\"name\": \"expired $AU_RUN\", \"kind\": \"broadcaster\", \"expires_at\": \"$past\"}" \
        -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "keys: expires_at in the past is 422 naming expires_at" "422 true" "$(au_names expires_at)"
    au_secret "$(au_jq '.api_key // empty')" "api key (should not exist)"
    au_json POST /api/v1/api-keys "{\"name\": \"bad kind $AU_RUN\", \"kind\": \"tv\"}" -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_match "keys: an unknown kind is 400/422 naming kind" '^(400|422) true$' "$(au_names kind)"
    au_secret "$(au_jq '.api_key // empty')" "api key (should not exist)"
    au_http GET /api/v1/api-keys -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "keys: refused keys were not created" 0 \
        "$(au_jq --arg a "expired $AU_RUN" --arg b "bad kind $AU_RUN" '[.items[] | select(.name == $a or .name == $b)] | length')"
}

# ------------------------------------------------------------ the route x role matrix

# What the caller sends for a cell: AU_REQ_PATH, AU_REQ_BODY (empty: none).
au_matrix_request() { # CALLER METHOD TEMPLATE
    local c=$1 m=$2 p=$3
    AU_REQ_BODY=""
    p=${p//\{unit\}/$AU_UNIT}
    p=${p//\{mxunit\}/${AU_MXUNIT:-0}}
    p=${p//\{mxuser\}/${AU_UID[mxtarget]:-0}}
    p=${p//\{key\}/${AU_KEYID[$c]:-0}}
    AU_REQ_PATH=$p
    case "$m $3" in
    "POST /api/v1/units") AU_REQ_BODY="{\"code\": \"AZ-$AU_RUN_UC-$(printf '%s' "$c" | tr '[:lower:]' '[:upper:]')\", \"name\": \"Đơn vị phân quyền $c\"}" ;;
    "PATCH /api/v1/units/{mxunit}") AU_REQ_BODY="{\"description\": \"changed by $c\"}" ;;
    "POST /api/v1/users")
        AU_REQ_BODY=$(jq -nc --arg u "e2e.mx-new-$c-$AU_RUN" --arg p "${AU_MXPW[$c]:-}" '{username: $u, password: $p, full_name: "Ma trận", roles: ["leader"], unit_id: null}')
        ;;
    "PATCH /api/v1/users/{mxuser}") AU_REQ_BODY="{\"full_name\": \"by $c\"}" ;;
    "POST /api/v1/api-keys") AU_REQ_BODY="{\"name\": \"mx $c $AU_RUN\", \"kind\": \"broadcaster\"}" ;;
    esac
}

# The expected outcome of a cell.
au_matrix_expect() { # CLASS CALLER METHOD TEMPLATE
    case $1 in
    anyone) echo 200 ;;
    admin | staff)
        if [ "$2" = anon ]; then
            echo "$AU_401"
        elif [ "$1" = admin ] && [ "$2" != admin ]; then
            echo "$AU_403"
        else
            case "$3 $4" in
            "GET /api/v1/auth/me") echo "200 ${AU_UNAME[$2]}" ;;
            POST\ /api/v1/auth/logout) echo 204 ;;
            GET*) echo 200 ;;
            PATCH*) echo 200 ;;
            POST*) echo 201 ;;
            DELETE*) echo 204 ;;
            esac
        fi
        ;;
    esac
}

au_section_matrix() {
    local class m p c auth tok got want key
    echo "  -- authorisation matrix (route x caller)"
    declare -gA AU_MXPW=()
    # Targets made by admin: a unit to PATCH, one key per caller to DELETE.
    au_json POST /api/v1/units "{\"code\": \"AZT-$AU_RUN_UC\", \"name\": \"Đơn vị ma trận\"}" -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "matrix: the admin creates the target unit" 201 "$HTTP_STATUS"
    AU_MXUNIT=$(au_jq '.id // empty')
    for c in $AU_CALLERS; do
        au_json POST /api/v1/api-keys "{\"name\": \"mx target $c $AU_RUN\", \"kind\": \"broadcaster\"}" -H "$(au_bearer "$AU_ADMIN_TOK")"
        AU_KEYID[$c]=$(au_jq '.id // empty')
        key=$(au_jq '.api_key // empty')
        au_secret "$key" "matrix key of $c" "$AU_LAST"
        AU_KEYVAL[$c]=$key
        AU_MXPW[$c]="pw-mx-$(au_rand 12)"
        au_secret "${AU_MXPW[$c]}" "matrix password by $c"
    done
    expect_eq "matrix: the admin creates a key per caller" 7 \
        "$(for c in $AU_CALLERS; do [ -n "${AU_KEYID[$c]}" ] && echo "$c"; done | wc -l | tr -d ' ')"
    for c in $AU_ROLES admin; do
        [ -n "${AU_TOK[$c]:-}" ] || fail "matrix: $c has a token" "login failed; its cells will fail"
    done

    while read -r class m p <&3; do
        [ -n "$class" ] || continue
        printf '  -- %s %s (%s)\n' "$m" "${p//\{*\}/\{id\}}" "$class"
        for c in $AU_CALLERS; do
            auth=()
            tok=${AU_TOK[$c]:-}
            [ "$p" = /api/v1/auth/logout ] && tok=${AU_XTOK[$c]:-}
            [ "$c" = anon ] || auth=(-H "$(au_bearer "$tok")")
            au_matrix_request "$c" "$m" "$p"
            if [ -n "$AU_REQ_BODY" ]; then
                au_json "$m" "$AU_REQ_PATH" "$AU_REQ_BODY" "${auth[@]}"
            else
                au_http "$m" "$AU_REQ_PATH" "${auth[@]}"
            fi
            if [ "$m $p" = "GET /api/v1/auth/me" ] && [ "$HTTP_STATUS" = 200 ]; then
                got="200 $(au_jq .username)"
            else
                got=$(au_outcome_www)
            fi
            want=$(au_matrix_expect "$class" "$c" "$m" "$p")
            if [ "$want" != "$AU_401" ]; then got=${got% www=*}; fi
            expect_eq "authz: $m ${p//\{*\}/\{id\}} as $c" "$want" "$got"
            case "$c $m $p" in
            "admin POST /api/v1/users") au_secret "${AU_MXPW[admin]}" "matrix password" ;;
            "admin POST /api/v1/api-keys") au_secret "$(au_jq '.api_key // empty')" "matrix key" "$AU_LAST" ;;
            esac
        done
    done 3<<'EOF'
anyone GET /api/v1/units
anyone GET /api/v1/units/{unit}
anyone GET /api/v1/topics
anyone GET /healthz
anyone GET /api/v1/openapi.json
admin POST /api/v1/units
admin PATCH /api/v1/units/{mxunit}
admin GET /api/v1/users
admin POST /api/v1/users
admin GET /api/v1/users/{mxuser}
admin PATCH /api/v1/users/{mxuser}
admin GET /api/v1/api-keys
admin POST /api/v1/api-keys
admin DELETE /api/v1/api-keys/{key}
staff GET /api/v1/auth/me
staff POST /api/v1/auth/logout
EOF

    echo "  -- refused calls changed nothing"
    au_http GET '/api/v1/units?per_page=100' -H "$(au_bearer "$AU_ADMIN_TOK")" -H 'Cache-Control: no-cache'
    expect_eq "matrix: of the units POSTed by each caller only the admin's exists" "AZ-$AU_RUN_UC-ADMIN" \
        "$(au_jq --arg p "AZ-$AU_RUN_UC-" '[.items[] | select(.code | startswith($p)) | .code] | join(" ")')"
    expect_eq "matrix: the target unit carries only the admin's PATCH" "changed by admin" \
        "$(au_jq --argjson id "${AU_MXUNIT:-0}" '.items[] | select(.id == $id) | .description')"
    au_http GET '/api/v1/users?per_page=100' -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "matrix: of the users POSTed by each caller only the admin's exists" "e2e.mx-new-admin-$AU_RUN" \
        "$(au_jq '[.items[] | select(.username | startswith("e2e.mx-new-")) | .username] | join(" ")')"
    au_http GET "/api/v1/users/${AU_UID[mxtarget]:-0}" -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "matrix: the target user carries only the admin's PATCH" "by admin" "$(au_jq .full_name)"
    au_http GET /api/v1/api-keys -H "$(au_bearer "$AU_ADMIN_TOK")"
    expect_eq "matrix: of the keys POSTed by each caller only the admin's exists" "mx admin $AU_RUN" \
        "$(au_jq --arg s " $AU_RUN" '[.items[] | select((.name | startswith("mx ")) and (.name | startswith("mx target") | not) and (.name | endswith($s))) | .name] | join(" ")')"
    for c in $AU_CALLERS; do
        key=${AU_KEYVAL[$c]:-}
        if [ -z "$key" ]; then
            fail "matrix: the key DELETEd by $c" "no key"
            continue
        fi
        au_http GET /api/v1/auth/me -H "X-Api-Key: $key"
        if [ "$c" = admin ]; then
            expect_eq "matrix: the key the admin DELETEd is revoked (401)" "$(au_problem 401)" "$(au_outcome)"
        else
            expect_eq "matrix: the key $c tried to DELETE still works (403 on /auth/me)" "$AU_403" "$(au_outcome)"
        fi
    done
    for c in $AU_ROLES admin; do
        au_me "${AU_XTOK[$c]:-none}"
        expect_eq "matrix: $c's logged-out token is 401" "$AU_401" "$(au_outcome_www)"
        au_me "${AU_TOK[$c]:-none}"
        expect_eq "matrix: $c's other token still works" 200 "$HTTP_STATUS"
    done
}

# ------------------------------------------------------------ login throttling

au_section_throttle() {
    local attacker=203.0.113.7 legit=198.51.100.9 seq="" i ra got hit=""
    echo "  -- login throttling"
    au_create_user thrv "e2e.thr-victim-$AU_RUN" "pw-$(au_rand 12)" '["leader"]' null
    au_create_user thro "e2e.thr-other-$AU_RUN" "pw-$(au_rand 12)" '["leader"]' null
    for i in 1 2 3 4 5; do
        au_login "${AU_UNAME[thrv]}" "wrong-$i-$(au_rand 9)" "$attacker"
        seq="$seq $HTTP_STATUS"
    done
    expect_eq "throttle: five wrong passwords in a row are each 401" " 401 401 401 401 401" "$seq"
    au_login "${AU_UNAME[thrv]}" "${AU_PW[thrv]}" "$attacker"
    expect_eq "throttle: the sixth attempt, with the right password, is 429 problem+json" "$(au_problem 429)" "$(au_outcome)"
    expect_eq "throttle: a throttled attempt gives no token" "" "$AU_TOKEN"
    expect_match "throttle: 429 carries Retry-After in whole seconds > 0" '^[1-9][0-9]*$' "$(header Retry-After)"
    au_login "${AU_UNAME[thrv]}" "wrong-7-$(au_rand 9)" "$attacker"
    expect_eq "throttle: the seventh attempt (wrong password) is 429 too" 429 "$HTTP_STATUS"
    ra=$(header Retry-After)
    expect_match "throttle: its Retry-After is whole seconds > 0" '^[1-9][0-9]*$' "$ra"

    au_login "${AU_UNAME[thro]}" "${AU_PW[thro]}" "$legit"
    expect_eq "throttle: another user from another address logs in" 200 "$HTTP_STATUS"
    au_login "${AU_UNAME[thrv]}" "${AU_PW[thrv]}" "$legit"
    expect_eq "throttle: the attacked username logs in from another address" 200 "$HTTP_STATUS"
    au_login admin "$LOA_ADMIN_PASSWORD"
    expect_eq "throttle: the admin logs in (no forwarded address) meanwhile" 200 "$HTTP_STATUS"

    case $ra in
    [1-9] | [1-2][0-9] | 30)
        sleep $((ra + 1))
        au_login "${AU_UNAME[thrv]}" "${AU_PW[thrv]}" "$attacker"
        expect_eq "throttle: after Retry-After ($ra s) the right password works again from that address" 200 "$HTTP_STATUS"
        ;;
    *) echo "  (Retry-After [$ra]: not waiting it out)" ;;
    esac

    # Per address: many usernames from one address are throttled too
    # (within 50 failures), and other addresses are not affected.
    for i in $(seq 50); do
        au_login "e2e.nobody$i-$AU_RUN" "wrong-$(au_rand 9)" 203.0.113.99
        if [ "$HTTP_STATUS" = 429 ]; then
            hit=$i
            break
        fi
        [ "$HTTP_STATUS" = 401 ] || break
    done
    if [ -n "$hit" ]; then
        pass "throttle: failures for many usernames from one address end in 429 (at attempt $hit)"
    else
        fail "throttle: failures for many usernames from one address end in 429" "none within 50 (last $HTTP_STATUS at $i)"
    fi
    expect_match "throttle: the per-address 429 carries Retry-After" '^[1-9][0-9]*$' "$(header Retry-After)"
    au_login "${AU_UNAME[thro]}" "${AU_PW[thro]}" 198.51.100.10
    got=$HTTP_STATUS
    expect_eq "throttle: a user from a third address is not affected" 200 "$got"

    # Per account: wrong passwords for one username from 30 addresses (each
    # under its own limits) are throttled from the 21st on.
    au_create_user thra "e2e.thr-account-$AU_RUN" "pw-$(au_rand 12)" '["leader"]' null
    seq=""
    for i in $(seq 30); do
        au_login "${AU_UNAME[thra]}" "wrong-$(au_rand 9)" "192.0.2.$i"
        seq="$seq $HTTP_STATUS"
    done
    expect_eq "throttle: one account, 30 addresses: 20 wrong passwords are checked, then 429" \
        "$(printf ' 401%.0s' $(seq 20))$(printf ' 429%.0s' $(seq 10))" "$seq"

    # A successful login forgives its address's failures for that account
    # (issue 20): five rounds of four wrong passwords and the right one
    # from one address are never throttled (the account's and the
    # address's counts would reach 20 otherwise), while two failures from
    # another address stay counted on the account.
    au_create_user thrf "e2e.thr-forgive-$AU_RUN" "pw-$(au_rand 12)" '["leader"]' null
    local name_f=${AU_UNAME[thrf]} _round
    name_f=${name_f,,}
    au_login "$name_f" "wrong-$(au_rand 9)" 198.51.100.61
    au_login "$name_f" "wrong-$(au_rand 9)" 198.51.100.61
    seq=""
    for _round in 1 2 3 4 5 6; do
        for i in 1 2 3 4; do
            au_login "$name_f" "wrong-$(au_rand 9)" 198.51.100.60
            seq="$seq $HTTP_STATUS"
        done
        au_login "$name_f" "${AU_PW[thrf]}" 198.51.100.60
        seq="$seq $HTTP_STATUS"
    done
    expect_eq "throttle: six rounds of four wrong passwords and the right one from one address: never 429" \
        "$(printf ' 401 401 401 401 200%.0s' $(seq 6))" "$seq"
    expect_eq "throttle: after a success, no count is left for that username from that address" "" \
        "$(au_psql "SELECT failures FROM gateway.login_throttle WHERE key = 'user:$name_f|198.51.100.60'")"
    expect_eq "throttle: ... nor for the address" 0 \
        "$(au_psql "SELECT coalesce((SELECT failures FROM gateway.login_throttle WHERE key = 'addr:198.51.100.60'), 0)")"
    expect_eq "throttle: ... while the account keeps the two failures from another address" 2 \
        "$(au_psql "SELECT failures FROM gateway.login_throttle WHERE key = 'account:$name_f'")"

    # IPv6 addresses count by their /64: 25 addresses of one /64, many
    # usernames, are throttled like one address; another /64 is not.
    hit=""
    for i in $(seq 25); do
        au_login "e2e.v6-$i-$AU_RUN" "wrong-$(au_rand 9)" "2001:db8:77:1::$i"
        if [ "$HTTP_STATUS" = 429 ]; then
            hit=$i
            break
        fi
    done
    expect_eq "throttle: 20 failures from addresses of one IPv6 /64, then 429" 21 "${hit:-none}"
    au_login "${AU_UNAME[thro]}" "${AU_PW[thro]}" "2001:db8:77:2::1"
    expect_eq "throttle: another /64 is not affected" 200 "$HTTP_STATUS"

    # Parallel guesses: checked and counted in one statement, so that 40 at
    # once for one username from one address pass the limit (5) no more
    # than one at a time would.
    au_create_user thrp "e2e.thr-parallel-$AU_RUN" "pw-$(au_rand 12)" '["leader"]' null
    local body
    body=$(jq -nc --arg u "${AU_UNAME[thrp]}" '{username: $u, password: "sai-song-song-1"}')
    local pids=()
    for i in $(seq 40); do
        curl -s -o "$AU_DIR/parallel.$i" -w '%{http_code}\n' --max-time 120 -H 'Content-Type: application/json' \
            -H 'X-Forwarded-For: 198.51.100.88' --data-binary "$body" "$GW/api/v1/auth/login" >"$AU_DIR/parallel.$i.code" &
        pids+=($!)
    done
    wait "${pids[@]}"
    cat "$AU_DIR"/parallel.*.code >"$AU_DIR/parallel.txt"
    expect_eq "throttle: 40 parallel wrong passwords: 5 checked (401), 35 refused (429)" "5 35" \
        "$(grep -c '^401$' "$AU_DIR/parallel.txt") $(grep -c '^429$' "$AU_DIR/parallel.txt")"
}

# ------------------------------------------------------------ one's own password

au_section_password() {
    local t1 t2 np np2 seq="" i
    # Its own client address, so that its failures count apart from the
    # other sections'.
    AU_PW_XFF="X-Forwarded-For: 198.51.100.77"
    echo "  -- a staff member changes their own password"
    au_create_user pw "e2e.own-pw-$AU_RUN" "pw-$(au_rand 12)" '["editor"]' null
    au_login "${AU_UNAME[pw]}" "${AU_PW[pw]}"
    t1=$AU_TOKEN
    au_login "${AU_UNAME[pw]}" "${AU_PW[pw]}"
    t2=$AU_TOKEN
    np="Mật khẩu mới $(au_rand 9)"
    au_secret "$np" "new password of ${AU_UNAME[pw]}"
    au_json POST /api/v1/auth/password '{"current_password": "x"}' -H "$(au_bearer "$t1")" -H "$AU_PW_XFF"
    expect_eq "password: new_password missing is 400 naming it" "400 true" "$(au_names new_password)"
    au_json POST /api/v1/auth/password "$(jq -nc --arg c "${AU_PW[pw]}" '{current_password: $c, new_password: "ngắn"}')" \
        -H "$(au_bearer "$t1")" -H "$AU_PW_XFF"
    expect_eq "password: a new password under 10 characters is 422 naming new_password" "422 true" "$(au_names new_password)"
    au_json POST /api/v1/auth/password "$(jq -nc --arg c "${AU_PW[pw]}" '{current_password: $c, new_password: $c}')" \
        -H "$(au_bearer "$t1")" -H "$AU_PW_XFF"
    expect_eq "password: the same password again is 422 naming new_password" "422 true" "$(au_names new_password)"
    au_json POST /api/v1/auth/password "$(jq -nc --arg n "$np" '{current_password: "sai-mat-khau-1", new_password: $n}')" \
        -H "$(au_bearer "$t1")" -H "$AU_PW_XFF"
    expect_eq "password: a wrong current password is 422 naming current_password" "422 true" "$(au_names current_password)"
    au_json POST /api/v1/auth/password "$(jq -nc --arg n "$np" '{current_password: "x", new_password: $n}')"
    expect_eq "password: without a token, 401" "$AU_401" "$(au_outcome_www)"
    au_json POST /api/v1/auth/password "$(jq -nc --arg c "${AU_PW[pw]}" --arg n "$np" '{current_password: $c, new_password: $n}')" \
        -H "$(au_bearer "$t1")" -H "$AU_PW_XFF"
    expect_eq "password: the right current password and a good new one: 204" 204 "$HTTP_STATUS"
    au_me "$t1"
    expect_eq "password: the session that changed it goes on" 200 "$HTTP_STATUS"
    au_me "$t2"
    expect_eq "password: every other session of the user has ended" "$AU_401" "$(au_outcome_www)"
    au_login "${AU_UNAME[pw]}" "${AU_PW[pw]}"
    expect_eq "password: the old password no longer logs in" 401 "$HTTP_STATUS"
    au_login "${AU_UNAME[pw]}" "$np"
    expect_eq "password: the new one does" 200 "$HTTP_STATUS"
    expect_eq "password: the stored hash is argon2id, not the password" "1 0" \
        "$(au_psql "SELECT count(*) FROM gateway.users WHERE id = ${AU_UID[pw]:-0} AND password_hash LIKE '\$argon2id\$%'") $(au_psql "SELECT count(*) FROM gateway.users WHERE strpos(password_hash, '$np') > 0")"
    # A stolen session cannot guess the current password: wrong ones count
    # in the login throttle (5 for a username from one address).
    np2="Mật khẩu khác $(au_rand 9)"
    for i in 1 2 3 4 5 6; do
        au_json POST /api/v1/auth/password "$(jq -nc --arg c "doan-sai-$i-$(au_rand 6)" --arg n "$np2" '{current_password: $c, new_password: $n}')" \
            -H "$(au_bearer "$t1")" -H "$AU_PW_XFF"
        seq="$seq $HTTP_STATUS"
    done
    expect_eq "password: wrong current passwords are throttled like logins (5 then 429)" " 422 422 422 422 422 429" "$seq"
    expect_match "password: the 429 carries Retry-After" '^[1-9][0-9]*$' "$(header Retry-After)"
    au_json POST /api/v1/api-keys '{"name": "khóa thử đổi mật khẩu", "kind": "broadcaster"}' -H "$(au_bearer "$AU_ADMIN_TOK")"
    local key
    key=$(au_jq '.api_key // empty')
    au_secret "$key" "key for the password check" "$AU_LAST"
    au_json POST /api/v1/auth/password '{"current_password": "x", "new_password": "yyyyyyyyyyyy"}' -H "X-Api-Key: $key"
    expect_eq "password: an API key cannot change a password (403)" "$AU_403" "$(au_outcome)"
}

# ------------------------------------------------------------ trusted proxies

# LOA_TRUSTED_PROXIES: X-Forwarded-For is believed from the operator's
# proxies only (here 127.0.0.1); a client reaching the gateway directly
# (127.0.0.2) cannot pick its address, so it cannot escape the throttle.
au_section_proxies() {
    local seq="" i
    echo "  -- trusted proxies (LOA_TRUSTED_PROXIES=127.0.0.1, LOA_TRUST_PROXY=0)"
    au_create_user prx "e2e.proxy-$AU_RUN" "pw-$(au_rand 12)" '["leader"]' null
    stack_stop gateway
    LOA_TRUST_PROXY=0 LOA_TRUSTED_PROXIES="127.0.0.1/32, 2001:db8::/32" stack_start gateway
    if stack_wait_ready; then pass "proxies: the gateway restarts with LOA_TRUSTED_PROXIES"; else fail "proxies: the gateway restarts with LOA_TRUSTED_PROXIES"; fi
    local body
    for i in 1 2 3 4 5 6; do
        body=$(jq -nc --arg u "${AU_UNAME[prx]}" --arg p "wrong-$i-$(au_rand 6)" '{username: $u, password: $p}')
        seq="$seq $(curl -s -o /dev/null -w '%{http_code}' --max-time 30 --interface 127.0.0.2 \
            -H 'Content-Type: application/json' -H "X-Forwarded-For: 198.18.0.$i" --data-binary "$body" \
            "$GW/api/v1/auth/login")"
    done
    expect_eq "proxies: forged X-Forwarded-For from a direct client (127.0.0.2) is not believed: 5 wrong, then 429" \
        " 401 401 401 401 401 429" "$seq"
    seq=""
    for i in 1 2 3 4 5 6; do
        body=$(jq -nc --arg u "${AU_UNAME[prx]}" --arg p "wrong-$i-$(au_rand 6)" '{username: $u, password: $p}')
        seq="$seq $(curl -s -o /dev/null -w '%{http_code}' --max-time 30 --interface 127.0.0.1 \
            -H 'Content-Type: application/json' -H "X-Forwarded-For: 198.18.1.$i" --data-binary "$body" \
            "$GW/api/v1/auth/login")"
    done
    expect_eq "proxies: through the trusted proxy (127.0.0.1) each forwarded client counts apart" \
        " 401 401 401 401 401 401" "$seq"
    stack_stop gateway
    stack_start gateway
    if stack_wait_ready; then pass "proxies: the gateway restarts as before"; else fail "proxies: the gateway restarts as before"; fi
}

# ------------------------------------------------------------ session expiry

au_section_expiry() {
    local before t exp left
    before=$(declare -p LOA_SESSION_TTL_S 2>/dev/null || echo unset)
    echo "  -- session expiry (LOA_SESSION_TTL_S=2)"
    au_create_user exp "e2e.expiry-$AU_RUN" "pw-$(au_rand 12)" '["leader"]' null
    stack_stop gateway
    LOA_SESSION_TTL_S=2 stack_start gateway
    if stack_wait_ready; then pass "expiry: the gateway restarts with LOA_SESSION_TTL_S=2"; else fail "expiry: the gateway restarts with LOA_SESSION_TTL_S=2"; fi
    expect_eq "expiry: LOA_SESSION_TTL_S is not left set in the test shell" "$before" \
        "$(declare -p LOA_SESSION_TTL_S 2>/dev/null || echo unset)"
    [ "$before" != unset ] || unset LOA_SESSION_TTL_S
    au_login "${AU_UNAME[exp]}" "${AU_PW[exp]}"
    t=$AU_TOKEN
    exp=$(au_jq '.expires_at // empty')
    left=$(($(au_epoch "$exp" || echo 0) - $(date +%s)))
    if [ "$left" -ge 0 ] && [ "$left" -le 3 ]; then
        pass "expiry: expires_at is 2 s away"
    else
        fail "expiry: expires_at is 2 s away" "$left s ($exp)"
    fi
    au_me "$t"
    expect_eq "expiry: the fresh token works" 200 "$HTTP_STATUS"
    sleep 3
    au_me "$t"
    expect_eq "expiry: after 3 s the token is 401" "$AU_401" "$(au_outcome_www)"

    # Idle sessions end (LOA_SESSION_IDLE_S), and old rows are swept
    # (LOA_AUTH_SWEEP_S): a session a day past its end, a throttle row a
    # day past its last failure.
    echo "  -- idle sessions (LOA_SESSION_IDLE_S=4) and the sweep (LOA_AUTH_SWEEP_S=1)"
    stack_stop gateway
    LOA_SESSION_IDLE_S=4 LOA_AUTH_SWEEP_S=1 stack_start gateway
    if stack_wait_ready; then pass "idle: the gateway restarts with LOA_SESSION_IDLE_S=4"; else fail "idle: the gateway restarts with LOA_SESSION_IDLE_S=4"; fi
    [ "$before" != unset ] || unset LOA_SESSION_IDLE_S LOA_AUTH_SWEEP_S
    au_login "${AU_UNAME[exp]}" "${AU_PW[exp]}"
    t=$AU_TOKEN
    local seq=""
    for _ in 1 2 3; do
        sleep 2
        au_me "$t"
        seq="$seq $HTTP_STATUS"
    done
    expect_eq "idle: a session used every 2 s lives past 4 s" " 200 200 200" "$seq"
    sleep 6
    au_me "$t"
    expect_eq "idle: after 6 s without use it is 401" "$AU_401" "$(au_outcome_www)"
    au_psql "INSERT INTO gateway.sessions (token_hash, user_id, expires_at) VALUES (sha256('e2e-sweep-$AU_RUN'), ${AU_UID[exp]:-0}, now() - interval '3 days')" >/dev/null
    au_psql "INSERT INTO gateway.login_throttle VALUES ('addr:e2e-sweep-$AU_RUN', 2, now() - interval '3 days', NULL)" >/dev/null
    au_swept() {
        [ "$(au_psql "SELECT (SELECT count(*) FROM gateway.sessions WHERE token_hash = sha256('e2e-sweep-$AU_RUN')) + (SELECT count(*) FROM gateway.login_throttle WHERE key = 'addr:e2e-sweep-$AU_RUN')")" = 0 ]
    }
    if wait_until 15 au_swept; then
        pass "sweep: a session three days past its end and an old throttle row are deleted"
    else
        fail "sweep: a session three days past its end and an old throttle row are deleted" "still there"
    fi

    stack_stop gateway
    stack_start gateway
    if stack_wait_ready; then pass "expiry: the gateway restarts normally"; else fail "expiry: the gateway restarts normally"; fi
    au_login "${AU_UNAME[exp]}" "${AU_PW[exp]}"
    left=$(($(au_epoch "$(au_jq '.expires_at // empty')" || echo 0) - $(date +%s)))
    if [ "$left" -ge $((AU_TTL - 120)) ] && [ "$left" -le $((AU_TTL + 120)) ]; then
        pass "expiry: after the normal restart sessions last LOA_SESSION_TTL_S again"
    else
        fail "expiry: after the normal restart sessions last LOA_SESSION_TTL_S again" "$left s"
    fi
    au_me "$AU_ADMIN_TOK"
    expect_eq "expiry: the admin's session survives the restarts" 200 "$HTTP_STATUS"
}

# ------------------------------------------------------------ secrets never leak

au_psql() { "$PG_BIN/psql" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d loa -tAc "$1" 2>&1; }

au_section_secrets() {
    local i s owner f hits logs=() leaks n hex dump
    echo "  -- secrets never leak"
    n=${#AU_SEC_VAL[@]}
    if [ "$n" -ge 20 ]; then pass "secrets: $n secrets collected to look for"; else fail "secrets: secrets collected" "only $n"; fi
    for f in "$STACK_DIR"/logs/*.log "$STACK_DIR/postgresql.log"; do [ -f "$f" ] && logs+=("$f"); done

    # Logs: no password, token or key at all; no password hash either.
    leaks=""
    for i in "${!AU_SEC_VAL[@]}"; do
        s=${AU_SEC_VAL[$i]}
        hits=$(grep -lF -- "$s" "${logs[@]}" 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
        [ -z "$hits" ] || leaks="$leaks; ${AU_SEC_WHAT[$i]} in $hits"
    done
    expect_eq "secrets: no password, token or API key in any log (${#logs[@]} files)" "" "${leaks#; }"
    hits=$(grep -lF -- '$argon2' "${logs[@]}" 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
    expect_eq "secrets: no password hash in any log" "" "$hits"

    # Responses: a token or key only in the answer that issued it; a
    # password never; no hash ever.
    leaks=""
    for i in "${!AU_SEC_VAL[@]}"; do
        s=${AU_SEC_VAL[$i]}
        owner=${AU_SEC_OWNER[$i]}
        while read -r f; do
            [ -z "$f" ] || [ "$f" = "$owner" ] || leaks="$leaks; ${AU_SEC_WHAT[$i]} in $(basename "$f")"
        done <<<"$(grep -rlF -- "$s" "$AU_DIR/resp" 2>/dev/null)"
    done
    expect_eq "secrets: no password in any response, no token or key outside the answer that issued it ($AU_N responses)" "" "${leaks#; }"
    hits=$(grep -rlF -- '$argon2' "$AU_DIR/resp" 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
    expect_eq "secrets: no password hash in any response" "" "$hits"

    # The database: argon2id hashes, hashed tokens and keys.
    expect_eq "db: gateway.users, gateway.sessions and gateway.api_keys exist" "gateway.users gateway.sessions gateway.api_keys" \
        "$(au_psql "SELECT concat_ws(' ', to_regclass('gateway.users'), to_regclass('gateway.sessions'), to_regclass('gateway.api_keys'))")"
    expect_eq "db: every stored password is an argon2id hash" "0" \
        "$(au_psql "SELECT count(*) FROM gateway.users WHERE password_hash NOT LIKE '\$argon2id\$%'")"
    expect_eq "db: the test's users are stored" "true" \
        "$(au_psql "SELECT (count(*) >= 15)::text FROM gateway.users WHERE password_hash LIKE '\$argon2id\$%'")"
    expect_eq "db: sessions are stored" "true" "$(au_psql "SELECT (count(*) >= 10)::text FROM gateway.sessions")"
    expect_eq "db: API keys are stored" "true" "$(au_psql "SELECT (count(*) >= 9)::text FROM gateway.api_keys")"
    dump=$AU_DIR/db.sql
    if "$PG_BIN/pg_dump" -h 127.0.0.1 -p "$LOA_PG_PORT" -U loa -d loa --data-only >"$dump" 2>"$AU_DIR/pg_dump.err"; then
        pass "db: pg_dump of the whole database"
    else
        fail "db: pg_dump of the whole database" "$(head -2 "$AU_DIR/pg_dump.err")"
    fi
    leaks=""
    for i in "${!AU_SEC_VAL[@]}"; do
        s=${AU_SEC_VAL[$i]}
        hex=$(printf '%s' "$s" | od -An -tx1 | tr -d ' \n')
        if grep -qF -- "$s" "$dump" || grep -qiF -- "$hex" "$dump"; then leaks="$leaks; ${AU_SEC_WHAT[$i]}"; fi
    done
    expect_eq "db: no password, token or key in plain text (or as hex bytes) anywhere in the database" "" "${leaks#; }"
    # A session row never holds the token itself, whatever the column.
    leaks=0
    for i in "${!AU_SEC_VAL[@]}"; do
        case ${AU_SEC_WHAT[$i]} in "token of "*) ;; *) continue ;; esac
        s=${AU_SEC_VAL[$i]}
        n=$(au_psql "SELECT count(*) FROM gateway.sessions s WHERE s.token_hash = convert_to('$s', 'UTF8') OR strpos(s::text, '$s') > 0")
        [ "$n" = 0 ] || leaks=$((leaks + 1))
    done
    expect_eq "db: no session row contains a token" 0 "$leaks"
    leaks=0
    for i in "${!AU_SEC_VAL[@]}"; do
        case ${AU_SEC_WHAT[$i]} in *key*) ;; *) continue ;; esac
        s=${AU_SEC_VAL[$i]}
        n=$(au_psql "SELECT count(*) FROM gateway.api_keys k WHERE k.key_hash = convert_to('$s', 'UTF8') OR strpos(k::text, '$s') > 0")
        [ "$n" = 0 ] || leaks=$((leaks + 1))
    done
    expect_eq "db: no api_keys row contains a key" 0 "$leaks"
}

# ------------------------------------------------------------ run

declare -gA AU_KEYVAL=()
au_section_login
if [ -n "${AU_ADMIN_TOK:-}" ]; then
    au_section_users
    au_section_keys
    au_section_matrix
    au_section_throttle
    au_section_password
    au_section_proxies
    au_section_expiry
fi
au_section_secrets
