/* buf: appends, printf growth past the first block, bytes with NULs, the
 * take/free ownership hand-over, and a failed append losing the document
 * instead of handing out a truncated one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loa_buf.h"
#include "suites.h"

START_TEST (appends_and_takes)
{
    loa_buf b = {0};
    size_t len = 99;
    ck_assert_ptr_null (loa_buf_take (&b, &len)); /* nothing appended */
    ck_assert_uint_eq (len, 0);
    loa_buf_puts (&b, "Sở ");
    loa_buf_add (&b, "a\0b", 3);
    loa_buf_printf (&b, "%d-%s", 42, "Kế hoạch");
    ck_assert_uint_eq (b.len, strlen ("Sở ") + 3 + strlen ("42-Kế hoạch"));
    ck_assert_int_eq (b.data[b.len], '\0');
    char *doc = loa_buf_take (&b, &len);
    ck_assert_ptr_nonnull (doc);
    ck_assert_uint_eq (len, strlen ("Sở ") + 3 + strlen ("42-Kế hoạch"));
    ck_assert_mem_eq (doc, "Sở a\0b42-Kế hoạch", len);
    ck_assert_ptr_null (b.data); /* the caller owns it now */
    ck_assert_uint_eq (b.len, 0);
    free (doc);
}
END_TEST

START_TEST (printf_grows_past_the_first_block)
{
    loa_buf b = {0};
    char line[300];
    memset (line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    for (int i = 0; i < 100; i++)
        loa_buf_printf (&b, "%03d %s\n", i, line);
    ck_assert_uint_eq (b.len, 100 * (4 + 299 + 1));
    ck_assert (strncmp (b.data + 99 * 304, "099 xxx", 7) == 0);
    ck_assert_int_eq (b.failed, 0);
    loa_buf_free (&b);
    ck_assert_ptr_null (b.data);
    ck_assert_uint_eq (b.cap, 0);
}
END_TEST

START_TEST (a_failed_append_loses_the_document)
{
    loa_buf b = {0};
    loa_buf_puts (&b, "đầu");
    loa_buf_add (&b, "x", SIZE_MAX / 2); /* cannot be had */
    ck_assert_int_eq (b.failed, 1);
    loa_buf_puts (&b, "sau"); /* ignored once failed */
    ck_assert_uint_eq (b.len, strlen ("đầu"));
    size_t len = 7;
    ck_assert_ptr_null (loa_buf_take (&b, &len));
    ck_assert_uint_eq (len, 0);
    ck_assert_int_eq (b.failed, 0); /* empty and usable again */
    loa_buf_puts (&b, "mới");
    char *doc = loa_buf_take (&b, NULL);
    ck_assert_str_eq (doc, "mới");
    free (doc);
}
END_TEST

Suite *buf_suite (void)
{
    Suite *s = suite_create ("buf");
    TCase *tc = tcase_create ("buf");
    tcase_add_test (tc, appends_and_takes);
    tcase_add_test (tc, printf_grows_past_the_first_block);
    tcase_add_test (tc, a_failed_append_loses_the_document);
    suite_add_tcase (s, tc);
    return s;
}
