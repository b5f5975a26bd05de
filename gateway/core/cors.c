#include "core/cors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/respond.h"

static char *origins[GW_CORS_MAX_ORIGINS];
static size_t n_origins;

/* What a client may read of an answer besides the simple headers. */
static const char EXPOSED[] =
    "ETag, Location, Link, Retry-After, X-Request-Id, Content-Disposition";
/* The request headers the API reads (docs/api/conventions.md). */
static const char ACCEPTED[] = "Authorization, Content-Type, Idempotency-Key, If-Match, "
                               "If-None-Match, X-Api-Key, X-Request-Id";
#define MAX_AGE "600"

void gw_cors_free (void)
{
    for (size_t i = 0; i < n_origins; i++)
        free (origins[i]);
    n_origins = 0;
}

/* Whether `s` (n bytes) is an origin as browsers serialise it. */
static int origin_ok (const char *s, size_t n)
{
    size_t p;
    if (n > 7 && strncmp (s, "http://", 7) == 0)
        p = 7;
    else if (n > 8 && strncmp (s, "https://", 8) == 0)
        p = 8;
    else
        return 0;
    size_t host = p;
    if (s[p] == '[') { /* an IPv6 address */
        for (p++; p < n && (strchr ("0123456789abcdef:.", s[p]) && s[p]); p++)
            ;
        if (p >= n || s[p] != ']' || p == host + 1)
            return 0;
        p++;
    } else {
        for (; p < n && s[p] && strchr ("abcdefghijklmnopqrstuvwxyz0123456789.-", s[p]); p++)
            ;
        if (p == host || s[host] == '.' || s[host] == '-' || s[p - 1] == '.')
            return 0;
    }
    if (p < n && s[p] == ':') {
        size_t digits = 0;
        unsigned long port = 0;
        for (p++; p < n && s[p] >= '0' && s[p] <= '9' && digits < 6; p++, digits++)
            port = port * 10 + (unsigned long) (s[p] - '0');
        if (digits == 0 || port == 0 || port > 65535)
            return 0;
    }
    return p == n;
}

int gw_cors_init (const char *spec, char *err, size_t errcap)
{
    gw_cors_free ();
    const char *p = spec ? spec : "";
    while (*p) {
        p += strspn (p, ", \t\r\n");
        size_t n = strcspn (p, ", \t\r\n");
        if (n == 0)
            break;
        if (!origin_ok (p, n)) {
            snprintf (
                err, errcap,
                "LOA_CORS_ORIGINS: \"%.*s\" is not an origin (http:// or https://, a lower-case "
                "host, an optional port, no path or trailing slash; \"*\" is not accepted)",
                (int) (n > 100 ? 100 : n), p);
            gw_cors_free ();
            return -1;
        }
        if (n_origins == GW_CORS_MAX_ORIGINS) {
            snprintf (err, errcap, "LOA_CORS_ORIGINS: more than %d origins", GW_CORS_MAX_ORIGINS);
            gw_cors_free ();
            return -1;
        }
        if (!(origins[n_origins] = strndup (p, n))) {
            snprintf (err, errcap, "out of memory");
            gw_cors_free ();
            return -1;
        }
        n_origins++;
        p += n;
    }
    return 0;
}

int gw_cors_allowed (const char *origin)
{
    for (size_t i = 0; origin && i < n_origins; i++)
        if (strcmp (origin, origins[i]) == 0)
            return 1;
    return 0;
}

void gw_cors_add_headers (gw_request *req, struct MHD_Response *resp)
{
    if (n_origins == 0)
        return;
    /* The answer depends on the Origin sent: caches keep one per origin. */
    MHD_add_response_header (resp, MHD_HTTP_HEADER_VARY, "Origin");
    const char *origin = gw_header (req, "Origin");
    if (!gw_cors_allowed (origin))
        return;
    MHD_add_response_header (resp, "Access-Control-Allow-Origin", origin);
    MHD_add_response_header (resp, "Access-Control-Expose-Headers", EXPOSED);
}

/* Whether `method` is one of `allow` ("GET, HEAD, POST"). */
static int listed (const char *allow, const char *method)
{
    size_t m = strlen (method);
    for (const char *p = allow; *p;) {
        p += strspn (p, ", ");
        size_t n = strcspn (p, ", ");
        if (n == m && m > 0 && strncmp (p, method, n) == 0)
            return 1;
        p += n;
    }
    return 0;
}

enum MHD_Result gw_cors_options (gw_request *req, const char *allow)
{
    char methods[128];
    snprintf (methods, sizeof methods, "%s, OPTIONS", allow);
    const char *origin = gw_header (req, "Origin");
    const char *want = gw_header (req, "Access-Control-Request-Method");
    if (!origin || !want) {
        const char *const headers[] = {MHD_HTTP_HEADER_ALLOW, methods, NULL};
        return gw_respond_bytes (req, 204, NULL, NULL, 0, headers);
    }
    if (!gw_cors_allowed (origin)) {
        char msg[200];
        snprintf (msg, sizeof msg, "nguồn %.100s không được phép gọi API từ trình duyệt", origin);
        return gw_respond_invalid (req, 403, "Nguồn (Origin) không có trong danh sách được phép",
                                   "Origin", msg);
    }
    if (!listed (allow, want)) {
        char detail[200];
        snprintf (detail, sizeof detail,
                  "Phương thức %.24s không dùng được ở đây; được phép: %.96s", want, allow);
        return gw_respond_problem_with (req, 405, detail, NULL, MHD_HTTP_HEADER_ALLOW, methods);
    }
    const char *const headers[] = {"Access-Control-Allow-Methods",
                                   allow,
                                   "Access-Control-Allow-Headers",
                                   ACCEPTED,
                                   "Access-Control-Max-Age",
                                   MAX_AGE,
                                   MHD_HTTP_HEADER_ALLOW,
                                   methods,
                                   NULL};
    return gw_respond_bytes (req, 204, NULL, NULL, 0, headers);
}
