/* quota_rpc: quota-svc's RPC methods and its content-event consumer. */
#ifndef QUOTA_RPC_H
#define QUOTA_RPC_H

#include "rpc_server.h"
#include "subscriber.h"

extern const loa_rpc_method quota_methods[];

/* Applies one content-svc event (unit.created / unit.updated; others are
 * ignored) inside the subscriber's transaction. */
int quota_apply_content_event (PGconn *db, const Loa__Event *event, void *arg);

#endif
