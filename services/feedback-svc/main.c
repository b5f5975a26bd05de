/* feedback-svc: citizens' feedback on administrative regulations, its
 * workflow within legal time limits, ratings and stats; the working-day
 * calendar and the deadline rules.
 * main only wires; see services/common/loa_service.c for the life cycle. */
#include <sodium.h>

#include "calendar_store.h"
#include "deadlines.h"
#include "feedback_rpc.h"
#include "feedback_store.h"
#include "loa_rpc_thread.h"
#include "loa_service.h"
#include "loa_unit_mirror.h"

extern const loa_migration feedback_svc_migrations[];
extern const size_t feedback_svc_migrations_count;

/* A worker's statements: feedback items, the calendar and the rules. */
static int prepare (PGconn *db)
{
    return feedback_store_prepare (db) == 0 && calendar_store_prepare (db) == 0 ? 0 : -1;
}

/* Units come from content-svc's events (unit_mirror.h). */
static const loa_service_subscription subscriptions[] = {
    {LOA_SVC_CONTENT, loa_unit_mirror_apply, NULL},
    /* The end (apply NULL). */
    {0},
};

int main (int argc, char **argv)
{
    if (sodium_init () < 0) /* tracking codes draw from its CSPRNG */
        return 1;
    const loa_service_def def = {
        .id = LOA_SVC_FEEDBACK,
        .migrations = feedback_svc_migrations,
        .n_migrations = feedback_svc_migrations_count,
        .methods = feedback_methods,
        .prepare = prepare,
        .subscriptions = subscriptions,
        /* A submission is mostly its commit's WAL flush: more in flight
         * share each flush (docs/performance.md, "The list's p99"). */
        .workers_per_core = 8,
    };
    int rc = loa_service_main (&def, argc, argv);
    fb_deadlines_reset (); /* the workers have stopped: free the shared copy */
    loa_rpc_thread_shutdown (); /* and their clients of media-svc (attachments.claim) */
    return rc;
}
