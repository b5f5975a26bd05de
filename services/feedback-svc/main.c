/* feedback-svc: citizens' feedback on administrative regulations, its
 * workflow within legal time limits, ratings and stats; the working-day
 * calendar and the deadline rules.
 * main only wires; see services/common/service.c for the life cycle. */
#include <sodium.h>

#include "calendar.pb-c.h"
#include "calendar_rpc.h"
#include "calendar_store.h"
#include "deadlines.h"
#include "feedback_edit.pb-c.h"
#include "feedback_rpc.h"
#include "feedback_store.h"
#include "loa_service.h"
#include "loa_unit_mirror.h"

extern const loa_migration feedback_svc_migrations[];
extern const size_t feedback_svc_migrations_count;

#define IN(name) &loa__feedback__##name##__descriptor

/* The service's methods ("ping" and "events.since" are added). */
static const loa_rpc_method methods[] = {
    /* Feedback (feedback_rpc.c) */
    {"feedback.create", IN (create_feedback_request), feedback_items_create},
    {"feedback.track", IN (track_request), feedback_items_track},
    {"feedback.rate", IN (rate_request), feedback_items_rate},
    {"feedback.public_list", IN (public_list_request), feedback_items_public_list},
    {"feedback.list", IN (feedback_list_request), feedback_items_list},
    {"feedback.get", IN (feedback_id_request), feedback_items_get},
    {"feedback.accept", IN (accept_request), feedback_items_accept},
    {"feedback.forward", IN (forward_request), feedback_items_forward},
    {"feedback.reject", IN (reject_request), feedback_items_reject},
    {"feedback.answer", IN (answer_request), feedback_items_answer},
    {"feedback.approve", IN (reason_request), feedback_items_approve},
    {"feedback.return", IN (reason_request), feedback_items_return},
    {"feedback.close", IN (reason_request), feedback_items_close},
    {"feedback.stats", IN (period_request), feedback_items_stats},
    {"ratings.create", IN (create_desk_rating_request), feedback_ratings_create},
    {"ratings.summary", IN (period_request), feedback_ratings_summary},
    /* Calendar and deadlines (calendar_rpc.c) */
    {"calendar.get", IN (calendar_year_request), feedback_calendar_get},
    {"calendar.put", IN (calendar_put_request), feedback_calendar_put},
    {"calendar.add", IN (calendar_add_request), feedback_calendar_add},
    {"deadlines.get", NULL, feedback_deadlines_get},
    {"deadlines.put", IN (deadline_rules_input), feedback_deadlines_put},
    {"deadlines.for", IN (deadlines_for_request), feedback_deadlines_for},
    {NULL, NULL, NULL},
};

/* A worker's statements: feedback items, the calendar and the rules. */
static int prepare (PGconn *db)
{
    return feedback_store_prepare (db) == 0 && calendar_store_prepare (db) == 0 ? 0 : -1;
}

/* Units come from content-svc's events (unit_mirror.h). */
static const loa_service_subscription subscriptions[] = {
    {"content", "LOA_CONTENT_EVENTS", "tcp://127.0.0.1:7201", "LOA_CONTENT_RPC",
     "tcp://127.0.0.1:7101", loa_unit_mirror_apply},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

int main (int argc, char **argv)
{
    if (sodium_init () < 0) /* tracking codes draw from its CSPRNG */
        return 1;
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
        .subscriptions = subscriptions,
    };
    int rc = loa_service_main (&def, argc, argv);
    fb_deadlines_reset (); /* the workers have stopped: free the shared copy */
    return rc;
}
