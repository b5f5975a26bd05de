/* media_feed: the pure parts of the broadcasters' feed (media_pkg.c does
 * the I/O), tested on their own (tests/unit/gateway/test_media_feed.c):
 * the opaque cursor, which ninjs version a request asks for, and the Atom
 * 1.0 and RSS 2.0 (with Media RSS) documents made from a page of ninjs
 * documents. */
#ifndef GW_MEDIA_FEED_H
#define GW_MEDIA_FEED_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* A cursor is base64url (no padding) of the feed position (8 bytes, big
 * endian) and 4 bytes of a keyed BLAKE2b of it, so that a cursor a client
 * made up or mangled is refused rather than read as another position. */
#define GW_FEED_CURSOR_MAX 24

/* The cursor of position `pos` (>= 0) into out (GW_FEED_CURSOR_MAX bytes). */
void gw_feed_cursor_encode (int64_t pos, char out[GW_FEED_CURSOR_MAX]);

/* The position of `cursor`: NULL or "" is the start (0). 0, or -1 for a
 * cursor this gateway did not make. */
int gw_feed_cursor_decode (const char *cursor, int64_t *pos);

/* The ninjs versions served (docs/api/media.md: 3.2, "2.3 on request"). */
typedef enum {
    GW_NINJS_3_2, /* the default */
    GW_NINJS_2_3,
    GW_NINJS_BAD_QUERY, /* ?ninjs= names no version served: 400 */
    GW_NINJS_NOT_ACCEPTABLE, /* Accept asks only for versions not served: 406 */
} gw_ninjs_version;

/* "3.2" / "2.3", and the $id of its IPTC JSON Schema. */
const char *gw_ninjs_name (gw_ninjs_version v);
const char *gw_ninjs_schema (gw_ninjs_version v);

/* Which version a request asks for: the query parameter `ninjs` ("3.2" or
 * "2.3") when given, else the Accept header: a media range of JSON
 * (application/json or a wildcard covering it) with a `version=2.3` parameter or
 * a `profile` naming a schema's $id (with or without its "#", http or
 * https) asks for that version; the highest q wins, and at equal q a range
 * naming a version beats one that does not. Ranges of other types are not
 * looked at; nothing named is 3.2. `query` and `accept` may be NULL. */
gw_ninjs_version gw_ninjs_negotiate (const char *query, const char *accept);

/* What the documents link to. */
typedef struct {
    const char *base_url; /* LOA_PUBLIC_URL, no trailing slash */
    const char *self; /* this page's path and query */
    const char *next; /* the next page's path and query */
    const char *feed_id; /* e.g. "urn:<domain>:feed:broadcaster:3" */
    const char *updated; /* RFC 3339: when nothing newer is in the page */
} gw_feed_links;

/* Atom 1.0 / RSS 2.0 of `items` (a JSON array of ninjs documents): one
 * entry / item per version with its headline, uri and version, time,
 * summary, a link to its ninjs and one enclosure / media:content (url,
 * type, fileSize) per rendition. Malloc'ed text (*len bytes), or NULL. */
char *gw_feed_atom (const json_t *items, const gw_feed_links *links, size_t *len);
char *gw_feed_rss (const json_t *items, const gw_feed_links *links, size_t *len);

/* RFC 3339 ("2022-02-15T08:00:00+07:00") to RFC 822 as RSS wants it
 * ("Tue, 15 Feb 2022 08:00:00 +0700"). 0, or -1 when it is not one. */
int gw_feed_rfc822 (const char *rfc3339, char *out, size_t cap);

#endif
