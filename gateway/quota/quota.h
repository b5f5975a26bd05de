/* quota: the quota report's route (docs/api/quota.md); the other quota
 * routes are generic RPC routes (routes.c). */
#ifndef GW_QUOTA_H
#define GW_QUOTA_H

#include "gw.h"

/* GET /api/v1/quota/report: the month's report (the route's own method),
 * the year matrix with ?year=, CSV with ?format=csv or Accept: text/csv. */
enum MHD_Result gw_quota_report (gw_request *req);

/* 1 when an Accept header asks for CSV: one of its media ranges is
 * text/csv (any case) with a q above 0. Ranges end at commas outside
 * quoted strings; the q parameter is q (any case) alone, "0", "0.", "0.0",
 * "0.00", "0.000" (quoted or not) being 0. Wildcards do not ask for CSV:
 * JSON stays the default. NULL is no. */
int gw_quota_accepts_csv (const char *accept);

/* The routes it may answer as, for OpenAPI (gw_route.alternatives). */
extern const gw_route *const gw_quota_report_alternatives[];

#endif
