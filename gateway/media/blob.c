#include "media/blob.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const allowed[] = {
    "image/jpeg",      "image/png",  "image/gif",  "image/webp", "video/mp4",
    "video/quicktime", "video/webm", "audio/mpeg", NULL,
};

int gw_blob_mime_allowed (const char *mime)
{
    for (int i = 0; mime && allowed[i]; i++)
        if (strcmp (mime, allowed[i]) == 0)
            return 1;
    return 0;
}

int gw_blob_family_matches (const char *declared, const char *mime)
{
    static const char *const families[] = {"image/", "video/", "audio/", NULL};
    if (!declared || !mime)
        return 0;
    while (*declared == ' ')
        declared++;
    for (int i = 0; families[i]; i++) {
        size_t n = strlen (families[i]);
        if (strncmp (mime, families[i], n) == 0)
            return strncasecmp (declared, families[i], n) == 0 && declared[n] &&
                   declared[n] != ';' && declared[n] != ' ';
    }
    return 0;
}

/* Reads a decimal number at *p (advancing it). 0, or -1 when there is no
 * digit or it overflows. */
static int read_number (const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t n = 0;
    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned) (*s - '0');
        if (n > (UINT64_MAX - d) / 10)
            return -1;
        n = n * 10 + d;
    }
    *p = s;
    *v = n;
    return 0;
}

static const char *skip_ows (const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

gw_range gw_blob_range (const char *header, uint64_t len, uint64_t *first, uint64_t *last)
{
    if (!header)
        return GW_RANGE_WHOLE;
    const char *p = skip_ows (header);
    if (strncasecmp (p, "bytes", 5) != 0)
        return GW_RANGE_WHOLE;
    p = skip_ows (p + 5);
    if (*p != '=')
        return GW_RANGE_WHOLE;
    p = skip_ows (p + 1);
    if (strchr (p, ','))
        return GW_RANGE_WHOLE; /* several ranges: the whole, not multipart */
    uint64_t a = 0, b = 0;
    int has_a = 0, has_b = 0;
    if (*p != '-') {
        if (read_number (&p, &a) != 0)
            return GW_RANGE_WHOLE;
        has_a = 1;
    }
    if (*p != '-')
        return GW_RANGE_WHOLE;
    p++;
    if (*p >= '0' && *p <= '9') {
        if (read_number (&p, &b) != 0)
            return GW_RANGE_WHOLE;
        has_b = 1;
    }
    if (*skip_ows (p) != '\0' || (!has_a && !has_b))
        return GW_RANGE_WHOLE;
    if (!has_a) { /* the last b bytes */
        if (b == 0 || len == 0)
            return GW_RANGE_UNSATISFIABLE;
        *first = b >= len ? 0 : len - b;
        *last = len - 1;
        return GW_RANGE_PARTIAL;
    }
    if (has_b && b < a)
        return GW_RANGE_WHOLE; /* invalid: ignored */
    if (a >= len)
        return GW_RANGE_UNSATISFIABLE;
    *first = a;
    *last = has_b && b < len - 1 ? b : len - 1;
    return GW_RANGE_PARTIAL;
}

gw_range gw_blob_range_if (const char *range, const char *if_range, const char *etag, uint64_t len,
                           uint64_t *first, uint64_t *last)
{
    if (range && if_range && (!etag || strcmp (if_range, etag) != 0))
        range = NULL;
    return gw_blob_range (range, len, first, last);
}
