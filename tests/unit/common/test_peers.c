/* peers: a socket connected to every address a name resolves to, as the
 * addresses change. Each test runs in a mount namespace of its own (check
 * forks a process per test) in which /etc/hosts is a file of the test's:
 * the name "replicas.loa-test" resolves to loopback addresses
 * (127.0.0.2-4) where real ROUTER sockets listen on one port, as a
 * Kubernetes headless Service answers one address per ready replica. A
 * DEALER following the name spreads its requests over every replica; a
 * replica added to the file is connected and gets requests, one removed is
 * disconnected and gets none; a SUB following the name hears every PUB. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "loa_config.h"
#include "loa_peers.h"
#include "suites.h"

#define NAME "replicas.loa-test"
#define MAX_REPLICAS 3

typedef struct {
    void *zctx;
    void *router[MAX_REPLICAS]; /* 127.0.0.2, .3, .4 */
    int port;
    char hosts[64]; /* the file bound over /etc/hosts */
} world;

/* Writes the hosts file: NAME is replicas first..last (1-based: .2 = 1). */
static void hosts_write (world *w, int first, int last)
{
    FILE *f = fopen (w->hosts, "r+"); /* the same inode: the bind mount follows */
    ck_assert_ptr_nonnull (f);
    ck_assert_int_eq (ftruncate (fileno (f), 0), 0);
    fprintf (f, "127.0.0.1 localhost\n");
    for (int i = first; i <= last; i++)
        fprintf (f, "127.0.0.%d %s\n", i + 1, NAME);
    fclose (f);
}

/* This test's own /etc/hosts and its replicas: `n` ROUTERs on one port. */
static void world_init (world *w, int n)
{
    memset (w, 0, sizeof *w);
    snprintf (w->hosts, sizeof w->hosts, "/tmp/loa-peers-hosts.XXXXXX");
    int fd = mkstemp (w->hosts);
    ck_assert_int_ge (fd, 0);
    close (fd);
    ck_assert_msg (unshare (CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): the unit tests run as root");
    ck_assert_int_eq (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
    ck_assert_int_eq (mount (w->hosts, "/etc/hosts", NULL, MS_BIND, NULL), 0);
    w->zctx = zmq_ctx_new ();
    int linger = 0;
    for (int i = 0; i < n; i++) {
        w->router[i] = zmq_socket (w->zctx, ZMQ_ROUTER);
        zmq_setsockopt (w->router[i], ZMQ_LINGER, &linger, sizeof linger);
        char ep[64];
        if (i == 0)
            snprintf (ep, sizeof ep, "tcp://127.0.0.2:*");
        else
            snprintf (ep, sizeof ep, "tcp://127.0.0.%d:%d", i + 2, w->port);
        ck_assert_msg (zmq_bind (w->router[i], ep) == 0, "bind %s: %s", ep,
                       zmq_strerror (zmq_errno ()));
        if (i == 0) {
            char last[64];
            size_t len = sizeof last;
            zmq_getsockopt (w->router[0], ZMQ_LAST_ENDPOINT, last, &len);
            w->port = atoi (strrchr (last, ':') + 1);
        }
    }
}

static void world_fini (world *w)
{
    for (int i = 0; i < MAX_REPLICAS; i++)
        if (w->router[i])
            zmq_close (w->router[i]);
    zmq_ctx_term (w->zctx);
    umount (w->hosts);
    unlink (w->hosts);
    loa_peers_shutdown ();
}

static void *dealer_new (world *w)
{
    void *d = zmq_socket (w->zctx, ZMQ_DEALER);
    int linger = 0, immediate = 1;
    zmq_setsockopt (d, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (d, ZMQ_IMMEDIATE, &immediate, sizeof immediate);
    return d;
}

static char *endpoint (world *w, char *buf, size_t size)
{
    snprintf (buf, size, "tcp://%s:%d", NAME, w->port);
    return buf;
}

/* Syncs until the socket is connected to `want` addresses (5 s at most). */
static size_t sync_until (loa_peers *p, void *sock, size_t want)
{
    size_t n = 0;
    for (int i = 0; i < 500 && (n = loa_peers_sync (p, sock)) != want; i++)
        usleep (10000);
    return n;
}

/* Sends `n` requests once every replica in [0, replicas) has a completed
 * connection, and counts what each replica received (2 s for all). */
static void spread (world *w, void *dealer, int replicas, int n, int got[MAX_REPLICAS])
{
    memset (got, 0, MAX_REPLICAS * sizeof *got);
    /* A ROUTER sees a peer only once the connection is made: send a probe
     * per replica until every one has answered (ZMQ_IMMEDIATE drops nothing
     * but queues only on connected peers). */
    usleep (300000);
    for (int i = 0; i < n; i++)
        ck_assert_int_eq (zmq_send (dealer, "q", 1, 0), 1);
    int total = 0;
    for (int t = 0; t < 200 && total < n; t++) {
        for (int r = 0; r < replicas; r++) {
            zmq_msg_t id, body;
            zmq_msg_init (&id);
            zmq_msg_init (&body);
            while (zmq_msg_recv (&id, w->router[r], ZMQ_DONTWAIT) >= 0) {
                zmq_msg_recv (&body, w->router[r], 0);
                got[r]++;
                total++;
            }
            zmq_msg_close (&id);
            zmq_msg_close (&body);
        }
        usleep (10000);
    }
    ck_assert_int_eq (total, n);
}

START_TEST (literal_endpoints_are_used_as_written)
{
    void *zctx = zmq_ctx_new ();
    void *d = zmq_socket (zctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt (d, ZMQ_LINGER, &linger, sizeof linger);
    loa_peers *p = loa_peers_new ("test", "tcp://127.0.0.1:7999, ipc:///tmp/loa-peers-test.sock");
    ck_assert_ptr_nonnull (p);
    ck_assert_uint_eq (loa_peers_sync (p, d), 2);
    ck_assert_str_eq (loa_peers_address (p, 0), "tcp://127.0.0.1:7999");
    ck_assert_str_eq (loa_peers_address (p, 1), "ipc:///tmp/loa-peers-test.sock");
    ck_assert_ptr_null (loa_peers_address (p, 2));
    ck_assert_uint_eq (loa_peers_sync (p, d), 2); /* nothing changed: nothing done */
    loa_peers_free (&p);
    ck_assert_ptr_null (p);
    ck_assert_ptr_null (loa_peers_new ("test", " , "));
    zmq_close (d);
    zmq_ctx_term (zctx);
    loa_peers_shutdown ();
}
END_TEST

START_TEST (a_dealer_follows_the_replicas_of_a_name)
{
    setenv ("LOA_DISCOVERY_MS", "100", 1);
    world w;
    world_init (&w, 3);
    hosts_write (&w, 1, 2); /* .2 and .3 */
    char ep[96];
    loa_peers *p = loa_peers_new ("test", endpoint (&w, ep, sizeof ep));
    ck_assert_ptr_nonnull (p);
    void *d = dealer_new (&w);
    ck_assert_uint_eq (loa_peers_sync (p, d), 2);
    char a2[64], a3[64], a4[64];
    snprintf (a2, sizeof a2, "tcp://127.0.0.2:%d", w.port);
    snprintf (a3, sizeof a3, "tcp://127.0.0.3:%d", w.port);
    snprintf (a4, sizeof a4, "tcp://127.0.0.4:%d", w.port);
    ck_assert_str_eq (loa_peers_address (p, 0), a2);
    ck_assert_str_eq (loa_peers_address (p, 1), a3);
    int got[MAX_REPLICAS];
    spread (&w, d, 3, 40, got);
    ck_assert_int_eq (got[0], 20); /* round robin over the two */
    ck_assert_int_eq (got[1], 20);
    ck_assert_int_eq (got[2], 0);

    /* A third replica appears: connected at a later sync, and served. */
    hosts_write (&w, 1, 3);
    ck_assert_uint_eq (sync_until (p, d, 3), 3);
    ck_assert_str_eq (loa_peers_address (p, 2), a4);
    spread (&w, d, 3, 30, got);
    ck_assert_int_eq (got[0], 10);
    ck_assert_int_eq (got[1], 10);
    ck_assert_int_eq (got[2], 10);

    /* The first is gone: disconnected, it gets nothing more. */
    hosts_write (&w, 2, 3);
    ck_assert_uint_eq (sync_until (p, d, 2), 2);
    ck_assert_str_eq (loa_peers_address (p, 0), a3);
    ck_assert_str_eq (loa_peers_address (p, 1), a4);
    spread (&w, d, 3, 20, got);
    ck_assert_int_eq (got[0], 0);
    ck_assert_int_eq (got[1], 10);
    ck_assert_int_eq (got[2], 10);

    /* The name stops resolving: its last addresses are kept. */
    hosts_write (&w, 1, 0);
    usleep (400000);
    ck_assert_uint_eq (loa_peers_sync (p, d), 2);

    zmq_close (d);
    loa_peers_free (&p);
    world_fini (&w);
}
END_TEST

START_TEST (a_hurried_name_is_resolved_at_once)
{
    setenv ("LOA_DISCOVERY_MS", "600000", 1); /* never, but when hurried */
    world w;
    world_init (&w, 2);
    hosts_write (&w, 1, 1);
    char ep[96];
    loa_peers *p = loa_peers_new ("test", endpoint (&w, ep, sizeof ep));
    void *d = dealer_new (&w);
    ck_assert_uint_eq (loa_peers_sync (p, d), 1);
    hosts_write (&w, 1, 2);
    usleep (300000);
    ck_assert_uint_eq (loa_peers_sync (p, d), 1); /* not yet looked at */
    loa_peers_hurry (p);
    ck_assert_uint_eq (sync_until (p, d, 2), 2);
    /* Two sockets following one name share its resolution. */
    loa_peers *q = loa_peers_new ("test", ep);
    void *d2 = dealer_new (&w);
    ck_assert_uint_eq (loa_peers_sync (q, d2), 2);
    zmq_close (d);
    zmq_close (d2);
    loa_peers_free (&p);
    loa_peers_free (&q);
    world_fini (&w);
}
END_TEST

START_TEST (a_sub_hears_every_replica)
{
    world w;
    world_init (&w, 0);
    hosts_write (&w, 1, 2);
    void *pub[2];
    int linger = 0, port = 0;
    for (int i = 0; i < 2; i++) {
        pub[i] = zmq_socket (w.zctx, ZMQ_PUB);
        zmq_setsockopt (pub[i], ZMQ_LINGER, &linger, sizeof linger);
        char bind[64];
        snprintf (bind, sizeof bind, i ? "tcp://127.0.0.3:%d" : "tcp://127.0.0.2:*", port);
        ck_assert_int_eq (zmq_bind (pub[i], bind), 0);
        if (!i) {
            char last[64];
            size_t len = sizeof last;
            zmq_getsockopt (pub[0], ZMQ_LAST_ENDPOINT, last, &len);
            port = atoi (strrchr (last, ':') + 1);
        }
    }
    char ep[96];
    snprintf (ep, sizeof ep, "tcp://%s:%d", NAME, port);
    loa_peers *p = loa_peers_new ("test events", ep);
    void *sub = zmq_socket (w.zctx, ZMQ_SUB);
    zmq_setsockopt (sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0);
    ck_assert_uint_eq (loa_peers_sync (p, sub), 2);
    /* Whichever replica publishes (holds the relay), the SUB hears it. */
    int heard[2] = {0, 0};
    for (int t = 0; t < 300 && !(heard[0] && heard[1]); t++) {
        zmq_send (pub[0], "0", 1, ZMQ_DONTWAIT);
        zmq_send (pub[1], "1", 1, ZMQ_DONTWAIT);
        usleep (10000);
        char b[4];
        int n;
        while ((n = zmq_recv (sub, b, sizeof b, ZMQ_DONTWAIT)) == 1)
            heard[b[0] - '0']++;
    }
    ck_assert_int_gt (heard[0], 0);
    ck_assert_int_gt (heard[1], 0);
    zmq_close (sub);
    zmq_close (pub[0]);
    zmq_close (pub[1]);
    loa_peers_free (&p);
    world_fini (&w);
}
END_TEST

Suite *peers_suite (void)
{
    Suite *s = suite_create ("peers");
    TCase *tc = tcase_create ("peers");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, literal_endpoints_are_used_as_written);
    tcase_add_test (tc, a_dealer_follows_the_replicas_of_a_name);
    tcase_add_test (tc, a_hurried_name_is_resolved_at_once);
    tcase_add_test (tc, a_sub_hears_every_replica);
    suite_add_tcase (s, tc);
    return s;
}
