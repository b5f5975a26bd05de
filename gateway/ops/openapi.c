/* openapi: GET /api/v1/openapi.json (ops.h), made from the route table
 * (core/router.h) and the messages' descriptors as the codec maps them
 * (services/common/loa_pbjson.h). A route with its own operation (Open311)
 * gives it through its `openapi` hook. */
#include <stdio.h>
#include <string.h>

#include "core/respond.h"
#include "core/router.h"
#include "ops/ops.h"

/* JSON Schema of a message, as the codec (pbjson) maps it; nested messages
 * go to components and are referenced. */
static json_t *message_ref (json_t *components, const ProtobufCMessageDescriptor *d);

static json_t *field_schema (json_t *components, const ProtobufCFieldDescriptor *f)
{
    json_t *s;
    switch (f->type) {
    case PROTOBUF_C_TYPE_INT32:
    case PROTOBUF_C_TYPE_SINT32:
    case PROTOBUF_C_TYPE_SFIXED32:
    case PROTOBUF_C_TYPE_INT64:
    case PROTOBUF_C_TYPE_SINT64:
    case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_FIXED32:
    case PROTOBUF_C_TYPE_UINT64:
    case PROTOBUF_C_TYPE_FIXED64: s = json_pack ("{s:s}", "type", "integer"); break;
    case PROTOBUF_C_TYPE_FLOAT:
    case PROTOBUF_C_TYPE_DOUBLE: s = json_pack ("{s:s}", "type", "number"); break;
    case PROTOBUF_C_TYPE_BOOL: s = json_pack ("{s:s}", "type", "boolean"); break;
    case PROTOBUF_C_TYPE_STRING: s = json_pack ("{s:s}", "type", "string"); break;
    case PROTOBUF_C_TYPE_BYTES:
        s = json_pack ("{s:s, s:s}", "type", "string", "contentEncoding", "base64");
        break;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumDescriptor *e = f->descriptor;
        json_t *values = json_array ();
        for (unsigned i = 0; i < e->n_values; i++) {
            char lower[64];
            size_t n = strlen (e->values[i].name);
            n = n < sizeof lower - 1 ? n : sizeof lower - 1;
            for (size_t k = 0; k < n; k++)
                lower[k] = (char) (e->values[i].name[k] >= 'A' && e->values[i].name[k] <= 'Z'
                                       ? e->values[i].name[k] + 32
                                       : e->values[i].name[k]);
            lower[n] = '\0';
            json_array_append_new (values, json_string (lower));
        }
        s = json_pack ("{s:s, s:o}", "type", "string", "enum", values);
        break;
    }
    case PROTOBUF_C_TYPE_MESSAGE:
    default: s = message_ref (components, f->descriptor); break;
    }
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        s = json_pack ("{s:s, s:o}", "type", "array", "items", s);
    return s;
}

static json_t *message_ref (json_t *components, const ProtobufCMessageDescriptor *d)
{
    if (!json_object_get (components, d->name)) {
        json_t *props = json_object ();
        json_t *schema = json_pack ("{s:s, s:o, s:b}", "type", "object", "properties", props,
                                    "additionalProperties", 0);
        json_object_set_new (components, d->name, schema); /* before recursing: cycles */
        for (unsigned i = 0; i < d->n_fields; i++)
            json_object_set_new (props, d->fields[i].name,
                                 field_schema (components, &d->fields[i]));
    }
    char ref[160];
    snprintf (ref, sizeof ref, "#/components/schemas/%s", d->name);
    return json_pack ("{s:s}", "$ref", ref);
}

/* Adds what route `r` answers with to `content` (a media type -> schema
 * map): a file of its type, or its JSON message (one of several when
 * routes share the media type). */
static void add_content (json_t *content, json_t *schemas, const gw_route *r)
{
    if (r->flags & GW_FILE) {
        json_object_set_new (content, r->file_type ? r->file_type : "application/octet-stream",
                             json_pack ("{s:{s:s}}", "schema", "type", "string"));
        return;
    }
    json_t *json = json_object_get (content, "application/json");
    json_t *schema = message_ref (schemas, r->output);
    if (!json) {
        json_object_set_new (content, "application/json", json_pack ("{s:o}", "schema", schema));
        return;
    }
    json_t *old = json_object_get (json, "schema");
    json_t *one_of = json_object_get (old, "oneOf");
    if (one_of) {
        json_array_append_new (one_of, schema);
        return;
    }
    json_object_set_new (json, "schema", json_pack ("{s:[O, o]}", "oneOf", old, schema));
}

/* The 200 (201) of a route with an output, and of its alternatives. */
static json_t *ok_response (json_t *schemas, const gw_route *r)
{
    json_t *content = json_object ();
    add_content (content, schemas, r);
    for (const gw_route *const *alt = r->alternatives; alt && *alt; alt++)
        if ((*alt)->output)
            add_content (content, schemas, *alt);
    return json_pack ("{s:s, s:o}", "description", "OK", "content", content);
}

static json_t *problem_response (void)
{
    return json_pack ("{s:s, s:{s:{s:{s:s}}}}", "description", "Lỗi (RFC 9457)", "content",
                      "application/problem+json", "schema", "$ref", "#/components/schemas/Problem");
}

/* The 429 of a GW_THROTTLED route: Retry-After, and `content` (copied)
 * as its errors' body. */
static json_t *too_many_response (json_t *content)
{
    json_t *r = json_pack (
        "{s:s, s:{s:{s:s, s:{s:s, s:i}}}}", "description",
        "Quá nhiều yêu cầu từ địa chỉ này (LOA_INTAKE_LIMIT mỗi LOA_INTAKE_WINDOW_S giây)",
        "headers", "Retry-After", "description", "số giây phải chờ", "schema", "type", "integer",
        "minimum", 1);
    if (r && content)
        json_object_set_new (r, "content", json_deep_copy (content));
    return r;
}

/* A GW_NINJS route: how a broadcaster asks for ninjs 2.3, what says which
 * version came, and the 406. */
static void ninjs_operation (json_t *op, json_t *responses, json_t *params)
{
    json_array_append_new (
        params, json_pack ("{s:s, s:s, s:s, s:{s:s, s:[s, s]}}", "name", "ninjs", "in", "query",
                           "description",
                           "Phiên bản IPTC ninjs của tài liệu: 3.2 (mặc định) hoặc 2.3; có thì "
                           "thắng Accept; giá trị khác → 400 nêu trường ninjs",
                           "schema", "type", "string", "enum", "3.2", "2.3"));
    json_array_append_new (
        params,
        json_pack ("{s:s, s:s, s:s, s:{s:s}}", "name", "Accept", "in", "header", "description",
                   "Chọn phiên bản khi không có ?ninjs=: application/json; version=2.3, "
                   "hoặc profile=\"http://www.iptc.org/std/ninjs/ninjs-schema_2.3.json#\" "
                   "($id của lược đồ); chỉ xin phiên bản không phục vụ → 406",
                   "schema", "type", "string"));
    json_object_set_new (op, "description",
                         json_string ("Tài liệu ninjs 3.2 hoặc 2.3 (cùng dữ liệu, cùng uri và "
                                      "version). Tài liệu đơn: Content-Type có profile=\"<$id "
                                      "của lược đồ>\", Link rel=\"describedby\" tới lược đồ, "
                                      "ETag khác nhau giữa hai phiên bản; luồng: ninjs_version "
                                      "trong thân. Luôn có Vary: Accept."));
    json_t *problem = problem_response ();
    json_object_set_new (problem, "description",
                         json_string ("Accept chỉ xin phiên bản ninjs không được phục vụ"));
    json_object_set_new (responses, "406", problem);
}

enum MHD_Result gw_openapi (gw_request *req)
{
    json_t *paths = json_object (), *schemas = json_object ();
    json_object_set_new (
        schemas, "Problem",
        json_pack ("{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:{s:s, "
                   "s:{s:{s:s}, s:{s:s}}}}}}",
                   "type", "object", "properties", "type", "type", "string", "title", "type",
                   "string", "status", "type", "integer", "detail", "type", "string", "request_id",
                   "type", "string", "errors", "type", "array", "items", "type", "object",
                   "properties", "field", "type", "string", "message", "type", "string"));
    for (size_t i = 0; i < gw_route_count (); i++) {
        const gw_route *r = gw_route_at (i);
        if (r->flags & GW_NOT_API)
            continue;
        json_t *item = json_object_get (paths, r->pattern);
        if (!item) {
            item = json_object ();
            json_object_set_new (paths, r->pattern, item);
        }
        char method[8];
        size_t n = strlen (r->method);
        for (size_t k = 0; k <= n && k < sizeof method; k++)
            method[k] = (char) (r->method[k] >= 'A' && r->method[k] <= 'Z' ? r->method[k] + 32
                                                                           : r->method[k]);
        method[sizeof method - 1] = '\0';
        /* Routes with their own formats and errors (Open311) make their own. */
        json_t *own_op = r->openapi ? r->openapi (r) : NULL;
        if (own_op) {
            json_t *rs = json_object_get (own_op, "responses");
            if (r->flags & (GW_THROTTLED | GW_THROTTLED_APP))
                json_object_set_new (rs, "429",
                                     too_many_response (json_object_get (
                                         json_object_get (rs, "default"), "content")));
            json_object_set_new (item, method, own_op);
            continue;
        }
        json_t *op = json_object ();
        json_t *responses = json_object ();
        char op_id[160];
        snprintf (op_id, sizeof op_id, "%s %s", r->method, r->pattern);
        json_object_set_new (op, "operationId", json_string (r->rpc ? r->rpc : op_id));
        if (!(r->allow & GW_ANYONE)) {
            json_t *security = json_array (), *roles = json_array ();
            if (r->allow & ~(GW_BROADCASTER | GW_OPEN311))
                json_array_append_new (security, json_pack ("{s:[]}", "bearer"));
            if (r->allow & (GW_BROADCASTER | GW_OPEN311))
                json_array_append_new (security, json_pack ("{s:[]}", "apiKey"));
            static const char *names[] = {"admin",     "reviewer", "editor",
                                          "inspector", "handler",  "leader"};
            for (int k = 0; k < 6; k++)
                if (r->allow & (1u << k))
                    json_array_append_new (roles, json_string (names[k]));
            if (r->allow & GW_STAFF)
                json_array_append_new (roles, json_string ("staff"));
            if (r->allow & GW_BROADCASTER)
                json_array_append_new (roles, json_string ("broadcaster"));
            if (r->allow & GW_OPEN311)
                json_array_append_new (roles, json_string ("open311_client"));
            json_object_set_new (op, "security", security);
            json_object_set_new (op, "x-roles", roles);
        }
        if (r->output || (r->flags & GW_FILE)) { /* a file route may answer without a message */
            json_object_set_new (responses, (r->flags & GW_CREATES) ? "201" : "200",
                                 ok_response (schemas, r));
        } else {
            json_object_set_new (responses, "200", json_pack ("{s:s}", "description", "OK"));
        }
        if (r->flags & (GW_THROTTLED | GW_THROTTLED_APP)) {
            json_t *problem = problem_response ();
            json_object_set_new (responses, "429",
                                 too_many_response (json_object_get (problem, "content")));
            json_decref (problem);
        }
        json_object_set_new (responses, "default", problem_response ());
        json_object_set_new (op, "responses", responses);
        json_t *params = json_array ();
        for (const char *p = strchr (r->pattern, '{'); p; p = strchr (p + 1, '{')) {
            char name[32];
            size_t len = strcspn (p + 1, "}");
            len = len < sizeof name - 1 ? len : sizeof name - 1;
            memcpy (name, p + 1, len);
            name[len] = '\0';
            json_array_append_new (params,
                                   json_pack ("{s:s, s:s, s:b, s:{s:s}}", "name", name, "in",
                                              "path", "required", 1, "schema", "type", "string"));
        }
        if (r->flags & GW_IF_MATCH)
            json_array_append_new (params, json_pack ("{s:s, s:s, s:b, s:{s:s}}", "name",
                                                      "If-Match", "in", "header", "required",
                                                      (r->flags & GW_BODY) && r->method[0] == 'P' &&
                                                          r->method[1] == 'A',
                                                      "schema", "type", "string"));
        if (r->input && !(r->flags & (GW_BODY | GW_BODY_OPT))) {
            const ProtobufCMessageDescriptor *d = r->input;
            for (unsigned k = 0; k < d->n_fields; k++)
                if (!strstr (r->pattern, d->fields[k].name) &&
                    d->fields[k].type != PROTOBUF_C_TYPE_MESSAGE)
                    json_array_append_new (params,
                                           json_pack ("{s:s, s:s, s:o}", "name", d->fields[k].name,
                                                      "in", "query", "schema",
                                                      field_schema (schemas, &d->fields[k])));
        }
        if (r->flags & GW_NINJS)
            ninjs_operation (op, responses, params);
        json_object_set_new (op, "parameters", params);
        if (r->flags & GW_UPLOAD) /* the raw bytes, their type checked from them */
            json_object_set_new (op, "requestBody",
                                 json_pack ("{s:b, s:{s:{s:{s:s, s:s}}, s:{s:{s:s, s:s}}, "
                                            "s:{s:{s:s, s:s}}}}",
                                            "required", 1, "content", "image/*", "schema", "type",
                                            "string", "format", "binary", "video/*", "schema",
                                            "type", "string", "format", "binary", "audio/mpeg",
                                            "schema", "type", "string", "format", "binary"));
        const ProtobufCMessageDescriptor *body = r->body ? r->body : r->input;
        if (body && (r->flags & (GW_BODY | GW_BODY_OPT)))
            json_object_set_new (
                op, "requestBody",
                json_pack ("{s:b, s:{s:{s:o}}}", "required", (r->flags & GW_BODY) != 0, "content",
                           "application/json", "schema", message_ref (schemas, body)));
        json_object_set_new (item, method, op);
    }
    json_t *doc = json_pack ("{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:o}}", "openapi", "3.1.0", "info",
                             "title", "Loa REST API", "version", LOA_VERSION, "description",
                             "Truyền thông cải cách hành chính: bài viết, phản ánh kiến nghị, "
                             "chỉ tiêu, phân phối tin cho báo chí",
                             "paths", paths, "components", "schemas", schemas);
    json_object_set_new (json_object_get (doc, "components"), "securitySchemes",
                         json_pack ("{s:{s:s, s:s}, s:{s:s, s:s, s:s}}", "bearer", "type", "http",
                                    "scheme", "bearer", "apiKey", "type", "apiKey", "in", "header",
                                    "name", "X-Api-Key"));
    return gw_respond_json (req, 200, doc);
}
