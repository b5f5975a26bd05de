/* conns: admission counts and the loops' deadlines (conns.h). */
#include "core/conns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* An address's count in an open-addressing table (linear probing, deleted
 * by shifting back): at most max_total addresses are ever in it. */
typedef struct {
    unsigned char key[16];
    unsigned count; /* 0: free */
} slot;

struct gw_conns {
    gw_conns_limits lim;
    pthread_mutex_t lock;
    unsigned total;
    unsigned long long refused;
    slot *slots;
    size_t mask;
};

gw_conns *gw_conns_new (const gw_conns_limits *limits)
{
    gw_conns *c = calloc (1, sizeof *c);
    if (!c)
        return NULL;
    c->lim = *limits;
    size_t cap = 64;
    while (cap < 2 * (size_t) limits->max_total)
        cap *= 2;
    c->slots = calloc (cap, sizeof *c->slots);
    if (!c->slots) {
        free (c);
        return NULL;
    }
    c->mask = cap - 1;
    pthread_mutex_init (&c->lock, NULL);
    return c;
}

void gw_conns_destroy (gw_conns **pself)
{
    gw_conns *c = pself ? *pself : NULL;
    if (!c)
        return;
    pthread_mutex_destroy (&c->lock);
    free (c->slots);
    free (c);
    *pself = NULL;
}

int gw_conns_key (const struct sockaddr *sa, unsigned char key[16])
{
    memset (key, 0, 16);
    if (sa && sa->sa_family == AF_INET) {
        key[10] = key[11] = 0xff;
        memcpy (key + 12, &((const struct sockaddr_in *) (const void *) sa)->sin_addr, 4);
        return 0;
    }
    if (sa && sa->sa_family == AF_INET6) {
        const unsigned char *a =
            ((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        /* An IPv4 client on a dual-stack socket counts as IPv4. */
        memcpy (key, a, memcmp (a, mapped, 12) == 0 ? 16 : 8);
        return 0;
    }
    return -1;
}

static size_t hash (const unsigned char key[16])
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (int i = 0; i < 16; i++)
        h = (h ^ key[i]) * 1099511628211ull;
    return (size_t) h;
}

/* Under the lock: the key's slot, or the free slot where it would go. */
static size_t find (gw_conns *c, const unsigned char key[16])
{
    size_t i = hash (key) & c->mask;
    while (c->slots[i].count && memcmp (c->slots[i].key, key, 16) != 0)
        i = (i + 1) & c->mask;
    return i;
}

/* Under the lock: one connection less for the key's slot `i`; an emptied
 * slot is filled by shifting back the entries after it. */
static void take_one (gw_conns *c, size_t i)
{
    if (--c->slots[i].count)
        return;
    size_t j = i;
    for (;;) {
        j = (j + 1) & c->mask;
        if (!c->slots[j].count)
            break;
        size_t home = hash (c->slots[j].key) & c->mask;
        /* Move j into the hole at i unless its home lies cyclically in (i, j]. */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            c->slots[i] = c->slots[j];
            c->slots[j].count = 0;
            i = j;
        }
    }
}

static int exempt (gw_conns *c, const struct sockaddr *sa)
{
    if (!c->lim.exempt || !c->lim.exempt->n)
        return 0;
    char text[INET6_ADDRSTRLEN] = "";
    if (sa->sa_family == AF_INET)
        inet_ntop (AF_INET, &((const struct sockaddr_in *) (const void *) sa)->sin_addr, text,
                   sizeof text);
    else if (sa->sa_family == AF_INET6)
        inet_ntop (AF_INET6, &((const struct sockaddr_in6 *) (const void *) sa)->sin6_addr, text,
                   sizeof text);
    return text[0] && gw_proxies_has (c->lim.exempt, text);
}

/* Whether a connection from `sa` counts under its address (key filled). */
static int counted (gw_conns *c, const struct sockaddr *sa, unsigned char key[16])
{
    return c->lim.per_addr && gw_conns_key (sa, key) == 0 && !exempt (c, sa);
}

int gw_conns_admit (gw_conns *c, const struct sockaddr *sa)
{
    unsigned char key[16];
    int per_addr = counted (c, sa, key);
    int ok = 0;
    pthread_mutex_lock (&c->lock);
    if (c->total < c->lim.max_total) {
        size_t i = per_addr ? find (c, key) : 0;
        if (!per_addr) {
            ok = 1;
        } else if (c->slots[i].count < c->lim.per_addr) {
            if (!c->slots[i].count)
                memcpy (c->slots[i].key, key, 16);
            c->slots[i].count++;
            ok = 1;
        }
    }
    if (ok)
        c->total++;
    else
        c->refused++;
    pthread_mutex_unlock (&c->lock);
    return ok;
}

/* One connection of `key` (per_addr: counted under it) is over. */
static void release (gw_conns *c, const unsigned char key[16], int per_addr)
{
    pthread_mutex_lock (&c->lock);
    if (c->total)
        c->total--;
    if (per_addr) {
        size_t i = find (c, key);
        if (c->slots[i].count)
            take_one (c, i);
    }
    pthread_mutex_unlock (&c->lock);
}

void gw_conns_stats (gw_conns *c, const struct sockaddr *sa, unsigned *total, unsigned *of_addr,
                     unsigned long long *refused)
{
    unsigned char key[16];
    int keyed = sa && gw_conns_key (sa, key) == 0;
    pthread_mutex_lock (&c->lock);
    *total = c->total;
    *of_addr = keyed ? c->slots[find (c, key)].count : 0;
    *refused = c->refused;
    pthread_mutex_unlock (&c->lock);
}

/* ------------------------------------------------------------ one loop's connections */

struct gw_conn_set {
    gw_conns *conns;
    gw_conn headers, bodies; /* deadline lists (sentinels), oldest first */
    unsigned waiting;
    unsigned long long expired;
};

gw_conn_set *gw_conn_set_new (gw_conns *conns)
{
    gw_conn_set *s = calloc (1, sizeof *s);
    if (!s)
        return NULL;
    s->conns = conns;
    s->headers.prev = s->headers.next = &s->headers;
    s->bodies.prev = s->bodies.next = &s->bodies;
    return s;
}

void gw_conn_set_destroy (gw_conn_set **pself)
{
    gw_conn_set *s = pself ? *pself : NULL;
    if (!s)
        return;
    free (s); /* its connections were ended by their daemon's stop */
    *pself = NULL;
}

static void unlink_conn (gw_conn_set *s, gw_conn *c)
{
    if (!c->next)
        return;
    c->prev->next = c->next;
    c->next->prev = c->prev;
    c->prev = c->next = NULL;
    c->deadline_ms = 0;
    s->waiting--;
}

/* Each list holds one timeout's deadlines in the order they were set: the
 * first is the nearest. */
static void due (gw_conn_set *s, gw_conn *list, gw_conn *c, int64_t deadline)
{
    unlink_conn (s, c);
    if (c->closing)
        return;
    c->deadline_ms = deadline;
    c->prev = list->prev;
    c->next = list;
    list->prev->next = c;
    list->prev = c;
    s->waiting++;
}

gw_conn *gw_conn_start (gw_conn_set *s, const struct sockaddr *sa, int fd, int64_t now)
{
    gw_conn *c = calloc (1, sizeof *c);
    if (!c) {
        unsigned char key[16] = {0};
        int per_addr = counted (s->conns, sa, key);
        release (s->conns, key, per_addr);
        return NULL;
    }
    c->set = s;
    c->fd = fd;
    c->per_addr = counted (s->conns, sa, c->key);
    due (s, &s->headers, c, now + s->conns->lim.header_ms);
    return c;
}

void gw_conn_headers_in (gw_conn *c, int64_t now, int body)
{
    gw_conn_set *s = c->set;
    if (body)
        due (s, &s->bodies, c, now + s->conns->lim.body_ms);
    else
        unlink_conn (s, c);
}

void gw_conn_request_in (gw_conn *c) { unlink_conn (c->set, c); }

void gw_conn_answered (gw_conn *c, int64_t now)
{
    due (c->set, &c->set->headers, c, now + c->set->conns->lim.header_ms);
}

void gw_conn_end (gw_conn **pc)
{
    gw_conn *c = pc ? *pc : NULL;
    if (!c)
        return;
    unlink_conn (c->set, c);
    release (c->set->conns, c->key, c->per_addr);
    free (c);
    *pc = NULL;
}

static int64_t expire_list (gw_conn_set *s, gw_conn *list, int64_t now, int64_t next,
                            void (*close_fn) (gw_conn *c, void *cls), void *cls)
{
    while (list->next != list) {
        gw_conn *c = list->next;
        if (c->deadline_ms > now)
            return c->deadline_ms - now < next ? c->deadline_ms - now : next;
        unlink_conn (s, c);
        c->closing = 1;
        s->expired++;
        close_fn (c, cls);
    }
    return next;
}

int64_t gw_conn_set_expire (gw_conn_set *s, int64_t now, int64_t max_ms,
                            void (*close_fn) (gw_conn *c, void *cls), void *cls)
{
    int64_t next = expire_list (s, &s->headers, now, max_ms, close_fn, cls);
    return expire_list (s, &s->bodies, now, next, close_fn, cls);
}

void gw_conn_set_stats (gw_conn_set *s, unsigned *waiting, unsigned long long *expired)
{
    *waiting = s->waiting;
    *expired = s->expired;
}
