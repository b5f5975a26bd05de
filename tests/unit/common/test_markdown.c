#include <stdlib.h>
#include <string.h>

#include "loa_markdown.h"
#include "suites.h"

static char *render (const char *md) { return loa_markdown_html (md, strlen (md)); }

START_TEST (renders_commonmark)
{
    char *h = render ("# Cải cách hành chính\n\nĐăng ký **kinh doanh** [trực "
                      "tuyến](https://dichvucong.gov.vn/).\n");
    ck_assert_ptr_nonnull (h);
    ck_assert_ptr_nonnull (strstr (h, "<h1>Cải cách hành chính</h1>"));
    ck_assert_ptr_nonnull (strstr (h, "<strong>kinh doanh</strong>"));
    ck_assert_ptr_nonnull (strstr (h, "<a href=\"https://dichvucong.gov.vn/\">trực tuyến</a>"));
    free (h);
}
END_TEST

START_TEST (raw_html_is_not_passed_through)
{
    char *h = render ("<script>alert(1)</script>\n\nA <img src=x onerror=alert(1)> b <b>c</b>\n");
    ck_assert_ptr_nonnull (h);
    ck_assert_ptr_null (strstr (h, "<script"));
    ck_assert_ptr_null (strstr (h, "<img"));
    ck_assert_ptr_null (strstr (h, "onerror"));
    ck_assert_ptr_null (strstr (h, "<b>"));
    free (h);
}
END_TEST

START_TEST (dangerous_urls_are_dropped)
{
    char *h = render (
        "[x](javascript:alert(1)) ![y](data:text/html;base64,PHNjcmlwdD4=) [z](VBScript:msgbox)\n");
    ck_assert_ptr_nonnull (h);
    ck_assert_ptr_null (strcasestr (h, "javascript:"));
    ck_assert_ptr_null (strcasestr (h, "vbscript:"));
    ck_assert_ptr_null (strstr (h, "data:text/html"));
    free (h);
}
END_TEST

START_TEST (text_is_escaped)
{
    char *h = render ("1 < 2 && \"quotes\" > 'single'\n");
    ck_assert_ptr_nonnull (h);
    ck_assert_ptr_nonnull (strstr (h, "1 &lt; 2 &amp;&amp; &quot;quotes&quot; &gt;"));
    free (h);
    h = loa_markdown_html (NULL, 0);
    ck_assert_ptr_nonnull (h);
    ck_assert_str_eq (h, "");
    free (h);
}
END_TEST

Suite *markdown_suite (void)
{
    Suite *s = suite_create ("markdown");
    TCase *tc = tcase_create ("html");
    tcase_add_test (tc, renders_commonmark);
    tcase_add_test (tc, raw_html_is_not_passed_through);
    tcase_add_test (tc, dangerous_urls_are_dropped);
    tcase_add_test (tc, text_is_escaped);
    suite_add_tcase (s, tc);
    return s;
}
