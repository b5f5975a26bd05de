/* sitemap: robots.txt and the sitemap (seo.h; sitemaps.org protocol 0.9).
 *
 * The addresses are, in this order, the portal's static public pages, the
 * other pages rendered on the server (portal.h: the lists of articles, all,
 * CCHC, each topic's and each unit's, each procedure in force at
 * /thu-tuc/{code}, each public notice at /thong-bao/{id}, and each published answer at
 * /hoi-dap.html?id={id}), and the published articles, newest
 * first (articles.list's order). Up to LOA_SITEMAP_MAX_URLS of them (the protocol's 50,000 by
 * default; lower it to see the split without 50,000 articles) /sitemap.xml is their urlset; past
 * it, /sitemap.xml is a sitemap index of /sitemap-1.xml ... each a urlset of that many addresses
 * (the N-th holds those from (N-1) * max). A publication moves the later addresses one along: the
 * documents are remade on content-svc's next event anyway, and on feedback-svc's (the answers;
 * seo_doc.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.pb-c.h"
#include "catalog_edit.pb-c.h"
#include "core/respond.h"
#include "core/xml.h"
#include "feedback.pb-c.h"
#include "feedback_edit.pb-c.h"
#include "loa_config.h"
#include "portal/portal.h"
#include "portal/seo.h"
#include "portal/seo_int.h"

#define SITEMAP_NS "http://www.sitemaps.org/schemas/sitemap/0.9"
#define SITEMAP_TYPE "application/xml; charset=utf-8"
/* The protocol's limit of addresses in one file, and of files in an index. */
#define SITEMAP_PROTOCOL_MAX 50000
/* articles.list's largest page. */
#define LIST_PAGE 100

static long max_urls (void)
{
    return loa_env_int ("LOA_SITEMAP_MAX_URLS", SITEMAP_PROTOCOL_MAX, 1, SITEMAP_PROTOCOL_MAX);
}

/* ------------------------------------------------------------ robots.txt */

enum MHD_Result gw_robots_txt (gw_request *req)
{
    char sitemap[SEO_URL_MAX + 1];
    if (seo_url ("/sitemap.xml", sitemap, sizeof sitemap) != 0)
        return gw_respond_problem (req, 500, "LOA_PUBLIC_URL quá dài", NULL);
    /* The console and the API are for people signed in and programs; the
     * assets (the articles' images) are what the pages show. */
    char *text = NULL;
    int n = asprintf (&text,
                      "# Loa: the public portal may be crawled; the console and the API not.\n"
                      "User-agent: *\n"
                      "Allow: /\n"
                      "Allow: /api/v1/assets/\n"
                      "Disallow: /admin/\n"
                      "Disallow: /api/\n"
                      "Disallow: /open311/\n"
                      "\n"
                      "Sitemap: %s\n",
                      sitemap);
    if (n < 0)
        return gw_respond_problem (req, 500, NULL, NULL);
    char etag[24];
    gw_etag (text, (size_t) n, etag);
    return gw_respond_body (req, 200, "text/plain; charset=utf-8", text, (size_t) n, etag, NULL);
}

/* ------------------------------------------------------------ the addresses */

/* The address of the portal's i-th file when it is a public page, into
 * `path`: "/" for /index.html, a folder's slash for its index. 0 when it is
 * not one: the console (/admin/), the 404 page, and bai-viet.html, whose
 * addresses answer 301 to /tin-tuc/{slug}. */
static int static_page (size_t i, char *path, size_t cap)
{
    static const char *const not_public[] = {"/404.html", "/bai-viet.html"};
    static const char index[] = "index.html";
    const char *p = gw_portal_page_at (i);
    if (!p || strncmp (p, "/admin/", 7) == 0)
        return 0;
    for (size_t k = 0; k < sizeof not_public / sizeof not_public[0]; k++)
        if (strcmp (p, not_public[k]) == 0)
            return 0;
    size_t n = strlen (p);
    if (n >= sizeof index - 1 && strcmp (p + n - (sizeof index - 1), index) == 0 &&
        p[n - sizeof index] == '/')
        n -= sizeof index - 1;
    if (n >= cap)
        return 0;
    memcpy (path, p, n);
    path[n] = '\0';
    return 1;
}

static long count_static (void)
{
    char path[512];
    long n = 0;
    for (size_t i = 0; i < gw_portal_count (); i++)
        n += static_page (i, path, sizeof path);
    return n;
}

/* How many articles are published: 0, or -1 with the request answered
 * (*rc). */
static int count_articles (gw_request *req, long *total, enum MHD_Result *rc)
{
    gw_reply reply;
    if (seo_articles (req, 0, 1, 1, &reply) != 0) {
        *rc = reply.rc;
        gw_reply_free (&reply);
        return -1;
    }
    *total = (long) ((const Loa__Content__ArticleList *) reply.msg)->total;
    gw_reply_free (&reply);
    return 0;
}

/* The pages rendered on the server besides the articles: their full
 * addresses (LOA_PUBLIC_URL included), in the sitemap's order. */
typedef struct {
    char **locs;
    size_t n, cap;
} page_list;

static void pages_free (page_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free (l->locs[i]);
    free (l->locs);
    *l = (page_list){0};
}

/* Adds the address of `path` (or, with `slug`, of path + slug encoded).
 * 0, or -1 when memory ran out (an address too long is left out). */
static int pages_add (page_list *l, const char *path, const char *slug)
{
    char loc[SEO_URL_MAX + 1];
    if ((slug ? seo_segment_url (path, slug, loc, sizeof loc) : seo_url (path, loc, sizeof loc)) !=
        0)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **locs = realloc (l->locs, cap * sizeof *locs);
        if (!locs)
            return -1;
        l->locs = locs;
        l->cap = cap;
    }
    return (l->locs[l->n] = strdup (loc)) ? (l->n++, 0) : -1;
}

/* Every page of a list method of content-svc (`what`: 't' topics, 'u'
 * units, 'p' procedures in force, 'n' public notices; 'a' published answers, of
 * feedback-svc) into `l`. 0, or -1 with the request
 * answered (*rc). */
static int pages_of (gw_request *req, char what, page_list *l, enum MHD_Result *rc)
{
    for (int page = 1;; page++) {
        Loa__Content__ListRequest lin = LOA__CONTENT__LIST_REQUEST__INIT;
        Loa__Content__ProcedureListRequest pin = LOA__CONTENT__PROCEDURE_LIST_REQUEST__INIT;
        Loa__Content__NoticeListRequest nin = LOA__CONTENT__NOTICE_LIST_REQUEST__INIT;
        Loa__Feedback__AnswersRequest ain = LOA__FEEDBACK__ANSWERS_REQUEST__INIT;
        lin.page = pin.page = nin.page = ain.page = page;
        lin.per_page = pin.per_page = nin.per_page = ain.per_page = LIST_PAGE;
        ain.has_page = ain.has_per_page = 1;
        pin.status = (char *) "active";
        gw_reply reply;
        int failed = what == 'a'
                         ? seo_call_in (req, GW_FEEDBACK, "feedback.answers", &ain.base,
                                        &loa__feedback__published_answer_list__descriptor, &reply)
                     : what == 'p' ? seo_call (req, "procedures.list", &pin.base,
                                               &loa__content__procedure_list__descriptor, &reply)
                     : what == 'n' ? seo_call (req, "notices.list", &nin.base,
                                               &loa__content__notice_list__descriptor, &reply)
                     : what == 't' ? seo_call (req, "topics.list", &lin.base,
                                               &loa__content__topic_list__descriptor, &reply)
                                   : seo_call (req, "units.list", &lin.base,
                                               &loa__content__unit_list__descriptor, &reply);
        if (failed) {
            *rc = reply.rc;
            gw_reply_free (&reply);
            return -1;
        }
        size_t n = 0;
        int bad = 0;
        char path[64];
        if (what == 'p') {
            const Loa__Content__ProcedureList *pl = (const void *) reply.msg;
            n = pl->n_items;
            for (size_t i = 0; i < n && !bad; i++)
                bad = pages_add (l, "/thu-tuc/", pl->items[i]->code);
        } else if (what == 'n') {
            const Loa__Content__NoticeList *nl = (const void *) reply.msg;
            n = nl->n_items;
            for (size_t i = 0; i < n && !bad; i++) {
                if (!nl->items[i]->is_active)
                    continue;
                snprintf (path, sizeof path, "/thong-bao/%lld", (long long) nl->items[i]->id);
                bad = pages_add (l, path, NULL);
            }
        } else if (what == 'a') {
            const Loa__Feedback__PublishedAnswerList *al = (const void *) reply.msg;
            n = al->n_items;
            for (size_t i = 0; i < n && !bad; i++) {
                snprintf (path, sizeof path, "/hoi-dap.html?id=%lld", (long long) al->items[i]->id);
                bad = pages_add (l, path, NULL);
            }
        } else if (what == 't') {
            const Loa__Content__TopicList *tl = (const void *) reply.msg;
            n = tl->n_items;
            for (size_t i = 0; i < n && !bad; i++) {
                snprintf (path, sizeof path, "/tin-tuc/chu-de/%lld", (long long) tl->items[i]->id);
                bad = pages_add (l, path, NULL);
            }
        } else {
            const Loa__Content__UnitList *ul = (const void *) reply.msg;
            n = ul->n_items;
            for (size_t i = 0; i < n && !bad; i++) {
                if (!ul->items[i]->is_active)
                    continue;
                snprintf (path, sizeof path, "/tin-tuc/don-vi/%lld", (long long) ul->items[i]->id);
                bad = pages_add (l, path, NULL);
            }
        }
        gw_reply_free (&reply);
        if (bad) {
            *rc = gw_respond_problem (req, 500, NULL, NULL);
            return -1;
        }
        if (n < LIST_PAGE)
            return 0;
    }
}

/* The pages rendered on the server besides the articles. 0, or -1 with the
 * request answered (*rc; the list freed). */
static int collect_pages (gw_request *req, page_list *l, enum MHD_Result *rc)
{
    *l = (page_list){0};
    if (pages_add (l, "/tin-tuc", NULL) != 0 || pages_add (l, "/cai-cach-hanh-chinh", NULL) != 0) {
        *rc = gw_respond_problem (req, 500, NULL, NULL);
        pages_free (l);
        return -1;
    }
    if (pages_of (req, 't', l, rc) != 0 || pages_of (req, 'u', l, rc) != 0 ||
        pages_of (req, 'p', l, rc) != 0 || pages_of (req, 'n', l, rc) != 0 ||
        pages_of (req, 'a', l, rc) != 0) {
        pages_free (l);
        return -1;
    }
    return 0;
}

static void add_url (gw_xml *x, const char *loc, const char *lastmod)
{
    gw_xml_open (x, "url");
    gw_xml_text (x, "loc", loc);
    if (lastmod && *lastmod)
        gw_xml_text (x, "lastmod", lastmod);
    gw_xml_close (x);
}

/* Writes the addresses [from, to) of the whole list as <url>s. 0, or -1
 * with the request answered (*rc). */
static int add_range (gw_request *req, gw_xml *x, const page_list *pages, long from, long to,
                      enum MHD_Result *rc)
{
    char path[512], loc[SEO_URL_MAX + 1];
    long at = 0;
    for (size_t i = 0; i < gw_portal_count () && at < to; i++) {
        if (!static_page (i, path, sizeof path))
            continue;
        if (at++ >= from && seo_url (path, loc, sizeof loc) == 0)
            add_url (x, loc, NULL);
    }
    for (size_t i = 0; i < pages->n && at < to; i++)
        if (at++ >= from)
            add_url (x, pages->locs[i], NULL);
    /* The articles from the first one in the range, a page at a time. */
    long skip = from > at ? from - at : 0, want = to - (from > at ? from : at);
    int page = (int) (skip / LIST_PAGE) + 1;
    size_t first = (size_t) (skip % LIST_PAGE);
    while (want > 0) {
        gw_reply reply;
        if (seo_articles (req, 0, page++, LIST_PAGE, &reply) != 0) {
            *rc = reply.rc;
            gw_reply_free (&reply);
            return -1;
        }
        const Loa__Content__ArticleList *list = (const Loa__Content__ArticleList *) reply.msg;
        size_t n = list->n_items;
        for (size_t i = first; i < n && want > 0; i++, want--) {
            const Loa__Content__Article *a = list->items[i];
            if (seo_article_url (a->slug, loc, sizeof loc) == 0)
                add_url (x, loc, a->updated_at);
        }
        gw_reply_free (&reply);
        first = 0;
        if (n < LIST_PAGE)
            break;
    }
    return 0;
}

static char *finish (gw_request *req, gw_xml **x, size_t *len, enum MHD_Result *rc)
{
    char *doc = gw_xml_finish (x, len);
    if (!doc)
        *rc = gw_respond_problem (req, 500, "Không tạo được sơ đồ trang", NULL);
    return doc;
}

/* A urlset of the addresses [from, to). */
static char *urlset (gw_request *req, const page_list *pages, long from, long to, size_t *len,
                     enum MHD_Result *rc)
{
    gw_xml *x = gw_xml_new ();
    if (!x) {
        *rc = gw_respond_problem (req, 500, NULL, NULL);
        return NULL;
    }
    const char *const attrs[] = {"xmlns", SITEMAP_NS, NULL};
    gw_xml_open_attrs (x, "urlset", attrs, 0);
    if (add_range (req, x, pages, from, to, rc) != 0) {
        gw_xml_destroy (&x);
        return NULL;
    }
    return finish (req, &x, len, rc);
}

/* ------------------------------------------------------------ the documents */

static char *build_sitemap (gw_request *req, size_t *len, enum MHD_Result *rc)
{
    long articles, max = max_urls ();
    page_list pages;
    if (count_articles (req, &articles, rc) != 0 || collect_pages (req, &pages, rc) != 0)
        return NULL;
    long total = count_static () + (long) pages.n + articles;
    if (total <= max) {
        char *doc = urlset (req, &pages, 0, total, len, rc);
        pages_free (&pages);
        return doc;
    }
    pages_free (&pages);
    long parts = (total + max - 1) / max;
    if (parts > SITEMAP_PROTOCOL_MAX)
        parts = SITEMAP_PROTOCOL_MAX;
    gw_xml *x = gw_xml_new ();
    if (!x) {
        *rc = gw_respond_problem (req, 500, NULL, NULL);
        return NULL;
    }
    const char *const attrs[] = {"xmlns", SITEMAP_NS, NULL};
    gw_xml_open_attrs (x, "sitemapindex", attrs, 0);
    for (long n = 1; n <= parts; n++) {
        char path[40], loc[SEO_URL_MAX + 1];
        snprintf (path, sizeof path, "/sitemap-%ld.xml", n);
        if (seo_url (path, loc, sizeof loc) != 0)
            continue;
        gw_xml_open (x, "sitemap");
        gw_xml_text (x, "loc", loc);
        gw_xml_close (x);
    }
    return finish (req, &x, len, rc);
}

static char *build_part (gw_request *req, size_t *len, enum MHD_Result *rc)
{
    long articles, max = max_urls ();
    int64_t n = gw_param_id (req, "n", SITEMAP_PROTOCOL_MAX);
    if (n <= 0) {
        *rc = gw_respond_problem (req, 404, "Không có phần này của sơ đồ trang", NULL);
        return NULL;
    }
    page_list pages;
    if (count_articles (req, &articles, rc) != 0 || collect_pages (req, &pages, rc) != 0)
        return NULL;
    long total = count_static () + (long) pages.n + articles, from = (long) (n - 1) * max;
    char *doc = NULL;
    if (from >= total)
        *rc = gw_respond_problem (req, 404, "Không có phần này của sơ đồ trang", NULL);
    else
        doc = urlset (req, &pages, from, from + max < total ? from + max : total, len, rc);
    pages_free (&pages);
    return doc;
}

enum MHD_Result gw_sitemap (gw_request *req)
{
    return seo_serve (req, SITEMAP_TYPE, build_sitemap, 1);
}

enum MHD_Result gw_sitemap_part (gw_request *req)
{
    return seo_serve (req, SITEMAP_TYPE, build_part, 1);
}
