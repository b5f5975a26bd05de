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
