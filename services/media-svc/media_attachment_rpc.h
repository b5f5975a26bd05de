/* media_attachment_rpc: citizens' attachments to feedback
 * (docs/decisions/0030-citizen-attachments.md). attachments.create
 * registers bytes the gateway stored (anyone may upload: the gateway
 * throttles); attachments.claim makes them an item's, for feedback-svc
 * alone (its CURVE key). Listed in media_methods (media_rpc.c). */
#ifndef MEDIA_ATTACHMENT_RPC_H
#define MEDIA_ATTACHMENT_RPC_H

#include "loa_rpc_server.h"

void media_attachments_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void media_attachments_claim (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

#endif
