/* media_events: content's article events into media's public assets,
 * against a real PostgreSQL schema migrated with media-svc's own
 * migrations. Events are crafted here and applied through the
 * subscriber's loa_subscriber_apply_one as in production: publication
 * makes the article's attachments public, a retraction closes them, a
 * re-publication with other attachments replaces them, an asset two
 * published articles carry stays public until both are gone, and an event
 * delivered twice changes nothing. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "articles.pb-c.h"
#include "common/fixture.h"
#include "loa_store.h"
#include "loa_subscriber.h"
#include "media_events.h"
#include "media_store.h"
#include "suites.h"

extern const loa_migration media_svc_migrations[];
extern const size_t media_svc_migrations_count;

/* media-svc's migrations but the event tables (the fixture makes them)
 * and 0001_init, which comments on the schema `media` by name. */
static void media_schema (test_schema *s)
{
    test_service_schema (s, "t_media", "test_media_events", media_svc_migrations,
                         media_svc_migrations_count, "0001_init");
    ck_assert_int_eq (media_store_prepare (s->db), 0);
}

static int apply (PGconn *db, uint64_t seq, const char *topic, int64_t article,
                  const int64_t *assets, size_t n)
{
    Loa__Content__ArticleEvent ae = LOA__CONTENT__ARTICLE_EVENT__INIT;
    ae.article_id = article;
    ae.unit_id = 1;
    ae.published_at = (char *) "2022-03-01T08:00:00+07:00";
    ae.attachment_ids = (int64_t *) assets;
    ae.n_attachment_ids = n;
    uint8_t buf[256];
    size_t len = loa__content__article_event__pack (&ae, buf);
    ck_assert_uint_lt (len, sizeof buf);
    Loa__Event ev = LOA__EVENT__INIT;
    ev.seq = seq;
    ev.topic = (char *) topic;
    ev.occurred_at = ae.published_at;
    ev.payload.data = buf;
    ev.payload.len = len;
    return loa_subscriber_apply_one (db, "content", &ev, media_events_apply, NULL);
}

/* A new asset (its digest made from `n`); its id. */
static int64_t asset (PGconn *db, int n)
{
    char sha[65];
    snprintf (sha, sizeof sha, "%064x", n);
    Loa__Media__Asset a = LOA__MEDIA__ASSET__INIT;
    int created = 0;
    ck_assert_int_eq (media_store_asset_create (db, sha, 10, "image/png", "a.png", 3, &a, &created),
                      LOA_STORE_OK);
    ck_assert_int_eq (created, 1);
    int64_t id = a.id;
    loa_store_free_message (&a.base);
    return id;
}

static int is_public (PGconn *db, int64_t id)
{
    Loa__Media__Asset a = LOA__MEDIA__ASSET__INIT;
    ck_assert_int_eq (media_store_asset_get (db, id, &a), LOA_STORE_OK);
    int p = a.is_public;
    loa_store_free_message (&a.base);
    return p;
}

START_TEST (test_published_attachments_are_public)
{
    test_schema s;
    media_schema (&s);
    int64_t a = asset (s.db, 1), b = asset (s.db, 2), c = asset (s.db, 3);
    ck_assert (!is_public (s.db, a));
    int64_t ab[] = {a, b};
    ck_assert_int_eq (apply (s.db, 1, "article.published", 10, ab, 2), 0);
    ck_assert (is_public (s.db, a) && is_public (s.db, b) && !is_public (s.db, c));
    /* The same event again, and an unrelated topic: nothing changes. */
    ck_assert_int_eq (apply (s.db, 1, "article.published", 10, NULL, 0), 0);
    ck_assert_int_eq (apply (s.db, 2, "unit.created", 0, NULL, 0), 0);
    ck_assert (is_public (s.db, a) && is_public (s.db, b));
    /* Another article carries b too. */
    int64_t bc[] = {b, c};
    ck_assert_int_eq (apply (s.db, 3, "article.published", 11, bc, 2), 0);
    ck_assert_int_eq (apply (s.db, 4, "article.retracted", 10, ab, 2), 0);
    ck_assert (!is_public (s.db, a) && is_public (s.db, b) && is_public (s.db, c));
    /* Re-published with only c: b is no longer carried by anything. */
    int64_t only_c[] = {c};
    ck_assert_int_eq (apply (s.db, 5, "article.published", 11, only_c, 1), 0);
    ck_assert (!is_public (s.db, b) && is_public (s.db, c));
    ck_assert_int_eq (apply (s.db, 6, "article.retracted", 11, only_c, 1), 0);
    ck_assert (!is_public (s.db, c));
    ck_assert_int_eq (loa_subscriber_position (s.db, "content"), 6);
    test_schema_fini (&s);
}
END_TEST

/* An article that names an id no upload has taken yet (issue 16: a
 * staff member's private file would turn public the day an upload takes
 * that id): nothing is stored for it, and the asset later made with that id
 * stays private. The foreign key refuses such a row from any other writer. */
START_TEST (test_unknown_attachment_never_public)
{
    test_schema s;
    media_schema (&s);
    int64_t a = asset (s.db, 1);
    int64_t next = a + 1;
    int64_t ids[] = {a, next};
    ck_assert_int_eq (apply (s.db, 1, "article.published", 10, ids, 2), 0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM published_attachments"), 1);
    ck_assert (is_public (s.db, a));
    int64_t b = asset (s.db, 2);
    ck_assert_int_eq (b, next);
    ck_assert (!is_public (s.db, b));
    PGresult *r = PQexec (s.db, "INSERT INTO published_attachments (article_id, asset_id, "
                                "event_seq) VALUES (11, 987654321, 2)");
    ck_assert_str_eq (PQresultErrorField (r, PG_DIAG_SQLSTATE), "23503");
    PQclear (r);
    test_schema_fini (&s);
}
END_TEST

START_TEST (test_same_bytes_one_asset)
{
    test_schema s;
    media_schema (&s);
    int64_t a = asset (s.db, 7);
    char sha[65];
    snprintf (sha, sizeof sha, "%064x", 7);
    Loa__Media__Asset again = LOA__MEDIA__ASSET__INIT;
    int created = 1;
    ck_assert_int_eq (
        media_store_asset_create (s.db, sha, 10, "image/png", "b.png", 4, &again, &created),
        LOA_STORE_OK);
    ck_assert_int_eq (created, 0);
    ck_assert_int_eq (again.id, a);
    ck_assert_str_eq (again.original_name, "a.png"); /* the first upload's */
    char url[64];
    snprintf (url, sizeof url, "/api/v1/assets/%lld", (long long) a);
    ck_assert_str_eq (again.url, url);
    loa_store_free_message (&again.base);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM assets"), 1);
    test_schema_fini (&s);
}
END_TEST

Suite *media_events_suite (void)
{
    Suite *s = suite_create ("media-svc/events");
    TCase *tc = tcase_create ("events");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_published_attachments_are_public);
    tcase_add_test (tc, test_unknown_attachment_never_public);
    tcase_add_test (tc, test_same_bytes_one_asset);
    suite_add_tcase (s, tc);
    return s;
}
