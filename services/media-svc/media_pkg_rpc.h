/* media_pkg_rpc: media-svc's package methods (packages.*, feed.list,
 * receipts.create), listed in media_rpc.c's table. Staff methods check the
 * caller's roles; broadcasters' methods find the broadcaster by the
 * caller's API key (Loa__Caller.api_key_id). */
#ifndef MEDIA_PKG_RPC_H
#define MEDIA_PKG_RPC_H

#include "loa_rpc_server.h"

void media_packages_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg);
void media_packages_correct (loa_rpc_ctx *ctx, const ProtobufCMessage *msg);
void media_packages_cancel (loa_rpc_ctx *ctx, const ProtobufCMessage *msg);
void media_packages_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg);
void media_packages_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg);
void media_packages_ninjs (loa_rpc_ctx *ctx, const ProtobufCMessage *msg);
void media_packages_file (loa_rpc_ctx *ctx, const ProtobufCMessage *msg);
void media_packages_downloaded (loa_rpc_ctx *ctx, const ProtobufCMessage *msg);
void media_feed_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg);
void media_receipts_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg);
/* The calling broadcaster, by its API key. */
void media_broadcasters_me (loa_rpc_ctx *ctx, const ProtobufCMessage *msg);

/* 1 when `s` is an RFC 3339 date-time with a zone. */
int media_is_rfc3339 (const char *s);

#endif
