/* content_rpc: content-svc's RPC method table and handlers. */
#ifndef CONTENT_RPC_H
#define CONTENT_RPC_H

#include "loa_rpc_server.h"

extern const loa_rpc_method content_methods[];

#endif
