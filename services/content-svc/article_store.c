#include "article_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_db.h"
#include "loa_log.h"
#include "loa_outbox.h"
#include "loa_store.h"

#define WHO "article store"

/* Columns of a list item (0..17), then body and body_html (18, 19). Times
 * are read as PostgreSQL writes them and turned into the contract's form by
 * loa_store_time, not by rfc3339() (a to_char per time, in PostgreSQL). */
#define ART_COLS                                                                                   \
    "a.id, a.slug, a.unit_id, a.title, a.summary, a.topic_ids, a.is_cchc, a.status, "              \
    "a.status_reason, a.author_id, a.version, a.created_at, a.updated_at, a.published_at, "        \
    "a.attachment_ids, a.revision_of, a.note, a.corrected_at"
/* The column after a list item's: a count the statement adds. */
#define ART_N_LIST 18
#define ART_FULL ART_COLS ", a.body, a.body_html"

/* More than an article may carry (article_rpc.c allows 20). */
#define ARTICLE_EVENT_MAX_ATTACHMENTS 64

/* The list (article_store_list says which statement serves which call).
 *
 * Search ranks in tiers a row answers by itself: the articles whose title
 * holds every word of q (title_tsv), then the other full-text matches
 * (search), each newest first; when full text finds fewer than
 * SEARCH_NEAR_BELOW articles, near matches of the title (pg_trgm word
 * similarity, e.g. a misspelt word) follow them, the closest first. */

/* The words of q ($1), computed once per execution (an InitPlan): a generic
 * plan neither folds q again on every row nor guesses from its value. */
#define Q_TSQ "(SELECT plainto_tsquery('simple', fold($1::text)))"

/* Every filter a parameter that may be NULL, $10 whether near matches are
 * wanted; run with custom plans (list_custom_tx), which fold the NULL ones
 * away and see the values, so the plan fits the filters at hand. */
#define LIST_FROM                                                                                  \
    " FROM articles a CROSS JOIN (SELECT fold($9::text) AS fq, "                                   \
    "plainto_tsquery('simple', fold($9::text)) AS tsq) q "                                         \
    "WHERE ($1::text IS NULL OR a.status = $1) "                                                   \
    "AND (a.status = 'published' OR $2::boolean OR a.unit_id = $3::bigint) "                       \
    "AND ($4::bigint IS NULL OR a.unit_id = $4) "                                                  \
    "AND ($5::bigint IS NULL OR a.topic_ids @> ARRAY[$5::bigint]) "                                \
    "AND ($6::boolean IS NULL OR a.is_cchc = $6) "                                                 \
    "AND ($7::date IS NULL OR a.published_at >= $7::date::timestamp AT TIME ZONE "                 \
    "'Asia/Ho_Chi_Minh') "                                                                         \
    "AND ($8::date IS NULL OR a.published_at < ($8::date + 1)::timestamp AT TIME ZONE "            \
    "'Asia/Ho_Chi_Minh') "                                                                         \
    "AND (q.fq IS NULL OR a.search @@ q.tsq "                                                      \
    "OR ($10::boolean AND a.title_fold OPERATOR(public.%>) q.fq)) "
#define LIST_SQL                                                                                   \
    "SELECT " ART_COLS LIST_FROM "ORDER BY CASE WHEN q.fq IS NULL OR a.title_tsv @@ q.tsq THEN 0 " \
    "WHEN a.search @@ q.tsq THEN 1 ELSE 2 END, "                                                   \
    "CASE WHEN q.fq IS NULL OR a.search @@ q.tsq THEN 0 "                                          \
    "ELSE public.word_similarity(q.fq, a.title_fold) END DESC, "                                   \
    "a.published_at DESC, a.id DESC LIMIT $11 OFFSET $12"

/* Published only, newest first: the articles_published index, read until
 * the page is full. */
#define NEWEST_ORDER " ORDER BY a.published_at DESC, a.id DESC "

static const loa_stmt statements[] = {
    {"article_by_id", "SELECT " ART_FULL " FROM articles a WHERE a.id = $1"},
    {"article_by_slug", "SELECT " ART_FULL " FROM articles a WHERE a.slug = $1"},
    /* The public list without filters, each row with the total kept in
     * article_counts (column ART_N_LIST: one statement, one round trip and one
     * snapshot for both; a page past the end asks article_counts_get). The
     * page's bounds are sub-selects: a plan made for LIMIT 20 would always
     * look cheaper than one for an unknown LIMIT, so PostgreSQL would plan
     * again at every execution; this way one generic plan serves. Rows are
     * formatted once the page is cut, not for those the OFFSET skips. */
    {"articles_newest",
     "SELECT " ART_COLS ", coalesce((SELECT n FROM article_counts WHERE dim = 'all' AND key = 0), "
     "0) FROM (SELECT * FROM articles a WHERE a.status = 'published'" NEWEST_ORDER
     "LIMIT (SELECT $1::int) OFFSET (SELECT $2::int)) a" NEWEST_ORDER},
    /* The published articles of one unit, topic or CCHC flag (dim, key),
     * kept by 0004_article_counts.sql's triggers. */
    {"article_counts_get",
     "SELECT coalesce((SELECT n FROM article_counts WHERE dim = $1 AND key = $2), 0)"},
    /* The public search ($1 q): its full-text matches, every published
     * article (how dense the matches are among them), and the version of
     * the published articles they were counted at (0006). */
    {"articles_search_count",
     "SELECT count(*), coalesce((SELECT n FROM article_counts WHERE dim = 'all' AND key = 0), "
     "0), (SELECT version FROM articles_published_version) "
     "FROM articles a WHERE a.status = 'published' AND a.search @@ " Q_TSQ},
    /* Whether the counts kept for a search still hold (0006). */
    {"articles_published_version", "SELECT version FROM articles_published_version"},
    /* The first tier alone, read newest first among the $2 newest published
     * articles at most: a page it fills is the search's page; one it does
     * not fill is read again by articles_search_rank. */
    {"articles_search_title",
     "SELECT " ART_COLS " FROM (SELECT * FROM articles a WHERE a.status = 'published'" NEWEST_ORDER
     "LIMIT $2) a WHERE a.title_tsv @@ " Q_TSQ NEWEST_ORDER "LIMIT $3 OFFSET $4"},
    /* Both tiers, from the full-text index: every match is read. */
    {"articles_search_rank",
     "SELECT " ART_COLS " FROM articles a WHERE a.status = 'published' AND a.search @@ " Q_TSQ
     " ORDER BY a.title_tsv @@ " Q_TSQ " DESC, a.published_at DESC, a.id DESC "
     "LIMIT $2 OFFSET $3"},
    /* Any other list: custom plans, for this transaction only. */
    {"articles_custom_plans", "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"},
    {"articles_list", LIST_SQL},
    {"articles_count", "SELECT count(*)" LIST_FROM},
    {"article_history", "SELECT id, action, from_status, to_status, actor_id, reason, at, version "
                        "FROM article_history WHERE article_id = $1 ORDER BY id"},
    {"article_lock", "SELECT id, unit_id, author_id, version, status, coalesce(revision_of, 0) "
                     "FROM articles WHERE id = $1 FOR UPDATE"},
    {"article_topics_check", "SELECT count(*), coalesce(bool_or(is_cchc), false) FROM topics "
                             "WHERE id = ANY ($1::bigint[])"},
    {"article_insert",
     "INSERT INTO articles AS a (id, slug, unit_id, title, summary, body, body_html, topic_ids, "
     "is_cchc, attachment_ids, author_id) "
     "SELECT x.nid, CASE WHEN EXISTS (SELECT 1 FROM articles o WHERE o.slug = x.s) "
     "THEN x.s || '-' || x.nid ELSE x.s END, $1, $2, $3, $4, $5, $6::bigint[], $7, $8::bigint[], "
     "$9 FROM (SELECT nextval('articles_id_seq') AS nid, article_slug($2) AS s) x "
     "RETURNING " ART_FULL},
    {"article_update",
     "UPDATE articles AS a SET title = coalesce($2, a.title), summary = coalesce($3, a.summary), "
     "body = coalesce($4, a.body), body_html = coalesce($5, a.body_html), "
     "topic_ids = coalesce($6::bigint[], a.topic_ids), is_cchc = coalesce($7::boolean, a.is_cchc), "
     "attachment_ids = coalesce($8::bigint[], a.attachment_ids), "
     "note = coalesce($9, a.note), "
     "slug = CASE WHEN $2 IS NULL OR a.published_at IS NOT NULL OR a.revision_of IS NOT NULL "
     "THEN a.slug "
     "WHEN EXISTS (SELECT 1 FROM articles o WHERE o.slug = article_slug($2) AND o.id <> a.id) "
     "THEN article_slug($2) || '-' || a.id ELSE article_slug($2) END, "
     "version = a.version + 1, updated_at = now() WHERE a.id = $1 RETURNING " ART_FULL},
    {"article_set_status",
     "UPDATE articles AS a SET status = $2, status_reason = $3, version = a.version + 1, "
     "updated_at = now(), published_at = CASE WHEN $2 = 'published' "
     "THEN coalesce(a.published_at, now()) ELSE a.published_at END "
     "WHERE a.id = $1 RETURNING " ART_FULL},
    /* Revisions (0007_article_revisions.sql). */
    {"article_open_revision",
     "SELECT id FROM articles WHERE revision_of = $1 AND status IN ('draft', 'in_review', "
     "'rejected')"},
    /* A revision starts as the article stands, with the fields given: its
     * slug is the article's with its own id (never public). */
    {"article_revision_insert",
     "INSERT INTO articles AS a (id, slug, unit_id, title, summary, body, body_html, topic_ids, "
     "is_cchc, attachment_ids, author_id, revision_of, note) "
     "SELECT x.nid, p.slug || '-ban-sua-' || x.nid, p.unit_id, coalesce($2, p.title), "
     "coalesce($3, p.summary), coalesce($4, p.body), coalesce($5, p.body_html), "
     "coalesce($6::bigint[], p.topic_ids), coalesce($7::boolean, p.is_cchc), p.attachment_ids, "
     "$8, p.id, $9 FROM articles p, (SELECT nextval('articles_id_seq') AS nid) x WHERE p.id = $1 "
     "RETURNING " ART_FULL},
    /* A revision published: its text becomes the article's ($1), whose id,
     * slug, status and published_at stay. */
    {"article_apply_revision",
     "UPDATE articles AS a SET title = r.title, summary = r.summary, body = r.body, "
     "body_html = r.body_html, topic_ids = r.topic_ids, is_cchc = r.is_cchc, "
     "attachment_ids = r.attachment_ids, note = r.note, corrected_at = now(), "
     "updated_at = now(), version = a.version + 1 FROM articles r "
     "WHERE a.id = $1 AND r.id = $2 RETURNING " ART_FULL},
    /* The text article $1 now shows, as its next published text. */
    {"article_text_add",
     "INSERT INTO article_texts (article_id, n, title, summary, body, body_html, topic_ids, "
     "published_at, published_by, revision_id, note) "
     "SELECT a.id, coalesce((SELECT max(t.n) FROM article_texts t WHERE t.article_id = a.id), 0) "
     "+ 1, a.title, a.summary, a.body, a.body_html, a.topic_ids, now(), $2, $3::bigint, $4 "
     "FROM articles a WHERE a.id = $1"},
    {"article_texts",
     "SELECT n, title, summary, body, body_html, topic_ids, published_at, published_by, "
     "coalesce(revision_id, 0), note FROM article_texts WHERE article_id = $1 ORDER BY n"},
    {"article_history_add",
     "INSERT INTO article_history (article_id, action, from_status, to_status, actor_id, reason, "
     "version) VALUES ($1, $2, $3, $4, $5, $6, $7)"},
    {NULL, NULL},
};

int article_store_prepare (PGconn *db)
{
    /* Plans are PostgreSQL's choice (plan_cache_mode auto): a statement of
     * a fixed shape keeps a generic plan and is not planned again at each
     * execution. Only articles_list and articles_count need plans made for
     * the values at hand; list_custom_tx asks for them. */
    return loa_db_prepare (db, statements);
}

/* ------------------------------------------------------------ rows */

/* A row of ART_COLS (a list's item) or, `full`, of ART_FULL. */
static void fill_article (const PGresult *res, int row, int full, Loa__Content__Article *a,
                          int *oom)
{
    loa__content__article__init (a);
    a->id = atoll (PQgetvalue (res, row, 0));
    a->slug = loa_store_dup (res, row, 1, oom);
    a->unit_id = atoll (PQgetvalue (res, row, 2));
    a->title = loa_store_dup (res, row, 3, oom);
    a->summary = loa_store_dup (res, row, 4, oom);
    a->topic_ids = loa_store_ids (PQgetvalue (res, row, 5), &a->n_topic_ids, oom);
    a->is_cchc = PQgetvalue (res, row, 6)[0] == 't';
    a->status = loa_store_dup (res, row, 7, oom);
    a->status_reason = loa_store_dup (res, row, 8, oom);
    a->author_id = atoll (PQgetvalue (res, row, 9));
    a->version = atoll (PQgetvalue (res, row, 10));
    a->created_at = loa_store_time (res, row, 11, oom);
    a->updated_at = loa_store_time (res, row, 12, oom);
    if (!PQgetisnull (res, row, 13)) {
        a->maybe_published_at_case = LOA__CONTENT__ARTICLE__MAYBE_PUBLISHED_AT_PUBLISHED_AT;
        a->published_at = loa_store_time (res, row, 13, oom);
    }
    size_t n_att;
    int64_t *att = loa_store_ids (PQgetvalue (res, row, 14), &n_att, oom);
    if (att && !loa_store_list_block (n_att, sizeof (Loa__Content__Attachment),
                                      (void ***) &a->attachments))
        *oom = 1;
    for (size_t i = 0; a->attachments && i < n_att; i++) {
        Loa__Content__Attachment *t = a->attachments[i];
        loa__content__attachment__init (t);
        t->id = att[i];
        char url[64];
        snprintf (url, sizeof url, "/api/v1/assets/%lld", (long long) att[i]);
        t->url = strdup (url);
        if (!t->url) {
            t->url = (char *) protobuf_c_empty_string;
            *oom = 1;
        }
        a->n_attachments++;
    }
    free (att);
    if (!PQgetisnull (res, row, 15)) {
        a->maybe_revision_of_case = LOA__CONTENT__ARTICLE__MAYBE_REVISION_OF_REVISION_OF;
        a->revision_of = atoll (PQgetvalue (res, row, 15));
    }
    if (PQgetlength (res, row, 16) > 0) {
        a->maybe_note_case = LOA__CONTENT__ARTICLE__MAYBE_NOTE_NOTE;
        a->note = loa_store_dup (res, row, 16, oom);
    }
    if (!PQgetisnull (res, row, 17)) {
        a->maybe_corrected_at_case = LOA__CONTENT__ARTICLE__MAYBE_CORRECTED_AT_CORRECTED_AT;
        a->corrected_at = loa_store_time (res, row, 17, oom);
    }
    if (full) {
        a->maybe_body_case = LOA__CONTENT__ARTICLE__MAYBE_BODY_BODY;
        a->body = loa_store_dup (res, row, ART_N_LIST, oom);
        a->maybe_body_html_case = LOA__CONTENT__ARTICLE__MAYBE_BODY_HTML_BODY_HTML;
        a->body_html = loa_store_dup (res, row, ART_N_LIST + 1, oom);
    }
}

static void fill_item (const PGresult *res, int row, void *item, int *oom)
{
    fill_article (res, row, 0, item, oom);
}

static void fill_full (const PGresult *res, int row, void *item, int *oom)
{
    fill_article (res, row, 1, item, oom);
}

void article_store_free (Loa__Content__Article *a) { loa_store_free_message (&a->base); }

/* ------------------------------------------------------------ reads */

loa_store_status article_store_get (PGconn *db, const char *ref, Loa__Content__Article *out)
{
    loa__content__article__init (out);
    size_t digits = strspn (ref, "0123456789");
    int by_id = digits > 0 && ref[digits] == '\0';
    if (by_id && digits > 18)
        return LOA_STORE_NOT_FOUND;
    const char *vals[] = {ref};
    return loa_store_one (db, WHO, by_id ? "article_by_id" : "article_by_slug", 1, vals, fill_full,
                          out);
}

/* Near matches join a search only when full text finds fewer articles
 * than this (docs/api/content.md). */
#define SEARCH_NEAR_BELOW 20

/* Runs a page statement into out->items. 0 or -1 (logged). */
static int list_page (PGconn *db, const char *stmt, int n, const char *const *vals,
                      Loa__Content__ArticleList *out)
{
    PGresult *res = loa_store_run (db, WHO, stmt, n, vals, PGRES_TUPLES_OK);
    int rc = PQresultStatus (res) == PGRES_TUPLES_OK
                 ? loa_store_fill_rows (res, sizeof (Loa__Content__Article), fill_item,
                                        (void ***) &out->items, &out->n_items)
                 : -1;
    PQclear (res);
    return rc;
}

/* Runs a statement of one row and reads its first `n_out` columns as
 * integers. 0 or -1 (logged). */
static int list_counts (PGconn *db, const char *stmt, int n, const char *const *vals, long long *v,
                        int n_out)
{
    PGresult *res = loa_store_run (db, WHO, stmt, n, vals, PGRES_TUPLES_OK);
    int ok =
        PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1 && PQnfields (res) >= n_out;
    for (int i = 0; ok && i < n_out; i++)
        v[i] = atoll (PQgetvalue (res, 0, i));
    PQclear (res);
    return ok ? 0 : -1;
}

/* A list served by articles_list and articles_count (custom plans). */
typedef struct {
    const article_filter *f;
    Loa__Content__ArticleList *out;
    long long kept_total; /* the total from article_counts, or -1 */
    loa_store_status status;
} list_call;

static int list_custom_tx (PGconn *db, void *arg)
{
    list_call *c = arg;
    const article_filter *f = c->f;
    Loa__Content__ArticleList *out = c->out;
    article_store_free_list (out); /* a retried attempt's page */
    out->page = f->page;
    out->per_page = f->per_page;
    char own[24], unit[24], topic[24], limit[24], offset[24];
    loa_store_int_param (limit, f->per_page);
    loa_store_int_param (offset, (long long) (f->page - 1) * f->per_page);
    const char *vals[] = {f->status,
                          f->see_all ? "true" : "false",
                          loa_store_opt_int (own, f->own_unit),
                          loa_store_opt_int (unit, f->unit_id),
                          loa_store_opt_int (topic, f->topic_id),
                          f->cchc < 0 ? NULL : (f->cchc ? "true" : "false"),
                          f->from,
                          f->to,
                          f->q,
                          "false",
                          limit,
                          offset};
    PGresult *res = loa_store_run (db, WHO, "articles_custom_plans", 0, NULL, PGRES_TUPLES_OK);
    int rc = PQresultStatus (res) == PGRES_TUPLES_OK ? 0 : -1;
    PQclear (res);
    long long total = c->kept_total;
    if (rc == 0 && f->q) {
        /* Near matches only when full text finds too few: counted first. */
        rc = list_counts (db, "articles_count", 10, vals, &total, 1);
        if (rc == 0 && total < SEARCH_NEAR_BELOW) {
            vals[9] = "true";
            rc = list_counts (db, "articles_count", 10, vals, &total, 1);
        }
    }
    if (rc == 0)
        rc = list_page (db, "articles_list", 12, vals, out);
    /* Without a total yet: the page tells it when it is the first and not
     * full; counted otherwise (the same filters, no ordering). */
    if (rc == 0 && total < 0 && f->page == 1 && out->n_items < (size_t) f->per_page)
        total = (long long) out->n_items;
    if (rc == 0 && total < 0)
        rc = list_counts (db, "articles_count", 10, vals, &total, 1);
    if (rc != 0) {
        article_store_free_list (out);
        return -1;
    }
    out->total = total;
    c->status = LOA_STORE_OK;
    return 0;
}

static loa_store_status list_custom (PGconn *db, const article_filter *f, long long kept_total,
                                     Loa__Content__ArticleList *out)
{
    list_call c = {.f = f, .out = out, .kept_total = kept_total};
    return loa_store_tx (db, list_custom_tx, &c, &c.status);
}

/* The counts of the public search's recent queries, kept by each worker
 * thread (one connection each) with the version of the published articles
 * they were counted at (0006_articles_published_version.sql): while the
 * version has not moved, the matches are the same and the count is not run
 * again, as for the next pages of a search, or the same search by others.
 * A query longer than KEPT_Q_BYTES is counted every time. */
#define KEPT_SEARCHES 32
#define KEPT_Q_BYTES 256
typedef struct {
    char q[KEPT_Q_BYTES];
    long long n[3]; /* the matches, the published articles, the version */
    unsigned long used; /* 0: free */
} kept_search;
static _Thread_local kept_search kept[KEPT_SEARCHES];
static _Thread_local unsigned long kept_clock;

/* The entry of `q`, or NULL. */
static kept_search *kept_find (const char *q)
{
    for (int i = 0; i < KEPT_SEARCHES; i++)
        if (kept[i].used && strcmp (kept[i].q, q) == 0)
            return &kept[i];
    return NULL;
}

/* Keeps the counts of `q`, in place of the least recently used entry. */
static void kept_put (const char *q, const long long n[3])
{
    if (strlen (q) >= KEPT_Q_BYTES)
        return;
    kept_search *e = kept_find (q);
    if (!e) {
        e = &kept[0];
        for (int i = 1; i < KEPT_SEARCHES; i++)
            if (kept[i].used < e->used)
                e = &kept[i];
    }
    snprintf (e->q, sizeof e->q, "%s", q);
    memcpy (e->n, n, sizeof e->n);
    e->used = ++kept_clock;
}

/* The search's counts into n (matches, published, version): kept ones
 * while the version holds, else counted (and kept). 0 or -1. */
static int search_counts (PGconn *db, const char *q, long long n[3])
{
    kept_search *e = kept_find (q);
    if (e) {
        long long version;
        if (list_counts (db, "articles_published_version", 0, NULL, &version, 1) != 0)
            return -1;
        if (version == e->n[2]) {
            memcpy (n, e->n, sizeof e->n);
            e->used = ++kept_clock;
            return 0;
        }
    }
    const char *vals[] = {q};
    if (list_counts (db, "articles_search_count", 1, vals, n, 3) != 0)
        return -1;
    kept_put (q, n);
    return 0;
}

/* The public search without other filters. Counted first (the total is
 * exact: every match is read for it, unless kept). When the matches are dense among
 * the published articles, a page of the first tier alone is read down the
 * newest of them: `need` rows of a tier as dense as the matches take
 * need * published / matches rows to find, which must be within as many
 * rows as there are matches; a window four times that lets the title tier
 * be a quarter of the matches. A page the window does not fill, and any
 * search whose matches are sparse, is ranked from the full-text index. */
static loa_store_status list_search (PGconn *db, const article_filter *f,
                                     Loa__Content__ArticleList *out)
{
    long long n[3]; /* the matches, the published articles, their version */
    if (search_counts (db, f->q, n) != 0)
        return LOA_STORE_ERROR;
    if (n[0] < SEARCH_NEAR_BELOW)
        return list_custom (db, f, -1, out);
    long long off = (long long) (f->page - 1) * f->per_page, need = off + f->per_page;
    out->total = n[0];
    if (off >= n[0])
        return LOA_STORE_OK;
    char window[24], limit[24], offset[24];
    loa_store_int_param (limit, f->per_page);
    loa_store_int_param (offset, off);
    if (need * n[1] <= n[0] * n[0]) {
        loa_store_int_param (window, 4 * need * n[1] / n[0] + need);
        const char *vals[] = {f->q, window, limit, offset};
        if (list_page (db, "articles_search_title", 4, vals, out) != 0)
            return LOA_STORE_ERROR;
        if (out->n_items == (size_t) f->per_page)
            return LOA_STORE_OK;
        article_store_free_list (out); /* (which clears page, per_page and total) */
        out->page = f->page;
        out->per_page = f->per_page;
        out->total = n[0];
    }
    const char *vals[] = {f->q, limit, offset};
    if (list_page (db, "articles_search_rank", 3, vals, out) != 0) {
        article_store_free_list (out);
        return LOA_STORE_ERROR;
    }
    return LOA_STORE_OK;
}

loa_store_status article_store_list (PGconn *db, const article_filter *f,
                                     Loa__Content__ArticleList *out)
{
    out->page = f->page;
    out->per_page = f->per_page;
    /* Published articles alone (the public's list, and staff asking for
     * status=published: the visibility rule then adds nothing), without
     * dates, have statements of their own. */
    int published = f->status && strcmp (f->status, "published") == 0 && !f->from && !f->to;
    int dims = (f->unit_id > 0) + (f->topic_id > 0) + (f->cchc >= 0);
    if (published && f->q && dims == 0)
        return list_search (db, f, out);
    if (!published || f->q || dims > 1)
        return list_custom (db, f, -1, out);
    /* No filter, or one of unit, topic and CCHC: the total is kept. */
    char key[24];
    const char *dim = "all";
    loa_store_int_param (key, 0);
    if (f->unit_id > 0) {
        dim = "unit";
        loa_store_int_param (key, f->unit_id);
    } else if (f->topic_id > 0) {
        dim = "topic";
        loa_store_int_param (key, f->topic_id);
    } else if (f->cchc >= 0) {
        dim = "cchc";
        loa_store_int_param (key, f->cchc);
    }
    const char *keys[] = {dim, key};
    if (dims > 0) {
        long long total;
        if (list_counts (db, "article_counts_get", 2, keys, &total, 1) != 0)
            return LOA_STORE_ERROR;
        return list_custom (db, f, total, out);
    }
    char limit[24], offset[24];
    loa_store_int_param (limit, f->per_page);
    loa_store_int_param (offset, (long long) (f->page - 1) * f->per_page);
    const char *vals[] = {limit, offset};
    PGresult *res = loa_store_run (db, WHO, "articles_newest", 2, vals, PGRES_TUPLES_OK);
    int rc = PQresultStatus (res) == PGRES_TUPLES_OK
                 ? loa_store_fill_rows (res, sizeof (Loa__Content__Article), fill_item,
                                        (void ***) &out->items, &out->n_items)
                 : -1;
    out->total =
        rc == 0 ? loa_store_page_total (db, WHO, res, ART_N_LIST, "article_counts_get", 2, keys)
                : -1;
    PQclear (res);
    if (out->total < 0) {
        article_store_free_list (out);
        return LOA_STORE_ERROR;
    }
    return LOA_STORE_OK;
}

void article_store_free_list (Loa__Content__ArticleList *l) { loa_store_free_message (&l->base); }

static void fill_history_entry (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Content__ArticleHistoryEntry *e = item;
    loa__content__article_history_entry__init (e);
    e->id = atoll (PQgetvalue (res, row, 0));
    e->action = loa_store_dup (res, row, 1, oom);
    e->from_status = loa_store_dup (res, row, 2, oom);
    e->to_status = loa_store_dup (res, row, 3, oom);
    e->actor_id = atoll (PQgetvalue (res, row, 4));
    e->reason = loa_store_dup (res, row, 5, oom);
    e->at = loa_store_time (res, row, 6, oom);
    e->version = atoll (PQgetvalue (res, row, 7));
}

static void fill_text (const PGresult *res, int row, void *item, int *oom)
{
    Loa__Content__ArticleText *t = item;
    loa__content__article_text__init (t);
    t->n = atoi (PQgetvalue (res, row, 0));
    t->title = loa_store_dup (res, row, 1, oom);
    t->summary = loa_store_dup (res, row, 2, oom);
    t->body = loa_store_dup (res, row, 3, oom);
    t->body_html = loa_store_dup (res, row, 4, oom);
    t->topic_ids = loa_store_ids (PQgetvalue (res, row, 5), &t->n_topic_ids, oom);
    t->published_at = loa_store_time (res, row, 6, oom);
    t->published_by = atoll (PQgetvalue (res, row, 7));
    t->revision_id = atoll (PQgetvalue (res, row, 8));
    t->note = loa_store_dup (res, row, 9, oom);
}

loa_store_status article_store_history (PGconn *db, int64_t id, Loa__Content__ArticleHistory *out)
{
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *vals[] = {id_s};
    loa_store_status st = loa_store_rows (
        db, WHO, "article_history", 1, vals, sizeof (Loa__Content__ArticleHistoryEntry),
        fill_history_entry, (void ***) &out->items, &out->n_items);
    if (st == LOA_STORE_OK)
        st = loa_store_rows (db, WHO, "article_texts", 1, vals, sizeof (Loa__Content__ArticleText),
                             fill_text, (void ***) &out->texts, &out->n_texts);
    return st;
}

void article_store_free_history (Loa__Content__ArticleHistory *h)
{
    loa_store_free_message (&h->base);
}

/* ------------------------------------------------------------ writes */

/* The bigint[] parameter of n ids (loa_store_ids_literal); NULL for n < 0
 * (keep) and when memory runs out. */
static char *ids_param (const int64_t *ids, int n)
{
    return n < 0 ? NULL : loa_store_ids_literal (ids, (size_t) n);
}

typedef struct {
    const article_fields *a;
    article_guard guard;
    void *guard_arg;
    /* a transition: */
    const char *action, *to, *reason;
    int media_correction; /* publish of a revision */
    int64_t open_revision; /* revise: the unfinished revision found (CONFLICT) */
    Loa__Content__Article *out;
    loa_store_status status;
} article_write;

static int fail_res (article_write *w, PGresult *res)
{
    int retry = loa_db_retryable (res);
    w->status = loa_db_is_state (res, "23505") ? LOA_STORE_CONFLICT : LOA_STORE_ERROR;
    if (loa_db_is_state (res, "23503")) /* the caller's unit does not exist: theirs to mend */
        w->status = LOA_STORE_FORBIDDEN;
    PQclear (res);
    /* A slug taken by a concurrent insert is found by the next attempt. */
    return retry || w->status == LOA_STORE_CONFLICT ? LOA_DB_RETRY : -1;
}

/* Checks the topic ids; *cchc gets whether one is a CCHC topic. */
static int check_topics (PGconn *db, article_write *w, const char *ids, int n, int *cchc)
{
    const char *vals[] = {ids};
    PGresult *res = loa_store_run (db, WHO, "article_topics_check", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
        return fail_res (w, res);
    int found = atoi (PQgetvalue (res, 0, 0));
    *cchc = PQgetvalue (res, 0, 1)[0] == 't';
    PQclear (res);
    if (found != n) {
        w->status = LOA_STORE_INVALID;
        return -1;
    }
    return 0;
}

static int add_history (PGconn *db, article_write *w, const char *action, const char *from,
                        int64_t actor)
{
    const Loa__Content__Article *a = w->out;
    char id[24], actor_s[24], version[24];
    loa_store_int_param (id, a->id);
    loa_store_int_param (actor_s, actor);
    loa_store_int_param (version, a->version);
    const char *vals[] = {id,     action, from, a->status, actor_s, w->reason ? w->reason : "",
                          version};
    PGresult *res = loa_store_run (db, WHO, "article_history_add", 7, vals, PGRES_COMMAND_OK);
    if (PQresultStatus (res) != PGRES_COMMAND_OK)
        return fail_res (w, res);
    PQclear (res);
    return 0;
}

/* Locks the row and asks the guard. 0, or the tx function's result. */
static int lock_and_guard (PGconn *db, article_write *w, int64_t id, article_row *row)
{
    char id_s[24];
    loa_store_int_param (id_s, id);
    const char *vals[] = {id_s};
    PGresult *res = loa_store_run (db, WHO, "article_lock", 1, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
        return fail_res (w, res);
    if (PQntuples (res) == 0) {
        PQclear (res);
        w->status = LOA_STORE_NOT_FOUND;
        return -1;
    }
    row->id = atoll (PQgetvalue (res, 0, 0));
    row->unit_id = atoll (PQgetvalue (res, 0, 1));
    row->author_id = atoll (PQgetvalue (res, 0, 2));
    row->version = atoll (PQgetvalue (res, 0, 3));
    snprintf (row->status, sizeof row->status, "%s", PQgetvalue (res, 0, 4));
    row->revision_of = atoll (PQgetvalue (res, 0, 5));
    PQclear (res);
    if (w->guard && w->guard (row, w->guard_arg) != 0) {
        w->status = LOA_STORE_ANSWERED;
        return -1;
    }
    return 0;
}

/* Runs the returning statement and copies the row into w->out. */
static int returning (PGconn *db, article_write *w, const char *stmt, int n,
                      const char *const *vals)
{
    PGresult *res = loa_store_run (db, WHO, stmt, n, vals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
        return fail_res (w, res);
    if (PQntuples (res) == 0) {
        PQclear (res);
        w->status = LOA_STORE_NOT_FOUND;
        return -1;
    }
    int oom = 0;
    article_store_free (w->out); /* a retried attempt's copy */
    fill_article (res, 0, 1, w->out, &oom);
    PQclear (res);
    if (oom) {
        w->status = LOA_STORE_ERROR;
        return -1;
    }
    return 0;
}

static int create_tx (PGconn *db, void *arg)
{
    article_write *w = arg;
    const article_fields *a = w->a;
    char *topics = ids_param (a->topic_ids, a->n_topics);
    char *atts = ids_param (a->attachment_ids, a->n_attachments);
    int cchc = 0, rc = -1;
    if (!topics || !atts) {
        w->status = LOA_STORE_ERROR;
        goto done;
    }
    if ((rc = check_topics (db, w, topics, a->n_topics, &cchc)) != 0)
        goto done;
    char unit[24], author[24];
    loa_store_int_param (unit, a->unit_id);
    loa_store_int_param (author, a->actor_id);
    const char *vals[] = {unit,         a->title, a->summary ? a->summary : "", a->body,
                          a->body_html, topics,   cchc ? "true" : "false",      atts,
                          author};
    if ((rc = returning (db, w, "article_insert", 9, vals)) != 0)
        goto done;
    rc = add_history (db, w, "created", "", a->actor_id);
    if (rc == 0)
        w->status = LOA_STORE_OK;
done:
    free (topics);
    free (atts);
    return rc;
}

static loa_store_status write_run (PGconn *db, article_write *w, int (*fn) (PGconn *, void *))
{
    loa__content__article__init (w->out);
    if (loa_store_tx (db, fn, w, &w->status) != LOA_STORE_OK)
        article_store_free (w->out);
    return w->status;
}

loa_store_status article_store_create (PGconn *db, const article_fields *a,
                                       Loa__Content__Article *out)
{
    article_write w = {.a = a, .out = out};
    return write_run (db, &w, create_tx);
}

static int update_tx (PGconn *db, void *arg)
{
    article_write *w = arg;
    const article_fields *a = w->a;
    article_row row;
    int rc = lock_and_guard (db, w, a->id, &row);
    if (rc != 0)
        return rc;
    char *topics = ids_param (a->topic_ids, a->n_topics);
    char *atts = ids_param (a->attachment_ids, a->n_attachments);
    int cchc = 0;
    if ((a->n_topics >= 0 && !topics) || (a->n_attachments >= 0 && !atts)) {
        w->status = LOA_STORE_ERROR;
        rc = -1;
        goto done;
    }
    if (topics && (rc = check_topics (db, w, topics, a->n_topics, &cchc)) != 0)
        goto done;
    char id[24];
    loa_store_int_param (id, a->id);
    const char *vals[] = {id,
                          a->title,
                          a->summary,
                          a->body,
                          a->body_html,
                          topics,
                          topics ? (cchc ? "true" : "false") : NULL,
                          atts,
                          a->note};
    if ((rc = returning (db, w, "article_update", 9, vals)) != 0)
        goto done;
    rc = add_history (db, w, "updated", row.status, a->actor_id);
    if (rc == 0)
        w->status = LOA_STORE_OK;
done:
    free (topics);
    free (atts);
    return rc;
}

loa_store_status article_store_update (PGconn *db, const article_fields *a, article_guard guard,
                                       void *guard_arg, Loa__Content__Article *out)
{
    article_write w = {.a = a, .guard = guard, .guard_arg = guard_arg, .out = out};
    return write_run (db, &w, update_tx);
}

/* Adds the text article `id` now shows to article_texts. */
static int add_text (PGconn *db, article_write *w, int64_t id, int64_t actor, int64_t revision,
                     const char *note)
{
    char id_s[24], actor_s[24], rev_s[24];
    loa_store_int_param (id_s, id);
    loa_store_int_param (actor_s, actor);
    loa_store_int_param (rev_s, revision);
    const char *vals[] = {id_s, actor_s, revision > 0 ? rev_s : NULL, note};
    PGresult *res = loa_store_run (db, WHO, "article_text_add", 4, vals, PGRES_COMMAND_OK);
    if (PQresultStatus (res) != PGRES_COMMAND_OK)
        return fail_res (w, res);
    PQclear (res);
    return 0;
}

/* article.published (a first publication or, revision > 0, a correction)
 * or article.retracted of `art`, into the outbox. */
static int publication_event (PGconn *db, article_write *w, const Loa__Content__Article *art,
                              int published, int64_t revision)
{
    Loa__Content__ArticleEvent ev = LOA__CONTENT__ARTICLE_EVENT__INIT;
    ev.article_id = art->id;
    ev.unit_id = art->unit_id;
    ev.n_topic_ids = art->n_topic_ids;
    ev.topic_ids = art->topic_ids;
    ev.is_cchc = art->is_cchc;
    ev.published_at = art->published_at ? art->published_at : (char *) "";
    ev.slug = art->slug;
    ev.title = art->title;
    ev.author_id = art->author_id;
    /* media-svc serves an article's assets to anyone while it is
     * published: it learns which from here. */
    int64_t atts[ARTICLE_EVENT_MAX_ATTACHMENTS];
    size_t n_atts = 0;
    for (size_t i = 0; i < art->n_attachments && n_atts < ARTICLE_EVENT_MAX_ATTACHMENTS; i++)
        atts[n_atts++] = art->attachments[i]->id;
    ev.attachment_ids = atts;
    ev.n_attachment_ids = n_atts;
    if (published) {
        /* media-svc packages the text for broadcasters. */
        ev.summary = art->summary;
        ev.body = art->maybe_body_case ? art->body : (char *) "";
        ev.body_html = art->maybe_body_html_case ? art->body_html : (char *) "";
    } else {
        ev.retracted_at = art->updated_at;
        ev.reason = (char *) (w->reason ? w->reason : "");
    }
    if (revision > 0) {
        /* A correction: the same article, the same published_at, so that
         * quota-svc (which keeps one row per article) counts it once. */
        ev.revision_id = revision;
        ev.corrected_at = art->maybe_corrected_at_case ? art->corrected_at : (char *) "";
        ev.note = art->maybe_note_case ? art->note : (char *) "";
        ev.media_correction = w->media_correction != 0;
    }
    if (loa_outbox_add (db, published ? "article.published" : "article.retracted", &ev.base) != 0) {
        w->status = LOA_STORE_ERROR;
        return -1;
    }
    return 0;
}

/* Publishes revision `rev` (locked, guarded): the revision becomes
 * `applied` (w->out), its text the article's, which keeps its id, slug,
 * status and published_at; both get a history row, the article its next
 * published text and article.published. WRONG_STATE when the article is no
 * longer published. */
static int apply_revision (PGconn *db, article_write *w, const article_row *rev)
{
    const article_fields *a = w->a;
    article_row parent;
    article_guard guard = w->guard;
    w->guard = NULL; /* the rules were the revision's */
    int rc = lock_and_guard (db, w, rev->revision_of, &parent);
    w->guard = guard;
    if (rc != 0)
        return rc;
    if (strcmp (parent.status, "published") != 0) {
        w->status = LOA_STORE_WRONG_STATE;
        return -1;
    }
    char rid[24], pid[24];
    loa_store_int_param (rid, rev->id);
    loa_store_int_param (pid, parent.id);
    const char *vals[] = {rid, "applied", ""};
    if ((rc = returning (db, w, "article_set_status", 3, vals)) != 0)
        return rc;
    if ((rc = add_history (db, w, w->action, rev->status, a->actor_id)) != 0)
        return rc;
    Loa__Content__Article art = LOA__CONTENT__ARTICLE__INIT;
    article_write pw = {.a = a, .reason = w->out->maybe_note_case ? w->out->note : "", .out = &art};
    const char *pvals[] = {pid, rid};
    rc = returning (db, &pw, "article_apply_revision", 2, pvals);
    if (rc == 0)
        rc = add_history (db, &pw, "corrected", parent.status, a->actor_id);
    if (rc == 0)
        rc = add_text (db, &pw, parent.id, a->actor_id, rev->id, pw.reason);
    pw.media_correction = w->media_correction;
    if (rc == 0)
        rc = publication_event (db, &pw, &art, 1, rev->id);
    article_store_free (&art);
    if (rc != 0) {
        w->status = pw.status;
        return rc;
    }
    w->status = LOA_STORE_OK;
    return 0;
}

static int transition_tx (PGconn *db, void *arg)
{
    article_write *w = arg;
    const article_fields *a = w->a;
    article_row row;
    int rc = lock_and_guard (db, w, a->id, &row);
    if (rc != 0)
        return rc;
    if (row.revision_of > 0 && strcmp (w->to, "published") == 0)
        return apply_revision (db, w, &row);
    char id[24];
    loa_store_int_param (id, a->id);
    const char *vals[] = {id, w->to, w->reason ? w->reason : ""};
    if ((rc = returning (db, w, "article_set_status", 3, vals)) != 0)
        return rc;
    if ((rc = add_history (db, w, w->action, row.status, a->actor_id)) != 0)
        return rc;
    const Loa__Content__Article *art = w->out;
    int published = strcmp (w->to, "published") == 0, retracted = strcmp (w->to, "retracted") == 0;
    /* The review's steps, for the people they concern (notify-svc): an
     * article waiting for the reviewers, an article sent back to its
     * author. Only what the message needs. */
    int submitted = strcmp (w->to, "in_review") == 0, rejected = strcmp (w->to, "rejected") == 0;
    if (submitted || rejected) {
        Loa__Content__ArticleEvent ev = LOA__CONTENT__ARTICLE_EVENT__INIT;
        ev.article_id = art->id;
        ev.unit_id = art->unit_id;
        ev.title = art->title;
        ev.slug = art->slug;
        ev.author_id = art->author_id;
        ev.reason = (char *) (w->reason ? w->reason : "");
        if (loa_outbox_add (db, submitted ? "article.submitted" : "article.rejected", &ev.base) !=
            0) {
            w->status = LOA_STORE_ERROR;
            return -1;
        }
    }
    if (published && (rc = add_text (db, w, art->id, a->actor_id, 0, "")) != 0)
        return rc;
    if ((published || retracted) && (rc = publication_event (db, w, art, published, 0)) != 0)
        return rc;
    w->status = LOA_STORE_OK;
    return 0;
}

loa_store_status article_store_transition (PGconn *db, int64_t id, const char *action,
                                           const char *to, const char *reason, int64_t actor_id,
                                           int media_correction, article_guard guard,
                                           void *guard_arg, Loa__Content__Article *out)
{
    article_fields a = {.id = id, .actor_id = actor_id};
    article_write w = {.a = &a,
                       .guard = guard,
                       .guard_arg = guard_arg,
                       .action = action,
                       .to = to,
                       .reason = reason,
                       .media_correction = media_correction,
                       .out = out};
    return write_run (db, &w, transition_tx);
}

static int revise_tx (PGconn *db, void *arg)
{
    article_write *w = arg;
    const article_fields *a = w->a;
    article_row row;
    int rc = lock_and_guard (db, w, a->id, &row);
    if (rc != 0)
        return rc;
    char id[24];
    loa_store_int_param (id, a->id);
    const char *ovals[] = {id};
    PGresult *res = loa_store_run (db, WHO, "article_open_revision", 1, ovals, PGRES_TUPLES_OK);
    if (PQresultStatus (res) != PGRES_TUPLES_OK)
        return fail_res (w, res);
    if (PQntuples (res) > 0) {
        w->open_revision = atoll (PQgetvalue (res, 0, 0));
        PQclear (res);
        w->status = LOA_STORE_CONFLICT;
        return -1;
    }
    PQclear (res);
    char *topics = ids_param (a->topic_ids, a->n_topics);
    int cchc = 0;
    if (a->n_topics >= 0 && !topics) {
        w->status = LOA_STORE_ERROR;
        return -1;
    }
    if (topics && (rc = check_topics (db, w, topics, a->n_topics, &cchc)) != 0)
        goto done;
    char actor[24];
    loa_store_int_param (actor, a->actor_id);
    const char *vals[] = {id,
                          a->title,
                          a->summary,
                          a->body,
                          a->body_html,
                          topics,
                          topics ? (cchc ? "true" : "false") : NULL,
                          actor,
                          a->note};
    if ((rc = returning (db, w, "article_revision_insert", 9, vals)) != 0)
        goto done;
    rc = add_history (db, w, "created", "", a->actor_id);
    if (rc == 0)
        w->status = LOA_STORE_OK;
done:
    free (topics);
    return rc;
}

loa_store_status article_store_revise (PGconn *db, const article_fields *a, article_guard guard,
                                       void *guard_arg, int64_t *open_revision,
                                       Loa__Content__Article *out)
{
    article_write w = {.a = a, .guard = guard, .guard_arg = guard_arg, .out = out};
    loa_store_status st = write_run (db, &w, revise_tx);
    *open_revision = w.open_revision;
    return st;
}
