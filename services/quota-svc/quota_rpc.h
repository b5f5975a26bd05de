/* quota_rpc: quota-svc's RPC methods (its units come from unit_mirror.h). */
#ifndef QUOTA_RPC_H
#define QUOTA_RPC_H

#include "loa_rpc_server.h"

extern const loa_rpc_method quota_methods[];

#endif
