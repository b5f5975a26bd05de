/* conns: admission (the total, per address with IPv6 by its /64, the
 * operator's proxies counted in the total only, counts given back when a
 * connection ends, the table under churn) and the loops' deadlines (the
 * headers' from the start or the last answer, a held body's from its
 * headers, none while a request is answered, each connection closed once).
 * That libmicrohttpd closes a connection shut down under it is tested end
 * to end (tests/e2e/test_abuse.sh). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conns.h"
#include "suites.h"

static struct sockaddr_storage addr_of (const char *text)
{
    struct sockaddr_storage ss;
    memset (&ss, 0, sizeof ss);
    if (strchr (text, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *) &ss;
        a->sin6_family = AF_INET6;
        ck_assert_int_eq (inet_pton (AF_INET6, text, &a->sin6_addr), 1);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *) &ss;
        a->sin_family = AF_INET;
        ck_assert_int_eq (inet_pton (AF_INET, text, &a->sin_addr), 1);
    }
    return ss;
}
#define SA(ss) ((const struct sockaddr *) &(ss))

/* Admits and starts a connection from `text`; NULL when refused. */
static gw_conn *open_from (gw_conns *cs, gw_conn_set *set, const char *text)
{
    struct sockaddr_storage ss = addr_of (text);
    if (!gw_conns_admit (cs, SA (ss)))
        return NULL;
    gw_conn *c = gw_conn_start (set, SA (ss), -1, 0);
    ck_assert_ptr_nonnull (c);
    return c;
}

static unsigned open_of (gw_conns *cs, const char *text)
{
    struct sockaddr_storage ss = addr_of (text);
    unsigned total, of_addr;
    unsigned long long refused;
    gw_conns_stats (cs, SA (ss), &total, &of_addr, &refused);
    return of_addr;
}

START_TEST (test_keys)
{
    unsigned char a[16], b[16];
    struct sockaddr_storage v4 = addr_of ("192.0.2.7"), mapped = addr_of ("::ffff:192.0.2.7");
    ck_assert_int_eq (gw_conns_key (SA (v4), a), 0);
    ck_assert_int_eq (gw_conns_key (SA (mapped), b), 0);
    ck_assert_mem_eq (a, b, 16); /* an IPv4 client on a dual-stack socket is IPv4 */
    struct sockaddr_storage x = addr_of ("2001:db8:1:2:aaaa::1"),
                            y = addr_of ("2001:db8:1:2:bbbb::9");
    struct sockaddr_storage z = addr_of ("2001:db8:1:3::1");
    ck_assert_int_eq (gw_conns_key (SA (x), a), 0);
    ck_assert_int_eq (gw_conns_key (SA (y), b), 0);
    ck_assert_mem_eq (a, b, 16); /* one /64 */
    gw_conns_key (SA (z), b);
    ck_assert (memcmp (a, b, 16) != 0);
    struct sockaddr_storage other;
    memset (&other, 0, sizeof other);
    other.ss_family = AF_UNIX;
    ck_assert_int_eq (gw_conns_key (SA (other), a), -1);
}
END_TEST

START_TEST (test_limits_per_address_and_in_total)
{
    gw_conns_limits lim = {.max_total = 5, .per_addr = 3, .header_ms = 1000, .body_ms = 1000};
    gw_conns *cs = gw_conns_new (&lim);
    gw_conn_set *set = gw_conn_set_new (cs);
    ck_assert_ptr_nonnull (cs);
    ck_assert_ptr_nonnull (set);
    gw_conn *a[4], *b[3];
    for (int i = 0; i < 3; i++)
        ck_assert_ptr_nonnull (a[i] = open_from (cs, set, "192.0.2.1"));
    ck_assert_ptr_null (a[3] = open_from (cs, set, "192.0.2.1")); /* its 4th */
    ck_assert_ptr_nonnull (b[0] = open_from (cs, set, "2001:db8::1"));
    ck_assert_ptr_nonnull (b[1] = open_from (cs, set, "2001:db8::2:1")); /* the same /64 */
    ck_assert_uint_eq (open_of (cs, "2001:db8::77"), 2);
    ck_assert_ptr_null (b[2] = open_from (cs, set, "198.51.100.1")); /* the total is 5 */
    /* One ends: its address and the total have room again. */
    gw_conn_end (&a[0]);
    ck_assert_ptr_null (a[0]);
    ck_assert_uint_eq (open_of (cs, "192.0.2.1"), 2);
    ck_assert_ptr_nonnull (b[2] = open_from (cs, set, "198.51.100.1"));
    unsigned total, of_addr;
    unsigned long long refused;
    gw_conns_stats (cs, NULL, &total, &of_addr, &refused);
    ck_assert_uint_eq (total, 5);
    ck_assert_uint_eq (refused, 2);
    gw_conn_end (&a[1]);
    gw_conn_end (&a[2]);
    gw_conn_end (&b[0]);
    gw_conn_end (&b[1]);
    gw_conn_end (&b[2]);
    gw_conns_stats (cs, NULL, &total, &of_addr, &refused);
    ck_assert_uint_eq (total, 0);
    ck_assert_uint_eq (open_of (cs, "192.0.2.1"), 0);
    gw_conn_set_destroy (&set);
    gw_conns_destroy (&cs);
    ck_assert_ptr_null (cs);
}
END_TEST

START_TEST (test_proxies_count_in_the_total_only)
{
    gw_proxies proxies;
    char err[100];
    ck_assert_int_eq (gw_proxies_parse ("10.0.0.0/8", &proxies, err, sizeof err), 0);
    gw_conns_limits lim = {
        .max_total = 6, .per_addr = 2, .header_ms = 1000, .body_ms = 1000, .exempt = &proxies};
    gw_conns *cs = gw_conns_new (&lim);
    gw_conn_set *set = gw_conn_set_new (cs);
    gw_conn *c[6];
    for (int i = 0; i < 5; i++)
        ck_assert_ptr_nonnull (c[i] = open_from (cs, set, "10.1.2.3"));
    ck_assert_ptr_nonnull (c[5] = open_from (cs, set, "192.0.2.9"));
    ck_assert_ptr_null (open_from (cs, set, "10.1.2.3")); /* the total */
    for (int i = 0; i < 6; i++)
        gw_conn_end (&c[i]);
    /* Without a limit per address, only the total counts. */
    gw_conn_set_destroy (&set);
    gw_conns_destroy (&cs);
    lim.per_addr = 0;
    lim.exempt = NULL;
    cs = gw_conns_new (&lim);
    set = gw_conn_set_new (cs);
    for (int i = 0; i < 6; i++)
        ck_assert_ptr_nonnull (c[i] = open_from (cs, set, "192.0.2.9"));
    ck_assert_ptr_null (open_from (cs, set, "192.0.2.10"));
    for (int i = 0; i < 6; i++)
        gw_conn_end (&c[i]);
    gw_conn_set_destroy (&set);
    gw_conns_destroy (&cs);
    gw_proxies_free (&proxies);
}
END_TEST

/* Many addresses come and go in random order: every count stays exact
 * (the table's deletions shift entries back correctly). */
START_TEST (test_counts_under_churn)
{
    enum { ADDRS = 300, MAX = 2000, PER = 4, STEPS = 20000 };
    gw_conns_limits lim = {.max_total = MAX, .per_addr = PER, .header_ms = 1000, .body_ms = 1000};
    gw_conns *cs = gw_conns_new (&lim);
    gw_conn_set *set = gw_conn_set_new (cs);
    static gw_conn *open[ADDRS][PER];
    unsigned expect[ADDRS] = {0};
    srand (7);
    for (int step = 0; step < STEPS; step++) {
        int a = rand () % ADDRS;
        char text[32];
        snprintf (text, sizeof text, "10.%d.%d.1", a / 200, a % 200);
        if (rand () % 2 && expect[a] > 0) {
            gw_conn_end (&open[a][--expect[a]]);
        } else {
            gw_conn *c = open_from (cs, set, text);
            ck_assert_int_eq (c != NULL, expect[a] < PER);
            if (c)
                open[a][expect[a]++] = c;
        }
        if (step % 997 == 0)
            for (int k = 0; k < ADDRS; k++) {
                snprintf (text, sizeof text, "10.%d.%d.1", k / 200, k % 200);
                ck_assert_uint_eq (open_of (cs, text), expect[k]);
            }
    }
    for (int a = 0; a < ADDRS; a++)
        while (expect[a])
            gw_conn_end (&open[a][--expect[a]]);
    unsigned total, of_addr;
    unsigned long long refused;
    gw_conns_stats (cs, NULL, &total, &of_addr, &refused);
    ck_assert_uint_eq (total, 0);
    gw_conn_set_destroy (&set);
    gw_conns_destroy (&cs);
}
END_TEST

typedef struct {
    gw_conn *closed[8];
    int n;
} closes;

static void record_close (gw_conn *c, void *cls)
{
    closes *k = cls;
    ck_assert_int_lt (k->n, 8);
    k->closed[k->n++] = c;
}

START_TEST (test_deadlines)
{
    gw_conns_limits lim = {.max_total = 10, .per_addr = 10, .header_ms = 1000, .body_ms = 3000};
    gw_conns *cs = gw_conns_new (&lim);
    gw_conn_set *set = gw_conn_set_new (cs);
    struct sockaddr_storage ss = addr_of ("192.0.2.1");
    closes k = {0};
    ck_assert (gw_conns_admit (cs, SA (ss)));
    gw_conn *drip = gw_conn_start (set, SA (ss), -1, 0); /* headers due at 1000 */
    ck_assert (gw_conns_admit (cs, SA (ss)));
    gw_conn *fast = gw_conn_start (set, SA (ss), -1, 200);
    ck_assert (gw_conns_admit (cs, SA (ss)));
    gw_conn *body = gw_conn_start (set, SA (ss), -1, 300);
    ck_assert_int_eq (gw_conn_set_expire (set, 100, 5000, record_close, &k), 900);
    gw_conn_headers_in (fast, 400, 0); /* a GET: no deadline while answered */
    gw_conn_headers_in (body, 500, 1); /* a body: due at 3500 */
    ck_assert_int_eq (gw_conn_set_expire (set, 999, 5000, record_close, &k), 1);
    ck_assert_int_eq (k.n, 0);
    /* Whatever trickled in, the dripping one is closed at its deadline. */
    ck_assert_int_eq (gw_conn_set_expire (set, 1000, 5000, record_close, &k), 2500);
    ck_assert_int_eq (k.n, 1);
    ck_assert_ptr_eq (k.closed[0], drip);
    ck_assert_int_eq (drip->closing, 1);
    /* Closed once: its answer's end (MHD completes it) sets no deadline. */
    gw_conn_answered (drip, 1100);
    ck_assert_int_eq (gw_conn_set_expire (set, 5000, 5000, record_close, &k), 5000);
    ck_assert_int_eq (k.n, 2);
    ck_assert_ptr_eq (k.closed[1], body); /* its body was not in by 3500 */
    /* The answered one waits for its next request's headers. */
    gw_conn_answered (fast, 5000);
    unsigned waiting;
    unsigned long long expired;
    gw_conn_set_stats (set, &waiting, &expired);
    ck_assert_uint_eq (waiting, 1);
    ck_assert_uint_eq (expired, 2);
    gw_conn_headers_in (fast, 5500, 1);
    gw_conn_request_in (fast); /* its body in */
    ck_assert_int_eq (gw_conn_set_expire (set, 60000, 777, record_close, &k), 777);
    ck_assert_int_eq (k.n, 2);
    gw_conn_end (&drip);
    gw_conn_end (&fast);
    gw_conn_end (&body);
    gw_conn_set_stats (set, &waiting, &expired);
    ck_assert_uint_eq (waiting, 0);
    gw_conn_set_destroy (&set);
    gw_conns_destroy (&cs);
}
END_TEST

Suite *conns_suite (void)
{
    Suite *s = suite_create ("conns");
    TCase *tc = tcase_create ("conns");
    tcase_add_test (tc, test_keys);
    tcase_add_test (tc, test_limits_per_address_and_in_total);
    tcase_add_test (tc, test_proxies_count_in_the_total_only);
    tcase_add_test (tc, test_counts_under_churn);
    tcase_add_test (tc, test_deadlines);
    suite_add_tcase (s, tc);
    return s;
}
