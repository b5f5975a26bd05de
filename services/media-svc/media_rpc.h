/* media_rpc: media-svc's RPC methods: assets (registered by the gateway,
 * which stores the bytes) and broadcasters. */
#ifndef MEDIA_RPC_H
#define MEDIA_RPC_H

#include "loa_rpc_server.h"

extern const loa_rpc_method media_methods[];

#endif
