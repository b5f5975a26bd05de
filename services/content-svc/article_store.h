/* article_store: the SQL of articles. Rows are copied into protobuf
 * messages the caller frees with article_store_free / _free_list /
 * _free_history. Writes run in one transaction each, with their history row
 * and their event; the rules (who may do what, in which status) are the
 * caller's `guard`, run on the locked row inside that transaction. */
#ifndef ARTICLE_STORE_H
#define ARTICLE_STORE_H

#include <libpq-fe.h>
#include <stdint.h>

#include "articles.pb-c.h"
#include "loa_store.h"

/* What a guard sees of the article it is about to change (locked). */
typedef struct {
    int64_t id, unit_id, author_id, version;
    int64_t revision_of; /* a revision: the article it corrects; else 0 */
    char status[16];
} article_row;

/* Returns 0 to go on, or -1 after failing the call itself (the store then
 * returns LOA_STORE_ANSWERED and changes nothing). */
typedef int (*article_guard) (const article_row *row, void *arg);

/* A list's filters: NULL / 0 / -1 for "any". `see_all` lifts the
 * visibility rule (published, or the caller's own unit `own_unit`). */
typedef struct {
    int page, per_page;
    const char *status;
    int see_all;
    int64_t own_unit;
    int64_t unit_id, topic_id;
    int cchc; /* -1 any, 0 false, 1 true */
    const char *q, *from, *to;
} article_filter;

/* The fields of a new article, or the changes to one (NULL / n < 0: keep).
 * `body_html` is the rendered body. */
typedef struct {
    int64_t id; /* update only */
    int64_t unit_id, actor_id;
    const char *title, *summary, *body, *body_html;
    const int64_t *topic_ids;
    int n_topics; /* -1: keep (update) */
    const int64_t *attachment_ids;
    int n_attachments; /* -1: keep (update) */
    const char *note; /* a revision's (NULL: keep) */
} article_fields;

loa_store_status article_store_get (PGconn *db, const char *ref, Loa__Content__Article *out);
loa_store_status article_store_list (PGconn *db, const article_filter *f,
                                     Loa__Content__ArticleList *out);
/* Article `id`'s steps, oldest first, and every text it has published
 * (article_texts), the first first. */
loa_store_status article_store_history (PGconn *db, int64_t id, Loa__Content__ArticleHistory *out);

/* INVALID when a topic id does not exist, FORBIDDEN when the author's unit
 * does not. */
loa_store_status article_store_create (PGconn *db, const article_fields *a,
                                       Loa__Content__Article *out);
loa_store_status article_store_update (PGconn *db, const article_fields *a, article_guard guard,
                                       void *guard_arg, Loa__Content__Article *out);

/* Moves article `id` to status `to` (action: submitted, published, ...)
 * with `reason`, after `guard` agreed; emits article.published or
 * article.retracted when it is one of those, and keeps each published text.
 * A revision published becomes `applied` (*out) and its text its article's
 * (same id, slug, published_at; corrected_at and note set), with
 * article.published carrying `media_correction`; WRONG_STATE when that
 * article is no longer published. */
loa_store_status article_store_transition (PGconn *db, int64_t id, const char *action,
                                           const char *to, const char *reason, int64_t actor_id,
                                           int media_correction, article_guard guard,
                                           void *guard_arg, Loa__Content__Article *out);
/* A draft revision of article a->id (guarded on its locked row) by
 * a->actor_id, from its text with the fields of `a` given (n_topics -1:
 * its topics) and a->note. CONFLICT when it has an unfinished revision
 * already (its id in *open_revision), INVALID for an unknown topic. */
loa_store_status article_store_revise (PGconn *db, const article_fields *a, article_guard guard,
                                       void *guard_arg, int64_t *open_revision,
                                       Loa__Content__Article *out);

int article_store_prepare (PGconn *db);
void article_store_free (Loa__Content__Article *a);
void article_store_free_list (Loa__Content__ArticleList *l);
void article_store_free_history (Loa__Content__ArticleHistory *h);

#endif
