#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "media/blob.h"
#include "suites.h"

START_TEST (mime_allowlist_and_families)
{
    const char *ok[] = {"image/jpeg", "image/png",  "image/gif",       "image/webp",
                        "video/mp4",  "video/webm", "video/quicktime", "audio/mpeg"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        ck_assert_msg (gw_blob_mime_allowed (ok[i]), "%s", ok[i]);
    const char *no[] = {"text/plain",
                        "text/html",
                        "image/svg+xml",
                        "application/pdf",
                        "application/octet-stream",
                        "image/png; x",
                        "IMAGE/PNG",
                        ""};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg (!gw_blob_mime_allowed (no[i]), "%s", no[i]);
    ck_assert (!gw_blob_mime_allowed (NULL));

    ck_assert (gw_blob_family_matches ("image/png", "image/png"));
    ck_assert (gw_blob_family_matches ("image/jpg", "image/jpeg")); /* a common alias */
    ck_assert (gw_blob_family_matches ("Image/PNG; charset=binary", "image/png"));
    ck_assert (gw_blob_family_matches ("video/mp4", "video/quicktime"));
    ck_assert (!gw_blob_family_matches ("image/png", "video/mp4"));
    ck_assert (!gw_blob_family_matches ("video/mp4", "image/png"));
    ck_assert (!gw_blob_family_matches ("application/octet-stream", "image/png"));
    ck_assert (!gw_blob_family_matches ("image/", "image/png"));
    ck_assert (!gw_blob_family_matches ("image", "image/png"));
    ck_assert (!gw_blob_family_matches (NULL, "image/png"));
    ck_assert (!gw_blob_family_matches ("text/plain", "text/plain")); /* not a media family */
}
END_TEST

/* "W" whole, "U" unsatisfiable, else "first-last". */
static const char *range (const char *h, uint64_t len)
{
    static char buf[64];
    uint64_t a = 999, b = 999;
    switch (gw_blob_range (h, len, &a, &b)) {
    case GW_RANGE_WHOLE: return "W";
    case GW_RANGE_UNSATISFIABLE: return "U";
    default: break;
    }
    snprintf (buf, sizeof buf, "%llu-%llu", (unsigned long long) a, (unsigned long long) b);
    return buf;
}

START_TEST (range_header)
{
    ck_assert_str_eq (range (NULL, 100), "W");
    ck_assert_str_eq (range ("bytes=0-9", 100), "0-9");
    ck_assert_str_eq (range ("bytes=10-", 100), "10-99");
    ck_assert_str_eq (range ("bytes=-10", 100), "90-99");
    ck_assert_str_eq (range ("bytes=-1000", 100), "0-99"); /* a suffix longer than the file */
    ck_assert_str_eq (range ("bytes=90-1000", 100), "90-99"); /* clipped */
    ck_assert_str_eq (range ("bytes=99-99", 100), "99-99");
    ck_assert_str_eq (range ("Bytes = 5-6 ", 100), "5-6");
    /* Unsatisfiable: starts at or past the end, an empty suffix. */
    ck_assert_str_eq (range ("bytes=100-", 100), "U");
    ck_assert_str_eq (range ("bytes=100-200", 100), "U");
    ck_assert_str_eq (range ("bytes=-0", 100), "U");
    ck_assert_str_eq (range ("bytes=0-", 0), "U");
    /* Not a valid single bytes range: ignored, the whole file. */
    ck_assert_str_eq (range ("bytes=9-5", 100), "W");
    ck_assert_str_eq (range ("bytes=0-1,5-6", 100), "W");
    ck_assert_str_eq (range ("items=0-9", 100), "W");
    ck_assert_str_eq (range ("bytes=", 100), "W");
    ck_assert_str_eq (range ("bytes=-", 100), "W");
    ck_assert_str_eq (range ("bytes=a-b", 100), "W");
    ck_assert_str_eq (range ("bytes=1-2x", 100), "W");
    ck_assert_str_eq (range ("bytes 0-9", 100), "W");
    ck_assert_str_eq (range ("bytes=99999999999999999999-", 100), "W"); /* overflows */
    ck_assert_str_eq (range ("bytes=18446744073709551615-", 100), "U");
}
END_TEST

START_TEST (if_range)
{
    const char *etag = "\"ab12\"";
    uint64_t a = 999, b = 999;
    ck_assert_int_eq (gw_blob_range_if ("bytes=0-9", etag, etag, 100, &a, &b), GW_RANGE_PARTIAL);
    ck_assert (a == 0 && b == 9);
    ck_assert_int_eq (gw_blob_range_if ("bytes=0-9", NULL, etag, 100, &a, &b), GW_RANGE_PARTIAL);
    /* Another ETag, a weak one, a date: the whole representation. */
    ck_assert_int_eq (gw_blob_range_if ("bytes=0-9", "\"cd34\"", etag, 100, &a, &b),
                      GW_RANGE_WHOLE);
    ck_assert_int_eq (gw_blob_range_if ("bytes=0-9", "W/\"ab12\"", etag, 100, &a, &b),
                      GW_RANGE_WHOLE);
    ck_assert_int_eq (
        gw_blob_range_if ("bytes=0-9", "Tue, 15 Feb 2022 08:00:00 GMT", etag, 100, &a, &b),
        GW_RANGE_WHOLE);
    /* Nor is a range past the end unsatisfiable then. */
    ck_assert_int_eq (gw_blob_range_if ("bytes=200-", "\"cd34\"", etag, 100, &a, &b),
                      GW_RANGE_WHOLE);
    ck_assert_int_eq (gw_blob_range_if (NULL, etag, etag, 100, &a, &b), GW_RANGE_WHOLE);
}
END_TEST

Suite *blob_suite (void)
{
    Suite *s = suite_create ("gateway/blob");
    TCase *tc = tcase_create ("blob");
    tcase_add_test (tc, mime_allowlist_and_families);
    tcase_add_test (tc, range_header);
    tcase_add_test (tc, if_range);
    suite_add_tcase (s, tc);
    return s;
}
