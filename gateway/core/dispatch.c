/* dispatch: route, authenticate, throttle, parse, handle (dispatch.h). */
#include "core/dispatch.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/cors.h"
#include "core/respond.h"
#include "core/router.h"
#include "loa_config.h"
#include "loa_log.h"

static gw_dispatch_hooks hooks;

void gw_dispatch_init (const gw_dispatch_hooks *h) { hooks = *h; }

gw_throttle *gw_dispatch_intake (void) { return hooks.intake; }

long gw_dispatch_lookup (gw_request *req)
{
    if (!hooks.lookups)
        return 0;
    long wait_s = gw_throttle_hit (hooks.lookups, (unsigned) gw_route_index (req->route),
                                   req->client_addr, loa_mono_ms ());
    if (wait_s) {
        loa_info (req->request_id, "throttle: lookups by code from %s refused for %ld s",
                  req->client_addr, wait_s);
        req->retry_after_s = wait_s;
    }
    return wait_s;
}

/* 1 when the request carries a body: a Content-Length above 0, or any
 * Transfer-Encoding (chunked: only known as it comes). */
static int has_body (gw_request *req)
{
    const char *cl = gw_header (req, MHD_HTTP_HEADER_CONTENT_LENGTH);
    return gw_header (req, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL ||
           (cl && strspn (cl, "0") != strlen (cl));
}

/* A body sent where none is taken: refused unread (413, naming it), and
 * the connection closed after the answer. */
static enum MHD_Result no_body_here (gw_request *req)
{
    return gw_respond_invalid (req, 413, "Địa chỉ này không nhận nội dung gửi kèm", "body",
                               "không được gửi kèm ở đây");
}

int gw_dispatch_start (gw_request *req, enum MHD_Result *rc)
{
    char allow[96] = "";
    req->route =
        gw_route_match (req->head ? "GET" : req->method, req->url, req, allow, sizeof allow);
    if (!req->route) {
        /* OPTIONS: a browser's CORS preflight, or a client asking. */
        if (allow[0] && strcmp (req->method, "OPTIONS") == 0) {
            *rc = gw_cors_options (req, allow);
            return 1;
        }
        if (allow[0]) {
            char detail[256];
            snprintf (detail, sizeof detail,
                      "Phương thức %.24s không dùng được ở đây; được phép: %.96s", req->method,
                      allow);
            *rc = gw_respond_problem_with (req, 405, detail, NULL, MHD_HTTP_HEADER_ALLOW, allow);
            return 1;
        }
        /* The fallback answers on the final call: an answer queued on this
         * first call would close the connection, and a page's many files
         * want it kept alive. */
        if (hooks.fallback_owns && hooks.fallback && hooks.fallback_owns (req->url)) {
            req->fallback = 1;
            if (!has_body (req))
                return 0;
            /* Pages take no body: a read carrying one is 413; any other
             * method gets the fallback's own answer (405) at once, the
             * body unread either way. */
            *rc = strcmp (req->method, "GET") == 0 || req->head ? no_body_here (req)
                                                                : hooks.fallback (req);
            return 1;
        }
        *rc = gw_respond_problem (req, 404, "Không có tài nguyên nào ở địa chỉ này", NULL);
        return 1;
    }
    if (!(req->route->flags & GW_TAKES_BODY) && !req->route->begin && has_body (req)) {
        *rc = no_body_here (req);
        return 1;
    }
    /* Before a byte of the body is read (MHD has not yet sent 100
     * Continue): who may not send it sends nothing, and nothing of it is
     * held. */
    if (hooks.authenticate (req, rc) != 0)
        return 1;
    req->authenticated = 1;
    return req->route->begin ? req->route->begin (req, rc) : 0;
}

/* Counts a request of a GW_THROTTLED route that passed authentication,
 * once it is about to reach its handler (so 401, 404, 405 and 413 do not
 * count, and neither does a refused one). 1 with *rc set when refused. */
static int throttled (gw_request *req, gw_throttle *t, enum MHD_Result *rc)
{
    long wait_s = gw_throttle_hit (t, (unsigned) gw_route_index (req->route), req->client_addr,
                                   loa_mono_ms ());
    if (!wait_s)
        return 0;
    loa_debug (req->request_id, "throttle: %s %s from %s refused for %ld s", req->method,
               req->route->pattern, req->client_addr, wait_s);
    req->retry_after_s = wait_s; /* every answer now carries Retry-After */
    char detail[160];
    snprintf (detail, sizeof detail, GW_TOO_MANY_DETAIL, wait_s);
    *rc = gw_respond_problem (req, 429, detail, NULL);
    return 1;
}

/* 1 when the Content-Type is JSON (application/json or any +json). */
static int is_json_type (const char *ct)
{
    if (!ct)
        return 1; /* absent: we read it as JSON */
    size_t n = strcspn (ct, ";");
    while (n && ct[n - 1] == ' ')
        n--;
    return (n == 16 && strncasecmp (ct, "application/json", 16) == 0) ||
           (n > 5 && strncasecmp (ct + n - 5, "+json", 5) == 0);
}

/* The JSON body of a route that takes one, into req->json: an object, or
 * 415 (not JSON), 400 (missing, malformed, not an object); 1 then. */
static int parse_json (gw_request *req, enum MHD_Result *rc)
{
    unsigned flags = req->route->flags;
    if (!(flags & GW_BODY) && !((flags & GW_BODY_OPT) && req->body_len > 0))
        return 0;
    if (!is_json_type (gw_header (req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
        *rc =
            gw_respond_invalid (req, 415, "Nội dung phải là JSON (Content-Type: application/json)",
                                "body", "phải là JSON");
        return 1;
    }
    if (req->body_len == 0) {
        *rc = gw_respond_invalid (req, 400, "Thiếu nội dung JSON", "body", "là bắt buộc");
        return 1;
    }
    json_error_t jerr;
    req->json = json_loadb (req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (json_is_object (req->json))
        return 0;
    char msg[300];
    if (req->json)
        snprintf (msg, sizeof msg, "phải là một đối tượng JSON");
    else
        snprintf (msg, sizeof msg, "JSON không hợp lệ (dòng %d, cột %d): %s", jerr.line,
                  jerr.column, jerr.text);
    json_decref (req->json);
    req->json = NULL;
    *rc = gw_respond_invalid (req, 400, "Nội dung JSON không hợp lệ", "body", msg);
    return 1;
}

enum MHD_Result gw_dispatch_run (gw_request *req)
{
    if (req->fallback)
        return hooks.fallback (req);
    enum MHD_Result rc;
    if (!req->authenticated) {
        if (hooks.authenticate (req, &rc) != 0)
            return rc;
        req->authenticated = 1;
    }
    /* Staff (a session) are not throttled: the reception office records
     * many items from one address. */
    if ((req->route->flags & GW_THROTTLED) && hooks.intake && req->caller.user_id == 0 &&
        throttled (req, hooks.intake, &rc))
        return rc;
    if ((req->route->flags & GW_THROTTLED_LOOKUP) && hooks.lookups &&
        throttled (req, hooks.lookups, &rc))
        return rc;
    if (parse_json (req, &rc))
        return rc;
    return req->route->handler (req);
}
