#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_text.h"
#include "open311/open311_map.h"
#include "suites.h"

START_TEST (services_and_attributes)
{
    ck_assert_uint_eq (o311_n_services, 2);
    ck_assert_str_eq (o311_service_find ("report")->name, "Phản ánh");
    ck_assert_str_eq (o311_service_find ("recommendation")->name, "Kiến nghị");
    ck_assert_ptr_null (o311_service_find ("complaint"));
    ck_assert_ptr_null (o311_service_find (NULL));
    const char *codes[] = {"title", "procedure_code", "regulation_ref", "organization"};
    for (int i = 0; i < 4; i++) {
        const o311_attribute *a = o311_attribute_find (codes[i]);
        ck_assert_ptr_nonnull (a);
        ck_assert_int_eq (a->order, i + 1);
        ck_assert (strcmp (a->datatype, "string") == 0 || strcmp (a->datatype, "text") == 0);
        ck_assert (loa_utf8_valid (a->description) && loa_utf8_valid (a->datatype_description));
    }
    ck_assert_ptr_null (o311_attribute_find ("name"));
}
END_TEST

START_TEST (statuses_and_notes)
{
    const char *open[] = {"received", "assigned", "answered"};
    const char *closed[] = {"forwarded", "rejected", "published", "closed"};
    for (int i = 0; i < 3; i++)
        ck_assert_str_eq (o311_status (open[i]), "open");
    for (int i = 0; i < 4; i++)
        ck_assert_str_eq (o311_status (closed[i]), "closed");
    ck_assert_ptr_null (o311_status ("draft"));
    ck_assert_ptr_null (o311_status (NULL));
    char n[300];
    o311_status_notes ("published", "Sở đã sửa quy trình.", NULL, NULL, n, sizeof n);
    ck_assert_str_eq (n, "Sở đã sửa quy trình.");
    o311_status_notes ("forwarded", NULL, NULL, "Sở Tư pháp", n, sizeof n);
    ck_assert_str_eq (n, "Đã chuyển đến Sở Tư pháp để xem xét, xử lý theo thẩm quyền.");
    o311_status_notes ("forwarded", NULL, NULL, "", n, sizeof n);
    ck_assert_str_eq (n, "Đã chuyển đến cơ quan có thẩm quyền để xem xét, xử lý.");
    o311_status_notes ("assigned", NULL, "Phòng Đăng ký kinh doanh", NULL, n, sizeof n);
    ck_assert_str_eq (n, "Đang được Phòng Đăng ký kinh doanh xem xét, trả lời.");
    o311_status_notes ("rejected", NULL, NULL, NULL, n, sizeof n);
    ck_assert_ptr_nonnull (strstr (n, "Không tiếp nhận"));
    o311_status_notes ("weird", NULL, NULL, NULL, n, sizeof n);
    ck_assert_str_eq (n, "");
}
END_TEST

static void title (const char *d, size_t max, const char *want)
{
    char out[4 * 300 + 1];
    o311_title (d, max, out, sizeof out);
    ck_assert_str_eq (out, want);
    ck_assert (loa_utf8_valid (out));
    ck_assert_uint_le (loa_utf8_length (out), max);
}

START_TEST (title_from_description)
{
    title ("Thủ tục đăng ký quá phức tạp\nChi tiết: ...", 300, "Thủ tục đăng ký quá phức tạp");
    title ("\r\n   \n  Dòng đầu\t\tcó   nhiều  khoảng trắng  \r\nsau", 300,
           "Dòng đầu có nhiều khoảng trắng");
    title ("", 300, "");
    title (" \n\t\n", 300, "");
    title (NULL, 300, "");
    /* Exactly at the limit: kept whole. */
    title ("một hai ba", 10, "một hai ba");
    /* Over: cut at a word boundary, "…" included in the limit. */
    title ("một hai ba bốn", 10, "một hai…");
    title ("một hai ba", 9, "một hai…");
    title ("abcdefghijklmnop", 10, "abcdefghi…");
    title ("Đăng ký thành lập doanh nghiệp", 12, "Đăng ký…");
}
END_TEST

START_TEST (title_of_300_characters)
{
    char d[4000] = "";
    for (int i = 0; i < 80; i++)
        strcat (d, "Vướng ");
    char out[4 * 300 + 1];
    o311_title (d, 300, out, sizeof out);
    ck_assert_uint_le (loa_utf8_length (out), 300);
    ck_assert_uint_eq (loa_utf8_length (out), 49 * 6 + 5 + 1); /* 49 words and a 50th, then … */
    ck_assert_ptr_nonnull (strstr (out, "Vướng…"));
    /* Four-byte characters fill the buffer exactly. */
    char e[2000] = "";
    for (int i = 0; i < 310; i++)
        strcat (e, "😀");
    o311_title (e, 300, out, sizeof out);
    ck_assert_uint_eq (loa_utf8_length (out), 300);
    ck_assert (loa_utf8_valid (out));
}
END_TEST

START_TEST (full_name_family_first)
{
    char n[64];
    o311_full_name ("  Văn An ", " Nguyễn", n, sizeof n);
    ck_assert_str_eq (n, "Nguyễn Văn An");
    o311_full_name ("An", NULL, n, sizeof n);
    ck_assert_str_eq (n, "An");
    o311_full_name (NULL, "Nguyễn", n, sizeof n);
    ck_assert_str_eq (n, "Nguyễn");
    o311_full_name ("  ", " ", n, sizeof n);
    ck_assert_str_eq (n, "");
    o311_full_name (NULL, NULL, n, sizeof n);
    ck_assert_str_eq (n, "");
}
END_TEST

static int64_t t (const char *s, int end)
{
    int64_t us = 0;
    ck_assert_msg (o311_parse_time (s, end, &us), "%s should parse", s);
    return us;
}

START_TEST (w3c_times)
{
    ck_assert_int_eq (t ("1970-01-01T00:00:00Z", 0), 0);
    ck_assert_int_eq (t ("2010-01-01T00:00:00Z", 0), 1262304000LL * 1000000);
    ck_assert_int_eq (t ("2022-02-15T08:00:00+07:00", 0), t ("2022-02-15T01:00:00Z", 0));
    ck_assert_int_eq (t ("1994-11-05T08:15:30-05:00", 0), t ("1994-11-05T13:15:30Z", 0));
    ck_assert_int_eq (t ("2022-02-15T08:00+07:00", 0), t ("2022-02-15T01:00:00z", 0));
    ck_assert_int_eq (t ("2022-02-15T08:00:00.25+07:00", 0),
                      t ("2022-02-15T01:00:00Z", 0) + 250000);
    ck_assert_int_eq (t ("2022-02-15", 0), t ("2022-02-15T00:00:00+07:00", 0));
    ck_assert_int_eq (t ("2022-02-15", 1), t ("2022-02-16T00:00:00+07:00", 0) - 1);
    ck_assert_int_eq (t ("2024-02-29T12:00:00Z", 0),
                      t ("2024-03-01T12:00:00Z", 0) - 86400LL * 1000000);
    int64_t us;
    const char *bad[] = {"2022-02-15T08:00:00",
                         "2022-02-30",
                         "2023-02-29T00:00:00Z",
                         "22-02-15",
                         "2022-02-15T24:00:00Z",
                         "2022-02-15T08:00:00+0700",
                         "2022-02-15X",
                         "2022-02-15T08:00:00Z junk",
                         "",
                         "1899-12-31",
                         "2022-13-01",
                         "2022-02-15T08:00:00.+07:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg (!o311_parse_time (bad[i], 0, &us), "%s should not parse", bad[i]);
    char out[40];
    o311_format_time (t ("2022-02-15T01:00:00Z", 0), out);
    ck_assert_str_eq (out, "2022-02-15T08:00:00+07:00");
    o311_format_time (t ("2021-12-31T17:00:00.5Z", 0), out);
    ck_assert_str_eq (out, "2022-01-01T00:00:00.500000+07:00");
    o311_format_time (t ("1969-12-31T16:59:59Z", 0), out);
    ck_assert_str_eq (out, "1969-12-31T23:59:59+07:00");
}
END_TEST

START_TEST (window_of_90_days)
{
    char from[40], to[40], why[200];
    int64_t now = t ("2022-04-01T10:00:00+07:00", 0);
    ck_assert_ptr_null (o311_window (NULL, NULL, now, from, to, why, sizeof why));
    ck_assert_str_eq (from, "2022-01-01T10:00:00+07:00");
    ck_assert_str_eq (to, "2022-04-01T10:00:00+07:00");
    ck_assert_ptr_null (o311_window ("2022-01-01T00:00:00Z", "", now, from, to, why, sizeof why));
    ck_assert_str_eq (from, "2022-01-01T07:00:00+07:00");
    ck_assert_str_eq (to, "2022-04-01T07:00:00+07:00");
    ck_assert_ptr_null (o311_window (NULL, "2022-03-31", now, from, to, why, sizeof why));
    ck_assert_str_eq (to, "2022-03-31T23:59:59.999999+07:00");
    ck_assert_str_eq (from, "2021-12-31T23:59:59.999999+07:00");
    /* Whole days: 1 January to 31 March 2022 is 90 days. */
    ck_assert_ptr_null (o311_window ("2022-01-01", "2022-03-31", now, from, to, why, sizeof why));
    ck_assert_str_eq (from, "2022-01-01T00:00:00+07:00");
    ck_assert_str_eq (o311_window ("2022-01-01", "2022-04-01", now, from, to, why, sizeof why),
                      "end_date");
    ck_assert_ptr_nonnull (strstr (why, "90 ngày"));
    ck_assert_str_eq (o311_window ("2022-03-01T00:00:00Z", "2022-02-01T00:00:00Z", now, from, to,
                                   why, sizeof why),
                      "end_date");
    ck_assert_str_eq (o311_window ("yesterday", NULL, now, from, to, why, sizeof why),
                      "start_date");
    ck_assert_str_eq (o311_window (NULL, "2022-03-01T00:00:00", now, from, to, why, sizeof why),
                      "end_date");
    ck_assert_ptr_nonnull (strstr (why, "múi giờ"));
}
END_TEST

START_TEST (fields_of_errors)
{
    ck_assert_str_eq (o311_field ("submitter.phone", 0), "phone");
    ck_assert_str_eq (o311_field ("submitter.email", 0), "email");
    ck_assert_str_eq (o311_field ("submitter.address", 0), "address_string");
    ck_assert_str_eq (o311_field ("submitter.name", 0), "first_name, last_name");
    ck_assert_str_eq (o311_field ("content", 0), "description");
    ck_assert_str_eq (o311_field ("title", 0), "description");
    ck_assert_str_eq (o311_field ("title", 1), "attribute[title]");
    ck_assert_str_eq (o311_field ("kind", 0), "service_code");
    ck_assert_str_eq (o311_field ("procedure_code", 0), "attribute[procedure_code]");
    ck_assert_str_eq (o311_field ("Idempotency-Key", 0), "Idempotency-Key");
}
END_TEST

START_TEST (arguments)
{
    ck_assert_int_eq (o311_form_type (NULL), 1);
    ck_assert_int_eq (o311_form_type ("application/x-www-form-urlencoded"), 1);
    ck_assert_int_eq (o311_form_type ("Application/X-WWW-Form-Urlencoded ; charset=\"UTF-8\""), 1);
    ck_assert_int_eq (o311_form_type ("application/x-www-form-urlencoded; charset=utf8"), 1);
    ck_assert_int_eq (o311_form_type ("application/x-www-form-urlencoded; charset=latin1"), 0);
    ck_assert_int_eq (o311_form_type ("application/x-www-form-urlencodedx"), 0);
    ck_assert_int_eq (o311_form_type ("multipart/form-data; boundary=x"), 0);
    ck_assert_int_eq (o311_form_type (""), 0);

    char code[O311_MAX_CODE + 1] = "untouched";
    ck_assert_str_eq (o311_tracking_code ("pakn.20220325.7kq2zd", code, sizeof code),
                      "PAKN.20220325.7KQ2ZD");
    ck_assert_str_eq (o311_tracking_code ("12-34", code, sizeof code), "12-34");
    char bad[O311_MAX_CODE + 2];
    memset (bad, 'A', sizeof bad - 1);
    bad[sizeof bad - 1] = '\0'; /* 65 characters */
    ck_assert_ptr_null (o311_tracking_code (bad, code, sizeof code));
    ck_assert_ptr_null (o311_tracking_code ("", code, sizeof code));
    ck_assert_ptr_null (o311_tracking_code (NULL, code, sizeof code));
    ck_assert_ptr_null (o311_tracking_code ("AB CD", code, sizeof code));
    ck_assert_ptr_null (o311_tracking_code ("mã", code, sizeof code));
    ck_assert_str_eq (code, "12-34"); /* a refused code leaves out alone */

    char list[] = " a , ,b,, c d ,", *items[2];
    size_t total = 9;
    ck_assert_uint_eq (o311_split (list, items, 2, &total), 2);
    ck_assert_uint_eq (total, 3);
    ck_assert_str_eq (items[0], "a");
    ck_assert_str_eq (items[1], "b");
    ck_assert_uint_eq (o311_split (NULL, items, 2, &total), 0);
    ck_assert_uint_eq (total, 0);
}
END_TEST

Suite *open311_map_suite (void)
{
    Suite *s = suite_create ("gateway/open311_map");
    TCase *tc = tcase_create ("open311_map");
    tcase_add_test (tc, services_and_attributes);
    tcase_add_test (tc, statuses_and_notes);
    tcase_add_test (tc, title_from_description);
    tcase_add_test (tc, title_of_300_characters);
    tcase_add_test (tc, full_name_family_first);
    tcase_add_test (tc, w3c_times);
    tcase_add_test (tc, window_of_90_days);
    tcase_add_test (tc, fields_of_errors);
    tcase_add_test (tc, arguments);
    suite_add_tcase (s, tc);
    return s;
}
