/* feedback_rpc: feedback-svc's RPC method table (feedback_methods) and the
 * handlers of intake, the public side (tracking, rating, Open311's list),
 * desk ratings and stats (docs/api/feedback.md); the staff's reads and the
 * workflow's steps are feedback_flow_rpc.c's (feedback_rpc_int.h), the
 * calendar's and the deadline rules' calendar_rpc.c's. Each handler checks
 * the caller's roles again (defence in depth) and every field, naming it,
 * before the store runs. */
#ifndef FEEDBACK_RPC_H
#define FEEDBACK_RPC_H

#include "loa_rpc_server.h"

/* feedback-svc's method table, as declared in proto/feedback_rpc.proto
 * ("ping" and "events.since" are added by loa_service). */
extern const loa_rpc_method feedback_methods[];

#endif
