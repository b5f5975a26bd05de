/* http: libmicrohttpd glue. One gw_request per HTTP request: made on the
 * first call of the access handler, fed the body, dispatched on the final
 * call, freed in the completion callback (which also records metrics). */
#include "core/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "core/dispatch.h"
#include "core/metrics.h"
#include "core/respond.h"
#include "gw.h"
#include "loa_config.h"
#include "loa_log.h"

static size_t body_limit = 1 << 20;

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

static enum MHD_Result too_large (gw_request *req)
{
    char detail[96];
    snprintf (detail, sizeof detail, "Nội dung vượt quá giới hạn %zu byte", body_limit);
    return gw_respond_problem (req, 413, detail, NULL);
}

/* The headers are in: a new request, matched and maybe answered at once. */
static enum MHD_Result begin (struct MHD_Connection *conn, const char *url, const char *method,
                              void **con_cls)
{
    gw_request *req = calloc (1, sizeof *req);
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
    enum MHD_Result rc;
    if (gw_dispatch_start (req, &rc))
        return rc;
    const char *cl = gw_header (req, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (req->route && !req->feed && cl && strtoull (cl, NULL, 10) > body_limit)
        return too_large (req);
    return MHD_YES;
}

/* A piece of the body: to the route's stream, or held up to the limit
 * (chunked bodies are only known as they come). */
static enum MHD_Result take (gw_request *req, const char *data, size_t n)
{
    if (req->feed) {
        req->feed (req, data, n);
        return MHD_YES;
    }
    if (req->too_large)
        return MHD_YES;
    if (req->body_len + n > body_limit) {
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
    memcpy (req->body + req->body_len, data, n);
    req->body_len += n;
    req->body[req->body_len] = '\0';
    return MHD_YES;
}

static enum MHD_Result on_request (void *cls, struct MHD_Connection *conn, const char *url,
                                   const char *method, const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **con_cls)
{
    (void) cls;
    (void) version;
    gw_request *req = *con_cls;
    if (!req)
        return begin (conn, url, method, con_cls);
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        return take (req, upload_data, n);
    }
    if (req->too_large)
        return too_large (req);
    return gw_dispatch_run (req);
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
    gw_metrics_http (req->route, req->fallback, (unsigned) req->http_status, elapsed);
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        loa_debug (req->request_id, "%s %s ended early (%d)", req->method, req->url, (int) toe);
    else
        loa_debug (req->request_id, "%s %s -> %d in %lld ms", req->method, req->url,
                   req->http_status, (long long) elapsed);
    /* A cut-off upload leaves no file; a download is logged. */
    if (req->done)
        req->done (req, toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
    json_decref (req->json);
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

struct MHD_Daemon *gw_http_start (unsigned port, unsigned threads, size_t max_body)
{
    body_limit = max_body;
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
