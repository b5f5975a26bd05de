/* router: the route table (routes.c), set once at start, and the matcher.
 * The table is checked when it is set, so that a route the gateway cannot
 * serve stops it at start rather than failing a request later. */
#ifndef GW_ROUTER_H
#define GW_ROUTER_H

#include <stddef.h>

#include "gw.h"

/* Checks `table` (borrowed: it must outlive the gateway) and makes it the
 * one requests are matched against: every route has a method, a pattern
 * starting with '/' and at most GW_MAX_PARAMS parameters, a handler, a
 * known service; a route of the generic handler names its RPC method, and
 * its input message when it takes a JSON body; every method a route (or
 * one of its alternatives) names is declared by its service
 * (loa_rpc_decl.h), with the input and output messages the route gives
 * the codec (the generic handler's always, another's when it names them).
 * 0, or -1 with what is
 * wrong (naming the route) in `err` and the table left as it was. */
int gw_router_set (const gw_route *table, size_t n, char *err, size_t errcap);

/* Finds the route for `method` and `path`, filling req's params. When the
 * path matches routes of other methods only, returns NULL and writes their
 * methods into `allow` ("GET, HEAD, POST"); when nothing matches, NULL with
 * allow empty. */
const gw_route *gw_route_match (const char *method, const char *path, gw_request *req, char *allow,
                                size_t allow_cap);

/* The table's routes, by index (0 .. gw_route_count () - 1). */
size_t gw_route_count (void);
const gw_route *gw_route_at (size_t i);

/* The index of a route of the table, or -1 for another (a route a handler
 * made, such as quota's alternatives). */
long gw_route_index (const gw_route *r);

#endif
