/* pool: the bounded pool of heavy work (core/pool.h): jobs run on its
 * threads and tell their owners; beyond the queue a job is refused at
 * once; a job given up while queued is dropped without running, while
 * running after it, and a ready one stays its owner's; stopping drops what
 * never ran. The requests' side (suspend, resume) is tested end to end
 * (tests/e2e/test_abuse.sh). */
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "core/pool.h"
#include "suites.h"

typedef struct {
    gw_job job; /* first */
    atomic_int *gate; /* work waits while it is 0 */
    atomic_int started, worked, readied, dropped;
} test_job;

static void job_work (gw_job *job)
{
    test_job *t = (test_job *) job;
    atomic_store (&t->started, 1);
    for (int i = 0; t->gate && !atomic_load (t->gate) && i < 5000; i++)
        usleep (1000);
    atomic_store (&t->worked, 1);
}
static void job_ready (gw_job *job) { atomic_store (&((test_job *) job)->readied, 1); }
static void job_drop (gw_job *job) { atomic_store (&((test_job *) job)->dropped, 1); }

static void job_init (test_job *t, atomic_int *gate)
{
    memset (t, 0, sizeof *t);
    t->job.work = job_work;
    t->job.ready = job_ready;
    t->job.drop = job_drop;
    t->gate = gate;
}

/* Waits up to 5 s for *flag. */
static int eventually (atomic_int *flag)
{
    for (int i = 0; i < 5000 && !atomic_load (flag); i++)
        usleep (1000);
    return atomic_load (flag);
}

START_TEST (test_jobs_run_and_the_queue_is_bounded)
{
    gw_pool *p = gw_pool_new ("test pool", 1, 2);
    ck_assert_ptr_nonnull (p);
    atomic_int gate = 0;
    test_job j[4];
    for (int i = 0; i < 4; i++)
        job_init (&j[i], &gate);
    ck_assert_int_eq (gw_pool_post (p, &j[0].job), 0);
    ck_assert (eventually (&j[0].started)); /* the one thread is busy */
    ck_assert_int_eq (gw_pool_post (p, &j[1].job), 0);
    ck_assert_int_eq (gw_pool_post (p, &j[2].job), 0);
    ck_assert_int_eq (gw_pool_post (p, &j[3].job), -1); /* the queue holds 2 */
    unsigned queued, running;
    unsigned long long refused;
    gw_pool_stats (p, &queued, &running, &refused);
    ck_assert_uint_eq (queued, 2);
    ck_assert_uint_eq (running, 1);
    ck_assert_uint_eq (refused, 1);
    atomic_store (&gate, 1);
    for (int i = 0; i < 3; i++) {
        ck_assert (eventually (&j[i].readied));
        ck_assert_int_eq (atomic_load (&j[i].worked), 1);
        ck_assert_int_eq (atomic_load (&j[i].dropped), 0);
    }
    ck_assert_int_eq (atomic_load (&j[3].started), 0);
    /* Room again. */
    ck_assert_int_eq (gw_pool_post (p, &j[3].job), 0);
    ck_assert (eventually (&j[3].readied));
    gw_pool_destroy (&p);
    ck_assert_ptr_null (p);
    gw_pool_destroy (&p); /* idempotent */
}
END_TEST

START_TEST (test_abandoned_jobs_are_dropped)
{
    gw_pool *p = gw_pool_new ("test pool", 1, 4);
    ck_assert_ptr_nonnull (p);
    atomic_int gate = 0;
    test_job running, queued, done;
    job_init (&running, &gate);
    job_init (&queued, &gate);
    job_init (&done, NULL);
    ck_assert_int_eq (gw_pool_post (p, &running.job), 0);
    ck_assert (eventually (&running.started));
    ck_assert_int_eq (gw_pool_post (p, &queued.job), 0);
    /* Queued: dropped at once, never run. */
    ck_assert_int_eq (gw_pool_abandon (&queued.job), 1);
    ck_assert_int_eq (atomic_load (&queued.dropped), 1);
    /* Running: dropped once its work is done, its owner not told. */
    ck_assert_int_eq (gw_pool_abandon (&running.job), 1);
    ck_assert_int_eq (atomic_load (&running.dropped), 0);
    atomic_store (&gate, 1);
    ck_assert (eventually (&running.dropped));
    ck_assert_int_eq (atomic_load (&running.worked), 1);
    ck_assert_int_eq (atomic_load (&running.readied), 0);
    ck_assert_int_eq (atomic_load (&queued.started), 0);
    /* Ready: the owner keeps it. */
    ck_assert_int_eq (gw_pool_post (p, &done.job), 0);
    ck_assert (eventually (&done.readied));
    ck_assert_int_eq (gw_pool_abandon (&done.job), 0);
    ck_assert_int_eq (atomic_load (&done.dropped), 0);
    unsigned q, r;
    unsigned long long refused;
    gw_pool_stats (p, &q, &r, &refused);
    ck_assert_uint_eq (q + r, 0);
    gw_pool_destroy (&p);
}
END_TEST

START_TEST (test_stopping_drops_what_never_ran)
{
    gw_pool *p = gw_pool_new ("test pool", 2, 8);
    ck_assert_ptr_nonnull (p);
    atomic_int gate = 0;
    test_job j[6];
    for (int i = 0; i < 6; i++) {
        job_init (&j[i], &gate);
        ck_assert_int_eq (gw_pool_post (p, &j[i].job), 0);
    }
    ck_assert (eventually (&j[0].started));
    ck_assert (eventually (&j[1].started));
    atomic_store (&gate, 1);
    gw_pool_destroy (&p);
    int ran = 0, dropped = 0;
    for (int i = 0; i < 6; i++) {
        /* Each job either ran and told its owner, or was dropped unrun. */
        ck_assert_int_eq (atomic_load (&j[i].readied) + atomic_load (&j[i].dropped), 1);
        ck_assert_int_eq (atomic_load (&j[i].worked), atomic_load (&j[i].readied));
        ran += atomic_load (&j[i].readied);
        dropped += atomic_load (&j[i].dropped);
    }
    ck_assert_int_ge (ran, 2);
    ck_assert_int_eq (ran + dropped, 6);
}
END_TEST

Suite *pool_suite (void)
{
    Suite *s = suite_create ("pool");
    TCase *tc = tcase_create ("pool");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_jobs_run_and_the_queue_is_bounded);
    tcase_add_test (tc, test_abandoned_jobs_are_dropped);
    tcase_add_test (tc, test_stopping_drops_what_never_ran);
    suite_add_tcase (s, tc);
    return s;
}
