/* atom: the Atom feeds (RFC 4287) of published articles for citizens
 * (seo.h): /tin-tuc.atom and /tin-tuc/chu-de/{topic_id}.atom, the newest
 * SEO_FEED_ENTRIES articles each. An entry's id and its link are the
 * article's permanent address (/tin-tuc/{slug}); its author is the unit
 * that wrote it, its categories its topics (term the topic's code, label
 * its name). Every text goes through core/xml.h, which escapes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/respond.h"
#include "core/xml.h"
#include "loa_config.h"
#include "portal/portal.h"
#include "portal/seo.h"
#include "portal/seo_int.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define ATOM_TYPE "application/atom+xml; charset=utf-8"
#define SEO_FEED_ENTRIES 30
/* Whose portal this is: the feed's title and the author of an article
 * whose unit is gone (the pages' titles say the same). */
/* units.list and topics.list: pages read at most (of 100). */
#define NAMES_PAGES 20

typedef struct {
    int64_t id;
    char *code, *name;
} named;

typedef struct {
    named *items;
    size_t n;
} names;

static void names_free (names *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free (t->items[i].code);
        free (t->items[i].name);
    }
    free (t->items);
    t->items = NULL;
    t->n = 0;
}

static const named *names_find (const names *t, int64_t id)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->items[i].id == id)
            return &t->items[i];
    return NULL;
}

static int names_add (names *t, int64_t id, const char *code, const char *name)
{
    named *grown = realloc (t->items, (t->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    t->items = grown;
    named *e = &t->items[t->n];
    e->id = id;
    e->code = strdup (code ? code : "");
    e->name = strdup (name ? name : "");
    t->n++;
    return e->code && e->name ? 0 : -1;
}

/* Every unit (topics 0) or topic (topics 1) into `out`. 0, or -1 with the
 * request answered (*rc). */
static int read_names (gw_request *req, int topics, names *out, enum MHD_Result *rc)
{
    for (int page = 1; page <= NAMES_PAGES; page++) {
        Loa__Content__ListRequest in = LOA__CONTENT__LIST_REQUEST__INIT;
        in.page = page;
        in.per_page = 100;
        gw_reply reply;
        if (seo_call (req, topics ? "topics.list" : "units.list", &in.base,
                      topics ? &loa__content__topic_list__descriptor
                             : &loa__content__unit_list__descriptor,
                      &reply) != 0) {
            *rc = reply.rc;
            gw_reply_free (&reply);
            return -1;
        }
        size_t n;
        int oom = 0;
        if (topics) {
            const Loa__Content__TopicList *l = (const Loa__Content__TopicList *) reply.msg;
            n = l->n_items;
            for (size_t i = 0; i < n && !oom; i++)
                oom = names_add (out, l->items[i]->id, l->items[i]->code, l->items[i]->name);
        } else {
            const Loa__Content__UnitList *l = (const Loa__Content__UnitList *) reply.msg;
            n = l->n_items;
            for (size_t i = 0; i < n && !oom; i++)
                oom = names_add (out, l->items[i]->id, l->items[i]->code, l->items[i]->name);
        }
        gw_reply_free (&reply);
        if (oom) {
            *rc = gw_respond_problem (req, 500, NULL, NULL);
            return -1;
        }
        if (n < 100)
            break;
    }
    return 0;
}

static void atom_link (gw_xml *x, const char *rel, const char *type, const char *href)
{
    const char *const attrs[] = {"rel", rel, "type", type, "href", href, NULL};
    gw_xml_open_attrs (x, "link", attrs, 1);
}

static void entry (gw_xml *x, const Loa__Content__Article *a, const names *units,
                   const names *topics)
{
    char url[SEO_URL_MAX + 1], scheme[SEO_URL_MAX + 1];
    if (seo_article_url (a->slug, url, sizeof url) != 0)
        return;
    const char *const text[] = {"type", "text", NULL};
    gw_xml_open (x, "entry");
    gw_xml_text (x, "id", url);
    gw_xml_text_attrs (x, "title", text, a->title);
    atom_link (x, "alternate", "text/html", url);
    if (a->maybe_published_at_case == LOA__CONTENT__ARTICLE__MAYBE_PUBLISHED_AT_PUBLISHED_AT)
        gw_xml_text (x, "published", a->published_at);
    gw_xml_text (x, "updated", a->updated_at);
    const named *unit = names_find (units, a->unit_id);
    gw_xml_open (x, "author");
    gw_xml_text (x, "name", unit && *unit->name ? unit->name : GW_PORTAL_SITE_NAME);
    gw_xml_close (x);
    int have_scheme = seo_url ("/tin-tuc/chu-de/", scheme, sizeof scheme) == 0;
    for (size_t i = 0; i < a->n_topic_ids; i++) {
        const named *t = names_find (topics, a->topic_ids[i]);
        char id[24];
        snprintf (id, sizeof id, "%lld", (long long) a->topic_ids[i]);
        const char *const attrs[] = {
            "term",   t && *t->code ? t->code : id, "label", t ? t->name : NULL,
            "scheme", have_scheme ? scheme : NULL,  NULL};
        gw_xml_open_attrs (x, "category", attrs, 1);
    }
    if (a->summary && *a->summary)
        gw_xml_text_attrs (x, "summary", text, a->summary);
    gw_xml_close (x);
}

/* The feed of `topic_id` (0: every topic). */
static char *build_feed (gw_request *req, int64_t topic_id, size_t *len, enum MHD_Result *rc)
{
    names units = {0}, topics = {0};
    gw_reply reply = {0};
    char *doc = NULL;
    gw_xml *x = NULL;
    if (read_names (req, 1, &topics, rc) != 0)
        goto out;
    const named *topic = topic_id ? names_find (&topics, topic_id) : NULL;
    if (topic_id && !topic) {
        *rc = gw_respond_invalid (req, 404, "Không có chủ đề này", "topic_id",
                                  "không có chủ đề nào mang mã số này");
        goto out;
    }
    if (read_names (req, 0, &units, rc) != 0)
        goto out;
    if (seo_articles (req, topic_id, 1, SEO_FEED_ENTRIES, &reply) != 0) {
        *rc = reply.rc;
        goto out;
    }
    const Loa__Content__ArticleList *list = (const Loa__Content__ArticleList *) reply.msg;
    char self[SEO_URL_MAX + 1], home[SEO_URL_MAX + 1], title[512];
    if (seo_url (req->url, self, sizeof self) != 0 || seo_url ("/", home, sizeof home) != 0) {
        *rc = gw_respond_problem (req, 500, "LOA_PUBLIC_URL quá dài", NULL);
        goto out;
    }
    if (topic)
        snprintf (title, sizeof title, "Tin tức: %s — %s", topic->name, GW_PORTAL_SITE_NAME);
    else
        snprintf (title, sizeof title, "Tin tức — %s", GW_PORTAL_SITE_NAME);
    /* The feed changed when its newest entry did; an empty feed says a
     * fixed time rather than now, so that its ETag holds. */
    const char *updated = NULL;
    for (size_t i = 0; i < list->n_items; i++)
        if (!updated || strcmp (list->items[i]->updated_at, updated) > 0)
            updated = list->items[i]->updated_at;
    if (!updated)
        updated = "1970-01-01T00:00:00Z";
    if (!(x = gw_xml_new ())) {
        *rc = gw_respond_problem (req, 500, NULL, NULL);
        goto out;
    }
    const char *const root[] = {"xmlns", ATOM_NS, "xml:lang", "vi", NULL};
    const char *const text[] = {"type", "text", NULL};
    gw_xml_open_attrs (x, "feed", root, 0);
    gw_xml_text (x, "id", self);
    gw_xml_text_attrs (x, "title", text, title);
    gw_xml_text_attrs (x, "subtitle", text,
                       topic ? "Các bài viết mới nhất của chủ đề này trên cổng thông tin"
                             : "Các bài viết mới nhất trên cổng thông tin");
    atom_link (x, "self", "application/atom+xml", self);
    atom_link (x, "alternate", "text/html", home);
    gw_xml_text (x, "updated", updated);
    gw_xml_text (x, "generator", "Loa");
    for (size_t i = 0; i < list->n_items; i++)
        entry (x, list->items[i], &units, &topics);
    if (!(doc = gw_xml_finish (&x, len)))
        *rc = gw_respond_problem (req, 500, "Không tạo được nguồn tin", NULL);
out:
    gw_xml_destroy (&x);
    gw_reply_free (&reply);
    names_free (&units);
    names_free (&topics);
    return doc;
}

static char *build_all (gw_request *req, size_t *len, enum MHD_Result *rc)
{
    return build_feed (req, 0, len, rc);
}

static char *build_topic (gw_request *req, size_t *len, enum MHD_Result *rc)
{
    int64_t id = gw_param_id (req, "topic_id", INT64_MAX);
    if (id <= 0) {
        *rc = gw_respond_invalid (req, 404, "Không có chủ đề này", "topic_id",
                                  "phải là mã số của một chủ đề");
        return NULL;
    }
    return build_feed (req, id, len, rc);
}

enum MHD_Result gw_atom_articles (gw_request *req)
{
    return seo_serve (req, ATOM_TYPE, build_all, 0);
}

enum MHD_Result gw_atom_topic (gw_request *req)
{
    return seo_serve (req, ATOM_TYPE, build_topic, 0);
}
