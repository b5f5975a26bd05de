/* notifier: the relay's wake-up after the commit, against a real PostgreSQL
 * (LOA_TEST_DB_URL) and real ZeroMQ. The schema has no NOTIFY trigger (the
 * fixture applies 0000_events_notify.sql): a prompt event proves the
 * notifier woke the relay, since its slow poll runs once a second. */
#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "common.pb-c.h"
#include "fixture.h"
#include "loa_config.h"
#include "loa_db.h"
#include "loa_notifier.h"
#include "loa_outbox.h"
#include "suites.h"

/* Well under the relay's slow poll (HEARTBEAT_MS, 1 s), with room for a
 * loaded machine running the sanitized build. */
#define PROMPT_MS 400

typedef struct {
    test_schema pg;
    void *zctx;
    char pub[64];
    loa_relay *relay;
    void *sub;
    loa_notifier *notifier;
} fixture;

static void fixture_init (fixture *fx, int with_notifier)
{
    memset (fx, 0, sizeof *fx);
    test_schema_init (&fx->pg, "t_notify", "test_notifier", NULL, 0);
    fx->zctx = test_zmq_context ();
    if (with_notifier) {
        fx->notifier = loa_notifier_new (fx->pg.schema, fx->pg.url);
        ck_assert_ptr_nonnull (fx->notifier);
        ck_assert_int_eq (loa_notifier_start (fx->notifier), 0);
    }
    test_free_endpoint (fx->pub, sizeof fx->pub);
    fx->relay = loa_relay_new (fx->pg.schema, fx->pg.schema, fx->pg.url, fx->pub);
    ck_assert_ptr_nonnull (fx->relay);
    ck_assert_int_eq (loa_relay_start (fx->relay, fx->zctx), 0);
    fx->sub = zmq_socket (fx->zctx, ZMQ_SUB);
    int linger = 0;
    zmq_setsockopt (fx->sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (fx->sub, ZMQ_SUBSCRIBE, "", 0);
    ck_assert_int_eq (zmq_connect (fx->sub, fx->pub), 0);
}

static void fixture_fini (fixture *fx)
{
    zmq_close (fx->sub);
    loa_relay_destroy (&fx->relay);
    loa_notifier_destroy (&fx->notifier);
    ck_assert_ptr_null (fx->notifier);
    loa_notifier_destroy (&fx->notifier); /* idempotent */
    test_schema_fini (&fx->pg);
    zmq_ctx_term (fx->zctx);
}

/* The next message's topic within `ms` ("" when none); drops the body. */
static void recv_topic (void *sub, int ms, char *topic, size_t cap)
{
    topic[0] = '\0';
    zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
    if (ms < 0 || zmq_poll (&item, 1, ms) <= 0)
        return;
    int n = zmq_recv (sub, topic, cap - 1, 0);
    ck_assert_int_ge (n, 0);
    topic[(size_t) n < cap - 1 ? (size_t) n : cap - 1] = '\0';
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    ck_assert_int_ge (zmq_msg_recv (&msg, sub, 0), 0);
    zmq_msg_close (&msg);
}

/* Waits for a heartbeat: the relay has just finished a round, so its next
 * poll is about a second away. */
static void wait_heartbeat (fixture *fx)
{
    int64_t until = loa_mono_ms () + 5000;
    char topic[64];
    while (loa_mono_ms () < until) {
        recv_topic (fx->sub, (int) (until - loa_mono_ms ()), topic, sizeof topic);
        if (strcmp (topic, "_heartbeat") == 0)
            return;
    }
    ck_abort_msg ("no heartbeat within 5 s");
}

/* Milliseconds until event `want` is published, or -1 after `ms`. */
static int64_t wait_event (fixture *fx, const char *want, int ms)
{
    int64_t t0 = loa_mono_ms (), until = t0 + ms;
    char topic[64];
    while (loa_mono_ms () < until) {
        recv_topic (fx->sub, (int) (until - loa_mono_ms ()), topic, sizeof topic);
        if (strcmp (topic, want) == 0)
            return loa_mono_ms () - t0;
    }
    return -1;
}

static void add_event (PGconn *db, const char *topic)
{
    Loa__PingReply p = LOA__PING_REPLY__INIT;
    p.service = (char *) topic;
    ck_assert_int_eq (loa_outbox_add (db, topic, &p.base), 0);
}

typedef struct {
    const char *topic;
    int result; /* what the transaction's function returns */
} tx_arg;

static int add_tx (PGconn *db, void *arg)
{
    tx_arg *a = arg;
    add_event (db, a->topic);
    return a->result;
}

/* Until the notifier has sent `want` notifications, at most `ms`. */
static unsigned long wait_sent (loa_notifier *n, unsigned long want, int ms)
{
    int64_t until = loa_mono_ms () + ms;
    while (loa_notifier_sent (n) < want && loa_mono_ms () < until)
        test_sleep_ms (10);
    return loa_notifier_sent (n);
}

/* ------------------------------------------------------------ tests */

START_TEST (test_schema_has_no_notify_trigger)
{
    fixture fx;
    fixture_init (&fx, 0);
    ck_assert_int_eq (test_query_int (fx.pg.db, "SELECT count(*) FROM pg_trigger"
                                                " WHERE tgrelid = 'outbox'::regclass"),
                      0);
    ck_assert_int_eq (test_query_int (fx.pg.db,
                                      "SELECT count(*) FROM pg_proc"
                                      " WHERE proname = 'outbox_notify'"
                                      " AND pronamespace = current_schema()::regnamespace"),
                      0);
    fixture_fini (&fx);
}
END_TEST

/* A commit through `run` wakes the relay at once, each time; a rolled
 * back one sends nothing. */
static void commit_wakes_the_relay (int (*run) (PGconn *db, int (*fn) (PGconn *db, void *arg),
                                                void *arg))
{
    fixture fx;
    fixture_init (&fx, 1);
    for (int i = 0; i < 3; i++) {
        char topic[16];
        snprintf (topic, sizeof topic, "tx%d", i);
        wait_heartbeat (&fx);
        unsigned long before = loa_notifier_sent (fx.notifier);
        tx_arg a = {topic, 0};
        ck_assert_int_eq (run (fx.pg.db, add_tx, &a), 0);
        int64_t ms = wait_event (&fx, topic, 3000);
        ck_assert_msg (ms >= 0 && ms < PROMPT_MS, "event %s after %lld ms", topic, (long long) ms);
        ck_assert_uint_eq (wait_sent (fx.notifier, before + 1, 1000), before + 1);
    }
    unsigned long before = loa_notifier_sent (fx.notifier);
    tx_arg lost = {"lost", 7};
    ck_assert_int_eq (run (fx.pg.db, add_tx, &lost), 7);
    test_sleep_ms (200);
    ck_assert_uint_eq (loa_notifier_sent (fx.notifier), before);
    ck_assert_int_eq (test_query_int (fx.pg.db, "SELECT count(*) FROM outbox"), 0);
    fixture_fini (&fx);
}

START_TEST (test_db_tx_commit_wakes_the_relay) { commit_wakes_the_relay (loa_db_tx); }
END_TEST

/* The same pipelined: the event's INSERT, deferred, travels with the
 * COMMIT and marks the channel when its result is read. */
START_TEST (test_pipelined_commit_wakes_the_relay) { commit_wakes_the_relay (loa_db_tx_pipelined); }
END_TEST

/* An INSERT outside a transaction commits by itself and wakes the relay. */
START_TEST (test_autocommit_event_wakes_the_relay)
{
    fixture fx;
    fixture_init (&fx, 1);
    wait_heartbeat (&fx);
    add_event (fx.pg.db, "auto");
    int64_t ms = wait_event (&fx, "auto", 3000);
    ck_assert_msg (ms >= 0 && ms < PROMPT_MS, "event after %lld ms", (long long) ms);
    fixture_fini (&fx);
}
END_TEST

/* A transaction run by hand never tells the notifier: its event still
 * arrives, by the relay's slow poll; so does one with no notifier at all. */
START_TEST (test_event_outside_db_tx_arrives_by_the_poll)
{
    fixture fx;
    fixture_init (&fx, 1);
    wait_heartbeat (&fx);
    unsigned long before = loa_notifier_sent (fx.notifier);
    ck_assert_int_eq (loa_db_exec (fx.pg.db, "BEGIN"), 0);
    add_event (fx.pg.db, "by-hand");
    ck_assert_int_eq (loa_db_exec (fx.pg.db, "COMMIT"), 0);
    ck_assert_int_ge (wait_event (&fx, "by-hand", 3000), 0);
    ck_assert_uint_eq (loa_notifier_sent (fx.notifier), before);
    /* Without a notifier, loa_db_tx's events arrive by the poll too. */
    loa_notifier_destroy (&fx.notifier);
    tx_arg a = {"no-notifier", 0};
    ck_assert_int_eq (loa_db_tx (fx.pg.db, add_tx, &a), 0);
    ck_assert_int_ge (wait_event (&fx, "no-notifier", 3000), 0);
    fixture_fini (&fx);
}
END_TEST

/* Many commits while one notification is sent fold into a few; every
 * event is published. */
START_TEST (test_notifications_coalesce)
{
    fixture fx;
    fixture_init (&fx, 1);
    wait_heartbeat (&fx);
    unsigned long before = loa_notifier_sent (fx.notifier);
    for (int i = 0; i < 50; i++) {
        loa_notifier_mark ("nobody_listens");
        loa_notifier_tx_end (1);
    }
    ck_assert_uint_ge (wait_sent (fx.notifier, before + 1, 2000), before + 1);
    test_sleep_ms (200);
    unsigned long sent = loa_notifier_sent (fx.notifier);
    ck_assert_uint_ge (sent, before + 1);
    ck_assert_uint_lt (sent, before + 50);
    fixture_fini (&fx);
}
END_TEST

/* The notifier reconnects when its connection is lost. */
START_TEST (test_notifier_reconnects)
{
    fixture fx;
    fixture_init (&fx, 1);
    tx_arg a = {"first", 0};
    ck_assert_int_eq (loa_db_tx (fx.pg.db, add_tx, &a), 0);
    ck_assert_int_ge (wait_event (&fx, "first", 3000), 0);
    ck_assert_uint_ge (wait_sent (fx.notifier, 1, 2000), 1); /* it is connected */
    unsigned long sent_before = loa_notifier_sent (fx.notifier);
    char sql[256];
    snprintf (sql, sizeof sql,
              "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
              " WHERE application_name = '%s/notifier'",
              fx.pg.schema);
    ck_assert_int_eq (test_query_int (fx.pg.db, sql), 1);
    /* The first notification finds the connection dead; the event comes
     * by the reconnected notifier or by the poll. */
    tx_arg b = {"second", 0};
    ck_assert_int_eq (loa_db_tx (fx.pg.db, add_tx, &b), 0);
    ck_assert_int_ge (wait_event (&fx, "second", 10000), 0);
    /* It reconnects (after its backoff) and sends the notification it
     * could not: only then is the next one measured. Generous bounds: a
     * loaded test machine is slow, the promptness below is the point. */
    ck_assert_uint_gt (wait_sent (fx.notifier, sent_before + 1, 10000), sent_before);
    /* Connected again: prompt. */
    unsigned long before = loa_notifier_sent (fx.notifier);
    wait_heartbeat (&fx);
    tx_arg c = {"third", 0};
    ck_assert_int_eq (loa_db_tx (fx.pg.db, add_tx, &c), 0);
    int64_t ms = wait_event (&fx, "third", 3000);
    ck_assert_msg (ms >= 0 && ms < PROMPT_MS, "event after %lld ms", (long long) ms);
    ck_assert_uint_gt (loa_notifier_sent (fx.notifier), before);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_one_notifier_per_process)
{
    loa_notifier *a = loa_notifier_new ("a", "postgresql://nowhere");
    loa_notifier *b = loa_notifier_new ("b", "postgresql://nowhere");
    ck_assert_ptr_nonnull (a);
    ck_assert_ptr_nonnull (b);
    ck_assert_int_eq (loa_notifier_start (a), 0);
    ck_assert_int_eq (loa_notifier_start (b), -1);
    ck_assert_int_eq (loa_notifier_start (a), -1);
    loa_notifier_wake ("x_outbox"); /* cannot connect: retries until stopped */
    loa_notifier_destroy (&a);
    ck_assert_int_eq (loa_notifier_start (b), 0);
    loa_notifier_destroy (&b);
    loa_notifier_wake ("x_outbox"); /* none runs: nothing happens */
}
END_TEST

Suite *notifier_suite (void)
{
    Suite *s = suite_create ("notifier");
    TCase *tc = tcase_create ("wake-up");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_schema_has_no_notify_trigger);
    tcase_add_test (tc, test_db_tx_commit_wakes_the_relay);
    tcase_add_test (tc, test_pipelined_commit_wakes_the_relay);
    tcase_add_test (tc, test_autocommit_event_wakes_the_relay);
    tcase_add_test (tc, test_event_outside_db_tx_arrives_by_the_poll);
    tcase_add_test (tc, test_notifications_coalesce);
    tcase_add_test (tc, test_notifier_reconnects);
    tcase_add_test (tc, test_one_notifier_per_process);
    suite_add_tcase (s, tc);
    return s;
}
