/* lists: the lists of published articles, newest first, ten a page
 * (?trang=N), rendered on the server (portal_int.h, decision 0035):
 *   /tin-tuc                   every article
 *   /tin-tuc/chu-de/{id}       one topic's
 *   /tin-tuc/don-vi/{id}       one unit's
 *   /cai-cach-hanh-chinh       the administrative reform (CCHC) articles
 * each linking to /tin-tuc/{slug}, and the home page's two short lists
 * (its template is web/index.html itself); data, cache and errors as every
 * rendered page's (page.c). The lists' HTML is web/_templates/tin-tuc.html. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "articles.pb-c.h"
#include "articles_edit.pb-c.h"
#include "content.pb-c.h"
#include "portal/portal_int.h"

#define PER_PAGE 10
#define MAX_PAGE 10000
#define MAX_TOPICS 8 /* of one article */
#define MAX_ALL_TOPICS 100

typedef struct {
    loa_template_var vars[4];
    char id[24];
} topic_rec;

typedef struct {
    loa_template_var vars[8];
    char published[40];
    topic_rec topics[MAX_TOPICS];
    loa_template_scope topic_scopes[MAX_TOPICS];
    loa_template_list lists[2]; /* its topics */
} item_rec;

/* What one list page holds while it is rendered. */
typedef struct {
    char heading[512], feed[64], canonical[600], prev[600], next[600], page[24], pages[24],
        total[24], image[640];
    item_rec items[PER_PAGE];
    loa_template_scope item_scopes[PER_PAGE];
    topic_rec all[MAX_ALL_TOPICS];
    loa_template_scope all_scopes[MAX_ALL_TOPICS];
} list_view;

static const Loa__Content__Topic *topic_of (const Loa__Content__TopicList *topics, int64_t id)
{
    for (size_t k = 0; topics && k < topics->n_items; k++)
        if (topics->items[k]->id == id)
            return topics->items[k];
    return NULL;
}

static void topic_vars (topic_rec *r, const Loa__Content__Topic *t)
{
    snprintf (r->id, sizeof r->id, "%lld", (long long) t->id);
    r->vars[0] = (loa_template_var){"id", r->id};
    r->vars[1] = (loa_template_var){"name", t->name};
    r->vars[2] = (loa_template_var){"class", t->is_cchc ? "tag cchc" : "tag"};
    r->vars[3] = (loa_template_var){NULL, NULL};
}

/* The cards of `list` (at most `max`) into `items` and their scopes;
 * returns how many. */
static size_t fill_items (const Loa__Content__ArticleList *list,
                          const Loa__Content__TopicList *topics, item_rec *items,
                          loa_template_scope *scopes, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < list->n_items && n < max; i++) {
        const Loa__Content__Article *a = list->items[i];
        item_rec *r = &items[n];
        const char *published_at = a->maybe_published_at_case ? a->published_at : "";
        portal_time (published_at, 0, r->published, sizeof r->published);
        size_t nt = 0;
        for (size_t k = 0; k < a->n_topic_ids && nt < MAX_TOPICS; k++) {
            const Loa__Content__Topic *t = topic_of (topics, a->topic_ids[k]);
            if (!t)
                continue;
            topic_vars (&r->topics[nt], t);
            r->topic_scopes[nt] = (loa_template_scope){.vars = r->topics[nt].vars};
            nt++;
        }
        r->vars[0] = (loa_template_var){"slug", a->slug};
        r->vars[1] = (loa_template_var){"title", a->title};
        r->vars[2] = (loa_template_var){"summary", a->summary};
        r->vars[3] = (loa_template_var){"published", r->published};
        r->vars[4] = (loa_template_var){"published_at", published_at};
        r->vars[5] = (loa_template_var){"cchc", a->is_cchc ? "1" : ""};
        r->vars[6] = (loa_template_var){"has_topics", nt ? "1" : ""};
        r->vars[7] = (loa_template_var){NULL, NULL};
        r->lists[0] = (loa_template_list){"topics", r->topic_scopes, nt};
        r->lists[1] = (loa_template_list){NULL, NULL, 0};
        scopes[n++] = (loa_template_scope){.vars = r->vars, .lists = r->lists};
    }
    return n;
}

/* For link previews: the first listed article's first picture (the
 * article page's own rule: article.c), at its absolute address, into
 * `out` ("" when none). 0, or -1 when media-svc could not say: the page
 * is then not kept. */
static int first_image (gw_request *req, const Loa__Content__ArticleList *list, char *out,
                        size_t cap)
{
    out[0] = '\0';
    return list->n_items ? portal_first_picture (req, list->items[0], out, cap) : 0;
}

/* The address of page `n` of the list at `base`. */
static void page_url (char *out, size_t cap, const char *base, long n)
{
    if (n <= 1)
        snprintf (out, cap, "%s", base);
    else
        snprintf (out, cap, "%s?trang=%ld", base, n);
}

static char *render_list (gw_request *req, const char *base, long page,
                          const Loa__Content__ArticleList *list,
                          const Loa__Content__TopicList *topics, list_view *v, int *known)
{
    long pages = list->total > 0 ? (long) ((list->total + PER_PAGE - 1) / PER_PAGE) : 1;
    char here[600];
    page_url (here, sizeof here, base, page);
    snprintf (v->canonical, sizeof v->canonical, "%s%s", portal_public_url (), here);
    v->prev[0] = v->next[0] = '\0';
    if (page > 1)
        page_url (v->prev, sizeof v->prev, base, page - 1);
    if (page < pages)
        page_url (v->next, sizeof v->next, base, page + 1);
    snprintf (v->page, sizeof v->page, "%ld", page);
    snprintf (v->pages, sizeof v->pages, "%ld", pages);
    snprintf (v->total, sizeof v->total, "%lld", (long long) list->total);

    size_t n = fill_items (list, topics, v->items, v->item_scopes, PER_PAGE);
    *known = first_image (req, list, v->image, sizeof v->image) == 0;
    size_t n_all = 0;
    for (size_t k = 0; topics && k < topics->n_items && n_all < MAX_ALL_TOPICS; k++) {
        topic_vars (&v->all[n_all], topics->items[k]);
        v->all_scopes[n_all] = (loa_template_scope){.vars = v->all[n_all].vars};
        n_all++;
    }
    const loa_template_var vars[] = {
        {"heading", v->heading},
        {"site_name", GW_PORTAL_SITE_NAME},
        {"image", v->image},
        {"feed", v->feed},
        {"canonical", v->canonical},
        {"prev", v->prev},
        {"next", v->next},
        {"page", v->page},
        {"pages", v->pages},
        {"total", v->total},
        {"not_first", page > 1 ? "1" : ""},
        {"many", pages > 1 ? "1" : ""},
        {"has_items", n ? "1" : ""},
        {NULL, NULL},
    };
    const loa_template_list lists[] = {
        {"items", v->item_scopes, n},
        {"all_topics", v->all_scopes, n_all},
        {NULL, NULL, 0},
    };
    const loa_template_scope scope = {.vars = vars, .lists = lists};
    return portal_render (req, "tin-tuc", &scope);
}

/* ?trang=N: 1 when absent, 0 when not a page number. */
static long page_of (gw_request *req)
{
    const char *t = gw_query (req, "trang");
    if (!t)
        return 1;
    int64_t n = portal_id (t);
    return n >= 1 && n <= MAX_PAGE ? (long) n : 0;
}

enum MHD_Result portal_list_page (gw_request *req, portal_list kind, int64_t id)
{
    static const char missing[] = "Không tìm thấy danh sách bài viết";
    long page = page_of (req);
    if (page == 0 || ((kind == PORTAL_LIST_TOPIC || kind == PORTAL_LIST_UNIT) && id == 0))
        return portal_problem_page (req, 404, missing, "Địa chỉ này không chỉ đến trang nào.");
    char url[600], key[640];
    page_url (url, sizeof url, req->url, page);
    portal_media_key (key, sizeof key, url);
    uint64_t gen;
    enum MHD_Result rc;
    if (portal_cached (req, key, &gen, &rc))
        return rc;
    gw_reply list = {0}, topics = {0}, unit = {0};
    list_view *v = NULL;
    Loa__Content__ListRequest topics_in = LOA__CONTENT__LIST_REQUEST__INIT;
    topics_in.page = 1;
    topics_in.per_page = MAX_ALL_TOPICS;
    if (portal_call (req, "topics.list", &topics_in.base, &loa__content__topic_list__descriptor,
                     missing, &topics) != 0)
        return topics.rc;
    const Loa__Content__TopicList *tl = (const Loa__Content__TopicList *) topics.msg;
    v = calloc (1, sizeof *v);
    if (!v) {
        rc = portal_problem_page (req, 500, "Không tải được trang", "Máy chủ thiếu bộ nhớ.");
        goto out;
    }
    Loa__Content__ArticleListRequest in = LOA__CONTENT__ARTICLE_LIST_REQUEST__INIT;
    in.has_page = in.has_per_page = 1;
    in.page = (int32_t) page;
    in.per_page = PER_PAGE;
    /* The Atom feed of the list (portal/atom.c): the topic's, or all. */
    if (kind == PORTAL_LIST_TOPIC)
        snprintf (v->feed, sizeof v->feed, "/tin-tuc/chu-de/%lld.atom", (long long) id);
    else
        snprintf (v->feed, sizeof v->feed, "/tin-tuc.atom");
    switch (kind) {
    case PORTAL_LIST_ALL: snprintf (v->heading, sizeof v->heading, "Tin tức"); break;
    case PORTAL_LIST_CCHC:
        in.has_cchc = in.cchc = 1;
        snprintf (v->heading, sizeof v->heading, "Cải cách hành chính");
        break;
    case PORTAL_LIST_TOPIC: {
        const Loa__Content__Topic *t = topic_of (tl, id);
        if (!t) {
            rc = portal_problem_page (req, 404, "Không tìm thấy chủ đề",
                                      "Không có chủ đề nào ở địa chỉ này.");
            goto out;
        }
        in.has_topic_id = 1;
        in.topic_id = id;
        snprintf (v->heading, sizeof v->heading, "Chủ đề: %s", t->name);
        break;
    }
    case PORTAL_LIST_UNIT: {
        Loa__Content__IdRequest unit_in = LOA__CONTENT__ID_REQUEST__INIT;
        unit_in.id = id;
        if (portal_call (req, "units.get", &unit_in.base, &loa__content__unit__descriptor,
                         "Không tìm thấy đơn vị", &unit) != 0) {
            rc = unit.rc;
            goto out;
        }
        in.has_unit_id = 1;
        in.unit_id = id;
        snprintf (v->heading, sizeof v->heading, "Tin của %s",
                  ((const Loa__Content__Unit *) unit.msg)->name);
        break;
    }
    }
    if (portal_call (req, "articles.list", &in.base, &loa__content__article_list__descriptor,
                     missing, &list) != 0) {
        rc = list.rc;
        goto out;
    }
    const Loa__Content__ArticleList *al = (const Loa__Content__ArticleList *) list.msg;
    if (page > 1 && al->n_items == 0) {
        rc = portal_problem_page (req, 404, missing, "Danh sách không có trang này.");
        goto out;
    }
    int known = 0;
    char *html = render_list (req, req->url, page, al, tl, v, &known);
    rc = portal_send (req, key, known ? gen : 0, html);
out:
    free (v);
    gw_reply_free (&list);
    gw_reply_free (&topics);
    gw_reply_free (&unit);
    return rc;
}

/* ------------------------------------------------------------ the home page */

#define HOME_NEWEST 9
#define HOME_CCHC 4

typedef struct {
    char canonical[512], image[640];
    item_rec newest[HOME_NEWEST], cchc[HOME_CCHC];
    loa_template_scope newest_scopes[HOME_NEWEST], cchc_scopes[HOME_CCHC];
} home_view;

enum MHD_Result portal_home_page (gw_request *req)
{
    static const char missing[] = "Không tải được trang chủ";
    uint64_t gen;
    enum MHD_Result rc;
    char key[64];
    portal_media_key (key, sizeof key, "/");
    if (portal_cached (req, key, &gen, &rc))
        return rc;
    gw_reply topics = {0}, newest = {0}, cchc = {0};
    home_view *v = NULL;
    Loa__Content__ListRequest topics_in = LOA__CONTENT__LIST_REQUEST__INIT;
    topics_in.page = 1;
    topics_in.per_page = MAX_ALL_TOPICS;
    Loa__Content__ArticleListRequest newest_in = LOA__CONTENT__ARTICLE_LIST_REQUEST__INIT;
    newest_in.has_per_page = 1;
    newest_in.per_page = HOME_NEWEST;
    Loa__Content__ArticleListRequest cchc_in = LOA__CONTENT__ARTICLE_LIST_REQUEST__INIT;
    cchc_in.has_per_page = cchc_in.has_cchc = cchc_in.cchc = 1;
    cchc_in.per_page = HOME_CCHC;
    if (portal_call (req, "topics.list", &topics_in.base, &loa__content__topic_list__descriptor,
                     missing, &topics) != 0)
        return topics.rc;
    if (portal_call (req, "articles.list", &newest_in.base, &loa__content__article_list__descriptor,
                     missing, &newest) != 0) {
        rc = newest.rc;
        goto out;
    }
    if (portal_call (req, "articles.list", &cchc_in.base, &loa__content__article_list__descriptor,
                     missing, &cchc) != 0) {
        rc = cchc.rc;
        goto out;
    }
    v = calloc (1, sizeof *v);
    if (!v) {
        rc = portal_problem_page (req, 500, missing, "Máy chủ thiếu bộ nhớ.");
        goto out;
    }
    const Loa__Content__TopicList *tl = (const Loa__Content__TopicList *) topics.msg;
    size_t n_newest = fill_items ((const Loa__Content__ArticleList *) newest.msg, tl, v->newest,
                                  v->newest_scopes, HOME_NEWEST);
    size_t n_cchc = fill_items ((const Loa__Content__ArticleList *) cchc.msg, tl, v->cchc,
                                v->cchc_scopes, HOME_CCHC);
    snprintf (v->canonical, sizeof v->canonical, "%s/", portal_public_url ());
    int known = first_image (req, (const Loa__Content__ArticleList *) newest.msg, v->image,
                             sizeof v->image) == 0;
    const loa_template_var vars[] = {
        {"canonical", v->canonical},
        {"site_name", GW_PORTAL_SITE_NAME},
        {"image", v->image},
        {"has_newest", n_newest ? "1" : ""},
        {"has_cchc", n_cchc ? "1" : ""},
        {NULL, NULL},
    };
    const loa_template_list lists[] = {
        {"newest", v->newest_scopes, n_newest},
        {"cchc", v->cchc_scopes, n_cchc},
        {NULL, NULL, 0},
    };
    const loa_template_scope scope = {.vars = vars, .lists = lists};
    rc = portal_send (req, key, known ? gen : 0, portal_render (req, "/index.html", &scope));
out:
    free (v);
    gw_reply_free (&topics);
    gw_reply_free (&newest);
    gw_reply_free (&cchc);
    return rc;
}
