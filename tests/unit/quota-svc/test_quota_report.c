/* quota_report: a month's verdict (met, pending, missed, at risk), what a
 * year adds up to (months elapsed: past months, and the current one once
 * met), percentages, years; the CSV writer (BOM, RFC 4180 quoting, CRLF,
 * the formula guard) and both CSV layouts byte for byte; and the year's
 * one query against a real schema: each month with its own rule (a rule
 * changed mid-year), units with nothing published, retracted articles not
 * counted, inactive units left out. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quota-svc/quota_fixture.h"
#include "quota_report.h"
#include "quota_store.h"
#include "suites.h"

static quota_store_cell cell (int64_t a, int64_t c, int min, int min_c)
{
    quota_store_cell x = {a, c, min, min_c};
    return x;
}

START_TEST (test_status)
{
    quota_store_cell met = cell (4, 1, 4, 1), short_cchc = cell (9, 0, 4, 1),
                     few = cell (3, 3, 4, 1);
    ck_assert_int_eq (quota_report_status (&met, "2022-03", "2022-05"), QUOTA_MET);
    ck_assert_int_eq (quota_report_status (&met, "2022-05", "2022-05"), QUOTA_MET);
    ck_assert_int_eq (quota_report_status (&short_cchc, "2022-04", "2022-05"), QUOTA_MISSED);
    ck_assert_int_eq (quota_report_status (&few, "2021-12", "2022-05"), QUOTA_MISSED);
    ck_assert_int_eq (quota_report_status (&few, "2022-05", "2022-05"), QUOTA_PENDING);
    ck_assert_int_eq (quota_report_status (&few, "2022-06", "2022-05"), QUOTA_NOT_DUE);
    ck_assert_int_eq (quota_report_status (&met, "2022-06", "2022-05"), QUOTA_MET);
    ck_assert_str_eq (quota_status_name (QUOTA_MET), "met");
    ck_assert_str_eq (quota_status_name (QUOTA_PENDING), "pending");
    ck_assert_str_eq (quota_status_name (QUOTA_MISSED), "missed");
    ck_assert_str_eq (quota_status_name (QUOTA_NOT_DUE), "not_due");
    ck_assert_str_eq (quota_status_label (QUOTA_MET), "\xC4\x90\xE1\xBA\xA1t"); /* Đạt */
    ck_assert_str_eq (quota_status_label (QUOTA_PENDING), "Chưa đạt");
    ck_assert_str_eq (quota_status_label (QUOTA_MISSED), "Không đạt");
    ck_assert_str_eq (quota_status_label (QUOTA_NOT_DUE), "Chưa đến hạn");
    /* At risk: the current month only, not met, from the 20th on. */
    ck_assert (!quota_report_at_risk (QUOTA_PENDING, "2022-05", "2022-05", 19));
    ck_assert (quota_report_at_risk (QUOTA_PENDING, "2022-05", "2022-05", 20));
    ck_assert (!quota_report_at_risk (QUOTA_MET, "2022-05", "2022-05", 25));
    ck_assert (!quota_report_at_risk (QUOTA_NOT_DUE, "2022-06", "2022-05", 25));
    ck_assert (!quota_report_at_risk (QUOTA_MISSED, "2022-04", "2022-05", 25));
}
END_TEST

START_TEST (test_year_and_percent)
{
    int y = 0;
    ck_assert (quota_report_parse_year ("2022", &y));
    ck_assert_int_eq (y, 2022);
    ck_assert (quota_report_parse_year ("2000", &y));
    ck_assert (!quota_report_parse_year ("1999", &y));
    ck_assert (!quota_report_parse_year ("22", &y));
    ck_assert (!quota_report_parse_year ("2022a", &y));
    ck_assert (!quota_report_parse_year ("20x2", &y));
    ck_assert (!quota_report_parse_year ("", &y));
    ck_assert (!quota_report_parse_year (NULL, &y));
    char m[8];
    quota_report_month_name (2022, 3, m);
    ck_assert_str_eq (m, "2022-03");
    quota_report_month_name (2022, 12, m);
    ck_assert_str_eq (m, "2022-12");
    ck_assert (quota_report_percent (0, 0) == 0.0);
    ck_assert (quota_report_percent (1, 3) == 33.3);
    ck_assert (quota_report_percent (2, 3) == 66.7);
    ck_assert (quota_report_percent (1, 8) == 12.5);
    ck_assert (quota_report_percent (5, 5) == 100.0);
}
END_TEST

START_TEST (test_year_counts)
{
    quota_store_year u = {1, (char *) "A", {{0}}, (char *) "A"};
    for (int m = 0; m < 12; m++)
        u.months[m] = cell (0, 0, 4, 1);
    u.months[0] = cell (4, 1, 4, 1); /* January met */
    u.months[1] = cell (3, 1, 4, 1); /* February missed */
    u.months[2] = cell (2, 1, 2, 1); /* March met under a lower rule */
    u.months[4] = cell (5, 2, 4, 1); /* May, the current month, met */
    u.months[5] = cell (1, 0, 4, 1); /* June, to come */
    quota_year_counts yc;
    /* In May: January to April are settled, May counts once met. */
    quota_report_year_counts (&u, 2022, "2022-05", &yc);
    ck_assert_int_eq (yc.months_elapsed, 5);
    ck_assert_int_eq (yc.months_met, 3);
    ck_assert_int_eq (yc.months_missed, 2);
    ck_assert_int_eq (yc.articles, 15);
    ck_assert_int_eq (yc.cchc_articles, 5);
    /* The current month not yet met is not held against the unit. */
    u.months[4] = cell (1, 0, 4, 1);
    quota_report_year_counts (&u, 2022, "2022-05", &yc);
    ck_assert_int_eq (yc.months_elapsed, 4);
    ck_assert_int_eq (yc.months_met, 2);
    ck_assert_int_eq (yc.months_missed, 2);
    /* A past year: all twelve; a year to come: none. */
    quota_report_year_counts (&u, 2022, "2023-01", &yc);
    ck_assert_int_eq (yc.months_elapsed, 12);
    ck_assert_int_eq (yc.months_met, 2);
    ck_assert_int_eq (yc.months_missed, 10);
    quota_report_year_counts (&u, 2022, "2021-12", &yc);
    ck_assert_int_eq (yc.months_elapsed, 0);
    ck_assert_int_eq (yc.months_met, 0);
}
END_TEST

/* One row of cells written with loa_csv_text, as a string (without the
 * BOM); static storage. */
static const char *csv_row (const char *const *cells, size_t n)
{
    static char out[512];
    loa_csv c;
    loa_csv_init (&c);
    for (size_t i = 0; i < n; i++)
        loa_csv_text (&c, cells[i]);
    loa_csv_end_row (&c);
    size_t len;
    char *doc = loa_csv_take (&c, &len);
    ck_assert_ptr_nonnull (doc);
    ck_assert_uint_eq (strlen (doc), len);
    ck_assert (memcmp (doc, "\xEF\xBB\xBF", 3) == 0);
    snprintf (out, sizeof out, "%s", doc + 3);
    free (doc);
    return out;
}

START_TEST (test_csv_quoting)
{
    const char *plain[] = {"Phòng Kế hoạch", "abc"};
    ck_assert_str_eq (csv_row (plain, 2), "Phòng Kế hoạch,abc\r\n");
    const char *special[] = {"a,b", "say \"hi\"", "two\nlines", "cr\rhere", ""};
    ck_assert_str_eq (csv_row (special, 5),
                      "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",\r\n");
    const char *quote_only[] = {"\""};
    ck_assert_str_eq (csv_row (quote_only, 1), "\"\"\"\"\r\n");
    /* Formula injection: a leading apostrophe; quoted as well when needed. */
    const char *formulas[] = {"=1+1", "+x", "-2", "@SUM(A1)", "\tx", "=HYPERLINK(\"a\",\"b\")"};
    ck_assert_str_eq (csv_row (formulas, 6), "'=1+1,'+x,'-2,'@SUM(A1),'\tx,"
                                             "\"'=HYPERLINK(\"\"a\"\",\"\"b\"\")\"\r\n");
    const char *cr_first[] = {"\rx"};
    ck_assert_str_eq (csv_row (cr_first, 1), "\"'\rx\"\r\n");
    /* Only a leading sign counts. */
    const char *inner[] = {"a=b", "1-2"};
    ck_assert_str_eq (csv_row (inner, 2), "a=b,1-2\r\n");
    /* Numbers and an empty document. */
    loa_csv c;
    loa_csv_init (&c);
    loa_csv_int (&c, 12);
    loa_csv_int (&c, 0);
    loa_csv_text (&c, NULL);
    loa_csv_end_row (&c);
    size_t len;
    char *doc = loa_csv_take (&c, &len);
    ck_assert_str_eq (doc, "\xEF\xBB\xBF"
                           "12,0,\r\n");
    free (doc);
    ck_assert_ptr_null (c.out.data);
}
END_TEST

START_TEST (test_month_csv)
{
    quota_store_tally rows[] = {
        {3, (char *) "Phòng \"Kế hoạch\", Tổng hợp", 4, 1, 4, 1, (char *) "KHTH"},
        {5, (char *) "=cmd", 1, 0, 4, 1, (char *) "-X"},
    };
    size_t len;
    char *doc = quota_report_month_csv ("2022-05", "2022-05", 21, rows, 2, &len);
    ck_assert_ptr_nonnull (doc);
    ck_assert_str_eq (doc, "\xEF\xBB\xBF"
                           "Mã đơn vị,Tên đơn vị,Tháng,Số bài,Số bài CCHC,Định mức,Định mức CCHC,"
                           "Kết quả,Nguy cơ không đạt\r\n"
                           "KHTH,\"Phòng \"\"Kế hoạch\"\", Tổng hợp\",2022-05,4,1,4,1,Đạt,Không\r\n"
                           "'-X,'=cmd,2022-05,1,0,4,1,Chưa đạt,Có\r\n");
    ck_assert_uint_eq (len, strlen (doc));
    free (doc);
    doc = quota_report_month_csv ("2022-04", "2022-05", 21, rows, 2, &len);
    ck_assert_ptr_nonnull (strstr (doc, "\r\n'-X,'=cmd,2022-04,1,0,4,1,Không đạt,Không\r\n"));
    free (doc);
}
END_TEST

START_TEST (test_year_csv)
{
    quota_store_year u = {7, (char *) "Thanh tra, Sở", {{0}}, (char *) "TTRA"};
    for (int m = 0; m < 12; m++)
        u.months[m] = cell (0, 0, 4, 1);
    u.months[0] = cell (4, 2, 4, 1);
    u.months[1] = cell (1, 0, 4, 1);
    size_t len;
    char *doc = quota_report_year_csv (2022, "2022-03", &u, 1, &len);
    ck_assert_ptr_nonnull (doc);
    char *second = strstr (doc, "\r\n");
    ck_assert_ptr_nonnull (second);
    ck_assert (strncmp (doc,
                        "\xEF\xBB\xBF"
                        "Mã đơn vị,Tên đơn vị,T01/2022 Số bài,T01/2022 Số bài CCHC,"
                        "T01/2022 Kết quả,T02/2022 Số bài,",
                        strlen ("\xEF\xBB\xBF"
                                "Mã đơn vị,Tên đơn vị,T01/2022 Số bài,T01/2022 Số bài CCHC,"
                                "T01/2022 Kết quả,T02/2022 Số bài,")) == 0);
    ck_assert (strncmp (second - strlen ("T12/2022 Kết quả,Số tháng đạt,Số tháng không đạt,"
                                         "Số tháng đã xét"),
                        "T12/2022 Kết quả,Số tháng đạt,Số tháng không đạt,Số tháng đã xét",
                        strlen ("T12/2022 Kết quả,Số tháng đạt,Số tháng không đạt,"
                                "Số tháng đã xét")) == 0);
    ck_assert_str_eq (second + 2,
                      "TTRA,\"Thanh tra, Sở\",4,2,Đạt,1,0,Không đạt,0,0,Chưa đạt,"
                      "0,0,Chưa đến hạn,0,0,Chưa đến hạn,0,0,Chưa đến hạn,0,0,Chưa đến hạn,"
                      "0,0,Chưa đến hạn,0,0,Chưa đến hạn,0,0,Chưa đến hạn,0,0,Chưa đến hạn,"
                      "0,0,Chưa đến hạn,1,1,2\r\n");
    free (doc);
}
END_TEST

/* ------------------------------------------------------------ the year's query */

static void exec_ok (PGconn *db, const char *sql)
{
    PGresult *res = PQexec (db, sql);
    ck_assert_msg (PQresultStatus (res) == PGRES_COMMAND_OK, "%s: %s", sql,
                   PQresultErrorMessage (res));
    PQclear (res);
}

START_TEST (test_store_year)
{
    test_schema s;
    quota_test_schema (&s, "t_qreport", "test_quota_report");
    exec_ok (s.db, "INSERT INTO units (unit_id, code, name, is_active, event_seq) VALUES "
                   "(2, 'B', 'Phòng B', true, 1), (1, 'A', 'Phòng A', true, 1), "
                   "(3, 'C', 'Phòng C (đã giải thể)', false, 1)");
    /* From April the rule is 2 articles, 0 CCHC; from 2023 6 and 2. */
    exec_ok (s.db, "INSERT INTO rules (effective_from, min_articles, min_cchc_articles) VALUES "
                   "('2022-04', 2, 0), ('2023-01', 6, 2)");
    /* Unit 1: 4 (1 CCHC) in January, 2 in April, one retracted in April,
     * 1 in December 2021 and 1 in January 2023 (other years). Unit 3 is
     * inactive. Unit 2 has nothing. */
    exec_ok (s.db, "INSERT INTO articles (article_id, unit_id, month, is_cchc, retracted, "
                   "event_seq) VALUES "
                   "(1, 1, '2022-01', true, false, 1), (2, 1, '2022-01', false, false, 2), "
                   "(3, 1, '2022-01', false, false, 3), (4, 1, '2022-01', false, false, 4), "
                   "(5, 1, '2022-04', false, false, 5), (6, 1, '2022-04', false, false, 6), "
                   "(7, 1, '2022-04', true, true, 7), (8, 1, '2021-12', true, false, 8), "
                   "(9, 1, '2023-01', true, false, 9), (10, 3, '2022-01', true, false, 10)");
    quota_store_year *units = NULL;
    size_t n = 0;
    ck_assert_int_eq (quota_store_report_year (s.db, 2022, &units, &n), 0);
    ck_assert_uint_eq (n, 2);
    ck_assert_int_eq (units[0].unit_id, 1);
    ck_assert_str_eq (units[0].unit_name, "Phòng A");
    ck_assert_str_eq (units[0].unit_code, "A");
    ck_assert_int_eq (units[1].unit_id, 2);
    const quota_store_cell *jan = &units[0].months[0], *mar = &units[0].months[2],
                           *apr = &units[0].months[3], *dec = &units[0].months[11];
    ck_assert_int_eq (jan->articles, 4);
    ck_assert_int_eq (jan->cchc_articles, 1);
    ck_assert_int_eq (jan->min_articles, 4);
    ck_assert_int_eq (jan->min_cchc_articles, 1);
    ck_assert_int_eq (mar->min_articles, 4);
    ck_assert_int_eq (apr->articles, 2);
    ck_assert_int_eq (apr->cchc_articles, 0);
    ck_assert_int_eq (apr->min_articles, 2);
    ck_assert_int_eq (apr->min_cchc_articles, 0);
    ck_assert_int_eq (dec->min_articles, 2);
    for (int m = 0; m < 12; m++)
        ck_assert_int_eq (units[1].months[m].articles, 0);
    quota_year_counts yc;
    quota_report_year_counts (&units[0], 2022, "2023-02", &yc);
    ck_assert_int_eq (yc.months_met, 2); /* January, April */
    ck_assert_int_eq (yc.months_elapsed, 12);
    ck_assert_int_eq (yc.articles, 6);
    ck_assert_int_eq (yc.cchc_articles, 1);
    quota_store_free_year (units, n);
    /* 2023: the later rule; a year without rows for a unit still lists it. */
    ck_assert_int_eq (quota_store_report_year (s.db, 2023, &units, &n), 0);
    ck_assert_uint_eq (n, 2);
    ck_assert_int_eq (units[0].months[0].articles, 1);
    ck_assert_int_eq (units[0].months[0].min_articles, 6);
    ck_assert_int_eq (units[1].months[5].min_cchc_articles, 2);
    quota_store_free_year (units, n);
    /* Before every rule: the earliest row, as the month's report does. */
    ck_assert_int_eq (quota_store_report_year (s.db, 2021, &units, &n), 0);
    ck_assert_int_eq (units[0].months[11].articles, 1);
    ck_assert_int_eq (units[0].months[11].min_articles, 4);
    quota_store_free_year (units, n);
    test_schema_fini (&s);
}
END_TEST

Suite *quota_report_suite (void)
{
    Suite *s = suite_create ("quota_report");
    TCase *tc = tcase_create ("core");
    tcase_set_timeout (tc, 30);
    tcase_add_test (tc, test_status);
    tcase_add_test (tc, test_year_and_percent);
    tcase_add_test (tc, test_year_counts);
    tcase_add_test (tc, test_csv_quoting);
    tcase_add_test (tc, test_month_csv);
    tcase_add_test (tc, test_year_csv);
    tcase_add_test (tc, test_store_year);
    suite_add_tcase (s, tc);
    return s;
}
