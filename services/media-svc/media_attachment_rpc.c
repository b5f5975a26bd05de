#include "media_attachment_rpc.h"

#include <stdio.h>
#include <string.h>

#include "loa_blob.h"
#include "loa_check.h"
#include "loa_log.h"
#include "loa_store.h"
#include "media.pb-c.h"
#include "media_attachment_store.h"

/* What a citizen may attach, and staff to a report (the gateway checks the
 * bytes; this the row). */
#define MAX_ATTACHMENT_BYTES (10LL << 20)
#define MAX_CLAIM_FEEDBACK 5
#define MAX_CLAIM_REPORT 20

static const char *const MIMES[] = {"image/jpeg", "image/png", "application/pdf", NULL};

/* attachments.create and report_attachments.create: the row of bytes the
 * gateway stored, a citizen's (uploaded_by 0) or a member of staff's. */
static void create (loa_rpc_ctx *ctx, const Loa__Media__CreateAssetRequest *in, int64_t uploaded_by)
{
    int bad = 0;
    if (!loa_blob_is_hex (in->sha256, LOA_BLOB_HEX))
        bad += (loa_rpc_field_error (ctx, "sha256", "phải là 64 chữ số hex thường"), 1);
    if (in->size <= 0 || in->size > MAX_ATTACHMENT_BYTES)
        bad += (loa_rpc_field_error (ctx, "size", "phải từ 1 byte đến 10 MB"), 1);
    if (!loa_check_one_of (in->mime, MIMES))
        bad += (loa_rpc_field_error (ctx, "mime",
                                     "phải là image/jpeg, image/png hoặc "
                                     "application/pdf"),
                1);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thông tin tệp không hợp lệ");
        return;
    }
    Loa__Media__CitizenAttachment out;
    const media_attachment_new row = {in->sha256, in->mime, in->size, ctx->caller->client_addr,
                                      uploaded_by};
    loa_store_status st = media_attachment_store_create (ctx->db, &row, &out);
    if (st != LOA_STORE_OK) {
        static const loa_rpc_store_answer ANSWERS[] = {
            {LOA_STORE_NOT_READY, "Tệp vừa được dọn khỏi kho; vui lòng tải lên lại"},
            {LOA_STORE_OK},
        };
        loa_rpc_fail_store (ctx, st, ANSWERS);
        return;
    }
    loa_info (ctx->request_id, "media: %s attachment %lld (%s, %lld bytes, %s) from %s by %lld",
              out.kind, (long long) out.id, out.sha256, (long long) out.size, out.mime,
              ctx->caller->client_addr, (long long) uploaded_by);
    loa_rpc_ok (ctx, LOA__STATUS__CREATED, &out.base);
    loa_store_free_message (&out.base);
}

void media_attachments_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    create (ctx, (const Loa__Media__CreateAssetRequest *) msg, 0);
}

void media_report_attachments_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    if (loa_check_staff (ctx) != 0)
        return;
    create (ctx, (const Loa__Media__CreateAssetRequest *) msg, ctx->caller->user_id);
}

void media_attachments_claim (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__ClaimAttachmentsRequest *in =
        (const Loa__Media__ClaimAttachmentsRequest *) msg;
    /* A citizen's files are claimed by feedback-svc, staff's by quota-svc. */
    int report = in->report_id != 0;
    if (loa_check_peer (ctx, report ? "quota-svc" : "feedback-svc") != 0)
        return;
    size_t max = report ? MAX_CLAIM_REPORT : MAX_CLAIM_FEEDBACK;
    int bad = 0;
    if (report && in->feedback_id != 0)
        bad += (loa_rpc_field_error (ctx, "feedback_id", "không đi cùng report_id"), 1);
    if (report && in->report_id < 0)
        bad += (loa_rpc_field_error (ctx, "report_id", "phải là số nguyên dương"), 1);
    if (!report && in->feedback_id <= 0)
        bad += (loa_rpc_field_error (ctx, "feedback_id", "phải là số nguyên dương"), 1);
    if (report && ctx->caller->user_id <= 0)
        bad += (loa_rpc_field_error (ctx, "caller", "phải là một người dùng"), 1);
    if (in->n_ids == 0 || in->n_ids > max) {
        char what[64];
        snprintf (what, sizeof what, "từ 1 đến %zu mã tệp", max);
        bad += (loa_rpc_field_error (ctx, "ids", what), 1);
    }
    for (size_t i = 0; i < in->n_ids && !bad; i++) {
        int dup = in->ids[i] <= 0;
        for (size_t j = 0; j < i; j++)
            dup |= in->ids[i] == in->ids[j];
        if (dup)
            bad += (loa_rpc_field_error (ctx, "ids", "mã tệp dương, không lặp lại"), 1);
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Yêu cầu không hợp lệ");
        return;
    }
    const media_attachment_owner owner = {in->feedback_id, in->report_id, ctx->caller->user_id};
    Loa__Media__CitizenAttachmentList out;
    loa_store_status st = media_attachment_store_claim (ctx->db, in->ids, in->n_ids, &owner, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, NULL);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    loa_store_free_message (&out.base);
}
