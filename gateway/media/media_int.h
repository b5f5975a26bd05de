/* media_int: what the files of media/ share and nothing else uses. */
#ifndef GW_MEDIA_INT_H
#define GW_MEDIA_INT_H

#include <stddef.h>
#include <stdint.h>

#include "media/media.h"
#include "media/media_feed.h"

/* ------------------------------------------------------------ volume.c */

/* LOA_MEDIA_DIR, opened once: every path of the volume is relative to it. */
int media_volume_fd (void);
const char *media_volume_path (void);

/* LOA_UPLOAD_LIMIT, in bytes. */
long long media_upload_limit (void);

/* mkdirat in the volume that accepts an existing directory: 0 or -1. */
int media_make_dir (const char *rel);

/* The MIME type of a file's first bytes (libmagic), into `out`. */
void media_detect_type (const unsigned char *head, size_t len, char *out, size_t cap);

/* ------------------------------------------------------------ assets.c */

/* Streams a request's raw body to a temporary file of the volume as it
 * comes (hashed, its first bytes kept for libmagic), refused with 413 over
 * `limit` bytes: a route's begin hook. 0, or 1 with *rc answered. */
int media_upload_begin (gw_request *req, long long limit, enum MHD_Result *rc);

/* What an upload's bytes are, once the body is in. */
typedef struct {
    char mime[128]; /* libmagic's name of the bytes */
    char sha256[65];
    int64_t size;
} media_upload_info;

/* The complete upload's type, digest and size into *info: 0, or 1 with
 * *rc answered (413 too large, 422 empty, 503 not written). */
int media_upload_digest (gw_request *req, media_upload_info *info, enum MHD_Result *rc);

/* Keeps the upload as the blob info->sha256 (flushed, then linked): 0, or
 * 1 with the 503 answered. */
int media_upload_keep (gw_request *req, const media_upload_info *info, enum MHD_Result *rc);

/* ------------------------------------------------------------ send.c */

/* What media_send_blob sent: 200 or 206 and the bytes of the body (0 for
 * HEAD); status 0 when it answered otherwise (304, 416, errors). */
typedef struct {
    int status;
    uint64_t bytes;
} media_sent;

/* Sends the blob `sha256` of the volume as `mime` with sendfile: strong
 * ETag and Repr-Digest from the digest, Accept-Ranges, one Range (206, or
 * 416 with bytes * /len), If-Range, If-None-Match (304), HEAD; `filename`
 * (may be NULL; a safe name) as Content-Disposition; `sent` may be NULL. */
enum MHD_Result media_send_blob (gw_request *req, const char *sha256, const char *mime,
                                 const char *filename, const char *cache_control, media_sent *sent);

/* ------------------------------------------------------------ packages.c */

/* Which ninjs version the request asks for (?ninjs=, else Accept), or,
 * when it asks for none served, GW_NINJS_BAD_QUERY / NOT_ACCEPTABLE with
 * the 400 (query) or 406 (Accept) answered (*rc), quoting what was asked. */
gw_ninjs_version media_ninjs_wanted (gw_request *req, enum MHD_Result *rc);

#endif
