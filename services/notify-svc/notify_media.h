/* notify_media: what notify-svc asks media-svc, for a call it is answering:
 * whether a broadcaster exists (an admin setting its webhook), and which
 * broadcaster a calling API key is (a broadcaster reading its webhook
 * deliveries). */
#ifndef NOTIFY_MEDIA_H
#define NOTIFY_MEDIA_H

#include <stdint.h>

#include "loa_rpc_server.h"

/* 0 when broadcaster `id` exists (asked with the call's own caller); else
 * fails the call (404, or 503 when media-svc does not answer) and
 * returns -1. */
int notify_media_broadcaster (loa_rpc_ctx *ctx, int64_t id);

/* The calling broadcaster's id (its API key); 0 with the call failed
 * (403 for a key that is no broadcaster's, 503 when media-svc does not
 * answer). */
int64_t notify_media_me (loa_rpc_ctx *ctx);

#endif
