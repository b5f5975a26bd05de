/* quota-svc: per-unit monthly tallies, built only from content events
 * (quota_events.c), the rules and the monthly report (quota_rpc.c), the
 * at-risk sweep (quota_risk.c), the year's plan and its activities' reports
 * (plan_rpc.c); `quota-svc --rebuild` rebuilds the tallies from content's
 * whole event history.
 * main only wires; see services/common/loa_service.c for the life cycle. */
#include "loa_service.h"
#include "plan_store.h"
#include "quota_events.h"
#include "quota_risk.h"
#include "quota_rpc.h"
#include "quota_store.h"

extern const loa_migration quota_svc_migrations[];
extern const size_t quota_svc_migrations_count;

static const loa_service_subscription subscriptions[] = {
    {LOA_SVC_CONTENT, quota_events_apply, quota_events_reset},
    /* The summary's media figures (packages, deliveries). */
    {LOA_SVC_MEDIA, quota_media_apply, quota_media_reset},
    /* The end (apply NULL). */
    {0},
};

/* The at-risk sweep: once a minute by default (an event a minute late is
 * of no consequence, a sweep is one query). */
static const loa_service_tick ticks[] = {
    {"at-risk", quota_risk_tick, "LOA_QUOTA_SWEEP_MS", 60000},
    {0},
};

/* A worker's statements: the quota's and the plan's. */
static int prepare (PGconn *db)
{
    return quota_store_prepare (db) == 0 && plan_store_prepare (db) == 0 ? 0 : -1;
}

int main (int argc, char **argv)
{
    const loa_service_def def = {
        .id = LOA_SVC_QUOTA,
        .migrations = quota_svc_migrations,
        .n_migrations = quota_svc_migrations_count,
        .methods = quota_methods,
        .prepare = prepare,
        .subscriptions = subscriptions,
        .ticks = ticks,
    };
    return loa_service_main (&def, argc, argv);
}
