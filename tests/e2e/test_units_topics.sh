# The slice: units and topics from PostgreSQL through content-svc and the gateway.
# shellcheck shell=bash

http GET /api/v1/topics
expect_eq "topics answer 200" 200 "$HTTP_STATUS"
expect_eq "topics are JSON" "application/json; charset=utf-8" "$(header Content-Type)"
expect_eq "topics list has page, per_page and total" "true" "$(echo "$HTTP_BODY" | jq '(.page==1) and (.per_page|type=="number") and (.total==(.items|length))')"
expect_eq "the plan's nine CCHC topics are seeded" 9 "$(echo "$HTTP_BODY" | jq '[.items[] | select(.is_cchc)] | length')"
expect_eq "topics carry id, code, name, is_cchc" "id,code,name,is_cchc" "$(echo "$HTTP_BODY" | jq -r '.items[0] | keys_unsorted | join(",")')"
expect_eq "topic names are Vietnamese with diacritics (UTF-8)" "true" \
    "$(echo "$HTTP_BODY" | jq '[.items[].name] | any(. == "Mô hình, sáng kiến, điển hình tốt trong cải cách hành chính")')"
etag=$(header ETag)
expect_match "topics send a strong ETag" '^"[0-9a-f]{16}"$' "$etag"
expect_eq "topics are cacheable with revalidation" "public, no-cache" "$(header Cache-Control)"
http GET /api/v1/topics -H "If-None-Match: $etag"
expect_eq "If-None-Match with the ETag gives 304" 304 "$HTTP_STATUS"
expect_eq "304 has no body" "" "$HTTP_BODY"
expect_eq "304 repeats the ETag" "$etag" "$(header ETag)"
http GET /api/v1/topics -H 'If-None-Match: "0000000000000000"'
expect_eq "another ETag gives 200" 200 "$HTTP_STATUS"
http GET '/api/v1/topics?page=2&per_page=5'
expect_eq "topics paginate" "2 5 5 12" "$(echo "$HTTP_BODY" | jq -r '"\(.page) \(.per_page) \(.items|length) \(.total)"')"
http HEAD /api/v1/topics
expect_eq "HEAD of a GET route answers 200" 200 "$HTTP_STATUS"

http GET /api/v1/units
expect_eq "units answer 200" 200 "$HTTP_STATUS"
expect_eq "units carry id, code, name, description, is_active" "true" \
    "$(echo "$HTTP_BODY" | jq '.items[0] | has("id") and has("code") and has("name") and has("description") and has("is_active")')"
for name in "Văn phòng Sở" "Thanh tra Sở" "Phòng Đăng ký kinh doanh"; do
    expect_eq "unit $name is seeded" true "$(echo "$HTTP_BODY" | jq --arg n "$name" '[.items[].name] | index($n) != null')"
done
units_etag=$(header ETag)
first_id=$(echo "$HTTP_BODY" | jq '.items[0].id')
http GET "/api/v1/units/$first_id"
expect_eq "one unit by id" "200 $first_id" "$HTTP_STATUS $(echo "$HTTP_BODY" | jq .id)"
http GET /api/v1/units/999999
expect_eq "an unknown unit is 404" 404 "$HTTP_STATUS"
http GET /api/v1/units/abc
expect_eq "a unit id that is not a number is 400 naming id" "400 id" "$HTTP_STATUS $(echo "$HTTP_BODY" | jq -r '.errors[0].field')"

http POST /api/v1/units -H 'Content-Type: application/json' --data-binary '{"code": "NEW", "name": "Phòng mới"}'
expect_eq "creating a unit without credentials is 401" 401 "$HTTP_STATUS"

# Through RPC as an admin (the gateway has no accounts until the auth issue).
rpc_admin() { "$BUILD/loa-rpc" --roles admin --user-id 1 "$@"; }
out=$(rpc_admin --in loa.content.CreateUnitRequest --out loa.content.Unit "$LOA_CONTENT_RPC" units.create \
    '{"code": "E2E-A", "name": "Phòng Thử nghiệm Đặc biệt", "description": "tạo bởi kiểm thử"}')
expect_eq "units.create stores the unit" "Phòng Thử nghiệm Đặc biệt" "$(echo "$out" | jq -r .name)"
out=$(rpc_admin --in loa.content.CreateUnitRequest "$LOA_CONTENT_RPC" units.create '{"code": "E2E-A", "name": "Trùng mã"}')
expect_eq "a duplicate code is a conflict" conflict "$(echo "$out" | jq -r .status)"
out=$(rpc_admin --in loa.content.CreateUnitRequest "$LOA_CONTENT_RPC" units.create '{"code": "bad code", "name": ""}')
expect_eq "invalid fields are named" "code,name" "$(echo "$out" | jq -r '[.field_errors[].field] | join(",")')"
out=$("$BUILD/loa-rpc" --roles editor --user-id 5 --in loa.content.CreateUnitRequest "$LOA_CONTENT_RPC" units.create '{"code": "E2E-X", "name": "X"}')
expect_eq "an editor may not create units (checked by the service)" forbidden "$(echo "$out" | jq -r .status)"
units_list_has() { http GET /api/v1/units; echo "$HTTP_BODY" | jq -e --arg c "$1" '[.items[].code] | index($c) != null' >/dev/null; }
if wait_until 5 units_list_has E2E-A; then pass "the new unit is listed by the gateway"; else fail "the new unit is listed by the gateway"; fi
expect_eq "the units ETag changed with the data" true "$([ "$(header ETag)" != "$units_etag" ] && echo true || echo false)"

# A page past the end: no items, the true total (and no leak: LSan checks the
# service's exit).
http GET '/api/v1/units?page=999' -H 'Cache-Control: no-cache'
expect_eq "a page of units past the end is empty with the total" "200 0 true" \
    "$HTTP_STATUS $(echo "$HTTP_BODY" | jq '.items | length') $(echo "$HTTP_BODY" | jq '.total > 0')"
http GET '/api/v1/topics?page=999' -H 'Cache-Control: no-cache'
expect_eq "a page of topics past the end is empty with the total" "200 0 12" \
    "$HTTP_STATUS $(echo "$HTTP_BODY" | jq '.items | length') $(echo "$HTTP_BODY" | jq '.total')"
