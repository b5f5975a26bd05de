/* feedback-svc: its domain comes with its issue; for now it starts, migrates its
 * schema, relays its (empty) event log and answers ping and events.since.
 * main only wires; see services/common/service.c for the life cycle. */
#include "service.h"

extern const loa_migration feedback_svc_migrations[];
extern const size_t feedback_svc_migrations_count;

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
    };
    return loa_service_main (&def, argc, argv);
}
