/* notify_store against a real PostgreSQL schema made by notify-svc's own
 * migrations: a key queues once (a replayed event adds nothing); two
 * senders never take the same delivery (SKIP LOCKED), and a sender that
 * rolls back leaves it queued; a delivery put off is not due before its
 * time; failed ones are listed by status and can be queued again, and
 * nothing else can. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/fixture.h"
#include "loa_db.h"
#include "notify_store.h"
#include "suites.h"

extern const loa_migration notify_svc_migrations[];
extern const size_t notify_svc_migrations_count;

static test_schema s;

static void setup (void)
{
    test_service_schema (&s, "notify", "notify-test", notify_svc_migrations,
                         notify_svc_migrations_count, NULL);
    ck_assert_int_eq (notify_store_prepare (s.db), 0);
}

static void teardown (void) { test_schema_fini (&s); }

static notify_new delivery (const char *key, const char *to)
{
    return (notify_new){key,        "feedback.received", "email", to, "Đã tiếp nhận",
                        "Kính gửi", "<p>Kính gửi</p>"};
}

START_TEST (a_key_queues_once)
{
    notify_new d = delivery ("feedback.1.email.citizen", "an@example.vn");
    ck_assert_int_eq (notify_store_enqueue (s.db, &d), 1);
    d.body_text = "another text"; /* the same event applied again */
    ck_assert_int_eq (notify_store_enqueue (s.db, &d), 0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM deliveries"), 1);
    char buf[64];
    ck_assert_str_eq (test_query_text (s.db, "SELECT body_text FROM deliveries", buf, sizeof buf),
                      "Kính gửi");
    /* A key of another shape is refused by the table itself. */
    d.key = "Feedback 1";
    ck_assert_int_eq (notify_store_enqueue (s.db, &d), -1);
}
END_TEST

START_TEST (senders_share_the_queue)
{
    notify_new a = delivery ("feedback.1.email.citizen", "an@example.vn");
    notify_new b = delivery ("feedback.2.email.citizen", "binh@example.vn");
    ck_assert_int_eq (notify_store_enqueue (s.db, &a), 1);
    ck_assert_int_eq (notify_store_enqueue (s.db, &b), 1);
    PGconn *other = loa_db_connect (s.url, "notify-test-2", 5000);
    ck_assert_ptr_nonnull (other);
    ck_assert_int_eq (notify_store_prepare (other), 0);

    notify_claimed c1, c2, c3;
    ck_assert_int_eq (loa_db_exec (s.db, "BEGIN"), 0);
    ck_assert_int_eq (notify_store_claim (s.db, "email", &c1), 1);
    ck_assert_str_eq (c1.key, "feedback.1.email.citizen");
    ck_assert_str_eq (c1.recipient, "an@example.vn");
    ck_assert_str_eq (c1.body_html, "<p>Kính gửi</p>");
    ck_assert_int_eq (c1.attempts, 0);
    ck_assert_int_gt (c1.created_unix, 1700000000);
    ck_assert_int_eq (loa_db_exec (other, "BEGIN"), 0);
    ck_assert_int_eq (notify_store_claim (other, "email", &c2), 1);
    ck_assert_str_eq (c2.key, "feedback.2.email.citizen"); /* not the one held */
    ck_assert_int_eq (notify_store_claim (other, "sms", &c3), 0); /* another channel */
    ck_assert_int_eq (notify_store_sent (other, c2.id, "250 2.0.0 Kept as 1.eml"), 0);
    ck_assert_int_eq (loa_db_exec (other, "COMMIT"), 0);
    /* The first sender dies before its outcome: rolled back, still queued. */
    ck_assert_int_eq (loa_db_exec (s.db, "ROLLBACK"), 0);
    ck_assert_int_eq (loa_db_exec (other, "BEGIN"), 0);
    ck_assert_int_eq (notify_store_claim (other, "email", &c3), 1);
    ck_assert_int_eq (c3.id, c1.id);
    ck_assert_int_eq (c3.attempts, 0);
    /* Put off: not due until its time. */
    ck_assert_int_eq (notify_store_later (other, c3.id, 60000, "421 try again later"), 0);
    ck_assert_int_eq (loa_db_exec (other, "COMMIT"), 0);
    notify_claimed none;
    ck_assert_int_eq (notify_store_claim (s.db, "email", &none), 0);
    ck_assert_int_eq (
        test_query_int (s.db, "SELECT attempts * 1000 + (next_at > now() + interval '50 s')::int "
                              "FROM deliveries WHERE key = 'feedback.1.email.citizen'"),
        1001);
    char buf[80];
    ck_assert_str_eq (test_query_text (s.db,
                                       "SELECT status || ' ' || provider_response FROM deliveries "
                                       "WHERE key = 'feedback.2.email.citizen'",
                                       buf, sizeof buf),
                      "sent 250 2.0.0 Kept as 1.eml");
    notify_store_claimed_free (&c1);
    notify_store_claimed_free (&c2);
    notify_store_claimed_free (&c3);
    PQfinish (other);
}
END_TEST

START_TEST (failed_listed_and_retried)
{
    for (int i = 1; i <= 3; i++) {
        char key[64];
        snprintf (key, sizeof key, "feedback.%d.email.citizen", i);
        notify_new d = delivery (key, "an@example.vn");
        ck_assert_int_eq (notify_store_enqueue (s.db, &d), 1);
    }
    notify_claimed c;
    ck_assert_int_eq (loa_db_exec (s.db, "BEGIN"), 0);
    ck_assert_int_eq (notify_store_claim (s.db, "email", &c), 1);
    ck_assert_int_eq (notify_store_failed (s.db, c.id, "550 5.1.1 No such mailbox here"), 0);
    ck_assert_int_eq (loa_db_exec (s.db, "COMMIT"), 0);
    int64_t failed_id = c.id;
    notify_store_claimed_free (&c);
    ck_assert_int_eq (loa_db_exec (s.db, "BEGIN"), 0);
    ck_assert_int_eq (notify_store_claim (s.db, "email", &c), 1);
    ck_assert_int_eq (notify_store_sent (s.db, c.id, "250 OK"), 0);
    ck_assert_int_eq (loa_db_exec (s.db, "COMMIT"), 0);
    int64_t sent_id = c.id;
    notify_store_claimed_free (&c);

    Loa__Notify__DeliveryList list;
    ck_assert_int_eq (notify_store_list (s.db, "failed", "", 0, 1, 20, &list), LOA_STORE_OK);
    ck_assert_int_eq (list.total, 1);
    ck_assert_uint_eq (list.n_items, 1);
    ck_assert_int_eq (list.items[0]->id, failed_id);
    ck_assert_str_eq (list.items[0]->status, "failed");
    ck_assert_int_eq (list.items[0]->attempts, 1);
    ck_assert_str_eq (list.items[0]->last_error, "550 5.1.1 No such mailbox here");
    ck_assert_str_eq (list.items[0]->next_attempt_at, ""); /* not queued */
    ck_assert_int_eq (list.items[0]->maybe_sent_at_case, 0);
    notify_store_free_list (&list);
    ck_assert_int_eq (notify_store_list (s.db, "", "email", 0, 1, 2, &list), LOA_STORE_OK);
    ck_assert_int_eq (list.total, 3);
    ck_assert_uint_eq (list.n_items, 2); /* newest first */
    ck_assert_int_gt (list.items[0]->id, list.items[1]->id);
    notify_store_free_list (&list);
    ck_assert_int_eq (notify_store_list (s.db, "sent", "sms", 0, 1, 20, &list), LOA_STORE_OK);
    ck_assert_int_eq (list.total, 0);
    notify_store_free_list (&list);

    Loa__Notify__Delivery d;
    ck_assert_int_eq (notify_store_retry (s.db, failed_id, &d), LOA_STORE_OK);
    ck_assert_str_eq (d.status, "queued");
    ck_assert_int_eq (d.attempts, 0);
    ck_assert_str_ne (d.next_attempt_at, "");
    notify_store_free_delivery (&d);
    ck_assert_int_eq (notify_store_retry (s.db, failed_id, &d), LOA_STORE_WRONG_STATE);
    ck_assert_int_eq (notify_store_retry (s.db, sent_id, &d), LOA_STORE_WRONG_STATE);
    ck_assert_int_eq (notify_store_retry (s.db, 999999, &d), LOA_STORE_NOT_FOUND);
}
END_TEST

START_TEST (webhooks_and_their_deliveries)
{
    uint8_t secret[32], got[32];
    for (int i = 0; i < 32; i++)
        secret[i] = (uint8_t) (200 + i); /* bytes past 127 and a zero-free run */
    secret[5] = 0;
    /* No webhook yet: an event for the broadcaster queues nothing. */
    ck_assert_int_eq (notify_store_enqueue_webhook (s.db, "media.1.webhook.b7", "package.new", 7,
                                                    "{\"type\":\"package.new\"}"),
                      0);
    Loa__Notify__Webhook w;
    ck_assert_int_eq (notify_store_webhook_get (s.db, 7, &w), LOA_STORE_NOT_FOUND);
    ck_assert_int_eq (
        notify_store_webhook_put (s.db, 7, "https://tv.example.vn/hook", secret, 1, &w),
        LOA_STORE_OK);
    ck_assert_int_eq (w.broadcaster_id, 7);
    ck_assert_str_eq (w.url, "https://tv.example.vn/hook");
    ck_assert_str_eq (w.secret, ""); /* the store never gives it back in a message */
    notify_store_free_webhook (&w);
    char *url = NULL;
    ck_assert_int_eq (notify_store_webhook_secret (s.db, 7, &url, got), 1);
    ck_assert_str_eq (url, "https://tv.example.vn/hook");
    ck_assert_mem_eq (got, secret, 32);
    free (url);
    ck_assert_int_eq (notify_store_enqueue_webhook (s.db, "media.1.webhook.b7", "package.new", 7,
                                                    "{\"type\":\"package.new\"}"),
                      1);
    ck_assert_int_eq (
        notify_store_enqueue_webhook (s.db, "media.1.webhook.b7", "package.new", 7, "{}"),
        0); /* the same event again */
    Loa__Notify__Delivery d;
    ck_assert_int_eq (notify_store_delivery_by_key (s.db, "media.1.webhook.b7", &d), LOA_STORE_OK);
    ck_assert_str_eq (d.channel, "webhook");
    ck_assert_str_eq (d.recipient, "https://tv.example.vn/hook");
    ck_assert_int_eq (d.broadcaster_id, 7);
    notify_store_free_delivery (&d);
    Loa__Notify__DeliveryList list;
    ck_assert_int_eq (notify_store_list (s.db, "", "webhook", 7, 1, 20, &list), LOA_STORE_OK);
    ck_assert_int_eq (list.total, 1);
    notify_store_free_list (&list);
    ck_assert_int_eq (notify_store_list (s.db, "", "webhook", 8, 1, 20, &list), LOA_STORE_OK);
    ck_assert_int_eq (list.total, 0);
    notify_store_free_list (&list);
    /* A new secret replaces the old; removed, the sender finds none. */
    secret[0] ^= 0xFF;
    ck_assert_int_eq (notify_store_webhook_put (s.db, 7, "https://tv.example.vn/v2", secret, 1, &w),
                      LOA_STORE_OK);
    notify_store_free_webhook (&w);
    ck_assert_int_eq (notify_store_webhook_secret (s.db, 7, &url, got), 1);
    ck_assert_mem_eq (got, secret, 32);
    free (url);
    ck_assert_int_eq (notify_store_webhook_delete (s.db, 7), LOA_STORE_OK);
    ck_assert_int_eq (notify_store_webhook_delete (s.db, 7), LOA_STORE_NOT_FOUND);
    ck_assert_int_eq (notify_store_webhook_secret (s.db, 7, &url, got), 0);
    ck_assert_ptr_null (url);
}
END_TEST

Suite *notify_store_suite (void)
{
    Suite *su = suite_create ("notify_store");
    TCase *tc = tcase_create ("store");
    tcase_add_checked_fixture (tc, setup, teardown);
    tcase_add_test (tc, a_key_queues_once);
    tcase_add_test (tc, senders_share_the_queue);
    tcase_add_test (tc, failed_listed_and_retried);
    tcase_add_test (tc, webhooks_and_their_deliveries);
    suite_add_tcase (su, tc);
    return su;
}
