/* throttle: a fixed-memory, set-associative sliding-window log (see
 * throttle.h for the scheme and what a flood does to it). */
#include "core/throttle.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define WAYS 8 /* entries per set */
#define MAX_LOCKS 64 /* mutex stripes */

typedef struct {
    uint8_t addr[16]; /* IPv4-mapped IPv6, or the /64 of an IPv6 address */
    uint32_t route; /* route number + 1; 0: never used */
    uint16_t head, n; /* the ring of admitted times: oldest at head, n of them */
    int64_t newest; /* the last admitted time */
} entry;

struct gw_throttle {
    unsigned limit;
    int64_t window_ms;
    size_t n_sets, n_locks;
    entry *entries; /* n_sets x WAYS */
    int64_t *times; /* limit per entry */
    pthread_mutex_t locks[MAX_LOCKS];
    unsigned char hash_key[crypto_shorthash_KEYBYTES];
    atomic_ullong refused, evicted;
};

gw_throttle *gw_throttle_new (unsigned limit, unsigned window_s, size_t max_bytes)
{
    if (limit < 1 || limit > GW_THROTTLE_MAX_LIMIT || window_s < 1 || sodium_init () < 0)
        return NULL;
    size_t per_entry = sizeof (entry) + (size_t) limit * sizeof (int64_t);
    size_t n_sets = max_bytes / (per_entry * WAYS);
    if (n_sets < 1)
        n_sets = 1;
    gw_throttle *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->limit = limit;
    self->window_ms = (int64_t) window_s * 1000;
    self->n_sets = n_sets;
    self->n_locks = n_sets < MAX_LOCKS ? n_sets : MAX_LOCKS;
    self->entries = calloc (n_sets * WAYS, sizeof (entry));
    self->times = calloc (n_sets * WAYS * limit, sizeof (int64_t));
    if (!self->entries || !self->times) {
        free (self->entries);
        free (self->times);
        free (self);
        return NULL;
    }
    for (size_t i = 0; i < self->n_locks; i++)
        pthread_mutex_init (&self->locks[i], NULL);
    crypto_shorthash_keygen (self->hash_key);
    return self;
}

void gw_throttle_destroy (gw_throttle **self_p)
{
    if (!self_p || !*self_p)
        return;
    gw_throttle *self = *self_p;
    for (size_t i = 0; i < self->n_locks; i++)
        pthread_mutex_destroy (&self->locks[i]);
    free (self->entries);
    free (self->times);
    free (self);
    *self_p = NULL;
}

/* The key's address bytes: IPv4 as ::ffff:a.b.c.d, IPv6 cut to its /64,
 * anything else all zeros (one shared "unknown" client). */
static void address_key (const char *addr, uint8_t out[16])
{
    memset (out, 0, 16);
    if (!addr)
        return;
    struct in_addr v4;
    if (inet_pton (AF_INET, addr, &v4) == 1) {
        out[10] = out[11] = 0xff;
        memcpy (out + 12, &v4, 4);
        return;
    }
    struct in6_addr v6;
    if (inet_pton (AF_INET6, addr, &v6) == 1) {
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp (&v6, mapped, 12) == 0)
            memcpy (out, &v6, 16); /* ::ffff:a.b.c.d is that IPv4 client */
        else
            memcpy (out, &v6, 8);
    }
}

/* Drops the times of `e` that have left the window ending at `now`. */
static void expire (gw_throttle *self, entry *e, int64_t *t, int64_t now)
{
    while (e->n && t[e->head] + self->window_ms <= now) {
        e->head = (uint16_t) ((e->head + 1) % self->limit);
        e->n--;
    }
}

static long hit (gw_throttle *self, unsigned route, uint8_t key[20], int64_t now);

long gw_throttle_hit (gw_throttle *self, unsigned route, const char *addr, int64_t now)
{
    uint8_t key[20];
    address_key (addr, key);
    return hit (self, route, key, now);
}

long gw_throttle_hit_client (gw_throttle *self, unsigned route, int64_t client_id, int64_t now)
{
    /* ff11::<id>: a multicast prefix, which no client address has. */
    uint8_t key[20] = {0xff, 0x11};
    memcpy (key + 8, &client_id, sizeof client_id);
    return hit (self, route, key, now);
}

static long hit (gw_throttle *self, unsigned route, uint8_t key[20], int64_t now)
{
    uint32_t route1 = (uint32_t) route + 1;
    memcpy (key + 16, &route1, 4);
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash (h, key, 20, self->hash_key);
    uint64_t hv;
    memcpy (&hv, h, sizeof hv);
    size_t set = (size_t) (hv % self->n_sets);
    entry *ways = &self->entries[set * WAYS];
    pthread_mutex_t *lock = &self->locks[set % self->n_locks];
    long wait_s = 0;

    pthread_mutex_lock (lock);
    entry *e = NULL, *victim = NULL;
    for (size_t i = 0; i < WAYS; i++) {
        entry *w = &ways[i];
        if (w->route == route1 && memcmp (w->addr, key, 16) == 0) {
            e = w;
            break;
        }
        /* The best place for a new key: unused, else expired, else oldest. */
        if (!victim || (victim->route && (!w->route || w->newest < victim->newest)))
            victim = w;
    }
    if (e) {
        int64_t *t = &self->times[(size_t) (e - self->entries) * self->limit];
        expire (self, e, t, now);
        if (e->n >= self->limit) {
            int64_t wait_ms = t[e->head] + self->window_ms - now;
            wait_s = (long) ((wait_ms + 999) / 1000);
            if (wait_s < 1)
                wait_s = 1;
            atomic_fetch_add_explicit (&self->refused, 1, memory_order_relaxed);
        } else {
            t[(e->head + e->n) % self->limit] = now;
            e->n++;
            e->newest = now;
        }
    } else {
        if (victim->route && victim->newest + self->window_ms > now)
            atomic_fetch_add_explicit (&self->evicted, 1, memory_order_relaxed);
        int64_t *t = &self->times[(size_t) (victim - self->entries) * self->limit];
        memcpy (victim->addr, key, 16);
        victim->route = route1;
        victim->head = 0;
        victim->n = 1;
        victim->newest = now;
        t[0] = now;
    }
    pthread_mutex_unlock (lock);
    return wait_s;
}

unsigned gw_throttle_limit (const gw_throttle *self) { return self->limit; }
unsigned gw_throttle_window_s (const gw_throttle *self)
{
    return (unsigned) (self->window_ms / 1000);
}
size_t gw_throttle_capacity (const gw_throttle *self) { return self->n_sets * WAYS; }

void gw_throttle_stats (gw_throttle *self, unsigned long long *refused, unsigned long long *evicted)
{
    *refused = atomic_load_explicit (&self->refused, memory_order_relaxed);
    *evicted = atomic_load_explicit (&self->evicted, memory_order_relaxed);
}
