/* cors: cross-origin calls from the browsers of the front ends the operator
 * names (LOA_CORS_ORIGINS; docs/api/conventions.md "CORS"; decision 0038).
 *
 * An allow-list of exact origins ("https://cchc.bacninh.gov.vn,
 * http://localhost:5173"): a request whose Origin is one of them gets
 * Access-Control-Allow-Origin with that origin (never "*") and the
 * response headers a client needs exposed (ETag, Location, Link,
 * Retry-After, X-Request-Id, Content-Disposition); every answer carries
 * Vary: Origin while the list is not empty. A preflight (OPTIONS with
 * Access-Control-Request-Method) on a route's path is answered 204 with
 * the methods the path accepts and the request headers the API reads, or
 * refused: 403 naming Origin for an origin not listed, 405 for a method the
 * path does not take. The API authenticates with the Authorization header
 * (or X-Api-Key), which a preflight allows; it sets no cookie, so
 * Access-Control-Allow-Credentials is never sent. An empty list (the
 * default) turns all of it off: no CORS header, preflights refused 403.
 * OPTIONS without a preflight's headers is answered 204 with Allow. */
#ifndef GW_CORS_H
#define GW_CORS_H

#include <microhttpd.h>
#include <stddef.h>

#include "gw.h"

#define GW_CORS_MAX_ORIGINS 32

/* Parses the list (commas or white space between origins; NULL or "" is
 * none): each origin is http:// or https://, a host name or an address
 * (IPv6 in brackets), an optional port, nothing after; lower case as
 * browsers send it. 0, or -1 with what is wrong (naming the entry) in
 * `err` and the list left empty. Called once before the HTTP daemon
 * starts. */
int gw_cors_init (const char *spec, char *err, size_t errcap);
void gw_cors_free (void);

/* 1 when `origin` is one of the list's. */
int gw_cors_allowed (const char *origin);

/* The CORS headers of an answer to `req` (called for every answer). */
void gw_cors_add_headers (gw_request *req, struct MHD_Response *resp);

/* Answers OPTIONS on a path whose routes take the methods `allow`
 * ("GET, HEAD, POST"): a preflight, or a plain OPTIONS (204 with Allow). */
enum MHD_Result gw_cors_options (gw_request *req, const char *allow);

#endif
