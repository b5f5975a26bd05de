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
 * `wait_ms` while the server starts. Sets TimeZone=UTC, application_name and
 * client_encoding UTF8. Returns the connection (caller's) or NULL. */
PGconn *loa_db_connect (const char *url, const char *app_name, int wait_ms);

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

/* 1 when `res` failed with a serialization failure (40001) or deadlock (40P01). */
int loa_db_retryable (const PGresult *res);

/* Makes sure the connection works, resetting it once if not. 0 or -1. */
int loa_db_check (PGconn *db);

/* What went wrong with `res`, for a log line, without the values of a row:
 * a constraint or data error (SQLSTATE class 22 or 23), whose message and
 * detail quote what was written (a citizen's e-mail, a password's hash),
 * is told by its SQLSTATE, table, column and constraint only; any other
 * error by its SQLSTATE and message. Borrowed: valid until the thread's
 * next call. Use it, never PQresultErrorMessage, in logs. */
const char *loa_db_error (const PGresult *res);

/* 1 when the result's SQLSTATE equals `state` (e.g. "23505"). */
int loa_db_is_state (const PGresult *res, const char *state);

#endif
