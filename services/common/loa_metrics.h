/* loa_metrics: a service's figures for Prometheus (docs/operations.md
 * "Metrics"): GET /metrics on its own port, LOA_METRICS_PORT (unset or 0:
 * none), in the text format 0.0.4. With LOA_METRICS_TOKEN set (as for the
 * gateway), only `Authorization: Bearer <token>` is answered, else 401.
 * The service's own figures come from a callback (loa_rpc_server_metrics:
 * RPC calls by method and status, their latency); every program adds the
 * process's (process_*) and loa_build_info. Served by libmicrohttpd's own
 * thread: a scrape never waits on a worker. */
#ifndef LOA_METRICS_H
#define LOA_METRICS_H

#include "loa_buf.h"

typedef struct loa_metrics loa_metrics;

/* Appends the program's own figures to `b`. */
typedef void (*loa_metrics_fn) (loa_buf *b, void *arg);

/* Starts serving when LOA_METRICS_PORT is set: 0 with *out the listener
 * (NULL when the port is unset or 0), -1 when it cannot listen (logged). */
int loa_metrics_start (const char *program, loa_metrics_fn fn, void *arg, loa_metrics **out);
void loa_metrics_stop (loa_metrics **m);

/* process_cpu_seconds_total, process_resident_memory_bytes,
 * process_virtual_memory_bytes, process_open_fds, process_max_fds,
 * process_start_time_seconds, and loa_build_info{program, version}. */
void loa_metrics_process (loa_buf *b, const char *program);

#endif
