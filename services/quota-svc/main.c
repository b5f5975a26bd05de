/* quota-svc: per-unit monthly tallies, built only from content events
 * (quota_events.c), the rules and the monthly report (quota_rpc.c), the
 * at-risk sweep (quota_risk.c), the year's plan and its activities' reports
 * (plan_rpc.c); `quota-svc --rebuild` rebuilds the tallies from content's
 * whole event history.
 * main only wires; see services/common/service.c for the life cycle. */
#include "loa_service.h"
#include "plan_store.h"
#include "quota_events.h"
#include "quota_risk.h"
#include "quota_rpc.h"
#include "quota_store.h"

extern const loa_migration quota_svc_migrations[];
extern const size_t quota_svc_migrations_count;

static const loa_service_subscription subscriptions[] = {
    {"content", QUOTA_CONTENT_EVENTS_ENV, QUOTA_CONTENT_EVENTS_DEFAULT, QUOTA_CONTENT_RPC_ENV,
     QUOTA_CONTENT_RPC_DEFAULT, quota_events_apply, quota_events_reset},
    /* The summary's media figures (packages, deliveries). */
    {"media", QUOTA_MEDIA_EVENTS_ENV, QUOTA_MEDIA_EVENTS_DEFAULT, QUOTA_MEDIA_RPC_ENV,
     QUOTA_MEDIA_RPC_DEFAULT, quota_media_apply, quota_media_reset},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL},
};

/* The at-risk sweep: once a minute by default (an event a minute late is
 * of no consequence, a sweep is one query). */
static const loa_service_tick at_risk_sweep = {"at-risk", quota_risk_tick, "LOA_QUOTA_SWEEP_MS",
                                               60000};

/* A worker's statements: the quota's and the plan's. */
static int prepare (PGconn *db)
{
    return quota_store_prepare (db) == 0 && plan_store_prepare (db) == 0 ? 0 : -1;
}

int main (int argc, char **argv)
{
    const loa_service_def def = {
        .name = "quota-svc",
        .schema = "quota",
        .rpc_env = "LOA_QUOTA_RPC",
        .rpc_default = "tcp://127.0.0.1:7103",
        .events_env = "LOA_QUOTA_EVENTS",
        .events_default = "tcp://127.0.0.1:7203",
        .migrations = quota_svc_migrations,
        .n_migrations = quota_svc_migrations_count,
        .methods = quota_methods,
        .prepare = prepare,
        .subscriptions = subscriptions,
        .tick = &at_risk_sweep,
    };
    return loa_service_main (&def, argc, argv);
}
