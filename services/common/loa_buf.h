/* loa_buf: a growable byte buffer for documents built piece by piece (CSV,
 * XML, the metrics text, assembled pages).
 *
 * The owner keeps a `loa_buf` (zeroed: empty) and appends; the bytes stay
 * NUL-terminated, so a text document can be used as a C string. The first
 * allocation failure is remembered: later appends do nothing, and
 * loa_buf_take reports the document as lost (NULL) instead of handing out a
 * truncated one. */
#ifndef LOA_BUF_H
#define LOA_BUF_H

#include <stddef.h>

typedef struct {
    char *data; /* NULL until the first append */
    size_t len, cap;
    int failed; /* out of memory once: the document is lost */
} loa_buf;

/* Appends `n` bytes (may hold NULs). */
void loa_buf_add (loa_buf *b, const void *data, size_t n);

/* Makes the buffer `n` bytes longer and gives where those bytes are, for
 * the caller to fill (all n of them) before the next append; NULL when the
 * buffer failed. For writers that know a piece's length before its bytes
 * (one growth check instead of one per fragment). */
char *loa_buf_extend (loa_buf *b, size_t n);

/* Appends a C string. */
void loa_buf_puts (loa_buf *b, const char *s);

/* Appends printf-style text. */
__attribute__ ((format (printf, 2, 3))) void loa_buf_printf (loa_buf *b, const char *fmt, ...);

/* The document, now the caller's (free() it), and its length; NULL (and 0)
 * when an append failed or nothing was appended. The buffer is empty
 * afterwards either way. */
char *loa_buf_take (loa_buf *b, size_t *len);

/* Frees the bytes and empties the buffer. */
void loa_buf_free (loa_buf *b);

#endif
