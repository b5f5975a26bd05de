#include "open311/open311.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cache.h"
#include "core/metrics.h"
#include "core/services.h"
#include "core/xml.h"
#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "loa_config.h"
#include "loa_log.h"
#include "loa_text.h"
#include "open311/form.h"
#include "open311/open311_map.h"

#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"
/* When the discovery document, the services or their attributes last
 * changed: clients refresh what they cache when it moves. */
#define CHANGESET "2026-11-27T00:00:00+07:00"
#define FORM_LIMIT (256 * 1024) /* 20,000 characters of Vietnamese, percent-encoded */
#define TITLE_MAX 300
#define MAX_PAGE_SIZE 1000 /* GeoReport v2: "first 1000 requests" */
#define MAX_CODE 64
#define MAX_IDS 100 /* service_request_id values in one GET requests (feedback-svc's bound) */

typedef enum { FMT_XML, FMT_JSON } fmt;

/* ------------------------------------------------------------ answers */

/* The answer's format from the route's {format}: 1 when known. Unknown,
 * errors go out in XML, the format every client reads. */
static int format_of (gw_request *req, fmt *f)
{
    const char *v = gw_param (req, "format");
    *f = FMT_XML;
    if (v && strcmp (v, "json") == 0)
        *f = FMT_JSON;
    return v && (strcmp (v, "xml") == 0 || strcmp (v, "json") == 0);
}

/* Input quoted in a message: as it is when short UTF-8, else left out. */
static const char *quoted (const char *s)
{
    return s && strlen (s) <= 100 && loa_utf8_valid (s) ? s : "…";
}

/* The element of each item of a Spark-convention container. */
static const char *item_name (const char *container)
{
    static const char *const names[][2] = {
        {"services", "service"},         {"endpoints", "endpoint"}, {"formats", "format"},
        {"attributes", "attribute"},     {"values", "value"},       {"errors", "error"},
        {"service_requests", "request"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp (names[i][0], container) == 0)
            return names[i][1];
    return "item";
}

/* `v` as the element `name` (Spark convention: null is an empty element). */
static void to_xml (gw_xml *x, const char *name, json_t *v)
{
    const char *key;
    json_t *child;
    size_t i;
    char num[40];
    switch (json_typeof (v)) {
    case JSON_OBJECT:
        gw_xml_open (x, name);
        json_object_foreach (v, key, child) { to_xml (x, key, child); }
        gw_xml_close (x);
        break;
    case JSON_ARRAY:
        gw_xml_open (x, name);
        json_array_foreach (v, i, child) { to_xml (x, item_name (name), child); }
        gw_xml_close (x);
        break;
    case JSON_STRING: gw_xml_text (x, name, json_string_value (v)); break;
    case JSON_INTEGER: gw_xml_int (x, name, (long long) json_integer_value (v)); break;
    case JSON_REAL:
        snprintf (num, sizeof num, "%.17g", json_real_value (v));
        gw_xml_text (x, name, num);
        break;
    case JSON_TRUE:
    case JSON_FALSE: gw_xml_bool (x, name, json_is_true (v)); break;
    case JSON_NULL:
    default: gw_xml_text (x, name, NULL); break;
    }
}

/* Sends `doc` (stolen) as JSON or as XML with the root element `root`. A
 * 200 to a GET carries an ETag (304 on If-None-Match); `location` (may be
 * NULL) is for a 201. */
static enum MHD_Result respond (gw_request *req, fmt f, unsigned status, json_t *doc,
                                const char *root, const char *location)
{
    char *text = NULL;
    size_t len = 0;
    if (doc && f == FMT_JSON) {
        text = json_dumps (doc, JSON_COMPACT);
        len = text ? strlen (text) : 0;
    } else if (doc) {
        gw_xml *x = gw_xml_new ();
        if (x) {
            to_xml (x, root, doc);
            text = gw_xml_finish (&x, &len);
        }
    }
    json_decref (doc);
    if (!text)
        return gw_respond_problem (req, 500, "Không tạo được câu trả lời", NULL);
    char etag[24];
    int tagged = status == 200 && strcmp (req->method, "POST") != 0;
    if (tagged)
        gw_etag (text, len, etag);
    return gw_respond_body (
        req, status, f == FMT_XML ? "text/xml; charset=utf-8" : "application/json; charset=utf-8",
        text, len, tagged ? etag : NULL, location);
}

__attribute__ ((format (printf, 3, 4))) static void add_error (json_t *errors, int code,
                                                               const char *format, ...)
{
    char description[1024];
    va_list ap;
    va_start (ap, format);
    vsnprintf (description, sizeof description, format, ap);
    va_end (ap);
    json_t *e = json_pack ("{s:i, s:s}", "code", code, "description", description);
    if (!e) /* a message cut inside a character: keep what is whole */
        e = json_pack ("{s:i, s:s}", "code", code, "description", "Yêu cầu không hợp lệ");
    json_array_append_new (errors, e);
}

/* The spec's error list (`errors` stolen) with HTTP status `http`. */
static enum MHD_Result respond_errors (gw_request *req, fmt f, unsigned http, json_t *errors)
{
    json_t *e;
    size_t i;
    json_array_foreach (errors, i, e)
    {
        if (json_integer_value (json_object_get (e, "code")) >= 500)
            loa_warn (req->request_id, "open311: %s %s -> %u: %s", req->method, req->url, http,
                      json_string_value (json_object_get (e, "description")));
    }
    return respond (req, f, http, errors, "errors", NULL);
}

__attribute__ ((format (printf, 5, 6))) static enum MHD_Result
respond_error (gw_request *req, fmt f, unsigned http, int code, const char *format, ...)
{
    char description[1024];
    va_list ap;
    va_start (ap, format);
    vsnprintf (description, sizeof description, format, ap);
    va_end (ap);
    json_t *errors = json_array ();
    add_error (errors, code, "%s", description);
    return respond_errors (req, f, http, errors);
}

static enum MHD_Result unknown_format (gw_request *req)
{
    return respond_error (req, FMT_XML, 404, 404,
                          "Không hỗ trợ định dạng \"%s\": chỉ có xml hoặc json",
                          quoted (gw_param (req, "format")));
}

/* A string, or null when absent or empty. */
static json_t *jstr (const char *s)
{
    json_t *v = s && *s ? json_string (s) : NULL;
    return v ? v : json_null ();
}

/* ------------------------------------------------------------ RPC */

static Loa__Status call (gw_request *req, const char *method, const ProtobufCMessage *in,
                         const char *idempotency_key, loa_rpc_result *res)
{
    loa_rpc_client *c = gw_service_client (GW_FEEDBACK);
    res->status = LOA__STATUS__UNAVAILABLE;
    res->reply = NULL;
    if (!c)
        return LOA__STATUS__UNAVAILABLE;
    int64_t t0 = loa_mono_ms ();
    Loa__Status st = loa_rpc_call (c, method, &req->caller, req->request_id, idempotency_key, in,
                                   gw_rpc_timeout_ms (), res);
    gw_metrics_rpc (GW_FEEDBACK, st, loa_mono_ms () - t0);
    return st;
}

/* The spec's errors for a failed call (`res` cleared): the service's field
 * errors named by their Open311 fields; 404 for NOT_FOUND (`not_found`
 * says what), 403 for a caller refused, 400 with the HTTP meaning in the
 * body's code for the rest (503 when feedback-svc is down, ...). */
static enum MHD_Result rpc_failure (gw_request *req, fmt f, Loa__Status st, loa_rpc_result *res,
                                    int title_given, const char *not_found)
{
    json_t *errors = json_array ();
    const char *error =
        res->reply && res->reply->error && *res->reply->error ? res->reply->error : NULL;
    unsigned http = 400;
    int code = (int) gw_http_status (st);
    switch (st) {
    case LOA__STATUS__INVALID:
        for (size_t i = 0; res->reply && i < res->reply->n_field_errors; i++) {
            const Loa__FieldError *fe = res->reply->field_errors[i];
            add_error (errors, 400, "%s: %s", o311_field (fe->field, title_given), fe->message);
        }
        if (!json_array_size (errors))
            add_error (errors, 400, "%s", error ? error : "Yêu cầu không hợp lệ");
        break;
    case LOA__STATUS__NOT_FOUND:
        http = 404;
        add_error (errors, 404, "%s", not_found ? not_found : error ? error : "Không tìm thấy");
        break;
    case LOA__STATUS__UNAUTHENTICATED:
    case LOA__STATUS__FORBIDDEN:
        http = 403;
        add_error (errors, 403, "%s",
                   error ? error : "Khóa API không có quyền thực hiện thao tác này");
        break;
    case LOA__STATUS__UNAVAILABLE:
    case LOA__STATUS__DEADLINE:
        add_error (errors, code,
                   "Dịch vụ phản ánh, kiến nghị tạm thời không sẵn sàng; vui lòng thử lại sau");
        break;
    default: add_error (errors, code, "%s", error ? error : "Không xử lý được yêu cầu"); break;
    }
    loa_rpc_result_clear (res);
    return respond_errors (req, f, http, errors);
}

/* ------------------------------------------------------------ discovery, services */

static int valid_host (const char *h)
{
    size_t n = h ? strlen (h) : 0;
    if (n == 0 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum ((unsigned char) h[i]) && !strchr (".-:[]_", h[i]))
            return 0;
    return 1;
}

/* scheme://host of this gateway as the client reached it. */
static void base_url (gw_request *req, char *out, size_t cap)
{
    const char *host = gw_header (req, MHD_HTTP_HEADER_HOST);
    const char *proto =
        loa_env_bool ("LOA_TRUST_PROXY", 0) ? gw_header (req, "X-Forwarded-Proto") : NULL;
    snprintf (out, cap, "%s://%s", proto && strcasecmp (proto, "https") == 0 ? "https" : "http",
              valid_host (host) ? host : "localhost");
}

/* A setting of free text: the environment's when valid UTF-8, else `def`. */
static const char *text_setting (const char *name, const char *def)
{
    const char *v = loa_env (name, NULL);
    return v && loa_utf8_valid (v) ? v : def;
}

enum MHD_Result gw_open311_discovery (gw_request *req)
{
    fmt f;
    if (!format_of (req, &f))
        return unknown_format (req);
    char base[300], url[340], contact[700];
    base_url (req, base, sizeof base);
    snprintf (url, sizeof url, "%s/open311/v2", base);
    snprintf (contact, sizeof contact,
              "Thanh tra Sở Kế hoạch và Đầu tư tiếp nhận, theo dõi phản ánh, kiến nghị về quy định "
              "hành chính. Đường dây nóng và thư điện tử: %s/api/v1/notices?kind=hotline",
              base);
    const char *key_service = text_setting (
        "LOA_OPEN311_KEY_SERVICE",
        "Khóa API (api_key) do quản trị viên hệ thống của Sở cấp cho từng ứng dụng (loại "
        "open311_client), theo đề nghị bằng văn bản gửi Thanh tra Sở.");
    json_t *doc =
        json_pack ("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset", CHANGESET,
                   "contact", text_setting ("LOA_OPEN311_CONTACT", contact), "key_service",
                   key_service, "endpoints", "specification", SPEC_URL, "url", url, "changeset",
                   CHANGESET, "type", "production", "formats", "text/xml", "application/json");
    return respond (req, f, 200, doc, "discovery", NULL);
}

enum MHD_Result gw_open311_services (gw_request *req)
{
    fmt f;
    if (!format_of (req, &f))
        return unknown_format (req);
    json_t *list = json_array ();
    for (size_t i = 0; i < o311_n_services; i++) {
        const o311_service *s = &o311_services[i];
        json_array_append_new (list,
                               json_pack ("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code",
                                          s->code, "service_name", s->name, "description",
                                          s->description, "metadata", o311_n_attributes > 0, "type",
                                          "realtime", "keywords", s->keywords, "group", s->group));
    }
    return respond (req, f, 200, list, "services", NULL);
}

enum MHD_Result gw_open311_definition (gw_request *req)
{
    fmt f;
    if (!format_of (req, &f))
        return unknown_format (req);
    const char *code = gw_param (req, "service_code");
    const o311_service *s = o311_service_find (code);
    if (!s)
        return respond_error (req, f, 404, 404, "Không có dịch vụ (service_code) \"%s\"",
                              quoted (code));
    json_t *attributes = json_array ();
    for (size_t i = 0; i < o311_n_attributes; i++) {
        const o311_attribute *a = &o311_attributes[i];
        json_array_append_new (
            attributes,
            json_pack ("{s:b, s:s, s:s, s:b, s:s, s:i, s:s}", "variable", 1, "code", a->code,
                       "datatype", a->datatype, "required", a->required, "datatype_description",
                       a->datatype_description, "order", a->order, "description", a->description));
    }
    return respond (req, f, 200,
                    json_pack ("{s:s, s:o}", "service_code", s->code, "attributes", attributes),
                    "service_definition", NULL);
}

/* ------------------------------------------------------------ POST requests */

/* 1 for application/x-www-form-urlencoded in UTF-8 (or no type at all). */
static int form_type (const char *ct)
{
    if (!ct)
        return 1;
    static const char type[] = "application/x-www-form-urlencoded";
    size_t n = strcspn (ct, ";");
    while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    if (n != sizeof type - 1 || strncasecmp (ct, type, n) != 0)
        return 0;
    const char *cs = strcasestr (ct, "charset=");
    if (!cs)
        return 1;
    cs += 8;
    if (*cs == '"')
        cs++;
    return strncasecmp (cs, "utf-8", 5) == 0 || strncasecmp (cs, "utf8", 4) == 0;
}

/* The fields of the spec's POST that we read or knowingly leave. */
static const char *const form_fields[] = {
    "api_key",    "jurisdiction_id", "service_code", "lat",        "long",       "address_string",
    "address_id", "email",           "device_id",    "account_id", "first_name", "last_name",
    "phone",      "description",     "media_url",    NULL,
};

/* A field's value; NULL when absent or empty ("Optional" in the spec: an
 * empty parameter is one not sent). */
static const char *field (const gw_form *form, const char *name)
{
    const char *v = gw_form_get (form, name);
    return v && *v ? v : NULL;
}

static const char *attribute (const gw_form *form, const char *code)
{
    char name[GW_FORM_MAX_NAME + 1];
    snprintf (name, sizeof name, "attribute[%s]", code);
    return field (form, name);
}

/* Checks the fields: each at most once, attributes of the definition only.
 * Errors are added to `errors`. */
static void check_fields (const gw_form *form, json_t *errors)
{
    for (size_t i = 0; i < gw_form_size (form); i++) {
        const char *name = gw_form_name (form, i);
        int known = 0;
        for (int k = 0; form_fields[k]; k++)
            known |= strcmp (form_fields[k], name) == 0;
        if (!known && strncmp (name, "attribute[", 10) == 0) {
            size_t n = strlen (name);
            char code[GW_FORM_MAX_NAME];
            snprintf (code, sizeof code, "%.*s", (int) (n > 11 ? n - 11 : 0), name + 10);
            if (name[n - 1] != ']' || !o311_attribute_find (code)) {
                add_error (errors, 400,
                           "%s: không có trong định nghĩa dịch vụ (attribute[title], "
                           "attribute[procedure_code], attribute[regulation_ref], "
                           "attribute[organization])",
                           name);
                continue;
            }
            known = 1;
        }
        if (!known)
            continue; /* other clients' extensions: left alone */
        int first = 1;
        for (size_t k = 0; k < i; k++)
            first &= strcmp (gw_form_name (form, k), name) != 0;
        if (first && gw_form_count (form, name) > 1)
            add_error (errors, 400, "%s: chỉ được gửi một lần", name);
    }
}

/* "15/02/2022" of an RFC 3339 time, or "" when it does not start with a date. */
static void date_vn (const char *t, char out[16])
{
    int ok = t && strlen (t) >= 10 && t[4] == '-' && t[7] == '-';
    for (int i = 0; ok && i < 10; i++)
        ok = i == 4 || i == 7 || isdigit ((unsigned char) t[i]);
    if (ok)
        snprintf (out, 16, "%.2s/%.2s/%.4s", t + 8, t + 5, t);
    else
        out[0] = '\0';
}

/* The created request's answer: [{service_request_id, service_notice,
 * account_id}] and its Location. */
static enum MHD_Result created (gw_request *req, fmt f, const Loa__Feedback__FeedbackReceipt *r)
{
    char due[16], notice[400], location[200];
    date_vn (r->due_at, due);
    int n = snprintf (notice, sizeof notice,
                      "Đã tiếp nhận phản ánh, kiến nghị với mã %s, dùng để tra cứu kết quả.",
                      r->tracking_code);
    if (*due && n > 0 && (size_t) n < sizeof notice)
        snprintf (notice + n, sizeof notice - (size_t) n, " Thời hạn trả lời: ngày %s.", due);
    snprintf (location, sizeof location, "/open311/v2/requests/%s.%s", r->tracking_code,
              f == FMT_XML ? "xml" : "json");
    json_t *doc = json_pack ("[{s:s, s:s, s:n}]", "service_request_id", r->tracking_code,
                             "service_notice", notice, "account_id");
    return respond (req, f, 201, doc, "service_requests", location);
}

static gw_throttle *apps; /* per client application; NULL: off */

void gw_open311_set_throttle (gw_throttle *t) { apps = t; }

enum MHD_Result gw_open311_create (gw_request *req)
{
    fmt f;
    if (!format_of (req, &f))
        return unknown_format (req);
    if (!form_type (gw_header (req, MHD_HTTP_HEADER_CONTENT_TYPE)))
        return respond_error (req, f, 400, 400,
                              "Nội dung phải là application/x-www-form-urlencoded; charset=utf-8");
    if (req->body_len > FORM_LIMIT)
        return respond_error (req, f, 400, 413, "Nội dung vượt quá giới hạn %d KiB",
                              FORM_LIMIT / 1024);
    gw_form_error ferr;
    gw_form *form = gw_form_parse (req->body ? req->body : "", req->body_len, &ferr);
    if (!form && !ferr.message[0])
        return respond_error (req, f, 400, 500, "Không đủ bộ nhớ để đọc yêu cầu");
    if (!form)
        return respond_error (req, f, 400, 400, "%s: %s", quoted (ferr.field), ferr.message);

    enum MHD_Result rc;
    json_t *errors = json_array ();
    char *name = NULL;
    check_fields (form, errors);
    if (json_array_size (errors)) {
        rc = respond_errors (req, f, 400, errors);
        goto out;
    }
    /* The key: the spec's api_key field (in the body, or the query), or
     * the X-Api-Key header that gw_auth_check has verified already. */
    const char *key = field (form, "api_key");
    if (!key)
        key = MHD_lookup_connection_value (req->conn, MHD_GET_ARGUMENT_KIND, "api_key");
    int ok = gw_auth_api_key (req, key, "open311_client");
    if (ok < 0) {
        add_error (errors, 503, "Không kiểm tra được api_key lúc này; vui lòng thử lại sau");
        rc = respond_errors (req, f, 400, errors);
        goto out;
    }
    if (!ok) {
        add_error (errors, 403,
                   key && *key ? "api_key không hợp lệ, đã bị thu hồi hoặc hết hạn"
                               : "Thiếu api_key: cần khóa API do Sở cấp cho ứng dụng");
        rc = respond_errors (req, f, 403, errors);
        goto out;
    }
    long wait_s = apps ? gw_throttle_hit_client (apps, (unsigned) (req->route - gw_routes),
                                                 req->caller.api_key_id, loa_mono_ms ())
                       : 0;
    if (wait_s) {
        req->retry_after_s = wait_s; /* queue() adds Retry-After */
        add_error (errors, 429, GW_TOO_MANY_DETAIL, wait_s);
        rc = respond_errors (req, f, 429, errors);
        goto out;
    }
    const char *code = field (form, "service_code");
    const o311_service *service = o311_service_find (code);
    if (!service) {
        if (code)
            add_error (errors, 404, "service_code: không có dịch vụ \"%s\"", quoted (code));
        else
            add_error (errors, 400, "service_code: là bắt buộc (report hoặc recommendation)");
        rc = respond_errors (req, f, code ? 404 : 400, errors);
        goto out;
    }

    const char *first = field (form, "first_name"), *last = field (form, "last_name");
    size_t name_cap = (first ? strlen (first) : 0) + (last ? strlen (last) : 0) + 2;
    name = malloc (name_cap);
    if (!name) {
        add_error (errors, 500, "Không đủ bộ nhớ để đọc yêu cầu");
        rc = respond_errors (req, f, 400, errors);
        goto out;
    }
    o311_full_name (first, last, name, name_cap);
    const char *description = field (form, "description");
    const char *title = attribute (form, "title");
    char derived[4 * TITLE_MAX + 1];
    if (!title && description) {
        o311_title (description, TITLE_MAX, derived, sizeof derived);
        title = *derived ? derived : NULL;
    }

    Loa__Feedback__SubmitterInput sub = LOA__FEEDBACK__SUBMITTER_INPUT__INIT;
    sub.name = *name ? name : NULL;
    sub.address = (char *) field (form, "address_string");
    sub.phone = (char *) field (form, "phone");
    sub.email = (char *) field (form, "email");
    sub.organization = (char *) attribute (form, "organization");
    Loa__Feedback__CreateFeedbackRequest in = LOA__FEEDBACK__CREATE_FEEDBACK_REQUEST__INIT;
    in.kind = (char *) service->code;
    in.title = (char *) title;
    in.content = (char *) description;
    in.submitter = &sub;
    in.procedure_code = (char *) attribute (form, "procedure_code");
    in.regulation_ref = (char *) attribute (form, "regulation_ref");
    in.channel = (char *) "open311";

    json_decref (errors); /* every check is done: from here on, one error at most */
    loa_rpc_result res;
    Loa__Status st =
        call (req, "feedback.create", &in.base, gw_header (req, "Idempotency-Key"), &res);
    if (st != LOA__STATUS__CREATED && st != LOA__STATUS__OK) {
        rc = rpc_failure (req, f, st, &res, attribute (form, "title") != NULL, NULL);
        goto out;
    }
    gw_cache_invalidate (GW_FEEDBACK); /* the client reads its own write at once */
    Loa__Feedback__FeedbackReceipt *receipt =
        loa__feedback__feedback_receipt__unpack (NULL, res.reply->body.len, res.reply->body.data);
    loa_rpc_result_clear (&res);
    if (!receipt || !receipt->tracking_code || !*receipt->tracking_code) {
        loa_error (req->request_id, "open311: the reply of feedback.create is not a receipt");
        if (receipt)
            loa__feedback__feedback_receipt__free_unpacked (receipt, NULL);
        rc = respond_error (req, f, 400, 500, "Câu trả lời của dịch vụ không đọc được");
        goto out;
    }
    loa_info (req->request_id, "open311: %s received from api key %lld", receipt->tracking_code,
              (long long) req->caller.api_key_id);
    rc = created (req, f, receipt);
    loa__feedback__feedback_receipt__free_unpacked (receipt, NULL);
out:
    free (name);
    gw_form_destroy (&form);
    return rc;
}

/* ------------------------------------------------------------ GET requests */

/* One request as the public may see it: never the submitter, never the
 * content (its title is the description). */
static json_t *request_json (gw_request *req, const Loa__Feedback__FeedbackPublic *p)
{
    const char *status = o311_status (p->status);
    if (!status) {
        loa_warn (req->request_id, "open311: %s has a status unknown here: %s", p->tracking_code,
                  p->status);
        status = "open";
    }
    const char *answer = p->maybe_answer_case == LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_ANSWER_ANSWER
                             ? p->answer
                             : NULL;
    char note[600];
    o311_status_notes (p->status, NULL, p->unit_name, p->forwarded_to, note, sizeof note);
    const o311_service *s = o311_service_find (p->kind);
    /* "For requests with status=closed, this will be the date the request
     * was closed." */
    const char *updated = p->updated_at;
    if (p->maybe_closed_at_case == LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_CLOSED_AT_CLOSED_AT)
        updated = p->closed_at;
    else if (p->maybe_published_at_case ==
                 LOA__FEEDBACK__FEEDBACK_PUBLIC__MAYBE_PUBLISHED_AT_PUBLISHED_AT &&
             strcmp (status, "closed") == 0)
        updated = p->published_at;
    const char *agency = p->unit_name && *p->unit_name ? p->unit_name : NULL;
    if (!agency && p->status && strcmp (p->status, "forwarded") == 0)
        agency = p->forwarded_to;
    json_t *o = json_object ();
    json_object_set_new (o, "service_request_id", jstr (p->tracking_code));
    json_object_set_new (o, "status", json_string (status));
    json_object_set_new (o, "status_notes", jstr (answer && *answer ? answer : note));
    json_object_set_new (o, "service_name", jstr (s ? s->name : p->kind));
    json_object_set_new (o, "service_code", jstr (p->kind));
    json_object_set_new (o, "description", jstr (p->title));
    json_object_set_new (o, "agency_responsible", jstr (agency));
    json_object_set_new (o, "requested_datetime", jstr (p->received_at));
    json_object_set_new (o, "updated_datetime", jstr (updated));
    json_object_set_new (o, "expected_datetime", jstr (p->due_at));
    return o;
}

/* A tracking code as given, or NULL when it cannot be one. Upper-cased
 * into out (Crockford base32 is read case-insensitively). */
static const char *tracking_code (const char *s, char *out, size_t cap)
{
    size_t n = s ? strlen (s) : 0;
    if (n == 0 || n > MAX_CODE || n >= cap)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum ((unsigned char) s[i]) && s[i] != '.' && s[i] != '-')
            return NULL;
        out[i] = (char) toupper ((unsigned char) s[i]);
    }
    out[n] = '\0';
    return out;
}

typedef struct {
    char *lists[3]; /* service_request_id, service_code, status: comma-joined */
    const char *start_date, *end_date, *page, *page_size;
    json_t *errors;
    int oom;
} list_query;

static const char *const list_keys[] = {"service_request_id", "service_code", "status"};

/* Query arguments: the lists may come comma-separated, repeated, or both;
 * the others count once (the first). Empty ones are not given. */
static enum MHD_Result on_list_arg (void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void) kind;
    list_query *q = cls;
    if (!value || !*value)
        return MHD_YES;
    const char **single = strcmp (key, "start_date") == 0  ? &q->start_date
                          : strcmp (key, "end_date") == 0  ? &q->end_date
                          : strcmp (key, "page") == 0      ? &q->page
                          : strcmp (key, "page_size") == 0 ? &q->page_size
                                                           : NULL;
    int list = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp (key, list_keys[i]) == 0)
            list = i;
    if (!single && list < 0)
        return MHD_YES; /* jurisdiction_id and cache busters */
    if (!loa_utf8_valid (value)) {
        add_error (q->errors, 400, "%s: phải là văn bản UTF-8 hợp lệ", key);
        return MHD_YES;
    }
    if (single) {
        if (!*single)
            *single = value;
        return MHD_YES;
    }
    size_t have = q->lists[list] ? strlen (q->lists[list]) : 0;
    char *grown = realloc (q->lists[list], have + strlen (value) + 2);
    if (!grown) {
        q->oom = 1;
        return MHD_NO;
    }
    snprintf (grown + have, strlen (value) + 2, "%s%s", have ? "," : "", value);
    q->lists[list] = grown;
    return MHD_YES;
}

/* An integer query argument within [min, max] into *out (def when absent). */
static void int_arg (list_query *q, const char *name, const char *v, long def, long min, long max,
                     int32_t *out)
{
    *out = (int32_t) def;
    if (!v)
        return;
    char *end;
    long n = strtol (v, &end, 10);
    if (*end || end == v || n < min || n > max) {
        add_error (q->errors, 400, "%s: phải là số nguyên từ %ld đến %ld", name, min, max);
        return;
    }
    *out = (int32_t) n;
}

/* Splits a comma list in place: trims each item, drops empty ones; returns
 * how many it holds and their starts in items[] (at most cap). */
static size_t split (char *s, char **items, size_t cap, size_t *total)
{
    size_t n = 0;
    *total = 0;
    for (char *save = NULL, *t = s ? strtok_r (s, ",", &save) : NULL; t;
         t = strtok_r (NULL, ",", &save)) {
        while (*t == ' ')
            t++;
        size_t len = strlen (t);
        while (len && t[len - 1] == ' ')
            t[--len] = '\0';
        if (!len)
            continue;
        (*total)++;
        if (n < cap)
            items[n++] = t;
    }
    return n;
}

enum MHD_Result gw_open311_requests (gw_request *req)
{
    fmt f;
    if (!format_of (req, &f))
        return unknown_format (req);
    list_query q = {.errors = json_array ()};
    MHD_get_connection_values (req->conn, MHD_GET_ARGUMENT_KIND, on_list_arg, &q);
    enum MHD_Result rc;
    char *ids = NULL;
    Loa__Feedback__PublicListRequest in = LOA__FEEDBACK__PUBLIC_LIST_REQUEST__INIT;
    char from[40], to[40];
    if (q.oom) {
        add_error (q.errors, 500, "Không đủ bộ nhớ để đọc yêu cầu");
        goto refuse;
    }
    in.has_page = in.has_page_size = 1;
    int_arg (&q, "page", q.page, 1, 1, 1000000, &in.page);
    int_arg (&q, "page_size", q.page_size, MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE, &in.page_size);

    /* service_request_id overrides every other filter (the spec). */
    char *items[MAX_IDS];
    size_t total, n = split (q.lists[0], items, MAX_IDS, &total);
    if (total > MAX_IDS)
        add_error (q.errors, 400, "service_request_id: tối đa %d mã trong một lần tra cứu",
                   MAX_IDS);
    if (n > 0) {
        ids = malloc (n * (MAX_CODE + 1) + 1);
        if (!ids) {
            add_error (q.errors, 500, "Không đủ bộ nhớ để đọc yêu cầu");
            goto refuse;
        }
        size_t o = 0;
        for (size_t i = 0; i < n; i++) {
            char code[MAX_CODE + 1];
            if (!tracking_code (items[i], code, sizeof code)) {
                add_error (q.errors, 400, "service_request_id: \"%s\" không phải mã tra cứu",
                           quoted (items[i]));
                continue;
            }
            o += (size_t) sprintf (ids + o, "%s%s", o ? "," : "", code);
        }
        in.service_request_id = ids;
    } else {
        char *codes[8], *statuses[8];
        size_t n_codes = split (q.lists[1], codes, 8, &total);
        if (total > n_codes)
            add_error (q.errors, 400, "service_code: quá nhiều giá trị");
        unsigned code_bits = 0, status_bits = 0;
        for (size_t i = 0; i < n_codes; i++) {
            const o311_service *s = o311_service_find (codes[i]);
            if (!s)
                add_error (q.errors, 400, "service_code: không có dịch vụ \"%s\"",
                           quoted (codes[i]));
            else
                code_bits |= 1u << (s - o311_services);
        }
        size_t n_statuses = split (q.lists[2], statuses, 8, &total);
        if (total > n_statuses)
            add_error (q.errors, 400, "status: quá nhiều giá trị");
        for (size_t i = 0; i < n_statuses; i++) {
            if (strcmp (statuses[i], "open") == 0)
                status_bits |= 1;
            else if (strcmp (statuses[i], "closed") == 0)
                status_bits |= 2;
            else
                add_error (q.errors, 400, "status: \"%s\" không hợp lệ (open hoặc closed)",
                           quoted (statuses[i]));
        }
        /* One value filters; every value is no filter at all. */
        for (size_t i = 0; i < o311_n_services; i++)
            if (code_bits == 1u << i)
                in.service_code = (char *) o311_services[i].code;
        if (status_bits == 1 || status_bits == 2)
            in.status = (char *) (status_bits == 1 ? "open" : "closed");
        char why[200];
        const char *bad =
            o311_window (q.start_date, q.end_date, loa_now_ms () * 1000, from, to, why, sizeof why);
        if (bad)
            add_error (q.errors, 400, "%s: %s", bad, why);
        in.start_date = from;
        in.end_date = to;
    }
    if (json_array_size (q.errors))
        goto refuse;

    loa_rpc_result res;
    Loa__Status st = call (req, "feedback.public_list", &in.base, NULL, &res);
    if (st != LOA__STATUS__OK) {
        rc = rpc_failure (req, f, st, &res, 0, NULL);
        json_decref (q.errors);
        goto out;
    }
    Loa__Feedback__FeedbackPublicList *list = loa__feedback__feedback_public_list__unpack (
        NULL, res.reply->body.len, res.reply->body.data);
    loa_rpc_result_clear (&res);
    if (!list) {
        loa_error (req->request_id, "open311: the reply of feedback.public_list is not a list");
        add_error (q.errors, 500, "Câu trả lời của dịch vụ không đọc được");
        goto refuse;
    }
    json_t *out = json_array ();
    for (size_t i = 0; i < list->n_items; i++)
        json_array_append_new (out, request_json (req, list->items[i]));
    loa__feedback__feedback_public_list__free_unpacked (list, NULL);
    json_decref (q.errors);
    rc = respond (req, f, 200, out, "service_requests", NULL);
    goto out;
refuse:
    rc = respond_errors (req, f, 400, q.errors);
out:
    for (int i = 0; i < 3; i++)
        free (q.lists[i]);
    free (ids);
    return rc;
}

enum MHD_Result gw_open311_request (gw_request *req)
{
    fmt f;
    if (!format_of (req, &f))
        return unknown_format (req);
    const char *given = gw_param (req, "service_request_id");
    char code[MAX_CODE + 1], not_found[200];
    snprintf (not_found, sizeof not_found,
              "Không tìm thấy phản ánh, kiến nghị có mã (service_request_id) \"%s\"",
              quoted (given));
    if (!tracking_code (given, code, sizeof code))
        return respond_error (req, f, 404, 404, "%s", not_found);
    Loa__Feedback__TrackRequest in = LOA__FEEDBACK__TRACK_REQUEST__INIT;
    in.tracking_code = code;
    loa_rpc_result res;
    Loa__Status st = call (req, "feedback.track", &in.base, NULL, &res);
    if (st == LOA__STATUS__INVALID)
        st = LOA__STATUS__NOT_FOUND; /* a code that cannot exist is one that does not */
    if (st != LOA__STATUS__OK)
        return rpc_failure (req, f, st, &res, 0, not_found);
    Loa__Feedback__FeedbackPublic *p =
        loa__feedback__feedback_public__unpack (NULL, res.reply->body.len, res.reply->body.data);
    loa_rpc_result_clear (&res);
    if (!p) {
        loa_error (req->request_id, "open311: the reply of feedback.track is not an item");
        return respond_error (req, f, 400, 500, "Câu trả lời của dịch vụ không đọc được");
    }
    json_t *one = json_array ();
    json_array_append_new (one, request_json (req, p));
    loa__feedback__feedback_public__free_unpacked (p, NULL);
    return respond (req, f, 200, one, "service_requests", NULL);
}

/* ------------------------------------------------------------ OpenAPI */

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

json_t *gw_open311_operation (const gw_route *r)
{
    static const struct {
        gw_handler handler;
        const char *id, *summary;
    } ops[] = {
        {gw_open311_discovery, "open311.discovery", "Open311: tài liệu khám phá dịch vụ"},
        {gw_open311_services, "open311.services", "Open311: các loại phản ánh, kiến nghị"},
        {gw_open311_definition, "open311.service_definition",
         "Open311: thông tin bổ sung (attribute) của một loại"},
        {gw_open311_create, "open311.requests.create",
         "Open311: gửi phản ánh, kiến nghị (cần api_key của ứng dụng open311_client)"},
        {gw_open311_requests, "open311.requests.list",
         "Open311: tra cứu phản ánh, kiến nghị (tối đa 90 ngày, 1000 mục)"},
        {gw_open311_request, "open311.requests.get",
         "Open311: tra cứu một phản ánh, kiến nghị theo mã"},
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
    json_t *ok =
        json_pack ("{s:s, s:o}", "description", "OK", "content", both_formats (json_object ()));
    json_t *responses = json_object ();
    json_object_set_new (responses, r->handler == gw_open311_create ? "201" : "200", ok);
    json_object_set_new (responses, "default", errors);
    json_t *op = json_pack ("{s:s, s:s, s:[s], s:o, s:o}", "operationId", ops[k].id, "summary",
                            ops[k].summary, "tags", "Open311 GeoReport v2", "parameters", params,
                            "responses", responses);
    json_object_set_new (op, "externalDocs", json_pack ("{s:s}", "url", SPEC_URL));
    if (r->handler == gw_open311_create) {
        json_t *props = json_object ();
        for (int i = 0; form_fields[i]; i++)
            json_object_set_new (props, form_fields[i], string_schema ());
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
