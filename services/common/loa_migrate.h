/* loa_migrate: the migration runner. A service's SQL files
 * (services/<svc>/migrations/NNNN_name.sql) are embedded in its binary at
 * build time and applied at start-up in name order, each in its own
 * transaction, recorded in <schema>.schema_migrations, under
 * pg_advisory_lock so that replicas starting together do not race. */
#ifndef LOA_MIGRATE_H
#define LOA_MIGRATE_H

#include <libpq-fe.h>
#include <stddef.h>

typedef struct {
    const char *name; /* file name, e.g. "0001_init.sql" */
    const char *sql;
} loa_migration;

/* Creates `schema` if needed and applies the migrations not yet recorded,
 * in the order given (the embedding sorts them by name). Runs with
 * search_path = schema, public. Returns the number applied, or -1 (logged;
 * the failing migration is rolled back, earlier ones stay). A schema that
 * records a migration not in `migs` (a newer program migrated it) is left
 * untouched and -1 returned, the unknown names logged: an older binary
 * never runs against a newer schema. */
int loa_migrate (PGconn *db, const char *schema, const loa_migration *migs, size_t n);

#endif
