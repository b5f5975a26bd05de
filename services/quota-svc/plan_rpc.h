/* plan_rpc: quota-svc's methods for the year's plan (docs/api/quota.md,
 * /api/v1/plans): plans.list, plans.get (any logged-in user),
 * plans.create, plans.update (inspector), and the activities' reports:
 * plans.reports.create (staff of the activity's lead or partner unit, or an
 * inspector for one of those units), plans.reports.list, plans.reports.get
 * (any logged-in user). Entries of quota_methods (quota_rpc.c). */
#ifndef PLAN_RPC_H
#define PLAN_RPC_H

#include "loa_rpc_server.h"

void quota_plans_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void quota_plans_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void quota_plans_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void quota_plans_update (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void quota_plan_reports_create (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void quota_plan_reports_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void quota_plan_reports_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
/* plans.attachments.get: a report's file, for staff (decision 0034). */
void quota_plan_attachments_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
/* plans.reports.update and plans.reports.withdraw: the report's author or
 * an inspector, until the 31st of January after the plan's year. */
void quota_plan_reports_update (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void quota_plan_reports_withdraw (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

#endif
