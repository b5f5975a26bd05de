#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "media/media_feed.h"
#include "suites.h"

START_TEST (cursor_round_trip)
{
    const int64_t positions[] = {0, 1, 42, 255, 256, 1LL << 40, INT64_MAX};
    for (size_t i = 0; i < sizeof positions / sizeof positions[0]; i++) {
        char c[GW_FEED_CURSOR_MAX];
        int64_t back = -1;
        gw_feed_cursor_encode (positions[i], c);
        ck_assert_uint_eq (strlen (c), 16);
        ck_assert_uint_eq (
            strspn (c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 16);
        ck_assert_int_eq (gw_feed_cursor_decode (c, &back), 0);
        ck_assert_int_eq (back, positions[i]);
    }
}
END_TEST

START_TEST (cursor_refused)
{
    int64_t pos = 7;
    /* No cursor is the start. */
    ck_assert_int_eq (gw_feed_cursor_decode (NULL, &pos), 0);
    ck_assert_int_eq (pos, 0);
    ck_assert_int_eq (gw_feed_cursor_decode ("", &pos), 0);
    ck_assert_int_eq (pos, 0);
    char c[GW_FEED_CURSOR_MAX];
    gw_feed_cursor_encode (12345, c);
    /* Every single changed character is caught by the check. */
    for (size_t i = 0; i < 16; i++) {
        char bad[GW_FEED_CURSOR_MAX];
        memcpy (bad, c, sizeof bad);
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        ck_assert_int_eq (gw_feed_cursor_decode (bad, &pos), -1);
    }
    ck_assert_int_eq (gw_feed_cursor_decode ("bm90LWEtY3Vyc29y", &pos), -1);
    ck_assert_int_eq (gw_feed_cursor_decode ("12345", &pos), -1);
    ck_assert_int_eq (gw_feed_cursor_decode ("AAAAAAAAAAAAAAAAA", &pos), -1); /* 17 */
    ck_assert_int_eq (gw_feed_cursor_decode ("AAAAAAAAAAAAAAA=", &pos), -1);
    ck_assert_int_eq (gw_feed_cursor_decode ("AAAAAAAAAAAAAA+/", &pos), -1);
    /* Found by tests/fuzz/feed.c: libsodium read a byte from 0x80 up as a
     * base64 digit, so a cursor with one in place of '_' was accepted. */
    gw_feed_cursor_encode (42, c);
    ck_assert_str_eq (c, "AAAAAAAAACoWtZ_l");
    ck_assert_int_eq (gw_feed_cursor_decode (c, &pos), 0);
    ck_assert_int_eq (gw_feed_cursor_decode ("AAAAAAAAACoWtZ\xb3l", &pos), -1);
    ck_assert_int_eq (gw_feed_cursor_decode ("AAAAAAAAACoWtZ\xffl", &pos), -1);
    ck_assert_int_eq (gw_feed_cursor_decode (
                          "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80", &pos),
                      -1);
}
END_TEST

START_TEST (rfc822_dates)
{
    char out[64];
    ck_assert_int_eq (gw_feed_rfc822 ("2022-02-15T08:00:00+07:00", out, sizeof out), 0);
    ck_assert_str_eq (out, "Tue, 15 Feb 2022 08:00:00 +0700");
    ck_assert_int_eq (gw_feed_rfc822 ("2026-11-27T01:02:03.456Z", out, sizeof out), 0);
    ck_assert_str_eq (out, "Fri, 27 Nov 2026 01:02:03 +0000");
    ck_assert_int_eq (gw_feed_rfc822 ("2000-01-01T00:00:00-05:30", out, sizeof out), 0);
    ck_assert_str_eq (out, "Sat, 01 Jan 2000 00:00:00 -0530");
    ck_assert_int_eq (gw_feed_rfc822 ("2022-02-15 08:00", out, sizeof out), -1);
    ck_assert_int_eq (gw_feed_rfc822 ("2022-13-15T08:00:00Z", out, sizeof out), -1);
    ck_assert_int_eq (gw_feed_rfc822 ("2022-02-15T08:00:00", out, sizeof out), -1);
    ck_assert_int_eq (gw_feed_rfc822 (NULL, out, sizeof out), -1);
}
END_TEST

/* Found by tests/fuzz/feed.c: a negative year read by sscanf's %4d gave a
 * negative day of the week, read before the table of day names. */
START_TEST (rfc822_refuses_what_is_not_rfc3339)
{
    char out[64];
    ck_assert_int_eq (gw_feed_rfc822 ("-022-02-15T08:00:00.12456Z", out, sizeof out), -1);
    ck_assert_int_eq (gw_feed_rfc822 ("-001-01-01T00:00:00Z", out, sizeof out), -1);
    ck_assert_int_eq (gw_feed_rfc822 ("+022-02-15T08:00:00Z", out, sizeof out), -1);
    ck_assert_int_eq (gw_feed_rfc822 (" 2022-2-15T08:00:00Z", out, sizeof out), -1);
    ck_assert_int_eq (gw_feed_rfc822 ("2022-02-15T24:00:00Z", out, sizeof out), -1);
    ck_assert_int_eq (gw_feed_rfc822 ("2022-02-15T08:60:00Z", out, sizeof out), -1);
    ck_assert_int_eq (gw_feed_rfc822 ("0000-01-01T00:00:00Z", out, sizeof out), 0);
    ck_assert_str_eq (out, "Sat, 01 Jan 0000 00:00:00 +0000");
    ck_assert_int_eq (gw_feed_rfc822 ("2016-12-31T23:59:60Z", out, sizeof out), 0);
    ck_assert_str_eq (out, "Sat, 31 Dec 2016 23:59:60 +0000");
}
END_TEST

static json_t *items (void)
{
    return json_pack ("[{s:s, s:s, s:s, s:s, s:[{s:s}], s:[{s:s}], s:[{s:s, s:s, s:s, s:i}]}]",
                      "uri", "urn:x.vn:package:7", "version", "2", "versionCreated",
                      "2022-02-15T08:00:00+07:00", "pubStatus", "usable", "headlines", "value",
                      "Tin <mới> & \"nóng\"", "descriptions", "value", "Tóm tắt", "renditions",
                      "name", "1-asset-3.mp4", "href",
                      "http://h/api/v1/media/packages/7/versions/2/files/1-asset-3.mp4?a=1&b=2",
                      "contentType", "video/mp4", "sizeInBytes", 1234);
}

static const gw_feed_links links = {"http://h", "/api/v1/media/feed.atom?cursor=x&limit=5",
                                    "/api/v1/media/feed.atom?cursor=y&limit=5", "urn:x.vn:feed",
                                    "2022-02-15T08:00:00Z"};

START_TEST (atom_document)
{
    json_t *it = items ();
    size_t len = 0;
    char *xml = gw_feed_atom (it, &links, &len);
    ck_assert_ptr_nonnull (xml);
    ck_assert_uint_eq (strlen (xml), len);
    ck_assert_ptr_nonnull (strstr (xml, "<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    ck_assert_ptr_nonnull (strstr (xml, "<id>urn:x.vn:package:7:v2</id>"));
    ck_assert_ptr_nonnull (strstr (xml, "<title>Tin &lt;mới&gt; &amp; &quot;nóng&quot;</title>"));
    ck_assert_ptr_nonnull (strstr (xml, "rel=\"enclosure\" href=\"http://h/api/v1/media/packages/7/"
                                        "versions/2/files/1-asset-3.mp4?a=1&amp;b=2\" "
                                        "type=\"video/mp4\" length=\"1234\"/>"));
    ck_assert_ptr_nonnull (strstr (xml, "rel=\"next\" href=\"http://h/api/v1/media/feed.atom?"
                                        "cursor=y&amp;limit=5\""));
    ck_assert_ptr_nonnull (strstr (xml, "<updated>2022-02-15T08:00:00+07:00</updated>"));
    free (xml);
    json_decref (it);
}
END_TEST

START_TEST (rss_document)
{
    json_t *it = items ();
    size_t len = 0;
    char *xml = gw_feed_rss (it, &links, &len);
    ck_assert_ptr_nonnull (xml);
    ck_assert_ptr_nonnull (strstr (xml, "xmlns:media=\"http://search.yahoo.com/mrss/\""));
    ck_assert_ptr_nonnull (
        strstr (xml, "<guid isPermaLink=\"false\">urn:x.vn:package:7:v2</guid>"));
    ck_assert_ptr_nonnull (strstr (xml, "<pubDate>Tue, 15 Feb 2022 08:00:00 +0700</pubDate>"));
    ck_assert_ptr_nonnull (strstr (xml, "<media:content url=\"http://h/api/v1/media/packages/7/"
                                        "versions/2/files/1-asset-3.mp4?a=1&amp;b=2\" "
                                        "type=\"video/mp4\" fileSize=\"1234\"/>"));
    ck_assert_ptr_nonnull (
        strstr (xml, "<link>http://h/api/v1/media/packages/7/versions/2</link>"));
    free (xml);
    json_decref (it);
    /* An empty page is a channel without items. */
    json_t *none = json_array ();
    xml = gw_feed_rss (none, &links, &len);
    ck_assert_ptr_nonnull (xml);
    ck_assert_ptr_null (strstr (xml, "<item>"));
    free (xml);
    json_decref (none);
}
END_TEST

START_TEST (ninjs_negotiation)
{
    /* The query wins; anything but 3.2 or 2.3 there is refused. */
    ck_assert_int_eq (gw_ninjs_negotiate ("2.3", "application/json; version=3.2"), GW_NINJS_2_3);
    ck_assert_int_eq (gw_ninjs_negotiate ("3.2", NULL), GW_NINJS_3_2);
    ck_assert_int_eq (gw_ninjs_negotiate ("1.0", NULL), GW_NINJS_BAD_QUERY);
    ck_assert_int_eq (gw_ninjs_negotiate ("", NULL), GW_NINJS_BAD_QUERY);
    ck_assert_int_eq (gw_ninjs_negotiate ("2.30", NULL), GW_NINJS_BAD_QUERY);
    /* Nothing asked: 3.2. */
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, NULL), GW_NINJS_3_2);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "*/*"), GW_NINJS_3_2);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "text/html"), GW_NINJS_3_2);
    /* version= or profile= of the schema's $id (http or https, # or not). */
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "application/json; version=2.3"), GW_NINJS_2_3);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "application/json;version=\"2.3\""), GW_NINJS_2_3);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "Application/JSON ; Version = 2.3"), GW_NINJS_2_3);
    ck_assert_int_eq (gw_ninjs_negotiate (
                          NULL, "application/json; "
                                "profile=\"http://www.iptc.org/std/ninjs/ninjs-schema_2.3.json#\""),
                      GW_NINJS_2_3);
    ck_assert_int_eq (
        gw_ninjs_negotiate (NULL, "application/json; profile=https://www.iptc.org/std/ninjs/"
                                  "ninjs-schema_2.3.json"),
        GW_NINJS_2_3);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL,
                                          "application/json; profile=\"urn:x:other "
                                          "http://www.iptc.org/std/ninjs/ninjs-schema_3.2.json#\""),
                      GW_NINJS_3_2);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "*/*; version=2.3"), GW_NINJS_2_3);
    /* q: the highest wins; at equal q the range naming a version; q=0 is no. */
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "application/json;version=3.2;q=0.5, "
                                                "application/json;version=2.3"),
                      GW_NINJS_2_3);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "application/json;version=2.3;q=0.4, "
                                                "application/json;version=3.2;q=0.9"),
                      GW_NINJS_3_2);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "application/json, application/json;version=2.3"),
                      GW_NINJS_2_3);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "application/json;version=2.3;q=0.1, */*"),
                      GW_NINJS_3_2);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "application/json;version=2.3;q=0"), GW_NINJS_3_2);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "text/html;version=2.3"), GW_NINJS_3_2);
    /* Only versions not served: 406; with a plain JSON range beside: 3.2. */
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "application/json; version=1.0"),
                      GW_NINJS_NOT_ACCEPTABLE);
    ck_assert_int_eq (
        gw_ninjs_negotiate (NULL, "application/json; profile=\"http://example.com/s.json\""),
        GW_NINJS_NOT_ACCEPTABLE);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "application/json; version=1.0, */*;q=0.1"),
                      GW_NINJS_3_2);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "application/json; version=1.0, "
                                                "application/json; version=2.3;q=0.2"),
                      GW_NINJS_2_3);
    /* Odd input is not read past its end. */
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, "application/json; version=\"2.3"),
                      GW_NINJS_NOT_ACCEPTABLE);
    ck_assert_int_eq (gw_ninjs_negotiate (NULL, ";;=,,; q=;version"), GW_NINJS_3_2);
    ck_assert_str_eq (gw_ninjs_name (GW_NINJS_2_3), "2.3");
    ck_assert_str_eq (gw_ninjs_schema (GW_NINJS_2_3),
                      "http://www.iptc.org/std/ninjs/ninjs-schema_2.3.json#");
    ck_assert_str_eq (gw_ninjs_schema (GW_NINJS_3_2),
                      "http://www.iptc.org/std/ninjs/ninjs-schema_3.2.json#");
}
END_TEST

Suite *media_feed_suite (void)
{
    Suite *s = suite_create ("gateway/media_feed");
    TCase *tc = tcase_create ("media_feed");
    tcase_add_test (tc, cursor_round_trip);
    tcase_add_test (tc, cursor_refused);
    tcase_add_test (tc, rfc822_dates);
    tcase_add_test (tc, rfc822_refuses_what_is_not_rfc3339);
    tcase_add_test (tc, atom_document);
    tcase_add_test (tc, rss_document);
    tcase_add_test (tc, ninjs_negotiation);
    suite_add_tcase (s, tc);
    return s;
}
