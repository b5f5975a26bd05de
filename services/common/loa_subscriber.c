#include "loa_subscriber.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "loa_config.h"
#include "loa_curve.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_peers.h"
#include "loa_rpc_client.h"

#define POLL_MS 1000
/* Without a word from the producer for this long, replay anyway: a replay
 * that finds nothing new costs one small RPC. */
#define SILENCE_MS 3000
#define REPLAY_TIMEOUT_MS 3000
#define REPLAY_LIMIT 500
#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 5000
/* Messages taken from the SUB socket per wake-up before looking again at
 * the stop flag and the timers. */
#define DRAIN_MAX 1000

/* ------------------------------------------------------------ exactly once */

typedef enum { OUTCOME_APPLIED, OUTCOME_SKIPPED, OUTCOME_GAP } apply_outcome;

typedef struct {
    const char *source;
    const Loa__Event *event;
    loa_event_apply apply;
    void *arg;
    apply_outcome outcome;
} apply_job;

/* Logs a failed statement and frees its result. -1, or LOA_DB_RETRY when
 * the transaction may simply be run again (serialization, deadlock). */
static int sql_failed (PGresult *res, const char *what, const char *source)
{
    int retry = loa_db_retryable (res);
    loa_error (NULL, "subscriber %s: %s: %s", source, what, loa_db_error (res));
    PQclear (res);
    return retry ? LOA_DB_RETRY : -1;
}

/* The stored seq, row-locked until the end of the transaction; the row is
 * created at 0 the first time. -1 (logged) or LOA_DB_RETRY on error. */
static long long lock_cursor (PGconn *db, const char *source)
{
    const char *vals[] = {source};
    for (int attempt = 0; attempt < 2; attempt++) {
        PGresult *res =
            PQexecParams (db, "SELECT seq FROM event_cursor WHERE source = $1 FOR UPDATE", 1, NULL,
                          vals, NULL, NULL, 0);
        if (PQresultStatus (res) != PGRES_TUPLES_OK)
            return sql_failed (res, "reading the cursor", source);
        if (PQntuples (res) == 1) {
            long long seq = strtoll (PQgetvalue (res, 0, 0), NULL, 10);
            PQclear (res);
            return seq;
        }
        PQclear (res);
        /* A concurrent first insert (another replica) makes this one wait
         * and do nothing; the SELECT above then sees and locks its row. */
        res = PQexecParams (db,
                            "INSERT INTO event_cursor (source, seq) VALUES ($1, 0)"
                            " ON CONFLICT (source) DO NOTHING",
                            1, NULL, vals, NULL, NULL, 0);
        if (PQresultStatus (res) != PGRES_COMMAND_OK)
            return sql_failed (res, "creating the cursor", source);
        PQclear (res);
    }
    loa_error (NULL, "subscriber %s: the cursor row vanished", source);
    return -1;
}

static int apply_tx (PGconn *db, void *arg)
{
    apply_job *job = arg;
    long long seq = lock_cursor (db, job->source);
    if (seq < 0)
        return (int) seq;
    uint64_t at = (uint64_t) seq;
    if (job->event->seq <= at) {
        job->outcome = OUTCOME_SKIPPED;
        return 0;
    }
    if (job->event->seq > at + 1) {
        job->outcome = OUTCOME_GAP;
        return 0;
    }
    int rc = job->apply (db, job->event, job->arg);
    if (rc != 0)
        return rc == LOA_DB_RETRY ? rc : -1;
    char next[24];
    snprintf (next, sizeof next, "%llu", (unsigned long long) job->event->seq);
    const char *vals[] = {job->source, next};
    PGresult *res = PQexecParams (db, "UPDATE event_cursor SET seq = $2::int8 WHERE source = $1", 2,
                                  NULL, vals, NULL, NULL, 0);
    if (PQresultStatus (res) != PGRES_COMMAND_OK)
        return sql_failed (res, "storing the cursor", job->source);
    PQclear (res);
    job->outcome = OUTCOME_APPLIED;
    return 0;
}

int loa_subscriber_apply_one (PGconn *db, const char *source, const Loa__Event *event,
                              loa_event_apply apply, void *arg)
{
    apply_job job = {source, event, apply, arg, OUTCOME_SKIPPED};
    if (loa_db_tx (db, apply_tx, &job) != 0) {
        loa_warn (NULL, "subscriber %s: event %llu (%s) not applied; it will be retried", source,
                  (unsigned long long) event->seq, event->topic);
        return -1;
    }
    return job.outcome == OUTCOME_GAP ? 1 : 0;
}

long long loa_subscriber_position (PGconn *db, const char *source)
{
    const char *vals[] = {source};
    PGresult *res = PQexecParams (db, "SELECT seq FROM event_cursor WHERE source = $1", 1, NULL,
                                  vals, NULL, NULL, 0);
    long long seq = -1;
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
        loa_error (NULL, "subscriber %s: reading the cursor: %s", source, loa_db_error (res));
    else
        seq = PQntuples (res) ? strtoll (PQgetvalue (res, 0, 0), NULL, 10) : 0;
    PQclear (res);
    return seq;
}

/* The events after `since` (at most REPLAY_LIMIT) from the producer's
 * "events.since": the unpacked reply (caller frees), or NULL with *st the
 * call's status. */
static Loa__EventsSinceReply *fetch_since (loa_rpc_client *rpc, uint64_t since, Loa__Status *st)
{
    Loa__EventsSinceRequest req = LOA__EVENTS_SINCE_REQUEST__INIT;
    req.since_seq = since;
    req.limit = REPLAY_LIMIT;
    loa_rpc_result result = {0};
    *st = loa_rpc_read (rpc, "events.since", NULL, NULL, &req.base, REPLAY_TIMEOUT_MS, &result);
    Loa__EventsSinceReply *reply = NULL;
    if (*st == LOA__STATUS__OK && result.reply)
        reply =
            loa__events_since_reply__unpack (NULL, result.reply->body.len, result.reply->body.data);
    loa_rpc_result_clear (&result);
    return reply;
}

/* ------------------------------------------------------------ rebuild */

typedef struct {
    const char *source;
    loa_rpc_client *rpc;
    loa_event_reset reset;
    loa_event_apply apply;
    void *arg;
    long long applied;
    unsigned long long pos;
} rebuild_job;

/* One batch of events after job->pos applied in the transaction. 1 when
 * the log's end is reached, 0 to go on, -1 or LOA_DB_RETRY on failure. */
static int rebuild_batch (PGconn *db, rebuild_job *job)
{
    Loa__Status st;
    Loa__EventsSinceReply *reply = fetch_since (job->rpc, job->pos, &st);
    if (!reply) {
        loa_error (NULL, "subscriber %s: rebuild: events.since failed (status %d)", job->source,
                   (int) st);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < reply->n_events && rc == 0; i++) {
        const Loa__Event *ev = reply->events[i];
        if (ev->seq != job->pos + 1) {
            loa_error (NULL, "subscriber %s: rebuild: the log jumps from %llu to %llu", job->source,
                       job->pos, (unsigned long long) ev->seq);
            rc = -1;
            break;
        }
        rc = job->apply (db, ev, job->arg);
        if (rc == 0) {
            job->pos = ev->seq;
            job->applied++;
        }
    }
    int done = reply->n_events == 0 || job->pos >= reply->last_seq;
    loa__events_since_reply__free_unpacked (reply, NULL);
    if (rc != 0)
        return rc == LOA_DB_RETRY ? rc : -1;
    return done;
}

static int rebuild_tx (PGconn *db, void *arg)
{
    rebuild_job *job = arg;
    job->applied = 0;
    job->pos = 0;
    long long seq = lock_cursor (db, job->source);
    if (seq < 0)
        return (int) seq;
    int rc = job->reset (db, job->arg);
    while (rc == 0)
        rc = rebuild_batch (db, job);
    if (rc < 0)
        return rc;
    char next[24];
    snprintf (next, sizeof next, "%llu", job->pos);
    const char *vals[] = {job->source, next};
    PGresult *res = PQexecParams (db, "UPDATE event_cursor SET seq = $2::int8 WHERE source = $1", 2,
                                  NULL, vals, NULL, NULL, 0);
    if (PQresultStatus (res) != PGRES_COMMAND_OK)
        return sql_failed (res, "storing the cursor", job->source);
    PQclear (res);
    return 0;
}

long long loa_subscriber_rebuild (PGconn *db, const char *source, const char *rpc_addr,
                                  loa_event_reset reset, loa_event_apply apply, void *arg,
                                  unsigned long long *last_seq)
{
    void *zctx = zmq_ctx_new ();
    loa_rpc_client *rpc = zctx ? loa_rpc_client_new (zctx, source, rpc_addr) : NULL;
    rebuild_job job = {source, rpc, reset, apply, arg, 0, 0};
    long long rc = -1;
    if (rpc && loa_db_tx (db, rebuild_tx, &job) == 0) {
        rc = job.applied;
        if (last_seq)
            *last_seq = job.pos;
        loa_info (NULL, "subscriber %s: rebuilt from %lld events (up to seq %llu)", source,
                  job.applied, job.pos);
    } else {
        loa_error (NULL, "subscriber %s: rebuild failed; nothing changed", source);
    }
    loa_rpc_client_destroy (&rpc);
    if (zctx)
        zmq_ctx_term (zctx);
    return rc;
}

/* ------------------------------------------------------------ the thread */

struct loa_subscriber {
    char *source;
    char *events_addr;
    char *rpc_addr;
    char *db_url;
    loa_event_apply apply;
    void *arg;

    void *zmq_ctx;
    int wake[2]; /* self-pipe: destroy writes a byte to end the thread's wait */
    atomic_int stop;
    pthread_t thread;
    int running;

    /* The thread's own state. */
    PGconn *db;
    loa_rpc_client *rpc;
    long long pos; /* the stored seq as last seen (a cache: the row decides) */
    int need_replay;
    int64_t replay_at; /* monotonic ms: not before */
    int64_t last_heard; /* monotonic ms of the producer's last message */
    int backoff; /* ms; 0 while all is well */
    int producer_down; /* logged once per outage */

    /* For the metrics thread (loa_subscriber_figures), written where the
     * work happens: the seq applied as last read or stored, and the
     * producer's last seq as last learned from its events, its heartbeat or
     * events.since. -1: not known yet. */
    atomic_llong fig_applied;
    atomic_llong fig_producer;
};

/* Both only grow here: a stale reading never lowers a newer one. */
static void fig_raise (atomic_llong *fig, long long v)
{
    long long cur = atomic_load (fig);
    while (v > cur && !atomic_compare_exchange_weak (fig, &cur, v))
        ;
}

loa_subscriber *loa_subscriber_new (const char *source, const char *events_addr,
                                    const char *rpc_addr, const char *db_url, loa_event_apply apply,
                                    void *arg)
{
    loa_subscriber *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->source = strdup (source);
    self->events_addr = strdup (events_addr);
    self->rpc_addr = strdup (rpc_addr);
    self->db_url = strdup (db_url);
    self->apply = apply;
    self->arg = arg;
    self->wake[0] = self->wake[1] = -1;
    atomic_init (&self->fig_applied, -1);
    atomic_init (&self->fig_producer, -1);
    if (!self->source || !self->events_addr || !self->rpc_addr || !self->db_url) {
        loa_subscriber_destroy (&self);
        return NULL;
    }
    return self;
}

static void fail_later (loa_subscriber *self)
{
    self->backoff = self->backoff ? self->backoff * 2 : BACKOFF_MIN_MS;
    if (self->backoff > BACKOFF_MAX_MS)
        self->backoff = BACKOFF_MAX_MS;
    self->need_replay = 1;
    self->replay_at = loa_mono_ms () + self->backoff;
}

/* Asks for a replay as soon as allowed (not inside a failure's backoff). */
static void replay_soon (loa_subscriber *self)
{
    if (!self->need_replay || !self->backoff)
        self->replay_at = loa_mono_ms ();
    self->need_replay = 1;
}

/* A failed apply may mean a dead connection: check it so that the next
 * attempt runs on a working one. */
static void after_db_error (loa_subscriber *self)
{
    if (loa_db_check (self->db) != 0) {
        PQfinish (self->db);
        self->db = NULL;
    }
}

/* Fetches and applies events after the stored seq until the producer's
 * last_seq is reached. 0 or -1. */
static int replay (loa_subscriber *self)
{
    while (!atomic_load (&self->stop)) {
        long long pos = loa_subscriber_position (self->db, self->source);
        if (pos < 0) {
            after_db_error (self);
            return -1;
        }
        self->pos = pos;
        /* The row decides: set, not raised (a rebuild may have rewound it). */
        atomic_store (&self->fig_applied, pos);
        Loa__Status st;
        Loa__EventsSinceReply *reply = fetch_since (self->rpc, (uint64_t) pos, &st);
        if (!reply) {
            if (!self->producer_down)
                loa_warn (NULL, "subscriber %s: replay from %s failed (status %d); retrying",
                          self->source, self->rpc_addr, (int) st);
            self->producer_down = 1;
            return -1;
        }
        if (self->producer_down)
            loa_info (NULL, "subscriber %s: %s answers again", self->source, self->rpc_addr);
        self->producer_down = 0;
        fig_raise (&self->fig_producer, (long long) reply->last_seq);
        int rc = 0;
        for (size_t i = 0; i < reply->n_events && rc == 0; i++) {
            rc = loa_subscriber_apply_one (self->db, self->source, reply->events[i], self->apply,
                                           self->arg);
            if (rc == 1)
                loa_error (NULL, "subscriber %s: replay returned a gap at seq %llu", self->source,
                           (unsigned long long) reply->events[i]->seq);
            else if (rc == 0 && (long long) reply->events[i]->seq > self->pos)
                self->pos = (long long) reply->events[i]->seq;
        }
        fig_raise (&self->fig_applied, self->pos);
        int done = reply->n_events == 0 || self->pos >= (long long) reply->last_seq;
        loa__events_since_reply__free_unpacked (reply, NULL);
        if (rc != 0) {
            if (rc < 0)
                after_db_error (self);
            return -1;
        }
        if (done)
            return 0;
    }
    return 0;
}

/* Receives one two-frame message [topic][Event] and acts on it. */
static void on_message (loa_subscriber *self, void *sub)
{
    zmq_msg_t frames[2];
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t msg;
        zmq_msg_init (&msg);
        if (zmq_msg_recv (&msg, sub, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close (&msg);
            break;
        }
        more = zmq_msg_more (&msg);
        if (n < 2)
            frames[n++] = msg;
        else
            zmq_msg_close (&msg); /* not ours: a third frame is ignored */
    }
    if (n != 2) {
        if (n)
            loa_warn (NULL, "subscriber %s: dropped a %d-frame message", self->source, n);
        goto out;
    }
    Loa__Event *ev =
        loa__event__unpack (NULL, zmq_msg_size (&frames[1]), zmq_msg_data (&frames[1]));
    if (!ev) {
        loa_warn (NULL, "subscriber %s: dropped a malformed event", self->source);
        goto out;
    }
    self->last_heard = loa_mono_ms ();
    /* Known before it is applied: while applying waits, the lag shows. */
    fig_raise (&self->fig_producer, (long long) ev->seq);
    if (strcmp (ev->topic, "_heartbeat") == 0) {
        if ((long long) ev->seq > self->pos)
            replay_soon (self);
    } else if (self->db) {
        int rc = loa_subscriber_apply_one (self->db, self->source, ev, self->apply, self->arg);
        if (rc == 0 && (long long) ev->seq > self->pos) {
            self->pos = (long long) ev->seq;
            fig_raise (&self->fig_applied, self->pos);
        } else if (rc == 1)
            replay_soon (self);
        else if (rc < 0) {
            after_db_error (self);
            fail_later (self);
        }
    } else
        replay_soon (self); /* seen but not applied: fetch it again later */
    loa__event__free_unpacked (ev, NULL);
out:
    for (int i = 0; i < n; i++)
        zmq_msg_close (&frames[i]);
}

static void *subscriber_run (void *arg)
{
    loa_subscriber *self = arg;
    char app[64];
    snprintf (app, sizeof app, "subscriber/%s", self->source);

    /* Subscribe first, then replay: whatever is published meanwhile waits
     * in the socket, and what the replay already applied is skipped. */
    /* Every replica of the producer: whichever holds the relay publishes. */
    char what[80];
    snprintf (what, sizeof what, "%s events", self->source);
    loa_peers *peers = loa_peers_new (what, self->events_addr);
    void *sub = zmq_socket (self->zmq_ctx, ZMQ_SUB);
    int linger = 0, hwm = 100000;
    int64_t max_msg = loa_zmq_max_msg ();
    if (!peers || !sub || zmq_setsockopt (sub, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt (sub, ZMQ_RCVHWM, &hwm, sizeof hwm) != 0 ||
        zmq_setsockopt (sub, ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg) != 0 ||
        loa_curve_client (sub, self->source) != 0 ||
        zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0) != 0 || loa_peers_sync (peers, sub) == 0) {
        loa_error (NULL, "subscriber %s: cannot subscribe to %s: %s", self->source,
                   self->events_addr, zmq_strerror (zmq_errno ()));
        goto out;
    }
    self->rpc = loa_rpc_client_new (self->zmq_ctx, self->source, self->rpc_addr);
    if (!self->rpc) {
        loa_error (NULL, "subscriber %s: cannot create its RPC client for %s", self->source,
                   self->rpc_addr);
        goto out;
    }
    self->need_replay = 1;
    self->replay_at = self->last_heard = loa_mono_ms ();

    while (!atomic_load (&self->stop)) {
        loa_peers_sync (peers, sub); /* replicas come and go */
        int64_t now = loa_mono_ms ();
        if (!self->db) {
            if (now >= self->replay_at) {
                self->db = loa_db_connect (self->db_url, app, 0);
                if (self->db) {
                    self->backoff = 0;
                    replay_soon (self);
                } else
                    fail_later (self);
            }
        } else {
            if (!self->need_replay && now - self->last_heard >= SILENCE_MS &&
                now >= self->replay_at)
                replay_soon (self);
            if (self->need_replay && now >= self->replay_at) {
                if (replay (self) == 0) {
                    self->need_replay = 0;
                    self->backoff = 0;
                    /* The silence timer counts from here, not from the
                     * last message, so a silent producer costs one replay
                     * every SILENCE_MS, not one per loop. */
                    self->replay_at = loa_mono_ms () + SILENCE_MS;
                } else
                    fail_later (self);
            }
        }

        int64_t timeout = POLL_MS;
        now = loa_mono_ms ();
        if ((self->need_replay || !self->db) && self->replay_at - now < timeout)
            timeout = self->replay_at - now > 0 ? self->replay_at - now : 0;
        zmq_pollitem_t items[] = {{sub, 0, ZMQ_POLLIN, 0}, {NULL, self->wake[0], ZMQ_POLLIN, 0}};
        if (zmq_poll (items, 2, (long) timeout) < 0)
            continue; /* EINTR; ETERM cannot happen while this socket is open */
        if (items[1].revents)
            break;
        for (int i = 0; i < DRAIN_MAX && (items[0].revents & ZMQ_POLLIN); i++) {
            on_message (self, sub);
            int events = 0;
            size_t len = sizeof events;
            if (zmq_getsockopt (sub, ZMQ_EVENTS, &events, &len) != 0 || !(events & ZMQ_POLLIN))
                break;
        }
    }
out:
    loa_rpc_client_destroy (&self->rpc);
    if (sub)
        zmq_close (sub);
    loa_peers_free (&peers);
    PQfinish (self->db);
    self->db = NULL;
    return NULL;
}

int loa_subscriber_start (loa_subscriber *self, void *zmq_ctx)
{
    if (self->running) {
        loa_error (NULL, "subscriber %s: already started", self->source);
        return -1;
    }
    if (pipe2 (self->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        loa_error (NULL, "subscriber %s: cannot create its wake-up pipe", self->source);
        self->wake[0] = self->wake[1] = -1;
        return -1;
    }
    self->zmq_ctx = zmq_ctx;
    atomic_store (&self->stop, 0);
    if (pthread_create (&self->thread, NULL, subscriber_run, self) != 0) {
        loa_error (NULL, "subscriber %s: cannot start its thread", self->source);
        close (self->wake[0]);
        close (self->wake[1]);
        self->wake[0] = self->wake[1] = -1;
        return -1;
    }
    self->running = 1;
    loa_info (NULL, "subscriber %s: following %s (replay from %s)", self->source, self->events_addr,
              self->rpc_addr);
    return 0;
}

void loa_subscriber_destroy (loa_subscriber **pself)
{
    loa_subscriber *self = pself ? *pself : NULL;
    if (!self)
        return;
    if (self->running) {
        atomic_store (&self->stop, 1);
        ssize_t w = write (self->wake[1], "x", 1);
        (void) w; /* a full pipe already wakes the thread */
        pthread_join (self->thread, NULL);
    }
    for (int i = 0; i < 2; i++)
        if (self->wake[i] >= 0)
            close (self->wake[i]);
    free (self->source);
    free (self->events_addr);
    free (self->rpc_addr);
    free (self->db_url);
    free (self);
    *pself = NULL;
}

const char *loa_subscriber_source (const loa_subscriber *self) { return self->source; }

int loa_subscriber_figures (const loa_subscriber *self, long long *applied, long long *producer)
{
    loa_subscriber *s = (loa_subscriber *) self; /* C11's atomic loads take no const */
    *applied = atomic_load (&s->fig_applied);
    *producer = atomic_load (&s->fig_producer);
    return *applied >= 0 && *producer >= 0 ? 0 : -1;
}
