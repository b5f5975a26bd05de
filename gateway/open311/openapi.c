/* openapi: the OpenAPI operations of the Open311 routes (open311.h):
 * their formats, parameters, the form body and the spec's errors. */
#include <stdio.h>
#include <string.h>

#include "open311/open311_int.h"
#include "open311/open311_map.h"

static json_t *param (const char *name, const char *in, int required, json_t *schema,
                      const char *description)
{
    return json_pack ("{s:s, s:s, s:b, s:o, s:s}", "name", name, "in", in, "required", required,
                      "schema", schema, "description", description);
}

static json_t *string_schema (void) { return json_pack ("{s:s}", "type", "string"); }

/* XML (required by the spec) or JSON, by the {format} extension. */
static json_t *both_formats (json_t *json_schema)
{
    return json_pack ("{s:{s:{s:s}}, s:{s:o}}", "text/xml", "schema", "type", "string",
                      "application/json", "schema", json_schema);
}

/* A list of requests as GeoReport v2 answers it (personal data never). */
#define O311_TIME "{\"type\": [\"string\", \"null\"], \"format\": \"date-time\"}"
#define O311_TEXT "{\"type\": [\"string\", \"null\"]}"
#define O311_REQUESTS                                                                              \
    "{\"type\": \"array\", \"items\": {\"type\": \"object\", \"required\": "                       \
    "[\"service_request_id\", \"status\", \"service_code\", \"requested_datetime\"], "             \
    "\"properties\": {\"service_request_id\": {\"type\": \"string\"}, \"status\": {\"type\": "     \
    "\"string\", \"enum\": [\"open\", \"closed\"]}, \"status_notes\": " O311_TEXT                  \
    ", \"service_name\": " O311_TEXT ", \"service_code\": " O311_TEXT                              \
    ", \"description\": " O311_TEXT ", \"agency_responsible\": " O311_TEXT                         \
    ", \"requested_datetime\": " O311_TIME ", \"updated_datetime\": " O311_TIME                    \
    ", \"expected_datetime\": " O311_TIME "}}}"

json_t *gw_open311_operation (const gw_route *r)
{
    static const struct {
        gw_handler handler;
        const char *id, *summary, *json; /* json: the JSON answer's schema */
    } ops[] = {
        {gw_open311_discovery, "open311.discovery", "Open311: tài liệu khám phá dịch vụ",
         "{\"type\": \"object\", \"required\": [\"changeset\", \"contact\", \"key_service\", "
         "\"endpoints\"], \"properties\": {\"changeset\": {\"type\": \"string\", \"format\": "
         "\"date-time\"}, \"contact\": {\"type\": \"string\"}, \"key_service\": {\"type\": "
         "\"string\"}, \"endpoints\": {\"type\": \"array\", \"items\": {\"type\": \"object\", "
         "\"required\": [\"specification\", \"url\", \"changeset\", \"type\", \"formats\"], "
         "\"properties\": {\"specification\": {\"type\": \"string\", \"format\": \"uri\"}, "
         "\"url\": {\"type\": \"string\", \"format\": \"uri\"}, \"changeset\": {\"type\": "
         "\"string\"}, \"type\": {\"type\": \"string\", \"enum\": [\"production\", \"test\"]}, "
         "\"formats\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}}}}}"},
        {gw_open311_services, "open311.services", "Open311: các loại phản ánh, kiến nghị",
         "{\"type\": \"array\", \"items\": {\"type\": \"object\", \"required\": "
         "[\"service_code\", \"service_name\", \"metadata\", \"type\"], \"properties\": "
         "{\"service_code\": {\"type\": \"string\"}, \"service_name\": {\"type\": \"string\"}, "
         "\"description\": {\"type\": \"string\"}, \"metadata\": {\"type\": \"boolean\"}, "
         "\"type\": {\"type\": \"string\", \"enum\": [\"realtime\", \"batch\", "
         "\"blackbox\"]}, \"keywords\": {\"type\": \"string\"}, \"group\": {\"type\": "
         "\"string\"}}}}"},
        {gw_open311_definition, "open311.service_definition",
         "Open311: thông tin bổ sung (attribute) của một loại",
         "{\"type\": \"object\", \"required\": [\"service_code\", \"attributes\"], "
         "\"properties\": {\"service_code\": {\"type\": \"string\"}, \"attributes\": {\"type\": "
         "\"array\", \"items\": {\"type\": \"object\", \"required\": [\"code\", "
         "\"datatype\"], \"properties\": {\"variable\": {\"type\": \"boolean\"}, \"code\": "
         "{\"type\": \"string\"}, \"datatype\": {\"type\": \"string\"}, \"required\": "
         "{\"type\": \"boolean\"}, \"datatype_description\": {\"type\": [\"string\", "
         "\"null\"]}, \"order\": {\"type\": \"integer\"}, \"description\": {\"type\": "
         "\"string\"}, \"values\": {\"type\": \"array\"}}}}}}"},
        {gw_open311_create, "open311.requests.create",
         "Open311: gửi phản ánh, kiến nghị (cần api_key của ứng dụng open311_client)",
         "{\"type\": \"array\", \"minItems\": 1, \"maxItems\": 1, \"items\": {\"type\": "
         "\"object\", \"required\": [\"service_request_id\"], \"properties\": "
         "{\"service_request_id\": {\"type\": \"string\"}, \"service_notice\": {\"type\": "
         "[\"string\", \"null\"]}, \"account_id\": {\"type\": [\"string\", \"null\"]}}}}"},
        {gw_open311_requests, "open311.requests.list",
         "Open311: tra cứu phản ánh, kiến nghị (tối đa 90 ngày, 1000 mục)", O311_REQUESTS},
        {gw_open311_request, "open311.requests.get",
         "Open311: tra cứu một phản ánh, kiến nghị theo mã", O311_REQUESTS},
    };
    size_t k = 0;
    while (k < sizeof ops / sizeof ops[0] && ops[k].handler != r->handler)
        k++;
    if (k == sizeof ops / sizeof ops[0])
        return NULL;
    json_t *params = json_array ();
    json_array_append_new (
        params, param ("format", "path", 1,
                       json_pack ("{s:s, s:[s, s]}", "type", "string", "enum", "xml", "json"),
                       "Định dạng câu trả lời"));
    if (r->handler == gw_open311_definition)
        json_array_append_new (params, param ("service_code", "path", 1, string_schema (),
                                              "report hoặc recommendation"));
    if (r->handler == gw_open311_request)
        json_array_append_new (params, param ("service_request_id", "path", 1, string_schema (),
                                              "Mã tra cứu PAKN.YYYYMMDD.XXXXXX"));
    if (r->handler == gw_open311_requests) {
        static const char *const q[][2] = {
            {"service_request_id", "Mã tra cứu, cách nhau bởi dấu phẩy; bỏ qua các bộ lọc khác"},
            {"service_code", "report, recommendation"},
            {"status", "open, closed"},
            {"start_date", "Thời điểm W3C có múi giờ, hoặc YYYY-MM-DD"},
            {"end_date", "Thời điểm W3C có múi giờ, hoặc YYYY-MM-DD; cách start_date tối đa 90 "
                         "ngày"},
        };
        for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
            json_array_append_new (params, param (q[i][0], "query", 0, string_schema (), q[i][1]));
        json_array_append_new (params,
                               param ("page", "query", 0,
                                      json_pack ("{s:s, s:i}", "type", "integer", "minimum", 1),
                                      "Trang, từ 1"));
        json_array_append_new (params, param ("page_size", "query", 0,
                                              json_pack ("{s:s, s:i, s:i}", "type", "integer",
                                                         "minimum", 1, "maximum", MAX_PAGE_SIZE),
                                              "Số mục mỗi trang (mặc định 1000)"));
    }
    json_t *error_item = json_pack ("{s:s, s:{s:{s:s}, s:{s:s}}}", "type", "object", "properties",
                                    "code", "type", "integer", "description", "type", "string");
    json_t *errors = json_pack (
        "{s:s, s:o}", "description",
        "Lỗi theo GeoReport v2 (mảng {code, description}): 404 không có, "
        "403 thiếu hoặc sai api_key, 400 các lỗi khác",
        "content", both_formats (json_pack ("{s:s, s:o}", "type", "array", "items", error_item)));
    json_t *schema = json_loads (ops[k].json, 0, NULL);
    json_t *ok = json_pack ("{s:s, s:o}", "description", "OK", "content",
                            both_formats (schema ? schema : json_object ()));
    json_t *responses = json_object ();
    json_object_set_new (responses, r->handler == gw_open311_create ? "201" : "200", ok);
    json_object_set_new (responses, "default", errors);
    json_t *op =
        json_pack ("{s:s, s:s, s:[s], s:o, s:o}", "operationId", ops[k].id, "summary",
                   ops[k].summary, "tags", "Open311", "parameters", params, "responses", responses);
    json_object_set_new (op, "externalDocs", json_pack ("{s:s}", "url", SPEC_URL));
    if (r->handler == gw_open311_create) {
        json_t *props = json_object ();
        for (int i = 0; o311_form_fields[i]; i++)
            json_object_set_new (props, o311_form_fields[i], string_schema ());
        for (size_t i = 0; i < o311_n_attributes; i++) {
            char name[64];
            snprintf (name, sizeof name, "attribute[%s]", o311_attributes[i].code);
            json_object_set_new (props, name, string_schema ());
        }
        json_object_set_new (op, "requestBody",
                             json_pack ("{s:b, s:{s:{s:{s:s, s:[s, s], s:o}}}}", "required", 1,
                                        "content", "application/x-www-form-urlencoded", "schema",
                                        "type", "object", "required", "api_key", "service_code",
                                        "properties", props));
    }
    return op;
}
