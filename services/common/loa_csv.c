#include "loa_csv.h"

#include <stdio.h>
#include <string.h>

static void put (loa_csv *c, const char *s, size_t n) { loa_buf_add (&c->out, s, n); }

static void separate (loa_csv *c)
{
    if (c->cells++ > 0)
        put (c, ",", 1);
}

void loa_csv_init (loa_csv *c)
{
    memset (c, 0, sizeof *c);
    put (c, "\xEF\xBB\xBF", 3);
}

void loa_csv_text (loa_csv *c, const char *s)
{
    separate (c);
    if (!s)
        s = "";
    /* A spreadsheet runs a cell starting with these as a formula (CSV
     * injection, OWASP): an apostrophe makes it text. */
    int guard = s[0] && strchr ("=+-@\t\r", s[0]) != NULL;
    int quote = strpbrk (s, ",\"\r\n") != NULL;
    if (quote)
        put (c, "\"", 1);
    if (guard)
        put (c, "'", 1);
    for (const char *p = s; *p;) {
        size_t run = strcspn (p, "\"");
        put (c, p, run);
        p += run;
        if (*p == '"') {
            put (c, "\"\"", 2);
            p++;
        }
    }
    if (quote)
        put (c, "\"", 1);
}

void loa_csv_int (loa_csv *c, long long v)
{
    separate (c);
    char buf[24];
    int n = snprintf (buf, sizeof buf, "%lld", v);
    put (c, buf, (size_t) n);
}

void loa_csv_end_row (loa_csv *c)
{
    put (c, "\r\n", 2);
    c->cells = 0;
}

char *loa_csv_take (loa_csv *c, size_t *len)
{
    c->cells = 0;
    return loa_buf_take (&c->out, len);
}
