/* fuzz target: the Range and If-Range headers of a media download
 * (gateway/media/blob.c, as media/send.c uses them). The input is the
 * representation's length (its first 8 bytes, little endian, kept small
 * half the time so that ranges fall inside), then the Range header, a
 * newline and the If-Range header. Properties: a partial answer names
 * bytes inside the representation (first <= last < len); an If-Range that
 * is not the ETag gives all of it; without Range nothing is partial. */
#include <string.h>

#include "fuzz.h"
#include "media/blob.h"

static const char etag[] = "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"";

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    uint64_t len = 0;
    for (int i = 7; i >= 0; i--)
        len = len << 8 | data[i];
    if (len & 1)
        len = (len >> 1) % 100000;
    char *text = fuzz_strndup (data + 8, size - 8);
    char *nl = strchr (text, '\n');
    const char *range = text, *if_range = NULL;
    if (nl) {
        *nl = '\0';
        if_range = nl + 1;
    }
    uint64_t first = 7, last = 7;
    gw_range r = gw_blob_range_if (range, if_range, etag, len, &first, &last);
    FUZZ_CHECK (r == GW_RANGE_WHOLE || r == GW_RANGE_PARTIAL || r == GW_RANGE_UNSATISFIABLE);
    if (r == GW_RANGE_PARTIAL)
        FUZZ_CHECK (len > 0 && first <= last && last < len);
    else
        FUZZ_CHECK (first == 7 && last == 7);
    if (if_range && strcmp (if_range, etag) != 0)
        FUZZ_CHECK (r == GW_RANGE_WHOLE);
    /* The same Range without If-Range, or with the very ETag, is read alike. */
    uint64_t f2 = 7, l2 = 7;
    FUZZ_CHECK (gw_blob_range (range, len, &f2, &l2) ==
                gw_blob_range_if (range, etag, etag, len, &first, &last));
    FUZZ_CHECK (gw_blob_range_if (NULL, if_range, etag, len, &f2, &l2) == GW_RANGE_WHOLE);
    free (text);
    return 0;
}
