/* blob: the rules of the media byte plane that need no I/O, kept apart so
 * that they are tested on their own (tests/unit/gateway/test_blob.c): which
 * types an upload may be, what a Range header asks for. Where a blob lives
 * is the volume's layout, shared with media-svc (loa_blob.h). assets.c and
 * send.c do the I/O. */
#ifndef GW_BLOB_H
#define GW_BLOB_H

#include <stddef.h>
#include <stdint.h>

/* 1 when `mime` (as libmagic names it, e.g. "image/png") is a photo, video
 * or audio type that assets may be: image/jpeg, image/png, image/gif,
 * image/webp, video/mp4, video/quicktime, video/webm, audio/mpeg. */
int gw_blob_mime_allowed (const char *mime);

/* 1 when the declared Content-Type (parameters allowed, any case) is of the
 * same family (image/, video/, audio/) as the detected `mime`. */
int gw_blob_family_matches (const char *declared, const char *mime);

typedef enum {
    GW_RANGE_WHOLE, /* no usable Range: answer 200 with everything */
    GW_RANGE_PARTIAL, /* answer 206 with bytes *first..*last */
    GW_RANGE_UNSATISFIABLE, /* answer 416 with Content-Range: bytes *\/len */
} gw_range;

/* What `header` (a Range header value, or NULL) asks of a representation
 * of `len` bytes (RFC 9110 §14): a single range "bytes=a-b", "bytes=a-" or
 * "bytes=-n". A header that is not a valid bytes range is ignored (WHOLE),
 * as RFC 9110 allows; so is a list of several ranges (the whole
 * representation is sent rather than multipart/byteranges). `last` is
 * clipped to len - 1; a suffix longer than the file means all of it. */
gw_range gw_blob_range (const char *header, uint64_t len, uint64_t *first, uint64_t *last);

/* gw_blob_range for a request's Range and If-Range headers (either may be
 * NULL) on the representation whose strong ETag is `etag` (quotes
 * included): an If-Range that is not that very ETag (another ETag, a weak
 * one, a date) makes the Range void (RFC 9110 §13.1.5), so all of it is
 * sent. */
gw_range gw_blob_range_if (const char *range, const char *if_range, const char *etag, uint64_t len,
                           uint64_t *first, uint64_t *last);

#endif
