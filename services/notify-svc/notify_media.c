#include "notify_media.h"

#include "common.pb-c.h"
#include "loa_config.h"
#include "loa_log.h"
#include "loa_rpc_thread.h"
#include "media.pb-c.h"

/* Calls media-svc's `method` for the call's caller; fails the call unless
 * OK. The broadcaster's id into *id. 0 or -1. */
static int ask (loa_rpc_ctx *ctx, const char *method, const ProtobufCMessage *in, int64_t *id)
{
    loa_rpc_client *c = loa_rpc_thread_client (LOA_SVC_MEDIA);
    loa_rpc_result res = {0};
    Loa__Status st = c ? loa_rpc_read (c, method, ctx->caller, ctx->request_id, in,
                                       loa_rpc_budget_ms (ctx), &res)
                       : LOA__STATUS__UNAVAILABLE;
    int rc = -1;
    if (st == LOA__STATUS__OK && res.reply) {
        Loa__Media__Broadcaster *b =
            loa__media__broadcaster__unpack (NULL, res.reply->body.len, res.reply->body.data);
        if (b) {
            *id = b->id;
            rc = 0;
            loa__media__broadcaster__free_unpacked (b, NULL);
        }
    }
    if (rc != 0) {
        if (st == LOA__STATUS__NOT_FOUND)
            loa_rpc_fail (ctx, LOA__STATUS__NOT_FOUND, "Không tìm thấy đơn vị nhận tin");
        else if (st == LOA__STATUS__FORBIDDEN || st == LOA__STATUS__UNAUTHENTICATED)
            loa_rpc_fail (ctx, st,
                          res.reply && res.reply->error && *res.reply->error ? res.reply->error
                                                                             : "Không được phép");
        else {
            loa_warn (ctx->request_id, "notify: media-svc did not answer %s (status %d)", method,
                      (int) st);
            loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE,
                          "Không hỏi được dịch vụ tư liệu (media-svc) lúc này; vui lòng thử lại");
        }
    }
    loa_rpc_result_clear (&res);
    return rc;
}

int notify_media_broadcaster (loa_rpc_ctx *ctx, int64_t id)
{
    Loa__Media__BroadcasterIdRequest in = LOA__MEDIA__BROADCASTER_ID_REQUEST__INIT;
    in.id = id;
    int64_t got = 0;
    return ask (ctx, "broadcasters.get", &in.base, &got);
}

int64_t notify_media_me (loa_rpc_ctx *ctx)
{
    Loa__Empty in = LOA__EMPTY__INIT;
    int64_t id = 0;
    return ask (ctx, "broadcasters.me", &in.base, &id) == 0 ? id : 0;
}
