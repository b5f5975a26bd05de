#include "open311/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_text.h"

struct gw_form {
    size_t n;
    char *names[GW_FORM_MAX_FIELDS];
    char *values[GW_FORM_MAX_FIELDS];
};

static int hex (char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..n) into a new string. Returns NULL and sets *why when the
 * encoding is broken, the bytes are not UTF-8, or hold a NUL; NULL with
 * *why NULL when out of memory. */
static char *decode (const char *s, size_t n, const char **why)
{
    *why = NULL;
    char *out = malloc (n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 2 < n ? hex (s[i + 1]) : -1;
            int lo = hi >= 0 ? hex (s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                *why = "có ký tự '%' không theo sau bởi hai chữ số hệ 16";
                free (out);
                return NULL;
            }
            c = (char) (hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') {
            *why = "không được chứa ký tự NUL";
            free (out);
            return NULL;
        }
        out[o++] = c;
    }
    out[o] = '\0';
    if (!loa_utf8_valid (out)) {
        *why = "phải là văn bản UTF-8 hợp lệ";
        free (out);
        return NULL;
    }
    return out;
}

static void set_error (gw_form_error *err, const char *field, const char *message)
{
    snprintf (err->field, sizeof err->field, "%s", field);
    snprintf (err->message, sizeof err->message, "%s", message);
}

gw_form *gw_form_parse (const char *body, size_t len, gw_form_error *err)
{
    gw_form *f = calloc (1, sizeof *f);
    if (!f) {
        set_error (err, "body", "");
        return NULL;
    }
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr (p, '&', (size_t) (end - p));
        const char *stop = amp ? amp : end;
        if (stop == p) { /* an empty pair */
            p = stop + 1;
            continue;
        }
        const char *eq = memchr (p, '=', (size_t) (stop - p));
        const char *name_end = eq ? eq : stop;
        const char *why;
        if (f->n == GW_FORM_MAX_FIELDS) {
            char msg[64];
            snprintf (msg, sizeof msg, "có quá %d trường", GW_FORM_MAX_FIELDS);
            set_error (err, "body", msg);
            goto fail;
        }
        char *name = decode (p, (size_t) (name_end - p), &why);
        if (!name) {
            set_error (err, "body", why ? why : "");
            if (why)
                snprintf (err->message, sizeof err->message, "tên trường %s", why);
            goto fail;
        }
        if (strlen (name) > GW_FORM_MAX_NAME || !*name) {
            set_error (err, "body", *name ? "có tên trường quá dài" : "có trường không tên");
            free (name);
            goto fail;
        }
        char *value = eq ? decode (eq + 1, (size_t) (stop - eq - 1), &why) : strdup ("");
        if (!value) {
            set_error (err, name, why ? why : "");
            free (name);
            goto fail;
        }
        f->names[f->n] = name;
        f->values[f->n] = value;
        f->n++;
        p = amp ? amp + 1 : end;
    }
    return f;
fail:
    gw_form_destroy (&f);
    return NULL;
}

void gw_form_destroy (gw_form **pf)
{
    if (!pf || !*pf)
        return;
    for (size_t i = 0; i < (*pf)->n; i++) {
        free ((*pf)->names[i]);
        free ((*pf)->values[i]);
    }
    free (*pf);
    *pf = NULL;
}

size_t gw_form_size (const gw_form *f) { return f->n; }

const char *gw_form_name (const gw_form *f, size_t i) { return i < f->n ? f->names[i] : NULL; }

const char *gw_form_value (const gw_form *f, size_t i) { return i < f->n ? f->values[i] : NULL; }

const char *gw_form_get (const gw_form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp (f->names[i], name) == 0)
            return f->values[i];
    return NULL;
}

size_t gw_form_count (const gw_form *f, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += strcmp (f->names[i], name) == 0;
    return n;
}
