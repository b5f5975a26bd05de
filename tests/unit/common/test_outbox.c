/* outbox: the producer side of "events without loss", against a real
 * PostgreSQL (LOA_TEST_DB_URL) and real ZeroMQ sockets. Each test works in
 * its own schema, made by the real migration runner from
 * services/common/sql/0000_events.sql, and dropped at the end. */
#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "common.pb-c.h"
#include "fixture.h"
#include "loa_config.h"
#include "loa_db.h"
#include "loa_outbox.h"
#include "loa_rpc_client.h"
#include "loa_rpc_server.h"
#include "suites.h"

/* ------------------------------------------------------------ fixture */

typedef struct {
    test_schema pg; /* the schema, its URL and a connection */
    void *zctx;
} fixture;

static void fixture_init (fixture *fx)
{
    test_schema_init (&fx->pg, "t_outbox", "test_outbox", NULL, 0);
    fx->zctx = test_zmq_context ();
}

static void fixture_fini (fixture *fx)
{
    test_schema_fini (&fx->pg);
    /* Terminates only when every socket was closed: a leak would hang. */
    zmq_ctx_term (fx->zctx);
}

/* Polls `sql` until it yields `want` or `ms` pass; returns the last value. */
static long long wait_int (PGconn *db, const char *sql, long long want, int ms)
{
    int64_t until = loa_mono_ms () + ms;
    long long v;
    while ((v = test_query_int (db, sql)) != want && loa_mono_ms () < until)
        test_sleep_ms (20);
    return v;
}

/* Adds event `topic` whose payload is a PingReply naming `tag`. */
static void add_event (PGconn *db, const char *topic, const char *tag)
{
    Loa__PingReply p = LOA__PING_REPLY__INIT;
    p.service = (char *) tag;
    ck_assert_int_eq (loa_outbox_add (db, topic, &p.base), 0);
}

/* "seq:topic,..." of the whole event_log in seq order. */
static void log_summary (PGconn *db, char *buf, size_t cap)
{
    PGresult *res =
        PQexec (db, "SELECT coalesce(string_agg(seq || ':' || topic, ',' ORDER BY seq), '')"
                    " FROM event_log");
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    snprintf (buf, cap, "%s", PQgetvalue (res, 0, 0));
    PQclear (res);
}

static loa_relay *start_relay (fixture *fx, char *pub, size_t cap)
{
    test_free_endpoint (pub, cap);
    loa_relay *r = loa_relay_new (fx->pg.schema, fx->pg.schema, fx->pg.url, pub);
    ck_assert_ptr_nonnull (r);
    ck_assert_int_eq (loa_relay_start (r, fx->zctx), 0);
    return r;
}

static void *open_sub (fixture *fx, const char *pub)
{
    void *sub = zmq_socket (fx->zctx, ZMQ_SUB);
    int linger = 0;
    zmq_setsockopt (sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0);
    ck_assert_int_eq (zmq_connect (sub, pub), 0);
    return sub;
}

/* The next [topic][Event] message within `ms`, or NULL. Checks that the
 * first frame equals the event's topic. Caller frees. */
static Loa__Event *recv_event (void *sub, int ms)
{
    zmq_pollitem_t item = {sub, 0, ZMQ_POLLIN, 0};
    if (zmq_poll (&item, 1, ms) <= 0)
        return NULL;
    char topic[256];
    int n = zmq_recv (sub, topic, sizeof topic - 1, 0);
    ck_assert_int_ge (n, 0);
    topic[n] = '\0';
    int more = 0;
    size_t len = sizeof more;
    zmq_getsockopt (sub, ZMQ_RCVMORE, &more, &len);
    ck_assert_int_eq (more, 1);
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    ck_assert_int_ge (zmq_msg_recv (&msg, sub, 0), 0);
    Loa__Event *ev = loa__event__unpack (NULL, zmq_msg_size (&msg), zmq_msg_data (&msg));
    zmq_msg_close (&msg);
    ck_assert_ptr_nonnull (ev);
    ck_assert_str_eq (ev->topic, topic);
    return ev;
}

/* The next event that is not a heartbeat, within `ms`, or NULL. */
static Loa__Event *recv_non_heartbeat (void *sub, int ms)
{
    int64_t until = loa_mono_ms () + ms;
    while (loa_mono_ms () < until) {
        Loa__Event *ev = recv_event (sub, (int) (until - loa_mono_ms ()));
        if (!ev)
            return NULL;
        if (strcmp (ev->topic, "_heartbeat") != 0)
            return ev;
        loa__event__free_unpacked (ev, NULL);
    }
    return NULL;
}

/* Waits for a heartbeat: the SUB is then surely connected. Returns its seq. */
static long long wait_heartbeat (void *sub, int ms)
{
    int64_t until = loa_mono_ms () + ms;
    while (loa_mono_ms () < until) {
        Loa__Event *ev = recv_event (sub, (int) (until - loa_mono_ms ()));
        if (!ev)
            break;
        int hb = strcmp (ev->topic, "_heartbeat") == 0;
        long long seq = (long long) ev->seq;
        loa__event__free_unpacked (ev, NULL);
        if (hb)
            return seq;
    }
    ck_abort_msg ("no heartbeat within %d ms", ms);
    return -1;
}

#define COUNT_LOG "SELECT count(*) FROM event_log"
#define COUNT_OUTBOX "SELECT count(*) FROM outbox"

/* ------------------------------------------------------------ tests */

START_TEST (test_committed_events_get_dense_seqs_in_order)
{
    fixture fx;
    fixture_init (&fx);
    add_event (fx.pg.db, "a", "1");
    ck_assert_int_eq (loa_db_exec (fx.pg.db, "BEGIN"), 0);
    add_event (fx.pg.db, "b", "2");
    add_event (fx.pg.db, "c", "3");
    ck_assert_int_eq (loa_db_exec (fx.pg.db, "COMMIT"), 0);
    add_event (fx.pg.db, "d", "4");

    char pub[64], got[256];
    loa_relay *relay = start_relay (&fx, pub, sizeof pub);
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 4, 5000), 4);
    add_event (fx.pg.db, "e", "5");
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 5, 5000), 5);
    log_summary (fx.pg.db, got, sizeof got);
    ck_assert_str_eq (got, "1:a,2:b,3:c,4:d,5:e");
    ck_assert_int_eq (test_query_int (fx.pg.db, COUNT_OUTBOX), 0);

    /* The payload and the time travel with the event. */
    PGresult *res =
        PQexec (fx.pg.db, "SELECT payload, occurred_at <= now() FROM event_log WHERE seq = 3");
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    ck_assert_str_eq (PQgetvalue (res, 0, 1), "t");
    size_t len;
    unsigned char *raw = PQunescapeBytea ((const unsigned char *) PQgetvalue (res, 0, 0), &len);
    Loa__PingReply *p = loa__ping_reply__unpack (NULL, len, raw);
    ck_assert_ptr_nonnull (p);
    ck_assert_str_eq (p->service, "3");
    loa__ping_reply__free_unpacked (p, NULL);
    PQfreemem (raw);
    PQclear (res);

    loa_relay_destroy (&relay);
    ck_assert_ptr_null (relay);
    loa_relay_destroy (&relay); /* idempotent */
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_rolled_back_event_never_appears)
{
    fixture fx;
    fixture_init (&fx);
    char pub[64], got[256];
    loa_relay *relay = start_relay (&fx, pub, sizeof pub);
    add_event (fx.pg.db, "kept1", "1");
    ck_assert_int_eq (loa_db_exec (fx.pg.db, "BEGIN"), 0);
    add_event (fx.pg.db, "lost", "x");
    ck_assert_int_eq (loa_db_exec (fx.pg.db, "ROLLBACK"), 0);
    add_event (fx.pg.db, "kept2", "2");
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 2, 5000), 2);
    test_sleep_ms (1500); /* a slow-poll round more: still nothing else */
    log_summary (fx.pg.db, got, sizeof got);
    ck_assert_str_eq (got, "1:kept1,2:kept2");
    ck_assert_int_eq (test_query_int (fx.pg.db, COUNT_OUTBOX), 0);
    loa_relay_destroy (&relay);
    fixture_fini (&fx);
}
END_TEST

/* An open transaction that wrote to the outbox holds back every row of a
 * newer transaction, even one that committed: moving it first would give
 * it a lower seq than the older one's, which a subscriber at that seq
 * would then never see. */
START_TEST (test_open_transaction_holds_back_newer_ones)
{
    fixture fx;
    fixture_init (&fx);
    PGconn *older = loa_db_connect (fx.pg.url, "test_outbox_older", 5000);
    ck_assert_ptr_nonnull (older);
    char pub[64], got[256];
    loa_relay *relay = start_relay (&fx, pub, sizeof pub);
    add_event (fx.pg.db, "before", "0");
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 1, 5000), 1);

    ck_assert_int_eq (loa_db_exec (older, "BEGIN"), 0);
    add_event (older, "older", "1");
    add_event (fx.pg.db, "newer", "2"); /* commits now, NOTIFY wakes the relay */
    test_sleep_ms (2500); /* two slow-poll rounds too */
    ck_assert_int_eq (test_query_int (fx.pg.db, COUNT_LOG), 1);
    ck_assert_int_eq (test_query_int (fx.pg.db, COUNT_OUTBOX), 1); /* "older" is not visible yet */

    ck_assert_int_eq (loa_db_exec (older, "COMMIT"), 0);
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 3, 5000), 3);
    log_summary (fx.pg.db, got, sizeof got);
    ck_assert_str_eq (got, "1:before,2:older,3:newer");
    ck_assert_int_eq (
        test_query_int (fx.pg.db, "SELECT max(seq) - min(seq) + 1 - count(*) FROM event_log"), 0);
    ck_assert_int_eq (test_query_int (fx.pg.db, COUNT_OUTBOX), 0);
    loa_relay_destroy (&relay);
    PQfinish (older);
    fixture_fini (&fx);
}
END_TEST

/* A transaction that has an xid but writes no event also holds the xmin
 * back; its commit sends no NOTIFY, so only the slow poll moves the rows. */
START_TEST (test_slow_poll_moves_rows_without_notify)
{
    fixture fx;
    fixture_init (&fx);
    PGconn *other = loa_db_connect (fx.pg.url, "test_outbox_other", 5000);
    ck_assert_ptr_nonnull (other);
    char pub[64];
    loa_relay *relay = start_relay (&fx, pub, sizeof pub);
    ck_assert_int_eq (loa_db_exec (other, "BEGIN"), 0);
    ck_assert_int_ge (test_query_int (other, "SELECT pg_current_xact_id()::text::bigint"), 1);
    add_event (fx.pg.db, "held", "1");
    test_sleep_ms (1500);
    ck_assert_int_eq (test_query_int (fx.pg.db, COUNT_LOG), 0);
    ck_assert_int_eq (loa_db_exec (other, "COMMIT"), 0);
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 1, 3000), 1);
    loa_relay_destroy (&relay);
    PQfinish (other);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_relay_publishes_in_order)
{
    fixture fx;
    fixture_init (&fx);
    char pub[64];
    loa_relay *relay = start_relay (&fx, pub, sizeof pub);
    void *sub = open_sub (&fx, pub);
    ck_assert_int_eq (wait_heartbeat (sub, 5000), 0);
    const char *topics[] = {"unit.created", "article.published", "unit.updated",
                            "article.retracted", "feedback.received"};
    for (int i = 0; i < 5; i++) {
        char tag[16];
        snprintf (tag, sizeof tag, "p%d", i + 1);
        add_event (fx.pg.db, topics[i], tag);
    }
    for (int i = 0; i < 5; i++) {
        Loa__Event *ev = recv_non_heartbeat (sub, 5000);
        ck_assert_msg (ev != NULL, "event %d not published", i + 1);
        ck_assert_uint_eq (ev->seq, (uint64_t) i + 1);
        ck_assert_str_eq (ev->topic, topics[i]);
        ck_assert_int_eq (strlen (ev->occurred_at) >= 20, 1);
        Loa__PingReply *p = loa__ping_reply__unpack (NULL, ev->payload.len, ev->payload.data);
        ck_assert_ptr_nonnull (p);
        char tag[16];
        snprintf (tag, sizeof tag, "p%d", i + 1);
        ck_assert_str_eq (p->service, tag);
        loa__ping_reply__free_unpacked (p, NULL);
        loa__event__free_unpacked (ev, NULL);
    }
    zmq_close (sub);
    loa_relay_destroy (&relay);
    fixture_fini (&fx);
}
END_TEST

/* A relay starts from the end of the log (subscribers replay the rest) and
 * its heartbeat, every second, carries the last seq. */
START_TEST (test_heartbeat_carries_last_seq)
{
    fixture fx;
    fixture_init (&fx);
    char pub[64];
    loa_relay *relay = start_relay (&fx, pub, sizeof pub);
    add_event (fx.pg.db, "old1", "1");
    add_event (fx.pg.db, "old2", "2");
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 2, 5000), 2);
    loa_relay_destroy (&relay);

    relay = start_relay (&fx, pub, sizeof pub);
    void *sub = open_sub (&fx, pub);
    ck_assert_int_eq (wait_heartbeat (sub, 5000), 2);
    int64_t t0 = loa_mono_ms ();
    ck_assert_int_eq (wait_heartbeat (sub, 2000), 2);
    ck_assert_int_ge (loa_mono_ms () - t0, 500); /* about one per second */
    add_event (fx.pg.db, "new3", "3");
    Loa__Event *ev = recv_non_heartbeat (sub, 5000);
    ck_assert_ptr_nonnull (ev);
    ck_assert_uint_eq (ev->seq, 3); /* nothing old was published */
    ck_assert_str_eq (ev->topic, "new3");
    loa__event__free_unpacked (ev, NULL);
    ck_assert_int_eq (wait_heartbeat (sub, 2000), 3);
    zmq_close (sub);
    loa_relay_destroy (&relay);
    fixture_fini (&fx);
}
END_TEST

/* Calls events.since and returns the reply (caller frees), or NULL. */
/* A statement of the relay that waits (here on a lock another session
 * holds on the outbox; in a bench, on a stalled database) does not stop
 * its heartbeat: the gateway's cache would take the service for gone after
 * 3 s of silence and send it its whole load, and every subscriber would
 * replay from it at once. The heartbeat goes on with the seq published so
 * far, and the rows move once the lock is released. */
START_TEST (test_heartbeat_keeps_time_while_a_statement_waits)
{
    fixture fx;
    fixture_init (&fx);
    char pub[64];
    loa_relay *relay = start_relay (&fx, pub, sizeof pub);
    void *sub = open_sub (&fx, pub);
    add_event (fx.pg.db, "before", "1");
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 1, 5000), 1);
    /* A heartbeat sent before the event was published says 0. */
    int64_t until = loa_mono_ms () + 5000;
    while (wait_heartbeat (sub, 5000) != 1)
        ck_assert_msg (loa_mono_ms () < until, "no heartbeat with seq 1");

    PGconn *locker = PQconnectdb (fx.pg.url);
    ck_assert_int_eq (PQstatus (locker), CONNECTION_OK);
    PGresult *res = PQexec (locker, "BEGIN; LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE");
    ck_assert_int_eq (PQresultStatus (res), PGRES_COMMAND_OK);
    PQclear (res);
    /* The relay's next round (within a second) waits for the lock. */
    char sql[256];
    snprintf (sql, sizeof sql,
              "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s/relay'"
              " AND wait_event_type = 'Lock'",
              fx.pg.schema);
    ck_assert_int_eq (wait_int (fx.pg.db, sql, 1, 3000), 1);
    int64_t t = loa_mono_ms (), end = t + 3500, longest = 0;
    while (loa_mono_ms () < end) {
        ck_assert_int_eq (wait_heartbeat (sub, 2500), 1);
        int64_t now = loa_mono_ms ();
        if (now - t > longest)
            longest = now - t;
        t = now;
    }
    ck_assert_msg (longest < 1800, "the heartbeat stopped for %lld ms", (long long) longest);
    ck_assert_int_eq (test_query_int (fx.pg.db, sql), 1); /* still waiting */

    res = PQexec (locker, "COMMIT");
    PQclear (res);
    PQfinish (locker);
    add_event (fx.pg.db, "after", "2");
    Loa__Event *ev = recv_non_heartbeat (sub, 5000);
    ck_assert_ptr_nonnull (ev);
    ck_assert_uint_eq (ev->seq, 2);
    ck_assert_str_eq (ev->topic, "after");
    loa__event__free_unpacked (ev, NULL);
    ck_assert_int_eq (wait_heartbeat (sub, 2000), 2);
    zmq_close (sub);
    loa_relay_destroy (&relay);
    fixture_fini (&fx);
}
END_TEST

static Loa__EventsSinceReply *since (loa_rpc_client *c, uint64_t seq, uint32_t limit)
{
    Loa__EventsSinceRequest req = LOA__EVENTS_SINCE_REQUEST__INIT;
    req.since_seq = seq;
    req.limit = limit;
    loa_rpc_result r = {0};
    Loa__Status st = loa_rpc_call (c, "events.since", NULL, NULL, NULL, &req.base, 5000, &r);
    ck_assert_int_eq (st, LOA__STATUS__OK);
    ck_assert_ptr_nonnull (r.reply);
    Loa__EventsSinceReply *rep =
        loa__events_since_reply__unpack (NULL, r.reply->body.len, r.reply->body.data);
    loa_rpc_result_clear (&r);
    ck_assert_ptr_nonnull (rep);
    return rep;
}

START_TEST (test_events_since_returns_the_slice)
{
    fixture fx;
    fixture_init (&fx);
    /* events.since serves event_log whoever filled it. */
    ck_assert_int_eq (loa_db_exec (fx.pg.db,
                                   "INSERT INTO event_log (seq, topic, payload, occurred_at)"
                                   " SELECT g, 't' || g, '\\x0a01'::bytea || int4send(g::int4),"
                                   " now() FROM generate_series(1, 1200) g"),
                      0);
    char rpc[64];
    test_free_endpoint (rpc, sizeof rpc);
    loa_rpc_method methods[] = {loa_events_since_method, {NULL, NULL, NULL}};
    loa_rpc_server *server =
        loa_rpc_server_new ("test-outbox", rpc, 2, fx.pg.url, methods, NULL, NULL);
    ck_assert_ptr_nonnull (server);
    ck_assert_int_eq (loa_rpc_server_start (server, fx.zctx), 0);
    loa_rpc_client *c = loa_rpc_client_new (fx.zctx, "test-outbox", rpc);
    ck_assert_ptr_nonnull (c);

    Loa__EventsSinceReply *rep = since (c, 3, 2);
    ck_assert_uint_eq (rep->n_events, 2);
    ck_assert_uint_eq (rep->events[0]->seq, 4);
    ck_assert_str_eq (rep->events[0]->topic, "t4");
    ck_assert_uint_eq (rep->events[0]->payload.len, 6);
    ck_assert_int_eq (rep->events[0]->payload.data[5], 4);
    ck_assert_uint_eq (rep->events[1]->seq, 5);
    ck_assert_uint_eq (rep->last_seq, 1200);
    ck_assert_int_eq (strncmp (rep->events[1]->occurred_at, "20", 2), 0);
    loa__events_since_reply__free_unpacked (rep, NULL);

    rep = since (c, 0, 0); /* default limit */
    ck_assert_uint_eq (rep->n_events, 500);
    for (size_t i = 0; i < rep->n_events; i++)
        ck_assert_uint_eq (rep->events[i]->seq, i + 1);
    loa__events_since_reply__free_unpacked (rep, NULL);

    rep = since (c, 100, 100000); /* capped */
    ck_assert_uint_eq (rep->n_events, 1000);
    ck_assert_uint_eq (rep->events[0]->seq, 101);
    ck_assert_uint_eq (rep->events[999]->seq, 1100);
    loa__events_since_reply__free_unpacked (rep, NULL);

    rep = since (c, 1200, 10); /* caught up */
    ck_assert_uint_eq (rep->n_events, 0);
    ck_assert_uint_eq (rep->last_seq, 1200);
    loa__events_since_reply__free_unpacked (rep, NULL);

    rep = since (c, UINT64_MAX, 10); /* beyond anything */
    ck_assert_uint_eq (rep->n_events, 0);
    loa__events_since_reply__free_unpacked (rep, NULL);

    loa_rpc_client_destroy (&c);
    loa_rpc_server_destroy (&server);
    fixture_fini (&fx);
}
END_TEST

/* Two replicas: one relays, the other waits on the advisory lock and takes
 * over when the first stops. No event is moved twice or skipped. */
START_TEST (test_standby_relay_takes_over)
{
    fixture fx;
    fixture_init (&fx);
    char pub1[64], pub2[64], got[256];
    loa_relay *r1 = start_relay (&fx, pub1, sizeof pub1);
    add_event (fx.pg.db, "a", "1");
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 1, 5000), 1);
    loa_relay *r2 = start_relay (&fx, pub2, sizeof pub2);
    void *sub2 = open_sub (&fx, pub2);
    test_sleep_ms (300);
    add_event (fx.pg.db, "b", "2");
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 2, 5000), 2);
    /* The standby publishes nothing, not even heartbeats. */
    ck_assert_ptr_null (recv_event (sub2, 1500));

    loa_relay_destroy (&r1);
    ck_assert_int_eq (wait_heartbeat (sub2, 5000), 2);
    add_event (fx.pg.db, "c", "3");
    Loa__Event *ev = recv_non_heartbeat (sub2, 5000);
    ck_assert_ptr_nonnull (ev);
    ck_assert_uint_eq (ev->seq, 3);
    loa__event__free_unpacked (ev, NULL);
    log_summary (fx.pg.db, got, sizeof got);
    ck_assert_str_eq (got, "1:a,2:b,3:c");
    zmq_close (sub2);
    loa_relay_destroy (&r2);
    fixture_fini (&fx);
}
END_TEST

/* The relay's session is killed: it reconnects, takes the lock again and
 * goes on where it was. */
START_TEST (test_relay_survives_a_lost_connection)
{
    fixture fx;
    fixture_init (&fx);
    char pub[64], got[256];
    loa_relay *relay = start_relay (&fx, pub, sizeof pub);
    void *sub = open_sub (&fx, pub);
    wait_heartbeat (sub, 5000);
    add_event (fx.pg.db, "a", "1");
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 1, 5000), 1);

    char sql[256];
    snprintf (sql, sizeof sql,
              "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
              " WHERE application_name = '%s/relay'",
              fx.pg.schema);
    ck_assert_int_eq (test_query_int (fx.pg.db, sql), 1);
    add_event (fx.pg.db, "b", "2");
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 2, 8000), 2);
    add_event (fx.pg.db, "c", "3");
    ck_assert_int_eq (wait_int (fx.pg.db, COUNT_LOG, 3, 5000), 3);
    log_summary (fx.pg.db, got, sizeof got);
    ck_assert_str_eq (got, "1:a,2:b,3:c");
    /* Published in order, each once, after the reconnection too. */
    uint64_t expect = 1;
    for (;;) {
        Loa__Event *ev = recv_non_heartbeat (sub, 3000);
        ck_assert_ptr_nonnull (ev);
        ck_assert_uint_eq (ev->seq, expect);
        loa__event__free_unpacked (ev, NULL);
        if (++expect > 3)
            break;
    }
    zmq_close (sub);
    loa_relay_destroy (&relay);
    fixture_fini (&fx);
}
END_TEST

/* Executions of the prepared INSERT in this session (pg_prepared_statements
 * counts the plans it made), or -1 when it is not prepared here. */
static long long prepared_runs (PGconn *db)
{
    return test_query_int (db, "SELECT coalesce (max (generic_plans + custom_plans), -1) "
                               "FROM pg_prepared_statements WHERE name = 'loa_outbox_add'");
}

/* A worker's connection inserts its events with the prepared INSERT; a
 * session it was not prepared in (after a reset), or another connection,
 * still inserts them, unprepared; a schema without an outbox prepares
 * nothing and says so quietly. */
START_TEST (test_prepared_insert_on_the_workers_session)
{
    fixture fx;
    fixture_init (&fx);
    ck_assert_int_eq (loa_outbox_prepare (fx.pg.db), 0);
    ck_assert_int_eq (loa_db_exec (fx.pg.db, "BEGIN"), 0);
    add_event (fx.pg.db, "a", "1");
    add_event (fx.pg.db, "b", "2");
    ck_assert_int_eq (loa_db_exec (fx.pg.db, "COMMIT"), 0);
    add_event (fx.pg.db, "c", "3");
    ck_assert_int_eq (prepared_runs (fx.pg.db), 3);
    ck_assert_int_eq (test_query_int (fx.pg.db, "SELECT count(*) FROM outbox"), 3);

    PGconn *other = loa_db_connect (fx.pg.url, "test_outbox_other", 5000);
    ck_assert_ptr_nonnull (other);
    add_event (other, "d", "4");
    ck_assert_int_eq (prepared_runs (other), -1);
    PQreset (fx.pg.db);
    add_event (fx.pg.db, "e", "5");
    ck_assert_int_eq (prepared_runs (fx.pg.db), -1);
    ck_assert_int_eq (test_query_int (other, "SELECT count(*) FROM outbox"), 5);
    ck_assert_int_eq (loa_outbox_prepare (fx.pg.db), 0);
    add_event (fx.pg.db, "f", "6");
    ck_assert_int_eq (prepared_runs (fx.pg.db), 1);
    /* other is this thread's connection now: the fast path was the one
     * prepared last, fx's; other's INSERT still works, unprepared. */
    add_event (other, "g", "7");
    ck_assert_int_eq (test_query_int (other, "SELECT count(*) FROM outbox"), 7);
    ck_assert_int_eq (loa_db_exec (other, "SET search_path = pg_catalog"), 0);
    ck_assert_int_eq (loa_outbox_prepare (other), -1);
    PQfinish (other);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_relay_refuses_bad_setup)
{
    char name[80];
    memset (name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    ck_assert_ptr_null (loa_relay_new ("svc", name, "postgresql://nowhere", "tcp://127.0.0.1:1"));
    void *zctx = zmq_ctx_new ();
    loa_relay *r = loa_relay_new ("svc", "s", "postgresql://nowhere", "bogus://address");
    ck_assert_ptr_nonnull (r);
    ck_assert_int_eq (loa_relay_start (r, zctx), -1);
    loa_relay_destroy (&r);
    zmq_ctx_term (zctx);
}
END_TEST

Suite *outbox_suite (void)
{
    Suite *s = suite_create ("outbox");
    TCase *tc = tcase_create ("relay");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_committed_events_get_dense_seqs_in_order);
    tcase_add_test (tc, test_prepared_insert_on_the_workers_session);
    tcase_add_test (tc, test_rolled_back_event_never_appears);
    tcase_add_test (tc, test_open_transaction_holds_back_newer_ones);
    tcase_add_test (tc, test_slow_poll_moves_rows_without_notify);
    tcase_add_test (tc, test_relay_publishes_in_order);
    tcase_add_test (tc, test_heartbeat_carries_last_seq);
    tcase_add_test (tc, test_heartbeat_keeps_time_while_a_statement_waits);
    tcase_add_test (tc, test_events_since_returns_the_slice);
    tcase_add_test (tc, test_standby_relay_takes_over);
    tcase_add_test (tc, test_relay_survives_a_lost_connection);
    tcase_add_test (tc, test_relay_refuses_bad_setup);
    suite_add_tcase (s, tc);
    return s;
}
