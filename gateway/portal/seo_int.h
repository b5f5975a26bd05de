/* seo_int: what the portal's documents for crawlers and feed readers
 * (sitemap.c, atom.c) share (seo_doc.c). Not for other folders. */
#ifndef GW_SEO_INT_H
#define GW_SEO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "articles.pb-c.h"
#include "content.pb-c.h"
#include "core/call.h"
#include "gw.h"

/* The longest address written (the sitemap protocol's limit on <loc>). */
#define SEO_URL_MAX 2048

/* Makes the document of the request's address: malloc'ed text, its length
 * in *len; NULL when it has answered the request instead (*rc: a
 * service's failure, a 404). */
typedef char *(*seo_build_fn) (gw_request *req, size_t *len, enum MHD_Result *rc);

/* Answers the request's address (its path: queries do not count) with the
 * document `build` makes, as `type`, through the cache: a fresh entry is
 * sent as it is; on a miss one request makes it while the others wait
 * (core/cache.h's single flight; `build` runs once per request at most),
 * and a 200 is stored while content-svc's generation is the one from
 * before it was made. ETag, and 304 on If-None-Match. With `answers` (the
 * document lists the published answers) the key names feedback-svc's
 * generation too. */
enum MHD_Result seo_serve (gw_request *req, const char *type, seo_build_fn build, int answers);

/* Calls content-svc's `method` as an anonymous reader (what the public
 * sees, whoever the request's caller is); as gw_call otherwise (on
 * failure the request is answered: -1). */
int seo_call (gw_request *req, const char *method, const ProtobufCMessage *in,
              const ProtobufCMessageDescriptor *out, gw_reply *reply);

/* The same call of `svc`'s `method`. */
int seo_call_in (gw_request *req, gw_service svc, const char *method, const ProtobufCMessage *in,
                 const ProtobufCMessageDescriptor *out, gw_reply *reply);

/* One page of the published articles, newest first (articles.list);
 * `topic_id` 0 for every topic. 0, or -1 with the request answered. */
int seo_articles (gw_request *req, int64_t topic_id, int page, int per_page, gw_reply *reply);

/* LOA_PUBLIC_URL followed by `path` (written as it is), into `out`;
 * -1 when it does not fit in `cap` or is over SEO_URL_MAX. */
int seo_url (const char *path, char *out, size_t cap);

/* The permanent address of an article, LOA_PUBLIC_URL/tin-tuc/{slug} (the
 * slug percent-encoded but for letters, digits, '-', '.', '_', '~'), or -1
 * as seo_url. */
int seo_article_url (const char *slug, char *out, size_t cap);

/* LOA_PUBLIC_URL, `prefix` as it is, then `slug` percent-encoded as above
 * (a procedure's code after "/thu-tuc/"), or -1 as seo_url. */
int seo_segment_url (const char *prefix, const char *slug, char *out, size_t cap);

#endif
