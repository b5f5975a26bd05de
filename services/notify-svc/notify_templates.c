#include "notify_templates.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loa_config.h"
#include "loa_log.h"

#define MAX_TEMPLATE (64 * 1024)

static const char *dir (void) { return loa_env ("LOA_NOTIFY_TEMPLATES", "/usr/share/loa/notify"); }

/* The file's text (the caller's), or NULL: *missing set when it does not
 * exist, else logged. */
static char *read_file (const char *kind, const char *suffix, int *missing)
{
    char path[1024];
    *missing = 0;
    snprintf (path, sizeof path, "%s/%s%s", dir (), kind, suffix);
    FILE *f = fopen (path, "rb");
    if (!f) {
        if (errno == ENOENT)
            *missing = 1;
        else
            loa_error (NULL, "notify: cannot read template %s: %s", path, strerror (errno));
        return NULL;
    }
    char *buf = malloc (MAX_TEMPLATE + 1);
    size_t n = buf ? fread (buf, 1, MAX_TEMPLATE + 1, f) : 0;
    int bad = !buf || ferror (f) || n > MAX_TEMPLATE;
    fclose (f);
    if (bad) {
        loa_error (NULL, "notify: template %s unreadable or over %d bytes", path, MAX_TEMPLATE);
        free (buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* One file rendered: 1 into *out, 0 missing (when `optional`), -1. */
static int render_file (const char *kind, const char *suffix, int optional, loa_escape esc,
                        const loa_template_var *vars, char **out)
{
    int missing;
    char *tpl = read_file (kind, suffix, &missing);
    *out = NULL;
    if (!tpl) {
        if (missing && !optional)
            loa_error (NULL, "notify: template %s/%s%s is missing", dir (), kind, suffix);
        return missing && optional ? 0 : -1;
    }
    char err[160];
    *out = loa_template_render (tpl, esc, vars, err, sizeof err);
    free (tpl);
    if (!*out) {
        loa_error (NULL, "notify: template %s/%s%s: %s", dir (), kind, suffix, err);
        return -1;
    }
    return 1;
}

/* A subject is one line: a newline an edit left in would end the header. */
void notify_templates_one_line (char *s)
{
    char *end = s + strlen (s);
    while (end > s && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        *--end = '\0';
    for (; *s; s++)
        if (*s == '\n' || *s == '\r')
            *s = ' ';
}

int notify_templates_render (const char *kind, const char *channel, const loa_template_var *vars,
                             notify_rendered *out)
{
    memset (out, 0, sizeof *out);
    int rc;
    if (strcmp (channel, "sms") == 0) {
        rc = render_file (kind, ".sms.txt", 1, LOA_ESC_TEXT, vars, &out->text);
        if (rc == 1)
            notify_templates_one_line (out->text);
    } else if ((rc = render_file (kind, ".subject.txt", 0, LOA_ESC_TEXT, vars, &out->subject)) ==
                   1 &&
               (rc = render_file (kind, ".txt", 0, LOA_ESC_TEXT, vars, &out->text)) == 1 &&
               (rc = render_file (kind, ".html", 1, LOA_ESC_HTML, vars, &out->html)) >= 0) {
        notify_templates_one_line (out->subject);
        if (!out->html)
            out->html = strdup ("");
        rc = out->html ? 1 : -1;
    }
    if (rc != 1)
        notify_rendered_free (out);
    return rc;
}

void notify_rendered_free (notify_rendered *r)
{
    free (r->subject);
    free (r->text);
    free (r->html);
    memset (r, 0, sizeof *r);
}

char *notify_templates_render_one_file (const char *name, const char *suffix, int optional,
                                        const loa_template_var *vars)
{
    char *out;
    int rc = render_file (name, suffix, optional, LOA_ESC_TEXT, vars, &out);
    return rc == 1 ? out : rc == 0 ? strdup ("") : NULL;
}

char *notify_templates_render_one (const char *name, loa_escape esc, const loa_template_var *vars)
{
    char *out;
    return render_file (name, "", 0, esc, vars, &out) == 1 ? out : NULL;
}

int notify_templates_check (const char *kind, const loa_template_var *vars)
{
    notify_rendered r;
    int rc = notify_templates_render (kind, "email", vars, &r) == 1 ? 0 : -1;
    notify_rendered_free (&r);
    if (rc == 0 && notify_templates_render (kind, "sms", vars, &r) < 0)
        rc = -1;
    notify_rendered_free (&r);
    return rc;
}
