/* dispatch: from a request whose headers are in to its handler: the route
 * match (404, 405), the caller's authentication, the intake throttle, the
 * JSON body parsed once (400, 415), then the route's handler. It knows no
 * endpoint by name: what is not a route comes in through hooks that main
 * sets (docs/gateway.md). */
#ifndef GW_DISPATCH_H
#define GW_DISPATCH_H

#include "core/throttle.h"
#include "gw.h"

/* Identifies the caller and applies the route's `allow`: 0 to go on, 1
 * when it has answered (401, 403, 503; *rc set). */
typedef int (*gw_auth_fn) (gw_request *req, enum MHD_Result *rc);

typedef struct {
    gw_auth_fn authenticate; /* required */
    /* Paths no route matches: `fallback_owns` says which the fallback
     * handler answers (on the final call, the body read); the others are
     * 404. NULL: all are 404. */
    int (*fallback_owns) (const char *path);
    gw_handler fallback;
    /* GW_THROTTLED routes go through it (borrowed; it must outlive the
     * HTTP daemon; NULL: no throttling). */
    gw_throttle *intake;
    /* GW_THROTTLED_LOOKUP routes, and Open311's lookups by code, go
     * through this one (the same; NULL: none). */
    gw_throttle *lookups;
} gw_dispatch_hooks;

/* Sets the hooks (copied), before the HTTP daemon starts. */
void gw_dispatch_init (const gw_dispatch_hooks *hooks);

/* The intake throttle given to gw_dispatch_init, or NULL. */
gw_throttle *gw_dispatch_intake (void);

/* One lookup by tracking code of the request's client, counted by the
 * lookups throttle for its route: 0 when admitted (or no throttle), else
 * the seconds to wait (and req->retry_after_s is set: every answer then
 * carries Retry-After). */
long gw_dispatch_lookup (gw_request *req);

/* The request's headers are in: matches its route, refuses a body sent to
 * a route that takes none (413 naming `body`, unread), authenticates (so
 * that nothing of a body is held for a caller who may not send it), and
 * runs a begin hook; all before any byte of the body is read. 0 to read
 * the body; 1 when it has answered (*rc set). */
int gw_dispatch_start (gw_request *req, enum MHD_Result *rc);

/* The body is in (held in req->body unless streamed): answers the request
 * through its route's handler, or the fallback. */
enum MHD_Result gw_dispatch_run (gw_request *req);

#endif
