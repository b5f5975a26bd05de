/* feedback_rpc: feedback-svc's RPC method table (feedback_methods) and its
 * handlers for feedback items, tracking, ratings and stats (docs/api/
 * feedback.md); the calendar's and the deadline rules' are calendar_rpc.c's.
 * Each handler checks the caller's roles again (defence in depth) and every
 * field, naming it, before the store runs. */
#ifndef FEEDBACK_RPC_H
#define FEEDBACK_RPC_H

#include "loa_rpc_server.h"

/* The service's methods ("ping" and "events.since" are added). */
extern const loa_rpc_method feedback_methods[];

#endif
