#include "content_media.h"

#include <stdio.h>
#include <stdlib.h>

#include "loa_config.h"
#include "loa_endpoints.h"
#include "loa_log.h"
#include "loa_rpc_thread.h"
#include "media.pb-c.h"

int content_media_check_assets (loa_rpc_ctx *ctx, const int64_t *ids, size_t n)
{
    if (n == 0)
        return 0;
    int rc = -1, down = 0;
    size_t n_missing = 0;
    int64_t *missing = calloc (n, sizeof *missing);
    loa_rpc_client *c = loa_rpc_thread_client (LOA_SVC_MEDIA);
    int64_t end = loa_mono_ms () + loa_rpc_budget_ms (ctx);
    if (!missing) {
        loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, "Không đủ bộ nhớ");
        goto out;
    }
    down = c == NULL;
    for (size_t i = 0; i < n && !down; i++) {
        if (ids[i] <= 0)
            continue;
        size_t j = 0;
        while (j < i && ids[j] != ids[i])
            j++;
        if (j < i) { /* asked already: the same answer */
            for (size_t k = 0; k < n_missing; k++)
                if (missing[k] == ids[i]) {
                    missing[n_missing++] = ids[i];
                    break;
                }
            continue;
        }
        int64_t left = end - loa_mono_ms ();
        if (left <= 0) {
            loa_warn (ctx->request_id, "content: no time left to ask media-svc about assets");
            down = 1;
            break;
        }
        Loa__Media__AssetIdRequest in = LOA__MEDIA__ASSET_ID_REQUEST__INIT;
        in.id = ids[i];
        loa_rpc_result res = {0};
        Loa__Status st = loa_rpc_read (c, "assets.get", ctx->caller, ctx->request_id, &in.base,
                                       (int) left, &res);
        loa_rpc_result_clear (&res);
        if (st == LOA__STATUS__NOT_FOUND)
            missing[n_missing++] = ids[i];
        else if (st != LOA__STATUS__OK)
            down = 1; /* whatever it is, the ids could not be checked */
    }
    if (down) {
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE,
                      "Không kiểm tra được tệp đính kèm lúc này (dịch vụ tư liệu media-svc); "
                      "vui lòng thử lại sau");
        goto out;
    }
    for (size_t i = 0; i < n_missing; i++) {
        char msg[160];
        snprintf (msg, sizeof msg,
                  "không có tệp mã số %lld (tải tệp lên trước: POST /api/v1/assets)",
                  (long long) missing[i]);
        loa_rpc_field_error (ctx, "attachment_ids", msg);
    }
    if (n_missing) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tệp đính kèm không tồn tại");
        goto out;
    }
    rc = 0;
out:
    free (missing);
    return rc;
}
