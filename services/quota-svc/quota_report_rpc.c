#include "quota_report_rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.pb-c.h"
#include "loa_check.h"
#include "loa_log.h"
#include "quota.pb-c.h"
#include "quota_month.h"
#include "quota_report.h"
#include "quota_store.h"

#define NO_MEMORY "Hết bộ nhớ"
#define BAD_YEAR "Năm phải có dạng YYYY, từ năm 2000 trở đi (ví dụ 2022)"
#define CSV_TYPE "text/csv; charset=utf-8"

int quota_report_request (loa_rpc_ctx *ctx, const Loa__Quota__QuotaReportRequest *in,
                          const char *now, const char **month, int *year)
{
    static const char *const formats[] = {"json", "csv", NULL};
    int bad = 0;
    if (in->format && !loa_check_one_of (in->format, formats)) {
        loa_rpc_field_error (ctx, "format", "Định dạng phải là json hoặc csv");
        bad++;
    }
    if (in->month && in->year) {
        loa_rpc_field_error (ctx, "month", "Chỉ chọn tháng (month) hoặc năm (year), không cả hai");
        loa_rpc_field_error (ctx, "year", "Chỉ chọn tháng (month) hoặc năm (year), không cả hai");
        bad++;
    } else if (in->month && !quota_month_valid (in->month)) {
        loa_rpc_field_error (ctx, "month", "Tháng phải có dạng YYYY-MM (ví dụ 2022-03)");
        bad++;
    } else if (in->year && !quota_report_parse_year (in->year, year)) {
        loa_rpc_field_error (ctx, "year", BAD_YEAR);
        bad++;
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID,
                      in->month && in->year ? "Tháng hoặc năm không hợp lệ"
                      : in->year            ? "Năm không hợp lệ"
                                            : "Tham số báo cáo không hợp lệ");
        return -1;
    }
    *month = in->month ? in->month : now;
    return in->year ? 1 : 0;
}

/* The current month and day of the month (Asia/Ho_Chi_Minh). */
static void today (char now[QUOTA_MONTH_SIZE], int *mday)
{
    quota_month_at ((int64_t) time (NULL), now, mday);
}

/* ------------------------------------------------------------ year matrix */

void quota_report_year (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__QuotaReportRequest *in = (const Loa__Quota__QuotaReportRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    char now[QUOTA_MONTH_SIZE];
    int mday, year = 0;
    const char *month;
    today (now, &mday);
    int form = quota_report_request (ctx, in, now, &month, &year);
    if (form < 0)
        return;
    if (form == 0) /* no year asked: the current one */
        year = atoi (now);
    quota_store_year *units = NULL;
    size_t n = 0;
    /* The reply is laid out on the heap: per unit an item, its twelve cells
     * and their pointers; the strings point into `units` and `names`. */
    Loa__Quota__QuotaYearItem *items = NULL, **item_ptrs = NULL;
    Loa__Quota__QuotaMonthCell *cells = NULL, **cell_ptrs = NULL;
    char names[12][QUOTA_MONTH_SIZE], *name_ptrs[12];
    for (int m = 0; m < 12; m++) {
        quota_report_month_name (year, m + 1, names[m]);
        name_ptrs[m] = names[m];
    }
    if (quota_store_report_year (ctx->db, year, &units, &n) != 0) {
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
        goto out;
    }
    items = calloc (n + 1, sizeof *items);
    item_ptrs = calloc (n + 1, sizeof *item_ptrs);
    cells = calloc (12 * n + 1, sizeof *cells);
    cell_ptrs = calloc (12 * n + 1, sizeof *cell_ptrs);
    if (!items || !item_ptrs || !cells || !cell_ptrs) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, NO_MEMORY);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        Loa__Quota__QuotaYearItem *it = &items[i];
        loa__quota__quota_year_item__init (it);
        it->unit_id = units[i].unit_id;
        it->unit_name = units[i].unit_name;
        it->unit_code = units[i].unit_code;
        it->months = &cell_ptrs[12 * i];
        it->n_months = 12;
        for (int m = 0; m < 12; m++) {
            const quota_store_cell *src = &units[i].months[m];
            Loa__Quota__QuotaMonthCell *c = &cells[12 * i + (size_t) m];
            loa__quota__quota_month_cell__init (c);
            quota_status s = quota_report_status (src, names[m], now);
            c->month = names[m];
            c->articles = src->articles;
            c->cchc_articles = src->cchc_articles;
            c->min_articles = src->min_articles;
            c->min_cchc_articles = src->min_cchc_articles;
            c->status = (char *) quota_status_name (s);
            c->at_risk = quota_report_at_risk (s, names[m], now, mday);
            cell_ptrs[12 * i + (size_t) m] = c;
        }
        quota_year_counts yc;
        quota_report_year_counts (&units[i], year, now, &yc);
        it->months_met = yc.months_met;
        it->months_elapsed = yc.months_elapsed;
        item_ptrs[i] = it;
    }
    Loa__Quota__QuotaYearReport out = LOA__QUOTA__QUOTA_YEAR_REPORT__INIT;
    out.year = year;
    out.months = name_ptrs;
    out.n_months = 12;
    out.items = item_ptrs;
    out.n_items = n;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
out:
    free (cell_ptrs);
    free (cells);
    free (item_ptrs);
    free (items);
    quota_store_free_year (units, n);
}

/* ------------------------------------------------------------ CSV */

void quota_report_csv (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__QuotaReportRequest *in = (const Loa__Quota__QuotaReportRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    char now[QUOTA_MONTH_SIZE], filename[64];
    int mday, year = 0;
    const char *month;
    today (now, &mday);
    int form = quota_report_request (ctx, in, now, &month, &year);
    if (form < 0)
        return;
    char *body = NULL;
    size_t len = 0;
    if (form == 1) {
        quota_store_year *units = NULL;
        size_t n = 0;
        int rc = quota_store_report_year (ctx->db, year, &units, &n);
        if (rc == 0)
            body = quota_report_year_csv (year, now, units, n, &len);
        quota_store_free_year (units, n);
        if (rc != 0) {
            loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
            return;
        }
        snprintf (filename, sizeof filename, "dinh-muc-%04d.csv", year);
    } else {
        quota_store_tally *rows = NULL;
        size_t n = 0;
        int rc = quota_store_report (ctx->db, month, &rows, &n);
        if (rc == 0)
            body = quota_report_month_csv (month, now, mday, rows, n, &len);
        quota_store_free_tallies (rows, n);
        if (rc != 0) {
            loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
            return;
        }
        snprintf (filename, sizeof filename, "dinh-muc-%s.csv", month);
    }
    if (!body) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, NO_MEMORY);
        return;
    }
    Loa__File out = LOA__FILE__INIT;
    out.filename = filename;
    out.content_type = (char *) CSV_TYPE;
    out.body.data = (uint8_t *) body;
    out.body.len = len;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    free (body);
}

/* ------------------------------------------------------------ summary */

void quota_summary_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__QuotaSummaryRequest *in = (const Loa__Quota__QuotaSummaryRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    char now[QUOTA_MONTH_SIZE];
    int mday, year = 0;
    today (now, &mday);
    if (in->year && !quota_report_parse_year (in->year, &year)) {
        loa_rpc_field_error (ctx, "year", BAD_YEAR);
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Năm không hợp lệ");
        return;
    }
    if (!in->year)
        year = atoi (now);
    quota_store_year *units = NULL;
    quota_store_media *media = NULL;
    size_t n = 0, n_media = 0, m = 0;
    Loa__Quota__QuotaSummaryItem *items = NULL, **ptrs = NULL;
    if (quota_store_report_year (ctx->db, year, &units, &n) != 0 ||
        quota_store_media_year (ctx->db, year, &media, &n_media) != 0) {
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
        goto out;
    }
    items = calloc (n + 1, sizeof *items);
    ptrs = calloc (n + 1, sizeof *ptrs);
    if (!items || !ptrs) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, NO_MEMORY);
        goto out;
    }
    Loa__Quota__QuotaSummaryTotals totals = LOA__QUOTA__QUOTA_SUMMARY_TOTALS__INIT;
    for (size_t i = 0; i < n; i++) {
        Loa__Quota__QuotaSummaryItem *it = &items[i];
        loa__quota__quota_summary_item__init (it);
        quota_year_counts yc;
        quota_report_year_counts (&units[i], year, now, &yc);
        it->unit_id = units[i].unit_id;
        it->unit_name = units[i].unit_name;
        it->unit_code = units[i].unit_code;
        it->months_met = yc.months_met;
        it->months_elapsed = yc.months_elapsed;
        it->months_missed = yc.months_missed;
        it->articles = yc.articles;
        it->cchc_articles = yc.cchc_articles;
        it->cchc_share = quota_report_percent (yc.cchc_articles, yc.articles);
        /* Both lists are by unit id. */
        while (m < n_media && media[m].unit_id < it->unit_id)
            m++;
        if (m < n_media && media[m].unit_id == it->unit_id) {
            it->media_packages = media[m].packages;
            it->media_deliveries = media[m].deliveries;
        }
        totals.media_packages += it->media_packages;
        totals.media_deliveries += it->media_deliveries;
        totals.units++;
        totals.articles += yc.articles;
        totals.cchc_articles += yc.cchc_articles;
        totals.unit_months_met += yc.months_met;
        totals.unit_months_elapsed += yc.months_elapsed;
        totals.unit_months_missed += yc.months_missed;
        ptrs[i] = it;
    }
    totals.cchc_share = quota_report_percent (totals.cchc_articles, totals.articles);
    totals.compliance_rate =
        quota_report_percent (totals.unit_months_met, totals.unit_months_elapsed);
    Loa__Quota__QuotaSummary out = LOA__QUOTA__QUOTA_SUMMARY__INIT;
    out.year = year;
    out.as_of = now;
    out.items = ptrs;
    out.n_items = n;
    out.totals = &totals;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
out:
    free (ptrs);
    free (items);
    quota_store_free_year (units, n);
    free (media);
}
