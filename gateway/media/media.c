/* media: the gateway's half of media distribution (API.md "Media
 * distribution"; media-svc keeps the rows).
 *
 * Uploads (POST /api/v1/assets) are streamed: each piece of the body MHD
 * hands over is hashed (SHA-256, libsodium's streaming API) and written to
 * an anonymous file in LOA_MEDIA_DIR/tmp (O_TMPFILE; where the file system
 * lacks it, a named file there, removed on every path). Memory holds only
 * the first HEAD_BYTES, for libmagic. A body over LOA_UPLOAD_LIMIT stops
 * being written at once and is answered 413; a request cut off midway never
 * reaches the handler, and the completion callback drops its file, so no
 * partial file and no row remain. A complete body whose bytes are an
 * accepted type is fsync'd and linked, atomically, at
 * LOA_MEDIA_DIR/sha256/ab/cd/<hex> (the same bytes are stored once: the
 * link exists already), then registered with media-svc (assets.create).
 *
 * Downloads (GET/HEAD /api/v1/assets/{id}) ask media-svc whether the caller
 * may read the asset, then send the file with MHD's fd response (sendfile,
 * never read into memory), with a strong ETag and Repr-Digest from the
 * SHA-256 and a single Range (blob.h).
 *
 * Broadcasters (POST /api/v1/broadcasters): the gateway makes the API key
 * (kind broadcaster, stored hashed with the other keys), media-svc the
 * broadcaster that holds the key's id; the key is shown once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/store.h"
#include "core/metrics.h"
#include "core/services.h"
#include "gw.h"
#include "loa_config.h"
#include "loa_log.h"
#include "loa_pbjson.h"
#include "loa_text.h"
#include "media.pb-c.h"
#include "media/blob.h"

#define HEAD_BYTES 16384 /* what libmagic is shown of an upload */
#define DEFAULT_UPLOAD_LIMIT (2LL << 30)

static char media_dir[512];
static int dir_fd = -1; /* LOA_MEDIA_DIR, opened once: every path is relative to it */
static long long upload_limit = DEFAULT_UPLOAD_LIMIT;
static magic_t magic;
static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER; /* magic_t is not thread-safe */

struct gw_upload {
    int fd;
    char tmp_name[40]; /* "tmp/upload-XXXXXX" without O_TMPFILE, else "" */
    crypto_hash_sha256_state sha;
    unsigned long long size;
    unsigned char head[HEAD_BYTES];
    size_t head_len;
    int too_large;
    int failed; /* errno of a failed write */
};

static json_t *field_error (const char *field, const char *message)
{
    return json_pack ("{s:s, s:s}", "field", field, "message", message);
}

/* mkdir that accepts an existing directory. */
static int make_dir (const char *rel)
{
    return mkdirat (dir_fd, rel, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* Named temporary files (file systems without O_TMPFILE) of a gateway that
 * died mid-upload: removed once a day old (no upload lasts that long). */
static void sweep_tmp (void)
{
    int fd = openat (dir_fd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close (fd);
        return;
    }
    time_t old = time (NULL) - 86400;
    struct dirent *e;
    struct stat st;
    while ((e = readdir (d)))
        if (strncmp (e->d_name, "upload-", 7) == 0 && fstatat (fd, e->d_name, &st, 0) == 0 &&
            st.st_mtime < old && unlinkat (fd, e->d_name, 0) == 0)
            loa_info (NULL, "media: removed the stale upload tmp/%s", e->d_name);
    closedir (d); /* closes fd */
}

int gw_media_init (void)
{
    snprintf (media_dir, sizeof media_dir, "%s", loa_env ("LOA_MEDIA_DIR", "/var/lib/loa/media"));
    upload_limit = loa_env_int ("LOA_UPLOAD_LIMIT", DEFAULT_UPLOAD_LIMIT, 1, 1LL << 40);
    if (mkdir (media_dir, 0755) != 0 && errno != EEXIST) {
        loa_error (NULL, "media: cannot make LOA_MEDIA_DIR %s: %s", media_dir, strerror (errno));
        return -1;
    }
    dir_fd = open (media_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0 || make_dir ("tmp") != 0 || make_dir ("sha256") != 0) {
        loa_error (NULL, "media: cannot use LOA_MEDIA_DIR %s: %s", media_dir, strerror (errno));
        return -1;
    }
    sweep_tmp ();
    magic = magic_open (MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (!magic || magic_load (magic, NULL) != 0) {
        loa_error (NULL, "media: cannot load libmagic's database: %s",
                   magic ? magic_error (magic) : "out of memory");
        return -1;
    }
    loa_info (NULL, "media: volume %s, uploads up to %lld bytes", media_dir, upload_limit);
    return 0;
}

void gw_media_done (void)
{
    if (magic)
        magic_close (magic);
    magic = NULL;
    if (dir_fd >= 0)
        close (dir_fd);
    dir_fd = -1;
}

/* ------------------------------------------------------------ RPC */

/* Calls media-svc's `method`. On success the unpacked reply (caller frees)
 * and *created (may be NULL); otherwise NULL with the problem queued. */
static ProtobufCMessage *media_call (gw_request *req, const char *method,
                                     const ProtobufCMessage *in,
                                     const ProtobufCMessageDescriptor *out_desc,
                                     const char *idempotency_key, int *created, enum MHD_Result *rc)
{
    loa_rpc_client *client = gw_service_client (GW_MEDIA);
    if (!client) {
        *rc = gw_respond_problem (req, 503, "Không kết nối được dịch vụ", NULL);
        return NULL;
    }
    loa_rpc_result res;
    int64_t t0 = loa_mono_ms ();
    Loa__Status st = loa_rpc_call (client, method, &req->caller, req->request_id, idempotency_key,
                                   in, gw_rpc_timeout_ms (), &res);
    gw_metrics_rpc (GW_MEDIA, st, loa_mono_ms () - t0);
    unsigned http = gw_http_status (st);
    if (st == LOA__STATUS__DEADLINE || st == LOA__STATUS__UNAVAILABLE) {
        char detail[200];
        snprintf (detail, sizeof detail,
                  st == LOA__STATUS__DEADLINE ? "Dịch vụ %s không trả lời trong thời hạn"
                                              : "Dịch vụ %s tạm thời không sẵn sàng",
                  gw_service_name (GW_MEDIA));
        if (res.reply && res.reply->error && *res.reply->error)
            snprintf (detail, sizeof detail, "%s", res.reply->error);
        loa_rpc_result_clear (&res);
        *rc = gw_respond_problem (req, http, detail, NULL);
        return NULL;
    }
    if (st != LOA__STATUS__OK && st != LOA__STATUS__CREATED) {
        json_t *errors = json_array ();
        for (size_t i = 0; i < res.reply->n_field_errors; i++)
            json_array_append_new (errors, field_error (res.reply->field_errors[i]->field,
                                                        res.reply->field_errors[i]->message));
        if (st == LOA__STATUS__INVALID && !json_array_size (errors))
            http = 400;
        *rc = gw_respond_problem (req, http, *res.reply->error ? res.reply->error : NULL, errors);
        loa_rpc_result_clear (&res);
        return NULL;
    }
    ProtobufCMessage *out =
        protobuf_c_message_unpack (out_desc, NULL, res.reply->body.len, res.reply->body.data);
    loa_rpc_result_clear (&res);
    if (!out) {
        loa_error (req->request_id, "media: reply of %s is not a %s", method, out_desc->name);
        *rc = gw_respond_problem (req, 500, "Câu trả lời của dịch vụ không đọc được", NULL);
        return NULL;
    }
    if (created)
        *created = st == LOA__STATUS__CREATED;
    return out;
}

ProtobufCMessage *gw_media_call (gw_request *req, const char *method, const ProtobufCMessage *in,
                                 const ProtobufCMessageDescriptor *out_desc,
                                 const char *idempotency_key, int *created, enum MHD_Result *rc)
{
    return media_call (req, method, in, out_desc, idempotency_key, created, rc);
}

/* ------------------------------------------------------------ upload */

/* Closes the upload's file and removes its name, if it has one. */
static void drop_file (gw_upload *u)
{
    if (u->fd >= 0)
        close (u->fd);
    u->fd = -1;
    if (u->tmp_name[0])
        unlinkat (dir_fd, u->tmp_name, 0);
    u->tmp_name[0] = '\0';
}

/* A file in tmp/ for the body: anonymous when the file system can (it
 * vanishes with the process, whatever happens), else named. */
static int open_temp (gw_upload *u)
{
    u->tmp_name[0] = '\0';
    u->fd = openat (dir_fd, "tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
    if (u->fd >= 0)
        return 0;
    char path[sizeof media_dir + 40];
    snprintf (path, sizeof path, "%s/tmp/upload-XXXXXX", media_dir);
    u->fd = mkostemp (path, O_CLOEXEC);
    if (u->fd < 0)
        return -1;
    fchmod (u->fd, 0644);
    snprintf (u->tmp_name, sizeof u->tmp_name, "tmp/%s", strrchr (path, '/') + 1);
    return 0;
}

static enum MHD_Result too_large (gw_request *req)
{
    char detail[128];
    snprintf (detail, sizeof detail, "Tệp vượt quá giới hạn %lld byte", upload_limit);
    return gw_respond_problem (req, 413, detail,
                               json_pack ("[o]", field_error ("body", "quá lớn")));
}

enum MHD_Result gw_upload_begin (gw_request *req)
{
    enum MHD_Result rc;
    /* Before a byte of the body is read (MHD has not yet sent
     * 100 Continue): who may not upload sends nothing. */
    if (gw_auth_check (req, &rc) != 0)
        return rc;
    const char *cl = gw_header (req, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull (cl, NULL, 10) > (unsigned long long) upload_limit)
        return too_large (req);
    gw_upload *u = calloc (1, sizeof *u);
    if (!u)
        return MHD_NO;
    if (open_temp (u) != 0) {
        loa_error (req->request_id, "media: cannot make a file in %s/tmp: %s", media_dir,
                   strerror (errno));
        free (u);
        return gw_respond_problem (req, 503, "Kho tệp tạm thời không ghi được", NULL);
    }
    crypto_hash_sha256_init (&u->sha);
    req->upload = u;
    return MHD_YES;
}

void gw_upload_feed (gw_request *req, const char *data, size_t n)
{
    gw_upload *u = req->upload;
    if (!u || u->too_large || u->failed)
        return; /* the rest of the body is read and dropped */
    if (u->size + n > (unsigned long long) upload_limit) {
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

void gw_upload_end (gw_request *req)
{
    if (!req->upload)
        return;
    drop_file (req->upload);
    sodium_memzero (&req->upload->sha, sizeof req->upload->sha);
    free (req->upload);
    req->upload = NULL;
}

/* The MIME type of the upload's first bytes, into `out`. */
static void detect_type (const gw_upload *u, char *out, size_t cap)
{
    pthread_mutex_lock (&magic_lock);
    const char *t = magic_buffer (magic, u->head, u->head_len);
    snprintf (out, cap, "%s", t ? t : "application/octet-stream");
    pthread_mutex_unlock (&magic_lock);
}

static int fsync_dir (const char *rel)
{
    int fd = openat (dir_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync (fd);
    close (fd);
    return rc;
}

/* Makes the upload's file the blob `hex`: flushed to disk, then linked
 * under its name in one step (a reader never sees it half written). When
 * the blob exists already (the same bytes), the existing one is kept. */
static int keep_blob (gw_request *req, gw_upload *u, const char *hex)
{
    char rel[GW_BLOB_PATH_MAX], dir1[16], dir2[16];
    if (gw_blob_path (hex, rel, sizeof rel) != 0)
        return -1;
    snprintf (dir1, sizeof dir1, "%.9s", rel); /* sha256/ab */
    snprintf (dir2, sizeof dir2, "%.12s", rel); /* sha256/ab/cd */
    if (fsync (u->fd) != 0 || make_dir (dir1) != 0 || make_dir (dir2) != 0) {
        loa_error (req->request_id, "media: cannot store %s: %s", rel, strerror (errno));
        return -1;
    }
    int rc;
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

enum MHD_Result gw_assets_create (gw_request *req)
{
    gw_upload *u = req->upload;
    if (!u)
        return gw_respond_problem (req, 500, NULL, NULL);
    if (u->too_large)
        return too_large (req);
    if (u->failed)
        return gw_respond_problem (req, 503, "Không ghi được tệp vào kho", NULL);
    if (u->size == 0)
        return gw_respond_problem (req, 422, "Tệp rỗng",
                                   json_pack ("[o]", field_error ("body", "là bắt buộc")));
    const char *declared = gw_header (req, MHD_HTTP_HEADER_CONTENT_TYPE);
    char mime[128], msg[300];
    detect_type (u, mime, sizeof mime);
    if (!gw_blob_mime_allowed (mime)) {
        snprintf (msg, sizeof msg,
                  "không phải ảnh (JPEG, PNG, GIF, WebP), video (MP4, QuickTime, WebM) hay âm "
                  "thanh MP3 (nội dung là %.80s)",
                  mime);
        return gw_respond_problem (req, 415, "Kiểu tệp không được nhận",
                                   json_pack ("[o]", field_error ("body", msg)));
    }
    if (!gw_blob_family_matches (declared, mime)) {
        snprintf (msg, sizeof msg, "khai báo %.60s nhưng nội dung là %.80s",
                  declared ? declared : "(không có)", mime);
        return gw_respond_problem (req, 415, "Content-Type không khớp với nội dung tệp",
                                   json_pack ("[o]", field_error ("Content-Type", msg)));
    }
    unsigned char digest[32];
    char hex[GW_BLOB_HEX + 1];
    crypto_hash_sha256_final (&u->sha, digest);
    gw_blob_hex (digest, hex);
    if (keep_blob (req, u, hex) != 0)
        return gw_respond_problem (req, 503, "Không ghi được tệp vào kho", NULL);

    Loa__Media__CreateAssetRequest in = LOA__MEDIA__CREATE_ASSET_REQUEST__INIT;
    in.sha256 = hex;
    in.size = (int64_t) u->size;
    in.mime = mime;
    const char *name = MHD_lookup_connection_value (req->conn, MHD_GET_ARGUMENT_KIND, "name");
    if (name)
        in.original_name = (char *) name;
    enum MHD_Result rc;
    int created = 0;
    /* The bytes are safe on disk before the row exists; if the call fails
     * they stay (a retry registers them), but no asset points to a
     * partial file. */
    ProtobufCMessage *out =
        media_call (req, "assets.create", &in.base, &loa__media__asset__descriptor,
                    gw_header (req, "Idempotency-Key"), &created, &rc);
    if (!out)
        return rc;
    const Loa__Media__Asset *a = (const Loa__Media__Asset *) out;
    char location[64];
    snprintf (location, sizeof location, "/api/v1/assets/%lld", (long long) a->id);
    json_t *json = loa_pbjson_encode (out);
    protobuf_c_message_free_unpacked (out, NULL);
    if (!json)
        return gw_respond_problem (req, 500, NULL, NULL);
    if (created)
        return gw_respond_created (req, json, location);
    /* The same bytes were an asset already: that one, 200. */
    char *text = json_dumps (json, JSON_COMPACT);
    json_decref (json);
    if (!text)
        return gw_respond_problem (req, 500, NULL, NULL);
    return gw_respond_body (req, 200, "application/json; charset=utf-8", text, strlen (text), NULL,
                            location);
}

/* ------------------------------------------------------------ download */

static void blob_headers (struct MHD_Response *resp, const char *cache_control, const char *etag,
                          const char *digest);

enum MHD_Result gw_media_send_blob (gw_request *req, const char *sha256, const char *mime,
                                    const char *filename, const char *cache_control,
                                    gw_blob_sent *sent)
{
    enum MHD_Result rc;
    char rel[GW_BLOB_PATH_MAX], etag[GW_BLOB_HEX + 3], digest[80], range_hdr[96];
    unsigned char bin[32];
    struct stat st;
    int fd = -1;
    if (sent)
        memset (sent, 0, sizeof *sent);
    if (gw_blob_path (sha256, rel, sizeof rel) != 0 ||
        sodium_hex2bin (bin, sizeof bin, sha256, GW_BLOB_HEX, NULL, NULL, NULL) != 0 ||
        (fd = openat (dir_fd, rel, O_RDONLY | O_CLOEXEC)) < 0 || fstat (fd, &st) != 0) {
        loa_error (req->request_id, "media: the blob %s is missing (%s)", sha256, strerror (errno));
        if (fd >= 0)
            close (fd);
        return gw_respond_problem (req, 500, "Tệp không còn trong kho", NULL);
    }
    snprintf (etag, sizeof etag, "\"%s\"", sha256);
    char b64[sodium_base64_ENCODED_LEN (32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64 (b64, sizeof b64, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
    snprintf (digest, sizeof digest, "sha-256=:%s:", b64);
    uint64_t len = (uint64_t) st.st_size, first = 0, last = len ? len - 1 : 0;
    struct MHD_Response *resp;

    const char *inm = gw_header (req, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm && gw_etag_matches (inm, etag)) {
        close (fd);
        resp = MHD_create_response_from_buffer (0, NULL, MHD_RESPMEM_PERSISTENT);
        if (resp)
            blob_headers (resp, cache_control, etag, digest);
        return gw_queue_response (req, MHD_HTTP_NOT_MODIFIED, resp);
    }
    /* If-Range: the range holds only for this very representation (a
     * strong ETag); anything else (another ETag, a date) gets it all. */
    const char *range = gw_header (req, MHD_HTTP_HEADER_RANGE);
    const char *if_range = gw_header (req, MHD_HTTP_HEADER_IF_RANGE);
    if (range && if_range && strcmp (if_range, etag) != 0)
        range = NULL;
    gw_range r = gw_blob_range (range, len, &first, &last);
    if (r == GW_RANGE_UNSATISFIABLE) {
        close (fd);
        snprintf (range_hdr, sizeof range_hdr, "bytes */%llu", (unsigned long long) len);
        return gw_respond_problem_with (req, 416, "Khoảng byte yêu cầu nằm ngoài tệp", NULL,
                                        MHD_HTTP_HEADER_CONTENT_RANGE, range_hdr);
    }
    uint64_t count = r == GW_RANGE_PARTIAL ? last - first + 1 : len;
    /* MHD sends it with sendfile and closes fd when done. */
    resp = MHD_create_response_from_fd_at_offset64 (count, fd, r == GW_RANGE_PARTIAL ? first : 0);
    if (!resp) {
        close (fd);
        return gw_respond_problem (req, 500, NULL, NULL);
    }
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, mime);
    MHD_add_response_header (resp, "X-Content-Type-Options", "nosniff");
    if (filename && *filename) {
        char disp[160];
        snprintf (disp, sizeof disp, "attachment; filename=\"%s\"", filename);
        MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disp);
    }
    blob_headers (resp, cache_control, etag, digest);
    if (r == GW_RANGE_PARTIAL) {
        snprintf (range_hdr, sizeof range_hdr, "bytes %llu-%llu/%llu", (unsigned long long) first,
                  (unsigned long long) last, (unsigned long long) len);
        MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_RANGE, range_hdr);
    }
    unsigned status = r == GW_RANGE_PARTIAL ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK;
    if (sent) {
        sent->status = (int) status;
        sent->bytes = req->head ? 0 : count;
    }
    rc = gw_queue_response (req, status, resp);
    return rc;
}

/* The path's {id}: a positive integer, else 0. */
static int64_t path_id (gw_request *req)
{
    const char *s = gw_param (req, "id");
    if (!s || !*s || strlen (s) > 18)
        return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return atoll (s);
}

/* The headers every answer about the asset's bytes carries. */
static void blob_headers (struct MHD_Response *resp, const char *cache_control, const char *etag,
                          const char *digest)
{
    MHD_add_response_header (resp, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header (resp, "Repr-Digest", digest);
    MHD_add_response_header (resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control);
}

enum MHD_Result gw_assets_get (gw_request *req)
{
    int64_t id = path_id (req);
    if (id <= 0)
        return gw_respond_problem (req, 404, "Không tìm thấy tệp", NULL);
    Loa__Media__AssetIdRequest in = LOA__MEDIA__ASSET_ID_REQUEST__INIT;
    in.id = id;
    enum MHD_Result rc;
    ProtobufCMessage *out =
        media_call (req, "assets.get", &in.base, &loa__media__asset__descriptor, NULL, NULL, &rc);
    if (!out)
        return rc;
    const Loa__Media__Asset *a = (const Loa__Media__Asset *) out;
    /* Revalidated every time: whether it is public can change (a
     * retraction), the bytes never do. */
    rc = gw_media_send_blob (req, a->sha256, a->mime, NULL,
                             a->is_public ? "public, no-cache" : "private, no-cache", NULL);
    protobuf_c_message_free_unpacked (out, NULL);
    return rc;
}

/* ------------------------------------------------------------ broadcasters */

/* A new broadcaster key in the gateway's table, named `name`: its id, the
 * text in `key` (the caller wipes it); 0 (key wiped) when it cannot be made. */
static int64_t new_broadcaster_key (gw_request *req, PGconn *db, const char *name, char key[64])
{
    char prefix[16];
    unsigned char hash[32];
    gw_auth_new_key (key, 64, hash, prefix);
    json_t *key_json = NULL;
    int st = db ? gw_store_api_key_create (db, name, "broadcaster", hash, prefix, NULL,
                                           req->caller.user_id, &key_json)
                : GW_STORE_ERROR;
    int64_t id = st == GW_STORE_OK ? json_integer_value (json_object_get (key_json, "id")) : 0;
    json_decref (key_json);
    if (id <= 0)
        sodium_memzero (key, 64);
    return id;
}

/* media-svc refused what a new key was for: the key (never shown) goes. */
static void drop_unused_key (gw_request *req, PGconn *db, int64_t key_id, char key[64])
{
    sodium_memzero (key, 64);
    if (gw_store_api_key_delete (db, key_id) != GW_STORE_OK)
        loa_warn (req->request_id, "media: unused api key %lld left (revoke it)",
                  (long long) key_id);
}

/* The broadcaster `out` (freed here) as JSON with its key, shown this once
 * (wiped here); NULL when out of memory. */
static json_t *with_key (ProtobufCMessage *out, char key[64])
{
    json_t *reply = loa_pbjson_encode (out);
    protobuf_c_message_free_unpacked (out, NULL);
    if (reply)
        json_object_set_new (reply, "api_key", json_string (key));
    sodium_memzero (key, 64);
    return reply;
}

enum MHD_Result gw_broadcasters_create (gw_request *req)
{
    const char *ct = gw_header (req, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (ct && strncasecmp (ct, "application/json", 16) != 0)
        return gw_respond_problem (req, 415,
                                   "Nội dung phải là JSON (Content-Type: application/json)",
                                   json_pack ("[o]", field_error ("body", "phải là JSON")));
    json_error_t jerr;
    json_t *json =
        req->body_len ? json_loadb (req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    if (!json_is_object (json)) {
        json_decref (json);
        return gw_respond_problem (
            req, 400, "Nội dung JSON không hợp lệ",
            json_pack ("[o]", field_error ("body", "phải là một đối tượng JSON")));
    }
    loa_pbjson_error err;
    Loa__Media__BroadcasterInput *in = (Loa__Media__BroadcasterInput *) loa_pbjson_decode (
        &loa__media__broadcaster_input__descriptor, json, &err);
    json_decref (json);
    if (!in)
        return gw_respond_problem (req, 400, "Dữ liệu gửi lên không hợp lệ",
                                   json_pack ("[o]", field_error (err.field, err.message)));
    enum MHD_Result rc;
    PGconn *db = gw_thread_db ();
    if (!db) {
        protobuf_c_message_free_unpacked (&in->base, NULL);
        return gw_respond_problem (req, 503, "Không tạo được khóa API", NULL);
    }
    /* The key first, so that its id goes with the broadcaster; if
     * media-svc refuses the broadcaster, the key (never shown) goes. */
    char key[64];
    const char *key_name = in->name && !loa_text_blank (in->name) && loa_utf8_valid (in->name) &&
                                   loa_utf8_length (in->name) <= 200
                               ? in->name
                               : "broadcaster";
    int64_t key_id = new_broadcaster_key (req, db, key_name, key);
    if (key_id <= 0) {
        protobuf_c_message_free_unpacked (&in->base, NULL);
        return gw_respond_problem (req, 503, "Không tạo được khóa API", NULL);
    }
    Loa__Media__CreateBroadcasterRequest create = LOA__MEDIA__CREATE_BROADCASTER_REQUEST__INIT;
    create.broadcaster = in;
    create.api_key_id = key_id;
    ProtobufCMessage *out = media_call (req, "broadcasters.create", &create.base,
                                        &loa__media__broadcaster__descriptor, NULL, NULL, &rc);
    protobuf_c_message_free_unpacked (&in->base, NULL);
    if (!out) {
        drop_unused_key (req, db, key_id, key);
        return rc;
    }
    int64_t id = ((const Loa__Media__Broadcaster *) out)->id;
    json_t *reply = with_key (out, key);
    if (!reply)
        return gw_respond_problem (req, 500, NULL, NULL);
    char location[64];
    snprintf (location, sizeof location, "/api/v1/broadcasters/%lld", (long long) id);
    loa_info (req->request_id, "media: broadcaster %lld with api key %lld created by %lld",
              (long long) id, (long long) key_id, (long long) req->caller.user_id);
    return gw_respond_created (req, reply, location);
}

/* POST /api/v1/broadcasters/{id}/key (admin): a new API key for a
 * broadcaster that lost its own, or fears it leaked. The gateway makes the
 * key, media-svc gives it to the broadcaster (broadcasters.set_key), then
 * the old key is revoked (kept, marked, for the record); the new key is in
 * the answer this once. If media-svc refuses, the new key goes and the old
 * one stays. */
enum MHD_Result gw_broadcasters_new_key (gw_request *req)
{
    int64_t id = path_id (req);
    if (id <= 0)
        return gw_respond_problem (req, 404, "Không tìm thấy đơn vị nhận tin", NULL);
    enum MHD_Result rc;
    Loa__Media__BroadcasterIdRequest get = LOA__MEDIA__BROADCASTER_ID_REQUEST__INIT;
    get.id = id;
    ProtobufCMessage *cur = media_call (req, "broadcasters.get", &get.base,
                                        &loa__media__broadcaster__descriptor, NULL, NULL, &rc);
    if (!cur)
        return rc;
    const Loa__Media__Broadcaster *b = (const Loa__Media__Broadcaster *) cur;
    int64_t old_key = b->api_key_id;
    char name[256];
    snprintf (name, sizeof name, "%s", b->name && *b->name ? b->name : "broadcaster");
    protobuf_c_message_free_unpacked (cur, NULL);
    PGconn *db = gw_thread_db ();
    char key[64];
    int64_t key_id = new_broadcaster_key (req, db, name, key);
    if (key_id <= 0)
        return gw_respond_problem (req, 503, "Không tạo được khóa API", NULL);
    Loa__Media__SetBroadcasterKeyRequest set = LOA__MEDIA__SET_BROADCASTER_KEY_REQUEST__INIT;
    set.id = id;
    set.api_key_id = key_id;
    ProtobufCMessage *out = media_call (req, "broadcasters.set_key", &set.base,
                                        &loa__media__broadcaster__descriptor, NULL, NULL, &rc);
    if (!out) {
        drop_unused_key (req, db, key_id, key);
        return rc;
    }
    if (old_key > 0 && gw_store_api_key_revoke (db, old_key) != GW_STORE_OK)
        loa_warn (req->request_id,
                  "media: broadcaster %lld's old api key %lld not revoked (revoke it)",
                  (long long) id, (long long) old_key);
    json_t *reply = with_key (out, key);
    if (!reply)
        return gw_respond_problem (req, 500, NULL, NULL);
    loa_info (req->request_id, "media: broadcaster %lld: api key %lld replaces %lld (user %lld)",
              (long long) id, (long long) key_id, (long long) old_key,
              (long long) req->caller.user_id);
    return gw_respond_json (req, 200, reply);
}

/* ------------------------------------------------------------ attachments */

/* An article names its attachments by asset id, and content-svc cannot see
 * media-svc's assets: before POST /api/v1/articles and PATCH
 * /api/v1/articles/{id} the gateway asks media-svc for each id the body
 * names (assets.get), so that an article never points at a file that does
 * not exist (422 naming attachment_ids). What is not a list of positive
 * integers, or is longer than content-svc allows, is left to content-svc's
 * own checks. 0 to go on; -1 with the answer queued in *rc. */
#define MAX_ATTACHMENT_CHECKS 20

static int check_attachments (gw_request *req, enum MHD_Result *rc)
{
    json_t *doc = req->body ? json_loadb (req->body, req->body_len, 0, NULL) : NULL;
    json_t *ids = json_is_object (doc) ? json_object_get (doc, "attachment_ids") : NULL;
    if (!json_is_array (ids) || !json_array_size (ids) ||
        json_array_size (ids) > MAX_ATTACHMENT_CHECKS) {
        json_decref (doc);
        return 0;
    }
    loa_rpc_client *client = gw_service_client (GW_MEDIA);
    json_t *errors = json_array ();
    int down = client == NULL;
    size_t i;
    json_t *v;
    json_array_foreach (ids, i, v)
    {
        if (down)
            break;
        if (!json_is_integer (v) || json_integer_value (v) <= 0)
            continue; /* content-svc names it */
        Loa__Media__AssetIdRequest in = LOA__MEDIA__ASSET_ID_REQUEST__INIT;
        in.id = json_integer_value (v);
        loa_rpc_result res = {0};
        int64_t t0 = loa_mono_ms ();
        Loa__Status st = loa_rpc_call (client, "assets.get", &req->caller, req->request_id, NULL,
                                       &in.base, gw_rpc_timeout_ms (), &res);
        gw_metrics_rpc (GW_MEDIA, st, loa_mono_ms () - t0);
        loa_rpc_result_clear (&res);
        if (st == LOA__STATUS__NOT_FOUND) {
            char msg[160];
            snprintf (msg, sizeof msg,
                      "không có tệp mã số %lld (tải tệp lên trước: POST /api/v1/assets)",
                      (long long) in.id);
            json_array_append_new (errors, field_error ("attachment_ids", msg));
        } else if (st != LOA__STATUS__OK) {
            down = 1;
        }
    }
    json_decref (doc);
    if (down) {
        json_decref (errors);
        *rc = gw_respond_problem (req, 503,
                                  "Không kiểm tra được tệp đính kèm lúc này (dịch vụ tư liệu "
                                  "media-svc); vui lòng thử lại sau",
                                  NULL);
        return -1;
    }
    if (json_array_size (errors)) {
        *rc = gw_respond_problem (req, 422, "Tệp đính kèm không tồn tại", errors);
        return -1;
    }
    json_decref (errors);
    return 0;
}

enum MHD_Result gw_articles_write (gw_request *req)
{
    enum MHD_Result rc;
    if (check_attachments (req, &rc) != 0)
        return rc;
    return gw_rpc_route (req);
}
