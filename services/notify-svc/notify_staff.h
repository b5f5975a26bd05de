/* notify_staff: what staff are told, in the console and, for the kinds
 * each chooses, by e-mail (docs/notifications.md, "Staff"): the kinds, who
 * receives each, and the telling itself (one notification per member it
 * concerns, from the accounts the gateway syncs; an e-mail from the staff
 * templates, staff.subject.txt, staff.txt, staff.html). */
#ifndef NOTIFY_STAFF_H
#define NOTIFY_STAFF_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "common.pb-c.h"
#include "loa_template.h"

/* A kind of staff notification: its name, its label in the console, the
 * roles it goes to (ended by NULL), and the variables its templates may
 * use (<kind>.title.txt, <kind>.body.txt: ended by NULL). */
typedef struct {
    const char *kind;
    const char *label;
    const char *roles[3];
    const char *vars[8];
} notify_staff_kind;

extern const notify_staff_kind notify_staff_kinds[];
extern const size_t notify_staff_n_kinds;

/* Tells the members of `roles_literal` (a text[] literal, e.g.
 * "{leader,editor}"; NULL: whoever `user_id` is) of unit `unit_id` (0: any)
 * or user `user_id` (0: any) of a moment of `kind`, keyed by `key_base`
 * ("<source>.<seq>"): the title and body from the kind's templates
 * (<kind>.title.txt; <kind>.body.txt, optional) rendered with `vars`, and
 * `link`, a console path ("/admin/..."). On the subscriber's (or the
 * sweep's) connection, in its transaction: 0, -1 (a template that does not
 * render, logged: the moment waits until it is mended), LOA_DB_RETRY. */
int notify_staff_tell (PGconn *db, const char *key_base, const char *kind,
                       const char *roles_literal, int64_t unit_id, int64_t user_id,
                       const loa_template_var *vars, const char *link);

/* content-svc's events: an article submitted (its unit's reviewers... every
 * reviewer), published or sent back (its author). */
int notify_content_apply (PGconn *db, const Loa__Event *event, void *arg);

/* quota-svc's: a unit at risk of missing its month's quota (its leaders
 * and editors). */
int notify_quota_apply (PGconn *db, const Loa__Event *event, void *arg);

/* The staff templates render (start-up). 0 or -1 (logged). */
int notify_staff_check_templates (void);

#endif
