/* blob: the rules of the media volume that need no I/O, kept apart so that
 * they are tested on their own (tests/unit/gateway/test_blob.c): where a
 * blob lives by its SHA-256, which types an upload may be, what a Range
 * header asks for. media.c does the I/O. */
#ifndef GW_BLOB_H
#define GW_BLOB_H

#include <stddef.h>
#include <stdint.h>

#define GW_BLOB_HEX 64 /* a SHA-256 in hex */

/* The blob's path under the media directory, "sha256/ab/cd/<64 hex>", into
 * `out` (at least GW_BLOB_PATH_MAX bytes). Only a digest of 64 lower-case
 * hex digits makes a path, so nothing a client sends can name another file.
 * 0, or -1 for anything else. */
#define GW_BLOB_PATH_MAX 80
int gw_blob_path (const char *hex, char *out, size_t cap);

/* The digest in lower-case hex (65 bytes with the NUL). */
void gw_blob_hex (const unsigned char digest[32], char out[GW_BLOB_HEX + 1]);

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

#endif
