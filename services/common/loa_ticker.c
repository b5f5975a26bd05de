#include "loa_ticker.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loa_db.h"
#include "loa_log.h"

/* The first run waits this long after the start: the service's other
 * threads (and, at start-up, its subscribers' replay) go first. */
#define FIRST_RUN_MS 200
#define CONNECT_WAIT_MS 2000

struct loa_ticker {
    char *service, *name, *db_url, *app_name;
    int interval_ms;
    int (*prepare) (PGconn *db);
    loa_tick_fn fn;
    void *arg;
    pthread_t thread;
    int started;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* signalled to stop; waited on with CLOCK_MONOTONIC */
    int stop;
    unsigned long runs;
};

loa_ticker *loa_ticker_new (const char *service, const char *name, const char *db_url,
                            int interval_ms, int (*prepare) (PGconn *db), loa_tick_fn fn, void *arg)
{
    loa_ticker *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    size_t app_len = strlen (service) + strlen (name) + 2;
    self->service = strdup (service);
    self->name = strdup (name);
    self->db_url = strdup (db_url);
    self->app_name = malloc (app_len);
    pthread_condattr_t attr;
    int cond_ok = pthread_condattr_init (&attr) == 0;
    if (cond_ok) {
        pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
        cond_ok = pthread_cond_init (&self->wake, &attr) == 0;
        pthread_condattr_destroy (&attr);
    }
    if (!self->service || !self->name || !self->db_url || !self->app_name || !cond_ok ||
        pthread_mutex_init (&self->lock, NULL) != 0) {
        if (cond_ok)
            pthread_cond_destroy (&self->wake);
        free (self->service);
        free (self->name);
        free (self->db_url);
        free (self->app_name);
        free (self);
        return NULL;
    }
    snprintf (self->app_name, app_len, "%s/%s", service, name);
    self->interval_ms = interval_ms > 0 ? interval_ms : 1;
    self->prepare = prepare;
    self->fn = fn;
    self->arg = arg;
    return self;
}

/* Waits `ms` or until told to stop. 1 when told to stop. */
static int sleep_or_stop (loa_ticker *self, int ms)
{
    struct timespec until;
    clock_gettime (CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long) (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock (&self->lock);
    while (!self->stop && pthread_cond_timedwait (&self->wake, &self->lock, &until) == 0)
        ;
    int stop = self->stop;
    pthread_mutex_unlock (&self->lock);
    return stop;
}

static void *ticker_run (void *arg)
{
    loa_ticker *self = arg;
    PGconn *db = NULL;
    int prepared_pid = 0;
    int wait_ms = FIRST_RUN_MS;
    while (!sleep_or_stop (self, wait_ms)) {
        wait_ms = self->interval_ms;
        if (!db)
            db = loa_db_connect (self->db_url, self->app_name, CONNECT_WAIT_MS);
        /* Prepared again in a session other than the one they were
         * prepared in: a reset on the way (loa_db_tx) keeps the connection
         * but not its statements. */
        if (db && PQbackendPID (db) != prepared_pid) {
            prepared_pid = PQbackendPID (db);
            if (self->prepare && self->prepare (db) != 0) {
                PQfinish (db);
                db = NULL;
                prepared_pid = 0;
            }
        }
        if (!db) {
            loa_warn (NULL, "%s: %s: no database; trying again in %d ms", self->service, self->name,
                      wait_ms);
            continue;
        }
        int rc = self->fn (db, self->arg);
        pthread_mutex_lock (&self->lock);
        self->runs++;
        pthread_mutex_unlock (&self->lock);
        /* A failed run on a broken connection: start afresh next time (the
         * statements are prepared again on the new connection). */
        if (rc != 0 && PQstatus (db) != CONNECTION_OK) {
            PQfinish (db);
            db = NULL;
        }
    }
    if (db)
        PQfinish (db);
    return NULL;
}

int loa_ticker_start (loa_ticker *self)
{
    if (pthread_create (&self->thread, NULL, ticker_run, self) != 0) {
        loa_error (NULL, "%s: %s: cannot start its thread", self->service, self->name);
        return -1;
    }
    self->started = 1;
    return 0;
}

unsigned long loa_ticker_runs (loa_ticker *self)
{
    pthread_mutex_lock (&self->lock);
    unsigned long runs = self->runs;
    pthread_mutex_unlock (&self->lock);
    return runs;
}

void loa_ticker_destroy (loa_ticker **pself)
{
    loa_ticker *self = *pself;
    if (!self)
        return;
    if (self->started) {
        pthread_mutex_lock (&self->lock);
        self->stop = 1;
        pthread_cond_signal (&self->wake);
        pthread_mutex_unlock (&self->lock);
        pthread_join (self->thread, NULL);
    }
    pthread_cond_destroy (&self->wake);
    pthread_mutex_destroy (&self->lock);
    free (self->service);
    free (self->name);
    free (self->db_url);
    free (self->app_name);
    free (self);
    *pself = NULL;
}
