/* loa_db: PostgreSQL connection helpers (libpq). One connection per thread;
 * every statement parameterised and prepared by name. PGresult values never
 * leave a service's store file. */
#ifndef LOA_DB_H
#define LOA_DB_H

#include <libpq-fe.h>

typedef struct {
    const char *name;
    const char *sql;
} loa_stmt;

/* Connects to `url` (a libpq conninfo or URI), retrying for up to
 * `wait_ms` while the server starts. Sets TimeZone=UTC, application_name,
 * client_encoding UTF8 and the process's statement timeout (below).
 * Returns the connection (caller's) or NULL. */
PGconn *loa_db_connect (const char *url, const char *app_name, int wait_ms);

/* The statement_timeout (ms, 0: none) of every session loa_db_connect opens
 * from now on in this process (and of sessions it resets), so that a slow
 * statement is cancelled (SQLSTATE 57014, an error like any other) before
 * the caller's RPC deadline rather than holding its worker. 0 until set.
 * A session that migrates drops it (loa_migrate). */
void loa_db_set_statement_timeout (long ms);
long loa_db_statement_timeout (void);

/* LOA_DB_STATEMENT_TIMEOUT_MS (0-600000), by default four fifths of
 * LOA_RPC_TIMEOUT_MS (5000: 4000 ms): what each program passes to
 * loa_db_set_statement_timeout. */
long loa_db_statement_timeout_env (void);

/* A copy of `url` (URI or key=value conninfo) whose sessions use
 * search_path = schema, public. Caller frees. NULL when out of memory. */
char *loa_db_url_with_schema (const char *url, const char *schema);

/* Prepares every statement of the NULL-name-terminated table. 0 or -1. */
int loa_db_prepare (PGconn *db, const loa_stmt *stmts);

/* Runs one parameter-less command (BEGIN, COMMIT, ...). 0 or -1 (logged). */
int loa_db_exec (PGconn *db, const char *sql);

/* Runs `fn` inside BEGIN ... COMMIT. fn returns 0 to commit, LOA_DB_RETRY
 * to roll back and run again (it saw a serialization failure or deadlock:
 * see loa_db_retryable), or any other value to roll back and stop. A COMMIT
 * that fails with a retryable state is retried too; up to 5 attempts. When
 * the connection is broken it is reset. Returns 0 committed, fn's own
 * non-zero result, or -1. */
#define LOA_DB_RETRY (-2)
int loa_db_tx (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg);

/* ------------------------------------------------------------ pipelined transactions
 *
 * loa_db_tx costs a round trip per statement, plus BEGIN's and COMMIT's.
 * loa_db_tx_pipelined runs the same transaction in libpq's pipeline mode,
 * where statements are queued and only a Sync makes a round trip:
 *   - BEGIN is queued, and travels with the transaction's first statement
 *     that needs its result (loa_db_run): BEGIN + that statement, 1 round
 *     trip;
 *   - each loa_db_run is 1 round trip, carrying whatever was queued before
 *     it (in order);
 *   - a deferred statement (loa_db_defer), whose result only says whether
 *     it worked, is queued and travels with the next round trip: usually
 *     the COMMIT's, so every statement deferred after the last loa_db_run
 *     and the COMMIT are 1 round trip.
 * A feedback submission is thus BEGIN + the calendar's version, the INSERT
 * RETURNING, then its history row + its event + COMMIT: 3 round trips
 * instead of 6 (2 instead of 5 while the calendar's copy is fresh).
 *
 * Failures. A deferred statement that fails aborts the transaction: the
 * server skips what follows it up to the round trip's end (a loa_db_run
 * that came after it returns a PGRES_PIPELINE_ABORTED result, a COMMIT is
 * not run), and nothing is committed. Its error is logged once, where its
 * result is read, with the `what` it was deferred with (loa_db_error: no
 * values); the transaction then ends as if fn had failed there: rolled
 * back, and run again when the failure was a serialization failure or a
 * deadlock (as LOA_DB_RETRY), else loa_db_tx_pipelined returns -1, whatever
 * fn returned. A BEGIN that failed (the connection was broken before the
 * transaction) resets the connection and runs the transaction again, as
 * loa_db_tx does. A connection that breaks while the COMMIT's round trip is
 * on its way may have committed: -1, and the relays are woken all the same.
 *
 * Inside fn, run statements only through loa_db_run, loa_db_defer and what
 * is built on them (loa_store_run, _one, _rows, _page, _change, _defer,
 * _exec; loa_outbox_add, which defers its INSERT): libpq's PQexec* and
 * PQprepare refuse to run in pipeline mode, so a statement run directly
 * fails (and with it the transaction) rather than running outside it. */

/* A statement for loa_db_run and loa_db_defer: prepared statement `stmt`,
 * or, when stmt is NULL, the text `sql` (unprepared); n parameters `vals`,
 * with lengths and formats as PQexecPrepared's (lens and fmts NULL: all
 * text). Results come in text. */
typedef struct {
    const char *stmt;
    const char *sql;
    int n;
    const char *const *vals;
    const int *lens;
    const int *fmts;
} loa_db_query;

/* loa_db_tx, pipelined (see above): the same contract, fn's statements run
 * through loa_db_run and loa_db_defer. Returns 0 committed, fn's own
 * non-zero result, or -1 (also when a deferred statement failed). */
int loa_db_tx_pipelined (PGconn *db, int (*fn) (PGconn *db, void *arg), void *arg);

/* Runs `q` and returns its result (the caller's: PQclear). In
 * a pipelined transaction on `db`, one round trip that also carries
 * whatever was queued before (BEGIN, deferred statements); the result is
 * PGRES_PIPELINE_ABORTED when one of those failed. Elsewhere,
 * PQexecPrepared (PQexecParams for sql). */
PGresult *loa_db_run (PGconn *db, const loa_db_query *q);

/* A statement whose result only says whether it worked. In a pipelined
 * transaction on `db`, queued (its parameters copied): 0, or -1 when it
 * cannot be sent (the connection is broken: logged); its result is read in
 * the next round trip, and `done` (may be NULL) called with it there if it
 * succeeded, before the COMMIT is acted on; its failure fails the
 * transaction (see above). Elsewhere, run at once: 0 (after `done`);
 * LOA_DB_RETRY after a serialization failure or deadlock (not logged: the
 * caller's transaction is retried); -1 on any other failure. Failures are
 * logged as "<what>: <loa_db_error>"; `what` is copied (up to 95 bytes). */
int loa_db_defer (PGconn *db, const char *what, const loa_db_query *q,
                  void (*done) (const PGresult *res));

/* 1 while `db` runs a pipelined transaction on the calling thread (inside
 * fn of loa_db_tx_pipelined), else 0. */
int loa_db_pipelined (const PGconn *db);

/* 1 when `res` failed with a serialization failure (40001) or deadlock (40P01). */
int loa_db_retryable (const PGresult *res);

/* Makes sure the connection works, resetting it once if not. 0 or -1. */
int loa_db_check (PGconn *db);

/* What went wrong with `res`, for a log line, without the values of a row
 * (a statement skipped in a pipeline after an earlier one failed says so):
 * a constraint or data error (SQLSTATE class 22 or 23), whose message and
 * detail quote what was written (a citizen's e-mail, a password's hash),
 * is told by its SQLSTATE, table, column and constraint only; any other
 * error by its SQLSTATE and message. Borrowed: valid until the thread's
 * next call. Use it, never PQresultErrorMessage, in logs. */
const char *loa_db_error (const PGresult *res);

/* 1 when the result's SQLSTATE equals `state` (e.g. "23505"). */
int loa_db_is_state (const PGresult *res, const char *state);

#endif
