/* gw: what every handler needs: the request, its route, the handler's
 * shape, and the request's accessors (core/request.c). A request's path
 * through the layers is docs/gateway.md; answers are core/respond.h,
 * calls to services core/call.h. */
#ifndef GW_H
#define GW_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "envelope.pb-c.h"
#include "loa_endpoints.h"

#define GW_MAX_PARAMS 4

typedef struct gw_route gw_route;
typedef struct gw_request gw_request;

/* A handler answers its request: it queues one response and returns what
 * queuing it returned. */
typedef enum MHD_Result (*gw_handler) (gw_request *req);

/* A route's hook that runs before any byte of the body is read (the
 * caller is authenticated already). It may take the body as it comes
 * (req->feed) instead of having it held in memory, with its own state and
 * `done` hook. 0 to read the body; 1 when it has answered (*rc set). */
typedef int (*gw_begin_fn) (gw_request *req, enum MHD_Result *rc);

/* Takes one piece of a streamed body. */
typedef void (*gw_feed_fn) (gw_request *req, const char *data, size_t n);

/* Runs once the response is over, `complete` 1 when it was all sent (0:
 * the connection was cut), just before the request is freed; it frees
 * req->state. */
typedef void (*gw_done_fn) (gw_request *req, int complete);

/* A service the gateway calls: its row of loa_endpoints (names, addresses,
 * declared methods); clients are core/services.h's. */
typedef enum {
    GW_CONTENT = LOA_SVC_CONTENT,
    GW_FEEDBACK = LOA_SVC_FEEDBACK,
    GW_QUOTA = LOA_SVC_QUOTA,
    GW_MEDIA = LOA_SVC_MEDIA,
    GW_NOTIFY = LOA_SVC_NOTIFY,
    GW_N_SERVICES = LOA_SVC_COUNT
} gw_service;

/* A step of a request in flight on its HTTP thread's event loop
 * (core/loop.h): a service call or a wait for another request's cache
 * fill, while the connection is suspended. */
typedef struct gw_pending {
    struct gw_pending *prev, *next; /* in the loop's list (its thread only) */
    struct gw_loop *loop; /* NULL: nothing pending */
    uint64_t call_id; /* the call's; 0: a wait */
    gw_service svc;
    const char *method;
    int64_t t0_ms, deadline_ms; /* monotonic */
    int done; /* resumed (or a wake is on its way) */
    int (*cancel) (gw_request *req); /* a wait's: still waiting? then not any more */
    /* A call safe to send twice (a read, or a write with an idempotency
     * key): its Request, sent again once at retry_ms if no reply came by
     * then (a replica that died with it): the sent message's copy,
     * sharing its buffer (zmq_msg_copy counts references); has_resend 0
     * once resent or when not safe. The loop's. */
    zmq_msg_t resend;
    int has_resend;
    int64_t retry_ms;
    Loa__Status status; /* a call's outcome */
    Loa__Reply *reply; /* the request's: NULL when the call failed locally */
    /* A wait for a cache fill, under the cache's lock (core/cache.c). */
    struct gw_pending *wait_next;
    int wait_slot; /* 1 + the fill's slot while waiting, else 0 */
} gw_pending;

/* One HTTP request, owned by the HTTP layer (core/http.c): made when its
 * headers are in, freed once its response is over. */
struct gw_request {
    struct MHD_Connection *conn;
    const gw_route *route; /* NULL when no route matched */
    const char *method; /* borrowed from MHD */
    const char *url;
    char request_id[72];
    int64_t t0_ms; /* monotonic */
    int http_status; /* of the response queued; 0 before */
    uint64_t resp_bytes; /* the length of the body queued (the access log's bytes) */
    int head; /* a HEAD request: answered like GET without a body */
    int fallback; /* no route matched: the fallback handler (the portal) answers */
    /* The body (core/http.c): NUL-terminated, unless a begin hook streams it. */
    char *body;
    size_t body_len, body_cap;
    int too_large;
    /* The JSON body of a GW_BODY route (or GW_BODY_OPT sent one): an
     * object, parsed once before the handler (core/dispatch.c); the
     * request owns it. */
    json_t *json;
    int n_params;
    struct {
        const char *name; /* borrowed from the route */
        char value[256];
    } params[GW_MAX_PARAMS];
    /* Who calls: set by the authentication hook (auth/identity.c) before
     * the handler (or the begin hook) runs. */
    Loa__Caller caller; /* what services see; anonymous by default */
    int auth_kind; /* GW_AUTH_NONE, GW_AUTH_STAFF, GW_AUTH_KEY */
    int authenticated; /* the hook has run */
    unsigned role_mask; /* GW_R_* of a staff caller */
    unsigned char token_hash[32];
    char *role_ptrs[8];
    char role_buf[8][16];
    char client_addr[64];
    int via_proxy; /* the peer is a trusted reverse proxy (core/forwarded.h) */
    long retry_after_s; /* > 0: throttled; every answer carries Retry-After */
    /* A page's own Content-Security-Policy (core/respond.c), instead of the
     * portal's: /api/docs (ops/apidocs.c). Static text; NULL by default. */
    const char *csp;
    /* A handler kind's own: a begin hook's streamed body, a download to log. */
    void *state;
    gw_feed_fn feed; /* set: the body goes here, not into `body` */
    gw_done_fn done; /* set: called when the response is over */
    /* A step in flight (core/loop.h), and what runs when it ends. */
    gw_pending pending;
    gw_handler resume;
    /* A job on a pool of threads (core/pool.h) while the request waits for
     * it; NULL otherwise. */
    struct gw_job *job;
    /* What the generic handler keeps across a step (core/rpc_route.c). */
    struct {
        char key[1024]; /* the cache key, "" when the read is not cached */
        uint64_t gen; /* the cache generation before the call */
        int ticket; /* a cache fill's ticket (> 0), released when the request ends */
        const gw_route *as; /* the route whose method is called (gw_rpc_route_as) */
    } rpc;
};

enum { GW_AUTH_NONE, GW_AUTH_STAFF, GW_AUTH_KEY };

/* Who may call a route (gw_route.allow): roles, or classes of callers. */
enum {
    GW_R_ADMIN = 1 << 0,
    GW_R_REVIEWER = 1 << 1,
    GW_R_EDITOR = 1 << 2,
    GW_R_INSPECTOR = 1 << 3,
    GW_R_HANDLER = 1 << 4,
    GW_R_LEADER = 1 << 5,
    GW_ANYONE = 1 << 8, /* no credentials needed (bad ones are still 401) */
    GW_STAFF = 1 << 9, /* any logged-in user, whatever the roles */
    GW_BROADCASTER = 1 << 10, /* an API key of kind broadcaster */
    GW_OPEN311 = 1 << 11, /* an API key of kind open311_client */
};

enum {
    GW_PUBLIC = 1 << 0, /* a public read: ETag, If-None-Match -> 304 */
    GW_CREATES = 1 << 1, /* answers 201 with Location */
    GW_BODY = 1 << 2, /* takes a JSON body (req->json) */
    GW_BODY_OPT = 1 << 3, /* takes a JSON body when one is sent */
    GW_IF_MATCH = 1 << 4, /* passes the If-Match header as the input's `if_match` */
    GW_THROTTLED = 1 << 5, /* counted per client address (LOA_INTAKE_LIMIT per
                              LOA_INTAKE_WINDOW_S, core/throttle.h): 429 beyond */
    GW_THROTTLED_APP = 1 << 6, /* counted per client application by its handler
                                  (LOA_OPEN311_LIMIT per LOA_INTAKE_WINDOW_S) */
    GW_FILE = 1 << 7, /* the output is a loa.File (common.proto): its body is sent
                         as it is, with its content type, as an attachment */
    GW_UPLOAD = 1 << 8, /* a raw body streamed by the route's begin hook, up to
                           LOA_UPLOAD_LIMIT (media/assets.c); for OpenAPI */
    GW_THROTTLED_LOOKUP = 1 << 10, /* a lookup by tracking code: counted per client address
                                      (LOA_LOOKUP_LIMIT per LOA_INTAKE_WINDOW_S): 429 beyond */
    GW_NINJS = 1 << 9, /* answers ninjs documents: ?ninjs=3.2|2.3 or Accept's version
                          or profile choose the version (media/media_feed.h); 400, 406 */
    GW_FORM = 1 << 11, /* takes a body its handler reads itself (Open311's form) */
    GW_OWN_AUTH = 1 << 12, /* its handler judges the Authorization header itself (the
                              metrics' token): no staff session is looked up for it */
    GW_ONE_TIME_OK = 1 << 13, /* a session signed in with a one-time password (an admin's
                                 reset) may call it: changing the password, who am I, logout;
                                 every other route answers it 403 (auth/identity.c) */
    GW_NOT_API = 1 << 14, /* a document of the portal for crawlers and feed readers
                             (robots.txt, the sitemap, the Atom feeds): not in OpenAPI */
};

/* What makes a route take a body: any other request carrying one is
 * refused before a byte of it is read (core/dispatch.c). Uploads take
 * theirs through their begin hook. */
#define GW_TAKES_BODY (GW_BODY | GW_BODY_OPT | GW_FORM | GW_UPLOAD)

struct gw_route {
    const char *method; /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/units/{id}" */
    unsigned flags;
    unsigned allow; /* who may call it: GW_ANYONE, GW_STAFF, GW_R_*, API key kinds */
    gw_handler handler; /* gw_rpc_route for the generic RPC mapping */
    gw_begin_fn begin; /* NULL, or the hook before the body (uploads) */
    /* The service method: gw_rpc_route's, or the main one of a handler. */
    gw_service service;
    const char *rpc; /* method name, e.g. "units.list" */
    const ProtobufCMessageDescriptor *input; /* NULL: no body */
    /* The JSON body's message when a handler builds `input` from it (the
     * broadcaster within its creation request); NULL: `input` itself. */
    const ProtobufCMessageDescriptor *body;
    const ProtobufCMessageDescriptor *output; /* NULL: 204 */
    const char *location; /* "/api/v1/units/{id}" for GW_CREATES */
    const char *file_type; /* GW_FILE: the media type of the files, for OpenAPI */
    /* A handler that picks another route's method by the request (e.g.
     * quota's report): those routes, NULL-terminated, so that OpenAPI
     * documents their answers beside this route's. */
    const gw_route *const *alternatives;
    /* The route's OpenAPI operation when it is not made from the above
     * (Open311's formats and errors); NULL: the generic one. */
    json_t *(*openapi) (const gw_route *r);
};

/* The detail of a throttled request's 429; one %ld: the seconds to wait. */
#define GW_TOO_MANY_DETAIL "Bạn đã gửi quá nhiều yêu cầu; vui lòng thử lại sau %ld giây"

/* ------------------------------------------------------------ core/request.c */

/* A request header (borrowed) or NULL. */
const char *gw_header (gw_request *req, const char *name);

/* A query argument (borrowed) or NULL. */
const char *gw_query (gw_request *req, const char *name);

/* The route's path parameter `name` (borrowed), or NULL. */
const char *gw_param (gw_request *req, const char *name);

/* The path parameter `name` as an id: 1 to `max` written in decimal
 * digits only; else 0. */
int64_t gw_param_id (gw_request *req, const char *name, int64_t max);

/* The name of a pattern's parameter starting at `start` ("id}..." gives
 * "id"), into `buf`. */
const char *gw_param_name (const char *start, char *buf, size_t cap);

/* {field, message}: one entry of a problem's `errors`. */
json_t *gw_field_error (const char *field, const char *message);

#endif
