/* Tests of gw_quota_accepts_csv (gateway/quota/report.c): whether an
 * Accept header asks the quota report for CSV. */
#include "quota/quota.h"
#include "suites.h"

START_TEST (csv_asked)
{
    ck_assert_int_eq (gw_quota_accepts_csv ("text/csv"), 1);
    ck_assert_int_eq (gw_quota_accepts_csv ("Text/CSV; charset=utf-8"), 1);
    ck_assert_int_eq (gw_quota_accepts_csv ("application/json, text/csv;q=0.5"), 1);
    ck_assert_int_eq (gw_quota_accepts_csv ("text/csv;q=0.001"), 1);
    ck_assert_int_eq (gw_quota_accepts_csv ("text/csv;q=1"), 1);
    ck_assert_int_eq (gw_quota_accepts_csv (" text/csv ; q = 0.7 "), 1);
}
END_TEST

START_TEST (csv_not_asked)
{
    ck_assert_int_eq (gw_quota_accepts_csv (NULL), 0);
    ck_assert_int_eq (gw_quota_accepts_csv (""), 0);
    ck_assert_int_eq (gw_quota_accepts_csv ("*/*"), 0);
    ck_assert_int_eq (gw_quota_accepts_csv ("text/*"), 0);
    ck_assert_int_eq (gw_quota_accepts_csv ("application/json"), 0);
    ck_assert_int_eq (gw_quota_accepts_csv ("text/csvx"), 0);
    ck_assert_int_eq (gw_quota_accepts_csv ("text/csv;q=0"), 0);
    ck_assert_int_eq (gw_quota_accepts_csv ("text/csv;Q=0.000"), 0);
    ck_assert_int_eq (gw_quota_accepts_csv ("text/csv;q=\"0.0\""), 0);
    ck_assert_int_eq (gw_quota_accepts_csv ("application/json;a=\"text/csv, x\""), 0);
}
END_TEST

/* The old reading looked for "q=" with strstr: "xq=0" was a q of 0, and a
 * blank between "q=0" and the next comma made the range asked for. */
START_TEST (q_is_the_parameter_q)
{
    ck_assert_int_eq (gw_quota_accepts_csv ("text/csv;xq=0"), 1);
    ck_assert_int_eq (gw_quota_accepts_csv ("text/csv;q=0 , application/json"), 0);
    ck_assert_int_eq (gw_quota_accepts_csv ("text/csv;q=0\t,text/html"), 0);
    ck_assert_int_eq (gw_quota_accepts_csv ("text/csv;level=\"q=0\""), 1);
}
END_TEST

Suite *quota_accept_suite (void)
{
    Suite *s = suite_create ("gateway/quota_accept");
    TCase *tc = tcase_create ("quota_accept");
    tcase_add_test (tc, csv_asked);
    tcase_add_test (tc, csv_not_asked);
    tcase_add_test (tc, q_is_the_parameter_q);
    suite_add_tcase (s, tc);
    return s;
}
