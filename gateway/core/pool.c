/* pool: a bounded pool of threads for heavy work (pool.h). */
#include "core/pool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/loop.h"
#include "core/metrics.h"
#include "core/respond.h"
#include "loa_log.h"

enum { QUEUED = 1, RUNNING, READY, ABANDONED };

struct gw_pool {
    pthread_mutex_t lock;
    pthread_cond_t more;
    gw_job *head, *tail; /* the queue, oldest first */
    unsigned queued, queue_max, running;
    unsigned long long refused;
    int stop;
    unsigned n;
    pthread_t *threads;
    char name[32];
};

static void *run (void *arg)
{
    gw_pool *p = arg;
    pthread_mutex_lock (&p->lock);
    for (;;) {
        while (!p->stop && !p->head)
            pthread_cond_wait (&p->more, &p->lock);
        if (p->stop)
            break;
        gw_job *job = p->head;
        p->head = job->next;
        if (!p->head)
            p->tail = NULL;
        p->queued--;
        p->running++;
        job->next = NULL;
        job->state = RUNNING;
        pthread_mutex_unlock (&p->lock);
        job->work (job);
        pthread_mutex_lock (&p->lock);
        p->running--;
        if (job->state == ABANDONED) {
            pthread_mutex_unlock (&p->lock);
            job->drop (job);
            pthread_mutex_lock (&p->lock);
        } else {
            job->state = READY;
            job->ready (job);
        }
    }
    pthread_mutex_unlock (&p->lock);
    return NULL;
}

gw_pool *gw_pool_new (const char *name, unsigned threads, unsigned queue_max)
{
    gw_pool *p = calloc (1, sizeof *p);
    if (!p)
        return NULL;
    snprintf (p->name, sizeof p->name, "%s", name);
    pthread_mutex_init (&p->lock, NULL);
    pthread_cond_init (&p->more, NULL);
    p->queue_max = queue_max;
    p->threads = calloc (threads ? threads : 1, sizeof *p->threads);
    if (!p->threads) {
        gw_pool_destroy (&p);
        return NULL;
    }
    for (; p->n < threads; p->n++)
        if (pthread_create (&p->threads[p->n], NULL, run, p) != 0) {
            loa_error (NULL, "%s: cannot start a thread", p->name);
            gw_pool_destroy (&p);
            return NULL;
        }
    return p;
}

void gw_pool_destroy (gw_pool **pself)
{
    gw_pool *p = pself ? *pself : NULL;
    if (!p)
        return;
    pthread_mutex_lock (&p->lock);
    p->stop = 1;
    pthread_cond_broadcast (&p->more);
    pthread_mutex_unlock (&p->lock);
    for (unsigned i = 0; i < p->n; i++)
        pthread_join (p->threads[i], NULL);
    /* What nobody ran: its owners are gone (the loops stopped first). */
    for (gw_job *job = p->head, *next; job; job = next) {
        next = job->next;
        job->drop (job);
    }
    pthread_cond_destroy (&p->more);
    pthread_mutex_destroy (&p->lock);
    free (p->threads);
    free (p);
    *pself = NULL;
}

/* Under the lock. */
static int enqueue (gw_pool *p, gw_job *job)
{
    if (p->stop || p->queued >= p->queue_max) {
        p->refused++;
        return -1;
    }
    job->pool = p;
    job->next = NULL;
    job->state = QUEUED;
    if (p->tail)
        p->tail->next = job;
    else
        p->head = job;
    p->tail = job;
    p->queued++;
    pthread_cond_signal (&p->more);
    return 0;
}

int gw_pool_post (gw_pool *p, gw_job *job)
{
    pthread_mutex_lock (&p->lock);
    int rc = enqueue (p, job);
    pthread_mutex_unlock (&p->lock);
    return rc;
}

int gw_pool_abandon (gw_job *job)
{
    gw_pool *p = job->pool;
    pthread_mutex_lock (&p->lock);
    int state = job->state;
    if (state == QUEUED) {
        gw_job **at = &p->head, *prev = NULL;
        while (*at != job) {
            prev = *at;
            at = &(*at)->next;
        }
        *at = job->next;
        if (p->tail == job)
            p->tail = prev;
        p->queued--;
    } else if (state == RUNNING) {
        job->state = ABANDONED; /* its thread drops it */
    }
    pthread_mutex_unlock (&p->lock);
    if (state == QUEUED)
        job->drop (job);
    return state != READY;
}

int gw_pool_room (gw_pool *p)
{
    pthread_mutex_lock (&p->lock);
    int room = !p->stop && p->queued < p->queue_max;
    if (!room)
        p->refused++; /* the caller refuses its job */
    pthread_mutex_unlock (&p->lock);
    return room;
}

void gw_pool_stats (gw_pool *p, unsigned *queued, unsigned *running, unsigned long long *refused)
{
    pthread_mutex_lock (&p->lock);
    *queued = p->queued;
    *running = p->running;
    *refused = p->refused;
    pthread_mutex_unlock (&p->lock);
}

/* ------------------------------------------------------------ requests */

static void wake (gw_job *job) { gw_loop_wake (job->req); }

/* The wait's deadline passed (or the loop stops, or the request ends):
 * 1 when the job is given up, 0 when its wake is on its way. */
static int cancel (gw_request *req)
{
    gw_job *job = req->job;
    if (!job)
        return 1;
    if (!gw_pool_abandon (job))
        return 0;
    req->job = NULL;
    return 1;
}

int gw_pool_run (gw_pool *p, gw_request *req, gw_job *job, int wait_ms, gw_handler then)
{
    job->req = req;
    job->ready = wake;
    int rc = -1;
    pthread_mutex_lock (&p->lock);
    /* Suspended under the lock, so that the job's end (on a pool thread)
     * finds the request suspended. */
    if (!p->stop && p->queued < p->queue_max && gw_loop_wait (req, wait_ms, cancel, then) == 0) {
        req->job = job;
        rc = enqueue (p, job);
    } else if (!p->stop) {
        p->refused++;
    }
    pthread_mutex_unlock (&p->lock);
    return rc;
}

gw_job *gw_pool_take (gw_request *req)
{
    gw_job *job = req->job;
    req->job = NULL;
    return job;
}

void gw_pool_forget (gw_request *req)
{
    gw_job *job = req->job;
    req->job = NULL;
    if (job && !gw_pool_abandon (job))
        job->drop (job); /* ready, never taken */
}

enum MHD_Result gw_pool_busy (gw_request *req, long retry_s)
{
    gw_metrics_guard (GW_GUARD_HASH_BUSY);
    char retry[24];
    snprintf (retry, sizeof retry, "%ld", retry_s);
    return gw_respond_problem_with (req, 503, "Hệ thống đang bận; vui lòng thử lại sau giây lát",
                                    NULL, MHD_HTTP_HEADER_RETRY_AFTER, retry);
}
