#include "quota_rpc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loa_check.h"
#include "loa_log.h"
#include "plan_edit.pb-c.h"
#include "plan_rpc.h"
#include "quota_edit.pb-c.h"
#include "quota_events.h"
#include "quota_month.h"
#include "quota_ops.pb-c.h"
#include "quota_report.h"
#include "quota_report_rpc.h"
#include "quota_store.h"

#define ADMIN_ONLY "Chỉ quản trị viên được thay đổi định mức"
#define MAX_MIN_ARTICLES 1000

static void quota_units_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    (void) in;
    Loa__Quota__QuotaUnitList out = LOA__QUOTA__QUOTA_UNIT_LIST__INIT;
    if (quota_store_list_units (ctx->db, &out) == 0)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
    quota_store_free_units (&out);
}

/* ------------------------------------------------------------ rules */

static void quota_rules_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    (void) in;
    if (loa_check_staff (ctx) != 0)
        return;
    char month[QUOTA_MONTH_SIZE];
    int mday;
    quota_month_at ((int64_t) time (NULL), month, &mday);
    Loa__Quota__QuotaRulesReply out;
    if (quota_store_get_rules (ctx->db, month, &out) == 0)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
    quota_store_free_rules (&out);
}

static void quota_rules_put (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__QuotaRulesInput *in = (const Loa__Quota__QuotaRulesInput *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    char month[QUOTA_MONTH_SIZE];
    int mday, bad = 0;
    quota_month_at ((int64_t) time (NULL), month, &mday);
    if (!in->has_min_articles) {
        loa_rpc_field_error (ctx, "min_articles", "Số bài tối thiểu là bắt buộc");
        bad++;
    } else if (in->min_articles < 0 || in->min_articles > MAX_MIN_ARTICLES) {
        loa_rpc_field_error (ctx, "min_articles", "Số bài tối thiểu phải từ 0 đến 1000");
        bad++;
    }
    if (!in->has_min_cchc_articles) {
        loa_rpc_field_error (ctx, "min_cchc_articles", "Số bài CCHC tối thiểu là bắt buộc");
        bad++;
    } else if (in->min_cchc_articles < 0 || in->min_cchc_articles > MAX_MIN_ARTICLES) {
        loa_rpc_field_error (ctx, "min_cchc_articles", "Số bài CCHC tối thiểu phải từ 0 đến 1000");
        bad++;
    } else if (in->has_min_articles && in->min_cchc_articles > in->min_articles) {
        loa_rpc_field_error (ctx, "min_cchc_articles",
                             "Số bài CCHC tối thiểu không được lớn hơn số bài tối thiểu");
        bad++;
    }
    if (!in->effective_from || !*in->effective_from) {
        loa_rpc_field_error (ctx, "effective_from", "Tháng áp dụng là bắt buộc");
        bad++;
    } else if (!quota_month_valid (in->effective_from)) {
        loa_rpc_field_error (ctx, "effective_from", "Tháng áp dụng phải có dạng YYYY-MM");
        bad++;
    } else if (strcmp (in->effective_from, month) < 0) {
        /* A past month's verdict never changes: a rule starts this month
         * or later. */
        loa_rpc_field_error (ctx, "effective_from",
                             "Tháng áp dụng không được trước tháng hiện tại (kết quả các tháng "
                             "đã qua không thay đổi)");
        bad++;
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Định mức không hợp lệ");
        return;
    }
    Loa__Quota__QuotaRulesReply out;
    if (quota_store_put_rules (ctx->db, in->min_articles, in->min_cchc_articles, in->effective_from,
                               ctx->caller->user_id, month, &out) == 0) {
        loa_info (NULL, "quota: rules from %s set to %d articles, %d CCHC by user %lld",
                  in->effective_from, in->min_articles, in->min_cchc_articles,
                  (long long) ctx->caller->user_id);
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    } else {
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
    }
    quota_store_free_rules (&out);
}

/* ------------------------------------------------------------ report */

static void quota_report_month (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__QuotaReportRequest *in = (const Loa__Quota__QuotaReportRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    char now[QUOTA_MONTH_SIZE];
    int mday, year;
    quota_month_at ((int64_t) time (NULL), now, &mday);
    const char *month;
    int form = quota_report_request (ctx, in, now, &month, &year);
    if (form < 0)
        return;
    if (form != 0) { /* the gateway sends ?year= to quota.report.year */
        loa_rpc_field_error (ctx, "year", "Báo cáo năm là phương thức quota.report.year");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Năm không hợp lệ ở báo cáo tháng");
        return;
    }
    quota_store_tally *rows = NULL;
    size_t n = 0;
    Loa__Quota__QuotaReportItem *items = NULL, **ptrs = NULL;
    if (quota_store_report (ctx->db, month, &rows, &n) != 0) {
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
        goto out;
    }
    items = calloc (n + 1, sizeof *items);
    ptrs = calloc (n + 1, sizeof *ptrs);
    if (!items || !ptrs) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, "Hết bộ nhớ");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        Loa__Quota__QuotaReportItem *it = &items[i];
        loa__quota__quota_report_item__init (it);
        it->unit_id = rows[i].unit_id;
        it->unit_name = rows[i].unit_name;
        it->unit_code = rows[i].unit_code;
        it->articles = rows[i].articles;
        it->cchc_articles = rows[i].cchc_articles;
        it->min_articles = rows[i].min_articles;
        it->min_cchc_articles = rows[i].min_cchc_articles;
        quota_store_cell cell = {rows[i].articles, rows[i].cchc_articles, rows[i].min_articles,
                                 rows[i].min_cchc_articles};
        quota_status st = quota_report_status (&cell, month, now);
        it->status = (char *) quota_status_name (st);
        it->at_risk = quota_report_at_risk (st, month, now, mday);
        ptrs[i] = it;
    }
    Loa__Quota__QuotaReport out = LOA__QUOTA__QUOTA_REPORT__INIT;
    out.month = (char *) month;
    out.items = ptrs;
    out.n_items = n;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
out:
    free (ptrs);
    free (items);
    quota_store_free_tallies (rows, n);
}

/* ------------------------------------------------------------ rebuild */

static void quota_tallies_rebuild (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    (void) in;
    if (loa_check_role (ctx, "admin", "Chỉ quản trị viên được dựng lại số liệu định mức") != 0)
        return;
    unsigned long long last = 0;
    long long n = quota_events_rebuild (ctx->db, &last);
    Loa__Quota__QuotaRebuildReply out = LOA__QUOTA__QUOTA_REBUILD_REPLY__INIT;
    if (n < 0 || quota_store_counts (ctx->db, &out.articles, &out.units) != 0) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE,
                      "Không dựng lại được số liệu (dịch vụ nội dung hoặc cơ sở dữ liệu không "
                      "trả lời); số liệu cũ được giữ nguyên");
        return;
    }
    out.events = n;
    out.last_seq = last;
    loa_info (NULL, "quota: rebuilt by user %lld from %lld events (up to seq %llu)",
              (long long) ctx->caller->user_id, n, last);
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
}

const loa_rpc_method quota_methods[] = {
    {"units.list", NULL, quota_units_list},
    {"quota.rules.get", NULL, quota_rules_get},
    {"quota.rules.put", &loa__quota__quota_rules_input__descriptor, quota_rules_put},
    /* The year, CSV and the summary (quota_report_rpc.c) */
    {"quota.report.year", &loa__quota__quota_report_request__descriptor, quota_report_year},
    {"quota.report.csv", &loa__quota__quota_report_request__descriptor, quota_report_csv},
    {"quota.summary", &loa__quota__quota_summary_request__descriptor, quota_summary_get},
    {"quota.report", &loa__quota__quota_report_request__descriptor, quota_report_month},
    {"quota.rebuild", NULL, quota_tallies_rebuild},
    /* The year's plan (plan_rpc.c) */
    {"plans.list", &loa__quota__plan_list_request__descriptor, quota_plans_list},
    {"plans.get", &loa__quota__plan_id_request__descriptor, quota_plans_get},
    {"plans.create", &loa__quota__create_plan_request__descriptor, quota_plans_create},
    {"plans.update", &loa__quota__update_plan_request__descriptor, quota_plans_update},
    {"plans.reports.create", &loa__quota__create_activity_report_request__descriptor,
     quota_plan_reports_create},
    {"plans.reports.list", &loa__quota__activity_report_request__descriptor,
     quota_plan_reports_list},
    {"plans.reports.get", &loa__quota__activity_report_request__descriptor, quota_plan_reports_get},
    {"plans.reports.update", &loa__quota__update_activity_report_request__descriptor,
     quota_plan_reports_update},
    {"plans.reports.withdraw", &loa__quota__withdraw_activity_report_request__descriptor,
     quota_plan_reports_withdraw},
    {"plans.attachments.get", &loa__quota__report_attachment_request__descriptor,
     quota_plan_attachments_get},
    {NULL, NULL, NULL},
};
