/* What feedback_rpc.c and feedback_flow_rpc.c (one RPC side in two files)
 * share: the words and checks both use, and the staff's handlers that
 * feedback_methods lists. Not for other modules. */
#ifndef FEEDBACK_RPC_INT_H
#define FEEDBACK_RPC_INT_H

#include "loa_rpc_server.h"

#define FB_BAD_INPUT "Dữ liệu gửi lên không hợp lệ"

/* What the store's statuses say of an item. */
extern const loa_rpc_store_answer fb_item_answers[];

/* Every intake channel (web and open311 are set by the service, the others
 * by the staff who record an item), NULL-ended. */
extern const char *const fb_channels[];

/* Adds the field error {name, message}; returns 1 (one more problem). */
int fb_field (loa_rpc_ctx *ctx, const char *name, const char *message);

/* An optional date field: 1 (field error added) when present and not a
 * real date written YYYY-MM-DD, else 0. */
int fb_bad_date (loa_rpc_ctx *ctx, const char *name, const char *value);

/* feedback_flow_rpc.c: the staff's reads and the workflow's steps. */
void feedback_items_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_attachment_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_contact (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_digest (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_accept (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_forward (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_reject (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_answer (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_approve (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_return (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_items_close (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

#endif
