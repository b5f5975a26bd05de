/* conns: the gateway's connections held within bounds, whoever opens them.
 *
 * Admission (every loop's daemon asks before it takes a connection): at
 * most a total (LOA_HTTP_MAX_CONNECTIONS, below the open-file limit so that
 * accept never fails for want of descriptors) and at most so many per
 * client address (LOA_HTTP_CONNECTIONS_PER_ADDRESS; an IPv6 address counts
 * by its /64, as the throttles do). The operator's reverse proxies
 * (LOA_TRUSTED_PROXIES) carry every client's connections and count in the
 * total only. Counts are shared by the loops, under a lock.
 *
 * Deadlines (each loop its own connections, without a lock): a request's
 * line and headers must be in within LOA_HEADER_TIMEOUT_S of the
 * connection's start or of the previous answer's end (so also the longest
 * a kept-alive connection stays idle), and a body held in memory within
 * LOA_BODY_TIMEOUT_S of its headers. Whatever trickles in meanwhile does not
 * extend them (libmicrohttpd's own timeout is an idle one: a byte every few
 * seconds kept a connection forever). A streamed upload has no deadline
 * here (its sender is authenticated before a byte of it is read). */
#ifndef GW_CONNS_H
#define GW_CONNS_H

#include <stdint.h>
#include <sys/socket.h>

#include "core/forwarded.h"

typedef struct gw_conns gw_conns;
typedef struct gw_conn gw_conn;
typedef struct gw_conn_set gw_conn_set;

typedef struct {
    unsigned max_total; /* > 0 */
    unsigned per_addr; /* 0: no limit per address */
    int64_t header_ms; /* > 0 */
    int64_t body_ms; /* > 0 */
    const gw_proxies *exempt; /* borrowed; may be NULL */
} gw_conns_limits;

/* The process's admission counts. NULL when out of memory. */
gw_conns *gw_conns_new (const gw_conns_limits *limits);
void gw_conns_destroy (gw_conns **pself);

/* The key an address counts under: IPv4 as IPv4-mapped IPv6, IPv6 by its
 * /64 (the rest zero). 0, or -1 for another family. */
int gw_conns_key (const struct sockaddr *sa, unsigned char key[16]);

/* A connection from `sa` asks in: 1 admitted and counted (release it with
 * gw_conns_release), 0 refused (total or its address at its limit). */
int gw_conns_admit (gw_conns *self, const struct sockaddr *sa);

/* The total and the connections of `sa`'s address now; refusals so far. */
void gw_conns_stats (gw_conns *self, const struct sockaddr *sa, unsigned *total, unsigned *of_addr,
                     unsigned long long *refused);

/* ------------------------------------------------------------ one loop's connections */

struct gw_conn {
    gw_conn *prev, *next; /* in a deadline list of its set, or NULL */
    int64_t deadline_ms;
    int fd;
    int closing; /* its deadline passed: being closed */
    unsigned char key[16];
    int per_addr; /* counted under its address */
    gw_conn_set *set;
};

/* A loop's connections; `conns` (borrowed) releases their counts. */
gw_conn_set *gw_conn_set_new (gw_conns *conns);
void gw_conn_set_destroy (gw_conn_set **pself);

/* An admitted connection from `sa` on `fd` starts at `now`: its first
 * request's headers are due. NULL when out of memory (its count is
 * released: close it). */
gw_conn *gw_conn_start (gw_conn_set *self, const struct sockaddr *sa, int fd, int64_t now);

/* A request's headers are in at `now`; `body` 1 when a body follows that
 * is held in memory (due within the body deadline), else no deadline. */
void gw_conn_headers_in (gw_conn *c, int64_t now, int body);

/* The request is all in (its body too): no deadline while it is answered. */
void gw_conn_request_in (gw_conn *c);

/* Its answer is over at `now`: the next request's headers are due. */
void gw_conn_answered (gw_conn *c, int64_t now);

/* The connection closed: its counts released, *pc freed and NULLed. */
void gw_conn_end (gw_conn **pc);

/* Calls `close_fn (c, cls)` for each connection whose deadline has passed
 * at `now` (it is marked closing and has no deadline any more; it stays in
 * the set until gw_conn_end). Returns the ms until the next deadline, or
 * `max_ms` when none is nearer. */
int64_t gw_conn_set_expire (gw_conn_set *self, int64_t now, int64_t max_ms,
                            void (*close_fn) (gw_conn *c, void *cls), void *cls);

/* Connections of the set with a deadline, and closed at one so far. */
void gw_conn_set_stats (gw_conn_set *self, unsigned *waiting, unsigned long long *expired);

#endif
