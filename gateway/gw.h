/* gw: what the gateway's modules share: the per-request state and the
 * response helpers (http.c), the route table (routes.c). */
#ifndef GW_H
#define GW_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#include "envelope.pb-c.h"

#define GW_MAX_PARAMS 4

typedef struct gw_route gw_route;
typedef struct gw_upload gw_upload; /* media.c: an upload being streamed to disk */
typedef struct gw_download gw_download; /* media_pkg.c: a download to log when sent */

/* One HTTP request, owned by MHD's connection (created on the first call of
 * the access handler, freed in the completion callback). */
typedef struct {
    struct MHD_Connection *conn;
    const gw_route *route; /* NULL when no route matched */
    const char *method; /* borrowed from MHD */
    const char *url;
    char request_id[72];
    int64_t t0_ms; /* monotonic */
    int http_status;
    int head; /* a HEAD request: answered like GET without a body */
    char *body; /* the request body, NUL-terminated */
    size_t body_len, body_cap;
    int too_large;
    int n_params;
    struct {
        const char *name; /* borrowed from the route */
        char value[256];
    } params[GW_MAX_PARAMS];
    /* Who calls (auth.c): set before the handler runs. */
    Loa__Caller caller; /* what services see; anonymous by default */
    int auth_kind; /* GW_AUTH_NONE, GW_AUTH_STAFF, GW_AUTH_KEY */
    unsigned role_mask; /* GW_R_* of a staff caller */
    unsigned char token_hash[32];
    char *role_ptrs[8];
    char role_buf[8][16];
    char client_addr[64];
    long retry_after_s; /* > 0: the intake throttle refused it; its answer carries Retry-After */
    gw_upload *upload; /* GW_UPLOAD routes: the body on its way to disk (media.c) */
    int web; /* no route: a file of the web portal (static.c), answered on the final call */
    gw_download *download; /* a package file being sent, logged once done (media_pkg.c) */
} gw_request;

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

typedef enum MHD_Result (*gw_handler) (gw_request *req);

enum {
    GW_PUBLIC = 1 << 0, /* a public read: ETag, If-None-Match -> 304 */
    GW_CREATES = 1 << 1, /* answers 201 with Location */
    GW_BODY = 1 << 2, /* takes a JSON body */
    GW_BODY_OPT = 1 << 3, /* takes a JSON body when one is sent */
    GW_IF_MATCH = 1 << 4, /* passes the If-Match header as the input's `if_match` */
    GW_THROTTLED_APP = 1 << 6, /* counted per client application by its handler
                                  (LOA_OPEN311_LIMIT per LOA_INTAKE_WINDOW_S) */
    GW_THROTTLED = 1 << 5, /* counted per client address (LOA_INTAKE_LIMIT per
                              LOA_INTAKE_WINDOW_S, throttle.h): 429 beyond */
    GW_FILE = 1 << 7, /* the output is a loa.File (common.proto): its body is sent
                         as it is, with its content type, as an attachment */
    GW_UPLOAD = 1 << 8, /* a raw body streamed to the media volume (media.c), up to
                           LOA_UPLOAD_LIMIT; authenticated before the body is read */
    GW_NINJS = 1 << 9, /* answers ninjs documents: ?ninjs=3.2|2.3 or Accept's version
                          or profile choose the version (media_feed.h); 400, 406 */
};

/* A service the gateway calls (index into gw_services). */
typedef enum { GW_CONTENT, GW_FEEDBACK, GW_QUOTA, GW_MEDIA, GW_N_SERVICES } gw_service;

struct gw_route {
    const char *method; /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/units/{id}" */
    gw_handler handler; /* gw_rpc_route for the generic RPC mapping */
    unsigned flags;
    unsigned allow; /* who may call it: GW_ANYONE, GW_STAFF, GW_R_*, API key kinds */
    /* For gw_rpc_route: */
    gw_service service;
    const char *rpc; /* method name, e.g. "units.list" */
    const ProtobufCMessageDescriptor *input; /* NULL: no body */
    const ProtobufCMessageDescriptor *output; /* NULL: 204 */
    const char *location; /* "/api/v1/units/{id}" for GW_CREATES */
    const char *file_type; /* GW_FILE: the media type of the files, for OpenAPI */
    /* A handler that picks another route's method by the request (e.g.
     * gw_quota_report): those routes, NULL-terminated, so that OpenAPI
     * documents their answers beside this route's. */
    const gw_route *const *alternatives;
};

/* The detail of a throttled request's 429; one %ld: the seconds to wait. */
#define GW_TOO_MANY_DETAIL "Bạn đã gửi quá nhiều yêu cầu; vui lòng thử lại sau %ld giây"

extern const gw_route gw_routes[];
extern const size_t gw_n_routes;

/* ------------------------------------------------------------ routes.c */

/* Finds the route for `method` and `path`, filling req's params. When the
 * path matches routes of other methods only, returns NULL and writes their
 * methods into `allow` ("GET, POST"); when nothing matches, NULL with allow
 * empty. */
const gw_route *gw_route_match (const char *method, const char *path, gw_request *req, char *allow,
                                size_t allow_cap);

/* The generic handler: path params, query and JSON body -> the route's
 * input message -> RPC -> output message -> JSON. */
enum MHD_Result gw_rpc_route (gw_request *req);
/* POST /api/v1/articles, PATCH /api/v1/articles/{id}: the attachments named
 * are checked with media-svc first (media.c), then gw_rpc_route. */
enum MHD_Result gw_articles_write (gw_request *req);
/* POST /api/v1/broadcasters/{id}/key (admin, media.c): a new API key. */
enum MHD_Result gw_broadcasters_new_key (gw_request *req);

/* ------------------------------------------------------------ http.c */

/* Sends `json` (reference stolen) with `status`. For GW_PUBLIC routes adds
 * a strong ETag and answers 304 when If-None-Match matches. */
enum MHD_Result gw_respond_json (gw_request *req, unsigned status, json_t *json);

/* Sends JSON text (malloc'ed; ownership taken). With `etag` (a public
 * read) adds ETag and Cache-Control and answers 304 when If-None-Match
 * matches; without, Cache-Control: no-store. */
enum MHD_Result gw_respond_text (gw_request *req, unsigned status, char *text, size_t len,
                                 const char *etag);

/* The general form of the above: `text` (malloc'ed; ownership taken) as
 * `content_type`; `etag` as for gw_respond_text; `location` (may be NULL)
 * adds a Location header. */
enum MHD_Result gw_respond_body (gw_request *req, unsigned status, const char *content_type,
                                 char *text, size_t len, const char *etag, const char *location);

/* The strong ETag of a body (quoted hex of a 64-bit FNV-1a). */
void gw_etag (const char *text, size_t len, char out[24]);

/* 201 Created with `json` (stolen) and a Location header when non-empty. */
enum MHD_Result gw_respond_created (gw_request *req, json_t *json, const char *location);

/* Sends a buffer as-is (copied) with a content type. */
enum MHD_Result gw_respond_raw (gw_request *req, unsigned status, const char *content_type,
                                const char *data, size_t len);

/* Sends `data` (copied) as a download: `content_type`, and with a
 * `filename` (may be NULL or empty; used only when it is printable ASCII
 * without quotes or backslashes) Content-Disposition: attachment. */
enum MHD_Result gw_respond_file (gw_request *req, unsigned status, const char *content_type,
                                 const char *filename, const void *data, size_t len);

/* Sends an RFC 9457 problem: `errors` (stolen, may be NULL) is an array of
 * {field, message}; `detail` may be NULL. */
enum MHD_Result gw_respond_problem (gw_request *req, unsigned status, const char *detail,
                                    json_t *errors);

/* The same with one more response header (e.g. Retry-After). */
enum MHD_Result gw_respond_problem_with (gw_request *req, unsigned status, const char *detail,
                                         json_t *errors, const char *header, const char *value);

/* 204 No Content. */
enum MHD_Result gw_respond_empty (gw_request *req, unsigned status);

/* A request header (borrowed) or NULL. */
const char *gw_header (gw_request *req, const char *name);

/* Queues `resp` (taken; destroyed here) with `status` and X-Request-Id. */
enum MHD_Result gw_queue_response (gw_request *req, unsigned status, struct MHD_Response *resp);

/* 1 when an If-None-Match value lists `etag` (or "*"); weak comparison. */
int gw_etag_matches (const char *header, const char *etag);

/* ------------------------------------------------------------ auth.c */

/* Reads the settings, prepares libsodium. 0 or -1. */
int gw_auth_init (void);

/* Creates the first admin when no active admin exists (at start-up). */
int gw_auth_bootstrap (void);

/* Identifies the caller (bearer token or API key) and applies the route's
 * `allow`. 0 to go on; -1 when it has queued a 401/403 (*rc set). */
int gw_auth_check (gw_request *req, enum MHD_Result *rc);

/* Verifies an API key given in the request itself (Open311's `api_key`
 * field) and, when it is live and of `kind`, makes the request's caller
 * that key, as an X-Api-Key header would. Without `key` (NULL or ""), a key
 * already verified from the header counts when of `kind`. 1 accepted, 0
 * missing, unknown, revoked, expired or of another kind, -1 when the
 * database cannot answer. */
int gw_auth_api_key (gw_request *req, const char *key, const char *kind);

enum MHD_Result gw_login (gw_request *req);
enum MHD_Result gw_logout (gw_request *req);
enum MHD_Result gw_me (gw_request *req);
enum MHD_Result gw_users_list (gw_request *req);
enum MHD_Result gw_users_create (gw_request *req);
enum MHD_Result gw_users_get (gw_request *req);
enum MHD_Result gw_users_update (gw_request *req);
enum MHD_Result gw_staff_names (gw_request *req);
enum MHD_Result gw_api_keys_list (gw_request *req);
enum MHD_Result gw_api_keys_create (gw_request *req);
enum MHD_Result gw_api_keys_revoke (gw_request *req);

/* A new API key ("loa_" + 43 characters of base64url, `cap` >= 48) into
 * `key`, its SHA-256 (what is stored) and its first 12 characters. */
void gw_auth_new_key (char *key, size_t cap, unsigned char hash[32], char prefix[16]);

/* ------------------------------------------------------------ media.c */

/* Reads LOA_MEDIA_DIR and LOA_UPLOAD_LIMIT, makes the volume's folders and
 * loads libmagic. 0 or -1 (logged). */
int gw_media_init (void);
void gw_media_done (void);

/* GW_UPLOAD routes, from http.c: begin authenticates the caller and opens
 * the temporary file (or queues 401/403/413/503 itself); feed writes a
 * piece of the body and hashes it; end (the completion callback, whatever
 * happened) closes and removes what was not kept. */
enum MHD_Result gw_upload_begin (gw_request *req);
void gw_upload_feed (gw_request *req, const char *data, size_t n);
void gw_upload_end (gw_request *req);

enum MHD_Result gw_assets_create (gw_request *req);
enum MHD_Result gw_assets_get (gw_request *req);
enum MHD_Result gw_broadcasters_create (gw_request *req);

/* Calls media-svc's `method` as the request's caller. The unpacked reply
 * (the caller frees) and *created (may be NULL); or NULL with the problem
 * queued (*rc). */
ProtobufCMessage *gw_media_call (gw_request *req, const char *method, const ProtobufCMessage *in,
                                 const ProtobufCMessageDescriptor *out_desc,
                                 const char *idempotency_key, int *created, enum MHD_Result *rc);

/* What gw_media_send_blob sent: 200 or 206 and the bytes of the body
 * (0 for HEAD); status 0 when it answered otherwise (304, 416, errors). */
typedef struct {
    int status;
    uint64_t bytes;
} gw_blob_sent;

/* Sends the blob `sha256` of the media volume as `mime` with sendfile:
 * strong ETag and Repr-Digest from the digest, Accept-Ranges, one Range
 * (206, or 416 with bytes * /len), If-Range, If-None-Match (304), HEAD;
 * `filename` (may be NULL; a safe name) as Content-Disposition. */
enum MHD_Result gw_media_send_blob (gw_request *req, const char *sha256, const char *mime,
                                    const char *filename, const char *cache_control,
                                    gw_blob_sent *sent);

/* ------------------------------------------------------------ media_pkg.c */

/* Packages (API.md "Media distribution"): staff and broadcasters' views. */
enum MHD_Result gw_media_package_get (gw_request *req);
enum MHD_Result gw_media_version_get (gw_request *req);
enum MHD_Result gw_media_bag (gw_request *req);
enum MHD_Result gw_media_file (gw_request *req);
enum MHD_Result gw_media_manifest (gw_request *req);
enum MHD_Result gw_media_feed (gw_request *req);
enum MHD_Result gw_media_feed_atom (gw_request *req);
enum MHD_Result gw_media_feed_rss (gw_request *req);

/* The completion callback's: logs a package download with media-svc
 * (fire and forget), then frees req->download. */
void gw_download_end (gw_request *req, int complete);

/* The route's path parameter `name` (borrowed), or NULL. */
const char *gw_param (gw_request *req, const char *name);

/* ------------------------------------------------------------ quota.c */

/* GET /api/v1/quota/report: the month's report (the route's own method),
 * the year matrix with ?year=, CSV with ?format=csv or Accept: text/csv. */
enum MHD_Result gw_quota_report (gw_request *req);
extern const gw_route *const gw_quota_report_alternatives[];

/* ------------------------------------------------------------ ops.c */
enum MHD_Result gw_healthz (gw_request *req);
enum MHD_Result gw_readyz (gw_request *req);
enum MHD_Result gw_metrics (gw_request *req);
enum MHD_Result gw_openapi (gw_request *req);

#endif
