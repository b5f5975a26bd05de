# Idempotency-Key on routes that create (docs/api/conventions.md): a repeat gets
# the first reply and creates nothing; the key reused for another request is
# refused naming the header; a bad key is refused; keys are per caller.
# shellcheck shell=bash

ID_TOK=$(admin_token)
ID_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n' | tr '[:lower:]' '[:upper:]')
ID_AUTH=(-H "Authorization: Bearer $ID_TOK" -H 'Content-Type: application/json')

http GET '/api/v1/units?per_page=100' -H 'Cache-Control: no-cache'
id_before=$(echo "$HTTP_BODY" | jq .total)
id_body="{\"code\": \"IDEM-$ID_RUN\", \"name\": \"Đơn vị thử khóa lặp\"}"
http POST /api/v1/units "${ID_AUTH[@]}" -H "Idempotency-Key: unit-$ID_RUN" --data-binary "$id_body"
expect_eq "the first create with a key is 201" 201 "$HTTP_STATUS"
id_first=$(echo "$HTTP_BODY" | jq .id)
id_loc=$(header Location)
http POST /api/v1/units "${ID_AUTH[@]}" -H "Idempotency-Key: unit-$ID_RUN" --data-binary "$id_body"
expect_eq "the repeat answers the same 201, same id, same Location" "201 $id_first $id_loc" \
    "$HTTP_STATUS $(echo "$HTTP_BODY" | jq .id) $(header Location)"
http GET '/api/v1/units?per_page=100' -H 'Cache-Control: no-cache'
expect_eq "the repeat created nothing" "$((id_before + 1))" "$(echo "$HTTP_BODY" | jq .total)"

http POST /api/v1/units "${ID_AUTH[@]}" -H "Idempotency-Key: unit-$ID_RUN" \
    --data-binary "{\"code\": \"IDEM2-$ID_RUN\", \"name\": \"Khác\"}"
expect_eq "the key reused for another request is 422 naming it" "422 Idempotency-Key" \
    "$HTTP_STATUS $(echo "$HTTP_BODY" | jq -r '.errors[0].field')"
http POST /api/v1/units "${ID_AUTH[@]}" -H "Idempotency-Key: has space" \
    --data-binary "{\"code\": \"IDEM3-$ID_RUN\", \"name\": \"Khác\"}"
expect_eq "a key with a space is 422 naming it" "422 Idempotency-Key" \
    "$HTTP_STATUS $(echo "$HTTP_BODY" | jq -r '.errors[0].field')"
http POST /api/v1/units "${ID_AUTH[@]}" --data-binary "{\"code\": \"IDEM-$ID_RUN\", \"name\": \"Lặp\"}"
expect_eq "without a key the same create is a conflict, as before" 409 "$HTTP_STATUS"
