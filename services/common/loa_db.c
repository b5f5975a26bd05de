#include "loa_db.h"

#include <assert.h>
#include <stdatomic.h>
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

static atomic_long statement_timeout_ms;

void loa_db_set_statement_timeout (long ms) { atomic_store (&statement_timeout_ms, ms); }

long loa_db_statement_timeout (void) { return atomic_load (&statement_timeout_ms); }

long loa_db_statement_timeout_env (void)
{
    long rpc = loa_env_int ("LOA_RPC_TIMEOUT_MS", 5000, 10, 600000);
    return loa_env_int ("LOA_DB_STATEMENT_TIMEOUT_MS", rpc / 5 * 4, 0, 600000);
}

static int session_setup (PGconn *db)
{
    PQsetNoticeProcessor (db, log_notice, NULL);
    /* Set on the session rather than on the role, so that each program
     * bounds its own statements by its own deadline; an operator's
     * ALTER ROLE ... SET statement_timeout is overridden here (set
     * LOA_DB_STATEMENT_TIMEOUT_MS=0 to keep the role's). */
    char sql[64] = "";
    long ms = loa_db_statement_timeout ();
    if (ms > 0)
        snprintf (sql, sizeof sql, "SET statement_timeout = %ld", ms);
    /* loa_store_time reads timestamps in this form. */
    return loa_db_exec (db, "SET TimeZone = 'UTC'") == 0 &&
                   loa_db_exec (db, "SET DateStyle = 'ISO, YMD'") == 0 &&
                   (!sql[0] || loa_db_exec (db, sql) == 0)
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
    if (res && PQresultStatus (res) == PGRES_PIPELINE_ABORTED) {
        snprintf (text, sizeof text, "not run: an earlier statement of the pipeline failed");
    } else if (!state) { /* no server error: the connection's own message */
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

/* A new session on `db` (PQreset also leaves pipeline mode). 0 or -1. */
static int reset (PGconn *db)
{
    PQreset (db);
    if (PQstatus (db) != CONNECTION_OK)
        return -1;
    /* Prepared statements died with the old session; callers re-prepare
     * when they see statements missing (see the services' stores). */
    return session_setup (db);
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
    return reset (db);
}

/* ------------------------------------------------------------ pipelined transactions */

/* What a round trip's results are read for, in the order sent. */
typedef enum {
    SENT_BEGIN, /* checked: a failure means the transaction never began */
    SENT_DEFERRED, /* checked: a failure fails the transaction */
    SENT_WANTED, /* the caller's: loa_db_run's statement, COMMIT, ROLLBACK */
} sent_kind;

typedef struct {
    sent_kind kind;
    void (*done) (const PGresult *res);
    char what[96];
} sent;

/* Statements queued between two round trips; one more makes a round trip
 * of its own first. */
#define PIPE_MAX 32

/* The calling thread's pipelined transaction: one at a time per thread,
 * as there is one connection per thread. */
static _Thread_local struct {
    PGconn *db; /* NULL: none */
    sent q[PIPE_MAX]; /* sent since the last Sync, not yet read */
    int n;
    int broken; /* a round trip did not reach its Sync: send nothing more */
    int failed; /* BEGIN or a deferred statement failed (or was never read) */
    int retryable; /* ... with a serialization failure or deadlock */
    int begin_failed;
} ptx;

/* Checks the result of BEGIN or of a deferred statement. */
static void check_sent (const sent *e, const PGresult *res)
{
    ExecStatusType st = PQresultStatus (res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (e->done)
            e->done (res);
        return;
    }
    if (e->kind == SENT_BEGIN)
        ptx.begin_failed = 1;
    /* Skipped after a failure (PIPELINE_ABORTED), or refused in a block
     * already aborted (25P02): the cause was logged where it was seen. */
    int first = !ptx.failed && st != PGRES_PIPELINE_ABORTED;
    ptx.failed = 1;
    if (!first)
        return;
    ptx.retryable = loa_db_retryable (res);
    if (!ptx.retryable && !loa_db_is_state (res, "25P02"))
        loa_error (NULL, "%s: %s", e->what, loa_db_error (res));
}

/* Ends what was sent with a Sync and reads every result up to it, in the
 * order sent: those of BEGIN and deferred statements are checked, that of
 * the last statement sent is returned when it is SENT_WANTED (the
 * caller's; an error result when it never came). */
static PGresult *round_trip (PGconn *db)
{
    int n = ptx.n, cur = 0, synced = 0;
    PGresult *wanted = NULL;
    ptx.n = 0;
    if (!ptx.broken && PQpipelineSync (db)) {
        /* Each statement gives its result then NULL; the Sync gives
         * PIPELINE_SYNC. A broken connection gives an error then NULLs. */
        for (;;) {
            PGresult *res = PQgetResult (db);
            if (!res) {
                if (cur >= n || PQstatus (db) != CONNECTION_OK)
                    break;
                cur++;
                continue;
            }
            if (PQresultStatus (res) == PGRES_PIPELINE_SYNC) {
                PQclear (res);
                synced = 1;
                break;
            }
            if (cur < n && ptx.q[cur].kind == SENT_WANTED && !wanted) {
                wanted = res;
                continue;
            }
            if (cur < n)
                check_sent (&ptx.q[cur], res);
            PQclear (res);
        }
    }
    if (!synced) {
        if (!ptx.broken)
            loa_warn (NULL, "database: pipeline: %s", PQerrorMessage (db));
        ptx.broken = 1;
        for (int i = cur; i < n; i++) {
            if (ptx.q[i].kind == SENT_BEGIN)
                ptx.begin_failed = 1;
            if (ptx.q[i].kind != SENT_WANTED)
                ptx.failed = 1;
        }
    }
    if (n > 0 && ptx.q[n - 1].kind == SENT_WANTED && !wanted)
        wanted = PQmakeEmptyPGresult (db, PGRES_FATAL_ERROR); /* with the connection's error */
    return wanted;
}

/* Queues `q` (or, with q NULL, the parameter-less `sql`). 0 or -1. */
static int pipe_send (PGconn *db, sent_kind kind, const char *what, const loa_db_query *q,
                      const char *sql, void (*done) (const PGresult *res))
{
    if (ptx.n == PIPE_MAX)
        PQclear (round_trip (db));
    if (ptx.broken)
        return -1;
    int ok = !q        ? PQsendQueryParams (db, sql, 0, NULL, NULL, NULL, NULL, 0)
             : q->stmt ? PQsendQueryPrepared (db, q->stmt, q->n, q->vals, q->lens, q->fmts, 0)
                       : PQsendQueryParams (db, q->sql, q->n, NULL, q->vals, q->lens, q->fmts, 0);
    if (!ok) {
        loa_error (NULL, "%s: cannot send: %s", what, PQerrorMessage (db));
        ptx.broken = 1;
        ptx.failed = 1;
        return -1;
    }
    sent *e = &ptx.q[ptx.n++];
    e->kind = kind;
    e->done = done;
    snprintf (e->what, sizeof e->what, "%s", what);
    return 0;
}

/* Enters pipeline mode and queues BEGIN. 0 or -1 (not in pipeline mode). */
static int pipe_open (PGconn *db)
{
    assert (!ptx.db); /* one transaction at a time per thread */
    memset (&ptx, 0, sizeof ptx);
    if (!PQenterPipelineMode (db))
        return -1;
    ptx.db = db;
    if (pipe_send (db, SENT_BEGIN, "database: BEGIN", NULL, "BEGIN", NULL) == 0)
        return 0;
    ptx.db = NULL;
    PQexitPipelineMode (db);
    return -1;
}

/* Sends `end` (COMMIT or ROLLBACK) after whatever is queued, reads the
 * results, and leaves pipeline mode; a transaction left open (its COMMIT
 * skipped after a failure) is rolled back. Returns end's result (the
 * caller's). */
static PGresult *pipe_close (PGconn *db, const char *end)
{
    PGresult *res = NULL;
    if (pipe_send (db, SENT_WANTED, end, NULL, end, NULL) == 0)
        res = round_trip (db);
    else
        res = PQmakeEmptyPGresult (db, PGRES_FATAL_ERROR);
    ptx.db = NULL;
    if (PQpipelineStatus (db) != PQ_PIPELINE_OFF && !PQexitPipelineMode (db) &&
        PQstatus (db) == CONNECTION_OK) {
        /* Results left unread (a round trip cut short): only a new
         * session is in a known state. A broken connection is reset by the
         * next loa_db_check. */
        loa_warn (NULL, "database: cannot leave pipeline mode: %s; resetting the connection",
                  PQerrorMessage (db));
        reset (db);
    }
    PGTransactionStatusType ts = PQtransactionStatus (db);
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
        loa_db_exec (db, "ROLLBACK");
    return res;
}

int loa_db_pipelined (const PGconn *db) { return db && ptx.db == db; }

PGresult *loa_db_run (PGconn *db, const loa_db_query *q)
{
    if (!loa_db_pipelined (db)) {
        PGresult *res = q->stmt
                            ? PQexecPrepared (db, q->stmt, q->n, q->vals, q->lens, q->fmts, 0)
                            : PQexecParams (db, q->sql, q->n, NULL, q->vals, q->lens, q->fmts, 0);
        return res ? res : PQmakeEmptyPGresult (db, PGRES_FATAL_ERROR);
    }
    if (pipe_send (db, SENT_WANTED, q->stmt ? q->stmt : "database: statement", q, NULL, NULL) != 0)
        return PQmakeEmptyPGresult (db, PGRES_FATAL_ERROR);
    return round_trip (db);
}

int loa_db_defer (PGconn *db, const char *what, const loa_db_query *q,
                  void (*done) (const PGresult *res))
{
    if (loa_db_pipelined (db))
        return pipe_send (db, SENT_DEFERRED, what, q, NULL, done);
    PGresult *res = loa_db_run (db, q);
    ExecStatusType s = PQresultStatus (res);
    int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    int retry = !ok && loa_db_retryable (res);
    if (ok && done)
        done (res);
    else if (!ok && !retry)
        loa_error (NULL, "%s: %s", what, loa_db_error (res));
    PQclear (res);
    return ok ? 0 : retry ? LOA_DB_RETRY : -1;
}

/* ------------------------------------------------------------ transactions */

/* How an attempt at a transaction ended. */
typedef enum {
    TX_DONE, /* return its result */
    TX_AGAIN, /* run it again (a retryable failure) */
    TX_RECONNECT, /* BEGIN failed: check the connection, then run it again */
} tx_next;

static tx_next attempt_plain (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg, int *rc)
{
    if (loa_db_exec (db, "BEGIN") != 0)
        return TX_RECONNECT;
    *rc = fn (db, arg);
    if (*rc != 0) {
        loa_notifier_tx_end (0);
        loa_db_exec (db, "ROLLBACK");
        return *rc == LOA_DB_RETRY ? TX_AGAIN : TX_DONE;
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
    *rc = ok ? 0 : -1;
    return ok || !retry ? TX_DONE : TX_AGAIN;
}

static tx_next attempt_pipelined (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg, int *rc)
{
    if (pipe_open (db) != 0)
        return TX_RECONNECT;
    *rc = fn (db, arg);
    /* What fn's round trips saw decides; what only the ROLLBACK's round
     * trip shows (statements deferred after fn decided to fail) does not. */
    int failed = ptx.failed, retryable = ptx.retryable, begin_failed = ptx.begin_failed;
    if (*rc != 0 || failed) {
        PQclear (pipe_close (db, "ROLLBACK"));
        loa_notifier_tx_end (0);
        if (begin_failed)
            return TX_RECONNECT;
        if (failed) {
            *rc = -1;
            return retryable ? TX_AGAIN : TX_DONE;
        }
        return *rc == LOA_DB_RETRY ? TX_AGAIN : TX_DONE;
    }
    PGresult *res = pipe_close (db, "COMMIT");
    int broken = PQstatus (db) != CONNECTION_OK;
    int ok = !ptx.failed && PQresultStatus (res) == PGRES_COMMAND_OK;
    int retry = ptx.failed ? ptx.retryable : loa_db_retryable (res);
    if (!ok && !ptx.failed)
        loa_warn (NULL, "database: COMMIT: %s", loa_db_error (res));
    PQclear (res);
    /* As attempt_plain's: the relays are woken after the commit, and when
     * the connection broke on the way (the events' INSERTs, read in the
     * same round trip, may not have marked them: the relays' poll takes
     * those). A deferred statement that failed skipped the COMMIT. */
    loa_notifier_tx_end (ok || broken);
    *rc = ok ? 0 : -1;
    return ok || broken || !retry ? TX_DONE : TX_AGAIN;
}

static int run_tx (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg, int pipelined)
{
    /* Events marked by a transaction this thread ran outside loa_db_tx are
     * not ours to announce (the relays' poll moves them). */
    loa_notifier_tx_end (0);
    for (int attempt = 0; attempt < 5; attempt++) {
        if (PQstatus (db) != CONNECTION_OK && loa_db_check (db) != 0)
            return -1;
        int rc = -1;
        tx_next next =
            pipelined ? attempt_pipelined (db, fn, arg, &rc) : attempt_plain (db, fn, arg, &rc);
        if (next == TX_DONE)
            return rc;
        if (next == TX_RECONNECT && loa_db_check (db) != 0)
            return -1;
    }
    loa_warn (NULL, "database: transaction still conflicting after 5 attempts");
    return -1;
}

int loa_db_tx (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg)
{
    return run_tx (db, fn, arg, 0);
}

int loa_db_tx_pipelined (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg)
{
    return run_tx (db, fn, arg, 1);
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
