#include "notify_rpc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_check.h"
#include "loa_config.h"
#include "notify.pb-c.h"
#include "notify_edit.pb-c.h"
#include "notify_events.h"
#include "notify_media.h"
#include "notify_send.h"
#include "notify_store.h"
#include "notify_webhook.h"

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
    loa_store_status st =
        notify_store_list (ctx->db, in->status ? in->status : "", in->channel ? in->channel : "", 0,
                           page, per_page, &out);
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

/* ------------------------------------------------------------ webhooks */

static const loa_rpc_store_answer webhook_answers[] = {
    {LOA_STORE_NOT_FOUND, "Đơn vị nhận tin này chưa có webhook"},
    {LOA_STORE_OK},
};

static const char ADMIN_ONLY[] = "Chỉ quản trị viên quản lý được webhook của đơn vị nhận tin";

static int broadcaster_id_ok (loa_rpc_ctx *ctx, int has, int64_t id)
{
    return loa_check_id (ctx, has, id, "Mã số đơn vị nhận tin không hợp lệ");
}

static void webhooks_put (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__WebhookInput *in = (const Loa__Notify__WebhookInput *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0 ||
        broadcaster_id_ok (ctx, in->has_broadcaster_id, in->broadcaster_id) != 0)
        return;
    if (loa_check_text (ctx, "url", "Địa chỉ webhook", in->url, 1, 2000, 2000) != 0) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Địa chỉ webhook không hợp lệ");
        return;
    }
    char pin[600], why[200];
    if (notify_webhook_url_check (in->url, pin, sizeof pin, why, sizeof why) != 0) {
        char m[260];
        snprintf (m, sizeof m, "Địa chỉ webhook %s", why);
        loa_rpc_field_error (ctx, "url", m);
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, m);
        return;
    }
    if (notify_media_broadcaster (ctx, in->broadcaster_id) != 0)
        return;
    uint8_t secret[NOTIFY_WEBHOOK_SECRET_BYTES];
    randombytes_buf (secret, sizeof secret);
    Loa__Notify__Webhook out;
    loa_store_status st = notify_store_webhook_put (ctx->db, in->broadcaster_id, in->url, secret,
                                                    ctx->caller->user_id, &out);
    sodium_memzero (secret, sizeof secret); /* the row keeps it; the answer shows it once */
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, webhook_answers);
        return;
    }
    char text[NOTIFY_WEBHOOK_SECRET_TEXT];
    uint8_t again[NOTIFY_WEBHOOK_SECRET_BYTES];
    char *url = NULL;
    if (notify_store_webhook_secret (ctx->db, in->broadcaster_id, &url, again) != 1) {
        notify_store_free_webhook (&out);
        loa_rpc_fail (ctx, LOA__STATUS__UNAVAILABLE, "Không đọc lại được webhook vừa lưu");
        return;
    }
    free (url);
    notify_webhook_secret_text (again, text);
    sodium_memzero (again, sizeof again);
    out.secret = text;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    sodium_memzero (text, sizeof text);
    out.secret = (char *) protobuf_c_empty_string;
    notify_store_free_webhook (&out);
}

static void webhooks_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__WebhookRequest *in = (const Loa__Notify__WebhookRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0 ||
        broadcaster_id_ok (ctx, in->has_broadcaster_id, in->broadcaster_id) != 0)
        return;
    Loa__Notify__Webhook out;
    loa_store_status st = notify_store_webhook_get (ctx->db, in->broadcaster_id, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, webhook_answers);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    notify_store_free_webhook (&out);
}

static void webhooks_delete (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__WebhookRequest *in = (const Loa__Notify__WebhookRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0 ||
        broadcaster_id_ok (ctx, in->has_broadcaster_id, in->broadcaster_id) != 0)
        return;
    loa_store_status st = notify_store_webhook_delete (ctx->db, in->broadcaster_id);
    if (st != LOA_STORE_OK)
        loa_rpc_fail_store (ctx, st, webhook_answers);
    else
        loa_rpc_ok (ctx, LOA__STATUS__OK, NULL);
}

static void webhooks_test (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__WebhookRequest *in = (const Loa__Notify__WebhookRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0 ||
        broadcaster_id_ok (ctx, in->has_broadcaster_id, in->broadcaster_id) != 0)
        return;
    char key[96];
    snprintf (key, sizeof key, "webhook-test.%lld.webhook.b%lld", (long long) loa_now_ms (),
              (long long) in->broadcaster_id);
    char *body = notify_events_webhook_test_body (in->broadcaster_id);
    int queued =
        body ? notify_store_enqueue_webhook (ctx->db, key, "webhook.test", in->broadcaster_id, body)
             : -1;
    free (body);
    if (queued < 0) {
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
        return;
    }
    if (queued == 0) {
        loa_rpc_fail_store (ctx, LOA_STORE_NOT_FOUND, webhook_answers);
        return;
    }
    Loa__Notify__Delivery out;
    loa_store_status st = notify_store_delivery_by_key (ctx->db, key, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, NULL);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    notify_store_free_delivery (&out);
}

static void webhooks_deliveries (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__WebhookDeliveryListRequest *in =
        (const Loa__Notify__WebhookDeliveryListRequest *) msg;
    int64_t who = 0;
    if (ctx->caller->api_key_id > 0) { /* a broadcaster: its own */
        if (!(who = notify_media_me (ctx)))
            return;
        if (in->has_broadcaster_id && in->broadcaster_id != who) {
            loa_rpc_fail (ctx, LOA__STATUS__FORBIDDEN,
                          "Đơn vị nhận tin chỉ xem được webhook của mình");
            return;
        }
    } else if (loa_check_role (ctx, "admin",
                               "Chỉ quản trị viên và đơn vị nhận tin xem được nhật ký webhook") !=
               0)
        return;
    else if (in->has_broadcaster_id)
        who = in->broadcaster_id;
    int page, per_page, bad = 0;
    if (loa_check_page (ctx, in->has_page, in->page, in->has_per_page, in->per_page,
                        DEFAULT_PER_PAGE, &page, &per_page) != 0)
        bad++;
    if (in->status && *in->status && !loa_check_one_of (in->status, STATUSES)) {
        loa_rpc_field_error (ctx, "status", "phải là một trong: queued, sent, failed");
        bad++;
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số không hợp lệ");
        return;
    }
    Loa__Notify__DeliveryList out;
    loa_store_status st = notify_store_list (ctx->db, in->status ? in->status : "", "webhook", who,
                                             page, per_page, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, NULL);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    notify_store_free_list (&out);
}

#define IN(m) &loa__notify__##m##__descriptor

const loa_rpc_method notify_methods[] = {
    {"deliveries.list", IN (delivery_list_request), deliveries_list},
    {"deliveries.retry", IN (delivery_id_request), deliveries_retry},
    {"webhooks.put", IN (webhook_input), webhooks_put},
    {"webhooks.get", IN (webhook_request), webhooks_get},
    {"webhooks.delete", IN (webhook_request), webhooks_delete},
    {"webhooks.test", IN (webhook_request), webhooks_test},
    {"webhooks.deliveries", IN (webhook_delivery_list_request), webhooks_deliveries},
    {NULL, NULL, NULL},
};
