/* rpc_route: the generic handler (rpc_route.h). */
#include "core/rpc_route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/call.h"
#include "core/loop.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_pbjson.h"

typedef struct {
    ProtobufCMessage *msg;
    json_t *errors;
    const gw_request *req;
    int write; /* the route takes a body: the query sets nothing */
} query_ctx;

/* Whether `key` names one of the route's path parameters. */
static int is_path_param (const gw_request *req, const char *key)
{
    for (int i = 0; i < req->n_params; i++) {
        char name[32];
        gw_param_name (req->params[i].name, name, sizeof name);
        if (strcmp (name, key) == 0)
            return 1;
    }
    return 0;
}

/* Query parameters set fields of a read's input, as the contract lists
 * them (OpenAPI documents an input's fields as query parameters only on
 * routes without a body). Others are ignored (clients add cache-busters
 * and the like). A parameter naming a field where the contract puts it
 * elsewhere is refused, naming it: on a route that takes a body (a write)
 * the body alone carries the fields, and a path parameter comes from the
 * path alone; a query must never add to what the body or the path say
 * (`POST /api/v1/articles?attachment_ids=N`, issue 16). */
static enum MHD_Result on_query_arg (void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void) kind;
    query_ctx *q = cls;
    if (!protobuf_c_message_descriptor_get_field_by_name (q->msg->descriptor, key))
        return MHD_YES;
    if (is_path_param (q->req, key)) {
        json_array_append_new (q->errors,
                               gw_field_error (key, "Trường này chỉ nhận trên đường dẫn, không "
                                                    "nhận trong tham số truy vấn (query)"));
        return MHD_YES;
    }
    if (q->write) {
        json_array_append_new (q->errors,
                               gw_field_error (key, "Trường này chỉ nhận trong nội dung JSON gửi "
                                                    "lên, không nhận trên địa chỉ (query)"));
        return MHD_YES;
    }
    loa_pbjson_error err;
    if (loa_pbjson_set_string (q->msg, key, value ? value : "", &err) != 0)
        json_array_append_new (q->errors, gw_field_error (err.field, err.message));
    return MHD_YES;
}

/* Builds the route's input from the JSON body (parsed already), the path
 * and the query; on failure answers 400 itself and returns NULL. */
static ProtobufCMessage *build_input (gw_request *req, enum MHD_Result *rc)
{
    const gw_route *r = req->route;
    loa_pbjson_error err;
    ProtobufCMessage *msg =
        req->json ? loa_pbjson_decode (r->input, req->json, &err) : loa_pbjson_new (r->input);
    if (!msg) {
        *rc = req->json ? gw_respond_invalid (req, 400, "Dữ liệu gửi lên không hợp lệ", err.field,
                                              err.message)
                        : gw_respond_problem (req, 500, NULL, NULL);
        return NULL;
    }
    json_t *errors = json_array ();
    for (int i = 0; i < req->n_params; i++) {
        char name[32];
        gw_param_name (req->params[i].name, name, sizeof name);
        if (loa_pbjson_set_string (msg, name, req->params[i].value, &err) != 0)
            json_array_append_new (errors, gw_field_error (name, err.message));
    }
    const char *if_match = (r->flags & GW_IF_MATCH) ? gw_header (req, "If-Match") : NULL;
    if (if_match && loa_pbjson_set_string (msg, "if_match", if_match, &err) != 0)
        json_array_append_new (errors, gw_field_error ("If-Match", err.message));
    query_ctx q = {msg, errors, req, (r->flags & (GW_BODY | GW_BODY_OPT)) != 0};
    MHD_get_connection_values (req->conn, MHD_GET_ARGUMENT_KIND, on_query_arg, &q);
    if (json_array_size (errors)) {
        protobuf_c_message_free_unpacked (msg, NULL);
        *rc = gw_respond_problem (req, 400, "Tham số không hợp lệ", errors);
        return NULL;
    }
    json_decref (errors);
    return msg;
}

/* ------------------------------------------------------------ cache */

typedef struct {
    char *key;
    size_t len, cap;
    int ok;
    const ProtobufCMessageDescriptor *input; /* the route's: only its fields count */
} key_builder;

/* Only the parameters that set a field of the read count (build_input
 * ignores the others): junk parameters must neither send a read past the
 * cache (`?q=...&x=1`, `&x=2`, ... each a search of the database) nor fill
 * it with copies. */
static enum MHD_Result add_key_arg (void *cls, enum MHD_ValueKind kind, const char *k,
                                    const char *v)
{
    (void) kind;
    key_builder *b = cls;
    if (!b->input || !protobuf_c_message_descriptor_get_field_by_name (b->input, k))
        return MHD_YES;
    int n =
        snprintf (b->key + b->len, b->cap - b->len, "%c%s=%s", b->len ? '&' : '?', k, v ? v : "");
    if (n < 0 || (size_t) n >= b->cap - b->len) {
        b->ok = 0;
        return MHD_NO;
    }
    b->len += (size_t) n;
    return MHD_YES;
}

/* The cache key of an anonymous public read (the path, and the query's
 * parameters that name fields of the route's input, as given), or 0 when
 * the request may not use the cache. */
static int cache_key (gw_request *req, char *key, size_t cap)
{
    if (!(req->route->flags & GW_PUBLIC) || gw_header (req, MHD_HTTP_HEADER_AUTHORIZATION) ||
        gw_header (req, "X-Api-Key"))
        return 0;
    int n = snprintf (key, cap, "%s", req->url);
    if (n < 0 || (size_t) n >= cap)
        return 0;
    key_builder b = {key + n, 0, cap - (size_t) n, 1, req->route->input};
    MHD_get_connection_values (req->conn, MHD_GET_ARGUMENT_KIND, add_key_arg, &b);
    return b.ok;
}

/* Answers from the cache when it holds a fresh entry for `key`: 1 with
 * *rc set, else 0. The body is sent from the cache's own copy, in the form
 * the client accepts (core/encode.h). */
static int from_cache (gw_request *req, const char *key, enum MHD_Result *rc)
{
    return gw_cache_answer (req, key, req->route->service, "application/json; charset=utf-8", rc);
}

/* A 200 of an anonymous public read: stored in the cache when `gen` is
 * still current, then sent with its ETag. */
static enum MHD_Result respond_cached (gw_request *req, const ProtobufCMessage *msg,
                                       const char *key, uint64_t gen)
{
    loa_buf b = {0};
    size_t len = 0;
    char *text = loa_pbjson_write (msg, &b) == 0 ? loa_buf_take (&b, &len) : NULL;
    loa_buf_free (&b);
    if (!text)
        return gw_respond_problem (req, 500, NULL, NULL);
    char etag[24];
    gw_etag (text, len, etag);
    return gw_cache_respond (req, key, req->route->service, gen, "application/json; charset=utf-8",
                             text, len, etag);
}

/* ------------------------------------------------------------ the call */

/* Answers a call's outcome; with `key` (an anonymous public read) stores a
 * 200 in the cache when `gen` is still current. */
static enum MHD_Result answer (gw_request *req, gw_reply *reply, const char *key, uint64_t gen)
{
    const gw_route *r = req->route;
    enum MHD_Result rc;
    if (strcmp (r->method, "GET") != 0)
        gw_cache_invalidate (r->service); /* the caller reads its own write at once */
    if (key && reply->msg && !reply->created)
        rc = respond_cached (req, reply->msg, key, gen);
    else
        rc = gw_ok (req, reply->msg, reply->created);
    if (reply->msg)
        gw_reply_free (reply);
    return rc;
}

static gw_call_spec spec_of (gw_request *req, const ProtobufCMessage *in)
{
    const gw_route *r = req->route;
    return (gw_call_spec){
        .service = r->service,
        .method = r->rpc,
        .in = in,
        .out = r->output,
        .idempotency_key = (r->flags & GW_CREATES) ? gw_header (req, "Idempotency-Key") : NULL,
    };
}

/* Runs `fn` with the route whose method the request calls (gw_rpc_route_as). */
static enum MHD_Result as_route (gw_request *req, enum MHD_Result (*fn) (gw_request *req))
{
    const gw_route *own = req->route;
    if (req->rpc.as)
        req->route = req->rpc.as;
    enum MHD_Result rc = fn (req);
    req->route = own;
    return rc;
}

static void release_fill (gw_request *req)
{
    gw_cache_fill_end (req->rpc.ticket);
    req->rpc.ticket = 0;
}

/* An asynchronous call's continuation (core/loop.h). */
static enum MHD_Result call_answered (gw_request *req)
{
    gw_call_spec spec = spec_of (req, NULL);
    gw_reply reply;
    enum MHD_Result rc;
    if (gw_call_result (req, &spec, req->pending.status, req->pending.reply, &reply) != 0)
        rc = reply.rc;
    else
        rc = answer (req, &reply, req->rpc.key[0] ? req->rpc.key : NULL, req->rpc.gen);
    release_fill (req);
    return rc;
}

static enum MHD_Result call_answered_as (gw_request *req) { return as_route (req, call_answered); }

/* Asks the service; with `key` (an anonymous public read) stores a 200 in
 * the cache when `gen` is still current. On an event loop the call is made
 * asynchronously: the connection is suspended and call_answered answers
 * (the cache fill's ticket is released then). */
static enum MHD_Result call_service (gw_request *req, const char *key, uint64_t gen)
{
    const gw_route *r = req->route;
    enum MHD_Result rc = MHD_NO;
    ProtobufCMessage *in = NULL;
    if (r->input && !(in = build_input (req, &rc))) {
        release_fill (req);
        return rc;
    }
    gw_call_spec spec = spec_of (req, in);
    if (gw_loop_call (req, spec.service, spec.method, in, spec.idempotency_key, call_answered_as) ==
        0) {
        if (key != req->rpc.key)
            snprintf (req->rpc.key, sizeof req->rpc.key, "%s", key ? key : "");
        req->rpc.gen = gen;
        if (in)
            protobuf_c_message_free_unpacked (in, NULL);
        return MHD_YES;
    }
    gw_reply reply;
    int failed = gw_call (req, &spec, &reply) != 0;
    if (in)
        protobuf_c_message_free_unpacked (in, NULL);
    rc = failed ? reply.rc : answer (req, &reply, key, gen);
    release_fill (req);
    return rc;
}

/* A wait behind another request's fill ended (core/cache.h): the entry,
 * or the service when the fill stored nothing. */
static enum MHD_Result fill_waited (gw_request *req)
{
    enum MHD_Result rc;
    if (from_cache (req, req->rpc.key, &rc))
        return rc;
    return call_service (req, req->rpc.key, gw_cache_generation (req->route->service));
}

static enum MHD_Result fill_waited_as (gw_request *req) { return as_route (req, fill_waited); }

enum MHD_Result gw_rpc_route (gw_request *req)
{
    char *key = req->rpc.key;
    if (!cache_key (req, key, sizeof req->rpc.key)) {
        key[0] = '\0';
        return call_service (req, NULL, 0);
    }
    /* A client's "Cache-Control: no-cache" asks for the origin (RFC 9111
     * §5.2.1.4): it neither reads the cache nor waits for another fill. */
    const char *cc_header = gw_header (req, MHD_HTTP_HEADER_CACHE_CONTROL);
    enum MHD_Result rc;
    if (!(cc_header && strcasestr (cc_header, "no-cache"))) {
        if (from_cache (req, key, &rc))
            return rc;
        if (gw_cache_generation (req->route->service)) { /* else nothing would be stored */
            int ticket;
            if (gw_loop_here ()) {
                ticket = gw_cache_fill_begin_async (key, req->route->service, gw_rpc_timeout_ms (),
                                                    req, fill_waited_as);
                if (ticket == GW_FILL_WAITING)
                    return MHD_YES;
            } else {
                ticket = gw_cache_fill_begin (key, req->route->service, gw_rpc_timeout_ms ());
                if (ticket == 0 && from_cache (req, key, &rc))
                    return rc; /* another request filled it while this one waited */
            }
            if (ticket > 0)
                req->rpc.ticket = ticket;
        }
    }
    /* The generation before the call: a change during it wins. */
    return call_service (req, key, gw_cache_generation (req->route->service));
}

enum MHD_Result gw_rpc_route_as (gw_request *req, const gw_route *as)
{
    const gw_route *own = req->route;
    req->route = as;
    req->rpc.as = as;
    enum MHD_Result rc = gw_rpc_route (req);
    req->route = own;
    return rc;
}

void gw_rpc_route_end (gw_request *req) { release_fill (req); }
