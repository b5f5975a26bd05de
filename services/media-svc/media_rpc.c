#include "media_rpc.h"

#include <string.h>

#include "loa_blob.h"
#include "loa_check.h"
#include "loa_log.h"
#include "loa_store.h"
#include "media.pb-c.h"
#include "media_attachment_rpc.h"
#include "media_edit.pb-c.h"
#include "media_pkg.pb-c.h"
#include "media_pkg_rpc.h"
#include "media_store.h"

#define ADMIN_ONLY "Chỉ quản trị viên được quản lý đơn vị nhận tin"

static const char *const kinds[] = {"tv", "radio", "newspaper", "portal", "other", NULL};
static const char *const policies[] = {"deliver", "hide", NULL};

/* ------------------------------------------------------------ assets */

/* A MIME type as the gateway detects it: type/subtype in lower case. */
static int is_mime (const char *s)
{
    const char *slash = s ? strchr (s, '/') : NULL;
    if (!slash || slash == s || !slash[1] || strlen (s) > 100)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '/' || *p == '.' ||
              *p == '+' || *p == '-') ||
            (*p == '/' && p != slash))
            return 0;
    return 1;
}

static void media_assets_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__CreateAssetRequest *in = (const Loa__Media__CreateAssetRequest *) msg;
    static const char *const roles[] = {"editor", "reviewer", NULL};
    if (loa_check_roles (ctx, roles, "Chỉ biên tập viên và người duyệt được tải tệp lên") != 0)
        return;
    int bad = 0;
    if (!loa_blob_is_hex (in->sha256, LOA_BLOB_HEX))
        bad += (loa_rpc_field_error (ctx, "sha256", "phải là 64 chữ số hex thường"), 1);
    if (in->size < 0)
        bad += (loa_rpc_field_error (ctx, "size", "không được âm"), 1);
    if (!is_mime (in->mime))
        bad += (loa_rpc_field_error (ctx, "mime", "không phải kiểu MIME"), 1);
    bad += loa_check_text (ctx, "original_name", "Tên tệp", in->original_name, 0, 255, 0);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thông tin tệp không hợp lệ");
        return;
    }
    Loa__Media__Asset out = LOA__MEDIA__ASSET__INIT;
    int created = 0;
    loa_store_status st = LOA_STORE_CONFLICT;
    /* A conflict is another first upload of the same bytes committing
     * meanwhile: the second try finds its row. */
    for (int attempt = 0; attempt < 3 && st == LOA_STORE_CONFLICT; attempt++)
        st = media_store_asset_register (ctx->db, in->sha256, in->size, in->mime, in->original_name,
                                         ctx->caller->user_id, &out, &created);
    if (st == LOA_STORE_OK) {
        if (created)
            loa_info (ctx->request_id, "media: asset %lld (%s, %lld bytes, %s) by user %lld",
                      (long long) out.id, out.sha256, (long long) out.size, out.mime,
                      (long long) ctx->caller->user_id);
        loa_rpc_ok (ctx, created ? LOA__STATUS__CREATED : LOA__STATUS__OK, &out.base);
    } else {
        static const loa_rpc_store_answer ANSWERS[] = {
            {LOA_STORE_NOT_READY, "Tệp vừa được dọn khỏi kho media; vui lòng tải lên lại"},
            {LOA_STORE_OK},
        };
        /* Still racing after three tries: as if the database failed. */
        loa_rpc_fail_store (ctx, st == LOA_STORE_CONFLICT ? LOA_STORE_ERROR : st, ANSWERS);
    }
    loa_store_free_message (&out.base);
}

/* Anyone reads an asset that a published article carries; any staff
 * member reads the others. */
static void media_assets_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__AssetIdRequest *in = (const Loa__Media__AssetIdRequest *) msg;
    Loa__Media__Asset out = LOA__MEDIA__ASSET__INIT;
    loa_store_status st =
        in->id > 0 ? media_store_asset_get (ctx->db, in->id, &out) : LOA_STORE_NOT_FOUND;
    static const loa_rpc_store_answer ANSWERS[] = {
        {LOA_STORE_NOT_FOUND, "Không tìm thấy tệp"},
        {LOA_STORE_OK},
    };
    if (st != LOA_STORE_OK)
        loa_rpc_fail_store (ctx, st, ANSWERS);
    else if (!out.is_public && ctx->caller->user_id == 0)
        loa_rpc_fail (
            ctx, ctx->caller->api_key_id ? LOA__STATUS__FORBIDDEN : LOA__STATUS__UNAUTHENTICATED,
            "Tệp chưa gắn với bài viết đã xuất bản: cần đăng nhập");
    else
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    loa_store_free_message (&out.base);
}

#define CAPTION_MAX 500
#define DESCRIBE_MAX 50

/* An editor or reviewer describes an asset (decision 0044): its caption is
 * one line, the text alternative the portal gives the picture. */
static void media_assets_update (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__UpdateAssetRequest *in = (const Loa__Media__UpdateAssetRequest *) msg;
    static const char *const roles[] = {"editor", "reviewer", NULL};
    if (loa_check_roles (ctx, roles, "Chỉ biên tập viên và người duyệt được sửa mô tả tệp") != 0)
        return;
    if (loa_check_id (ctx, in->has_id, in->id, "Thiếu mã tệp") != 0)
        return;
    int bad = 0;
    if (!in->caption)
        bad += (loa_rpc_field_error (ctx, "body", "cần trường caption"), 1);
    else if (!(bad += loa_check_text (ctx, "caption", "Chú thích", in->caption, 0, CAPTION_MAX, 0)))
        for (const unsigned char *p = (const unsigned char *) in->caption; *p && !bad; p++)
            if (*p < 0x20 || *p == 0x7f)
                bad += (loa_rpc_field_error (ctx, "caption",
                                             "Chú thích là một dòng, không có ký tự điều khiển"),
                        1);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Mô tả tệp không hợp lệ");
        return;
    }
    Loa__Media__Asset out = LOA__MEDIA__ASSET__INIT;
    loa_store_status st = media_store_asset_update (ctx->db, in->id, in->caption, &out);
    static const loa_rpc_store_answer ANSWERS[] = {
        {LOA_STORE_NOT_FOUND, "Không tìm thấy tệp"},
        {LOA_STORE_OK},
    };
    if (st == LOA_STORE_OK) {
        loa_info (ctx->request_id, "media: asset %lld described by user %lld", (long long) out.id,
                  (long long) ctx->caller->user_id);
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    } else {
        loa_rpc_fail_store (ctx, st, ANSWERS);
    }
    loa_store_free_message (&out.base);
}

/* Several assets at once, for a page that shows an article's pictures:
 * staff read every one; anyone else only those a published article
 * carries (the others are left out, as if unknown). */
static void media_assets_describe (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__AssetDescribeRequest *in = (const Loa__Media__AssetDescribeRequest *) msg;
    if (in->n_ids > DESCRIBE_MAX) {
        loa_rpc_field_error (ctx, "ids", "tối đa 50 mã tệp");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Quá nhiều tệp trong một lần đọc");
        return;
    }
    Loa__Media__AssetList out = LOA__MEDIA__ASSET_LIST__INIT;
    loa_store_status st =
        media_store_asset_describe (ctx->db, in->ids, in->n_ids, ctx->caller->user_id != 0, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NULL);
    loa_store_free_message (&out.base);
}

/* ------------------------------------------------------------ broadcasters */

/* Field errors of a broadcaster's fields; `required` for a creation.
 * The number of errors added. */
static int check_broadcaster (loa_rpc_ctx *ctx, const char *name, const char *kind,
                              const char *policy, int required)
{
    int bad = loa_check_text (ctx, "name", "Tên đơn vị nhận tin", name, required, 200, 0);
    if (kind || required) {
        if (!kind || !*kind)
            bad += (loa_rpc_field_error (ctx, "kind", "Loại là bắt buộc"), 1);
        else if (!loa_check_one_of (kind, kinds))
            bad += (loa_rpc_field_error (
                        ctx, "kind", "Loại phải là một trong: tv, radio, newspaper, portal, other"),
                    1);
    }
    if (policy || required) {
        if (!policy || !*policy)
            bad +=
                (loa_rpc_field_error (ctx, "embargo_policy", "Chính sách cấm phát là bắt buộc"), 1);
        else if (!loa_check_one_of (policy, policies))
            bad += (loa_rpc_field_error (ctx, "embargo_policy",
                                         "Chính sách cấm phát phải là deliver hoặc hide"),
                    1);
    }
    return bad;
}

static void reply_broadcaster (loa_rpc_ctx *ctx, loa_store_status st, Loa__Status ok,
                               Loa__Media__Broadcaster *out)
{
    static const loa_rpc_store_answer ANSWERS[] = {
        {LOA_STORE_NOT_FOUND, "Không tìm thấy đơn vị nhận tin"},
        {LOA_STORE_CONFLICT, "Khóa API đã gắn với đơn vị nhận tin khác"},
        {LOA_STORE_OK},
    };
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, ok, &out->base);
    else
        loa_rpc_fail_store (ctx, st, ANSWERS);
    loa_store_free_message (&out->base);
}

static void media_broadcasters_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__CreateBroadcasterRequest *in =
        (const Loa__Media__CreateBroadcasterRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    const Loa__Media__BroadcasterInput *b = in->broadcaster;
    Loa__Media__BroadcasterInput empty = LOA__MEDIA__BROADCASTER_INPUT__INIT;
    if (!b)
        b = &empty;
    /* proto3 strings are "" when absent: required fields then say so. */
    if (check_broadcaster (ctx, b->name, b->kind, b->embargo_policy, 1)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thông tin đơn vị nhận tin không hợp lệ");
        return;
    }
    Loa__Media__Broadcaster out = LOA__MEDIA__BROADCASTER__INIT;
    loa_store_status st = media_store_broadcaster_create (
        ctx->db, b->name, b->kind, b->embargo_policy, in->api_key_id, ctx->caller->user_id, &out);
    if (st == LOA_STORE_OK)
        loa_info (ctx->request_id, "media: broadcaster %lld (%s) by user %lld", (long long) out.id,
                  out.kind, (long long) ctx->caller->user_id);
    reply_broadcaster (ctx, st, LOA__STATUS__CREATED, &out);
}

static void media_broadcasters_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__BroadcasterIdRequest *in = (const Loa__Media__BroadcasterIdRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    Loa__Media__Broadcaster out = LOA__MEDIA__BROADCASTER__INIT;
    loa_store_status st =
        in->id > 0 ? media_store_broadcaster_get (ctx->db, in->id, &out) : LOA_STORE_NOT_FOUND;
    reply_broadcaster (ctx, st, LOA__STATUS__OK, &out);
}

static void media_broadcasters_set_key (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__SetBroadcasterKeyRequest *in =
        (const Loa__Media__SetBroadcasterKeyRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    if (in->api_key_id <= 0) {
        loa_rpc_field_error (ctx, "api_key_id", "Thiếu khóa API mới");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thiếu khóa API mới");
        return;
    }
    Loa__Media__Broadcaster out = LOA__MEDIA__BROADCASTER__INIT;
    loa_store_status st =
        in->id > 0 ? media_store_broadcaster_set_key (ctx->db, in->id, in->api_key_id, &out)
                   : LOA_STORE_NOT_FOUND;
    if (st == LOA_STORE_OK)
        loa_info (ctx->request_id, "media: broadcaster %lld has a new api key %lld (user %lld)",
                  (long long) out.id, (long long) in->api_key_id, (long long) ctx->caller->user_id);
    reply_broadcaster (ctx, st, LOA__STATUS__OK, &out);
}

static void media_broadcasters_update (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__UpdateBroadcasterRequest *in =
        (const Loa__Media__UpdateBroadcasterRequest *) msg;
    if (loa_check_role (ctx, "admin", ADMIN_ONLY) != 0)
        return;
    if (loa_check_id (ctx, in->has_id, in->id, "Thiếu mã đơn vị nhận tin") != 0)
        return;
    if (!in->name && !in->kind && !in->embargo_policy && !in->has_active) {
        loa_rpc_field_error (ctx, "body",
                             "cần ít nhất một trường: name, kind, embargo_policy, active");
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Không có gì để thay đổi");
        return;
    }
    if (check_broadcaster (ctx, in->name, in->kind, in->embargo_policy, 0)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thông tin đơn vị nhận tin không hợp lệ");
        return;
    }
    Loa__Media__Broadcaster out = LOA__MEDIA__BROADCASTER__INIT;
    reply_broadcaster (ctx, media_store_broadcaster_update (ctx->db, in, &out), LOA__STATUS__OK,
                       &out);
}

static void media_broadcasters_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__BroadcasterListRequest *in = (const Loa__Media__BroadcasterListRequest *) msg;
    /* Read by those who address packages to broadcasters and follow their
     * deliveries, too: nothing here is secret (a key is shown only once,
     * at creation). */
    static const char *const readers[] = {"admin", "reviewer", "inspector", "leader", NULL};
    if (loa_check_roles (ctx, readers,
                         "Chỉ quản trị viên, ban biên tập, thanh tra và lãnh đạo xem được "
                         "danh sách đơn vị nhận tin") != 0)
        return;
    int page, per_page;
    if (loa_check_list_page (ctx, in->page, in->per_page, 20, &page, &per_page) != 0)
        return;
    Loa__Media__BroadcasterList out = LOA__MEDIA__BROADCASTER_LIST__INIT;
    loa_store_status st = media_store_broadcasters_list (ctx->db, page, per_page, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NULL);
    loa_store_free_message (&out.base);
}

const loa_rpc_method media_methods[] = {
    {"assets.create", &loa__media__create_asset_request__descriptor, media_assets_create},
    {"assets.get", &loa__media__asset_id_request__descriptor, media_assets_get},
    {"assets.update", &loa__media__update_asset_request__descriptor, media_assets_update},
    {"assets.describe", &loa__media__asset_describe_request__descriptor, media_assets_describe},
    /* Citizens' attachments (media_attachment_rpc.c). */
    {"attachments.create", &loa__media__create_asset_request__descriptor, media_attachments_create},
    {"attachments.claim", &loa__media__claim_attachments_request__descriptor,
     media_attachments_claim},
    {"report_attachments.create", &loa__media__create_asset_request__descriptor,
     media_report_attachments_create},
    {"broadcasters.create", &loa__media__create_broadcaster_request__descriptor,
     media_broadcasters_create},
    {"broadcasters.list", &loa__media__broadcaster_list_request__descriptor,
     media_broadcasters_list},
    {"broadcasters.get", &loa__media__broadcaster_id_request__descriptor, media_broadcasters_get},
    {"broadcasters.set_key", &loa__media__set_broadcaster_key_request__descriptor,
     media_broadcasters_set_key},
    {"broadcasters.update", &loa__media__update_broadcaster_request__descriptor,
     media_broadcasters_update},
    {"broadcasters.me", NULL, media_broadcasters_me},
    /* Packages (media_pkg_rpc.c). */
    {"packages.create", &loa__media__create_package_request__descriptor, media_packages_create},
    {"packages.correct", &loa__media__correct_package_request__descriptor, media_packages_correct},
    {"packages.cancel", &loa__media__cancel_package_request__descriptor, media_packages_cancel},
    {"packages.list", &loa__media__package_list_request__descriptor, media_packages_list},
    {"packages.get", &loa__media__package_id_request__descriptor, media_packages_get},
    {"packages.ninjs", &loa__media__ninjs_request__descriptor, media_packages_ninjs},
    {"packages.file", &loa__media__package_file_request__descriptor, media_packages_file},
    {"packages.downloaded", &loa__media__download_log__descriptor, media_packages_downloaded},
    {"feed.list", &loa__media__feed_request__descriptor, media_feed_list},
    {"receipts.create", &loa__media__receipt_input__descriptor, media_receipts_create},
    {NULL, NULL, NULL},
};
