/* call: service calls and their answers (call.h). */
#include "core/call.h"

#include <stdio.h>
#include <string.h>

#include "common.pb-c.h"
#include "core/metrics.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_config.h"
#include "loa_log.h"
#include "loa_pbjson.h"

unsigned gw_http_status (Loa__Status st)
{
    switch (st) {
    case LOA__STATUS__OK: return 200;
    case LOA__STATUS__CREATED: return 201;
    case LOA__STATUS__INVALID: return 422;
    case LOA__STATUS__UNAUTHENTICATED: return 401;
    case LOA__STATUS__FORBIDDEN: return 403;
    case LOA__STATUS__NOT_FOUND: return 404;
    case LOA__STATUS__CONFLICT: return 409;
    case LOA__STATUS__TOO_LARGE: return 413;
    case LOA__STATUS__UNAVAILABLE: return 503;
    case LOA__STATUS__DEADLINE: return 504;
    case LOA__STATUS__PRECONDITION_FAILED: return 412;
    case LOA__STATUS__TOO_MANY_REQUESTS: return 429;
    case LOA__STATUS__GONE: return 410;
    case LOA__STATUS__PRECONDITION_REQUIRED: return 428;
    default: return 500;
    }
}

enum MHD_Result gw_call_fail (gw_request *req, const gw_failure *f, void *arg)
{
    (void) arg;
    if (f->status == LOA__STATUS__DEADLINE || f->status == LOA__STATUS__UNAVAILABLE) {
        char detail[200];
        if (f->error)
            snprintf (detail, sizeof detail, "%s", f->error);
        else
            snprintf (detail, sizeof detail,
                      f->status == LOA__STATUS__DEADLINE ? "Dịch vụ %s không trả lời trong thời hạn"
                                                         : "Dịch vụ %s tạm thời không sẵn sàng",
                      gw_service_name (f->service));
        return gw_respond_problem (req, f->http, detail, NULL);
    }
    json_t *errors = json_array ();
    for (size_t i = 0; i < f->n_field_errors; i++)
        json_array_append_new (
            errors, gw_field_error (f->field_errors[i]->field, f->field_errors[i]->message));
    unsigned http = f->http;
    if (f->status == LOA__STATUS__INVALID && !json_array_size (errors))
        http = 400;
    return gw_respond_problem (req, http, f->error, errors);
}

/* The RPC itself, timed into the metrics. */
static Loa__Status rpc (gw_request *req, gw_service svc, const char *method,
                        const ProtobufCMessage *in, const char *idempotency_key, int read,
                        int timeout_ms, loa_rpc_result *res)
{
    res->status = LOA__STATUS__UNAVAILABLE;
    res->reply = NULL;
    loa_rpc_client *client = gw_service_client (svc);
    if (!client)
        return LOA__STATUS__UNAVAILABLE;
    int64_t t0 = loa_mono_ms ();
    int ms = timeout_ms ? timeout_ms : gw_rpc_timeout_ms ();
    Loa__Status st = read && !idempotency_key
                         ? loa_rpc_read (client, method, &req->caller, req->request_id, in, ms, res)
                         : loa_rpc_call (client, method, &req->caller, req->request_id,
                                         idempotency_key, in, ms, res);
    gw_metrics_rpc (svc, st, loa_mono_ms () - t0);
    return st;
}

/* Answers through the spec's hook. */
static int failed (gw_request *req, const gw_call_spec *spec, gw_failure *f, gw_reply *reply)
{
    f->service = spec->service;
    f->http = gw_http_status (f->status);
    reply->rc = (spec->fail ? spec->fail : gw_call_fail) (req, f, spec->fail_arg);
    return -1;
}

int gw_call_result (gw_request *req, const gw_call_spec *spec, Loa__Status st,
                    const Loa__Reply *res, gw_reply *reply)
{
    memset (reply, 0, sizeof *reply);
    gw_failure f = {0};
    if (st != LOA__STATUS__OK && st != LOA__STATUS__CREATED) {
        f.status = st;
        if (res) {
            f.error = res->error && *res->error ? res->error : NULL;
            f.n_field_errors = res->n_field_errors;
            f.field_errors = res->field_errors;
        }
        return failed (req, spec, &f, reply);
    }
    if (spec->out) {
        reply->msg =
            res ? protobuf_c_message_unpack (
                      spec->out, loa_arena_allocator (&reply->arena, 2 * res->body.len + 256),
                      res->body.len, res->body.data)
                : NULL;
        if (!reply->msg) {
            loa_arena_release (&reply->arena); /* what the failed unpack took */
            loa_error (req->request_id, "%s: reply of %s is not a %s", req->url, spec->method,
                       spec->out->name);
            f.status = LOA__STATUS__INTERNAL;
            f.error = "Câu trả lời của dịch vụ không đọc được";
            return failed (req, spec, &f, reply);
        }
    }
    reply->created = st == LOA__STATUS__CREATED;
    return 0;
}

void gw_reply_free (gw_reply *reply)
{
    loa_arena_release (&reply->arena);
    reply->msg = NULL;
}

int gw_call (gw_request *req, const gw_call_spec *spec, gw_reply *reply)
{
    memset (reply, 0, sizeof *reply);
    if (!gw_service_client (spec->service)) {
        gw_failure f = {.status = LOA__STATUS__UNAVAILABLE, .error = "Không kết nối được dịch vụ"};
        return failed (req, spec, &f, reply);
    }
    loa_rpc_result res;
    Loa__Status st = rpc (req, spec->service, spec->method, spec->in, spec->idempotency_key,
                          spec->read, 0, &res);
    int rc = gw_call_result (req, spec, st, res.reply, reply);
    loa_rpc_result_clear (&res);
    return rc;
}

Loa__Status gw_call_status (gw_request *req, gw_service svc, const char *method,
                            const ProtobufCMessage *in, int timeout_ms)
{
    loa_rpc_result res;
    Loa__Status st = rpc (req, svc, method, in, NULL, 0, timeout_ms, &res);
    loa_rpc_result_clear (&res);
    return st;
}

Loa__Status gw_call_ping (gw_request *req, gw_service svc, int timeout_ms)
{
    loa_rpc_client *client = gw_service_client (svc);
    loa_rpc_result res = {0};
    Loa__Status st =
        client ? loa_rpc_call (client, "ping", NULL, req->request_id, NULL, NULL, timeout_ms, &res)
               : LOA__STATUS__UNAVAILABLE;
    loa_rpc_result_clear (&res);
    return st;
}

/* ------------------------------------------------------------ gw_ok */

/* The Location of a created resource: the route's template with {id} (or
 * any {field}) taken from the reply. */
static void location_of (const char *tmpl, json_t *reply, char *out, size_t cap)
{
    size_t o = 0;
    for (const char *p = tmpl; *p && o + 1 < cap;) {
        if (*p == '{') {
            char name[32];
            gw_param_name (p + 1, name, sizeof name);
            json_t *v = json_object_get (reply, name);
            if (json_is_integer (v))
                o += (size_t) snprintf (out + o, cap - o, "%lld",
                                        (long long) json_integer_value (v));
            else if (json_is_string (v))
                o += (size_t) snprintf (out + o, cap - o, "%s", json_string_value (v));
            const char *close = strchr (p, '}');
            p = close ? close + 1 : p + strlen (p);
            if (o >= cap)
                break;
            continue;
        }
        out[o++] = *p++;
    }
    out[o < cap ? o : cap - 1] = '\0';
}

enum MHD_Result gw_ok (gw_request *req, const ProtobufCMessage *msg, int created)
{
    const gw_route *r = req->route;
    if (!msg)
        return gw_respond_empty (req, 204);
    if ((r->flags & GW_FILE) && msg->descriptor == &loa__file__descriptor) {
        const Loa__File *file = (const Loa__File *) msg;
        return gw_respond_file (req, 200, file->content_type, file->filename, file->body.data,
                                file->body.len);
    }
    if (!created)
        return gw_respond_message (req, 200, msg);
    json_t *json = loa_pbjson_encode (msg);
    if (!json)
        return gw_respond_problem (req, 500, NULL, NULL);
    char location[256] = "";
    if (r->location)
        location_of (r->location, json, location, sizeof location);
    return gw_respond_created (req, json, location);
}
