/* media_attachment_rpc: private attachments: citizens' to feedback
 * (docs/decisions/0030-citizen-attachments.md) and staff's to plan activity
 * reports (0034-report-attachments.md). attachments.create registers bytes
 * the gateway stored (anyone may upload: the gateway throttles),
 * report_attachments.create a member of staff's; attachments.claim makes
 * them an item's, for feedback-svc alone (its CURVE key), or a report's,
 * for quota-svc alone. Listed in media_methods (media_rpc.c). */
#ifndef MEDIA_ATTACHMENT_RPC_H
#define MEDIA_ATTACHMENT_RPC_H

#include "loa_rpc_server.h"

void media_attachments_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void media_report_attachments_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void media_attachments_claim (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

#endif
