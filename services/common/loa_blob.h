/* loa_blob: the layout of the media volume, shared by the gateway (which
 * writes uploaded assets and serves them) and media-svc (which checks
 * assets, builds bags from them and sweeps orphans). A blob is named by the
 * SHA-256 of its bytes and lives at LOA_MEDIA_DIR/sha256/ab/cd/<64 hex>
 * (docs/decisions: blobs by SHA-256). No I/O here. */
#ifndef LOA_BLOB_H
#define LOA_BLOB_H

#include <stddef.h>

#define LOA_BLOB_HEX 64 /* a SHA-256 in hex */
#define LOA_BLOB_PATH_MAX 80 /* "sha256/ab/cd/" + 64 hex + NUL, rounded up */

/* 1 when `s` is exactly `n` lower-case hex digits followed by its NUL. */
int loa_blob_is_hex (const char *s, size_t n);

/* The blob's path relative to the volume, "sha256/ab/cd/<hex>", into `out`
 * (`cap` at least LOA_BLOB_PATH_MAX). Only a digest of 64 lower-case hex
 * digits makes a path, so nothing a client sends can name another file.
 * 0, or -1 for anything else. */
int loa_blob_path (const char *hex, char *out, size_t cap);

/* The digest in lower-case hex, NUL-terminated. */
void loa_blob_hex (const unsigned char digest[32], char out[LOA_BLOB_HEX + 1]);

#endif
