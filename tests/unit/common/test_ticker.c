/* ticker: a periodic job on its own thread and connection, against a real
 * PostgreSQL: it runs soon after the start and then every interval, each
 * run on a prepared connection; a run that broke its connection gets a new
 * one (prepared again); destroy stops it at once, even in a long wait. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "loa_config.h"
#include "loa_db.h"
#include "loa_ticker.h"
#include "suites.h"

static const char RUNS_SQL[] =
    "CREATE TABLE runs (id bigserial PRIMARY KEY, backend int NOT NULL DEFAULT pg_backend_pid())";

static atomic_int prepared;

static int prepare (PGconn *db)
{
    static const loa_stmt stmts[] = {{"run_insert", "INSERT INTO runs DEFAULT VALUES"},
                                     {NULL, NULL}};
    atomic_fetch_add (&prepared, 1);
    return loa_db_prepare (db, stmts);
}

/* Records a run with the prepared statement; the third run kills its own
 * connection (as a restarted server would) and fails. */
static int job (PGconn *db, void *arg)
{
    atomic_int *calls = arg;
    int n = atomic_fetch_add (calls, 1) + 1;
    if (n == 3) {
        PGresult *res = PQexec (db, "SELECT pg_terminate_backend(pg_backend_pid())");
        PQclear (res);
        return -1;
    }
    PGresult *res = PQexecPrepared (db, "run_insert", 0, NULL, NULL, NULL, 0);
    int rc = PQresultStatus (res) == PGRES_COMMAND_OK ? 0 : -1;
    PQclear (res);
    return rc;
}

static long long wait_rows (PGconn *db, long long want, int ms)
{
    int64_t until = loa_mono_ms () + ms;
    long long n;
    while ((n = test_query_int (db, "SELECT count(*) FROM runs")) < want && loa_mono_ms () < until)
        test_sleep_ms (20);
    return n;
}

START_TEST (test_runs_periodically_and_reconnects)
{
    static const loa_migration runs[] = {{"0001_runs.sql", RUNS_SQL}};
    test_schema s;
    test_schema_init (&s, "t_tick", "test_ticker", runs, 1);
    atomic_store (&prepared, 0);
    atomic_int calls = 0;
    loa_ticker *t = loa_ticker_new ("test", "job", s.url, 50, prepare, job, &calls);
    ck_assert_ptr_nonnull (t);
    ck_assert_int_eq (loa_ticker_start (t), 0);
    /* Runs 1, 2 then 3 (which fails), 4 and 5 on a new connection. */
    ck_assert_int_ge (wait_rows (s.db, 4, 10000), 4);
    loa_ticker_destroy (&t);
    ck_assert_ptr_null (t);
    loa_ticker_destroy (&t); /* idempotent */
    int n = atomic_load (&calls);
    ck_assert_int_ge (n, 5);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM runs"), n - 1);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(DISTINCT backend) FROM runs"), 2);
    ck_assert_int_eq (atomic_load (&prepared), 2);
    test_schema_fini (&s);
}
END_TEST

static int insert_run (PGconn *db, void *arg)
{
    (void) arg;
    PGresult *res = PQexecPrepared (db, "run_insert", 0, NULL, NULL, NULL, 0);
    int rc = PQresultStatus (res) == PGRES_COMMAND_OK ? 0 : -1;
    PQclear (res);
    return rc;
}

/* Runs in a transaction; before the third, another session ends this
 * run's backend, so loa_db_tx finds the connection broken and resets it:
 * the run fails on a working session that lacks the statements. */
static int tx_job (PGconn *db, void *arg)
{
    atomic_int *calls = arg;
    if (atomic_fetch_add (calls, 1) + 1 == 3) {
        char sql[96];
        snprintf (sql, sizeof sql, "SELECT pg_terminate_backend(%d)", PQbackendPID (db));
        PGconn *other = PQconnectdb (test_db_url ());
        PQclear (PQexec (other, sql));
        PQfinish (other);
        test_sleep_ms (50);
    }
    return loa_db_tx (db, insert_run, NULL);
}

/* After such a reset the statements are prepared again: the runs after
 * the failed one record their rows (they failed for ever before). */
START_TEST (test_statements_come_back_after_a_reset)
{
    static const loa_migration runs[] = {{"0001_runs.sql", RUNS_SQL}};
    test_schema s;
    test_schema_init (&s, "t_tick", "test_ticker_reset", runs, 1);
    atomic_store (&prepared, 0);
    atomic_int calls = 0;
    loa_ticker *t = loa_ticker_new ("test", "job", s.url, 50, prepare, tx_job, &calls);
    ck_assert_ptr_nonnull (t);
    ck_assert_int_eq (loa_ticker_start (t), 0);
    ck_assert_int_ge (wait_rows (s.db, 4, 10000), 4);
    loa_ticker_destroy (&t);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(DISTINCT backend) FROM runs"), 2);
    ck_assert_int_ge (atomic_load (&prepared), 2);
    test_schema_fini (&s);
}
END_TEST

START_TEST (test_stops_during_a_long_wait)
{
    static const loa_migration runs[] = {{"0001_runs.sql", RUNS_SQL}};
    test_schema s;
    test_schema_init (&s, "t_tick", "test_ticker", runs, 1);
    atomic_int calls = 0;
    loa_ticker *t = loa_ticker_new ("test", "job", s.url, 3600000, prepare, job, &calls);
    ck_assert_ptr_nonnull (t);
    ck_assert_int_eq (loa_ticker_start (t), 0);
    ck_assert_int_eq (wait_rows (s.db, 1, 10000), 1); /* the first run comes soon */
    /* The run is counted once its transaction is over, a moment after its
     * row is visible: wait for the count too (bounded). */
    for (int i = 0; i < 1000 && loa_ticker_runs (t) < 1; i++)
        usleep (10000);
    ck_assert_uint_eq (loa_ticker_runs (t), 1);
    loa_ticker_destroy (&t); /* would wait an hour if the wait ignored it */
    ck_assert_int_eq (atomic_load (&calls), 1);
    test_schema_fini (&s);
}
END_TEST

Suite *ticker_suite (void)
{
    Suite *s = suite_create ("ticker");
    TCase *tc = tcase_create ("ticker");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_runs_periodically_and_reconnects);
    tcase_add_test (tc, test_stops_during_a_long_wait);
    tcase_add_test (tc, test_statements_come_back_after_a_reset);
    suite_add_tcase (s, tc);
    return s;
}
