/* feedback_store's intake against a schema made by feedback-svc's own
 * migrations: a submission is one pipelined transaction (loa_db.h), whose
 * round trips are counted in libpq's trace of the worker's connection:
 * BEGIN with the calendar's version, the INSERT RETURNING, then the
 * history row, the event and COMMIT; two while the calendar's copy is
 * fresh. And what it stores is the item, its first history row and its
 * feedback.received event. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "calendar_store.h"
#include "common/fixture.h"
#include "deadlines.h"
#include "feedback.pb-c.h"
#include "feedback_store.h"
#include "loa_config.h"
#include "loa_outbox.h"
#include "suites.h"

extern const loa_migration feedback_svc_migrations[];
extern const size_t feedback_svc_migrations_count;

static const fb_new submission = {
    .kind = "report",
    .title = "Thủ tục cấp phép quá nhiều giấy tờ",
    .content = "Hồ sơ yêu cầu bản sao có chứng thực dù đã có bản điện tử.",
    .name = "Nguyễn Văn An",
    .address = "12 Lê Lợi, Huế",
    .phone = "0905 123 456",
    .email = "An.Nguyen@Example.vn",
    .channel = "web",
};

/* Creates the submission, counting its round trips. */
static int create_counted (PGconn *db, Loa__Feedback__FeedbackReceipt *out)
{
    test_trace tr;
    test_trace_start (db, &tr);
    ck_assert_int_eq (feedback_store_create (db, &submission, out), LOA_STORE_OK);
    return test_trace_stop (db, &tr);
}

START_TEST (a_submission_takes_three_round_trips)
{
    ck_assert_int_ge (sodium_init (), 0);
    test_schema s;
    /* 0001_init.sql names the service's real schema. */
    test_service_schema (&s, "t_feedback_store", "test_feedback_store", feedback_svc_migrations,
                         feedback_svc_migrations_count, "0001_init");
    ck_assert_int_eq (feedback_store_prepare (s.db), 0);
    ck_assert_int_eq (calendar_store_prepare (s.db), 0);
    ck_assert_int_eq (loa_outbox_prepare (s.db), 0);
    fb_deadlines_reset ();

    Loa__Feedback__FeedbackReceipt out;
    create_counted (s.db, &out); /* loads the calendar */
    feedback_store_free_receipt (&out);

    fb_deadlines_changed (); /* the next one reads calendar_version again */
    ck_assert_int_eq (create_counted (s.db, &out), 3);
    feedback_store_free_receipt (&out);

    int64_t t0 = loa_mono_ms ();
    int n = create_counted (s.db, &out);
    if (loa_mono_ms () - t0 < 900) /* within deadlines.c's second: the copy is fresh */
        ck_assert_int_eq (n, 2);

    /* What the last one stored. */
    char sql[256], text[128];
    snprintf (sql, sizeof sql,
              "SELECT count(*) FROM feedback WHERE id = %lld AND tracking_code = '%s'"
              " AND status = 'received' AND title = '%s'",
              (long long) out.id, out.tracking_code, submission.title);
    ck_assert_int_eq (test_query_int (s.db, sql), 1);
    snprintf (sql, sizeof sql,
              "SELECT action || ',' || from_status || ',' || to_status FROM feedback_history"
              " WHERE feedback_id = %lld",
              (long long) out.id);
    ck_assert_str_eq (test_query_text (s.db, sql, text, sizeof text), "received,,received");
    PGresult *res = PQexecParams (s.db,
                                  "SELECT payload FROM outbox WHERE topic = 'feedback.received'"
                                  " ORDER BY id DESC LIMIT 1",
                                  0, NULL, NULL, NULL, NULL, 1);
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    ck_assert_int_eq (PQntuples (res), 1);
    Loa__Feedback__FeedbackEvent *ev = loa__feedback__feedback_event__unpack (
        NULL, (size_t) PQgetlength (res, 0, 0), (const uint8_t *) PQgetvalue (res, 0, 0));
    PQclear (res);
    ck_assert_ptr_nonnull (ev);
    ck_assert_int_eq (ev->feedback_id, out.id);
    ck_assert_str_eq (ev->tracking_code, out.tracking_code);
    ck_assert_str_eq (ev->status, "received");
    ck_assert_str_eq (ev->received_at, out.received_at);
    ck_assert_str_eq (ev->due_at, out.due_at);
    ck_assert_str_eq (ev->channel, "web");
    loa__feedback__feedback_event__free_unpacked (ev, NULL);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM feedback"), 3);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM feedback_history"), 3);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM outbox"), 3);
    feedback_store_free_receipt (&out);
    test_schema_fini (&s);
    fb_deadlines_reset ();
}
END_TEST

Suite *feedback_store_suite (void)
{
    Suite *s = suite_create ("feedback-svc/feedback_store");
    TCase *tc = tcase_create ("intake");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, a_submission_takes_three_round_trips);
    suite_add_tcase (s, tc);
    return s;
}
