#include "core/metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/dispatch.h"
#include "core/router.h"
#include "core/services.h"
#include "core/throttle.h"
#include "loa_buf.h"
#include "loa_metrics.h"

#define MAX_ROUTES GW_METRICS_MAX_ROUTES
static const unsigned statuses[] = {200, 201, 204, 206, 304, 400, 401, 403, 404, 405, 409, 410,
                                    412, 413, 415, 416, 422, 428, 429, 500, 502, 503, 504, 0};
#define N_STATUS (sizeof statuses / sizeof statuses[0]) /* the last slot: any other */
static const double bounds_ms[] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
#define N_BUCKETS (sizeof bounds_ms / sizeof bounds_ms[0])

typedef struct {
    atomic_ullong count[N_STATUS];
    atomic_ullong bucket[N_BUCKETS]; /* not cumulative; summed at render */
    atomic_ullong sum_ms;
} route_stats;

typedef struct {
    atomic_ullong count[LOA__STATUS__CREATED + 1];
    atomic_ullong bucket[N_BUCKETS];
    atomic_ullong sum_ms;
} rpc_stats;

/* After the routes: the fallback's answers (the web portal's files), then requests
 * nothing answered (an unknown /api path). */
#define PORTAL MAX_ROUTES
#define UNMATCHED (MAX_ROUTES + 1)
static route_stats http_stats[MAX_ROUTES + 2];
static atomic_ullong guards[GW_N_GUARDS];

void gw_metrics_guard (gw_guard what)
{
    if (what < GW_N_GUARDS)
        atomic_fetch_add_explicit (&guards[what], 1, memory_order_relaxed);
}

static const char *route_label (size_t r, const char **method)
{
    if (r < MAX_ROUTES) {
        *method = gw_route_at (r)->method;
        return gw_route_at (r)->pattern;
    }
    *method = r == PORTAL ? "GET" : "any";
    return r == PORTAL ? "portal" : "unmatched";
}
static rpc_stats rpc_stats_by_svc[GW_N_SERVICES];
static atomic_ullong rpc_retries[GW_N_SERVICES];

void gw_metrics_rpc_retry (gw_service svc)
{
    atomic_fetch_add_explicit (&rpc_retries[svc], 1, memory_order_relaxed);
}

static size_t bucket_of (int64_t ms)
{
    size_t b = 0;
    while (b < N_BUCKETS && (double) ms > bounds_ms[b])
        b++;
    return b; /* N_BUCKETS: beyond the last bound (+Inf only) */
}

static void observe (atomic_ullong *bucket, atomic_ullong *sum, int64_t ms)
{
    size_t b = bucket_of (ms);
    if (b < N_BUCKETS)
        atomic_fetch_add_explicit (&bucket[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit (sum, (unsigned long long) (ms > 0 ? ms : 0), memory_order_relaxed);
}

void gw_metrics_http (const gw_route *route, int fallback, unsigned status, int64_t elapsed_ms)
{
    long i = gw_route_index (route);
    size_t r = i >= 0 && i < MAX_ROUTES ? (size_t) i : fallback ? PORTAL : UNMATCHED;
    size_t s = 0;
    while (statuses[s] && statuses[s] != status)
        s++;
    route_stats *st = &http_stats[r];
    atomic_fetch_add_explicit (&st->count[s], 1, memory_order_relaxed);
    observe (st->bucket, &st->sum_ms, elapsed_ms);
}

void gw_metrics_rpc (gw_service svc, Loa__Status status, int64_t elapsed_ms)
{
    rpc_stats *st = &rpc_stats_by_svc[svc];
    size_t s = (size_t) status <= LOA__STATUS__CREATED ? (size_t) status : LOA__STATUS__INTERNAL;
    atomic_fetch_add_explicit (&st->count[s], 1, memory_order_relaxed);
    observe (st->bucket, &st->sum_ms, elapsed_ms);
}

static void put_histogram (loa_buf *b, const char *name, const char *labels, atomic_ullong *bucket,
                           unsigned long long total, atomic_ullong *sum)
{
    unsigned long long cum = 0;
    for (size_t i = 0; i < N_BUCKETS; i++) {
        cum += atomic_load_explicit (&bucket[i], memory_order_relaxed);
        loa_buf_printf (b, "%s_bucket{%s,le=\"%g\"} %llu\n", name, labels, bounds_ms[i] / 1000.0,
                        cum);
    }
    loa_buf_printf (b, "%s_bucket{%s,le=\"+Inf\"} %llu\n", name, labels, total);
    loa_buf_printf (b, "%s_sum{%s} %g\n", name, labels,
                    (double) atomic_load_explicit (sum, memory_order_relaxed) / 1000.0);
    loa_buf_printf (b, "%s_count{%s} %llu\n", name, labels, total);
}

static const char *status_name (size_t s)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value (&loa__status__descriptor, (int) s);
    return v ? v->name : "unknown";
}

char *gw_metrics_render (size_t *len)
{
    loa_buf b = {0};
    loa_buf_printf (&b,
                    "# HELP loa_http_requests_total HTTP requests by route, method and status.\n"
                    "# TYPE loa_http_requests_total counter\n");
    for (size_t r = 0; r <= UNMATCHED; r++) {
        if (r < MAX_ROUTES && r >= gw_route_count ())
            continue;
        const char *method;
        const char *pattern = route_label (r, &method);
        for (size_t s = 0; s < N_STATUS; s++) {
            unsigned long long n =
                atomic_load_explicit (&http_stats[r].count[s], memory_order_relaxed);
            if (n) {
                char code[16] = "other"; /* the last slot: any status not listed */
                if (statuses[s])
                    snprintf (code, sizeof code, "%u", statuses[s]);
                loa_buf_printf (
                    &b, "loa_http_requests_total{route=\"%s\",method=\"%s\",status=\"%s\"} %llu\n",
                    pattern, method, code, n);
            }
        }
    }
    loa_buf_printf (&b, "# HELP loa_http_request_duration_seconds HTTP request latency by route.\n"
                        "# TYPE loa_http_request_duration_seconds histogram\n");
    for (size_t r = 0; r <= UNMATCHED; r++) {
        if (r < MAX_ROUTES && r >= gw_route_count ())
            continue;
        unsigned long long total = 0;
        for (size_t s = 0; s < N_STATUS; s++)
            total += atomic_load_explicit (&http_stats[r].count[s], memory_order_relaxed);
        if (!total)
            continue;
        char labels[200];
        const char *method;
        const char *pattern = route_label (r, &method);
        snprintf (labels, sizeof labels, "route=\"%s\",method=\"%s\"", pattern, method);
        put_histogram (&b, "loa_http_request_duration_seconds", labels, http_stats[r].bucket, total,
                       &http_stats[r].sum_ms);
    }
    loa_buf_printf (
        &b, "# HELP loa_rpc_requests_total RPC calls from the gateway by service and outcome.\n"
            "# TYPE loa_rpc_requests_total counter\n");
    for (int v = 0; v < GW_N_SERVICES; v++)
        for (size_t s = 0; s <= LOA__STATUS__CREATED; s++) {
            unsigned long long n =
                atomic_load_explicit (&rpc_stats_by_svc[v].count[s], memory_order_relaxed);
            if (n)
                loa_buf_printf (&b, "loa_rpc_requests_total{service=\"%s\",status=\"%s\"} %llu\n",
                                gw_service_name ((gw_service) v), status_name (s), n);
        }
    loa_buf_printf (&b, "# HELP loa_rpc_retries_total Calls safe to repeat (reads, writes with an "
                        "idempotency key) sent again after LOA_RPC_RETRY_MS without a reply.\n"
                        "# TYPE loa_rpc_retries_total counter\n");
    for (int v = 0; v < GW_N_SERVICES; v++)
        loa_buf_printf (
            &b, "loa_rpc_retries_total{service=\"%s\"} %llu\n", gw_service_name ((gw_service) v),
            (unsigned long long) atomic_load_explicit (&rpc_retries[v], memory_order_relaxed));
    loa_buf_printf (&b, "# HELP loa_rpc_duration_seconds RPC latency from the gateway by service.\n"
                        "# TYPE loa_rpc_duration_seconds histogram\n");
    for (int v = 0; v < GW_N_SERVICES; v++) {
        unsigned long long total = 0;
        for (size_t s = 0; s <= LOA__STATUS__CREATED; s++)
            total += atomic_load_explicit (&rpc_stats_by_svc[v].count[s], memory_order_relaxed);
        if (!total)
            continue;
        char labels[64];
        snprintf (labels, sizeof labels, "service=\"%s\"", gw_service_name ((gw_service) v));
        put_histogram (&b, "loa_rpc_duration_seconds", labels, rpc_stats_by_svc[v].bucket, total,
                       &rpc_stats_by_svc[v].sum_ms);
    }
    unsigned long long hits, misses;
    size_t bytes;
    gw_cache_stats (&hits, &misses, &bytes);
    loa_buf_printf (
        &b,
        "# HELP loa_cache_lookups_total Public-read cache lookups by result.\n"
        "# TYPE loa_cache_lookups_total counter\n"
        "loa_cache_lookups_total{result=\"hit\"} %llu\nloa_cache_lookups_total{result=\"miss\"} "
        "%llu\n"
        "# HELP loa_cache_bytes Bytes held by the public-read cache.\n"
        "# TYPE loa_cache_bytes gauge\nloa_cache_bytes %zu\n",
        hits, misses, bytes);
    loa_buf_printf (
        &b,
        "# HELP loa_http_connections_refused_total Connections closed as soon as accepted: the "
        "total (LOA_HTTP_MAX_CONNECTIONS) or their address's share "
        "(LOA_HTTP_CONNECTIONS_PER_ADDRESS) was full.\n"
        "# TYPE loa_http_connections_refused_total counter\n"
        "loa_http_connections_refused_total %llu\n"
        "# HELP loa_http_connections_late_total Connections closed because a request's headers "
        "or held body missed its deadline (LOA_HEADER_TIMEOUT_S, LOA_BODY_TIMEOUT_S).\n"
        "# TYPE loa_http_connections_late_total counter\nloa_http_connections_late_total %llu\n"
        "# HELP loa_hash_busy_total Password jobs refused (503) by the full hash pool "
        "(LOA_HASH_QUEUE).\n"
        "# TYPE loa_hash_busy_total counter\nloa_hash_busy_total %llu\n",
        (unsigned long long) atomic_load (&guards[GW_GUARD_CONN_REFUSED]),
        (unsigned long long) atomic_load (&guards[GW_GUARD_CONN_LATE]),
        (unsigned long long) atomic_load (&guards[GW_GUARD_HASH_BUSY]));
    gw_throttle *t = gw_dispatch_intake ();
    if (t) {
        unsigned long long refused, evicted;
        gw_throttle_stats (t, &refused, &evicted);
        loa_buf_printf (
            &b,
            "# HELP loa_throttle_refused_total Requests refused (429) by the intake throttle.\n"
            "# TYPE loa_throttle_refused_total counter\nloa_throttle_refused_total %llu\n"
            "# HELP loa_throttle_evictions_total Clients forgotten by the intake throttle within "
            "their window (its table was full: many distinct addresses).\n"
            "# TYPE loa_throttle_evictions_total counter\nloa_throttle_evictions_total %llu\n"
            "# HELP loa_throttle_entries Clients the intake throttle's table can hold.\n"
            "# TYPE loa_throttle_entries gauge\nloa_throttle_entries %zu\n",
            refused, evicted, gw_throttle_capacity (t));
    }
    loa_metrics_process (&b, "gateway");
    return loa_buf_take (&b, len);
}
