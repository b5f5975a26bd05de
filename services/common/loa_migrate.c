#include "loa_migrate.h"

#include <stdio.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"

/* Runs one parameterised statement that returns no rows we need. */
static int exec_params (PGconn *db, const char *sql, int n, const char *const *vals)
{
    PGresult *res = PQexecParams (db, sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus (res);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        loa_error (NULL, "migrate: %s", loa_db_error (res));
    PQclear (res);
    return ok ? 0 : -1;
}

static int is_applied (PGconn *db, const char *qtable, const char *name)
{
    char sql[320];
    snprintf (sql, sizeof sql, "SELECT 1 FROM %s WHERE version = $1", qtable);
    const char *vals[] = {name};
    PGresult *res = PQexecParams (db, sql, 1, NULL, vals, NULL, NULL, 0);
    int applied = PQresultStatus (res) == PGRES_TUPLES_OK ? PQntuples (res) > 0 : -1;
    if (applied < 0)
        loa_error (NULL, "migrate: %s", loa_db_error (res));
    PQclear (res);
    return applied;
}

static int apply_one (PGconn *db, const char *qschema, const char *qtable, const loa_migration *m)
{
    char sql[640];
    if (loa_db_exec (db, "BEGIN") != 0)
        return -1;
    snprintf (sql, sizeof sql, "SET LOCAL search_path TO %s, public", qschema);
    if (loa_db_exec (db, sql) != 0)
        goto fail;
    /* The file is ours (embedded at build time), never user input: it may
     * hold several statements, which only the simple query protocol runs. */
    PGresult *res = PQexec (db, m->sql);
    if (PQresultStatus (res) != PGRES_COMMAND_OK && PQresultStatus (res) != PGRES_TUPLES_OK) {
        loa_error (NULL, "migrate: %s failed: %s", m->name, loa_db_error (res));
        PQclear (res);
        goto fail;
    }
    PQclear (res);
    snprintf (sql, sizeof sql, "INSERT INTO %s (version) VALUES ($1)", qtable);
    const char *vals[] = {m->name};
    if (exec_params (db, sql, 1, vals) != 0)
        goto fail;
    if (loa_db_exec (db, "COMMIT") != 0)
        return -1;
    loa_info (NULL, "migrate: applied %s", m->name);
    return 0;
fail:
    loa_db_exec (db, "ROLLBACK");
    return -1;
}

int loa_migrate (PGconn *db, const char *schema, const loa_migration *migs, size_t n)
{
    int applied = 0, locked = 0;
    const char *lock_vals[] = {schema};
    char *qschema = PQescapeIdentifier (db, schema, strlen (schema));
    if (!qschema) {
        loa_error (NULL, "migrate: bad schema name: %s", PQerrorMessage (db));
        return -1;
    }
    char qtable[256], sql[1024];
    snprintf (qtable, sizeof qtable, "%s.schema_migrations", qschema);

    /* Migrations may take long (an index on a big table, the lock while
     * another replica migrates): no statement timeout on this session. */
    if (loa_db_exec (db, "SET statement_timeout = 0") != 0) {
        applied = -1;
        goto out;
    }
    /* One lock per schema, shared by every replica of the service. */
    if (exec_params (db, "SELECT pg_advisory_lock(hashtext('loa.migrate.' || $1))", 1, lock_vals) !=
        0) {
        applied = -1;
        goto out;
    }
    locked = 1;
    snprintf (sql, sizeof sql,
              "CREATE SCHEMA IF NOT EXISTS %s; CREATE TABLE IF NOT EXISTS %s ("
              "version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
              qschema, qtable);
    if (loa_db_exec (db, sql) != 0) {
        applied = -1;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        int done = is_applied (db, qtable, migs[i].name);
        if (done < 0 || (!done && apply_one (db, qschema, qtable, &migs[i]) != 0)) {
            applied = -1;
            goto out;
        }
        if (!done)
            applied++;
    }
out:
    if (locked)
        exec_params (db, "SELECT pg_advisory_unlock(hashtext('loa.migrate.' || $1))", 1, lock_vals);
    PQfreemem (qschema);
    return applied;
}
