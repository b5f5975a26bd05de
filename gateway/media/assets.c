/* assets: uploads and downloads of assets (media.h; docs/api/media.md).
 *
 * Uploads (POST /api/v1/assets) are streamed: each piece of the body MHD
 * hands over is hashed (SHA-256, libsodium's streaming API) and written to
 * an anonymous file in LOA_MEDIA_DIR/tmp (O_TMPFILE; where the file system
 * lacks it, a named file there, removed on every path). Memory holds only
 * the first HEAD_BYTES, for libmagic. A body over LOA_UPLOAD_LIMIT stops
 * being written at once and is answered 413; a request cut off midway never
 * reaches the handler, and the request's `done` hook drops its file, so no
 * partial file and no row remain. A complete body whose bytes are an
 * accepted type is fsync'd and linked, atomically, at
 * LOA_MEDIA_DIR/sha256/ab/cd/<hex> (the same bytes are stored once: the
 * link exists already), then registered with media-svc (assets.create).
 *
 * Downloads (GET/HEAD /api/v1/assets/{id}) ask media-svc whether the caller
 * may read the asset, then send the file (send.c). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/call.h"
#include "core/respond.h"
#include "loa_blob.h"
#include "loa_log.h"
#include "loa_pbjson.h"
#include "media.pb-c.h"
#include "media/blob.h"
#include "media/media_int.h"

#define HEAD_BYTES 16384 /* what libmagic is shown of an upload */

typedef struct {
    int fd;
    char tmp_name[40]; /* "tmp/upload-XXXXXX" without O_TMPFILE, else "" */
    crypto_hash_sha256_state sha;
    unsigned long long size;
    unsigned char head[HEAD_BYTES];
    size_t head_len;
    int too_large;
    int failed; /* errno of a failed write */
    long long limit; /* the route's: LOA_UPLOAD_LIMIT, or a citizen's attachment's */
} upload;

/* Closes the upload's file and removes its name, if it has one. */
static void drop_file (upload *u)
{
    if (u->fd >= 0)
        close (u->fd);
    u->fd = -1;
    if (u->tmp_name[0])
        unlinkat (media_volume_fd (), u->tmp_name, 0);
    u->tmp_name[0] = '\0';
}

/* A file in tmp/ for the body: anonymous when the file system can (it
 * vanishes with the process, whatever happens), else named. */
static int open_temp (upload *u)
{
    u->tmp_name[0] = '\0';
    u->fd = openat (media_volume_fd (), "tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (u->fd >= 0)
        return 0;
    char path[600];
    snprintf (path, sizeof path, "%s/tmp/upload-XXXXXX", media_volume_path ());
    u->fd = mkostemp (path, O_CLOEXEC);
    if (u->fd < 0)
        return -1;
    snprintf (u->tmp_name, sizeof u->tmp_name, "tmp/%s", strrchr (path, '/') + 1);
    return 0;
}

static enum MHD_Result too_large (gw_request *req, long long limit)
{
    char detail[128];
    snprintf (detail, sizeof detail, "Tệp vượt quá giới hạn %lld byte", limit);
    return gw_respond_invalid (req, 413, detail, "body", "quá lớn");
}

/* The body's pieces: hashed and written, or dropped once over the limit
 * or after a failed write. */
static void upload_feed (gw_request *req, const char *data, size_t n)
{
    upload *u = req->state;
    if (u->too_large || u->failed)
        return; /* the rest of the body is read and dropped */
    if (u->size + n > (unsigned long long) u->limit) {
        u->too_large = 1;
        drop_file (u);
        return;
    }
    if (u->head_len < HEAD_BYTES) {
        size_t k = n < HEAD_BYTES - u->head_len ? n : HEAD_BYTES - u->head_len;
        memcpy (u->head + u->head_len, data, k);
        u->head_len += k;
    }
    crypto_hash_sha256_update (&u->sha, (const unsigned char *) data, n);
    for (size_t done = 0; done < n;) {
        ssize_t w = write (u->fd, data + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            u->failed = w < 0 ? errno : EIO;
            loa_error (req->request_id, "media: writing an upload: %s", strerror (u->failed));
            drop_file (u);
            return;
        }
        done += (size_t) w;
    }
    u->size += n;
}

/* Whatever happened, what was not kept goes. */
static void upload_done (gw_request *req, int complete)
{
    (void) complete;
    upload *u = req->state;
    drop_file (u);
    sodium_memzero (&u->sha, sizeof u->sha);
    free (u);
    req->state = NULL;
}

int media_upload_begin (gw_request *req, long long limit, enum MHD_Result *rc)
{
    const char *cl = gw_header (req, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull (cl, NULL, 10) > (unsigned long long) limit) {
        *rc = too_large (req, limit);
        return 1;
    }
    upload *u = calloc (1, sizeof *u);
    if (!u) {
        *rc = MHD_NO;
        return 1;
    }
    if (open_temp (u) != 0) {
        loa_error (req->request_id, "media: cannot make a file in %s/tmp: %s", media_volume_path (),
                   strerror (errno));
        free (u);
        *rc = gw_respond_problem (req, 503, "Kho tệp tạm thời không ghi được", NULL);
        return 1;
    }
    crypto_hash_sha256_init (&u->sha);
    u->limit = limit;
    req->state = u;
    req->feed = upload_feed;
    req->done = upload_done;
    return 0;
}

int gw_assets_begin (gw_request *req, enum MHD_Result *rc)
{
    return media_upload_begin (req, media_upload_limit (), rc);
}

static int fsync_dir (const char *rel)
{
    int fd = openat (media_volume_fd (), rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync (fd);
    close (fd);
    return rc;
}

/* Makes the upload's file the blob `hex`: flushed to disk, then linked
 * under its name in one step (a reader never sees it half written). When
 * the blob exists already (the same bytes), the existing one is kept. */
static int keep_blob (gw_request *req, upload *u, const char *hex)
{
    char rel[LOA_BLOB_PATH_MAX], dir1[16], dir2[16];
    if (loa_blob_path (hex, rel, sizeof rel) != 0)
        return -1;
    snprintf (dir1, sizeof dir1, "%.9s", rel); /* sha256/ab */
    snprintf (dir2, sizeof dir2, "%.12s", rel); /* sha256/ab/cd */
    if (fsync (u->fd) != 0 || media_make_dir (dir1) != 0 || media_make_dir (dir2) != 0) {
        loa_error (req->request_id, "media: cannot store %s: %s", rel, strerror (errno));
        return -1;
    }
    int rc, dir_fd = media_volume_fd ();
    if (u->tmp_name[0]) {
        rc = linkat (dir_fd, u->tmp_name, dir_fd, rel, 0);
    } else {
        char proc[40];
        snprintf (proc, sizeof proc, "/proc/self/fd/%d", u->fd);
        rc = linkat (AT_FDCWD, proc, dir_fd, rel, AT_SYMLINK_FOLLOW);
    }
    if (rc != 0 && errno != EEXIST) {
        loa_error (req->request_id, "media: cannot link %s: %s", rel, strerror (errno));
        return -1;
    }
    drop_file (u);
    return fsync_dir (dir2) == 0 ? 0 : -1;
}

/* Refuses bytes that are not an accepted type, or not the declared one:
 * 1 with the 415 answered. */
static int refuse_type (gw_request *req, const char *mime, enum MHD_Result *rc)
{
    const char *declared = gw_header (req, MHD_HTTP_HEADER_CONTENT_TYPE);
    char msg[300];
    if (!gw_blob_mime_allowed (mime)) {
        snprintf (msg, sizeof msg,
                  "không phải ảnh (JPEG, PNG, GIF, WebP), video (MP4, QuickTime, WebM) hay âm "
                  "thanh MP3 (nội dung là %.80s)",
                  mime);
        *rc = gw_respond_invalid (req, 415, "Kiểu tệp không được nhận", "body", msg);
        return 1;
    }
    if (!gw_blob_family_matches (declared, mime)) {
        snprintf (msg, sizeof msg, "khai báo %.60s nhưng nội dung là %.80s",
                  declared ? declared : "(không có)", mime);
        *rc = gw_respond_invalid (req, 415, "Content-Type không khớp với nội dung tệp",
                                  "Content-Type", msg);
        return 1;
    }
    return 0;
}

int media_upload_digest (gw_request *req, media_upload_info *info, enum MHD_Result *rc)
{
    upload *u = req->state;
    if (!u) {
        *rc = gw_respond_problem (req, 500, NULL, NULL);
        return 1;
    }
    if (u->too_large) {
        *rc = too_large (req, u->limit);
        return 1;
    }
    if (u->failed) {
        *rc = gw_respond_problem (req, 503, "Không ghi được tệp vào kho", NULL);
        return 1;
    }
    if (u->size == 0) {
        *rc = gw_respond_invalid (req, 422, "Tệp rỗng", "body", "là bắt buộc");
        return 1;
    }
    media_detect_type (u->head, u->head_len, info->mime, sizeof info->mime);
    unsigned char digest[32];
    crypto_hash_sha256_final (&u->sha, digest);
    loa_blob_hex (digest, info->sha256);
    info->size = (int64_t) u->size;
    return 0;
}

int media_upload_keep (gw_request *req, const media_upload_info *info, enum MHD_Result *rc)
{
    upload *u = req->state;
    if (keep_blob (req, u, info->sha256) != 0) {
        *rc = gw_respond_problem (req, 503, "Không ghi được tệp vào kho", NULL);
        return 1;
    }
    return 0;
}

enum MHD_Result gw_assets_create (gw_request *req)
{
    enum MHD_Result rc;
    media_upload_info info;
    if (media_upload_digest (req, &info, &rc) || refuse_type (req, info.mime, &rc) ||
        media_upload_keep (req, &info, &rc))
        return rc;
    Loa__Media__CreateAssetRequest in = LOA__MEDIA__CREATE_ASSET_REQUEST__INIT;
    in.sha256 = info.sha256;
    in.size = info.size;
    in.mime = info.mime;
    const char *name = gw_query (req, "name");
    if (name)
        in.original_name = (char *) name;
    /* The bytes are safe on disk before the row exists; if the call fails
     * they stay (a retry registers them), but no asset points to a
     * partial file. */
    gw_call_spec spec = {
        .service = GW_MEDIA,
        .method = "assets.create",
        .in = &in.base,
        .out = &loa__media__asset__descriptor,
        .idempotency_key = gw_header (req, "Idempotency-Key"),
    };
    gw_reply reply;
    if (gw_call (req, &spec, &reply) != 0)
        return reply.rc;
    if (reply.created) {
        rc = gw_ok (req, reply.msg, 1);
        gw_reply_free (&reply);
        return rc;
    }
    /* The same bytes were an asset already: that one, 200, with its place. */
    char location[64];
    snprintf (location, sizeof location, "/api/v1/assets/%lld",
              (long long) ((const Loa__Media__Asset *) reply.msg)->id);
    json_t *json = loa_pbjson_encode (reply.msg);
    gw_reply_free (&reply);
    char *text = json ? json_dumps (json, JSON_COMPACT) : NULL;
    json_decref (json);
    if (!text)
        return gw_respond_problem (req, 500, NULL, NULL);
    return gw_respond_body (req, 200, "application/json; charset=utf-8", text, strlen (text), NULL,
                            location);
}

enum MHD_Result gw_assets_get (gw_request *req)
{
    int64_t id = gw_param_id (req, "id", INT64_MAX);
    if (!id)
        return gw_respond_problem (req, 404, "Không tìm thấy tệp", NULL);
    Loa__Media__AssetIdRequest in = LOA__MEDIA__ASSET_ID_REQUEST__INIT;
    in.id = id;
    gw_call_spec spec = {
        .service = GW_MEDIA,
        .method = "assets.get",
        .read = 1,
        .in = &in.base,
        .out = &loa__media__asset__descriptor,
    };
    gw_reply reply;
    if (gw_call (req, &spec, &reply) != 0)
        return reply.rc;
    const Loa__Media__Asset *a = (const Loa__Media__Asset *) reply.msg;
    /* Revalidated every time: whether it is public can change (a
     * retraction), the bytes never do. */
    enum MHD_Result rc =
        media_send_blob (req, a->sha256, a->mime, NULL,
                         a->is_public ? "public, no-cache" : "private, no-cache", NULL);
    gw_reply_free (&reply);
    return rc;
}
