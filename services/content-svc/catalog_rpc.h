/* catalog_rpc: content-svc's handlers for public notices (notices.*) and
 * the procedures catalogue (procedures.*). They are listed in
 * content_methods (content_rpc.c) with these input types:
 *   notices.list        loa.content.NoticeListRequest      anyone (admins also see inactive)
 *   notices.get         loa.content.NoticeIdRequest        anyone (inactive: admins only)
 *   notices.create      loa.content.CreateNoticeRequest    admin
 *   notices.update      loa.content.UpdateNoticeRequest    admin
 *   procedures.list     loa.content.ProcedureListRequest   anyone
 *   procedures.get      loa.content.ProcedureIdRequest     anyone
 *   procedures.versions loa.content.ProcedureIdRequest     anyone
 *   procedures.create   loa.content.CreateProcedureRequest admin
 *   procedures.amend    loa.content.AmendProcedureRequest  admin */
#ifndef CATALOG_RPC_H
#define CATALOG_RPC_H

#include "catalog.pb-c.h"
#include "catalog_edit.pb-c.h"
#include "loa_rpc_server.h"

void content_notices_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_notices_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_notices_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_notices_update (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
/* notices.preview (admin): the safe HTML of a body, nothing written. */
void content_notices_preview (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_procedures_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_procedures_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_procedures_versions (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_procedures_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void content_procedures_amend (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

#endif
