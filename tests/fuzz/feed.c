/* fuzz target: the broadcasters' feed cursor (gw_feed_cursor_decode,
 * gateway/media/media_feed.c), the ?cursor= a client sends back, and the
 * RFC 3339 to RFC 822 date of the RSS feed (gw_feed_rfc822). Properties: a
 * cursor that decodes is exactly the one the gateway makes for that
 * position (a made-up or altered one is refused); a position's cursor
 * decodes to it; a date converts into the buffer, NUL-terminated, or is
 * refused. */
#include <string.h>

#include "fuzz.h"
#include "media/media_feed.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup (data, size);
    int64_t pos = -1;
    if (gw_feed_cursor_decode (text, &pos) == 0) {
        FUZZ_CHECK (pos >= 0);
        if (*text) {
            char again[GW_FEED_CURSOR_MAX];
            gw_feed_cursor_encode (pos, again);
            FUZZ_CHECK (strcmp (again, text) == 0);
        } else {
            FUZZ_CHECK (pos == 0);
        }
    } else {
        FUZZ_CHECK (pos == 0);
    }
    if (size >= 8) {
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
            v = v << 8 | data[i];
        int64_t p = (int64_t) (v >> 1), back = -1;
        char c[GW_FEED_CURSOR_MAX];
        gw_feed_cursor_encode (p, c);
        FUZZ_CHECK (strlen (c) == 16);
        FUZZ_CHECK (gw_feed_cursor_decode (c, &back) == 0 && back == p);
    }
    char date[64];
    memset (date, 'x', sizeof date);
    if (gw_feed_rfc822 (text, date, sizeof date) == 0)
        FUZZ_CHECK (memchr (date, '\0', sizeof date) != NULL && strlen (date) >= 29);
    char small[8];
    if (gw_feed_rfc822 (text, small, sizeof small) == 0)
        FUZZ_CHECK (memchr (small, '\0', sizeof small) != NULL);
    free (text);
    return 0;
}
