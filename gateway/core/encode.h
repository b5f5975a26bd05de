/* encode: compressed forms of text responses (gzip, Brotli) and the choice
 * among them by the request's Accept-Encoding (decision 0042).
 *
 * A body is compressed once, where it is kept (the portal's files at start,
 * a cached page or API read when it is stored), never on each hit; a body
 * under GW_ENC_MIN_BYTES is never compressed, and a compressed form is kept
 * only when it is smaller than the body. */
#ifndef GW_ENCODE_H
#define GW_ENCODE_H

#include <stddef.h>

typedef enum { GW_ENC_IDENTITY = 0, GW_ENC_GZIP = 1, GW_ENC_BR = 2, GW_N_ENC = 3 } gw_encoding;

/* Bodies shorter than this are sent as they are: the headers would cost
 * more than the bytes saved. */
#define GW_ENC_MIN_BYTES 1024

/* A body and its compressed forms: data[GW_ENC_IDENTITY] is the body;
 * data[e] NULL (len 0) when there is no form `e`. Borrowed pointers. */
typedef struct {
    const char *data[GW_N_ENC];
    size_t len[GW_N_ENC];
} gw_variants;

/* The compressed forms of one body, malloc'ed (the caller's: gw_encoded_free). */
typedef struct {
    char *data[GW_N_ENC]; /* data[GW_ENC_IDENTITY] is always NULL */
    size_t len[GW_N_ENC];
} gw_encoded;

typedef enum {
    GW_ENC_FAST, /* a response being stored: gzip 6, Brotli 5 */
    GW_ENC_BEST /* a file at start: gzip 9, Brotli 10 */
} gw_enc_effort;

/* Compresses `body` into *out (zeroed first): gzip and Brotli, each kept
 * only when smaller than `len`; nothing when `len` < GW_ENC_MIN_BYTES.
 * A form that cannot be made (out of memory) is simply missing. */
void gw_encode (const char *body, size_t len, gw_enc_effort effort, gw_encoded *out);

/* Frees the forms of *e and zeroes it. */
void gw_encoded_free (gw_encoded *e);

/* The encoding to send, among those present in `have` (a mask of 1 << e;
 * identity is always present), for an Accept-Encoding header value
 * (RFC 9110 §12.5.3; NULL: no header, identity): the acceptable coding of
 * the highest q, Brotli before gzip before identity at equal q; "x-gzip"
 * is gzip; "*" stands for every coding not named; q=0 refuses; identity is
 * acceptable unless refused by name or by "*;q=0". When nothing present is
 * acceptable, identity (the server may send it rather than a 406). */
gw_encoding gw_encoding_choose (const char *accept_encoding, unsigned have);

/* The Content-Encoding token of `e` ("gzip", "br"; NULL for identity). */
const char *gw_encoding_name (gw_encoding e);

/* The ETag of form `e` of a body whose ETag is `etag` ("\"x\"" becomes
 * "\"x-gz\"" or "\"x-br\""; identity keeps it), into out (cap bytes). */
void gw_encoding_etag (const char *etag, gw_encoding e, char *out, size_t cap);

#endif
