#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xml.h"
#include "suites.h"

/* The document of one element <t> holding `text`. */
static char *one (const char *text)
{
    gw_xml *x = gw_xml_new ();
    ck_assert_ptr_nonnull (x);
    gw_xml_text (x, "t", text);
    size_t len = 0;
    char *doc = gw_xml_finish (&x, &len);
    ck_assert_ptr_null (x);
    ck_assert_ptr_nonnull (doc);
    ck_assert_uint_eq (len, strlen (doc));
    return doc;
}

static void expect (const char *text, const char *want)
{
    char *doc = one (text);
    char full[512];
    snprintf (full, sizeof full, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n", want);
    ck_assert_str_eq (doc, full);
    free (doc);
}

START_TEST (declares_utf8_and_nests)
{
    gw_xml *x = gw_xml_new ();
    gw_xml_open (x, "services");
    gw_xml_open (x, "service");
    gw_xml_text (x, "service_code", "report");
    gw_xml_bool (x, "metadata", 1);
    gw_xml_int (x, "order", -12);
    gw_xml_text (x, "group", NULL);
    size_t len;
    char *doc = gw_xml_finish (&x, &len); /* closes what is open */
    ck_assert_str_eq (doc,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<services>\n  <service>\n"
                      "    <service_code>report</service_code>\n    <metadata>true</metadata>\n"
                      "    <order>-12</order>\n    <group/>\n  </service>\n</services>\n");
    free (doc);
}
END_TEST

START_TEST (escapes_markup)
{
    expect ("a & b < c > d \"e\" 'f'",
            "<t>a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;</t>");
    expect ("]]> <![CDATA[", "<t>]]&gt; &lt;![CDATA[</t>");
    expect ("", "<t/>");
}
END_TEST

START_TEST (vietnamese_is_byte_exact)
{
    const char *vi =
        "Phản ánh về thủ tục đăng ký doanh nghiệp: Đường dây nóng, Ủy ban nhân dân tỉnh";
    char want[256];
    snprintf (want, sizeof want, "<t>%s</t>", vi);
    expect (vi, want);
    expect ("😀 U+1F600", "<t>😀 U+1F600</t>");
}
END_TEST

START_TEST (controls_are_made_safe)
{
    expect ("tab\there\nline", "<t>tab\there\nline</t>");
    expect ("cr\r\nlf", "<t>cr&#13;\nlf</t>");
    /* C0 controls cannot appear in XML 1.0 at all, not even as references. */
    expect ("a\x01"
            "b\x1f"
            "c\x0b"
            "d\x0c",
            "<t>a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c\xEF\xBF\xBD"
            "d\xEF\xBF\xBD</t>");
    expect ("del\x7f", "<t>del&#x7F;</t>");
    expect ("c1\xC2\x85"
            "x\xC2\x9F",
            "<t>c1&#x85;x&#x9F;</t>");
    expect ("nbsp\xC2\xA0"
            "ok",
            "<t>nbsp\xC2\xA0ok</t>");
    expect ("nonchar\xEF\xBF\xBE\xEF\xBF\xBF", "<t>nonchar\xEF\xBF\xBD\xEF\xBF\xBD</t>");
}
END_TEST

START_TEST (invalid_utf8_is_replaced)
{
    expect ("bad\xff"
            "x",
            "<t>bad\xEF\xBF\xBDx</t>");
    expect ("over\xC0\xAF", "<t>over\xEF\xBF\xBD\xEF\xBF\xBD</t>");
    expect ("cut\xE1\xBA", "<t>cut\xEF\xBF\xBD\xEF\xBF\xBD</t>");
    expect ("surrogate\xED\xA0\x80", "<t>surrogate\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD</t>");
}
END_TEST

/* Found by tests/fuzz/xml.c (libxml2 reading the values back): a tab or
 * newline written as such in an attribute's value is read as a space
 * (attribute-value normalisation), so an enclosure's href or any value
 * holding one came back changed. */
START_TEST (attribute_values_keep_tabs_and_newlines)
{
    gw_xml *x = gw_xml_new ();
    const char *attrs[] = {"v", "a\tb\r\nc", NULL};
    gw_xml_text_attrs (x, "t", attrs, "a\tb\nc");
    gw_xml_open_attrs (x, "e", attrs, 1);
    size_t len;
    char *doc = gw_xml_finish (&x, &len);
    ck_assert_str_eq (doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<t v=\"a&#9;b&#13;&#10;c\">a\tb\nc</t>\n"
                           "<e v=\"a&#9;b&#13;&#10;c\"/>\n");
    free (doc);
}
END_TEST

START_TEST (destroy_is_idempotent)
{
    gw_xml *x = gw_xml_new ();
    gw_xml_open (x, "a");
    gw_xml_destroy (&x);
    ck_assert_ptr_null (x);
    gw_xml_destroy (&x);
    gw_xml_destroy (NULL);
}
END_TEST

Suite *xml_suite (void)
{
    Suite *s = suite_create ("gateway/xml");
    TCase *tc = tcase_create ("xml");
    tcase_add_test (tc, declares_utf8_and_nests);
    tcase_add_test (tc, escapes_markup);
    tcase_add_test (tc, vietnamese_is_byte_exact);
    tcase_add_test (tc, controls_are_made_safe);
    tcase_add_test (tc, invalid_utf8_is_replaced);
    tcase_add_test (tc, attribute_values_keep_tabs_and_newlines);
    tcase_add_test (tc, destroy_is_idempotent);
    suite_add_tcase (s, tc);
    return s;
}
