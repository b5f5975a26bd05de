#include "quota_rpc.h"

#include "log.h"
#include "quota_store.h"

static void units_list (loa_rpc_ctx *ctx, const ProtobufCMessage *in)
{
    (void) in;
    Loa__Quota__QuotaUnitList out = LOA__QUOTA__QUOTA_UNIT_LIST__INIT;
    if (quota_store_list_units (ctx->db, &out) == 0)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, "Không truy cập được cơ sở dữ liệu");
    quota_store_free_units (&out);
}

const loa_rpc_method quota_methods[] = {
    {"units.list", NULL, units_list},
    {NULL, NULL, NULL},
};
