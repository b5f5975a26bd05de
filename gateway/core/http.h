/* http: the gateway's libmicrohttpd daemons (one per event loop): the
 * connection, the body (held up to a limit, or streamed to a route's
 * hook), and the end of each request (metrics, log, `done` hooks). What a
 * request means is core/dispatch.h's. */
#ifndef GW_HTTP_H
#define GW_HTTP_H

#include <stddef.h>

#include "core/conns.h"

typedef struct gw_http gw_http;

/* Starts listening on `port` with `threads` event-loop threads (one
 * libmicrohttpd daemon each, core/loop.h); request bodies held in memory
 * over `max_body` bytes are refused with 413 (a streamed body has its
 * hook's own limit); connections are admitted and held to their deadlines
 * within `limits` (core/conns.h; copied). NULL on failure (logged). */
gw_http *gw_http_start (unsigned port, unsigned threads, size_t max_body,
                        const gw_conns_limits *limits);

/* Stops accepting, ends the steps in flight (answered 503), joins the
 * threads and closes their sockets. Idempotent; NULLs *ph. */
void gw_http_stop (gw_http **ph);

#endif
