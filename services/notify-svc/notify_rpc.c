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
#include "notify_staff.h"
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

/* Checks a list's paging and filters ("" or NULL: any), then answers with
 * the page of deliveries, each e-mail with its Message-ID. */
static void answer_list (loa_rpc_ctx *ctx, const char *status, const char *channel,
                         int64_t broadcaster_id, int has_page, int page_in, int has_per_page,
                         int per_page_in)
{
    int page, per_page, bad = 0;
    status = status ? status : "";
    channel = channel ? channel : "";
    if (loa_check_page (ctx, has_page, page_in, has_per_page, per_page_in, DEFAULT_PER_PAGE, &page,
                        &per_page) != 0)
        bad++;
    if (*status && !loa_check_one_of (status, STATUSES)) {
        loa_rpc_field_error (ctx, "status", "phải là một trong: queued, sent, failed");
        bad++;
    }
    if (*channel && !loa_check_one_of (channel, CHANNELS)) {
        loa_rpc_field_error (ctx, "channel", "phải là một trong: email, sms, webhook");
        bad++;
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số không hợp lệ");
        return;
    }
    Loa__Notify__DeliveryList out;
    loa_store_status st =
        notify_store_list (ctx->db, status, channel, broadcaster_id, page, per_page, &out);
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

static void deliveries_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__DeliveryListRequest *in = (const Loa__Notify__DeliveryListRequest *) msg;
    if (loa_check_role (ctx, "admin", "Chỉ quản trị viên xem được hàng đợi thông báo") != 0)
        return;
    answer_list (ctx, in->status, in->channel, 0, in->has_page, in->page, in->has_per_page,
                 in->per_page);
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
    answer_list (ctx, in->status, "webhook", who, in->has_page, in->page, in->has_per_page,
                 in->per_page);
}

/* ------------------------------------------------------------ staff */

static const loa_rpc_store_answer note_answers[] = {
    {LOA_STORE_NOT_FOUND, "Không tìm thấy thông báo"},
    {LOA_STORE_OK},
};

/* The caller must be a member of staff (a login, not an API key). */
static void notifications_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__NotificationListRequest *in =
        (const Loa__Notify__NotificationListRequest *) msg;
    int page, per_page;
    if (loa_check_staff (ctx) != 0)
        return;
    if (loa_check_page (ctx, in->has_page, in->page, in->has_per_page, in->per_page,
                        DEFAULT_PER_PAGE, &page, &per_page) != 0) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tham số không hợp lệ");
        return;
    }
    Loa__Notify__NotificationList out;
    loa_store_status st = notify_store_notes (ctx->db, ctx->caller->user_id,
                                              in->has_unread && in->unread, page, per_page, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, NULL);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    loa_store_free_message (&out.base);
}

static void notifications_read (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__NotificationIdRequest *in = (const Loa__Notify__NotificationIdRequest *) msg;
    if (loa_check_staff (ctx) != 0 ||
        loa_check_id (ctx, in->has_id, in->id, "Mã số thông báo không hợp lệ") != 0)
        return;
    Loa__Notify__Notification out;
    loa_store_status st = notify_store_note_read (ctx->db, in->id, ctx->caller->user_id, &out);
    if (st != LOA_STORE_OK) {
        loa_rpc_fail_store (ctx, st, note_answers);
        return;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    loa_store_free_message (&out.base);
}

static void notifications_read_all (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    (void) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    long long n = notify_store_notes_read_all (ctx->db, ctx->caller->user_id);
    if (n < 0) {
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
        return;
    }
    Loa__Notify__ReadAllReply out = LOA__NOTIFY__READ_ALL_REPLY__INIT;
    out.marked = n;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
}

/* The caller's choices, one per kind, those of its roles first. */
static void answer_preferences (loa_rpc_ctx *ctx)
{
    const char *kinds[16];
    int email[16];
    char address[256];
    size_t n = notify_staff_n_kinds;
    for (size_t i = 0; i < n; i++)
        kinds[i] = notify_staff_kinds[i].kind;
    if (notify_store_prefs (ctx->db, ctx->caller->user_id, kinds, n, email, address,
                            sizeof address) != 0) {
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
        return;
    }
    Loa__Notify__Preference items[16], *ptrs[16];
    size_t k = 0;
    for (int pass = 1; pass >= 0; pass--)
        for (size_t i = 0; i < n; i++) {
            int mine = 0;
            for (const char *const *r = notify_staff_kinds[i].roles; *r && !mine; r++)
                mine = loa_rpc_has_role (ctx, *r);
            if (mine != pass)
                continue;
            loa__notify__preference__init (&items[k]);
            items[k].kind = (char *) notify_staff_kinds[i].kind;
            items[k].label = (char *) notify_staff_kinds[i].label;
            items[k].email = email[i];
            items[k].for_you = mine;
            ptrs[k] = &items[k];
            k++;
        }
    Loa__Notify__Preferences out = LOA__NOTIFY__PREFERENCES__INIT;
    out.items = ptrs;
    out.n_items = k;
    out.email = address;
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
}

static void preferences_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    (void) msg;
    if (loa_check_staff (ctx) == 0)
        answer_preferences (ctx);
}

static void preferences_put (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__PreferencesInput *in = (const Loa__Notify__PreferencesInput *) msg;
    if (loa_check_staff (ctx) != 0)
        return;
    int bad = 0;
    for (size_t i = 0; i < in->n_items; i++) {
        const Loa__Notify__PreferenceInput *p = in->items[i];
        int known = 0;
        for (size_t k = 0; p->kind && k < notify_staff_n_kinds && !known; k++)
            known = strcmp (p->kind, notify_staff_kinds[k].kind) == 0;
        char field[48];
        snprintf (field, sizeof field, "items[%zu].%s", i, known ? "email" : "kind");
        if (!known) {
            loa_rpc_field_error (ctx, field, "không phải một loại thông báo");
            bad++;
        } else if (!p->has_email) {
            loa_rpc_field_error (ctx, field, "phải là true hoặc false");
            bad++;
        }
    }
    if (in->n_items > notify_staff_n_kinds * 2) {
        loa_rpc_field_error (ctx, "items", "quá nhiều mục");
        bad++;
    }
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Lựa chọn không hợp lệ");
        return;
    }
    for (size_t i = 0; i < in->n_items; i++)
        if (notify_store_pref_put (ctx->db, ctx->caller->user_id, in->items[i]->kind,
                                   in->items[i]->email) != 0) {
            loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
            return;
        }
    answer_preferences (ctx);
}

static void users_sync (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Notify__UsersSyncRequest *in = (const Loa__Notify__UsersSyncRequest *) msg;
    if (loa_check_peer (ctx, "gateway") != 0)
        return;
    Loa__Notify__UsersSyncReply out = LOA__NOTIFY__USERS_SYNC_REPLY__INIT;
    for (size_t i = 0; i < in->n_users; i++) {
        const Loa__Notify__StaffUser *u = in->users[i];
        if (u->id <= 0 || !u->username || !u->updated_at || !*u->updated_at) {
            loa_rpc_field_error (ctx, "users", "thiếu id, username hoặc updated_at");
            loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Tài khoản không hợp lệ");
            return;
        }
        int rc = notify_store_user_sync (ctx->db, u);
        if (rc < 0) {
            loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
            return;
        }
        out.applied += rc;
    }
    loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
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
    {"notifications.list", IN (notification_list_request), notifications_list},
    {"notifications.read", IN (notification_id_request), notifications_read},
    {"notifications.read_all", NULL, notifications_read_all},
    {"notifications.preferences.get", NULL, preferences_get},
    {"notifications.preferences.put", IN (preferences_input), preferences_put},
    {"users.sync", IN (users_sync_request), users_sync},
    {NULL, NULL, NULL},
};
