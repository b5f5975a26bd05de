/* quota: GET /api/v1/quota/report answers three ways from one route: the
 * month's report (JSON), the year matrix (?year=, JSON) and either as CSV
 * (?format=csv, or Accept: text/csv without a format). Each is its own
 * method of quota-svc; this picks one and lets the generic RPC route do
 * the rest (the CSV is a loa.File sent as it is, GW_FILE). quota-svc
 * checks the parameters and answers 422 naming the field. */
#include <string.h>
#include <strings.h>

#include "common.pb-c.h"
#include "core/respond.h"
#include "core/rpc_route.h"
#include "quota.pb-c.h"
#include "quota/quota.h"
#include "quota_edit.pb-c.h"

static const gw_route year_route = {
    .method = "GET",
    .pattern = "/api/v1/quota/report",
    .handler = gw_rpc_route,
    .allow = GW_STAFF,
    .service = GW_QUOTA,
    .rpc = "quota.report.year",
    .input = &loa__quota__quota_report_request__descriptor,
    .output = &loa__quota__quota_year_report__descriptor,
};

static const gw_route csv_route = {
    .method = "GET",
    .pattern = "/api/v1/quota/report",
    .handler = gw_rpc_route,
    .flags = GW_FILE,
    .allow = GW_STAFF,
    .service = GW_QUOTA,
    .rpc = "quota.report.csv",
    .input = &loa__quota__quota_report_request__descriptor,
    .output = &loa__file__descriptor,
    .file_type = "text/csv",
};

const gw_route *const gw_quota_report_alternatives[] = {&year_route, &csv_route, NULL};

/* 1 when an Accept header names text/csv (with a quality above 0). */
static int accepts_csv (const char *accept)
{
    for (const char *p = accept; p && *p;) {
        p += strspn (p, " \t,");
        size_t n = strcspn (p, ",");
        size_t type = strcspn (p, ";, \t");
        if (type == 8 && strncasecmp (p, "text/csv", 8) == 0) {
            const char *q = strstr (p, "q=");
            int zero =
                q && q < p + n && q[2] == '0' && strspn (q + 3, ".0") == strcspn (q + 3, ",");
            if (!zero)
                return 1;
        }
        p += n;
    }
    return 0;
}

enum MHD_Result gw_quota_report (gw_request *req)
{
    const char *format = gw_query (req, "format");
    int csv = format ? strcmp (format, "csv") == 0
                     : accepts_csv (gw_header (req, MHD_HTTP_HEADER_ACCEPT));
    if (csv)
        return gw_rpc_route_as (req, &csv_route);
    if (gw_query (req, "year"))
        return gw_rpc_route_as (req, &year_route);
    return gw_rpc_route (req);
}
