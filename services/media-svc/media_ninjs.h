/* media_ninjs: a package version's IPTC ninjs 3.2 document
 * (tests/e2e/media/ninjs-schema_3.2.json), its ninjs 2.3 rendering
 * (ninjs-schema_2.3.json, for broadcasters that ask for it), its uri and its
 * renditions' names. Pure: no I/O, tested on its own (tests/unit/media-svc). */
#ifndef MEDIA_NINJS_H
#define MEDIA_NINJS_H

#include <stddef.h>
#include <stdint.h>

/* One rendition: an asset of the version, data/renditions/<name> in the
 * bag, .../versions/{v}/files/<name> over HTTP. */
typedef struct {
    const char *name;
    const char *mime;
    int64_t size;
} media_rendition;

typedef struct {
    const char *uri; /* media_ninjs_uri */
    int64_t package_id;
    int version;
    const char *first_created; /* RFC 3339 */
    const char *version_created; /* RFC 3339 */
    const char *pub_status; /* usable, withheld, canceled */
    const char *embargo_until; /* RFC 3339, or NULL / "" */
    const char *title;
    const char *summary; /* may be NULL / "" */
    const char *body_html; /* may be NULL / "" */
    const char *note; /* edNote: a correction's note, a cancellation's reason */
    int64_t article_id;
    const char *slug;
    const char *base_url; /* LOA_PUBLIC_URL, no trailing slash */
    const media_rendition *renditions;
    size_t n_renditions;
} media_ninjs_input;

/* The document as compact JSON text (the caller frees), or NULL when
 * memory runs out. Keys in a fixed order, so the same input gives the same
 * bytes. */
char *media_ninjs_build (const media_ninjs_input *in);

/* The ninjs 2.3 rendering of a document media_ninjs_build made: the same
 * data under 2.x's names (firstcreated, versioncreated, pubstatus,
 * embargoed, ednote, altids; contenttype and sizeinbytes inside headlines,
 * descriptions, bodies and renditions, which stay arrays as 2.3 has them).
 * A property 2.3 has no name for is left out. Keys in a fixed order and
 * compact, so the same 3.2 text always gives the same bytes: made once per
 * version and stored beside the 3.2 text (media_pkg_store.c). The caller
 * frees the text; NULL when `ninjs_3_2` is not a JSON object or memory runs
 * out. */
char *media_ninjs_2_3 (const char *ninjs_3_2);

/* "urn:<domain>:package:<id>" into out. 0, or -1 when it does not fit. */
int media_ninjs_uri (char *out, size_t cap, const char *domain, int64_t id);

/* The package id a uri of `domain` names, or 0 when it is not one. */
int64_t media_ninjs_uri_id (const char *uri, const char *domain);

/* A rendition's name from its asset: "<position>-asset-<id>.<ext>" with the
 * extension of its MIME type ("bin" when unknown); only [a-z0-9.-]. */
void media_ninjs_rendition_name (char *out, size_t cap, int position, int64_t asset_id,
                                 const char *mime);

/* ninjs `type` for renditions of these MIME types: "text" without any,
 * "picture" or "video" when all are of that family, else "composite". */
const char *media_ninjs_type (const media_rendition *r, size_t n);

#endif
