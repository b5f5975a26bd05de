/* search: one search across the portal's published content (decision
 * 0041): articles, public notices, administrative procedures (content-svc)
 * and published answers to feedback (feedback-svc), each found by the
 * service's own search (diacritics folded, near matches for typos), asked
 * as an anonymous reader whoever calls, answered grouped by kind. A service
 * that does not answer leaves its groups marked unavailable; the others
 * still answer. The page /tim-kiem.html?q= is rendered from the same
 * fan-out (portal_int.h). */
#ifndef GW_SEARCH_H
#define GW_SEARCH_H

#include "gw.h"

/* GET /api/v1/search?q=&kinds=&limit=&page=: {q, page, limit, groups:
 * [{kind, label, available, total, more, items: [{title, url, snippet,
 * date}]}]}. q is 2..200 characters; kinds a comma list of article,
 * notice, procedure, answer (default all); limit 1..20 (5) items of each
 * group; page 1..500 (1). A bad argument: 400 problem+json naming it. */
enum MHD_Result gw_search (gw_request *req);

/* The route's OpenAPI operation (the answer is not a service's message). */
json_t *gw_search_openapi (const gw_route *r);

#endif
