/* http: the gateway's libmicrohttpd daemon (thread pool with epoll): the
 * connection, the body (held up to a limit, or streamed to a route's
 * hook), and the end of each request (metrics, log, `done` hooks). What a
 * request means is core/dispatch.h's. */
#ifndef GW_HTTP_H
#define GW_HTTP_H

#include <stddef.h>

/* Starts listening on `port` with `threads` pool threads; request bodies
 * held in memory over `max_body` bytes are refused with 413 (a streamed
 * body has its hook's own limit). NULL on failure (logged). */
struct MHD_Daemon *gw_http_start (unsigned port, unsigned threads, size_t max_body);

#endif
