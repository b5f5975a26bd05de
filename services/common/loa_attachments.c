#include "loa_attachments.h"

#include "loa_endpoints.h"
#include "loa_log.h"
#include "loa_rpc_client.h"
#include "loa_rpc_thread.h"

Loa__Media__CitizenAttachmentList *loa_attachments_claim (loa_rpc_ctx *ctx, const int64_t *ids,
                                                          size_t n, int64_t feedback_id,
                                                          int64_t report_id)
{
    loa_rpc_result res = {0};
    loa_rpc_client *c = loa_rpc_thread_client (LOA_SVC_MEDIA);
    Loa__Media__ClaimAttachmentsRequest in = LOA__MEDIA__CLAIM_ATTACHMENTS_REQUEST__INIT;
    in.ids = (int64_t *) ids;
    in.n_ids = n;
    in.feedback_id = feedback_id;
    in.report_id = report_id;
    Loa__Status st = c ? loa_rpc_call (c, "attachments.claim", ctx->caller, ctx->request_id, NULL,
                                       &in.base, loa_rpc_budget_ms (ctx), &res)
                       : LOA__STATUS__UNAVAILABLE;
    Loa__Media__CitizenAttachmentList *list = NULL;
    if (st == LOA__STATUS__OK)
        list = res.reply && res.reply->body.len
                   ? loa__media__citizen_attachment_list__unpack (NULL, res.reply->body.len,
                                                                  res.reply->body.data)
                   : loa__media__citizen_attachment_list__unpack (NULL, 0, NULL);
    loa_rpc_result_clear (&res);
    if (!list) {
        loa_warn (ctx->request_id, "media-svc did not claim the attachments (%d)", st);
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE,
                      "Không kiểm tra được tệp đính kèm lúc này; vui lòng thử lại sau");
    }
    return list;
}

const Loa__Media__CitizenAttachment *
loa_attachments_find (const Loa__Media__CitizenAttachmentList *list, int64_t id)
{
    for (size_t k = 0; list && k < list->n_items; k++)
        if (list->items[k]->id == id)
            return list->items[k];
    return NULL;
}
