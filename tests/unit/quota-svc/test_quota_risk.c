/* quota_risk: the at-risk sweep against a real PostgreSQL schema migrated
 * with quota-svc's own migrations: nothing before the 20th (Asia/Ho_Chi_Minh,
 * exact at midnight), then one quota.at_risk event per active unit not yet
 * meeting the month's rule (not for a unit that met it, nor an inactive
 * one), never twice for a unit and month, again in the next month, and
 * none in a month whose rule asks for nothing. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loa_db.h"
#include "quota-svc/quota_fixture.h"
#include "quota_ops.pb-c.h"
#include "quota_risk.h"
#include "quota_store.h"
#include "suites.h"

/* Unix time of a local (+07:00) date and time. */
static int64_t local (int y, int mo, int d, int h, int mi)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    return (int64_t) timegm (&tm) - 7 * 3600;
}

/* The unit ids of the quota.at_risk events in the outbox for `month`,
 * decoded from their payloads, as "id,id,..." in outbox order; also checks
 * each payload's figures against `articles`/`cchc` of unit 2 when seen. */
static const char *events_of (PGconn *db, const char *month)
{
    static char out[128];
    out[0] = '\0';
    PGresult *res = PQexecParams (db,
                                  "SELECT payload FROM outbox WHERE topic = 'quota.at_risk' "
                                  "ORDER BY id",
                                  0, NULL, NULL, NULL, NULL, 1);
    ck_assert_int_eq (PQresultStatus (res), PGRES_TUPLES_OK);
    for (int i = 0; i < PQntuples (res); i++) {
        Loa__Quota__QuotaAtRiskEvent *ev = loa__quota__quota_at_risk_event__unpack (
            NULL, (size_t) PQgetlength (res, i, 0), (const uint8_t *) PQgetvalue (res, i, 0));
        ck_assert_ptr_nonnull (ev);
        if (strcmp (ev->month, month) == 0) {
            char id[24];
            snprintf (id, sizeof id, "%s%lld", out[0] ? "," : "", (long long) ev->unit_id);
            strncat (out, id, sizeof out - strlen (out) - 1);
            if (ev->unit_id == 2 && strcmp (month, "2022-03") == 0) {
                ck_assert_str_eq (ev->unit_code, "KT");
                ck_assert_str_eq (ev->unit_name, "Phòng Kinh tế ngành");
                ck_assert_int_eq (ev->articles, 4);
                ck_assert_int_eq (ev->cchc_articles, 0);
                ck_assert_int_eq (ev->min_articles, 4);
                ck_assert_int_eq (ev->min_cchc_articles, 1);
            }
        }
        loa__quota__quota_at_risk_event__free_unpacked (ev, NULL);
    }
    PQclear (res);
    return out;
}

START_TEST (test_sweep_flags_once_from_the_20th)
{
    test_schema s;
    quota_test_schema (&s, "t_qrisk", "test_quota_risk");
    ck_assert_int_eq (
        loa_db_exec (s.db, "INSERT INTO units (unit_id, code, name, is_active, event_seq) VALUES "
                           "(1, 'VP', 'Văn phòng Sở', true, 1), "
                           "(2, 'KT', 'Phòng Kinh tế ngành', true, 2), "
                           "(3, 'CU', 'Đơn vị đã giải thể', false, 3)"),
        0);
    /* March 2022: unit 1 meets 4/1; unit 2 has 4 articles but no CCHC one. */
    ck_assert_int_eq (
        loa_db_exec (s.db,
                     "INSERT INTO articles (article_id, unit_id, month, is_cchc, retracted, "
                     "event_seq) SELECT g, CASE WHEN g <= 4 THEN 1 ELSE 2 END, '2022-03', g = 1, "
                     "false, g FROM generate_series(1, 8) g"),
        0);

    ck_assert_int_eq (quota_risk_sweep (s.db, local (2022, 3, 19, 23, 59)), 0);
    ck_assert_str_eq (events_of (s.db, "2022-03"), "");

    ck_assert_int_eq (quota_risk_sweep (s.db, local (2022, 3, 20, 0, 0)), 1);
    ck_assert_str_eq (events_of (s.db, "2022-03"), "2");
    ck_assert_int_eq (quota_risk_sweep (s.db, local (2022, 3, 25, 10, 0)), 0);
    ck_assert_int_eq (quota_risk_sweep (s.db, local (2022, 3, 31, 23, 59)), 0);
    ck_assert_str_eq (events_of (s.db, "2022-03"), "2");

    /* A unit created late in the month is flagged at the next sweep. */
    ck_assert_int_eq (loa_db_exec (s.db, "INSERT INTO units (unit_id, code, name, is_active, "
                                         "event_seq) VALUES (4, 'MOI', 'Phòng mới', true, 4)"),
                      0);
    ck_assert_int_eq (quota_risk_sweep (s.db, local (2022, 3, 31, 23, 59)), 1);
    ck_assert_str_eq (events_of (s.db, "2022-03"), "2,4");

    /* April: nothing published by anyone; the 1st to the 19th stay quiet. */
    ck_assert_int_eq (quota_risk_sweep (s.db, local (2022, 4, 1, 0, 0)), 0);
    ck_assert_int_eq (quota_risk_sweep (s.db, local (2022, 4, 20, 8, 0)), 3);
    ck_assert_str_eq (events_of (s.db, "2022-04"), "1,2,4");
    ck_assert_int_eq (test_query_int (s.db, "SELECT count(*) FROM at_risk_events"), 5);

    /* A month whose rule asks for nothing puts nobody at risk. */
    ck_assert_int_eq (loa_db_exec (s.db, "INSERT INTO rules (effective_from, min_articles, "
                                         "min_cchc_articles) VALUES ('2022-05', 0, 0)"),
                      0);
    ck_assert_int_eq (quota_risk_sweep (s.db, local (2022, 5, 25, 8, 0)), 0);
    ck_assert_str_eq (events_of (s.db, "2022-05"), "");
    ck_assert_int_eq (PQtransactionStatus (s.db), PQTRANS_IDLE);
    test_schema_fini (&s);
}
END_TEST

Suite *quota_risk_suite (void)
{
    Suite *s = suite_create ("quota_risk");
    TCase *tc = tcase_create ("sweep");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_sweep_flags_once_from_the_20th);
    suite_add_tcase (s, tc);
    return s;
}
