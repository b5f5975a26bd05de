/* quota_month: the month of a timestamp in Asia/Ho_Chi_Minh, exactly at
 * the boundaries (docs/api/quota.md: 2022-03-31 23:59 +07:00 is March, 2022-04-01
 * 00:00 +07:00 is April). */
#include <check.h>

#include "quota_month.h"
#include "suites.h"

static const char *month_of (const char *ts)
{
    static char out[QUOTA_MONTH_SIZE];
    if (quota_month_of (ts, out) != 0)
        return "error";
    return out;
}

START_TEST (test_boundary_local)
{
    ck_assert_str_eq (month_of ("2022-03-31T23:59:00+07:00"), "2022-03");
    ck_assert_str_eq (month_of ("2022-03-31T23:59:59.999999+07:00"), "2022-03");
    ck_assert_str_eq (month_of ("2022-04-01T00:00:00+07:00"), "2022-04");
    ck_assert_str_eq (month_of ("2022-01-01T00:00:00+07:00"), "2022-01");
    ck_assert_str_eq (month_of ("2021-12-31T23:59:59+07:00"), "2021-12");
}
END_TEST

START_TEST (test_boundary_other_offsets)
{
    /* 2022-03-31 17:00 UTC is 2022-04-01 00:00 in Hanoi. */
    ck_assert_str_eq (month_of ("2022-03-31T16:59:59Z"), "2022-03");
    ck_assert_str_eq (month_of ("2022-03-31T17:00:00Z"), "2022-04");
    ck_assert_str_eq (month_of ("2022-03-31T17:00:00z"), "2022-04");
    ck_assert_str_eq (month_of ("2022-04-01T01:00:00+09:00"), "2022-03");
    ck_assert_str_eq (month_of ("2022-03-31T12:00:00-05:00"), "2022-04");
    ck_assert_str_eq (month_of ("2022-02-28T17:00:00Z"), "2022-03");
    ck_assert_str_eq (month_of ("2024-02-29T10:00:00+07:00"), "2024-02");
    ck_assert_str_eq (month_of ("2022-12-31T17:00:00Z"), "2023-01");
    ck_assert_str_eq (month_of ("2022-03-31 23:59:00+07:00"), "2022-03");
}
END_TEST

START_TEST (test_rejects)
{
    ck_assert_str_eq (month_of (""), "error");
    ck_assert_str_eq (month_of (NULL), "error");
    ck_assert_str_eq (month_of ("2022-03-31"), "error");
    ck_assert_str_eq (month_of ("2022-03-31T23:59:00"), "error"); /* no offset */
    ck_assert_str_eq (month_of ("2022-02-30T10:00:00+07:00"), "error"); /* no such day */
    ck_assert_str_eq (month_of ("2022-13-01T10:00:00+07:00"), "error");
    ck_assert_str_eq (month_of ("2022-03-31T24:00:00+07:00"), "error");
    ck_assert_str_eq (month_of ("2022-03-31T23:59:00+0700"), "error");
    ck_assert_str_eq (month_of ("2022-03-31T23:59:00.+07:00"), "error");
    ck_assert_str_eq (month_of ("2022-03-31T23:59:00+07:00x"), "error");
}
END_TEST

START_TEST (test_month_valid_and_at)
{
    ck_assert (quota_month_valid ("2022-03"));
    ck_assert (quota_month_valid ("2022-12"));
    ck_assert (!quota_month_valid ("2022-13"));
    ck_assert (!quota_month_valid ("2022-00"));
    ck_assert (!quota_month_valid ("2022-3"));
    ck_assert (!quota_month_valid ("2022-03-01"));
    ck_assert (!quota_month_valid ("abcd-ef"));
    ck_assert (!quota_month_valid (""));
    char m[QUOTA_MONTH_SIZE];
    int mday;
    quota_month_at (1648745999, m, &mday); /* 2022-03-31T23:59:59+07:00 */
    ck_assert_str_eq (m, "2022-03");
    ck_assert_int_eq (mday, 31);
    quota_month_at (1648746000, m, &mday); /* 2022-04-01T00:00:00+07:00 */
    ck_assert_str_eq (m, "2022-04");
    ck_assert_int_eq (mday, 1);
}
END_TEST

Suite *quota_month_suite (void)
{
    Suite *s = suite_create ("quota_month");
    TCase *tc = tcase_create ("core");
    tcase_add_test (tc, test_boundary_local);
    tcase_add_test (tc, test_boundary_other_offsets);
    tcase_add_test (tc, test_rejects);
    tcase_add_test (tc, test_month_valid_and_at);
    suite_add_tcase (s, tc);
    return s;
}
