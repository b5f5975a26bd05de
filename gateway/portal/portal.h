/* portal: the web portal's files (LOA_WEB_DIR, default /usr/share/loa/web),
 * held in memory and served at `/` with ETag and Cache-Control. */
#ifndef GW_PORTAL_H
#define GW_PORTAL_H

#include <stddef.h>

#include "gw.h"

/* The department's name, as the pages, the feeds and the structured data
 * say it. */
#define GW_PORTAL_SITE_NAME "Sở Kế hoạch và Đầu tư Bắc Ninh"

/* Reads LOA_WEB_DIR (and LOA_WEB_MAX_BYTES) into memory. A missing
 * directory is logged and leaves the portal empty (0); -1 when it cannot be
 * read. */
int gw_portal_init (void);

/* Frees the table: after the HTTP daemon has stopped (responses borrow it). */
void gw_portal_done (void);

/* How many files are served. */
size_t gw_portal_count (void);

/* The URL path of the i-th file served ("/thu-tuc.html"; i below
 * gw_portal_count ()) when it is an HTML page, else NULL; borrowed, valid
 * until gw_portal_done (the sitemap's static pages, portal/sitemap.c). */
const char *gw_portal_page_at (size_t i);

/* The dispatcher's fallback (core/dispatch.h): 1 when `path` (a URL path
 * no route matched) belongs to the portal: not under /api or /open311,
 * whose unknown routes keep their own errors. */
int gw_portal_owns (const char *path);

/* 1 when `path` could name a served file: "/" then segments of
 * [A-Za-z0-9._-], none empty or starting with '.'. */
int gw_portal_path_ok (const char *path);

/* Answers GET or HEAD of a portal path: the file (200 or 304), a folder's
 * redirect to its slash, /x for /x.html, or the 404 page. Other methods:
 * 405 when the file exists, else 404. */
enum MHD_Result gw_portal_serve (gw_request *req);

#endif
