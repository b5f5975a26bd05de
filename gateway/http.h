/* http: the gateway's libmicrohttpd daemon (thread pool with epoll). */
#ifndef GW_HTTP_H
#define GW_HTTP_H

#include <stddef.h>

#include "gw.h"

/* Starts listening on `port` with `threads` pool threads; request bodies
 * over `max_body` bytes are refused with 413. NULL on failure (logged). */
struct MHD_Daemon *gw_http_start (unsigned port, unsigned threads, size_t max_body);

#endif
