#include "loa_migrate.h"

#include <stdio.h>
#include <stdlib.h>
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

/* 0 when every version recorded in `qtable` is one of `migs`; 1 when the
 * database holds migrations this program does not know (a newer program
 * migrated it: running on would write what the newer schema no longer
 * means), logged with their names; -1 on a database error. */
static int newer_schema (PGconn *db, const char *schema, const char *qtable,
                         const loa_migration *migs, size_t n)
{
    /* The names as a text[] literal: ours, embedded at build time
     * ("NNNN_name.sql"), quoted all the same. */
    size_t len = 3;
    for (size_t i = 0; i < n; i++)
        len += strlen (migs[i].name) * 2 + 3;
    char *names = malloc (len);
    if (!names)
        return -1;
    char *w = names;
    *w++ = '{';
    for (size_t i = 0; i < n; i++) {
        if (i)
            *w++ = ',';
        *w++ = '"';
        for (const char *c = migs[i].name; *c; c++) {
            if (*c == '"' || *c == '\\')
                *w++ = '\\';
            *w++ = *c;
        }
        *w++ = '"';
    }
    *w++ = '}';
    *w = '\0';
    char sql[400];
    snprintf (sql, sizeof sql,
              "SELECT string_agg(version, ', ' ORDER BY version), count(*) FROM %s "
              "WHERE version <> ALL ($1::text[])",
              qtable);
    const char *vals[] = {names};
    PGresult *res = PQexecParams (db, sql, 1, NULL, vals, NULL, NULL, 0);
    free (names);
    int rc = -1;
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
        loa_error (NULL, "migrate: %s", loa_db_error (res));
    else if (atoll (PQgetvalue (res, 0, 1)) == 0)
        rc = 0;
    else {
        loa_error (NULL,
                   "migrate: the schema %s is newer than this program: it holds %s migration(s) "
                   "this program does not know (%s). Run the release that migrated it (or a "
                   "newer one), or restore the backup taken before the upgrade "
                   "(docs/operations.md, \"Upgrades\")",
                   schema, PQgetvalue (res, 0, 1), PQgetvalue (res, 0, 0));
        rc = 1;
    }
    PQclear (res);
    return rc;
}

/* The schema, made here only when missing. In a deployment deploy/db-init.sh
 * makes it beforehand, owned by the program's own role, which then needs no
 * right to create schemas in the database (docs/operations.md, "Roles");
 * a superuser or the database's owner (the unit tests, a one-role install)
 * may let the program make it. 0, or -1 logged with what to do. */
static int ensure_schema (PGconn *db, const char *schema, const char *qschema)
{
    const char *vals[] = {schema};
    PGresult *res =
        PQexecParams (db,
                      "SELECT pg_get_userbyid(nspowner), has_schema_privilege(oid, 'CREATE'),"
                      " current_user FROM pg_namespace WHERE nspname = $1",
                      1, NULL, vals, NULL, NULL, 0);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        loa_error (NULL, "migrate: %s", loa_db_error (res));
        PQclear (res);
        return -1;
    }
    int rc = 0;
    if (PQntuples (res) == 0) {
        char sql[160];
        snprintf (sql, sizeof sql, "CREATE SCHEMA %s", qschema);
        PGresult *made = PQexec (db, sql);
        if (PQresultStatus (made) != PGRES_COMMAND_OK) {
            loa_error (NULL,
                       "migrate: there is no schema %s, and this role cannot make it (%s): "
                       "run deploy/db-init.sh, which makes each program's role and schema "
                       "(docs/operations.md, \"Roles\")",
                       schema, loa_db_error (made));
            rc = -1;
        }
        PQclear (made);
    } else if (strcmp (PQgetvalue (res, 0, 1), "t") != 0) {
        loa_error (NULL,
                   "migrate: the schema %s belongs to the role %s, and %s may not create in it: "
                   "run deploy/db-init.sh, which gives each program's schema to its role "
                   "(docs/operations.md, \"Roles\")",
                   schema, PQgetvalue (res, 0, 0), PQgetvalue (res, 0, 2));
        rc = -1;
    }
    PQclear (res);
    return rc;
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
    if (ensure_schema (db, schema, qschema) != 0) {
        applied = -1;
        goto out;
    }
    snprintf (sql, sizeof sql,
              "CREATE TABLE IF NOT EXISTS %s ("
              "version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
              qtable);
    if (loa_db_exec (db, sql) != 0) {
        applied = -1;
        goto out;
    }
    /* Before anything is applied: a newer schema is left as it is. */
    if (newer_schema (db, schema, qtable, migs, n) != 0) {
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
