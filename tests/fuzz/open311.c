/* fuzz target: the Open311 parsers of gateway/open311/open311_map.c: the
 * W3C date-times of start_date and end_date (o311_parse_time) and the
 * window made of them (o311_window), the title made from a description
 * (o311_title), the submitter's name (o311_full_name), the mapping of
 * field names and statuses, and the small parsers of the requests'
 * arguments (o311_form_type, o311_tracking_code, o311_split). The input is up to three texts
 * separated by newlines (a description keeps the rest). Properties: a parsed time written back in
 * +07:00 parses to the same instant; a window is at most 90 days, end after start; a title is valid
 * UTF-8 when the description is, at most max_chars characters, and fits its buffer; a name fits; a
 * code is the input upper-cased; a list's items are trimmed, non-empty. */
#include <string.h>

#include "fuzz.h"
#include "loa_text.h"
#include "open311/open311_map.h"

/* 1 when an o311_format_time text is in the years o311_parse_time reads. */
static int year_ok (const char *t)
{
    int y = atoi (t);
    return y >= 1900 && y <= 9999;
}

static void check_time (const char *s, int end_of_day)
{
    int64_t us = 0, again = 0;
    if (!o311_parse_time (s, end_of_day, &us))
        return;
    char out[40];
    o311_format_time (us, out);
    FUZZ_CHECK (strlen (out) < sizeof out);
    /* Far ends may fall outside 1900-9999 once in +07:00. */
    if (year_ok (out))
        FUZZ_CHECK (o311_parse_time (out, 0, &again) && again == us);
}

static void check_title (const char *description, size_t max_chars, size_t cap)
{
    char *out = malloc (cap);
    FUZZ_CHECK (out != NULL);
    o311_title (description, max_chars, out, cap);
    FUZZ_CHECK (strlen (out) < cap);
    if (loa_utf8_valid (description)) {
        FUZZ_CHECK (loa_utf8_valid (out));
        if (cap >= 4 * max_chars + 1)
            FUZZ_CHECK (loa_utf8_length (out) <= max_chars);
    }
    FUZZ_CHECK (!strchr (out, '\n') && !strchr (out, '\r'));
    free (out);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    char *text = fuzz_strndup (data + 2, size - 2);
    const char *a = text, *b = NULL;
    char *nl = strchr (text, '\n');
    if (nl) {
        *nl = '\0';
        b = nl + 1;
    }
    check_time (a, 0);
    check_time (a, 1);
    char from[40], to[40], why[256];
    int64_t now = (int64_t) 1700000000 * 1000000;
    if (!o311_window (a, b, now, from, to, why, sizeof why)) {
        int64_t f = 0, t = 0;
        int fok = o311_parse_time (from, 0, &f), tok = o311_parse_time (to, 0, &t);
        FUZZ_CHECK (fok || !year_ok (from));
        FUZZ_CHECK (tok || !year_ok (to));
        if (fok && tok)
            FUZZ_CHECK (t >= f && t - f <= (int64_t) O311_WINDOW_DAYS * 86400 * 1000000);
    } else {
        FUZZ_CHECK (memchr (why, '\0', sizeof why) != NULL);
    }
    /* The description is all the text after the first byte pair. */
    char *whole = fuzz_strndup (data + 2, size - 2);
    size_t max_chars = 2 + data[0] % 300, cap = data[1] & 1 ? 4 * max_chars + 1 : 8 + data[1];
    check_title (whole, max_chars, cap);
    char name[64];
    o311_full_name (a, b, name, sizeof name);
    FUZZ_CHECK (strlen (name) < sizeof name);
    if (loa_utf8_valid (a) && (!b || loa_utf8_valid (b)))
        FUZZ_CHECK (loa_utf8_valid (name));
    FUZZ_CHECK (o311_field (a, data[0] & 1) != NULL);
    const char *st = o311_status (a);
    FUZZ_CHECK (!st || strcmp (st, "open") == 0 || strcmp (st, "closed") == 0);
    char notes[128];
    o311_status_notes (a, data[1] & 2 ? b : NULL, b, b, notes, sizeof notes);
    FUZZ_CHECK (strlen (notes) < sizeof notes);
    o311_service_find (a);
    o311_attribute_find (a);
    /* The arguments' parsers: the form's Content-Type, codes, lists. */
    FUZZ_CHECK (o311_form_type (a) == 0 || o311_form_type (a) == 1);
    char code[O311_MAX_CODE + 1];
    if (o311_tracking_code (a, code, sizeof code)) {
        FUZZ_CHECK (strlen (code) == strlen (a) && strlen (code) <= O311_MAX_CODE);
        FUZZ_CHECK (strspn (code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == strlen (code));
    }
    char *items[8];
    size_t total = 0, n = o311_split (whole, items, 8, &total);
    FUZZ_CHECK (n <= 8 && n <= total && (n == total || n == 8));
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen (items[i]);
        FUZZ_CHECK (len > 0 && items[i][0] != ' ' && items[i][len - 1] != ' ');
        FUZZ_CHECK (!strchr (items[i], ','));
    }
    free (whole);
    free (text);
    return 0;
}
