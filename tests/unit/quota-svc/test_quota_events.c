/* quota_events: content events into quota's tallies, against a real
 * PostgreSQL schema migrated with quota-svc's own migrations. Events are
 * crafted here (no content-svc), applied through the subscriber's
 * loa_subscriber_apply_one as in production: the month boundary, a
 * retraction, a re-publication (counted again in the first month), an
 * event delivered twice, and an older event seen after a newer one. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "articles.pb-c.h"
#include "loa_subscriber.h"
#include "media_pkg.pb-c.h"
#include "quota-svc/quota_fixture.h"
#include "quota_events.h"
#include "quota_store.h"
#include "suites.h"

/* Applies an article event (packed here) with seq `seq`; the result of
 * loa_subscriber_apply_one. */
static int apply (PGconn *db, uint64_t seq, const char *topic, int64_t article, int64_t unit,
                  int cchc, const char *published_at)
{
    Loa__Content__ArticleEvent ae = LOA__CONTENT__ARTICLE_EVENT__INIT;
    ae.article_id = article;
    ae.unit_id = unit;
    ae.is_cchc = cchc;
    ae.published_at = (char *) published_at;
    uint8_t buf[256];
    size_t len = loa__content__article_event__pack (&ae, buf);
    ck_assert_uint_lt (len, sizeof buf);
    Loa__Event ev = LOA__EVENT__INIT;
    ev.seq = seq;
    ev.topic = (char *) topic;
    ev.occurred_at = (char *) published_at;
    ev.payload.data = buf;
    ev.payload.len = len;
    return loa_subscriber_apply_one (db, "content", &ev, quota_events_apply, NULL);
}

/* "articles/cchc" of a unit in a month, from the view. */
static const char *tally (PGconn *db, int64_t unit, const char *month)
{
    static char out[64];
    char sql[256];
    snprintf (sql, sizeof sql,
              "SELECT coalesce(sum(articles), 0) * 1000 + coalesce(sum(cchc_articles), 0) "
              "FROM unit_month_tallies WHERE unit_id = %lld AND month = '%s'",
              (long long) unit, month);
    long long v = test_query_int (db, sql);
    snprintf (out, sizeof out, "%lld/%lld", v / 1000, v % 1000);
    return out;
}

START_TEST (test_month_boundary_through_events)
{
    test_schema s;
    quota_test_schema (&s, "t_quota", "test_quota_events");
    ck_assert_int_eq (apply (s.db, 1, "article.published", 11, 7, 1, "2022-03-31T23:59:00+07:00"),
                      0);
    ck_assert_int_eq (apply (s.db, 2, "article.published", 12, 7, 0, "2022-04-01T00:00:00+07:00"),
                      0);
    ck_assert_int_eq (apply (s.db, 3, "article.published", 13, 7, 0, "2022-03-31T16:59:59Z"), 0);
    ck_assert_str_eq (tally (s.db, 7, "2022-03"), "2/1");
    ck_assert_str_eq (tally (s.db, 7, "2022-04"), "1/0");
    test_schema_fini (&s);
}
END_TEST

START_TEST (test_retract_republish_replay)
{
    test_schema s;
    quota_test_schema (&s, "t_quota", "test_quota_events");
    const char *march = "2022-03-10T09:00:00+07:00";
    ck_assert_int_eq (apply (s.db, 1, "article.published", 21, 8, 1, march), 0);
    ck_assert_int_eq (apply (s.db, 2, "article.published", 22, 8, 0, march), 0);
    ck_assert_str_eq (tally (s.db, 8, "2022-03"), "2/1");
    /* Delivered twice: skipped by the cursor. */
    ck_assert_int_eq (apply (s.db, 2, "article.published", 22, 8, 0, march), 0);
    ck_assert_str_eq (tally (s.db, 8, "2022-03"), "2/1");
    ck_assert_int_eq (apply (s.db, 3, "article.retracted", 21, 8, 1, march), 0);
    ck_assert_str_eq (tally (s.db, 8, "2022-03"), "1/0");
    /* Published again in May (a producer that stamps the new time): it
     * counts again, in March, the month of its first publication. */
    ck_assert_int_eq (apply (s.db, 4, "article.published", 21, 8, 1, "2022-05-02T08:00:00+07:00"),
                      0);
    ck_assert_str_eq (tally (s.db, 8, "2022-03"), "2/1");
    ck_assert_str_eq (tally (s.db, 8, "2022-05"), "0/0");
    /* Events of other topics and unreadable payloads change nothing. */
    ck_assert_int_eq (apply (s.db, 5, "feedback.received", 21, 8, 1, march), 0);
    ck_assert_int_eq (apply (s.db, 6, "article.published", 23, 8, 1, "not a time"), 0);
    ck_assert_str_eq (tally (s.db, 8, "2022-03"), "2/1");
    ck_assert_int_eq (loa_subscriber_position (s.db, "content"), 6);
    test_schema_fini (&s);
}
END_TEST

START_TEST (test_older_event_changes_nothing)
{
    test_schema s;
    quota_test_schema (&s, "t_quota", "test_quota_events");
    const char *march = "2022-03-10T09:00:00+07:00";
    /* Another source's cursor lets an old event through to the apply
     * itself: the row's own seq still refuses it. */
    ck_assert_int_eq (apply (s.db, 1, "article.published", 31, 9, 1, march), 0);
    ck_assert_int_eq (apply (s.db, 2, "article.retracted", 31, 9, 1, march), 0);
    ck_assert_str_eq (tally (s.db, 9, "2022-03"), "0/0");
    Loa__Content__ArticleEvent ae = LOA__CONTENT__ARTICLE_EVENT__INIT;
    ae.article_id = 31;
    ae.unit_id = 9;
    ae.is_cchc = 1;
    ae.published_at = (char *) march;
    uint8_t buf[128];
    Loa__Event ev = LOA__EVENT__INIT;
    ev.seq = 1;
    ev.topic = (char *) "article.published";
    ev.payload.data = buf;
    ev.payload.len = loa__content__article_event__pack (&ae, buf);
    PGresult *res = PQexec (s.db, "BEGIN");
    PQclear (res);
    ck_assert_int_eq (quota_events_apply (s.db, &ev, NULL), 0);
    res = PQexec (s.db, "COMMIT");
    PQclear (res);
    ck_assert_str_eq (tally (s.db, 9, "2022-03"), "0/0");
    test_schema_fini (&s);
}
END_TEST

/* media-svc's events, applied as the "media" subscription: a package
 * counts once, in the month (Asia/Ho_Chi_Minh) of its first version, for
 * its article's unit; corrections and replays change nothing; a delivery
 * counts when received, in the month of its receipt. */
static int apply_media (PGconn *db, uint64_t seq, const char *topic, const ProtobufCMessage *msg,
                        const char *occurred_at)
{
    uint8_t buf[256];
    size_t len = protobuf_c_message_pack (msg, buf);
    ck_assert_uint_lt (len, sizeof buf);
    Loa__Event ev = LOA__EVENT__INIT;
    ev.seq = seq;
    ev.topic = (char *) topic;
    ev.occurred_at = (char *) occurred_at;
    ev.payload.data = buf;
    ev.payload.len = len;
    return loa_subscriber_apply_one (db, "media", &ev, quota_media_apply, NULL);
}

static const char *media_of (PGconn *db, int year, int64_t unit)
{
    static char out[64];
    quota_store_media *rows = NULL;
    size_t n = 0;
    ck_assert_int_eq (quota_store_media_year (db, year, &rows, &n), 0);
    snprintf (out, sizeof out, "none");
    for (size_t i = 0; i < n; i++)
        if (rows[i].unit_id == unit)
            snprintf (out, sizeof out, "%lld/%lld", (long long) rows[i].packages,
                      (long long) rows[i].deliveries);
    free (rows);
    return out;
}

START_TEST (test_media_figures)
{
    test_schema s;
    quota_test_schema (&s, "t_quota", "test_quota_events");
    ck_assert_int_eq (apply (s.db, 1, "article.published", 41, 7, 1, "2022-03-10T09:00:00+07:00"),
                      0);
    Loa__Media__PackageEvent p = LOA__MEDIA__PACKAGE_EVENT__INIT;
    p.package_id = 5;
    p.article_id = 41;
    p.version = 1;
    p.pub_status = (char *) "usable";
    /* 2022-03-31T17:30Z is 1 April, 00:30 in Hà Nội. */
    ck_assert_int_eq (apply_media (s.db, 1, "package.published", &p.base, "2022-03-31T17:30:00Z"),
                      0);
    ck_assert_int_eq (apply_media (s.db, 1, "package.published", &p.base, "2022-03-31T17:30:00Z"),
                      0);
    p.version = 2;
    ck_assert_int_eq (apply_media (s.db, 2, "package.published", &p.base, "2022-05-02T01:00:00Z"),
                      0);
    Loa__Media__DeliveryEvent d = LOA__MEDIA__DELIVERY_EVENT__INIT;
    d.package_id = 5;
    d.version = 1;
    d.broadcaster_id = 3;
    d.status = (char *) "received";
    ck_assert_int_eq (apply_media (s.db, 3, "package.delivered", &d.base, "2022-04-02T01:00:00Z"),
                      0);
    d.broadcaster_id = 4;
    d.status = (char *) "failed";
    ck_assert_int_eq (apply_media (s.db, 4, "package.delivered", &d.base, "2022-04-03T01:00:00Z"),
                      0);
    /* A package whose first version came on 1 January 2023 (local time). */
    p.package_id = 6;
    p.version = 1;
    ck_assert_int_eq (apply_media (s.db, 5, "package.published", &p.base, "2022-12-31T17:00:00Z"),
                      0);
    ck_assert_str_eq (media_of (s.db, 2022, 7), "1/1");
    ck_assert_str_eq (media_of (s.db, 2023, 7), "1/0");
    ck_assert_str_eq (media_of (s.db, 2021, 7), "none");
    ck_assert_int_eq (
        test_query_int (s.db, "SELECT versions FROM media_packages WHERE package_id = 5"), 2);
    ck_assert_int_eq (loa_subscriber_position (s.db, "media"), 5);
    ck_assert_int_eq (loa_subscriber_position (s.db, "content"), 1);
    test_schema_fini (&s);
}
END_TEST

Suite *quota_events_suite (void)
{
    Suite *s = suite_create ("quota_events");
    TCase *tc = tcase_create ("core");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_month_boundary_through_events);
    tcase_add_test (tc, test_retract_republish_replay);
    tcase_add_test (tc, test_older_event_changes_nothing);
    tcase_add_test (tc, test_media_figures);
    suite_add_tcase (s, tc);
    return s;
}
