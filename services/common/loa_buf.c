#include "loa_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for `n` more bytes and the terminating NUL. */
static int reserve (loa_buf *b, size_t n)
{
    if (b->failed)
        return -1;
    if (n >= ((size_t) -1) / 2 - b->len) {
        b->failed = 1;
        return -1;
    }
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *grown = realloc (b->data, cap);
    if (!grown) {
        b->failed = 1;
        return -1;
    }
    b->data = grown;
    b->cap = cap;
    return 0;
}

void loa_buf_add (loa_buf *b, const void *data, size_t n)
{
    if (reserve (b, n) != 0)
        return;
    if (n)
        memcpy (b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

char *loa_buf_extend (loa_buf *b, size_t n)
{
    if (reserve (b, n) != 0)
        return NULL;
    char *at = b->data + b->len;
    b->len += n;
    b->data[b->len] = '\0';
    return at;
}

void loa_buf_puts (loa_buf *b, const char *s) { loa_buf_add (b, s, strlen (s)); }

void loa_buf_printf (loa_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    va_list ap;
    va_start (ap, fmt);
    int n = vsnprintf (b->data ? b->data + b->len : NULL, b->data ? b->cap - b->len : 0, fmt, ap);
    va_end (ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (b->data && b->len + (size_t) n < b->cap) {
        b->len += (size_t) n;
        return;
    }
    if (reserve (b, (size_t) n) != 0)
        return;
    va_start (ap, fmt);
    vsnprintf (b->data + b->len, b->cap - b->len, fmt, ap);
    va_end (ap);
    b->len += (size_t) n;
}

char *loa_buf_take (loa_buf *b, size_t *len)
{
    char *data = b->failed ? NULL : b->data;
    if (!data)
        free (b->data);
    if (len)
        *len = data ? b->len : 0;
    memset (b, 0, sizeof *b);
    return data;
}

void loa_buf_free (loa_buf *b)
{
    free (b->data);
    memset (b, 0, sizeof *b);
}
