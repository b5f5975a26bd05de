#include "loa_notifier.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loa_db.h"
#include "loa_log.h"

/* A NOTIFY channel is an identifier: at most NAMEDATALEN - 1 bytes. */
#define CHANNEL_MAX 63
/* Channels one transaction marks: a service writes events to one schema. */
#define MARKS_MAX 4
/* Distinct channels waiting for the thread; more are dropped (the relays'
 * poll covers them), which never happens with one schema per process. */
#define PENDING_MAX 16
/* At most one round of notifications per interval: under load, the
 * commits of a few milliseconds share one notification, and the relay one
 * move, instead of the relay waking for every commit. */
#define INTERVAL_MS 5
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

typedef char channel_name[CHANNEL_MAX + 1];

struct loa_notifier {
    char *service;
    char *db_url;

    pthread_mutex_t mu; /* guards what follows up to the thread's own state */
    pthread_cond_t cond; /* signalled on new channels and on stop */
    channel_name pending[PENDING_MAX];
    int n_pending;
    int stop;
    int running;
    pthread_t thread;
    atomic_ulong sent;

    PGconn *db; /* the thread's own */
};

/* The process's running notifier. Taken before a notifier's own mutex. */
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;
static loa_notifier *registry;

/* The calling thread's open transaction's channels. */
static _Thread_local struct {
    int n;
    channel_name ch[MARKS_MAX];
} marks;

static void add_pending (loa_notifier *self, const char *channel)
{
    for (int i = 0; i < self->n_pending; i++)
        if (strcmp (self->pending[i], channel) == 0)
            return;
    if (self->n_pending < PENDING_MAX)
        snprintf (self->pending[self->n_pending++], sizeof (channel_name), "%s", channel);
}

static void hand_over (const channel_name *channels, int n)
{
    pthread_mutex_lock (&registry_mu);
    loa_notifier *self = registry;
    if (self) {
        pthread_mutex_lock (&self->mu);
        for (int i = 0; i < n; i++)
            add_pending (self, channels[i]);
        pthread_cond_signal (&self->cond);
        pthread_mutex_unlock (&self->mu);
    }
    pthread_mutex_unlock (&registry_mu);
}

void loa_notifier_mark (const char *channel)
{
    if (strlen (channel) > CHANNEL_MAX)
        return;
    for (int i = 0; i < marks.n; i++)
        if (strcmp (marks.ch[i], channel) == 0)
            return;
    if (marks.n < MARKS_MAX)
        snprintf (marks.ch[marks.n++], sizeof (channel_name), "%s", channel);
}

void loa_notifier_tx_end (int committed)
{
    if (!marks.n)
        return;
    if (committed)
        hand_over (marks.ch, marks.n);
    marks.n = 0;
}

void loa_notifier_wake (const char *channel)
{
    channel_name one;
    if (strlen (channel) > CHANNEL_MAX)
        return;
    snprintf (one, sizeof one, "%s", channel);
    hand_over (&one, 1);
}

/* ------------------------------------------------------------ the thread */

static void notifier_disconnect (loa_notifier *self)
{
    PQfinish (self->db);
    self->db = NULL;
}

static int notifier_connect (loa_notifier *self)
{
    static const loa_stmt stmts[] = {{"loa_notify", "SELECT pg_notify($1, '')"}, {NULL, NULL}};
    char app[64];
    snprintf (app, sizeof app, "%s/notifier", self->service);
    self->db = loa_db_connect (self->db_url, app, 0);
    if (!self->db)
        return -1;
    /* The notification's own commit need not wait for its WAL flush: if it
     * is lost in a crash, the relays' poll moves the rows anyway. */
    if (loa_db_exec (self->db, "SET synchronous_commit = off") != 0 ||
        loa_db_prepare (self->db, stmts) != 0) {
        notifier_disconnect (self);
        return -1;
    }
    return 0;
}

/* Connects if needed, then notifies each channel. 0 or -1 (disconnected). */
static int notify_all (loa_notifier *self, const channel_name *channels, int n)
{
    if (!self->db && notifier_connect (self) != 0)
        return -1;
    for (int i = 0; i < n; i++) {
        const char *vals[] = {channels[i]};
        PGresult *res = PQexecPrepared (self->db, "loa_notify", 1, vals, NULL, NULL, 0);
        int ok = PQresultStatus (res) == PGRES_TUPLES_OK;
        if (!ok)
            loa_warn (NULL, "notifier: NOTIFY %s: %s", channels[i], loa_db_error (res));
        PQclear (res);
        if (!ok) {
            notifier_disconnect (self);
            return -1;
        }
        atomic_fetch_add (&self->sent, 1);
    }
    return 0;
}

/* Waits `ms` unless stopped (mu held). */
static void wait_ms (loa_notifier *self, int ms)
{
    struct timespec until;
    clock_gettime (CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long) (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (!self->stop && pthread_cond_timedwait (&self->cond, &self->mu, &until) != ETIMEDOUT)
        ;
}

static void *notifier_run (void *arg)
{
    loa_notifier *self = arg;
    channel_name batch[PENDING_MAX];
    int backoff = 0;
    pthread_mutex_lock (&self->mu);
    for (;;) {
        /* Connected and idle: sleep until a commit hands over a channel. */
        while (!self->stop && self->db && !self->n_pending)
            pthread_cond_wait (&self->cond, &self->mu);
        if (self->stop)
            break;
        /* Everything handed over until now goes in this round; whatever
         * arrives during it makes exactly one more round. */
        int n = self->n_pending;
        memcpy (batch, self->pending, (size_t) n * sizeof batch[0]);
        self->n_pending = 0;
        pthread_mutex_unlock (&self->mu);
        int rc = notify_all (self, batch, n);
        pthread_mutex_lock (&self->mu);
        if (rc == 0) {
            backoff = 0;
            if (n && INTERVAL_MS > 0)
                wait_ms (self, INTERVAL_MS);
            continue;
        }
        for (int i = 0; i < n; i++)
            add_pending (self, batch[i]);
        backoff = backoff ? backoff * 2 : BACKOFF_MIN_MS;
        if (backoff > BACKOFF_MAX_MS)
            backoff = BACKOFF_MAX_MS;
        wait_ms (self, backoff);
    }
    pthread_mutex_unlock (&self->mu);
    notifier_disconnect (self);
    return NULL;
}

/* ------------------------------------------------------------ life */

loa_notifier *loa_notifier_new (const char *service, const char *db_url)
{
    loa_notifier *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->service = strdup (service);
    self->db_url = strdup (db_url);
    pthread_condattr_t attr;
    int cond_ok = pthread_condattr_init (&attr) == 0;
    if (cond_ok) {
        pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
        cond_ok = pthread_cond_init (&self->cond, &attr) == 0;
        pthread_condattr_destroy (&attr);
    }
    if (!cond_ok || pthread_mutex_init (&self->mu, NULL) != 0 || !self->service || !self->db_url) {
        if (cond_ok)
            pthread_cond_destroy (&self->cond);
        free (self->service);
        free (self->db_url);
        free (self);
        return NULL;
    }
    atomic_init (&self->sent, 0);
    return self;
}

int loa_notifier_start (loa_notifier *self)
{
    pthread_mutex_lock (&registry_mu);
    int rc = -1;
    if (self->running || registry) {
        loa_error (NULL, "notifier %s: a notifier already runs in this process", self->service);
        goto out;
    }
    self->stop = 0;
    if (pthread_create (&self->thread, NULL, notifier_run, self) != 0) {
        loa_error (NULL, "notifier %s: cannot start its thread", self->service);
        goto out;
    }
    self->running = 1;
    registry = self;
    rc = 0;
out:
    pthread_mutex_unlock (&registry_mu);
    return rc;
}

void loa_notifier_destroy (loa_notifier **pself)
{
    loa_notifier *self = pself ? *pself : NULL;
    if (!self)
        return;
    pthread_mutex_lock (&registry_mu);
    if (registry == self)
        registry = NULL;
    pthread_mutex_unlock (&registry_mu);
    if (self->running) {
        pthread_mutex_lock (&self->mu);
        self->stop = 1;
        pthread_cond_signal (&self->cond);
        pthread_mutex_unlock (&self->mu);
        pthread_join (self->thread, NULL);
    }
    pthread_cond_destroy (&self->cond);
    pthread_mutex_destroy (&self->mu);
    free (self->service);
    free (self->db_url);
    free (self);
    *pself = NULL;
}

unsigned long loa_notifier_sent (const loa_notifier *self) { return atomic_load (&self->sent); }
