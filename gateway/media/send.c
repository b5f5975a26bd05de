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

enum MHD_Result media_send_blob (gw_request *req, const char *sha256, const char *mime,
                                 const char *filename, const char *cache_control, media_sent *sent)
{
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
    /* The headers every answer about the asset's bytes carries. */
    const char *const blob[] = {MHD_HTTP_HEADER_ETAG,
                                etag,
                                "Repr-Digest",
                                digest,
                                MHD_HTTP_HEADER_ACCEPT_RANGES,
                                "bytes",
                                MHD_HTTP_HEADER_CACHE_CONTROL,
                                cache_control,
                                NULL};
    if (gw_not_modified (req, etag)) {
        close (fd);
        return gw_respond_bytes (req, MHD_HTTP_NOT_MODIFIED, NULL, NULL, 0, blob);
    }
    /* If-Range: the range holds only for this very representation (a
     * strong ETag); anything else (another ETag, a date) gets it all. */
    gw_range r =
        gw_blob_range_if (gw_header (req, MHD_HTTP_HEADER_RANGE),
                          gw_header (req, MHD_HTTP_HEADER_IF_RANGE), etag, len, &first, &last);
    if (r == GW_RANGE_UNSATISFIABLE) {
        close (fd);
        snprintf (range_hdr, sizeof range_hdr, "bytes */%llu", (unsigned long long) len);
        return gw_respond_problem_with (req, 416, "Khoảng byte yêu cầu nằm ngoài tệp", NULL,
                                        MHD_HTTP_HEADER_CONTENT_RANGE, range_hdr);
    }
    int partial = r == GW_RANGE_PARTIAL;
    uint64_t count = partial ? last - first + 1 : len;
    char disp[160];
    snprintf (disp, sizeof disp, "attachment; filename=\"%s\"", filename ? filename : "");
    snprintf (range_hdr, sizeof range_hdr, "bytes %llu-%llu/%llu", (unsigned long long) first,
              (unsigned long long) last, (unsigned long long) len);
    const char *const headers[] = {MHD_HTTP_HEADER_CONTENT_DISPOSITION,
                                   filename && *filename ? disp : NULL,
                                   MHD_HTTP_HEADER_CONTENT_RANGE,
                                   partial ? range_hdr : NULL,
                                   blob[0],
                                   blob[1],
                                   blob[2],
                                   blob[3],
                                   blob[4],
                                   blob[5],
                                   blob[6],
                                   blob[7],
                                   NULL};
    unsigned status = partial ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK;
    enum MHD_Result rc = gw_respond_fd (req, status, mime, fd, partial ? first : 0, count, headers);
    if (sent && req->http_status == (int) status) {
        sent->status = (int) status;
        sent->bytes = req->head ? 0 : count;
    }
    return rc;
}
