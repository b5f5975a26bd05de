/* ops: the operations endpoints (ops.h; docs/api/ops.md). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/call.h"
#include "core/metrics.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_config.h"
#include "loa_db.h"
#include "ops/ops.h"

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
