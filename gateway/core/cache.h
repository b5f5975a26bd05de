/* cache: anonymous public reads (GW_PUBLIC routes) kept in memory and
 * invalidated by the services' events.
 *
 * A thread subscribes to every service's event PUB socket. Each event, and
 * each heartbeat whose seq differs from the last seen, bumps that service's
 * generation; an entry is fresh only while its generation is current, the
 * service's heartbeats are live (seen in the last 3 s, so a lost event can
 * never keep a stale entry), and it is younger than LOA_CACHE_TTL_MS (a
 * bound for changes made outside the services, e.g. by hand in SQL).
 * Entries are stored only for 200 answers to callers without credentials. */
#ifndef GW_CACHE_H
#define GW_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/encode.h"
#include "gw.h"

/* Starts the events thread. LOA_CACHE_BYTES (default 32 MiB, 0 disables the
 * cache) bounds the memory held. 0 or -1. */
int gw_cache_start (void *zmq_ctx);
/* Stops the thread and frees every entry; until the next start nothing is
 * served or stored. */
void gw_cache_stop (void);

/* The generation of `svc` to pass to gw_cache_put, read before the RPC, or
 * 0 when the cache cannot be used for it now (disabled, events not live). */
uint64_t gw_cache_generation (gw_service svc);

/* Calls `fn` with the fresh entry for `key`, under a read lock (fn must
 * copy what it keeps, or take a reference with gw_cache_share). Returns 1
 * when found and fresh, else 0. */
int gw_cache_with (const char *key, gw_service svc,
                   void (*fn) (const char *body, size_t len, const char *etag, void *arg),
                   void *arg);

/* Called from gw_cache_with's `fn` with the `body` it was given: one more
 * reference to the cache's copy, which then outlives its entry until
 * gw_cache_unshare (body) (for a response that sends it without copying:
 * an MHD free callback). Returns body. */
void *gw_cache_share (const char *body);
void gw_cache_unshare (void *body);

/* Makes every entry of `svc` stale (after a write through this gateway, so
 * that its caller reads its own write without waiting for the event). */
void gw_cache_invalidate (gw_service svc);

/* Stores a copy of `body` for `key` when `gen` is non-zero and current. */
void gw_cache_put (const char *key, gw_service svc, uint64_t gen, const char *body, size_t len,
                   const char *etag);

/* A body and its compressed forms (`enc`, may be NULL) copied into one
 * block shared by reference (as gw_cache_share), *v pointing into it: the
 * caller holds the one reference (gw_cache_unshare (block)). NULL when out
 * of memory. */
const char *gw_cache_block_new (const char *body, size_t len, const gw_encoded *enc,
                                gw_variants *v);

/* Stores `block` (gw_cache_block_new: the entry takes one more reference)
 * with its forms `v` for `key` when `gen` is non-zero and current. */
void gw_cache_put_block (const char *key, gw_service svc, uint64_t gen, const char *block,
                         const gw_variants *v, const char *etag);

/* The fresh entry for `key`: 1 with its forms in *v, its ETag, and *block
 * holding one reference for the caller (gw_cache_unshare (*block) once the
 * forms are no longer needed); else 0. */
int gw_cache_get (const char *key, gw_service svc, gw_variants *v, char etag[24],
                  const char **block);

/* When the entry for `key`, fresh or stale, holds a body of ETag `etag`
 * (the same bytes made again: a miss, or a client's no-cache): it is made
 * fresh under `gen` when that is current, as a put would, without copying
 * or compressing anything again, and 1 is returned with *v and *block as
 * gw_cache_get. Else 0. */
int gw_cache_renew (const char *key, gw_service svc, uint64_t gen, const char *etag, gw_variants *v,
                    const char **block);

/* Answers 200 with `text` (taken) as `type`, a public read or a page just
 * made, with its ETag (public, no-cache), in the form the request's
 * Accept-Encoding prefers (core/encode.h); kept for `key` when `gen` is
 * still current. The body is compressed once, when it is kept or when the
 * reader accepts a compressed form; when the entry already holds the same
 * bytes its forms are reused (gw_cache_renew). */
enum MHD_Result gw_cache_respond (gw_request *req, const char *key, gw_service svc, uint64_t gen,
                                  const char *type, char *text, size_t len, const char *etag);

/* Answers from the fresh entry for `key` (200 in the preferred form, or
 * 304): 1 with *rc set; else 0. */
int gw_cache_answer (gw_request *req, const char *key, gw_service svc, const char *type,
                     enum MHD_Result *rc);

/* Single flight: when many anonymous readers miss the same key at once
 * (after an invalidation, or a cold start), one of them asks the service
 * and the others wait for its answer instead of all asking.
 * gw_cache_fill_begin returns a ticket > 0 to the caller that fills `key`
 * (it must call gw_cache_fill_end with it once it has answered, stored or
 * not); 0 after waiting (at most `wait_ms`) for another caller's fill, so
 * the caller looks again and, on a miss, asks the service itself; -1 when
 * no fill slot is free (ask the service). */
int gw_cache_fill_begin (const char *key, gw_service svc, int wait_ms);
void gw_cache_fill_end (int ticket);

/* The same on an event loop (core/loop.h), without blocking its thread: a
 * ticket > 0 to fill, -1 to ask the service, or GW_FILL_WAITING when `req`
 * is now suspended behind another request's fill: `then` runs when that
 * fill ends or `wait_ms` passes (the handler returns MHD_YES at once). */
#define GW_FILL_WAITING (-2)
int gw_cache_fill_begin_async (const char *key, gw_service svc, int wait_ms, gw_request *req,
                               gw_handler then);

/* Lookups that found a fresh entry, those that did not, bytes held. */
void gw_cache_stats (unsigned long long *hits, unsigned long long *misses, size_t *bytes);

#endif
