/* ops: the operations endpoints (ops.h; docs/api/ops.md). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.pb-c.h"
#include "core/call.h"
#include "core/metrics.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_config.h"
#include "loa_db.h"
#include "ops/ops.h"

#include <zmq.h>

#define STATUS_MAX_REPLICAS 16
#define STATUS_PING_MS 500

enum MHD_Result gw_healthz (gw_request *req)
{
    return gw_respond_json (req, 200, json_pack ("{s:s}", "status", "ok"));
}

/* Whether this gateway should get traffic: its own database answers (its
 * sessions, keys and throttles are there). A service that does not answer
 * `ping` makes it "degraded", still 200: every gateway shares the
 * services, so taking them all out of the load balancer for one service
 * would turn the routes of that service's 503s into a whole outage (the
 * portal's pages, the other services' routes). `?all=1` asks for every
 * service but notify-svc too (503 otherwise): what a deployment waits for
 * before it calls the stack up. notify-svc never counts: while it is down
 * messages wait in its queue and no request fails. */
enum MHD_Result gw_readyz (gw_request *req)
{
    const char *all_arg = gw_query (req, "all");
    int all = all_arg && (strcmp (all_arg, "1") == 0 || strcasecmp (all_arg, "true") == 0);
    json_t *checks = json_object ();
    PGconn *db = gw_thread_db ();
    int db_ok = db != NULL && loa_db_exec (db, "SELECT 1") == 0;
    json_object_set_new (checks, "database", json_string (db_ok ? "ok" : "unavailable"));
    int services_ok = 1;
    int timeout = gw_rpc_timeout_ms () < 1000 ? gw_rpc_timeout_ms () : 1000;
    for (int s = 0; s < GW_N_SERVICES; s++) {
        Loa__Status st = gw_call_ping (req, (gw_service) s, timeout);
        const char *state = st == LOA__STATUS__OK         ? "ok"
                            : st == LOA__STATUS__DEADLINE ? "timeout"
                                                          : "unavailable";
        json_object_set_new (checks, gw_service_name ((gw_service) s), json_string (state));
        if (s != GW_NOTIFY)
            services_ok &= st == LOA__STATUS__OK;
    }
    int ready = db_ok && (services_ok || !all);
    const char *status = !ready ? "not_ready" : services_ok ? "ready" : "degraded";
    return gw_respond_json (req, ready ? 200 : 503,
                            json_pack ("{s:s, s:o}", "status", status, "checks", checks));
}

/* With LOA_METRICS_TOKEN set (or _FILE: a secret), /metrics answers only
 * `Authorization: Bearer <that token>`, compared in constant time through
 * both SHA-256s: the figures say much about the installation, and the port
 * is the public one. Unset, it is open (make run, the tests). */
static int metrics_allowed (gw_request *req)
{
    const char *want = loa_env ("LOA_METRICS_TOKEN", NULL);
    if (!want)
        return 1;
    const char *auth = gw_header (req, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!auth || strncasecmp (auth, "Bearer ", 7) != 0)
        return 0;
    unsigned char a[crypto_hash_sha256_BYTES], b[crypto_hash_sha256_BYTES];
    crypto_hash_sha256 (a, (const unsigned char *) auth + 7, strlen (auth + 7));
    crypto_hash_sha256 (b, (const unsigned char *) want, strlen (want));
    return crypto_verify_32 (a, b) == 0;
}

enum MHD_Result gw_metrics (gw_request *req)
{
    if (!metrics_allowed (req))
        return gw_respond_problem (req, 401, "Cần mã truy cập số liệu vận hành (LOA_METRICS_TOKEN)",
                                   NULL);
    size_t len = 0;
    char *text = gw_metrics_render (&len);
    if (!text)
        return gw_respond_problem (req, 500, NULL, NULL);
    enum MHD_Result rc =
        gw_respond_raw (req, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free (text);
    return rc;
}

/* The addresses `svc`'s replicas are at now (names resolved as for the
 * calls), at most `cap`, strdup'ed into `out`: their number. */
static size_t replica_addresses (gw_service svc, char **out, size_t cap)
{
    loa_peers *peers = gw_service_peers (svc);
    void *sock = peers ? gw_service_dealer_open (svc, peers) : NULL;
    size_t n = 0;
    for (const char *a; sock && n < cap && (a = loa_peers_address (peers, n));)
        if (!(out[n] = strdup (a)))
            break;
        else
            n++;
    if (sock)
        zmq_close (sock);
    loa_peers_free (&peers);
    return n;
}

/* One replica as pinged at `address`: {address, up, version, database_ok,
 * last_event_seq, relay_active, subscriptions: [{producer, applied_seq,
 * lag}]} (up false with `error` when it did not answer). */
static json_t *replica_status (gw_request *req, gw_service svc, const char *address, int *up)
{
    json_t *r = json_pack ("{s:s}", "address", address);
    loa_rpc_client *client = gw_service_client_at (svc, address);
    loa_rpc_result res = {0};
    Loa__Status st = client ? loa_rpc_call (client, "ping", NULL, req->request_id, NULL, NULL,
                                            STATUS_PING_MS, &res)
                            : LOA__STATUS__UNAVAILABLE;
    Loa__PingReply *ping =
        st == LOA__STATUS__OK && res.reply
            ? loa__ping_reply__unpack (NULL, res.reply->body.len, res.reply->body.data)
            : NULL;
    *up = ping != NULL;
    json_object_set_new (r, "up", json_boolean (*up));
    if (!ping) {
        json_object_set_new (r, "error",
                             json_string (st == LOA__STATUS__DEADLINE ? "không trả lời kịp"
                                          : st == LOA__STATUS__UNAVAILABLE ? "không kết nối được"
                                          : res.reply && res.reply->error && *res.reply->error
                                              ? res.reply->error
                                              : "trả lời không đọc được"));
    } else {
        json_t *subs = json_array ();
        for (size_t i = 0; i < ping->n_subscriptions; i++) {
            const Loa__SubscriptionLag *l = ping->subscriptions[i];
            json_array_append_new (subs, json_pack ("{s:s, s:I, s:I}", "producer", l->producer,
                                                    "applied_seq", (json_int_t) l->applied_seq,
                                                    "lag", (json_int_t) l->lag));
        }
        json_object_set_new (r, "version", json_string (ping->version));
        json_object_set_new (r, "database_ok", json_boolean (ping->database_ok));
        json_object_set_new (r, "relay_active", json_boolean (ping->relay_active));
        json_object_set_new (r, "subscriptions", subs);
        loa__ping_reply__free_unpacked (ping, NULL);
    }
    loa_rpc_result_clear (&res);
    loa_rpc_client_destroy (&client);
    return r;
}

enum MHD_Result gw_status (gw_request *req)
{
    json_t *services = json_array ();
    int all_up = 1;
    for (int s = 0; s < GW_N_SERVICES; s++) {
        char *addresses[STATUS_MAX_REPLICAS];
        size_t n = replica_addresses ((gw_service) s, addresses, STATUS_MAX_REPLICAS);
        json_t *replicas = json_array ();
        int n_up = 0;
        for (size_t i = 0; i < n; i++) {
            int up = 0;
            json_array_append_new (replicas,
                                   replica_status (req, (gw_service) s, addresses[i], &up));
            n_up += up;
            free (addresses[i]);
        }
        all_up &= n_up > 0 && (size_t) n_up == n;
        json_array_append_new (services,
                               json_pack ("{s:s, s:i, s:i, s:o}", "name",
                                          gw_service_name ((gw_service) s), "replicas_up", n_up,
                                          "replicas_total", (int) n, "replicas", replicas));
    }
    return gw_respond_json (req, 200,
                            json_pack ("{s:s, s:{s:s}, s:o}", "status", all_up ? "ok" : "degraded",
                                       "gateway", "version", LOA_VERSION, "services", services));
}
