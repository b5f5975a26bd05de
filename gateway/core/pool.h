/* pool: a small, bounded pool of threads for work too heavy for an HTTP
 * loop (argon2id: 64 MiB and tens of milliseconds per password). A
 * handler hands a job to the pool with its connection suspended, the loop
 * serves other connections meanwhile, and the job's end resumes the
 * request, whose continuation answers (core/loop.h's wait). Beyond the
 * queue's length a job is refused at once: the caller answers 503 with
 * Retry-After rather than hold a thread.
 *
 * A job is a struct of the caller's whose first member is a gw_job. The
 * pool owns it from gw_pool_post (or gw_pool_run) until it is ready and
 * taken back; a job whose owner left first (the request ended, its wait
 * timed out) is dropped by the pool with its `drop`, after its work or
 * instead of it. */
#ifndef GW_POOL_H
#define GW_POOL_H

#include "gw.h"

typedef struct gw_pool gw_pool;
typedef struct gw_job gw_job;

struct gw_job {
    void (*work) (gw_job *job); /* on a pool thread */
    /* On the pool thread once `work` is done, under the pool's lock, unless
     * the job was abandoned: tells its owner (gw_pool_run: wakes the
     * request). */
    void (*ready) (gw_job *job);
    void (*drop) (gw_job *job); /* frees an abandoned job (any thread) */
    /* The pool's own. */
    gw_job *next;
    int state;
    gw_request *req; /* gw_pool_run's */
    gw_pool *pool;
};

/* Starts `threads` threads (named `name` in logs) taking jobs from a
 * queue of at most `queue_max` waiting jobs. NULL on failure (logged). */
gw_pool *gw_pool_new (const char *name, unsigned threads, unsigned queue_max);

/* Stops the threads once their jobs are done; jobs still queued are
 * dropped. Idempotent; NULLs *pself. */
void gw_pool_destroy (gw_pool **pself);

/* Queues `job` (its work, ready and drop set): 0, or -1 when the queue
 * is full or the pool stopping (the job is still the caller's). */
int gw_pool_post (gw_pool *self, gw_job *job);

/* The owner gives up a job: 1 when the pool drops it (now if it was
 * still queued, after its work if running); 0 when it is ready already
 * (its `ready` ran): the owner keeps it. */
int gw_pool_abandon (gw_job *job);

/* 1 when a job posted now would be queued (a hint: another thread may
 * take the room first). */
int gw_pool_room (gw_pool *self);

/* Jobs waiting and running now, and jobs refused so far (queue full). */
void gw_pool_stats (gw_pool *self, unsigned *queued, unsigned *running,
                    unsigned long long *refused);

/* From a handler on a loop thread: posts `job` for `req` and suspends its
 * connection until the job is ready or `wait_ms` has passed; `then` runs
 * then, and takes the job with gw_pool_take. 0, or -1 when the pool
 * refuses it (full, stopping) or the request cannot wait (not on a loop):
 * the job is still the caller's, who answers 503 (gw_pool_busy). */
int gw_pool_run (gw_pool *self, gw_request *req, gw_job *job, int wait_ms, gw_handler then);

/* In `then`: the request's job, ready (the caller's again), or NULL when it
 * was not ready in time or the loop is stopping (the pool drops it). */
gw_job *gw_pool_take (gw_request *req);

/* For core/http.c, when a request ends: a job it still holds is given up,
 * or dropped when ready but not taken. */
void gw_pool_forget (gw_request *req);

/* 503 with Retry-After: `retry_s`, for a job the pool refused. */
enum MHD_Result gw_pool_busy (gw_request *req, long retry_s);

#endif
