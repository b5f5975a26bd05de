/* quota: the quota report's route (docs/api/quota.md); the other quota
 * routes are generic RPC routes (routes.c). */
#ifndef GW_QUOTA_H
#define GW_QUOTA_H

#include "gw.h"

/* GET /api/v1/quota/report: the month's report (the route's own method),
 * the year matrix with ?year=, CSV with ?format=csv or Accept: text/csv. */
enum MHD_Result gw_quota_report (gw_request *req);

/* The routes it may answer as, for OpenAPI (gw_route.alternatives). */
extern const gw_route *const gw_quota_report_alternatives[];

#endif
