/* article: an article at its permanent address /tin-tuc/{slug}
 * (portal_int.h, decision 0035), complete without JavaScript, as a
 * crawler, a link preview or a screen reader on a failing connection reads
 * it; its data, cache and errors as every rendered page's (page.c).
 *
 * The HTML is web/_templates/bai-viet.html; the only HTML written as it is
 * is the article's body_html, which content-svc renders from Markdown in
 * cmark's safe mode (raw HTML dropped, unsafe URLs emptied:
 * loa_markdown.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "articles.pb-c.h"
#include "articles_edit.pb-c.h"
#include "content.pb-c.h"
#include "core/cache.h"
#include "loa_log.h"
#include "media.pb-c.h"
#include "portal/portal_int.h"

#define MAX_TOPICS 32
#define MAX_FILES 32

/* ------------------------------------------------------------ the page */

typedef struct {
    loa_template_var vars[4];
    char id[24];
} topic_rec;

typedef struct {
    loa_template_var vars[6];
    char label[64], alt[64];
} file_rec;

/* What media-svc says of an article's files (assets.describe), by id:
 * their type and caption. `known` 0 when it could not be asked. */
typedef struct {
    const Loa__Media__AssetList *list;
    int known;
} file_facts;

/* What one article page holds while it is rendered. */
typedef struct {
    char canonical[512], published[40], corrected[40], unit_id[24], image[640];
    char *jsonld; /* the structured data (malloc'ed), NULL when none */
    topic_rec topics[MAX_TOPICS];
    loa_template_scope topic_scopes[MAX_TOPICS];
    file_rec files[MAX_FILES];
    loa_template_scope file_scopes[MAX_FILES];
} article_view;

static const Loa__Media__Asset *asset_of (const file_facts *facts, int64_t id)
{
    for (size_t i = 0; facts->list && i < facts->list->n_items; i++)
        if (facts->list->items[i]->id == id)
            return facts->list->items[i];
    return NULL;
}

/* The word for a file of MIME type `mime` ("" when unknown). */
static const char *kind_word (const char *mime)
{
    if (strncmp (mime, "image/", 6) == 0)
        return "ảnh";
    if (strncmp (mime, "video/", 6) == 0)
        return "video";
    if (strncmp (mime, "audio/", 6) == 0)
        return "âm thanh";
    if (strcmp (mime, "application/pdf") == 0)
        return "tài liệu";
    return "tệp";
}

/* The article's structured data for search engines (schema.org, JSON-LD):
 * a NewsArticle and its BreadcrumbList. Written by jansson with
 * JSON_ESCAPE_SLASH, so that no "</" can end the <script> it sits in: the
 * one value the template takes as it is besides the body. NULL when memory
 * ran out (the page goes without). */
static char *article_jsonld (const Loa__Content__Article *a, const char *unit,
                             const article_view *v)
{
    const char *published = a->maybe_published_at_case ? a->published_at : "";
    const char *modified =
        a->maybe_corrected_at_case && *a->corrected_at ? a->corrected_at : published;
    char home[512], list[512];
    snprintf (home, sizeof home, "%s/", portal_public_url ());
    snprintf (list, sizeof list, "%s/tin-tuc", portal_public_url ());
    json_t *org =
        json_pack ("{s:s, s:s}", "@type", "GovernmentOrganization", "name", GW_PORTAL_SITE_NAME);
    json_t *news = json_pack (
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:o}", "@type", "NewsArticle",
        "headline", a->title, "description", a->summary && *a->summary ? a->summary : a->title,
        "url", v->canonical, "mainEntityOfPage", v->canonical, "inLanguage", "vi", "datePublished",
        published, "dateModified", modified, "author", "@type", "GovernmentOrganization", "name",
        unit && *unit ? unit : GW_PORTAL_SITE_NAME, "publisher", org);
    if (news && v->image[0])
        json_object_set_new (news, "image", json_pack ("[s]", v->image));
    json_t *crumbs = json_pack (
        "{s:s, s:[{s:s, s:i, s:s, s:s}, {s:s, s:i, s:s, s:s}, {s:s, s:i, s:s, s:s}]}", "@type",
        "BreadcrumbList", "itemListElement", "@type", "ListItem", "position", 1, "name",
        "Trang chủ", "item", home, "@type", "ListItem", "position", 2, "name", "Tin tức", "item",
        list, "@type", "ListItem", "position", 3, "name", a->title, "item", v->canonical);
    json_t *doc = news && crumbs ? json_pack ("{s:s, s:[o, o]}", "@context", "https://schema.org",
                                              "@graph", news, crumbs)
                                 : NULL;
    if (!doc) {
        json_decref (news);
        json_decref (crumbs);
        return NULL;
    }
    char *text = json_dumps (doc, JSON_COMPACT | JSON_ESCAPE_SLASH);
    json_decref (doc);
    return text;
}

/* The page's HTML (malloc'ed), or NULL (logged). */
static char *render_article (gw_request *req, const Loa__Content__Article *a, const char *unit,
                             const Loa__Content__TopicList *topics, const file_facts *facts,
                             article_view *v)
{
    snprintf (v->canonical, sizeof v->canonical, "%s" PORTAL_ARTICLES "%s", portal_public_url (),
              a->slug);
    const char *published_at = a->maybe_published_at_case ? a->published_at : "";
    const char *corrected_at = a->maybe_corrected_at_case ? a->corrected_at : "";
    portal_time (published_at, 1, v->published, sizeof v->published);
    snprintf (v->unit_id, sizeof v->unit_id, "%lld", (long long) a->unit_id);
    portal_time (corrected_at, 1, v->corrected, sizeof v->corrected);

    size_t n_topics = 0;
    for (size_t i = 0; i < a->n_topic_ids && n_topics < MAX_TOPICS; i++)
        for (size_t k = 0; topics && k < topics->n_items; k++) {
            const Loa__Content__Topic *t = topics->items[k];
            if (t->id != a->topic_ids[i])
                continue;
            topic_rec *r = &v->topics[n_topics];
            snprintf (r->id, sizeof r->id, "%lld", (long long) t->id);
            r->vars[0] = (loa_template_var){"name", t->name};
            r->vars[1] = (loa_template_var){"class", t->is_cchc ? "tag cchc" : "tag"};
            r->vars[2] = (loa_template_var){"id", r->id};
            r->vars[3] = (loa_template_var){NULL, NULL};
            v->topic_scopes[n_topics++] = (loa_template_scope){.vars = r->vars};
            break;
        }

    size_t n_files = 0;
    for (size_t i = 0; i < a->n_attachments && n_files < MAX_FILES; i++) {
        const Loa__Content__Attachment *f = a->attachments[i];
        if (f->url[0] != '/' || f->url[1] == '/')
            continue; /* only the gateway's own files, as the script did */
        const Loa__Media__Asset *asset = asset_of (facts, f->id);
        const char *mime = asset ? asset->mime : "";
        const char *caption = asset ? asset->caption : "";
        int image = strncmp (mime, "image/", 6) == 0;
        file_rec *r = &v->files[n_files];
        /* The picture's text alternative is its caption (decision 0044);
         * without one, which image of the article it is. */
        if (!*caption)
            snprintf (r->alt, sizeof r->alt, "Ảnh %zu của bài viết", n_files + 1);
        snprintf (r->label, sizeof r->label, "Tệp %zu (%s)", n_files + 1, kind_word (mime));
        r->vars[0] = (loa_template_var){"url", f->url};
        r->vars[1] = (loa_template_var){"image", image ? "1" : ""};
        r->vars[2] = (loa_template_var){"alt", *caption ? caption : r->alt};
        r->vars[3] = (loa_template_var){"label", r->label};
        r->vars[4] = (loa_template_var){"caption", caption};
        r->vars[5] = (loa_template_var){NULL, NULL};
        v->file_scopes[n_files++] = (loa_template_scope){.vars = r->vars};
        /* For link previews: the first picture, at its absolute address. */
        if (image && !v->image[0])
            snprintf (v->image, sizeof v->image, "%s%s", portal_public_url (), f->url);
    }
    v->jsonld = article_jsonld (a, unit, v);

    const loa_template_var vars[] = {
        {"title", a->title},
        {"summary", a->summary},
        {"description", a->summary && *a->summary ? a->summary : a->title},
        {"image", v->image},
        {"modified_at", *corrected_at ? corrected_at : published_at},
        {"site_name", GW_PORTAL_SITE_NAME},
        {"slug", a->slug},
        {"canonical", v->canonical},
        {"published", v->published},
        {"published_at", published_at},
        {"corrected", v->corrected},
        {"corrected_at", corrected_at},
        {"note", a->maybe_note_case ? a->note : ""},
        {"unit", unit},
        {"unit_id", v->unit_id},
        {"has_topics", n_topics ? "1" : ""},
        {"has_files", n_files ? "1" : ""},
        {NULL, NULL},
    };
    const loa_template_var html[] = {
        {"body", a->maybe_body_html_case ? a->body_html : ""},
        {"jsonld", v->jsonld ? v->jsonld : ""},
        {NULL, NULL},
    };
    const loa_template_list lists[] = {
        {"topics", v->topic_scopes, n_topics},
        {"files", v->file_scopes, n_files},
        {NULL, NULL, 0},
    };
    const loa_template_scope page = {vars, html, lists};
    char *out = portal_render (req, "bai-viet", &page);
    free (v->jsonld);
    v->jsonld = NULL;
    return out;
}

/* The call of assets.describe failed: the page goes without captions
 * (and is not kept), rather than failing for want of a caption. */
static enum MHD_Result describe_failed (gw_request *req, const gw_failure *f, void *arg)
{
    *(int *) arg = 1;
    loa_warn (req->request_id, "portal: media-svc did not describe an article's files (%s)",
              f->error ? f->error : "no answer");
    return MHD_YES;
}

/* What media-svc says of the article's files, as an anonymous reader:
 * only those a published article carries. 0 when asked (facts->known), or
 * -1 when the page must go without (logged). */
static int describe_files (gw_request *req, const Loa__Content__Article *a, gw_reply *reply,
                           file_facts *facts)
{
    if (!a->n_attachments) {
        facts->known = 1;
        return 0;
    }
    int64_t ids[MAX_FILES];
    size_t n = 0;
    for (size_t i = 0; i < a->n_attachments && n < MAX_FILES; i++)
        ids[n++] = a->attachments[i]->id;
    Loa__Media__AssetDescribeRequest in = LOA__MEDIA__ASSET_DESCRIBE_REQUEST__INIT;
    in.ids = ids;
    in.n_ids = n;
    int failed = 0;
    gw_call_spec spec = {
        .service = GW_MEDIA,
        .method = "assets.describe",
        .in = &in.base,
        .out = &loa__media__asset_list__descriptor,
        .read = 1,
        .fail = describe_failed,
        .fail_arg = &failed,
    };
    if (gw_call (req, &spec, reply) != 0)
        return -1;
    facts->list = (const Loa__Media__AssetList *) reply->msg;
    /* Every file described; one missing is an asset media-svc has not yet
     * made public (its article event still on the way): the page is not
     * kept until it has. */
    facts->known = facts->list->n_items == n;
    return 0;
}

void portal_media_key (char *key, size_t cap, const char *base)
{
    snprintf (key, cap, "%s#m%llu", base, (unsigned long long) gw_cache_generation (GW_MEDIA));
}

int portal_first_picture (gw_request *req, const Loa__Content__Article *a, char *out, size_t cap)
{
    out[0] = '\0';
    gw_reply files = {0};
    file_facts facts = {0};
    describe_files (req, a, &files, &facts);
    for (size_t i = 0; i < a->n_attachments && !out[0]; i++) {
        const Loa__Content__Attachment *f = a->attachments[i];
        const Loa__Media__Asset *asset = asset_of (&facts, f->id);
        if (asset && strncmp (asset->mime, "image/", 6) == 0 && f->url[0] == '/' &&
            f->url[1] != '/')
            snprintf (out, cap, "%s%s", portal_public_url (), f->url);
    }
    gw_reply_free (&files);
    return facts.known ? 0 : -1;
}

enum MHD_Result portal_article_page (gw_request *req, const char *ref)
{
    /* The page shows media-svc's captions too: its key names media-svc's
     * generation, so that a caption changed (asset.updated) or a file made
     * public makes it stale; content-svc's generation keeps the entry. */
    char key[PORTAL_MAX_REF + 64];
    portal_media_key (key, sizeof key, req->url);
    uint64_t gen;
    enum MHD_Result rc;
    if (portal_cached (req, key, &gen, &rc))
        return rc;
    static const char missing[] = "Không tìm thấy bài viết";
    gw_reply art = {0}, unit = {0}, topics = {0}, files = {0};
    Loa__Content__ArticleRef in = LOA__CONTENT__ARTICLE_REF__INIT;
    in.ref = (char *) ref;
    if (portal_call (req, "articles.get", &in.base, &loa__content__article__descriptor, missing,
                     &art) != 0)
        return art.rc;
    const Loa__Content__Article *a = (const Loa__Content__Article *) art.msg;
    if (strcmp (a->slug, ref) != 0 && portal_ref_ok (a->slug)) {
        /* An id, or an old address: to the permanent one. */
        char location[sizeof PORTAL_ARTICLES + PORTAL_MAX_REF];
        snprintf (location, sizeof location, PORTAL_ARTICLES "%s", a->slug);
        rc = portal_moved (req, location);
        goto out;
    }
    Loa__Content__IdRequest unit_in = LOA__CONTENT__ID_REQUEST__INIT;
    unit_in.id = a->unit_id;
    Loa__Content__ListRequest topics_in = LOA__CONTENT__LIST_REQUEST__INIT;
    topics_in.page = 1;
    topics_in.per_page = 100;
    if (portal_call (req, "units.get", &unit_in.base, &loa__content__unit__descriptor, missing,
                     &unit) != 0) {
        rc = unit.rc;
        goto out;
    }
    if (portal_call (req, "topics.list", &topics_in.base, &loa__content__topic_list__descriptor,
                     missing, &topics) != 0) {
        rc = topics.rc;
        goto out;
    }
    file_facts facts = {0};
    describe_files (req, a, &files, &facts);
    article_view *view = calloc (1, sizeof *view);
    char *html = view ? render_article (req, a, ((const Loa__Content__Unit *) unit.msg)->name,
                                        (const Loa__Content__TopicList *) topics.msg, &facts, view)
                      : NULL;
    free (view);
    rc = portal_send (req, key, facts.known ? gen : 0, html);
out:
    gw_reply_free (&art);
    gw_reply_free (&unit);
    gw_reply_free (&topics);
    gw_reply_free (&files);
    return rc;
}
