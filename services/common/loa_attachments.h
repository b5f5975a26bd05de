/* loa_attachments: a service's claim of private attachments from media-svc
 * (attachments.claim: citizens' files for feedback-svc, docs/decisions/
 * 0030-citizen-attachments.md; staff's files for quota-svc's plan activity
 * reports, 0034-report-attachments.md). The caller checks the ids first
 * (positive, distinct, how many) and then reads media-svc's answer: the
 * rows found, as they are after the claim. */
#ifndef LOA_ATTACHMENTS_H
#define LOA_ATTACHMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "loa_rpc_server.h"
#include "media.pb-c.h"

/* Claims `ids` for feedback item `feedback_id` or report `report_id` (the
 * other 0), on behalf of the call's caller, within loa_rpc_budget_ms. The
 * rows media-svc found (a new list, the caller's: free it with
 * loa__media__citizen_attachment_list__free_unpacked), or NULL with the
 * call failed 503 (media-svc did not answer or refused). */
Loa__Media__CitizenAttachmentList *loa_attachments_claim (loa_rpc_ctx *ctx, const int64_t *ids,
                                                          size_t n, int64_t feedback_id,
                                                          int64_t report_id);

/* The row of `id` in `list`, or NULL. */
const Loa__Media__CitizenAttachment *
loa_attachments_find (const Loa__Media__CitizenAttachmentList *list, int64_t id);

#endif
