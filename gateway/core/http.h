/* http: the gateway's libmicrohttpd daemon (thread pool with epoll). */
#ifndef GW_HTTP_H
#define GW_HTTP_H

#include <stddef.h>

#include "core/throttle.h"
#include "gw.h"

/* Starts listening on `port` with `threads` pool threads; request bodies
 * over `max_body` bytes are refused with 413. Routes flagged GW_THROTTLED
 * go through `intake` (borrowed; it must outlive the daemon; NULL: no
 * throttling). NULL on failure (logged). */
struct MHD_Daemon *gw_http_start (unsigned port, unsigned threads, size_t max_body,
                                  gw_throttle *intake);

/* The throttle given to gw_http_start (borrowed), or NULL. */
gw_throttle *gw_http_intake_throttle (void);

#endif
