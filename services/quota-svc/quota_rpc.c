#include "quota_rpc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "log.h"
#include "plan_edit.pb-c.h"
#include "plan_rpc.h"
#include "quota_edit.pb-c.h"
#include "quota_month.h"
#include "quota_store.h"

#define DB_DOWN "Không truy cập được cơ sở dữ liệu"
#define ADMIN_ONLY "Chỉ quản trị viên được thay đổi định mức"
#define MAX_MIN_ARTICLES 1000
/* From this day of the month on, a unit not yet met is at risk. */
#define AT_RISK_FROM_DAY 20

static void units_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    (void) in;
    Loa__Quota__QuotaUnitList out = LOA__QUOTA__QUOTA_UNIT_LIST__INIT;
    if (quota_store_list_units (ctx->db, &out) == 0)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, DB_DOWN);
    quota_store_free_units (&out);
}

/* 0 for a logged-in caller (any role: staff), else fails the call. */
static int check_staff (loa_rpc_ctx *ctx)
{
    if (ctx->caller->user_id != 0)
        return 0;
    loa_rpc_fail (ctx, LOA__STATUS__UNAUTHENTICATED, "Cần đăng nhập");
    return -1;
}

/* ------------------------------------------------------------ rules */

static void rules_get (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    (void) in;
    if (check_staff (ctx) != 0)
        return;
    char month[QUOTA_MONTH_SIZE];
    int mday;
    quota_month_at ((int64_t) time (NULL), month, &mday);
    Loa__Quota__QuotaRulesReply out;
    if (quota_store_get_rules (ctx->db, month, &out) == 0)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, DB_DOWN);
    quota_store_free_rules (&out);
}

static void rules_put (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__QuotaRulesInput *in = (const Loa__Quota__QuotaRulesInput *) msg;
    if (check_role (ctx, "admin", ADMIN_ONLY) != 0)
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
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, DB_DOWN);
    }
    quota_store_free_rules (&out);
}

/* ------------------------------------------------------------ report */

static void report (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__QuotaReportRequest *in = (const Loa__Quota__QuotaReportRequest *) msg;
    if (check_staff (ctx) != 0)
        return;
    char now[QUOTA_MONTH_SIZE];
    int mday;
    quota_month_at ((int64_t) time (NULL), now, &mday);
    const char *month = now;
    if (in->month) {
        if (!quota_month_valid (in->month)) {
            loa_rpc_field_error (ctx, "month", "Tháng phải có dạng YYYY-MM (ví dụ 2022-03)");
            loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tháng không hợp lệ");
            return;
        }
        month = in->month;
    }
    quota_store_tally *rows = NULL;
    size_t n = 0;
    Loa__Quota__QuotaReportItem *items = NULL, **ptrs = NULL;
    if (quota_store_report (ctx->db, month, &rows, &n) != 0) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, DB_DOWN);
        goto out;
    }
    items = calloc (n + 1, sizeof *items);
    ptrs = calloc (n + 1, sizeof *ptrs);
    if (!items || !ptrs) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, "Hết bộ nhớ");
        goto out;
    }
    int cmp = strcmp (month, now);
    for (size_t i = 0; i < n; i++) {
        Loa__Quota__QuotaReportItem *it = &items[i];
        loa__quota__quota_report_item__init (it);
        it->unit_id = rows[i].unit_id;
        it->unit_name = rows[i].unit_name;
        it->articles = rows[i].articles;
        it->cchc_articles = rows[i].cchc_articles;
        it->min_articles = rows[i].min_articles;
        it->min_cchc_articles = rows[i].min_cchc_articles;
        int met = it->articles >= it->min_articles && it->cchc_articles >= it->min_cchc_articles;
        it->status = met ? "met" : cmp < 0 ? "missed" : "pending";
        it->at_risk = !met && cmp == 0 && mday >= AT_RISK_FROM_DAY;
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

const loa_rpc_method quota_methods[] = {
    {"units.list", NULL, units_list},
    {"quota.rules.get", NULL, rules_get},
    {"quota.rules.put", &loa__quota__quota_rules_input__descriptor, rules_put},
    {"quota.report", &loa__quota__quota_report_request__descriptor, report},
    /* The year's plan (plan_rpc.c) */
    {"plans.list", &loa__quota__plan_list_request__descriptor, plan_rpc_list},
    {"plans.get", &loa__quota__plan_id_request__descriptor, plan_rpc_get},
    {"plans.create", &loa__quota__create_plan_request__descriptor, plan_rpc_create},
    {"plans.update", &loa__quota__update_plan_request__descriptor, plan_rpc_update},
    {"plans.reports.create", &loa__quota__create_activity_report_request__descriptor,
     plan_rpc_report_create},
    {"plans.reports.list", &loa__quota__activity_report_request__descriptor, plan_rpc_report_list},
    {"plans.reports.get", &loa__quota__activity_report_request__descriptor, plan_rpc_report_get},
    {NULL, NULL, NULL},
};
