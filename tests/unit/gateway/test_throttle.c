/* throttle: the sliding window (exact limit, exact Retry-After, refusals
 * not recorded), keys (route, address, IPv6 /64), the fixed table (expired
 * entries reused, the oldest evicted, never more memory), threads. */
#include <pthread.h>
#include <stdio.h>

#include "core/throttle.h"
#include "suites.h"

#define MS(s) ((int64_t) (s) *1000)

START_TEST (test_limit_and_retry_after)
{
    gw_throttle *t = gw_throttle_new (3, 60, 1 << 20);
    ck_assert_ptr_nonnull (t);
    int64_t t0 = MS (1000);
    ck_assert_int_eq (gw_throttle_hit (t, 1, "192.0.2.1", t0), 0);
    ck_assert_int_eq (gw_throttle_hit (t, 1, "192.0.2.1", t0 + MS (10)), 0);
    ck_assert_int_eq (gw_throttle_hit (t, 1, "192.0.2.1", t0 + MS (20)), 0);
    /* The 4th: the oldest leaves the window at t0 + 60 s. */
    ck_assert_int_eq (gw_throttle_hit (t, 1, "192.0.2.1", t0 + MS (30)), 30);
    ck_assert_int_eq (gw_throttle_hit (t, 1, "192.0.2.1", t0 + MS (30) + 1), 30); /* rounded up */
    /* Refusals are not recorded: retrying does not push the wait further. */
    ck_assert_int_eq (gw_throttle_hit (t, 1, "192.0.2.1", t0 + MS (59) + 1), 1);
    ck_assert_int_eq (gw_throttle_hit (t, 1, "192.0.2.1", t0 + MS (60)), 0);
    /* Again 3 in the window (t0 + 10, + 20, + 60): the next waits for t0 + 10 to leave. */
    ck_assert_int_eq (gw_throttle_hit (t, 1, "192.0.2.1", t0 + MS (61)), 9);
    unsigned long long refused, evicted;
    gw_throttle_stats (t, &refused, &evicted);
    ck_assert_uint_eq (refused, 4);
    ck_assert_uint_eq (evicted, 0);
    gw_throttle_destroy (&t);
    ck_assert_ptr_null (t);
    gw_throttle_destroy (&t); /* idempotent */
}
END_TEST

START_TEST (test_never_more_than_limit_in_any_window)
{
    /* Requests every 700 ms for 10 minutes: count what is admitted in each
     * sliding window of 60 s. */
    gw_throttle *t = gw_throttle_new (20, 60, 1 << 20);
    int64_t admitted[1000];
    int n = 0;
    for (int64_t now = MS (5); now < MS (605); now += 700)
        if (gw_throttle_hit (t, 0, "198.51.100.7", now) == 0)
            admitted[n++] = now;
    ck_assert_int_ge (n, 190); /* about 20 per minute over 10 minutes */
    for (int i = 0; i + 20 < n; i++)
        ck_assert_int_ge (admitted[i + 20] - admitted[i], MS (60));
    gw_throttle_destroy (&t);
}
END_TEST

START_TEST (test_keys)
{
    gw_throttle *t = gw_throttle_new (1, 600, 1 << 20);
    ck_assert_int_eq (gw_throttle_hit (t, 1, "203.0.113.5", 0), 0);
    ck_assert_int_eq (gw_throttle_hit (t, 1, "203.0.113.5", 1), 600);
    ck_assert_int_eq (gw_throttle_hit (t, 2, "203.0.113.5", 2), 0); /* another route */
    ck_assert_int_eq (gw_throttle_hit (t, 1, "203.0.113.6", 3), 0); /* another address */
    /* The same IPv4 client written as an IPv4-mapped IPv6 address. */
    ck_assert_int_gt (gw_throttle_hit (t, 1, "::ffff:203.0.113.5", 4), 0);
    /* IPv6: one /64 is one client. */
    ck_assert_int_eq (gw_throttle_hit (t, 1, "2001:db8:1:2::1", 5), 0);
    ck_assert_int_gt (gw_throttle_hit (t, 1, "2001:db8:1:2:abcd::99", 6), 0);
    ck_assert_int_eq (gw_throttle_hit (t, 1, "2001:db8:1:3::1", 7), 0);
    /* Unparseable addresses share one key. */
    ck_assert_int_eq (gw_throttle_hit (t, 1, "", 8), 0);
    ck_assert_int_gt (gw_throttle_hit (t, 1, "not an address", 9), 0);
    ck_assert_int_gt (gw_throttle_hit (t, 1, NULL, 10), 0);
    gw_throttle_destroy (&t);
}
END_TEST

START_TEST (test_fixed_table)
{
    /* The smallest table: one set of 8 entries. */
    gw_throttle *t = gw_throttle_new (2, 10, 1);
    ck_assert_uint_eq (gw_throttle_capacity (t), 8);
    char addr[32];
    for (int i = 0; i < 8; i++) {
        snprintf (addr, sizeof addr, "10.0.0.%d", i);
        ck_assert_int_eq (gw_throttle_hit (t, 0, addr, MS (i)), 0);
        ck_assert_int_eq (gw_throttle_hit (t, 0, addr, MS (i)), 0);
        ck_assert_int_gt (gw_throttle_hit (t, 0, addr, MS (i)), 0);
    }
    /* Full of live entries: a new client evicts the oldest (10.0.0.0). */
    ck_assert_int_eq (gw_throttle_hit (t, 0, "10.0.1.1", MS (8)), 0);
    unsigned long long refused, evicted;
    gw_throttle_stats (t, &refused, &evicted);
    ck_assert_uint_eq (evicted, 1);
    ck_assert_int_eq (gw_throttle_hit (t, 0, "10.0.0.0", MS (8)), 0); /* forgotten: fresh */
    gw_throttle_stats (t, &refused, &evicted);
    ck_assert_uint_eq (evicted, 2); /* it took 10.0.0.1's entry */
    ck_assert_int_gt (gw_throttle_hit (t, 0, "10.0.0.7", MS (8)), 0); /* remembered */
    /* Once the window has passed, entries are reused without evicting. */
    for (int i = 0; i < 100; i++) {
        snprintf (addr, sizeof addr, "10.0.2.%d", i);
        ck_assert_int_eq (gw_throttle_hit (t, 0, addr, MS (100 + 20 * i)), 0);
    }
    gw_throttle_stats (t, &refused, &evicted);
    ck_assert_uint_eq (evicted, 2);
    ck_assert_uint_eq (gw_throttle_capacity (t), 8);
    gw_throttle_destroy (&t);
}
END_TEST

START_TEST (test_bad_arguments)
{
    ck_assert_ptr_null (gw_throttle_new (0, 60, 1 << 20));
    ck_assert_ptr_null (gw_throttle_new (GW_THROTTLE_MAX_LIMIT + 1, 60, 1 << 20));
    ck_assert_ptr_null (gw_throttle_new (5, 0, 1 << 20));
    gw_throttle *t = gw_throttle_new (20, 600, 8u << 20);
    ck_assert_uint_eq (gw_throttle_limit (t), 20);
    ck_assert_uint_eq (gw_throttle_window_s (t), 600);
    ck_assert_uint_ge (gw_throttle_capacity (t), 40000); /* 8 MiB at 192 B an entry */
    gw_throttle_destroy (&t);
}
END_TEST

typedef struct {
    gw_throttle *t;
    int id;
    int admitted;
} worker_arg;

static void *worker (void *p)
{
    worker_arg *a = p;
    char addr[32];
    for (int i = 0; i < 20000; i++) {
        /* 50 addresses shared by every thread, plus addresses of its own. */
        if (i % 2)
            snprintf (addr, sizeof addr, "172.16.0.%d", (i / 2) % 50);
        else
            snprintf (addr, sizeof addr, "172.17.%d.%d", a->id, i % 200);
        if (gw_throttle_hit (a->t, 3, addr, MS (1)) == 0 && i % 2)
            a->admitted++;
    }
    return NULL;
}

START_TEST (test_threads)
{
    gw_throttle *t = gw_throttle_new (7, 60, 16u << 20);
    pthread_t th[8];
    worker_arg args[8];
    for (int i = 0; i < 8; i++) {
        args[i] = (worker_arg){t, i, 0};
        pthread_create (&th[i], NULL, worker, &args[i]);
    }
    int total = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join (th[i], NULL);
        total += args[i].admitted;
    }
    /* The 50 shared addresses: exactly 7 each, whatever the interleaving. */
    ck_assert_int_eq (total, 50 * 7);
    gw_throttle_destroy (&t);
}
END_TEST

Suite *throttle_suite (void)
{
    Suite *s = suite_create ("throttle");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_limit_and_retry_after);
    tcase_add_test (tc, test_never_more_than_limit_in_any_window);
    tcase_add_test (tc, test_keys);
    tcase_add_test (tc, test_fixed_table);
    tcase_add_test (tc, test_bad_arguments);
    tcase_add_test (tc, test_threads);
    suite_add_tcase (s, tc);
    return s;
}
