# Open311 GeoReport v2 at /open311/v2/ (docs/api/open311.md): discovery, services and
# their definitions in XML and JSON, POST requests with an api_key and a
# form-urlencoded body, GET requests and requests/{id}, the spec's errors,
# UTF-8 both ways, no personal data in any answer, JSON answers checked
# against the Open311 schemas (tests/e2e/open311/), XML with xmllint, and a
# request followed through the feedback workflow until it is closed.
# Sourced by tests/run.sh (one shell): every name here starts with o3_ / O3_.
# shellcheck shell=bash
# shellcheck disable=SC2016 # jq programs use $variables in single quotes

O3_RUN=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
O3_ADMIN=$(admin_token)
[ -n "$O3_ADMIN" ] || fail "open311: the admin logs in" "no token: the keys below will be missing"
O3_PY=/usr/bin/python3
[ -x "$O3_PY" ] || O3_PY=python3
O3_XFF=0 # POSTs come from 203.0.113.1, .2, ... (a throttle per address never trips)
O3_CODE_RE='^PAKN\.[0-9]{8}\.[0-9A-HJKMNP-TV-Z]{6}$'
O3_TZ_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'

o3_jq() { printf '%s' "$HTTP_BODY" | jq "$@"; }
# o3_xpath EXPR: the string value of an XPath expression on the last XML answer.
o3_xpath() { printf '%s' "$HTTP_BODY" | xmllint --xpath "$1" - 2>/dev/null; }
o3_xml_ok() {
    local err
    if err=$(printf '%s' "$HTTP_BODY" | xmllint --noout - 2>&1); then pass "$1"; else fail "$1" "$err"; fi
}
# o3_schema NAME SCHEMA: the last JSON answer is valid against tests/e2e/open311/SCHEMA.
o3_schema() {
    local err
    if err=$(printf '%s' "$HTTP_BODY" | "$O3_PY" tests/e2e/validate.py "tests/e2e/open311/$2" 2>&1); then
        pass "$1"
    else
        fail "$1" "$(printf '%s' "$err" | head -5)"
    fi
}
# o3_post FORMAT FIELD=VALUE...: POST requests.FORMAT, each pair url-encoded,
# from a client address of its own.
o3_post() {
    local format=$1 args=() kv
    shift
    O3_XFF=$((O3_XFF + 1))
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    http POST "/open311/v2/requests.$format" -H "X-Forwarded-For: 203.0.113.$O3_XFF" "${args[@]}"
}
# o3_raw FORMAT BODY [curl args]: POST requests.FORMAT with BODY as it is.
o3_raw() {
    local format=$1 body=$2
    shift 2
    O3_XFF=$((O3_XFF + 1))
    http POST "/open311/v2/requests.$format" -H "X-Forwarded-For: 203.0.113.$O3_XFF" \
        -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "$body" "$@"
}
# "STATUS code|description" of a JSON error answer (the first error).
o3_json_error() { printf '%s %s' "$HTTP_STATUS" "$(o3_jq -r '.[0] | "\(.code)|\(.description)"' 2>/dev/null)"; }
o3_xml_error() { printf '%s %s|%s' "$HTTP_STATUS" "$(o3_xpath 'string(/errors/error[1]/code)')" "$(o3_xpath 'string(/errors/error[1]/description)')"; }
# The descriptions of all errors of a JSON error answer, one line each.
o3_descriptions() { o3_jq -r '.[].description' 2>/dev/null; }

# ------------------------------------------------------------ discovery

http GET /open311/v2/discovery.xml
expect_eq "discovery.xml: 200 text/xml in UTF-8" "200 text/xml; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
o3_xml_ok "discovery.xml: well-formed XML"
expect_eq "discovery.xml: declared UTF-8" '<?xml version="1.0" encoding="UTF-8"?>' "$(printf '%s' "$HTTP_BODY" | head -1)"
expect_eq "discovery.xml: the GeoReport v2 endpoint, its URL from the Host, production" \
    "http://wiki.open311.org/GeoReport_v2|$GW/open311/v2|production" \
    "$(o3_xpath 'string(/discovery/endpoints/endpoint/specification)')|$(o3_xpath 'string(/discovery/endpoints/endpoint/url)')|$(o3_xpath 'string(/discovery/endpoints/endpoint/type)')"
expect_eq "discovery.xml: formats text/xml and application/json" "text/xml application/json" \
    "$(o3_xpath 'string(/discovery/endpoints/endpoint/formats/format[1])') $(o3_xpath 'string(/discovery/endpoints/endpoint/formats/format[2])')"
expect_eq "discovery.xml: changeset, contact and key_service are given" "true true true" \
    "$(o3_xpath 'boolean(string(/discovery/changeset))') $(o3_xpath 'boolean(string(/discovery/contact))') $(o3_xpath 'boolean(string(/discovery/key_service))')"
expect_match "discovery.xml: the contact is Vietnamese" 'Thanh tra Sở Kế hoạch và Đầu tư' "$(o3_xpath 'string(/discovery/contact)')"

http GET /open311/v2/discovery.json
expect_eq "discovery.json: 200 application/json in UTF-8" "200 application/json; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
expect_eq "discovery.json: changeset, contact, key_service, endpoints" "changeset,contact,key_service,endpoints" "$(o3_jq -r 'keys_unsorted | join(",")')"
expect_eq "discovery.json: the endpoint as in XML (Spark convention: formats is an array of strings)" \
    "http://wiki.open311.org/GeoReport_v2|$GW/open311/v2|production|text/xml,application/json|true" \
    "$(o3_jq -r '.endpoints[0] | "\(.specification)|\(.url)|\(.type)|\(.formats | join(","))|\(.changeset | length > 0)"')"
o3_etag=$(header ETag)
expect_match "discovery.json: a strong ETag" '^"[0-9a-f]{16}"$' "$o3_etag"
http GET /open311/v2/discovery.json -H "If-None-Match: $o3_etag"
expect_eq "discovery.json: If-None-Match gives 304" 304 "$HTTP_STATUS"
http GET /open311/v2/discovery.json -H 'Host: open311.skhdt.example.gov.vn'
expect_eq "discovery: the endpoint URL follows the Host the client used" "http://open311.skhdt.example.gov.vn/open311/v2" "$(o3_jq -r '.endpoints[0].url')"
http GET /open311/v2/discovery.json -H 'Host: open311.skhdt.example.gov.vn' -H 'X-Forwarded-Proto: https'
expect_eq "discovery: behind a trusted proxy, X-Forwarded-Proto https gives an https URL" "https://open311.skhdt.example.gov.vn/open311/v2" "$(o3_jq -r '.endpoints[0].url')"
http GET /open311/v2/discovery.json -H 'Host: evil.example"><x'
expect_eq "discovery: a Host that is not a host name is not echoed" "http://localhost/open311/v2" "$(o3_jq -r '.endpoints[0].url')"

http GET /open311/v2/discovery.html
expect_eq "discovery: an unknown format is 404" 404 "$HTTP_STATUS"
o3_xml_ok "discovery: the 404 of an unknown format is XML, the required format"
expect_match "discovery: ... with the spec's error list, naming the format" '^404 404\|.*"html".*xml hoặc json' "$(o3_xml_error)"
http GET /open311/v2/discovery.JSON
expect_eq "discovery: formats are lower case (.JSON is 404)" 404 "$HTTP_STATUS"
http POST /open311/v2/discovery.json
expect_eq "discovery: POST is 405 with Allow" "405 GET, HEAD" "$HTTP_STATUS $(header Allow)"
http HEAD /open311/v2/discovery.xml
expect_eq "discovery: HEAD answers like GET" "200 text/xml; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"

# ------------------------------------------------------------ services

http GET /open311/v2/services.xml
expect_eq "services.xml: 200 text/xml" "200 text/xml; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
o3_xml_ok "services.xml: well-formed XML"
expect_eq "services.xml: two services, report and recommendation" "2 report recommendation" \
    "$(o3_xpath 'count(/services/service)') $(o3_xpath 'string(/services/service[1]/service_code)') $(o3_xpath 'string(/services/service[2]/service_code)')"
expect_eq "services.xml: Vietnamese names, byte for byte" "Phản ánh|Kiến nghị" \
    "$(o3_xpath 'string(/services/service[1]/service_name)')|$(o3_xpath 'string(/services/service[2]/service_name)')"
expect_eq "services.xml: realtime, with metadata (the attributes asked)" "2 2" \
    "$(o3_xpath 'count(/services/service[type="realtime"])') $(o3_xpath 'count(/services/service[metadata="true"])')"
expect_eq "services.xml: description, keywords and group given" "2" \
    "$(o3_xpath 'count(/services/service[string(description) and string(keywords) and string(group)])')"
expect_match "services.xml: the group is Vietnamese" 'Phản ánh, kiến nghị về quy định hành chính' "$(o3_xpath 'string(/services/service[1]/group)')"

http GET /open311/v2/services.json
expect_eq "services.json: 200 application/json" "200 application/json; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
o3_schema "services.json: valid against the Open311 services schema" services.json
expect_eq "services.json: the same services as XML" "report|Phản ánh|true|realtime recommendation|Kiến nghị|true|realtime" \
    "$(o3_jq -r '[.[] | "\(.service_code)|\(.service_name)|\(.metadata)|\(.type)"] | join(" ")')"
expect_eq "services.json: every field a service has" "service_code,service_name,description,metadata,type,keywords,group" \
    "$(o3_jq -r '.[0] | keys_unsorted | join(",")')"
expect_match "services.json: keywords are comma-separated Vietnamese" '^phản ánh, .*thủ tục hành chính' "$(o3_jq -r '.[0].keywords')"

# ------------------------------------------------------------ service definitions

http GET /open311/v2/services/report.xml
expect_eq "definition report.xml: 200 text/xml" "200 text/xml; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
o3_xml_ok "definition report.xml: well-formed XML"
expect_eq "definition report.xml: service_code and four attributes in order" "report 4 title procedure_code regulation_ref organization" \
    "$(o3_xpath 'string(/service_definition/service_code)') $(o3_xpath 'count(/service_definition/attributes/attribute)') $(for i in 1 2 3 4; do printf '%s ' "$(o3_xpath "string(/service_definition/attributes/attribute[order=$i]/code)")"; done | sed 's/ $//')"
expect_eq "definition report.xml: variable, not required, string or text, with descriptions" "4 4 4 4" \
    "$(o3_xpath 'count(//attribute[variable="true"])') $(o3_xpath 'count(//attribute[required="false"])') $(o3_xpath 'count(//attribute[datatype="string" or datatype="text"])') $(o3_xpath 'count(//attribute[string(description) and string(datatype_description)])')"
expect_eq "definition report.xml: the title attribute in Vietnamese" "Tiêu đề của phản ánh, kiến nghị" \
    "$(o3_xpath 'string(//attribute[code="title"]/description)')"

http GET /open311/v2/services/recommendation.json
expect_eq "definition recommendation.json: 200" 200 "$HTTP_STATUS"
o3_schema "definition recommendation.json: valid against the Open311 service-definition schema" service-definition.json
expect_eq "definition recommendation.json: service_code and attributes" "recommendation title,procedure_code,regulation_ref,organization" \
    "$(o3_jq -r '"\(.service_code) \([.attributes[].code] | join(","))"')"
expect_eq "definition recommendation.json: each attribute's fields" "variable,code,datatype,required,datatype_description,order,description" \
    "$(o3_jq -r '.attributes[0] | keys_unsorted | join(",")')"
expect_eq "definition recommendation.json: orders 1..4" "1 2 3 4" "$(o3_jq -r '[.attributes[].order] | map(tostring) | join(" ")')"

http GET /open311/v2/services/complaint.json
expect_eq "definition: an unknown service is 404 as JSON errors" '404 404|Không có dịch vụ (service_code) "complaint"' "$(o3_json_error)"
expect_eq "definition: the JSON error list is [{code, description}]" "code,description" "$(o3_jq -r '.[0] | keys_unsorted | join(",")')"
http GET /open311/v2/services/complaint.xml
o3_xml_ok "definition: the XML 404 is well-formed"
expect_eq "definition: an unknown service is 404 as XML errors" '404 404|Không có dịch vụ (service_code) "complaint"' "$(o3_xml_error)"
http GET /open311/v2/services/report.yaml
expect_eq "definition: an unknown format is 404" 404 "$HTTP_STATUS"
http GET /open311/v2/services/report
expect_eq "definition: no format at all is 404" 404 "$HTTP_STATUS"

# ------------------------------------------------------------ OpenAPI

http GET /api/v1/openapi.json
expect_eq "openapi: the six Open311 operations, with their ids" \
    "open311.discovery open311.services open311.service_definition open311.requests.create open311.requests.list open311.requests.get" \
    "$(o3_jq -r '[.paths["/open311/v2/discovery.{format}"].get, .paths["/open311/v2/services.{format}"].get, .paths["/open311/v2/services/{service_code}.{format}"].get, .paths["/open311/v2/requests.{format}"].post, .paths["/open311/v2/requests.{format}"].get, .paths["/open311/v2/requests/{service_request_id}.{format}"].get] | map(.operationId // "?") | join(" ")')"
expect_eq "openapi: Open311 answers XML or JSON by {format}, errors as the spec's list (429: the intake throttle)" "xml,json|text/xml,application/json|array|201,429" \
    "$(o3_jq -r '.paths["/open311/v2/requests.{format}"].post | "\(.parameters[0].schema.enum | join(","))|\(.responses["201"].content | keys_unsorted | join(","))|\(.responses.default.content["application/json"].schema.type)|\(.responses | keys | map(select(. != "default")) | join(","))"')"
expect_eq "openapi: the POST body is form-urlencoded with the Open311 fields" "true true true" \
    "$(o3_jq -r '.paths["/open311/v2/requests.{format}"].post.requestBody.content["application/x-www-form-urlencoded"].schema.properties | [has("api_key"), has("address_string"), has("attribute[title]")] | map(tostring) | join(" ")')"
expect_eq "openapi: GET requests lists its query parameters" "format,service_request_id,service_code,status,start_date,end_date,page,page_size" \
    "$(o3_jq -r '[.paths["/open311/v2/requests.{format}"].get.parameters[].name] | join(",")')"

# ------------------------------------------------------------ API keys

o3_key() { # o3_key NAME KIND: a new key in O3_NEW_KEY, its id in O3_NEW_ID
    http POST /api/v1/api-keys -H "Authorization: Bearer $O3_ADMIN" -H 'Content-Type: application/json' \
        --data-binary "$(jq -nc --arg n "$1 $O3_RUN" --arg k "$2" '{name: $n, kind: $k}')"
    O3_NEW_KEY=$(o3_jq -r '.api_key // empty')
    O3_NEW_ID=$(o3_jq -r '.id // 0')
}
o3_key "Ứng dụng Open311 thử nghiệm" open311_client
O3_KEY=$O3_NEW_KEY
expect_match "keys: the admin creates an open311_client key" '^loa_' "$O3_KEY"
o3_key "Đài thử nghiệm" broadcaster
O3_BKEY=$O3_NEW_KEY
o3_key "Ứng dụng Open311 đã thu hồi" open311_client
O3_RKEY=$O3_NEW_KEY
o3_rid=$O3_NEW_ID
http DELETE "/api/v1/api-keys/$o3_rid" -H "Authorization: Bearer $O3_ADMIN"
expect_eq "keys: one open311 key is revoked" 204 "$HTTP_STATUS"

# A valid request's fields (Vietnamese, with line breaks and characters XML escapes).
O3_FIRST="Văn Ánh"
O3_LAST="Nguyễn"
O3_PHONE="0912345678"
O3_EMAIL="nguyen.van.anh.$O3_RUN@example.vn"
O3_ADDR="Số 12 đường Lê Lợi, phường Điện Biên, thành phố Thanh Hóa"
O3_TITLE_LINE="Thủ tục đăng ký thành lập doanh nghiệp: hồ sơ \"trực tuyến\" & giấy tờ <bản sao>"
O3_DESC="$O3_TITLE_LINE
Tôi nộp hồ sơ trên Cổng Dịch vụ công nhưng vẫn bị yêu cầu nộp bản giấy có chứng thực.
Đề nghị Sở hướng dẫn rõ."
o3_valid() { # o3_valid FORMAT [more fields]
    local format=$1
    shift
    o3_post "$format" "api_key=$O3_KEY" service_code=report "first_name=$O3_FIRST" "last_name=$O3_LAST" \
        "phone=$O3_PHONE" "email=$O3_EMAIL" "address_string=$O3_ADDR" "description=$O3_DESC" \
        jurisdiction_id=skhdt.example.gov.vn device_id=abc123 "$@"
}

# ------------------------------------------------------------ POST: refused before feedback-svc

o3_post json service_code=report "first_name=$O3_FIRST" "last_name=$O3_LAST" "phone=$O3_PHONE" "email=$O3_EMAIL" "address_string=$O3_ADDR" "description=$O3_DESC"
expect_eq "POST without api_key: 403 as the spec's JSON error" '403 403|Thiếu api_key: cần khóa API do Sở cấp cho ứng dụng' "$(o3_json_error)"
expect_eq "POST without api_key: application/json" "application/json; charset=utf-8" "$(header Content-Type)"
o3_post xml api_key=loa_not_a_key service_code=report "description=$O3_DESC"
o3_xml_ok "POST with a bad api_key: the XML error is well-formed"
expect_eq "POST with a bad api_key: 403 as the spec's XML error" '403 403|api_key không hợp lệ, đã bị thu hồi hoặc hết hạn' "$(o3_xml_error)"
o3_post json "api_key=$O3_BKEY" service_code=report "description=$O3_DESC"
expect_eq "POST with a broadcaster's key: 403" '403 403|api_key không hợp lệ, đã bị thu hồi hoặc hết hạn' "$(o3_json_error)"
o3_post json "api_key=$O3_RKEY" service_code=report "description=$O3_DESC"
expect_eq "POST with a revoked key: 403" 403 "$HTTP_STATUS"
o3_post json api_key= service_code=report
expect_eq "POST with an empty api_key: 403 (empty is not given)" 403 "$HTTP_STATUS"
O3_XFF=$((O3_XFF + 1))
http POST "/open311/v2/requests.json?api_key=$O3_KEY" -H "X-Forwarded-For: 203.0.113.$O3_XFF" \
    --data-urlencode service_code=report --data-urlencode "description=$O3_DESC"
expect_match "POST with the key in the query (kept by proxies and logs): 400 naming api_key" \
    '^400 400\|api_key: gửi trong nội dung' "$(o3_json_error)"
o3_post json "api_key=$O3_KEY"
expect_eq "POST without service_code: 400 naming it" '400 400|service_code: là bắt buộc (report hoặc recommendation)' "$(o3_json_error)"
o3_post xml "api_key=$O3_KEY" service_code=pothole
expect_eq "POST with an unknown service_code: 404 naming it" '404 404|service_code: không có dịch vụ "pothole"' "$(o3_xml_error)"
O3_XFF=$((O3_XFF + 1))
http POST /open311/v2/requests.json -H "X-Forwarded-For: 203.0.113.$O3_XFF" -H 'Content-Type: application/json' \
    --data-binary "{\"api_key\": \"$O3_KEY\", \"service_code\": \"report\"}"
expect_eq "POST with a JSON body: 400 (the spec's POST is form-urlencoded)" \
    '400 400|Nội dung phải là application/x-www-form-urlencoded; charset=utf-8' "$(o3_json_error)"
http POST /open311/v2/requests.json -H 'Content-Type: application/x-www-form-urlencoded; charset=iso-8859-1' \
    --data-binary "api_key=$O3_KEY&service_code=report"
expect_eq "POST in another charset than UTF-8: 400" 400 "$HTTP_STATUS"
o3_raw json "api_key=$O3_KEY&service_code=report&description=50%+off"
expect_eq "POST with a broken %-escape: 400 naming the field" '400 400|description: có ký tự '"'%'"' không theo sau bởi hai chữ số hệ 16' "$(o3_json_error)"
o3_raw xml "api_key=$O3_KEY&service_code=report&last_name=Nguy%E1%BB&first_name=An"
expect_eq "POST with invalid UTF-8: 400 naming the field" '400 400|last_name: phải là văn bản UTF-8 hợp lệ' "$(o3_xml_error)"
o3_raw json "api_key=$O3_KEY&service_code=report&email=a%00b%40example.vn"
expect_eq "POST with a NUL: 400 naming the field" 400 "$HTTP_STATUS"
expect_match "... naming email" '^email: ' "$(o3_descriptions)"
o3_post json "api_key=$O3_KEY" service_code=report "attribute[category]=x" "attribute[procedure_code][]=1.001612"
expect_eq "POST with attributes not in the definition: 400 naming each" \
    "400|attribute[category]: không có trong định nghĩa dịch vụ|attribute[procedure_code][]: không có trong định nghĩa dịch vụ" \
    "$HTTP_STATUS|$(o3_descriptions | sed 's/ (attribute.*//' | paste -sd'|')"
o3_post json "api_key=$O3_KEY" service_code=report phone=1 phone=2
expect_eq "POST with a field twice: 400 naming it" '400 400|phone: chỉ được gửi một lần' "$(o3_json_error)"
http POST /open311/v2/requests.txt -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "api_key=$O3_KEY"
expect_eq "POST requests.txt: an unknown format is 404" 404 "$HTTP_STATUS"

# ------------------------------------------------------------ GET requests: refused in the gateway

http GET '/open311/v2/requests.json?page_size=1001'
expect_eq "GET requests: page_size over 1000 is 400 naming it" '400 400|page_size: phải là số nguyên từ 1 đến 1000' "$(o3_json_error)"
http GET '/open311/v2/requests.json?start_date=2022-01-01T00:00:00Z&end_date=2022-04-02T00:00:00Z'
expect_match "GET requests: a window over 90 days is 400 naming end_date" '^400 400\|end_date: .*90 ngày' "$(o3_json_error)"
http GET '/open311/v2/requests.xml?start_date=2022-03-01T00:00:00Z&end_date=2022-02-01T00:00:00Z'
expect_match "GET requests: end_date before start_date is 400" '^400 400\|end_date: phải sau start_date' "$(o3_xml_error)"
http GET '/open311/v2/requests.json?start_date=2022-01-01T00:00:00'
expect_match "GET requests: a date-time without a zone is 400 naming start_date" '^400 400\|start_date: .*múi giờ' "$(o3_json_error)"
http GET '/open311/v2/requests.json?status=pending'
expect_match "GET requests: an unknown status is 400" '^400 400\|status: "pending"' "$(o3_json_error)"
http GET '/open311/v2/requests.json?service_code=pothole'
expect_match "GET requests: an unknown service_code is 400" '^400 400\|service_code: ' "$(o3_json_error)"
http GET '/open311/v2/requests.json?service_request_id=PAKN.20220101.ABCDEF,%3Cscript%3E'
expect_match "GET requests: a service_request_id that cannot be a code is 400" '^400 400\|service_request_id: "<script>"' "$(o3_json_error)"
http GET '/open311/v2/requests.json?page=0&page_size=x'
expect_eq "GET requests: every bad parameter is named at once" "400 2" "$HTTP_STATUS $(o3_jq 'length')"
http GET '/open311/v2/requests/%3Cnope%3E.xml'
expect_match "GET requests/{id}: an id that cannot be a code is 404" '^404 404\|Không tìm thấy' "$(o3_xml_error)"
o3_xml_ok "GET requests/{id}: the 404 escapes what it quotes"

# ------------------------------------------------------------ POST and GET through feedback-svc

# Missing personal data: the feedback rules (no anonymous intake), named by their Open311 fields.
o3_post json "api_key=$O3_KEY" service_code=report "first_name=$O3_FIRST" "last_name=$O3_LAST" "email=$O3_EMAIL" "address_string=$O3_ADDR" "description=$O3_DESC"
expect_match "POST without phone: 400 naming phone" '^400 400\|phone: ' "$(o3_json_error)"
o3_post xml "api_key=$O3_KEY" service_code=report "first_name=$O3_FIRST" "last_name=$O3_LAST" "phone=$O3_PHONE" "address_string=$O3_ADDR" "description=$O3_DESC"
expect_match "POST without email: 400 naming email (XML)" '^400 400\|email: ' "$(o3_xml_error)"
o3_post json "api_key=$O3_KEY" service_code=report "phone=$O3_PHONE" "email=$O3_EMAIL" "address_string=$O3_ADDR" "description=$O3_DESC"
expect_match "POST without a name: 400 naming first_name, last_name" '^400 400\|first_name, last_name: ' "$(o3_json_error)"
o3_post json "api_key=$O3_KEY" service_code=report "first_name=$O3_FIRST" "last_name=$O3_LAST" "phone=$O3_PHONE" "email=$O3_EMAIL" "description=$O3_DESC" lat=19.8 long=105.78
expect_match "POST without address_string: 400 naming it" '^400 400\|address_string: ' "$(o3_json_error)"
o3_post json "api_key=$O3_KEY" service_code=report "first_name=$O3_FIRST" "last_name=$O3_LAST" "phone=$O3_PHONE" "email=$O3_EMAIL" "address_string=$O3_ADDR"
expect_match "POST without description: 400 naming description" '^400 400\|description: ' "$(o3_json_error)"
o3_post json "api_key=$O3_KEY" service_code=report
expect_eq "POST with nothing: every missing field named" "400 true" \
    "$HTTP_STATUS $(o3_jq '[.[].description] | (any(test("^phone: ")) and any(test("^email: ")) and any(test("^address_string: ")) and any(test("^first_name, last_name: ")) and any(test("^description: ")))')"

# A valid request in JSON, with attributes.
o3_valid json "attribute[procedure_code]=1.001612" "attribute[regulation_ref]=Điều 23 Nghị định 01/2021/NĐ-CP"
O3_ID_JSON=$(o3_jq -r '.[0].service_request_id // empty' 2>/dev/null)
expect_eq "POST requests.json: 201 JSON" "201 application/json; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
expect_match "POST requests.json: service_request_id is the tracking code" "$O3_CODE_RE" "$O3_ID_JSON"
expect_eq "POST requests.json: [{service_request_id, service_notice, account_id}]" "1 service_request_id,service_notice,account_id" \
    "$(o3_jq -r '"\(length) \(.[0] | keys_unsorted | join(","))"' 2>/dev/null)"
expect_match "POST requests.json: the notice gives the code and the deadline in Vietnamese" \
    "^Đã tiếp nhận phản ánh, kiến nghị với mã ${O3_ID_JSON//./\\.}.*Thời hạn trả lời: ngày [0-9]{2}/[0-9]{2}/[0-9]{4}\.$" "$(o3_jq -r '.[0].service_notice' 2>/dev/null)"
expect_eq "POST requests.json: Location is the request's resource" "/open311/v2/requests/$O3_ID_JSON.json" "$(header Location)"

# The same in XML, with its title given as an attribute.
O3_TITLE_ATTR="Kiến nghị bỏ yêu cầu bản sao có chứng thực 'giấy phép'"
o3_post xml "api_key=$O3_KEY" service_code=recommendation "first_name=Thị Bình" "last_name=Trần" "phone=0987654321" \
    "email=tran.binh.$O3_RUN@example.vn" "address_string=Xã Quảng Tâm, thành phố Thanh Hóa" \
    "description=Đề nghị bỏ yêu cầu nộp bản sao có chứng thực khi đã nộp trực tuyến." "attribute[title]=$O3_TITLE_ATTR" \
    "attribute[organization]=Công ty TNHH Ánh Dương"
expect_eq "POST requests.xml: 201 XML" "201 text/xml; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
o3_xml_ok "POST requests.xml: well-formed XML"
O3_ID_XML=$(o3_xpath 'string(/service_requests/request/service_request_id)')
expect_match "POST requests.xml: service_request_id is the tracking code" "$O3_CODE_RE" "$O3_ID_XML"
expect_match "POST requests.xml: service_notice in Vietnamese" '^Đã tiếp nhận phản ánh, kiến nghị' "$(o3_xpath 'string(/service_requests/request/service_notice)')"
expect_eq "POST requests.xml: Location" "/open311/v2/requests/$O3_ID_XML.xml" "$(header Location)"

# The key may also come as the X-Api-Key header (no api_key field).
O3_XFF=$((O3_XFF + 1))
http POST /open311/v2/requests.json -H "X-Forwarded-For: 203.0.113.$O3_XFF" -H "X-Api-Key: $O3_KEY" \
    --data-urlencode service_code=report --data-urlencode "first_name=$O3_FIRST" --data-urlencode "last_name=$O3_LAST" \
    --data-urlencode "phone=$O3_PHONE" --data-urlencode "email=$O3_EMAIL" --data-urlencode "address_string=$O3_ADDR" \
    --data-urlencode "description=Gửi với khóa trong tiêu đề X-Api-Key"
expect_match "POST with the key in X-Api-Key: 201" "^201 ${O3_CODE_RE#^}" "$HTTP_STATUS $(o3_jq -r '.[0].service_request_id' 2>/dev/null)"
O3_XFF=$((O3_XFF + 1))
http POST /open311/v2/requests.json -H "X-Forwarded-For: 203.0.113.$O3_XFF" -H "X-Api-Key: $O3_BKEY" \
    --data-urlencode "api_key=$O3_KEY" --data-urlencode service_code=recommendation --data-urlencode "first_name=$O3_FIRST" \
    --data-urlencode "last_name=$O3_LAST" --data-urlencode "phone=$O3_PHONE" --data-urlencode "email=$O3_EMAIL" \
    --data-urlencode "address_string=$O3_ADDR" --data-urlencode "description=Khóa api_key trong nội dung được dùng"
expect_eq "POST: the api_key field wins over another kind of key in X-Api-Key" 201 "$HTTP_STATUS"

# GET one request, both formats.
http GET "/open311/v2/requests/$O3_ID_JSON.json"
expect_eq "GET requests/{id}.json: 200, an array of one" "200 1" "$HTTP_STATUS $(o3_jq 'length' 2>/dev/null)"
o3_schema "GET requests/{id}.json: valid against the Open311 requests schema" requests.json
expect_eq "GET requests/{id}.json: id, open, service, the first line as description" \
    "$O3_ID_JSON|open|report|Phản ánh|$O3_TITLE_LINE" \
    "$(o3_jq -r '.[0] | "\(.service_request_id)|\(.status)|\(.service_code)|\(.service_name)|\(.description)"' 2>/dev/null)"
expect_eq "GET requests/{id}.json: datetimes carry a zone, expected_datetime is given" "true" \
    "$(o3_jq --arg re "$O3_TZ_RE" '.[0] | (.requested_datetime | test($re)) and (.updated_datetime | test($re)) and (.expected_datetime | test($re))' 2>/dev/null)"
expect_eq "GET requests/{id}.json: the status note of a request just received" "Đã tiếp nhận, đang xem xét, phân loại." "$(o3_jq -r '.[0].status_notes' 2>/dev/null)"
o3_etag=$(header ETag)
http GET "/open311/v2/requests/$O3_ID_JSON.json" -H "If-None-Match: $o3_etag"
expect_eq "GET requests/{id}.json: 304 to its ETag" 304 "$HTTP_STATUS"
http GET "/open311/v2/requests/$(printf '%s' "$O3_ID_JSON" | tr 'A-Z' 'a-z').json"
expect_eq "GET requests/{id}: the code is read case-insensitively" "200 $O3_ID_JSON" "$HTTP_STATUS $(o3_jq -r '.[0].service_request_id' 2>/dev/null)"

http GET "/open311/v2/requests/$O3_ID_XML.xml"
expect_eq "GET requests/{id}.xml: 200 text/xml" "200 text/xml; charset=utf-8" "$HTTP_STATUS $(header Content-Type)"
o3_xml_ok "GET requests/{id}.xml: well-formed XML"
expect_eq "GET requests/{id}.xml: one request, open, recommendation" "1|$O3_ID_XML|open|recommendation|Kiến nghị" \
    "$(o3_xpath 'count(/service_requests/request)')|$(o3_xpath 'string(//request/service_request_id)')|$(o3_xpath 'string(//request/status)')|$(o3_xpath 'string(//request/service_code)')|$(o3_xpath 'string(//request/service_name)')"
expect_eq "GET requests/{id}.xml: the title attribute is the description, byte for byte" "$O3_TITLE_ATTR" "$(o3_xpath 'string(//request/description)')"
expect_match "GET requests/{id}.xml: ... escaped in the document" "Kiến nghị bỏ yêu cầu bản sao có chứng thực &apos;giấy phép&apos;" "$HTTP_BODY"
expect_match "GET requests/{id}.xml: expected_datetime with a zone" "$O3_TZ_RE" "$(o3_xpath 'string(//request/expected_datetime)')"
http GET "/open311/v2/requests/$O3_ID_JSON.xml"
expect_eq "GET requests/{id}.xml: markup in a title is escaped and reads back byte for byte" "$O3_TITLE_LINE" "$(o3_xpath 'string(//request/description)')"

# No personal data in any answer.
o3_private() {
    local what
    if [ "$HTTP_STATUS" != 200 ]; then
        fail "$1" "status $HTTP_STATUS"
        return
    fi
    for what in "$O3_FIRST" "$O3_LAST" "$O3_PHONE" "$O3_EMAIL" "$O3_ADDR" "Trần" "0987654321" "tran.binh.$O3_RUN" "Xã Quảng Tâm" "Công ty TNHH Ánh Dương" "Cổng Dịch vụ công"; do
        if printf '%s' "$HTTP_BODY" | grep -qF -- "$what"; then
            fail "$1" "holds \"$what\""
            return
        fi
    done
    pass "$1"
}
http GET "/open311/v2/requests/$O3_ID_JSON.json"
o3_private "GET requests/{id}.json: no name, phone, e-mail, address nor content"
http GET "/open311/v2/requests/$O3_ID_XML.xml"
o3_private "GET requests/{id}.xml: no name, phone, e-mail, address nor organization"

http GET /open311/v2/requests/PAKN.20000101.ZZZZZZ.json
expect_match "GET requests/{id}: an unknown code is 404" '^404 404\|Không tìm thấy phản ánh, kiến nghị có mã' "$(o3_json_error)"

# GET requests with filters.
http GET "/open311/v2/requests.json?service_request_id=$O3_ID_JSON,$O3_ID_XML"
expect_eq "GET requests?service_request_id=a,b: both" "200 $(printf '%s\n%s' "$O3_ID_JSON" "$O3_ID_XML" | sort | paste -sd' ')" \
    "$HTTP_STATUS $(o3_jq -r '[.[].service_request_id] | sort | join(" ")' 2>/dev/null)"
o3_schema "GET requests.json: valid against the Open311 requests schema" requests.json
o3_private "GET requests.json: no personal data"
http GET "/open311/v2/requests.json?service_request_id=$O3_ID_JSON&service_code=recommendation&status=closed"
expect_eq "GET requests: service_request_id overrides the other filters" "200 $O3_ID_JSON" "$HTTP_STATUS $(o3_jq -r '[.[].service_request_id] | join(" ")' 2>/dev/null)"
# The public list shows only requests whose answer is published, under
# their public number: never another citizen's tracking code, never what a
# citizen wrote before anyone screened it (issue 16).
http GET /open311/v2/requests.json
expect_eq "GET requests: the public list holds neither of ours (nothing published yet)" "200 false" \
    "$HTTP_STATUS $(o3_jq --arg a "$O3_ID_JSON" --arg b "$O3_ID_XML" '[.[].service_request_id] | index($a) != null or index($b) != null' 2>/dev/null)"
expect_eq "GET requests: no tracking code anywhere in the public list" "0" \
    "$(o3_jq '[.[].service_request_id | select(test("^PAKN"; "i"))] | length' 2>/dev/null)"
http GET "/open311/v2/requests.xml?service_code=recommendation"
o3_xml_ok "GET requests.xml: well-formed XML"
expect_eq "GET requests?service_code=recommendation: only recommendations, ours not among them" "true true" \
    "$(o3_xpath 'count(//request[service_code!="recommendation"]) = 0') $(o3_xpath "count(//request[service_request_id=\"$O3_ID_XML\"]) = 0")"
o3_private "GET requests.xml: no personal data"
o3_today=$(TZ=Asia/Ho_Chi_Minh date +%Y-%m-%d)
o3_old=$(TZ=Asia/Ho_Chi_Minh date -d '-100 days' +%Y-%m-%d)
http GET "/open311/v2/requests.json?start_date=${o3_today}T00:00:00%2B07:00&end_date=$o3_today"
expect_eq "GET requests: today's window does not hold ours either" "200 false" \
    "$HTTP_STATUS $(o3_jq --arg a "$O3_ID_JSON" '[.[].service_request_id] | index($a) != null' 2>/dev/null)"
http GET "/open311/v2/requests.json?end_date=$o3_old"
expect_eq "GET requests: a window that ended 100 days ago does not" "200 false" \
    "$HTTP_STATUS $(o3_jq --arg a "$O3_ID_JSON" '[.[].service_request_id] | index($a) != null' 2>/dev/null)"
http GET "/open311/v2/requests.json?service_request_id=$O3_ID_JSON,$O3_ID_XML&page_size=1"
expect_eq "GET requests: page_size bounds the answer" "200 1" "$HTTP_STATUS $(o3_jq 'length' 2>/dev/null)"

# ------------------------------------------------------------ the workflow closes it

o3_login() { # o3_login USERNAME ROLES UNIT_ID: a new user's token
    local pw="Mật-khẩu-$O3_RUN-dài"
    http POST /api/v1/users -H "Authorization: Bearer $O3_ADMIN" -H 'Content-Type: application/json' \
        --data-binary "$(jq -nc --arg u "$1" --arg p "$pw" --argjson r "$2" --argjson unit "$3" \
            '{username: $u, password: $p, full_name: "Cán bộ thử nghiệm", roles: $r, unit_id: $unit}')"
    O3_XFF=$((O3_XFF + 1))
    http POST /api/v1/auth/login -H 'Content-Type: application/json' -H "X-Forwarded-For: 198.51.100.$((200 + O3_XFF % 40))" \
        --data-binary "$(jq -nc --arg u "$1" --arg p "$pw" '{username: $u, password: $p}')"
    o3_jq -r '.token // empty'
}
http GET '/api/v1/units?per_page=1'
O3_UNIT=$(o3_jq '.items[0].id // 0')
O3_UNIT_NAME=$(o3_jq -r '.items[0].name // empty')
O3_INSPECTOR=$(o3_login "o3-thanhtra-$O3_RUN" '["inspector"]' null)
O3_HANDLER=$(o3_login "o3-xuly-$O3_RUN" '["handler"]' "$O3_UNIT")
expect_eq "workflow: an inspector and a handler of a unit log in" "true true" "$([ -n "$O3_INSPECTOR" ] && echo true) $([ -n "$O3_HANDLER" ] && echo true)"
o3_staff() { # o3_staff TOKEN METHOD PATH [JSON]
    local tok=$1 method=$2 path=$3
    if [ $# -ge 4 ]; then
        http "$method" "$path" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data-binary "$4"
    else
        http "$method" "$path" -H "Authorization: Bearer $tok"
    fi
}
o3_staff "$O3_INSPECTOR" GET "/api/v1/feedback?q=$O3_ID_JSON"
O3_FID=$(o3_jq --arg c "$O3_ID_JSON" '[.items[]? | select(.tracking_code == $c)][0].id // 0' 2>/dev/null)
expect_eq "workflow: the inspector finds the Open311 request, channel open311, with its submitter" "true open311 $O3_LAST $O3_FIRST" \
    "$([ "${O3_FID:-0}" -gt 0 ] 2>/dev/null && echo true) $(o3_jq -r --arg c "$O3_ID_JSON" '[.items[]? | select(.tracking_code == $c)][0] | "\(.channel) \(.submitter.name)"' 2>/dev/null)"
expect_eq "workflow: procedure_code and regulation_ref came from the attributes" "1.001612|Điều 23 Nghị định 01/2021/NĐ-CP" \
    "$(o3_jq -r --arg c "$O3_ID_JSON" '[.items[]? | select(.tracking_code == $c)][0] | "\(.procedure_code)|\(.regulation_ref)"' 2>/dev/null)"
o3_staff "$O3_INSPECTOR" POST "/api/v1/feedback/$O3_FID/accept" "{\"unit_id\": $O3_UNIT}"
expect_eq "workflow: the inspector accepts it for a unit" 200 "$HTTP_STATUS"
http GET "/open311/v2/requests/$O3_ID_JSON.json"
expect_eq "workflow: assigned is still open, the unit is agency_responsible" "open|$O3_UNIT_NAME|Đang được $O3_UNIT_NAME xem xét, trả lời." \
    "$(o3_jq -r '.[0] | "\(.status)|\(.agency_responsible)|\(.status_notes)"' 2>/dev/null)"
O3_ANSWER="Sở đã chỉ đạo Phòng Đăng ký kinh doanh không yêu cầu nộp bản giấy khi hồ sơ đã nộp trực tuyến có chữ ký số (Điều 23 Nghị định 01/2021/NĐ-CP). Cảm ơn ông/bà đã phản ánh."
o3_staff "$O3_HANDLER" POST "/api/v1/feedback/$O3_FID/answer" "$(jq -nc --arg a "$O3_ANSWER" '{answer: $a, publish: true}')"
expect_eq "workflow: the unit's handler answers, to be published" 200 "$HTTP_STATUS"
http GET "/open311/v2/requests/$O3_ID_JSON.json"
expect_eq "workflow: answered awaits approval: still open, the answer not shown yet" "open|false" \
    "$(o3_jq -r --arg a "$O3_ANSWER" '.[0] | "\(.status)|\(.status_notes == $a)"' 2>/dev/null)"
o3_staff "$O3_INSPECTOR" POST "/api/v1/feedback/$O3_FID/approve" '{}'
expect_eq "workflow: the inspector approves" 200 "$HTTP_STATUS"
http GET "/open311/v2/requests/$O3_ID_JSON.json"
expect_eq "workflow: published is closed, status_notes is the answer, byte for byte" "closed|$O3_ANSWER" \
    "$(o3_jq -r '.[0] | "\(.status)|\(.status_notes)"' 2>/dev/null)"
o3_schema "workflow: the closed request is valid against the schema" requests.json
expect_eq "workflow: updated_datetime has a zone and is not before requested_datetime" "true" \
    "$(o3_jq --arg re "$O3_TZ_RE" '.[0] | (.updated_datetime | test($re)) and (.updated_datetime >= .requested_datetime)' 2>/dev/null)"
o3_private "workflow: the closed request shows no personal data"
http GET "/open311/v2/requests/$O3_ID_JSON.xml"
expect_eq "workflow: the XML shows the same answer" "closed|$O3_ANSWER" "$(o3_xpath 'string(//request/status)')|$(o3_xpath 'string(//request/status_notes)')"
http GET "/open311/v2/requests.json?status=closed"
expect_eq "workflow: GET requests?status=closed now holds it, under its public number, not its code" "200 true false" \
    "$HTTP_STATUS $(o3_jq --arg n "$O3_FID" --arg a "$O3_ID_JSON" '[.[].service_request_id] | (index($n) != null) , (index($a) != null)' 2>/dev/null | paste -sd' ')"
expect_eq "workflow: ... with the published answer" "$O3_ANSWER" \
    "$(o3_jq -r --arg n "$O3_FID" '[.[] | select(.service_request_id == $n)][0].status_notes' 2>/dev/null)"
http GET "/open311/v2/requests.json?status=open&status=closed&start_date=${o3_today}T00:00:00%2B07:00&end_date=$o3_today"
expect_eq "workflow: status=open&status=closed (repeated means both) in today's window holds it" "200 true" \
    "$HTTP_STATUS $(o3_jq --arg n "$O3_FID" '[.[].service_request_id] | index($n) != null' 2>/dev/null)"
http GET /open311/v2/requests.json
expect_eq "workflow: still no tracking code anywhere in the public list" "0" \
    "$(o3_jq '[.[].service_request_id | select(test("^PAKN"; "i"))] | length' 2>/dev/null)"
http GET "/open311/v2/requests/$O3_FID.json"
expect_eq "workflow: GET requests/{number}.json: the published request, named by its number" "200 $O3_FID closed" \
    "$HTTP_STATUS $(o3_jq -r '.[0] | "\(.service_request_id) \(.status)"' 2>/dev/null)"
o3_schema "workflow: requests/{number}.json is valid against the schema" requests.json
o3_private "workflow: requests/{number}.json shows no personal data"
http GET "/open311/v2/requests.json?service_request_id=$O3_FID,$O3_ID_XML"
expect_eq "workflow: service_request_id may mix a number and a code: each named as it was given" \
    "200 $(printf '%s\n%s' "$O3_FID" "$O3_ID_XML" | sort | paste -sd' ')" \
    "$HTTP_STATUS $(o3_jq -r '[.[].service_request_id] | sort | join(" ")' 2>/dev/null)"
o3_staff "$O3_INSPECTOR" GET "/api/v1/feedback?q=$O3_ID_XML"
o3_fid_xml=$(o3_jq --arg c "$O3_ID_XML" '[.items[]? | select(.tracking_code == $c)][0].id // 0' 2>/dev/null)
http GET "/open311/v2/requests/$o3_fid_xml.json"
expect_match "workflow: an unpublished request by its number is 404, like one that does not exist" \
    '^404 404\|Không tìm thấy' "$(o3_json_error)"
http GET "/open311/v2/requests.json?service_request_id=$o3_fid_xml"
expect_eq "workflow: ... and the list by that number is empty" "200 0" "$HTTP_STATUS $(o3_jq length 2>/dev/null)"
