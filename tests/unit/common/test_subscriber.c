/* subscriber: the consumer side of "events without loss", against a real
 * PostgreSQL (LOA_TEST_DB_URL) and real ZeroMQ: a producer schema with its
 * relay and an RPC server answering events.since, a consumer schema with
 * the subscriber's cursor and an `applied` table its apply function fills.
 * Every schema is made by the migration runner and dropped at the end. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common.pb-c.h"
#include "fixture.h"
#include "loa_config.h"
#include "loa_db.h"
#include "loa_outbox.h"
#include "loa_rpc_server.h"
#include "loa_subscriber.h"
#include "suites.h"

#define SOURCE "producer"

/* What the consumer records: one row per apply, in apply order. */
static const char APPLIED_SQL[] =
    "CREATE TABLE applied (id bigserial PRIMARY KEY, seq bigint NOT NULL, topic text NOT NULL)";

/* ------------------------------------------------------------ fixture */

/* A producer's or a consumer's schema: the events tables and `applied`.
 * test_schema_fini drops it. */
static void side_init (test_schema *s, const char *prefix)
{
    static const loa_migration applied[] = {{"0001_applied.sql", APPLIED_SQL}};
    test_schema_init (s, prefix, "test_subscriber", applied, 1);
}

typedef struct {
    test_schema producer, consumer;
    void *zctx;
    char events_addr[64], rpc_addr[64];
    loa_rpc_method methods[2];
    loa_relay *relay;
    loa_rpc_server *server;
} fixture;

static void fixture_init (fixture *fx)
{
    memset (fx, 0, sizeof *fx);
    side_init (&fx->producer, "t_sub_p");
    side_init (&fx->consumer, "t_sub_c");
    fx->zctx = test_zmq_context ();
    test_free_endpoint (fx->events_addr, sizeof fx->events_addr);
    test_free_endpoint (fx->rpc_addr, sizeof fx->rpc_addr);
    fx->methods[0] = loa_events_since_method;
}

static void start_relay (fixture *fx)
{
    fx->relay =
        loa_relay_new (fx->producer.schema, fx->producer.schema, fx->producer.url, fx->events_addr);
    ck_assert_ptr_nonnull (fx->relay);
    ck_assert_int_eq (loa_relay_start (fx->relay, fx->zctx), 0);
}

static void start_server (fixture *fx)
{
    fx->server = loa_rpc_server_new ("test-producer", fx->rpc_addr, 1, fx->producer.url,
                                     fx->methods, NULL, NULL);
    ck_assert_ptr_nonnull (fx->server);
    ck_assert_int_eq (loa_rpc_server_start (fx->server, fx->zctx), 0);
}

static void fixture_fini (fixture *fx)
{
    loa_rpc_server_destroy (&fx->server);
    loa_relay_destroy (&fx->relay);
    zmq_ctx_term (fx->zctx); /* hangs if a socket was left open */
    test_schema_fini (&fx->producer);
    test_schema_fini (&fx->consumer);
}

static long long wait_position (PGconn *db, long long want, int ms)
{
    int64_t until = loa_mono_ms () + ms;
    long long v;
    while ((v = loa_subscriber_position (db, SOURCE)) != want && loa_mono_ms () < until)
        test_sleep_ms (20);
    return v;
}

static void produce (fixture *fx, int n, const char *prefix)
{
    static int serial;
    for (int i = 0; i < n; i++) {
        char topic[32];
        snprintf (topic, sizeof topic, "%s.%d", prefix, ++serial);
        Loa__PingReply p = LOA__PING_REPLY__INIT;
        p.service = topic;
        ck_assert_int_eq (loa_outbox_add (fx->producer.db, topic, &p.base), 0);
    }
}

/* Every seq 1..n applied exactly once, in order. */
static void assert_applied_once (PGconn *db, long long n)
{
    ck_assert_int_eq (test_query_int (db, "SELECT count(*) FROM applied"), n);
    ck_assert_int_eq (test_query_int (db, "SELECT count(DISTINCT seq) FROM applied"), n);
    ck_assert_int_eq (test_query_int (db, "SELECT count(*) FROM (SELECT seq, row_number() OVER"
                                          " (ORDER BY id) AS rn FROM applied) a WHERE seq <> rn"),
                      0);
}

/* The apply function: records the event; fails while *arg says so. */
static int record (PGconn *db, const Loa__Event *ev, void *arg)
{
    char seq[24];
    snprintf (seq, sizeof seq, "%llu", (unsigned long long) ev->seq);
    const char *vals[] = {seq, ev->topic};
    PGresult *res = PQexecParams (db, "INSERT INTO applied (seq, topic) VALUES ($1, $2)", 2, NULL,
                                  vals, NULL, NULL, 0);
    int rc = PQresultStatus (res) == PGRES_COMMAND_OK ? 0 : -1;
    PQclear (res);
    if (arg && __atomic_load_n ((int *) arg, __ATOMIC_SEQ_CST))
        return -1; /* after writing: the rollback must undo it */
    return rc;
}

/* A subscriber following the fixture's producer into its consumer schema,
 * applying with `record` (arg: `fail`, may be NULL), started. The caller
 * destroys it (loa_subscriber_destroy) before fixture_fini. */
static loa_subscriber *start_subscriber (fixture *fx, int *fail)
{
    loa_subscriber *s =
        loa_subscriber_new (SOURCE, fx->events_addr, fx->rpc_addr, fx->consumer.url, record, fail);
    ck_assert_ptr_nonnull (s);
    ck_assert_int_eq (loa_subscriber_start (s, fx->zctx), 0);
    return s;
}

static Loa__Event make_event (uint64_t seq, const char *topic)
{
    Loa__Event ev = LOA__EVENT__INIT;
    ev.seq = seq;
    ev.topic = (char *) topic;
    ev.occurred_at = (char *) "2022-02-15T01:00:00.000Z";
    return ev;
}

/* ------------------------------------------------------------ apply_one */

START_TEST (test_apply_one_once_skip_and_gap)
{
    test_schema c;
    side_init (&c, "t_sub_c");
    ck_assert_int_eq (loa_subscriber_position (c.db, SOURCE), 0);
    Loa__Event e1 = make_event (1, "a"), e2 = make_event (2, "b"), e3 = make_event (3, "c");

    ck_assert_int_eq (loa_subscriber_apply_one (c.db, SOURCE, &e1, record, NULL), 0);
    ck_assert_int_eq (loa_subscriber_position (c.db, SOURCE), 1);
    ck_assert_int_eq (loa_subscriber_apply_one (c.db, SOURCE, &e1, record, NULL), 0); /* dup */
    ck_assert_int_eq (test_query_int (c.db, "SELECT count(*) FROM applied"), 1);

    ck_assert_int_eq (loa_subscriber_apply_one (c.db, SOURCE, &e3, record, NULL), 1); /* gap */
    ck_assert_int_eq (loa_subscriber_position (c.db, SOURCE), 1);
    ck_assert_int_eq (test_query_int (c.db, "SELECT count(*) FROM applied"), 1);

    ck_assert_int_eq (loa_subscriber_apply_one (c.db, SOURCE, &e2, record, NULL), 0);
    ck_assert_int_eq (loa_subscriber_apply_one (c.db, SOURCE, &e3, record, NULL), 0);
    ck_assert_int_eq (loa_subscriber_apply_one (c.db, SOURCE, &e2, record, NULL), 0); /* old */
    ck_assert_int_eq (loa_subscriber_position (c.db, SOURCE), 3);
    assert_applied_once (c.db, 3);

    /* Cursors are per source. */
    ck_assert_int_eq (loa_subscriber_position (c.db, "other"), 0);
    ck_assert_int_eq (loa_subscriber_apply_one (c.db, "other", &e2, record, NULL), 1);
    ck_assert_int_eq (loa_subscriber_apply_one (c.db, "other", &e1, record, NULL), 0);
    ck_assert_int_eq (loa_subscriber_position (c.db, "other"), 1);
    ck_assert_int_eq (loa_subscriber_position (c.db, SOURCE), 3);
    test_schema_fini (&c);
}
END_TEST

START_TEST (test_apply_error_rolls_back)
{
    test_schema c;
    side_init (&c, "t_sub_c");
    Loa__Event e1 = make_event (1, "a");
    int fail = 1;
    ck_assert_int_eq (loa_subscriber_apply_one (c.db, SOURCE, &e1, record, &fail), -1);
    ck_assert_int_eq (loa_subscriber_position (c.db, SOURCE), 0);
    ck_assert_int_eq (test_query_int (c.db, "SELECT count(*) FROM applied"), 0);
    ck_assert_int_eq (PQtransactionStatus (c.db), PQTRANS_IDLE);
    fail = 0;
    ck_assert_int_eq (loa_subscriber_apply_one (c.db, SOURCE, &e1, record, &fail), 0);
    ck_assert_int_eq (loa_subscriber_position (c.db, SOURCE), 1);
    assert_applied_once (c.db, 1);
    test_schema_fini (&c);
}
END_TEST

START_TEST (test_position_reports_errors)
{
    PGconn *db = loa_db_connect (test_db_url (), "test_subscriber", 5000);
    ck_assert_ptr_nonnull (db);
    ck_assert_int_eq (loa_db_exec (db, "SET search_path = t_sub_no_such_schema"), 0);
    ck_assert_int_eq (loa_subscriber_position (db, SOURCE), -1);
    Loa__Event e1 = make_event (1, "a");
    ck_assert_int_eq (loa_subscriber_apply_one (db, SOURCE, &e1, record, NULL), -1);
    PQfinish (db);
}
END_TEST

/* ------------------------------------------------------------ the thread */

START_TEST (test_late_subscriber_catches_up_by_replay)
{
    fixture fx;
    fixture_init (&fx);
    start_relay (&fx);
    start_server (&fx);
    produce (&fx, 1200, "early"); /* more than one events.since page */
    int64_t until = loa_mono_ms () + 10000;
    while (test_query_int (fx.producer.db, "SELECT count(*) FROM event_log") < 1200 &&
           loa_mono_ms () < until)
        test_sleep_ms (20);

    loa_subscriber *s = start_subscriber (&fx, NULL);
    ck_assert_int_eq (wait_position (fx.consumer.db, 1200, 15000), 1200);
    assert_applied_once (fx.consumer.db, 1200);
    loa_subscriber_destroy (&s);
    ck_assert_ptr_null (s);
    loa_subscriber_destroy (&s); /* idempotent */
    fixture_fini (&fx);
}
END_TEST

/* After the first catch-up the RPC server goes away: what follows can only
 * arrive over PUB/SUB. */
START_TEST (test_subscriber_gets_live_events)
{
    fixture fx;
    fixture_init (&fx);
    start_relay (&fx);
    start_server (&fx);
    loa_subscriber *s = start_subscriber (&fx, NULL);
    produce (&fx, 1, "first");
    ck_assert_int_eq (wait_position (fx.consumer.db, 1, 10000), 1);
    loa_rpc_server_destroy (&fx.server);

    for (int i = 0; i < 5; i++) {
        produce (&fx, 1, "live");
        test_sleep_ms (50);
    }
    ck_assert_int_eq (wait_position (fx.consumer.db, 6, 5000), 6);
    assert_applied_once (fx.consumer.db, 6);
    loa_subscriber_destroy (&s);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_restarted_subscriber_applies_each_event_once)
{
    fixture fx;
    fixture_init (&fx);
    start_relay (&fx);
    start_server (&fx);
    loa_subscriber *s = start_subscriber (&fx, NULL);
    produce (&fx, 3, "one");
    ck_assert_int_eq (wait_position (fx.consumer.db, 3, 10000), 3);
    loa_subscriber_destroy (&s);

    produce (&fx, 4, "gone"); /* published to nobody */
    test_sleep_ms (500);

    s = start_subscriber (&fx, NULL);
    produce (&fx, 3, "two"); /* races the replay: live and replayed overlap */
    ck_assert_int_eq (wait_position (fx.consumer.db, 10, 10000), 10);
    produce (&fx, 2, "three");
    ck_assert_int_eq (wait_position (fx.consumer.db, 12, 10000), 12);
    test_sleep_ms (1500); /* heartbeats and any late duplicates change nothing */
    ck_assert_int_eq (loa_subscriber_position (fx.consumer.db, SOURCE), 12);
    assert_applied_once (fx.consumer.db, 12);
    loa_subscriber_destroy (&s);
    fixture_fini (&fx);
}
END_TEST

/* Sends [topic][Event] on the test's own PUB socket. */
static void fake_publish (void *pub, uint64_t seq, const char *topic)
{
    Loa__Event ev = make_event (seq, topic);
    uint8_t buf[256];
    size_t len = loa__event__pack (&ev, buf);
    ck_assert_int_ge (zmq_send (pub, topic, strlen (topic), ZMQ_SNDMORE), 0);
    ck_assert_int_ge (zmq_send (pub, buf, len, 0), 0);
}

/* A gap in the live stream, then a heartbeat ahead of the cursor: each
 * makes the subscriber fetch what it missed from events.since. The test
 * plays the relay with its own PUB socket, and keeps talking so that the
 * subscriber's silence timer never fires. */
START_TEST (test_gap_and_heartbeat_trigger_replay)
{
    fixture fx;
    fixture_init (&fx);
    start_server (&fx);
    void *pub = zmq_socket (fx.zctx, ZMQ_PUB);
    int linger = 0;
    zmq_setsockopt (pub, ZMQ_LINGER, &linger, sizeof linger);
    ck_assert_int_eq (zmq_bind (pub, fx.events_addr), 0);
    ck_assert_int_eq (loa_db_exec (fx.producer.db,
                                   "INSERT INTO event_log (seq, topic, payload, occurred_at)"
                                   " SELECT g, 'e' || g, '', now() FROM generate_series(1, 5) g"),
                      0);

    loa_subscriber *s = start_subscriber (&fx, NULL);
    /* Its first replay fetches 1..5. Then 6..9 appear; the subscriber is
     * told only of 6 (applied live), then 8 (a gap: 7 and 8 by replay). */
    ck_assert_int_eq (wait_position (fx.consumer.db, 5, 10000), 5);
    ck_assert_int_eq (loa_db_exec (fx.producer.db,
                                   "INSERT INTO event_log (seq, topic, payload, occurred_at)"
                                   " SELECT g, 'e' || g, '', now() FROM generate_series(6, 9) g"),
                      0);
    int64_t until = loa_mono_ms () + 5000;
    while (loa_subscriber_position (fx.consumer.db, SOURCE) < 6 && loa_mono_ms () < until) {
        fake_publish (pub, 6, "e6"); /* until the SUB has joined; duplicates are skipped */
        test_sleep_ms (100);
    }
    ck_assert_int_eq (loa_subscriber_position (fx.consumer.db, SOURCE), 6);
    fake_publish (pub, 8, "e8");
    ck_assert_int_eq (wait_position (fx.consumer.db, 9, 2000), 9);

    /* A heartbeat ahead: 10 and 11 exist only in the producer's log. */
    ck_assert_int_eq (loa_db_exec (fx.producer.db,
                                   "INSERT INTO event_log (seq, topic, payload, occurred_at)"
                                   " SELECT g, 'e' || g, '', now() FROM generate_series(10, 11) g"),
                      0);
    fake_publish (pub, 11, "_heartbeat");
    ck_assert_int_eq (wait_position (fx.consumer.db, 11, 2000), 11);
    assert_applied_once (fx.consumer.db, 11);
    ck_assert_int_eq (
        test_query_int (fx.consumer.db, "SELECT count(*) FROM applied WHERE topic = 'e' || seq"),
        11);
    loa_subscriber_destroy (&s);
    zmq_close (pub);
    fixture_fini (&fx);
}
END_TEST

/* The producer is down when the subscriber starts: it keeps retrying
 * without harm and catches up once the producer comes up. */
START_TEST (test_subscriber_waits_for_the_producer)
{
    fixture fx;
    fixture_init (&fx);
    produce (&fx, 3, "queued"); /* still in the outbox: no relay yet */
    loa_subscriber *s = start_subscriber (&fx, NULL);
    test_sleep_ms (1500);
    ck_assert_int_eq (loa_subscriber_position (fx.consumer.db, SOURCE), 0);
    start_server (&fx);
    start_relay (&fx);
    produce (&fx, 2, "later");
    ck_assert_int_eq (wait_position (fx.consumer.db, 5, 15000), 5);
    assert_applied_once (fx.consumer.db, 5);
    loa_subscriber_destroy (&s);
    fixture_fini (&fx);
}
END_TEST

/* A failing apply is retried later (after a backoff); nothing is applied
 * twice and nothing after it is applied first. */
START_TEST (test_failing_apply_is_retried)
{
    fixture fx;
    fixture_init (&fx);
    start_relay (&fx);
    start_server (&fx);
    int fail = 1;
    loa_subscriber *s = start_subscriber (&fx, &fail);
    produce (&fx, 3, "retry");
    test_sleep_ms (1000);
    ck_assert_int_eq (loa_subscriber_position (fx.consumer.db, SOURCE), 0);
    __atomic_store_n (&fail, 0, __ATOMIC_SEQ_CST);
    ck_assert_int_eq (wait_position (fx.consumer.db, 3, 15000), 3);
    assert_applied_once (fx.consumer.db, 3);
    loa_subscriber_destroy (&s);
    fixture_fini (&fx);
}
END_TEST

/* Several producers commit and roll back concurrently while the relay and
 * a subscriber run: the log stays dense and every committed event, and
 * only those, is applied once, in seq order. */
typedef struct {
    const char *url;
    unsigned seed;
    int committed; /* events in committed transactions */
    int failed;
} producer_job;

static void *producer_thread (void *arg)
{
    producer_job *job = arg;
    PGconn *db = loa_db_connect (job->url, "test_producer", 5000);
    if (!db) {
        job->failed = 1;
        return NULL;
    }
    for (int tx = 0; tx < 40 && !job->failed; tx++) {
        int n = 1 + (int) (rand_r (&job->seed) % 3);
        int commit = rand_r (&job->seed) % 4 != 0;
        if (loa_db_exec (db, "BEGIN") != 0)
            job->failed = 1;
        for (int i = 0; i < n && !job->failed; i++) {
            Loa__PingReply p = LOA__PING_REPLY__INIT;
            p.service = (char *) "stress";
            if (loa_outbox_add (db, "stress", &p.base) != 0)
                job->failed = 1;
        }
        if (loa_db_exec (db, commit && !job->failed ? "COMMIT" : "ROLLBACK") != 0)
            job->failed = 1;
        else if (commit && !job->failed)
            job->committed += n;
    }
    PQfinish (db);
    return NULL;
}

START_TEST (test_concurrent_producers_exactly_once)
{
    fixture fx;
    fixture_init (&fx);
    start_relay (&fx);
    start_server (&fx);
    loa_subscriber *s = start_subscriber (&fx, NULL);
    enum { N = 4 };
    producer_job jobs[N];
    pthread_t threads[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (producer_job){fx.producer.url, 1234u + (unsigned) i, 0, 0};
        ck_assert_int_eq (pthread_create (&threads[i], NULL, producer_thread, &jobs[i]), 0);
    }
    long long total = 0;
    for (int i = 0; i < N; i++) {
        pthread_join (threads[i], NULL);
        ck_assert_int_eq (jobs[i].failed, 0);
        total += jobs[i].committed;
    }
    ck_assert_int_gt (total, 0);
    ck_assert_int_eq (wait_position (fx.consumer.db, total, 20000), total);
    ck_assert_int_eq (test_query_int (fx.producer.db, "SELECT count(*) FROM event_log"), total);
    ck_assert_int_eq (test_query_int (fx.producer.db, "SELECT max(seq) FROM event_log"), total);
    ck_assert_int_eq (test_query_int (fx.producer.db, "SELECT count(*) FROM outbox"), 0);
    assert_applied_once (fx.consumer.db, total);
    loa_subscriber_destroy (&s);
    fixture_fini (&fx);
}
END_TEST

/* ------------------------------------------------------------ rebuild */

/* The reset function of the rebuild tests: empties `applied`; fails when
 * *arg says so. */
static int reset_applied (PGconn *db, void *arg)
{
    if (arg && *(int *) arg)
        return -1;
    PGresult *res = PQexec (db, "DELETE FROM applied");
    int rc = PQresultStatus (res) == PGRES_COMMAND_OK ? 0 : -1;
    PQclear (res);
    return rc;
}

/* A consumer whose state went wrong (an event missing, another applied
 * twice, a stray row) is rebuilt from the whole log, over more than one
 * events.since page, in one transaction; a rebuild that fails (reset
 * failing, the producer gone) changes nothing. */
START_TEST (test_rebuild_from_the_whole_log)
{
    fixture fx;
    fixture_init (&fx);
    start_relay (&fx);
    start_server (&fx);
    produce (&fx, 700, "hist");
    int64_t until = loa_mono_ms () + 10000;
    while (test_query_int (fx.producer.db, "SELECT count(*) FROM event_log") < 700 &&
           loa_mono_ms () < until)
        test_sleep_ms (20);
    ck_assert_int_eq (test_query_int (fx.producer.db, "SELECT count(*) FROM event_log"), 700);

    Loa__Event e1 = make_event (1, "a"), e2 = make_event (2, "b");
    ck_assert_int_eq (loa_subscriber_apply_one (fx.consumer.db, SOURCE, &e1, record, NULL), 0);
    ck_assert_int_eq (loa_subscriber_apply_one (fx.consumer.db, SOURCE, &e2, record, NULL), 0);
    ck_assert_int_eq (loa_db_exec (fx.consumer.db,
                                   "INSERT INTO applied (seq, topic) VALUES (2, 'twice'), "
                                   "(999, 'stray')"),
                      0);

    int fail_reset = 1;
    unsigned long long last = 0;
    ck_assert_int_eq (loa_subscriber_rebuild (fx.consumer.db, SOURCE, fx.rpc_addr, reset_applied,
                                              record, &fail_reset, &last),
                      -1);
    ck_assert_int_eq (test_query_int (fx.consumer.db, "SELECT count(*) FROM applied"), 4);
    ck_assert_int_eq (loa_subscriber_position (fx.consumer.db, SOURCE), 2);

    /* `record` reads its arg as a failure flag too: pass a cleared one. */
    fail_reset = 0;
    ck_assert_int_eq (loa_subscriber_rebuild (fx.consumer.db, SOURCE, fx.rpc_addr, reset_applied,
                                              record, &fail_reset, &last),
                      700);
    ck_assert_int_eq ((long long) last, 700);
    ck_assert_int_eq (loa_subscriber_position (fx.consumer.db, SOURCE), 700);
    assert_applied_once (fx.consumer.db, 700);
    ck_assert_int_eq (PQtransactionStatus (fx.consumer.db), PQTRANS_IDLE);

    /* Without the producer: -1, and the rebuilt state stays. */
    loa_rpc_server_destroy (&fx.server);
    ck_assert_int_eq (loa_subscriber_rebuild (fx.consumer.db, SOURCE, fx.rpc_addr, reset_applied,
                                              record, &fail_reset, &last),
                      -1);
    assert_applied_once (fx.consumer.db, 700);
    ck_assert_int_eq (loa_subscriber_position (fx.consumer.db, SOURCE), 700);
    fixture_fini (&fx);
}
END_TEST

Suite *subscriber_suite (void)
{
    Suite *s = suite_create ("subscriber");
    TCase *tc = tcase_create ("apply_one");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_apply_one_once_skip_and_gap);
    tcase_add_test (tc, test_apply_error_rolls_back);
    tcase_add_test (tc, test_position_reports_errors);
    suite_add_tcase (s, tc);
    tc = tcase_create ("thread");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_late_subscriber_catches_up_by_replay);
    tcase_add_test (tc, test_subscriber_gets_live_events);
    tcase_add_test (tc, test_restarted_subscriber_applies_each_event_once);
    tcase_add_test (tc, test_gap_and_heartbeat_trigger_replay);
    tcase_add_test (tc, test_subscriber_waits_for_the_producer);
    tcase_add_test (tc, test_failing_apply_is_retried);
    tcase_add_test (tc, test_concurrent_producers_exactly_once);
    tcase_add_test (tc, test_rebuild_from_the_whole_log);
    suite_add_tcase (s, tc);
    return s;
}
