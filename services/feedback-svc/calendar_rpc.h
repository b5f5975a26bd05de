/* calendar_rpc: feedback-svc's handlers for the working-day calendar and
 * the deadline rules. They are listed in feedback-svc's method table
 * (feedback_methods, feedback_rpc.c) with these input types:
 *   calendar.get   loa.feedback.CalendarYearRequest  anyone
 *   calendar.put   loa.feedback.CalendarPutRequest   admin
 *   calendar.add   loa.feedback.CalendarAddRequest   anyone
 *   deadlines.get  (none)                            any logged-in staff
 *   deadlines.put  loa.feedback.DeadlineRulesInput   admin
 *   deadlines.for  loa.feedback.DeadlinesForRequest  anyone (RPC only: tools, tests) */
#ifndef CALENDAR_RPC_H
#define CALENDAR_RPC_H

#include "calendar.pb-c.h"
#include "loa_rpc_server.h"

void feedback_calendar_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_calendar_put (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_calendar_add (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_deadlines_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_deadlines_put (loa_rpc_ctx *ctx, const ProtobufCMessage *in);
void feedback_deadlines_for (loa_rpc_ctx *ctx, const ProtobufCMessage *in);

#endif
