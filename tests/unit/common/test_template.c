/* loa_template: values escaped for each output, sections shown or not by
 * their value, comments dropped, and every mistake an edited template can
 * hold refused with its line (an unknown name even inside a section not
 * shown). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "loa_template.h"
#include "suites.h"

static const loa_template_var VARS[] = {
    {"name", "Nguyễn <Văn> \"A\" & 'B'"},
    {"code", "PAKN.1"},
    {"empty", ""},
    {"null", NULL},
    {"line", "a\nb\\c\x01"},
    {NULL, NULL},
};

static char err[160];

/* `tpl` rendered with VARS by `esc`; fails the test when it does not render. */
static char *ok (const char *tpl, loa_escape esc)
{
    char *s = loa_template_render (tpl, esc, VARS, err, sizeof err);
    ck_assert_msg (s != NULL, "%s: %s", tpl, err);
    return s;
}

static void expect (const char *tpl, loa_escape esc, const char *want)
{
    char *s = ok (tpl, esc);
    ck_assert_str_eq (s, want);
    free (s);
}

/* `tpl` refused, with an error that contains `want`. */
static void refused (const char *tpl, const char *want)
{
    char *s = loa_template_render (tpl, LOA_ESC_TEXT, VARS, err, sizeof err);
    ck_assert_msg (s == NULL, "%s rendered: %s", tpl, s ? s : "");
    ck_assert_msg (strstr (err, want) != NULL, "%s: \"%s\" lacks \"%s\"", tpl, err, want);
    ck_assert_int_eq (loa_template_check (tpl, VARS, err, sizeof err), -1);
}

START_TEST (values_escaped_for_each_output)
{
    expect ("Chào {{name}}, mã {{ code }}.", LOA_ESC_TEXT,
            "Chào Nguyễn <Văn> \"A\" & 'B', mã PAKN.1.");
    expect ("<p>{{name}}</p>", LOA_ESC_HTML,
            "<p>Nguyễn &lt;Văn&gt; &quot;A&quot; &amp; &#39;B&#39;</p>");
    expect ("{\"to\":\"{{line}}\",\"n\":\"{{name}}\"}", LOA_ESC_JSON,
            "{\"to\":\"a\\u000ab\\\\c\\u0001\",\"n\":\"Nguyễn <Văn> \\\"A\\\" & 'B'\"}");
    expect ("", LOA_ESC_TEXT, "");
    expect ("no tags at all", LOA_ESC_TEXT, "no tags at all");
    expect ("[{{null}}][{{empty}}]", LOA_ESC_TEXT, "[][]");
}
END_TEST

START_TEST (sections_and_comments)
{
    expect ("{{#code}}mã {{code}}{{/code}}{{^code}}không mã{{/code}}", LOA_ESC_TEXT, "mã PAKN.1");
    expect ("{{#empty}}có{{/empty}}{{^empty}}không{{/empty}}", LOA_ESC_TEXT, "không");
    expect ("{{#null}}có{{/null}}{{^null}}không{{/null}}", LOA_ESC_TEXT, "không");
    expect ("{{#code}}a{{#empty}}b{{/empty}}c{{^empty}}d{{#name}}e{{/name}}{{/empty}}{{/code}}",
            LOA_ESC_TEXT, "acde");
    expect ("a{{! a note for the admin, {with braces} }}b", LOA_ESC_TEXT, "ab");
}
END_TEST

START_TEST (mistakes_refused_with_their_line)
{
    refused ("x\ny {{nmae}}", "line 2: unknown name {{nmae}}");
    /* Inside a section that is not shown, too: found whatever the values. */
    refused ("{{#empty}}\n\n{{tracking}}{{/empty}}", "line 3: unknown name {{tracking}}");
    refused ("{{#code}}open", "section not closed");
    refused ("{{#code}}a{{/name}}", "closes a section not open: {{name}}");
    refused ("a{{/code}}", "closes a section not open");
    refused ("a {{code", "line 1: a tag is not closed");
    refused ("{{ }}", "a tag without a name");
    /* No raw form: a triple mustache is refused, not taken as unescaped. */
    refused ("<b>{{{name}}}</b>", "unknown name {{{name}}");
    refused ("{{#}}x{{/}}", "a tag without a name");
    char deep[512] = "";
    for (int i = 0; i < 20; i++)
        strcat (deep, "{{#code}}");
    refused (deep, "nested too deep");
    /* check says the same, and passes a template that renders. */
    ck_assert_int_eq (loa_template_check ("{{#code}}{{name}}{{/code}}", VARS, err, sizeof err), 0);
}
END_TEST

/* The portal's pages (decision 0035): lists of records, the outer names
 * seen from inside a record, HTML only where the program vouched for it. */
static const loa_template_var TOPIC_A[] = {{"name", "Đầu tư <công>"}, {"id", "1"}, {NULL, NULL}};
static const loa_template_var TOPIC_B[] = {{"name", "CCHC"}, {"id", ""}, {NULL, NULL}};
static const loa_template_scope TOPICS[] = {{.vars = TOPIC_A}, {.vars = TOPIC_B}};
static const loa_template_var PAGE_VARS[] = {{"title", "Tin <b>"}, {NULL, NULL}};
static const loa_template_var PAGE_HTML[] = {{"body", "<p>an <em>HTML</em> body</p>"},
                                             {NULL, NULL}};
static const loa_template_list PAGE_LISTS[] = {
    {"topics", TOPICS, 2}, {"none", NULL, 0}, {NULL, NULL, 0}};
static const loa_template_scope PAGE = {PAGE_VARS, PAGE_HTML, PAGE_LISTS};

static char *page (const char *tpl)
{
    return loa_template_render_scope (tpl, LOA_ESC_HTML, &PAGE, err, sizeof err);
}

static void page_is (const char *tpl, const char *want)
{
    char *s = page (tpl);
    ck_assert_msg (s != NULL, "%s: %s", tpl, err);
    ck_assert_str_eq (s, want);
    free (s);
}

static void page_refused (const char *tpl, const char *want)
{
    char *s = page (tpl);
    ck_assert_msg (s == NULL, "%s rendered: %s", tpl, s ? s : "");
    ck_assert_msg (strstr (err, want) != NULL, "%s: \"%s\" lacks \"%s\"", tpl, err, want);
}

START_TEST (lists_repeat_their_records)
{
    page_is (
        "<ul>{{#topics}}<li>{{name}}{{#id}} #{{id}}{{/id}} ({{title}})</li>{{/topics}}</ul>",
        "<ul><li>Đầu tư &lt;công&gt; #1 (Tin &lt;b&gt;)</li><li>CCHC (Tin &lt;b&gt;)</li></ul>");
    page_is ("{{#none}}never {{whatever}}{{/none}}{{^none}}không có{{/none}}", "không có");
    page_is ("{{^topics}}không có {{name}}{{/topics}}.", ".");
    /* Nested: a section on the outer page inside a record. */
    page_is ("{{#topics}}{{#topics}}{{id}}{{/topics}};{{/topics}}", "1;1;");
    page_refused ("{{#topics}}{{nmae}}{{/topics}}", "unknown name {{nmae}}");
    page_refused ("{{^topics}}{{nmae}}{{/topics}}", "unknown name {{nmae}}");
    page_refused ("{{topics}}", "a list written as a value");
}
END_TEST

START_TEST (html_only_where_vouched_for)
{
    page_is ("<div>{{{body}}}</div>", "<div><p>an <em>HTML</em> body</p></div>");
    page_is ("{{{ body }}}", "<p>an <em>HTML</em> body</p>");
    /* The same value without the triple is escaped like any other. */
    page_is ("{{body}}", "&lt;p&gt;an &lt;em&gt;HTML&lt;/em&gt; body&lt;/p&gt;");
    page_is ("{{#body}}có{{/body}}", "có");
    /* A plain value, or a record's, is never written raw. */
    page_refused ("{{{title}}}", "unknown name {{{title}}");
    page_refused ("{{#topics}}{{{name}}}{{/topics}}", "unknown name {{{name}}");
    page_refused ("{{{body}}", "a tag is not closed");
}
END_TEST

Suite *template_suite (void)
{
    Suite *s = suite_create ("template");
    TCase *tc = tcase_create ("render");
    tcase_add_test (tc, values_escaped_for_each_output);
    tcase_add_test (tc, sections_and_comments);
    tcase_add_test (tc, mistakes_refused_with_their_line);
    tcase_add_test (tc, lists_repeat_their_records);
    tcase_add_test (tc, html_only_where_vouched_for);
    suite_add_tcase (s, tc);
    return s;
}
