/* http: libmicrohttpd glue. One gw_request per HTTP request: created on the
 * first call of the access handler, fed the body, dispatched on the final
 * call, freed in the completion callback (which also records metrics). */
#include "core/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "core/metrics.h"
#include "core/services.h"
#include "loa_config.h"
#include "loa_log.h"
#include "portal/portal.h"

static size_t body_limit = 1 << 20;
static gw_throttle *intake; /* GW_THROTTLED routes; NULL: off */

/* ------------------------------------------------------------ helpers */

const char *gw_header (gw_request *req, const char *name)
{
    return MHD_lookup_connection_value (req->conn, MHD_HEADER_KIND, name);
}

/* A client's X-Request-Id is echoed when it looks like an id (so it cannot
 * inject anything into logs or headers); otherwise we make one. */
static void set_request_id (gw_request *req)
{
    const char *given = gw_header (req, "X-Request-Id");
    if (given) {
        size_t n = strlen (given);
        int ok = n >= 1 && n <= 64;
        for (size_t i = 0; ok && i < n; i++) {
            char c = given[i];
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == ':';
        }
        if (ok) {
            memcpy (req->request_id, given, n + 1);
            return;
        }
    }
    unsigned char rnd[12];
    if (getrandom (rnd, sizeof rnd, 0) != (ssize_t) sizeof rnd)
        memset (rnd, 0, sizeof rnd);
    for (size_t i = 0; i < sizeof rnd; i++)
        snprintf (req->request_id + 2 * i, 3, "%02x", rnd[i]);
}

static uint64_t fnv1a (const char *data, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char) data[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* 1 when If-None-Match lists `etag` (or "*"); weak comparison (RFC 9110). */
static int etag_matches (const char *header, const char *etag)
{
    const char *p = header;
    size_t elen = strlen (etag);
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (*p == '*')
            return 1;
        if (strncmp (p, "W/", 2) == 0)
            p += 2;
        if (strncmp (p, etag, elen) == 0 && (p[elen] == '\0' || p[elen] == ',' || p[elen] == ' '))
            return 1;
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

static enum MHD_Result queue (gw_request *req, unsigned status, struct MHD_Response *resp)
{
    if (!resp)
        return MHD_NO;
    MHD_add_response_header (resp, "X-Request-Id", req->request_id);
    if (req->retry_after_s > 0) {
        char retry[24];
        snprintf (retry, sizeof retry, "%ld", req->retry_after_s);
        MHD_add_response_header (resp, MHD_HTTP_HEADER_RETRY_AFTER, retry);
    }
    req->http_status = (int) status;
    enum MHD_Result rc = MHD_queue_response (req->conn, status, resp);
    MHD_destroy_response (resp);
    return rc;
}

enum MHD_Result gw_queue_response (gw_request *req, unsigned status, struct MHD_Response *resp)
{
    return queue (req, status, resp);
}

int gw_etag_matches (const char *header, const char *etag) { return etag_matches (header, etag); }

enum MHD_Result gw_respond_raw (gw_request *req, unsigned status, const char *content_type,
                                const char *data, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer (len, (void *) data, MHD_RESPMEM_MUST_COPY);
    if (resp && content_type)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    return queue (req, status, resp);
}

/* 1 when `name` can go between quotes in a header as it is. */
static int plain_filename (const char *name)
{
    if (!name || !*name)
        return 0;
    for (const char *p = name; *p; p++)
        if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
            return 0;
    return 1;
}

enum MHD_Result gw_respond_file (gw_request *req, unsigned status, const char *content_type,
                                 const char *filename, const void *data, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer (len, (void *) data, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                             content_type && *content_type ? content_type
                                                           : "application/octet-stream");
    if (plain_filename (filename) && strlen (filename) < 200) {
        char disposition[256];
        snprintf (disposition, sizeof disposition, "attachment; filename=\"%s\"", filename);
        MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
    }
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    return queue (req, status, resp);
}

enum MHD_Result gw_respond_empty (gw_request *req, unsigned status)
{
    return queue (req, status, MHD_create_response_from_buffer (0, NULL, MHD_RESPMEM_PERSISTENT));
}

void gw_etag (const char *text, size_t len, char out[24])
{
    snprintf (out, 24, "\"%016llx\"", (unsigned long long) fnv1a (text, len));
}

enum MHD_Result gw_respond_body (gw_request *req, unsigned status, const char *content_type,
                                 char *text, size_t len, const char *etag, const char *location)
{
    struct MHD_Response *resp;
    if (etag) {
        const char *inm = gw_header (req, MHD_HTTP_HEADER_IF_NONE_MATCH);
        if (inm && etag_matches (inm, etag)) {
            free (text);
            resp = MHD_create_response_from_buffer (0, NULL, MHD_RESPMEM_PERSISTENT);
            status = MHD_HTTP_NOT_MODIFIED;
            goto headers;
        }
    }
    resp = MHD_create_response_from_buffer (len, text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free (text);
        return MHD_NO;
    }
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    if (location && *location)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_LOCATION, location);
headers:
    if (etag) {
        MHD_add_response_header (resp, MHD_HTTP_HEADER_ETAG, etag);
        MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL, "public, no-cache");
    } else {
        MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    }
    return queue (req, status, resp);
}

enum MHD_Result gw_respond_text (gw_request *req, unsigned status, char *text, size_t len,
                                 const char *etag)
{
    return gw_respond_body (req, status, "application/json; charset=utf-8", text, len, etag, NULL);
}

enum MHD_Result gw_respond_json (gw_request *req, unsigned status, json_t *json)
{
    char *text = json_dumps (json, JSON_COMPACT);
    json_decref (json);
    if (!text)
        return gw_respond_problem (req, 500, "Không tạo được câu trả lời", NULL);
    size_t len = strlen (text);
    char etag[24];
    int public_read = req->route && (req->route->flags & GW_PUBLIC) && status == 200;
    if (public_read)
        gw_etag (text, len, etag);
    return gw_respond_text (req, status, text, len, public_read ? etag : NULL);
}

enum MHD_Result gw_respond_created (gw_request *req, json_t *json, const char *location)
{
    char *text = json_dumps (json, JSON_COMPACT);
    json_decref (json);
    if (!text)
        return gw_respond_problem (req, 500, "Không tạo được câu trả lời", NULL);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer (strlen (text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free (text);
        return MHD_NO;
    }
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (location && *location)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_LOCATION, location);
    return queue (req, 201, resp);
}

static const struct {
    unsigned status;
    const char *slug, *title;
} problems[] = {
    {400, "bad-request", "Yêu cầu không hợp lệ"},
    {401, "unauthenticated", "Chưa xác thực"},
    {403, "forbidden", "Không có quyền"},
    {404, "not-found", "Không tìm thấy"},
    {405, "method-not-allowed", "Phương thức không được hỗ trợ"},
    {406, "not-acceptable", "Không có dạng trả lời được chấp nhận"},
    {409, "conflict", "Xung đột dữ liệu"},
    {410, "gone", "Không còn tồn tại"},
    {412, "precondition-failed", "Phiên bản đã thay đổi"},
    {413, "payload-too-large", "Nội dung quá lớn"},
    {415, "unsupported-media-type", "Kiểu nội dung không được hỗ trợ"},
    {422, "validation-error", "Dữ liệu không hợp lệ"},
    {428, "precondition-required", "Cần gửi phiên bản (If-Match)"},
    {429, "too-many-requests", "Quá nhiều yêu cầu"},
    {500, "internal-error", "Lỗi máy chủ"},
    {503, "service-unavailable", "Dịch vụ tạm thời không sẵn sàng"},
    {504, "gateway-timeout", "Dịch vụ không phản hồi kịp thời hạn"},
};

/* The problem+json response for `status` (not yet queued), or NULL. */
static struct MHD_Response *problem_response (gw_request *req, unsigned status, const char *detail,
                                              json_t *errors)
{
    const char *slug = "error", *title = "Lỗi";
    for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++)
        if (problems[i].status == status) {
            slug = problems[i].slug;
            title = problems[i].title;
        }
    char type[64];
    snprintf (type, sizeof type, "/problems/%s", slug);
    json_t *p = json_pack ("{s:s, s:s, s:i, s:s, s:s, s:o}", "type", type, "title", title, "status",
                           (int) status, "detail", detail ? detail : title, "request_id",
                           req->request_id, "errors", errors ? errors : json_array ());
    char *text = p ? json_dumps (p, JSON_COMPACT) : NULL;
    json_decref (p);
    if (!text)
        return NULL;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer (strlen (text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free (text);
        return NULL;
    }
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                             "application/problem+json; charset=utf-8");
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    return resp;
}

enum MHD_Result gw_respond_problem (gw_request *req, unsigned status, const char *detail,
                                    json_t *errors)
{
    return gw_respond_problem_with (req, status, detail, errors, NULL, NULL);
}

enum MHD_Result gw_respond_problem_with (gw_request *req, unsigned status, const char *detail,
                                         json_t *errors, const char *header, const char *value)
{
    struct MHD_Response *resp = problem_response (req, status, detail, errors);
    if (resp && status == 503)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_RETRY_AFTER, "5");
    if (resp && status == 401)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"loa\"");
    if (resp && header)
        MHD_add_response_header (resp, header, value);
    if (status >= 500)
        loa_warn (req->request_id, "%s %s -> %u %s", req->method, req->url, status,
                  detail ? detail : "");
    return queue (req, status, resp);
}

/* ------------------------------------------------------------ MHD callbacks */

static enum MHD_Result respond_405 (gw_request *req, const char *allow)
{
    char detail[256];
    snprintf (detail, sizeof detail, "Phương thức %.24s không dùng được ở đây; được phép: %.96s",
              req->method, allow);
    struct MHD_Response *resp = problem_response (req, 405, detail, NULL);
    if (resp)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_ALLOW, allow);
    return queue (req, 405, resp);
}

/* Counts a request of a GW_THROTTLED route that passed authentication,
 * once it is about to reach its handler (so 401, 404, 405 and 413 do not
 * count, and neither does a refused one). 1 with *rc set when refused. */
static int throttled (gw_request *req, enum MHD_Result *rc)
{
    long wait_s = gw_throttle_hit (intake, (unsigned) (req->route - gw_routes), req->client_addr,
                                   loa_mono_ms ());
    if (!wait_s)
        return 0;
    loa_debug (req->request_id, "throttle: %s %s from %s refused for %ld s", req->method,
               req->route->pattern, req->client_addr, wait_s);
    req->retry_after_s = wait_s; /* queue() adds Retry-After */
    char detail[160];
    snprintf (detail, sizeof detail, GW_TOO_MANY_DETAIL, wait_s);
    *rc = gw_respond_problem (req, 429, detail, NULL);
    return 1;
}

static enum MHD_Result on_request (void *cls, struct MHD_Connection *conn, const char *url,
                                   const char *method, const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **con_cls)
{
    (void) cls;
    (void) version;
    gw_request *req = *con_cls;
    if (!req) {
        req = calloc (1, sizeof *req);
        if (!req)
            return MHD_NO;
        *con_cls = req;
        req->conn = conn;
        req->method = method;
        req->url = url;
        req->t0_ms = loa_mono_ms ();
        loa__caller__init (&req->caller);
        set_request_id (req);
        req->head = strcmp (method, "HEAD") == 0;
        char allow[96] = "";
        req->route = gw_route_match (req->head ? "GET" : method, url, req, allow, sizeof allow);
        if (!req->route) {
            if (allow[0])
                return respond_405 (req, allow);
            /* The web portal (static.c) answers on the final call: an
             * answer queued on this first call would close the connection,
             * and a page's many files want it kept alive. */
            if (gw_static_owns (url)) {
                req->web = 1;
                return MHD_YES;
            }
            return gw_respond_problem (req, 404, "Không có tài nguyên nào ở địa chỉ này", NULL);
        }
        if (req->route->flags & GW_UPLOAD)
            return gw_upload_begin (req); /* its own limit, its own file */
        const char *cl = gw_header (req, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull (cl, NULL, 10) > body_limit) {
            char detail[96];
            snprintf (detail, sizeof detail, "Nội dung vượt quá giới hạn %zu byte", body_limit);
            return gw_respond_problem (req, 413, detail, NULL);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (req->route && (req->route->flags & GW_UPLOAD)) {
            gw_upload_feed (req, upload_data, n);
            return MHD_YES;
        }
        if (req->too_large)
            return MHD_YES;
        if (req->body_len + n > body_limit) { /* chunked bodies are only known as they come */
            req->too_large = 1;
            free (req->body);
            req->body = NULL;
            req->body_len = req->body_cap = 0;
            return MHD_YES;
        }
        if (req->body_len + n + 1 > req->body_cap) {
            size_t cap = req->body_cap ? req->body_cap : 1024;
            while (cap < req->body_len + n + 1)
                cap *= 2;
            char *grown = realloc (req->body, cap);
            if (!grown)
                return MHD_NO;
            req->body = grown;
            req->body_cap = cap;
        }
        memcpy (req->body + req->body_len, upload_data, n);
        req->body_len += n;
        req->body[req->body_len] = '\0';
        return MHD_YES;
    }
    if (req->too_large) {
        char detail[96];
        snprintf (detail, sizeof detail, "Nội dung vượt quá giới hạn %zu byte", body_limit);
        return gw_respond_problem (req, 413, detail, NULL);
    }
    if (req->web)
        return gw_static_serve (req);
    enum MHD_Result rc;
    /* An upload's caller was checked before its body was read. */
    if (!(req->route->flags & GW_UPLOAD) && gw_auth_check (req, &rc) != 0)
        return rc;
    if ((req->route->flags & GW_THROTTLED) && intake)
        if (throttled (req, &rc))
            return rc;
    return req->route->handler (req);
}

static void on_completed (void *cls, struct MHD_Connection *conn, void **con_cls,
                          enum MHD_RequestTerminationCode toe)
{
    (void) cls;
    (void) conn;
    gw_request *req = *con_cls;
    if (!req)
        return;
    int64_t elapsed = loa_mono_ms () - req->t0_ms;
    gw_metrics_http (req->route, req->web, (unsigned) req->http_status, elapsed);
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        loa_debug (req->request_id, "%s %s ended early (%d)", req->method, req->url, (int) toe);
    else
        loa_debug (req->request_id, "%s %s -> %d in %lld ms", req->method, req->url,
                   req->http_status, (long long) elapsed);
    if (req->upload)
        gw_upload_end (req); /* a cut-off upload leaves no file */
    if (req->download)
        gw_download_end (req, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
    free (req->body);
    free (req);
    *con_cls = NULL;
}

/* MHD ends its pool threads one by one at stop: each closes its own RPC
 * sockets through the thread-exit destructor in services.c. */

/* libmicrohttpd's own messages go to the JSON log, not raw stderr. */
static void mhd_log (void *cls, const char *fmt, va_list ap)
{
    (void) cls;
    char msg[512];
    vsnprintf (msg, sizeof msg, fmt, ap);
    size_t n = strlen (msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    loa_warn (NULL, "http: %s", msg);
}

gw_throttle *gw_http_intake_throttle (void) { return intake; }

struct MHD_Daemon *gw_http_start (unsigned port, unsigned threads, size_t max_body,
                                  gw_throttle *intake_throttle)
{
    body_limit = max_body;
    intake = intake_throttle;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_USE_ERROR_LOG;
    struct MHD_Daemon *d = MHD_start_daemon (
        flags, (uint16_t) port, NULL, NULL, on_request, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned) 60, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 64 * 1024,
        MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned) 1, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
        MHD_OPTION_END);
    if (!d)
        loa_error (NULL, "http: cannot listen on port %u", port);
    return d;
}
