#include "core/cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "common.pb-c.h"
#include "core/loop.h"
#include "core/respond.h"
#include "loa_config.h"
#include "loa_curve.h"
#include "loa_endpoints.h"
#include "loa_log.h"
#include "loa_peers.h"

#define N_BUCKETS 1024
#define LIVE_MS 3000

/* An entry's body, shared with the responses that are sending it: the
 * entry holds one reference, each response one more (gw_cache_share). */
typedef struct {
    atomic_uint refs;
    char data[];
} shared_body;

static shared_body *body_of (const char *data)
{
    return (shared_body *) (void *) (data - offsetof (shared_body, data));
}

static void body_unref (char *data)
{
    if (data && atomic_fetch_sub_explicit (&body_of (data)->refs, 1, memory_order_acq_rel) == 1)
        free (body_of (data));
}

typedef struct entry {
    struct entry *next;
    char *key;
    char *body; /* a shared_body's data: the body, then its compressed forms */
    size_t len;
    size_t enc_off[GW_N_ENC], enc_len[GW_N_ENC]; /* the forms in body (len 0: none) */
    char etag[24];
    gw_service svc;
    uint64_t gen;
    int64_t born_ms;
} entry;

/* What an entry holds: its bytes (the body and its forms), key, record. */
static size_t entry_cost (const entry *e)
{
    size_t size = e->len;
    for (int i = GW_ENC_GZIP; i < GW_N_ENC; i++)
        size += e->enc_len[i];
    return size + strlen (e->key) + sizeof *e;
}

static struct {
    int enabled;
    size_t max_bytes, bytes;
    int64_t ttl_ms;
    pthread_rwlock_t lock;
    entry *buckets[N_BUCKETS];
    atomic_ullong gen[GW_N_SERVICES];
    atomic_llong last_heard_ms[GW_N_SERVICES];
    uint64_t last_seq[GW_N_SERVICES]; /* events thread only */
    void *zmq_ctx;
    pthread_t thread;
    int running;
    atomic_int stop;
    atomic_ullong hits, misses;
} c = {.lock = PTHREAD_RWLOCK_INITIALIZER};

static uint64_t hash (const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char) *s) * 1099511628211ULL;
    return h;
}

static void free_all_locked (void)
{
    for (size_t i = 0; i < N_BUCKETS; i++) {
        entry *e = c.buckets[i];
        while (e) {
            entry *next = e->next;
            free (e->key);
            body_unref (e->body);
            free (e);
            e = next;
        }
        c.buckets[i] = NULL;
    }
    c.bytes = 0;
}

static void on_event (gw_service svc, const char *topic, const zmq_msg_t *payload)
{
    atomic_store (&c.last_heard_ms[svc], loa_mono_ms ());
    Loa__Event *ev =
        loa__event__unpack (NULL, zmq_msg_size (payload), zmq_msg_data ((zmq_msg_t *) payload));
    uint64_t seq = ev ? ev->seq : 0;
    if (ev)
        loa__event__free_unpacked (ev, NULL);
    int heartbeat = strcmp (topic, "_heartbeat") == 0;
    if (!heartbeat || seq != c.last_seq[svc]) {
        c.last_seq[svc] = seq;
        atomic_fetch_add (&c.gen[svc], 1);
    }
}

static void *events_main (void *arg)
{
    (void) arg;
    void *subs[GW_N_SERVICES];
    loa_peers *peers[GW_N_SERVICES]; /* every replica: whichever relays publishes */
    zmq_pollitem_t items[GW_N_SERVICES];
    int linger = 0;
    int64_t max_msg = loa_zmq_max_msg ();
    for (int i = 0; i < GW_N_SERVICES; i++) {
        subs[i] = zmq_socket (c.zmq_ctx, ZMQ_SUB);
        zmq_setsockopt (subs[i], ZMQ_LINGER, &linger, sizeof linger);
        zmq_setsockopt (subs[i], ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg);
        zmq_setsockopt (subs[i], ZMQ_SUBSCRIBE, "", 0);
        const char *program = loa_endpoints_get ((loa_service_id) i)->program;
        char what[64];
        snprintf (what, sizeof what, "%s events", program);
        peers[i] = loa_peers_new (what, loa_endpoints_events ((loa_service_id) i));
        /* Without the service's key no event arrives: the entries then
         * live out their TTL, as when a service is down. */
        if (loa_curve_client (subs[i], program) != 0 || !peers[i]) {
            loa_error (NULL, "cache: events of %s not followed", program);
            loa_peers_free (&peers[i]);
        }
        items[i] = (zmq_pollitem_t){subs[i], 0, ZMQ_POLLIN, 0};
    }
    while (!atomic_load (&c.stop)) {
        for (int i = 0; i < GW_N_SERVICES; i++) /* replicas come and go */
            if (peers[i])
                loa_peers_sync (peers[i], subs[i]);
        if (zmq_poll (items, GW_N_SERVICES, 200) <= 0)
            continue;
        for (int i = 0; i < GW_N_SERVICES; i++) {
            if (!(items[i].revents & ZMQ_POLLIN))
                continue;
            zmq_msg_t topic, payload;
            zmq_msg_init (&topic);
            zmq_msg_init (&payload);
            if (zmq_msg_recv (&topic, subs[i], ZMQ_DONTWAIT) >= 0 && zmq_msg_more (&topic) &&
                zmq_msg_recv (&payload, subs[i], 0) >= 0) {
                char name[64];
                size_t n = zmq_msg_size (&topic) < sizeof name - 1 ? zmq_msg_size (&topic)
                                                                   : sizeof name - 1;
                memcpy (name, zmq_msg_data (&topic), n);
                name[n] = '\0';
                on_event ((gw_service) i, name, &payload);
            }
            while (zmq_msg_more (&payload)) { /* frames we do not expect */
                zmq_msg_close (&payload);
                zmq_msg_init (&payload);
                zmq_msg_recv (&payload, subs[i], 0);
            }
            zmq_msg_close (&topic);
            zmq_msg_close (&payload);
        }
    }
    for (int i = 0; i < GW_N_SERVICES; i++) {
        zmq_close (subs[i]);
        loa_peers_free (&peers[i]);
    }
    return NULL;
}

int gw_cache_start (void *zmq_ctx)
{
    c.max_bytes = (size_t) loa_env_int ("LOA_CACHE_BYTES", 32L << 20, 0, 1L << 34);
    c.ttl_ms = loa_env_int ("LOA_CACHE_TTL_MS", 30000, 0, 86400000);
    c.enabled = c.max_bytes > 0 && c.ttl_ms > 0;
    if (!c.enabled)
        return 0;
    c.zmq_ctx = zmq_ctx;
    atomic_store (&c.stop, 0);
    /* A new run has heard nothing yet, even if a previous one did. */
    for (int i = 0; i < GW_N_SERVICES; i++) {
        atomic_store (&c.gen[i], 1);
        atomic_store (&c.last_heard_ms[i], 0);
        c.last_seq[i] = 0;
    }
    if (pthread_create (&c.thread, NULL, events_main, NULL) != 0)
        return -1;
    c.running = 1;
    return 0;
}

void gw_cache_stop (void)
{
    c.enabled = 0; /* nothing served or stored once stopped */
    if (c.running) {
        atomic_store (&c.stop, 1);
        pthread_join (c.thread, NULL);
        c.running = 0;
    }
    pthread_rwlock_wrlock (&c.lock);
    free_all_locked ();
    pthread_rwlock_unlock (&c.lock);
}

uint64_t gw_cache_generation (gw_service svc)
{
    if (!c.enabled || loa_mono_ms () - atomic_load (&c.last_heard_ms[svc]) > LIVE_MS)
        return 0;
    return atomic_load (&c.gen[svc]);
}

void gw_cache_invalidate (gw_service svc) { atomic_fetch_add (&c.gen[svc], 1); }

int gw_cache_with (const char *key, gw_service svc,
                   void (*fn) (const char *body, size_t len, const char *etag, void *arg),
                   void *arg)
{
    uint64_t gen = gw_cache_generation (svc);
    if (!gen)
        return 0;
    int found = 0;
    int64_t now = loa_mono_ms ();
    pthread_rwlock_rdlock (&c.lock);
    for (entry *e = c.buckets[hash (key) % N_BUCKETS]; e; e = e->next) {
        if (strcmp (e->key, key) == 0) {
            if (e->svc == svc && e->gen == gen && now - e->born_ms < c.ttl_ms) {
                fn (e->body, e->len, e->etag, arg);
                found = 1;
                atomic_fetch_add_explicit (&c.hits, 1, memory_order_relaxed);
            }
            break;
        }
    }
    pthread_rwlock_unlock (&c.lock);
    if (!found)
        atomic_fetch_add_explicit (&c.misses, 1, memory_order_relaxed);
    return found;
}

void *gw_cache_share (const char *body)
{
    atomic_fetch_add_explicit (&body_of (body)->refs, 1, memory_order_relaxed);
    return (void *) body;
}

void gw_cache_unshare (void *body) { body_unref (body); }

/* The forms of entry `e` as pointers into its body. */
static void variants_of (const entry *e, gw_variants *v)
{
    memset (v, 0, sizeof *v);
    v->data[GW_ENC_IDENTITY] = e->body;
    v->len[GW_ENC_IDENTITY] = e->len;
    for (int i = GW_ENC_GZIP; i < GW_N_ENC; i++)
        if (e->enc_len[i]) {
            v->data[i] = e->body + e->enc_off[i];
            v->len[i] = e->enc_len[i];
        }
}

const char *gw_cache_block_new (const char *body, size_t len, const gw_encoded *enc, gw_variants *v)
{
    size_t total = len;
    for (int i = GW_ENC_GZIP; enc && i < GW_N_ENC; i++)
        total += enc->len[i];
    shared_body *b = malloc (sizeof *b + (total ? total : 1));
    if (!b)
        return NULL;
    atomic_init (&b->refs, 1);
    memset (v, 0, sizeof *v);
    memcpy (b->data, body, len);
    v->data[GW_ENC_IDENTITY] = b->data;
    v->len[GW_ENC_IDENTITY] = len;
    size_t at = len;
    for (int i = GW_ENC_GZIP; enc && i < GW_N_ENC; i++) {
        if (!enc->data[i])
            continue;
        memcpy (b->data + at, enc->data[i], enc->len[i]);
        v->data[i] = b->data + at;
        v->len[i] = enc->len[i];
        at += enc->len[i];
    }
    return b->data;
}

void gw_cache_put_block (const char *key, gw_service svc, uint64_t gen, const char *block,
                         const gw_variants *v, const char *etag)
{
    size_t size = 0;
    for (int i = 0; i < GW_N_ENC; i++)
        size += v->len[i];
    if (!block || !c.enabled || !gen || gen != atomic_load (&c.gen[svc]) || size > c.max_bytes / 4)
        return;
    entry *fresh = calloc (1, sizeof *fresh);
    if (!fresh)
        return;
    fresh->key = strdup (key);
    if (!fresh->key) {
        free (fresh);
        return;
    }
    fresh->body = gw_cache_share (block);
    fresh->len = v->len[GW_ENC_IDENTITY];
    for (int i = GW_ENC_GZIP; i < GW_N_ENC; i++)
        if (v->data[i]) {
            fresh->enc_off[i] = (size_t) (v->data[i] - block);
            fresh->enc_len[i] = v->len[i];
        }
    snprintf (fresh->etag, sizeof fresh->etag, "%s", etag);
    fresh->svc = svc;
    fresh->gen = gen;
    fresh->born_ms = loa_mono_ms ();
    size_t cost = size + strlen (key) + sizeof *fresh;

    pthread_rwlock_wrlock (&c.lock);
    if (c.bytes + cost > c.max_bytes)
        free_all_locked (); /* rare: start afresh rather than track recency */
    entry **slot = &c.buckets[hash (key) % N_BUCKETS];
    for (entry **p = slot; *p; p = &(*p)->next) {
        if (strcmp ((*p)->key, key) == 0) { /* replace */
            entry *old = *p;
            fresh->next = old->next;
            *p = fresh;
            c.bytes -= entry_cost (old);
            free (old->key);
            body_unref (old->body);
            free (old);
            goto done;
        }
    }
    fresh->next = *slot;
    *slot = fresh;
done:
    c.bytes += cost;
    pthread_rwlock_unlock (&c.lock);
}

void gw_cache_put (const char *key, gw_service svc, uint64_t gen, const char *body, size_t len,
                   const char *etag)
{
    if (!c.enabled || !gen || gen != atomic_load (&c.gen[svc]) || len > c.max_bytes / 4)
        return;
    gw_variants v;
    const char *block = gw_cache_block_new (body, len, NULL, &v);
    gw_cache_put_block (key, svc, gen, block, &v, etag);
    body_unref ((char *) block);
}

int gw_cache_get (const char *key, gw_service svc, gw_variants *v, char etag[24],
                  const char **block)
{
    uint64_t gen = gw_cache_generation (svc);
    if (!gen)
        return 0;
    int found = 0;
    int64_t now = loa_mono_ms ();
    pthread_rwlock_rdlock (&c.lock);
    for (entry *e = c.buckets[hash (key) % N_BUCKETS]; e; e = e->next) {
        if (strcmp (e->key, key) == 0) {
            if (e->svc == svc && e->gen == gen && now - e->born_ms < c.ttl_ms) {
                variants_of (e, v);
                snprintf (etag, 24, "%s", e->etag);
                *block = gw_cache_share (e->body);
                found = 1;
                atomic_fetch_add_explicit (&c.hits, 1, memory_order_relaxed);
            }
            break;
        }
    }
    pthread_rwlock_unlock (&c.lock);
    if (!found)
        atomic_fetch_add_explicit (&c.misses, 1, memory_order_relaxed);
    return found;
}

int gw_cache_renew (const char *key, gw_service svc, uint64_t gen, const char *etag, gw_variants *v,
                    const char **block)
{
    if (!c.enabled)
        return 0;
    int found = 0;
    pthread_rwlock_wrlock (&c.lock);
    for (entry *e = c.buckets[hash (key) % N_BUCKETS]; e; e = e->next) {
        if (strcmp (e->key, key) == 0) {
            if (e->svc == svc && strcmp (e->etag, etag) == 0) {
                /* The same bytes: fresh again when gen is current. */
                if (gen && gen == atomic_load (&c.gen[svc])) {
                    e->gen = gen;
                    e->born_ms = loa_mono_ms ();
                }
                variants_of (e, v);
                *block = gw_cache_share (e->body);
                found = 1;
            }
            break;
        }
    }
    pthread_rwlock_unlock (&c.lock);
    return found;
}

enum MHD_Result gw_cache_respond (gw_request *req, const char *key, gw_service svc, uint64_t gen,
                                  const char *type, char *text, size_t len, const char *etag)
{
    gw_variants v;
    const char *block = NULL;
    if (!gw_cache_renew (key, svc, gen, etag, &v, &block)) {
        /* Compressed once, here: for the entry kept (its hits send the
         * forms as they are), or for a reader who asks for it. */
        int storable = c.enabled && gen && gen == atomic_load (&c.gen[svc]);
        gw_encoded enc = {0};
        if (storable || gw_header (req, MHD_HTTP_HEADER_ACCEPT_ENCODING))
            gw_encode (text, len, GW_ENC_FAST, &enc);
        block = gw_cache_block_new (text, len, &enc, &v);
        gw_encoded_free (&enc);
        free (text);
        if (!block)
            return gw_respond_problem (req, 500, "Máy chủ thiếu bộ nhớ", NULL);
        gw_cache_put_block (key, svc, gen, block, &v, etag);
    } else {
        free (text);
    }
    return gw_respond_variants (req, 200, type, &v, etag, "public, no-cache", NULL,
                                gw_cache_unshare, (void *) block);
}

int gw_cache_answer (gw_request *req, const char *key, gw_service svc, const char *type,
                     enum MHD_Result *rc)
{
    gw_variants v;
    char etag[24];
    const char *block;
    if (!gw_cache_get (key, svc, &v, etag, &block))
        return 0;
    *rc = gw_respond_variants (req, 200, type, &v, etag, "public, no-cache", NULL, gw_cache_unshare,
                               (void *) block);
    return 1;
}

/* ------------------------------------------------------------ single flight */

#define MAX_FILLS 64

static struct {
    pthread_mutex_t lock;
    pthread_cond_t done;
    struct {
        uint64_t key_hash;
        gw_service svc;
        int busy;
        gw_pending *waiters; /* suspended requests (core/loop.h) */
    } slot[MAX_FILLS];
} fills = {.lock = PTHREAD_MUTEX_INITIALIZER, .done = PTHREAD_COND_INITIALIZER};

/* Under fills.lock: the slot filling `h` for `svc` (-1: none), and the
 * first free slot in *free_slot (-1: none). */
static int find_fill (uint64_t h, gw_service svc, int *free_slot)
{
    int filling = -1;
    *free_slot = -1;
    for (int i = 0; i < MAX_FILLS; i++) {
        if (fills.slot[i].busy && fills.slot[i].key_hash == h && fills.slot[i].svc == svc)
            filling = i;
        else if (!fills.slot[i].busy && *free_slot < 0)
            *free_slot = i;
    }
    return filling;
}

/* Under fills.lock: slot `i` now fills `h`; its ticket. */
static int take_slot (int i, uint64_t h, gw_service svc)
{
    fills.slot[i].key_hash = h;
    fills.slot[i].svc = svc;
    fills.slot[i].busy = 1;
    fills.slot[i].waiters = NULL;
    return i + 1;
}

int gw_cache_fill_begin (const char *key, gw_service svc, int wait_ms)
{
    if (!c.enabled)
        return -1;
    uint64_t h = hash (key);
    int ticket = -1;
    pthread_mutex_lock (&fills.lock);
    int free_slot;
    int filling = find_fill (h, svc, &free_slot);
    if (filling >= 0) {
        struct timespec until;
        clock_gettime (CLOCK_REALTIME, &until);
        until.tv_sec += wait_ms / 1000;
        until.tv_nsec += (long) (wait_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        /* Until that fill ends (its slot freed, or reused for another key). */
        while (fills.slot[filling].busy && fills.slot[filling].key_hash == h &&
               pthread_cond_timedwait (&fills.done, &fills.lock, &until) == 0)
            ;
        ticket = 0;
    } else if (free_slot >= 0) {
        ticket = take_slot (free_slot, h, svc);
    }
    pthread_mutex_unlock (&fills.lock);
    return ticket;
}

/* A wait's end by its loop (timed out, stopping, or its request gone): 1
 * when it was still waiting, 0 when a fill's end has woken it already. */
static int fill_cancel (gw_request *req)
{
    gw_pending *p = &req->pending;
    int waiting = 0;
    pthread_mutex_lock (&fills.lock);
    if (p->wait_slot) {
        gw_pending **pp = &fills.slot[p->wait_slot - 1].waiters;
        while (*pp && *pp != p)
            pp = &(*pp)->wait_next;
        if (*pp)
            *pp = p->wait_next;
        p->wait_slot = 0;
        p->wait_next = NULL;
        waiting = 1;
    }
    pthread_mutex_unlock (&fills.lock);
    return waiting;
}

int gw_cache_fill_begin_async (const char *key, gw_service svc, int wait_ms, gw_request *req,
                               gw_handler then)
{
    if (!c.enabled)
        return -1;
    uint64_t h = hash (key);
    int ticket = -1;
    pthread_mutex_lock (&fills.lock);
    int free_slot;
    int filling = find_fill (h, svc, &free_slot);
    /* Suspended under the lock, so that the fill's end (on any thread)
     * finds the request on its list and suspended. */
    if (filling >= 0 && gw_loop_wait (req, wait_ms, fill_cancel, then) == 0) {
        req->pending.wait_slot = filling + 1;
        req->pending.wait_next = fills.slot[filling].waiters;
        fills.slot[filling].waiters = &req->pending;
        ticket = GW_FILL_WAITING;
    } else if (filling < 0 && free_slot >= 0) {
        ticket = take_slot (free_slot, h, svc);
    }
    pthread_mutex_unlock (&fills.lock);
    return ticket;
}

void gw_cache_fill_end (int ticket)
{
    if (ticket <= 0 || ticket > MAX_FILLS)
        return;
    pthread_mutex_lock (&fills.lock);
    fills.slot[ticket - 1].busy = 0;
    for (gw_pending *p = fills.slot[ticket - 1].waiters, *next; p; p = next) {
        next = p->wait_next;
        p->wait_next = NULL;
        p->wait_slot = 0;
        gw_loop_wake (gw_pending_request (p));
    }
    fills.slot[ticket - 1].waiters = NULL;
    pthread_cond_broadcast (&fills.done);
    pthread_mutex_unlock (&fills.lock);
}

void gw_cache_stats (unsigned long long *hits, unsigned long long *misses, size_t *bytes)
{
    *hits = atomic_load (&c.hits);
    *misses = atomic_load (&c.misses);
    pthread_rwlock_rdlock (&c.lock);
    *bytes = c.bytes;
    pthread_rwlock_unlock (&c.lock);
}
