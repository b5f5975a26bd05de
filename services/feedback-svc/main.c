/* feedback-svc: citizens' feedback on administrative regulations, the
 * working-day calendar and the deadline rules. main only wires; see
 * services/common/service.c for the life cycle. */
#include "calendar.pb-c.h"
#include "calendar_rpc.h"
#include "calendar_store.h"
#include "deadlines.h"
#include "service.h"

extern const loa_migration feedback_svc_migrations[];
extern const size_t feedback_svc_migrations_count;

/* The service's methods ("ping" and "events.since" are added). */
static const loa_rpc_method methods[] = {
    /* Calendar and deadlines (calendar_rpc.c) */
    {"calendar.get", &loa__feedback__calendar_year_request__descriptor, calendar_get},
    {"calendar.put", &loa__feedback__calendar_put_request__descriptor, calendar_put},
    {"calendar.add", &loa__feedback__calendar_add_request__descriptor, calendar_add},
    {"deadlines.get", NULL, calendar_deadlines_get},
    {"deadlines.put", &loa__feedback__deadline_rules_input__descriptor, calendar_deadlines_put},
    {"deadlines.for", &loa__feedback__deadlines_for_request__descriptor, calendar_deadlines_for},
    {NULL, NULL, NULL},
};

/* A worker's statements. */
static int prepare (PGconn *db) { return calendar_store_prepare (db); }

int main (int argc, char **argv)
{
    const loa_service_def def = {
        .name = "feedback-svc",
        .schema = "feedback",
        .rpc_env = "LOA_FEEDBACK_RPC",
        .rpc_default = "tcp://127.0.0.1:7102",
        .events_env = "LOA_FEEDBACK_EVENTS",
        .events_default = "tcp://127.0.0.1:7202",
        .migrations = feedback_svc_migrations,
        .n_migrations = feedback_svc_migrations_count,
        .methods = methods,
        .prepare = prepare,
    };
    int rc = loa_service_main (&def, argc, argv);
    fb_deadlines_reset (); /* the workers have stopped: free the shared copy */
    return rc;
}
