#include "notify_rpc.h"

#include <stdlib.h>
#include <string.h>

#include "loa_check.h"
#include "notify.pb-c.h"
#include "notify_edit.pb-c.h"
#include "notify_send.h"
#include "notify_store.h"

#define DEFAULT_PER_PAGE 20

static const char *const STATUSES[] = {"queued", "sent", "failed", NULL};
static const char *const CHANNELS[] = {"email", "sms", "webhook", NULL};

static const loa_rpc_store_answer delivery_answers[] = {
    {LOA_STORE_NOT_FOUND, "Không tìm thấy thông báo cần gửi"},
    {LOA_STORE_WRONG_STATE, "Chỉ gửi lại được thông báo đã thất bại"},
    {LOA_STORE_OK},
};

/* An e-mail's Message-ID, the admins' handle on a copy in a mailbox. */
static void set_message_id (Loa__Notify__Delivery *d, char *buf, size_t len)
{
    if (strcmp (d->channel, "email") != 0)
        return;
    notify_send_message_id (d->key, buf, len);
    d->message_id = buf;
}

static void deliveries_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__DeliveryListRequest *in = (const Loa__Notify__DeliveryListRequest *) msg;
    if (loa_check_role (ctx, "admin", "Chỉ quản trị viên xem được hàng đợi thông báo") != 0)
        return;
    int page, per_page, bad = 0;
    if (loa_check_page (ctx, in->has_page, in->page, in->has_per_page, in->per_page,
                        DEFAULT_PER_PAGE, &page, &per_page) != 0)
        bad++;
    if (in->status && *in->status && !loa_check_one_of (in->status, STATUSES)) {
        loa_rpc_field_error (ctx, "status", "phải là một trong: queued, sent, failed");
        bad++;
    }
    if (in->channel && *in->channel && !loa_check_one_of (in->channel, CHANNELS)) {
        loa_rpc_field_error (ctx, "channel", "phải là một trong: email, sms, webhook");
        bad++;
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số không hợp lệ");
        return;
    }
    Loa__Notify__DeliveryList out;
    loa_store_status st = notify_store_list (ctx->db, in->status ? in->status : "",
                                             in->channel ? in->channel : "", page, per_page, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, delivery_answers);
        return;
    }
    char (*ids)[512] = NULL;
    if (out.n_items && !(ids = calloc (out.n_items, sizeof *ids))) {
        notify_store_free_list (&out);
        loa_rpc_fail (ctx, LOA__STATUS__INTERNAL, "Không đủ bộ nhớ");
        return;
    }
    for (size_t i = 0; i < out.n_items; i++)
        set_message_id (out.items[i], ids[i], sizeof ids[i]);
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    for (size_t i = 0; i < out.n_items; i++)
        out.items[i]->message_id = (char *) protobuf_c_empty_string; /* ids[i]: not the store's */
    free (ids);
    notify_store_free_list (&out);
}

static void deliveries_retry (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__DeliveryIdRequest *in = (const Loa__Notify__DeliveryIdRequest *) msg;
    if (loa_check_role (ctx, "admin", "Chỉ quản trị viên gửi lại được thông báo") != 0 ||
        loa_check_id (ctx, in->has_id, in->id, "Mã số thông báo không hợp lệ") != 0)
        return;
    Loa__Notify__Delivery out;
    loa_store_status st = notify_store_retry (ctx->db, in->id, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, delivery_answers);
        return;
    }
    char id[512];
    set_message_id (&out, id, sizeof id);
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    out.message_id = (char *) protobuf_c_empty_string;
    notify_store_free_delivery (&out);
}

#define IN(m) &loa__notify__##m##__descriptor

const loa_rpc_method notify_methods[] = {
    {"deliveries.list", IN (delivery_list_request), deliveries_list},
    {"deliveries.retry", IN (delivery_id_request), deliveries_retry},
    {NULL, NULL, NULL},
};
