/* feedback_flow_rpc: feedback-svc's handlers for the staff: reading items
 * (a unit's handler sees its own unit's only) and the workflow's steps
 * (docs/api/feedback.md), listed in feedback_methods (feedback_rpc.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback_edit.pb-c.h"
#include "feedback_rpc_int.h"
#include "feedback_store.h"
#include "loa_check.h"
#include "loa_text.h"

#define MAX_REASON_CHARS 2000
#define MAX_AGENCY_CHARS 300
#define MAX_ANSWER_CHARS 20000
#define MAX_QUERY_CHARS 200

static const char *const STATUSES[] = {"received", "assigned",  "forwarded", "rejected",
                                       "answered", "published", "closed",    NULL};
static const char *const REJECT_CODES[] = {"missing_data", "not_regulation", "complaint",
                                           "duplicate",    "other",          NULL};

static const char *const READERS[] = {"inspector", "leader", "handler", NULL};
static const char *const INSPECTOR[] = {"inspector", NULL};

/* A handler who is neither inspector nor leader sees only their own unit:
 * their unit id, or 0 for everyone else. -1 (call failed) for a handler
 * without a unit. */
static int64_t own_unit (loa_rpc_ctx *ctx)
{
    if (loa_rpc_has_role (ctx, "inspector") || loa_rpc_has_role (ctx, "leader"))
        return 0;
    if (ctx->caller->unit_id > 0)
        return ctx->caller->unit_id;
    loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN, "Tài khoản xử lý chưa thuộc đơn vị nào");
    return -1;
}

/* ------------------------------------------------------------ staff reads */

void feedback_items_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__FeedbackListRequest *in = (const Loa__Feedback__FeedbackListRequest *) msg;
    if (loa_check_roles (ctx, READERS, "Chỉ Thanh tra, lãnh đạo và cán bộ xử lý xem được") != 0)
        return;
    int64_t own = own_unit (ctx);
    if (own < 0)
        return;
    fb_filter f = {.status = in->status,
                   .overdue = in->has_overdue ? in->overdue : -1,
                   .due_soon = in->has_due_soon ? in->due_soon : -1,
                   .due_before = in->due_before,
                   .from = in->from,
                   .to = in->to,
                   .q = in->q && !loa_text_blank (in->q) ? in->q : NULL};
    int bad = loa_check_page (ctx, in->has_page, in->page, in->has_per_page, in->per_page, 20,
                              &f.page, &f.per_page);
    if (in->status && !loa_check_one_of (in->status, STATUSES))
        bad += fb_field (ctx, "status",
                         "phải là một trong: received, assigned, forwarded, rejected, "
                         "answered, published, closed");
    if (in->has_unit_id && in->unit_id <= 0)
        bad += fb_field (ctx, "unit_id", "phải là số nguyên dương");
    bad += fb_bad_date (ctx, "due_before", in->due_before);
    bad += fb_bad_date (ctx, "from", in->from);
    bad += fb_bad_date (ctx, "to", in->to);
    bad += loa_check_text (ctx, "q", NULL, in->q, 0, MAX_QUERY_CHARS, 0);
    if (in->channel && !loa_check_one_of (in->channel, fb_channels))
        bad += fb_field (ctx, "channel",
                         "phải là một trong: web, open311, walk_in, phone, letter, email");
    f.channel = in->channel;
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số không hợp lệ");
        return;
    }
    f.unit_id = own > 0 ? own : in->has_unit_id ? in->unit_id : 0;
    if (own > 0 && in->has_unit_id && in->unit_id != own) {
        loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN, "Cán bộ xử lý chỉ xem được đơn vị của mình");
        return;
    }
    Loa__Feedback__FeedbackList out = LOA__FEEDBACK__FEEDBACK_LIST__INIT;
    loa_store_status st = feedback_store_list (ctx->db, &f, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, fb_item_answers);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    feedback_store_free_list (&out);
}

void feedback_items_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__FeedbackIdRequest *in = (const Loa__Feedback__FeedbackIdRequest *) msg;
    if (loa_check_roles (ctx, READERS, "Chỉ Thanh tra, lãnh đạo và cán bộ xử lý xem được") != 0)
        return;
    if (loa_check_id (ctx, in->has_id, in->id, "Mã số phản ánh, kiến nghị không hợp lệ") != 0)
        return;
    int64_t own = own_unit (ctx);
    if (own < 0)
        return;
    Loa__Feedback__Feedback out;
    loa_store_status st = feedback_store_get (ctx->db, in->id, own, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, fb_item_answers);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    feedback_store_free (&out);
}

/* A citizen's attachment, for the staff who may see its item (the rule of
 * feedback.get): the gateway then sends the blob. An attachment of another
 * unit's item is 403 for a handler; one no item holds is 404. */
void feedback_items_attachment_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__FeedbackIdRequest *in = (const Loa__Feedback__FeedbackIdRequest *) msg;
    if (loa_check_roles (ctx, READERS, "Chỉ Thanh tra, lãnh đạo và cán bộ xử lý xem được") != 0)
        return;
    static const loa_rpc_store_answer ANSWERS[] = {
        {LOA_STORE_NOT_FOUND, "Không tìm thấy tệp đính kèm"},
        {LOA_STORE_FORBIDDEN, "Tệp đính kèm của phản ánh, kiến nghị không thuộc đơn vị của bạn"},
        {LOA_STORE_OK},
    };
    if (!in->has_id || in->id <= 0) {
        loa_rpc_fail_store (ctx, LOA_STORE_NOT_FOUND, ANSWERS);
        return;
    }
    int64_t own = own_unit (ctx);
    if (own < 0)
        return;
    Loa__Feedback__Attachment out;
    int64_t unit = 0;
    loa_store_status st = feedback_store_attachment (ctx->db, in->id, &out, &unit);
    if (st == LOA_STORE_OK && own > 0 && unit != own) {
        loa_store_free_message (&out.base);
        st = LOA_STORE_FORBIDDEN;
    }
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, ANSWERS);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    loa_store_free_message (&out.base);
}

/* notify-svc's: whom to tell, with no caller's roles (it acts for nobody),
 * but only to that program. */
void feedback_items_contact (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__FeedbackIdRequest *in = (const Loa__Feedback__FeedbackIdRequest *) msg;
    if (loa_check_peer (ctx, "notify-svc") != 0 ||
        loa_check_id (ctx, in->has_id, in->id, "Mã số phản ánh, kiến nghị không hợp lệ") != 0)
        return;
    Loa__Feedback__Feedback out;
    loa_store_status st = feedback_store_get (ctx->db, in->id, 0, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, fb_item_answers);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    feedback_store_free (&out);
}

/* The most items of each kind (overdue, due soon) a digest lists. */
#define DIGEST_MAX 500

/* notify-svc's daily digests: the overdue items, then those due soon. */
void feedback_items_digest (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    (void) msg;
    if (loa_check_peer (ctx, "notify-svc") != 0)
        return;
    Loa__Feedback__FeedbackList lists[2] = {LOA__FEEDBACK__FEEDBACK_LIST__INIT,
                                            LOA__FEEDBACK__FEEDBACK_LIST__INIT};
    fb_filter f = {.page = 1, .per_page = DIGEST_MAX, .overdue = 1, .due_soon = -1};
    loa_store_status st = feedback_store_list (ctx->db, &f, &lists[0]);
    if (st == LOA_STORE_OK) {
        f.overdue = 0;
        f.due_soon = 1;
        st = feedback_store_list (ctx->db, &f, &lists[1]);
        if (st != LOA_STORE_OK)
            feedback_store_free_list (&lists[0]);
    }
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, fb_item_answers);
        return;
    }
    size_t n = lists[0].n_items + lists[1].n_items;
    Loa__Feedback__Feedback **items = calloc (n + 1, sizeof *items);
    if (!items) {
        loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, "Không đủ bộ nhớ");
    } else {
        memcpy (items, lists[0].items, lists[0].n_items * sizeof *items);
        memcpy (items + lists[0].n_items, lists[1].items, lists[1].n_items * sizeof *items);
        Loa__Feedback__FeedbackList out = LOA__FEEDBACK__FEEDBACK_LIST__INIT;
        out.items = items;
        out.n_items = n;
        out.total = lists[0].total + lists[1].total;
        out.page = 1;
        out.per_page = DIGEST_MAX;
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
        free (items);
    }
    feedback_store_free_list (&lists[0]);
    feedback_store_free_list (&lists[1]);
}

/* ------------------------------------------------------------ workflow */

static const char *const FROM_RECEIVED[] = {"received", NULL};
static const char *const FROM_ASSIGNED[] = {"assigned", NULL};
static const char *const FROM_ANSWERED[] = {"answered", NULL};
static const char *const FROM_PUBLISHED[] = {"published", NULL};

/* Runs a checked step and answers with the item after it. */
static void run_step (loa_rpc_ctx *ctx, int64_t id, fb_step *step)
{
    step->actor_id = ctx->caller->user_id;
    Loa__Feedback__Feedback out;
    loa_store_status st = feedback_store_step (ctx->db, id, step, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, fb_item_answers);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    feedback_store_free (&out);
}

/* The inspector's steps begin alike: the role, then the id. */
static int inspector_step (loa_rpc_ctx *ctx, int has_id, int64_t id)
{
    if (loa_check_roles (ctx, INSPECTOR, "Chỉ Thanh tra xử lý được bước này") != 0)
        return -1;
    return loa_check_id (ctx, has_id, id, "Mã số phản ánh, kiến nghị không hợp lệ");
}

void feedback_items_accept (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__AcceptRequest *in = (const Loa__Feedback__AcceptRequest *) msg;
    if (inspector_step (ctx, in->has_id, in->id) != 0)
        return;
    if (!in->has_unit_id || in->unit_id <= 0) {
        loa_rpc_field_error (ctx, "unit_id", "Đơn vị xử lý là bắt buộc (số nguyên dương)");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, FB_BAD_INPUT);
        return;
    }
    fb_step step = {
        .action = "accepted", .to = "assigned", .from = FROM_RECEIVED, .unit_id = in->unit_id};
    run_step (ctx, in->id, &step);
}

void feedback_items_forward (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__ForwardRequest *in = (const Loa__Feedback__ForwardRequest *) msg;
    if (inspector_step (ctx, in->has_id, in->id) != 0)
        return;
    int bad =
        loa_check_text (ctx, "to_agency", "Cơ quan nhận", in->to_agency, 1, MAX_AGENCY_CHARS, 0);
    bad += loa_check_text (ctx, "reason", "Lý do chuyển", in->reason, 1, MAX_REASON_CHARS, 0);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, FB_BAD_INPUT);
        return;
    }
    fb_step step = {.action = "forwarded",
                    .to = "forwarded",
                    .from = FROM_RECEIVED,
                    .to_agency = in->to_agency,
                    .reason = in->reason};
    run_step (ctx, in->id, &step);
}

void feedback_items_reject (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__RejectRequest *in = (const Loa__Feedback__RejectRequest *) msg;
    if (inspector_step (ctx, in->has_id, in->id) != 0)
        return;
    int bad = 0;
    if (!in->reason_code || !loa_check_one_of (in->reason_code, REJECT_CODES))
        bad += fb_field (ctx, "reason_code",
                         "phải là một trong: missing_data (thiếu thông tin bắt "
                         "buộc), not_regulation (không phải về quy định hành "
                         "chính), complaint (khiếu nại, tố cáo), duplicate "
                         "(trùng lặp), other (khác)");
    bad += loa_check_text (ctx, "reason", "Lý do từ chối", in->reason, 1, MAX_REASON_CHARS, 0);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, FB_BAD_INPUT);
        return;
    }
    fb_step step = {.action = "rejected",
                    .to = "rejected",
                    .from = FROM_RECEIVED,
                    .reason_code = in->reason_code,
                    .reason = in->reason};
    run_step (ctx, in->id, &step);
}

void feedback_items_answer (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Feedback__AnswerRequest *in = (const Loa__Feedback__AnswerRequest *) msg;
    static const char *const ANSWERERS[] = {"inspector", "handler", NULL};
    if (loa_check_roles (ctx, ANSWERERS,
                         "Chỉ cán bộ xử lý của đơn vị hoặc Thanh tra trả lời được") != 0)
        return;
    if (loa_check_id (ctx, in->has_id, in->id, "Mã số phản ánh, kiến nghị không hợp lệ") != 0)
        return;
    int64_t own = 0;
    if (!loa_rpc_has_role (ctx, "inspector")) {
        own = ctx->caller->unit_id;
        if (own <= 0) {
            loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN, "Tài khoản xử lý chưa thuộc đơn vị nào");
            return;
        }
    }
    int bad =
        loa_check_text (ctx, "answer", "Nội dung trả lời", in->answer, 1, MAX_ANSWER_CHARS, 0);
    if (!in->has_publish)
        bad += fb_field (ctx, "publish",
                         "là bắt buộc: true để công khai câu trả lời sau khi được "
                         "duyệt, false để không công khai");
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, FB_BAD_INPUT);
        return;
    }
    fb_step step = {.action = "answered",
                    .to = "answered",
                    .from = FROM_ASSIGNED,
                    .own_unit = own,
                    .answer = in->answer,
                    .publish = in->publish};
    run_step (ctx, in->id, &step);
}

/* approve, return, close: an id and a reason (required to return). */
static void reason_step (loa_rpc_ctx *ctx, const ProtobufCMessage *msg, const char *action,
                         const char *to, const char *const *from, int reason_required)
{
    const Loa__Feedback__ReasonRequest *in = (const Loa__Feedback__ReasonRequest *) msg;
    if (inspector_step (ctx, in->has_id, in->id) != 0)
        return;
    if (loa_check_text (ctx, "reason", "Lý do", in->reason, reason_required, MAX_REASON_CHARS, 0)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, FB_BAD_INPUT);
        return;
    }
    fb_step step = {.action = action, .to = to, .from = from, .reason = in->reason};
    run_step (ctx, in->id, &step);
}

void feedback_items_approve (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    reason_step (ctx, msg, "approved", "published", FROM_ANSWERED, 0);
}

void feedback_items_return (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    reason_step (ctx, msg, "returned", "assigned", FROM_ANSWERED, 1);
}

void feedback_items_close (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    reason_step (ctx, msg, "closed", "closed", FROM_PUBLISHED, 0);
}
