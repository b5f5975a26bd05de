/* ops: the operations endpoints (ops.h; docs/api/ops.md). */
#include <stdlib.h>

#include "core/call.h"
#include "core/metrics.h"
#include "core/respond.h"
#include "core/services.h"
#include "loa_db.h"
#include "ops/ops.h"

enum MHD_Result gw_healthz (gw_request *req)
{
    return gw_respond_json (req, 200, json_pack ("{s:s}", "status", "ok"));
}

/* Ready when the gateway's database and every service answer ping. */
enum MHD_Result gw_readyz (gw_request *req)
{
    json_t *checks = json_object ();
    int ready = 1;
    PGconn *db = gw_thread_db ();
    ready &= db != NULL && loa_db_exec (db, "SELECT 1") == 0;
    json_object_set_new (checks, "database", json_string (ready ? "ok" : "unavailable"));
    int timeout = gw_rpc_timeout_ms () < 1000 ? gw_rpc_timeout_ms () : 1000;
    for (int s = 0; s < GW_N_SERVICES; s++) {
        Loa__Status st = gw_call_ping (req, (gw_service) s, timeout);
        const char *state = st == LOA__STATUS__OK         ? "ok"
                            : st == LOA__STATUS__DEADLINE ? "timeout"
                                                          : "unavailable";
        json_object_set_new (checks, gw_service_name ((gw_service) s), json_string (state));
        ready &= st == LOA__STATUS__OK;
    }
    return gw_respond_json (
        req, ready ? 200 : 503,
        json_pack ("{s:s, s:o}", "status", ready ? "ready" : "not_ready", "checks", checks));
}

enum MHD_Result gw_metrics (gw_request *req)
{
    size_t len = 0;
    char *text = gw_metrics_render (&len);
    if (!text)
        return gw_respond_problem (req, 500, NULL, NULL);
    enum MHD_Result rc =
        gw_respond_raw (req, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free (text);
    return rc;
}
