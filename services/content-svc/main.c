/* content-svc: units, topics, articles, public notices and procedures.
 * main only wires; see services/common/loa_service.c for the life cycle. */
#include "article_store.h"
#include "catalog_store.h"
#include "content_rpc.h"
#include "content_store.h"
#include "loa_rpc_thread.h"
#include "loa_service.h"

extern const loa_migration content_svc_migrations[];
extern const size_t content_svc_migrations_count;

/* A worker's statements: units and topics, articles, notices and procedures. */
static int prepare (PGconn *db)
{
    return content_store_prepare (db) == 0 && article_store_prepare (db) == 0 &&
                   catalog_store_prepare (db) == 0
               ? 0
               : -1;
}

int main (int argc, char **argv)
{
    const loa_service_def def = {
        .id = LOA_SVC_CONTENT,
        .migrations = content_svc_migrations,
        .n_migrations = content_svc_migrations_count,
        .methods = content_methods,
        .prepare = prepare,
    };
    int rc = loa_service_main (&def, argc, argv);
    loa_rpc_thread_shutdown (); /* the workers, and their clients, have ended */
    return rc;
}
