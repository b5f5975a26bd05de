/* Staff notifications against a real PostgreSQL schema made by notify-svc's
 * own migrations: who is told (active members of the roles, of the unit),
 * who is also mailed (those who chose it and have an address), that an
 * event applied again tells nobody twice; and the daily digest: one per
 * unit with items, one for the Inspectorate with the overdue ones, once a
 * day. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common.pb-c.h"
#include "common/fixture.h"
#include "feedback.pb-c.h"
#include "loa_db.h"
#include "notify_digest.h"
#include "notify_staff.h"
#include "notify_store.h"
#include "quota_ops.pb-c.h"
#include "suites.h"

extern const loa_migration notify_svc_migrations[];
extern const size_t notify_svc_migrations_count;

static test_schema s;

static void exec_ok (const char *sql)
{
    PGresult *res = PQexec (s.db, sql);
    ck_assert_msg (PQresultStatus (res) == PGRES_COMMAND_OK, "%s: %s", sql,
                   PQresultErrorMessage (res));
    PQclear (res);
}

static void setup (void)
{
    setenv ("LOA_NOTIFY_TEMPLATES", "services/notify-svc/templates", 1);
    setenv ("LOA_PUBLIC_URL", "https://cchc.example.gov.vn", 1);
    test_service_schema (&s, "notify_staff", "notify-staff-test", notify_svc_migrations,
                         notify_svc_migrations_count, NULL);
    ck_assert_int_eq (notify_store_prepare (s.db), 0);
    exec_ok ("INSERT INTO users (user_id, username, email, roles, unit_id, active, updated_at) "
             "VALUES (1, 'h1', 'h1@so.vn', '{handler}', 5, true, now()), "
             "(2, 'h2', 'h2@so.vn', '{handler}', 6, true, now()), "
             "(3, 'i3', 'i3@so.vn', '{inspector}', NULL, true, now()), "
             "(4, 'l4', '', '{leader}', 5, true, now()), "
             "(5, 'e5', 'e5@so.vn', '{editor}', 5, false, now()), "
             "(6, 'e6', 'e6@so.vn', '{editor,reviewer}', 5, true, now()), "
             "(7, 'r7', 'r7@so.vn', '{reviewer}', 5, true, now())");
    exec_ok ("INSERT INTO preferences VALUES (1, 'feedback.due', true), "
             "(6, 'quota.at_risk', true), (4, 'quota.at_risk', true), (2, 'feedback.due', false)");
}

static void teardown (void) { test_schema_fini (&s); }

static Loa__Event *at_risk_event (uint64_t seq, int64_t unit)
{
    Loa__Quota__QuotaAtRiskEvent ev = LOA__QUOTA__QUOTA_AT_RISK_EVENT__INIT;
    ev.unit_id = unit;
    ev.unit_code = (char *) "KT";
    ev.unit_name = (char *) "Phòng Kinh tế ngành";
    ev.month = (char *) "2026-12";
    ev.articles = 2;
    ev.min_articles = 4;
    ev.min_cchc_articles = 1;
    static uint8_t buf[256];
    static Loa__Event e;
    loa__event__init (&e);
    e.seq = seq;
    e.topic = (char *) "quota.at_risk";
    e.occurred_at = (char *) "2026-12-20T08:00:00+07:00";
    e.payload.len = loa__quota__quota_at_risk_event__pack (&ev, buf);
    e.payload.data = buf;
    return &e;
}

static const char *who (const char *sql)
{
    static char buf[256];
    return test_query_text (s.db, sql, buf, sizeof buf);
}

START_TEST (at_risk_told_to_the_units_leaders_and_editors)
{
    ck_assert_int_eq (loa_db_exec (s.db, "BEGIN"), 0);
    ck_assert_int_eq (notify_quota_apply (s.db, at_risk_event (41, 5), NULL), 0);
    ck_assert_int_eq (notify_quota_apply (s.db, at_risk_event (41, 5), NULL), 0); /* again */
    ck_assert_int_eq (loa_db_exec (s.db, "COMMIT"), 0);
    /* The active leader and editor of unit 5: not the inactive editor, not
     * the handler, not unit 6. */
    ck_assert_str_eq (who ("SELECT string_agg(user_id::text, ',' ORDER BY user_id) "
                           "FROM notifications"),
                      "4,6");
    ck_assert_str_eq (who ("SELECT title FROM notifications WHERE user_id = 6"),
                      "Phòng Kinh tế ngành có nguy cơ không đạt chỉ tiêu tin bài tháng 2026-12");
    ck_assert_str_eq (who ("SELECT body || ' ' || link FROM notifications WHERE user_id = 6"),
                      "Đã đăng 2/4 bài, trong đó 0/1 bài về cải cách hành chính. "
                      "/admin/chi-tieu.html");
    /* Mail to the one who chose it and has an address (the leader has none). */
    ck_assert_str_eq (who ("SELECT string_agg(recipient || ' ' || key, ',') FROM deliveries"),
                      "e6@so.vn quota.41.email.u6");
    ck_assert_str_eq (who ("SELECT subject FROM deliveries"),
                      "[Loa] Phòng Kinh tế ngành có nguy cơ không đạt chỉ tiêu tin bài tháng "
                      "2026-12");
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM deliveries WHERE body_text LIKE "
                                            "'%https://cchc.example.gov.vn/admin/chi-tieu.html%'"),
                      1);
}
END_TEST

static Loa__Feedback__Feedback item (const char *code, int64_t unit, int overdue, int soon)
{
    Loa__Feedback__Feedback f = LOA__FEEDBACK__FEEDBACK__INIT;
    f.tracking_code = (char *) code;
    if (unit) {
        f.maybe_unit_id_case = LOA__FEEDBACK__FEEDBACK__MAYBE_UNIT_ID_UNIT_ID;
        f.unit_id = unit;
    }
    f.overdue = overdue;
    f.due_soon = soon;
    return f;
}

START_TEST (digests_once_a_day)
{
    Loa__Feedback__Feedback f[] = {
        item ("PAKN.A", 5, 1, 0), item ("PAKN.B", 5, 0, 1), item ("PAKN.C", 6, 0, 1),
        item ("PAKN.D", 0, 1, 0), item ("PAKN.E", 7, 0, 0), /* neither: not told */
    };
    Loa__Feedback__Feedback *items[] = {&f[0], &f[1], &f[2], &f[3], &f[4]};
    ck_assert_int_eq (notify_digest_send (s.db, "2026-12-07", items, 5), 3);
    ck_assert_str_eq (who ("SELECT string_agg(user_id || ':' || kind, ',' ORDER BY user_id) "
                           "FROM notifications"),
                      "1:feedback.due,2:feedback.due,3:feedback.overdue");
    ck_assert_str_eq (who ("SELECT title || ' | ' || body FROM notifications WHERE user_id = 1"),
                      "Đơn vị có 1 phản ánh, kiến nghị quá hạn và 1 sắp đến hạn trả lời | "
                      "PAKN.A, PAKN.B");
    ck_assert_str_eq (who ("SELECT title || ' | ' || body FROM notifications WHERE user_id = 3"),
                      "2 phản ánh, kiến nghị quá hạn trả lời (mọi đơn vị) | PAKN.A, PAKN.D");
    ck_assert_str_eq (who ("SELECT string_agg(recipient, ',') FROM deliveries"), "h1@so.vn");
    /* The same day again, with a new item: nobody told twice. */
    Loa__Feedback__Feedback g = item ("PAKN.F", 5, 1, 0);
    Loa__Feedback__Feedback *more[] = {&f[0], &f[1], &g};
    ck_assert_int_eq (notify_digest_send (s.db, "2026-12-07", more, 3), 0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM notifications"), 3);
    /* The next day: told again. */
    ck_assert_int_eq (notify_digest_send (s.db, "2026-12-08", more, 3), 2);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM notifications"), 5);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM digests"), 5);
}
END_TEST

START_TEST (a_members_notifications)
{
    exec_ok ("INSERT INTO notifications (key, user_id, kind, title) VALUES "
             "('a.1.k.u1', 1, 'feedback.assigned', 'Một'), ('a.2.k.u1', 1, 'feedback.due', 'Hai'), "
             "('a.3.k.u2', 2, 'feedback.due', 'Ba')");
    Loa__Notify__NotificationList list;
    ck_assert_int_eq (notify_store_notes (s.db, 1, 0, 1, 20, &list), LOA_STORE_OK);
    ck_assert_int_eq (list.total, 2);
    ck_assert_int_eq (list.unread, 2);
    ck_assert_str_eq (list.items[0]->title, "Hai"); /* newest first */
    int64_t first = list.items[1]->id, other = 0;
    loa_store_free_message (&list.base);
    Loa__Notify__Notification n;
    ck_assert_int_eq (notify_store_note_read (s.db, first, 1, &n), LOA_STORE_OK);
    ck_assert_int_eq (n.maybe_read_at_case, LOA__NOTIFY__NOTIFICATION__MAYBE_READ_AT_READ_AT);
    loa_store_free_message (&n.base);
    other = test_query_int (s.db, "SELECT id FROM notifications WHERE user_id = 2");
    ck_assert_int_eq (notify_store_note_read (s.db, other, 1, &n), LOA_STORE_NOT_FOUND);
    ck_assert_int_eq (notify_store_notes (s.db, 1, 1, 1, 20, &list), LOA_STORE_OK);
    ck_assert_int_eq (list.total, 1); /* unread only */
    ck_assert_int_eq (list.unread, 1);
    loa_store_free_message (&list.base);
    ck_assert_int_eq (notify_store_notes_read_all (s.db, 1), 1);
    ck_assert_int_eq (notify_store_notes_read_all (s.db, 1), 0);
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM notifications "
                                            "WHERE read_at IS NULL"),
                      1); /* user 2's is untouched */
}
END_TEST

START_TEST (accounts_keep_their_newest_version)
{
    char *roles[] = {(char *) "handler", (char *) "inspector"};
    Loa__Notify__StaffUser u = LOA__NOTIFY__STAFF_USER__INIT;
    u.id = 9;
    u.username = (char *) "moi";
    u.full_name = (char *) "Người mới";
    u.email = (char *) "moi@so.vn";
    u.roles = roles;
    u.n_roles = 2;
    u.unit_id = 5;
    u.active = 1;
    u.updated_at = (char *) "2026-12-07 10:00:00+00";
    ck_assert_int_eq (notify_store_user_sync (s.db, &u), 1);
    u.email = (char *) "cu@so.vn";
    u.updated_at = (char *) "2026-12-07 09:00:00+00"; /* older: changes nothing */
    ck_assert_int_eq (notify_store_user_sync (s.db, &u), 0);
    ck_assert_str_eq (who ("SELECT email || ' ' || array_to_string(roles, ',') || ' ' || unit_id "
                           "FROM users WHERE user_id = 9"),
                      "moi@so.vn handler,inspector 5");
    u.active = 0;
    u.unit_id = 0;
    u.updated_at = (char *) "2026-12-07 11:00:00+00";
    ck_assert_int_eq (notify_store_user_sync (s.db, &u), 1);
    ck_assert_str_eq (who ("SELECT active::text || ' ' || coalesce(unit_id::text, 'none') "
                           "FROM users WHERE user_id = 9"),
                      "false none");
}
END_TEST

Suite *notify_staff_suite (void)
{
    Suite *su = suite_create ("notify_staff");
    TCase *tc = tcase_create ("staff");
    tcase_add_checked_fixture (tc, setup, teardown);
    tcase_add_test (tc, at_risk_told_to_the_units_leaders_and_editors);
    tcase_add_test (tc, digests_once_a_day);
    tcase_add_test (tc, a_members_notifications);
    tcase_add_test (tc, accounts_keep_their_newest_version);
    suite_add_tcase (su, tc);
    return su;
}
