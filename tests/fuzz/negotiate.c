/* fuzz target: which ninjs version a feed or package request asks for
 * (gw_ninjs_negotiate, gateway/media/media_feed.c): the Accept header with
 * its media ranges, q values, version and profile parameters, quoted
 * strings, and the ?ninjs= query. The first byte says whether the first
 * line of the rest is the query; the rest is the Accept header.
 * Properties: the answer is one of the four; a query is answered 3.2, 2.3
 * or 400 whatever Accept says; without one, never 400; Accept absent or
 * empty is 3.2. */
#include <string.h>

#include "fuzz.h"
#include "media/media_feed.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = fuzz_strndup (data + 1, size - 1);
    const char *query = NULL, *accept = text;
    if (data[0] & 1) {
        char *nl = strchr (text, '\n');
        query = text;
        accept = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
    }
    gw_ninjs_version v = gw_ninjs_negotiate (query, accept);
    FUZZ_CHECK (v == GW_NINJS_3_2 || v == GW_NINJS_2_3 || v == GW_NINJS_BAD_QUERY ||
                v == GW_NINJS_NOT_ACCEPTABLE);
    if (query) {
        FUZZ_CHECK (v != GW_NINJS_NOT_ACCEPTABLE);
        FUZZ_CHECK (v == gw_ninjs_negotiate (query, NULL));
    } else {
        FUZZ_CHECK (v != GW_NINJS_BAD_QUERY);
    }
    if (!accept || !*accept)
        FUZZ_CHECK (query || v == GW_NINJS_3_2);
    FUZZ_CHECK (strlen (gw_ninjs_name (v)) == 3 && strlen (gw_ninjs_schema (v)) > 0);
    free (text);
    return 0;
}
