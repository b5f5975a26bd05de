/* feedback_rpc: feedback-svc's RPC handlers for feedback items, tracking,
 * ratings and stats (API.md "Feedback"). Each checks the caller's roles
 * again (defence in depth) and every field, naming it, before the store
 * runs. main.c lists them in the method table. */
#ifndef FEEDBACK_RPC_H
#define FEEDBACK_RPC_H

#include "loa_rpc_server.h"

void feedback_items_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_track (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_rate (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_public_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_accept (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_forward (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_reject (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_answer (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_approve (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_return (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_close (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_stats (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_ratings_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_ratings_summary (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

#endif
