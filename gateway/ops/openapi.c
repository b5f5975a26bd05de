/* openapi: GET /api/v1/openapi.json (ops.h), made from the route table
 * (core/router.h) and the messages' descriptors as the codec maps them
 * (services/common/loa_pbjson.h). A route with its own operation (Open311)
 * gives it through its `openapi` hook. */
#include <stdio.h>
#include <string.h>

#include "core/respond.h"
#include "core/router.h"
#include "loa_config.h"
#include "ops/openapi_int.h"
#include "ops/ops.h"

/* Schemas are made in two modes: what the gateway answers (OUT: every
 * field the codec always writes is `required`, formats by the field's
 * name) and what it reads (IN: nothing required by the descriptors; the
 * services name a missing field). Neither forbids other properties: the
 * contract adds fields freely. */
enum { IN = 0, OUT = 1 };

static json_t *message_ref (json_t *components, const ProtobufCMessageDescriptor *d, int mode);

static int ends_with (const char *s, const char *end)
{
    size_t n = strlen (s), e = strlen (end);
    return n >= e && strcmp (s + n - e, end) == 0;
}

/* The format of a string field, by its name (the contract's conventions:
 * *_at are RFC 3339 times, *_date and *_on dates, url and href links). */
static const char *string_format (const char *name, int mode)
{
    if (mode == OUT && (ends_with (name, "_at") || strcmp (name, "at") == 0 ||
                        strcmp (name, "embargo_until") == 0))
        return "date-time";
    if (mode == OUT &&
        (ends_with (name, "_date") || strcmp (name, "date") == 0 || ends_with (name, "_on")))
        return "date";
    if (strcmp (name, "url") == 0 || ends_with (name, "_url") || strcmp (name, "href") == 0)
        return "uri-reference";
    if (mode == IN && strcmp (name, "email") == 0)
        return "email";
    return NULL;
}

/* A list wrapper (one field: repeated `values`) or a value wrapper (one
 * field: a singular scalar `value`), as the codec writes them (loa_pbjson.h). */
static const ProtobufCFieldDescriptor *wrapped (const ProtobufCMessageDescriptor *d, int list)
{
    if (d->n_fields != 1)
        return NULL;
    const ProtobufCFieldDescriptor *f = &d->fields[0];
    if (list)
        return strcmp (f->name, "values") == 0 && f->label == PROTOBUF_C_LABEL_REPEATED ? f : NULL;
    return strcmp (f->name, "value") == 0 && f->label != PROTOBUF_C_LABEL_REPEATED &&
                   f->type != PROTOBUF_C_TYPE_MESSAGE
               ? f
               : NULL;
}

/* A wrapper's value takes its format from the field that holds it. */
static void named_format (json_t *s, const ProtobufCFieldDescriptor *w, const char *name, int mode)
{
    const char *format = w->type == PROTOBUF_C_TYPE_STRING ? string_format (name, mode) : NULL;
    if (format)
        json_object_set_new (s, "format", json_string (format));
}

static json_t *scalar_schema (json_t *components, const ProtobufCFieldDescriptor *f, int mode)
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
    case PROTOBUF_C_TYPE_STRING: {
        s = json_pack ("{s:s}", "type", "string");
        const char *format = string_format (f->name, mode);
        /* An answer's proto3 string is always written: "" when not set
         * (an embargo, a last download), so a format allows "" too. */
        if (format && mode == OUT)
            json_object_set_new (s, "anyOf",
                                 json_pack ("[{s:s}, {s:i}]", "format", format, "maxLength", 0));
        else if (format)
            json_object_set_new (s, "format", json_string (format));
        break;
    }
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
    default: {
        const ProtobufCMessageDescriptor *d = f->descriptor;
        const ProtobufCFieldDescriptor *w;
        if ((w = wrapped (d, 1)) != NULL) {
            s = scalar_schema (components, w, mode);
            named_format (s, w, f->name, mode);
            s = json_pack ("{s:s, s:o}", "type", "array", "items", s);
        } else if ((w = wrapped (d, 0)) != NULL) {
            /* present as null: "given, and empty" (e.g. clears an embargo) */
            s = scalar_schema (components, w, mode);
            named_format (s, w, f->name, mode);
            json_t *type = json_object_get (s, "type");
            if (json_is_string (type))
                json_object_set_new (s, "type",
                                     json_pack ("[s, s]", json_string_value (type), "null"));
            json_t *values = json_object_get (s, "enum");
            if (values)
                json_array_append_new (values, json_null ());
        } else {
            s = message_ref (components, d, mode);
        }
        break;
    }
    }
    return s;
}

/* The string fields whose values the .proto lists in a comment (the
 * services keep them as text): their enums. */
static const struct {
    const char *message, *field, *values[8];
} string_enums[] = {
    {"loa.content.Article",
     "status",
     {"draft", "in_review", "published", "rejected", "retracted", "applied", NULL}},
    {"loa.feedback.Feedback", "kind", {"report", "recommendation", NULL}},
    {"loa.feedback.Feedback",
     "channel",
     {"web", "open311", "walk_in", "phone", "letter", "email", NULL}},
    {"loa.feedback.Feedback",
     "status",
     {"received", "assigned", "forwarded", "rejected", "answered", "published", "closed"}},
    {"loa.feedback.ChannelCount",
     "channel",
     {"web", "open311", "walk_in", "phone", "letter", "email", NULL}},
    {"loa.feedback.PublishedAnswer", "kind", {"report", "recommendation", NULL}},
};

static void string_enum (json_t *s, const ProtobufCMessageDescriptor *d,
                         const ProtobufCFieldDescriptor *f)
{
    for (size_t i = 0; i < sizeof string_enums / sizeof string_enums[0]; i++)
        if (strcmp (string_enums[i].message, d->name) == 0 &&
            strcmp (string_enums[i].field, f->name) == 0) {
            json_t *values = json_array ();
            for (size_t k = 0; k < 8 && string_enums[i].values[k]; k++)
                json_array_append_new (values, json_string (string_enums[i].values[k]));
            json_object_set_new (s, "enum", values);
        }
}

/* JSON Schema of a field, as the codec (pbjson) maps it; messages go to
 * components and are referenced. */
static json_t *field_schema (json_t *components, const ProtobufCFieldDescriptor *f, int mode)
{
    json_t *s = scalar_schema (components, f, mode);
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
        s = json_pack ("{s:s, s:o}", "type", "array", "items", s);
    return s;
}

/* Whether the codec always writes field `f` (loa_pbjson.h "Presence"):
 * scalars outside a oneof and not proto2-optional, and repeated fields. */
static int always_written (const ProtobufCFieldDescriptor *f)
{
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
        return 0;
    if (f->label == PROTOBUF_C_LABEL_REPEATED || f->label == PROTOBUF_C_LABEL_REQUIRED)
        return 1;
    return f->label == PROTOBUF_C_LABEL_NONE && f->type != PROTOBUF_C_TYPE_MESSAGE;
}

static json_t *message_ref (json_t *components, const ProtobufCMessageDescriptor *d, int mode)
{
    /* What is read and what is written are separate components when both
     * exist: an input's name ends in Request or Input, an output's not. */
    char name[160];
    int named_in = ends_with (d->name, "Request") || ends_with (d->name, "Input");
    snprintf (name, sizeof name, "%s%s", d->name,
              mode == IN ? (named_in ? "" : "Input") : (named_in ? "Output" : ""));
    if (!json_object_get (components, name)) {
        json_t *props = json_object (), *required = json_array ();
        json_t *schema = json_pack ("{s:s, s:o}", "type", "object", "properties", props);
        json_object_set_new (components, name, schema); /* before recursing: cycles */
        for (unsigned i = 0; i < d->n_fields; i++) {
            json_t *s = field_schema (components, &d->fields[i], mode);
            if (mode == OUT && d->fields[i].type == PROTOBUF_C_TYPE_STRING &&
                d->fields[i].label != PROTOBUF_C_LABEL_REPEATED)
                string_enum (s, d, &d->fields[i]);
            json_object_set_new (props, d->fields[i].name, s);
            if (mode == OUT && always_written (&d->fields[i]))
                json_array_append_new (required, json_string (d->fields[i].name));
        }
        if (json_array_size (required))
            json_object_set_new (schema, "required", required);
        else
            json_decref (required);
    }
    char ref[200];
    snprintf (ref, sizeof ref, "#/components/schemas/%s", name);
    return json_pack ("{s:s}", "$ref", ref);
}

/* Adds what route `r` answers with to `content` (a media type -> schema
 * map): a file of its type, or its JSON message (one of several when
 * routes share the media type). */
static void add_content (json_t *content, json_t *schemas, const gw_route *r)
{
    if (r->flags & GW_FILE) {
        json_object_set_new (
            content, r->file_type ? r->file_type : "application/octet-stream",
            json_pack ("{s:{s:s, s:s}}", "schema", "type", "string", "format", "binary"));
        return;
    }
    json_t *json = json_object_get (content, "application/json");
    json_t *schema = message_ref (schemas, r->output, OUT);
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

/* ------------------------------------------------------------ shared parts */

static json_t *ref (const char *kind, const char *name)
{
    char text[160];
    snprintf (text, sizeof text, "#/components/%s/%s", kind, name);
    return json_pack ("{s:s}", "$ref", text);
}

/* The headers, parameters and responses every operation refers to. */
static const char shared_components[] =
    "{\"headers\": {"
    "\"X-Request-Id\": {\"description\": \"The request's id (the client's own when it sent "
    "one): in every log line and problem about it.\", \"schema\": {\"type\": \"string\"}},"
    "\"ETag\": {\"description\": \"The representation's tag, for If-None-Match (public reads) "
    "or If-Match (an article's version).\", \"schema\": {\"type\": \"string\"}},"
    "\"Location\": {\"description\": \"The address of what was created.\", \"schema\": "
    "{\"type\": \"string\", \"format\": \"uri-reference\"}},"
    "\"Link\": {\"description\": \"RFC 8288 links: rel=\\\"next\\\" for the next page of a "
    "feed.\", \"schema\": {\"type\": \"string\"}},"
    "\"Retry-After\": {\"description\": \"Seconds to wait before trying again.\", \"schema\": "
    "{\"type\": \"integer\", \"minimum\": 1}}},"
    "\"parameters\": {"
    "\"Idempotency-Key\": {\"name\": \"Idempotency-Key\", \"in\": \"header\", \"description\": "
    "\"A key of the client's choosing: a repeat with the same key and body answers what the "
    "first answered, without creating twice (24 hours; decision 0012).\", \"schema\": "
    "{\"type\": \"string\", \"maxLength\": 255}},"
    "\"If-None-Match\": {\"name\": \"If-None-Match\", \"in\": \"header\", \"description\": "
    "\"An ETag seen before: 304 when the representation is still the same.\", \"schema\": "
    "{\"type\": \"string\"}},"
    "\"If-Match\": {\"name\": \"If-Match\", \"in\": \"header\", \"description\": \"The version "
    "the change is based on (quoted or bare); another version is 412.\", \"schema\": {\"type\": "
    "\"string\"}}},"
    "\"responses\": {"
    "\"NotModified\": {\"description\": \"Not modified (If-None-Match).\", \"headers\": "
    "{\"ETag\": {\"$ref\": \"#/components/headers/ETag\"}, \"X-Request-Id\": {\"$ref\": "
    "\"#/components/headers/X-Request-Id\"}}},"
    "\"BadRequest\": {\"description\": \"Malformed JSON, a wrong type, an unknown field or enum "
    "value, invalid UTF-8, a missing field: `errors` names each field.\", \"content\": "
    "{\"application/problem+json\": {\"schema\": {\"$ref\": \"#/components/schemas/Problem\"}}}, "
    "\"headers\": {\"X-Request-Id\": {\"$ref\": \"#/components/headers/X-Request-Id\"}}},"
    "\"Unauthorized\": {\"description\": \"No credentials, or bad ones.\", \"content\": "
    "{\"application/problem+json\": {\"schema\": {\"$ref\": \"#/components/schemas/Problem\"}}}, "
    "\"headers\": {\"X-Request-Id\": {\"$ref\": \"#/components/headers/X-Request-Id\"}}},"
    "\"Forbidden\": {\"description\": \"Authenticated, but not allowed.\", \"content\": "
    "{\"application/problem+json\": {\"schema\": {\"$ref\": \"#/components/schemas/Problem\"}}}, "
    "\"headers\": {\"X-Request-Id\": {\"$ref\": \"#/components/headers/X-Request-Id\"}}},"
    "\"NotFound\": {\"description\": \"No such resource.\", \"content\": "
    "{\"application/problem+json\": {\"schema\": {\"$ref\": \"#/components/schemas/Problem\"}}}, "
    "\"headers\": {\"X-Request-Id\": {\"$ref\": \"#/components/headers/X-Request-Id\"}}},"
    "\"PreconditionFailed\": {\"description\": \"If-Match names another version.\", "
    "\"content\": {\"application/problem+json\": {\"schema\": {\"$ref\": "
    "\"#/components/schemas/Problem\"}}}, \"headers\": {\"X-Request-Id\": {\"$ref\": "
    "\"#/components/headers/X-Request-Id\"}}},"
    "\"PayloadTooLarge\": {\"description\": \"The body is over the limit.\", \"content\": "
    "{\"application/problem+json\": {\"schema\": {\"$ref\": \"#/components/schemas/Problem\"}}}, "
    "\"headers\": {\"X-Request-Id\": {\"$ref\": \"#/components/headers/X-Request-Id\"}}},"
    "\"Unprocessable\": {\"description\": \"Well-formed, but against a rule: `errors` names each "
    "field.\", \"content\": {\"application/problem+json\": {\"schema\": {\"$ref\": "
    "\"#/components/schemas/Problem\"}}}, \"headers\": {\"X-Request-Id\": {\"$ref\": "
    "\"#/components/headers/X-Request-Id\"}}},"
    "\"Problem\": {\"description\": \"Any other error (RFC 9457), e.g. 409, 503.\", \"content\": "
    "{\"application/problem+json\": {\"schema\": {\"$ref\": \"#/components/schemas/Problem\"}}}, "
    "\"headers\": {\"X-Request-Id\": {\"$ref\": \"#/components/headers/X-Request-Id\"}}}},"
    "\"schemas\": {\"Problem\": {\"type\": \"object\", \"title\": \"Lỗi (RFC 9457)\", "
    "\"description\": \"application/problem+json: `detail` in Vietnamese; `errors` names the "
    "fields.\", \"required\": [\"type\", \"title\", \"status\"], \"properties\": {\"type\": "
    "{\"type\": \"string\", \"format\": \"uri-reference\"}, \"title\": {\"type\": \"string\"}, "
    "\"status\": {\"type\": \"integer\", \"minimum\": 400, \"maximum\": 599}, \"detail\": "
    "{\"type\": \"string\"}, \"request_id\": {\"type\": \"string\"}, \"errors\": {\"type\": "
    "\"array\", \"items\": {\"type\": \"object\", \"required\": [\"field\", \"message\"], "
    "\"properties\": {\"field\": {\"type\": \"string\"}, \"message\": {\"type\": "
    "\"string\"}}}}}}},"
    "\"securitySchemes\": {"
    "\"bearer\": {\"type\": \"http\", \"scheme\": \"bearer\", \"description\": \"Staff: the "
    "token of POST /api/v1/auth/login.\"},"
    "\"apiKey\": {\"type\": \"apiKey\", \"in\": \"header\", \"name\": \"X-Api-Key\", "
    "\"description\": \"Client applications (broadcasters, Open311 clients): a key of POST "
    "/api/v1/api-keys or POST /api/v1/broadcasters.\"},"
    "\"basic\": {\"type\": \"http\", \"scheme\": \"basic\", \"description\": \"Broadcasters' "
    "routes only, for feed readers: any user name, the API key as the password.\"}}}";

/* The tags: one per domain, by the path's first segment after /api/v1/. */
static const struct {
    const char *prefix, *tag;
} tag_of_path[] = {
    {"/healthz", "Operations"},
    {"/readyz", "Operations"},
    {"/metrics", "Operations"},
    {"/api/v1/openapi.json", "Operations"},
    {"/api/v1/status", "Operations"},
    {"/api/v1/auth", "Auth"},
    {"/api/v1/users", "Auth"},
    {"/api/v1/staff", "Auth"},
    {"/api/v1/api-keys", "Auth"},
    {"/api/v1/audit", "Auth"},
    {"/api/v1/units", "Content"},
    {"/api/v1/topics", "Content"},
    {"/api/v1/articles", "Content"},
    {"/api/v1/notices", "Content"},
    {"/api/v1/procedures", "Content"},
    {"/api/v1/search", "Content"}, /* the portal's published content, answers too */
    {"/api/v1/feedback", "Feedback"},
    {"/api/v1/calendar", "Feedback"},
    {"/api/v1/ratings", "Feedback"},
    {"/api/v1/quota", "Quota"},
    {"/api/v1/plans", "Quota"},
    {"/api/v1/assets", "Media"},
    {"/api/v1/broadcasters", "Media"},
    {"/api/v1/media", "Media"},
    {"/api/v1/notifications", "Notifications"},
    {"/open311", "Open311"},
};

static const char tags[] =
    "[{\"name\": \"Auth\", \"description\": \"Tài khoản, đăng nhập, khóa API, nhật ký thao tác — "
    "accounts, sessions, API keys and the audit trail (the gateway).\"},"
    "{\"name\": \"Content\", \"description\": \"Đơn vị, chủ đề, bài viết, thông báo, thủ tục "
    "hành chính — units, topics, articles and their review, notices, the procedures' catalogue "
    "(content-svc).\"},"
    "{\"name\": \"Feedback\", \"description\": \"Phản ánh, kiến nghị — citizens' feedback on "
    "administrative regulations (Decree 20/2008/NĐ-CP), its workflow and deadlines, the calendar "
    "of working days, one-stop desk ratings (feedback-svc).\"},"
    "{\"name\": \"Quota\", \"description\": \"Chỉ tiêu, kế hoạch — monthly article quotas per "
    "unit, the year's plan and its activity reports (quota-svc).\"},"
    "{\"name\": \"Media\", \"description\": \"Phân phối tin cho báo chí — assets, broadcasters, "
    "ninjs packages as BagIt bags, the broadcasters' feed and receipts (media-svc).\"},"
    "{\"name\": \"Notifications\", \"description\": \"Thông báo cho cán bộ — a member's "
    "notifications and preferences, the outgoing queue (notify-svc).\"},"
    "{\"name\": \"Open311\", \"description\": \"Open311 GeoReport v2 — the same feedback for "
    "existing 311 clients, XML or JSON.\"},"
    "{\"name\": \"Operations\", \"description\": \"Liveness, readiness, metrics, this "
    "document.\"}]";

static const char *tag_of (const char *pattern)
{
    for (size_t i = 0; i < sizeof tag_of_path / sizeof tag_of_path[0]; i++) {
        size_t n = strlen (tag_of_path[i].prefix);
        if (strncmp (pattern, tag_of_path[i].prefix, n) == 0 &&
            (pattern[n] == '\0' || pattern[n] == '/' || pattern[n] == '.'))
            return tag_of_path[i].tag;
    }
    return "Operations";
}

/* A success response: `content` (taken; NULL for none) and its headers. */
static json_t *success (const char *description, json_t *content, const gw_route *r, int created)
{
    json_t *headers = json_pack ("{s:o}", "X-Request-Id", ref ("headers", "X-Request-Id"));
    if (created)
        json_object_set_new (headers, "Location", ref ("headers", "Location"));
    if ((r->flags & (GW_PUBLIC | GW_FILE | GW_NINJS)) || (r->flags & GW_IF_MATCH))
        json_object_set_new (headers, "ETag", ref ("headers", "ETag"));
    if (strcmp (r->pattern, "/api/v1/media/feed") == 0)
        json_object_set_new (headers, "Link", ref ("headers", "Link"));
    json_t *resp = json_pack ("{s:s, s:o}", "description", description, "headers", headers);
    if (content)
        json_object_set_new (resp, "content", content);
    return resp;
}

/* The 200 (201) of a route with an output, and of its alternatives. */
static json_t *ok_content (json_t *schemas, const gw_route *r)
{
    json_t *content = json_object ();
    add_content (content, schemas, r);
    for (const gw_route *const *alt = r->alternatives; alt && *alt; alt++)
        if ((*alt)->output)
            add_content (content, schemas, *alt);
    return content;
}

/* What an own operation answers: JSON Schema text, or media types
 * separated by spaces. */
static json_t *own_content (const char *response)
{
    if (response[0] != '{') {
        json_t *content = json_object ();
        for (const char *p = response; *p;) {
            size_t n = strcspn (p, " ");
            char type[64];
            snprintf (type, sizeof type, "%.*s", (int) (n < sizeof type ? n : sizeof type - 1), p);
            json_object_set_new (
                content, type,
                json_pack ("{s:{s:s, s:s}}", "schema", "type", "string", "format", "binary"));
            p += n;
            while (*p == ' ')
                p++;
        }
        return content;
    }
    json_t *schema = json_loads (response, 0, NULL);
    return schema ? json_pack ("{s:{s:o}}", "application/json", "schema", schema) : NULL;
}

/* The 429 of a throttled route: Retry-After, and `content` (taken; NULL
 * for none) as its errors' body. */
static json_t *too_many_response (json_t *content)
{
    json_t *r = json_pack ("{s:s, s:{s:o, s:o}}", "description",
                           "Too many requests from this address or client (LOA_INTAKE_LIMIT per "
                           "LOA_INTAKE_WINDOW_S seconds, or the login throttle)",
                           "headers", "Retry-After", ref ("headers", "Retry-After"), "X-Request-Id",
                           ref ("headers", "X-Request-Id"));
    if (r && content)
        json_object_set_new (r, "content", content);
    else
        json_decref (content);
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
    json_t *problem = ref ("responses", "Problem");
    json_object_set_new (responses, "406", problem);
}

/* Security and the x-roles of route `r` on `op`. */
static void security (json_t *op, const gw_route *r)
{
    json_t *sec = json_array (), *roles = json_array ();
    if (r->allow & ~(GW_BROADCASTER | GW_OPEN311))
        json_array_append_new (sec, json_pack ("{s:[]}", "bearer"));
    if (r->allow & (GW_BROADCASTER | GW_OPEN311))
        json_array_append_new (sec, json_pack ("{s:[]}", "apiKey"));
    if (r->allow & GW_BROADCASTER)
        json_array_append_new (sec, json_pack ("{s:[]}", "basic"));
    static const char *names[] = {"admin", "reviewer", "editor", "inspector", "handler", "leader"};
    for (int k = 0; k < 6; k++)
        if (r->allow & (1u << k))
            json_array_append_new (roles, json_string (names[k]));
    if (r->allow & GW_STAFF)
        json_array_append_new (roles, json_string ("staff"));
    if (r->allow & GW_BROADCASTER)
        json_array_append_new (roles, json_string ("broadcaster"));
    if (r->allow & GW_OPEN311)
        json_array_append_new (roles, json_string ("open311_client"));
    json_object_set_new (op, "security", sec);
    json_object_set_new (op, "x-roles", roles);
}

/* Adds the X-Request-Id header to each response object of `responses`
 * that has none (Open311's own operations). */
static void request_id_everywhere (json_t *responses)
{
    const char *code;
    json_t *resp;
    json_object_foreach (responses, code, resp)
    {
        if (json_object_get (resp, "$ref"))
            continue;
        json_t *headers = json_object_get (resp, "headers");
        if (!headers) {
            headers = json_object ();
            json_object_set_new (resp, "headers", headers);
        }
        if (!json_object_get (headers, "X-Request-Id"))
            json_object_set_new (headers, "X-Request-Id", ref ("headers", "X-Request-Id"));
    }
}

/* The operation of route `r`. */
static json_t *operation (json_t *schemas, const gw_route *r)
{
    const gw_openapi_own *own = gw_openapi_own_find (r->method, r->pattern);
    json_t *op = json_object ();
    json_t *responses = json_object ();
    json_t *params = json_array ();
    char op_id[160];
    snprintf (op_id, sizeof op_id, "%s %s", r->method, r->pattern);
    json_object_set_new (op, "operationId", json_string (r->rpc ? r->rpc : op_id));
    json_object_set_new (op, "tags", json_pack ("[s]", tag_of (r->pattern)));
    if (own && own->summary)
        json_object_set_new (op, "summary", json_string (own->summary));
    else if (r->rpc)
        json_object_set_new (op, "summary", json_string (r->rpc));
    if (own && own->description)
        json_object_set_new (op, "description", json_string (own->description));
    int secured = !(r->allow & GW_ANYONE);
    if (secured)
        security (op, r);

    /* The success response. */
    int created = (r->flags & GW_CREATES) != 0;
    if (own) {
        json_t *content = own->response ? own_content (own->response) : NULL;
        /* /readyz answers 503 with the same body, naming what is down. */
        if (strcmp (r->pattern, "/readyz") == 0)
            json_object_set_new (responses, "503",
                                 success ("Not ready: `checks` names what does not answer",
                                          own_content (own->response), r, 0));
        if (content && own->also)
            json_object_set_new (content, own->also,
                                 json_pack ("{s:{s:s}}", "schema", "type", "string"));
        json_object_set_new (responses, own->status,
                             success (strcmp (own->status, "204") == 0 ? "No content" : "OK",
                                      content, r,
                                      strcmp (own->status, "201") == 0 && !own->no_location));
    } else if (r->output || (r->flags & GW_FILE)) {
        json_t *content = ok_content (schemas, r);
        json_t *json = json_object_get (content, "application/json");
        if ((r->flags & GW_NINJS) && json) { /* a broadcaster gets the ninjs document */
            json_object_set_new (json, "schema",
                                 json_pack ("{s:[O, o]}", "anyOf", json_object_get (json, "schema"),
                                            ref ("schemas", "NinjsDocument")));
        }
        json_object_set_new (
            responses, created ? "201" : "200",
            success (created ? "Created" : "OK", content, r, created && r->location != NULL));
        /* A repeated receipt answers 200 with the same body. */
        if (created && strcmp (r->pattern, "/api/v1/media/receipts") == 0)
            json_object_set_new (
                responses, "200",
                success ("A repeat: the receipt already given", ok_content (schemas, r), r, 0));
        /* Bytes that are an asset already answer 200 with that one. */
        if (created && strcmp (r->pattern, "/api/v1/assets") == 0)
            json_object_set_new (responses, "200",
                                 success ("The same bytes were an asset already: that one",
                                          ok_content (schemas, r), r, 1));
    } else {
        json_object_set_new (responses, "204", success ("No content", NULL, r, 0));
    }
    if (r->flags & (GW_PUBLIC | GW_FILE)) {
        json_object_set_new (responses, "304", ref ("responses", "NotModified"));
        json_array_append_new (params, ref ("parameters", "If-None-Match"));
    }

    /* The errors. */
    int takes_body = (r->flags & GW_TAKES_BODY) || (own && own->body);
    json_t *query = own && own->params ? json_loads (own->params, 0, NULL) : NULL;
    int has_query = query && json_array_size (query);
    if (r->input && !(r->flags & (GW_BODY | GW_BODY_OPT)))
        has_query = 1;
    if (takes_body || has_query || (r->flags & GW_NINJS))
        json_object_set_new (responses, "400", ref ("responses", "BadRequest"));
    if (secured || (r->allow & GW_OWN_AUTH)) {
        json_object_set_new (responses, "401", ref ("responses", "Unauthorized"));
        json_object_set_new (responses, "403", ref ("responses", "Forbidden"));
    }
    if (strchr (r->pattern, '{'))
        json_object_set_new (responses, "404", ref ("responses", "NotFound"));
    if (r->flags & GW_IF_MATCH)
        json_object_set_new (responses, "412", ref ("responses", "PreconditionFailed"));
    if (takes_body) {
        json_object_set_new (responses, "413", ref ("responses", "PayloadTooLarge"));
        json_object_set_new (responses, "422", ref ("responses", "Unprocessable"));
    }
    if ((r->flags & (GW_THROTTLED | GW_THROTTLED_APP | GW_THROTTLED_LOOKUP)) ||
        strcmp (r->pattern, "/api/v1/auth/login") == 0)
        json_object_set_new (responses, "429",
                             too_many_response (json_pack ("{s:{s:o}}", "application/problem+json",
                                                           "schema", ref ("schemas", "Problem"))));
    json_object_set_new (responses, "default", ref ("responses", "Problem"));

    /* The parameters. */
    for (const char *p = strchr (r->pattern, '{'); p; p = strchr (p + 1, '{')) {
        char name[32];
        size_t len = strcspn (p + 1, "}");
        len = len < sizeof name - 1 ? len : sizeof name - 1;
        memcpy (name, p + 1, len);
        name[len] = '\0';
        json_array_append_new (params,
                               json_pack ("{s:s, s:s, s:b, s:{s:s}}", "name", name, "in", "path",
                                          "required", 1, "schema", "type", "string"));
    }
    if (r->flags & GW_IF_MATCH)
        json_array_append_new (
            params, json_pack ("{s:s, s:s, s:s, s:b, s:{s:s}}", "name", "If-Match", "in", "header",
                               "description",
                               "The version the change is based on (quoted or bare); another "
                               "version is 412.",
                               "required",
                               (r->flags & GW_BODY) && r->method[0] == 'P' && r->method[1] == 'A',
                               "schema", "type", "string"));
    if (created && strcmp (r->method, "POST") == 0)
        json_array_append_new (params, ref ("parameters", "Idempotency-Key"));
    if (r->input && !(r->flags & (GW_BODY | GW_BODY_OPT))) {
        const ProtobufCMessageDescriptor *d = r->input;
        for (unsigned k = 0; k < d->n_fields; k++)
            if (!strstr (r->pattern, d->fields[k].name) &&
                d->fields[k].type != PROTOBUF_C_TYPE_MESSAGE)
                json_array_append_new (
                    params, json_pack ("{s:s, s:s, s:o}", "name", d->fields[k].name, "in", "query",
                                       "schema", field_schema (schemas, &d->fields[k], IN)));
    }
    for (size_t i = 0; i < json_array_size (query); i++)
        json_array_append (params, json_array_get (query, i));
    json_decref (query);
    if (r->flags & GW_NINJS)
        ninjs_operation (op, responses, params);
    json_object_set_new (op, "parameters", params);
    json_object_set_new (op, "responses", responses);

    /* The request body. */
    if (r->flags & GW_UPLOAD) /* the raw bytes, their type checked from them */
        json_object_set_new (
            op, "requestBody",
            json_pack ("{s:s, s:b, s:{s:{s:{s:s, s:s}}, s:{s:{s:s, s:s}}, s:{s:{s:s, s:s}}, "
                       "s:{s:{s:s, s:s}}}}",
                       "description",
                       "The file's bytes; its type is judged from them, not from Content-Type.",
                       "required", 1, "content", "image/*", "schema", "type", "string", "format",
                       "binary", "video/*", "schema", "type", "string", "format", "binary",
                       "audio/mpeg", "schema", "type", "string", "format", "binary",
                       "application/pdf", "schema", "type", "string", "format", "binary"));
    const ProtobufCMessageDescriptor *body = r->body ? r->body : r->input;
    json_t *body_schema = NULL;
    if (own && own->body)
        body_schema = json_loads (own->body, 0, NULL);
    else if (body && (r->flags & (GW_BODY | GW_BODY_OPT)))
        body_schema = message_ref (schemas, body, IN);
    if (body_schema)
        json_object_set_new (op, "requestBody",
                             json_pack ("{s:b, s:{s:{s:o}}}", "required", (r->flags & GW_BODY) != 0,
                                        "content", "application/json", "schema", body_schema));
    else if (!(r->flags & GW_TAKES_BODY) && strcmp (r->method, "GET") != 0 &&
             strcmp (r->method, "DELETE") != 0)
        /* A write that reads no body says so (tests/openapi checks). */
        json_object_set_new (op, "x-loa-body", json_string ("none"));
    return op;
}

enum MHD_Result gw_openapi (gw_request *req)
{
    json_t *components = json_loads (shared_components, 0, NULL);
    json_t *own = json_loads (gw_openapi_own_schemas, 0, NULL);
    if (!components || !own) {
        json_decref (components);
        json_decref (own);
        return gw_respond_problem (req, 500, "Không lập được tài liệu OpenAPI", NULL);
    }
    json_t *paths = json_object (), *schemas = json_object_get (components, "schemas");
    json_object_update (schemas, own);
    json_decref (own);
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
                                     too_many_response (json_deep_copy (json_object_get (
                                         json_object_get (rs, "default"), "content"))));
            request_id_everywhere (rs);
            json_object_set_new (own_op, "tags", json_pack ("[s]", tag_of (r->pattern)));
            json_object_set_new (item, method, own_op);
            continue;
        }
        json_object_set_new (item, method, operation (schemas, r));
    }
    json_t *servers = json_array ();
    const char *public_url = loa_env ("LOA_PUBLIC_URL", "");
    if (public_url && *public_url)
        json_array_append_new (servers, json_pack ("{s:s, s:s}", "url", public_url, "description",
                                                   "This installation"));
    json_array_append_new (servers, json_pack ("{s:s, s:s}", "url", "/", "description",
                                               "The gateway that served this document"));
    json_t *doc = json_pack (
        "{s:s, s:{s:s, s:s, s:s}, s:o, s:o, s:o, s:o}", "openapi", "3.1.0", "info", "title",
        "Loa REST API", "version", LOA_VERSION, "description",
        "Truyền thông cải cách hành chính: bài viết, phản ánh kiến nghị, chỉ tiêu, phân phối tin "
        "cho báo chí. The REST contract of Loa (docs/api/): JSON in UTF-8, snake_case keys, "
        "RFC 3339 times with their offset, errors as application/problem+json naming the field. "
        "Responses may gain fields at any time; clients ignore what they do not know. POSTs that "
        "create answer 201 with Location and honour Idempotency-Key; public reads send ETag and "
        "answer If-None-Match with 304; every response carries X-Request-Id.",
        "servers", servers, "tags", json_loads (tags, 0, NULL), "paths", paths, "components",
        components);
    return gw_respond_json (req, 200, doc);
}
