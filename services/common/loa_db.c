#include "loa_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loa_config.h"
#include "loa_log.h"
#include "loa_notifier.h"

static void sleep_ms (int ms)
{
    struct timespec ts = {ms / 1000, (long) (ms % 1000) * 1000000L};
    nanosleep (&ts, NULL);
}

/* libpq prints notices (and a FATAL that arrives while idle, such as an
 * administrator's termination) on stderr; they go to the JSON log instead. */
static void log_notice (void *arg, const char *message)
{
    (void) arg;
    size_t n = strlen (message);
    while (n && message[n - 1] == '\n')
        n--;
    int serious = strncmp (message, "WARNING", 7) == 0 || strncmp (message, "FATAL", 5) == 0 ||
                  strncmp (message, "ERROR", 5) == 0;
    loa_log (serious ? LOA_LOG_WARN : LOA_LOG_DEBUG, NULL, "database says: %.*s", (int) n, message);
}

static int session_setup (PGconn *db)
{
    PQsetNoticeProcessor (db, log_notice, NULL);
    /* loa_store_time reads timestamps in this form. */
    return loa_db_exec (db, "SET TimeZone = 'UTC'") == 0 &&
                   loa_db_exec (db, "SET DateStyle = 'ISO, YMD'") == 0
               ? 0
               : -1;
}

PGconn *loa_db_connect (const char *url, const char *app_name, int wait_ms)
{
    const char *keys[] = {"dbname", "application_name", "client_encoding", "connect_timeout", NULL};
    const char *vals[] = {url, app_name, "UTF8", "5", NULL};
    int64_t give_up = loa_mono_ms () + wait_ms;
    int delay = 100;
    for (;;) {
        /* expand_dbname = 1: "dbname" may be a full conninfo string or URI. */
        PGconn *db = PQconnectdbParams (keys, vals, 1);
        if (db && PQstatus (db) == CONNECTION_OK) {
            if (session_setup (db) == 0)
                return db;
        }
        int64_t now = loa_mono_ms ();
        if (now >= give_up) {
            loa_error (NULL, "database: cannot connect: %s",
                       db ? PQerrorMessage (db) : "out of memory");
            PQfinish (db);
            return NULL;
        }
        PQfinish (db);
        sleep_ms (delay);
        if (delay < 1000)
            delay *= 2;
    }
}

int loa_db_prepare (PGconn *db, const loa_stmt *stmts)
{
    for (const loa_stmt *s = stmts; s && s->name; s++) {
        PGresult *res = PQprepare (db, s->name, s->sql, 0, NULL);
        int ok = PQresultStatus (res) == PGRES_COMMAND_OK;
        if (!ok)
            loa_error (NULL, "database: prepare %s: %s", s->name, loa_db_error (res));
        PQclear (res);
        if (!ok)
            return -1;
    }
    return 0;
}

int loa_db_exec (PGconn *db, const char *sql)
{
    PGresult *res = PQexec (db, sql);
    ExecStatusType st = PQresultStatus (res);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        loa_error (NULL, "database: %s: %s", sql, loa_db_error (res));
    PQclear (res);
    return ok ? 0 : -1;
}

const char *loa_db_error (const PGresult *res)
{
    static _Thread_local char text[512];
    const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
    if (!state) { /* no server error: the connection's own message */
        const char *m = res ? PQresultErrorMessage (res) : "";
        snprintf (text, sizeof text, "%s", *m ? m : "no result (out of memory or no connection)");
    } else if (strncmp (state, "22", 2) == 0 || strncmp (state, "23", 2) == 0) {
        const char *table = PQresultErrorField (res, PG_DIAG_TABLE_NAME);
        const char *column = PQresultErrorField (res, PG_DIAG_COLUMN_NAME);
        const char *constraint = PQresultErrorField (res, PG_DIAG_CONSTRAINT_NAME);
        snprintf (text, sizeof text, "SQLSTATE %s%s%s%s%s%s%s (values not logged)", state,
                  table ? ", table " : "", table ? table : "", column ? ", column " : "",
                  column ? column : "", constraint ? ", constraint " : "",
                  constraint ? constraint : "");
    } else {
        const char *m = PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY);
        snprintf (text, sizeof text, "SQLSTATE %s: %s", state, m ? m : "");
    }
    size_t n = strlen (text);
    while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
        text[--n] = '\0';
    return text;
}

int loa_db_is_state (const PGresult *res, const char *state)
{
    const char *s = PQresultErrorField (res, PG_DIAG_SQLSTATE);
    return s && strcmp (s, state) == 0;
}

int loa_db_check (PGconn *db)
{
    if (PQstatus (db) == CONNECTION_OK) {
        PGresult *res = PQexec (db, "SELECT 1");
        int ok = PQresultStatus (res) == PGRES_TUPLES_OK;
        PQclear (res);
        if (ok)
            return 0;
    }
    PQreset (db);
    if (PQstatus (db) != CONNECTION_OK)
        return -1;
    /* Prepared statements died with the old session; callers re-prepare
     * when they see statements missing (see the services' stores). */
    return session_setup (db);
}

int loa_db_tx (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg)
{
    /* Events marked by a transaction this thread ran outside loa_db_tx are
     * not ours to announce (the relays' poll moves them). */
    loa_notifier_tx_end (0);
    for (int attempt = 0; attempt < 5; attempt++) {
        if (PQstatus (db) != CONNECTION_OK && loa_db_check (db) != 0)
            return -1;
        if (loa_db_exec (db, "BEGIN") != 0) {
            if (loa_db_check (db) != 0)
                return -1;
            continue;
        }
        int rc = fn (db, arg);
        if (rc != 0) {
            loa_notifier_tx_end (0);
            loa_db_exec (db, "ROLLBACK");
            if (rc == LOA_DB_RETRY)
                continue;
            return rc;
        }
        PGresult *res = PQexec (db, "COMMIT");
        int ok = PQresultStatus (res) == PGRES_COMMAND_OK;
        int retry = loa_db_retryable (res);
        if (!ok)
            loa_warn (NULL, "database: COMMIT: %s", loa_db_error (res));
        PQclear (res);
        /* Wakes the relays only now, off this transaction (notifier.h). A
         * COMMIT whose connection broke may have committed: a wake-up too
         * many costs the relay one empty round. */
        loa_notifier_tx_end (ok || PQstatus (db) != CONNECTION_OK);
        if (ok)
            return 0;
        if (!retry)
            return -1;
    }
    loa_warn (NULL, "database: transaction still conflicting after 5 attempts");
    return -1;
}

int loa_db_retryable (const PGresult *res)
{
    return loa_db_is_state (res, "40001") || loa_db_is_state (res, "40P01");
}

char *loa_db_url_with_schema (const char *url, const char *schema)
{
    char *out = NULL;
    int n;
    if (strncmp (url, "postgres://", 11) == 0 || strncmp (url, "postgresql://", 13) == 0)
        n = asprintf (&out, "%s%coptions=-c%%20search_path%%3D%s%%2Cpublic", url,
                      strchr (url, '?') ? '&' : '?', schema);
    else
        n = asprintf (&out, "%s options='-c search_path=%s,public'", url, schema);
    return n < 0 ? NULL : out;
}
