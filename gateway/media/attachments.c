/* attachments: private files: citizens' attached to feedback (media.h;
 * docs/api/feedback.md "Attachments"; docs/decisions/0030-citizen-
 * attachments.md), and staff's attached to plan activity reports
 * (docs/api/quota.md "Attachments"; 0034-report-attachments.md), which
 * follow the same rules but are uploaded by staff only
 * (report_attachments.create), claimed by quota-svc and read by staff
 * (quota-svc's plans.attachments.get).
 *
 * Uploads (POST /api/v1/feedback/attachments, anyone, throttled) take the
 * same streaming path as assets (assets.c: hashed as it comes, kept as a
 * blob of the media volume under its SHA-256), with the citizen's rules:
 * at most 10 MB, and only JPEG, PNG or PDF as libmagic reads the bytes
 * (whatever Content-Type says). media-svc registers them as a private kind
 * of asset (attachments.create); feedback-svc claims them for an item.
 *
 * Downloads (GET /api/v1/feedback/attachments/{id}) ask feedback-svc
 * whether the caller may see the item that holds it (the rule of
 * feedback.get), which answers with the blob's digest and type; the bytes
 * are then sent from the volume (send.c), never cached by anyone. */
#include <stdio.h>
#include <string.h>

#include "core/call.h"
#include "core/respond.h"
#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "media.pb-c.h"
#include "media/media_int.h"
#include "plan.pb-c.h"
#include "plan_edit.pb-c.h"

#define ATTACHMENT_LIMIT (10LL << 20) /* 10 MB */

int gw_feedback_attachments_begin (gw_request *req, enum MHD_Result *rc)
{
    return media_upload_begin (req, ATTACHMENT_LIMIT, rc);
}

static int citizen_type (const char *mime)
{
    return strcmp (mime, "image/jpeg") == 0 || strcmp (mime, "image/png") == 0 ||
           strcmp (mime, "application/pdf") == 0;
}

/* Keeps an upload of a private file and registers it with media-svc's
 * `method` -> 201 {id, mime, size}. */
static enum MHD_Result create (gw_request *req, const char *method)
{
    enum MHD_Result rc;
    media_upload_info info;
    if (media_upload_digest (req, &info, &rc))
        return rc;
    if (!citizen_type (info.mime)) {
        char msg[200];
        snprintf (msg, sizeof msg, "chỉ nhận ảnh JPEG, PNG hoặc tệp PDF (nội dung là %.80s)",
                  info.mime);
        return gw_respond_invalid (req, 415, "Kiểu tệp không được nhận", "body", msg);
    }
    if (media_upload_keep (req, &info, &rc))
        return rc;
    Loa__Media__CreateAssetRequest in = LOA__MEDIA__CREATE_ASSET_REQUEST__INIT;
    in.sha256 = info.sha256;
    in.size = info.size;
    in.mime = info.mime;
    gw_call_spec spec = {
        .service = GW_MEDIA,
        .method = method,
        .in = &in.base,
        .out = &loa__media__citizen_attachment__descriptor,
        .idempotency_key = gw_header (req, "Idempotency-Key"),
    };
    gw_reply reply;
    if (gw_call (req, &spec, &reply) != 0)
        return reply.rc;
    const Loa__Media__CitizenAttachment *a = (const Loa__Media__CitizenAttachment *) reply.msg;
    /* Only what the uploader needs: never the digest nor the address. */
    json_t *json = json_pack ("{s:I, s:s, s:I}", "id", (json_int_t) a->id, "mime", a->mime, "size",
                              (json_int_t) a->size);
    gw_reply_free (&reply);
    if (!json)
        return gw_respond_problem (req, 500, NULL, NULL);
    return gw_respond_created (req, json, NULL);
}

enum MHD_Result gw_feedback_attachments_create (gw_request *req)
{
    return create (req, "attachments.create");
}

enum MHD_Result gw_report_attachments_create (gw_request *req)
{
    return create (req, "report_attachments.create");
}

/* Sends a private file's bytes (never cached), named
 * "<prefix>-<owner>-tep-<id>.<ext>", and frees the reply that named it. */
static enum MHD_Result send_private (gw_request *req, gw_reply *reply, const char *prefix,
                                     int64_t owner, int64_t id, const char *sha256,
                                     const char *mime)
{
    char name[80];
    snprintf (name, sizeof name, "%s-%lld-tep-%lld.%s", prefix, (long long) owner, (long long) id,
              strcmp (mime, "application/pdf") == 0 ? "pdf"
              : strcmp (mime, "image/png") == 0     ? "png"
                                                    : "jpg");
    enum MHD_Result rc = media_send_blob (req, sha256, mime, name, "private, no-store", NULL);
    gw_reply_free (reply);
    return rc;
}

/* A download's {id}: > 0, or 0 (answered 404 in *rc). */
static int64_t file_id (gw_request *req, enum MHD_Result *rc)
{
    int64_t id = gw_param_id (req, "id", INT64_MAX);
    if (!id)
        *rc = gw_respond_problem (req, 404, "Không tìm thấy tệp đính kèm", NULL);
    return id;
}

enum MHD_Result gw_feedback_attachments_get (gw_request *req)
{
    enum MHD_Result rc;
    Loa__Feedback__FeedbackIdRequest in = LOA__FEEDBACK__FEEDBACK_ID_REQUEST__INIT;
    if (!(in.id = file_id (req, &rc)))
        return rc;
    in.has_id = 1;
    gw_call_spec spec = {
        .service = GW_FEEDBACK,
        .method = "feedback.attachments.get",
        .read = 1,
        .in = &in.base,
        .out = &loa__feedback__attachment__descriptor,
    };
    gw_reply reply;
    if (gw_call (req, &spec, &reply) != 0)
        return reply.rc;
    const Loa__Feedback__Attachment *a = (const Loa__Feedback__Attachment *) reply.msg;
    return send_private (req, &reply, "phan-anh", a->feedback_id, a->id, a->sha256, a->mime);
}

enum MHD_Result gw_report_attachments_get (gw_request *req)
{
    enum MHD_Result rc;
    Loa__Quota__ReportAttachmentRequest in = LOA__QUOTA__REPORT_ATTACHMENT_REQUEST__INIT;
    if (!(in.id = file_id (req, &rc)))
        return rc;
    in.has_id = 1;
    gw_call_spec spec = {
        .service = GW_QUOTA,
        .method = "plans.attachments.get",
        .read = 1,
        .in = &in.base,
        .out = &loa__quota__report_attachment__descriptor,
    };
    gw_reply reply;
    if (gw_call (req, &spec, &reply) != 0)
        return reply.rc;
    const Loa__Quota__ReportAttachment *a = (const Loa__Quota__ReportAttachment *) reply.msg;
    return send_private (req, &reply, "bao-cao", a->report_id, a->id, a->sha256, a->mime);
}
