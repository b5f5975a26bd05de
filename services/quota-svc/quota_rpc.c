#include "quota_rpc.h"

#include <string.h>

#include "log.h"
#include "quota_store.h"

int quota_apply_content_event (PGconn *db, const Loa__Event *event, void *arg)
{
    (void) arg;
    if (strcmp (event->topic, "unit.created") != 0 && strcmp (event->topic, "unit.updated") != 0)
        return 0;
    Loa__Content__UnitEvent *ev =
        loa__content__unit_event__unpack (NULL, event->payload.len, event->payload.data);
    if (!ev || !ev->unit) {
        /* A payload we cannot read will not become readable by retrying:
         * log it and move on rather than block every later event. */
        loa_error (NULL, "quota: undecodable %s event seq %llu skipped", event->topic,
                   (unsigned long long) event->seq);
        if (ev)
            loa__content__unit_event__free_unpacked (ev, NULL);
        return 0;
    }
    int rc = quota_store_upsert_unit (db, ev->unit, event->seq);
    loa__content__unit_event__free_unpacked (ev, NULL);
    return rc;
}

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
