/* throttle: how many requests one client address may make to one route
 * (docs/api/open311.md: citizens' POSTs are "throttled per client address").
 *
 * Scheme: a sliding-window log. Each (route, address) keeps the times of
 * its admitted requests of the last `window_s` seconds, at most `limit` of
 * them; a request is admitted when fewer than `limit` lie in the window
 * ending now, and its time is then recorded. So no client ever has more
 * than `limit` requests admitted in any `window_s` seconds (no burst at a
 * window's edge, unlike fixed windows; no 2 x limit, unlike a token bucket
 * of size `limit`). A refused request records nothing: the answer's
 * Retry-After is exact (when the oldest admitted request leaves the
 * window), and a client retrying early does not push it further away.
 *
 * Keys: the route and the client address. IPv6 addresses count by their
 * /64 (one host has the whole /64 to choose from); IPv4 by the address.
 * Or the route and a client application (gw_throttle_hit_client): an
 * Open311 application files for many citizens from one server address.
 *
 * Memory is fixed at creation (`max_bytes`, each entry costing
 * 32 + 8 x limit bytes) and never grows. The table is set-associative:
 * a keyed hash (SipHash, random key per process, so nobody can aim at one
 * set) picks a set of 8 entries; a new key takes an unused entry of its
 * set, else one whose requests have all left the window, else it evicts
 * the set's oldest (the entry whose newest request is the oldest, which
 * would have expired first). A flood of distinct addresses, more than the
 * table holds within one window, therefore makes the table forget the
 * least recent clients: they get a fresh allowance (the throttle fails
 * open for them), memory stays the same, and every lookup stays O(8).
 * Evictions of live entries are counted (gw_throttle_stats).
 *
 * Thread-safe: sets are guarded by striped mutexes. */
#ifndef GW_THROTTLE_H
#define GW_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct gw_throttle gw_throttle;

#define GW_THROTTLE_MAX_LIMIT 1000

/* A throttle admitting `limit` (1..GW_THROTTLE_MAX_LIMIT) requests per
 * `window_s` seconds (>= 1) per key, in at most `max_bytes` of memory (at
 * least one set of 8 entries is always made). NULL on bad arguments or
 * when out of memory. */
gw_throttle *gw_throttle_new (unsigned limit, unsigned window_s, size_t max_bytes);

/* Frees the throttle and NULLs *self_p; NULL or *self_p NULL is fine. */
void gw_throttle_destroy (gw_throttle **self_p);

/* One request of client `addr` (textual IPv4 or IPv6; anything else counts
 * as one unknown address) to route number `route`, at `now_ms` (a
 * monotonic clock, never going back). Returns 0 when admitted (and
 * counted), else the whole seconds to wait before one more would be
 * admitted: 1..window_s. */
long gw_throttle_hit (gw_throttle *self, unsigned route, const char *addr, int64_t now_ms);

/* The same for a client application (an API key's id) rather than an
 * address: its keys never meet an address's. */
long gw_throttle_hit_client (gw_throttle *self, unsigned route, int64_t client_id, int64_t now_ms);

/* The settings and the number of entries the table holds. */
unsigned gw_throttle_limit (const gw_throttle *self);
unsigned gw_throttle_window_s (const gw_throttle *self);
size_t gw_throttle_capacity (const gw_throttle *self);

/* Refused requests and evictions of entries still inside their window,
 * since creation. */
void gw_throttle_stats (gw_throttle *self, unsigned long long *refused,
                        unsigned long long *evicted);

#endif
