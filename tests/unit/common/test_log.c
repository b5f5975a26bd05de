#include <string.h>

#include "loa_log.h"
#include "loa_text.h"
#include "suites.h"

START_TEST (escape_keeps_vietnamese)
{
    char buf[128];
    loa_log_escape (buf, sizeof buf, "Thanh tra Sở: đã tiếp nhận");
    ck_assert_str_eq (buf, "Thanh tra Sở: đã tiếp nhận");
}
END_TEST

START_TEST (escape_quotes_controls_and_bad_bytes)
{
    char buf[128];
    loa_log_escape (buf, sizeof buf, "a\"b\\c\nd\te\x01");
    ck_assert_str_eq (buf, "a\\\"b\\\\c\\nd\\u0009e\\u0001");
    loa_log_escape (buf, sizeof buf, "x\xff\xc3(y");
    ck_assert_str_eq (buf, "x\xEF\xBF\xBD\xEF\xBF\xBD(y");
}
END_TEST

START_TEST (escape_never_cuts_a_character)
{
    char buf[8];
    size_t n = loa_log_escape (buf, sizeof buf, "ệệệệ"); /* 3 bytes each */
    ck_assert_uint_eq (n, 6);
    ck_assert (loa_utf8_valid (buf));
    n = loa_log_escape (buf, sizeof buf, "\"\"\"\"\"");
    ck_assert_uint_eq (n, 6);
    ck_assert_str_eq (buf, "\\\"\\\"\\\"");
}
END_TEST

START_TEST (utf8_validation)
{
    ck_assert (loa_utf8_valid ("cải cách hành chính"));
    ck_assert (!loa_utf8_valid ("\xc0\xaf")); /* overlong '/' */
    ck_assert (!loa_utf8_valid ("\xed\xa0\x80")); /* surrogate */
    ck_assert (!loa_utf8_valid ("\xf4\x90\x80\x80")); /* beyond U+10FFFF */
    ck_assert (!loa_utf8_valid ("abc\xe1\xba")); /* truncated */
    ck_assert_uint_eq (loa_utf8_length ("Đăng ký"), 7);
    ck_assert (loa_text_blank ("  \t\n"));
    ck_assert (loa_text_blank (NULL));
    ck_assert (!loa_text_blank (" a "));
}
END_TEST

Suite *log_suite (void)
{
    Suite *s = suite_create ("log");
    TCase *tc = tcase_create ("escape");
    tcase_add_test (tc, escape_keeps_vietnamese);
    tcase_add_test (tc, escape_quotes_controls_and_bad_bytes);
    tcase_add_test (tc, escape_never_cuts_a_character);
    tcase_add_test (tc, utf8_validation);
    suite_add_tcase (s, tc);
    return s;
}
