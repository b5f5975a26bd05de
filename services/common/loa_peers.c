#include "loa_peers.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <zmq.h>

#include "loa_config.h"
#include "loa_log.h"

/* The soonest a name is resolved again after its last resolution when a
 * caller hurries it (a service down makes every call hurry). */
#define HURRY_MIN_MS 200

/* A host name and port, resolved by the thread; shared by every peers
 * object that names it, kept until loa_peers_shutdown. */
typedef struct name_entry {
    struct name_entry *next;
    char *host, *port, *what;
    atomic_uint_fast64_t gen; /* bumped when `addrs` change */
    /* Under reg.lock: */
    char **addrs; /* "tcp://ADDRESS:PORT", sorted */
    size_t n;
    int64_t next_ms, last_ms;
    int hurry;
    int failing; /* the last resolution failed (logged once) */
} name_entry;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    name_entry *names;
    pthread_t thread;
    int running, stop;
    long interval_ms;
} reg = {.lock = PTHREAD_MUTEX_INITIALIZER};

static pthread_once_t reg_once = PTHREAD_ONCE_INIT;

static void reg_init (void)
{
    pthread_condattr_t attr;
    pthread_condattr_init (&attr);
    pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
    pthread_cond_init (&reg.cond, &attr);
    pthread_condattr_destroy (&attr);
}

/* An endpoint of the list: used as written, or a name's addresses. */
typedef struct {
    char *literal;
    name_entry *name;
    uint_fast64_t seen; /* name->gen when last applied */
} peer_item;

struct loa_peers {
    char what[48];
    peer_item *items;
    size_t n_items;
    char **connected; /* what the socket is connected to */
    size_t n_connected;
    int synced; /* connected once */
    int dirty; /* the last sync ran out of memory: again at the next */
};

/* ------------------------------------------------------------ lists */

static void strv_free (char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free (v[i]);
    free (v);
}

static int strv_has (char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp (v[i], s) == 0)
            return 1;
    return 0;
}

static int strv_equal (char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (strcmp (a[i], b[i]) != 0)
            return 0;
    return 1;
}

static int by_string (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The addresses, comma-separated, as many as fit `buf`, for a log line. */
static void strv_join (char *buf, size_t size, char *const *v, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        int w = snprintf (buf + used, size - used, "%s%s", i ? ", " : "", v[i]);
        if (w < 0)
            break;
        used += (size_t) w;
    }
}

/* ------------------------------------------------------------ resolving */

/* Every address of host:port as "tcp://ADDRESS:PORT", sorted, without
 * repeats. 0, or getaddrinfo's error code (*out NULL). */
static int resolve (const char *host, const char *port, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo (host, port, &hints, &res);
    if (rc != 0)
        return rc;
    size_t cap = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
        cap++;
    char **v = calloc (cap ? cap : 1, sizeof *v);
    size_t k = 0;
    for (struct addrinfo *ai = res; v && ai; ai = ai->ai_next) {
        char ip[INET6_ADDRSTRLEN], ep[INET6_ADDRSTRLEN + 32];
        const void *a = ai->ai_family == AF_INET6
                            ? (const void *) &((struct sockaddr_in6 *) ai->ai_addr)->sin6_addr
                            : (const void *) &((struct sockaddr_in *) ai->ai_addr)->sin_addr;
        if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
            !inet_ntop (ai->ai_family, a, ip, sizeof ip))
            continue;
        snprintf (ep, sizeof ep, ai->ai_family == AF_INET6 ? "tcp://[%s]:%s" : "tcp://%s:%s", ip,
                  port);
        if (strv_has (v, k, ep))
            continue;
        if (!(v[k] = strdup (ep))) {
            strv_free (v, k);
            v = NULL;
            break;
        }
        k++;
    }
    freeaddrinfo (res);
    if (!v)
        return EAI_MEMORY;
    qsort (v, k, sizeof *v, by_string);
    *out = v;
    *n = k;
    return 0;
}

/* Takes a resolution's outcome into `e` (under reg.lock); `addrs` is
 * taken. */
static void apply_resolution (name_entry *e, int rc, char **addrs, size_t n)
{
    if (rc != 0 || n == 0) {
        if (!e->failing)
            loa_warn (NULL, "peers: %s: %s does not resolve (%s); %s", e->what, e->host,
                      rc ? gai_strerror (rc) : "no address",
                      e->n ? "keeping its last addresses" : "no replica to call until it does");
        e->failing = 1;
        strv_free (addrs, n);
        return;
    }
    if (e->failing)
        loa_info (NULL, "peers: %s: %s resolves again", e->what, e->host);
    e->failing = 0;
    if (strv_equal (addrs, n, e->addrs, e->n)) {
        strv_free (addrs, n);
        return;
    }
    char list[512];
    strv_join (list, sizeof list, addrs, n);
    loa_info (NULL, "peers: %s: %s is %zu replica%s: %s", e->what, e->host, n, n == 1 ? "" : "s",
              list);
    strv_free (e->addrs, e->n);
    e->addrs = addrs;
    e->n = n;
    atomic_fetch_add (&e->gen, 1);
}

/* Resolves `e` again: called and returning with reg.lock held, which is
 * let go of meanwhile (the entry's host and port never change). */
static void resolve_entry (name_entry *e)
{
    pthread_mutex_unlock (&reg.lock);
    char **addrs;
    size_t n;
    int rc = resolve (e->host, e->port, &addrs, &n);
    pthread_mutex_lock (&reg.lock);
    apply_resolution (e, rc, addrs, n);
}

static void *resolver_main (void *arg)
{
    (void) arg;
    pthread_mutex_lock (&reg.lock);
    while (!reg.stop) {
        int64_t now = loa_mono_ms ();
        int64_t wake = now + reg.interval_ms;
        name_entry *due = NULL;
        for (name_entry *e = reg.names; e && !due; e = e->next) {
            int64_t at = e->hurry ? e->last_ms + HURRY_MIN_MS : e->next_ms;
            if (e->hurry && at > e->next_ms)
                at = e->next_ms;
            if (at <= now)
                due = e;
            else if (at < wake)
                wake = at;
        }
        if (!due) {
            struct timespec ts;
            clock_gettime (CLOCK_MONOTONIC, &ts);
            int64_t ms = wake - now;
            ts.tv_sec += ms / 1000;
            ts.tv_nsec += (ms % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait (&reg.cond, &reg.lock, &ts);
            continue;
        }
        due->hurry = 0;
        due->last_ms = now;
        due->next_ms = now + reg.interval_ms;
        resolve_entry (due);
    }
    pthread_mutex_unlock (&reg.lock);
    return NULL;
}

/* The entry of host:port, made (and resolved once, here) when new; NULL
 * when out of memory or the thread cannot start. */
static name_entry *name_get (const char *what, const char *host, const char *port)
{
    pthread_once (&reg_once, reg_init);
    pthread_mutex_lock (&reg.lock);
    name_entry *e = reg.names;
    while (e && !(strcmp (e->host, host) == 0 && strcmp (e->port, port) == 0))
        e = e->next;
    if (e) {
        pthread_mutex_unlock (&reg.lock);
        return e;
    }
    if (!reg.running) {
        reg.interval_ms = loa_env_int ("LOA_DISCOVERY_MS", 5000, 100, 3600000);
        reg.stop = 0;
        if (pthread_create (&reg.thread, NULL, resolver_main, NULL) != 0) {
            pthread_mutex_unlock (&reg.lock);
            loa_error (NULL, "peers: cannot start the resolving thread");
            return NULL;
        }
        reg.running = 1;
    }
    e = calloc (1, sizeof *e);
    if (!e || !(e->host = strdup (host)) || !(e->port = strdup (port)) ||
        !(e->what = strdup (what))) {
        if (e) {
            free (e->host);
            free (e->port);
        }
        free (e);
        pthread_mutex_unlock (&reg.lock);
        return NULL;
    }
    atomic_init (&e->gen, 0);
    /* The first resolution here, so that the first sync connects at once;
     * the thread takes over from the next interval. */
    int64_t now = loa_mono_ms ();
    e->last_ms = now;
    e->next_ms = now + reg.interval_ms;
    e->next = reg.names;
    reg.names = e;
    resolve_entry (e);
    pthread_mutex_unlock (&reg.lock);
    return e;
}

void loa_peers_shutdown (void)
{
    pthread_once (&reg_once, reg_init);
    pthread_mutex_lock (&reg.lock);
    int running = reg.running;
    reg.stop = 1;
    pthread_cond_signal (&reg.cond);
    pthread_mutex_unlock (&reg.lock);
    if (running)
        pthread_join (reg.thread, NULL);
    pthread_mutex_lock (&reg.lock);
    for (name_entry *e = reg.names, *next; e; e = next) {
        next = e->next;
        strv_free (e->addrs, e->n);
        free (e->host);
        free (e->port);
        free (e->what);
        free (e);
    }
    reg.names = NULL;
    reg.running = 0;
    reg.stop = 0;
    pthread_mutex_unlock (&reg.lock);
}

/* ------------------------------------------------------------ the peers */

/* Splits "tcp://HOST:PORT" into a name to resolve: 1 with *host and *port
 * (the caller's), 0 when the endpoint is used as written (another
 * transport, an IP literal, an interface), -1 when out of memory. */
static int name_of (const char *ep, char **host, char **port)
{
    *host = *port = NULL;
    if (strncmp (ep, "tcp://", 6) != 0)
        return 0;
    const char *h = ep + 6, *colon = strrchr (h, ':');
    if (!colon || colon == h || !colon[1] || h[0] == '[' || strchr (h, ';'))
        return 0;
    char *name = strndup (h, (size_t) (colon - h));
    if (!name)
        return -1;
    unsigned char bin[sizeof (struct in6_addr)];
    if (strcmp (name, "*") == 0 || inet_pton (AF_INET, name, bin) == 1) {
        free (name);
        return 0;
    }
    if (!(*port = strdup (colon + 1))) {
        free (name);
        return -1;
    }
    *host = name;
    return 1;
}

loa_peers *loa_peers_new (const char *what, const char *endpoints)
{
    loa_peers *p = calloc (1, sizeof *p);
    char *list = endpoints ? strdup (endpoints) : NULL;
    if (!p || !list) {
        free (p);
        free (list);
        return NULL;
    }
    snprintf (p->what, sizeof p->what, "%s", what ? what : "?");
    size_t cap = 1;
    for (const char *c = list; *c; c++)
        cap += *c == ',' || *c == ' ';
    p->items = calloc (cap, sizeof *p->items);
    char *save = NULL;
    for (char *ep = p->items ? strtok_r (list, ", ", &save) : NULL; ep;
         ep = strtok_r (NULL, ", ", &save)) {
        peer_item *it = &p->items[p->n_items];
        char *host, *port;
        int named = name_of (ep, &host, &port);
        if (named == 1)
            it->name = name_get (p->what, host, port);
        if (!it->name) /* or, without the thread, as ZeroMQ resolves it: one address */
            it->literal = strdup (ep);
        free (host);
        free (port);
        if (!it->name && !it->literal) {
            p->n_items++;
            loa_peers_free (&p);
            break;
        }
        p->n_items++;
    }
    free (list);
    if (p && (!p->items || p->n_items == 0))
        loa_peers_free (&p);
    return p;
}

size_t loa_peers_sync (loa_peers *p, void *sock)
{
    int changed = !p->synced || p->dirty, named = 0;
    for (size_t i = 0; i < p->n_items; i++)
        if (p->items[i].name) {
            named = 1;
            if (atomic_load (&p->items[i].name->gen) != p->items[i].seen)
                changed = 1;
        }
    if (!changed)
        return p->n_connected;
    /* What the socket should be connected to now. */
    size_t cap = 0;
    if (named)
        pthread_mutex_lock (&reg.lock);
    for (size_t i = 0; i < p->n_items; i++)
        cap += p->items[i].name ? p->items[i].name->n : 1;
    char **want = calloc (cap ? cap : 1, sizeof *want);
    size_t n_want = 0;
    int failed = !want;
    for (size_t i = 0; !failed && i < p->n_items; i++) {
        peer_item *it = &p->items[i];
        char *const *from = it->name ? it->name->addrs : &it->literal;
        size_t n = it->name ? it->name->n : 1;
        for (size_t k = 0; k < n && !failed; k++) {
            if (strv_has (want, n_want, from[k]))
                continue;
            if (!(want[n_want] = strdup (from[k])))
                failed = 1;
            else
                n_want++;
        }
        if (it->name)
            it->seen = atomic_load (&it->name->gen);
    }
    if (named)
        pthread_mutex_unlock (&reg.lock);
    p->dirty = failed;
    if (failed) { /* out of memory: try again at the next sync */
        strv_free (want, n_want);
        return p->n_connected;
    }
    /* Gone first, then new: the socket's list stays within `want`. */
    size_t kept = 0;
    for (size_t i = 0; i < p->n_connected; i++) {
        if (strv_has (want, n_want, p->connected[i])) {
            p->connected[kept++] = p->connected[i];
            continue;
        }
        if (zmq_disconnect (sock, p->connected[i]) == 0)
            loa_info (NULL, "peers: %s: %s is gone", p->what, p->connected[i]);
        free (p->connected[i]);
    }
    p->n_connected = kept;
    char **grown = realloc (p->connected, (kept + n_want + 1) * sizeof *grown);
    p->dirty = !grown;
    if (grown) {
        p->connected = grown;
        for (size_t i = 0; i < n_want; i++) {
            if (strv_has (p->connected, p->n_connected, want[i]))
                continue;
            if (zmq_connect (sock, want[i]) != 0) {
                loa_error (NULL, "peers: %s: cannot connect %s: %s", p->what, want[i],
                           zmq_strerror (zmq_errno ()));
                continue;
            }
            if (p->synced)
                loa_info (NULL, "peers: %s: %s is new", p->what, want[i]);
            p->connected[p->n_connected++] = want[i];
            want[i] = NULL;
        }
    }
    strv_free (want, n_want);
    p->synced = 1;
    return p->n_connected;
}

void loa_peers_forget (loa_peers *p)
{
    strv_free (p->connected, p->n_connected);
    p->connected = NULL;
    p->n_connected = 0;
    p->synced = 0;
}

void loa_peers_hurry (loa_peers *p)
{
    int any = 0;
    pthread_mutex_lock (&reg.lock);
    for (size_t i = 0; i < p->n_items; i++)
        if (p->items[i].name) {
            p->items[i].name->hurry = 1;
            any = 1;
        }
    if (any)
        pthread_cond_signal (&reg.cond);
    pthread_mutex_unlock (&reg.lock);
}

const char *loa_peers_address (const loa_peers *p, size_t i)
{
    return p && i < p->n_connected ? p->connected[i] : NULL;
}

void loa_peers_free (loa_peers **pself)
{
    loa_peers *p = pself ? *pself : NULL;
    if (!p)
        return;
    for (size_t i = 0; i < p->n_items; i++)
        free (p->items[i].literal);
    free (p->items);
    strv_free (p->connected, p->n_connected);
    free (p);
    *pself = NULL;
}
