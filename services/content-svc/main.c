/* content-svc: units, topics (and later articles, notices, procedures).
 * main only wires; see services/common/service.c for the life cycle. */
#include "content_rpc.h"
#include "content_store.h"
#include "service.h"

extern const loa_migration content_svc_migrations[];
extern const size_t content_svc_migrations_count;

int main (int argc, char **argv)
{
    const loa_service_def def = {
        .name = "content-svc",
        .schema = "content",
        .rpc_env = "LOA_CONTENT_RPC",
        .rpc_default = "tcp://127.0.0.1:7101",
        .events_env = "LOA_CONTENT_EVENTS",
        .events_default = "tcp://127.0.0.1:7201",
        .migrations = content_svc_migrations,
        .n_migrations = content_svc_migrations_count,
        .methods = content_methods,
        .prepare = content_store_prepare,
    };
    return loa_service_main (&def, argc, argv);
}
