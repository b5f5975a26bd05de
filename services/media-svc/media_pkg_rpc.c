#include "media_pkg_rpc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "loa_blob.h"
#include "loa_check.h"
#include "loa_log.h"
#include "loa_store.h"
#include "media_ninjs.h"
#include "media_pkg_store.h"

#define MAX_ASSETS 50
#define MAX_BROADCASTERS 200

static const char *const writers[] = {"reviewer", NULL};
static const char *const readers[] = {"reviewer", "inspector", "leader", NULL};

static int digits (const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int media_is_rfc3339 (const char *s)
{
    if (!s || strlen (s) < 20 || !digits (s, 4) || s[4] != '-' || !digits (s + 5, 2) ||
        s[7] != '-' || !digits (s + 8, 2) || (s[10] != 'T' && s[10] != 't') ||
        !digits (s + 11, 2) || s[13] != ':' || !digits (s + 14, 2) || s[16] != ':' ||
        !digits (s + 17, 2))
        return 0;
    const char *p = s + 19;
    if (*p == '.') {
        const char *q = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == q)
            return 0;
    }
    if ((*p == 'Z' || *p == 'z') && !p[1])
        return 1;
    return (*p == '+' || *p == '-') && digits (p + 1, 2) && p[3] == ':' && digits (p + 4, 2) &&
           !p[6];
}

/* Field errors of a list of ids; the number added. */
static int check_ids (loa_rpc_ctx *ctx, const char *field, const int64_t *ids, size_t n, size_t max)
{
    char msg[96];
    if (n > max) {
        snprintf (msg, sizeof msg, "tối đa %zu mục", max);
        loa_rpc_field_error (ctx, field, msg);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (ids[i] <= 0) {
            loa_rpc_field_error (ctx, field, "mã phải là số nguyên dương");
            return 1;
        }
        for (size_t j = 0; j < i; j++)
            if (ids[j] == ids[i]) {
                loa_rpc_field_error (ctx, field, "có mã lặp lại");
                return 1;
            }
    }
    return 0;
}

static int check_embargo (loa_rpc_ctx *ctx, const char *s)
{
    if (s && *s && !media_is_rfc3339 (s)) {
        loa_rpc_field_error (ctx, "embargo_until",
                             "phải là thời điểm RFC 3339, ví dụ 2022-02-15T08:00:00+07:00");
        return 1;
    }
    return 0;
}

/* Answers with the package (staff view) after a write. */
static void reply_written (loa_rpc_ctx *ctx, loa_store_status st, media_pkg_write *w)
{
    if (st != LOA_STORE_OK) {
        const loa_rpc_store_answer answers[] = {
            {LOA_STORE_INVALID, "Thông tin gói tin không hợp lệ", w->field, w->message},
            {LOA_STORE_NOT_FOUND, "Không tìm thấy gói tin"},
            {LOA_STORE_CONFLICT, w->message},
            {LOA_STORE_OK},
        };
        loa_rpc_fail_store (ctx, st, answers);
        return;
    }
    loa_info (ctx->request_id, "media: package %lld version %d by user %lld", (long long) w->id,
              w->version, (long long) w->user_id);
    Loa__Media__Package out = LOA__MEDIA__PACKAGE__INIT;
    if (media_pkg_store_get (ctx->db, w->id, &out) == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__CREATED, &out.base);
    else /* the package just written: the database failed */
        loa_rpc_fail_store (ctx, LOA_STORE_ERROR, NULL);
    loa_store_free_message (&out.base);
}

void media_packages_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__CreatePackageRequest *in = (const Loa__Media__CreatePackageRequest *) msg;
    if (loa_check_roles (ctx, writers, "Chỉ người duyệt được tạo gói tin") != 0)
        return;
    int bad = 0;
    if (in->article_id <= 0)
        bad += (loa_rpc_field_error (ctx, "article_id", "là bắt buộc"), 1);
    bad += check_ids (ctx, "asset_ids", in->asset_ids, in->n_asset_ids, MAX_ASSETS);
    bad += check_ids (ctx, "broadcaster_ids", in->broadcaster_ids, in->n_broadcaster_ids,
                      MAX_BROADCASTERS);
    bad += check_embargo (ctx, in->embargo_until);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thông tin gói tin không hợp lệ");
        return;
    }
    media_pkg_write w = {.kind = MEDIA_PKG_CREATE,
                         .article_id = in->article_id,
                         .asset_ids = in->asset_ids,
                         .n_assets = in->n_asset_ids,
                         .broadcaster_ids = in->broadcaster_ids,
                         .n_broadcasters = in->n_broadcaster_ids,
                         .embargo_until = in->embargo_until ? in->embargo_until : "",
                         .note = "",
                         .user_id = ctx->caller->user_id};
    reply_written (ctx, media_pkg_store_write (ctx->db, &w), &w);
}

void media_packages_correct (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__CorrectPackageRequest *in = (const Loa__Media__CorrectPackageRequest *) msg;
    if (loa_check_roles (ctx, writers, "Chỉ người duyệt được đính chính gói tin") != 0)
        return;
    if (loa_check_id (ctx, in->id > 0, in->id, "Thiếu mã gói tin") != 0)
        return;
    int bad = 0;
    if (in->asset_ids)
        bad += check_ids (ctx, "asset_ids", in->asset_ids->values, in->asset_ids->n_values,
                          MAX_ASSETS);
    /* Absent: the last usable version's embargo stays; null or "": none. */
    const char *embargo =
        in->embargo_until ? (in->embargo_until->value ? in->embargo_until->value : "") : NULL;
    bad += check_embargo (ctx, embargo);
    bad += loa_check_text (ctx, "note", "Ghi chú", in->note, 0, 1000, 0);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thông tin đính chính không hợp lệ");
        return;
    }
    media_pkg_write w = {.kind = MEDIA_PKG_CORRECT,
                         .package_id = in->id,
                         .has_assets = in->asset_ids != NULL,
                         .asset_ids = in->asset_ids ? in->asset_ids->values : NULL,
                         .n_assets = in->asset_ids ? in->asset_ids->n_values : 0,
                         .embargo_until = embargo,
                         .note = in->note ? in->note : "",
                         .user_id = ctx->caller->user_id};
    reply_written (ctx, media_pkg_store_write (ctx->db, &w), &w);
}

void media_packages_cancel (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__CancelPackageRequest *in = (const Loa__Media__CancelPackageRequest *) msg;
    if (loa_check_roles (ctx, writers, "Chỉ người duyệt được hủy gói tin") != 0)
        return;
    if (loa_check_id (ctx, in->id > 0, in->id, "Thiếu mã gói tin") != 0)
        return;
    if (loa_check_text (ctx, "reason", "Lý do hủy", in->reason, 1, 1000, 0)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Thiếu lý do hủy");
        return;
    }
    media_pkg_write w = {.kind = MEDIA_PKG_CANCEL,
                         .package_id = in->id,
                         .note = in->reason,
                         .user_id = ctx->caller->user_id};
    reply_written (ctx, media_pkg_store_write (ctx->db, &w), &w);
}

void media_packages_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__PackageListRequest *in = (const Loa__Media__PackageListRequest *) msg;
    if (loa_check_roles (ctx, readers, "Chỉ người duyệt, thanh tra và lãnh đạo xem gói tin") != 0)
        return;
    int page, per_page;
    if (loa_check_list_page (ctx, in->page, in->per_page, 20, &page, &per_page) != 0)
        return;
    Loa__Media__PackageList out = LOA__MEDIA__PACKAGE_LIST__INIT;
    loa_store_status st = media_pkg_store_list (ctx->db, page, per_page, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NULL);
    loa_store_free_message (&out.base);
}

void media_packages_get (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__PackageIdRequest *in = (const Loa__Media__PackageIdRequest *) msg;
    if (loa_check_roles (ctx, readers, "Chỉ người duyệt, thanh tra và lãnh đạo xem gói tin") != 0)
        return;
    Loa__Media__Package out = LOA__MEDIA__PACKAGE__INIT;
    loa_store_status st =
        in->id > 0 ? media_pkg_store_get (ctx->db, in->id, &out) : LOA_STORE_NOT_FOUND;
    static const loa_rpc_store_answer ANSWERS[] = {
        {LOA_STORE_NOT_FOUND, "Không tìm thấy gói tin"},
        {LOA_STORE_OK},
    };
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, ANSWERS);
    loa_store_free_message (&out.base);
}

/* ------------------------------------------------------------ broadcasters */

/* The calling broadcaster's id, or 0 with the call failed. */
static int64_t broadcaster (loa_rpc_ctx *ctx)
{
    int64_t id = 0;
    if (ctx->caller->api_key_id <= 0) {
        loa_rpc_fail (ctx,
                      ctx->caller->user_id ? LOA__STATUS__FORBIDDEN : LOA__STATUS__UNAUTHENTICATED,
                      "Chỉ đơn vị nhận tin (khóa API) được nhận gói tin");
        return 0;
    }
    loa_store_status st = media_pkg_store_broadcaster (ctx->db, ctx->caller->api_key_id, &id);
    static const loa_rpc_store_answer ANSWERS[] = {
        {LOA_STORE_FORBIDDEN, "Khóa API không gắn với đơn vị nhận tin nào đang hoạt động"},
        {LOA_STORE_OK},
    };
    if (st != LOA_STORE_OK)
        loa_rpc_fail_store (ctx, st, ANSWERS);
    return st == LOA_STORE_OK ? id : 0;
}

void media_broadcasters_me (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    (void) msg;
    int64_t id = broadcaster (ctx);
    if (!id)
        return;
    Loa__Media__Broadcaster out = LOA__MEDIA__BROADCASTER__INIT;
    loa_store_status st = media_store_broadcaster_get (ctx->db, id, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NULL);
    loa_store_free_message (&out.base);
}

/* What the store's statuses say to a broadcaster reading a package. */
static const loa_rpc_store_answer ACCESS_ANSWERS[] = {
    {LOA_STORE_NOT_FOUND, "Không tìm thấy gói tin hoặc phiên bản"},
    {LOA_STORE_FORBIDDEN, "Gói tin không dành cho đơn vị này hoặc còn trong thời gian cấm phát"},
    {LOA_STORE_GONE, "Gói tin đã bị hủy: tệp không còn được cung cấp"},
    {LOA_STORE_WITHHELD, "Gói tin tạm ngừng phát hành vì bài viết gốc đã bị gỡ: tệp không còn được "
                         "cung cấp cho đến khi có bản đính chính"},
    /* 503 with Retry-After (the gateway adds it) */
    {LOA_STORE_NOT_READY,
     "Gói bag.zip của phiên bản này đang được tạo; vui lòng thử lại sau ít giây"},
    {LOA_STORE_FAILED, "Không tạo được gói bag.zip của phiên bản này; phiên bản không được phát "
                       "hành, hãy chờ bản đính chính"},
    {LOA_STORE_OK},
};

void media_packages_ninjs (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__NinjsRequest *in = (const Loa__Media__NinjsRequest *) msg;
    int64_t b = broadcaster (ctx);
    if (!b)
        return;
    Loa__Media__Ninjs out = LOA__MEDIA__NINJS__INIT;
    loa_store_status st = in->id > 0 && in->version >= 0
                              ? media_pkg_store_ninjs (ctx->db, b, in->id, in->version, &out)
                              : LOA_STORE_NOT_FOUND;
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, ACCESS_ANSWERS);
    loa_store_free_message (&out.base);
}

void media_packages_file (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__PackageFileRequest *in = (const Loa__Media__PackageFileRequest *) msg;
    int64_t b = broadcaster (ctx);
    if (!b)
        return;
    Loa__Media__PackageFile out = LOA__MEDIA__PACKAGE_FILE__INIT;
    int known = in->what && (strcmp (in->what, "bag") == 0 || strcmp (in->what, "manifest") == 0 ||
                             (strcmp (in->what, "file") == 0 && in->name && *in->name));
    loa_store_status st =
        known && in->id > 0 ? media_pkg_store_file (ctx->db, b, in, &out) : LOA_STORE_NOT_FOUND;
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, ACCESS_ANSWERS);
    loa_store_free_message (&out.base);
}

void media_packages_downloaded (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__DownloadLog *in = (const Loa__Media__DownloadLog *) msg;
    int64_t b = broadcaster (ctx);
    if (!b)
        return;
    static const char *const whats[] = {"bag", "file", "manifest", NULL};
    if (in->id <= 0 || !loa_check_one_of (in->what, whats)) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Bản ghi tải về không hợp lệ");
        return;
    }
    Loa__Empty out = LOA__EMPTY__INIT;
    loa_store_status st = media_pkg_store_log_download (ctx->db, b, in);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NULL);
}

void media_feed_list (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__FeedRequest *in = (const Loa__Media__FeedRequest *) msg;
    int64_t b = broadcaster (ctx);
    if (!b)
        return;
    int limit = in->limit <= 0 ? 20 : in->limit > 100 ? 100 : in->limit;
    Loa__Media__FeedPage out = LOA__MEDIA__FEED_PAGE__INIT;
    loa_store_status st =
        media_pkg_store_feed (ctx->db, b, in->after > 0 ? in->after : 0, limit, &out);
    if (st == LOA_STORE_OK)
        loa_rpc_ok (ctx, LOA__STATUS__OK, &out.base);
    else
        loa_rpc_fail_store (ctx, st, NULL);
    loa_store_free_message (&out.base);
}

void media_receipts_create (loa_rpc_ctx *ctx, const ProtobufCMessage *msg)
{
    const Loa__Media__ReceiptInput *in = (const Loa__Media__ReceiptInput *) msg;
    int64_t b = broadcaster (ctx);
    if (!b)
        return;
    static const char *const statuses[] = {"received", "failed", NULL};
    int64_t id = media_ninjs_uri_id (in->uri, media_pkg_domain ());
    int bad = 0;
    if (!id)
        bad += (loa_rpc_field_error (ctx, "uri", "không phải uri của gói tin"), 1);
    if (in->version <= 0 || in->version > INT32_MAX)
        bad += (loa_rpc_field_error (ctx, "version", "là bắt buộc (số nguyên dương)"), 1);
    if (!loa_blob_is_hex (in->sha256, LOA_BLOB_HEX))
        bad += (loa_rpc_field_error (ctx, "sha256", "phải là 64 chữ số hex thường"), 1);
    if (!in->status || !loa_check_one_of (in->status, statuses))
        bad += (loa_rpc_field_error (ctx, "status", "phải là received hoặc failed"), 1);
    if (bad) {
        loa_rpc_fail (ctx, LOA__STATUS__INVALID, "Biên nhận không hợp lệ");
        return;
    }
    Loa__Media__Receipt out = LOA__MEDIA__RECEIPT__INIT;
    int created = 0;
    const char *field = NULL;
    loa_store_status st = media_pkg_store_receipt (ctx->db, b, id, (int) in->version, in->sha256,
                                                   in->status, &out, &created, &field);
    if (st == LOA_STORE_OK) {
        if (created)
            loa_info (ctx->request_id, "media: broadcaster %lld: %s %s v%lld", (long long) b,
                      in->status, in->uri, (long long) in->version);
        loa_rpc_ok (ctx, created ? LOA__STATUS__CREATED : LOA__STATUS__OK, &out.base);
    } else if (st == LOA_STORE_INVALID) {
        const loa_rpc_store_answer answers[] = {
            {LOA_STORE_INVALID, "Biên nhận không khớp gói tin", field,
             strcmp (field, "sha256") == 0 ? "không khớp SHA-256 của bag.zip phiên bản này"
                                           : "phiên bản không tồn tại"},
            {LOA_STORE_OK},
        };
        loa_rpc_fail_store (ctx, st, answers);
    } else {
        loa_rpc_fail_store (ctx, st, ACCESS_ANSWERS);
    }
    loa_store_free_message (&out.base);
}
