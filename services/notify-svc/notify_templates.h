/* notify_templates: the messages' words, from files an admin may edit
 * without rebuilding (LOA_NOTIFY_TEMPLATES, default /usr/share/loa/notify;
 * docs/notifications.md). For a kind ("feedback.received"):
 *   <kind>.subject.txt   the e-mail's subject (one line)
 *   <kind>.txt           the e-mail's text
 *   <kind>.html          its HTML alternative (optional)
 *   <kind>.sms.txt       the SMS (optional: no SMS for the kind without it)
 * Files are read at each message, so an edit applies to the next one. */
#ifndef NOTIFY_TEMPLATES_H
#define NOTIFY_TEMPLATES_H

#include "loa_template.h"

/* One channel's message of a kind, rendered; strings the caller's. */
typedef struct {
    char *subject; /* e-mail only */
    char *text;
    char *html; /* e-mail only; "" when the kind has no .html */
} notify_rendered;

/* Renders `kind`'s files for `channel` ("email", "sms") with `vars`. 1
 * rendered into *out; 0 when the kind has no file for the channel (an SMS
 * it does not send); -1 (logged, naming the file and line) when a file
 * cannot be read or does not render. */
int notify_templates_render (const char *kind, const char *channel, const loa_template_var *vars,
                             notify_rendered *out);
void notify_rendered_free (notify_rendered *r);

/* One file of the folder (`name`, e.g. "sms.request.json") rendered with
 * `esc`: a new string (the caller's), NULL (logged) when it is missing or
 * does not render. */
char *notify_templates_render_one (const char *name, loa_escape esc, const loa_template_var *vars);

/* The file `<name><suffix>` rendered as plain text: a new string (the
 * caller's); "" when it is missing and `optional`; NULL (logged) when it is
 * missing and not optional, or does not render. */
char *notify_templates_render_one_file (const char *name, const char *suffix, int optional,
                                        const loa_template_var *vars);

/* Makes `s` one line: trailing newlines and spaces dropped, the others
 * spaces (a subject, a title). */
void notify_templates_one_line (char *s);

/* Every file of `kind` renders with `vars` (a start-up check, so that an
 * edit that broke a template is found before a message needs it). 0, or
 * -1 (logged). */
int notify_templates_check (const char *kind, const loa_template_var *vars);

#endif
