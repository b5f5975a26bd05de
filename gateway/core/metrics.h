/* metrics: counters and latency histograms for /metrics (Prometheus text
 * format 0.0.4): HTTP requests by route, method and status; RPC calls by
 * service and outcome. Lock-free (relaxed atomics). */
#ifndef GW_METRICS_H
#define GW_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "gw.h"

/* The routes the counters have room for: the table may not have more
 * (main refuses to start, naming both numbers; each route costs ~1 KB). */
#define GW_METRICS_MAX_ROUTES 512

/* One request that is over: its route (NULL: none matched; then
 * `fallback` 1 when the fallback, the portal, answered it). */
void gw_metrics_http (const gw_route *route, int fallback, unsigned status, int64_t elapsed_ms);
void gw_metrics_rpc (gw_service svc, Loa__Status status, int64_t elapsed_ms);
/* A safe call sent again after its retry point (core/loop.c). */
void gw_metrics_rpc_retry (gw_service svc);

/* What the guards against abuse turned away: a connection refused at its
 * limits (core/conns.h), one closed at its deadline, a password job
 * refused by the full hash pool (503). */
typedef enum {
    GW_GUARD_CONN_REFUSED,
    GW_GUARD_CONN_LATE,
    GW_GUARD_HASH_BUSY,
    GW_N_GUARDS
} gw_guard;
void gw_metrics_guard (gw_guard what);

/* The exposition text, malloc'ed (caller frees); *len gets its length. */
char *gw_metrics_render (size_t *len);

#endif
