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

static const char *skip_ows (const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* 1 when the qvalue [v, ve) (quotes removed) is 0. */
static int q_is_zero (const char *v, const char *ve)
{
    if (v == ve || *v != '0')
        return 0;
    v++;
    if (v < ve && *v == '.')
        for (v++; v < ve && *v == '0';)
            v++;
    return v == ve;
}

/* Whether the media range [p, end) is text/csv with a q above 0. Its
 * parameters were looked for with strstr (p, "q="), which also found
 * "xq=0" and missed "q=0 " before a comma (the CSV stayed asked for). */
static int range_is_csv (const char *p, const char *end)
{
    p = skip_ows (p, end);
    const char *t = p;
    while (p < end && *p != ';' && *p != ' ' && *p != '\t')
        p++;
    if (p - t != 8 || strncasecmp (t, "text/csv", 8) != 0)
        return 0;
    while ((p = skip_ows (p, end)) < end && *p == ';') {
        const char *k = p = skip_ows (p + 1, end);
        while (p < end && *p != '=' && *p != ';' && *p != ' ' && *p != '\t')
            p++;
        size_t kn = (size_t) (p - k);
        p = skip_ows (p, end);
        if (p >= end || *p != '=')
            continue;
        const char *v = p = skip_ows (p + 1, end), *ve;
        if (p < end && *p == '"') {
            for (p++; p < end && *p != '"'; p++)
                if (*p == '\\' && p + 1 < end)
                    p++;
            ve = p;
            v++;
            if (p < end)
                p++;
        } else {
            while (p < end && *p != ';' && *p != ' ' && *p != '\t')
                p++;
            ve = p;
        }
        if (kn == 1 && (*k == 'q' || *k == 'Q') && q_is_zero (v, ve))
            return 0;
    }
    return 1;
}

int gw_quota_accepts_csv (const char *accept)
{
    const char *p = accept, *end = accept ? accept + strlen (accept) : NULL;
    while (p && p < end) {
        const char *r = p;
        int quoted = 0;
        for (; p < end && (quoted || *p != ','); p++)
            if (*p == '"')
                quoted = !quoted;
            else if (*p == '\\' && quoted && p + 1 < end)
                p++;
        if (range_is_csv (r, p))
            return 1;
        if (p < end)
            p++;
    }
    return 0;
}

enum MHD_Result gw_quota_report (gw_request *req)
{
    const char *format = gw_query (req, "format");
    int csv = format ? strcmp (format, "csv") == 0
                     : gw_quota_accepts_csv (gw_header (req, MHD_HTTP_HEADER_ACCEPT));
    if (csv)
        return gw_rpc_route_as (req, &csv_route);
    if (gw_query (req, "year"))
        return gw_rpc_route_as (req, &year_route);
    return gw_rpc_route (req);
}
