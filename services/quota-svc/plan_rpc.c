#include "plan_rpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "loa_attachments.h"
#include "loa_calendar.h"
#include "loa_check.h"
#include "loa_log.h"
#include "loa_store.h"
#include "plan_store.h"

#define INSPECTOR_ONLY "Chỉ Thanh tra Sở (vai trò inspector) được lập và sửa kế hoạch"
#define NO_PLAN "Không tìm thấy kế hoạch"
#define NO_ACTIVITY "Không tìm thấy hoạt động này trong kế hoạch"
#define NOT_LEAD_OR_PARTNER                                                                        \
    "Chỉ cán bộ của đơn vị chủ trì hoặc đơn vị phối hợp được báo cáo kết quả hoạt động này"

static const loa_rpc_store_answer PLAN_ANSWERS[] = {
    {LOA_STORE_NOT_FOUND, NO_PLAN},
    {LOA_STORE_OK},
};

#define MIN_YEAR 2000
#define MAX_YEAR 2100
#define MAX_ACTIVITIES 50
#define MAX_POSITION 1000
#define MAX_UNITS 20 /* partner units of an activity */
#define MAX_EVIDENCE 20 /* links, and attachments, of a report */
#define MAX_LINK_BYTES 2000

static int check_year (loa_rpc_ctx *ctx, int has, int year, int required)
{
    if (!has) {
        if (required)
            loa_rpc_field_error (ctx, "year", "Năm của kế hoạch là bắt buộc");
        return required;
    }
    if (year < MIN_YEAR || year > MAX_YEAR) {
        loa_rpc_field_error (ctx, "year", "Năm của kế hoạch phải từ 2000 đến 2100");
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ activities */

/* The name of field `name` of activity i ("activities[2].form"). */
static const char *field_of (char buf[64], size_t i, const char *name)
{
    snprintf (buf, 64, "activities[%zu].%s", i, name);
    return buf;
}

/* Adds an error when unit ids are not known to quota's mirror: 1 when one
 * was added, 0 when all are known, -1 when the database failed. */
static int check_units_known (loa_rpc_ctx *ctx, const char *field, const int64_t *ids, size_t n)
{
    int64_t unknown = 0;
    if (plan_store_unknown_unit (ctx->db, ids, n, &unknown) != LOA_STORE_OK)
        return -1;
    if (!unknown)
        return 0;
    char msg[128];
    snprintf (msg, sizeof msg, "Không có đơn vị mã số %lld", (long long) unknown);
    loa_rpc_field_error (ctx, field, msg);
    return 1;
}

/* Checks activity i of a create (`creating`: no id allowed) or a PATCH (an
 * id changes that activity; none adds one). The number of field errors
 * added, or -1 when the database failed. */
static int check_activity (loa_rpc_ctx *ctx, const Loa__Quota__PlanActivityInput *a, size_t i,
                           int creating)
{
    char f[64];
    int bad = 0, adding = !a->has_id;
    if (a->has_id && creating) {
        loa_rpc_field_error (ctx, field_of (f, i, "id"),
                             "Không dùng mã hoạt động khi lập kế hoạch");
        bad++;
    } else if (a->has_id && a->id <= 0) {
        loa_rpc_field_error (ctx, field_of (f, i, "id"), "Mã hoạt động phải là số nguyên dương");
        bad++;
    }
    if (a->has_position && (a->position < 1 || a->position > MAX_POSITION)) {
        loa_rpc_field_error (ctx, field_of (f, i, "position"), "Số thứ tự phải từ 1 đến 1000");
        bad++;
    }
    /* A PATCH may leave a text out, never blank it. */
    bad += loa_check_text (ctx, field_of (f, i, "form"), "Hình thức tuyên truyền", a->form,
                           adding || a->form, 500, 0);
    bad += loa_check_text (ctx, field_of (f, i, "content"), "Nội dung tuyên truyền", a->content,
                           adding || a->content, 4000, 0);
    bad += loa_check_text (ctx, field_of (f, i, "schedule"), "Thời gian thực hiện", a->schedule, 0,
                           200, 0);
    bad += loa_check_text (ctx, field_of (f, i, "partners_note"), "Cơ quan phối hợp ngoài Sở",
                           a->partners_note, 0, 500, 0);
    int rc;
    if (a->has_lead_unit_id) {
        if (a->lead_unit_id <= 0) {
            loa_rpc_field_error (ctx, field_of (f, i, "lead_unit_id"),
                                 "Đơn vị chủ trì phải là mã số đơn vị (số nguyên dương)");
            bad++;
        } else if ((rc = check_units_known (ctx, field_of (f, i, "lead_unit_id"), &a->lead_unit_id,
                                            1)) != 0) {
            if (rc < 0)
                return -1;
            bad++;
        }
    }
    const Loa__Int64List *p = a->partner_units;
    if (p) {
        const char *field = field_of (f, i, "partner_units");
        int ok = 1;
        if (p->n_values > MAX_UNITS) {
            loa_rpc_field_error (ctx, field, "Tối đa 20 đơn vị phối hợp");
            ok = 0;
        }
        for (size_t k = 0; ok && k < p->n_values; k++) {
            const char *why = NULL;
            if (p->values[k] <= 0)
                why = "Đơn vị phối hợp phải là mã số đơn vị (số nguyên dương)";
            else if (a->has_lead_unit_id && p->values[k] == a->lead_unit_id)
                why = "Đơn vị chủ trì không đồng thời là đơn vị phối hợp";
            for (size_t j = 0; !why && j < k; j++)
                if (p->values[j] == p->values[k])
                    why = "Mỗi đơn vị phối hợp chỉ ghi một lần";
            if (why) {
                loa_rpc_field_error (ctx, field, why);
                ok = 0;
            }
        }
        if (ok && (rc = check_units_known (ctx, field, p->values, p->n_values)) != 0) {
            if (rc < 0)
                return -1;
            ok = 0;
        }
        bad += !ok;
    }
    return bad;
}

/* Checks every activity; the number of errors, or -1 when the database
 * failed (the call is failed then). */
static int check_activities (loa_rpc_ctx *ctx, Loa__Quota__PlanActivityInput *const *items,
                             size_t n, int creating)
{
    if (n > MAX_ACTIVITIES) {
        loa_rpc_field_error (ctx, "activities", "Tối đa 50 hoạt động");
        return 1;
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        int rc = check_activity (ctx, items[i], i, creating);
        if (rc < 0) {
            loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
            return -1;
        }
        bad += rc;
    }
    return bad;
}

/* ------------------------------------------------------------ plans */

/* Replies with plan `id` as it is now (`status`: OK or CREATED). */
static void reply_plan (loa_rpc_ctx *ctx, int64_t id, Loa__Status status)
{
    Loa__Quota__Plan out;
    loa_store_status st = plan_store_get (ctx->db, id, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, status, &out.base);
    else
        loa_rpc_fail_store (ctx, st, PLAN_ANSWERS);
    loa_store_free_message (&out.base);
}

void quota_plans_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__PlanListRequest *in = (const Loa__Quota__PlanListRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    if (check_year (ctx, in->has_year, in->year, 0)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Năm không hợp lệ");
        return;
    }
    Loa__Quota__PlanList out;
    loa_store_status st = plan_store_list (ctx->db, in->has_year, in->year, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NULL);
    loa_store_free_message (&out.base);
}

void quota_plans_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__PlanIdRequest *in = (const Loa__Quota__PlanIdRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    if (!in->has_id || in->id <= 0) {
        loa_rpc_fail (ctx, LOA__STATUS__NOT_FOUND, NO_PLAN);
        return;
    }
    reply_plan (ctx, in->id, LOA__STATUS__OK);
}

void quota_plans_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__CreatePlanRequest *in = (const Loa__Quota__CreatePlanRequest *) msg;
    if (loa_check_role (ctx, "inspector", INSPECTOR_ONLY) != 0)
        return;
    int bad = check_year (ctx, in->has_year, in->year, 1);
    bad += loa_check_text (ctx, "title", "Tên kế hoạch", in->title, 1, 300, 0);
    bad += loa_check_text (ctx, "document_ref", "Số, ký hiệu văn bản", in->document_ref, 0, 200, 0);
    bad += loa_check_text (ctx, "summary", "Tóm tắt", in->summary, 0, 4000, 0);
    int rc = check_activities (ctx, in->activities, in->n_activities, 1);
    if (rc < 0)
        return;
    if (bad + rc) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Kế hoạch không hợp lệ");
        return;
    }
    int64_t id = 0;
    loa_store_status st = plan_store_create (ctx->db, in, ctx->caller->user_id, &id);
    if (st != LOA_STORE_OK) {
        char taken[96];
        snprintf (taken, sizeof taken, "Đã có kế hoạch năm %d", in->year);
        const loa_rpc_store_answer answers[] = {{LOA_STORE_CONFLICT, taken, "year"},
                                                {LOA_STORE_OK}};
        loa_rpc_fail_store (ctx, st, answers);
        return;
    }
    loa_info (ctx->request_id, "plans: plan %lld of %d with %zu activities created by user %lld",
              (long long) id, in->year, in->n_activities, (long long) ctx->caller->user_id);
    reply_plan (ctx, id, LOA__STATUS__CREATED);
}

void quota_plans_update (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__UpdatePlanRequest *in = (const Loa__Quota__UpdatePlanRequest *) msg;
    if (loa_check_role (ctx, "inspector", INSPECTOR_ONLY) != 0)
        return;
    if (!in->has_id || in->id <= 0) {
        loa_rpc_fail (ctx, LOA__STATUS__NOT_FOUND, NO_PLAN);
        return;
    }
    int bad = loa_check_text (ctx, "title", "Tên kế hoạch", in->title, in->title != NULL, 300, 0);
    bad += loa_check_text (ctx, "document_ref", "Số, ký hiệu văn bản", in->document_ref, 0, 200, 0);
    bad += loa_check_text (ctx, "summary", "Tóm tắt", in->summary, 0, 4000, 0);
    int rc = check_activities (ctx, in->activities, in->n_activities, 0);
    if (rc < 0)
        return;
    if (bad + rc) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thay đổi kế hoạch không hợp lệ");
        return;
    }
    size_t which = 0;
    loa_store_status st = plan_store_update (ctx->db, in, &which);
    if (st != LOA_STORE_OK) {
        char f[64];
        const loa_rpc_store_answer answers[] = {
            {LOA_STORE_NOT_FOUND, NO_PLAN},
            {LOA_STORE_INVALID, "Thay đổi kế hoạch không hợp lệ", field_of (f, which, "id"),
             "Hoạt động không thuộc kế hoạch này"},
            {LOA_STORE_OK},
        };
        loa_rpc_fail_store (ctx, st, answers);
        return;
    }
    loa_info (ctx->request_id, "plans: plan %lld updated (%zu activities) by user %lld",
              (long long) in->id, in->n_activities, (long long) ctx->caller->user_id);
    reply_plan (ctx, in->id, LOA__STATUS__OK);
}

/* ------------------------------------------------------------ reports */

/* 1 when `s` is an absolute http(s) URL with a host and no white space or
 * control character (so that a link is one line: plan_store.c). */
static int is_web_link (const char *s)
{
    size_t skip = strncasecmp (s, "https://", 8) == 0  ? 8
                  : strncasecmp (s, "http://", 7) == 0 ? 7
                                                       : 0;
    if (!skip || strlen (s) > MAX_LINK_BYTES)
        return 0;
    for (const unsigned char *p = (const unsigned char *) s; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return 0;
    size_t host = strcspn (s + skip, "/?#");
    return host > 0 && s[skip] != ':' && s[skip] != '@';
}

/* Looks the activity up for `unit_id`: 0 with *year and *may_report, or -1
 * after failing the call (404, 503). */
static int find_activity (loa_rpc_ctx *ctx, int has_plan, int64_t plan_id, int has_aid, int64_t aid,
                          int64_t unit_id, int *year, int *may_report)
{
    if (!has_plan || plan_id <= 0) {
        loa_rpc_fail (ctx, LOA__STATUS__NOT_FOUND, NO_PLAN);
        return -1;
    }
    if (!has_aid || aid <= 0) {
        loa_rpc_fail (ctx, LOA__STATUS__NOT_FOUND, NO_ACTIVITY);
        return -1;
    }
    loa_store_status st = plan_store_activity (ctx->db, plan_id, aid, unit_id, year, may_report);
    if (st == LOA_STORE_OK)
        return 0;
    /* Not found: the plan (no year), or the activity in it. */
    const loa_rpc_store_answer answers[] = {{LOA_STORE_NOT_FOUND, *year ? NO_ACTIVITY : NO_PLAN},
                                            {LOA_STORE_OK}};
    loa_rpc_fail_store (ctx, st, answers);
    return -1;
}

/* The report's own fields; the number of field errors. `year`: the plan's. */
static int check_report (loa_rpc_ctx *ctx, const Loa__Quota__CreateActivityReportRequest *in,
                         int year)
{
    int bad = 0;
    int32_t day;
    if (!in->done_on || !*in->done_on) {
        loa_rpc_field_error (ctx, "done_on", "Ngày thực hiện là bắt buộc");
        bad++;
    } else if (loa_calendar_parse_date (in->done_on, &day) != 0) {
        loa_rpc_field_error (ctx, "done_on", "Ngày thực hiện phải là ngày có thật dạng YYYY-MM-DD");
        bad++;
    } else {
        int y, m, d;
        loa_calendar_to_ymd (day, &y, &m, &d);
        char msg[128];
        if (day > loa_calendar_local_day ((int64_t) time (NULL))) {
            loa_rpc_field_error (ctx, "done_on", "Ngày thực hiện không được ở tương lai");
            bad++;
        } else if (y != year) {
            snprintf (msg, sizeof msg, "Ngày thực hiện phải thuộc năm của kế hoạch (%d)", year);
            loa_rpc_field_error (ctx, "done_on", msg);
            bad++;
        }
    }
    bad +=
        loa_check_text (ctx, "description", "Nội dung đã thực hiện", in->description, 1, 4000, 0);
    if (in->n_evidence_links > MAX_EVIDENCE) {
        loa_rpc_field_error (ctx, "evidence_links", "Tối đa 20 đường dẫn minh chứng");
        bad++;
    } else {
        for (size_t i = 0; i < in->n_evidence_links; i++) {
            if (is_web_link (in->evidence_links[i]))
                continue;
            char f[48];
            snprintf (f, sizeof f, "evidence_links[%zu]", i);
            loa_rpc_field_error (ctx, f,
                                 "Đường dẫn minh chứng phải là địa chỉ http:// hoặc https:// "
                                 "đầy đủ, không có khoảng trắng (tối đa 2000 ký tự)");
            bad++;
        }
    }
    if (in->n_attachment_ids > MAX_EVIDENCE) {
        loa_rpc_field_error (ctx, "attachment_ids", "Tối đa 20 tệp đính kèm");
        bad++;
    } else {
        for (size_t i = 0; i < in->n_attachment_ids; i++) {
            int dup = 0;
            for (size_t j = 0; j < i; j++)
                dup |= in->attachment_ids[j] == in->attachment_ids[i];
            if (in->attachment_ids[i] > 0 && !dup)
                continue;
            char f[48];
            snprintf (f, sizeof f, "attachment_ids[%zu]", i);
            loa_rpc_field_error (ctx, f,
                                 dup ? "Tệp đính kèm này đã có trong danh sách"
                                     : "Mã tệp đính kèm phải là số nguyên dương");
            bad++;
        }
    }
    return bad;
}

/* ------------------------------------------------------------ files */

/* The files of `ids` a report `report_id` gains (those of `ids` not in
 * `kept`, which it has already), claimed from media-svc for it: each must be
 * a file of staff uploaded by the caller (or the report's already). *files
 * gets media-svc's rows (into *claimed, the caller's: free it with
 * __free_unpacked; NULL when there is none to claim). 0, or -1 with the
 * call failed: 422 naming attachment_ids[i] for each refused file, 503 when
 * media-svc does not answer. A report then not written leaves its new files
 * claimed for an id never used, or for its old version (they stay, unread
 * or readable by staff as before). */
static int claim_files (loa_rpc_ctx *ctx, int64_t report_id, const int64_t *ids, size_t n,
                        const int64_t *kept, size_t n_kept, plan_report_files *files,
                        Loa__Media__CitizenAttachmentList **claimed)
{
    *files = (plan_report_files){0};
    *claimed = NULL;
    int64_t todo[MAX_EVIDENCE];
    size_t n_todo = 0;
    for (size_t i = 0; i < n && n_todo < MAX_EVIDENCE; i++) {
        int old = 0;
        for (size_t k = 0; k < n_kept; k++)
            old |= kept[k] == ids[i];
        if (!old)
            todo[n_todo++] = ids[i];
    }
    if (n_todo == 0)
        return 0;
    Loa__Media__CitizenAttachmentList *list =
        loa_attachments_claim (ctx, todo, n_todo, 0, report_id);
    if (!list)
        return -1;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const Loa__Media__CitizenAttachment *found = loa_attachments_find (list, ids[i]);
        int wanted = 0;
        for (size_t k = 0; k < n_todo; k++)
            wanted |= todo[k] == ids[i];
        if (!wanted || (found && found->report_id == report_id))
            continue;
        char f[48], msg[200];
        snprintf (f, sizeof f, "attachment_ids[%zu]", i);
        if (!found || strcmp (found->kind, "report") != 0)
            snprintf (msg, sizeof msg,
                      "Không có tệp đính kèm mã số %lld (tệp tải lên quá một ngày mà chưa dùng sẽ "
                      "bị xoá; hãy tải lên lại)",
                      (long long) ids[i]);
        else if (found->report_id != 0)
            snprintf (msg, sizeof msg, "Tệp đính kèm mã số %lld thuộc một báo cáo khác",
                      (long long) ids[i]);
        else
            snprintf (msg, sizeof msg,
                      "Tệp đính kèm mã số %lld do người khác tải lên; hãy tự tải tệp lên",
                      (long long) ids[i]);
        loa_rpc_field_error (ctx, f, msg);
        bad++;
    }
    if (bad) {
        loa__media__citizen_attachment_list__free_unpacked (list, NULL);
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tệp đính kèm không dùng được");
        return -1;
    }
    *claimed = list;
    *files = (plan_report_files){list->items, list->n_items};
    return 0;
}

static const loa_rpc_store_answer ATTACHMENT_ANSWERS[] = {
    {LOA_STORE_NOT_FOUND, "Không tìm thấy tệp đính kèm"},
    {LOA_STORE_OK},
};

void quota_plan_attachments_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__ReportAttachmentRequest *in =
        (const Loa__Quota__ReportAttachmentRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    Loa__Quota__ReportAttachment out;
    loa_store_status st = in->has_id && in->id > 0
                              ? plan_store_attachment_get (ctx->db, in->id, &out)
                              : (loa__quota__report_attachment__init (&out), LOA_STORE_NOT_FOUND);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, ATTACHMENT_ANSWERS);
    loa_store_free_message (&out.base);
}

/* ------------------------------------------------------------ reports */

void quota_plan_reports_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__CreateActivityReportRequest *in =
        (const Loa__Quota__CreateActivityReportRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    /* A report is its author's unit's; the Inspectorate, which aggregates
     * the plan's results (IV.1), may record one for a lead or partner unit. */
    int inspector = loa_rpc_has_role (ctx, "inspector");
    int64_t unit = ctx->caller->unit_id;
    if (in->has_unit_id && in->unit_id != unit) {
        if (!inspector) {
            loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN,
                          "Chỉ Thanh tra Sở được báo cáo thay cho đơn vị khác");
            return;
        }
        unit = in->unit_id;
    }
    int year = 0, may_report = 0;
    if (find_activity (ctx, in->has_id, in->id, in->has_aid, in->aid, unit, &year, &may_report) !=
        0)
        return;
    if (!may_report) {
        if (in->has_unit_id && inspector) {
            loa_rpc_field_error (ctx, "unit_id",
                                 "Đơn vị không chủ trì hay phối hợp thực hiện hoạt động này");
            loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Báo cáo không hợp lệ");
        } else {
            loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN, NOT_LEAD_OR_PARTNER);
        }
        return;
    }
    if (check_report (ctx, in, year)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Báo cáo không hợp lệ");
        return;
    }
    int64_t id = 0;
    plan_report_files files;
    Loa__Media__CitizenAttachmentList *claimed = NULL;
    if (in->n_attachment_ids > 0) {
        if (plan_store_report_next_id (ctx->db, &id) != LOA_STORE_OK) {
            loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
            return;
        }
        if (claim_files (ctx, id, in->attachment_ids, in->n_attachment_ids, NULL, 0, &files,
                         &claimed) != 0)
            return;
    } else {
        files = (plan_report_files){0};
    }
    Loa__Quota__ActivityReport out;
    loa_store_status st =
        plan_store_report_create (ctx->db, in, id, unit, ctx->caller->user_id, &files, &out);
    if (claimed)
        loa__media__citizen_attachment_list__free_unpacked (claimed, NULL);
    if (st == LOA_STORE_OK) {
        loa_info (ctx->request_id, "plans: report %lld on activity %lld by unit %lld",
                  (long long) out.id, (long long) in->aid, (long long) unit);
        loa_rpc_ok (ctx, LOA__STATUS__CREATED, &out.base);
    } else {
        loa_rpc_fail_store (ctx, st, NULL);
    }
    loa_store_free_message (&out.base);
}

/* ------------------------------------------------------------ corrections */

#define NO_REPORT "Không tìm thấy báo cáo"
#define MAX_REASON 500

static const loa_rpc_store_answer REPORT_ANSWERS[] = {{LOA_STORE_NOT_FOUND, NO_REPORT},
                                                      {LOA_STORE_OK}};

/* The last day a report of a plan of `year` may be corrected or withdrawn:
 * the 31st of January after it, when the year's results are gathered
 * (docs/api/quota.md, "Corrections"). */
static int32_t changeable_until (int year) { return loa_calendar_from_ymd (year + 1, 1, 31); }

/* Whether the caller may correct or withdraw report `r` of a plan of
 * `year` now: its author or an inspector, not withdrawn, in time. Sets
 * r->may_change and r->changeable_until (a new string; "" when memory ran
 * out). */
static void report_rights (const loa_rpc_ctx *ctx, int year, Loa__Quota__ActivityReport *r)
{
    char day[LOA_CALENDAR_DATE_SIZE];
    int32_t until = changeable_until (year);
    char *s = strdup (loa_calendar_format_date (until, day));
    if (s)
        r->changeable_until = s;
    int who = r->created_by == ctx->caller->user_id || loa_rpc_has_role (ctx, "inspector");
    r->may_change =
        who && !*r->withdrawn_at && loa_calendar_local_day ((int64_t) time (NULL)) <= until;
}

/* Reads the report a correction or withdrawal names and checks that the
 * caller may change it now: 0 with *cur (and *year), or -1 after failing
 * the call (404, 403, 409). */
static int changeable_report (loa_rpc_ctx *ctx, int has_id, int64_t id, int has_aid, int64_t aid,
                              int has_rid, int64_t rid, int *year, Loa__Quota__ActivityReport *cur)
{
    loa__quota__activity_report__init (cur);
    int may_report;
    if (find_activity (ctx, has_id, id, has_aid, aid, 0, year, &may_report) != 0)
        return -1;
    if (!has_rid || rid <= 0) {
        loa_rpc_fail (ctx, LOA__STATUS__NOT_FOUND, NO_REPORT);
        return -1;
    }
    loa_store_status st = plan_store_report_get (ctx->db, id, aid, rid, cur);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, REPORT_ANSWERS);
        return -1;
    }
    report_rights (ctx, *year, cur);
    if (cur->created_by != ctx->caller->user_id && !loa_rpc_has_role (ctx, "inspector")) {
        loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN,
                      "Chỉ người lập báo cáo hoặc Thanh tra Sở được sửa, rút báo cáo này");
    } else if (*cur->withdrawn_at) {
        loa_rpc_fail (ctx, LOA__STATUS__CONFLICT, "Báo cáo này đã được rút");
    } else if (!cur->may_change) {
        char msg[200];
        snprintf (msg, sizeof msg,
                  "Đã hết thời hạn sửa, rút báo cáo của kế hoạch năm %d (đến hết ngày 31/01/%d)",
                  *year, *year + 1);
        loa_rpc_fail (ctx, LOA__STATUS__CONFLICT, msg);
    } else {
        return 0;
    }
    loa_store_free_message (&cur->base);
    return -1;
}

/* Answers the report `rid` as it is now, with its earlier texts. */
static void answer_report (loa_rpc_ctx *ctx, int64_t id, int64_t aid, int64_t rid, int year)
{
    Loa__Quota__ActivityReport out;
    loa_store_status st = plan_store_report_get (ctx->db, id, aid, rid, &out);
    if (st == LOA_STORE_OK)
        st = plan_store_report_versions (ctx->db, &out);
    if (st == LOA_STORE_OK) {
        report_rights (ctx, year, &out);
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    } else {
        loa_rpc_fail_store (ctx, st, REPORT_ANSWERS);
    }
    loa_store_free_message (&out.base);
}

static const loa_rpc_store_answer CHANGED_MEANWHILE[] = {
    {LOA_STORE_CONFLICT, "Báo cáo vừa được sửa hoặc rút; hãy tải lại rồi thử lại"},
    {LOA_STORE_OK},
};

void quota_plan_reports_update (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__UpdateActivityReportRequest *in =
        (const Loa__Quota__UpdateActivityReportRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    int year = 0;
    Loa__Quota__ActivityReport cur;
    if (changeable_report (ctx, in->has_id, in->id, in->has_aid, in->aid, in->has_rid, in->rid,
                           &year, &cur) != 0)
        return;
    /* The report as it would read: the fields present, the others kept;
     * checked as a new one is. */
    Loa__Quota__CreateActivityReportRequest text = LOA__QUOTA__CREATE_ACTIVITY_REPORT_REQUEST__INIT;
    text.done_on = in->done_on ? in->done_on : cur.done_on;
    text.description = in->description ? in->description : cur.description;
    text.evidence_links = in->evidence_links ? in->evidence_links->values : cur.evidence_links;
    text.n_evidence_links =
        in->evidence_links ? in->evidence_links->n_values : cur.n_evidence_links;
    text.attachment_ids = in->attachment_ids ? in->attachment_ids->values : cur.attachment_ids;
    text.n_attachment_ids =
        in->attachment_ids ? in->attachment_ids->n_values : cur.n_attachment_ids;
    int bad = check_report (ctx, &text, year);
    bad += loa_check_text (ctx, "reason", "Lý do sửa", in->reason, 1, MAX_REASON, 0);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Báo cáo không hợp lệ");
    } else if (!in->done_on && !in->description && !in->evidence_links && !in->attachment_ids) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID,
                      "Không có gì để sửa: hãy gửi ít nhất một trong done_on, description, "
                      "evidence_links, attachment_ids");
    } else {
        plan_report_files files;
        Loa__Media__CitizenAttachmentList *claimed = NULL;
        if (claim_files (ctx, cur.id, text.attachment_ids, text.n_attachment_ids,
                         cur.attachment_ids, cur.n_attachment_ids, &files, &claimed) != 0) {
            loa_store_free_message (&cur.base);
            return;
        }
        loa_store_status st = plan_store_report_correct (ctx->db, &cur, &text, &files,
                                                         ctx->caller->user_id, in->reason);
        if (claimed)
            loa__media__citizen_attachment_list__free_unpacked (claimed, NULL);
        if (st == LOA_STORE_OK) {
            loa_info (ctx->request_id, "plans: report %lld corrected (version %d) by user %lld",
                      (long long) cur.id, cur.version + 1, (long long) ctx->caller->user_id);
            answer_report (ctx, in->id, in->aid, in->rid, year);
        } else {
            loa_rpc_fail_store (ctx, st, CHANGED_MEANWHILE);
        }
    }
    loa_store_free_message (&cur.base);
}

void quota_plan_reports_withdraw (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__WithdrawActivityReportRequest *in =
        (const Loa__Quota__WithdrawActivityReportRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    int year = 0;
    Loa__Quota__ActivityReport cur;
    if (changeable_report (ctx, in->has_id, in->id, in->has_aid, in->aid, in->has_rid, in->rid,
                           &year, &cur) != 0)
        return;
    if (loa_check_text (ctx, "reason", "Lý do rút", in->reason, 1, MAX_REASON, 0)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thiếu lý do rút báo cáo");
    } else {
        loa_store_status st =
            plan_store_report_withdraw (ctx->db, &cur, ctx->caller->user_id, in->reason);
        if (st == LOA_STORE_OK) {
            loa_info (ctx->request_id, "plans: report %lld withdrawn by user %lld",
                      (long long) cur.id, (long long) ctx->caller->user_id);
            answer_report (ctx, in->id, in->aid, in->rid, year);
        } else {
            loa_rpc_fail_store (ctx, st, CHANGED_MEANWHILE);
        }
    }
    loa_store_free_message (&cur.base);
}

void quota_plan_reports_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__ActivityReportRequest *in = (const Loa__Quota__ActivityReportRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    int year, may_report;
    if (find_activity (ctx, in->has_id, in->id, in->has_aid, in->aid, 0, &year, &may_report) != 0)
        return;
    Loa__Quota__ActivityReportList out;
    loa_store_status st = plan_store_reports_list (ctx->db, in->aid, &out);
    for (size_t i = 0; st == LOA_STORE_OK && i < out.n_items; i++)
        report_rights (ctx, year, out.items[i]);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NULL);
    loa_store_free_message (&out.base);
}

void quota_plan_reports_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Quota__ActivityReportRequest *in = (const Loa__Quota__ActivityReportRequest *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    int year = 0, may_report;
    if (find_activity (ctx, in->has_id, in->id, in->has_aid, in->aid, 0, &year, &may_report) != 0)
        return;
    if (!in->has_rid || in->rid <= 0) {
        loa_rpc_fail (ctx, LOA__STATUS__NOT_FOUND, NO_REPORT);
        return;
    }
    answer_report (ctx, in->id, in->aid, in->rid, year);
}
