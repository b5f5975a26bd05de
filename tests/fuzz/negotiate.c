/* fuzz target: which ninjs version a feed or package request asks for
 * (gw_ninjs_negotiate, gateway/media/media_feed.c): the Accept header with
 * its media ranges, q values, version and profile parameters, quoted
 * strings, and the ?ninjs= query. The first byte says whether the first
 * line of the rest is the query; the rest is the Accept header.
 * Properties: the answer is one of the four; a query is answered 3.2, 2.3
 * or 400 whatever Accept says; without one, never 400; Accept absent or
 * empty is 3.2. The Accept header also goes to the quota report's choice
 * of CSV (gw_quota_accepts_csv, gateway/quota/report.c), checked by what
 * ranges added before or after it must (not) change. */
#include <string.h>

#include "fuzz.h"
#include "media/media_feed.h"
#include "quota/quota.h"

/* The quota report's CSV by Accept (gw_quota_accepts_csv): a range of
 * another type after, or a refused text/csv before, changes nothing (when
 * no quote is left open to swallow it); text/csv before is always CSV. */
static void check_csv (const char *accept)
{
    int csv = gw_quota_accepts_csv (accept);
    FUZZ_CHECK (csv == 0 || csv == 1);
    size_t n = strlen (accept);
    char *s = malloc (n + 32);
    FUZZ_CHECK (s != NULL);
    snprintf (s, n + 32, "text/csv,%s", accept);
    FUZZ_CHECK (gw_quota_accepts_csv (s) == 1);
    if (!strchr (accept, '"')) {
        snprintf (s, n + 32, "%s,application/json", accept);
        FUZZ_CHECK (gw_quota_accepts_csv (s) == csv);
        snprintf (s, n + 32, "text/csv;q=0,%s", accept);
        FUZZ_CHECK (gw_quota_accepts_csv (s) == csv);
    }
    free (s);
}

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
    if (accept)
        check_csv (accept);
    free (text);
    return 0;
}
