/* The addresses the sitemap and the Atom feeds write (gateway/portal/
 * seo_doc.c): absolute under LOA_PUBLIC_URL, an article's slug
 * percent-encoded, none past the sitemap protocol's 2,048 characters. */
#include <stdlib.h>
#include <string.h>

#include "portal/seo_int.h"
#include "suites.h"

/* loa_public_url reads LOA_PUBLIC_URL once: set before the first test. */
static void public_url (void) { setenv ("LOA_PUBLIC_URL", "https://loa.example.vn", 1); }

START_TEST (urls_are_absolute)
{
    char out[SEO_URL_MAX + 1];
    ck_assert_int_eq (seo_url ("/sitemap.xml", out, sizeof out), 0);
    ck_assert_str_eq (out, "https://loa.example.vn/sitemap.xml");
    ck_assert_int_eq (seo_article_url ("thong-bao-tuyen-dung_2026.v1~", out, sizeof out), 0);
    ck_assert_str_eq (out, "https://loa.example.vn/tin-tuc/thong-bao-tuyen-dung_2026.v1~");
}
END_TEST

START_TEST (slugs_are_percent_encoded)
{
    char out[SEO_URL_MAX + 1];
    /* Whatever a slug holds, the path stays one segment of safe bytes. */
    ck_assert_int_eq (seo_article_url ("a b/../é?x=<&>\"", out, sizeof out), 0);
    ck_assert_str_eq (out, "https://loa.example.vn/tin-tuc/a%20b%2F..%2F%C3%A9%3Fx%3D%3C%26%3E%22");
}
END_TEST

START_TEST (too_long_is_refused)
{
    char out[SEO_URL_MAX + 1], small[20];
    char slug[SEO_URL_MAX];
    memset (slug, 'a', sizeof slug - 1);
    slug[sizeof slug - 1] = '\0';
    ck_assert_int_eq (seo_article_url (slug, out, sizeof out), -1);
    ck_assert_int_eq (seo_url ("/sitemap.xml", small, sizeof small), -1);
    /* Exactly 2,048 characters is still an address. */
    size_t base = strlen ("https://loa.example.vn/tin-tuc/");
    slug[SEO_URL_MAX - base] = '\0';
    ck_assert_int_eq (seo_article_url (slug, out, sizeof out), 0);
    ck_assert_uint_eq (strlen (out), SEO_URL_MAX);
}
END_TEST

Suite *seo_suite (void)
{
    Suite *s = suite_create ("gateway/seo");
    TCase *tc = tcase_create ("seo");
    tcase_add_unchecked_fixture (tc, public_url, NULL);
    tcase_add_test (tc, urls_are_absolute);
    tcase_add_test (tc, slugs_are_percent_encoded);
    tcase_add_test (tc, too_long_is_refused);
    suite_add_tcase (s, tc);
    return s;
}
