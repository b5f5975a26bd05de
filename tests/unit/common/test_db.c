/* db: loa_db's transactions against a real PostgreSQL (LOA_TEST_DB_URL),
 * pipelined ones above all: what travels in which round trip, counted in
 * libpq's own trace of the messages sent (each round trip ends with a Sync,
 * or is a simple Query); that deferred statements commit with the
 * transaction, that one failing rolls all of it back and leaves the
 * connection usable, that serialization failures and deadlocks run it
 * again, and that a broken connection is reset. Each test works in a
 * schema of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.pb-c.h"
#include "fixture.h"
#include "loa_config.h"
#include "loa_db.h"
#include "loa_outbox.h"
#include "loa_store.h"
#include "suites.h"

/* conflict_until (n, state) fails with SQLSTATE `state` until it has been
 * called n times (a sequence counts the calls: it is not rolled back). */
static const loa_migration test_sql[] = {
    {"0001_test.sql",
     "CREATE TABLE t (id int PRIMARY KEY, note text NOT NULL);\n"
     "CREATE SEQUENCE calls;\n"
     "CREATE FUNCTION conflict_until (n bigint, state text) RETURNS bigint\n"
     "LANGUAGE plpgsql AS $$\n"
     "DECLARE k bigint := nextval('calls');\n"
     "BEGIN\n"
     "  IF k < n THEN RAISE EXCEPTION 'conflict % of %', k, n USING ERRCODE = state; END IF;\n"
     "  RETURN k;\n"
     "END $$;\n"},
};

static const loa_stmt test_stmts[] = {
    {"t_add", "INSERT INTO t VALUES ($1, $2)"},
    {"t_count", "SELECT count(*) FROM t"},
    {"t_conflict", "SELECT conflict_until ($1, $2)"},
    {NULL, NULL},
};

static void fixture_init (test_schema *s)
{
    test_schema_init (s, "t_db", "test_db", test_sql, 1);
    ck_assert_int_eq (loa_db_prepare (s->db, test_stmts), 0);
    ck_assert_int_eq (loa_outbox_prepare (s->db), 0);
}

/* ------------------------------------------------------------ transactions */

/* What the transactions below do, and what they saw. */
typedef struct {
    test_trace *tr; /* when set: round trips counted inside fn */
    int immediate_id; /* > 0: this row is added first, at once (loa_store_change) */
    int first_id; /* rows first_id and first_id + 1 are added, deferred */
    int dup_id; /* > 0: also adds this row (deferred), after the others */
    const char *conflict_n, *conflict_state; /* set: a deferred conflict_until */
    int run_after; /* 1: a loa_db_run after the deferred statements */
    int result; /* what fn returns */
    int calls;
    int round_trips_before_defer, round_trips_at_end;
    int count; /* t_count's answer (first round trip) */
    ExecStatusType run_after_status;
    int pipelined_inside;
    int break_between; /* unprepared_tx: its backend ends between its round trips */
} tx_arg;

static int deferring_tx (PGconn *db, void *arg)
{
    tx_arg *a = arg;
    a->calls++;
    a->pipelined_inside = loa_db_pipelined (db);
    PGresult *res = loa_db_run (db, &(loa_db_query){.stmt = "t_count"});
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        PQclear (res);
        return -1;
    }
    a->count = atoi (PQgetvalue (res, 0, 0));
    PQclear (res);
    char id0[24], id1[24], dup[24], now[24];
    snprintf (now, sizeof now, "%d", a->immediate_id);
    if (a->immediate_id > 0 &&
        loa_store_change (db, "test", "t_add", 2, (const char *[]){now, "at once"}) != 0)
        return -1;
    if (a->tr)
        a->round_trips_before_defer = test_trace_round_trips (a->tr);
    snprintf (id0, sizeof id0, "%d", a->first_id);
    snprintf (id1, sizeof id1, "%d", a->first_id + 1);
    snprintf (dup, sizeof dup, "%d", a->dup_id);
    if (loa_store_defer (db, "test", "t_add", 2, (const char *[]){id0, "a"}) != 0 ||
        loa_store_defer (db, "test", "t_add", 2, (const char *[]){id1, "b"}) != 0)
        return -1;
    if (a->dup_id > 0 &&
        loa_store_defer (db, "test", "t_add", 2, (const char *[]){dup, "the secret note"}) != 0)
        return -1;
    if (a->conflict_n &&
        loa_db_defer (db, "test: conflict",
                      &(loa_db_query){.stmt = "t_conflict",
                                      .n = 2,
                                      .vals = (const char *[]){a->conflict_n, a->conflict_state}},
                      NULL) != 0)
        return -1;
    Loa__PingReply p = LOA__PING_REPLY__INIT;
    p.service = (char *) "deferred";
    if (loa_outbox_add (db, "test.deferred", &p.base) != 0)
        return -1;
    if (a->run_after) {
        res = loa_db_run (db, &(loa_db_query){.stmt = "t_count"});
        a->run_after_status = PQresultStatus (res);
        PQclear (res);
    }
    if (a->tr)
        a->round_trips_at_end = test_trace_round_trips (a->tr);
    return a->result;
}

static long long rows (test_schema *s, const char *where)
{
    char sql[256];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM t WHERE %s", where);
    return test_query_int (s->db, sql);
}

static void assert_idle (PGconn *db)
{
    ck_assert_int_eq (PQstatus (db), CONNECTION_OK);
    ck_assert_int_eq (PQpipelineStatus (db), PQ_PIPELINE_OFF);
    ck_assert_int_eq (PQtransactionStatus (db), PQTRANS_IDLE);
    ck_assert_int_eq (loa_db_pipelined (db), 0);
}

/* BEGIN travels with the first statement, the deferred ones (two rows and
 * an event) with the COMMIT: 2 round trips, where loa_db_tx takes 6 for
 * the same function; and they commit with the transaction. */
START_TEST (deferred_statements_commit_with_the_transaction)
{
    test_schema s;
    fixture_init (&s);
    test_trace tr;
    test_trace_start (s.db, &tr);
    tx_arg a = {.tr = &tr, .first_id = 1};
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, deferring_tx, &a), 0);
    int total = test_trace_stop (s.db, &tr);
    ck_assert_int_eq (a.calls, 1);
    ck_assert_int_eq (a.pipelined_inside, 1);
    ck_assert_int_eq (a.count, 0);
    ck_assert_int_eq (a.round_trips_before_defer, 1); /* BEGIN + t_count */
    ck_assert_int_eq (a.round_trips_at_end, 1); /* the deferred ones wait for the COMMIT */
    ck_assert_int_eq (total, 2);
    assert_idle (s.db);
    ck_assert_int_eq (rows (&s, "id IN (1, 2)"), 2);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM outbox"
                                            " WHERE topic = 'test.deferred'"),
                      1);

    /* The same function through loa_db_tx: each statement its own round
     * trip (loa_store_defer and loa_outbox_add run at once there). */
    test_trace_start (s.db, &tr);
    tx_arg b = {.tr = &tr, .first_id = 3};
    ck_assert_int_eq (loa_db_tx (s.db, deferring_tx, &b), 0);
    ck_assert_int_eq (b.pipelined_inside, 0);
    ck_assert_int_eq (b.count, 2);
    ck_assert_int_eq (b.round_trips_before_defer, 2); /* BEGIN, t_count */
    ck_assert_int_eq (test_trace_stop (s.db, &tr), 6); /* + 2 rows, the event, COMMIT */
    ck_assert_int_eq (rows (&s, "true"), 4);
    test_schema_fini (&s);
}
END_TEST

static int only_deferred_tx (PGconn *db, void *arg)
{
    (void) arg;
    return loa_store_defer (db, "test", "t_add", 2, (const char *[]){"7", "seven"});
}

/* A transaction of deferred statements only: BEGIN, them and COMMIT in
 * one round trip. A loa_db_run after deferred statements carries them. */
START_TEST (a_transaction_of_deferred_statements_is_one_round_trip)
{
    test_schema s;
    fixture_init (&s);
    test_trace tr;
    test_trace_start (s.db, &tr);
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, only_deferred_tx, NULL), 0);
    ck_assert_int_eq (test_trace_stop (s.db, &tr), 1);
    ck_assert_int_eq (rows (&s, "id = 7 AND note = 'seven'"), 1);

    test_trace_start (s.db, &tr);
    tx_arg a = {.tr = &tr, .first_id = 1, .run_after = 1};
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, deferring_tx, &a), 0);
    ck_assert_int_eq (a.run_after_status, PGRES_TUPLES_OK);
    ck_assert_int_eq (a.round_trips_at_end, 2); /* the second t_count carried them */
    ck_assert_int_eq (test_trace_stop (s.db, &tr), 3); /* and the COMMIT went alone */
    ck_assert_int_eq (rows (&s, "true"), 3);
    assert_idle (s.db);
    test_schema_fini (&s);
}
END_TEST

/* stderr, while f runs, into log. */
static int with_stderr (char *log, size_t cap, int (*f) (test_schema *s, tx_arg *a), test_schema *s,
                        tx_arg *a)
{
    FILE *tmp = tmpfile ();
    ck_assert_ptr_nonnull (tmp);
    fflush (stderr);
    int saved = dup (STDERR_FILENO);
    dup2 (fileno (tmp), STDERR_FILENO);
    int rc = f (s, a);
    fflush (stderr);
    dup2 (saved, STDERR_FILENO);
    close (saved);
    rewind (tmp);
    size_t n = fread (log, 1, cap - 1, tmp);
    log[n] = '\0';
    fclose (tmp);
    return rc;
}

static int run_pipelined (test_schema *s, tx_arg *a)
{
    return loa_db_tx_pipelined (s->db, deferring_tx, a);
}

/* A deferred INSERT that violates the primary key: nothing of the
 * transaction is committed, the rows added before it (a statement run at
 * once among them) neither; -1 though fn returned 0, no second attempt; the
 * error logged once, without the row's values; the connection out of
 * pipeline mode, out of the failed transaction, and usable. */
START_TEST (a_failing_deferred_statement_rolls_back_the_transaction)
{
    test_schema s;
    fixture_init (&s);
    ck_assert_int_eq (loa_db_exec (s.db, "INSERT INTO t VALUES (5, 'before')"), 0);
    ck_assert_int_eq (loa_db_exec (s.db, "CREATE TABLE u (id int)"), 0);
    char log[4096];
    tx_arg a = {.first_id = 1, .dup_id = 5};
    ck_assert_int_eq (with_stderr (log, sizeof log, run_pipelined, &s, &a), -1);
    ck_assert_int_eq (a.calls, 1);
    assert_idle (s.db);
    ck_assert_int_eq (rows (&s, "true"), 1);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM outbox"), 0);
    ck_assert_msg (strstr (log, "test: t_add: SQLSTATE 23505") != NULL, "log: %s", log);
    ck_assert_msg (strstr (log, "secret") == NULL, "values logged: %s", log);
    ck_assert_ptr_null (strstr (strstr (log, "23505") + 1, "23505")); /* once */

    /* The same after an INSERT run at once (not deferred), in its own
     * round trip: rolled back too. */
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, only_deferred_tx, NULL), 0);
    tx_arg b = {.immediate_id = 12, .first_id = 10, .dup_id = 7};
    ck_assert_int_eq (with_stderr (log, sizeof log, run_pipelined, &s, &b), -1);
    ck_assert_int_eq (b.calls, 1);
    ck_assert_int_eq (rows (&s, "id >= 10"), 0);

    /* Seen by a statement run after it: that one is skipped
     * (PIPELINE_ABORTED); fn's own failure value gives way to -1. */
    tx_arg c = {.first_id = 20, .dup_id = 5, .run_after = 1, .result = 9};
    ck_assert_int_eq (with_stderr (log, sizeof log, run_pipelined, &s, &c), -1);
    ck_assert_int_eq (c.run_after_status, PGRES_PIPELINE_ABORTED);
    ck_assert_int_eq (c.calls, 1);
    ck_assert_int_eq (rows (&s, "id >= 20"), 0);
    assert_idle (s.db);

    /* Usable: a plain statement, a plain and a pipelined transaction. */
    ck_assert_int_eq (loa_db_exec (s.db, "INSERT INTO u VALUES (1)"), 0);
    tx_arg d = {.first_id = 30};
    ck_assert_int_eq (loa_db_tx (s.db, deferring_tx, &d), 0);
    tx_arg e = {.first_id = 40};
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, deferring_tx, &e), 0);
    ck_assert_int_eq (rows (&s, "id IN (30, 31, 40, 41)"), 4);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM outbox"), 2);
    test_schema_fini (&s);
}
END_TEST

/* fn failing on its own rolls back what it deferred, as loa_db_tx does. */
START_TEST (a_failing_function_rolls_back_what_it_deferred)
{
    test_schema s;
    fixture_init (&s);
    tx_arg a = {.first_id = 1, .result = 7};
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, deferring_tx, &a), 7);
    ck_assert_int_eq (a.calls, 1);
    assert_idle (s.db);
    ck_assert_int_eq (rows (&s, "true"), 0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM outbox"), 0);
    tx_arg b = {.first_id = 1, .result = LOA_DB_RETRY};
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, deferring_tx, &b), -1);
    ck_assert_int_eq (b.calls, 5);
    assert_idle (s.db);
    ck_assert_int_eq (rows (&s, "true"), 0);
    test_schema_fini (&s);
}
END_TEST

/* A deferred statement failing with a serialization failure (40001) or a
 * deadlock (40P01) runs the transaction again, until it commits (its rows
 * once) or five attempts have failed. */
START_TEST (a_retryable_deferred_failure_is_retried)
{
    test_schema s;
    fixture_init (&s);
    tx_arg a = {.first_id = 1, .conflict_n = "3", .conflict_state = "40001"};
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, deferring_tx, &a), 0);
    ck_assert_int_eq (a.calls, 3);
    ck_assert_int_eq (rows (&s, "id IN (1, 2)"), 2);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM outbox"), 1);

    ck_assert_int_eq (loa_db_exec (s.db, "ALTER SEQUENCE calls RESTART"), 0);
    tx_arg b = {.first_id = 3, .conflict_n = "2", .conflict_state = "40P01"};
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, deferring_tx, &b), 0);
    ck_assert_int_eq (b.calls, 2);
    ck_assert_int_eq (rows (&s, "id IN (3, 4)"), 2);

    ck_assert_int_eq (loa_db_exec (s.db, "ALTER SEQUENCE calls RESTART"), 0);
    tx_arg c = {.first_id = 5, .conflict_n = "100", .conflict_state = "40001"};
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, deferring_tx, &c), -1);
    ck_assert_int_eq (c.calls, 5);
    ck_assert_int_eq (rows (&s, "id >= 5"), 0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM outbox"), 2);
    assert_idle (s.db);

    /* Not retryable: another SQLSTATE fails at once. */
    ck_assert_int_eq (loa_db_exec (s.db, "ALTER SEQUENCE calls RESTART"), 0);
    tx_arg d = {.first_id = 5, .conflict_n = "2", .conflict_state = "P0001"};
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, deferring_tx, &d), -1);
    ck_assert_int_eq (d.calls, 1);
    test_schema_fini (&s);
}
END_TEST

static int conflict_at_once_tx (PGconn *db, void *arg)
{
    int *calls = arg;
    (*calls)++;
    PGresult *res = loa_db_run (
        db, &(loa_db_query){.stmt = "t_conflict", .n = 2, .vals = (const char *[]){"2", "40001"}});
    int rc = PQresultStatus (res) == PGRES_TUPLES_OK ? 0
             : loa_db_retryable (res)                ? LOA_DB_RETRY
                                                     : -1;
    PQclear (res);
    return rc;
}

/* A statement run at once that fails retryably: fn's LOA_DB_RETRY runs
 * the pipelined transaction again, as loa_db_tx's. */
START_TEST (a_retryable_failure_seen_by_fn_is_retried)
{
    test_schema s;
    fixture_init (&s);
    int calls = 0;
    ck_assert_int_eq (loa_db_tx_pipelined (s.db, conflict_at_once_tx, &calls), 0);
    ck_assert_int_eq (calls, 2);
    assert_idle (s.db);
    test_schema_fini (&s);
}
END_TEST

static int done_calls;
static void done_count (const PGresult *res)
{
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    done_calls++;
}

/* Outside a pipelined transaction loa_db_defer runs the statement at once
 * (loa_store_change's results) and loa_db_run is PQexecPrepared's. */
START_TEST (outside_a_pipelined_transaction_statements_run_at_once)
{
    test_schema s;
    fixture_init (&s);
    ck_assert_int_eq (loa_db_pipelined (s.db), 0);
    ck_assert_int_eq (loa_store_defer (s.db, "test", "t_add", 2, (const char *[]){"1", "one"}), 0);
    ck_assert_int_eq (rows (&s, "id = 1"), 1); /* committed by itself */
    ck_assert_int_eq (loa_store_defer (s.db, "test", "t_add", 2, (const char *[]){"1", "one"}), -1);
    const char *conflict[] = {"2", "40001"};
    loa_db_query q = {.stmt = "t_conflict", .n = 2, .vals = conflict};
    done_calls = 0;
    ck_assert_int_eq (loa_db_defer (s.db, "test", &q, done_count), LOA_DB_RETRY);
    ck_assert_int_eq (done_calls, 0);
    ck_assert_int_eq (loa_db_defer (s.db, "test", &q, done_count), 0);
    ck_assert_int_eq (done_calls, 1);
    PGresult *res = loa_db_run (
        s.db, &(loa_db_query){.sql = "SELECT $1::int + 1", .n = 1, .vals = (const char *[]){"41"}});
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    ck_assert_str_eq (PQgetvalue (res, 0, 0), "42");
    PQclear (res);
    assert_idle (s.db);
    test_schema_fini (&s);
}
END_TEST

/* Unprepared statements (they live through a reset). */
static int unprepared_tx (PGconn *db, void *arg)
{
    tx_arg *a = arg;
    a->calls++;
    PGresult *res = loa_db_run (db, &(loa_db_query){.sql = "SELECT count(*) FROM t"});
    int ok = PQresultStatus (res) == PGRES_TUPLES_OK;
    PQclear (res);
    if (!ok)
        return -1;
    if (a->break_between) {
        PGconn *admin = loa_db_connect (test_db_url (), "test_db_admin", 5000);
        ck_assert_ptr_nonnull (admin);
        char sql[96];
        snprintf (sql, sizeof sql, "SELECT pg_terminate_backend (%d, 5000)", PQbackendPID (db));
        ck_assert_int_eq (loa_db_exec (admin, sql), 0);
        PQfinish (admin);
    }
    char id[24];
    snprintf (id, sizeof id, "%d", a->first_id);
    return loa_db_defer (db, "test",
                         &(loa_db_query){.sql = "INSERT INTO t VALUES ($1, 'x')",
                                         .n = 1,
                                         .vals = (const char *[]){id}},
                         NULL);
}

/* A connection broken before the transaction: its BEGIN fails, the
 * connection is reset and the transaction run again, as loa_db_tx does. One
 * broken between two round trips: the transaction fails, nothing is
 * committed, and the next one resets the connection. */
START_TEST (a_broken_connection_is_reset)
{
    test_schema s;
    fixture_init (&s);
    int pid = PQbackendPID (s.db);
    PGconn *admin = loa_db_connect (test_db_url (), "test_db_admin", 5000);
    ck_assert_ptr_nonnull (admin);
    char sql[96];
    snprintf (sql, sizeof sql, "SELECT pg_terminate_backend (%d, 5000)", pid);
    ck_assert_int_eq (loa_db_exec (admin, sql), 0);
    ck_assert_int_eq (PQstatus (s.db), CONNECTION_OK); /* libpq does not know yet */
    char log[4096];
    tx_arg a = {.first_id = 1};
    FILE *tmp = tmpfile ();
    ck_assert_ptr_nonnull (tmp);
    fflush (stderr);
    int saved = dup (STDERR_FILENO);
    dup2 (fileno (tmp), STDERR_FILENO);
    int rc = loa_db_tx_pipelined (s.db, unprepared_tx, &a);
    tx_arg b = {.first_id = 2, .break_between = 1};
    int rc_b = loa_db_tx_pipelined (s.db, unprepared_tx, &b);
    tx_arg c = {.first_id = 3};
    int rc_c = loa_db_tx_pipelined (s.db, unprepared_tx, &c);
    fflush (stderr);
    dup2 (saved, STDERR_FILENO);
    close (saved);
    rewind (tmp);
    log[fread (log, 1, sizeof log - 1, tmp)] = '\0';
    fclose (tmp);
    ck_assert_msg (rc == 0, "log: %s", log);
    ck_assert_int_eq (a.calls, 2);
    ck_assert_int_ne (PQbackendPID (s.db), pid);
    ck_assert_int_eq (rc_b, -1);
    ck_assert_int_eq (b.calls, 1);
    ck_assert_int_eq (rc_c, 0);
    ck_assert_int_eq (c.calls, 1);
    assert_idle (s.db);
    ck_assert_int_eq (test_query_int (admin, "SELECT 1"), 1);
    PQfinish (admin);
    ck_assert_int_eq (rows (&s, "id = 1"), 1);
    ck_assert_int_eq (rows (&s, "id = 2"), 0);
    ck_assert_int_eq (rows (&s, "id = 3"), 1);
    test_schema_fini (&s);
}
END_TEST

/* ------------------------------------------------------------ statement timeout */

/* A session made after loa_db_set_statement_timeout cancels a statement
 * that runs longer (an error, SQLSTATE 57014, not a wait) and goes on
 * serving; a session that migrates has no timeout. */
START_TEST (a_slow_statement_is_cancelled_at_the_statement_timeout)
{
    test_schema s;
    fixture_init (&s);
    loa_db_set_statement_timeout (300);
    PGconn *db = loa_db_connect (s.url, "test_db_timeout", 5000);
    ck_assert_ptr_nonnull (db);
    int64_t t0 = loa_mono_ms ();
    PGresult *res = PQexec (db, "SELECT pg_sleep (5)");
    int64_t took = loa_mono_ms () - t0;
    ck_assert_int_eq (PQresultStatus (res), PGRES_FATAL_ERROR);
    ck_assert (loa_db_is_state (res, "57014"));
    PQclear (res);
    ck_assert_int_lt (took, 3000);
    ck_assert_int_eq (test_query_int (db, "SELECT 1"), 1);
    char buf[32];
    ck_assert_str_eq (test_query_text (db, "SHOW statement_timeout", buf, sizeof buf), "300ms");
    /* Sessions made before, or with the timeout back at 0, have none. */
    ck_assert_str_eq (test_query_text (s.db, "SHOW statement_timeout", buf, sizeof buf), "0");
    /* In a schema of its own: the fixture's records other migrations, which
     * loa_migrate would take for a newer program's. */
    static const loa_migration slow[] = {{"0009_slow.sql", "SELECT pg_sleep (0.6);"}};
    char mschema[sizeof s.schema + 4], sql[sizeof mschema + 40];
    snprintf (mschema, sizeof mschema, "%s_m", s.schema);
    ck_assert_int_eq (loa_migrate (db, mschema, slow, 1), 1);
    snprintf (sql, sizeof sql, "DROP SCHEMA %s CASCADE", mschema);
    ck_assert_int_eq (loa_db_exec (s.db, sql), 0);
    PQfinish (db);
    loa_db_set_statement_timeout (0);
    test_schema_fini (&s);
}
END_TEST

/* LOA_DB_STATEMENT_TIMEOUT_MS, by default four fifths of the RPC deadline. */
START_TEST (the_statement_timeout_follows_the_rpc_deadline)
{
    unsetenv ("LOA_DB_STATEMENT_TIMEOUT_MS");
    unsetenv ("LOA_RPC_TIMEOUT_MS");
    ck_assert_int_eq (loa_db_statement_timeout_env (), 4000);
    setenv ("LOA_RPC_TIMEOUT_MS", "2000", 1);
    ck_assert_int_eq (loa_db_statement_timeout_env (), 1600);
    setenv ("LOA_DB_STATEMENT_TIMEOUT_MS", "0", 1);
    ck_assert_int_eq (loa_db_statement_timeout_env (), 0);
    setenv ("LOA_DB_STATEMENT_TIMEOUT_MS", "750", 1);
    ck_assert_int_eq (loa_db_statement_timeout_env (), 750);
    unsetenv ("LOA_DB_STATEMENT_TIMEOUT_MS");
    unsetenv ("LOA_RPC_TIMEOUT_MS");
}
END_TEST

Suite *db_suite (void)
{
    Suite *s = suite_create ("db");
    TCase *tc = tcase_create ("pipelined");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, deferred_statements_commit_with_the_transaction);
    tcase_add_test (tc, a_transaction_of_deferred_statements_is_one_round_trip);
    tcase_add_test (tc, a_failing_deferred_statement_rolls_back_the_transaction);
    tcase_add_test (tc, a_failing_function_rolls_back_what_it_deferred);
    tcase_add_test (tc, a_retryable_deferred_failure_is_retried);
    tcase_add_test (tc, a_retryable_failure_seen_by_fn_is_retried);
    tcase_add_test (tc, outside_a_pipelined_transaction_statements_run_at_once);
    tcase_add_test (tc, a_broken_connection_is_reset);
    suite_add_tcase (s, tc);
    tc = tcase_create ("statement timeout");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, a_slow_statement_is_cancelled_at_the_statement_timeout);
    tcase_add_test (tc, the_statement_timeout_follows_the_rpc_deadline);
    suite_add_tcase (s, tc);
    return s;
}
