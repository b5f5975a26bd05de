/* respond: the answers (respond.h). Problems follow docs/api/conventions.md
 * ("Errors"); ETags docs/decisions/0009-etags.md. */
#include "core/respond.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/cors.h"
#include "core/encode.h"
#include "loa_log.h"
#include "loa_pbjson.h"

#define JSON_TYPE "application/json; charset=utf-8"

/* SipHash-2-4 (libsodium's crypto_shorthash) of the body under a fixed
 * key: 64 bits, like the FNV-1a it replaces, but eight bytes per round
 * instead of a multiply per byte (a 5 KB article was 4 % of the gateway's
 * CPU on an uncached read). Not a secret: the key only has to be the same
 * in every gateway, so that replicas agree. */
void gw_etag (const char *text, size_t len, char out[24])
{
    static const unsigned char key[crypto_shorthash_KEYBYTES] = "loa-etag-v2.....";
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash (h, (const unsigned char *) text, len, key);
    snprintf (out, 24, "\"%02x%02x%02x%02x%02x%02x%02x%02x\"", h[0], h[1], h[2], h[3], h[4], h[5],
              h[6], h[7]);
}

int gw_etag_matches (const char *header, const char *etag)
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

int gw_not_modified (gw_request *req, const char *etag)
{
    const char *inm = etag ? gw_header (req, MHD_HTTP_HEADER_IF_NONE_MATCH) : NULL;
    return inm && gw_etag_matches (inm, etag);
}

/* The security headers, set here for every response the gateway makes
 * (the API's, problems, files, pages, the 404), so that no handler can
 * forget them. A page (HTML) may load what comes from the gateway itself:
 * no third party, no inline script, no framing; anything else is data and
 * may load nothing at all, should a browser ever render it. */
#define PAGE_CSP                                                                                   \
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "               \
    "form-action 'self'; frame-ancestors 'none'"
#define DATA_CSP "default-src 'none'; frame-ancestors 'none'"

static void add_security_headers (gw_request *req, unsigned status, struct MHD_Response *resp)
{
    const char *type = MHD_get_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE);
    /* A 304 has no type; the portal's are its pages' (a page's policy on
     * its stylesheet does no harm, the data policy on a page would). */
    int page = type ? strncmp (type, "text/html", 9) == 0 : status == 304 && req->fallback;
    MHD_add_response_header (resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header (resp, "Content-Security-Policy",
                             req->csp ? req->csp
                             : page   ? PAGE_CSP
                                      : DATA_CSP);
    MHD_add_response_header (resp, "Referrer-Policy", page ? "same-origin" : "no-referrer");
    if (page)
        MHD_add_response_header (resp, "X-Frame-Options", "DENY"); /* browsers without CSP 2 */
}

/* Queues `resp` (taken; destroyed here; NULL gives MHD_NO) with `status`,
 * the security headers, CORS's (core/cors.h), X-Request-Id and, when
 * throttled, Retry-After. */
static enum MHD_Result queue (gw_request *req, unsigned status, struct MHD_Response *resp,
                              uint64_t len)
{
    if (!resp)
        return MHD_NO;
    req->resp_bytes = len;
    add_security_headers (req, status, resp);
    gw_cors_add_headers (req, resp);
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

/* A response of `text` (taken, freed on failure too). */
static struct MHD_Response *from_text (char *text, size_t len)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer (len, text, MHD_RESPMEM_MUST_FREE);
    if (!resp)
        free (text);
    return resp;
}

/* Adds name, value, ..., NULL (a NULL value skips its header). */
static void add_headers (struct MHD_Response *resp, const char *const *headers)
{
    for (size_t i = 0; headers && headers[i]; i += 2)
        if (headers[i + 1])
            MHD_add_response_header (resp, headers[i], headers[i + 1]);
}

enum MHD_Result gw_respond_bytes (gw_request *req, unsigned status, const char *type,
                                  const void *data, size_t len, const char *const *headers)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer (len, (void *) data, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    if (type)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    add_headers (resp, headers);
    return queue (req, status, resp, len);
}

enum MHD_Result gw_respond_fd (gw_request *req, unsigned status, const char *type, int fd,
                               uint64_t offset, uint64_t count, const char *const *headers)
{
    /* MHD sends it with sendfile and closes fd when done. */
    struct MHD_Response *resp = MHD_create_response_from_fd_at_offset64 (count, fd, offset);
    if (!resp) {
        close (fd);
        return gw_respond_problem (req, 500, NULL, NULL);
    }
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    add_headers (resp, headers);
    return queue (req, status, resp, count);
}

enum MHD_Result gw_respond_raw (gw_request *req, unsigned status, const char *content_type,
                                const char *data, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer (len, (void *) data, MHD_RESPMEM_MUST_COPY);
    if (resp && content_type)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    return queue (req, status, resp, len);
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
    return queue (req, status, resp, len);
}

enum MHD_Result gw_respond_empty (gw_request *req, unsigned status)
{
    return gw_respond_bytes (req, status, NULL, NULL, 0, NULL);
}

/* `data` as `type`, sent from where it is and given back by `release (cls)`
 * once sent (or at once: a 304, a failure); or 304 without it when
 * If-None-Match lists `etag`; with an ETag, Cache-Control is `cache`, else
 * no-store; `headers` go on either. */
static enum MHD_Result send_with (gw_request *req, unsigned status, const char *type,
                                  const char *data, size_t len,
                                  MHD_ContentReaderFreeCallback release, void *cls,
                                  const char *etag, const char *cache, const char *const *headers)
{
    struct MHD_Response *resp;
    if (gw_not_modified (req, etag)) {
        release (cls);
        resp = MHD_create_response_from_buffer (0, NULL, MHD_RESPMEM_PERSISTENT);
        status = MHD_HTTP_NOT_MODIFIED;
        len = 0;
    } else if ((resp = MHD_create_response_from_buffer_with_free_callback_cls (len, (void *) data,
                                                                               release, cls))) {
        MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    } else {
        release (cls);
    }
    if (!resp)
        return MHD_NO;
    if (etag)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL, etag ? cache : "no-store");
    add_headers (resp, headers);
    return queue (req, status, resp, len);
}

static void release_nothing (void *cls) { (void) cls; }

enum MHD_Result gw_respond_variants (gw_request *req, unsigned status, const char *type,
                                     const gw_variants *v, const char *etag, const char *cache,
                                     const char *const *headers, void (*release) (void *),
                                     void *cls)
{
    if (!release)
        release = release_nothing;
    unsigned have = 0;
    for (int e = GW_ENC_GZIP; e < GW_N_ENC; e++)
        if (v->data[e])
            have |= 1u << e;
    gw_encoding enc =
        have ? gw_encoding_choose (gw_header (req, MHD_HTTP_HEADER_ACCEPT_ENCODING), have)
             : GW_ENC_IDENTITY;
    char tag[48];
    if (etag)
        gw_encoding_etag (etag, enc, tag, sizeof tag);
    struct MHD_Response *resp;
    size_t len = v->len[enc];
    if (etag && gw_not_modified (req, tag)) {
        release (cls);
        resp = MHD_create_response_from_buffer (0, NULL, MHD_RESPMEM_PERSISTENT);
        status = MHD_HTTP_NOT_MODIFIED;
        len = 0;
    } else if ((resp = MHD_create_response_from_buffer_with_free_callback_cls (
                    len, (void *) v->data[enc], release, cls))) {
        MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
        if (enc != GW_ENC_IDENTITY)
            MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_ENCODING,
                                     gw_encoding_name (enc));
    } else {
        release (cls);
    }
    if (!resp)
        return MHD_NO;
    /* On a 304 too: a cache must key the stored response by the header. */
    if (have)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    if (etag)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_ETAG, tag);
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    add_headers (resp, headers);
    return queue (req, status, resp, len);
}

/* send_with of `text`, taken (freed once sent). */
static enum MHD_Result send_text (gw_request *req, unsigned status, const char *type, char *text,
                                  size_t len, const char *etag, const char *cache,
                                  const char *const *headers)
{
    return send_with (req, status, type, text, len, free, text, etag, cache, headers);
}

enum MHD_Result gw_respond_body (gw_request *req, unsigned status, const char *content_type,
                                 char *text, size_t len, const char *etag, const char *location)
{
    const char *const headers[] = {MHD_HTTP_HEADER_LOCATION,
                                   location && *location ? location : NULL, NULL};
    return send_text (req, status, content_type, text, len, etag, "public, no-cache", headers);
}

enum MHD_Result gw_respond_text (gw_request *req, unsigned status, char *text, size_t len,
                                 const char *etag)
{
    return gw_respond_body (req, status, JSON_TYPE, text, len, etag, NULL);
}

enum MHD_Result gw_respond_text_shared (gw_request *req, unsigned status, const char *data,
                                        size_t len, const char *etag, void (*release) (void *),
                                        void *cls)
{
    return send_with (req, status, JSON_TYPE, data, len, release, cls, etag, "public, no-cache",
                      NULL);
}

/* JSON `text` (taken; NULL: it could not be made) with `status`; a public
 * 200 gets its ETag. */
static enum MHD_Result respond_json_text (gw_request *req, unsigned status, char *text, size_t len)
{
    if (!text)
        return gw_respond_problem (req, 500, "Không tạo được câu trả lời", NULL);
    char etag[24];
    int public_read = req->route && (req->route->flags & GW_PUBLIC) && status == 200;
    if (public_read)
        gw_etag (text, len, etag);
    return gw_respond_text (req, status, text, len, public_read ? etag : NULL);
}

enum MHD_Result gw_respond_json (gw_request *req, unsigned status, json_t *json)
{
    char *text = json_dumps (json, JSON_COMPACT);
    json_decref (json);
    return respond_json_text (req, status, text, text ? strlen (text) : 0);
}

enum MHD_Result gw_respond_message (gw_request *req, unsigned status, const ProtobufCMessage *msg)
{
    loa_buf b = {0};
    size_t len = 0;
    char *text = loa_pbjson_write (msg, &b) == 0 ? loa_buf_take (&b, &len) : NULL;
    loa_buf_free (&b);
    return respond_json_text (req, status, text, len);
}

enum MHD_Result gw_respond_created (gw_request *req, json_t *json, const char *location)
{
    char *text = json_dumps (json, JSON_COMPACT);
    json_decref (json);
    if (!text)
        return gw_respond_problem (req, 500, "Không tạo được câu trả lời", NULL);
    return gw_respond_body (req, 201, JSON_TYPE, text, strlen (text), NULL, location);
}

enum MHD_Result gw_respond_doc (gw_request *req, const char *type, char *text, size_t len,
                                const char *etag, const char *const *headers)
{
    return send_text (req, MHD_HTTP_OK, type, text, len, etag, "private, no-cache", headers);
}

/* ------------------------------------------------------------ problems */

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
    size_t len = text ? strlen (text) : 0;
    struct MHD_Response *resp = text ? from_text (text, len) : NULL;
    req->resp_bytes = len;
    if (!resp)
        return NULL;
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
    int own_retry = header && strcasecmp (header, MHD_HTTP_HEADER_RETRY_AFTER) == 0;
    if (resp && status == 503 && !own_retry)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_RETRY_AFTER, "5");
    if (resp && status == 401)
        MHD_add_response_header (resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"loa\"");
    if (resp && header)
        MHD_add_response_header (resp, header, value);
    if (status >= 500)
        loa_warn (req->request_id, "%s %s -> %u %s", req->method, req->url, status,
                  detail ? detail : "");
    return queue (req, status, resp, req->resp_bytes);
}

enum MHD_Result gw_respond_invalid (gw_request *req, unsigned status, const char *detail,
                                    const char *field, const char *message)
{
    return gw_respond_problem (req, status, detail,
                               json_pack ("[o]", gw_field_error (field, message)));
}
