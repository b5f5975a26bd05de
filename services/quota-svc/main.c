/* quota-svc: per-unit monthly tallies, built only from content events
 * (quota_events.c), the rules and the monthly report (quota_rpc.c), the
 * year's plan and its activities' reports (plan_rpc.c).
 * main only wires; see services/common/service.c for the life cycle. */
#include "plan_store.h"
#include "quota_events.h"
#include "quota_rpc.h"
#include "quota_store.h"
#include "service.h"

extern const loa_migration quota_svc_migrations[];
extern const size_t quota_svc_migrations_count;

static const loa_service_subscription subscriptions[] = {
    {"content", "LOA_CONTENT_EVENTS", "tcp://127.0.0.1:7201", "LOA_CONTENT_RPC",
     "tcp://127.0.0.1:7101", quota_events_apply},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

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
    };
    return loa_service_main (&def, argc, argv);
}
