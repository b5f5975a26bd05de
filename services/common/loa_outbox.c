#include "loa_outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "common.pb-c.h"
#include "loa_config.h"
#include "loa_curve.h"
#include "loa_db.h"
#include "loa_log.h"
#include "loa_notifier.h"

/* Rows moved (and published) per statement: bounds memory and the length
 * of one transaction when a backlog has built up. */
#define RELAY_BATCH 1000
#define HEARTBEAT_MS 1000
#define STANDBY_RETRY_MS 1000
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define SINCE_DEFAULT_LIMIT 500
#define SINCE_MAX_LIMIT 1000
/* The relays' half of PostgreSQL's two-int4 advisory lock space ("LoaR");
 * that space never overlaps the one-bigint space the migrations use. */
#define RELAY_LOCK_CLASS 0x4c6f6152
/* A NOTIFY channel is an identifier: at most NAMEDATALEN - 1 bytes. */
#define CHANNEL_MAX 63

/* Every event query returns these columns, as binary results: the seq as
 * int8, the topic and the time as text bytes, the payload as raw bytes. */
#define EVENT_COLUMNS                                                                              \
    "seq, topic, payload, "                                                                        \
    "to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

static const char SQL_EVENTS_SINCE[] = "SELECT " EVENT_COLUMNS " FROM event_log"
                                       " WHERE seq > $1::int8 ORDER BY seq LIMIT $2::int4";
static const char SQL_LAST_SEQ[] = "SELECT coalesce(max(seq), 0) FROM event_log";

/* ------------------------------------------------------------ the outbox */

#define OUTBOX_INSERT_SQL                                                                          \
    "INSERT INTO outbox (topic, payload) VALUES ($1, $2) RETURNING current_schema()"

/* The session of this thread's connection that has the INSERT prepared. */
static _Thread_local const PGconn *prepared_db;
static _Thread_local int prepared_pid;

int loa_outbox_prepare (PGconn *db)
{
    prepared_db = NULL;
    PGresult *res = PQprepare (db, "loa_outbox_add", OUTBOX_INSERT_SQL, 0, NULL);
    int ok = PQresultStatus (res) == PGRES_COMMAND_OK;
    if (!ok && !loa_db_is_state (res, "42P01")) /* no outbox here: nothing to prepare */
        loa_error (NULL, "outbox: preparing the INSERT: %s", loa_db_error (res));
    PQclear (res);
    if (ok) {
        prepared_db = db;
        prepared_pid = PQbackendPID (db);
    }
    return ok ? 0 : -1;
}

/* The relay's channel, named after the schema the outbox is in (the first
 * of the search_path, which the INSERT returns), for the notifier. */
static int outbox_channel (const PGresult *res, char channel[CHANNEL_MAX + 1])
{
    if (PQntuples (res) != 1)
        return -1;
    int n = snprintf (channel, CHANNEL_MAX + 1, "%s_outbox", PQgetvalue (res, 0, 0));
    return n > 0 && n <= CHANNEL_MAX ? 0 : -1;
}

/* A deferred INSERT's result, read with its transaction's last round trip,
 * before the COMMIT is acted on. */
static void outbox_added (const PGresult *res)
{
    char channel[CHANNEL_MAX + 1];
    if (outbox_channel (res, channel) == 0)
        loa_notifier_mark (channel);
}

int loa_outbox_add (PGconn *db, const char *topic, const ProtobufCMessage *payload)
{
    size_t len = payload ? protobuf_c_message_get_packed_size (payload) : 0;
    if (len > INT_MAX) {
        loa_error (NULL, "outbox: event %s too large (%zu bytes)", topic, len);
        return -1;
    }
    uint8_t *buf = malloc (len ? len : 1);
    if (!buf) {
        loa_error (NULL, "outbox: out of memory for event %s", topic);
        return -1;
    }
    if (len)
        protobuf_c_message_pack (payload, buf);
    const char *vals[] = {topic, (const char *) buf};
    int lens[] = {0, (int) len};
    int fmts[] = {0, 1};
    int prepared = db == prepared_db && PQbackendPID (db) == prepared_pid;
    loa_db_query q = {.stmt = prepared ? "loa_outbox_add" : NULL,
                      .sql = OUTBOX_INSERT_SQL,
                      .n = 2,
                      .vals = vals,
                      .lens = lens,
                      .fmts = fmts};
    if (loa_db_pipelined (db)) {
        /* Its result only says whether it worked: it travels with the
         * COMMIT (loa_db.h), and marks the channel when read. */
        char what[128];
        snprintf (what, sizeof what, "outbox: adding event %s", topic);
        int rc = loa_db_defer (db, what, &q, outbox_added);
        free (buf);
        return rc == 0 ? 0 : -1;
    }
    /* Outside a transaction the INSERT commits on its own. */
    int autocommit = PQtransactionStatus (db) == PQTRANS_IDLE;
    PGresult *res = loa_db_run (db, &q);
    int rc = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1 ? 0 : -1;
    char channel[CHANNEL_MAX + 1];
    if (rc)
        loa_error (NULL, "outbox: adding event %s: %s", topic, loa_db_error (res));
    else if (outbox_channel (res, channel) == 0) {
        /* No NOTIFY in this transaction: the notifier sends it once the
         * transaction has committed. */
        if (autocommit)
            loa_notifier_wake (channel);
        else
            loa_notifier_mark (channel);
    }
    PQclear (res);
    free (buf);
    return rc;
}

/* ------------------------------------------------------------ event rows */

static uint64_t be64 (const char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | (unsigned char) p[i];
    return v;
}

/* Fills *ev from row `row` of a result of EVENT_COLUMNS. The strings and
 * bytes are borrowed from `res`: PQgetvalue NUL-terminates binary values
 * too, so the topic and time are valid C strings. -1 on a malformed row. */
static int row_event (const PGresult *res, int row, Loa__Event *ev)
{
    loa__event__init (ev);
    if (PQnfields (res) != 4 || PQgetlength (res, row, 0) != 8)
        return -1;
    ev->seq = be64 (PQgetvalue (res, row, 0));
    ev->topic = PQgetvalue (res, row, 1);
    ev->payload.data = (uint8_t *) PQgetvalue (res, row, 2);
    ev->payload.len = (size_t) PQgetlength (res, row, 2);
    ev->occurred_at = PQgetvalue (res, row, 3);
    return 0;
}

/* One int8 from the first cell of a text result, or -1. */
static long long first_int (const PGresult *res)
{
    if (PQresultStatus (res) != PGRES_TUPLES_OK || PQntuples (res) < 1 || PQgetisnull (res, 0, 0))
        return -1;
    return strtoll (PQgetvalue (res, 0, 0), NULL, 10);
}

/* ------------------------------------------------------------ the relay */

struct loa_relay {
    char *service;
    char *schema;
    char *db_url;
    char *pub_addr;
    char channel[CHANNEL_MAX + 1];
    int32_t lock_key;

    void *pub; /* bound in start, used by the thread, closed in destroy */
    int wake[2]; /* self-pipe: destroy writes a byte to end the thread's wait */
    atomic_int stop;
    pthread_t thread;
    int running;

    /* The thread's own state. */
    PGconn *db;
    int active; /* holds the advisory lock (on this connection) */
    int have_last;
    long long last_pub; /* the highest seq published */
    int64_t next_heartbeat;
    int64_t next_lock_try; /* while standby */

    /* For the metrics thread (loa_relay_figures): written by the relay's
     * thread where the work happens, read without a lock. */
    atomic_int fig_active;
    atomic_llong fig_last_seq; /* -1: not known (not active yet) */
    atomic_llong fig_backlog; /* -1: not counted yet */
};

/* Rows whose transaction is older than the snapshot's xmin are final:
 * every transaction that could still add an older row has ended. Their
 * (txid, id) order is therefore stable, and anything that becomes eligible
 * later sorts after them, so seqs stay dense and ordered. The relay is the
 * only writer (advisory lock), so max(seq) cannot race. */
static const char SQL_MOVE[] =
    "WITH moved AS ("
    " DELETE FROM outbox WHERE id IN ("
    "  SELECT id FROM outbox"
    "  WHERE txid < pg_snapshot_xmin(pg_current_snapshot())"
    "  ORDER BY txid, id LIMIT $1::int4)"
    " RETURNING txid, id, topic, payload, created_at),"
    " base AS (SELECT coalesce(max(seq), 0) AS seq FROM event_log)"
    " INSERT INTO event_log (seq, topic, payload, occurred_at)"
    " SELECT base.seq + row_number() OVER (ORDER BY moved.txid, moved.id),"
    "        moved.topic, moved.payload, moved.created_at"
    " FROM moved CROSS JOIN base";

static const loa_stmt relay_stmts[] = {
    {"loa_relay_lock", "SELECT pg_try_advisory_lock($1::int4, $2::int4)"},
    {"loa_relay_last", SQL_LAST_SEQ},
    {"loa_relay_move", SQL_MOVE},
    {"loa_relay_events", SQL_EVENTS_SINCE},
    /* The outbox only holds rows not moved yet (the move deletes them). */
    {"loa_relay_backlog", "SELECT count(*) FROM outbox"},
    {NULL, NULL},
};

/* FNV-1a: a stable key per schema, the same in every replica and build. */
static int32_t schema_key (const char *schema)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *) schema; *p; p++)
        h = (h ^ *p) * 16777619u;
    return (int32_t) h;
}

loa_relay *loa_relay_new (const char *service, const char *schema, const char *db_url,
                          const char *pub_addr)
{
    if (strlen (schema) + strlen ("_outbox") > CHANNEL_MAX) {
        loa_error (NULL, "relay: schema name %s too long for a NOTIFY channel", schema);
        return NULL;
    }
    loa_relay *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->service = strdup (service);
    self->schema = strdup (schema);
    self->db_url = strdup (db_url);
    self->pub_addr = strdup (pub_addr);
    self->wake[0] = self->wake[1] = -1;
    if (!self->service || !self->schema || !self->db_url || !self->pub_addr) {
        loa_relay_destroy (&self);
        return NULL;
    }
    snprintf (self->channel, sizeof self->channel, "%s_outbox", schema);
    self->lock_key = schema_key (schema);
    atomic_init (&self->fig_active, 0);
    atomic_init (&self->fig_last_seq, -1);
    atomic_init (&self->fig_backlog, -1);
    return self;
}

/* Waits up to `ms` for the stop pipe, a notification or the timeout.
 * Without a connection it only sleeps. -1 when the connection broke. */
static int relay_wait (loa_relay *self, int64_t ms)
{
    struct pollfd fds[2] = {{self->wake[0], POLLIN, 0}, {-1, POLLIN, 0}};
    int nfds = 1;
    if (self->db) {
        /* A notification may have arrived with a query's results already. */
        PGnotify *n;
        int pending = 0;
        while ((n = PQnotifies (self->db))) {
            PQfreemem (n);
            pending = 1;
        }
        if (pending)
            return 0;
        fds[1].fd = PQsocket (self->db);
        if (fds[1].fd < 0)
            return -1;
        nfds = 2;
    }
    if (ms < 0)
        ms = 0;
    if (poll (fds, (nfds_t) nfds, (int) ms) <= 0 || !self->db || !(fds[1].revents))
        return 0;
    if (!PQconsumeInput (self->db)) {
        loa_warn (NULL, "relay %s: connection lost: %s", self->schema, PQerrorMessage (self->db));
        return -1;
    }
    PGnotify *n;
    while ((n = PQnotifies (self->db)))
        PQfreemem (n);
    return PQstatus (self->db) == CONNECTION_OK ? 0 : -1;
}

static void relay_disconnect (loa_relay *self)
{
    PQfinish (self->db); /* ends the session and with it the advisory lock */
    self->db = NULL;
    self->active = 0;
    self->next_lock_try = 0;
    atomic_store (&self->fig_active, 0);
}

static int relay_connect (loa_relay *self)
{
    char app[64];
    snprintf (app, sizeof app, "%s/relay", self->service);
    self->db = loa_db_connect (self->db_url, app, 0);
    if (!self->db)
        return -1;
    const char *vals[] = {self->schema};
    PGresult *res =
        PQexecParams (self->db, "SELECT set_config('search_path', quote_ident($1), false)", 1, NULL,
                      vals, NULL, NULL, 0);
    int ok = PQresultStatus (res) == PGRES_TUPLES_OK;
    if (!ok)
        loa_error (NULL, "relay %s: search_path: %s", self->schema, loa_db_error (res));
    PQclear (res);
    char *chan = ok ? PQescapeIdentifier (self->db, self->channel, strlen (self->channel)) : NULL;
    if (chan) {
        char sql[sizeof self->channel * 2 + 16];
        snprintf (sql, sizeof sql, "LISTEN %s", chan);
        PQfreemem (chan);
        ok = loa_db_exec (self->db, sql) == 0 && loa_db_prepare (self->db, relay_stmts) == 0;
    } else
        ok = 0;
    if (!ok) {
        relay_disconnect (self);
        return -1;
    }
    return 0;
}

static void send_event (loa_relay *self, const Loa__Event *ev)
{
    size_t len = loa__event__get_packed_size (ev);
    uint8_t small[512];
    uint8_t *buf = len <= sizeof small ? small : malloc (len);
    if (!buf) {
        loa_error (NULL, "relay %s: out of memory publishing seq %llu", self->schema,
                   (unsigned long long) ev->seq);
        return;
    }
    loa__event__pack (ev, buf);
    /* PUB never blocks: at the high-water mark it drops, and subscribers
     * recover what they missed by replay. */
    zmq_send (self->pub, ev->topic, strlen (ev->topic), ZMQ_SNDMORE);
    zmq_send (self->pub, buf, len, 0);
    if (buf != small)
        free (buf);
}

static void rfc3339_now (char *buf, size_t cap)
{
    int64_t ms = loa_now_ms ();
    time_t s = (time_t) (ms / 1000);
    struct tm tm;
    gmtime_r (&s, &tm);
    size_t n = strftime (buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf (buf + n, cap - n, ".%03dZ", (int) (ms % 1000));
}

static void relay_heartbeat (loa_relay *self)
{
    char now[40];
    rfc3339_now (now, sizeof now);
    Loa__Event ev = LOA__EVENT__INIT;
    ev.seq = (uint64_t) self->last_pub;
    ev.topic = (char *) "_heartbeat";
    ev.occurred_at = now;
    send_event (self, &ev);
}

/* Runs one of the relay's prepared statements and returns its result (an
 * error result when the connection fails), like PQexecPrepared, except
 * that while it waits the active relay goes on publishing its heartbeat on
 * time. The heartbeat says that this relay and its socket are alive and
 * what it has published (last_pub, which a statement in flight does not
 * change): a statement that waits (on a lock, a busy or stalled database)
 * is no reason for the consumers to think events were lost. Were the
 * heartbeat to wait for the statement, every such wait of more than a few
 * seconds would make the gateway's cache treat the service as gone (its
 * whole load on the service, uncached) and every subscriber replay from it
 * at the same moment, a stall of the database becoming one of the service. */
static PGresult *relay_exec (loa_relay *self, const char *stmt, int n, const char *const *vals,
                             int binary)
{
    if (!PQsendQueryPrepared (self->db, stmt, n, vals, NULL, NULL, binary))
        return PQmakeEmptyPGresult (self->db, PGRES_FATAL_ERROR);
    PGresult *last = NULL;
    for (;;) {
        while (PQisBusy (self->db)) {
            int64_t now = loa_mono_ms ();
            if (self->active && now >= self->next_heartbeat) {
                relay_heartbeat (self);
                self->next_heartbeat = now + HEARTBEAT_MS;
            }
            struct pollfd fd = {PQsocket (self->db), POLLIN, 0};
            int ms = self->active ? (int) (self->next_heartbeat - now) : HEARTBEAT_MS;
            int ready = fd.fd < 0 ? -1 : poll (&fd, 1, ms);
            if (ready < 0 && fd.fd >= 0 && errno == EINTR)
                continue;
            if (ready < 0 || (ready > 0 && !PQconsumeInput (self->db))) {
                PQclear (last);
                return PQmakeEmptyPGresult (self->db, PGRES_FATAL_ERROR);
            }
        }
        PGresult *res = PQgetResult (self->db);
        if (!res)
            break;
        PQclear (last);
        last = res;
    }
    return last ? last : PQmakeEmptyPGresult (self->db, PGRES_FATAL_ERROR);
}

/* 1 when this relay now holds the schema's lock, 0 when another does, -1. */
static int relay_lock (loa_relay *self)
{
    char k1[16], k2[16];
    snprintf (k1, sizeof k1, "%d", RELAY_LOCK_CLASS);
    snprintf (k2, sizeof k2, "%d", (int) self->lock_key);
    const char *vals[] = {k1, k2};
    PGresult *res = relay_exec (self, "loa_relay_lock", 2, vals, 0);
    int got = -1;
    if (PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1)
        got = PQgetvalue (res, 0, 0)[0] == 't';
    else
        loa_error (NULL, "relay %s: advisory lock: %s", self->schema, loa_db_error (res));
    PQclear (res);
    if (got != 1)
        return got;
    if (!self->have_last) {
        /* Start from the end: subscribers fetch older events by replay. */
        res = relay_exec (self, "loa_relay_last", 0, NULL, 0);
        long long last = first_int (res);
        if (last < 0)
            loa_error (NULL, "relay %s: last seq: %s", self->schema, loa_db_error (res));
        PQclear (res);
        if (last < 0)
            return -1;
        self->last_pub = last;
        self->have_last = 1;
    }
    self->active = 1;
    self->next_heartbeat = 0;
    atomic_store (&self->fig_active, 1);
    atomic_store (&self->fig_last_seq, self->last_pub);
    loa_info (NULL, "relay %s: active from seq %lld", self->schema, self->last_pub);
    return 1;
}

/* Moves one batch of committed rows into event_log. Rows moved, or -1. */
static int relay_move (loa_relay *self)
{
    char limit[16];
    snprintf (limit, sizeof limit, "%d", RELAY_BATCH);
    const char *vals[] = {limit};
    PGresult *res = relay_exec (self, "loa_relay_move", 1, vals, 0);
    int moved = -1;
    if (PQresultStatus (res) == PGRES_COMMAND_OK)
        moved = atoi (PQcmdTuples (res));
    else
        loa_error (NULL, "relay %s: moving the outbox: %s", self->schema, loa_db_error (res));
    PQclear (res);
    return moved;
}

/* Counts the rows not moved yet (committed or not) for the metrics. 0 or -1. */
static int relay_backlog (loa_relay *self)
{
    PGresult *res = relay_exec (self, "loa_relay_backlog", 0, NULL, 0);
    long long n = first_int (res);
    if (n < 0)
        loa_error (NULL, "relay %s: counting the outbox: %s", self->schema, loa_db_error (res));
    else
        atomic_store (&self->fig_backlog, n);
    PQclear (res);
    return n < 0 ? -1 : 0;
}

/* Publishes one batch of event_log rows after last_pub. Rows sent, or -1. */
static int relay_publish (loa_relay *self)
{
    char since[24], limit[16];
    snprintf (since, sizeof since, "%lld", self->last_pub);
    snprintf (limit, sizeof limit, "%d", RELAY_BATCH);
    const char *vals[] = {since, limit};
    PGresult *res = relay_exec (self, "loa_relay_events", 2, vals, 1);
    if (PQresultStatus (res) != PGRES_TUPLES_OK) {
        loa_error (NULL, "relay %s: reading event_log: %s", self->schema, loa_db_error (res));
        PQclear (res);
        return -1;
    }
    int n = PQntuples (res);
    for (int i = 0; i < n; i++) {
        Loa__Event ev;
        if (row_event (res, i, &ev) != 0) {
            loa_error (NULL, "relay %s: malformed event_log row", self->schema);
            PQclear (res);
            return -1;
        }
        send_event (self, &ev);
        self->last_pub = (long long) ev.seq;
    }
    PQclear (res);
    return n;
}

/* One round while connected: take the lock if needed, move, publish, beat.
 * Returns the time to wait before the next round (ms), or -1 on a
 * database error. */
static int64_t relay_round (loa_relay *self)
{
    if (!self->active) {
        /* A standby ignores notifications: it only tries the lock again
         * once a second while another replica relays. */
        int64_t now = loa_mono_ms ();
        if (now < self->next_lock_try)
            return self->next_lock_try - now;
        int got = relay_lock (self);
        if (got < 0)
            return -1;
        if (!got) {
            self->next_lock_try = now + STANDBY_RETRY_MS;
            return STANDBY_RETRY_MS;
        }
    }
    int moved = relay_move (self);
    if (moved < 0)
        return -1;
    int sent;
    do {
        sent = relay_publish (self);
        if (sent < 0)
            return -1;
    } while (sent == RELAY_BATCH && !atomic_load (&self->stop));
    atomic_store (&self->fig_last_seq, self->last_pub);
    /* Counted only when the round emptied what it could: while batches are
     * full the figure stays the last count (the backlog is at least that
     * old figure's order), and a long outbox is not counted every batch. */
    if (moved < RELAY_BATCH && relay_backlog (self) < 0)
        return -1;
    int64_t now = loa_mono_ms ();
    if (now >= self->next_heartbeat) {
        relay_heartbeat (self);
        self->next_heartbeat = now + HEARTBEAT_MS;
    }
    if (moved == RELAY_BATCH)
        return 0; /* more are waiting */
    return self->next_heartbeat - now;
}

static void *relay_run (void *arg)
{
    loa_relay *self = arg;
    int backoff = 0;
    while (!atomic_load (&self->stop)) {
        int64_t wait;
        if (!self->db && relay_connect (self) != 0)
            wait = -1;
        else
            wait = relay_round (self);
        if (wait >= 0 && relay_wait (self, wait) == 0) {
            backoff = 0;
            continue;
        }
        /* The connection broke or a statement failed: start over on a new
         * session (the old one's lock and any half state go with it). */
        relay_disconnect (self);
        backoff = backoff ? backoff * 2 : BACKOFF_MIN_MS;
        if (backoff > BACKOFF_MAX_MS)
            backoff = BACKOFF_MAX_MS;
        relay_wait (self, backoff);
    }
    relay_disconnect (self);
    return NULL;
}

int loa_relay_start (loa_relay *self, void *zmq_ctx)
{
    if (self->running) {
        loa_error (NULL, "relay %s: already started", self->schema);
        return -1;
    }
    self->pub = zmq_socket (zmq_ctx, ZMQ_PUB);
    if (!self->pub) {
        loa_error (NULL, "relay %s: socket: %s", self->schema, zmq_strerror (zmq_errno ()));
        return -1;
    }
    /* A subscriber that falls 100,000 events behind loses the newest (PUB
     * drops past its HWM) and catches up by replay; it only ever sends
     * subscriptions, small. */
    int linger = 0, hwm = 100000;
    int64_t max_in = LOA_ZMQ_PUB_MAX_IN;
    if (zmq_setsockopt (self->pub, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt (self->pub, ZMQ_SNDHWM, &hwm, sizeof hwm) != 0 ||
        zmq_setsockopt (self->pub, ZMQ_MAXMSGSIZE, &max_in, sizeof max_in) != 0 ||
        loa_curve_server (self->pub) != 0) {
        loa_error (NULL, "relay %s: cannot set up its socket: %s", self->schema,
                   zmq_strerror (zmq_errno ()));
        goto fail;
    }
    if (zmq_bind (self->pub, self->pub_addr) != 0) {
        loa_error (NULL, "relay %s: cannot bind %s: %s", self->schema, self->pub_addr,
                   zmq_strerror (zmq_errno ()));
        goto fail;
    }
    if (pipe2 (self->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        loa_error (NULL, "relay %s: cannot create its wake-up pipe", self->schema);
        self->wake[0] = self->wake[1] = -1;
        goto fail;
    }
    atomic_store (&self->stop, 0);
    if (pthread_create (&self->thread, NULL, relay_run, self) != 0) {
        loa_error (NULL, "relay %s: cannot start its thread", self->schema);
        goto fail;
    }
    self->running = 1;
    loa_info (NULL, "relay %s: publishing on %s", self->schema, self->pub_addr);
    return 0;
fail:
    zmq_close (self->pub);
    self->pub = NULL;
    return -1;
}

void loa_relay_destroy (loa_relay **pself)
{
    loa_relay *self = pself ? *pself : NULL;
    if (!self)
        return;
    if (self->running) {
        atomic_store (&self->stop, 1);
        ssize_t w = write (self->wake[1], "x", 1);
        (void) w; /* a full pipe already wakes the thread */
        pthread_join (self->thread, NULL);
    }
    if (self->pub)
        zmq_close (self->pub);
    for (int i = 0; i < 2; i++)
        if (self->wake[i] >= 0)
            close (self->wake[i]);
    free (self->service);
    free (self->schema);
    free (self->db_url);
    free (self->pub_addr);
    free (self);
    *pself = NULL;
}

/* ------------------------------------------------------------ events.since */

static void events_since (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    static const Loa__EventsSinceRequest empty = LOA__EVENTS_SINCE_REQUEST__INIT;
    const Loa__EventsSinceRequest *req = in ? (const Loa__EventsSinceRequest *) in : &empty;
    unsigned limit = req->limit ? req->limit : SINCE_DEFAULT_LIMIT;
    if (limit > SINCE_MAX_LIMIT)
        limit = SINCE_MAX_LIMIT;
    long long since =
        req->since_seq > (uint64_t) LLONG_MAX ? LLONG_MAX : (long long) req->since_seq;
    char since_s[24], limit_s[16];
    snprintf (since_s, sizeof since_s, "%lld", since);
    snprintf (limit_s, sizeof limit_s, "%u", limit);
    const char *vals[] = {since_s, limit_s};
    Loa__Event *events = NULL;
    Loa__Event **ptrs = NULL;

    /* last_seq first: events moved in between only make the slice longer
     * than last_seq, which is corrected below. */
    PGresult *last_res = PQexecParams (ctx->db, SQL_LAST_SEQ, 0, NULL, NULL, NULL, NULL, 0);
    long long last = first_int (last_res);
    PGresult *res =
        last < 0 ? NULL : PQexecParams (ctx->db, SQL_EVENTS_SINCE, 2, NULL, vals, NULL, NULL, 1);
    if (last < 0 || PQresultStatus (res) != PGRES_TUPLES_OK) {
        loa_error (ctx->request_id, "events.since: %s", loa_db_error (last < 0 ? last_res : res));
        loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, "Không đọc được nhật ký sự kiện");
        goto out;
    }
    int n = PQntuples (res);
    events = calloc ((size_t) n + 1, sizeof *events);
    ptrs = calloc ((size_t) n + 1, sizeof *ptrs);
    if (!events || !ptrs) {
        loa_error (ctx->request_id, "events.since: out of memory for %d events", n);
        loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, "Hết bộ nhớ");
        goto out;
    }
    Loa__EventsSinceReply reply = LOA__EVENTS_SINCE_REPLY__INIT;
    for (int i = 0; i < n; i++) {
        if (row_event (res, i, &events[i]) != 0) {
            loa_error (ctx->request_id, "events.since: malformed event_log row");
            loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, "Nhật ký sự kiện bị lỗi");
            goto out;
        }
        ptrs[i] = &events[i];
        if ((long long) events[i].seq > last)
            last = (long long) events[i].seq;
    }
    reply.n_events = (size_t) n;
    reply.events = ptrs;
    reply.last_seq = (uint64_t) last;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &reply.base);
out:
    free (ptrs);
    free (events);
    PQclear (res);
    PQclear (last_res);
}

const loa_rpc_method loa_events_since_method = {
    "events.since", &loa__events_since_request__descriptor, events_since};

int loa_relay_figures (const loa_relay *self, long long *last_seq, long long *backlog)
{
    /* The figures are the atomics' (not const-qualified for C11's loads). */
    loa_relay *r = (loa_relay *) self;
    if (!atomic_load (&r->fig_active))
        return 0;
    *last_seq = atomic_load (&r->fig_last_seq);
    *backlog = atomic_load (&r->fig_backlog);
    return 1;
}
