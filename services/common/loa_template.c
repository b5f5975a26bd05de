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
    /* The scopes open, the root first: a list's record is pushed over it. */
    const loa_template_scope *stack[MAX_DEPTH + 2];
    int n_stack;
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

enum { NAME_NONE, NAME_VAR, NAME_HTML, NAME_LIST };

/* The meaning of `name` (n bytes), innermost scope first: a value (in
 * *value, "" for NULL), HTML (in *value too) or a list (*list). */
static int lookup (const render *r, const char *name, size_t n, const char **value,
                   const loa_template_list **list)
{
    for (int i = r->n_stack - 1; i >= 0; i--) {
        const loa_template_scope *sc = r->stack[i];
        for (const loa_template_var *v = sc->vars; v && v->name; v++)
            if (strlen (v->name) == n && memcmp (v->name, name, n) == 0) {
                *value = v->value ? v->value : "";
                return NAME_VAR;
            }
        for (const loa_template_var *v = sc->html; v && v->name; v++)
            if (strlen (v->name) == n && memcmp (v->name, name, n) == 0) {
                *value = v->value ? v->value : "";
                return NAME_HTML;
            }
        for (const loa_template_list *l = sc->lists; l && l->name; l++)
            if (strlen (l->name) == n && memcmp (l->name, name, n) == 0) {
                *list = l;
                return NAME_LIST;
            }
    }
    return NAME_NONE;
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
 * (still parsed, so that errors are found whatever the values); `check` 0
 * inside a list without records, whose names no record can tell. 0 or -1. */
static int run (render *r, const char **pp, const char *open, size_t open_len, int emit, int check,
                int depth)
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
        int triple = tag[2] == '{';
        const char *end = strstr (tag + 2, triple ? "}}}" : "}}");
        if (!end)
            return fail (r, tag, "a tag is not closed", NULL);
        const char *name = tag + 2 + triple;
        char sigil = 0;
        if (!triple && (*name == '#' || *name == '^' || *name == '/' || *name == '!'))
            sigil = *name++;
        while (name < end && *name == ' ')
            name++;
        size_t n = (size_t) (end - name);
        while (n && name[n - 1] == ' ')
            n--;
        p = end + 2 + triple;
        if (sigil == '!')
            continue;
        char shown[MAX_NAME + 2];
        snprintf (shown, sizeof shown, "%s%.*s", triple ? "{" : "",
                  (int) (n < MAX_NAME ? n : MAX_NAME), name);
        if (n == 0 || n > MAX_NAME)
            return fail (r, tag, "a tag without a name", NULL);
        if (sigil == '/') {
            if (!open || n != open_len || memcmp (name, open, n) != 0)
                return fail (r, tag, "closes a section not open:", shown);
            *pp = p;
            return 0;
        }
        const char *value = "";
        const loa_template_list *list = NULL;
        int kind = lookup (r, name, n, &value, &list);
        if (kind == NAME_NONE && !check)
            kind = NAME_VAR; /* inside a list without records: shown nowhere */
        if (kind == NAME_NONE || (triple && kind != NAME_HTML))
            return fail (r, tag, "unknown name", shown);
        if (sigil == '#' || sigil == '^') {
            if (depth >= MAX_DEPTH)
                return fail (r, tag, "sections nested too deep at", shown);
            if (kind != NAME_LIST) {
                int show = (*value != '\0') == (sigil == '#');
                if (run (r, &p, name, n, emit && show, check, depth + 1) != 0)
                    return -1;
                continue;
            }
            const char *body = p;
            size_t rounds = sigil == '#' && emit ? list->n : 0;
            /* Not shown (a {{^list}} with records, or inside a section not
             * shown): parsed once with the first record, or unchecked. */
            int shown_empty = sigil == '^' && list->n == 0;
            if (rounds == 0) {
                static const loa_template_scope none = {0};
                r->stack[r->n_stack++] = list->n ? &list->items[0] : &none;
                int rc = run (r, &p, name, n, emit && shown_empty, check && list->n > 0, depth + 1);
                r->n_stack--;
                if (rc != 0)
                    return -1;
                continue;
            }
            for (size_t i = 0; i < rounds; i++) {
                p = body;
                r->stack[r->n_stack++] = &list->items[i];
                int rc = run (r, &p, name, n, 1, check, depth + 1);
                r->n_stack--;
                if (rc != 0)
                    return -1;
            }
            continue;
        }
        if (!emit)
            continue;
        if (kind == NAME_LIST)
            return fail (r, tag, "a list written as a value:", shown);
        if (triple)
            loa_buf_puts (&r->out, value);
        else
            put_escaped (r, value);
    }
}

char *loa_template_render_scope (const char *tpl, loa_escape esc, const loa_template_scope *root,
                                 char *err, size_t err_len)
{
    render r = {.tpl = tpl, .esc = esc, .err = err, .err_len = err_len};
    r.stack[r.n_stack++] = root;
    const char *p = tpl;
    if (err_len)
        err[0] = '\0';
    if (run (&r, &p, NULL, 0, 1, 1, 0) != 0) {
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

char *loa_template_render (const char *tpl, loa_escape esc, const loa_template_var *vars, char *err,
                           size_t err_len)
{
    const loa_template_scope root = {.vars = vars};
    return loa_template_render_scope (tpl, esc, &root, err, err_len);
}

int loa_template_check (const char *tpl, const loa_template_var *vars, char *err, size_t err_len)
{
    char *s = loa_template_render (tpl, LOA_ESC_TEXT, vars, err, err_len);
    free (s);
    return s ? 0 : -1;
}
