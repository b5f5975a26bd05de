/* content-svc's articles through its real method table (content_methods),
 * in-process against a schema made by its own migrations: the editorial
 * workflow draft -> submit -> review (reject with a reason, or publish) ->
 * retract, who may do each step (editors of the article's unit, reviewers
 * who did not write it), the steps a status does not allow, If-Match, the
 * unit rules (an editor's unit must exist; drafts stay within their unit),
 * and the events quota-svc counts from (article.published with the unit and
 * the CCHC flag, article.retracted); the lists: the public totals kept per
 * filter (article_counts) and the search (tiers, near matches, the search's
 * own statements against the general one). Every test checks the stored
 * rows, not only the replies. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article_store.h"
#include "articles.pb-c.h"
#include "articles_edit.pb-c.h"
#include "catalog_store.h"
#include "common/service_fixture.h"
#include "content.pb-c.h"
#include "content_edit.pb-c.h"
#include "content_rpc.h"
#include "content_store.h"
#include "suites.h"

extern const loa_migration content_svc_migrations[];
extern const size_t content_svc_migrations_count;

/* A worker's statements, as content-svc's main.c prepares them. */
static int content_prepare (PGconn *db)
{
    return content_store_prepare (db) == 0 && article_store_prepare (db) == 0 &&
                   catalog_store_prepare (db) == 0
               ? 0
               : -1;
}

/* The service, two units and the people of these tests. */
typedef struct {
    test_service svc;
    int64_t unit_a, unit_b;
    test_caller admin, editor_a, editor_a2, editor_b, reviewer, editor_reviewer_a;
} fixture;

static int64_t make_unit (fixture *fx, const char *code)
{
    Loa__Content__CreateUnitRequest in = LOA__CONTENT__CREATE_UNIT_REQUEST__INIT;
    in.code = (char *) code;
    in.name = (char *) "Phòng thử nghiệm";
    test_reply r;
    ck_assert_int_eq (test_call (&fx->svc, &fx->admin, "units.create", &in.base,
                                 &loa__content__unit__descriptor, &r),
                      LOA__STATUS__CREATED);
    int64_t id = ((Loa__Content__Unit *) r.body)->id;
    test_reply_clear (&r);
    return id;
}

static void fixture_init (fixture *fx)
{
    memset (fx, 0, sizeof *fx);
    test_service_start (&fx->svc, "t_article_rpc", content_svc_migrations,
                        content_svc_migrations_count, NULL, content_methods, content_prepare);
    fx->admin = (test_caller){.user_id = 1, .roles = "admin"};
    fx->unit_a = make_unit (fx, "UNIT-A");
    fx->unit_b = make_unit (fx, "UNIT-B");
    fx->editor_a = (test_caller){.user_id = 10, .unit_id = fx->unit_a, .roles = "editor"};
    fx->editor_a2 = (test_caller){.user_id = 11, .unit_id = fx->unit_a, .roles = "editor"};
    fx->editor_b = (test_caller){.user_id = 20, .unit_id = fx->unit_b, .roles = "editor"};
    fx->reviewer = (test_caller){.user_id = 30, .roles = "reviewer"};
    fx->editor_reviewer_a =
        (test_caller){.user_id = 12, .unit_id = fx->unit_a, .roles = "editor,reviewer"};
}

static void fixture_fini (fixture *fx) { test_service_stop (&fx->svc); }

/* The id of the seeded topic `code` (0001_units_topics.sql). */
static int64_t topic (fixture *fx, const char *code)
{
    char sql[128];
    snprintf (sql, sizeof sql, "SELECT id FROM topics WHERE code = '%s'", code);
    long long id = test_query_int (fx->svc.pg.db, sql);
    ck_assert_int_gt (id, 0);
    return id;
}

/* articles.create by `who` with one topic; the status of the call, and the
 * new article's id in *id (0 when refused). */
static Loa__Status create (fixture *fx, const test_caller *who, const char *title, int64_t topic_id,
                           int64_t *id)
{
    Loa__Content__CreateArticleRequest in = LOA__CONTENT__CREATE_ARTICLE_REQUEST__INIT;
    in.title = (char *) title;
    in.summary = (char *) "Tóm tắt";
    in.body = (char *) "Nội dung **bài viết**.";
    in.topic_ids = &topic_id;
    in.n_topic_ids = topic_id ? 1 : 0;
    test_reply r;
    Loa__Status st = test_call (&fx->svc, who, "articles.create", &in.base,
                                &loa__content__article__descriptor, &r);
    *id = r.body ? ((Loa__Content__Article *) r.body)->id : 0;
    test_reply_clear (&r);
    return st;
}

/* One workflow step ("articles.submit", ...) on article `id`; `reason` and
 * `if_match` may be NULL. The call's status; its field errors in `fields`
 * (may be NULL). */
static Loa__Status step (fixture *fx, const test_caller *who, const char *method, int64_t id,
                         const char *reason, const char *if_match, char *fields, size_t cap)
{
    Loa__Content__ArticleActionRequest in = LOA__CONTENT__ARTICLE_ACTION_REQUEST__INIT;
    in.has_id = 1;
    in.id = id;
    in.reason = (char *) reason;
    in.if_match = (char *) if_match;
    test_reply r;
    Loa__Status st = test_call (&fx->svc, who, method, &in.base, NULL, &r);
    if (fields)
        snprintf (fields, cap, "%s", r.fields);
    test_reply_clear (&r);
    return st;
}

#define STEP(fx, who, method, id, reason) step (fx, who, method, id, reason, NULL, NULL, 0)

/* A column of article `id`, as text. */
static const char *column (fixture *fx, int64_t id, const char *col, char *buf, size_t cap)
{
    char sql[160];
    snprintf (sql, sizeof sql, "SELECT coalesce(%s::text, '') FROM articles WHERE id = %lld", col,
              (long long) id);
    return test_query_text (fx->svc.pg.db, sql, buf, cap);
}

/* "action:from>to,..." of article `id`'s history, oldest first. */
static const char *history (fixture *fx, int64_t id, char *buf, size_t cap)
{
    char sql[256];
    snprintf (sql, sizeof sql,
              "SELECT coalesce(string_agg(action || ':' || from_status || '>' || to_status, ','"
              " ORDER BY id), '') FROM article_history WHERE article_id = %lld",
              (long long) id);
    return test_query_text (fx->svc.pg.db, sql, buf, cap);
}

static long long count (fixture *fx, const char *sql)
{
    return test_query_int (fx->svc.pg.db, sql);
}

/* The last event of `topic` in the outbox, unpacked (caller frees). */
static Loa__Content__ArticleEvent *last_event (fixture *fx, const char *topic)
{
    const char *vals[] = {topic};
    PGresult *res = PQexecParams (fx->svc.pg.db,
                                  "SELECT payload FROM outbox WHERE topic = $1 ORDER BY id DESC "
                                  "LIMIT 1",
                                  1, NULL, vals, NULL, NULL, 1);
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    ck_assert_int_eq (PQntuples (res), 1);
    Loa__Content__ArticleEvent *ev = loa__content__article_event__unpack (
        NULL, (size_t) PQgetlength (res, 0, 0), (const uint8_t *) PQgetvalue (res, 0, 0));
    PQclear (res);
    ck_assert_ptr_nonnull (ev);
    return ev;
}

/* articles.get of `ref` by `who`: the status. */
static Loa__Status get (fixture *fx, const test_caller *who, int64_t id)
{
    char ref[24];
    snprintf (ref, sizeof ref, "%lld", (long long) id);
    Loa__Content__ArticleRef in = LOA__CONTENT__ARTICLE_REF__INIT;
    in.ref = ref;
    test_reply r;
    Loa__Status st = test_call (&fx->svc, who, "articles.get", &in.base, NULL, &r);
    test_reply_clear (&r);
    return st;
}

/* ------------------------------------------------------------ tests */

/* The whole way: draft, submitted, published; the public sees it only
 * then; article.published tells quota-svc the unit and that it is CCHC. */
START_TEST (test_draft_submit_publish)
{
    fixture fx;
    fixture_init (&fx);
    char buf[256];
    int64_t id;
    ck_assert_int_eq (
        create (&fx, &fx.editor_a, "Cải cách hành chính năm 2022", topic (&fx, "cchc-chi-so"), &id),
        LOA__STATUS__CREATED);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "draft");
    ck_assert_str_eq (column (&fx, id, "author_id", buf, sizeof buf), "10");
    ck_assert_int_eq (atoll (column (&fx, id, "unit_id", buf, sizeof buf)), fx.unit_a);
    ck_assert_str_eq (column (&fx, id, "slug", buf, sizeof buf), "cai-cach-hanh-chinh-nam-2022");
    ck_assert_str_eq (column (&fx, id, "is_cchc", buf, sizeof buf), "true");
    ck_assert_int_eq (get (&fx, NULL, id), LOA__STATUS__NOT_FOUND);

    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.submit", id, NULL), LOA__STATUS__OK);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "in_review");
    ck_assert_int_eq (get (&fx, NULL, id), LOA__STATUS__NOT_FOUND);
    /* For the reviewers (notify-svc), nothing public yet. */
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM outbox WHERE topic LIKE 'article.%'"), 1);
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM outbox WHERE topic = 'article.submitted'"),
                      1);

    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.publish", id, NULL), LOA__STATUS__OK);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "published");
    ck_assert_str_ne (column (&fx, id, "published_at", buf, sizeof buf), "");
    ck_assert_str_eq (column (&fx, id, "version", buf, sizeof buf), "3");
    ck_assert_str_eq (history (&fx, id, buf, sizeof buf),
                      "created:>draft,submitted:draft>in_review,published:in_review>published");
    ck_assert_int_eq (get (&fx, NULL, id), LOA__STATUS__OK);

    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM outbox WHERE topic = 'article.published'"),
                      1);
    Loa__Content__ArticleEvent *ev = last_event (&fx, "article.published");
    ck_assert_int_eq (ev->article_id, id);
    ck_assert_int_eq (ev->unit_id, fx.unit_a);
    ck_assert (ev->is_cchc);
    ck_assert_str_ne (ev->published_at, "");
    ck_assert_str_eq (ev->body, "Nội dung **bài viết**.");
    loa__content__article_event__free_unpacked (ev, NULL);
    fixture_fini (&fx);
}
END_TEST

/* A reviewer sends it back with a reason (required); the editor fixes it
 * (If-Match) and submits again; a second reviewer's publication. */
START_TEST (test_reject_fix_resubmit)
{
    fixture fx;
    fixture_init (&fx);
    char buf[256], fields[512];
    int64_t id;
    ck_assert_int_eq (
        create (&fx, &fx.editor_a, "Tin hoạt động", topic (&fx, "tin-hoat-dong"), &id),
        LOA__STATUS__CREATED);
    ck_assert_str_eq (column (&fx, id, "is_cchc", buf, sizeof buf), "false");
    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.submit", id, NULL), LOA__STATUS__OK);

    ck_assert_int_eq (
        step (&fx, &fx.reviewer, "articles.reject", id, NULL, NULL, fields, sizeof fields),
        LOA__STATUS__INVALID);
    ck_assert_str_eq (fields, "reason");
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "in_review");

    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.reject", id, "Thiếu số liệu"),
                      LOA__STATUS__OK);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "rejected");
    ck_assert_str_eq (column (&fx, id, "status_reason", buf, sizeof buf), "Thiếu số liệu");
    /* Its author is told why (notify-svc): the event carries the reason. */
    ck_assert_int_eq (count (&fx,
                             "SELECT count(*) FROM outbox WHERE topic = 'article.rejected' "
                             "AND position(convert_to('Thiếu số liệu', 'UTF8') IN payload) > 0"),
                      1);

    /* The fix: another editor of the same unit, on the current version. */
    Loa__Content__UpdateArticleRequest up = LOA__CONTENT__UPDATE_ARTICLE_REQUEST__INIT;
    up.has_id = 1;
    up.id = id;
    up.title = (char *) "Tin hoạt động (bổ sung số liệu)";
    up.if_match = (char *) "\"3\"";
    test_reply r;
    ck_assert_int_eq (test_call (&fx.svc, &fx.editor_a2, "articles.update", &up.base, NULL, &r),
                      LOA__STATUS__OK);
    test_reply_clear (&r);
    ck_assert_str_eq (column (&fx, id, "title", buf, sizeof buf),
                      "Tin hoạt động (bổ sung số liệu)");
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "rejected");

    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.submit", id, NULL), LOA__STATUS__OK);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.publish", id, NULL), LOA__STATUS__OK);
    ck_assert_str_eq (history (&fx, id, buf, sizeof buf),
                      "created:>draft,submitted:draft>in_review,rejected:in_review>rejected,"
                      "updated:rejected>rejected,submitted:rejected>in_review,"
                      "published:in_review>published");
    ck_assert_str_eq (column (&fx, id, "version", buf, sizeof buf), "6");
    Loa__Content__ArticleEvent *ev = last_event (&fx, "article.published");
    ck_assert (!ev->is_cchc);
    ck_assert_str_eq (ev->title, "Tin hoạt động (bổ sung số liệu)");
    loa__content__article_event__free_unpacked (ev, NULL);
    fixture_fini (&fx);
}
END_TEST

/* Who may do what: editors write and submit their own unit's articles,
 * reviewers review but never what they wrote, nobody anonymous. Each
 * refusal leaves the article as it was. */
START_TEST (test_roles)
{
    fixture fx;
    fixture_init (&fx);
    char buf[256];
    int64_t id, none;
    int64_t t = topic (&fx, "tin-hoat-dong");
    ck_assert_int_eq (create (&fx, NULL, "Bài", t, &none), LOA__STATUS__UNAUTHENTICATED);
    ck_assert_int_eq (create (&fx, &fx.reviewer, "Bài", t, &none), LOA__STATUS__FORBIDDEN);
    test_caller no_unit = {.user_id = 40, .roles = "editor"};
    ck_assert_int_eq (create (&fx, &no_unit, "Bài", t, &none), LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM articles"), 0);

    ck_assert_int_eq (create (&fx, &fx.editor_reviewer_a, "Bài của người duyệt", t, &id),
                      LOA__STATUS__CREATED);
    /* Another unit's editor may not submit it; its own unit's may. */
    ck_assert_int_eq (STEP (&fx, &fx.editor_b, "articles.submit", id, NULL),
                      LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.submit", id, NULL),
                      LOA__STATUS__FORBIDDEN);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "draft");
    ck_assert_int_eq (STEP (&fx, &fx.editor_a2, "articles.submit", id, NULL), LOA__STATUS__OK);
    /* Four eyes: its author may not publish it, reviewer or not; an editor
     * may not either. */
    ck_assert_int_eq (STEP (&fx, &fx.editor_reviewer_a, "articles.publish", id, NULL),
                      LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.publish", id, NULL),
                      LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (STEP (&fx, &fx.editor_reviewer_a, "articles.reject", id, "Tự trả lại"),
                      LOA__STATUS__FORBIDDEN);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "in_review");
    ck_assert_str_eq (history (&fx, id, buf, sizeof buf),
                      "created:>draft,submitted:draft>in_review");
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.publish", id, NULL), LOA__STATUS__OK);
    /* Retracting needs a reviewer too; the author, a reviewer, may. */
    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.retract", id, "Gỡ"),
                      LOA__STATUS__FORBIDDEN);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "published");
    ck_assert_int_eq (STEP (&fx, &fx.editor_reviewer_a, "articles.retract", id, "Gỡ"),
                      LOA__STATUS__OK);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "retracted");
    fixture_fini (&fx);
}
END_TEST

/* Steps the status does not allow are refused (409) and change nothing:
 * no status, no version, no history row, no event. */
START_TEST (test_invalid_transitions)
{
    fixture fx;
    fixture_init (&fx);
    char buf[256];
    int64_t id;
    ck_assert_int_eq (create (&fx, &fx.editor_a, "Bài", topic (&fx, "tin-hoat-dong"), &id),
                      LOA__STATUS__CREATED);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.publish", id, NULL),
                      LOA__STATUS__CONFLICT);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.reject", id, "Sai"),
                      LOA__STATUS__CONFLICT);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.retract", id, "Sai"),
                      LOA__STATUS__CONFLICT);
    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.submit", id, NULL), LOA__STATUS__OK);
    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.submit", id, NULL), LOA__STATUS__CONFLICT);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.retract", id, "Sai"),
                      LOA__STATUS__CONFLICT);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.publish", id, NULL), LOA__STATUS__OK);
    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.submit", id, NULL), LOA__STATUS__CONFLICT);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.publish", id, NULL),
                      LOA__STATUS__CONFLICT);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.reject", id, "Sai"),
                      LOA__STATUS__CONFLICT);
    /* A published article is not edited. */
    Loa__Content__UpdateArticleRequest up = LOA__CONTENT__UPDATE_ARTICLE_REQUEST__INIT;
    up.has_id = 1;
    up.id = id;
    up.title = (char *) "Sửa sau khi đăng";
    up.if_match = (char *) "*";
    test_reply r;
    ck_assert_int_eq (test_call (&fx.svc, &fx.editor_a, "articles.update", &up.base, NULL, &r),
                      LOA__STATUS__CONFLICT);
    test_reply_clear (&r);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.retract", id, "Thông tin cũ"),
                      LOA__STATUS__OK);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.retract", id, "Lần nữa"),
                      LOA__STATUS__CONFLICT);
    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.submit", id, NULL), LOA__STATUS__CONFLICT);

    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "retracted");
    ck_assert_str_eq (column (&fx, id, "title", buf, sizeof buf), "Bài");
    ck_assert_str_eq (column (&fx, id, "version", buf, sizeof buf), "4");
    ck_assert_str_eq (history (&fx, id, buf, sizeof buf),
                      "created:>draft,submitted:draft>in_review,published:in_review>published,"
                      "retracted:published>retracted");
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM outbox WHERE topic IN "
                                  "('article.published', 'article.retracted')"),
                      2);
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM outbox WHERE topic = 'article.submitted'"),
                      1);
    /* No such article. */
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.publish", id + 1000, NULL),
                      LOA__STATUS__NOT_FOUND);
    fixture_fini (&fx);
}
END_TEST

/* Retraction: a reason is required; the public loses it; quota-svc is told
 * (article.retracted with the reason and when). */
START_TEST (test_retract)
{
    fixture fx;
    fixture_init (&fx);
    char buf[256], fields[512];
    int64_t id;
    ck_assert_int_eq (create (&fx, &fx.editor_b, "Bài sẽ gỡ", topic (&fx, "cchc-chi-so"), &id),
                      LOA__STATUS__CREATED);
    ck_assert_int_eq (STEP (&fx, &fx.editor_b, "articles.submit", id, NULL), LOA__STATUS__OK);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.publish", id, NULL), LOA__STATUS__OK);
    ck_assert_int_eq (get (&fx, NULL, id), LOA__STATUS__OK);
    ck_assert_int_eq (
        step (&fx, &fx.reviewer, "articles.retract", id, "  ", NULL, fields, sizeof fields),
        LOA__STATUS__INVALID);
    ck_assert_str_eq (fields, "reason");
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "published");

    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.retract", id, "Sai số liệu"),
                      LOA__STATUS__OK);
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "retracted");
    ck_assert_str_eq (column (&fx, id, "status_reason", buf, sizeof buf), "Sai số liệu");
    ck_assert_str_ne (column (&fx, id, "published_at", buf, sizeof buf), "");
    ck_assert_int_eq (get (&fx, NULL, id), LOA__STATUS__NOT_FOUND);
    ck_assert_int_eq (get (&fx, &fx.reviewer, id), LOA__STATUS__OK);
    Loa__Content__ArticleEvent *ev = last_event (&fx, "article.retracted");
    ck_assert_int_eq (ev->article_id, id);
    ck_assert_int_eq (ev->unit_id, fx.unit_b);
    ck_assert (ev->is_cchc);
    ck_assert_str_eq (ev->reason, "Sai số liệu");
    ck_assert_str_ne (ev->retracted_at, "");
    ck_assert_str_ne (ev->published_at, "");
    loa__content__article_event__free_unpacked (ev, NULL);
    fixture_fini (&fx);
}
END_TEST

/* Units: an editor's unit must exist (nothing is written otherwise); a
 * draft is seen by its own unit and the reviewers, not by another unit's
 * staff, and the staff's list keeps to their unit. */
START_TEST (test_unit_rules)
{
    fixture fx;
    fixture_init (&fx);
    int64_t id, none;
    int64_t t = topic (&fx, "tin-hoat-dong");
    test_caller ghost = {.user_id = 50, .unit_id = fx.unit_b + 100, .roles = "editor"};
    ck_assert_int_eq (create (&fx, &ghost, "Bài", t, &none), LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM articles"), 0);
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM article_history"), 0);

    ck_assert_int_eq (create (&fx, &fx.editor_a, "Bản nháp của A", t, &id), LOA__STATUS__CREATED);
    ck_assert_int_eq (get (&fx, &fx.editor_a2, id), LOA__STATUS__OK);
    ck_assert_int_eq (get (&fx, &fx.reviewer, id), LOA__STATUS__OK);
    ck_assert_int_eq (get (&fx, &fx.editor_b, id), LOA__STATUS__NOT_FOUND);
    ck_assert_int_eq (get (&fx, NULL, id), LOA__STATUS__NOT_FOUND);

    int64_t id_b;
    ck_assert_int_eq (create (&fx, &fx.editor_b, "Bản nháp của B", t, &id_b), LOA__STATUS__CREATED);
    Loa__Content__ArticleListRequest in = LOA__CONTENT__ARTICLE_LIST_REQUEST__INIT;
    test_reply r;
    ck_assert_int_eq (test_call (&fx.svc, &fx.editor_b, "articles.list", &in.base,
                                 &loa__content__article_list__descriptor, &r),
                      LOA__STATUS__OK);
    Loa__Content__ArticleList *list = (Loa__Content__ArticleList *) r.body;
    ck_assert_uint_eq (list->n_items, 1);
    ck_assert_int_eq (list->items[0]->id, id_b);
    test_reply_clear (&r);
    ck_assert_int_eq (test_call (&fx.svc, &fx.reviewer, "articles.list", &in.base,
                                 &loa__content__article_list__descriptor, &r),
                      LOA__STATUS__OK);
    ck_assert_uint_eq (((Loa__Content__ArticleList *) r.body)->n_items, 2);
    test_reply_clear (&r);
    ck_assert_int_eq (test_call (&fx.svc, NULL, "articles.list", &in.base,
                                 &loa__content__article_list__descriptor, &r),
                      LOA__STATUS__OK);
    ck_assert_uint_eq (((Loa__Content__ArticleList *) r.body)->n_items, 0);
    test_reply_clear (&r);
    fixture_fini (&fx);
}
END_TEST

/* Edits: If-Match is required and must be the current version; the
 * fields are checked, naming each; a refused edit writes nothing. */
START_TEST (test_edits_checked)
{
    fixture fx;
    fixture_init (&fx);
    char buf[256];
    int64_t id, none;
    test_reply r;
    /* Creation: a title and a body are required; topics must exist. */
    Loa__Content__CreateArticleRequest cr = LOA__CONTENT__CREATE_ARTICLE_REQUEST__INIT;
    ck_assert_int_eq (test_call (&fx.svc, &fx.editor_a, "articles.create", &cr.base, NULL, &r),
                      LOA__STATUS__INVALID);
    ck_assert_str_eq (r.fields, "title,body");
    test_reply_clear (&r);
    ck_assert_int_eq (create (&fx, &fx.editor_a, "Bài", 9999, &none), LOA__STATUS__INVALID);
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM articles"), 0);

    ck_assert_int_eq (create (&fx, &fx.editor_a, "Bài", topic (&fx, "tin-hoat-dong"), &id),
                      LOA__STATUS__CREATED);
    Loa__Content__UpdateArticleRequest up = LOA__CONTENT__UPDATE_ARTICLE_REQUEST__INIT;
    up.has_id = 1;
    up.id = id;
    up.title = (char *) "Tiêu đề mới";
    ck_assert_int_eq (test_call (&fx.svc, &fx.editor_a, "articles.update", &up.base, NULL, &r),
                      LOA__STATUS__PRECONDITION_REQUIRED);
    test_reply_clear (&r);
    up.if_match = (char *) "\"7\"";
    ck_assert_int_eq (test_call (&fx.svc, &fx.editor_a, "articles.update", &up.base, NULL, &r),
                      LOA__STATUS__PRECONDITION_FAILED);
    ck_assert_str_eq (r.fields, "If-Match");
    test_reply_clear (&r);
    up.if_match = (char *) "1";
    ck_assert_int_eq (test_call (&fx.svc, &fx.editor_b, "articles.update", &up.base, NULL, &r),
                      LOA__STATUS__FORBIDDEN);
    test_reply_clear (&r);
    ck_assert_str_eq (column (&fx, id, "title", buf, sizeof buf), "Bài");
    ck_assert_str_eq (column (&fx, id, "version", buf, sizeof buf), "1");

    ck_assert_int_eq (test_call (&fx.svc, &fx.editor_a, "articles.update", &up.base,
                                 &loa__content__article__descriptor, &r),
                      LOA__STATUS__OK);
    ck_assert_int_eq (((Loa__Content__Article *) r.body)->version, 2);
    test_reply_clear (&r);
    ck_assert_str_eq (column (&fx, id, "title", buf, sizeof buf), "Tiêu đề mới");
    /* The same If-Match again is now stale. */
    ck_assert_int_eq (test_call (&fx.svc, &fx.editor_a, "articles.update", &up.base, NULL, &r),
                      LOA__STATUS__PRECONDITION_FAILED);
    test_reply_clear (&r);
    ck_assert_str_eq (history (&fx, id, buf, sizeof buf), "created:>draft,updated:draft>draft");
    fixture_fini (&fx);
}
END_TEST

/* ------------------------------------------------------------ lists */

/* A published article written straight into the table, as a restore or
 * the benchmark's data would be (the counts' triggers see it all the
 * same): its unit, topic (0: none), CCHC flag, title, body and age in
 * hours. Its id. */
/* articles.revise of article `id` by `who` with `body` and `note` (may be
 * NULL); the call's status, the revision's id in *rev (0 when refused). */
static Loa__Status revise (fixture *fx, const test_caller *who, int64_t id, const char *body,
                           const char *note, int64_t *rev)
{
    Loa__Content__CreateRevisionRequest in = LOA__CONTENT__CREATE_REVISION_REQUEST__INIT;
    in.has_id = 1;
    in.id = id;
    in.body = (char *) body;
    in.note = (char *) note;
    test_reply r;
    Loa__Status st = test_call (&fx->svc, who, "articles.revise", &in.base,
                                &loa__content__article__descriptor, &r);
    *rev = r.body ? ((Loa__Content__Article *) r.body)->id : 0;
    test_reply_clear (&r);
    return st;
}

/* A correction: a revision of a published article, reviewed with four
 * eyes, replaces its text in place (same slug and published_at); the
 * revision is `applied`; both texts are kept; article.published says so,
 * with the same published_at, and media_correction when asked. */
START_TEST (test_revision)
{
    fixture fx;
    fixture_init (&fx);
    char buf[256], slug[128], pub[64], fields[512];
    int64_t id, rev, other;
    ck_assert_int_eq (create (&fx, &fx.editor_a, "Lịch họp tháng", topic (&fx, "cchc-chi-so"), &id),
                      LOA__STATUS__CREATED);
    ck_assert_int_eq (revise (&fx, &fx.editor_a, id, NULL, "Sửa", &rev), LOA__STATUS__CONFLICT);
    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.submit", id, NULL), LOA__STATUS__OK);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.publish", id, NULL), LOA__STATUS__OK);
    column (&fx, id, "slug", slug, sizeof slug);
    column (&fx, id, "published_at", pub, sizeof pub);

    ck_assert_int_eq (revise (&fx, &fx.editor_b, id, NULL, "Sửa", &rev), LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (revise (&fx, &fx.reviewer, id, NULL, "Sửa", &rev), LOA__STATUS__FORBIDDEN);
    ck_assert_int_eq (revise (&fx, &fx.editor_a, id, "Nội dung mới", NULL, &rev),
                      LOA__STATUS__INVALID);
    ck_assert_int_eq (
        revise (&fx, &fx.editor_reviewer_a, id, "Nội dung **đã sửa**.", "Sửa ngày họp", &rev),
        LOA__STATUS__CREATED);
    ck_assert_int_eq (revise (&fx, &fx.editor_a, id, NULL, "Lần nữa", &other),
                      LOA__STATUS__CONFLICT);
    ck_assert_int_eq (get (&fx, NULL, rev), LOA__STATUS__NOT_FOUND);
    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.submit", rev, NULL), LOA__STATUS__OK);
    /* Four eyes: its author (a reviewer too) may not publish it. */
    ck_assert_int_eq (STEP (&fx, &fx.editor_reviewer_a, "articles.publish", rev, NULL),
                      LOA__STATUS__FORBIDDEN);
    ck_assert_str_eq (column (&fx, id, "body", buf, sizeof buf), "Nội dung **bài viết**.");
    /* media_correction only on a revision's publication. */
    Loa__Content__ArticleActionRequest in = LOA__CONTENT__ARTICLE_ACTION_REQUEST__INIT;
    in.has_id = 1;
    in.id = rev;
    in.has_media_correction = 1;
    in.media_correction = 1;
    test_reply r;
    ck_assert_int_eq (test_call (&fx.svc, &fx.reviewer, "articles.publish", &in.base, NULL, &r),
                      LOA__STATUS__OK);
    test_reply_clear (&r);
    ck_assert_str_eq (column (&fx, rev, "status", buf, sizeof buf), "applied");
    ck_assert_str_eq (column (&fx, id, "status", buf, sizeof buf), "published");
    ck_assert_str_eq (column (&fx, id, "body", buf, sizeof buf), "Nội dung **đã sửa**.");
    ck_assert_str_eq (column (&fx, id, "slug", buf, sizeof buf), slug);
    ck_assert_str_eq (column (&fx, id, "published_at", buf, sizeof buf), pub);
    ck_assert_str_eq (column (&fx, id, "note", buf, sizeof buf), "Sửa ngày họp");
    ck_assert_str_ne (column (&fx, id, "corrected_at", buf, sizeof buf), "");
    ck_assert_str_eq (history (&fx, id, buf, sizeof buf),
                      "created:>draft,submitted:draft>in_review,published:in_review>published,"
                      "corrected:published>published");
    char sql[160];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM article_texts WHERE article_id = %lld",
              (long long) id);
    ck_assert_int_eq (count (&fx, sql), 2);
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM outbox WHERE topic = 'article.published'"),
                      2);
    Loa__Content__ArticleEvent *ev = last_event (&fx, "article.published");
    ck_assert_int_eq (ev->article_id, id);
    ck_assert_int_eq (ev->revision_id, rev);
    ck_assert (ev->media_correction);
    ck_assert_str_eq (ev->note, "Sửa ngày họp");
    ck_assert_str_ne (ev->corrected_at, "");
    ck_assert_str_eq (ev->body, "Nội dung **đã sửa**.");
    loa__content__article_event__free_unpacked (ev, NULL);
    /* The option elsewhere is refused, naming it. */
    int64_t plain;
    ck_assert_int_eq (create (&fx, &fx.editor_a, "Bài thường", 0, &plain), LOA__STATUS__CREATED);
    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.submit", plain, NULL), LOA__STATUS__OK);
    in.id = plain;
    ck_assert_int_eq (test_call (&fx.svc, &fx.reviewer, "articles.publish", &in.base, NULL, &r),
                      LOA__STATUS__INVALID);
    snprintf (fields, sizeof fields, "%s", r.fields);
    test_reply_clear (&r);
    ck_assert_ptr_nonnull (strstr (fields, "media_correction"));
    fixture_fini (&fx);
}
END_TEST

static int64_t put (fixture *fx, int64_t unit, int64_t topic_id, int cchc, const char *title,
                    const char *body, int hours)
{
    char sql[1024];
    snprintf (sql, sizeof sql,
              "INSERT INTO articles (slug, unit_id, title, body, body_html, topic_ids, is_cchc, "
              "status, author_id, published_at) SELECT 'bai-' || nextval('articles_id_seq'), "
              "%lld, '%s', '%s', '', CASE WHEN %lld > 0 THEN ARRAY[%lld]::bigint[] ELSE '{}' END, "
              "%s, 'published', 1, now() - interval '%d hours' RETURNING id",
              (long long) unit, title, body, (long long) topic_id, (long long) topic_id,
              cchc ? "true" : "false", hours);
    long long id = test_query_int (fx->svc.pg.db, sql);
    ck_assert_int_gt (id, 0);
    return id;
}

static void exec_sql (fixture *fx, const char *sql)
{
    PGresult *res = PQexec (fx->svc.pg.db, sql);
    ck_assert_msg (PQresultStatus (res) == PGRES_COMMAND_OK ||
                       PQresultStatus (res) == PGRES_TUPLES_OK,
                   "%s: %s", sql, PQresultErrorMessage (res));
    PQclear (res);
}

/* articles.list by `who` (NULL: the public): its total, and the ids of the
 * page as "id,id,..." into ids. */
static long long list (fixture *fx, const test_caller *who,
                       const Loa__Content__ArticleListRequest *in, char *ids, size_t cap)
{
    test_reply r;
    ck_assert_int_eq (test_call (&fx->svc, who, "articles.list", &in->base,
                                 &loa__content__article_list__descriptor, &r),
                      LOA__STATUS__OK);
    const Loa__Content__ArticleList *l = (const Loa__Content__ArticleList *) r.body;
    size_t len = 0;
    ids[0] = '\0';
    for (size_t i = 0; i < l->n_items && len < cap; i++)
        len += (size_t) snprintf (ids + len, cap - len, "%s%lld", i ? "," : "",
                                  (long long) l->items[i]->id);
    long long total = l->total;
    test_reply_clear (&r);
    return total;
}

/* The public's total for one filter, at per_page 1 (a full page: the total
 * is not the page's length) and 100, and a reviewer's status=published,
 * each against count(*) over the rows; `where` is the same filter in SQL. */
static void check_total (fixture *fx, int64_t unit, int64_t topic_id, int cchc, const char *where)
{
    char sql[256], ids[1024];
    snprintf (sql, sizeof sql, "SELECT count(*) FROM articles WHERE status = 'published' AND %s",
              where);
    long long want = count (fx, sql);
    Loa__Content__ArticleListRequest in = LOA__CONTENT__ARTICLE_LIST_REQUEST__INIT;
    in.has_unit_id = unit > 0;
    in.unit_id = unit;
    in.has_topic_id = topic_id > 0;
    in.topic_id = topic_id;
    in.has_cchc = cchc >= 0;
    in.cchc = cchc > 0;
    in.has_per_page = 1;
    const int per_pages[] = {1, 100};
    for (size_t i = 0; i < 2; i++) {
        in.per_page = per_pages[i];
        ck_assert_msg (list (fx, NULL, &in, ids, sizeof ids) == want, "%s, per_page %d: not %lld",
                       where, in.per_page, want);
    }
    in.status = (char *) "published";
    ck_assert_int_eq (list (fx, &fx->reviewer, &in, ids, sizeof ids), want);
    /* A page past the end: no rows, the same total. */
    in.status = NULL;
    in.has_page = 1;
    in.page = 1000;
    ck_assert_int_eq (list (fx, NULL, &in, ids, sizeof ids), want);
    ck_assert_str_eq (ids, "");
}

/* Every filter the totals are kept for, one combination that is counted,
 * and the kept counters against the rows themselves. */
static void check_totals (fixture *fx, int64_t t_cchc, int64_t t_news)
{
    char w[128];
    check_total (fx, 0, 0, -1, "true");
    snprintf (w, sizeof w, "unit_id = %lld", (long long) fx->unit_a);
    check_total (fx, fx->unit_a, 0, -1, w);
    snprintf (w, sizeof w, "unit_id = %lld", (long long) fx->unit_b);
    check_total (fx, fx->unit_b, 0, -1, w);
    snprintf (w, sizeof w, "topic_ids @> ARRAY[%lld::bigint]", (long long) t_cchc);
    check_total (fx, 0, t_cchc, -1, w);
    snprintf (w, sizeof w, "topic_ids @> ARRAY[%lld::bigint]", (long long) t_news);
    check_total (fx, 0, t_news, -1, w);
    check_total (fx, 0, 0, 1, "is_cchc");
    check_total (fx, 0, 0, 0, "NOT is_cchc");
    snprintf (w, sizeof w, "unit_id = %lld AND is_cchc", (long long) fx->unit_a);
    check_total (fx, fx->unit_a, 0, 1, w);
    ck_assert_int_eq (
        count (fx, "SELECT count(*) FROM article_counts c FULL JOIN (SELECT k.dim, k.key, "
                   "count(*) AS n FROM articles a, "
                   "article_count_keys(a.unit_id, a.topic_ids, a.is_cchc) k "
                   "WHERE a.status = 'published' GROUP BY 1, 2) r USING (dim, key) "
                   "WHERE coalesce(c.n, 0) <> coalesce(r.n, 0)"),
        0);
}

/* The totals of the public list are kept, not counted (article_counts):
 * they stay exact through creation, publication, retraction, rows changed,
 * unpublished and deleted by hand, a bulk load and a TRUNCATE, for each
 * filter. */
START_TEST (test_list_totals)
{
    fixture fx;
    fixture_init (&fx);
    char ids[1024];
    int64_t t_cchc = topic (&fx, "cchc-chi-so"), t_news = topic (&fx, "tin-hoat-dong");
    int64_t a1, a2, a3;
    ck_assert_int_eq (create (&fx, &fx.editor_a, "Bài một", t_cchc, &a1), LOA__STATUS__CREATED);
    ck_assert_int_eq (create (&fx, &fx.editor_a, "Bài hai", t_news, &a2), LOA__STATUS__CREATED);
    ck_assert_int_eq (create (&fx, &fx.editor_b, "Bài ba", t_cchc, &a3), LOA__STATUS__CREATED);
    check_totals (&fx, t_cchc, t_news);
    Loa__Content__ArticleListRequest all = LOA__CONTENT__ARTICLE_LIST_REQUEST__INIT;
    ck_assert_int_eq (list (&fx, NULL, &all, ids, sizeof ids), 0);

    const int64_t mine[] = {a1, a2, a3};
    for (size_t i = 0; i < 3; i++) {
        const test_caller *ed = mine[i] == a3 ? &fx.editor_b : &fx.editor_a;
        ck_assert_int_eq (STEP (&fx, ed, "articles.submit", mine[i], NULL), LOA__STATUS__OK);
        ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.publish", mine[i], NULL),
                          LOA__STATUS__OK);
        check_totals (&fx, t_cchc, t_news);
    }
    ck_assert_int_eq (list (&fx, NULL, &all, ids, sizeof ids), 3);
    all.has_unit_id = 1;
    all.unit_id = fx.unit_a;
    ck_assert_int_eq (list (&fx, NULL, &all, ids, sizeof ids), 2);
    all.has_unit_id = 0;
    all.has_cchc = 1;
    all.cchc = 1;
    ck_assert_int_eq (list (&fx, NULL, &all, ids, sizeof ids), 2);
    all.has_cchc = 0;

    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.retract", a1, "Sai số liệu"),
                      LOA__STATUS__OK);
    check_totals (&fx, t_cchc, t_news);
    ck_assert_int_eq (list (&fx, NULL, &all, ids, sizeof ids), 2);

    /* By hand: a published article moved to the other unit and topics, one
     * unpublished, one deleted. */
    char sql[1024];
    snprintf (sql, sizeof sql,
              "UPDATE articles SET unit_id = %lld, topic_ids = ARRAY[%lld, %lld, %lld]::bigint[] "
              "WHERE id = %lld",
              (long long) fx.unit_a, (long long) t_news, (long long) t_cchc, (long long) t_news,
              (long long) a3);
    exec_sql (&fx, sql);
    check_totals (&fx, t_cchc, t_news);
    /* (from a session whose search_path is not the schema's) */
    snprintf (sql, sizeof sql,
              "SET search_path = public; UPDATE %s.articles SET status = 'draft', "
              "published_at = NULL WHERE id = %lld; RESET search_path",
              fx.svc.pg.schema, (long long) a2);
    exec_sql (&fx, sql);
    check_totals (&fx, t_cchc, t_news);
    ck_assert_int_eq (list (&fx, NULL, &all, ids, sizeof ids), 1);
    snprintf (sql, sizeof sql,
              "DELETE FROM article_history WHERE article_id = %lld; "
              "DELETE FROM article_texts WHERE article_id = %lld; "
              "DELETE FROM articles WHERE id = %lld",
              (long long) a3, (long long) a3, (long long) a3);
    exec_sql (&fx, sql);
    check_totals (&fx, t_cchc, t_news);
    ck_assert_int_eq (list (&fx, NULL, &all, ids, sizeof ids), 0);

    /* A bulk load: one statement, many rows. */
    snprintf (sql, sizeof sql,
              "INSERT INTO articles (slug, unit_id, title, body, body_html, topic_ids, is_cchc, "
              "status, author_id, published_at) SELECT 'tai-' || g, "
              "CASE WHEN g %% 3 = 0 THEN %lld ELSE %lld END, 'Bài ' || g, 'Nội dung', '', "
              "ARRAY[CASE WHEN g %% 2 = 0 THEN %lld ELSE %lld END]::bigint[], g %% 2 = 0, "
              "'published', 1, now() FROM generate_series(1, 25) AS g",
              (long long) fx.unit_a, (long long) fx.unit_b, (long long) t_cchc, (long long) t_news);
    exec_sql (&fx, sql);
    check_totals (&fx, t_cchc, t_news);
    ck_assert_int_eq (list (&fx, NULL, &all, ids, sizeof ids), 25);
    exec_sql (&fx, "TRUNCATE articles CASCADE");
    check_totals (&fx, t_cchc, t_news);
    ck_assert_int_eq (list (&fx, NULL, &all, ids, sizeof ids), 0);
    fixture_fini (&fx);
}
END_TEST

/* The same search, page by page, by the public (the search's own
 * statements: a page of title matches read down the newest articles, or
 * ranked from the full-text index) and by a reviewer without a status (the
 * general statement): the same pages, the same total. */
static void check_search_pages (fixture *fx, const char *q, int per_page, long long total)
{
    Loa__Content__ArticleListRequest in = LOA__CONTENT__ARTICLE_LIST_REQUEST__INIT;
    in.q = (char *) q;
    in.has_per_page = 1;
    in.per_page = per_page;
    in.has_page = 1;
    char pub[1024], rev[1024];
    for (in.page = 1; in.page <= total / per_page + 2; in.page++) {
        ck_assert_int_eq (list (fx, NULL, &in, pub, sizeof pub), total);
        ck_assert_int_eq (list (fx, &fx->reviewer, &in, rev, sizeof rev), total);
        ck_assert_msg (strcmp (pub, rev) == 0, "q=%s page %d of %d: [%s], not [%s]", q, in.page,
                       per_page, pub, rev);
    }
}

/* Search: full text, diacritic- and case-insensitive; the articles whose
 * title holds the words first, then the others, each newest first; near
 * matches of the title (a misspelt word) only when full text finds fewer
 * than 20. */
START_TEST (test_search)
{
    fixture fx;
    fixture_init (&fx);
    char ids[1024], want[1024];
    int64_t u = fx.unit_a;
    int64_t s1 = put (&fx, u, 0, 0, "Đăng ký kinh doanh qua mạng", "Hướng dẫn chung.", 10);
    int64_t s2 = put (&fx, u, 0, 0, "Tin khác", "Bài nói về đăng ký kinh doanh.", 1);
    int64_t s3 = put (&fx, u, 0, 0, "Hướng dẫn đăng ký kinh doanh", "Các bước.", 5);
    put (&fx, u, 0, 0, "Thu hút đầu tư", "Không liên quan.", 2);
    Loa__Content__ArticleListRequest in = LOA__CONTENT__ARTICLE_LIST_REQUEST__INIT;
    in.q = (char *) "dang ky kinh doanh";
    ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 3);
    snprintf (want, sizeof want, "%lld,%lld,%lld", (long long) s3, (long long) s1, (long long) s2);
    ck_assert_str_eq (ids, want);
    in.q = (char *) "ĐĂNG KÝ Kinh Doanh";
    ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 3);
    ck_assert_str_eq (ids, want);
    /* Every word is needed; the order of the words is not. */
    in.q = (char *) "kinh doanh dang ky";
    ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 3);
    ck_assert_str_eq (ids, want);
    /* A misspelt word, or one no article has: no full-text match; the
     * titles close to the whole query (word similarity 0.82, 0.70). */
    snprintf (want, sizeof want, "%lld,%lld", (long long) s3, (long long) s1);
    in.q = (char *) "dang ki kinh doanh";
    ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 2);
    ck_assert_str_eq (ids, want);
    in.q = (char *) "dang ky kinh doanh dien tu";
    ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 2);
    ck_assert_str_eq (ids, want);
    in.q = (char *) "dang ky kinh doanh dien tu ca nhan";
    ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 0);
    /* Operators and quotes are words. */
    in.q = (char *) "a & | ! ( :* ' \\ %_";
    ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 0);

    /* Many matches: 30 titles and 12 bodies with the word, a title that
     * misspells it, and other articles, the ages interleaved. */
    int64_t typo = put (&fx, u, 0, 0, "Tin zqtitel", "Nội dung.", 3);
    for (int i = 0; i < 60; i++) {
        if (i < 30)
            put (&fx, u, 0, 0, "Tiêu đề zqtitle", "Nội dung.", 100 + 3 * i);
        if (i < 12)
            put (&fx, u, 0, 0, "Tin khác", "Thân bài có zqtitle.", 101 + 7 * i);
        put (&fx, u, 0, 0, "Tin chung", "Nội dung khác.", 102 + 2 * i);
    }
    in.q = (char *) "zqtitle";
    in.has_per_page = 1;
    in.per_page = 100;
    ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 42);
    /* The 30 titles first, newest first, then the 12 bodies; the misspelt
     * title is not there: full text found 20 or more. */
    ck_assert_int_eq (count (&fx, "SELECT count(*) FROM articles WHERE title LIKE '%zqtitle'"), 30);
    char sql[512], expect[1024];
    snprintf (sql, sizeof sql,
              "SELECT string_agg(id::text, ',' ORDER BY title LIKE '%%zqtitle' DESC, "
              "published_at DESC, id DESC) FROM articles "
              "WHERE title LIKE '%%zqtitle' OR body LIKE '%%zqtitle.'");
    test_query_text (fx.svc.pg.db, sql, expect, sizeof expect);
    ck_assert_str_eq (ids, expect);
    check_search_pages (&fx, "zqtitle", 5, 42);
    check_search_pages (&fx, "zqtitle", 7, 42);
    check_search_pages (&fx, "zqtitle", 20, 42);
    check_search_pages (&fx, "dang ky kinh doanh", 1, 3);
    check_search_pages (&fx, "dang ki kinh doanh", 1, 2);
    /* The misspelling itself: one full-text match, first, then the close
     * titles. */
    in.q = (char *) "zqtitel";
    ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 31);
    ck_assert_int_eq (atoll (ids), typo);
    /* A filter beside q (the general statement). */
    in.q = (char *) "zqtitle";
    in.has_unit_id = 1;
    in.unit_id = fx.unit_b;
    ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 0);
    in.unit_id = u;
    ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 42);
    ck_assert_str_eq (ids, expect);

    /* The counts kept per search follow every change of the published
     * articles (0006's version): a publication, a retraction, a published
     * row changed by hand; a draft's submission does not move the version.
     * (The public's list: the reviewer's also shows the draft.) */
    const char *version = "SELECT version FROM articles_published_version";
    in.has_unit_id = 0;
    in.per_page = 5;
    int64_t fresh;
    ck_assert_int_eq (
        create (&fx, &fx.editor_a, "Bài zqtitle mới", topic (&fx, "tin-hoat-dong"), &fresh),
        LOA__STATUS__CREATED);
    long long v = count (&fx, version);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 42);
    ck_assert_int_eq (STEP (&fx, &fx.editor_a, "articles.submit", fresh, NULL), LOA__STATUS__OK);
    ck_assert_int_eq (count (&fx, version), v);
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.publish", fresh, NULL), LOA__STATUS__OK);
    ck_assert_int_gt (count (&fx, version), v);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 43);
        ck_assert_int_eq (atoll (ids), fresh);
    }
    ck_assert_int_eq (STEP (&fx, &fx.reviewer, "articles.retract", fresh, "Trùng"),
                      LOA__STATUS__OK);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 42);
    exec_sql (&fx, "UPDATE articles SET body = body || ' zqtitle' WHERE id = (SELECT min(id) "
                   "FROM articles WHERE title = 'Tin chung')");
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq (list (&fx, NULL, &in, ids, sizeof ids), 43);
    fixture_fini (&fx);
}
END_TEST

Suite *article_rpc_suite (void)
{
    Suite *s = suite_create ("content-svc/article_rpc");
    TCase *tc = tcase_create ("workflow");
    tcase_set_timeout (tc, 60);
    tcase_add_test (tc, test_draft_submit_publish);
    tcase_add_test (tc, test_reject_fix_resubmit);
    tcase_add_test (tc, test_roles);
    tcase_add_test (tc, test_invalid_transitions);
    tcase_add_test (tc, test_retract);
    tcase_add_test (tc, test_unit_rules);
    tcase_add_test (tc, test_edits_checked);
    tcase_add_test (tc, test_revision);
    suite_add_tcase (s, tc);
    TCase *lists = tcase_create ("lists");
    tcase_set_timeout (lists, 60);
    tcase_add_test (lists, test_list_totals);
    tcase_add_test (lists, test_search);
    suite_add_tcase (s, lists);
    return s;
}
