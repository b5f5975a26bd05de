/* feedback_rpc: feedback-svc's RPC handlers for feedback items, tracking,
 * ratings and stats (API.md "Feedback"). Each checks the caller's roles
 * again (defence in depth) and every field, naming it, before the store
 * runs. */
#ifndef FEEDBACK_RPC_H
#define FEEDBACK_RPC_H

#include "loa_rpc_server.h"

/* feedback-svc's method table: these handlers and the calendar's
 * (calendar_rpc.h), as declared in proto/feedback_rpc.proto ("ping" and
 * "events.since" are added by loa_service). */
extern const loa_rpc_method feedback_methods[];

void feedback_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_track (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_rate (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_public_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_accept (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_forward (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_reject (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_answer (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_approve (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_return (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_close (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_stats (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void ratings_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void ratings_summary (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

#endif
