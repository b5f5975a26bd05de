/* notify_rpc: notify-svc's method table (proto/notify_rpc.proto): the
 * admins' view of the outgoing queue. */
#ifndef NOTIFY_RPC_H
#define NOTIFY_RPC_H

#include "loa_rpc_server.h"

extern const loa_rpc_method notify_methods[];

#endif
