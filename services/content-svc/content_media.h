/* content_media: what content-svc asks media-svc: whether the assets an
 * article names exist (an article never points at a file that does not).
 *
 * Each worker thread has its own RPC client (loa_rpc_client is one per
 * thread), made on first use, connected to media-svc's RPC address
 * (loa_endpoints: LOA_MEDIA_RPC, default tcp://127.0.0.1:7104) and freed
 * when the thread ends; the clients share one ZeroMQ context. */
#ifndef CONTENT_MEDIA_H
#define CONTENT_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "loa_rpc_server.h"

/* Asks media-svc about each of the n asset ids that is positive (others
 * are skipped; an id named twice is asked once), with assets.get as the
 * call's caller, within half of the call's remaining time. 0 when every one
 * exists; else -1 after failing the call: INVALID naming attachment_ids
 * once per element of `ids` that media-svc does not know, in their order,
 * or UNAVAILABLE when media-svc does not answer (down, late, or any other
 * failure). */
int content_media_check_assets (loa_rpc_ctx *ctx, const int64_t *ids, size_t n);

#endif
