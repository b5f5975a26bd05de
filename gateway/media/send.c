/* send: a blob of the volume as an answer (media_int.h), with MHD's fd
 * response (sendfile, never read into memory); the ETag is the blob's
 * SHA-256 (docs/decisions/0009-etags.md), one Range is served
 * (media/blob.h). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/respond.h"
#include "loa_blob.h"
#include "loa_log.h"
#include "media/blob.h"
#include "media/media_int.h"

/* The headers every answer about the asset's bytes carries. */
static void blob_headers (struct MHD_Response *resp, const char *cache_control, const char *etag,
                          const char *digest)
{
    MHD_add_response_header (resp, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header (resp, "Repr-Digest", digest);
    MHD_add_response_header (resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control);
}

enum MHD_Result media_send_blob (gw_request *req, const char *sha256, const char *mime,
                                 const char *filename, const char *cache_control, media_sent *sent)
{
    enum MHD_Result rc;
    char rel[LOA_BLOB_PATH_MAX], etag[LOA_BLOB_HEX + 3], digest[80], range_hdr[96];
    unsigned char bin[32];
    struct stat st;
    int fd = -1;
    if (sent)
        memset (sent, 0, sizeof *sent);
    if (loa_blob_path (sha256, rel, sizeof rel) != 0 ||
        sodium_hex2bin (bin, sizeof bin, sha256, LOA_BLOB_HEX, NULL, NULL, NULL) != 0 ||
        (fd = openat (media_volume_fd (), rel, O_RDONLY | O_CLOEXEC)) < 0 || fstat (fd, &st) != 0) {
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

    if (gw_not_modified (req, etag)) {
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
