#include "core/xml.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_buf.h"
#include "loa_text.h"

#define MAX_DEPTH 16

struct gw_xml {
    loa_buf out;
    int depth;
    const char *open[MAX_DEPTH];
};

static void put (gw_xml *x, const char *s, size_t n) { loa_buf_add (&x->out, s, n); }

static void puts_ (gw_xml *x, const char *s) { put (x, s, strlen (s)); }

static void indent (gw_xml *x)
{
    put (x, "\n", 1);
    for (int i = 0; i < x->depth; i++)
        put (x, "  ", 2);
}

gw_xml *gw_xml_new (void)
{
    gw_xml *x = calloc (1, sizeof *x);
    if (!x)
        return NULL;
    puts_ (x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    if (x->out.failed)
        gw_xml_destroy (&x);
    return x;
}

void gw_xml_destroy (gw_xml **px)
{
    if (!px || !*px)
        return;
    loa_buf_free (&(*px)->out);
    free (*px);
    *px = NULL;
}

void gw_xml_open (gw_xml *x, const char *name)
{
    assert (x->depth < MAX_DEPTH);
    indent (x);
    put (x, "<", 1);
    puts_ (x, name);
    put (x, ">", 1);
    x->open[x->depth++] = name;
}

void gw_xml_close (gw_xml *x)
{
    assert (x->depth > 0);
    const char *name = x->open[--x->depth];
    indent (x);
    put (x, "</", 2);
    puts_ (x, name);
    put (x, ">", 1);
}

/* Element content or an attribute's value (`attr`), escaped; see xml.h
 * for what becomes of what. In a value a parser turns a literal tab or
 * newline into a space (XML 1.0 §3.3.3), so there they are references. */
static void put_escaped (gw_xml *x, const char *text, int attr)
{
    const char *s = text, *run = text; /* run: bytes to copy as they are */
    while (*s) {
        unsigned char c = (unsigned char) *s;
        const char *rep = NULL;
        char ref[16];
        size_t n = 1;
        if (c == '&')
            rep = "&amp;";
        else if (c == '<')
            rep = "&lt;";
        else if (c == '>')
            rep = "&gt;";
        else if (c == '"')
            rep = "&quot;";
        else if (c == '\'')
            rep = "&apos;";
        else if (c == '\r')
            rep = "&#13;";
        else if (attr && c == '\t')
            rep = "&#9;";
        else if (attr && c == '\n')
            rep = "&#10;";
        else if (c == 0x7F)
            rep = "&#x7F;";
        else if (c < 0x20 && c != '\t' && c != '\n')
            rep = "\xEF\xBF\xBD"; /* not allowed in XML 1.0, not even as a reference */
        else if (c >= 0x80) {
            n = loa_utf8_seq (s);
            if (n == 0) {
                n = 1;
                rep = "\xEF\xBF\xBD";
            } else if (n == 2 && c == 0xC2 && (unsigned char) s[1] < 0xA0) {
                snprintf (ref, sizeof ref, "&#x%X;", (unsigned char) s[1]); /* C1 control */
                rep = ref;
            } else if (n == 3 && c == 0xEF && (unsigned char) s[1] == 0xBF &&
                       (unsigned char) s[2] >= 0xBE) {
                rep = "\xEF\xBF\xBD"; /* U+FFFE, U+FFFF: not characters in XML */
            }
        }
        if (rep) {
            put (x, run, (size_t) (s - run));
            puts_ (x, rep);
            s += n;
            run = s;
        } else {
            s += n;
        }
    }
    put (x, run, (size_t) (s - run));
}

static void put_attrs (gw_xml *x, const char *const *attrs)
{
    for (size_t i = 0; attrs && attrs[i]; i += 2) {
        if (!attrs[i + 1])
            continue;
        put (x, " ", 1);
        puts_ (x, attrs[i]);
        put (x, "=\"", 2);
        put_escaped (x, attrs[i + 1], 1);
        put (x, "\"", 1);
    }
}

void gw_xml_text_attrs (gw_xml *x, const char *name, const char *const *attrs, const char *text)
{
    indent (x);
    put (x, "<", 1);
    puts_ (x, name);
    put_attrs (x, attrs);
    put (x, ">", 1);
    put_escaped (x, text ? text : "", 0);
    put (x, "</", 2);
    puts_ (x, name);
    put (x, ">", 1);
}

void gw_xml_open_attrs (gw_xml *x, const char *name, const char *const *attrs, int empty)
{
    assert (empty || x->depth < MAX_DEPTH);
    indent (x);
    put (x, "<", 1);
    puts_ (x, name);
    put_attrs (x, attrs);
    if (empty) {
        put (x, "/>", 2);
        return;
    }
    put (x, ">", 1);
    x->open[x->depth++] = name;
}

void gw_xml_text (gw_xml *x, const char *name, const char *text)
{
    indent (x);
    put (x, "<", 1);
    puts_ (x, name);
    if (!text || !*text) {
        put (x, "/>", 2);
        return;
    }
    put (x, ">", 1);
    put_escaped (x, text, 0);
    put (x, "</", 2);
    puts_ (x, name);
    put (x, ">", 1);
}

void gw_xml_int (gw_xml *x, const char *name, long long value)
{
    char num[24];
    snprintf (num, sizeof num, "%lld", value);
    gw_xml_text (x, name, num);
}

void gw_xml_bool (gw_xml *x, const char *name, int value)
{
    gw_xml_text (x, name, value ? "true" : "false");
}

char *gw_xml_finish (gw_xml **px, size_t *len)
{
    gw_xml *x = *px;
    while (x->depth > 0)
        gw_xml_close (x);
    put (x, "\n", 1);
    char *doc = loa_buf_take (&x->out, len);
    gw_xml_destroy (px);
    return doc;
}
