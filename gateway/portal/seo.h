/* seo: what makes the portal found and shared (docs/web.md, "Found and
 * shared"): robots.txt, the sitemap (sitemaps.org 0.9, an index of parts
 * past LOA_SITEMAP_MAX_URLS), and the Atom feeds (RFC 4287) of published
 * articles, all and per topic. Every address in them is absolute, under
 * LOA_PUBLIC_URL; an article's is `/tin-tuc/{slug}`. The documents are
 * made from content-svc's public reads (asked as an anonymous reader,
 * whoever calls) and kept in the gateway's cache (core/cache.h), made
 * stale by content-svc's events, with ETag and 304. */
#ifndef GW_SEO_H
#define GW_SEO_H

#include "gw.h"

/* GET /robots.txt: the portal allowed, the console and the API not (but
 * the public assets, articles' images), the sitemap's absolute address. */
enum MHD_Result gw_robots_txt (gw_request *req);

/* GET /sitemap.xml: every public page (the portal's static pages, then
 * each published article, newest first, with its lastmod), or, past
 * LOA_SITEMAP_MAX_URLS addresses, a sitemap index of /sitemap-N.xml. */
enum MHD_Result gw_sitemap (gw_request *req);

/* GET /sitemap-{n}.xml: the n-th part (1-based) of LOA_SITEMAP_MAX_URLS
 * addresses; 404 past the last. */
enum MHD_Result gw_sitemap_part (gw_request *req);

/* GET /tin-tuc.atom: the newest published articles (SEO_FEED_ENTRIES). */
enum MHD_Result gw_atom_articles (gw_request *req);

/* GET /tin-tuc/chu-de/{topic_id}.atom: the same for one topic; 404 for a
 * topic that does not exist. */
enum MHD_Result gw_atom_topic (gw_request *req);

#endif
