/* media-svc: its domain comes with its issue; for now it starts, migrates its
 * schema, relays its (empty) event log and answers ping and events.since.
 * main only wires; see services/common/service.c for the life cycle. */
#include "service.h"

extern const loa_migration media_svc_migrations[];
extern const size_t media_svc_migrations_count;

int main (int argc, char **argv)
{
    const loa_service_def def = {
        .name = "media-svc",
        .schema = "media",
        .rpc_env = "LOA_MEDIA_RPC",
        .rpc_default = "tcp://127.0.0.1:7104",
        .events_env = "LOA_MEDIA_EVENTS",
        .events_default = "tcp://127.0.0.1:7204",
        .migrations = media_svc_migrations,
        .n_migrations = media_svc_migrations_count,
    };
    return loa_service_main (&def, argc, argv);
}
