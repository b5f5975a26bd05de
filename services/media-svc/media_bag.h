/* media_bag: a package version's BagIt 1.0 bag (RFC 8493) in a ZIP, made
 * with libzip, and the media volume's blobs (LOA_MEDIA_DIR/sha256/ab/cd/<hex>,
 * the layout the gateway writes and serves).
 *
 * The bag: one top folder "<id>-v<v>/" with bagit.txt, bag-info.txt
 * (External-Identifier, Bagging-Date, Payload-Oxum), manifest-sha256.txt
 * (data/ninjs.json, data/renditions/<name>), tagmanifest-sha256.txt (the
 * three tag files), data/ninjs.json and data/renditions/<name>, streamed
 * from the assets' blobs and stored (not deflated: photos and video are
 * compressed already). The ZIP and the manifest are blobs themselves. */
#ifndef MEDIA_BAG_H
#define MEDIA_BAG_H

#include <stddef.h>
#include <stdint.h>

#include "loa_blob.h"

#define MEDIA_HEX LOA_BLOB_HEX

/* Reads LOA_MEDIA_DIR (once; later calls do nothing), makes its tmp/ and
 * sha256/ folders and removes temporary bags a day old (left by a crash).
 * media_bag_build calls it. 0 or -1 (logged). */
int media_bag_init (void);

/* LOA_MEDIA_DIR as read by media_bag_init. */
const char *media_volume_dir (void);

/* Whether the blob `hex` is on the volume: 1, 0, or -1 (not a digest, or
 * the volume unusable). */
int media_blob_exists (const char *hex);

/* "<octets>.<files>" (RFC 8493 §2.2.2). */
void media_bag_oxum (char *out, size_t cap, uint64_t octets, size_t files);

/* bag-info.txt's text (the caller frees; NULL when out of memory). */
char *media_bag_info (const char *uri, const char *date, uint64_t octets, size_t files);

/* One payload file: its name under data/ and its bytes, either `text`
 * (text_len bytes) or the blob `sha256` of `size` bytes. */
typedef struct {
    const char *path; /* "ninjs.json", "renditions/<name>" */
    const char *text;
    size_t text_len;
    const char *sha256; /* hex; for a text, computed by media_bag_build */
    int64_t size;
} media_bag_file;

/* manifest-sha256.txt's text for `files` (whose sha256 are all set): one
 * line "<hex>  data/<path>" each (the caller frees). */
char *media_bag_manifest (const media_bag_file *files, size_t n);

typedef struct {
    char bag_sha256[MEDIA_HEX + 1];
    int64_t bag_size;
    char manifest_sha256[MEDIA_HEX + 1];
    int64_t manifest_size;
} media_bag_result;

/* The SHA-256 of `len` bytes of `text` in lower-case hex. */
void media_bag_sha256_text (const char *text, size_t len, char out[MEDIA_HEX + 1]);

/* Builds the ZIP for `top` ("<id>-v<v>") and stores it and its manifest as
 * blobs. files[] with `text` get their sha256 computed into `hex_buf`
 * (64 + 1 bytes per file). 0, or -1 (logged, and the reason in `err`, a
 * short text for staff; nothing half-written stays). */
int media_bag_build (const char *top, const char *uri, const char *date, media_bag_file *files,
                     size_t n, char (*hex_buf)[MEDIA_HEX + 1], media_bag_result *out, char *err,
                     size_t err_cap);

#endif
