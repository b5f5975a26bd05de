/* answer: Open311's answers (open311_int.h): one JSON document (jansson)
 * per answer, written as JSON or as XML by the spec's Spark convention
 * (arrays are a container element of repeated items); errors are the
 * spec's list of {code, description}. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/respond.h"
#include "core/xml.h"
#include "loa_log.h"
#include "loa_text.h"
#include "open311/open311_int.h"
#include "open311/open311_map.h"

/* The answer's format from the route's {format}: 1 when known. Unknown,
 * errors go out in XML, the format every client reads. */
int o311_format_of (gw_request *req, o311_fmt *f)
{
    const char *v = gw_param (req, "format");
    *f = FMT_XML;
    if (v && strcmp (v, "json") == 0)
        *f = FMT_JSON;
    return v && (strcmp (v, "xml") == 0 || strcmp (v, "json") == 0);
}

/* Input quoted in a message: as it is when short UTF-8, else left out. */
const char *o311_quoted (const char *s)
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
enum MHD_Result o311_respond (gw_request *req, o311_fmt f, unsigned status, json_t *doc,
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

void o311_add_error (json_t *errors, int code, const char *format, ...)
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
enum MHD_Result o311_respond_errors (gw_request *req, o311_fmt f, unsigned http, json_t *errors)
{
    json_t *e;
    size_t i;
    json_array_foreach (errors, i, e)
    {
        if (json_integer_value (json_object_get (e, "code")) >= 500)
            loa_warn (req->request_id, "open311: %s %s -> %u: %s", req->method, req->url, http,
                      json_string_value (json_object_get (e, "description")));
    }
    return o311_respond (req, f, http, errors, "errors", NULL);
}

enum MHD_Result o311_respond_error (gw_request *req, o311_fmt f, unsigned http, int code,
                                    const char *format, ...)
{
    char description[1024];
    va_list ap;
    va_start (ap, format);
    vsnprintf (description, sizeof description, format, ap);
    va_end (ap);
    json_t *errors = json_array ();
    o311_add_error (errors, code, "%s", description);
    return o311_respond_errors (req, f, http, errors);
}

enum MHD_Result o311_unknown_format (gw_request *req)
{
    return o311_respond_error (req, FMT_XML, 404, 404,
                               "Không hỗ trợ định dạng \"%s\": chỉ có xml hoặc json",
                               o311_quoted (gw_param (req, "format")));
}

/* A string, or null when absent or empty. */
json_t *o311_jstr (const char *s)
{
    json_t *v = s && *s ? json_string (s) : NULL;
    return v ? v : json_null ();
}

/* ------------------------------------------------------------ failed calls */

enum MHD_Result o311_fail (gw_request *req, const gw_failure *failure, void *arg)
{
    const o311_failure *how = arg;
    json_t *errors = json_array ();
    const char *error = failure->error;
    unsigned http = 400;
    Loa__Status st = failure->status;
    if (st == LOA__STATUS__INVALID && how->not_found)
        st = LOA__STATUS__NOT_FOUND;
    int code = (int) gw_http_status (st);
    switch (st) {
    case LOA__STATUS__INVALID:
        for (size_t i = 0; i < failure->n_field_errors; i++) {
            const Loa__FieldError *fe = failure->field_errors[i];
            o311_add_error (errors, 400, "%s: %s", o311_field (fe->field, how->title_given),
                            fe->message);
        }
        if (!json_array_size (errors))
            o311_add_error (errors, 400, "%s", error ? error : "Yêu cầu không hợp lệ");
        break;
    case LOA__STATUS__NOT_FOUND:
        http = 404;
        o311_add_error (errors, 404, "%s",
                        how->not_found ? how->not_found
                        : error        ? error
                                       : "Không tìm thấy");
        break;
    case LOA__STATUS__UNAUTHENTICATED:
    case LOA__STATUS__FORBIDDEN:
        http = 403;
        o311_add_error (errors, 403, "%s",
                        error ? error : "Khóa API không có quyền thực hiện thao tác này");
        break;
    case LOA__STATUS__UNAVAILABLE:
    case LOA__STATUS__DEADLINE:
        o311_add_error (
            errors, code,
            "Dịch vụ phản ánh, kiến nghị tạm thời không sẵn sàng; vui lòng thử lại sau");
        break;
    default: o311_add_error (errors, code, "%s", error ? error : "Không xử lý được yêu cầu"); break;
    }
    return o311_respond_errors (req, how->f, http, errors);
}

int o311_call (gw_request *req, const char *method, const ProtobufCMessage *in,
               const ProtobufCMessageDescriptor *out, const char *idempotency_key,
               o311_failure *how, gw_reply *reply)
{
    gw_call_spec spec = {
        .service = GW_FEEDBACK,
        .method = method,
        .in = in,
        .out = out,
        .idempotency_key = idempotency_key,
        /* Open311's GETs (lists, a request by id) only read. */
        .read = strcmp (req->method, "GET") == 0 || strcmp (req->method, "HEAD") == 0,
        .fail = o311_fail,
        .fail_arg = how,
    };
    return gw_call (req, &spec, reply);
}
