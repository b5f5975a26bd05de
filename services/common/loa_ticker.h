/* loa_ticker: a service's periodic job (e.g. quota-svc's at-risk sweep), on a
 * thread and a PostgreSQL connection of its own, so that it never takes an
 * RPC worker or a subscriber away from their work.
 *
 * The job runs once soon after the start, then every interval. Replicas of
 * a service each run it: a job must be safe to run concurrently (make its
 * effects idempotent in the database, e.g. INSERT ... ON CONFLICT DO
 * NOTHING). */
#ifndef LOA_TICKER_H
#define LOA_TICKER_H

#include <libpq-fe.h>

/* One run of the job on `db` (the ticker's own connection, statements
 * prepared by the ticker's `prepare`). 0, or -1 (logged by the job; the
 * ticker checks the connection and runs again at the next interval). */
typedef int (*loa_tick_fn) (PGconn *db, void *arg);

typedef struct loa_ticker loa_ticker;

/* `name` names it in logs (application_name "<service>/<name>"); `db_url`
 * a libpq URL/conninfo (the service's, with its search_path); `prepare`
 * (may be NULL) prepares the connection's statements after each connect.
 * `interval_ms` >= 1. Does not start. NULL when out of memory. */
loa_ticker *loa_ticker_new (const char *service, const char *name, const char *db_url,
                            int interval_ms, int (*prepare) (PGconn *db), loa_tick_fn fn,
                            void *arg);

/* Starts the thread. 0 or -1 (logged). */
int loa_ticker_start (loa_ticker *self);

/* Stops the thread (waiting for a run in progress to end) and frees; NULLs
 * *pself. Idempotent. */
void loa_ticker_destroy (loa_ticker **pself);

/* Runs completed so far, successful or not (for tests and logs). */
unsigned long loa_ticker_runs (loa_ticker *self);

#endif
