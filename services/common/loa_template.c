#include "loa_template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_buf.h"

#define MAX_DEPTH 16
#define MAX_NAME 64

typedef struct {
    const char *tpl;
    loa_escape esc;
    const loa_template_var *vars;
    loa_buf out;
    char *err;
    size_t err_len;
} render;

static int line_of (const render *r, const char *at)
{
    int line = 1;
    for (const char *p = r->tpl; p < at; p++)
        line += *p == '\n';
    return line;
}

static int fail (render *r, const char *at, const char *what, const char *name)
{
    snprintf (r->err, r->err_len, "line %d: %s%s%s%s", line_of (r, at), what, name ? " {{" : "",
              name ? name : "", name ? "}}" : "");
    return -1;
}

/* The value of `name` (n bytes), "" for NULL; *found 0 when not given. */
static const char *lookup (const render *r, const char *name, size_t n, int *found)
{
    for (const loa_template_var *v = r->vars; v->name; v++)
        if (strlen (v->name) == n && memcmp (v->name, name, n) == 0) {
            *found = 1;
            return v->value ? v->value : "";
        }
    *found = 0;
    return "";
}

static void put_escaped (render *r, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;
        const char *rep = NULL;
        char hex[8];
        if (r->esc == LOA_ESC_HTML) {
            rep = c == '&'    ? "&amp;"
                  : c == '<'  ? "&lt;"
                  : c == '>'  ? "&gt;"
                  : c == '"'  ? "&quot;"
                  : c == '\'' ? "&#39;"
                              : NULL;
        } else if (r->esc == LOA_ESC_JSON) {
            if (c == '"' || c == '\\') {
                hex[0] = '\\';
                hex[1] = (char) c;
                hex[2] = '\0';
                rep = hex;
            } else if (c < 0x20) {
                snprintf (hex, sizeof hex, "\\u%04x", c);
                rep = hex;
            }
        }
        if (rep)
            loa_buf_puts (&r->out, rep);
        else
            loa_buf_add (&r->out, s, 1);
    }
}

/* Renders from *pp until the end, or until the {{/name}} closing `open`
 * (a section's name, NULL at the top). `emit` 0 inside a section not shown
 * (still parsed, so that errors are found whatever the values). 0 or -1. */
static int run (render *r, const char **pp, const char *open, size_t open_len, int emit, int depth)
{
    const char *p = *pp;
    for (;;) {
        const char *tag = strstr (p, "{{");
        if (!tag) {
            if (open)
                return fail (r, p, "section not closed:", "#section");
            if (emit)
                loa_buf_puts (&r->out, p);
            *pp = p + strlen (p);
            return 0;
        }
        if (emit)
            loa_buf_add (&r->out, p, (size_t) (tag - p));
        const char *end = strstr (tag + 2, "}}");
        if (!end)
            return fail (r, tag, "a tag is not closed", NULL);
        const char *name = tag + 2;
        char sigil = *name == '#' || *name == '^' || *name == '/' || *name == '!' ? *name++ : 0;
        while (name < end && *name == ' ')
            name++;
        size_t n = (size_t) (end - name);
        while (n && name[n - 1] == ' ')
            n--;
        p = end + 2;
        if (sigil == '!')
            continue;
        char shown[MAX_NAME + 1];
        snprintf (shown, sizeof shown, "%.*s", (int) (n < MAX_NAME ? n : MAX_NAME), name);
        if (n == 0 || n > MAX_NAME)
            return fail (r, tag, "a tag without a name", NULL);
        if (sigil == '/') {
            if (!open || n != open_len || memcmp (name, open, n) != 0)
                return fail (r, tag, "closes a section not open:", shown);
            *pp = p;
            return 0;
        }
        int found;
        const char *value = lookup (r, name, n, &found);
        if (!found)
            return fail (r, tag, "unknown name", shown);
        if (sigil == '#' || sigil == '^') {
            if (depth >= MAX_DEPTH)
                return fail (r, tag, "sections nested too deep at", shown);
            int show = (*value != '\0') == (sigil == '#');
            if (run (r, &p, name, n, emit && show, depth + 1) != 0)
                return -1;
            continue;
        }
        if (emit)
            put_escaped (r, value);
    }
}

char *loa_template_render (const char *tpl, loa_escape esc, const loa_template_var *vars, char *err,
                           size_t err_len)
{
    render r = {.tpl = tpl, .esc = esc, .vars = vars, .err = err, .err_len = err_len};
    const char *p = tpl;
    if (err_len)
        err[0] = '\0';
    if (run (&r, &p, NULL, 0, 1, 0) != 0) {
        loa_buf_free (&r.out);
        return NULL;
    }
    if (!r.out.data)
        loa_buf_add (&r.out, "\0", 1); /* an empty text is still a text */
    char *s = loa_buf_take (&r.out, NULL);
    if (!s)
        snprintf (err, err_len, "out of memory");
    return s;
}

int loa_template_check (const char *tpl, const loa_template_var *vars, char *err, size_t err_len)
{
    char *s = loa_template_render (tpl, LOA_ESC_TEXT, vars, err, err_len);
    free (s);
    return s ? 0 : -1;
}
