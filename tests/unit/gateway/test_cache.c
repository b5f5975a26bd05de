/* cache (gateway/core/cache.h) through its API, with real ZeroMQ: each test
 * binds one PUB socket per service on inproc, points LOA_<SVC>_EVENTS at it
 * and publishes events and heartbeats as the services' relays do
 * (loa_outbox.c: a topic frame, then a packed loa.Event; heartbeats are
 * topic "_heartbeat" with the last seq published). Covers hits (body,
 * etag), misses, invalidation by an event of the service only and by
 * gw_cache_invalidate, liveness (nothing before a heartbeat, nothing once
 * they stop), the TTL, the byte bound, single flight, and a restart in one
 * process. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "common.pb-c.h"
#include "common/fixture.h"
#include "core/cache.h"
#include "loa_config.h"
#include "loa_endpoints.h"
#include "suites.h"

/* ------------------------------------------------------------ fixture */

typedef struct {
    void *zctx;
    void *pub[GW_N_SERVICES];
    uint64_t seq[GW_N_SERVICES]; /* the last seq published */
} fixture;

/* Binds the PUB sockets and points the cache's events addresses at them,
 * with LOA_CACHE_BYTES and LOA_CACHE_TTL_MS (NULL: unset). */
static void fixture_init (fixture *fx, const char *bytes, const char *ttl_ms)
{
    static int n;
    memset (fx, 0, sizeof *fx);
    fx->zctx = test_zmq_context ();
    n++;
    for (int i = 0; i < GW_N_SERVICES; i++) {
        const loa_endpoint *ep = loa_endpoints_get ((loa_service_id) i);
        char addr[96];
        snprintf (addr, sizeof addr, "inproc://test-cache-%d-%d-%s", (int) getpid (), n,
                  ep->source);
        fx->pub[i] = zmq_socket (fx->zctx, ZMQ_PUB);
        ck_assert_ptr_nonnull (fx->pub[i]);
        int linger = 0;
        zmq_setsockopt (fx->pub[i], ZMQ_LINGER, &linger, sizeof linger);
        ck_assert_int_eq (zmq_bind (fx->pub[i], addr), 0);
        ck_assert_int_eq (setenv (ep->events_env, addr, 1), 0);
    }
    if (bytes)
        setenv ("LOA_CACHE_BYTES", bytes, 1);
    else
        unsetenv ("LOA_CACHE_BYTES");
    if (ttl_ms)
        setenv ("LOA_CACHE_TTL_MS", ttl_ms, 1);
    else
        unsetenv ("LOA_CACHE_TTL_MS");
}

static void fixture_fini (fixture *fx)
{
    gw_cache_stop ();
    for (int i = 0; i < GW_N_SERVICES; i++)
        zmq_close (fx->pub[i]);
    zmq_ctx_term (fx->zctx); /* hangs if a socket was left open */
}

/* One event as a relay sends it: the topic, then the packed loa.Event. */
static void publish (fixture *fx, gw_service svc, const char *topic, uint64_t seq)
{
    Loa__Event ev = LOA__EVENT__INIT;
    ev.seq = seq;
    ev.topic = (char *) topic;
    ev.occurred_at = (char *) "2025-01-01T00:00:00.000Z";
    uint8_t buf[256];
    size_t len = loa__event__get_packed_size (&ev);
    ck_assert_uint_le (len, sizeof buf);
    loa__event__pack (&ev, buf);
    ck_assert_int_ge (zmq_send (fx->pub[svc], topic, strlen (topic), ZMQ_SNDMORE), 0);
    ck_assert_int_ge (zmq_send (fx->pub[svc], buf, len, 0), 0);
}

static void heartbeat (fixture *fx, gw_service svc)
{
    publish (fx, svc, "_heartbeat", fx->seq[svc]);
}

static void event (fixture *fx, gw_service svc, const char *topic)
{
    publish (fx, svc, topic, ++fx->seq[svc]);
}

/* Heartbeats every service until the cache has heard each (subscriptions
 * reach a PUB socket a moment after connecting: earlier frames are lost). */
static void wait_live (fixture *fx)
{
    int64_t deadline = loa_mono_ms () + 2000;
    for (;;) {
        int live = 0;
        for (int i = 0; i < GW_N_SERVICES; i++) {
            if (gw_cache_generation ((gw_service) i))
                live++;
            else
                heartbeat (fx, (gw_service) i);
        }
        if (live == GW_N_SERVICES)
            return;
        ck_assert_msg (loa_mono_ms () < deadline, "the cache never heard the heartbeats");
        test_sleep_ms (20);
    }
}

/* Waits until svc's generation is no longer `gen` (an event arrived). */
static uint64_t wait_generation_change (gw_service svc, uint64_t gen)
{
    int64_t deadline = loa_mono_ms () + 2000;
    uint64_t now;
    while ((now = gw_cache_generation (svc)) == gen) {
        ck_assert_msg (loa_mono_ms () < deadline, "the generation did not change");
        test_sleep_ms (10);
    }
    return now;
}

/* What gw_cache_with hands its callback, copied. */
typedef struct {
    char body[2048];
    size_t len;
    char etag[32];
} got;

static void copy_entry (const char *body, size_t len, const char *etag, void *arg)
{
    got *g = arg;
    ck_assert_uint_lt (len, sizeof g->body);
    memcpy (g->body, body, len);
    g->body[len] = '\0';
    g->len = len;
    snprintf (g->etag, sizeof g->etag, "%s", etag);
}

static int lookup (const char *key, gw_service svc, got *g)
{
    memset (g, 0, sizeof *g);
    return gw_cache_with (key, svc, copy_entry, g);
}

/* Stores `body` for key with the generation read now, as a route does. */
static void put_now (const char *key, gw_service svc, const char *body, const char *etag)
{
    gw_cache_put (key, svc, gw_cache_generation (svc), body, strlen (body), etag);
}

static size_t stats_bytes (void)
{
    unsigned long long h, m;
    size_t b;
    gw_cache_stats (&h, &m, &b);
    return b;
}

/* ------------------------------------------------------------ tests */

START_TEST (test_put_then_hit_and_miss_counted)
{
    fixture fx;
    fixture_init (&fx, NULL, NULL);
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    wait_live (&fx);

    unsigned long long h0, m0, h1, m1;
    size_t b0, b1;
    gw_cache_stats (&h0, &m0, &b0);
    ck_assert_uint_eq (b0, 0);
    got g;
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 0);
    put_now ("/api/v1/articles", GW_CONTENT, "{\"items\":[1,2]}", "\"e-1\"");
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    ck_assert_str_eq (g.body, "{\"items\":[1,2]}");
    ck_assert_uint_eq (g.len, strlen ("{\"items\":[1,2]}"));
    ck_assert_str_eq (g.etag, "\"e-1\"");
    /* The same key for another service is not this entry. */
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_MEDIA, &g), 0);
    gw_cache_stats (&h1, &m1, &b1);
    ck_assert_uint_eq (h1 - h0, 1);
    ck_assert_uint_eq (m1 - m0, 2);
    ck_assert_uint_gt (b1, strlen ("{\"items\":[1,2]}"));

    /* Replacing a key keeps one entry: the bytes do not grow. */
    put_now ("/api/v1/articles", GW_CONTENT, "{\"items\":[3,4]}", "\"e-2\"");
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    ck_assert_str_eq (g.body, "{\"items\":[3,4]}");
    ck_assert_str_eq (g.etag, "\"e-2\"");
    ck_assert_uint_eq (stats_bytes (), b1);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_event_stales_its_service_only)
{
    fixture fx;
    fixture_init (&fx, NULL, NULL);
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    wait_live (&fx);

    uint64_t gen = gw_cache_generation (GW_CONTENT);
    put_now ("/api/v1/articles", GW_CONTENT, "content", "\"c\"");
    put_now ("/api/v1/feedback/topics", GW_FEEDBACK, "feedback", "\"f\"");
    got g;
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    ck_assert_int_eq (lookup ("/api/v1/feedback/topics", GW_FEEDBACK, &g), 1);

    event (&fx, GW_CONTENT, "article.published");
    uint64_t gen2 = wait_generation_change (GW_CONTENT, gen);
    ck_assert_uint_ne (gen2, 0);
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 0);
    ck_assert_int_eq (lookup ("/api/v1/feedback/topics", GW_FEEDBACK, &g), 1);
    ck_assert_str_eq (g.body, "feedback");

    /* A put with the generation read before the event is refused: the
     * answer may predate it. */
    gw_cache_put ("/api/v1/articles", GW_CONTENT, gen, "old", 3, "\"o\"");
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 0);
    put_now ("/api/v1/articles", GW_CONTENT, "new", "\"n\"");
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    ck_assert_str_eq (g.body, "new");

    /* A heartbeat with the seq already seen changes nothing; one with a
     * seq the cache has not seen (an event it missed) stales the entries. */
    heartbeat (&fx, GW_CONTENT);
    test_sleep_ms (100);
    ck_assert_uint_eq (gw_cache_generation (GW_CONTENT), gen2);
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    fx.seq[GW_CONTENT] += 5;
    heartbeat (&fx, GW_CONTENT);
    wait_generation_change (GW_CONTENT, gen2);
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 0);
    ck_assert_int_eq (lookup ("/api/v1/feedback/topics", GW_FEEDBACK, &g), 1);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_invalidate)
{
    fixture fx;
    fixture_init (&fx, NULL, NULL);
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    wait_live (&fx);

    put_now ("/api/v1/plans", GW_QUOTA, "plans", "\"p\"");
    put_now ("/api/v1/media/feed", GW_MEDIA, "feed", "\"m\"");
    got g;
    ck_assert_int_eq (lookup ("/api/v1/plans", GW_QUOTA, &g), 1);
    gw_cache_invalidate (GW_QUOTA);
    ck_assert_int_eq (lookup ("/api/v1/plans", GW_QUOTA, &g), 0);
    ck_assert_int_eq (lookup ("/api/v1/media/feed", GW_MEDIA, &g), 1);
    put_now ("/api/v1/plans", GW_QUOTA, "plans 2", "\"p2\"");
    ck_assert_int_eq (lookup ("/api/v1/plans", GW_QUOTA, &g), 1);
    ck_assert_str_eq (g.body, "plans 2");
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_not_live_before_heartbeats)
{
    fixture fx;
    fixture_init (&fx, NULL, NULL);
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    /* Subscribed, but nothing heard yet: not live. */
    test_sleep_ms (200);
    for (int i = 0; i < GW_N_SERVICES; i++)
        ck_assert_uint_eq (gw_cache_generation ((gw_service) i), 0);
    /* Nothing stored (the generation a route reads is 0), nothing served. */
    put_now ("/api/v1/feedback/topics", GW_FEEDBACK, "feedback", "\"f\"");
    ck_assert_uint_eq (stats_bytes (), 0);
    got g;
    ck_assert_int_eq (lookup ("/api/v1/feedback/topics", GW_FEEDBACK, &g), 0);
    /* One service's heartbeats make that one live, not the others. */
    int64_t deadline = loa_mono_ms () + 2000;
    while (!gw_cache_generation (GW_FEEDBACK)) {
        ck_assert_msg (loa_mono_ms () < deadline, "the cache never heard the heartbeats");
        heartbeat (&fx, GW_FEEDBACK);
        test_sleep_ms (20);
    }
    ck_assert_uint_eq (gw_cache_generation (GW_CONTENT), 0);
    put_now ("/api/v1/articles", GW_CONTENT, "content", "\"c\"");
    ck_assert_uint_eq (stats_bytes (), 0);
    put_now ("/api/v1/feedback/topics", GW_FEEDBACK, "feedback", "\"f\"");
    ck_assert_int_eq (lookup ("/api/v1/feedback/topics", GW_FEEDBACK, &g), 1);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_not_live_after_heartbeats_stop)
{
    fixture fx;
    fixture_init (&fx, NULL, NULL);
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    wait_live (&fx);
    put_now ("/api/v1/articles", GW_CONTENT, "content", "\"c\"");
    got g;
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    size_t bytes = stats_bytes ();

    /* Silence: live for about 3 s more (LIVE_MS in cache.c), then not. */
    int64_t t0 = loa_mono_ms ();
    while (gw_cache_generation (GW_CONTENT)) {
        ck_assert_msg (loa_mono_ms () - t0 < 6000, "still live 6 s after the last heartbeat");
        test_sleep_ms (50);
    }
    ck_assert_int_ge (loa_mono_ms () - t0, 2500);
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 0);
    put_now ("/api/v1/articles", GW_CONTENT, "during silence", "\"s\"");
    put_now ("/api/v1/other", GW_CONTENT, "during silence", "\"s\"");
    ck_assert_uint_eq (stats_bytes (), bytes);

    /* Heartbeats again with the seq already seen: live, and served again
     * (nothing was missed). */
    wait_live (&fx);
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    ck_assert_str_eq (g.body, "content");
    ck_assert_int_eq (lookup ("/api/v1/other", GW_CONTENT, &g), 0);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_ttl)
{
    fixture fx;
    fixture_init (&fx, NULL, "300");
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    wait_live (&fx);
    put_now ("/api/v1/articles", GW_CONTENT, "content", "\"c\"");
    got g;
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    int64_t t0 = loa_mono_ms ();
    while (lookup ("/api/v1/articles", GW_CONTENT, &g)) {
        ck_assert_msg (loa_mono_ms () - t0 < 2000, "still served 2 s after a 300 ms TTL");
        test_sleep_ms (20);
    }
    ck_assert_int_ge (loa_mono_ms () - t0, 200);
    /* The service is still live: a new put is served again. */
    ck_assert_uint_ne (gw_cache_generation (GW_CONTENT), 0);
    put_now ("/api/v1/articles", GW_CONTENT, "content 2", "\"c2\"");
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_disabled)
{
    fixture fx;
    fixture_init (&fx, "0", NULL);
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    for (int i = 0; i < 10; i++) {
        heartbeat (&fx, GW_CONTENT);
        test_sleep_ms (20);
    }
    ck_assert_uint_eq (gw_cache_generation (GW_CONTENT), 0);
    gw_cache_put ("/api/v1/articles", GW_CONTENT, 1, "content", 7, "\"c\"");
    ck_assert_uint_eq (stats_bytes (), 0);
    got g;
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 0);
    ck_assert_int_eq (gw_cache_fill_begin ("/api/v1/articles", GW_CONTENT, 100), -1);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_byte_bound)
{
    enum { BOUND = 8192 };
    fixture fx;
    fixture_init (&fx, "8192", NULL);
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    wait_live (&fx);

    char body[1500];
    memset (body, 'x', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    got g;
    for (int i = 0; i < 20; i++) {
        char key[32];
        snprintf (key, sizeof key, "/api/v1/articles/%d", i);
        put_now (key, GW_CONTENT, body, "\"x\"");
        ck_assert_int_eq (lookup (key, GW_CONTENT, &g), 1);
        ck_assert_uint_le (stats_bytes (), BOUND);
    }
    /* 20 bodies of 1.5 kB do not fit in 8 kB: the first ones went. */
    ck_assert_int_eq (lookup ("/api/v1/articles/0", GW_CONTENT, &g), 0);
    ck_assert_uint_gt (stats_bytes (), 0);

    /* A body over a quarter of the bound is never stored. */
    char big[BOUND / 4 + 10];
    memset (big, 'y', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    size_t before = stats_bytes ();
    put_now ("/api/v1/big", GW_CONTENT, big, "\"y\"");
    ck_assert_int_eq (lookup ("/api/v1/big", GW_CONTENT, &g), 0);
    ck_assert_uint_eq (stats_bytes (), before);
    fixture_fini (&fx);
}
END_TEST

/* ------------------------------------------------------------ single flight */

typedef struct {
    const char *key;
    int wait_ms;
    int ticket;
    atomic_int done;
    int64_t returned_ms;
} filler;

static void *fill_thread (void *arg)
{
    filler *f = arg;
    f->ticket = gw_cache_fill_begin (f->key, GW_CONTENT, f->wait_ms);
    f->returned_ms = loa_mono_ms ();
    atomic_store (&f->done, 1);
    return NULL;
}

START_TEST (test_single_flight)
{
    fixture fx;
    fixture_init (&fx, NULL, NULL);
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    wait_live (&fx);

    int first = gw_cache_fill_begin ("/api/v1/articles", GW_CONTENT, 2000);
    ck_assert_int_gt (first, 0);
    /* Another key, or the same key of another service, fills on its own. */
    int other = gw_cache_fill_begin ("/api/v1/other", GW_CONTENT, 2000);
    ck_assert_int_gt (other, 0);
    ck_assert_int_ne (other, first);
    int media = gw_cache_fill_begin ("/api/v1/articles", GW_MEDIA, 2000);
    ck_assert_int_gt (media, 0);
    gw_cache_fill_end (other);
    gw_cache_fill_end (media);

    /* A second caller for the same key waits for the first one's fill. */
    filler f = {.key = "/api/v1/articles", .wait_ms = 5000};
    pthread_t th;
    ck_assert_int_eq (pthread_create (&th, NULL, fill_thread, &f), 0);
    test_sleep_ms (200);
    ck_assert_int_eq (atomic_load (&f.done), 0);
    put_now ("/api/v1/articles", GW_CONTENT, "filled", "\"f\"");
    int64_t ended = loa_mono_ms ();
    gw_cache_fill_end (first);
    pthread_join (th, NULL);
    ck_assert_int_eq (f.ticket, 0);
    ck_assert_int_ge (f.returned_ms, ended);
    ck_assert_int_lt (f.returned_ms - ended, 1000);
    got g;
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    ck_assert_str_eq (g.body, "filled");

    /* The slot is free again: the next caller fills. */
    int again = gw_cache_fill_begin ("/api/v1/articles", GW_CONTENT, 2000);
    ck_assert_int_gt (again, 0);

    /* A waiter gives up after wait_ms when the fill does not end. */
    filler w = {.key = "/api/v1/articles", .wait_ms = 150};
    int64_t t0 = loa_mono_ms ();
    ck_assert_int_eq (pthread_create (&th, NULL, fill_thread, &w), 0);
    pthread_join (th, NULL);
    ck_assert_int_eq (w.ticket, 0);
    ck_assert_int_ge (w.returned_ms - t0, 140);
    ck_assert_int_lt (w.returned_ms - t0, 1500);
    gw_cache_fill_end (again);
    fixture_fini (&fx);
}
END_TEST

START_TEST (test_restart)
{
    fixture fx;
    fixture_init (&fx, NULL, NULL);
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    wait_live (&fx);
    put_now ("/api/v1/articles", GW_CONTENT, "content", "\"c\"");
    gw_cache_stop ();
    /* Stopped: nothing held, nothing served, nothing stored, no fills. */
    ck_assert_uint_eq (stats_bytes (), 0);
    ck_assert_uint_eq (gw_cache_generation (GW_CONTENT), 0);
    got g;
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 0);
    gw_cache_put ("/api/v1/articles", GW_CONTENT, 1, "stopped", 7, "\"s\"");
    ck_assert_uint_eq (stats_bytes (), 0);
    ck_assert_int_eq (gw_cache_fill_begin ("/api/v1/articles", GW_CONTENT, 100), -1);

    /* Started again: not live until a heartbeat of the new run. */
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    for (int i = 0; i < GW_N_SERVICES; i++)
        ck_assert_uint_eq (gw_cache_generation ((gw_service) i), 0);
    wait_live (&fx);
    put_now ("/api/v1/articles", GW_CONTENT, "content 2", "\"c2\"");
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    ck_assert_str_eq (g.body, "content 2");
    uint64_t gen = gw_cache_generation (GW_CONTENT);
    event (&fx, GW_CONTENT, "article.published");
    wait_generation_change (GW_CONTENT, gen);
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 0);
    fixture_fini (&fx);
}
END_TEST

static void share_entry (const char *body, size_t len, const char *etag, void *arg)
{
    (void) len;
    (void) etag;
    *(const char **) arg = gw_cache_share (body);
}

/* A body shared with a response (sent without a copy) outlives its entry:
 * replaced, dropped with the whole cache when it is full, and the cache
 * stopped, it still reads as it was until the response lets it go (under
 * AddressSanitizer a body freed too early, or never, fails the run). */
START_TEST (test_shared_body_outlives_its_entry)
{
    fixture fx;
    fixture_init (&fx, NULL, NULL);
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    wait_live (&fx);
    put_now ("/api/v1/articles", GW_CONTENT, "{\"v\":1}", "\"v1\"");
    const char *one = NULL, *again = NULL;
    ck_assert_int_eq (gw_cache_with ("/api/v1/articles", GW_CONTENT, share_entry, &one), 1);
    ck_assert_int_eq (gw_cache_with ("/api/v1/articles", GW_CONTENT, share_entry, &again), 1);
    ck_assert_ptr_eq (one, again); /* the cache's own copy, not a new one */
    put_now ("/api/v1/articles", GW_CONTENT, "{\"v\":2}", "\"v2\"");
    ck_assert_mem_eq (one, "{\"v\":1}", 7);
    gw_cache_unshare ((void *) again);
    got g;
    ck_assert_int_eq (lookup ("/api/v1/articles", GW_CONTENT, &g), 1);
    ck_assert_str_eq (g.body, "{\"v\":2}");
    const char *two = NULL;
    ck_assert_int_eq (gw_cache_with ("/api/v1/articles", GW_CONTENT, share_entry, &two), 1);
    gw_cache_stop ();
    ck_assert_mem_eq (one, "{\"v\":1}", 7);
    ck_assert_mem_eq (two, "{\"v\":2}", 7);
    gw_cache_unshare ((void *) one);
    gw_cache_unshare ((void *) two);
    fixture_fini (&fx);
}
END_TEST

/* An entry with its compressed forms (decision 0042): one block, shared by
 * reference; gw_cache_renew makes the same bytes fresh again after an
 * event without a new block, and refuses other bytes. */
START_TEST (test_forms_kept_and_renewed)
{
    fixture fx;
    fixture_init (&fx, NULL, NULL);
    ck_assert_int_eq (gw_cache_start (fx.zctx), 0);
    wait_live (&fx);

    char body[3000];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = "<p>Tin tức</p>\n"[i % 15];
    gw_encoded enc;
    gw_encode (body, sizeof body, GW_ENC_FAST, &enc);
    ck_assert_ptr_nonnull (enc.data[GW_ENC_GZIP]);
    ck_assert_ptr_nonnull (enc.data[GW_ENC_BR]);
    gw_variants v;
    const char *block = gw_cache_block_new (body, sizeof body, &enc, &v);
    ck_assert_ptr_nonnull (block);
    ck_assert_ptr_eq (v.data[GW_ENC_IDENTITY], block);
    ck_assert_int_eq (memcmp (v.data[GW_ENC_BR], enc.data[GW_ENC_BR], enc.len[GW_ENC_BR]), 0);
    gw_cache_put_block ("/tin-tuc/a", GW_CONTENT, gw_cache_generation (GW_CONTENT), block, &v,
                        "\"p-1\"");
    gw_cache_unshare ((void *) block); /* the entry keeps its own reference */

    gw_variants got_v;
    char etag[24];
    const char *held;
    ck_assert_int_eq (gw_cache_get ("/tin-tuc/a", GW_CONTENT, &got_v, etag, &held), 1);
    ck_assert_str_eq (etag, "\"p-1\"");
    ck_assert_uint_eq (got_v.len[GW_ENC_IDENTITY], sizeof body);
    ck_assert_int_eq (memcmp (got_v.data[GW_ENC_IDENTITY], body, sizeof body), 0);
    ck_assert_uint_eq (got_v.len[GW_ENC_GZIP], enc.len[GW_ENC_GZIP]);
    ck_assert_int_eq (memcmp (got_v.data[GW_ENC_GZIP], enc.data[GW_ENC_GZIP], enc.len[GW_ENC_GZIP]),
                      0);
    ck_assert_uint_eq (got_v.len[GW_ENC_BR], enc.len[GW_ENC_BR]);
    size_t bytes = stats_bytes ();
    ck_assert_uint_ge (bytes, sizeof body + enc.len[GW_ENC_GZIP] + enc.len[GW_ENC_BR]);

    /* An event: stale; the same bytes made again are renewed in place. */
    uint64_t gen = gw_cache_generation (GW_CONTENT);
    event (&fx, GW_CONTENT, "article.corrected");
    gen = wait_generation_change (GW_CONTENT, gen);
    ck_assert_int_eq (gw_cache_get ("/tin-tuc/a", GW_CONTENT, &got_v, etag, &block), 0);
    ck_assert_int_eq (gw_cache_renew ("/tin-tuc/a", GW_CONTENT, gen, "\"p-2\"", &got_v, &block), 0);
    ck_assert_int_eq (gw_cache_renew ("/tin-tuc/a", GW_CONTENT, gen, "\"p-1\"", &got_v, &block), 1);
    ck_assert_ptr_eq (block, held); /* the same block, no copy, no compression */
    gw_cache_unshare ((void *) block);
    ck_assert_int_eq (gw_cache_get ("/tin-tuc/a", GW_CONTENT, &got_v, etag, &block), 1);
    ck_assert_ptr_eq (got_v.data[GW_ENC_BR], held + (v.data[GW_ENC_BR] - v.data[GW_ENC_IDENTITY]));
    gw_cache_unshare ((void *) block);
    ck_assert_uint_eq (stats_bytes (), bytes);

    /* The reader's reference outlives the entry's replacement. */
    gw_cache_put ("/tin-tuc/a", GW_CONTENT, gen, "khác", strlen ("khác"), "\"p-3\"");
    ck_assert_int_eq (memcmp (held, body, sizeof body), 0);
    gw_cache_unshare ((void *) held);
    gw_encoded_free (&enc);
    fixture_fini (&fx);
}
END_TEST

Suite *cache_suite (void)
{
    Suite *s = suite_create ("gateway/core cache");
    TCase *tc = tcase_create ("core");
    tcase_set_timeout (tc, 20);
    tcase_add_test (tc, test_put_then_hit_and_miss_counted);
    tcase_add_test (tc, test_event_stales_its_service_only);
    tcase_add_test (tc, test_invalidate);
    tcase_add_test (tc, test_not_live_before_heartbeats);
    tcase_add_test (tc, test_not_live_after_heartbeats_stop);
    tcase_add_test (tc, test_ttl);
    tcase_add_test (tc, test_disabled);
    tcase_add_test (tc, test_byte_bound);
    tcase_add_test (tc, test_single_flight);
    tcase_add_test (tc, test_restart);
    tcase_add_test (tc, test_shared_body_outlives_its_entry);
    tcase_add_test (tc, test_forms_kept_and_renewed);
    suite_add_tcase (s, tc);
    return s;
}
