/* loa_template: text from a template an admin may edit (notify-svc's
 * messages, docs/notifications.md), a subset of Mustache:
 *   {{name}}                  the value of `name`, escaped for the output
 *   {{#name}} ... {{/name}}   the inside when `name` is not empty
 *   {{^name}} ... {{/name}}   the inside when `name` is empty
 *   {{! a comment }}          nothing
 * and, with loa_template_render_scope (the portal's pages, decision 0035):
 *   {{#list}} ... {{/list}}   the inside once per record of the list `list`,
 *                             the record's names first, then the outer ones
 *   {{^list}} ... {{/list}}   the inside when the list has no record
 *   {{{name}}}                HTML that the program vouches for (a scope's
 *                             `html` value: content-svc's sanitised Markdown),
 *                             as it is; any other name is refused
 * Every value is escaped by the template's escaper: the only raw form is
 * `{{{name}}}`, and it reads only the values the code itself marked as
 * HTML (a template cannot unescape a value; `{{name}}` of an HTML value
 * escapes it like any other). A name the caller does not give
 * is an error, so a mistyped name in an edited template is caught when it
 * is checked (loa_template_check), not shown to a citizen.
 * Written here because Debian packs no C implementation of Mustache (its
 * C++ ones would bring a C++ runtime into a C service). */
#ifndef LOA_TEMPLATE_H
#define LOA_TEMPLATE_H

#include <stddef.h>

typedef enum {
    LOA_ESC_TEXT, /* plain text (e-mail's text part, SMS): as it is */
    LOA_ESC_HTML, /* & < > " ' as entities */
    LOA_ESC_JSON, /* inside a JSON string: " \ and control characters escaped */
} loa_escape;

typedef struct {
    const char *name;
    const char *value; /* NULL reads as "" */
} loa_template_var;

/* `tpl` rendered with `vars` (ended by a NULL name), every value escaped by
 * `esc`: a new string (the caller's). NULL on a template error (unknown
 * name, a section not closed or closed by another name, a tag not closed),
 * described in err ("line 3: unknown name {{tracking}}"), or when memory
 * runs out ("out of memory"). */
char *loa_template_render (const char *tpl, loa_escape esc, const loa_template_var *vars, char *err,
                           size_t err_len);

/* The names of one scope: its values, its HTML, its lists (each array
 * ended by a NULL name; a NULL array: none). */
typedef struct loa_template_scope loa_template_scope;

typedef struct {
    const char *name;
    const loa_template_scope *items; /* `n` records */
    size_t n;
} loa_template_list;

struct loa_template_scope {
    const loa_template_var *vars; /* escaped when written */
    const loa_template_var *html; /* HTML the program vouches for: {{{name}}} writes it */
    const loa_template_list *lists;
};

/* loa_template_render with a scope (values, HTML, lists), the same errors;
 * a list's records may hold lists in turn. */
char *loa_template_render_scope (const char *tpl, loa_escape esc, const loa_template_scope *root,
                                 char *err, size_t err_len);

/* 0 when `tpl` renders with `vars` (values may be empty), else -1 with
 * err set as above. */
int loa_template_check (const char *tpl, const loa_template_var *vars, char *err, size_t err_len);

#endif
