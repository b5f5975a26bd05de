/* rpc_route: the generic handler. The route names a service method and
 * its input and output messages (routes.c); the path parameters, the query
 * arguments, If-Match and the JSON body become the input (the codec,
 * services/common/loa_pbjson.h), gw_call makes the call, gw_ok answers.
 * Anonymous public reads are served from the cache (core/cache.h). On an
 * event loop (core/loop.h) the call, and a wait behind another request's
 * cache fill, suspend the connection instead of holding the thread. */
#ifndef GW_RPC_ROUTE_H
#define GW_RPC_ROUTE_H

#include "gw.h"

enum MHD_Result gw_rpc_route (gw_request *req);

/* The generic handler with another route's method, flags and messages
 * (`as`, borrowed; e.g. quota's report as CSV); the request keeps its own
 * route for everything else (metrics, logs). */
enum MHD_Result gw_rpc_route_as (gw_request *req, const gw_route *as);

/* A request ends (core/http.c): a cache fill it still holds is released. */
void gw_rpc_route_end (gw_request *req);

#endif
